// The commands over the store: purr run, invoices import, and the listings (letters,
// allocations, invoices, cases, followups, events, status, audit).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Util/ServerApplication.h>

#include <termios.h>
#include <unistd.h>

#include <filesystem>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "casework/casework.h"
#include "common/money.h"
#include "matching/ledger.h"
#include "store/store.h"
#include "web/auth.h"
#include "web/json.h"
#include "worker/cli.h"
#include "worker/commands.h"
#include "worker/config.h"
#include "worker/daemon.h"
#include "worker/file_io.h"

namespace purr {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Array::Ptr Strings(const std::vector<std::string>& v) {
  Array::Ptr a = new Array;
  for (const std::string& s : v) a->add(s);
  return a;
}

Poco::Dynamic::Var OrNull(const std::string& s) {
  return s.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(s);
}

Poco::Dynamic::Var ParsedJson(const std::string& text) {
  if (text.empty()) return Poco::Dynamic::Var();
  try {
    Poco::JSON::Parser parser;
    return parser.parse(text);
  } catch (const Poco::Exception&) {
    return text;
  }
}

void PrintLine(const Object& o) {
  o.stringify(std::cout);
  std::cout << "\n";
}

std::string Money(int64_t minor, const std::string& currency) {
  std::optional<int> exp = CurrencyExponent(currency);
  return FormatMinor(minor, exp.value_or(2)) + " " + currency;
}

// Declares --config/--db/--json, parses, opens the store. Returns an exit code to stop with.
struct StoreCommand {
  cli::CommandLine cl;
  std::unique_ptr<store::Store> store;
  Config config;

  StoreCommand(std::string usage, std::string description)
      : cl(std::move(usage), std::move(description)) {
    cl.Value("config", "FILE", "the daemon's purr.conf (its purr.db is the store)");
    cl.Value("db", "PATH", "the store, instead of --config: a SQLite file or a postgresql:// URL");
  }
  std::optional<int> Open(const std::vector<std::string>& args, const char* name) {
    if (auto exit_code = cl.Parse(args)) return exit_code;
    Result<Config> config_or = ConfigFromOptions(cl.Get("config"), cl.Get("db"));
    if (!config_or.ok()) return cl.UsageError(config_or.status().message());
    config = *config_or;
    Result<std::unique_ptr<store::Store>> s = store::OpenStore(store::StoreOptions{config.db, 10000, 4, nullptr});
    if (!s.ok()) {
      std::cerr << "purr " << name << ": " << s.status().message() << "\n";
      return cli::kExitSomeFailed;
    }
    store = std::move(*s);
    return std::nullopt;
  }
  int Fail(const char* name, const Status& status) {
    std::cerr << "purr " << name << ": " << status.message() << "\n";
    return cli::kExitSomeFailed;
  }
};

}  // namespace

namespace {

// purr run is a Poco ServerApplication: --daemon forks and detaches (stdio to /dev/null,
// working folder /), --pidfile writes the process id. The worker itself is RunDaemon.
class RunServer : public Poco::Util::ServerApplication {
 public:
  RunServer(Config config, DaemonOptions options)
      : config_(std::move(config)), options_(std::move(options)) {}

 protected:
  int main(const std::vector<std::string>&) override { return RunDaemon(config_, options_); }

 private:
  const Config config_;
  const DaemonOptions options_;
};

}  // namespace

int RunRunCommand(const CommandArgs& args) {
  cli::CommandLine cl(
      "purr run --config FILE [--until-idle] [--log-format plain|json] [--log-file FILE] "
      "[--daemon] [--pidfile FILE]",
      "Runs the worker: polls the letter and payment inboxes, claims each complete file "
      "exactly once, OCRs, classifies and links letters to their cases, matches payments to "
      "the ledger, puts cases on hold, creates follow-ups, writes reactivation events to the "
      "outbox and delivers them; archives what it processed and quarantines what it cannot "
      "(with a .reason file). Serves /health and /metrics on purr.http.address. "
      "SIGTERM/SIGINT stop after the jobs in flight; SIGHUP reloads the config and the rules "
      "(a broken file keeps the config and rules in force). --until-idle processes everything there is, delivers the "
      "outbox once and exits 0. Runs in the foreground (what systemd wants) unless --daemon "
      "is given. Exit status: 0 after a clean stop, 1 when the worker could not start.");
  cl.Value("config", "FILE", "purr.conf (see the annotated purr.conf in the repository)");
  cl.Flag("until-idle", "exit 0 once the inboxes are empty and every job is done");
  cl.Value("log-format", "plain|json", "log lines (default plain)");
  cl.Value("log-file", "FILE", "append log lines to FILE instead of stderr");
  cl.Flag("daemon", "fork into the background (stdio to /dev/null: use --log-file)");
  cl.Value("pidfile", "FILE", "write the process id to FILE (removed at exit)");
  if (auto exit_code = cl.Parse(args)) return *exit_code;
  if (!cl.Has("config")) return cl.UsageError("--config FILE is required");
  const std::string format = cl.Get("log-format", "plain");
  if (format != "plain" && format != "json") {
    return cl.UsageError("--log-format must be plain or json");
  }
  Result<Config> config = LoadConfig(cl.Get("config"));
  if (!config.ok()) {
    std::cerr << "purr run: " << config.status().message() << "\n";
    return cli::kExitSomeFailed;
  }
  DaemonOptions options;
  options.until_idle = cl.Has("until-idle");
  options.json_log = format == "json";
  if (cl.Has("log-file")) {
    options.log_file = std::filesystem::absolute(cl.Get("log-file")).string();
  }
  std::vector<std::string> server_args = {"purr-run"};
  if (cl.Has("daemon")) server_args.push_back("--daemon");
  if (cl.Has("pidfile")) {
    server_args.push_back("--pidfile=" + std::filesystem::absolute(cl.Get("pidfile")).string());
  }
  std::vector<char*> argv;
  for (std::string& a : server_args) argv.push_back(a.data());
  argv.push_back(nullptr);
  RunServer server(*config, options);
  return server.run(static_cast<int>(server_args.size()), argv.data());
}

