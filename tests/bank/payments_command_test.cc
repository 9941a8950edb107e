// `purr payments` end to end: the built binary on conformance files and on broken input.
#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "tests/bank/bank_test_util.h"
#include "tests/worker/run_purr.h"

namespace purr::bank {
namespace {

// Runs `purr payments` with `args`, written as on a shell command line with single quotes
// around paths; the words are split here and passed without a shell.
purr::testing::PurrRun Purr(const std::string& args) {
  std::vector<std::string> words = {"payments"};
  std::string word;
  bool quoted = false, any = false;
  for (char c : args) {
    if (c == '\'') {
      quoted = !quoted;
      any = true;
    } else if (c == ' ' && !quoted) {
      if (any) words.push_back(word);
      word.clear();
      any = false;
    } else {
      word += c;
      any = true;
    }
  }
  if (any) words.push_back(word);
  return purr::testing::RunPurr(words);
}

std::vector<Poco::JSON::Object::Ptr> JsonLines(const std::string& out) {
  std::vector<Poco::JSON::Object::Ptr> lines;
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find('\n', start);
    Poco::JSON::Parser parser;
    lines.push_back(parser.parse(out.substr(start, end - start)).extract<Poco::JSON::Object::Ptr>());
    start = end + 1;
  }
  return lines;
}

class PaymentsCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::HaveConformance()) GTEST_SKIP() << "no conformance corpus";
  }
  std::string File(const std::string& name) { return "'" + testing::ConformanceDir() + name + "'"; }
};

TEST_F(PaymentsCommand, JsonLinesForAGoodFile) {
  auto run = Purr("--json " + File("ocr_giro/netsgiro_ocr_giro_transactions.txt"));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  std::vector<Poco::JSON::Object::Ptr> lines = JsonLines(run.out);
  ASSERT_EQ(lines.size(), 20u);
  int64_t sum = 0;
  for (const auto& line : lines) sum += line->getValue<Poco::Int64>("amount_minor");
  EXPECT_EQ(sum, 5144900);
  EXPECT_EQ(lines[1]->getValue<std::string>("format"), "ocr-giro");
  EXPECT_EQ(lines[1]->getValue<std::string>("direction"), "credit");
  EXPECT_EQ(lines[1]->getValue<std::string>("payer_account"), "99991005524");
  EXPECT_EQ(lines[1]->getArray("references")->getElement<std::string>(0), "0036633");
  EXPECT_EQ(lines[1]->getValue<std::string>("booking_date"), "1992-01-20");
  for (const char* key : {"file", "payment_id", "reversal", "currency", "value_date", "text",
                          "payer_name"}) {
    EXPECT_TRUE(lines[0]->has(key)) << key;
  }
}

TEST_F(PaymentsCommand, RejectedFileFailsAndPrintsNothing) {
  auto run = Purr(File("ocr_giro/netsgiro_avtalegiro_payment_request.txt") + " " +
                 File("camt053/viafintech_053_valid_example_v8.xml"));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("netsgiro_avtalegiro_payment_request.txt: error: record 2:"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), 3);  // the camt file's 3
}

TEST_F(PaymentsCommand, TruncatedCamtPrintsNothing) {
  std::string bytes = testing::ReadBytes(testing::ConformanceDir() +
                                         "camt053/viafintech_053_valid_example_v4.xml");
  std::string path = ::testing::TempDir() + "truncated_camt.xml";
  std::ofstream(path, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  auto run = Purr("--json '" + path + "'");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(run.out.empty()) << run.out;
  EXPECT_NE(run.err.find("not well-formed"), std::string::npos) << run.err;
}

TEST_F(PaymentsCommand, WarningsGoToStderrWithPositions) {
  auto run = Purr(File("bgmax/bankgirot_exempelfil_avtal-om-ocr-kontroll_checksiffra_langd_sv.txt"));
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.err.find("_sv.txt:record 17: warning: TAB"), std::string::npos) << run.err;
  EXPECT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), 7);
  // Plain output masks the payer's bankgiro; stderr never carries it.
  EXPECT_EQ(run.out.find("0003783511"), std::string::npos);
  EXPECT_NE(run.out.find("0003**3511"), std::string::npos);
}

TEST_F(PaymentsCommand, CsvProfileAndUsageErrors) {
  std::string path = ::testing::TempDir() + "dnb.csv";
  std::ofstream(path, std::ios::binary)
      << "Dato;Forklaring;Rentedato;Ut fra konto;Inn p\xE5 konto\n"
         "02.01.2024;Giro KID 12344;02.01.2024;;1.249,50\n";
  auto run = Purr("--json --profile dnb '" + path + "'");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  std::vector<Poco::JSON::Object::Ptr> lines = JsonLines(run.out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]->getValue<std::string>("format"), "csv:dnb");
  EXPECT_EQ(lines[0]->getValue<Poco::Int64>("amount_minor"), 124950);
  EXPECT_EQ(Purr("--profile nosuch '" + path + "'").exit_code, 2);
  EXPECT_EQ(Purr("").exit_code, 2);
  EXPECT_EQ(Purr("--frobnicate x").exit_code, 2);
  EXPECT_EQ(Purr("/nonexistent/file.xml").exit_code, 1);
}

}  // namespace
}  // namespace purr::bank
