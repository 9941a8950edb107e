// CSV bank exports read through a CsvProfile. See docs/formats/csv.md.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "bank/bank.h"
#include "bank/internal.h"
#include "common/money.h"

namespace purr::bank {
namespace {

using internal::AddReference;
using internal::AppendLine;
using internal::Error;
using internal::MakePaymentId;
using internal::Trim;
using internal::Warning;

// RFC 4180 rows: quoted fields may hold separators, doubled quotes and line breaks.
class CsvRows {
 public:
  CsvRows(std::string_view text, char separator) : rest_(text), separator_(separator) {}

  // Next row; false at the end. *line is the 1-based line where the row starts.
  // *unterminated is set when the input ended inside a quoted field.
  bool Next(std::vector<std::string>* fields, size_t* line, bool* unterminated) {
    if (rest_.empty()) return false;
    fields->assign(1, std::string());
    *line = line_;
    *unterminated = false;
    bool quoted = false, was_quoted = false;
    size_t i = 0;
    for (; i < rest_.size(); ++i) {
      char c = rest_[i];
      if (quoted) {
        if (c == '"') {
          if (i + 1 < rest_.size() && rest_[i + 1] == '"') {
            fields->back().push_back('"');
            ++i;
          } else {
            quoted = false;
          }
        } else {
          if (c == '\n') ++line_;
          fields->back().push_back(c);
        }
      } else if (c == '"' && fields->back().empty() && !was_quoted) {
        quoted = was_quoted = true;
      } else if (c == separator_) {
        fields->emplace_back();
        was_quoted = false;
      } else if (c == '\n' || c == '\r') {
        break;
      } else {
        fields->back().push_back(c);
      }
    }
    *unterminated = quoted;
    if (i < rest_.size()) {
      i += (rest_[i] == '\r' && i + 1 < rest_.size() && rest_[i + 1] == '\n') ? 2 : 1;
    }
    rest_.remove_prefix(i);
    ++line_;
    return true;
  }

  // Skips one physical line (bank title lines before the header).
  void SkipLine() {
    size_t end = rest_.find('\n');
    rest_.remove_prefix(end == std::string_view::npos ? rest_.size() : end + 1);
    ++line_;
  }

