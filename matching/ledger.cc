#include "matching/ledger.h"

#include <array>
#include <optional>
#include <utility>
#include <algorithm>
#include <cstdint>

#include "matching/internal/json_line.h"

namespace purr::matching {
namespace {

// Field slots in the order of kColumnNames.
enum Field {
  kInvoice, kCustomer, kCase, kReference, kAmount, kCurrency, kDueDate, kStatus, kBlocking,
  kCustomerName, kPayerAccounts, kFieldCount
};
constexpr std::array<std::string_view, kFieldCount> kColumnNames = {
    "invoice", "customer", "case", "reference", "amount_minor", "currency",
    "due_date", "status", "blocking", "customer_name", "payer_accounts"};
constexpr Field kRequired[] = {kInvoice, kCustomer, kAmount, kCurrency};

using Row = std::array<std::optional<std::string>, kFieldCount>;

std::optional<Field> FieldOf(std::string_view name) {
  for (size_t i = 0; i < kColumnNames.size(); ++i) {
    if (kColumnNames[i] == name) return static_cast<Field>(i);
  }
  return std::nullopt;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t extra = c < 0x80 ? 0 : (c >> 5) == 6 && c >= 0xC2 ? 1 : (c >> 4) == 14 ? 2
                 : (c >> 3) == 30 && c <= 0xF4 ? 3 : 4;
    if (extra == 4 || (extra > 0 && i + extra >= s.size())) return false;
    for (size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    }
    i += extra + 1;
  }
  return true;
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool IsIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  int y = std::stoi(std::string(s.substr(0, 4)));
  int m = (s[5] - '0') * 10 + (s[6] - '0');
  int d = (s[8] - '0') * 10 + (s[9] - '0');
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  int max_day = kDays[m - 1] + (m == 2 && IsLeapYear(y) ? 1 : 0);
  return d <= max_day;
}

// Validates one row's fields into an Invoice, or returns the reason it is bad.
std::optional<std::string> BuildInvoice(const Row& row, Invoice& inv) {
  auto get = [&](Field f) -> std::string_view {
    return row[f] ? Trim(*row[f]) : std::string_view();
  };
  for (size_t f = 0; f < kFieldCount; ++f) {
    if (!row[f]) continue;
    if (row[f]->size() > kMaxLedgerFieldBytes) {
      return std::string(kColumnNames[f]) + " is longer than " +
             std::to_string(kMaxLedgerFieldBytes) + " bytes";
    }
    if (!IsValidUtf8(*row[f])) return std::string(kColumnNames[f]) + " is not valid UTF-8";
  }
  for (Field f : kRequired) {
    if (get(f).empty()) return std::string(kColumnNames[f]) + " is empty";
  }
  inv.invoice = get(kInvoice);
  inv.customer = get(kCustomer);
  inv.case_number = get(kCase);
  inv.reference = get(kReference);
  std::string_view amount = get(kAmount);
  // 15 digits (below 10^15 minor units) keep every sum of a few balances far from overflow.
  if (amount.size() > 15 || amount.find_first_not_of("0123456789") != std::string_view::npos) {
    return "amount_minor '" + std::string(amount.substr(0, 40)) +
           "' is not a non-negative integer of at most 15 digits";
  }
  inv.amount_minor = std::stoll(std::string(amount));
  std::string currency(get(kCurrency));
  for (char& c : currency) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  if (currency.size() != 3 || currency.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") !=
                                  std::string::npos) {
    return "currency '" + std::string(get(kCurrency).substr(0, 40)) + "' is not an ISO 4217 code";
  }
  inv.currency = currency;
  inv.due_date = get(kDueDate);
  if (!inv.due_date.empty() && !IsIsoDate(inv.due_date)) {
    return "due_date '" + inv.due_date.substr(0, 40) + "' is not a YYYY-MM-DD date";
  }
  std::string status = Lower(get(kStatus));
  if (status.empty() || status == "open") {
    inv.status = InvoiceStatus::kOpen;
  } else if (status == "paid") {
    inv.status = InvoiceStatus::kPaid;
  } else if (status == "closed") {
    inv.status = InvoiceStatus::kClosed;
  } else {
    return "status '" + status.substr(0, 40) + "' is not open, paid or closed";
  }
  std::string blocking = Lower(get(kBlocking));
  if (blocking == "true" || blocking == "1" || blocking == "yes") {
    inv.blocking = true;
  } else if (blocking.empty() || blocking == "false" || blocking == "0" || blocking == "no") {
    inv.blocking = false;
  } else {
    return "blocking '" + blocking.substr(0, 40) + "' is not true or false";
  }
  inv.customer_name = get(kCustomerName);
  std::string_view accounts = get(kPayerAccounts);
  while (!accounts.empty()) {
    size_t semi = accounts.find(';');
    std::string_view one = Trim(accounts.substr(0, semi));
    if (!one.empty()) inv.payer_accounts.emplace_back(one);
    if (semi == std::string_view::npos) break;
    accounts.remove_prefix(semi + 1);
  }
  return std::nullopt;
}

// Collects good rows and issues; rejects duplicate invoice numbers.
class LedgerBuilder {
 public:
  // Reserves room for one invoice per line, so a large ledger is not moved around while it
  // grows; capped, so a file of empty lines reserves nothing absurd (a row needs more than
  // 16 bytes; untouched reserved pages cost no memory).
  explicit LedgerBuilder(std::string_view bytes) {
    size_t lines = static_cast<size_t>(std::count(bytes.begin(), bytes.end(), '\n')) + 1;
    lines = std::min({lines, bytes.size() / 16 + 1, size_t{8} << 20});
    ledger_.invoices.reserve(lines);
    lines_.reserve(lines);
  }

