#include "worker/batch.h"

#include <Poco/DigestEngine.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SHA2Engine.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "classify/classify.h"
#include "classify/model.h"
#include "classify/rules.h"
#include "extract/entities.h"
#include "ocr/ocr.h"
#include "store/batch_state.h"
#include "store/store.h"
#include "worker/batch_report.h"
#include "worker/batch_sources.h"
#include "worker/classify_examples.h"
#include "worker/config.h"
#include "worker/letter_json.h"
#include "worker/ops.h"
#include "worker/pipeline.h"

namespace purr::batch {
namespace {

namespace fs = std::filesystem;
using Poco::JSON::Array;
using Poco::JSON::Object;
using Clock = std::chrono::steady_clock;

constexpr int kExitInterrupted = 130;

// A queue between threads; Close() wakes every waiter, and Pop then drains what is left.
template <typename T>
class Channel {
 public:
  void Push(T item) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      items_.push_back(std::move(item));
    }
    cv_.notify_one();
  }
  // Waits up to `wait`; nullopt on timeout or when closed and empty.
  std::optional<T> Pop(std::chrono::milliseconds wait) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, wait, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }
  void Close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }
  bool Done() {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_ && items_.empty();
  }
  void Clear() {
    std::lock_guard<std::mutex> lock(mu_);
    items_.clear();
  }
  size_t Size() {
    std::lock_guard<std::mutex> lock(mu_);
    return items_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<T> items_;  // guarded by mu_
  bool closed_ = false;  // guarded by mu_
};

enum class Action { kKeep, kReclassify, kProcess };

// One document on its way through the run. The producer fills it before it is shared; after
// that only the collector thread touches the mutable parts.
struct Doc {
  const Input* input = nullptr;
  std::optional<store::BatchDocumentRecord> previous;
  std::string sha;
  std::optional<ocr::Document> document;
  int pages = 0;
  std::string outcome;  // "" (recognise), "failed", "skipped", "duplicate"
  std::string error;
  std::string duplicate_of;
  std::vector<std::optional<store::BatchPageRecord>> results;
  int missing = 0;
  bool reclassify_only = false;
  // Another host's document, opened to recognise some of its pages for it: its pages are
  // stored, nothing else is done with it here.
  bool help = false;
};
using DocPtr = std::shared_ptr<Doc>;

struct Task {
  DocPtr doc;
  int page = 0;  // 0: every page in order, into a searchable PDF
  // Another host was recognising the page: look again for it (stored, or its claim run
  // out) from then on.
  Clock::time_point retry_at{};
};

struct Event {
  DocPtr doc;
  std::optional<store::BatchPageRecord> page;  // none: the document is ready as it is
  bool ocr = false;                            // the page was recognised now
};

std::string NowIso() {
  return store::FormatTimeMs(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count());
}

std::string DateOf(int64_t seconds) {
  return store::FormatTimeMs(seconds * 1000).substr(0, 10);
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string Sha256(const std::string& bytes) {
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  sha.update(bytes.data(), static_cast<unsigned>(bytes.size()));
  return Poco::DigestEngine::digestToHex(sha.digest());
}

std::string Stringify(const Poco::Dynamic::Var& v) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(v, out, 1);
  return out.str();
}

// Writes `text` to `path` through a temporary name, so a crash never leaves half a file.
Status WriteAtomically(const fs::path& path, const std::string& text) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) return Status::IoError(path.string() + ": cannot write");
  }
  fs::rename(tmp, path, ec);
  if (ec) return Status::IoError(path.string() + ": cannot write: " + ec.message());
  return Status::Ok();
}

store::BatchPageRecord PageRecordOf(const ocr::PageResult& r, int64_t run) {
  store::BatchPageRecord p;
  p.page = r.page;
  p.text = r.text;
  p.confidence = r.status.ok() ? r.confidence : -1;
  // "blank": OCR found an empty page (a cover sheet), which needs no one's attention.
  p.source = r.blank ? "blank" : r.source;
  p.language = r.language;
  p.rotation = r.rotation;
  p.error = r.status.ok() ? "" : r.status.message();
  p.run = run;
  return p;
}

class Batch {
 public:
  explicit Batch(const BatchOptions& options) : o_(options) {}

  Result<BatchResult> Run();

 private:
  Status Setup();
  Status ChooseRun();
  Action Plan(const Input& input, const std::optional<store::BatchDocumentRecord>& row);
  void Produce(const std::vector<std::pair<const Input*, Action>>& work);
  DocPtr Open(const Input& input, Action action, InputReader& reader,
              std::map<std::string, std::string>& seen);
  // Helps another host with `row`'s document (pending in this run) when it still has pages
  // nobody holds: opens it and queues those pages, last first. False when it did not.
  bool Help(const Input& input, const store::BatchDocumentRecord& row, InputReader& reader);
  // The scan `input` names, whose content `bytes` were read: from its file, or from the
  // bytes for a zip entry; within the page and size limits.
  Result<ocr::Document> OpenScan(const Input& input, std::string bytes) const;
  void Work(int thread);
  void Collect(size_t total_docs);
  void Finalize(const DocPtr& doc);
  void Classify(const DocPtr& doc, store::BatchDocumentRecord* row);
  void RecordChange(const store::BatchDocumentRecord& before,
                    const store::BatchDocumentRecord& after);
  void Progress(bool force);
  // Renews this sitting's claims until the run ends.
  void Heartbeat();
  Status WriteOutputs(bool interrupted, BatchResult* result);
  bool Stopped() const { return (o_.stop && o_.stop->load()) || failed_.load(); }

