// Generated round trips: values are formatted the way letters write them (every
// notation, OCR grouping and line breaks), extracted, and must come back
// exactly. The formatter is the dumb reference the extractor is checked
// against.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "extract/entities.h"
#include "refs/reference.h"

namespace purr::extract {
namespace {

// Groups of three from the right with `sep`: 1234567 -> "1<sep>234<sep>567".
std::string Grouped(int64_t v, const std::string& sep) {
  std::string digits = std::to_string(v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += sep;
    out += digits[i];
  }
  return out;
}

std::string Two(int64_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", static_cast<int>(v));
  return buf;
}

struct Written {
  std::string text;
  std::string currency;
};

// One amount of `minor` øre in each notation the extractor promises to read.
std::vector<Written> Notations(int64_t minor) {
  const int64_t major = minor / 100, cents = minor % 100;
  const std::string c = Two(cents);
  return {
      {"kr " + Grouped(major, " ") + "," + c, "NOK"},
      {Grouped(major, ".") + "," + c + " kr", "NOK"},
      {"NOK " + Grouped(major, " ") + "," + c, "NOK"},
      {"SEK " + Grouped(major, " ") + ":-", "SEK"},
      {Grouped(major, " ") + ":-", "SEK"},
      {"DKK " + Grouped(major, ".") + "," + c, "DKK"},
      {Grouped(major, ".") + ",-", "NOK"},
      {"EUR " + Grouped(major, ",") + "." + c, "EUR"},
      {"£" + Grouped(major, ",") + "." + c, "GBP"},
      {"kr\xC2\xA0" + Grouped(major, "\xC2\xA0") + "," + c, "NOK"},
  };
}

TEST(ExtractRoundTrip, AmountsInEveryNotation) {
  std::mt19937_64 rng(4);
  for (int i = 0; i < 400; ++i) {
    // Whole kroner for the dash forms, which have no øre.
    int64_t minor = static_cast<int64_t>(rng() % 5000000000ULL) + 100;
    for (const Written& w : Notations(minor)) {
      const bool dash = w.text.find(":-") != std::string::npos ||
                        w.text.find(",-") != std::string::npos;
      const int64_t expected = dash ? minor / 100 * 100 : minor;
      const std::string letter = "Jeg har betalt " + w.text + " i dag.";
      ExtractOptions o;
      o.language = "nb";
      const auto all = ExtractEntities(letter, o);
      ASSERT_EQ(all.size(), 1u) << letter;
      EXPECT_EQ(all[0].type, "amount") << letter;
      EXPECT_EQ(all[0].value, std::to_string(expected)) << letter;
      EXPECT_EQ(all[0].detail, w.currency) << letter;
      EXPECT_EQ(letter.substr(all[0].start, all[0].end - all[0].start), w.text);
    }
  }
}

TEST(ExtractRoundTrip, DatesInEveryFormat) {
  static const char* kMonthNb[] = {
      "januar", "februar", "mars",      "april",   "mai",      "juni",
      "juli",   "august",  "september", "oktober", "november", "desember"};
  static const char* kMonthEn[] = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  std::mt19937 rng(7);
  for (int i = 0; i < 500; ++i) {
    const int year = 1990 + static_cast<int>(rng() % 45);
    const int month = 1 + static_cast<int>(rng() % 12);
    const int day = 1 + static_cast<int>(rng() % 28);
    char iso[16];
    std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", year, month, day);
    const std::string d = std::to_string(day), m = std::to_string(month),
                      y = std::to_string(year);
    const std::vector<std::string> forms = {
        iso,
        d + "." + m + "." + y,
        Two(day) + "." + Two(month) + "." + y,
        d + "/" + m + "/" + y,
        d + ". " + kMonthNb[month - 1] + " " + y,
        d + " " + kMonthEn[month - 1] + " " + y,
        std::string(kMonthEn[month - 1]) + " " + d + ", " + y,
    };
    for (const std::string& f : forms) {
      const std::string letter = "Betalt den " + f + " fra konto.";
      const auto all = ExtractEntities(letter, {});
      ASSERT_EQ(all.size(), 1u) << letter;
      EXPECT_EQ(all[0].value, iso) << letter;
      EXPECT_EQ(letter.substr(all[0].start, all[0].end - all[0].start), f);
    }
  }
}

TEST(ExtractRoundTrip, KidsSplitByOcrComeBackWhole) {
  std::mt19937 rng(11);
  for (int i = 0; i < 500; ++i) {
    std::string base;
    const int length = 5 + static_cast<int>(rng() % 15);
    for (int k = 0; k < length; ++k)
      base.push_back(static_cast<char>('0' + rng() % 10));
    const auto algorithm = rng() % 2 == 0 ? refs::KidAlgorithm::kMod10
                                          : refs::KidAlgorithm::kMod11;
    Result<std::string> kid = refs::MakeKid(base, algorithm);
    ASSERT_TRUE(kid.ok());
    if (kid->back() == '-') continue;  // the minus case has its own table rows
    // Split at a random point by a blank, a line break or a hyphenated line
    // break.
    const size_t cut = 1 + rng() % (kid->size() - 1);
    static const char* kSeparators[] = {" ", "\n", "-\n", ""};
    const std::string sep = kSeparators[rng() % 4];
    const std::string written = kid->substr(0, cut) + sep + kid->substr(cut);
    const std::string letter = "Betalt med KID: " + written + "\nHilsen Kari";
    const auto all = ExtractEntities(letter, {});
    ASSERT_FALSE(all.empty()) << letter;
    EXPECT_EQ(all[0].type, "kid") << letter;
    EXPECT_EQ(all[0].value, *kid) << letter;
    EXPECT_TRUE(all[0].valid) << letter;
    EXPECT_EQ(letter.substr(all[0].start, all[0].end - all[0].start), written);
  }
}

}  // namespace
}  // namespace purr::extract
