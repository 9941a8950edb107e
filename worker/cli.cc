#include "worker/cli.h"

#include <Poco/Exception.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionException.h>
#include <Poco/Util/OptionProcessor.h>
#include <Poco/Util/OptionSet.h>

#include <charconv>
#include <cmath>
#include <iostream>
#include <system_error>

namespace purr::cli {
namespace {

// A numeric option's range and, once parsed, its value.
template <typename T>
struct Ranged {
  T low;
  T high;
  std::optional<T> value;
};

std::string NumberText(int64_t value) { return std::to_string(value); }

std::string NumberText(double value) {
  // Whole numbers in full ("100000", not the shorter "1e+05").
  if (value == std::trunc(value) && std::fabs(value) < 1e15) {
    return NumberText(static_cast<int64_t>(value));
  }
  char buffer[32];
  std::to_chars_result end = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, end.ptr);
}

template <typename T>
std::string RangeText(const Ranged<T>& range) {
  return NumberText(range.low) + " to " + NumberText(range.high);
}

// All of `text` as a T (from_chars: no locale, no leading '+' or space), or nullopt.
template <typename T>
std::optional<T> ParseNumber(const std::string& text) {
  T value{};
  const char* end = text.data() + text.size();
  std::from_chars_result parsed = std::from_chars(text.data(), end, value);
  if (parsed.ec != std::errc() || parsed.ptr != end) return std::nullopt;
  return value;
}

// Parses every given option of `options` and keeps its value; returns the usage error of
// the first one that is not a `kind` within its range.
template <typename T>
std::optional<std::string> TakeNumbers(const std::map<std::string, std::string>& values,
                                       const std::string& kind,
                                       std::map<std::string, Ranged<T>>* options) {
  for (auto& [name, option] : *options) {
    auto given = values.find(name);
    if (given == values.end()) continue;
    option.value = ParseNumber<T>(given->second);
    // Written so that NaN, which compares false, is refused.
    if (!option.value || !(*option.value >= option.low && *option.value <= option.high)) {
      return "--" + name + " takes " + kind + " from " + RangeText(option) + ", not \"" +
             given->second + "\"";
    }
  }
  return std::nullopt;
}

}  // namespace

struct CommandLine::Impl {
  std::string usage;
  std::string description;
  Poco::Util::OptionSet options;
  std::map<std::string, Ranged<int64_t>> integers;
  std::map<std::string, Ranged<double>> decimals;
};

CommandLine::CommandLine(std::string usage, std::string description)
    : impl_(std::make_unique<Impl>()) {
  impl_->usage = std::move(usage);
  impl_->description = std::move(description);
  Flag("help", "print this help and exit");
}

CommandLine::~CommandLine() = default;

void CommandLine::Flag(const std::string& name, const std::string& help) {
  impl_->options.addOption(
      Poco::Util::Option(name, "", help).required(false).repeatable(true));
}

void CommandLine::Value(const std::string& name, const std::string& arg,
                        const std::string& help) {
  impl_->options.addOption(Poco::Util::Option(name, "", help)
                               .required(false)
                               .repeatable(true)
                               .argument(arg, true));
}

void CommandLine::Integer(const std::string& name, const std::string& arg,
                          const std::string& help, int64_t low, int64_t high) {
  const Ranged<int64_t>& range = impl_->integers[name] = {low, high, std::nullopt};
  Value(name, arg, help + "; " + RangeText(range));
}

void CommandLine::Decimal(const std::string& name, const std::string& arg,
                          const std::string& help, double low, double high) {
  const Ranged<double>& range = impl_->decimals[name] = {low, high, std::nullopt};
  Value(name, arg, help + "; " + RangeText(range));
}

std::optional<int> CommandLine::Parse(const std::vector<std::string>& args) {
  Poco::Util::OptionProcessor processor(impl_->options);
  processor.setUnixStyle(true);
  bool options_done = false;
  try {
    for (const std::string& arg : args) {
      if (options_done) {
        positional_.push_back(arg);
        continue;
      }
      if (arg == "--") {
        options_done = true;
        continue;
      }
      std::string name, value;
      if (processor.process(arg, name, value)) {
        if (!name.empty()) values_[name] = value;
        continue;
      }
      if (arg.size() > 1 && arg[0] == '-') {
        return UsageError("unknown option " + arg);
      }
      positional_.push_back(arg);
    }
    processor.checkRequired();
  } catch (const Poco::Util::OptionException& e) {
    return UsageError(e.displayText());
  }
  if (Has("help")) {
    PrintHelp();
    return kExitOk;
  }
  std::optional<std::string> error = TakeNumbers(values_, "a whole number", &impl_->integers);
  if (!error) error = TakeNumbers(values_, "a number", &impl_->decimals);
  if (error) return UsageError(*error);
  return std::nullopt;
}

bool CommandLine::Has(const std::string& name) const {
  return values_.count(name) > 0;
}

std::string CommandLine::Get(const std::string& name,
                             const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

int64_t CommandLine::GetInteger(const std::string& name, int64_t fallback) const {
  return impl_->integers.at(name).value.value_or(fallback);
}

double CommandLine::GetDecimal(const std::string& name, double fallback) const {
  return impl_->decimals.at(name).value.value_or(fallback);
}

int CommandLine::UsageError(const std::string& message) const {
  std::cerr << "purr: " << message << "\nusage: " << impl_->usage
            << "\n(run with --help for details)\n";
  return kExitUsage;
}

void CommandLine::PrintHelp() const {
  Poco::Util::HelpFormatter formatter(impl_->options);
  formatter.setUnixStyle(true);
  formatter.setUsage(impl_->usage);
  formatter.setHeader(impl_->description);
  formatter.setCommand("");
  formatter.setWidth(90);
  formatter.format(std::cout);
}

}  // namespace purr::cli
