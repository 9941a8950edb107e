// libFuzzer target: decimal amount parsing; whatever parses must format back to itself.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/money.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2 || size > 256) return 0;
  int exponent = data[0] % 5;
  static constexpr char kDecimals[] = {0, ',', '.'};
  purr::AmountSyntax syntax{kDecimals[data[1] % 3], (data[1] & 4) == 0};
  std::string_view text(reinterpret_cast<const char*>(data) + 2, size - 2);
  purr::Result<int64_t> value = purr::ParseAmountMinor(text, exponent, syntax);
  if (!value.ok()) return 0;
  purr::Result<int64_t> again =
      purr::ParseAmountMinor(purr::FormatMinor(*value, exponent), exponent, {'.', false});
  if (!again.ok() || *again != *value) __builtin_trap();
  return 0;
}
