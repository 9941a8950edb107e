// bank::Transaction and bank::Diagnostic: the values every bank-file parser produces.
//
// One Transaction is one payment as the payee sees it: a camt TxDtls (or an entry without
// TxDtls), a Nets OCR giro transaction (amount items 1+2(+3)), a BgMax payment (TK20/21 with
// its TK22-29 records), or a CSV row. All strings are UTF-8 whatever the file's encoding.
//
// Thread safety: plain values, safe to copy and share like std::string.
#ifndef PURR_BANK_TRANSACTION_H_
#define PURR_BANK_TRANSACTION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace purr::bank {

enum class Direction {
  kCredit,  // money came into the account (an incoming payment)
  kDebit,   // money left the account (an outgoing payment, a deduction, a credit note)
};

// "credit" or "debit".
const char* DirectionName(Direction direction);

// One structured reference with what the file says about it. Same order as
// Transaction::references.
struct Reference {
  std::string value;  // as written, blanks trimmed, leading zeros kept ("0036633")
  // Where it came from: "SCOR" or the proprietary type of a camt CdtrRefInf ("ISR Reference",
  // "QRR"), "kid" (Nets), "bgmax:N" (BgMax reference code N of the record carrying it),
  // "csv" (a CSV reference column).
  std::string type;
  // Amount the payer assigned to this reference, signed, in the transaction's minor units,
  // when the file gives one (BgMax TK22/TK23, camt RfrdDocAmt/RmtdAmt or, from .001.12, the
  // RfrdDocAmt/RmtAmtAndTp typed REMI). TK23 is negative.
  std::optional<int64_t> amount_minor;
};

struct Transaction {
  // "camt.054.001.02" ... "camt.053.001.13", "ocr-giro", "bgmax", "csv:PROFILE".
  std::string format;
  // Stable identity: "<family>-<32 hex digits>", family one of camt, nets, bgmax, csv. The hex
  // digits are the first 128 bits of SHA-256 over the bank's unique reference (camt
  // AcctSvcrRef/NtryRef scoped by account, Nets settlement fields + archive reference +
  // transaction no., BgMax payee bankgiro + date + BGC serial no. + payer fields) or, where a
  // format has none, over the normalised fields plus the occurrence number among identical
  // rows. The same payment parsed from the same file twice, or from two overlapping files of
  // the same family, gets the same id. docs/formats/*.md give the exact fields per format.
  std::string payment_id;
  Direction direction = Direction::kCredit;
  // The bank reverses an earlier booking (camt RvslInd=true, Nets types 18 and 20).
  bool reversal = false;
  // Magnitude in minor units of `currency`, always >= 0; the sign is `direction`.
  int64_t amount_minor = 0;
  std::string currency;      // ISO 4217, e.g. "NOK"
  std::string booking_date;  // "YYYY-MM-DD" or empty when the file has none
  std::string value_date;    // "YYYY-MM-DD" or empty
  // Structured payment references (KID, OCR, RF, SCOR, FIK ...), document order; several
  // per transaction are normal (one per invoice paid).
  std::vector<std::string> references;
  std::vector<Reference> reference_details;  // same length and order as `references`
  // Unstructured remittance text (camt Ustrd, Nets free text, BgMax TK25 lines, a composite
  // BgMax reference), lines joined with "\n".
  std::string text;
  std::string payer_name;
  // The payer's account as given: IBAN, BBAN, bankgiro, or a camt account proxy (Prxy/Id, such
  // as a phone number) when that is all the file gives. Personal data: mask before logging
  // (see MaskAccount).
  std::string payer_account;
  std::string payer_org_number;  // BgMax TK29 organisation/person number; personal data
  std::string payer_address;     // BgMax TK27/28, lines joined with "\n"
  std::string end_to_end_id;     // camt EndToEndId ("NOTPROVIDED" is kept as given)
  // The bank's own reference for the payment as written (camt AcctSvcrRef, Nets archive
  // reference, BgMax BGC serial number); empty when the format has none.
  std::string bank_reference;
  // The receiving account the file is about (camt Acct/Id, Nets assignment account, BgMax
  // payee bankgiro, CSV account column). Empty when unknown.
  std::string account;
  // Where the transaction is in its file, for diagnostics: "record 17" (fixed-width),
  // "line 12" (CSV), "Ntry 3/TxDtls 2 (line 120)" (camt).
  std::string position;

  // amount_minor with the sign of `direction`: credit positive, debit negative.
  int64_t SignedAmountMinor() const {
    return direction == Direction::kCredit ? amount_minor : -amount_minor;
  }
};

struct Diagnostic {
  enum class Severity {
    kWarning,  // noted; the record was still delivered
    kError,    // the record was skipped (or the file rejected, see ParseResult::file_status)
  };
  std::string position;  // as Transaction::position; "file" for whole-file findings
  std::string message;   // never contains an unmasked account or identity number
  Severity severity = Severity::kError;
};

// "warning" or "error".
const char* SeverityName(Diagnostic::Severity severity);

// "NO93 **** **** 5678"-style masking for logs: keeps the first 4 and last 4 characters of
// an identifier longer than 8, replaces every other letter or digit with '*'. Shorter ids
// keep only their last 2 characters.
std::string MaskAccount(const std::string& account);

}  // namespace purr::bank

#endif  // PURR_BANK_TRANSACTION_H_
