// purr ocr: scanned letters in, text out.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cmath>
#include <filesystem>
#include <iostream>

#include "worker/cli.h"
#include "worker/commands.h"
#include "worker/ocr_runner.h"

namespace purr {
namespace {

constexpr const char* kUsage =
    "purr ocr [--lang LANGS] [--json] [--words] [--pdf OUT.pdf] [--hocr OUT.hocr] "
    "[--deadline SECONDS] [--threads N] FILE...";

constexpr const char* kDescription =
    "Reads scanned letters (TIFF incl. multi-page fax G4, PNG, JPEG, PNM, WebP, BMP, GIF, "
    "JPEG 2000, PDF) and prints their text. The format is found from the content. Each page "
    "is scaled by the measured size of its text (not the resolution its file states), its "
    "scanner bed painted as paper, turned upright when sample lines read clearly better "
    "turned, deskewed and cleaned; its language is detected on a sample of lines, and it is "
    "read with that language's Tesseract model. A page with ink but no text read has "
    "confidence 0; one with no text-like ink is reported blank. PDF pages that "
    "carry real text use it without OCR. A page that passes its deadline, is too large or "
    "cannot be decoded is reported and the other pages and files go on. Plain output prints "
    "each file's text (pages separated by a form feed); --json prints one JSON object per "
    "file per line. Exit status: 0 all pages read, 1 some file or page failed, 2 usage "
    "error.";

std::vector<std::string> SplitLanguages(const std::string& spec) {
  std::vector<std::string> out;
  std::string current;
  for (char c : spec) {
    if (c == '+' || c == ',' || c == ' ') {
      if (!current.empty()) out.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) out.push_back(current);
  return out;
}

double Round1(double v) { return std::round(v * 10.0) / 10.0; }

Poco::JSON::Object::Ptr PageJson(const ocr::PageResult& page, bool words) {
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("page", page.page);
  out->set("text", page.text);
  out->set("confidence", Round1(page.confidence));
  out->set("rotation", page.rotation);
  out->set("skew", page.skew);
  out->set("ms", Round1(page.ms));
  if (!page.source.empty()) out->set("source", page.source);
  if (!page.language.empty()) out->set("language", page.language);
  if (page.rotation_by_osd) out->set("rotation_by_osd", true);
  if (page.blank) out->set("blank", true);
  if (page.dpi > 0) {
    out->set("dpi", page.dpi);
    if (page.stated_dpi > 0) out->set("stated_dpi", page.stated_dpi);
    if (page.measured_dpi > 0) out->set("measured_dpi", page.measured_dpi);
    if (page.scale != 1) out->set("scale", page.scale);
    if (page.border_share > 0) out->set("border_share", page.border_share);
    out->set("width", page.width);
    out->set("height", page.height);
  }
  Poco::JSON::Object::Ptr stages = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const ocr::StageTime& stage : page.stages) stages->set(stage.stage, Round1(stage.ms));
  out->set("stages_ms", stages);
  if (!page.warnings.empty()) {
    Poco::JSON::Array::Ptr warnings = new Poco::JSON::Array;
    for (const std::string& w : page.warnings) warnings->add(w);
    out->set("warnings", warnings);
  }
  if (words) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const ocr::Word& w : page.words) {
      Poco::JSON::Object::Ptr word = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      word->set("text", w.text);
      word->set("x", w.x);
      word->set("y", w.y);
      word->set("w", w.width);
      word->set("h", w.height);
      word->set("confidence", Round1(w.confidence));
      list->add(word);
    }
    out->set("words", list);
  }
  if (!page.status.ok()) {
    out->set("error", page.status.message());
    out->set("error_code", std::string(Status::CodeName(page.status.code())));
  }
  return out;
}

// The file-level error: the file's own failure, or a summary of its failed pages.
std::string FileError(const OcrOutcome& outcome) {
  if (!outcome.status.ok()) return outcome.status.message();
  const int failed = outcome.failed_pages();
  if (failed == 0) return "";
  std::string msg = std::to_string(failed) + " of " + std::to_string(outcome.pages.size()) +
                    " pages failed";
  for (const ocr::PageResult& p : outcome.pages) {
    if (!p.status.ok()) {
      msg += "; first: " + p.status.message();
      break;
    }
  }
  return msg;
}

void PrintJson(const OcrOutcome& outcome, bool words) {
  Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  out.set("file", outcome.file);
  if (!outcome.format.empty()) out.set("format", outcome.format);
  Poco::JSON::Array::Ptr pages = new Poco::JSON::Array;
  for (const ocr::PageResult& page : outcome.pages) pages->add(PageJson(page, words));
  out.set("pages", pages);
  const std::string error = FileError(outcome);
  if (!error.empty()) out.set("error", error);
  out.stringify(std::cout);
  std::cout << "\n" << std::flush;
}

