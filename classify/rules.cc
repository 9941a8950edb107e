#include "classify/rules.h"

#include <re2/re2.h>
#include <re2/set.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "classify/hash.h"
#include "classify/normalize.h"

namespace purr::classify {
namespace {

constexpr size_t kMaxHitsPerRule = 3;
constexpr size_t kSentenceReach = 240;  // bytes either side of a hit checked for negations
constexpr int64_t kSetMaxMem = 256 << 20;
constexpr int64_t kNegationSetMaxMem = 32 << 20;

RE2::Options PatternOptions() {
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  return options;
}

// Folds the pattern's letters like the text, lets a literal space match any run of white
// space (the folded text keeps paragraph breaks as '\n'), and lets a literal 'm' match the
// "rn" OCR often reads for it ("rnånedlig", "forrnue").
std::string PreparePattern(std::string_view written) {
  std::string folded = FoldPattern(written);
  std::string out;
  int bracket = 0;
  for (size_t i = 0; i < folded.size(); ++i) {
    char c = folded[i];
    if (c == '\\' && i + 1 < folded.size()) {
      out += c;
      out += folded[++i];
      continue;
    }
    if (c == '[') ++bracket;
    if (c == ']' && bracket > 0) --bracket;
    if (c == ' ' && bracket == 0) {
      while (i + 1 < folded.size() && folded[i + 1] == ' ') ++i;
      out += "\\s+";
      continue;
    }
    if (c == 'm' && bracket == 0 && !(i > 1 && folded.compare(i - 2, 2, "(?") == 0)) {
      out += "(?:m|rn)";
      continue;
    }
    out += c;
  }
  return out;
}

struct CompiledRule {
  std::vector<std::unique_ptr<RE2>> patterns, negations, exclusions;
};

struct Signal {
  std::string id;
  Jurisdiction jurisdiction;
  std::unique_ptr<RE2> pattern;
};

// A rule file's problem at a YAML node.
class FileError {
 public:
  FileError(std::string file, int line, std::string message)
      : status_(Status::InvalidInput(file + ":" + std::to_string(line) + ": " + message)) {}
  const Status& status() const { return status_; }

