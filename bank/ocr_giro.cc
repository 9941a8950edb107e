// Nets OCR giro ("OCR konteringsdata") reader. See docs/formats/ocr-giro.md.
#include <cstdint>
#include <optional>
#include <string>

#include "bank/bank.h"
#include "bank/internal.h"

namespace purr::bank {
namespace {

using internal::AddReference;
using internal::Error;
using internal::Field;
using internal::IsDigits;
using internal::MakePaymentId;
using internal::RecordReader;
using internal::Trim;
using internal::Warning;

constexpr size_t kRecordLength = 80;

std::string ServiceName(std::string_view code) {
  if (code == "21") return "AvtaleGiro";
  if (code == "01") return "Direct Remittance";
  if (code == "04") return "Telegiro";
  return "service " + std::string(code);
}

struct Totals {
  int64_t transactions = 0;
  int64_t records = 0;
  int64_t sum = 0;  // øre, signed
};

// One OCR giro transaction being assembled from its amount items.
struct Pending {
  bool active = false;
  bool bad = false;  // an item of it was refused; not delivered
  std::string type;
  std::string number;
  size_t record = 0;
  Transaction t;
  std::string settlement;  // Nets date + centre + day code + partial settlement + serial
  bool has_item2 = false;
  bool has_item3 = false;
};

// Reads the whole file twice: the first pass checks structure and control totals and reports
// diagnostics, the second (only for a sound file) delivers the transactions. Neither keeps
// more than one transaction in memory.
class OcrGiroReader : private internal::FixedWidthPass {
 public:
  OcrGiroReader(std::string_view bytes, const ParseOptions& options, TransactionSink& sink,
                bool deliver)
      : FixedWidthPass(sink, deliver), bytes_(bytes), options_(options) {}

  Status Run();

 private:
  std::string NetsDate(std::string_view ddmmyy) const;
  // A record that cannot be read still counts in the control totals; the transaction it
  // belongs to is dropped.
  void SkipUnreadable(const std::string& why) {
    Report(Error(Where(), why + "; skipped"));
    ++transmission_.records;
    if (in_assignment_) ++assignment_.records;
    if (pending_.active) pending_.bad = true;
  }
  Status OnRecord(std::string_view record);
  Status OnStartAssignment(std::string_view record);
  void OnAmountItem1(std::string_view record);
  void OnAmountItem2(std::string_view record);
  void OnAmountItem3(std::string_view record);
  Status OnEndAssignment(std::string_view record);
  Status OnEndTransmission(std::string_view record);
  Status CheckTotals(std::string_view record, const Totals& counted, const char* what);
  void FlushPending();

  std::string_view bytes_;
  const ParseOptions& options_;

