// purr classify / train / eval run as a user would: JSON output, bad input, broken rules and
// OCR'd scans (the accuracy targets on OCR output: ocr_corpus_test.cc).
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <unistd.h>

#include "tests/worker/run_purr.h"

namespace purr {
namespace {

using testing::RunPurr;
namespace fs = std::filesystem;

class ClassifyCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("purr-classify-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& bytes) {
    fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
    return path.string();
  }
  static Poco::JSON::Object::Ptr Json(const std::string& line) {
    Poco::JSON::Parser parser;
    return parser.parse(line).extract<Poco::JSON::Object::Ptr>();
  }
  fs::path dir_;
};

TEST_F(ClassifyCommandTest, JsonHasOneObjectPerFileWithEveryField) {
  testing::PurrRun run = RunPurr({"classify", "--json", "--received", "2026-01-31",
                                  "fixtures/letters/nb/001_dispute_telecom.txt",
                                  "fixtures/letters/sv/014_bestrider_inte_avbetalning.txt"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(run.out_lines().size(), 2u);
  auto first = Json(run.out_lines()[0]);
  for (const char* key : {"file", "language", "language_confidence", "classes", "legal", "needs_human",
                          "needs_human_reasons", "entities", "model_version", "rules_version", "error"}) {
    EXPECT_TRUE(first->has(key)) << key;
  }
  EXPECT_EQ(first->getValue<std::string>("language"), "nb");
  auto classes = first->getArray("classes");
  EXPECT_EQ(classes->getObject(0)->getValue<std::string>("class"), "dispute");
  auto legal = first->getObject("legal");
  EXPECT_EQ(legal->getValue<std::string>("category"), "halt");
  EXPECT_EQ(legal->getValue<std::string>("jurisdiction"), "NO");
  EXPECT_EQ(legal->getValue<std::string>("deadline"), "2026-01-31");
  EXPECT_TRUE(first->isNull("error"));
  EXPECT_FALSE(first->getValue<std::string>("model_version").empty());
}

TEST_F(ClassifyCommandTest, PlainSummaryNamesClassesAndLegalCategory) {
  testing::PurrRun run = RunPurr({"classify", "fixtures/letters/nb/004_not_disputed_payment_plan_bank.txt"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("classes: instalment_request"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find(" dispute "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("legal: none, NO"), std::string::npos) << run.out;
}

TEST_F(ClassifyCommandTest, BadInputsAreReportedAndTheOthersGoOn) {
  std::string empty = Write("empty.txt", "");
  std::string garbage(4096, '\0');
  std::mt19937 random(42);
  for (char& c : garbage) c = static_cast<char>(random());
  std::string binary = Write("garbage.bin", garbage);
  std::string big = Write("big.txt", std::string(20 << 20, 'a'));
  std::string good = "fixtures/letters/da/001_dispute_window_cleaner.txt";
  testing::PurrRun run = RunPurr({"classify", "--json", empty, binary, big, good});
  EXPECT_EQ(run.exit_code, 1);
  auto lines = run.out_lines();
  ASSERT_EQ(lines.size(), 4u) << run.out;
  EXPECT_NE(Json(lines[0])->getObject("error")->getValue<std::string>("message").find("empty"), std::string::npos);
  EXPECT_NE(Json(lines[1])->getObject("error")->getValue<std::string>("message").find("binary"), std::string::npos);
  auto too_big = Json(lines[2])->getObject("error");
  EXPECT_EQ(too_big->getValue<std::string>("code"), "limit_exceeded");
  EXPECT_NE(too_big->getValue<std::string>("message").find("limit"), std::string::npos);
  EXPECT_TRUE(Json(lines[3])->isNull("error"));
  EXPECT_EQ(Json(lines[3])->getObject("legal")->getValue<std::string>("category"), "halt");
}

TEST_F(ClassifyCommandTest, Latin1LetterIsReadAsWindows1252) {
  std::string path = Write("latin1.txt", "Hej. Jeg bestrider kravet, jeg har aldrig bestilt varen. Venlig hilsen S\xF8ren");
  testing::PurrRun run = RunPurr({"classify", "--json", path});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto result = Json(run.out_lines().at(0));
  EXPECT_EQ(result->getArray("classes")->getObject(0)->getValue<std::string>("class"), "dispute");
  EXPECT_NE(run.err.find("Windows-1252"), std::string::npos) << run.err;
}

TEST_F(ClassifyCommandTest, BrokenRuleFileIsReportedWithFileAndLine) {
  Write("rules/bad.yaml", "rules:\n  - id: x\n    class: dispute\n    patterns: ['(oops']\n");
  testing::PurrRun run = RunPurr({"classify", "--rules", (dir_ / "rules").string(),
                                  "fixtures/letters/nb/001_dispute_telecom.txt"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("bad.yaml:4"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("missing )"), std::string::npos) << run.err;
}

TEST_F(ClassifyCommandTest, UsageErrors) {
  EXPECT_EQ(RunPurr({"classify"}).exit_code, 2);
  EXPECT_EQ(RunPurr({"classify", "--received", "2026-02-30", "x.txt"}).exit_code, 2);
  EXPECT_EQ(RunPurr({"classify", "--jurisdiction", "FI", "x.txt"}).exit_code, 2);
  EXPECT_EQ(RunPurr({"train", "--examples", "fixtures/letters"}).exit_code, 2);
  EXPECT_EQ(RunPurr({"eval"}).exit_code, 2);
}

TEST_F(ClassifyCommandTest, ScanIsOcrdAndClassified) {
  testing::PurrRun run = RunPurr({"classify", "--json", "fixtures/scans/clean300/nb_001_dispute_telecom.png"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto result = Json(run.out_lines().at(0));
  EXPECT_EQ(result->getValue<std::string>("input"), "scan");
  EXPECT_EQ(result->getObject("legal")->getValue<std::string>("category"), "halt");
}

TEST_F(ClassifyCommandTest, TrainingIsDeterministicAndTheModelIsUsable) {
  std::string a = (dir_ / "a.model").string(), b = (dir_ / "b.model").string();
  for (const std::string& out : {a, b}) {
    testing::PurrRun run = RunPurr({"train", "--examples", "fixtures/letters/sv/labels.jsonl", "--out", out,
                                    "--date", "2026-01-01"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.out.find("lr-2026-01-01-"), std::string::npos) << run.out;
  }
  std::ifstream fa(a, std::ios::binary), fb(b, std::ios::binary);
  std::string bytes_a((std::istreambuf_iterator<char>(fa)), {}), bytes_b((std::istreambuf_iterator<char>(fb)), {});
  EXPECT_EQ(bytes_a, bytes_b);
  testing::PurrRun run = RunPurr({"classify", "--json", "--model", a, "fixtures/letters/sv/001_bestrider_telekom.txt"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Json(run.out_lines().at(0))->getValue<std::string>("model_version").rfind("lr-2026-01-01-", 0), 0u);
}

TEST_F(ClassifyCommandTest, TrainsFromInlineTextAndReportsABadLine) {
  std::string good = Write("examples.jsonl",
                           "{\"text\": \"Jeg bestrider kravet.\", \"lang\": \"nb\", \"classes\": [\"dispute\"], \"legal\": \"halt\"}\n"
                           "{\"text\": \"Jeg har flyttet.\", \"lang\": \"nb\", \"classes\": [\"address_change\"]}\n");
  testing::PurrRun run = RunPurr({"train", "--examples", good, "--out", (dir_ / "m.model").string(), "--cost", "2"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("trained on 2 letters"), std::string::npos) << run.out;
  std::string bad = Write("bad.jsonl", "{\"text\": \"x\", \"classes\": [\"dispute\"]}\n{\"text\": \"y\", \"classes\": [\"angry\"]}\n");
  run = RunPurr({"train", "--examples", bad, "--out", (dir_ / "n.model").string()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("bad.jsonl:2"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("unknown class \"angry\""), std::string::npos) << run.err;
}

// Cross-validation trains a model per fold and prints the figures overall, per language and
// per fold; a letter is never classified by a model that saw it.
TEST_F(ClassifyCommandTest, EvalCrossValidatesByFold) {
  testing::PurrRun run = RunPurr({"eval", "--examples", "fixtures/letters/sv/labels.jsonl,fixtures/letters/da/labels.jsonl",
                                  "--folds", "2", "--calibration-folds", "2"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const char* figure : {"cross-validation: 2 folds", "macro-F1:", "decided without a human:", "by slice",
                             "language da", "language sv", "fold 2", "why letters went to a human"}) {
    EXPECT_NE(run.out.find(figure), std::string::npos) << figure << "\n" << run.out;
  }
  EXPECT_NE(run.err.find("fold 2/2"), std::string::npos) << run.err;
  run = RunPurr({"eval", "--examples", "fixtures/letters/sv/labels.jsonl", "--folds", "2", "--model", "none"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
}

TEST_F(ClassifyCommandTest, EvalPrintsTheFigures) {
  testing::PurrRun run = RunPurr({"eval", "--examples", "fixtures/letters"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const char* figure : {"macro-F1:", "legal-halt recall:", "language accuracy:", "confusion", "precision"}) {
    EXPECT_NE(run.out.find(figure), std::string::npos) << figure;
  }
}

}  // namespace
}  // namespace purr

namespace purr {
namespace {

struct EmailCase {
  const char* file;
  const char* first_class;
  const char* legal;
};

class ClassifyEmail : public ::testing::TestWithParam<EmailCase> {};

// E-mails through the mail/ parser: HTML-only bodies, unknown charsets, broken MIME and
// attachments that are not what their MIME type says all still give a classification.
TEST_P(ClassifyEmail, IsParsedAndClassified) {
  testing::PurrRun run = RunPurr({"classify", "--json", std::string("fixtures/mail/") + GetParam().file});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Poco::JSON::Parser parser;
  auto result = parser.parse(run.out_lines().at(0)).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(result->getValue<std::string>("input"), "email");
  // The expected class is reported, or the letter goes to a human with it named.
  bool reported = false, asked = false;
  auto classes = result->getArray("classes");
  for (unsigned i = 0; i < classes->size(); ++i) {
    reported = reported || classes->getObject(i)->getValue<std::string>("class") == GetParam().first_class;
  }
  auto reasons = result->getArray("needs_human_reasons");
  for (unsigned i = 0; i < reasons->size(); ++i) {
    asked = asked || reasons->getElement<std::string>(i).find(GetParam().first_class) != std::string::npos;
  }
  EXPECT_TRUE(reported || asked) << run.out;
  if (reported) {
    EXPECT_EQ(result->getObject("legal")->getValue<std::string>("category"), GetParam().legal);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, ClassifyEmail,
    ::testing::Values(EmailCase{"outlook_alternative_nb.eml", "dispute", "halt"},
                      EmailCase{"html_only_base64_nn.eml", "dispute", "halt"},
                      EmailCase{"unknown_charset_nb.eml", "dispute", "halt"},
                      EmailCase{"cp1252_sv.eml", "payment_proof", "none"},
                      EmailCase{"qp_da.eml", "address_change", "none"}));

TEST(ClassifyEmailBadInput, BrokenMimeAndMislabelledAttachmentsAreReadWithWarnings) {
  for (const char* file : {"fixtures/mail/broken_mime_da.eml", "fixtures/mail/mislabelled_attachment_sv.eml"}) {
    testing::PurrRun run = RunPurr({"classify", "--json", file});
    EXPECT_EQ(run.exit_code, 0) << file << run.err;
    ASSERT_EQ(run.out_lines().size(), 1u) << file;
    Poco::JSON::Parser parser;
    auto result = parser.parse(run.out_lines()[0]).extract<Poco::JSON::Object::Ptr>();
    EXPECT_GT(result->getArray("warnings")->size(), 0u) << file;
  }
}

}  // namespace
}  // namespace purr
