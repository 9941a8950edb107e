#include "matching/ledger.h"

#include <gtest/gtest.h>

#include <string>

namespace purr::matching {
namespace {

const char kHeader[] =
    "invoice,customer,case,reference,amount_minor,currency,due_date,status,blocking,"
    "customer_name,payer_accounts\n";

Ledger MustParse(const std::string& text) {
  auto ledger = ParseLedger(text);
  EXPECT_TRUE(ledger.ok()) << ledger.status().ToString();
  return ledger.ok() ? *ledger : Ledger{};
}

TEST(LedgerTest, ReadsAllColumns) {
  Ledger l = MustParse(std::string(kHeader) +
                       "1001,K1,S9,0036633,102000,NOK,2026-03-15,open,true,Ola Nordmann,"
                       "86011117947;NO9386011117947\n");
  ASSERT_EQ(l.invoices.size(), 1u);
  const Invoice& inv = l.invoices[0];
  EXPECT_EQ(inv.invoice, "1001");
  EXPECT_EQ(inv.customer, "K1");
  EXPECT_EQ(inv.case_number, "S9");
  EXPECT_EQ(inv.reference, "0036633");  // leading zeros kept
  EXPECT_EQ(inv.amount_minor, 102000);
  EXPECT_EQ(inv.currency, "NOK");
  EXPECT_EQ(inv.due_date, "2026-03-15");
  EXPECT_EQ(inv.status, InvoiceStatus::kOpen);
  EXPECT_TRUE(inv.blocking);
  EXPECT_EQ(inv.customer_name, "Ola Nordmann");
  EXPECT_EQ(inv.payer_accounts, (std::vector<std::string>{"86011117947", "NO9386011117947"}));
  EXPECT_TRUE(l.issues.empty());
}

TEST(LedgerTest, ColumnsInAnyOrderUnknownIgnoredOptionalMissing) {
  Ledger l = MustParse(
      "Currency,extra,AMOUNT_MINOR,invoice,customer\n"
      "sek,whatever,500,F-1,K2\n");
  ASSERT_EQ(l.invoices.size(), 1u);
  EXPECT_EQ(l.invoices[0].currency, "SEK");
  EXPECT_EQ(l.invoices[0].amount_minor, 500);
  EXPECT_EQ(l.invoices[0].status, InvoiceStatus::kOpen);
  EXPECT_FALSE(l.invoices[0].blocking);
}

TEST(LedgerTest, Rfc4180QuotingWithCommasQuotesAndNewlines) {
  Ledger l = MustParse(
      "invoice,customer,amount_minor,currency,customer_name\r\n"
      "1,K1,100,NOK,\"Nordmann, Ola \"\"Junior\"\"\"\r\n"
      "2,K2,200,NOK,\"two\nlines\"\r\n"
      "3,K3,300,NOK,plain\r\n");
  ASSERT_EQ(l.invoices.size(), 3u);
  EXPECT_EQ(l.invoices[0].customer_name, "Nordmann, Ola \"Junior\"");
  EXPECT_EQ(l.invoices[1].customer_name, "two\nlines");
  EXPECT_EQ(l.invoices[2].customer_name, "plain");
}

TEST(LedgerTest, Utf8BomAndBlankLinesAreFine) {
  Ledger l = MustParse("\xEF\xBB\xBFinvoice,customer,amount_minor,currency\n\n1,K1,5,NOK\n\n");
  EXPECT_EQ(l.invoices.size(), 1u);
  EXPECT_TRUE(l.issues.empty());
}

struct BadRow {
  const char* row;
  const char* why;
};

// One row per error path; each is reported with its line number and the good row is kept.
constexpr BadRow kBadRows[] = {
    {"1,K1,,,12a,NOK,,,,,", "amount_minor"},
    {"1,K1,,,-5,NOK,,,,,", "amount_minor"},
    {"1,K1,,,1234567890123456,NOK,,,,,", "at most 15 digits"},
    {"1,K1,,,5,NO,,,,,", "currency"},
    {"1,K1,,,5,NOK,2026-02-30,,,,", "due_date"},
    {"1,K1,,,5,NOK,15.03.2026,,,,", "due_date"},
    {"1,K1,,,5,NOK,,pending,,,", "status"},
    {"1,K1,,,5,NOK,,,maybe,,", "blocking"},
    {",K1,,,5,NOK,,,,,", "invoice is empty"},
    {"1,,,,5,NOK,,,,,", "customer is empty"},
    {"1,K1,,,,NOK,,,,,", "amount_minor is empty"},
    {"1,K1,,,5,NOK", "fields"},
    {"1,K1,,,5,NOK,,,,\xFF\xFE,", "UTF-8"},
};

TEST(LedgerTest, ReportsEachBadRowWithItsLineAndKeepsGoodRows) {
  for (const BadRow& bad : kBadRows) {
    Ledger l = MustParse(std::string(kHeader) + bad.row + "\n2,K2,,,700,NOK,,,,,\n");
    ASSERT_EQ(l.issues.size(), 1u) << bad.row;
    EXPECT_EQ(l.issues[0].line, 2) << bad.row;
    EXPECT_NE(l.issues[0].reason.find(bad.why), std::string::npos)
        << bad.row << ": " << l.issues[0].reason;
    ASSERT_EQ(l.invoices.size(), 1u) << bad.row;
    EXPECT_EQ(l.invoices[0].invoice, "2");
  }
}

TEST(LedgerTest, DuplicateInvoiceNumberKeepsTheFirst) {
  Ledger l = MustParse(std::string(kHeader) + "1,K1,,,5,NOK,,,,,\n1,K9,,,6,NOK,,,,,\n");
  ASSERT_EQ(l.invoices.size(), 1u);
  EXPECT_EQ(l.invoices[0].customer, "K1");
  ASSERT_EQ(l.issues.size(), 1u);
  EXPECT_EQ(l.issues[0].line, 3);
  EXPECT_NE(l.issues[0].reason.find("appears again"), std::string::npos);
}

TEST(LedgerTest, UnterminatedQuoteIsABadRow) {
  Ledger l = MustParse(std::string(kHeader) + "1,K1,,,5,NOK,,,,,\n2,K1,,,5,NOK,,,,\"open");
  EXPECT_EQ(l.invoices.size(), 1u);
  ASSERT_EQ(l.issues.size(), 1u);
  EXPECT_EQ(l.issues[0].line, 3);
  EXPECT_NE(l.issues[0].reason.find("not closed"), std::string::npos);
}

TEST(LedgerTest, LineNumbersCountNewlinesInsideQuotes) {
  Ledger l = MustParse(std::string(kHeader) + "1,K1,,,5,NOK,,,,\"a\nb\",\nbad\n");
  ASSERT_EQ(l.issues.size(), 1u);
  EXPECT_EQ(l.issues[0].line, 4);
}

TEST(LedgerTest, FieldTooLongIsABadRow) {
  Ledger l = MustParse(std::string(kHeader) + "1,K1,,,5,NOK,,,," +
                       std::string(kMaxLedgerFieldBytes + 1, 'x') + ",\n");
  ASSERT_EQ(l.issues.size(), 1u);
  EXPECT_NE(l.issues[0].reason.find("longer than"), std::string::npos);
}

TEST(LedgerTest, FileErrors) {
  EXPECT_EQ(ParseLedger("").status().code(), Status::Code::kInvalidInput);
  EXPECT_EQ(ParseLedger(" \n\n").status().code(), Status::Code::kInvalidInput);
  auto missing = ParseLedger("invoice,customer,currency\n1,K1,NOK\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("amount_minor"), std::string::npos);
  auto twice = ParseLedger("invoice,invoice,customer,amount_minor,currency\n");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("twice"), std::string::npos);
  EXPECT_FALSE(ParseLedger("invoice,customer,amount_minor,currency,\xFF\n").ok());
}

TEST(LedgerTest, JsonLinesWithTheSameFields) {
  Ledger l = MustParse(
      "{\"invoice\":\"1001\",\"customer\":\"K1\",\"case\":\"S1\",\"reference\":\"12344\","
      "\"amount_minor\":102000,\"currency\":\"NOK\",\"due_date\":\"2026-03-15\","
      "\"status\":\"paid\",\"blocking\":true,\"customer_name\":\"\\u00d8ystein \\\"\\u00c5\\\"\","
      "\"payer_accounts\":[\"86011117947\",\"1234\"],\"unknown\":null}\n"
      "\n"
      "{\"invoice\":\"1002\",\"customer\":\"K1\",\"amount_minor\":\"5\",\"currency\":\"NOK\","
      "\"payer_accounts\":\"a;b\"}\n");
  ASSERT_EQ(l.invoices.size(), 2u);
  EXPECT_EQ(l.invoices[0].status, InvoiceStatus::kPaid);
  EXPECT_TRUE(l.invoices[0].blocking);
  EXPECT_EQ(l.invoices[0].customer_name, "\xC3\x98ystein \"\xC3\x85\"");
  EXPECT_EQ(l.invoices[0].payer_accounts.size(), 2u);
  EXPECT_EQ(l.invoices[1].payer_accounts, (std::vector<std::string>{"a", "b"}));
}

constexpr BadRow kBadJson[] = {
    {"{\"invoice\":\"1\",\"customer\":\"K1\",\"amount_minor\":1.5,\"currency\":\"NOK\"}",
     "not an integer"},
    {"{\"invoice\":\"1\",\"customer\":{\"a\":1},\"amount_minor\":1,\"currency\":\"NOK\"}",
     "nested"},
    {"{\"invoice\":\"1\",\"customer\":\"K1\"", "expected"},
    {"[1,2]", "not a JSON object"},
    {"{\"invoice\":\"1\"} trailing", "after the closing"},
    {"{\"invoice\":\"\\ud800\",\"customer\":\"K1\",\"amount_minor\":1,\"currency\":\"NOK\"}",
     "malformed string"},
    {"{\"invoice\":\"1\",\"customer\":\"K1\",\"currency\":\"NOK\"}", "amount_minor is empty"},
};

TEST(LedgerTest, JsonLinesBadLinesReportedWithLineNumbers) {
  for (const BadRow& bad : kBadJson) {
    Ledger l = MustParse(
        std::string("{\"invoice\":\"9\",\"customer\":\"K\",\"amount_minor\":1,\"currency\":\"NOK\"}\n") +
        bad.row + "\n");
    ASSERT_EQ(l.issues.size(), 1u) << bad.row;
    EXPECT_EQ(l.issues[0].line, 2);
    EXPECT_NE(l.issues[0].reason.find(bad.why), std::string::npos)
        << bad.row << ": " << l.issues[0].reason;
    EXPECT_EQ(l.invoices.size(), 1u);
  }
}

}  // namespace
}  // namespace purr::matching
