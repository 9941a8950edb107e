// Clerks' actions on letters and payments, and settlements, applied to a real SQLite store
// in a temporary folder with the shipped decision rules.
//
// A refused action is committed here on purpose (the review page rolls it back): a refusal
// for a wrong request or a stale page must not have written anything even then.
#include "casework/casework.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

namespace purr::casework {
namespace {

namespace fs = std::filesystem;
using Poco::JSON::Array;
using Poco::JSON::Object;
using Outcome = ActionResult::Outcome;
using Strings = std::vector<std::string>;

constexpr int64_t kNowMs = 1764748800000;  // 2025-12-03T08:00:00Z
constexpr const char* kNow = "2025-12-03T08:00:00.000Z";

cases::DecisionRules ShippedRules() {
  const std::string path = std::string(PURR_SOURCE_DIR) + "/rules/decisions/decisions.yaml";
  std::ifstream in(path);
  std::stringstream yaml;
  yaml << in.rdbuf();
  Result<cases::DecisionRules> rules = cases::ParseDecisionRules(yaml.str());
  EXPECT_TRUE(rules.ok()) << path << ": " << rules.status().message();
  return rules.ok() ? *rules : cases::DecisionRules();
}

Object::Ptr ParseObject(const std::string& json) {
  Poco::JSON::Parser parser;
  Object::Ptr o = parser.parse(json).extract<Object::Ptr>();
  EXPECT_TRUE(o) << json;
  return o;
}

Strings StringsOf(const Array::Ptr& a) {
  Strings out;
  for (size_t i = 0; a && i < a->size(); ++i) out.push_back(a->getElement<std::string>(static_cast<unsigned>(i)));
  return out;
}

class CaseworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("purr_casework_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store::StoreOptions options;
    options.path = (dir_ / "purr.sqlite").string();
    options.now_ms = [] { return kNowMs; };
    Result<std::unique_ptr<store::Store>> s = store::OpenStore(options);
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    rules_ = ShippedRules();
    ctx_.rules = &rules_;
    ctx_.actor = "kari";
    ctx_.now = kNow;
    ctx_.model_version = "model-2";
    Must([&](store::Txn& t) {
      t.PutUser(User("kari", false));
      t.PutUser(User("anna", false));
      t.PutUser(User("olav", true));
      t.PutInvoice(Invoice("F-1", "K-1", "S-K-1", 10000, true));
      t.PutInvoice(Invoice("F-2", "K-1", "S-K-1", 5000, false));
      t.PutInvoice(Invoice("F-9", "K-2", "S-K-2", 5000, false));
      file_id_ = t.InsertPaymentFile({0, "sha-file", "bank.xml", "camt.054", 1, 0, 0});
    });
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  void Must(const std::function<void(store::Txn&)>& fn) {
    Status s = store_->Transact(fn);
    ASSERT_TRUE(s.ok()) << s.message();
  }

  static store::UserRecord User(const std::string& name, bool disabled) {
    store::UserRecord u;
    u.name = name;
    u.role = "clerk";
    u.password_hash = "pbkdf2-sha256$1000$c2FsdA==$aGFzaA==";
    u.disabled = disabled;
    return u;
  }
  static store::InvoiceRecord Invoice(const std::string& number, const std::string& customer,
                                      const std::string& case_id, int64_t amount,
                                      bool blocking) {
    store::InvoiceRecord r;
    r.invoice = number;
    r.customer = customer;
    r.case_id = case_id;
    r.reference = "ref-" + number;
    r.original_minor = amount;
    r.open_minor = amount;
    r.currency = "NOK";
    r.status = "open";
    r.blocking = blocking;
    r.customer_name = "Name " + customer;
    return r;
  }
  static cases::FollowUp FollowUp(const std::string& kind, const std::string& rule,
                                  const std::string& case_id) {
    cases::FollowUp f;
    f.kind = kind;
    f.reasons = {"because " + rule};
    f.priority = 2;
    f.case_id = case_id;
    f.rule_id = rule;
    return f;
  }

  // A dispute letter on S-K-1 as the worker leaves it: the case on hold, a follow-up.
  int64_t HaltLetter() {
    int64_t id = 0;
    Must([&](store::Txn& t) {
      id = t.InsertLetter(Letter("halt", {"dispute"}, "S-K-1", "hold"));
      t.AddHold({"S-K-1", "dispute letter", std::string(cases::kRuleHalt)}, id);
      t.AddFollowUp(FollowUp("letter", std::string(cases::kRuleHalt), "S-K-1"), id, "");
    });
    return id;
  }
  // A letter that names no case, waiting for a clerk to link it.
  int64_t UnlinkedLetter() {
    int64_t id = 0;
    Must([&](store::Txn& t) {
      id = t.InsertLetter(Letter("unlinked", {"complaint"}, "", "unlinked"));
      t.AddFollowUp(FollowUp("letter", std::string(cases::kRuleUnlinked), ""), id, "");
    });
    return id;
  }
  // An instalment request on S-K-1 with two follow-ups, no hold.
  int64_t RequestLetter() {
    int64_t id = 0;
    Must([&](store::Txn& t) {
      id = t.InsertLetter(Letter("request", {"instalment_request"}, "S-K-1", "follow_up"));
      t.AddFollowUp(FollowUp("letter", std::string(cases::kRuleRequest), "S-K-1"), id, "");
      t.AddFollowUp(FollowUp("letter", std::string(cases::kRuleNeedsHuman), "S-K-1"), id, "");
    });
    return id;
  }
  static store::LetterRecord Letter(const std::string& sha, Strings classes,
                                    const std::string& case_id, const std::string& status) {
    store::LetterRecord l;
    l.sha256 = sha;
    l.file = sha + ".txt";
    l.source = "letters";
    l.received = kNow;
    l.kind = "text";
    l.language = "nb";
    l.classes = std::move(classes);
    l.legal = "none";
    l.case_id = case_id;
    l.status = status;
    l.model_version = "model-1";
    return l;
  }
  // A payment the matcher left for a clerk, with its follow-up.
  void AddPayment(const std::string& id, int64_t amount, const std::string& currency = "NOK") {
    Must([&](store::Txn& t) {
      store::PaymentRecord p;
      p.payment_id = id;
      p.file_id = file_id_;
      p.amount_minor = amount;
      p.unapplied_minor = amount;
      p.currency = currency;
      p.booking_date = "2025-12-02";
      p.direction = "credit";
      p.decision = "follow_up";
      t.InsertPayment(p);
      cases::FollowUp f = FollowUp("payment", std::string(cases::kRulePaymentFollowUp), "");
      f.candidates = {"F-1", "F-2"};
      t.AddFollowUp(f, 0, id);
    });
  }

  ActionResult OnLetter(int64_t id, const LetterAction& a) {
    ActionResult r;
    Must([&](store::Txn& t) { r = ApplyLetterAction(t, ctx_, id, a); });
    return r;
  }
  ActionResult OnPayment(const std::string& id, const PaymentAction& a) {
    ActionResult r;
    Must([&](store::Txn& t) { r = ApplyPaymentAction(t, ctx_, id, a); });
    return r;
  }
  static LetterAction Act(const std::string& action, const std::string& comment = "") {
    LetterAction a;
    a.action = action;
    a.comment = comment;
    return a;
  }
  static PaymentAction Pay(const std::string& action, std::vector<Allocation> allocations = {},
                           const std::string& comment = "") {
    PaymentAction a;
    a.action = action;
    a.allocations = std::move(allocations);
    a.comment = comment;
    return a;
  }
  static Allocation To(const std::string& invoice, int64_t amount) {
    Allocation a;
    a.invoice = invoice;
    a.amount_minor = amount;
    return a;
  }

  template <typename T>
  T Get(const std::function<T(store::Txn&)>& fn) {
    T out{};
    Status s = store_->Read([&](store::Txn& t) { out = fn(t); });
    EXPECT_TRUE(s.ok()) << s.message();
    return out;
  }
  store::LetterRecord LetterNow(int64_t id) {
    return Get<store::LetterRecord>([&](store::Txn& t) { return *t.GetLetter(id); });
  }
  store::PaymentRecord PaymentNow(const std::string& id) {
    return Get<store::PaymentRecord>([&](store::Txn& t) { return *t.GetPayment(id); });
  }
  std::vector<store::FollowUpRecord> FollowUpsOf(int64_t letter, const std::string& payment) {
    return Get<std::vector<store::FollowUpRecord>>(
        [&](store::Txn& t) { return t.FollowUpsOf(letter, payment); });
  }
  std::vector<store::AuditRecord> AuditOf(const std::string& subject) {
    return Get<std::vector<store::AuditRecord>>(
        [&](store::Txn& t) { return t.AuditOf({subject}, 100, 0); });
  }
  store::InvoiceRecord InvoiceNow(const std::string& number) {
    return Get<store::InvoiceRecord>([&](store::Txn& t) { return *t.GetInvoice(number); });
  }
  std::vector<store::HoldRecord> HoldsOf(const std::string& case_id) {
    return Get<std::vector<store::HoldRecord>>(
        [&](store::Txn& t) { return t.HoldsOf(case_id); });
  }
  std::vector<store::EventRecord> Events() {
    Result<std::vector<store::EventRecord>> events = store_->Events();
    EXPECT_TRUE(events.ok());
    return events.ok() ? *events : std::vector<store::EventRecord>();
  }
  // What any action writes somewhere: equal before and after a refusal.
  using Footprint = std::tuple<int64_t, int64_t, int64_t, size_t, size_t, size_t>;
  Footprint FootprintNow() {
    const size_t events = Events().size();
    return Get<Footprint>([&](store::Txn& t) {
      size_t holds = t.HoldsOf("S-K-1").size() + t.HoldsOf("S-K-2").size();
      return Footprint{t.AuditCount(), t.FollowUpGeneration(), t.LedgerGeneration(),
                       t.Corrections().size(), events, holds};
    });
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  cases::DecisionRules rules_;
  Context ctx_;
  int64_t file_id_ = 0;
};

// ---- Letters: classes ----

TEST_F(CaseworkTest, ConfirmRecordsTheClassesAsACorrectionAndAudits) {
  const int64_t id = HaltLetter();
  const int64_t version = FollowUpVersion(FollowUpsOf(id, ""));
  ActionResult r = OnLetter(id, Act("confirm"));
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.message, "classes confirmed: dispute");
  std::vector<store::CorrectionRecord> corrections =
      Get<std::vector<store::CorrectionRecord>>([](store::Txn& t) { return t.Corrections(); });
  ASSERT_EQ(corrections.size(), 1u);
  EXPECT_EQ(corrections[0].letter_id, id);
  EXPECT_EQ(corrections[0].classes_before, Strings{"dispute"});
  EXPECT_EQ(corrections[0].classes_after, Strings{"dispute"});
  EXPECT_EQ(corrections[0].user, "kari");
  EXPECT_EQ(corrections[0].model_version, "model-1");  // the model that decided the letter
  EXPECT_EQ(LetterNow(id).classes, Strings{"dispute"});
  EXPECT_EQ(FollowUpVersion(FollowUpsOf(id, "")), version);  // nothing changed
  std::vector<store::AuditRecord> audit = AuditOf("letter:" + std::to_string(id));
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].actor, "kari");
  EXPECT_EQ(audit[0].action, "confirm");
  EXPECT_EQ(audit[0].rule_id, "clerk.confirm");
  Object::Ptr before = ParseObject(audit[0].before);
  Object::Ptr after = ParseObject(audit[0].after);
  EXPECT_EQ(StringsOf(before->getArray("classes")), Strings{"dispute"});
  EXPECT_EQ(StringsOf(after->getArray("classes")), Strings{"dispute"});
  EXPECT_EQ(before->getValue<std::string>("case"), "S-K-1");
  EXPECT_EQ(before->getArray("open_follow_ups")->size(), 1u);
  EXPECT_EQ(before->getArray("active_holds")->size(), 1u);
}

