// OCR on real scans (fixtures/real/dev: scanner, microfilm and camera captures with
// transcriptions made apart from the tuning) against the plain tesseract CLI's recorded
// figures (fixtures/real/dev/cli_baseline.tsv, from scripts/ocr-compare.sh --baseline), and
// what a page says about itself: its measured resolution, a blank page, an empty read.
// fixtures/real/holdout is not read here: it is measured, never tested against.
#include <gtest/gtest.h>

#include <leptonica/allheaders.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ocr/ocr.h"
#include "tests/ocr/reading.h"
#include "tests/ocr/shared_engine.h"
#include "tests/ocr/test_files.h"

namespace purr::ocr {
namespace {

using purr::testing::Conformance;
using purr::testing::GroundTruthFor;
using purr::testing::ReadAll;
using purr::testing::ReadFile;
using purr::testing::Reading;
using purr::testing::Repo;

// A page may read worse than the CLI by at most one CER point.
constexpr double kMaxLoss = 0.01;

// Pages of the development set where purr still reads worse than the CLI by more than a
// point, with the bar they are held to (today's figure and a little) and why. Each is a
// known defect, listed so that it cannot grow unseen; none is a letter.
struct KnownLoss {
  const char* page;
  double max_cer;
  const char* why;
};
constexpr KnownLoss kKnownLosses[] = {
    {"eng_huckfinn_p22.print.jpg", 0.07,
     "a book page with a line drawing: the caption is read before the text and the drawing's "
     "hatching as a few words (CLI 0.012)"},
    {"eng_cozylion_picnic.mixed.jpg", 0.02,
     "a colour plate with a 67-letter caption: one letter misread (fun -> fan)"},
};

double AllowedCer(const std::string& page, double cli_cer) {
  for (const KnownLoss& loss : kKnownLosses) {
    if (page == loss.page) return loss.max_cer;
  }
  return cli_cer + kMaxLoss;
}

// Typographic quotes count as straight ones, as in scripts/ocr_compare.py: transcribers
// write straight quotes where the scan does not show which was printed.
std::string FoldQuotes(const std::string& text) {
  static const std::pair<const char*, const char*> kFolds[] = {
      {"\u2018", "'"}, {"\u2019", "'"}, {"\u201a", "'"}, {"\u201b", "'"},
      {"\u201c", "\""}, {"\u201d", "\""}, {"\u201e", "\""}, {"\u201f", "\""}};
  std::string out = text;
  for (const auto& [from, to] : kFolds) {
    const std::string f(from);
    for (size_t at = out.find(f); at != std::string::npos; at = out.find(f, at)) {
      out.replace(at, f.size(), to);
    }
  }
  return out;
}

struct Baseline {
  double cer = 0;
  int chars = 0;
};

std::map<std::string, Baseline> ReadBaseline(const std::string& path) {
  std::map<std::string, Baseline> out;
  std::istringstream in(ReadFile(path));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name;
    Baseline b;
    if (std::getline(fields, name, '\t') && fields >> b.cer >> b.chars) out[name] = b;
  }
  return out;
}

TEST(RealScansTest, NoDevelopmentPageReadsWorseThanTheCliByMoreThanOnePoint) {
  const std::string dir = Repo("fixtures/real/dev");
  const std::map<std::string, Baseline> baseline = ReadBaseline(dir + "/cli_baseline.tsv");
  ASSERT_GE(baseline.size(), 15u) << "the CLI baseline lists too few pages";
  Engine& engine = purr::testing::SharedEngine();
  double purr_sum = 0, cli_sum = 0;
  int pages = 0;
  for (const auto& [name, cli] : baseline) {
    const std::string image = dir + "/" + name;
    ASSERT_TRUE(std::filesystem::exists(image)) << image;
    const std::string truth_path = GroundTruthFor(image);
    const Reading reading = ReadAll(engine, image);
    const std::string& text = reading.text;
    const std::vector<PageResult>& results = reading.pages;
    const double cer = CharacterErrorRate(FoldQuotes(ReadFile(truth_path)), FoldQuotes(text));
    double ms = 0;
    for (const PageResult& r : results) ms += r.ms;
    std::printf("[ cer ] real  purr %.4f  cli %.4f  %6.0f ms  %s\n", cer, cli.cer, ms, name.c_str());
    EXPECT_LE(cer, AllowedCer(name, cli.cer)) << name << "\n" << text;
    // No empty read where the CLI reads text.
    if (cli.chars > 20) {
      EXPECT_FALSE(text.empty()) << name;
    }
    purr_sum += cer;
    cli_sum += cli.cer;
    ++pages;
  }
  std::printf("[ cer ] real  mean purr %.4f  cli %.4f over %d pages\n", purr_sum / pages,
              cli_sum / pages, pages);
  EXPECT_LE(purr_sum, cli_sum);
}

// Every page of the shared conformance corpus (../shared/conformance/ocr, beside the
// checkout; skipped, and saying so, where it is absent), including the kinds that real
// mailrooms and archive portals produce: a file that states a wrong resolution or none, a
// scanner bed around the page, a worn typewriter ribbon, a phone photo.
TEST(RealScansTest, EveryConformancePageWithinHalfAPercent) {
  if (!std::filesystem::is_directory(Conformance("ocr"))) {
    GTEST_SKIP() << "no shared conformance corpus at " << Conformance("ocr");
  }
  Engine& engine = purr::testing::SharedEngine();
  int pages = 0;
  for (const auto& entry : std::filesystem::directory_iterator(Conformance("ocr"))) {
    const std::filesystem::path path = entry.path();
    const std::string ext = path.extension().string();
    if (ext != ".png" && ext != ".jpg" && ext != ".tif") continue;
    const Reading reading = ReadAll(engine, path.string());
    const std::string& text = reading.text;
    const std::vector<PageResult>& results = reading.pages;
    const std::string truth = GroundTruthFor(path.string());
    const double cer = CharacterErrorRate(ReadFile(truth), text);
    std::printf("[ cer ] conformance  %.4f  %s\n", cer, path.filename().c_str());
    EXPECT_LE(cer, 0.005) << path;
    ASSERT_FALSE(results.empty());
    EXPECT_GE(results.front().confidence, 80) << path;
    EXPECT_TRUE(ReadDoubt(results.front()).empty()) << path;
    ++pages;
  }
  EXPECT_GE(pages, 18);
}

TEST(RealScansTest, AWrongStatedResolutionIsMeasuredNotTrusted) {
  if (!std::filesystem::is_directory(Conformance("ocr"))) {
    GTEST_SKIP() << "no shared conformance corpus at " << Conformance("ocr");
  }
  // About 240 dpi of pixels in a file that says 72: read as it is, not blown up four times.
  const std::vector<PageResult> results =
      ReadAll(purr::testing::SharedEngine(), Conformance("ocr/swe_instalment.nodpi.png")).pages;
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].stated_dpi, 72);
  EXPECT_GE(results[0].measured_dpi, 190);
  EXPECT_LE(results[0].measured_dpi, 290);
  EXPECT_EQ(results[0].scale, 1.0);
  EXPECT_LT(results[0].width, 2100);
}

