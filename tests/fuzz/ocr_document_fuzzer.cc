// Fuzzes format sniffing, page counting and page decoding (Leptonica, libtiff, libpng,
// libjpeg, poppler) through purr's Document and PageLoader, opened from memory as an e-mail
// attachment is. No OCR: only what reads bytes.
#include <cstdint>
#include <string>

#include "ocr/ocr.h"
#include "ocr/page_source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256 * 1024) return 0;
  purr::ocr::Limits limits;
  limits.max_pages = 4;
  limits.max_page_pixels = 4'000'000;  // keep each input fast
  auto doc = purr::ocr::Document::OpenBytes(
      std::string(reinterpret_cast<const char*>(data), size), "fuzz-input", limits);
  if (!doc.ok()) return 0;
  purr::ocr::PageLoader loader;
  for (int page = 1; page <= doc->page_count(); ++page) {
    auto loaded = loader.Load(*doc, page);
    (void)loaded;
  }
  return 0;
}
