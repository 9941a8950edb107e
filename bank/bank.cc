// Format detection and the ParseResult entry points.
#include "bank/bank.h"

#include "bank/internal.h"

namespace purr::bank {
namespace {

std::string_view SkipBomAndBlanks(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  return internal::Trim(bytes);
}

// A separator on one of the first lines (banks put title lines before the header).
bool LooksLikeCsv(std::string_view text) {
  for (int i = 0; i < 5 && !text.empty(); ++i) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (line.find_first_of(";,\t") != std::string_view::npos) return true;
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
  return false;
}

}  // namespace

Format DetectFormat(std::string_view bytes) {
  if (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF") {
    return Format::kCamt;  // UTF-16 text among bank files is XML
  }
  std::string_view text = SkipBomAndBlanks(bytes);
  if (text.empty()) return Format::kUnknown;
  if (text.front() == '<') return Format::kCamt;
  if (text.substr(0, 7) == "01BGMAX") return Format::kBgMax;
  if (text.size() >= 8 && text.substr(0, 2) == "NY" && internal::IsDigits(text.substr(2, 6))) {
    return Format::kOcrGiro;
  }
  if (LooksLikeCsv(text)) return Format::kCsv;
  return Format::kUnknown;
}

Status Parse(std::string_view bytes, const ParseOptions& options, TransactionSink& sink,
             std::string* format) {
  std::string ignored;
  std::string& out_format = format != nullptr ? *format : ignored;
  out_format.clear();
  if (SkipBomAndBlanks(bytes).empty()) return Status::InvalidInput("empty file");
  Format format_found = DetectFormat(bytes);
  // A profile named by the caller is an explicit statement that the file is CSV.
  if (format_found == Format::kUnknown && !options.csv_profile.empty()) format_found = Format::kCsv;
  switch (format_found) {
    case Format::kCamt:
      return ParseCamt(bytes, sink, &out_format);
    case Format::kOcrGiro:
      out_format = "ocr-giro";
      return ParseOcrGiro(bytes, options, sink);
    case Format::kBgMax:
      out_format = "bgmax";
      return ParseBgMax(bytes, sink);
    case Format::kCsv: {
      std::shared_ptr<const CsvProfiles> profiles =
          options.csv_profiles != nullptr ? options.csv_profiles : CsvProfiles::Builtin();
      std::string name = options.csv_profile.empty() ? "generic" : options.csv_profile;
      const CsvProfile* profile = profiles->Find(name);
      if (profile == nullptr) return Status::NotFound("no CSV profile named \"" + name + "\"");
      out_format = "csv:" + profile->name;
      return ParseCsv(bytes, *profile, sink);
    }
    case Format::kUnknown:
      break;
  }
  return Status::Unsupported(
      "not a bank file purr reads (camt.053/054 XML, Nets OCR giro, BgMax or CSV)");
}

ParseResult Parse(std::string_view bytes, const ParseOptions& options) {
  ParseResult result;
  internal::VectorSink sink(result);
  result.file_status = Parse(bytes, options, sink, &result.format);
  if (!result.file_status.ok()) result.transactions.clear();
  return result;
}

}  // namespace purr::bank
