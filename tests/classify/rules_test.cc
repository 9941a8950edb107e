// Rule files: loading, every error path (reported with file:line), and the caller keeping
// the rules it had when a reload fails.
#include "classify/rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include "classify/normalize.h"
#include "tests/classify/corpus.h"

namespace purr::classify {
namespace {

constexpr const char* kGoodRules = R"(rules:
  - id: dispute.test
    class: dispute
    languages: [nb]
    weight: 0.9
    patterns: ['\bbestrider\b']
    negations: ['\bbestrider ikke\b']
    comment: test
)";

Result<std::shared_ptr<const RuleSet>> Load(const std::string& content,
                                            const std::string& name = "rules/test.yaml") {
  return LoadRuleSet({{name, content}});
}

struct BrokenCase {
  const char* what;
  const char* content;
  const char* expected;  // part of the error message
};

class BrokenRuleFile : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenRuleFile, IsReportedWithFileAndLine) {
  Result<std::shared_ptr<const RuleSet>> rules = Load(GetParam().content);
  ASSERT_FALSE(rules.ok()) << GetParam().what;
  EXPECT_NE(rules.status().message().find(GetParam().expected), std::string::npos)
      << GetParam().what << ": " << rules.status().message();
  EXPECT_EQ(rules.status().message().rfind("rules/test.yaml:", 0), 0u) << rules.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    ErrorPaths, BrokenRuleFile,
    ::testing::Values(
        BrokenCase{"yaml syntax", "rules:\n  - id: x\n    patterns: ['a'\n", "YAML error"},
        BrokenCase{"bad regex", "rules:\n  - id: x\n    class: dispute\n    patterns:\n      - 'ok'\n      - '(unclosed'\n",
                   "test.yaml:6: rule 'x': pattern '(unclosed': missing )"},
        BrokenCase{"bad negation", "rules:\n  - id: x\n    class: dispute\n    patterns: ['a']\n    negations: ['[z-a]']\n",
                   "invalid character class range"},
        BrokenCase{"unknown class", "rules:\n  - id: x\n    class: angry\n    patterns: ['a']\n", "unknown class 'angry'"},
        BrokenCase{"missing id", "rules:\n  - class: dispute\n    patterns: ['a']\n", "test.yaml:2: missing 'id'"},
        BrokenCase{"duplicate id", "rules:\n  - {id: x, class: dispute, patterns: [a]}\n  - {id: x, class: dispute, patterns: [b]}\n",
                   "test.yaml:3: duplicate rule id 'x'"},
        BrokenCase{"no patterns", "rules:\n  - id: x\n    class: dispute\n", "has no patterns"},
        BrokenCase{"weight too big", "rules:\n  - {id: x, class: dispute, patterns: [a], weight: 3}\n", "weight must be in (0, 1]"},
        BrokenCase{"weight not a number", "rules:\n  - {id: x, class: dispute, patterns: [a], weight: high}\n", "weight must be a number"},
        BrokenCase{"unknown language", "rules:\n  - {id: x, class: dispute, patterns: [a], languages: [fi]}\n", "unknown language 'fi'"},
        BrokenCase{"unknown class to yield to", "rules:\n  - {id: x, class: dispute, patterns: [a], unless_classes: [fraud]}\n",
                   "unknown class 'fraud' in unless_classes"},
        BrokenCase{"unknown section", "rulez:\n  - {id: x}\n", "unknown section 'rulez'"},
        BrokenCase{"not a mapping", "- just\n- a list\n", "expected a mapping"},
        BrokenCase{"rules not a list", "rules: 5\n", "'rules' must be a list"},
        BrokenCase{"patterns not a list", "rules:\n  - {id: x, class: dispute, patterns: {a: b}}\n", "'patterns' must be a list"},
        BrokenCase{"legal unknown category",
                   "legal:\n  - {id: l, class: dispute, category: stop, jurisdictions: {NO: {statute: s, source: s}}}\n",
                   "unknown category 'stop'"},
        BrokenCase{"legal unknown jurisdiction",
                   "legal:\n  - {id: l, class: dispute, category: halt, jurisdictions: {FI: {statute: s, source: s}}}\n",
                   "unknown jurisdiction 'FI'"},
        BrokenCase{"legal without source",
                   "legal:\n  - {id: l, class: dispute, category: halt, jurisdictions: {NO: {statute: s}}}\n",
                   "missing 'source'"},
        BrokenCase{"legal bad deadline",
                   "legal:\n  - {id: l, class: dispute, category: halt, jurisdictions: {NO: {deadline_days: -3, statute: s, source: s}}}\n",
                   "deadline out of range"},
        BrokenCase{"signal bad jurisdiction", "jurisdiction_signals:\n  - {id: s, jurisdiction: XX, patterns: [a]}\n",
                   "unknown jurisdiction 'XX'"}));

TEST(RuleSet, NoRulesAtAllIsAnError) {
  EXPECT_FALSE(LoadRuleSet({}).ok());
  EXPECT_FALSE(Load("jurisdiction_signals:\n  - {id: s, jurisdiction: NO, patterns: [nok]}\n").ok());
}

TEST(RuleSet, FailedReloadLeavesTheOldRulesInForce) {
  Result<std::shared_ptr<const RuleSet>> first = Load(kGoodRules);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  std::shared_ptr<const RuleSet> in_force = *first;
  Result<std::shared_ptr<const RuleSet>> reload = Load("rules:\n  - {id: x, class: dispute, patterns: ['(']}\n");
  ASSERT_FALSE(reload.ok());
  if (reload.ok()) in_force = *reload;  // what a caller does: replace only on success
  EXPECT_EQ(in_force->Match(Fold("jeg bestrider kravet").text).size(), 1u);
}

