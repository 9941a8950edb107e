#include <algorithm>
#include <string>
#include <vector>

#include "ocr/ocr.h"

namespace purr::ocr {
namespace {

// Decodes UTF-8 into code points, folding every run of white space into one space and
// dropping white space at both ends. Invalid bytes count as one code point each.
std::vector<char32_t> NormalisedCodePoints(const std::string& s) {
  std::vector<char32_t> out;
  bool pending_space = false;
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    char32_t cp = c;
    size_t len = 1;
    if (c >= 0xF0 && i + 3 < s.size()) {
      cp = ((c & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) |
           (s[i + 3] & 0x3Fu);
      len = 4;
    } else if (c >= 0xE0 && i + 2 < s.size()) {
      cp = ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
      len = 3;
    } else if (c >= 0xC0 && i + 1 < s.size()) {
      cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
      len = 2;
    }
    i += len;
    const bool space = cp == ' ' || cp == '\n' || cp == '\t' || cp == '\r' || cp == '\f' ||
                       cp == '\v' || cp == 0xA0;
    if (space) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(cp);
  }
  return out;
}

}  // namespace

double CharacterErrorRate(const std::string& reference, const std::string& hypothesis) {
  const std::vector<char32_t> ref = NormalisedCodePoints(reference);
  const std::vector<char32_t> hyp = NormalisedCodePoints(hypothesis);
  std::vector<size_t> prev(hyp.size() + 1), cur(hyp.size() + 1);
  for (size_t j = 0; j <= hyp.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= ref.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= hyp.size(); ++j) {
      const size_t substitute = prev[j - 1] + (ref[i - 1] == hyp[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, substitute});
    }
    std::swap(prev, cur);
  }
  return static_cast<double>(prev[hyp.size()]) / static_cast<double>(std::max<size_t>(1, ref.size()));
}

}  // namespace purr::ocr
