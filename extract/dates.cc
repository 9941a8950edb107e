// Dates in the local formats of nb/nn, sv, da and en, emitted as ISO
// YYYY-MM-DD. Numeric dates are read day first (the Nordic and British order);
// an impossible date (31.02.2025, month 13) is not emitted.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "extract/internal.h"

namespace purr::extract::internal {
namespace {

// Month names and abbreviations in nb, nn, sv, da and en.
constexpr std::string_view kMonths =
    R"((januar[iy]?|jan|februar[iy]?|feb|mars|marts|march|mar|april|apr|mai|maj|may|jun[ie]?|jul[iy]?|august[i]?|aug|september|sept|sep|[o][ck]tober|o[ck]t|november|nov|de[sc]ember|de[sc]))";

const RE2& IsoRe() {
  static const RE2 re(
      R"(\b((?:18|19|20|21)[0-9]{2})-([0-9]{1,2})-([0-9]{1,2})\b)",
      PatternOptions());
  return re;
}

// 3.3.2025, 03.03.25, 3/3/25, 3-3-2025 (the two separators are compared in
// code).
const RE2& NumericRe() {
  static const RE2 re(
      R"(\b([0-9]{1,2})([./-])([0-9]{1,2})([./-])((?:18|19|20|21)?[0-9]{2})\b)",
      PatternOptions());
  return re;
}

// "3 mars 2025", "3. marts 2025", "den 3. mars", "3rd of March 2025", "3:e
// mars".
const RE2& DayMonthRe() {
  static const RE2 re(
      std::string(
          R"(\b([0-9]{1,2})(?:\.|st|nd|rd|th|:e|:a)?[ \t]*(?:of[ \t]+)?(?i:)") +
          std::string(kMonths) +
          R"()\b\.?(?:,?[ \t]*((?:18|19|20|21)[0-9]{2})\b)?)",
      PatternOptions());
  return re;
}

// "March 3rd, 2025", "mars 3, 2025".
const RE2& MonthDayRe() {
  static const RE2 re(
      std::string(R"(\b(?i:)") + std::string(kMonths) +
          R"()\.?[ \t]+([0-9]{1,2})(?:st|nd|rd|th)?\b(?:,?[ \t]*((?:18|19|20|21)[0-9]{2})\b)?)",
      PatternOptions());
  return re;
}

int ToInt(const re2::StringPiece& s) {
  int v = 0;
  for (char c : View(s)) v = v * 10 + (c - '0');
  return v;
}

int MonthOf(std::string_view name) {
  std::string p(name.substr(0, 3));
  for (char& c : p)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static constexpr std::string_view kKeys[] = {
      "jan", "feb", "mar", "apr", "mai", "maj", "may", "jun",
      "jul", "aug", "sep", "okt", "oct", "nov", "des", "dec"};
  static constexpr int kMonth[] = {1, 2, 3, 4,  5,  5,  5,  6,
                                   7, 8, 9, 10, 10, 11, 12, 12};
  for (size_t i = 0; i < std::size(kKeys); ++i) {
    if (p == kKeys[i]) return kMonth[i];
  }
  return 0;
}

// Two-digit years: 00..(pivot) are 20xx, the rest 19xx. The pivot follows the
// receipt year when given (a letter of 2025 writing "28" means 2028, "85" means
// 1985).
int FullYear(const Context& ctx, const re2::StringPiece& y) {
  const int v = ToInt(y);
  if (y.size() == 4) return v;
  const int pivot =
      ctx.options->default_year > 0 ? ctx.options->default_year % 100 + 10 : 50;
  return v <= pivot ? 2000 + v : 1900 + v;
}

void Emit(const Context& ctx, const re2::StringPiece& whole, int year,
          int month, int day) {
  if (!IsPlausibleDate(year, month, day)) return;
  const size_t start = Offset(ctx.text, whole);
  size_t end = start + whole.size();
  if (ctx.text[end - 1] == '.' || ctx.text[end - 1] == ',') --end;
  ctx.Add(kDate, IsoDate(year, month, day), true, start, end, "", kPrioDate);
}

// A date written without a year ("den 4. november") takes the year of the
// nearest dated date before it in the letter (the letter's own date, usually),
// else the nearest after, else the caller's default year (0: not emitted).
// (start, year) of the dated dates among the candidates from index `first`, by
// start.
std::vector<std::pair<size_t, int>> DatedYears(const Context& ctx,
                                               size_t first) {
  std::vector<std::pair<size_t, int>> years;
  for (size_t i = first; i < ctx.out->size(); ++i) {
    const Entity& e = (*ctx.out)[i].entity;
    if (e.type == kDate)
      years.emplace_back(e.start, std::stoi(e.value.substr(0, 4)));
  }
  std::sort(years.begin(), years.end());
  return years;
}

int YearNear(const Context& ctx,
             const std::vector<std::pair<size_t, int>>& years, size_t pos) {
  auto after =
      std::lower_bound(years.begin(), years.end(), std::make_pair(pos, 0));
  if (after != years.begin()) return std::prev(after)->second;
  if (after != years.end()) return after->second;
  return ctx.options->default_year;
}

}  // namespace

void ExtractDates(const Context& ctx) {
  const size_t first = ctx.out->size();
  ForEachMatch(IsoRe(), ctx.text, [&](const std::vector<re2::StringPiece>& g) {
    Emit(ctx, g[0], ToInt(g[1]), ToInt(g[2]), ToInt(g[3]));
  });
  ForEachMatch(
      NumericRe(), ctx.text, [&](const std::vector<re2::StringPiece>& g) {
        if (View(g[2]) != View(g[4])) return;  // 3.3-2025 is not a date
        int day = ToInt(g[1]), month = ToInt(g[3]);
        // An American month-first date is taken only when it cannot be read day
        // first
        // ("12/31/2025"), or when the caller says the letter is en-US.
        const bool us = ctx.options->language == "en-US" ||
                        ctx.options->language == "en_US";
        if ((us && View(g[2]) == "/" && day <= 12) || (month > 12 && day <= 12))
          std::swap(day, month);
        Emit(ctx, g[0], FullYear(ctx, g[5]), month, day);
      });
  // Named-month dates; those without a year are resolved after all dated ones
  // are known.
  struct Pending {
    re2::StringPiece whole;
    int month, day;
  };
  std::vector<Pending> pending;
  auto named = [&](const re2::StringPiece& whole, const re2::StringPiece& year,
                   int month, int day) {
    if (year.empty()) {
      pending.push_back({whole, month, day});
    } else {
      Emit(ctx, whole, ToInt(year), month, day);
    }
  };
  ForEachMatch(DayMonthRe(), ctx.text,
               [&](const std::vector<re2::StringPiece>& g) {
                 named(g[0], g[3], MonthOf(View(g[2])), ToInt(g[1]));
               });
  ForEachMatch(MonthDayRe(), ctx.text,
               [&](const std::vector<re2::StringPiece>& g) {
                 named(g[0], g[3], MonthOf(View(g[1])), ToInt(g[2]));
               });
  const std::vector<std::pair<size_t, int>> years = DatedYears(ctx, first);
  for (const Pending& p : pending) {
    const int year = YearNear(ctx, years, Offset(ctx.text, p.whole));
    if (year != 0) Emit(ctx, p.whole, year, p.month, p.day);
  }
}

}  // namespace purr::extract::internal