  void AddRow(int line, const Row& row) {
    Invoice inv;
    if (auto reason = BuildInvoice(row, inv)) return AddIssue(line, *reason);
    ledger_.invoices.push_back(std::move(inv));
    lines_.push_back(line);
  }
  void AddIssue(int line, std::string reason) {
    ledger_.issues.push_back({line, std::move(reason)});
  }
  // Drops later rows with an invoice number seen before (sorting once is far cheaper than a
  // hash set of a million strings) and puts the issues in line order.
  Ledger Take() {
    std::vector<uint32_t> order(ledger_.invoices.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    const auto& inv = ledger_.invoices;
    std::stable_sort(order.begin(), order.end(),
                     [&inv](uint32_t a, uint32_t b) { return inv[a].invoice < inv[b].invoice; });
    std::vector<bool> drop(order.size(), false);
    bool any_dropped = false;
    for (size_t k = 1; k < order.size(); ++k) {
      if (inv[order[k]].invoice == inv[order[k - 1]].invoice) {
        drop[order[k]] = true;
        any_dropped = true;
        AddIssue(lines_[order[k]], "invoice number '" + inv[order[k]].invoice.substr(0, 40) +
                                       "' appears again (first occurrence kept)");
      }
    }
    if (any_dropped) {
      size_t kept = 0;
      for (size_t i = 0; i < ledger_.invoices.size(); ++i) {
        if (drop[i]) continue;
        if (kept != i) ledger_.invoices[kept] = std::move(ledger_.invoices[i]);
        ++kept;
      }
      ledger_.invoices.resize(kept);
      std::stable_sort(ledger_.issues.begin(), ledger_.issues.end(),
                       [](const LedgerIssue& a, const LedgerIssue& b) { return a.line < b.line; });
    }
    return std::move(ledger_);
  }

 private:
  Ledger ledger_;
  std::vector<int> lines_;  // line of each good row
};

// ---- CSV (RFC 4180) -------------------------------------------------------------------

struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
  bool unterminated = false;
};

// Reads one record starting at `pos`; advances pos and line. Returns false at end of input.
bool NextCsvRecord(std::string_view s, size_t& pos, int& line, CsvRecord& rec) {
  if (pos >= s.size()) return false;
  rec.fields.clear();  // keeps the vector's capacity from record to record
  rec.unterminated = false;
  rec.line = line;
  std::string field;
  bool quoted = false, was_quoted = false;
  while (pos < s.size()) {
    if (!quoted) {
      // Plain characters up to the next special one in one append.
      size_t end = s.find_first_of(",\n\r\"", pos);
      if (end == std::string_view::npos) end = s.size();
      field.append(s.substr(pos, end - pos));
      pos = end;
      if (pos == s.size()) break;
    }
    char c = s[pos++];
    if (quoted) {
      if (c == '"') {
        if (pos < s.size() && s[pos] == '"') {
          field += '"';
          ++pos;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && !was_quoted && Trim(field).empty()) {
      quoted = was_quoted = true;
      field.clear();
    } else if (c == ',') {
      rec.fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\n') {
      ++line;
      break;
    } else if (c != '\r') {
      field += c;
    }
  }
  rec.unterminated = quoted;
  rec.fields.push_back(std::move(field));
  return true;
}

bool IsBlankRecord(const CsvRecord& rec) {
  return rec.fields.size() == 1 && Trim(rec.fields[0]).empty();
}

Result<Ledger> ParseCsvLedger(std::string_view s) {
  size_t pos = 0;
  int line = 1;
  CsvRecord header;
  do {
    if (!NextCsvRecord(s, pos, line, header)) return Status::InvalidInput("ledger: no header row");
  } while (IsBlankRecord(header));
  if (!IsValidUtf8(s.substr(0, pos))) {
    return Status::InvalidInput("ledger: header row is not valid UTF-8");
  }
  std::vector<std::optional<Field>> columns;
  std::array<bool, kFieldCount> present{};
  for (const std::string& name : header.fields) {
    auto f = FieldOf(Lower(Trim(name)));
    if (f && present[*f]) {
      return Status::InvalidInput("ledger: column '" + std::string(kColumnNames[*f]) +
                                  "' appears twice in the header");
    }
    if (f) present[*f] = true;
    columns.push_back(f);
  }
  for (Field f : kRequired) {
    if (!present[f]) {
      return Status::InvalidInput("ledger: header has no '" + std::string(kColumnNames[f]) +
                                  "' column");
    }
  }
  LedgerBuilder builder(s);
  CsvRecord rec;
  while (NextCsvRecord(s, pos, line, rec)) {
    if (IsBlankRecord(rec)) continue;
    if (rec.unterminated) {
      builder.AddIssue(rec.line, "quoted field is not closed before the end of the file");
      continue;
    }
    if (rec.fields.size() != columns.size()) {
      builder.AddIssue(rec.line, "row has " + std::to_string(rec.fields.size()) +
                                     " fields, the header has " + std::to_string(columns.size()));
      continue;
    }
    Row row;
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i]) row[*columns[i]] = std::move(rec.fields[i]);
    }
    builder.AddRow(rec.line, row);
  }
  return builder.Take();
}

