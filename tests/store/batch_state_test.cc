// The state of purr batch on both backends: runs chosen and joined in one transaction,
// documents claimed by one sitting at a time and taken over when a claim runs out, one
// reader per content, one finisher per run, batches of one database kept apart; and a
// SQLite state of format 1 (before batches shared a database) upgraded in place.
#include "store/batch_state.h"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/sql_db.h"
#include "tests/store/backend.h"

namespace purr::store {
namespace {

namespace fs = std::filesystem;
using backends::Backend;

BatchRunRecord Wanted(const std::string& sources) {
  BatchRunRecord run;
  run.sources = sources;
  run.started_at = "2026-12-07T10:00:00Z";
  run.rules_version = "rules-1";
  run.model_version = "model-1";
  return run;
}

BatchDocumentRecord Done(const std::string& path, int64_t run) {
  BatchDocumentRecord d;
  d.path = path;
  d.size = 10;
  d.mtime = 20;
  d.sha256 = "sha-" + path;
  d.pages = 1;
  d.status = "done";
  d.classes = {"dispute", "payment_plan"};
  d.needs_human_reasons = {"halt letter", "OCR: page 1 read with low confidence (41)"};
  d.mean_confidence = 91.5;
  d.run = run;
  return d;
}

class BatchStateTest : public ::testing::TestWithParam<Backend> {
 protected:
  BatchStateTest() : location_(GetParam(), dir()) {}

  // A fresh folder per test.
  static fs::path dir() {
    static int next = 0;
    const fs::path d = fs::path(::testing::TempDir()) /
                       ("batch_state_" + std::to_string(getpid()) + "_" + std::to_string(next++));
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
  }
  // The state's place: a file beside the test's store for SQLite, the test's database else.
  std::string Location() const {
    return GetParam() == Backend::kSqlite ? location_.path() + ".batch" : location_.path();
  }
  std::unique_ptr<BatchState> Open(const std::string& batch = "out") {
    Result<std::unique_ptr<BatchState>> state = BatchState::Open(Location(), batch);
    EXPECT_TRUE(state.ok()) << state.status().ToString();
    return state.ok() ? std::move(*state) : nullptr;
  }

  backends::StoreLocation location_;
};

TEST_P(BatchStateTest, AnUnfinishedRunOfTheSameSourcesIsJoinedAFinishedOneIsNot) {
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a && b);
  Result<BatchRunChoice> first = a->ChooseRun(Wanted("scans\n"), false);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->continuing);
  EXPECT_FALSE(first->last);
  // A second host with the same command joins it.
  Result<BatchRunChoice> joined = b->ChooseRun(Wanted("scans\n"), true);
  ASSERT_TRUE(joined.ok()) << joined.status().ToString();
  EXPECT_TRUE(joined->continuing);
  EXPECT_EQ(joined->run, first->run);
  // Other sources start a run of their own.
  Result<BatchRunChoice> other = b->ChooseRun(Wanted("other\n"), true);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(other.status().message(), "the last run had other sources");

  // Only one of the hosts finishing it finishes it.
  Result<bool> by_a = a->UpdateRun(first->run, 3, 1, "2026-12-07T11:00:00Z");
  Result<bool> by_b = b->UpdateRun(first->run, 2, 0, "2026-12-07T11:00:01Z");
  ASSERT_TRUE(by_a.ok() && by_b.ok());
  EXPECT_TRUE(*by_a);
  EXPECT_FALSE(*by_b);
  Result<BatchRunChoice> after = a->ChooseRun(Wanted("scans\n"), true);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.status().message(), "the last run finished");
  Result<BatchRunChoice> next = a->ChooseRun(Wanted("scans\n"), false);
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->continuing);
  EXPECT_GT(next->run, first->run);
  ASSERT_TRUE(next->last);
  EXPECT_EQ(next->last->finished_at, "2026-12-07T11:00:00Z");
  EXPECT_EQ(next->last->pages_ocr, 5);
  EXPECT_EQ(next->last->reclassified, 1);
}

TEST_P(BatchStateTest, HostsStartingTogetherChooseOneRun) {
  constexpr int kHosts = 4;
  std::vector<int64_t> runs(kHosts, 0);
  std::vector<std::thread> hosts;
  for (int i = 0; i < kHosts; ++i) {
    hosts.emplace_back([&, i] {
      Result<std::unique_ptr<BatchState>> state = BatchState::Open(Location(), "out");
      ASSERT_TRUE(state.ok()) << state.status().ToString();
      Result<BatchRunChoice> c = (*state)->ChooseRun(Wanted("scans\n"), false);
      ASSERT_TRUE(c.ok()) << c.status().ToString();
      runs[i] = c->run;
    });
  }
  for (std::thread& t : hosts) t.join();
  EXPECT_EQ(std::set<int64_t>(runs.begin(), runs.end()).size(), 1u);
}

