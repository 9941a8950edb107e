// Classifier::Classify: rules and model evidence combined into classes, a legal category
// with its deadline, and the reasons a clerk needs to check the result.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "classify/classify.h"
#include "classify/language.h"
#include "classify/model.h"
#include "classify/normalize.h"
#include "classify/quotes.h"
#include "classify/rules.h"

namespace purr::classify {
namespace {

constexpr double kForeignLanguageFactor = 0.8;
constexpr double kLanguageClear = 0.45;
constexpr double kModelDisagrees = 0.2;  // a model probability below this contradicts a rule
constexpr double kModelOnlyFactor = 0.49;  // below min_confidence: the model alone adds no class
constexpr double kVetoFloor = 0.85;  // a rule hit the model contradicts keeps this share

std::string Fixed2(double p) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", p);
  return buf;
}

// Evidence gathered for one class.
struct Evidence {
  double rule_score = 0;  // noisy-or of the rules that fired
  double model = -1;      // model probability, -1 without a model
  std::vector<Reason> reasons;
  // Rules that matched only inside quoted text (quotes.h): not the writer's own words.
  std::vector<Reason> quoted;
  // Classes every rule that fired yields to (the intersection of their unless_classes).
  std::vector<Class> yields_to;
  bool any_rule = false;
};

bool LanguageFits(const Rule& rule, Language language) {
  if (rule.languages.empty()) return true;
  if (std::find(rule.languages.begin(), rule.languages.end(), language) != rule.languages.end()) {
    return true;
  }
  // Nynorsk letters are read with the Bokmål rules too.
  return language == Language::kNn &&
         std::find(rule.languages.begin(), rule.languages.end(), Language::kNb) != rule.languages.end();
}

// Rules of other languages count at a discount. Once the language is clear, those of
// non-halt classes are skipped; halt classes keep them, so that a misread language cannot
// hide a halt (negations are shared across a class's languages, see rules.cc).
// A rule whose every hit lies in quoted text is kept apart as `quoted` evidence.
void AddRuleEvidence(const std::vector<RuleHit>& hits, const FoldedText& folded,
                     const std::vector<Span>& quoted_regions, const LanguageResult& language,
                     std::array<Evidence, kClassCount>* evidence) {
  std::map<const Rule*, Reason> by_rule;
  std::map<const Rule*, Reason> quoted_by_rule;
  for (const RuleHit& hit : hits) {
    if (!LanguageFits(*hit.rule, language.language) && language.confidence >= kLanguageClear &&
        !IsHaltClass(hit.rule->cls)) {
      continue;
    }
    const bool quoted = InsideAny(quoted_regions, folded.ToOriginal(hit.start, hit.end));
    Reason& reason = (quoted ? quoted_by_rule : by_rule)[hit.rule];
    if (reason.id.empty()) {
      reason.source = "rule";
      reason.id = hit.rule->id;
      reason.detail = "'" + folded.text.substr(hit.start, hit.end - hit.start) + "'";
    }
    reason.spans.push_back(folded.ToOriginal(hit.start, hit.end));
  }
  for (auto& [rule, reason] : quoted_by_rule) {
    if (by_rule.count(rule) != 0) continue;
    reason.detail += " (in quoted text)";
    (*evidence)[static_cast<size_t>(rule->cls)].quoted.push_back(std::move(reason));
  }
  for (auto& [rule, reason] : by_rule) {
    double weight = rule->weight * (LanguageFits(*rule, language.language) ? 1.0 : kForeignLanguageFactor);
    Evidence& e = (*evidence)[static_cast<size_t>(rule->cls)];
    e.rule_score = 1 - (1 - e.rule_score) * (1 - weight);
    const std::vector<Class>& unless = rule->unless_classes;
    if (!e.any_rule) {
      e.yields_to = unless;
    } else {
      std::erase_if(e.yields_to, [&unless](Class c) {
        return std::find(unless.begin(), unless.end(), c) == unless.end();
      });
    }
    e.any_rule = true;
    e.reasons.push_back(std::move(reason));
  }
}

// Spans of a model feature word in the folded text (first occurrence of each, whole words).
std::vector<Span> FeatureSpans(const std::string& word, const FoldedText& folded) {
  std::vector<Span> spans;
  size_t pos = 0;
  while ((pos = folded.text.find(word, pos)) != std::string::npos && spans.size() < 2) {
    size_t end = pos + word.size();
    auto letter = [&](size_t i) {
      unsigned char c = static_cast<unsigned char>(folded.text[i]);
      return (c >= 'a' && c <= 'z') || c >= 0x80;
    };
    if ((pos == 0 || !letter(pos - 1)) && (end >= folded.text.size() || !letter(end))) {
      spans.push_back(folded.ToOriginal(pos, end));
    }
    pos = end;
  }
  return spans;
}

void AddModelEvidence(const ModelPrediction& prediction, const std::string& version,
                      std::array<Evidence, kClassCount>* evidence) {
  for (size_t c = 0; c < kClassCount; ++c) {
    Evidence& e = (*evidence)[c];
    e.model = prediction.class_probability[c];
    if (e.model >= 0.3) e.reasons.push_back({"model", version, "p=" + Fixed2(e.model), {}});
  }
}

// The model's reasons name the words that pushed it towards the class, with their spans;
// computed for the reported classes only.
void AddModelFeatures(const Model& model, const FoldedText& folded, std::vector<ClassResult>* classes) {
  for (ClassResult& c : *classes) {
    for (Reason& reason : c.reasons) {
      if (reason.source != "model") continue;
      std::string words;
      for (const ModelFeature& f : model.Features(folded.text, c.cls)) {
        words += (words.empty() ? "" : ", ") + f.word;
        for (const Span& s : FeatureSpans(f.word, folded)) reason.spans.push_back(s);
      }
      if (!words.empty()) reason.detail += "; features: " + words;
    }
  }
}

// Combined confidence of one class from its rule and model evidence. Rules are precise and
// carry the decision; the model, trained on a few hundred letters, supports them (noisy-or
// when it agrees at all), discounts a rule hit towards half its weight as its probability
// goes to zero, and on its own counts at kModelOnlyFactor of its probability, so it adds a
// class alone only when very sure. Measured on the corpus: docs/classifier.md.
double Combine(const Evidence& e) {
  if (e.model < 0) return e.rule_score;
  if (e.rule_score == 0) return e.model * kModelOnlyFactor;
  if (e.model >= kModelDisagrees) return 1 - (1 - e.rule_score) * (1 - e.model);
  return e.rule_score * (kVetoFloor + (1 - kVetoFloor) * e.model / kModelDisagrees);
}

}  // namespace

