// Several stores on one database at once, as several purr processes or hosts use it: each
// job claimed once, no invoice allocated beyond its amount, migrations applied once, and (on
// PostgreSQL) a connection the server dropped made again.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "store/store.h"
#include "tests/store/backend.h"

namespace purr::store {
namespace {

namespace fs = std::filesystem;

class SharedStoreTest : public ::testing::TestWithParam<backends::Backend> {
 protected:
  void SetUp() override {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("purr_shared_store_test_" + std::to_string(getpid()) +
                                        "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    location_ = std::make_unique<backends::StoreLocation>(GetParam(), dir_);
  }
  void TearDown() override {
    location_.reset();
    fs::remove_all(dir_);
  }
  bool postgres() const { return GetParam() == backends::Backend::kPostgres; }
  std::unique_ptr<Store> Open() {
    StoreOptions options;
    options.path = location_->path();
    options.busy_timeout_ms = 20000;
    Result<std::unique_ptr<Store>> s = OpenStore(options);
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? std::move(*s) : nullptr;
  }
  static InvoiceRecord Invoice(const std::string& number, int64_t amount) {
    InvoiceRecord r;
    r.invoice = number;
    r.customer = "K-1";
    r.case_id = "S-1";
    r.original_minor = amount;
    r.open_minor = amount;
    r.currency = "NOK";
    r.status = "open";
    return r;
  }

  fs::path dir_;
  std::unique_ptr<backends::StoreLocation> location_;
};

TEST_P(SharedStoreTest, StoresOpeningTogetherMigrateOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> opened{0};
  std::mutex mu;
  std::vector<std::string> errors;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      StoreOptions options;
      options.path = location_->path();
      options.busy_timeout_ms = 20000;
      Result<std::unique_ptr<Store>> s = OpenStore(options);
      if (s.ok() && (*s)->schema_version() == CurrentSchemaVersion()) {
        ++opened;
      } else {
        std::lock_guard<std::mutex> lock(mu);
        errors.push_back(s.ok() ? "old schema" : s.status().message());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(opened, 4) << (errors.empty() ? "" : errors.front());
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->Ping().ok());
}

// Three "hosts", two claiming threads each, 150 jobs: every job done by exactly one.
TEST_P(SharedStoreTest, EveryJobIsClaimedByOneStoreOnly) {
  std::vector<std::unique_ptr<Store>> hosts;
  for (int i = 0; i < 3; ++i) hosts.push_back(Open());
  for (const auto& h : hosts) ASSERT_NE(h, nullptr);
  constexpr int kJobs = 150;
  for (int i = 0; i < kJobs; ++i) {
    ASSERT_TRUE(hosts[i % 3]->EnqueueJob("letter", "work/" + std::to_string(i), "l", "").ok());
  }
  std::mutex mu;
  std::multiset<int64_t> claimed;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      Store& host = *hosts[t % 3];
      const std::string owner = "host" + std::to_string(t % 3) + "/" + std::to_string(t);
      while (true) {
        Result<std::optional<Job>> job = host.ClaimJob("letter", owner, 600000);
        if (!job.ok()) {
          ++errors;  // a lock not obtained in time: try again, as the daemon does
          continue;
        }
        if (!*job) break;
        Status done = host.Transact([&](Txn& txn) { txn.FinishJob((*job)->id, "processed"); });
        if (!done.ok()) ++errors;
        std::lock_guard<std::mutex> lock(mu);
        claimed.insert((*job)->id);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(claimed.size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(std::set<int64_t>(claimed.begin(), claimed.end()).size(), claimed.size())
      << "a job was claimed twice";
  Result<std::vector<QueueCount>> counts = hosts[0]->QueueCounts();
  ASSERT_TRUE(counts.ok());
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_EQ((*counts)[0].state, "done");
  EXPECT_EQ((*counts)[0].count, kJobs);
  EXPECT_LE(errors, 0) << "claims or commits that failed and were retried";
}

// Two stores allocate payments of 700 to one invoice of 10,000 at once: 14 fit, the rest are
// refused whole, and the open amount plus the allocations is the original amount.
TEST_P(SharedStoreTest, ConcurrentAllocationsNeverExceedTheOpenAmount) {
  std::unique_ptr<Store> a = Open(), b = Open();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  int64_t file_id = 0;
  ASSERT_TRUE(a->Transact([&](Txn& t) {
                 t.PutInvoice(Invoice("F-1", 10000));
                 file_id = t.InsertPaymentFile({0, "sha", "f.csv", "csv:generic", 40, 0, 0});
               }).ok());
  std::atomic<int> applied{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Store& host = t % 2 ? *b : *a;
      for (int i = 0; i < 10; ++i) {
        const std::string id = "p" + std::to_string(t) + "-" + std::to_string(i);
        Status s = host.Transact([&](Txn& txn) {
          PaymentRecord p;
          p.payment_id = id;
          p.file_id = file_id;
          p.amount_minor = 700;
          p.currency = "NOK";
          p.booking_date = "2026-12-01";
          p.direction = "credit";
          p.decision = "auto";
          txn.InsertPayment(p);
          txn.AddAllocation(id, "F-1", 700);
        });
        if (s.ok()) {
          ++applied;
        } else if (s.message().find("exceeds its open amount") != std::string::npos) {
          ++refused;
        } else {
          ++other;
          ADD_FAILURE() << s.message();
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(applied, 14);
  EXPECT_EQ(refused + other, 26);
  Result<std::vector<InvoiceRecord>> invoices = a->Invoices();
  ASSERT_TRUE(invoices.ok());
  ASSERT_EQ(invoices->size(), 1u);
  Result<std::vector<PaymentRecord>> payments = b->Payments();
  ASSERT_TRUE(payments.ok());
  int64_t allocated = 0;
  for (const PaymentRecord& p : *payments) {
    for (const AllocationRecord& x : p.allocations) allocated += x.amount_minor;
  }
  EXPECT_EQ((*invoices)[0].open_minor + allocated, 10000);
  EXPECT_EQ((*invoices)[0].open_minor, 10000 - 14 * 700);
  EXPECT_EQ(payments->size(), 14u);  // a refused payment rolled back whole
}

TEST_P(SharedStoreTest, ALostConnectionIsMadeAgainByTheNextCall) {
  if (!postgres()) GTEST_SKIP() << "a SQLite file has no connection to lose";
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Transact([&](Txn& t) { t.PutInvoice(Invoice("F-1", 100)); }).ok());
  ASSERT_TRUE(store->Read([&](Txn& t) { EXPECT_TRUE(t.GetInvoice("F-1")); }).ok());
  // The server ends every other session on this database (a restart, a failover).
  backends::PostgresExec(location_->path(),
                         "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                         "datname = current_database() AND pid <> pg_backend_pid()");
  // The first call on each connection may fail with a clear error; the next one works.
  Status first = store->Transact([&](Txn& t) { t.PutInvoice(Invoice("F-2", 100)); });
  if (!first.ok()) {
    EXPECT_NE(first.message().find("connection"), std::string::npos) << first.message();
  }
  Status second = store->Transact([&](Txn& t) {
    if (!t.GetInvoice("F-2")) t.PutInvoice(Invoice("F-2", 100));
  });
  EXPECT_TRUE(second.ok()) << second.message();
  Status read = store->Read([&](Txn& t) { EXPECT_TRUE(t.GetInvoice("F-1")); });
  if (!read.ok()) read = store->Read([&](Txn& t) { EXPECT_TRUE(t.GetInvoice("F-1")); });
  EXPECT_TRUE(read.ok()) << read.message();
  Result<std::vector<InvoiceRecord>> all = store->Invoices();
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(all->size(), 2u);
}

TEST(StoreUrlTest, PostgresUrlsAndTheirPasswordsMasked) {
  EXPECT_TRUE(IsStoreUrl("postgresql://db.example/purr"));
  EXPECT_TRUE(IsStoreUrl("postgres://db.example/purr"));
  EXPECT_FALSE(IsStoreUrl("/var/lib/purr/purr.sqlite"));
  EXPECT_FALSE(IsStoreUrl("purr.sqlite"));
  EXPECT_EQ(StoreDisplayName("postgresql://purr:s3cret@db.example:5432/purr"),
            "postgresql://purr:***@db.example:5432/purr");
  EXPECT_EQ(StoreDisplayName("postgresql://purr@db.example/purr?password=s3cret&sslmode=require"),
            "postgresql://purr@db.example/purr?password=***&sslmode=require");
  EXPECT_EQ(StoreDisplayName("postgresql:///purr?host=/run/pg"), "postgresql:///purr?host=/run/pg");
  EXPECT_EQ(StoreDisplayName("/var/lib/purr/purr.sqlite"), "/var/lib/purr/purr.sqlite");
}

PURR_STORE_BACKENDS(SharedStoreTest);

}  // namespace
}  // namespace purr::store
