// The review app over real HTTP on 127.0.0.1 with a real SQLite store: sign-in, sessions,
// CSRF, roles, hostile input, lock-out, and the clerks' actions end to end.
#include <Poco/JSON/Array.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/URI.h>
#include <gtest/gtest.h>

#include <thread>
#include <tuple>
#include <vector>

#include "tests/web/web_test_util.h"

namespace purr::web::testing {
namespace {

constexpr char kAdminPw[] = "admin-password-1";
constexpr char kClerkPw[] = "clerk-password-1";

std::string LetterPath(const ReviewServer& s) {
  return "/api/v1/letters/" + std::to_string(s.letter_id);
}

int64_t OpenFollowUps(ReviewServer& s) {
  int64_t total = -1;
  EXPECT_TRUE(s.store().Read([&](store::Txn& t) {
    store::FollowUpQuery q;
    total = t.QueryFollowUps(q).total;
  }).ok());
  return total;
}

TEST(WebAuth, WithoutASessionTheApiAnswers401AndPagesRedirectToSignIn) {
  ReviewServer s;
  for (const std::string target : {"/api/v1/followups", "/api/v1/letters/1", "/api/v1/audit",
                                   "/api/v1/payments/pay-1", "/api/v1/cases/S-1"}) {
    Reply r = s.Get(target, {});
    EXPECT_EQ(r.status, 401) << target;
    ASSERT_TRUE(r.Json()) << r.body;
    EXPECT_EQ(r.Json()->getValue<std::string>("error"), "sign in first");
  }
  Reply post = s.Post(LetterPath(s) + "/actions", R"({"action":"assign"})", {});
  EXPECT_EQ(post.status, 401);
  for (const std::string page : {"/", "/letters/1", "/audit"}) {
    Reply r = s.Get(page, {});
    EXPECT_EQ(r.status, 303) << page;
    EXPECT_EQ(r.Header("location").rfind("/signin?next=", 0), 0u) << r.Header("location");
  }
  EXPECT_EQ(s.Get("/signin", {}).status, 200);
  EXPECT_EQ(s.Get("/static/review.js", {}).status, 200);
}

TEST(WebAuth, WrongPasswordUnknownAndDisabledUsersGetTheSameRefusal) {
  ReviewServer s;
  for (auto [name, pw] : std::vector<std::pair<std::string, std::string>>{
           {"kari", "wrong-password"}, {"nobody", kClerkPw}, {"olav", "clerk-password-3"}}) {
    Call c;
    c.method = "POST";
    c.target = "/api/v1/session";
    c.body = R"({"name":")" + name + R"(","password":")" + pw + R"("})";
    Reply r = s.Send(c);
    EXPECT_EQ(r.status, 401) << name;
    EXPECT_EQ(r.Header("set-cookie"), "") << name;
    EXPECT_EQ(r.Json()->getValue<std::string>("error"), "wrong name or password") << name;
  }
  EXPECT_EQ(s.SignIn("kari", kClerkPw).status, 200);
}

TEST(WebAuth, TheSessionCookieIsHttpOnlyStrictAndSecureWhenConfigured) {
  {
    ReviewServer s;
    Call c;
    c.method = "POST";
    c.target = "/api/v1/session";
    c.body = R"({"name":"kari","password":"clerk-password-1"})";
    const std::string cookie = s.Send(c).Header("set-cookie");
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("Path=/"), std::string::npos) << cookie;
    EXPECT_EQ(cookie.find("Secure"), std::string::npos) << cookie;
  }
  ReviewOptions o;
  o.secure_cookie = true;
  ReviewServer s(o);
  Call c;
  c.method = "POST";
  c.target = "/api/v1/session";
  c.body = R"({"name":"kari","password":"clerk-password-1"})";
  EXPECT_NE(s.Send(c).Header("set-cookie").find("; Secure"), std::string::npos);
}

TEST(WebAuth, TheStoreKeepsOnlyTheTokensHash) {
  ReviewServer s;
  Signed kari = s.SignIn("kari", kClerkPw);
  ASSERT_EQ(kari.status, 200);
  std::optional<store::SessionRecord> by_token, by_hash;
  ASSERT_TRUE(s.store().Read([&](store::Txn& t) {
    by_token = t.GetSession(kari.cookie);
    by_hash = t.GetSession(Sha256Hex(kari.cookie));
  }).ok());
  EXPECT_FALSE(by_token);
  ASSERT_TRUE(by_hash);
  EXPECT_EQ(by_hash->user, "kari");
}

TEST(WebCsrf, StateChangesNeedTheSessionsOwnToken) {
  ReviewServer s;
  Signed kari = s.SignIn("kari", kClerkPw);
  Signed anna = s.SignIn("anna", "clerk-password-2");
  ASSERT_EQ(kari.status, 200);
  ASSERT_EQ(anna.status, 200);
  const std::string action = LetterPath(s) + "/actions";
  const std::string body = R"({"action":"assign"})";
  Signed no_token{kari.cookie, "", 0};
  EXPECT_EQ(s.Post(action, body, no_token).status, 403);
  Signed other_token{kari.cookie, anna.csrf, 0};
  EXPECT_EQ(s.Post(action, body, other_token).status, 403);
  Signed junk{kari.cookie, "x", 0};
  EXPECT_EQ(s.Post(action, body, junk).status, 403);
  Call sign_out;
  sign_out.method = "DELETE";
  sign_out.target = "/api/v1/session";
  sign_out.cookie = kari.cookie;
  EXPECT_EQ(s.Send(sign_out).status, 403);
  // Nothing was assigned by the refused requests.
  EXPECT_TRUE(s.Get(LetterPath(s), kari).Json()->getArray("follow_ups")->getObject(0)->isNull(
      "assignee"));
  Reply ok = s.Post(action, body, kari);
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST(WebCsrf, ACrossOriginSignInIsRefused) {
  ReviewServer s;
  Call c;
  c.method = "POST";
  c.target = "/api/v1/session";
  c.body = R"({"name":"kari","password":"clerk-password-1"})";
  c.headers["Origin"] = "https://evil.example";
  EXPECT_EQ(s.Send(c).status, 403);
  c.headers["Origin"] = "http://127.0.0.1:" + std::to_string(s.port());
  EXPECT_EQ(s.Send(c).status, 200);
}

TEST(WebRoles, ClerksCannotSeeTheAuditLogOrManageUsers) {
  ReviewServer s;
  Signed kari = s.SignIn("kari", kClerkPw);
  Signed admin = s.SignIn("admin", kAdminPw);
  EXPECT_EQ(s.Get("/api/v1/audit", kari).status, 403);
  EXPECT_EQ(s.Get("/api/v1/users", kari).status, 403);
  EXPECT_EQ(s.Get("/audit", kari).status, 403);
  EXPECT_EQ(s.Get("/users", kari).status, 403);
  EXPECT_EQ(s.Post("/api/v1/users", R"({"name":"eve","role":"admin","password":"long-password-9"})",
                   kari).status,
            403);
  EXPECT_EQ(s.Post("/api/v1/users/kari", R"({"role":"admin"})", kari).status, 403);
  EXPECT_EQ(s.Get("/api/v1/audit", admin).status, 200);
  Reply users = s.Get("/api/v1/users", admin);
  ASSERT_EQ(users.status, 200);
  EXPECT_EQ(users.body.find("pbkdf2"), std::string::npos) << "hashes never leave the store";
  EXPECT_EQ(s.Get("/audit", admin).status, 200);
}

TEST(WebRoles, AnAdminDisablingAClerkEndsTheirSessions) {
  ReviewServer s;
  Signed kari = s.SignIn("kari", kClerkPw);
  Signed admin = s.SignIn("admin", kAdminPw);
  ASSERT_EQ(s.Get("/api/v1/followups", kari).status, 200);
  Reply r = s.Post("/api/v1/users/kari", R"({"disabled":true})", admin);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(s.Get("/api/v1/followups", kari).status, 401);
  EXPECT_EQ(s.SignIn("kari", kClerkPw).status, 401);
  EXPECT_EQ(s.Post("/api/v1/users/admin", R"({"disabled":true})", admin).status, 409)
      << "an admin cannot lock themselves out";
  Reply added = s.Post("/api/v1/users", R"({"name":"eva","role":"clerk","password":"short"})", admin);
  EXPECT_EQ(added.status, 400) << "a short password is refused";
  added = s.Post("/api/v1/users", R"({"name":"eva","role":"clerk","password":"a-long-password"})",
                 admin);
  EXPECT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(s.SignIn("eva", "a-long-password").status, 200);
}

TEST(WebHostile, InjectionStringsInFiltersAndSearchMatchLiterally) {
  ReviewServer s;
  Signed kari = s.SignIn("kari", kClerkPw);
  const int64_t before = OpenFollowUps(s);
  ASSERT_EQ(before, 2);
  for (const std::string param : {"reason", "class", "legal", "language", "assignee"}) {
    for (const std::string evil : {"%27%20OR%201%3D1%20--", "x%22%3B%20DROP%20TABLE%20follow_ups%3B--",
                                   "%25", "_"}) {
      Reply r = s.Get("/api/v1/followups?" + param + "=" + evil, kari);
      ASSERT_EQ(r.status, 200) << param << "=" << evil << ": " << r.body;
      EXPECT_EQ(r.Json()->getValue<int64_t>("total"), 0) << param << "=" << evil;
    }
  }
  for (const std::string evil : {"%27%20OR%20%271%27%3D%271", "%25%25", "__", "S-1%27--"}) {
    Reply r = s.Get("/api/v1/cases?q=" + evil, kari);
    ASSERT_EQ(r.status, 200) << evil << ": " << r.body;
    EXPECT_EQ(r.Json()->getArray("items")->size(), 0u) << evil << ": " << r.body;
  }
  Reply hit = s.Get("/api/v1/cases?q=F-1", kari);
  ASSERT_EQ(hit.status, 200);
  EXPECT_EQ(hit.Json()->getArray("items")->size(), 1u) << hit.body;
  EXPECT_EQ(OpenFollowUps(s), before) << "the store is intact";
  EXPECT_EQ(s.Get("/api/v1/followups?limit=0", kari).status, 400);
  EXPECT_EQ(s.Get("/api/v1/followups?limit=-1", kari).status, 400);
  EXPECT_EQ(s.Get("/api/v1/followups?offset=1e9", kari).status, 400);
  EXPECT_EQ(s.Get("/api/v1/followups?status=%27", kari).status, 400);
}

TEST(WebHostile, MarkupInRequestsAndDataIsEscaped) {
  ReviewServer s;
  Signed kari = s.SignIn("kari", kClerkPw);
  Reply page = s.Get("/cases/%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E", kari);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("<script>alert"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("&quot;&gt;&lt;script&gt;"), std::string::npos) << page.body;
  EXPECT_NE(page.Header("content-security-policy").find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(page.Header("x-content-type-options"), "nosniff");
  // Letter text travels as JSON data; the page script renders it as text nodes only.
  Reply letter = s.Get(LetterPath(s), kari);
  ASSERT_EQ(letter.status, 200);
  EXPECT_EQ(letter.Header("content-type").rfind("application/json", 0), 0u);
  EXPECT_NE(letter.body.find("<script>alert(1)</script>"), std::string::npos)
      << "the text is kept as the debtor wrote it";
  const std::string js = s.Get("/static/review.js", {}).body;
  EXPECT_EQ(js.find("innerHTML"), std::string::npos) << "no HTML is ever parsed from data";
  EXPECT_EQ(js.find("insertAdjacentHTML"), std::string::npos);
}

TEST(WebHostile, PathTraversalAndOddIdsFindNothing) {
  ReviewServer s;
  Signed kari = s.SignIn("kari", kClerkPw);
  for (const std::string target :
       {"/api/v1/letters/..%2F..%2Fpurr.sqlite", "/api/v1/letters/1/pages/..%2F..%2Fpurr.sqlite",
        "/api/v1/letters/1/pages/1.png", "/api/v1/letters/1/pages/0.png",
        "/api/v1/letters/1/pages/99999999999.png", "/api/v1/letters/-1", "/api/v1/letters/0x1",
        "/static/..%2F..%2Fpurr.sqlite", "/static/review.js%00.png", "/api/v1/letters/999"}) {
    Reply r = s.Get(target, kari);
    EXPECT_EQ(r.status, 404) << target << ": " << r.body;
    EXPECT_EQ(r.body.find("SQLite format"), std::string::npos) << target;
  }
  EXPECT_EQ(s.Get("/letters/..%2F..%2Fetc", kari).status, 404);
}

TEST(WebSession, SignInNeverKeepsAPresentedToken) {
  ReviewServer s;
  Signed victim = s.SignIn("kari", kClerkPw);
  ASSERT_EQ(victim.status, 200);
  // An attacker's planted token: sign-in ignores it and issues a new one.
  Call c;
  c.method = "POST";
  c.target = "/api/v1/session";
  c.cookie = "planted-by-attacker";
  c.body = R"({"name":"kari","password":"clerk-password-1"})";
  Reply r = s.Send(c);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("set-cookie").find("planted-by-attacker"), std::string::npos);
  EXPECT_EQ(s.Get("/api/v1/followups", {"planted-by-attacker", "", 0}).status, 401);
  // A valid token presented at sign-in is ended, not carried over.
  c.cookie = victim.cookie;
  Reply again = s.Send(c);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.Header("set-cookie").find(victim.cookie), std::string::npos);
  EXPECT_EQ(s.Get("/api/v1/followups", victim).status, 401);
}

TEST(WebSession, IdleAndAbsoluteExpiryAndSignOut) {
  ReviewOptions o;
  o.session_idle_ms = 60000;
  o.session_max_ms = 300000;
  ReviewServer s(o);
  Signed kari = s.SignIn("kari", kClerkPw);
  s.now_ms += 50000;
  EXPECT_EQ(s.Get("/api/v1/followups", kari).status, 200);
  s.now_ms += 61000;
  EXPECT_EQ(s.Get("/api/v1/followups", kari).status, 401) << "idle too long";

  Signed busy = s.SignIn("kari", kClerkPw);
  for (int i = 0; i < 6; ++i) {
    s.now_ms += 45000;
    EXPECT_EQ(s.Get("/api/v1/followups", busy).status, 200) << i;
  }
  s.now_ms += 45000;  // 315 s after sign-in, never idle for long
  EXPECT_EQ(s.Get("/api/v1/followups", busy).status, 401) << "absolute expiry";

  Signed out = s.SignIn("kari", kClerkPw);
  Call c;
  c.method = "DELETE";
  c.target = "/api/v1/session";
  c.cookie = out.cookie;
  c.csrf = out.csrf;
  Reply r = s.Send(c);
  EXPECT_EQ(r.status, 204);
  EXPECT_NE(r.Header("set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(s.Get("/api/v1/followups", out).status, 401);
}

TEST(WebLockout, ParallelGuessesGetAtMostTheAllowedVerificationsAndTheLockIsAudited) {
  ReviewOptions o;
  o.lockout_failures = 5;
  o.lockout_ms = 600000;
  ReviewServer s(o);
  std::vector<int> statuses(24);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < statuses.size(); ++i) {
    threads.emplace_back([&, i] {
      statuses[i] = s.SignIn("kari", "guess-" + std::to_string(i)).status;
    });
  }
  for (std::thread& t : threads) t.join();
  int refused = 0, locked = 0;
  for (int st : statuses) {
    refused += st == 401;
    locked += st == 429;
  }
  EXPECT_LE(refused, 5);
  EXPECT_EQ(refused + locked, 24);
  EXPECT_EQ(s.SignIn("kari", kClerkPw).status, 429) << "the right password waits out the lock";
  EXPECT_EQ(s.SignIn("anna", "clerk-password-2").status, 200) << "other names are not locked";
  std::vector<store::AuditRecord> audit;
  ASSERT_TRUE(s.store().Read([&](store::Txn& t) { audit = t.AuditOf({"user:kari"}, 50, 0); }).ok());
  int lockouts = 0;
  for (const store::AuditRecord& a : audit) lockouts += a.action == "lock_out";
  EXPECT_EQ(lockouts, 1);
  s.now_ms += 600001;
  EXPECT_EQ(s.SignIn("kari", kClerkPw).status, 200) << "the lock runs out";
}

TEST(WebActions, AClerkAssignsChangesClassesAndResolvesWithAnAuditedTrail) {
  ReviewServer s;
  Signed kari = s.SignIn("kari", kClerkPw);
  const std::string action = LetterPath(s) + "/actions";
  Reply letter = s.Get(LetterPath(s), kari);
  ASSERT_EQ(letter.status, 200);
  const int64_t version = letter.Json()->getValue<int64_t>("version");

  Reply stale = s.Post(action, R"({"action":"assign","version":)" + std::to_string(version + 7) + "}",
                       kari);
  EXPECT_EQ(stale.status, 409) << stale.body;
  Reply assigned =
      s.Post(action, R"({"action":"assign","version":)" + std::to_string(version) + "}", kari);
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  const int64_t v2 = assigned.Json()->getValue<int64_t>("version");
  EXPECT_GT(v2, version);
  Reply mine = s.Get("/api/v1/followups?assignee=kari", kari);
  EXPECT_EQ(mine.Json()->getValue<int64_t>("total"), 1);
  EXPECT_EQ(s.Get("/api/v1/followups?assignee=-", kari).Json()->getValue<int64_t>("total"), 1);

  EXPECT_EQ(s.Post(action, R"({"action":"set_classes","classes":["no_such_class"]})", kari).status,
            400);
  Reply classes = s.Post(action, R"({"action":"set_classes","classes":["dispute","complaint"]})", kari);
  ASSERT_EQ(classes.status, 200) << classes.body;
  EXPECT_EQ(s.Get("/api/v1/followups?class=complaint", kari).Json()->getValue<int64_t>("total"), 1);

  EXPECT_EQ(s.Post(action, R"({"action":"resolve"})", kari).status, 400) << "a comment is needed";
  Reply resolved = s.Post(action, R"({"action":"resolve","comment":"called the debtor"})", kari);
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  EXPECT_EQ(s.Post(action, R"({"action":"resolve","comment":"again"})", kari).status, 409);
  EXPECT_EQ(OpenFollowUps(s), 1);

  std::vector<store::AuditRecord> audit;
  std::vector<store::CorrectionRecord> corrections;
  ASSERT_TRUE(s.store().Read([&](store::Txn& t) {
    audit = t.AuditOf({"letter:" + std::to_string(s.letter_id)}, 50, 0);
    corrections = t.Corrections();
  }).ok());
  ASSERT_GE(audit.size(), 3u);
  EXPECT_EQ(audit[0].action, "resolve");
  EXPECT_EQ(audit[0].actor, "kari");
  EXPECT_NE(audit[0].before.find("\"open_follow_ups\""), std::string::npos) << audit[0].before;
  EXPECT_NE(audit[0].after, audit[0].before);
  ASSERT_EQ(corrections.size(), 1u);
  EXPECT_EQ(corrections[0].classes_after, (std::vector<std::string>{"dispute", "complaint"}));
}

TEST(WebActions, APaymentIsAllocatedOnlyWithinWhatIsLeft) {
  ReviewServer s;
  Signed kari = s.SignIn("kari", kClerkPw);
  const std::string action = "/api/v1/payments/pay-1/actions";
  Reply payment = s.Get("/api/v1/payments/pay-1", kari);
  ASSERT_EQ(payment.status, 200) << payment.body;
  EXPECT_EQ(payment.Json()->getArray("open_invoices")->size(), 2u);
  EXPECT_EQ(s.Post(action, R"({"action":"allocate","allocations":[{"invoice":"F-1","amount_minor":4001}]})",
                   kari).status,
            400);
  EXPECT_EQ(s.Post(action, R"({"action":"allocate","allocations":[{"invoice":"F-1","amount_minor":"4000"}]})",
                   kari).status,
            400);
  Reply ok = s.Post(action,
                    R"({"action":"allocate","allocations":[{"invoice":"F-1","amount_minor":2500},{"invoice":"F-2","amount_minor":1500}]})",
                    kari);
  ASSERT_EQ(ok.status, 200) << ok.body;
  Reply after = s.Get("/api/v1/payments/pay-1", kari);
  EXPECT_EQ(after.Json()->getValue<int64_t>("unapplied_minor"), 0);
  EXPECT_EQ(s.Post(action, R"({"action":"allocate","allocations":[{"invoice":"F-2","amount_minor":1}]})",
                   kari).status,
            400)
      << "nothing is left to allocate: never applied twice";
}

TEST(WebLimits, OversizedAndMalformedBodiesAreRefused) {
  ReviewServer s;
  Signed kari = s.SignIn("kari", kClerkPw);
  const std::string action = LetterPath(s) + "/actions";
  {
    // A body announced as 2 MB is refused before it is read.
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(s.port()));
    Poco::Net::HTTPRequest request("POST", action, Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Cookie", "purr_session=" + kari.cookie);
    request.set("X-CSRF-Token", kari.csrf);
    request.setContentType("application/json");
    request.setContentLength(2 << 20);
    session.sendRequest(request) << "{\"action\":";
    Poco::Net::HTTPResponse response;
    session.receiveResponse(response);
    EXPECT_EQ(response.getStatus(), 413);
  }
  EXPECT_EQ(s.Post(action, "{not json", kari).status, 400);
  EXPECT_EQ(s.Post(action, "[1,2]", kari).status, 400);
  EXPECT_EQ(s.Post(action, R"({"action":7})", kari).status, 400);
  EXPECT_EQ(s.Post(action, R"({"action":"nope"})", kari).status, 400);
  Call c;
  c.method = "POST";
  c.target = "/api/v1/session";
  c.body = R"({"name":"kari"})";
  EXPECT_EQ(s.Send(c).status, 400);
}

TEST(WebQueue, FiltersCountsAndPaging) {
  ReviewOptions o;
  o.session_idle_ms = o.session_max_ms = int64_t{10} * 86400000;  // the clock moves days
  ReviewServer s(o);
  Signed kari = s.SignIn("kari", kClerkPw);
  Reply all = s.Get("/api/v1/followups", kari);
  ASSERT_EQ(all.status, 200) << all.body;
  for (const std::string q : {"legal=halt", "reason=payment.follow-up", "language=nb",
                              "limit=1&offset=1", "overdue=1", "age_days=1"}) {
    Reply r = s.Get("/api/v1/followups?" + q, kari);
    ASSERT_EQ(r.status, 200) << q << ": " << r.body;
  }
  auto j = all.Json();
  EXPECT_EQ(j->getValue<int64_t>("total"), 2);
  Poco::JSON::Array::Ptr items = j->getArray("items");
  ASSERT_EQ(items->size(), 2u) << all.body;
  // Sorted by deadline: the letter due today comes first, and says so.
  EXPECT_EQ(items->getObject(0)->getValue<std::string>("rule"), "case.halt-letter");
  EXPECT_EQ(items->getObject(0)->getValue<std::string>("due"), "today");
  EXPECT_EQ(j->getArray("counts")->size(), 2u);
  EXPECT_EQ(s.Get("/api/v1/followups?legal=halt", kari).Json()->getValue<int64_t>("total"), 1);
  EXPECT_EQ(s.Get("/api/v1/followups?reason=payment.follow-up", kari).Json()->getValue<int64_t>("total"), 1);
  EXPECT_EQ(s.Get("/api/v1/followups?language=nb", kari).Json()->getValue<int64_t>("total"), 1);
  Reply page2 = s.Get("/api/v1/followups?limit=1&offset=1", kari);
  EXPECT_EQ(page2.Json()->getValue<int64_t>("total"), 2);
  EXPECT_EQ(page2.Json()->getArray("items")->size(), 1u);
  s.now_ms += 86400000;  // tomorrow the letter is overdue
  Reply overdue = s.Get("/api/v1/followups?overdue=1", kari);
  EXPECT_EQ(overdue.Json()->getValue<int64_t>("total"), 1);
  EXPECT_EQ(overdue.Json()->getArray("items")->getObject(0)->getValue<std::string>("due"), "overdue");
  EXPECT_EQ(s.Get("/api/v1/followups?age_days=1", kari).Json()->getValue<int64_t>("total"), 0);
  s.now_ms += 2 * 86400000;
  EXPECT_EQ(s.Get("/api/v1/followups?age_days=1", kari).Json()->getValue<int64_t>("total"), 2);
}

TEST(WebCase, ACaseIdWithSlashesIsOnePathSegment) {
  ReviewServer s;
  Signed kari = s.SignIn("kari", kClerkPw);
  Reply c = s.Get("/api/v1/cases/S-1", kari);
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.Json()->getArray("invoices")->size(), 2u);
  EXPECT_EQ(c.Json()->getArray("letters")->size(), 1u);
  EXPECT_EQ(s.Get("/api/v1/cases/NR%2F2291%2F0579", kari).status, 404);
}

TEST(WebRoutes, UnknownPathsAnswer404AndWrongMethods405WithAllow) {
  ReviewServer s;
  Signed admin = s.SignIn("admin", kAdminPw);
  for (const std::string target :
       {"/api/v1/letters/1/history", "/api/v1/cases/S-1/letters", "/api/v1/payments/pay-1/x",
        "/api/v1/users/kari/sessions", "/api/v1/letters/1/pages/1.png/x", "/api/v1/nothing"}) {
    Reply r = s.Get(target, admin);
    EXPECT_EQ(r.status, 404) << target << ": " << r.body;
  }
  Reply user = s.Get("/api/v1/users/kari", admin);
  ASSERT_EQ(user.status, 200) << user.body;
  EXPECT_EQ(user.Json()->getValue<std::string>("role"), "clerk");
  EXPECT_EQ(user.body.find("pbkdf2"), std::string::npos) << "never a password hash";
  EXPECT_EQ(s.Get("/api/v1/users/nobody", admin).status, 404);

  const std::vector<std::tuple<std::string, std::string, std::string>> wrong = {
      {"PUT", "/api/v1/followups", "GET, HEAD"},
      {"DELETE", LetterPath(s), "GET, HEAD"},
      {"GET", LetterPath(s) + "/actions", "POST"},
      {"POST", "/api/v1/cases/S-1", "GET, HEAD"},
      {"DELETE", "/api/v1/users/kari", "GET, HEAD, POST"},
      {"POST", "/static/review.js", "GET, HEAD"},
      {"POST", "/audit", "GET, HEAD"}};
  for (const auto& [method, target, allow] : wrong) {
    Call c;
    c.method = method;
    c.target = target;
    c.cookie = admin.cookie;
    c.csrf = admin.csrf;
    if (method != "GET") c.body = "{}";
    Reply r = s.Send(c);
    EXPECT_EQ(r.status, 405) << method << " " << target << ": " << r.body;
    EXPECT_EQ(r.Header("allow"), allow) << method << " " << target;
  }
}

TEST(WebRoutes, HeadIsGetWithoutTheBody) {
  ReviewServer s;
  Signed kari = s.SignIn("kari", kClerkPw);
  for (const std::string target : {"/api/v1/followups", "/", "/static/review.css"}) {
    Reply get = s.Get(target, kari);
    Call c;
    c.method = "HEAD";
    c.target = target;
    c.cookie = kari.cookie;
    Reply head = s.Send(c);
    EXPECT_EQ(head.status, 200) << target;
    EXPECT_TRUE(head.body.empty()) << target;
    EXPECT_EQ(head.Header("content-type"), get.Header("content-type")) << target;
    EXPECT_EQ(head.Header("content-length"), std::to_string(get.body.size())) << target;
  }
  Call anonymous;
  anonymous.method = "HEAD";
  anonymous.target = "/api/v1/followups";
  EXPECT_EQ(s.Send(anonymous).status, 401);
}

TEST(WebRoutes, SignInRedirectKeepsTheQueryAndSignOutHasNoContentType) {
  ReviewServer s;
  Reply r = s.Get("/?reason=case.halt-letter&overdue=1", {});
  ASSERT_EQ(r.status, 303);
  const std::string location = r.Header("location");
  EXPECT_EQ(location.rfind("/signin?next=", 0), 0u) << location;
  std::string next;
  Poco::URI::decode(location.substr(std::string("/signin?next=").size()), next);
  EXPECT_EQ(next, "/?overdue=1&reason=case.halt-letter");
  EXPECT_EQ(location.find('&'), std::string::npos) << "the query is encoded inside next";

  Signed kari = s.SignIn("kari", kClerkPw);
  Call out;
  out.method = "DELETE";
  out.target = "/api/v1/session";
  out.cookie = kari.cookie;
  out.csrf = kari.csrf;
  Reply gone = s.Send(out);
  EXPECT_EQ(gone.status, 204);
  EXPECT_EQ(gone.Header("content-type"), "");
  EXPECT_TRUE(gone.body.empty());
}

TEST(WebRoutes, OverlongListsAre400AndANoOpUserChangeIsNotAudited) {
  ReviewServer s;
  Signed admin = s.SignIn("admin", kAdminPw);
  std::string classes = "[";
  for (int i = 0; i < 21; ++i) classes += std::string(i ? "," : "") + "\"dispute\"";
  classes += "]";
  Reply many = s.Post(LetterPath(s) + "/actions",
                      R"({"action":"set_classes","classes":)" + classes + "}", admin);
  EXPECT_EQ(many.status, 400) << many.body;
  std::string allocations = "[";
  for (int i = 0; i < 101; ++i) {
    allocations += std::string(i ? "," : "") + R"({"invoice":"F-1","amount_minor":1})";
  }
  allocations += "]";
  Reply split = s.Post("/api/v1/payments/pay-1/actions",
                       R"({"action":"allocate","allocations":)" + allocations + "}", admin);
  EXPECT_EQ(split.status, 400) << split.body;

  auto audited = [&] {
    int64_t n = -1;
    EXPECT_TRUE(s.store().Read([&](store::Txn& t) { n = t.AuditCount(); }).ok());
    return n;
  };
  const int64_t before = audited();
  Reply same = s.Post("/api/v1/users/kari", R"({"role":"clerk"})", admin);
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(same.Json()->getValue<std::string>("message"), "unchanged");
  EXPECT_EQ(audited(), before);
  Reply changed = s.Post("/api/v1/users/kari", R"({"role":"admin"})", admin);
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(audited(), before + 1);
}

TEST(WebQueue, CursorsPageThroughTheQueueAndBadCursorsAre400) {
  ReviewServer s;
  Signed kari = s.SignIn("kari", kClerkPw);
  Reply first = s.Get("/api/v1/followups?limit=1", kari);
  ASSERT_EQ(first.status, 200) << first.body;
  const int total = first.Json()->getValue<int>("total");
  ASSERT_GE(total, 2);
  EXPECT_TRUE(first.Json()->isNull("prev"));
  std::vector<int> ids = {first.Json()->getArray("items")->getObject(0)->getValue<int>("id")};
  std::string next = first.Json()->getValue<std::string>("next");
  while (!next.empty()) {
    Reply page = s.Get("/api/v1/followups?limit=1&after=" + next, kari);
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_EQ(page.Json()->getValue<int>("total"), total);
    EXPECT_FALSE(page.Json()->isNull("prev"));
    ids.push_back(page.Json()->getArray("items")->getObject(0)->getValue<int>("id"));
    next = page.Json()->isNull("next") ? "" : page.Json()->getValue<std::string>("next");
    ASSERT_LE(static_cast<int>(ids.size()), total);
  }
  Reply all = s.Get("/api/v1/followups?limit=100", kari);
  std::vector<int> want;
  Poco::JSON::Array::Ptr items = all.Json()->getArray("items");
  for (size_t i = 0; i < items->size(); ++i) want.push_back(items->getObject(i)->getValue<int>("id"));
  EXPECT_EQ(ids, want);
  for (const std::string bad : {"after=x", "after=open_2026-1-1_1_2", "before=open_2026-12-03_1_",
                                "after=open_2026-12-03_1_2&before=open_2026-12-03_1_2",
                                "after=closed_2026-12-03_1_2"}) {
    EXPECT_EQ(s.Get("/api/v1/followups?" + bad, kari).status, 400) << bad;
  }
}

// review_http_fuzzer: a path Poco::URI cannot parse (":") made the sign-in redirect of an
// anonymous GET a 500; the redirect is built by hand now and keeps path and query.
TEST(WebFuzzFindings, SignInRedirectOfAnUnparseablePathIsNotA500) {
  ReviewServer s;
  Request r;
  r.method = "GET";
  r.path = ":";
  r.query["6"] = std::string("\0\0x", 3);
  Response response = s.app().Handle(r);
  EXPECT_EQ(response.status, 303) << response.body;
  std::string location;
  for (const auto& [name, value] : response.headers) {
    if (name == "Location") location = value;
  }
  std::string next;
  Poco::URI::decode(location.substr(std::string("/signin?next=").size()), next);
  EXPECT_EQ(next, std::string(":?6=%00%00x")) << location;
}

}  // namespace
}  // namespace purr::web::testing
