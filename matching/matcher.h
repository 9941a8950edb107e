// Payment matching: which open invoices an incoming payment pays, or why a clerk must decide.
//
// A Matcher is built once from the ledger (matching/ledger.h) and answers one question per
// payment: a MatchResult with a decision (auto | follow_up), the allocations, the unapplied
// rest, ranked candidates and machine-readable reasons. Stages (docs/matching.md):
//   1. exact structured reference (check digit valid) to an open invoice;
//   2. reference repair: one edit (substitution, adjacent transposition, insertion,
//      deletion, missing check digit) or leading zeros, via a deletion-neighbourhood index;
//   3. references, invoice numbers and case numbers in the free text (several = split);
//   4. no usable reference: amount + payer (known payer account, fuzzy name);
//   5. one payment = the unique subset of one customer's open invoices adding up exactly;
//   6. partial (applied, rest stays open), overpayment (applied, excess unapplied, follow-up),
//      paid/closed invoice, currency mismatch, reversal, debit: follow-up with the reason.
// Automatic only when unambiguous: the best candidate's score >= MatchOptions::auto_score and
// beats the runner-up by >= auto_margin, plus the per-stage rules in docs/matching.md.
//
// Pure: no I/O, no clock, no threads. Money is int64 minor units; scores are integers.
//
// Thread safety: a Matcher is immutable after Build() and may be shared between threads
// (std::shared_ptr<const Matcher>); Match() is const and reentrant. An AllocationRun holds
// the balances of one run and is one-thread-at-a-time.
#ifndef PURR_MATCHING_MATCHER_H_
#define PURR_MATCHING_MATCHER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "matching/ledger.h"
#include "refs/reference.h"

