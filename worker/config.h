// purr.conf: the daemon's configuration (a Poco properties file), and how every command that
// takes `--config FILE` or `--db PATH` finds the store.
//
// Relative paths are resolved against the folder of the config file, so a config and its
// folders can be moved together. Every key is documented in the annotated purr.conf at the
// repository root.
#ifndef PURR_WORKER_CONFIG_H_
#define PURR_WORKER_CONFIG_H_

#include <cstdint>
#include <string>

#include "common/status.h"

namespace purr {

struct Config {
  std::string file;            // the config file itself (absolute), empty for --db only
  std::string db;              // purr.db
  std::string store_dir;       // purr.store: originals by content hash
  std::string inbox_letters;   // purr.inbox.letters
  std::string inbox_payments;  // purr.inbox.payments
  std::string work;            // purr.work
  std::string archive;         // purr.archive
  std::string quarantine;      // purr.quarantine
  std::string rules;           // purr.rules: classification rules; decisions/ below it
  std::string model;           // purr.model: "" = bundled model, "none" = rules only
  int workers = 0;             // purr.workers: 0 = one per core
  int poll_interval_ms = 1000; // purr.poll_interval_ms
  int lease_ms = 120000;       // purr.job.lease_ms
  int max_attempts = 3;        // purr.job.max_attempts
  std::string http_address;    // purr.http.address; empty = no HTTP port
  std::string outbox_webhook;  // purr.outbox.webhook; empty = off
  std::string outbox_file;     // purr.outbox.file; empty = off
  int webhook_timeout_ms = 5000;   // purr.outbox.webhook_timeout_ms
  std::string jurisdiction;    // purr.jurisdiction: NO, SE, DK or empty (from the letter)
  int64_t max_letter_bytes = 64 << 20;    // purr.limits.letter_mb
  int64_t max_payment_bytes = int64_t{1} << 30;  // purr.limits.payment_mb
  int page_deadline_s = 60;    // purr.ocr.page_deadline_s
  int page_image_width = 1240; // purr.ocr.page_image_width; 0 = keep no page images
  bool secure_cookie = false;  // purr.web.secure_cookie: set when served behind TLS
  int session_idle_min = 30;   // purr.web.session_idle_min
  int session_max_h = 12;      // purr.web.session_max_h
  int lockout_failures = 5;    // purr.web.lockout_failures
  int lockout_min = 15;        // purr.web.lockout_min
};

// Reads a config file. Errors name the file and the key: an unreadable file, a number that
// is not one, a value out of range, an unknown purr.* key (a typo must not be ignored).
Result<Config> LoadConfig(const std::string& path);

// A config file is refused above this size.
inline constexpr uintmax_t kMaxConfigBytes = 1 << 20;

// The same from the text of a config file: `path` names it in errors, `file` (absolute) is
// the file relative paths are resolved against. LoadConfig reads the file and calls this.
Result<Config> ParseConfig(const std::string& text, const std::string& path,
                           const std::string& file);

// What `--config FILE` / `--db PATH` give a store command: the config's purr.db, or the path.
// Exactly one of them must be set; the error says which option is missing.
Result<Config> ConfigFromOptions(const std::string& config_file, const std::string& db_path);

}  // namespace purr

#endif  // PURR_WORKER_CONFIG_H_
