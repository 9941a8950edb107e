#include "worker/daemon.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/URI.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

#include "store/store.h"
#include "web/review.h"
#include "web/server.h"
#include "worker/ops.h"
#include "worker/pipeline.h"

namespace purr {
namespace {

namespace fs = std::filesystem;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The outbox's delivery lease (store::Store::TakeLease), renewed at every delivery round.
constexpr const char* kOutboxLease = "outbox";
constexpr int kOutboxLeaseMs = 60000;

void OnStop(int) { GlobalDaemonSignals().stop = true; }
void OnReload(int) { GlobalDaemonSignals().reload = true; }

void InstallSignalHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnStop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  sa.sa_handler = OnReload;
  sigaction(SIGHUP, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

// Names an inbox never takes: still being written by convention, or hidden.
bool IsTemporaryName(const std::string& name) {
  if (name.empty() || name[0] == '.' || name[0] == '~') return true;
  for (const char* ext : {".part", ".tmp", ".crdownload", ".partial", ".filepart"}) {
    const std::string e = ext;
    if (name.size() >= e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) {
      return true;
    }
  }
  return false;
}

// Renames without ever replacing an existing file; false when `to` exists or the rename
// fails otherwise (errno set).
bool RenameNoReplace(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
    return true;
  }
  if (errno != EINVAL && errno != ENOSYS) return false;
  // Filesystems without RENAME_NOREPLACE: link fails when the target exists.
  if (::link(from.c_str(), to.c_str()) != 0) return false;
  ::unlink(from.c_str());
  return true;
}

// Claims an inbox file: moves it to `unique_to`, a name no other process makes (time, pid,
// counter). Of several processes or hosts renaming the same file, one succeeds. Where the
// file system has no RENAME_NOREPLACE (NFS), a plain rename keeps that; the link-and-unlink
// of RenameNoReplace would not (two hosts linking one file to two names both succeed).
bool ClaimRename(const fs::path& from, const fs::path& unique_to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, unique_to.c_str(), RENAME_NOREPLACE) == 0) {
    return true;
  }
  if (errno != EINVAL && errno != ENOSYS) return false;
  return ::rename(from.c_str(), unique_to.c_str()) == 0;
}

// Moves `from` into `dir` under its name, or name.1, name.2 ... when taken.
Result<fs::path> MoveInto(const fs::path& from, const fs::path& dir, const std::string& name) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError(dir.string() + ": " + ec.message());
  for (int n = 0; n < 10000; ++n) {
    fs::path target = dir / (n == 0 ? name : name + "." + std::to_string(n));
    if (RenameNoReplace(from, target)) return target;
    if (errno != EEXIST) {
      return Status::IoError(from.string() + " -> " + target.string() + ": " + strerror(errno));
    }
  }
  return Status::IoError(dir.string() + ": 10000 files named " + name);
}

std::string DatedFolder(int64_t ms) {
  const std::string t = store::FormatTimeMs(ms);
  return t.substr(0, 4) + "/" + t.substr(5, 2) + "/" + t.substr(8, 2);
}

// The original name of a claimed file: work/<kind>/<stamp>-<name>.
std::string OriginalName(const fs::path& work_path) {
  std::string base = work_path.filename().string();
  const size_t dash = base.find('-');
  return dash == std::string::npos ? base : base.substr(dash + 1);
}

struct Seen {
  uintmax_t size = 0;
  fs::file_time_type mtime;
};

class Daemon {
 public:
  Daemon(const Config& config, const DaemonOptions& options)
      : config_(config),
        options_(options),
        live_(std::make_shared<const Config>(config)),
        log_(options.json_log, options.log_file) {}
  int Run();

