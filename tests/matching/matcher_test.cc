// One test per decision and reason of the matcher (docs/matching.md).
#include "matching/matcher.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <string>
#include <thread>

#include "refs/reference.h"

namespace purr::matching {
namespace {

Result<std::string> TestKid(int base) {
  return refs::MakeKid(std::to_string(base), refs::KidAlgorithm::kMod10);
}

// KIDs used below (MOD10 unless noted), all valid:
//   12344  (1234+4)    23456783 (2345678+3)   123456782 (12345678+2)
//   0036633 (MOD11)    12343 (MOD11)          1234566
class MatcherTest : public ::testing::Test {
 protected:
  Invoice& Open(const std::string& number, const std::string& reference, int64_t amount,
                const std::string& customer = "K1") {
    Invoice inv;
    inv.invoice = number;
    inv.customer = customer;
    inv.case_number = "S-" + customer;
    inv.reference = reference;
    inv.amount_minor = amount;
    inv.currency = "NOK";
    inv.customer_name = customer == "K1" ? "Ola Nordmann" : "Kari Hansen " + customer;
    if (customer == "K1") inv.payer_accounts = {"86011117947"};
    invoices_.push_back(inv);
    matcher_.reset();
    return invoices_.back();
  }

  Payment Pay(int64_t amount, std::vector<std::string> references = {}, std::string text = "") {
    Payment p;
    p.payment_id = "P" + std::to_string(++payments_);
    p.amount_minor = amount;
    p.currency = "NOK";
    p.references = std::move(references);
    p.text = std::move(text);
    return p;
  }

  Payment FromOla(Payment p) {
    p.payer_name = "NORDMANN OLA";
    p.payer_account = "NO93 8601 1117 947";
    return p;
  }

  const Matcher& matcher() {
    if (!matcher_) matcher_ = Matcher::Build(invoices_, options_);
    return *matcher_;
  }
  MatchResult Match(const Payment& p) { return matcher().Match(p); }

  static bool Has(const std::vector<Reason>& reasons, ReasonCode code) {
    for (const Reason& r : reasons) {
      if (r.code == code) return true;
    }
    return false;
  }
  static bool CandidateHas(const MatchResult& r, const std::string& invoice, ReasonCode code) {
    for (const Candidate& c : r.candidates) {
      if (c.invoice == invoice) return Has(c.reasons, code);
    }
    return false;
  }
  static void ExpectAuto(const MatchResult& r, const std::string& invoice, int64_t amount) {
    EXPECT_EQ(r.decision, Decision::kAuto) << (r.reasons.empty() ? "" : r.reasons[0].text);
    ASSERT_EQ(r.allocations.size(), 1u);
    EXPECT_EQ(r.allocations[0].invoice, invoice);
    EXPECT_EQ(r.allocations[0].amount_minor, amount);
  }
  static void ExpectFollowUp(const MatchResult& r, ReasonCode why) {
    EXPECT_EQ(r.decision, Decision::kFollowUp);
    EXPECT_TRUE(r.allocations.empty());
    EXPECT_EQ(r.unapplied_minor, r.amount_minor);
    EXPECT_TRUE(Has(r.reasons, why)) << "first reason: "
                                     << (r.reasons.empty() ? "" : r.reasons[0].text);
  }

