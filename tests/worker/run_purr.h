// Runs the built purr executable as a user would, capturing its output.
#ifndef PURR_TESTS_WORKER_RUN_PURR_H_
#define PURR_TESTS_WORKER_RUN_PURR_H_

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

namespace purr::testing {

struct PurrRun {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::vector<std::string> out_lines() const;
};

PurrRun RunPurr(const std::vector<std::string>& args);

// Each non-empty line of `out` parsed as a JSON object (--json output). Throws
// Poco::Exception when a line is not JSON.
std::vector<Poco::JSON::Object::Ptr> JsonLines(const std::string& out);

// Runs any program (found on PATH when `program` has no slash) the same way. Throws
// Poco::Exception when it cannot be started.
PurrRun RunProgram(const std::string& program, const std::vector<std::string>& args);

}  // namespace purr::testing

#endif  // PURR_TESTS_WORKER_RUN_PURR_H_
