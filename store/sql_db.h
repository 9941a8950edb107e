// The two database drivers behind store::Store (internal to store/): one connection with its
// statements, the same calls for SQLite (SQLiteCpp) and PostgreSQL (libpqxx), so that every
// query of purr is written once, in sql_store.cc.
//
// SQL is written in the dialect both understand: parameters as `?` or `?N` (the PostgreSQL
// driver rewrites them to `$N`), COALESCE, CAST(... AS BIGINT), `RETURNING id` instead of
// last_insert_rowid(), `"user"` quoted. What differs (full-text search, scalar MAX, LIKE
// without case) is chosen by Dialect() where the query is written.
//
// Errors: every call throws: StoreError for purr's own checks, the driver's exception
// (derived from std::exception) for a database failure; sql_store.cc turns both into a
// Status. DbFailure classifies a driver exception.
//
// Thread safety: a Db is one connection and is used by one thread at a time (the store's
// mutex or its reader pool). Statements belong to their Db and die with it.
#ifndef PURR_STORE_SQL_DB_H_
#define PURR_STORE_SQL_DB_H_

#include <cstdint>
#include <exception>
#include <memory>
#include <string>

namespace purr::store::internal {

enum class Dialect { kSqlite, kPostgres };

class Stmt {
 public:
  class Column {
   public:
    Column(Stmt* s, int i) : s_(s), i_(i) {}
    std::string getString() const { return s_->Text(i_); }
    int64_t getInt64() const { return s_->Int(i_); }
    int getInt() const { return static_cast<int>(s_->Int(i_)); }
    double getDouble() const { return s_->Double(i_); }
    bool isNull() const { return s_->IsNull(i_); }

   private:
    Stmt* s_;
    int i_;
  };

  Stmt() = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  virtual ~Stmt() = default;

  // Parameters are 1-based, as in SQL; bind(i) binds NULL.
  virtual void bind(int index, const std::string& value) = 0;
  virtual void bind(int index, int64_t value) = 0;
  void bind(int index, int value) { bind(index, static_cast<int64_t>(value)); }
  virtual void bind(int index, double value) = 0;
  virtual void bind(int index) = 0;

  // Runs the statement on first call and steps to the next row: false when there is none.
  virtual bool executeStep() = 0;
  // Runs a statement that returns no rows; the number of rows it changed.
  virtual int exec() = 0;
  // Makes it runnable again with the same parameters.
  virtual void reset() = 0;

  // The current row's columns, 0-based. NULL reads as "" / 0.
  virtual std::string Text(int col) = 0;
  virtual int64_t Int(int col) = 0;
  virtual double Double(int col) = 0;
  virtual bool IsNull(int col) = 0;
  Column getColumn(int col) { return Column(this, col); }
};

class Db {
 public:
  Db() = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  virtual ~Db() = default;

  virtual Dialect dialect() const = 0;
  // A statement prepared once per connection, keyed by the address of its text (every such
  // text is a literal), reset with its parameters cleared.
  virtual Stmt& Sql(const char* sql) = 0;
  // A statement built at run time, prepared for one use.
  virtual std::unique_ptr<Stmt> Prepare(const std::string& sql) = 0;
  // A statement whose rows are read a batch at a time, however many there are (the whole
  // ledger); other statements may run on this Db while it is read.
  virtual std::unique_ptr<Stmt> Stream(const std::string& sql) = 0;
  // Runs SQL without parameters (several statements for a migration).
  virtual void Exec(const std::string& sql) = 0;

  // One transaction at a time. `write`: it will write (SQLite takes the write lock at
  // once, so it never fails half-way on a lock it could not upgrade); otherwise a
  // read-only snapshot. Rollback never throws.
  virtual void Begin(bool write) = 0;
  virtual void Commit() = 0;
  virtual void Rollback() noexcept = 0;
  // Releases what finished statements still hold (SQLite: a statement left on a row keeps
  // its read snapshot open).
  virtual void Done() noexcept = 0;
};

// What a driver exception means for the caller.
enum class DbFailure {
  kOther,       // an error in the SQL or the data
  kBusy,        // a lock not obtained in time, a deadlock, a serialisation conflict: retry
  kConnection,  // the connection is gone: reconnect
};
DbFailure ClassifyFailure(const std::exception& e);
bool IsSqliteBusy(const std::exception& e);  // SQLITE_BUSY or SQLITE_LOCKED
bool IsSqliteError(const std::exception& e);
// An exception of either driver (not one a caller's callback threw).
bool IsDriverError(const std::exception& e);

// SQLite: opens (creating) the file, or a read-only connection; busy timeout in ms.
std::unique_ptr<Db> OpenSqlite(const std::string& path, bool read_only, int busy_timeout_ms);
// PostgreSQL: connects with a libpq connection URI; lock_timeout is the busy timeout.
std::unique_ptr<Db> OpenPostgres(const std::string& uri, int busy_timeout_ms);
// The driver StoreOptions::path names: PostgreSQL for a URL (IsStoreUrl), else SQLite.
// `read_only` applies to SQLite (PostgreSQL's read-only transactions say so themselves).
std::unique_ptr<Db> OpenDb(const std::string& path, bool read_only, int busy_timeout_ms);

}  // namespace purr::store::internal

#endif  // PURR_STORE_SQL_DB_H_
