// purr match-eval: generates a matching scenario with known truth, runs it through the same
// path as `purr match` (ledger CSV -> ParseLedger, payments as a bank CSV export ->
// bank::Parse, Matcher) and prints quality and speed figures. Figures, not assertions.
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <limits>
#include <string>

#include "bank/bank.h"
#include "common/money.h"
#include "matching/ledger.h"
#include "matching/matcher.h"
#include "matching/scenario.h"
#include "worker/cli.h"
#include "worker/commands.h"
#include "worker/match_payment.h"

namespace purr {
namespace {

constexpr const char* kUsage = "purr match-eval [--payments N] [--invoices N] [--seed S]";

constexpr const char* kDescription =
    "Generates customers, open invoices (Norwegian KIDs MOD10/MOD11, Swedish OCR with length "
    "digit, RF references) and payments with the error mix of issue 5 (2% transposed digits, "
    "1% wrong digit, 1% missing check digit, 3% invoice number only in text, 2% several "
    "invoices, 3% partial, 1% overpayment, 1% unknown payer, 2% no reference from a known "
    "payer, the rest clean), writes the ledger as CSV and the payments as a bank CSV export, "
    "parses both, matches every payment and compares with the truth. Prints the auto-match "
    "rate, wrong allocations, follow-up rate and top-3 rate per error kind, time and "
    "payments/s per stage, and peak memory.";

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

long PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

// User + system CPU seconds of this process so far: unlike wall time, not inflated when
// other work shares the machine.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(usage.ru_utime) + s(usage.ru_stime);
}

double Percent(size_t part, size_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

// The payments as a `generic` profile bank export. Several references go into one column,
// blank-separated, as BgMax composite references do.
std::string PaymentsToBankCsv(const std::vector<matching::Payment>& payments) {
  std::string out =
      "booking_date;amount;currency;reference;text;payer_name;payer_account;bank_reference\n";
  for (const matching::Payment& p : payments) {
    std::string refs;
    for (const std::string& r : p.references) refs += (refs.empty() ? "" : " ") + r;
    out += p.booking_date + ';' + FormatMinor(p.amount_minor, 2) + ';' + p.currency + ';' +
           refs + ';' + p.text + ';' + p.payer_name + ';' + p.payer_account + ';' +
           p.payment_id + '\n';
  }
  return out;
}

constexpr size_t kStages = 7;

// Matches transactions as the bank parser delivers them, timing each Match by the stage
// that decided, and tallies against the truth by position.
class EvalSink : public bank::TransactionSink {
 public:
  EvalSink(const matching::Matcher& matcher, const std::vector<matching::Truth>& truth)
      : matcher_(matcher), truth_(truth) {}

  void OnTransaction(bank::Transaction t) override {
    matching::Payment p = ToMatchingPayment(t);
    Clock::time_point start = Clock::now();
    matching::MatchResult r = matcher_.Match(p);
    double s = Seconds(start);
    size_t stage = static_cast<size_t>(r.stage);
    stage_seconds_[stage] += s;
    ++stage_count_[stage];
    match_seconds_ += s;
    if (next_ < truth_.size()) matching::Tally(r, truth_[next_], report_);
    ++next_;
  }
  void OnDiagnostic(bank::Diagnostic d) override {
    if (d.severity == bank::Diagnostic::Severity::kError) ++errors_;
  }

  const matching::EvalReport& report() const { return report_; }
  size_t delivered() const { return next_; }
  size_t errors() const { return errors_; }
  double match_seconds() const { return match_seconds_; }
  double stage_seconds(size_t s) const { return stage_seconds_[s]; }
  size_t stage_count(size_t s) const { return stage_count_[s]; }

 private:
  const matching::Matcher& matcher_;
  const std::vector<matching::Truth>& truth_;
  matching::EvalReport report_;
  size_t next_ = 0, errors_ = 0;
  double match_seconds_ = 0;
  std::array<double, kStages> stage_seconds_{};
  std::array<size_t, kStages> stage_count_{};
};

void PrintQuality(const matching::EvalReport& report) {
  const matching::KindStats& t = report.total;
  std::printf("\nquality\n");
  std::printf("  determinable payments matched automatically: %.3f%% (%zu of %zu; target >= 97%%)\n",
              Percent(t.determinable_matched, t.determinable), t.determinable_matched,
              t.determinable);
  std::printf("    of which decision auto: %zu, applied with follow-up for the excess: %zu\n",
              t.auto_correct, t.applied_correct);
  std::printf("  wrong allocations: %zu (target 0)\n", t.wrong);
  std::printf("  follow-ups: %zu (%.2f%%), right invoice(s) in top 3: %.2f%% (target >= 95%%)\n",
              t.follow_up, Percent(t.follow_up, t.payments), Percent(t.follow_up_top3, t.follow_up));
  std::printf("    determinable follow-ups: %zu, right invoice(s) in top 3: %.2f%%\n",
              t.determinable_follow_up,
              Percent(t.determinable_follow_up_top3, t.determinable_follow_up));
  std::printf("\n  %-26s %9s %7s %8s %9s %9s %7s %6s\n", "error kind", "payments", "determ%",
              "auto%", "applied%", "followup%", "top3%", "wrong");
  for (size_t k = 0; k < report.kinds.size(); ++k) {
    const matching::KindStats& s = report.kinds[k];
    std::printf("  %-26s %9zu %7.2f %8.2f %9.2f %9.2f %7.2f %6zu\n",
                std::string(matching::ErrorKindName(static_cast<matching::ErrorKind>(k))).c_str(),
                s.payments, Percent(s.determinable, s.payments), Percent(s.auto_correct, s.payments),
                Percent(s.applied_correct, s.payments), Percent(s.follow_up, s.payments),
                Percent(s.follow_up_top3, s.follow_up), s.wrong);
  }
}

}  // namespace

int RunMatchEvalCommand(const CommandArgs& args) {
  cli::CommandLine cl(kUsage, kDescription);
  constexpr int64_t kMaxRecords = 50'000'000, kMinInvoices = 10;
  cl.Integer("payments", "N", "number of payments (default 100000)", 0, kMaxRecords);
  cl.Integer("invoices", "N",
             "number of invoices in the ledger (default: as many as payments, at least 10)",
             kMinInvoices, kMaxRecords);
  cl.Integer("seed", "S", "scenario seed (default 1)", 0, std::numeric_limits<int64_t>::max());
  if (std::optional<int> exit = cl.Parse(args)) return *exit;
  if (!cl.positional().empty()) return cl.UsageError("no file arguments expected");
  const auto payments = static_cast<uint64_t>(cl.GetInteger("payments", 100000));
  const auto invoices = static_cast<uint64_t>(
      cl.GetInteger("invoices", std::max<int64_t>(static_cast<int64_t>(payments), kMinInvoices)));
  const auto seed = static_cast<uint64_t>(cl.GetInteger("seed", 1));

  Clock::time_point t0 = Clock::now();
  matching::Scenario scenario = matching::GenerateScenario({invoices, payments, seed});
  std::string ledger_csv = matching::LedgerToCsv(scenario.invoices);
  scenario.invoices = {};
  std::string bank_csv = PaymentsToBankCsv(scenario.payments);
  scenario.payments = {};
  double generate = Seconds(t0);

  double cpu0 = CpuSeconds();
  t0 = Clock::now();
  Result<matching::Ledger> ledger = matching::ParseLedger(ledger_csv);
  double ledger_parse = Seconds(t0);
  ledger_csv = {};
  if (!ledger.ok() || !ledger->issues.empty()) {
    std::cerr << "match-eval: generated ledger does not parse: "
              << (ledger.ok() ? ledger->issues[0].reason : ledger.status().message()) << "\n";
    return cli::kExitSomeFailed;
  }
  t0 = Clock::now();
  auto matcher = matching::Matcher::Build(std::move(ledger->invoices));
  double build = Seconds(t0);

  EvalSink sink(*matcher, scenario.truth);
  bank::ParseOptions options;
  options.csv_profile = "generic";
  t0 = Clock::now();
  Status parsed = bank::Parse(bank_csv, options, sink);
  double parse_and_match = Seconds(t0);
  if (!parsed.ok() || sink.errors() > 0 || sink.delivered() != scenario.truth.size()) {
    std::cerr << "match-eval: generated bank file: " << parsed.ToString() << ", "
              << sink.errors() << " bad records, " << sink.delivered() << " of "
              << scenario.truth.size() << " payments delivered\n";
    return cli::kExitSomeFailed;
  }
  double payment_parse = parse_and_match - sink.match_seconds();
  double cpu = CpuSeconds() - cpu0;

  std::printf("purr match-eval: %llu payments against %llu invoices, seed %llu\n",
              static_cast<unsigned long long>(payments),
              static_cast<unsigned long long>(invoices),
              static_cast<unsigned long long>(seed));
  std::printf("\n%-34s %9s %14s\n", "stage", "seconds", "per second");
  std::printf("%-34s %9.2f\n", "generate scenario (not counted)", generate);
  std::printf("%-34s %9.2f %14.0f invoices\n", "ledger parse (CSV)", ledger_parse,
              static_cast<double>(invoices) / ledger_parse);
  std::printf("%-34s %9.2f %14.0f invoices\n", "index build", build,
              static_cast<double>(invoices) / build);
  std::printf("%-34s %9.2f %14.0f payments\n", "payment parse (bank CSV)", payment_parse,
              static_cast<double>(payments) / payment_parse);
  std::printf("%-34s %9.2f %14.0f payments\n", "match (all stages)", sink.match_seconds(),
              static_cast<double>(payments) / sink.match_seconds());
  for (size_t s = 0; s < kStages; ++s) {
    if (sink.stage_count(s) == 0) continue;
    std::string name = "  decided by " + std::string(matching::StageName(
                                             static_cast<matching::Stage>(s)));
    std::printf("%-34s %9.2f %14.0f payments (%zu)\n", name.c_str(), sink.stage_seconds(s),
                static_cast<double>(sink.stage_count(s)) / sink.stage_seconds(s),
                sink.stage_count(s));
  }
  double total = ledger_parse + build + parse_and_match;
  std::printf("%-34s %9.2f %14s\n", "parse + build + match", total, "(target < 30 s)");
  std::printf("%-34s %9.2f\n", "  the same in CPU seconds", cpu);
  std::printf("peak RSS: %ld MB (target < 2048 MB; includes the generated scenario)\n",
              PeakRssMb());
  PrintQuality(sink.report());
  return cli::kExitOk;
}

}  // namespace purr