TEST_F(CaseworkTest, ConfirmWithoutTheLettersModelNamesTheModelInForce) {
  int64_t id = 0;
  Must([&](store::Txn& t) {
    store::LetterRecord l = Letter("old", {"complaint"}, "S-K-1", "follow_up");
    l.model_version = "";
    id = t.InsertLetter(l);
  });
  ASSERT_TRUE(OnLetter(id, Act("confirm")).ok());
  std::vector<store::CorrectionRecord> corrections =
      Get<std::vector<store::CorrectionRecord>>([](store::Txn& t) { return t.Corrections(); });
  ASSERT_EQ(corrections.size(), 1u);
  EXPECT_EQ(corrections[0].model_version, "model-2");
}

TEST_F(CaseworkTest, SetClassesChangesTheLetterAndItsFollowUps) {
  const int64_t id = RequestLetter();
  LetterAction a = Act("set_classes");
  a.classes = {"complaint", "deferral_request", "complaint"};
  ActionResult r = OnLetter(id, a);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.message, "classes set to complaint, deferral_request");
  EXPECT_EQ(LetterNow(id).classes, (Strings{"complaint", "deferral_request"}));
  for (const store::FollowUpRecord& f : FollowUpsOf(id, "")) {
    EXPECT_EQ(f.classes, (Strings{"complaint", "deferral_request"}));
    EXPECT_EQ(f.version, 2);
  }
  std::vector<store::CorrectionRecord> corrections =
      Get<std::vector<store::CorrectionRecord>>([](store::Txn& t) { return t.Corrections(); });
  ASSERT_EQ(corrections.size(), 1u);
  EXPECT_EQ(corrections[0].classes_before, Strings{"instalment_request"});
  EXPECT_EQ(corrections[0].classes_after, (Strings{"complaint", "deferral_request"}));
  std::vector<store::AuditRecord> audit = AuditOf("letter:" + std::to_string(id));
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "set_classes");
  EXPECT_EQ(audit[0].reason, "classes set to complaint, deferral_request");
  EXPECT_EQ(StringsOf(ParseObject(audit[0].before)->getArray("classes")),
            Strings{"instalment_request"});
  EXPECT_EQ(StringsOf(ParseObject(audit[0].after)->getArray("classes")),
            (Strings{"complaint", "deferral_request"}));
}

