#include "classify/normalize.h"

#include <unicode/bytestream.h>
#include <unicode/casemap.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <string>
#include <vector>

namespace purr::classify {
namespace {

// Letters that NFD does not take apart but OCR and writers spell without their marks.
// æ becomes "a" rather than "ae": Tesseract reads it as 'a' or 'æ', rarely as "ae".
UChar32 FoldLetter(UChar32 c) {
  switch (c) {
    case 0x00F8: return 'o';  // ø
    case 0x00E6: return 'a';  // æ
    case 0x0153: return 'o';  // œ
    case 0x0111: case 0x00F0: return 'd';  // đ ð
    case 0x0142: return 'l';  // ł
    case 0x0131: return 'i';  // dotless i
    case 0x2018: case 0x2019: case 0x201A: case 0x2032: return '\'';
    case 0x201C: case 0x201D: case 0x201E: case 0x00AB: case 0x00BB: return '"';
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2212: return '-';
    case 0x00A0: case 0x2007: case 0x202F: return ' ';
    default: return c;
  }
}

void AppendUtf8(UChar32 c, std::string* out) {
  char buf[4];
  int32_t n = 0;
  UBool error = false;
  U8_APPEND(reinterpret_cast<uint8_t*>(buf), n, 4, c, error);
  if (!error) out->append(buf, static_cast<size_t>(n));
}

// Appends the folded form of one code point (possibly several, e.g. "ss" for ß).
void FoldWithIcu(UChar32 c, const icu::Normalizer2* nfd, std::string* out) {
  icu::UnicodeString decomposed;
  if (nfd == nullptr || !nfd->getDecomposition(c, decomposed)) decomposed = icu::UnicodeString(c);
  icu::UnicodeString folded = decomposed.foldCase();
  for (int32_t i = 0; i < folded.length();) {
    UChar32 d = folded.char32At(i);
    i += U16_LENGTH(d);
    if (u_charType(d) == U_NON_SPACING_MARK) continue;
    AppendUtf8(FoldLetter(d), out);
  }
}

const icu::Normalizer2* NfdInstance() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  return U_SUCCESS(status) ? nfd : nullptr;
}

// Code points below this are folded once, into a table: Latin, Greek and Cyrillic letters
// then cost a lookup instead of an ICU decomposition and case fold each.
constexpr UChar32 kFoldTableSize = 0x800;

void FoldCodePoint(UChar32 c, const icu::Normalizer2* nfd, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    return;
  }
  if (c < kFoldTableSize) {
    static const auto* table = [] {
      auto* t = new std::vector<std::string>(kFoldTableSize);
      const icu::Normalizer2* table_nfd = NfdInstance();
      for (UChar32 d = 0x80; d < kFoldTableSize; ++d) FoldWithIcu(d, table_nfd, &(*t)[d]);
      return t;
    }();
    out->append((*table)[static_cast<size_t>(c)]);
    return;
  }
  FoldWithIcu(c, nfd, out);
}

bool IsSpace(UChar32 c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

bool IsAsciiLetter(char c) { return c >= 'a' && c <= 'z'; }

// After a hyphen ending at byte `after`: if it ends a line and a lowercase letter continues
// the word on the next line, returns the offset of that letter; otherwise 0.
size_t HyphenContinuation(std::string_view s, size_t after) {
  size_t i = after;
  while (i < s.size() && IsSpace(static_cast<unsigned char>(s[i]))) ++i;
  if (i >= s.size() || s[i] != '\n') return 0;
  ++i;
  while (i < s.size() && IsSpace(static_cast<unsigned char>(s[i]))) ++i;
  if (i >= s.size()) return 0;
  int32_t j = static_cast<int32_t>(i);
  UChar32 next = 0;
  U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), j, static_cast<int32_t>(s.size()), next);
  return next > 0 && u_islower(next) ? i : 0;
}

// OCR reads o as 0 and l as 1 or |; inside a word of letters they are put back.
void RepairDigitConfusions(std::string* text) {
  std::string& t = *text;
  for (size_t i = 1; i + 1 < t.size(); ++i) {
    char c = t[i];
    if (c != '0' && c != '1' && c != '|') continue;
    if (!IsAsciiLetter(t[i - 1]) || !IsAsciiLetter(t[i + 1])) continue;
    t[i] = c == '0' ? 'o' : 'l';
  }
}

}  // namespace

