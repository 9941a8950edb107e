// The subset search against plain enumeration of every subset.
#include "matching/internal/subset.h"

#include <gtest/gtest.h>

namespace purr::matching::internal {
namespace {

// Counts subsets adding up to target by trying all 2^n of them.
size_t CountSubsets(const std::vector<int64_t>& amounts, int64_t target,
                    std::vector<size_t>* last) {
  size_t count = 0;
  for (size_t mask = 1; mask < (size_t{1} << amounts.size()); ++mask) {
    int64_t sum = 0;
    std::vector<size_t> chosen;
    for (size_t i = 0; i < amounts.size(); ++i) {
      if (mask >> i & 1) {
        sum += amounts[i];
        chosen.push_back(i);
      }
    }
    if (sum == target) {
      ++count;
      *last = chosen;
    }
  }
  return count;
}

TEST(SubsetTest, AgreesWithEnumerationOnRandomSets) {
  uint64_t state = 7;
  auto next = [&state](uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<int64_t>((state >> 33) % n);
  };
  for (int round = 0; round < 3000; ++round) {
    std::vector<int64_t> amounts(static_cast<size_t>(1 + next(10)));
    for (int64_t& a : amounts) a = (1 + next(12)) * 100;
    int64_t target = (1 + next(40)) * 100;
    std::vector<size_t> expected;
    size_t count = CountSubsets(amounts, target, &expected);
    SubsetSearch got = FindUniqueSubset(amounts, target, 1000000);
    if (count == 0) {
      EXPECT_EQ(got.outcome, SubsetSearch::Outcome::kNone);
    } else if (count == 1) {
      ASSERT_EQ(got.outcome, SubsetSearch::Outcome::kUnique);
      EXPECT_EQ(got.chosen, expected);
    } else {
      EXPECT_EQ(got.outcome, SubsetSearch::Outcome::kSeveral);
    }
  }
}

TEST(SubsetTest, GivesUpAtTheBudget) {
  std::vector<int64_t> amounts(40, 1);
  EXPECT_EQ(FindUniqueSubset(amounts, 1000, 500).outcome, SubsetSearch::Outcome::kNone);
  std::vector<int64_t> even(40, 2);  // an odd target is never reached, nothing prunes
  EXPECT_EQ(FindUniqueSubset(even, 41, 100).outcome, SubsetSearch::Outcome::kLimit);
  EXPECT_EQ(FindUniqueSubset(even, 40, 100000).outcome, SubsetSearch::Outcome::kSeveral);
}

}  // namespace
}  // namespace purr::matching::internal