TEST_F(CaseworkTest, SetClassesWithAnUnknownClassWritesNothing) {
  const int64_t id = RequestLetter();
  const Footprint before = FootprintNow();
  LetterAction a = Act("set_classes");
  a.classes = {"complaint", "rude_letter"};
  ActionResult r = OnLetter(id, a);
  EXPECT_EQ(r.outcome, Outcome::kInvalid);
  EXPECT_NE(r.message.find("rude_letter"), std::string::npos) << r.message;
  EXPECT_EQ(FootprintNow(), before);
  EXPECT_EQ(LetterNow(id).classes, Strings{"instalment_request"});
  a.classes = {};
  EXPECT_EQ(OnLetter(id, a).outcome, Outcome::kInvalid);
  EXPECT_EQ(FootprintNow(), before);
}

// ---- Letters: cases and holds ----

TEST_F(CaseworkTest, LinkCaseMovesTheLetterAndItsFollowUps) {
  const int64_t id = UnlinkedLetter();
  LetterAction a = Act("link_case");
  a.case_id = "S-K-2";
  ActionResult r = OnLetter(id, a);
  ASSERT_TRUE(r.ok()) << r.message;
  store::LetterRecord l = LetterNow(id);
  EXPECT_EQ(l.case_id, "S-K-2");
  EXPECT_EQ(l.status, "linked");
  std::vector<store::FollowUpRecord> f = FollowUpsOf(id, "");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].follow_up.case_id, "S-K-2");
  EXPECT_EQ(f[0].status, "open");  // linking is not resolving
  std::vector<store::AuditRecord> audit = AuditOf("letter:" + std::to_string(id));
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(ParseObject(audit[0].before)->getValue<std::string>("case"), "");
  EXPECT_EQ(ParseObject(audit[0].after)->getValue<std::string>("case"), "S-K-2");
  EXPECT_EQ(ParseObject(audit[0].after)->getValue<std::string>("status"), "linked");
  // Linked to the same case again: nothing to do.
  EXPECT_EQ(OnLetter(id, a).outcome, Outcome::kConflict);
}

