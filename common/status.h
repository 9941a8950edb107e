// Status and Result<T>: how purr's modules report failure across their headers.
//
// A Status is either ok or carries a code and a message that names what failed (a file,
// a page, a record) so that the message can be shown to a clerk or logged as it is.
// Modules never let exceptions from third-party libraries cross their public headers;
// they catch them in the adapter that calls the library and return a Status instead.
//
// Thread safety: values, safe to copy and share like std::string.
#ifndef PURR_COMMON_STATUS_H_
#define PURR_COMMON_STATUS_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace purr {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidInput,   // the input is malformed, truncated, empty or not what it claims
    kUnsupported,    // well-formed but of a kind purr does not handle
    kLimitExceeded,  // larger than a configured limit (bytes, pages, pixels)
    kTimedOut,       // gave up at a deadline
    kNotFound,
    kIoError,
    kInternal,       // a bug or a third-party failure with no better code
  };

  Status() = default;  // ok

  static Status Ok() { return Status(); }
  static Status InvalidInput(std::string msg) { return {Code::kInvalidInput, std::move(msg)}; }
  static Status Unsupported(std::string msg) { return {Code::kUnsupported, std::move(msg)}; }
  static Status LimitExceeded(std::string msg) { return {Code::kLimitExceeded, std::move(msg)}; }
  static Status TimedOut(std::string msg) { return {Code::kTimedOut, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status IoError(std::string msg) { return {Code::kIoError, std::move(msg)}; }
  static Status Internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "invalid input: <message>", or "ok".
  std::string ToString() const;
  // Short stable name of the code ("invalid_input", "timed_out", ...) for JSON output.
  static std::string_view CodeName(Code code);

  // Returns a copy whose message is "<context>: <message>".
  Status WithContext(std::string_view context) const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

// Either a value or a failed Status. REQUIRES: the Status given is not ok.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}           // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}    // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  // REQUIRES: ok().
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace purr

#endif  // PURR_COMMON_STATUS_H_
