// The review queue's part of the store: clerks, sessions, the follow-up queue and its
// filters, letters, payments and cases as a clerk sees them, the audit log, Store::Read, and
// the migration of a schema-1 file. A real SQLite file in a temporary folder.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "store/schema.h"
#include "store/store.h"
#include "tests/store/backend.h"

namespace purr::store {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kHourMs = 3600 * 1000;

class ReviewStoreTest : public ::testing::TestWithParam<backends::Backend> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("purr_review_store_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    location_ = std::make_unique<backends::StoreLocation>(GetParam(), dir_);
    store_ = Open();
  }
  void TearDown() override {
    store_.reset();
    location_.reset();
    fs::remove_all(dir_);
  }
  std::string Path() const { return location_->path(); }
  bool postgres() const { return GetParam() == backends::Backend::kPostgres; }
  std::unique_ptr<Store> Open(int readers = 4) {
    StoreOptions options;
    options.path = Path();
    options.readers = readers;
    options.now_ms = [this] { return now_ms_.load(); };
    Result<std::unique_ptr<Store>> s = OpenStore(options);
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? std::move(*s) : nullptr;
  }
  void Must(const std::function<void(Txn&)>& fn) {
    Status s = store_->Transact(fn);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  void MustRead(const std::function<void(Txn&)>& fn) {
    Status s = store_->Read(fn);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  std::string Now() const { return FormatTimeMs(now_ms_.load()); }

  static InvoiceRecord Invoice(const std::string& number, const std::string& customer,
                               int64_t amount, const std::string& name = "") {
    InvoiceRecord r;
    r.invoice = number;
    r.customer = customer;
    r.case_id = "S-" + customer;
    r.reference = "ref-" + number;
    r.original_minor = amount;
    r.open_minor = amount;
    r.currency = "NOK";
    r.status = "open";
    r.customer_name = name.empty() ? "Name " + customer : name;
    return r;
  }
  static LetterRecord Letter(const std::string& sha, std::vector<std::string> classes,
                             const std::string& legal, const std::string& language,
                             const std::string& case_id) {
    LetterRecord l;
    l.sha256 = sha;
    l.file = sha + ".txt";
    l.source = "letters";
    l.received = "2025-12-01T09:00:00.000Z";
    l.kind = "text";
    l.language = language;
    l.classes = std::move(classes);
    l.legal = legal;
    l.case_id = case_id;
    l.status = case_id.empty() ? "unlinked" : "linked";
    l.model_version = "model-1";
    return l;
  }
  static cases::FollowUp FollowUp(const std::string& rule, const std::string& case_id,
                                  const std::string& deadline, int priority) {
    cases::FollowUp f;
    f.kind = "letter";
    f.reasons = {"because " + rule};
    f.deadline = deadline;
    f.priority = priority;
    f.case_id = case_id;
    f.rule_id = rule;
    return f;
  }
  static UserRecord User(const std::string& name, const std::string& role) {
    UserRecord u;
    u.name = name;
    u.role = role;
    u.password_hash = "pbkdf2-sha256$1000$c2FsdA==$aGFzaA==";
    return u;
  }
  static SessionRecord Session(const std::string& token_hash, const std::string& user,
                               int64_t last_seen_ms) {
    SessionRecord s;
    s.token_hash = token_hash;
    s.user = user;
    s.csrf_token = "csrf-" + token_hash;
    s.created_ms = last_seen_ms;
    s.last_seen_ms = last_seen_ms;
    return s;
  }
  PaymentRecord Payment(const std::string& id, int64_t amount, const std::string& case_id = "",
                        const std::string& booking_date = "2025-12-01") {
    PaymentRecord p;
    p.payment_id = id;
    p.file_id = file_id_;
    p.amount_minor = amount;
    p.unapplied_minor = amount;
    p.currency = "NOK";
    p.booking_date = booking_date;
    p.direction = "credit";
    p.decision = "follow_up";
    p.case_id = case_id;
    return p;
  }
  void AddFile() {
    Must([&](Txn& t) {
      file_id_ = t.InsertPaymentFile({0, "sha-file", "bank.csv", "csv:generic", 1, 0, 0});
    });
  }
  static std::vector<int64_t> IdsOf(const std::vector<FollowUpRecord>& items) {
    std::vector<int64_t> out;
    for (const FollowUpRecord& f : items) out.push_back(f.id);
    return out;
  }
  std::vector<int64_t> Query(const FollowUpQuery& q, int64_t* total = nullptr) {
    FollowUpPage page;
    MustRead([&](Txn& t) { page = t.QueryFollowUps(q); });
    if (total) *total = page.total;
    return IdsOf(page.items);
  }
  FollowUpRecord Get(int64_t id) {
    std::optional<FollowUpRecord> f;
    MustRead([&](Txn& t) { f = t.GetFollowUp(id); });
    EXPECT_TRUE(f) << id;
    return f.value_or(FollowUpRecord());
  }

  // A queue of five follow-ups, created an hour apart in three steps. In queue order (due
  // date, priority, id): c, a, e, d, b.
  struct Queue {
    int64_t l1 = 0, l2 = 0, l3 = 0;  // dispute/halt/nb, request+complaint/none/sv, data/da
    int64_t a = 0, b = 0, c = 0, d = 0, e = 0;
  };
  Queue SeedQueue() {
    Queue q;
    Must([&](Txn& t) {
      t.PutInvoice(Invoice("F-1", "K-1", 10000));
      t.PutInvoice(Invoice("F-2", "K-2", 20000));
    });
    AddFile();
    Must([&](Txn& t) {
      q.l1 = t.InsertLetter(Letter("l1", {"dispute"}, "halt", "nb", "S-K-1"));
      q.l2 = t.InsertLetter(
          Letter("l2", {"instalment_request", "complaint"}, "none", "sv", "S-K-2"));
      q.l3 = t.InsertLetter(Letter("l3", {"data_request"}, "statutory_deadline", "da", ""));
      t.InsertPayment(Payment("p1", 5000));
      q.a = t.AddFollowUp(FollowUp("case.halt-letter", "S-K-1", "2026-01-10", 1), q.l1, "");
      q.b = t.AddFollowUp(FollowUp("case.request-needs-decision", "S-K-2", "", 4), q.l2, "");
    });
    now_ms_ += kHourMs;
    Must([&](Txn& t) {
      q.c = t.AddFollowUp(FollowUp("case.statutory-deadline", "", "2026-01-05", 2), q.l3, "");
      cases::FollowUp pay = FollowUp("payment.follow-up", "", "", 3);
      pay.kind = "payment";
      pay.candidates = {"F-1", "F-2"};
      q.d = t.AddFollowUp(pay, 0, "p1");
    });
    now_ms_ += kHourMs;
    Must([&](Txn& t) {
      q.e = t.AddFollowUp(FollowUp("case.halt-letter", "S-K-1", "2026-01-10", 2), q.l1, "");
    });
    return q;
  }
  // The follow-up changed by fn, written at its current version.
  void Change(int64_t id, const std::function<void(FollowUpRecord&)>& fn) {
    Must([&](Txn& t) {
      std::optional<FollowUpRecord> f = t.GetFollowUp(id);
      ASSERT_TRUE(f);
      const int64_t version = f->version;
      fn(*f);
      ASSERT_TRUE(t.UpdateFollowUp(*f, version));
    });
  }

  fs::path dir_;
  std::unique_ptr<backends::StoreLocation> location_;
  std::atomic<int64_t> now_ms_{1764748800000};  // 2025-12-03T08:00:00Z
  std::unique_ptr<Store> store_;
  int64_t file_id_ = 0;
};

using Ids = std::vector<int64_t>;

// ---- Users, throttling, sessions ----

TEST_P(ReviewStoreTest, UsersAreInsertedReplacedAndListedByName) {
  Must([&](Txn& t) {
    t.PutUser(User("kari", "admin"));
    t.PutUser(User("anna", "clerk"));
  });
  const std::string created = Now();
  now_ms_ += kHourMs;
  Must([&](Txn& t) {
    UserRecord u = User("anna", "admin");
    u.disabled = true;
    u.password_hash = "pbkdf2-sha256$1000$bmV3$bmV3";
    t.PutUser(u);
  });
  MustRead([&](Txn& t) {
    std::optional<UserRecord> anna = t.GetUser("anna");
    ASSERT_TRUE(anna);
    EXPECT_EQ(anna->role, "admin");
    EXPECT_TRUE(anna->disabled);
    EXPECT_EQ(anna->password_hash, "pbkdf2-sha256$1000$bmV3$bmV3");
    EXPECT_EQ(anna->created_at, created);
    EXPECT_EQ(anna->updated_at, Now());
    EXPECT_FALSE(t.GetUser("nobody"));
    EXPECT_FALSE(t.GetUser("ANNA"));
    std::vector<UserRecord> users = t.Users();
    ASSERT_EQ(users.size(), 2u);
    EXPECT_EQ(users[0].name, "anna");
    EXPECT_EQ(users[1].name, "kari");
    EXPECT_FALSE(users[1].disabled);
  });
}

TEST_P(ReviewStoreTest, AnUnknownRoleIsRefused) {
  Status s = store_->Transact([&](Txn& t) { t.PutUser(User("eve", "root")); });
  EXPECT_FALSE(s.ok());
  MustRead([&](Txn& t) { EXPECT_FALSE(t.GetUser("eve")); });
}

TEST_P(ReviewStoreTest, ThrottleIsZeroUntilWrittenAndClearedByZero) {
  MustRead([&](Txn& t) {
    SignInThrottle none = t.GetThrottle("kari");
    EXPECT_EQ(none.name, "kari");
    EXPECT_EQ(none.failures, 0);
    EXPECT_EQ(none.locked_until_ms, 0);
  });
  SignInThrottle locked;
  locked.name = "kari";
  locked.failures = 5;
  locked.locked_until_ms = 1764749000000;
  Must([&](Txn& t) { t.PutThrottle(locked); });
  locked.failures = 6;
  Must([&](Txn& t) { t.PutThrottle(locked); });
  MustRead([&](Txn& t) {
    SignInThrottle got = t.GetThrottle("kari");
    EXPECT_EQ(got.failures, 6);
    EXPECT_EQ(got.locked_until_ms, 1764749000000);
    EXPECT_EQ(t.GetThrottle("anna").failures, 0);
  });
  SignInThrottle cleared;
  cleared.name = "kari";
  Must([&](Txn& t) { t.PutThrottle(cleared); });
  MustRead([&](Txn& t) {
    EXPECT_EQ(t.GetThrottle("kari").failures, 0);
    EXPECT_EQ(t.GetThrottle("kari").locked_until_ms, 0);
  });
}

TEST_P(ReviewStoreTest, SessionsAreTouchedAndDeletedOneByUserOrByAge) {
  Must([&](Txn& t) {
    t.PutUser(User("kari", "admin"));
    t.PutUser(User("anna", "clerk"));
    t.InsertSession(Session("h1", "kari", 1000));
    t.InsertSession(Session("h2", "kari", 2000));
    t.InsertSession(Session("h3", "anna", 3000));
    t.InsertSession(Session("h4", "anna", 4000));
  });
  Must([&](Txn& t) {
    std::optional<SessionRecord> s = t.GetSession("h1");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->user, "kari");
    EXPECT_EQ(s->csrf_token, "csrf-h1");
    EXPECT_EQ(s->created_ms, 1000);
    EXPECT_FALSE(t.GetSession("nope"));
    t.TouchSession("h3", 9000);
    t.TouchSession("nope", 9000);  // nothing to touch: no error
  });
  MustRead([&](Txn& t) {
    EXPECT_EQ(t.GetSession("h3")->last_seen_ms, 9000);
    EXPECT_EQ(t.GetSession("h3")->created_ms, 3000);
  });
  Must([&](Txn& t) { t.DeleteSession("h4"); });
  MustRead([&](Txn& t) {
    EXPECT_FALSE(t.GetSession("h4"));
    EXPECT_TRUE(t.GetSession("h3"));
  });
  Must([&](Txn& t) { t.DeleteSessionsSeenBefore(2000); });  // strictly before
  MustRead([&](Txn& t) {
    EXPECT_FALSE(t.GetSession("h1"));
    EXPECT_TRUE(t.GetSession("h2"));
    EXPECT_TRUE(t.GetSession("h3"));
  });
  Must([&](Txn& t) { t.DeleteSessionsOf("kari"); });
  MustRead([&](Txn& t) {
    EXPECT_FALSE(t.GetSession("h2"));
    EXPECT_TRUE(t.GetSession("h3"));
  });
}

TEST_P(ReviewStoreTest, ASessionNeedsAKnownUser) {
  Status s = store_->Transact([&](Txn& t) { t.InsertSession(Session("h1", "ghost", 1)); });
  EXPECT_FALSE(s.ok());
  MustRead([&](Txn& t) { EXPECT_FALSE(t.GetSession("h1")); });
}

// ---- The follow-up queue ----

TEST_P(ReviewStoreTest, TheQueueIsSortedByDeadlineThenPriorityThenAge) {
  Queue q = SeedQueue();
  int64_t total = 0;
  EXPECT_EQ(Query(FollowUpQuery(), &total), (Ids{q.c, q.a, q.e, q.d, q.b}));
  EXPECT_EQ(total, 5);
}

TEST_P(ReviewStoreTest, AFollowUpCarriesItsLettersClassesLegalAndLanguage) {
  Queue q = SeedQueue();
  FollowUpRecord b = Get(q.b);
  EXPECT_EQ(b.letter_id, q.l2);
  EXPECT_EQ(b.letter_file, "l2.txt");
  EXPECT_EQ(b.classes, (std::vector<std::string>{"instalment_request", "complaint"}));
  EXPECT_EQ(b.legal, "none");
  EXPECT_EQ(b.language, "sv");
  EXPECT_EQ(b.status, "open");
  EXPECT_EQ(b.version, 1);
  EXPECT_EQ(b.assignee, "");
  EXPECT_EQ(b.created_at, "2025-12-03T08:00:00.000Z");
  EXPECT_EQ(b.follow_up.rule_id, "case.request-needs-decision");
  EXPECT_EQ(b.follow_up.reasons, std::vector<std::string>{"because case.request-needs-decision"});
  EXPECT_EQ(b.follow_up.priority, 4);
  FollowUpRecord d = Get(q.d);
  EXPECT_EQ(d.letter_id, 0);
  EXPECT_EQ(d.payment_id, "p1");
  EXPECT_TRUE(d.classes.empty());
  EXPECT_EQ(d.legal, "");
  EXPECT_EQ(d.follow_up.candidates, (std::vector<std::string>{"F-1", "F-2"}));
  MustRead([&](Txn& t) { EXPECT_FALSE(t.GetFollowUp(q.e + 100)); });
}

TEST_P(ReviewStoreTest, TheQueueFiltersByStatus) {
  Queue q = SeedQueue();
  Change(q.b, [&](FollowUpRecord& f) {
    f.status = "resolved";
    f.resolved_by = "kari";
    f.resolved_at = Now();
    f.comment = "agreed a plan";
  });
  FollowUpQuery open;
  EXPECT_EQ(Query(open), (Ids{q.c, q.a, q.e, q.d}));
  FollowUpQuery resolved;
  resolved.status = "resolved";
  EXPECT_EQ(Query(resolved), (Ids{q.b}));
  FollowUpQuery both;
  both.status = "";
  int64_t total = 0;
  EXPECT_EQ(Query(both, &total).size(), 5u);
  EXPECT_EQ(total, 5);
  FollowUpRecord b = Get(q.b);
  EXPECT_EQ(b.resolved_by, "kari");
  EXPECT_EQ(b.comment, "agreed a plan");
  EXPECT_EQ(b.version, 2);
}

TEST_P(ReviewStoreTest, TheQueueFiltersByReason) {
  Queue q = SeedQueue();
  FollowUpQuery halt;
  halt.reason = "case.halt-letter";
  int64_t total = 0;
  EXPECT_EQ(Query(halt, &total), (Ids{q.a, q.e}));
  EXPECT_EQ(total, 2);
  FollowUpQuery pay;
  pay.reason = "payment.follow-up";
  EXPECT_EQ(Query(pay), (Ids{q.d}));
  FollowUpQuery none;
  none.reason = "case.halt";  // a prefix is not a rule id
  EXPECT_TRUE(Query(none, &total).empty());
  EXPECT_EQ(total, 0);
}

TEST_P(ReviewStoreTest, TheQueueFiltersByAWholeClass) {
  Queue q = SeedQueue();
  FollowUpQuery complaint;
  complaint.cls = "complaint";
  EXPECT_EQ(Query(complaint), (Ids{q.b}));
  FollowUpQuery instalment;
  instalment.cls = "instalment_request";
  EXPECT_EQ(Query(instalment), (Ids{q.b}));
  FollowUpQuery dispute;
  dispute.cls = "dispute";
  EXPECT_EQ(Query(dispute), (Ids{q.a, q.e}));
  // Part of a class name, or LIKE's wildcards, match nothing.
  for (const char* cls : {"instalment", "request", "%", "_", "dispu_e", "%dispute%", "\\",
                          "\"", "' OR 1=1 --"}) {
    FollowUpQuery odd;
    odd.cls = cls;
    EXPECT_TRUE(Query(odd).empty()) << cls;
  }
}

TEST_P(ReviewStoreTest, TheQueueFiltersByLegalAndLanguage) {
  Queue q = SeedQueue();
  FollowUpQuery halt;
  halt.legal = "halt";
  EXPECT_EQ(Query(halt), (Ids{q.a, q.e}));
  FollowUpQuery statutory;
  statutory.legal = "statutory_deadline";
  EXPECT_EQ(Query(statutory), (Ids{q.c}));
  FollowUpQuery swedish;
  swedish.language = "sv";
  EXPECT_EQ(Query(swedish), (Ids{q.b}));
  FollowUpQuery danish_halt;
  danish_halt.language = "da";
  danish_halt.legal = "halt";
  EXPECT_TRUE(Query(danish_halt).empty());
}

TEST_P(ReviewStoreTest, TheQueueFiltersByAssigneeOrUnassigned) {
  Queue q = SeedQueue();
  Change(q.a, [](FollowUpRecord& f) { f.assignee = "kari"; });
  Change(q.d, [](FollowUpRecord& f) { f.assignee = "anna"; });
  FollowUpQuery kari;
  kari.assignee = "kari";
  EXPECT_EQ(Query(kari), (Ids{q.a}));
  FollowUpQuery unassigned;
  unassigned.assignee = "-";
  EXPECT_EQ(Query(unassigned), (Ids{q.c, q.e, q.b}));
  FollowUpQuery anyone;
  EXPECT_EQ(Query(anyone).size(), 5u);
}

TEST_P(ReviewStoreTest, TheQueueFiltersByOverdueDeadline) {
  Queue q = SeedQueue();
  FollowUpQuery early;
  early.overdue_before = "2026-01-06";
  EXPECT_EQ(Query(early), (Ids{q.c}));
  FollowUpQuery later;
  later.overdue_before = "2026-01-11";
  EXPECT_EQ(Query(later), (Ids{q.c, q.a, q.e}));
  FollowUpQuery on_the_day;
  on_the_day.overdue_before = "2026-01-05";  // due that day: not yet overdue
  EXPECT_TRUE(Query(on_the_day).empty());
  // A follow-up without a deadline is never overdue.
  FollowUpQuery far;
  far.overdue_before = "9000-01-01";
  EXPECT_EQ(Query(far), (Ids{q.c, q.a, q.e}));
}

TEST_P(ReviewStoreTest, TheQueueFiltersByAge) {
  Queue q = SeedQueue();
  FollowUpQuery old;
  old.created_before = "2025-12-03T09:00:00.000Z";  // c and d were created at 09:00
  EXPECT_EQ(Query(old), (Ids{q.a, q.b}));
  FollowUpQuery older;
  older.created_before = "2025-12-03T09:30:00.000Z";
  EXPECT_EQ(Query(older), (Ids{q.c, q.a, q.d, q.b}));
  FollowUpQuery none;
  none.created_before = "2025-12-01";
  EXPECT_TRUE(Query(none).empty());
}

TEST_P(ReviewStoreTest, TheQueueIsPagedAndTheTotalCountsEveryPage) {
  Queue q = SeedQueue();
  FollowUpQuery page;
  page.limit = 2;
  int64_t total = 0;
  EXPECT_EQ(Query(page, &total), (Ids{q.c, q.a}));
  EXPECT_EQ(total, 5);
  page.offset = 2;
  EXPECT_EQ(Query(page, &total), (Ids{q.e, q.d}));
  EXPECT_EQ(total, 5);
  page.offset = 4;
  EXPECT_EQ(Query(page), (Ids{q.b}));
  page.offset = 10;
  EXPECT_TRUE(Query(page, &total).empty());
  EXPECT_EQ(total, 5);
  // Filters and paging together: the total is of the filtered queue.
  FollowUpQuery halt;
  halt.reason = "case.halt-letter";
  halt.limit = 1;
  halt.offset = 1;
  EXPECT_EQ(Query(halt, &total), (Ids{q.e}));
  EXPECT_EQ(total, 2);
  // Nonsense paging is clamped, not an error.
  FollowUpQuery odd;
  odd.limit = -1;
  odd.offset = -5;
  EXPECT_TRUE(Query(odd, &total).empty());
  EXPECT_EQ(total, 5);
}

TEST_P(ReviewStoreTest, CursorsWalkTheQueueForwardAndBackAsOffsetsDo) {
  Queue q = SeedQueue();
  // One resolved follow-up, so that the walk over every status crosses from open to resolved.
  Must([&](Txn& t) {
    FollowUpRecord r = *t.GetFollowUp(q.a);
    r.status = "resolved";
    ASSERT_TRUE(t.UpdateFollowUp(r, r.version));
  });
  for (const std::string status : {"open", ""}) {
    FollowUpQuery all;
    all.status = status;
    all.limit = 100;
    const std::vector<int64_t> expected = Query(all);
    ASSERT_EQ(expected.size(), status.empty() ? 5u : 4u);
    // Forward by `after`, two at a time.
    FollowUpQuery walk;
    walk.status = status;
    walk.limit = 2;
    walk.count_total = false;
    std::vector<int64_t> seen;
    std::vector<FollowUpPage> pages;
    for (int guard = 0; guard < 10; ++guard) {
      FollowUpPage page;
      MustRead([&](Txn& t) { page = t.QueryFollowUps(walk); });
      EXPECT_EQ(page.total, -1);
      EXPECT_EQ(page.more_before, guard > 0);
      for (const int64_t id : IdsOf(page.items)) seen.push_back(id);
      pages.push_back(page);
      if (!page.more_after) break;
      ASSERT_TRUE(page.last);
      walk.after = page.last;
    }
    EXPECT_EQ(seen, expected) << "status " << status;
    // Back by `before` from the last page: the same pages in reverse.
    FollowUpQuery back;
    back.status = status;
    back.limit = 2;
    back.before = pages.back().first;
    std::vector<int64_t> behind;
    for (int guard = 0; guard < 10; ++guard) {
      FollowUpPage page;
      MustRead([&](Txn& t) { page = t.QueryFollowUps(back); });
      EXPECT_TRUE(page.more_after);
      std::vector<int64_t> ids = IdsOf(page.items);
      behind.insert(behind.begin(), ids.begin(), ids.end());
      if (!page.more_before) break;
      back.before = page.first;
    }
    std::vector<int64_t> want(expected.begin(),
                              expected.end() - static_cast<long>(pages.back().items.size()));
    EXPECT_EQ(behind, want) << "status " << status;
  }
  // A cursor with a filter: only the filtered rows after it.
  FollowUpQuery halt;
  halt.status = "";  // the two halt letters, one of them resolved above
  halt.reason = "case.halt-letter";
  halt.limit = 1;
  FollowUpPage first;
  MustRead([&](Txn& t) { first = t.QueryFollowUps(halt); });
  ASSERT_EQ(first.items.size(), 1u);
  EXPECT_TRUE(first.more_after);
  halt.after = first.last;
  FollowUpPage second;
  MustRead([&](Txn& t) { second = t.QueryFollowUps(halt); });
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_NE(second.items[0].id, first.items[0].id);
  EXPECT_EQ(second.items[0].follow_up.rule_id, "case.halt-letter");
  EXPECT_FALSE(second.more_after);
}

TEST_P(ReviewStoreTest, CountsPerReasonIgnoreTheReasonFilterOnly) {
  SeedQueue();
  std::vector<ReasonCount> counts;
  FollowUpQuery all;
  all.reason = "payment.follow-up";  // ignored: the counts are what the reason menu offers
  MustRead([&](Txn& t) { counts = t.FollowUpCounts(all); });
  ASSERT_EQ(counts.size(), 4u);
  EXPECT_EQ(counts[0].reason, "case.halt-letter");
  EXPECT_EQ(counts[0].count, 2);
  EXPECT_EQ(counts[1].reason, "case.request-needs-decision");
  EXPECT_EQ(counts[2].reason, "case.statutory-deadline");
  EXPECT_EQ(counts[3].reason, "payment.follow-up");
  EXPECT_EQ(counts[3].count, 1);
  FollowUpQuery swedish;
  swedish.language = "sv";
  MustRead([&](Txn& t) { counts = t.FollowUpCounts(swedish); });
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_EQ(counts[0].reason, "case.request-needs-decision");
  FollowUpQuery resolved;
  resolved.status = "resolved";
  MustRead([&](Txn& t) { counts = t.FollowUpCounts(resolved); });
  EXPECT_TRUE(counts.empty());
}

TEST_P(ReviewStoreTest, TheFollowUpGenerationRisesWithEveryAddOrChange) {
  int64_t g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0;
  int64_t id = 0;
  MustRead([&](Txn& t) { g0 = t.FollowUpGeneration(); });
  Must([&](Txn& t) { id = t.AddFollowUp(FollowUp("case.needs-human", "", "", 3), 0, ""); });
  MustRead([&](Txn& t) { g1 = t.FollowUpGeneration(); });
  EXPECT_GT(g1, g0);
  Must([&](Txn& t) { t.PutUser(User("kari", "clerk")); });  // not a follow-up
  MustRead([&](Txn& t) { EXPECT_EQ(t.FollowUpGeneration(), g1); });
  Change(id, [](FollowUpRecord& f) { f.assignee = "kari"; });
  MustRead([&](Txn& t) { g2 = t.FollowUpGeneration(); });
  EXPECT_GT(g2, g1);
  Must([&](Txn& t) {
    FollowUpRecord stale = *t.GetFollowUp(id);
    EXPECT_FALSE(t.UpdateFollowUp(stale, stale.version - 1));
  });
  MustRead([&](Txn& t) { g3 = t.FollowUpGeneration(); });
  EXPECT_EQ(g3, g2);
  int64_t letter = 0;
  Must([&](Txn& t) { letter = t.InsertLetter(Letter("l1", {"dispute"}, "halt", "nb", "")); });
  Must([&](Txn& t) { t.SetLetterClasses(letter, {"complaint"}); });
  MustRead([&](Txn& t) { g4 = t.FollowUpGeneration(); });
  EXPECT_GT(g4, g3);
}

TEST_P(ReviewStoreTest, AStaleVersionWritesNothing) {
  Queue q = SeedQueue();
  Change(q.a, [](FollowUpRecord& f) { f.assignee = "kari"; });
  Must([&](Txn& t) {
    FollowUpRecord f = *t.GetFollowUp(q.a);
    ASSERT_EQ(f.version, 2);
    f.status = "resolved";
    f.assignee = "anna";
    f.comment = "too late";
    f.follow_up.case_id = "S-K-2";
    EXPECT_FALSE(t.UpdateFollowUp(f, 1));
    EXPECT_FALSE(t.UpdateFollowUp(f, 3));
  });
  FollowUpRecord a = Get(q.a);
  EXPECT_EQ(a.version, 2);
  EXPECT_EQ(a.status, "open");
  EXPECT_EQ(a.assignee, "kari");
  EXPECT_EQ(a.comment, "");
  EXPECT_EQ(a.follow_up.case_id, "S-K-1");
}

TEST_P(ReviewStoreTest, UpdateWritesStatusAssigneeResolutionCommentAndCase) {
  Queue q = SeedQueue();
  Change(q.c, [&](FollowUpRecord& f) {
    f.status = "resolved";
    f.assignee = "kari";
    f.resolved_by = "anna";
    f.resolved_at = "2025-12-03T10:00:00.000Z";
    f.comment = "answered the request";
    f.follow_up.case_id = "S-K-2";
  });
  FollowUpRecord c = Get(q.c);
  EXPECT_EQ(c.status, "resolved");
  EXPECT_EQ(c.assignee, "kari");
  EXPECT_EQ(c.resolved_by, "anna");
  EXPECT_EQ(c.resolved_at, "2025-12-03T10:00:00.000Z");
  EXPECT_EQ(c.comment, "answered the request");
  EXPECT_EQ(c.follow_up.case_id, "S-K-2");
  EXPECT_EQ(c.version, 2);
}

TEST_P(ReviewStoreTest, FollowUpsOfALetterOrAPayment) {
  Queue q = SeedQueue();
  MustRead([&](Txn& t) {
    EXPECT_EQ(IdsOf(t.FollowUpsOf(q.l1, "")), (Ids{q.a, q.e}));
    EXPECT_EQ(IdsOf(t.FollowUpsOf(0, "p1")), (Ids{q.d}));
    EXPECT_EQ(IdsOf(t.FollowUpsOf(q.l3, "p1")), (Ids{q.c, q.d}));
    EXPECT_TRUE(t.FollowUpsOf(0, "").empty());
    EXPECT_TRUE(t.FollowUpsOf(q.l3 + 100, "p9").empty());
  });
  // Resolved ones too.
  Change(q.a, [](FollowUpRecord& f) { f.status = "resolved"; });
  MustRead([&](Txn& t) { EXPECT_EQ(IdsOf(t.FollowUpsOf(q.l1, "")), (Ids{q.a, q.e})); });
}

// ---- Letters and corrections ----

TEST_P(ReviewStoreTest, ALetterIsReadBackWithItsPages) {
  LetterRecord l = Letter("sha-1", {"dispute", "complaint"}, "halt", "nb", "S-K-1");
  l.stored_path = "/var/lib/purr/letters/sha-1";
  l.jurisdiction = "NO";
  l.deadline = "2026-01-10";
  l.statute = "inkassoloven § 17";
  l.needs_human = true;
  l.needs_human_reasons = {"low confidence", "two classes"};
  l.classification_json = R"({"classes":[{"class":"dispute"}]})";
  l.entities_json = R"({"kid":"0107****"})";
  l.rules_version = "rules-1";
  l.decision_rules_version = "decisions-1";
  l.proof_wait_until = "2025-12-08";
  l.proof_payment_id = "camt-1";
  l.pages.resize(2);
  l.pages[0].page = 1;
  l.pages[0].text = "Jeg bestrider kravet";
  l.pages[0].confidence = 87.5;
  l.pages[0].words_json = R"([[10,20,30,12,"Jeg"],[44,20,80,12,"bestrider"]])";
  l.pages[0].image_path = "pages/sha-1-1.png";
  l.pages[0].width = 2480;
  l.pages[0].height = 3508;
  l.pages[0].image_scale = 0.5;
  l.pages[1].page = 2;
  l.pages[1].text = "Med vennlig hilsen";
  l.pages[1].confidence = -1;
  int64_t id = 0;
  Must([&](Txn& t) {
    t.PutInvoice(Invoice("F-1", "K-1", 100));
    id = t.InsertLetter(l);
  });
  MustRead([&](Txn& t) {
    std::optional<LetterRecord> got = t.GetLetter(id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->id, id);
    EXPECT_EQ(got->sha256, "sha-1");
    EXPECT_EQ(got->file, "sha-1.txt");
    EXPECT_EQ(got->stored_path, l.stored_path);
    EXPECT_EQ(got->classes, l.classes);
    EXPECT_EQ(got->legal, "halt");
    EXPECT_EQ(got->language, "nb");
    EXPECT_EQ(got->jurisdiction, "NO");
    EXPECT_EQ(got->deadline, "2026-01-10");
    EXPECT_EQ(got->statute, "inkassoloven § 17");
    EXPECT_TRUE(got->needs_human);
    EXPECT_EQ(got->needs_human_reasons, l.needs_human_reasons);
    EXPECT_EQ(got->classification_json, l.classification_json);
    EXPECT_EQ(got->entities_json, l.entities_json);
    EXPECT_EQ(got->model_version, "model-1");
    EXPECT_EQ(got->rules_version, "rules-1");
    EXPECT_EQ(got->decision_rules_version, "decisions-1");
    EXPECT_EQ(got->case_id, "S-K-1");
    EXPECT_EQ(got->proof_wait_until, "2025-12-08");
    EXPECT_EQ(got->proof_payment_id, "camt-1");
    ASSERT_EQ(got->pages.size(), 2u);
    EXPECT_EQ(got->pages[0].page, 1);
    EXPECT_EQ(got->pages[0].text, "Jeg bestrider kravet");
    EXPECT_DOUBLE_EQ(got->pages[0].confidence, 87.5);
    EXPECT_EQ(got->pages[0].words_json, l.pages[0].words_json);
    EXPECT_EQ(got->pages[0].image_path, "pages/sha-1-1.png");
    EXPECT_EQ(got->pages[0].width, 2480);
    EXPECT_EQ(got->pages[0].height, 3508);
    EXPECT_DOUBLE_EQ(got->pages[0].image_scale, 0.5);
    EXPECT_EQ(got->pages[1].page, 2);
    EXPECT_DOUBLE_EQ(got->pages[1].confidence, -1);
    EXPECT_EQ(got->pages[1].words_json, "");
    EXPECT_EQ(got->pages[1].image_path, "");
    EXPECT_EQ(got->pages[1].width, 0);
    EXPECT_DOUBLE_EQ(got->pages[1].image_scale, 0);
    EXPECT_FALSE(t.GetLetter(id + 1));
  });
}

TEST_P(ReviewStoreTest, LettersOfACaseComeWithoutPagesInOrder) {
  int64_t l1 = 0, l2 = 0;
  Must([&](Txn& t) {
    LetterRecord first = Letter("a", {"dispute"}, "halt", "nb", "S-K-1");
    first.pages.resize(1);
    first.pages[0].page = 1;
    first.pages[0].text = "page";
    l1 = t.InsertLetter(first);
    t.InsertLetter(Letter("b", {"complaint"}, "none", "nb", "S-K-2"));
    l2 = t.InsertLetter(Letter("c", {"other"}, "none", "nb", "S-K-1"));
  });
  MustRead([&](Txn& t) {
    std::vector<LetterRecord> letters = t.LettersOfCase("S-K-1");
    ASSERT_EQ(letters.size(), 2u);
    EXPECT_EQ(letters[0].id, l1);
    EXPECT_EQ(letters[1].id, l2);
    EXPECT_TRUE(letters[0].pages.empty());
    EXPECT_TRUE(t.LettersOfCase("S-K-9").empty());
    EXPECT_TRUE(t.LettersOfCase("").empty());
  });
}

TEST_P(ReviewStoreTest, NewClassesOfALetterReachItsFollowUps) {
  Queue q = SeedQueue();
  Must([&](Txn& t) { t.SetLetterClasses(q.l1, {"complaint", "address_change"}); });
  MustRead([&](Txn& t) {
    EXPECT_EQ(t.GetLetter(q.l1)->classes,
              (std::vector<std::string>{"complaint", "address_change"}));
  });
  FollowUpRecord a = Get(q.a);
  EXPECT_EQ(a.classes, (std::vector<std::string>{"complaint", "address_change"}));
  EXPECT_EQ(a.version, 2);  // a page that showed the old classes is stale now
  EXPECT_EQ(Get(q.e).version, 2);
  EXPECT_EQ(Get(q.b).version, 1);
  FollowUpQuery dispute;
  dispute.cls = "dispute";
  EXPECT_TRUE(Query(dispute).empty());
  FollowUpQuery address;
  address.cls = "address_change";
  EXPECT_EQ(Query(address), (Ids{q.a, q.e}));
}

TEST_P(ReviewStoreTest, NewClassesForAnUnknownLetterRollBack) {
  Queue q = SeedQueue();
  Status s = store_->Transact([&](Txn& t) {
    t.SetLetterClasses(q.l1, {"other"});
    t.SetLetterClasses(q.l3 + 100, {"other"});
  });
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("does not exist"), std::string::npos) << s.message();
  MustRead([&](Txn& t) {
    EXPECT_EQ(t.GetLetter(q.l1)->classes, std::vector<std::string>{"dispute"});
  });
}

