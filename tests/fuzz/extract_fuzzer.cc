// libFuzzer target for entity extraction over arbitrary letter text: never
// crash, every span lies inside the text and is ordered, masking keeps the
// length of what it masks.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "extract/entities.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16 * 1024) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  purr::extract::ExtractOptions options;
  options.default_year = 2025;
  options.language = size > 0 && data[0] % 2 == 0 ? "sv" : "";
  size_t previous_start = 0;
  for (const purr::extract::Entity& e :
       purr::extract::ExtractEntities(text, options)) {
    if (e.start >= e.end || e.end > text.size() || e.start < previous_start)
      std::abort();
    if (e.type.empty()) std::abort();
    previous_start = e.start;
    if (purr::extract::Mask(e).size() != e.value.size()) std::abort();
  }
  if (purr::extract::MaskSensitive(text).size() != text.size()) std::abort();
  return 0;
}
