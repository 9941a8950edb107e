// libFuzzer target: the letters' full-text search on any text and any query: the query
// parser (store/text_query.h), and the words, tsvector, tsquery and snippet that the
// PostgreSQL store makes from them (store/text_index.h). Word spans stay inside the text and
// on character boundaries; a snippet of valid UTF-8 is valid UTF-8; literals never hold an
// unescaped quote.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/text_index.h"
#include "store/text_query.h"

namespace {

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// Every ' inside a quoted lexeme is doubled: the quotes outside lexemes pair up.
void CheckQuotes(const std::string& literal) {
  bool inside = false;
  for (size_t i = 0; i < literal.size(); ++i) {
    if (literal[i] == '\\' && inside) {
      ++i;
      continue;
    }
    if (literal[i] != '\'') continue;
    if (inside && i + 1 < literal.size() && literal[i + 1] == '\'') {
      ++i;
      continue;
    }
    inside = !inside;
  }
  if (inside) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16384) return 0;
  const std::string input(reinterpret_cast<const char*>(data), size);
  // The first line is the query, the rest the letter's text.
  const size_t newline = input.find('\n');
  const std::string query_text = input.substr(0, newline);
  const std::string text = newline == std::string::npos ? input : input.substr(newline + 1);
  for (const purr::store::internal::IndexWord& w : purr::store::internal::IndexWords(text)) {
    if (w.begin >= w.end || w.end > text.size()) __builtin_trap();
    if (ValidUtf8(text) && !ValidUtf8(std::string_view(text).substr(w.begin, w.end - w.begin))) {
      __builtin_trap();
    }
  }
  CheckQuotes(purr::store::internal::TsVectorLiteral(query_text, text));
  purr::Result<purr::store::TextQuery> query = purr::store::ParseTextQuery(query_text);
  if (!query.ok()) return 0;
  CheckQuotes(purr::store::internal::TsQueryLiteral(*query));
  const std::string snippet = purr::store::internal::Snippet(text, *query, 12);
  if (ValidUtf8(text) && !ValidUtf8(snippet)) __builtin_trap();
  return 0;
}
