// Bank payment files in, bank::Transaction values and diagnostics out.
//
// Formats: ISO 20022 camt.054/camt.053 (.001.02 to .001.13), Nets OCR giro (Norway), Bankgirot
// BgMax (Sweden), and CSV bank exports read through a column profile. Each is written down in
// docs/formats/. The parsers are pure: bytes in, values out; no file I/O, threads or logging.
//
// Error model (docs/formats/*.md give the details per format):
// - A bad record is reported as a Diagnostic (position + reason) and skipped; parsing goes on.
// - A file that cannot be trusted as a whole (not well-formed XML, a DTD, unknown camt
//   version, control totals that disagree, a service it is not, empty) gets a non-ok
//   file_status. Then ParseResult::transactions is empty: nothing from such a file may be
//   applied. Streaming callers (TransactionSink) must likewise discard what they received
//   when the returned Status is not ok; the fixed-width formats check their control totals
//   before delivering anything, camt delivers entries as they complete.
//
// Thread safety: all functions are reentrant; CsvProfiles and ParseOptions are immutable
// values that may be shared between threads. CamtStreamParser is one-thread-at-a-time.
#ifndef PURR_BANK_BANK_H_
#define PURR_BANK_BANK_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bank/transaction.h"
#include "common/status.h"

namespace purr::bank {

// A CSV export layout. Columns are found by header name (case-insensitive, any of the
// names listed), so column order does not matter. See docs/formats/csv.md and
// bank/profiles/nordic.yaml.
struct CsvProfile {
  std::string name;         // "generic", "dnb", ...; the format is reported as "csv:<name>"
  std::string description;  // where the layout comes from, what is assumed
  char separator = 0;       // ';', ',', '\t'; 0 = detect from the header line
  char decimal = 0;         // ',' or '.'; 0 = infer per value (refuses ambiguous values)
  // "utf-8", "windows-1252", "iso-8859-1" or "auto" (UTF-8 if valid, else Windows-1252).
  std::string encoding = "auto";
  // Accepted date layouts, tried in order: "DD.MM.YYYY", "YYYY-MM-DD", "DD-MM-YYYY",
  // "DD/MM/YYYY", "YYYYMMDD", "DD.MM.YY".
  std::vector<std::string> date_formats;
  std::string default_currency;  // used when there is no currency column or it is blank
  int skip_lines = 0;            // lines before the header row (bank title lines)
  // Header names per field. Either `amount` (signed) or `credit`/`debit` (two columns,
  // unsigned) must be present. `text` and `reference` may name several columns; their
  // non-empty values are all taken.
  std::vector<std::string> booking_date, value_date, amount, credit, debit, currency,
      reference, text, payer_name, payer_account, bank_reference, end_to_end_id, account;
};

// An immutable set of profiles, looked up by name.
class CsvProfiles {
 public:
  // The profiles shipped in bank/profiles/nordic.yaml (compiled in).
  static std::shared_ptr<const CsvProfiles> Builtin();
  // Parses a YAML document: `profiles: [ {name: ..., separator: ";", ...}, ... ]`.
  // Errors name the profile and the key that is wrong.
  static Result<std::shared_ptr<const CsvProfiles>> FromYaml(std::string_view yaml);

  // nullptr when there is no profile of that name.
  const CsvProfile* Find(std::string_view name) const;
  const std::vector<CsvProfile>& all() const { return profiles_; }

  explicit CsvProfiles(std::vector<CsvProfile> profiles) : profiles_(std::move(profiles)) {}

 private:
  std::vector<CsvProfile> profiles_;
};

struct ParseOptions {
  // Profile for CSV input ("generic" when empty); CSV is only recognised when the content
  // is not one of the other formats.
  std::string csv_profile;
  // Where csv_profile is looked up; nullptr means CsvProfiles::Builtin().
  std::shared_ptr<const CsvProfiles> csv_profiles;
  // Two-digit years (Nets DDMMYY) at or above this are 19YY, below it 20YY.
  int two_digit_year_pivot = 70;
};

enum class Format { kUnknown, kCamt, kOcrGiro, kBgMax, kCsv };

// Guesses the format from the first bytes: an XML document (camt), "NY" 80-character
// records (Nets), "01BGMAX" (BgMax), otherwise kCsv when the text has a separator-delimited
// header line, else kUnknown. A UTF-8 BOM is skipped.
Format DetectFormat(std::string_view bytes);

struct ParseResult {
  // As Transaction::format; for camt the version found in the namespace. Empty if unknown.
  std::string format;
  std::vector<Transaction> transactions;  // empty when !file_status.ok()
  std::vector<Diagnostic> diagnostics;    // in file order
  Status file_status;                     // not ok: the file is rejected as a whole
};

// Receives transactions and diagnostics as a parser finds them, so a large file need not be
// held as a vector. Called on the parsing thread, in file order.
class TransactionSink {
 public:
  virtual ~TransactionSink() = default;
  virtual void OnTransaction(Transaction transaction) = 0;
  virtual void OnDiagnostic(Diagnostic diagnostic) = 0;
};

// Detects the format and parses. Never throws.
ParseResult Parse(std::string_view bytes, const ParseOptions& options = {});

// Streaming forms. Each returns the file status; *format (if not null) receives the format
// string. On a non-ok status the caller must discard what the sink received.
Status Parse(std::string_view bytes, const ParseOptions& options, TransactionSink& sink,
             std::string* format = nullptr);
Status ParseCamt(std::string_view bytes, TransactionSink& sink, std::string* format = nullptr);
Status ParseOcrGiro(std::string_view bytes, const ParseOptions& options,
                    TransactionSink& sink);
Status ParseBgMax(std::string_view bytes, TransactionSink& sink);
Status ParseCsv(std::string_view bytes, const CsvProfile& profile, TransactionSink& sink);

// Push parser for camt documents that arrive in chunks (a 1 GB file read 1 MB at a time).
// Memory is bounded by the largest single entry, not by the file. DTDs (hence external and
// internal entities) are refused.
class CamtStreamParser {
 public:
  // REQUIRES: sink outlives this object.
  explicit CamtStreamParser(TransactionSink& sink);
  ~CamtStreamParser();
  CamtStreamParser(const CamtStreamParser&) = delete;
  CamtStreamParser& operator=(const CamtStreamParser&) = delete;

  // Feeds the next chunk. After a non-ok Status, further calls return the same Status.
  Status Feed(std::string_view chunk);
  // Ends the document; reports truncation and a document without statements.
  Status Finish();
  // "camt.054.001.02" etc. once the root element was seen, else empty.
  const std::string& format() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace purr::bank

#endif  // PURR_BANK_BANK_H_
