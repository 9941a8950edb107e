#include "tests/store/backend.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <pqxx/pqxx>

namespace purr::store::backends {
namespace {

std::atomic<int> next_database{0};

// The URL with its database (the path after the authority) replaced.
std::string WithDatabase(const std::string& url, const std::string& database) {
  const size_t authority = url.find("://") + 3;
  const size_t slash = url.find('/', authority);
  const size_t query = url.find('?', authority);
  std::string head = url.substr(0, slash == std::string::npos ? std::min(query, url.size()) : slash);
  std::string tail = query == std::string::npos ? "" : url.substr(query);
  return head + "/" + database + tail;
}

}  // namespace

bool PostgresRequested() {
  const char* backend = std::getenv("PURR_TEST_STORE");
  return backend && std::string(backend) == "postgresql";
}

std::string PostgresAdminUrl() {
  if (const char* url = std::getenv("PURR_TEST_PG"); url && *url) return url;
  return std::string("postgresql:///postgres?host=") + PURR_TEST_PG_DIR + "&port=5432&user=purr";
}

void PostgresExec(const std::string& url, const std::string& sql) {
  pqxx::connection conn(url);
  pqxx::nontransaction txn(conn);
  txn.exec(sql);
}

std::string PostgresValue(const std::string& url, const std::string& sql) {
  pqxx::connection conn(url);
  pqxx::nontransaction txn(conn);
  return txn.exec1(sql)[0].c_str();
}

void PostgresAdmin(const std::string& sql) { PostgresExec(PostgresAdminUrl(), sql); }

StoreLocation::StoreLocation(Backend backend, const std::filesystem::path& dir)
    : backend_(backend), dir_(dir) {
  path_ = Another("purr");
}

std::string StoreLocation::Another(const std::string& name) {
  if (backend_ == Backend::kSqlite) return (dir_ / (name + ".sqlite")).string();
  const std::string database = "purr_test_" + std::to_string(getpid()) + "_" +
                               std::to_string(next_database.fetch_add(1));
  try {
    PostgresAdmin("CREATE DATABASE " + database);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "cannot create a test database on " << PostgresAdminUrl()
                  << " (does ctest's fixture pg run? tests/store/pg_cluster.sh start "
                  << PURR_TEST_PG_DIR << "): " << e.what();
    return WithDatabase(PostgresAdminUrl(), database);
  }
  databases_.push_back(database);
  return WithDatabase(PostgresAdminUrl(), database);
}

StoreLocation::~StoreLocation() {
  for (const std::string& database : databases_) {
    try {
      PostgresAdmin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "cannot drop " << database << ": " << e.what();
    }
  }
}

}  // namespace purr::store::backends