TEST_P(ReviewStoreTest, CorrectionsAreKeptInOrderWithTheStoreTime) {
  int64_t id = 0;
  Must([&](Txn& t) { id = t.InsertLetter(Letter("a", {"dispute"}, "halt", "nb", "")); });
  CorrectionRecord c;
  c.letter_id = id;
  c.classes_before = {"dispute"};
  c.classes_after = {"complaint", "other"};
  c.user = "kari";
  c.model_version = "model-1";
  c.at = "ignored: the store stamps it";
  Must([&](Txn& t) { t.AddCorrection(c); });
  now_ms_ += 1000;
  c.classes_before = {"complaint", "other"};
  c.classes_after = {"complaint"};
  c.user = "anna";
  Must([&](Txn& t) { t.AddCorrection(c); });
  MustRead([&](Txn& t) {
    std::vector<CorrectionRecord> all = t.Corrections();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_LT(all[0].id, all[1].id);
    EXPECT_EQ(all[0].letter_id, id);
    EXPECT_EQ(all[0].classes_before, std::vector<std::string>{"dispute"});
    EXPECT_EQ(all[0].classes_after, (std::vector<std::string>{"complaint", "other"}));
    EXPECT_EQ(all[0].user, "kari");
    EXPECT_EQ(all[0].model_version, "model-1");
    EXPECT_EQ(all[0].at, "2025-12-03T08:00:00.000Z");
    EXPECT_EQ(all[1].user, "anna");
    EXPECT_EQ(all[1].at, "2025-12-03T08:00:01.000Z");
  });
}

