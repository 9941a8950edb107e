// Extraction throughput: every corpus letter padded or cut to 2 KB (by
// repeating the letter), extracted in a loop on one thread. Prints µs per
// letter and letters/s; not a test.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "extract/entities.h"

namespace fs = std::filesystem;

// CPU seconds of this thread: on a shared build machine wall time mostly
// measures the neighbours; CPU time is what the classifier's budget is about.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) +
         static_cast<double>(ts.tv_nsec) * 1e-9;
}

int main(int argc, char** argv) {
  const fs::path dir = argc > 1
                           ? fs::path(argv[1])
                           : fs::path(PURR_SOURCE_DIR) / "fixtures/letters";
  std::vector<std::string> letters;
  for (const char* lang : {"nb", "sv", "da", "en"}) {
    for (const auto& entry : fs::directory_iterator(dir / lang)) {
      if (entry.path().extension() != ".txt") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      std::string text = ss.str(), padded;
      while (padded.size() < 2048) padded += text + "\n";
      letters.push_back(padded.substr(0, 2048));
    }
  }
  if (letters.empty()) {
    std::fprintf(stderr, "no letters under %s\n", dir.c_str());
    return 1;
  }
  purr::extract::ExtractOptions options;
  options.default_year = 2025;
  size_t entities = 0;
  for (const std::string& l : letters)
    entities += purr::extract::ExtractEntities(l, options).size();  // warm-up
  const int rounds = 20;
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = ThreadCpuSeconds();
  for (int r = 0; r < rounds; ++r) {
    for (const std::string& l : letters)
      entities += purr::extract::ExtractEntities(l, options).size();
  }
  const double s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  const double cpu = ThreadCpuSeconds() - cpu0;
  const double n = static_cast<double>(letters.size()) * rounds;
  std::printf("letters: %zu x %d rounds (2048 bytes each), entities: %zu\n",
              letters.size(), rounds, entities);
  std::printf(
      "extract: %.1f us CPU per 2 KB letter, %.0f letters/s on one core\n",
      cpu / n * 1e6, n / cpu);
  std::printf(
      "wall clock: %.1f us per letter (includes waiting for other processes)\n",
      s / n * 1e6);
  return 0;
}