int RunInvoicesCommand(const CommandArgs& args) {
  if (!args.empty() && args[0] == "import") {
    StoreCommand c("purr invoices import [--config FILE | --db PATH] [--json] LEDGER",
                   "Loads or updates the open-invoice ledger in the store from a CSV or "
                   "JSON-lines file (the format of `purr match --invoices`). New invoices "
                   "are added; changed ones updated, keeping every allocation purr recorded "
                   "(open = the ledger's amount minus those allocations); invoices the file "
                   "no longer lists are kept and reported, never deleted. Bad rows are "
                   "reported with their line numbers and skipped; the good rows are applied.");
    c.cl.Flag("json", "print the summary as one JSON object");
    if (auto exit_code = c.Open(CommandArgs(args.begin() + 1, args.end()), "invoices import")) {
      return *exit_code;
    }
    if (c.cl.positional().size() != 1) return c.cl.UsageError("give exactly one LEDGER file");
    const std::string path = c.cl.positional()[0];
    Result<std::string> bytes = ReadWholeFile(path, int64_t{4} << 30);
    if (!bytes.ok()) return c.Fail("invoices import", bytes.status().WithContext(path));
    Result<matching::Ledger> ledger = matching::ParseLedger(*bytes);
    bytes->clear();
    if (!ledger.ok()) return c.Fail("invoices import", ledger.status().WithContext(path));
    for (const matching::LedgerIssue& issue : ledger->issues) {
      std::cerr << path << ":" << issue.line << ": " << issue.reason << "\n";
    }
    int64_t added = 0, updated = 0, unchanged = 0, unlisted = 0;
    std::vector<std::string> unlisted_sample, warnings;
    Status s = c.store->Transact([&](store::Txn& txn) {
      std::map<std::string, store::InvoiceRecord> existing;
      txn.ForEachInvoice([&](store::InvoiceRecord&& r) {
        std::string key = r.invoice;
        existing.emplace(std::move(key), std::move(r));
      });
      std::set<std::string> listed;
      for (const matching::Invoice& inv : ledger->invoices) {
        listed.insert(inv.invoice);
        store::InvoiceRecord r;
        r.invoice = inv.invoice;
        r.customer = inv.customer;
        r.case_id = inv.case_number.empty() ? inv.customer : inv.case_number;
        r.reference = inv.reference;
        r.original_minor = inv.amount_minor;
        r.currency = inv.currency;
        r.due_date = inv.due_date;
        r.status = std::string(matching::InvoiceStatusName(inv.status));
        r.blocking = inv.blocking;
        r.customer_name = inv.customer_name;
        r.payer_accounts = inv.payer_accounts;
        r.open_minor = r.status == "open" ? inv.amount_minor : 0;
        auto it = existing.find(inv.invoice);
        if (it != existing.end()) {
          const store::InvoiceRecord& old = it->second;
          const int64_t allocated = old.original_minor - old.open_minor;
          if (old.status == "open" || old.status == "paid") {
            r.open_minor = std::max<int64_t>(0, r.original_minor - std::max<int64_t>(0, allocated));
            if (r.status == "open" && r.open_minor == 0) r.status = "paid";
          }
          if (allocated > r.original_minor) {
            warnings.push_back(inv.invoice + ": purr has allocated " +
                               Money(allocated, inv.currency) + ", more than its new amount " +
                               Money(r.original_minor, inv.currency));
          }
          if (old.customer != r.customer || old.case_id != r.case_id ||
              old.reference != r.reference || old.original_minor != r.original_minor ||
              old.open_minor != r.open_minor || old.currency != r.currency ||
              old.due_date != r.due_date || old.status != r.status ||
              old.blocking != r.blocking || old.customer_name != r.customer_name ||
              old.payer_accounts != r.payer_accounts || !old.listed) {
            txn.PutInvoice(r);
            ++updated;
          } else {
            ++unchanged;
          }
        } else {
          txn.PutInvoice(r);
          ++added;
        }
      }
      for (auto& [number, old] : existing) {
        if (listed.count(number)) continue;
        ++unlisted;
        if (unlisted_sample.size() < 20) unlisted_sample.push_back(number);
        if (old.listed) {
          old.listed = false;
          txn.PutInvoice(old);
        }
      }
      txn.Audit("purr/import", "ledger",
                {"import", "ledger.import",
                 path + ": " + std::to_string(added) + " added, " + std::to_string(updated) +
                     " updated, " + std::to_string(unchanged) + " unchanged, " +
                     std::to_string(unlisted) + " no longer listed (kept), " +
                     std::to_string(ledger->issues.size()) + " bad rows",
                 std::nullopt});
    });
    if (!s.ok()) return c.Fail("invoices import", s);
    for (const std::string& w : warnings) std::cerr << "purr invoices import: " << w << "\n";
    if (c.cl.Has("json")) {
      Object o(Poco::JSON_PRESERVE_KEY_ORDER);
      o.set("file", path);
      o.set("added", added);
      o.set("updated", updated);
      o.set("unchanged", unchanged);
      o.set("unlisted_kept", unlisted);
      o.set("unlisted", Strings(unlisted_sample));
      o.set("bad_rows", static_cast<Poco::Int64>(ledger->issues.size()));
      PrintLine(o);
    } else {
      std::cout << path << ": " << added << " added, " << updated << " updated, " << unchanged
                << " unchanged, " << ledger->issues.size() << " bad rows skipped\n";
      if (unlisted > 0) {
        std::cout << unlisted << " invoices in the store are no longer in the file (kept):";
        for (const std::string& n : unlisted_sample) std::cout << " " << n;
        std::cout << (unlisted > 20 ? " ...\n" : "\n");
      }
    }
    return ledger->issues.empty() ? cli::kExitOk : cli::kExitSomeFailed;
  }
  StoreCommand c("purr invoices [--config FILE | --db PATH] [--json]  |  purr invoices import ...",
                 "Lists the invoices in the store with original and open amounts, status and "
                 "blocking flag. `purr invoices import --help` loads a ledger.");
  c.cl.Flag("json", "one JSON object per invoice");
  if (auto exit_code = c.Open(args, "invoices")) return *exit_code;
  Result<std::vector<store::InvoiceRecord>> invoices = c.store->Invoices();
  if (!invoices.ok()) return c.Fail("invoices", invoices.status());
  for (const store::InvoiceRecord& r : *invoices) {
    if (c.cl.Has("json")) {
      Object o(Poco::JSON_PRESERVE_KEY_ORDER);
      o.set("invoice", r.invoice);
      o.set("customer", r.customer);
      o.set("case", r.case_id);
      o.set("original_minor", r.original_minor);
      o.set("open_minor", r.open_minor);
      o.set("currency", r.currency);
      o.set("status", r.status);
      o.set("blocking", r.blocking);
      o.set("listed", r.listed);
      PrintLine(o);
    } else {
      std::cout << std::left << std::setw(14) << r.invoice << std::setw(10) << r.customer
                << std::setw(16) << r.case_id << std::right << std::setw(14)
                << Money(r.original_minor, r.currency) << std::setw(14)
                << Money(r.open_minor, r.currency) << "  " << r.status
                << (r.blocking ? " blocking" : "") << (r.listed ? "" : " (not in last import)")
                << "\n";
    }
  }
  return cli::kExitOk;
}