Classifier::Classifier(std::shared_ptr<const RuleSet> rules, std::shared_ptr<const Model> model)
    : rules_(std::move(rules)), model_(std::move(model)) {}

namespace {

struct Decision {
  std::vector<ClassResult> classes;
  std::vector<std::string> needs_human;
};

// Drops a class whose rules all yield to another reported class, unless the model backs it.
// A halt class yields only to another halt class, so the legal category cannot change.
void DropYieldingClasses(const std::array<Evidence, kClassCount>& evidence,
                         std::vector<ClassResult>* classes) {
  std::vector<Class> reported_classes;
  for (const ClassResult& r : *classes) reported_classes.push_back(r.cls);
  auto reported = [&](Class c) {
    return std::find(reported_classes.begin(), reported_classes.end(), c) != reported_classes.end();
  };
  std::erase_if(*classes, [&](const ClassResult& r) {
    const Evidence& e = evidence[static_cast<size_t>(r.cls)];
    if (e.model >= 0.5) return false;
    return std::any_of(e.yields_to.begin(), e.yields_to.end(), [&](Class other) {
      return other != r.cls && reported(other) && (!IsHaltClass(r.cls) || IsHaltClass(other));
    });
  });
}

Decision Decide(std::array<Evidence, kClassCount>& evidence, const ClassifyOptions& options) {
  Decision d;
  for (Class cls : kAllClasses) {
    if (cls == Class::kOther) continue;
    Evidence& e = evidence[static_cast<size_t>(cls)];
    double c = Combine(e);
    const bool halt = IsHaltClass(cls);
    const bool by_rule = e.rule_score > 0;
    if (halt && by_rule && c < options.min_confidence) {
      // Weak halt evidence (a rule of low weight the model does not back): not a finding,
      // but never dropped in silence either.
      d.needs_human.push_back("possible " + std::string(ClassName(cls)) + " (" + Fixed2(c) + "): " +
                              e.reasons.front().id + " " + e.reasons.front().detail);
    } else if (halt && by_rule) {
      // A halt class found by a strong rule is kept whatever the model says.
      d.classes.push_back({cls, c, std::move(e.reasons)});
      if (e.model >= 0 && e.model < kModelDisagrees) {
        d.needs_human.push_back(std::string("rules found ") + ClassName(cls) + " but the model gives p=" + Fixed2(e.model));
      }
    } else if (c >= options.min_confidence) {
      if (halt) d.needs_human.push_back(std::string("only the model found ") + ClassName(cls) + " (p=" + Fixed2(c) + ")");
      d.classes.push_back({cls, c, std::move(e.reasons)});
    } else if (halt && c >= options.suspect_confidence) {
      d.needs_human.push_back(std::string("possible ") + ClassName(cls) + " (p=" + Fixed2(c) + ")");
    } else if (halt && !e.quoted.empty()) {
      d.needs_human.push_back(std::string("possible ") + ClassName(cls) + ": only in quoted text, " +
                              e.quoted.front().id + " " + e.quoted.front().detail);
    }
  }
  DropYieldingClasses(evidence, &d.classes);
  std::sort(d.classes.begin(), d.classes.end(),
            [](const ClassResult& a, const ClassResult& b) { return a.confidence > b.confidence; });
  if (d.classes.empty()) {
    Evidence& other = evidence[static_cast<size_t>(Class::kOther)];
    double c = other.model >= 0 ? std::max(other.model, Combine(other)) : 0.5;
    if (other.reasons.empty()) other.reasons.push_back({"rule", "none", "no rule or model class applies", {}});
    d.classes.push_back({Class::kOther, c, std::move(other.reasons)});
    if (c < options.min_confidence) {
      d.needs_human.push_back("no class reached the confidence threshold (other p=" + Fixed2(c) + ")");
    }
  }
  return d;
}

Jurisdiction PickJurisdiction(const ClassifyOptions& options, Language language,
                              const RuleSet& rules, const FoldedText& folded,
                              std::vector<Reason>* reasons) {
  if (options.case_jurisdiction != Jurisdiction::kUnknown) {
    reasons->push_back({"jurisdiction", "case", "the case's jurisdiction", {}});
    return options.case_jurisdiction;
  }
  switch (language) {
    case Language::kNb:
    case Language::kNn:
      reasons->push_back({"jurisdiction", "language", "letter written in Norwegian", {}});
      return Jurisdiction::kNo;
    case Language::kSv:
      reasons->push_back({"jurisdiction", "language", "letter written in Swedish", {}});
      return Jurisdiction::kSe;
    case Language::kDa:
      reasons->push_back({"jurisdiction", "language", "letter written in Danish", {}});
      return Jurisdiction::kDk;
    default:
      break;
  }
  // English or unknown: the letter's currency, phone prefixes and places decide.
  const std::vector<JurisdictionHit> signals = rules.MatchJurisdiction(folded.text);
  std::map<Jurisdiction, int> votes;
  for (const auto& s : signals) ++votes[s.jurisdiction];
  Jurisdiction best = Jurisdiction::kUnknown;
  int best_votes = 0;
  bool tie = false;
  for (auto [j, n] : votes) {
    if (n > best_votes) {
      best = j, best_votes = n, tie = false;
    } else if (n == best_votes) {
      tie = true;
    }
  }
  if (best == Jurisdiction::kUnknown || tie) return Jurisdiction::kUnknown;
  for (const auto& s : signals) {
    if (s.jurisdiction == best) {
      reasons->push_back({"jurisdiction", s.id, std::string("signal for ") + JurisdictionCode(best),
                          {folded.ToOriginal(s.start, s.end)}});
    }
  }
  return best;
}

int Rank(LegalCategory category) {
  return category == LegalCategory::kHalt ? 2 : category == LegalCategory::kStatutoryDeadline ? 1 : 0;
}

bool DaysBefore(const Date& a, const Date& b) {
  return std::tie(a.year, a.month, a.day) < std::tie(b.year, b.month, b.day);
}

Date DeadlineOf(const LegalTerm& term, const Date& received) {
  return received.AddMonths(term.deadline_months).AddDays(7 * term.deadline_weeks + term.deadline_days);
}

void DecideLegal(const RuleSet& rules, const std::vector<ClassResult>& classes,
                 const ClassifyOptions& options, LegalResult* legal,
                 std::vector<std::string>* needs_human) {
  for (const ClassResult& c : classes) {
    const LegalRule* rule = rules.LegalFor(c.cls);
    if (rule == nullptr || rule->category == LegalCategory::kNone) continue;
    if (Rank(rule->category) > Rank(legal->category)) legal->category = rule->category;
    auto term = rule->terms.find(legal->jurisdiction);
    if (term == rule->terms.end()) term = rule->terms.find(Jurisdiction::kUnknown);
    Reason reason{"legal", rule->id, std::string(ClassName(c.cls)) + " -> " + LegalCategoryName(rule->category), {}};
    for (const Reason& r : c.reasons) reason.spans.insert(reason.spans.end(), r.spans.begin(), r.spans.end());
    if (term == rule->terms.end()) {
      needs_human->push_back(std::string("no legal term for ") + ClassName(c.cls) + " in jurisdiction " +
                             JurisdictionCode(legal->jurisdiction));
    } else if (!options.received.valid()) {
      needs_human->push_back("no valid receipt date: deadline not computed");
    } else {
      Date deadline = DeadlineOf(term->second, options.received);
      if (!legal->deadline || DaysBefore(deadline, *legal->deadline)) legal->deadline = deadline;
      if (legal->statute.find(term->second.statute) == std::string::npos) {
        legal->statute += (legal->statute.empty() ? "" : "; ") + term->second.statute;
      }
      reason.detail += "; " + term->second.statute + " [" + term->second.source + "]";
      if (!term->second.note.empty()) reason.detail += "; " + term->second.note;
    }
    legal->reasons.push_back(std::move(reason));
  }
}

}  // namespace

