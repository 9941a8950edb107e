// purr's store: everything the worker, the review queue and the batch command persist.
//
//   Result<std::unique_ptr<Store>> store = OpenStore({.path = "purr.sqlite"});
//   Status s = (*store)->Transact([&](Txn& txn) {
//     if (txn.HasPayment(id)) return;           // recorded before: apply nothing
//     txn.InsertPayment(record);
//     txn.AddAllocation(id, "F-1", 49900);
//   });
//
// Two backends, chosen by StoreOptions::path: a file path is SQLite through SQLiteCpp (one
// file, WAL, foreign keys, busy timeout), a "postgresql://" URL is PostgreSQL through
// libpqxx (several hosts on one database). Both apply the same numbered schema migrations
// at open. The interface has no SQL and no driver type in it; the store tests run against
// both backends through this header only.
//
// Errors: the Store methods return Status/Result. Inside Transact the Txn methods throw
// StoreError on a database failure or a broken invariant (an allocation above the open
// amount); Transact catches it, rolls the whole transaction back and returns it as a
// Status. Anything else the callback throws also rolls back and is rethrown.
//
// Thread safety: a Store may be used from many threads; Transact runs one transaction at a
// time per Store (a mutex), and a Txn must not leave its callback. Several processes may
// open the same store: on SQLite the WAL lets readers run beside the daemon's writer, and
// writers wait up to the busy timeout; on PostgreSQL transactions are READ COMMITTED,
// Read() a REPEATABLE READ READ ONLY snapshot, row locks wait up to the busy timeout
// (lock_timeout), and a lost connection is made again by the next call.
#ifndef PURR_STORE_STORE_H_
#define PURR_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "cases/engine.h"
#include "common/status.h"
#include "store/text_query.h"

