// Decimal amounts as integer minor units, without floating point.
//
// Bank files write amounts in many notations: "8.850" (XML decimal), "12.345,67" and
// "12 345,67" (Nordic), "1,249.50" (English), "2700", "-200.00", "200.00-". ParseAmountMinor
// reads them exactly into an int64 count of the currency's minor units (øre, cents).
//
// Thread safety: pure functions.
#ifndef PURR_COMMON_MONEY_H_
#define PURR_COMMON_MONEY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace purr {

// ISO 4217 minor-unit exponent (NOK 2, JPY 0, KWD 3); nullopt for a code not in the table.
// REQUIRES: code is the three upper-case letters.
std::optional<int> CurrencyExponent(std::string_view code);

struct AmountSyntax {
  // ',' or '.'; 0 = infer. Inference takes the last of ',' and '.' as the decimal separator
  // when both occur, and refuses a single separator followed by exactly three digits
  // ("1,249", "1.249") as ambiguous unless the integer part is 0.
  char decimal_separator = 0;
  // Allow digit-group separators (the other of ',' '.', spaces incl. U+00A0/U+202F, '\'').
  // Groups must then be three digits. Off for XML decimals.
  bool allow_grouping = true;
};

// Parses `text` (surrounding blanks ignored; optional leading '+'/'-' or trailing '-') into
// minor units of a currency with `exponent` decimals. Errors (kInvalidInput, message quotes
// the text): empty, letters or other characters, misplaced separators, ambiguous separator,
// more significant decimals than the currency has ("1.005" for NOK; "8.850" is fine),
// overflow of int64. REQUIRES: 0 <= exponent <= 6.
Result<int64_t> ParseAmountMinor(std::string_view text, int exponent, AmountSyntax syntax = {});

// "-1234.50" for (-123450, 2); "500" for (500, 0).
std::string FormatMinor(int64_t minor, int exponent);

}  // namespace purr

#endif  // PURR_COMMON_MONEY_H_
