// purr run end to end: the real binary on temporary folders and a real SQLite file, the
// bundled demo inbox (fixtures/demo), a webhook receiver on 127.0.0.1, and SIGKILL at
// random moments. With PURR_TEST_STORE=postgresql every installation's store is a fresh
// database on the tests' PostgreSQL cluster instead (ctest runs the demo inbox, the ledger
// and the crash tests so too, as Postgres.*).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/SHA2Engine.h>
#include <Poco/DigestEngine.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "tests/store/backend.h"
#include "tests/worker/local_http.h"
#include "tests/worker/run_purr.h"

namespace purr::testing {
namespace {

namespace fs = std::filesystem;
using Poco::JSON::Array;
using Poco::JSON::Object;

size_t CountFiles(const fs::path& dir, const std::string& suffix_to_skip = ".reason") {
  size_t n = 0;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return 0;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string name = it->path().filename().string();
    if (name.size() >= suffix_to_skip.size() &&
        name.compare(name.size() - suffix_to_skip.size(), suffix_to_skip.size(), suffix_to_skip) == 0) {
      continue;
    }
    ++n;
  }
  return n;
}

// A folder with purr.conf, inboxes and the bundled ledger imported.
class Installation {
 public:
  // `sqlite`: a SQLite store whatever PURR_TEST_STORE says.
  explicit Installation(const std::string& name, const std::string& extra_config = "",
                        bool sqlite = false) {
    root_ = fs::temp_directory_path() / ("purr_daemon_" + name + "_" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "inbox" / "letters");
    fs::create_directories(root_ / "inbox" / "payments");
    std::string db = "purr.sqlite";
    if (!sqlite && store::backends::PostgresRequested()) {
      location_ = std::make_unique<store::backends::StoreLocation>(
          store::backends::Backend::kPostgres, root_);
      db = location_->path();
      ::setenv("OMP_THREAD_LIMIT", "1", 0);  // as ctest sets it for the SQLite runs
    }
    std::ofstream conf(config());
    conf << "purr.db = " << db << "\n"
            "purr.rules = " << PURR_SOURCE_DIR << "/rules\n"
            "purr.workers = 2\n"
            "purr.poll_interval_ms = 50\n"
            "purr.job.lease_ms = 5000\n"
            "purr.http.address =\n"
            "purr.outbox.file = events.jsonl\n"
         << extra_config;
  }
  ~Installation() { fs::remove_all(root_); }
  std::string config() const { return (root_ / "purr.conf").string(); }
  fs::path path(const std::string& relative) const { return root_ / relative; }
  PurrRun Purr(const std::string& command, std::vector<std::string> more = {}) const {
    std::vector<std::string> args = {command, "--config", config()};
    if (command == "invoices" && !more.empty() && more[0] == "import") {
      args = {"invoices", "import", "--config", config()};
      more.erase(more.begin());
    }
    args.insert(args.end(), more.begin(), more.end());
    return RunPurr(args);
  }
  std::vector<Object::Ptr> Json(const std::string& command) const {
    PurrRun run = Purr(command, {"--json"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return JsonLines(run.out);
  }
  void DropLetter(const std::string& from, const std::string& as = "") const {
    Drop(from, root_ / "inbox" / "letters" / (as.empty() ? fs::path(from).filename().string() : as));
  }
  void DropPayments(const std::string& from, const std::string& as = "") const {
    Drop(from, root_ / "inbox" / "payments" / (as.empty() ? fs::path(from).filename().string() : as));
  }
  // Written under a temporary name and renamed, as a well-behaved producer does.
  static void Drop(const fs::path& from, const fs::path& to) {
    fs::path tmp = to;
    tmp += ".part";
    fs::copy_file(from, tmp, fs::copy_options::overwrite_existing);
    fs::rename(tmp, to);
  }
  PurrRun RunUntilIdle() const { return Purr("run", {"--until-idle"}); }

 private:
  fs::path root_;
  std::unique_ptr<store::backends::StoreLocation> location_;  // PostgreSQL only
};

const std::string kDemo = std::string(PURR_SOURCE_DIR) + "/fixtures/demo";

class DemoInbox : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    install_ = new Installation("demo");
    PurrRun import = install_->Purr("invoices", {"import", kDemo + "/ledger.csv"});
    ASSERT_EQ(import.exit_code, 0) << import.err;
    for (const auto& entry : fs::directory_iterator(kDemo + "/inbox/letters")) {
      install_->DropLetter(entry.path().string());
    }
    for (const auto& entry : fs::directory_iterator(kDemo + "/inbox/payments")) {
      install_->DropPayments(entry.path().string());
    }
    run_ = new PurrRun(install_->RunUntilIdle());
    // The next delivery, as scripts/demo.sh makes it.
    for (const auto& entry : fs::directory_iterator(kDemo + "/inbox2/letters")) {
      install_->DropLetter(entry.path().string());
    }
    const fs::path late = install_->path("inbox/letters/nb_berg_betalt_november.txt");
    struct timespec times[2] = {{1794301200, 0}, {1794301200, 0}};  // 2026-11-10T09:00Z
    ::utimensat(AT_FDCWD, late.c_str(), times, 0);
    for (const auto& entry : fs::directory_iterator(kDemo + "/inbox2/payments")) {
      install_->DropPayments(entry.path().string());
    }
    second_ = new PurrRun(install_->RunUntilIdle());
  }
  static void TearDownTestSuite() {
    delete second_;
    delete run_;
    delete install_;
  }
  static Object::Ptr Letter(const std::string& file) {
    for (const Object::Ptr& l : install_->Json("letters")) {
      if (l->getValue<std::string>("file") == file) return l;
    }
    return nullptr;
  }
  static Installation* install_;
  static PurrRun* run_;     // the first delivery (fixtures/demo/inbox)
  static PurrRun* second_;  // the next one (fixtures/demo/inbox2) on the same store
};
Installation* DemoInbox::install_ = nullptr;
PurrRun* DemoInbox::run_ = nullptr;
PurrRun* DemoInbox::second_ = nullptr;

TEST_F(DemoInbox, RunsUntilIdleAndExitsZero) {
  EXPECT_EQ(run_->exit_code, 0) << run_->err;
  EXPECT_EQ(second_->exit_code, 0) << second_->err;
  EXPECT_NE(run_->err.find("daemon.stopped"), std::string::npos);
  EXPECT_EQ(CountFiles(install_->path("inbox")), 0u);
  EXPECT_EQ(CountFiles(install_->path("work")), 0u);
}

TEST_F(DemoInbox, EveryInputIsArchivedOrQuarantinedExactlyOnce) {
  const size_t letters = CountFiles(kDemo + "/inbox/letters") + CountFiles(kDemo + "/inbox2/letters");
  const size_t payments = CountFiles(kDemo + "/inbox/payments") + CountFiles(kDemo + "/inbox2/payments");
  EXPECT_EQ(CountFiles(install_->path("archive")) + CountFiles(install_->path("quarantine")),
            letters + payments);
}

TEST_F(DemoInbox, AHaltLetterPutsItsCaseOnHold) {
  Object::Ptr l = Letter("nb_lunde_bestrider.txt");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->getValue<std::string>("legal"), "halt");
  EXPECT_EQ(l->getValue<std::string>("case"), "S310388-1");
  EXPECT_EQ(l->getValue<std::string>("status"), "hold");
  bool held = false;
  for (const Object::Ptr& c : install_->Json("cases")) {
    if (c->getValue<std::string>("case") == "S310388-1") held = c->getValue<std::string>("flag") == "hold";
  }
  EXPECT_TRUE(held);
}

