// purr train: labelled letters in, a classification model file out.
#include <fstream>
#include <iostream>

#include "classify/model.h"
#include "classify/rules.h"
#include "worker/classify_examples.h"
#include "worker/cli.h"
#include "worker/commands.h"
#include "worker/train_options.h"
#ifdef PURR_HAVE_STORE
#include "worker/corrections.h"
#endif

namespace purr {
namespace {

constexpr const char* kUsage =
    "purr train --examples PATH[,PATH...] [--db STORE] --out MODEL [--split train|test|all] [--rules DIR] "
    "[--cost C] [--min-count N] [--calibration-folds N] [--target-precision P] [--miss-rate R] [--halt-miss-rate R] "
    "[--seed N] [--date YYYY-MM-DD]";

constexpr const char* kDescription =
    "Trains the letter classifier from JSON lines {\"text\" or \"file\", \"lang\", \"classes\", "
    "\"legal\"}: a logistic-regression class model (liblinear) over word stems, stem pairs, "
    "negated stems and character 4-grams, a calibration per class fitted on cross-validated "
    "scores (folds by writer) together with the rules' evidence, per-class thresholds chosen "
    "for the target precision and miss rates, and a character n-gram language model (fastText). "
    "PATH is a JSON-lines file or a folder whose labels.jsonl files are read (e.g. "
    "fixtures/letters); several may be given separated by commas. Only lines with split "
    "\"train\" (or no split) are used unless --split says otherwise. With --db the clerks' "
    "class corrections and confirmations in the store are added (the train split of them). "
    "The rules (--rules, default rules/) are part of the calibration: retrain when they change. "
    "Training is deterministic for the same examples, rules and options. The model's version "
    "(date and content hash) is printed and reported by every classification. "
    "Exit status: 0 written, 1 failed, 2 usage error.";

}  // namespace

int RunTrainCommand(const CommandArgs& args) {
  cli::CommandLine cl(kUsage, kDescription);
  cl.Value("examples", "PATH", "JSON-lines file or folder of labels.jsonl files");
  cl.Value("db", "PATH",
           "also the clerks' class corrections in this store (letters with ids divisible by 5 "
           "are the test split)");
  cl.Value("out", "MODEL", "model file to write");
  cl.Value("split", "SPLIT", "train (default), test or all");
  cl.Value("rules", "DIR", "rule files the calibration reads (default rules/)");
  DeclareTrainOptions(&cl);
  cl.Value("date", "YYYY-MM-DD", "date in the model version (default today, UTC)");
  if (auto exit_code = cl.Parse(args)) return *exit_code;
  if ((!cl.Has("examples") && !cl.Has("db")) || !cl.Has("out")) {
    return cl.UsageError("--out and --examples or --db (or both) are required");
  }
  classify::TrainOptions options = GetTrainOptions(cl);
  options.date = cl.Get("date", TodayUtc());
  if (!classify::Date::Parse(options.date)) return cl.UsageError("--date must be YYYY-MM-DD");
  const std::string split = cl.Get("split", "train");
  if (split != "train" && split != "test" && split != "all") {
    return cl.UsageError("--split must be train, test or all");
  }
  Result<std::vector<LabelledLetter>> letters = std::vector<LabelledLetter>();
  if (cl.Has("examples")) letters = ReadLabelledLetters(cl.Get("examples"), split);
  if (!letters.ok()) {
    std::cerr << "purr train: " << letters.status().message() << "\n";
    return cli::kExitSomeFailed;
  }
  size_t corrected = 0;
  if (cl.Has("db")) {
#ifdef PURR_HAVE_STORE
    Result<std::vector<LabelledLetter>> more = ReadCorrectedLetters(cl.Get("db"), split);
    if (!more.ok()) {
      std::cerr << "purr train: " << more.status().message() << "\n";
      return cli::kExitSomeFailed;
    }
    corrected = more->size();
    for (LabelledLetter& l : *more) letters->push_back(std::move(l));
#else
    return cl.UsageError("--db needs a purr built with the store");
#endif
  }
  std::vector<classify::Example> examples;
  for (auto& letter : *letters) examples.push_back(std::move(letter.example));
  Result<ClassifierSetup> setup = LoadClassifierSetup(cl.Get("rules"), "none");
  if (!setup.ok()) {
    std::cerr << "purr train: " << setup.status().message() << "\n";
    return cli::kExitSomeFailed;
  }
  Result<std::string> model = classify::TrainModel(examples, *setup->rules, options);
  if (!model.ok()) {
    std::cerr << "purr train: " << model.status().message() << "\n";
    return cli::kExitSomeFailed;
  }
  std::ofstream out(cl.Get("out"), std::ios::binary | std::ios::trunc);
  out.write(model->data(), static_cast<std::streamsize>(model->size()));
  out.close();
  if (!out) {
    std::cerr << "purr train: " << cl.Get("out") << ": cannot write\n";
    return cli::kExitSomeFailed;
  }
  Result<std::shared_ptr<const classify::Model>> loaded = classify::Model::FromBytes(*model);
  std::cout << "trained on " << examples.size() << " letters (split " << split << "; "
            << corrected << " from clerks' corrections); model "
            << (loaded.ok() ? (*loaded)->version() : "?") << " written to " << cl.Get("out")
            << " (" << model->size() << " bytes)\n";
  return cli::kExitOk;
}

}  // namespace purr
