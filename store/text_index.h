// The letters' full-text index where the database does not tokenise (internal to store/):
// PostgreSQL's tsvector and tsquery are built here, from words split and folded the way the
// SQLite index (FTS5 unicode61, remove_diacritics 2) splits and folds them, so a search finds
// the same letters on both backends.
//
// A word is a run of letters and digits; anything else separates. Folding lower-cases and
// drops combining marks after canonical decomposition: "Ålesund" is "alesund", while "æ" and
// "ø" (letters without a decomposition) stay themselves.
#ifndef PURR_STORE_TEXT_INDEX_H_
#define PURR_STORE_TEXT_INDEX_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "store/text_query.h"

namespace purr::store::internal {

struct IndexWord {
  std::string folded;
  size_t begin = 0, end = 0;  // the word's bytes in the text
};

std::vector<IndexWord> IndexWords(std::string_view text);

// A tsvector literal of the file name's words, then the text's (a gap between them, so no
// phrase spans both); at most 256 positions a word, as PostgreSQL keeps.
std::string TsVectorLiteral(std::string_view file, std::string_view text);

// A tsquery literal: each term's words as a phrase (<->), the last a prefix (:*) when the
// term is; terms joined by &. Empty when no term has a word (nothing can match).
std::string TsQueryLiteral(const TextQuery& query);

// A few words of `text` around its first hit, hits between « and », "…" where text was left
// out; a word hits when it is a word of the query (or starts with a prefix term's last word).
std::string Snippet(std::string_view text, const TextQuery& query, int words);

}  // namespace purr::store::internal

#endif  // PURR_STORE_TEXT_INDEX_H_
