// Table-driven tests of ExtractEntities, one table per entity type, valid and
// invalid cases, the OCR damage letters really show, and span checks for every
// case.
#include "extract/entities.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace purr::extract {
namespace {

struct Case {
  std::string text;
  std::string language;  // ExtractOptions::language
  std::string type;
  std::string value;
  bool valid;
  std::string matched;  // text.substr(start, end - start)
  std::string detail;   // checked when not empty
};

// Vocabulary: runs a case and finds the one entity of the case's type.
class ExtractTest : public ::testing::TestWithParam<Case> {};

std::string Describe(const std::vector<Entity>& all, const std::string& text) {
  std::string s;
  for (const Entity& e : all) {
    s += e.type + "=" + e.value + (e.valid ? "" : "(invalid)") + " [" +
         text.substr(e.start, e.end - e.start) + "] " + e.detail + "\n";
  }
  return s;
}

TEST_P(ExtractTest, FindsValueValidityAndSpan) {
  const Case& c = GetParam();
  ExtractOptions options;
  options.language = c.language;
  options.default_year = 2025;
  const std::vector<Entity> all = ExtractEntities(c.text, options);
  const Entity* found = nullptr;
  for (const Entity& e : all) {
    if (e.type == c.type && found == nullptr) found = &e;
  }
  ASSERT_NE(found, nullptr) << "no " << c.type << " in: " << c.text << "\n"
                            << Describe(all, c.text);
  EXPECT_EQ(found->value, c.value) << Describe(all, c.text);
  EXPECT_EQ(found->valid, c.valid) << Describe(all, c.text);
  ASSERT_LE(found->end, c.text.size());
  EXPECT_EQ(c.text.substr(found->start, found->end - found->start), c.matched);
  if (!c.detail.empty()) {
    EXPECT_EQ(found->detail, c.detail);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Kid, ExtractTest,
    ::testing::Values(
        Case{"Betalt med KID 186252763 i går.", "nb", "kid", "186252763", true,
             "186252763", "mod10"},
        Case{"KID: 0036633", "nb", "kid", "0036633", true, "0036633", "mod11"},
        Case{"KID-nummer 1009-, beløp", "nb", "kid", "1009-", true, "1009-",
             "mod11"},
        Case{"kid er 12344", "nb", "kid", "12344", true, "12344", ""},
        // Check digit wrong: kept as a candidate.
        Case{"KID 0036634", "nb", "kid", "0036634", false, "0036634", ""},
        Case{"KID 824628193 fra kortet", "nb", "kid", "824628193", false,
             "824628193", ""},
        // OCR split across a line break, with and without a hyphen.
        Case{"KID: 0036\n633 ble brukt", "nb", "kid", "0036633", true,
             "0036\n633", ""},
        Case{"KID: 00366-\n33 ble brukt", "nb", "kid", "0036633", true,
             "00366-\n33", ""},
        // Print groups and dots.
        Case{"KID 1234 5678 903.", "nb", "kid", "12345678903", true,
             "1234 5678 903", ""},
        Case{"KID: 0036.633", "nb", "kid", "0036633", true, "0036.633", ""},
        // O for 0 and l/I for 1 inside a labelled reference.
        Case{"KID: OOOO53l", "nb", "kid", "0000531", true, "OOOO53l",
             "mod11;ocr_repaired"},
        // The label itself read by OCR.
        Case{"KlD: 0036633", "nb", "kid", "0036633", true, "0036633", ""},
        Case{"0CR 1234566", "sv", "ocr_reference", "1234566", true, "1234566",
             ""},
        Case{"KID: 00366 33 og beløp 120", "nb", "kid", "0036633", true,
             "00366 33", ""},
        // A valid KID followed by an amount: the amount is not glued on.
        Case{"KID 186252763 1 249,50 kr", "nb", "kid", "186252763", true,
             "186252763", ""}));

INSTANTIATE_TEST_SUITE_P(
    SwedishOcr, ExtractTest,
    ::testing::Values(Case{"OCR 1234566", "sv", "ocr_reference", "1234566",
                           true, "1234566", "luhn"},
                      Case{"OCR-nummer: 1234574", "sv", "ocr_reference",
                           "1234574", true, "1234574", "luhn+length"},
                      Case{"OCR-referens 123456789012354", "sv",
                           "ocr_reference", "123456789012354", true,
                           "123456789012354", "luhn+length"},
                      Case{"OCR 1234567 fel", "sv", "ocr_reference", "1234567",
                           false, "1234567", ""},
                      Case{"with OCR reference 151964975792. Receipt", "en",
                           "ocr_reference", "151964975792", true,
                           "151964975792", ""}));

INSTANTIATE_TEST_SUITE_P(
    FiPayment, ExtractTest,
    ::testing::Values(Case{"kortet: +71<000579868282883 +80729022< betalt",
                           "da", "fi_payment", "+71<000579868282883 +80729022<",
                           true, "+71<000579868282883 +80729022<", "+71"},
                      Case{"+71< 000000067097535+85799665<", "da", "fi_payment",
                           "+71<000000067097535 +85799665<", true,
                           "+71< 000000067097535+85799665<", ""},
                      // Payment id with a wrong check digit.
                      Case{"+71<000004125242773 +81672326<", "da", "fi_payment",
                           "+71<000004125242773+81672326<", false,
                           "+71<000004125242773 +81672326<", ""},
                      Case{"jeg skrev betalings-id 000004125242737 på", "da",
                           "fi_payment", "000004125242737", true,
                           "000004125242737", "payment_id:+71"}));

INSTANTIATE_TEST_SUITE_P(
    Rf, ExtractTest,
    ::testing::Values(Case{"Ref RF18 5390 0754 7034 Betalt", "en",
                           "rf_reference", "RF18539007547034", true,
                           "RF18 5390 0754 7034", "mod97"},
                      Case{"RF712348231", "en", "rf_reference", "RF712348231",
                           true, "RF712348231", ""},
                      Case{"RF17 5390 0754 7034", "en", "rf_reference",
                           "RF17539007547034", false, "RF17 5390 0754 7034",
                           ""}));

INSTANTIATE_TEST_SUITE_P(
    Numbers, ExtractTest,
    ::testing::Values(
        Case{"Emne: Saksnr. 2024-118734 - aldri", "nb", "case_number",
             "2024-118734", true, "2024-118734", ""},
        Case{"jfr. ärendenr 7731902).", "sv", "case_number", "7731902", true,
             "7731902", ""},
        Case{"Jeres sagsnr.: 2024-955019", "da", "case_number", "2024-955019",
             true, "2024-955019", ""},
        Case{"under your case no. 2025-017205 (client", "en", "case_number",
             "2025-017205", true, "2025-017205", ""},
        Case{"saksnr 2024 301 555 gjelder", "nb", "case_number", "2024301555",
             true, "2024 301 555", ""},
        Case{"Vår referanse: AB-77120", "nb", "case_number", "AB-77120", true,
             "AB-77120", ""},
        Case{"referanse 2024/0144 gjelder", "nb", "case_number", "2024/0144",
             true, "2024/0144", ""},
        // A bare reference label before a payment reference that checks out.
        Case{"to bankgiro 555-5552, reference 521974998317.", "en",
             "ocr_reference", "521974998317", true, "521974998317", "luhn"},
        Case{"betalt med referanse 186252763", "nb", "kid", "186252763", true,
             "186252763", "mod10"},
        Case{"reference 521974998318 in our letter", "en", "case_number",
             "521974998318", true, "521974998318", ""},
        Case{"Fakturanr. 80112934", "nb", "invoice_number", "80112934", true,
             "80112934", ""},
        Case{"Invoice no. INV-2024-0117 attached", "en", "invoice_number",
             "INV-2024-0117", true, "INV-2024-0117", ""},
        Case{"fakturanummer: 22-09981.", "sv", "invoice_number", "22-09981",
             true, "22-09981", ""}));

INSTANTIATE_TEST_SUITE_P(
    Amounts, ExtractTest,
    ::testing::Values(
        Case{"inkassovarsel på kr 1 249,50 fra", "nb", "amount", "124950", true,
             "kr 1 249,50", "NOK"},
        Case{"beløpet 1.249,50 kr er betalt", "nb", "amount", "124950", true,
             "1.249,50 kr", "NOK"},
        Case{"summa SEK 3 400:- betald", "sv", "amount", "340000", true,
             "SEK 3 400:-", "SEK"},
        Case{"jag betalade 3 400:- igår", "", "amount", "340000", true,
             "3 400:-", "SEK"},
        Case{"NOK 12 500 gjenstår", "nb", "amount", "1250000", true,
             "NOK 12 500", "NOK"},
        Case{"DKK 799,00 betalt", "da", "amount", "79900", true, "DKK 799,00",
             "DKK"},
        Case{"resten 12.500,- betales", "nb", "amount", "1250000", true,
             "12.500,-", "NOK"},
        Case{"paid EUR 1,249.50 today", "en", "amount", "124950", true,
             "EUR 1,249.50", "EUR"},
        Case{"a fee of £120.00 was", "en", "amount", "12000", true, "£120.00",
             "GBP"},
        Case{"totalt kr. 2.318,00.", "da", "amount", "231800", true,
             "kr. 2.318,00", "DKK"},
        Case{"500 kronor", "sv", "amount", "50000", true, "500 kronor", "SEK"},
        Case{"gebyret på 120 € er", "nb", "amount", "12000", true, "120 €",
             "EUR"},
        Case{"avgiften 49,90 € godtar", "sv", "amount", "4990", true, "49,90 €",
             "EUR"},
        Case{"kr\xC2\xA0"
             "1\xC2\xA0"
             "249,50",
             "nb", "amount", "124950", true,
             "kr\xC2\xA0"
             "1\xC2\xA0"
             "249,50",
             "NOK"},
        Case{"1 249,50 kr", "da", "amount", "124950", true, "1 249,50 kr",
             "DKK"},
        Case{"avdrag på 800 kr i måneden", "nb", "amount", "80000", true,
             "800 kr", "NOK"},
        Case{"gebyr 70,- kr", "nb", "amount", "7000", true, "70,- kr", "NOK"}));

INSTANTIATE_TEST_SUITE_P(
    Dates, ExtractTest,
    ::testing::Values(
        Case{"betalt 3.3.2025 fra", "nb", "date", "2025-03-03", true,
             "3.3.2025", ""},
        Case{"betalt 03.03.25 fra", "nb", "date", "2025-03-03", true,
             "03.03.25", ""},
        Case{"paid 2025-03-03.", "en", "date", "2025-03-03", true, "2025-03-03",
             ""},
        Case{"paid 3/3/25 via", "en", "date", "2025-03-03", true, "3/3/25", ""},
        Case{"den 3 mars 2025", "sv", "date", "2025-03-03", true, "3 mars 2025",
             ""},
        Case{"den 3. marts 2025", "da", "date", "2025-03-03", true,
             "3. marts 2025", ""},
        Case{"innen den 3. mars.", "nb", "date", "2025-03-03", true, "3. mars",
             ""},
        Case{"on March 3rd, 2025 I", "en", "date", "2025-03-03", true,
             "March 3rd, 2025", ""},
        Case{"on the 3rd of March 2025", "en", "date", "2025-03-03", true,
             "3rd of March 2025", ""},
        Case{"sendt 14. okt. 2024", "nb", "date", "2024-10-14", true,
             "14. okt. 2024", ""},
        Case{"den 3:e mars 2025", "sv", "date", "2025-03-03", true,
             "3:e mars 2025", ""},
        Case{"due 12/31/2025", "en", "date", "2025-12-31", true, "12/31/2025",
             ""},
        Case{"29.02.2024 skuddår", "nb", "date", "2024-02-29", true,
             "29.02.2024", ""},
        // A year-less date takes the year of the letter's own date.
        Case{"Tønder, 9. november 2024\nbetalt den 4. november", "da", "date",
             "2024-11-09", true, "9. november 2024", ""}));

INSTANTIATE_TEST_SUITE_P(
    NationalIds, ExtractTest,
    ::testing::Values(
        Case{"Fødselsnummer 15038512363", "nb", "national_id", "15038512363",
             true, "15038512363", "NO:fodselsnummer"},
        Case{"fnr 150385 12363", "nb", "national_id", "15038512363", true,
             "150385 12363", ""},
        Case{"D-nummer 55038512357", "nb", "national_id", "55038512357", true,
             "55038512357", "NO:d_nummer"},
        Case{"fødselsnummer 15838512329", "nb", "national_id", "15838512329",
             true, "15838512329", "NO:synthetic"},
        Case{"fødselsnummer 15038512364", "nb", "national_id", "15038512364",
             false, "15038512364", ""},
        Case{"personnummer 811218-9876", "sv", "national_id", "8112189876",
             true, "811218-9876", "SE:personnummer:luhn"},
        Case{"pnr 19811218-9876", "", "national_id", "198112189876", true,
             "19811218-9876", ""},
        Case{"samordningsnummer 701063-2391", "sv", "national_id", "7010632391",
             true, "701063-2391", "SE:samordningsnummer:luhn"},
        Case{"personnummer 811218-9875", "sv", "national_id", "8112189875",
             false, "811218-9875", ""},
        Case{"CPR 010101-4417", "da", "national_id", "0101014417", true,
             "010101-4417", "DK:cpr:date"},
        Case{"CPR-nr. 320101-1234", "da", "national_id", "3201011234", false,
             "320101-1234", ""}));

INSTANTIATE_TEST_SUITE_P(
    Accounts, ExtractTest,
    ::testing::Values(
        Case{"fra konto 1503.38.52808 den", "nb", "bank_account", "15033852808",
             true, "1503.38.52808", "NO:mod11"},
        Case{"kontonummer 8601 11 17947", "nb", "bank_account", "86011117947",
             true, "8601 11 17947", ""},
        Case{"konto 1503.38.52809", "nb", "bank_account", "15033852809", false,
             "1503.38.52809", ""},
        Case{"IBAN NO93 8601 1117 947 takk", "nb", "bank_account",
             "NO9386011117947", true, "NO93 8601 1117 947", "iban:NO"},
        Case{"IBAN DE89 3704 0044 0532 0130 00 to", "en", "bank_account",
             "DE89370400440532013000", true, "DE89 3704 0044 0532 0130 00", ""},
        Case{"IBAN NO94 8601 1117 947", "nb", "bank_account", "NO9486011117947",
             false, "NO94 8601 1117 947", ""},
        Case{"clearingnummer 5000, konto 1000004", "sv", "bank_account",
             "5000-1000004", true, "5000, konto 1000004",
             "SE:clearing:type1:mod11"},
        Case{"clearing 3300 konto 8112189876", "sv", "bank_account",
             "3300-8112189876", true, "3300 konto 8112189876",
             "SE:clearing:type2:luhn"},
        Case{"clearing 6789, konto 123456703", "sv", "bank_account",
             "6789-123456703", true, "6789, konto 123456703", ""},
        Case{"clearingnummer 5000, konto 1000005", "sv", "bank_account",
             "5000-1000005", false, "5000, konto 1000005", ""},
        // Comment-2 ranges (all four clearing digits in the check), per Bankgirot's list:
        // BNP Paribas 9470-9479 and Nordax 9640-9649.
        Case{"clearing 9470 konto 1000002", "sv", "bank_account", "9470-1000002", true,
             "9470 konto 1000002", "SE:clearing:type1:mod11"},
        Case{"clearing 9640 konto 1000009", "sv", "bank_account", "9640-1000009", true,
             "9640 konto 1000009", "SE:clearing:type1:mod11"},
        Case{"reg.nr. 5301 kontonr. 0241118763.", "da", "bank_account",
             "5301-0241118763", true, "5301 kontonr. 0241118763",
             "DK:reg+konto:shape"},
        // The account in groups, as a Danish lawyer wrote it (found by the privacy test on
        // fixtures/letters-dev: read as a phone number, and shown unmasked).
        Case{"til jeres konto reg.nr. 3100, kontonr. 0012 44 8860 med reference 2025-33071.",
             "da", "bank_account", "3100-0012448860", true, "3100, kontonr. 0012 44 8860",
             "DK:reg+konto:shape"},
        // A year after the account is not part of it.
        Case{"reg.nr 3100 konto 0012448860 2025", "da", "bank_account", "3100-0012448860",
             true, "3100 konto 0012448860", "DK:reg+konto:shape"},
        // "reg." without "nr", then the konto label (fixtures/letters-dev, w7/da/003).
        Case{"til reg. 9570 konto 0012345678 (Mobil)", "da", "bank_account",
             "9570-0012345678", true, "9570 konto 0012345678", "DK:reg+konto:shape"},
        Case{"bankgiro 555-5552 med", "sv", "bank_account", "555-5552", true,
             "555-5552", "SE:bankgiro:luhn"}));

INSTANTIATE_TEST_SUITE_P(
    Contacts, ExtractTest,
    ::testing::Values(
        Case{"skriv til ola.nordmann@example.no.", "nb", "email",
             "ola.nordmann@example.no", true, "ola.nordmann@example.no", ""},
        Case{"tlf 412 55 873", "nb", "phone", "41255873", true, "412 55 873",
             ""},
        Case{"ring +47 412 55 873", "nb", "phone", "+4741255873", true,
             "+47 412 55 873", ""},
        Case{"mobil 070-123 45 67", "sv", "phone", "0701234567", true,
             "070-123 45 67", ""},
        Case{"call +44 20 7946 0958", "en", "phone", "+442079460958", true,
             "+44 20 7946 0958", ""},
        Case{"tlf: 41255873", "nb", "phone", "41255873", true, "41255873", ""},
        Case{"Ny adresse: Storgata 5, 0155 Oslo fra mai", "nb",
             "postal_address", "Storgata 5, 0155 Oslo", true,
             "Storgata 5, 0155 Oslo", "NO"},
        Case{"nye adresse:\n\nJørgen Hauge\nLillehammervegen 42\n2615 "
             "Lillehammer\n",
             "nb", "postal_address", "Lillehammervegen 42, 2615 Lillehammer",
             true, "Lillehammervegen 42\n2615 Lillehammer", "NO"},
        Case{"Jag har flyttat till Storgatan 12, 123 45 Stockholm.", "sv",
             "postal_address", "Storgatan 12, 123 45 Stockholm", true,
             "Storgatan 12, 123 45 Stockholm", "SE"},
        Case{"min nye adresse er c/o Birthe Madsen, Havnevej 2,\n9990 Skagen.",
             "da", "postal_address", "Havnevej 2, 9990 Skagen", true,
             "Havnevej 2,\n9990 Skagen", "DK"},
        Case{"My new address is 14 Baker Road, 0150 Oslo", "en",
             "postal_address", "14 Baker Road, 0150 Oslo", true,
             "14 Baker Road, 0150 Oslo", ""}));

// ---- Overlaps, options, masking, garbage
// -------------------------------------------------

std::vector<std::string> Types(const std::vector<Entity>& all) {
  std::vector<std::string> t;
  for (const Entity& e : all) t.push_back(e.type);
  return t;
}

TEST(ExtractOverlap, LabelledKidIsNotAlsoAPhone) {
  EXPECT_EQ(Types(ExtractEntities("KID 41 25 58 73", {})),
            std::vector<std::string>{"kid"});
}

TEST(ExtractOverlap, DateIsNotAlsoAnAmount) {
  ExtractOptions o;
  o.language = "nb";
  const auto all = ExtractEntities("den 3.3.2025 betalte jeg kr 500", o);
  EXPECT_EQ(Types(all), (std::vector<std::string>{"date", "amount"}));
  EXPECT_EQ(all[1].value, "50000");
}

TEST(ExtractOverlap, FikLineIsNotAlsoAPaymentIdOrPhone) {
  const auto all = ExtractEntities("+71<000579868282883 +80729022<", {});
  EXPECT_EQ(Types(all), std::vector<std::string>{"fi_payment"});
}

TEST(ExtractDates, ImpossibleAndYearlessWithoutDefaultAreNotEmitted) {
  EXPECT_TRUE(ExtractEntities("31.02.2025 og 13.13.2025", {}).empty());
  EXPECT_TRUE(
      ExtractEntities("innen den 3. mars", {}).empty());  // no year known
}

TEST(ExtractAmounts, BareNumbersAndPhonesAreNotAmounts) {
  EXPECT_TRUE(ExtractEntities("vi var 12 500 personer", {}).empty());
}

TEST(ExtractNumbers, CustomPatternsAddToTheDefaults) {
  ExtractOptions o;
  o.invoice_patterns = {R"((?i)\bordre\s*nr\.?\s*([0-9]{4,10}))"};
  const auto all = ExtractEntities("Ordrenr. 556677, saksnr 2024-1234", o);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].type, "invoice_number");
  EXPECT_EQ(all[0].value, "556677");
  EXPECT_EQ(all[1].type, "case_number");
}

