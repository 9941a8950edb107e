// Guessing a page's language from a sample of recognised text (internal header), to pick
// the Tesseract model that reads the rest of the page. Pure; no Tesseract involved.
#ifndef PURR_OCR_LANGUAGE_H_
#define PURR_OCR_LANGUAGE_H_

#include <string>
#include <string_view>
#include <vector>

namespace purr::ocr {

struct LanguageGuess {
  std::string model;        // Tesseract model name ("nor", "swe", "dan", "eng"); empty: unsure
  double confidence = 0;    // 0-1: share of the evidence that the winner leads by
  int evidence = 0;         // number of distinctive words and letters seen
};

// Scores the text against the models in `allowed` using distinctive function words and the
// letters that separate the Nordic alphabets (ä ö against æ ø). Returns an empty model when
// the evidence is thin or two candidates are close, except that Norwegian and Danish, which
// share an alphabet and read each other's text equally well, are not considered close to
// each other for this purpose.
LanguageGuess GuessLanguage(std::string_view text, const std::vector<std::string>& allowed);

}  // namespace purr::ocr

#endif  // PURR_OCR_LANGUAGE_H_
