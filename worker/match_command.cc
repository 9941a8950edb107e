// purr match: the open-invoice ledger and bank payment files in, one decision per payment out.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "bank/bank.h"
#include "common/money.h"
#include "matching/ledger.h"
#include "matching/matcher.h"
#include "refs/reference.h"
#include "worker/cli.h"
#include "worker/file_io.h"
#include "worker/commands.h"
#include "worker/match_payment.h"

namespace purr {
namespace {

constexpr const char* kUsage =
    "purr match --invoices LEDGER [--json] [--profile NAME] PAYMENTFILE...";

constexpr const char* kDescription =
    "Matches incoming payments against the open-invoice ledger and prints one decision per "
    "payment: auto (applied) or follow_up (a clerk decides), with allocations, the unapplied "
    "rest, ranked candidates and reasons. LEDGER is CSV (header row, columns in any order) or "
    "JSON lines with the fields invoice, customer, case, reference, amount_minor, currency, "
    "due_date, status, blocking, customer_name, payer_accounts (docs/matching.md). Payment "
    "files are any format `purr payments` reads. Payments are matched in file order and "
    "allocations reduce the open balances for the rest of the run; a payment id seen twice is "
    "not applied twice. Bad ledger rows and bad payment records are reported on stderr and "
    "skipped; a payment file that fails as a whole contributes nothing. Exit status: 0 all "
    "input read, 1 some ledger row, record or file failed, 2 usage error.";

constexpr int64_t kMaxFileBytes = int64_t{1} << 30;

Poco::JSON::Array::Ptr ReasonsJson(const std::vector<matching::Reason>& reasons) {
  Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
  for (const matching::Reason& r : reasons) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("code", std::string(matching::ReasonCodeName(r.code)));
    o->set("text", r.text);
    out->add(o);
  }
  return out;
}

void PrintJson(const std::string& file, const matching::MatchResult& r) {
  Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  out.set("payment_id", r.payment_id);
  out.set("amount_minor", static_cast<Poco::Int64>(r.amount_minor));
  out.set("currency", r.currency);
  out.set("decision", std::string(matching::DecisionName(r.decision)));
  Poco::JSON::Array::Ptr allocations = new Poco::JSON::Array;
  for (const matching::Allocation& a : r.allocations) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("invoice", a.invoice);
    o->set("amount_minor", static_cast<Poco::Int64>(a.amount_minor));
    allocations->add(o);
  }
  out.set("allocations", allocations);
  out.set("unapplied_minor", static_cast<Poco::Int64>(r.unapplied_minor));
  Poco::JSON::Array::Ptr candidates = new Poco::JSON::Array;
  for (const matching::Candidate& c : r.candidates) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("invoice", c.invoice);
    o->set("score", c.score);
    o->set("reasons", ReasonsJson(c.reasons));
    candidates->add(o);
  }
  out.set("candidates", candidates);
  out.set("reasons", ReasonsJson(r.reasons));
  out.set("stage", std::string(matching::StageName(r.stage)));
  out.set("file", file);
  out.stringify(std::cout);
  std::cout << "\n";
}

std::string Money(int64_t minor, const std::string& currency) {
  return FormatMinor(minor, CurrencyExponent(currency).value_or(2)) + " " + currency;
}

// One readable line per payment; reason texts carry no account numbers.
void PrintPlain(const matching::MatchResult& r) {
  std::cout << r.payment_id << " " << Money(r.amount_minor, r.currency) << " "
            << matching::DecisionName(r.decision);
  for (const matching::Allocation& a : r.allocations) {
    std::cout << " -> " << a.invoice << " " << Money(a.amount_minor, r.currency);
  }
  if (r.unapplied_minor > 0 && !r.allocations.empty()) {
    std::cout << ", unapplied " << Money(r.unapplied_minor, r.currency);
  }
  if (!r.reasons.empty()) std::cout << ": " << r.reasons[0].text;
  if (r.decision == matching::Decision::kFollowUp && !r.candidates.empty()) {
    std::cout << " [candidates:";
    for (const matching::Candidate& c : r.candidates) {
      std::cout << " " << c.invoice << "(" << c.score << ")";
    }
    std::cout << "]";
  }
  std::cout << "\n";
}

// Loads the ledger; prints bad rows. Returns nullptr when the ledger cannot be used at all.
std::shared_ptr<const matching::Matcher> LoadLedger(const std::string& path,
                                                    const matching::MatchOptions& options,
                                                    bool* all_ok) {
  Result<std::string> bytes = ReadWholeFile(path, kMaxFileBytes);
  if (!bytes.ok()) {
    std::cerr << path << ": error: " << bytes.status().message() << "\n";
    return nullptr;
  }
  Result<matching::Ledger> ledger = matching::ParseLedger(*bytes);
  if (!ledger.ok()) {
    std::cerr << path << ": error: " << ledger.status().message() << "\n";
    return nullptr;
  }
  for (const matching::LedgerIssue& issue : ledger->issues) {
    std::cerr << path << ":" << issue.line << ": error: " << issue.reason << "\n";
    *all_ok = false;
  }
  return matching::Matcher::Build(std::move(ledger->invoices), options);
}

