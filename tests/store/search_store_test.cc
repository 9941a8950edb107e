// The letters' full-text index (Txn::SearchLetters) and the search syntax
// (store/text_query.h), on a real SQLite file in a temporary folder.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "store/store.h"
#include "tests/store/backend.h"
#include "store/text_query.h"

namespace purr::store {
namespace {

namespace fs = std::filesystem;

// ---- The syntax ----

std::vector<std::string> Terms(const std::string& text) {
  Result<TextQuery> q = ParseTextQuery(text);
  EXPECT_TRUE(q.ok()) << text << ": " << q.status().message();
  std::vector<std::string> out;
  if (!q.ok()) return out;
  for (const TextTerm& t : q->terms) out.push_back(t.text + (t.prefix ? "*" : ""));
  return out;
}

TEST(TextQueryTest, WordsPhrasesAndPrefixes) {
  EXPECT_EQ(Terms("kari  nordmann"), (std::vector<std::string>{"kari", "nordmann"}));
  EXPECT_EQ(Terms("\"stanser inkassoen\" mobilia"),
            (std::vector<std::string>{"stanser inkassoen", "mobilia"}));
  EXPECT_EQ(Terms("KID-1234-5"), std::vector<std::string>{"KID-1234-5"});
  EXPECT_EQ(Terms("nordm* \"kari nor\"*"), (std::vector<std::string>{"nordm*", "kari nor*"}));
  EXPECT_EQ(Terms("Ålesund"), std::vector<std::string>{"Ålesund"});
  // Punctuation and symbols alone find nothing and are left out; a star after punctuation
  // extends nothing.
  EXPECT_EQ(Terms("faktura - € 4471"), (std::vector<std::string>{"faktura", "4471"}));
  EXPECT_EQ(Terms("abc-*"), std::vector<std::string>{"abc-"});
}

TEST(TextQueryTest, WhatCannotBeSearched) {
  for (const char* bad : {"", "   ", "- € ***", "\"unclosed phrase"}) {
    Result<TextQuery> q = ParseTextQuery(bad);
    ASSERT_FALSE(q.ok()) << bad;
    EXPECT_EQ(q.status().code(), Status::Code::kInvalidInput) << bad;
  }
  EXPECT_FALSE(ParseTextQuery(std::string(1001, 'a')).ok());
  std::string many;
  for (int i = 0; i < 33; ++i) many += "w" + std::to_string(i) + " ";
  EXPECT_FALSE(ParseTextQuery(many).ok());
}

// ---- The index ----

class SearchStoreTest : public ::testing::TestWithParam<backends::Backend> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("purr_search_store_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    location_ = std::make_unique<backends::StoreLocation>(GetParam(), dir_);
    StoreOptions options;
    options.path = location_->path();
    Result<std::unique_ptr<Store>> s = OpenStore(options);
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    Add("dispute.tif", "S-1", {"Jeg bestrider kravet i sin helhet og ber om at dere stanser",
                               "inkassoen. Mvh Tor Einar Haugli, Ålesund. KID 2001002316"});
    Add("plan.png", "S-2", {"Kan jeg få betalingsplan? Hilsen Kari Nordmann, Bærum"});
    Add("estate.pdf", "", {"Dødsbo etter Ola Haug. Proklama er utstedt."});
  }
  void TearDown() override {
    store_.reset();
    location_.reset();
    fs::remove_all(dir_);
  }
  void Add(const std::string& file, const std::string& case_id,
           const std::vector<std::string>& pages) {
    LetterRecord l;
    l.sha256 = "sha-" + file;
    l.file = file;
    l.source = "batch";
    l.received = "2020-02-03T09:00:00.000Z";
    l.kind = "scan";
    l.classes = {"dispute"};
    l.legal = "halt";
    l.case_id = case_id;
    l.status = "linked";
    for (size_t i = 0; i < pages.size(); ++i) {
      PageRecord p;
      p.page = static_cast<int>(i + 1);
      p.text = pages[i];
      p.confidence = 90;
      l.pages.push_back(p);
    }
    Status s = store_->Transact([&](Txn& t) { t.InsertLetter(l); });
    ASSERT_TRUE(s.ok()) << s.message();
  }
  // The files found for `text`, best first.
  std::vector<std::string> Find(const std::string& text, std::vector<LetterHit>* hits = nullptr) {
    Result<TextQuery> q = ParseTextQuery(text);
    EXPECT_TRUE(q.ok()) << q.status().message();
    std::vector<LetterHit> found;
    if (q.ok()) {
      Status s = store_->Read([&](Txn& t) { found = t.SearchLetters(*q, 10); });
      EXPECT_TRUE(s.ok()) << s.message();
    }
    std::vector<std::string> files;
    for (const LetterHit& h : found) files.push_back(h.file);
    if (hits) *hits = std::move(found);
    return files;
  }

