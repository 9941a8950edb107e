#include "refs/account.h"

#include <array>
#include <utility>

#include "refs/reference.h"

namespace purr::refs {
namespace {

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

std::string CompactAlnum(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (!IsAlnum(c)) continue;
    out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  }
  return out;
}

// IBAN lengths from the SWIFT IBAN registry.
constexpr std::array<std::pair<std::string_view, int>, 34> kIbanLengths = {{
    {"AT", 20}, {"BE", 16}, {"BG", 22}, {"CH", 21}, {"CY", 28}, {"CZ", 24}, {"DE", 22},
    {"DK", 18}, {"EE", 20}, {"ES", 24}, {"FI", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22},
    {"GL", 18}, {"GR", 27}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IS", 26}, {"IT", 27},
    {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MT", 31}, {"NL", 18}, {"NO", 15},
    {"PL", 28}, {"PT", 25}, {"RO", 24}, {"SE", 24}, {"SI", 19}, {"SK", 24},
}};

}  // namespace

std::optional<int> IbanLength(std::string_view country) {
  for (const auto& [code, length] : kIbanLengths) {
    if (code == country) return length;
  }
  return std::nullopt;
}

bool IsIbanValid(std::string_view iban) {
  for (char c : iban) {
    if (!IsAlnum(c) && c != ' ') return false;
  }
  std::string s = CompactAlnum(iban);
  if (s.size() < 5) return false;
  auto length = IbanLength(s.substr(0, 2));
  if (!length || static_cast<int>(s.size()) != *length) return false;
  if (s[2] < '0' || s[2] > '9' || s[3] < '0' || s[3] > '9') return false;
  auto r = Mod97(s.substr(4) + s.substr(0, 4));
  return r && *r == 1;
}

bool IsNorwegianAccountValid(std::string_view account) {
  std::string digits;
  for (char c : account) {
    if (c == ' ' || c == '.') continue;
    if (c < '0' || c > '9') return false;
    digits += c;
  }
  return digits.size() == 11 && IsMod11Valid(digits, /*allow_minus=*/false);
}

std::string CanonicalAccount(std::string_view account) {
  std::string s = CompactAlnum(account);
  if (IsIbanValid(s)) return s.substr(4);
  return s;
}

std::string MaskAccount(std::string_view account) {
  std::string s = CompactAlnum(account);
  size_t keep = s.size() > 6 ? 4 : 0;
  for (size_t i = 0; i + keep < s.size(); ++i) s[i] = '*';
  return s;
}

}  // namespace purr::refs