TEST(ExtractNumbers, ListsOfCaseNumbersAreAllFound) {
  const auto all = ExtractEntities(
      "Jeres sagsnr.: 2024-955019, 2025-501877 og 2025-512234", {});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].value, "2025-512234");
}

TEST(ExtractNumbers, BadPatternsAreReportedAndSkipped) {
  ExtractOptions o;
  o.case_patterns = {"(unclosed", "no group", "(one)"};
  const auto errors = ValidatePatterns(o);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].find("case_patterns[0]"), std::string::npos);
  EXPECT_NE(errors[1].find("case_patterns[1]"), std::string::npos);
  EXPECT_NO_FATAL_FAILURE(ExtractEntities("one two", o));
}

TEST(ExtractMasking, SensitiveValuesKeepOnlyTheirLastDigits) {
  Entity id{"national_id", "15038512363", true, 0, 11, ""};
  Entity account{"bank_account", "NO9386011117947", true, 0, 15, ""};
  Entity kid{"kid", "0036633", true, 0, 7, ""};
  EXPECT_EQ(Mask(id), "*********63");
  EXPECT_EQ(Mask(account), "***********7947");
  EXPECT_EQ(Mask(kid), "0036633");
  EXPECT_TRUE(IsSensitive("national_id"));
  EXPECT_FALSE(IsSensitive("amount"));
}

