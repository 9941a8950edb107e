// `purr batch`: OCR, classify and report on a whole archive of scans, resumably.
//
//   purr batch SRC... --out DIR [--jobs N] [--pdf] [--resume] [--only-changed] ...
//
// SRC: folders (walked recursively, hidden entries and symbolic links to folders skipped,
// names in byte order), single files, and zip archives (found by content; read in place
// with libarchive, folders inside kept in the path: "vendor.zip!/box 1/a.tif").
//
// The state lives in DIR/batch.sqlite (store/batch_state.h; see below for PostgreSQL): every document seen, every
// page recognised (its text and confidence, committed as it finishes), every run. So:
//   - an interrupted run (Ctrl-C, SIGTERM, a crash, SIGKILL) loses at most the pages in
//     flight; the same command again continues it, reusing every stored page;
//   - a finished run is followed by a new one: every document is processed again, unless
//     --only-changed, which keeps documents whose content (size, mtime, then SHA-256), rules
//     and model are unchanged, re-classifies those whose rules or model changed from the
//     stored text without OCR, and OCRs only new or changed content;
//   - --resume insists on continuing: it fails when DIR holds no interrupted run of the
//     same sources.
// The same content under two paths (same SHA-256) is processed once; the later path is a
// duplicate of the first.
//
// Work: --jobs threads (default: one per core), each with its own OCR engine reused for
// every page; pages, not documents, are the unit of work, so a 500-page TIFF keeps every
// core busy and is decoded one page at a time. At most a few documents are open at once,
// so memory stays flat however large the archive. With --pdf a document's pages are
// recognised in order on one thread (the searchable PDF is written as they go).
//
// With a store (--db PATH or --config FILE): every document done becomes a letter there
// (source "batch", its path as the stored path), linked and decided by the decision rules
// of the rules folder in use, so halt letters nobody handled reach the follow-up queue; a
// content already in the store is not recorded again. Its letter and case go into the
// document's JSON, summary.csv and the changes. Page images are not kept (the review page
// shows the text).
//
// With a PostgreSQL store the state lives in that database instead of DIR/batch.sqlite,
// named by DIR as given, and hosts running the same command share the run: each document is
// claimed by one host (a lease renewed while it works), the others go on to the next; when
// a host has walked every source it waits for the documents other hosts hold, taking over
// any whose claim runs out (a dead host), and meanwhile recognises pages of them nobody
// holds (each page is claimed too; not with --pdf), which their owners take from the state; the host that finishes the run writes summary.csv,
// changes.csv, report.html and run.json from the shared state; every host writes
// DIR/sittings/<host>-<pid>.json with its own figures. Within one run two paths with the
// same content are read once, whichever host meets them.
//
// Outputs in DIR: documents/<path>.json per document, pdf/<path>.pdf with --pdf,
// summary.csv, changes.csv and report.html (worker/batch_report.h), run.json (this run's
// figures). Exit: 0 all documents done, 1 some failed, 2 usage, 130 interrupted.
#ifndef PURR_WORKER_BATCH_H_
#define PURR_WORKER_BATCH_H_

#include <atomic>
#include <string>
#include <vector>

#include "common/status.h"

namespace purr::batch {

struct BatchOptions {
  std::vector<std::string> sources;
  std::string out_dir;
  int jobs = 0;              // 0: one per core
  bool pdf = false;
  bool resume = false;
  bool only_changed = false;
  std::string rules_dir;     // empty: the default rules
  std::string model_path;    // empty: the default model; "none": rules alone
  std::vector<std::string> languages = {"nor", "swe", "dan", "eng"};
  std::string tessdata_dir;
  int page_deadline_ms = 20000;
  int max_pages = 1000;      // per document
  int64_t max_file_bytes = 512LL << 20;
  std::string jurisdiction;  // "NO", "SE", "DK", or empty: from the letter's language
  // The store (at most one of the two): each document done is recorded there as a letter,
  // linked to its case and decided as an inbox letter is (holds, follow-ups), once per
  // content however often the batch runs, and its text indexed for purr search. With
  // config_file, its purr.db is the store, and its rules, model and jurisdiction are used
  // where the options above leave them empty.
  std::string db_path;
  std::string config_file;
  // A document's claim lasts this long after it was last renewed (every third of it); a
  // host that died holding it has it taken over when it runs out.
  int lease_ms = 60000;
  bool progress_tty = false; // a live progress line; false: a log line every few seconds
  int progress_interval_ms = 5000;
  // Set from a signal handler to stop: pages in flight finish and are stored, then the run
  // ends as interrupted.
  const std::atomic<bool>* stop = nullptr;
};

struct BatchResult {
  int exit_code = 0;
  std::string summary;  // the closing line
};

// Runs the batch. Fails only when nothing can run (DIR unusable, rules or model not
// loadable, no OCR engine, --resume with nothing to resume); a bad document is a row of
// the report, not a failure.
Result<BatchResult> RunBatch(const BatchOptions& options);

}  // namespace purr::batch

#endif  // PURR_WORKER_BATCH_H_
