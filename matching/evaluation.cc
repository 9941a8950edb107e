// Comparing match results with a scenario's truth (matching/scenario.h).
#include <cstdint>

#include "matching/scenario.h"

namespace purr::matching {

namespace {

// Compares applied allocations with the truth: -1 wrong (money applied beyond the truth),
// 0 right but incomplete, 1 exactly the truth.
int CompareAllocations(const MatchResult& r, const Truth& truth) {
  int64_t applied = 0, true_total = 0;
  for (const Allocation& a : r.allocations) {
    const Allocation* t = nullptr;
    for (const Allocation& x : truth.allocations) {
      if (x.invoice == a.invoice) t = &x;
    }
    if (t == nullptr || a.amount_minor > t->amount_minor) return -1;
    applied += a.amount_minor;
  }
  for (const Allocation& x : truth.allocations) true_total += x.amount_minor;
  bool complete = applied == true_total && r.allocations.size() == truth.allocations.size() &&
                  r.unapplied_minor == truth.unapplied_minor;
  return complete ? 1 : 0;
}

bool TruthInTop3(const MatchResult& r, const Truth& t) {
  for (const Allocation& a : t.allocations) {
    bool found = false;
    for (size_t i = 0; i < r.candidates.size() && i < 3; ++i) {
      if (r.candidates[i].invoice == a.invoice) found = true;
    }
    if (!found) return false;
  }
  return true;
}

void TallyKind(const MatchResult& r, const Truth& t, KindStats& k) {
  ++k.payments;
  k.determinable += t.determinable;
  int verdict = r.allocations.empty() ? 0 : CompareAllocations(r, t);
  if (verdict < 0) {
    ++k.wrong;
    return;
  }
  if (verdict == 0) {
    bool top3 = TruthInTop3(r, t);
    ++k.follow_up;
    k.follow_up_top3 += top3;
    if (t.determinable) {
      ++k.determinable_follow_up;
      k.determinable_follow_up_top3 += top3;
    }
    return;
  }
  if (r.decision == Decision::kAuto) {
    ++k.auto_correct;
  } else {
    ++k.applied_correct;
  }
  k.determinable_matched += t.determinable;
}

}  // namespace

void Tally(const MatchResult& result, const Truth& truth, EvalReport& report) {
  TallyKind(result, truth, report.kinds[static_cast<size_t>(truth.kind)]);
  TallyKind(result, truth, report.total);
}

}  // namespace purr::matching
