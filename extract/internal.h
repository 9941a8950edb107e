// Internals of extract/: candidate collection shared by the per-family
// extractor files. Not part of the public API (include extract/entities.h
// instead).
#ifndef PURR_EXTRACT_INTERNAL_H_
#define PURR_EXTRACT_INTERNAL_H_

#include <re2/re2.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "extract/entities.h"

namespace purr::extract::internal {

// An entity proposed by one extractor; the overlap resolver keeps, for every
// byte, the candidate with the highest priority (then the longest).
struct Candidate {
  Entity entity;
  int priority = 0;
};

// Priorities, highest first: a structured payment line beats a labelled
// reference, which beats an unlabelled shape; phones are the weakest guess.
enum Priority : int {
  kPrioFik = 100,
  kPrioRf = 95,
  kPrioIban = 90,
  kPrioLabelledRef = 85,
  kPrioLabelledId = 84,
  kPrioLabelledAccount = 83,
  kPrioEmail = 80,
  kPrioLabelledNumber = 75,
  kPrioId = 70,
  kPrioAccount = 68,
  kPrioUnlabelledRef = 65,
  kPrioDate = 60,
  kPrioAmount = 55,
  kPrioPhone = 40,
  kPrioAddress =
      0,  // never competes: an address may contain a number that is also a date
};

// Everything an extractor needs about the text being scanned.
struct Context {
  std::string_view text;
  const ExtractOptions* options;
  std::vector<Candidate>* out;

  // ASCII-lower-cased copy of text, so an extractor can skip its scan when the
  // literal its pattern needs ("clearing", "@", "kid") is absent: most letters
  // have none of them.
  std::string lower;

  bool Mentions(std::string_view needle) const {
    return lower.find(needle) != std::string::npos;
  }

  // LanguageOf's answer, computed on first use (one extraction = one thread).
  mutable std::string_view language;
  mutable bool language_known = false;

  void Add(std::string_view type, std::string value, bool valid, size_t start,
           size_t end, std::string detail, int priority) const;
};

// Options of every built-in pattern: a 64 MiB budget, so the DFAs of the larger
// patterns (address, labelled references) never run out of state cache on a
// letter and fall back to the much slower NFA. The memory is only taken as
// states are built.
inline RE2::Options PatternOptions() {
  RE2::Options o;
  o.set_max_mem(64 << 20);
  return o;
}

// Calls fn(groups) for every non-overlapping match of `re` in `text`, left to
// right; groups[0] is the whole match, absent groups are empty with data() ==
// nullptr.
template <typename Fn>
void ForEachMatch(const RE2& re, std::string_view text, Fn&& fn) {
  const int n = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> groups(static_cast<size_t>(n));
  size_t pos = 0;
  const re2::StringPiece whole(text.data(), text.size());
  while (pos <= text.size() &&
         re.Match(whole, pos, text.size(), RE2::UNANCHORED, groups.data(), n)) {
    const size_t start = static_cast<size_t>(groups[0].data() - text.data());
    const size_t end = start + groups[0].size();
    fn(groups);
    pos = end > start ? end : end + 1;
  }
}

// Byte offset of a group inside text. REQUIRES: g is a non-empty group of a
// match in text.
inline size_t Offset(std::string_view text, const re2::StringPiece& g) {
  return static_cast<size_t>(g.data() - text.data());
}
inline std::string_view View(const re2::StringPiece& g) {
  return {g.data(), g.size()};
}

// The ASCII digits of s, in order.
std::string DigitsOf(std::string_view s);
// True when one of `labels` (lower-case ASCII) ends within `window` bytes
// before `pos`.
bool HasLabelBefore(std::string_view text, size_t pos, size_t window,
                    const std::vector<std::string_view>& labels);
// Days in a month of the proleptic Gregorian calendar; 0 for a month
// outside 1..12.
int DaysInMonth(int year, int month);
bool IsPlausibleDate(int year, int month, int day);
std::string IsoDate(int year, int month, int day);
// "nb", "sv", "da", "en" from the hint, or guessed from marker words when the
// hint is empty.
std::string_view LanguageOf(const Context& ctx);

// The extractor families (one per .cc file).
void ExtractReferences(
    const Context& ctx);  // kid, ocr_reference, fi_payment, rf
void ExtractLabelledNumbers(const Context& ctx);  // invoice_number, case_number
void ExtractAmounts(const Context& ctx);
void ExtractDates(const Context& ctx);
void ExtractIdentities(const Context& ctx);  // national_id, bank_account
void ExtractContacts(const Context& ctx);    // email, phone, postal_address

}  // namespace purr::extract::internal

#endif  // PURR_EXTRACT_INTERNAL_H_
