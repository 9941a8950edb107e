#include "common/status.h"

namespace purr {

std::string_view Status::CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kInvalidInput: return "invalid_input";
    case Code::kUnsupported: return "unsupported";
    case Code::kLimitExceeded: return "limit_exceeded";
    case Code::kTimedOut: return "timed_out";
    case Code::kNotFound: return "not_found";
    case Code::kIoError: return "io_error";
    case Code::kInternal: return "internal";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(CodeName(code_));
  for (char& c : out) {
    if (c == '_') c = ' ';
  }
  out += ": ";
  out += message_;
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string msg(context);
  msg += ": ";
  msg += message_;
  return Status(code_, std::move(msg));
}

}  // namespace purr
