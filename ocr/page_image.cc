#include "ocr/page_image.h"

#include <leptonica/allheaders.h>

#include <cmath>
#include <memory>

#include "ocr/pix.h"

namespace purr::ocr {
namespace {

// Sixteen grey levels read as well as 256 on a text page at screen size; the noise of a
// scanned or background-normalised page in the low bits is what PNG cannot compress
// (an A4 page of low contrast at 1240 px: 400 KB with all levels, 40 KB with sixteen).
constexpr int kGreyLevels = 16;
// zlib's default: level 9 took three times as long for 3% less.
constexpr int kZlibLevel = 6;

struct LeptFree {
  void operator()(l_uint8* data) const { lept_free(data); }
};

// An 8 bpp copy of `page` at most `max_width` wide.
PixPtr ScaledGrey(Pix* page, int max_width) {
  PixPtr grey(pixGetDepth(page) == 1 ? pixConvertTo8(page, 0) : pixCopy(nullptr, page));
  if (!grey || pixGetWidth(grey.get()) <= max_width) return grey;
  const float factor = static_cast<float>(max_width) / static_cast<float>(pixGetWidth(page));
  // No sharpening: it brings back the noise averaging removed and costs PNG bytes.
  return PixPtr(pixScaleGeneral(grey.get(), factor, factor, 0.0f, 0));
}

}  // namespace

Result<PageImage> EncodePageImage(Pix* page, int max_width, int paper) {
  PixPtr grey = ScaledGrey(page, max_width);
  if (!grey) return Status::Internal("page image cannot be scaled");
  if (paper < 255) pixGammaTRC(grey.get(), grey.get(), 1.0f, 0, paper);
  PixPtr posterised(pixThresholdOn8bpp(grey.get(), kGreyLevels, 0));
  if (!posterised) return Status::Internal("page image cannot be posterised");
  PageImage out;
  out.scale = static_cast<double>(pixGetWidth(posterised.get())) / pixGetWidth(page);
  const int dpi = static_cast<int>(std::lround(pixGetXRes(page) * out.scale));
  pixSetResolution(posterised.get(), dpi, dpi);
  pixSetZlibCompression(posterised.get(), kZlibLevel);
  l_uint8* raw = nullptr;
  size_t size = 0;
  if (pixWriteMemPng(&raw, &size, posterised.get(), 0.0f) != 0 || raw == nullptr) {
    return Status::Internal("page image cannot be encoded as PNG");
  }
  std::unique_ptr<l_uint8, LeptFree> data(raw);
  out.png.assign(reinterpret_cast<const char*>(data.get()), size);
  return out;
}

}  // namespace purr::ocr
