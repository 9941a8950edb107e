#include "worker/pipeline.h"

#include <Poco/DigestEngine.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/SHA2Engine.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "bank/bank.h"
#include "casework/casework.h"
#include "cases/engine.h"
#include "cases/linker.h"
#include "classify/classify.h"
#include "classify/model.h"
#include "extract/entities.h"
#include "matching/matcher.h"
#include "worker/classify_examples.h"
#include "worker/file_io.h"
#include "worker/letter_json.h"
#include "worker/match_payment.h"

namespace purr {

namespace fs = std::filesystem;
using Poco::JSON::Array;
using Poco::JSON::Object;

struct Pipeline::Rules {
  std::shared_ptr<const classify::Classifier> classifier;
  cases::DecisionRules decisions;
};

// The ledger's identifiers and names for linking letters, rebuilt when an import changes
// them (not when payments change open amounts).
struct Pipeline::LedgerCache {
  int64_t generation = -1;
  std::shared_ptr<const cases::IdentifierIndex> ids;
  std::shared_ptr<const cases::NameIndex> names;
  std::map<std::string, std::vector<std::string>> cases_of_customer;
  std::map<std::string, std::string> customer_of_case;
};

// The matcher over the open balances, kept across payment files while nobody else changes
// the ledger.
struct Pipeline::MatchCache {
  int64_t generation = -1;
  std::shared_ptr<const matching::Matcher> matcher;
  std::unique_ptr<matching::AllocationRun> run;
};

namespace {

// YYYY-MM-DD minus n calendar days.
std::string DaysBefore(const std::string& date, int n) {
  std::optional<classify::Date> d = classify::Date::Parse(date);
  if (!d) return "";
  return d->AddDays(-n).ToString();
}

// Keeps the original under dir/ab/cd/<sha256><ext>, written to a temporary name first so a
// crash never leaves half a file under the final name.
Result<std::string> KeepOriginal(const std::string& dir, const std::string& sha,
                                 const std::string& bytes, const std::string& name) {
  std::string ext = fs::path(name).extension().string();
  if (ext.size() > 8) ext.clear();
  fs::path target = fs::path(dir) / sha.substr(0, 2) / sha.substr(2, 2) / (sha + ext);
  std::error_code ec;
  if (fs::exists(target, ec)) return target.string();
  fs::create_directories(target.parent_path(), ec);
  if (ec) return Status::IoError(target.parent_path().string() + ": " + ec.message());
  fs::path tmp = target;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) return Status::IoError(tmp.string() + ": cannot write the original");
  }
  fs::rename(tmp, target, ec);
  if (ec) return Status::IoError(target.string() + ": " + ec.message());
  return target.string();
}

// Keeps an OCR'd page's image beside its original, as dir/ab/cd/<sha256>.p<page>.png.
Result<std::string> KeepPageImage(const std::string& dir, const std::string& sha, int page,
                                  const std::string& png) {
  return KeepOriginal(dir, sha + ".p" + std::to_string(page), png, "page.png");
}

std::string MaskedPayer(const bank::Transaction& t) {
  std::string out = t.payer_name;
  if (!t.payer_account.empty()) {
    if (!out.empty()) out += ", ";
    out += bank::MaskAccount(t.payer_account);
  }
  return out;
}

// JSON for the stored reasons and candidates, written by hand: this runs for every payment
// of a 100,000-payment file.
void AppendJsonString(std::string_view v, std::string* out) {
  out->push_back('"');
  for (unsigned char c : v) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      *out += buf;
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
  out->push_back('"');
}

std::string ReasonsJson(const std::vector<matching::Reason>& reasons) {
  std::string out = "[";
  for (const matching::Reason& r : reasons) {
    if (out.size() > 1) out += ',';
    out += "{\"code\":";
    AppendJsonString(matching::ReasonCodeName(r.code), &out);
    out += ",\"text\":";
    AppendJsonString(r.text, &out);
    out += '}';
  }
  return out + "]";
}

