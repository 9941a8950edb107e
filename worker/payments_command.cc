// purr payments: bank payment files in, one normalised transaction per line out.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "bank/bank.h"
#include "common/money.h"
#include "worker/cli.h"
#include "worker/file_io.h"
#include "worker/commands.h"
#ifdef PURR_HAVE_CLASSIFY
#include "extract/entities.h"
#endif

namespace purr {
namespace {

constexpr const char* kUsage = "purr payments [--json] [--profile NAME] [--profiles FILE] FILE...";

constexpr const char* kDescription =
    "Reads bank payment files and prints their transactions. Formats are found from the "
    "content: ISO 20022 camt.054/camt.053 (.001.02 to .001.08), Nets OCR giro, Bankgirot "
    "BgMax, and CSV exports read through a column profile (--profile: generic, dnb, "
    "nordea-no, nordea-se, danske, seb, swedbank, handelsbanken, or one of --profiles FILE). "
    "A bad record is reported on stderr as FILE:POSITION: message and skipped; a file that "
    "fails its control totals, is not well-formed or is of an unsupported kind is rejected "
    "whole and prints no transactions. --json prints one JSON object per transaction per "
    "line. Exit status: 0 all read, 1 some record or file failed, 2 usage error.";

// camt files are read in chunks of this size and parsed twice (check, then print), so a
// large statement is never held in memory.
constexpr size_t kChunkBytes = 1 << 20;
// Other formats are read whole; anything larger is not a plausible Nets/BgMax/CSV file.
constexpr int64_t kMaxFlatFileBytes = int64_t{2} << 30;

std::string Amount(const bank::Transaction& t) {
  std::optional<int> exponent = CurrencyExponent(t.currency);
  return FormatMinor(t.amount_minor, exponent.value_or(2));
}

void PrintJson(const std::string& file, const bank::Transaction& t) {
  Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  out.set("file", file);
  out.set("format", t.format);
  out.set("payment_id", t.payment_id);
  out.set("direction", std::string(bank::DirectionName(t.direction)));
  out.set("reversal", t.reversal);
  out.set("amount_minor", static_cast<Poco::Int64>(t.amount_minor));
  out.set("currency", t.currency);
  out.set("booking_date", t.booking_date);
  out.set("value_date", t.value_date);
  Poco::JSON::Array::Ptr refs = new Poco::JSON::Array;
  for (const std::string& r : t.references) refs->add(r);
  out.set("references", refs);
  out.set("text", t.text);
  out.set("payer_name", t.payer_name);
  out.set("payer_account", t.payer_account);
  out.set("end_to_end_id", t.end_to_end_id);
  out.set("bank_reference", t.bank_reference);
  out.set("account", t.account);
  out.set("position", t.position);
  out.stringify(std::cout);
  std::cout << "\n";
}

// Line breaks become " / " and other control characters blanks, so a record stays one line.
std::string OneLine(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out += " / ";
    } else {
      out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
    }
  }
  return out;
}

// Remittance text is free text: payers write their own account or identity number into it
// ("IBAN: DE58 ..."), so the readable line masks it as a log line is masked.
std::string MaskedText(const std::string& text) {
#ifdef PURR_HAVE_CLASSIFY
  return extract::MaskSensitive(text);
#else
  // Without extract/ in the build: a word of 9 or more digits keeps only its last 4.
  std::string out = text;
  size_t i = 0;
  while (i < out.size()) {
    size_t j = i, digits = 0;
    while (j < out.size() && std::isalnum(static_cast<unsigned char>(out[j]))) {
      digits += std::isdigit(static_cast<unsigned char>(out[j])) ? 1 : 0;
      ++j;
    }
    if (digits >= 9) {
      for (size_t k = i; k + 4 < j; ++k) out[k] = '*';
    }
    i = j == i ? i + 1 : j;
  }
  return out;
#endif
}

// One readable line; the payer's account and anything that looks like an account or an
// identity number in the remittance text are masked because such lines end up in tickets.
void PrintPlain(const std::string& file, const bank::Transaction& t) {
  std::cout << file << ": " << t.position << ": " << (t.booking_date.empty() ? "-" : t.booking_date)
            << " " << bank::DirectionName(t.direction) << (t.reversal ? " (reversal)" : "") << " "
            << Amount(t) << " " << t.currency;
  if (!t.references.empty()) {
    std::cout << " ref ";
    for (size_t i = 0; i < t.references.size(); ++i) {
      std::cout << (i > 0 ? ", " : "") << OneLine(t.references[i]);
    }
  }
  if (!t.payer_name.empty()) std::cout << " from \"" << OneLine(t.payer_name) << "\"";
  if (!t.payer_account.empty()) std::cout << " " << bank::MaskAccount(t.payer_account);
  if (!t.text.empty()) std::cout << " \"" << OneLine(MaskedText(t.text)) << "\"";
  std::cout << " id " << t.payment_id << "\n";
}

