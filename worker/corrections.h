// Clerks' class corrections in the store as labelled letters, for `purr train --db` and
// `purr eval --db`: each corrected or confirmed letter's text (its pages joined by a blank
// line), the classes the clerk settled on last, the letter's language and legal category.
// Letters whose id is a multiple of 5 are the "test" split, the rest "train", so what the
// model learns from is kept apart from what it is measured on.
#ifndef PURR_WORKER_CORRECTIONS_H_
#define PURR_WORKER_CORRECTIONS_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "worker/classify_examples.h"

namespace purr {

// The corrected letters of the store at `db_path` in `split` ("train", "test", "all").
// Errors: the store cannot be opened or read.
Result<std::vector<LabelledLetter>> ReadCorrectedLetters(const std::string& db_path,
                                                         const std::string& split);

}  // namespace purr

#endif  // PURR_WORKER_CORRECTIONS_H_
