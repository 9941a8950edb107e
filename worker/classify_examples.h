// Labelled letters for `purr train` and `purr eval`: JSON lines
//   {"text": "..." | "file": "nb/001.txt", "lang": "nb", "classes": ["dispute"],
//    "legal": "halt", "split": "train"}
// A "file" is resolved against the JSON-lines file's folder, then its parent (the corpus
// labels.jsonl files name "nb/001_....txt" from fixtures/letters/). A PATH that is a folder
// means every labels.jsonl below it; several PATHs may be given separated by commas. Each
// letter's group (its writer, for cross-validation folds) is the line's "writer", else the
// labels file's folder without a trailing language folder.
#ifndef PURR_WORKER_CLASSIFY_EXAMPLES_H_
#define PURR_WORKER_CLASSIFY_EXAMPLES_H_

#include <string>
#include <vector>

#include "classify/model.h"
#include "classify/rules.h"
#include "common/status.h"

namespace purr {

struct LabelledLetter {
  classify::Example example;
  std::string file;   // resolved path of the letter, empty for inline text
  std::string stem;   // "<folder>_<name without .txt>", the scan fixtures' naming
  std::string split;  // as labelled; empty when the line has none
};

// Reads the examples of `path` whose split is `split` ("train", "test"; "all" takes every
// line). Lines without a split are always taken. Fails on the first malformed line with
// "<file>:<line>: <problem>".
Result<std::vector<LabelledLetter>> ReadLabelledLetters(const std::string& paths,
                                                        const std::string& split);

// Today's date in UTC, YYYY-MM-DD (the default receipt date and model date).
std::string TodayUtc();

// The rules and model a classifying command runs with.
struct ClassifierSetup {
  std::shared_ptr<const classify::RuleSet> rules;
  std::shared_ptr<const classify::Model> model;  // null with --model none
};

// `relative` under the working directory when it exists there, else under the source tree
// purr was built from (so `purr classify` works out of the box in a checkout).
std::string DefaultDataPath(const std::string& relative);

// Empty arguments take the defaults (rules/, fixtures/models/classify.model); model_path
// "none" runs on rules alone.
Result<ClassifierSetup> LoadClassifierSetup(const std::string& rules_dir,
                                            const std::string& model_path);

}  // namespace purr

#endif  // PURR_WORKER_CLASSIFY_EXAMPLES_H_
