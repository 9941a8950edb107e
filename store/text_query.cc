#include "store/text_query.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

namespace purr::store {
namespace {

constexpr size_t kMaxQueryBytes = 1000;
constexpr size_t kMaxTerms = 32;

// A byte that can be part of a word: an ASCII letter or digit, or any byte of a multi-byte
// UTF-8 character (å, ø, é: the index decides which of those are letters).
bool WordByte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         c >= 0x80;
}

// Whether `text` holds a character the index keeps as part of a word: a letter, a digit or
// another number, or a private-use character (what SQLite's unicode61 tokenizer keeps). A
// term of punctuation and symbols alone ("-", "€") would match no letter at all.
bool HasWord(std::string_view text) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) continue;  // not UTF-8
    switch (u_charType(c)) {
      case U_UPPERCASE_LETTER: case U_LOWERCASE_LETTER: case U_TITLECASE_LETTER:
      case U_MODIFIER_LETTER: case U_OTHER_LETTER: case U_DECIMAL_DIGIT_NUMBER:
      case U_LETTER_NUMBER: case U_OTHER_NUMBER: case U_PRIVATE_USE_CHAR:
        return true;
      default:
        break;
    }
  }
  return false;
}

bool Space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

}  // namespace

Result<TextQuery> ParseTextQuery(std::string_view text) {
  if (text.size() > kMaxQueryBytes) {
    return Status::InvalidInput("the search is longer than " + std::to_string(kMaxQueryBytes) +
                                " bytes");
  }
  TextQuery query;
  size_t i = 0;
  while (i < text.size()) {
    if (Space(text[i])) {
      ++i;
      continue;
    }
    TextTerm term;
    if (text[i] == '"') {
      const size_t close = text.find('"', i + 1);
      if (close == std::string_view::npos) {
        return Status::InvalidInput("a quote is not closed: " + std::string(text.substr(i)));
      }
      term.text = std::string(text.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      const size_t start = i;
      while (i < text.size() && !Space(text[i]) && text[i] != '"') ++i;
      term.text = std::string(text.substr(start, i - start));
    }
    // A star right after the term (inside or after the quotes) makes its last word a prefix.
    if (!term.text.empty() && term.text.back() == '*') {
      term.prefix = true;
      while (!term.text.empty() && term.text.back() == '*') term.text.pop_back();
    } else if (i < text.size() && text[i] == '*') {
      term.prefix = true;
      while (i < text.size() && text[i] == '*') ++i;
    }
    if (term.prefix && !term.text.empty() &&
        !WordByte(static_cast<unsigned char>(term.text.back()))) {
      term.prefix = false;  // "abc-*": nothing to extend
    }
    if (!HasWord(term.text)) continue;  // punctuation alone: nothing to find
    query.terms.push_back(std::move(term));
    if (query.terms.size() > kMaxTerms) {
      return Status::InvalidInput("the search has more than " + std::to_string(kMaxTerms) +
                                  " terms");
    }
  }
  if (query.terms.empty()) {
    return Status::InvalidInput("nothing to search for: give a word, a name or a reference");
  }
  return query;
}

}  // namespace purr::store
