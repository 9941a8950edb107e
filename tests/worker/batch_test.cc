// purr batch end to end: the real executable over a small archive of real scans
// (tests/worker/batch_archive.h) with real Tesseract and a real state file, stopped by
// SIGINT and SIGKILL part way and continued, and run again after a rules change.
//
// The archive is built once per test binary (SetUpTestSuite), and so is one uninterrupted
// run, when a test first needs it; every test that needs a finished run reads that one or
// works on a copy of its output folder: OCR is the cost.
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/ocr/test_files.h"
#include "tests/store/backend.h"
#include "tests/worker/batch_archive.h"
#include "tests/worker/run_purr.h"

extern char** environ;

namespace purr::testing {
namespace {

namespace fs = std::filesystem;
using Poco::JSON::Object;

constexpr char kSummaryHeader[] =
    "path,sha256,pages,language,classes,legal_category,needs_human,mean_confidence,status,"
    "error,duplicate_of,case,json";
constexpr char kChangesHeader[] =
    "path,cause,old_classes,new_classes,old_legal_category,new_legal_category,old_needs_human,"
    "new_needs_human,old_case,new_case";
constexpr int kJobs = 2;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// "94.0": a confidence as summary.csv writes it, with one decimal.
bool IsOneDecimal(const std::string& text) {
  const size_t dot = text.find('.');
  auto digits = [](std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  return dot != std::string::npos && dot <= 3 && digits(std::string_view(text).substr(0, dot)) &&
         text.size() == dot + 2 && digits(std::string_view(text).substr(dot + 1));
}

// A row of a CSV file by column name.
using CsvRow = std::map<std::string, std::string>;

// summary.csv or changes.csv as RFC 4180 reads it.
struct Csv {
  std::string header;  // the first line as written, without its line end
  std::vector<CsvRow> rows;
  bool every_line_ends_crlf = true;

  // The row whose path is `relative` under the source folder (paths in the file may carry
  // the SRC argument in front), or null.
  const CsvRow* Row(const std::string& relative) const {
    for (const CsvRow& row : rows) {
      const std::string& path = row.at("path");
      if (path == relative || (path.size() > relative.size() && path.ends_with("/" + relative))) {
        return &row;
      }
    }
    return nullptr;
  }
};

// Quoted fields may hold commas, quotes ("") and line breaks; records end with "\r\n".
std::vector<std::vector<std::string>> CsvRecords(const std::string& text, bool* crlf) {
  std::vector<std::vector<std::string>> records(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted && c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
      field += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (quoted || (c != ',' && c != '\r' && c != '\n')) {
      field += c;
    } else {
      records.back().push_back(std::move(field));
      field.clear();
      if (c == ',') continue;
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
        ++i;
      } else {
        *crlf = false;
      }
      records.emplace_back();
    }
  }
  if (!field.empty() || !records.back().empty()) *crlf = false;  // no line end at the end
  if (records.back().empty()) records.pop_back();
  return records;
}

Csv ReadCsv(const std::string& path) {
  Csv csv;
  const std::string text = ReadFile(path);
  csv.header = text.substr(0, text.find_first_of("\r\n"));
  std::vector<std::vector<std::string>> records = CsvRecords(text, &csv.every_line_ends_crlf);
  if (records.empty()) return csv;
  const std::vector<std::string>& names = records[0];
  for (size_t r = 1; r < records.size(); ++r) {
    EXPECT_EQ(records[r].size(), names.size()) << path << " record " << r;
    CsvRow row;
    for (size_t i = 0; i < names.size() && i < records[r].size(); ++i) {
      row[names[i]] = records[r][i];
    }
    csv.rows.push_back(std::move(row));
  }
  return csv;
}

Object::Ptr ReadJson(const std::string& path) {
  try {
    Poco::JSON::Parser parser;
    return parser.parse(ReadFile(path)).extract<Object::Ptr>();
  } catch (const Poco::Exception& e) {
    ADD_FAILURE() << path << ": " << e.displayText();
  }
  return nullptr;
}

// This run's figures from run.json.
struct RunFigures {
  int64_t documents = -1;
  int64_t pages = -1;
  int64_t pages_ocr = -1;
  int64_t documents_reclassified = -1;
  bool interrupted = false;
};

RunFigures ReadRunFigures(const std::string& out) {
  RunFigures figures;
  Object::Ptr run = ReadJson(out + "/run.json");
  if (!run) return figures;
  try {
    figures.documents = run->getValue<int64_t>("documents");
    figures.pages = run->getValue<int64_t>("pages");
    figures.pages_ocr = run->getValue<int64_t>("pages_ocr");
    figures.documents_reclassified = run->getValue<int64_t>("documents_reclassified");
    figures.interrupted = run->getValue<bool>("interrupted");
  } catch (const Poco::Exception& e) {
    ADD_FAILURE() << out << "/run.json: " << e.displayText();
  }
  return figures;
}

// Every host's figures of a shared run (DIR/sittings/*.json).
std::vector<Object::Ptr> ReadSittings(const std::string& out) {
  std::vector<Object::Ptr> sittings;
  for (const auto& entry : fs::directory_iterator(out + "/sittings")) {
    if (Object::Ptr sitting = ReadJson(entry.path().string())) sittings.push_back(sitting);
  }
  return sittings;
}

// `purr batch` as a child process that a test stops with a signal. Its stdout and stderr
// go to `log`. Not copyable: it owns the child, which it kills if still running when it goes.
class BatchProcess {
 public:
  BatchProcess(std::vector<std::string> args, std::string log) : log_(std::move(log)) {
    args.insert(args.begin(), PURR_BINARY);
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, 1, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&files, 1, 2);
    // A test runner started in the background has SIGINT ignored; purr must see it.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t signals;
    sigemptyset(&signals);
    posix_spawnattr_setsigmask(&attr, &signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    posix_spawnattr_setsigdefault(&attr, &signals);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    if (posix_spawn(&pid_, PURR_BINARY, &files, &attr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&files);
    EXPECT_GT(pid_, 0) << "cannot start " << PURR_BINARY;
  }
  ~BatchProcess() {
    if (Running()) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  BatchProcess(const BatchProcess&) = delete;
  BatchProcess& operator=(const BatchProcess&) = delete;

  bool Running() {
    if (pid_ <= 0 || ended_) return false;
    ended_ = ::waitpid(pid_, &status_, WNOHANG) == pid_;
    return !ended_;
  }
  void Signal(int signal) { ::kill(pid_, signal); }
  pid_t pid() const { return pid_; }
  // The exit code; minus the signal's number when a signal ended the process (so a purr
  // that dies of SIGINT is not taken for one that exits 130); INT32_MIN after `timeout`.
  int Wait(std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (Running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!ended_) return INT32_MIN;
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : -WTERMSIG(status_);
  }
  std::string Log() const { return ReadFile(log_); }

 private:
  std::string log_;
  pid_t pid_ = -1;
  bool ended_ = false;
  int status_ = 0;
};

// The archive, and one complete uninterrupted run over it, made when a test first asks.
struct Suite {
  ScratchDir scratch;
  TestArchive archive;
  bool finished = false;  // the run below has been made
  std::string out;
  PurrRun run;
  double seconds = 0;   // wall time of the run, to time the signals by
  std::string summary;  // summary.csv as it wrote it
};

class BatchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    suite_ = new Suite;
    suite_->archive = MakeTestArchive(suite_->scratch.Path("input"));
  }
  static void TearDownTestSuite() {
    delete suite_;
    suite_ = nullptr;
  }

