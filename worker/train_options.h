// The model-training options `purr train` and `purr eval --folds` share.
#ifndef PURR_WORKER_TRAIN_OPTIONS_H_
#define PURR_WORKER_TRAIN_OPTIONS_H_

#include "classify/model.h"
#include "worker/cli.h"

namespace purr {

// Declares --cost, --min-count, --calibration-folds, --target-precision, --miss-rate,
// --halt-miss-rate and --seed on `cl`.
void DeclareTrainOptions(cli::CommandLine* cl);

// Their values (defaults from classify::TrainOptions). REQUIRES: cl parsed.
classify::TrainOptions GetTrainOptions(const cli::CommandLine& cl);

}  // namespace purr

#endif  // PURR_WORKER_TRAIN_OPTIONS_H_