TEST(RuleSet, VersionIsAHashOfTheContent) {
  auto a = Load(kGoodRules), b = Load(kGoodRules), c = Load(std::string(kGoodRules) + "# edited\n");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ((*a)->version(), (*b)->version());
  EXPECT_NE((*a)->version(), (*c)->version());
  EXPECT_EQ((*a)->version().rfind("rules-", 0), 0u);
}

TEST(RuleSet, NegationInTheSameSentenceSuppressesTheMatch) {
  auto rules = Load(kGoodRules);
  ASSERT_TRUE(rules.ok());
  EXPECT_TRUE((*rules)->Match(Fold("Jeg bestrider ikke kravet.").text).empty());
  EXPECT_EQ((*rules)->Match(Fold("Jeg bestrider ikke gebyret. Men jeg bestrider kravet.").text).size(), 1u);
}

TEST(RuleSet, PatternsWithNordicLettersMatchFoldedAndOcrText) {
  auto rules = Load("rules:\n  - {id: d, class: deceased, patterns: ['dødsboet etter']}\n");
  ASSERT_TRUE(rules.ok());
  for (const char* text : {"DØDSBOET ETTER Ola", "dodsboet etter Ola", "Dødsboet\netter Ola"}) {
    EXPECT_EQ((*rules)->Match(Fold(text).text).size(), 1u) << text;
  }
}

TEST(RuleSet, ExclusionAnywhereInTheLetterDisablesTheRule) {
  auto rules = Load("rules:\n  - {id: b, class: bankruptcy, patterns: [konkurs], exclusions: ['ikke konkurs']}\n");
  ASSERT_TRUE(rules.ok());
  EXPECT_TRUE((*rules)->Match(Fold("Dere truer med konkurs. Jeg er ikke konkurs.").text).empty());
  EXPECT_EQ((*rules)->Match(Fold("Firmaet er konkurs.").text).size(), 1u);
}

TEST(RuleSet, ShippedRulesLoadWithLegalTermsForEveryHaltClass) {
  std::shared_ptr<const RuleSet> rules = testing::ShippedRules();
  ASSERT_NE(rules, nullptr);
  EXPECT_GT(rules->rules().size(), 40u);
  for (Class cls : kAllClasses) {
    if (!IsHaltClass(cls) && cls != Class::kDataRequest) continue;
    const LegalRule* legal = rules->LegalFor(cls);
    ASSERT_NE(legal, nullptr) << ClassName(cls);
    ASSERT_TRUE(legal->terms.count(Jurisdiction::kUnknown)) << ClassName(cls);
    for (const auto& [j, term] : legal->terms) {
      EXPECT_FALSE(term.statute.empty()) << ClassName(cls);
      EXPECT_NE(term.source.find("domain.md"), std::string::npos) << ClassName(cls);
    }
  }
}

// The RE2::Set prefilter must find exactly what running every pattern on its own finds,
// on every letter of the corpus and on OCR-like damaged copies of them.
TEST(RuleSet, SetPrefilterAgreesWithEveryPatternOnItsOwn) {
  std::shared_ptr<const RuleSet> rules = testing::ShippedRules();
  ASSERT_NE(rules, nullptr);
  auto key = [](const std::vector<RuleHit>& hits) {
    std::vector<std::tuple<std::string, size_t, size_t>> out;
    for (const auto& h : hits) out.emplace_back(h.rule->id, h.start, h.end);
    std::sort(out.begin(), out.end());
    return out;
  };
  size_t letters = 0, hits = 0;
  for (const auto& letter : testing::Corpus()) {
    std::string damaged = letter.example.text;
    for (size_t i = 7; i < damaged.size(); i += 13) {
      if (damaged[i] == 'o') damaged[i] = '0';
      if (damaged[i] == 'l') damaged[i] = '1';
    }
    for (const std::string& text : {letter.example.text, damaged}) {
      std::string folded = Fold(text).text;
      auto fast = key(rules->Match(folded));
      EXPECT_EQ(fast, key(rules->MatchEachPattern(folded))) << letter.example.name;
      hits += fast.size();
      ++letters;
    }
  }
  EXPECT_GT(hits, letters);  // the comparison is not vacuous
}

TEST(ReadRuleDir, MissingFolderIsAnError) {
  Result<std::vector<RuleFile>> files = ReadRuleDir("no/such/folder");
  ASSERT_FALSE(files.ok());
  EXPECT_NE(files.status().message().find("no/such/folder"), std::string::npos);
}

TEST(RuleSet, FiveHundredRulesCompile) {
  std::string content = "rules:\n";
  for (int i = 0; i < 500; ++i) {
    content += "  - {id: r" + std::to_string(i) + ", class: complaint, patterns: ['\\bord" +
               std::to_string(i) + "\\b', 'frase nummer " + std::to_string(i) + "\\b']}\n";
  }
  auto rules = Load(content);
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  EXPECT_EQ((*rules)->pattern_count(), 1000u);
  EXPECT_EQ((*rules)->Match(Fold("her er ord417 og frase nummer 3").text).size(), 2u);
}

}  // namespace
}  // namespace purr::classify
