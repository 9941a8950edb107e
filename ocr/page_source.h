// Decoding one page of a Document into pixels or text (internal header).
#ifndef PURR_OCR_PAGE_SOURCE_H_
#define PURR_OCR_PAGE_SOURCE_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "ocr/ocr.h"
#include "ocr/pix.h"

namespace purr::ocr {

// A decoded page: either pixels to recognise, or the text of a PDF page that has a real
// text layer (then `pix` is empty).
struct LoadedPage {
  PixPtr pix;
  std::string text_layer;
  int dpi = 0;  // from the file; 0 when the file does not say
  // What went wrong without stopping the page (a damaged image inside a PDF page).
  std::vector<std::string> warnings;
};

// Keeps the last PDF opened so that consecutive pages of one PDF do not re-parse it.
// One per thread (poppler documents are not thread-safe). A PDF page is read in a child
// process forked for it (poppler cannot be interrupted): past `budget` the child is killed
// and the page fails as timed out; a crash or a page over the memory allowance fails only
// that page.
class PageLoader {
 public:
  PageLoader();
  ~PageLoader();
  PageLoader(const PageLoader&) = delete;
  PageLoader& operator=(const PageLoader&) = delete;

  // REQUIRES: 1 <= page <= doc.page_count().
  Result<LoadedPage> Load(const Document& doc, int page,
                          std::chrono::milliseconds budget = std::chrono::seconds(60));

 private:
  struct PdfCache;
  std::unique_ptr<PdfCache> pdf_;
};

}  // namespace purr::ocr

#endif  // PURR_OCR_PAGE_SOURCE_H_
