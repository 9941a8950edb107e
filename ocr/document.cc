// Opening inputs and decoding their pages: Leptonica for images, poppler for PDF.
#include <leptonica/allheaders.h>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

#include "ocr/image_decode.h"
#include "ocr/ocr.h"
#include "ocr/page_source.h"
#include "ocr/pix.h"

namespace purr::ocr {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kPdfDpi = 300;
// Format sniffing looks at this many bytes at most.
constexpr size_t kHeadBytes = 1024;
// A PDF page whose text layer has at least this many letters or digits is taken as text.
constexpr int kMinTextLayerChars = 20;

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

void IgnorePopplerMessage(const std::string&, void*) {}

void QuietPoppler() {
  static const bool once = [] {
    poppler::set_debug_error_function(IgnorePopplerMessage, nullptr);
    return true;
  }();
  (void)once;
}

// poppler keeps locks in its global parameters and in fontconfig. A page is rendered in a
// forked child (LoadPdfPageInChild), and a child forked while another thread holds one of
// those locks would wait on it forever; so every call into poppler in this process, and
// every fork of a renderer, happens under this mutex.
std::mutex& PopplerMutex() {
  static std::mutex mutex;
  return mutex;
}

std::string Describe(const std::string& path, int page) {
  return path + " page " + std::to_string(page);
}

// Describes the first bytes of a file that is neither an image nor a PDF, for the error.
std::string MagicHint(const std::string& head) {
  std::string hint;
  for (size_t i = 0; i < head.size() && i < 8; ++i) {
    unsigned char c = static_cast<unsigned char>(head[i]);
    hint += std::isprint(c) ? static_cast<char>(c) : '.';
  }
  return hint;
}

Result<Format> SniffFormat(const std::string& path, const std::string& head) {
  // PDF readers accept "%PDF-" within the first kilobyte; so do we.
  if (head.find("%PDF-") != std::string::npos) return Format::kPdf;
  l_int32 format = IFF_UNKNOWN;
  if (head.size() >= 12) {
    findFileFormatBuffer(reinterpret_cast<const l_uint8*>(head.data()), &format);
  }
  switch (format) {
    case IFF_TIFF: case IFF_TIFF_PACKBITS: case IFF_TIFF_RLE: case IFF_TIFF_G3:
    case IFF_TIFF_G4: case IFF_TIFF_LZW: case IFF_TIFF_ZIP: case IFF_TIFF_JPEG:
      return Format::kTiff;
    case IFF_PNG: return Format::kPng;
    case IFF_JFIF_JPEG: return Format::kJpeg;
    case IFF_PNM: return Format::kPnm;
    case IFF_WEBP: return Format::kWebp;
    case IFF_BMP: return Format::kBmp;
    case IFF_GIF: return Format::kGif;
    case IFF_JP2: return Format::kJp2;
    default:
      return Status::Unsupported(path + ": not an image or PDF (starts with \"" +
                                 MagicHint(head) + "\")");
  }
}

const l_uint8* Data(const std::string& bytes) {
  return reinterpret_cast<const l_uint8*>(bytes.data());
}

// `contents`: the document's bytes, or null to read the file at `path`.
Result<int> CountTiffPages(const std::string& path, const std::string* contents) {
  // Leptonica 1.82 counts pages only through a FILE; fmemopen gives one over memory, and in
  // "rb" mode never writes through its (non-const) buffer argument.
  FilePtr f(contents != nullptr
                ? fmemopen(const_cast<char*>(contents->data()), contents->size(), "rb")
                : std::fopen(path.c_str(), "rb"));
  if (!f) return Status::IoError(path + ": cannot open: " + std::strerror(errno));
  l_int32 n = 0;
  if (tiffGetCount(f.get(), &n) != 0 || n <= 0) {
    return Status::InvalidInput(path + ": unreadable TIFF (no valid page directory)");
  }
  return static_cast<int>(n);
}

using PopplerDoc = std::unique_ptr<poppler::document>;

// `contents`: the document's bytes, or null to read the file at `path`. poppler does not copy
// `contents`: it must outlive the returned document.
Result<PopplerDoc> OpenPdf(const std::string& path, const std::string* contents) {
  QuietPoppler();
  if (contents != nullptr && contents->size() > static_cast<size_t>(INT_MAX)) {
    return Status::LimitExceeded(path + ": a PDF in memory is read only up to 2 GiB");
  }
  PopplerDoc doc(contents != nullptr
                     ? poppler::document::load_from_raw_data(contents->data(),
                                                             static_cast<int>(contents->size()))
                     : poppler::document::load_from_file(path));
  if (!doc) return Status::InvalidInput(path + ": unreadable PDF (damaged or truncated)");
  if (doc->is_locked()) {
    // A document we cannot read, not a kind of file we do not read: it fails, with why.
    return Status::InvalidInput(path +
                                ": PDF is password-protected (encrypted with a user password)");
  }
  if (doc->pages() <= 0) return Status::InvalidInput(path + ": PDF has no pages");
  return doc;
}

Status CheckSize(const std::string& path, int64_t size, const Limits& limits) {
  if (size == 0) return Status::InvalidInput(path + ": empty file (0 bytes)");
  if (size > limits.max_file_bytes) {
    return Status::LimitExceeded(path + ": " + std::to_string(size) +
                                 " bytes is over the limit of " +
                                 std::to_string(limits.max_file_bytes));
  }
  return Status::Ok();
}

Status CheckPixels(const std::string& where, int64_t w, int64_t h, const Limits& limits) {
  if (w <= 0 || h <= 0) return Status::InvalidInput(where + ": image has no pixels");
  if (w * h > limits.max_page_pixels) {
    return Status::LimitExceeded(where + ": " + std::to_string(w) + "x" + std::to_string(h) +
                                 " pixels is over the limit of " +
                                 std::to_string(limits.max_page_pixels));
  }
  return Status::Ok();
}

int CountTextChars(const std::string& text) {
  int n = 0;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c >= 0x80) ++n;
  }
  return n;
}

}  // namespace

