// libFuzzer target: Bankgirot BgMax files.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bank/bank.h"
#include "tests/fuzz/bank_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace purr::bank;
  if (size > fuzz::kMaxInput) return 0;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  fuzz::CheckingSink sink;
  purr::Status s = ParseBgMax(bytes, sink);
  if (!s.ok() && sink.transactions != 0) __builtin_trap();  // rejected files deliver nothing
  return 0;
}
