// Classification rules: the YAML files under rules/ compiled into an immutable RuleSet.
//
//   Result<std::vector<RuleFile>> files = ReadRuleDir("rules");   // the only I/O here
//   Result<std::shared_ptr<const RuleSet>> rules = LoadRuleSet(*files);
//   if (!rules.ok()) log(rules.status());   // keep using the RuleSet you had
//
// File format: rules/README.md. Each rule has an id, a class, languages, RE2 patterns,
// negation patterns (checked in the sentence of each match: "bestrider ikke"), exclusion
// patterns (checked in the whole letter), a weight and a comment. legal.yaml maps classes to
// legal categories with a deadline, statute and source per jurisdiction, and lists the
// signals (currency, phone prefix, place names) that place an English letter in a country.
// Patterns are matched case-insensitively against the folded text (see normalize.h): write
// them with their Nordic letters ("dødsbo"); they also match "dodsbo" and "DØDSBO". A space
// in a pattern matches any run of white space, line breaks included.
//
// Errors: LoadRuleSet fails on the first broken file with "<file>:<line>: <problem>", the
// problem being yaml-cpp's or RE2's error text, a missing field or an unknown class. Nothing
// is half-loaded: the caller's previous RuleSet stays valid and in force.
//
// Thread safety: a RuleSet is immutable; share it as shared_ptr<const RuleSet>.
#ifndef PURR_CLASSIFY_RULES_H_
#define PURR_CLASSIFY_RULES_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "classify/classify.h"
#include "common/status.h"

namespace purr::classify {

struct RuleFile {
  std::string name;     // shown in errors, e.g. "rules/dispute.yaml"
  std::string content;  // YAML text
};

struct Rule {
  std::string id;
  Class cls = Class::kOther;
  std::vector<Language> languages;  // empty: any language
  std::vector<std::string> patterns, negations, exclusions;  // as written
  double weight = 0.8;
  // The rule's class is dropped when one of these classes is also reported and the model
  // does not back the rule's class (a payment plan inside a debt settlement is the
  // settlement's plan; "never ordered" in an identity-theft letter is the theft).
  std::vector<Class> unless_classes;
  std::string comment;
  std::string file;
  int line = 0;
};

// What the law says for one class in one jurisdiction.
struct LegalTerm {
  int deadline_days = 0;    // the deadline is received + months + weeks + days
  int deadline_weeks = 0;
  int deadline_months = 0;
  std::string statute;
  std::string source;       // where the fact comes from (domain.md section and its source)
  std::string note;
};

struct LegalRule {
  std::string id;
  Class cls = Class::kOther;
  LegalCategory category = LegalCategory::kNone;
  std::map<Jurisdiction, LegalTerm> terms;  // kUnknown: the term when no country is known
};

// One match of a rule in the folded text: [start, end) in folded bytes.
struct RuleHit {
  const Rule* rule = nullptr;
  size_t start = 0, end = 0;
};

struct JurisdictionHit {
  std::string id;
  Jurisdiction jurisdiction = Jurisdiction::kUnknown;
  size_t start = 0, end = 0;  // folded bytes
};

class RuleSet {
 public:
  ~RuleSet();
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  const std::vector<Rule>& rules() const;
  const std::vector<LegalRule>& legal() const;
  // Hash of the files' names and contents: "rules-<16 hex>".
  const std::string& version() const;
  size_t pattern_count() const;

  // The legal rule for a class, or null.
  const LegalRule* LegalFor(Class cls) const;

  // All matches in `folded` (the output of Fold()) that survive their rule's negations and
  // exclusions, at most a few per rule, in rule order.
  std::vector<RuleHit> Match(std::string_view folded) const;
  std::vector<JurisdictionHit> MatchJurisdiction(std::string_view folded) const;

  // The same as Match without the RE2::Set prefilter: every pattern is run on its own.
  // Slow; the reference the tests compare Match against.
  std::vector<RuleHit> MatchEachPattern(std::string_view folded) const;

 private:
  friend Result<std::shared_ptr<const RuleSet>> LoadRuleSet(const std::vector<RuleFile>&);
  struct Impl;
  explicit RuleSet(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Compiles rule files into a RuleSet. Fails with "<file>:<line>: <reason>" on the first
// error. Rule ids must be unique across files.
Result<std::shared_ptr<const RuleSet>> LoadRuleSet(const std::vector<RuleFile>& files);

// Reads every *.yaml file of `dir` (sorted by name, not recursive). Fails when the directory
// cannot be read, holds no rule file, or a file is over 4 MiB.
Result<std::vector<RuleFile>> ReadRuleDir(const std::string& dir);

}  // namespace purr::classify

#endif  // PURR_CLASSIFY_RULES_H_
