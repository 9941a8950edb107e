#include "worker/train_options.h"

namespace purr {

void DeclareTrainOptions(cli::CommandLine* cl) {
  cl->Decimal("cost", "C", "liblinear's C for the class model (default 16)", 0.001, 1000);
  cl->Integer("min-count", "N", "features seen in fewer training letters are dropped (default 2)", 1, 1000);
  cl->Integer("calibration-folds", "N", "cross-validation folds (by writer) for the calibration (default 5)", 2,
              100);
  cl->Decimal("target-precision", "P", "precision a reported class reaches in cross-validation (default 0.95)",
              0.5, 1);
  cl->Decimal("halt-precision", "P",
              "share of the letters a halt class is reported on that are halt letters, in cross-validation "
              "(default 0.98)",
              0.5, 1);
  cl->Decimal("miss-rate", "R", "share of a class's letters allowed below its doubt threshold (default 0.1)",
              0, 0.5);
  cl->Decimal("halt-miss-rate", "R", "share of the halt letters allowed below the halt output's doubt threshold (default 0.01)", 0, 0.5);
  cl->Integer("seed", "N", "random seed of the language model (default 7)", 0, 1 << 30);
}

classify::TrainOptions GetTrainOptions(const cli::CommandLine& cl) {
  classify::TrainOptions options;
  // The ranges declared above fit an int.
  options.cost = cl.GetDecimal("cost", options.cost);
  options.min_count = static_cast<int>(cl.GetInteger("min-count", options.min_count));
  options.calibration_folds = static_cast<int>(cl.GetInteger("calibration-folds", options.calibration_folds));
  options.target_precision = cl.GetDecimal("target-precision", options.target_precision);
  options.halt_precision = cl.GetDecimal("halt-precision", options.halt_precision);
  options.miss_rate = cl.GetDecimal("miss-rate", options.miss_rate);
  options.halt_miss_rate = cl.GetDecimal("halt-miss-rate", options.halt_miss_rate);
  options.seed = static_cast<int>(cl.GetInteger("seed", options.seed));
  return options;
}

}  // namespace purr
