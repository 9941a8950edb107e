// purr eval: the classifier measured against labelled letters (clean text or OCR'd scans).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "classify/classify.h"
#include "classify/evaluation.h"
#include "classify/model.h"
#include "worker/classify_examples.h"
#include "worker/cli.h"
#include "worker/commands.h"
#ifdef PURR_HAVE_STORE
#include "worker/corrections.h"
#endif
#include "worker/letter_input.h"
#include "worker/train_options.h"

namespace purr {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUsage =
    "purr eval --examples PATH[,PATH...] [--db STORE] [--model MODEL|none] [--rules DIR] "
    "[--split test|train|all] [--ocr [--scans DIR] [--threads N]] [--verbose]\n"
    "       purr eval --examples PATH[,PATH...] --folds N [--split all|train|test] [training options] [--verbose]";

constexpr const char* kDescription =
    "Classifies labelled letters (JSON lines as for purr train; default: the test split; "
    "with --db also the clerks' corrected letters of that split, on their stored text) and "
    "prints per-class precision, recall and F1, macro-F1, the confusion matrix, legal-halt "
    "recall, language accuracy, the letters decided without a human and how many of those "
    "have a wrong class set. With --ocr the letters are read from their scans under "
    "--scans (default fixtures/scans; files named <folder>_<letter>.<ext>) through the OCR "
    "engine instead (N threads, one engine each; classification stays on one thread). "
    "--verbose lists every letter whose classes differ from its labels. "
    "With --folds N the letters are cross-validated instead: split into N folds by writer (a "
    "writer's letters all in one fold; 0: one fold per writer), each fold classified by a model "
    "trained (as purr train would, same options) on the other folds; the figures are printed "
    "for all letters, per language and per fold. --split defaults to all then. "
    "Exit status: 0 measured, 1 failed, 2 usage error.";

std::string Names(const std::vector<classify::Class>& classes) {
  std::string out;
  for (auto c : classes) out += std::string(out.empty() ? "" : ",") + classify::ClassName(c);
  return out;
}

// "name: expected a,b, got c" when the classes differ from the labels (as sets, as the
// metrics treat them).
std::optional<std::string> Difference(const classify::EvalItem& item, const classify::Example& example) {
  if (std::is_permutation(item.predicted.begin(), item.predicted.end(), example.classes.begin(),
                          example.classes.end())) {
    return std::nullopt;
  }
  return item.name + ": expected " + Names(example.classes) + ", got " + Names(item.predicted);
}

// Scan files below `dir` by letter stem ("nb_001_dispute_telecom" -> its scans).
std::multimap<std::string, std::string> ScansByStem(const std::string& dir) {
  std::multimap<std::string, std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::string name = it->path().filename().string();
    if (name.ends_with(".txt") || name.ends_with(".py") || name.ends_with(".md")) continue;
    out.emplace(it->path().stem().string(), it->path().string());
  }
  return out;
}

// The scans' text, read by `threads` threads with a LetterReader (one OCR engine) each, in
// the order of `paths`.
std::vector<Result<LetterText>> ReadScans(const std::vector<std::string>& paths, int threads) {
  std::vector<std::optional<Result<LetterText>>> read(paths.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    LetterReader reader{LetterReaderOptions()};
    for (size_t i = next++; i < paths.size(); i = next++) read[i] = reader.Read(paths[i]);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& th : pool) th.join();
  std::vector<Result<LetterText>> out;
  for (auto& r : read) out.push_back(std::move(*r));
  return out;
}

// Every scan of the letters found below `dir`, OCR'd, with the letter it belongs to.
struct LetterScans {
  std::vector<const LabelledLetter*> letters;
  std::vector<std::string> paths;
  std::vector<Result<LetterText>> texts;
  std::string figures;  // "ocr: N scans in S s (T threads)"
};

