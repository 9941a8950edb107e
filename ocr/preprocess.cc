#include "ocr/preprocess.h"

#include <leptonica/allheaders.h>

#include <chrono>
#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

namespace purr::ocr {
namespace {

constexpr int kTargetDpi = 300;
// Where pixBackgroundNormSimple puts the background (Leptonica's DEFAULT_BG_VAL).
constexpr int kNormalizedPaper = 200;
// Leptonica's own thresholds for trusting a skew measurement.
constexpr float kMinSkewConfidence = 3.0f;
constexpr float kMinSkewDegrees = 0.1f;
// Orientation decision thresholds. Leptonica suggests a ratio of 2.5; upright letters of a
// few lines measured 2.3 (up 23.9 against 10.3), rotated pages 2.5 and more, so 2.0 keeps
// short upright letters away from the ten-times dearer Tesseract OSD.
constexpr float kMinUpConfidence = 8.0f;
constexpr float kMinOrientRatio = 2.0f;
// Text size. The x-height (height of "x", "n", "o") of 10-11 pt type at 300 dpi is about 20
// pixels; Tesseract reads x-heights of 15 to 34 pixels equally well (the committed clean,
// JPEG and low-contrast pages have 19-20), less well below. A page whose measured x-height
// is outside that band is scaled to kTargetXHeight, whatever resolution its file states: a
// 175 dpi archive scan labelled 300 dpi is enlarged, a 240 dpi scan labelled 72 dpi is not
// blown up four times.
constexpr double kReferenceXHeight = 20.0;
constexpr int kMinXHeight = 15;
constexpr int kMaxXHeight = 34;
constexpr double kTargetXHeight = 21.0;
// Fewer letter-sized components than this and the x-height is not measured (the stated
// resolution, or the A4 estimate, decides).
constexpr int kMinComponentsForXHeight = 40;
constexpr float kMaxUpscale = 4.0f;
// Enlarging stops at this many pixels (an A4 page at 600 dpi is 35 Mpx): a large scan of
// tiny text must not grow past what a page needs in memory (100 Mpx x 16 = 1.6 GB).
constexpr double kMaxScaledPixels = 50e6;
// Background normalisation: pixels darker than the ink threshold are not paper; Leptonica's
// default is 60, the page's own split is used up to kMaxInkThreshold.
constexpr l_int32 kDefaultInkThreshold = 60;
constexpr l_int32 kMaxInkThreshold = 200;
// Smaller "x-heights" are indistinguishable from speckle (7 px: about 105 dpi).
constexpr int kMinMeasurableXHeight = 7;

class StageClock {
 public:
  explicit StageClock(std::vector<StageTime>* out) : out_(out), start_(Now()) {}
  void Lap(const char* stage) {
    auto now = Now();
    out_->push_back({stage, std::chrono::duration<double, std::milli>(now - start_).count()});
    start_ = now;
  }