namespace purr::store {

class StoreError : public std::runtime_error {
 public:
  explicit StoreError(const std::string& what) : std::runtime_error(what) {}
};

// ---- Records ---------------------------------------------------------------------------------

struct InvoiceRecord {
  std::string invoice;
  std::string customer;
  std::string case_id;        // the ledger's case number; the customer number when empty
  std::string reference;
  int64_t original_minor = 0; // as the creditor's ledger states it
  int64_t open_minor = 0;     // original minus purr's allocations (never below 0)
  std::string currency;
  std::string due_date;
  std::string status;         // "open", "paid", "closed"
  bool blocking = false;
  std::string customer_name;
  std::vector<std::string> payer_accounts;
  bool listed = true;         // in the last ledger import
};

struct PageRecord {
  int page = 0;  // 1-based
  std::string text;
  double confidence = 0;  // 0..100, -1 for text without OCR
  // For an OCR'd page: its words as a JSON array of [x, y, width, height, "text"] in the
  // normalised page's pixels (width x height), and the normalised page image kept under
  // the store folder, `image_scale` its pixels per normalised pixel. Empty/0 otherwise.
  std::string words_json;
  std::string image_path;
  int width = 0, height = 0;
  double image_scale = 0;
};

struct LetterRecord {
  int64_t id = 0;  // set by InsertLetter
  std::string sha256;
  std::string file;         // original file name
  std::string source;       // inbox it came from ("letters", "maildir")
  std::string received;     // ISO 8601 UTC time
  std::string stored_path;  // original kept by content hash under the store folder
  std::string kind;         // "text", "email", "scan"
  std::string language;
  std::vector<std::string> classes;
  std::string legal;        // "none", "halt", "statutory_deadline"
  std::string jurisdiction;
  std::string deadline;     // YYYY-MM-DD or empty
  std::string statute;
  bool needs_human = false;
  std::vector<std::string> needs_human_reasons;
  std::string classification_json;  // classes with reasons and spans
  std::string entities_json;        // sensitive values masked
  std::string model_version;
  std::string rules_version;
  std::string decision_rules_version;
  std::string case_id;
  std::string status;       // see cases::LetterDecision::status
  std::string proof_wait_until;
  std::string proof_payment_id;
  std::vector<PageRecord> pages;
};

struct AllocationRecord {
  std::string invoice;
  int64_t amount_minor = 0;
};

struct PaymentRecord {
  std::string payment_id;
  int64_t file_id = 0;
  std::string file;          // set by the list queries
  int64_t amount_minor = 0;
  std::string currency;
  std::string booking_date;
  std::vector<std::string> references;
  std::string text;
  std::string payer;         // masked name and account
  std::string direction;     // "credit", "debit"
  bool reversal = false;
  std::string decision;      // "auto", "follow_up"
  int64_t unapplied_minor = 0;
  std::string customer;
  std::string case_id;
  std::string reasons_json;
  std::string candidates_json;
  std::string recorded_at;   // set by the store
  std::string disposition;   // "" (as the matcher left it), "allocated", "refund", "resolved"
  std::vector<AllocationRecord> allocations;  // filled by the list queries
};

struct PaymentFileRecord {
  int64_t id = 0;
  std::string sha256;
  std::string file;
  std::string format;
  int64_t transactions = 0;
  int64_t applied = 0;
  int64_t duplicates = 0;
};

struct FollowUpRecord {
  int64_t id = 0;
  cases::FollowUp follow_up;
  int64_t letter_id = 0;      // 0: none
  std::string letter_file;    // filled by the list query
  std::string payment_id;
  std::string created_at;
  std::string status;         // "open", "resolved"
  std::string assignee;       // a clerk's user name, or empty
  std::string resolved_by;
  std::string resolved_at;
  std::string comment;        // the clerk's comment at resolution
  int64_t version = 1;        // raised by every change: a stale action is refused
  // The letter's, copied so the queue filters without a join (empty for payments).
  std::vector<std::string> classes;
  std::string legal;
  std::string language;
};

// The review queue's filters. Empty strings match anything.
// Where a follow-up stands in the queue's order.
struct FollowUpPosition {
  std::string status;
  std::string due;  // the follow-up's deadline day, or the far-future sentinel when none
  int64_t priority = 0;
  int64_t id = 0;
};

struct FollowUpQuery {
  std::string status = "open";  // "open", "resolved", or "" for both
  std::string reason;           // a rule id ("letter.legal-halt", "payment.follow-up", ...)
  std::string cls;              // a class of the letter
  std::string legal;            // "none", "halt", "statutory_deadline"
  std::string language;
  std::string assignee;         // a user name; "-" for unassigned
  std::string overdue_before;   // YYYY-MM-DD: only deadlines before this day
  std::string created_before;   // ISO time: only follow-ups created before it (age)
  int64_t limit = 50;
  int64_t offset = 0;  // rows skipped after `after` / before `before`
  // Keyset paging: only rows after (or before) this position in the queue's order (status,
  // due, priority, id); FollowUpPage::first and last give the positions of a page's ends.
  // A deep page costs what the first page does, where a large offset walks every row before.
  std::optional<FollowUpPosition> after;
  std::optional<FollowUpPosition> before;
  bool count_total = true;  // false: FollowUpPage::total is -1 (the caller knows it)
};

struct FollowUpPage {
  int64_t total = 0;  // matching the filters, all pages; -1 when not counted
  std::vector<FollowUpRecord> items;
  // The queue positions of the first and last item (for `before` / `after`), when any; and
  // whether rows match beyond them.
  std::optional<FollowUpPosition> first, last;
  bool more_before = false, more_after = false;
};

struct ReasonCount {
  std::string reason;
  int64_t count = 0;
};

struct UserRecord {
  std::string name;
  std::string role;           // "clerk", "admin"
  std::string password_hash;  // "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>"
  bool disabled = false;
  std::string created_at;
  std::string updated_at;
};

struct SessionRecord {
  std::string token_hash;  // SHA-256 of the cookie's token: a stolen database holds no token
  std::string user;
  std::string csrf_token;
  int64_t created_ms = 0;
  int64_t last_seen_ms = 0;
};

// Failed sign-ins of one user name (known or not), for the lock-out.
struct SignInThrottle {
  std::string name;
  int failures = 0;
  int64_t locked_until_ms = 0;
};

struct HoldRecord {
  int64_t id = 0;
  std::string case_id;
  int64_t letter_id = 0;
  std::string reason;
  std::string rule_id;
  std::string created_at;
  std::string released_at;  // empty while active
  std::string released_by;
};

// A clerk's class correction: a labelled example for training.
struct CorrectionRecord {
  int64_t id = 0;
  int64_t letter_id = 0;
  std::vector<std::string> classes_before;
  std::vector<std::string> classes_after;
  std::string user;
  std::string model_version;  // the model that made the corrected decision
  std::string at;
};

// A case a clerk searched for: why it matched.
struct CaseHit {
  std::string case_id;
  std::string customer;
  std::string customer_name;
  std::string matched;  // "invoice F-1", "reference 1234", "case S-1", "customer K-1",
                        // "name Kari Nordmann"
};

// A letter whose text matched a search (Txn::SearchLetters).
struct LetterHit {
  int64_t letter_id = 0;
  std::string file;
  std::string source;     // "letters", "maildir", "batch"
  std::string stored_path;
  std::string received;
  std::string case_id;
  std::vector<std::string> classes;
  std::string legal;
  // Where it matched: a few words either side of each hit, the hits between « and », "…"
  // where text was left out.
  std::string snippet;
  double score = 0;  // higher is better (relevance)
};

struct EventRecord {
  std::string event_id;
  std::string idempotency_key;
  std::string type;           // "reactivation"
  std::string customer;
  std::string case_id;
  std::vector<std::string> invoices;
  std::string payment_id;
  std::string at;
  std::string body_json;      // the payload delivered, exactly
  bool delivered_file = false;
  bool delivered_webhook = false;
  int attempts = 0;
  std::string next_attempt_at;
  std::string last_error;
};

struct AuditRecord {
  int64_t id = 0;
  std::string at;
  std::string actor;    // "purr/worker", "purr/import", a clerk's user name
  std::string subject;  // "letter:12", "payment:camt-...", "case:S-1", "customer:K-1"
  std::string action;
  std::string rule_id;
  std::string reason;
  std::optional<int> score;
  std::string before;   // a clerk's action: the state before and after, as JSON
  std::string after;
};

struct CaseRecord {
  std::string case_id;
  std::string customer;
  std::string flag;  // "hold", "follow-up", "reactivated", "settled", "open"
  std::vector<std::string> holds;     // active hold reasons
  std::vector<std::string> invoices;
  std::vector<int64_t> letters;
  std::vector<std::string> payments;
};

struct Job {
  int64_t id = 0;
  std::string kind;       // "letter", "payments"
  std::string work_path;  // the claimed file in the work folder
  std::string name;       // its original name in the inbox
  std::string received;   // ISO 8601 UTC: when it was claimed (or its mtime, if earlier)
  std::string state;      // "pending", "running", "done", "failed"
  int attempts = 0;
  std::string last_error;
  std::string outcome;    // "processed", "duplicate", "quarantined" once done/failed
  std::string lease_owner;
};

struct QueueCount {
  std::string kind;
  std::string state;
  int64_t count = 0;
};

// ---- Transactions ------------------------------------------------------------------------------

// The operations of one transaction. Throws StoreError (see above).
class Txn {
 public:
  virtual ~Txn() = default;

