// Content hashes for version strings (internal to classify/): FNV-1a 64, printed as hex.
#ifndef PURR_CLASSIFY_HASH_H_
#define PURR_CLASSIFY_HASH_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace purr::classify {

inline constexpr uint64_t kFnvOffset = 14695981039346656037ULL;

inline uint64_t Fnv1a(uint64_t h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

inline std::string Hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace purr::classify

#endif  // PURR_CLASSIFY_HASH_H_