std::string CandidatesJson(const std::vector<matching::Candidate>& candidates) {
  std::string out = "[";
  for (const matching::Candidate& c : candidates) {
    if (out.size() > 1) out += ',';
    out += "{\"invoice\":";
    AppendJsonString(c.invoice, &out);
    out += ",\"score\":" + std::to_string(c.score) + "}";
  }
  return out + "]";
}

matching::Invoice ToMatchingInvoice(const store::InvoiceRecord& r) {
  matching::Invoice inv;
  inv.invoice = r.invoice;
  inv.customer = r.customer;
  inv.case_number = r.case_id;
  inv.reference = r.reference;
  inv.amount_minor = r.open_minor;
  inv.currency = r.currency;
  inv.due_date = r.due_date;
  inv.status = r.status == "closed"  ? matching::InvoiceStatus::kClosed
               : r.open_minor == 0   ? matching::InvoiceStatus::kPaid
               : r.status == "paid"  ? matching::InvoiceStatus::kPaid
                                     : matching::InvoiceStatus::kOpen;
  inv.blocking = r.blocking;
  inv.customer_name = r.customer_name;
  inv.payer_accounts = r.payer_accounts;
  return inv;
}

void AuditAll(store::Txn& txn, const std::string& actor, const std::string& subject,
              const std::vector<cases::AuditNote>& notes) {
  for (const cases::AuditNote& note : notes) txn.Audit(actor, subject, note);
}

// Reads a claimed file. When it cannot be used, *unreadable says what to do: quarantine a
// file that is empty, too large or not readable by us (permissions), retry any other I/O
// error (a passing one may clear).
Result<std::string> ReadJobFile(const store::Job& job, int64_t max_bytes,
                                std::optional<JobOutcome>* unreadable) {
  Result<std::string> bytes = ReadWholeFile(job.work_path, max_bytes);
  if (!bytes.ok()) {
    const bool permanent = bytes.status().code() != Status::Code::kIoError ||
                           bytes.status().message().find("ermission") != std::string::npos;
    *unreadable = JobOutcome{permanent ? JobOutcome::Kind::kQuarantine : JobOutcome::Kind::kRetry,
                             job.name + ": " + bytes.status().message(), ""};
  } else if (bytes->empty()) {
    *unreadable = JobOutcome{JobOutcome::Kind::kQuarantine, job.name + ": empty file", ""};
  }
  return bytes;
}

}  // namespace

std::string Sha256Hex(const std::string& bytes) {
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  sha.update(bytes.data(), static_cast<unsigned>(bytes.size()));
  return Poco::DigestEngine::digestToHex(sha.digest());
}

Pipeline::Pipeline(store::Store& store, const Config& config, Log& log, Metrics& metrics)
    : store_(store),
      log_(log),
      metrics_(metrics),
      config_(std::make_shared<const Config>(config)),
      match_(std::make_unique<MatchCache>()) {}

Pipeline::~Pipeline() = default;

Status Pipeline::Reload(const Config& config) {
  Result<ClassifierSetup> setup = LoadClassifierSetup(config.rules, config.model);
  if (!setup.ok()) return setup.status();
  const std::string rules_dir = config.rules.empty() ? DefaultDataPath("rules") : config.rules;
  const std::string decisions_path = rules_dir + "/decisions/decisions.yaml";
  Result<std::string> yaml = ReadWholeFile(decisions_path, 1 << 20);
  if (!yaml.ok()) return yaml.status().WithContext(decisions_path);
  Result<cases::DecisionRules> decisions = cases::ParseDecisionRules(*yaml);
  if (!decisions.ok()) return decisions.status().WithContext(decisions_path);
  auto rules = std::make_shared<Rules>();
  rules->classifier = std::make_shared<classify::Classifier>(setup->rules, setup->model);
  rules->decisions = std::move(*decisions);
  rules->decisions.version = "decisions-" + Sha256Hex(*yaml).substr(0, 12);
  std::lock_guard<std::mutex> lock(mu_);
  rules_ = std::move(rules);
  config_ = std::make_shared<const Config>(config);
  return Status::Ok();
}

