// libFuzzer target: camt.053/054 through the whole-buffer and the chunked interface.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "bank/bank.h"
#include "tests/fuzz/bank_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace purr::bank;
  if (size > fuzz::kMaxInput) return 0;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  fuzz::CheckingSink whole;
  purr::Status whole_status = ParseCamt(bytes, whole);
  // Feeding the same bytes in two pieces must give the same outcome.
  fuzz::CheckingSink chunked;
  CamtStreamParser parser(chunked);
  size_t split = size == 0 ? 0 : data[0] % size;
  purr::Status s = parser.Feed(bytes.substr(0, split));
  if (s.ok()) s = parser.Feed(bytes.substr(split));
  if (s.ok()) s = parser.Finish();
  if (s.ok() != whole_status.ok() || chunked.transactions != whole.transactions) std::abort();
  return 0;
}
