// The store through its interface only: a real SQLite file in a temporary folder.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "store/store.h"
#include "tests/store/backend.h"

namespace purr::store {
namespace {

namespace fs = std::filesystem;

class StoreTest : public ::testing::TestWithParam<backends::Backend> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("purr_store_test_" + std::to_string(getpid()) + "_" +
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
  bool postgres() const { return GetParam() == backends::Backend::kPostgres; }
  std::unique_ptr<Store> Open() {
    StoreOptions options;
    options.path = location_->path();
    options.now_ms = [this] { return now_ms_.load(); };
    Result<std::unique_ptr<Store>> s = OpenStore(options);
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? std::move(*s) : nullptr;
  }
  static InvoiceRecord Invoice(const std::string& number, const std::string& customer,
                               int64_t amount, bool blocking = false) {
    InvoiceRecord r;
    r.invoice = number;
    r.customer = customer;
    r.case_id = "S-" + customer;
    r.reference = "ref-" + number;
    r.original_minor = amount;
    r.open_minor = amount;
    r.currency = "NOK";
    r.status = "open";
    r.blocking = blocking;
    r.customer_name = "Name " + customer;
    return r;
  }
  void Must(const std::function<void(Txn&)>& fn) {
    Status s = store_->Transact(fn);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  PaymentRecord Payment(const std::string& id, int64_t amount) {
    PaymentRecord p;
    p.payment_id = id;
    p.file_id = file_id_;
    p.amount_minor = amount;
    p.currency = "NOK";
    p.booking_date = "2026-12-01";
    p.direction = "credit";
    p.decision = "auto";
    return p;
  }
  void AddFile() {
    Must([&](Txn& t) { file_id_ = t.InsertPaymentFile({0, "sha-file", "f.csv", "csv:generic", 1, 0, 0}); });
  }

  fs::path dir_;
  std::unique_ptr<backends::StoreLocation> location_;
  std::atomic<int64_t> now_ms_{1764748800000};  // 2025-12-03T08:00:00Z
  std::unique_ptr<Store> store_;
  int64_t file_id_ = 0;
};

TEST_P(StoreTest, OpensWithTheNewestSchemaAndReopens) {
  EXPECT_EQ(store_->schema_version(), CurrentSchemaVersion());
  store_.reset();
  store_ = Open();
  ASSERT_NE(store_, nullptr);
  EXPECT_TRUE(store_->Ping().ok());
}

TEST_P(StoreTest, RefusesAFileThatIsNotAStore) {
  StoreOptions o;
  if (postgres()) {
    // A database of some other program's tables.
    o.path = location_->Another("other");
    backends::PostgresExec(o.path, "CREATE TABLE customers (id INTEGER)");
  } else {
    o.path = (dir_ / "plain.txt").string();
    std::ofstream(o.path) << "not a database at all, just some text that is long enough";
  }
  Result<std::unique_ptr<Store>> s = OpenStore(o);
  ASSERT_FALSE(s.ok());
  if (postgres()) {
    EXPECT_NE(s.status().message().find("not a purr store"), std::string::npos)
        << s.status().message();
  }
}

TEST_P(StoreTest, AnUnreachableStoreIsAClearError) {
  StoreOptions o;
  o.path = postgres() ? "postgresql://purr:secret@/purr_absent?host=/nonexistent&port=1"
                      : (dir_ / "no" / "such" / "folder" / "purr.sqlite").string();
  Result<std::unique_ptr<Store>> s = OpenStore(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("cannot open the store"), std::string::npos)
      << s.status().message();
  // The password never reaches a message.
  EXPECT_EQ(s.status().message().find("secret"), std::string::npos) << s.status().message();
}

TEST_P(StoreTest, InvoicesRoundTrip) {
  Must([&](Txn& t) {
    InvoiceRecord r = Invoice("F-1", "K-1", 49900, true);
    r.payer_accounts = {"NO9386011117947", "quote \" back\\slash", "tab\tnew\nline", "ø å ä €", ""};
    t.PutInvoice(r);
  });
  Must([&](Txn& t) {
    std::optional<InvoiceRecord> r = t.GetInvoice("F-1");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->customer, "K-1");
    EXPECT_EQ(r->case_id, "S-K-1");
    EXPECT_EQ(r->open_minor, 49900);
    EXPECT_TRUE(r->blocking);
    EXPECT_EQ(r->payer_accounts,
              (std::vector<std::string>{"NO9386011117947", "quote \" back\\slash",
                                        "tab\tnew\nline", "ø å ä €", ""}));
    EXPECT_FALSE(t.GetInvoice("F-2"));
  });
}

TEST_P(StoreTest, AllocationLowersTheOpenAmountAndPaysTheInvoiceAtZero) {
  Must([&](Txn& t) { t.PutInvoice(Invoice("F-1", "K-1", 10000)); });
  AddFile();
  Must([&](Txn& t) {
    t.InsertPayment(Payment("p1", 4000));
    t.AddAllocation("p1", "F-1", 4000);
    t.InsertPayment(Payment("p2", 6000));
    t.AddAllocation("p2", "F-1", 6000);
  });
  Result<std::vector<InvoiceRecord>> invoices = store_->Invoices();
  ASSERT_TRUE(invoices.ok());
  EXPECT_EQ(invoices->at(0).open_minor, 0);
  EXPECT_EQ(invoices->at(0).status, "paid");
  Result<std::vector<PaymentRecord>> payments = store_->Payments();
  ASSERT_TRUE(payments.ok());
  ASSERT_EQ(payments->size(), 2u);
  EXPECT_EQ(payments->at(1).allocations.at(0).amount_minor, 6000);
}

TEST_P(StoreTest, AnAllocationAboveTheOpenAmountRollsTheWholeTransactionBack) {
  Must([&](Txn& t) { t.PutInvoice(Invoice("F-1", "K-1", 10000)); });
  AddFile();
  Status s = store_->Transact([&](Txn& t) {
    t.InsertPayment(Payment("p1", 20000));
    t.AddAllocation("p1", "F-1", 20000);
  });
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("exceeds its open amount"), std::string::npos);
  Must([&](Txn& t) { EXPECT_FALSE(t.HasPayment("p1")); });
}

TEST_P(StoreTest, APaymentIdIsRecordedOnce) {
  AddFile();
  Must([&](Txn& t) { t.InsertPayment(Payment("p1", 100)); });
  Status again = store_->Transact([&](Txn& t) { t.InsertPayment(Payment("p1", 100)); });
  EXPECT_FALSE(again.ok());
  Must([&](Txn& t) { EXPECT_TRUE(t.HasPayment("p1")); });
}

TEST_P(StoreTest, EventsAreWrittenOncePerIdempotencyKey) {
  EventRecord e;
  e.event_id = "evt-1";
  e.idempotency_key = "reactivate:K-1:p1";
  e.type = "reactivation";
  e.customer = "K-1";
  e.at = "2026-12-01T00:00:00.000Z";
  e.body_json = "{}";
  Must([&](Txn& t) { EXPECT_TRUE(t.AddEvent(e)); });
  e.event_id = "evt-2";
  Must([&](Txn& t) { EXPECT_FALSE(t.AddEvent(e)); });
  Result<std::vector<EventRecord>> events = store_->Events();
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 1u);
  Result<std::vector<EventRecord>> pending = store_->UndeliveredEvents("webhook", "9999");
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->size(), 1u);
  EXPECT_TRUE(store_->MarkDeliveryFailed("evt-1", "HTTP 500", "2026-12-01T00:00:10.000Z").ok());
  EXPECT_TRUE(store_->UndeliveredEvents("webhook", "2026-12-01T00:00:05.000Z")->empty());
  EXPECT_EQ(store_->UndeliveredEvents("webhook", "2026-12-01T00:00:11.000Z")->size(), 1u);
  EXPECT_TRUE(store_->MarkDelivered({"evt-1"}, "webhook").ok());
  EXPECT_TRUE(store_->UndeliveredEvents("webhook", "9999")->empty());
  EXPECT_EQ(store_->UndeliveredEvents("file", "")->size(), 1u);
}