TEST_F(DemoInbox, TheHeldCustomerIsNotReactivatedButTheOthersAre) {
  std::set<std::string> reactivated;
  for (const Object::Ptr& e : install_->Json("events")) {
    EXPECT_TRUE(reactivated.insert(e->getValue<std::string>("customer")).second)
        << "two events for one customer";
  }
  EXPECT_EQ(reactivated.count("K-2002"), 0u);
  // K-2015's payment came in the rejected file first, then in the next delivery.
  for (const char* customer : {"K-2001", "K-2003", "K-3001", "K-4003", "K-2015"}) {
    EXPECT_EQ(reactivated.count(customer), 1u) << customer;
  }
  // The outbox file got every event.
  std::ifstream events(install_->path("events.jsonl"));
  size_t lines = 0;
  for (std::string line; std::getline(events, line);) lines += !line.empty();
  EXPECT_EQ(lines, reactivated.size());
}

TEST_F(DemoInbox, ADataRequestBecomesAFollowUpWithItsDeadline) {
  Object::Ptr l = Letter("sv_sundberg_registerutdrag.eml");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->getValue<std::string>("legal"), "statutory_deadline");
  bool found = false;
  for (const Object::Ptr& f : install_->Json("followups")) {
    Object::Ptr letter = f->getObject("letter");
    if (letter && letter->getValue<std::string>("file") == "sv_sundberg_registerutdrag.eml") {
      found = true;
      EXPECT_EQ(f->getValue<std::string>("rule"), "case.statutory-deadline");
      EXPECT_FALSE(f->isNull("deadline"));
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(DemoInbox, ANameTwoCustomersShareLinksNothing) {
  Object::Ptr l = Letter("nb_anders_berg.txt");
  ASSERT_TRUE(l);
  EXPECT_TRUE(l->isNull("case"));
}

TEST_F(DemoInbox, ACaseNumberWithOneTypoStillLinks) {
  Object::Ptr l = Letter("nb_dahl_gebyrer.txt");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->getValue<std::string>("case"), "CCM-3910512");
}

TEST_F(DemoInbox, AnAddressChangeNeedsNobody) {
  Object::Ptr l = Letter("da_moeller_ny_adresse.txt");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->getValue<std::string>("status"), "linked");
}

TEST_F(DemoInbox, ProofOfPaymentIsLinkedToItsPaymentOrWaits) {
  Object::Ptr booked = Letter("nb_strand_kvittering.tif");
  ASSERT_TRUE(booked);
  EXPECT_EQ(booked->getValue<std::string>("status"), "linked");
  EXPECT_FALSE(booked->isNull("proof_payment_id"));
  Object::Ptr waiting = Letter("en_oconnor_paid.eml");
  ASSERT_TRUE(waiting);
  EXPECT_EQ(waiting->getValue<std::string>("status"), "waiting_payment");
}

// The proof is linked to the payment booked the day before. The calibrated model of
// 2026-12-07 also asks a human whether "I have paid" is an objection (p = 0.23 that some
// halt class applies, above the halt guard's doubt threshold), so the letter is followed up
// rather than closed: the cautious side of the family "paid, so not owed".
TEST_F(DemoInbox, AProofWhosePaymentWasBookedTheDayBeforeIsLinkedToIt) {
  Object::Ptr l = Letter("nb_solheim_kvittering.txt");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->getValue<std::string>("case"), "S310372-3");
  EXPECT_FALSE(l->isNull("proof_payment_id"));
}

TEST_F(DemoInbox, AProofScannedAfterItsGraceBecomesAFollowUp) {
  Object::Ptr l = Letter("nb_berg_betalt_november.txt");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->getValue<std::string>("status"), "follow_up");
  bool found = false;
  for (const Object::Ptr& f : install_->Json("followups")) {
    found |= f->getValue<std::string>("rule") == "case.proof-grace-expired";
  }
  EXPECT_TRUE(found);
}

TEST_F(DemoInbox, ABadRecordAndAPaymentRecordedBeforeInTheNextFile) {
  bool bad_record = false;
  for (const Object::Ptr& f : install_->Json("followups")) {
    bad_record |= f->getValue<std::string>("rule") == "payment.bad-record";
  }
  EXPECT_TRUE(bad_record);
  PurrRun audit = install_->Purr("audit", {"--json"});
  EXPECT_NE(audit.out.find("\"rule\":\"payment.duplicate\""), std::string::npos);
}

TEST_F(DemoInbox, TheSameContentTwiceIsOneLetter) {
  EXPECT_TRUE(Letter("sv_berglund_anstand.txt") || Letter("sv_berglund_anstand_2.txt"));
  EXPECT_FALSE(Letter("sv_berglund_anstand.txt") && Letter("sv_berglund_anstand_2.txt"));
  EXPECT_NE(run_->err.find("job.duplicate"), std::string::npos);
}

TEST_F(DemoInbox, BadFilesAreQuarantinedWithAReason) {
  for (const char* name : {"scan_20261130_0931.png", "scan_20261201_0802.pdf",
                           "04_camt054_nordea_20261201_b.xml"}) {
    fs::path reason = install_->path("quarantine") / (std::string(name) + ".reason");
    ASSERT_TRUE(fs::exists(reason)) << name;
    std::ifstream in(reason);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_FALSE(text.empty()) << name;
  }
}