TEST(RealScansTest, AnUprightPageStaysUprightWhenTheDetectorIsUnsure) {
  // A low-resolution book page on which the orientation detector suggests 180 degrees.
  const std::vector<PageResult> results =
      ReadAll(purr::testing::SharedEngine(), Repo("fixtures/real/dev/eng_cozylion_text.lowres.png"))
          .pages;
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].rotation, 0);
  EXPECT_GE(results[0].confidence, 80);
}

// A page with ink that reads as (almost) nothing is not a confident read.
TEST(RealScansTest, AnEmptyReadHasNoConfidenceAndIsDoubted) {
  const std::vector<PageResult> results =
      ReadAll(purr::testing::SharedEngine(), Repo("fixtures/real/dev/lat_exlibris_bavaria.lowres.jpg"))
          .pages;
  ASSERT_EQ(results.size(), 1u);
  EXPECT_LT(results[0].confidence, kLowReadConfidence);
  EXPECT_FALSE(ReadDoubt(results[0]).empty());
}

TEST(RealScansTest, ABlankSheetIsReportedBlankAndNeedsNoOne) {
  // A scanned cover sheet: grey paper with scanner noise and a few specks, nothing written.
  const std::string path =
      (std::filesystem::temp_directory_path() / "purr_blank_sheet.png").string();
  {
    Pix* pix = pixCreate(2480, 3508, 8);
    pixSetAllArbitrary(pix, 236);
    unsigned seed = 7;
    for (int i = 0; i < 4000; ++i) {
      seed = seed * 1103515245u + 12345u;
      const int x = static_cast<int>((seed >> 8) % 2480);
      seed = seed * 1103515245u + 12345u;
      const int y = static_cast<int>((seed >> 8) % 3508);
      pixSetPixel(pix, x, y, 120 + (seed >> 4) % 80);
    }
    pixSetResolution(pix, 300, 300);
    ASSERT_EQ(pixWrite(path.c_str(), pix, IFF_PNG), 0);
    pixDestroy(&pix);
  }
  const Reading reading = ReadAll(purr::testing::SharedEngine(), path);
  const std::string& text = reading.text;
  const std::vector<PageResult>& results = reading.pages;
  std::filesystem::remove(path);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].blank) << text;
  EXPECT_EQ(results[0].confidence, 0);
  EXPECT_TRUE(text.empty());
  EXPECT_TRUE(ReadDoubt(results[0]).empty());
  bool says_blank = false;
  for (const std::string& w : results[0].warnings) says_blank |= w.find("blank") != std::string::npos;
  EXPECT_TRUE(says_blank);
}

