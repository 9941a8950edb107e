// The PostgreSQL driver of sql_db.h (libpqxx). Parameters travel as text, prepared
// statements are prepared once per connection, and a transaction is a pqxx::work.
#include <pqxx/pqxx>

#include <cerrno>
#include <cstdlib>
#include <map>
#include <optional>
#include <vector>

#include "store/sql_db.h"
#include "store/store.h"

namespace purr::store::internal {
namespace {

// `?` and `?N` become `$N`, outside quoted text and identifiers. A bare `?` takes the number
// after the largest one seen, as SQLite numbers it.
std::string DollarParameters(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int largest = 0;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      out += c;
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out += c;
      continue;
    }
    if (c != '?') {
      out += c;
      continue;
    }
    size_t j = i + 1;
    int n = 0;
    while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') n = n * 10 + (sql[j++] - '0');
    if (j == i + 1) n = largest + 1;
    largest = std::max(largest, n);
    out += '$';
    out += std::to_string(n);
    i = j - 1;
  }
  return out;
}

class PgDb;

class PgStmt : public Stmt {
 public:
  // `name` empty: run unprepared. `cursor` non-empty: read through that cursor.
  PgStmt(PgDb& db, std::string sql, std::string name, std::string cursor)
      : db_(db), sql_(std::move(sql)), name_(std::move(name)), cursor_(std::move(cursor)) {}

  void bind(int index, const std::string& value) override { Param(index) = value; }
  void bind(int index, int64_t value) override { Param(index) = std::to_string(value); }
  void bind(int index, double value) override {
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%.17g", value);
    Param(index) = buf;
  }
  void bind(int index) override { Param(index).reset(); }

  bool executeStep() override;
  int exec() override;
  void reset() override {
    executed_ = false;
    result_ = pqxx::result();
    row_ = 0;
  }

  std::string Text(int col) override {
    const pqxx::field f = Field(col);
    return f.is_null() ? std::string() : std::string(f.c_str(), f.size());
  }
  int64_t Int(int col) override {
    const pqxx::field f = Field(col);
    if (f.is_null()) return 0;
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(f.c_str(), &end, 10);
    if (errno != 0 || end == f.c_str() || *end != '\0') {
      throw StoreError("column " + std::to_string(col) + " is not a whole number: " +
                       std::string(f.c_str()).substr(0, 40));
    }
    return v;
  }
  double Double(int col) override {
    const pqxx::field f = Field(col);
    if (f.is_null()) return 0;
    char* end = nullptr;
    const double v = std::strtod(f.c_str(), &end);
    if (end == f.c_str()) throw StoreError("column " + std::to_string(col) + " is not a number");
    return v;
  }
  bool IsNull(int col) override { return Field(col).is_null(); }

  void Clear() {
    reset();
    params_.clear();
  }

 private:
  std::optional<std::string>& Param(int index) {
    if (index < 1) throw StoreError("parameter index " + std::to_string(index));
    if (params_.size() < static_cast<size_t>(index)) params_.resize(index);
    return params_[index - 1];
  }
  pqxx::field Field(int col) {
    if (row_ == 0 || row_ > result_.size()) throw StoreError("no current row");
    return result_[static_cast<pqxx::result::size_type>(row_ - 1)][col];
  }
  pqxx::result Run();

  PgDb& db_;
  const std::string sql_;
  const std::string name_;
  const std::string cursor_;
  std::vector<std::optional<std::string>> params_;
  pqxx::result result_;
  size_t row_ = 0;  // 1-based index of the current row in result_; 0 before the first
  bool executed_ = false;
  bool cursor_done_ = false;
};

class PgDb : public Db {
 public:
  PgDb(const std::string& uri, int busy_timeout_ms) : conn_(uri) {
    pqxx::nontransaction setup(conn_);
    setup.exec("SET lock_timeout = " + std::to_string(std::max(busy_timeout_ms, 1)));
    setup.exec("SET client_min_messages = warning");
    setup.exec("SET application_name = 'purr'");
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

  Stmt& Sql(const char* sql) override {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
      std::string name = "purr_" + std::to_string(statements_.size() + 1);
      conn_.prepare(name, DollarParameters(sql));
      it = statements_.emplace(sql, std::make_unique<PgStmt>(*this, "", name, "")).first;
    }
    it->second->Clear();
    return *it->second;
  }
  std::unique_ptr<Stmt> Prepare(const std::string& sql) override {
    return std::make_unique<PgStmt>(*this, DollarParameters(sql), "", "");
  }
  std::unique_ptr<Stmt> Stream(const std::string& sql) override {
    return std::make_unique<PgStmt>(*this, DollarParameters(sql), "",
                                    "purr_cursor_" + std::to_string(++cursors_));
  }
  void Exec(const std::string& sql) override { Txn().exec(sql); }