  fs::path dir_;
  std::unique_ptr<backends::StoreLocation> location_;
  std::unique_ptr<Store> store_;
};

using Files = std::vector<std::string>;

TEST_P(SearchStoreTest, FindsByNameReferenceAndPhrase) {
  std::vector<LetterHit> hits;
  EXPECT_EQ(Find("Tor Einar Haugli", &hits), Files{"dispute.tif"});
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].case_id, "S-1");
  EXPECT_EQ(hits[0].source, "batch");
  EXPECT_EQ(hits[0].classes, std::vector<std::string>{"dispute"});
  EXPECT_NE(hits[0].snippet.find("\u00abHaugli\u00bb"), std::string::npos) << hits[0].snippet;
  EXPECT_GT(hits[0].score, 0);
  EXPECT_EQ(Find("2001002316"), Files{"dispute.tif"});
  EXPECT_EQ(Find("KID-2001002316"), Files{"dispute.tif"});
  // A phrase across the page break: the letter's pages are one text.
  EXPECT_EQ(Find("\"stanser inkassoen\""), Files{"dispute.tif"});
  EXPECT_EQ(Find("\"inkassoen stanser\""), Files{});
  // Every term must occur: a word of another letter finds neither.
  EXPECT_EQ(Find("Haugli betalingsplan"), Files{});
  EXPECT_EQ(Find("betalingsplan"), Files{"plan.png"});
  EXPECT_EQ(Find("plan.png"), Files{"plan.png"});  // the file name is indexed too
}

TEST_P(SearchStoreTest, CaseAccentsAndPrefixes) {
  EXPECT_EQ(Find("alesund"), Files{"dispute.tif"});
  EXPECT_EQ(Find("ÅLESUND"), Files{"dispute.tif"});
  EXPECT_EQ(Find("BAERUM"), Files{});  // æ is a letter of its own, not a+e
  EXPECT_EQ(Find("bærum"), Files{"plan.png"});
  EXPECT_EQ(Find("Haug"), Files{"estate.pdf"});  // a word, not a prefix
  Files both = Find("Haug*");
  std::sort(both.begin(), both.end());
  EXPECT_EQ(both, (Files{"dispute.tif", "estate.pdf"}));
}

TEST_P(SearchStoreTest, TheBackendsOperatorsArePlainWords) {
  for (const char* text : {"AND", "OR Haugli", "NOT", "NEAR(Haugli Tor)", "file:plan",
                           "\"\"\"", "Haugli)", "^Tor", "{file text}: x", "'; DROP TABLE letters; --"}) {
    Result<TextQuery> q = ParseTextQuery(text);
    if (!q.ok()) continue;
    std::vector<LetterHit> found;
    Status s = store_->Read([&](Txn& t) { found = t.SearchLetters(*q, 10); });
    EXPECT_TRUE(s.ok()) << text << ": " << s.message();
  }
  EXPECT_EQ(Find("OR Haugli"), Files{});   // "or" is a word no letter has
  EXPECT_EQ(Find("Haugli)"), Files{"dispute.tif"});
  EXPECT_EQ(Find("Ålesund."), Files{"dispute.tif"});
}

TEST_P(SearchStoreTest, TheBestMatchComesFirstAndTheLimitHolds) {
  for (int i = 0; i < 30; ++i) {
    Add("extra" + std::to_string(i) + ".txt", "", {"Inkasso inkasso brev nummer " + std::to_string(i)});
  }
  Result<TextQuery> q = ParseTextQuery("inkasso");
  ASSERT_TRUE(q.ok());
  std::vector<LetterHit> found;
  ASSERT_TRUE(store_->Read([&](Txn& t) { found = t.SearchLetters(*q, 5); }).ok());
  EXPECT_EQ(found.size(), 5u);
  for (size_t i = 1; i < found.size(); ++i) EXPECT_GE(found[i - 1].score, found[i].score);
}


PURR_STORE_BACKENDS(SearchStoreTest);

}  // namespace
}  // namespace purr::store