TEST_F(CaseworkTest, LinkCaseToAnUnknownCaseIsRefused) {
  const int64_t id = UnlinkedLetter();
  const Footprint before = FootprintNow();
  LetterAction a = Act("link_case");
  a.case_id = "S-K-404";
  ActionResult r = OnLetter(id, a);
  EXPECT_EQ(r.outcome, Outcome::kNotFound);
  EXPECT_NE(r.message.find("S-K-404"), std::string::npos);
  a.case_id = "";
  EXPECT_EQ(OnLetter(id, a).outcome, Outcome::kInvalid);
  a.case_id = "' OR 1=1 --";
  EXPECT_EQ(OnLetter(id, a).outcome, Outcome::kNotFound);
  EXPECT_EQ(FootprintNow(), before);
  EXPECT_EQ(LetterNow(id).case_id, "");
}

TEST_F(CaseworkTest, HoldThenLiftHold) {
  const int64_t id = RequestLetter();
  ActionResult held = OnLetter(id, Act("hold", "waiting for the court"));
  ASSERT_TRUE(held.ok()) << held.message;
  std::vector<store::HoldRecord> holds = HoldsOf("S-K-1");
  ASSERT_EQ(holds.size(), 1u);
  EXPECT_EQ(holds[0].reason, "waiting for the court");
  EXPECT_EQ(holds[0].rule_id, "clerk.hold");
  EXPECT_EQ(holds[0].letter_id, id);
  EXPECT_EQ(Get<std::string>([](store::Txn& t) { return t.GetCase("S-K-1")->flag; }), "hold");
  std::vector<store::AuditRecord> audit = AuditOf("letter:" + std::to_string(id));
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "hold");
  EXPECT_EQ(ParseObject(audit[0].before)->getArray("active_holds")->size(), 0u);
  EXPECT_EQ(ParseObject(audit[0].after)->getArray("active_holds")->size(), 1u);

  ActionResult lifted = OnLetter(id, Act("lift_hold", "court said no"));
  ASSERT_TRUE(lifted.ok()) << lifted.message;
  EXPECT_TRUE(lifted.events.empty());  // no reactivation was waiting
  holds = HoldsOf("S-K-1");
  EXPECT_EQ(holds[0].released_by, "kari");
  EXPECT_EQ(holds[0].released_at, kNow);
  audit = AuditOf("letter:" + std::to_string(id));
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].action, "lift_hold");
  EXPECT_EQ(audit[0].reason, "hold lifted on S-K-1: court said no");
  EXPECT_EQ(ParseObject(audit[0].after)->getArray("active_holds")->size(), 0u);
  EXPECT_TRUE(Events().empty());
  // Nothing left to lift.
  EXPECT_EQ(OnLetter(id, Act("lift_hold")).outcome, Outcome::kConflict);
}

TEST_F(CaseworkTest, HoldNeedsACase) {
  const int64_t id = UnlinkedLetter();
  const Footprint before = FootprintNow();
  EXPECT_EQ(OnLetter(id, Act("hold")).outcome, Outcome::kInvalid);
  LetterAction unknown = Act("hold");
  unknown.case_id = "S-K-404";
  EXPECT_EQ(OnLetter(id, unknown).outcome, Outcome::kNotFound);
  EXPECT_EQ(OnLetter(id, Act("lift_hold")).outcome, Outcome::kConflict);
  EXPECT_EQ(FootprintNow(), before);
  LetterAction named = Act("hold");
  named.case_id = "S-K-2";
  ASSERT_TRUE(OnLetter(id, named).ok());
  std::vector<store::HoldRecord> holds = HoldsOf("S-K-2");
  ASSERT_EQ(holds.size(), 1u);
  EXPECT_EQ(holds[0].reason, "put on hold by kari");
}

// The worker settled K-1's last blocking invoice while S-K-1 was on hold: no event then, a
// case.reactivation-held follow-up. The clerk lifting the hold reactivates the customer.
TEST_F(CaseworkTest, LiftingTheLastHoldReleasesTheHeldReactivation) {
  const int64_t id = HaltLetter();
  AddPayment("p1", 10000);
  SettlementCounts settled;
  Must([&](store::Txn& t) {
    t.AddAllocation("p1", "F-1", 10000);
    settled = ApplySettlement(t, ctx_, "p1", {{"F-1", 10000}}, {"K-1"});
  });
  EXPECT_EQ(settled.reactivated, 0);
  EXPECT_EQ(settled.follow_ups, 1);
  EXPECT_TRUE(Events().empty());
  std::vector<store::FollowUpRecord> waiting = FollowUpsOf(0, "p1");
  ASSERT_EQ(waiting.size(), 2u);
  EXPECT_EQ(waiting[1].follow_up.rule_id, cases::kRuleReactivateHeld);
  EXPECT_EQ(waiting[1].follow_up.case_id, "S-K-1");
  EXPECT_EQ(waiting[1].status, "open");

  ActionResult r = OnLetter(id, Act("lift_hold"));
  ASSERT_TRUE(r.ok()) << r.message;
  const int64_t hold_id = HoldsOf("S-K-1").at(0).id;
  const std::string key = "reactivate:K-1:lift-" + std::to_string(hold_id);
  EXPECT_EQ(r.events, Strings{key});
  std::vector<store::EventRecord> events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].idempotency_key, key);
  EXPECT_EQ(events[0].type, "reactivation");
  EXPECT_EQ(events[0].customer, "K-1");
  EXPECT_EQ(events[0].case_id, "S-K-1");
  EXPECT_EQ(events[0].invoices, Strings{"F-1"});
  EXPECT_EQ(events[0].at, kNow);
  EXPECT_EQ(events[0].body_json, EventBody(events[0]));
  Object::Ptr body = ParseObject(events[0].body_json);
  EXPECT_EQ(body->getValue<std::string>("event_id"), events[0].event_id);
  EXPECT_EQ(body->getValue<std::string>("case"), "S-K-1");
  // The waiting follow-up is done; the letter's own follow-up is not.
  store::FollowUpRecord held = FollowUpsOf(0, "p1")[1];
  EXPECT_EQ(held.status, "resolved");
  EXPECT_EQ(held.resolved_by, "kari");
  EXPECT_EQ(held.comment, "reactivated when the last hold was lifted");
  EXPECT_EQ(FollowUpsOf(id, "")[0].status, "open");
  std::vector<store::AuditRecord> customer = AuditOf("customer:K-1");
  ASSERT_FALSE(customer.empty());
  EXPECT_EQ(customer[0].action, "reactivate");
  EXPECT_EQ(customer[0].rule_id, cases::kRuleReactivate);
}