// ---- JSON lines ---------------------------------------------------------------------

Ledger ParseJsonLinesLedger(std::string_view s) {
  LedgerBuilder builder(s);
  int line = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    ++line;
    size_t nl = s.find('\n', pos);
    std::string_view text = s.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? s.size() : nl + 1;
    if (Trim(text).empty()) continue;
    if (text.size() > kMaxLedgerFieldBytes * kFieldCount) {
      builder.AddIssue(line, "line is longer than " +
                                 std::to_string(kMaxLedgerFieldBytes * kFieldCount) + " bytes");
      continue;
    }
    std::vector<std::pair<std::string, std::string>> fields;
    if (auto err = internal::ParseFlatJsonObject(text, fields)) {
      builder.AddIssue(line, "malformed JSON: " + *err);
      continue;
    }
    Row row;
    for (auto& [key, value] : fields) {
      if (auto f = FieldOf(key)) row[*f] = std::move(value);
    }
    builder.AddRow(line, row);
  }
  return builder.Take();
}

}  // namespace

std::string_view InvoiceStatusName(InvoiceStatus status) {
  switch (status) {
    case InvoiceStatus::kOpen:
      return "open";
    case InvoiceStatus::kPaid:
      return "paid";
    case InvoiceStatus::kClosed:
      return "closed";
  }
  return "open";
}

Result<Ledger> ParseLedger(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  size_t first = bytes.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return Status::InvalidInput("ledger: file is empty");
  if (bytes[first] == '{') return ParseJsonLinesLedger(bytes);
  return ParseCsvLedger(bytes);
}

}  // namespace purr::matching
