// Reading a scan the way the accuracy tests do: every page with one engine, the pages'
// texts joined, each page's result kept; and the transcription beside a scan.
#ifndef PURR_TESTS_OCR_READING_H_
#define PURR_TESTS_OCR_READING_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "ocr/ocr.h"

namespace purr::testing {

// NAME.gt.txt beside NAME.<ext>.
inline std::string GroundTruthFor(const std::string& scan) {
  std::filesystem::path p(scan);
  return (p.parent_path() / (p.stem().string() + ".gt.txt")).string();
}

struct Reading {
  std::string text;  // the pages' texts, a form feed between pages
  std::vector<ocr::PageResult> pages;
};

// Reads every page of `path`; a file that does not open or a page that fails is a test
// failure (and the page's text is empty).
inline Reading ReadAll(ocr::Engine& engine, const std::string& path) {
  Reading out;
  auto doc = ocr::Document::Open(path, ocr::Limits());
  EXPECT_TRUE(doc.ok()) << doc.status().ToString();
  if (!doc.ok()) return out;
  for (int p = 1; p <= doc->page_count(); ++p) {
    ocr::PageResult page = engine.RecognizePage(*doc, p);
    EXPECT_TRUE(page.status.ok()) << page.status.ToString();
    if (p > 1) out.text += "\n\f\n";
    out.text += page.text;
    out.pages.push_back(std::move(page));
  }
  return out;
}

}  // namespace purr::testing

#endif  // PURR_TESTS_OCR_READING_H_