  // Ledger. PutInvoice inserts or replaces an invoice (customer and case rows follow).
  virtual std::optional<InvoiceRecord> GetInvoice(std::string_view invoice) = 0;
  virtual void PutInvoice(const InvoiceRecord& invoice) = 0;
  virtual std::vector<InvoiceRecord> InvoicesOfCustomer(std::string_view customer) = 0;
  virtual void ForEachInvoice(const std::function<void(InvoiceRecord&&)>& fn) = 0;
  // Increases whenever the ledger changes (import or allocation), so a cached matcher can
  // tell it is stale.
  virtual int64_t LedgerGeneration() = 0;
  // Increases when PutInvoice changes identifiers, names or cases (imports), not when
  // allocations change open amounts.
  virtual int64_t IdentifierGeneration() = 0;

  // Payments. AddAllocation lowers the invoice's open amount (status "paid" at 0).
  // REQUIRES: the payment was inserted; 0 < amount <= open amount (else StoreError).
  virtual std::optional<int64_t> FindPaymentFile(std::string_view sha256) = 0;
  virtual int64_t InsertPaymentFile(const PaymentFileRecord& file) = 0;
  virtual bool HasPayment(std::string_view payment_id) = 0;
  virtual void InsertPayment(const PaymentRecord& payment) = 0;
  virtual void AddAllocation(std::string_view payment_id, std::string_view invoice,
                             int64_t amount_minor) = 0;
  // Credit payments allocated to invoices of these cases booked on or after `since`.
  virtual std::vector<cases::BookedPayment> BookedPayments(
      const std::vector<std::string>& case_ids, std::string_view since) = 0;