  std::vector<Invoice> invoices_;
  MatchOptions options_;
  std::shared_ptr<const Matcher> matcher_;
  int payments_ = 0;
};

TEST_F(MatcherTest, ExactReferenceAndAmountIsAutomatic) {
  Open("1001", "12344", 50000);
  Open("1002", "23456783", 70000);
  MatchResult r = Match(Pay(50000, {"12344"}));
  ExpectAuto(r, "1001", 50000);
  EXPECT_EQ(r.unapplied_minor, 0);
  EXPECT_EQ(r.stage, Stage::kExactReference);
  EXPECT_TRUE(Has(r.reasons, ReasonCode::kAutoUnambiguous));
  EXPECT_TRUE(CandidateHas(r, "1001", ReasonCode::kExactReference));
  EXPECT_TRUE(CandidateHas(r, "1001", ReasonCode::kAmountEqual));
}

TEST_F(MatcherTest, ReferenceIsNormalisedBeforeLookup) {
  Open("1001", "0036633", 50000);
  ExpectAuto(Match(Pay(50000, {" KID: 0036 633"})), "1001", 50000);
}

TEST_F(MatcherTest, ExactReferenceWithoutValidCheckDigitScoresLower) {
  Open("1001", "ABC", 50000);
  MatchResult r = Match(Pay(50000, {"abc"}));
  EXPECT_TRUE(CandidateHas(r, "1001", ReasonCode::kExactReferenceUnchecked));
  ExpectAuto(r, "1001", 50000);  // 55 + 25 = 80
}

TEST_F(MatcherTest, CreditorSchemesDecideWhatCountsAsChecked) {
  Open("1001", "12344", 50000);  // MOD10-valid, not MOD11-valid
  options_.reference_schemes = {refs::ReferenceKind::kKidMod11};
  MatchResult r = Match(Pay(50000, {"12344"}));
  EXPECT_TRUE(CandidateHas(r, "1001", ReasonCode::kExactReferenceUnchecked));
  options_.reference_schemes = {refs::ReferenceKind::kKidMod10};
  matcher_.reset();
  EXPECT_TRUE(CandidateHas(Match(Pay(50000, {"12344"})), "1001", ReasonCode::kExactReference));
}

TEST_F(MatcherTest, PartialPaymentFromTheCustomerIsAppliedRestStaysOpen) {
  Open("1001", "12344", 50000);
  MatchResult r = Match(FromOla(Pay(20000, {"12344"})));
  ExpectAuto(r, "1001", 20000);
  EXPECT_TRUE(Has(r.reasons, ReasonCode::kPartialPayment));
}

TEST_F(MatcherTest, PartialPaymentFromUnknownPayerNeedsAClerk) {
  Open("1001", "12344", 50000);
  MatchResult r = Match(Pay(20000, {"12344"}));
  ExpectFollowUp(r, ReasonCode::kBelowThreshold);
  EXPECT_EQ(r.candidates.at(0).invoice, "1001");
  EXPECT_TRUE(CandidateHas(r, "1001", ReasonCode::kAmountLess));
}

TEST_F(MatcherTest, OverpaymentFromUnknownPayerNeedsAClerk) {
  Open("1001", "12344", 50000);
  ExpectFollowUp(Match(Pay(60000, {"12344"})), ReasonCode::kBelowThreshold);
}

TEST_F(MatcherTest, OverpaymentIsAppliedAndTheExcessGoesToFollowUp) {
  Open("1001", "12344", 50000);
  MatchResult r = Match(FromOla(Pay(60000, {"12344"})));
  EXPECT_EQ(r.decision, Decision::kFollowUp);
  ASSERT_EQ(r.allocations.size(), 1u);
  EXPECT_EQ(r.allocations[0].amount_minor, 50000);
  EXPECT_EQ(r.unapplied_minor, 10000);
  EXPECT_TRUE(Has(r.reasons, ReasonCode::kOverpayment));
  EXPECT_TRUE(CandidateHas(r, "1001", ReasonCode::kAmountGreater));
}

struct RepairCase {
  const char* typed;
  ReasonCode reason;
};
// The invoice's KID is 123456782 (MOD10).
constexpr RepairCase kRepairs[] = {
    {"123456728", ReasonCode::kRepairedTransposition},
    {"123457782", ReasonCode::kRepairedSubstitution},
    {"12345678", ReasonCode::kRepairedMissingCheckDigit},
    {"1234567822", ReasonCode::kRepairedInsertion},
    {"12346782", ReasonCode::kRepairedDeletion},
    {"000123456782", ReasonCode::kRepairedLeadingZeros},
};

TEST_F(MatcherTest, RepairsOneEditWhenTheOnlyCandidateAndAmountAgrees) {
  Open("1001", "123456782", 50000);
  Open("1002", "23456783", 50000);
  for (const RepairCase& c : kRepairs) {
    MatchResult r = Match(Pay(50000, {c.typed}));
    ExpectAuto(r, "1001", 50000);
    EXPECT_EQ(r.stage, Stage::kRepair) << c.typed;
    EXPECT_TRUE(CandidateHas(r, "1001", c.reason)) << c.typed;
  }
}

TEST_F(MatcherTest, RepairNeedsTheAmountToAgree) {
  Open("1001", "123456782", 50000);
  MatchResult r = Match(FromOla(Pay(40000, {"123456728"})));
  ExpectFollowUp(r, ReasonCode::kRepairNeedsAmount);
  EXPECT_EQ(r.candidates.at(0).invoice, "1001");
}

TEST_F(MatcherTest, AmbiguousRepairGoesToFollowUpWithBothCandidates) {
  Open("1001", "12344", 50000);
  Open("1002", "12343", 50000, "K2");  // MOD11; both one substitution from 12340
  MatchResult r = Match(Pay(50000, {"12340"}));
  EXPECT_EQ(r.decision, Decision::kFollowUp);
  EXPECT_TRUE(Has(r.reasons, ReasonCode::kAmbiguous) ||
              Has(r.reasons, ReasonCode::kAmbiguousRepair));
  ASSERT_EQ(r.candidates.size(), 2u);
}

TEST_F(MatcherTest, AmbiguousRepairEvenWhenOnlyOneAmountAgrees) {
  Open("1001", "12344", 50000);
  Open("1002", "12343", 90000, "K2");
  ExpectFollowUp(Match(Pay(50000, {"12340"})), ReasonCode::kAmbiguousRepair);
}

TEST_F(MatcherTest, ValidReferenceOfAnotherInvoiceWithWrongAmountDoesNotWinOverARepair) {
  // Luhn misses 09<->90: 10900 and 19000 are both valid. The payer meant 19000 (amount
  // equal) but typed 10900, which is another customer's invoice with another amount.
  Open("1001", "19000", 50000);
  Open("2001", "10900", 80000, "K2");
  MatchResult r = Match(Pay(50000, {"10900"}));
  EXPECT_EQ(r.decision, Decision::kFollowUp);
  EXPECT_TRUE(r.allocations.empty());
}

TEST_F(MatcherTest, InvoiceNumberInTextIsAutomaticWhenAmountAgrees) {
  Open("1000123", "12344", 50000);
  MatchResult r = Match(Pay(50000, {}, "Betaling faktura nr. 1000123, takk"));
  ExpectAuto(r, "1000123", 50000);
  EXPECT_EQ(r.stage, Stage::kFreeText);
  EXPECT_TRUE(CandidateHas(r, "1000123", ReasonCode::kInvoiceNumberInText));
}

TEST_F(MatcherTest, InvoiceNumberInTheReferenceField) {
  Open("1000123", "12344", 50000);
  ExpectAuto(Match(Pay(50000, {"1000123"})), "1000123", 50000);
}

TEST_F(MatcherTest, ShortNumberInTextCountsOnlyAfterALabel) {
  Open("500", "12344", 100000);
  ExpectFollowUp(Match(Pay(100000, {}, "takk for 500 og 2025")), ReasonCode::kNoCandidates);
  ExpectAuto(Match(Pay(100000, {}, "Faktura 500")), "500", 100000);
}

TEST_F(MatcherTest, ReferenceInTextIncludingRfAndDigitGroups) {
  Open("1001", "RF18539007547034", 50000);
  Open("1002", "123456782", 60000);
  ExpectAuto(Match(Pay(50000, {}, "Ref RF18 5390 0754 7034")), "1001", 50000);
  MatchResult r = Match(Pay(60000, {}, "KID 1234 5678 2"));
  ExpectAuto(r, "1002", 60000);
  EXPECT_TRUE(CandidateHas(r, "1002", ReasonCode::kReferenceInText));
}

TEST_F(MatcherTest, CaseNumberInTextWithPayerPicksTheInvoiceWithTheAmount) {
  Open("1001", "12344", 50000);
  Open("1002", "23456783", 70000);
  MatchResult r = Match(FromOla(Pay(70000, {}, "sak S-K1")));
  ExpectAuto(r, "1002", 70000);
  EXPECT_TRUE(CandidateHas(r, "1002", ReasonCode::kCaseNumberInText));
}

TEST_F(MatcherTest, SeveralReferencesThatAddUpAreASplitPayment) {
  Open("1001", "655969", 100000);
  Open("1002", "657866", 40000);
  Open("1003", "658765", 30000);
  MatchResult r = Match(Pay(70000, {"657866 658765"}));
  EXPECT_EQ(r.decision, Decision::kAuto);
  ASSERT_EQ(r.allocations.size(), 2u);
  EXPECT_EQ(r.allocations[0].invoice, "1002");
  EXPECT_EQ(r.allocations[1].invoice, "1003");
  EXPECT_EQ(r.allocations[1].amount_minor, 30000);
  EXPECT_TRUE(Has(r.reasons, ReasonCode::kSplitPayment));
}

TEST_F(MatcherTest, SeveralInvoiceNumbersInTextThatDoNotAddUp) {
  Open("1001", "655969", 100000);
  Open("1002", "657866", 40000);
  MatchResult r = Match(Pay(120000, {}, "Faktura 1001, 1002"));
  ExpectFollowUp(r, ReasonCode::kSplitAmountMismatch);
  EXPECT_EQ(r.candidates.size(), 2u);
}

TEST_F(MatcherTest, OneReferenceAndTheSumOfAUniqueSubset) {
  Open("1001", "12344", 50000);
  Open("1002", "23456783", 30000);
  Open("1003", "123456782", 45000);
  MatchResult r = Match(Pay(80000, {"12344"}));
  EXPECT_EQ(r.decision, Decision::kAuto);
  EXPECT_EQ(r.stage, Stage::kSubset);
  ASSERT_EQ(r.allocations.size(), 2u);
  EXPECT_TRUE(Has(r.reasons, ReasonCode::kSubsetSum));
}

TEST_F(MatcherTest, KnownPayerWithoutReferencePaysTwoInvoicesAtOnce) {
  Open("1001", "12344", 50000);
  Open("1002", "23456783", 30000);
  Open("1003", "123456782", 45000);
  MatchResult r = Match(FromOla(Pay(75000)));
  EXPECT_EQ(r.decision, Decision::kAuto);
  EXPECT_EQ(r.stage, Stage::kSubset);
  EXPECT_EQ(r.allocations.size(), 2u);
}

TEST_F(MatcherTest, SubsetThatIsNotUniqueGoesToFollowUp) {
  Open("1001", "12344", 50000);
  Open("1002", "23456783", 30000);
  Open("1003", "123456782", 30000);
  MatchResult r = Match(FromOla(Pay(80000)));
  EXPECT_EQ(r.decision, Decision::kFollowUp);
  EXPECT_TRUE(Has(r.reasons, ReasonCode::kSubsetNotUnique));
}

TEST_F(MatcherTest, TooManyOpenInvoicesForTheSubsetSearch) {
  Open("1001", "12344", 50000);
  Open("1002", "23456783", 30000);
  Open("1003", "123456782", 45000);
  options_.max_subset_invoices = 2;
  MatchResult r = Match(FromOla(Pay(75000)));
  EXPECT_EQ(r.decision, Decision::kFollowUp);
  EXPECT_TRUE(Has(r.reasons, ReasonCode::kSubsetSearchLimit));
}

TEST_F(MatcherTest, KnownPayerAccountAndAmountWithoutReference) {
  Open("1001", "12344", 50000);
  Open("1002", "23456783", 70000);
  MatchResult r = Match(FromOla(Pay(70000)));
  ExpectAuto(r, "1002", 70000);
  EXPECT_EQ(r.stage, Stage::kPayer);
  EXPECT_TRUE(CandidateHas(r, "1002", ReasonCode::kPayerAccountKnown));
  EXPECT_TRUE(CandidateHas(r, "1002", ReasonCode::kPayerNameMatch));
}

TEST_F(MatcherTest, PayerNameAloneIsNeverAutomatic) {
  Open("1001", "12344", 50000);
  Payment p = Pay(50000);
  p.payer_name = "Ola Nordmann";
  MatchResult r = Match(p);
  ExpectFollowUp(r, ReasonCode::kBelowThreshold);
  EXPECT_EQ(r.candidates.at(0).invoice, "1001");
}

TEST_F(MatcherTest, SameAmountTwiceForAKnownPayerIsAmbiguous) {
  Open("1001", "12344", 50000);
  Open("1002", "23456783", 50000);
  ExpectFollowUp(Match(FromOla(Pay(50000))), ReasonCode::kAmbiguous);
}

TEST_F(MatcherTest, PaidAndClosedInvoicesGoToFollowUp) {
  Open("1001", "12344", 50000).status = InvoiceStatus::kPaid;
  Open("1002", "23456783", 50000).status = InvoiceStatus::kClosed;
  ExpectFollowUp(Match(Pay(50000, {"12344"})), ReasonCode::kInvoicePaid);
  ExpectFollowUp(Match(Pay(50000, {"23456783"})), ReasonCode::kInvoiceClosed);
}

TEST_F(MatcherTest, CurrencyMismatchGoesToFollowUp) {
  Open("1001", "12344", 50000).currency = "SEK";
  MatchResult r = Match(Pay(50000, {"12344"}));
  ExpectFollowUp(r, ReasonCode::kCurrencyMismatch);
  EXPECT_TRUE(CandidateHas(r, "1001", ReasonCode::kCurrencyMismatch));
}

TEST_F(MatcherTest, ReversalDebitAndNonPositiveAmountAreGuarded) {
  Open("1001", "12344", 50000);
  Payment reversal = Pay(50000, {"12344"});
  reversal.reversal = true;
  MatchResult r = Match(reversal);
  ExpectFollowUp(r, ReasonCode::kReversal);
  EXPECT_EQ(r.candidates.at(0).invoice, "1001");  // so the clerk sees what to undo
  Payment debit = Pay(50000, {"12344"});
  debit.direction = Direction::kDebit;
  ExpectFollowUp(Match(debit), ReasonCode::kDebitPayment);
  ExpectFollowUp(Match(Pay(0, {"12344"})), ReasonCode::kInvalidAmount);
}

TEST_F(MatcherTest, NothingFitsIsNoCandidates) {
  Open("1001", "12344", 50000);
  MatchResult r = Match(Pay(50000, {}, "gave"));
  ExpectFollowUp(r, ReasonCode::kNoCandidates);
  EXPECT_TRUE(r.candidates.empty());
}

TEST_F(MatcherTest, DanishFikLineMatchesThePaymentId) {
  Open("1001", "000000067097535", 50000);
  ExpectAuto(Match(Pay(50000, {"+71< 000000067097535+85799665<"})), "1001", 50000);
  ExpectAuto(Match(Pay(50000, {"67097535"})), "1001", 50000);  // zeros dropped
}

TEST_F(MatcherTest, ThresholdAndMarginAreConfigurable) {
  Open("1001", "12344", 50000);
  options_.auto_score = 100;
  ExpectFollowUp(Match(Pay(50000, {"12344"})), ReasonCode::kBelowThreshold);
}

TEST_F(MatcherTest, CandidatesAreRankedAndCapped) {
  for (int i = 0; i < 8; ++i) Open(std::to_string(2000 + i), "", 50000 + i);
  options_.max_candidates = 3;
  MatchResult r = Match(FromOla(Pay(1)));
  ASSERT_EQ(r.candidates.size(), 3u);
  EXPECT_GE(r.candidates[0].score, r.candidates[1].score);
  EXPECT_LT(r.candidates[0].invoice, r.candidates[1].invoice);  // ties by invoice number
}

TEST_F(MatcherTest, ReasonTextsNeverShowTheAccount) {
  Open("1001", "12344", 50000);
  MatchResult r = Match(FromOla(Pay(50000, {"12344"})));
  for (const Candidate& c : r.candidates) {
    for (const Reason& reason : c.reasons) {
      EXPECT_EQ(reason.text.find("86011117947"), std::string::npos) << reason.text;
      EXPECT_EQ(reason.text.find("8601 1117"), std::string::npos) << reason.text;
    }
  }
}

TEST_F(MatcherTest, AllocationRunDoesNotApplyTwoPaymentsToOneInvoiceInFull) {
  Open("1001", "12344", 50000);
  AllocationRun run(Matcher::Build(invoices_));
  ExpectAuto(run.Match(Pay(50000, {"12344"})), "1001", 50000);
  EXPECT_EQ(run.Balance("1001"), 0);
  MatchResult second = run.Match(Pay(50000, {"12344"}));
  ExpectFollowUp(second, ReasonCode::kAlreadyPaidInRun);
  EXPECT_EQ(run.Balance("1001"), 0);
  EXPECT_EQ(run.Balance("nope"), -1);
}

TEST_F(MatcherTest, AllocationRunPartialsReduceTheBalance) {
  Open("1001", "12344", 50000);
  AllocationRun run(Matcher::Build(invoices_));
  ExpectAuto(run.Match(FromOla(Pay(20000, {"12344"}))), "1001", 20000);
  EXPECT_EQ(run.Balance("1001"), 30000);
  ExpectAuto(run.Match(Pay(30000, {"12344"})), "1001", 30000);  // now the amount agrees
  EXPECT_EQ(run.Balance("1001"), 0);
}

TEST_F(MatcherTest, AllocationRunRejectsTheSamePaymentTwice) {
  Open("1001", "12344", 50000);
  AllocationRun run(Matcher::Build(invoices_));
  Payment p = FromOla(Pay(20000, {"12344"}));
  run.Match(p);
  ExpectFollowUp(run.Match(p), ReasonCode::kDuplicatePayment);
  EXPECT_EQ(run.Balance("1001"), 30000);
}

TEST_F(MatcherTest, PayingABlockingInvoiceInFullSaysReactivate) {
  Open("1001", "12344", 50000).blocking = true;
  MatchResult full = Match(Pay(50000, {"12344"}));
  EXPECT_TRUE(Has(full.reasons, ReasonCode::kBlockingInvoicePaid));
  MatchResult part = Match(FromOla(Pay(20000, {"12344"})));
  EXPECT_FALSE(Has(part.reasons, ReasonCode::kBlockingInvoicePaid));
}

TEST_F(MatcherTest, ReasonTextsShowAmountsAsMoney) {
  Open("1001", "12344", 50000);
  MatchResult r = Match(FromOla(Pay(20000, {"12344"})));
  ASSERT_TRUE(Has(r.reasons, ReasonCode::kPartialPayment));
  EXPECT_NE(r.reasons.back().text.find("300.00 NOK stays open"), std::string::npos)
      << r.reasons.back().text;
}

TEST_F(MatcherTest, OneMatcherSharedByTwoThreadsGivesTheSameDecisions) {
  for (int i = 0; i < 50; ++i) {
    Open(std::to_string(3000 + i), *TestKid(1000 + i), 10000 + i, "K" + std::to_string(i % 7));
  }
  std::shared_ptr<const Matcher> shared = Matcher::Build(invoices_);
  auto run = [&shared](std::vector<Decision>& out) {
    for (int i = 0; i < 50; ++i) {
      Payment p;
      p.amount_minor = 10000 + i;
      p.currency = "NOK";
      p.references = {*TestKid(1000 + i)};
      out.push_back(shared->Match(p).decision);
    }
  };
  std::vector<Decision> a, b;
  std::thread t1(run, std::ref(a)), t2(run, std::ref(b));
  t1.join();
  t2.join();
  EXPECT_EQ(a, b);
  EXPECT_EQ(std::count(a.begin(), a.end(), Decision::kAuto), 50);
}

TEST_F(MatcherTest, MatcherIsUnchangedByMatching) {
  Open("1001", "12344", 50000);
  Match(Pay(50000, {"12344"}));
  ExpectAuto(Match(Pay(50000, {"12344"})), "1001", 50000);
}

TEST(AllocationOrderTest, CostsThenInterestThenPrincipalByDefault) {
  AllocationOrder order = DefaultAllocationOrder(Jurisdiction::kNorway);
  ClaimBalance applied = AllocateWithinClaim(1500, {700, 500, 10000}, order);
  EXPECT_EQ(applied.costs, 700);
  EXPECT_EQ(applied.interest, 500);
  EXPECT_EQ(applied.principal, 300);
}

TEST(AllocationOrderTest, ConfigurableOrderAndExcess) {
  AllocationOrder principal_first = {ClaimComponent::kPrincipal, ClaimComponent::kCosts,
                                     ClaimComponent::kInterest};
  ClaimBalance applied = AllocateWithinClaim(600, {100, 100, 500}, principal_first);
  EXPECT_EQ(applied.principal, 500);
  EXPECT_EQ(applied.costs, 100);
  EXPECT_EQ(applied.interest, 0);
  EXPECT_EQ(AllocateWithinClaim(2000, {100, 100, 500}, principal_first).Total(), 700);
}

TEST(ReasonCodeNameTest, StableNames) {
  EXPECT_EQ(ReasonCodeName(ReasonCode::kExactReference), "exact_reference");
  EXPECT_EQ(ReasonCodeName(ReasonCode::kAmbiguousRepair), "ambiguous_repair");
  EXPECT_EQ(DecisionName(Decision::kFollowUp), "follow_up");
  EXPECT_EQ(StageName(Stage::kRepair), "repair");
}

}  // namespace
}  // namespace purr::matching
