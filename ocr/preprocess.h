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
  // Asked before a page is turned: receives the binarised page as scanned, its resolution
  // and the rotation found (90, 180 or 270), and returns the rotation to apply (0 keeps the
  // page as scanned). May be empty (then the rotation found is applied).
  std::function<int(Pix* binary, int dpi, int rotation)> orientation_check;
};

struct PreparedPage {
  PixPtr grey;    // 8 bpp, upright, deskewed, background normalised, at `dpi`
  // Grey level of blank paper in `grey`: Leptonica's background normalisation brings it to
  // 200; 255 when normalisation failed and `grey` is the scan's own grey (paper unknown).
  int paper = 200;
  PixPtr binary;  // 1 bpp, same geometry, speckles removed
  bool bilevel = false;  // the scan itself was 1 bpp (a fax): `grey` holds no more than `binary`
  int dpi = 300;         // resolution Tesseract is told: the text's, after any scaling
  int stated_dpi = 0;    // what the file says; 0 when it says nothing
  int measured_dpi = 0;  // the text's size as a resolution (x-height 20 px = 300); 0 unmeasured
  int x_height = 0;      // of the scan as loaded, in pixels; 0 when not measured
  float scale = 1.0f;    // factor the page was scaled by
  double bed_share = 0;  // share of the image that was dark scanner bed, painted as paper
  int rotation = 0;  // clockwise rotation of the scan that was undone
  bool rotation_by_fallback = false;
  double skew = 0;   // degrees
  int ink_glyphs = 0;
  std::vector<StageTime> stages;
};

// Consumes `page`. Fails only when Leptonica cannot process the image at all.
Result<PreparedPage> Preprocess(PixPtr page, int file_dpi, const PreprocessOptions& options);

// Undoes a clockwise rotation of `degrees` (0, 90, 180, 270) of any page image.
PixPtr UnrotatePage(Pix* pix, int degrees);

// Row ranges [top, bottom) of the text lines found in a 1 bpp page by horizontal projection.
std::vector<std::pair<int, int>> FindTextLines(Pix* binary);

}  // namespace purr::ocr

#endif  // PURR_OCR_PREPROCESS_H_
