#include "store/batch_state.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <mutex>
#include <sstream>

namespace purr::store {
namespace {

constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS batch_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY,
  sources TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT '',
  rules_version TEXT NOT NULL,
  model_version TEXT NOT NULL,
  pages_ocr INTEGER NOT NULL DEFAULT 0,
  reclassified INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS documents (
  path TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  mtime INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  pages INTEGER NOT NULL,
  status TEXT NOT NULL,
  error TEXT NOT NULL,
  duplicate_of TEXT NOT NULL,
  language TEXT NOT NULL,
  classes TEXT NOT NULL,
  legal TEXT NOT NULL,
  needs_human INTEGER NOT NULL,
  needs_human_reasons TEXT NOT NULL,
  mean_confidence REAL NOT NULL,
  case_id TEXT NOT NULL,
  json_path TEXT NOT NULL,
  rules_version TEXT NOT NULL,
  model_version TEXT NOT NULL,
  run INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_sha ON documents(sha256);
CREATE TABLE IF NOT EXISTS pages (
  sha256 TEXT NOT NULL,
  page INTEGER NOT NULL,
  text TEXT NOT NULL,
  confidence REAL NOT NULL,
  source TEXT NOT NULL,
  language TEXT NOT NULL,
  rotation INTEGER NOT NULL,
  error TEXT NOT NULL,
  run INTEGER NOT NULL,
  PRIMARY KEY (sha256, page)
);
CREATE TABLE IF NOT EXISTS changes (
  run INTEGER NOT NULL,
  path TEXT NOT NULL,
  cause TEXT NOT NULL,
  old_classes TEXT NOT NULL, new_classes TEXT NOT NULL,
  old_legal TEXT NOT NULL, new_legal TEXT NOT NULL,
  old_needs_human INTEGER NOT NULL, new_needs_human INTEGER NOT NULL,
  old_case TEXT NOT NULL, new_case TEXT NOT NULL,
  PRIMARY KEY (run, path)
);
INSERT OR IGNORE INTO batch_meta(key, value) VALUES ('format', 'purr-batch 1');
)SQL";

// Lists are kept one item per line: class names and masked reasons hold no line breaks
// (a reason's line breaks are flattened when it is written).
std::string JoinLines(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += '\n';
    std::string flat = item;
    std::replace(flat.begin(), flat.end(), '\n', ' ');
    out += flat;
  }
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class SqliteBatchState : public BatchState {
 public:
  explicit SqliteBatchState(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}

  Result<std::optional<BatchRunRecord>> LastRun() override {
    std::optional<BatchRunRecord> run;
    Status s = Guard([&] {
      SQLite::Statement q(*db_,
                          "SELECT id, sources, started_at, finished_at, rules_version, "
                          "model_version, pages_ocr, reclassified FROM runs ORDER BY id DESC "
                          "LIMIT 1");
      if (!q.executeStep()) return;
      BatchRunRecord r;
      r.id = q.getColumn(0).getInt64();
      r.sources = q.getColumn(1).getString();
      r.started_at = q.getColumn(2).getString();
      r.finished_at = q.getColumn(3).getString();
      r.rules_version = q.getColumn(4).getString();
      r.model_version = q.getColumn(5).getString();
      r.pages_ocr = q.getColumn(6).getInt64();
      r.reclassified = q.getColumn(7).getInt64();
      run = r;
    });
    if (!s.ok()) return s;
    return run;
  }

  Result<int64_t> BeginRun(const BatchRunRecord& run) override {
    int64_t id = 0;
    Status s = Write([&] {
      SQLite::Statement q(*db_,
                          "INSERT INTO runs(sources, started_at, rules_version, model_version) "
                          "VALUES (?, ?, ?, ?)");
      q.bind(1, run.sources);
      q.bind(2, run.started_at);
      q.bind(3, run.rules_version);
      q.bind(4, run.model_version);
      q.exec();
      id = db_->getLastInsertRowid();
    });
    if (!s.ok()) return s;
    return id;
  }

  Status UpdateRun(int64_t id, int64_t pages_ocr, int64_t reclassified,
                   const std::string& finished_at) override {
    return Write([&] {
      SQLite::Statement q(*db_,
                          "UPDATE runs SET pages_ocr = pages_ocr + ?, "
                          "reclassified = reclassified + ?, "
                          "finished_at = CASE WHEN ? = '' THEN finished_at ELSE ? END "
                          "WHERE id = ?");
      q.bind(1, static_cast<int64_t>(pages_ocr));
      q.bind(2, static_cast<int64_t>(reclassified));
      q.bind(3, finished_at);
      q.bind(4, finished_at);
      q.bind(5, static_cast<int64_t>(id));
      q.exec();
    });
  }

  Result<std::optional<BatchDocumentRecord>> Document(const std::string& path) override {
    std::optional<BatchDocumentRecord> doc;
    Status s = Guard([&] {
      SQLite::Statement q(*db_, std::string("SELECT ") + kDocumentColumns +
                                    " FROM documents WHERE path = ?");
      q.bind(1, path);
      if (q.executeStep()) doc = ReadDocument(q);
    });
    if (!s.ok()) return s;
    return doc;
  }

  Result<std::optional<std::string>> HolderOf(const std::string& sha256, const std::string& path,
                                              int64_t run) override {
    std::optional<std::string> holder;
    Status s = Guard([&] {
      SQLite::Statement q(*db_,
                          "SELECT path FROM documents WHERE sha256 = ? AND path <> ? AND "
                          "(status IN ('done', 'failed') OR (status = 'pending' AND run = ?)) "
                          "ORDER BY path LIMIT 1");
      q.bind(1, sha256);
      q.bind(2, path);
      q.bind(3, static_cast<int64_t>(run));
      if (q.executeStep()) holder = q.getColumn(0).getString();
    });
    if (!s.ok()) return s;
    return holder;
  }

  Status PutDocument(const BatchDocumentRecord& d) override {
    return Write([&] {
      SQLite::Statement q(*db_, std::string("INSERT OR REPLACE INTO documents(") +
                                    kDocumentColumns +
                                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                    "?, ?, ?)");
      int i = 0;
      q.bind(++i, d.path);
      q.bind(++i, static_cast<int64_t>(d.size));
      q.bind(++i, static_cast<int64_t>(d.mtime));
      q.bind(++i, d.sha256);
      q.bind(++i, d.pages);
      q.bind(++i, d.status);
      q.bind(++i, d.error);
      q.bind(++i, d.duplicate_of);
      q.bind(++i, d.language);
      q.bind(++i, JoinLines(d.classes));
      q.bind(++i, d.legal);
      q.bind(++i, d.needs_human ? 1 : 0);
      q.bind(++i, JoinLines(d.needs_human_reasons));
      q.bind(++i, d.mean_confidence);
      q.bind(++i, d.case_id);
      q.bind(++i, d.json_path);
      q.bind(++i, d.rules_version);
      q.bind(++i, d.model_version);
      q.bind(++i, static_cast<int64_t>(d.run));
      q.exec();
    });
  }

  Result<std::vector<BatchPageRecord>> Pages(const std::string& sha256) override {
    std::vector<BatchPageRecord> pages;
    Status s = Guard([&] {
      SQLite::Statement q(*db_,
                          "SELECT page, text, confidence, source, language, rotation, error, "
                          "run FROM pages WHERE sha256 = ? ORDER BY page");
      q.bind(1, sha256);
      while (q.executeStep()) {
        BatchPageRecord p;
        p.page = q.getColumn(0).getInt();
        p.text = q.getColumn(1).getString();
        p.confidence = q.getColumn(2).getDouble();
        p.source = q.getColumn(3).getString();
        p.language = q.getColumn(4).getString();
        p.rotation = q.getColumn(5).getInt();
        p.error = q.getColumn(6).getString();
        p.run = q.getColumn(7).getInt64();
        pages.push_back(std::move(p));
      }
    });
    if (!s.ok()) return s;
    return pages;
  }

  Status PutPage(const std::string& sha256, const BatchPageRecord& p) override {
    return Write([&] {
      SQLite::Statement q(*db_,
                          "INSERT OR REPLACE INTO pages(sha256, page, text, confidence, source, "
                          "language, rotation, error, run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
      q.bind(1, sha256);
      q.bind(2, p.page);
      q.bind(3, p.text);
      q.bind(4, p.confidence);
      q.bind(5, p.source);
      q.bind(6, p.language);
      q.bind(7, p.rotation);
      q.bind(8, p.error);
      q.bind(9, static_cast<int64_t>(p.run));
      q.exec();
    });
  }

  Status AddChange(int64_t run, const BatchChangeRecord& c) override {
    return Write([&] {
      SQLite::Statement q(*db_,
                          "INSERT OR REPLACE INTO changes(run, path, cause, old_classes, "
                          "new_classes, old_legal, new_legal, old_needs_human, new_needs_human, "
                          "old_case, new_case) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      q.bind(1, static_cast<int64_t>(run));
      q.bind(2, c.path);
      q.bind(3, c.cause);
      q.bind(4, JoinLines(c.old_classes));
      q.bind(5, JoinLines(c.new_classes));
      q.bind(6, c.old_legal);
      q.bind(7, c.new_legal);
      q.bind(8, c.old_needs_human ? 1 : 0);
      q.bind(9, c.new_needs_human ? 1 : 0);
      q.bind(10, c.old_case);
      q.bind(11, c.new_case);
      q.exec();
    });
  }

  Result<std::vector<BatchChangeRecord>> Changes(int64_t run) override {
    std::vector<BatchChangeRecord> out;
    Status s = Guard([&] {
      SQLite::Statement q(*db_,
                          "SELECT path, cause, old_classes, new_classes, old_legal, new_legal, "
                          "old_needs_human, new_needs_human, old_case, new_case FROM changes "
                          "WHERE run = ? ORDER BY path");
      q.bind(1, static_cast<int64_t>(run));
      while (q.executeStep()) {
        BatchChangeRecord c;
        c.path = q.getColumn(0).getString();
        c.cause = q.getColumn(1).getString();
        c.old_classes = SplitLines(q.getColumn(2).getString());
        c.new_classes = SplitLines(q.getColumn(3).getString());
        c.old_legal = q.getColumn(4).getString();
        c.new_legal = q.getColumn(5).getString();
        c.old_needs_human = q.getColumn(6).getInt() != 0;
        c.new_needs_human = q.getColumn(7).getInt() != 0;
        c.old_case = q.getColumn(8).getString();
        c.new_case = q.getColumn(9).getString();
        out.push_back(std::move(c));
      }
    });
    if (!s.ok()) return s;
    return out;
  }

  Result<std::vector<BatchLowPage>> LowestPages(const std::vector<std::string>& paths,
                                                int limit) override {
    std::vector<BatchLowPage> out;
    Status s = Write([&] {
      // The paths go through a temporary table: a list of 100,000 paths is no IN (...).
      db_->exec("CREATE TEMP TABLE IF NOT EXISTS wanted (path TEXT PRIMARY KEY)");
      db_->exec("DELETE FROM wanted");
      SQLite::Statement add(*db_, "INSERT OR IGNORE INTO wanted(path) VALUES (?)");
      for (const std::string& p : paths) {
        add.bind(1, p);
        add.exec();
        add.reset();
      }
      SQLite::Statement q(*db_,
                          "SELECT d.path, p.page, p.confidence FROM wanted w "
                          "JOIN documents d ON d.path = w.path AND d.status = 'done' "
                          "JOIN pages p ON p.sha256 = d.sha256 "
                          "WHERE p.source = 'ocr' AND p.error = '' "
                          "ORDER BY p.confidence, d.path, p.page LIMIT ?");
      q.bind(1, limit);
      while (q.executeStep()) {
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt(),
                       q.getColumn(2).getDouble()});
      }
    });
    if (!s.ok()) return s;
    return out;
  }

 private:
  static constexpr const char* kDocumentColumns =
      "path, size, mtime, sha256, pages, status, error, duplicate_of, language, classes, legal, "
      "needs_human, needs_human_reasons, mean_confidence, case_id, json_path, rules_version, "
      "model_version, run";

  static BatchDocumentRecord ReadDocument(SQLite::Statement& q) {
    BatchDocumentRecord d;
    int i = 0;
    d.path = q.getColumn(i++).getString();
    d.size = q.getColumn(i++).getInt64();
    d.mtime = q.getColumn(i++).getInt64();
    d.sha256 = q.getColumn(i++).getString();
    d.pages = q.getColumn(i++).getInt();
    d.status = q.getColumn(i++).getString();
    d.error = q.getColumn(i++).getString();
    d.duplicate_of = q.getColumn(i++).getString();
    d.language = q.getColumn(i++).getString();
    d.classes = SplitLines(q.getColumn(i++).getString());
    d.legal = q.getColumn(i++).getString();
    d.needs_human = q.getColumn(i++).getInt() != 0;
    d.needs_human_reasons = SplitLines(q.getColumn(i++).getString());
    d.mean_confidence = q.getColumn(i++).getDouble();
    d.case_id = q.getColumn(i++).getString();
    d.json_path = q.getColumn(i++).getString();
    d.rules_version = q.getColumn(i++).getString();
    d.model_version = q.getColumn(i++).getString();
    d.run = q.getColumn(i++).getInt64();
    return d;
  }

  // A read under the mutex; SQLiteCpp's exceptions become a Status.
  Status Guard(const std::function<void()>& body) {
    std::lock_guard<std::mutex> lock(mu_);
    try {
      body();
      return Status::Ok();
    } catch (const std::exception& e) {
      return Status::IoError(std::string("batch state: ") + e.what());
    }
  }

  // A write in its own transaction: all of it or nothing.
  Status Write(const std::function<void()>& body) {
    return Guard([&] {
      SQLite::Transaction txn(*db_);
      body();
      txn.commit();
    });
  }

  std::mutex mu_;
  std::unique_ptr<SQLite::Database> db_;  // guarded by mu_
};

}  // namespace

Result<std::unique_ptr<BatchState>> BatchState::Open(const std::string& path) {
  try {
    auto db = std::make_unique<SQLite::Database>(
        path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 10000);
    db->exec("PRAGMA journal_mode = WAL");
    db->exec("PRAGMA synchronous = NORMAL");
    db->exec(kSchema);
    SQLite::Statement format(*db, "SELECT value FROM batch_meta WHERE key = 'format'");
    if (!format.executeStep() || format.getColumn(0).getString() != "purr-batch 1") {
      return Status::InvalidInput(path + ": not a purr batch state (format)");
    }
    return std::unique_ptr<BatchState>(new SqliteBatchState(std::move(db)));
  } catch (const std::exception& e) {
    return Status::IoError(path + ": cannot open the batch state: " + e.what());
  }
}

}  // namespace purr::store