  // The uninterrupted run: made once per test binary, as ctest may run each test alone.
  static const Suite& Finished() {
    if (suite_->finished) return *suite_;
    suite_->finished = true;
    suite_->out = Scratch("finished");
    const auto start = std::chrono::steady_clock::now();
    suite_->run = RunPurr(Command(suite_->out));
    suite_->seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (fs::exists(suite_->out + "/summary.csv")) {
      suite_->summary = ReadFile(suite_->out + "/summary.csv");
    }
    return *suite_;
  }

  // purr batch over the archive into `out`, with the committed rules unless told otherwise,
  // recording into the store beside `out` (made with the ledger when missing).
  static std::vector<std::string> Command(const std::string& out,
                                          const std::vector<std::string>& more = {},
                                          const std::string& rules = Repo("rules"),
                                          const std::string& source = "") {
    MakeStore(StoreOf(out));
    std::vector<std::string> args = {"batch",  source.empty() ? Archive().root : source,
                                     "--out",  out,
                                     "--jobs", std::to_string(kJobs),
                                     "--rules", rules,
                                     "--db",   StoreOf(out)};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }
  static std::string StoreOf(const std::string& out) { return out + ".store.sqlite"; }
  // A store with the ledger of three of the archive's cases: the Norwegian dispute
  // (nb_001: its case number and its writer's name), the English deferral (en_004: its
  // case number) and the Danish dentist's crown (da_037).
  static void MakeStore(const std::string& path) {
    if (path.find("://") == std::string::npos && fs::exists(path)) return;
    const std::string ledger = Scratch("ledger.csv");
    std::ofstream(ledger)
        << "invoice,customer,case,reference,amount_minor,currency,due_date,status,blocking,"
           "customer_name,payer_accounts\n"
           "F-9001,K-1,2024-118734,,124950,NOK,2024-10-01,open,true,Tor Einar Haugli,\n"
           "F-9002,K-2,2025-020913,,110000,SEK,2025-05-01,open,true,Jake Miller,\n"
           "F-9003,K-3,2025-601233,,760000,DKK,2025-06-01,open,true,Malene Just,\n";
    PurrRun run = RunPurr({"invoices", "import", "--db", path, ledger});
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  // One JSON object per line of a purr command's --json output.
  static std::vector<Object::Ptr> JsonLines(const PurrRun& run) {
    std::vector<Object::Ptr> out;
    for (const std::string& line : run.out_lines()) {
      if (line.empty()) continue;
      try {
        out.push_back(Poco::JSON::Parser().parse(line).extract<Object::Ptr>());
      } catch (const Poco::Exception& e) {
        ADD_FAILURE() << "not JSON: " << line << ": " << e.displayText();
      }
    }
    return out;
  }
  static std::vector<Object::Ptr> StoreList(const std::string& store, const std::string& what) {
    PurrRun run = RunPurr({what, "--db", store, "--json"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return JsonLines(run);
  }
  // The files `purr search` finds in the finished run's store for `query` (its exit code in
  // *exit_code).
  static std::vector<std::string> Search(const std::string& query, int* exit_code = nullptr) {
    PurrRun run = RunPurr({"search", "--db", StoreOf(Finished().out), "--json", query});
    if (exit_code) *exit_code = run.exit_code;
    std::vector<std::string> files;
    for (const Object::Ptr& hit : JsonLines(run)) {
      const std::string file = hit->getValue<std::string>("file");
      const std::string root = Archive().root + "/";
      files.push_back(file.rfind(root, 0) == 0 ? file.substr(root.size()) : file);
    }
    std::sort(files.begin(), files.end());
    return files;
  }
  static const TestArchive& Archive() { return suite_->archive; }
  static std::string Scratch(const std::string& name) { return suite_->scratch.Path(name); }

  // A copy of the finished run's output folder (state included) to go on from.
  static std::string CopyOfFinishedRun(const std::string& name) {
    const std::string copy = Scratch(name);
    fs::copy(Finished().out, copy, fs::copy_options::recursive);
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const std::string store = StoreOf(Finished().out) + suffix;
      if (fs::exists(store)) fs::copy_file(store, StoreOf(copy) + suffix);
    }
    return copy;
  }
  static Csv FinishedSummary() { return ReadCsv(Finished().out + "/summary.csv"); }
  // The row for `relative`; a missing row fails the test and reads as status "(no row)".
  static const CsvRow& RowOf(const Csv& csv, const std::string& relative) {
    static const CsvRow kNone = [] {
      CsvRow none;
      bool crlf = true;
      for (const char* header : {kSummaryHeader, kChangesHeader}) {
        const auto records = CsvRecords(std::string(header) + "\r\n", &crlf);
        for (const std::string& name : records[0]) none[name] = "";
      }
      none["status"] = "(no row)";
      return none;
    }();
    const CsvRow* row = csv.Row(relative);
    EXPECT_TRUE(row) << "no row for " << relative;
    return row ? *row : kNone;
  }

  // Sleeps until a run started now is about half done, judged by the finished run.
  static void SleepUntilHalfDone() {
    const double seconds = std::max(2.0, Finished().seconds / 2);
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  }

  // A copy of the committed rules plus one rule that makes every letter naming invoice 4471
  // an address change as well: the typed letter's classes change, no other letter's do.
  static std::string RulesWithInvoice4471AsAnAddressChange() {
    const std::string rules = Scratch("rules_4471");
    fs::copy(Repo("rules"), rules, fs::copy_options::recursive);
    std::ofstream(rules + "/zz_invoice_4471.yaml")
        << "concern: address_change\n"
           "rules:\n"
           "  - id: address_change.invoice_4471\n"
           "    class: address_change\n"
           "    weight: 0.9\n"
           "    patterns:\n"
           "      - '\\bfaktura 4471\\b'\n"
           "    comment: Invoice 4471 went to the debtor's old address.\n";
    return rules;
  }

  static Suite* suite_;
};
Suite* BatchTest::suite_ = nullptr;

TEST_F(BatchTest, ARunProducesEveryOutput) {
  const std::string& out = Finished().out;
  EXPECT_EQ(Finished().run.exit_code, 1) << Finished().run.err;  // the cut and empty scans
  EXPECT_TRUE(fs::is_regular_file(out + "/batch.sqlite"));
  ASSERT_TRUE(fs::is_regular_file(out + "/summary.csv")) << Finished().run.err;
  Csv summary = FinishedSummary();
  EXPECT_EQ(summary.header, kSummaryHeader);
  EXPECT_EQ(summary.rows.size(), Archive().documents.size());
  EXPECT_TRUE(fs::is_regular_file(out + "/changes.csv"));
  EXPECT_TRUE(fs::is_regular_file(out + "/report.html"));
  RunFigures figures = ReadRunFigures(out);
  EXPECT_EQ(figures.pages_ocr, Archive().OcrPages());
  EXPECT_EQ(figures.documents, static_cast<int64_t>(Archive().documents.size()));
  EXPECT_FALSE(figures.interrupted);
}

TEST_F(BatchTest, EveryDocumentIsARowWithItsStatus) {
  Csv summary = FinishedSummary();
  EXPECT_TRUE(summary.every_line_ends_crlf);
  for (const ExpectedDocument& doc : Archive().documents) {
    const CsvRow& row = RowOf(summary, doc.path);
    EXPECT_EQ(row.at("status"), doc.status) << doc.path << ": " << row.at("error");
    if (doc.status == "done" || doc.status == "duplicate") {
      EXPECT_EQ(row.at("sha256"), doc.sha256) << doc.path;
    }
    if (doc.status == "done") {
      EXPECT_EQ(row.at("pages"), std::to_string(doc.pages)) << doc.path;
    }
    if (doc.status == "failed" || doc.status == "skipped") {
      EXPECT_FALSE(row.at("error").empty()) << doc.path;
    }
  }
  for (const std::string& hidden : Archive().hidden) {
    EXPECT_FALSE(summary.Row(hidden)) << hidden << " is hidden";
  }
  // Each bad document says what is wrong with it.
  EXPECT_TRUE(Contains(RowOf(summary, "2020/06/beskyttet_eksport.pdf").at("error"),
                       "password-protected"));
  EXPECT_TRUE(Contains(RowOf(summary, "2020/05/tom_skanning.pdf").at("error"), "empty"))
      << RowOf(summary, "2020/05/tom_skanning.pdf").at("error");
}

TEST_F(BatchTest, ADocumentOverTheLimitsFailsWithItsReasonAndTheRunGoesOn) {
  // The two-page TIFF against --max-pages 1; the typed letter beside it is read.
  const std::string tiff = Archive().root + "/2019/11/nb_033_lawyer_estate_proclamation.tif";
  const std::string typed = Archive().root + "/" + Archive().typed_letter;
  const std::string out = Scratch("limits");
  PurrRun run = RunPurr({"batch", tiff, typed, "--out", out, "--rules", Repo("rules"),
                         "--max-pages", "1"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  Csv summary = ReadCsv(out + "/summary.csv");
  ASSERT_EQ(summary.rows.size(), 2u);
  const CsvRow* refused = summary.Row(tiff);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->at("status"), "failed");
  EXPECT_TRUE(Contains(refused->at("error"), "page")) << refused->at("error");
  const CsvRow* read = summary.Row(typed);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->at("status"), "done");
  EXPECT_EQ(ReadRunFigures(out).pages_ocr, 0);  // refused before any page was read
}

TEST_F(BatchTest, ZipEntriesKeepTheirFoldersInThePath) {
  Csv summary = FinishedSummary();
  EXPECT_EQ(RowOf(summary, "vendor.zip!/box 1/en_004_more_time_payday.png").at("status"), "done");
  EXPECT_EQ(RowOf(summary, "vendor.zip!/box 2/sub/da_037_dispute_dentist_crown.tif").at("status"),
            "done");
  EXPECT_FALSE(summary.Row("vendor.zip")) << "the zip is a folder, not a document";
}

TEST_F(BatchTest, ADuplicateNamesThePathFirstSeenWithTheSameContent) {
  Csv summary = FinishedSummary();
  const std::vector<std::string> duplicates = Archive().PathsWith("duplicate");
  ASSERT_EQ(duplicates.size(), 2u);  // one in a folder, one inside the zip
  for (const std::string& path : duplicates) {
    const std::string& original = Archive().Find(path)->duplicate_of;
    const std::string& duplicate_of = RowOf(summary, path).at("duplicate_of");
    EXPECT_TRUE(duplicate_of == original || duplicate_of.ends_with("/" + original))
        << path << " duplicate_of " << duplicate_of;
    EXPECT_EQ(RowOf(summary, original).at("status"), "done");
  }
}

TEST_F(BatchTest, APathWithACommaIsQuoted) {
  EXPECT_TRUE(Contains(Finished().summary, "notes, mars & april.xml\",")) << Finished().summary;
  EXPECT_EQ(RowOf(FinishedSummary(), "2019/03/notes, mars & april.xml").at("status"), "skipped");
}

TEST_F(BatchTest, ADoneDocumentHasItsDecisionAndConfidence) {
  Csv summary = FinishedSummary();
  for (const ExpectedDocument& doc : Archive().documents) {
    if (doc.status != "done") continue;
    const CsvRow& row = RowOf(summary, doc.path);
    EXPECT_FALSE(row.at("classes").empty()) << doc.path;
    EXPECT_TRUE(row.at("legal_category") == "none" || row.at("legal_category") == "halt" ||
                row.at("legal_category") == "statutory_deadline")
        << doc.path << ": " << row.at("legal_category");
    EXPECT_TRUE(row.at("needs_human") == "true" || row.at("needs_human") == "false") << doc.path;
    if (doc.ocr_pages > 0) {
      EXPECT_TRUE(IsOneDecimal(row.at("mean_confidence")))
          << doc.path << ": " << row.at("mean_confidence");
    }
  }
}

TEST_F(BatchTest, DocumentJsonHoldsEveryPagesTextAndConfidence) {
  Csv summary = FinishedSummary();
  for (const std::string& path : Archive().PathsWith("done")) {
    const CsvRow& row = RowOf(summary, path);
    ASSERT_FALSE(row.at("json").empty()) << path;
    EXPECT_TRUE(row.at("json").starts_with("documents/")) << row.at("json");
    Object::Ptr doc = ReadJson(Finished().out + "/" + row.at("json"));
    ASSERT_TRUE(doc) << path;
    Poco::JSON::Array::Ptr pages = doc->getArray("pages");
    ASSERT_TRUE(pages) << path << ": no \"pages\"";
    ASSERT_EQ(static_cast<int>(pages->size()), Archive().Find(path)->pages) << path;
    for (size_t i = 0; i < pages->size(); ++i) {
      Object::Ptr page = pages->getObject(i);
      ASSERT_TRUE(page) << path << " page " << i + 1;
      EXPECT_FALSE(page->optValue<std::string>("text", "").empty()) << path << " page " << i + 1;
      const double confidence = page->optValue<double>("confidence", -1);
      EXPECT_TRUE(confidence >= 0 && confidence <= 100) << path << " page " << i + 1;
    }
  }
}

TEST_F(BatchTest, ATypedPdfIsReadFromItsTextLayerAsADispute) {
  Csv summary = FinishedSummary();
  const CsvRow& row = RowOf(summary, Archive().typed_letter);
  EXPECT_TRUE(row.at("classes").starts_with("dispute")) << row.at("classes");
  EXPECT_EQ(row.at("legal_category"), "halt");
  EXPECT_EQ(row.at("mean_confidence"), "") << "no page of it was OCR'd";
  Object::Ptr doc = ReadJson(Finished().out + "/" + row.at("json"));
  ASSERT_TRUE(doc);
  const std::string text = doc->getArray("pages")->getObject(0)->getValue<std::string>("text");
  EXPECT_TRUE(Contains(text, Archive().typed_text)) << text;
}

TEST_F(BatchTest, TheReportIsSelfContainedEscapedAndCarriesNoPageText) {
  const std::string html = ReadFile(Finished().out + "/report.html");
  EXPECT_TRUE(Contains(html, "<svg"));
  EXPECT_FALSE(Contains(html, "<script"));
  EXPECT_FALSE(Contains(html, "<SCRIPT"));
  EXPECT_TRUE(Contains(html, "Content-Security-Policy"));
  EXPECT_FALSE(Contains(html, "<link"));
  EXPECT_FALSE(Contains(html, "src=\"http"));
  // The cut scan fails, so the report lists it with its name escaped.
  EXPECT_TRUE(Contains(html, "skanning 0042 &amp; 0043.tif"));
  EXPECT_FALSE(Contains(html, "skanning 0042 & 0043.tif"));
  EXPECT_FALSE(Contains(html, "fullt ut")) << "the typed letter's text";
}

TEST_F(BatchTest, InterruptedBySigintThenResumedMatchesAnUninterruptedRun) {
  ASSERT_FALSE(Finished().summary.empty()) << Finished().run.err;
  const std::string out = Scratch("sigint");
  {
    BatchProcess first(Command(out), Scratch("sigint.log"));
    SleepUntilHalfDone();
    ASSERT_TRUE(first.Running()) << "finished before the signal:\n" << first.Log();
    first.Signal(SIGINT);
    EXPECT_EQ(first.Wait(std::chrono::seconds(120)), 130) << first.Log();
  }
  const RunFigures interrupted = ReadRunFigures(out);
  EXPECT_TRUE(interrupted.interrupted);
  EXPECT_GT(interrupted.pages_ocr, 0);
  EXPECT_LT(interrupted.pages_ocr, Archive().OcrPages());

  PurrRun resumed = RunPurr(Command(out));
  EXPECT_EQ(resumed.exit_code, 1) << resumed.err;
  EXPECT_EQ(ReadFile(out + "/summary.csv"), Finished().summary);
  const RunFigures rest = ReadRunFigures(out);
  EXPECT_FALSE(rest.interrupted);
  // Pages in flight at the signal were finished and stored: none is read twice.
  EXPECT_EQ(interrupted.pages_ocr + rest.pages_ocr, Archive().OcrPages());
}

TEST_F(BatchTest, KilledBySigkillThenResumedMatchesAnUninterruptedRun) {
  ASSERT_FALSE(Finished().summary.empty()) << Finished().run.err;
  const std::string out = Scratch("sigkill");
  {
    BatchProcess first(Command(out), Scratch("sigkill.log"));
    SleepUntilHalfDone();
    ASSERT_TRUE(first.Running()) << "finished before the signal:\n" << first.Log();
    first.Signal(SIGKILL);
    EXPECT_EQ(first.Wait(std::chrono::seconds(30)), -SIGKILL);
  }
  EXPECT_FALSE(fs::exists(out + "/run.json")) << "a killed run writes no figures";

  PurrRun resumed = RunPurr(Command(out));
  EXPECT_EQ(resumed.exit_code, 1) << resumed.err;
  EXPECT_EQ(ReadFile(out + "/summary.csv"), Finished().summary);
  const RunFigures rest = ReadRunFigures(out);
  EXPECT_FALSE(rest.interrupted);
  // The pages stored before the kill are reused; at most the --jobs pages in flight were
  // lost, which the killed run never counted.
  EXPECT_GT(rest.pages_ocr, 0);
  EXPECT_LT(rest.pages_ocr, Archive().OcrPages());
}

// Three hosts (three purr batch processes, one OCR thread each) on one PostgreSQL store run
// the same command: one is killed by SIGKILL part way, the documents it held are taken over
// when its claims run out, and the summary the host that finishes writes is the one-host
// run's. ctest runs it as Postgres.BatchHosts.
TEST_F(BatchTest, ThreeHostsOnPostgresShareOneRunAndOneSummary) {
  if (!store::backends::PostgresRequested()) {
    GTEST_SKIP() << "needs the tests' PostgreSQL (ctest runs Postgres.BatchHosts)";
  }
  ASSERT_FALSE(Finished().summary.empty()) << Finished().run.err;
  fs::create_directories(Scratch("hosts-db"));
  store::backends::StoreLocation db(store::backends::Backend::kPostgres, Scratch("hosts-db"));
  MakeStore(db.path());
  const std::string out = Scratch("hosts");
  const std::vector<std::string> command = {"batch", Archive().root, "--out", out, "--jobs", "1",
                                            "--rules", Repo("rules"), "--db", db.path(),
                                            "--lease-seconds", "3"};
  const auto start = std::chrono::steady_clock::now();
  std::string log_a, log_c;
  int held = -1;
  {
    // b starts alone, so that it is part way through and holding documents (it claims a
    // few ahead of the one it reads) when the other two join and it is killed.
    BatchProcess b(command, Scratch("hosts-b.log"));
    // A count in the shared state; 0 before the first host has made its tables.
    auto count = [&](const std::string& sql) {
      try {
        return std::stoi(store::backends::PostgresValue(db.path(), sql));
      } catch (const std::exception&) {
        return 0;
      }
    };
    // The documents b holds (its claims are "host:pid:start").
    auto held_by_b = [&] {
      return count("SELECT count(*) FROM batch_claims WHERE key LIKE 'path:%' AND until_ms < "
                   "9223372036854775807 AND owner LIKE '%:" + std::to_string(b.pid()) + ":%'");
    };
    auto pages_stored = [&] { return count("SELECT count(*) FROM batch_pages"); };
    const auto until = std::chrono::steady_clock::now() +
                       std::chrono::duration<double>(std::max(10.0, 3 * Finished().seconds));
    while ((pages_stored() == 0 || held_by_b() == 0) && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    BatchProcess a(command, Scratch("hosts-a.log"));
    BatchProcess c(command, Scratch("hosts-c.log"));
    while (held_by_b() == 0 && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_TRUE(b.Running()) << "finished before the kill:\n" << b.Log();
    // Frozen first, so that what it holds is counted before anything changes: a commit it
    // had sent lands within the pause, and nothing of its claims runs out in it.
    b.Signal(SIGSTOP);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    held = held_by_b();
    b.Signal(SIGKILL);
    EXPECT_EQ(b.Wait(std::chrono::seconds(30)), -SIGKILL);
    // The cut and the empty scan fail: exit 1 on both hosts, as on one.
    EXPECT_EQ(a.Wait(std::chrono::seconds(600)), 1) << a.Log();
    EXPECT_EQ(c.Wait(std::chrono::seconds(600)), 1) << c.Log();
    log_a = a.Log();
    log_c = c.Log();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string finished_here = "this host finished the run and wrote its summary";
  EXPECT_EQ(Contains(log_a, finished_here) + Contains(log_c, finished_here), 1)
      << "one host writes the summary\n" << log_a << "\n" << log_c;

  // The summary, row by row. Which of two paths with the same content is read may differ
  // from one host's run (whichever host met it first): such a group has one row read, the
  // others duplicates of it.
  const Csv one = FinishedSummary();
  const Csv three = ReadCsv(out + "/summary.csv");
  EXPECT_EQ(three.header, one.header);
  ASSERT_EQ(three.rows.size(), one.rows.size()) << ReadFile(out + "/summary.csv");
  std::map<std::string, int> per_content;
  for (const CsvRow& row : one.rows) ++per_content[row.at("sha256")];
  std::map<std::string, std::vector<const CsvRow*>> groups;
  for (size_t i = 0; i < one.rows.size(); ++i) {
    const CsvRow& want = one.rows[i];
    const CsvRow& got = three.rows[i];
    ASSERT_EQ(got.at("path"), want.at("path"));
    if (!want.at("sha256").empty() && per_content[want.at("sha256")] > 1) {
      groups[want.at("sha256")].push_back(&got);
      continue;
    }
    EXPECT_EQ(got, want) << want.at("path");
  }
  EXPECT_FALSE(groups.empty()) << "the archive has a duplicate";
  for (const auto& [sha, rows] : groups) {
    std::vector<const CsvRow*> read;
    for (const CsvRow* r : rows) {
      if (r->at("status") != "duplicate") read.push_back(r);
    }
    ASSERT_EQ(read.size(), 1u) << sha;
    EXPECT_EQ(read[0]->at("status"), "done");
    for (const CsvRow* r : rows) {
      if (r != read[0]) {
        EXPECT_EQ(r->at("duplicate_of"), read[0]->at("path"));
      }
    }
  }

  // Every document read is one letter in the store.
  std::set<std::string> files;
  const std::vector<Object::Ptr> letters = StoreList(db.path(), "letters");
  for (const Object::Ptr& l : letters) files.insert(l->getValue<std::string>("file"));
  EXPECT_EQ(letters.size(), Archive().PathsWith("done").size());
  EXPECT_EQ(files.size(), letters.size());

  // Between them the surviving hosts read no page twice (the killed host's stored pages
  // are reused; what it had in flight it never counted). Whether both get documents of
  // their own is a race, not a promise: a fast host may claim every free one before the
  // other's first claim (CI saw one finish 13 and the other 0, helping with 2 pages).
  int64_t pages = 0, taken_over = 0, documents = 0;
  const std::vector<Object::Ptr> sittings = ReadSittings(out);
  for (const Object::Ptr& sitting : sittings) {
    pages += sitting->getValue<int64_t>("pages_ocr");
    taken_over += sitting->getValue<int64_t>("documents_taken_over");
    documents += sitting->getValue<int64_t>("documents_this_sitting");
  }
  EXPECT_EQ(sittings.size(), 2u) << "the killed host wrote no figures";
  // The documents it was killed holding were taken over, each by one host.
  EXPECT_GE(held, 1);
  EXPECT_EQ(taken_over, held) << log_a << "\n" << log_c;
  EXPECT_GE(documents, held);
  EXPECT_GT(pages, 0);
  EXPECT_LE(pages, Archive().OcrPages());
  std::cout << "three hosts, one killed holding " << held << " documents: " << seconds
            << " s; one host with " << kJobs
            << " threads: " << Finished().seconds << " s\n" << log_a << log_c;
}

// Two hosts on one PostgreSQL store and an archive of one ten-page TIFF: one host claims the
// document, the other, with nothing of its own to read, recognises pages of it from the
// last back. No page is read twice, and the summary is a one-host run's.
TEST_F(BatchTest, TwoHostsOnPostgresReadOneLargeDocumentTogether) {
  if (!store::backends::PostgresRequested()) {
    GTEST_SKIP() << "needs the tests' PostgreSQL (ctest runs Postgres.BatchHosts)";
  }
  const std::string big = Scratch("big-archive");
  fs::create_directories(big);
  const std::string tiff = big + "/fax_2019_0311.tif";
  // The two multi-page fixtures twice over: 2 + 3 + 2 + 3 pages.
  std::vector<std::string> parts;
  for (int i = 0; i < 2; ++i) {
    for (const char* name :
         {"nb_033_lawyer_estate_proclamation", "sv_056_skuldradgivare_frivillig_lang"}) {
      parts.push_back(Repo("fixtures/scans/multipage/") + name + ".tif");
    }
  }
  parts.push_back(tiff);
  PurrRun made = RunProgram("tiffcp", parts);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  constexpr int kPages = 10;

  PurrRun one = RunPurr(Command(Scratch("big-one"), {}, Repo("rules"), big));
  ASSERT_EQ(one.exit_code, 0) << one.err;

  fs::create_directories(Scratch("big-db"));
  store::backends::StoreLocation db(store::backends::Backend::kPostgres, Scratch("big-db"));
  MakeStore(db.path());
  const std::string out = Scratch("big-two");
  const std::vector<std::string> command = {"batch", big, "--out", out, "--jobs", "1", "--rules",
                                            Repo("rules"), "--db", db.path()};
  {
    BatchProcess a(command, Scratch("big-a.log"));
    BatchProcess b(command, Scratch("big-b.log"));
    EXPECT_EQ(a.Wait(std::chrono::seconds(600)), 0) << a.Log();
    EXPECT_EQ(b.Wait(std::chrono::seconds(600)), 0) << b.Log();
  }
  EXPECT_EQ(ReadFile(out + "/summary.csv"), ReadFile(Scratch("big-one") + "/summary.csv"));
  int64_t pages = 0, helped = 0;
  const std::vector<Object::Ptr> sittings = ReadSittings(out);
  for (const Object::Ptr& sitting : sittings) {
    pages += sitting->getValue<int64_t>("pages_ocr");
    helped += sitting->getValue<int64_t>("pages_for_other_sittings");
  }
  EXPECT_EQ(sittings.size(), 2u);
  EXPECT_EQ(pages, kPages) << "each page recognised once";
  EXPECT_GT(helped, 0) << "the host without a document of its own helped";
  EXPECT_LT(helped, kPages);
  EXPECT_EQ(StoreList(db.path(), "letters").size(), 1u);
  std::cout << "one ten-page TIFF on two hosts: " << helped << " pages read by the helper\n";
}

TEST_F(BatchTest, ARulesChangeReclassifiesFromStoredTextAndOcrsNothing) {
  ASSERT_FALSE(Finished().summary.empty()) << Finished().run.err;
  const std::string out = CopyOfFinishedRun("rules_change");
  PurrRun run = RunPurr(Command(out, {"--only-changed"}, RulesWithInvoice4471AsAnAddressChange()));
  EXPECT_EQ(run.exit_code, 1) << run.err;  // the cut and empty scans still fail

  const RunFigures figures = ReadRunFigures(out);
  EXPECT_EQ(figures.pages_ocr, 0);
  EXPECT_GT(figures.documents_reclassified, 0);
  EXPECT_LE(figures.documents_reclassified,
            static_cast<int64_t>(Archive().PathsWith("done").size()));

  Csv changes = ReadCsv(out + "/changes.csv");
  EXPECT_EQ(changes.header, kChangesHeader);
  ASSERT_EQ(changes.rows.size(), 1u) << ReadFile(out + "/changes.csv");
  const CsvRow& change = RowOf(changes, Archive().typed_letter);
  EXPECT_EQ(change.at("cause"), "rules");
  EXPECT_EQ(change.at("old_classes"), "dispute");
  EXPECT_TRUE(Contains(change.at("new_classes"), "address_change")) << change.at("new_classes");
  EXPECT_EQ(change.at("old_legal_category"), "halt");
  EXPECT_EQ(change.at("new_legal_category"), "halt");

  // The store has these letters already: re-classifying adds none.
  EXPECT_EQ(StoreList(StoreOf(out), "letters").size(), Archive().PathsWith("done").size());

  // Every other document reads as before.
  Csv before = FinishedSummary(), after = ReadCsv(out + "/summary.csv");
  ASSERT_EQ(after.rows.size(), before.rows.size());
  for (size_t i = 0; i < before.rows.size(); ++i) {
    if (before.rows[i].at("path").ends_with(Archive().typed_letter)) continue;
    EXPECT_EQ(after.rows[i], before.rows[i]) << before.rows[i].at("path");
  }
}

TEST_F(BatchTest, AFinishedRunWithOnlyChangedAndNothingChangedDoesNothing) {
  ASSERT_FALSE(Finished().summary.empty()) << Finished().run.err;
  const std::string out = CopyOfFinishedRun("nothing_changed");
  PurrRun run = RunPurr(Command(out, {"--only-changed"}));
  EXPECT_EQ(run.exit_code, 1) << run.err;  // the failed documents are kept as they were
  const RunFigures figures = ReadRunFigures(out);
  EXPECT_EQ(figures.pages_ocr, 0);
  EXPECT_EQ(figures.documents_reclassified, 0);
  EXPECT_EQ(ReadFile(out + "/changes.csv"), std::string(kChangesHeader) + "\r\n");
  EXPECT_EQ(ReadFile(out + "/summary.csv"), Finished().summary);
}

TEST_F(BatchTest, ResumeWithNothingToResumeFails) {
  const std::string out = Scratch("never_run");
  fs::create_directories(out);
  PurrRun run = RunPurr(Command(out, {"--resume"}));
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.exit_code, 130);
  EXPECT_TRUE(Contains(run.err, "resume")) << run.err;
  EXPECT_FALSE(fs::exists(out + "/summary.csv"));
}

TEST_F(BatchTest, ResumeAfterAFinishedRunFails) {
  ASSERT_FALSE(Finished().summary.empty()) << Finished().run.err;
  const std::string out = CopyOfFinishedRun("resume_finished");
  PurrRun run = RunPurr(Command(out, {"--resume"}));
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.exit_code, 130);
  EXPECT_TRUE(Contains(run.err, "resume")) << run.err;
  EXPECT_EQ(ReadFile(out + "/summary.csv"), Finished().summary);
}

// ---- With a store (--db) ----

std::string Text(const Object::Ptr& o, const std::string& key) {
  return o->has(key) && !o->isNull(key) ? o->getValue<std::string>(key) : "";
}

// A path as the store has it (as found under the SRC given, here absolute) without the root.
std::string Relative(const std::string& path, const std::string& root) {
  return path.rfind(root + "/", 0) == 0 ? path.substr(root.size() + 1) : path;
}

TEST_F(BatchTest, TheStoreHoldsEveryDoneDocumentOnceLinkedAndDecided) {
  ASSERT_FALSE(Finished().summary.empty()) << Finished().run.err;
  const std::string store = StoreOf(Finished().out);
  std::vector<Object::Ptr> letters = StoreList(store, "letters");
  // Every document read is a letter; duplicates, failures and skipped files are not.
  std::vector<std::string> files;
  for (const Object::Ptr& l : letters) files.push_back(Relative(Text(l, "file"), Archive().root));
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, Archive().PathsWith("done"));

  const std::string dispute = "2019/03/nb_001_dispute_telecom.png";
  const Object::Ptr* letter = nullptr;
  for (const Object::Ptr& l : letters) {
    if (Relative(Text(l, "file"), Archive().root) == dispute) letter = &l;
  }
  ASSERT_TRUE(letter);
  EXPECT_EQ(Text(*letter, "case"), "2024-118734");
  EXPECT_EQ(Text(*letter, "legal"), "halt");
  EXPECT_EQ(Text(*letter, "status"), "hold");
  // Received when the post room stamped it (the file's time), not today.
  EXPECT_EQ(Text(*letter, "received").substr(0, 10), "2019-03-14");
  EXPECT_EQ(RowOf(FinishedSummary(), dispute).at("case"), "2024-118734");

  // The halt letter nobody handled is in the clerks' queue, once.
  int halt_follow_ups = 0;
  for (const Object::Ptr& f : StoreList(store, "followups")) {
    if (!f->isNull("letter") &&
        Relative(Text(f->getObject("letter"), "file"), Archive().root) == dispute &&
        Text(f, "rule") == "case.halt-letter") {
      ++halt_follow_ups;
    }
  }
  EXPECT_EQ(halt_follow_ups, 1) << RunPurr({"followups", "--db", store}).out;

  // The document's JSON names its letter and case.
  Object::Ptr json = Poco::JSON::Parser()
                         .parse(ReadFile(Finished().out + "/" + RowOf(FinishedSummary(), dispute).at("json")))
                         .extract<Object::Ptr>();
  ASSERT_TRUE(json->has("store"));
  Object::Ptr stored = json->getObject("store");
  EXPECT_EQ(Text(stored, "case"), "2024-118734");
  EXPECT_FALSE(stored->getValue<bool>("recorded_before"));
}

TEST_F(BatchTest, RunningAgainIntoTheSameStoreRecordsNothingTwice) {
  ASSERT_FALSE(Finished().summary.empty()) << Finished().run.err;
  const std::string out = CopyOfFinishedRun("again");
  const std::string store = StoreOf(out);
  const size_t letters = StoreList(store, "letters").size();
  const size_t follow_ups = StoreList(store, "followups").size();
  const size_t audit = JsonLines(RunPurr({"audit", "--db", store, "--json"})).size();
  // A new run (not a continuation) over the typed letter, which needs no OCR, into a fresh
  // output folder sharing the store.
  const std::string typed = Archive().root + "/" + Archive().typed_letter;
  const std::string again = Scratch("again_out");
  for (const char* suffix : {"", "-wal", "-shm"}) {
    if (fs::exists(store + suffix)) fs::copy_file(store + suffix, StoreOf(again) + suffix);
  }
  PurrRun run = RunPurr(Command(again, {}, Repo("rules"), typed));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "0 letters recorded, 1 already there, 0 follow-ups added"))
      << run.out;
  EXPECT_EQ(StoreList(StoreOf(again), "letters").size(), letters);
  EXPECT_EQ(StoreList(StoreOf(again), "followups").size(), follow_ups);
  EXPECT_EQ(JsonLines(RunPurr({"audit", "--db", StoreOf(again), "--json"})).size(), audit);
}

TEST_F(BatchTest, PurrSearchFindsLettersByNameReferenceAndPhrase) {
  ASSERT_FALSE(Finished().summary.empty()) << Finished().run.err;
  using Files = std::vector<std::string>;
  const std::string dispute = "2019/03/nb_001_dispute_telecom.png";
  EXPECT_EQ(Search("Haugli"), Files{dispute});                      // a name
  EXPECT_EQ(Search("\"Tor Einar Haugli\""), Files{dispute});
  EXPECT_EQ(Search("2025-020913"), Files{"vendor.zip!/box 1/en_004_more_time_payday.png"});
  EXPECT_EQ(Search("\"stanser inkassoen\""), Files{dispute});       // a phrase
  // Words of one letter only: not found in another that shares the phrase around them.
  EXPECT_EQ(Search("\"bestrider kravet\""), (Files{dispute, Archive().typed_letter}));
  EXPECT_EQ(Search("bestrider Mobilia"), Files{dispute});
  EXPECT_EQ(Search("faktura 4471"), Files{Archive().typed_letter});
  int exit_code = 0;
  EXPECT_EQ(Search("Haugli 4471", &exit_code), Files{});  // in two letters, never in one
  EXPECT_EQ(exit_code, 1);
  EXPECT_EQ(Search("\"inkassoen stanser\""), Files{});  // the words, not the phrase

  PurrRun plain = RunPurr({"search", "--db", StoreOf(Finished().out), "stanser"});
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_TRUE(Contains(plain.out, "\u00abstanser\u00bb")) << plain.out;
  EXPECT_TRUE(Contains(plain.out, "case 2024-118734")) << plain.out;
  EXPECT_TRUE(Contains(plain.out, "1 letter found")) << plain.out;
  EXPECT_EQ(RunPurr({"search", "--db", StoreOf(Finished().out), "\"unclosed"}).exit_code, 2);
}

// ---- Progress ----

// purr with its standard error (and output) on a pseudo-terminal: what a person at a
// terminal sees.
PurrRun RunPurrOnATerminal(const std::vector<std::string>& args) {
  PurrRun run;
  std::vector<std::string> argv_strings = {PURR_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) {
    ADD_FAILURE() << "forkpty failed";
    return run;
  }
  if (pid == 0) {
    execv(argv[0], argv.data());
    _exit(127);
  }
  char buf[4096];
  for (;;) {
    const ssize_t n = read(master, buf, sizeof(buf));
    if (n <= 0) break;  // EIO once the child has gone
    run.err.append(buf, static_cast<size_t>(n));
  }
  close(master);
  int status = 0;
  waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

TEST_F(BatchTest, OnATerminalALiveLineOtherwiseLogLines) {
  const std::string typed = Archive().root + "/" + Archive().typed_letter;
  PurrRun tty = RunPurrOnATerminal(
      {"batch", typed, "--out", Scratch("progress_tty"), "--rules", Repo("rules")});
  EXPECT_EQ(tty.exit_code, 0) << tty.err;
  // The line is redrawn in place (carriage return, erase) and ends with a newline.
  EXPECT_TRUE(Contains(tty.err, "\r\033[Kdocuments 1/1, pages 1/1")) << tty.err;
  EXPECT_TRUE(Contains(tty.err, "ETA")) << tty.err;
  EXPECT_TRUE(Contains(tty.err, "errors 0")) << tty.err;

  PurrRun piped = RunPurr({"batch", typed, "--out", Scratch("progress_log"), "--rules",
                           Repo("rules")});
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_FALSE(Contains(piped.err, "\r")) << piped.err;
  EXPECT_FALSE(Contains(piped.err, "\033")) << piped.err;
  EXPECT_TRUE(Contains(piped.err, "purr batch: documents 1/1, pages 1/1")) << piped.err;
}

TEST_F(BatchTest, UsageErrors) {
  const std::string out = Scratch("usage");
  EXPECT_EQ(RunPurr({"batch"}).exit_code, 2);
  EXPECT_EQ(RunPurr({"batch", Archive().root}).exit_code, 2) << "no --out";
  EXPECT_EQ(RunPurr({"batch", "--out", out}).exit_code, 2) << "no SRC";
  EXPECT_EQ(RunPurr({"batch", Archive().root, "--out", out, "--jobs", "many"}).exit_code, 2);
  EXPECT_EQ(RunPurr({"batch", Archive().root, "--out", out, "--bogus"}).exit_code, 2);
  EXPECT_FALSE(fs::exists(out)) << "a usage error touches nothing";
  PurrRun help = RunPurr({"batch", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(Contains(help.out, "--only-changed")) << help.out;
  EXPECT_TRUE(Contains(help.out, "--resume")) << help.out;
}

}  // namespace
}  // namespace purr::testing