 private:
  Status Prepare();
  void Recover();
  // Whether `owner` ("host:pid[:thread]") names a process of this host that has ended.
  bool EndedHere(const std::string& owner) const;
  // Claims every complete file of an inbox. Returns the number of candidates still waiting
  // (not yet stable).
  int PollInbox(const std::string& kind, const std::string& dir);
  void Claim(const std::string& kind, const fs::path& file);
  void Worker(const std::string& kind, int index);
  void Finish(const store::Job& job, const JobOutcome& outcome, double seconds);
  void Quarantine(const store::Job& job, const std::string& reason);
  void Archive(const store::Job& job);
  void DeliverOutbox();
  void StartHttp();
  bool Idle();
  std::string Health(bool* ok);
  std::string MetricsText();

  // Folders, store, HTTP address and worker count are fixed at start; the rest of the
  // config (poll interval, leases, attempts, outbox, limits, rules) is reloaded on SIGHUP.
  std::shared_ptr<const Config> Live() const {
    std::lock_guard<std::mutex> lock(live_mu_);
    return live_;
  }
  void ReloadConfig();

  const Config config_;
  const DaemonOptions options_;
  mutable std::mutex live_mu_;
  std::shared_ptr<const Config> live_;  // guarded by live_mu_
  Log log_;
  Metrics metrics_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Pipeline> pipeline_;
  std::string host_;
  std::string owner_;  // "host:pid"; each thread appends ":<index>"
  std::map<std::string, Seen> seen_;  // poller thread only
  std::atomic<int> busy_{0};
  std::atomic<int64_t> claim_counter_{0};
  std::atomic<int64_t> last_activity_ms_{0};
  std::unique_ptr<web::ReviewApp> review_;
  std::unique_ptr<Poco::Net::HTTPServer> http_;
};

Status Daemon::Prepare() {
  for (const std::string* dir : {&config_.inbox_letters, &config_.inbox_payments, &config_.work,
                                 &config_.archive, &config_.quarantine, &config_.store_dir}) {
    std::error_code ec;
    fs::create_directories(*dir, ec);
    if (ec) return Status::IoError(*dir + ": " + ec.message());
  }
  for (const char* kind : {"letter", "payments"}) {
    std::error_code ec;
    fs::create_directories(fs::path(config_.work) / kind, ec);
    if (ec) return Status::IoError(config_.work + ": " + ec.message());
  }
  Result<std::unique_ptr<store::Store>> store = store::OpenStore(store::StoreOptions{config_.db, 10000, 4, nullptr});
  if (!store.ok()) return store.status();
  store_ = std::move(*store);
  pipeline_ = std::make_unique<Pipeline>(*store_, config_, log_, metrics_);
  Status loaded = pipeline_->Reload(config_);
  if (!loaded.ok()) return loaded;
  host_ = HostName();
  owner_ = host_ + ":" + std::to_string(getpid());
  return Status::Ok();
}

bool Daemon::EndedHere(const std::string& o) const { return EndedOnHost(o, host_); }

void Daemon::Recover() {
  // The outbox's lease of a dead process of this host: free now, not when it runs out.
  if (Result<std::string> holder = store_->LeaseOwner(kOutboxLease);
      holder.ok() && !holder->empty() && EndedHere(*holder)) {
    (void)store_->ReleaseLease(kOutboxLease, *holder);
  }
  // Jobs a dead process held: released, the attempt counted.
  if (auto running = store_->JobsInState("running"); running.ok()) {
    for (const store::Job& job : *running) {
      // Owners are "host:pid:thread".
      if (EndedHere(job.lease_owner)) {
        (void)store_->ReleaseJob(job.id, true);
        log_.Warn("job.recovered", {{"job", std::to_string(job.id)}, {"file", job.name},
                                    {"attempts", std::to_string(job.attempts)}});
      }
    }
  }
  // Finished jobs whose file was not moved yet.
  if (auto done = store_->JobsInState("done"); done.ok()) {
    for (const store::Job& job : *done) Archive(job);
  }
  if (auto failed = store_->JobsInState("failed"); failed.ok()) {
    for (const store::Job& job : *failed) Quarantine(job, job.last_error);
  }
  // Claimed files no job names: the process died between the rename and the insert.
  for (const char* kind : {"letter", "payments"}) {
    std::error_code ec;
    for (fs::directory_iterator it(fs::path(config_.work) / kind, ec), end; !ec && it != end;
         it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      const std::string path = it->path().string();
      Result<bool> known = store_->KnowsWorkPath(path);
      if (known.ok() && !*known) {
        Result<int64_t> id = store_->EnqueueJob(kind, path, OriginalName(it->path()),
                                                store::FormatTimeMs(NowMs()));
        log_.Warn("job.recovered_file", {{"file", OriginalName(it->path())},
                                         {"job", id.ok() ? std::to_string(*id) : "error"}});
      }
    }
  }
}