// A login the server refuses is no lost connection: it is not tried again (the batch state
// and the store give up at once with the server's reason). An unreachable server is.
TEST(PostgresFailures, ARefusedLoginIsNotTakenForAnUnreachableServer) {
  auto failure = [](const std::string& url) -> std::optional<internal::DbFailure> {
    try {
      internal::OpenDb(url, false, 1000);
    } catch (const std::exception& e) {
      return internal::ClassifyFailure(e);
    }
    return std::nullopt;
  };
  const std::string server = std::string("host=") + PURR_TEST_PG_DIR + "&port=5432";
  EXPECT_EQ(failure("postgresql:///postgres?" + server + "&user=purr"), std::nullopt) << "the test server";
  EXPECT_EQ(failure("postgresql:///postgres?" + server + "&user=nobody_of_purr"), internal::DbFailure::kOther);
  EXPECT_EQ(failure("postgresql:///no_such_purr_db?" + server + "&user=purr"), internal::DbFailure::kOther);
  const std::string nowhere = (fs::temp_directory_path() / "purr-no-server-here").string();
  EXPECT_EQ(failure("postgresql:///postgres?host=" + nowhere + "&port=5432&user=purr"),
            internal::DbFailure::kConnection);
}

TEST_P(BatchStateTest, ADocumentIsClaimedByOneSittingUntilItsClaimRunsOut) {
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a && b);
  const int64_t run = a->ChooseRun(Wanted("scans\n"), false)->run;
  EXPECT_TRUE(*a->ClaimDocument(run, "scans/1.tif", "h1:1:1", 60000));
  EXPECT_TRUE(*a->ClaimDocument(run, "scans/1.tif", "h1:1:1", 60000)) << "its own again";
  EXPECT_FALSE(*b->ClaimDocument(run, "scans/1.tif", "h2:2:2", 60000));
  EXPECT_TRUE(*b->ClaimDocument(run, "scans/2.tif", "h2:2:2", 60000));

  // A claim not renewed runs out and is taken over, which the taker is told.
  bool taken_over = true;
  EXPECT_TRUE(*a->ClaimDocument(run, "scans/3.tif", "h1:1:1", 1, &taken_over));
  EXPECT_FALSE(taken_over) << "it was free";
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(*b->ClaimDocument(run, "scans/3.tif", "h2:2:2", 60000, &taken_over));
  EXPECT_TRUE(taken_over);
  EXPECT_TRUE(*b->ClaimDocument(run, "scans/3.tif", "h2:2:2", 60000, &taken_over));
  EXPECT_FALSE(taken_over) << "its own again";
  // Renewed, it does not.
  EXPECT_TRUE(*a->ClaimDocument(run, "scans/4.tif", "h1:1:1", 1));
  ASSERT_TRUE(a->RenewClaims("h1:1:1", 60000).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(*b->ClaimDocument(run, "scans/4.tif", "h2:2:2", 60000));

  // Finished, nobody claims it again in this run, however long ago.
  ASSERT_TRUE(a->FinishDocument(Done("scans/1.tif", run)).ok());
  EXPECT_EQ((*b->Document("scans/1.tif"))->status, "done") << "the decision with the claim";
  EXPECT_FALSE(*a->ClaimDocument(run, "scans/1.tif", "h1:1:1", 60000));
  EXPECT_FALSE(*b->ClaimDocument(run, "scans/1.tif", "h2:2:2", 60000));
  ASSERT_TRUE(a->RenewClaims("h1:1:1", 60000).ok());
  EXPECT_FALSE(*b->ClaimDocument(run, "scans/1.tif", "h2:2:2", 60000));

  // A sitting known to be dead has its unfinished claims ended at once.
  Result<std::vector<std::string>> owners = a->ClaimOwners();
  ASSERT_TRUE(owners.ok());
  EXPECT_EQ(*owners, (std::vector<std::string>{"h1:1:1", "h2:2:2"}));
  ASSERT_TRUE(b->ExpireClaims("h1:1:1").ok());
  EXPECT_TRUE(*b->ClaimDocument(run, "scans/4.tif", "h2:2:2", 60000));
  EXPECT_FALSE(*b->ClaimDocument(run, "scans/1.tif", "h2:2:2", 60000)) << "finished stays so";
  EXPECT_EQ(*a->ClaimOwners(), (std::vector<std::string>{"h2:2:2"}));

  // A new run claims afresh.
  ASSERT_TRUE(*a->UpdateRun(run, 0, 0, "2026-12-07T11:00:00Z"));
  const int64_t next = a->ChooseRun(Wanted("scans\n"), false)->run;
  EXPECT_TRUE(*a->ClaimDocument(next, "scans/1.tif", "h1:1:1", 60000));
}