TEST_F(CaseworkTest, LiftingAHoldWhileAnotherCaseIsHeldDoesNotReactivate) {
  Must([&](store::Txn& t) {
    t.PutInvoice(Invoice("F-3", "K-1", "S-K-1b", 1000, false));
    t.AddHold({"S-K-1b", "bankruptcy", std::string(cases::kRuleHalt)}, 0);
  });
  const int64_t id = HaltLetter();
  AddPayment("p1", 10000);
  Must([&](store::Txn& t) {
    t.AddAllocation("p1", "F-1", 10000);
    ApplySettlement(t, ctx_, "p1", {{"F-1", 10000}}, {"K-1"});
  });
  ActionResult r = OnLetter(id, Act("lift_hold"));
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_TRUE(r.events.empty());
  EXPECT_TRUE(Events().empty());
  std::vector<store::AuditRecord> customer = AuditOf("customer:K-1");
  ASSERT_FALSE(customer.empty());
  EXPECT_EQ(customer[0].action, "no_reactivation");
  EXPECT_NE(customer[0].reason.find("S-K-1b"), std::string::npos) << customer[0].reason;
  EXPECT_EQ(FollowUpsOf(0, "p1")[1].status, "open");  // still waiting
}

// ---- Letters: resolve, assign, versions ----

TEST_F(CaseworkTest, ResolveNeedsAComment) {
  const int64_t id = RequestLetter();
  const Footprint before = FootprintNow();
  ActionResult r = OnLetter(id, Act("resolve"));
  EXPECT_EQ(r.outcome, Outcome::kInvalid);
  EXPECT_NE(r.message.find("comment"), std::string::npos);
  EXPECT_EQ(FootprintNow(), before);
  for (const store::FollowUpRecord& f : FollowUpsOf(id, "")) EXPECT_EQ(f.status, "open");
}

TEST_F(CaseworkTest, ResolveClosesEveryOpenFollowUpOfTheLetter) {
  const int64_t id = RequestLetter();
  ActionResult r = OnLetter(id, Act("resolve", "instalments agreed by phone"));
  ASSERT_TRUE(r.ok()) << r.message;
  std::vector<store::FollowUpRecord> f = FollowUpsOf(id, "");
  ASSERT_EQ(f.size(), 2u);
  for (const store::FollowUpRecord& one : f) {
    EXPECT_EQ(one.status, "resolved");
    EXPECT_EQ(one.resolved_by, "kari");
    EXPECT_EQ(one.resolved_at, kNow);
    EXPECT_EQ(one.comment, "instalments agreed by phone");
    EXPECT_EQ(one.version, 2);
  }
  std::vector<store::AuditRecord> audit = AuditOf("letter:" + std::to_string(id));
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "resolve");
  EXPECT_EQ(audit[0].reason, "instalments agreed by phone");
  EXPECT_EQ(ParseObject(audit[0].before)->getArray("open_follow_ups")->size(), 2u);
  EXPECT_EQ(ParseObject(audit[0].after)->getArray("open_follow_ups")->size(), 0u);
  // Nothing open any more.
  EXPECT_EQ(OnLetter(id, Act("resolve", "again")).outcome, Outcome::kConflict);
}

TEST_F(CaseworkTest, AssignToAnUnknownOrDisabledUserIsInvalid) {
  const int64_t id = RequestLetter();
  const Footprint before = FootprintNow();
  for (const char* user : {"ghost", "olav", "KARI"}) {
    LetterAction a = Act("assign");
    a.user = user;
    ActionResult r = OnLetter(id, a);
    EXPECT_EQ(r.outcome, Outcome::kInvalid) << user;
    EXPECT_NE(r.message.find(user), std::string::npos) << r.message;
  }
  EXPECT_EQ(FootprintNow(), before);
  for (const store::FollowUpRecord& f : FollowUpsOf(id, "")) EXPECT_EQ(f.assignee, "");
}

TEST_F(CaseworkTest, AssignToAUserOrToTheActor) {
  const int64_t id = RequestLetter();
  LetterAction to_anna = Act("assign");
  to_anna.user = "anna";
  ActionResult r = OnLetter(id, to_anna);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.message, "assigned to anna");
  for (const store::FollowUpRecord& f : FollowUpsOf(id, "")) EXPECT_EQ(f.assignee, "anna");
  ASSERT_TRUE(OnLetter(id, Act("assign")).ok());
  for (const store::FollowUpRecord& f : FollowUpsOf(id, "")) EXPECT_EQ(f.assignee, "kari");
  std::vector<store::AuditRecord> audit = AuditOf("letter:" + std::to_string(id));
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].reason, "assigned to kari");
  Array::Ptr open = ParseObject(audit[0].before)->getArray("open_follow_ups");
  EXPECT_EQ(open->getObject(0)->getValue<std::string>("assignee"), "anna");
}

