// Links a letter to its collection case by finding, in the letter's text, identifiers the
// creditor's ledger already holds (case, invoice and customer numbers, KID/OCR/FIK payment
// references) and, as weaker evidence, customers' names.
//
// Creditors' number formats vary too much to be recognised by shape (S310372-3, NR/2291/0457,
// 26-119 512, a bare 15-digit FIK id), so nothing here guesses a format: the text is searched
// for the known identifiers only.
//
// Matching (IdentifierIndex::Find):
//  * Normalised form: ASCII letters and digits only, lower-cased, with the OCR confusions
//    folded: o->0, i->1, l->1, s->5, b->8. "S-2025-0001", "s 2025 OOO1" and "52025-0001" have
//    the same normalised form; a fold is not an edit.
//  * In the text an identifier is a run of tokens (maximal runs of ASCII letters and digits)
//    joined by separators: ' ', '-', '/', '.', '_', no-break, thin and narrow no-break
//    spaces, soft hyphen, the dashes U+2010..U+2015 and minus U+2212. Any other byte (line
//    breaks, tabs, ',', ':', quotes, invalid UTF-8) ends it. A token touching a Latin letter
//    outside ASCII ("ø1234567") is part of a word and never part of an identifier.
//  * A hit is delimited: it starts at the start of a token and ends at the end of a token,
//    so "1234567" is not found in "912345678".
//  * Exact (edits = 0): the same normalised form. One error (edits = 1): one substitution,
//    adjacent transposition, insertion or deletion, only for identifiers whose normalised
//    form has at least kMinFuzzyLength characters.
//  * Every known identifier that fits a span is reported; a fuzzy span fitting two known
//    identifiers is reported for both (the caller treats that as ambiguous). A fuzzy hit that
//    overlaps an exact hit is dropped; of overlapping fuzzy hits of the same identifier the
//    longest (then the first) is kept. Exact hits may overlap: customer "S310372" and case
//    "S310372-3" are both found in "S310372-3".
//  * In a ledger numbered in sequence nearly every number of the right shape is one error
//    away from some identifier: fuzzy hits are evidence to weigh, not links.
//  * Hits come ordered by start, end, edits, kind, value, case id, customer.
//
// Thread safety: Build returns an immutable index, shareable between threads (Find is const
// and touches no shared mutable state). Everything is pure: no I/O, threads or clock. No
// function here throws on any input bytes, invalid UTF-8 included.
#ifndef PURR_CASES_LINKER_H_
#define PURR_CASES_LINKER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace purr::cases {

enum class IdKind { kCase, kInvoice, kCustomer, kReference };

// "case", "invoice", "customer", "reference".
std::string_view IdKindName(IdKind kind);

// Identifiers whose normalised form is longer are not indexed, nor values longer than
// kMaxIdValueBytes as written.
inline constexpr size_t kMaxIdLength = 64;
inline constexpr size_t kMaxIdValueBytes = 128;
// Shorter identifiers (normalised) must match exactly.
inline constexpr size_t kMinFuzzyLength = 7;

// One identifier from the ledger, with the case and customer it belongs to (either may be
// empty). The same value may appear several times (a customer number for each of its cases).
struct KnownId {
  IdKind kind = IdKind::kCase;
  std::string value;
  std::string case_id;
  std::string customer;
};

struct LinkHit {
  IdKind kind = IdKind::kCase;
  std::string value;  // the known identifier, as the ledger writes it
  std::string case_id;
  std::string customer;
  size_t start = 0;  // byte span [start, end) in the letter's text
  size_t end = 0;
  int edits = 0;  // 0: same normalised form, 1: one error

  bool operator==(const LinkHit&) const = default;
};

// The known identifiers of a ledger, indexed for Find. About 90 bytes per identifier of ten
// characters: one copy of each value and its normalised form, interned case ids and
// customers, and 4 bytes for each hash of its one-deletion neighbourhood. Build of 3.3
// million identifiers takes about 5 s on one core, Find about 0.4 ms for a 3 KB letter
// (bench/cases/bench_linker.cc).
//
// Immutable after Build; share it as std::shared_ptr<const IdentifierIndex>. Not copyable:
// it may hold hundreds of megabytes.
class IdentifierIndex {
 public:
  // Duplicates (same kind, value, case id and customer) are kept once. Values that
  // normalise to nothing or are over the limits above are skipped and counted in skipped(),
  // as is everything past 4 GiB of identifier text.
  static std::shared_ptr<const IdentifierIndex> Build(std::vector<KnownId> ids);

  IdentifierIndex(const IdentifierIndex&) = delete;
  IdentifierIndex& operator=(const IdentifierIndex&) = delete;
  ~IdentifierIndex();

  // Every hit in `text` (any bytes), by the rules at the top of this file. Each window of
  // tokens shaped like some identifier (its length and digit count) costs one hash lookup per
  // character; every candidate is verified by comparing the normalised strings, so a hash
  // collision never produces a hit. Prose costs little; text made only of digit groups is
  // the worst case, about 1.5 ms a kilobyte against a large ledger.
  std::vector<LinkHit> Find(std::string_view text) const;

  size_t size() const;         // identifiers indexed, after removing duplicates
  size_t skipped() const;      // identifiers given to Build but not indexed
  size_t MemoryBytes() const;  // heap owned by the index, approximately

 private:
  struct Rep;
  explicit IdentifierIndex(std::unique_ptr<const Rep> rep);
  std::unique_ptr<const Rep> rep_;
};

// ---- Customers' names -------------------------------------------------------------------

struct KnownName {
  std::string customer;
  std::string name;  // as the ledger writes it, e.g. "Kari Nordmann"
};

struct NameHit {
  std::string customer;
  std::string name;  // the known name, as the ledger writes it
  size_t start = 0;  // byte span [start, end) in the letter's text
  size_t end = 0;

  bool operator==(const NameHit&) const = default;
};

// Customers' full names, found as whole words. Words are runs of letters and digits
// (ASCII and Latin letters from UTF-8), compared case-insensitively; in the text they may be
// joined by the identifier separators above or an apostrophe. A ledger name with one comma
// ("Nordmann, Kari") is read surname first. Only names of 2 to 8 words and at most 256 bytes
// are indexed (a lone first name is no evidence). A name held by two different customers
// identifies nobody and is never reported. Hits come ordered by start, then end.
//
// Immutable after Build, shareable between threads; not copyable. Never throws on any input.
class NameIndex {
 public:
  static std::shared_ptr<const NameIndex> Build(std::vector<KnownName> names);

  NameIndex(const NameIndex&) = delete;
  NameIndex& operator=(const NameIndex&) = delete;
  ~NameIndex();

  std::vector<NameHit> Find(std::string_view text) const;

  size_t size() const;  // distinct names that identify one customer

 private:
  struct Rep;
  explicit NameIndex(std::unique_ptr<const Rep> rep);
  std::unique_ptr<const Rep> rep_;
};

}  // namespace purr::cases

#endif  // PURR_CASES_LINKER_H_
