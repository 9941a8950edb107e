// The clerks' review pages and API, served by the daemon.
//
// ReviewApp answers one request at a time and is safe to call from several HTTP threads: it
// reads through Store::Read (reader connections: the queue never waits for the worker) and
// writes each action in one Store::Transact. It knows nothing of sockets; ReadRequest and
// WriteResponse adapt Poco's server (see worker/daemon.cc). Routes: docs/openapi.yaml for
// the JSON API under /api/v1, docs/review.md for the pages.
//
// Security: a session is a random cookie token (HttpOnly, SameSite=Strict, Secure when
// configured) whose SHA-256 the store keeps, with an idle and an absolute expiry; every
// state-changing request carries the session's CSRF token (header X-CSRF-Token); sign-in
// makes a new session (no fixation) and counts failures per user name, locking the name
// after `lockout_failures` in a row (audited). API requests without a session get 401, pages
// a redirect to /signin; clerks get 403 on the audit log and user management.
#ifndef PURR_WEB_REVIEW_H_
#define PURR_WEB_REVIEW_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "cases/engine.h"
#include "store/store.h"
#include "web/auth.h"

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace purr::web {

struct Request {
  std::string method;                          // "GET", "POST", "DELETE", ...
  std::string path;    // as sent (percent-encoded), without the query; each segment is
                       // decoded after splitting, so "/cases/NR%2F2291" names case "NR/2291"
  std::map<std::string, std::string> query;    // decoded; a repeated name keeps the last
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // besides the security headers
  std::string body;
};

struct ReviewOptions {
  bool secure_cookie = false;
  int64_t session_idle_ms = 30 * 60 * 1000;
  int64_t session_max_ms = 12 * 3600 * 1000;
  int lockout_failures = 5;
  int64_t lockout_ms = 15 * 60 * 1000;
  int password_iterations = kDefaultPasswordIterations;  // for passwords set over the API
  std::function<int64_t()> now_ms;  // empty: the system clock
  // The decision rules and the classifier model's version in force (they may be reloaded).
  std::function<std::shared_ptr<const cases::DecisionRules>()> rules;
  std::function<std::string()> model_version;
};

class ReviewApp {
 public:
  ReviewApp(store::Store& store, ReviewOptions options);

  // Any path: the pages, /static/..., /api/v1/...; 404 for the rest.
  Response Handle(const Request& request);

 private:
  struct Session {
    std::string token_hash;
    std::string user;
    std::string role;
    std::string csrf;
  };
  int64_t Now() const;
  std::optional<Session> FindSession(const Request& request);
  Response SignIn(const Request& request);
  Response SignOut(const Request& request, const Session& session);
  Response Api(const Request& request, const Session& session,
               const std::vector<std::string>& parts);
  Response Page(const Request& request, const Session& session,
                const std::vector<std::string>& parts);
  Response FollowUps(const Request& request);
  Response LetterJson(int64_t id, const Session& session);
  Response PageImage(int64_t id, int page);
  Response PaymentJson(const std::string& id);
  Response CaseJson(const std::string& id);
  Response LetterAction(const Request& request, const Session& session, int64_t id);
  Response PaymentAction(const Request& request, const Session& session, const std::string& id);
  Response Audit(const Request& request);
  Response Users(const Request& request, const Session& session,
                 const std::vector<std::string>& parts);
  std::vector<store::ReasonCount> CountsFor(store::Txn& txn, const store::FollowUpQuery& query);

  store::Store& store_;
  ReviewOptions options_;
  std::mutex mu_;
  // Counts per reason by filter, for the queue generation they were counted at.
  int64_t counts_generation_ = -1;                                      // guarded by mu_
  std::map<std::string, std::vector<store::ReasonCount>> counts_;       // guarded by mu_
};

// The follow-up query of a request's filters (status, reason, class, legal, language,
// assignee, overdue=1, age_days, limit <= 500, offset, after / before cursors). Errors: a
// value out of range, a malformed cursor, both cursors.
Result<store::FollowUpQuery> QueryOf(const std::map<std::string, std::string>& params,
                                     const std::string& today, int64_t now_ms);

// A Poco request as a Request; a body over max_body bytes is refused (nullopt; the caller
// answers 413).
std::optional<Request> ReadRequest(Poco::Net::HTTPServerRequest& request, size_t max_body);
// With `head`, the headers of `response` (its Content-Length among them) without its body: the
// answer to a HEAD request, which the server asks of the handler as a GET.
void WriteResponse(const Response& response, Poco::Net::HTTPServerResponse& out,
                   bool head = false);

}  // namespace purr::web

#endif  // PURR_WEB_REVIEW_H_