const char* FormatName(Format format) {
  switch (format) {
    case Format::kTiff: return "tiff";
    case Format::kPng: return "png";
    case Format::kJpeg: return "jpeg";
    case Format::kPnm: return "pnm";
    case Format::kWebp: return "webp";
    case Format::kBmp: return "bmp";
    case Format::kGif: return "gif";
    case Format::kJp2: return "jp2";
    case Format::kPdf: return "pdf";
  }
  return "unknown";
}

void PixDeleter::operator()(Pix* pix) const { pixDestroy(&pix); }

void QuietLeptonica() {
  static const bool once = [] {
    setMsgSeverity(L_SEVERITY_NONE);
    return true;
  }();
  (void)once;
}

Result<Document> Document::Open(const std::string& path, const Limits& limits) {
  QuietLeptonica();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::InvalidInput(path + ": is a directory, not a file");
  }
  const auto size = static_cast<int64_t>(std::filesystem::file_size(path, ec));
  if (ec) return Status::IoError(path + ": cannot read: " + ec.message());
  if (Status s = CheckSize(path, size, limits); !s.ok()) return s;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(path + ": cannot open: " + std::strerror(errno));
  std::string head(kHeadBytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  return Inspect(path, nullptr, head, size, limits);
}

Result<Document> Document::OpenBytes(std::string bytes, std::string name, const Limits& limits) {
  QuietLeptonica();
  const auto size = static_cast<int64_t>(bytes.size());
  if (Status s = CheckSize(name, size, limits); !s.ok()) return s;
  std::string head = bytes.substr(0, kHeadBytes);
  auto contents = std::make_shared<const std::string>(std::move(bytes));
  return Inspect(std::move(name), std::move(contents), head, size, limits);
}

