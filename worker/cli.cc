#include "worker/cli.h"

#include <Poco/Exception.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionException.h>
#include <Poco/Util/OptionProcessor.h>
#include <Poco/Util/OptionSet.h>

#include <iostream>

namespace purr::cli {

struct CommandLine::Impl {
  std::string usage;
  std::string description;
  Poco::Util::OptionSet options;
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
