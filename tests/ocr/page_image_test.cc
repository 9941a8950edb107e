// The normalised page as a PNG (EngineOptions::page_image_max_width): it decodes, keeps to
// its width bound and scale, and the word boxes, scaled, sit on the ink of the image.
#include <leptonica/allheaders.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

#include "ocr/ocr.h"
#include "ocr/page_image.h"
#include "ocr/pix.h"
#include "tests/ocr/shared_engine.h"
#include "tests/ocr/test_files.h"

namespace purr::ocr {
namespace {

using purr::testing::FirstMultipagePdf;
using purr::testing::FirstMultipageTiff;
using purr::testing::MakeTextPdf;
using purr::testing::Repo;
using purr::testing::ScratchDir;

constexpr int kReviewWidth = 1240;  // an A4 page at 150 dpi
// PNG grey levels below this are ink.
constexpr l_uint32 kInk = 160;

PixPtr DecodePng(const std::string& png) {
  return PixPtr(pixReadMem(reinterpret_cast<const l_uint8*>(png.data()), png.size()));
}

// A rectangle of PNG pixels, clipped to the image.
struct Rect {
  int x0, y0, x1, y1;  // [x0, x1) x [y0, y1)
};

Rect Clip(Rect r, Pix* pix) {
  return {std::max(0, r.x0), std::max(0, r.y0), std::min(pixGetWidth(pix), r.x1),
          std::min(pixGetHeight(pix), r.y1)};
}

// The PNG pixels covered by a word's box on the normalised page.
Rect Scaled(const Word& w, double scale) {
  return {static_cast<int>(std::floor(w.x * scale)), static_cast<int>(std::floor(w.y * scale)),
          static_cast<int>(std::ceil((w.x + w.width) * scale)),
          static_cast<int>(std::ceil((w.y + w.height) * scale))};
}

int CountInk(Pix* grey, Rect r) {
  r = Clip(r, grey);
  int ink = 0;
  for (int y = r.y0; y < r.y1; ++y) {
    for (int x = r.x0; x < r.x1; ++x) {
      l_uint32 v = 255;
      pixGetPixel(grey, x, y, &v);
      if (v < kInk) ++ink;
    }
  }
  return ink;
}

int Area(Rect r) { return std::max(0, r.x1 - r.x0) * std::max(0, r.y1 - r.y0); }

Rect Grown(Rect r, int by) { return {r.x0 - by, r.y0 - by, r.x1 + by, r.y1 + by}; }

// How well the words' boxes fit the ink of the PNG, over the words read with confidence.
struct Fit {
  int words = 0;
  int on_ink = 0;     // words whose box is at least 5% ink
  double inside = 0;  // ink inside the boxes / ink inside or within 3 px of them
};

Fit MeasureFit(const PageResult& page, Pix* png) {
  Fit fit;
  int inside = 0, near = 0;
  for (const Word& w : page.words) {
    if (w.confidence < 80 || w.text.size() < 3) continue;
    const Rect box = Clip(Scaled(w, page.page_image_scale), png);
    const int ink = CountInk(png, box);
    ++fit.words;
    if (ink * 20 >= Area(box)) ++fit.on_ink;
    inside += ink;
    near += CountInk(png, Grown(box, 3));
  }
  fit.inside = near > 0 ? static_cast<double>(inside) / near : 0;
  return fit;
}

struct Scan {
  const char* name;
  std::string path;
  int page;
};

void PrintTo(const Scan& scan, std::ostream* os) { *os << scan.name; }

class PageImageTest : public ::testing::TestWithParam<Scan> {
 protected:
  static void SetUpTestSuite() {
    EngineOptions options;
    options.words = true;
    options.page_image_max_width = kReviewWidth;
    auto created = Engine::Create(options);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    engine_ = std::move(created).value().release();
  }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }

