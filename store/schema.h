// The SQLite schema as numbered migrations (internal to store/).
//
// A migration is never edited once released: a change is a new migration appended to the
// list. The database records the number of the last one applied (PRAGMA user_version).
#ifndef PURR_STORE_SCHEMA_H_
#define PURR_STORE_SCHEMA_H_

#include <array>

namespace purr::store::internal {

inline constexpr std::array<const char*, 4> kMigrations = {
    // 1: the worker's store.
    R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta(key, value) VALUES ('ledger_generation', '0'), ('ids_generation', '0');

CREATE TABLE customers (
  customer TEXT PRIMARY KEY,
  name TEXT NOT NULL DEFAULT ''
);
CREATE TABLE cases (
  case_id TEXT PRIMARY KEY,
  customer TEXT NOT NULL REFERENCES customers(customer)
);
CREATE TABLE invoices (
  invoice TEXT PRIMARY KEY,
  customer TEXT NOT NULL REFERENCES customers(customer),
  case_id TEXT NOT NULL REFERENCES cases(case_id),
  reference TEXT NOT NULL DEFAULT '',
  original_minor INTEGER NOT NULL CHECK (original_minor >= 0),
  open_minor INTEGER NOT NULL CHECK (open_minor >= 0),
  currency TEXT NOT NULL,
  due_date TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('open', 'paid', 'closed')),
  blocking INTEGER NOT NULL DEFAULT 0,
  customer_name TEXT NOT NULL DEFAULT '',
  payer_accounts TEXT NOT NULL DEFAULT '[]',
  listed INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL
);
CREATE INDEX invoices_customer ON invoices(customer);
CREATE INDEX invoices_case ON invoices(case_id);

CREATE TABLE letters (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  file TEXT NOT NULL,
  source TEXT NOT NULL,
  received TEXT NOT NULL,
  stored_path TEXT NOT NULL,
  kind TEXT NOT NULL,
  language TEXT NOT NULL,
  classes TEXT NOT NULL,
  legal TEXT NOT NULL,
  jurisdiction TEXT NOT NULL,
  deadline TEXT NOT NULL,
  statute TEXT NOT NULL,
  needs_human INTEGER NOT NULL,
  needs_human_reasons TEXT NOT NULL,
  classification TEXT NOT NULL,
  entities TEXT NOT NULL,
  model_version TEXT NOT NULL,
  rules_version TEXT NOT NULL,
  decision_rules_version TEXT NOT NULL,
  case_id TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  proof_wait_until TEXT NOT NULL DEFAULT '',
  proof_payment_id TEXT NOT NULL DEFAULT '',
  recorded_at TEXT NOT NULL
);
CREATE INDEX letters_case ON letters(case_id);
CREATE TABLE letter_pages (
  letter_id INTEGER NOT NULL REFERENCES letters(id),
  page INTEGER NOT NULL,
  text TEXT NOT NULL,
  confidence REAL NOT NULL,
  PRIMARY KEY (letter_id, page)
);

CREATE TABLE payment_files (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  file TEXT NOT NULL,
  format TEXT NOT NULL,
  transactions INTEGER NOT NULL,
  applied INTEGER NOT NULL,
  duplicates INTEGER NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE TABLE payments (
  payment_id TEXT PRIMARY KEY,
  file_id INTEGER NOT NULL REFERENCES payment_files(id),
  amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
  currency TEXT NOT NULL,
  booking_date TEXT NOT NULL,
  refs TEXT NOT NULL,
  text TEXT NOT NULL,
  payer TEXT NOT NULL,
  direction TEXT NOT NULL,
  reversal INTEGER NOT NULL,
  decision TEXT NOT NULL,
  unapplied_minor INTEGER NOT NULL CHECK (unapplied_minor >= 0),
  customer TEXT NOT NULL,
  case_id TEXT NOT NULL,
  reasons TEXT NOT NULL,
  candidates TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE TABLE allocations (
  id INTEGER PRIMARY KEY,
  payment_id TEXT NOT NULL REFERENCES payments(payment_id),
  invoice TEXT NOT NULL REFERENCES invoices(invoice),
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  recorded_at TEXT NOT NULL
);
CREATE INDEX allocations_payment ON allocations(payment_id);
CREATE INDEX allocations_invoice ON allocations(invoice);

CREATE TABLE holds (
  id INTEGER PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(case_id),
  letter_id INTEGER REFERENCES letters(id),
  reason TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  released_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX holds_case ON holds(case_id);
CREATE TABLE follow_ups (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  reasons TEXT NOT NULL,
  deadline TEXT NOT NULL,
  priority INTEGER NOT NULL,
  case_id TEXT NOT NULL,
  candidates TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  letter_id INTEGER REFERENCES letters(id),
  payment_id TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'open',
  created_at TEXT NOT NULL
);
CREATE INDEX follow_ups_open ON follow_ups(status, deadline, priority);

CREATE TABLE events (
  event_id TEXT PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  customer TEXT NOT NULL,
  case_id TEXT NOT NULL,
  invoices TEXT NOT NULL,
  payment_id TEXT NOT NULL,
  at TEXT NOT NULL,
  body TEXT NOT NULL,
  delivered_file INTEGER NOT NULL DEFAULT 0,
  delivered_webhook INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL DEFAULT '',
  last_error TEXT NOT NULL DEFAULT ''
);

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  work_path TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  received TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_until TEXT NOT NULL DEFAULT '',
  last_error TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL DEFAULT '',
  archived INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX jobs_claim ON jobs(kind, state, lease_until);

CREATE TABLE audit (
  id INTEGER PRIMARY KEY,  -- never reused: the triggers below forbid DELETE
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  subject TEXT NOT NULL,
  action TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  score INTEGER
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql",
    // 2: the review queue: clerks, sessions, sign-in throttling, follow-up work, corrections,
    // audit entries with the state before and after a clerk's action.
    R"sql(
INSERT INTO meta(key, value) VALUES ('follow_ups_generation', '0');

CREATE TABLE users (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('clerk', 'admin')),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user TEXT NOT NULL REFERENCES users(name),
  csrf_token TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user);
CREATE TABLE sign_in_throttle (
  name TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  locked_until_ms INTEGER NOT NULL
);

ALTER TABLE follow_ups ADD COLUMN assignee TEXT NOT NULL DEFAULT '';
ALTER TABLE follow_ups ADD COLUMN resolved_by TEXT NOT NULL DEFAULT '';
ALTER TABLE follow_ups ADD COLUMN resolved_at TEXT NOT NULL DEFAULT '';
ALTER TABLE follow_ups ADD COLUMN comment TEXT NOT NULL DEFAULT '';
ALTER TABLE follow_ups ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
-- Copied from the letter so the queue filters without a join; kept in step by the store.
ALTER TABLE follow_ups ADD COLUMN classes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE follow_ups ADD COLUMN legal TEXT NOT NULL DEFAULT '';
ALTER TABLE follow_ups ADD COLUMN language TEXT NOT NULL DEFAULT '';
-- The deadline as a sort key: no deadline sorts last.
ALTER TABLE follow_ups ADD COLUMN due TEXT NOT NULL DEFAULT '9999-12-31';
UPDATE follow_ups SET due = CASE WHEN deadline = '' THEN '9999-12-31' ELSE deadline END;
UPDATE follow_ups SET classes = l.classes, legal = l.legal, language = l.language
  FROM letters l WHERE l.id = follow_ups.letter_id;
DROP INDEX follow_ups_open;
CREATE INDEX follow_ups_queue ON follow_ups(status, due, priority, id);
CREATE INDEX follow_ups_rule ON follow_ups(status, rule_id);
CREATE INDEX follow_ups_letter ON follow_ups(letter_id);
CREATE INDEX follow_ups_payment ON follow_ups(payment_id);

ALTER TABLE letter_pages ADD COLUMN words TEXT NOT NULL DEFAULT '';
ALTER TABLE letter_pages ADD COLUMN image TEXT NOT NULL DEFAULT '';
ALTER TABLE letter_pages ADD COLUMN width INTEGER NOT NULL DEFAULT 0;
ALTER TABLE letter_pages ADD COLUMN height INTEGER NOT NULL DEFAULT 0;
ALTER TABLE letter_pages ADD COLUMN image_scale REAL NOT NULL DEFAULT 0;

ALTER TABLE payments ADD COLUMN disposition TEXT NOT NULL DEFAULT '';

ALTER TABLE holds ADD COLUMN released_by TEXT NOT NULL DEFAULT '';

CREATE TABLE corrections (
  id INTEGER PRIMARY KEY,
  letter_id INTEGER NOT NULL REFERENCES letters(id),
  classes_before TEXT NOT NULL,
  classes_after TEXT NOT NULL,
  user TEXT NOT NULL,
  model_version TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX corrections_letter ON corrections(letter_id);

ALTER TABLE audit ADD COLUMN before TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN after TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_subject ON audit(subject, id);
)sql",
    // 3: the letters' full-text index (purr search). One row a letter, its rowid the
    // letter's id; diacritics folded (OCR drops them), so "Alesund" finds "Ålesund".
    R"sql(
CREATE VIRTUAL TABLE letter_text USING fts5(
  file, text, tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO letter_text(rowid, file, text)
  SELECT l.id, l.file,
         COALESCE((SELECT group_concat(text, char(10) || char(10))
                   FROM (SELECT text FROM letter_pages p WHERE p.letter_id = l.id
                         ORDER BY p.page)), '')
  FROM letters l;
)sql",
    // 4: named leases, so that of several purr processes on one store only one does a task
    // at a time (the outbox's delivery).
    R"sql(
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  until_ms INTEGER NOT NULL
);
)sql",
};

}  // namespace purr::store::internal

#endif  // PURR_STORE_SCHEMA_H_
