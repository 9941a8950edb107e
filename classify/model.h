// The trained part of the classifier, beside the rules:
//  - a class model: one-vs-rest logistic regression (liblinear) over the hashed stems,
//    stem bigrams, negated stems and character 4-grams of the folded text (features.h), one
//    output per class and one for "some halt class";
//  - per output, a calibration fitted on cross-validated scores: a logistic map from the
//    text model's score and the rules' evidence for that class to a probability, and two
//    thresholds chosen on those probabilities: `report` (the class is reported; the lowest
//    probability at which the cross-validated precision reaches the target) and `doubt`
//    (below `report` and at or above `doubt` the letter goes to a human; chosen so that at
//    most the target miss rate of the class's letters fall below it);
//  - a language model: fastText over character n-grams of the lowered text, diacritics
//    kept, which is what tells Norwegian from Danish.
//
// File format:
//   "purr-model 2\n" "version <version>\n"
//   "language <n>\n" <n bytes: fastText .bin>
//   "linear <n>\n" <n bytes: "outputs K rows R bits B\n", K lines
//       "cal <output> <a> <b> <c> <d> <report> <doubt>\n", then R rows of a little-endian
//       uint32 bucket and K float32 weights>
// The version is "lr-<date>-<16 hex of the content hash>" and is reported in every result.
//
// Thread safety: a Model is immutable after FromBytes and may be used by many threads.
// TrainModel runs fastText's training loop (its own thread) and liblinear: call it from
// tools (purr train, purr eval --cv), not from the classifying path.
#ifndef PURR_CLASSIFY_MODEL_H_
#define PURR_CLASSIFY_MODEL_H_

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "classify/classify.h"
#include "common/status.h"

namespace purr::classify {

class RuleSet;
struct FeatureVector;
struct WordFeature;

// A labelled letter for training and evaluation.
struct Example {
  std::string name;   // file name or line number, for reports
  std::string group;  // who wrote it (a writer's folder); folds never split a group
  std::string text;
  Language language = Language::kUnknown;
  std::vector<Class> classes;
  LegalCategory legal = LegalCategory::kNone;
};

// The class model's outputs: one per class, then "the letter has some halt class".
inline constexpr int kOutputCount = kClassCount + 1;
inline constexpr int kHaltOutput = kClassCount;

struct TrainOptions {
  double cost = 16;          // liblinear's C for the class model
  int min_count = 2;         // features seen in fewer training letters are dropped
  int calibration_folds = 5;  // folds (by group) for the cross-validated scores
  double target_precision = 0.95;  // of a reported class, in cross-validation
  double halt_precision = 0.98;    // of a reported halt class: the letter is a halt letter
  double miss_rate = 0.1;          // of a class's letters allowed below `doubt`
  double halt_miss_rate = 0.01;    // of the halt letters allowed below the halt output's
  int language_epoch = 100;        // fastText language model
  int seed = 7;
  std::string date;      // YYYY-MM-DD, part of the version
  std::string temp_dir;  // empty: std::filesystem::temp_directory_path()
};

// How one output's score and the rules' evidence become a probability, and what is done
// at which probability: q = 1 / (1 + exp(-(a*score + b*rule + c*any_rule + d))).
struct Calibration {
  double a = 1, b = 0, c = 0, d = 0;
  double report = 0.5, doubt = 0.5;
  // For a halt class: the probability from which it is reported when only weak rules found
  // it (the bare word "konkurs"); above 1, never (a human looks). Models written before it
  // existed read as never.
  double weak_report = 2;
};

// A word of the letter that pushed the model towards a class, and its weight.
struct ModelFeature {
  std::string word;  // folded; "not <word>" for a negated one
  double weight = 0;
};

class Model {
 public:
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  // Fails with a message when the bytes are not a purr model file (version 2).
  static Result<std::shared_ptr<const Model>> FromBytes(std::string_view bytes);

  const std::string& version() const;

  // The language distribution (indexed by Language) of `lowered` (Lower() of the letter).
  std::array<double, 6> PredictLanguage(std::string_view lowered) const;

  // The class model's decision values (logits) for a letter's features.
  std::array<double, kOutputCount> Scores(const FeatureVector& features) const;

  // The calibrated probability of `output` given its score and the rules' evidence (the
  // noisy-or of the weights of the rules that fired for it, and whether any did).
  double Calibrate(int output, double score, double rule_score, bool any_rule) const;
  const Calibration& calibration(int output) const;

  // The words whose weights push most towards `cls` (at most `count`, positive only).
  std::vector<ModelFeature> Features(const std::vector<WordFeature>& words, Class cls,
                                     size_t count = 4) const;

 private:
  struct Impl;
  explicit Model(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Trains the class model, its calibration (cross-validated over `examples` by group, with
// the rules' evidence from `rules`) and the language model; returns the model file's bytes.
// Deterministic for the same examples, rules and options.
Result<std::string> TrainModel(const std::vector<Example>& examples, const RuleSet& rules,
                               const TrainOptions& options);

// Groups into `folds` folds of about equal size (largest group first into the smallest
// fold); fold index per example. With fewer groups than folds, examples are dealt round
// robin instead. Exposed for purr eval --cv and tests.
std::vector<int> AssignFolds(const std::vector<Example>& examples, int folds);

}  // namespace purr::classify

#endif  // PURR_CLASSIFY_MODEL_H_
