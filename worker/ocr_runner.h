// Runs OCR over many files on a pool of threads, one ocr::Engine per thread.
//
// Pages, not files, are the unit of work, so one long document keeps every core busy and
// one slow page delays only its own document. Each thread holds one decoded page at a
// time: memory stays flat however many pages a document has.
#ifndef PURR_WORKER_OCR_RUNNER_H_
#define PURR_WORKER_OCR_RUNNER_H_

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "ocr/ocr.h"

namespace purr {

struct OcrJobOptions {
  ocr::EngineOptions engine;
  ocr::Limits limits;
  int threads = 0;  // 0: one per core
  // Searchable PDF / hOCR output: when `single_output` is set, `pdf_out`/`hocr_out` are the
  // exact file paths (one input); otherwise they are directories that receive
  // <input name>.pdf / .hocr. Documents with an output are recognised page by page in
  // order on one thread.
  std::string pdf_out;
  std::string hocr_out;
  bool single_output = false;
};

struct OcrOutcome {
  std::string file;
  std::string format;  // empty when the file could not be opened
  Status status;       // the file itself failed (open, limits, outputs)
  std::vector<ocr::PageResult> pages;
  int failed_pages() const;
};

// Calls `emit` once per file, in the order of `files`, as soon as that file and all files
// before it are done. `emit` runs on one thread at a time. Fails only when no engine can be
// created (e.g. a missing language model); then nothing is emitted.
Status RunOcrJob(const std::vector<std::string>& files, const OcrJobOptions& options,
                 const std::function<void(OcrOutcome&&)>& emit);

}  // namespace purr

#endif  // PURR_WORKER_OCR_RUNNER_H_
