#include "worker/classify_examples.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "worker/file_io.h"

namespace purr {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kMaxLetterBytes = 64 << 20;  // letters and model files

Result<std::string> ReadSmallFile(const fs::path& path) {
  Result<std::string> bytes = ReadWholeFile(path.string(), kMaxLetterBytes);
  if (!bytes.ok()) return bytes.status().WithContext(path.string());
  return bytes;
}

fs::path Resolve(const fs::path& jsonl, const std::string& file) {
  fs::path direct = jsonl.parent_path() / file;
  if (fs::exists(direct)) return direct;
  return jsonl.parent_path().parent_path() / file;
}

Status ParseLine(const fs::path& jsonl, const std::string& line, LabelledLetter* out) {
  Poco::JSON::Parser parser;
  Poco::JSON::Object::Ptr object = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
  classify::Example& example = out->example;
  if (object->has("text")) {
    example.text = object->getValue<std::string>("text");
    example.name = jsonl.string() + ": " + example.text.substr(0, 40);
  } else if (object->has("file")) {
    std::string file = object->getValue<std::string>("file");
    fs::path path = Resolve(jsonl, file);
    Result<std::string> text = ReadSmallFile(path);
    if (!text.ok()) return text.status();
    example.text = std::move(*text);
    example.name = file;
    out->file = path.string();
    fs::path rel(file);
    out->stem = (rel.has_parent_path() ? rel.parent_path().filename().string() + "_" : "") +
                rel.stem().string();
  } else {
    return Status::InvalidInput("neither \"text\" nor \"file\"");
  }
  example.language = classify::ParseLanguage(object->optValue<std::string>("lang", ""));
  if (auto classes = object->getArray("classes")) {
    for (size_t i = 0; i < classes->size(); ++i) {
      std::string name = classes->getElement<std::string>(static_cast<unsigned>(i));
      std::optional<classify::Class> cls = classify::ParseClass(name);
      if (!cls) return Status::InvalidInput("unknown class \"" + name + "\"");
      example.classes.push_back(*cls);
    }
  }
  std::string legal = object->optValue<std::string>("legal", "none");
  std::optional<classify::LegalCategory> category = classify::ParseLegalCategory(legal);
  if (!category) return Status::InvalidInput("unknown legal category \"" + legal + "\"");
  example.legal = *category;
  out->split = object->optValue<std::string>("split", "");
  // Who wrote it: "writer" when the line says, else the labels file's folder without a
  // trailing language folder (fixtures/letters-dev/w3/sv/labels.jsonl: fixtures/letters-dev/w3).
  fs::path folder = jsonl.parent_path();
  if (classify::ParseLanguage(folder.filename().string()) != classify::Language::kUnknown) {
    folder = folder.parent_path();
  }
  example.group = object->optValue<std::string>("writer", folder.lexically_normal().string());
  return Status::Ok();
}

Status ReadFile(const fs::path& jsonl, const std::string& split, std::vector<LabelledLetter>* out) {
  std::ifstream in(jsonl);
  if (!in) return Status::IoError(jsonl.string() + ": cannot open");
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    LabelledLetter letter;
    Status status;
    try {
      status = ParseLine(jsonl, line, &letter);
    } catch (const Poco::Exception& e) {
      status = Status::InvalidInput(e.displayText());
    } catch (const std::exception& e) {
      status = Status::InvalidInput(e.what());
    }
    if (!status.ok()) return status.WithContext(jsonl.string() + ":" + std::to_string(number));
    if (split == "all" || letter.split.empty() || letter.split == split) {
      out->push_back(std::move(letter));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<LabelledLetter>> ReadLabelledLetters(const std::string& paths,
                                                        const std::string& split) {
  std::vector<fs::path> files;
  std::error_code ec;
  std::stringstream list(paths);
  for (std::string path; std::getline(list, path, ',');) {
    if (path.empty()) continue;
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> found;
      for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().filename() == "labels.jsonl") found.push_back(it->path());
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) return Status::NotFound(path + ": no labels.jsonl below this folder");
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(path);
    }
  }
  if (files.empty()) return Status::InvalidInput("no examples path given");
  std::vector<LabelledLetter> out;
  for (const auto& file : files) {
    Status status = ReadFile(file, split, &out);
    if (!status.ok()) return status;
  }
  return out;
}

std::string TodayUtc() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string DefaultDataPath(const std::string& relative) {
  std::error_code ec;
  if (fs::exists(relative, ec)) return relative;
#ifdef PURR_DATA_DIR
  fs::path built = fs::path(PURR_DATA_DIR) / relative;
  if (fs::exists(built, ec)) return built.string();
#endif
  return relative;
}

Result<ClassifierSetup> LoadClassifierSetup(const std::string& rules_dir,
                                            const std::string& model_path) {
  ClassifierSetup setup;
  std::string dir = rules_dir.empty() ? DefaultDataPath("rules") : rules_dir;
  Result<std::vector<classify::RuleFile>> files = classify::ReadRuleDir(dir);
  if (!files.ok()) return files.status();
  Result<std::shared_ptr<const classify::RuleSet>> rules = classify::LoadRuleSet(*files);
  if (!rules.ok()) return rules.status();
  setup.rules = *rules;
  if (model_path == "none") return setup;
  std::string path = model_path.empty() ? DefaultDataPath("fixtures/models/classify.model") : model_path;
  Result<std::string> bytes = ReadSmallFile(path);
  if (!bytes.ok()) return bytes.status();
  Result<std::shared_ptr<const classify::Model>> model = classify::Model::FromBytes(*bytes);
  if (!model.ok()) return model.status().WithContext(path);
  setup.model = *model;
  return setup;
}

}  // namespace purr
