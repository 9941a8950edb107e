// purr eval: the classifier measured against labelled letters (clean text or OCR'd scans).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "classify/classify.h"
#include "classify/evaluation.h"
#include "worker/classify_examples.h"
#include "worker/cli.h"
#include "worker/commands.h"
#ifdef PURR_HAVE_STORE
#include "worker/corrections.h"
#endif
#include "worker/letter_input.h"

namespace purr {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUsage =
    "purr eval --examples PATH [--db STORE] [--model MODEL|none] [--rules DIR] [--split test|train|all] "
    "[--ocr [--scans DIR] [--threads N]] [--verbose]";

constexpr const char* kDescription =
    "Classifies labelled letters (JSON lines as for purr train; default: the test split; "
    "with --db also the clerks' corrected letters of that split, on their stored text) and "
    "prints per-class precision, recall and F1, macro-F1, the confusion matrix, legal-halt "
    "recall, language accuracy, the letters decided without a human and how many of those "
    "have a wrong class set. With --ocr the letters are read from their scans under "
    "--scans (default fixtures/scans; files named <folder>_<letter>.<ext>) through the OCR "
    "engine instead (N threads, one engine each; classification stays on one thread). "
    "--verbose lists every letter whose classes differ from its labels. "
    "Exit status: 0 measured, 1 failed, 2 usage error.";

std::string Names(const std::vector<classify::Class>& classes) {
  std::string out;
  for (auto c : classes) out += std::string(out.empty() ? "" : ",") + classify::ClassName(c);
  return out;
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
  if (auto exit_code = cl.Parse(args)) return *exit_code;
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
    // The metrics treat classes as a set; so does the list of differences.
    if (!std::is_permutation(items.back().predicted.begin(), items.back().predicted.end(),
                             example.classes.begin(), example.classes.end())) {
      differences.push_back(name + ": expected " + Names(example.classes) + ", got " + Names(items.back().predicted));
    }
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
