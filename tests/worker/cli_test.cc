// Numeric options: declared with a range, checked by CommandLine::Parse with one kind of
// usage error (exit 2) naming the option and the range, in every command.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/worker/run_purr.h"
#include "worker/cli.h"

namespace purr::cli {
namespace {

using purr::testing::RunPurr;

// A command with one whole-number and one decimal option, as `purr ocr` has.
class NumericOptionsTest : public ::testing::Test {
 protected:
  NumericOptionsTest() : cl_("purr test [--threads N] [--deadline SECONDS]", "A test command.") {
    cl_.Integer("threads", "N", "threads", 1, 256);
    cl_.Decimal("deadline", "SECONDS", "seconds per page", 0.001, 86400);
  }

  // Parses `args`; returns the exit code Parse asked for (nullopt: run) and keeps stderr.
  std::optional<int> Parse(const std::vector<std::string>& args) {
    ::testing::internal::CaptureStderr();
    std::optional<int> exit = cl_.Parse(args);
    err_ = ::testing::internal::GetCapturedStderr();
    return exit;
  }
  void ExpectRefused(const std::vector<std::string>& args, const std::string& message) {
    EXPECT_EQ(Parse(args), kExitUsage) << args.back();
    EXPECT_NE(err_.find("purr: " + message + "\n"), std::string::npos) << err_;
  }

  CommandLine cl_;
  std::string err_;
};

TEST_F(NumericOptionsTest, ValuesInRangeAreRead) {
  ASSERT_EQ(Parse({"--threads", "256", "--deadline=0.5", "a.png"}), std::nullopt) << err_;
  EXPECT_EQ(cl_.GetInteger("threads", 7), 256);
  EXPECT_EQ(cl_.GetDecimal("deadline", 20), 0.5);
  EXPECT_EQ(cl_.positional(), std::vector<std::string>{"a.png"});
}

TEST_F(NumericOptionsTest, AbsentOptionsGiveTheFallback) {
  ASSERT_EQ(Parse({"a.png"}), std::nullopt);
  EXPECT_EQ(cl_.GetInteger("threads", 7), 7);
  EXPECT_EQ(cl_.GetDecimal("deadline", 20), 20);
}

TEST_F(NumericOptionsTest, TheLastOfRepeatedValuesCounts) {
  ASSERT_EQ(Parse({"--threads", "0", "--threads", "1"}), std::nullopt) << err_;
  EXPECT_EQ(cl_.GetInteger("threads", 7), 1);
}

TEST_F(NumericOptionsTest, DecimalsAreReadWithoutLocale) {
  for (const auto& [text, value] : std::vector<std::pair<std::string, double>>{
           {"20", 20}, {"0.001", 0.001}, {"1e3", 1000}, {"86400", 86400}, {"2.50", 2.5}}) {
    ASSERT_EQ(Parse({"--deadline", text}), std::nullopt) << text << err_;
    EXPECT_EQ(cl_.GetDecimal("deadline", 0), value) << text;
  }
}

TEST_F(NumericOptionsTest, WholeNumbersOutsideTheRangeOrNotWholeAreRefused) {
  for (const char* text : {"0", "257", "-1", "1.5", "", "abc", "5x", " 5", "+5", "0x10",
                           "99999999999999999999"}) {
    ExpectRefused({"--threads", text},
                  "--threads takes a whole number from 1 to 256, not \"" + std::string(text) +
                      "\"");
  }
}

TEST_F(NumericOptionsTest, DecimalsOutsideTheRangeOrNotNumbersAreRefused) {
  for (const char* text : {"0", "-5", "86400.5", "soon", "nan", "inf", "1,5", "1e999", ""}) {
    ExpectRefused({"--deadline", text},
                  "--deadline takes a number from 0.001 to 86400, not \"" + std::string(text) +
                      "\"");
  }
}

TEST_F(NumericOptionsTest, HelpShowsTheRangesAndWinsOverABadValue) {
  ::testing::internal::CaptureStdout();
  std::optional<int> exit = Parse({"--threads", "0", "--help"});
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(exit, kExitOk);
  EXPECT_NE(out.find("threads; 1 to 256"), std::string::npos) << out;
  EXPECT_NE(out.find("seconds per page; 0.001 to 86400"), std::string::npos) << out;
}

// Each command's numeric options, run as a user would: exit 2 and the same message.
struct BadOption {
  std::vector<std::string> args;
  std::string message;
};

TEST(NumericOptionsCommandTest, EveryCommandRefusesOutOfRangeNumbersAlike) {
  std::vector<BadOption> cases = {
      {{"ocr", "--threads", "0", "x.png"}, "--threads takes a whole number from 1 to 256"},
      {{"ocr", "--deadline", "soon", "x.png"}, "--deadline takes a number from 0.001 to 86400"},
      {{"ocr", "--max-pages", "1.5", "x.png"}, "--max-pages takes a whole number from 1 to"},
      {{"ocr", "--max-file-mb", "0", "x.png"}, "--max-file-mb takes a number from 0.001 to"},
      {{"ocr", "--max-megapixels", "-1", "x.png"}, "--max-megapixels takes a number from"},
      {{"match-eval", "--invoices", "5"}, "--invoices takes a whole number from 10 to 50000000"},
      {{"match-eval", "--payments", "x"}, "--payments takes a whole number from 0 to 50000000"},
      {{"match-eval", "--seed", "-1"}, "--seed takes a whole number from 0 to"},
#ifdef PURR_HAVE_CLASSIFY
      {{"classify", "--min-confidence", "1", "x.txt"},
       "--min-confidence takes a number from 0.001 to 0.999"},
      {{"eval", "--examples", "x", "--ocr", "--threads", "0"}, "--threads takes a whole number from 1 to 256"},
      {{"train", "--examples", "x", "--out", "y", "--min-count", "0"},
       "--min-count takes a whole number from 1 to 1000"},
      {{"train", "--examples", "x", "--out", "y", "--cost", "0"},
       "--cost takes a number from 0.001 to 1000"},
#endif
  };
  for (const BadOption& c : cases) {
    testing::PurrRun run = RunPurr(c.args);
    EXPECT_EQ(run.exit_code, kExitUsage) << c.args[1];
    EXPECT_EQ(run.err.rfind("purr: " + c.message, 0), 0u) << run.err;
  }
}

TEST(NumericOptionsCommandTest, InvoicesDefaultToPaymentsButAtLeastTen) {
  testing::PurrRun run = RunPurr({"match-eval", "--payments", "5"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_NE(run.out.find("5 payments against 10 invoices, seed 1"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace purr::cli
