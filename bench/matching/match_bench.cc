// Prints matching throughput and quality on a generated scenario:
//   match_bench [PAYMENTS [INVOICES [SEED]]]
// Figures, not assertions: build time, payments/s, auto rate, wrong allocations, peak RSS.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "matching/ledger.h"
#include "matching/matcher.h"
#include "matching/scenario.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

long PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace purr::matching;
  ScenarioOptions options;
  options.payments = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000;
  options.invoices = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : options.payments;
  options.seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1;
  auto t0 = std::chrono::steady_clock::now();
  Scenario scenario = GenerateScenario(options);
  double generate = Seconds(t0);
  t0 = std::chrono::steady_clock::now();
  std::string csv = LedgerToCsv(scenario.invoices);
  scenario.invoices.clear();
  scenario.invoices.shrink_to_fit();
  auto ledger = ParseLedger(csv);
  double parse = Seconds(t0);
  if (!ledger.ok()) {
    std::fprintf(stderr, "ledger: %s\n", ledger.status().ToString().c_str());
    return 1;
  }
  csv.clear();
  csv.shrink_to_fit();
  t0 = std::chrono::steady_clock::now();
  auto matcher = Matcher::Build(std::move(ledger->invoices));
  double build = Seconds(t0);
  t0 = std::chrono::steady_clock::now();
  EvalReport report;
  for (size_t i = 0; i < scenario.payments.size(); ++i) {
    Tally(matcher->Match(scenario.payments[i]), scenario.truth[i], report);
  }
  double match = Seconds(t0);
  const KindStats& t = report.total;
  std::printf("payments %zu invoices %zu seed %llu\n", options.payments, options.invoices,
              static_cast<unsigned long long>(options.seed));
  std::printf("generate %.2f s, ledger parse %.2f s (%.0f rows/s), index build %.2f s, "
              "match %.2f s (%.0f payments/s)\n",
              generate, parse, options.invoices / parse, build, match,
              options.payments / match);
  std::printf("determinable matched %.3f%%, wrong %zu, follow-up top-3 %.2f%%, peak RSS %ld MB\n",
              100.0 * t.determinable_matched / t.determinable, t.wrong,
              t.follow_up ? 100.0 * t.follow_up_top3 / t.follow_up : 100.0, PeakRssMb());
  for (size_t k = 0; k < report.kinds.size(); ++k) {
    const KindStats& s = report.kinds[k];
    std::printf("  %-26s n=%-7zu det=%-7zu auto=%-7zu applied+fu=%-6zu fu=%-6zu top3=%-6zu wrong=%zu\n",
                std::string(ErrorKindName(static_cast<ErrorKind>(k))).c_str(), s.payments,
                s.determinable, s.auto_correct, s.applied_correct, s.follow_up,
                s.follow_up_top3, s.wrong);
  }
  return 0;
}
