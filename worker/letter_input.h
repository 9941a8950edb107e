// Reads one letter file for `purr classify` / `purr eval` as UTF-8 text: plain text (UTF-8,
// or Windows-1252 when it is not valid UTF-8), anything `purr ocr` reads (found by content,
// OCR'd page by page), or an e-mail (.eml / RFC 5322 headers; text body, .txt attachments,
// and image or PDF attachments OCR'd and appended as further pages).
//
// Not thread-safe: a LetterReader holds one OCR engine, created on first use. An e-mail's
// image and PDF attachments are OCR'd from memory (ocr::Document::OpenBytes); nothing is
// written to disk.
#ifndef PURR_WORKER_LETTER_INPUT_H_
#define PURR_WORKER_LETTER_INPUT_H_

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "ocr/ocr.h"

namespace purr {

struct LetterPage {
  std::string text;
  double confidence = -1;  // OCR's mean word confidence 0-100; -1 for text not OCR'd
  // For an OCR'd page, when the reader's engine options ask for them: the words as a JSON
  // array of [x, y, width, height, "text"] in the normalised page's pixels (width x height),
  // and that page as a grey PNG, `image_scale` PNG pixels per page pixel.
  std::string words_json;
  std::string png;
  int width = 0, height = 0;
  double image_scale = 0;
};

struct LetterText {
  std::string text;
  std::string kind;  // "text", "scan" or "email"
  std::vector<std::string> warnings;
  // What `text` was made of: each OCR'd page (of a scan or an attachment) with its
  // confidence, and the text parts of an e-mail or a text file as one page each.
  std::vector<LetterPage> pages;
  int ocr_pages = 0;  // pages that went through OCR
  // Pages whose text a person should check (ocr::ReadDoubt): read with low confidence, or
  // with ink but nothing recognised. Blank pages are not among them.
  std::vector<std::string> ocr_doubts;
};

struct LetterReaderOptions {
  int64_t max_text_bytes = 4 << 20;  // larger text files are refused
  ocr::Limits ocr_limits;
  ocr::EngineOptions engine;
};

class LetterReader {
 public:
  explicit LetterReader(LetterReaderOptions options);
  ~LetterReader();
  LetterReader(const LetterReader&) = delete;
  LetterReader& operator=(const LetterReader&) = delete;

  // Creates the OCR engine now rather than at the first scan (a daemon's worker does this
  // before it takes work, so the first letter's latency is not the engine's start-up).
  Status Warm();

  // Fails for an unreadable, empty, binary (and not image/PDF) or oversized file, with a
  // message naming the file.
  Result<LetterText> Read(const std::string& path);

 private:
  Result<std::string> Ocr(const ocr::Document& doc, LetterText* letter);
  Result<std::string> OcrBytes(std::string bytes, std::string name, LetterText* letter);
  Result<LetterText> ReadEmail(const std::string& path, const std::string& bytes);

  LetterReaderOptions options_;
  std::unique_ptr<ocr::Engine> engine_;
};

// Text bytes as UTF-8: valid UTF-8 is kept; anything else is read as Windows-1252.
// Fails for binary data (NUL bytes or mostly control characters).
Result<std::string> DecodeText(const std::string& bytes, bool* converted);

}  // namespace purr

#endif  // PURR_WORKER_LETTER_INPUT_H_
