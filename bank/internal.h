// Helpers shared by the bank-format parsers. Not part of the public API.
#ifndef PURR_BANK_INTERNAL_H_
#define PURR_BANK_INTERNAL_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bank/bank.h"
#include "bank/transaction.h"

namespace purr::bank::internal {

// "<family>-" + the first 32 hex digits of SHA-256 over the parts, each part preceded by
// its length so that ("ab","c") and ("a","bc") differ.
std::string MakePaymentId(std::string_view family, std::initializer_list<std::string_view> parts);

// Counts how often the same identity key was seen in one file, so that identical rows
// without a bank reference get distinct but reproducible ids ("#1", "#2", ...). Memory: one
// 64-bit hash and a counter per distinct key.
class OccurrenceCounter {
 public:
  int Next(std::string_view key);

 private:
  std::unordered_map<uint64_t, int> seen_;
};

// Field at 1-based inclusive columns [first, last] of a fixed-width record.
// REQUIRES: record.size() >= last.
inline std::string_view Field(std::string_view record, size_t first, size_t last) {
  return record.substr(first - 1, last - first + 1);
}

// *sum += value; false (and *sum unchanged) if that would overflow int64.
inline bool AddChecked(int64_t* sum, int64_t value) {
  int64_t result;
  if (__builtin_add_overflow(*sum, value, &result)) return false;
  *sum = result;
  return true;
}

// ASCII blanks (space, tab, CR, LF) trimmed from both ends.
std::string_view Trim(std::string_view s);
bool IsDigits(std::string_view s);  // non-empty, ASCII digits only
bool IsValidUtf8(std::string_view s);
std::string Latin1ToUtf8(std::string_view s);
std::string Cp1252ToUtf8(std::string_view s);
// Replaces control characters (other than '\n') by a blank; keeps UTF-8 untouched.
std::string CleanText(std::string_view s);

// True for a real calendar date written "YYYY-MM-DD".
bool IsIsoDate(std::string_view s);
// "YYYY-MM-DD" from year, month, day; empty when not a real date.
std::string IsoDate(int year, int month, int day);

// Appends `line` to `text`, separated by "\n", unless it is blank.
void AppendLine(std::string& text, std::string_view line);
void AddReference(Transaction& t, std::string value, std::string type,
                  std::optional<int64_t> amount_minor = std::nullopt);

// Collects everything into a ParseResult.
class VectorSink : public TransactionSink {
 public:
  explicit VectorSink(ParseResult& result) : result_(result) {}
  void OnTransaction(Transaction transaction) override {
    result_.transactions.push_back(std::move(transaction));
  }
  void OnDiagnostic(Diagnostic diagnostic) override {
    result_.diagnostics.push_back(std::move(diagnostic));
  }

 private:
  ParseResult& result_;
};

inline Diagnostic Error(std::string position, std::string message) {
  return {std::move(position), std::move(message), Diagnostic::Severity::kError};
}
inline Diagnostic Warning(std::string position, std::string message) {
  return {std::move(position), std::move(message), Diagnostic::Severity::kWarning};
}

// Reads fixed-width records one at a time: split on CRLF/LF/CR when the input has line
// breaks, else every `record_length` bytes (BgMax samples come without any). Records keep no
// terminator; empty lines are returned (the caller reports them). A UTF-8 BOM at the start
// is skipped and flagged. Holds no copy of the input.
class RecordReader {
 public:
  RecordReader(std::string_view bytes, size_t record_length);
  // Next record and its 1-based number; false at the end.
  bool Next(std::string_view* record);
  size_t record_number() const { return number_; }
  bool had_bom() const { return had_bom_; }
  bool had_line_breaks() const { return line_breaks_; }

 private:
  std::string_view rest_;
  size_t record_length_;
  size_t number_ = 0;
  bool had_bom_ = false;
  bool line_breaks_ = false;
};

// Reporting and position shared by the two-pass fixed-width readers (Nets, BgMax): the first
// pass checks the file and reports diagnostics, the second delivers transactions.
class FixedWidthPass {
 protected:
  FixedWidthPass(TransactionSink& sink, bool deliver) : sink_(sink), deliver_(deliver) {}

  void Report(Diagnostic d) {
    ++diagnostics_;
    if (!deliver_) sink_.OnDiagnostic(std::move(d));
  }
  // Beyond this many diagnostics the file is rejected, not read on: a 1 GB file of one line
  // would otherwise report 13 million unreadable 80-character records.
  static constexpr size_t kMaxDiagnostics = 10000;
  // The rejection once there are too many diagnostics; ok before.
  Status CheckDiagnosticCount() const {
    if (diagnostics_ <= kMaxDiagnostics) return Status::Ok();
    return Reject("more than " + std::to_string(kMaxDiagnostics) +
                  " records could not be read as they are: badly damaged, or not this format");
  }
  std::string Where() const { return "record " + std::to_string(record_number_); }
  Status Reject(const std::string& why) const {
    return Status::InvalidInput(Where() + ": " + why + "; file rejected");
  }

  TransactionSink& sink_;
  const bool deliver_;
  size_t record_number_ = 0;
  size_t diagnostics_ = 0;
  bool started_ = false;
  bool ended_ = false;
};

}  // namespace purr::bank::internal

#endif  // PURR_BANK_INTERNAL_H_
