// Every file of the shared conformance corpus, with the facts SOURCES.md states.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "bank/bank.h"
#include "tests/bank/bank_test_util.h"

namespace purr::bank {
namespace {

using testing::Amounts;
using testing::CountErrors;
using testing::Dump;
using testing::ParseConformance;
using testing::SumSigned;

class Conformance : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::HaveConformance()) GTEST_SKIP() << "no " << testing::ConformanceDir();
  }
  // Parses a file that must be accepted without errors.
  ParseResult Good(const std::string& name) {
    ParseResult r = ParseConformance(name);
    EXPECT_TRUE(r.file_status.ok()) << name << "\n" << Dump(r);
    EXPECT_EQ(CountErrors(r), 0u) << name << "\n" << Dump(r);
    return r;
  }
  ParseResult Rejected(const std::string& name, const std::string& reason) {
    ParseResult r = ParseConformance(name);
    EXPECT_FALSE(r.file_status.ok()) << name << "\n" << Dump(r);
    EXPECT_NE(r.file_status.message().find(reason), std::string::npos)
        << r.file_status.message();
    EXPECT_TRUE(r.transactions.empty());
    return r;
  }
};

std::vector<std::string> Kids(const ParseResult& r) {
  std::vector<std::string> kids;
  for (const Transaction& t : r.transactions) {
    kids.push_back(t.references.empty() ? "" : t.references.front());
  }
  return kids;
}

TEST_F(Conformance, NetsOcrGiroTransactions) {
  ParseResult r = Good("ocr_giro/netsgiro_ocr_giro_transactions.txt");
  EXPECT_EQ(r.format, "ocr-giro");
  ASSERT_EQ(r.transactions.size(), 20u) << Dump(r);
  EXPECT_EQ(SumSigned(r), 5144900);
  EXPECT_EQ(Amounts(r), (std::vector<int64_t>{102000, 102000, 56000, 102000, 102000, 56000,
                                              102000, 150000, 120000, 55000, 194300, 100000,
                                              50000, 2050000, 550000, 1050000, 64400, 56400,
                                              28800, 54000}));
  EXPECT_EQ(Kids(r), (std::vector<std::string>{
                         "0000531", "0036633", "0048763", "0063851", "0120243", "0165867",
                         "0178357", "02212291038306", "02311291038304", "02310291038308",
                         "000149012", "01211291038306", "02111291038305", "02321291038303",
                         "02331291038302", "02341291038301", "02358291038305",
                         "02311291029238", "02311291034832", "02311291133188"}));
  for (const Transaction& t : r.transactions) {
    EXPECT_EQ(t.booking_date, "1992-01-20");
    EXPECT_EQ(t.currency, "NOK");
    EXPECT_EQ(t.account, "99991042764");
    EXPECT_EQ(t.direction, Direction::kCredit);
    EXPECT_FALSE(t.reversal);
  }
  EXPECT_EQ(r.transactions[0].text, "Foo bar baz");  // type 21, amount item 3
  EXPECT_EQ(r.transactions[1].payer_account, "99991005524");
  EXPECT_EQ(r.transactions[1].bank_reference, "097596016");
}

TEST_F(Conformance, NetsOcrGiroSignedAmounts) {
  ParseResult r = Good("ocr_giro/java-netsgiro_ocr1.txt");
  ASSERT_EQ(r.transactions.size(), 23u) << Dump(r);
  EXPECT_EQ(SumSigned(r), 1563000);  // the trailer's signed sum
  std::vector<std::pair<int64_t, std::string>> debits;
  for (const Transaction& t : r.transactions) {
    EXPECT_EQ(t.booking_date, "2004-03-24");
    EXPECT_EQ(t.account, "99991111111");
    if (t.direction == Direction::kDebit) debits.push_back({t.amount_minor, t.references[0]});
  }
  EXPECT_EQ(debits, (std::vector<std::pair<int64_t, std::string>>{
                        {25000, "44000366370078"}, {40000, "44000366980090"},
                        {150000, "44000007860156"}}));
}

TEST_F(Conformance, AvtaleGiroIsNotOcrGiro) {
  Rejected("ocr_giro/netsgiro_avtalegiro_payment_request.txt", "AvtaleGiro");
}