  const BatchOptions& o_;
  fs::path out_;
  std::unique_ptr<store::BatchState> state_;
  bool shared_ = false;       // the state is in a PostgreSQL store: other hosts may share the run
  std::string host_, owner_;  // owner_: "host:pid:start-ms", the name on this sitting's claims
  bool finished_run_ = false; // this sitting finished the run (and so writes the summary)
  std::atomic<size_t> docs_elsewhere_{0};  // documents of the run other sittings finished
  std::atomic<size_t> taken_over_{0};      // documents read here whose claim was another
                                           // sitting's and ran out
  std::set<std::string> helped_;           // documents helped with; the producer's own
  std::mutex beat_mu_;
  std::condition_variable beat_cv_;
  bool beat_stop_ = false;    // guarded by beat_mu_
  std::unique_ptr<classify::Classifier> classifier_;
  std::string rules_dir_, model_path_, jurisdiction_;  // the options, or the config's
  // With a store: the daemon's pipeline records each document done as a letter.
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Log> log_;
  Metrics metrics_;
  std::unique_ptr<Pipeline> pipeline_;
  int64_t letters_recorded_ = 0, letters_known_ = 0, follow_ups_added_ = 0;
  std::string rules_version_, model_version_;
  std::string previous_rules_, previous_model_;
  int64_t run_ = 0;
  bool continuing_ = false;
  std::string started_at_;
  Clock::time_point t0_;
  double cpu0_ = 0;
  int jobs_ = 1;
  std::vector<Input> inputs_;

  Channel<Task> tasks_;
  Channel<Event> events_;
  std::atomic<bool> failed_{false};  // an engine could not start: stop everything
  std::mutex engine_mu_;
  std::string engine_error_;         // guarded by engine_mu_
  std::mutex flight_mu_;
  std::condition_variable flight_cv_;
  int in_flight_ = 0;                // guarded by flight_mu_
  std::atomic<bool> produced_{false};
  std::atomic<int64_t> pages_known_{0};

  // The collector thread's own.
  int64_t pages_ocr_ = 0, pages_reused_ = 0, pages_done_ = 0, reclassified_ = 0;
  int64_t pages_helped_ = 0;  // of pages_ocr_, pages of other hosts' documents
  size_t docs_done_ = 0, docs_total_ = 0, errors_ = 0;
  std::vector<ProgressSample> samples_;
  Clock::time_point last_progress_;
};

Status Batch::Setup() {
  out_ = o_.out_dir;
  std::error_code ec;
  fs::create_directories(out_, ec);
  if (ec) return Status::IoError(o_.out_dir + ": cannot make the output folder: " + ec.message());
  std::string state_at = (out_ / "batch.sqlite").string();
  std::string batch_name;
  rules_dir_ = o_.rules_dir;
  model_path_ = o_.model_path;
  jurisdiction_ = o_.jurisdiction;
  if (!o_.db_path.empty() || !o_.config_file.empty()) {
    Result<Config> config = ConfigFromOptions(o_.config_file, o_.db_path);
    if (!config.ok()) return config.status();
    if (rules_dir_.empty()) rules_dir_ = config->rules;
    if (model_path_.empty()) model_path_ = config->model;
    if (jurisdiction_.empty()) jurisdiction_ = config->jurisdiction;
    config->rules = rules_dir_;
    config->model = model_path_;
    config->jurisdiction = jurisdiction_;
    Result<std::unique_ptr<store::Store>> opened =
        store::OpenStore(store::StoreOptions{config->db, 10000, 1, nullptr});
    if (!opened.ok()) return opened.status().WithContext(config->db);
    store_ = std::move(*opened);
    if (store::IsStoreUrl(config->db)) {
      // The hosts running this batch share its state in the database, named by DIR.
      shared_ = true;
      state_at = config->db;
      batch_name = fs::path(o_.out_dir).lexically_normal().string();
      while (batch_name.size() > 1 && batch_name.back() == '/') batch_name.pop_back();
    }
    log_ = std::make_unique<Log>(false, "/dev/null");
    pipeline_ = std::make_unique<Pipeline>(*store_, *config, *log_, metrics_);
    Status loaded = pipeline_->Reload(*config);
    if (!loaded.ok()) return loaded;
  }
  Result<std::unique_ptr<store::BatchState>> state = store::BatchState::Open(state_at, batch_name);
  if (!state.ok()) return state.status();
  state_ = std::move(*state);
  host_ = HostName();
  owner_ = host_ + ":" + std::to_string(getpid()) + ":" +
           std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count());
  Result<ClassifierSetup> setup = LoadClassifierSetup(rules_dir_, model_path_);
  if (!setup.ok()) return setup.status();
  classifier_ = std::make_unique<classify::Classifier>(setup->rules, setup->model);
  rules_version_ = setup->rules->version();
  model_version_ = setup->model ? setup->model->version() : "";
  jobs_ = o_.jobs > 0 ? o_.jobs : std::max(1u, std::thread::hardware_concurrency());
  return Status::Ok();
}

std::string SourcesKey(const std::vector<std::string>& sources) {
  std::string key;
  for (const std::string& s : sources) key += s + "\n";
  return key;
}

Status Batch::ChooseRun() {
  store::BatchRunRecord run;
  run.sources = SourcesKey(o_.sources);
  run.started_at = started_at_;
  run.rules_version = rules_version_;
  run.model_version = model_version_;
  Result<store::BatchRunChoice> choice = state_->ChooseRun(run, o_.resume);
  if (!choice.ok()) {
    if (choice.status().code() != Status::Code::kNotFound) return choice.status();
    return Status::NotFound(o_.out_dir + ": no interrupted run of these sources to resume (" +
                            choice.status().message() + ")");
  }
  if (choice->last) {
    previous_rules_ = choice->last->rules_version;
    previous_model_ = choice->last->model_version;
  }
  run_ = choice->run;
  continuing_ = choice->continuing;
  // Claims of a sitting of this host that has ended are free now, not when they run out.
  if (Result<std::vector<std::string>> owners = state_->ClaimOwners(); owners.ok()) {
    for (const std::string& owner : *owners) {
      if (EndedOnHost(owner, host_)) (void)state_->ExpireClaims(owner);
    }
  }
  return Status::Ok();
}

