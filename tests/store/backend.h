// The store tests run once per backend: a SQLite file in the test's folder, and a fresh
// database on the throw-away PostgreSQL cluster that ctest starts for them
// (tests/store/pg_cluster.sh, fixture "pg"). PURR_TEST_PG, a libpq URL of a server where
// databases may be created, points the tests at another server.
#ifndef PURR_TESTS_STORE_BACKEND_H_
#define PURR_TESTS_STORE_BACKEND_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

namespace purr::store::backends {

enum class Backend { kSqlite, kPostgres };

inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

// Whether PURR_TEST_STORE=postgresql: the daemon and web tests that ctest runs again as
// Postgres.* make their stores on the test server then.
bool PostgresRequested();

// The URL of the test server's maintenance database.
std::string PostgresAdminUrl();

// Runs SQL on the test server's maintenance database (creating and dropping databases).
void PostgresAdmin(const std::string& sql);

// Runs SQL on one database of the test server.
void PostgresExec(const std::string& url, const std::string& sql);
// The first column of the first row SQL returns on one database of the test server, as text.
std::string PostgresValue(const std::string& url, const std::string& sql);

// A fresh, empty place for one test's store: `dir`/purr.sqlite, or a new database whose
// URL path() is; the database is dropped on destruction.
class StoreLocation {
 public:
  StoreLocation(Backend backend, const std::filesystem::path& dir);
  ~StoreLocation();
  StoreLocation(const StoreLocation&) = delete;
  StoreLocation& operator=(const StoreLocation&) = delete;

  const std::string& path() const { return path_; }
  Backend backend() const { return backend_; }
  // Another empty database (or file) beside this one, dropped with it.
  std::string Another(const std::string& name);

 private:
  Backend backend_;
  std::filesystem::path dir_;
  std::string path_;
  std::vector<std::string> databases_;
};

#define PURR_STORE_BACKENDS(Fixture)                                                       \
  INSTANTIATE_TEST_SUITE_P(Backends, Fixture,                                              \
                           ::testing::Values(::purr::store::backends::Backend::kSqlite,    \
                                             ::purr::store::backends::Backend::kPostgres), \
                           ::purr::store::backends::BackendName)

}  // namespace purr::store::backends

#endif  // PURR_TESTS_STORE_BACKEND_H_
