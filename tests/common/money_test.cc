#include "common/money.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace purr {
namespace {

struct AmountCase {
  const char* text;
  int exponent;
  char decimal;  // 0 = infer
  int64_t minor;
};

class ParseAmountGood : public testing::TestWithParam<AmountCase> {};

TEST_P(ParseAmountGood, ReadsExactMinorUnits) {
  const AmountCase& c = GetParam();
  AmountSyntax syntax;
  syntax.decimal_separator = c.decimal;
  Result<int64_t> got = ParseAmountMinor(c.text, c.exponent, syntax);
  ASSERT_TRUE(got.ok()) << c.text << ": " << got.status().ToString();
  EXPECT_EQ(*got, c.minor) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Notations, ParseAmountGood,
    testing::Values(AmountCase{"12.345,67", 2, 0, 1234567}, AmountCase{"12 345,67", 2, 0, 1234567},
                    AmountCase{"12\xC2\xA0" "345,67", 2, 0, 1234567},
                    AmountCase{"12\xE2\x80\xAF" "345,67", 2, 0, 1234567},
                    AmountCase{"1,249.50", 2, 0, 124950}, AmountCase{"0.1", 2, 0, 10},
                    AmountCase{"-200.00", 2, 0, -20000}, AmountCase{"200.00-", 2, 0, -20000},
                    AmountCase{"+5", 2, 0, 500}, AmountCase{"2700", 2, 0, 270000},
                    AmountCase{"8.850", 2, '.', 885}, AmountCase{"5442.09000", 2, 0, 544209},
                    AmountCase{"474.4", 2, 0, 47440}, AmountCase{"200000", 2, 0, 20000000},
                    AmountCase{"1.234.567", 2, 0, 123456700}, AmountCase{"1'234.50", 2, 0, 123450},
                    AmountCase{"0,125", 3, 0, 125}, AmountCase{" 42 ", 0, 0, 42},
                    AmountCase{"1,249", 2, '.', 124900}, AmountCase{"1,25", 2, ',', 125},
                    AmountCase{"1.249", 2, ',', 124900}, AmountCase{"1.249,5", 2, ',', 124950},
                    AmountCase{".5", 2, 0, 50}, AmountCase{"5.", 2, 0, 500},
                    AmountCase{"00000000000102000", 0, 0, 102000},
                    AmountCase{"92233720368547758.07", 2, 0, INT64_MAX},
                    AmountCase{"-92233720368547758.07", 2, 0, -INT64_MAX},
                    AmountCase{"1500", 0, 0, 1500}, AmountCase{"7.000", 3, '.', 7000}));

struct BadCase {
  const char* text;
  int exponent;
  char decimal;
  const char* why;  // part of the expected message
};

class ParseAmountBad : public testing::TestWithParam<BadCase> {};

TEST_P(ParseAmountBad, IsRefusedWithReason) {
  const BadCase& c = GetParam();
  AmountSyntax syntax;
  syntax.decimal_separator = c.decimal;
  Result<int64_t> got = ParseAmountMinor(c.text, c.exponent, syntax);
  ASSERT_FALSE(got.ok()) << c.text << " parsed as " << *got;
  EXPECT_EQ(got.status().code(), Status::Code::kInvalidInput);
  EXPECT_NE(got.status().message().find(c.why), std::string::npos) << got.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Errors, ParseAmountBad,
    testing::Values(BadCase{"12O.00", 2, 0, "letter"}, BadCase{"NOK 100", 2, 0, "letter"},
                    BadCase{"1e5", 2, 0, "letter"}, BadCase{"", 2, 0, "no digits"},
                    BadCase{"-", 2, 0, "no digits"}, BadCase{" , ", 2, 0, "no digits"},
                    BadCase{"1,249", 2, 0, "ambiguous"}, BadCase{"1.249", 2, 0, "ambiguous"},
                    BadCase{"1.0051", 2, 0, "more decimals"}, BadCase{"1,249", 2, ',', "more decimals"}, BadCase{"1.5", 0, 0, "more decimals"},
                    BadCase{"92233720368547758.08", 2, 0, "too large"},
                    BadCase{"99999999999999999999", 0, 0, "too large"},
                    BadCase{"1.2.3,4", 2, 0, "three digits"}, BadCase{"12,34.5", 2, 0, "three digits"},
                    BadCase{"1,2,3", 2, ',', "more than one decimal"},
                    BadCase{"1 2", 2, 0, "three digits"}, BadCase{"12#50", 2, 0, "unexpected"},
                    BadCase{"--5", 2, 0, "unexpected"}, BadCase{"1.000,5", 2, '.', "separator"}));

TEST(ParseAmountXml, RefusesGroupingWhenOff) {
  AmountSyntax xml{'.', false};
  EXPECT_EQ(*ParseAmountMinor("8.850", 2, xml), 885);
  EXPECT_FALSE(ParseAmountMinor("1,000.00", 2, xml).ok());
  EXPECT_FALSE(ParseAmountMinor("1 000.00", 2, xml).ok());
}

TEST(CurrencyExponent, KnowsNordicAndOddExponents) {
  EXPECT_EQ(CurrencyExponent("NOK"), 2);
  EXPECT_EQ(CurrencyExponent("SEK"), 2);
  EXPECT_EQ(CurrencyExponent("DKK"), 2);
  EXPECT_EQ(CurrencyExponent("EUR"), 2);
  EXPECT_EQ(CurrencyExponent("ISK"), 0);
  EXPECT_EQ(CurrencyExponent("JPY"), 0);
  EXPECT_EQ(CurrencyExponent("KWD"), 3);
  EXPECT_EQ(CurrencyExponent("XXX"), std::nullopt);
  EXPECT_EQ(CurrencyExponent("nok"), std::nullopt);
}

TEST(FormatMinor, RoundTripsWithParse) {
  for (int64_t v : {int64_t{0}, int64_t{5}, int64_t{-5}, int64_t{123450}, INT64_MAX, INT64_MIN + 1}) {
    for (int exp : {0, 2, 3}) {
      std::string text = FormatMinor(v, exp);
      Result<int64_t> back = ParseAmountMinor(text, exp, AmountSyntax{'.', false});
      ASSERT_TRUE(back.ok()) << text;
      EXPECT_EQ(*back, v) << text;
    }
  }
  EXPECT_EQ(FormatMinor(5, 2), "0.05");
  EXPECT_EQ(FormatMinor(-123450, 2), "-1234.50");
  EXPECT_EQ(FormatMinor(INT64_MIN, 2), "-92233720368547758.08");
}

}  // namespace
}  // namespace purr
