#include "worker/batch_report.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace purr::batch {
namespace {

// A small vocabulary: documents, changes and a finished run, each a line in a test.
DocumentRow Done(std::string path, std::vector<std::string> classes, std::string legal = "none",
                 std::string language = "nb") {
  DocumentRow row;
  row.path = std::move(path);
  row.sha256 = std::string(64, 'a');
  row.pages = 2;
  row.language = std::move(language);
  row.classes = std::move(classes);
  row.legal = std::move(legal);
  row.mean_confidence = 87.34;
  row.status = "done";
  row.json_path = "documents/" + row.path + ".json";
  return row;
}

DocumentRow WithStatus(std::string path, std::string status, std::string error = "") {
  DocumentRow row;
  row.path = std::move(path);
  row.status = std::move(status);
  row.error = std::move(error);
  return row;
}

DocumentRow NeedingHuman(std::string path, std::string legal, std::string reason) {
  DocumentRow row = Done(std::move(path), {"dispute"}, std::move(legal));
  row.needs_human = true;
  row.needs_human_reasons = {std::move(reason)};
  return row;
}

ChangeRow Change(std::string path) {
  ChangeRow change;
  change.path = std::move(path);
  change.old_classes = {"reminder"};
  change.new_classes = {"dispute"};
  change.old_legal = "none";
  change.new_legal = "halt";
  change.new_needs_human = true;
  change.old_case = change.new_case = "C-17";
  change.cause = "rules";
  return change;
}

RunInfo FinishedRun() {
  RunInfo run;
  run.started_at = "2026-12-03T20:00:00Z";
  run.finished_at = "2026-12-03T20:10:00Z";
  run.sources = {"scans/2019", "vendor.zip"};
  run.rules_version = "rules-7";
  run.model_version = "model-3";
  run.previous_rules_version = "rules-6";
  run.previous_model_version = "model-3";
  run.jobs = 2;
  run.seconds = 600;
  run.cpu_seconds = 1100;
  run.pages_ocr = 1200;
  run.documents_reclassified = 5;
  run.progress = {{0, 0}, {300, 500}, {600, 1200}};
  return run;
}

std::string Report(const std::vector<DocumentRow>& rows, const RunInfo& run = FinishedRun(),
                   const std::vector<ChangeRow>& changes = {},
                   const std::vector<LowPage>& low_pages = {}) {
  return ReportHtml(run, rows, changes, low_pages);
}

int Occurrences(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// The section `title` up to the next one.
std::string SectionOf(const std::string& html, const std::string& title) {
  const size_t begin = html.find("<h2>" + title + "</h2>");
  if (begin == std::string::npos) return "";
  return html.substr(begin, html.find("</section>", begin) - begin);
}

constexpr char kSummaryHeader[] =
    "path,sha256,pages,language,classes,legal_category,needs_human,mean_confidence,status,error,"
    "duplicate_of,case,json\r\n";

TEST(BatchReport, SummaryCsvOfNoDocumentsIsTheHeaderAlone) {
  EXPECT_EQ(SummaryCsv({}), kSummaryHeader);
}

TEST(BatchReport, SummaryCsvRowHasEveryColumn) {
  DocumentRow row = Done("scans/2019/a.tif", {"reminder", "invoice"});
  row.case_id = "C-17";
  EXPECT_EQ(SummaryCsv({row}),
            std::string(kSummaryHeader) + "scans/2019/a.tif," + std::string(64, 'a') +
                ",2,nb,reminder;invoice,none,false,87.3,done,,,C-17,"
                "documents/scans/2019/a.tif.json\r\n");
}

TEST(BatchReport, SummaryCsvLeavesConfidenceEmptyWhenNoPageWasOcrd) {
  DocumentRow row = WithStatus("b.pdf", "failed", "cannot decode");
  row.needs_human = true;
  EXPECT_EQ(SummaryCsv({row}),
            std::string(kSummaryHeader) + "b.pdf,,0,,,,true,,failed,cannot decode,,,\r\n");
}

TEST(BatchReport, SummaryCsvQuotesCommasQuotesAndNewlines) {
  DocumentRow row = WithStatus("a,\"b\"\nc.tif", "skipped", "line one\r\nline two");
  row.duplicate_of = "plain";
  EXPECT_EQ(SummaryCsv({row}), std::string(kSummaryHeader) +
                                   "\"a,\"\"b\"\"\nc.tif\",,0,,,,false,,skipped,"
                                   "\"line one\r\nline two\",plain,,\r\n");
}

TEST(BatchReport, SummaryCsvKeepsFormulaLikeValuesExact) {
  DocumentRow row = WithStatus("=HYPERLINK(1).tif", "failed", "@SUM(A1)");
  EXPECT_EQ(SummaryCsv({row}),
            std::string(kSummaryHeader) + "=HYPERLINK(1).tif,,0,,,,false,,failed,@SUM(A1),,,\r\n");
}

TEST(BatchReport, SummaryCsvIsTheSameBytesForTheSameRows) {
  const std::vector<DocumentRow> rows = {Done("a.tif", {"reminder"}),
                                         WithStatus("x,y.pdf", "failed", "bad \"header\"")};
  EXPECT_EQ(SummaryCsv(rows), SummaryCsv(rows));
}

TEST(BatchReport, ChangesCsvWritesOldBesideNew) {
  EXPECT_EQ(ChangesCsv({}),
            "path,cause,old_classes,new_classes,old_legal_category,new_legal_category,"
            "old_needs_human,new_needs_human,old_case,new_case\r\n");
  ChangeRow change = Change("box 1/a,b.tif");
  change.new_classes = {"dispute", "halt_request"};
  EXPECT_EQ(ChangesCsv({change}).substr(ChangesCsv({}).size()),
            "\"box 1/a,b.tif\",rules,reminder,dispute;halt_request,none,halt,false,true,C-17,"
            "C-17\r\n");
}

TEST(BatchReport, ReportEscapesHostilePathAndReason) {
  DocumentRow row = NeedingHuman("<script>alert(1)</script>.tif", "halt", "said \"stop\" & 'now'");
  const std::string html = Report({row});
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;.tif"), std::string::npos);
  EXPECT_NE(html.find("said &quot;stop&quot; &amp; &#39;now&#39;"), std::string::npos);
}

TEST(BatchReport, ReportIsSelfContained) {
  const std::string html = Report({Done("a.tif", {"reminder"})}, FinishedRun(), {Change("a.tif")},
                                  {{"a.tif", 1, 41.5}});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(html.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                      "'none'; style-src 'unsafe-inline'; img-src data:\">"),
            std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
}

TEST(BatchReport, ReportDrawsAnSvgPerChart) {
  const std::string html = Report({Done("a.tif", {"reminder"})});
  // Status, class, legal category, language, throughput.
  EXPECT_EQ(Occurrences(html, "<svg"), 5);
  EXPECT_EQ(Occurrences(html, "<polyline"), 1);
}

TEST(BatchReport, ChartsCountClassesOfDoneDocumentsOnly) {
  DocumentRow failed = Done("f.tif", {"reminder"});
  failed.status = "failed";
  DocumentRow duplicate = Done("d.tif", {"reminder"});
  duplicate.status = "duplicate";
  const std::string html = Report({Done("a.tif", {"reminder", "invoice"}),
                                   Done("b.tif", {"reminder"}), failed, duplicate});
  const std::string classes = SectionOf(html, "Classes (done documents)");
  EXPECT_NE(classes.find("<title>reminder: 2</title>"), std::string::npos);
  EXPECT_NE(classes.find("<title>invoice: 1</title>"), std::string::npos);
  EXPECT_NE(SectionOf(html, "Languages (done documents)").find("<title>nb: 2</title>"),
            std::string::npos);
  const std::string statuses = SectionOf(html, "Documents per status");
  EXPECT_NE(statuses.find("<title>done: 2</title>"), std::string::npos);
  EXPECT_NE(statuses.find("<title>skipped: 0</title>"), std::string::npos);
}

TEST(BatchReport, NeedsHumanListsHaltThenStatutoryDeadlineThenTheRest) {
  const std::string html = Report({NeedingHuman("plain.tif", "none", "low confidence"),
                                   NeedingHuman("deadline.tif", "statutory_deadline", "objection"),
                                   Done("fine.tif", {"reminder"}),
                                   NeedingHuman("halt.tif", "halt", "bankruptcy")});
  const std::string section = SectionOf(html, "Documents needing a human");
  const size_t halt = section.find("halt.tif");
  const size_t deadline = section.find("deadline.tif");
  const size_t plain = section.find("plain.tif");
  ASSERT_NE(plain, std::string::npos);
  EXPECT_LT(halt, deadline);
  EXPECT_LT(deadline, plain);
  EXPECT_EQ(section.find("fine.tif"), std::string::npos);
}

TEST(BatchReport, ChangesTableShowsOldAndNewAndMarksChangedCells) {
  const std::string section =
      SectionOf(Report({}, FinishedRun(), {Change("a.tif")}), "Changes since the previous run");
  EXPECT_NE(section.find("<td class=\"changed\">reminder</td><td class=\"changed\">dispute</td>"),
            std::string::npos);
  EXPECT_NE(section.find("<td class=\"changed\">none</td><td class=\"changed\">halt</td>"),
            std::string::npos);
  EXPECT_NE(section.find("<td>C-17</td><td>C-17</td>"), std::string::npos);
}

// A path beside its error, reason or original, as the report writes it.
std::string PathBeside(const std::string& path, const std::string& field) {
  return "<td class=\"path\">" + path + "</td><td class=\"path\">" + field + "</td>";
}

TEST(BatchReport, FailedDuplicateAndSkippedDocumentsAreListed) {
  DocumentRow duplicate = WithStatus("copy.tif", "duplicate");
  duplicate.duplicate_of = "original.tif";
  const std::string html = Report({WithStatus("broken.pdf", "failed", "truncated file"), duplicate,
                                   WithStatus("notes.txt", "skipped", "not a scan")});
  EXPECT_NE(SectionOf(html, "Failed documents").find(PathBeside("broken.pdf", "truncated file")),
            std::string::npos);
  EXPECT_NE(SectionOf(html, "Duplicates").find(PathBeside("copy.tif", "original.tif")),
            std::string::npos);
  EXPECT_NE(SectionOf(html, "Skipped documents").find(PathBeside("notes.txt", "not a scan")),
            std::string::npos);
}

TEST(BatchReport, EmptyRunSaysNoneAndNotEnoughSamples) {
  RunInfo run;
  const std::string html = Report({}, run);
  EXPECT_NE(SectionOf(html, "Classes (done documents)").find("none"), std::string::npos);
  EXPECT_NE(SectionOf(html, "Throughput").find("not enough samples"), std::string::npos);
  EXPECT_NE(SectionOf(html, "Changes since the previous run").find(">none<"), std::string::npos);
  EXPECT_NE(SectionOf(html, "Run").find("<th>pages per second</th><td>n/a</td>"),
            std::string::npos);
  EXPECT_EQ(html.find("nan"), std::string::npos);
  EXPECT_EQ(html.find("inf"), std::string::npos);
}

TEST(BatchReport, InterruptedRunSaysInterrupted) {
  RunInfo run = FinishedRun();
  run.interrupted = true;
  run.finished_at.clear();
  EXPECT_NE(Report({}, run).find("<th>finished</th><td>interrupted</td>"), std::string::npos);
}

TEST(BatchReport, RunShowsRatesAndVersions) {
  const std::string run = SectionOf(Report({}), "Run");
  EXPECT_NE(run.find("<th>pages per second</th><td>2.00</td>"), std::string::npos);
  EXPECT_NE(run.find("<th>CPU seconds per page</th><td>0.92</td>"), std::string::npos);
  EXPECT_NE(run.find("<th>rules version</th><td class=\"changed\">rules-7</td>"),
            std::string::npos);
  EXPECT_NE(run.find("<th>previous rules version</th><td>rules-6</td>"), std::string::npos);
  EXPECT_NE(run.find("<th>documents reclassified without OCR</th><td>5</td>"), std::string::npos);
}

TEST(BatchReport, ThroughputWithOneSampleOrAllAtZeroDoesNotDivideByZero) {
  RunInfo run = FinishedRun();
  run.progress = {{0, 0}};
  EXPECT_NE(SectionOf(Report({}, run), "Throughput").find("not enough samples"),
            std::string::npos);
  run.progress = {{0, 0}, {0, 0}};
  const std::string chart = SectionOf(Report({}, run), "Throughput");
  EXPECT_NE(chart.find("<polyline points=\"70.0,234.0 70.0,234.0\"/>"), std::string::npos);
  EXPECT_EQ(chart.find("nan"), std::string::npos);
}

TEST(BatchReport, LowConfidencePagesShowPathPageAndConfidence) {
  const std::string section = SectionOf(Report({}, FinishedRun(), {}, {{"a & b.tif", 3, 12.25}}),
                                        "Lowest-confidence pages");
  EXPECT_NE(section.find("<td class=\"path\">a &amp; b.tif</td><td>3</td><td>12.2</td>"),
            std::string::npos);
}

TEST(BatchReport, ReportIsTheSameBytesForTheSameRecords) {
  const std::vector<DocumentRow> rows = {Done("a.tif", {"reminder", "invoice"}),
                                         NeedingHuman("h.tif", "halt", "bankruptcy")};
  EXPECT_EQ(Report(rows, FinishedRun(), {Change("a.tif")}),
            Report(rows, FinishedRun(), {Change("a.tif")}));
}

}  // namespace
}  // namespace purr::batch