int RunLettersCommand(const CommandArgs& args) {
  StoreCommand c("purr letters [--config FILE | --db PATH] [--json]",
                 "Lists the letters in the store: file, content hash, receipt time, "
                 "language, classes, legal category and deadline, case, needs_human, status.");
  c.cl.Flag("json", "one JSON object per letter");
  if (auto exit_code = c.Open(args, "letters")) return *exit_code;
  Result<std::vector<store::LetterRecord>> letters = c.store->Letters();
  if (!letters.ok()) return c.Fail("letters", letters.status());
  for (const store::LetterRecord& l : *letters) {
    if (c.cl.Has("json")) {
      Object o(Poco::JSON_PRESERVE_KEY_ORDER);
      o.set("id", l.id);
      o.set("file", l.file);
      o.set("sha256", l.sha256);
      o.set("received", l.received);
      o.set("kind", l.kind);
      o.set("language", l.language);
      o.set("classes", Strings(l.classes));
      o.set("legal", l.legal);
      o.set("deadline", OrNull(l.deadline));
      o.set("case", OrNull(l.case_id));
      o.set("needs_human", l.needs_human);
      o.set("needs_human_reasons", Strings(l.needs_human_reasons));
      o.set("status", l.status);
      o.set("proof_payment_id", OrNull(l.proof_payment_id));
      o.set("proof_wait_until", OrNull(l.proof_wait_until));
      o.set("model_version", l.model_version);
      o.set("rules_version", l.rules_version);
      o.set("decision_rules_version", l.decision_rules_version);
      PrintLine(o);
    } else {
      std::string classes;
      for (const std::string& cls : l.classes) classes += (classes.empty() ? "" : ",") + cls;
      std::cout << std::left << std::setw(5) << l.id << std::setw(34) << l.file.substr(0, 33)
                << std::setw(4) << l.language << std::setw(30) << classes.substr(0, 29)
                << std::setw(19) << l.legal << std::setw(11)
                << (l.deadline.empty() ? "-" : l.deadline) << " " << std::setw(14)
                << (l.case_id.empty() ? "-" : l.case_id) << l.status
                << (l.needs_human ? " (needs human)" : "") << "\n";
    }
  }
  return cli::kExitOk;
}

