// docs/openapi.yaml against the real server: every documented operation answers a documented
// status with a documented content type, JSON bodies parse and carry the properties their
// schema marks required, undocumented routes answer 404 or 405, and the security schemes
// (session cookie, X-CSRF-Token, admin-only operations) hold as written.
#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/web/web_test_util.h"

namespace purr::web::testing {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// A body every documented POST refuses with 400 before it writes anything: an unknown action
// (letters, payments), no name or password (sign-in), a bad user name (new user), a bad role
// (user change).
constexpr char kRefusedBody[] = R"({"action":"no-such","role":"no-such"})";
constexpr char kAdminPw[] = "admin-password-1";
constexpr char kClerkPw[] = "clerk-password-1";
const std::vector<std::string> kMethods = {"get", "post", "put", "delete", "patch"};

const YAML::Node& Doc() {
  static const YAML::Node doc = YAML::LoadFile(std::string(PURR_SOURCE_DIR) + "/docs/openapi.yaml");
  return doc;
}

// n[key], or an undefined node when n is no map (const: nothing is inserted).
YAML::Node At(const YAML::Node& n, const std::string& key) {
  static const YAML::Node none = YAML::Load("{}");
  return n.IsDefined() && n.IsMap() ? n[key] : none[key];
}

// The node a local "$ref" points at (followed until there is none).
YAML::Node Resolve(const YAML::Node& node) {
  if (!node.IsDefined()) return node;  // reset() refuses an undefined node
  YAML::Node n;
  n.reset(node);
  while (At(n, "$ref")) {
    std::istringstream ref(At(n, "$ref").as<std::string>().substr(2));  // "#/components/..."
    YAML::Node to;
    to.reset(Doc());
    for (std::string part; std::getline(ref, part, '/');) to.reset(At(to, part));
    n.reset(to);
  }
  return n;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool Flag(const YAML::Node& n, const std::string& key, const std::string& value) {
  return At(n, key) && At(n, key).as<std::string>() == value;
}

struct Op {
  std::string path, method;  // method in upper case
  YAML::Node item, node;     // the path item and the operation

  bool Daemon() const { return Flag(item, "x-served-by", "daemon"); }
  bool Page() const { return Flag(item, "x-page", "true") || Flag(node, "x-page", "true"); }
  bool Admin() const { return Flag(node, "x-role", "admin"); }
  bool Needs(const std::string& scheme) const {  // in any security requirement in force
    const YAML::Node security = At(node, "security") ? At(node, "security") : At(Doc(), "security");
    for (const YAML::Node& requirement : security) {
      if (At(requirement, scheme)) return true;
    }
    return false;
  }
  YAML::Node Response(int status) const { return Resolve(At(At(node, "responses"), std::to_string(status))); }
  std::string Name() const { return method + " " + path; }
};

std::vector<Op> Ops() {
  std::vector<Op> ops;
  for (const auto& path : At(Doc(), "paths")) {
    for (const std::string& m : kMethods) {
      if (!At(path.second, m)) continue;
      Op op{path.first.as<std::string>(), Upper(m), {}, {}};
      op.item.reset(path.second);
      op.node.reset(At(path.second, m));
      ops.push_back(op);
    }
  }
  return ops;
}

bool Documented(const std::string& method, const std::string& target) {
  auto split = [](const std::string& p) {
    std::vector<std::string> parts;
    std::istringstream in(p.substr(0, p.find('?')));
    for (std::string s; std::getline(in, s, '/');) {
      if (!s.empty()) parts.push_back(s);
    }
    return parts;
  };
  const std::vector<std::string> want = split(target);
  for (const Op& op : Ops()) {
    const std::vector<std::string> have = split(op.path);
    if (op.method != method || have.size() != want.size()) continue;
    bool same = true;
    for (size_t i = 0; i < have.size(); ++i) {
      same = same && (have[i].find('{') != std::string::npos || have[i] == want[i]);
    }
    if (same) return true;
  }
  return false;
}

std::string MediaType(std::string type) {
  type = type.substr(0, type.find(';'));
  type.erase(std::remove(type.begin(), type.end(), ' '), type.end());
  return type;
}

// Every required property of `schema` on `value`, and on the items of its arrays.
void CheckRequired(const Poco::Dynamic::Var& value, const YAML::Node& schema_node,
                   const std::string& where, int depth = 0) {
  const YAML::Node schema = Resolve(schema_node);
  if (value.type() != typeid(Object::Ptr)) return;
  const Object::Ptr o = value.extract<Object::Ptr>();
  for (const YAML::Node& key : At(schema, "required")) {
    EXPECT_TRUE(o->has(key.as<std::string>())) << where << " lacks \"" << key << "\"";
  }
  if (depth > 0) return;
  for (const auto& property : At(schema, "properties")) {
    const YAML::Node items = At(Resolve(property.second), "items");
    const std::string name = property.first.as<std::string>();
    if (!items || !o->has(name) || !o->isArray(name)) continue;
    const Array::Ptr list = o->getArray(name);
    for (size_t i = 0; i < list->size(); ++i) {
      CheckRequired(list->get(static_cast<unsigned>(i)), items, where + "." + name + "[]", 1);
    }
  }
}

// `reply` answers `op` as documented; a 200 whose schema has required properties is recorded
// in `checked`.
void Verify(const Op& op, const Reply& reply, std::set<std::string>* checked = nullptr) {
  const std::string what = op.Name() + " (" + std::to_string(reply.status) + ")";
  const YAML::Node response = op.Response(reply.status);
  EXPECT_TRUE(response.IsDefined()) << what << ": status not documented; body " << reply.body;
  EXPECT_NE(reply.status, 405) << what;
  const Object::Ptr json = reply.Json();
  EXPECT_FALSE(reply.status == 404 && json && json->optValue<std::string>("error", "") == "not found")
      << what << ": the router's fallback";
  EXPECT_FALSE(reply.status == 404 && reply.body.find("data-view=\"notfound\"") != std::string::npos)
      << what << ": the not-found page";
  if (!response.IsDefined() || reply.body.empty()) return;
  const std::string type = MediaType(reply.Header("content-type"));
  YAML::Node schema;
  bool listed = false;
  for (const auto& content : At(response, "content")) {
    if (MediaType(content.first.as<std::string>()) != type) continue;
    listed = true;
    if (At(content.second, "schema")) schema.reset(At(content.second, "schema"));
  }
  EXPECT_TRUE(listed) << what << ": content type " << type << " not documented";
  if (type != "application/json") return;
  Poco::Dynamic::Var value;
  try {
    value = Poco::JSON::Parser().parse(reply.body);
  } catch (const Poco::Exception& e) {
    ADD_FAILURE() << what << ": not JSON: " << e.displayText() << "\n" << reply.body;
    return;
  }
  if (!schema) return;
  CheckRequired(value, schema, what);
  if (reply.status == 200 && At(Resolve(schema), "required") && checked) checked->insert(op.path);
}

class OpenApi : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = server_.SignIn("admin", kAdminPw);
    ASSERT_EQ(admin_.status, 200);
  }

