// Test vocabulary for ocr/: scratch files and paths to the committed fixtures.
#ifndef PURR_TESTS_OCR_TEST_FILES_H_
#define PURR_TESTS_OCR_TEST_FILES_H_

#include <filesystem>
#include <string>
#include <vector>

namespace purr::testing {

// A fresh directory under the system temp dir, removed when the object goes.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  std::string Write(const std::string& name, const std::string& bytes) const;
  // Copies `source`, keeping only its first `keep` bytes.
  std::string Truncated(const std::string& name, const std::string& source, size_t keep) const;

 private:
  std::filesystem::path dir_;
};

std::string ReadFile(const std::string& path);
// Repository-rooted path, e.g. Repo("fixtures/scans").
std::string Repo(const std::string& relative);
// The shared conformance folder beside the checkout (../shared/conformance/...).
std::string Conformance(const std::string& relative);

// The first (by name) multi-page scanned letter in fixtures/scans/multipage, as TIFF, and
// the same letter as a scanned PDF.
std::string FirstMultipageTiff();
std::string FirstMultipagePdf();

// A minimal one-page PDF whose page shows `text` in Helvetica: a PDF with a real text layer.
std::string MakeTextPdf(const std::string& text);
// A PDF of these objects (numbered from 1, object 1 the catalog) with its cross-reference
// table; `trailer` adds entries to the trailer dictionary ("/Encrypt 6 0 R /ID [...]").
std::string AssemblePdf(const std::vector<std::string>& objects, const std::string& trailer = "");

}  // namespace purr::testing

#endif  // PURR_TESTS_OCR_TEST_FILES_H_
