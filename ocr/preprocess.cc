#include "ocr/preprocess.h"

#include <leptonica/allheaders.h>

#include <chrono>
#include <algorithm>
#include <cmath>
#include <utility>

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

// Binarises a background-normalised page with one Otsu threshold for the whole page, found
// from a subsampled histogram (Leptonica's tiled Otsu costs ten times more here and gains
// nothing once the background is flat).
PixPtr Binarize(Pix* normalized) {
  Numa* histogram = pixGetGrayHistogram(normalized, 2);
  if (!histogram) return nullptr;
  l_int32 split = 128;
  numaSplitDistribution(histogram, 0.1f, &split, nullptr, nullptr, nullptr, nullptr, nullptr);
  numaDestroy(&histogram);
  // Keep the threshold where text can be: a blank page's noise must not become ink.
  const l_int32 threshold = std::clamp<l_int32>(split, 60, 190);
  return PixPtr(pixThresholdToBinary(normalized, threshold));
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

// Undoes a clockwise rotation of `degrees`.
PixPtr Unrotate(Pix* pix, int degrees) {
  switch (degrees) {
    case 90: return PixPtr(pixRotate90(pix, -1));
    case 180: return PixPtr(pixRotate180(nullptr, pix));
    case 270: return PixPtr(pixRotate90(pix, 1));
    default: return PixPtr(pixCopy(nullptr, pix));
  }
}

}  // namespace

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

Result<PreparedPage> Preprocess(PixPtr page, int file_dpi, const PreprocessOptions& options) {
  PreparedPage out;
  StageClock clock(&out.stages);

  PixPtr grey = ToGrey(page.get());
  page.reset();
  if (!grey) return Status::InvalidInput("image cannot be converted to grey");
  clock.Lap("grey");

  out.dpi = file_dpi > 0 ? file_dpi : kTargetDpi;
  // A stated resolution that makes the page far larger or smaller than a letter is wrong
  // (a 72 dpi header on a 240 dpi scan would mean a page 28 inches wide): take the
  // resolution at which the short side is A4's 8.27 inches instead.
  {
    const int short_px = std::min(pixGetWidth(grey.get()), pixGetHeight(grey.get()));
    const double short_in = static_cast<double>(short_px) / out.dpi;
    if (short_in > 14.0 || short_in < 3.0) {
      const int estimated = static_cast<int>(short_px / 8.27 + 0.5);
      if (estimated >= 100 && estimated <= 1200) out.dpi = estimated;
    }
  }
  if (out.dpi < options.min_dpi || out.dpi > options.max_dpi) {
    const float factor = static_cast<float>(kTargetDpi) / static_cast<float>(out.dpi);
    grey.reset(pixScale(grey.get(), factor, factor));
    if (!grey) return Status::InvalidInput("image cannot be rescaled");
    out.dpi = kTargetDpi;
  }
  pixSetResolution(grey.get(), out.dpi, out.dpi);
  clock.Lap("scale");

  PixPtr normalized(pixBackgroundNormSimple(grey.get(), nullptr, nullptr));
  out.paper = kNormalizedPaper;
  if (!normalized) {
    normalized = std::move(grey);
    out.paper = 255;
  }
  grey.reset();
  PixPtr binary = Binarize(normalized.get());
  if (!binary) return Status::InvalidInput("image cannot be binarised");
  clock.Lap("binarize");

  std::optional<int> rotation = DetectOrientation(binary.get());
  if (!rotation && options.orientation_fallback) {
    rotation = options.orientation_fallback(binary.get());
    out.rotation_by_fallback = rotation.has_value();
  }
  out.rotation = rotation.value_or(0);
  if (out.rotation != 0) {
    normalized = Unrotate(normalized.get(), out.rotation);
    binary = Unrotate(binary.get(), out.rotation);
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
