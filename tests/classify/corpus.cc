#include "tests/classify/corpus.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace purr::classify::testing {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

namespace {

std::vector<CorpusLetter> LoadCorpus(const std::string& root) {
  std::vector<CorpusLetter> letters;
  for (const char* folder : {"nb", "sv", "da", "en"}) {
    std::ifstream in(root + "/" + folder + "/labels.jsonl");
    EXPECT_TRUE(in.good()) << root << "/" << folder << "/labels.jsonl";
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      Poco::JSON::Parser parser;
      auto object = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
      CorpusLetter letter;
      std::string file = object->getValue<std::string>("file");
      letter.example.name = file;
      letter.example.text = ReadFile(root + "/" + file);
      letter.example.language = ParseLanguage(object->getValue<std::string>("lang"));
      auto classes = object->getArray("classes");
      for (unsigned i = 0; i < classes->size(); ++i) {
        letter.example.classes.push_back(*ParseClass(classes->getElement<std::string>(i)));
      }
      letter.example.legal = *ParseLegalCategory(object->getValue<std::string>("legal"));
      letter.split = object->getValue<std::string>("split");
      letters.push_back(std::move(letter));
    }
  }
  return letters;
}

}  // namespace

const std::vector<CorpusLetter>& Corpus() {
  static const std::vector<CorpusLetter> corpus = LoadCorpus("fixtures/letters");
  return corpus;
}

const std::vector<CorpusLetter>& BlindCorpus() {
  static const std::vector<CorpusLetter> corpus = LoadCorpus("fixtures/letters-blind");
  return corpus;
}

std::shared_ptr<const RuleSet> ShippedRules() {
  static const std::shared_ptr<const RuleSet> rules = [] {
    Result<std::vector<RuleFile>> files = ReadRuleDir("rules");
    EXPECT_TRUE(files.ok()) << files.status().ToString();
    Result<std::shared_ptr<const RuleSet>> loaded = LoadRuleSet(*files);
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    return loaded.ok() ? *loaded : nullptr;
  }();
  return rules;
}

std::string ShippedModelWithWeakReport(int output, const std::string& weak) {
  std::string bytes = ReadFile("fixtures/models/classify.model");
  const size_t start = bytes.find("\ncal " + std::to_string(output) + " ");
  EXPECT_NE(start, std::string::npos);
  if (start == std::string::npos) return bytes;
  const size_t end = bytes.find('\n', start + 1);
  std::istringstream line(bytes.substr(start + 1, end - start - 1));
  std::string word, rewritten;
  for (int i = 0; i < 8 && line >> word; ++i) rewritten += (i > 0 ? " " : "") + word;
  if (!weak.empty()) rewritten += " " + weak;
  bytes.replace(start + 1, end - start - 1, rewritten);
  // The "linear N" section header after the language section counts the bytes.
  const size_t language = bytes.find("\nlanguage ");
  const size_t language_eol = bytes.find('\n', language + 1);
  const size_t linear = language_eol + 1 + std::stoull(bytes.substr(language + 10, language_eol - language - 10));
  const size_t linear_eol = bytes.find('\n', linear);
  EXPECT_EQ(bytes.substr(linear, 7), "linear ");
  const long long size = std::stoll(bytes.substr(linear + 7, linear_eol - linear - 7)) +
                         static_cast<long long>(rewritten.size()) - static_cast<long long>(end - start - 1);
  bytes.replace(linear + 7, linear_eol - linear - 7, std::to_string(size));
  return bytes;
}

std::shared_ptr<const Model> ShippedModel() {
  static const std::shared_ptr<const Model> model = [] {
    Result<std::shared_ptr<const Model>> loaded =
        Model::FromBytes(ReadFile("fixtures/models/classify.model"));
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    return loaded.ok() ? *loaded : nullptr;
  }();
  return model;
}

}  // namespace purr::classify::testing
