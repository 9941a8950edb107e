// The class model's features (classify/features.h) and training's folds (model.h).
#include "classify/features.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "classify/model.h"
#include "classify/normalize.h"
#include "tests/classify/corpus.h"

namespace purr::classify {
namespace {

TEST(Features, InflectionsShareAStemInEachLanguage) {
  EXPECT_EQ(Stem("bestrider", Language::kNb), Stem("bestride", Language::kNb));
  EXPECT_EQ(Stem("betalingene", Language::kNb), Stem("betalingen", Language::kNb));
  EXPECT_EQ(Stem("betalningarna", Language::kSv), Stem("betalningar", Language::kSv));
  EXPECT_EQ(Stem("indsigelsen", Language::kDa), Stem("indsigelse", Language::kDa));
  EXPECT_EQ(Stem("disputing", Language::kEn), Stem("disputed", Language::kEn));
  // An unknown language is not stemmed.
  EXPECT_EQ(Stem("bestrider", Language::kUnknown), "bestrider");
}

TEST(Features, AreSortedUniqueAndOfUnitLength) {
  FeatureVector f = LetterFeatures(Fold("Jeg bestrider kravet. Jeg bestrider gebyret også, 1 250,00 kr fra 2019.").text,
                                   Language::kNb);
  ASSERT_FALSE(f.values.empty());
  double norm = 0;
  for (size_t i = 0; i < f.values.size(); ++i) {
    EXPECT_LT(f.values[i].index, 1u << kFeatureBits);
    if (i > 0) {
      EXPECT_LT(f.values[i - 1].index, f.values[i].index);
    }
    norm += static_cast<double>(f.values[i].value) * f.values[i].value;
  }
  EXPECT_NEAR(norm, 1.0, 1e-5);
  EXPECT_TRUE(LetterFeatures("", Language::kNb).values.empty());
}

// "not disputing" gives the negated stem a feature of its own; the scope ends at the clause.
TEST(Features, NegationScopeEndsAtTheClause) {
  auto negated = [](const std::string& text, Language language) {
    std::set<std::string> out;
    for (const WordFeature& w : WordFeatures(Fold(text).text, language)) {
      if (w.negated) out.insert(w.word);
    }
    return out;
  };
  EXPECT_EQ(negated("I am not disputing the debt, but I dispute the fee.", Language::kEn),
            (std::set<std::string>{"disputing", "the", "debt"}));
  EXPECT_EQ(negated("I don't owe this", Language::kEn), (std::set<std::string>{"owe", "this"}));
  EXPECT_EQ(negated("Jeg bestrider ikke kravet men gebyret", Language::kNb), (std::set<std::string>{"kravet"}));
  EXPECT_TRUE(negated("Jag bestrider kravet.", Language::kSv).empty());
}

TEST(Folds, AWritersLettersStayInOneFold) {
  std::vector<Example> examples;
  for (int w = 0; w < 7; ++w) {
    for (int i = 0; i < 3 + w; ++i) {
      Example e;
      e.group = "w" + std::to_string(w);
      examples.push_back(e);
    }
  }
  const std::vector<int> fold = AssignFolds(examples, 3);
  std::vector<int> size(3, 0);
  for (size_t i = 0; i < examples.size(); ++i) {
    ASSERT_GE(fold[i], 0);
    ASSERT_LT(fold[i], 3);
    ++size[static_cast<size_t>(fold[i])];
    for (size_t j = 0; j < examples.size(); ++j) {
      if (examples[i].group == examples[j].group) {
        EXPECT_EQ(fold[i], fold[j]);
      }
    }
  }
  // 42 letters in groups of 3..9: the folds come out within one group's size of each other.
  EXPECT_LE(*std::max_element(size.begin(), size.end()) - *std::min_element(size.begin(), size.end()), 9);
  // Fewer groups than folds: dealt round robin.
  Example same;
  same.group = "w";
  std::vector<Example> one_writer(5, same);
  EXPECT_EQ(AssignFolds(one_writer, 2), (std::vector<int>{0, 1, 0, 1, 0}));
}

// A model file that is not ours, of the old format, or cut short anywhere is refused with a
// message; nothing is half-loaded.
TEST(Model, RefusesForeignOldAndTruncatedFiles) {
  std::ifstream in("fixtures/models/classify.model", std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const std::string model = bytes.str();
  ASSERT_TRUE(Model::FromBytes(model).ok());
  EXPECT_NE(Model::FromBytes("hello").status().message().find("not a purr model file"), std::string::npos);
  EXPECT_NE(Model::FromBytes("purr-model 1\nversion ft-x\n").status().message().find("older format"),
            std::string::npos);
  for (size_t cut : {size_t{20}, model.size() / 2, model.size() - 1000, model.size() - 1}) {
    Result<std::shared_ptr<const Model>> loaded = Model::FromBytes(std::string_view(model).substr(0, cut));
    ASSERT_FALSE(loaded.ok()) << cut;
    EXPECT_NE(loaded.status().message().find("model file"), std::string::npos) << loaded.status().message();
  }
  // weak_report, the calibration line's ninth number: read when there, never (2) when not
  // (a model written before it existed), refused out of range.
  const int bankruptcy = static_cast<int>(Class::kBankruptcy);
  Result<std::shared_ptr<const Model>> older = Model::FromBytes(testing::ShippedModelWithWeakReport(bankruptcy, ""));
  ASSERT_TRUE(older.ok()) << older.status().ToString();
  EXPECT_EQ((*older)->calibration(bankruptcy).weak_report, 2);
  Result<std::shared_ptr<const Model>> set = Model::FromBytes(testing::ShippedModelWithWeakReport(bankruptcy, "0.75"));
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ((*set)->calibration(bankruptcy).weak_report, 0.75);
  EXPECT_EQ((*set)->calibration(0).report, (*older)->calibration(0).report);
  EXPECT_FALSE(Model::FromBytes(testing::ShippedModelWithWeakReport(bankruptcy, "7")).ok());
  EXPECT_FALSE(Model::FromBytes(testing::ShippedModelWithWeakReport(bankruptcy, "0.5 0.6")).ok());
  std::string bad_rows = model;
  const size_t linear = bad_rows.find("outputs ");
  ASSERT_NE(linear, std::string::npos);
  bad_rows.replace(linear, 10, "outputs 13");
  EXPECT_FALSE(Model::FromBytes(bad_rows).ok());
}

}  // namespace
}  // namespace purr::classify
