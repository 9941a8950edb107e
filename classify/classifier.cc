// Classifier::Classify: rules and model evidence combined into classes, a legal category
// with its deadline, and the reasons a clerk needs to check the result.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "classify/classify.h"
#include "classify/features.h"
#include "classify/language.h"
#include "classify/model.h"
#include "classify/normalize.h"
#include "classify/quotes.h"
#include "classify/rules.h"
#include "classify/training.h"

namespace purr::classify {
namespace {

constexpr double kForeignLanguageFactor = 0.8;
constexpr double kLanguageClear = 0.45;
constexpr double kExplicitRule = 0.85;
constexpr double kModelBacks = 0.8;  // the text model's own probability that keeps a yielding class

std::string Fixed2(double p) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", p);
  return buf;
}

// Evidence gathered for one class.
struct Evidence {
  double rule_score = 0;  // noisy-or of the rules that fired
  double model = -1;      // the text model's own probability, -1 without a model
  double q = -1;          // calibrated probability from rules and text model, -1 without a model
  std::vector<Reason> reasons;
  // Rules that matched only inside quoted text (quotes.h): not the writer's own words.
  std::vector<Reason> quoted;
  // Classes every rule that fired yields to (the intersection of their unless_classes).
  std::vector<Class> yields_to;
  bool any_rule = false;
};

// The rules' part of the evidence, as training saw it (training.h).
RuleEvidence RulesOnly(const std::array<Evidence, kClassCount>& evidence) {
  RuleEvidence out;
  for (size_t c = 0; c < kClassCount; ++c) {
    out.score[c] = evidence[c].rule_score;
    out.any[c] = evidence[c].any_rule;
  }
  return out;
}

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

double Sigmoid(double v) { return 1.0 / (1.0 + std::exp(-v)); }

void AddModelEvidence(const Model& model, const std::array<double, kOutputCount>& scores,
                      std::array<Evidence, kClassCount>* evidence) {
  for (size_t c = 0; c < kClassCount; ++c) {
    Evidence& e = (*evidence)[c];
    e.model = Sigmoid(scores[c]);
    e.q = model.Calibrate(static_cast<int>(c), scores[c], e.rule_score, e.any_rule);
    if (e.q >= 0.3 || e.q >= model.calibration(static_cast<int>(c)).doubt) {
      e.reasons.push_back({"model", model.version(),
                           "p=" + Fixed2(e.q) + " (rules and text model; text alone " + Fixed2(e.model) + ")", {}});
    }
  }
}

// The model's reasons name the words that pushed it towards the class, with their spans;
// computed for the reported classes only.
void AddModelFeatures(const Model& model, const FoldedText& folded, const std::vector<WordFeature>& words,
                      std::vector<ClassResult>* classes) {
  for (ClassResult& c : *classes) {
    for (Reason& reason : c.reasons) {
      if (reason.source != "model") continue;
      std::string names;
      for (const ModelFeature& f : model.Features(words, c.cls)) {
        names += (names.empty() ? "" : ", ") + f.word;
        const std::string& word = f.word.starts_with("not ") ? f.word.substr(4) : f.word;
        for (const Span& s : FeatureSpans(word, folded)) reason.spans.push_back(s);
      }
      if (!names.empty()) reason.detail += "; features: " + names;
    }
  }
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
    if (e.model >= kModelBacks) return false;
    return std::any_of(e.yields_to.begin(), e.yields_to.end(), [&](Class other) {
      return other != r.cls && reported(other) && (!IsHaltClass(r.cls) || IsHaltClass(other));
    });
  });
}

void SortAndFallBack(std::array<Evidence, kClassCount>& evidence, double other_confidence, bool other_sure,
                     Decision* d) {
  std::sort(d->classes.begin(), d->classes.end(),
            [](const ClassResult& a, const ClassResult& b) { return a.confidence > b.confidence; });
  if (!d->classes.empty()) return;
  Evidence& other = evidence[static_cast<size_t>(Class::kOther)];
  if (other.reasons.empty()) other.reasons.push_back({"rule", "none", "no rule or model class applies", {}});
  d->classes.push_back({Class::kOther, other_confidence, std::move(other.reasons)});
  if (!other_sure) {
    d->needs_human.push_back("no class reached its threshold (other p=" + Fixed2(other_confidence) + ")");
  }
}

// Rules alone: a class is its rules' noisy-or, reported from options.min_confidence.
Decision DecideByRules(std::array<Evidence, kClassCount>& evidence, const ClassifyOptions& options) {
  Decision d;
  for (Class cls : kAllClasses) {
    if (cls == Class::kOther) continue;
    Evidence& e = evidence[static_cast<size_t>(cls)];
    const double c = e.rule_score;
    const bool halt = IsHaltClass(cls);
    if (c >= options.min_confidence) {
      d.classes.push_back({cls, c, std::move(e.reasons)});
    } else if (halt && c > 0) {
      // Weak halt evidence (a rule of low weight): not a finding, never dropped in silence.
      d.needs_human.push_back("possible " + std::string(ClassName(cls)) + " (" + Fixed2(c) + "): " +
                              e.reasons.front().id + " " + e.reasons.front().detail);
    } else if (halt && !e.quoted.empty()) {
      d.needs_human.push_back(std::string("possible ") + ClassName(cls) + ": only in quoted text, " +
                              e.quoted.front().id + " " + e.quoted.front().detail);
    }
  }
  DropYieldingClasses(evidence, &d.classes);
  SortAndFallBack(evidence, 0.5, true, &d);
  return d;
}

