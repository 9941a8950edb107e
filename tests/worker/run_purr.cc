#include "tests/worker/run_purr.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <sstream>
#include <thread>

namespace purr::testing {

std::vector<Poco::JSON::Object::Ptr> JsonLines(const std::string& out) {
  std::vector<Poco::JSON::Object::Ptr> objects;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    Poco::JSON::Parser parser;
    objects.push_back(parser.parse(line).extract<Poco::JSON::Object::Ptr>());
  }
  return objects;
}

std::vector<std::string> PurrRun::out_lines() const {
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

PurrRun RunPurr(const std::vector<std::string>& args) { return RunProgram(PURR_BINARY, args); }

PurrRun RunProgram(const std::string& program, const std::vector<std::string>& args) {
  Poco::Pipe out_pipe, err_pipe;
  Poco::ProcessHandle handle = Poco::Process::launch(program, args, nullptr, &out_pipe, &err_pipe);
  PurrRun run;
  Poco::PipeInputStream out_stream(out_pipe), err_stream(err_pipe);
  // Drain stderr on its own thread so that neither pipe can fill up and block purr.
  std::thread err_reader([&] { Poco::StreamCopier::copyToString(err_stream, run.err); });
  Poco::StreamCopier::copyToString(out_stream, run.out);
  err_reader.join();
  run.exit_code = handle.wait();
  return run;
}

}  // namespace purr::testing
