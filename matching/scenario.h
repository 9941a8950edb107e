// Generated matching scenarios with known truth, for `purr match-eval`, the benchmark and the
// brute-force comparison test.
//
// A scenario is a ledger of customers and invoices (Norwegian KIDs MOD10 and MOD11, Swedish
// OCR references with length digit, RF references) and payments carrying the error mix of
// issue 5: 2% transposed digits, 1% one wrong digit, 1% missing check digit, 3% invoice
// number only in the text, 2% several invoices in one payment, 3% partial, 1% overpayment,
// 1% unknown payer; plus 2% without any reference from a known payer account; the rest clean.
//
// Pure and deterministic: the same options give the same scenario on every platform (own
// PRNG, no std:: distributions). Thread safety: a pure function.
#ifndef PURR_MATCHING_SCENARIO_H_
#define PURR_MATCHING_SCENARIO_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "matching/ledger.h"
#include "matching/matcher.h"

namespace purr::matching {

enum class ErrorKind {
  kClean,
  kTransposed,
  kWrongDigit,
  kMissingCheckDigit,
  kInvoiceNumberInText,
  kSeveralInvoices,
  kPartial,
  kOverpayment,
  kUnknownPayer,
  kNoReference,
};
inline constexpr int kErrorKindCount = 10;
std::string_view ErrorKindName(ErrorKind kind);

struct ScenarioOptions {
  size_t invoices = 10000;
  size_t payments = 10000;
  uint64_t seed = 1;
};

struct Truth {
  ErrorKind kind = ErrorKind::kClean;
  std::vector<Allocation> allocations;  // what a clerk would apply, by invoice number
  int64_t unapplied_minor = 0;          // overpayment excess
  // The data determine the truth: e.g. a mistyped reference has exactly one open invoice
  // within one edit, several invoices add up uniquely. Computed independently of Matcher.
  bool determinable = true;
};

struct Scenario {
  std::vector<Invoice> invoices;
  std::vector<Payment> payments;
  std::vector<Truth> truth;  // parallel to payments
};

// REQUIRES: options.invoices >= 10. Payments target distinct open invoices while there are
// any; beyond that invoices are reused (each payment's truth is then judged alone, so match
// them with Matcher::Match, not an AllocationRun).
Scenario GenerateScenario(const ScenarioOptions& options);

// How match results compare with the truth, per error kind.
struct KindStats {
  size_t payments = 0;
  size_t determinable = 0;
  size_t auto_correct = 0;     // decision auto, allocations and unapplied rest as the truth
  size_t applied_correct = 0;  // follow_up whose allocations (overpayment) are the truth
  // Money applied where the truth has none: an allocation to an invoice the truth does not
  // name, or more than the truth applies to it. The figure that must stay 0.
  size_t wrong = 0;
  // A clerk must act: follow_up without allocations, or with allocations that are right
  // but incomplete (an overpayment whose excess belongs to another invoice).
  size_t follow_up = 0;
  size_t follow_up_top3 = 0;        // ... with every true invoice among the first 3 candidates
  size_t determinable_matched = 0;  // determinable and auto_correct or applied_correct
  size_t determinable_follow_up = 0;
  size_t determinable_follow_up_top3 = 0;
};

struct EvalReport {
  EvalReport() : kinds(kErrorKindCount) {}
  std::vector<KindStats> kinds;  // indexed by ErrorKind
  KindStats total;
};

// Adds one payment's result to the report.
void Tally(const MatchResult& result, const Truth& truth, EvalReport& report);

// The ledger as CSV in the column order of docs/matching.md (for measuring ParseLedger).
std::string LedgerToCsv(const std::vector<Invoice>& invoices);

}  // namespace purr::matching

#endif  // PURR_MATCHING_SCENARIO_H_
