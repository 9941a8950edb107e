// Fuzzes purr.conf reading (Poco's property file syntax, ${...} expansion, purr's key and
// range checks): never crash or hang; an error names the file; a config that loads keeps
// every number inside its documented range and every path absolute.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "worker/config.h"

namespace {

bool Absolute(const std::string& path) { return path.empty() || path[0] == '/'; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16 * 1024) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  purr::Result<purr::Config> c = purr::ParseConfig(text, "fuzz.conf", "/etc/purr/purr.conf");
  if (!c.ok()) {
    if (c.status().message().rfind("fuzz.conf: ", 0) != 0) std::abort();
    return 0;
  }
  if (c->workers < 0 || c->workers > 256 || c->poll_interval_ms < 10 || c->lease_ms < 1000 ||
      c->max_attempts < 1 || c->max_attempts > 100 || c->max_letter_bytes < (1 << 20) ||
      c->page_deadline_s < 1 || c->page_image_width < 0 || c->lockout_failures < 1) {
    std::abort();
  }
  for (const std::string* p : {&c->db, &c->store_dir, &c->inbox_letters, &c->inbox_payments,
                               &c->work, &c->archive, &c->quarantine, &c->rules}) {
    if (!Absolute(*p)) std::abort();
  }
  if (!c->jurisdiction.empty() && c->jurisdiction != "NO" && c->jurisdiction != "SE" &&
      c->jurisdiction != "DK") {
    std::abort();
  }
  return 0;
}
