// libFuzzer target: CSV exports under each built-in profile (chosen by the first byte).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bank/bank.h"
#include "tests/fuzz/bank_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace purr::bank;
  if (size < 1 || size > fuzz::kMaxInput) return 0;
  const auto& profiles = CsvProfiles::Builtin()->all();
  if (profiles.empty()) __builtin_trap();
  const CsvProfile& profile = profiles[data[0] % profiles.size()];
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  fuzz::CheckingSink sink;
  ParseCsv(bytes, profile, sink);
  return 0;
}