TEST_F(DemoInbox, MoneyAddsUp) {
  std::map<std::string, int64_t> allocated;
  for (const Object::Ptr& p : install_->Json("allocations")) {
    int64_t sum = 0;
    Array::Ptr a = p->getArray("allocations");
    for (size_t i = 0; i < a->size(); ++i) {
      Object::Ptr x = a->getObject(i);
      sum += x->getValue<int64_t>("amount_minor");
      allocated[x->getValue<std::string>("invoice")] += x->getValue<int64_t>("amount_minor");
    }
    EXPECT_EQ(p->getValue<int64_t>("amount_minor"), sum + p->getValue<int64_t>("unapplied_minor"))
        << p->getValue<std::string>("payment_id");
  }
  for (const Object::Ptr& inv : install_->Json("invoices")) {
    const std::string number = inv->getValue<std::string>("invoice");
    // An invoice the ledger gave as paid or closed was settled outside purr.
    if (inv->getValue<std::string>("status") != "open" && allocated[number] == 0) continue;
    EXPECT_EQ(inv->getValue<int64_t>("original_minor"),
              inv->getValue<int64_t>("open_minor") + allocated[number])
        << number;
  }
}

TEST_F(DemoInbox, ARedeliveredPaymentFileAppliesNothing) {
  const size_t before = install_->Json("allocations").size();
  install_->DropPayments(kDemo + "/inbox/payments/02_dnb_export_20261201.csv", "again.csv");
  PurrRun again = install_->RunUntilIdle();
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(install_->Json("allocations").size(), before);
  EXPECT_NE(again.err.find("job.duplicate"), std::string::npos);
}

TEST_F(DemoInbox, EveryDecisionIsAudited) {
  PurrRun audit = install_->Purr("audit", {"--json"});
  ASSERT_EQ(audit.exit_code, 0);
  std::set<std::string> rules;
  for (const Object::Ptr& a : JsonLines(audit.out)) rules.insert(a->getValue<std::string>("rule"));
  // Every rule of rules/decisions/decisions.yaml fires in the demo.
  for (const char* rule :
       {"case.halt-letter", "case.statutory-deadline", "case.needs-human",
        "case.letter-ambiguous-link",
        "case.request-needs-decision", "case.letter-unlinked", "case.letter-linked",
        "case.proof-payment-booked", "case.proof-awaits-payment", "case.proof-payment-arrived",
        "case.proof-grace-expired", "payment.auto", "payment.follow-up", "payment.duplicate",
        "payment.bad-record", "case.reactivate", "case.reactivation-held", "ledger.import"}) {
    EXPECT_EQ(rules.count(rule), 1u) << rule;
  }
}

TEST(DaemonPrivacy, NoPersonalNumberOrAccountInTheLogOrTheListings) {
  Installation install("privacy");
  ASSERT_EQ(install.Purr("invoices", {"import", kDemo + "/ledger.csv"}).exit_code, 0);
  std::ofstream(install.path("inbox/letters/fnr.txt"))
      << "Hei. Jeg bestrider kravet i sak S310388-1. Mitt fødselsnummer er 01017510084 "
         "og jeg betalte fra konto 8601 11 17947.\nHilsen Kari\n";
  PurrRun run = install.RunUntilIdle();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string everything = run.err;
  for (const char* command : {"letters", "followups", "audit", "cases"}) {
    everything += install.Purr(command, {"--json"}).out;
  }
  ASSERT_EQ(install.Json("letters").size(), 1u);
  for (const char* secret : {"01017510084", "86011117947", "8601 11 17947"}) {
    EXPECT_EQ(everything.find(secret), std::string::npos) << secret;
  }
}

// ---- Inbox edge cases -------------------------------------------------------------------------

TEST(DaemonInbox, AFileStillBeingWrittenIsTakenOnlyWhenComplete) {
  Installation install("growing", "purr.poll_interval_ms = 300\n");
  ASSERT_EQ(install.Purr("invoices", {"import", kDemo + "/ledger.csv"}).exit_code, 0);
  // Started in the background, the daemon polls while the letter grows in chunks.
  Poco::Pipe err;
  std::vector<std::string> args = {"run", "--config", install.config()};
  Poco::ProcessHandle daemon = Poco::Process::launch(PURR_BINARY, args, nullptr, nullptr, &err);
  std::thread drain([&] {
    Poco::PipeInputStream in(err);
    std::string ignored;
    Poco::StreamCopier::copyToString(in, ignored);
  });
  {
    std::ofstream out(install.path("inbox/letters/growing.txt"));
    const std::string chunks[] = {"Hei,\n\n", "jeg flytter. ", "Ny adresse fra 1. januar: ",
                                  "Storgata 5, 0155 Oslo.\n\n", "Saksnummer CCM-3910512.\n",
                                  "Hilsen\nKnut Dahl\n"};
    for (const std::string& chunk : chunks) {
      out << chunk << std::flush;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  for (int i = 0; i < 200 && install.Json("letters").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  Poco::Process::requestTermination(daemon.id());
  EXPECT_EQ(daemon.wait(), 0);
  drain.join();
  std::vector<Object::Ptr> letters = install.Json("letters");
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0]->getValue<std::string>("case"), "CCM-3910512");
}

TEST(DaemonInbox, TemporaryNamesAreLeftAlone) {
  Installation install("temporary");
  for (const char* name : {"a.part", "b.tmp", "~c.txt", ".d.txt"}) {
    std::ofstream(install.path("inbox/letters") / name) << "Jeg bestrider kravet.";
  }
  ASSERT_EQ(install.RunUntilIdle().exit_code, 0);
  EXPECT_EQ(CountFiles(install.path("inbox/letters")), 4u);
  EXPECT_TRUE(install.Json("letters").empty());
}

TEST(DaemonInbox, ZeroByteAndNameClashesLoseNothing) {
  Installation install("clash");
  std::ofstream(install.path("inbox/letters/empty.txt")).flush();
  std::ofstream(install.path("inbox/letters/letter.txt")) << "Jeg bestrider kravet på faktura 1.";
  ASSERT_EQ(install.RunUntilIdle().exit_code, 0);
  std::ofstream(install.path("inbox/letters/letter.txt")) << "Jeg flytter til Bergen.";
  std::ofstream(install.path("inbox/letters/empty.txt")).flush();
  ASSERT_EQ(install.RunUntilIdle().exit_code, 0);
  EXPECT_EQ(install.Json("letters").size(), 2u);
  EXPECT_TRUE(fs::exists(install.path("quarantine/empty.txt")));
  EXPECT_TRUE(fs::exists(install.path("quarantine/empty.txt.1")));
  EXPECT_TRUE(fs::exists(install.path("quarantine/empty.txt.reason")));
  EXPECT_EQ(CountFiles(install.path("archive")), 2u);
}

TEST(DaemonInbox, AMaildirIsReadAndItsTmpLeftAlone) {
  Installation install("maildir");
  ASSERT_EQ(install.Purr("invoices", {"import", kDemo + "/ledger.csv"}).exit_code, 0);
  for (const char* sub : {"new", "cur", "tmp"}) fs::create_directories(install.path("inbox/letters") / sub);
  const std::string message =
      "From: Bjorn Lunde <bjorn@example.no>\r\nTo: post@inkasso.example\r\n"
      "Subject: Sak S310388-1\r\nDate: Tue, 01 Dec 2026 09:00:00 +0100\r\n"
      "Message-ID: <1@example.no>\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n\r\n"
      "Jeg bestrider kravet. Ruteren ble levert tilbake i oktober.\r\n";
  std::ofstream(install.path("inbox/letters/new/1764576000.M1P2.mail")) << message;
  std::ofstream(install.path("inbox/letters/tmp/1764576001.M3P4.mail")) << message.substr(0, 80);
  ASSERT_EQ(install.RunUntilIdle().exit_code, 0);
  std::vector<Object::Ptr> letters = install.Json("letters");
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0]->getValue<std::string>("kind"), "email");
  EXPECT_EQ(letters[0]->getValue<std::string>("case"), "S310388-1");
  EXPECT_TRUE(fs::exists(install.path("inbox/letters/tmp/1764576001.M3P4.mail")));
}

