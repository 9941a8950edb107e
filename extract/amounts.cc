// Amounts with a currency in Nordic and English notations, read exactly into
// minor units through common/money.h (never floating point).
#include <cctype>
#include <string>
#include <vector>

#include "common/money.h"
#include "extract/internal.h"

namespace purr::extract::internal {
namespace {

// A number: digit groups of three (blank, NBSP, narrow NBSP, '.', ',' or '\''
// between them) or a plain digit run, with an optional 1-2 digit decimal part.
// It must end a word.
constexpr std::string_view kNum =
    R"(((?:[0-9]{1,3}(?:(?:[ .,']|\x{A0}|\x{202F})[0-9]{3})+|[0-9]+)(?:[.,][0-9]{1,2})?)\b)";
constexpr std::string_view kDash = R"((,-{1,2}|:-|\.-)?)";

// Currency first: "kr 1 249,50", "NOK 12 500", "SEK 3 400:-", "EUR 1,249.50",
// "£120.00".
const RE2& PrefixRe() {
  static const RE2 re(
      std::string(
          R"((?:\b(?i:(nok|sek|dkk|eur|usd|gbp|chf|isk)|(kr|kroner|kronor)\.?)|(£|€|\$))[ \t]?(?:\x{A0})?)") +
          std::string(kNum) + std::string(kDash),
      PatternOptions());
  return re;
}

// Currency after: "1.249,50 kr", "DKK 799,00", "3 400:-", "12.500,-", "120
// euro".
const RE2& SuffixRe() {
  // Either a dash form, optionally followed by a currency, or a currency: a
  // bare number is not matched at all (most numbers in a letter are not
  // amounts; this keeps the scan cheap).
  const std::string currency =
      R"([ \t]?(?:\x{A0})?(?:\b(?i:(nok|sek|dkk|eur|usd|gbp|chf|isk)|(kr|kroner|kronor|kronur|euro|euros|pounds?))\b\.?|(€|£)))";
  static const RE2 re(R"(\b)" + std::string(kNum) +
                          R"((?:(,-{1,2}|:-|\.-)(?:)" + currency + ")?|" +
                          currency + ")",
                      PatternOptions());
  return re;
}

std::string Upper(std::string_view s) {
  std::string u(s);
  for (char& c : u)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

std::string CurrencyOfKr(const Context& ctx, bool colon_dash) {
  if (colon_dash) return "SEK";  // "3 400:-" is Swedish only
  if (!ctx.options->default_currency.empty())
    return ctx.options->default_currency;
  const std::string_view lang = LanguageOf(ctx);
  if (lang == "sv") return "SEK";
  if (lang == "da") return "DKK";
  return "NOK";
}

std::string CurrencyOfWord(std::string_view word) {
  const std::string u = Upper(word);
  if (u.rfind("EURO", 0) == 0) return "EUR";
  if (u.rfind("POUND", 0) == 0) return "GBP";
  return u;
}

std::string CurrencyOfSymbol(std::string_view symbol) {
  if (symbol == "£") return "GBP";
  if (symbol == "€") return "EUR";
  return "USD";
}

// Decides the decimal separator from the shape: the last ',' or '.' is decimal
// when 1-2 digits follow it; otherwise every separator groups thousands ("1.249
// kr" is 1249).
AmountSyntax SyntaxOf(std::string_view num) {
  const size_t last = num.find_last_of(".,");
  if (last == std::string_view::npos) return {',', true};
  const size_t tail = num.size() - last - 1;
  if (tail <= 2) return {num[last], true};
  return {num[last] == '.' ? ',' : '.', true};
}

void Emit(const Context& ctx, const re2::StringPiece& whole,
          const re2::StringPiece& num, const std::string& currency) {
  const std::optional<int> exponent = CurrencyExponent(currency);
  const int exp = exponent ? *exponent : 2;
  Result<int64_t> minor = ParseAmountMinor(View(num), exp, SyntaxOf(View(num)));
  if (!minor.ok()) return;
  const size_t start = Offset(ctx.text, whole);
  size_t end = start + whole.size();
  // "kr." at a sentence end: the dot belongs to the sentence.
  if (end > start && ctx.text[end - 1] == '.') --end;
  ctx.Add(kAmount, std::to_string(*minor), true, start, end, currency,
          kPrioAmount);
}

}  // namespace

void ExtractAmounts(const Context& ctx) {
  ForEachMatch(PrefixRe(), ctx.text,
               [&](const std::vector<re2::StringPiece>& g) {
                 std::string currency;
                 if (!g[1].empty()) {
                   currency = Upper(View(g[1]));
                 } else if (!g[2].empty()) {
                   currency = CurrencyOfKr(ctx, View(g[5]) == ":-");
                 } else {
                   currency = CurrencyOfSymbol(View(g[3]));
                 }
                 Emit(ctx, g[0], g[4], currency);
               });
  ForEachMatch(
      SuffixRe(), ctx.text, [&](const std::vector<re2::StringPiece>& g) {
        const std::string_view dash = View(g[2]);
        // The currency alternatives appear twice (after a dash form, alone):
        // groups 3-5 and 6-8 are code, word and symbol.
        const std::string_view code = !g[3].empty() ? View(g[3]) : View(g[6]);
        const std::string_view word = !g[4].empty() ? View(g[4]) : View(g[7]);
        const std::string_view symbol = !g[5].empty() ? View(g[5]) : View(g[8]);
        std::string currency;
        if (!symbol.empty()) {
          currency = CurrencyOfSymbol(symbol);
        } else if (!code.empty()) {
          currency = Upper(code);
        } else if (!word.empty()) {
          const std::string upper = CurrencyOfWord(word);
          currency = upper.rfind("KR", 0) == 0 ? CurrencyOfKr(ctx, dash == ":-")
                                               : upper;
        } else {
          currency = CurrencyOfKr(
              ctx, dash == ":-");  // "12.500,-" and "3 400:-" mean kroner
        }
        Emit(ctx, g[0], g[1], currency);
      });
}

}  // namespace purr::extract::internal
