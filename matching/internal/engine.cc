// The matching engine: evidence -> scored candidates -> decision. See docs/matching.md.
#include "matching/internal/engine.h"

#include <algorithm>

#include "common/money.h"
#include "matching/internal/subset.h"
#include "refs/account.h"
#include "refs/reference.h"

namespace purr::matching::internal {
namespace {

// Evidence flags on a candidate invoice.
enum : uint32_t {
  kEvExact = 1u << 0,
  kEvExactUnchecked = 1u << 1,
  kEvRefInText = 1u << 2,
  kEvInvoiceInText = 1u << 3,
  kEvCaseInText = 1u << 4,
  kEvZeros = 1u << 5,
  kEvOneEdit = 1u << 6,
  kEvAccount = 1u << 7,
  kEvName = 1u << 8,
};
// Evidence that names one invoice directly (not a repair, not a case, not the payer).
constexpr uint32_t kEvDirect = kEvExact | kEvExactUnchecked | kEvRefInText | kEvInvoiceInText;
constexpr uint32_t kEvRepair = kEvZeros | kEvOneEdit;
constexpr uint32_t kEvReference = kEvDirect | kEvRepair | kEvCaseInText;

struct Cand {
  uint32_t idx = 0;
  uint32_t ev = 0;
  EditKind edit = EditKind::kNone;
  std::string token;  // what matched, for the reason text
  int score = 0;
};

std::string Quote(std::string_view s) { return "'" + std::string(s.substr(0, 40)) + "'"; }

std::string_view EditName(EditKind kind) {
  switch (kind) {
    case EditKind::kSubstitution:
      return "one digit differs";
    case EditKind::kTransposition:
      return "two adjacent digits swapped";
    case EditKind::kInsertion:
      return "one character too many";
    case EditKind::kDeletion:
      return "one character missing";
    case EditKind::kMissingCheckDigit:
      return "check digit missing";
    case EditKind::kNone:
      break;
  }
  return "";
}

ReasonCode EditReason(EditKind kind) {
  switch (kind) {
    case EditKind::kSubstitution:
      return ReasonCode::kRepairedSubstitution;
    case EditKind::kTransposition:
      return ReasonCode::kRepairedTransposition;
    case EditKind::kInsertion:
      return ReasonCode::kRepairedInsertion;
    case EditKind::kDeletion:
      return ReasonCode::kRepairedDeletion;
    case EditKind::kMissingCheckDigit:
    case EditKind::kNone:
      break;
  }
  return ReasonCode::kRepairedMissingCheckDigit;
}

class Engine {
 public:
  Engine(const LedgerData& ledger, const std::vector<int64_t>& balances,
         const CandidateSource& source, const MatchOptions& options, const Payment& payment)
      : ledger_(ledger), balances_(balances), source_(source), options_(options),
        payment_(payment) {}

  MatchResult Run();

 private:
  Cand& At(uint32_t idx);
  void Add(uint32_t idx, uint32_t ev, std::string_view token, EditKind edit = EditKind::kNone);
  void GatherReferences();
  void GatherText();
  void RepairReference(const std::string& key);
  void GatherPayer();
  void AddVerifiedNameHits(int64_t amount);  // -1: any amount
  void Score();
  std::vector<Reason> CandidateReasons(const Cand& c) const;
  void FillCandidates(MatchResult& r) const;

  bool Open(uint32_t idx) const {
    return ledger_.invoices[idx].status == InvoiceStatus::kOpen && balances_[idx] > 0;
  }
  bool Usable(uint32_t idx) const {
    return Open(idx) && ledger_.invoices[idx].currency == payment_.currency;
  }
  int64_t Balance(uint32_t idx) const { return balances_[idx]; }
  // "1234.50 NOK" in the payment's currency, for reason texts.
  std::string Money(int64_t minor) const {
    return FormatMinor(minor, CurrencyExponent(payment_.currency).value_or(2)) + " " +
           payment_.currency;
  }
  const std::string& Number(uint32_t idx) const { return ledger_.invoices[idx].invoice; }

