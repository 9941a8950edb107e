#include "store/text_index.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <map>
#include <set>

namespace purr::store::internal {
namespace {

enum class Kind { kSeparator, kWord, kMark };

Kind KindOf(UChar32 c) {
  switch (u_charType(c)) {
    case U_UPPERCASE_LETTER: case U_LOWERCASE_LETTER: case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER: case U_OTHER_LETTER: case U_DECIMAL_DIGIT_NUMBER:
    case U_LETTER_NUMBER: case U_OTHER_NUMBER: case U_PRIVATE_USE_CHAR:
      return Kind::kWord;
    case U_NON_SPACING_MARK: case U_COMBINING_SPACING_MARK: case U_ENCLOSING_MARK:
      return Kind::kMark;
    default:
      return Kind::kSeparator;
  }
}

void AppendUtf8(UChar32 c, std::string* out) {
  char buf[4];
  int32_t n = 0;
  UBool error = false;
  U8_APPEND(buf, n, 4, c, error);
  if (!error) out->append(buf, static_cast<size_t>(n));
}

// One letter or digit, lower-cased, without the marks its canonical decomposition adds.
void AppendFolded(UChar32 c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c));
    return;
  }
  c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  icu::UnicodeString decomposed;
  if (U_FAILURE(status) || !nfd->getDecomposition(c, decomposed)) {
    AppendUtf8(c, out);
    return;
  }
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 d = decomposed.char32At(i);
    i += U16_LENGTH(d);
    if (KindOf(d) != Kind::kMark) AppendUtf8(d, out);
  }
}

// A lexeme quoted for tsvector and tsquery input.
void AppendQuoted(const std::string& word, std::string* out) {
  out->push_back('\'');
  for (char c : word) {
    if (c == '\'' || c == '\\') out->push_back(c == '\'' ? '\'' : '\\');
    out->push_back(c);
  }
  out->push_back('\'');
}

// PostgreSQL's limits: a lexeme under 2 KB, positions 1..16383, 256 of them a lexeme.
constexpr size_t kMaxLexemeBytes = 2046;
constexpr int kMaxPosition = 16383;
constexpr size_t kMaxPositionsPerWord = 256;

}  // namespace

std::vector<IndexWord> IndexWords(std::string_view text) {
  std::vector<IndexWord> out;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  IndexWord word;
  bool in_word = false;
  for (int32_t i = 0; i < length;) {
    const int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    const Kind kind = c < 0 ? Kind::kSeparator : KindOf(c);
    if (kind == Kind::kSeparator || (kind == Kind::kMark && !in_word)) {
      if (in_word) {
        out.push_back(std::move(word));
        word = IndexWord();
        in_word = false;
      }
      continue;
    }
    if (!in_word) {
      word.begin = static_cast<size_t>(start);
      in_word = true;
    }
    if (kind == Kind::kWord) AppendFolded(c, &word.folded);
    word.end = static_cast<size_t>(i);
  }
  if (in_word) out.push_back(std::move(word));
  return out;
}

std::string TsVectorLiteral(std::string_view file, std::string_view text) {
  std::map<std::string, std::vector<int>> positions;
  int position = 0;
  auto add = [&](std::string_view part) {
    for (IndexWord& w : IndexWords(part)) {
      position = std::min(position + 1, kMaxPosition);
      if (w.folded.empty() || w.folded.size() > kMaxLexemeBytes) continue;
      std::vector<int>& at = positions[w.folded];
      if (at.size() < kMaxPositionsPerWord) at.push_back(position);
    }
  };
  add(file);
  position = std::min(position + 8, kMaxPosition);
  add(text);
  std::string out;
  for (const auto& [word, at] : positions) {
    if (!out.empty()) out.push_back(' ');
    AppendQuoted(word, &out);
    for (size_t i = 0; i < at.size(); ++i) {
      out.push_back(i == 0 ? ':' : ',');
      out += std::to_string(at[i]);
    }
  }
  return out;
}

std::string TsQueryLiteral(const TextQuery& query) {
  std::string out;
  for (const TextTerm& term : query.terms) {
    std::vector<IndexWord> words = IndexWords(term.text);
    std::string phrase;
    for (size_t i = 0; i < words.size(); ++i) {
      if (words[i].folded.empty() || words[i].folded.size() > kMaxLexemeBytes) continue;
      if (!phrase.empty()) phrase += " <-> ";
      AppendQuoted(words[i].folded, &phrase);
      if (term.prefix && i + 1 == words.size()) phrase += ":*";
    }
    if (phrase.empty()) continue;
    if (!out.empty()) out += " & ";
    out += "( " + phrase + " )";
  }
  return out;
}

std::string Snippet(std::string_view text, const TextQuery& query, int words) {
  std::set<std::string> exact;
  std::vector<std::string> prefixes;
  for (const TextTerm& term : query.terms) {
    std::vector<IndexWord> ws = IndexWords(term.text);
    for (size_t i = 0; i < ws.size(); ++i) {
      if (term.prefix && i + 1 == ws.size()) {
        prefixes.push_back(ws[i].folded);
      } else {
        exact.insert(ws[i].folded);
      }
    }
  }
  auto hits = [&](const std::string& w) {
    if (exact.count(w)) return true;
    for (const std::string& p : prefixes) {
      if (w.compare(0, p.size(), p) == 0) return true;
    }
    return false;
  };
  const std::vector<IndexWord> all = IndexWords(text);
  if (all.empty()) return "";
  size_t first = 0;
  while (first < all.size() && !hits(all[first].folded)) ++first;
  if (first == all.size()) first = 0;
  const size_t count = static_cast<size_t>(std::max(words, 1));
  size_t from = first > count / 3 ? first - count / 3 : 0;
  const size_t to = std::min(all.size(), from + count);
  if (to - from < count) from = to > count ? to - count : 0;
  std::string out;
  if (from > 0) out += "\u2026";
  for (size_t i = from; i < to; ++i) {
    // The text between words as written, up to the next word.
    if (i > from) out.append(text.substr(all[i - 1].end, all[i].begin - all[i - 1].end));
    const std::string_view w = text.substr(all[i].begin, all[i].end - all[i].begin);
    if (hits(all[i].folded)) {
      out += "\u00ab";
      out.append(w);
      out += "\u00bb";
    } else {
      out.append(w);
    }
  }
  if (to < all.size()) out += "\u2026";
  return out;
}

}  // namespace purr::store::internal