// With a model: each class's calibrated probability q against the thresholds the model was
// trained with. q >= report: reported. doubt <= q < report: not reported, and a human looks.
// A halt class is reported only when a rule found it; the model alone, however sure, only
// proposes it (reported, with needs_human). A halt rule hit below `report` is never dropped
// in silence: the letter goes to a human with the rule. And when no halt class is reported,
// the "some halt class" output may still send the letter to a human.
Decision DecideCalibrated(std::array<Evidence, kClassCount>& evidence, const Model& model,
                          const std::array<double, kOutputCount>& scores) {
  Decision d;
  bool halt_seen = false;  // a halt class reported or sent to a human
  for (Class cls : kAllClasses) {
    if (cls == Class::kOther) continue;
    Evidence& e = evidence[static_cast<size_t>(cls)];
    const Calibration& cal = model.calibration(static_cast<int>(cls));
    const bool halt = IsHaltClass(cls);
    const bool by_rule = e.any_rule;
    // An explicit statement (rules of weight 0.85 and more: "I dispute the claim") is
    // reported; below the class's doubt threshold a human looks too. A halt class needs the
    // calibration's assent (near-miss letters use the same words: someone else's
    // bankruptcy); below doubt it goes to a human as "possible".
    const bool explicit_rule = e.rule_score >= kExplicitRule && (!halt || e.q >= cal.doubt);
    if (explicit_rule && e.q < cal.doubt) {
      // Kept as the rules' author meant, but a person checks it.
      d.needs_human.push_back(std::string("the rules found ") + ClassName(cls) + " but the model gives p=" +
                              Fixed2(e.q) + ": " + e.reasons.front().id + " " + e.reasons.front().detail);
    }
    // Weak halt evidence alone (rules below 0.6: the bare word "konkurs", a funeral) is a
    // question for a human, unless the calibration is above the class's weak_report, chosen
    // in training from cross-validated letters where only weak rules found the class.
    const bool weak_halt = halt && by_rule && e.rule_score < kWeakRule && e.q < cal.weak_report;
    if ((e.q >= cal.report || explicit_rule) && !weak_halt) {
      if (halt && !by_rule) {
        d.needs_human.push_back(std::string("only the model found ") + ClassName(cls) + " (p=" + Fixed2(e.q) + ")");
      }
      halt_seen = halt_seen || halt;
      d.classes.push_back({cls, e.q, std::move(e.reasons)});
    } else if (halt && by_rule) {
      halt_seen = true;
      d.needs_human.push_back("possible " + std::string(ClassName(cls)) + " (p=" + Fixed2(e.q) + ", reported from " +
                              Fixed2(cal.report) + (weak_halt ? ", weak rule" : "") +
                              "): found by rule " + e.reasons.front().id + " " + e.reasons.front().detail);
    } else if (e.q >= cal.doubt) {
      halt_seen = halt_seen || halt;
      d.needs_human.push_back(std::string(halt ? "possible " : "unsure of ") + ClassName(cls) + " (p=" + Fixed2(e.q) +
                              ", reported from " + Fixed2(cal.report) + ")");
    } else if (halt && !e.quoted.empty()) {
      halt_seen = true;
      d.needs_human.push_back(std::string("possible ") + ClassName(cls) + ": only in quoted text, " +
                              e.quoted.front().id + " " + e.quoted.front().detail);
    }
  }
  if (!halt_seen) {
    const auto [halt_rule, any_halt_rule] = RuleInput(RulesOnly(evidence), kHaltOutput);
    const double q = model.Calibrate(kHaltOutput, scores[kHaltOutput], halt_rule, any_halt_rule);
    if (q >= model.calibration(kHaltOutput).doubt) {
      d.needs_human.push_back("possible objection: p=" + Fixed2(q) + " that some halt class applies");
    }
  }
  DropYieldingClasses(evidence, &d.classes);
  const Evidence& other = evidence[static_cast<size_t>(Class::kOther)];
  SortAndFallBack(evidence, other.q, other.q >= model.calibration(static_cast<int>(Class::kOther)).report, &d);
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
  std::optional<std::array<double, 6>> language_model;
  if (model_ && !folded.text.empty()) language_model = model_->PredictLanguage(lowered);
  out.language = DetectLanguage(lowered, language_model ? &*language_model : nullptr);
  if (folded.text.find_first_not_of(" \n") == std::string::npos) {
    out.classes.push_back({Class::kOther, 0, {{"rule", "empty", "the letter has no text", {}}}});
    out.needs_human = true;
    out.needs_human_reasons.push_back("the letter has no text");
    return out;
  }
  AddRuleEvidence(rules_->Match(folded.text), folded, QuotedRegions(text), out.language, &evidence);
  Decision decision;
  std::vector<WordFeature> words;  // for the model's reasons, from the same pass as its features
  if (model_) {
    const std::array<double, kOutputCount> scores =
        model_->Scores(LetterFeatures(folded.text, out.language.language, &words));
    AddModelEvidence(*model_, scores, &evidence);
    decision = DecideCalibrated(evidence, *model_, scores);
  } else {
    decision = DecideByRules(evidence, options);
  }
  out.classes = std::move(decision.classes);
  if (model_) AddModelFeatures(*model_, folded, words, &out.classes);
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

RuleEvidence RuleEvidenceOf(const RuleSet& rules, std::string_view text, const FoldedText& folded,
                            const LanguageResult& language) {
  std::array<Evidence, kClassCount> evidence;
  AddRuleEvidence(rules.Match(folded.text), folded, QuotedRegions(text), language, &evidence);
  return RulesOnly(evidence);
}

}  // namespace purr::classify
