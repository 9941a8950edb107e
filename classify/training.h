// Pieces of model training shared by model.cc and train.cc (internal to classify/).
#ifndef PURR_CLASSIFY_TRAINING_H_
#define PURR_CLASSIFY_TRAINING_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "classify/classify.h"
#include "classify/model.h"
#include "common/status.h"

namespace purr::classify {

class RuleSet;
struct FoldedText;

// The bucket field of the bias row (row 0) of the linear section.
inline constexpr uint32_t kBiasBucket = 0xffffffffu;

// Trains the fastText language model on `examples` in `dir`; returns its bytes.
Result<std::string> TrainLanguageModel(const std::vector<Example>& examples, const TrainOptions& options,
                                       const std::string& dir);

// A model file from its sections; the version hashes both.
std::string ModelFile(const std::string& date, const std::string& language, const std::string& linear);

// What the rules say about each class of one letter: the noisy-or of the weights of the
// rules that fired (outside quoted text) and whether any did. Implemented in classifier.cc
// with the same logic Classify uses.
struct RuleEvidence {
  std::array<double, kClassCount> score{};
  std::array<bool, kClassCount> any{};
};
RuleEvidence RuleEvidenceOf(const RuleSet& rules, std::string_view text, const FoldedText& folded,
                            const LanguageResult& language);

// The rule evidence output `k` is calibrated on: its class's, or for the halt output the
// strongest of the halt classes' and whether any halt rule fired. Training and Classify
// both read it from here, so they cannot drift apart.
std::pair<double, bool> RuleInput(const RuleEvidence& evidence, int k);

// Halt rules below this noisy-or are weak evidence (the bare word "konkurs", a funeral):
// alone they send the letter to a human unless the calibration clears the class's
// `weak_report`.
constexpr double kWeakRule = 0.6;

// q = σ(a·score + b·rule + c·[any rule] + d): what Model::Calibrate returns.
double CalibratedProbability(const Calibration& c, double score, double rule_score, bool any_rule);

}  // namespace purr::classify

#endif  // PURR_CLASSIFY_TRAINING_H_