TEST_P(BatchStateTest, ManySittingsClaimingAtOnceTakeEachDocumentOnce) {
  auto setup = Open();
  ASSERT_TRUE(setup);
  const int64_t run = setup->ChooseRun(Wanted("scans\n"), false)->run;
  constexpr int kSittings = 3, kDocuments = 60;
  std::vector<std::vector<int>> taken(kSittings);
  std::vector<std::thread> sittings;
  for (int s = 0; s < kSittings; ++s) {
    sittings.emplace_back([&, s] {
      Result<std::unique_ptr<BatchState>> state = BatchState::Open(Location(), "out");
      ASSERT_TRUE(state.ok());
      for (int d = 0; d < kDocuments; ++d) {
        Result<bool> mine = (*state)->ClaimDocument(run, "scans/" + std::to_string(d) + ".tif",
                                                    "h" + std::to_string(s) + ":1:1", 60000);
        ASSERT_TRUE(mine.ok()) << mine.status().ToString();
        if (*mine) taken[s].push_back(d);
      }
    });
  }
  for (std::thread& t : sittings) t.join();
  std::vector<int> all;
  for (const auto& t : taken) all.insert(all.end(), t.begin(), t.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), static_cast<size_t>(kDocuments));
  for (int d = 0; d < kDocuments; ++d) EXPECT_EQ(all[d], d);
}

TEST_P(BatchStateTest, APageIsClaimedByOneSittingAndStoredOnce) {
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a && b);
  const int64_t run = a->ChooseRun(Wanted("scans\n"), false)->run;
  EXPECT_TRUE(*a->ClaimPage(run, "s1", 1, "h1:1:1", 60000));
  EXPECT_FALSE(*a->ClaimPage(run, "s1", 1, "h1:1:1", 60000))
      << "a page is recognised once, also by its own sitting (helper, then owner)";
  EXPECT_FALSE(*b->ClaimPage(run, "s1", 1, "h2:2:2", 60000));
  EXPECT_TRUE(*b->ClaimPage(run, "s1", 2, "h2:2:2", 60000)) << "another page";
  EXPECT_TRUE(*b->ClaimPage(run, "s2", 1, "h2:2:2", 60000)) << "another content";
  EXPECT_FALSE(*b->Page("s1", 1));
  // Stored, its claim ends: nobody recognises it again in this run, even when renewals stop.
  BatchPageRecord page;
  page.page = 1;
  page.text = "Side 1";
  page.confidence = 90;
  page.source = "ocr";
  page.run = run;
  ASSERT_TRUE(a->PutPage("s1", page).ok());
  ASSERT_TRUE(a->ExpireClaims("h1:1:1").ok());
  EXPECT_FALSE(*b->ClaimPage(run, "s1", 1, "h2:2:2", 60000));
  Result<std::optional<BatchPageRecord>> read = b->Page("s1", 1);
  ASSERT_TRUE(read.ok() && *read);
  EXPECT_EQ((*read)->text, "Side 1");
  EXPECT_EQ((*read)->run, run);
  // A page claim whose sitting died is taken over.
  ASSERT_TRUE(b->ExpireClaims("h2:2:2").ok());
  EXPECT_TRUE(*a->ClaimPage(run, "s1", 2, "h1:1:1", 60000));
}

TEST_P(BatchStateTest, TheFirstPathToAskReadsAContent) {
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a && b);
  const int64_t run = a->ChooseRun(Wanted("scans\n"), false)->run;
  EXPECT_EQ(*a->ClaimContent(run, "s1", "scans/b.tif"), "scans/b.tif");
  EXPECT_EQ(*b->ClaimContent(run, "s1", "scans/a.tif"), "scans/b.tif");
  EXPECT_EQ(*a->ClaimContent(run, "s1", "scans/b.tif"), "scans/b.tif");
  // b.tif's file changed between sittings: its old content is free for another path.
  EXPECT_EQ(*a->ClaimContent(run, "s2", "scans/b.tif"), "scans/b.tif");
  EXPECT_EQ(*b->ClaimContent(run, "s1", "scans/a.tif"), "scans/a.tif");
}