  bool in_assignment_ = false;
  std::string assignment_account_;
  std::string assignment_number_;
  Totals assignment_;
  Totals transmission_;
  Pending pending_;
  bool sum_overflow_ = false;
};

std::string OcrGiroReader::NetsDate(std::string_view ddmmyy) const {
  if (ddmmyy.size() != 6 || !IsDigits(ddmmyy)) return "";
  int day = (ddmmyy[0] - '0') * 10 + (ddmmyy[1] - '0');
  int month = (ddmmyy[2] - '0') * 10 + (ddmmyy[3] - '0');
  int yy = (ddmmyy[4] - '0') * 10 + (ddmmyy[5] - '0');
  int year = yy >= options_.two_digit_year_pivot ? 1900 + yy : 2000 + yy;
  return internal::IsoDate(year, month, day);
}

Status OcrGiroReader::Run() {
  RecordReader reader(bytes_, kRecordLength);
  std::string_view raw;
  while (reader.Next(&raw)) {
    record_number_ = reader.record_number();
    if (Status s = CheckDiagnosticCount(); !s.ok()) return s;
    if (ended_) {
      if (Trim(raw).empty()) continue;
      return Reject("data after the end-of-transmission record");
    }
    if (raw.size() > kRecordLength) {
      SkipUnreadable("record is " + std::to_string(raw.size()) + " characters, expected 80");
      continue;
    }
    std::string record(raw);
    if (record.size() < kRecordLength) {
      if (record.size() < 8) {
        if (Trim(record).empty()) {
          Report(Warning(Where(), "empty line ignored"));
          continue;
        }
        SkipUnreadable("record of " + std::to_string(record.size()) +
                       " characters is too short to read");
        continue;
      }
      Report(Warning(Where(), "record is " + std::to_string(record.size()) +
                                  " characters, expected 80; read as if blank-padded"));
      record.resize(kRecordLength, ' ');
    }
    Status s = OnRecord(record);
    if (!s.ok()) return s;
  }
  if (!started_) return Status::InvalidInput("no start-of-transmission record (NY000010)");
  if (!ended_) {
    return Status::InvalidInput(
        "no end-of-transmission record (NY000089): the file is truncated; file rejected");
  }
  return Status::Ok();
}

Status OcrGiroReader::OnRecord(std::string_view record) {
  std::string_view service = Field(record, 3, 4);
  std::string_view type = Field(record, 7, 8);
  if (started_ && Field(record, 1, 2) != "NY") {
    // Still counted, so the end records' totals decide whether the file can be trusted.
    SkipUnreadable("record does not start with NY");
    return Status::Ok();
  }
  if (!started_) {
    if (Field(record, 1, 2) != "NY" || service != "00" || type != "10") {
      return Reject("first record is not a start-of-transmission record (NY000010)");
    }
    started_ = true;
    ++transmission_.records;
    return Status::Ok();
  }
  ++transmission_.records;
  if (in_assignment_) ++assignment_.records;
  if (type == "20") return OnStartAssignment(record);
  if (type == "88") return OnEndAssignment(record);
  if (type == "89") return OnEndTransmission(record);
  if (!in_assignment_) return Reject("record type " + std::string(type) + " outside an assignment");
  if (type == "30") {
    OnAmountItem1(record);
  } else if (type == "31") {
    OnAmountItem2(record);
  } else if (type == "32") {
    OnAmountItem3(record);
  } else {
    Report(Error(Where(), "unknown record type " + std::string(type) + "; skipped"));
  }
  return Status::Ok();
}

Status OcrGiroReader::OnStartAssignment(std::string_view record) {
  std::string_view service = Field(record, 3, 4);
  if (service != "09") {
    return Reject("assignment has service code " + std::string(service) + " (" +
                  ServiceName(service) + "), not 09 (OCR giro payments)");
  }
  if (in_assignment_) return Reject("assignment started before the previous one ended");
  in_assignment_ = true;
  assignment_ = Totals{0, 1, 0};
  assignment_number_ = std::string(Field(record, 18, 24));
  assignment_account_ = std::string(Field(record, 25, 35));
  if (!IsDigits(assignment_account_)) {
    Report(Warning(Where(), "assignment account is not 11 digits"));
  }
  return Status::Ok();
}

void OcrGiroReader::FlushPending() {
  if (!pending_.active) return;
  Pending p = std::move(pending_);
  pending_ = Pending();
  if (p.bad) return;
  if (!p.has_item2) {
    Report(Error("record " + std::to_string(p.record),
                 "transaction " + p.number + " has no amount item 2; skipped"));
    return;
  }
  if ((p.type == "20" || p.type == "21") && !p.has_item3) {
    Report(Warning("record " + std::to_string(p.record),
                   "transaction type " + p.type + " without amount item 3 (free text)"));
  }
  if (!deliver_) return;
  Transaction& t = p.t;
  t.payment_id = MakePaymentId("nets", {assignment_account_, p.settlement, t.bank_reference,
                                        p.number});
  sink_.OnTransaction(std::move(t));
}

void OcrGiroReader::OnAmountItem1(std::string_view record) {
  FlushPending();
  Pending& p = pending_;
  p.active = true;
  p.record = record_number_;
  p.type = std::string(Field(record, 5, 6));
  p.number = std::string(Field(record, 9, 15));
  std::string_view sign = Field(record, 32, 32);
  std::string_view amount = Field(record, 33, 49);
  std::string date = NetsDate(Field(record, 16, 21));
  static constexpr std::string_view kTypes[] = {"10", "11", "12", "13", "14", "15",
                                                "16", "17", "18", "19", "20", "21"};
  bool known_type = false;
  for (std::string_view k : kTypes) known_type = known_type || p.type == k;
  std::string problem;
  if (!known_type) problem = "unknown transaction type " + p.type;
  if (!IsDigits(p.number)) problem = "transaction number is not numeric";
  if (!IsDigits(amount)) problem = "amount field \"" + std::string(amount) + "\" is not digits";
  if (sign != "0" && sign != "-") problem = "sign field is \"" + std::string(sign) + "\"";
  if (date.empty()) problem = "Nets date \"" + std::string(Field(record, 16, 21)) + "\" invalid";
  std::string kid(Trim(Field(record, 50, 74)));
  if (!kid.empty() && !IsDigits(kid) && !(kid.size() > 1 && kid.back() == '-' &&
                                          IsDigits(kid.substr(0, kid.size() - 1)))) {
    problem = "KID \"" + kid + "\" is not numeric";
  }
  if (!problem.empty()) {
    p.bad = true;
    Report(Error(Where(), problem + "; transaction skipped"));
    return;
  }
  int64_t minor = std::stoll(std::string(amount));  // 17 digits always fit
  assignment_.transactions++;
  transmission_.transactions++;
  int64_t signed_minor = sign == "-" ? -minor : minor;
  if (!internal::AddChecked(&assignment_.sum, signed_minor) ||
      !internal::AddChecked(&transmission_.sum, signed_minor)) {
    sum_overflow_ = true;  // checked against the end records, which then reject the file
  }
  Transaction& t = p.t;
  t.format = "ocr-giro";
  t.reversal = p.type == "18" || p.type == "20";
  t.direction = sign == "-" || t.reversal ? Direction::kDebit : Direction::kCredit;
  t.amount_minor = minor;
  t.currency = "NOK";
  t.booking_date = date;
  t.value_date = date;
  t.account = assignment_account_;
  if (!kid.empty()) AddReference(t, kid, "kid");
  t.position = Where();
  p.settlement = std::string(Field(record, 16, 31));
}

void OcrGiroReader::OnAmountItem2(std::string_view record) {
  Pending& p = pending_;
  std::string number(Field(record, 9, 15));
  if (!p.active || p.has_item2 || p.number != number || p.type != Field(record, 5, 6)) {
    Report(Error(Where(), "amount item 2 for transaction " + number +
                              " does not follow its amount item 1; skipped"));
    if (p.active) p.bad = true;
    return;
  }
  p.has_item2 = true;
  if (p.bad) return;
  std::string_view bank_date = Field(record, 42, 47);
  if (bank_date != "000000" && NetsDate(bank_date).empty()) {
    Report(Warning(Where(), "bank date \"" + std::string(Field(record, 42, 47)) + "\" invalid"));
  }
  p.t.bank_reference = std::string(Trim(Field(record, 26, 34)));
  std::string_view payer = Field(record, 48, 58);
  if (IsDigits(payer) && payer.find_first_not_of('0') != std::string_view::npos) {
    p.t.payer_account = std::string(payer);
  }
}

void OcrGiroReader::OnAmountItem3(std::string_view record) {
  Pending& p = pending_;
  std::string number(Field(record, 9, 15));
  if (!p.active || !p.has_item2 || p.has_item3 || p.number != number) {
    Report(Error(Where(), "amount item 3 for transaction " + number +
                              " does not follow its amount item 2; skipped"));
    return;
  }
  p.has_item3 = true;
  std::string_view text = Field(record, 16, 55);
  std::string utf8 = internal::IsValidUtf8(text) ? std::string(text) : internal::Latin1ToUtf8(text);
  internal::AppendLine(p.t.text, internal::CleanText(utf8));
}

Status OcrGiroReader::CheckTotals(std::string_view record, const Totals& counted,
                                  const char* what) {
  std::string_view n_tx = Field(record, 9, 16), n_rec = Field(record, 17, 24),
                   sum = Field(record, 25, 41);
  if (!IsDigits(n_tx) || !IsDigits(n_rec) || !IsDigits(sum)) {
    return Reject(std::string(what) + " control fields are not numeric");
  }
  if (sum_overflow_) return Reject("the amounts overflow a 64-bit sum; control totals unusable");
  Totals stated{std::stoll(std::string(n_tx)), std::stoll(std::string(n_rec)),
                std::stoll(std::string(sum))};
  auto mismatch = [&](const char* field, int64_t s, int64_t c) {
    return Reject(std::string(what) + " states " + std::to_string(s) + " " + field +
                  " but the file has " + std::to_string(c) + " (control totals disagree)");
  };
  if (stated.transactions != counted.transactions) {
    return mismatch("transactions", stated.transactions, counted.transactions);
  }
  if (stated.records != counted.records) return mismatch("records", stated.records, counted.records);
  if (stated.sum != counted.sum) return mismatch("øre in total", stated.sum, counted.sum);
  return Status::Ok();
}

Status OcrGiroReader::OnEndAssignment(std::string_view record) {
  if (!in_assignment_) return Reject("end-of-assignment record without an assignment");
  FlushPending();
  in_assignment_ = false;
  return CheckTotals(record, assignment_, "end-of-assignment record");
}

Status OcrGiroReader::OnEndTransmission(std::string_view record) {
  if (in_assignment_) return Reject("end of transmission inside an open assignment");
  ended_ = true;
  return CheckTotals(record, transmission_, "end-of-transmission record");
}

}  // namespace

Status ParseOcrGiro(std::string_view bytes, const ParseOptions& options,
                    TransactionSink& sink) {
  if (Trim(bytes).empty()) return Status::InvalidInput("empty file");
  Status checked = OcrGiroReader(bytes, options, sink, /*deliver=*/false).Run();
  if (!checked.ok()) return checked;
  return OcrGiroReader(bytes, options, sink, /*deliver=*/true).Run();
}

}  // namespace purr::bank