int Daemon::PollInbox(const std::string& kind, const std::string& dir) {
  int waiting = 0;
  std::vector<fs::path> dirs = {dir};
  // A Maildir: messages are delivered into new/ (cur/ holds those a mail client saw).
  for (const char* sub : {"new", "cur"}) {
    std::error_code ec;
    if (fs::is_directory(fs::path(dir) / sub, ec)) dirs.push_back(fs::path(dir) / sub);
  }
  for (const fs::path& d : dirs) {
    std::error_code ec;
    for (fs::directory_iterator it(d, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      std::error_code fec;
      if (!it->is_regular_file(fec) || IsTemporaryName(name)) continue;
      const uintmax_t size = it->file_size(fec);
      const fs::file_time_type mtime = it->last_write_time(fec);
      if (fec) continue;
      const std::string key = it->path().string();
      auto seen = seen_.find(key);
      if (seen == seen_.end() || seen->second.size != size || seen->second.mtime != mtime) {
        seen_[key] = {size, mtime};
        ++waiting;
        continue;
      }
      seen_.erase(seen);
      metrics_.Add("purr_files_seen_total", {{"inbox", kind == "letter" ? "letters" : "payments"}});
      Claim(kind, it->path());
    }
  }
  return waiting;
}

void Daemon::Claim(const std::string& kind, const fs::path& file) {
  const int64_t now = NowMs();
  const std::string name = file.filename().string();
  char stamp[64];
  std::snprintf(stamp, sizeof(stamp), "%lld.%d.%lld", static_cast<long long>(now),
                static_cast<int>(getpid()), static_cast<long long>(++claim_counter_));
  // Receipt: the file's modification time when it is earlier than now (a scanner's backlog).
  int64_t received = now;
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0) {
    received = std::min<int64_t>(now, int64_t{st.st_mtim.tv_sec} * 1000 + st.st_mtim.tv_nsec / 1000000);
  }
  const fs::path target = fs::path(config_.work) / kind / (std::string(stamp) + "-" + name);
  if (!ClaimRename(file, target)) {
    log_.Warn("inbox.claim_failed", {{"file", name}, {"error", strerror(errno)}});
    return;
  }
  Result<int64_t> id = store_->EnqueueJob(kind, target.string(), name, store::FormatTimeMs(received));
  if (!id.ok()) {
    // The file stays in the work folder; start-up recovery records it.
    log_.Error("job.enqueue_failed", {{"file", name}, {"error", id.status().message()}});
    return;
  }
  last_activity_ms_ = now;
  log_.Info("inbox.claimed", {{"inbox", kind}, {"file", name}, {"job", std::to_string(*id)}});
}

void Daemon::Archive(const store::Job& job) {
  std::error_code ec;
  if (fs::exists(job.work_path, ec)) {
    Result<fs::path> moved = MoveInto(job.work_path,
                                      fs::path(config_.archive) / DatedFolder(NowMs()), job.name);
    if (!moved.ok()) {
      log_.Error("archive.failed", {{"file", job.name}, {"error", moved.status().message()}});
      return;
    }
  }
  (void)store_->MarkJobArchived(job.id);
}

