// The SQLite driver of sql_db.h (SQLiteCpp).
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <map>

#include "store/sql_db.h"

namespace purr::store::internal {
namespace {

class SqliteStmt : public Stmt {
 public:
  SqliteStmt(SQLite::Database& db, const std::string& sql) : s_(db, sql) {}

  void bind(int index, const std::string& value) override { s_.bind(index, value); }
  void bind(int index, int64_t value) override { s_.bind(index, value); }
  void bind(int index, double value) override { s_.bind(index, value); }
  void bind(int index) override { s_.bind(index); }
  bool executeStep() override { return s_.executeStep(); }
  int exec() override { return s_.exec(); }
  void reset() override { s_.reset(); }
  std::string Text(int col) override { return s_.getColumn(col).getString(); }
  int64_t Int(int col) override { return s_.getColumn(col).getInt64(); }
  double Double(int col) override { return s_.getColumn(col).getDouble(); }
  bool IsNull(int col) override { return s_.getColumn(col).isNull(); }

  void Clear() {
    s_.reset();
    s_.clearBindings();
  }
  void TryReset() noexcept { s_.tryReset(); }

 private:
  SQLite::Statement s_;
};

class SqliteDb : public Db {
 public:
  SqliteDb(const std::string& path, bool read_only, int busy_timeout_ms)
      : db_(path, read_only ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
            busy_timeout_ms) {}

  Dialect dialect() const override { return Dialect::kSqlite; }

  Stmt& Sql(const char* sql) override {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
      it = statements_.emplace(sql, std::make_unique<SqliteStmt>(db_, sql)).first;
    }
    it->second->Clear();
    return *it->second;
  }
  std::unique_ptr<Stmt> Prepare(const std::string& sql) override {
    return std::make_unique<SqliteStmt>(db_, sql);
  }
  std::unique_ptr<Stmt> Stream(const std::string& sql) override { return Prepare(sql); }
  void Exec(const std::string& sql) override { db_.exec(sql); }

  void Begin(bool write) override { db_.exec(write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"); }
  void Commit() override {
    // A statement left on a row (a lookup, an INSERT ... RETURNING read once) would make
    // COMMIT fail with "SQL statements in progress".
    Done();
    db_.exec("COMMIT");
  }
  void Rollback() noexcept override {
    // Without an open transaction (the failure ended it) there is nothing to roll back.
    if (!sqlite3_get_autocommit(db_.getHandle())) {
      sqlite3_exec(db_.getHandle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }
  void Done() noexcept override {
    for (auto& entry : statements_) entry.second->TryReset();
  }

 private:
  SQLite::Database db_;
  std::map<const char*, std::unique_ptr<SqliteStmt>> statements_;
};

}  // namespace

std::unique_ptr<Db> OpenSqlite(const std::string& path, bool read_only, int busy_timeout_ms) {
  return std::make_unique<SqliteDb>(path, read_only, busy_timeout_ms);
}

bool IsSqliteError(const std::exception& e) {
  return dynamic_cast<const SQLite::Exception*>(&e) != nullptr;
}

bool IsSqliteBusy(const std::exception& e) {
  const auto* s = dynamic_cast<const SQLite::Exception*>(&e);
  if (!s) return false;
  const int code = s->getErrorCode();
  return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

}  // namespace purr::store::internal
