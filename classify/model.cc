#include "classify/model.h"

#include <fasttext/fasttext.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "classify/hash.h"
#include "classify/normalize.h"

namespace purr::classify {
namespace {

constexpr std::string_view kMagic = "purr-model 1\n";
constexpr const char* kLabelPrefix = "__label__";
constexpr int32_t kFastTextMagic = 793712314;
// The language shows in the first kilobytes; reading more only costs time.
constexpr size_t kLanguageBytes = 800;

bool IsWordByte(unsigned char c) { return (c >= 'a' && c <= 'z') || c >= 0x80; }

// Letters only, one line: digits, punctuation and line breaks become single spaces.
std::string LettersOnly(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (IsWordByte(c) || (c >= 'A' && c <= 'Z')) {
      out.push_back(static_cast<char>(c));
    } else if (!out.empty() && out.back() != ' ') {
      out.push_back(' ');
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Reads "<key> <n>\n" at *pos and returns the n bytes after it.
bool ReadSection(std::string_view bytes, size_t* pos, std::string_view key,
                 std::string_view* value) {
  size_t eol = bytes.find('\n', *pos);
  if (eol == std::string_view::npos) return false;
  std::string_view line = bytes.substr(*pos, eol - *pos);
  if (line.substr(0, key.size()) != key || line.size() <= key.size() + 1) return false;
  std::string_view digits = line.substr(key.size() + 1);
  if (digits.empty() || digits.size() > 12) return false;
  size_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  if (eol + 1 + n > bytes.size()) return false;
  *value = bytes.substr(eol + 1, n);
  *pos = eol + 1 + n;
  return true;
}

bool LooksLikeFastText(std::string_view bytes) {
  if (bytes.size() < 64) return false;
  int32_t magic = 0;
  std::memcpy(&magic, bytes.data(), sizeof magic);
  return magic == kFastTextMagic;
}

std::unique_ptr<fasttext::FastText> LoadFastText(std::string_view bytes, std::string* error) {
  if (!LooksLikeFastText(bytes)) {
    *error = "not a fastText model";
    return nullptr;
  }
  auto ft = std::make_unique<fasttext::FastText>();
  try {
    std::istringstream in(std::string(bytes), std::ios::binary);
    in.seekg(8);  // magic and version, checked above (fastText's loadModel(istream) skips them)
    ft->loadModel(in);
  } catch (const std::exception& e) {
    *error = e.what();
    return nullptr;
  }
  return ft;
}

std::vector<std::pair<double, std::string>> PredictAll(const fasttext::FastText& ft,
                                                      const std::string& line) {
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  std::istringstream in(line + "\n");
  int32_t k = ft.getDictionary()->nlabels();
  ft.predictLine(in, predictions, k, 0.0);
  std::vector<std::pair<double, std::string>> out;
  for (auto& [p, label] : predictions) {
    out.emplace_back(p, label.substr(std::min(label.size(), std::strlen(kLabelPrefix))));
  }
  return out;
}

}  // namespace

std::string ModelInput(std::string_view folded) { return LettersOnly(folded); }

struct Model::Impl {
  std::string version;
  std::unique_ptr<fasttext::FastText> classes, language;
  std::array<int32_t, kClassCount> label_row{};  // output row of each class, -1 if absent
};

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::~Model() = default;
const std::string& Model::version() const { return impl_->version; }

Result<std::shared_ptr<const Model>> Model::FromBytes(std::string_view bytes) {
  if (bytes.substr(0, kMagic.size()) != kMagic) {
    return Status::InvalidInput("not a purr model file (no 'purr-model 1' header)");
  }
  size_t pos = kMagic.size();
  size_t eol = bytes.find('\n', pos);
  if (eol == std::string_view::npos || bytes.substr(pos, 8) != "version ") {
    return Status::InvalidInput("model file: no version line");
  }
  auto impl = std::make_unique<Impl>();
  impl->version = std::string(bytes.substr(pos + 8, eol - pos - 8));
  pos = eol + 1;
  std::string_view classes, language;
  if (!ReadSection(bytes, &pos, "classes", &classes) ||
      !ReadSection(bytes, &pos, "language", &language)) {
    return Status::InvalidInput("model file: truncated or malformed section");
  }
  std::string error;
  impl->classes = LoadFastText(classes, &error);
  if (!impl->classes) return Status::InvalidInput("model file: class model: " + error);
  impl->language = LoadFastText(language, &error);
  if (!impl->language) return Status::InvalidInput("model file: language model: " + error);
  impl->label_row.fill(-1);
  auto dict = impl->classes->getDictionary();
  for (int32_t i = 0; i < dict->nlabels(); ++i) {
    std::string label = dict->getLabel(i).substr(std::strlen(kLabelPrefix));
    if (auto cls = ParseClass(label)) impl->label_row[static_cast<size_t>(*cls)] = i;
  }
  return std::shared_ptr<const Model>(new Model(std::move(impl)));
}

ModelPrediction Model::Predict(std::string_view folded, std::string_view lowered) const {
  ModelPrediction out;
  const std::string input = ModelInput(folded);
  for (auto& [p, label] : PredictAll(*impl_->classes, input)) {
    if (auto cls = ParseClass(label)) out.class_probability[static_cast<size_t>(*cls)] = p;
  }
  for (auto& [p, label] : PredictAll(*impl_->language, LettersOnly(lowered.substr(0, kLanguageBytes)))) {
    Language language = ParseLanguage(label);
    if (language != Language::kUnknown) out.language_probability[static_cast<size_t>(language)] = p;
  }
  return out;
}

std::vector<ModelFeature> Model::Features(std::string_view folded, Class cls, size_t count) const {
  std::vector<ModelFeature> features;
  const int32_t row = impl_->label_row[static_cast<size_t>(cls)];
  if (row < 0) return features;
  auto output = impl_->classes->getOutputMatrix();
  std::set<std::string> seen;
  std::istringstream words(ModelInput(folded));
  fasttext::Vector v(impl_->classes->getDimension());
  for (std::string word; words >> word;) {
    if (word.size() < 3 || !seen.insert(word).second) continue;
    impl_->classes->getWordVector(v, word);
    features.push_back({word, output->dotRow(v, row)});
  }
  size_t keep = std::min(count, features.size());
  std::partial_sort(features.begin(), features.begin() + static_cast<long>(keep), features.end(),
                    [](const auto& a, const auto& b) { return a.weight > b.weight; });
  features.resize(keep);
  return features;
}

namespace {

Result<std::string> TrainOne(const std::string& input_path, const std::string& model_path,
                             const TrainOptions& options, bool language) {
  fasttext::Args args;
  args.input = input_path;
  args.output = model_path;
  args.model = fasttext::model_name::sup;
  args.loss = language ? fasttext::loss_name::softmax : fasttext::loss_name::ova;
  args.lr = options.lr;
  args.dim = options.dim;
  args.epoch = options.epoch;
  args.minCount = 1;
  args.minCountLabel = 1;
  args.wordNgrams = language ? 1 : options.word_ngrams;
  args.minn = language ? 2 : options.minn;
  args.maxn = language ? 4 : options.maxn;
  args.bucket = options.bucket;
  args.thread = 1;
  args.seed = options.seed;
  args.verbose = 0;
  fasttext::FastText ft;
  try {
    ft.train(args);
    ft.saveModel(model_path);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("fastText training failed: ") + e.what());
  }
  std::ifstream in(model_path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in) return Status::IoError(model_path + ": cannot read the trained model");
  return bytes.str();
}

}  // namespace

Result<std::string> TrainModel(const std::vector<Example>& examples, const TrainOptions& options) {
  namespace fs = std::filesystem;
  if (examples.empty()) return Status::InvalidInput("no training examples");
  std::error_code ec;
  fs::path base = options.temp_dir.empty() ? fs::temp_directory_path(ec) : fs::path(options.temp_dir);
  fs::path dir = base / ("purr-train-" + std::to_string(::getpid()));
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError(dir.string() + ": " + ec.message());
  {
    std::ofstream classes(dir / "classes.txt"), language(dir / "language.txt");
    for (const Example& example : examples) {
      std::string labels;
      for (Class cls : example.classes) labels += std::string(kLabelPrefix) + ClassName(cls) + " ";
      std::string input = ModelInput(Fold(example.text).text);
      if (!labels.empty() && !input.empty()) classes << labels << input << "\n";
      if (example.language != Language::kUnknown) {
        language << kLabelPrefix << LanguageCode(example.language) << " "
                 << LettersOnly(Lower(example.text).substr(0, kLanguageBytes)) << "\n";
      }
    }
    if (!classes || !language) return Status::IoError(dir.string() + ": cannot write training files");
  }
  Result<std::string> classes = TrainOne((dir / "classes.txt").string(), (dir / "classes.bin").string(), options, false);
  Result<std::string> language = TrainOne((dir / "language.txt").string(), (dir / "language.bin").string(), options, true);
  fs::remove_all(dir, ec);
  if (!classes.ok()) return classes.status();
  if (!language.ok()) return language.status();
  uint64_t hash = Fnv1a(Fnv1a(kFnvOffset, *classes), *language);
  std::string version = "ft-" + (options.date.empty() ? std::string("undated") : options.date) + "-" + Hex64(hash);
  std::string out(kMagic);
  out += "version " + version + "\n";
  out += "classes " + std::to_string(classes->size()) + "\n" + *classes;
  out += "language " + std::to_string(language->size()) + "\n" + *language;
  return out;
}

}  // namespace purr::classify