TEST_P(ReviewStoreTest, ACorrectionNeedsALetter) {
  CorrectionRecord c;
  c.letter_id = 42;
  c.user = "kari";
  EXPECT_FALSE(store_->Transact([&](Txn& t) { t.AddCorrection(c); }).ok());
  MustRead([&](Txn& t) { EXPECT_TRUE(t.Corrections().empty()); });
}

// ---- Payments ----

TEST_P(ReviewStoreTest, APaymentIsReadWithItsFileAndAllocations) {
  Must([&](Txn& t) {
    t.PutInvoice(Invoice("F-1", "K-1", 10000));
    t.PutInvoice(Invoice("F-2", "K-1", 10000));
  });
  AddFile();
  Must([&](Txn& t) {
    PaymentRecord p = Payment("p1", 15000);
    p.references = {"ref-F-1"};
    p.text = "faktura F-1 og F-2";
    p.payer = "K*** N***, 1234.**.*****";
    p.reasons_json = R"(["overpayment"])";
    p.candidates_json = R"(["F-1"])";
    t.InsertPayment(p);
    t.AddAllocation("p1", "F-1", 10000);
    t.AddAllocation("p1", "F-2", 4000);
  });
  MustRead([&](Txn& t) {
    std::optional<PaymentRecord> p = t.GetPayment("p1");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->file, "bank.csv");
    EXPECT_EQ(p->file_id, file_id_);
    EXPECT_EQ(p->amount_minor, 15000);
    EXPECT_EQ(p->references, std::vector<std::string>{"ref-F-1"});
    EXPECT_EQ(p->payer, "K*** N***, 1234.**.*****");
    EXPECT_EQ(p->reasons_json, R"(["overpayment"])");
    EXPECT_EQ(p->recorded_at, "2025-12-03T08:00:00.000Z");
    EXPECT_EQ(p->disposition, "");
    ASSERT_EQ(p->allocations.size(), 2u);
    EXPECT_EQ(p->allocations[0].invoice, "F-1");
    EXPECT_EQ(p->allocations[0].amount_minor, 10000);
    EXPECT_EQ(p->allocations[1].invoice, "F-2");
    EXPECT_EQ(p->allocations[1].amount_minor, 4000);
    EXPECT_FALSE(t.GetPayment("p2"));
    EXPECT_FALSE(t.GetPayment("' OR 1=1 --"));
  });
}

