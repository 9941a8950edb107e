// ExtractEntities: runs every extractor family, then resolves overlapping
// candidates.
#include "extract/entities.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <utility>

#include "extract/internal.h"
#include "refs/account.h"

namespace purr::extract {
namespace internal {

void Context::Add(std::string_view type, std::string value, bool valid,
                  size_t start, size_t end, std::string detail,
                  int priority) const {
  Candidate c;
  c.entity.type = std::string(type);
  c.entity.value = std::move(value);
  c.entity.valid = valid;
  c.entity.start = start;
  c.entity.end = end;
  c.entity.detail = std::move(detail);
  c.priority = priority;
  out->push_back(std::move(c));
}

std::string DigitsOf(std::string_view s) {
  std::string d;
  for (char c : s) {
    if (c >= '0' && c <= '9') d.push_back(c);
  }
  return d;
}

bool HasLabelBefore(std::string_view text, size_t pos, size_t window,
                    const std::vector<std::string_view>& labels) {
  const size_t from = pos > window ? pos - window : 0;
  std::string lower(text.substr(from, pos - from));
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view label : labels) {
    size_t at = lower.rfind(label);
    if (at == std::string::npos) continue;
    // The label must start a word ("konto", not "bokonto").
    if (at == 0 && from > 0 &&
        std::isalpha(static_cast<unsigned char>(text[from - 1])))
      continue;
    if (at > 0 && std::isalpha(static_cast<unsigned char>(lower[at - 1])))
      continue;
    return true;
  }
  return false;
}

int DaysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30,
                                                31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[static_cast<size_t>(month - 1)];
}

bool IsPlausibleDate(int year, int month, int day) {
  return year >= 1800 && year <= 2199 && day >= 1 &&
         day <= DaysInMonth(year, month);
}

std::string IsoDate(int year, int month, int day) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

namespace {

// Counts whole-word occurrences of each marker (markers are lower-case ASCII or
// UTF-8).
int CountMarkers(std::string_view lower,
                 const std::vector<std::string_view>& markers) {
  int n = 0;
  for (std::string_view m : markers) {
    for (size_t at = lower.find(m); at != std::string_view::npos;
         at = lower.find(m, at + 1)) {
      const bool left =
          at == 0 || !std::isalpha(static_cast<unsigned char>(lower[at - 1]));
      const size_t e = at + m.size();
      const bool right = e >= lower.size() ||
                         !std::isalpha(static_cast<unsigned char>(lower[e]));
      n += left && right;
    }
  }
  return n;
}

// Occurrences of a (UTF-8) letter anywhere, inside words too.
int CountBytes(std::string_view lower, std::string_view letter) {
  int n = 0;
  for (size_t at = lower.find(letter); at != std::string_view::npos;
       at = lower.find(letter, at + letter.size()))
    ++n;
  return n;
}

std::string_view GuessLanguage(const Context& ctx) {
  const std::string& hint = ctx.options->language;
  if (hint.rfind("nb", 0) == 0 || hint.rfind("nn", 0) == 0 || hint == "no")
    return "nb";
  if (hint.rfind("sv", 0) == 0) return "sv";
  if (hint.rfind("da", 0) == 0) return "da";
  if (hint.rfind("en", 0) == 0) return "en";
  // Only the first 4 KB: enough for a guess, and a 20 MB text stays cheap.
  const std::string_view lower = std::string_view(ctx.lower).substr(0, 4096);
  const int sv = CountMarkers(lower, {"och", "jag", "inte", "för", "är", "att",
                                      "kronor", "ärendenr", "vänliga",
                                      "hälsningar", "mig", "tack", "nu"}) +
                 (CountBytes(lower, "ä") + CountBytes(lower, "ö")) / 4;
  const int da = CountMarkers(
      lower, {"jeres", "jer", "venlig", "af", "hvad", "mig", "sagsnr", "sag",
              "sagen", "blev", "efter", "gik", "kære", "hej", "nu", "tak",
              "kroner", "beløb", "betalt"});
  const int nb = CountMarkers(
      lower, {"dere", "deres", "vennlig", "meg",    "ikkje",   "saksnr", "hva",
              "av",   "eg",    "sak",     "saken",  "etter",   "ble",    "gikk",
              "hei",  "nå",    "mvh",     "kroner", "beløpet", "betalt"});
  const int en = CountMarkers(
      lower, {"the", "and", "you", "your", "please", "regards", "paid"});
  const int best = std::max({sv, da, nb, en});
  if (best == 0) return "";
  if (best == sv) return "sv";
  if (best == nb && nb > da) return "nb";
  if (best == da) return "da";
  if (best == nb) return "nb";
  return "en";
}

}  // namespace

std::string_view LanguageOf(const Context& ctx) {
  if (!ctx.language_known) {
    ctx.language = GuessLanguage(ctx);
    ctx.language_known = true;
  }
  return ctx.language;
}

