// A clerk's class corrections, made over HTTP, come back as labelled letters for
// `purr train --db` and `purr eval --db`.
#include "worker/corrections.h"

#include <gtest/gtest.h>

#include "tests/web/web_test_util.h"

namespace purr::web::testing {
namespace {

TEST(Corrections, TheLastCorrectionOfEachLetterIsItsLabelAndIdsSplitTrainFromTest) {
  ReviewServer s;
  Signed kari = s.SignIn("kari", "clerk-password-1");
  const std::string action = "/api/v1/letters/" + std::to_string(s.letter_id) + "/actions";
  ASSERT_EQ(s.Post(action, R"({"action":"confirm"})", kari).status, 200);
  ASSERT_EQ(s.Post(action, R"({"action":"set_classes","classes":["complaint","dispute"]})", kari).status,
            200);
  const std::string& db = s.store_path();
  Result<std::vector<LabelledLetter>> train = ReadCorrectedLetters(db, "train");
  ASSERT_TRUE(train.ok()) << train.status().message();
  ASSERT_EQ(train->size(), 1u) << "letter 1 is in the train split";
  const classify::Example& e = (*train)[0].example;
  EXPECT_EQ(e.classes, (std::vector<classify::Class>{classify::Class::kComplaint,
                                                     classify::Class::kDispute}));
  EXPECT_NE(e.text.find("bestrider"), std::string::npos);
  EXPECT_EQ(e.language, classify::Language::kNb);
  EXPECT_EQ(e.legal, classify::LegalCategory::kHalt);
  Result<std::vector<LabelledLetter>> test = ReadCorrectedLetters(db, "test");
  ASSERT_TRUE(test.ok());
  EXPECT_TRUE(test->empty());
  EXPECT_FALSE(ReadCorrectedLetters((s.dir() / "nope" / "x.sqlite").string(), "all").ok());
}

}  // namespace
}  // namespace purr::web::testing
