// What `purr batch` reads: the documents under its SRC arguments, and their bytes.
//
// A folder is walked recursively in byte order of names; entries whose name starts with
// '.' and symbolic links to folders are skipped. A file that is a zip archive (found by its
// content) stands for its entries, read in place with libarchive and named
// "<zip path>!/<entry name>"; any other file is one document. Nothing is unpacked to disk.
#ifndef PURR_WORKER_BATCH_SOURCES_H_
#define PURR_WORKER_BATCH_SOURCES_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace purr::batch {

struct Input {
  std::string path;     // what reports call it: "scans/a.tif", "scans/v.zip!/box 1/b.pdf"
  std::string file;     // the file on disk (the zip, for an entry)
  std::string entry;    // the entry's name in the zip; empty for a plain file
  int64_t size = 0;     // bytes (uncompressed, for an entry)
  int64_t mtime = 0;    // seconds since the epoch
  std::string problem;  // set when it cannot be read at all (an encrypted entry, ...)
};

// The inputs of `sources`, in order. Fails when a source does not exist or a folder cannot
// be listed; a damaged zip gives one input with its problem set.
Result<std::vector<Input>> ListInputs(const std::vector<std::string>& sources);

// Reads inputs' bytes. Entries of one zip are read fastest in the order ListInputs gave
// them: the archive stays open between calls and is reopened only to go back.
// Not thread-safe: one reader per thread.
class InputReader {
 public:
  InputReader();
  ~InputReader();
  InputReader(const InputReader&) = delete;
  InputReader& operator=(const InputReader&) = delete;

  // The input's bytes; fails over `max_bytes`, for an unreadable file or a damaged entry.
  Result<std::string> Read(const Input& input, int64_t max_bytes);

 private:
  struct Zip;
  std::unique_ptr<Zip> zip_;
};

// The path of an input's output file under a folder of the output: "!/" becomes "/", and
// no part may climb out ("..", absolute, empty or control characters are replaced).
std::string OutputName(const std::string& path);

}  // namespace purr::batch

#endif  // PURR_WORKER_BATCH_SOURCES_H_
