// store::CopyStore: every row of one store into another, empty one (purr migrate), table by
// table through the drivers of sql_db.h, in one transaction of the destination.
#include <chrono>
#include <map>

#include "store/sql_db.h"
#include "store/store.h"
#include "store/text_index.h"

namespace purr::store {
namespace {

using internal::Db;
using internal::Dialect;
using internal::Stmt;

// Parents before children (foreign keys). letter_text is the full-text index: copied by its
// own code, since it is a virtual table on SQLite and a tsvector on PostgreSQL.
constexpr const char* kTables[] = {
    "meta",     "customers",   "cases",     "invoices", "letters", "letter_pages",
    "letter_text", "payment_files", "payments", "allocations", "holds", "follow_ups",
    "events",   "jobs",        "audit",     "users",    "sessions", "sign_in_throttle",
    "corrections", "leases"};

struct Column {
  std::string name;
  bool real = false;  // a floating-point column: copied as a double, not its text
};

std::vector<Column> ColumnsOf(Db& db, const std::string& table) {
  std::vector<Column> out;
  if (db.dialect() == Dialect::kSqlite) {
    std::unique_ptr<Stmt> s = db.Prepare("SELECT name, type FROM pragma_table_info(?)");
    s->bind(1, table);
    while (s->executeStep()) out.push_back({s->Text(0), s->Text(1) == "REAL"});
  } else {
    std::unique_ptr<Stmt> s = db.Prepare(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = ? ORDER BY ordinal_position");
    s->bind(1, table);
    while (s->executeStep()) {
      // PostgreSQL's `rowid` is generated: the destination numbers rows as they arrive.
      if (s->Text(0) == "rowid") continue;
      out.push_back({s->Text(0), s->Text(1) == "double precision"});
    }
  }
  return out;
}

bool HasColumn(Db& db, const std::string& table, const std::string& column) {
  std::unique_ptr<Stmt> s = db.Prepare(
      "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() "
      "AND table_name = ? AND column_name = ?");
  s->bind(1, table);
  s->bind(2, column);
  return s->executeStep() && s->Int(0) > 0;
}

std::string Quoted(const std::string& name) { return "\"" + name + "\""; }

int64_t Scalar(Db& db, const std::string& sql) {
  std::unique_ptr<Stmt> s = db.Prepare(sql);
  return s->executeStep() ? s->Int(0) : 0;
}

// One table's rows, in the order they were inserted (invoices and payments keep it).
int64_t CopyTable(Db& from, Db& to, const std::string& table) {
  const std::vector<Column> columns = ColumnsOf(from, table);
  if (columns.empty()) throw StoreError("table " + table + " is missing from the source");
  std::string list, marks;
  for (size_t i = 0; i < columns.size(); ++i) {
    list += (i ? ", " : "") + Quoted(columns[i].name);
    marks += i ? ", ?" : "?";
  }
  std::string order;
  if (from.dialect() == Dialect::kSqlite) {
    order = " ORDER BY rowid";
  } else if (HasColumn(from, table, "rowid")) {
    order = " ORDER BY rowid";
  }
  std::string insert = "INSERT INTO " + table + "(" + list + ") VALUES (" + marks + ")";
  // The destination's migrations wrote meta's keys already; the source's values win.
  if (table == "meta") insert += " ON CONFLICT(key) DO UPDATE SET value = excluded.value";
  std::unique_ptr<Stmt> read = from.Stream("SELECT " + list + " FROM " + table + order);
  std::unique_ptr<Stmt> write = to.Prepare(insert);
  int64_t rows = 0;
  while (read->executeStep()) {
    write->reset();
    for (size_t i = 0; i < columns.size(); ++i) {
      const int c = static_cast<int>(i);
      if (read->IsNull(c)) {
        write->bind(c + 1);
      } else if (columns[i].real) {
        write->bind(c + 1, read->Double(c));
      } else {
        write->bind(c + 1, read->Text(c));
      }
    }
    write->exec();
    ++rows;
  }
  return rows;
}

int64_t CopyLetterText(Db& from, Db& to) {
  std::unique_ptr<Stmt> read = from.Stream(
      from.dialect() == Dialect::kSqlite
          ? "SELECT rowid, file, text FROM letter_text ORDER BY rowid"
          : "SELECT letter_id, file, text FROM letter_text ORDER BY letter_id");
  const bool postgres = to.dialect() == Dialect::kPostgres;
  std::unique_ptr<Stmt> write = to.Prepare(
      postgres ? "INSERT INTO letter_text(letter_id, file, text, words) "
                 "VALUES (?, ?, ?, CAST(? AS tsvector))"
               : "INSERT INTO letter_text(rowid, file, text) VALUES (?, ?, ?)");
  int64_t rows = 0;
  while (read->executeStep()) {
    write->reset();
    const std::string file = read->Text(1), text = read->Text(2);
    write->bind(1, read->Int(0));
    write->bind(2, file);
    write->bind(3, text);
    if (postgres) write->bind(4, internal::TsVectorLiteral(file, text));
    write->exec();
    ++rows;
  }
  return rows;
}

// After rows were written with their ids, PostgreSQL's identity columns continue above them.
void ContinueIdentities(Db& to) {
  std::unique_ptr<Stmt> s = to.Prepare(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = "
      "current_schema() AND is_identity = 'YES' AND identity_generation = 'BY DEFAULT'");
  std::vector<std::pair<std::string, std::string>> identities;
  while (s->executeStep()) identities.emplace_back(s->Text(0), s->Text(1));
  for (const auto& [table, column] : identities) {
    to.Exec("SELECT setval(pg_get_serial_sequence('" + table + "', '" + column + "'), " +
            "COALESCE((SELECT MAX(" + column + ") FROM " + table + "), 0) + 1, false)");
  }
}

CopyReport Measure(Db& db) {
  CopyReport r;
  for (const char* table : kTables) {
    r.tables.push_back({table, Scalar(db, std::string("SELECT count(*) FROM ") + table)});
  }
  r.invoices_original_minor = Scalar(db, "SELECT COALESCE(SUM(original_minor), 0) FROM invoices");
  r.invoices_open_minor = Scalar(db, "SELECT COALESCE(SUM(open_minor), 0) FROM invoices");
  r.allocations_minor = Scalar(db, "SELECT COALESCE(SUM(amount_minor), 0) FROM allocations");
  r.payments_minor = Scalar(db, "SELECT COALESCE(SUM(amount_minor), 0) FROM payments");
  return r;
}

std::string Differences(const CopyReport& a, const CopyReport& b) {
  std::string out;
  for (size_t i = 0; i < a.tables.size() && i < b.tables.size(); ++i) {
    if (a.tables[i].rows != b.tables[i].rows) {
      out += " " + a.tables[i].table + " " + std::to_string(a.tables[i].rows) + " vs " +
             std::to_string(b.tables[i].rows) + ";";
    }
  }
  auto sum = [&](const char* what, int64_t x, int64_t y) {
    if (x != y) out += std::string(" ") + what + " " + std::to_string(x) + " vs " + std::to_string(y) + ";";
  };
  sum("invoices' original amounts", a.invoices_original_minor, b.invoices_original_minor);
  sum("invoices' open amounts", a.invoices_open_minor, b.invoices_open_minor);
  sum("allocations", a.allocations_minor, b.allocations_minor);
  sum("payments", a.payments_minor, b.payments_minor);
  return out;
}

}  // namespace

Result<CopyReport> CopyStore(const StoreOptions& from, const StoreOptions& to) {
  const std::string from_name = StoreDisplayName(from.path);
  const std::string to_name = StoreDisplayName(to.path);
  if (from.path == to.path) return Status::InvalidInput("the source and the destination are the same store");
  // Both opened as stores first: each at this program's schema version, or refused.
  for (const StoreOptions* o : {&from, &to}) {
    Result<std::unique_ptr<Store>> s = OpenStore(*o);
    if (!s.ok()) return s.status();
  }
  const auto start = std::chrono::steady_clock::now();
  try {
    std::unique_ptr<Db> src = internal::OpenDb(from.path, false, from.busy_timeout_ms);
    std::unique_ptr<Db> dst = internal::OpenDb(to.path, false, to.busy_timeout_ms);
    if (dst->dialect() == Dialect::kSqlite) dst->Exec("PRAGMA foreign_keys = ON");
    src->Begin(false);
    CopyReport before = Measure(*src);
    dst->Begin(true);
    try {
      for (const CopyCount& c : Measure(*dst).tables) {
        if (c.table != "meta" && c.rows > 0) {
          dst->Rollback();
          src->Rollback();
          return Status::InvalidInput(to_name + ": the destination store is not empty (" +
                                      c.table + " has " + std::to_string(c.rows) + " rows)");
        }
      }
      for (const char* table : kTables) {
        if (std::string(table) == "letter_text") {
          CopyLetterText(*src, *dst);
        } else {
          CopyTable(*src, *dst, table);
        }
      }
      if (dst->dialect() == Dialect::kPostgres) ContinueIdentities(*dst);
      dst->Commit();
    } catch (...) {
      dst->Rollback();
      throw;
    }
    src->Commit();
    // Counted again on both sides, after the commit.
    src->Begin(false);
    CopyReport source = Measure(*src);
    src->Commit();
    dst->Begin(false);
    CopyReport copied = Measure(*dst);
    dst->Commit();
    if (const std::string changed = Differences(before, source); !changed.empty()) {
      return Status::Internal(from_name + ": the source changed during the copy (stop every "
                              "purr on it first):" + changed);
    }
    if (const std::string diff = Differences(source, copied); !diff.empty()) {
      return Status::Internal(to_name + ": the copy does not match " + from_name + ":" + diff);
    }
    copied.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return copied;
  } catch (const std::exception& e) {
    return Status::IoError(from_name + " -> " + to_name + ": " + e.what());
  }
}

}  // namespace purr::store
