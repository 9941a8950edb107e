// The indexed matcher against a brute-force one: the same engine fed by linear scans instead
// of hash indexes and the deletion neighbourhood. Both must reach the same decisions, with
// the same candidates, scores and reasons, on generated ledgers (STYLE.md rule 14).
#include <gtest/gtest.h>

#include <sstream>

#include "matching/internal/engine.h"
#include "matching/internal/index.h"
#include "matching/matcher.h"
#include "matching/scenario.h"
#include "refs/reference.h"

namespace purr::matching {
namespace {

using internal::LedgerData;

// Scans every invoice for every question.
class BruteForceSource : public internal::CandidateSource {
 public:
  explicit BruteForceSource(const LedgerData& d) : d_(d) {}

  void ByReference(std::string_view ref, std::vector<uint32_t>& out) const override {
    Scan(out, [&](size_t i) { return d_.refs[i] == ref; });
  }
  void ByStrippedReference(std::string_view stripped, std::vector<uint32_t>& out) const override {
    Scan(out, [&](size_t i) {
      return !d_.refs[i].empty() && internal::StripLeadingZeros(d_.refs[i]) == stripped;
    });
  }
  void ByOneEdit(std::string_view ref, std::vector<uint32_t>& out) const override {
    // Independent of ClassifyEdit: Damerau-Levenshtein distance by dynamic programming.
    Scan(out, [&](size_t i) { return !d_.refs[i].empty() && Distance(ref, d_.refs[i]) == 1; });
  }
  void ByInvoiceNumber(std::string_view key, std::vector<uint32_t>& out) const override {
    Scan(out, [&](size_t i) { return internal::TextKey(d_.invoices[i].invoice) == key; });
  }
  void ByCase(std::string_view key, std::vector<uint32_t>& out) const override {
    Scan(out, [&](size_t i) {
      return !d_.invoices[i].case_number.empty() &&
             internal::TextKey(d_.invoices[i].case_number) == key;
    });
  }
  void ByCustomer(std::string_view customer, std::vector<uint32_t>& out) const override {
    Scan(out, [&](size_t i) { return d_.invoices[i].customer == customer; });
  }
  void ByPayerAccount(std::string_view canonical, std::vector<uint32_t>& out) const override {
    Scan(out, [&](size_t i) {
      for (const std::string& a : d_.accounts[i]) {
        if (a == canonical) return true;
      }
      return false;
    });
  }
  void ByNameKey(std::string_view key, std::vector<uint32_t>& out) const override {
    Scan(out, [&](size_t i) { return d_.name_keys[i] == key; });
  }
  void ByNameAndAmount(std::string_view key, int64_t amount,
                       std::vector<uint32_t>& out) const override {
    Scan(out, [&](size_t i) { return d_.name_keys[i] == key && d_.balances[i] == amount; });
  }

 private:
  template <typename Pred>
  void Scan(std::vector<uint32_t>& out, Pred pred) const {
    for (size_t i = 0; i < d_.invoices.size(); ++i) {
      if (pred(i)) out.push_back(static_cast<uint32_t>(i));
    }
  }
  // Optimal string alignment distance (adjacent transpositions count 1).
  static size_t Distance(std::string_view a, std::string_view b) {
    if (a.size() > b.size() + 1 || b.size() > a.size() + 1) return 99;
    std::vector<std::vector<size_t>> dp(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) dp[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j) dp[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
        dp[i][j] = std::min({dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + cost});
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
          dp[i][j] = std::min(dp[i][j], dp[i - 2][j - 2] + 1);
        }
      }
    }
    return dp[a.size()][b.size()];
  }

  const LedgerData& d_;
};

std::string Describe(const MatchResult& r) {
  std::ostringstream out;
  out << DecisionName(r.decision) << " stage=" << StageName(r.stage)
      << " unapplied=" << r.unapplied_minor << " alloc=[";
  for (const Allocation& a : r.allocations) out << a.invoice << ":" << a.amount_minor << " ";
  out << "] reasons=[";
  for (const Reason& reason : r.reasons) out << ReasonCodeName(reason.code) << " ";
  out << "] cands=[";
  for (const Candidate& c : r.candidates) {
    out << c.invoice << ":" << c.score << "(";
    for (const Reason& reason : c.reasons) out << ReasonCodeName(reason.code) << " ";
    out << ") ";
  }
  return out.str() + "]";
}

// Subtracts the allocations from the balances, as an AllocationRun does.
void Apply(const LedgerData& data, const MatchResult& r, std::vector<int64_t>& balances) {
  for (const Allocation& a : r.allocations) {
    for (size_t i = 0; i < data.invoices.size(); ++i) {
      if (data.invoices[i].invoice == a.invoice) balances[i] -= a.amount_minor;
    }
  }
}

