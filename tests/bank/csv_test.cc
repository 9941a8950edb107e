// CSV exports: profiles, notations, encodings, quoting.
#include <gtest/gtest.h>

#include <string>

#include "bank/bank.h"
#include "tests/bank/bank_test_util.h"

namespace purr::bank {
namespace {

using testing::Amounts;
using testing::Dump;

ParseResult ParseWith(const std::string& profile, const std::string& bytes) {
  ParseOptions options;
  options.csv_profile = profile;
  return Parse(bytes, options);
}

TEST(CsvProfiles, BuiltinProfilesLoad) {
  auto profiles = CsvProfiles::Builtin();
  for (const char* name : {"generic", "dnb", "nordea-no", "nordea-se", "danske", "seb",
                           "swedbank", "handelsbanken"}) {
    EXPECT_NE(profiles->Find(name), nullptr) << name;
  }
  EXPECT_EQ(profiles->Find("nope"), nullptr);
}

TEST(CsvProfiles, YamlErrorsNameTheProblem) {
  auto bad = CsvProfiles::FromYaml("profiles: [{name: x, separator: '|', date_formats: [YYYY-MM-DD], "
                                   "columns: {booking_date: d, amount: a}}]");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("\"x\": separator"), std::string::npos);
  bad = CsvProfiles::FromYaml("profiles: [{name: y, date_formats: [YYYY-MM-DD], "
                              "columns: {booking_date: d, amount: a, colour: c}}]");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("columns.colour"), std::string::npos);
  EXPECT_FALSE(CsvProfiles::FromYaml("profiles: [unclosed").ok());
  EXPECT_FALSE(CsvProfiles::FromYaml("nothing: here").ok());
}

// Found by the csv_profiles fuzzer: `name: !eneric` (a tag and no value) loaded as a profile
// with an empty name, which no `--profile` could choose. Empty, null and non-scalar names are
// refused as no name at all.
TEST(CsvProfilesFuzzFindings, ProfileWhoseNameIsALoneTagIsRefused) {
  for (const char* name : {"!eneric", "", "''", "~", "[a, b]", "{a: b}"}) {
    SCOPED_TRACE(name);
    auto bad = CsvProfiles::FromYaml(std::string("profiles:\n  - name: ") + name +
                                     "\n    date_formats: [YYYY-MM-DD]\n"
                                     "    columns: {booking_date: d, amount: a}\n");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.status().message(), "CSV profile without a name");
  }
  auto good = CsvProfiles::FromYaml(
      "profiles:\n  - name: !!str 0\n    date_formats: [YYYY-MM-DD]\n"
      "    columns: {booking_date: d, amount: a}\n");
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_NE((*good)->Find("0"), nullptr);
}

TEST(Csv, UnknownProfile) {
  ParseResult r = ParseWith("no-such-bank", "Date;Amount\n2024-01-01;1\n");
  EXPECT_EQ(r.file_status.code(), Status::Code::kNotFound);
}

struct CsvCase {
  const char* profile;
  const char* bytes;
  std::vector<int64_t> signed_minor;
  const char* first_date;
  const char* currency;
};

class CsvBankProfile : public ::testing::TestWithParam<CsvCase> {};

TEST_P(CsvBankProfile, ReadsTheBanksExport) {
  const CsvCase& c = GetParam();
  ParseResult r = ParseWith(c.profile, c.bytes);
  ASSERT_TRUE(r.file_status.ok()) << Dump(r);
  EXPECT_EQ(testing::CountErrors(r), 0u) << Dump(r);
  EXPECT_EQ(r.format, std::string("csv:") + c.profile);
  EXPECT_EQ(Amounts(r), c.signed_minor) << Dump(r);
  ASSERT_FALSE(r.transactions.empty());
  EXPECT_EQ(r.transactions[0].booking_date, c.first_date);
  EXPECT_EQ(r.transactions[0].currency, c.currency);
}

