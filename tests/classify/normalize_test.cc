// Text folding: case, Nordic letters, hyphenation, OCR confusions, and the map back to the
// original bytes.
#include "classify/normalize.h"

#include <gtest/gtest.h>

namespace purr::classify {
namespace {

struct FoldCase {
  const char* input;
  const char* folded;
};

class FoldTest : public ::testing::TestWithParam<FoldCase> {};

TEST_P(FoldTest, FoldsAsExpected) {
  EXPECT_EQ(Fold(GetParam().input).text, GetParam().folded);
}

INSTANTIATE_TEST_SUITE_P(
    Letters, FoldTest,
    ::testing::Values(
        FoldCase{"DØDSBO etter Åse", "dodsbo etter ase"},
        FoldCase{"Gældssanering hos Skifteretten", "galdssanering hos skifteretten"},
        FoldCase{"Jag bestrider härmed kravet för Göteborg", "jag bestrider harmed kravet for goteborg"},
        FoldCase{"do\xCC\x88" "dsbo", "dodsbo"},  // o + combining diaeresis (NFD input)
        FoldCase{"nedbetalings-\nplan", "nedbetalingsplan"},
        // A paragraph break ends a sentence; one inside a sentence (OCR) is a space.
        FoldCase{"Jeg betaler.\n\nJeg bestrider", "jeg betaler.\njeg bestrider"},
        FoldCase{"Hilsen\n\nKari", "hilsen\nkari"},
        FoldCase{"bestrider kravet eftersom\n\nhörapparaten", "bestrider kravet eftersom horapparaten"},
        FoldCase{"nedbetalings-  \n   plan", "nedbetalingsplan"},
        FoldCase{"Oslo-\nBergen", "oslo- bergen"},  // capital after the break: a real hyphen
        FoldCase{"ti|bake og f0reldet", "tilbake og foreldet"},
        FoldCase{"sak 2024-10", "sak 2024-10"},  // digits between digits stay
        FoldCase{"Straße", "strasse"},
        FoldCase{"a  \t b\nc", "a b c"},
        FoldCase{"first para.\n\nsecond", "first para.\nsecond"},
        FoldCase{"\xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x80\x93 dash", "\"quoted\" - dash"},
        FoldCase{"soft\xC2\xADhyphen", "softhyphen"},
        FoldCase{"", ""}));

// The original text behind the first occurrence of `folded_word` in Fold(text).
std::string OriginalOf(const std::string& text, const std::string& folded_word) {
  FoldedText folded = Fold(text);
  size_t at = folded.text.find(folded_word);
  if (at == std::string::npos) return "<not found>";
  Span span = folded.ToOriginal(at, at + folded_word.size());
  return text.substr(span.start, span.end - span.start);
}

TEST(FoldSpans, MapBackToOriginalBytes) {
  EXPECT_EQ(OriginalOf("Jeg BESTRIDER kravet", "bestrider"), "BESTRIDER");
  // Multi-byte letters map to whole characters.
  EXPECT_EQ(OriginalOf("Ærlig talt: DØDSBOET etter far", "dodsboet"), "DØDSBOET");
  // A rejoined hyphenation spans the line break.
  EXPECT_EQ(OriginalOf("ber om nedbetalings-\nplan nå", "nedbetalingsplan"), "nedbetalings-\nplan");
  EXPECT_EQ(OriginalOf("Stra\xC3\x9F" "e 5", "strasse"), "Stra\xC3\x9F" "e");
}

TEST(FoldBadInput, InvalidUtf8BecomesSpace) {
  FoldedText folded = Fold("\xFF\xFE bestrider \xC3");
  EXPECT_EQ(folded.text, "bestrider ");
  EXPECT_EQ(folded.origin.size(), folded.text.size());
}

TEST(FoldPattern, FoldsOnlyNonAsciiLetters) {
  EXPECT_EQ(FoldPattern("\\bdødsbo\\w*"), "\\bdodsbo\\w*");
  EXPECT_EQ(FoldPattern("DØDSBO"), "DoDSBO");  // ASCII case is left to the case-insensitive match
  EXPECT_EQ(FoldPattern("[æøå]\\S+"), "[aoa]\\S+");
}

TEST(Lower, KeepsDiacriticsAndNormalisesToNfc) {
  EXPECT_EQ(Lower("DØDSBO Ärende"), "dødsbo ärende");
  EXPECT_EQ(Lower("do\xCC\x88"), "d\xC3\xB6");
  EXPECT_EQ(Lower("STRA\xC3\x9F" "E"), "strasse");  // full case folding: ß -> ss
}

TEST(LowerBadInput, IllFormedUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(Lower("\xFF" "ABC \xC3"), "\xEF\xBF\xBD" "abc \xEF\xBF\xBD");
  EXPECT_EQ(Lower(""), "");
}

}  // namespace
}  // namespace purr::classify