std::shared_ptr<const Config> Pipeline::CurrentConfig() const {
  std::lock_guard<std::mutex> lock(mu_);
  return config_;
}

std::shared_ptr<const Pipeline::Rules> Pipeline::CurrentRules() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rules_;
}

std::shared_ptr<const cases::DecisionRules> Pipeline::DecisionRules() const {
  std::shared_ptr<const Rules> rules = CurrentRules();
  if (!rules) return nullptr;
  return std::shared_ptr<const cases::DecisionRules>(rules, &rules->decisions);
}

std::string Pipeline::ModelVersion() const {
  std::shared_ptr<const Rules> rules = CurrentRules();
  if (!rules || !rules->classifier || !rules->classifier->model()) return "";
  return rules->classifier->model()->version();
}

LetterReaderOptions Pipeline::ReaderOptions() const {
  std::shared_ptr<const Config> config = CurrentConfig();
  LetterReaderOptions options;
  options.max_text_bytes = config->max_letter_bytes;
  options.ocr_limits.max_file_bytes = config->max_letter_bytes;
  options.engine.page_deadline_ms = config->page_deadline_s * 1000;
  options.engine.words = config->page_image_width > 0;
  options.engine.page_image_max_width = config->page_image_width;
  return options;
}

std::shared_ptr<const Pipeline::LedgerCache> Pipeline::CurrentLinks(store::Txn& txn) {
  const int64_t generation = txn.IdentifierGeneration();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (links_ && links_->generation == generation) return links_;
  }
  auto cache = std::make_shared<LedgerCache>();
  cache->generation = generation;
  std::vector<cases::KnownId> ids;
  std::vector<cases::KnownName> names;
  std::set<std::pair<std::string, std::string>> customer_cases;
  txn.ForEachInvoice([&](store::InvoiceRecord&& r) {
    ids.push_back({cases::IdKind::kInvoice, r.invoice, r.case_id, r.customer});
    if (!r.reference.empty()) {
      ids.push_back({cases::IdKind::kReference, r.reference, r.case_id, r.customer});
    }
    if (customer_cases.insert({r.customer, r.case_id}).second) {
      ids.push_back({cases::IdKind::kCase, r.case_id, r.case_id, r.customer});
      ids.push_back({cases::IdKind::kCustomer, r.customer, r.case_id, r.customer});
      cache->cases_of_customer[r.customer].push_back(r.case_id);
      cache->customer_of_case[r.case_id] = r.customer;
      if (!r.customer_name.empty() && cache->cases_of_customer[r.customer].size() == 1) {
        names.push_back({r.customer, r.customer_name});
      }
    }
  });
  cache->ids = cases::IdentifierIndex::Build(std::move(ids));
  cache->names = cases::NameIndex::Build(std::move(names));
  std::lock_guard<std::mutex> lock(mu_);
  links_ = cache;
  return cache;
}

