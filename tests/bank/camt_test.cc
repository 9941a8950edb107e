// camt.053/054 field mapping, amounts, batches and the streaming interface.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "bank/bank.h"
#include "tests/bank/bank_test_util.h"
#include "tests/bank/builders.h"

namespace purr::bank {
namespace {

using testing::Camt054;
using testing::Dump;
using testing::Entry;
using testing::TxDtls;
using testing::WithStatusCode;

struct AmountCase {
  const char* amount;
  const char* ccy;
  int64_t minor;  // -1: the entry must be refused
};

class CamtAmount : public ::testing::TestWithParam<AmountCase> {};

TEST_P(CamtAmount, ConvertsWithTheCurrencyExponent) {
  const AmountCase& c = GetParam();
  ParseResult r = Parse(Camt054(Entry(c.amount, c.ccy)));
  ASSERT_TRUE(r.file_status.ok()) << Dump(r);
  if (c.minor < 0) {
    EXPECT_TRUE(r.transactions.empty()) << Dump(r);
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].severity, Diagnostic::Severity::kError);
    EXPECT_EQ(r.diagnostics[0].position, "Stmt 1/Ntry 1 (line 5)");
  } else {
    ASSERT_EQ(r.transactions.size(), 1u) << Dump(r);
    EXPECT_EQ(r.transactions[0].amount_minor, c.minor);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Amounts, CamtAmount,
    ::testing::Values(AmountCase{"8.850", "EUR", 885}, AmountCase{"2700", "EUR", 270000},
                      AmountCase{"474.4", "CHF", 47440}, AmountCase{"5442.09000", "NOK", 544209},
                      AmountCase{"1500", "JPY", 1500}, AmountCase{"1500", "ISK", 1500},
                      AmountCase{"1.005", "KWD", 1005}, AmountCase{"0.01", "SEK", 1},
                      AmountCase{"1.005", "EUR", -1}, AmountCase{"1500.5", "JPY", -1},
                      AmountCase{"12O.00", "NOK", -1}, AmountCase{"1,000.00", "NOK", -1},
                      AmountCase{"-5.00", "NOK", -1}, AmountCase{"5.00", "XYZ", -1},
                      AmountCase{"", "NOK", -1}, AmountCase{"99999999999999999999", "NOK", -1}));

TEST(Camt, MapsTransactionFields) {
  std::string tx = TxDtls(
      "<Refs><AcctSvcrRef>BANKREF-1</AcctSvcrRef><EndToEndId>E2E-7</EndToEndId></Refs>"
      "<RltdPties><Dbtr><Nm>Kari Nordmann</Nm></Dbtr><DbtrAcct><Id><IBAN>NO8330001234567"
      "</IBAN></Id></DbtrAcct></RltdPties>"
      "<RmtInf><Ustrd>Faktura 4711</Ustrd><Ustrd>og 4712</Ustrd>"
      "<Strd><RfrdDocAmt><RmtdAmt Ccy=\"NOK\">100.00</RmtdAmt></RfrdDocAmt><CdtrRefInf><Tp>"
      "<CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>1234567890123</Ref></CdtrRefInf></Strd>"
      "<Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>");
  ParseResult r = Parse(Camt054(Entry("250.00", "NOK", tx)));
  ASSERT_EQ(r.transactions.size(), 1u) << Dump(r);
  const Transaction& t = r.transactions[0];
  EXPECT_EQ(t.format, "camt.054.001.02");
  EXPECT_EQ(t.direction, Direction::kCredit);
  EXPECT_EQ(t.amount_minor, 25000);
  EXPECT_EQ(t.booking_date, "2024-03-01");
  EXPECT_EQ(t.value_date, "2024-03-02");  // from DtTm
  EXPECT_EQ(t.account, "NO9386011117947");
  EXPECT_EQ(t.bank_reference, "BANKREF-1");
  EXPECT_EQ(t.end_to_end_id, "E2E-7");
  EXPECT_EQ(t.payer_name, "Kari Nordmann");
  EXPECT_EQ(t.payer_account, "NO8330001234567");
  EXPECT_EQ(t.text, "Faktura 4711\nog 4712");
  EXPECT_EQ(t.references, (std::vector<std::string>{"1234567890123", "RF18539007547034"}));
  EXPECT_EQ(t.reference_details[0].type, "SCOR");
  EXPECT_EQ(t.reference_details[0].amount_minor, 10000);
  EXPECT_EQ(t.reference_details[1].amount_minor, std::nullopt);
  EXPECT_EQ(t.position, "Stmt 1/Ntry 1/TxDtls 1 (line 5)");
}

TEST(Camt, SplitsABatchOnlyWhenTheAmountsAddUp) {
  auto part = [](const char* amt, const char* ref) {
    return TxDtls(std::string("<Amt Ccy=\"NOK\">") + amt + "</Amt><RmtInf><Strd><CdtrRefInf>"
                  "<Ref>" + ref + "</Ref></CdtrRefInf></Strd></RmtInf>");
  };
  ParseResult split = Parse(Camt054(Entry("300.00", "NOK", part("100", "11") + part("200", "22"))));
  ASSERT_EQ(split.transactions.size(), 2u) << Dump(split);
  EXPECT_EQ(split.transactions[0].amount_minor, 10000);
  EXPECT_EQ(split.transactions[1].references, std::vector<std::string>{"22"});
  EXPECT_NE(split.transactions[0].payment_id, split.transactions[1].payment_id);

  ParseResult whole = Parse(Camt054(Entry("301.00", "NOK", part("100", "11") + part("200", "22"))));
  ASSERT_EQ(whole.transactions.size(), 1u) << Dump(whole);
  EXPECT_EQ(whole.transactions[0].amount_minor, 30100);
  EXPECT_EQ(whole.transactions[0].references, (std::vector<std::string>{"11", "22"}));
  ASSERT_EQ(whole.diagnostics.size(), 1u);
  EXPECT_EQ(whole.diagnostics[0].severity, Diagnostic::Severity::kWarning);
}

TEST(Camt, LargeBatchSplitsIntoDistinctIds) {
  std::string parts;
  for (int i = 0; i < 5000; ++i) {
    parts += TxDtls("<Refs><AcctSvcrRef>P" + std::to_string(i) + "</AcctSvcrRef></Refs>"
                    "<Amt Ccy=\"NOK\">1.00</Amt>");
  }
  ParseResult r = Parse(Camt054(Entry("5000.00", "NOK", parts)));
  ASSERT_EQ(r.transactions.size(), 5000u) << r.file_status.ToString();
  std::set<std::string> ids;
  for (const Transaction& t : r.transactions) ids.insert(t.payment_id);
  EXPECT_EQ(ids.size(), 5000u);
}

TEST(Camt, ReversalAndDebit) {
  std::string entry = Entry("6.00", "CHF", "", "DBIT");
  entry.insert(entry.find("<Sts>"), "<RvslInd>true</RvslInd>");
  ParseResult r = Parse(Camt054(entry));
  ASSERT_EQ(r.transactions.size(), 1u) << Dump(r);
  EXPECT_TRUE(r.transactions[0].reversal);
  EXPECT_EQ(r.transactions[0].SignedAmountMinor(), -600);
}

TEST(Camt, BadEntryIsSkippedAndTheRestKept) {
  ParseResult r = Parse(Camt054(Entry("1.00") + Entry("2.00", "NOK", "", "XXXX") + Entry("3.00")));
  EXPECT_TRUE(r.file_status.ok());
  EXPECT_EQ(testing::Amounts(r), (std::vector<int64_t>{100, 300}));
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_NE(r.diagnostics[0].message.find("CdtDbtInd"), std::string::npos);
  EXPECT_EQ(r.diagnostics[0].position.substr(0, 14), "Stmt 1/Ntry 2 ");
}

TEST(Camt, OnlyBookedEntriesAreDelivered) {
  std::string pending = Entry("2.00");
  pending.replace(pending.find("<Sts>BOOK</Sts>"), 15, "<Sts><Cd>PDNG</Cd></Sts>");
  std::string info = Entry("3.00");
  info.replace(info.find("<Sts>BOOK</Sts>"), 15, "<Sts>INFO</Sts>");
  ParseResult r = Parse(Camt054(Entry("1.00") + pending + info));
  EXPECT_EQ(testing::Amounts(r), std::vector<int64_t>{100});
  ASSERT_EQ(r.diagnostics.size(), 2u);
  EXPECT_NE(r.diagnostics[0].message.find("PDNG"), std::string::npos);
  EXPECT_EQ(r.diagnostics[1].severity, Diagnostic::Severity::kWarning);
}

TEST(Camt, TransactionSummaryIsCompared) {
  auto statement = [](const std::string& summary) {
    return "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt>"
           "<Stmt><TxsSummry><TtlNtries>" + summary + "</TtlNtries></TxsSummry>" +
           Entry("1.50") + Entry("2.00", "NOK", "", "DBIT") + "</Stmt></BkToCstmrStmt></Document>";
  };
  ParseResult agrees = Parse(statement("<NbOfNtries>2</NbOfNtries><Sum>3.50</Sum>"));
  EXPECT_TRUE(agrees.diagnostics.empty()) << Dump(agrees);
  ParseResult count = Parse(statement("<NbOfNtries>35</NbOfNtries>"));
  ASSERT_EQ(count.diagnostics.size(), 1u);
  EXPECT_NE(count.diagnostics[0].message.find("states 35 entries"), std::string::npos);
  EXPECT_EQ(count.transactions.size(), 2u);  // a warning: paginated statements summarise all pages
  ParseResult sum = Parse(statement("<NbOfNtries>2</NbOfNtries><Sum>3.60</Sum>"));
  ASSERT_EQ(sum.diagnostics.size(), 1u);
  EXPECT_NE(sum.diagnostics[0].message.find("add up to 3.50"), std::string::npos);
}

TEST(Camt, AllSupportedVersionsAndBothMessages) {
  for (const char* v : {"02", "03", "04", "05", "06", "07", "08"}) {
    ParseResult r = Parse(Camt054(Entry("1.00"), v));
    EXPECT_TRUE(r.file_status.ok()) << v << Dump(r);
    EXPECT_EQ(r.format, std::string("camt.054.001.") + v);
  }
  std::string stmt = "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.05\">"
                     "<BkToCstmrStmt><Stmt><Acct><Id><Othr><Id>12345678901</Id></Othr></Id>"
                     "</Acct>" + Entry("1.00") + "</Stmt></BkToCstmrStmt></Document>";
  ParseResult r = Parse(stmt);
  ASSERT_EQ(r.transactions.size(), 1u) << Dump(r);
  EXPECT_EQ(r.transactions[0].account, "12345678901");
  EXPECT_EQ(r.format, "camt.053.001.05");
}

// Versions .09 to .13: the document shapes they write for what purr reads (docs/formats/camt.md,
// "Versions"). Every new version, both messages.
struct NewVersionCase {
  std::string message;  // "053" or "054"
  std::string version;  // "09" ... "13"
};

std::string NewVersionDocument(const NewVersionCase& c, const std::string& entries,
                               const std::string& summary = "") {
  return c.message == "053" ? testing::Camt053(entries, c.version, summary)
                            : Camt054(entries, c.version);
}

// The remitted amount of a Strd block as the version writes it: RfrdDocAmt/RmtdAmt up to .11, a
// typed amount (RmtAmtAndTp with code REMI) from .12. A due amount comes first as a decoy.
std::string RemittedAmount(const std::string& version, const std::string& amount) {
  if (version >= "12") {
    return "<RfrdDocAmt><RmtAmtAndTp><Tp><Cd>DUPA</Cd></Tp><Amt Ccy=\"NOK\">999.00</Amt>"
           "</RmtAmtAndTp><RmtAmtAndTp><Tp><Cd>REMI</Cd></Tp><Amt Ccy=\"NOK\">" + amount +
           "</Amt></RmtAmtAndTp></RfrdDocAmt>";
  }
  return "<RfrdDocAmt><DuePyblAmt Ccy=\"NOK\">999.00</DuePyblAmt><RmtdAmt Ccy=\"NOK\">" + amount +
         "</RmtdAmt></RfrdDocAmt>";
}

std::string ScorReference(const std::string& ref) {
  return "<CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>" + ref +
         "</Ref></CdtrRefInf>";
}

class CamtNewVersion : public ::testing::TestWithParam<NewVersionCase> {};

TEST_P(CamtNewVersion, ReadsPaymentReferenceAndPayer) {
  const NewVersionCase& c = GetParam();
  std::string tx = TxDtls(
      "<Refs><AcctSvcrRef>BANKREF-9</AcctSvcrRef><EndToEndId>E2E-9</EndToEndId></Refs>"
      "<Amt Ccy=\"NOK\">250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
      "<RltdPties><Dbtr><Pty><Nm>Kari Nordmann</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>"
      "NO8330001234567</IBAN></Id></DbtrAcct><Cdtr><Pty><Nm>Inkasso AS</Nm></Pty></Cdtr>"
      "</RltdPties><RmtInf><Ustrd>Faktura 4711</Ustrd><Strd>" +
      RemittedAmount(c.version, "250.00") + ScorReference("RF18539007547034") +
      "</Strd></RmtInf>");
  std::string entry = WithStatusCode(Entry("250.00", "NOK", tx, "CRDT", "NTRY-9"));
  ParseResult r = Parse(NewVersionDocument(c, entry, "<NbOfNtries>1</NbOfNtries><Sum>250.00</Sum>"));
  ASSERT_TRUE(r.file_status.ok()) << Dump(r);
  EXPECT_TRUE(r.diagnostics.empty()) << Dump(r);  // the statement summary agrees
  EXPECT_EQ(r.format, "camt." + c.message + ".001." + c.version);
  ASSERT_EQ(r.transactions.size(), 1u) << Dump(r);
  const Transaction& t = r.transactions[0];
  EXPECT_EQ(t.format, r.format);
  EXPECT_EQ(t.direction, Direction::kCredit);
  EXPECT_FALSE(t.reversal);
  EXPECT_EQ(t.amount_minor, 25000);
  EXPECT_EQ(t.currency, "NOK");
  EXPECT_EQ(t.booking_date, "2024-03-01");
  EXPECT_EQ(t.value_date, "2024-03-02");
  EXPECT_EQ(t.account, "NO9386011117947");
  EXPECT_EQ(t.bank_reference, "BANKREF-9");
  EXPECT_EQ(t.end_to_end_id, "E2E-9");
  EXPECT_EQ(t.payer_name, "Kari Nordmann");
  EXPECT_EQ(t.payer_account, "NO8330001234567");
  EXPECT_EQ(t.text, "Faktura 4711");
  EXPECT_EQ(t.references, std::vector<std::string>{"RF18539007547034"});
  ASSERT_EQ(t.reference_details.size(), 1u);
  EXPECT_EQ(t.reference_details[0].type, "SCOR");
  EXPECT_EQ(t.reference_details[0].amount_minor, 25000);
}

// A DBIT entry with RvslInd takes back an incoming payment; its parties are those of that
// payment, so the counterparty is the debtor (as from .02).
TEST_P(CamtNewVersion, ReversedIncomingPaymentNamesItsPayer) {
  const NewVersionCase& c = GetParam();
  std::string entry = WithStatusCode(Entry(
      "6.00", "NOK",
      TxDtls("<RltdPties><Dbtr><Pty><Nm>Ola Hansen</Nm></Pty></Dbtr><Cdtr><Pty><Nm>Inkasso AS"
             "</Nm></Pty></Cdtr></RltdPties>"),
      "DBIT"));
  entry.insert(entry.find("<Sts>"), "<RvslInd>true</RvslInd>");
  ParseResult r = Parse(NewVersionDocument(c, entry));
  ASSERT_EQ(r.transactions.size(), 1u) << Dump(r);
  EXPECT_TRUE(r.transactions[0].reversal);
  EXPECT_EQ(r.transactions[0].SignedAmountMinor(), -600);
  EXPECT_EQ(r.transactions[0].payer_name, "Ola Hansen");
}

INSTANTIATE_TEST_SUITE_P(
    Versions, CamtNewVersion,
    ::testing::Values(NewVersionCase{"054", "09"}, NewVersionCase{"054", "10"},
                      NewVersionCase{"054", "11"}, NewVersionCase{"054", "12"},
                      NewVersionCase{"054", "13"}, NewVersionCase{"053", "09"},
                      NewVersionCase{"053", "10"}, NewVersionCase{"053", "11"},
                      NewVersionCase{"053", "12"}, NewVersionCase{"053", "13"}),
    [](const ::testing::TestParamInfo<NewVersionCase>& test) {
      return "camt" + test.param.message + "v" + test.param.version;
    });

// From .07 a related party is a choice of Pty or Agt; a bank as payer is named by FinInstnId/Nm.
TEST(Camt, PayerThatIsABankIsNamed) {
  std::string tx = TxDtls(
      "<RltdPties><Dbtr><Agt><FinInstnId><BICFI>DNBANOKKXXX</BICFI><Nm>DNB Bank ASA</Nm>"
      "</FinInstnId></Agt></Dbtr></RltdPties>");
  ParseResult r = Parse(Camt054(WithStatusCode(Entry("1.00", "NOK", tx)), "10"));
  ASSERT_EQ(r.transactions.size(), 1u) << Dump(r);
  EXPECT_EQ(r.transactions[0].payer_name, "DNB Bank ASA");
}

// From .09 Acct/Id is optional: an account may be given by its proxy alone.
TEST(Camt, AccountsGivenByProxyOnly) {
  std::string tx = TxDtls(
      "<RltdPties><Dbtr><Pty><Nm>Kari Nordmann</Nm></Pty></Dbtr><DbtrAcct><Prxy><Tp><Cd>TELE"
      "</Cd></Tp><Id>+4791234567</Id></Prxy></DbtrAcct></RltdPties>");
  std::string doc = testing::Camt053(WithStatusCode(Entry("1.00", "NOK", tx)), "13");
  doc.replace(doc.find("<Acct><Id><IBAN>NO9386011117947</IBAN></Id></Acct>"), 50,
              "<Acct><Prxy><Id>+4722000000</Id></Prxy></Acct>");
  ParseResult r = Parse(doc);
  ASSERT_EQ(r.transactions.size(), 1u) << Dump(r);
  EXPECT_EQ(r.transactions[0].account, "+4722000000");
  EXPECT_EQ(r.transactions[0].payer_account, "+4791234567");
}

TEST(Camt, AccountIdIsPreferredToTheProxy) {
  std::string tx = TxDtls(
      "<RltdPties><DbtrAcct><Id><IBAN>NO8330001234567</IBAN></Id><Prxy><Id>+4791234567</Id>"
      "</Prxy></DbtrAcct></RltdPties>");
  std::string doc = Camt054(WithStatusCode(Entry("1.00", "NOK", tx)), "11");
  doc.replace(doc.find("</Id></Acct>"), 12, "</Id><Prxy><Id>+4722000000</Id></Prxy></Acct>");
  ParseResult r = Parse(doc);
  ASSERT_EQ(r.transactions.size(), 1u) << Dump(r);
  EXPECT_EQ(r.transactions[0].account, "NO9386011117947");
  EXPECT_EQ(r.transactions[0].payer_account, "NO8330001234567");
}

// .12 typed amounts: only the one typed REMI is the amount remitted for the reference.
TEST(Camt, TypedAmountOtherThanRemittedIsNoReferenceAmount) {
  std::string tx = TxDtls(
      "<RmtInf><Strd><RfrdDocAmt><RmtAmtAndTp><Tp><Cd>DUPA</Cd></Tp><Amt Ccy=\"NOK\">50.00</Amt>"
      "</RmtAmtAndTp></RfrdDocAmt>" + ScorReference("1234567890123") + "</Strd><Strd>" +
      ScorReference("4711") + "</Strd></RmtInf>");
  ParseResult r = Parse(Camt054(WithStatusCode(Entry("40.00", "NOK", tx)), "12"));
  ASSERT_EQ(r.transactions.size(), 1u) << Dump(r);
  ASSERT_EQ(r.transactions[0].reference_details.size(), 2u);
  EXPECT_EQ(r.transactions[0].reference_details[0].amount_minor, std::nullopt);
  EXPECT_EQ(r.transactions[0].reference_details[1].amount_minor, std::nullopt);
}

TEST(Camt, VersionsPastTheNewestAreRefused) {
  for (const char* v : {"14", "20", "99", "01", "00"}) {
    ParseResult r = Parse(Camt054(Entry("1.00"), v));
    EXPECT_EQ(r.file_status.code(), Status::Code::kUnsupported) << v;
    EXPECT_EQ(r.file_status.message(), std::string("unsupported camt version camt.054.001.") + v +
                                           ": purr reads .001.02 to .001.13");
    EXPECT_TRUE(r.transactions.empty());
  }
  ParseResult r = Parse(testing::Camt053(Entry("1.00"), "14"));
  EXPECT_EQ(r.file_status.code(), Status::Code::kUnsupported);
  EXPECT_EQ(r.format, "camt.053.001.14");
}

TEST(Camt, EntryWithoutReferencesGetsDistinctReproducibleIds) {
  std::string doc = Camt054(Entry("1.00") + Entry("1.00"));  // two identical payments
  ParseResult a = Parse(doc), b = Parse(doc);
  ASSERT_EQ(a.transactions.size(), 2u);
  EXPECT_NE(a.transactions[0].payment_id, a.transactions[1].payment_id);
  EXPECT_EQ(a.transactions[1].payment_id, b.transactions[1].payment_id);
}

TEST(Camt, BankReferenceDecidesTheId) {
  std::string one = Camt054(Entry("1.00", "NOK", "", "CRDT", "REF-A"));
  std::string other_text = Camt054(Entry("1.00", "NOK", TxDtls("<RmtInf><Ustrd>x</Ustrd></RmtInf>"),
                                         "CRDT", "REF-A"));
  std::string other_ref = Camt054(Entry("1.00", "NOK", "", "CRDT", "REF-B"));
  EXPECT_EQ(Parse(one).transactions[0].payment_id, Parse(other_text).transactions[0].payment_id);
  EXPECT_NE(Parse(one).transactions[0].payment_id, Parse(other_ref).transactions[0].payment_id);
}

TEST(Camt, OversizedTextIsCutAndDeepNestingRefused) {
  std::string huge(100 * 1024, 'x');
  ParseResult r = Parse(Camt054(Entry("1.00", "NOK", TxDtls("<RmtInf><Ustrd>" + huge +
                                                            "</Ustrd></RmtInf>"))));
  ASSERT_EQ(r.transactions.size(), 1u) << r.file_status.ToString();
  EXPECT_EQ(r.transactions[0].text.size(), 64u * 1024);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_NE(r.diagnostics[0].message.find("64 KiB"), std::string::npos);

  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "<X>";
  for (int i = 0; i < 200; ++i) deep += "</X>";
  r = Parse(Camt054(deep));
  EXPECT_FALSE(r.file_status.ok());
  EXPECT_NE(r.file_status.message().find("nested deeper"), std::string::npos);
}

class CountingSink : public TransactionSink {
 public:
  void OnTransaction(Transaction t) override {
    ++transactions;
    sum += t.SignedAmountMinor();
  }
  void OnDiagnostic(Diagnostic) override { ++diagnostics; }
  int64_t transactions = 0, sum = 0, diagnostics = 0;
};

TEST(CamtStream, SmallChunksGiveTheSameResult) {
  std::string entries;
  for (int i = 1; i <= 50; ++i) entries += Entry(std::to_string(i) + ".50");
  std::string doc = Camt054(entries);
  CountingSink sink;
  CamtStreamParser parser(sink);
  for (size_t i = 0; i < doc.size(); i += 7) ASSERT_TRUE(parser.Feed(doc.substr(i, 7)).ok());
  ASSERT_TRUE(parser.Finish().ok());
  EXPECT_EQ(parser.format(), "camt.054.001.02");
  EXPECT_EQ(sink.transactions, 50);
  EXPECT_EQ(sink.sum, 50 * 51 / 2 * 100 + 50 * 50);
}

// A large notification streamed in 64 KiB chunks: the parser holds one entry at a time.
TEST(CamtStream, ManyEntriesStreamThrough) {
  std::string head = Camt054("");
  size_t split = head.find("</Ntfctn>");
  CountingSink sink;
  CamtStreamParser parser(sink);
  ASSERT_TRUE(parser.Feed(head.substr(0, split)).ok());
  std::string chunk;
  for (int i = 0; i < 200000; ++i) {
    chunk += Entry("1.00", "NOK", "", "CRDT", "R" + std::to_string(i));
    if (chunk.size() > 65536) {
      ASSERT_TRUE(parser.Feed(chunk).ok());
      chunk.clear();
    }
  }
  ASSERT_TRUE(parser.Feed(chunk + head.substr(split)).ok());
  ASSERT_TRUE(parser.Finish().ok());
  EXPECT_EQ(sink.transactions, 200000);
  EXPECT_EQ(sink.diagnostics, 0);
}

}  // namespace
}  // namespace purr::bank
