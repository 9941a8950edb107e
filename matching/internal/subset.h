// Internal to matching/: the exact subset-sum search behind stage 5.
#ifndef PURR_MATCHING_INTERNAL_SUBSET_H_
#define PURR_MATCHING_INTERNAL_SUBSET_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace purr::matching::internal {

struct SubsetSearch {
  enum class Outcome { kNone, kUnique, kSeveral, kLimit };
  Outcome outcome = Outcome::kNone;
  std::vector<size_t> chosen;  // indices into `amounts`, ascending; set when kUnique
};

// Finds the subsets of `amounts` (each > 0) that add up to `target` exactly, stopping at the
// second one or after `budget` search steps (kLimit). Depth-first, largest amounts first,
// branches cut when the rest cannot reach the target. REQUIRES: target > 0.
SubsetSearch FindUniqueSubset(const std::vector<int64_t>& amounts, int64_t target,
                              size_t budget);

}  // namespace purr::matching::internal

#endif  // PURR_MATCHING_INTERNAL_SUBSET_H_
