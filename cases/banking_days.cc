// Banking days for the proof-of-payment grace period.
#include <array>
#include <cstdio>
#include <string>
#include <string_view>

#include "cases/engine.h"

namespace purr::cases {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = static_cast<int>(yoe + era * 400 + (*m <= 2));
}

// Easter Sunday (Anonymous Gregorian algorithm), as days since the epoch.
int64_t EasterSunday(int year) {
  const int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
  const int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
  return DaysFromCivil(year, month, day);
}

bool IsBankHoliday(int64_t days) {
  int y, m, d;
  CivilFromDays(days, &y, &m, &d);
  const int64_t weekday = (days + 4) % 7;  // 1970-01-01 was a Thursday; 0 = Sunday
  if (weekday == 0 || weekday == 6) return true;
  if ((m == 1 && d == 1) || (m == 5 && d == 1) || (m == 12 && d >= 24 && d <= 26) ||
      (m == 12 && d == 31)) {
    return true;
  }
  const int64_t easter = EasterSunday(y);
  for (int offset : {-3, -2, 1, 39, 50}) {
    if (days == easter + offset) return true;
  }
  return false;
}

bool ParseDate(std::string_view s, int* y, int* m, int* d) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  *y = std::stoi(std::string(s.substr(0, 4)));
  *m = std::stoi(std::string(s.substr(5, 2)));
  *d = std::stoi(std::string(s.substr(8, 2)));
  if (*m < 1 || *m > 12 || *d < 1) return false;
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (*d > kDays[*m - 1]) return false;
  const bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
  return !(*m == 2 && *d == 29 && !leap);
}

}  // namespace

std::string AddBankingDays(std::string_view date, int n) {
  int y, m, d;
  if (!ParseDate(date, &y, &m, &d) || n < 0 || n > 1000) return "";
  int64_t days = DaysFromCivil(y, m, d);
  while (n > 0) {
    ++days;
    if (!IsBankHoliday(days)) --n;
  }
  CivilFromDays(days, &y, &m, &d);
  char out[16];
  std::snprintf(out, sizeof(out), "%04d-%02d-%02d", y, m, d);
  return out;
}

}  // namespace purr::cases