TEST_P(ReviewStoreTest, PaymentsOfACaseByAllocationOrByTheMatchersCase) {
  Must([&](Txn& t) {
    t.PutInvoice(Invoice("F-1", "K-1", 10000));
    t.PutInvoice(Invoice("F-2", "K-2", 10000));
  });
  AddFile();
  Must([&](Txn& t) {
    t.InsertPayment(Payment("p1", 1000, "", "2025-12-02"));
    t.AddAllocation("p1", "F-1", 1000);
    t.InsertPayment(Payment("p2", 2000, "S-K-1", "2025-11-30"));  // unallocated, case known
    t.InsertPayment(Payment("p3", 3000, "", "2025-12-01"));
    t.AddAllocation("p3", "F-2", 3000);
    t.InsertPayment(Payment("p4", 4000, "", "2025-12-01"));        // nobody's
    t.InsertPayment(Payment("p5", 5000, "", "2025-12-02"));
    t.AddAllocation("p5", "F-1", 2000);
    t.AddAllocation("p5", "F-2", 3000);
  });
  MustRead([&](Txn& t) {
    std::vector<PaymentRecord> of_1 = t.PaymentsOfCase("S-K-1");
    ASSERT_EQ(of_1.size(), 3u);
    EXPECT_EQ(of_1[0].payment_id, "p2");
    EXPECT_EQ(of_1[1].payment_id, "p1");
    EXPECT_EQ(of_1[2].payment_id, "p5");
    EXPECT_EQ(of_1[2].allocations.size(), 2u);  // all of the payment's allocations
    std::vector<PaymentRecord> of_2 = t.PaymentsOfCase("S-K-2");
    ASSERT_EQ(of_2.size(), 2u);
    EXPECT_EQ(of_2[0].payment_id, "p3");
    EXPECT_EQ(of_2[1].payment_id, "p5");
    EXPECT_TRUE(t.PaymentsOfCase("S-K-9").empty());
  });
}

