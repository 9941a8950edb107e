// Invoice and case numbers: a label, then the number. Default labels cover the
// corpus in nb/nn, sv, da and en; callers add their own patterns through
// ExtractOptions.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "extract/internal.h"
#include "refs/reference.h"

namespace purr::extract::internal {
namespace {

// The number after a label: optional letter prefix ("INV-", "F"), a digit, then
// digits, letters, '/', '-'; digit groups of three separated by a blank ("2024
// 301 555").
constexpr std::string_view kNumberBody =
    R"(((?:[A-Z]{1,4}-?)?[0-9][0-9A-Z/-]{2,19}(?: [0-9]{3}\b)*))";
constexpr std::string_view kLabelTail =
    R"(\.?[ \t]*(?i:nr|no|number|nummer)?\.?[ \t]*[:#]?[ \t]*)";

std::string LabelledNumberPattern(std::string_view labels) {
  // Not \b: RE2's \b is ASCII-only and would never match before "ärendenr".
  return std::string(R"((?:^|[^\p{L}\p{N}_])(?i:)") + std::string(labels) +
         ")\\b" + std::string(kLabelTail) + std::string(kNumberBody);
}

const RE2& DefaultInvoiceRe() {
  static const RE2 re(
      LabelledNumberPattern(
          R"(faktura(?:[ -]?(?:nummer|nr))?|fakt\.? ?nr|invoice(?: ?(?:no|nr|number|#))?|inv\.? ?no|regning(?:snummer|snr)?|räkning(?:snummer|snr)?|kvitto(?:nummer|nr))"),
      PatternOptions());
  return re;
}

const RE2& DefaultCaseRe() {
  static const RE2 re(
      LabelledNumberPattern(
          R"(saks?(?:nummer|nr)|sak|sags?(?:nummer|nr)|sag|ärende(?:nummer|nr)?|case(?: ?(?:no|nr|number|ref|reference|#))?|(?:vår|deres|dykkar|er|jeres|vores|your|our)\s+ref(?:eranse|erens|erence)?|inkassosak|inkassoärende)"),
      PatternOptions());
  return re;
}

// A bare "referanse", "reference", "ref": a case number, unless what follows is
// a payment reference (see EmitGenericReference).
const RE2& GenericRefRe() {
  static const RE2 re(
      LabelledNumberPattern(
          R"(referanse(?:nummer|nr)?|reference|referens|ref(?: ?nr)?)"),
      PatternOptions());
  return re;
}

// A further number in a list after the first ("2024-410932, 2024-410933 og
// 2025-5122").
const RE2& ContinuationRe() {
  static const RE2 re(
      R"([ \t]*(?:,|;|&|\bog\b|\boch\b|\band\b)[ \t]*((?:[A-Z]{1,4}-?)?[0-9][0-9A-Z/-]{2,19}))",
      PatternOptions());
  return re;
}

const RE2& CurrencyAfterRe() {
  static const RE2 re(
      R"([ \t]*(?:(?i:kr|nok|sek|dkk|eur|kroner|kronor)\b|,-|:-|[.,][0-9]{2}\b))",
      PatternOptions());
  return re;
}

const RE2& IsoDateRe() {
  static const RE2 re(R"([0-9]{4}-[0-9]{2}-[0-9]{2})", PatternOptions());
  return re;
}

// User patterns compiled once per distinct string, shared by all threads.
// Bounded so a caller passing ever-new patterns cannot grow memory without
// limit.
std::shared_ptr<const RE2> CompiledUserPattern(const std::string& pattern) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const RE2>>* cache =
      new std::map<std::string,
                   std::shared_ptr<const RE2>>();  // never destroyed: used at
                                                   // exit
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache->find(pattern);
  if (it != cache->end()) return it->second;
  RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_shared<const RE2>(pattern, opts);
  if (!re->ok() || re->NumberOfCapturingGroups() != 1) re = nullptr;
  if (cache->size() < 4096) (*cache)[pattern] = re;
  return re;
}

bool LooksLikeAmountOrDate(std::string_view text, size_t value_start,
                           size_t value_end) {
  const re2::StringPiece whole(text.data(), text.size());
  if (CurrencyAfterRe().Match(whole, value_end, text.size(), RE2::ANCHOR_START,
                              nullptr, 0))
    return true;
  const re2::StringPiece value(text.data() + value_start,
                               value_end - value_start);
  return RE2::FullMatch(value, IsoDateRe());
}

void Emit(const Context& ctx, std::string_view type, size_t start, size_t end) {
  // A trailing '-' or '/' is punctuation ("sak 2024-1234- se vedlegg").
  while (end > start && (ctx.text[end - 1] == '-' || ctx.text[end - 1] == '/'))
    --end;
  if (end - start < 3 || LooksLikeAmountOrDate(ctx.text, start, end)) return;
  std::string value;
  for (char c : ctx.text.substr(start, end - start)) {
    if (c != ' ') value.push_back(c);
  }
  ctx.Add(type, std::move(value), true, start, end, "", kPrioLabelledNumber);
}

// After a bare reference label, 6-25 digits whose check holds are a payment
// reference: an OCR-referens in Swedish context (language, bankgiro, plusgiro),
// a KID in Norwegian context; anything else stays a case number. Returns true
// when it emitted a reference.
bool EmitGenericReference(const Context& ctx, size_t start, size_t end) {
  const std::string_view raw = ctx.text.substr(start, end - start);
  const std::string digits = DigitsOf(raw);
  if (digits.size() < 6 || digits.size() > 25) return false;
  for (char c : raw) {
    if (c != ' ' && (c < '0' || c > '9')) return false;
  }
  const std::string_view lang = LanguageOf(ctx);
  const bool swedish =
      lang == "sv" || ctx.Mentions("bankgiro") || ctx.Mentions("plusgiro");
  const bool norwegian = lang == "nb" || ctx.Mentions("kid");
  if (swedish && refs::IsSwedishOcrValid(digits, false)) {
    ctx.Add(kOcrReference, digits, true, start, end,
            refs::IsSwedishOcrValid(digits, true) ? "luhn+length" : "luhn",
            kPrioLabelledNumber);
    return true;
  }
  if (!swedish && norwegian) {
    const bool m10 = refs::IsLuhnValid(digits);
    const bool m11 = refs::IsMod11Valid(digits, /*allow_minus=*/false);
    if (!m10 && !m11) return false;
    ctx.Add(kKid, digits, true, start, end,
            m10 && m11 ? "mod10+mod11"
            : m10      ? "mod10"
                       : "mod11",
            kPrioLabelledNumber);
    return true;
  }
  return false;
}

void RunPattern(const Context& ctx, const RE2& re, std::string_view type,
                bool generic_reference = false) {
  ForEachMatch(re, ctx.text, [&](const std::vector<re2::StringPiece>& g) {
    if (g[1].data() == nullptr || g[1].empty()) return;
    size_t start = Offset(ctx.text, g[1]);
    size_t end = start + g[1].size();
    if (generic_reference && EmitGenericReference(ctx, start, end)) return;
    Emit(ctx, type, start, end);
    const re2::StringPiece whole(ctx.text.data(), ctx.text.size());
    for (int guard = 0; guard < 50; ++guard) {
      re2::StringPiece groups[2];
      if (!ContinuationRe().Match(whole, end, ctx.text.size(),
                                  RE2::ANCHOR_START, groups, 2))
        break;
      start = Offset(ctx.text, groups[1]);
      end = start + groups[1].size();
      Emit(ctx, type, start, end);
    }
  });
}

}  // namespace