int RunSearchCommand(const CommandArgs& args) {
  StoreCommand c("purr search [--config FILE | --db PATH] [--json] [--limit N] QUERY...",
                 "Finds letters in the store by their text and file name: every word of "
                 "QUERY must occur; \"words in quotes\" must stand together in that order; "
                 "word* matches words starting so. Case and accents do not matter "
                 "(\"Alesund\" finds \"\u00c5lesund\"); a reference such as KID-1234-5 is "
                 "searched as one phrase. Prints the best matches first, each with its "
                 "letter, file, case and the text around the hits (between \u00ab and "
                 "\u00bb). Letters from the inboxes and from purr batch --db are indexed as "
                 "they are recorded. Exit: 0 found, 1 nothing found or an error, 2 usage.");
  c.cl.Flag("json", "one JSON object per letter found");
  c.cl.Integer("limit", "N", "at most N letters (default 20)", 1, 10000);
  if (auto exit_code = c.Open(args, "search")) return *exit_code;
  std::string text;
  for (const std::string& word : c.cl.positional()) text += (text.empty() ? "" : " ") + word;
  if (text.empty()) return c.cl.UsageError("no QUERY given");
  Result<store::TextQuery> query = store::ParseTextQuery(text);
  if (!query.ok()) return c.cl.UsageError(query.status().message());
  std::vector<store::LetterHit> hits;
  const int limit = static_cast<int>(c.cl.GetInteger("limit", 20));
  Status read = c.store->Read([&](store::Txn& txn) { hits = txn.SearchLetters(*query, limit); });
  if (!read.ok()) return c.Fail("search", read);
  for (const store::LetterHit& h : hits) {
    if (c.cl.Has("json")) {
      Object o(Poco::JSON_PRESERVE_KEY_ORDER);
      o.set("letter", h.letter_id);
      o.set("file", h.file);
      o.set("source", h.source);
      o.set("path", OrNull(h.stored_path));
      o.set("received", h.received);
      o.set("case", OrNull(h.case_id));
      o.set("classes", Strings(h.classes));
      o.set("legal", h.legal);
      o.set("snippet", h.snippet);
      o.set("score", std::round(h.score * 1000) / 1000);
      PrintLine(o);
    } else {
      std::string classes;
      for (const std::string& cls : h.classes) classes += (classes.empty() ? "" : ",") + cls;
      std::string snippet = h.snippet;
      for (char& ch : snippet) {
        if (ch == '\n' || ch == '\r' || ch == '\t' || ch == '\f') ch = ' ';
      }
      std::cout << "letter " << h.letter_id << "  " << h.file << "  "
                << h.received.substr(0, 10) << "  case "
                << (h.case_id.empty() ? "-" : h.case_id) << "  "
                << (classes.empty() ? "-" : classes) << "  " << h.legal << "\n    "
                << snippet << "\n";
    }
  }
  if (!c.cl.Has("json")) {
    std::cout << hits.size() << (hits.size() == 1 ? " letter" : " letters") << " found"
              << (static_cast<int>(hits.size()) == limit ? " (the first " + std::to_string(limit) + "; --limit for more)" : "")
              << "\n";
  }
  return hits.empty() ? cli::kExitSomeFailed : cli::kExitOk;
}