TEST_F(CaseworkTest, AStaleVersionIsAConflictAndWritesNothing) {
  const int64_t id = RequestLetter();
  const int64_t shown = FollowUpVersion(FollowUpsOf(id, ""));
  EXPECT_EQ(shown, 2);  // two follow-ups at version 1
  LetterAction a = Act("resolve", "done");
  a.version = shown;
  // Meanwhile another clerk assigned the letter.
  LetterAction other = Act("assign");
  other.user = "anna";
  ASSERT_TRUE(OnLetter(id, other).ok());
  const Footprint before = FootprintNow();
  ActionResult r = OnLetter(id, a);
  EXPECT_EQ(r.outcome, Outcome::kConflict);
  EXPECT_EQ(FootprintNow(), before);
  for (const store::FollowUpRecord& f : FollowUpsOf(id, "")) EXPECT_EQ(f.status, "open");
  LetterAction classes = Act("set_classes");
  classes.classes = {"complaint"};
  classes.version = shown;
  EXPECT_EQ(OnLetter(id, classes).outcome, Outcome::kConflict);
  EXPECT_EQ(FootprintNow(), before);
  // With the version the page shows now, it goes through.
  a.version = FollowUpVersion(FollowUpsOf(id, ""));
  EXPECT_TRUE(OnLetter(id, a).ok());
}

TEST_F(CaseworkTest, UnknownLettersAndActionsAreRefused) {
  const int64_t id = RequestLetter();
  const Footprint before = FootprintNow();
  EXPECT_EQ(OnLetter(id + 100, Act("confirm")).outcome, Outcome::kNotFound);
  EXPECT_EQ(OnLetter(id, Act("delete")).outcome, Outcome::kInvalid);
  EXPECT_EQ(OnLetter(id, Act("")).outcome, Outcome::kInvalid);
  EXPECT_EQ(FootprintNow(), before);
}

// ---- Payments ----

TEST_F(CaseworkTest, AllocateAcrossTwoInvoices) {
  AddPayment("p1", 12000);
  PaymentAction a = Pay("allocate", {To("F-1", 10000), To("F-2", 2000)}, "per phone call");
  ActionResult r = OnPayment("p1", a);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(InvoiceNow("F-1").open_minor, 0);
  EXPECT_EQ(InvoiceNow("F-1").status, "paid");
  EXPECT_EQ(InvoiceNow("F-2").open_minor, 3000);
  store::PaymentRecord p = PaymentNow("p1");
  EXPECT_EQ(p.unapplied_minor, 0);
  EXPECT_EQ(p.disposition, "allocated");
  ASSERT_EQ(p.allocations.size(), 2u);
  EXPECT_EQ(p.allocations[0].invoice, "F-1");
  EXPECT_EQ(p.allocations[1].amount_minor, 2000);
  // Allocated in full: the payment's follow-up is done.
  std::vector<store::FollowUpRecord> f = FollowUpsOf(0, "p1");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].status, "resolved");
  EXPECT_EQ(f[0].comment, "allocated in full");
  std::vector<store::AuditRecord> audit = AuditOf("payment:p1");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "allocate");
  EXPECT_EQ(audit[0].reason,
            "allocated by a clerk: F-1 10000, F-2 2000; unapplied 0; per phone call");
  Object::Ptr before = ParseObject(audit[0].before);
  EXPECT_EQ(before->getValue<int64_t>("unapplied_minor"), 12000);
  EXPECT_EQ(before->getArray("allocations")->size(), 0u);
  EXPECT_EQ(before->getValue<int>("open_follow_ups"), 1);
  ASSERT_FALSE(audit[0].after.empty()) << "the audit entry has no state after the allocation";
  Object::Ptr after = ParseObject(audit[0].after);
  EXPECT_EQ(after->getValue<int64_t>("unapplied_minor"), 0);
  EXPECT_EQ(after->getValue<std::string>("disposition"), "allocated");
  EXPECT_EQ(after->getArray("allocations")->size(), 2u);
  EXPECT_EQ(after->getValue<int>("open_follow_ups"), 0);
}

TEST_F(CaseworkTest, APartialAllocationLeavesTheFollowUpOpen) {
  AddPayment("p1", 12000);
  ActionResult r = OnPayment("p1", Pay("allocate", {To("F-2", 5000)}));
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_TRUE(r.events.empty());  // F-2 does not block
  EXPECT_EQ(PaymentNow("p1").unapplied_minor, 7000);
  EXPECT_EQ(FollowUpsOf(0, "p1")[0].status, "open");
  // The rest, later: now the sum is checked against what is left.
  EXPECT_EQ(OnPayment("p1", Pay("allocate", {To("F-1", 8000)})).outcome, Outcome::kInvalid);
  EXPECT_TRUE(OnPayment("p1", Pay("allocate", {To("F-1", 7000)})).ok());
  EXPECT_EQ(InvoiceNow("F-1").open_minor, 3000);
  EXPECT_EQ(FollowUpsOf(0, "p1")[0].status, "resolved");
}

TEST_F(CaseworkTest, AllocationsAboveTheUnappliedAmountAreInvalid) {
  AddPayment("p1", 12000);
  const Footprint before = FootprintNow();
  ActionResult r = OnPayment("p1", Pay("allocate", {To("F-1", 10000), To("F-2", 2001)}));
  EXPECT_EQ(r.outcome, Outcome::kInvalid);
  EXPECT_NE(r.message.find("12000"), std::string::npos) << r.message;
  EXPECT_EQ(FootprintNow(), before);
  EXPECT_EQ(PaymentNow("p1").unapplied_minor, 12000);
  EXPECT_EQ(PaymentNow("p1").disposition, "");
  EXPECT_EQ(InvoiceNow("F-1").open_minor, 10000);
}

