#include "ocr/language.h"

#include <gtest/gtest.h>

namespace purr::ocr {
namespace {

const std::vector<std::string> kAll = {"nor", "swe", "dan", "eng"};

struct Case {
  const char* text;
  const char* model;
};

TEST(GuessLanguageTest, PicksTheLetterLanguage) {
  const Case cases[] = {
      {"Jeg bestrider kravet. Jeg har aldri hatt noe abonnement hos dere, og ber om at saken "
       "stanses. Med vennlig hilsen", "nor"},
      {"Jag bestrider inte skulden men har för närvarande inte möjlighet att betala hela "
       "beloppet. Med vänliga hälsningar", "swe"},
      {"Jeg skriver på vegne af min mors dødsbo. Hun døde den 3. marts, og vi beder jer om at "
       "stille sagen i bero. Venlig hilsen", "dan"},
      {"I am writing to request a copy of all personal data you hold about me. Please reply "
       "within one month. Kind regards", "eng"},
  };
  for (const Case& c : cases) {
    LanguageGuess guess = GuessLanguage(c.text, kAll);
    EXPECT_EQ(guess.model, c.model) << c.text;
    EXPECT_GT(guess.confidence, 0.3) << c.text;
  }
}

TEST(GuessLanguageTest, SwedishLettersDecideEvenWithFewWords) {
  EXPECT_EQ(GuessLanguage("Jag är sjukskriven och min inkomst är lägre", kAll).model, "swe");
}

TEST(GuessLanguageTest, NordicWordsThatLookEnglishDoNotCountAsEnglish) {
  // "AS" (limited company) and "i" (in) are Norwegian here.
  LanguageGuess guess = GuessLanguage(
      "Byggmester Rød AS er slått konkurs. Jeg må meddele at Asker og Bærum tingrett åpnet "
      "konkurs i Byggmester Rød AS den 16. august 2024.",
      kAll);
  EXPECT_EQ(guess.model, "nor");
}

TEST(GuessLanguageTest, ThinEvidenceIsUnsure) {
  EXPECT_EQ(GuessLanguage("", kAll).model, "");
  EXPECT_EQ(GuessLanguage("12345 6789 KID 0036633", kAll).model, "");
  EXPECT_EQ(GuessLanguage("Faktura", kAll).model, "");
}

TEST(GuessLanguageTest, OnlyAllowedModelsAreChosen) {
  LanguageGuess guess = GuessLanguage(
      "Jag bestrider inte skulden men vill ha en avbetalningsplan och jag är tacksam", {"nor", "eng"});
  EXPECT_NE(guess.model, "swe");
}

}  // namespace
}  // namespace purr::ocr
