// Test vocabulary for `purr batch`: a small archive of an agency's scanned
// letters, as a customer hands it over, built in a temporary folder from the
// committed fixtures.
//
// The archive holds nested year/month folders, a vendor's zip with folders
// inside, a multi-page TIFF, a scanned PDF (no text layer), a typed PDF (a text
// layer: a Norwegian dispute), single-page PNG/TIFF/JPEG scans, a truncated
// TIFF, an empty file, a notes file that is no scan, a hidden file, and the
// same bytes under a second name twice (once in a folder, once inside the zip).
// Every file and zip entry has a fixed modification time, so receipt dates, and
// therefore deadlines, are the same in every run.
//
// It stays small on purpose (10 pages to recognise): every `purr batch` run
// over it costs real Tesseract time.
#ifndef PURR_TESTS_WORKER_BATCH_ARCHIVE_H_
#define PURR_TESTS_WORKER_BATCH_ARCHIVE_H_

#include <string>
#include <vector>

namespace purr::testing {

// One document of the archive and what `purr batch` must report for it.
struct ExpectedDocument {
  // Relative to TestArchive::root, with "!/" after a zip: "2019/03/a.png",
  // "vendor.zip!/box 2/sub/b.tif".
  std::string path;
  std::string status;        // "done", "failed", "duplicate" or "skipped"
  std::string sha256;        // of the bytes, 64 lowercase hex digits
  int pages = 0;             // pages of a readable scan or PDF; 0 otherwise
  int ocr_pages = 0;         // of those, the pages Tesseract must read (no text layer)
  std::string duplicate_of;  // status "duplicate": the path first seen with these bytes
};

struct TestArchive {
  std::string root;  // the folder to give `purr batch` as SRC (absolute)
  // Every document a row of summary.csv must stand for, in byte order of path.
  std::vector<ExpectedDocument> documents;
  // Files under root that must not become rows at all (hidden entries).
  std::vector<std::string> hidden;
  // The typed PDF (a dispute of invoice 4471) and the sentence its text layer
  // shows.
  std::string typed_letter;
  std::string typed_text;

  // Pages that one complete, uninterrupted run recognises with Tesseract: the
  // OCR pages of every done document (a duplicate is not read again).
  int OcrPages() const;
  // The paths of the documents with `status`, in byte order.
  std::vector<std::string> PathsWith(const std::string& status) const;
  // The document at `path`, or null.
  const ExpectedDocument* Find(const std::string& path) const;
};

// Builds the archive in `dir`/archive (made if missing). REQUIRES: no "archive"
// in `dir` yet. A fixture that cannot be read or a file that cannot be written
// is a test failure (ADD_FAILURE), not an exception: the archive is then
// incomplete.
TestArchive MakeTestArchive(const std::string& dir);

}  // namespace purr::testing

#endif  // PURR_TESTS_WORKER_BATCH_ARCHIVE_H_
