#include "worker/ops.h"

#include <Poco/JSON/Object.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "extract/entities.h"
#include "store/store.h"

namespace purr {
namespace {

const char* LevelName(Log::Level level) {
  switch (level) {
    case Log::Level::kInfo: return "info";
    case Log::Level::kWarning: return "warning";
    case Log::Level::kError: return "error";
  }
  return "info";
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Quote(const std::string& v) {
  if (!v.empty() && v.find_first_of(" \"=\n\t") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out + "\"";
}

}  // namespace

Log::Log(bool json, const std::string& file) : json_(json) {
  if (file.empty()) return;
  file_ = std::make_unique<std::ofstream>(file, std::ios::app);
  if (!*file_) {
    std::cerr << "purr: cannot open the log file " << file << "; logging to stderr\n";
    file_.reset();
  }
}

void Log::Write(Level level, const std::string& event, const Fields& fields) {
  std::ostringstream line;
  const std::string ts = store::FormatTimeMs(NowMs());
  if (json_) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("ts", ts);
    o.set("level", std::string(LevelName(level)));
    o.set("event", event);
    for (const auto& [k, v] : fields) o.set(k, extract::MaskSensitive(v));
    o.stringify(line);
  } else {
    line << ts << " " << LevelName(level) << " " << event;
    for (const auto& [k, v] : fields) line << " " << k << "=" << Quote(extract::MaskSensitive(v));
  }
  std::lock_guard<std::mutex> lock(mu_);
  std::ostream& out = file_ ? static_cast<std::ostream&>(*file_) : std::cerr;
  out << line.str() << "\n";
  out.flush();
}

const std::vector<double>& JobLatencyBuckets() {
  static const std::vector<double> buckets = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};
  return buckets;
}

std::string Metrics::Key(const std::string& name,
                         const std::vector<std::pair<std::string, std::string>>& labels) {
  (void)name;
  std::string key;
  for (const auto& [k, v] : labels) {
    if (!key.empty()) key += ",";
    std::string escaped;
    for (char c : v) {
      if (c == '"' || c == '\\') escaped += '\\';
      escaped += c == '\n' ? ' ' : c;
    }
    key += k + "=\"" + escaped + "\"";
  }
  return key;
}

void Metrics::Add(const std::string& name,
                  const std::vector<std::pair<std::string, std::string>>& labels, int64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  counters_[name][Key(name, labels)] += n;
}

int64_t Metrics::Get(const std::string& name,
                     const std::vector<std::pair<std::string, std::string>>& labels) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counters_.find(name);
  if (it == counters_.end()) return 0;
  auto jt = it->second.find(Key(name, labels));
  return jt == it->second.end() ? 0 : jt->second;
}

void Metrics::ObserveJobSeconds(const std::string& kind, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  Histogram& h = job_seconds_[kind];
  const auto& bounds = JobLatencyBuckets();
  if (h.buckets.empty()) h.buckets.assign(bounds.size(), 0);
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (seconds <= bounds[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::Render(const std::string& extra) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::ostringstream out;
  for (const auto& [name, series] : counters_) {
    out << "# TYPE " << name << " counter\n";
    for (const auto& [labels, n] : series) {
      out << name;
      if (!labels.empty()) out << "{" << labels << "}";
      out << " " << n << "\n";
    }
  }
  out << "# TYPE purr_job_seconds histogram\n";
  for (const auto& [kind, h] : job_seconds_) {
    const auto& bounds = JobLatencyBuckets();
    for (size_t i = 0; i < bounds.size(); ++i) {
      out << "purr_job_seconds_bucket{kind=\"" << kind << "\",le=\"" << bounds[i] << "\"} "
          << h.buckets[i] << "\n";
    }
    out << "purr_job_seconds_bucket{kind=\"" << kind << "\",le=\"+Inf\"} " << h.count << "\n";
    out << "purr_job_seconds_sum{kind=\"" << kind << "\"} " << h.sum << "\n";
    out << "purr_job_seconds_count{kind=\"" << kind << "\"} " << h.count << "\n";
  }
  out << extra;
  return out.str();
}

std::string HostName() {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  return host;
}

bool EndedOnHost(const std::string& owner, const std::string& host) {
  const size_t first = owner.find(':');
  if (first == std::string::npos || owner.substr(0, first) != host) return false;
  const size_t second = owner.find(':', first + 1);
  const pid_t pid = static_cast<pid_t>(std::atoll(
      owner.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1)
          .c_str()));
  return !(pid > 0 && pid != getpid() && ::kill(pid, 0) == 0);
}

}  // namespace purr