TEST_P(StoreTest, TheAuditLogIsAppendOnly) {
  Must([&](Txn& t) { t.Audit("purr/test", "case:S-1", {"hold", "case.halt-letter", "why", 90}); });
  Result<std::vector<AuditRecord>> log = store_->AuditLog();
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ(log->at(0).rule_id, "case.halt-letter");
  EXPECT_EQ(log->at(0).score, 90);
  // No interface method edits or deletes an entry; the SQLite schema also refuses UPDATE
  // and DELETE on the table with triggers.
}

TEST_P(StoreTest, AClaimedJobIsLeasedAndTakenAgainWhenTheLeaseRunsOut) {
  Result<int64_t> id = store_->EnqueueJob("letter", "/w/1-a.txt", "a.txt", "2026-12-01T00:00:00.000Z");
  ASSERT_TRUE(id.ok());
  Result<std::optional<Job>> first = store_->ClaimJob("letter", "host:1", 1000);
  ASSERT_TRUE(first.ok() && *first);
  EXPECT_EQ((*first)->attempts, 1);
  EXPECT_FALSE(*store_->ClaimJob("letter", "host:2", 1000));
  EXPECT_FALSE(*store_->ClaimJob("payments", "host:2", 1000));
  now_ms_ += 1001;
  Result<std::optional<Job>> second = store_->ClaimJob("letter", "host:2", 1000);
  ASSERT_TRUE(second.ok() && *second);
  EXPECT_EQ((*second)->attempts, 2);
  Must([&](Txn& t) { t.FinishJob(*id, "processed"); });
  now_ms_ += 5000;
  EXPECT_FALSE(*store_->ClaimJob("letter", "host:3", 1000));
}

