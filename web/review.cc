#include "web/review.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "casework/casework.h"
#include "classify/classify.h"
#include "web/highlight.h"
#include "web/json.h"
#include "web/pages.h"

namespace purr::web {
namespace {

namespace fs = std::filesystem;
using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr char kCookie[] = "purr_session";

std::string Stringify(const Poco::Dynamic::Var& v) {
  std::ostringstream out;
  if (v.type() == typeid(Object::Ptr)) {
    v.extract<Object::Ptr>()->stringify(out);
  } else if (v.type() == typeid(Array::Ptr)) {
    v.extract<Array::Ptr>()->stringify(out);
  } else {
    out << Poco::Dynamic::Var::toString(v);
  }
  return out.str();
}

Response JsonResponse(int status, const Object::Ptr& body) {
  Response r;
  r.status = status;
  r.body = Stringify(body);
  return r;
}

Response Error(int status, const std::string& message) {
  Object::Ptr o = new Object;
  o->set("error", message);
  return JsonResponse(status, o);
}

// A known resource asked with a method it does not take: 405 and the methods it does take.
Response NotAllowed(const std::string& allow) {
  Response r = Error(405, "method not allowed: this resource takes " + allow);
  r.headers.push_back({"Allow", allow});
  return r;
}

Response Redirect(const std::string& to) {
  Response r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.headers.push_back({"Location", to});
  r.body = "see " + to + "\n";
  return r;
}

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(path);
  while (std::getline(in, part, '/')) {
    if (part.empty()) continue;
    std::string decoded;
    try {
      Poco::URI::decode(part, decoded);
    } catch (const Poco::Exception&) {
      decoded = part;  // a malformed escape: the segment as sent, matching nothing
    }
    parts.push_back(decoded);
  }
  return parts;
}

// A positive decimal id, or nullopt (a path segment is never a path: no traversal).
std::optional<int64_t> Id(const std::string& s) {
  if (s.empty() || s.size() > 15) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v <= 0) return std::nullopt;
  return v;
}