LetterScans ReadLetterScans(const std::vector<LabelledLetter>& letters, const std::string& dir, int threads) {
  LetterScans out;
  auto scans = ScansByStem(dir);
  for (const auto& letter : letters) {
    auto [from, to] = scans.equal_range(letter.stem);
    for (auto it = from; it != to; ++it) {
      out.letters.push_back(&letter);
      out.paths.push_back(it->second);
    }
  }
  auto start = std::chrono::steady_clock::now();
  out.texts = ReadScans(out.paths, threads);
  std::ostringstream figures;
  figures << "ocr: " << out.paths.size() << " scans in " << std::fixed << std::setprecision(1)
          << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s (" << threads
          << " threads)\n";
  out.figures = figures.str();
  return out;
}

// A needs_human reason without its figures and words: "possible dispute", "unsure of other",
// "the rules found address_change but the model gives".
std::string ReasonKind(const std::string& reason) {
  size_t end = std::min(reason.find_first_of("(:"), reason.find(" p="));
  std::string kind = reason.substr(0, end);
  while (!kind.empty() && kind.back() == ' ') kind.pop_back();
  return kind;
}

// purr eval --folds: every letter classified by a model that never saw its writer.
int CrossValidate(const cli::CommandLine& cl) {
  if (cl.Has("ocr") || cl.Has("db") || cl.Has("model")) {
    return cl.UsageError("--folds trains its own models from --examples: no --model, --db or --ocr");
  }
  if (!cl.Has("examples")) return cl.UsageError("--examples is required");
  const std::string split = cl.Get("split", "all");
  if (split != "train" && split != "test" && split != "all") return cl.UsageError("--split must be test, train or all");
  Result<std::vector<LabelledLetter>> letters = ReadLabelledLetters(cl.Get("examples"), split);
  if (!letters.ok()) {
    std::cerr << "purr eval: " << letters.status().message() << "\n";
    return cli::kExitSomeFailed;
  }
  Result<ClassifierSetup> setup = LoadClassifierSetup(cl.Get("rules"), "none");
  if (!setup.ok()) {
    std::cerr << "purr eval: " << setup.status().message() << "\n";
    return cli::kExitSomeFailed;
  }
  std::vector<classify::Example> examples;
  std::set<std::string> groups;
  for (const auto& letter : *letters) {
    examples.push_back(letter.example);
    groups.insert(letter.example.group);
  }
  int folds = static_cast<int>(cl.GetInteger("folds", 0));
  if (folds == 0) folds = static_cast<int>(groups.size());
  if (folds < 2 || examples.size() < static_cast<size_t>(folds)) {
    return cl.UsageError("--folds needs at least two folds and a letter per fold");
  }
  const std::vector<int> fold = classify::AssignFolds(examples, folds);
  classify::TrainOptions train = GetTrainOptions(cl);
  train.date = TodayUtc();
  classify::ClassifyOptions options;
  options.received = {2026, 1, 15};
  std::vector<classify::EvalItem> items(examples.size());
  std::vector<std::string> differences;
  double train_seconds = 0, classify_seconds = 0;
  std::map<std::string, int> why_human;
  for (int f = 0; f < folds; ++f) {
    std::vector<classify::Example> training;
    std::set<std::string> held_out;
    for (size_t i = 0; i < examples.size(); ++i) {
      if (fold[i] != f) {
        training.push_back(examples[i]);
      } else {
        held_out.insert(examples[i].group);
      }
    }
    if (held_out.empty()) continue;
    auto start = std::chrono::steady_clock::now();
    Result<std::string> bytes = classify::TrainModel(training, *setup->rules, train);
    Result<std::shared_ptr<const classify::Model>> model =
        bytes.ok() ? classify::Model::FromBytes(*bytes) : Result<std::shared_ptr<const classify::Model>>(bytes.status());
    if (!model.ok()) {
      std::cerr << "purr eval: fold " << f + 1 << ": " << model.status().message() << "\n";
      return cli::kExitSomeFailed;
    }
    auto trained = std::chrono::steady_clock::now();
    train_seconds += std::chrono::duration<double>(trained - start).count();
    classify::Classifier classifier(setup->rules, *model);
    for (size_t i = 0; i < examples.size(); ++i) {
      if (fold[i] != f) continue;
      classify::Classification c = classifier.Classify(examples[i].text, options);
      items[i] = classify::ToEvalItem(examples[i].group + "/" + examples[i].name, examples[i], c);
      for (const std::string& reason : c.needs_human_reasons) ++why_human[ReasonKind(reason)];
      if (auto d = Difference(items[i], examples[i])) {
        differences.push_back(*d + (items[i].needs_human ? " (to a human)" : ""));
      }
    }
    classify_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - trained).count();
    std::string names;
    for (const auto& g : held_out) names += (names.empty() ? "" : ", ") + g;
    std::cerr << "fold " << f + 1 << "/" << folds << ": " << names << " (" << training.size() << " letters trained on)\n";
  }
  const classify::Metrics all = classify::Evaluate(items);
  std::cout << "cross-validation: " << folds << " folds by writer over " << examples.size() << " letters ("
            << groups.size() << " writers), split " << split << "\nrules: " << setup->rules->version() << "\n"
            << classify::FormatMetrics(all) << "\nby slice\n"
            << classify::SummaryHeader();
  std::map<std::string, std::vector<classify::EvalItem>> by_language, by_fold;
  for (size_t i = 0; i < items.size(); ++i) {
    by_language[classify::LanguageCode(examples[i].language)].push_back(items[i]);
    by_fold["fold " + std::to_string(fold[i] + 1) + ": " + examples[i].group].push_back(items[i]);
  }
  std::cout << classify::FormatSummary("all", all);
  for (const auto& [language, slice] : by_language) {
    std::cout << classify::FormatSummary("language " + language, classify::Evaluate(slice));
  }
  for (const auto& [name, slice] : by_fold) std::cout << classify::FormatSummary(name, classify::Evaluate(slice));
  std::cout << "why letters went to a human (reasons, a letter may have several)\n";
  std::vector<std::pair<int, std::string>> kinds;
  for (const auto& [kind, n] : why_human) kinds.emplace_back(-n, kind);
  std::sort(kinds.begin(), kinds.end());
  for (const auto& [n, kind] : kinds) std::cout << "  " << -n << "  " << kind << "\n";
  std::cout << std::fixed << std::setprecision(1) << "training: " << train_seconds << " s for " << folds
            << " models; classification: " << classify_seconds << " s\n";
  if (cl.Has("verbose")) {
    for (const auto& d : differences) std::cout << "  differs: " << d << "\n";
  }
  return cli::kExitOk;
}

}  // namespace