INSTANTIATE_TEST_SUITE_P(
    Banks, CsvBankProfile,
    ::testing::Values(
        CsvCase{"dnb",
                "\"Dato\";\"Forklaring\";\"Rentedato\";\"Ut fra konto\";\"Inn på konto\"\n"
                "\"02.01.2024\";\"Giro 1234 KID 12344\";\"02.01.2024\";\"\";\"1.249,50\"\n"
                "\"03.01.2024\";\"Gebyr\";\"03.01.2024\";\"35,00\";\"\"\n",
                {124950, -3500}, "2024-01-02", "NOK"},
        CsvCase{"nordea-no",
                "Bokføringsdato;Beløp;Avsender;Mottaker;Navn;Tittel;Valuta;Betalingstype\n"
                "2024/01/05;1 000,00;12345678901;;Ola Nordmann;KID 12344;NOK;Giro\n",
                {100000}, "2024-01-05", "NOK"},
        CsvCase{"nordea-se",
                "Bokföringsdag;Belopp;Avsändare;Mottagare;Namn;Rubrik;Saldo;Valuta\n"
                "2024-02-01;-250,00;;5555;Elbolaget;Autogiro;1000,00;SEK\n",
                {-25000}, "2024-02-01", "SEK"},
        CsvCase{"danske",
                "\"Dato\";\"Tekst\";\"Beløb\";\"Saldo\";\"Status\";\"Afstemt\"\n"
                "\"15.03.2024\";\"Indbetaling +71<000000067097535\";\"12.345,67\";\"20.000,00\";"
                "\"Udført\";\"Nej\"\n",
                {1234567}, "2024-03-15", "DKK"},
        CsvCase{"seb",
                "Bokföringsdatum;Valutadatum;Verifikationsnummer;Text/mottagare;Belopp;Saldo\n"
                "2024-04-02;2024-04-02;5484381424;BG 5050-1055 OCR 1234566;1500,00;9000,00\n",
                {150000}, "2024-04-02", "SEK"},
        CsvCase{"swedbank",
                "* Transaktioner Period 2024-01-01 - 2024-01-31 Skapad 2024-02-01 10:00 CET\n"
                "Radnummer,Clearingnummer,Kontonummer,Produkt,Valuta,Bokföringsdag,"
                "Transaktionsdag,Valutadag,Referens,Beskrivning,Belopp,Bokfört saldo\n"
                "1,8327-9,123456789,Privatkonto,SEK,2024-01-10,2024-01-10,2024-01-10,"
                "\"1234566\",\"Inbetalning, faktura 12\",\"1249.50\",\"5000.00\"\n",
                {124950}, "2024-01-10", "SEK"},
        CsvCase{"handelsbanken",
                "Reskontradatum;Transaktionsdatum;Text;Belopp;Saldo\n"
                "2024-05-02;2024-05-01;Insättning 1234566;2 500,00;3 000,00\n",
                {250000}, "2024-05-02", "SEK"},
        CsvCase{"generic",
                "date,amount,currency,reference,text,payer_name,payer_account\n"
                "2024-06-01,\"1,249.50\",EUR,RF18539007547034,\"paid, thanks\",ACME AB,SE4550000000058398257466\n",
                {124950}, "2024-06-01", "EUR"}));

TEST(Csv, GenericFieldsAndQuoting) {
  ParseResult r = Parse(
      "Date;Amount;Currency;Reference;Text;Payer;From account\n"
      "05.01.2024;-200,00;NOK;12344;\"Line one\nline \"\"two\"\"; end\";Kari;86011117947\n");
  ASSERT_EQ(r.transactions.size(), 1u) << Dump(r);
  const Transaction& t = r.transactions[0];
  EXPECT_EQ(t.direction, Direction::kDebit);
  EXPECT_EQ(t.amount_minor, 20000);
  EXPECT_EQ(t.booking_date, "2024-01-05");
  EXPECT_EQ(t.references, std::vector<std::string>{"12344"});
  EXPECT_EQ(t.text, "Line one\nline \"two\"; end");
  EXPECT_EQ(t.payer_name, "Kari");
  EXPECT_EQ(t.payer_account, "86011117947");
  EXPECT_EQ(t.position, "line 2");
}

struct DateCase {
  const char* text;
  const char* iso;  // "" = refused
};

class CsvDate : public ::testing::TestWithParam<DateCase> {};

