#include "tests/web/web_test_util.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "web/auth.h"
#include "web/server.h"

namespace purr::web::testing {
namespace {

namespace fs = std::filesystem;

store::UserRecord User(const std::string& name, const std::string& role,
                       const std::string& password, bool disabled) {
  store::UserRecord u;
  u.name = name;
  u.role = role;
  u.password_hash = *HashPassword(password, 1000);
  u.disabled = disabled;
  return u;
}

}  // namespace

std::string Reply::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

Poco::JSON::Object::Ptr Reply::Json() const {
  try {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var v = parser.parse(body);
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
  }
  return nullptr;
}

ReviewServer::ReviewServer(ReviewOptions options) {
  static std::atomic<int> counter{0};
  dir_ = fs::temp_directory_path() /
         ("purr_web_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  store_path_ = (dir_ / "purr.sqlite").string();
  if (store::backends::PostgresRequested()) {
    location_ = std::make_unique<store::backends::StoreLocation>(
        store::backends::Backend::kPostgres, dir_);
    store_path_ = location_->path();
  }
  store::StoreOptions so;
  so.path = store_path_;
  so.now_ms = [this] { return now_ms.load(); };
  Result<std::unique_ptr<store::Store>> s = store::OpenStore(so);
  if (!s.ok()) throw std::runtime_error(s.status().message());
  store_ = std::move(*s);
  std::ifstream in(std::string(PURR_SOURCE_DIR) + "/rules/decisions/decisions.yaml");
  std::stringstream yaml;
  yaml << in.rdbuf();
  Result<cases::DecisionRules> rules = cases::ParseDecisionRules(yaml.str());
  if (!rules.ok()) throw std::runtime_error(rules.status().message());
  rules_ = std::make_shared<cases::DecisionRules>(*rules);

  Status seeded = store_->Transact([&](store::Txn& t) {
    t.PutUser(User("admin", "admin", "admin-password-1", false));
    t.PutUser(User("kari", "clerk", "clerk-password-1", false));
    t.PutUser(User("anna", "clerk", "clerk-password-2", false));
    t.PutUser(User("olav", "clerk", "clerk-password-3", true));
    for (const char* number : {"F-1", "F-2"}) {
      store::InvoiceRecord inv;
      inv.invoice = number;
      inv.customer = "K-1";
      inv.case_id = "S-1";
      inv.reference = std::string("ref-") + number;
      inv.original_minor = 10000;
      inv.open_minor = 10000;
      inv.currency = "NOK";
      inv.status = "open";
      inv.blocking = std::string(number) == "F-1";
      inv.customer_name = "Kari O'Brien <Nordmann>";
      t.PutInvoice(inv);
    }
    store::LetterRecord l;
    l.sha256 = "sha-letter-1";
    l.file = "dispute <b>bold</b>.txt";
    l.received = "2025-12-02T10:00:00.000Z";
    l.kind = "text";
    l.language = "nb";
    l.classes = {"dispute"};
    l.legal = "halt";
    l.deadline = "2025-12-03";
    l.case_id = "S-1";
    l.status = "hold";
    l.classification_json =
        R"([{"class":"dispute","confidence":0.9,"reasons":[{"source":"rule","id":"dispute.nb","detail":"'bestrider'","spans":[[4,13]]}]}])";
    l.entities_json = R"([{"type":"invoice_number","value":"F-1","valid":true,"start":25,"end":28}])";
    store::PageRecord p;
    p.page = 1;
    p.text = "Jeg bestrider faktura nr F-1. <script>alert(1)</script>";
    p.confidence = -1;
    l.pages.push_back(p);
    letter_id = t.InsertLetter(l);
    t.AddHold({"S-1", "dispute letter", std::string(cases::kRuleHalt)}, letter_id);
    cases::FollowUp f;
    f.kind = "letter";
    f.reasons = {"halt letter (dispute)"};
    f.deadline = "2025-12-03";
    f.priority = 1;
    f.case_id = "S-1";
    f.rule_id = std::string(cases::kRuleHalt);
    t.AddFollowUp(f, letter_id, "");
    const int64_t file = t.InsertPaymentFile({0, "sha-file", "bank.xml", "camt.054", 1, 0, 0});
    store::PaymentRecord pay;
    pay.payment_id = "pay-1";
    pay.file_id = file;
    pay.amount_minor = 4000;
    pay.currency = "NOK";
    pay.booking_date = "2025-12-02";
    pay.direction = "credit";
    pay.decision = "follow_up";
    pay.unapplied_minor = 4000;
    pay.customer = "K-1";
    pay.case_id = "S-1";
    t.InsertPayment(pay);
    cases::FollowUp pf;
    pf.kind = "payment";
    pf.reasons = {"below_threshold"};
    pf.priority = 3;
    pf.case_id = "S-1";
    pf.rule_id = std::string(cases::kRulePaymentFollowUp);
    t.AddFollowUp(pf, 0, "pay-1");
  });
  if (!seeded.ok()) throw std::runtime_error(seeded.message());

  options.now_ms = [this] { return now_ms.load(); };
  options.rules = [this] { return rules_; };
  options.model_version = [] { return std::string("model-test"); };
  options.password_iterations = 1000;
  app_ = std::make_unique<ReviewApp>(*store_, std::move(options));
  server_ = StartServer(
      "127.0.0.1:0", [this](const Request& r) { return app_->Handle(r); }, 8, &port_);
}

ReviewServer::~ReviewServer() {
  server_->stopAll(true);
  server_.reset();
  app_.reset();
  store_.reset();
  location_.reset();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

Reply ReviewServer::Send(const Call& call) const {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port_));
  Poco::Net::HTTPRequest request(call.method, call.target, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!call.cookie.empty()) request.set("Cookie", "purr_session=" + call.cookie);
  if (!call.csrf.empty()) request.set("X-CSRF-Token", call.csrf);
  for (const auto& [k, v] : call.headers) request.set(k, v);
  if (!call.body.empty() || call.method == "POST") {
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(call.body.size()));
    session.sendRequest(request) << call.body;
  } else {
    session.sendRequest(request);
  }
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  Reply reply;
  reply.status = response.getStatus();
  Poco::StreamCopier::copyToString(in, reply.body);
  for (const auto& [k, v] : response) {
    std::string name = k;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers.emplace(name, v);
  }
  return reply;
}

Reply ReviewServer::Get(const std::string& target, const Signed& who) const {
  Call c;
  c.target = target;
  c.cookie = who.cookie;
  return Send(c);
}

Reply ReviewServer::Post(const std::string& target, const std::string& body,
                         const Signed& who) const {
  Call c;
  c.method = "POST";
  c.target = target;
  c.body = body;
  c.cookie = who.cookie;
  c.csrf = who.csrf;
  return Send(c);
}

Signed ReviewServer::SignIn(const std::string& name, const std::string& password) const {
  Call c;
  c.method = "POST";
  c.target = "/api/v1/session";
  Poco::JSON::Object o;
  o.set("name", name);
  o.set("password", password);
  std::ostringstream body;
  o.stringify(body);
  c.body = body.str();
  Reply r = Send(c);
  Signed s;
  s.status = r.status;
  const std::string cookie = r.Header("set-cookie");
  const size_t eq = cookie.find('='), semi = cookie.find(';');
  if (r.status == 200 && eq != std::string::npos) s.cookie = cookie.substr(eq + 1, semi - eq - 1);
  if (Poco::JSON::Object::Ptr j = r.Json(); j && j->has("csrf_token")) {
    s.csrf = j->getValue<std::string>("csrf_token");
  }
  return s;
}

}  // namespace purr::web::testing
