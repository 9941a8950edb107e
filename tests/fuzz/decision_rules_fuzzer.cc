// libFuzzer target for rules/decisions/decisions.yaml: never crash or throw; accepted rules
// stay within their documented ranges; the engine runs on them.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cases/engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 14)) return 0;
  std::string_view yaml(reinterpret_cast<const char*>(data), size);
  purr::Result<purr::cases::DecisionRules> rules = purr::cases::ParseDecisionRules(yaml);
  if (!rules.ok()) return 0;
  if (rules->settle_tolerance_minor < 0 || rules->proof_grace_banking_days < 0 ||
      rules->proof_grace_banking_days > 60) {
    std::abort();
  }
  purr::cases::LetterFacts facts;
  facts.received = "2026-12-01";
  facts.classes = {"payment_proof", "dispute"};
  facts.legal = "halt";
  facts.evidence = {{"S-1", "K-1", "case S-1", 0, false, false}};
  purr::cases::LetterDecision d = purr::cases::DecideLetter(*rules, facts);
  if (d.case_id != "S-1" || d.holds.size() != 1) std::abort();
  return 0;
}
