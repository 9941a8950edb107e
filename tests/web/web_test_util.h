// A real review server for the web tests: a SQLite store in a temporary folder with the
// shipped decision rules, a few users, a seeded letter, payment and case, and the app behind
// web::StartServer on 127.0.0.1 (a free port); plus a small HTTP client.
#ifndef PURR_TESTS_WEB_WEB_TEST_UTIL_H_
#define PURR_TESTS_WEB_WEB_TEST_UTIL_H_

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServer.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "store/store.h"
#include "tests/store/backend.h"
#include "web/review.h"

namespace purr::web::testing {

struct Reply {
  int status = 0;
  std::string body;
  std::multimap<std::string, std::string> headers;  // names in lower case
  std::string Header(const std::string& name) const;
  Poco::JSON::Object::Ptr Json() const;  // null when the body is not a JSON object
};

struct Call {
  std::string method = "GET";
  std::string target;       // "/api/v1/followups?limit=5" (sent as is)
  std::string body;         // JSON
  std::string cookie;       // the session token
  std::string csrf;         // X-CSRF-Token
  std::map<std::string, std::string> headers;
};

// A signed-in browser: its cookie token and CSRF token.
struct Signed {
  std::string cookie;
  std::string csrf;
  int status = 0;
};

class ReviewServer {
 public:
  // Users: admin/admin-password-1 (admin), kari/clerk-password-1 and anna/clerk-password-2
  // (clerks), olav (disabled). `options` may set lock-out and expiry; the clock is the
  // server's `now_ms` below, which tests may move.
  explicit ReviewServer(ReviewOptions options = {});
  ~ReviewServer();

  Reply Send(const Call& call) const;
  Reply Get(const std::string& target, const Signed& who) const;
  Reply Post(const std::string& target, const std::string& body, const Signed& who) const;
  Signed SignIn(const std::string& name, const std::string& password) const;

  store::Store& store() { return *store_; }
  // The app itself, for callers that skip HTTP (the review fuzz target).
  ReviewApp& app() { return *app_; }
  int port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_; }
  // The store's path: dir()/purr.sqlite, or with PURR_TEST_STORE=postgresql (ctest's
  // Postgres.* web tests) the URL of a fresh database on the tests' PostgreSQL.
  const std::string& store_path() const { return store_path_; }

  // Seeded: letter 1 (a dispute on case S-1 with a hold and an open follow-up, text with
  // markup), payment "pay-1" (4000 NOK unapplied, a follow-up), invoices F-1 (blocking) and
  // F-2 of customer K-1 on S-1.
  int64_t letter_id = 0;
  std::atomic<int64_t> now_ms{1764748800000};  // 2025-12-03T08:00:00Z

 private:
  std::filesystem::path dir_;
  std::unique_ptr<store::backends::StoreLocation> location_;  // PostgreSQL only
  std::string store_path_;
  std::unique_ptr<store::Store> store_;
  std::shared_ptr<const cases::DecisionRules> rules_;
  std::unique_ptr<ReviewApp> app_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  int port_ = 0;
};

}  // namespace purr::web::testing

#endif  // PURR_TESTS_WEB_WEB_TEST_UTIL_H_