TEST_P(BatchStateTest, DocumentsPagesAndChangesRoundTripAndBatchesStayApart) {
  auto a = Open("archive-a");
  auto b = Open("archive-b");
  ASSERT_TRUE(a && b);
  const int64_t run_a = a->ChooseRun(Wanted("scans\n"), false)->run;
  const int64_t run_b = b->ChooseRun(Wanted("scans\n"), false)->run;
  EXPECT_NE(run_a, run_b) << "another batch's run is not joined";
  BatchDocumentRecord doc = Done("scans/1.tif", run_a);
  ASSERT_TRUE(a->PutDocument(doc).ok());
  doc.status = "failed";  // written again: replaced
  doc.error = "page 1: timed out";
  ASSERT_TRUE(a->PutDocument(doc).ok());
  Result<std::optional<BatchDocumentRecord>> read = a->Document("scans/1.tif");
  ASSERT_TRUE(read.ok() && *read);
  EXPECT_EQ((*read)->status, "failed");
  EXPECT_EQ((*read)->error, "page 1: timed out");
  EXPECT_EQ((*read)->classes, doc.classes);
  EXPECT_EQ((*read)->needs_human_reasons, doc.needs_human_reasons);
  EXPECT_DOUBLE_EQ((*read)->mean_confidence, 91.5);
  EXPECT_EQ((*read)->run, run_a);
  EXPECT_FALSE(*b->Document("scans/1.tif")) << "batch b has no such document";
  EXPECT_TRUE(*b->HolderOf("sha-scans/1.tif", "scans/2.tif", run_b) == std::nullopt);
  EXPECT_EQ(**a->HolderOf("sha-scans/1.tif", "scans/2.tif", run_a), "scans/1.tif");

  BatchPageRecord page;
  page.page = 1;
  page.text = "Jeg bestrider kravet.";
  page.confidence = 47;
  page.source = "ocr";
  page.language = "nor";
  page.run = run_a;
  ASSERT_TRUE(a->PutPage("sha-scans/1.tif", page).ok());
  page.confidence = 48;
  ASSERT_TRUE(a->PutPage("sha-scans/1.tif", page).ok());
  Result<std::vector<BatchPageRecord>> pages = b->Pages("sha-scans/1.tif");
  ASSERT_TRUE(pages.ok());
  ASSERT_EQ(pages->size(), 1u) << "pages are kept by content, for every batch";
  EXPECT_DOUBLE_EQ((*pages)[0].confidence, 48);

  doc.status = "done";
  ASSERT_TRUE(a->PutDocument(doc).ok());
  Result<std::vector<BatchLowPage>> low = a->LowestPages({"scans/1.tif", "scans/1.tif"}, 5);
  ASSERT_TRUE(low.ok()) << low.status().ToString();
  ASSERT_EQ(low->size(), 1u);
  EXPECT_EQ((*low)[0].path, "scans/1.tif");
  EXPECT_TRUE(b->LowestPages({"scans/1.tif"}, 5)->empty());

  BatchChangeRecord change;
  change.path = "scans/1.tif";
  change.cause = "rules";
  change.old_classes = {"dispute"};
  change.new_classes = {"dispute", "address_change"};
  ASSERT_TRUE(a->AddChange(run_a, change).ok());
  change.cause = "content";
  ASSERT_TRUE(a->AddChange(run_a, change).ok());
  Result<std::vector<BatchChangeRecord>> changes = a->Changes(run_a);
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_EQ((*changes)[0].cause, "content");
  EXPECT_EQ((*changes)[0].new_classes, change.new_classes);
}

PURR_STORE_BACKENDS(BatchStateTest);

