// The normalised page as a small PNG for people to look at (internal header).
#ifndef PURR_OCR_PAGE_IMAGE_H_
#define PURR_OCR_PAGE_IMAGE_H_

#include <string>

#include "common/status.h"

struct Pix;

namespace purr::ocr {

struct PageImage {
  std::string png;   // 8-bit grey PNG
  double scale = 0;  // PNG width / width of the page given; boxes map by multiplying
};

// Encodes `page` as an 8-bit grey PNG at most `max_width` pixels wide: downscaled by area
// averaging with one factor for both axes (so the PNG's height is the page's times `scale`,
// rounded), never upscaled. Grey levels at or above `paper` (blank paper in `page`) become
// white, darker ones are stretched to match and posterised to 16 levels, which keeps a
// noisy scan's PNG a few times smaller without hurting legibility. Does not modify `page`.
// REQUIRES: `page` is 1 or 8 bpp without a colormap; max_width > 0; 1 <= paper <= 255.
// Fails (with a reason, not naming the page) only when Leptonica cannot scale or encode it.
Result<PageImage> EncodePageImage(Pix* page, int max_width, int paper);

}  // namespace purr::ocr

#endif  // PURR_OCR_PAGE_IMAGE_H_