TEST_P(ReviewStoreTest, ADispositionIsSetWithTheAmountLeftUnapplied) {
  AddFile();
  Must([&](Txn& t) { t.InsertPayment(Payment("p1", 5000)); });
  Must([&](Txn& t) { t.SetPaymentDisposition("p1", "refund", 1200); });
  MustRead([&](Txn& t) {
    std::optional<PaymentRecord> p = t.GetPayment("p1");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->disposition, "refund");
    EXPECT_EQ(p->unapplied_minor, 1200);
    EXPECT_EQ(p->amount_minor, 5000);
  });
  Status s = store_->Transact([&](Txn& t) { t.SetPaymentDisposition("p9", "refund", 0); });
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("p9"), std::string::npos) << s.message();
}

// ---- Cases ----

TEST_P(ReviewStoreTest, ACaseWithItsInvoicesLettersAndPayments) {
  int64_t letter = 0;
  Must([&](Txn& t) {
    t.PutInvoice(Invoice("F-2", "K-1", 10000));
    t.PutInvoice(Invoice("F-1", "K-1", 5000));
    t.PutInvoice(Invoice("F-3", "K-2", 5000));
    letter = t.InsertLetter(Letter("a", {"dispute"}, "halt", "nb", "S-K-1"));
  });
  AddFile();
  Must([&](Txn& t) {
    t.InsertPayment(Payment("p1", 1000));
    t.AddAllocation("p1", "F-1", 500);
    t.AddAllocation("p1", "F-2", 500);
  });
  MustRead([&](Txn& t) {
    std::optional<CaseRecord> c = t.GetCase("S-K-1");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->customer, "K-1");
    EXPECT_EQ(c->flag, "open");
    EXPECT_EQ(c->invoices, (std::vector<std::string>{"F-1", "F-2"}));
    EXPECT_EQ(c->letters, std::vector<int64_t>{letter});
    EXPECT_EQ(c->payments, std::vector<std::string>{"p1"});
    EXPECT_TRUE(c->holds.empty());
    std::vector<InvoiceRecord> invoices = t.InvoicesOfCase("S-K-1");
    ASSERT_EQ(invoices.size(), 2u);
    EXPECT_EQ(invoices[0].invoice, "F-1");
    EXPECT_EQ(invoices[0].open_minor, 4500);
    EXPECT_TRUE(t.InvoicesOfCase("S-K-9").empty());
    EXPECT_FALSE(t.GetCase("S-K-9"));
    EXPECT_FALSE(t.GetCase(""));
  });
}