TEST_P(StoreTest, APaymentFileWaitsForTheLettersThatArrivedBeforeIt) {
  Result<int64_t> letter = store_->EnqueueJob("letter", "/w/1-l.txt", "l.txt", "t");
  Result<int64_t> payments = store_->EnqueueJob("payments", "/w/2-p.csv", "p.csv", "t");
  ASSERT_TRUE(letter.ok() && payments.ok());
  EXPECT_FALSE(*store_->ClaimJob("payments", "h", 1000, "letter"));
  EXPECT_TRUE(*store_->ClaimJob("letter", "h", 1000));
  EXPECT_FALSE(*store_->ClaimJob("payments", "h", 1000, "letter"));  // still running
  Must([&](Txn& t) { t.FinishJob(*letter, "processed"); });
  EXPECT_TRUE(*store_->ClaimJob("payments", "h", 1000, "letter"));
  // A letter that came later does not hold a payment file back.
  Result<int64_t> later = store_->EnqueueJob("payments", "/w/3-p.csv", "p2.csv", "t");
  Result<int64_t> late_letter = store_->EnqueueJob("letter", "/w/4-l.txt", "l2.txt", "t");
  ASSERT_TRUE(later.ok() && late_letter.ok());
  EXPECT_TRUE(*store_->ClaimJob("payments", "h", 1000, "letter"));
}

TEST_P(StoreTest, AJobThatFailsMaxAttemptsTimesFails) {
  Result<int64_t> id = store_->EnqueueJob("payments", "/w/1-b.xml", "b.xml", "t");
  ASSERT_TRUE(id.ok());
  for (int attempt = 1; attempt <= 3; ++attempt) {
    Result<std::optional<Job>> job = store_->ClaimJob("payments", "h", 1000);
    ASSERT_TRUE(job.ok() && *job) << attempt;
    Result<bool> failed = store_->FailJob(*id, "store busy", 3);
    ASSERT_TRUE(failed.ok());
    EXPECT_EQ(*failed, attempt == 3);
  }
  EXPECT_FALSE(*store_->ClaimJob("payments", "h", 1000));
  Result<std::vector<Job>> failed = store_->JobsInState("failed");
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ(failed->at(0).last_error, "store busy");
}

TEST_P(StoreTest, ReleasingAJobCountsTheAttemptOnlyWhenAsked) {
  Result<int64_t> id = store_->EnqueueJob("letter", "/w/1-c.txt", "c.txt", "t");
  ASSERT_TRUE(store_->ClaimJob("letter", "h", 60000).ok());
  ASSERT_TRUE(store_->ReleaseJob(*id, false).ok());
  EXPECT_EQ((*store_->ClaimJob("letter", "h", 60000))->attempts, 1);
  ASSERT_TRUE(store_->ReleaseJob(*id, true).ok());
  EXPECT_EQ((*store_->ClaimJob("letter", "h", 60000))->attempts, 2);
}

TEST_P(StoreTest, LettersHoldsAndFollowUpsMakeTheCaseFlag) {
  Must([&](Txn& t) {
    t.PutInvoice(Invoice("F-1", "K-1", 100));
    t.PutInvoice(Invoice("F-2", "K-2", 100));
    LetterRecord l;
    l.sha256 = "abc";
    l.file = "dispute.txt";
    l.classes = {"dispute"};
    l.legal = "halt";
    l.case_id = "S-K-1";
    l.status = "hold";
    l.pages.resize(1);
    l.pages[0].page = 1;
    l.pages[0].text = "text";
    l.pages[0].confidence = -1;
    const int64_t id = t.InsertLetter(l);
    t.AddHold({"S-K-1", "dispute", "case.halt-letter"}, id);
    cases::FollowUp f;
    f.kind = "letter";
    f.case_id = "S-K-1";
    f.reasons = {"halt letter"};
    f.deadline = "2026-12-15";
    f.rule_id = "case.halt-letter";
    t.AddFollowUp(f, id, "");
    EXPECT_EQ(t.FindLetter("abc"), id);
    EXPECT_EQ(t.HeldCases("K-1"), std::vector<std::string>{"S-K-1"});
    EXPECT_TRUE(t.HeldCases("K-2").empty());
  });
  Result<std::vector<CaseRecord>> cases = store_->Cases();
  ASSERT_TRUE(cases.ok());
  ASSERT_EQ(cases->size(), 2u);
  EXPECT_EQ(cases->at(0).flag, "hold");
  EXPECT_EQ(cases->at(0).letters.size(), 1u);
  EXPECT_EQ(cases->at(1).flag, "open");
  Result<std::vector<FollowUpRecord>> items = store_->FollowUps(true);
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ(items->at(0).letter_file, "dispute.txt");
  EXPECT_EQ(items->at(0).follow_up.deadline, "2026-12-15");
}