// Prints what a parser finds, or (when checking only) just counts errors.
class PrintingSink : public bank::TransactionSink {
 public:
  PrintingSink(const std::string& file, bool json, bool print_transactions,
               bool print_diagnostics)
      : file_(file), json_(json), print_transactions_(print_transactions),
        print_diagnostics_(print_diagnostics) {}

  void OnTransaction(bank::Transaction t) override {
    if (!print_transactions_) return;
    json_ ? PrintJson(file_, t) : PrintPlain(file_, t);
  }
  void OnDiagnostic(bank::Diagnostic d) override {
    if (d.severity == bank::Diagnostic::Severity::kError) ++errors_;
    if (!print_diagnostics_) return;
    std::cerr << file_ << ":" << d.position << ": " << bank::SeverityName(d.severity) << ": "
              << d.message << "\n";
  }
  int errors() const { return errors_; }

 private:
  const std::string& file_;
  bool json_, print_transactions_, print_diagnostics_;
  int errors_ = 0;
};

Status StreamCamt(const std::string& path, bank::TransactionSink& sink) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot open");
  bank::CamtStreamParser parser(sink);
  std::string buffer(kChunkBytes, '\0');
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    Status s = parser.Feed(std::string_view(buffer.data(), static_cast<size_t>(in.gcount())));
    if (!s.ok()) return s;
  }
  if (in.bad()) return Status::IoError("read error");
  return parser.Finish();
}

Result<std::string> ReadHead(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot open");
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  return head;
}

// Parses one file; returns false if the file or any record failed.
bool RunFile(const std::string& path, const bank::ParseOptions& options, bool json) {
  auto fail = [&](const Status& s) {
    std::cerr << path << ": error: " << s.message() << "\n";
    return false;
  };
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return fail(Status::IoError(ec ? ec.message() : "not a regular file"));
  }
  Result<std::string> head = ReadHead(path);
  if (!head.ok()) return fail(head.status());
  if (bank::DetectFormat(*head) == bank::Format::kCamt && !head->empty()) {
    PrintingSink check(path, json, /*print_transactions=*/false, /*print_diagnostics=*/true);
    Status s = StreamCamt(path, check);
    if (!s.ok()) return fail(s);
    PrintingSink print(path, json, /*print_transactions=*/true, /*print_diagnostics=*/false);
    s = StreamCamt(path, print);
    if (!s.ok()) return fail(s);  // the file changed between the passes
    return check.errors() == 0;
  }
  Result<std::string> bytes = ReadWholeFile(path, kMaxFlatFileBytes);
  if (!bytes.ok()) return fail(bytes.status());
  // Nets and BgMax verify their control totals before delivering; CSV can only fail before
  // its first row. So printing as transactions arrive never prints from a rejected file.
  PrintingSink sink(path, json, true, true);
  Status s = bank::Parse(*bytes, options, sink);
  if (!s.ok()) return fail(s);
  return sink.errors() == 0;
}

}  // namespace

int RunPaymentsCommand(const CommandArgs& args) {
  cli::CommandLine cl(kUsage, kDescription);
  cl.Flag("json", "print one JSON object per transaction per line");
  cl.Value("profile", "NAME", "CSV column profile (default generic)");
  cl.Value("profiles", "FILE", "YAML file with further CSV profiles (see docs/formats/csv.md)");
  if (std::optional<int> exit = cl.Parse(args)) return *exit;
  if (cl.positional().empty()) return cl.UsageError("no input files");

  bank::ParseOptions options;
  options.csv_profiles = bank::CsvProfiles::Builtin();
  if (cl.Has("profiles")) {
    std::ifstream in(cl.Get("profiles"), std::ios::binary);
    if (!in) return cl.UsageError("cannot read --profiles " + cl.Get("profiles"));
    std::ostringstream yaml;
    yaml << in.rdbuf();
    Result<std::shared_ptr<const bank::CsvProfiles>> loaded =
        bank::CsvProfiles::FromYaml(yaml.str());
    if (!loaded.ok()) return cl.UsageError(loaded.status().message());
    options.csv_profiles = *loaded;
  }
  if (cl.Has("profile")) {
    options.csv_profile = cl.Get("profile");
    if (options.csv_profiles->Find(options.csv_profile) == nullptr) {
      return cl.UsageError("no CSV profile named \"" + options.csv_profile + "\"");
    }
  }
  bool all_ok = true;
  for (const std::string& path : cl.positional()) {
    all_ok = RunFile(path, options, cl.Has("json")) && all_ok;
    std::cout << std::flush;
  }
  return all_ok ? cli::kExitOk : cli::kExitSomeFailed;
}

}  // namespace purr
