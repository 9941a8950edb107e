#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <string>
#include <functional>

#include "bank/internal.h"

namespace purr::bank {

const char* DirectionName(Direction direction) {
  return direction == Direction::kCredit ? "credit" : "debit";
}

const char* SeverityName(Diagnostic::Severity severity) {
  return severity == Diagnostic::Severity::kWarning ? "warning" : "error";
}

std::string MaskAccount(const std::string& account) {
  std::string out = account;
  size_t keep_head = out.size() > 8 ? 4 : 0;
  size_t keep_tail = out.size() > 8 ? 4 : 2;
  for (size_t i = keep_head; i + keep_tail < out.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(out[i]);
    if (std::isalnum(c) || c >= 0x80) out[i] = '*';
  }
  return out;
}

namespace internal {

std::string MakePaymentId(std::string_view family,
                          std::initializer_list<std::string_view> parts) {
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  sha.update(family.data(), static_cast<unsigned>(family.size()));
  for (std::string_view part : parts) {
    std::string length = ":" + std::to_string(part.size()) + ":";
    sha.update(length.data(), static_cast<unsigned>(length.size()));
    sha.update(part.data(), static_cast<unsigned>(part.size()));
  }
  std::string hex = Poco::DigestEngine::digestToHex(sha.digest());
  return std::string(family) + "-" + hex.substr(0, 32);
}

int OccurrenceCounter::Next(std::string_view key) {
  return ++seen_[std::hash<std::string_view>{}(key)];
}

std::string_view Trim(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

namespace {

void AppendCodePoint(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Windows-1252 0x80-0x9F; 0 marks the five undefined bytes (mapped like Latin-1 C1).
constexpr std::array<uint16_t, 32> kCp1252High = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

}  // namespace

std::string Latin1ToUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) AppendCodePoint(out, static_cast<unsigned char>(c));
  return out;
}

std::string Cp1252ToUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    unsigned char b = static_cast<unsigned char>(c);
    uint32_t cp = b;
    if (b >= 0x80 && b <= 0x9F && kCp1252High[b - 0x80] != 0) cp = kCp1252High[b - 0x80];
    AppendCodePoint(out, cp);
  }
  return out;
}

std::string CleanText(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    unsigned char b = static_cast<unsigned char>(c);
    if ((b < 0x20 && c != '\n') || b == 0x7F) c = ' ';
  }
  return out;
}

bool IsIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!IsDigits(s.substr(0, 4)) || !IsDigits(s.substr(5, 2)) || !IsDigits(s.substr(8, 2))) {
    return false;
  }
  int year = std::stoi(std::string(s.substr(0, 4)));
  int month = std::stoi(std::string(s.substr(5, 2)));
  int day = std::stoi(std::string(s.substr(8, 2)));
  return !IsoDate(year, month, day).empty();
}

std::string IsoDate(int year, int month, int day) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return "";
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max_day = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  if (day > max_day) return "";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

void AppendLine(std::string& text, std::string_view line) {
  line = Trim(line);
  if (line.empty()) return;
  if (!text.empty()) text.push_back('\n');
  text.append(line);
}

void AddReference(Transaction& t, std::string value, std::string type,
                  std::optional<int64_t> amount_minor) {
  t.references.push_back(value);
  t.reference_details.push_back({std::move(value), std::move(type), amount_minor});
}

RecordReader::RecordReader(std::string_view bytes, size_t record_length)
    : rest_(bytes), record_length_(record_length) {
  if (rest_.substr(0, 3) == "\xEF\xBB\xBF") {
    rest_.remove_prefix(3);
    had_bom_ = true;
  }
  line_breaks_ = rest_.find_first_of("\r\n") != std::string_view::npos;
}

bool RecordReader::Next(std::string_view* record) {
  if (rest_.empty()) return false;
  ++number_;
  if (!line_breaks_) {
    size_t n = std::min(record_length_, rest_.size());
    *record = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return true;
  }
  size_t end = rest_.find_first_of("\r\n");
  if (end == std::string_view::npos) {
    *record = rest_;
    rest_ = {};
    return true;
  }
  *record = rest_.substr(0, end);
  size_t skip = (rest_[end] == '\r' && end + 1 < rest_.size() && rest_[end + 1] == '\n') ? 2 : 1;
  rest_.remove_prefix(end + skip);
  return true;
}

}  // namespace internal
}  // namespace purr::bank
