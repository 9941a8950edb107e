// Opening inputs and decoding their pages: Leptonica for images, poppler for PDF.
#include <leptonica/allheaders.h>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include <cctype>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>

#include "ocr/image_decode.h"
#include "ocr/ocr.h"
#include "ocr/page_source.h"
#include "ocr/pix.h"

namespace purr::ocr {
namespace {

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

}  // namespace

Result<LoadedPage> PageLoader::Load(const Document& doc, int page) {
  QuietLeptonica();
  const std::string where = Describe(doc.path(), page);
  if (page < 1 || page > doc.page_count()) {
    return Status::InvalidInput(where + ": no such page (document has " +
                                std::to_string(doc.page_count()) + ")");
  }
  if (doc.format() != Format::kPdf) return LoadImagePage(doc, page);

  if (!pdf_ || pdf_->path != doc.path() || pdf_->contents != doc.contents()) {
    Result<PopplerDoc> opened = OpenPdf(doc.path(), doc.contents().get());
    if (!opened.ok()) return opened.status();
    pdf_ = std::make_unique<PdfCache>();
    pdf_->path = doc.path();
    pdf_->contents = doc.contents();
    pdf_->doc = std::move(opened).value();
  }
  std::unique_ptr<poppler::page> pdf_page(pdf_->doc->create_page(page - 1));
  if (!pdf_page) return Status::InvalidInput(where + ": unreadable PDF page");

  LoadedPage out;
  poppler::byte_array utf8 = pdf_page->text().to_utf8();
  std::string text(utf8.begin(), utf8.end());
  if (CountTextChars(text) >= kMinTextLayerChars) {
    out.text_layer = std::move(text);
    return out;
  }
  poppler::rectf box = pdf_page->page_rect(poppler::media_box);
  const int64_t w = static_cast<int64_t>(box.width() * kPdfDpi / 72.0 + 0.5);
  const int64_t h = static_cast<int64_t>(box.height() * kPdfDpi / 72.0 + 0.5);
  if (Status s = CheckPixels(where, w, h, doc.limits()); !s.ok()) return s;

  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  renderer.set_image_format(poppler::image::format_gray8);
  poppler::image image = renderer.render_page(pdf_page.get(), kPdfDpi, kPdfDpi);
  if (!image.is_valid() || image.width() <= 0 || image.height() <= 0) {
    return Status::InvalidInput(where + ": PDF page could not be rendered");
  }
  out.pix.reset(pixCreate(image.width(), image.height(), 8));
  if (!out.pix) return Status::Internal(where + ": out of memory for the page image");
  const char* src = image.const_data();
  for (int y = 0; y < image.height(); ++y) {
    const auto* row = reinterpret_cast<const unsigned char*>(src + y * image.bytes_per_row());
    l_uint32* line = pixGetData(out.pix.get()) + y * pixGetWpl(out.pix.get());
    for (int x = 0; x < image.width(); ++x) SET_DATA_BYTE(line, x, row[x]);
  }
  pixSetResolution(out.pix.get(), kPdfDpi, kPdfDpi);
  out.dpi = kPdfDpi;
  return out;
}

}  // namespace purr::ocr