// Matches transactions as the parser delivers them, so a large file is never held as a
// vector of transactions; or, when only checking, reports diagnostics.
class MatchingSink : public bank::TransactionSink {
 public:
  // run == nullptr: check only (print diagnostics, count errors).
  MatchingSink(const std::string& path, bool json, matching::AllocationRun* run)
      : path_(path), json_(json), run_(run) {}

  void OnTransaction(bank::Transaction t) override {
    if (run_ == nullptr) return;
    matching::MatchResult r = run_->Match(ToMatchingPayment(t));
    json_ ? PrintJson(path_, r) : PrintPlain(r);
  }
  void OnDiagnostic(bank::Diagnostic d) override {
    if (d.severity == bank::Diagnostic::Severity::kError) ++errors_;
    if (run_ != nullptr && checked_first_) return;  // printed by the checking pass
    std::cerr << path_ << ":" << d.position << ": " << bank::SeverityName(d.severity) << ": "
              << d.message << "\n";
  }
  void set_checked_first() { checked_first_ = true; }
  int errors() const { return errors_; }

 private:
  const std::string& path_;
  bool json_;
  matching::AllocationRun* run_;
  bool checked_first_ = false;
  int errors_ = 0;
};

// Parses and matches one payment file; returns false if it or any record failed.
bool MatchFile(const std::string& path, const bank::ParseOptions& options, bool json,
               matching::AllocationRun& run) {
  auto fail = [&path](const Status& s) {
    std::cerr << path << ": error: " << s.message() << " (nothing from this file is matched)\n";
    return false;
  };
  Result<std::string> bytes = ReadWholeFile(path, kMaxFileBytes);
  if (!bytes.ok()) return fail(bytes.status());
  MatchingSink matching(path, json, &run);
  // camt delivers entries before it knows the document is whole, so it is checked in a
  // first pass; Nets and BgMax check their control totals before delivering anything, and
  // CSV can only fail before its first row, so they are matched as they are parsed.
  if (bank::DetectFormat(*bytes) == bank::Format::kCamt) {
    MatchingSink check(path, json, nullptr);
    Status s = bank::Parse(*bytes, options, check);
    if (!s.ok()) return fail(s);
    matching.set_checked_first();
  }
  Status s = bank::Parse(*bytes, options, matching);
  if (!s.ok()) return fail(s);
  return matching.errors() == 0;
}

}  // namespace

int RunMatchCommand(const CommandArgs& args) {
  cli::CommandLine cl(kUsage, kDescription);
  cl.Value("invoices", "LEDGER", "open-invoice ledger, CSV or JSON lines (required)");
  cl.Flag("json", "print one JSON object per payment per line");
  cl.Value("profile", "NAME", "CSV column profile for CSV bank exports (default generic)");
  cl.Value("schemes", "LIST",
           "check-digit schemes of the creditor's agreements, comma-separated (kid_mod10, "
           "kid_mod11, se_ocr, se_ocr_length, fi_reference, rf, fik_payment_id); default: any");
  if (std::optional<int> exit = cl.Parse(args)) return *exit;
  if (!cl.Has("invoices")) return cl.UsageError("--invoices LEDGER is required");
  if (cl.positional().empty()) return cl.UsageError("no payment files");

  bank::ParseOptions options;
  options.csv_profiles = bank::CsvProfiles::Builtin();
  if (cl.Has("profile")) {
    options.csv_profile = cl.Get("profile");
    if (options.csv_profiles->Find(options.csv_profile) == nullptr) {
      return cl.UsageError("no CSV profile named \"" + options.csv_profile + "\"");
    }
  }
  matching::MatchOptions match_options;
  std::string schemes = cl.Get("schemes");
  for (size_t i = 0; i < schemes.size();) {
    size_t comma = std::min(schemes.find(',', i), schemes.size());
    std::string name = schemes.substr(i, comma - i);
    std::optional<refs::ReferenceKind> kind = refs::ReferenceKindFromName(name);
    if (!kind) return cl.UsageError("unknown reference scheme \"" + name + "\"");
    match_options.reference_schemes.push_back(*kind);
    i = comma + 1;
  }
  bool all_ok = true;
  std::shared_ptr<const matching::Matcher> matcher =
      LoadLedger(cl.Get("invoices"), match_options, &all_ok);
  if (!matcher) return cli::kExitSomeFailed;
  matching::AllocationRun run(matcher);
  for (const std::string& path : cl.positional()) {
    all_ok = MatchFile(path, options, cl.Has("json"), run) && all_ok;
    std::cout << std::flush;
  }
  return all_ok ? cli::kExitOk : cli::kExitSomeFailed;
}

}  // namespace purr