// A state written before batches could share a database (format 1: tables runs, documents,
// pages, changes) opens as it was, its runs and documents kept.
TEST(BatchStateUpgrade, AFormatOneFileKeepsItsRunsAndDocuments) {
  const fs::path dir =
      fs::path(::testing::TempDir()) / ("batch_upgrade_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "batch.sqlite").string();
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(R"SQL(
CREATE TABLE batch_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (id INTEGER PRIMARY KEY, sources TEXT NOT NULL, started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT '', rules_version TEXT NOT NULL, model_version TEXT NOT NULL,
  pages_ocr INTEGER NOT NULL DEFAULT 0, reclassified INTEGER NOT NULL DEFAULT 0);
CREATE TABLE documents (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime INTEGER NOT NULL,
  sha256 TEXT NOT NULL, pages INTEGER NOT NULL, status TEXT NOT NULL, error TEXT NOT NULL,
  duplicate_of TEXT NOT NULL, language TEXT NOT NULL, classes TEXT NOT NULL, legal TEXT NOT NULL,
  needs_human INTEGER NOT NULL, needs_human_reasons TEXT NOT NULL, mean_confidence REAL NOT NULL,
  case_id TEXT NOT NULL, json_path TEXT NOT NULL, rules_version TEXT NOT NULL,
  model_version TEXT NOT NULL, run INTEGER NOT NULL);
CREATE INDEX documents_sha ON documents(sha256);
CREATE TABLE pages (sha256 TEXT NOT NULL, page INTEGER NOT NULL, text TEXT NOT NULL,
  confidence REAL NOT NULL, source TEXT NOT NULL, language TEXT NOT NULL, rotation INTEGER NOT NULL,
  error TEXT NOT NULL, run INTEGER NOT NULL, PRIMARY KEY (sha256, page));
CREATE TABLE changes (run INTEGER NOT NULL, path TEXT NOT NULL, cause TEXT NOT NULL,
  old_classes TEXT NOT NULL, new_classes TEXT NOT NULL, old_legal TEXT NOT NULL,
  new_legal TEXT NOT NULL, old_needs_human INTEGER NOT NULL, new_needs_human INTEGER NOT NULL,
  old_case TEXT NOT NULL, new_case TEXT NOT NULL, PRIMARY KEY (run, path));
INSERT INTO batch_meta VALUES ('format', 'purr-batch 1');
INSERT INTO runs(sources, started_at, rules_version, model_version, pages_ocr)
  VALUES ('scans
', '2026-12-01T10:00:00Z', 'r1', 'm1', 7);
INSERT INTO documents VALUES ('scans/a.tif', 1, 2, 'abc', 1, 'pending', '', '', '', '', '', 0,
  '', -1, '', '', 'r1', 'm1', 1);
INSERT INTO pages VALUES ('abc', 1, 'Hei', 88, 'ocr', 'nor', 0, '', 1);
)SQL");
  }
  for (int opening = 0; opening < 2; ++opening) {
    Result<std::unique_ptr<BatchState>> state = BatchState::Open(path, "");
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    Result<std::optional<BatchDocumentRecord>> doc = (*state)->Document("scans/a.tif");
    ASSERT_TRUE(doc.ok() && *doc) << doc.status().ToString();
    EXPECT_EQ((*doc)->status, opening == 0 ? "pending" : "done");
    EXPECT_EQ((*state)->Pages("abc")->size(), 1u);
    if (opening == 0) {
      // The interrupted run of format 1 is continued, its pages counted on.
      Result<BatchRunChoice> c = (*state)->ChooseRun(Wanted("scans\n"), true);
      ASSERT_TRUE(c.ok()) << c.status().ToString();
      EXPECT_EQ(c->run, 1);
      EXPECT_EQ(c->last->pages_ocr, 7);
      BatchDocumentRecord done = Done("scans/a.tif", 1);
      ASSERT_TRUE((*state)->PutDocument(done).ok());
      EXPECT_TRUE(*(*state)->ClaimDocument(1, "scans/b.tif", "h:1:1", 60000));
    }
  }
  // Anything else is refused.
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("UPDATE batch_meta SET value = 'purr-batch 9'");
  }
  Result<std::unique_ptr<BatchState>> refused = BatchState::Open(path, "");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("not a purr batch state"), std::string::npos)
      << refused.status().message();
  fs::remove_all(dir);
}

// A file that is not a database at all (a damaged or foreign batch.sqlite) is refused with
// its reason, and left as it was.
TEST(BatchStateUpgrade, AFileThatIsNoDatabaseIsRefusedAndLeftAlone) {
  const fs::path dir =
      fs::path(::testing::TempDir()) / ("batch_garbage_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "batch.sqlite").string();
  const std::string garbage(4096, '\x5a');
  {
    std::ofstream(path, std::ios::binary) << garbage;
  }
  Result<std::unique_ptr<BatchState>> state = BatchState::Open(path, "");
  ASSERT_FALSE(state.ok());
  EXPECT_NE(state.status().message().find("cannot open the batch state"), std::string::npos)
      << state.status().message();
  std::ifstream in(path, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), garbage);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace purr::store
