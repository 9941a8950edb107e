// Prints IdentifierIndex build time and memory for a generated ledger, and Find time per
// letter:
//   bench_linker [IDENTIFIERS [LETTERS [SEED]]]     (defaults 3000000 1000 1)
// The ledger has IDENTIFIERS/3 invoices, each with an invoice number, a payment reference, its
// case (two invoices a case) and its customer (three a customer), in the creditors' formats.
// Letters are ~3 KB of prose, dates, amounts and phone numbers with a few identifiers, some
// damaged. Figures, not assertions.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "cases/linker.h"

namespace {

using purr::cases::IdentifierIndex;
using purr::cases::IdKind;
using purr::cases::KnownId;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

long PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

long CurrentRssMb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4096 / (1024 * 1024);
}

class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next(uint64_t n) {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return (state_ >> 33) % n;
  }
  std::string Digits(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>('0' + Next(10));
    return s;
  }

 private:
  uint64_t state_;
};

std::string Padded(uint64_t n, int width) {
  std::string s = std::to_string(n);
  return std::string(width > static_cast<int>(s.size()) ? width - s.size() : 0, '0') + s;
}

std::string InvoiceNumber(uint64_t i) {
  switch (i % 4) {
    case 0:
      return "F-2025-" + Padded(i, 7);
    case 1:
      return "S" + Padded(i, 6) + "-" + std::to_string(i % 7);
    case 2:
      return "NR/" + Padded(i / 10000, 4) + "/" + Padded(i % 10000, 4);
    default:
      return "CCM-" + Padded(i, 7);
  }
}

std::vector<KnownId> Ledger(size_t identifiers, Random& rnd) {
  size_t invoices = identifiers / 3;
  std::vector<KnownId> ids;
  ids.reserve(invoices * 4);
  for (size_t i = 0; i < invoices; ++i) {
    std::string case_id = "S-2025-" + Padded(i / 2, 6);
    size_t c = i / 3;
    std::string customer = Padded(10 + c / 1000000 % 90, 2) + "-" + Padded(c / 1000 % 1000, 3) +
                           " " + Padded(c % 1000, 3);
    std::string reference = i % 3 == 0 ? rnd.Digits(15) : rnd.Digits(8 + static_cast<int>(i % 5));
    ids.push_back({IdKind::kInvoice, InvoiceNumber(i), case_id, customer});
    ids.push_back({IdKind::kReference, reference, case_id, customer});
    ids.push_back({IdKind::kCase, case_id, case_id, customer});  // once per invoice: duplicates
    ids.push_back({IdKind::kCustomer, customer, case_id, customer});
  }
  return ids;
}

std::string Number(Random& rnd) {
  switch (rnd.Next(4)) {
    case 0:
      return Padded(1 + rnd.Next(28), 2) + "." + Padded(1 + rnd.Next(12), 2) + ".2025";
    case 1:
      return std::to_string(rnd.Next(20000)) + "," + Padded(rnd.Next(100), 2);
    case 2:
      return "9" + rnd.Digits(2) + " " + rnd.Digits(2) + " " + rnd.Digits(3);
    default:
      return rnd.Digits(4) + "." + rnd.Digits(2) + "." + rnd.Digits(5);
  }
}

// ~3 KB: words, about five identifiers (a third with a wrong digit) and numbers_per_100
// dates, amounts, phone or account numbers for every 100 words.
std::string Letter(const std::vector<std::string>& mentions, int numbers_per_100, Random& rnd) {
  static const char* kWords[] = {
      "Hei",        "jeg",     "viser",          "til",          "brev",    "om",
      "betaling",   "av",      "faktura",        "og",           "ber",     "om",
      "utsettelse", "til",     "neste",          "m\xC3\xA5ned", "fordi",   "jeg",
      "har",        "mistet",  "jobben",         "Med",          "vennlig", "hilsen",
      "saken",      "gjelder", "bel\xC3\xB8pet", "kr",           "er",      "allerede",
      "betalt",     "se",      "vedlagt",        "kvittering.",  "Tlf",     "kontonr.",
      "dato",       "\n"};
  std::string text;
  while (text.size() < 3000) {
    uint64_t roll = rnd.Next(100);
    if (roll == 0) {
      std::string id = mentions[rnd.Next(mentions.size())];
      if (rnd.Next(3) == 0) id[rnd.Next(id.size())] = static_cast<char>('0' + rnd.Next(10));
      text += id;
    } else if (roll <= static_cast<uint64_t>(numbers_per_100)) {
      text += Number(rnd);
    } else {
      text += kWords[rnd.Next(std::size(kWords))];
    }
    text += ' ';
  }
  return text;
}