TEST_F(Conformance, BgMaxOcrCheck) {
  ParseResult r = Good("bgmax/bankgirot_exempelfil_avtal-om-ocr-kontroll_sv.txt");
  EXPECT_EQ(r.format, "bgmax");
  ASSERT_EQ(r.transactions.size(), 4u) << Dump(r);
  EXPECT_EQ(Amounts(r), (std::vector<int64_t>{90000, 10000, 60000, 50000}));
  EXPECT_EQ(SumSigned(r), 210000);
  const auto& t = r.transactions;
  EXPECT_EQ(t[0].references, std::vector<std::string>{"573949"});
  EXPECT_TRUE(t[1].references.empty());
  EXPECT_EQ(t[2].references, (std::vector<std::string>{"65896", "65862", "65763"}));
  EXPECT_EQ(t[2].text, "65896,65862,65763");
  EXPECT_EQ(t[3].references, std::vector<std::string>{"65581"});
  EXPECT_EQ(t[3].text, "Faktura65581 Kundnr1233");
  EXPECT_EQ(t[3].payer_account, "009701233");  // left-justified in the file
  for (const Transaction& x : t) {
    EXPECT_EQ(x.booking_date, "2004-05-25");
    EXPECT_EQ(x.currency, "SEK");
    EXPECT_EQ(x.account, "0009912346");
  }
}

TEST_F(Conformance, BgMaxCheckDigitAndLengthWithQuirks) {
  ParseResult r = Good("bgmax/bankgirot_exempelfil_avtal-om-ocr-kontroll_checksiffra_langd_sv.txt");
  ASSERT_EQ(r.transactions.size(), 7u) << Dump(r);
  // Deposit 1: 1000 + 1400 - 500 = 1900.00; deposit 2: 8000.00.
  EXPECT_EQ(Amounts(r), (std::vector<int64_t>{100000, -50000, 140000, 110000, 120000, 70000,
                                              500000}));
  EXPECT_EQ(SumSigned(r), 190000 + 800000);
  const auto& t = r.transactions;
  EXPECT_EQ(t[0].payer_name, "Kalles Plåt AB");  // ISO-8859-1 0xE5 now UTF-8
  EXPECT_EQ(t[0].payer_org_number, "005500001234");
  EXPECT_EQ(t[0].payer_address, "Storgatan 2\n12345\nStoråker");
  EXPECT_EQ(t[1].direction, Direction::kDebit);  // TK21 deduction
  EXPECT_EQ(t[1].references, std::vector<std::string>{"89853"});
  // Record 16 is short and record 17 has TABs: both extra refs still read, with warnings.
  EXPECT_EQ(t[2].references,
            (std::vector<std::string>{"657866", "658765", "657767", "657965"}));
  EXPECT_EQ(t[6].references, (std::vector<std::string>{"658260", "658369", "658468"}));
  EXPECT_EQ(t[6].text, "Faktura 658369\nFaktura 658468");
  std::set<std::string> warned;
  for (const Diagnostic& d : r.diagnostics) warned.insert(d.position);
  EXPECT_TRUE(warned.count("record 16") && warned.count("record 17") && warned.count("record 50"))
      << Dump(r);
}

TEST_F(Conformance, BgMaxWithoutOptionalChecks) {
  ParseResult r = Good("bgmax/bankgirot_exempelfil_avtalutantillval_kontroller_sv.txt");
  ASSERT_EQ(r.transactions.size(), 5u) << Dump(r);
  EXPECT_EQ(Amounts(r), (std::vector<int64_t>{10000, 20000, 30000, 10000, 15000}));
  EXPECT_EQ(SumSigned(r), 85000);
  EXPECT_EQ(Kids(r), (std::vector<std::string>{"65598", "524963", "23554", "", ""}));
  EXPECT_NE(r.transactions[0].text.find("Här är betalning från mig till dig"),
            std::string::npos);
}

TEST_F(Conformance, BgMaxImageFileWithNegativeExtraReference) {
  ParseResult r = Good(
      "bgmax/bankgirot_bildfil_avtal-ocr-kontroll_utokad-blankettregistrering-ocr-kontroll_"
      "exempelfil.txt");
  ASSERT_EQ(r.transactions.size(), 6u) << Dump(r);
  EXPECT_EQ(Amounts(r), (std::vector<int64_t>{100000, 78000, 29100, 30000, 70000, 46200}));
  EXPECT_EQ(SumSigned(r), 353300);
  const Transaction& t = r.transactions[4];
  EXPECT_EQ(t.payer_account, "0003783511");
  ASSERT_EQ(t.reference_details.size(), 3u);
  EXPECT_EQ(t.references, (std::vector<std::string>{"34850", "47852", "583161"}));
  EXPECT_EQ(t.reference_details[0].amount_minor, 40000);
  EXPECT_EQ(t.reference_details[1].amount_minor, -20000);  // TK23
  EXPECT_EQ(t.reference_details[2].amount_minor, 50000);
  EXPECT_EQ(t.booking_date, "2005-12-06");
}

TEST_F(Conformance, BgMaxInvalidRecordTypesRejected) {
  ParseResult r = Rejected("bgmax/diapraxas_someInvalidTransaktionskoder.txt", "record");
  EXPECT_GE(r.diagnostics.size(), 1u);
}

