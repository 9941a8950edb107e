// Scoring a classifier against labelled letters: per-class precision, recall and F1,
// macro-F1, a multi-label confusion matrix, legal-halt recall and language accuracy.
// Pure; used by `purr eval` and the accuracy tests.
#ifndef PURR_CLASSIFY_EVALUATION_H_
#define PURR_CLASSIFY_EVALUATION_H_

#include <array>
#include <string>
#include <vector>

#include "classify/classify.h"
#include "classify/model.h"

namespace purr::classify {

struct EvalItem {
  std::string name;
  std::vector<Class> expected, predicted;
  std::vector<double> confidences;  // of `predicted`, same order; may be empty
  LegalCategory expected_legal = LegalCategory::kNone, predicted_legal = LegalCategory::kNone;
  Language expected_language = Language::kUnknown, predicted_language = Language::kUnknown;
  bool needs_human = false;
};

struct ClassScore {
  int tp = 0, fp = 0, fn = 0;
  double precision = 0, recall = 0, f1 = 0;
  int support() const { return tp + fn; }
};

// Reported classes whose confidence fell in [low, low + 0.1): how many, how many right.
struct CalibrationBin {
  double low = 0;
  int reported = 0, correct = 0;
};

struct Metrics {
  int letters = 0;
  std::array<ClassScore, kClassCount> classes;
  double macro_f1 = 0;  // over the classes with support
  // Row: expected class; column: predicted class; index kClassCount is "nothing".
  std::array<std::array<int, kClassCount + 1>, kClassCount + 1> confusion{};
  int halt_letters = 0, halt_found = 0;
  double halt_recall = 1;
  int halt_predicted_wrongly = 0;  // letters called halt whose label is not halt
  // Halt letters neither called halt nor sent to a human (needs_human): passed as harmless,
  // the worst error there is. A missed halt with needs_human still reaches a clerk.
  int halt_unguarded = 0;
  int language_correct = 0;
  double language_accuracy = 0;
  int needs_human = 0;
  // Letters decided without a human (no needs_human): the clerk's work saved. Among them,
  // those whose class set differs from the labels in any way (a class missing or extra):
  // what the case engine would act on wrongly.
  int straight_through = 0, straight_through_wrong = 0;
  std::vector<CalibrationBin> calibration;  // 0.0, 0.1, ... 0.9
  std::vector<std::string> halt_missed;      // "name (to a human)" or "name (UNGUARDED)"
  std::vector<std::string> language_wrong;   // "name: expected -> predicted"
};

// One labelled letter and what the classifier made of it.
EvalItem ToEvalItem(const std::string& name, const Example& example, const Classification& result);

Metrics Evaluate(const std::vector<EvalItem>& items);

// A plain-text report of the metrics (the body of `purr eval`'s output).
std::string FormatMetrics(const Metrics& metrics);

// One line of a table of slices (per language, per writer): letters, macro-F1, halt recall,
// halt letters passed as harmless, non-halt letters called halt, share decided without a
// human and the share of those with a wrong class set; SummaryHeader() names the columns.
std::string FormatSummary(const std::string& label, const Metrics& metrics);
std::string SummaryHeader();

}  // namespace purr::classify

#endif  // PURR_CLASSIFY_EVALUATION_H_