struct FindFigures {
  double avg_ms = 0, median_ms = 0, p99_ms = 0, max_ms = 0, hits = 0, fuzzy = 0;
};

FindFigures TimeFind(const IdentifierIndex& index, const std::vector<std::string>& texts) {
  std::vector<double> times;
  FindFigures f;
  for (const std::string& text : texts) {
    auto t0 = std::chrono::steady_clock::now();
    std::vector<purr::cases::LinkHit> found = index.Find(text);
    times.push_back(Seconds(t0) * 1e3);
    f.hits += found.size();
    for (const auto& h : found) f.fuzzy += h.edits;
  }
  if (times.empty()) return f;
  std::sort(times.begin(), times.end());
  for (double t : times) f.avg_ms += t / times.size();
  f.median_ms = times[times.size() / 2];
  f.p99_ms = times[times.size() * 99 / 100];
  f.max_ms = times.back();
  f.hits /= times.size();
  f.fuzzy /= times.size();
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  size_t identifiers = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 3000000;
  size_t letters = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000;
  uint64_t seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1;
  Random rnd(seed);

  long rss_start = CurrentRssMb();
  auto t0 = std::chrono::steady_clock::now();
  std::vector<KnownId> ids = Ledger(identifiers, rnd);
  double generate = Seconds(t0);
  std::vector<std::string> mentions;
  for (size_t i = 0; i < ids.size(); i += ids.size() / 997 + 1) mentions.push_back(ids[i].value);
  size_t given = ids.size();
  long rss_input = CurrentRssMb();
  long peak_before = PeakRssMb();

  t0 = std::chrono::steady_clock::now();
  auto index = IdentifierIndex::Build(std::move(ids));
  double build = Seconds(t0);
  long peak_build = PeakRssMb();
  long rss_built = CurrentRssMb();

  struct Kind {
    const char* name;
    int numbers_per_100;
  };
  std::vector<std::pair<Kind, FindFigures>> finds;
  for (Kind kind : {Kind{"prose letters (3 numbers per 100 words)", 3},
                    Kind{"number-dense letters (20 per 100 words)", 20}}) {
    std::vector<std::string> texts;
    for (size_t i = 0; i < letters; ++i) {
      texts.push_back(Letter(mentions, kind.numbers_per_100, rnd));
    }
    finds.emplace_back(kind, TimeFind(*index, texts));
  }
  // Worst case: a megabyte of space-separated digits, every window number-shaped.
  std::string digits;
  while (digits.size() < (1 << 20)) digits += rnd.Digits(1 + static_cast<int>(rnd.Next(4))) + " ";
  FindFigures worst = TimeFind(*index, {digits});

  std::printf("identifiers given %zu, indexed %zu (duplicates removed), skipped %zu, seed %llu\n",
              given, index->size(), index->skipped(), static_cast<unsigned long long>(seed));
  std::printf("generate %.2f s, build %.2f s (%.0f identifiers/s)\n", generate, build,
              given / build);
  std::printf(
      "memory: index %.0f MB; RSS start %ld MB, with input %ld MB, after build %ld MB "
      "(input freed); peak %ld MB before build, %ld MB during (+%ld MB over the input)\n",
      index->MemoryBytes() / 1048576.0, rss_start, rss_input, rss_built, peak_before, peak_build,
      peak_build - rss_input);
  for (const auto& [kind, f] : finds) {
    std::printf(
        "find, %zu %s: avg %.3f ms, median %.3f ms, p99 %.3f ms, max %.3f ms; "
        "%.1f hits/letter, %.1f of them with one error\n",
        letters, kind.name, f.avg_ms, f.median_ms, f.p99_ms, f.max_ms, f.hits, f.fuzzy);
  }
  std::printf("find, 1 MB of space-separated digits: %.0f ms, %.0f hits\n", worst.avg_ms,
              worst.hits);
  return 0;
}