void Daemon::Quarantine(const store::Job& job, const std::string& reason) {
  std::error_code ec;
  if (fs::exists(job.work_path, ec)) {
    Result<fs::path> moved = MoveInto(job.work_path, config_.quarantine, job.name);
    if (!moved.ok()) {
      log_.Error("quarantine.failed", {{"file", job.name}, {"error", moved.status().message()}});
      return;
    }
    std::ofstream out(moved->string() + ".reason");
    out << reason << "\n";
  }
  (void)store_->MarkJobArchived(job.id);
  metrics_.Add("purr_errors_total", {{"kind", job.kind == "letter" ? "letter" : "payments"}});
  log_.Warn("job.quarantined", {{"job", std::to_string(job.id)}, {"file", job.name},
                                {"reason", reason}});
}

void Daemon::Finish(const store::Job& job, const JobOutcome& outcome, double seconds) {
  metrics_.ObserveJobSeconds(job.kind, seconds);
  last_activity_ms_ = NowMs();
  switch (outcome.kind) {
    case JobOutcome::Kind::kProcessed:
      log_.Info("job.done", {{"job", std::to_string(job.id)}, {"file", job.name},
                             {"result", outcome.summary}});
      Archive(job);
      return;
    case JobOutcome::Kind::kDuplicate:
      log_.Info("job.duplicate", {{"job", std::to_string(job.id)}, {"file", job.name},
                                  {"result", outcome.summary}});
      Archive(job);
      return;
    case JobOutcome::Kind::kQuarantine: {
      (void)store_->FailJob(job.id, outcome.reason, 0);
      Quarantine(job, outcome.reason);
      return;
    }
    case JobOutcome::Kind::kRetry: {
      Result<bool> failed = store_->FailJob(job.id, outcome.reason, Live()->max_attempts);
      if (failed.ok() && *failed) {
        Quarantine(job, "failed " + std::to_string(Live()->max_attempts) +
                            " times; last error: " + outcome.reason);
      } else {
        log_.Warn("job.retry", {{"job", std::to_string(job.id)}, {"file", job.name},
                                {"error", outcome.reason}});
      }
      return;
    }
  }
}