int RunMigrateCommand(const CommandArgs& args) {
  cli::CommandLine cl(
      "purr migrate --from STORE --to STORE [--json]",
      "Copies every row of the store FROM (a SQLite file, or a postgresql:// URL) into the "
      "store TO, which must be empty: a SQLite installation moves onto PostgreSQL with "
      "--from purr.sqlite --to postgresql://USER@HOST/DATABASE (the database must exist; "
      "its tables are made). Stop every purr on FROM first. The rows go in one "
      "transaction, so a failed copy leaves TO empty; afterwards every table's rows and the "
      "ledger's sums (invoices' original and open amounts, allocations, payments) are "
      "counted on both sides and must agree. Then point purr.db at TO. "
      "Exit: 0 copied and checked, 1 failed, 2 usage.");
  cl.Value("from", "STORE", "the store to copy: a SQLite file or a postgresql:// URL");
  cl.Value("to", "STORE", "the empty store to copy into");
  cl.Flag("json", "the counts as one JSON object");
  if (auto exit_code = cl.Parse(args)) return *exit_code;
  if (cl.Get("from").empty() || cl.Get("to").empty()) {
    return cl.UsageError("--from STORE and --to STORE are required");
  }
  if (!cl.positional().empty()) return cl.UsageError("unexpected argument " + cl.positional()[0]);
  store::StoreOptions from, to;
  from.path = cl.Get("from");
  to.path = cl.Get("to");
  Result<store::CopyReport> report = store::CopyStore(from, to);
  if (!report.ok()) {
    std::cerr << "purr migrate: " << report.status().message() << "\n";
    return cli::kExitSomeFailed;
  }
  int64_t rows = 0;
  for (const store::CopyCount& t : report->tables) rows += t.rows;
  if (cl.Has("json")) {
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("from", store::StoreDisplayName(from.path));
    o.set("to", store::StoreDisplayName(to.path));
    Object tables(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const store::CopyCount& t : report->tables) tables.set(t.table, t.rows);
    o.set("tables", tables);
    o.set("invoices_original_minor", report->invoices_original_minor);
    o.set("invoices_open_minor", report->invoices_open_minor);
    o.set("allocations_minor", report->allocations_minor);
    o.set("payments_minor", report->payments_minor);
    o.set("seconds", std::round(report->seconds * 1000) / 1000);
    PrintLine(o);
    return cli::kExitOk;
  }
  for (const store::CopyCount& t : report->tables) {
    std::cout << "  " << t.table << std::string(t.table.size() < 18 ? 18 - t.table.size() : 1, ' ')
              << t.rows << "\n";
  }
  // Sums over every currency, in minor units: a check that nothing was lost, not a balance.
  std::cout << "minor units: invoices original " << report->invoices_original_minor
            << ", open " << report->invoices_open_minor << "; allocations "
            << report->allocations_minor << "; payments " << report->payments_minor << "\n"
            << "purr migrate: " << rows << " rows copied from " << store::StoreDisplayName(from.path)
            << " to " << store::StoreDisplayName(to.path) << " in "
            << std::round(report->seconds * 10) / 10 << " s; every count and sum agrees\n";
  return cli::kExitOk;
}

int RunAllocationsCommand(const CommandArgs& args) {
  StoreCommand c("purr allocations [--config FILE | --db PATH] [--json]",
                 "Lists every recorded payment with its decision, its allocations to "
                 "invoices and what stayed unapplied.");
  c.cl.Flag("json", "one JSON object per payment");
  if (auto exit_code = c.Open(args, "allocations")) return *exit_code;
  Result<std::vector<store::PaymentRecord>> payments = c.store->Payments();
  if (!payments.ok()) return c.Fail("allocations", payments.status());
  for (const store::PaymentRecord& p : *payments) {
    if (c.cl.Has("json")) {
      Object o(Poco::JSON_PRESERVE_KEY_ORDER);
      o.set("payment_id", p.payment_id);
      o.set("file", p.file);
      o.set("amount_minor", p.amount_minor);
      o.set("currency", p.currency);
      o.set("booking_date", p.booking_date);
      o.set("decision", p.decision);
      Array::Ptr allocations = new Array;
      for (const store::AllocationRecord& a : p.allocations) {
        Object::Ptr x = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        x->set("invoice", a.invoice);
        x->set("amount_minor", a.amount_minor);
        allocations->add(x);
      }
      o.set("allocations", allocations);
      o.set("unapplied_minor", p.unapplied_minor);
      o.set("case", OrNull(p.case_id));
      o.set("payer", p.payer);
      o.set("reasons", ParsedJson(p.reasons_json));
      o.set("candidates", ParsedJson(p.candidates_json));
      PrintLine(o);
    } else {
      std::string to;
      for (const store::AllocationRecord& a : p.allocations) {
        to += (to.empty() ? "" : ", ") + a.invoice + " " + Money(a.amount_minor, p.currency);
      }
      std::cout << std::left << std::setw(40) << p.payment_id << std::right << std::setw(14)
                << Money(p.amount_minor, p.currency) << "  " << std::left << std::setw(10)
                << p.decision << (to.empty() ? "-" : to);
      if (p.unapplied_minor > 0) std::cout << "; unapplied " << Money(p.unapplied_minor, p.currency);
      std::cout << "\n";
    }
  }
  return cli::kExitOk;
}

