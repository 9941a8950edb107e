// purr ocr end to end: the real executable on real scans and on broken inputs in one call.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "tests/ocr/test_files.h"
#include "tests/worker/run_purr.h"

namespace purr {
namespace {

using testing::Repo;
using testing::ReadFile;
using testing::RunPurr;
using testing::ScratchDir;

Poco::JSON::Object::Ptr ParseLine(const std::string& line) {
  Poco::JSON::Parser parser;
  return parser.parse(line).extract<Poco::JSON::Object::Ptr>();
}

TEST(OcrCommandTest, HelpAndUsageErrors) {
  auto help = RunPurr({"ocr", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--deadline"), std::string::npos);
  auto top = RunPurr({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("ocr"), std::string::npos);
  EXPECT_EQ(RunPurr({"ocr"}).exit_code, 2);
  EXPECT_EQ(RunPurr({"ocr", "--bogus", "x.png"}).exit_code, 2);
  EXPECT_EQ(RunPurr({"ocr", "--deadline", "soon", "x.png"}).exit_code, 2);
  EXPECT_EQ(RunPurr({"nonsense"}).exit_code, 2);
}

TEST(OcrCommandTest, BadInputsAreReportedAndGoodOnesStillRead) {
  ScratchDir dir;
  const std::string good = Repo("fixtures/scans/jpeg/nb_025_paid_complaint_reminder_fee.jpg");
  const std::string empty = dir.Write("empty.tif", "");
  const std::string text = dir.Write("notes.png", "not an image at all\n");
  const std::string cut =
      dir.Truncated("cut.png", Repo("fixtures/scans/clean300/sv_001_bestrider_telekom.png"), 4000);
  const std::string good2 = Repo("fixtures/scans/rotated/en_016_new_address_payment_plan.png");

  auto run = RunPurr({"ocr", "--json", empty, good, text, cut, good2});
  EXPECT_EQ(run.exit_code, 1);
  auto lines = run.out_lines();
  ASSERT_EQ(lines.size(), 5u) << run.out << run.err;

  auto e = ParseLine(lines[0]);
  EXPECT_EQ(e->getValue<std::string>("file"), empty);
  EXPECT_NE(e->getValue<std::string>("error").find("empty file"), std::string::npos);

  auto g = ParseLine(lines[1]);
  EXPECT_FALSE(g->has("error"));
  auto page = g->getArray("pages")->getObject(0);
  EXPECT_NE(page->getValue<std::string>("text").find("KID"), std::string::npos);
  EXPECT_EQ(page->getValue<int>("page"), 1);
  EXPECT_EQ(page->getValue<int>("rotation"), 0);
  EXPECT_TRUE(page->has("confidence"));
  EXPECT_TRUE(page->has("skew"));
  EXPECT_TRUE(page->has("ms"));

  EXPECT_NE(ParseLine(lines[2])->getValue<std::string>("error").find("not an image or PDF"),
            std::string::npos);
  auto c = ParseLine(lines[3]);
  EXPECT_NE(c->getValue<std::string>("error").find("cut.png page 1"), std::string::npos)
      << lines[3];

  auto r = ParseLine(lines[4]);
  EXPECT_FALSE(r->has("error"));
  EXPECT_EQ(r->getArray("pages")->getObject(0)->getValue<int>("rotation"), 180);

  EXPECT_NE(run.err.find("empty.tif"), std::string::npos);
  EXPECT_NE(run.err.find("cut.png page 1"), std::string::npos);
  // Every line on stderr is purr's own: libpng's "libpng error: ..." is in purr's message.
  std::istringstream err(run.err);
  for (std::string line; std::getline(err, line);) {
    EXPECT_EQ(line.rfind("purr ocr: ", 0), 0u) << line;
  }
}

TEST(OcrCommandTest, PlainTextAndSearchablePdf) {
  ScratchDir dir;
  const std::string out = dir.Path("archive.pdf");
  auto run = RunPurr({"ocr", "--pdf", out, Repo("fixtures/scans/fax200/da_033_lawyer_executor_proclama.tif")});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("dødsbo"), std::string::npos) << run.out;
  ASSERT_TRUE(std::filesystem::exists(out));
  // The archive PDF has a text layer: reading it back takes the text without OCR.
  auto again = RunPurr({"ocr", "--json", out});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  auto page = ParseLine(again.out_lines().at(0))->getArray("pages")->getObject(0);
  EXPECT_EQ(page->getValue<std::string>("source"), "text_layer");
  EXPECT_NE(page->getValue<std::string>("text").find("dødsbo"), std::string::npos);
}

TEST(OcrCommandTest, HocrOutput) {
  ScratchDir dir;
  const std::string out = dir.Path("letter.hocr");
  auto run = RunPurr({"ocr", "--hocr", out, Repo("fixtures/scans/jpeg/en_025_debt_adviser_gjeldsordning_application.jpg")});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const std::string hocr = ReadFile(out);
  EXPECT_NE(hocr.find("ocrx_word"), std::string::npos);
  EXPECT_NE(hocr.find("bbox"), std::string::npos);
}

TEST(OcrCommandTest, DeadlineFailsThePageNotTheRun) {
  auto run = RunPurr({"ocr", "--json", "--deadline", "0.2",
                      Repo("fixtures/scans/clean300/sv_001_bestrider_telekom.png")});
  EXPECT_EQ(run.exit_code, 1);
  auto lines = run.out_lines();
  ASSERT_EQ(lines.size(), 1u);
  auto page = ParseLine(lines[0])->getArray("pages")->getObject(0);
  EXPECT_EQ(page->getValue<std::string>("error_code"), "timed_out");
}

}  // namespace
}  // namespace purr
