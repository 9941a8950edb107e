// Fuzzes format sniffing, page counting and page decoding (Leptonica, libtiff, libpng,
// libjpeg, poppler) through purr's Document and PageLoader, opened from memory as an e-mail
// attachment is, then the page preprocessing (grey, scale, orientation and skew, background,
// binarisation, speckles) on every decoded page. No Tesseract: what it would read is
// covered by the OCR tests; this is what stands between hostile bytes and it.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>

#include "ocr/ocr.h"
#include "ocr/page_source.h"
#include "ocr/preprocess.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256 * 1024) return 0;
  purr::ocr::Limits limits;
  limits.max_pages = 4;
  limits.max_page_pixels = 500'000;  // keep each input fast (the seeds are 400x300)
  auto doc = purr::ocr::Document::OpenBytes(
      std::string(reinterpret_cast<const char*>(data), size), "fuzz-input", limits);
  if (!doc.ok()) return 0;
  purr::ocr::PageLoader loader;
  for (int page = 1; page <= doc->page_count(); ++page) {
    // A PDF page is read in a child process; 5 s keeps a page poppler cannot finish from
    // reaching the per-input timeout (and a PDF fuzz input costs a fork).
    auto loaded = loader.Load(*doc, page, std::chrono::seconds(5));
    if (!loaded.ok() || !loaded->pix) continue;
    auto prepared = purr::ocr::Preprocess(std::move(loaded->pix), loaded->dpi, {});
    if (prepared.ok() && (!prepared->grey || !prepared->binary)) std::abort();
  }
  return 0;
}
