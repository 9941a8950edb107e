#include "worker/config.h"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "store/store.h"

namespace purr {
namespace {

namespace fs = std::filesystem;

const std::set<std::string>& KnownKeys() {
  static const std::set<std::string> keys = {
      "purr.db", "purr.store", "purr.inbox.letters", "purr.inbox.payments", "purr.work",
      "purr.archive", "purr.quarantine", "purr.rules", "purr.model", "purr.workers",
      "purr.poll_interval_ms", "purr.job.lease_ms", "purr.job.max_attempts",
      "purr.http.address", "purr.outbox.webhook", "purr.outbox.file",
      "purr.outbox.webhook_timeout_ms", "purr.jurisdiction", "purr.limits.letter_mb",
      "purr.limits.payment_mb", "purr.ocr.page_deadline_s", "purr.ocr.page_image_width",
      "purr.web.secure_cookie", "purr.web.session_idle_min", "purr.web.session_max_h",
      "purr.web.lockout_failures", "purr.web.lockout_min"};
  return keys;
}

// A property file whose keys can be listed as written (Poco 1.11 keeps its iterators
// protected).
class PropertyFile : public Poco::Util::PropertyFileConfiguration {
 public:
  explicit PropertyFile(std::istream& in) : PropertyFileConfiguration(in) {}
  using PropertyFileConfiguration::begin;
  using PropertyFileConfiguration::end;

 protected:
  ~PropertyFile() override = default;
};

}  // namespace

Result<Config> LoadConfig(const std::string& path) {
  std::error_code ec;
  fs::path file = fs::absolute(path, ec);
  if (ec || !fs::is_regular_file(file, ec)) {
    return Status::NotFound(path + ": no such config file");
  }
  const auto size = fs::file_size(file, ec);
  if (ec) return Status::IoError(path + ": cannot read: " + ec.message());
  if (size > kMaxConfigBytes) {
    return Status::LimitExceeded(path + ": " + std::to_string(size) +
                                 " bytes is too big for a config file (the limit is " +
                                 std::to_string(kMaxConfigBytes) + ")");
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return Status::IoError(path + ": cannot read");
  return ParseConfig(text.str(), path, file.string());
}

Result<Config> ParseConfig(const std::string& text, const std::string& path,
                           const std::string& file) {
  if (text.size() > kMaxConfigBytes) {
    return Status::LimitExceeded(path + ": too big for a config file");
  }
  Poco::AutoPtr<PropertyFile> conf;
  try {
    std::istringstream in(text);
    conf = new PropertyFile(in);
  } catch (const Poco::Exception& e) {
    return Status::InvalidInput(path + ": " + e.displayText());
  }
  // Every key as written (not Poco's tree of key parts: an empty part, "a..b" or ": x",
  // would hide a key from the check or name its own parent forever).
  for (const auto& [k, value] : *conf) {
    if (k.rfind("purr.", 0) == 0 && KnownKeys().count(k) == 0) {
      return Status::InvalidInput(path + ": unknown key '" + k + "' (see the annotated purr.conf)");
    }
  }
  const fs::path base = fs::path(file).parent_path();
  auto path_of = [&](const std::string& key, const std::string& fallback) {
    std::string v = conf->getString(key, fallback);
    if (v.empty()) return v;
    fs::path p(v);
    return (p.is_absolute() ? p : base / p).lexically_normal().string();
  };
  Config c;
  c.file = file;
  try {
    auto number = [&](const std::string& key, int64_t fallback, int64_t low, int64_t high) {
      const std::string value = conf->getString(key, "");
      if (value.empty()) return fallback;
      size_t used = 0;
      int64_t v = 0;
      try {
        v = std::stoll(value, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != value.size() || v < low || v > high) {
        throw Poco::InvalidArgumentException(key + " must be a whole number from " +
                                             std::to_string(low) + " to " +
                                             std::to_string(high) + ", not '" + value + "'");
      }
      return v;
    };
    // A PostgreSQL URL is kept as written; a file path is relative to the config's folder.
    const std::string db = conf->getString("purr.db", "purr.sqlite");
    c.db = store::IsStoreUrl(db) ? db : path_of("purr.db", "purr.sqlite");
    c.store_dir = path_of("purr.store", "store");
    c.inbox_letters = path_of("purr.inbox.letters", "inbox/letters");
    c.inbox_payments = path_of("purr.inbox.payments", "inbox/payments");
    c.work = path_of("purr.work", "work");
    c.archive = path_of("purr.archive", "archive");
    c.quarantine = path_of("purr.quarantine", "quarantine");
    c.rules = path_of("purr.rules", "");
    const std::string model = conf->getString("purr.model", "");
    c.model = model == "none" ? model : path_of("purr.model", "");
    c.workers = static_cast<int>(number("purr.workers", 0, 0, 256));
    c.poll_interval_ms = static_cast<int>(number("purr.poll_interval_ms", 1000, 10, 3600000));
    c.lease_ms = static_cast<int>(number("purr.job.lease_ms", 120000, 1000, 86400000));
    c.max_attempts = static_cast<int>(number("purr.job.max_attempts", 3, 1, 100));
    c.http_address = conf->getString("purr.http.address", "");
    c.outbox_webhook = conf->getString("purr.outbox.webhook", "");
    c.outbox_file = path_of("purr.outbox.file", "");
    c.webhook_timeout_ms =
        static_cast<int>(number("purr.outbox.webhook_timeout_ms", 5000, 100, 600000));
    c.jurisdiction = conf->getString("purr.jurisdiction", "");
    c.max_letter_bytes = number("purr.limits.letter_mb", 64, 1, 4096) << 20;
    c.max_payment_bytes = number("purr.limits.payment_mb", 1024, 1, 65536) << 20;
    c.page_deadline_s = static_cast<int>(number("purr.ocr.page_deadline_s", 60, 1, 3600));
    c.page_image_width = static_cast<int>(number("purr.ocr.page_image_width", 1240, 0, 10000));
    c.secure_cookie = conf->getBool("purr.web.secure_cookie", false);
    c.session_idle_min = static_cast<int>(number("purr.web.session_idle_min", 30, 1, 1440));
    c.session_max_h = static_cast<int>(number("purr.web.session_max_h", 12, 1, 720));
    c.lockout_failures = static_cast<int>(number("purr.web.lockout_failures", 5, 1, 1000));
    c.lockout_min = static_cast<int>(number("purr.web.lockout_min", 15, 1, 1440));
  } catch (const Poco::Exception& e) {
    return Status::InvalidInput(path + ": " + e.message());
  }
  if (!c.jurisdiction.empty() && c.jurisdiction != "NO" && c.jurisdiction != "SE" &&
      c.jurisdiction != "DK") {
    return Status::InvalidInput(path + ": purr.jurisdiction must be NO, SE, DK or empty");
  }
  return c;
}

Result<Config> ConfigFromOptions(const std::string& config_file, const std::string& db_path) {
  if (!config_file.empty() && !db_path.empty()) {
    return Status::InvalidInput("give --config FILE or --db PATH, not both");
  }
  if (!config_file.empty()) return LoadConfig(config_file);
  if (db_path.empty()) return Status::InvalidInput("--config FILE or --db PATH is required");
  Config c;
  c.db = db_path;
  return c;
}

}  // namespace purr
