// Fuzzes the classifier on a debtor's letter: folding (ICU, hyphenation, OCR repairs), quoted
// text detection, the shipped rules with their clause-level negations, language and legal
// decisions. Every span must lie inside the letter and quoted regions must be sorted and
// disjoint. With the shipped rules and model (word stems, negation scope, hashed features,
// calibration), loaded once from the source tree; the feature vector of every language must
// be sorted, inside the hash space and of unit length at most.
#include <cstddef>
#include <cstdint>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "classify/classify.h"
#include "classify/features.h"
#include "classify/model.h"
#include "classify/normalize.h"
#include "classify/quotes.h"
#include "classify/rules.h"

namespace {

constexpr size_t kMaxInput = 64 * 1024;

const purr::classify::Classifier& ShippedClassifier() {
  static const purr::classify::Classifier* classifier = [] {
    auto files = purr::classify::ReadRuleDir(std::string(PURR_SOURCE_DIR) + "/rules");
    if (!files.ok()) std::abort();
    auto rules = purr::classify::LoadRuleSet(*files);
    if (!rules.ok()) std::abort();
    std::ifstream in(std::string(PURR_SOURCE_DIR) + "/fixtures/models/classify.model", std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    auto model = purr::classify::Model::FromBytes(bytes.str());
    if (!model.ok()) std::abort();
    return new purr::classify::Classifier(*rules, *model);
  }();
  return *classifier;
}

void CheckSpan(const purr::classify::Span& span, size_t size) {
  if (span.start > span.end || span.end > size) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInput) return 0;
  const std::string letter(reinterpret_cast<const char*>(data), size);
  size_t previous_end = 0;
  for (const purr::classify::Span& region : purr::classify::QuotedRegions(letter)) {
    CheckSpan(region, size);
    if (region.start < previous_end) std::abort();
    previous_end = region.end;
  }
  const std::string folded = purr::classify::Fold(letter).text;
  for (purr::classify::Language language : {purr::classify::Language::kNb, purr::classify::Language::kSv,
                                            purr::classify::Language::kDa, purr::classify::Language::kEn,
                                            purr::classify::Language::kUnknown}) {
    purr::classify::FeatureVector f = purr::classify::LetterFeatures(folded, language);
    double norm = 0;
    for (size_t i = 0; i < f.values.size(); ++i) {
      if (f.values[i].index >= (1u << purr::classify::kFeatureBits)) std::abort();
      if (i > 0 && f.values[i].index <= f.values[i - 1].index) std::abort();
      norm += static_cast<double>(f.values[i].value) * f.values[i].value;
    }
    if (norm > 1.001) std::abort();
  }
  purr::classify::Classification c = ShippedClassifier().Classify(letter, {.received = {2026, 1, 31}});
  if (c.classes.empty()) std::abort();
  for (const auto& cls : c.classes) {
    for (const auto& reason : cls.reasons) {
      for (const auto& span : reason.spans) CheckSpan(span, size);
    }
  }
  for (const auto& reason : c.legal.reasons) {
    for (const auto& span : reason.spans) CheckSpan(span, size);
  }
  return 0;
}
