#include "matching/matcher.h"

#include <algorithm>

#include "matching/internal/engine.h"
#include "matching/internal/index.h"

namespace purr::matching {

std::string_view ReasonCodeName(ReasonCode code) {
  switch (code) {
    case ReasonCode::kExactReference: return "exact_reference";
    case ReasonCode::kExactReferenceUnchecked: return "exact_reference_unchecked";
    case ReasonCode::kReferenceInText: return "reference_in_text";
    case ReasonCode::kInvoiceNumberInText: return "invoice_number_in_text";
    case ReasonCode::kCaseNumberInText: return "case_number_in_text";
    case ReasonCode::kRepairedSubstitution: return "repaired_substitution";
    case ReasonCode::kRepairedTransposition: return "repaired_transposition";
    case ReasonCode::kRepairedInsertion: return "repaired_insertion";
    case ReasonCode::kRepairedDeletion: return "repaired_deletion";
    case ReasonCode::kRepairedMissingCheckDigit: return "repaired_missing_check_digit";
    case ReasonCode::kRepairedLeadingZeros: return "repaired_leading_zeros";
    case ReasonCode::kAmountEqual: return "amount_equal";
    case ReasonCode::kAmountLess: return "amount_less";
    case ReasonCode::kAmountGreater: return "amount_greater";
    case ReasonCode::kPayerAccountKnown: return "payer_account_known";
    case ReasonCode::kPayerNameMatch: return "payer_name_match";
    case ReasonCode::kInvoicePaid: return "invoice_paid";
    case ReasonCode::kInvoiceClosed: return "invoice_closed";
    case ReasonCode::kAlreadyPaidInRun: return "already_paid_in_run";
    case ReasonCode::kCurrencyMismatch: return "currency_mismatch";
    case ReasonCode::kAutoUnambiguous: return "auto_unambiguous";
    case ReasonCode::kSplitPayment: return "split_payment";
    case ReasonCode::kSubsetSum: return "subset_sum";
    case ReasonCode::kPartialPayment: return "partial_payment";
    case ReasonCode::kOverpayment: return "overpayment";
    case ReasonCode::kBlockingInvoicePaid: return "blocking_invoice_paid";
    case ReasonCode::kBelowThreshold: return "below_threshold";
    case ReasonCode::kAmbiguous: return "ambiguous";
    case ReasonCode::kAmbiguousRepair: return "ambiguous_repair";
    case ReasonCode::kRepairNeedsAmount: return "repair_needs_amount";
    case ReasonCode::kSplitAmountMismatch: return "split_amount_mismatch";
    case ReasonCode::kSubsetNotUnique: return "subset_not_unique";
    case ReasonCode::kSubsetSearchLimit: return "subset_search_limit";
    case ReasonCode::kNoCandidates: return "no_candidates";
    case ReasonCode::kReversal: return "reversal";
    case ReasonCode::kDebitPayment: return "debit_payment";
    case ReasonCode::kInvalidAmount: return "invalid_amount";
    case ReasonCode::kDuplicatePayment: return "duplicate_payment";
  }
  return "unknown";
}

std::string_view DecisionName(Decision decision) {
  return decision == Decision::kAuto ? "auto" : "follow_up";
}

std::string_view StageName(Stage stage) {
  switch (stage) {
    case Stage::kGuard: return "guard";
    case Stage::kExactReference: return "exact_reference";
    case Stage::kRepair: return "repair";
    case Stage::kFreeText: return "free_text";
    case Stage::kPayer: return "payer";
    case Stage::kSubset: return "subset";
    case Stage::kNone: return "none";
  }
  return "none";
}

AllocationOrder DefaultAllocationOrder(Jurisdiction jurisdiction) {
  // All four jurisdictions default to costs, interest, principal; see docs/matching.md
  // "Allocation order" for the basis and what is unverified.
  switch (jurisdiction) {
    case Jurisdiction::kNorway:
    case Jurisdiction::kSweden:
    case Jurisdiction::kDenmark:
    case Jurisdiction::kFinland:
      break;
  }
  return {ClaimComponent::kCosts, ClaimComponent::kInterest, ClaimComponent::kPrincipal};
}

ClaimBalance AllocateWithinClaim(int64_t amount, const ClaimBalance& due,
                                 const AllocationOrder& order) {
  ClaimBalance applied;
  for (ClaimComponent component : order) {
    const int64_t* owed = nullptr;
    int64_t* out = nullptr;
    switch (component) {
      case ClaimComponent::kCosts:
        owed = &due.costs;
        out = &applied.costs;
        break;
      case ClaimComponent::kInterest:
        owed = &due.interest;
        out = &applied.interest;
        break;
      case ClaimComponent::kPrincipal:
        owed = &due.principal;
        out = &applied.principal;
        break;
    }
    // A component listed twice gets nothing the second time.
    int64_t take = std::min(amount, *owed - *out);
    *out += take;
    amount -= take;
  }
  return applied;
}

Matcher::Matcher(std::unique_ptr<internal::LedgerData> data, MatchOptions options)
    : data_(std::move(data)),
      source_(std::make_unique<internal::IndexedSource>(*data_)),
      options_(options) {}

Matcher::~Matcher() = default;

std::shared_ptr<const Matcher> Matcher::Build(std::vector<Invoice> invoices,
                                              MatchOptions options) {
  auto data = std::make_unique<internal::LedgerData>(
      internal::BuildLedgerData(std::move(invoices)));
  return std::shared_ptr<const Matcher>(new Matcher(std::move(data), options));
}

MatchResult Matcher::Match(const Payment& payment) const {
  return MatchWith(payment, data_->balances);
}

MatchResult Matcher::MatchWith(const Payment& payment,
                               const std::vector<int64_t>& balances) const {
  return internal::MatchPayment(*data_, balances, *source_, options_, payment);
}

const std::vector<Invoice>& Matcher::invoices() const { return data_->invoices; }

int64_t Matcher::FindInvoice(std::string_view invoice) const {
  std::vector<uint32_t> hits;
  std::string key = internal::TextKey(invoice);
  source_->ByInvoiceNumber(key, hits);
  for (uint32_t idx : hits) {
    if (data_->invoices[idx].invoice == invoice) return idx;
  }
  return -1;
}

AllocationRun::AllocationRun(std::shared_ptr<const Matcher> matcher)
    : matcher_(std::move(matcher)), balances_(matcher_->data_->balances) {}

MatchResult AllocationRun::Match(const Payment& payment) {
  if (!payment.payment_id.empty() && !seen_payments_.insert(payment.payment_id).second) {
    MatchResult r;
    r.payment_id = payment.payment_id;
    r.amount_minor = payment.amount_minor;
    r.currency = payment.currency;
    r.unapplied_minor = payment.amount_minor;
    r.stage = Stage::kGuard;
    r.reasons.push_back({ReasonCode::kDuplicatePayment,
                         "payment id already matched in this run; not applied again"});
    return r;
  }
  MatchResult r = matcher_->MatchWith(payment, balances_);
  for (const Allocation& a : r.allocations) {
    int64_t idx = matcher_->FindInvoice(a.invoice);
    if (idx >= 0) balances_[static_cast<size_t>(idx)] -= a.amount_minor;
  }
  return r;
}

int64_t AllocationRun::Balance(std::string_view invoice) const {
  int64_t idx = matcher_->FindInvoice(invoice);
  return idx < 0 ? -1 : balances_[static_cast<size_t>(idx)];
}

}  // namespace purr::matching
