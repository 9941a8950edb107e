#include "worker/file_io.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace purr {
namespace {

std::string Megabytes(uintmax_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

}  // namespace

Result<std::string> ReadWholeFile(const std::string& path, int64_t max_bytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::InvalidInput("is a directory, not a file");
  }
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return Status::IoError("cannot read: " + ec.message());
  if (size > static_cast<uintmax_t>(max_bytes)) {
    return Status::LimitExceeded(Megabytes(size) + " is over the limit of " +
                                 Megabytes(static_cast<uintmax_t>(max_bytes)));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(std::string("cannot open: ") + std::strerror(errno));
  std::string bytes(static_cast<size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<uintmax_t>(in.gcount()) != size) return Status::IoError("read error");
  return bytes;
}

}  // namespace purr
