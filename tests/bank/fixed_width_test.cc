// Nets OCR giro and BgMax records, field by field.
#include <gtest/gtest.h>

#include <string>

#include "bank/bank.h"
#include "tests/bank/bank_test_util.h"
#include "tests/bank/builders.h"

namespace purr::bank {
namespace {

using testing::BgMaxFile;
using testing::BgMaxPayment;
using testing::Dump;
using testing::NetsFile;
using testing::NetsTx;

struct NetsCase {
  NetsTx tx;
  Direction direction;
  bool reversal;
  const char* text;
};

class NetsTransactionType : public ::testing::TestWithParam<NetsCase> {};

TEST_P(NetsTransactionType, MapsDirectionReversalAndText) {
  const NetsCase& c = GetParam();
  // A second, larger payment keeps the control sum positive.
  ParseResult r = Parse(NetsFile({c.tx, NetsTx("10", 1000000, "12344")}));
  ASSERT_TRUE(r.file_status.ok()) << Dump(r);
  ASSERT_EQ(r.transactions.size(), 2u) << Dump(r);
  const Transaction& t = r.transactions[0];
  EXPECT_EQ(t.direction, c.direction);
  EXPECT_EQ(t.reversal, c.reversal);
  EXPECT_EQ(t.text, c.text);
  EXPECT_EQ(t.amount_minor, c.tx.ore);
  EXPECT_EQ(t.booking_date, "1992-01-20");
  EXPECT_EQ(t.payer_account, "99990512341");
  EXPECT_EQ(t.bank_reference, "099038562");
}

INSTANTIATE_TEST_SUITE_P(
    Types, NetsTransactionType,
    ::testing::Values(NetsCase{{"10", 12300, "12344"}, Direction::kCredit, false, ""},
                      NetsCase{{"13", 1, "1009-"}, Direction::kCredit, false, ""},
                      NetsCase{{"10", 500, "12344", '-'}, Direction::kDebit, false, ""},
                      NetsCase{{"18", 700, "12344"}, Direction::kDebit, true, ""},
                      NetsCase{{"20", 700, "", '0', "Retur faktura 9"}, Direction::kDebit, true,
                               "Retur faktura 9"},
                      NetsCase{{"21", 900, "", '0', "Faktura 4711"}, Direction::kCredit, false,
                               "Faktura 4711"}));

TEST(NetsOcrGiro, KidKeepsLeadingZerosAndBlankKidGivesNoReference) {
  ParseResult r = Parse(NetsFile({{"10", 100, "0036633"}, {"10", 100, ""}}));
  ASSERT_EQ(r.transactions.size(), 2u) << Dump(r);
  EXPECT_EQ(r.transactions[0].references, std::vector<std::string>{"0036633"});
  EXPECT_EQ(r.transactions[0].reference_details[0].type, "kid");
  EXPECT_TRUE(r.transactions[1].references.empty());
}

TEST(NetsOcrGiro, TwoDigitYearsFollowThePivot) {
  std::string file = NetsFile({{"10", 100, "12344"}});
  file.replace(file.find("200192"), 6, "010169");
  ParseResult r = Parse(file);
  ASSERT_EQ(r.transactions.size(), 1u) << Dump(r);
  EXPECT_EQ(r.transactions[0].booking_date, "2069-01-01");
  ParseOptions options;
  options.two_digit_year_pivot = 60;
  EXPECT_EQ(Parse(file, options).transactions[0].booking_date, "1969-01-01");
}

TEST(NetsOcrGiro, TruncatedTransmissionIsRejected) {
  std::string file = NetsFile({{"10", 100, "12344"}});
  ParseResult r = Parse(file.substr(0, file.find("NY000089")));
  EXPECT_FALSE(r.file_status.ok());
  EXPECT_NE(r.file_status.message().find("truncated"), std::string::npos);
}

TEST(NetsOcrGiro, UnknownRecordTypeIsReportedAndCounted) {
  std::string file = NetsFile({{"10", 100, "12344"}});
  std::string odd = testing::Left("NY091040", 80, '0') + "\n";
  file.insert(file.find("NY090088"), odd);
  // Both end records now understate the record count by one; restate them.
  file.replace(file.find("NY090088") + 16, 8, "00000005");
  file.replace(file.find("NY000089") + 16, 8, "00000007");
  ParseResult r = Parse(file);
  ASSERT_TRUE(r.file_status.ok()) << Dump(r);
  EXPECT_EQ(r.transactions.size(), 1u);
  ASSERT_EQ(testing::CountErrors(r), 1u);
  EXPECT_EQ(r.diagnostics[0].position, "record 5");
}

TEST(NetsOcrGiro, GarbageLineIsReportedThenTheTotalsReject) {
  std::string file = NetsFile({{"10", 100, "12344"}});
  file.insert(file.find("NY090088"), testing::Left("garbage", 80) + "\n");
  ParseResult r = Parse(file);
  EXPECT_FALSE(r.file_status.ok());
  EXPECT_NE(r.file_status.message().find("states 4 records but the file has 5"),
            std::string::npos) << r.file_status.message();
  ASSERT_EQ(testing::CountErrors(r), 1u) << Dump(r);
  EXPECT_EQ(r.diagnostics[0].position, "record 5");
  EXPECT_TRUE(r.transactions.empty());
}

TEST(NetsOcrGiro, WithoutLineBreaksAndWithCrlf) {
  std::string file = NetsFile({{"10", 100, "12344"}, {"11", 200, "23456783"}});
  std::string crlf, flat;
  for (char c : file) {
    if (c == '\n') {
      crlf += "\r\n";
    } else {
      crlf += c;
      flat += c;
    }
  }
  EXPECT_EQ(testing::SumSigned(Parse(crlf)), 300);
  EXPECT_EQ(testing::SumSigned(Parse(flat)), 300);
}

TEST(BgMax, PaymentFieldsAndPayerRecords) {
  BgMaxPayment p{"20", 123400, "655969", '2', "000000000042",
                 {"25Faktura 655969", "26Kalles Plåt AB                     Avd 2",
                  "27Storgatan 2                        12345", "28Storåker",
                  "29005500001234"}};
  std::string file = BgMaxFile({p});
  std::string latin1;  // the builder writes UTF-8 literals; the format is ISO-8859-1
  for (size_t i = 0; i < file.size(); ++i) {
    if (file.compare(i, 2, "\xC3\xA5") == 0) {
      latin1 += '\xE5';
      ++i;
    } else {
      latin1 += file[i];
    }
  }
  ParseResult r = Parse(latin1);
  ASSERT_TRUE(r.file_status.ok()) << Dump(r);
  ASSERT_EQ(r.transactions.size(), 1u);
  const Transaction& t = r.transactions[0];
  EXPECT_EQ(t.format, "bgmax");
  EXPECT_EQ(t.amount_minor, 123400);
  EXPECT_EQ(t.currency, "SEK");
  EXPECT_EQ(t.booking_date, "2004-05-25");
  EXPECT_EQ(t.references, std::vector<std::string>{"655969"});
  EXPECT_EQ(t.reference_details[0].type, "bgmax:2");
  EXPECT_EQ(t.text, "Faktura 655969");
  EXPECT_EQ(t.payer_name, "Kalles Plåt AB Avd 2");
  EXPECT_EQ(t.payer_address, "Storgatan 2\n12345\nStoråker");
  EXPECT_EQ(t.payer_org_number, "005500001234");
  EXPECT_EQ(t.payer_account, "0003783511");
  EXPECT_EQ(t.bank_reference, "000000000042");
  EXPECT_EQ(t.account, "0009912346");
}

TEST(BgMax, DeductionAndWrongReference) {
  ParseResult r = Parse(BgMaxFile({{"20", 100000, "655969"}, {"21", 30000, "89853", '5'}}));
  ASSERT_TRUE(r.file_status.ok()) << Dump(r);
  EXPECT_EQ(testing::Amounts(r), (std::vector<int64_t>{100000, -30000}));
  EXPECT_EQ(r.transactions[1].reference_details[0].type, "bgmax:5");
}

TEST(BgMax, ExtraReferencesWithAmounts) {
  BgMaxPayment p{"20", 70000, "", '0', "000000000061",
                 {"220003783511                    34850000000000000040000230594830000061",
                  "230003783511                    47852000000000000020000230594830000061",
                  "220003783511                   583161000000000000050000230594830000061"}};
  ParseResult r = Parse(BgMaxFile({p}));
  ASSERT_EQ(r.transactions.size(), 1u) << Dump(r);
  const Transaction& t = r.transactions[0];
  EXPECT_EQ(t.references, (std::vector<std::string>{"34850", "47852", "583161"}));
  EXPECT_EQ(t.reference_details[1].amount_minor, -20000);
}

TEST(BgMax, TestFileIsRefused) {
  std::string file = BgMaxFile({{"20", 100, "1"}});
  file[44] = 'T';
  ParseResult r = Parse(file);
  EXPECT_EQ(r.file_status.code(), Status::Code::kUnsupported);
  EXPECT_NE(r.file_status.message().find("test marker"), std::string::npos);
}

TEST(BgMax, UnknownRecordTypeReportedFileKept) {
  std::string file = BgMaxFile({{"20", 100, "655969"}});
  file.insert(file.find("\r\n15") + 2, testing::Left("99something", 80) + "\r\n");
  ParseResult r = Parse(file);
  ASSERT_TRUE(r.file_status.ok()) << Dump(r);
  EXPECT_EQ(r.transactions.size(), 1u);
  ASSERT_EQ(testing::CountErrors(r), 1u);
  EXPECT_NE(r.diagnostics[0].message.find("unknown record type"), std::string::npos);
}

TEST(BgMax, MissingEndRecordIsTruncation) {
  std::string file = BgMaxFile({{"20", 100, "655969"}});
  ParseResult r = Parse(file.substr(0, file.find("\r\n70") + 2));
  EXPECT_FALSE(r.file_status.ok());
  EXPECT_NE(r.file_status.message().find("truncated"), std::string::npos);
}

TEST(MaskAccount, KeepsOnlyTheEnds) {
  EXPECT_EQ(MaskAccount("NO9386011117947"), "NO93*******7947");
  EXPECT_EQ(MaskAccount("99991005524"), "9999***5524");
  EXPECT_EQ(MaskAccount("12345678"), "******78");
  EXPECT_EQ(MaskAccount(""), "");
}

}  // namespace
}  // namespace purr::bank