TEST_F(Conformance, Camt054PostFinanceWithReversals) {
  ParseResult r = Good("camt054/viafintech_054_valid_example.xml");
  EXPECT_EQ(r.format, "camt.054.001.04");
  ASSERT_EQ(r.transactions.size(), 5u) << Dump(r);  // the 24.00 entry has 2 TxDtls
  EXPECT_EQ(Amounts(r), (std::vector<int64_t>{1500, 900, 5656, -600, -1553}));
  EXPECT_FALSE(r.transactions[0].reversal);
  EXPECT_TRUE(r.transactions[3].reversal);
  EXPECT_TRUE(r.transactions[4].reversal);
  for (const Transaction& t : r.transactions) {
    EXPECT_EQ(t.currency, "CHF");
    EXPECT_EQ(t.account, "CH0309000000250090342");
  }
  EXPECT_EQ(r.transactions[0].payer_name, "Rutschmann Pia");
  EXPECT_EQ(r.transactions[0].end_to_end_id, "EndToEnd-CRDBRActSame-1B9C-CHDDBB2");
  EXPECT_EQ(r.transactions[0].bank_reference, "TST_201-2091644-9");
}

std::vector<std::string> RefsOf(const ParseResult& r) {
  std::vector<std::string> refs;
  for (const Transaction& t : r.transactions) {
    refs.insert(refs.end(), t.references.begin(), t.references.end());
  }
  return refs;
}

TEST_F(Conformance, Camt054IsoExampleReferencesInOrder) {
  for (const char* name : {"camt054/genkgo_camt054.v2.xml", "camt054/genkgo_camt054.v8.xml"}) {
    ParseResult r = Good(name);
    // The TxDtls amounts do not add up to the 200000 SEK entry: it is delivered whole.
    ASSERT_EQ(r.transactions.size(), 1u) << Dump(r);
    EXPECT_EQ(r.transactions[0].amount_minor, 20000000);
    EXPECT_EQ(r.transactions[0].currency, "SEK");
    EXPECT_EQ(r.transactions[0].direction, Direction::kDebit);
    EXPECT_EQ(RefsOf(r), (std::vector<std::string>{"ISR ref number V1", "ISR ref number V2",
                                                   "Ref number V3 block 1",
                                                   "Ref number V3 block 2"}));
    EXPECT_EQ(r.transactions[0].reference_details[2].type, "SCOR");
    EXPECT_EQ(r.transactions[0].reference_details[0].type, "ISR Reference");
  }
}

TEST_F(Conformance, Camt054Small) {
  for (const char* name : {"camt054/genkgo_camt054.v2.with-account-name.xml",
                           "camt054/genkgo_camt054.v8-with-UETR.xml"}) {
    ParseResult r = Good(name);
    ASSERT_EQ(r.transactions.size(), 1u) << Dump(r);
    EXPECT_EQ(SumSigned(r), -20000000);
  }
}

TEST_F(Conformance, Camt053Genkgo) {
  for (const char* name : {"camt053/genkgo_camt053.v2.five.decimals.xml",
                           "camt053/genkgo_camt053.v2.minimal.xml", "camt053/genkgo_camt053.v8.xml"}) {
    ParseResult r = Good(name);
    ASSERT_EQ(r.transactions.size(), 1u) << Dump(r);
    EXPECT_EQ(r.transactions[0].amount_minor, 885) << name;
    EXPECT_EQ(r.transactions[0].currency, "EUR");
    EXPECT_EQ(r.transactions[0].direction, Direction::kCredit);
  }
  EXPECT_EQ(RefsOf(Good("camt053/genkgo_camt053.v2.minimal.xml")),
            std::vector<std::string>{"4654654654654654"});
  EXPECT_EQ(Good("camt053/genkgo_camt053.v8.xml").format, "camt.053.001.08");
  EXPECT_EQ(Amounts(Good("camt053/genkgo_camt053.v2.multi.statement.xml")),
            (std::vector<int64_t>{885, -700}));
  ParseResult no_entries = Good("camt053/genkgo_camt53.only-Dt-with-DtTm.xml");
  EXPECT_TRUE(no_entries.transactions.empty());
}

TEST_F(Conformance, Camt053KnownBad) {
  Rejected("camt053/genkgo_camt053.v2.wrong.xml", "without any Stmt");
  Rejected("camt053/viafintech_general_invalid_namespace.xml", "without any Stmt");
}