// Compares both matchers on every payment; returns the number of auto decisions. In a
// stateful run each matcher's allocations reduce its own copy of the balances.
size_t ExpectSameDecisions(std::vector<Invoice> invoices, const std::vector<Payment>& payments,
                           bool stateful = false) {
  MatchOptions options;
  LedgerData data = internal::BuildLedgerData(std::move(invoices));
  internal::IndexedSource fast(data);
  BruteForceSource brute(data);
  std::vector<int64_t> fast_balances = data.balances, brute_balances = data.balances;
  size_t autos = 0, mismatches = 0;
  for (const Payment& p : payments) {
    MatchResult a = internal::MatchPayment(data, fast_balances, fast, options, p);
    MatchResult b = internal::MatchPayment(data, brute_balances, brute, options, p);
    if (stateful) {
      Apply(data, a, fast_balances);
      Apply(data, b, brute_balances);
    }
    std::string da = Describe(a), db = Describe(b);
    if (da != db && ++mismatches <= 5) {
      ADD_FAILURE() << p.payment_id << " refs=" << (p.references.empty() ? "" : p.references[0])
                    << " text=" << p.text << "\n  indexed: " << da << "\n  brute:   " << db;
    }
    autos += a.decision == Decision::kAuto;
  }
  EXPECT_EQ(mismatches, 0u);
  return autos;
}

TEST(BruteForceTest, GeneratedScenariosSameDecisions) {
  for (uint64_t seed : {1, 2, 3}) {
    Scenario s = GenerateScenario({1500, 1500, seed});
    size_t autos = ExpectSameDecisions(s.invoices, s.payments);
    EXPECT_GT(autos, 1200u) << "seed " << seed;
  }
}

TEST(BruteForceTest, GeneratedScenarioInOneRunSameDecisions) {
  // More payments than invoices, so invoices are paid twice and partly in the run.
  Scenario s = GenerateScenario({800, 1600, 4});
  ExpectSameDecisions(s.invoices, s.payments, /*stateful=*/true);
}

// A dense ledger: 5-digit KIDs, so one-edit neighbours, ambiguous repairs and accidental
// exact hits are common, and payments carry random typos, amounts and payers.
TEST(BruteForceTest, DenseShortReferencesSameDecisions) {
  uint64_t state = 12345;
  auto next = [&state](uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  std::vector<Invoice> invoices;
  const char* names[] = {"Ola Nordmann", "Kari Nordmann", "Per Hansen", "Anne Berg"};
  for (int i = 0; i < 1200; ++i) {
    Invoice inv;
    inv.invoice = std::to_string(7000 + i);
    inv.customer = "K" + std::to_string(i / 3);
    inv.case_number = "S" + std::to_string(i / 6);
    std::string base = std::to_string(1000 + next(9000));
    inv.reference = *refs::MakeKid(base, next(2) ? refs::KidAlgorithm::kMod10
                                                 : refs::KidAlgorithm::kMod11);
    if (next(10) == 0) inv.reference = "00" + inv.reference;
    inv.amount_minor = static_cast<int64_t>(1 + next(20)) * 1000;
    inv.currency = next(20) ? "NOK" : "SEK";
    inv.status = next(15) ? InvoiceStatus::kOpen : InvoiceStatus::kPaid;
    inv.customer_name = names[(i / 3) % 4];
    if (next(2)) inv.payer_accounts.push_back(std::to_string(10000000000ull + i / 3));
    invoices.push_back(inv);
  }
  std::vector<Payment> payments;
  for (int n = 0; n < 1500; ++n) {
    const Invoice& inv = invoices[next(invoices.size())];
    Payment p;
    p.payment_id = "D" + std::to_string(n);
    p.currency = "NOK";
    p.amount_minor = next(3) ? inv.amount_minor : static_cast<int64_t>(1 + next(40)) * 1000;
    std::string ref = inv.reference;
    switch (next(8)) {
      case 0: ref[next(ref.size())] = static_cast<char>('0' + next(10)); break;
      case 1: if (ref.size() > 2) { size_t k = next(ref.size() - 1); std::swap(ref[k], ref[k + 1]); } break;
      case 2: ref.pop_back(); break;
      case 3: ref.insert(next(ref.size()), 1, static_cast<char>('0' + next(10))); break;
      case 4: ref = "0" + ref; break;
      default: break;
    }
    switch (next(6)) {
      case 0: p.text = "faktura " + inv.invoice; break;
      case 1: p.text = "sak " + inv.case_number; break;
      case 2: p.references = {ref, invoices[next(invoices.size())].reference}; break;
      case 3: break;  // payer only
      default: p.references = {ref}; break;
    }
    if (next(2)) p.payer_name = names[next(4)];
    if (next(2)) p.payer_account = std::to_string(10000000000ull + next(400));
    p.reversal = next(50) == 0;
    payments.push_back(p);
  }
  ExpectSameDecisions(invoices, payments);
  ExpectSameDecisions(std::move(invoices), payments, /*stateful=*/true);
}

}  // namespace
}  // namespace purr::matching
