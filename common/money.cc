#include "common/money.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace purr {
namespace {

struct CurrencyEntry {
  const char code[4];
  int exponent;
};

// ISO 4217 active codes (list of 2024) with their minor-unit exponents. Codes with an
// exponent other than 2 are the ones that matter; the rest make unknown codes detectable.
constexpr CurrencyEntry kCurrencies[] = {
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2},
    {"AUD", 2}, {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2},
    {"BHD", 3}, {"BIF", 0}, {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BRL", 2}, {"BSD", 2},
    {"BTN", 2}, {"BWP", 2}, {"BYN", 2}, {"BZD", 2}, {"CAD", 2}, {"CDF", 2}, {"CHF", 2},
    {"CLF", 4}, {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"CRC", 2}, {"CUP", 2}, {"CVE", 2},
    {"CZK", 2}, {"DJF", 0}, {"DKK", 2}, {"DOP", 2}, {"DZD", 2}, {"EGP", 2}, {"ERN", 2},
    {"ETB", 2}, {"EUR", 2}, {"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2},
    {"GIP", 2}, {"GMD", 2}, {"GNF", 0}, {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2},
    {"HTG", 2}, {"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2},
    {"ISK", 0}, {"JMD", 2}, {"JOD", 3}, {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KHR", 2},
    {"KMF", 0}, {"KPW", 2}, {"KRW", 0}, {"KWD", 3}, {"KYD", 2}, {"KZT", 2}, {"LAK", 2},
    {"LBP", 2}, {"LKR", 2}, {"LRD", 2}, {"LSL", 2}, {"LYD", 3}, {"MAD", 2}, {"MDL", 2},
    {"MGA", 2}, {"MKD", 2}, {"MMK", 2}, {"MNT", 2}, {"MOP", 2}, {"MRU", 2}, {"MUR", 2},
    {"MVR", 2}, {"MWK", 2}, {"MXN", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2}, {"NGN", 2},
    {"NIO", 2}, {"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2},
    {"PGK", 2}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2},
    {"RSD", 2}, {"RUB", 2}, {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2},
    {"SEK", 2}, {"SGD", 2}, {"SHP", 2}, {"SLE", 2}, {"SLL", 2}, {"SOS", 2}, {"SRD", 2},
    {"SSP", 2}, {"STN", 2}, {"SVC", 2}, {"SYP", 2}, {"SZL", 2}, {"THB", 2}, {"TJS", 2},
    {"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2}, {"TTD", 2}, {"TWD", 2}, {"TZS", 2},
    {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"UYI", 0}, {"UYU", 2}, {"UYW", 4}, {"UZS", 2},
    {"VES", 2}, {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0}, {"XCD", 2}, {"XOF", 0},
    {"XPF", 0}, {"YER", 2}, {"ZAR", 2}, {"ZMW", 2}, {"ZWL", 2},
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Length of a blank at s[i]: ASCII space or tab, U+00A0, U+202F (as UTF-8); 0 if none.
size_t BlankLength(std::string_view s, size_t i) {
  if (s[i] == ' ' || s[i] == '\t') return 1;
  if (s.substr(i, 2) == "\xC2\xA0") return 2;
  if (s.substr(i, 3) == "\xE2\x80\xAF") return 3;
  return 0;
}

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty()) {
    size_t n = BlankLength(s, 0);
    if (n == 0) break;
    s.remove_prefix(n);
  }
  while (!s.empty()) {
    size_t n = 0;
    for (size_t len : {size_t{1}, size_t{2}, size_t{3}}) {
      if (len <= s.size() && BlankLength(s, s.size() - len) == len) n = len;
    }
    if (n == 0) break;
    s.remove_suffix(n);
  }
  return s;
}

Status Invalid(std::string_view text, std::string_view why) {
  return Status::InvalidInput("amount \"" + std::string(text) + "\": " + std::string(why));
}

// Reduces the amount to digits, '.', ',' and 'g' (any blank or apostrophe, a group mark).
Result<std::string> Lex(std::string_view body, std::string_view text) {
  std::string out;
  for (size_t i = 0; i < body.size();) {
    char c = body[i];
    if (IsDigit(c) || c == '.' || c == ',') {
      out.push_back(c);
      ++i;
    } else if (size_t n = BlankLength(body, i); n > 0) {
      out.push_back('g');
      i += n;
    } else if (c == '\'') {
      out.push_back('g');
      ++i;
    } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      return Invalid(text, "contains a letter");
    } else {
      return Invalid(text, "contains an unexpected character");
    }
  }
  return out;
}

// Picks the decimal separator ('.', ',' or 0 for none) of an inferred-syntax amount.
Result<char> InferDecimal(const std::string& lexed, std::string_view text, bool grouping) {
  size_t last_dot = lexed.rfind('.'), last_comma = lexed.rfind(',');
  size_t dots = std::count(lexed.begin(), lexed.end(), '.');
  size_t commas = std::count(lexed.begin(), lexed.end(), ',');
  if (dots == 0 && commas == 0) return char{0};
  if (dots > 0 && commas > 0) return last_dot > last_comma ? '.' : ',';
  char sep = dots > 0 ? '.' : ',';
  if (!grouping) return sep;
  if (dots + commas > 1) return char{0};  // "1.234.567": grouping only
  size_t pos = dots > 0 ? last_dot : last_comma;
  size_t after = lexed.size() - pos - 1;
  if (after != 3) return sep;
  std::string_view before(lexed.data(), pos);
  if (before.empty() || before == "0" || before.find('g') != std::string_view::npos) return sep;
  return Invalid(text, std::string("ambiguous separator '") + sep +
                           "' (thousands or decimal?); the decimal separator must be given");
}

// Removes group separators from an integer part, checking that groups are 3 digits.
Result<std::string> Ungroup(std::string_view part, char group_a, std::string_view text) {
  std::string digits;
  char group_char = 0;
  size_t group_len = 0;
  bool first_group = true;
  for (char c : part) {
    if (IsDigit(c)) {
      digits.push_back(c);
      ++group_len;
      continue;
    }
    if (c != 'g' && c != group_a) return Invalid(text, "misplaced separator");
    if (group_char != 0 && c != group_char) return Invalid(text, "mixed group separators");
    group_char = c;
    if (group_len == 0 || (first_group ? group_len > 3 : group_len != 3)) {
      return Invalid(text, "digit groups must have three digits");
    }
    first_group = false;
    group_len = 0;
  }
  if (group_char != 0 && group_len != 3) {
    return Invalid(text, "digit groups must have three digits");
  }
  return digits;
}

}  // namespace

std::optional<int> CurrencyExponent(std::string_view code) {
  for (const CurrencyEntry& entry : kCurrencies) {
    if (code == entry.code) return entry.exponent;
  }
  return std::nullopt;
}

Result<int64_t> ParseAmountMinor(std::string_view text, int exponent, AmountSyntax syntax) {
  std::string_view body = TrimBlanks(text);
  bool negative = false;
  if (!body.empty() && (body.front() == '-' || body.front() == '+')) {
    negative = body.front() == '-';
    body.remove_prefix(1);
  } else if (!body.empty() && body.back() == '-') {
    negative = true;
    body.remove_suffix(1);
    body = TrimBlanks(body);
  }
  if (body.empty()) return Invalid(text, "no digits");
  Result<std::string> lexed = Lex(body, text);
  if (!lexed.ok()) return lexed.status();
  char decimal = syntax.decimal_separator;
  if (decimal == 0) {
    Result<char> inferred = InferDecimal(*lexed, text, syntax.allow_grouping);
    if (!inferred.ok()) return inferred.status();
    decimal = *inferred;
  }
  std::string_view all(*lexed);
  size_t dec_pos = decimal == 0 ? std::string_view::npos : all.find(decimal);
  if (dec_pos != std::string_view::npos && all.find(decimal, dec_pos + 1) != all.npos) {
    return Invalid(text, "more than one decimal separator");
  }
  std::string_view int_part = all.substr(0, dec_pos);
  std::string_view frac_part =
      dec_pos == std::string_view::npos ? std::string_view() : all.substr(dec_pos + 1);
  char group_a = 0;
  if (syntax.allow_grouping) group_a = decimal == ',' ? '.' : (decimal == '.' ? ',' : 0);
  if (!syntax.allow_grouping && int_part.find('g') != std::string_view::npos) {
    return Invalid(text, "contains a blank");
  }
  std::string digits;
  if (group_a == 0 && decimal == 0 && syntax.allow_grouping) {
    // No decimal separator: whichever of ',' '.' occurs is grouping.
    group_a = int_part.find(',') != int_part.npos ? ',' : '.';
  }
  Result<std::string> ungrouped = Ungroup(int_part, syntax.allow_grouping ? group_a : 0, text);
  if (!ungrouped.ok()) return ungrouped.status();
  digits = *ungrouped;
  for (char c : frac_part) {
    if (!IsDigit(c)) return Invalid(text, "separator in the decimals");
  }
  if (digits.empty() && frac_part.empty()) return Invalid(text, "no digits");
  std::string_view frac = frac_part;
  while (frac.size() > static_cast<size_t>(exponent) && frac.back() == '0') frac.remove_suffix(1);
  if (frac.size() > static_cast<size_t>(exponent)) {
    return Invalid(text, "more decimals than the currency has (" + std::to_string(exponent) + ")");
  }
  std::string all_digits = digits + std::string(frac) + std::string(exponent - frac.size(), '0');
  int64_t value = 0;
  for (char c : all_digits) {
    if (__builtin_mul_overflow(value, int64_t{10}, &value) ||
        __builtin_add_overflow(value, int64_t{c - '0'}, &value)) {
      return Invalid(text, "too large");
    }
  }
  return negative ? -value : value;
}

std::string FormatMinor(int64_t minor, int exponent) {
  bool negative = minor < 0;
  // Work on the unsigned magnitude so INT64_MIN is formatted correctly.
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
  std::string digits = std::to_string(magnitude);
  if (exponent > 0) {
    if (digits.size() <= static_cast<size_t>(exponent)) {
      digits.insert(0, exponent + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - exponent, 1, '.');
  }
  return negative ? "-" + digits : digits;
}

}  // namespace purr
