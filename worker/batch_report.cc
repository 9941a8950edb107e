#include "worker/batch_report.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <string_view>
#include <utility>

#include "web/pages.h"

namespace purr::batch {
namespace {

// ---- Text helpers ----------------------------------------------------------------------

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

// std::to_chars, not printf or iostreams: the decimal point must not follow LC_NUMERIC
// (a Swedish or Danish locale would write "87,3" and break both the CSV and the diffs).
std::string Fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "n/a";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value,
                                 std::chars_format::fixed, decimals);
  if (ec != std::errc()) return "n/a";
  return std::string(buffer, end);
}

std::string Ratio(double numerator, double denominator, int decimals) {
  if (!(denominator > 0)) return "n/a";
  return Fixed(numerator / denominator, decimals);
}

const char* TrueFalse(bool value) { return value ? "true" : "false"; }

// ---- CSV -------------------------------------------------------------------------------

// Values are written exactly as recorded, even those beginning with = + - @ or a tab:
// archive teams diff these files against earlier runs, and an apostrophe prefix against
// formula injection would make the file disagree with the JSON and the state. Whoever
// opens them in a spreadsheet must import the columns as text and never evaluate them.
std::string CsvField(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvLine(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += CsvField(fields[i]);
  }
  return out + "\r\n";
}

// Empty also for NaN, which a mean of no pages could otherwise print as "nan".
std::string CsvConfidence(double confidence) {
  return confidence >= 0 ? Fixed(confidence, 1) : std::string();
}

std::vector<std::string> SummaryFields(const DocumentRow& row) {
  return {row.path,
          row.sha256,
          std::to_string(row.pages),
          row.language,
          Join(row.classes, ";"),
          row.legal,
          TrueFalse(row.needs_human),
          CsvConfidence(row.mean_confidence),
          row.status,
          row.error,
          row.duplicate_of,
          row.case_id,
          row.json_path};
}

std::vector<std::string> ChangeFields(const ChangeRow& change) {
  return {change.path,
          change.cause,
          Join(change.old_classes, ";"),
          Join(change.new_classes, ";"),
          change.old_legal,
          change.new_legal,
          TrueFalse(change.old_needs_human),
          TrueFalse(change.new_needs_human),
          change.old_case,
          change.new_case};
}

// ---- HTML building blocks --------------------------------------------------------------

// Also the quotes (web::Escape does them): escaped text goes into attributes (aria-label,
// title) as well.
std::string Escape(std::string_view text) { return web::Escape(std::string(text)); }

std::string Td(std::string_view text, bool changed = false) {
  return (changed ? "<td class=\"changed\">" : "<td>") + Escape(text) + "</td>";
}

// Paths may be one long word; only they are broken anywhere, so values stay whole.
std::string PathTd(std::string_view path) {
  return "<td class=\"path\">" + Escape(path) + "</td>";
}

std::string HeadRow(const std::vector<std::string_view>& names) {
  std::string out = "<tr>";
  for (std::string_view name : names) out += "<th>" + Escape(name) + "</th>";
  return out + "</tr>";
}

std::string None(std::string_view what = "none") {
  return "<p class=\"none\">" + Escape(what) + "</p>";
}

// `head` and `rows` are HTML already.
std::string Table(const std::string& head, const std::vector<std::string>& rows) {
  if (rows.empty()) return None();
  std::string out = "<table><thead>" + head + "</thead><tbody>";
  for (const std::string& row : rows) out += "<tr>" + row + "</tr>";
  return out + "</tbody></table>";
}

std::string Section(std::string_view title, const std::string& body) {
  return "<section><h2>" + Escape(title) + "</h2>" + body + "</section>\n";
}

// ---- Counts and bar charts -------------------------------------------------------------

using Counts = std::vector<std::pair<std::string, int64_t>>;

// A done document without a value still counts, so the bars add up to the done documents.
constexpr std::string_view kUnclassified = "(unclassified)";

