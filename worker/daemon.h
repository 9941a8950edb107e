// The daemon behind `purr run`: inboxes polled, files claimed exactly once into the work
// folder, jobs run by worker threads through the Pipeline, files archived or quarantined,
// the outbox delivered, /health and /metrics served.
//
// Exactly once, whatever is killed when: a file is claimed by an atomic rename into the
// work folder and then recorded as a job; at start-up every file in the work folder that no
// job names is recorded, every finished job whose file is still there is archived, and
// every job a dead process held is released (its attempt counted). A job's results and its
// end are one store transaction, and a content hash already recorded is archived as a
// duplicate, so a job run twice up to the commit is recorded once.
#ifndef PURR_WORKER_DAEMON_H_
#define PURR_WORKER_DAEMON_H_

#include <atomic>
#include <string>

#include "worker/config.h"

namespace purr {

struct DaemonOptions {
  bool until_idle = false;  // process what is there, deliver the outbox once, exit
  bool json_log = false;
  std::string log_file;     // empty: stderr
};

// Set by the signal handlers (SIGTERM/SIGINT: stop; SIGHUP: reload).
struct DaemonSignals {
  std::atomic<bool> stop{false};
  std::atomic<bool> reload{false};
};
DaemonSignals& GlobalDaemonSignals();

// Runs until idle (with until_idle) or until a stop signal. Returns the process exit code:
// 0 after a clean stop, 1 when the daemon could not start (store, rules, folders, port).
int RunDaemon(const Config& config, const DaemonOptions& options);

}  // namespace purr

#endif  // PURR_WORKER_DAEMON_H_
