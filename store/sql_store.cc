// store::Store on SQLite or PostgreSQL (store/sql_db.h). Every SQL statement of purr lives
// here and in the two schemas; where the dialects differ the query says so.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <map>
#include <mutex>
#include <set>
#include <unordered_set>
#include <sstream>

#include "store/schema.h"
#include "store/schema_pg.h"
#include "store/sql_db.h"
#include "store/text_index.h"
#include "store/store.h"

namespace purr::store {
namespace {

using internal::Db;
using internal::Dialect;
using internal::Stmt;

// Lists of strings are stored as JSON arrays, written and read here without a JSON library
// (a million invoices are read at every matcher build). Reading accepts what ToJson writes
// and any standard JSON array of strings; anything else is a StoreError.
std::string ToJson(const std::vector<std::string>& values) {
  std::string out = "[";
  for (const std::string& v : values) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (unsigned char c : v) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof(buf), "\\u%04x", c);
            out += buf;
          } else {
            out += static_cast<char>(c);
          }
      }
    }
    out += '"';
  }
  return out + "]";
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::vector<std::string> FromJson(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty() || text == "[]") return out;
  auto fail = [&]() -> std::vector<std::string> {
    throw StoreError("stored list is not a JSON array of strings: " + text.substr(0, 80));
  };
  size_t i = 0;
  auto skip = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t')) ++i;
  };
  skip();
  if (i >= text.size() || text[i++] != '[') return fail();
  skip();
  if (i < text.size() && text[i] == ']') return out;
  while (true) {
    skip();
    if (i >= text.size() || text[i++] != '"') return fail();
    std::string v;
    while (i < text.size() && text[i] != '"') {
      char c = text[i++];
      if (c != '\\') {
        v += c;
        continue;
      }
      if (i >= text.size()) return fail();
      char e = text[i++];
      switch (e) {
        case '"': case '\\': case '/': v += e; break;
        case 'n': v += '\n'; break;
        case 'r': v += '\r'; break;
        case 't': v += '\t'; break;
        case 'b': v += '\b'; break;
        case 'f': v += '\f'; break;
        case 'u': {
          if (i + 4 > text.size()) return fail();
          uint32_t cp = static_cast<uint32_t>(std::stoul(text.substr(i, 4), nullptr, 16));
          i += 4;
          AppendUtf8(cp, &v);
          break;
        }
        default: return fail();
      }
    }
    if (i >= text.size()) return fail();
    ++i;  // closing quote
    out.push_back(std::move(v));
    skip();
    if (i < text.size() && text[i] == ',') {
      ++i;
      continue;
    }
    if (i < text.size() && text[i] == ']') return out;
    return fail();
  }
}

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Col(Stmt& s, int i) { return s.Text(i); }
int64_t ColInt(Stmt& s, int i) { return s.Int(i); }

class SqlStore;

class SqlTxn : public Txn {
 public:
  // Everything a transaction writes carries its start time.
  SqlTxn(Db& db, std::string now) : db_(db), now_(std::move(now)) {}

  std::optional<InvoiceRecord> GetInvoice(std::string_view invoice) override;
  void PutInvoice(const InvoiceRecord& invoice) override;
  std::vector<InvoiceRecord> InvoicesOfCustomer(std::string_view customer) override;
  void ForEachInvoice(const std::function<void(InvoiceRecord&&)>& fn) override;
  int64_t LedgerGeneration() override;
  int64_t IdentifierGeneration() override;
  std::optional<int64_t> FindPaymentFile(std::string_view sha256) override;
  int64_t InsertPaymentFile(const PaymentFileRecord& file) override;
  bool HasPayment(std::string_view payment_id) override;
  void InsertPayment(const PaymentRecord& payment) override;
  void AddAllocation(std::string_view payment_id, std::string_view invoice,
                     int64_t amount_minor) override;
  std::vector<cases::BookedPayment> BookedPayments(const std::vector<std::string>& case_ids,
                                                   std::string_view since) override;
  std::optional<int64_t> FindLetter(std::string_view sha256) override;
  int64_t InsertLetter(const LetterRecord& letter) override;
  void UpdateLetter(int64_t id, std::string_view status, std::string_view case_id,
                    std::string_view proof_payment_id) override;
  std::vector<cases::WaitingProof> WaitingProofs(std::string_view case_id) override;
  void AddHold(const cases::Hold& hold, int64_t letter_id) override;
  std::vector<std::string> HeldCases(std::string_view customer) override;
  int64_t AddFollowUp(const cases::FollowUp& follow_up, int64_t letter_id,
                      std::string_view payment_id) override;
  bool AddEvent(const EventRecord& event) override;
  void Audit(std::string_view actor, std::string_view subject,
             const cases::AuditNote& note) override;
  void AuditChange(std::string_view actor, std::string_view subject,
                   const cases::AuditNote& note, std::string_view before,
                   std::string_view after) override;
  void FinishJob(int64_t job_id, std::string_view outcome) override;

  std::optional<UserRecord> GetUser(std::string_view name) override;
  void PutUser(const UserRecord& user) override;
  std::vector<UserRecord> Users() override;
  SignInThrottle GetThrottle(std::string_view name) override;
  void PutThrottle(const SignInThrottle& throttle) override;
  void InsertSession(const SessionRecord& session) override;
  std::optional<SessionRecord> GetSession(std::string_view token_hash) override;
  void TouchSession(std::string_view token_hash, int64_t last_seen_ms) override;
  void DeleteSession(std::string_view token_hash) override;
  void DeleteSessionsOf(std::string_view user) override;
  void DeleteSessionsSeenBefore(int64_t ms) override;
  FollowUpPage QueryFollowUps(const FollowUpQuery& query) override;
  std::vector<ReasonCount> FollowUpCounts(const FollowUpQuery& query) override;
  int64_t FollowUpGeneration() override;
  std::optional<FollowUpRecord> GetFollowUp(int64_t id) override;
  std::vector<FollowUpRecord> FollowUpsOf(int64_t letter_id,
                                          std::string_view payment_id) override;
  bool UpdateFollowUp(const FollowUpRecord& follow_up, int64_t expected_version) override;
  std::optional<LetterRecord> GetLetter(int64_t id) override;
  std::vector<LetterRecord> LettersOfCase(std::string_view case_id) override;
  void SetLetterClasses(int64_t id, const std::vector<std::string>& classes) override;
  void AddCorrection(const CorrectionRecord& correction) override;
  std::vector<CorrectionRecord> Corrections() override;
  std::optional<PaymentRecord> GetPayment(std::string_view payment_id) override;
  std::vector<PaymentRecord> PaymentsOfCase(std::string_view case_id) override;
  void SetPaymentDisposition(std::string_view payment_id, std::string_view disposition,
                             int64_t unapplied_minor) override;
  std::optional<CaseRecord> GetCase(std::string_view case_id) override;
  std::vector<InvoiceRecord> InvoicesOfCase(std::string_view case_id) override;
  std::vector<HoldRecord> HoldsOf(std::string_view case_id) override;
  void ReleaseHold(int64_t hold_id, std::string_view released_by) override;
  std::vector<CaseHit> SearchCases(std::string_view text, int limit) override;
  std::vector<LetterHit> SearchLetters(const TextQuery& query, int limit) override;
  std::vector<LetterHit> SearchLettersPostgres(const TextQuery& query, int limit);
  // The letter's file name and text into the full-text index.
  void IndexLetterText(int64_t id, const std::string& file, const std::string& text);
  std::vector<AuditRecord> AuditOf(const std::vector<std::string>& subjects, int64_t limit,
                                   int64_t offset) override;
  int64_t AuditCount() override;

  bool ledger_changed = false;
  bool ids_changed = false;
  bool follow_ups_changed = false;

 private:
  std::unordered_set<std::string> customers_done_;
  std::unordered_set<std::string> cases_done_;
  Stmt& Sql(const char* sql) { return db_.Sql(sql); }
  // A statement whose text is built at run time (filters): prepared each time.
  std::unique_ptr<Stmt> Dynamic(const std::string& sql) { return db_.Prepare(sql); }
  bool postgres() const { return db_.dialect() == Dialect::kPostgres; }
  Db& db_;
  const std::string now_;
};

class SqlStore : public Store {
 public:
  // `open` makes a connection: read-only ones for Read() (SQLite; PostgreSQL's are plain
  // connections whose transactions are read-only). `name` is the path, or the URL with its
  // password masked, for messages.
  using Opener = std::function<std::unique_ptr<Db>(bool read_only)>;
  SqlStore(Dialect dialect, Opener open, std::string name, StoreOptions options)
      : dialect_(dialect), open_(std::move(open)), name_(std::move(name)),
        options_(std::move(options)) {}

  Status Migrate();

  Status Transact(const std::function<void(Txn&)>& fn) override;
  Status Read(const std::function<void(Txn&)>& fn) override;
  Result<int64_t> EnqueueJob(std::string_view kind, std::string_view work_path,
                             std::string_view name, std::string_view received) override;
  Result<std::optional<Job>> ClaimJob(std::string_view kind, std::string_view owner,
                                      int lease_ms, std::string_view after_kind) override;
  Status ReleaseJob(int64_t job_id, bool count_attempt) override;
  Result<bool> FailJob(int64_t job_id, std::string_view error, int max_attempts) override;
  Result<std::vector<Job>> JobsInState(std::string_view state) override;
  Result<bool> KnowsWorkPath(std::string_view work_path) override;
  Status MarkJobArchived(int64_t job_id) override;
  Result<bool> TakeLease(std::string_view name, std::string_view owner, int lease_ms) override;
  Status ReleaseLease(std::string_view name, std::string_view owner) override;
  Result<std::string> LeaseOwner(std::string_view name) override;
  Result<std::vector<EventRecord>> UndeliveredEvents(std::string_view channel,
                                                    std::string_view due_by) override;
  Status MarkDelivered(const std::vector<std::string>& event_ids,
                       std::string_view channel) override;
  Status MarkDeliveryFailed(std::string_view event_id, std::string_view error,
                            std::string_view next_attempt_at) override;
  Result<std::vector<LetterRecord>> Letters() override;
  Result<std::vector<PaymentRecord>> Payments() override;
  Result<std::vector<InvoiceRecord>> Invoices() override;
  Result<std::vector<CaseRecord>> Cases() override;
  Result<std::vector<FollowUpRecord>> FollowUps(bool open_only) override;
  Result<std::vector<EventRecord>> Events() override;
  Result<std::vector<AuditRecord>> AuditLog() override;
  Result<std::vector<QueueCount>> QueueCounts() override;
  Result<std::string> LastActivity() override;
  Status Ping() override;
  int schema_version() const override { return schema_version_; }
  const std::string& path() const override { return name_; }
  std::string Now() const override { return FormatTimeMs(NowMs()); }

  int64_t NowMs() const { return options_.now_ms ? options_.now_ms() : SystemNowMs(); }
  // The writer connection; REQUIRES: mu_ held, inside Guarded/Transact.
  Stmt& Sql(const char* sql) { return writer_->Sql(sql); }

 private:
  Status MigrateSqlite();
  Status MigratePostgres();
  // Runs fn in one transaction on the writer connection under the mutex, turning the
  // drivers' exceptions into a Status (`what` names the operation).
  template <typename T>
  Result<T> Guarded(const char* what, bool write, const std::function<T()>& fn);
  Status GuardedStatus(const char* what, bool write, const std::function<void()>& fn);
  // The Status for a failed transaction; drops a connection that is gone, so the next call
  // connects again.
  Status Failure(const std::string& what, const std::exception& e, std::unique_ptr<Db>* conn);
  // Connects the writer when it is not (first use, or after a lost connection).
  void EnsureWriter();