  // Letters.
  virtual std::optional<int64_t> FindLetter(std::string_view sha256) = 0;
  virtual int64_t InsertLetter(const LetterRecord& letter) = 0;
  virtual void UpdateLetter(int64_t id, std::string_view status, std::string_view case_id,
                            std::string_view proof_payment_id) = 0;
  // Proof-of-payment letters still waiting (of one case, or all when case_id is empty).
  virtual std::vector<cases::WaitingProof> WaitingProofs(std::string_view case_id) = 0;

  // Cases.
  virtual void AddHold(const cases::Hold& hold, int64_t letter_id) = 0;
  virtual std::vector<std::string> HeldCases(std::string_view customer) = 0;
  virtual int64_t AddFollowUp(const cases::FollowUp& follow_up, int64_t letter_id,
                              std::string_view payment_id) = 0;
  // False (and nothing written) when an event with the same idempotency key exists.
  virtual bool AddEvent(const EventRecord& event) = 0;
  virtual void Audit(std::string_view actor, std::string_view subject,
                     const cases::AuditNote& note) = 0;
  // A clerk's action: the note with the state before and after it (JSON).
  virtual void AuditChange(std::string_view actor, std::string_view subject,
                           const cases::AuditNote& note, std::string_view before,
                           std::string_view after) = 0;

  // Jobs: the job's end, in the same transaction as its results.
  virtual void FinishJob(int64_t job_id, std::string_view outcome) = 0;

  // ---- The review queue ----

  // Users, sessions, sign-in throttling. PutUser inserts or replaces.
  virtual std::optional<UserRecord> GetUser(std::string_view name) = 0;
  virtual void PutUser(const UserRecord& user) = 0;
  virtual std::vector<UserRecord> Users() = 0;
  virtual SignInThrottle GetThrottle(std::string_view name) = 0;
  virtual void PutThrottle(const SignInThrottle& throttle) = 0;
  virtual void InsertSession(const SessionRecord& session) = 0;
  virtual std::optional<SessionRecord> GetSession(std::string_view token_hash) = 0;
  virtual void TouchSession(std::string_view token_hash, int64_t last_seen_ms) = 0;
  virtual void DeleteSession(std::string_view token_hash) = 0;
  // Every session of a user (disabled, password changed), and every session last seen
  // before `ms` (expired).
  virtual void DeleteSessionsOf(std::string_view user) = 0;
  virtual void DeleteSessionsSeenBefore(int64_t ms) = 0;

  // Follow-ups: the queue's page (sorted by deadline, then priority, then age), the open
  // counts per reason under the same filters but the reason, one follow-up, and those of a
  // letter or payment. UpdateFollowUp writes status, assignee, resolution and comment when
  // the stored version is `expected_version`, raising it; false (nothing written) when the
  // follow-up changed meanwhile.
  virtual FollowUpPage QueryFollowUps(const FollowUpQuery& query) = 0;
  virtual std::vector<ReasonCount> FollowUpCounts(const FollowUpQuery& query) = 0;
  // Increases with every follow-up added or changed (a cache of counts can tell it is stale).
  virtual int64_t FollowUpGeneration() = 0;
  virtual std::optional<FollowUpRecord> GetFollowUp(int64_t id) = 0;
  virtual std::vector<FollowUpRecord> FollowUpsOf(int64_t letter_id,
                                                  std::string_view payment_id) = 0;
  virtual bool UpdateFollowUp(const FollowUpRecord& follow_up, int64_t expected_version) = 0;

  // One letter with its pages; a clerk's new classes (the follow-ups' copy follows);
  // corrections as labelled examples.
  virtual std::optional<LetterRecord> GetLetter(int64_t id) = 0;
  virtual std::vector<LetterRecord> LettersOfCase(std::string_view case_id) = 0;  // no pages
  virtual void SetLetterClasses(int64_t id, const std::vector<std::string>& classes) = 0;
  virtual void AddCorrection(const CorrectionRecord& correction) = 0;
  virtual std::vector<CorrectionRecord> Corrections() = 0;

