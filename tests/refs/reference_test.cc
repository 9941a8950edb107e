// Check digits and reference shapes against the worked examples in ../shared/domain.md B.1-B.6.
#include "refs/reference.h"

#include <gtest/gtest.h>

#include <string>

namespace purr::refs {
namespace {

struct Computed {
  const char* base;
  const char* full;
};

// domain.md B.1 Luhn [V] and B.4 (Luhn-only OCR), B.6 (+75).
constexpr Computed kLuhnExamples[] = {
    {"1234", "12344"},           {"2345678", "23456783"},
    {"12345678", "123456782"},   {"1234567", "12345674"},  // Nets section 5 gives check 2 for
                                                            // 12345678; 1234567 -> 4 [V]
    {"123456", "1234566"},       {"123456789012345", "1234567890123452"},
    {"00000000000001", "000000000000018"},  // FIK: "number 1 is printed as 18"
};

TEST(LuhnTest, ComputesWorkedExamples) {
  for (const auto& c : kLuhnExamples) {
    std::string base = c.base;
    EXPECT_EQ(base + *LuhnCheckDigit(base), c.full) << c.base;
    EXPECT_TRUE(IsLuhnValid(c.full)) << c.full;
  }
}

TEST(LuhnTest, RejectsWrongDigitAndNonDigits) {
  EXPECT_FALSE(IsLuhnValid("12345"));
  EXPECT_FALSE(IsLuhnValid("1234a"));
  EXPECT_FALSE(IsLuhnValid("4"));
  EXPECT_FALSE(LuhnCheckDigit("").has_value());
  EXPECT_FALSE(LuhnCheckDigit("12 34").has_value());
}

TEST(LuhnTest, MissesOnlyTheZeroNineTransposition) {
  // domain.md B.1: 10900 and 19000 are both Luhn-valid.
  EXPECT_TRUE(IsLuhnValid("10900"));
  EXPECT_TRUE(IsLuhnValid("19000"));
}

constexpr Computed kMod11Examples[] = {
    {"1234", "12343"},          {"2345678", "23456788"}, {"12345678", "123456785"},
    {"1009", "1009-"},          {"100002", "1000020"},
};

TEST(Mod11Test, ComputesWorkedExamplesIncludingMinusAndZero) {
  for (const auto& c : kMod11Examples) {
    std::string base = c.base;
    EXPECT_EQ(base + *Mod11CheckChar(base), c.full) << c.base;
    EXPECT_TRUE(IsMod11Valid(c.full, /*allow_minus=*/true)) << c.full;
  }
}

TEST(Mod11Test, MinusOnlyWhenAllowed) {
  EXPECT_FALSE(IsMod11Valid("1009-", /*allow_minus=*/false));
  EXPECT_FALSE(IsMod11Valid("10090", /*allow_minus=*/true));
}

// domain.md B.2: the Nets sample file mixes MOD11 and MOD10 KIDs.
struct KidCase {
  const char* kid;
  bool mod10;
  bool mod11;
};
constexpr KidCase kNetsSampleKids[] = {
    {"0000531", false, true},         {"0036633", false, true},
    {"000149012", false, true},       {"02321291038303", true, false},
    {"02358291038305", true, false},
};

TEST(KidTest, NetsSampleKidsFollowTheirAgreementAlgorithm) {
  for (const auto& c : kNetsSampleKids) {
    EXPECT_EQ(IsKidValid(c.kid, {KidAlgorithm::kMod10}), c.mod10) << c.kid;
    EXPECT_EQ(IsKidValid(c.kid, {KidAlgorithm::kMod11}), c.mod11) << c.kid;
    EXPECT_TRUE(IsKidValid(c.kid, {KidAlgorithm::kEither})) << c.kid;
  }
}

TEST(KidTest, MakesBothAlgorithms) {
  EXPECT_EQ(*MakeKid("1234", KidAlgorithm::kMod10), "12344");
  EXPECT_EQ(*MakeKid("1234", KidAlgorithm::kMod11), "12343");
  EXPECT_EQ(*MakeKid("1009", KidAlgorithm::kMod11), "1009-");
  EXPECT_FALSE(MakeKid("", KidAlgorithm::kMod10).ok());
  EXPECT_FALSE(MakeKid("12a", KidAlgorithm::kMod10).ok());
  EXPECT_FALSE(MakeKid(std::string(25, '1'), KidAlgorithm::kMod10).ok());
}

TEST(KidTest, EnforcesAgreedLengths) {
  KidScheme seven{KidAlgorithm::kEither, 7, 7};
  EXPECT_TRUE(IsKidValid("0036633", seven));
  EXPECT_FALSE(IsKidValid("000149012", seven));
  EXPECT_FALSE(IsKidValid(std::string(26, '0'), KidScheme{}));
}

TEST(SwedishOcrTest, WorkedExamples) {
  EXPECT_EQ(*MakeSwedishOcr("123456", false), "1234566");
  EXPECT_EQ(*MakeSwedishOcr("12345", true), "1234574");
  EXPECT_EQ(*MakeSwedishOcr("1234567890123", true), "123456789012354");
  EXPECT_TRUE(IsSwedishOcrValid("1234574", true));
  EXPECT_TRUE(IsSwedishOcrValid("123456789012354", true));
  EXPECT_FALSE(IsSwedishOcrValid("1234566", true));  // Luhn ok, length digit wrong
  EXPECT_TRUE(IsSwedishOcrValid("1234566", false));
  EXPECT_FALSE(MakeSwedishOcr("", false).ok());
  EXPECT_FALSE(MakeSwedishOcr("12a4", true).ok());
  EXPECT_FALSE(MakeSwedishOcr(std::string(24, '1'), true).ok());  // 26 digits with both
  EXPECT_FALSE(IsSwedishOcrValid(std::string(26, '0'), false));
}

TEST(SwedishOcrTest, BankgirotExampleFileReferences) {
  // domain.md B.4: 6 digits, length digit 6, valid Luhn.
  for (const char* ocr : {"655969", "657866", "801266", "658765", "657767", "801365", "801464"}) {
    EXPECT_TRUE(IsSwedishOcrValid(ocr, true)) << ocr;
  }
}

TEST(RfTest, WorkedExamples) {
  EXPECT_EQ(*MakeRfReference("539007547034"), "RF18539007547034");
  EXPECT_EQ(*MakeRfReference("2348231"), "RF712348231");
  EXPECT_EQ(*MakeRfReference("4"), "RF904");
  EXPECT_EQ(*MakeRfReference("12345672"), "RF8512345672");
  EXPECT_TRUE(IsRfReferenceValid(CompactReference("RF18 5390 0754 7034")));
  EXPECT_FALSE(IsRfReferenceValid(CompactReference("RF17 5390 0754 7034")));
}

TEST(RfTest, RejectsBadShapes) {
  EXPECT_FALSE(MakeRfReference("").ok());
  EXPECT_FALSE(MakeRfReference(std::string(22, '1')).ok());
  EXPECT_FALSE(IsRfReferenceValid("RF1"));
  EXPECT_FALSE(IsRfReferenceValid("XX18539007547034"));
}

TEST(FinnishTest, WorkedExamples) {
  EXPECT_EQ(*MakeFinnishReference("1234"), "12344");
  EXPECT_EQ(*MakeFinnishReference("123456"), "1234561");
  EXPECT_EQ(*MakeFinnishReference("1357914"), "13579146");
  EXPECT_EQ(*MakeFinnishReference("1234567"), "12345672");
  EXPECT_FALSE(IsFinnishReferenceValid("123"));
  EXPECT_FALSE(IsFinnishReferenceValid("12345673"));
  EXPECT_FALSE(MakeFinnishReference("12").ok());
}

TEST(Mod97Test, IncrementalRemainder) {
  EXPECT_EQ(*Mod97("97"), 0);
  EXPECT_EQ(*Mod97("A"), 10);
  EXPECT_FALSE(Mod97("12-3").has_value());
  EXPECT_FALSE(Mod97("").has_value());
}

TEST(FikTest, ParsesRealInvoiceLine) {
  auto fik = ParseFikLine("+71< 000000067097535+85799665<");
  ASSERT_TRUE(fik.ok()) << fik.status().ToString();
  EXPECT_EQ(fik->card_type, 71);
  EXPECT_EQ(fik->payment_id, "000000067097535");
  EXPECT_EQ(fik->creditor, "85799665");
  EXPECT_EQ(FormatFikLine(*fik), "+71<000000067097535 +85799665<");
}

TEST(FikTest, PadsShortIdsAndValidatesLuhn) {
  auto fik = ParseFikLine("+71<18 +85799665<");
  ASSERT_TRUE(fik.ok());
  EXPECT_EQ(fik->payment_id, "000000000000018");
  EXPECT_TRUE(ParseFikLine("+71<026840149965328+85799665<").ok());  // Business::DK::FI example
  EXPECT_TRUE(ParseFikLine("+75<1234567890123452+85799665<").ok());
}

struct FikError {
  const char* line;
  const char* why;
};
constexpr FikError kFikErrors[] = {
    {"71<000000067097535+85799665<", "start"},
    {"+72<000000067097535+85799665<", "unknown FIK card type"},
    {"+71<000000067097536+85799665<", "check digit"},
    {"+71<+85799665<", "payment id missing"},
    {"+73<000000067097535+85799665<", "carries no payment id"},
    {"+71<1000000000000067097535+85799665<", "at most 15"},
    {"+71<000000067097535+75799665<", "starting with 8"},
    {"+01<+123<", "7 or 8 digits"},
    {"+71<000000067097535", "no '+'"},
};

TEST(FikTest, ReportsEachMalformedLine) {
  for (const auto& e : kFikErrors) {
    auto fik = ParseFikLine(e.line);
    ASSERT_FALSE(fik.ok()) << e.line;
    EXPECT_NE(fik.status().message().find(e.why), std::string::npos)
        << e.line << ": " << fik.status().message();
  }
}

TEST(FikTest, GiroCardsWithoutId) {
  auto fik = ParseFikLine("+73< +85799665<");
  ASSERT_TRUE(fik.ok());
  EXPECT_TRUE(fik->payment_id.empty());
  EXPECT_TRUE(ParseFikLine("+01<+1234567<").ok());
}

TEST(CompactReferenceTest, StripsLabelsAndSeparatorsKeepsZerosAndMinus) {
  EXPECT_EQ(CompactReference(" KID: 0036 633 "), "0036633");
  EXPECT_EQ(CompactReference("ocr 1234-574"), "1234574");
  EXPECT_EQ(CompactReference("1009-"), "1009-");
  EXPECT_EQ(CompactReference("rf18 5390 0754 7034"), "RF18539007547034");
  EXPECT_EQ(CompactReference("Ref.nr. 12344"), "REFNR12344");  // a label needs a digit after it
  EXPECT_EQ(CompactReference(CompactReference("KID KID 123")), CompactReference("KID KID 123"));
  EXPECT_EQ(CompactReference(CompactReference("RE F123")), CompactReference("RE F123"));
  EXPECT_EQ(CompactReference("#12.344"), "12344");
}

TEST(RepairOcrDigitsTest, OnlyInsideDigitRuns) {
  EXPECT_EQ(RepairOcrDigits("KID 12O45l7"), "KID 1204517");
  EXPECT_EQ(RepairOcrDigits("Olav 1234"), "Olav 1234");
  EXPECT_EQ(RepairOcrDigits("lO"), "lO");
}

bool Has(const std::vector<ReferenceMatch>& v, ReferenceKind kind, bool valid) {
  for (const auto& m : v) {
    if (m.kind == kind) return m.valid == valid;
  }
  return false;
}

TEST(ClassifyReferenceTest, KidFitsSeveralKindsWithValidity) {
  auto v = ClassifyReference("0036633");
  EXPECT_TRUE(Has(v, ReferenceKind::kKidMod11, true));
  EXPECT_TRUE(Has(v, ReferenceKind::kKidMod10, false));
  EXPECT_TRUE(Has(v, ReferenceKind::kSwedishOcr, false));
  EXPECT_TRUE(HasValidCheckDigit("0036633"));
}

TEST(ClassifyReferenceTest, RfIbanFikAccount) {
  EXPECT_TRUE(Has(ClassifyReference("RF18 5390 0754 7034"), ReferenceKind::kRf, true));
  EXPECT_TRUE(Has(ClassifyReference("NO93 8601 1117 947"), ReferenceKind::kIban, true));
  EXPECT_TRUE(Has(ClassifyReference("+71< 000000067097535+85799665<"), ReferenceKind::kFik, true));
  EXPECT_TRUE(Has(ClassifyReference("86011117947"), ReferenceKind::kNorwegianAccount, true));
  EXPECT_TRUE(Has(ClassifyReference("1009-"), ReferenceKind::kKidMod11, true));
  EXPECT_TRUE(ClassifyReference("hello").empty());
  EXPECT_FALSE(HasValidCheckDigit("12345"));
}

TEST(ReferenceKindNameTest, StableNames) {
  EXPECT_EQ(ReferenceKindName(ReferenceKind::kKidMod10), "kid_mod10");
  EXPECT_EQ(ReferenceKindName(ReferenceKind::kRf), "rf");
  for (int k = 0; k <= static_cast<int>(ReferenceKind::kNorwegianAccount); ++k) {
    auto kind = static_cast<ReferenceKind>(k);
    EXPECT_EQ(ReferenceKindFromName(ReferenceKindName(kind)), kind);
  }
  EXPECT_FALSE(ReferenceKindFromName("kid").has_value());
}

}  // namespace
}  // namespace purr::refs