TEST_F(CaseworkTest, AllocatingMoreThanAnInvoiceHasOpenIsAConflict) {
  AddPayment("p1", 12000);
  const Footprint before = FootprintNow();
  ActionResult r = OnPayment("p1", Pay("allocate", {To("F-1", 1000), To("F-2", 5001)}));
  EXPECT_EQ(r.outcome, Outcome::kConflict);
  EXPECT_NE(r.message.find("F-2"), std::string::npos) << r.message;
  EXPECT_EQ(FootprintNow(), before);
  EXPECT_EQ(InvoiceNow("F-1").open_minor, 10000);  // the first allocation was not written
}

TEST_F(CaseworkTest, AllocatingToAnInvoiceInAnotherCurrencyIsRefused) {
  Must([&](store::Txn& t) {
    store::InvoiceRecord sek = Invoice("F-SE", "K-3", "S-K-3", 10000, false);
    sek.currency = "SEK";
    t.PutInvoice(sek);
  });
  AddPayment("p1", 5000);
  AddPayment("p-eur", 5000, "EUR");
  const Footprint before = FootprintNow();
  ActionResult r = OnPayment("p1", Pay("allocate", {To("F-SE", 5000)}));
  EXPECT_EQ(r.outcome, Outcome::kInvalid);
  EXPECT_NE(r.message.find("SEK"), std::string::npos) << r.message;
  EXPECT_EQ(OnPayment("p-eur", Pay("allocate", {To("F-2", 100)})).outcome, Outcome::kInvalid);
  EXPECT_EQ(FootprintNow(), before);
}

TEST_F(CaseworkTest, WrongAllocationsAreRefusedOneByOne) {
  AddPayment("p1", 5000);
  Must([&](store::Txn& t) {
    store::InvoiceRecord closed = Invoice("F-C", "K-1", "S-K-1", 1000, false);
    closed.status = "closed";
    t.PutInvoice(closed);
    store::PaymentRecord debit;
    debit.payment_id = "p-debit";
    debit.file_id = file_id_;
    debit.amount_minor = 500;
    debit.unapplied_minor = 500;
    debit.currency = "NOK";
    debit.direction = "debit";
    debit.decision = "follow_up";
    t.InsertPayment(debit);
  });
  const Footprint before = FootprintNow();
  EXPECT_EQ(OnPayment("p1", Pay("allocate")).outcome, Outcome::kInvalid);
  EXPECT_EQ(OnPayment("p1", Pay("allocate", {To("F-1", 0)})).outcome, Outcome::kInvalid);
  EXPECT_EQ(OnPayment("p1", Pay("allocate", {To("F-1", -5)})).outcome, Outcome::kInvalid);
  EXPECT_EQ(OnPayment("p1", Pay("allocate", {To("F-1", 100), To("F-1", 100)})).outcome,
            Outcome::kInvalid);
  EXPECT_EQ(OnPayment("p1", Pay("allocate", {To("F-404", 100)})).outcome, Outcome::kNotFound);
  EXPECT_EQ(OnPayment("p1", Pay("allocate", {To("F-C", 100)})).outcome, Outcome::kConflict);
  EXPECT_EQ(OnPayment("p-debit", Pay("allocate", {To("F-2", 100)})).outcome, Outcome::kInvalid);
  EXPECT_EQ(OnPayment("p404", Pay("allocate", {To("F-2", 100)})).outcome, Outcome::kNotFound);
  EXPECT_EQ(OnPayment("p1", Pay("burn")).outcome, Outcome::kInvalid);
  EXPECT_EQ(FootprintNow(), before);
}

TEST_F(CaseworkTest, SettlingABlockingInvoiceReactivatesOnce) {
  AddPayment("p1", 10000);
  PaymentAction a = Pay("allocate", {To("F-1", 10000)});
  ActionResult r = OnPayment("p1", a);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.events.size(), 1u);
  std::vector<store::EventRecord> events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].idempotency_key, "reactivate:K-1:p1");
  EXPECT_EQ(events[0].payment_id, "p1");
  EXPECT_EQ(events[0].invoices, Strings{"F-1"});
  EXPECT_EQ(events[0].body_json, EventBody(events[0]));
  // The same action again is refused (nothing open on F-1) and writes no second event.
  ActionResult again = OnPayment("p1", a);
  EXPECT_FALSE(again.ok());
  EXPECT_TRUE(again.events.empty());
  // Nor does the settlement applied again for the same payment.
  SettlementCounts twice;
  Must([&](store::Txn& t) {
    twice = ApplySettlement(t, ctx_, "p1", {{"F-1", 10000}}, {"K-1"});
  });
  EXPECT_EQ(twice.reactivated, 0);
  EXPECT_EQ(Events().size(), 1u);
}

TEST_F(CaseworkTest, SettlingWhileACaseIsOnHoldWaitsForAClerk) {
  HaltLetter();
  AddPayment("p1", 10000);
  ActionResult r = OnPayment("p1", Pay("allocate", {To("F-1", 10000)}));
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_TRUE(r.events.empty());
  EXPECT_TRUE(Events().empty());
  std::vector<store::FollowUpRecord> f = FollowUpsOf(0, "p1");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].status, "resolved");  // the matcher's follow-up: allocated in full
  EXPECT_EQ(f[1].follow_up.rule_id, cases::kRuleReactivateHeld);
  EXPECT_EQ(f[1].status, "open");
}