cases::LetterDecision Pipeline::DecideAndInsert(store::Txn& txn, const Rules& rules,
                                              const std::string& actor,
                                              const std::string& text,
                                              store::LetterRecord* letter) {
  store::LetterRecord& record = *letter;
  const std::string received_date = record.received.substr(0, 10);
  std::shared_ptr<const LedgerCache> links = CurrentLinks(txn);
  cases::LetterFacts facts;
  facts.received = received_date;
  facts.classes = record.classes;
  facts.legal = record.legal;
  facts.deadline = record.deadline;
  facts.statute = record.statute;
  facts.needs_human = record.needs_human;
  facts.needs_human_reasons = record.needs_human_reasons;
  std::set<std::string> candidate_cases;
  for (const cases::LinkHit& hit : links->ids->Find(text)) {
    std::string what = std::string(cases::IdKindName(hit.kind)) + " " + hit.value;
    if (hit.edits > 0) what += " (one error)";
    const bool digits_only = hit.value.find_first_not_of("0123456789 -./") == std::string::npos;
    size_t digits = 0;
    for (char ch : hit.value) digits += ch >= '0' && ch <= '9';
    const bool weak = hit.edits > 0 || (digits_only && digits < 6);
    facts.evidence.push_back({hit.case_id, hit.customer, what, hit.edits, false, weak});
    candidate_cases.insert(hit.case_id);
  }
  for (const cases::NameHit& hit : links->names->Find(text)) {
    auto it = links->cases_of_customer.find(hit.customer);
    if (it == links->cases_of_customer.end()) continue;
    for (const std::string& case_id : it->second) {
      facts.evidence.push_back({case_id, hit.customer, "name " + hit.name, 0, true, false});
    }
  }
  facts.booked_payments = txn.BookedPayments(
      std::vector<std::string>(candidate_cases.begin(), candidate_cases.end()),
      DaysBefore(received_date, 30));
  cases::LetterDecision decision = cases::DecideLetter(rules.decisions, facts);
  record.decision_rules_version = rules.decisions.version;
  record.case_id = decision.case_id;
  record.status = decision.status;
  record.proof_wait_until = decision.proof_wait_until;
  record.proof_payment_id = decision.proof_payment_id;
  const int64_t id = txn.InsertLetter(record);
  record.id = id;
  for (const cases::Hold& hold : decision.holds) txn.AddHold(hold, id);
  for (const cases::FollowUp& f : decision.follow_ups) txn.AddFollowUp(f, id, "");
  const std::string subject = "letter:" + std::to_string(id);
  txn.Audit(actor, subject,
            {"classify", record.rules_version,
             "classes " + (record.classes.empty() ? std::string("none") : record.classes[0]) +
                 (record.classes.size() > 1 ? " (+" + std::to_string(record.classes.size() - 1) + ")" : "") +
                 ", legal " + record.legal + (record.deadline.empty() ? "" : ", deadline " + record.deadline) +
                 ", model " + (record.model_version.empty() ? "none" : record.model_version),
             std::nullopt});
  AuditAll(txn, actor, subject, decision.audit);
  return decision;
}

Result<Pipeline::RecordedLetter> Pipeline::RecordLetter(store::LetterRecord record,
                                                        const std::string& text,
                                                        const std::string& actor) {
  std::shared_ptr<const Rules> rules = CurrentRules();
  if (!rules) return Status::Internal("the pipeline's rules are not loaded");
  RecordedLetter out;
  Status recorded = store_.Transact([&](store::Txn& txn) {
    if (std::optional<int64_t> earlier = txn.FindLetter(record.sha256)) {
      std::optional<store::LetterRecord> known = txn.GetLetter(*earlier);
      out.letter_id = *earlier;
      out.recorded_before = true;
      if (known) {
        out.case_id = known->case_id;
        out.status = known->status;
      }
      return;
    }
    cases::LetterDecision decision = DecideAndInsert(txn, *rules, actor, text, &record);
    out.letter_id = record.id;
    out.case_id = decision.case_id;
    out.status = decision.status;
    out.follow_ups = static_cast<int>(decision.follow_ups.size());
    out.holds = static_cast<int>(decision.holds.size());
  });
  if (!recorded.ok()) return recorded;
  for (const std::string& cls : record.classes) {
    if (!out.recorded_before) {
      metrics_.Add("purr_letters_total", {{"class", cls}, {"legal", record.legal}});
    }
  }
  return out;
}