  // A reader connection for Read(), opened on first use; returned by Release.
  Result<Db*> AcquireReader();
  void ReleaseReader(Db* conn, bool broken);

  const Dialect dialect_;
  const Opener open_;
  const std::string name_;
  const StoreOptions options_;
  int schema_version_ = 0;  // set by Migrate, before other threads see the store

  std::mutex mu_;
  std::unique_ptr<Db> writer_;  // guarded by mu_

  std::mutex readers_mu_;
  std::condition_variable reader_free_;
  std::vector<std::unique_ptr<Db>> readers_;  // guarded by readers_mu_
  std::vector<Db*> idle_readers_;             // guarded by readers_mu_

  friend class SqlTxn;
};

constexpr const char* kInvoiceColumns =
    "invoice, customer, case_id, reference, original_minor, open_minor, currency, due_date, "
    "status, blocking, customer_name, payer_accounts, listed";

InvoiceRecord ReadInvoiceRow(Stmt& s) {
  InvoiceRecord r;
  r.invoice = Col(s, 0);
  r.customer = Col(s, 1);
  r.case_id = Col(s, 2);
  r.reference = Col(s, 3);
  r.original_minor = ColInt(s, 4);
  r.open_minor = ColInt(s, 5);
  r.currency = Col(s, 6);
  r.due_date = Col(s, 7);
  r.status = Col(s, 8);
  r.blocking = ColInt(s, 9) != 0;
  r.customer_name = Col(s, 10);
  r.payer_accounts = FromJson(Col(s, 11));
  r.listed = ColInt(s, 12) != 0;
  return r;
}

std::optional<InvoiceRecord> SqlTxn::GetInvoice(std::string_view invoice) {
  Stmt& s = Sql(
      "SELECT invoice, customer, case_id, reference, original_minor, open_minor, currency, "
      "due_date, status, blocking, customer_name, payer_accounts, listed FROM invoices "
      "WHERE invoice = ?");
  s.bind(1, std::string(invoice));
  if (!s.executeStep()) return std::nullopt;
  return ReadInvoiceRow(s);
}

void SqlTxn::PutInvoice(const InvoiceRecord& r) {
  const std::string now = now_;
  // An import writes the same customer and case for each of their invoices: once is enough.
  if (customers_done_.insert(r.customer + '\x1f' + r.customer_name).second) {
    Stmt& c = Sql(
        "INSERT INTO customers(customer, name) VALUES (?, ?) "
        "ON CONFLICT(customer) DO UPDATE SET name = excluded.name WHERE excluded.name <> ''");
    c.bind(1, r.customer);
    c.bind(2, r.customer_name);
    c.exec();
  }
  const std::string case_id = r.case_id.empty() ? r.customer : r.case_id;
  if (cases_done_.insert(case_id).second) {
    Stmt& k = Sql(
        "INSERT INTO cases(case_id, customer) VALUES (?, ?) ON CONFLICT(case_id) DO NOTHING");
    k.bind(1, case_id);
    k.bind(2, r.customer);
    k.exec();
  }
  Stmt& s = Sql(
      "INSERT INTO invoices(invoice, customer, case_id, reference, original_minor, open_minor, "
      "currency, due_date, status, blocking, customer_name, payer_accounts, listed, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(invoice) DO UPDATE SET "
      "customer = excluded.customer, case_id = excluded.case_id, reference = excluded.reference, "
      "original_minor = excluded.original_minor, open_minor = excluded.open_minor, "
      "currency = excluded.currency, due_date = excluded.due_date, status = excluded.status, "
      "blocking = excluded.blocking, customer_name = excluded.customer_name, "
      "payer_accounts = excluded.payer_accounts, listed = excluded.listed, "
      "updated_at = excluded.updated_at");
  s.bind(1, r.invoice);
  s.bind(2, r.customer);
  s.bind(3, case_id);
  s.bind(4, r.reference);
  s.bind(5, static_cast<int64_t>(r.original_minor));
  s.bind(6, static_cast<int64_t>(r.open_minor));
  s.bind(7, r.currency);
  s.bind(8, r.due_date);
  s.bind(9, r.status);
  s.bind(10, r.blocking ? 1 : 0);
  s.bind(11, r.customer_name);
  s.bind(12, ToJson(r.payer_accounts));
  s.bind(13, r.listed ? 1 : 0);
  s.bind(14, now);
  s.exec();
  ledger_changed = true;
  ids_changed = true;
}

std::vector<InvoiceRecord> SqlTxn::InvoicesOfCustomer(std::string_view customer) {
  Stmt& s = Sql(
      "SELECT invoice, customer, case_id, reference, original_minor, open_minor, currency, "
      "due_date, status, blocking, customer_name, payer_accounts, listed FROM invoices "
      "WHERE customer = ? ORDER BY invoice");
  s.bind(1, std::string(customer));
  std::vector<InvoiceRecord> out;
  while (s.executeStep()) out.push_back(ReadInvoiceRow(s));
  return out;
}

void SqlTxn::ForEachInvoice(const std::function<void(InvoiceRecord&&)>& fn) {
  // Not a cached statement: fn may run other statements of this transaction.
  std::unique_ptr<Stmt> s =
      db_.Stream(std::string("SELECT ") + kInvoiceColumns + " FROM invoices ORDER BY rowid");
  while (s->executeStep()) fn(ReadInvoiceRow(*s));
}

int64_t SqlTxn::LedgerGeneration() {
  Stmt& s = Sql("SELECT value FROM meta WHERE key = 'ledger_generation'");
  if (!s.executeStep()) throw StoreError("meta.ledger_generation is missing");
  return std::stoll(Col(s, 0));
}

int64_t SqlTxn::IdentifierGeneration() {
  Stmt& s = Sql("SELECT value FROM meta WHERE key = 'ids_generation'");
  if (!s.executeStep()) throw StoreError("meta.ids_generation is missing");
  return std::stoll(Col(s, 0));
}

std::optional<int64_t> SqlTxn::FindPaymentFile(std::string_view sha256) {
  Stmt& s = Sql("SELECT id FROM payment_files WHERE sha256 = ?");
  s.bind(1, std::string(sha256));
  if (!s.executeStep()) return std::nullopt;
  return ColInt(s, 0);
}

