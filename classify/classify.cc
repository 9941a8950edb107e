#include "classify/classify.h"

#include <algorithm>
#include <cstdio>

namespace purr::classify {
namespace {

constexpr const char* kClassNames[kClassCount] = {
    "dispute",        "payment_proof", "instalment_request", "deferral_request",
    "debt_settlement", "bankruptcy",   "deceased",           "identity_fraud",
    "data_request",   "complaint",     "address_change",     "limitation",
    "other"};

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 and back (Howard Hinnant's civil calendar algorithms).
long DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date CivilFromDays(long z) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const long doe = z - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {static_cast<int>(yoe + era * 400) + (m <= 2), m, d};
}

}  // namespace

const char* LanguageCode(Language language) {
  switch (language) {
    case Language::kNb: return "nb";
    case Language::kNn: return "nn";
    case Language::kSv: return "sv";
    case Language::kDa: return "da";
    case Language::kEn: return "en";
    case Language::kUnknown: break;
  }
  return "unknown";
}

Language ParseLanguage(std::string_view code) {
  if (code == "nb" || code == "no") return Language::kNb;
  if (code == "nn") return Language::kNn;
  if (code == "sv") return Language::kSv;
  if (code == "da") return Language::kDa;
  if (code == "en") return Language::kEn;
  return Language::kUnknown;
}

const char* ClassName(Class cls) { return kClassNames[static_cast<int>(cls)]; }

std::optional<Class> ParseClass(std::string_view name) {
  for (int i = 0; i < kClassCount; ++i) {
    if (name == kClassNames[i]) return static_cast<Class>(i);
  }
  return std::nullopt;
}

bool IsHaltClass(Class cls) {
  switch (cls) {
    case Class::kDispute:
    case Class::kDebtSettlement:
    case Class::kBankruptcy:
    case Class::kDeceased:
    case Class::kIdentityFraud:
    case Class::kLimitation:
      return true;
    default:
      return false;
  }
}

const char* LegalCategoryName(LegalCategory category) {
  switch (category) {
    case LegalCategory::kHalt: return "halt";
    case LegalCategory::kStatutoryDeadline: return "statutory_deadline";
    case LegalCategory::kNone: break;
  }
  return "none";
}

std::optional<LegalCategory> ParseLegalCategory(std::string_view name) {
  if (name == "halt") return LegalCategory::kHalt;
  if (name == "statutory_deadline") return LegalCategory::kStatutoryDeadline;
  if (name == "none") return LegalCategory::kNone;
  return std::nullopt;
}

const char* JurisdictionCode(Jurisdiction jurisdiction) {
  switch (jurisdiction) {
    case Jurisdiction::kNo: return "NO";
    case Jurisdiction::kSe: return "SE";
    case Jurisdiction::kDk: return "DK";
    case Jurisdiction::kUnknown: break;
  }
  return "unknown";
}

Jurisdiction ParseJurisdiction(std::string_view code) {
  if (code == "NO" || code == "no") return Jurisdiction::kNo;
  if (code == "SE" || code == "se") return Jurisdiction::kSe;
  if (code == "DK" || code == "dk") return Jurisdiction::kDk;
  return Jurisdiction::kUnknown;
}

bool Date::valid() const {
  return year >= 1900 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
         day <= DaysInMonth(year, month);
}

std::string Date::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year % 10000, month % 100, day % 100);
  return buf;
}

std::optional<Date> Date::Parse(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](size_t from, size_t n, int* out) {
    *out = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      *out = *out * 10 + (text[i] - '0');
    }
    return true;
  };
  Date date;
  if (!number(0, 4, &date.year) || !number(5, 2, &date.month) || !number(8, 2, &date.day)) {
    return std::nullopt;
  }
  if (!date.valid()) return std::nullopt;
  return date;
}

Date Date::AddDays(int days) const {
  return CivilFromDays(DaysFromCivil(year, month, day) + days);
}

Date Date::AddMonths(int months) const {
  int index = year * 12 + (month - 1) + months;
  Date out{index / 12, index % 12 + 1, day};
  out.day = std::min(day, DaysInMonth(out.year, out.month));
  return out;
}

bool Classification::Has(Class cls) const {
  for (const auto& c : classes) {
    if (c.cls == cls) return true;
  }
  return false;
}

}  // namespace purr::classify