int RunCasesCommand(const CommandArgs& args) {
  StoreCommand c("purr cases [--config FILE | --db PATH] [--json] [--flag reactivated|follow-up|hold|settled|open]",
                 "Lists the cases: customer, flag (hold, follow-up, reactivated, settled, "
                 "open), active holds, invoices, letters and payments.");
  c.cl.Flag("json", "one JSON object per case");
  c.cl.Value("flag", "FLAG", "only cases with this flag ('reactivate' = reactivated)");
  if (auto exit_code = c.Open(args, "cases")) return *exit_code;
  std::string flag = c.cl.Get("flag");
  if (flag == "reactivate") flag = "reactivated";
  static const std::set<std::string> kFlags = {"", "reactivated", "follow-up", "hold", "settled", "open"};
  if (!kFlags.count(flag)) return c.cl.UsageError("--flag must be reactivated, follow-up, hold, settled or open");
  Result<std::vector<store::CaseRecord>> cases = c.store->Cases();
  if (!cases.ok()) return c.Fail("cases", cases.status());
  for (const store::CaseRecord& r : *cases) {
    if (!flag.empty() && r.flag != flag) continue;
    if (c.cl.Has("json")) {
      Object o(Poco::JSON_PRESERVE_KEY_ORDER);
      o.set("case", r.case_id);
      o.set("customer", r.customer);
      o.set("flag", r.flag);
      o.set("holds", Strings(r.holds));
      o.set("invoices", Strings(r.invoices));
      Array::Ptr letters = new Array;
      for (int64_t id : r.letters) letters->add(id);
      o.set("letters", letters);
      o.set("payments", Strings(r.payments));
      PrintLine(o);
    } else {
      std::cout << std::left << std::setw(16) << r.case_id << std::setw(10) << r.customer
                << std::setw(12) << r.flag << r.invoices.size() << " invoices, "
                << r.letters.size() << " letters, " << r.payments.size() << " payments";
      if (!r.holds.empty()) std::cout << "; hold: " << r.holds.front();
      std::cout << "\n";
    }
  }
  return cli::kExitOk;
}

int RunFollowUpsCommand(const CommandArgs& args) {
  StoreCommand c("purr followups [--config FILE | --db PATH] [--json] [--all]",
                 "Lists the open follow-ups, by deadline then priority: kind, reasons, "
                 "deadline, priority, the letter or payment, the case and candidates.");
  c.cl.Flag("json", "one JSON object per follow-up");
  c.cl.Flag("all", "resolved follow-ups too");
  if (auto exit_code = c.Open(args, "followups")) return *exit_code;
  Result<std::vector<store::FollowUpRecord>> items = c.store->FollowUps(!c.cl.Has("all"));
  const std::string today = c.store->Now().substr(0, 10);
  if (!items.ok()) return c.Fail("followups", items.status());
  for (const store::FollowUpRecord& r : *items) {
    const cases::FollowUp& f = r.follow_up;
    if (c.cl.Has("json")) {
      Object::Ptr json = web::FollowUpJson(r, today);
      const Object& o = *json;
      PrintLine(o);
    } else {
      std::cout << "#" << r.id << " [" << f.kind << ", p" << f.priority << ", "
                << (f.deadline.empty() ? "no deadline" : "by " + f.deadline) << "] "
                << (f.case_id.empty() ? "no case" : f.case_id) << " "
                << (r.letter_id > 0 ? r.letter_file : r.payment_id) << " (" << f.rule_id << ")\n";
      for (const std::string& why : f.reasons) std::cout << "    " << why << "\n";
      if (!f.candidates.empty()) {
        std::cout << "    candidates:";
        for (const std::string& cand : f.candidates) std::cout << " " << cand;
        std::cout << "\n";
      }
    }
  }
  return cli::kExitOk;
}

int RunEventsCommand(const CommandArgs& args) {
  StoreCommand c("purr events [--config FILE | --db PATH] [--json]",
                 "Lists the outbox events (reactivations) with their idempotency keys and "
                 "delivery state.");
  c.cl.Flag("json", "one JSON object per event");
  if (auto exit_code = c.Open(args, "events")) return *exit_code;
  Result<std::vector<store::EventRecord>> events = c.store->Events();
  if (!events.ok()) return c.Fail("events", events.status());
  for (const store::EventRecord& e : *events) {
    if (c.cl.Has("json")) {
      // The event as delivered, then how far its delivery got.
      Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(/*preserveObjectOrder=*/true));
      Object o = *parser.parse(casework::EventBody(e)).extract<Object::Ptr>();
      Object::Ptr delivered = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
      delivered->set("file", e.delivered_file);
      delivered->set("webhook", e.delivered_webhook);
      o.set("delivered", delivered);
      o.set("attempts", e.attempts);
      o.set("last_error", OrNull(e.last_error));
      PrintLine(o);
    } else {
      std::string invoices;
      for (const std::string& i : e.invoices) invoices += (invoices.empty() ? "" : ",") + i;
      std::cout << e.event_id << "  " << e.type << " customer " << e.customer << " case "
                << e.case_id << " (" << invoices << ") by " << e.payment_id
                << (e.delivered_file || e.delivered_webhook ? "  delivered" : "  pending") << "\n";
    }
  }
  return cli::kExitOk;
}