int64_t SqlTxn::InsertPaymentFile(const PaymentFileRecord& f) {
  Stmt& s = Sql(
      "INSERT INTO payment_files(sha256, file, format, transactions, applied, duplicates, "
      "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
  s.bind(1, f.sha256);
  s.bind(2, f.file);
  s.bind(3, f.format);
  s.bind(4, static_cast<int64_t>(f.transactions));
  s.bind(5, static_cast<int64_t>(f.applied));
  s.bind(6, static_cast<int64_t>(f.duplicates));
  s.bind(7, now_);
  if (!s.executeStep()) throw StoreError("payment file not inserted");
  return ColInt(s, 0);
}

bool SqlTxn::HasPayment(std::string_view payment_id) {
  Stmt& s = Sql("SELECT 1 FROM payments WHERE payment_id = ?");
  s.bind(1, std::string(payment_id));
  return s.executeStep();
}

void SqlTxn::InsertPayment(const PaymentRecord& p) {
  Stmt& s = Sql(
      "INSERT INTO payments(payment_id, file_id, amount_minor, currency, booking_date, refs, "
      "text, payer, direction, reversal, decision, unapplied_minor, customer, case_id, reasons, "
      "candidates, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, p.payment_id);
  s.bind(2, static_cast<int64_t>(p.file_id));
  s.bind(3, static_cast<int64_t>(p.amount_minor));
  s.bind(4, p.currency);
  s.bind(5, p.booking_date);
  s.bind(6, ToJson(p.references));
  s.bind(7, p.text);
  s.bind(8, p.payer);
  s.bind(9, p.direction);
  s.bind(10, p.reversal ? 1 : 0);
  s.bind(11, p.decision);
  s.bind(12, static_cast<int64_t>(p.unapplied_minor));
  s.bind(13, p.customer);
  s.bind(14, p.case_id);
  s.bind(15, p.reasons_json);
  s.bind(16, p.candidates_json);
  s.bind(17, now_);
  s.exec();
}

void SqlTxn::AddAllocation(std::string_view payment_id, std::string_view invoice,
                              int64_t amount_minor) {
  // The open amount is lowered only when it covers the allocation: one guarded UPDATE,
  // so no allocation can take an invoice below zero whatever the caller computed.
  Stmt& u = Sql(
      "UPDATE invoices SET open_minor = open_minor - ?1, "
      "status = CASE WHEN open_minor - ?1 = 0 AND status = 'open' THEN 'paid' ELSE status END, "
      "updated_at = ?2 WHERE invoice = ?3 AND ?1 > 0 AND open_minor >= ?1");
  u.bind(1, static_cast<int64_t>(amount_minor));
  u.bind(2, now_);
  u.bind(3, std::string(invoice));
  if (u.exec() != 1) {
    std::optional<InvoiceRecord> inv = GetInvoice(invoice);
    if (!inv) throw StoreError("allocation to unknown invoice " + std::string(invoice));
    throw StoreError("allocation of " + std::to_string(amount_minor) + " to " + inv->invoice +
                     " exceeds its open amount " + std::to_string(inv->open_minor));
  }
  Stmt& a = Sql(
      "INSERT INTO allocations(payment_id, invoice, amount_minor, recorded_at) "
      "VALUES (?, ?, ?, ?)");
  a.bind(1, std::string(payment_id));
  a.bind(2, std::string(invoice));
  a.bind(3, static_cast<int64_t>(amount_minor));
  a.bind(4, now_);
  a.exec();
  ledger_changed = true;
}

std::vector<cases::BookedPayment> SqlTxn::BookedPayments(
    const std::vector<std::string>& case_ids, std::string_view since) {
  std::vector<cases::BookedPayment> out;
  Stmt& s = Sql(
      "SELECT p.payment_id, i.case_id, p.booking_date, SUM(a.amount_minor) FROM payments p "
      "JOIN allocations a ON a.payment_id = p.payment_id JOIN invoices i ON i.invoice = a.invoice "
      "WHERE i.case_id = ? AND p.booking_date >= ? AND p.direction = 'credit' "
      "GROUP BY p.payment_id, i.case_id ORDER BY p.booking_date");
  for (const std::string& id : case_ids) {
    s.reset();
    s.bind(1, id);
    s.bind(2, std::string(since));
    while (s.executeStep()) {
      out.push_back({Col(s, 0), Col(s, 1), Col(s, 2), ColInt(s, 3)});
    }
  }
  return out;
}

std::optional<int64_t> SqlTxn::FindLetter(std::string_view sha256) {
  Stmt& s = Sql("SELECT id FROM letters WHERE sha256 = ?");
  s.bind(1, std::string(sha256));
  if (!s.executeStep()) return std::nullopt;
  return ColInt(s, 0);
}

int64_t SqlTxn::InsertLetter(const LetterRecord& l) {
  Stmt& s = Sql(
      "INSERT INTO letters(sha256, file, source, received, stored_path, kind, language, classes, "
      "legal, jurisdiction, deadline, statute, needs_human, needs_human_reasons, classification, "
      "entities, model_version, rules_version, decision_rules_version, case_id, status, "
      "proof_wait_until, proof_payment_id, recorded_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "RETURNING id");
  int i = 1;
  for (const std::string* v : {&l.sha256, &l.file, &l.source, &l.received, &l.stored_path,
                               &l.kind, &l.language}) {
    s.bind(i++, *v);
  }
  s.bind(i++, ToJson(l.classes));
  for (const std::string* v : {&l.legal, &l.jurisdiction, &l.deadline, &l.statute}) {
    s.bind(i++, *v);
  }
  s.bind(i++, l.needs_human ? 1 : 0);
  s.bind(i++, ToJson(l.needs_human_reasons));
  for (const std::string* v :
       {&l.classification_json, &l.entities_json, &l.model_version, &l.rules_version,
        &l.decision_rules_version, &l.case_id, &l.status, &l.proof_wait_until,
        &l.proof_payment_id}) {
    s.bind(i++, *v);
  }
  s.bind(i++, now_);
  if (!s.executeStep()) throw StoreError("letter not inserted");
  const int64_t id = ColInt(s, 0);
  Stmt& p = Sql(
      "INSERT INTO letter_pages(letter_id, page, text, confidence, words, image, width, height, "
      "image_scale) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const PageRecord& page : l.pages) {
    p.reset();
    p.bind(1, static_cast<int64_t>(id));
    p.bind(2, page.page);
    p.bind(3, page.text);
    p.bind(4, page.confidence);
    p.bind(5, page.words_json);
    p.bind(6, page.image_path);
    p.bind(7, page.width);
    p.bind(8, page.height);
    p.bind(9, page.image_scale);
    p.exec();
  }
  std::string text;
  for (const PageRecord& page : l.pages) {
    if (!text.empty()) text += "\n\n";
    text += page.text;
  }
  IndexLetterText(id, l.file, text);
  return id;
}

void SqlTxn::UpdateLetter(int64_t id, std::string_view status, std::string_view case_id,
                             std::string_view proof_payment_id) {
  Stmt& s = Sql(
      "UPDATE letters SET status = ?, case_id = ?, proof_payment_id = ? WHERE id = ?");
  s.bind(1, std::string(status));
  s.bind(2, std::string(case_id));
  s.bind(3, std::string(proof_payment_id));
  s.bind(4, static_cast<int64_t>(id));
  s.exec();
}

std::vector<cases::WaitingProof> SqlTxn::WaitingProofs(std::string_view case_id) {
  Stmt& s = Sql(
      "SELECT id, case_id, proof_wait_until FROM letters WHERE status = 'waiting_payment' "
      "AND (?1 = '' OR case_id = ?1) ORDER BY id");
  s.bind(1, std::string(case_id));
  std::vector<cases::WaitingProof> out;
  while (s.executeStep()) out.push_back({ColInt(s, 0), Col(s, 1), Col(s, 2)});
  return out;
}

void SqlTxn::AddHold(const cases::Hold& hold, int64_t letter_id) {
  Stmt& s = Sql(
      "INSERT INTO holds(case_id, letter_id, reason, rule_id, created_at) VALUES (?, ?, ?, ?, ?)");
  s.bind(1, hold.case_id);
  if (letter_id > 0) {
    s.bind(2, static_cast<int64_t>(letter_id));
  } else {
    s.bind(2);
  }
  s.bind(3, hold.reason);
  s.bind(4, hold.rule_id);
  s.bind(5, now_);
  s.exec();
}

std::vector<std::string> SqlTxn::HeldCases(std::string_view customer) {
  Stmt& s = Sql(
      "SELECT DISTINCT h.case_id FROM holds h JOIN cases c ON c.case_id = h.case_id "
      "WHERE c.customer = ? AND h.released_at = '' ORDER BY h.case_id");
  s.bind(1, std::string(customer));
  std::vector<std::string> out;
  while (s.executeStep()) out.push_back(Col(s, 0));
  return out;
}

int64_t SqlTxn::AddFollowUp(const cases::FollowUp& f, int64_t letter_id,
                               std::string_view payment_id) {
  Stmt& s = Sql(
      "INSERT INTO follow_ups(kind, reasons, deadline, priority, case_id, candidates, rule_id, "
      "letter_id, payment_id, created_at, due, classes, legal, language) "
      "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
      "CASE WHEN ?3 = '' THEN '9999-12-31' ELSE ?3 END, "
      "COALESCE(l.classes, '[]'), COALESCE(l.legal, ''), COALESCE(l.language, '') "
      "FROM (SELECT 1) AS one LEFT JOIN letters l ON l.id = ?8 RETURNING id");
  s.bind(1, f.kind);
  s.bind(2, ToJson(f.reasons));
  s.bind(3, f.deadline);
  s.bind(4, f.priority);
  s.bind(5, f.case_id);
  s.bind(6, ToJson(f.candidates));
  s.bind(7, f.rule_id);
  if (letter_id > 0) {
    s.bind(8, static_cast<int64_t>(letter_id));
  } else {
    s.bind(8);
  }
  s.bind(9, std::string(payment_id));
  s.bind(10, now_);
  if (!s.executeStep()) throw StoreError("follow-up not inserted");
  follow_ups_changed = true;
  return ColInt(s, 0);
}

bool SqlTxn::AddEvent(const EventRecord& e) {
  Stmt& s = Sql(
      "INSERT INTO events(event_id, idempotency_key, type, customer, case_id, invoices, "
      "payment_id, at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT(idempotency_key) DO NOTHING");
  s.bind(1, e.event_id);
  s.bind(2, e.idempotency_key);
  s.bind(3, e.type);
  s.bind(4, e.customer);
  s.bind(5, e.case_id);
  s.bind(6, ToJson(e.invoices));
  s.bind(7, e.payment_id);
  s.bind(8, e.at);
  s.bind(9, e.body_json);
  return s.exec() == 1;
}

void SqlTxn::Audit(std::string_view actor, std::string_view subject,
                      const cases::AuditNote& note) {
  AuditChange(actor, subject, note, "", "");
}

void SqlTxn::AuditChange(std::string_view actor, std::string_view subject,
                            const cases::AuditNote& note, std::string_view before,
                            std::string_view after) {
  Stmt& s = Sql(
      "INSERT INTO audit(at, actor, subject, action, rule_id, reason, score, before, after) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, now_);
  s.bind(2, std::string(actor));
  s.bind(3, std::string(subject));
  s.bind(4, note.action);
  s.bind(5, note.rule_id);
  s.bind(6, note.reason);
  if (note.score) {
    s.bind(7, *note.score);
  } else {
    s.bind(7);
  }
  s.bind(8, std::string(before));
  s.bind(9, std::string(after));
  s.exec();
}

void SqlTxn::FinishJob(int64_t job_id, std::string_view outcome) {
  Stmt& s = Sql(
      "UPDATE jobs SET state = 'done', outcome = ?, lease_owner = '', updated_at = ? "
      "WHERE id = ?");
  s.bind(1, std::string(outcome));
  s.bind(2, now_);
  s.bind(3, static_cast<int64_t>(job_id));
  if (s.exec() != 1) throw StoreError("job " + std::to_string(job_id) + " does not exist");
}

// ---- The review queue ------------------------------------------------------------------------

std::optional<UserRecord> SqlTxn::GetUser(std::string_view name) {
  Stmt& s = Sql(
      "SELECT name, role, password_hash, disabled, created_at, updated_at FROM users "
      "WHERE name = ?");
  s.bind(1, std::string(name));
  if (!s.executeStep()) return std::nullopt;
  return UserRecord{Col(s, 0), Col(s, 1), Col(s, 2), ColInt(s, 3) != 0, Col(s, 4), Col(s, 5)};
}

void SqlTxn::PutUser(const UserRecord& u) {
  Stmt& s = Sql(
      "INSERT INTO users(name, role, password_hash, disabled, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT(name) DO UPDATE SET role = ?2, "
      "password_hash = ?3, disabled = ?4, updated_at = ?5");
  s.bind(1, u.name);
  s.bind(2, u.role);
  s.bind(3, u.password_hash);
  s.bind(4, u.disabled ? 1 : 0);
  s.bind(5, now_);
  s.exec();
}

std::vector<UserRecord> SqlTxn::Users() {
  Stmt& s = Sql(
      "SELECT name, role, password_hash, disabled, created_at, updated_at FROM users "
      "ORDER BY name");
  std::vector<UserRecord> out;
  while (s.executeStep()) {
    out.push_back({Col(s, 0), Col(s, 1), Col(s, 2), ColInt(s, 3) != 0, Col(s, 4), Col(s, 5)});
  }
  return out;
}

SignInThrottle SqlTxn::GetThrottle(std::string_view name) {
  Stmt& s =
      Sql("SELECT failures, locked_until_ms FROM sign_in_throttle WHERE name = ?");
  s.bind(1, std::string(name));
  SignInThrottle t;
  t.name = std::string(name);
  if (s.executeStep()) {
    t.failures = static_cast<int>(ColInt(s, 0));
    t.locked_until_ms = ColInt(s, 1);
  }
  return t;
}

void SqlTxn::PutThrottle(const SignInThrottle& t) {
  if (t.failures == 0 && t.locked_until_ms == 0) {
    Stmt& d = Sql("DELETE FROM sign_in_throttle WHERE name = ?");
    d.bind(1, t.name);
    d.exec();
    return;
  }
  Stmt& s = Sql(
      "INSERT INTO sign_in_throttle(name, failures, locked_until_ms) VALUES (?1, ?2, ?3) "
      "ON CONFLICT(name) DO UPDATE SET failures = ?2, locked_until_ms = ?3");
  s.bind(1, t.name);
  s.bind(2, t.failures);
  s.bind(3, static_cast<int64_t>(t.locked_until_ms));
  s.exec();
}

void SqlTxn::InsertSession(const SessionRecord& r) {
  Stmt& s = Sql(
      "INSERT INTO sessions(token_hash, \"user\", csrf_token, created_ms, last_seen_ms) "
      "VALUES (?, ?, ?, ?, ?)");
  s.bind(1, r.token_hash);
  s.bind(2, r.user);
  s.bind(3, r.csrf_token);
  s.bind(4, static_cast<int64_t>(r.created_ms));
  s.bind(5, static_cast<int64_t>(r.last_seen_ms));
  s.exec();
}

std::optional<SessionRecord> SqlTxn::GetSession(std::string_view token_hash) {
  Stmt& s = Sql(
      "SELECT token_hash, \"user\", csrf_token, created_ms, last_seen_ms FROM sessions "
      "WHERE token_hash = ?");
  s.bind(1, std::string(token_hash));
  if (!s.executeStep()) return std::nullopt;
  return SessionRecord{Col(s, 0), Col(s, 1), Col(s, 2), ColInt(s, 3), ColInt(s, 4)};
}

void SqlTxn::TouchSession(std::string_view token_hash, int64_t last_seen_ms) {
  Stmt& s = Sql("UPDATE sessions SET last_seen_ms = ? WHERE token_hash = ?");
  s.bind(1, static_cast<int64_t>(last_seen_ms));
  s.bind(2, std::string(token_hash));
  s.exec();
}

void SqlTxn::DeleteSession(std::string_view token_hash) {
  Stmt& s = Sql("DELETE FROM sessions WHERE token_hash = ?");
  s.bind(1, std::string(token_hash));
  s.exec();
}

void SqlTxn::DeleteSessionsOf(std::string_view user) {
  Stmt& s = Sql("DELETE FROM sessions WHERE \"user\" = ?");
  s.bind(1, std::string(user));
  s.exec();
}

void SqlTxn::DeleteSessionsSeenBefore(int64_t ms) {
  Stmt& s = Sql("DELETE FROM sessions WHERE last_seen_ms < ?");
  s.bind(1, static_cast<int64_t>(ms));
  s.exec();
}

#define PURR_FOLLOW_UP_COLUMNS                                                                \
  "f.id, f.kind, f.reasons, f.deadline, f.priority, f.case_id, f.candidates, f.rule_id, "     \
  "COALESCE(f.letter_id, 0), COALESCE(l.file, ''), f.payment_id, f.created_at, f.status, "        \
  "f.assignee, f.resolved_by, f.resolved_at, f.comment, f.version, f.classes, f.legal, "      \
  "f.language"
#define PURR_FOLLOW_UP_FROM " FROM follow_ups f LEFT JOIN letters l ON l.id = f.letter_id "

FollowUpRecord ReadFollowUp(Stmt& s) {
  FollowUpRecord r;
  r.id = ColInt(s, 0);
  r.follow_up.kind = Col(s, 1);
  r.follow_up.reasons = FromJson(Col(s, 2));
  r.follow_up.deadline = Col(s, 3);
  r.follow_up.priority = static_cast<int>(ColInt(s, 4));
  r.follow_up.case_id = Col(s, 5);
  r.follow_up.candidates = FromJson(Col(s, 6));
  r.follow_up.rule_id = Col(s, 7);
  r.letter_id = ColInt(s, 8);
  r.letter_file = Col(s, 9);
  r.payment_id = Col(s, 10);
  r.created_at = Col(s, 11);
  r.status = Col(s, 12);
  r.assignee = Col(s, 13);
  r.resolved_by = Col(s, 14);
  r.resolved_at = Col(s, 15);
  r.comment = Col(s, 16);
  r.version = ColInt(s, 17);
  r.classes = FromJson(Col(s, 18));
  r.legal = Col(s, 19);
  r.language = Col(s, 20);
  return r;
}

// The WHERE clause of a queue query and its parameters, in order. Every value is bound:
// the text of a filter never becomes SQL.
struct QueueFilter {
  std::string where;
  std::vector<std::string> params;
};

// A value for LIKE with its wildcards escaped (ESCAPE '\').
std::string LikeLiteral(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

QueueFilter FilterOf(const FollowUpQuery& q, bool with_reason) {
  QueueFilter f;
  auto add = [&](const char* clause, std::string value) {
    f.where += f.where.empty() ? " WHERE " : " AND ";
    f.where += clause;
    f.params.push_back(std::move(value));
  };
  if (!q.status.empty()) add("f.status = ?", q.status);
  if (with_reason && !q.reason.empty()) add("f.rule_id = ?", q.reason);
  if (!q.cls.empty()) add("f.classes LIKE ? ESCAPE '\\'", "%\"" + LikeLiteral(q.cls) + "\"%");
  if (!q.legal.empty()) add("f.legal = ?", q.legal);
  if (!q.language.empty()) add("f.language = ?", q.language);
  if (q.assignee == "-") {
    add("f.assignee = ?", "");
  } else if (!q.assignee.empty()) {
    add("f.assignee = ?", q.assignee);
  }
  if (!q.overdue_before.empty()) add("f.due < ?", q.overdue_before);
  if (!q.created_before.empty()) add("f.created_at < ?", q.created_before);
  return f;
}

void BindAll(Stmt& s, const std::vector<std::string>& params) {
  int i = 1;
  for (const std::string& p : params) s.bind(i++, p);
}

FollowUpPage SqlTxn::QueryFollowUps(const FollowUpQuery& q) {
  QueueFilter filter = FilterOf(q, true);
  FollowUpPage page;
  page.total = -1;
  if (q.count_total) {
    std::unique_ptr<Stmt> c =
        Dynamic("SELECT count(*) FROM follow_ups f" + filter.where);
    BindAll(*c, filter.params);
    if (c->executeStep()) page.total = c->getColumn(0).getInt64();
  }
  // Keyset paging walks the queue index from the cursor; `before` walks it backwards.
  const bool backwards = q.before.has_value() && !q.after.has_value();
  const std::optional<FollowUpPosition>& cursor = backwards ? q.before : q.after;
  std::string where = filter.where;
  // With the status fixed by the filter, the comparison leaves it out: SQLite then walks
  // the index range after "status = ?" instead of testing every row of that status.
  const bool same_status = cursor && !q.status.empty() && cursor->status == q.status;
  if (cursor) {
    where += where.empty() ? " WHERE " : " AND ";
    where += same_status ? "(f.due, f.priority, f.id) " : "(f.status, f.due, f.priority, f.id) ";
    where += backwards ? "<" : ">";
    where += same_status ? " (?, ?, ?)" : " (?, ?, ?, ?)";
  }
  const char* order = backwards ? " ORDER BY f.status DESC, f.due DESC, f.priority DESC, f.id DESC"
                                : " ORDER BY f.status, f.due, f.priority, f.id";
  // The page's ids come from the queue index alone (an offset skips index entries, not
  // joined rows); only the page itself is joined with its letters. One row more than asked
  // tells whether the queue goes on.
  std::unique_ptr<Stmt> s = Dynamic(
      "SELECT " PURR_FOLLOW_UP_COLUMNS ", f.due" PURR_FOLLOW_UP_FROM
      "WHERE f.id IN (SELECT f.id FROM follow_ups f" + where + order + " LIMIT ? OFFSET ?)" +
      order);
  BindAll(*s, filter.params);
  int n = static_cast<int>(filter.params.size());
  if (cursor) {
    if (!same_status) s->bind(++n, cursor->status);
    s->bind(++n, cursor->due);
    s->bind(++n, static_cast<int64_t>(cursor->priority));
    s->bind(++n, static_cast<int64_t>(cursor->id));
  }
  const int64_t limit = std::clamp<int64_t>(q.limit, 0, 1000);
  s->bind(++n, static_cast<int64_t>(limit + 1));
  s->bind(++n, static_cast<int64_t>(std::max<int64_t>(q.offset, 0)));
  std::vector<FollowUpPosition> positions;
  while (s->executeStep()) {
    FollowUpRecord r = ReadFollowUp(*s);
    positions.push_back({r.status, Col(*s, 21), r.follow_up.priority, r.id});
    page.items.push_back(std::move(r));
  }
  const bool more = static_cast<int64_t>(page.items.size()) > limit;
  if (more) {
    page.items.pop_back();
    positions.pop_back();
  }
  if (backwards) {
    std::reverse(page.items.begin(), page.items.end());
    std::reverse(positions.begin(), positions.end());
    page.more_before = more;
    page.more_after = true;
  } else {
    page.more_after = more;
    page.more_before = q.after.has_value() || q.offset > 0;
  }
  if (!positions.empty()) {
    page.first = positions.front();
    page.last = positions.back();
  }
  return page;
}

std::vector<ReasonCount> SqlTxn::FollowUpCounts(const FollowUpQuery& q) {
  QueueFilter filter = FilterOf(q, false);
  std::unique_ptr<Stmt> s = Dynamic(
      "SELECT f.rule_id, count(*) FROM follow_ups f" + filter.where +
      " GROUP BY f.rule_id ORDER BY count(*) DESC, f.rule_id");
  BindAll(*s, filter.params);
  std::vector<ReasonCount> out;
  while (s->executeStep()) out.push_back({s->getColumn(0).getString(), s->getColumn(1).getInt64()});
  return out;
}

int64_t SqlTxn::FollowUpGeneration() {
  Stmt& s =
      Sql("SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'follow_ups_generation'");
  return s.executeStep() ? ColInt(s, 0) : 0;
}

std::optional<FollowUpRecord> SqlTxn::GetFollowUp(int64_t id) {
  Stmt& s =
      Sql("SELECT " PURR_FOLLOW_UP_COLUMNS PURR_FOLLOW_UP_FROM "WHERE f.id = ?");
  s.bind(1, static_cast<int64_t>(id));
  if (!s.executeStep()) return std::nullopt;
  return ReadFollowUp(s);
}

std::vector<FollowUpRecord> SqlTxn::FollowUpsOf(int64_t letter_id,
                                                   std::string_view payment_id) {
  Stmt& s = Sql(
      "SELECT " PURR_FOLLOW_UP_COLUMNS PURR_FOLLOW_UP_FROM
      "WHERE (?1 > 0 AND f.letter_id = ?1) OR (?2 <> '' AND f.payment_id = ?2) ORDER BY f.id");
  s.bind(1, static_cast<int64_t>(letter_id));
  s.bind(2, std::string(payment_id));
  std::vector<FollowUpRecord> out;
  while (s.executeStep()) out.push_back(ReadFollowUp(s));
  return out;
}

bool SqlTxn::UpdateFollowUp(const FollowUpRecord& f, int64_t expected_version) {
  Stmt& s = Sql(
      "UPDATE follow_ups SET status = ?, assignee = ?, resolved_by = ?, resolved_at = ?, "
      "comment = ?, case_id = ?, version = version + 1 WHERE id = ? AND version = ?");
  s.bind(1, f.status);
  s.bind(2, f.assignee);
  s.bind(3, f.resolved_by);
  s.bind(4, f.resolved_at);
  s.bind(5, f.comment);
  s.bind(6, f.follow_up.case_id);
  s.bind(7, static_cast<int64_t>(f.id));
  s.bind(8, static_cast<int64_t>(expected_version));
  const bool done = s.exec() == 1;
  if (done) follow_ups_changed = true;
  return done;
}

#define PURR_LETTER_COLUMNS                                                                   \
  "id, sha256, file, source, received, stored_path, kind, language, classes, legal, "         \
  "jurisdiction, deadline, statute, needs_human, needs_human_reasons, model_version, "        \
  "rules_version, decision_rules_version, case_id, status, proof_wait_until, "                \
  "proof_payment_id, classification, entities"

LetterRecord ReadLetter(Stmt& s) {
  LetterRecord l;
  l.id = ColInt(s, 0);
  l.sha256 = Col(s, 1);
  l.file = Col(s, 2);
  l.source = Col(s, 3);
  l.received = Col(s, 4);
  l.stored_path = Col(s, 5);
  l.kind = Col(s, 6);
  l.language = Col(s, 7);
  l.classes = FromJson(Col(s, 8));
  l.legal = Col(s, 9);
  l.jurisdiction = Col(s, 10);
  l.deadline = Col(s, 11);
  l.statute = Col(s, 12);
  l.needs_human = ColInt(s, 13) != 0;
  l.needs_human_reasons = FromJson(Col(s, 14));
  l.model_version = Col(s, 15);
  l.rules_version = Col(s, 16);
  l.decision_rules_version = Col(s, 17);
  l.case_id = Col(s, 18);
  l.status = Col(s, 19);
  l.proof_wait_until = Col(s, 20);
  l.proof_payment_id = Col(s, 21);
  l.classification_json = Col(s, 22);
  l.entities_json = Col(s, 23);
  return l;
}

std::optional<LetterRecord> SqlTxn::GetLetter(int64_t id) {
  Stmt& s = Sql("SELECT " PURR_LETTER_COLUMNS " FROM letters WHERE id = ?");
  s.bind(1, static_cast<int64_t>(id));
  if (!s.executeStep()) return std::nullopt;
  LetterRecord l = ReadLetter(s);
  Stmt& p = Sql(
      "SELECT page, text, confidence, words, image, width, height, image_scale "
      "FROM letter_pages WHERE letter_id = ? ORDER BY page");
  p.bind(1, static_cast<int64_t>(id));
  while (p.executeStep()) {
    PageRecord r;
    r.page = static_cast<int>(ColInt(p, 0));
    r.text = Col(p, 1);
    r.confidence = p.getColumn(2).getDouble();
    r.words_json = Col(p, 3);
    r.image_path = Col(p, 4);
    r.width = static_cast<int>(ColInt(p, 5));
    r.height = static_cast<int>(ColInt(p, 6));
    r.image_scale = p.getColumn(7).getDouble();
    l.pages.push_back(std::move(r));
  }
  return l;
}

std::vector<LetterRecord> SqlTxn::LettersOfCase(std::string_view case_id) {
  Stmt& s =
      Sql("SELECT " PURR_LETTER_COLUMNS " FROM letters WHERE case_id = ? ORDER BY id");
  s.bind(1, std::string(case_id));
  std::vector<LetterRecord> out;
  while (s.executeStep()) out.push_back(ReadLetter(s));
  return out;
}

void SqlTxn::SetLetterClasses(int64_t id, const std::vector<std::string>& classes) {
  Stmt& s = Sql("UPDATE letters SET classes = ? WHERE id = ?");
  s.bind(1, ToJson(classes));
  s.bind(2, static_cast<int64_t>(id));
  if (s.exec() != 1) throw StoreError("letter " + std::to_string(id) + " does not exist");
  Stmt& f = Sql(
      "UPDATE follow_ups SET classes = ?, version = version + 1 WHERE letter_id = ?");
  f.bind(1, ToJson(classes));
  f.bind(2, static_cast<int64_t>(id));
  f.exec();
  follow_ups_changed = true;
}

void SqlTxn::AddCorrection(const CorrectionRecord& c) {
  Stmt& s = Sql(
      "INSERT INTO corrections(letter_id, classes_before, classes_after, \"user\", model_version, "
      "at) VALUES (?, ?, ?, ?, ?, ?)");
  s.bind(1, static_cast<int64_t>(c.letter_id));
  s.bind(2, ToJson(c.classes_before));
  s.bind(3, ToJson(c.classes_after));
  s.bind(4, c.user);
  s.bind(5, c.model_version);
  s.bind(6, now_);
  s.exec();
}

std::vector<CorrectionRecord> SqlTxn::Corrections() {
  Stmt& s = Sql(
      "SELECT id, letter_id, classes_before, classes_after, \"user\", model_version, at "
      "FROM corrections ORDER BY id");
  std::vector<CorrectionRecord> out;
  while (s.executeStep()) {
    out.push_back({ColInt(s, 0), ColInt(s, 1), FromJson(Col(s, 2)), FromJson(Col(s, 3)),
                   Col(s, 4), Col(s, 5), Col(s, 6)});
  }
  return out;
}

#define PURR_PAYMENT_COLUMNS                                                                  \
  "p.payment_id, p.file_id, f.file, p.amount_minor, p.currency, p.booking_date, p.refs, "     \
  "p.text, p.payer, p.direction, p.reversal, p.decision, p.unapplied_minor, p.customer, "     \
  "p.case_id, p.reasons, p.candidates, p.recorded_at, p.disposition"

PaymentRecord ReadPayment(Stmt& s) {
  PaymentRecord p;
  p.payment_id = Col(s, 0);
  p.file_id = ColInt(s, 1);
  p.file = Col(s, 2);
  p.amount_minor = ColInt(s, 3);
  p.currency = Col(s, 4);
  p.booking_date = Col(s, 5);
  p.references = FromJson(Col(s, 6));
  p.text = Col(s, 7);
  p.payer = Col(s, 8);
  p.direction = Col(s, 9);
  p.reversal = ColInt(s, 10) != 0;
  p.decision = Col(s, 11);
  p.unapplied_minor = ColInt(s, 12);
  p.customer = Col(s, 13);
  p.case_id = Col(s, 14);
  p.reasons_json = Col(s, 15);
  p.candidates_json = Col(s, 16);
  p.recorded_at = Col(s, 17);
  p.disposition = Col(s, 18);
  return p;
}

std::optional<PaymentRecord> SqlTxn::GetPayment(std::string_view payment_id) {
  Stmt& s = Sql("SELECT " PURR_PAYMENT_COLUMNS " FROM payments p "
                             "JOIN payment_files f ON f.id = p.file_id WHERE p.payment_id = ?");
  s.bind(1, std::string(payment_id));
  if (!s.executeStep()) return std::nullopt;
  PaymentRecord p = ReadPayment(s);
  Stmt& a = Sql(
      "SELECT invoice, amount_minor FROM allocations WHERE payment_id = ? ORDER BY id");
  a.bind(1, std::string(payment_id));
  while (a.executeStep()) p.allocations.push_back({Col(a, 0), ColInt(a, 1)});
  return p;
}

std::vector<PaymentRecord> SqlTxn::PaymentsOfCase(std::string_view case_id) {
  Stmt& s = Sql(
      "SELECT p.payment_id FROM payments p LEFT JOIN allocations a "
      "ON a.payment_id = p.payment_id LEFT JOIN invoices i ON i.invoice = a.invoice "
      "WHERE i.case_id = ?1 OR p.case_id = ?1 GROUP BY p.payment_id, p.booking_date "
      "ORDER BY p.booking_date, p.payment_id");
  s.bind(1, std::string(case_id));
  std::vector<std::string> ids;
  while (s.executeStep()) ids.push_back(Col(s, 0));
  std::vector<PaymentRecord> out;
  for (const std::string& id : ids) {
    if (std::optional<PaymentRecord> p = GetPayment(id)) out.push_back(std::move(*p));
  }
  return out;
}

void SqlTxn::SetPaymentDisposition(std::string_view payment_id, std::string_view disposition,
                                      int64_t unapplied_minor) {
  Stmt& s = Sql(
      "UPDATE payments SET disposition = ?, unapplied_minor = ? WHERE payment_id = ?");
  s.bind(1, std::string(disposition));
  s.bind(2, static_cast<int64_t>(unapplied_minor));
  s.bind(3, std::string(payment_id));
  if (s.exec() != 1) throw StoreError("payment " + std::string(payment_id) + " does not exist");
}

std::optional<CaseRecord> SqlTxn::GetCase(std::string_view case_id) {
  Stmt& c = Sql("SELECT case_id, customer FROM cases WHERE case_id = ?");
  c.bind(1, std::string(case_id));
  if (!c.executeStep()) return std::nullopt;
  CaseRecord r{Col(c, 0), Col(c, 1), "open", {}, {}, {}, {}};
  bool open_invoice = false;
  for (const InvoiceRecord& inv : InvoicesOfCase(case_id)) {
    r.invoices.push_back(inv.invoice);
    if (inv.open_minor > 0 && inv.status == "open") open_invoice = true;
  }
  for (const HoldRecord& h : HoldsOf(case_id)) {
    if (h.released_at.empty()) r.holds.push_back(h.reason);
  }
  for (const LetterRecord& l : LettersOfCase(case_id)) r.letters.push_back(l.id);
  Stmt& p = Sql(
      "SELECT a.payment_id FROM allocations a JOIN invoices i ON i.invoice = a.invoice "
      "WHERE i.case_id = ? GROUP BY a.payment_id ORDER BY MIN(a.id)");
  p.bind(1, std::string(case_id));
  while (p.executeStep()) {
    std::string id = Col(p, 0);
    if (std::find(r.payments.begin(), r.payments.end(), id) == r.payments.end()) {
      r.payments.push_back(id);
    }
  }
  Stmt& f =
      Sql("SELECT count(*) FROM follow_ups WHERE case_id = ? AND status = 'open'");
  f.bind(1, std::string(case_id));
  const bool follow_up = f.executeStep() && ColInt(f, 0) > 0;
  Stmt& e =
      Sql("SELECT count(*) FROM events WHERE case_id = ? AND type = 'reactivation'");
  e.bind(1, std::string(case_id));
  const bool reactivated = e.executeStep() && ColInt(e, 0) > 0;
  if (!r.holds.empty()) {
    r.flag = "hold";
  } else if (follow_up) {
    r.flag = "follow-up";
  } else if (reactivated) {
    r.flag = "reactivated";
  } else if (!open_invoice && !r.invoices.empty()) {
    r.flag = "settled";
  }
  return r;
}

std::vector<InvoiceRecord> SqlTxn::InvoicesOfCase(std::string_view case_id) {
  Stmt& s = Sql(
      "SELECT invoice, customer, case_id, reference, original_minor, open_minor, currency, "
      "due_date, status, blocking, customer_name, payer_accounts, listed FROM invoices "
      "WHERE case_id = ? ORDER BY invoice");
  s.bind(1, std::string(case_id));
  std::vector<InvoiceRecord> out;
  while (s.executeStep()) out.push_back(ReadInvoiceRow(s));
  return out;
}

std::vector<HoldRecord> SqlTxn::HoldsOf(std::string_view case_id) {
  Stmt& s = Sql(
      "SELECT id, case_id, COALESCE(letter_id, 0), reason, rule_id, created_at, released_at, "
      "released_by FROM holds WHERE case_id = ? ORDER BY id");
  s.bind(1, std::string(case_id));
  std::vector<HoldRecord> out;
  while (s.executeStep()) {
    out.push_back({ColInt(s, 0), Col(s, 1), ColInt(s, 2), Col(s, 3), Col(s, 4), Col(s, 5),
                   Col(s, 6), Col(s, 7)});
  }
  return out;
}

void SqlTxn::ReleaseHold(int64_t hold_id, std::string_view released_by) {
  Stmt& s = Sql(
      "UPDATE holds SET released_at = ?, released_by = ? WHERE id = ? AND released_at = ''");
  s.bind(1, now_);
  s.bind(2, std::string(released_by));
  s.bind(3, static_cast<int64_t>(hold_id));
  if (s.exec() != 1) {
    throw StoreError("hold " + std::to_string(hold_id) + " is not active");
  }
}

namespace {

// FTS5's query syntax for a parsed search: each term a quoted string (FTS5 splits it into
// words with the index's own tokenizer, several words making a phrase), a star for a
// prefix, all terms joined by AND. Quoting makes every operator and punctuation plain text.
std::string Fts5Expression(const TextQuery& query) {
  std::string out;
  for (const TextTerm& term : query.terms) {
    if (!out.empty()) out += " AND ";
    out += '"';
    for (char c : term.text) {
      out += c;
      if (c == '"') out += '"';
    }
    out += '"';
    if (term.prefix) out += " *";
  }
  return out;
}

}  // namespace

void SqlTxn::IndexLetterText(int64_t id, const std::string& file, const std::string& text) {
  if (postgres()) {
    Stmt& f = Sql(
        "INSERT INTO letter_text(letter_id, file, text, words) "
        "VALUES (?, ?, ?, CAST(? AS tsvector))");
    f.bind(1, static_cast<int64_t>(id));
    f.bind(2, file);
    f.bind(3, text);
    f.bind(4, internal::TsVectorLiteral(file, text));
    f.exec();
    return;
  }
  Stmt& f = Sql("INSERT INTO letter_text(rowid, file, text) VALUES (?, ?, ?)");
  f.bind(1, static_cast<int64_t>(id));
  f.bind(2, file);
  f.bind(3, text);
  f.exec();
}

std::vector<LetterHit> SqlTxn::SearchLettersPostgres(const TextQuery& query, int limit) {
  std::vector<LetterHit> out;
  const std::string tsquery = internal::TsQueryLiteral(query);
  if (tsquery.empty()) return out;
  // The words are split and folded in store/text_index.cc, so the text search configuration
  // does nothing more to them ('simple' keeps lexemes as given).
  Stmt& s = Sql(
      "SELECT l.id, l.file, l.source, l.stored_path, l.received, l.case_id, l.classes, l.legal, "
      "t.text, ts_rank(t.words, CAST(?1 AS tsquery)) AS rank "
      "FROM letter_text t JOIN letters l ON l.id = t.letter_id "
      "WHERE t.words @@ CAST(?1 AS tsquery) ORDER BY rank DESC, l.id LIMIT ?2");
  s.bind(1, tsquery);
  s.bind(2, limit);
  while (s.executeStep()) {
    LetterHit h;
    h.letter_id = ColInt(s, 0);
    h.file = Col(s, 1);
    h.source = Col(s, 2);
    h.stored_path = Col(s, 3);
    h.received = Col(s, 4);
    h.case_id = Col(s, 5);
    h.classes = FromJson(Col(s, 6));
    h.legal = Col(s, 7);
    h.snippet = internal::Snippet(Col(s, 8), query, 12);
    h.score = s.Double(9);
    out.push_back(std::move(h));
  }
  return out;
}

std::vector<LetterHit> SqlTxn::SearchLetters(const TextQuery& query, int limit) {
  std::vector<LetterHit> out;
  if (query.terms.empty() || limit <= 0) return out;
  if (postgres()) return SearchLettersPostgres(query, limit);
  Stmt& s = Sql(
      "SELECT l.id, l.file, l.source, l.stored_path, l.received, l.case_id, l.classes, l.legal, "
      "snippet(letter_text, -1, '\u00ab', '\u00bb', '\u2026', 12), -bm25(letter_text) "
      "FROM letter_text JOIN letters l ON l.id = letter_text.rowid "
      "WHERE letter_text MATCH ? ORDER BY bm25(letter_text), l.id LIMIT ?");
  s.bind(1, Fts5Expression(query));
  s.bind(2, limit);
  while (s.executeStep()) {
    LetterHit h;
    h.letter_id = ColInt(s, 0);
    h.file = Col(s, 1);
    h.source = Col(s, 2);
    h.stored_path = Col(s, 3);
    h.received = Col(s, 4);
    h.case_id = Col(s, 5);
    h.classes = FromJson(Col(s, 6));
    h.legal = Col(s, 7);
    h.snippet = Col(s, 8);
    h.score = s.getColumn(9).getDouble();
    out.push_back(std::move(h));
  }
  return out;
}

std::vector<CaseHit> SqlTxn::SearchCases(std::string_view text, int limit) {
  std::vector<CaseHit> out;
  std::set<std::string> seen;
  const std::string value(text);
  if (value.empty() || limit <= 0) return out;
  // Columns: case, customer, name, the value that matched and what it is.
  auto collect = [&](Stmt& s) {
    while (s.executeStep() && static_cast<int>(out.size()) < limit) {
      std::string case_id = Col(s, 0);
      if (!seen.insert(case_id).second) continue;
      out.push_back({case_id, Col(s, 1), Col(s, 2), Col(s, 4) + " " + Col(s, 3)});
    }
  };
  // Exact identifiers first, then names containing the text.
  Stmt& exact = Sql(
      "SELECT case_id, customer, customer_name, invoice, 'invoice', 1 FROM invoices "
      "WHERE invoice = ?1 "
      "UNION ALL SELECT case_id, customer, customer_name, reference, 'reference', 2 "
      "FROM invoices WHERE reference = ?1 AND reference <> '' "
      "UNION ALL SELECT case_id, customer, customer_name, case_id, 'case', 3 FROM invoices "
      "WHERE case_id = ?1 "
      "UNION ALL SELECT case_id, customer, customer_name, customer, 'customer', 4 "
      "FROM invoices WHERE customer = ?1 ORDER BY 6 LIMIT 50");
  exact.bind(1, value);
  collect(exact);
  if (static_cast<int>(out.size()) < limit && value.size() >= 2) {
    // SQLite's LIKE ignores the case of ASCII letters; PostgreSQL's ILIKE of all letters.
    Stmt& names =
        postgres()
            ? Sql("SELECT case_id, customer, customer_name, customer_name, 'name' FROM invoices "
                  "WHERE customer_name ILIKE ? ESCAPE '\\' ORDER BY customer_name, case_id "
                  "LIMIT 200")
            : Sql("SELECT case_id, customer, customer_name, customer_name, 'name' FROM invoices "
                  "WHERE customer_name LIKE ? ESCAPE '\\' ORDER BY customer_name, case_id "
                  "LIMIT 200");
    names.bind(1, "%" + LikeLiteral(value) + "%");
    collect(names);
  }
  return out;
}

std::vector<AuditRecord> SqlTxn::AuditOf(const std::vector<std::string>& subjects,
                                            int64_t limit, int64_t offset) {
  std::vector<AuditRecord> out;
  auto read = [&](Stmt& s) {
    while (s.executeStep()) {
      AuditRecord a;
      a.id = ColInt(s, 0);
      a.at = Col(s, 1);
      a.actor = Col(s, 2);
      a.subject = Col(s, 3);
      a.action = Col(s, 4);
      a.rule_id = Col(s, 5);
      a.reason = Col(s, 6);
      if (!s.getColumn(7).isNull()) a.score = s.getColumn(7).getInt();
      a.before = Col(s, 8);
      a.after = Col(s, 9);
      out.push_back(std::move(a));
    }
  };
  if (subjects.empty()) {
    Stmt& s = Sql(
        "SELECT id, at, actor, subject, action, rule_id, reason, score, before, after "
        "FROM audit ORDER BY id DESC LIMIT ? OFFSET ?");
    s.bind(1, static_cast<int64_t>(limit));
    s.bind(2, static_cast<int64_t>(offset));
    read(s);
    return out;
  }
  std::string sql =
      "SELECT id, at, actor, subject, action, rule_id, reason, score, before, after "
      "FROM audit WHERE subject IN (";
  for (size_t i = 0; i < subjects.size(); ++i) sql += i ? ",?" : "?";
  sql += ") ORDER BY id DESC LIMIT ? OFFSET ?";
  std::unique_ptr<Stmt> s = Dynamic(sql);
  BindAll(*s, subjects);
  s->bind(static_cast<int>(subjects.size()) + 1, static_cast<int64_t>(limit));
  s->bind(static_cast<int>(subjects.size()) + 2, static_cast<int64_t>(offset));
  read(*s);
  return out;
}

int64_t SqlTxn::AuditCount() {
  Stmt& s = Sql("SELECT count(*) FROM audit");
  return s.executeStep() ? ColInt(s, 0) : 0;
}

// ---- SqlStore ---------------------------------------------------------------------------

Status SqlStore::Migrate() {
  try {
    writer_ = open_(false);
  } catch (const std::exception& e) {
    return Status::IoError(name_ + ": cannot open the store: " + e.what());
  }
  try {
    return dialect_ == Dialect::kPostgres ? MigratePostgres() : MigrateSqlite();
  } catch (const std::exception& e) {
    return Status::IoError(name_ + ": " + e.what());
  }
}

Status SqlStore::MigrateSqlite() {
  Db& db = *writer_;
  db.Exec("PRAGMA journal_mode = WAL");
  db.Exec("PRAGMA foreign_keys = ON");
  db.Exec("PRAGMA synchronous = NORMAL");
  // A million-invoice ledger is a few hundred MB: read it through a memory map and keep a
  // 64 MB page cache, or each random invoice lookup is a read() through the kernel.
  db.Exec("PRAGMA mmap_size = 2147483648");
  db.Exec("PRAGMA cache_size = -65536");
  auto version_now = [&] {
    Stmt& v = db.Sql("PRAGMA user_version");
    const int version = v.executeStep() ? static_cast<int>(v.Int(0)) : 0;
    v.reset();
    return version;
  };
  const int version = version_now();
  const int newest = static_cast<int>(internal::kMigrations.size());
  if (version > newest) {
    return Status::Unsupported(name_ + ": store schema version " + std::to_string(version) +
                               " is newer than this purr (" + std::to_string(newest) + ")");
  }
  if (version == 0) {
    Stmt& t = db.Sql("SELECT count(*) FROM sqlite_master");
    const bool other_tables = t.executeStep() && t.Int(0) > 0;
    t.reset();
    if (other_tables) return Status::InvalidInput(name_ + ": not a purr store (it has other tables)");
  }
  for (int v = version; v < newest; ++v) {
    db.Begin(true);
    try {
      // Another process may have migrated while this one waited for the lock.
      if (version_now() <= v) {
        db.Exec(internal::kMigrations[v]);
        db.Exec("PRAGMA user_version = " + std::to_string(v + 1));
      }
      db.Commit();
    } catch (...) {
      db.Rollback();
      throw;
    }
  }
  schema_version_ = newest;
  return Status::Ok();
}

Status SqlStore::MigratePostgres() {
  Db& db = *writer_;
  const int newest = static_cast<int>(internal::kPgMigrations.size());
  static_assert(internal::kPgMigrations.size() == internal::kMigrations.size(),
                "every schema version exists in both dialects");
  // One migration per transaction, each under a transaction-scoped advisory lock: hosts
  // starting together take turns, and each sees the version the one before it committed.
  for (int v = 0;; ++v) {
    db.Begin(true);
    try {
      db.Exec("SELECT pg_advisory_xact_lock(" + std::string(internal::kPgMigrationLock) + ")");
      db.Exec("CREATE TABLE IF NOT EXISTS purr_schema (version INTEGER NOT NULL)");
      Stmt& q = db.Sql("SELECT max(version) FROM purr_schema");
      const bool known = q.executeStep() && !q.IsNull(0);
      const int version = known ? static_cast<int>(q.Int(0)) : 0;
      q.reset();
      if (version > newest) {
        db.Rollback();
        return Status::Unsupported(name_ + ": store schema version " + std::to_string(version) +
                                   " is newer than this purr (" + std::to_string(newest) + ")");
      }
      if (version == 0) {
        Stmt& t = db.Sql(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_name <> 'purr_schema'");
        const bool other_tables = t.executeStep() && t.Int(0) > 0;
        t.reset();
        if (other_tables) {
          db.Rollback();
          return Status::InvalidInput(name_ + ": not a purr store (its schema has other tables)");
        }
      }
      if (version >= newest) {
        db.Commit();
        break;
      }
      db.Exec(internal::kPgMigrations[version]);
      db.Exec("DELETE FROM purr_schema");
      db.Exec("INSERT INTO purr_schema(version) VALUES (" + std::to_string(version + 1) + ")");
      db.Commit();
    } catch (...) {
      db.Rollback();
      throw;
    }
  }
  schema_version_ = newest;
  return Status::Ok();
}

Status SqlStore::Failure(const std::string& what, const std::exception& e,
                         std::unique_ptr<Db>* conn) {
  if (dynamic_cast<const StoreError*>(&e)) return Status::Internal(what + e.what());
  switch (internal::ClassifyFailure(e)) {
    case internal::DbFailure::kBusy:
      return Status::TimedOut(what + "the store stayed locked: " + e.what());
    case internal::DbFailure::kConnection:
      conn->reset();
      return Status::IoError(what + "lost the connection to the store: " + e.what());
    case internal::DbFailure::kOther:
      break;
  }
  return Status::IoError(what + e.what());
}

void SqlStore::EnsureWriter() {
  if (!writer_) writer_ = open_(false);
}

Status SqlStore::Transact(const std::function<void(Txn&)>& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    EnsureWriter();
  } catch (const std::exception& e) {
    return Status::IoError(name_ + ": cannot connect to the store: " + e.what());
  }
  Db& db = *writer_;
  try {
    db.Begin(true);
    SqlTxn t(db, Now());
    fn(t);
    // The generations are text in meta (one table for every counter and setting).
    if (t.follow_ups_changed) {
      db.Exec("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) "
              "WHERE key = 'follow_ups_generation'");
    }
    if (t.ledger_changed) {
      db.Exec("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) "
              "WHERE key = 'ledger_generation'");
    }
    if (t.ids_changed) {
      db.Exec("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) "
              "WHERE key = 'ids_generation'");
    }
    db.Commit();
    db.Done();
  } catch (const std::exception& e) {
    db.Rollback();
    db.Done();
    if (!dynamic_cast<const StoreError*>(&e) && !internal::IsDriverError(e)) throw;
    return Failure(name_ + ": ", e, &writer_);
  } catch (...) {
    db.Rollback();
    db.Done();
    throw;
  }
  return Status::Ok();
}

Result<Db*> SqlStore::AcquireReader() {
  std::unique_lock<std::mutex> lock(readers_mu_);
  const size_t most = static_cast<size_t>(std::max(1, options_.readers));
  reader_free_.wait(lock, [&] { return !idle_readers_.empty() || readers_.size() < most; });
  if (!idle_readers_.empty()) {
    Db* conn = idle_readers_.back();
    idle_readers_.pop_back();
    return conn;
  }
  std::unique_ptr<Db> conn;
  try {
    conn = open_(true);
    if (dialect_ == Dialect::kSqlite) {
      conn->Exec("PRAGMA mmap_size = 2147483648");
      conn->Exec("PRAGMA cache_size = -16384");
    }
  } catch (const std::exception& e) {
    return Status::IoError(name_ + ": cannot open a reader: " + e.what());
  }
  readers_.push_back(std::move(conn));
  return readers_.back().get();
}

void SqlStore::ReleaseReader(Db* conn, bool broken) {
  {
    std::lock_guard<std::mutex> lock(readers_mu_);
    if (broken) {
      // Closed, so the next Read connects again.
      readers_.erase(std::remove_if(readers_.begin(), readers_.end(),
                                    [&](const std::unique_ptr<Db>& r) { return r.get() == conn; }),
                     readers_.end());
    } else {
      idle_readers_.push_back(conn);
    }
  }
  reader_free_.notify_one();
}

Status SqlStore::Read(const std::function<void(Txn&)>& fn) {
  Result<Db*> conn = AcquireReader();
  if (!conn.ok()) return conn.status();
  Db& db = **conn;
  Status status = Status::Ok();
  bool broken = false;
  try {
    db.Begin(false);
    SqlTxn t(db, Now());
    fn(t);
    db.Commit();
    db.Done();
  } catch (const std::exception& e) {
    db.Rollback();
    db.Done();
    if (!dynamic_cast<const StoreError*>(&e) && !internal::IsDriverError(e)) {
      ReleaseReader(&db, false);
      throw;
    }
    std::unique_ptr<Db> lost;
    status = Failure(name_ + ": ", e, &lost);
    broken = internal::ClassifyFailure(e) == internal::DbFailure::kConnection;
  } catch (...) {
    db.Rollback();
    db.Done();
    ReleaseReader(&db, false);
    throw;
  }
  ReleaseReader(&db, broken);
  return status;
}

Status SqlStore::GuardedStatus(const char* what, bool write, const std::function<void()>& fn) {
  return Guarded<bool>(what, write, [&] {
           fn();
           return true;
         })
      .status();
}

template <typename T>
Result<T> SqlStore::Guarded(const char* what, bool write, const std::function<T()>& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string prefix = name_ + ": " + what + ": ";
  try {
    EnsureWriter();
  } catch (const std::exception& e) {
    return Status::IoError(prefix + "cannot connect to the store: " + e.what());
  }
  Db& db = *writer_;
  try {
    db.Begin(write);
    T value = fn();
    db.Commit();
    db.Done();
    return value;
  } catch (const std::exception& e) {
    db.Rollback();
    db.Done();
    return Failure(prefix, e, &writer_);
  }
}

Result<int64_t> SqlStore::EnqueueJob(std::string_view kind, std::string_view work_path,
                                        std::string_view name, std::string_view received) {
  return Guarded<int64_t>("enqueue job", true, [&]() -> int64_t {
    Stmt& s = Sql(
        "INSERT INTO jobs(kind, work_path, name, received, state, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, 'pending', ?, ?) RETURNING id");
    const std::string now = Now();
    s.bind(1, std::string(kind));
    s.bind(2, std::string(work_path));
    s.bind(3, std::string(name));
    s.bind(4, std::string(received));
    s.bind(5, now);
    s.bind(6, now);
    if (!s.executeStep()) throw StoreError("job not inserted");
    return ColInt(s, 0);
  });
}

Job ReadJob(Stmt& s) {
  Job j;
  j.id = ColInt(s, 0);
  j.kind = Col(s, 1);
  j.work_path = Col(s, 2);
  j.name = Col(s, 3);
  j.received = Col(s, 4);
  j.state = Col(s, 5);
  j.attempts = static_cast<int>(ColInt(s, 6));
  j.last_error = Col(s, 7);
  j.outcome = Col(s, 8);
  j.lease_owner = Col(s, 9);
  return j;
}

Result<std::optional<Job>> SqlStore::ClaimJob(std::string_view kind, std::string_view owner,
                                                 int lease_ms, std::string_view after_kind) {
  return Guarded<std::optional<Job>>("claim job", true, [&]() -> std::optional<Job> {
    const int64_t now_ms = NowMs();
    const std::string now = FormatTimeMs(now_ms);
#define PURR_CLAIM_SQL                                                                        \
  "SELECT id, kind, work_path, name, received, state, attempts, last_error, outcome, "        \
  "lease_owner FROM jobs WHERE kind = ?1 AND (state = 'pending' OR (state = 'running' AND "   \
  "lease_until < ?2)) AND NOT EXISTS (SELECT 1 FROM jobs e WHERE ?3 <> '' AND "               \
  "e.kind = ?3 AND e.id < jobs.id AND e.state IN ('pending', 'running')) ORDER BY id LIMIT 1"
    // SQLite's write lock is the whole database; on PostgreSQL the row is locked, and a job
    // another host is claiming at this moment is skipped, not waited for.
    Stmt& s = dialect_ == Dialect::kPostgres
                  ? Sql(PURR_CLAIM_SQL " FOR UPDATE OF jobs SKIP LOCKED")
                  : Sql(PURR_CLAIM_SQL);
#undef PURR_CLAIM_SQL
    s.bind(1, std::string(kind));
    s.bind(2, now);
    s.bind(3, std::string(after_kind));
    if (!s.executeStep()) return std::nullopt;
    Job job = ReadJob(s);
    s.reset();
    Stmt& u = Sql(
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?, "
        "lease_until = ?, updated_at = ? WHERE id = ?");
    u.bind(1, std::string(owner));
    u.bind(2, FormatTimeMs(now_ms + lease_ms));
    u.bind(3, now);
    u.bind(4, static_cast<int64_t>(job.id));
    u.exec();
    job.state = "running";
    job.attempts += 1;
    job.lease_owner = std::string(owner);
    return job;
  });
}

Status SqlStore::ReleaseJob(int64_t job_id, bool count_attempt) {
  return GuardedStatus("release job", true, [&] {
    Stmt& s = Sql(
        "UPDATE jobs SET state = 'pending', "
        "attempts = CASE WHEN attempts > ?1 THEN attempts - ?1 ELSE 0 END, lease_owner = '', "
        "lease_until = '', updated_at = ? WHERE id = ? AND state = 'running'");
    s.bind(1, count_attempt ? 0 : 1);
    s.bind(2, Now());
    s.bind(3, static_cast<int64_t>(job_id));
    s.exec();
  });
}

Result<bool> SqlStore::FailJob(int64_t job_id, std::string_view error, int max_attempts) {
  return Guarded<bool>("fail job", true, [&]() -> bool {
    Stmt& s = Sql(
        "UPDATE jobs SET state = CASE WHEN attempts >= ?1 THEN 'failed' ELSE 'pending' END, "
        "outcome = CASE WHEN attempts >= ?1 THEN 'quarantined' ELSE '' END, "
        "last_error = ?2, lease_owner = '', lease_until = '', updated_at = ?3 WHERE id = ?4");
    s.bind(1, max_attempts);
    s.bind(2, std::string(error));
    s.bind(3, Now());
    s.bind(4, static_cast<int64_t>(job_id));
    s.exec();
    Stmt& q = Sql("SELECT state FROM jobs WHERE id = ?");
    q.bind(1, static_cast<int64_t>(job_id));
    return q.executeStep() && Col(q, 0) == "failed";
  });
}

Result<std::vector<Job>> SqlStore::JobsInState(std::string_view state) {
  return Guarded<std::vector<Job>>("list jobs", false, [&] {
    Stmt& s = Sql(
        "SELECT id, kind, work_path, name, received, state, attempts, last_error, outcome, lease_owner "
        "FROM jobs WHERE state = ? AND archived = 0 ORDER BY id");
    s.bind(1, std::string(state));
    std::vector<Job> out;
    while (s.executeStep()) out.push_back(ReadJob(s));
    return out;
  });
}

Result<bool> SqlStore::KnowsWorkPath(std::string_view work_path) {
  return Guarded<bool>("find job", false, [&] {
    Stmt& s = Sql("SELECT 1 FROM jobs WHERE work_path = ?");
    s.bind(1, std::string(work_path));
    return s.executeStep();
  });
}

Status SqlStore::MarkJobArchived(int64_t job_id) {
  return GuardedStatus("archive job", true, [&] {
    Stmt& s = Sql("UPDATE jobs SET archived = 1, updated_at = ? WHERE id = ?");
    s.bind(1, Now());
    s.bind(2, static_cast<int64_t>(job_id));
    s.exec();
  });
}

Result<bool> SqlStore::TakeLease(std::string_view name, std::string_view owner, int lease_ms) {
  return Guarded<bool>("take lease", true, [&] {
    const int64_t now = NowMs();
    Stmt& s = Sql(
        "INSERT INTO leases(name, owner, until_ms) VALUES (?1, ?2, ?3) ON CONFLICT(name) DO "
        "UPDATE SET owner = excluded.owner, until_ms = excluded.until_ms "
        "WHERE leases.owner = excluded.owner OR leases.until_ms < ?4");
    s.bind(1, std::string(name));
    s.bind(2, std::string(owner));
    s.bind(3, static_cast<int64_t>(now + lease_ms));
    s.bind(4, static_cast<int64_t>(now));
    return s.exec() == 1;
  });
}

Status SqlStore::ReleaseLease(std::string_view name, std::string_view owner) {
  return GuardedStatus("release lease", true, [&] {
    Stmt& s = Sql("DELETE FROM leases WHERE name = ? AND owner = ?");
    s.bind(1, std::string(name));
    s.bind(2, std::string(owner));
    s.exec();
  });
}

Result<std::string> SqlStore::LeaseOwner(std::string_view name) {
  return Guarded<std::string>("read lease", false, [&] {
    Stmt& s = Sql("SELECT owner FROM leases WHERE name = ?");
    s.bind(1, std::string(name));
    return s.executeStep() ? Col(s, 0) : std::string();
  });
}

EventRecord ReadEvent(Stmt& s) {
  EventRecord e;
  e.event_id = Col(s, 0);
  e.idempotency_key = Col(s, 1);
  e.type = Col(s, 2);
  e.customer = Col(s, 3);
  e.case_id = Col(s, 4);
  e.invoices = FromJson(Col(s, 5));
  e.payment_id = Col(s, 6);
  e.at = Col(s, 7);
  e.body_json = Col(s, 8);
  e.delivered_file = ColInt(s, 9) != 0;
  e.delivered_webhook = ColInt(s, 10) != 0;
  e.attempts = static_cast<int>(ColInt(s, 11));
  e.next_attempt_at = Col(s, 12);
  e.last_error = Col(s, 13);
  return e;
}

#define PURR_EVENT_COLUMNS                                                                    \
  "event_id, idempotency_key, type, customer, case_id, invoices, payment_id, at, body, "     \
  "delivered_file, delivered_webhook, attempts, next_attempt_at, last_error"

Result<std::vector<EventRecord>> SqlStore::UndeliveredEvents(std::string_view channel,
                                                               std::string_view due_by) {
  return Guarded<std::vector<EventRecord>>("list events", false, [&] {
    const bool file = channel == "file";
    Stmt& s =
        file ? Sql("SELECT " PURR_EVENT_COLUMNS
                   " FROM events WHERE delivered_file = 0 ORDER BY at, event_id")
             : Sql("SELECT " PURR_EVENT_COLUMNS
                   " FROM events WHERE delivered_webhook = 0 AND next_attempt_at <= ? "
                   "ORDER BY at, event_id");
    if (!file) s.bind(1, std::string(due_by));
    std::vector<EventRecord> out;
    while (s.executeStep()) out.push_back(ReadEvent(s));
    return out;
  });
}

Status SqlStore::MarkDelivered(const std::vector<std::string>& event_ids,
                                  std::string_view channel) {
  return GuardedStatus("mark delivered", true, [&] {
    Stmt& s =
        channel == "file"
            ? Sql("UPDATE events SET delivered_file = 1 WHERE event_id = ?")
            : Sql("UPDATE events SET delivered_webhook = 1, attempts = attempts + 1, "
                  "last_error = '' WHERE event_id = ?");
    for (const std::string& id : event_ids) {
      s.reset();
      s.bind(1, id);
      s.exec();
    }
  });
}

Status SqlStore::MarkDeliveryFailed(std::string_view event_id, std::string_view error,
                                       std::string_view next_attempt_at) {
  return GuardedStatus("mark delivery failed", true, [&] {
    Stmt& s = Sql(
        "UPDATE events SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
        "WHERE event_id = ?");
    s.bind(1, std::string(error));
    s.bind(2, std::string(next_attempt_at));
    s.bind(3, std::string(event_id));
    s.exec();
  });
}

Result<std::vector<LetterRecord>> SqlStore::Letters() {
  return Guarded<std::vector<LetterRecord>>("list letters", false, [&] {
    Stmt& s = Sql(
        "SELECT " PURR_LETTER_COLUMNS " FROM letters ORDER BY id");
    std::vector<LetterRecord> out;
    while (s.executeStep()) out.push_back(ReadLetter(s));
    return out;
  });
}

Result<std::vector<PaymentRecord>> SqlStore::Payments() {
  return Guarded<std::vector<PaymentRecord>>("list payments", false, [&] {
    Stmt& s = Sql(
        "SELECT p.payment_id, p.file_id, f.file, p.amount_minor, p.currency, p.booking_date, "
        "p.refs, p.text, p.payer, p.direction, p.reversal, p.decision, p.unapplied_minor, "
        "p.customer, p.case_id, p.reasons, p.candidates, p.recorded_at FROM payments p "
        "JOIN payment_files f ON f.id = p.file_id ORDER BY p.rowid");
    std::vector<PaymentRecord> out;
    std::map<std::string, size_t> index;
    while (s.executeStep()) {
      PaymentRecord p;
      p.payment_id = Col(s, 0);
      p.file_id = ColInt(s, 1);
      p.file = Col(s, 2);
      p.amount_minor = ColInt(s, 3);
      p.currency = Col(s, 4);
      p.booking_date = Col(s, 5);
      p.references = FromJson(Col(s, 6));
      p.text = Col(s, 7);
      p.payer = Col(s, 8);
      p.direction = Col(s, 9);
      p.reversal = ColInt(s, 10) != 0;
      p.decision = Col(s, 11);
      p.unapplied_minor = ColInt(s, 12);
      p.customer = Col(s, 13);
      p.case_id = Col(s, 14);
      p.reasons_json = Col(s, 15);
      p.candidates_json = Col(s, 16);
      p.recorded_at = Col(s, 17);
      index[p.payment_id] = out.size();
      out.push_back(std::move(p));
    }
    Stmt& a =
        Sql("SELECT payment_id, invoice, amount_minor FROM allocations ORDER BY id");
    while (a.executeStep()) {
      auto it = index.find(Col(a, 0));
      if (it != index.end()) out[it->second].allocations.push_back({Col(a, 1), ColInt(a, 2)});
    }
    return out;
  });
}

Result<std::vector<InvoiceRecord>> SqlStore::Invoices() {
  return Guarded<std::vector<InvoiceRecord>>("list invoices", false, [&] {
    Stmt& s = Sql(
        "SELECT invoice, customer, case_id, reference, original_minor, open_minor, currency, "
        "due_date, status, blocking, customer_name, payer_accounts, listed FROM invoices "
        "ORDER BY invoice");
    std::vector<InvoiceRecord> out;
    while (s.executeStep()) out.push_back(ReadInvoiceRow(s));
    return out;
  });
}

Result<std::vector<CaseRecord>> SqlStore::Cases() {
  return Guarded<std::vector<CaseRecord>>("list cases", false, [&] {
    std::vector<CaseRecord> out;
    std::map<std::string, size_t> index;
    Stmt& c = Sql("SELECT case_id, customer FROM cases ORDER BY case_id");
    while (c.executeStep()) {
      index[Col(c, 0)] = out.size();
      out.push_back({Col(c, 0), Col(c, 1), "open", {}, {}, {}, {}});
    }
    auto each = [&](const char* sql, const std::function<void(CaseRecord&, Stmt&)>&
                                         fn) {
      Stmt& s = Sql(sql);
      while (s.executeStep()) {
        auto it = index.find(Col(s, 0));
        if (it != index.end()) fn(out[it->second], s);
      }
    };
    std::set<std::string> open_invoices, follow_up, reactivated;
    each("SELECT case_id, invoice, open_minor, status FROM invoices ORDER BY invoice",
         [&](CaseRecord& r, Stmt& s) {
           r.invoices.push_back(Col(s, 1));
           if (ColInt(s, 2) > 0 && Col(s, 3) == "open") open_invoices.insert(r.case_id);
         });
    each("SELECT case_id, reason FROM holds WHERE released_at = '' ORDER BY id",
         [&](CaseRecord& r, Stmt& s) { r.holds.push_back(Col(s, 1)); });
    each("SELECT case_id, id FROM letters ORDER BY id",
         [&](CaseRecord& r, Stmt& s) { r.letters.push_back(ColInt(s, 1)); });
    each("SELECT i.case_id, a.payment_id FROM allocations a JOIN invoices i "
         "ON i.invoice = a.invoice GROUP BY i.case_id, a.payment_id ORDER BY MIN(a.id)",
         [&](CaseRecord& r, Stmt& s) {
           std::string id = Col(s, 1);
           if (std::find(r.payments.begin(), r.payments.end(), id) == r.payments.end()) {
             r.payments.push_back(id);
           }
         });
    each("SELECT case_id FROM follow_ups WHERE status = 'open'",
         [&](CaseRecord& r, Stmt&) { follow_up.insert(r.case_id); });
    each("SELECT case_id FROM events WHERE type = 'reactivation'",
         [&](CaseRecord& r, Stmt&) { reactivated.insert(r.case_id); });
    for (CaseRecord& r : out) {
      if (!r.holds.empty()) {
        r.flag = "hold";
      } else if (follow_up.count(r.case_id)) {
        r.flag = "follow-up";
      } else if (reactivated.count(r.case_id)) {
        r.flag = "reactivated";
      } else if (!open_invoices.count(r.case_id) && !r.invoices.empty()) {
        r.flag = "settled";
      }
    }
    return out;
  });
}

Result<std::vector<FollowUpRecord>> SqlStore::FollowUps(bool open_only) {
  return Guarded<std::vector<FollowUpRecord>>("list follow-ups", false, [&] {
    Stmt& s = Sql("SELECT " PURR_FOLLOW_UP_COLUMNS PURR_FOLLOW_UP_FROM
                               "WHERE (?1 = 0 OR f.status = 'open') "
                               "ORDER BY f.due, f.priority, f.id");
    s.bind(1, open_only ? 1 : 0);
    std::vector<FollowUpRecord> out;
    while (s.executeStep()) out.push_back(ReadFollowUp(s));
    return out;
  });
}

Result<std::vector<EventRecord>> SqlStore::Events() {
  return Guarded<std::vector<EventRecord>>("list events", false, [&] {
    Stmt& s =
        Sql("SELECT " PURR_EVENT_COLUMNS " FROM events ORDER BY at, event_id");
    std::vector<EventRecord> out;
    while (s.executeStep()) out.push_back(ReadEvent(s));
    return out;
  });
}

Result<std::vector<AuditRecord>> SqlStore::AuditLog() {
  return Guarded<std::vector<AuditRecord>>("read audit log", false, [&] {
    Stmt& s = Sql(
        "SELECT id, at, actor, subject, action, rule_id, reason, score FROM audit ORDER BY id");
    std::vector<AuditRecord> out;
    while (s.executeStep()) {
      AuditRecord a;
      a.id = ColInt(s, 0);
      a.at = Col(s, 1);
      a.actor = Col(s, 2);
      a.subject = Col(s, 3);
      a.action = Col(s, 4);
      a.rule_id = Col(s, 5);
      a.reason = Col(s, 6);
      if (!s.getColumn(7).isNull()) a.score = s.getColumn(7).getInt();
      out.push_back(std::move(a));
    }
    return out;
  });
}

Result<std::vector<QueueCount>> SqlStore::QueueCounts() {
  return Guarded<std::vector<QueueCount>>("count jobs", false, [&] {
    Stmt& s = Sql(
        "SELECT kind, state, count(*) FROM jobs GROUP BY kind, state ORDER BY kind, state");
    std::vector<QueueCount> out;
    while (s.executeStep()) out.push_back({Col(s, 0), Col(s, 1), ColInt(s, 2)});
    return out;
  });
}

Result<std::string> SqlStore::LastActivity() {
  return Guarded<std::string>("last activity", false, [&] {
    Stmt& s = Sql("SELECT COALESCE(MAX(updated_at), '') FROM jobs");
    return s.executeStep() ? Col(s, 0) : std::string();
  });
}

Status SqlStore::Ping() {
  return GuardedStatus("ping", false, [&] {
    Stmt& s = Sql("SELECT count(*) FROM meta");
    s.executeStep();
  });
}

}  // namespace

std::string FormatTimeMs(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char out[96];
  std::snprintf(out, sizeof(out), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return out;
}

int CurrentSchemaVersion() { return static_cast<int>(internal::kMigrations.size()); }

bool IsStoreUrl(std::string_view path) {
  return path.rfind("postgresql://", 0) == 0 || path.rfind("postgres://", 0) == 0;
}

std::string StoreDisplayName(std::string_view path) {
  std::string out(path);
  if (!IsStoreUrl(path)) return out;
  // postgresql://user:PASSWORD@host/... and ...?password=PASSWORD&...
  const size_t scheme = out.find("://") + 3;
  const size_t at = out.find('@', scheme);
  const size_t slash = out.find('/', scheme);
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    const size_t colon = out.find(':', scheme);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  for (size_t p = out.find("password="); p != std::string::npos;
       p = out.find("password=", p + 1)) {
    if (p > 0 && out[p - 1] != '?' && out[p - 1] != '&') continue;
    const size_t value = p + 9;
    const size_t end = std::min(out.find('&', value), out.size());
    out.replace(value, end - value, "***");
  }
  return out;
}

Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options) {
  const std::string name = StoreDisplayName(options.path);
  const bool postgres = IsStoreUrl(options.path);
  const std::string path = options.path;
  const int timeout = options.busy_timeout_ms;
  SqlStore::Opener open = [path, timeout](bool read_only) {
    return internal::OpenDb(path, read_only, timeout);
  };
  auto store = std::make_unique<SqlStore>(postgres ? Dialect::kPostgres : Dialect::kSqlite,
                                          std::move(open), name, options);
  Status migrated = store->Migrate();
  if (!migrated.ok()) return migrated;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace purr::store
