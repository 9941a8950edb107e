// Internal to matching/: the matching engine shared by the indexed Matcher and the
// brute-force reference matcher of the tests. Not part of the library's interface.
//
// The engine gathers evidence through a CandidateSource, which returns a superset of the
// invoices that may fit a key; the engine verifies every candidate against LedgerData, so a
// source's hash collisions or extra hits never change a decision, only missing hits can.
#ifndef PURR_MATCHING_INTERNAL_ENGINE_H_
#define PURR_MATCHING_INTERNAL_ENGINE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "matching/matcher.h"

namespace purr::matching::internal {

// The ledger with each invoice's keys precomputed. Immutable after BuildLedgerData.
struct LedgerData {
  std::vector<Invoice> invoices;
  std::vector<std::string> refs;           // refs::CompactReference(reference)
  std::vector<std::string> name_keys;      // NameKey(customer_name)
  std::vector<std::vector<std::string>> accounts;  // refs::CanonicalAccount per payer account
  std::vector<int64_t> balances;           // amount_minor per invoice
};

LedgerData BuildLedgerData(std::vector<Invoice> invoices);

// Lookups by key. Each appends invoice indices (any status) to `out`; may append extra ones
// and duplicates, must not miss any invoice whose key equals (one-edit: is within one
// Damerau edit of) the query.
class CandidateSource {
 public:
  virtual ~CandidateSource() = default;
  virtual void ByReference(std::string_view ref, std::vector<uint32_t>& out) const = 0;
  virtual void ByStrippedReference(std::string_view stripped,
                                   std::vector<uint32_t>& out) const = 0;
  virtual void ByOneEdit(std::string_view ref, std::vector<uint32_t>& out) const = 0;
  virtual void ByInvoiceNumber(std::string_view key, std::vector<uint32_t>& out) const = 0;
  virtual void ByCase(std::string_view key, std::vector<uint32_t>& out) const = 0;
  virtual void ByCustomer(std::string_view customer, std::vector<uint32_t>& out) const = 0;
  virtual void ByPayerAccount(std::string_view canonical, std::vector<uint32_t>& out) const = 0;
  virtual void ByNameKey(std::string_view key, std::vector<uint32_t>& out) const = 0;
  // Invoices whose name key equals `key` and whose amount_minor *in the ledger* is `amount`.
  virtual void ByNameAndAmount(std::string_view key, int64_t amount,
                               std::vector<uint32_t>& out) const = 0;
};

// Matches one payment. balances: remaining balance per invoice index.
MatchResult MatchPayment(const LedgerData& ledger, const std::vector<int64_t>& balances,
                         const CandidateSource& source, const MatchOptions& options,
                         const Payment& payment);

// ---- Helpers, exposed for the tests and the brute-force source ---------------------------

enum class EditKind {
  kNone,          // not within one edit (or equal)
  kSubstitution,
  kTransposition,
  kInsertion,     // query has one extra character
  kDeletion,      // query lacks one character
  kMissingCheckDigit,  // query = reference without its last character
};
// How `query` relates to `reference` by one Damerau edit.
EditKind ClassifyEdit(std::string_view query, std::string_view reference);

std::string_view StripLeadingZeros(std::string_view s);
// Upper-cased, surrounding punctuation removed: the form invoice and case numbers are
// compared in.
std::string TextKey(std::string_view s);
// TextKey(raw) == key, without allocating.
bool TextKeyEquals(std::string_view raw, std::string_view key);
// Lower-case ASCII-folded name tokens of length >= 2, sorted, joined by ' '.
std::string NameKey(std::string_view name);
// Fuzzy: at least two tokens agree (equal, or one edit for tokens of 5+ letters), or the
// only token of both names agrees.
bool NamesMatch(std::string_view a, std::string_view b);
// The same on name keys (NameKey output), without allocating.
bool NameKeysMatch(std::string_view a, std::string_view b);
// A check-digit scheme of `schemes` holds for the compact reference; with no schemes, any
// scheme refs::ClassifyReference knows (fast path for digit strings).
bool CheckDigitValid(std::string_view compact, const std::vector<refs::ReferenceKind>& schemes);

// The keys a structured reference is looked up by: a FIK line's payment id, the compact
// reference, and for a list ("657866 658765 657767", "801266,801365") each item. At most 16,
// each at most 35 characters.
std::vector<std::string> ReferenceKeys(std::string_view raw);

// Tokens of free text worth looking up: words (TextKey'd), runs of digit groups joined, and
// RF references found in it. At most 64.
std::vector<std::string> TextTokens(std::string_view text);

}  // namespace purr::matching::internal

#endif  // PURR_MATCHING_INTERNAL_ENGINE_H_