Result<Document> Document::Inspect(std::string path, std::shared_ptr<const std::string> contents,
                                   const std::string& head, int64_t bytes, const Limits& limits) {
  Result<Format> format = SniffFormat(path, head);
  if (!format.ok()) return format.status();
  int pages = 1;
  if (*format == Format::kTiff) {
    Result<int> n = CountTiffPages(path, contents.get());
    if (!n.ok()) return n.status();
    pages = *n;
  } else if (*format == Format::kPdf) {
    std::lock_guard<std::mutex> lock(PopplerMutex());  // held until `doc` is freed
    Result<PopplerDoc> doc = OpenPdf(path, contents.get());
    if (!doc.ok()) return doc.status();
    pages = (*doc)->pages();
  }
  if (pages > limits.max_pages) {
    return Status::LimitExceeded(path + ": " + std::to_string(pages) +
                                 " pages is over the limit of " +
                                 std::to_string(limits.max_pages));
  }
  return Document(std::move(path), std::move(contents), *format, pages, bytes, limits);
}

struct PageLoader::PdfCache {
  ~PdfCache() {
    std::lock_guard<std::mutex> lock(PopplerMutex());
    doc.reset();
  }
  std::string path;
  std::shared_ptr<const std::string> contents;  // what `doc` reads; declared first, freed last
  PopplerDoc doc;
};

PageLoader::PageLoader() = default;
PageLoader::~PageLoader() = default;

namespace {

// Leptonica's size of page `page`, from the file or from memory; false if unreadable.
bool ReadPageSize(const Document& doc, int page, l_int32* w, l_int32* h) {
  const std::string* mem = doc.contents().get();
  const char* path = doc.path().c_str();
  l_int32 bps = 0, spp = 0, res = 0, cmap = 0, format = 0;
  if (doc.format() == Format::kTiff) {
    return (mem != nullptr ? readHeaderMemTiff(Data(*mem), mem->size(), page - 1, w, h, &bps,
                                               &spp, &res, &cmap, &format)
                           : readHeaderTiff(path, page - 1, w, h, &bps, &spp, &res, &cmap,
                                            &format)) == 0;
  }
  return (mem != nullptr
              ? pixReadHeaderMem(Data(*mem), mem->size(), &format, w, h, &bps, &spp, &cmap)
              : pixReadHeader(path, &format, w, h, &bps, &spp, &cmap)) == 0;
}

Pix* DecodePage(const Document& doc, int page) {
  const std::string* mem = doc.contents().get();
  if (doc.format() == Format::kTiff) {
    return mem != nullptr ? pixReadMemTiff(Data(*mem), mem->size(), page - 1)
                          : pixReadTiff(doc.path().c_str(), page - 1);
  }
  return mem != nullptr ? pixReadMem(Data(*mem), mem->size()) : pixRead(doc.path().c_str());
}

// PNG and JPEG through purr's decoders, so that the libraries' messages reach the Status.
Result<LoadedPage> LoadPngOrJpeg(const Document& doc, const std::string& where) {
  std::string file_bytes;
  const std::string* bytes = doc.contents().get();
  if (bytes == nullptr) {
    std::ifstream in(doc.path(), std::ios::binary);
    if (!in) return Status::IoError(where + ": cannot open: " + std::strerror(errno));
    file_bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) return Status::IoError(where + ": cannot read: " + std::strerror(errno));
    bytes = &file_bytes;
  }
  auto check = [&](int64_t w, int64_t h) { return CheckPixels(where, w, h, doc.limits()); };
  Result<DecodedImage> image =
      doc.format() == Format::kPng ? DecodePng(*bytes, check) : DecodeJpeg(*bytes, check);
  if (!image.ok()) {
    const Status& s = image.status();
    if (s.code() == Status::Code::kInvalidInput) {
      return Status::InvalidInput(where + ": cannot decode " +
                                  std::string(FormatName(doc.format())) + " image: " +
                                  s.message());
    }
    if (s.message().rfind(where, 0) == 0) return s;  // CheckPixels names the page itself
    return s.WithContext(where);
  }
  LoadedPage out;
  out.pix = std::move(image->pix);
  out.dpi = image->dpi;
  return out;
}