int RunStatusCommand(const CommandArgs& args) {
  StoreCommand c("purr status [--config FILE | --db PATH] [--json]",
                 "Shows the job queue per inbox and state (pending, running, done, failed), "
                 "the number of failed jobs and the last activity.");
  c.cl.Flag("json", "one JSON object");
  if (auto exit_code = c.Open(args, "status")) return *exit_code;
  Result<std::vector<store::QueueCount>> counts = c.store->QueueCounts();
  Result<std::string> last = c.store->LastActivity();
  if (!counts.ok()) return c.Fail("status", counts.status());
  int64_t failed = 0;
  for (const store::QueueCount& q : *counts) failed += q.state == "failed" ? q.count : 0;
  if (c.cl.Has("json")) {
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    Object::Ptr queue = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const store::QueueCount& q : *counts) {
      Object::Ptr kind = queue->has(q.kind) ? queue->getObject(q.kind)
                                            : Object::Ptr(new Object(Poco::JSON_PRESERVE_KEY_ORDER));
      kind->set(q.state, q.count);
      queue->set(q.kind, kind);
    }
    o.set("queue", queue);
    o.set("failed_jobs", failed);
    o.set("last_activity", last.ok() ? OrNull(*last) : Poco::Dynamic::Var());
    o.set("schema_version", c.store->schema_version());
    PrintLine(o);
  } else {
    std::cout << "store " << c.store->path() << " (schema " << c.store->schema_version() << ")\n";
    for (const store::QueueCount& q : *counts) {
      std::cout << "  " << std::left << std::setw(10) << q.kind << std::setw(9) << q.state
                << q.count << "\n";
    }
    std::cout << "last activity: " << (last.ok() && !last->empty() ? *last : "none") << "\n";
    if (failed > 0) {
      std::cout << failed << " jobs failed and were quarantined (reasons in the quarantine "
                   "folder's .reason files and in purr audit)\n";
    }
  }
  return cli::kExitOk;
}

int RunAuditCommand(const CommandArgs& args) {
  StoreCommand c("purr audit [--config FILE | --db PATH] [--json] [--subject S]",
                 "Prints the append-only audit log: who or what decided what, when, why, "
                 "with the rule id or match score behind it.");
  c.cl.Flag("json", "one JSON object per entry");
  c.cl.Value("subject", "S", "only entries about this subject (letter:3, case:S-1, ...)");
  if (auto exit_code = c.Open(args, "audit")) return *exit_code;
  Result<std::vector<store::AuditRecord>> log = c.store->AuditLog();
  if (!log.ok()) return c.Fail("audit", log.status());
  const std::string subject = c.cl.Get("subject");
  for (const store::AuditRecord& a : *log) {
    if (!subject.empty() && a.subject != subject) continue;
    if (c.cl.Has("json")) {
      Object::Ptr json = web::AuditJson(a);
      const Object& o = *json;
      PrintLine(o);
    } else {
      std::cout << a.at << " " << a.actor << " " << a.subject << " " << a.action << " ["
                << a.rule_id << "] " << a.reason << "\n";
    }
  }
  return cli::kExitOk;
}

}  // namespace purr

namespace purr {
namespace {

// A password from the terminal without echo (asked twice), or one line of standard input.
Result<std::string> ReadPassword(bool from_stdin) {
  std::string first;
  if (from_stdin || !isatty(STDIN_FILENO)) {
    if (!std::getline(std::cin, first)) return Status::InvalidInput("no password on standard input");
    if (!first.empty() && first.back() == '\r') first.pop_back();
    return first;
  }
  termios old_mode{};
  if (tcgetattr(STDIN_FILENO, &old_mode) != 0) return Status::IoError("cannot read the terminal");
  termios quiet = old_mode;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  auto ask = [&](const char* prompt, std::string* out) {
    std::cerr << prompt << std::flush;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    const bool got = static_cast<bool>(std::getline(std::cin, *out));
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old_mode);
    std::cerr << "\n";
    return got;
  };
  std::string second;
  if (!ask("Password: ", &first) || !ask("Again: ", &second)) {
    return Status::InvalidInput("no password given");
  }
  if (first != second) return Status::InvalidInput("the two passwords differ");
  return first;
}

}  // namespace