Span FoldedText::ToOriginal(size_t start, size_t end) const {
  if (origin.empty() || start >= origin.size()) return {original_size, original_size};
  Span span{origin[start], original_size};
  if (end < origin.size()) {
    // The end is where the next folded character came from; a match ending inside a
    // character folded to several bytes (ß -> ss) extends to that character's end.
    span.end = origin[end];
    if (span.end <= span.start) span.end = span.start + 1;
  }
  return span;
}

FoldedText Fold(std::string_view original) {
  FoldedText out;
  out.original_size = original.size();
  out.text.reserve(original.size());
  out.origin.reserve(original.size());
  const icu::Normalizer2* nfd = NfdInstance();
  const auto* bytes = reinterpret_cast<const uint8_t*>(original.data());
  const int32_t length = static_cast<int32_t>(original.size());
  int32_t i = 0;
  int newlines = 0;
  while (i < length) {
    const int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c == 0xAD) continue;  // soft hyphen
    // In ASCII, Unicode's white space is exactly IsSpace and '\n'.
    const bool space = c < 0x80 ? IsSpace(c) || c == '\n'
                                : u_isUWhiteSpace(c) || FoldLetter(c) == ' ';
    if (c < 0 || c == 0 || space) {
      // A run of white space becomes one space, or '\n' when it holds a blank line (a
      // paragraph break, which ends a sentence for negation checks).
      newlines += c == '\n';
      if (out.text.empty()) continue;
      if (out.text.back() != ' ' && out.text.back() != '\n') {
        out.text.push_back(' ');
        out.origin.push_back(static_cast<uint32_t>(start));
      }
      if (newlines >= 2) out.text.back() = '\n';
      continue;
    }
    newlines = 0;
    // A blank line inside a sentence (OCR breaks paragraphs where the page has none: "Jag
    // bestrider kravet eftersom\n\nhörapparaten ...") is a space: the text after it starts
    // in lower case and the text before it does not end a sentence.
    if (out.text.size() >= 2 && out.text.back() == '\n' && u_islower(c) &&
        std::string_view(".!?:;").find(out.text[out.text.size() - 2]) == std::string_view::npos) {
      out.text.back() = ' ';
    }
    if ((c == '-' || FoldLetter(c) == '-') && !out.text.empty() &&
        (IsAsciiLetter(out.text.back()) || static_cast<unsigned char>(out.text.back()) >= 0x80)) {
      size_t next = HyphenContinuation(original, static_cast<size_t>(i));
      if (next != 0) {
        i = static_cast<int32_t>(next);
        continue;
      }
    }
    FoldCodePoint(c, nfd, &out.text);
    out.origin.resize(out.text.size(), static_cast<uint32_t>(start));
  }
  RepairDigitConfusions(&out.text);
  return out;
}

std::string FoldPattern(std::string_view pattern) {
  std::string out;
  const icu::Normalizer2* nfd = NfdInstance();
  const auto* bytes = reinterpret_cast<const uint8_t*>(pattern.data());
  const int32_t length = static_cast<int32_t>(pattern.size());
  int32_t i = 0;
  while (i < length) {
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) continue;
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      FoldCodePoint(c, nfd, &out);
    }
  }
  return out;
}

std::string Lower(std::string_view original) {
  if (IsValidUtf8(original)) {
    // Straight on the UTF-8, without the round trip through UTF-16 (the same result).
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
    const icu::StringPiece piece(original.data(), static_cast<int32_t>(original.size()));
    std::string composed;
    icu::StringPiece source = piece;
    if (U_SUCCESS(status) && !nfc->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) {
      icu::StringByteSink<std::string> sink(&composed);
      nfc->normalizeUTF8(0, piece, sink, nullptr, status);
      if (U_SUCCESS(status)) source = icu::StringPiece(composed.data(), static_cast<int32_t>(composed.size()));
    }
    std::string out;
    out.reserve(static_cast<size_t>(source.size()));
    icu::StringByteSink<std::string> sink(&out);
    status = U_ZERO_ERROR;
    icu::CaseMap::utf8Fold(0, source, sink, nullptr, status);
    if (U_SUCCESS(status)) return out;
  }
  // Ill-formed UTF-8: ICU's UTF-16 conversion replaces the bad bytes with U+FFFD.
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(original.data(), static_cast<int32_t>(original.size())));
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_SUCCESS(status)) {
    icu::UnicodeString normalized = nfc->normalize(text, status);
    if (U_SUCCESS(status)) text = normalized;
  }
  std::string out;
  text.foldCase().toUTF8String(out);
  return out;
}

bool IsValidUtf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < length) {
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

}  // namespace purr::classify
