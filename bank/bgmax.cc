// Bankgirot BgMax (Bankgiro Inbetalningar) reader. See docs/formats/bgmax.md.
#include <cstdint>
#include <string>

#include "bank/bank.h"
#include "bank/internal.h"

namespace purr::bank {
namespace {

using internal::AddReference;
using internal::AppendLine;
using internal::Error;
using internal::Field;
using internal::IsDigits;
using internal::MakePaymentId;
using internal::RecordReader;
using internal::Trim;
using internal::Warning;

constexpr size_t kRecordLength = 80;

// Text fields are ISO-8859-1 by the specification.
std::string Text(std::string_view record, size_t first, size_t last) {
  return internal::CleanText(internal::Latin1ToUtf8(Trim(Field(record, first, last))));
}

// TABs in the official sample stand for blanks up to the next multiple of 8 columns; expanding
// them that way restores the column layout.
std::string ExpandTabs(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    if (c == '\t') {
      do out.push_back(' ');
      while (out.size() % 8 != 0);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// ISO-8859-1 bytes for UTF-8 text whose code points are all below U+0100 ('?' otherwise).
std::string Utf8ToLatin1(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if ((c & 0xE0) == 0xC0 && i + 1 < s.size()) {
      uint32_t cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
      out.push_back(cp < 0x100 ? static_cast<char>(cp) : '?');
      ++i;
    } else {
      out.push_back('?');
      while (i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) ++i;
    }
  }
  return out;
}

struct Section {  // from the 15 record that closes a 05 section
  std::string date;
  std::string currency;
  std::string serial;
};

struct Counts {
  int64_t payments = 0, deductions = 0, extra_refs = 0, deposits = 0;
};

class BgMaxReader : private internal::FixedWidthPass {
 public:
  BgMaxReader(std::string_view bytes, TransactionSink& sink, bool deliver)
      : FixedWidthPass(sink, deliver), bytes_(bytes) {}
  Status Run();

 private:
  // Reads one raw record into an 80-column record; false if it is to be skipped.
  bool Normalise(std::string_view raw, std::string* record);
  Status OnRecord(const std::string& record, const RecordReader& reader);
  Status OnStart(const std::string& record);
  Status OnOpening(const std::string& record, const RecordReader& reader);
  void OnPayment(const std::string& record);
  void OnExtraReference(const std::string& record);
  void OnPayerRecord(const std::string& record);
  Status OnDeposit(const std::string& record);
  Status OnEnd(const std::string& record);
  void Flush();

  std::string_view bytes_;

  bool in_section_ = false;
  std::string payee_bankgiro_;
  std::string section_currency_;
  Section section_;
  int64_t section_sum_ = 0;  // öre, 20 minus 21
  int64_t section_payments_ = 0;
  bool section_sum_valid_ = true;
  Counts counts_;
  bool has_payment_ = false;
  bool payment_bad_ = false;
  Transaction payment_;
  std::string composite_reference_;
  internal::OccurrenceCounter occurrences_;
};

bool BgMaxReader::Normalise(std::string_view raw, std::string* record) {
  if (raw.find('\t') != std::string_view::npos) {
    *record = ExpandTabs(raw);
    Report(Warning(Where(), "TAB characters in the record, expanded to 8-column tab stops"));
  } else {
    *record = std::string(raw);
  }
  if (Trim(*record).empty()) {
    Report(Warning(Where(), "empty line ignored"));
    return false;
  }
  if (record->size() > kRecordLength) {
    if (Trim(record->substr(kRecordLength)).empty()) {
      record->resize(kRecordLength);
    } else {
      Report(Error(Where(), "record is " + std::to_string(record->size()) +
                                " characters, expected 80; skipped"));
      return false;
    }
  }
  if (record->size() < kRecordLength) {
    // Trailing blanks are often trimmed in transfer; the last record usually is unpadded.
    if (record->size() < 2) {
      Report(Error(Where(), "record too short to have a record type; skipped"));
      return false;
    }
    Report(Warning(Where(), "record is " + std::to_string(record->size()) +
                                " characters, expected 80; read as if blank-padded"));
    record->resize(kRecordLength, ' ');
  }
  return true;
}

Status BgMaxReader::Run() {
  RecordReader reader(bytes_, kRecordLength);
  std::string_view raw;
  std::string record;
  while (reader.Next(&raw)) {
    record_number_ = reader.record_number();
    if (Status s = CheckDiagnosticCount(); !s.ok()) return s;
    if (ended_) {
      if (Trim(raw).empty()) continue;
      return Reject("data after the end record (70)");
    }
    if (!Normalise(raw, &record)) continue;
    Status s = OnRecord(record, reader);
    if (!s.ok()) return s;
  }
  if (!started_) return Status::InvalidInput("no BgMax start record (01BGMAX)");
  if (!ended_) {
    return Status::InvalidInput("no end record (70): the file is truncated; file rejected");
  }
  return Status::Ok();
}

Status BgMaxReader::OnRecord(const std::string& record, const RecordReader& reader) {
  std::string_view tk = Field(record, 1, 2);
  if (!started_) {
    if (tk != "01") return Reject("first record is not a BgMax start record (01)");
    return OnStart(record);
  }
  if (tk == "05") return OnOpening(record, reader);
  if (tk == "70") return OnEnd(record);
  if (tk == "01") return Reject("second start record (01)");
  if (!in_section_) {
    Report(Error(Where(), "record type " + std::string(tk) + " outside a 05..15 section; skipped"));
    return Status::Ok();
  }
  if (tk == "20" || tk == "21") {
    OnPayment(record);
  } else if (tk == "22" || tk == "23") {
    OnExtraReference(record);
  } else if (tk == "25" || tk == "26" || tk == "27" || tk == "28" || tk == "29") {
    OnPayerRecord(record);
  } else if (tk == "15") {
    return OnDeposit(record);
  } else {
    Report(Error(Where(), "unknown record type \"" + Text(record, 1, 2) + "\"; skipped"));
  }
  return Status::Ok();
}

Status BgMaxReader::OnStart(const std::string& record) {
  if (Trim(Field(record, 3, 22)) != "BGMAX") return Reject("layout name is not BGMAX");
  started_ = true;
  if (Field(record, 23, 24) != "01") {
    Report(Warning(Where(), "layout version " + Text(record, 23, 24) + ", read as version 01"));
  }
  if (Field(record, 45, 45) == "T") {
    return Status::Unsupported("record 1: BgMax test file (test marker T): not real payments");
  }
  return Status::Ok();
}

Status BgMaxReader::OnOpening(const std::string& record, const RecordReader& reader) {
  if (in_section_) return Reject("opening record (05) before the previous deposit record (15)");
  Flush();
  in_section_ = true;
  section_sum_ = 0;
  section_payments_ = 0;
  section_sum_valid_ = true;
  payee_bankgiro_ = std::string(Trim(Field(record, 3, 12)));
  section_currency_ = std::string(Trim(Field(record, 23, 25)));
  if (!IsDigits(payee_bankgiro_)) {
    Report(Error(Where(), "payee bankgiro number is not numeric"));
  }
  // Payments come before the deposit record that dates them: look ahead to it.
  section_ = Section();
  RecordReader ahead = reader;
  std::string_view raw;
  while (ahead.Next(&raw)) {
    if (raw.substr(0, 2) == "15") {
      std::string deposit = ExpandTabs(raw);
      deposit.resize(kRecordLength, ' ');
      std::string_view date = Field(deposit, 38, 45);
      if (IsDigits(date)) {
        section_.date = internal::IsoDate(std::stoi(std::string(date.substr(0, 4))),
                                          std::stoi(std::string(date.substr(4, 2))),
                                          std::stoi(std::string(date.substr(6, 2))));
      }
      section_.currency = std::string(Trim(Field(deposit, 69, 71)));
      section_.serial = std::string(Field(deposit, 46, 50));
      break;
    }
    if (raw.substr(0, 2) == "05" || raw.substr(0, 2) == "70") break;
  }
  return Status::Ok();
}

void BgMaxReader::OnPayment(const std::string& record) {
  Flush();
  bool deduction = Field(record, 1, 2) == "21";
  (deduction ? counts_.deductions : counts_.payments)++;
  ++section_payments_;
  has_payment_ = true;
  payment_bad_ = false;
  payment_ = Transaction();
  composite_reference_.clear();
  std::string_view amount = Field(record, 38, 55);
  std::string_view code = Field(record, 56, 56);
  std::string problem;
  if (!IsDigits(amount)) problem = "amount field \"" + Text(record, 38, 55) + "\" is not digits";
  if (code.empty() || code[0] < '0' || code[0] > '5') {
    problem = "reference code \"" + std::string(code) + "\" is not 0-5";
  }
  if (!problem.empty()) {
    payment_bad_ = true;
    section_sum_valid_ = false;
    Report(Error(Where(), problem + "; payment skipped"));
    return;
  }
  int64_t minor = std::stoll(std::string(amount));  // 18 digits fit in int64
  if (!internal::AddChecked(&section_sum_, deduction ? -minor : minor)) {
    section_sum_valid_ = false;  // no real deposit comes near; the total cannot be checked
  }
  Transaction& t = payment_;
  t.format = "bgmax";
  t.direction = deduction ? Direction::kDebit : Direction::kCredit;
  t.amount_minor = minor;
  t.currency = section_.currency.empty() ? section_currency_ : section_.currency;
  t.booking_date = section_.date;
  t.value_date = section_.date;
  t.account = payee_bankgiro_;
  t.position = Where();
  std::string payer(Trim(Field(record, 3, 12)));
  if (payer.find_first_not_of('0') != std::string::npos) t.payer_account = payer;
  std::string bgc_serial(Trim(Field(record, 58, 69)));
  t.bank_reference = bgc_serial;
  std::string reference = Text(record, 13, 37);
  if (!reference.empty()) {
    if (code[0] == '3') {
      composite_reference_ = reference;  // a list whose checked parts follow as TK22/23
      AppendLine(t.text, reference);
    } else {
      AddReference(t, reference, "bgmax:" + std::string(code));
    }
  }
  // The BGC serial number identifies the payment at Bankgirot, but Bankgirot's own samples
  // reuse serials, so the payer's fields are part of the identity too.
  std::string key = payee_bankgiro_ + "|" + section_.date + "|" + std::string(Field(record, 1, 2)) +
                    "|" + bgc_serial + "|" + payer + "|" + std::string(amount) + "|" + reference;
  t.payment_id = MakePaymentId("bgmax", {key, std::to_string(occurrences_.Next(key))});
}

void BgMaxReader::OnExtraReference(const std::string& record) {
  ++counts_.extra_refs;
  if (!has_payment_) {
    Report(Error(Where(), "extra reference without a payment record before it; skipped"));
    return;
  }
  if (payment_bad_) return;
  std::string_view amount = Field(record, 38, 55);
  std::string reference = Text(record, 13, 37);
  if (!IsDigits(amount)) {
    Report(Error(Where(), "amount field \"" + Text(record, 38, 55) +
                              "\" is not digits; extra reference " + reference + " skipped"));
    return;
  }
  if (reference.empty()) {
    Report(Warning(Where(), "extra reference record without a reference"));
    return;
  }
  int64_t minor = std::stoll(std::string(amount));
  bool negative = Field(record, 1, 2) == "23";
  std::optional<int64_t> ref_amount;
  if (minor != 0 || negative) ref_amount = negative ? -minor : minor;
  AddReference(payment_, reference, "bgmax:" + std::string(Field(record, 56, 56)), ref_amount);
}

void BgMaxReader::OnPayerRecord(const std::string& record) {
  if (!has_payment_) {
    Report(Error(Where(), "payer record without a payment record before it; skipped"));
    return;
  }
  Transaction& t = payment_;
  std::string_view tk = Field(record, 1, 2);
  if (tk == "25") {
    AppendLine(t.text, Text(record, 3, 52));
  } else if (tk == "26") {
    t.payer_name = Text(record, 3, 37);
    std::string extra = Text(record, 38, 72);
    if (!extra.empty()) t.payer_name += " " + extra;
  } else if (tk == "27") {
    AppendLine(t.payer_address, Text(record, 3, 37));
    AppendLine(t.payer_address, Text(record, 38, 46));
  } else if (tk == "28") {
    AppendLine(t.payer_address, Text(record, 3, 37));
    AppendLine(t.payer_address, Text(record, 38, 72));
    AppendLine(t.payer_address, Text(record, 73, 74));
  } else {
    t.payer_org_number = Text(record, 3, 14);
  }
}

void BgMaxReader::Flush() {
  // Reference code 3 without extra-reference records: the payer's single reference stands.
  if (payment_.references.empty() && !composite_reference_.empty() &&
      composite_reference_.find_first_of(" ,;") == std::string::npos) {
    AddReference(payment_, composite_reference_, "bgmax:3");
  }
  composite_reference_.clear();
  if (has_payment_ && !payment_bad_ && deliver_) sink_.OnTransaction(std::move(payment_));
  has_payment_ = false;
  payment_bad_ = false;
}

Status BgMaxReader::OnDeposit(const std::string& record) {
  Flush();
  ++counts_.deposits;
  in_section_ = false;
  std::string_view amount = Field(record, 51, 68), count = Field(record, 72, 79);
  if (section_.date.empty()) return Reject("deposit record (15) has no valid payment date");
  if (!IsDigits(amount) || !IsDigits(count)) {
    return Reject("deposit record (15) amount or payment count is not numeric");
  }
  if (!section_sum_valid_) {
    return Reject("a payment in deposit " + section_.serial +
                  " is unreadable, so its total cannot be checked");
  }
  std::string currency(Trim(Field(record, 69, 71)));
  if (!section_currency_.empty() && currency != section_currency_) {
    return Reject("deposit currency " + currency + " differs from the opening record's " +
                  section_currency_);
  }
  if (std::stoll(std::string(count)) != section_payments_) {
    return Reject("deposit " + section_.serial + " states " + std::to_string(std::stoll(std::string(count))) +
                  " payments but has " + std::to_string(section_payments_) +
                  " (control totals disagree)");
  }
  int64_t stated = std::stoll(std::string(amount));
  if (stated != section_sum_) {
    return Reject("deposit " + section_.serial + " states " + std::to_string(stated) +
                  " öre but its payments less deductions sum to " +
                  std::to_string(section_sum_) + " (control totals disagree)");
  }
  return Status::Ok();
}

Status BgMaxReader::OnEnd(const std::string& record) {
  if (in_section_) return Reject("end record (70) inside an open section (no 15)");
  Flush();
  ended_ = true;
  std::string_view fields[] = {Field(record, 3, 10), Field(record, 11, 18), Field(record, 19, 26),
                               Field(record, 27, 34)};
  int64_t counted[] = {counts_.payments, counts_.deductions, counts_.extra_refs, counts_.deposits};
  const char* names[] = {"payment", "deduction", "extra-reference", "deposit"};
  for (int i = 0; i < 4; ++i) {
    if (!IsDigits(fields[i])) return Reject("end record (70) counts are not numeric");
    int64_t stated = std::stoll(std::string(fields[i]));
    if (stated != counted[i]) {
      return Reject("end record (70) states " + std::to_string(stated) + " " + names[i] +
                    " records but the file has " + std::to_string(counted[i]) +
                    " (control totals disagree)");
    }
  }
  return Status::Ok();
}

}  // namespace

Status ParseBgMax(std::string_view bytes, TransactionSink& sink) {
  if (Trim(bytes).empty()) return Status::InvalidInput("empty file");
  std::string converted;
  bool has_high = false;
  for (char c : bytes) has_high = has_high || static_cast<unsigned char>(c) >= 0x80;
  bool bom = bytes.substr(0, 3) == "\xEF\xBB\xBF";
  if (bom || (has_high && internal::IsValidUtf8(bytes))) {
    // Someone re-encoded the file; read it back as the ISO-8859-1 the columns are counted in.
    converted = Utf8ToLatin1(bom ? bytes.substr(3) : bytes);
    bytes = converted;
    sink.OnDiagnostic(Warning("file", "file is UTF-8, not ISO-8859-1 as BgMax specifies; "
                                      "decoded as UTF-8"));
  }
  Status checked = BgMaxReader(bytes, sink, /*deliver=*/false).Run();
  if (!checked.ok()) return checked;
  return BgMaxReader(bytes, sink, /*deliver=*/true).Run();
}

}  // namespace purr::bank