TEST_P(ReviewStoreTest, TheCaseFlagFollowsHoldsFollowUpsEventsAndPayments) {
  Must([&](Txn& t) {
    t.PutInvoice(Invoice("F-1", "K-1", 1000));
    t.PutInvoice(Invoice("F-2", "K-2", 1000));
  });
  AddFile();
  auto flag = [&](const std::string& case_id) {
    std::string out;
    MustRead([&](Txn& t) { out = t.GetCase(case_id)->flag; });
    return out;
  };
  EXPECT_EQ(flag("S-K-1"), "open");
  Must([&](Txn& t) { t.AddHold({"S-K-1", "dispute", "case.halt-letter"}, 0); });
  EXPECT_EQ(flag("S-K-1"), "hold");
  int64_t follow_up = 0;
  Must([&](Txn& t) {
    follow_up = t.AddFollowUp(FollowUp("case.halt-letter", "S-K-1", "", 1), 0, "");
  });
  EXPECT_EQ(flag("S-K-1"), "hold");  // the hold wins
  Must([&](Txn& t) { t.ReleaseHold(t.HoldsOf("S-K-1").at(0).id, "kari"); });
  EXPECT_EQ(flag("S-K-1"), "follow-up");
  Change(follow_up, [](FollowUpRecord& f) { f.status = "resolved"; });
  EXPECT_EQ(flag("S-K-1"), "open");
  Must([&](Txn& t) {
    t.InsertPayment(Payment("p1", 1000));
    t.AddAllocation("p1", "F-1", 1000);
  });
  EXPECT_EQ(flag("S-K-1"), "settled");
  EventRecord e;
  e.event_id = "evt-1";
  e.idempotency_key = "reactivate:K-1:p1";
  e.type = "reactivation";
  e.customer = "K-1";
  e.case_id = "S-K-1";
  e.at = Now();
  e.body_json = "{}";
  Must([&](Txn& t) { EXPECT_TRUE(t.AddEvent(e)); });
  EXPECT_EQ(flag("S-K-1"), "reactivated");
  EXPECT_EQ(flag("S-K-2"), "open");
  // The same flags as the status page's list of cases.
  Result<std::vector<CaseRecord>> all = store_->Cases();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->at(0).flag, "reactivated");
  EXPECT_EQ(all->at(1).flag, "open");
}

TEST_P(ReviewStoreTest, HoldsAreListedAndReleasedOnce) {
  int64_t letter = 0;
  Must([&](Txn& t) {
    t.PutInvoice(Invoice("F-1", "K-1", 1000));
    letter = t.InsertLetter(Letter("a", {"dispute"}, "halt", "nb", "S-K-1"));
    t.AddHold({"S-K-1", "dispute", "case.halt-letter"}, letter);
  });
  now_ms_ += kHourMs;
  Must([&](Txn& t) { t.AddHold({"S-K-1", "put on hold by kari", "clerk.hold"}, 0); });
  std::vector<HoldRecord> holds;
  MustRead([&](Txn& t) { holds = t.HoldsOf("S-K-1"); });
  ASSERT_EQ(holds.size(), 2u);
  EXPECT_EQ(holds[0].letter_id, letter);
  EXPECT_EQ(holds[0].reason, "dispute");
  EXPECT_EQ(holds[0].rule_id, "case.halt-letter");
  EXPECT_EQ(holds[0].created_at, "2025-12-03T08:00:00.000Z");
  EXPECT_EQ(holds[1].letter_id, 0);
  EXPECT_EQ(holds[1].released_at, "");
  now_ms_ += kHourMs;
  Must([&](Txn& t) { t.ReleaseHold(holds[0].id, "kari"); });
  MustRead([&](Txn& t) {
    std::vector<HoldRecord> after = t.HoldsOf("S-K-1");
    EXPECT_EQ(after[0].released_at, "2025-12-03T10:00:00.000Z");
    EXPECT_EQ(after[0].released_by, "kari");
    EXPECT_EQ(after[1].released_at, "");
    EXPECT_EQ(t.GetCase("S-K-1")->holds, std::vector<std::string>{"put on hold by kari"});
    EXPECT_EQ(t.HeldCases("K-1"), std::vector<std::string>{"S-K-1"});
    EXPECT_TRUE(t.HoldsOf("S-K-9").empty());
  });
  // A released hold is not released again (nor is an unknown one).
  Status again = store_->Transact([&](Txn& t) { t.ReleaseHold(holds[0].id, "anna"); });
  EXPECT_FALSE(again.ok());
  EXPECT_FALSE(store_->Transact([&](Txn& t) { t.ReleaseHold(999, "anna"); }).ok());
  MustRead([&](Txn& t) { EXPECT_EQ(t.HoldsOf("S-K-1")[0].released_by, "kari"); });
}

// ---- Search ----

class SearchTest : public ReviewStoreTest {
 protected:
  void SetUp() override {
    ReviewStoreTest::SetUp();
    Must([&](Txn& t) {
      t.PutInvoice(Invoice("F-1001", "K-1", 100, "Kari Nordmann"));
      InvoiceRecord second = Invoice("F-1002", "K-1", 100, "Kari Nordmann");
      second.reference = "01079193";
      t.PutInvoice(second);
      t.PutInvoice(Invoice("F-2001", "K-2", 100, "100% Rabatt AS"));
      t.PutInvoice(Invoice("F-3001", "K-3", 100, "Under_score Oy"));
      t.PutInvoice(Invoice("F-4001", "K-4", 100, "Back\\slash AB"));
      t.PutInvoice(Invoice("F-5001", "K-5", 100, "O'Brien & Sønner"));
    });
  }
  std::vector<CaseHit> Search(const std::string& text, int limit = 20) {
    std::vector<CaseHit> hits;
    MustRead([&](Txn& t) { hits = t.SearchCases(text, limit); });
    return hits;
  }
  std::vector<std::string> Cases(const std::string& text) {
    std::vector<std::string> out;
    for (const CaseHit& h : Search(text)) out.push_back(h.case_id);
    return out;
  }
};

using Strings = std::vector<std::string>;

TEST_P(SearchTest, FindsACaseByInvoiceReferenceCaseOrName) {
  std::vector<CaseHit> by_invoice = Search("F-1002");
  ASSERT_EQ(by_invoice.size(), 1u);
  EXPECT_EQ(by_invoice[0].case_id, "S-K-1");
  EXPECT_EQ(by_invoice[0].customer, "K-1");
  EXPECT_EQ(by_invoice[0].customer_name, "Kari Nordmann");
  EXPECT_EQ(by_invoice[0].matched, "invoice F-1002");
  std::vector<CaseHit> by_reference = Search("01079193");
  ASSERT_EQ(by_reference.size(), 1u);
  EXPECT_EQ(by_reference[0].case_id, "S-K-1");
  EXPECT_EQ(by_reference[0].matched, "reference 01079193");
  std::vector<CaseHit> by_case = Search("S-K-2");
  ASSERT_EQ(by_case.size(), 1u);
  EXPECT_EQ(by_case[0].matched, "case S-K-2");
  std::vector<CaseHit> by_customer = Search("K-4");
  ASSERT_EQ(by_customer.size(), 1u);
  EXPECT_EQ(by_customer[0].case_id, "S-K-4");
  EXPECT_EQ(by_customer[0].matched, "customer K-4");
  std::vector<CaseHit> by_name = Search("nordmann");
  ASSERT_EQ(by_name.size(), 1u);  // two invoices, one case
  EXPECT_EQ(by_name[0].case_id, "S-K-1");
  EXPECT_EQ(by_name[0].matched, "name Kari Nordmann");
  EXPECT_TRUE(Search("F-9999").empty());
  EXPECT_TRUE(Search("").empty());
  EXPECT_EQ(Cases("F-2001"), Strings{"S-K-2"});
}

TEST_P(SearchTest, AtMostLimitHits) {
  EXPECT_EQ(Search("a", 20).size(), 0u);  // one character is too short for a name search
  EXPECT_EQ(Search("r", 20).size(), 0u);
  EXPECT_EQ(Cases("ER"), (Strings{"S-K-5", "S-K-3"}));  // case-insensitive, by name
  EXPECT_EQ(Search("er", 1).size(), 1u);
  EXPECT_TRUE(Search("er", 0).empty());
  EXPECT_TRUE(Search("er", -1).empty());
}

TEST_P(SearchTest, HostileTextIsMatchedLiterally) {
  EXPECT_TRUE(Search("' OR 1=1 --").empty());
  EXPECT_TRUE(Search("\" OR \"\"=\"").empty());
  EXPECT_TRUE(Search("'; DROP TABLE invoices; --").empty());
  EXPECT_TRUE(Search("%").empty());
  EXPECT_TRUE(Search("%%").empty());
  EXPECT_TRUE(Search("_").empty());
  EXPECT_TRUE(Search("__").empty());
  EXPECT_TRUE(Search("\\").empty());
  EXPECT_TRUE(Search("\\%").empty());
  EXPECT_TRUE(Search("i_N").empty());  // "Kari Nordmann" only if _ were a wildcard
  EXPECT_TRUE(Search("F-100_").empty());
  EXPECT_EQ(Cases("0% R"), Strings{"S-K-2"});
  EXPECT_EQ(Cases("r_s"), Strings{"S-K-3"});
  EXPECT_EQ(Cases("k\\s"), Strings{"S-K-4"});
  EXPECT_EQ(Cases("O'Brien"), Strings{"S-K-5"});
  MustRead([&](Txn& t) { EXPECT_EQ(t.InvoicesOfCase("S-K-1").size(), 2u); });  // all still there
}