void ExtractLabelledNumbers(const Context& ctx) {
  const ExtractOptions& o = *ctx.options;
  if (o.use_default_patterns) {
    RunPattern(ctx, DefaultInvoiceRe(), kInvoiceNumber);
    RunPattern(ctx, DefaultCaseRe(), kCaseNumber);
    RunPattern(ctx, GenericRefRe(), kCaseNumber, /*generic_reference=*/true);
  }
  for (const std::string& p : o.invoice_patterns) {
    if (auto re = CompiledUserPattern(p)) RunPattern(ctx, *re, kInvoiceNumber);
  }
  for (const std::string& p : o.case_patterns) {
    if (auto re = CompiledUserPattern(p)) RunPattern(ctx, *re, kCaseNumber);
  }
}

}  // namespace purr::extract::internal

namespace purr::extract {

std::vector<std::string> ValidatePatterns(const ExtractOptions& options) {
  std::vector<std::string> errors;
  auto check = [&](const std::vector<std::string>& patterns,
                   std::string_view field) {
    for (size_t i = 0; i < patterns.size(); ++i) {
      RE2::Options opts;
      opts.set_log_errors(false);
      RE2 re(patterns[i], opts);
      std::string where = std::string(field) + "[" + std::to_string(i) + "]: ";
      if (!re.ok()) {
        errors.push_back(where + re.error());
      } else if (re.NumberOfCapturingGroups() != 1) {
        errors.push_back(where + "needs exactly one capturing group, has " +
                         std::to_string(re.NumberOfCapturingGroups()));
      }
    }
  };
  check(options.invoice_patterns, "invoice_patterns");
  check(options.case_patterns, "case_patterns");
  return errors;
}

}  // namespace purr::extract
