// purr batch: see worker/batch.h.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <iostream>
#include <sstream>

#include "worker/batch.h"
#include "worker/cli.h"
#include "worker/commands.h"

namespace purr {
namespace {

constexpr char kUsage[] =
    "purr batch [OPTIONS] SRC... --out DIR [--jobs N] [--db PATH | --config FILE] [--pdf] "
    "[--resume] [--only-changed]";
constexpr char kDescription[] =
    "OCR and classify an archive of scanned letters: folders (walked recursively), single "
    "scans (TIFF, PNG, JPEG, PDF, ...) and zip archives (read in place). Writes per document "
    "DIR/documents/<path>.json (text per page, confidences, classes, legal category, "
    "entities), DIR/summary.csv, DIR/changes.csv (decisions this run changed), "
    "DIR/report.html and DIR/run.json; with --pdf a searchable PDF per document under "
    "DIR/pdf/. The state is DIR/batch.sqlite: an interrupted run (Ctrl-C, a crash) continues "
    "when the same command is run again, reusing every page already read. After a finished "
    "run, the next one processes everything again, or with --only-changed only new or "
    "changed files, re-classifying from the stored text (no OCR) where only the rules or the "
    "model changed. The same content under two paths is read once. With --db or --config "
    "each document done is recorded in the store as a letter: linked to its case and decided "
    "as an inbox letter (holds, follow-ups for clerks), once per content however often the "
    "batch runs, its text indexed for purr search. With a PostgreSQL store (--db "
    "postgresql://... or the config's purr.db) the state is kept there instead, and several "
    "hosts running the same command (same SRC and --out, both on a shared folder) split the "
    "run: each takes documents by a claim it renews (and, with nothing of its own left, "
    "pages of another's document), a host that dies has its documents "
    "taken over when its claims run out (--lease-seconds), and the host that finishes the "
    "run writes the summary. Exit codes: 0 all done, "
    "1 some documents failed (listed in the report), 2 usage error, 130 interrupted.";

std::atomic<bool> g_stop{false};

void OnStop(int) {
  // A second Ctrl-C ends at once: the pages in flight are then lost, nothing else.
  if (g_stop.exchange(true)) _exit(130);
}

std::vector<std::string> Languages(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string part; std::getline(in, part, '+');) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

}  // namespace

int RunBatchCommand(const CommandArgs& args) {
  cli::CommandLine cl(kUsage, kDescription);
  cl.Value("out", "DIR", "the output folder (made if missing); holds the state as well");
  cl.Integer("jobs", "N", "OCR threads, each with its own engine (default: one per core)", 1,
             256);
  cl.Flag("pdf", "also write a searchable PDF per document under DIR/pdf/");
  cl.Flag("resume", "only continue an interrupted run of the same SRC; fail if there is none");
  cl.Flag("only-changed", "after a finished run: only new or changed content, rules or model");
  cl.Value("db", "PATH", "also record every document in this store, a file or a "
                         "postgresql:// URL (see above)");
  cl.Value("config", "FILE", "the daemon's purr.conf: its store, rules, model, jurisdiction");
  cl.Value("rules", "DIR", "classification rules (default: rules/, or the config's)");
  cl.Value("model", "FILE", "classifier model, or 'none' for rules alone "
                            "(default: fixtures/models/classify.model)");
  cl.Value("lang", "LANGS",
           "Tesseract languages, most likely first, joined by + (default nor+swe+dan+eng)");
  cl.Value("jurisdiction", "CODE", "NO, SE or DK for every letter (default: by language)");
  cl.Decimal("deadline", "SECONDS", "give up on a page after this long (default 20)", 0.001,
             86400);
  cl.Integer("max-pages", "N", "refuse documents with more pages (default 1000)", 1, 1000000);
  cl.Decimal("max-file-mb", "N", "refuse documents larger than this (default 512)", 0.001,
             1 << 20);
  cl.Integer("lease-seconds", "N",
             "a document claimed by a host that stopped renewing it is taken over after this "
             "long (default 60)", 2, 86400);
  cl.Integer("progress-interval", "SECONDS",
             "when not on a terminal, a progress line this often (default 5)", 1, 3600);
  if (std::optional<int> exit = cl.Parse(args)) return *exit;
  if (cl.positional().empty()) return cl.UsageError("no SRC given");
  if (cl.Get("out").empty()) return cl.UsageError("--out DIR is needed");
  if (cl.Has("db") && cl.Has("config")) return cl.UsageError("give --db PATH or --config FILE, not both");
  if (cl.Has("resume") && cl.Has("only-changed")) {
    return cl.UsageError("--resume continues a run; --only-changed starts one: not both");
  }

  batch::BatchOptions o;
  o.sources = cl.positional();
  o.out_dir = cl.Get("out");
  o.jobs = static_cast<int>(cl.GetInteger("jobs", 0));
  o.pdf = cl.Has("pdf");
  o.resume = cl.Has("resume");
  o.only_changed = cl.Has("only-changed");
  o.rules_dir = cl.Get("rules");
  o.model_path = cl.Get("model");
  if (cl.Has("lang")) {
    o.languages = Languages(cl.Get("lang"));
    if (o.languages.empty()) return cl.UsageError("--lang is empty");
  }
  o.jurisdiction = cl.Get("jurisdiction");
  o.db_path = cl.Get("db");
  o.config_file = cl.Get("config");
  o.page_deadline_ms = static_cast<int>(
      std::max(1.0, std::round(cl.GetDecimal("deadline", o.page_deadline_ms / 1000.0) * 1e3)));
  o.max_pages = static_cast<int>(cl.GetInteger("max-pages", o.max_pages));
  o.max_file_bytes = static_cast<int64_t>(
      cl.GetDecimal("max-file-mb", static_cast<double>(o.max_file_bytes) / (1 << 20)) *
      (1 << 20));
  o.lease_ms = static_cast<int>(cl.GetInteger("lease-seconds", o.lease_ms / 1000)) * 1000;
  o.progress_tty = isatty(2) != 0;
  o.progress_interval_ms = static_cast<int>(cl.GetInteger("progress-interval", 5)) * 1000;
  o.stop = &g_stop;

  struct sigaction sa {};
  sa.sa_handler = OnStop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  Result<batch::BatchResult> result = batch::RunBatch(o);
  if (!result.ok()) {
    std::cerr << "purr batch: " << result.status().message() << "\n";
    return cli::kExitSomeFailed;
  }
  std::cout << result->summary << "\n";
  return result->exit_code;
}

}  // namespace purr