  static Engine* engine_;
};

Engine* PageImageTest::engine_ = nullptr;

// Every format the engine reads, and the pages whose normalisation moves pixels the most.
INSTANTIATE_TEST_SUITE_P(
    Formats, PageImageTest,
    ::testing::Values(
        Scan{"png_300dpi", Repo("fixtures/scans/clean300/sv_001_bestrider_telekom.png"), 1},
        Scan{"jpeg_240dpi_rescaled",
             Repo("fixtures/scans/jpeg/nb_025_paid_complaint_reminder_fee.jpg"), 1},
        Scan{"tiff_g4_fax_200dpi",
             Repo("fixtures/scans/fax200/nb_033_lawyer_estate_proclamation.tif"), 1},
        Scan{"tiff_g4_multipage_page2", FirstMultipageTiff(), 2},
        Scan{"pdf_scan", FirstMultipagePdf(), 1},
        Scan{"rotated", Repo("fixtures/scans/rotated/nb_016_limitation_old_claim.png"), 1},
        Scan{"skewed", Repo("fixtures/scans/skew/sv_022_funderar_skuldsanering_avbetalning.png"),
             1}),
    [](const ::testing::TestParamInfo<Scan>& scan) { return std::string(scan.param.name); });

TEST_P(PageImageTest, PngIsTheNormalisedPageUnderTheWordBoxes) {
  auto doc = Document::Open(GetParam().path, Limits());
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  ASSERT_NE(engine_, nullptr);
  PageResult page = engine_->RecognizePage(*doc, GetParam().page);
  ASSERT_TRUE(page.status.ok()) << page.status.ToString();
  ASSERT_FALSE(page.page_png.empty());
  PixPtr png = DecodePng(page.page_png);
  ASSERT_NE(png, nullptr);
  EXPECT_EQ(pixGetDepth(png.get()), 8);
  EXPECT_EQ(pixGetWidth(png.get()), std::min(kReviewWidth, page.width));
  EXPECT_DOUBLE_EQ(page.page_image_scale,
                   static_cast<double>(pixGetWidth(png.get())) / page.width);
  EXPECT_NEAR(pixGetHeight(png.get()), page.height * page.page_image_scale, 1.0);
  EXPECT_LT(page.page_png.size(), 300u * 1024);

  const Fit fit = MeasureFit(page, png.get());
  ASSERT_GT(fit.words, 30);
  EXPECT_GE(fit.on_ink, fit.words * 95 / 100) << fit.on_ink << " of " << fit.words;
  // Boxes in the PNG's frame leave no ink just outside them (1.000 on every page here);
  // moved by 1.5 PNG pixels they left 2-9% of it outside, scaled 1% wrong 13-31%.
  EXPECT_GE(fit.inside, 0.98);
  std::printf("[ page_image ] %-24s %4dx%-4d  %6zu bytes  %d/%d words on ink, %.3f inside\n",
              GetParam().name, pixGetWidth(png.get()), pixGetHeight(png.get()),
              page.page_png.size(), fit.on_ink, fit.words, fit.inside);
}

TEST(PageImageOffTest, NoImageByDefault) {
  EXPECT_EQ(EngineOptions().page_image_max_width, 0);
  auto doc = Document::Open(Repo("fixtures/scans/clean300/sv_001_bestrider_telekom.png"), {});
  ASSERT_TRUE(doc.ok());
  PageResult page = purr::testing::SharedEngine().RecognizePage(*doc, 1);
  ASSERT_TRUE(page.status.ok()) << page.status.ToString();
  EXPECT_TRUE(page.page_png.empty());
  EXPECT_EQ(page.page_image_scale, 0);
  for (const StageTime& stage : page.stages) EXPECT_NE(stage.stage, "page_image");
}

// One cheap engine: a single model, no language detection.
std::unique_ptr<Engine> ImageEngine(int max_width) {
  EngineOptions options;
  options.languages = {"nor"};
  options.detect_language = false;
  options.page_image_max_width = max_width;
  auto created = Engine::Create(options);
  EXPECT_TRUE(created.ok()) << created.status().ToString();
  return created.ok() ? std::move(created).value() : nullptr;
}

TEST(PageImageWidthTest, NarrowPageIsNotUpscaled) {
  std::unique_ptr<Engine> engine = ImageEngine(5000);
  ASSERT_NE(engine, nullptr);
  auto doc =
      Document::Open(Repo("fixtures/scans/fax200/nb_033_lawyer_estate_proclamation.tif"), {});
  ASSERT_TRUE(doc.ok());
  PageResult page = engine->RecognizePage(*doc, 1);
  ASSERT_TRUE(page.status.ok()) << page.status.ToString();
  PixPtr png = DecodePng(page.page_png);
  ASSERT_NE(png, nullptr);
  EXPECT_EQ(pixGetWidth(png.get()), page.width);
  EXPECT_EQ(pixGetHeight(png.get()), page.height);
  EXPECT_EQ(page.page_image_scale, 1.0);
}

TEST(PageImageWidthTest, PdfTextLayerPageHasNoImage) {
  std::unique_ptr<Engine> engine = ImageEngine(kReviewWidth);
  ASSERT_NE(engine, nullptr);
  ScratchDir dir;
  auto doc = Document::Open(
      dir.Write("typed.pdf", MakeTextPdf("Jeg bestrider kravet i sak 2024-118734 fullt ut.")), {});
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  PageResult page = engine->RecognizePage(*doc, 1);
  ASSERT_TRUE(page.status.ok()) << page.status.ToString();
  EXPECT_EQ(page.source, "text_layer");
  EXPECT_TRUE(page.page_png.empty());
  EXPECT_EQ(page.page_image_scale, 0);
}

// EncodePageImage on its own, with pages drawn here: the 1 bpp input the engine falls back to
// and the paper level of a background-normalised grey page.

// A `w` x `h` page of `depth` bpp, paper `paper` (8 bpp) or white (1 bpp), with a black bar
// at x in [100, 300), y in [200, 240).
PixPtr DrawPage(int depth, int w, int h, int paper) {
  PixPtr pix(pixCreate(w, h, depth));
  if (depth == 8) pixSetAllArbitrary(pix.get(), paper);
  std::unique_ptr<Box, void (*)(Box*)> bar(boxCreate(100, 200, 200, 40),
                                           [](Box* b) { boxDestroy(&b); });
  pixSetInRectArbitrary(pix.get(), bar.get(), depth == 1 ? 1 : 0);
  pixSetResolution(pix.get(), 300, 300);
  return pix;
}

l_uint32 PixelAt(Pix* pix, int x, int y) {
  l_uint32 v = 0;
  pixGetPixel(pix, x, y, &v);
  return v;
}

TEST(EncodePageImageTest, BinaryPageBecomesGreyAtHalfWidth) {
  PixPtr page = DrawPage(1, 1000, 1400, 0);
  Result<PageImage> image = EncodePageImage(page.get(), 500, 255);
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_DOUBLE_EQ(image->scale, 0.5);
  PixPtr png = DecodePng(image->png);
  ASSERT_NE(png, nullptr);
  EXPECT_EQ(pixGetDepth(png.get()), 8);
  EXPECT_EQ(pixGetWidth(png.get()), 500);
  EXPECT_EQ(pixGetHeight(png.get()), 700);
  EXPECT_EQ(PixelAt(png.get(), 100, 110), 0u);    // the bar, at (200, 220) on the page
  EXPECT_EQ(PixelAt(png.get(), 100, 90), 255u);   // paper above it
  EXPECT_EQ(PixelAt(png.get(), 160, 110), 255u);  // paper beside it
  EXPECT_EQ(pixGetXRes(png.get()), 150);
}

TEST(EncodePageImageTest, NormalisedPaperBecomesWhiteAndInkStaysBlack) {
  PixPtr page = DrawPage(8, 800, 1000, 200);
  Result<PageImage> image = EncodePageImage(page.get(), 2000, 200);
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_EQ(image->scale, 1.0);
  PixPtr png = DecodePng(image->png);
  ASSERT_NE(png, nullptr);
  EXPECT_EQ(pixGetWidth(png.get()), 800);
  EXPECT_EQ(PixelAt(png.get(), 50, 50), 255u);
  EXPECT_EQ(PixelAt(png.get(), 150, 220), 0u);
  EXPECT_EQ(PixelAt(page.get(), 50, 50), 200u);  // the page itself is left alone
}

TEST(EncodePageImageTest, OddFactorKeepsWidthWithinTheBound) {
  PixPtr page = DrawPage(8, 2542, 3595, 200);  // a 200 dpi fax page rescaled to 300 dpi
  Result<PageImage> image = EncodePageImage(page.get(), 1240, 200);
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  PixPtr png = DecodePng(image->png);
  ASSERT_NE(png, nullptr);
  EXPECT_EQ(pixGetWidth(png.get()), 1240);
  EXPECT_DOUBLE_EQ(image->scale, 1240.0 / 2542);
  EXPECT_NEAR(pixGetHeight(png.get()), 3595 * image->scale, 1.0);
}

}  // namespace
}  // namespace purr::ocr
