// Language identification (internal to classify/): nb, nn, sv, da, en or unknown.
//
// Three signals are mixed: the model's character n-gram language classifier (when a model
// is loaded), counts of words that only one of the languages uses (hva/hvad, etter/efter,
// inte/ikke, eg/ikkje for Nynorsk), and CLD2. Norwegian vs Danish rests on the first two;
// CLD2 alone confuses them on short letters.
#ifndef PURR_CLASSIFY_LANGUAGE_H_
#define PURR_CLASSIFY_LANGUAGE_H_

#include <array>
#include <string_view>

#include "classify/classify.h"

namespace purr::classify {

// `lowered` is Lower(text); `model` is the model's language distribution indexed by
// Language, or null without a model.
LanguageResult DetectLanguage(std::string_view lowered, const std::array<double, 6>* model);

}  // namespace purr::classify

#endif  // PURR_CLASSIFY_LANGUAGE_H_
