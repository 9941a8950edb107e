// libFuzzer target for the e-mail parser: any bytes give a Message or a clean
// error, never a crash, and the Message's invariants hold (UTF-8 text, detected
// types from the fixed set).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mail/message.h"

namespace {

bool IsUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80         ? 1
                     : (c >> 5) == 6  ? 2
                     : (c >> 4) == 14 ? 3
                     : (c >> 3) == 30 ? 4
                                      : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  purr::Result<purr::mail::Message> m = purr::mail::ParseMessage(bytes);
  if (!m.ok()) return 0;
  if (!IsUtf8(m->text)) std::abort();
  for (const purr::mail::Attachment& a : m->attachments) {
    const std::string& t = a.detected_type;
    if (t != "pdf" && t != "tiff" && t != "png" && t != "jpeg" && t != "text" &&
        t != "other")
      std::abort();
    if (t == "text" && !IsUtf8(a.text)) std::abort();
  }
  purr::mail::HtmlToText(bytes);
  return 0;
}
