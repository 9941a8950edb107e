// The trained text classifier beside the rules: two fastText supervised models in one file,
// one for the classes (multi-label, one-vs-all loss, word and character n-grams over the
// folded text, so OCR noise costs little) and one for the language (character n-grams over
// the lowered text, diacritics kept, which is what tells Norwegian from Danish).
//
// File format (all integers decimal ASCII):
//   "purr-model 1\n" "version <version>\n" "classes <n>\n" <n bytes: fastText .bin>
//   "language <n>\n" <n bytes: fastText .bin>
// The version is "ft-<date>-<16 hex of the content hash>" and is reported in every result.
//
// Thread safety: a Model is immutable after FromBytes; Predict may run on many threads.
// Training (TrainModel) writes fastText's input to a temporary directory and runs fastText's
// training loop, which starts its own thread: call it from tools (purr train), not from the
// classifying path.
#ifndef PURR_CLASSIFY_MODEL_H_
#define PURR_CLASSIFY_MODEL_H_

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "classify/classify.h"
#include "common/status.h"

namespace purr::classify {

// A labelled letter for training and evaluation.
struct Example {
  std::string name;  // file name or line number, for reports
  std::string text;
  Language language = Language::kUnknown;
  std::vector<Class> classes;
  LegalCategory legal = LegalCategory::kNone;
};

struct TrainOptions {
  int epoch = 200;
  double lr = 1.0;
  int dim = 16;
  int minn = 3, maxn = 4;
  int word_ngrams = 2;
  int bucket = 20000;
  int seed = 7;
  std::string date;      // YYYY-MM-DD, part of the version
  std::string temp_dir;  // empty: std::filesystem::temp_directory_path()
};

// A feature that pushed the model towards a class: a word of the text and its weight.
struct ModelFeature {
  std::string word;  // folded
  double weight = 0;
};

struct ModelPrediction {
  std::array<double, kClassCount> class_probability{};
  std::array<double, 6> language_probability{};  // indexed by Language
};

class Model {
 public:
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  // Fails with a message when the bytes are not a purr model file.
  static Result<std::shared_ptr<const Model>> FromBytes(std::string_view bytes);

  const std::string& version() const;

  // `folded` and `lowered` are the Fold() and Lower() views of one letter (normalize.h).
  ModelPrediction Predict(std::string_view folded, std::string_view lowered) const;

  // The words of `folded` whose vectors point most towards `cls` (at most `count`): the
  // model's reasons for a class. Costs a word-vector lookup per distinct word, so it is
  // asked only for the classes reported.
  std::vector<ModelFeature> Features(std::string_view folded, Class cls, size_t count = 4) const;

 private:
  struct Impl;
  explicit Model(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Trains both models on `examples` and returns the model file's bytes. Deterministic for
// the same examples and options (fastText runs with one thread and a fixed seed).
Result<std::string> TrainModel(const std::vector<Example>& examples, const TrainOptions& options);

// The text the class model reads: folded text with numbers and punctuation turned into
// spaces, on one line. Exposed for tests.
std::string ModelInput(std::string_view folded);

}  // namespace purr::classify

#endif  // PURR_CLASSIFY_MODEL_H_