std::string Header(const Request& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

std::string CookieValue(const Request& r, const std::string& name) {
  const std::string cookies = Header(r, "cookie");
  size_t pos = 0;
  while (pos < cookies.size()) {
    size_t end = cookies.find(';', pos);
    if (end == std::string::npos) end = cookies.size();
    std::string part = cookies.substr(pos, end - pos);
    const size_t start = part.find_first_not_of(' ');
    if (start != std::string::npos) part = part.substr(start);
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return "";
}

std::string Today(int64_t now_ms) { return store::FormatTimeMs(now_ms).substr(0, 10); }

// The JSON body of a request as an object, or an error message.
Result<Object::Ptr> BodyObject(const Request& r) {
  if (r.body.empty()) return Status::InvalidInput("a JSON object body is needed");
  try {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var v = parser.parse(r.body);
    if (v.type() != typeid(Object::Ptr)) return Status::InvalidInput("the body is not a JSON object");
    return v.extract<Object::Ptr>();
  } catch (const Poco::Exception& e) {
    return Status::InvalidInput("the body is not JSON: " + e.message());
  }
}

// A string field, or empty; a present non-string is an error.
Result<std::string> StringField(const Object::Ptr& o, const std::string& key) {
  if (!o->has(key) || o->isNull(key)) return std::string();
  Poco::Dynamic::Var v = o->get(key);
  if (!v.isString()) return Status::InvalidInput("\"" + key + "\" must be a string");
  std::string s = v.convert<std::string>();
  if (s.size() > 4000) return Status::InvalidInput("\"" + key + "\" is too long");
  return s;
}

Result<std::optional<int64_t>> IntField(const Object::Ptr& o, const std::string& key) {
  if (!o->has(key) || o->isNull(key)) return std::optional<int64_t>();
  Poco::Dynamic::Var v = o->get(key);
  if (!v.isInteger()) return Status::InvalidInput("\"" + key + "\" must be a whole number");
  return std::optional<int64_t>(v.convert<int64_t>());
}

int StatusOf(casework::ActionResult::Outcome o) {
  switch (o) {
    case casework::ActionResult::Outcome::kOk: return 200;
    case casework::ActionResult::Outcome::kInvalid: return 400;
    case casework::ActionResult::Outcome::kNotFound: return 404;
    case casework::ActionResult::Outcome::kConflict: return 409;
  }
  return 500;
}

// Thrown inside a transaction to roll a refused action back.
struct Refused : store::StoreError {
  Refused() : store::StoreError("action refused") {}
};

Response ActionResponse(const Status& status, const casework::ActionResult& result,
                        int64_t version) {
  if (!result.ok()) return Error(StatusOf(result.outcome), result.message);
  if (!status.ok()) return Error(503, "the store could not record the action: " + status.message());
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("ok", true);
  o->set("message", result.message);
  Array::Ptr events = new Array;
  for (const std::string& e : result.events) events->add(e);
  o->set("events", events);
  o->set("version", version);
  return JsonResponse(200, o);
}

}  // namespace

std::string CursorOf(const store::FollowUpPosition& p) {
  return p.status + "_" + p.due + "_" + std::to_string(p.priority) + "_" + std::to_string(p.id);
}

// "open_2026-12-03_1_4711": status, due day, priority, id, as CursorOf writes it.
std::optional<store::FollowUpPosition> ParseCursor(const std::string& text) {
  std::vector<std::string> f;
  std::istringstream in(text);
  for (std::string part; std::getline(in, part, '_');) f.push_back(part);
  if (f.size() != 4 || (f[0] != "open" && f[0] != "resolved")) return std::nullopt;
  const std::string& due = f[1];
  if (due.size() != 10 || due[4] != '-' || due[7] != '-') return std::nullopt;
  for (size_t i = 0; i < due.size(); ++i) {
    if (i != 4 && i != 7 && (due[i] < '0' || due[i] > '9')) return std::nullopt;
  }
  store::FollowUpPosition p;
  p.status = f[0];
  p.due = due;
  for (int i : {2, 3}) {
    if (f[i].empty() || f[i].size() > 15) return std::nullopt;
    for (char c : f[i]) {
      if (c < '0' || c > '9') return std::nullopt;
    }
  }
  p.priority = std::stoll(f[2]);
  p.id = std::stoll(f[3]);
  return p;
}

Result<store::FollowUpQuery> QueryOf(const std::map<std::string, std::string>& params,
                                     const std::string& today, int64_t now_ms) {
  store::FollowUpQuery q;
  auto get = [&](const char* key) {
    auto it = params.find(key);
    return it == params.end() ? std::string() : it->second;
  };
  auto number = [&](const char* key, int64_t fallback, int64_t low,
                    int64_t high) -> Result<int64_t> {
    const std::string v = get(key);
    if (v.empty()) return fallback;
    int64_t n = 0;
    for (char c : v) {
      if (c < '0' || c > '9' || n > high) {
        return Status::InvalidInput(std::string(key) + " must be a whole number");
      }
      n = n * 10 + (c - '0');
    }
    if (n < low || n > high) {
      return Status::InvalidInput(std::string(key) + " must be from " + std::to_string(low) +
                                  " to " + std::to_string(high));
    }
    return n;
  };
  const std::string status = get("status");
  if (status.empty() || status == "open") {
    q.status = "open";
  } else if (status == "resolved") {
    q.status = "resolved";
  } else if (status == "all") {
    q.status = "";
  } else {
    return Status::InvalidInput("status must be open, resolved or all");
  }
  q.reason = get("reason");
  q.cls = get("class");
  q.legal = get("legal");
  q.language = get("language");
  q.assignee = get("assignee");
  for (const std::string* v : {&q.reason, &q.cls, &q.legal, &q.language, &q.assignee}) {
    if (v->size() > 200) return Status::InvalidInput("a filter value is too long");
  }
  const std::string overdue = get("overdue");
  if (overdue == "1" || overdue == "true") {
    q.overdue_before = today;
  } else if (!overdue.empty() && overdue != "0" && overdue != "false") {
    return Status::InvalidInput("overdue must be 1 or 0");
  }
  Result<int64_t> age = number("age_days", 0, 0, 36500);
  if (!age.ok()) return age.status();
  if (*age > 0) q.created_before = store::FormatTimeMs(now_ms - *age * 86400000);
  Result<int64_t> limit = number("limit", 50, 1, 500);
  if (!limit.ok()) return limit.status();
  Result<int64_t> offset = number("offset", 0, 0, 100000000);
  if (!offset.ok()) return offset.status();
  q.limit = *limit;
  q.offset = *offset;
  for (const char* key : {"after", "before"}) {
    const std::string v = get(key);
    if (v.empty()) continue;
    std::optional<store::FollowUpPosition> p = ParseCursor(v);
    if (!p) return Status::InvalidInput(std::string(key) + " must be a cursor from next or prev");
    (std::string(key) == "after" ? q.after : q.before) = *p;
  }
  if (q.after && q.before) return Status::InvalidInput("after and before cannot both be given");
  return q;
}

ReviewApp::ReviewApp(store::Store& store, ReviewOptions options)
    : store_(store), options_(std::move(options)) {}

int64_t ReviewApp::Now() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<ReviewApp::Session> ReviewApp::FindSession(const Request& request) {
  const std::string token = CookieValue(request, kCookie);
  if (token.empty() || token.size() > 100) return std::nullopt;
  const std::string hash = Sha256Hex(token);
  const int64_t now = Now();
  std::optional<store::SessionRecord> s;
  std::optional<store::UserRecord> user;
  Status read = store_.Read([&](store::Txn& txn) {
    s = txn.GetSession(hash);
    if (s) user = txn.GetUser(s->user);
  });
  if (!read.ok() || !s) return std::nullopt;
  const bool expired = now - s->last_seen_ms > options_.session_idle_ms ||
                       now - s->created_ms > options_.session_max_ms;
  if (expired || !user || user->disabled) {
    (void)store_.Transact([&](store::Txn& txn) { txn.DeleteSession(hash); });
    return std::nullopt;
  }
  if (now - s->last_seen_ms > 30000) {
    (void)store_.Transact([&](store::Txn& txn) { txn.TouchSession(hash, now); });
  }
  return Session{hash, user->name, user->role, s->csrf_token};
}

Response ReviewApp::Handle(const Request& request) {
  try {
    const std::vector<std::string> parts = Split(request.path);
    if (!parts.empty() && parts[0] == "static") {
      if (request.method != "GET") return NotAllowed("GET, HEAD");
      return StaticAsset(parts);
    }
    const bool api = parts.size() >= 2 && parts[0] == "api" && parts[1] == "v1";
    if (api && parts.size() == 3 && parts[2] == "session" && request.method == "POST") {
      return SignIn(request);
    }
    if (!api && parts.size() == 1 && parts[0] == "signin") {
      if (request.method != "GET") return NotAllowed("GET, HEAD");
      return SignInPage();
    }
    std::optional<Session> session = FindSession(request);
    if (!session) {
      if (api) return Error(401, "sign in first");
      if (request.method != "GET") return Error(401, "sign in first");
      // Back to the same page and filters once signed in.
      // Built by hand: Poco::URI refuses some paths a client may send (":"), which made
      // this redirect a 500 (found by review_http_fuzzer).
      std::string target = request.path, next;
      char separator = '?';
      for (const auto& [k, v] : request.query) {
        std::string key, value;
        Poco::URI::encode(k, "?&=#+%", key);
        Poco::URI::encode(v, "?&=#+%", value);
        target += separator + key + "=" + value;
        separator = '&';
      }
      Poco::URI::encode(target, "?&=#+%", next);
      return Redirect("/signin?next=" + next);
    }
    // Every state-changing request carries the session's CSRF token.
    if (request.method != "GET" && request.method != "HEAD") {
      if (!SameSecret(Header(request, "x-csrf-token"), session->csrf)) {
        return Error(403, "missing or wrong CSRF token (X-CSRF-Token)");
      }
    }
    if (api) return Api(request, *session, parts);
    return Page(request, *session, parts);
  } catch (const std::exception& e) {
    return Error(500, std::string("internal error: ") + e.what());
  }
}

Response ReviewApp::SignIn(const Request& request) {
  // A cross-site form cannot sign a browser in to another account (login CSRF).
  const std::string origin = Header(request, "origin");
  if (!origin.empty() && origin != "null") {
    Poco::URI o(origin);
    std::string host = o.getHost();
    if (o.getPort() != 0 && o.getPort() != Poco::URI(o.getScheme() + "://x").getPort()) {
      host += ":" + std::to_string(o.getPort());
    }
    if (host != Header(request, "host")) return Error(403, "cross-origin sign-in refused");
  }
  Result<Object::Ptr> body = BodyObject(request);
  if (!body.ok()) return Error(400, body.status().message());
  Result<std::string> name = StringField(*body, "name");
  Result<std::string> password = StringField(*body, "password");
  if (!name.ok() || !password.ok() || name->empty() || password->empty()) {
    return Error(400, "\"name\" and \"password\" are needed");
  }
  if (name->size() > 64) return Error(401, "wrong name or password");
  const int64_t now = Now();
  // Count the attempt before verifying, in one transaction: parallel guesses cannot get more
  // than `lockout_failures` verifications between two lock-outs.
  bool locked = false;
  std::optional<store::UserRecord> user;
  Status counted = store_.Transact([&](store::Txn& txn) {
    store::SignInThrottle t = txn.GetThrottle(*name);
    t.name = *name;
    if (t.locked_until_ms > now) {
      locked = true;
      return;
    }
    if (t.locked_until_ms != 0) t = store::SignInThrottle{*name, 0, 0};  // the lock ran out
    if (t.failures >= options_.lockout_failures) {
      locked = true;
      return;
    }
    ++t.failures;
    txn.PutThrottle(t);
    user = txn.GetUser(*name);
  });
  if (!counted.ok()) return Error(503, "the store is busy; try again");
  if (locked) return Error(429, "too many failed sign-ins; this name is locked for a while");
  bool good = false;
  if (user && !user->disabled) {
    good = VerifyPassword(*password, user->password_hash);
  } else {
    VerifyNothing(*password);
  }
  if (!good) {
    (void)store_.Transact([&](store::Txn& txn) {
      store::SignInThrottle t = txn.GetThrottle(*name);
      if (t.failures >= options_.lockout_failures && t.locked_until_ms <= now) {
        t.locked_until_ms = now + options_.lockout_ms;
        txn.PutThrottle(t);
        txn.Audit("purr/web", "user:" + *name,
                  {"lock_out", "web.lockout",
                   std::to_string(t.failures) + " failed sign-ins in a row; locked until " +
                       store::FormatTimeMs(t.locked_until_ms),
                   std::nullopt});
      }
    });
    return Error(401, "wrong name or password");
  }
  Result<std::string> token = RandomToken();
  Result<std::string> csrf = RandomToken();
  if (!token.ok() || !csrf.ok()) return Error(500, "no randomness for a session");
  const std::string old = CookieValue(request, kCookie);
  Status made = store_.Transact([&](store::Txn& txn) {
    if (!old.empty()) txn.DeleteSession(Sha256Hex(old));  // never keep a presented token
    txn.PutThrottle(store::SignInThrottle{*name, 0, 0});
    txn.DeleteSessionsSeenBefore(now - options_.session_idle_ms);
    store::SessionRecord s;
    s.token_hash = Sha256Hex(*token);
    s.user = *name;
    s.csrf_token = *csrf;
    s.created_ms = now;
    s.last_seen_ms = now;
    txn.InsertSession(s);
    txn.Audit(*name, "user:" + *name, {"sign_in", "web.sign-in", "signed in", std::nullopt});
  });
  if (!made.ok()) return Error(503, "the store is busy; try again");
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("user", user->name);
  o->set("role", user->role);
  o->set("csrf_token", *csrf);
  Response r = JsonResponse(200, o);
  r.headers.push_back(
      {"Set-Cookie", std::string(kCookie) + "=" + *token + "; Path=/; HttpOnly; SameSite=Strict" +
                         "; Max-Age=" + std::to_string(options_.session_max_ms / 1000) +
                         (options_.secure_cookie ? "; Secure" : "")});
  return r;
}

Response ReviewApp::SignOut(const Request&, const Session& session) {
  (void)store_.Transact([&](store::Txn& txn) {
    txn.DeleteSession(session.token_hash);
    txn.Audit(session.user, "user:" + session.user,
              {"sign_out", "web.sign-out", "signed out", std::nullopt});
  });
  Response r;
  r.status = 204;
  r.content_type.clear();  // no content, so no type
  r.headers.push_back({"Set-Cookie", std::string(kCookie) +
                                         "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                         (options_.secure_cookie ? "; Secure" : "")});
  return r;
}

std::vector<store::ReasonCount> ReviewApp::CountsFor(store::Txn& txn,
                                                     const store::FollowUpQuery& query) {
  // Counts per reason are the queue's heaviest query; they change only when follow-ups do.
  const int64_t generation = txn.FollowUpGeneration();
  const std::string key = query.status + "\x1f" + query.cls + "\x1f" + query.legal + "\x1f" +
                          query.language + "\x1f" + query.assignee + "\x1f" +
                          query.overdue_before + "\x1f" + query.created_before;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (counts_generation_ == generation) {
      auto it = counts_.find(key);
      if (it != counts_.end()) return it->second;
    }
  }
  std::vector<store::ReasonCount> counts = txn.FollowUpCounts(query);
  std::lock_guard<std::mutex> lock(mu_);
  // Every clerk's filters share one generation's cache; a change to the queue empties it.
  if (counts_generation_ != generation || counts_.size() >= 256) counts_.clear();
  counts_generation_ = generation;
  counts_[key] = counts;
  return counts;
}

Response ReviewApp::Api(const Request& request, const Session& session,
                        const std::vector<std::string>& parts) {
  const std::string& m = request.method;
  const size_t n = parts.size();
  const std::string what = n >= 3 ? parts[2] : "";
  if (what == "session" && n == 3) {
    if (m == "DELETE") return SignOut(request, session);
    if (m == "GET") {
      Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
      o->set("user", session.user);
      o->set("role", session.role);
      o->set("csrf_token", session.csrf);
      return JsonResponse(200, o);
    }
    return NotAllowed("GET, HEAD, POST, DELETE");
  }
  if (what == "followups" && n == 3) {
    if (m != "GET") return NotAllowed("GET, HEAD");
    return FollowUps(request);
  }
  if (what == "letters" && n >= 4) {
    std::optional<int64_t> id = Id(parts[3]);
    if (!id) return Error(404, "no such letter");
    if (n == 4) return m == "GET" ? LetterJson(*id, session) : NotAllowed("GET, HEAD");
    if (n == 5 && parts[4] == "actions") {
      return m == "POST" ? LetterAction(request, session, *id) : NotAllowed("POST");
    }
    if (n == 6 && parts[4] == "pages") {
      if (m != "GET") return NotAllowed("GET, HEAD");
      std::string page = parts[5];
      if (page.size() > 4 && page.substr(page.size() - 4) == ".png") page.resize(page.size() - 4);
      std::optional<int64_t> p = Id(page);
      if (!p || *p > 100000) return Error(404, "no such page");
      return PageImage(*id, static_cast<int>(*p));
    }
    return Error(404, "not found");
  }
  if (what == "payments" && (n == 4 || (n == 5 && parts[4] == "actions"))) {
    const std::string& id = parts[3];
    if (n == 4) return m == "GET" ? PaymentJson(id) : NotAllowed("GET, HEAD");
    return m == "POST" ? PaymentAction(request, session, id) : NotAllowed("POST");
  }
  if (what == "cases" && (n == 3 || n == 4)) {
    if (m != "GET") return NotAllowed("GET, HEAD");
    if (n == 3) {
      auto q = request.query.find("q");
      const std::string text = q == request.query.end() ? "" : q->second;
      if (text.size() < 2 || text.size() > 200) {
        return Error(400, "q must have 2 to 200 characters");
      }
      std::vector<store::CaseHit> hits;
      Status read = store_.Read([&](store::Txn& txn) { hits = txn.SearchCases(text, 20); });
      if (!read.ok()) return Error(503, read.message());
      Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
      Array::Ptr items = new Array;
      for (const store::CaseHit& h : hits) items->add(CaseHitJson(h));
      o->set("items", items);
      return JsonResponse(200, o);
    }
    return CaseJson(parts[3]);
  }
  if (what == "audit" && n == 3) {
    if (session.role != "admin") return Error(403, "the audit log is for admins");
    if (m != "GET") return NotAllowed("GET, HEAD");
    return Audit(request);
  }
  if (what == "users" && (n == 3 || n == 4)) {
    if (session.role != "admin") return Error(403, "user management is for admins");
    return Users(request, session, parts);
  }
  if (what == "classes" && n == 3) {
    if (m != "GET") return NotAllowed("GET, HEAD");
    Array::Ptr classes = new Array;
    for (const std::string& c : AllClassNames()) classes->add(c);
    Object::Ptr o = new Object;
    o->set("classes", classes);
    return JsonResponse(200, o);
  }
  return Error(404, "not found");
}

Response ReviewApp::FollowUps(const Request& request) {
  const int64_t now = Now();
  const std::string today = Today(now);
  Result<store::FollowUpQuery> query = QueryOf(request.query, today, now);
  if (!query.ok()) return Error(400, query.status().message());
  store::FollowUpPage page;
  std::vector<store::ReasonCount> counts;
  // The total is the counts' sum (or the one reason's count): no second count of the queue.
  query->count_total = false;
  Status read = store_.Read([&](store::Txn& txn) {
    page = txn.QueryFollowUps(*query);
    counts = CountsFor(txn, *query);
  });
  if (!read.ok()) return Error(503, read.message());
  int64_t total = 0;
  for (const store::ReasonCount& rc : counts) {
    if (query->reason.empty() || rc.reason == query->reason) total += rc.count;
  }
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("total", total);
  o->set("limit", query->limit);
  o->set("offset", query->offset);
  o->set("next", page.more_after && page.last ? Poco::Dynamic::Var(CursorOf(*page.last))
                                              : Poco::Dynamic::Var());
  o->set("prev", page.more_before && page.first ? Poco::Dynamic::Var(CursorOf(*page.first))
                                                : Poco::Dynamic::Var());
  o->set("today", today);
  Array::Ptr c = new Array;
  for (const store::ReasonCount& rc : counts) {
    Object::Ptr co = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    co->set("reason", rc.reason);
    co->set("count", rc.count);
    c->add(co);
  }
  o->set("counts", c);
  Array::Ptr items = new Array;
  for (const store::FollowUpRecord& r : page.items) items->add(FollowUpJson(r, today));
  o->set("items", items);
  return JsonResponse(200, o);
}

Response ReviewApp::LetterJson(int64_t id, const Session&) {
  std::optional<store::LetterRecord> letter;
  std::vector<store::FollowUpRecord> follow_ups;
  std::vector<store::HoldRecord> holds;
  std::vector<store::AuditRecord> history;
  Status read = store_.Read([&](store::Txn& txn) {
    letter = txn.GetLetter(id);
    if (!letter) return;
    follow_ups = txn.FollowUpsOf(id, "");
    if (!letter->case_id.empty()) holds = txn.HoldsOf(letter->case_id);
    history = txn.AuditOf({"letter:" + std::to_string(id)}, 200, 0);
  });
  if (!read.ok()) return Error(503, read.message());
  if (!letter) return Error(404, "no letter " + std::to_string(id));
  Object::Ptr o = LetterDetailJson(*letter, follow_ups, holds, history, Today(Now()));
  o->set("version", casework::FollowUpVersion(follow_ups));
  return JsonResponse(200, o);
}

Response ReviewApp::PageImage(int64_t id, int page) {
  std::optional<store::LetterRecord> letter;
  Status read = store_.Read([&](store::Txn& txn) { letter = txn.GetLetter(id); });
  if (!read.ok()) return Error(503, read.message());
  if (!letter || page < 1 || static_cast<size_t>(page) > letter->pages.size()) {
    return Error(404, "no such page");
  }
  const std::string& path = letter->pages[static_cast<size_t>(page - 1)].image_path;
  if (path.empty()) return Error(404, "no image kept for this page");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(404, "the page image is missing from the store folder");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  Response r;
  r.content_type = "image/png";
  r.body = bytes.str();
  r.headers.push_back({"Cache-Control", "private, max-age=86400"});
  return r;
}

Response ReviewApp::PaymentJson(const std::string& id) {
  std::optional<store::PaymentRecord> payment;
  std::vector<store::FollowUpRecord> follow_ups;
  std::vector<store::InvoiceRecord> invoices;
  std::vector<store::AuditRecord> history;
  Status read = store_.Read([&](store::Txn& txn) {
    payment = txn.GetPayment(id);
    if (!payment) return;
    follow_ups = txn.FollowUpsOf(0, id);
    if (!payment->customer.empty()) invoices = txn.InvoicesOfCustomer(payment->customer);
    history = txn.AuditOf({"payment:" + id}, 200, 0);
  });
  if (!read.ok()) return Error(503, read.message());
  if (!payment) return Error(404, "no such payment");
  Object::Ptr o = PaymentDetailJson(*payment, follow_ups, invoices, history, Today(Now()));
  o->set("version", casework::FollowUpVersion(follow_ups));
  return JsonResponse(200, o);
}

Response ReviewApp::CaseJson(const std::string& id) {
  std::optional<store::CaseRecord> c;
  std::vector<store::InvoiceRecord> invoices;
  std::vector<store::PaymentRecord> payments;
  std::vector<store::LetterRecord> letters;
  std::vector<store::HoldRecord> holds;
  std::vector<store::AuditRecord> history;
  Status read = store_.Read([&](store::Txn& txn) {
    c = txn.GetCase(id);
    if (!c) return;
    invoices = txn.InvoicesOfCase(id);
    payments = txn.PaymentsOfCase(id);
    letters = txn.LettersOfCase(id);
    holds = txn.HoldsOf(id);
    std::vector<std::string> subjects = {"case:" + id, "customer:" + c->customer};
    for (const store::LetterRecord& l : letters) subjects.push_back("letter:" + std::to_string(l.id));
    for (const store::PaymentRecord& p : payments) subjects.push_back("payment:" + p.payment_id);
    history = txn.AuditOf(subjects, 200, 0);
  });
  if (!read.ok()) return Error(503, read.message());
  if (!c) return Error(404, "no such case");
  return JsonResponse(200, CaseDetailJson(*c, invoices, payments, letters, holds, history));
}

Response ReviewApp::LetterAction(const Request& request, const Session& session, int64_t id) {
  Result<Object::Ptr> body = BodyObject(request);
  if (!body.ok()) return Error(400, body.status().message());
  casework::LetterAction a;
  Result<std::string> action = StringField(*body, "action");
  Result<std::string> case_id = StringField(*body, "case");
  Result<std::string> comment = StringField(*body, "comment");
  Result<std::string> user = StringField(*body, "user");
  Result<std::optional<int64_t>> version = IntField(*body, "version");
  for (const Status* s : {&action.status(), &case_id.status(), &comment.status(), &user.status(),
                          &version.status()}) {
    if (!s->ok()) return Error(400, s->message());
  }
  a.action = *action;
  a.case_id = *case_id;
  a.comment = *comment;
  a.user = *user;
  a.version = *version;
  if ((*body)->has("classes")) {
    Array::Ptr classes = (*body)->getArray("classes");
    if (!classes) return Error(400, "\"classes\" must be an array of strings");
    if (classes->size() > 20) return Error(400, "at most 20 \"classes\"");
    for (size_t i = 0; i < classes->size(); ++i) {
      Poco::Dynamic::Var v = classes->get(static_cast<unsigned>(i));
      if (!v.isString()) return Error(400, "\"classes\" must be an array of strings");
      a.classes.push_back(v.convert<std::string>());
    }
  }
  if (a.action.empty()) return Error(400, "\"action\" is needed");
  std::shared_ptr<const cases::DecisionRules> rules = options_.rules ? options_.rules() : nullptr;
  if (!rules) return Error(503, "no decision rules loaded");
  casework::ActionResult result;
  int64_t after = 0;
  Status done = store_.Transact([&](store::Txn& txn) {
    casework::Context ctx{rules.get(), session.user, store_.Now(),
                          options_.model_version ? options_.model_version() : ""};
    result = casework::ApplyLetterAction(txn, ctx, id, a);
    if (!result.ok()) throw Refused();
    after = casework::FollowUpVersion(txn.FollowUpsOf(id, ""));
  });
  return ActionResponse(done, result, after);
}

Response ReviewApp::PaymentAction(const Request& request, const Session& session,
                                  const std::string& id) {
  Result<Object::Ptr> body = BodyObject(request);
  if (!body.ok()) return Error(400, body.status().message());
  casework::PaymentAction a;
  Result<std::string> action = StringField(*body, "action");
  Result<std::string> comment = StringField(*body, "comment");
  Result<std::string> user = StringField(*body, "user");
  Result<std::optional<int64_t>> version = IntField(*body, "version");
  for (const Status* s : {&action.status(), &comment.status(), &user.status(), &version.status()}) {
    if (!s->ok()) return Error(400, s->message());
  }
  a.action = *action;
  a.comment = *comment;
  a.user = *user;
  a.version = *version;
  if ((*body)->has("allocations")) {
    Array::Ptr list = (*body)->getArray("allocations");
    if (!list) return Error(400, "\"allocations\" must be an array");
    if (list->size() > 100) return Error(400, "at most 100 \"allocations\"");
    for (size_t i = 0; i < list->size(); ++i) {
      Object::Ptr o = list->getObject(static_cast<unsigned>(i));
      if (!o) return Error(400, "each allocation is {\"invoice\": ..., \"amount_minor\": ...}");
      Result<std::string> invoice = StringField(o, "invoice");
      Result<std::optional<int64_t>> amount = IntField(o, "amount_minor");
      if (!invoice.ok() || !amount.ok() || invoice->empty() || !*amount) {
        return Error(400, "each allocation is {\"invoice\": ..., \"amount_minor\": ...}");
      }
      a.allocations.push_back({*invoice, **amount});
    }
  }
  if (a.action.empty()) return Error(400, "\"action\" is needed");
  std::shared_ptr<const cases::DecisionRules> rules = options_.rules ? options_.rules() : nullptr;
  if (!rules) return Error(503, "no decision rules loaded");
  casework::ActionResult result;
  int64_t after = 0;
  Status done = store_.Transact([&](store::Txn& txn) {
    casework::Context ctx{rules.get(), session.user, store_.Now(),
                          options_.model_version ? options_.model_version() : ""};
    result = casework::ApplyPaymentAction(txn, ctx, id, a);
    if (!result.ok()) throw Refused();
    after = casework::FollowUpVersion(txn.FollowUpsOf(0, id));
  });
  return ActionResponse(done, result, after);
}

Response ReviewApp::Audit(const Request& request) {
  auto get = [&](const char* k) {
    auto it = request.query.find(k);
    return it == request.query.end() ? std::string() : it->second;
  };
  Result<store::FollowUpQuery> paging = QueryOf({{"limit", get("limit")}, {"offset", get("offset")}},
                                                "", Now());
  if (!paging.ok()) return Error(400, paging.status().message());
  std::vector<std::string> subjects;
  if (!get("subject").empty()) subjects.push_back(get("subject"));
  std::vector<store::AuditRecord> entries;
  int64_t total = 0;
  Status read = store_.Read([&](store::Txn& txn) {
    entries = txn.AuditOf(subjects, paging->limit, paging->offset);
    total = subjects.empty() ? txn.AuditCount() : -1;
  });
  if (!read.ok()) return Error(503, read.message());
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  if (total >= 0) o->set("total", total);
  o->set("limit", paging->limit);
  o->set("offset", paging->offset);
  Array::Ptr items = new Array;
  for (const store::AuditRecord& a : entries) items->add(AuditJson(a));
  o->set("items", items);
  return JsonResponse(200, o);
}

Response ReviewApp::Users(const Request& request, const Session& session,
                          const std::vector<std::string>& parts) {
  const std::string& m = request.method;
  if (parts.size() == 3 && m == "GET") {
    std::vector<store::UserRecord> users;
    Status read = store_.Read([&](store::Txn& txn) { users = txn.Users(); });
    if (!read.ok()) return Error(503, read.message());
    Object::Ptr o = new Object;
    Array::Ptr items = new Array;
    for (const store::UserRecord& u : users) items->add(UserJson(u));
    o->set("items", items);
    return JsonResponse(200, o);
  }
  if (parts.size() == 4 && m == "GET") {
    std::optional<store::UserRecord> user;
    Status read = store_.Read([&](store::Txn& txn) { user = txn.GetUser(parts[3]); });
    if (!read.ok()) return Error(503, read.message());
    if (!user) return Error(404, "no user " + parts[3]);
    return JsonResponse(200, UserJson(*user));
  }
  const bool create = parts.size() == 3 && m == "POST";
  const bool change = parts.size() == 4 && m == "POST";
  if (!create && !change) return NotAllowed("GET, HEAD, POST");
  Result<Object::Ptr> body = BodyObject(request);
  if (!body.ok()) return Error(400, body.status().message());
  Result<std::string> name = create ? StringField(*body, "name") : Result<std::string>(parts[3]);
  Result<std::string> role = StringField(*body, "role");
  Result<std::string> password = StringField(*body, "password");
  for (const Status* s : {&name.status(), &role.status(), &password.status()}) {
    if (!s->ok()) return Error(400, s->message());
  }
  std::optional<bool> disabled;
  if ((*body)->has("disabled")) {
    Poco::Dynamic::Var v = (*body)->get("disabled");
    if (!v.isBoolean()) return Error(400, "\"disabled\" must be true or false");
    disabled = v.convert<bool>();
  }
  if (std::string problem = UserNameProblem(*name); !problem.empty()) return Error(400, problem);
  if (!role->empty() && *role != "clerk" && *role != "admin") {
    return Error(400, "\"role\" must be clerk or admin");
  }
  if (create && (role->empty() || password->empty())) {
    return Error(400, "a new user needs \"name\", \"role\" and \"password\"");
  }
  std::string hash;
  if (!password->empty()) {
    if (std::string problem = PasswordProblem(*password); !problem.empty()) {
      return Error(400, problem);
    }
    Result<std::string> h = HashPassword(*password, options_.password_iterations);
    if (!h.ok()) return Error(500, h.status().message());
    hash = *h;
  }
  int status = 200;
  std::string message;
  Status done = store_.Transact([&](store::Txn& txn) {
    std::optional<store::UserRecord> u = txn.GetUser(*name);
    if (create && u) {
      status = 409, message = "user " + *name + " exists";
      return;
    }
    if (change && !u) {
      status = 404, message = "no user " + *name;
      return;
    }
    store::UserRecord rec = u.value_or(store::UserRecord{});
    const std::string before = u ? Stringify(UserJson(*u)) : "";
    rec.name = *name;
    if (!role->empty()) rec.role = *role;
    if (!hash.empty()) rec.password_hash = hash;
    if (disabled) rec.disabled = *disabled;
    if (rec.name == session.user && (rec.disabled || rec.role != "admin")) {
      status = 409, message = "an admin cannot disable or demote their own account";
      return;
    }
    if (change && hash.empty() && rec.role == u->role && rec.disabled == u->disabled) {
      message = "unchanged";  // nothing to write, nothing to audit
      return;
    }
    txn.PutUser(rec);
    if (!hash.empty() || rec.disabled) txn.DeleteSessionsOf(rec.name);
    txn.AuditChange(session.user, "user:" + rec.name,
                    {create ? "user_add" : "user_change", "web.users",
                     create ? "user added as " + rec.role
                            : std::string(hash.empty() ? "" : "password changed; ") +
                                  "role " + rec.role + (rec.disabled ? ", disabled" : ""),
                     std::nullopt},
                    before, Stringify(UserJson(rec)));
    message = create ? "added" : "changed";
  });
  if (!done.ok()) return Error(503, done.message());
  if (status != 200) return Error(status, message);
  Object::Ptr o = new Object;
  o->set("ok", true);
  o->set("message", message);
  return JsonResponse(create ? 201 : 200, o);
}

Response ReviewApp::Page(const Request& request, const Session& session,
                         const std::vector<std::string>& parts) {
  if (request.method != "GET") return NotAllowed("GET, HEAD");
  PageContext ctx{session.user, session.role, session.csrf};
  if (parts.empty()) return HtmlPage(ctx, "queue", "");
  if (parts.size() == 2 && parts[0] == "letters") {
    if (!Id(parts[1])) return HtmlNotFound(ctx);
    return HtmlPage(ctx, "letter", parts[1]);
  }
  if (parts.size() == 2 && (parts[0] == "payments" || parts[0] == "cases")) {
    return HtmlPage(ctx, parts[0] == "payments" ? "payment" : "case", parts[1]);
  }
  if (parts.size() == 1 && (parts[0] == "audit" || parts[0] == "users")) {
    if (session.role != "admin") {
      Response r = HtmlNotFound(ctx);
      r.status = 403;
      return r;
    }
    return HtmlPage(ctx, parts[0], "");
  }
  return HtmlNotFound(ctx);
}

std::optional<Request> ReadRequest(Poco::Net::HTTPServerRequest& in, size_t max_body) {
  Request r;
  r.method = in.getMethod();
  const std::string& target = in.getURI();
  r.path = target.substr(0, target.find_first_of("?#"));
  try {
    for (const auto& [k, v] : Poco::URI(target).getQueryParameters()) r.query[k] = v;
  } catch (const Poco::Exception&) {
    r.query.clear();  // a malformed query: no filters rather than a failed request
  }
  for (const auto& [k, v] : static_cast<const Poco::Net::NameValueCollection&>(in)) {
    std::string name = k;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    r.headers[name] = v;
  }
  if (in.getContentLength() > static_cast<std::streamsize>(max_body)) return std::nullopt;
  if (r.method == "POST" || r.method == "PUT" || r.method == "DELETE" || r.method == "PATCH") {
    std::istream& body = in.stream();
    char buffer[8192];
    while (body.read(buffer, sizeof(buffer)) || body.gcount() > 0) {
      r.body.append(buffer, static_cast<size_t>(body.gcount()));
      if (r.body.size() > max_body) return std::nullopt;
    }
  }
  return r;
}

void WriteResponse(const Response& response, Poco::Net::HTTPServerResponse& out, bool head) {
  out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status));
  if (!response.content_type.empty()) out.setContentType(response.content_type);
  out.set("X-Content-Type-Options", "nosniff");
  out.set("X-Frame-Options", "DENY");
  out.set("Referrer-Policy", "no-referrer");
  out.set("Content-Security-Policy",
          "default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; "
          "frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
  bool cache_set = false;
  for (const auto& [k, v] : response.headers) {
    if (k == "Set-Cookie") {
      out.add(k, v);
    } else {
      out.set(k, v);
    }
    cache_set = cache_set || k == "Cache-Control";
  }
  if (!cache_set) out.set("Cache-Control", "no-store");
  if (response.status == 204) {
    out.send();
    return;
  }
  out.setContentLength(static_cast<std::streamsize>(response.body.size()));
  std::ostream& body = out.send();
  if (!head) body << response.body;
}

}  // namespace purr::web
