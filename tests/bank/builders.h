// Builders of small, correct bank files for tests; a test then breaks exactly one thing.
#ifndef PURR_TESTS_BANK_BUILDERS_H_
#define PURR_TESTS_BANK_BUILDERS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace purr::bank::testing {

// s right-aligned in a field of n characters filled with `fill`.
inline std::string Right(std::string_view s, size_t n, char fill = '0') {
  return std::string(n > s.size() ? n - s.size() : 0, fill) + std::string(s);
}
// s left-aligned, blank-filled to n characters.
inline std::string Left(std::string_view s, size_t n, char fill = ' ') {
  return std::string(s) + std::string(n > s.size() ? n - s.size() : 0, fill);
}

struct NetsTx {
  NetsTx(std::string type_, int64_t ore_, std::string kid_, char sign_ = '0',
         std::string text_ = "")
      : type(std::move(type_)), ore(ore_), kid(std::move(kid_)), sign(sign_),
        text(std::move(text_)) {}
  std::string type;
  int64_t ore;
  std::string kid;
  char sign;
  std::string text;  // amount item 3, types 20 and 21
};

// A complete Nets OCR giro transmission (one assignment) with correct control totals.
inline std::string NetsFile(const std::vector<NetsTx>& txs) {
  std::vector<std::string> records;
  records.push_back(Left("NY000010000080800170031" "00010200", 80, '0'));
  records.push_back(Left("NY090020001008566" "0000002" "99991042764", 80, '0'));
  int64_t sum = 0;
  int n = 0;
  for (const NetsTx& tx : txs) {
    std::string number = Right(std::to_string(++n), 7);
    records.push_back("NY09" + tx.type + "30" + number + "200192" "13" "20" "1" "01464" +
                      std::string(1, tx.sign) + Right(std::to_string(tx.ore), 17) +
                      Right(tx.kid, 25, ' ') + "000000");
    records.push_back(Left("NY09" + tx.type + "31" + number + "9636827194" "099038562" "0000000"
                           "160192" "99990512341", 80, '0'));
    if (tx.type == "20" || tx.type == "21") {
      records.push_back(Left("NY09" + tx.type + "32" + number + Left(tx.text, 40), 80, '0'));
    }
    sum += tx.sign == '-' ? -tx.ore : tx.ore;
  }
  std::string count = Right(std::to_string(txs.size()), 8);
  std::string amount = Right(std::to_string(sum), 17);
  records.push_back(Left("NY090088" + count + Right(std::to_string(records.size()), 8) + amount +
                         "200192200192200192", 80, '0'));
  records.push_back(Left("NY000089" + count + Right(std::to_string(records.size() + 1), 8) +
                         amount + "200192", 80, '0'));
  std::string file;
  for (const std::string& r : records) file += r + "\n";
  return file;
}

struct BgMaxPayment {
  BgMaxPayment(std::string tk_, int64_t ore_, std::string reference_, char code_ = '2',
               std::string serial_ = "000000000001", std::vector<std::string> extra_ = {})
      : tk(std::move(tk_)), ore(ore_), reference(std::move(reference_)), code(code_),
        serial(std::move(serial_)), extra(std::move(extra_)) {}
  std::string tk;
  int64_t ore;
  std::string reference;
  char code;
  std::string serial;
  std::vector<std::string> extra;  // further records (22, 25, 26...), written as given
};

// A complete BgMax file, one deposit, correct totals; records joined with CRLF.
inline std::string BgMaxFile(const std::vector<BgMaxPayment>& payments) {
  std::vector<std::string> r;
  r.push_back(Left("01BGMAX               0120040525173035010331P", 80));
  r.push_back(Left("050009912346          SEK", 80));
  int64_t sum = 0, extra_refs = 0, deductions = 0;
  for (const BgMaxPayment& p : payments) {
    r.push_back(Left(p.tk + "0003783511" + Right(p.reference, 25, ' ') +
                     Right(std::to_string(p.ore), 18) + std::string(1, p.code) + "2" + p.serial +
                     "0", 80));
    sum += p.tk == "21" ? -p.ore : p.ore;
    deductions += p.tk == "21";
    for (const std::string& e : p.extra) {
      r.push_back(Left(e, 80));
      extra_refs += e.substr(0, 2) == "22" || e.substr(0, 2) == "23";
    }
  }
  r.push_back(Left("15" + Left("00000000000000000000058410000010098", 35) + "20040525" + "00074" +
                   Right(std::to_string(sum), 18) + "SEK" +
                   Right(std::to_string(payments.size()), 8), 80));
  r.push_back(Left("70" + Right(std::to_string(payments.size() - deductions), 8) +
                   Right(std::to_string(deductions), 8) + Right(std::to_string(extra_refs), 8) +
                   "00000001", 80));
  std::string file;
  for (const std::string& x : r) file += x + "\r\n";
  return file;
}

// A camt.054 notification with the given <Ntry> elements.
inline std::string Camt054(const std::string& entries, const std::string& version = "02") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001." + version + "\">\n"
         "<BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M1</MsgId></GrpHdr><Ntfctn><Id>N1</Id>\n"
         "<Acct><Id><IBAN>NO9386011117947</IBAN></Id></Acct>\n" + entries +
         "</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>\n";
}

// A camt.053 statement with the given <Ntry> elements; `summary` goes inside TxsSummry/TtlNtries.
inline std::string Camt053(const std::string& entries, const std::string& version = "02",
                           const std::string& summary = "") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001." + version + "\">\n"
         "<BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId></GrpHdr><Stmt><Id>S1</Id>\n"
         "<Acct><Id><IBAN>NO9386011117947</IBAN></Id></Acct>\n" +
         (summary.empty() ? "" : "<TxsSummry><TtlNtries>" + summary + "</TtlNtries></TxsSummry>\n") +
         entries + "</Stmt></BkToCstmrStmt></Document>\n";
}

inline std::string Entry(const std::string& amount, const std::string& ccy = "NOK",
                         const std::string& details = "", const std::string& cdt_dbt = "CRDT",
                         const std::string& svcr_ref = "") {
  return "<Ntry><Amt Ccy=\"" + ccy + "\">" + amount + "</Amt><CdtDbtInd>" + cdt_dbt +
         "</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2024-03-01</Dt></BookgDt>"
         "<ValDt><DtTm>2024-03-02T10:00:00</DtTm></ValDt>" +
         (svcr_ref.empty() ? "" : "<AcctSvcrRef>" + svcr_ref + "</AcctSvcrRef>") +
         (details.empty() ? "" : "<NtryDtls>" + details + "</NtryDtls>") + "</Ntry>\n";
}

inline std::string TxDtls(const std::string& inner) { return "<TxDtls>" + inner + "</TxDtls>"; }

// An Entry with the status written as the choice of .07 and later (<Sts><Cd>BOOK</Cd></Sts>).
inline std::string WithStatusCode(std::string entry) {
  const std::string plain = "<Sts>BOOK</Sts>";
  size_t at = entry.find(plain);
  if (at != std::string::npos) entry.replace(at, plain.size(), "<Sts><Cd>BOOK</Cd></Sts>");
  return entry;
}

}  // namespace purr::bank::testing

#endif  // PURR_TESTS_BANK_BUILDERS_H_