TEST_P(StoreTest, WaitingProofsAndBookedPayments) {
  Must([&](Txn& t) { t.PutInvoice(Invoice("F-1", "K-1", 10000)); });
  AddFile();
  Must([&](Txn& t) {
    LetterRecord l;
    l.sha256 = "proof";
    l.file = "paid.txt";
    l.case_id = "S-K-1";
    l.status = "waiting_payment";
    l.proof_wait_until = "2026-12-04";
    t.InsertLetter(l);
    t.InsertPayment(Payment("p1", 10000));
    t.AddAllocation("p1", "F-1", 10000);
  });
  Must([&](Txn& t) {
    std::vector<cases::WaitingProof> waiting = t.WaitingProofs("S-K-1");
    ASSERT_EQ(waiting.size(), 1u);
    EXPECT_EQ(waiting[0].wait_until, "2026-12-04");
    std::vector<cases::BookedPayment> booked = t.BookedPayments({"S-K-1"}, "2026-11-01");
    ASSERT_EQ(booked.size(), 1u);
    EXPECT_EQ(booked[0].payment_id, "p1");
    EXPECT_TRUE(t.BookedPayments({"S-K-1"}, "2026-12-02").empty());
    t.UpdateLetter(waiting[0].letter_id, "linked", "S-K-1", "p1");
    EXPECT_TRUE(t.WaitingProofs("").empty());
  });
}

TEST_P(StoreTest, GenerationsTellImportsFromAllocations) {
  int64_t ledger0 = 0, ids0 = 0;
  Must([&](Txn& t) {
    ledger0 = t.LedgerGeneration();
    ids0 = t.IdentifierGeneration();
    t.PutInvoice(Invoice("F-1", "K-1", 10000));
  });
  AddFile();
  Must([&](Txn& t) {
    EXPECT_EQ(t.LedgerGeneration(), ledger0 + 1);
    EXPECT_EQ(t.IdentifierGeneration(), ids0 + 1);
    t.InsertPayment(Payment("p1", 100));
    t.AddAllocation("p1", "F-1", 100);
  });
  Must([&](Txn& t) {
    EXPECT_EQ(t.LedgerGeneration(), ledger0 + 2);
    EXPECT_EQ(t.IdentifierGeneration(), ids0 + 1);
  });
}

TEST_P(StoreTest, TwoConnectionsSeeEachOthersCommits) {
  std::unique_ptr<Store> other = Open();
  Must([&](Txn& t) { t.PutInvoice(Invoice("F-1", "K-1", 100)); });
  Result<std::vector<InvoiceRecord>> seen = other->Invoices();
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->size(), 1u);
}

TEST_P(StoreTest, ALeaseIsHeldByOneOwnerUntilItRunsOutOrIsReleased) {
  std::unique_ptr<Store> other = Open();  // another process on the same store
  EXPECT_EQ(*store_->LeaseOwner("outbox"), "");
  EXPECT_TRUE(*store_->TakeLease("outbox", "a:1", 10000));
  EXPECT_FALSE(*other->TakeLease("outbox", "b:2", 10000));
  EXPECT_TRUE(*store_->TakeLease("outbox", "a:1", 10000));  // renewed
  EXPECT_EQ(*other->LeaseOwner("outbox"), "a:1");
  now_ms_ += 9999;
  EXPECT_FALSE(*other->TakeLease("outbox", "b:2", 10000));
  now_ms_ += 2;
  EXPECT_TRUE(*other->TakeLease("outbox", "b:2", 10000));  // a's ran out
  EXPECT_FALSE(*store_->TakeLease("outbox", "a:1", 10000));
  EXPECT_TRUE(store_->ReleaseLease("outbox", "a:1").ok());  // not a's: nothing happens
  EXPECT_EQ(*store_->LeaseOwner("outbox"), "b:2");
  EXPECT_TRUE(other->ReleaseLease("outbox", "b:2").ok());
  EXPECT_TRUE(*store_->TakeLease("outbox", "a:1", 10000));
  EXPECT_TRUE(*store_->TakeLease("other-task", "b:2", 10000));  // leases are by name
}

TEST_P(StoreTest, ConcurrentTransactionsFromManyThreadsAllCommit) {
  AddFile();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < 25; ++j) {
        Status s = store_->Transact([&](Txn& t) {
          t.InsertPayment(Payment("p" + std::to_string(i) + "-" + std::to_string(j), 1));
        });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(store_->Payments()->size(), 100u);
}


PURR_STORE_BACKENDS(StoreTest);

}  // namespace
}  // namespace purr::store
