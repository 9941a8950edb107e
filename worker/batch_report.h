// What `purr batch` writes beside the per-document JSON files: summary.csv (a row per
// document), changes.csv (the decisions this run changed) and report.html (one page with
// inline SVG charts and no external assets).
//
// Pure functions from the run's records to text: no files, clock or threads. Every text
// that came from a document (paths, reasons, errors) is escaped for its format (RFC 4180
// quoting for CSV, HTML escaping for the report); the report never carries page text.
// Callers mask personal identity and account numbers before a reason reaches a record.
#ifndef PURR_WORKER_BATCH_REPORT_H_
#define PURR_WORKER_BATCH_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace purr::batch {

// One document of the archive, as the batch state holds it after the run.
struct DocumentRow {
  std::string path;       // "scans/2019/a.tif", or "vendor.zip!/box 1/b.pdf" for a zip entry
  std::string sha256;     // 64 hex digits; empty when the document could not be read
  int pages = 0;
  std::string language;   // "nb", "sv", "da", "en", "unknown"; empty when not classified
  std::vector<std::string> classes;  // class names, most confident first
  std::string legal;      // "none", "halt", "statutory_deadline"; empty when not classified
  bool needs_human = false;
  std::vector<std::string> needs_human_reasons;  // masked
  double mean_confidence = -1;  // mean of the OCR'd pages' confidences 0-100; -1: none OCR'd
  std::string status;     // "done", "failed", "duplicate", "skipped"
  std::string error;      // why failed / skipped; empty otherwise
  std::string duplicate_of;  // status "duplicate": the path first seen with the same content
  std::string case_id;    // the linked case (with --db); empty otherwise
  std::string json_path;  // the document's JSON file, relative to the output folder
};

// One decision a rule or model change (or new content) changed: the previous run's
// values beside this run's.
struct ChangeRow {
  std::string path;
  std::vector<std::string> old_classes, new_classes;
  std::string old_legal, new_legal;
  bool old_needs_human = false, new_needs_human = false;
  std::string old_case, new_case;
  std::string cause;  // "rules", "model", "rules+model", "content"
};

// A page among the least confident ones.
struct LowPage {
  std::string path;
  int page = 0;  // 1-based
  double confidence = 0;
};

// Throughput over time: pages finished by a moment of the run.
struct ProgressSample {
  double seconds = 0;  // since the run started
  int64_t pages_done = 0;
};

struct RunInfo {
  std::string started_at;      // ISO 8601 UTC
  std::string finished_at;     // ISO 8601 UTC; empty when interrupted
  bool interrupted = false;
  std::vector<std::string> sources;  // SRC arguments as given
  std::string rules_version;
  std::string model_version;   // empty: rules alone
  std::string previous_rules_version, previous_model_version;  // of the run before; may be empty
  int jobs = 0;
  double seconds = 0;          // wall time of this run
  double cpu_seconds = 0;      // user + system CPU of the process in this run
  int64_t pages_ocr = 0;       // pages recognised in this run (not reused from the state)
  int64_t documents_reclassified = 0;  // from stored text, without OCR
  std::vector<ProgressSample> progress;
};

// summary.csv: the header
//   path,sha256,pages,language,classes,legal_category,needs_human,mean_confidence,status,error,duplicate_of,case,json
// then one row per document in `rows`' order. classes are joined with ';'; needs_human is
// "true"/"false"; mean_confidence has one decimal or is empty when no page was OCR'd.
// Lines end with "\r\n" (RFC 4180). The same rows give the same bytes.
std::string SummaryCsv(const std::vector<DocumentRow>& rows);

// changes.csv: the header
//   path,cause,old_classes,new_classes,old_legal_category,new_legal_category,old_needs_human,new_needs_human,old_case,new_case
// then one row per change in `changes`' order; the same conventions as SummaryCsv.
std::string ChangesCsv(const std::vector<ChangeRow>& changes);

// report.html: the run (sources, versions, when, time, pages per second, CPU seconds per
// page), counts per status, class, legal category and language as horizontal bar charts
// (inline SVG), throughput over time (an SVG line of pages done against seconds), the
// `low_pages` table, the documents that need a human (halt letters first, then statutory
// deadlines, then the rest; each with its reasons), every failed document with its reason,
// the duplicates, and `changes` old beside new. Self-contained: no script, no external
// stylesheet, font or image; a Content-Security-Policy meta tag forbids loading any.
std::string ReportHtml(const RunInfo& run, const std::vector<DocumentRow>& rows,
                       const std::vector<ChangeRow>& changes,
                       const std::vector<LowPage>& low_pages);

}  // namespace purr::batch

#endif  // PURR_WORKER_BATCH_REPORT_H_
