// Fuzzes the classifier on a debtor's letter: folding (ICU, hyphenation, OCR repairs), quoted
// text detection, the shipped rules with their clause-level negations, language and legal
// decisions. Every span must lie inside the letter and quoted regions must be sorted and
// disjoint. Rules only (no model), loaded once from the source tree.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "classify/classify.h"
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
    return new purr::classify::Classifier(*rules, nullptr);
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