// One worker thread: claims jobs of one kind until the daemon stops. Payment files wait for
// the letters that arrived before them (a halt letter first, then the payment).
void Daemon::Worker(const std::string& kind, int index) {
  std::unique_ptr<LetterReader> reader;
  if (kind == "letter") {
    reader = std::make_unique<LetterReader>(pipeline_->ReaderOptions());
    Status warm = reader->Warm();
    if (!warm.ok()) log_.Error("ocr.engine_failed", {{"error", warm.message()}});
  }
  const std::string owner = owner_ + ":" + std::to_string(index);
  while (!GlobalDaemonSignals().stop) {
    ++busy_;
    Result<std::optional<store::Job>> job = store_->ClaimJob(
        kind, owner, Live()->lease_ms, kind == "payments" ? "letter" : "");
    if (!job.ok() || !*job) {
      --busy_;
      std::this_thread::sleep_for(
          std::chrono::milliseconds(std::max(10, Live()->poll_interval_ms / 4)));
      continue;
    }
    const store::Job& j = **job;
    const auto start = std::chrono::steady_clock::now();
    log_.Info("job.started", {{"job", std::to_string(j.id)}, {"kind", kind}, {"file", j.name},
                              {"attempt", std::to_string(j.attempts)}});
    JobOutcome outcome;
    if (j.attempts > Live()->max_attempts) {
      outcome = {JobOutcome::Kind::kQuarantine,
                 "claimed " + std::to_string(j.attempts - 1) +
                     " times without finishing: the worker died each time",
                 ""};
    } else if (reader) {
      outcome = pipeline_->ProcessLetter(j, *reader);
    } else {
      outcome = pipeline_->ProcessPayments(j);
    }
    Finish(j, outcome,
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    --busy_;
  }
}

void Daemon::DeliverOutbox() {
  // Of several daemons on one store, one delivers at a time: no event is written twice by
  // two of them at once. A daemon that dies keeps the lease until it runs out (or until a
  // daemon of its host starts).
  Result<bool> lead = store_->TakeLease(kOutboxLease, owner_, kOutboxLeaseMs);
  if (!lead.ok() || !*lead) return;
  if (!Live()->outbox_file.empty()) {
    Result<std::vector<store::EventRecord>> events = store_->UndeliveredEvents("file", "");
    if (events.ok() && !events->empty()) {
      // Written and flushed first, then marked: a crash in between writes the events again
      // (at least once; the receiver drops repeats by idempotency_key).
      std::ofstream out(Live()->outbox_file, std::ios::app);
      std::vector<std::string> written;
      for (const store::EventRecord& e : *events) {
        out << e.body_json << "\n";
        written.push_back(e.event_id);
      }
      out.flush();
      if (!out) {
        log_.Error("outbox.file_failed", {{"file", Live()->outbox_file}});
      } else {
        Status marked = store_->MarkDelivered(written, "file");
        if (!marked.ok()) log_.Error("outbox.mark_failed", {{"error", marked.message()}});
        log_.Info("outbox.delivered", {{"channel", "file"}, {"events", std::to_string(written.size())},
                                       {"file", Live()->outbox_file}});
      }
    }
  }
  if (Live()->outbox_webhook.empty()) return;
  const int64_t now = NowMs();
  Result<std::vector<store::EventRecord>> events =
      store_->UndeliveredEvents("webhook", store::FormatTimeMs(now));
  if (!events.ok()) return;
  for (const store::EventRecord& e : *events) {
    std::string error;
    try {
      Poco::URI uri(Live()->outbox_webhook);
      Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
      session.setTimeout(Poco::Timespan(Live()->webhook_timeout_ms * 1000LL));
      Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST,
                                     uri.getPathAndQuery().empty() ? "/" : uri.getPathAndQuery(),
                                     Poco::Net::HTTPMessage::HTTP_1_1);
      request.setContentType("application/json");
      request.set("Idempotency-Key", e.idempotency_key);
      request.setContentLength(static_cast<std::streamsize>(e.body_json.size()));
      session.sendRequest(request) << e.body_json;
      Poco::Net::HTTPResponse response;
      std::istream& body = session.receiveResponse(response);
      std::string ignored((std::istreambuf_iterator<char>(body)), std::istreambuf_iterator<char>());
      if (response.getStatus() < 200 || response.getStatus() >= 300) {
        error = "HTTP " + std::to_string(static_cast<int>(response.getStatus()));
      }
    } catch (const Poco::Exception& ex) {
      error = ex.displayText();
    }
    if (error.empty()) {
      (void)store_->MarkDelivered({e.event_id}, "webhook");
      log_.Info("outbox.delivered", {{"channel", "webhook"}, {"event", e.event_id}});
    } else {
      const int64_t backoff = std::min<int64_t>(int64_t{500} << std::min(e.attempts, 10), 300000);
      (void)store_->MarkDeliveryFailed(e.event_id, error, store::FormatTimeMs(now + backoff));
      metrics_.Add("purr_outbox_failures_total", {});
      log_.Warn("outbox.retry", {{"event", e.event_id}, {"error", error},
                                 {"attempt", std::to_string(e.attempts + 1)}});
    }
  }
}