TEST_F(CaseworkTest, AnAllocationAnswersAProofLetterWaitingForIt) {
  int64_t proof = 0;
  Must([&](store::Txn& t) {
    store::LetterRecord l = Letter("proof", {"payment_proof"}, "S-K-1", "waiting_payment");
    l.proof_wait_until = "2025-12-08";
    proof = t.InsertLetter(l);
  });
  AddPayment("p1", 2000);
  ASSERT_TRUE(OnPayment("p1", Pay("allocate", {To("F-2", 2000)})).ok());
  store::LetterRecord l = LetterNow(proof);
  EXPECT_EQ(l.status, "linked");
  EXPECT_EQ(l.proof_payment_id, "p1");
  std::vector<store::AuditRecord> audit = AuditOf("letter:" + std::to_string(proof));
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].rule_id, cases::kRuleProofArrived);
}

TEST_F(CaseworkTest, RefundSetsTheDisposition) {
  AddPayment("p1", 12000);
  ASSERT_TRUE(OnPayment("p1", Pay("allocate", {To("F-2", 5000)})).ok());
  ActionResult r = OnPayment("p1", Pay("refund", {}, "customer asked"));
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.message, "marked for refund: 7000 NOK; customer asked");
  store::PaymentRecord p = PaymentNow("p1");
  EXPECT_EQ(p.disposition, "refund");
  EXPECT_EQ(p.unapplied_minor, 7000);
  std::vector<store::FollowUpRecord> f = FollowUpsOf(0, "p1");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].status, "resolved");
  EXPECT_EQ(f[0].comment, "marked for refund: customer asked");
  std::vector<store::AuditRecord> audit = AuditOf("payment:p1");
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].action, "refund");
  EXPECT_EQ(ParseObject(audit[0].before)->getValue<std::string>("disposition"), "allocated");
  EXPECT_EQ(ParseObject(audit[0].after)->getValue<std::string>("disposition"), "refund");
  // Marked once.
  const Footprint before = FootprintNow();
  EXPECT_EQ(OnPayment("p1", Pay("refund")).outcome, Outcome::kConflict);
  EXPECT_EQ(FootprintNow(), before);
}

TEST_F(CaseworkTest, NothingUnappliedIsNothingToRefund) {
  AddPayment("p1", 5000);
  ASSERT_TRUE(OnPayment("p1", Pay("allocate", {To("F-2", 5000)})).ok());
  EXPECT_EQ(OnPayment("p1", Pay("refund")).outcome, Outcome::kConflict);
  EXPECT_EQ(PaymentNow("p1").disposition, "allocated");
}

TEST_F(CaseworkTest, PaymentResolveAssignAndVersions) {
  AddPayment("p1", 5000);
  const Footprint before = FootprintNow();
  EXPECT_EQ(OnPayment("p1", Pay("resolve")).outcome, Outcome::kInvalid);
  PaymentAction disabled = Pay("assign");
  disabled.user = "olav";
  EXPECT_EQ(OnPayment("p1", disabled).outcome, Outcome::kInvalid);
  PaymentAction stale = Pay("resolve", {}, "duplicate of p0");
  stale.version = FollowUpVersion(FollowUpsOf(0, "p1")) + 1;
  EXPECT_EQ(OnPayment("p1", stale).outcome, Outcome::kConflict);
  EXPECT_EQ(FootprintNow(), before);
  PaymentAction assign = Pay("assign");
  assign.user = "anna";
  ASSERT_TRUE(OnPayment("p1", assign).ok());
  EXPECT_EQ(FollowUpsOf(0, "p1")[0].assignee, "anna");
  stale.version = FollowUpVersion(FollowUpsOf(0, "p1"));
  ActionResult r = OnPayment("p1", stale);
  ASSERT_TRUE(r.ok()) << r.message;
  store::FollowUpRecord f = FollowUpsOf(0, "p1")[0];
  EXPECT_EQ(f.status, "resolved");
  EXPECT_EQ(f.resolved_by, "kari");
  EXPECT_EQ(f.comment, "duplicate of p0");
  EXPECT_EQ(AuditOf("payment:p1").size(), 2u);
}

// ---- Settlements (the worker's path) ----

TEST_F(CaseworkTest, ASettlementOfAPartPaymentDecidesNothing) {
  AddPayment("p1", 4000);
  SettlementCounts counts;
  Must([&](store::Txn& t) {
    t.AddAllocation("p1", "F-1", 4000);
    counts = ApplySettlement(t, ctx_, "p1", {{"F-1", 4000}}, {"K-1"});
  });
  EXPECT_EQ(counts.reactivated, 0);
  EXPECT_EQ(counts.follow_ups, 0);
  EXPECT_TRUE(Events().empty());
}

TEST_F(CaseworkTest, ASettlementWithinTheToleranceReactivates) {
  rules_.settle_tolerance_minor = 100;
  AddPayment("p1", 9950);
  SettlementCounts counts;
  Must([&](store::Txn& t) {
    t.AddAllocation("p1", "F-1", 9950);
    counts = ApplySettlement(t, ctx_, "p1", {{"F-1", 9950}}, {"K-1"});
  });
  EXPECT_EQ(counts.reactivated, 1);
  std::vector<store::AuditRecord> audit = AuditOf("customer:K-1");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].actor, "kari");
  EXPECT_EQ(audit[0].action, "reactivate");
}

}  // namespace
}  // namespace purr::casework