 private:
  Status status_;
};

int LineOf(const YAML::Node& node) { return node.Mark().line + 1; }

std::string StringField(const YAML::Node& node, const char* key, const std::string& file,
                        bool required) {
  const YAML::Node value = node[key];
  if (!value) {
    if (required) throw FileError(file, LineOf(node), std::string("missing '") + key + "'");
    return "";
  }
  if (!value.IsScalar()) throw FileError(file, LineOf(value), std::string("'") + key + "' must be text");
  return value.as<std::string>();
}

std::vector<std::string> ListField(const YAML::Node& node, const char* key,
                                   const std::string& file) {
  std::vector<std::string> out;
  const YAML::Node value = node[key];
  if (!value || value.IsNull()) return out;
  if (value.IsScalar()) return {value.as<std::string>()};
  if (!value.IsSequence()) throw FileError(file, LineOf(value), std::string("'") + key + "' must be a list");
  for (const auto& item : value) {
    if (!item.IsScalar()) throw FileError(file, LineOf(item), std::string("'") + key + "' items must be text");
    out.push_back(item.as<std::string>());
  }
  return out;
}

std::unique_ptr<RE2> Compile(const std::string& written, const std::string& file, int line,
                             const std::string& id) {
  auto re = std::make_unique<RE2>(PreparePattern(written), PatternOptions());
  if (!re->ok()) {
    throw FileError(file, line, "rule '" + id + "': pattern '" + written + "': " + re->error());
  }
  return re;
}

bool IsSentenceEnd(std::string_view text, size_t i) {
  char c = text[i];
  if (c == '\n' || c == '!' || c == '?' || c == ';') return true;
  return c == '.' && (i + 1 >= text.size() || text[i + 1] == ' ' || text[i + 1] == '\n');
}

// Contrastive conjunctions open a clause of the other polarity: a negation does not reach
// across them ("jeg bestrider ikke kravet, men gebyret er feil"; "I'm not bankrupt, but
// ..."). Additive ones ("og", "and") keep the sentence's context, so a negation such as
// "gjeldsforhandling" still covers "... og jeg betaler 500 kr i måneden etter planen".
// Matched in the folded text (lower case, marks dropped), with the spaces around them.
constexpr std::string_view kClauseBreaks[] = {
    ", men ", " men ", ", but ", " but ", ", however", " however,", ", dock ", ", mens ",
    ", while ", ", whereas ", ", medan "};

// The sentence around [start, end), narrowed to the clause that holds it.
std::string_view ClauseAround(std::string_view text, size_t start, size_t end) {
  size_t from = start;
  while (from > 0 && start - from < kSentenceReach && !IsSentenceEnd(text, from - 1)) --from;
  size_t to = end;
  while (to < text.size() && to - end < kSentenceReach && !IsSentenceEnd(text, to)) ++to;
  // The last break before the hit and the first after it, searched within the sentence.
  const size_t sentence_from = from;
  const std::string_view head = text.substr(sentence_from, start - sentence_from);
  const std::string_view tail = text.substr(end, to - end);
  // One scan from each side; a break is compared only where its first byte stands.
  auto break_at = [](std::string_view s, size_t p) {
    const std::string_view rest = s.substr(p);
    for (std::string_view brk : kClauseBreaks) {
      if (brk[0] == s[p] && rest.substr(0, brk.size()) == brk) return true;
    }
    return false;
  };
  for (size_t p = head.size(); p-- > 0;) {
    if (break_at(head, p)) {
      from = sentence_from + p + 1;
      break;
    }
  }
  for (size_t p = 0; p < tail.size(); ++p) {
    if (break_at(tail, p)) {
      to = end + p;
      break;
    }
  }
  return text.substr(from, to - from);
}

bool AnyMatches(const std::vector<std::unique_ptr<RE2>>& patterns, std::string_view text) {
  for (const auto& re : patterns) {
    if (RE2::PartialMatch(text, *re)) return true;
  }
  return false;
}

}  // namespace

struct RuleSet::Impl {
  std::vector<Rule> rules;
  std::vector<CompiledRule> compiled;
  std::vector<LegalRule> legal;
  std::vector<Signal> signals;
  std::string version;
  // The set holds every rule pattern; set_owner[i] = (rule index, pattern index).
  std::unique_ptr<RE2::Set> set;
  std::vector<std::pair<size_t, size_t>> set_owner;
  std::set<std::string> ids;
  // Every negation of every rule of a class: a hit is negated by its class's negations in
  // any language, so a rule firing on a letter in another language ("bestrider" in a
  // Norwegian letter matched by the Danish rule) still sees "bestrider ikke".
  std::map<Class, std::vector<const RE2*>> class_negations;
  // The same negations of each class in one set, so that a hit's clause is scanned once
  // rather than once per negation (a class of a large rule set has a hundred and more).
  std::map<Class, std::unique_ptr<RE2::Set>> negation_sets;