// ---- The audit log ----

TEST_P(ReviewStoreTest, TheAuditLogIsReadNewestFirstBySubjectAndPaged) {
  Must([&](Txn& t) {
    t.Audit("purr/worker", "letter:1", {"link", "case.letter-linked", "KID", 90});
    t.Audit("purr/worker", "payment:p1", {"apply", "payment.auto", "exact", std::nullopt});
    t.AuditChange("kari", "letter:1", {"set_classes", "clerk.set_classes", "wrong", std::nullopt},
                  R"({"classes":["dispute"]})", R"({"classes":["complaint"]})");
    t.Audit("purr/worker", "case:S-1", {"hold", "case.halt-letter", "dispute", std::nullopt});
    t.Audit("kari", "letter:2", {"confirm", "clerk.confirm", "", std::nullopt});
  });
  MustRead([&](Txn& t) {
    EXPECT_EQ(t.AuditCount(), 5);
    std::vector<AuditRecord> all = t.AuditOf({}, 10, 0);
    ASSERT_EQ(all.size(), 5u);
    EXPECT_EQ(all[0].subject, "letter:2");
    EXPECT_EQ(all[4].subject, "letter:1");
    EXPECT_GT(all[0].id, all[1].id);
    EXPECT_EQ(all[4].score, 90);
    EXPECT_FALSE(all[3].score);
    EXPECT_EQ(all[4].before, "");  // Audit: no state before and after
    EXPECT_EQ(all[4].after, "");
    EXPECT_EQ(all[4].at, "2025-12-03T08:00:00.000Z");
    std::vector<AuditRecord> letter = t.AuditOf({"letter:1"}, 10, 0);
    ASSERT_EQ(letter.size(), 2u);
    EXPECT_EQ(letter[0].action, "set_classes");
    EXPECT_EQ(letter[0].actor, "kari");
    EXPECT_EQ(letter[0].rule_id, "clerk.set_classes");
    EXPECT_EQ(letter[0].reason, "wrong");
    EXPECT_EQ(letter[0].before, R"({"classes":["dispute"]})");
    EXPECT_EQ(letter[0].after, R"({"classes":["complaint"]})");
    EXPECT_EQ(letter[1].action, "link");
    std::vector<AuditRecord> two = t.AuditOf({"letter:1", "case:S-1", "letter:9"}, 2, 0);
    ASSERT_EQ(two.size(), 2u);
    EXPECT_EQ(two[0].subject, "case:S-1");
    EXPECT_EQ(two[1].action, "set_classes");
    std::vector<AuditRecord> rest = t.AuditOf({"letter:1", "case:S-1"}, 2, 2);
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_EQ(rest[0].action, "link");
    ASSERT_EQ(t.AuditOf({}, 2, 3).size(), 2u);
    EXPECT_EQ(t.AuditOf({}, 2, 3)[1].subject, "letter:1");
    EXPECT_TRUE(t.AuditOf({}, 2, 5).empty());
    EXPECT_TRUE(t.AuditOf({"letter:"}, 10, 0).empty());
    EXPECT_TRUE(t.AuditOf({"' OR 1=1 --"}, 10, 0).empty());
  });
  // The status page's full log has them too, oldest first.
  Result<std::vector<AuditRecord>> log = store_->AuditLog();
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 5u);
  EXPECT_EQ(log->at(0).subject, "letter:1");
}

// ---- Store::Read ----

TEST_P(ReviewStoreTest, AReadSeesWhatWasCommittedBeforeIt) {
  store_ = Open(1);  // one reader connection: every Read reuses it
  MustRead([&](Txn& t) { EXPECT_TRUE(t.Users().empty()); });
  Must([&](Txn& t) { t.PutUser(User("kari", "clerk")); });
  MustRead([&](Txn& t) {
    EXPECT_TRUE(t.GetUser("kari"));
    EXPECT_EQ(t.Users().size(), 1u);
  });
  Must([&](Txn& t) {
    UserRecord u = User("kari", "admin");
    t.PutUser(u);
    t.PutUser(User("anna", "clerk"));
  });
  MustRead([&](Txn& t) {
    std::optional<UserRecord> kari = t.GetUser("kari");
    ASSERT_TRUE(kari);
    EXPECT_EQ(kari->role, "admin");
    EXPECT_EQ(t.Users().size(), 2u);
  });
  // A rolled-back transaction is never seen.
  Status failed = store_->Transact([&](Txn& t) {
    t.PutUser(User("eve", "clerk"));
    t.SetPaymentDisposition("nope", "refund", 0);
  });
  EXPECT_FALSE(failed.ok());
  MustRead([&](Txn& t) { EXPECT_FALSE(t.GetUser("eve")); });
}

// Another process (here a second Store on the file) wrote between two transactions of this
// one: a lookup that stopped at its row must not pin this connection to the old snapshot.
TEST_P(ReviewStoreTest, TwoStoresOnOneFileSeeEachOthersCommitsAfterLookups) {
  std::unique_ptr<Store> other = Open();
  Must([&](Txn& t) { t.PutUser(User("kari", "clerk")); });
  Status looked = other->Transact([&](Txn& t) { EXPECT_TRUE(t.GetUser("kari")); });
  ASSERT_TRUE(looked.ok()) << looked.message();
  Must([&](Txn& t) { t.PutUser(User("anna", "clerk")); });
  Status wrote = other->Transact([&](Txn& t) {
    EXPECT_TRUE(t.GetUser("anna"));
    t.PutUser(User("lars", "clerk"));
  });
  EXPECT_TRUE(wrote.ok()) << wrote.message();
  Status read = other->Read([&](Txn& t) { EXPECT_TRUE(t.GetUser("kari")); });
  ASSERT_TRUE(read.ok()) << read.message();
  Must([&](Txn& t) { t.PutUser(User("kari", "admin")); });
  read = other->Read([&](Txn& t) { EXPECT_EQ(t.GetUser("kari")->role, "admin"); });
  EXPECT_TRUE(read.ok()) << read.message();
  MustRead([&](Txn& t) { EXPECT_EQ(t.Users().size(), 3u); });
}

TEST_P(ReviewStoreTest, AWriteInsideAReadFailsWithAStatus) {
  Status s = store_->Read([&](Txn& t) { t.PutUser(User("eve", "admin")); });
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(Path()), std::string::npos) << s.message();
  Status again = store_->Read([&](Txn& t) {
    t.AddFollowUp(FollowUp("case.needs-human", "", "", 3), 0, "");
  });
  EXPECT_FALSE(again.ok());
  // Nothing was written, and the reader connection still works.
  MustRead([&](Txn& t) {
    EXPECT_FALSE(t.GetUser("eve"));
    EXPECT_EQ(t.QueryFollowUps(FollowUpQuery()).total, 0);
  });
  Must([&](Txn& t) { EXPECT_FALSE(t.GetUser("eve")); });
}

TEST_P(ReviewStoreTest, AReadRunsWhileATransactionIsOpenInAnotherThread) {
  Must([&](Txn& t) { t.PutUser(User("kari", "clerk")); });
  std::promise<void> writing, may_commit;
  std::future<void> started = writing.get_future();
  std::shared_future<void> commit = may_commit.get_future().share();
  std::thread writer([&] {
    Status s = store_->Transact([&](Txn& t) {
      t.PutUser(User("anna", "clerk"));
      writing.set_value();
      commit.wait();
    });
    EXPECT_TRUE(s.ok()) << s.message();
  });
  started.wait();
  std::future<size_t> read = std::async(std::launch::async, [&] {
    size_t users = 0;
    Status s = store_->Read([&](Txn& t) { users = t.Users().size(); });
    EXPECT_TRUE(s.ok()) << s.message();
    return users;
  });
  const bool done = read.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  may_commit.set_value();  // even when the read hangs, so that the test ends
  writer.join();
  ASSERT_TRUE(done) << "the read waited for the writer's transaction";
  EXPECT_EQ(read.get(), 1u);  // the open transaction's user is not seen
  MustRead([&](Txn& t) { EXPECT_EQ(t.Users().size(), 2u); });
}

TEST_P(ReviewStoreTest, ManyReadsBesideManyWrites) {
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) {
    readers.emplace_back([&] {
      int64_t last = 0;
      while (!stop) {
        int64_t n = 0;
        Status s = store_->Read([&](Txn& t) { n = t.QueryFollowUps(FollowUpQuery()).total; });
        if (!s.ok() || n < last) ++failures;  // never fails, never goes back in time
        last = n;
      }
    });
  }
  for (int i = 0; i < 40; ++i) {
    Must([&](Txn& t) { t.AddFollowUp(FollowUp("case.needs-human", "", "", 3), 0, ""); });
  }
  stop = true;
  for (std::thread& r : readers) r.join();
  EXPECT_EQ(failures, 0);
  MustRead([&](Txn& t) { EXPECT_EQ(t.QueryFollowUps(FollowUpQuery()).total, 40); });
}

// ---- Migrations (the SQLite backend) ----

