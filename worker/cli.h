// Command-line handling shared by purr's subcommands.
//
// Each subcommand describes its options with a CommandLine, which wraps Poco's option
// processor so that "--lang nor", "--lang=nor" and "--help" behave alike everywhere.
// Numeric options are declared with their range, checked by Parse and shown by --help, so
// every command refuses "--threads 0" or "--deadline soon" with the same kind of message.
// Exit codes are the conventional ones: 0 ok, 1 some inputs failed, 2 usage error.
#ifndef PURR_WORKER_CLI_H_
#define PURR_WORKER_CLI_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace purr::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitSomeFailed = 1;
inline constexpr int kExitUsage = 2;

class CommandLine {
 public:
  // usage: e.g. "purr ocr [OPTIONS] FILE..."; description: one paragraph for --help.
  CommandLine(std::string usage, std::string description);
  ~CommandLine();
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  // A boolean option: --name.
  void Flag(const std::string& name, const std::string& help);
  // An option with a value: --name ARG. Repeated options keep the last value.
  void Value(const std::string& name, const std::string& arg, const std::string& help);
  // An option taking a whole number from `low` to `high` (decimal digits, optional '-').
  // Parse refuses any other value with a usage error naming the option and the range; the
  // range is appended to `help`.
  void Integer(const std::string& name, const std::string& arg, const std::string& help,
               int64_t low, int64_t high);
  // The same for a number with an optional fraction and exponent ("0.5", "20", "1e3"; a '.'
  // whatever the locale). Not-a-number and infinities are refused.
  void Decimal(const std::string& name, const std::string& arg, const std::string& help,
               double low, double high);

  // Parses args (the arguments after the subcommand name). Returns an exit code when the
  // command must stop now: kExitOk after printing --help, kExitUsage after printing the
  // error and the usage to stderr. Returns nullopt when the command should run.
  std::optional<int> Parse(const std::vector<std::string>& args);

  bool Has(const std::string& name) const;
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  // The value of an option declared with Integer / Decimal, or `fallback` when it was not
  // given (the fallback is not checked against the range).
  // REQUIRES: `name` was declared with Integer / Decimal, and Parse returned nullopt.
  int64_t GetInteger(const std::string& name, int64_t fallback) const;
  double GetDecimal(const std::string& name, double fallback) const;
  const std::vector<std::string>& positional() const { return positional_; }

  // Prints a usage error (with a hint to --help) to stderr and returns kExitUsage.
  int UsageError(const std::string& message) const;
  void PrintHelp() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

}  // namespace purr::cli

#endif  // PURR_WORKER_CLI_H_