  // The operation's target with its path parameters from the seed and its required query
  // parameters from their examples.
  std::string Target(const Op& op) const {
    const std::map<std::string, std::string> seed = {{"letter_id", std::to_string(server_.letter_id)},
                                                     {"page", "1"},
                                                     {"payment_id", "pay-1"},
                                                     {"case_id", "S-1"},
                                                     {"name", "kari"}};
    std::string target = op.path;
    for (size_t open; (open = target.find('{')) != std::string::npos;) {
      const size_t close = target.find('}', open);
      const std::string name = target.substr(open + 1, close - open - 1);
      EXPECT_TRUE(seed.count(name)) << op.Name() << ": no seed for {" << name << "}";
      std::string value;
      Poco::URI::encode(seed.count(name) ? seed.at(name) : "x", "/?#%&=+ ", value);
      target.replace(open, close - open + 1, value);
    }
    char sep = '?';
    for (const YAML::Node& p : At(op.node, "parameters")) {
      const YAML::Node param = Resolve(p);
      if (Flag(param, "in", "query") && Flag(param, "required", "true")) {
        target += sep + At(param, "name").as<std::string>() + "=" + At(param, "example").as<std::string>();
        sep = '&';
      }
    }
    return target;
  }

  // `op` sent as `who` (with the CSRF token unless `csrf` is false); POSTs get kRefusedBody.
  Reply Send(const Op& op, const Signed& who, bool csrf = true) const {
    Call c;
    c.method = op.method;
    c.target = Target(op);
    c.cookie = who.cookie;
    if (csrf) c.csrf = who.csrf;
    if (op.method == "POST") c.body = kRefusedBody;
    return server_.Send(c);
  }

