// Fuzzes the command-line option parser (purr::cli::CommandLine over Poco's option processor):
// the input is split at NUL bytes into arguments. Never crash; a run that is allowed to go on
// has every number inside its declared range; the rest ends with a usage error or --help.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "worker/cli.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using purr::cli::CommandLine;
  if (size > 4096) return 0;
  std::vector<std::string> args(1);
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.emplace_back();
    } else {
      args.back() += static_cast<char>(data[i]);
    }
  }
  CommandLine cl("purr fuzz [OPTIONS] FILE...", "Options like the real commands'.");
  cl.Flag("json", "print JSON");
  cl.Flag("until-idle", "stop when idle");
  cl.Value("lang", "LANGS", "languages");
  cl.Value("out", "DIR", "output folder");
  cl.Value("db", "PATH", "store");
  cl.Integer("threads", "N", "threads", 1, 64);
  cl.Integer("max-pages", "N", "pages", 1, 100000);
  cl.Integer("offset", "N", "offset", -5, 5);
  cl.Decimal("deadline", "S", "seconds", 0.1, 3600);
  cl.Decimal("threshold", "X", "share", 0, 1);
  std::optional<int> stop = cl.Parse(args);
  if (stop) {
    if (*stop != purr::cli::kExitOk && *stop != purr::cli::kExitUsage) std::abort();
    return 0;
  }
  const int64_t threads = cl.GetInteger("threads", 1);
  const int64_t pages = cl.GetInteger("max-pages", 1);
  const int64_t offset = cl.GetInteger("offset", 0);
  const double deadline = cl.GetDecimal("deadline", 1);
  const double threshold = cl.GetDecimal("threshold", 0);
  if (threads < 1 || threads > 64 || pages < 1 || pages > 100000 || offset < -5 || offset > 5 ||
      !(deadline >= 0.1 && deadline <= 3600) || !(threshold >= 0 && threshold <= 1)) {
    std::abort();
  }
  (void)cl.Get("lang");
  (void)cl.Has("json");
  return 0;
}