  // One payment with its allocations; the payments allocated to a case's invoices; a
  // clerk's disposition and the amount left unapplied.
  virtual std::optional<PaymentRecord> GetPayment(std::string_view payment_id) = 0;
  virtual std::vector<PaymentRecord> PaymentsOfCase(std::string_view case_id) = 0;
  virtual void SetPaymentDisposition(std::string_view payment_id, std::string_view disposition,
                                     int64_t unapplied_minor) = 0;

  // Cases: one case (flag as in Store::Cases), its invoices and holds, a hold lifted, and a
  // search by invoice, reference, case number or customer name (parameters bound: any text
  // is safe), at most `limit` hits.
  virtual std::optional<CaseRecord> GetCase(std::string_view case_id) = 0;
  virtual std::vector<InvoiceRecord> InvoicesOfCase(std::string_view case_id) = 0;
  virtual std::vector<HoldRecord> HoldsOf(std::string_view case_id) = 0;
  virtual void ReleaseHold(int64_t hold_id, std::string_view released_by) = 0;
  virtual std::vector<CaseHit> SearchCases(std::string_view text, int limit) = 0;

  // The letters' full-text index: every letter's file name and text, indexed as it is
  // inserted. The best `limit` matches of every term of `query` (store/text_query.h), most
  // relevant first.
  virtual std::vector<LetterHit> SearchLetters(const TextQuery& query, int limit) = 0;

  // The audit log, newest first: of some subjects (all when empty), paged.
  virtual std::vector<AuditRecord> AuditOf(const std::vector<std::string>& subjects,
                                           int64_t limit, int64_t offset) = 0;
  virtual int64_t AuditCount() = 0;
};

// ---- The store ---------------------------------------------------------------------------------

struct StoreOptions {
  // The SQLite file (created when missing), or a libpq URL "postgresql://[user[:password]@]
  // [host][:port]/database[?param=value...]" of a database that exists (its tables are made).
  std::string path;
  int busy_timeout_ms = 10000;
  int readers = 4;               // reader connections for Read()
  // The clock, in milliseconds since 1970 UTC, for every time the store stamps (written as
  // ISO 8601 UTC, "2026-12-03T07:22:30.123Z") and for leases. Empty: the system clock.
  std::function<int64_t()> now_ms;
};

class Store {
 public:
  virtual ~Store() = default;

  // Runs fn in one transaction: committed when fn returns, rolled back when it throws.
  // REQUIRES: fn does not call this Store's own methods (it holds the Store's mutex).
  virtual Status Transact(const std::function<void(Txn&)>& fn) = 0;
  // Runs fn in a read-only snapshot on one of a few reader connections: readers (the review
  // page) neither wait for the daemon's writes nor hold them up. A write inside fn fails
  // with StoreError. Errors as for Transact.
  virtual Status Read(const std::function<void(Txn&)>& fn) = 0;

  // Jobs. A job is claimed with a lease; a claimed job whose lease ran out (the process
  // died) is claimable again, and counts an attempt each time it is claimed.
  virtual Result<int64_t> EnqueueJob(std::string_view kind, std::string_view work_path,
                                     std::string_view name, std::string_view received) = 0;
  // With `after_kind`, a job is claimed only once no job of that kind enqueued before it
  // is still pending or running (payment files wait for the letters that arrived before
  // them, so a halt letter is decided before the payment that would reactivate its case).
  virtual Result<std::optional<Job>> ClaimJob(std::string_view kind, std::string_view owner,
                                              int lease_ms, std::string_view after_kind = "") = 0;
  // Gives a running job back: without counting the attempt (shutdown), or counting it (the
  // process that held it died: a job that kills its worker must not be retried forever).
  virtual Status ReleaseJob(int64_t job_id, bool count_attempt) = 0;
  // Records a failed attempt; returns true when the job has now failed `max_attempts` times
  // (state "failed": the caller quarantines the file), false when it will be retried.
  virtual Result<bool> FailJob(int64_t job_id, std::string_view error, int max_attempts) = 0;
  // Finished jobs whose file is still in the work folder (the process died between commit
  // and the move), and every job path the store knows, for start-up recovery.
  virtual Result<std::vector<Job>> JobsInState(std::string_view state) = 0;
  virtual Result<bool> KnowsWorkPath(std::string_view work_path) = 0;
  virtual Status MarkJobArchived(int64_t job_id) = 0;

