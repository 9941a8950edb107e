// The bad inputs the issue lists, one test each, across the formats.
#include <gtest/gtest.h>

#include <string>

#include "bank/bank.h"
#include "tests/bank/bank_test_util.h"
#include "tests/bank/builders.h"

namespace purr::bank {
namespace {

using testing::Camt054;
using testing::Dump;
using testing::Entry;

void ExpectRejected(const std::string& bytes, const std::string& reason,
                    Status::Code code = Status::Code::kInvalidInput) {
  ParseResult r = Parse(bytes);
  EXPECT_FALSE(r.file_status.ok()) << Dump(r);
  EXPECT_EQ(r.file_status.code(), code) << r.file_status.ToString();
  EXPECT_NE(r.file_status.message().find(reason), std::string::npos) << r.file_status.message();
  EXPECT_TRUE(r.transactions.empty());
}

TEST(BadInput, MalformedXml) {
  std::string doc = Camt054(Entry("1.00"));
  doc.replace(doc.find("</CdtDbtInd>"), 12, "</CdtDbt>");
  ExpectRejected(doc, "not well-formed at line 5");
}

TEST(BadInput, TruncatedXml) {
  std::string doc = Camt054(Entry("1.00") + Entry("2.00"));
  ExpectRejected(doc.substr(0, doc.size() - 40), "not well-formed");
}

TEST(BadInput, ExternalEntity) {
  std::string doc = Camt054(Entry("&xxe;"));
  doc.insert(doc.find("<Document"),
             "<!DOCTYPE Document [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n");
  ExpectRejected(doc, "DOCTYPE");
}

TEST(BadInput, EntityExpansion) {
  std::string dtd = "<!DOCTYPE Document [<!ENTITY a0 \"lol\">";
  for (int i = 1; i <= 30; ++i) {
    std::string prev = "&a" + std::to_string(i - 1) + ";";
    dtd += "<!ENTITY a" + std::to_string(i) + " \"" + prev + prev + prev + prev + "\">";
  }
  dtd += "]>\n";
  std::string doc = Camt054(Entry("1.00", "NOK", "<TxDtls><RmtInf><Ustrd>&a30;</Ustrd></RmtInf></TxDtls>"));
  doc.insert(doc.find("<Document"), dtd);
  ExpectRejected(doc, "DOCTYPE");
}

TEST(BadInput, UnknownCamtVersion) {
  ExpectRejected(Camt054(Entry("1.00"), "14"), "unsupported camt version camt.054.001.14",
                 Status::Code::kUnsupported);
  ExpectRejected(Camt054(Entry("1.00"), "01"), "unsupported camt version",
                 Status::Code::kUnsupported);
  std::string report = Camt054(Entry("1.00"));
  report.replace(report.find("camt.054"), 8, "camt.052");
  ExpectRejected(report, "camt.053 and camt.054 only", Status::Code::kUnsupported);
  ExpectRejected("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\"/>",
                 "not a camt document", Status::Code::kUnsupported);
}

TEST(BadInput, FixedWidthShortRecordInTheAmount) {
  std::string file = testing::NetsFile({{"10", 10000, "12344"}, {"10", 20000, "23456783"}});
  size_t second_item1 = file.find("NY091030", file.find("NY091030") + 1);
  file.erase(second_item1 + 40, 40);  // cut inside the amount field
  ParseResult r = Parse(file);
  EXPECT_FALSE(r.file_status.ok()) << Dump(r);
  EXPECT_NE(r.file_status.message().find("control totals disagree"), std::string::npos);
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(r.diagnostics[0].position, "record 5");
}

TEST(BadInput, FixedWidthShortRecordOnlyMissingFiller) {
  std::string file = testing::BgMaxFile({{"20", 10000, "655969"}});
  size_t payment = file.find("\r\n20");
  file.erase(payment + 2 + 70, 10);  // the reserve columns 71-80 are gone
  ParseResult r = Parse(file);
  ASSERT_TRUE(r.file_status.ok()) << Dump(r);
  ASSERT_EQ(r.transactions.size(), 1u);
  EXPECT_EQ(r.transactions[0].amount_minor, 10000);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].severity, Diagnostic::Severity::kWarning);
  EXPECT_EQ(r.diagnostics[0].position, "record 3");
}

TEST(BadInput, LettersInAnAmountField) {
  std::string nets = testing::NetsFile({{"10", 10000, "12344"}});
  nets.replace(nets.find("00000000000010000"), 17, "0000000000001OOOO");
  ParseResult r = Parse(nets);
  EXPECT_FALSE(r.file_status.ok());
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_NE(r.diagnostics[0].message.find("is not digits"), std::string::npos);

  std::string bgmax = testing::BgMaxFile({{"20", 10000, "655969"}});
  bgmax.replace(bgmax.find("000000000000010000"), 18, "00000000000001OO00");
  r = Parse(bgmax);
  EXPECT_FALSE(r.file_status.ok());
  EXPECT_NE(r.file_status.message().find("cannot be checked"), std::string::npos);

  ParseResult csv = Parse("Date;Amount;Currency\n2024-01-02;12O,00;NOK\n2024-01-03;5,00;NOK\n");
  EXPECT_TRUE(csv.file_status.ok());
  EXPECT_EQ(csv.transactions.size(), 1u);
  ASSERT_EQ(csv.diagnostics.size(), 1u);
  EXPECT_EQ(csv.diagnostics[0].position, "line 2");
  EXPECT_NE(csv.diagnostics[0].message.find("letter"), std::string::npos);
}