 private:
  std::string_view rest_;
  char separator_;
  size_t line_ = 1;
};

std::string Lower(std::string_view s) {
  std::string out(Trim(s));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Lower-cases ASCII and the Nordic capitals (UTF-8) so "Beløp" matches "BELØP".
std::string FoldHeader(std::string_view s) {
  std::string out = Lower(s);
  static constexpr std::pair<std::string_view, std::string_view> kNordic[] = {
      {"\xC3\x86", "\xC3\xA6"}, {"\xC3\x98", "\xC3\xB8"}, {"\xC3\x85", "\xC3\xA5"},
      {"\xC3\x84", "\xC3\xA4"}, {"\xC3\x96", "\xC3\xB6"}};
  for (const auto& [upper, lower] : kNordic) {
    for (size_t pos; (pos = out.find(upper)) != std::string::npos;) out.replace(pos, 2, lower);
  }
  return out;
}

// Parses `text` by a layout such as "DD.MM.YYYY"; a time after a blank or 'T' is ignored.
std::string ParseDate(std::string_view text, std::string_view layout) {
  text = Trim(text);
  int day = 0, month = 0, year = 0;
  size_t i = 0;
  // Without separators ("YYYYMMDD") every field has its full width.
  size_t min_width = layout.find_first_not_of("DMY") == std::string_view::npos ? 2 : 1;
  for (size_t f = 0; f < layout.size();) {
    auto digits = [&](size_t min, size_t max, int* out) {
      size_t n = 0;
      int v = 0;
      while (n < max && i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        v = v * 10 + (text[i++] - '0');
        ++n;
      }
      *out = v;
      return n >= min;
    };
    std::string_view rest = layout.substr(f);
    bool ok;
    if (rest.substr(0, 4) == "YYYY") {
      ok = digits(4, 4, &year);
      f += 4;
    } else if (rest.substr(0, 2) == "YY") {
      ok = digits(2, 2, &year);
      year += year >= 70 ? 1900 : 2000;
      f += 2;
    } else if (rest.substr(0, 2) == "DD") {
      ok = digits(min_width, 2, &day);
      f += 2;
    } else if (rest.substr(0, 2) == "MM") {
      ok = digits(min_width, 2, &month);
      f += 2;
    } else {
      ok = i < text.size() && text[i] == layout[f];
      ++i;
      ++f;
    }
    if (!ok) return "";
  }
  if (i < text.size() && text[i] != ' ' && text[i] != 'T') return "";
  return internal::IsoDate(year, month, day);
}

Result<std::string> Decode(std::string_view bytes, const CsvProfile& profile, bool* guessed) {
  *guessed = false;
  bool bom = bytes.substr(0, 3) == "\xEF\xBB\xBF";
  if (bom) bytes.remove_prefix(3);
  const std::string& enc = profile.encoding;
  if (enc == "utf-8" || (enc == "auto" && (bom || internal::IsValidUtf8(bytes)))) {
    if (!internal::IsValidUtf8(bytes)) {
      return Status::InvalidInput("file is not valid UTF-8, but profile \"" + profile.name +
                                  "\" expects UTF-8 (wrong encoding?)");
    }
    return std::string(bytes);
  }
  if (enc == "iso-8859-1") return internal::Latin1ToUtf8(bytes);
  *guessed = enc == "auto";
  return internal::Cp1252ToUtf8(bytes);
}

char DetectSeparator(std::string_view header) {
  size_t best = 0;
  char sep = ';';
  for (char c : {';', ',', '\t'}) {
    size_t n = std::count(header.begin(), header.end(), c);
    if (n > best) {
      best = n;
      sep = c;
    }
  }
  return sep;
}

// Column indexes for each profile field, found by header name.
struct Columns {
  std::vector<size_t> booking_date, value_date, amount, credit, debit, currency, reference,
      text, payer_name, payer_account, bank_reference, end_to_end_id, account;
};

// `folded_header` holds the header names through FoldHeader.
std::vector<size_t> Find(const std::vector<std::string>& folded_header,
                         const std::vector<std::string>& names) {
  std::vector<size_t> found;
  for (const std::string& name : names) {
    std::string want = FoldHeader(name);
    for (size_t i = 0; i < folded_header.size(); ++i) {
      if (folded_header[i] == want &&
          std::find(found.begin(), found.end(), i) == found.end()) {
        found.push_back(i);
      }
    }
  }
  return found;
}

class CsvReader {
 public:
  CsvReader(const CsvProfile& profile, TransactionSink& sink) : p_(profile), sink_(sink) {}
  Status Run(std::string_view bytes);

 private:
  Status MapHeader(const std::vector<std::string>& header);
  void OnRow(const std::vector<std::string>& row, size_t line);
  std::string Get(const std::vector<std::string>& row, const std::vector<size_t>& cols) const {
    for (size_t c : cols) {
      if (c < row.size() && !Trim(row[c]).empty()) return std::string(Trim(row[c]));
    }
    return "";
  }
  std::string Date(std::string_view text) const {
    for (const std::string& layout : p_.date_formats) {
      std::string date = ParseDate(text, layout);
      if (!date.empty()) return date;
    }
    return "";
  }
  Result<int64_t> SignedAmount(const std::vector<std::string>& row, int exponent) const;
  Result<int64_t> Amount(std::string_view text, int exponent) const {
    return ParseAmountMinor(text, exponent, AmountSyntax{p_.decimal, true});
  }

  const CsvProfile& p_;
  TransactionSink& sink_;
  Columns cols_;
  size_t header_size_ = 0;
  internal::OccurrenceCounter occurrences_;
};

Status CsvReader::MapHeader(const std::vector<std::string>& header) {
  header_size_ = header.size();
  using ProfileField = std::vector<std::string> CsvProfile::*;
  using ColumnField = std::vector<size_t> Columns::*;
  static constexpr std::pair<ProfileField, ColumnField> kFields[] = {
      {&CsvProfile::booking_date, &Columns::booking_date},
      {&CsvProfile::value_date, &Columns::value_date},
      {&CsvProfile::amount, &Columns::amount},
      {&CsvProfile::credit, &Columns::credit},
      {&CsvProfile::debit, &Columns::debit},
      {&CsvProfile::currency, &Columns::currency},
      {&CsvProfile::reference, &Columns::reference},
      {&CsvProfile::text, &Columns::text},
      {&CsvProfile::payer_name, &Columns::payer_name},
      {&CsvProfile::payer_account, &Columns::payer_account},
      {&CsvProfile::bank_reference, &Columns::bank_reference},
      {&CsvProfile::end_to_end_id, &Columns::end_to_end_id},
      {&CsvProfile::account, &Columns::account}};
  std::vector<std::string> folded;
  for (const std::string& name : header) folded.push_back(FoldHeader(name));
  for (const auto& [names_in_profile, columns] : kFields) {
    cols_.*columns = Find(folded, p_.*names_in_profile);
  }
  const Columns& c = cols_;
  auto names = [](const std::vector<std::string>& v) {
    std::string s;
    for (const std::string& n : v) s += (s.empty() ? "\"" : ", \"") + n + "\"";
    return s;
  };
  std::string where = "CSV header (profile " + p_.name + ")";
  if (c.booking_date.empty()) {
    return Status::InvalidInput(where + " has no date column (" + names(p_.booking_date) + ")");
  }
  if (c.amount.empty() && c.credit.empty() && c.debit.empty()) {
    return Status::InvalidInput(where + " has no amount column (" +
                                names(p_.amount.empty() ? p_.credit : p_.amount) + ")");
  }
  if (c.currency.empty() && p_.default_currency.empty()) {
    return Status::InvalidInput(where + " has no currency column and the profile no default");
  }
  return Status::Ok();
}

// The row's amount, negative for a debit: a signed amount column, or credit/debit columns.
Result<int64_t> CsvReader::SignedAmount(const std::vector<std::string>& row, int exponent) const {
  std::string amount_text = Get(row, cols_.amount);
  if (!amount_text.empty()) return Amount(amount_text, exponent);
  std::string credit_text = Get(row, cols_.credit), debit_text = Get(row, cols_.debit);
  if (credit_text.empty() && debit_text.empty()) return Status::InvalidInput("no amount");
  if (!credit_text.empty() && !debit_text.empty()) {
    return Status::InvalidInput("both a credit and a debit amount");
  }
  Result<int64_t> a = Amount(credit_text.empty() ? debit_text : credit_text, exponent);
  if (!a.ok()) return a;
  int64_t magnitude = *a < 0 ? -*a : *a;  // some banks write debits with a minus sign
  return credit_text.empty() ? -magnitude : magnitude;
}

void CsvReader::OnRow(const std::vector<std::string>& row, size_t line) {
  std::string where = "line " + std::to_string(line);
  if (row.size() != header_size_) {
    sink_.OnDiagnostic(Error(where, "row has " + std::to_string(row.size()) +
                                        " fields, the header " + std::to_string(header_size_) +
                                        "; skipped"));
    return;
  }
  Transaction t;
  t.format = "csv:" + p_.name;
  t.position = where;
  t.currency = Get(row, cols_.currency);
  if (t.currency.empty()) t.currency = p_.default_currency;
  std::optional<int> exponent = CurrencyExponent(t.currency);
  if (!exponent) {
    sink_.OnDiagnostic(Error(where, "unknown currency \"" + t.currency + "\"; skipped"));
    return;
  }
  std::string date_text = Get(row, cols_.booking_date);
  t.booking_date = Date(date_text);
  if (t.booking_date.empty()) {
    sink_.OnDiagnostic(Error(where, "date \"" + date_text + "\" not in a format of profile " +
                                        p_.name + "; skipped"));
    return;
  }
  std::string value_text = Get(row, cols_.value_date);
  t.value_date = Date(value_text);
  if (!value_text.empty() && t.value_date.empty()) {
    sink_.OnDiagnostic(Warning(where, "value date \"" + value_text + "\" not understood"));
  }
  Result<int64_t> signed_amount = SignedAmount(row, *exponent);
  if (!signed_amount.ok()) {
    sink_.OnDiagnostic(Error(where, signed_amount.status().message() + "; skipped"));
    return;
  }
  int64_t signed_minor = *signed_amount;
  t.direction = signed_minor < 0 ? Direction::kDebit : Direction::kCredit;
  t.amount_minor = signed_minor < 0 ? -signed_minor : signed_minor;
  for (size_t c : cols_.reference) {
    std::string_view v = Trim(row[c]);
    if (!v.empty()) AddReference(t, std::string(v), "csv");
  }
  for (size_t c : cols_.text) AppendLine(t.text, internal::CleanText(row[c]));
  t.payer_name = Get(row, cols_.payer_name);
  t.payer_account = Get(row, cols_.payer_account);
  t.bank_reference = Get(row, cols_.bank_reference);
  t.end_to_end_id = Get(row, cols_.end_to_end_id);
  t.account = Get(row, cols_.account);
  if (!t.bank_reference.empty()) {
    t.payment_id = MakePaymentId("csv", {t.account, "ref", t.bank_reference});
  } else {
    std::string refs;
    for (const std::string& r : t.references) refs += r + "\x1f";
    std::string key = t.account + "\x1f" + t.booking_date + "\x1f" + t.value_date + "\x1f" +
                      std::to_string(signed_minor) + t.currency + "\x1f" + refs + "\x1f" +
                      t.text + "\x1f" + t.payer_name + "\x1f" + t.payer_account + "\x1f" +
                      t.end_to_end_id;
    t.payment_id = MakePaymentId("csv", {"fields", key, std::to_string(occurrences_.Next(key))});
  }
  sink_.OnTransaction(std::move(t));
}

Status CsvReader::Run(std::string_view bytes) {
  bool guessed = false;
  Result<std::string> text = Decode(bytes, p_, &guessed);
  if (!text.ok()) return text.status();
  if (guessed) {
    sink_.OnDiagnostic(Warning("file", "file is not UTF-8; read as Windows-1252"));
  }
  std::string_view rest(*text);
  std::vector<std::string> fields;
  size_t line = 0;
  bool unterminated = false;
  // Find the header's separator from its first physical line.
  std::string_view after_skip = rest;
  for (int i = 0; i < p_.skip_lines; ++i) {
    size_t nl = after_skip.find('\n');
    after_skip.remove_prefix(nl == std::string_view::npos ? after_skip.size() : nl + 1);
  }
  char sep = p_.separator != 0 ? p_.separator
                               : DetectSeparator(after_skip.substr(0, after_skip.find('\n')));
  CsvRows rows(rest, sep);
  for (int i = 0; i < p_.skip_lines; ++i) rows.SkipLine();
  if (!rows.Next(&fields, &line, &unterminated) || Trim(after_skip).empty()) {
    return Status::InvalidInput("CSV file has no header row");
  }
  Status header = MapHeader(fields);
  if (!header.ok()) return header;
  size_t data_rows = 0;
  while (rows.Next(&fields, &line, &unterminated)) {
    if (unterminated) {
      sink_.OnDiagnostic(Error("line " + std::to_string(line),
                               "quoted field not closed before the end of the file; skipped"));
      break;
    }
    bool blank = std::all_of(fields.begin(), fields.end(),
                             [](const std::string& f) { return Trim(f).empty(); });
    if (blank) continue;
    ++data_rows;
    OnRow(fields, line);
  }
  if (data_rows == 0) {
    sink_.OnDiagnostic(Warning("file", "CSV file has a header but no rows"));
  }
  return Status::Ok();
}

}  // namespace

Status ParseCsv(std::string_view bytes, const CsvProfile& profile, TransactionSink& sink) {
  if (Trim(bytes).empty()) return Status::InvalidInput("empty file");
  return CsvReader(profile, sink).Run(bytes);
}

}  // namespace purr::bank
