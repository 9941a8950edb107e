// Page preprocessing with Leptonica (internal header): grey, resolution, orientation, skew,
// background, binarisation, speckles. Each stage is timed.
#ifndef PURR_OCR_PREPROCESS_H_
#define PURR_OCR_PREPROCESS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "ocr/ocr.h"
#include "ocr/pix.h"

namespace purr::ocr {

struct PreprocessOptions {
  int min_dpi = 250;
  int max_dpi = 400;
  // Asked for the page's clockwise rotation (0, 90, 180, 270) when Leptonica's cheap
  // detector is unsure; receives the binarised page. Returns nullopt when it cannot tell
  // either. May be empty (then an unsure page is taken as upright).
  std::function<std::optional<int>(Pix* binary)> orientation_fallback;
};

struct PreparedPage {
  PixPtr grey;    // 8 bpp, upright, deskewed, background normalised, at `dpi`
  // Grey level of blank paper in `grey`: Leptonica's background normalisation brings it to
  // 200; 255 when normalisation failed and `grey` is the scan's own grey (paper unknown).
  int paper = 200;
  PixPtr binary;  // 1 bpp, same geometry, speckles removed
  int dpi = 300;
  int rotation = 0;  // clockwise rotation of the scan that was undone
  bool rotation_by_fallback = false;
  double skew = 0;   // degrees
  int ink_glyphs = 0;
  std::vector<StageTime> stages;
};

// Consumes `page`. Fails only when Leptonica cannot process the image at all.
Result<PreparedPage> Preprocess(PixPtr page, int file_dpi, const PreprocessOptions& options);

// Row ranges [top, bottom) of the text lines found in a 1 bpp page by horizontal projection.
std::vector<std::pair<int, int>> FindTextLines(Pix* binary);

}  // namespace purr::ocr

#endif  // PURR_OCR_PREPROCESS_H_