TEST(BadInput, ControlTotalsDisagree) {
  std::string nets = testing::NetsFile({{"10", 10000, "12344"}});
  std::string changed = nets;
  changed.replace(changed.find("NY000089") + 24, 17, "00000000000010001");
  ExpectRejected(changed, "end-of-transmission record states 10001");
  changed = nets;
  changed.replace(changed.find("NY090088") + 8, 8, "00000002");
  ExpectRejected(changed, "states 2 transactions but the file has 1");

  std::string bgmax = testing::BgMaxFile({{"20", 10000, "655969"}, {"20", 5000, "657866"}});
  changed = bgmax;
  changed.replace(changed.find("\r\n15") + 2 + 50, 18, "000000000000015001");
  ExpectRejected(changed, "control totals disagree");
  changed = bgmax;
  changed.replace(changed.find("\r\n70") + 4, 8, "00000003");
  ExpectRejected(changed, "end record (70) states 3 payment records but the file has 2");
}

TEST(BadInput, WrongEncoding) {
  std::string camt = Camt054(Entry("1.00", "NOK", "<TxDtls><RmtInf><Ustrd>Bl\xE5" "b\xE6r</Ustrd>"
                                                  "</RmtInf></TxDtls>"));
  ExpectRejected(camt, "not well-formed");  // Latin-1 bytes in a UTF-8 document

  ParseOptions utf8_only;
  auto profiles = CsvProfiles::FromYaml(
      "profiles: [{name: strict, encoding: utf-8, separator: ';', decimal: ',', "
      "date_formats: [YYYY-MM-DD], default_currency: NOK, "
      "columns: {booking_date: Date, amount: Amount, text: Text}}]");
  ASSERT_TRUE(profiles.ok()) << profiles.status().ToString();
  utf8_only.csv_profiles = *profiles;
  utf8_only.csv_profile = "strict";
  ParseResult r = Parse("Date;Amount;Text\n2024-01-02;5,00;Bl\xE5\n", utf8_only);
  EXPECT_FALSE(r.file_status.ok());
  EXPECT_NE(r.file_status.message().find("not valid UTF-8"), std::string::npos);

  // A BgMax file someone converted to UTF-8 is read back as ISO-8859-1 columns, with a warning.
  std::string bgmax = testing::BgMaxFile({{"20", 10000, "655969", '2', "000000000001",
                                           {"26Kalles Plåt AB"}}});
  r = Parse(bgmax);
  ASSERT_TRUE(r.file_status.ok()) << Dump(r);
  EXPECT_EQ(r.transactions[0].payer_name, "Kalles Plåt AB");
  EXPECT_EQ(r.diagnostics.at(0).severity, Diagnostic::Severity::kWarning);
}

TEST(BadInput, EmptyFile) {
  ExpectRejected("", "empty file");
  ExpectRejected("  \r\n", "empty file");
  ExpectRejected("\xEF\xBB\xBF", "empty file");
  testing::NullSink sink;
  EXPECT_FALSE(ParseCamt("", sink).ok());
  EXPECT_FALSE(ParseOcrGiro("", {}, sink).ok());
  EXPECT_FALSE(ParseBgMax("", sink).ok());
  EXPECT_FALSE(ParseCsv("", *CsvProfiles::Builtin()->Find("generic"), sink).ok());
}

TEST(BadInput, NotABankFile) {
  ExpectRejected("hello world\n", "not a bank file", Status::Code::kUnsupported);
  ExpectRejected("%PDF-1.4 binary", "not a bank file", Status::Code::kUnsupported);
}

TEST(BadInput, SameFileTwiceGivesTheSameIds) {
  for (const std::string& file :
       {testing::NetsFile({{"10", 100, "12344"}, {"10", 100, "12344"}}),
        testing::BgMaxFile({{"20", 100, "655969"}, {"20", 100, "655969"}}),
        Camt054(Entry("1.00") + Entry("1.00")),
        std::string("Date;Amount;Currency\n2024-01-02;1,00;NOK\n2024-01-02;1,00;NOK\n")}) {
    ParseResult a = Parse(file), b = Parse(file);
    ASSERT_EQ(a.transactions.size(), 2u) << Dump(a);
    EXPECT_EQ(a.transactions[0].payment_id, b.transactions[0].payment_id);
    EXPECT_EQ(a.transactions[1].payment_id, b.transactions[1].payment_id);
    EXPECT_NE(a.transactions[0].payment_id, a.transactions[1].payment_id);
  }
}

}  // namespace
}  // namespace purr::bank