 private:
  static std::chrono::steady_clock::time_point Now() { return std::chrono::steady_clock::now(); }
  std::vector<StageTime>* out_;
  std::chrono::steady_clock::time_point start_;
};

PixPtr ToGrey(Pix* pix) {
  PixPtr flat;
  if (pixGetDepth(pix) == 32 && pixGetSpp(pix) == 4) {
    // Transparent areas of an RGBA scan are paper, not ink.
    flat.reset(pixAlphaBlendUniform(pix, 0xffffff00));
    pix = flat.get();
  }
  return PixPtr(pixConvertTo8(pix, 0));
}

// The grey level that splits an 8 bpp page into ink and paper (Otsu, on a histogram of
// every `subsample`-th pixel in each direction); nullopt when it cannot be found.
std::optional<l_int32> InkPaperSplit(Pix* grey, int subsample) {
  Numa* histogram = pixGetGrayHistogram(grey, subsample);
  if (!histogram) return std::nullopt;
  l_int32 split = 0;
  const bool found = numaSplitDistribution(histogram, 0.1f, &split, nullptr, nullptr, nullptr,
                                           nullptr, nullptr) == 0;
  numaDestroy(&histogram);
  if (!found) return std::nullopt;
  return split;
}

// Binarises a background-normalised page with one Otsu threshold for the whole page, found
// from a subsampled histogram (Leptonica's tiled Otsu costs ten times more here and gains
// nothing once the background is flat).
PixPtr Binarize(Pix* normalized) {
  const std::optional<l_int32> split = InkPaperSplit(normalized, 2);
  if (!split) return nullptr;
  // Keep the threshold where text can be: a blank page's noise must not become ink.
  const l_int32 threshold = std::clamp<l_int32>(*split, 60, 190);
  return PixPtr(pixThresholdToBinary(normalized, threshold));
}

// Flattens the paper to kNormalizedPaper. Leptonica estimates the paper's grey per tile
// from the pixels lighter than a threshold; its default (60) takes faint ink (a worn
// ribbon, an old newspaper: grey 120-170) for paper, so normalisation erases the very
// strokes that were hard to see. The threshold here is the page's own split between ink
// and paper, found on its histogram.
PixPtr NormalizeBackground(Pix* grey) {
  const std::optional<l_int32> split = InkPaperSplit(grey, 4);
  const l_int32 threshold =
      split ? std::clamp<l_int32>(*split, kDefaultInkThreshold, kMaxInkThreshold)
            : kDefaultInkThreshold;
  return PixPtr(pixBackgroundNorm(grey, nullptr, nullptr, 10, 15, threshold, 40,
                                  kNormalizedPaper, 2, 1));
}

// Paints a dark scanner bed (and the shadow of the page's edge) with the paper's grey: the
// large dark regions connected to the image's border. Found on a copy reduced four times:
// what survives an opening of 7x7 there (28 pixels at full size) is no pen or typewriter
// stroke. Returns how much of the page was painted (0 to 1); a region over half of the
// image is not a bed (a dark photograph, a negative) and is left alone.
double CleanScannerBed(Pix* grey) {
  const int w = pixGetWidth(grey), h = pixGetHeight(grey);
  if (w < 200 || h < 200) return 0;
  PixPtr small(pixScaleAreaMap(grey, 0.25f, 0.25f));
  if (!small) return 0;
  // Beds are near black; paper, even yellowed or shaded, is far lighter.
  PixPtr dark(pixThresholdToBinary(small.get(), 90));
  if (!dark) return 0;
  PixPtr solid(pixOpenBrick(nullptr, dark.get(), 7, 7));
  if (!solid) return 0;
  PixPtr bed(pixExtractBorderConnComps(solid.get(), 8));
  if (!bed) return 0;
  l_int32 bed_pixels = 0;
  pixCountPixels(bed.get(), &bed_pixels, nullptr);
  const double share = static_cast<double>(bed_pixels) /
                       (static_cast<double>(pixGetWidth(bed.get())) * pixGetHeight(bed.get()));
  if (bed_pixels == 0 || share > 0.5) return 0;
  // The page edge's shadow and the JPEG ringing around it: grow the bed a little.
  PixPtr grown(pixDilateBrick(nullptr, bed.get(), 5, 5));
  if (!grown) return 0;
  // The paper's grey: a high rank of what is not bed (text is darker and rarer).
  PixPtr paper_mask(pixInvert(nullptr, grown.get()));
  l_float32 paper = 255;
  if (!paper_mask || pixGetRankValueMasked(small.get(), paper_mask.get(), 0, 0, 1, 0.8f,
                                           &paper, nullptr) != 0) {
    paper = 255;
  }
  PixPtr full(pixExpandBinaryReplicate(grown.get(), 4, 4));
  if (!full) return 0;
  // The expanded mask may overhang the page by up to three pixels; pixSetMasked aligns it
  // at the top left and clips.
  pixSetMasked(grey, full.get(), static_cast<l_uint32>(paper));
  return share;
}

// The x-height of the page's text in pixels: the most common height of letter-sized
// connected components (lower-case letters without ascenders outnumber all others), or 0
// when the page has too few of them to tell.
int MeasureXHeight(Pix* binary) {
  Boxa* boxes = pixConnCompBB(binary, 8);
  if (!boxes) return 0;
  const int max_h = std::max(8, pixGetHeight(binary) / 20);
  std::vector<int> count(static_cast<size_t>(max_h) + 2, 0);
  int letters = 0;
  const int n = boxaGetCount(boxes);
  for (int i = 0; i < n; ++i) {
    l_int32 x, y, w, h;
    boxaGetBoxGeometry(boxes, i, &x, &y, &w, &h);
    // Letters are about as wide as high; rules, dashes and joined words are not.
    if (h < 5 || h > max_h || w < 2 || w > 2 * h || 3 * w < h) continue;
    ++count[static_cast<size_t>(h)];
    ++letters;
  }
  boxaDestroy(&boxes);
  if (letters < kMinComponentsForXHeight) return 0;
  // The mode over a window of three heights, so that 19 and 20 count together.
  auto window = [&count, max_h](int h) {
    int c = 0;
    for (int k = h - 1; k <= h + 1; ++k) {
      if (k >= 5 && k <= max_h) c += count[static_cast<size_t>(k)];
    }
    return c;
  };
  int best = 0, best_count = 0;
  for (int h = kMinMeasurableXHeight; h <= max_h; ++h) {
    if (window(h) > best_count) {
      best_count = window(h);
      best = h;
    }
  }
  // Text has a peak: far fewer components a few pixels below and above its x-height.
  // Speckle, halftone and the texture of a picture fall off from the smallest size up,
  // and say nothing about the text's size.
  if (best_count < kMinComponentsForXHeight / 2) return 0;
  if (best_count < 2 * std::max(window(best - 3), window(best + 3))) return 0;
  return best;
}

// Removes connected components no larger than 2x2 pixels at 300 dpi: scanner dust and fax
// noise. Full stops and i-dots are larger.
PixPtr Despeckle(Pix* binary) {
  return PixPtr(pixSelectBySize(binary, 2, 2, 8, L_SELECT_IF_EITHER, L_SELECT_IF_GT, nullptr));
}

int CountGlyphs(Pix* binary) {
  Boxa* boxes = pixConnCompBB(binary, 8);
  if (!boxes) return 0;
  int glyphs = 0;
  const int n = boxaGetCount(boxes);
  for (int i = 0; i < n; ++i) {
    l_int32 x, y, w, h;
    boxaGetBoxGeometry(boxes, i, &x, &y, &w, &h);
    // Letters at 10-14 pt, 300 dpi: 15-60 px high. Accents and i-dots are not counted.
    if (h >= 15 && h <= 90 && w >= 3 && w <= 120) ++glyphs;
  }
  boxaDestroy(&boxes);
  return glyphs;
}

// Clockwise rotation of the scan (0, 90, 180, 270), or nullopt when unsure.
std::optional<int> DetectOrientation(Pix* binary) {
  l_float32 upconf = 0, leftconf = 0;
  if (pixOrientDetect(binary, &upconf, &leftconf, 0, 0) != 0) return std::nullopt;
  l_int32 orient = L_TEXT_ORIENT_UNKNOWN;
  makeOrientDecision(upconf, leftconf, kMinUpConfidence, kMinOrientRatio, &orient, 0);
  switch (orient) {
    case L_TEXT_ORIENT_UP: return 0;
    case L_TEXT_ORIENT_RIGHT: return 90;   // text's top points right: turned clockwise
    case L_TEXT_ORIENT_DOWN: return 180;
    case L_TEXT_ORIENT_LEFT: return 270;
    default: return std::nullopt;
  }
}

}  // namespace

PixPtr UnrotatePage(Pix* pix, int degrees) {
  switch (degrees) {
    case 90: return PixPtr(pixRotate90(pix, -1));
    case 180: return PixPtr(pixRotate180(nullptr, pix));
    case 270: return PixPtr(pixRotate90(pix, 1));
    default: return PixPtr(pixCopy(nullptr, pix));
  }
}

std::vector<std::pair<int, int>> FindTextLines(Pix* binary) {
  std::vector<std::pair<int, int>> lines;
  Numa* rows = pixCountPixelsByRow(binary, nullptr);
  if (!rows) return lines;
  const int n = numaGetCount(rows);
  const int min_ink = std::max(3, pixGetWidth(binary) / 400);
  int start = -1;
  for (int y = 0; y <= n; ++y) {
    l_int32 ink = 0;
    if (y < n) numaGetIValue(rows, y, &ink);
    if (ink >= min_ink && start < 0) start = y;
    if ((ink < min_ink || y == n) && start >= 0) {
      if (y - start >= 8) lines.emplace_back(start, y);
      start = -1;
    }
  }
  numaDestroy(&rows);
  return lines;
}

namespace {

// The factor to scale a page by, from its text's measured x-height (out->x_height) or,
// when that is unknown, its stated or estimated resolution (out->dpi). Sets out->dpi to
// the resolution after scaling and out->measured_dpi to the text's.
float ScaleFactor(const PreprocessOptions& options, const Pix* page, PreparedPage* out) {
  float factor = 1.0f;
  if (out->x_height > 0) {
    out->measured_dpi = static_cast<int>(kTargetDpi * out->x_height / kReferenceXHeight + 0.5);
  }
  // A fax states its resolution truly (200 or 204 x 196 dpi) and its bilevel letters read
  // best enlarged to 300 dpi: the stated resolution decides when the text agrees with it
  // (12 fax pages: 0.19% CER, against 0.27-0.31% when scaled by the x-height alone).
  const bool stated_agrees = out->bilevel && out->stated_dpi > 0 && out->measured_dpi > 0 &&
                             out->measured_dpi * 2 <= out->stated_dpi * 3 &&
                             out->stated_dpi * 2 <= out->measured_dpi * 3;
  if (out->x_height > 0 && !stated_agrees) {
    if (out->x_height < kMinXHeight || out->x_height > kMaxXHeight) {
      factor = static_cast<float>(kTargetXHeight / out->x_height);
    }
    out->dpi = out->measured_dpi;
  } else if (out->dpi < options.min_dpi || out->dpi > options.max_dpi) {
    factor = static_cast<float>(kTargetDpi) / static_cast<float>(out->dpi);
  }
  factor = std::min(factor, kMaxUpscale);
  const double pixels = static_cast<double>(pixGetWidth(page)) * pixGetHeight(page);
  if (factor > 1.0f && pixels * factor * factor > kMaxScaledPixels) {
    factor = std::max(1.0f, static_cast<float>(std::sqrt(kMaxScaledPixels / pixels)));
  }
  out->dpi = std::clamp(static_cast<int>(out->dpi * factor + 0.5), 70, 1200);
  return factor;
}

}  // namespace

Result<PreparedPage> Preprocess(PixPtr page, int file_dpi, const PreprocessOptions& options) {
  PreparedPage out;
  StageClock clock(&out.stages);

  // A bilevel scan (a fax) is measured as it is, and scaled before anything else: its
  // smoothed enlargement, normalised and thresholded again, reads better than the same
  // enlargement of an already normalised page (12 fax pages: 0.19% CER against 0.31%).
  out.bilevel = pixGetDepth(page.get()) == 1;
  if (out.bilevel) out.x_height = MeasureXHeight(page.get());
  PixPtr grey = ToGrey(page.get());
  page.reset();
  if (!grey) return Status::InvalidInput("image cannot be converted to grey");
  clock.Lap("grey");

  out.stated_dpi = file_dpi > 0 ? file_dpi : 0;
  out.dpi = file_dpi > 0 ? file_dpi : kTargetDpi;
  // A stated resolution that makes the page far larger or smaller than a letter is wrong
  // (a 72 dpi header on a 240 dpi scan would mean a page 28 inches wide): take the
  // resolution at which the short side is A4's 8.27 inches instead. Used when the text's
  // own size cannot be measured. A file that states nothing may be a clipping of any
  // size, and is taken at 300 dpi.
  if (file_dpi > 0) {
    const int short_px = std::min(pixGetWidth(grey.get()), pixGetHeight(grey.get()));
    const double short_in = static_cast<double>(short_px) / out.dpi;
    if (short_in > 14.0 || short_in < 3.0) {
      const int estimated = static_cast<int>(short_px / 8.27 + 0.5);
      if (estimated >= 100 && estimated <= 1200) out.dpi = estimated;
    }
  }
  out.bed_share = CleanScannerBed(grey.get());
  clock.Lap("border");

  if (out.bilevel) {
    out.scale = ScaleFactor(options, grey.get(), &out);
    if (out.scale != 1.0f) {
      grey.reset(pixScale(grey.get(), out.scale, out.scale));
      if (!grey) return Status::InvalidInput("image cannot be rescaled");
    }
    clock.Lap("scale");
  }
  PixPtr normalized = NormalizeBackground(grey.get());
  out.paper = kNormalizedPaper;
  if (!normalized) {
    normalized = std::move(grey);
    out.paper = 255;
  }
  grey.reset();
  PixPtr binary = Binarize(normalized.get());
  if (!binary) return Status::InvalidInput("image cannot be binarised");
  clock.Lap("binarize");

  if (!out.bilevel) {
    // A grey page is measured on its binarisation, and its normalised image scaled.
    out.x_height = MeasureXHeight(binary.get());
    out.scale = ScaleFactor(options, normalized.get(), &out);
    if (out.scale != 1.0f) {
      normalized.reset(pixScale(normalized.get(), out.scale, out.scale));
      if (!normalized) return Status::InvalidInput("image cannot be rescaled");
      binary = Binarize(normalized.get());
      if (!binary) return Status::InvalidInput("image cannot be binarised after scaling");
    }
    clock.Lap("scale");
  }

  std::optional<int> rotation = DetectOrientation(binary.get());
  if (!rotation && options.orientation_fallback) {
    rotation = options.orientation_fallback(binary.get());
    out.rotation_by_fallback = rotation.has_value();
  }
  out.rotation = rotation.value_or(0);
  if (out.rotation != 0 && options.orientation_check) {
    out.rotation = options.orientation_check(binary.get(), out.dpi, out.rotation);
    if (out.rotation == 0) out.rotation_by_fallback = false;
  }
  if (out.rotation != 0) {
    normalized = UnrotatePage(normalized.get(), out.rotation);
    binary = UnrotatePage(binary.get(), out.rotation);
  }
  clock.Lap("orient");

  l_float32 angle = 0, conf = 0;
  if (pixFindSkew(binary.get(), &angle, &conf) == 0 && conf >= kMinSkewConfidence &&
      std::fabs(angle) >= kMinSkewDegrees) {
    constexpr float kRadiansPerDegree = 3.14159265f / 180.0f;
    normalized.reset(pixRotate(normalized.get(), angle * kRadiansPerDegree, L_ROTATE_AREA_MAP,
                               L_BRING_IN_WHITE, 0, 0));
    if (!normalized) return Status::Internal("deskew rotation failed");
    binary = Binarize(normalized.get());
    if (!binary) return Status::InvalidInput("image cannot be binarised after deskew");
    out.skew = angle;
  }
  clock.Lap("deskew");

  PixPtr clean = Despeckle(binary.get());
  if (clean) binary = std::move(clean);
  pixSetResolution(binary.get(), out.dpi, out.dpi);
  pixSetResolution(normalized.get(), out.dpi, out.dpi);
  out.ink_glyphs = CountGlyphs(binary.get());
  clock.Lap("despeckle");

  out.grey = std::move(normalized);
  out.binary = std::move(binary);
  return out;
}

}  // namespace purr::ocr