// A file as a purr with schema 1 left it: the first migration only, user_version 1.
void WriteSchemaOneStore(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec(internal::kMigrations[0]);
  db.exec("PRAGMA user_version = 1");
  db.exec(R"sql(
INSERT INTO customers(customer, name) VALUES ('K-1', 'Kari Nordmann');
INSERT INTO cases(case_id, customer) VALUES ('S-1', 'K-1');
INSERT INTO invoices(invoice, customer, case_id, reference, original_minor, open_minor,
  currency, status, customer_name, updated_at)
  VALUES ('F-1', 'K-1', 'S-1', '1234', 10000, 10000, 'NOK', 'open', 'Kari Nordmann',
  '2025-01-01T00:00:00.000Z');
INSERT INTO letters(id, sha256, file, source, received, stored_path, kind, language, classes,
  legal, jurisdiction, deadline, statute, needs_human, needs_human_reasons, classification,
  entities, model_version, rules_version, decision_rules_version, case_id, status, recorded_at)
  VALUES (7, 'sha-old', 'old.txt', 'letters', '2025-01-01T00:00:00.000Z', '/s/old', 'text',
  'nb', '["dispute"]', 'halt', 'NO', '2025-01-15', 'inkassoloven', 0, '[]', '{}', '{}',
  'model-0', 'rules-0', 'decisions-0', 'S-1', 'hold', '2025-01-01T00:00:00.000Z');
INSERT INTO letter_pages(letter_id, page, text, confidence) VALUES (7, 1, 'Jeg bestrider', 91.5);
INSERT INTO follow_ups(id, kind, reasons, deadline, priority, case_id, candidates, rule_id,
  letter_id, payment_id, status, created_at) VALUES
  (3, 'payment', '["unknown payer"]', '', 3, '', '["F-1"]', 'payment.follow-up', NULL,
   'p-old', 'open', '2025-01-01T00:00:00.000Z'),
  (4, 'letter', '["halt"]', '2025-01-15', 1, 'S-1', '[]', 'case.halt-letter', 7, '',
   'open', '2025-01-01T00:00:00.000Z'),
  (5, 'letter', '["done"]', '2025-01-20', 2, 'S-1', '[]', 'case.needs-human', 7, '',
   'resolved', '2025-01-01T00:00:00.000Z');
INSERT INTO payment_files(id, sha256, file, format, transactions, applied, duplicates,
  recorded_at) VALUES (1, 'sha-file', 'old.csv', 'csv:generic', 1, 0, 0, '2025-01-01');
INSERT INTO payments(payment_id, file_id, amount_minor, currency, booking_date, refs, text,
  payer, direction, reversal, decision, unapplied_minor, customer, case_id, reasons,
  candidates, recorded_at) VALUES ('p-old', 1, 5000, 'NOK', '2025-01-02', '[]', '', '',
  'credit', 0, 'follow_up', 5000, '', '', '[]', '[]', '2025-01-02T00:00:00.000Z');
INSERT INTO holds(case_id, letter_id, reason, rule_id, created_at)
  VALUES ('S-1', 7, 'dispute', 'case.halt-letter', '2025-01-01T00:00:00.000Z');
INSERT INTO audit(at, actor, subject, action, rule_id, reason, score)
  VALUES ('2025-01-01T00:00:00.000Z', 'purr/worker', 'letter:7', 'hold', 'case.halt-letter',
  'dispute', 88);
)sql");
}

TEST_P(ReviewStoreTest, ASchemaOneStoreMigratesAndKeepsItsRows) {
  if (postgres()) GTEST_SKIP() << "PostgreSQL stores begin at schema 3";
  store_.reset();
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  WriteSchemaOneStore(Path());
  store_ = Open();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(store_->schema_version(), CurrentSchemaVersion());
  EXPECT_EQ(CurrentSchemaVersion(), 4);
  MustRead([&](Txn& t) {
    // Schema 3: the letters recorded before are in the full-text index.
    Result<TextQuery> q = ParseTextQuery("bestrider");
    ASSERT_TRUE(q.ok());
    std::vector<LetterHit> hits = t.SearchLetters(*q, 10);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].letter_id, 7);
    EXPECT_EQ(hits[0].file, "old.txt");
  });
  MustRead([&](Txn& t) {
    // Follow-ups: the letter's classes, legal and language copied; new columns at defaults.
    std::optional<FollowUpRecord> halt = t.GetFollowUp(4);
    ASSERT_TRUE(halt);
    EXPECT_EQ(halt->classes, std::vector<std::string>{"dispute"});
    EXPECT_EQ(halt->legal, "halt");
    EXPECT_EQ(halt->language, "nb");
    EXPECT_EQ(halt->letter_file, "old.txt");
    EXPECT_EQ(halt->status, "open");
    EXPECT_EQ(halt->assignee, "");
    EXPECT_EQ(halt->resolved_by, "");
    EXPECT_EQ(halt->comment, "");
    EXPECT_EQ(halt->version, 1);
    std::optional<FollowUpRecord> payment = t.GetFollowUp(3);
    ASSERT_TRUE(payment);
    EXPECT_TRUE(payment->classes.empty());
    EXPECT_EQ(payment->legal, "");
    EXPECT_EQ(payment->payment_id, "p-old");
    EXPECT_EQ(payment->follow_up.candidates, std::vector<std::string>{"F-1"});
    EXPECT_EQ(t.GetFollowUp(5)->status, "resolved");
    // The due date was computed from the deadline: no deadline sorts last.
    EXPECT_EQ(IdsOf(t.QueryFollowUps(FollowUpQuery()).items), (Ids{4, 3}));
    FollowUpQuery overdue;
    overdue.overdue_before = "2025-02-01";
    EXPECT_EQ(IdsOf(t.QueryFollowUps(overdue).items), (Ids{4}));
    FollowUpQuery dispute;
    dispute.cls = "dispute";
    dispute.status = "";
    EXPECT_EQ(IdsOf(t.QueryFollowUps(dispute).items), (Ids{4, 5}));
    EXPECT_EQ(t.FollowUpGeneration(), 0);
    // Pages, payments, holds and the audit log with the new columns empty.
    std::optional<LetterRecord> letter = t.GetLetter(7);
    ASSERT_TRUE(letter);
    EXPECT_EQ(letter->classes, std::vector<std::string>{"dispute"});
    ASSERT_EQ(letter->pages.size(), 1u);
    EXPECT_EQ(letter->pages[0].text, "Jeg bestrider");
    EXPECT_DOUBLE_EQ(letter->pages[0].confidence, 91.5);
    EXPECT_EQ(letter->pages[0].words_json, "");
    EXPECT_EQ(letter->pages[0].image_path, "");
    EXPECT_EQ(letter->pages[0].width, 0);
    EXPECT_EQ(letter->pages[0].height, 0);
    EXPECT_DOUBLE_EQ(letter->pages[0].image_scale, 0);
    std::optional<PaymentRecord> p = t.GetPayment("p-old");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->disposition, "");
    EXPECT_EQ(p->unapplied_minor, 5000);
    std::vector<HoldRecord> holds = t.HoldsOf("S-1");
    ASSERT_EQ(holds.size(), 1u);
    EXPECT_EQ(holds[0].released_by, "");
    EXPECT_EQ(holds[0].letter_id, 7);
    std::vector<AuditRecord> audit = t.AuditOf({"letter:7"}, 10, 0);
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0].score, 88);
    EXPECT_EQ(audit[0].before, "");
    EXPECT_EQ(audit[0].after, "");
    EXPECT_EQ(t.GetCase("S-1")->flag, "hold");
    EXPECT_EQ(t.SearchCases("1234", 10).size(), 1u);
  });
  // The new tables work, and the generation counter is there to raise.
  Must([&](Txn& t) {
    t.PutUser(User("kari", "admin"));
    t.InsertSession(Session("h1", "kari", 1));
    t.SetLetterClasses(7, {"complaint"});
    t.ReleaseHold(t.HoldsOf("S-1")[0].id, "kari");
  });
  MustRead([&](Txn& t) {
    EXPECT_GT(t.FollowUpGeneration(), 0);
    EXPECT_EQ(t.GetFollowUp(4)->classes, std::vector<std::string>{"complaint"});
    EXPECT_EQ(t.HoldsOf("S-1")[0].released_by, "kari");
  });
  // Reopening does not migrate again.
  store_ = Open();
  ASSERT_NE(store_, nullptr);
  MustRead([&](Txn& t) { EXPECT_TRUE(t.GetSession("h1")); });
}

TEST_P(ReviewStoreTest, AStoreNewerThanThisPurrIsRefused) {
  store_.reset();
  if (postgres()) {
    backends::PostgresExec(Path(), "UPDATE purr_schema SET version = " +
                                       std::to_string(CurrentSchemaVersion() + 1));
  } else {
    SQLite::Database db(Path(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA user_version = " + std::to_string(CurrentSchemaVersion() + 1));
  }
  StoreOptions options;
  options.path = Path();
  Result<std::unique_ptr<Store>> s = OpenStore(options);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("newer"), std::string::npos) << s.status().message();
}


PURR_STORE_BACKENDS(ReviewStoreTest);
PURR_STORE_BACKENDS(SearchTest);

}  // namespace
}  // namespace purr::store