Classification Classifier::Classify(std::string_view text, const ClassifyOptions& options) const {
  Classification out;
  out.rules_version = rules_->version();
  if (model_) out.model_version = model_->version();
  const FoldedText folded = Fold(text);
  const std::string lowered = Lower(text.substr(0, 64 * 1024));
  std::array<Evidence, kClassCount> evidence;
  std::optional<ModelPrediction> prediction;
  if (model_ && !folded.text.empty()) prediction = model_->Predict(folded.text, lowered);
  out.language = DetectLanguage(lowered, prediction ? &prediction->language_probability : nullptr);
  if (folded.text.find_first_not_of(" \n") == std::string::npos) {
    out.classes.push_back({Class::kOther, 0, {{"rule", "empty", "the letter has no text", {}}}});
    out.needs_human = true;
    out.needs_human_reasons.push_back("the letter has no text");
    return out;
  }
  AddRuleEvidence(rules_->Match(folded.text), folded, QuotedRegions(text), out.language, &evidence);
  if (prediction) AddModelEvidence(*prediction, model_->version(), &evidence);
  Decision decision = Decide(evidence, options);
  out.classes = std::move(decision.classes);
  if (prediction) AddModelFeatures(*model_, folded, &out.classes);
  out.needs_human_reasons = std::move(decision.needs_human);
  if (out.language.language == Language::kUnknown) {
    out.needs_human_reasons.push_back("language not recognised");
  }
  out.legal.jurisdiction = PickJurisdiction(options, out.language.language, *rules_, folded,
                                            &out.legal.reasons);
  DecideLegal(*rules_, out.classes, options, &out.legal, &out.needs_human_reasons);
  if (out.legal.category != LegalCategory::kNone && out.legal.jurisdiction == Jurisdiction::kUnknown) {
    out.needs_human_reasons.push_back("jurisdiction unknown: the legal deadline assumes the general term");
  }
  out.needs_human = !out.needs_human_reasons.empty();
  return out;
}

}  // namespace purr::classify