namespace {

// Keeps, for every byte, the candidate with the highest priority (then the
// longest span). A byte map makes this linear in the text: a 1 MB text of
// amounts stays fast.
std::vector<Entity> Resolve(std::vector<Candidate> candidates,
                            size_t text_size) {
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) {
                     if (a.priority != b.priority)
                       return a.priority > b.priority;
                     const size_t la = a.entity.end - a.entity.start;
                     const size_t lb = b.entity.end - b.entity.start;
                     if (la != lb) return la > lb;
                     return a.entity.start < b.entity.start;
                   });
  std::vector<bool> taken(text_size, false);
  std::vector<Entity> kept;
  for (Candidate& c : candidates) {
    const Entity& e = c.entity;
    if (c.priority != kPrioAddress) {
      bool clash = false;
      for (size_t i = e.start; i < e.end && !clash; ++i) clash = taken[i];
      if (clash) continue;
      for (size_t i = e.start; i < e.end; ++i) taken[i] = true;
    }
    kept.push_back(std::move(c.entity));
  }
  std::stable_sort(
      kept.begin(), kept.end(), [](const Entity& a, const Entity& b) {
        return a.start != b.start ? a.start < b.start : a.end < b.end;
      });
  return kept;
}

// Replaces all but the last `keep` digits (or alphanumerics for IBANs) of s
// with '*'.
std::string MaskKeepingLast(std::string_view s, size_t keep) {
  std::string out(s);
  size_t seen = 0;
  for (size_t i = out.size(); i-- > 0;) {
    if (!std::isalnum(static_cast<unsigned char>(out[i]))) continue;
    if (seen++ >= keep) out[i] = '*';
  }
  return out;
}

size_t KeepFor(std::string_view type) { return type == kNationalId ? 2 : 4; }

}  // namespace
}  // namespace internal

std::vector<Entity> ExtractEntities(std::string_view text,
                                    const ExtractOptions& options) {
  using namespace internal;
  if (text.size() > options.max_bytes) text = text.substr(0, options.max_bytes);
  std::vector<Candidate> candidates;
  Context ctx{text, &options, &candidates, std::string(text), {}, false};
  for (char& c : ctx.lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  ExtractReferences(ctx);
  ExtractLabelledNumbers(ctx);
  ExtractIdentities(ctx);
  ExtractAmounts(ctx);
  ExtractDates(ctx);
  ExtractContacts(ctx);
  return Resolve(std::move(candidates), text.size());
}

bool IsSensitive(std::string_view type) {
  return type == kNationalId || type == kBankAccount;
}

std::string Mask(const Entity& entity) {
  if (!IsSensitive(entity.type)) return entity.value;
  return internal::MaskKeepingLast(entity.value,
                                   internal::KeepFor(entity.type));
}

std::string MaskSensitive(std::string_view text) {
  std::string out(text);
  ExtractOptions options;
  const std::vector<Entity> entities = ExtractEntities(text, options);
  std::vector<bool> covered(out.size(), false);
  for (const Entity& e : entities) {
    if (e.end > out.size()) continue;
    // An unlabelled reference candidate is only a guess: it may as well be an
    // identity number, so the digit-run rule below masks it.
    const bool guess =
        e.detail.size() >= 11 &&
        e.detail.compare(e.detail.size() - 11, 11, ";unlabelled") == 0;
    if (guess) continue;
    for (size_t i = e.start; i < e.end; ++i) covered[i] = true;
    if (!IsSensitive(e.type)) continue;
    const std::string masked = internal::MaskKeepingLast(
        text.substr(e.start, e.end - e.start), internal::KeepFor(e.type));
    out.replace(e.start, e.end - e.start, masked);
  }
  // Defence in depth: a run of 9+ digits the extractors did not recognise (an
  // identity number with a typo, an account without a label) is masked too,
  // keeping the last 2.
  size_t i = 0;
  while (i < out.size()) {
    if (!std::isdigit(static_cast<unsigned char>(out[i])) || covered[i]) {
      ++i;
      continue;
    }
    size_t j = i, digits = 0;
    while (j < out.size() && !covered[j] &&
           (std::isdigit(static_cast<unsigned char>(out[j])) ||
            ((out[j] == ' ' || out[j] == '.' || out[j] == '-') &&
             j + 1 < out.size() &&
             std::isdigit(static_cast<unsigned char>(out[j + 1]))))) {
      digits += std::isdigit(static_cast<unsigned char>(out[j])) != 0;
      ++j;
    }
    if (digits >= 9) {
      const std::string masked =
          internal::MaskKeepingLast(std::string_view(out).substr(i, j - i), 2);
      out.replace(i, j - i, masked);
    }
    i = j;
  }
  return out;
}

}  // namespace purr::extract
