#include <gtest/gtest.h>

#include "ocr/ocr.h"

namespace purr::ocr {
namespace {

TEST(CharacterErrorRateTest, IdenticalTextIsZero) {
  EXPECT_EQ(CharacterErrorRate("Vennlig hilsen", "Vennlig hilsen"), 0.0);
}

TEST(CharacterErrorRateTest, WhiteSpaceIsNormalised) {
  EXPECT_EQ(CharacterErrorRate("Med vänliga\nhälsningar\n", "  Med  vänliga hälsningar"), 0.0);
}

TEST(CharacterErrorRateTest, CountsCodePointsNotBytes) {
  // "är" read as "år": one substitution in two code points (four bytes).
  EXPECT_DOUBLE_EQ(CharacterErrorRate("är", "år"), 0.5);
}

TEST(CharacterErrorRateTest, InsertionsAndDeletions) {
  EXPECT_DOUBLE_EQ(CharacterErrorRate("abcd", "abd"), 0.25);
  EXPECT_DOUBLE_EQ(CharacterErrorRate("abcd", "abcde"), 0.25);
  EXPECT_DOUBLE_EQ(CharacterErrorRate("abcd", ""), 1.0);
}

TEST(CharacterErrorRateTest, EmptyReference) {
  EXPECT_EQ(CharacterErrorRate("", ""), 0.0);
  EXPECT_EQ(CharacterErrorRate("", "x"), 1.0);
}

}  // namespace
}  // namespace purr::ocr