  void ParseFile(const RuleFile& file);
  void ParseRule(const YAML::Node& node, const std::string& file);
  void ParseLegal(const YAML::Node& node, const std::string& file);
  void ParseSignal(const YAML::Node& node, const std::string& file);
  Status BuildSet();
  void MatchRule(size_t r, size_t p, std::string_view text, std::vector<RuleHit>* out) const;
  bool Negated(Class cls, std::string_view sentence) const;
};

void RuleSet::Impl::ParseRule(const YAML::Node& node, const std::string& file) {
  if (!node.IsMap()) throw FileError(file, LineOf(node), "a rule must be a mapping");
  Rule rule;
  rule.file = file;
  rule.line = LineOf(node);
  rule.id = StringField(node, "id", file, true);
  if (!ids.insert(rule.id).second) throw FileError(file, rule.line, "duplicate rule id '" + rule.id + "'");
  std::string cls = StringField(node, "class", file, true);
  std::optional<Class> parsed = ParseClass(cls);
  if (!parsed) throw FileError(file, rule.line, "rule '" + rule.id + "': unknown class '" + cls + "'");
  rule.cls = *parsed;
  for (const std::string& code : ListField(node, "languages", file)) {
    Language language = ParseLanguage(code);
    if (language == Language::kUnknown) {
      throw FileError(file, rule.line, "rule '" + rule.id + "': unknown language '" + code + "'");
    }
    rule.languages.push_back(language);
  }
  rule.patterns = ListField(node, "patterns", file);
  if (rule.patterns.empty()) throw FileError(file, rule.line, "rule '" + rule.id + "' has no patterns");
  rule.negations = ListField(node, "negations", file);
  rule.exclusions = ListField(node, "exclusions", file);
  if (node["weight"]) {
    try {
      rule.weight = node["weight"].as<double>();
    } catch (const YAML::Exception&) {
      throw FileError(file, LineOf(node["weight"]), "rule '" + rule.id + "': weight must be a number");
    }
    if (!(rule.weight > 0 && rule.weight <= 1)) {
      throw FileError(file, LineOf(node["weight"]), "rule '" + rule.id + "': weight must be in (0, 1]");
    }
  }
  for (const std::string& name : ListField(node, "unless_classes", file)) {
    std::optional<Class> other = ParseClass(name);
    if (!other) throw FileError(file, rule.line, "rule '" + rule.id + "': unknown class '" + name + "' in unless_classes");
    rule.unless_classes.push_back(*other);
  }
  rule.comment = StringField(node, "comment", file, false);
  CompiledRule compiled_rule;
  auto compile_all = [&](const char* key, const std::vector<std::string>& patterns,
                         std::vector<std::unique_ptr<RE2>>* out) {
    const YAML::Node list = node[key];
    size_t i = 0;
    for (const std::string& p : patterns) {
      int line = list.IsSequence() && i < list.size() ? LineOf(list[i]) : rule.line;
      out->push_back(Compile(p, file, line, rule.id));
      ++i;
    }
  };
  compile_all("patterns", rule.patterns, &compiled_rule.patterns);
  compile_all("negations", rule.negations, &compiled_rule.negations);
  compile_all("exclusions", rule.exclusions, &compiled_rule.exclusions);
  for (const auto& re : compiled_rule.negations) class_negations[rule.cls].push_back(re.get());
  rules.push_back(std::move(rule));
  compiled.push_back(std::move(compiled_rule));
}

void RuleSet::Impl::ParseLegal(const YAML::Node& node, const std::string& file) {
  if (!node.IsMap()) throw FileError(file, LineOf(node), "a legal rule must be a mapping");
  LegalRule legal_rule;
  legal_rule.id = StringField(node, "id", file, true);
  if (!ids.insert(legal_rule.id).second) {
    throw FileError(file, LineOf(node), "duplicate rule id '" + legal_rule.id + "'");
  }
  std::string cls = StringField(node, "class", file, true);
  std::optional<Class> parsed = ParseClass(cls);
  if (!parsed) throw FileError(file, LineOf(node), "legal rule '" + legal_rule.id + "': unknown class '" + cls + "'");
  legal_rule.cls = *parsed;
  std::string category = StringField(node, "category", file, true);
  std::optional<LegalCategory> cat = ParseLegalCategory(category);
  if (!cat) throw FileError(file, LineOf(node), "legal rule '" + legal_rule.id + "': unknown category '" + category + "'");
  legal_rule.category = *cat;
  const YAML::Node terms = node["jurisdictions"];
  if (!terms || !terms.IsMap()) {
    throw FileError(file, LineOf(node), "legal rule '" + legal_rule.id + "' needs 'jurisdictions'");
  }
  for (const auto& entry : terms) {
    std::string code = entry.first.as<std::string>();
    Jurisdiction j = ParseJurisdiction(code);
    if (j == Jurisdiction::kUnknown && code != "unknown") {
      throw FileError(file, LineOf(entry.first), "unknown jurisdiction '" + code + "'");
    }
    const YAML::Node& t = entry.second;
    if (!t.IsMap()) throw FileError(file, LineOf(t), "jurisdiction '" + code + "' must be a mapping");
    LegalTerm term;
    try {
      term.deadline_days = t["deadline_days"].as<int>(0);
      term.deadline_weeks = t["deadline_weeks"].as<int>(0);
      term.deadline_months = t["deadline_months"].as<int>(0);
    } catch (const YAML::Exception&) {
      throw FileError(file, LineOf(t), "deadline_days/weeks/months must be whole numbers");
    }
    if (term.deadline_days < 0 || term.deadline_weeks < 0 || term.deadline_months < 0 ||
        term.deadline_days > 3660 || term.deadline_weeks > 520 || term.deadline_months > 120) {
      throw FileError(file, LineOf(t), "deadline out of range (0..10 years)");
    }
    term.statute = StringField(t, "statute", file, true);
    term.source = StringField(t, "source", file, true);
    term.note = StringField(t, "note", file, false);
    legal_rule.terms[j] = std::move(term);
  }
  legal.push_back(std::move(legal_rule));
}

void RuleSet::Impl::ParseSignal(const YAML::Node& node, const std::string& file) {
  if (!node.IsMap()) throw FileError(file, LineOf(node), "a signal must be a mapping");
  std::string id = StringField(node, "id", file, true);
  std::string code = StringField(node, "jurisdiction", file, true);
  Jurisdiction j = ParseJurisdiction(code);
  if (j == Jurisdiction::kUnknown) throw FileError(file, LineOf(node), "unknown jurisdiction '" + code + "'");
  for (const std::string& p : ListField(node, "patterns", file)) {
    signals.push_back({id, j, Compile(p, file, LineOf(node), id)});
  }
}

void RuleSet::Impl::ParseFile(const RuleFile& file) {
  YAML::Node root;
  try {
    root = YAML::Load(file.content);
  } catch (const YAML::ParserException& e) {
    throw FileError(file.name, e.mark.line + 1, "YAML error: " + e.msg);
  }
  if (!root.IsMap()) throw FileError(file.name, 1, "expected a mapping with 'rules', 'legal' or 'jurisdiction_signals'");
  bool any = false;
  for (const auto& entry : root) {
    const std::string key = entry.first.as<std::string>();
    const YAML::Node& list = entry.second;
    if (key == "concern" || key == "comment") continue;
    if (!list.IsSequence()) throw FileError(file.name, LineOf(entry.first), "'" + key + "' must be a list");
    if (key == "rules") {
      for (const auto& node : list) ParseRule(node, file.name);
    } else if (key == "legal") {
      for (const auto& node : list) ParseLegal(node, file.name);
    } else if (key == "jurisdiction_signals") {
      for (const auto& node : list) ParseSignal(node, file.name);
    } else {
      throw FileError(file.name, LineOf(entry.first), "unknown section '" + key + "'");
    }
    any = true;
  }
  if (!any) throw FileError(file.name, 1, "no 'rules', 'legal' or 'jurisdiction_signals'");
}

Status RuleSet::Impl::BuildSet() {
  RE2::Options options = PatternOptions();
  options.set_max_mem(kSetMaxMem);
  set = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
  for (size_t r = 0; r < rules.size(); ++r) {
    for (size_t p = 0; p < rules[r].patterns.size(); ++p) {
      std::string error;
      if (set->Add(PreparePattern(rules[r].patterns[p]), &error) < 0) {
        return Status::InvalidInput(rules[r].file + ":" + std::to_string(rules[r].line) +
                                    ": rule '" + rules[r].id + "': " + error);
      }
      set_owner.emplace_back(r, p);
    }
  }
  if (!set->Compile()) return Status::LimitExceeded("rule set too large to compile");
  for (const auto& [cls, negations] : class_negations) {
    RE2::Options negation_options = PatternOptions();
    negation_options.set_max_mem(kNegationSetMaxMem);
    auto negation_set = std::make_unique<RE2::Set>(negation_options, RE2::UNANCHORED);
    bool added = true;
    for (const RE2* re : negations) {
      std::string error;
      added = added && negation_set->Add(re->pattern(), &error) >= 0;
    }
    // A set that cannot be built leaves the class to the pattern-by-pattern check.
    if (added && negation_set->Compile()) negation_sets[cls] = std::move(negation_set);
  }
  return Status::Ok();
}

bool RuleSet::Impl::Negated(Class cls, std::string_view sentence) const {
  auto it = class_negations.find(cls);
  if (it == class_negations.end()) return false;
  if (auto set_it = negation_sets.find(cls); set_it != negation_sets.end()) {
    RE2::Set::ErrorInfo error;
    if (set_it->second->Match(sentence, nullptr, &error)) return true;
    if (error.kind == RE2::Set::kNoError) return false;
    // The DFA ran out of memory on this clause: check the negations one by one.
  }
  for (const RE2* re : it->second) {
    if (RE2::PartialMatch(sentence, *re)) return true;
  }
  return false;
}

void RuleSet::Impl::MatchRule(size_t r, size_t p, std::string_view text,
                              std::vector<RuleHit>* out) const {
  const CompiledRule& rule = compiled[r];
  if (AnyMatches(rule.exclusions, text)) return;
  size_t found = 0;
  for (const auto& hit : *out) found += hit.rule == &rules[r];
  re2::StringPiece match;
  size_t pos = 0;
  while (found < kMaxHitsPerRule && pos <= text.size()) {
    if (!rule.patterns[p]->Match(text, pos, text.size(), RE2::UNANCHORED, &match, 1)) break;
    size_t start = static_cast<size_t>(match.data() - text.data());
    size_t end = start + match.size();
    pos = end > start ? end : start + 1;
    if (Negated(rules[r].cls, ClauseAround(text, start, end))) continue;
    out->push_back({&rules[r], start, end});
    ++found;
  }
}

RuleSet::RuleSet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RuleSet::~RuleSet() = default;
const std::vector<Rule>& RuleSet::rules() const { return impl_->rules; }
const std::vector<LegalRule>& RuleSet::legal() const { return impl_->legal; }
const std::string& RuleSet::version() const { return impl_->version; }
size_t RuleSet::pattern_count() const { return impl_->set_owner.size(); }

const LegalRule* RuleSet::LegalFor(Class cls) const {
  for (const auto& rule : impl_->legal) {
    if (rule.cls == cls) return &rule;
  }
  return nullptr;
}

std::vector<RuleHit> RuleSet::Match(std::string_view folded) const {
  std::vector<RuleHit> hits;
  if (impl_->set_owner.empty()) return hits;
  std::vector<int> matched;
  RE2::Set::ErrorInfo error;
  if (!impl_->set->Match(folded, &matched, &error)) {
    if (error.kind == RE2::Set::kNoError) return hits;
    // The DFA ran out of memory on this text: try every pattern one by one.
    matched.clear();
    for (size_t i = 0; i < impl_->set_owner.size(); ++i) matched.push_back(static_cast<int>(i));
  }
  std::sort(matched.begin(), matched.end());
  for (int index : matched) {
    auto [r, p] = impl_->set_owner[static_cast<size_t>(index)];
    impl_->MatchRule(r, p, folded, &hits);
  }
  return hits;
}

std::vector<RuleHit> RuleSet::MatchEachPattern(std::string_view folded) const {
  std::vector<RuleHit> hits;
  for (size_t i = 0; i < impl_->set_owner.size(); ++i) {
    auto [r, p] = impl_->set_owner[i];
    impl_->MatchRule(r, p, folded, &hits);
  }
  return hits;
}

std::vector<JurisdictionHit> RuleSet::MatchJurisdiction(std::string_view folded) const {
  std::vector<JurisdictionHit> hits;
  for (const auto& signal : impl_->signals) {
    re2::StringPiece match;
    if (signal.pattern->Match(folded, 0, folded.size(), RE2::UNANCHORED, &match, 1)) {
      size_t start = static_cast<size_t>(match.data() - folded.data());
      hits.push_back({signal.id, signal.jurisdiction, start, start + match.size()});
    }
  }
  return hits;
}

Result<std::shared_ptr<const RuleSet>> LoadRuleSet(const std::vector<RuleFile>& files) {
  auto impl = std::make_unique<RuleSet::Impl>();
  uint64_t hash = kFnvOffset;
  for (const RuleFile& file : files) {
    hash = Fnv1a(hash, file.name.substr(file.name.find_last_of('/') + 1));
    hash = Fnv1a(hash, std::string_view("\0", 1));
    hash = Fnv1a(hash, file.content);
    try {
      impl->ParseFile(file);
    } catch (const FileError& e) {
      return e.status();
    } catch (const YAML::Exception& e) {
      return Status::InvalidInput(file.name + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
  }
  if (impl->rules.empty()) return Status::InvalidInput("no rules in the rule files");
  Status built = impl->BuildSet();
  if (!built.ok()) return built;
  impl->version = "rules-" + Hex64(hash);
  return std::shared_ptr<const RuleSet>(new RuleSet(std::move(impl)));
}

Result<std::vector<RuleFile>> ReadRuleDir(const std::string& dir) {
  namespace fs = std::filesystem;
  constexpr uintmax_t kMaxFileBytes = 4 << 20;
  std::error_code ec;
  std::vector<fs::path> paths;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".yaml" && it->is_regular_file()) paths.push_back(it->path());
  }
  if (ec) return Status::IoError(dir + ": " + ec.message());
  if (paths.empty()) return Status::NotFound(dir + ": no *.yaml rule files");
  std::sort(paths.begin(), paths.end());
  std::vector<RuleFile> files;
  for (const auto& path : paths) {
    uintmax_t size = fs::file_size(path, ec);
    if (ec) return Status::IoError(path.string() + ": " + ec.message());
    if (size > kMaxFileBytes) return Status::LimitExceeded(path.string() + ": rule file over 4 MiB");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in) return Status::IoError(path.string() + ": cannot read");
    files.push_back({path.string(), content.str()});
  }
  return files;
}

}  // namespace purr::classify