Result<LoadedPage> LoadImagePage(const Document& doc, int page) {
  const std::string where = Describe(doc.path(), page);
  if (doc.format() == Format::kPng || doc.format() == Format::kJpeg) {
    return LoadPngOrJpeg(doc, where);
  }
  l_int32 w = 0, h = 0;
  if (!ReadPageSize(doc, page, &w, &h)) {
    const std::string what = doc.format() == Format::kTiff ? "TIFF page" : FormatName(doc.format());
    return Status::InvalidInput(where + ": unreadable " + what + " header");
  }
  if (Status s = CheckPixels(where, w, h, doc.limits()); !s.ok()) return s;

  LoadedPage out;
  out.pix.reset(DecodePage(doc, page));
  if (!out.pix) {
    return Status::InvalidInput(where + ": cannot decode " +
                                std::string(FormatName(doc.format())) +
                                " image (corrupt or truncated)");
  }
  out.dpi = pixGetXRes(out.pix.get());
  return out;
}

// --- PDF pages in a child process --------------------------------------------------------
//
// poppler cannot be interrupted: a page whose content is millions of syntax errors, a stream
// that inflates to gigabytes or a huge embedded image keeps it busy as long as it likes, and a
// bug in it would take the whole worker down with it. So a page's text layer is read, and the
// page rendered, in a child forked for that page. The parent waits until the page's budget
// runs out and then kills it; a crash or the memory limit ends only the child; and what the
// libraries print on stderr (libjpeg's "Corrupt JPEG data" for an image inside the PDF) is
// caught in the child and comes back as the page's warnings, never on purr's stderr.

// What the child sends: a byte for the kind, 8 bytes of payload length, the payload. Warnings
// come first; exactly one text layer, image or error ends the stream.
constexpr char kRecordWarning = 'W';
constexpr char kRecordText = 'T';
constexpr char kRecordImage = 'I';  // payload: 4 bytes width, 4 bytes height, grey rows
constexpr char kRecordError = 'E';  // payload: 1 byte Status::Code, the message
// The child may use this much address space beyond what it inherits, plus 4 bytes a pixel.
constexpr int64_t kRendererSpareBytes = 1LL << 30;
// The image crosses the pipe in pieces of about this size; the pipe holds as much.
constexpr size_t kPipeChunk = 1 << 20;
// poppler errors on a page before they are worth a warning (a few are common in real PDFs).
constexpr int kManyPopplerErrors = 100;

bool WriteAll(int fd, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t written = write(fd, p, n);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    p += written;
    n -= static_cast<size_t>(written);
  }
  return true;
}

bool WriteRecordHead(int fd, char kind, uint64_t length) {
  char head[9];
  head[0] = kind;
  std::memcpy(head + 1, &length, sizeof(length));
  return WriteAll(fd, head, sizeof(head));
}

bool WriteRecord(int fd, char kind, const std::string& payload) {
  return WriteRecordHead(fd, kind, payload.size()) && WriteAll(fd, payload.data(), payload.size());
}

struct PopplerErrors {
  int64_t count = 0;
  std::string first;
};

void CountPopplerError(const std::string& message, void* closure) {
  auto* errors = static_cast<PopplerErrors*>(closure);
  if (errors->count++ == 0) errors->first = message;
}

