// The features the class model reads (internal to classify/): a letter's folded text turned
// into a sparse, L2-normalised vector of hashed features.
//
//   w:<stem>          a word's Snowball stem (libstemmer, the letter's language; English
//                     stems for an unknown language), so "bestrider", "bestridt" and
//                     "bestride" are one feature and new inflections are not new words
//   b:<stem>_<stem>   two neighbouring stems ("min_far", "not_mine")
//   n:<stem>          a stem inside the scope of a negation: up to four words after
//                     ikke/ikkje/inte/ej/icke/not/never/no/aldri/aldrig/ingen..., stopped
//                     by the end of the clause (punctuation, men/but/mens/utan/while)
//   c:<n-gram>        character 4-grams of each word of five letters or more, with the
//                     word's boundaries ('<gjel', 'dsor', 'ing>'): compounds and OCR slips
//   #year, #amount    a four-digit year, a number with a currency or decimal part
//
// Counts are log-scaled (1 + ln n) and the vector normalised to unit length, so a long
// letter and a short one weigh alike. Pure and deterministic; the stemmers are per thread.
#ifndef PURR_CLASSIFY_FEATURES_H_
#define PURR_CLASSIFY_FEATURES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "classify/classify.h"

namespace purr::classify {

// Features live in 2^kFeatureBits hash buckets.
inline constexpr int kFeatureBits = 20;

struct FeatureValue {
  uint32_t index = 0;  // bucket, < 2^kFeatureBits
  float value = 0;
};

struct FeatureVector {
  std::vector<FeatureValue> values;  // sorted by index, no duplicates
};

// The word features of a letter ("w:" and "n:" features) with their bucket and the folded
// word they came from, in text order, for explaining a prediction.
struct WordFeature {
  uint32_t index = 0;
  std::string word;  // the folded word as written
  bool negated = false;
};

// `folded` is Fold(text).text. With `words`, also its word features, from the same pass.
FeatureVector LetterFeatures(std::string_view folded, Language language,
                             std::vector<WordFeature>* words = nullptr);
std::vector<WordFeature> WordFeatures(std::string_view folded, Language language);

// The Snowball stem of a folded word (exposed for tests).
std::string Stem(std::string_view word, Language language);

}  // namespace purr::classify

#endif  // PURR_CLASSIFY_FEATURES_H_
