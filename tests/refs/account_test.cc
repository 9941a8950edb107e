#include "refs/account.h"

#include <gtest/gtest.h>

namespace purr::refs {
namespace {

constexpr const char* kValidIbans[] = {
    "NO93 8601 1117 947",            // Norway, 15
    "SE45 5000 0000 0583 9825 7466",  // Sweden, 24
    "DK50 0040 0440 1162 43",         // Denmark, 18
    "FI21 1234 5600 0007 85",         // Finland, 18
    "DE89 3704 0044 0532 0130 00",    // Germany, 22
    "GB29 NWBK 6016 1331 9268 19",    // letters in the BBAN
};

TEST(IbanTest, AcceptsRegistryExamples) {
  for (const char* iban : kValidIbans) EXPECT_TRUE(IsIbanValid(iban)) << iban;
}

TEST(IbanTest, RejectsWrongCheckLengthCountryAndCharacters) {
  EXPECT_FALSE(IsIbanValid("NO94 8601 1117 947"));   // check digits
  EXPECT_FALSE(IsIbanValid("NO93 8601 1117 9470"));  // length
  EXPECT_FALSE(IsIbanValid("XX93 8601 1117 947"));   // unknown country
  EXPECT_FALSE(IsIbanValid("NO93-8601-1117-947"));   // characters
  EXPECT_FALSE(IsIbanValid(""));
  EXPECT_EQ(IbanLength("NO"), 15);
  EXPECT_EQ(IbanLength("SE"), 24);
  EXPECT_FALSE(IbanLength("US").has_value());
}

TEST(NorwegianAccountTest, Mod11) {
  EXPECT_TRUE(IsNorwegianAccountValid("8601.11.17947"));
  EXPECT_TRUE(IsNorwegianAccountValid("99991005524"));  // Nets sample debit account (B.3)
  EXPECT_FALSE(IsNorwegianAccountValid("86011117948"));
  EXPECT_FALSE(IsNorwegianAccountValid("8601111794"));
  EXPECT_FALSE(IsNorwegianAccountValid("8601111794x"));
}

TEST(CanonicalAccountTest, IbanAndBbanCompareEqual) {
  EXPECT_EQ(CanonicalAccount("NO93 8601 1117 947"), "86011117947");
  EXPECT_EQ(CanonicalAccount("8601.11.17947"), "86011117947");
}

TEST(MaskAccountTest, KeepsLastFour) {
  EXPECT_EQ(MaskAccount("8601.11.17947"), "*******7947");
  EXPECT_EQ(MaskAccount("12345"), "*****");
}

}  // namespace
}  // namespace purr::refs
