#include "tests/ocr/test_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>
#include <vector>

namespace purr::testing {

ScratchDir::ScratchDir() {
  std::random_device rd;
  dir_ = std::filesystem::temp_directory_path() /
         ("purr-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(dir_);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string ScratchDir::Write(const std::string& name, const std::string& bytes) const {
  const std::string path = Path(name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string ScratchDir::Truncated(const std::string& name, const std::string& source,
                                  size_t keep) const {
  std::string bytes = ReadFile(source);
  bytes.resize(std::min(keep, bytes.size()));
  return Write(name, bytes);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;  // not an empty file in disguise
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string Repo(const std::string& relative) {
  return (std::filesystem::path(PURR_SOURCE_DIR) / relative).string();
}

std::string FirstMultipageTiff() {
  std::string first;
  for (const auto& entry : std::filesystem::directory_iterator(Repo("fixtures/scans/multipage"))) {
    const std::string path = entry.path().string();
    if (entry.path().extension() == ".tif" && (first.empty() || path < first)) first = path;
  }
  return first;
}

std::string FirstMultipagePdf() {
  return std::filesystem::path(FirstMultipageTiff()).replace_extension(".pdf").string();
}

std::string Conformance(const std::string& relative) {
  return (std::filesystem::path(PURR_SOURCE_DIR) / ".." / "shared" / "conformance" / relative)
      .lexically_normal()
      .string();
}

std::string MakeTextPdf(const std::string& text) {
  const std::string content = "BT /F1 12 Tf 72 720 Td (" + text + ") Tj ET";
  const std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
      "/Resources << /Font << /F1 5 0 R >> >> >>",
      "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content +
          "\nendstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  };
  return AssemblePdf(objects);
}

std::string AssemblePdf(const std::vector<std::string>& objects, const std::string& trailer) {
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
    pdf += line;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R" +
         (trailer.empty() ? "" : " " + trailer) + " >>\nstartxref\n" + std::to_string(xref) +
         "\n%%EOF\n";
  return pdf;
}

}  // namespace purr::testing
