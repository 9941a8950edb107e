// Ownership of Leptonica images inside ocr/ (internal header).
#ifndef PURR_OCR_PIX_H_
#define PURR_OCR_PIX_H_

#include <memory>

struct Pix;

namespace purr::ocr {

struct PixDeleter {
  void operator()(Pix* pix) const;
};
// The one owner of a Pix. Leptonica's reference counting is not used across purr code.
using PixPtr = std::unique_ptr<Pix, PixDeleter>;

// Turns Leptonica's own error printing off (purr reports errors itself). Idempotent.
void QuietLeptonica();

}  // namespace purr::ocr

#endif  // PURR_OCR_PIX_H_