TEST_P(CsvDate, GenericLayouts) {
  std::string file = std::string("Date;Amount;Currency\n") + GetParam().text + ";1,00;NOK\n";
  ParseResult r = Parse(file);
  if (*GetParam().iso == '\0') {
    EXPECT_TRUE(r.transactions.empty()) << Dump(r);
    EXPECT_EQ(testing::CountErrors(r), 1u);
  } else {
    ASSERT_EQ(r.transactions.size(), 1u) << Dump(r);
    EXPECT_EQ(r.transactions[0].booking_date, GetParam().iso);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Layouts, CsvDate,
    ::testing::Values(DateCase{"2024-02-29", "2024-02-29"}, DateCase{"29.02.2024", "2024-02-29"},
                      DateCase{"29-02-2024", "2024-02-29"}, DateCase{"5.1.2024", "2024-01-05"},
                      DateCase{"29/02/2024", "2024-02-29"}, DateCase{"20240229", "2024-02-29"},
                      DateCase{"2024-01-05 12:00", "2024-01-05"}, DateCase{"05.01.24", "2024-01-05"},
                      DateCase{"2023-02-29", ""}, DateCase{"31.04.2024", ""},
                      DateCase{"yesterday", ""}, DateCase{"2024-13-01", ""}));

TEST(Csv, EncodingsAndBom) {
  const std::string body = "Date;Amount;Currency;Text\n2024-01-02;1,00;NOK;Blåbær\n";
  ParseResult utf8_bom = Parse("\xEF\xBB\xBF" + body);
  ASSERT_EQ(utf8_bom.transactions.size(), 1u) << Dump(utf8_bom);
  EXPECT_EQ(utf8_bom.transactions[0].text, "Blåbær");
  ParseResult cp1252 = Parse("Date;Amount;Currency;Text\n2024-01-02;1,00;NOK;Bl\xE5" "b\xE6r \x80\n");
  ASSERT_EQ(cp1252.transactions.size(), 1u) << Dump(cp1252);
  EXPECT_EQ(cp1252.transactions[0].text, "Blåbær €");
  ASSERT_FALSE(cp1252.diagnostics.empty());
  EXPECT_NE(cp1252.diagnostics[0].message.find("Windows-1252"), std::string::npos);
}

TEST(Csv, BadRowsAreReportedAndSkipped) {
  ParseResult r = Parse(
      "Date;Amount;Currency\n"
      "2024-01-02;1,00;NOK\n"
      "2024-01-03;1,249;NOK\n"     // ambiguous in the generic profile
      "2024-01-04;2,00\n"          // a field short
      "2024-01-05;3,00;XYZ\n"      // unknown currency
      "\n"
      "2024-01-06;4,00;NOK\n");
  EXPECT_TRUE(r.file_status.ok());
  EXPECT_EQ(Amounts(r), (std::vector<int64_t>{100, 400}));
  ASSERT_EQ(r.diagnostics.size(), 3u) << Dump(r);
  EXPECT_EQ(r.diagnostics[0].position, "line 3");
  EXPECT_NE(r.diagnostics[0].message.find("ambiguous"), std::string::npos);
  EXPECT_EQ(r.diagnostics[1].position, "line 4");
  EXPECT_EQ(r.diagnostics[2].position, "line 5");
}

TEST(Csv, MissingColumnsRejectTheFile) {
  ParseResult r = Parse("When;How much\n2024-01-02;1,00\n");
  EXPECT_FALSE(r.file_status.ok());
  EXPECT_NE(r.file_status.message().find("no date column"), std::string::npos);
  r = ParseWith("dnb", "Dato;Forklaring\n02.01.2024;x\n");
  EXPECT_NE(r.file_status.message().find("no amount column"), std::string::npos);
}

TEST(Csv, UnterminatedQuoteAtTheEnd) {
  ParseResult r = Parse("Date;Amount;Currency;Text\n2024-01-02;1,00;NOK;ok\n2024-01-03;2,00;NOK;\"cut");
  EXPECT_TRUE(r.file_status.ok());
  EXPECT_EQ(r.transactions.size(), 1u);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_NE(r.diagnostics[0].message.find("not closed"), std::string::npos);
}

}  // namespace
}  // namespace purr::bank