// Pages no scanner makes: the measuring, bed-painting and orientation steps must neither
// crash nor hang on them, and each page ends read or failed with a reason.
TEST(RealScansTest, DegeneratePagesEndReadOrFailedWithAReason) {
  struct Shape {
    const char* name;
    int width, height, depth;
    unsigned value;
  };
  const Shape shapes[] = {
      {"one_pixel", 1, 1, 8, 255},     {"a_strip", 6000, 4, 8, 0},
      {"a_column", 3, 5000, 8, 0},     {"all_black", 1200, 1600, 8, 0},
      {"all_black_bilevel", 1700, 2300, 1, 1}, {"all_white_bilevel", 1700, 2300, 1, 0},
  };
  const purr::testing::ScratchDir dir;
  for (const Shape& shape : shapes) {
    const std::string path = dir.Path(std::string(shape.name) + ".png");
    Pix* pix = pixCreate(shape.width, shape.height, shape.depth);
    pixSetAllArbitrary(pix, shape.value);
    ASSERT_EQ(pixWrite(path.c_str(), pix, IFF_PNG), 0) << shape.name;
    pixDestroy(&pix);
    auto doc = Document::Open(path, Limits());
    ASSERT_TRUE(doc.ok()) << shape.name << ": " << doc.status().ToString();
    const PageResult page = purr::testing::SharedEngine().RecognizePage(*doc, 1);
    if (page.status.ok()) {
      EXPECT_GE(page.confidence, 0) << shape.name;
    } else {
      EXPECT_NE(page.status.message().find("page 1"), std::string::npos)
          << shape.name << ": " << page.status.ToString();
    }
    // Nothing on these pages is text: none may come back as a confident read.
    if (!page.text.empty()) {
      EXPECT_LT(page.confidence, kLowReadConfidence) << shape.name << ": " << page.text;
    }
  }
}

}  // namespace
}  // namespace purr::ocr