namespace purr::matching {

enum class Direction { kCredit, kDebit };

struct Payment {
  std::string payment_id;   // stable identity (bank::Transaction::payment_id)
  int64_t amount_minor = 0; // magnitude in minor units, >= 0; the sign is `direction`
  std::string currency;     // ISO 4217
  std::string booking_date; // YYYY-MM-DD or empty
  std::vector<std::string> references;  // structured references, as written
  std::string text;         // unstructured remittance text
  std::string payer_name;
  std::string payer_account;
  bool reversal = false;    // the bank reverses an earlier booking
  Direction direction = Direction::kCredit;
};

// Why a candidate scored as it did, or why the decision is what it is.
enum class ReasonCode {
  // Evidence on a candidate.
  kExactReference,         // structured reference equals the invoice's, check digit valid
  kExactReferenceUnchecked,// equal, but fits no check-digit scheme
  kReferenceInText,        // the invoice's reference appears in the free text
  kInvoiceNumberInText,
  kCaseNumberInText,
  kRepairedSubstitution,   // one digit differs
  kRepairedTransposition,  // two adjacent digits swapped
  kRepairedInsertion,      // the payment's reference has one character too many
  kRepairedDeletion,       // ... one character too few
  kRepairedMissingCheckDigit,
  kRepairedLeadingZeros,
  kAmountEqual,            // payment amount equals the open balance
  kAmountLess,
  kAmountGreater,
  kPayerAccountKnown,      // payer account is one of the invoice's payer_accounts
  kPayerNameMatch,         // payer name fuzzy-matches customer_name
  kInvoicePaid,            // not open in the ledger
  kInvoiceClosed,
  kAlreadyPaidInRun,       // open in the ledger, but this run's payments cleared it
  kCurrencyMismatch,
  // Decision.
  kAutoUnambiguous,        // best clears the score and the margin
  kSplitPayment,           // several invoices referenced, amounts add up exactly
  kSubsetSum,              // unique subset of the customer's open invoices adds up
  kPartialPayment,         // applied; the rest stays open
  kOverpayment,            // applied; the excess is unapplied (refund or next invoice)
  kBlockingInvoicePaid,    // an allocation clears an invoice marked blocking: reactivate
  kBelowThreshold,
  kAmbiguous,              // runner-up within the margin
  kAmbiguousRepair,        // more than one repaired reference fits
  kRepairNeedsAmount,      // a repaired reference is applied only when the amount agrees
  kSplitAmountMismatch,    // several invoices referenced, amounts do not add up
  kSubsetNotUnique,
  kSubsetSearchLimit,
  kNoCandidates,
  kReversal,
  kDebitPayment,
  kInvalidAmount,
  kDuplicatePayment,       // this payment id was already matched in this run
};
// Stable snake_case name ("exact_reference", "ambiguous_repair", ...).
std::string_view ReasonCodeName(ReasonCode code);

struct Reason {
  ReasonCode code;
  std::string text;  // human sentence; never contains an unmasked account number
};

struct Candidate {
  std::string invoice;
  int score = 0;
  std::vector<Reason> reasons;
};

struct Allocation {
  std::string invoice;
  int64_t amount_minor = 0;
};

enum class Decision { kAuto, kFollowUp };
std::string_view DecisionName(Decision decision);  // "auto", "follow_up"

// The stage that decided; for statistics.
enum class Stage { kGuard, kExactReference, kRepair, kFreeText, kPayer, kSubset, kNone };
std::string_view StageName(Stage stage);

struct MatchResult {
  std::string payment_id;
  int64_t amount_minor = 0;
  std::string currency;
  Decision decision = Decision::kFollowUp;
  // Applied amounts. Present in every auto decision, and in a follow_up for an overpayment
  // (the invoice is certain; the clerk decides about the unapplied excess). A follow_up
  // without allocations changes nothing.
  std::vector<Allocation> allocations;
  int64_t unapplied_minor = 0;       // amount_minor minus the allocations
  std::vector<Candidate> candidates; // best first, at most MatchOptions::max_candidates
  std::vector<Reason> reasons;       // why this decision
  Stage stage = Stage::kNone;
};

// Score weights (integers). A candidate's score is its strongest reference evidence plus the
// payer and amount terms. See docs/matching.md for why each number is what it is.
struct ScoreWeights {
  int exact_reference = 70;
  int exact_reference_unchecked = 55;
  int reference_in_text = 65;
  int invoice_number_in_text = 60;
  int leading_zeros = 60;
  int one_edit = 55;
  int case_number_in_text = 45;
  int payer_account = 40;
  int payer_name = 15;
  int amount_equal = 25;
};

struct MatchOptions {
  int auto_score = 80;   // best candidate must score at least this
  int auto_margin = 20;  // ... and beat the runner-up by at least this
  ScoreWeights weights;
  size_t max_candidates = 5;
  // Subset search (stage 5) looks at customers with at most this many open invoices and
  // gives up (follow_up, subset_search_limit) after this many search steps.
  size_t max_subset_invoices = 24;
  size_t subset_search_budget = 200000;
  // A payer account or name shared by more invoices than this identifies nobody.
  size_t max_payer_invoices = 64;
  // The check-digit schemes of the creditor's agreements (domain.md B.2 and D.1: KID MOD10
  // or MOD11, OCR with length digit, RF, ...). A reference equal to an invoice's counts as
  // exact_reference only when valid under one of them, otherwise exact_reference_unchecked.
  // Empty: any scheme refs::ClassifyReference knows.
  std::vector<refs::ReferenceKind> reference_schemes;
};

// ---- Allocation order inside one claim ----------------------------------------------------

enum class ClaimComponent { kCosts, kInterest, kPrincipal };
using AllocationOrder = std::array<ClaimComponent, 3>;
enum class Jurisdiction { kNorway, kSweden, kDenmark, kFinland };

// The default order in which a payment covers one claim's components; costs, then interest,
// then principal everywhere (docs/matching.md cites the basis and marks what is unverified).
AllocationOrder DefaultAllocationOrder(Jurisdiction jurisdiction);

struct ClaimBalance {
  int64_t costs = 0;
  int64_t interest = 0;
  int64_t principal = 0;
  int64_t Total() const { return costs + interest + principal; }
};

// How `amount` covers `due` in `order`: the applied part per component (never more than due;
// the excess is amount - result.Total()). REQUIRES: amount >= 0, components >= 0.
ClaimBalance AllocateWithinClaim(int64_t amount, const ClaimBalance& due,
                                 const AllocationOrder& order);

// ---- Matcher --------------------------------------------------------------------------------

namespace internal {
struct LedgerData;
class IndexedSource;
}  // namespace internal

class Matcher {
 public:
  // Builds the indexes (reference, leading-zero-stripped reference, deletion neighbourhood,
  // invoice number, case number, customer, payer account, payer name). O(n log n).
  // REQUIRES: invoice numbers unique and 0 <= amount_minor < 10^15 (ParseLedger guarantees
  // both), so that sums of balances cannot overflow.
  static std::shared_ptr<const Matcher> Build(std::vector<Invoice> invoices,
                                              MatchOptions options = {});
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // Matches against the balances as in the ledger; changes nothing.
  MatchResult Match(const Payment& payment) const;

  const std::vector<Invoice>& invoices() const;
  const MatchOptions& options() const { return options_; }
  // Index of an invoice number, or -1.
  int64_t FindInvoice(std::string_view invoice) const;

 private:
  friend class AllocationRun;
  Matcher(std::unique_ptr<internal::LedgerData> data, MatchOptions options);
  MatchResult MatchWith(const Payment& payment, const std::vector<int64_t>& balances) const;

  std::unique_ptr<internal::LedgerData> data_;
  std::unique_ptr<internal::IndexedSource> source_;
  MatchOptions options_;
};

// One matching run over a sequence of payments: allocations reduce the open balances, so two
// payments for one invoice are not both applied in full, and a payment id seen before in the
// run is a duplicate. Not thread-safe; the Matcher it uses may be shared.
class AllocationRun {
 public:
  explicit AllocationRun(std::shared_ptr<const Matcher> matcher);

  // Matches and applies the allocations (of auto decisions and of overpayment follow-ups).
  MatchResult Match(const Payment& payment);

  // Remaining balance of an invoice in this run; -1 for an unknown invoice number.
  int64_t Balance(std::string_view invoice) const;

 private:
  std::shared_ptr<const Matcher> matcher_;
  std::vector<int64_t> balances_;
  std::unordered_set<std::string> seen_payments_;
};

}  // namespace purr::matching

#endif  // PURR_MATCHING_MATCHER_H_