// Most frequent first, ties by name: the same rows always draw the same chart.
Counts SortedCounts(const std::map<std::string, int64_t>& tally) {
  Counts counts(tally.begin(), tally.end());
  std::stable_sort(counts.begin(), counts.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return counts;
}

void Tally(std::map<std::string, int64_t>& tally, const std::string& value) {
  ++tally[value.empty() ? std::string(kUnclassified) : value];
}

// The four known statuses always show, zero or not, in pipeline order; others after.
Counts StatusCounts(const std::vector<DocumentRow>& rows) {
  static const std::vector<std::string> kOrder = {"done", "failed", "duplicate", "skipped"};
  std::map<std::string, int64_t> tally;
  for (const DocumentRow& row : rows) Tally(tally, row.status);
  Counts counts;
  for (const std::string& status : kOrder) {
    counts.emplace_back(status, tally[status]);
    tally.erase(status);
  }
  for (const auto& rest : tally) counts.push_back(rest);
  return counts;
}

// Only done documents: failed and skipped ones were never classified, and a duplicate
// would count its content twice.
Counts DoneCounts(const std::vector<DocumentRow>& rows, const std::string DocumentRow::*field) {
  std::map<std::string, int64_t> tally;
  for (const DocumentRow& row : rows) {
    if (row.status == "done") Tally(tally, row.*field);
  }
  return SortedCounts(tally);
}

// A document with several classes counts once in each of them.
Counts ClassCounts(const std::vector<DocumentRow>& rows) {
  std::map<std::string, int64_t> tally;
  for (const DocumentRow& row : rows) {
    if (row.status != "done") continue;
    if (row.classes.empty()) Tally(tally, "");
    for (const std::string& name : row.classes) Tally(tally, name);
  }
  return SortedCounts(tally);
}

// Long labels are cut (on a UTF-8 boundary) so they fit left of the bars; the full text
// stays in the <title> tooltip.
std::string ShortLabel(const std::string& label) {
  constexpr size_t kMaxCodePoints = 28;
  size_t code_points = 0;
  for (size_t i = 0; i < label.size(); ++i) {
    if ((static_cast<unsigned char>(label[i]) & 0xC0) == 0x80) continue;
    if (++code_points > kMaxCodePoints) return label.substr(0, i) + "…";
  }
  return label;
}

constexpr int kBarLabelWidth = 210;
constexpr int kBarMaxWidth = 360;
constexpr int kBarRowHeight = 22;

std::string Bar(size_t index, const std::pair<std::string, int64_t>& entry, int64_t max) {
  const int y = static_cast<int>(index) * kBarRowHeight;
  const int64_t width = max > 0 ? std::max<int64_t>(entry.second * kBarMaxWidth / max, 1) : 1;
  const std::string count = std::to_string(entry.second);
  return "<g><title>" + Escape(entry.first) + ": " + count + "</title><text x=\"" +
         std::to_string(kBarLabelWidth - 8) + "\" y=\"" + std::to_string(y + 15) +
         "\" text-anchor=\"end\">" + Escape(ShortLabel(entry.first)) + "</text><rect x=\"" +
         std::to_string(kBarLabelWidth) + "\" y=\"" + std::to_string(y + 3) + "\" width=\"" +
         std::to_string(width) + "\" height=\"16\"/><text x=\"" +
         std::to_string(kBarLabelWidth + width + 6) + "\" y=\"" + std::to_string(y + 15) +
         "\">" + count + "</text></g>";
}

// No xmlns attribute: inline SVG in HTML5 needs none, and the page then names no URL.
std::string BarChart(std::string_view label, const Counts& counts) {
  if (counts.empty()) return None();
  int64_t max = 0;
  for (const auto& entry : counts) max = std::max(max, entry.second);
  const std::string width = std::to_string(kBarLabelWidth + kBarMaxWidth + 70);
  const std::string height = std::to_string(static_cast<int>(counts.size()) * kBarRowHeight + 4);
  std::string out = "<svg class=\"bars\" role=\"img\" aria-label=\"" + Escape(label) +
                    "\" viewBox=\"0 0 " + width + " " + height + "\" width=\"" + width +
                    "\" height=\"" + height + "\">";
  for (size_t i = 0; i < counts.size(); ++i) out += Bar(i, counts[i], max);
  return out + "</svg>";
}

// ---- Throughput chart ------------------------------------------------------------------

constexpr double kPlotLeft = 70, kPlotTop = 14, kPlotWidth = 560, kPlotHeight = 220;

// Where `value` lies between 0 and `max`, kept inside the plot even for odd samples.
double Fraction(double value, double max) {
  const double f = value / max;
  return std::isfinite(f) ? std::clamp(f, 0.0, 1.0) : 0.0;
}

std::string SvgText(double x, double y, std::string_view anchor, const std::string& text) {
  return "<text x=\"" + Fixed(x, 1) + "\" y=\"" + Fixed(y, 1) + "\" text-anchor=\"" +
         std::string(anchor) + "\">" + text + "</text>";
}

std::string Axes(double max_seconds, int64_t max_pages) {
  const double bottom = kPlotTop + kPlotHeight, right = kPlotLeft + kPlotWidth;
  return "<path class=\"axis\" d=\"M" + Fixed(kPlotLeft, 1) + " " + Fixed(kPlotTop, 1) + " V" +
         Fixed(bottom, 1) + " H" + Fixed(right, 1) + "\"/>" +
         SvgText(kPlotLeft - 6, bottom + 4, "end", "0") +
         SvgText(kPlotLeft - 6, kPlotTop + 8, "end", std::to_string(max_pages)) +
         SvgText(kPlotLeft, bottom + 18, "middle", "0") +
         SvgText(right, bottom + 18, "middle", Fixed(max_seconds, 0)) +
         SvgText(kPlotLeft + kPlotWidth / 2, bottom + 34, "middle", "seconds") +
         "<text transform=\"rotate(-90)\" x=\"" + Fixed(-(kPlotTop + kPlotHeight / 2), 1) +
         "\" y=\"16\" text-anchor=\"middle\">pages done</text>";
}

std::string ThroughputChart(const std::vector<ProgressSample>& samples) {
  if (samples.size() < 2) return None("not enough samples");
  double max_seconds = 0;
  int64_t max_pages = 0;
  for (const ProgressSample& s : samples) {
    max_seconds = std::max(max_seconds, s.seconds);
    max_pages = std::max(max_pages, s.pages_done);
  }
  // Samples all at 0 s or 0 pages still draw (a flat line) instead of dividing by zero.
  const double x_scale = max_seconds > 0 ? max_seconds : 1;
  const double y_scale = max_pages > 0 ? static_cast<double>(max_pages) : 1;
  std::string points;
  for (const ProgressSample& s : samples) {
    if (!points.empty()) points += ' ';
    points += Fixed(kPlotLeft + Fraction(s.seconds, x_scale) * kPlotWidth, 1) + "," +
              Fixed(kPlotTop + kPlotHeight -
                        Fraction(static_cast<double>(s.pages_done), y_scale) * kPlotHeight, 1);
  }
  return "<svg class=\"line\" role=\"img\" aria-label=\"pages done against seconds\" "
         "viewBox=\"0 0 660 280\" width=\"660\" height=\"280\">" +
         Axes(max_seconds, max_pages) + "<polyline points=\"" + points + "\"/></svg>";
}

// ---- Sections --------------------------------------------------------------------------

std::string KeyValue(std::string_view key, std::string_view value, bool changed = false) {
  return "<tr><th>" + Escape(key) + "</th>" + Td(value, changed) + "</tr>";
}

// A version differing from the previous run's is marked: it is why documents changed.
// Whether there was a previous run shows in its rules version; its model version may be
// empty because that run used rules alone.
std::string VersionRows(const RunInfo& run) {
  const bool had_previous = !run.previous_rules_version.empty();
  const bool rules_changed = had_previous && run.previous_rules_version != run.rules_version;
  const bool model_changed = had_previous && run.previous_model_version != run.model_version;
  return KeyValue("rules version", run.rules_version, rules_changed) +
         KeyValue("model version", run.model_version.empty() ? "none (rules alone)"
                                                             : run.model_version,
                  model_changed) +
         KeyValue("previous rules version", run.previous_rules_version) +
         KeyValue("previous model version", run.previous_model_version);
}

std::string RunSection(const RunInfo& run, size_t documents) {
  const bool interrupted = run.interrupted || run.finished_at.empty();
  const auto pages = static_cast<double>(run.pages_ocr);
  std::string out = "<table class=\"kv\"><tbody>" +
                    KeyValue("sources", Join(run.sources, "\n")) + VersionRows(run) +
                    KeyValue("started", run.started_at) +
                    KeyValue("finished", interrupted ? "interrupted" : run.finished_at) +
                    KeyValue("jobs", std::to_string(run.jobs)) +
                    KeyValue("wall seconds", Fixed(run.seconds, 1)) +
                    KeyValue("documents", std::to_string(documents)) +
                    KeyValue("pages OCR'd in this run", std::to_string(run.pages_ocr)) +
                    KeyValue("pages per second", Ratio(pages, run.seconds, 2)) +
                    KeyValue("CPU seconds per page", Ratio(run.cpu_seconds, pages, 2)) +
                    KeyValue("documents reclassified without OCR",
                             std::to_string(run.documents_reclassified));
  return Section("Run", out + "</tbody></table>");
}

std::string ChartSections(const std::vector<DocumentRow>& rows) {
  return Section("Documents per status", BarChart("documents per status", StatusCounts(rows))) +
         Section("Classes (done documents)", BarChart("documents per class", ClassCounts(rows))) +
         Section("Legal categories (done documents)",
                 BarChart("documents per legal category", DoneCounts(rows, &DocumentRow::legal))) +
         Section("Languages (done documents)",
                 BarChart("documents per language", DoneCounts(rows, &DocumentRow::language)));
}

std::string LowPagesSection(const std::vector<LowPage>& pages) {
  std::vector<std::string> out;
  for (const LowPage& p : pages) {
    out.push_back(PathTd(p.path) + Td(std::to_string(p.page)) + Td(Fixed(p.confidence, 1)));
  }
  return Section("Lowest-confidence pages", Table(HeadRow({"path", "page", "confidence"}), out));
}

int LegalRank(const std::string& legal) {
  if (legal == "halt") return 0;
  if (legal == "statutory_deadline") return 1;
  return 2;
}

// Halt letters first (collection must stop), then statutory deadlines; otherwise rows' order.
std::string NeedsHumanSection(const std::vector<DocumentRow>& rows) {
  std::vector<const DocumentRow*> needing;
  for (const DocumentRow& row : rows) {
    if (row.needs_human) needing.push_back(&row);
  }
  std::stable_sort(needing.begin(), needing.end(), [](const auto* a, const auto* b) {
    return LegalRank(a->legal) < LegalRank(b->legal);
  });
  std::vector<std::string> out;
  for (const DocumentRow* row : needing) {
    out.push_back(PathTd(row->path) + Td(Join(row->classes, ", ")) + Td(row->legal) +
                  Td(Join(row->needs_human_reasons, "; ")) + Td(row->case_id));
  }
  return Section("Documents needing a human",
                 Table(HeadRow({"path", "classes", "legal", "reasons", "case"}), out));
}

// Failed, duplicate and skipped documents: the path beside one more field, itself a path
// (duplicate_of) or a message that often quotes one.
std::string StatusSection(const std::vector<DocumentRow>& rows, const std::string& status,
                          std::string_view title, std::string_view column,
                          const std::string DocumentRow::*field) {
  std::vector<std::string> out;
  for (const DocumentRow& row : rows) {
    if (row.status == status) out.push_back(PathTd(row.path) + PathTd(row.*field));
  }
  return Section(title, Table(HeadRow({"path", column}), out));
}

std::string OldNew(const std::string& old_value, const std::string& new_value) {
  const bool changed = old_value != new_value;
  return Td(old_value, changed) + Td(new_value, changed);
}

std::string ChangeCells(const ChangeRow& c) {
  return PathTd(c.path) + Td(c.cause) +
         OldNew(Join(c.old_classes, ", "), Join(c.new_classes, ", ")) +
         OldNew(c.old_legal, c.new_legal) +
         OldNew(TrueFalse(c.old_needs_human), TrueFalse(c.new_needs_human)) +
         OldNew(c.old_case, c.new_case);
}

std::string ChangesSection(const std::vector<ChangeRow>& changes) {
  const std::string head =
      "<tr><th rowspan=\"2\">path</th><th rowspan=\"2\">cause</th><th colspan=\"2\">classes</th>"
      "<th colspan=\"2\">legal</th><th colspan=\"2\">needs human</th><th colspan=\"2\">case</th>"
      "</tr>" +
      HeadRow({"old", "new", "old", "new", "old", "new", "old", "new"});
  std::vector<std::string> out;
  for (const ChangeRow& change : changes) out.push_back(ChangeCells(change));
  return Section("Changes since the previous run", Table(head, out));
}

constexpr std::string_view kStyle =
    "body{font:14px/1.4 system-ui,sans-serif;color:#222;margin:1.5em auto;max-width:72em;"
    "padding:0 1em}"
    "h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;margin:.4em 0}"
    "th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top;"
    "white-space:pre-wrap;overflow-wrap:break-word}"
    "td.path{overflow-wrap:anywhere;min-width:10em}"
    "thead th,table.kv th{background:#f0f0f0}"
    "td.changed{background:#fff1a8;font-weight:600}"
    "p.none{color:#777;font-style:italic}"
    "svg{max-width:100%;height:auto;font-size:12px}svg rect{fill:#4a78b5}"
    "svg .axis{fill:none;stroke:#555}svg polyline{fill:none;stroke:#4a78b5;stroke-width:2}"
    "@media print{body{margin:0;max-width:none}h2{break-after:avoid}"
    "thead{display:table-header-group}tr,svg{break-inside:avoid}"
    "td.changed{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

std::string Head() {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; img-src data:\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>purr batch report</title><style>" +
         std::string(kStyle) + "</style></head>\n<body><h1>purr batch report</h1>\n";
}

}  // namespace