  void Begin(bool write) override {
    if (txn_) throw StoreError("a transaction is already open");
    txn_ = std::make_unique<pqxx::work>(conn_);
    if (!write) txn_->exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
  }
  void Commit() override {
    std::unique_ptr<pqxx::work> txn = std::move(txn_);
    if (!txn) throw StoreError("no transaction to commit");
    txn->commit();
  }
  void Rollback() noexcept override {
    std::unique_ptr<pqxx::work> txn = std::move(txn_);
    if (!txn) return;
    try {
      txn->abort();
    } catch (...) {
      // The connection is gone: the server rolled the transaction back itself.
    }
  }
  void Done() noexcept override {}

  pqxx::work& Txn() {
    if (!txn_) throw StoreError("a statement outside a transaction");
    return *txn_;
  }

 private:
  pqxx::connection conn_;
  std::unique_ptr<pqxx::work> txn_;
  std::map<const char*, std::unique_ptr<PgStmt>> statements_;
  int cursors_ = 0;
};

pqxx::result PgStmt::Run() {
  std::vector<const char*> values;
  values.reserve(params_.size());
  for (const std::optional<std::string>& p : params_) values.push_back(p ? p->c_str() : nullptr);
  pqxx::work& txn = db_.Txn();
  auto params = pqxx::prepare::make_dynamic_params(values);
  if (!name_.empty()) return txn.exec_prepared(name_, params);
  if (params_.empty()) return txn.exec(sql_);
  return txn.exec_params(sql_, params);
}

bool PgStmt::executeStep() {
  if (!cursor_.empty()) {
    pqxx::work& txn = db_.Txn();
    if (!executed_) {
      txn.exec("DECLARE " + cursor_ + " NO SCROLL CURSOR FOR " + sql_);
      executed_ = true;
      row_ = 0;
    }
    if (row_ < result_.size()) return ++row_ <= result_.size();
    if (cursor_done_) return false;
    constexpr int kBatch = 2000;
    result_ = txn.exec("FETCH FORWARD " + std::to_string(kBatch) + " FROM " + cursor_);
    if (result_.size() < static_cast<size_t>(kBatch)) {
      cursor_done_ = true;
      txn.exec("CLOSE " + cursor_);
    }
    row_ = 0;
    return ++row_ <= result_.size();
  }
  if (!executed_) {
    result_ = Run();
    executed_ = true;
    row_ = 0;
  }
  if (row_ >= result_.size()) return false;
  ++row_;
  return true;
}

int PgStmt::exec() {
  result_ = Run();
  executed_ = true;
  row_ = 0;
  return static_cast<int>(result_.affected_rows());
}

}  // namespace

std::unique_ptr<Db> OpenPostgres(const std::string& uri, int busy_timeout_ms) {
  return std::make_unique<PgDb>(uri, busy_timeout_ms);
}

std::unique_ptr<Db> OpenDb(const std::string& path, bool read_only, int busy_timeout_ms) {
  return IsStoreUrl(path) ? OpenPostgres(path, busy_timeout_ms)
                          : OpenSqlite(path, read_only, busy_timeout_ms);
}

bool IsDriverError(const std::exception& e) {
  return IsSqliteError(e) || dynamic_cast<const pqxx::failure*>(&e) ||
         dynamic_cast<const pqxx::usage_error*>(&e) ||
         dynamic_cast<const pqxx::conversion_error*>(&e) ||
         dynamic_cast<const pqxx::internal_error*>(&e) ||
         dynamic_cast<const pqxx::range_error*>(&e);
}

DbFailure ClassifyFailure(const std::exception& e) {
  if (IsSqliteBusy(e)) return DbFailure::kBusy;
  if (dynamic_cast<const pqxx::broken_connection*>(&e)) {
    // libpqxx 6 raises broken_connection for a login the server refused too. That answer
    // does not change when asked again: a wrong password, an unknown role or database, a
    // pg_hba.conf rule.
    const std::string_view what = e.what();
    for (std::string_view refusal : {"password authentication failed", "no password supplied",
                                     "does not exist", "no pg_hba.conf entry",
                                     "authentication failed for user"}) {
      if (what.find(refusal) != std::string_view::npos) return DbFailure::kOther;
    }
    return DbFailure::kConnection;
  }
  if (const auto* s = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string& state = s->sqlstate();
    // serialization_failure, deadlock_detected, lock_not_available, query_canceled (a
    // statement or lock timeout), admin shutdown and friends.
    if (state == "40001" || state == "40P01" || state == "55P03" || state == "57014") {
      return DbFailure::kBusy;
    }
    if (state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0) return DbFailure::kConnection;
  }
  return DbFailure::kOther;
}

}  // namespace purr::store::internal