  // Named leases: a task that one of several processes on this store does at a time. True
  // when `owner` now holds the lease for `lease_ms` (it was free, expired, or already
  // `owner`'s); false while another owner's lease runs. Release gives it up (if `owner`'s);
  // LeaseOwner is the holder, expired or not, or empty.
  virtual Result<bool> TakeLease(std::string_view name, std::string_view owner,
                                 int lease_ms) = 0;
  virtual Status ReleaseLease(std::string_view name, std::string_view owner) = 0;
  virtual Result<std::string> LeaseOwner(std::string_view name) = 0;

  // Outbox.
  virtual Result<std::vector<EventRecord>> UndeliveredEvents(std::string_view channel,
                                                            std::string_view due_by) = 0;
  // Marks events delivered on a channel ("file", "webhook"), all in one transaction.
  virtual Status MarkDelivered(const std::vector<std::string>& event_ids,
                               std::string_view channel) = 0;
  virtual Status MarkDeliveryFailed(std::string_view event_id, std::string_view error,
                                    std::string_view next_attempt_at) = 0;

  // Queries for the commands and the status page.
  virtual Result<std::vector<LetterRecord>> Letters() = 0;
  virtual Result<std::vector<PaymentRecord>> Payments() = 0;
  virtual Result<std::vector<InvoiceRecord>> Invoices() = 0;
  virtual Result<std::vector<CaseRecord>> Cases() = 0;
  virtual Result<std::vector<FollowUpRecord>> FollowUps(bool open_only) = 0;
  virtual Result<std::vector<EventRecord>> Events() = 0;
  virtual Result<std::vector<AuditRecord>> AuditLog() = 0;
  virtual Result<std::vector<QueueCount>> QueueCounts() = 0;
  // The latest time anything was recorded, or empty.
  virtual Result<std::string> LastActivity() = 0;
  // A cheap query that proves the database answers.
  virtual Status Ping() = 0;

  virtual int schema_version() const = 0;
  // The path, or the URL with its password masked.
  virtual const std::string& path() const = 0;
  // The store clock's time, ISO 8601 UTC with milliseconds.
  virtual std::string Now() const = 0;
};

// ISO 8601 UTC with milliseconds for a time in ms since 1970.
std::string FormatTimeMs(int64_t ms);

// Opens (and creates or migrates) the store. Errors: the file cannot be opened or created,
// the database cannot be reached, it is not a purr store (a SQLite file with other tables,
// a PostgreSQL schema with other tables), or its schema is newer than this program knows.
Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options);

// True for "postgresql://..." and "postgres://...": OpenStore opens PostgreSQL for these and
// SQLite for anything else.
bool IsStoreUrl(std::string_view path);
// The path, or the URL with its password replaced by "***": for logs and messages.
std::string StoreDisplayName(std::string_view path);

// What CopyStore copied: the rows of every table and the ledger's sums, counted again in the
// destination after the copy committed (and equal to the source's, or CopyStore fails).
struct CopyCount {
  std::string table;
  int64_t rows = 0;
};
struct CopyReport {
  std::vector<CopyCount> tables;
  int64_t invoices_original_minor = 0;
  int64_t invoices_open_minor = 0;
  int64_t allocations_minor = 0;
  int64_t payments_minor = 0;
  double seconds = 0;
};

// Copies every row of the store at `from` into the store at `to`, which must hold none
// (`purr migrate`: a SQLite installation onto PostgreSQL, or back). Both are opened (and
// migrated) first; the rows go in one transaction of `to`, so a failure leaves it empty.
// REQUIRES: nothing writes to `from` meanwhile (stop its daemon). Errors: either store cannot
// be opened, `to` is not empty, a row is refused, or the counts and sums differ.
Result<CopyReport> CopyStore(const StoreOptions& from, const StoreOptions& to);

// The newest schema version this program writes.
int CurrentSchemaVersion();

}  // namespace purr::store

#endif  // PURR_STORE_STORE_H_