std::string SummaryCsv(const std::vector<DocumentRow>& rows) {
  std::string out =
      "path,sha256,pages,language,classes,legal_category,needs_human,mean_confidence,status,"
      "error,duplicate_of,case,json\r\n";
  for (const DocumentRow& row : rows) out += CsvLine(SummaryFields(row));
  return out;
}

std::string ChangesCsv(const std::vector<ChangeRow>& changes) {
  std::string out =
      "path,cause,old_classes,new_classes,old_legal_category,new_legal_category,"
      "old_needs_human,new_needs_human,old_case,new_case\r\n";
  for (const ChangeRow& change : changes) out += CsvLine(ChangeFields(change));
  return out;
}

std::string ReportHtml(const RunInfo& run, const std::vector<DocumentRow>& rows,
                       const std::vector<ChangeRow>& changes,
                       const std::vector<LowPage>& low_pages) {
  return Head() + RunSection(run, rows.size()) + ChartSections(rows) +
         Section("Throughput", ThroughputChart(run.progress)) + LowPagesSection(low_pages) +
         NeedsHumanSection(rows) +
         StatusSection(rows, "failed", "Failed documents", "error", &DocumentRow::error) +
         StatusSection(rows, "duplicate", "Duplicates", "duplicate of",
                       &DocumentRow::duplicate_of) +
         StatusSection(rows, "skipped", "Skipped documents", "reason", &DocumentRow::error) +
         ChangesSection(changes) + "</body></html>\n";
}

}  // namespace purr::batch