void PrintPlain(const OcrOutcome& outcome, bool header) {
  if (header) std::cout << "==> " << outcome.file << " <==\n";
  for (size_t i = 0; i < outcome.pages.size(); ++i) {
    if (i > 0) std::cout << "\f\n";
    const ocr::PageResult& page = outcome.pages[i];
    if (!page.text.empty()) std::cout << page.text << "\n";
  }
  std::cout << std::flush;
}

void ReportErrors(const OcrOutcome& outcome) {
  if (!outcome.status.ok()) std::cerr << "purr ocr: " << outcome.status.message() << "\n";
  for (const ocr::PageResult& page : outcome.pages) {
    if (!page.status.ok()) std::cerr << "purr ocr: " << page.status.message() << "\n";
    for (const std::string& w : page.warnings) {
      std::cerr << "purr ocr: warning: " << outcome.file << " page " << page.page << ": " << w
                << "\n";
    }
  }
}

}  // namespace

int RunOcrCommand(const CommandArgs& args) {
  cli::CommandLine cl(kUsage, kDescription);
  cl.Value("lang", "LANGS",
           "Tesseract languages, most likely first, joined by + (default nor+swe+dan+eng)");
  cl.Flag("json", "print one JSON object per file per line");
  cl.Flag("words", "with --json: include every word with its box and confidence");
  cl.Value("pdf", "OUT", "write a searchable PDF (page image + invisible text): a file for "
                         "one input, a directory for several");
  cl.Value("hocr", "OUT", "write hOCR: a file for one input, a directory for several");
  cl.Decimal("deadline", "SECONDS", "give up on a page after this long (default 20)", 0.001,
             86400);
  cl.Integer("threads", "N", "OCR threads, each with its own engine (default: one per core)", 1,
             256);
  cl.Flag("no-language-detection", "read every page with all languages together");
  cl.Integer("max-pages", "N", "refuse documents with more pages (default 1000)", 1, 1000000);
  cl.Decimal("max-file-mb", "N", "refuse files larger than this (default 512)", 0.001, 1 << 20);
  cl.Decimal("max-megapixels", "N", "refuse pages with more pixels (default 100)", 0.001,
             100000);
  if (std::optional<int> exit = cl.Parse(args)) return *exit;
  if (cl.positional().empty()) return cl.UsageError("no input files");

  OcrJobOptions options;
  if (cl.Has("lang")) {
    options.engine.languages = SplitLanguages(cl.Get("lang"));
    if (options.engine.languages.empty()) return cl.UsageError("--lang is empty");
  }
  options.engine.detect_language = !cl.Has("no-language-detection");
  options.engine.words = cl.Has("words");
  ocr::Limits& limits = options.limits;
  const double deadline_s = cl.GetDecimal("deadline", options.engine.page_deadline_ms / 1000.0);
  options.engine.page_deadline_ms = static_cast<int>(std::max(1.0, std::round(deadline_s * 1e3)));
  options.threads = static_cast<int>(cl.GetInteger("threads", options.threads));
  limits.max_pages = static_cast<int>(cl.GetInteger("max-pages", limits.max_pages));
  constexpr double kMiB = 1 << 20;
  limits.max_file_bytes =
      static_cast<int64_t>(cl.GetDecimal("max-file-mb", limits.max_file_bytes / kMiB) * kMiB);
  limits.max_page_pixels =
      static_cast<int64_t>(cl.GetDecimal("max-megapixels", limits.max_page_pixels / 1e6) * 1e6);
  options.pdf_out = cl.Get("pdf");
  options.hocr_out = cl.Get("hocr");
  options.single_output = cl.positional().size() == 1;
  for (const std::string* out : {&options.pdf_out, &options.hocr_out}) {
    if (!out->empty() && !options.single_output &&
        !std::filesystem::is_directory(*out)) {
      return cl.UsageError("with several input files, --pdf and --hocr take an existing "
                           "directory: " + *out);
    }
  }

  const bool json = cl.Has("json");
  const bool header = cl.positional().size() > 1;
  bool any_failed = false;
  Status status = RunOcrJob(cl.positional(), options, [&](OcrOutcome&& outcome) {
    if (!outcome.status.ok() || outcome.failed_pages() > 0) any_failed = true;
    ReportErrors(outcome);
    if (json) {
      PrintJson(outcome, options.engine.words);
    } else {
      PrintPlain(outcome, header);
    }
  });
  if (!status.ok()) {
    std::cerr << "purr ocr: " << status.message() << "\n";
    return cli::kExitSomeFailed;
  }
  return any_failed ? cli::kExitSomeFailed : cli::kExitOk;
}

}  // namespace purr
