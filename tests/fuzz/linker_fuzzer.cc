// libFuzzer target for the letter linker: any letter text against a small ledger; never
// crash; every hit's span lies inside the text and names a known identifier.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "cases/linker.h"

namespace {

const purr::cases::IdentifierIndex& Index() {
  static const auto index = purr::cases::IdentifierIndex::Build({
      {purr::cases::IdKind::kCase, "S310372-3", "S310372-3", "K-1"},
      {purr::cases::IdKind::kCase, "NR/2291/0457", "NR/2291/0457", "K-2"},
      {purr::cases::IdKind::kCase, "26-119 512", "26-119 512", "K-3"},
      {purr::cases::IdKind::kInvoice, "F-2025-0003", "S310372-3", "K-1"},
      {purr::cases::IdKind::kReference, "01079193", "S310372-3", "K-1"},
      {purr::cases::IdKind::kReference, "710000012345678", "26-119 512", "K-3"},
      {purr::cases::IdKind::kCustomer, "K-1", "S310372-3", "K-1"},
  });
  return *index;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 16)) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const std::set<std::string> known = {"S310372-3", "NR/2291/0457", "26-119 512",
                                              "F-2025-0003", "01079193", "710000012345678", "K-1"};
  for (const purr::cases::LinkHit& hit : Index().Find(text)) {
    if (hit.start >= hit.end || hit.end > text.size() || known.count(hit.value) == 0 ||
        hit.edits < 0 || hit.edits > 1) {
      std::abort();
    }
  }
  return 0;
}
