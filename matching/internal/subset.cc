#include "matching/internal/subset.h"

#include <algorithm>
#include <numeric>

namespace purr::matching::internal {

SubsetSearch FindUniqueSubset(const std::vector<int64_t>& amounts, int64_t target,
                              size_t budget) {
  std::vector<size_t> order(amounts.size());
  std::iota(order.begin(), order.end(), 0);
  // Largest first, so the running sum passes the target early and branches are cut.
  std::stable_sort(order.begin(), order.end(),
                   [&amounts](size_t a, size_t b) { return amounts[a] > amounts[b]; });
  std::vector<int64_t> suffix(order.size() + 1, 0);
  for (size_t i = order.size(); i-- > 0;) suffix[i] = suffix[i + 1] + amounts[order[i]];
  size_t steps = 0, found = 0;
  bool exhausted = false;
  std::vector<size_t> current, solution;
  auto dfs = [&](auto&& self, size_t i, int64_t left) -> void {
    if (found > 1 || exhausted) return;
    if (++steps > budget) {
      exhausted = true;
      return;
    }
    if (left == 0) {
      if (++found == 1) solution = current;
      return;
    }
    if (i == order.size() || suffix[i] < left) return;
    if (amounts[order[i]] <= left) {
      current.push_back(order[i]);
      self(self, i + 1, left - amounts[order[i]]);
      current.pop_back();
    }
    self(self, i + 1, left);
  };
  dfs(dfs, 0, target);
  SubsetSearch result;
  if (exhausted) {
    result.outcome = SubsetSearch::Outcome::kLimit;
  } else if (found == 1) {
    result.outcome = SubsetSearch::Outcome::kUnique;
    result.chosen = solution;
    std::sort(result.chosen.begin(), result.chosen.end());
  } else {
    result.outcome = found == 0 ? SubsetSearch::Outcome::kNone : SubsetSearch::Outcome::kSeveral;
  }
  return result;
}

}  // namespace purr::matching::internal