TEST_F(Conformance, Camt053SwissV4Reconciles) {
  ParseResult r = Good("camt053/viafintech_053_valid_example_v4.xml");
  int64_t credits = 0, debits = 0, reversals = 0;
  for (const Transaction& t : r.transactions) {
    (t.direction == Direction::kCredit ? credits : debits) += t.amount_minor;
    reversals += t.reversal;
  }
  EXPECT_EQ(credits, 181056);
  EXPECT_EQ(debits, 127295);
  EXPECT_EQ(32215216 + credits - debits, 32268977);  // OPBD + entries = CLBD
  EXPECT_EQ(reversals, 2);
  // 13 entries; the 1000.00, 620.00, 110.00 and 24.00 credits split into 10, 8, 3, 2 TxDtls.
  EXPECT_EQ(r.transactions.size(), 13u - 4u + 10u + 8u + 3u + 2u) << Dump(r);
  std::vector<std::string> isr;
  for (const Transaction& t : r.transactions) {
    for (const Reference& ref : t.reference_details) isr.push_back(ref.type);
  }
  EXPECT_EQ(std::count(isr.begin(), isr.end(), "ISR Reference"), 10);
}

TEST_F(Conformance, Camt053V8) {
  ParseResult r = Good("camt053/viafintech_053_valid_example_v8.xml");
  ASSERT_EQ(r.transactions.size(), 3u) << Dump(r);
  EXPECT_EQ(Amounts(r), (std::vector<int64_t>{47440, 8885, -2097}));
  EXPECT_EQ(r.transactions[1].references, std::vector<std::string>{"RF38000000000000000000552"});
  EXPECT_EQ(r.transactions[1].reference_details[0].type, "SCOR");
  EXPECT_EQ(r.transactions[2].references,
            std::vector<std::string>{"000000270148751802165444888"});
  EXPECT_EQ(r.transactions[2].reference_details[0].type, "QRR");
  EXPECT_EQ(r.transactions[2].currency, "EUR");
}

TEST_F(Conformance, Camt053OcaAndBatches) {
  ParseResult oca = Good("camt053/oca_test-camt053.xml");  // no XML declaration
  EXPECT_EQ(Amounts(oca), (std::vector<int64_t>{-75425, -56405, -10000, 140531}));
  EXPECT_TRUE(oca.transactions[1].reversal && oca.transactions[2].reversal);
  ParseResult split = Good("camt053/oca_test-camt053-txdtls.xml");
  EXPECT_EQ(Amounts(split), (std::vector<int64_t>{218700, 129600}));
  EXPECT_EQ(RefsOf(split), (std::vector<std::string>{"302388292000011111111111111",
                                                     "302388292000022222222222222"}));
  ParseResult batch = Good("camt053/viafintech_053_valid_example_with_batch.xml");
  EXPECT_EQ(Amounts(batch), (std::vector<int64_t>{-475374, 268800, 500000}));
  ParseResult debit = Good("camt053/viafintech_053_valid_example_with_debit.xml");
  EXPECT_EQ(Amounts(debit), (std::vector<int64_t>{-200, -300, 100, -350, -250}));
}

// Every accepted file: ids unique within the file and identical on a second parse.
TEST_F(Conformance, PaymentIdsAreUniqueAndStable) {
  for (const char* name :
       {"ocr_giro/netsgiro_ocr_giro_transactions.txt", "ocr_giro/java-netsgiro_ocr1.txt",
        "bgmax/bankgirot_exempelfil_avtal-om-ocr-kontroll_sv.txt",
        "bgmax/bankgirot_exempelfil_avtal-om-ocr-kontroll_checksiffra_langd_sv.txt",
        "bgmax/bankgirot_exempelfil_avtalutantillval_kontroller_sv.txt",
        "bgmax/bankgirot_bildfil_avtal-ocr-kontroll_utokad-blankettregistrering-ocr-kontroll_"
        "exempelfil.txt",
        "camt054/viafintech_054_valid_example.xml", "camt054/genkgo_camt054.v2.xml",
        "camt053/viafintech_053_valid_example_v4.xml", "camt053/oca_test-camt053.xml",
        "camt053/viafintech_053_valid_example_with_debit.xml"}) {
    ParseResult first = ParseConformance(name), second = ParseConformance(name);
    std::set<std::string> ids;
    ASSERT_EQ(first.transactions.size(), second.transactions.size());
    for (size_t i = 0; i < first.transactions.size(); ++i) {
      EXPECT_EQ(first.transactions[i].payment_id, second.transactions[i].payment_id);
      EXPECT_TRUE(ids.insert(first.transactions[i].payment_id).second)
          << name << " repeats " << first.transactions[i].payment_id;
    }
  }
}

// The camt.054 notifications reappear in the v4 statement: same bank references, same ids.
TEST_F(Conformance, OverlappingCamtFilesShareIds) {
  ParseResult notification = Good("camt054/viafintech_054_valid_example.xml");
  ParseResult statement = Good("camt053/viafintech_053_valid_example_v4.xml");
  std::set<std::string> in_statement;
  for (const Transaction& t : statement.transactions) in_statement.insert(t.payment_id);
  for (const Transaction& t : notification.transactions) {
    EXPECT_TRUE(in_statement.count(t.payment_id)) << t.position;
  }
}

}  // namespace
}  // namespace purr::bank