std::string Daemon::Health(bool* ok) {
  Status ping = store_->Ping();
  int64_t depth = 0;
  if (auto counts = store_->QueueCounts(); counts.ok()) {
    for (const store::QueueCount& c : *counts) {
      if (c.state == "pending" || c.state == "running") depth += c.count;
    }
  }
  *ok = ping.ok();
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("ok", ping.ok());
  o.set("store", ping.ok() ? std::string("reachable") : ping.message());
  o.set("queue_depth", static_cast<Poco::Int64>(depth));
  const int64_t last = last_activity_ms_;
  o.set("last_activity", last > 0 ? store::FormatTimeMs(last) : std::string());
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

std::string Daemon::MetricsText() {
  std::ostringstream extra;
  extra << "# TYPE purr_queue_depth gauge\n";
  if (auto counts = store_->QueueCounts(); counts.ok()) {
    for (const store::QueueCount& c : *counts) {
      extra << "purr_queue_depth{kind=\"" << c.kind << "\",state=\"" << c.state << "\"} "
            << c.count << "\n";
    }
  }
  extra << "# TYPE purr_follow_ups_open gauge\n";
  if (auto open = store_->FollowUps(true); open.ok()) {
    std::map<std::string, int64_t> by_rule;
    for (const store::FollowUpRecord& f : *open) ++by_rule[f.follow_up.rule_id];
    for (const auto& [rule, n] : by_rule) {
      extra << "purr_follow_ups_open{reason=\"" << rule << "\"} " << n << "\n";
    }
  }
  if (auto events = store_->Events(); events.ok()) {
    int64_t pending = 0, failed = 0;
    for (const store::EventRecord& e : *events) {
      const bool done = (Live()->outbox_file.empty() || e.delivered_file) &&
                        (Live()->outbox_webhook.empty() || e.delivered_webhook);
      if (!done) ++pending;
      if (!done && !e.last_error.empty()) ++failed;
    }
    extra << "# TYPE purr_outbox_pending gauge\npurr_outbox_pending " << pending << "\n";
    extra << "# TYPE purr_outbox_failing gauge\npurr_outbox_failing " << failed << "\n";
  }
  return metrics_.Render(extra.str());
}

void Daemon::StartHttp() {
  if (config_.http_address.empty()) return;
  web::ReviewOptions options;
  options.secure_cookie = config_.secure_cookie;
  options.session_idle_ms = int64_t{config_.session_idle_min} * 60000;
  options.session_max_ms = int64_t{config_.session_max_h} * 3600000;
  options.lockout_failures = config_.lockout_failures;
  options.lockout_ms = int64_t{config_.lockout_min} * 60000;
  options.rules = [this] { return pipeline_->DecisionRules(); };
  options.model_version = [this] { return pipeline_->ModelVersion(); };
  review_ = std::make_unique<web::ReviewApp>(*store_, std::move(options));
  auto serve = [this](const web::Request& request) -> web::Response {
    web::Response r;
    if (request.path == "/health") {
      bool ok = false;
      r.body = Health(&ok);
      r.status = ok ? 200 : 503;
      return r;
    }
    if (request.path == "/metrics") {
      r.content_type = "text/plain; version=0.0.4";
      r.body = MetricsText();
      return r;
    }
    return review_->Handle(request);
  };
  // /health and /metrics from the daemon itself; everything else from the review app.
  int port = 0;
  http_ = web::StartServer(config_.http_address, serve, 8, &port);
  log_.Info("http.listening", {{"address", config_.http_address}, {"port", std::to_string(port)}});
}

bool Daemon::Idle() {
  if (busy_ > 0) return false;
  Result<std::vector<store::QueueCount>> counts = store_->QueueCounts();
  if (!counts.ok()) return false;
  for (const store::QueueCount& c : *counts) {
    if ((c.state == "pending" || c.state == "running") && c.count > 0) return false;
  }
  return busy_ == 0;
}

void Daemon::ReloadConfig() {
  Result<Config> read = LoadConfig(config_.file);
  if (!read.ok()) {
    log_.Error("config.reload_failed", {{"error", read.status().message()},
                                        {"kept", "the config and rules in force stay"}});
    return;
  }
  Config next = *read;
  std::vector<std::string> fixed;
  auto keep = [&](std::string* now, const std::string& then, const char* key) {
    if (*now != then) fixed.push_back(key);
    *now = then;
  };
  keep(&next.db, config_.db, "purr.db");
  keep(&next.store_dir, config_.store_dir, "purr.store");
  keep(&next.inbox_letters, config_.inbox_letters, "purr.inbox.letters");
  keep(&next.inbox_payments, config_.inbox_payments, "purr.inbox.payments");
  keep(&next.work, config_.work, "purr.work");
  keep(&next.archive, config_.archive, "purr.archive");
  keep(&next.quarantine, config_.quarantine, "purr.quarantine");
  keep(&next.http_address, config_.http_address, "purr.http.address");
  if (next.workers != config_.workers) fixed.push_back("purr.workers");
  // The review app reads its settings once, when the HTTP port opens.
  if (next.secure_cookie != config_.secure_cookie ||
      next.session_idle_min != config_.session_idle_min ||
      next.session_max_h != config_.session_max_h ||
      next.lockout_failures != config_.lockout_failures || next.lockout_min != config_.lockout_min) {
    fixed.push_back("purr.web.*");
  }
  next.workers = config_.workers;
  for (const std::string& key : fixed) {
    log_.Warn("config.needs_restart", {{"key", key}, {"kept", "the value at start"}});
  }
  Status reloaded = pipeline_->Reload(next);
  if (!reloaded.ok()) {
    log_.Error("rules.reload_failed", {{"error", reloaded.message()},
                                       {"kept", "the config and rules in force stay"}});
    return;
  }
  {
    std::lock_guard<std::mutex> lock(live_mu_);
    live_ = std::make_shared<const Config>(std::move(next));
  }
  log_.Info("config.reloaded", {{"file", config_.file}, {"model", pipeline_->ModelVersion()}});
}

int Daemon::Run() {
  Status prepared = Prepare();
  if (!prepared.ok()) {
    log_.Error("daemon.start_failed", {{"error", prepared.message()}});
    return 1;
  }
  try {
    StartHttp();
  } catch (const Poco::Exception& e) {
    log_.Error("daemon.start_failed", {{"error", "http " + config_.http_address + ": " + e.displayText()}});
    return 1;
  }
  Recover();
  const int workers = config_.workers > 0 ? config_.workers
                                          : std::max(1u, std::thread::hardware_concurrency());
  log_.Info("daemon.started", {{"store", store::StoreDisplayName(config_.db)},
                               {"workers", std::to_string(workers)},
                               {"model", pipeline_->ModelVersion()},
                               {"until_idle", options_.until_idle ? "yes" : "no"}});
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i) threads.emplace_back([this, i] { Worker("letter", i); });
  threads.emplace_back([this, workers] { Worker("payments", workers); });
  DaemonSignals& signals = GlobalDaemonSignals();
  int idle_rounds = 0;
  std::string last_tick_day;
  while (!signals.stop) {
    if (signals.reload.exchange(false)) ReloadConfig();
    const int waiting = PollInbox("letter", config_.inbox_letters) +
                        PollInbox("payments", config_.inbox_payments);
    const std::string today = store::FormatTimeMs(NowMs()).substr(0, 10);
    Status ticked = pipeline_->Tick(today);
    if (!ticked.ok()) log_.Warn("tick.failed", {{"error", ticked.message()}});
    DeliverOutbox();
    if (options_.until_idle) {
      idle_rounds = waiting == 0 && Idle() ? idle_rounds + 1 : 0;
      // Two quiet rounds in a row: nothing was claimed in between.
      if (idle_rounds >= 2) break;
    }
    for (int slept = 0; slept < Live()->poll_interval_ms && !signals.stop; slept += 10) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  signals.stop = true;
  for (std::thread& t : threads) t.join();
  DeliverOutbox();
  (void)store_->ReleaseLease(kOutboxLease, owner_);
  if (http_) http_->stopAll(true);
  log_.Info("daemon.stopped");
  return 0;
}

}  // namespace

DaemonSignals& GlobalDaemonSignals() {
  static DaemonSignals signals;
  return signals;
}

int RunDaemon(const Config& config, const DaemonOptions& options) {
  InstallSignalHandlers();
  Daemon daemon(config, options);
  return daemon.Run();
}

}  // namespace purr
