#include "classify/features.h"

#include <libstemmer.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>

#include "classify/hash.h"

namespace purr::classify {
namespace {

constexpr uint32_t kMask = (1u << kFeatureBits) - 1;
constexpr int kNegationReach = 4;

bool IsWordByte(unsigned char c) { return (c >= 'a' && c <= 'z') || c >= 0x80; }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool EndsClause(unsigned char c) {
  return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\n' ||
         c == '(' || c == ')';
}

bool OneOf(std::string_view word, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

bool IsNegator(std::string_view w) {
  return OneOf(w, {"ikke", "ikkje", "inte", "ej", "icke", "not", "never", "no", "nor", "aldri",
                   "aldrig", "ingen", "inga", "inget", "intet", "ingenting", "nothing",
                   "hverken", "varken", "korkje", "neither"});
}

// "don't" folds to "don t": the "t" after one of these is a negation.
bool IsContractionStem(std::string_view w) {
  return OneOf(w, {"don", "didn", "doesn", "isn", "wasn", "haven", "hasn", "hadn", "can", "won",
                   "aren", "weren", "couldn", "shouldn", "wouldn", "ain"});
}

bool IsContrast(std::string_view w) {
  return OneOf(w, {"men", "but", "mens", "utan", "while", "however", "dog", "derimot", "though"});
}

const char* StemmerName(Language language) {
  switch (language) {
    case Language::kNb:
    case Language::kNn:
      return "norwegian";
    case Language::kSv:
      return "swedish";
    case Language::kDa:
      return "danish";
    case Language::kEn:
      return "english";
    default:
      return nullptr;
  }
}

struct StemmerDeleter {
  void operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }
};

// libstemmer's stemmers keep state between calls: one set per thread.
sb_stemmer* StemmerFor(Language language) {
  thread_local std::array<std::unique_ptr<sb_stemmer, StemmerDeleter>, 6> stemmers;
  const char* name = StemmerName(language);
  if (name == nullptr) return nullptr;
  auto& slot = stemmers[static_cast<size_t>(language)];
  if (!slot) slot.reset(sb_stemmer_new(name, "UTF_8"));
  return slot.get();
}

struct Token {
  std::string_view word;  // folded, as written
  std::string stem;
  bool negated = false;
  bool number = false;
};

// Words and numbers of the folded text, with negation scope marked.
std::vector<Token> Tokenize(std::string_view folded, Language language) {
  std::vector<Token> tokens;
  tokens.reserve(folded.size() / 5);
  sb_stemmer* stemmer = StemmerFor(language);
  int negation_left = 0;
  size_t i = 0;
  const size_t n = folded.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(folded[i]);
    if (IsWordByte(c)) {
      size_t start = i;
      while (i < n && IsWordByte(static_cast<unsigned char>(folded[i]))) ++i;
      Token t;
      t.word = folded.substr(start, i - start);
      if (stemmer != nullptr && t.word.size() > 2) {
        const sb_symbol* s = sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol*>(t.word.data()),
                                             static_cast<int>(t.word.size()));
        if (s != nullptr) t.stem.assign(reinterpret_cast<const char*>(s), static_cast<size_t>(sb_stemmer_length(stemmer)));
      }
      if (t.stem.empty()) t.stem.assign(t.word);
      const bool contraction = t.word == "t" && !tokens.empty() && IsContractionStem(tokens.back().word);
      if (IsContrast(t.word)) negation_left = 0;
      t.negated = negation_left > 0;
      if (negation_left > 0) --negation_left;
      if (IsNegator(t.word) || contraction) negation_left = kNegationReach;
      tokens.push_back(std::move(t));
    } else if (IsDigit(c)) {
      size_t start = i;
      while (i < n && (IsDigit(static_cast<unsigned char>(folded[i])) ||
                       ((folded[i] == '.' || folded[i] == ',' || folded[i] == ' ') && i + 1 < n &&
                        IsDigit(static_cast<unsigned char>(folded[i + 1]))))) {
        ++i;
      }
      std::string_view digits = folded.substr(start, i - start);
      Token t;
      t.number = true;
      if (digits.size() == 4 && (digits.substr(0, 2) == "19" || digits.substr(0, 2) == "20")) {
        t.stem = "#year";
      } else if (digits.size() >= 4 && (digits[digits.size() - 3] == ',' || digits[digits.size() - 3] == '.')) {
        t.stem = "#amount";
      } else {
        t.stem = "#num";
      }
      t.word = digits;
      tokens.push_back(std::move(t));
    } else {
      if (EndsClause(c)) negation_left = 0;
      ++i;
    }
  }
  return tokens;
}

uint32_t Bucket(uint64_t h) { return static_cast<uint32_t>(h ^ (h >> 29)) & kMask; }

uint64_t Prefixed(std::string_view prefix, std::string_view text) {
  return Fnv1a(Fnv1a(kFnvOffset, prefix), text);
}

}  // namespace

std::string Stem(std::string_view word, Language language) {
  std::vector<Token> tokens = Tokenize(word, language);
  return tokens.empty() ? std::string() : tokens.front().stem;
}

namespace {

void AddWordFeatures(const std::vector<Token>& tokens, std::vector<WordFeature>* out) {
  for (const Token& t : tokens) {
    if (t.number) continue;
    out->push_back({Bucket(Prefixed("w:", t.stem)), std::string(t.word), false});
    if (t.negated) out->push_back({Bucket(Prefixed("n:", t.stem)), std::string(t.word), true});
  }
}

}  // namespace

FeatureVector LetterFeatures(std::string_view folded, Language language, std::vector<WordFeature>* words) {
  const std::vector<Token> tokens = Tokenize(folded, language);
  if (words != nullptr) AddWordFeatures(tokens, words);
  std::vector<uint32_t> raw;
  raw.reserve(tokens.size() * 8);
  const uint64_t char_prefix = Fnv1a(kFnvOffset, "c:");
  char gram[64];
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    raw.push_back(Bucket(Prefixed("w:", t.stem)));
    if (t.negated) raw.push_back(Bucket(Prefixed("n:", t.stem)));
    if (i + 1 < tokens.size()) {
      raw.push_back(Bucket(Fnv1a(Fnv1a(Prefixed("b:", t.stem), "_"), tokens[i + 1].stem)));
    }
    if (!t.number && t.word.size() >= 5 && t.word.size() + 2 <= sizeof gram) {
      gram[0] = '<';
      std::copy(t.word.begin(), t.word.end(), gram + 1);
      gram[t.word.size() + 1] = '>';
      const size_t len = t.word.size() + 2;
      for (size_t k = 0; k + 4 <= len; ++k) {
        raw.push_back(Bucket(Fnv1a(char_prefix, std::string_view(gram + k, 4))));
      }
    }
  }
  std::sort(raw.begin(), raw.end());
  FeatureVector out;
  double norm = 0;
  for (size_t i = 0; i < raw.size();) {
    size_t j = i;
    while (j < raw.size() && raw[j] == raw[i]) ++j;
    const float v = static_cast<float>(1.0 + std::log(static_cast<double>(j - i)));
    out.values.push_back({raw[i], v});
    norm += static_cast<double>(v) * v;
    i = j;
  }
  if (norm > 0) {
    const float scale = static_cast<float>(1.0 / std::sqrt(norm));
    for (FeatureValue& f : out.values) f.value *= scale;
  }
  return out;
}

std::vector<WordFeature> WordFeatures(std::string_view folded, Language language) {
  std::vector<WordFeature> out;
  AddWordFeatures(Tokenize(folded, language), &out);
  return out;
}

}  // namespace purr::classify