JobOutcome Pipeline::ProcessLetter(const store::Job& job, LetterReader& reader) {
  JobOutcome outcome;
  std::shared_ptr<const Rules> rules = CurrentRules();
  std::shared_ptr<const Config> config = CurrentConfig();
  std::optional<JobOutcome> unreadable;
  Result<std::string> bytes = ReadJobFile(job, config->max_letter_bytes, &unreadable);
  if (unreadable) return *unreadable;
  const std::string sha = Sha256Hex(*bytes);

  std::optional<int64_t> earlier;
  Status checked = store_.Transact([&](store::Txn& txn) {
    earlier = txn.FindLetter(sha);
    if (earlier) {
      txn.Audit("purr/worker", "letter:" + std::to_string(*earlier),
                {"duplicate", "inbox.duplicate-content",
                 "the same content arrived again as " + job.name + "; not processed again",
                 std::nullopt});
      txn.FinishJob(job.id, "duplicate");
    }
  });
  if (!checked.ok()) return {JobOutcome::Kind::kRetry, checked.message(), ""};
  if (earlier) {
    return {JobOutcome::Kind::kDuplicate, "",
            "same content as letter " + std::to_string(*earlier)};
  }

  Result<LetterText> letter = reader.Read(job.work_path);
  if (!letter.ok()) {
    std::string message = letter.status().message();
    const size_t at = message.find(job.work_path);
    if (at != std::string::npos) message.replace(at, job.work_path.size(), job.name);
    return {JobOutcome::Kind::kQuarantine, message, ""};
  }
  metrics_.Add("purr_pages_ocr_total", {}, letter->ocr_pages);
  Result<std::string> kept = KeepOriginal(config->store_dir, sha, *bytes, job.name);
  if (!kept.ok()) return {JobOutcome::Kind::kRetry, kept.status().message(), ""};

  const std::string received_date = job.received.substr(0, 10);
  classify::ClassifyOptions options;
  options.received = classify::Date::Parse(received_date).value_or(classify::Date{});
  options.case_jurisdiction = classify::ParseJurisdiction(config->jurisdiction);
  classify::Classification c = rules->classifier->Classify(letter->text, options);
  extract::ExtractOptions extract_options;
  extract_options.language = classify::LanguageCode(c.language.language);
  if (extract_options.language == "unknown") extract_options.language.clear();
  extract_options.default_year = options.received.year;
  std::vector<extract::Entity> entities = extract::ExtractEntities(letter->text, extract_options);

  store::LetterRecord record;
  record.sha256 = sha;
  record.file = job.name;
  record.source = "letters";
  record.received = job.received;
  record.stored_path = *kept;
  record.kind = letter->kind;
  record.language = classify::LanguageCode(c.language.language);
  for (const classify::ClassResult& r : c.classes) record.classes.push_back(classify::ClassName(r.cls));
  record.legal = classify::LegalCategoryName(c.legal.category);
  record.jurisdiction = classify::JurisdictionCode(c.legal.jurisdiction);
  record.deadline = c.legal.deadline ? c.legal.deadline->ToString() : "";
  record.statute = c.legal.statute;
  record.needs_human = c.needs_human || !letter->ocr_doubts.empty();
  for (const std::string& r : c.needs_human_reasons) {
    record.needs_human_reasons.push_back(extract::MaskSensitive(r));
  }
  // What was read may not be what was written: the classification of such a text is not
  // to be acted on unchecked.
  for (const std::string& doubt : letter->ocr_doubts) {
    record.needs_human_reasons.push_back("OCR: " + doubt);
  }
  record.classification_json = ClassificationJson(c);
  record.entities_json = EntitiesJson(entities);
  record.model_version = c.model_version;
  record.rules_version = c.rules_version;
  record.decision_rules_version = rules->decisions.version;
  int page_no = 1;
  for (const LetterPage& page : letter->pages) {
    store::PageRecord p;
    p.page = page_no++;
    p.text = page.text;
    p.confidence = page.confidence;
    p.words_json = page.words_json;
    p.width = page.width;
    p.height = page.height;
    if (!page.png.empty()) {
      Result<std::string> image = KeepPageImage(config->store_dir, sha, p.page, page.png);
      if (!image.ok()) return {JobOutcome::Kind::kRetry, image.status().message(), ""};
      p.image_path = *image;
      p.image_scale = page.image_scale;
    }
    record.pages.push_back(std::move(p));
  }

  cases::LetterDecision decision;
  Status recorded = store_.Transact([&](store::Txn& txn) {
    decision = DecideAndInsert(txn, *rules, "purr/worker", letter->text, &record);
    txn.FinishJob(job.id, "processed");
  });
  if (!recorded.ok()) return {JobOutcome::Kind::kRetry, recorded.message(), ""};
  for (const std::string& cls : record.classes) {
    metrics_.Add("purr_letters_total", {{"class", cls}, {"legal", record.legal}});
  }
  outcome.summary = "case=" + (decision.case_id.empty() ? "-" : decision.case_id) +
                    " status=" + decision.status + " classes=" +
                    (record.classes.empty() ? "" : record.classes[0]) + " legal=" + record.legal;
  return outcome;
}