Action Batch::Plan(const Input& input, const std::optional<store::BatchDocumentRecord>& row) {
  if (!row || row->status == "pending") return Action::kProcess;
  if (continuing_ && row->run == run_) return Action::kKeep;
  if (!o_.only_changed) return Action::kProcess;
  if (row->size != input.size || row->mtime != input.mtime) return Action::kProcess;
  if (row->status != "done") return Action::kKeep;
  if (row->rules_version == rules_version_ && row->model_version == model_version_) {
    return Action::kKeep;
  }
  return Action::kReclassify;
}

DocPtr Batch::Open(const Input& input, Action action, InputReader& reader,
                   std::map<std::string, std::string>& seen) {
  auto doc = std::make_shared<Doc>();
  doc->input = &input;
  Result<std::optional<store::BatchDocumentRecord>> row = state_->Document(input.path);
  if (row.ok()) doc->previous = *row;
  if (action == Action::kReclassify) {
    doc->sha = doc->previous->sha256;
    doc->reclassify_only = true;
  } else {
    Result<std::string> bytes = reader.Read(input, o_.max_file_bytes);
    if (!bytes.ok()) {
      doc->outcome = "failed";
      doc->error = bytes.status().message();
      return doc;
    }
    doc->sha = Sha256(*bytes);
    auto first = seen.find(doc->sha);
    if (first != seen.end()) {
      doc->outcome = "duplicate";
      doc->duplicate_of = first->second;
      return doc;
    }
    Result<std::optional<std::string>> holder = state_->HolderOf(doc->sha, input.path, run_);
    if (holder.ok() && *holder) {
      doc->outcome = "duplicate";
      doc->duplicate_of = **holder;
      return doc;
    }
    // Another host may be opening the same content under another path right now.
    Result<std::string> reader_of = state_->ClaimContent(run_, doc->sha, input.path);
    if (reader_of.ok() && *reader_of != input.path) {
      doc->outcome = "duplicate";
      doc->duplicate_of = *reader_of;
      return doc;
    }
    seen[doc->sha] = input.path;
    Result<ocr::Document> d = OpenScan(input, std::move(*bytes));
    if (!d.ok()) {
      std::string message = d.status().message();
      const size_t at = message.find(input.file);
      if (input.entry.empty() && at != std::string::npos) {
        message.replace(at, input.file.size(), input.path);
      }
      doc->outcome = d.status().code() == Status::Code::kUnsupported ? "skipped" : "failed";
      doc->error = message;
      return doc;
    }
    doc->pages = d->page_count();
    doc->document = std::move(*d);
  }
  Result<std::vector<store::BatchPageRecord>> stored = state_->Pages(doc->sha);
  if (doc->reclassify_only) doc->pages = doc->previous->pages;
  doc->results.resize(static_cast<size_t>(std::max(0, doc->pages)));
  if (stored.ok()) {
    for (store::BatchPageRecord& p : *stored) {
      // A stored page is reused within its own run, or by --only-changed; a new full run
      // recognises every page again. A searchable PDF needs every page recognised.
      const bool reuse = doc->reclassify_only || (!o_.pdf && (p.run == run_ || o_.only_changed));
      if (reuse && p.page >= 1 && p.page <= doc->pages) doc->results[p.page - 1] = std::move(p);
    }
  }
  for (const auto& r : doc->results) doc->missing += r ? 0 : 1;
  return doc;
}

Result<ocr::Document> Batch::OpenScan(const Input& input, std::string bytes) const {
  ocr::Limits limits;
  limits.max_file_bytes = o_.max_file_bytes;
  limits.max_pages = o_.max_pages;
  return input.entry.empty() ? ocr::Document::Open(input.file, limits)
                             : ocr::Document::OpenBytes(std::move(bytes), input.path, limits);
}

bool Batch::Help(const Input& input, const store::BatchDocumentRecord& row,
                 InputReader& reader) {
  Result<std::vector<store::BatchPageRecord>> stored = state_->Pages(row.sha256);
  if (!stored.ok()) return false;
  std::vector<bool> have(static_cast<size_t>(std::max(0, row.pages)) + 1, false);
  for (const store::BatchPageRecord& p : *stored) {
    if (p.run == run_ && p.page >= 1 && p.page <= row.pages) have[p.page] = true;
  }
  std::vector<int> wanted;
  for (int p = row.pages; p >= 1; --p) {
    if (!have[p]) wanted.push_back(p);
  }
  // One page left is the owner's next: not worth opening the document for.
  if (wanted.size() < 2) return false;
  Result<std::string> bytes = reader.Read(input, o_.max_file_bytes);
  if (!bytes.ok() || Sha256(*bytes) != row.sha256) return false;  // changed since: not ours
  Result<ocr::Document> d = OpenScan(input, std::move(*bytes));
  if (!d.ok() || d->page_count() != row.pages) return false;
  auto doc = std::make_shared<Doc>();
  doc->input = &input;
  doc->sha = row.sha256;
  doc->pages = row.pages;
  doc->document = std::move(*d);
  doc->help = true;
  doc->results.resize(static_cast<size_t>(row.pages));
  doc->missing = static_cast<int>(wanted.size());
  {
    std::lock_guard<std::mutex> lock(flight_mu_);
    ++in_flight_;
  }
  pages_known_ += doc->missing;
  // From the last page back: the owner reads from the first on, so the two meet once.
  for (int p : wanted) tasks_.Push({doc, p});
  return true;
}