TEST(ExtractMasking, MaskSensitiveHidesIdsAndAccountsInText) {
  const std::string masked = MaskSensitive(
      "Fødselsnummer 15038512363, konto 1503.38.52808, KID 186252763, typo "
      "150385123640");
  EXPECT_EQ(masked.find("15038512363"), std::string::npos);
  EXPECT_EQ(masked.find("1503.38"), std::string::npos);
  EXPECT_NE(masked.find("*********63"), std::string::npos);
  EXPECT_NE(masked.find("****.**.*2808"), std::string::npos);
  EXPECT_NE(masked.find("KID 186252763"),
            std::string::npos);  // a KID is not personal
  EXPECT_EQ(masked.find("15038512364"),
            std::string::npos);  // unrecognised long run
}

TEST(ExtractRobustness, GarbageEmptyAndHugeInputs) {
  EXPECT_TRUE(ExtractEntities("", {}).empty());
  std::string garbage;
  for (int i = 0; i < 5000; ++i)
    garbage.push_back(static_cast<char>((i * 7919) % 256));
  EXPECT_NO_FATAL_FAILURE(ExtractEntities(garbage, {}));
  ExtractOptions small;
  small.max_bytes = 10;
  for (const Entity& e : ExtractEntities("KID 0036633 og KID 0000531", small)) {
    EXPECT_LE(e.end, 10u);
  }
}

