// Reading input files whole, for the commands whose parsers take bytes.
#ifndef PURR_WORKER_FILE_IO_H_
#define PURR_WORKER_FILE_IO_H_

#include <cstdint>
#include <string>

#include "common/status.h"

namespace purr {

// Reads the regular file at `path` into memory. Refuses a directory, a file that cannot be
// opened or read, and one larger than `max_bytes` (checked before reading). Messages do not
// repeat the path; callers add it with Status::WithContext or their own prefix.
Result<std::string> ReadWholeFile(const std::string& path, int64_t max_bytes);

}  // namespace purr

#endif  // PURR_WORKER_FILE_IO_H_
