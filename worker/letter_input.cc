#include "worker/letter_input.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>

#include <Poco/JSON/Array.h>

#include <sstream>

#include "mail/message.h"
#include "worker/file_io.h"

namespace purr {
namespace {

namespace fs = std::filesystem;

LetterPage TextPage(const std::string& text) {
  LetterPage page;
  page.text = text;
  return page;
}

bool IsValidUtf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return false;
    }
    i += len;
  }
  return true;
}

// Windows-1252 0x80-0x9F; the rest of the upper half is Latin-1.
constexpr char16_t kCp1252[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

bool LooksBinary(const std::string& bytes) {
  size_t sample = std::min<size_t>(bytes.size(), 64 * 1024);
  size_t control = 0;
  for (size_t i = 0; i < sample; ++i) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c == 0) return true;
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') ++control;
  }
  return control * 20 > sample;  // over 5% control characters
}

bool LooksLikeEmail(const std::string& path, const std::string& bytes) {
  if (fs::path(path).extension() == ".eml") return true;
  static const char* kHeaders[] = {"Return-Path:", "Received:", "MIME-Version:", "Message-ID:",
                                   "Delivered-To:", "X-", "From:", "Date:"};
  bool header_start = false;
  for (const char* header : kHeaders) header_start |= bytes.rfind(header, 0) == 0;
  // A letter may start with "From:"; an e-mail also has a MIME or Message-ID header.
  return header_start && (bytes.find("\nMIME-Version:") != std::string::npos ||
                          bytes.find("\nMessage-ID:") != std::string::npos ||
                          bytes.find("\nReceived:") != std::string::npos ||
                          bytes.rfind("Received:", 0) == 0 || bytes.rfind("MIME-Version:", 0) == 0);
}

}  // namespace

Result<std::string> DecodeText(const std::string& bytes, bool* converted) {
  *converted = false;
  if (LooksBinary(bytes)) return Status::InvalidInput("binary data, not text, an image or a PDF");
  if (IsValidUtf8(bytes)) return bytes;
  *converted = true;
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (unsigned char c : bytes) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      AppendUtf8(c < 0xA0 ? kCp1252[c - 0x80] : c, &out);
    }
  }
  return out;
}

LetterReader::LetterReader(LetterReaderOptions options) : options_(std::move(options)) {}
LetterReader::~LetterReader() = default;

Status LetterReader::Warm() {
  if (engine_) return Status::Ok();
  Result<std::unique_ptr<ocr::Engine>> engine = ocr::Engine::Create(options_.engine);
  if (!engine.ok()) return engine.status();
  engine_ = std::move(*engine);
  return Status::Ok();
}

Result<std::string> LetterReader::Ocr(const ocr::Document& doc, LetterText* letter) {
  std::vector<std::string>* warnings = &letter->warnings;
  if (Status warm = Warm(); !warm.ok()) return warm;
  std::string text;
  int failed = 0;
  for (int page = 1; page <= doc.page_count(); ++page) {
    ocr::PageResult result = engine_->RecognizePage(doc, page);
    if (!result.status.ok()) {
      ++failed;
      warnings->push_back(result.status.message());
      continue;
    }
    if (std::string doubt = ocr::ReadDoubt(result); !doubt.empty()) {
      // An attachment is named (its file name); a scan's own path is the worker's.
      letter->ocr_doubts.push_back(letter->kind == "email" ? "attachment " + doc.path() + ": " + doubt
                                                           : doubt);
    }
    if (!text.empty()) text += "\n\n";
    text += result.text;
    LetterPage kept;
    kept.text = result.text;
    kept.confidence = result.confidence;
    if (!result.words.empty()) {
      Poco::JSON::Array words;
      for (const ocr::Word& w : result.words) {
        Poco::JSON::Array box;
        box.add(w.x);
        box.add(w.y);
        box.add(w.width);
        box.add(w.height);
        box.add(w.text);
        words.add(box);
      }
      std::ostringstream json;
      words.stringify(json);
      kept.words_json = json.str();
    }
    kept.png = std::move(result.page_png);
    kept.width = result.width;
    kept.height = result.height;
    kept.image_scale = result.page_image_scale;
    letter->pages.push_back(std::move(kept));
    ++letter->ocr_pages;
  }
  if (failed == doc.page_count()) {
    return Status::InvalidInput(doc.path() + ": no page could be read");
  }
  return text;
}

Result<std::string> LetterReader::OcrBytes(std::string bytes, std::string name,
                                           LetterText* letter) {
  Result<ocr::Document> doc =
      ocr::Document::OpenBytes(std::move(bytes), std::move(name), options_.ocr_limits);
  if (!doc.ok()) return doc.status();
  return Ocr(*doc, letter);
}

Result<LetterText> LetterReader::Read(const std::string& path) {
  Result<ocr::Document> doc = ocr::Document::Open(path, options_.ocr_limits);
  if (doc.ok()) {
    LetterText letter;
    letter.kind = "scan";
    Result<std::string> text = Ocr(*doc, &letter);
    if (!text.ok()) return text.status();
    letter.text = std::move(*text);
    return letter;
  }
  Result<std::string> bytes = ReadWholeFile(path, options_.max_text_bytes);
  if (!bytes.ok()) return bytes.status().WithContext(path);
  if (bytes->find_first_not_of(" \t\r\n\f\v") == std::string::npos) {
    return Status::InvalidInput(path + ": empty file");
  }
  if (LooksLikeEmail(path, *bytes)) return ReadEmail(path, *bytes);
  LetterText letter;
  letter.kind = "text";
  bool converted = false;
  Result<std::string> text = DecodeText(*bytes, &converted);
  if (!text.ok()) return text.status().WithContext(path);
  if (converted) letter.warnings.push_back("not valid UTF-8: read as Windows-1252");
  letter.text = std::move(*text);
  letter.pages.push_back(TextPage(letter.text));
  return letter;
}

// The subject leads (debtors often say it all there: "Emne: forældt"), then the body, then
// each attachment as a further page: text as it is, images and PDFs through OCR.
Result<LetterText> LetterReader::ReadEmail(const std::string& path, const std::string& bytes) {
  Result<mail::Message> message = mail::ParseMessage(bytes);
  if (!message.ok()) return message.status().WithContext(path);
  LetterText letter;
  letter.kind = "email";
  letter.warnings = message->warnings;
  std::string& text = letter.text;
  if (!message->subject.empty()) text += message->subject + "\n\n";
  text += message->text;
  letter.pages.push_back(TextPage(text));
  for (mail::Attachment& attachment : message->attachments) {
    const std::string& type = attachment.detected_type;
    std::string name = attachment.filename.empty() ? "(unnamed)" : attachment.filename;
    if (type == "text") {
      text += "\n\n" + attachment.text;
      letter.pages.push_back(TextPage(attachment.text));
    } else if (type == "pdf" || type == "tiff" || type == "png" || type == "jpeg") {
      Result<std::string> ocr = OcrBytes(std::move(attachment.bytes), name, &letter);
      if (ocr.ok()) {
        text += "\n\n" + *ocr;
      } else {
        letter.warnings.push_back("attachment " + name + " not read: " + ocr.status().message());
      }
    } else {
      letter.warnings.push_back("attachment " + name + " (" + attachment.mime_type + ") skipped");
    }
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Status::InvalidInput(path + ": e-mail without readable text");
  }
  return letter;
}

}  // namespace purr
