#include "worker/ocr_runner.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace purr {
namespace {

struct Task {
  size_t doc;
  int page;  // 0: every page of the document in order (archive outputs)
};

struct DocState {
  std::optional<ocr::Document> doc;
  OcrOutcome outcome;
  int remaining = 0;
  bool outputs = false;
};

std::string OutputBase(const std::string& out, const std::string& file, const char* ext,
                       bool single) {
  if (single) {
    // Tesseract's renderers append the extension themselves.
    std::string base = out;
    const std::string suffix = std::string(".") + ext;
    if (base.size() > suffix.size() &&
        base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0) {
      base.resize(base.size() - suffix.size());
    }
    return base;
  }
  return (std::filesystem::path(out) / std::filesystem::path(file).stem()).string();
}

class Job {
 public:
  Job(const std::vector<std::string>& files, const OcrJobOptions& options,
      const std::function<void(OcrOutcome&&)>& emit)
      : options_(options), emit_(emit), docs_(files.size()) {
    const bool outputs = !options.pdf_out.empty() || !options.hocr_out.empty();
    for (size_t i = 0; i < files.size(); ++i) {
      DocState& state = docs_[i];
      state.outcome.file = files[i];
      Result<ocr::Document> doc = ocr::Document::Open(files[i], options.limits);
      if (!doc.ok()) {
        state.outcome.status = doc.status();
        continue;
      }
      state.outcome.format = ocr::FormatName(doc->format());
      state.outcome.pages.resize(static_cast<size_t>(doc->page_count()));
      state.doc = std::move(doc).value();
      state.outputs = outputs;
      if (outputs) {
        state.remaining = 1;
        tasks_.push_back({i, 0});
      } else {
        state.remaining = state.doc->page_count();
        for (int p = 1; p <= state.doc->page_count(); ++p) tasks_.push_back({i, p});
      }
    }
  }

  Status Run() {
    int threads = options_.threads > 0 ? options_.threads
                                       : static_cast<int>(std::thread::hardware_concurrency());
    threads = std::max(1, std::min<int>(threads, static_cast<int>(std::max<size_t>(1, tasks_.size()))));
    Flush();  // files that failed to open before any page work
    std::vector<std::thread> pool;
    std::vector<Status> init(static_cast<size_t>(threads));
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([this, t, &init] { init[static_cast<size_t>(t)] = Work(); });
    }
    for (std::thread& th : pool) th.join();
    for (const Status& s : init) {
      if (!s.ok()) return s;
    }
    Flush();
    return Status::Ok();
  }

 private:
  Status Work() {
    Result<std::unique_ptr<ocr::Engine>> engine = ocr::Engine::Create(options_.engine);
    if (!engine.ok()) {
      stop_ = true;
      return engine.status();
    }
    while (!stop_) {
      const size_t index = next_.fetch_add(1);
      if (index >= tasks_.size()) break;
      const Task& task = tasks_[index];
      DocState& state = docs_[task.doc];
      if (task.page > 0) {
        ocr::PageResult page = (*engine)->RecognizePage(*state.doc, task.page);
        Finish(task.doc, task.page, std::move(page));
      } else {
        RunWithOutputs(**engine, task.doc);
      }
    }
    return Status::Ok();
  }

  void RunWithOutputs(ocr::Engine& engine, size_t doc_index) {
    DocState& state = docs_[doc_index];
    const std::string& file = state.outcome.file;
    Status status;
    if (!options_.pdf_out.empty()) {
      status = engine.BeginSearchablePdf(
          OutputBase(options_.pdf_out, file, "pdf", options_.single_output), file);
    }
    if (status.ok() && !options_.hocr_out.empty()) {
      status = engine.BeginHocr(
          OutputBase(options_.hocr_out, file, "hocr", options_.single_output), file);
    }
    std::vector<ocr::PageResult> pages;
    for (int p = 1; p <= state.doc->page_count(); ++p) {
      pages.push_back(engine.RecognizePage(*state.doc, p));
    }
    Status end = engine.EndRenderers();
    if (status.ok()) status = end;
    std::lock_guard<std::mutex> lock(mu_);
    state.outcome.pages = std::move(pages);
    if (!status.ok()) state.outcome.status = status.WithContext(file);
    state.remaining = 0;
    FlushLocked();
  }

  void Finish(size_t doc_index, int page, ocr::PageResult result) {
    std::lock_guard<std::mutex> lock(mu_);
    DocState& state = docs_[doc_index];
    state.outcome.pages[static_cast<size_t>(page - 1)] = std::move(result);
    --state.remaining;
    FlushLocked();
  }

  void Flush() {
    std::lock_guard<std::mutex> lock(mu_);
    FlushLocked();
  }

  void FlushLocked() {
    while (emitted_ < docs_.size() && docs_[emitted_].remaining == 0) {
      emit_(std::move(docs_[emitted_].outcome));
      docs_[emitted_].outcome = OcrOutcome();
      ++emitted_;
    }
  }

  const OcrJobOptions& options_;
  const std::function<void(OcrOutcome&&)>& emit_;
  std::vector<Task> tasks_;          // constant once Run() starts
  std::atomic<size_t> next_{0};
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<DocState> docs_;       // pages and counters guarded by mu_
  size_t emitted_ = 0;               // guarded by mu_
};

}  // namespace

int OcrOutcome::failed_pages() const {
  return static_cast<int>(std::count_if(pages.begin(), pages.end(),
                                        [](const ocr::PageResult& p) { return !p.status.ok(); }));
}

Status RunOcrJob(const std::vector<std::string>& files, const OcrJobOptions& options,
                 const std::function<void(OcrOutcome&&)>& emit) {
  Job job(files, options, emit);
  return job.Run();
}

}  // namespace purr
