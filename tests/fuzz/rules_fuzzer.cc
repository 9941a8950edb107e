// Fuzzes the rule loader: YAML parsing, field checks, RE2 compilation of patterns, negations
// and legal terms, then matching with whatever compiled. Input size is capped so that huge
// inputs do not time out; a rule set that loads is used once on a fixed letter.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "classify/classify.h"
#include "classify/rules.h"

namespace {

constexpr size_t kMaxInput = 16 * 1024;
constexpr const char* kLetter =
    "Hei. Jeg bestrider ikke kravet, men ber om en nedbetalingsplan. Min far døde. "
    "Jag bestrider kravet. I dispute this debt, call +46 70 123 45 67.";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInput) return 0;
  std::string content(reinterpret_cast<const char*>(data), size);
  purr::Result<std::shared_ptr<const purr::classify::RuleSet>> rules =
      purr::classify::LoadRuleSet({{"fuzz.yaml", content}});
  if (!rules.ok()) {
    // Every error names the file and a line.
    if (rules.status().message().rfind("fuzz.yaml:", 0) != 0 &&
        rules.status().message() != "no rules in the rule files") {
      std::abort();
    }
    return 0;
  }
  purr::classify::Classifier classifier(*rules, nullptr);
  purr::classify::Classification c = classifier.Classify(kLetter, {.received = {2026, 1, 31}});
  for (const auto& cls : c.classes) {
    for (const auto& reason : cls.reasons) {
      for (const auto& span : reason.spans) {
        if (span.start > span.end || span.end > std::string(kLetter).size()) std::abort();
      }
    }
  }
  return 0;
}
