// PNG and JPEG decoding with purr's own error handling (internal header).
//
// Leptonica decodes these through libpng and libjpeg with their default error handlers,
// which print "libpng error: ..." and "Premature end of JPEG file" on stderr: a line in the
// daemon's log that is not purr's and names no file. These decoders catch every message of
// both libraries and return it in the Status, so the caller can say which file and page.
#ifndef PURR_OCR_IMAGE_DECODE_H_
#define PURR_OCR_IMAGE_DECODE_H_

#include <cstdint>
#include <functional>
#include <string_view>

#include "common/status.h"
#include "ocr/pix.h"

namespace purr::ocr {

struct DecodedImage {
  PixPtr pix;   // 8 bpp grey or 32 bpp RGB; 1 bpp for a bilevel PNG
  int dpi = 0;  // from the file (PNG pHYs, JPEG JFIF density); 0 when it says nothing
};

// Called with the image's size once the header is read, before any pixel memory is taken;
// a Status that is not ok stops the decoding and is returned as it is.
using SizeCheck = std::function<Status(int64_t width, int64_t height)>;

// Errors are InvalidInput with the library's own words ("IDAT: invalid distance too far
// back", "Premature end of JPEG file (truncated)"), without a file name.
Result<DecodedImage> DecodePng(std::string_view bytes, const SizeCheck& check_size);
Result<DecodedImage> DecodeJpeg(std::string_view bytes, const SizeCheck& check_size);

}  // namespace purr::ocr

#endif  // PURR_OCR_IMAGE_DECODE_H_
