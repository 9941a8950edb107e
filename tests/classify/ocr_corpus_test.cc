// Issue 4: every test-split letter of the corpus is rendered as a scan (one degradation kind
// per letter, fixtures/scans/make_scans.py --corpus) and classified from real Tesseract's
// output by the real purr binary; legal-halt recall and language accuracy must hold on it.
#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "tests/worker/run_purr.h"

namespace purr {
namespace {

using testing::PurrRun;
using testing::RunProgram;
using testing::RunPurr;

double Figure(const std::string& out, const std::string& label) {
  size_t at = out.find(label);
  EXPECT_NE(at, std::string::npos) << label;
  return at == std::string::npos ? 0 : std::stod(out.substr(at + label.size()));
}

// Renders into the build tree; letters already rendered by an earlier run with the same
// text and generator are kept (the generator's manifest), so only the first run pays.
// Missing ImageMagick or libtiff-tools fail the test with the generator's message.
PurrRun RenderTestSplit() {
  return RunProgram("python3", {"fixtures/scans/make_scans.py", "--corpus", "--split", "test", "--jobs", "2",
                                "--out", PURR_CORPUS_SCANS_DIR});
}

TEST(OcrCorpus, TestSplitKeepsLegalHaltRecallAndLanguageOnOcrOutput) {
  PurrRun render = RenderTestSplit();
  std::cout << render.err;
  ASSERT_EQ(render.exit_code, 0) << "fixtures/scans/make_scans.py failed (scripts/setup.sh installs its tools)";
  PurrRun run = RunPurr({"eval", "--examples", "fixtures/letters", "--split", "test", "--ocr", "--scans",
                         PURR_CORPUS_SCANS_DIR, "--verbose"});
  std::cout << run.out;
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // Exactly one scan per letter: none missing, none read twice.
  EXPECT_EQ(Figure(run.out, "ocr: "), Figure(render.err, "make_scans: corpus of "));
  // As on clean text (accuracy_test.cc): halt letters below the calibrated threshold go to a
  // human; the guarantee is the next line but one.
  EXPECT_GE(Figure(run.out, "legal-halt recall: "), 0.90);
  EXPECT_GE(Figure(run.out, "language accuracy: "), 0.98);
  EXPECT_EQ(Figure(run.out, "halt letters passed as harmless (no halt, no human): "), 0);
  std::cout << "macro-F1 on OCR output, test split: " << Figure(run.out, "macro-F1: ") << "\n";
}

}  // namespace
}  // namespace purr
