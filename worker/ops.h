// The daemon's structured log and its metrics.
//
// Log lines never carry an unmasked identity or account number: callers log file names,
// job ids, payment ids (hashes), case and invoice numbers, and pass anything from a
// letter or a bank file through extract::MaskSensitive first (Log does it again for the
// message text, as a last line of defence).
//
// Thread safety: Log and Metrics may be used from any thread.
#ifndef PURR_WORKER_OPS_H_
#define PURR_WORKER_OPS_H_

#include <cstdint>
#include <fstream>
#include <memory>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace purr {

class Log {
 public:
  enum class Level { kInfo, kWarning, kError };
  using Fields = std::vector<std::pair<std::string, std::string>>;

  // json: one JSON object per line; otherwise "TIME LEVEL EVENT key=value ...". Lines go to
  // stderr, or appended to `file` when it is not empty (and can be opened).
  explicit Log(bool json, const std::string& file = "");
  void Write(Level level, const std::string& event, const Fields& fields = {});
  void Info(const std::string& event, const Fields& fields = {}) {
    Write(Level::kInfo, event, fields);
  }
  void Warn(const std::string& event, const Fields& fields = {}) {
    Write(Level::kWarning, event, fields);
  }
  void Error(const std::string& event, const Fields& fields = {}) {
    Write(Level::kError, event, fields);
  }

 private:
  const bool json_;
  std::mutex mu_;  // one line at a time
  std::unique_ptr<std::ofstream> file_;  // null: stderr
};

// Counters and one latency histogram, rendered in the Prometheus text format. Gauges that
// live in the store (queue depth, open follow-ups, outbox) are added by the caller at
// scrape time through `extra`.
class Metrics {
 public:
  // name: "purr_files_seen_total"; labels: {"inbox", "letters"} pairs.
  void Add(const std::string& name, const std::vector<std::pair<std::string, std::string>>& labels,
           int64_t n = 1);
  void ObserveJobSeconds(const std::string& kind, double seconds);
  std::string Render(const std::string& extra) const;
  int64_t Get(const std::string& name,
              const std::vector<std::pair<std::string, std::string>>& labels) const;

 private:
  static std::string Key(const std::string& name,
                         const std::vector<std::pair<std::string, std::string>>& labels);
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, int64_t>> counters_;  // name -> labels -> n
  struct Histogram {
    std::vector<int64_t> buckets;
    int64_t count = 0;
    double sum = 0;
  };
  std::map<std::string, Histogram> job_seconds_;  // by kind
};

// The upper bounds of the job latency histogram, in seconds.
const std::vector<double>& JobLatencyBuckets();

// This host's name, as owners of leases and claims begin ("host:pid[:...]").
std::string HostName();
// Whether `owner` ("host:pid[:...]") names a process of host `host` that has ended (not
// this process). A process of another host is left to its lease: false.
bool EndedOnHost(const std::string& owner, const std::string& host);

}  // namespace purr

#endif  // PURR_WORKER_OPS_H_