int RunUsersCommand(const CommandArgs& args) {
  StoreCommand c(
      "purr users list|add|passwd|disable|enable [--config FILE | --db PATH] [NAME] "
      "[--role clerk|admin] [--password-stdin]",
      "Manages the people who sign in to the review pages. 'add NAME --role clerk|admin' and "
      "'passwd NAME' read the password without echo from the terminal (twice), or one line "
      "from standard input with --password-stdin; it is stored as a salted PBKDF2-HMAC-SHA256 "
      "hash. 'disable NAME' ends the user's sessions and refuses their sign-in; 'enable NAME' "
      "allows it again. Every change is audited as purr/cli.");
  c.cl.Value("role", "ROLE", "clerk (works the queue) or admin (also the audit log and users)");
  c.cl.Flag("password-stdin", "read the password as one line of standard input");
  c.cl.Integer("iterations", "N", "PBKDF2 iterations (default 600000; lower only for tests)",
               1000, 100000000);
  c.cl.Flag("json", "list: one JSON object per user");
  if (auto exit_code = c.Open(args, "users")) return *exit_code;
  const std::vector<std::string>& words = c.cl.positional();
  if (words.empty()) return c.cl.UsageError("say list, add, passwd, disable or enable");
  const std::string& verb = words[0];
  if (verb == "list") {
    if (words.size() != 1) return c.cl.UsageError("list takes no name");
    std::vector<store::UserRecord> users;
    Status read = c.store->Read([&](store::Txn& txn) { users = txn.Users(); });
    if (!read.ok()) return c.Fail("users", read);
    for (const store::UserRecord& u : users) {
      if (c.cl.Has("json")) {
        PrintLine(*web::UserJson(u));
      } else {
        std::cout << u.name << "  " << u.role << (u.disabled ? "  disabled" : "") << "  since "
                  << u.created_at << "\n";
      }
    }
    return cli::kExitOk;
  }
  if (verb != "add" && verb != "passwd" && verb != "disable" && verb != "enable") {
    return c.cl.UsageError("unknown users command '" + verb + "'");
  }
  if (words.size() != 2) return c.cl.UsageError(verb + " needs one user NAME");
  const std::string& name = words[1];
  if (std::string problem = web::UserNameProblem(name); !problem.empty()) {
    return c.cl.UsageError(problem);
  }
  const std::string role = c.cl.Get("role");
  if (verb == "add" && role != "clerk" && role != "admin") {
    return c.cl.UsageError("add needs --role clerk or --role admin");
  }
  if (verb != "add" && !role.empty()) return c.cl.UsageError("--role is for add only");
  const int iterations =
      static_cast<int>(c.cl.GetInteger("iterations", web::kDefaultPasswordIterations));
  std::string hash;
  if (verb == "add" || verb == "passwd") {
    Result<std::string> password = ReadPassword(c.cl.Has("password-stdin"));
    if (!password.ok()) return c.Fail("users", password.status());
    if (std::string problem = web::PasswordProblem(*password); !problem.empty()) {
      return c.Fail("users", Status::InvalidInput(problem));
    }
    Result<std::string> h = web::HashPassword(*password, iterations);
    if (!h.ok()) return c.Fail("users", h.status());
    hash = *h;
  }
  std::string refusal;
  Status done = c.store->Transact([&](store::Txn& txn) {
    std::optional<store::UserRecord> u = txn.GetUser(name);
    if (verb == "add" && u) {
      refusal = "user " + name + " exists (use passwd to change the password)";
      return;
    }
    if (verb != "add" && !u) {
      refusal = "no user " + name;
      return;
    }
    store::UserRecord rec = u.value_or(store::UserRecord{});
    const std::string before = u ? web::Stringify(web::UserJson(*u)) : "";
    rec.name = name;
    if (verb == "add") rec.role = role;
    if (!hash.empty()) rec.password_hash = hash;
    if (verb == "disable") rec.disabled = true;
    if (verb == "enable") rec.disabled = false;
    txn.PutUser(rec);
    if (verb == "passwd" || verb == "disable") txn.DeleteSessionsOf(name);
    if (verb == "passwd" || verb == "enable") txn.PutThrottle(store::SignInThrottle{name, 0, 0});
    const std::string what = verb == "add"      ? "user added as " + role
                             : verb == "passwd" ? "password changed; sessions ended"
                             : verb == "disable" ? "disabled; sessions ended"
                                                 : "enabled";
    txn.AuditChange("purr/cli", "user:" + name, {"user_" + verb, "cli.users", what, std::nullopt},
                    before, web::Stringify(web::UserJson(rec)));
  });
  if (!done.ok()) return c.Fail("users", done);
  if (!refusal.empty()) return c.Fail("users", Status::InvalidInput(refusal));
  std::cout << "purr users: " << verb << " " << name << ": done\n";
  return cli::kExitOk;
}

}  // namespace purr