int RunEvalCommand(const CommandArgs& args) {
  cli::CommandLine cl(kUsage, kDescription);
  cl.Value("examples", "PATH", "JSON-lines file or folder of labels.jsonl files");
  cl.Value("db", "PATH",
           "also the clerks' class corrections in this store (letters with ids divisible by 5 "
           "are the test split)");
  cl.Value("model", "MODEL", "model file (default fixtures/models/classify.model; 'none': rules only)");
  cl.Value("rules", "DIR", "rule files (default rules/)");
  cl.Value("split", "SPLIT", "test (default), train or all");
  cl.Flag("ocr", "classify the OCR output of the letters' scans");
  cl.Value("scans", "DIR", "scan fixtures for --ocr (default fixtures/scans)");
  cl.Integer("threads", "N", "OCR threads for --ocr, each with its own engine (default: one per core)", 1,
             256);
  cl.Flag("verbose", "list the letters classified differently from their labels");
  cl.Integer("folds", "N", "cross-validate over N folds of writers (0: one per writer)", 0, 1000);
  DeclareTrainOptions(&cl);
  if (auto exit_code = cl.Parse(args)) return *exit_code;
  if (cl.Has("folds")) return CrossValidate(cl);
  if (!cl.Has("examples") && !cl.Has("db")) return cl.UsageError("--examples or --db is required");
  const std::string split = cl.Get("split", "test");
  if (split != "train" && split != "test" && split != "all") return cl.UsageError("--split must be test, train or all");
  const int threads = static_cast<int>(
      cl.GetInteger("threads", std::max(1u, std::thread::hardware_concurrency())));
  Result<std::vector<LabelledLetter>> letters = std::vector<LabelledLetter>();
  if (cl.Has("examples")) letters = ReadLabelledLetters(cl.Get("examples"), split);
  if (!letters.ok()) {
    std::cerr << "purr eval: " << letters.status().message() << "\n";
    return cli::kExitSomeFailed;
  }
  size_t corrected = 0;
  if (cl.Has("db")) {
#ifdef PURR_HAVE_STORE
    Result<std::vector<LabelledLetter>> more = ReadCorrectedLetters(cl.Get("db"), split);
    if (!more.ok()) {
      std::cerr << "purr eval: " << more.status().message() << "\n";
      return cli::kExitSomeFailed;
    }
    corrected = more->size();
    for (LabelledLetter& l : *more) letters->push_back(std::move(l));
#else
    return cl.UsageError("--db needs a purr built with the store");
#endif
  }
  Result<ClassifierSetup> setup = LoadClassifierSetup(cl.Get("rules"), cl.Get("model"));
  if (!setup.ok()) {
    std::cerr << "purr eval: " << setup.status().message() << "\n";
    return cli::kExitSomeFailed;
  }
  classify::Classifier classifier(setup->rules, setup->model);
  classify::ClassifyOptions options;
  options.received = {2026, 1, 15};
  std::vector<classify::EvalItem> items;
  std::vector<std::string> differences;
  double seconds = 0;
  auto classify_one = [&](const std::string& name, const classify::Example& example, const std::string& text) {
    auto start = std::chrono::steady_clock::now();
    classify::Classification c = classifier.Classify(text, options);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    items.push_back(classify::ToEvalItem(name, example, c));
    if (auto d = Difference(items.back(), example)) differences.push_back(*d);
  };
  int failed = 0;
  std::string ocr_figures;
  if (cl.Has("ocr")) {
    LetterScans scans = ReadLetterScans(*letters, cl.Get("scans", DefaultDataPath("fixtures/scans")), threads);
    ocr_figures = scans.figures;
    for (size_t i = 0; i < scans.texts.size(); ++i) {
      if (!scans.texts[i].ok()) {
        ++failed;
        std::cerr << "purr eval: " << scans.texts[i].status().message() << "\n";
        continue;
      }
      classify_one(scans.paths[i], scans.letters[i]->example, scans.texts[i]->text);
    }
  } else {
    for (const auto& letter : *letters) classify_one(letter.example.name, letter.example, letter.example.text);
  }
  if (items.empty()) {
    std::cerr << "purr eval: no letters to evaluate\n";
    return cli::kExitSomeFailed;
  }
  classify::Metrics metrics = classify::Evaluate(items);
  std::cout << "model: " << (setup->model ? setup->model->version() : "none (rules only)")
            << "\nrules: " << setup->rules->version() << " (" << setup->rules->rules().size()
            << " rules, " << setup->rules->pattern_count() << " patterns)\ninput: "
            << (cl.Has("ocr") ? "OCR of scans" : "clean text") << ", split " << split
            << (cl.Has("db") ? ", " + std::to_string(corrected) + " letters from clerks' corrections"
                             : std::string())
            << "\n"
            << classify::FormatMetrics(metrics);
  std::cout << "classification: " << static_cast<int>(items.size() / std::max(seconds, 1e-9))
            << " letters/s (one thread, text only)\n"
            << ocr_figures;
  if (cl.Has("verbose")) {
    for (const auto& d : differences) std::cout << "  differs: " << d << "\n";
  }
  return failed > 0 ? cli::kExitSomeFailed : cli::kExitOk;
}

}  // namespace purr
