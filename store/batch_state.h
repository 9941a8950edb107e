// The state of `purr batch`: the runs, every document seen with its last decision, every
// page recognised, what each run changed, and who is working on which document.
//
// It lives in DIR/batch.sqlite, or with a PostgreSQL store (`--db postgresql://...`) in
// that database, where the hosts running one batch share it: each takes documents by a
// claim (a lease it renews while it works), so a document is read by one host, a host
// that dies has its documents taken over when its leases run out, and whoever finishes
// the run last writes the summary. Batches in one database are told apart by a name (the
// output folder as given).
//
// Pages are committed one by one as they are recognised, so a run killed at any moment
// loses only the pages in flight. Every call is one transaction (or one read) and is safe
// from several threads (a mutex serialises them); a lost connection is made again and a
// lock conflict retried. Errors: Open fails for an unusable folder, an unreachable
// database, or a file that is not a batch state; a failed write returns its Status and
// writes nothing.
#ifndef PURR_STORE_BATCH_STATE_H_
#define PURR_STORE_BATCH_STATE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace purr::store {

struct BatchRunRecord {
  int64_t id = 0;
  std::string sources;        // the SRC arguments, one per line
  std::string started_at;     // ISO 8601 UTC
  std::string finished_at;    // empty while running or when interrupted
  std::string rules_version;
  std::string model_version;
  int64_t pages_ocr = 0;      // pages recognised in this run (all its sittings)
  int64_t reclassified = 0;   // documents classified again from stored text
};

struct BatchDocumentRecord {
  std::string path;           // "scans/a.tif", "vendor.zip!/box 1/b.pdf"
  int64_t size = 0;           // bytes
  int64_t mtime = 0;          // seconds since the epoch
  std::string sha256;
  int pages = 0;
  std::string status;         // "done", "failed", "duplicate", "skipped"
  std::string error;
  std::string duplicate_of;
  std::string language;
  std::vector<std::string> classes;
  std::string legal;
  bool needs_human = false;
  std::vector<std::string> needs_human_reasons;
  double mean_confidence = -1;
  std::string case_id;
  std::string json_path;
  std::string rules_version;
  std::string model_version;
  int64_t run = 0;            // the run that wrote this row
};

struct BatchPageRecord {
  int page = 0;               // 1-based
  std::string text;
  double confidence = -1;     // 0-100; -1 when the page failed
  std::string source;         // "ocr" or "text_layer"
  std::string language;       // the models that read it
  int rotation = 0;
  std::string error;          // why the page failed; empty when it did not
  int64_t run = 0;            // the run that recognised it
};

struct BatchChangeRecord {
  std::string path;
  std::string cause;          // "content", "rules", "model", "rules+model", "ocr"
  std::vector<std::string> old_classes, new_classes;
  std::string old_legal, new_legal;
  bool old_needs_human = false, new_needs_human = false;
  std::string old_case, new_case;
};

struct BatchLowPage {
  std::string path;
  int page = 0;
  double confidence = 0;
};

// What ChooseRun decided.
struct BatchRunChoice {
  std::optional<BatchRunRecord> last;  // the newest run before this call, if any
  int64_t run = 0;                     // the run to work on
  bool continuing = false;             // it is `last`, continued (or joined)
};

class BatchState {
 public:
  // Opens or creates the state at `location`: a SQLite file (its folder must exist), or a
  // PostgreSQL URL (store::IsStoreUrl), where the tables are made when missing. `batch`
  // names this batch among the others a database holds.
  static Result<std::unique_ptr<BatchState>> Open(const std::string& location,
                                                  const std::string& batch);
  virtual ~BatchState() = default;

  // In one transaction, so hosts starting together agree: when the newest run of this
  // batch is unfinished and has `wanted.sources`, continues it; otherwise, with
  // `must_continue`, fails NotFound (its message says why: "the last run finished") and
  // writes nothing, else begins `wanted`.
  virtual Result<BatchRunChoice> ChooseRun(const BatchRunRecord& wanted,
                                           bool must_continue) = 0;
  // Adds to the run's counters; with a non-empty `finished_at` the run is finished. True
  // when this call finished it (it was not finished before).
  virtual Result<bool> UpdateRun(int64_t id, int64_t pages_ocr, int64_t reclassified,
                                 const std::string& finished_at) = 0;

  // Claims. `owner` names one sitting of one host ("host:pid:start"). A claim lasts until
  // `lease_ms` after it was taken or last renewed.
  // Takes document `path` in run `run`: true when it is free, its claim ran out, or it is
  // `owner`'s already; false when another owner holds it or it was finished in the run.
  // `taken_over`, when given, is set when the claim was another owner's and ran out.
  virtual Result<bool> ClaimDocument(int64_t run, const std::string& path,
                                     const std::string& owner, int lease_ms,
                                     bool* taken_over = nullptr) = 0;
  // Renews every unfinished claim of `owner`.
  virtual Status RenewClaims(const std::string& owner, int lease_ms) = 0;
  // The owners holding unfinished claims.
  virtual Result<std::vector<std::string>> ClaimOwners() = 0;
  // Ends `owner`'s unfinished claims now (it is known to be dead).
  virtual Status ExpireClaims(const std::string& owner) = 0;
  // Takes page `page` of content `sha256` in run `run`, as ClaimDocument takes a document,
  // except that it is false when `owner` holds it already: a page is recognised once, also
  // within one sitting. Hosts with nothing left to claim help with the pages of another's
  // large document.
  virtual Result<bool> ClaimPage(int64_t run, const std::string& sha256, int page,
                                 const std::string& owner, int lease_ms) = 0;
  // The path whose document reads content `sha256` in run `run`: the first path to ask,
  // which is `path` itself when no other did. What `path` held before (its file changed
  // between sittings) is let go.
  virtual Result<std::string> ClaimContent(int64_t run, const std::string& sha256,
                                           const std::string& path) = 0;

  virtual Result<std::optional<BatchDocumentRecord>> Document(const std::string& path) = 0;
  // A path other than `path` whose document has this content and was processed (done or
  // failed) or is being processed in run `run`; the first such path by name.
  virtual Result<std::optional<std::string>> HolderOf(const std::string& sha256,
                                                      const std::string& path,
                                                      int64_t run) = 0;
  virtual Status PutDocument(const BatchDocumentRecord& doc) = 0;
  // Stores the document's decision and ends its claim in run `doc.run` (nobody claims it
  // again there), in one transaction: a sitting killed between the two would leave a
  // decided document claimed, and the host taking the claim over would count it as taken
  // over without reading it.
  virtual Status FinishDocument(const BatchDocumentRecord& doc) = 0;

  // The stored pages of a content, in page order.
  virtual Result<std::vector<BatchPageRecord>> Pages(const std::string& sha256) = 0;
  // One stored page of a content.
  virtual Result<std::optional<BatchPageRecord>> Page(const std::string& sha256, int page) = 0;
  // Stores a page, and ends its claim in run `page.run` (nobody claims it again there).
  virtual Status PutPage(const std::string& sha256, const BatchPageRecord& page) = 0;

  virtual Status AddChange(int64_t run, const BatchChangeRecord& change) = 0;
  // The run's changes by path; a path changed twice in one run (resumed) keeps the last.
  virtual Result<std::vector<BatchChangeRecord>> Changes(int64_t run) = 0;
  // The `limit` least confident recognised pages among documents `paths` name, lowest first.
  virtual Result<std::vector<BatchLowPage>> LowestPages(const std::vector<std::string>& paths,
                                                        int limit) = 0;
};

}  // namespace purr::store

#endif  // PURR_STORE_BATCH_STATE_H_