  ReviewServer server_;
  Signed admin_;
};

TEST_F(OpenApi, TheDocumentDescribesTheSchemesAndMarksDaemonAndPageRoutes) {
  EXPECT_EQ(At(Doc(), "openapi").as<std::string>(), "3.0.3");
  const YAML::Node schemes = At(At(Doc(), "components"), "securitySchemes");
  const YAML::Node session = At(schemes, "session"), csrf = At(schemes, "csrf");
  EXPECT_EQ(At(session, "in").as<std::string>(), "cookie");
  EXPECT_EQ(At(session, "name").as<std::string>(), "purr_session");
  for (const char* word : {"HttpOnly", "SameSite=Strict"}) {
    EXPECT_NE(At(session, "description").as<std::string>().find(word), std::string::npos) << word;
  }
  EXPECT_EQ(At(csrf, "in").as<std::string>(), "header");
  EXPECT_EQ(At(csrf, "name").as<std::string>(), "X-CSRF-Token");
  std::set<std::string> daemon, pages, api;
  for (const Op& op : Ops()) {
    if (op.Daemon()) daemon.insert(op.path);
    if (op.Page()) pages.insert(op.path);
    if (op.path.rfind("/api/v1/", 0) == 0) api.insert(op.path);
    EXPECT_FALSE(op.Page() && op.path.rfind("/api/", 0) == 0) << op.Name();
    // Every non-GET operation but sign-in needs the CSRF token.
    EXPECT_EQ(op.Needs("csrf"), op.method != "GET" && op.Name() != "POST /api/v1/session") << op.Name();
  }
  EXPECT_EQ(daemon, (std::set<std::string>{"/health", "/metrics"}));
  EXPECT_EQ(pages, (std::set<std::string>{"/", "/signin", "/letters/{letter_id}", "/payments/{payment_id}",
                                          "/cases/{case_id}", "/audit", "/users", "/static/review.js",
                                          "/static/review.css"}));
  EXPECT_EQ(api.size(), 13u);
}

TEST_F(OpenApi, EveryDocumentedOperationAnswersADocumentedStatusAndShape) {
  std::set<std::string> checked;
  int sent = 0;
  for (const Op& op : Ops()) {
    if (op.Daemon()) continue;
    const bool sign_out = op.Name() == "DELETE /api/v1/session";
    const Signed who = sign_out ? server_.SignIn("admin", kAdminPw) : op.Needs("session") ? admin_ : Signed{};
    const Reply reply = Send(op, who);
    ++sent;
    Verify(op, reply, &checked);
    if (op.method == "POST") {
      EXPECT_EQ(reply.status, 400) << op.Name() << ": " << reply.body;
    }
    if (op.method == "GET" && op.Page()) {
      EXPECT_EQ(reply.status, 200) << op.Name();
    }
    if (sign_out) {
      EXPECT_EQ(reply.status, 204);
    }
  }
  EXPECT_EQ(sent, 26);
  for (const char* path : {"/api/v1/followups", "/api/v1/letters/{letter_id}", "/api/v1/payments/{payment_id}",
                           "/api/v1/cases/{case_id}", "/api/v1/audit", "/api/v1/users"}) {
    EXPECT_TRUE(checked.count(path)) << path << ": no 200 checked against required properties";
  }
  // The refused POSTs wrote nothing: the seeded follow-ups are still open and unassigned.
  Reply queue = server_.Get("/api/v1/followups?assignee=-", admin_);
  ASSERT_TRUE(queue.Json());
  EXPECT_EQ(queue.Json()->getValue<int>("total"), 2);
}

