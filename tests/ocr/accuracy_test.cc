// Character error rate per kind of scan, on the committed fixture scans
// (fixtures/scans/<kind>, made by fixtures/scans/make_scans.py). Means per kind over at
// least 8 pages; no page above 2%. The shared conformance pages and the real scans are in
// real_scans_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <ostream>
#include <memory>
#include <vector>

#include "ocr/ocr.h"
#include "tests/ocr/reading.h"
#include "tests/ocr/shared_engine.h"
#include "tests/ocr/test_files.h"

namespace purr::ocr {
namespace {

using purr::testing::GroundTruthFor;
using purr::testing::ReadAll;
using purr::testing::ReadFile;
using purr::testing::Reading;
using purr::testing::Repo;

constexpr double kMaxPageCer = 0.02;

struct KindTarget {
  const char* kind;
  double max_mean_cer;
};

// Names the parameter in test listings instead of dumping its bytes.
void PrintTo(const KindTarget& target, std::ostream* os) { *os << target.kind; }

std::vector<std::string> Scans(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string path = entry.path().string();
    if (path.size() > 7 && path.compare(path.size() - 7, 7, ".gt.txt") == 0) continue;
    out.push_back(path);
  }
  std::sort(out.begin(), out.end());
  return out;
}

class AccuracyTest : public ::testing::TestWithParam<KindTarget> {
 protected:
  Engine* const engine_ = &purr::testing::SharedEngine();
};

TEST_P(AccuracyTest, MeanCerPerKindWithinTarget) {
  const KindTarget target = GetParam();
  const std::vector<std::string> scans = Scans(Repo(std::string("fixtures/scans/") + target.kind));
  ASSERT_GE(scans.size(), 8u) << "too few fixture pages for " << target.kind;
  double sum = 0;
  for (const std::string& scan : scans) {
    Reading reading = ReadAll(*engine_, scan);
    const double cer = CharacterErrorRate(ReadFile(GroundTruthFor(scan)), reading.text);
    sum += cer;
    EXPECT_LE(cer, kMaxPageCer) << scan << "\n" << reading.text;
    ASSERT_FALSE(reading.pages.empty());
    const PageResult& page = reading.pages.front();
    if (std::string(target.kind) == "rotated") {
      EXPECT_NE(page.rotation, 0) << scan;
    }
    if (std::string(target.kind) == "skew") {
      EXPECT_GE(std::fabs(page.skew), 0.5) << scan;
    }
    std::printf("[ cer ] %-12s %.4f  rot %3d  skew %5.2f  %-16s %6.0f ms  %s\n", target.kind,
                cer, page.rotation, page.skew, page.language.c_str(), page.ms,
                std::filesystem::path(scan).filename().c_str());
  }
  const double mean = sum / static_cast<double>(scans.size());
  std::printf("[ cer ] %-12s mean %.4f over %zu pages (target %.4f)\n", target.kind, mean,
              scans.size(), target.max_mean_cer);
  EXPECT_LE(mean, target.max_mean_cer);
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, AccuracyTest,
    ::testing::Values(KindTarget{"clean300", 0.005}, KindTarget{"jpeg", 0.005},
                      KindTarget{"lowcontrast", 0.005}, KindTarget{"rotated", 0.005},
                      KindTarget{"fax200", 0.015}, KindTarget{"skew", 0.01}),
    [](const ::testing::TestParamInfo<KindTarget>& kind_info) {
      return std::string(kind_info.param.kind);
    });


TEST(MultipageAccuracyTest, LongLettersAsTiffAndPdf) {
  auto engine = Engine::Create(EngineOptions());
  ASSERT_TRUE(engine.ok());
  int documents = 0;
  for (const std::string& scan : Scans(Repo("fixtures/scans/multipage"))) {
    Reading reading = ReadAll(**engine, scan);
    EXPECT_GE(reading.pages.size(), 2u) << scan;
    const double cer = CharacterErrorRate(ReadFile(GroundTruthFor(scan)), reading.text);
    std::printf("[ cer ] multipage    %.4f  %zu pages  %s\n", cer, reading.pages.size(),
                scan.c_str());
    EXPECT_LE(cer, 0.015) << scan;
    ++documents;
  }
  EXPECT_GE(documents, 2);
}

}  // namespace
}  // namespace purr::ocr