// Caps the child's address space at what it has now plus its allowance, so that a page that
// wants more fails in the child (poppler's allocation fails and the child dies) instead of
// driving the host into swap.
void LimitAddressSpace(const Limits& limits) {
  long pages = 0;
  if (FILE* statm = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(statm, "%ld", &pages) != 1) pages = 0;
    std::fclose(statm);
  }
  if (pages <= 0) return;
  const int64_t now = static_cast<int64_t>(pages) * sysconf(_SC_PAGESIZE);
  const int64_t allowance = kRendererSpareBytes + 4 * limits.max_page_pixels;
  struct rlimit limit;
  limit.rlim_cur = limit.rlim_max = static_cast<rlim_t>(now + allowance);
  setrlimit(RLIMIT_AS, &limit);
}

// What the libraries printed on the child's stderr, a line each, at most a few.
std::vector<std::string> ReadMessages(int fd) {
  std::vector<std::string> lines;
  if (fd < 0 || lseek(fd, 0, SEEK_SET) != 0) return lines;
  char buffer[4096];
  ssize_t n = read(fd, buffer, sizeof(buffer));
  if (n <= 0) return lines;
  std::string text(buffer, static_cast<size_t>(n));
  size_t start = 0;
  while (start < text.size() && lines.size() < 5) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
    bool seen = false;
    for (const std::string& l : lines) seen = seen || l == line;
    if (!line.empty() && !seen) lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

// The child: reads page `index` of `doc` (a copy-on-write copy of the parent's), writes
// records to `out` and exits without running the parent's exit handlers.
[[noreturn]] void RenderPdfPageAndExit(poppler::document* doc, int index,
                                       const std::string& where, const Limits& limits, int out) {
  const int messages = memfd_create("purr-pdf-messages", 0);
  if (messages >= 0) dup2(messages, STDERR_FILENO);
  LimitAddressSpace(limits);
  PopplerErrors errors;
  poppler::set_debug_error_function(CountPopplerError, &errors);

  auto send_warnings = [&]() {
    for (const std::string& line : ReadMessages(messages)) {
      WriteRecord(out, kRecordWarning, "the PDF's image decoder reported: " + line +
                                           " (the page may be incomplete)");
    }
    if (errors.count >= kManyPopplerErrors) {
      WriteRecord(out, kRecordWarning,
                  "the PDF page has " + std::to_string(errors.count) +
                      " errors in its content (first: " + errors.first.substr(0, 120) +
                      "); the page may be incomplete");
    }
  };
  auto fail = [&](const Status& s) {
    send_warnings();
    WriteRecord(out, kRecordError, std::string(1, static_cast<char>(s.code())) + s.message());
    _exit(0);
  };

  std::unique_ptr<poppler::page> pdf_page(doc->create_page(index));
  if (!pdf_page) fail(Status::InvalidInput(where + ": unreadable PDF page"));
  poppler::byte_array utf8 = pdf_page->text().to_utf8();
  std::string text(utf8.begin(), utf8.end());
  if (CountTextChars(text) >= kMinTextLayerChars) {
    send_warnings();
    _exit(WriteRecord(out, kRecordText, text) ? 0 : 1);
  }
  poppler::rectf box = pdf_page->page_rect(poppler::media_box);
  const int64_t w = static_cast<int64_t>(box.width() * kPdfDpi / 72.0 + 0.5);
  const int64_t h = static_cast<int64_t>(box.height() * kPdfDpi / 72.0 + 0.5);
  if (Status s = CheckPixels(where, w, h, limits); !s.ok()) fail(s);

  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  renderer.set_image_format(poppler::image::format_gray8);
  poppler::image image = renderer.render_page(pdf_page.get(), kPdfDpi, kPdfDpi);
  if (!image.is_valid() || image.width() <= 0 || image.height() <= 0) {
    fail(Status::InvalidInput(where + ": PDF page could not be rendered"));
  }
  if (Status s = CheckPixels(where, image.width(), image.height(), limits); !s.ok()) fail(s);
  send_warnings();
  const uint32_t size[2] = {static_cast<uint32_t>(image.width()),
                            static_cast<uint32_t>(image.height())};
  const uint64_t length = sizeof(size) + static_cast<uint64_t>(size[0]) * size[1];
  bool ok = WriteRecordHead(out, kRecordImage, length) && WriteAll(out, size, sizeof(size));
  // Rows go out a megabyte at a time: a write per row costs more than the copy.
  std::string chunk;
  chunk.reserve(kPipeChunk + size[0]);
  const char* src = image.const_data();
  for (int y = 0; ok && y < image.height(); ++y) {
    chunk.append(src + static_cast<int64_t>(y) * image.bytes_per_row(), size[0]);
    if (chunk.size() >= kPipeChunk || y + 1 == image.height()) {
      ok = WriteAll(out, chunk.data(), chunk.size());
      chunk.clear();
    }
  }
  _exit(ok ? 0 : 1);
}

Status StatusOf(Status::Code code, std::string message) {
  switch (code) {
    case Status::Code::kInvalidInput: return Status::InvalidInput(std::move(message));
    case Status::Code::kUnsupported: return Status::Unsupported(std::move(message));
    case Status::Code::kLimitExceeded: return Status::LimitExceeded(std::move(message));
    case Status::Code::kTimedOut: return Status::TimedOut(std::move(message));
    default: return Status::Internal(std::move(message));
  }
}

// Reads exactly `n` bytes from `fd` before `until`: 1 when read, 0 at the end of the stream,
// -1 when the time ran out.
int ReadExact(int fd, void* data, size_t n, Clock::time_point until) {
  char* p = static_cast<char*>(data);
  while (n > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    if (left.count() <= 0) return -1;
    struct pollfd pfd = {fd, POLLIN, 0};
    const int ready = poll(&pfd, 1, static_cast<int>(std::min<int64_t>(left.count(), INT_MAX)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return -1;
    if (ready < 0) return 0;
    ssize_t got = read(fd, p, n);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return 0;
    p += got;
    n -= static_cast<size_t>(got);
  }
  return 1;
}

std::string DescribeExit(int wait_status) {
  if (WIFSIGNALED(wait_status)) {
    const int sig = WTERMSIG(wait_status);
    const char* name = sigabbrev_np(sig);
    return std::string("stopped by signal ") + (name != nullptr ? std::string("SIG") + name
                                                                 : std::to_string(sig));
  }
  if (WIFEXITED(wait_status)) return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
  return "ended";
}

// Reads page `index` of `doc` in a child process within `budget`.
Result<LoadedPage> LoadPdfPageInChild(poppler::document* doc, int index, const std::string& where,
                                      const Limits& limits, std::chrono::milliseconds budget) {
  const Clock::time_point until = Clock::now() + budget;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return Status::Internal(where + ": cannot start the PDF renderer: " + std::strerror(errno));
  }
  fcntl(fds[0], F_SETPIPE_SZ, static_cast<int>(kPipeChunk));  // a smaller pipe still works
  pid_t pid;
  {
    std::lock_guard<std::mutex> lock(PopplerMutex());
    pid = fork();
  }
  if (pid == 0) {
    close(fds[0]);
    RenderPdfPageAndExit(doc, index, where, limits, fds[1]);
  }
  const int fork_errno = errno;
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    return Status::Internal(where + ": cannot start the PDF renderer: " +
                            std::strerror(fork_errno));
  }
  const int in = fds[0];
  LoadedPage out;
  Status status = Status::Ok();
  bool timed_out = false, ended = false;
  while (!ended) {
    char head[9];
    int r = ReadExact(in, head, sizeof(head), until);
    uint64_t length = 0;
    std::memcpy(&length, head + 1, sizeof(length));
    if (r == 1 && head[0] != kRecordImage && length > (64u << 20)) r = 0;  // not ours
    if (r != 1) {
      timed_out = r < 0;
      break;
    }
    if (head[0] == kRecordImage) {
      uint32_t size[2] = {0, 0};
      r = ReadExact(in, size, sizeof(size), until);
      if (r == 1 && (length != sizeof(size) + static_cast<uint64_t>(size[0]) * size[1] ||
                     !CheckPixels(where, size[0], size[1], limits).ok())) {
        r = 0;
      }
      if (r == 1) {
        out.pix.reset(pixCreate(static_cast<l_int32>(size[0]), static_cast<l_int32>(size[1]), 8));
        if (!out.pix) {
          status = Status::Internal(where + ": out of memory for the page image");
          break;
        }
        // Whole rows, a megabyte or so at a time.
        const uint32_t rows_per_chunk = std::max<uint32_t>(1, kPipeChunk / size[0]);
        std::string rows;
        for (uint32_t y = 0; r == 1 && y < size[1]; y += rows_per_chunk) {
          const uint32_t n = std::min(rows_per_chunk, size[1] - y);
          rows.resize(static_cast<size_t>(n) * size[0]);
          r = ReadExact(in, rows.data(), rows.size(), until);
          for (uint32_t k = 0; r == 1 && k < n; ++k) {
            l_uint32* line = pixGetData(out.pix.get()) + (y + k) * pixGetWpl(out.pix.get());
            const auto* row = reinterpret_cast<const unsigned char*>(rows.data()) +
                              static_cast<size_t>(k) * size[0];
            for (uint32_t x = 0; x < size[0]; ++x) SET_DATA_BYTE(line, x, row[x]);
          }
        }
      }
      if (r != 1) {
        out.pix.reset();
        timed_out = r < 0;
        break;
      }
      pixSetResolution(out.pix.get(), kPdfDpi, kPdfDpi);
      out.dpi = kPdfDpi;
      ended = true;
      continue;
    }
    std::string payload(length, '\0');
    r = ReadExact(in, payload.data(), payload.size(), until);
    if (r != 1) {
      timed_out = r < 0;
      break;
    }
    switch (head[0]) {
      case kRecordWarning: out.warnings.push_back(std::move(payload)); break;
      case kRecordText: out.text_layer = std::move(payload); ended = true; break;
      case kRecordError:
        status = payload.empty()
                     ? Status::Internal(where + ": the PDF renderer failed")
                     : StatusOf(static_cast<Status::Code>(payload[0]), payload.substr(1));
        ended = true;
        break;
      default: ended = true; status = Status::Internal(where + ": the PDF renderer sent garbage");
    }
  }
  close(in);
  if (timed_out) kill(pid, SIGKILL);
  int wait_status = 0;
  while (waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    return Status::TimedOut(where + ": PDF page not rendered within " +
                            std::to_string(budget.count()) + " ms (its renderer was stopped)");
  }
  if (!status.ok()) return status;
  if (!ended) {
    return Status::InvalidInput(where + ": the PDF renderer " + DescribeExit(wait_status) +
                                " on this page (damaged, or over the memory limit)");
  }
  return out;
}

}  // namespace

Result<LoadedPage> PageLoader::Load(const Document& doc, int page,
                                    std::chrono::milliseconds budget) {
  QuietLeptonica();
  const std::string where = Describe(doc.path(), page);
  if (page < 1 || page > doc.page_count()) {
    return Status::InvalidInput(where + ": no such page (document has " +
                                std::to_string(doc.page_count()) + ")");
  }
  if (doc.format() != Format::kPdf) return LoadImagePage(doc, page);

  if (!pdf_ || pdf_->path != doc.path() || pdf_->contents != doc.contents()) {
    pdf_.reset();
    std::lock_guard<std::mutex> lock(PopplerMutex());
    Result<PopplerDoc> opened = OpenPdf(doc.path(), doc.contents().get());
    if (!opened.ok()) return opened.status();
    pdf_ = std::make_unique<PdfCache>();
    pdf_->path = doc.path();
    pdf_->contents = doc.contents();
    pdf_->doc = std::move(opened).value();
  }
  return LoadPdfPageInChild(pdf_->doc.get(), page - 1, where, doc.limits(), budget);
}

}  // namespace purr::ocr
