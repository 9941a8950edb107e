// libFuzzer target for the reference functions fed with outside text (payment references,
// FIK scan lines, free text): never crash; classification, validation and compaction agree.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "refs/account.h"
#include "refs/reference.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::string_view s(reinterpret_cast<const char*>(data), size);
  using namespace purr::refs;
  std::string compact = CompactReference(s);
  if (CompactReference(compact) != compact) std::abort();  // idempotent
  bool any_valid = false;
  for (const ReferenceMatch& m : ClassifyReference(s)) {
    any_valid |= m.valid;
    if (ReferenceKindName(m.kind).empty()) std::abort();
  }
  if (any_valid != HasValidCheckDigit(s)) std::abort();
  auto fik = ParseFikLine(s);
  if (fik.ok()) {
    auto again = ParseFikLine(FormatFikLine(*fik));
    if (!again.ok() || again->payment_id != fik->payment_id) std::abort();
  }
  if (IsRfReferenceValid(compact) && compact.size() < 5) std::abort();
  auto rf = MakeRfReference(compact);
  if (rf.ok() && !IsRfReferenceValid(*rf)) std::abort();
  auto kid = MakeKid(compact, KidAlgorithm::kMod10);
  if (kid.ok() && !IsLuhnValid(*kid)) std::abort();
  IsIbanValid(s);
  CanonicalAccount(s);
  MaskAccount(s);
  RepairOcrDigits(s);
  return 0;
}
