// Which words and text the letter page highlights.
#include "web/highlight.h"

#include <gtest/gtest.h>

namespace purr::web {
namespace {

TEST(Highlight, WordsAreFoundInReadingOrderEvenWhenTheyRepeat) {
  const std::string text = "Jeg betaler ikke. Jeg bestrider kravet.";
  std::vector<PageWord> words = LocateWords(
      text, R"([[10,10,30,12,"Jeg"],[45,10,60,12,"betaler"],[110,10,30,12,"ikke."],)"
            R"([10,30,30,12,"Jeg"],[45,30,80,12,"bestrider"],[130,30,50,12,"kravet."]])");
  ASSERT_EQ(words.size(), 6u);
  EXPECT_EQ(words[0].start, 0u);
  EXPECT_EQ(words[3].start, 18u) << "the second 'Jeg', not the first";
  EXPECT_EQ(words[4].start, 22u);
  EXPECT_EQ(words[4].x, 45);
  EXPECT_EQ(words[4].height, 12);
}

TEST(Highlight, AWordMissingFromTheTextKeepsNoRangeAndDoesNotDerailTheRest) {
  const std::string text = "faktura 123 betalt";
  std::vector<PageWord> words =
      LocateWords(text, R"([[0,0,5,5,"faktura"],[6,0,5,5,"XYZ"],[12,0,5,5,"123"],[18,0,5,5,"betalt"]])");
  ASSERT_EQ(words.size(), 4u);
  EXPECT_EQ(words[1].start, std::string::npos);
  EXPECT_EQ(words[2].start, 8u);
  EXPECT_EQ(words[3].start, 12u);
}

TEST(Highlight, MalformedJsonGivesNothing) {
  EXPECT_TRUE(LocateWords("x", "not json").empty());
  EXPECT_TRUE(LocateWords("x", R"({"a":1})").empty());
  EXPECT_TRUE(LocateWords("x", "").empty());
  EXPECT_TRUE(MarksOf("[{", "nope").empty());
  EXPECT_TRUE(MarksOf("", "").empty());
  EXPECT_TRUE(LocateWords("x", R"([[1,2,3]])").empty());
}

TEST(Highlight, MarksComeFromReasonSpansAndEntities) {
  std::vector<Mark> marks = MarksOf(
      R"([{"class":"dispute","confidence":0.9,"reasons":[{"source":"rule","id":"dispute.nb","detail":"'bestrider'","spans":[[4,13],[20,26]]},{"source":"model","id":"m1","detail":"p=0.9"}]}])",
      R"([{"type":"amount","value":"278000","valid":true,"start":30,"end":38}])");
  ASSERT_EQ(marks.size(), 3u);
  EXPECT_EQ(marks[0].kind, "reason");
  EXPECT_EQ(marks[0].start, 4u);
  EXPECT_EQ(marks[0].end, 13u);
  EXPECT_NE(marks[0].label.find("dispute.nb"), std::string::npos);
  EXPECT_EQ(marks[1].start, 20u);
  EXPECT_EQ(marks[2].kind, "amount");
  EXPECT_EQ(marks[2].start, 30u);
}

TEST(Highlight, MarksLandOnTheRightPageAcrossTheBlankLineBetweenPages) {
  // The letter's text is "abc def\n\nghi jkl": page 2 starts at byte 9.
  const std::vector<std::string> pages = {"abc def", "ghi jkl"};
  std::vector<std::vector<PageWord>> words = {
      LocateWords(pages[0], R"([[0,0,3,1,"abc"],[4,0,3,1,"def"]])"),
      LocateWords(pages[1], R"([[0,0,3,1,"ghi"],[40,0,3,1,"jkl"]])")};
  std::vector<Mark> marks = {{4, 7, "reason", "r"}, {13, 16, "amount", "a"}, {5, 11, "date", "d"}};
  std::vector<PageMarks> placed = PlaceMarks(pages, words, marks);
  ASSERT_EQ(placed.size(), 2u);
  ASSERT_EQ(placed[0].boxes.size(), 2u);  // "def" for the reason and the date
  EXPECT_EQ(placed[0].boxes[0].x, 4);
  ASSERT_EQ(placed[1].boxes.size(), 2u);  // "jkl" for the amount, "ghi" for the date
  bool jkl = false;
  for (const PageMarks::Box& b : placed[1].boxes) jkl = jkl || (b.x == 40 && b.mark == 1);
  EXPECT_TRUE(jkl);
  ASSERT_EQ(placed[1].runs.size(), 2u);
  EXPECT_EQ(placed[1].runs[0].start, 4u);  // the amount: "jkl"
  EXPECT_EQ(placed[1].runs[0].end, 7u);
  EXPECT_EQ(placed[1].runs[1].start, 0u);  // the date's part on page 2: "gh"
  EXPECT_EQ(placed[1].runs[1].end, 2u);
}

}  // namespace
}  // namespace purr::web
