// What a person types to search the letters' text, parsed into terms every backend can
// turn into its own full-text query (SQLite FTS5 today; PostgreSQL's tsquery later).
//
//   kari nordmann          both words, anywhere in the letter
//   "betalings plan"       the words next to each other, in this order
//   KID-1234-5             one term: its words ("kid" "1234" "5") as a phrase
//   nordm*                 words starting with "nordm"
//
// Every term must occur (AND). Case and diacritics do not matter (the index folds them).
// Operators of the backends' own syntaxes (AND, OR, NOT, NEAR, column filters, parentheses)
// are plain words here: any text is safe to search for.
#ifndef PURR_STORE_TEXT_QUERY_H_
#define PURR_STORE_TEXT_QUERY_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace purr::store {

struct TextTerm {
  // As typed, without quotes and the prefix star. The backend splits it into words the way
  // its index does (letters and digits; anything else separates) and, when it holds more
  // than one, searches them as a phrase.
  std::string text;
  bool prefix = false;  // the last word is a prefix
};

struct TextQuery {
  std::vector<TextTerm> terms;
};

// Errors: nothing searchable (no letter or digit), an unclosed quote, more than 32 terms, a
// query longer than 1,000 bytes.
Result<TextQuery> ParseTextQuery(std::string_view text);

}  // namespace purr::store

#endif  // PURR_STORE_TEXT_QUERY_H_