TEST(DaemonProcess, DaemonModeWritesAPidFileAndStopsOnSigterm) {
  Installation install("background");
  const std::string pidfile = install.path("purr.pid").string();
  const std::string logfile = install.path("purr.log").string();
  PurrRun start = install.Purr("run", {"--daemon", "--pidfile", pidfile, "--log-file", logfile});
  ASSERT_EQ(start.exit_code, 0) << start.err;  // the parent returns at once
  pid_t pid = 0;
  for (int i = 0; i < 100 && pid == 0; ++i) {
    std::ifstream in(pidfile);
    in >> pid;
    if (pid == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_GT(pid, 0);
  std::ofstream(install.path("inbox/letters/a.txt")) << "Jeg bestrider kravet i sak S310388-1.";
  for (int i = 0; i < 100 && install.Json("letters").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(install.Json("letters").size(), 1u);
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  // The detached process is not this test's child: its pid file, removed at exit, tells
  // when it is gone (a zombie nobody reaps would still answer kill(pid, 0)).
  for (int i = 0; i < 200 && fs::exists(pidfile); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_FALSE(fs::exists(pidfile)) << "still running";
  std::ifstream log(logfile);
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("daemon.stopped"), std::string::npos) << text;
}

TEST(DaemonInbox, AnUnreadableFileIsQuarantined) {
  Installation install("unreadable");
  fs::path file = install.path("inbox/letters/secret.txt");
  std::ofstream(file) << "Jeg bestrider kravet.";
  fs::permissions(file, fs::perms::none);
  std::vector<std::string> args = {"run", "--config", install.config(), "--until-idle"};
  PurrRun run;
  if (geteuid() == 0) {
    // root reads any file: the daemon runs as nobody, in folders nobody may write.
    if (!fs::exists("/usr/bin/setpriv")) GTEST_SKIP() << "root, and no setpriv to drop it";
    for (const auto& entry : fs::recursive_directory_iterator(install.path(""))) {
      if (entry.is_directory()) fs::permissions(entry.path(), fs::perms::all);
    }
    fs::permissions(install.path(""), fs::perms::all);
    fs::permissions(install.config(), fs::perms::all);
    args.insert(args.begin(), {"--reuid=65534", "--regid=65534", "--clear-groups", PURR_BINARY});
    run = RunProgram("/usr/bin/setpriv", args);
  } else {
    run = RunPurr(args);
  }
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_TRUE(fs::exists(install.path("quarantine/secret.txt.reason"))) << run.err;
  std::ifstream in(install.path("quarantine/secret.txt.reason"));
  std::string reason((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(reason.find("ermission"), std::string::npos) << reason;
  EXPECT_NE(run.err.find("job.quarantined"), std::string::npos);
}

TEST(DaemonConfig, MistakesStopTheStartWithTheKeyNamed) {
  Installation install("badconfig", "purr.workerz = 2\n");
  PurrRun run = install.RunUntilIdle();
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("purr.workerz"), std::string::npos) << run.err;
  PurrRun usage = RunPurr({"run"});
  EXPECT_EQ(usage.exit_code, 2);
}

TEST(DaemonLedger, AReImportWhilePaymentsAreMatchedLosesNoAllocation) {
  Installation install("reimport");
  ASSERT_EQ(install.Purr("invoices", {"import", kDemo + "/ledger.csv"}).exit_code, 0);
  // The creditor's next export: one amount raised, one invoice added, one no longer listed.
  std::ifstream in(kDemo + "/ledger.csv");
  std::vector<std::string> rows;
  for (std::string line; std::getline(in, line);) rows.push_back(line);
  ASSERT_GT(rows.size(), 5u);
  std::ofstream out(install.path("ledger2.csv"));
  for (size_t i = 0; i + 1 < rows.size(); ++i) out << rows[i] << "\n";  // last row dropped
  out << "NEW-1,K-9999,S-NEW-1,,10000,NOK,2026-12-31,open,false,Ny Kunde,\n";
  out.close();
  Poco::Pipe err;
  std::vector<std::string> args = {"run", "--config", install.config()};
  Poco::ProcessHandle daemon = Poco::Process::launch(PURR_BINARY, args, nullptr, nullptr, &err);
  std::thread drain([&] {
    Poco::PipeInputStream stream(err);
    std::string ignored;
    Poco::StreamCopier::copyToString(stream, ignored);
  });
  for (const auto& entry : fs::directory_iterator(kDemo + "/inbox/payments")) {
    install.DropPayments(entry.path().string());
  }
  PurrRun reimport = install.Purr("invoices", {"import", install.path("ledger2.csv").string()});
  EXPECT_EQ(reimport.exit_code, 0) << reimport.err;
  EXPECT_NE(reimport.out.find("1 added"), std::string::npos) << reimport.out;
  EXPECT_NE(reimport.out.find("no longer in the file (kept)"), std::string::npos) << reimport.out;
  for (int i = 0; i < 200; ++i) {
    PurrRun status = install.Purr("status", {"--json"});
    if (status.out.find("\"pending\"") == std::string::npos &&
        status.out.find("\"running\"") == std::string::npos &&
        status.out.find("\"payments\"") != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // Re-importing again after the payments changes no allocation either.
  EXPECT_EQ(install.Purr("invoices", {"import", install.path("ledger2.csv").string()}).exit_code, 0);
  Poco::Process::requestTermination(daemon.id());
  EXPECT_EQ(daemon.wait(), 0);
  drain.join();
  std::map<std::string, int64_t> allocated;
  for (const Object::Ptr& p : install.Json("allocations")) {
    Array::Ptr a = p->getArray("allocations");
    for (size_t i = 0; i < a->size(); ++i) {
      allocated[a->getObject(i)->getValue<std::string>("invoice")] +=
          a->getObject(i)->getValue<int64_t>("amount_minor");
    }
  }
  EXPECT_FALSE(allocated.empty());
  size_t invoices = 0;
  for (const Object::Ptr& inv : install.Json("invoices")) {
    ++invoices;
    const std::string number = inv->getValue<std::string>("invoice");
    if (inv->getValue<std::string>("status") != "open" && allocated[number] == 0) continue;
    EXPECT_EQ(inv->getValue<int64_t>("original_minor"),
              inv->getValue<int64_t>("open_minor") + allocated[number])
        << number;
  }
  EXPECT_EQ(invoices, rows.size());  // 33 + NEW-1, the unlisted one kept
}

// ---- Outbox, HTTP, signals --------------------------------------------------------------------

class FlakyReceiver : public Poco::Net::HTTPRequestHandler {
 public:
  struct State {
    std::mutex mu;
    int requests = 0;
    std::map<std::string, int> by_key;
  };
  explicit FlakyReceiver(State& state) : state_(state) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    std::string body;
    Poco::StreamCopier::copyToString(request.stream(), body);
    int n;
    {
      std::lock_guard<std::mutex> lock(state_.mu);
      n = ++state_.requests;
      Poco::JSON::Parser parser;
      Object::Ptr event = parser.parse(body).extract<Object::Ptr>();
      ++state_.by_key[event->getValue<std::string>("idempotency_key")];
      EXPECT_EQ(request.get("Idempotency-Key"), event->getValue<std::string>("idempotency_key"));
    }
    // The first two deliveries fail.
    response.setStatus(n <= 2 ? Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR
                              : Poco::Net::HTTPResponse::HTTP_OK);
    response.send() << "ok";
  }

 private:
  State& state_;
};

class ReceiverFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit ReceiverFactory(FlakyReceiver::State& state) : state_(state) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new FlakyReceiver(state_);
  }

 private:
  FlakyReceiver::State& state_;
};

TEST(DaemonOutbox, AFailingWebhookGetsEveryEventWithTheSameKeyAndMetricsShowIt) {
  FlakyReceiver::State state;
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  Poco::Net::HTTPServer receiver(new ReceiverFactory(state), socket, new Poco::Net::HTTPServerParams);
  receiver.start();
  const int http_port = FreePort();
  Installation install("webhook", "purr.outbox.webhook = http://127.0.0.1:" +
                                      std::to_string(socket.address().port()) + "/events\n"
                                      "purr.http.address = 127.0.0.1:" + std::to_string(http_port) + "\n");
  ASSERT_EQ(install.Purr("invoices", {"import", kDemo + "/ledger.csv"}).exit_code, 0);
  install.DropPayments(kDemo + "/inbox/payments/01_camt054_nordea_20261201.xml");
  install.DropPayments(kDemo + "/inbox/payments/02_dnb_export_20261201.csv");
  Poco::Pipe err;
  std::vector<std::string> args = {"run", "--config", install.config(), "--log-format", "json"};
  Poco::ProcessHandle daemon = Poco::Process::launch(PURR_BINARY, args, nullptr, nullptr, &err);
  std::string log;
  std::thread drain([&] {
    Poco::PipeInputStream in(err);
    Poco::StreamCopier::copyToString(in, log);
  });
  auto all_delivered = [&] {
    std::vector<Object::Ptr> events = install.Json("events");
    if (events.empty()) return false;
    for (const Object::Ptr& e : events) {
      if (!e->getObject("delivered")->getValue<bool>("webhook")) return false;
    }
    return true;
  };
  bool delivered = false;
  for (int i = 0; i < 300 && !(delivered = all_delivered()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  int status = 0;
  std::string health = HttpGet(http_port, "/health", &status);
  EXPECT_EQ(status, 200);
  EXPECT_NE(health.find("\"ok\":true"), std::string::npos) << health;
  std::string metrics = HttpGet(http_port, "/metrics", &status);
  EXPECT_EQ(status, 200);
  EXPECT_NE(metrics.find("purr_payments_total{decision=\"auto\"}"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("purr_outbox_failures_total 2"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("purr_job_seconds_bucket"), std::string::npos);
  Poco::Process::requestTermination(daemon.id());
  EXPECT_EQ(daemon.wait(), 0);  // SIGTERM: a clean stop
  drain.join();
  receiver.stop();
  ASSERT_TRUE(delivered);
  std::vector<Object::Ptr> events = install.Json("events");
  std::lock_guard<std::mutex> lock(state.mu);
  EXPECT_EQ(state.requests, static_cast<int>(events.size()) + 2);
  for (const Object::Ptr& e : events) {
    EXPECT_GE(state.by_key[e->getValue<std::string>("idempotency_key")], 1);
  }
  // --log-format json: every line is a JSON object.
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    Poco::JSON::Parser parser;
    EXPECT_NO_THROW(parser.parse(line)) << line;
  }
}

TEST(DaemonSignals, SighupWithABrokenRuleFileKeepsTheOldRules) {
  Installation install("sighup");
  // A copy of the rules the test may break.
  fs::path rules = install.path("rules");
  fs::copy(std::string(PURR_SOURCE_DIR) + "/rules", rules, fs::copy_options::recursive);
  std::ofstream(install.config(), std::ios::app) << "purr.rules = rules\n";
  Poco::Pipe err;
  std::vector<std::string> args = {"run", "--config", install.config()};
  Poco::ProcessHandle daemon = Poco::Process::launch(PURR_BINARY, args, nullptr, nullptr, &err);
  std::string log;
  std::thread drain([&] {
    Poco::PipeInputStream in(err);
    Poco::StreamCopier::copyToString(in, log);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  std::ofstream(rules / "decisions" / "decisions.yaml") << "settle_tolerance_minor: lots\n";
  ::kill(daemon.id(), SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::ofstream(install.path("inbox/letters/dispute.txt")) << "Jeg bestrider kravet. Saksnr S310388-1.";
  for (int i = 0; i < 100 && install.Json("letters").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  Poco::Process::requestTermination(daemon.id());
  EXPECT_EQ(daemon.wait(), 0);
  drain.join();
  EXPECT_NE(log.find("rules.reload_failed"), std::string::npos) << log;
  EXPECT_NE(log.find("settle_tolerance_minor"), std::string::npos);
  EXPECT_EQ(install.Json("letters").size(), 1u);
}

TEST(DaemonSignals, SighupReloadsTheConfigButNotWhatNeedsARestart) {
  Installation install("reconfig");
  ASSERT_EQ(install.Purr("invoices", {"import", kDemo + "/ledger.csv"}).exit_code, 0);
  Poco::Pipe err;
  std::vector<std::string> args = {"run", "--config", install.config()};
  Poco::ProcessHandle daemon = Poco::Process::launch(PURR_BINARY, args, nullptr, nullptr, &err);
  std::string log;
  std::thread drain([&] {
    Poco::PipeInputStream in(err);
    Poco::StreamCopier::copyToString(in, log);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  // Later keys win in a properties file: the outbox moves, the worker count cannot change.
  std::ofstream(install.config(), std::ios::app) << "purr.outbox.file = moved.jsonl\npurr.workers = 5\n";
  ::kill(daemon.id(), SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  install.DropPayments(kDemo + "/inbox/payments/01_camt054_nordea_20261201.xml");
  for (int i = 0; i < 100 && !fs::exists(install.path("moved.jsonl")); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  Poco::Process::requestTermination(daemon.id());
  EXPECT_EQ(daemon.wait(), 0);
  drain.join();
  EXPECT_NE(log.find("config.reloaded"), std::string::npos) << log;
  EXPECT_NE(log.find("config.needs_restart key=purr.workers"), std::string::npos) << log;
  EXPECT_TRUE(fs::exists(install.path("moved.jsonl")));
  EXPECT_FALSE(fs::exists(install.path("events.jsonl")));
}

// ---- Crash safety -----------------------------------------------------------------------------

// Letters (text, e-mail, scans) and payment files, processed while the daemon is killed with
// SIGKILL at random moments and restarted; then every invariant of the store is checked.
// Drops each letter under a numbered name; returns the names by their content's SHA-256.
std::map<std::string, std::vector<std::string>> DropNumbered(const Installation& install,
                                                             const std::vector<fs::path>& letters) {
  std::map<std::string, std::vector<std::string>> names_by_sha;
  size_t n = 0;
  for (const fs::path& p : letters) {
    const std::string name = std::to_string(n++) + "_" + p.filename().string();
    std::ifstream in(p, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(bytes);
    names_by_sha[Poco::DigestEngine::digestToHex(sha.digest())].push_back(name);
    install.DropLetter(p.string(), name);
  }
  return names_by_sha;
}

// After daemons were killed at random moments: every input archived or quarantined exactly
// once and none left behind, every content one letter (or quarantined with its reason), no
// payment id twice, money adding up, every reactivation event once.
void ExpectNothingLostOrDoubled(const Installation& install, size_t inputs,
                                const std::map<std::string, std::vector<std::string>>& names_by_sha) {
  // Every input archived or quarantined exactly once, none left behind.
  EXPECT_EQ(CountFiles(install.path("inbox")), 0u);
  EXPECT_EQ(CountFiles(install.path("work")), 0u);
  EXPECT_EQ(CountFiles(install.path("archive")) + CountFiles(install.path("quarantine")), inputs);
  // Every letter recorded once (distinct content; the corpus has no two equal files).
  std::vector<Object::Ptr> recorded = install.Json("letters");
  std::set<std::string> hashes;
  for (const Object::Ptr& l : recorded) {
    EXPECT_TRUE(hashes.insert(l->getValue<std::string>("sha256")).second);
  }
  // Each distinct content is recorded as one letter, or every file that carried it is in
  // quarantine with its reason: nothing is lost.
  for (const auto& [sha, names] : names_by_sha) {
    if (hashes.count(sha)) continue;
    for (const std::string& name : names) {
      EXPECT_TRUE(fs::exists(install.path("quarantine") / (name + ".reason")))
          << name << " is neither a letter nor in quarantine";
    }
  }
  for (const std::string& sha : hashes) EXPECT_EQ(names_by_sha.count(sha), 1u);
  // No payment id twice; money adds up.
  std::set<std::string> ids;
  std::map<std::string, int64_t> allocated;
  for (const Object::Ptr& p : install.Json("allocations")) {
    EXPECT_TRUE(ids.insert(p->getValue<std::string>("payment_id")).second);
    int64_t sum = 0;
    Array::Ptr a = p->getArray("allocations");
    for (size_t i = 0; i < a->size(); ++i) {
      sum += a->getObject(i)->getValue<int64_t>("amount_minor");
      allocated[a->getObject(i)->getValue<std::string>("invoice")] +=
          a->getObject(i)->getValue<int64_t>("amount_minor");
    }
    EXPECT_EQ(p->getValue<int64_t>("amount_minor"), sum + p->getValue<int64_t>("unapplied_minor"));
  }
  for (const Object::Ptr& inv : install.Json("invoices")) {
    const std::string number = inv->getValue<std::string>("invoice");
    if (inv->getValue<std::string>("status") != "open" && allocated[number] == 0) continue;
    EXPECT_EQ(inv->getValue<int64_t>("original_minor"),
              inv->getValue<int64_t>("open_minor") + allocated[number])
        << number;
  }
  // Every reactivation event once.
  std::set<std::string> keys;
  for (const Object::Ptr& e : install.Json("events")) {
    EXPECT_TRUE(keys.insert(e->getValue<std::string>("idempotency_key")).second);
  }
  EXPECT_FALSE(keys.empty());
}

TEST(DaemonCrash, SigkillAtRandomMomentsLosesAndDoublesNothing) {
  // Each kill counts an attempt on the jobs in flight (a file that kills its worker must
  // stop being retried); five allow for the test's own eight kills.
  Installation install("crash", "purr.job.lease_ms = 3000\npurr.job.max_attempts = 5\n");
  ASSERT_EQ(install.Purr("invoices", {"import", kDemo + "/ledger.csv"}).exit_code, 0);
  std::vector<fs::path> letters;
  for (const auto& entry : fs::recursive_directory_iterator(std::string(PURR_SOURCE_DIR) + "/fixtures/letters")) {
    if (entry.path().extension() == ".txt" && letters.size() < 170) letters.push_back(entry.path());
  }
  for (const auto& entry : fs::directory_iterator(std::string(PURR_SOURCE_DIR) + "/fixtures/mail")) {
    if (entry.path().extension() == ".eml") letters.push_back(entry.path());
  }
  size_t scans = 0;
  for (const char* kind : {"clean300", "fax200", "jpeg"}) {
    for (const auto& entry : fs::directory_iterator(std::string(PURR_SOURCE_DIR) + "/fixtures/scans/" + kind)) {
      if (scans < 21) {
        letters.push_back(entry.path());
        ++scans;
      }
    }
  }
  ASSERT_GE(letters.size(), 200u);
  ASSERT_GE(scans, 20u);
  const std::map<std::string, std::vector<std::string>> names_by_sha = DropNumbered(install, letters);
  std::vector<std::string> payment_files;
  for (const auto& entry : fs::directory_iterator(kDemo + "/inbox/payments")) {
    payment_files.push_back(entry.path().string());
  }
  for (const std::string& p : payment_files) install.DropPayments(p);
  const size_t inputs = letters.size() + payment_files.size();

  std::mt19937 rng(20261203);
  std::uniform_int_distribution<int> wait_ms(300, 2500);
  int kills = 0;
  for (int round = 0; round < 8; ++round) {
    std::vector<std::string> args = {"run", "--config", install.config()};
    Poco::Pipe err;
    Poco::ProcessHandle daemon = Poco::Process::launch(PURR_BINARY, args, nullptr, nullptr, &err);
    std::thread drain([&] {
      Poco::PipeInputStream in(err);
      std::string ignored;
      Poco::StreamCopier::copyToString(in, ignored);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms(rng)));
    ::kill(daemon.id(), SIGKILL);
    daemon.wait();
    drain.join();
    ++kills;
  }
  PurrRun last = install.RunUntilIdle();
  ASSERT_EQ(last.exit_code, 0) << last.err;
  EXPECT_EQ(kills, 8);

  ExpectNothingLostOrDoubled(install, inputs, names_by_sha);
}

// Three daemons share one PostgreSQL store and one set of folders (as hosts do on a shared
// folder), 500 letters and the payment files arrive, and a random daemon is SIGKILLed and
// started again twelve times: each input is done once, by one of them.
TEST(DaemonHosts, ThreeDaemonsOnOneStoreKilledAtRandomDoEachThingOnce) {
  if (!store::backends::PostgresRequested()) GTEST_SKIP() << "needs the tests' PostgreSQL (ctest runs Postgres.DaemonHosts.*)";
  Installation install("hosts", "purr.workers = 1\npurr.job.lease_ms = 3000\n"
                                "purr.job.max_attempts = 8\n");
  ASSERT_EQ(install.Purr("invoices", {"import", kDemo + "/ledger.csv"}).exit_code, 0);
  std::vector<fs::path> letters;
  for (const char* corpus : {"/fixtures/letters", "/fixtures/letters-dev"}) {
    for (const auto& entry : fs::recursive_directory_iterator(std::string(PURR_SOURCE_DIR) + corpus)) {
      if (entry.path().extension() == ".txt" && letters.size() < 470) letters.push_back(entry.path());
    }
  }
  for (const auto& entry : fs::directory_iterator(std::string(PURR_SOURCE_DIR) + "/fixtures/mail")) {
    if (entry.path().extension() == ".eml" && letters.size() < 490) letters.push_back(entry.path());
  }
  for (const char* kind : {"clean300", "fax200"}) {
    for (const auto& entry : fs::directory_iterator(std::string(PURR_SOURCE_DIR) + "/fixtures/scans/" + kind)) {
      if (letters.size() < 500) letters.push_back(entry.path());
    }
  }
  ASSERT_EQ(letters.size(), 500u);
  size_t payment_files = 0;
  auto drop_payments = [&](const char* inbox) {
    for (const auto& entry : fs::directory_iterator(kDemo + inbox)) {
      install.DropPayments(entry.path().string());
      ++payment_files;
    }
  };

  struct Daemon {
    std::unique_ptr<Poco::ProcessHandle> process;
    std::unique_ptr<std::thread> drain;
  };
  auto start = [&] {
    std::vector<std::string> args = {"run", "--config", install.config()};
    Poco::Pipe err;
    Daemon d;
    d.process = std::make_unique<Poco::ProcessHandle>(
        Poco::Process::launch(PURR_BINARY, args, nullptr, nullptr, &err));
    d.drain = std::make_unique<std::thread>([err]() mutable {
      Poco::PipeInputStream in(err);
      std::string ignored;
      Poco::StreamCopier::copyToString(in, ignored);
    });
    return d;
  };
  auto stop = [](Daemon& d, int signal) {
    ::kill(d.process->id(), signal);
    d.process->wait();
    d.drain->join();
  };
  std::vector<Daemon> daemons;
  for (int i = 0; i < 3; ++i) daemons.push_back(start());
  // The first payment files claimed before the letters arrive, so that they are applied
  // while daemons die (a payment file waits for the letters claimed before it); the next
  // after the letters.
  drop_payments("/inbox/payments");
  for (int waited = 0; CountFiles(install.path("inbox/payments")) > 0 && waited < 200; ++waited) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::map<std::string, std::vector<std::string>> names_by_sha = DropNumbered(install, letters);
  drop_payments("/inbox2/payments");
  std::mt19937 rng(20261207);
  std::uniform_int_distribution<int> wait_ms(300, 2500), which(0, 2);
  for (int kill = 0; kill < 12; ++kill) {
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms(rng)));
    Daemon& victim = daemons[which(rng)];
    stop(victim, SIGKILL);
    victim = start();
  }
  for (Daemon& d : daemons) stop(d, SIGTERM);
  // How far the three got (for the log): the rest is done by one daemon below.
  std::cout << install.Purr("status").out;
  PurrRun last = install.RunUntilIdle();
  ASSERT_EQ(last.exit_code, 0) << last.err;
  ExpectNothingLostOrDoubled(install, letters.size() + payment_files, names_by_sha);
  // The outbox file holds every event (at least once: a daemon killed between writing and
  // marking writes again; never two daemons at once).
  std::ifstream outbox(install.path("events.jsonl"));
  std::set<std::string> delivered;
  for (std::string line; std::getline(outbox, line);) {
    if (line.empty()) continue;
    delivered.insert(Poco::JSON::Parser().parse(line).extract<Object::Ptr>()->getValue<std::string>("idempotency_key"));
  }
  for (const Object::Ptr& e : install.Json("events")) {
    EXPECT_TRUE(delivered.count(e->getValue<std::string>("idempotency_key")))
        << e->getValue<std::string>("idempotency_key") << " never reached the outbox file";
  }
}

}  // namespace
}  // namespace purr::testing

namespace purr::testing {
namespace {

// `purr users`: passwords from standard input, never echoed or stored in the clear; every
// change audited.
TEST(PurrUsers, AddListPasswdDisableEnableFromTheCommandLine) {
  Installation install("users");
  auto users = [&](const std::string& args, const std::string& stdin_text = "") {
    const std::string cmd = (stdin_text.empty() ? std::string() : "printf '%s\\n' '" + stdin_text + "' | ") +
                            PURR_BINARY + std::string(" users ") + args + " --config " +
                            install.config() + " --iterations 1000";
    return RunProgram("sh", {"-c", cmd});
  };
  PurrRun add = users("add kari --role clerk --password-stdin", "a-long-password");
  EXPECT_EQ(add.exit_code, 0) << add.err;
  EXPECT_EQ(add.out.find("a-long-password"), std::string::npos);
  EXPECT_EQ(users("add kari --role clerk --password-stdin", "another-password").exit_code, 1)
      << "a second add is refused";
  EXPECT_EQ(users("add anna --role boss --password-stdin", "a-long-password").exit_code, 2);
  EXPECT_EQ(users("add anna --role admin --password-stdin", "short").exit_code, 1);
  EXPECT_EQ(users("add 'an na' --role admin --password-stdin", "a-long-password").exit_code, 2);
  EXPECT_EQ(users("add anna --role admin --password-stdin", "a-long-password").exit_code, 0);
  EXPECT_EQ(users("passwd kari --password-stdin", "a-new-long-password").exit_code, 0);
  EXPECT_EQ(users("disable kari").exit_code, 0);
  EXPECT_EQ(users("disable nobody").exit_code, 1);
  PurrRun list = users("list");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("kari  clerk  disabled"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("anna  admin"), std::string::npos) << list.out;
  EXPECT_EQ(users("enable kari").exit_code, 0);
  PurrRun json = users("list --json");
  EXPECT_EQ(json.out.find("pbkdf2"), std::string::npos) << "no hash is printed";
  std::ifstream db(install.path("purr.sqlite"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(db)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find("a-long-password"), std::string::npos) << "no password in the store";
  PurrRun audit = install.Purr("audit", {"--subject", "user:kari"});
  EXPECT_NE(audit.out.find("user_add"), std::string::npos) << audit.out;
  EXPECT_NE(audit.out.find("user_passwd"), std::string::npos);
  EXPECT_NE(audit.out.find("user_disable"), std::string::npos);
  EXPECT_NE(audit.out.find("user_enable"), std::string::npos);
}

// An installation that ran on SQLite moves to PostgreSQL: every listing reads the same on
// both, a second copy into the now full database is refused, and the daemon carries on there.
TEST(DaemonMigrate, ASqliteInstallationMovesToPostgresWithEveryRow) {
  if (!store::backends::PostgresRequested()) GTEST_SKIP() << "needs the tests' PostgreSQL (ctest runs Postgres.DaemonMigrate.*)";
  Installation install("migrate", "", /*sqlite=*/true);
  ASSERT_EQ(install.Purr("invoices", {"import", kDemo + "/ledger.csv"}).exit_code, 0);
  for (const auto& entry : fs::directory_iterator(kDemo + "/inbox/letters")) {
    install.DropLetter(entry.path().string());
  }
  for (const auto& entry : fs::directory_iterator(kDemo + "/inbox/payments")) {
    install.DropPayments(entry.path().string());
  }
  PurrRun run = install.RunUntilIdle();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string sqlite = install.path("purr.sqlite").string();
  store::backends::StoreLocation pg(store::backends::Backend::kPostgres, install.path(""));

  PurrRun migrate = RunPurr({"migrate", "--from", sqlite, "--to", pg.path()});
  ASSERT_EQ(migrate.exit_code, 0) << migrate.out << migrate.err;
  EXPECT_NE(migrate.out.find("every count and sum agrees"), std::string::npos) << migrate.out;
  EXPECT_NE(migrate.out.find("letters"), std::string::npos) << migrate.out;

  for (std::vector<std::string> listing :
       std::vector<std::vector<std::string>>{{"invoices"}, {"letters"}, {"allocations"},
                                             {"cases"}, {"followups", "--all"}, {"events"},
                                             {"audit"}}) {
    std::vector<std::string> on_sqlite = listing, on_pg = listing;
    for (auto* args : {&on_sqlite, &on_pg}) args->push_back("--json");
    on_sqlite.insert(on_sqlite.end(), {"--db", sqlite});
    on_pg.insert(on_pg.end(), {"--db", pg.path()});
    PurrRun a = RunPurr(on_sqlite), b = RunPurr(on_pg);
    ASSERT_EQ(a.exit_code, 0) << a.err;
    ASSERT_EQ(b.exit_code, 0) << b.err;
    EXPECT_FALSE(a.out.empty()) << listing[0];
    EXPECT_EQ(a.out, b.out) << "purr " << listing[0] << " differs after the move";
  }
  // The same letters are found by the same words.
  auto found = [&](const std::string& db) {
    PurrRun s = RunPurr({"search", "--json", "--db", db, "kravet"});
    std::set<int64_t> ids;
    for (const Object::Ptr& o : JsonLines(s.out)) ids.insert(o->getValue<int64_t>("letter"));
    return ids;
  };
  EXPECT_FALSE(found(sqlite).empty());
  EXPECT_EQ(found(sqlite), found(pg.path()));

  PurrRun again = RunPurr({"migrate", "--from", sqlite, "--to", pg.path()});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("not empty"), std::string::npos) << again.err;

  // The daemon goes on on PostgreSQL: the next delivery, nothing applied twice.
  {
    std::string conf;
    std::ifstream in(install.config());
    for (std::string line; std::getline(in, line);) {
      conf += line.rfind("purr.db", 0) == 0 ? "purr.db = " + pg.path() : line;
      conf += "\n";
    }
    std::ofstream(install.config()) << conf;
  }
  for (const auto& entry : fs::directory_iterator(kDemo + "/inbox/payments")) {
    install.DropPayments(entry.path().string(), "again-" + entry.path().filename().string());
  }
  PurrRun next = install.RunUntilIdle();
  ASSERT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(RunPurr({"allocations", "--json", "--db", sqlite}).out,
            RunPurr({"allocations", "--json", "--db", pg.path()}).out)
      << "a redelivered payment file applies nothing";
}

}  // namespace
}  // namespace purr::testing
