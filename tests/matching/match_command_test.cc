// `purr match` end to end: the built binary on a Bankgirot sample file and a small ledger.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "tests/worker/run_purr.h"

namespace purr::matching {
namespace {

using testing::PurrRun;
using testing::RunPurr;

const std::string kBgMax = std::string(PURR_SOURCE_DIR) +
    "/../shared/conformance/bank/bgmax/bankgirot_exempelfil_avtal-om-ocr-kontroll_checksiffra_langd_sv.txt";
const std::string kLedger = "tests/matching/data/bgmax_ledger.csv";

class MatchCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::ifstream(kBgMax).good()) GTEST_SKIP() << "no conformance corpus";
  }
  // payment amount -> decision object
  std::map<int64_t, Poco::JSON::Object::Ptr> Decisions(const std::string& out) {
    std::map<int64_t, Poco::JSON::Object::Ptr> by_amount;
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
      Poco::JSON::Parser parser;
      auto obj = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
      by_amount[obj->getValue<int64_t>("amount_minor")] = obj;
    }
    return by_amount;
  }
};

TEST_F(MatchCommand, JsonDecisionsForTheBankgirotSample) {
  PurrRun run = RunPurr({"match", "--json", "--invoices", kLedger, kBgMax});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  auto d = Decisions(run.out);
  ASSERT_EQ(d.size(), 7u) << run.out;
  EXPECT_EQ(d[100000]->getValue<std::string>("decision"), "auto");
  auto alloc = d[100000]->getArray("allocations");
  ASSERT_EQ(alloc->size(), 1u);
  EXPECT_EQ(alloc->getObject(0)->getValue<std::string>("invoice"), "F-655969");
  // One payment with four references whose balances add up: a split.
  EXPECT_EQ(d[140000]->getValue<std::string>("decision"), "auto");
  EXPECT_EQ(d[140000]->getArray("allocations")->size(), 4u);
  EXPECT_EQ(d[140000]->getValue<int64_t>("unapplied_minor"), 0);
  // The deduction (debit) and the paid invoice go to a clerk, with reasons.
  EXPECT_EQ(d[50000]->getValue<std::string>("decision"), "follow_up");
  EXPECT_EQ(d[50000]->getArray("reasons")->getObject(0)->getValue<std::string>("code"),
            "debit_payment");
  EXPECT_EQ(d[70000]->getArray("reasons")->getObject(0)->getValue<std::string>("code"),
            "invoice_paid");
  auto candidates = d[70000]->getArray("candidates");
  ASSERT_GE(candidates->size(), 1u);
  EXPECT_EQ(candidates->getObject(0)->getValue<std::string>("invoice"), "F-659763");
  EXPECT_TRUE(candidates->getObject(0)->has("score"));
  EXPECT_TRUE(candidates->getObject(0)->has("reasons"));
}

TEST_F(MatchCommand, JsonLinesLedgerGivesTheSameDecisions) {
  PurrRun csv = RunPurr({"match", "--json", "--invoices", kLedger, kBgMax});
  PurrRun jsonl = RunPurr({"match", "--json", "--invoices",
                           "tests/matching/data/bgmax_ledger.jsonl", kBgMax});
  EXPECT_EQ(jsonl.exit_code, 0) << jsonl.err;
  EXPECT_EQ(jsonl.out, csv.out);
}

TEST_F(MatchCommand, CamtStatementWithAnRfReference) {
  const std::string camt = std::string(PURR_SOURCE_DIR) +
      "/../shared/conformance/bank/camt053/viafintech_053_valid_example_v8.xml";
  PurrRun run = RunPurr({"match", "--json", "--invoices", "tests/matching/data/camt_ledger.csv",
                         camt});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  auto d = Decisions(run.out);
  ASSERT_TRUE(d.count(8885)) << run.out;
  EXPECT_EQ(d[8885]->getValue<std::string>("decision"), "auto");
}

TEST_F(MatchCommand, RejectedBankFileMatchesNothing) {
  const std::string wrong = std::string(PURR_SOURCE_DIR) +
      "/../shared/conformance/bank/camt053/genkgo_camt053.v2.wrong.xml";
  PurrRun run = RunPurr({"match", "--invoices", kLedger, wrong});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(run.out.empty()) << run.out;
  EXPECT_NE(run.err.find("nothing from this file is matched"), std::string::npos) << run.err;
}

TEST_F(MatchCommand, SameFileTwiceIsNotAppliedTwice) {
  PurrRun run = RunPurr({"match", "--json", "--invoices", kLedger, kBgMax, kBgMax});
  EXPECT_EQ(run.exit_code, 0);
  size_t autos = 0, duplicates = 0;
  std::istringstream lines(run.out);
  std::string line;
  while (std::getline(lines, line)) {
    autos += line.find("\"decision\":\"auto\"") != std::string::npos;
    duplicates += line.find("duplicate_payment") != std::string::npos;
  }
  EXPECT_EQ(autos, 2u);
  EXPECT_EQ(duplicates, 7u);
}

TEST_F(MatchCommand, SchemesOption) {
  PurrRun run = RunPurr({"match", "--json", "--schemes", "kid_mod11,rf", "--invoices", kLedger,
                         kBgMax});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  // 655969 is a Luhn OCR reference, not valid under the schemes given.
  EXPECT_NE(run.out.find("exact_reference_unchecked"), std::string::npos);
}

TEST_F(MatchCommand, PlainLinePerPayment) {
  PurrRun run = RunPurr({"match", "--invoices", kLedger, kBgMax});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("auto -> F-655969 1000.00 SEK"), std::string::npos) << run.out;
}

TEST_F(MatchCommand, BadLedgerRowIsReportedWithItsLineAndExitIsOne) {
  PurrRun run = RunPurr({"match", "--invoices", "tests/matching/data/bad_ledger.csv", kBgMax});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("bad_ledger.csv:3: error: amount_minor"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("86011117947"), std::string::npos);  // accounts never on stderr
  EXPECT_NE(run.out.find("auto -> F-655969"), std::string::npos);  // good rows still used
}

TEST_F(MatchCommand, UsageErrorsExitTwo) {
  EXPECT_EQ(RunPurr({"match", kBgMax}).exit_code, 2);
  EXPECT_EQ(RunPurr({"match", "--invoices", kLedger}).exit_code, 2);
  EXPECT_EQ(RunPurr({"match-eval", "--payments", "x"}).exit_code, 2);
  EXPECT_EQ(RunPurr({"match", "--schemes", "kid", "--invoices", kLedger, kBgMax}).exit_code, 2);
}

TEST_F(MatchCommand, MissingFilesExitOne) {
  EXPECT_EQ(RunPurr({"match", "--invoices", "nope.csv", kBgMax}).exit_code, 1);
  PurrRun run = RunPurr({"match", "--invoices", kLedger, "nope.xml"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("nope.xml: error"), std::string::npos);
}

TEST(MatchEvalCommand, SmallScenarioPrintsTheFigures) {
  PurrRun run = RunPurr({"match-eval", "--payments", "2000", "--seed", "2"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("wrong allocations: 0"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("per second"), std::string::npos);
}

}  // namespace
}  // namespace purr::matching
