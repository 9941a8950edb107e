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

#include "classify/features.h"
#include "classify/hash.h"
#include "classify/normalize.h"
#include "classify/training.h"

namespace purr::classify {
namespace {

constexpr std::string_view kMagic = "purr-model 2\n";
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


// Reads the "linear" section: calibrations and weight rows.
bool ReadLinear(std::string_view bytes, std::array<Calibration, kOutputCount>* calibration,
                std::vector<int32_t>* row_of, std::vector<float>* weights, std::string* error) {
  std::istringstream header(std::string(bytes.substr(0, std::min<size_t>(bytes.size(), 4096))));
  std::string word;
  int outputs = 0, bits = 0;
  long long rows = 0;
  header >> word >> outputs;
  if (word != "outputs" || outputs != kOutputCount) return *error = "wrong output count", false;
  header >> word >> rows;
  if (word != "rows" || rows < 0 || rows > (1 << kFeatureBits)) return *error = "bad row count", false;
  header >> word >> bits;
  if (word != "bits" || bits != kFeatureBits) return *error = "wrong feature bits", false;
  for (int k = 0; k < kOutputCount; ++k) {
    int index = -1;
    Calibration& c = (*calibration)[static_cast<size_t>(k)];
    header >> word >> index >> c.a >> c.b >> c.c >> c.d >> c.report >> c.doubt;
    if (word != "cal" || index != k || !header) return *error = "bad calibration line", false;
    // An optional ninth number, weak_report; the line's newline goes with it.
    std::string rest;
    std::getline(header, rest);
    std::istringstream more(rest);
    double weak = 0;
    if (more >> weak) {
      if (!(weak >= 0 && weak <= 2)) return *error = "bad calibration line", false;
      c.weak_report = weak;
    }
    more.clear();
    if (!header || !(more >> std::ws).eof()) return *error = "bad calibration line", false;
  }
  const size_t offset = static_cast<size_t>(header.tellg());
  const size_t row_bytes = 4 + 4 * kOutputCount;
  if (offset > bytes.size() || bytes.size() - offset != static_cast<size_t>(rows) * row_bytes) {
    return *error = "weights truncated", false;
  }
  if (rows < 1) return *error = "no bias row", false;
  row_of->assign(size_t{1} << kFeatureBits, -1);
  weights->resize(static_cast<size_t>(rows) * kOutputCount);
  const char* p = bytes.data() + offset;
  for (long long r = 0; r < rows; ++r, p += row_bytes) {
    uint32_t bucket = 0;
    std::memcpy(&bucket, p, 4);
    if (r == 0) {
      if (bucket != kBiasBucket) return *error = "the first row is not the bias", false;
    } else if (bucket >= row_of->size()) {
      return *error = "bucket out of range", false;
    } else {
      (*row_of)[bucket] = static_cast<int32_t>(r);
    }
    std::memcpy(weights->data() + static_cast<size_t>(r) * kOutputCount, p + 4, 4 * kOutputCount);
  }
  return true;
}

}  // namespace

struct Model::Impl {
  std::string version;
  std::unique_ptr<fasttext::FastText> language;
  std::array<Calibration, kOutputCount> calibration;
  std::vector<int32_t> row_of;  // per bucket: its row of weights, -1 when it has none
  std::vector<float> weights;   // rows of kOutputCount; row 0 is the bias
};

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::~Model() = default;
const std::string& Model::version() const { return impl_->version; }

Result<std::shared_ptr<const Model>> Model::FromBytes(std::string_view bytes) {
  if (bytes.substr(0, 11) == "purr-model " && bytes.substr(0, kMagic.size()) != kMagic) {
    return Status::InvalidInput("model file of an older format: retrain it with purr train");
  }
  if (bytes.substr(0, kMagic.size()) != kMagic) {
    return Status::InvalidInput("not a purr model file (no 'purr-model 2' header)");
  }
  size_t pos = kMagic.size();
  size_t eol = bytes.find('\n', pos);
  if (eol == std::string_view::npos || bytes.substr(pos, 8) != "version ") {
    return Status::InvalidInput("model file: no version line");
  }
  auto impl = std::make_unique<Impl>();
  impl->version = std::string(bytes.substr(pos + 8, eol - pos - 8));
  pos = eol + 1;
  std::string_view language, linear;
  if (!ReadSection(bytes, &pos, "language", &language) || !ReadSection(bytes, &pos, "linear", &linear)) {
    return Status::InvalidInput("model file: truncated or malformed section");
  }
  std::string error;
  impl->language = LoadFastText(language, &error);
  if (!impl->language) return Status::InvalidInput("model file: language model: " + error);
  if (!ReadLinear(linear, &impl->calibration, &impl->row_of, &impl->weights, &error)) {
    return Status::InvalidInput("model file: class model: " + error);
  }
  return std::shared_ptr<const Model>(new Model(std::move(impl)));
}

std::array<double, 6> Model::PredictLanguage(std::string_view lowered) const {
  std::array<double, 6> out{};
  for (auto& [p, label] : PredictAll(*impl_->language, LettersOnly(lowered.substr(0, kLanguageBytes)))) {
    Language language = ParseLanguage(label);
    if (language != Language::kUnknown) out[static_cast<size_t>(language)] = p;
  }
  return out;
}

std::array<double, kOutputCount> Model::Scores(const FeatureVector& features) const {
  std::array<float, kOutputCount> sum{};
  const float* w = impl_->weights.data();
  for (int k = 0; k < kOutputCount; ++k) sum[static_cast<size_t>(k)] = w[k];  // the bias row
  for (const FeatureValue& f : features.values) {
    const int32_t row = impl_->row_of[f.index];
    if (row < 0) continue;
    const float* r = w + static_cast<size_t>(row) * kOutputCount;
    for (int k = 0; k < kOutputCount; ++k) sum[static_cast<size_t>(k)] += f.value * r[k];
  }
  std::array<double, kOutputCount> out{};
  for (int k = 0; k < kOutputCount; ++k) out[static_cast<size_t>(k)] = sum[static_cast<size_t>(k)];
  return out;
}

double Model::Calibrate(int output, double score, double rule_score, bool any_rule) const {
  return CalibratedProbability(impl_->calibration[static_cast<size_t>(output)], score, rule_score, any_rule);
}

const Calibration& Model::calibration(int output) const {
  return impl_->calibration[static_cast<size_t>(output)];
}

std::vector<ModelFeature> Model::Features(const std::vector<WordFeature>& words, Class cls,
                                          size_t count) const {
  std::vector<ModelFeature> features;
  std::set<std::string> seen;
  for (const WordFeature& word : words) {
    const int32_t row = impl_->row_of[word.index];
    if (row < 0) continue;
    const double weight = impl_->weights[static_cast<size_t>(row) * kOutputCount + static_cast<size_t>(cls)];
    std::string name = word.negated ? "not " + word.word : word.word;
    if (weight <= 0 || word.word.size() < 3 || !seen.insert(name).second) continue;
    features.push_back({std::move(name), weight});
  }
  const size_t keep = std::min(count, features.size());
  std::partial_sort(features.begin(), features.begin() + static_cast<long>(keep), features.end(),
                    [](const auto& a, const auto& b) { return a.weight > b.weight; });
  features.resize(keep);
  return features;
}


// The language model's training file line for one letter.
std::string LanguageLine(const Example& example) {
  return std::string(kLabelPrefix) + LanguageCode(example.language) + " " +
         LettersOnly(Lower(example.text).substr(0, kLanguageBytes));
}

Result<std::string> TrainLanguageModel(const std::vector<Example>& examples, const TrainOptions& options,
                                       const std::string& dir) {
  const std::string input = dir + "/language.txt", output = dir + "/language.bin";
  {
    std::ofstream language(input);
    for (const Example& example : examples) {
      if (example.language != Language::kUnknown) language << LanguageLine(example) << "\n";
    }
    if (!language) return Status::IoError(dir + ": cannot write the language training file");
  }
  fasttext::Args args;
  args.input = input;
  args.output = output;
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.lr = 1.0;
  args.dim = 16;
  args.epoch = options.language_epoch;
  args.minCount = 1;
  args.minCountLabel = 1;
  args.wordNgrams = 1;
  args.minn = 2;
  args.maxn = 4;
  args.bucket = 20000;
  args.thread = 1;
  args.seed = options.seed;
  args.verbose = 0;
  fasttext::FastText ft;
  try {
    ft.train(args);
    ft.saveModel(output);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("fastText training failed: ") + e.what());
  }
  std::ifstream in(output, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in) return Status::IoError(output + ": cannot read the trained model");
  return bytes.str();
}

std::string ModelFile(const std::string& date, const std::string& language, const std::string& linear) {
  uint64_t hash = Fnv1a(Fnv1a(kFnvOffset, language), linear);
  std::string version = "lr-" + (date.empty() ? std::string("undated") : date) + "-" + Hex64(hash);
  std::string out(kMagic);
  out += "version " + version + "\n";
  out += "language " + std::to_string(language.size()) + "\n" + language;
  out += "linear " + std::to_string(linear.size()) + "\n" + linear;
  return out;
}

}  // namespace purr::classify