void Batch::Produce(const std::vector<std::pair<const Input*, Action>>& work) {
  InputReader reader;
  std::map<std::string, std::string> seen;  // content -> the first path of this sitting
  // Opens a document claimed by this sitting and hands it on; false when stopping.
  auto take = [&](const Input* input, Action action) -> bool {
    {
      // At most a few documents open at once: memory stays flat whatever the archive.
      std::unique_lock<std::mutex> lock(flight_mu_);
      // Stopping is a flag set by a signal handler, which cannot notify: look every 200 ms.
      while (!flight_cv_.wait_for(lock, std::chrono::milliseconds(200),
                                  [&] { return in_flight_ < jobs_ * 2 + 2 || Stopped(); })) {
      }
      if (Stopped()) return false;
      ++in_flight_;
    }
    DocPtr doc = Open(*input, action, reader, seen);
    if (doc->outcome.empty() && doc->missing > 0) {
      store::BatchDocumentRecord pending;
      pending.path = input->path;
      pending.size = input->size;
      pending.mtime = input->mtime;
      pending.sha256 = doc->sha;
      pending.pages = doc->pages;
      pending.status = "pending";
      pending.run = run_;
      if (doc->previous && doc->previous->status != "pending") {
        // The previous decision stays readable for the change list until this one lands.
        pending = *doc->previous;
        pending.status = "pending";
        pending.sha256 = doc->sha;
        pending.run = run_;
        pending.size = input->size;
        pending.mtime = input->mtime;
      }
      (void)state_->PutDocument(pending);
      pages_known_ += doc->missing;
      if (o_.pdf) {
        tasks_.Push({doc, 0});
      } else {
        for (int p = 1; p <= doc->pages; ++p) {
          if (!doc->results[p - 1]) tasks_.Push({doc, p});
        }
      }
    } else {
      events_.Push({doc, std::nullopt, false});
    }
    return true;
  };
  auto claim = [&](const Input* input) {
    bool taken_over = false;
    Result<bool> mine =
        state_->ClaimDocument(run_, input->path, owner_, o_.lease_ms, &taken_over);
    if (taken_over) ++taken_over_;
    return mine.ok() && *mine;
  };
  // Documents another sitting held when this one came to them.
  std::vector<std::pair<const Input*, Action>> elsewhere;
  for (const auto& [input, action] : work) {
    if (Stopped()) break;
    if (!claim(input)) {
      elsewhere.emplace_back(input, action);
      continue;
    }
    if (!take(input, action)) break;
  }
  // The run is done when every document is: wait for the others' documents, and take over
  // any whose claim runs out (its host died or was stopped).
  while (!elsewhere.empty() && !Stopped()) {
    for (int i = 0; i < 5 && !Stopped(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    std::vector<std::pair<const Input*, Action>> still;
    // Of those, the ones another host is reading now (pending in this run), with their rows.
    std::vector<std::pair<const Input*, store::BatchDocumentRecord>> being_read;
    for (const auto& [input, action] : elsewhere) {
      if (Stopped()) {
        still.emplace_back(input, action);
        continue;
      }
      Result<std::optional<store::BatchDocumentRecord>> row = state_->Document(input->path);
      const bool in_run = row.ok() && *row && (*row)->run == run_;
      if (in_run && (*row)->status != "pending") {
        ++docs_elsewhere_;
        continue;
      }
      if (!claim(input)) {
        still.emplace_back(input, action);
        if (in_run) being_read.emplace_back(input, **row);
        continue;
      }
      if (!take(input, action)) break;
    }
    elsewhere.swap(still);
    // Nothing of its own left to read: help with the pages of another host's document.
    if (!o_.pdf && tasks_.Size() < static_cast<size_t>(jobs_)) {
      for (const auto& [input, row] : being_read) {
        if (Stopped() || !helped_.insert(input->path).second) continue;
        if (Help(*input, row, reader)) break;
      }
    }
  }
  tasks_.Close();
  produced_ = true;
}

void Batch::Work(int thread) {
  (void)thread;
  ocr::EngineOptions eo;
  eo.languages = o_.languages;
  eo.tessdata_dir = o_.tessdata_dir;
  eo.page_deadline_ms = o_.page_deadline_ms;
  std::unique_ptr<ocr::Engine> engine;  // made for the first page: a run with nothing to read
                                        // pays nothing for it
  while (!tasks_.Done()) {
    std::optional<Task> task = tasks_.Pop(std::chrono::milliseconds(200));
    if (!task) continue;
    if (Stopped()) continue;  // drained: the pages not begun stay for the next sitting
    if (task->page > 0 && Clock::now() < task->retry_at) {
      tasks_.Push(std::move(*task));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    if (task->page > 0) {
      // A page is recognised by one host: the document's, or one helping with it.
      const DocPtr& d = task->doc;
      Result<bool> mine = state_->ClaimPage(run_, d->sha, task->page, owner_, o_.lease_ms);
      if (mine.ok() && !*mine) {
        if (d->help) {
          events_.Push({d, std::nullopt, false});  // the owner has it: one fewer to help with
          continue;
        }
        Result<std::optional<store::BatchPageRecord>> done = state_->Page(d->sha, task->page);
        if (done.ok() && *done && (*done)->run == run_) {
          events_.Push({d, std::move(**done), false});
        } else {
          task->retry_at = Clock::now() + std::chrono::milliseconds(500);
          tasks_.Push(std::move(*task));
        }
        continue;
      }
    }
    if (!engine) {
      Result<std::unique_ptr<ocr::Engine>> made = ocr::Engine::Create(eo);
      if (!made.ok()) {
        std::lock_guard<std::mutex> lock(engine_mu_);
        engine_error_ = made.status().message();
        failed_ = true;
        flight_cv_.notify_all();
        return;
      }
      engine = std::move(*made);
    }
    const DocPtr& doc = task->doc;
    if (task->page > 0) {
      ocr::PageResult r = engine->RecognizePage(*doc->document, task->page);
      events_.Push({doc, PageRecordOf(r, run_), true});
      continue;
    }
    const fs::path pdf = out_ / "pdf" / OutputName(doc->input->path);
    std::error_code ec;
    fs::create_directories(pdf.parent_path(), ec);
    Status begun = engine->BeginSearchablePdf(pdf.string(), doc->input->path);
    for (int p = 1; p <= doc->pages; ++p) {
      if (Stopped()) break;
      ocr::PageResult r = engine->RecognizePage(*doc->document, p);
      events_.Push({doc, PageRecordOf(r, run_), true});
    }
    if (begun.ok()) (void)engine->EndRenderers();
  }
}

void Batch::Collect(size_t total_docs) {
  docs_total_ = total_docs;
  for (;;) {
    std::optional<Event> e = events_.Pop(std::chrono::milliseconds(250));
    Progress(false);
    if (!e) {
      if (events_.Done()) break;
      continue;
    }
    const DocPtr& doc = e->doc;
    if (e->page && e->ocr) (void)state_->PutPage(doc->sha, *e->page);
    if (doc->help) {
      // Another host's document: its pages are stored for it, and that is all.
      if (e->page) {
        const bool ocr = e->ocr && e->page->source != "text_layer";
        pages_ocr_ += ocr ? 1 : 0;
        pages_helped_ += ocr ? 1 : 0;
        ++pages_done_;
      }
      if (--doc->missing == 0) {
        {
          std::lock_guard<std::mutex> lock(flight_mu_);
          --in_flight_;
        }
        flight_cv_.notify_all();
      }
      continue;
    }
    if (e->page) {
      const int page = e->page->page;
      // A PDF page with a real text layer is read, not OCR'd.
      pages_ocr_ += e->ocr && e->page->source != "text_layer" ? 1 : 0;
      ++pages_done_;
      if (page >= 1 && page <= doc->pages && !doc->results[page - 1]) {
        doc->results[page - 1] = std::move(*e->page);
        if (--doc->missing > 0) continue;
      } else {
        continue;
      }
    }
    Finalize(doc);
  }
  Progress(true);
}

std::string Cause(const store::BatchDocumentRecord& before,
                  const store::BatchDocumentRecord& after) {
  if (before.sha256 != after.sha256) return "content";
  const bool rules = before.rules_version != after.rules_version;
  const bool model = before.model_version != after.model_version;
  if (rules && model) return "rules+model";
  if (rules) return "rules";
  if (model) return "model";
  return "ocr";
}

void Batch::RecordChange(const store::BatchDocumentRecord& before,
                         const store::BatchDocumentRecord& after) {
  if (before.status != "done" || after.status != "done") return;
  if (before.classes == after.classes && before.legal == after.legal &&
      before.needs_human == after.needs_human && before.case_id == after.case_id) {
    return;
  }
  store::BatchChangeRecord c;
  c.path = after.path;
  c.cause = Cause(before, after);
  c.old_classes = before.classes;
  c.new_classes = after.classes;
  c.old_legal = before.legal;
  c.new_legal = after.legal;
  c.old_needs_human = before.needs_human;
  c.new_needs_human = after.needs_human;
  c.old_case = before.case_id;
  c.new_case = after.case_id;
  (void)state_->AddChange(run_, c);
}

void Batch::Classify(const DocPtr& doc, store::BatchDocumentRecord* row) {
  std::string text;
  double confidence_sum = 0;
  int ocr_pages = 0;
  std::vector<std::string> page_problems;
  std::vector<std::string> read_doubts;
  Array::Ptr pages = new Array;
  for (const auto& p : doc->results) {
    if (!p) continue;
    if (!text.empty()) text += "\n\n";
    text += p->text;
    if (p->error.empty() && p->source == "ocr") {
      confidence_sum += p->confidence;
      ++ocr_pages;
    }
    if (!p->error.empty()) page_problems.push_back(p->error);
    if (p->error.empty()) {
      // The stored page judged as the daemon judges a page it has just read.
      ocr::PageResult read;
      read.page = p->page;
      read.text = p->text;
      read.confidence = p->confidence;
      read.source = p->source;  // "blank" pages are not doubted
      if (std::string doubt = ocr::ReadDoubt(read); !doubt.empty()) {
        read_doubts.push_back(std::move(doubt));
      }
    }
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("page", p->page);
    o->set("text", p->text);
    o->set("confidence", p->confidence);
    o->set("source", p->source);
    o->set("language", p->language);
    o->set("rotation", p->rotation);
    if (!p->error.empty()) o->set("error", p->error);
    pages->add(o);
  }
  classify::ClassifyOptions options;
  const std::string received = DateOf(doc->input->mtime);
  options.received = classify::Date::Parse(received).value_or(classify::Date{});
  options.case_jurisdiction = classify::ParseJurisdiction(jurisdiction_);
  classify::Classification c = classifier_->Classify(text, options);
  extract::ExtractOptions eo;
  eo.language = classify::LanguageCode(c.language.language);
  if (eo.language == "unknown") eo.language.clear();
  eo.default_year = options.received.year;
  std::vector<extract::Entity> entities = extract::ExtractEntities(text, eo);

  row->language = classify::LanguageCode(c.language.language);
  for (const classify::ClassResult& r : c.classes) row->classes.push_back(classify::ClassName(r.cls));
  row->legal = classify::LegalCategoryName(c.legal.category);
  row->needs_human = c.needs_human || !page_problems.empty() || !read_doubts.empty();
  for (const std::string& r : c.needs_human_reasons) {
    row->needs_human_reasons.push_back(extract::MaskSensitive(r));
  }
  // One unreadable page does not fail the document, but a human must look at it.
  for (const std::string& problem : page_problems) {
    row->needs_human_reasons.push_back("a page could not be read: " + problem);
  }
  for (const std::string& doubt : read_doubts) row->needs_human_reasons.push_back("OCR: " + doubt);
  row->mean_confidence = ocr_pages > 0 ? confidence_sum / ocr_pages : -1;

  // With a store: the letter there, linked and decided (once per content).
  Object::Ptr stored;
  if (pipeline_) {
    store::LetterRecord letter;
    letter.sha256 = row->sha256;
    letter.file = row->path;
    letter.source = "batch";
    letter.received = store::FormatTimeMs(doc->input->mtime * 1000);
    letter.stored_path = row->path;
    letter.kind = ocr_pages > 0 ? "scan" : "text";
    letter.language = row->language;
    letter.classes = row->classes;
    letter.legal = row->legal;
    letter.jurisdiction = classify::JurisdictionCode(c.legal.jurisdiction);
    letter.deadline = c.legal.deadline ? c.legal.deadline->ToString() : "";
    letter.statute = c.legal.statute;
    letter.needs_human = row->needs_human;
    letter.needs_human_reasons = row->needs_human_reasons;
    letter.classification_json = ClassificationJson(c);
    letter.entities_json = EntitiesJson(entities);
    letter.model_version = c.model_version;
    letter.rules_version = c.rules_version;
    for (const auto& p : doc->results) {
      if (!p) continue;
      store::PageRecord page;
      page.page = p->page;
      page.text = p->text;
      page.confidence = p->error.empty() ? p->confidence : 0;
      letter.pages.push_back(std::move(page));
    }
    Result<Pipeline::RecordedLetter> recorded =
        pipeline_->RecordLetter(std::move(letter), text, "purr/batch");
    if (!recorded.ok()) {
      row->status = "failed";
      row->error = "store: " + recorded.status().message();
      return;
    }
    row->case_id = recorded->case_id;
    (recorded->recorded_before ? letters_known_ : letters_recorded_) += 1;
    follow_ups_added_ += recorded->follow_ups;
    stored = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    stored->set("letter", recorded->letter_id);
    if (recorded->case_id.empty()) {
      stored->set("case", Poco::Dynamic::Var());
    } else {
      stored->set("case", recorded->case_id);
    }
    stored->set("status", recorded->status);
    stored->set("recorded_before", recorded->recorded_before);
    stored->set("follow_ups_added", recorded->follow_ups);
  }

  Object::Ptr json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  json->set("path", row->path);
  json->set("sha256", row->sha256);
  json->set("received", received);
  json->set("pages", pages);
  json->set("language", row->language);
  Array::Ptr classes = new Array;
  for (const std::string& cls : row->classes) classes->add(cls);
  json->set("classes", classes);
  Poco::JSON::Parser parser;
  json->set("classification", parser.parse(ClassificationJson(c)));
  parser.reset();
  json->set("legal_category", row->legal);
  json->set("deadline", c.legal.deadline ? c.legal.deadline->ToString() : "");
  json->set("statute", c.legal.statute);
  json->set("needs_human", row->needs_human);
  Array::Ptr reasons = new Array;
  for (const std::string& r : row->needs_human_reasons) reasons->add(r);
  json->set("needs_human_reasons", reasons);
  json->set("entities", parser.parse(EntitiesJson(entities)));
  json->set("mean_confidence", row->mean_confidence);
  if (stored) json->set("store", stored);
  json->set("rules_version", rules_version_);
  json->set("model_version", model_version_);
  row->json_path = "documents/" + OutputName(row->path) + ".json";
  Status written = WriteAtomically(out_ / row->json_path, Stringify(json) + "\n");
  if (!written.ok()) {
    row->status = "failed";
    row->error = written.message();
  }
}

void Batch::Finalize(const DocPtr& doc) {
  const Input& input = *doc->input;
  store::BatchDocumentRecord row;
  row.path = input.path;
  row.size = input.size;
  row.mtime = input.mtime;
  row.sha256 = doc->sha;
  row.pages = doc->pages;
  row.rules_version = rules_version_;
  row.model_version = model_version_;
  row.run = run_;
  row.status = doc->outcome.empty() ? "done" : doc->outcome;
  row.error = doc->error;
  row.duplicate_of = doc->duplicate_of;
  if (row.status == "done") {
    bool any_read = false;
    for (const auto& p : doc->results) any_read = any_read || (p && p->error.empty());
    if (!any_read && doc->pages > 0) {
      row.status = "failed";
      for (const auto& p : doc->results) {
        if (p && row.error.empty()) row.error = p->error;
      }
    } else {
      Classify(doc, &row);
    }
  }
  if (doc->reclassify_only) ++reclassified_;
  if (row.status == "failed") ++errors_;
  for (const auto& p : doc->results) {
    if (p && p->run != run_) ++pages_reused_;
  }
  if (doc->previous) RecordChange(*doc->previous, row);
  (void)state_->FinishDocument(row);
  ++docs_done_;
  {
    std::lock_guard<std::mutex> lock(flight_mu_);
    --in_flight_;
  }
  flight_cv_.notify_all();
}

std::string Clock2(double seconds) {
  const int s = static_cast<int>(seconds);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  return buf;
}

void Batch::Progress(bool force) {
  const Clock::time_point now = Clock::now();
  const double elapsed = std::chrono::duration<double>(now - t0_).count();
  if (samples_.empty() || elapsed - samples_.back().seconds >= 1.0 || force) {
    samples_.push_back({elapsed, pages_done_});
  }
  const int interval = o_.progress_tty ? 500 : o_.progress_interval_ms;
  if (!force && now - last_progress_ < std::chrono::milliseconds(interval)) return;
  last_progress_ = now;
  const double rate = elapsed > 0 ? static_cast<double>(pages_ocr_) / elapsed : 0;
  const int64_t left = pages_known_.load() - pages_done_;
  char line[256];
  std::snprintf(line, sizeof(line),
                "documents %zu/%zu, pages %lld/%lld%s, %.2f pages/s, ETA %s, errors %zu",
                docs_done_ + docs_elsewhere_.load(), docs_total_, static_cast<long long>(pages_done_),
                static_cast<long long>(pages_known_.load()), produced_ ? "" : "+", rate,
                rate > 0 && left > 0 ? Clock2(static_cast<double>(left) / rate).c_str() : "-",
                errors_);
  if (o_.progress_tty) {
    std::cerr << "\r\033[K" << line << (force ? "\n" : "") << std::flush;
  } else {
    std::cerr << "purr batch: " << line << "\n";
  }
}

void Batch::Heartbeat() {
  std::unique_lock<std::mutex> lock(beat_mu_);
  while (!beat_cv_.wait_for(lock, std::chrono::milliseconds(std::max(500, o_.lease_ms / 3)),
                            [&] { return beat_stop_; })) {
    lock.unlock();
    (void)state_->RenewClaims(owner_, o_.lease_ms);
    lock.lock();
  }
}

DocumentRow RowOf(const Input& input, const std::optional<store::BatchDocumentRecord>& r) {
  DocumentRow row;
  row.path = input.path;
  if (!r) {
    row.status = "pending";
    return row;
  }
  row.sha256 = r->sha256;
  row.pages = r->pages;
  row.language = r->language;
  row.classes = r->classes;
  row.legal = r->legal;
  row.needs_human = r->needs_human;
  row.needs_human_reasons = r->needs_human_reasons;
  row.mean_confidence = r->mean_confidence;
  row.status = r->status;
  row.error = r->error;
  row.duplicate_of = r->duplicate_of;
  row.case_id = r->case_id;
  row.json_path = r->json_path;
  return row;
}

Status Batch::WriteOutputs(bool interrupted, BatchResult* result) {
  std::vector<DocumentRow> rows;
  std::vector<std::string> paths;
  for (const Input& input : inputs_) {
    Result<std::optional<store::BatchDocumentRecord>> r = state_->Document(input.path);
    if (!r.ok()) return r.status();
    rows.push_back(RowOf(input, *r));
    paths.push_back(input.path);
  }
  std::sort(rows.begin(), rows.end(),
            [](const DocumentRow& a, const DocumentRow& b) { return a.path < b.path; });
  Result<std::vector<store::BatchChangeRecord>> changes = state_->Changes(run_);
  if (!changes.ok()) return changes.status();
  std::vector<ChangeRow> change_rows;
  for (const store::BatchChangeRecord& c : *changes) {
    change_rows.push_back({c.path, c.old_classes, c.new_classes, c.old_legal, c.new_legal,
                           c.old_needs_human, c.new_needs_human, c.old_case, c.new_case, c.cause});
  }
  Result<std::vector<store::BatchLowPage>> low = state_->LowestPages(paths, 20);
  std::vector<LowPage> low_pages;
  if (low.ok()) {
    for (const store::BatchLowPage& p : *low) low_pages.push_back({p.path, p.page, p.confidence});
  }
  RunInfo info;
  info.started_at = started_at_;
  info.finished_at = interrupted ? "" : NowIso();
  info.interrupted = interrupted;
  info.sources = o_.sources;
  info.rules_version = rules_version_;
  info.model_version = model_version_;
  info.previous_rules_version = previous_rules_;
  info.previous_model_version = previous_model_;
  info.jobs = jobs_;
  info.seconds = std::chrono::duration<double>(Clock::now() - t0_).count();
  info.cpu_seconds = CpuSeconds() - cpu0_;
  info.pages_ocr = pages_ocr_;
  info.documents_reclassified = reclassified_;
  info.progress = samples_;
  // Of a run several hosts share, the one that finished it writes the summary, from the
  // shared state; the others would write a summary with documents still pending.
  const bool summary = !shared_ || finished_run_;
  if (summary) {
    for (const auto& [name, text] :
         std::vector<std::pair<std::string, std::string>>{
             {"summary.csv", SummaryCsv(rows)},
             {"changes.csv", ChangesCsv(change_rows)},
             {"report.html", ReportHtml(info, rows, change_rows, low_pages)}}) {
      Status s = WriteAtomically(out_ / name, text);
      if (!s.ok()) return s;
    }
  }
  std::map<std::string, int64_t> by_status;
  int64_t pages = 0;
  for (const DocumentRow& r : rows) {
    ++by_status[r.status];
    pages += r.pages;
  }
  Object::Ptr run = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  run->set("run", run_);
  if (shared_) {
    run->set("host", host_);
    run->set("sitting", owner_);
    run->set("finished_run", finished_run_);
    run->set("documents_this_sitting", static_cast<int64_t>(docs_done_));
    run->set("documents_other_sittings", static_cast<int64_t>(docs_elsewhere_.load()));
    run->set("documents_taken_over", static_cast<int64_t>(taken_over_.load()));
    run->set("pages_for_other_sittings", pages_helped_);
  }
  run->set("continued", continuing_);
  run->set("interrupted", interrupted);
  run->set("documents", static_cast<int64_t>(rows.size()));
  for (const char* s : {"done", "failed", "duplicate", "skipped", "pending"}) {
    run->set(s, by_status[s]);
  }
  run->set("pages", pages);
  run->set("pages_ocr", pages_ocr_);
  run->set("pages_reused", pages_reused_);
  run->set("documents_reclassified", reclassified_);
  run->set("changes", static_cast<int64_t>(change_rows.size()));
  run->set("jobs", jobs_);
  run->set("seconds", info.seconds);
  run->set("cpu_seconds", info.cpu_seconds);
  run->set("rules_version", rules_version_);
  run->set("model_version", model_version_);
  if (store_) {
    Object::Ptr st = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    st->set("path", store_->path());
    st->set("letters_recorded", letters_recorded_);
    st->set("letters_known_before", letters_known_);
    st->set("follow_ups_added", follow_ups_added_);
    run->set("store", st);
  }
  if (shared_) {
    // Every host's own figures, beside the run's.
    std::string name = host_ + "-" + std::to_string(getpid()) + ".json";
    for (char& c : name) {
      if (c == '/' || c == '\\' || c == ':') c = '_';
    }
    std::error_code ec;
    fs::create_directories(out_ / "sittings", ec);
    Status s = WriteAtomically(out_ / "sittings" / name, Stringify(run) + "\n");
    if (!s.ok()) return s;
  }
  if (summary) {
    Status s = WriteAtomically(out_ / "run.json", Stringify(run) + "\n");
    if (!s.ok()) return s;
  }

  char line[512];
  std::snprintf(line, sizeof(line),
                "purr batch: %zu documents (%lld done, %lld failed, %lld duplicates, %lld "
                "skipped%s), %lld pages (%lld OCR'd now, %lld reused), %lld reclassified "
                "without OCR, %zu changes; %.1f s, %.2f pages/s, %.2f CPU s/page; %s",
                rows.size(), static_cast<long long>(by_status["done"]),
                static_cast<long long>(by_status["failed"]),
                static_cast<long long>(by_status["duplicate"]),
                static_cast<long long>(by_status["skipped"]),
                by_status["pending"] > 0
                    ? (", " + std::to_string(by_status["pending"]) + " not yet").c_str()
                    : "",
                static_cast<long long>(pages), static_cast<long long>(pages_ocr_),
                static_cast<long long>(pages_reused_), static_cast<long long>(reclassified_),
                change_rows.size(), info.seconds,
                info.seconds > 0 ? static_cast<double>(pages_ocr_) / info.seconds : 0.0,
                pages_ocr_ > 0 ? info.cpu_seconds / static_cast<double>(pages_ocr_) : 0.0,
                (out_ / "report.html").string().c_str());
  result->summary = line;
  if (store_) {
    result->summary += "\npurr batch: store " + store_->path() + ": " +
                       std::to_string(letters_recorded_) + " letters recorded, " +
                       std::to_string(letters_known_) + " already there, " +
                       std::to_string(follow_ups_added_) + " follow-ups added";
  }
  if (shared_) {
    result->summary += "\npurr batch: this host (" + owner_ + ") finished " +
                       std::to_string(docs_done_) + " documents of run " +
                       std::to_string(run_) + " (" + std::to_string(taken_over_.load()) +
                       " taken over from a host that stopped) and " +
                       std::to_string(pages_helped_) + " pages of other hosts' documents, other hosts " +
                       std::to_string(docs_elsewhere_.load()) +
                       (summary ? "; this host finished the run and wrote its summary"
                                : interrupted ? ""
                                              : "; another host finished the run and wrote "
                                                "its summary");
  }
  if (interrupted) {
    result->summary += "\npurr batch: interrupted; the same command continues where it stopped";
    result->exit_code = kExitInterrupted;
  } else {
    result->exit_code = by_status["failed"] > 0 ? 1 : 0;
  }
  return Status::Ok();
}

Result<BatchResult> Batch::Run() {
  t0_ = Clock::now();
  cpu0_ = CpuSeconds();
  started_at_ = NowIso();
  Status s = Setup();
  if (!s.ok()) return s;
  Result<std::vector<Input>> inputs = ListInputs(o_.sources);
  if (!inputs.ok()) return inputs.status();
  inputs_ = std::move(*inputs);
  s = ChooseRun();
  if (!s.ok()) return s;

  std::vector<std::pair<const Input*, Action>> work;
  for (const Input& input : inputs_) {
    Result<std::optional<store::BatchDocumentRecord>> row = state_->Document(input.path);
    if (!row.ok()) return row.status();
    const Action a = Plan(input, *row);
    if (a != Action::kKeep) work.emplace_back(&input, a);
  }
  std::thread heartbeat([this] { Heartbeat(); });
  std::vector<std::thread> workers;
  for (int i = 0; i < jobs_; ++i) workers.emplace_back([this, i] { Work(i); });
  std::thread producer([this, &work] {
    Produce(work);
  });
  // The collector ends when the producer and every worker are done and nothing is left.
  std::thread closer([this, &producer, &workers] {
    producer.join();
    for (std::thread& w : workers) w.join();
    events_.Close();
  });
  Collect(work.size());
  closer.join();
  {
    std::lock_guard<std::mutex> lock(beat_mu_);
    beat_stop_ = true;
  }
  beat_cv_.notify_all();
  heartbeat.join();
  // What this sitting claimed and did not finish (it was stopped) is free for another now.
  (void)state_->ExpireClaims(owner_);
  {
    std::lock_guard<std::mutex> lock(engine_mu_);
    if (!engine_error_.empty()) return Status::Internal("no OCR engine: " + engine_error_);
  }
  const bool interrupted = Stopped();
  Result<bool> finished = state_->UpdateRun(run_, pages_ocr_, reclassified_,
                                            interrupted ? "" : NowIso());
  if (!finished.ok()) return finished.status();
  finished_run_ = *finished;
  BatchResult result;
  s = WriteOutputs(interrupted, &result);
  if (!s.ok()) return s;
  return result;
}

}  // namespace

Result<BatchResult> RunBatch(const BatchOptions& options) {
  if (options.sources.empty()) return Status::InvalidInput("no SRC given");
  if (options.out_dir.empty()) return Status::InvalidInput("no --out folder given");
  Batch batch(options);
  return batch.Run();
}

}  // namespace purr::batch
