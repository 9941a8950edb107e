// The creditor's open-invoice ledger: matching::Invoice and the import of a ledger file.
//
// Format (docs/matching.md "Ledger"): CSV (UTF-8, comma-separated, RFC 4180 quoting, a
// header row naming the columns in any order, unknown columns ignored) or JSON lines (one
// flat object per line with the same field names). Columns: invoice, customer, case,
// reference, amount_minor, currency, due_date, status, blocking, customer_name,
// payer_accounts. `invoice`, `customer`, `amount_minor` and `currency` are required.
//
// Thread safety: plain values and a pure function; safe from any thread.
#ifndef PURR_MATCHING_LEDGER_H_
#define PURR_MATCHING_LEDGER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace purr::matching {

enum class InvoiceStatus { kOpen, kPaid, kClosed };

// "open", "paid", "closed".
std::string_view InvoiceStatusName(InvoiceStatus status);

struct Invoice {
  std::string invoice;        // invoice number, unique in a ledger
  std::string customer;       // customer number
  std::string case_number;    // column "case"; may be empty
  std::string reference;      // KID / OCR / RF / FIK payment id as issued; may be empty
  int64_t amount_minor = 0;   // amount still due, minor units, 0 <= amount < 10^15
  std::string currency;       // ISO 4217, upper case
  std::string due_date;       // YYYY-MM-DD or empty
  InvoiceStatus status = InvoiceStatus::kOpen;
  bool blocking = false;      // non-payment blocks a service (reactivate when paid)
  std::string customer_name;
  std::vector<std::string> payer_accounts;  // known payer accounts, as given
};

struct LedgerIssue {
  int line = 0;        // 1-based line of the row (of its first line for a multi-line CSV row)
  std::string reason;  // names the column and what is wrong; no account numbers
};

struct Ledger {
  std::vector<Invoice> invoices;   // the good rows, in file order
  std::vector<LedgerIssue> issues; // the bad rows, skipped
};

// Limits that keep a hostile file from exhausting memory.
inline constexpr size_t kMaxLedgerFieldBytes = 4096;

// Parses a ledger file. JSON lines when the first non-blank byte is '{', else CSV.
// Bad rows (wrong column count, missing required field, amount not an integer >= 0,
// unknown status, bad date, bad boolean, duplicate invoice number, field too long,
// malformed JSON) are reported in Ledger::issues and skipped.
// Errors (the file as a whole): empty input; a CSV header without a required column;
// invalid UTF-8 in the header.
Result<Ledger> ParseLedger(std::string_view bytes);

}  // namespace purr::matching

#endif  // PURR_MATCHING_LEDGER_H_