TEST_F(OpenApi, UndocumentedRoutesAnswer404Or405) {
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", "/api/v1/letters"},           {"GET", "/api/v1/payments"},
      {"GET", "/api/v1/users/kari/sessions"}, {"GET", "/api/v2/followups"},
      {"GET", "/api/v1/followups/1"},       {"PUT", "/api/v1/followups"},
      {"GET", "/api/v1"},                   {"GET", "/api/v1/invoices/F-1"},
      {"GET", "/api/v1/letters/1/history"}, {"GET", "/api/v1/cases/S-1/letters"},
      {"DELETE", "/api/v1/users/kari"},     {"GET", "/api/v1/audit/1"},
      {"GET", "/api/v1/session/current"},   {"POST", "/api/v1/followups/1/actions"},
      {"GET", "/api/v1/letters/1/pages/1/thumb"}, {"PATCH", "/api/v1/payments/pay-1"},
      {"GET", "/api/v1/classes/dispute"},   {"GET", "/admin"},
      {"GET", "/letters"},                  {"GET", "/static/other.js"}};
  for (const auto& [method, target] : routes) {
    ASSERT_FALSE(Documented(method, target)) << method << " " << target << " is documented";
    Call c;
    c.method = method;
    c.target = target;
    c.cookie = admin_.cookie;
    c.csrf = admin_.csrf;
    if (method != "GET") c.body = "{}";
    const Reply r = server_.Send(c);
    EXPECT_TRUE(r.status == 404 || r.status == 405) << method << " " << target << ": " << r.status;
  }
}

TEST_F(OpenApi, OtherMethodsOnADocumentedPathAnswerItsXOtherMethods) {
  for (const auto& path : At(Doc(), "paths")) {
    if (!At(path.second, "x-other-methods") || Flag(path.second, "x-served-by", "daemon")) continue;
    const int want = At(path.second, "x-other-methods").as<int>();
    for (const std::string& m : kMethods) {
      if (At(path.second, m)) continue;
      Op op{path.first.as<std::string>(), Upper(m), {}, {}};
      Call c;
      c.method = op.method;
      c.target = Target(op);
      c.cookie = admin_.cookie;
      c.csrf = admin_.csrf;
      if (m != "get") c.body = "{}";
      const Reply r = server_.Send(c);
      EXPECT_EQ(r.status, want) << op.Name() << ": " << r.body;
      EXPECT_TRUE(r.Json() && r.Json()->has("error")) << op.Name() << ": " << r.body;
    }
  }
}

TEST_F(OpenApi, SessionAndCsrfRequirementsHoldAsDocumented) {
  for (const Op& op : Ops()) {
    if (op.Daemon()) continue;
    if (op.Needs("session")) {
      const Reply r = Send(op, Signed{});
      Verify(op, r);
      if (op.Page()) {
        EXPECT_EQ(r.status, 303) << op.Name();
        EXPECT_EQ(r.Header("location").rfind("/signin?next=", 0), 0u) << op.Name();
      } else {
        EXPECT_EQ(r.status, 401) << op.Name();
      }
    } else {
      const Reply r = Send(op, Signed{});
      Verify(op, r);
      EXPECT_TRUE(r.status != 401 && r.status != 303) << op.Name() << " needs no session";
    }
    if (op.Needs("csrf")) {
      const Reply r = Send(op, admin_, /*csrf=*/false);
      Verify(op, r);
      EXPECT_EQ(r.status, 403) << op.Name();
      ASSERT_TRUE(r.Json()) << op.Name() << ": " << r.body;
      EXPECT_EQ(r.Json()->getValue<std::string>("error"), "missing or wrong CSRF token (X-CSRF-Token)");
    }
  }
  // The admin session survived every refused DELETE.
  EXPECT_EQ(server_.Get("/api/v1/session", admin_).status, 200);
}

TEST_F(OpenApi, AdminOperationsAnswer403ToClerks) {
  const Signed kari = server_.SignIn("kari", kClerkPw);
  ASSERT_EQ(kari.status, 200);
  int admin_ops = 0;
  for (const Op& op : Ops()) {
    if (!op.Admin()) continue;
    const Reply r = Send(op, kari);
    ++admin_ops;
    Verify(op, r);
    EXPECT_EQ(r.status, 403) << op.Name();
  }
  EXPECT_EQ(admin_ops, 7);  // audit, users (list, add, get, change), the audit and users pages
}

}  // namespace
}  // namespace purr::web::testing