  MatchResult FollowUp(Stage stage, ReasonCode code, std::string text);
  MatchResult Auto(Stage stage, std::vector<uint32_t> invoices, ReasonCode code, std::string text);
  MatchResult Decide();
  MatchResult DecideSingle(const Cand& best, int runner_up);
  // Unique subset of `customer`'s usable invoices that includes `must` and adds up to the
  // amount. Sets *why on failure (kSubsetNotUnique / kSubsetSearchLimit / kNoCandidates).
  std::optional<std::vector<uint32_t>> FindSubset(const std::string& customer,
                                                  const std::vector<uint32_t>& must,
                                                  ReasonCode* why) const;
  Stage StageOf(uint32_t ev) const;

  const LedgerData& ledger_;
  const std::vector<int64_t>& balances_;
  const CandidateSource& source_;
  const MatchOptions& options_;
  const Payment& payment_;
  std::vector<Cand> cands_;
  std::vector<uint32_t> hits_;  // scratch for source lookups
  std::string account_;         // canonical payer account
  std::string payer_key_;       // NameKey(payer_name)
};

Cand& Engine::At(uint32_t idx) {
  for (Cand& c : cands_) {
    if (c.idx == idx) return c;
  }
  Cand c;
  c.idx = idx;
  cands_.push_back(std::move(c));
  return cands_.back();
}

void Engine::Add(uint32_t idx, uint32_t ev, std::string_view token, EditKind edit) {
  Cand& c = At(idx);
  if ((c.ev & ev) == ev) return;
  c.ev |= ev;
  // The token names the reference for the reason text; invoice and case numbers are shown
  // from the ledger. An exact reference wins over one found in text or by repair.
  constexpr uint32_t kEvByReference = kEvExact | kEvExactUnchecked | kEvRefInText | kEvRepair;
  if ((ev & kEvByReference) && (c.token.empty() || (ev & (kEvExact | kEvExactUnchecked)))) {
    c.token = token;
  }
  if (edit != EditKind::kNone) c.edit = edit;
}

void Engine::GatherReferences() {
  for (const std::string& raw : payment_.references) {
    for (const std::string& key : ReferenceKeys(raw)) {
      hits_.clear();
      source_.ByReference(key, hits_);
      bool settled = false;
      bool checked = CheckDigitValid(key, options_.reference_schemes);
      for (uint32_t idx : hits_) {
        if (ledger_.refs[idx] != key) continue;
        Add(idx, checked ? kEvExact : kEvExactUnchecked, key);
        if (Usable(idx) && Balance(idx) == payment_.amount_minor) settled = true;
      }
      // A reference given in the reference field may be an invoice number (domain.md B.8 5).
      hits_.clear();
      std::string text_key = TextKey(key);
      source_.ByInvoiceNumber(text_key, hits_);
      for (uint32_t idx : hits_) {
        if (TextKeyEquals(ledger_.invoices[idx].invoice, text_key)) {
          Add(idx, kEvInvoiceInText, key);
        }
      }
      // Repair also runs when an exact hit leaves the amount open, so that a one-edit
      // neighbour with the right amount shows up as a competitor (a Luhn 09<->90 swap can
      // produce another valid reference).
      if (!settled) RepairReference(key);
    }
  }
}

void Engine::RepairReference(const std::string& key) {
  if (key.size() < 3) return;
  hits_.clear();
  source_.ByOneEdit(key, hits_);
  for (uint32_t idx : hits_) {
    EditKind kind = ClassifyEdit(key, ledger_.refs[idx]);
    if (kind != EditKind::kNone) Add(idx, kEvOneEdit, key, kind);
  }
  std::string_view stripped = StripLeadingZeros(key);
  hits_.clear();
  source_.ByStrippedReference(stripped, hits_);
  for (uint32_t idx : hits_) {
    if (!ledger_.refs[idx].empty() && StripLeadingZeros(ledger_.refs[idx]) == stripped &&
        ledger_.refs[idx] != key) {
      Add(idx, kEvZeros, key);
    }
  }
}

void Engine::GatherText() {
  if (payment_.text.empty()) return;
  for (const std::string& token : TextTokens(payment_.text)) {
    hits_.clear();
    source_.ByReference(token, hits_);
    for (uint32_t idx : hits_) {
      if (token.size() >= 4 && ledger_.refs[idx] == token) Add(idx, kEvRefInText, token);
    }
    hits_.clear();
    source_.ByInvoiceNumber(token, hits_);
    for (uint32_t idx : hits_) {
      if (TextKeyEquals(ledger_.invoices[idx].invoice, token)) Add(idx, kEvInvoiceInText, token);
    }
    hits_.clear();
    source_.ByCase(token, hits_);
    for (uint32_t idx : hits_) {
      if (TextKeyEquals(ledger_.invoices[idx].case_number, token)) {
        Add(idx, kEvCaseInText, token);
      }
    }
  }
}

void Engine::GatherPayer() {
  bool referenced = false;
  for (const Cand& c : cands_) {
    if ((c.ev & kEvReference) && Open(c.idx)) referenced = true;
  }
  if (!referenced) {
    // Stage 4: no usable reference; look the payer up. A key shared by too many invoices
    // identifies nobody.
    if (account_.size() >= 5) {
      hits_.clear();
      source_.ByPayerAccount(account_, hits_);
      std::vector<uint32_t> verified;
      for (uint32_t idx : hits_) {
        const auto& accts = ledger_.accounts[idx];
        if (std::find(accts.begin(), accts.end(), account_) != accts.end() &&
            std::find(verified.begin(), verified.end(), idx) == verified.end()) {
          verified.push_back(idx);
        }
      }
      if (verified.size() <= options_.max_payer_invoices) {
        for (uint32_t idx : verified) At(idx);
      }
    }
    if (!payer_key_.empty()) {
      // A common name identifies nobody; name and amount together may.
      hits_.clear();
      source_.ByNameKey(payer_key_, hits_);
      // The lookup may return extra hits, never fewer; far too many cannot verify to few.
      if (hits_.size() <= 4 * options_.max_payer_invoices) AddVerifiedNameHits(/*amount=*/-1);
      hits_.clear();
      source_.ByNameAndAmount(payer_key_, payment_.amount_minor, hits_);
      AddVerifiedNameHits(payment_.amount_minor);
    }
  }
  for (Cand& c : cands_) {
    const auto& accts = ledger_.accounts[c.idx];
    if (account_.size() >= 5 && std::find(accts.begin(), accts.end(), account_) != accts.end()) {
      c.ev |= kEvAccount;
    }
    if (NameKeysMatch(payer_key_, ledger_.name_keys[c.idx])) {
      c.ev |= kEvName;
    }
  }
  // Payer-only candidates without either payer evidence are noise.
  cands_.erase(std::remove_if(cands_.begin(), cands_.end(),
                              [](const Cand& c) { return c.ev == 0; }),
               cands_.end());
}

void Engine::AddVerifiedNameHits(int64_t amount) {
  std::vector<uint32_t> verified;
  for (uint32_t idx : hits_) {
    if (ledger_.name_keys[idx] != payer_key_) continue;
    if (amount >= 0 && ledger_.balances[idx] != amount) continue;
    if (std::find(verified.begin(), verified.end(), idx) == verified.end()) {
      verified.push_back(idx);
    }
  }
  if (verified.size() <= options_.max_payer_invoices) {
    for (uint32_t idx : verified) At(idx);
  }
}

void Engine::Score() {
  const ScoreWeights& w = options_.weights;
  for (Cand& c : cands_) {
    int base = 0;
    if (c.ev & kEvExact) base = std::max(base, w.exact_reference);
    if (c.ev & kEvExactUnchecked) base = std::max(base, w.exact_reference_unchecked);
    if (c.ev & kEvRefInText) base = std::max(base, w.reference_in_text);
    if (c.ev & kEvInvoiceInText) base = std::max(base, w.invoice_number_in_text);
    if (c.ev & kEvZeros) base = std::max(base, w.leading_zeros);
    if (c.ev & kEvOneEdit) base = std::max(base, w.one_edit);
    if (c.ev & kEvCaseInText) base = std::max(base, w.case_number_in_text);
    int score = base;
    if (c.ev & kEvAccount) score += w.payer_account;
    if (c.ev & kEvName) score += w.payer_name;
    if (Usable(c.idx) && Balance(c.idx) == payment_.amount_minor) score += w.amount_equal;
    c.score = score;
  }
  std::sort(cands_.begin(), cands_.end(), [this](const Cand& a, const Cand& b) {
    if (a.score != b.score) return a.score > b.score;
    return Number(a.idx) < Number(b.idx);
  });
}

std::vector<Reason> Engine::CandidateReasons(const Cand& c) const {
  std::vector<Reason> out;
  const Invoice& inv = ledger_.invoices[c.idx];
  if (c.ev & kEvExact) {
    out.push_back({ReasonCode::kExactReference,
                   "reference " + Quote(c.token) + " is the invoice's, check digit valid"});
  }
  if (c.ev & kEvExactUnchecked) {
    out.push_back({ReasonCode::kExactReferenceUnchecked,
                   "reference " + Quote(c.token) + " is the invoice's but fits no check-digit scheme"});
  }
  if (c.ev & kEvRefInText) {
    out.push_back({ReasonCode::kReferenceInText,
                   "the invoice's reference " + Quote(c.token) + " is in the payment text"});
  }
  if (c.ev & kEvInvoiceInText) {
    out.push_back({ReasonCode::kInvoiceNumberInText,
                   "invoice number " + Quote(inv.invoice) + " is in the payment text or reference"});
  }
  if (c.ev & kEvCaseInText) {
    out.push_back({ReasonCode::kCaseNumberInText,
                   "case number " + Quote(inv.case_number) + " is in the payment text"});
  }
  if (c.ev & kEvOneEdit) {
    out.push_back({EditReason(c.edit), "reference " + Quote(c.token) + " repaired to " +
                                           Quote(ledger_.refs[c.idx]) + ": " +
                                           std::string(EditName(c.edit))});
  }
  if (c.ev & kEvZeros) {
    out.push_back({ReasonCode::kRepairedLeadingZeros, "reference " + Quote(c.token) +
                                                          " equals " + Quote(ledger_.refs[c.idx]) +
                                                          " apart from leading zeros"});
  }
  if (c.ev & kEvAccount) {
    out.push_back({ReasonCode::kPayerAccountKnown,
                   "payer account " + refs::MaskAccount(payment_.payer_account) +
                       " is known for customer " + Quote(inv.customer)});
  }
  if (c.ev & kEvName) {
    out.push_back({ReasonCode::kPayerNameMatch, "payer name matches customer " + Quote(inv.customer)});
  }
  if (inv.status == InvoiceStatus::kPaid || (inv.status == InvoiceStatus::kOpen &&
                                             ledger_.balances[c.idx] == 0)) {
    out.push_back({ReasonCode::kInvoicePaid, "invoice is paid in the ledger"});
  } else if (inv.status == InvoiceStatus::kClosed) {
    out.push_back({ReasonCode::kInvoiceClosed, "invoice is closed in the ledger"});
  } else if (balances_[c.idx] <= 0) {
    out.push_back({ReasonCode::kAlreadyPaidInRun, "an earlier payment in this run cleared it"});
  } else if (inv.currency != payment_.currency) {
    out.push_back({ReasonCode::kCurrencyMismatch,
                   "invoice is in " + inv.currency + ", payment in " + payment_.currency});
  } else {
    int64_t bal = Balance(c.idx);
    if (bal == payment_.amount_minor) {
      out.push_back({ReasonCode::kAmountEqual, "amount equals the open balance"});
    } else if (payment_.amount_minor < bal) {
      out.push_back({ReasonCode::kAmountLess, "amount is less than the open balance " +
                                                  Money(bal)});
    } else {
      out.push_back({ReasonCode::kAmountGreater, "amount exceeds the open balance " +
                                                     Money(bal)});
    }
  }
  return out;
}

void Engine::FillCandidates(MatchResult& r) const {
  size_t n = std::min(cands_.size(), options_.max_candidates);
  for (size_t i = 0; i < n; ++i) {
    r.candidates.push_back({Number(cands_[i].idx), cands_[i].score, CandidateReasons(cands_[i])});
  }
}

MatchResult Engine::FollowUp(Stage stage, ReasonCode code, std::string text) {
  MatchResult r;
  r.payment_id = payment_.payment_id;
  r.amount_minor = payment_.amount_minor;
  r.currency = payment_.currency;
  r.decision = Decision::kFollowUp;
  r.unapplied_minor = payment_.amount_minor;
  r.stage = stage;
  r.reasons.push_back({code, std::move(text)});
  FillCandidates(r);
  return r;
}

MatchResult Engine::Auto(Stage stage, std::vector<uint32_t> invoices, ReasonCode code,
                         std::string text) {
  MatchResult r = FollowUp(stage, code, std::move(text));
  r.decision = Decision::kAuto;
  int64_t left = payment_.amount_minor;
  for (uint32_t idx : invoices) {
    int64_t applied = std::min(left, Balance(idx));
    r.allocations.push_back({Number(idx), applied});
    left -= applied;
  }
  r.unapplied_minor = left;
  for (size_t k = 0; k < invoices.size(); ++k) {
    const Invoice& inv = ledger_.invoices[invoices[k]];
    if (inv.blocking && r.allocations[k].amount_minor == Balance(invoices[k])) {
      r.reasons.push_back({ReasonCode::kBlockingInvoicePaid,
                           "invoice " + Quote(inv.invoice) +
                               " blocked a service and is now paid: reactivate"});
    }
  }
  return r;
}

Stage Engine::StageOf(uint32_t ev) const {
  if (ev & (kEvExact | kEvExactUnchecked)) return Stage::kExactReference;
  if (ev & (kEvRefInText | kEvInvoiceInText)) return Stage::kFreeText;
  if (ev & kEvRepair) return Stage::kRepair;
  if (ev & kEvCaseInText) return Stage::kFreeText;
  return Stage::kPayer;
}

std::optional<std::vector<uint32_t>> Engine::FindSubset(const std::string& customer,
                                                        const std::vector<uint32_t>& must,
                                                        ReasonCode* why) const {
  std::vector<uint32_t> hits;
  source_.ByCustomer(customer, hits);
  std::sort(hits.begin(), hits.end());
  hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
  int64_t target = payment_.amount_minor;
  for (uint32_t idx : must) target -= Balance(idx);
  std::vector<uint32_t> pool;
  for (uint32_t idx : hits) {
    if (ledger_.invoices[idx].customer != customer || !Usable(idx)) continue;
    if (std::find(must.begin(), must.end(), idx) != must.end()) continue;
    pool.push_back(idx);
  }
  *why = ReasonCode::kNoCandidates;
  if (target <= 0 || pool.empty()) return std::nullopt;
  if (pool.size() + must.size() > options_.max_subset_invoices) {
    *why = ReasonCode::kSubsetSearchLimit;
    return std::nullopt;
  }
  // Ordered by invoice number, so equal amounts are searched in a stable order.
  std::sort(pool.begin(), pool.end(),
            [this](uint32_t a, uint32_t b) { return Number(a) < Number(b); });
  std::vector<int64_t> amounts;
  for (uint32_t idx : pool) amounts.push_back(Balance(idx));
  SubsetSearch search = FindUniqueSubset(amounts, target, options_.subset_search_budget);
  switch (search.outcome) {
    case SubsetSearch::Outcome::kUnique:
      break;
    case SubsetSearch::Outcome::kLimit:
      *why = ReasonCode::kSubsetSearchLimit;
      return std::nullopt;
    case SubsetSearch::Outcome::kSeveral:
      *why = ReasonCode::kSubsetNotUnique;
      return std::nullopt;
    case SubsetSearch::Outcome::kNone:
      return std::nullopt;
  }
  std::vector<uint32_t> out = must;
  for (size_t i : search.chosen) out.push_back(pool[i]);
  return out;
}

MatchResult Engine::DecideSingle(const Cand& best, int runner_up) {
  int64_t amount = payment_.amount_minor;
  int64_t bal = Balance(best.idx);
  Stage stage = StageOf(best.ev);
  // Paid more than the invoice named directly: first the unique subset of the customer's
  // open invoices that includes it (one payment for several invoices, stage 5).
  ReasonCode subset_why = ReasonCode::kNoCandidates;
  bool clear_lead = runner_up <= best.score - options_.auto_margin;
  if (amount > bal && (best.ev & kEvDirect) && clear_lead) {
    if (auto subset = FindSubset(ledger_.invoices[best.idx].customer, {best.idx}, &subset_why)) {
      return Auto(Stage::kSubset, *subset, ReasonCode::kSubsetSum,
                  std::to_string(subset->size()) +
                      " open invoices of the customer, including the referenced one, add up to "
                      "the amount");
    }
  }
  if (best.score < options_.auto_score) {
    return FollowUp(stage, ReasonCode::kBelowThreshold,
                    "best candidate scores " + std::to_string(best.score) + ", automatic needs " +
                        std::to_string(options_.auto_score));
  }
  if (!clear_lead) {
    return FollowUp(stage, ReasonCode::kAmbiguous,
                    "runner-up scores " + std::to_string(runner_up) + ", within " +
                        std::to_string(options_.auto_margin) + " of the best " +
                        std::to_string(best.score));
  }
  bool repair_only = (best.ev & kEvRepair) && !(best.ev & (kEvDirect | kEvCaseInText));
  if (repair_only) {
    // "Only if it is the only one": any other open invoice the reference reaches (exactly,
    // e.g. a Luhn 09<->90 swap, or by another repair) makes the repair ambiguous.
    int reached = 0;
    for (const Cand& c : cands_) {
      if ((c.ev & kEvReference) && Open(c.idx)) ++reached;
    }
    if (reached > 1) {
      return FollowUp(Stage::kRepair, ReasonCode::kAmbiguousRepair,
                      std::to_string(reached) + " open invoices are within reach of the reference");
    }
    if (amount != bal) {
      return FollowUp(Stage::kRepair, ReasonCode::kRepairNeedsAmount,
                      "a repaired reference is applied only when the amount equals the balance");
    }
  }
  if (amount == bal) {
    return Auto(stage, {best.idx}, ReasonCode::kAutoUnambiguous,
                "score " + std::to_string(best.score) + " clears " +
                    std::to_string(options_.auto_score) + " with margin " +
                    std::to_string(best.score - runner_up));
  }
  if (amount < bal) {
    MatchResult r = Auto(stage, {best.idx}, ReasonCode::kAutoUnambiguous,
                         "score " + std::to_string(best.score) + " clears " +
                             std::to_string(options_.auto_score));
    r.reasons.push_back({ReasonCode::kPartialPayment,
                         "partial payment; " + Money(bal - amount) + " stays open"});
    return r;
  }
  MatchResult r = Auto(stage, {best.idx}, ReasonCode::kOverpayment,
                       "overpayment: " + Money(amount - bal) +
                           " exceeds the balance and stays unapplied (refund or next invoice)");
  r.decision = Decision::kFollowUp;
  if (subset_why == ReasonCode::kSubsetNotUnique) {
    r.reasons.push_back({subset_why, "more than one set of the customer's other open invoices "
                                     "adds up to the excess"});
  } else if (subset_why == ReasonCode::kSubsetSearchLimit) {
    r.reasons.push_back({subset_why, "too many open invoices to search for a subset"});
  }
  return r;
}

MatchResult Engine::Decide() {
  // Several invoices named directly: a split payment, applied only when the amounts add up.
  std::vector<uint32_t> direct;
  for (const Cand& c : cands_) {
    if ((c.ev & kEvDirect) && Usable(c.idx)) direct.push_back(c.idx);
  }
  if (direct.size() >= 2) {
    int64_t sum = 0;
    for (uint32_t idx : direct) sum += Balance(idx);
    bool structured = true;
    for (const Cand& c : cands_) {
      if ((c.ev & kEvDirect) && Usable(c.idx) && !(c.ev & (kEvExact | kEvExactUnchecked))) {
        structured = false;
      }
    }
    Stage stage = structured ? Stage::kExactReference : Stage::kFreeText;
    if (sum == payment_.amount_minor) {
      std::sort(direct.begin(), direct.end(),
                [this](uint32_t a, uint32_t b) { return Number(a) < Number(b); });
      return Auto(stage, direct, ReasonCode::kSplitPayment,
                  std::to_string(direct.size()) +
                      " invoices are named and their balances add up to the amount");
    }
    return FollowUp(stage, ReasonCode::kSplitAmountMismatch,
                    std::to_string(direct.size()) + " invoices are named; their balances add up to " +
                        Money(sum) + ", not the amount");
  }
  if (cands_.empty()) {
    return FollowUp(Stage::kNone, ReasonCode::kNoCandidates,
                    "no reference, invoice number, case number or known payer fits an invoice");
  }
  const Cand& best = cands_.front();
  int runner_up = cands_.size() > 1 ? cands_[1].score : 0;
  if (Usable(best.idx)) {
    MatchResult r = DecideSingle(best, runner_up);
    if (r.decision == Decision::kAuto || !r.allocations.empty()) return r;
    // The single rule failed. A payer known by account and name who paid several of their
    // invoices at once: try the unique subset.
    if (!(best.ev & kEvReference) && (best.ev & kEvAccount) && (best.ev & kEvName)) {
      ReasonCode why;
      auto subset = FindSubset(ledger_.invoices[best.idx].customer, {}, &why);
      if (subset && subset->size() >= 2) {
        return Auto(Stage::kSubset, *subset, ReasonCode::kSubsetSum,
                    std::to_string(subset->size()) +
                        " open invoices of the known payer add up to the amount");
      }
      if (why != ReasonCode::kNoCandidates) {
        r.reasons.push_back({why, why == ReasonCode::kSubsetNotUnique
                                      ? "more than one set of the payer's invoices adds up"
                                      : "too many open invoices to search for a subset"});
      }
    }
    return r;
  }
  const Invoice& inv = ledger_.invoices[best.idx];
  Stage stage = StageOf(best.ev);
  if (inv.status == InvoiceStatus::kClosed) {
    return FollowUp(stage, ReasonCode::kInvoiceClosed,
                    "best candidate " + Quote(inv.invoice) + " is closed");
  }
  if (inv.status == InvoiceStatus::kPaid || ledger_.balances[best.idx] == 0) {
    return FollowUp(stage, ReasonCode::kInvoicePaid,
                    "best candidate " + Quote(inv.invoice) + " is already paid");
  }
  if (balances_[best.idx] <= 0) {
    return FollowUp(stage, ReasonCode::kAlreadyPaidInRun,
                    "best candidate " + Quote(inv.invoice) + " was cleared earlier in this run");
  }
  return FollowUp(stage, ReasonCode::kCurrencyMismatch,
                  "best candidate " + Quote(inv.invoice) + " is in " + inv.currency +
                      ", the payment in " + payment_.currency);
}

MatchResult Engine::Run() {
  if (payment_.direction == Direction::kDebit) {
    return FollowUp(Stage::kGuard, ReasonCode::kDebitPayment,
                    "outgoing payment (debit); nothing to allocate");
  }
  if (payment_.amount_minor <= 0) {
    return FollowUp(Stage::kGuard, ReasonCode::kInvalidAmount, "amount is not positive");
  }
  account_ = refs::CanonicalAccount(payment_.payer_account);
  payer_key_ = NameKey(payment_.payer_name);
  GatherReferences();
  GatherText();
  GatherPayer();
  Score();
  if (payment_.reversal) {
    return FollowUp(Stage::kGuard, ReasonCode::kReversal,
                    "the bank reverses an earlier booking; undo its allocation by hand");
  }
  return Decide();
}

}  // namespace

MatchResult MatchPayment(const LedgerData& ledger, const std::vector<int64_t>& balances,
                         const CandidateSource& source, const MatchOptions& options,
                         const Payment& payment) {
  return Engine(ledger, balances, source, options, payment).Run();
}

}  // namespace purr::matching::internal
