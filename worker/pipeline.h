// What the daemon does with one claimed file: a letter read, classified, linked to its case
// and decided; a payment file parsed, matched and applied. Each job's results, its decisions
// and the job's end are written in one store transaction, so a job is recorded entirely or
// not at all, whatever is killed when.
//
// Thread safety: ProcessLetter may run on many threads at once, each with its own
// LetterReader (one OCR engine per thread). ProcessPayments and Tick must be called from
// one thread at a time (they share the matcher cache). Reload may run on any thread; a
// job in flight finishes with the rules it started with.
#ifndef PURR_WORKER_PIPELINE_H_
#define PURR_WORKER_PIPELINE_H_

#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"
#include "cases/engine.h"
#include "store/store.h"
#include "worker/config.h"
#include "worker/letter_input.h"
#include "worker/ops.h"

namespace purr {

struct JobOutcome {
  enum class Kind {
    kProcessed,   // recorded
    kDuplicate,   // the same content was recorded before: archived, nothing applied
    kRetry,       // a passing failure (the store was busy): try again later
    kQuarantine,  // the input itself is bad: quarantine with `reason`
  };
  Kind kind = Kind::kProcessed;
  std::string reason;
  std::string summary;  // one line for the log
};

class Pipeline {
 public:
  Pipeline(store::Store& store, const Config& config, Log& log, Metrics& metrics);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Takes `config` (rules and model paths, limits, jurisdiction) and loads the
  // classification rules, the model and the decision rules (rules/decisions/decisions.yaml).
  // On failure the config and rules in force stay (none at first: the daemon then refuses
  // to start). REQUIRES: folders and store as in the config given to the constructor.
  Status Reload(const Config& config);

  LetterReaderOptions ReaderOptions() const;
  JobOutcome ProcessLetter(const store::Job& job, LetterReader& reader);
  JobOutcome ProcessPayments(const store::Job& job);

  // A letter read and classified elsewhere (purr batch): linked to its case, decided and
  // recorded as an inbox letter is, in one transaction, audited as `actor`. `record` holds
  // what was read and classified (sha256, file, source, received, kind, pages, classes,
  // legal category, versions); `text` is its text. Content already in the store (the same
  // SHA-256, from the inbox or an earlier batch) is not recorded again: its letter and case
  // are returned as they stand, so re-running a batch adds no letter, hold or follow-up.
  struct RecordedLetter {
    int64_t letter_id = 0;
    std::string case_id;  // empty: linked to no case
    std::string status;
    bool recorded_before = false;
    int follow_ups = 0, holds = 0;  // added now
  };
  Result<RecordedLetter> RecordLetter(store::LetterRecord record, const std::string& text,
                                      const std::string& actor);
  // The clock's work: proof-of-payment letters whose grace ran out become follow-ups.
  Status Tick(const std::string& today);

  // The decision rules and the classifier model's version in force (after Reload), for the
  // clerks' actions; null before the first successful Reload.
  std::shared_ptr<const cases::DecisionRules> DecisionRules() const;
  std::string ModelVersion() const;

 private:
  struct Rules;
  struct LedgerCache;
  std::shared_ptr<const Rules> CurrentRules() const;
  std::shared_ptr<const Config> CurrentConfig() const;
  std::shared_ptr<const LedgerCache> CurrentLinks(store::Txn& txn);
  // Links the letter by the ledger's identifiers and names in `text`, decides, inserts it
  // with its holds and follow-ups, and audits; `letter` gets its id, case and status.
  cases::LetterDecision DecideAndInsert(store::Txn& txn, const Rules& rules,
                                        const std::string& actor, const std::string& text,
                                        store::LetterRecord* letter);

  store::Store& store_;
  Log& log_;
  Metrics& metrics_;
  mutable std::mutex mu_;
  std::shared_ptr<const Rules> rules_;         // guarded by mu_
  std::shared_ptr<const Config> config_;       // guarded by mu_
  std::shared_ptr<const LedgerCache> links_;   // guarded by mu_
  struct MatchCache;
  std::unique_ptr<MatchCache> match_;          // ProcessPayments' thread only
};

// The SHA-256 of bytes, 64 lower-case hex digits.
std::string Sha256Hex(const std::string& bytes);

}  // namespace purr

#endif  // PURR_WORKER_PIPELINE_H_