JobOutcome Pipeline::ProcessPayments(const store::Job& job) {
  std::shared_ptr<const Rules> rules = CurrentRules();
  std::shared_ptr<const Config> config = CurrentConfig();
  std::optional<JobOutcome> unreadable;
  Result<std::string> bytes = ReadJobFile(job, config->max_payment_bytes, &unreadable);
  if (unreadable) return *unreadable;
  const auto t0 = std::chrono::steady_clock::now();
  auto ms_since = [](std::chrono::steady_clock::time_point t) {
    return std::to_string(static_cast<int64_t>(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count()));
  };
  const std::string sha = Sha256Hex(*bytes);
  bank::ParseResult parsed = bank::Parse(*bytes);
  const std::string parse_ms = ms_since(t0);
  std::string ledger_ms = "0";
  bytes->clear();
  bytes->shrink_to_fit();
  // The parser only warns when a camt statement's TxsSummry disagrees with its entries (a
  // page of a paginated statement summarises all pages). Nobody reviews a daemon's input
  // first, so here a disagreeing control total rejects the whole file: a clerk decides.
  if (parsed.file_status.ok()) {
    for (const bank::Diagnostic& d : parsed.diagnostics) {
      if (d.message.rfind("TxsSummry states", 0) == 0) {
        parsed.file_status = Status::InvalidInput("control totals disagree: " + d.position +
                                                  ": " + d.message);
        parsed.transactions.clear();
        break;
      }
    }
  }

  std::optional<int64_t> earlier;
  int64_t applied = 0, duplicates = 0, follow_ups = 0, reactivated = 0;
  bool rejected = false;
  std::string reject_reason;
  int64_t expected_generation = -1;
  Status recorded = store_.Transact([&](store::Txn& txn) {
    earlier = txn.FindPaymentFile(sha);
    if (earlier) {
      txn.Audit("purr/worker", "payment_file:" + std::to_string(*earlier),
                {"duplicate", "inbox.duplicate-content",
                 "the same payment file arrived again as " + job.name + "; nothing applied",
                 std::nullopt});
      txn.FinishJob(job.id, "duplicate");
      return;
    }
    if (!parsed.file_status.ok()) {
      rejected = true;
      reject_reason = job.name + ": " + parsed.file_status.message();
      txn.Audit("purr/worker", "job:" + std::to_string(job.id),
                {"reject_file", "payment.file-rejected", reject_reason, std::nullopt});
      return;  // the job itself is failed by the caller (quarantine)
    }
    MatchCache& cache = *match_;
    const int64_t generation = txn.LedgerGeneration();
    if (!cache.matcher || cache.generation != generation) {
      const auto t_ledger = std::chrono::steady_clock::now();
      std::vector<matching::Invoice> invoices;
      txn.ForEachInvoice(
          [&](store::InvoiceRecord&& r) { invoices.push_back(ToMatchingInvoice(r)); });
      cache.matcher = matching::Matcher::Build(std::move(invoices));
      cache.run = std::make_unique<matching::AllocationRun>(cache.matcher);
      cache.generation = generation;
      ledger_ms = ms_since(t_ledger);
    }
    store::PaymentFileRecord file;
    file.sha256 = sha;
    file.file = job.name;
    file.format = parsed.format;
    file.transactions = static_cast<int64_t>(parsed.transactions.size());
    const int64_t file_id = txn.InsertPaymentFile(file);
    const std::string file_subject = "payment_file:" + std::to_string(file_id);
    for (const bank::Diagnostic& d : parsed.diagnostics) {
      if (d.severity != bank::Diagnostic::Severity::kError) continue;
      cases::FollowUp f;
      f.kind = "payment";
      f.priority = rules->decisions.priority_payment;
      f.rule_id = "payment.bad-record";
      f.reasons.push_back(job.name + ", " + d.position + ": " + d.message +
                          " (record skipped, nothing applied)");
      txn.AddFollowUp(f, 0, "");
      txn.Audit("purr/worker", file_subject,
                {"follow_up", f.rule_id, f.reasons.front(), std::nullopt});
      ++follow_ups;
    }
    bool changed = false;
    std::set<std::string> waiting_cases;  // cases with a proof-of-payment letter waiting
    for (const cases::WaitingProof& w : txn.WaitingProofs("")) waiting_cases.insert(w.case_id);
    for (const bank::Transaction& t : parsed.transactions) {
      if (txn.HasPayment(t.payment_id)) {
        ++duplicates;
        txn.Audit("purr/worker", "payment:" + t.payment_id,
                  {"duplicate", std::string(cases::kRulePaymentDuplicate),
                   "payment id recorded before; " + job.name + " applies nothing for it",
                   std::nullopt});
        continue;
      }
      matching::MatchResult m = cache.run->Match(ToMatchingPayment(t));
      store::PaymentRecord p;
      p.payment_id = t.payment_id;
      p.file_id = file_id;
      p.amount_minor = t.amount_minor;
      p.currency = t.currency;
      p.booking_date = t.booking_date;
      p.references = t.references;
      p.text = extract::MaskSensitive(t.text);
      p.payer = MaskedPayer(t);
      p.direction = bank::DirectionName(t.direction);
      p.reversal = t.reversal;
      p.decision = std::string(matching::DecisionName(m.decision));
      p.unapplied_minor = m.unapplied_minor;
      p.reasons_json = ReasonsJson(m.reasons);
      p.candidates_json = CandidatesJson(m.candidates);
      // Customer, case and blocking flag do not change with payments: the matcher's copy
      // of the ledger answers without a query.
      auto ledger_invoice = [&](const std::string& number) -> const matching::Invoice* {
        const int64_t index = cache.matcher->FindInvoice(number);
        return index < 0 ? nullptr : &cache.matcher->invoices()[static_cast<size_t>(index)];
      };
      const std::string first_invoice = !m.allocations.empty()   ? m.allocations[0].invoice
                                        : !m.candidates.empty() ? m.candidates[0].invoice
                                                                : "";
      if (const matching::Invoice* first = ledger_invoice(first_invoice)) {
        p.customer = first->customer;
        p.case_id = first->case_number;
      }
      txn.InsertPayment(p);
      std::map<std::string, int64_t> paid;  // invoice -> amount of this payment
      std::set<std::string> blocking_customers, touched_cases;
      for (const matching::Allocation& a : m.allocations) {
        if (a.amount_minor <= 0) continue;
        txn.AddAllocation(t.payment_id, a.invoice, a.amount_minor);
        paid[a.invoice] += a.amount_minor;
        changed = true;
        if (const matching::Invoice* inv = ledger_invoice(a.invoice)) {
          touched_cases.insert(inv->case_number);
          // Only settling a blocking invoice can reactivate its customer.
          if (inv->blocking) blocking_customers.insert(inv->customer);
        }
      }
      const std::string subject = "payment:" + t.payment_id;
      cases::PaymentOutcome po;
      po.payment_id = t.payment_id;
      po.automatic = m.decision == matching::Decision::kAuto;
      for (const matching::Reason& r : m.reasons) {
        po.reasons.push_back(std::string(matching::ReasonCodeName(r.code)) + ": " + r.text);
      }
      for (const matching::Candidate& c : m.candidates) po.candidates.push_back(c.invoice);
      po.case_id = p.case_id;
      po.unapplied_minor = m.unapplied_minor;
      if (!m.candidates.empty()) po.score = m.candidates[0].score;
      txn.Audit("purr/worker", subject,
                {po.automatic ? "allocate" : "match_follow_up",
                 std::string(po.automatic ? cases::kRulePaymentAuto : cases::kRulePaymentFollowUp),
                 std::string(matching::StageName(m.stage)) + ": " +
                     (po.reasons.empty() ? std::string("-") : po.reasons[0]),
                 po.score});
      if (std::optional<cases::FollowUp> f = cases::DecidePayment(rules->decisions, po)) {
        txn.AddFollowUp(*f, 0, t.payment_id);
        ++follow_ups;
      } else {
        ++applied;
      }
      metrics_.Add("purr_payments_total", {{"decision", p.decision}});
      for (const std::string& case_id : touched_cases) {
        if (waiting_cases.count(case_id) == 0) continue;
        for (const cases::WaitingProof& w : txn.WaitingProofs(case_id)) {
          txn.UpdateLetter(w.letter_id, "linked", case_id, t.payment_id);
          txn.Audit("purr/worker", "letter:" + std::to_string(w.letter_id),
                    {"link_payment", std::string(cases::kRuleProofArrived),
                     "the payment the letter announced arrived: " + t.payment_id,
                     std::nullopt});
        }
      }
      casework::Context ctx{&rules->decisions, "purr/worker", store_.Now(), ""};
      casework::SettlementCounts settled =
          casework::ApplySettlement(txn, ctx, t.payment_id, paid, blocking_customers);
      follow_ups += settled.follow_ups;
      reactivated += settled.reactivated;
    }
    expected_generation = generation + (changed ? 1 : 0);
    txn.Audit("purr/worker", file_subject,
              {"apply_file", "payment.file",
               job.name + " (" + parsed.format + "): " + std::to_string(parsed.transactions.size()) +
                   " payments, " + std::to_string(applied) + " applied automatically, " +
                   std::to_string(follow_ups) + " follow-ups, " + std::to_string(duplicates) +
                   " recorded before",
               std::nullopt});
    txn.FinishJob(job.id, "processed");
  });
  if (!recorded.ok()) {
    match_->matcher.reset();  // its balances may be ahead of the store now
    match_->generation = -1;
    return {JobOutcome::Kind::kRetry, recorded.message(), ""};
  }
  if (rejected) return {JobOutcome::Kind::kQuarantine, reject_reason, ""};
  if (earlier) {
    return {JobOutcome::Kind::kDuplicate, "",
            "same content as payment file " + std::to_string(*earlier)};
  }
  // The commit raised the generation by one when allocations changed the ledger; the
  // cached run already has those balances.
  match_->generation = expected_generation;
  metrics_.Add("purr_reactivations_total", {}, reactivated);
  JobOutcome outcome;
  outcome.summary = parsed.format + " payments=" + std::to_string(parsed.transactions.size()) +
                    " auto=" + std::to_string(applied) + " follow_ups=" +
                    std::to_string(follow_ups) + " recorded_before=" + std::to_string(duplicates) +
                    " reactivations=" + std::to_string(reactivated) + " parse_ms=" + parse_ms +
                    " ledger_ms=" + ledger_ms + " total_ms=" + ms_since(t0);
  return outcome;
}

Status Pipeline::Tick(const std::string& today) {
  std::shared_ptr<const Rules> rules = CurrentRules();
  return store_.Transact([&](store::Txn& txn) {
    for (const cases::WaitingProof& w : txn.WaitingProofs("")) {
      if (!cases::ProofGraceExpired(w, today)) continue;
      cases::FollowUp f = cases::ProofExpiredFollowUp(rules->decisions, w);
      txn.AddFollowUp(f, w.letter_id, "");
      txn.UpdateLetter(w.letter_id, "follow_up", w.case_id, "");
      txn.Audit("purr/worker", "letter:" + std::to_string(w.letter_id),
                {"follow_up", f.rule_id, f.reasons.front(), std::nullopt});
    }
  });
}

}  // namespace purr
