// Text normalisation for matching (internal to classify/).
//
// Two views of a letter:
//  - Folded: what rules and the model read. NFD-decomposed, case-folded, combining marks
//    dropped and the Nordic letters spelled in ASCII (ø/ö -> o, æ/ä -> a... see kLetterFolds
//    in normalize.cc), because OCR loses exactly those marks; words hyphenated across a line
//    end are rejoined, runs of white space become one space, and digits read for letters
//    inside words (0 -> o, 1/| -> l) are put back. Every byte of the folded text remembers
//    the byte offset of the original character it came from, so matches map back to spans.
//  - Lowered: NFC and case folding only, diacritics kept; what language identification reads.
#ifndef PURR_CLASSIFY_NORMALIZE_H_
#define PURR_CLASSIFY_NORMALIZE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "classify/classify.h"

namespace purr::classify {

struct FoldedText {
  std::string text;               // ASCII-only except letters with no folding
  std::vector<uint32_t> origin;   // origin[i]: byte offset in the original of text[i]
  size_t original_size = 0;

  // Maps [start, end) of `text` back to the original text.
  Span ToOriginal(size_t start, size_t end) const;
};

FoldedText Fold(std::string_view original);

// Folds the literal letters of a rule pattern the way Fold folds text (non-ASCII letters
// only; ASCII, including regex syntax, is left as it is).
std::string FoldPattern(std::string_view pattern);

// NFC + case folding; invalid UTF-8 bytes become U+FFFD.
std::string Lower(std::string_view original);

// True when `text` is valid UTF-8.
bool IsValidUtf8(std::string_view text);

}  // namespace purr::classify

#endif  // PURR_CLASSIFY_NORMALIZE_H_
