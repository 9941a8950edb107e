// The case engine: facts in, decisions out, each with its rule id.
#include <gtest/gtest.h>

#include "cases/engine.h"

namespace purr::cases {
namespace {

LinkEvidence Id(const std::string& case_id, const std::string& customer, int edits = 0) {
  return {case_id, customer, "case number " + case_id, edits, false, edits > 0};
}
LinkEvidence Name(const std::string& case_id, const std::string& customer) {
  return {case_id, customer, "name", 0, true, false};
}

LetterFacts Letter(std::vector<std::string> classes, std::string legal = "none") {
  LetterFacts f;
  f.received = "2026-12-01";
  f.classes = std::move(classes);
  f.legal = std::move(legal);
  return f;
}

TEST(DecideLetter, AHaltLetterPutsItsCaseOnHoldWithADeadline) {
  LetterFacts f = Letter({"dispute"}, "halt");
  f.deadline = "2026-12-15";
  f.statute = "inkassoloven § 17";
  f.evidence = {Id("S-1", "K-1")};
  LetterDecision d = DecideLetter(DecisionRules(), f);
  EXPECT_EQ(d.case_id, "S-1");
  EXPECT_EQ(d.status, "hold");
  ASSERT_EQ(d.holds.size(), 1u);
  EXPECT_EQ(d.holds[0].rule_id, kRuleHalt);
  ASSERT_EQ(d.follow_ups.size(), 1u);
  EXPECT_EQ(d.follow_ups[0].deadline, "2026-12-15");
  EXPECT_EQ(d.follow_ups[0].priority, 1);
  EXPECT_EQ(d.follow_ups[0].rule_id, kRuleHalt);
}

TEST(DecideLetter, AnUnlinkedHaltLetterStillReachesAHumanFirst) {
  LetterFacts f = Letter({"deceased"}, "halt");
  LetterDecision d = DecideLetter(DecisionRules(), f);
  EXPECT_TRUE(d.case_id.empty());
  EXPECT_TRUE(d.holds.empty());
  ASSERT_EQ(d.follow_ups.size(), 1u);
  EXPECT_EQ(d.follow_ups[0].rule_id, kRuleHalt);  // the most urgent rule names it
  EXPECT_EQ(d.follow_ups[0].reasons.size(), 2u);  // unlinked + halt
}

TEST(DecideLetter, ADataRequestHasItsStatutoryDeadline) {
  LetterFacts f = Letter({"data_request"}, "statutory_deadline");
  f.deadline = "2027-01-01";
  f.evidence = {Id("S-2", "K-2")};
  LetterDecision d = DecideLetter(DecisionRules(), f);
  EXPECT_TRUE(d.holds.empty());
  ASSERT_EQ(d.follow_ups.size(), 1u);
  EXPECT_EQ(d.follow_ups[0].rule_id, kRuleStatutory);
  EXPECT_EQ(d.follow_ups[0].deadline, "2027-01-01");
}

TEST(DecideLetter, NeedsHumanCarriesTheClassifiersReasons) {
  LetterFacts f = Letter({"other"});
  f.needs_human = true;
  f.needs_human_reasons = {"possible limitation"};
  f.evidence = {Id("S-2", "K-2")};
  LetterDecision d = DecideLetter(DecisionRules(), f);
  ASSERT_EQ(d.follow_ups.size(), 1u);
  EXPECT_EQ(d.follow_ups[0].rule_id, kRuleNeedsHuman);
  EXPECT_NE(d.follow_ups[0].reasons[0].find("possible limitation"), std::string::npos);
}

TEST(DecideLetter, AnAddressChangeNeedsNobody) {
  LetterFacts f = Letter({"address_change"});
  f.evidence = {Id("S-3", "K-3")};
  LetterDecision d = DecideLetter(DecisionRules(), f);
  EXPECT_EQ(d.status, "linked");
  EXPECT_TRUE(d.follow_ups.empty());
}

TEST(DecideLetter, RequestClassesFromTheRulesGoToAClerk) {
  LetterFacts f = Letter({"instalment_request"});
  f.evidence = {Id("S-3", "K-3")};
  EXPECT_EQ(DecideLetter(DecisionRules(), f).follow_ups.at(0).rule_id, kRuleRequest);
  DecisionRules none;
  none.follow_up_classes.clear();
  EXPECT_TRUE(DecideLetter(none, f).follow_ups.empty());
}

TEST(DecideLetter, ANameAloneNeverLinks) {
  LetterFacts f = Letter({"address_change"});
  f.evidence = {Name("S-4", "K-4")};
  LetterDecision d = DecideLetter(DecisionRules(), f);
  EXPECT_TRUE(d.case_id.empty());
  ASSERT_EQ(d.follow_ups.size(), 1u);
  EXPECT_EQ(d.follow_ups[0].rule_id, kRuleUnlinked);
  EXPECT_EQ(d.follow_ups[0].candidates, std::vector<std::string>{"S-4"});
}

TEST(DecideLetter, IdentifiersOfTwoCasesAreAmbiguous) {
  LetterFacts f = Letter({"address_change"});
  f.evidence = {Id("S-4", "K-4"), Id("S-5", "K-5")};
  LetterDecision d = DecideLetter(DecisionRules(), f);
  EXPECT_TRUE(d.case_id.empty());
  EXPECT_EQ(d.follow_ups.at(0).rule_id, kRuleAmbiguousLink);
  EXPECT_EQ(d.follow_ups.at(0).candidates.size(), 2u);
}

TEST(DecideLetter, AnExactIdentifierBeatsOneThatFitsOnlyWithAnError) {
  LetterFacts f = Letter({"address_change"});
  f.evidence = {Id("S-4", "K-4"), Id("S-5", "K-5", 1)};
  EXPECT_EQ(DecideLetter(DecisionRules(), f).case_id, "S-4");
}

TEST(DecideLetter, AnIdentifierWithOneErrorLinksOnlyWithTheName) {
  LetterFacts f = Letter({"address_change"});
  f.evidence = {Id("S-5", "K-5", 1)};
  LetterDecision alone = DecideLetter(DecisionRules(), f);
  EXPECT_TRUE(alone.case_id.empty());
  EXPECT_EQ(alone.follow_ups.at(0).candidates, std::vector<std::string>{"S-5"});
  f.evidence.push_back(Name("S-5", "K-5"));
  EXPECT_EQ(DecideLetter(DecisionRules(), f).case_id, "S-5");
}

TEST(DecideLetter, TheNameBreaksATieBetweenFuzzyIdentifiers) {
  LetterFacts f = Letter({"address_change"});
  f.evidence = {Id("S-4", "K-4", 1), Id("S-5", "K-5", 1), Name("S-5", "K-5")};
  EXPECT_EQ(DecideLetter(DecisionRules(), f).case_id, "S-5");
}

TEST(DecideLetter, AProofOfPaymentWhosePaymentIsBookedNeedsNobody) {
  LetterFacts f = Letter({"payment_proof"});
  f.evidence = {Id("S-6", "K-6")};
  f.booked_payments = {{"pay-1", "S-6", "2026-11-30", 49900}};
  LetterDecision d = DecideLetter(DecisionRules(), f);
  EXPECT_EQ(d.status, "linked");
  EXPECT_EQ(d.proof_payment_id, "pay-1");
  EXPECT_TRUE(d.follow_ups.empty());
}

TEST(DecideLetter, AProofOfPaymentWithoutPaymentWaitsThreeBankingDays) {
  LetterFacts f = Letter({"payment_proof"});  // Tuesday 2026-12-01
  f.evidence = {Id("S-6", "K-6")};
  LetterDecision d = DecideLetter(DecisionRules(), f);
  EXPECT_EQ(d.status, "waiting_payment");
  EXPECT_EQ(d.proof_wait_until, "2026-12-04");
  EXPECT_TRUE(d.follow_ups.empty());
  WaitingProof w{1, "S-6", d.proof_wait_until};
  EXPECT_FALSE(ProofGraceExpired(w, "2026-12-04"));
  EXPECT_TRUE(ProofGraceExpired(w, "2026-12-05"));
  EXPECT_EQ(ProofExpiredFollowUp(DecisionRules(), w).rule_id, kRuleProofExpired);
}

TEST(BankingDays, SkipWeekendsAndNordicHolidays) {
  EXPECT_EQ(AddBankingDays("2026-12-04", 1), "2026-12-07");  // Friday -> Monday
  EXPECT_EQ(AddBankingDays("2026-12-23", 1), "2026-12-28");  // Christmas
  EXPECT_EQ(AddBankingDays("2026-12-30", 1), "2027-01-04");  // New Year's Eve, Day, weekend
  // Easter 2027 is 28 March: Maundy Thursday, Good Friday, the weekend, Easter Monday.
  EXPECT_EQ(AddBankingDays("2027-03-24", 1), "2027-03-30");
  EXPECT_EQ(AddBankingDays("2027-03-26", 1), "2027-03-30");
  EXPECT_EQ(AddBankingDays("2026-12-01", 0), "2026-12-01");
  EXPECT_EQ(AddBankingDays("2026-02-30", 1), "");
  EXPECT_EQ(AddBankingDays("soon", 1), "");
}

TEST(DecideReactivation, TheLastBlockingInvoiceSettledReactivates) {
  ReactivationFacts f;
  f.customer = "K-1";
  f.payment_id = "pay-2";
  f.blocking = {{"F-1", "S-1", 0, 0}, {"F-2", "S-1", 500, 0}};
  ReactivationDecision d = DecideReactivation(DecisionRules(), f);
  ASSERT_TRUE(d.reactivation);
  EXPECT_EQ(d.reactivation->invoices, std::vector<std::string>{"F-2"});
  EXPECT_EQ(d.reactivation->idempotency_key, "reactivate:K-1:pay-2");
  EXPECT_EQ(d.audit.at(0).rule_id, kRuleReactivate);
}

TEST(DecideReactivation, NotWhileAnotherBlockingInvoiceIsOpen) {
  ReactivationFacts f;
  f.customer = "K-1";
  f.blocking = {{"F-1", "S-1", 500, 0}, {"F-2", "S-1", 500, 500}};
  ReactivationDecision d = DecideReactivation(DecisionRules(), f);
  EXPECT_FALSE(d.reactivation);
  EXPECT_FALSE(d.follow_up);
}

TEST(DecideReactivation, NotWhenNothingWasSettledByThisPayment) {
  ReactivationFacts f;
  f.customer = "K-1";
  f.blocking = {{"F-1", "S-1", 0, 0}};
  EXPECT_FALSE(DecideReactivation(DecisionRules(), f).reactivation);
}

TEST(DecideReactivation, AHoldKeepsTheCaseClosedAndTellsAClerk) {
  ReactivationFacts f;
  f.customer = "K-1";
  f.blocking = {{"F-1", "S-1", 500, 0}};
  f.held_cases = {"S-1"};
  ReactivationDecision d = DecideReactivation(DecisionRules(), f);
  EXPECT_FALSE(d.reactivation);
  ASSERT_TRUE(d.follow_up);
  EXPECT_EQ(d.follow_up->rule_id, kRuleReactivateHeld);
}

TEST(DecideReactivation, WithinTheTolerance) {
  DecisionRules rules;
  rules.settle_tolerance_minor = 100;
  ReactivationFacts f;
  f.customer = "K-1";
  f.blocking = {{"F-1", "S-1", 5000, 50}};
  EXPECT_TRUE(DecideReactivation(rules, f).reactivation);
  f.blocking = {{"F-1", "S-1", 5000, 101}};
  EXPECT_FALSE(DecideReactivation(rules, f).reactivation);
}

TEST(DecidePayment, OnlyNonAutomaticPaymentsBecomeFollowUps) {
  PaymentOutcome auto_paid;
  auto_paid.automatic = true;
  EXPECT_FALSE(DecidePayment(DecisionRules(), auto_paid));
  PaymentOutcome over;
  over.reasons = {"overpayment: 100.00 NOK more than open"};
  over.candidates = {"F-1"};
  std::optional<FollowUp> f = DecidePayment(DecisionRules(), over);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->kind, "payment");
  EXPECT_EQ(f->candidates, std::vector<std::string>{"F-1"});
}

TEST(ParseDecisionRules, TheShippedFileParses) {
  Result<DecisionRules> r = ParseDecisionRules(
      "settle_tolerance_minor: 100\nproof_grace_banking_days: 5\n"
      "follow_up_classes: [complaint]\npriorities: {halt: 1, request: 5}\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->settle_tolerance_minor, 100);
  EXPECT_EQ(r->proof_grace_banking_days, 5);
  EXPECT_EQ(r->follow_up_classes, std::vector<std::string>{"complaint"});
  EXPECT_EQ(r->priority_request, 5);
}

TEST(ParseDecisionRules, MistakesAreNamed) {
  EXPECT_NE(ParseDecisionRules("settle_tolerence_minor: 1").status().message().find(
                "settle_tolerence_minor"),
            std::string::npos);
  EXPECT_NE(ParseDecisionRules("proof_grace_banking_days: -1").status().message().find(
                "proof_grace_banking_days"),
            std::string::npos);
  EXPECT_FALSE(ParseDecisionRules("priorities: {urgent: 1}").ok());
  EXPECT_FALSE(ParseDecisionRules("follow_up_classes: complaint").ok());
  EXPECT_FALSE(ParseDecisionRules("[").ok());
  EXPECT_FALSE(ParseDecisionRules("just text").ok());
}

}  // namespace
}  // namespace purr::cases
