// libFuzzer target for what purr batch reads from an archive team's disks: the bytes as a
// file, sniffed and (when a zip, or anything libarchive takes for an archive) listed and read
// entry by entry through libarchive, in place, as ListInputs and InputReader do; and every
// entry name through OutputName, which must never give a path that climbs out of the output
// folder, is absolute, or holds a control character.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "worker/batch_sources.h"

namespace {

void CheckOutputName(const std::string& path) {
  const std::string name = purr::batch::OutputName(path);
  if (name.empty() || name.front() == '/') std::abort();
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    const std::string part = name.substr(start, end - start);
    if (part.empty() || part == "." || part == ".." || part.size() > 200) std::abort();
    start = end + 1;
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '\\') std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 512 * 1024) return 0;
  static const std::string path =
      "/tmp/purr_batch_sources_fuzz_" + std::to_string(getpid()) + ".zip";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto inputs = purr::batch::ListInputs({path});
  if (!inputs.ok()) return 0;
  purr::batch::InputReader reader;
  int read = 0;
  for (const purr::batch::Input& input : *inputs) {
    CheckOutputName(input.path);
    if (!input.problem.empty() || ++read > 64) continue;
    auto bytes = reader.Read(input, 1 << 20);
    if (bytes.ok() && static_cast<int64_t>(bytes->size()) > (1 << 20)) std::abort();
  }
  // Back to the first entry after the last: the reader must reopen the archive.
  if (!inputs->empty() && inputs->front().problem.empty()) {
    (void)reader.Read(inputs->front(), 1 << 20);
  }
  // Names as a zip may carry them, straight from the fuzzer.
  CheckOutputName(std::string(reinterpret_cast<const char*>(data), size > 4096 ? 4096 : size));
  return 0;
}