TEST(ExtractRobustness, TwentyMegabyteTextIsCutAndStaysLinear) {
  std::string big;
  while (big.size() < (20u << 20))
    big += "kr 5 den 3. mars KID 12344 tlf 412 55 873 ";
  const auto all =
      ExtractEntities(big, {});  // default max_bytes: the first 1 MiB
  ASSERT_FALSE(all.empty());
  EXPECT_LE(all.back().end, size_t{1} << 20);
  EXPECT_GT(all.size(), 40000u);
}

TEST(ExtractThreads, CompiledPatternsAreSharedSafely) {
  const std::string letter =
      "Saksnr. 2024-118734\nBetalt kr 1 249,50 den 3.3.2025 med KID 186252763 "
      "fra konto "
      "1503.38.52808.\nNy adresse: Storgata 5, 0155 Oslo\n";
  ExtractOptions o;
  o.language = "nb";
  o.case_patterns = {R"((?i)\bjournal\s*([0-9]{4,}))"};
  const size_t expected = ExtractEntities(letter, o).size();
  ASSERT_EQ(expected, 6u);
  std::vector<std::thread> threads;
  std::vector<int> same(4, 0);
  for (size_t t = 0; t < same.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i)
        same[t] += ExtractEntities(letter, o).size() == expected;
    });
  }
  for (std::thread& th : threads) th.join();
  for (int n : same) EXPECT_EQ(n, 200);
}

}  // namespace
}  // namespace purr::extract
