// purr's OCR engine: scanned letters (TIFF, PNG, JPEG, PNM, WebP, PDF) in, text per page out.
//
// Two steps, so that a caller can spread the pages of many documents over threads while
// holding only one decoded page per thread in memory:
//
//   Result<Document> doc = Document::Open("letter.tif", limits);   // sniff, count, check
//   std::unique_ptr<Engine> engine = Engine::Create(options).value();  // once per thread
//   PageResult page = engine->RecognizePage(*doc, 1);               // decode + OCR one page
//
// Document is a small value (path, format, page count); opening it reads headers only.
// Document::OpenBytes does the same for bytes already in memory (an e-mail attachment),
// which the Document then holds; either way only one page at a time is decoded.
// Engine owns Tesseract instances and is used by one thread at a time; create one per
// worker thread and reuse it for every page (initialisation costs far more than a page).
//
// Errors: Document::Open fails for an unreadable, empty, truncated or unknown file and for
// one over the byte or page limits, with a message naming the file (OpenBytes: the name it
// was given). RecognizePage never
// throws; a page that cannot be decoded, is over the pixel limit or runs past its deadline
// comes back with a failed PageResult::status naming the file and page, and the other pages
// of the document are unaffected.
#ifndef PURR_OCR_OCR_H_
#define PURR_OCR_OCR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace purr::ocr {

enum class Format { kTiff, kPng, kJpeg, kPnm, kWebp, kBmp, kGif, kJp2, kPdf };

// "tiff", "png", ..., "pdf".
const char* FormatName(Format format);

struct Limits {
  int64_t max_file_bytes = 512LL << 20;  // larger files are refused unread
  int max_pages = 1000;                  // documents with more pages are refused
  // Pages with more pixels (after rendering, before any rescaling) are refused: an A4 page at
  // 600 dpi is 35 Mpx; 100 Mpx of 8-bit grey is 100 MB per copy.
  int64_t max_page_pixels = 100'000'000;
};

// An input file, or bytes in memory, whose format and page count are known. Cheap to copy:
// copies of an in-memory document share its bytes, which are never modified, so copies may
// be read on different threads.
class Document {
 public:
  // Reads the file's magic bytes and headers (not its pixels) to find the format from the
  // content, never from the name, and counts its pages.
  static Result<Document> Open(const std::string& path, const Limits& limits);
  // The same for a document in memory: the same sniffing, limits (max_file_bytes applies to
  // bytes.size()) and errors, with `name` (e.g. an attachment's file name) standing for the
  // path in every message. The Document keeps `bytes` for decoding its pages later.
  static Result<Document> OpenBytes(std::string bytes, std::string name, const Limits& limits);

  // The file's path, or the name given to OpenBytes: what messages call the document.
  const std::string& path() const { return path_; }
  Format format() const { return format_; }
  int page_count() const { return page_count_; }
  int64_t bytes() const { return bytes_; }
  const Limits& limits() const { return limits_; }
  // OpenBytes: the document's bytes. Null for a file, whose pages are read from the file.
  const std::shared_ptr<const std::string>& contents() const { return contents_; }

 private:
  Document(std::string path, std::shared_ptr<const std::string> contents, Format format,
           int pages, int64_t bytes, Limits limits)
      : path_(std::move(path)), contents_(std::move(contents)), format_(format),
        page_count_(pages), bytes_(bytes), limits_(limits) {}
  // Sniffs `head` (the first bytes) and counts the pages of the file or `contents`.
  static Result<Document> Inspect(std::string path, std::shared_ptr<const std::string> contents,
                                  const std::string& head, int64_t bytes, const Limits& limits);

  std::string path_;
  std::shared_ptr<const std::string> contents_;
  Format format_;
  int page_count_;
  int64_t bytes_;
  Limits limits_;
};

// One recognised word. The box is in the pixel coordinates of the normalised page (upright,
// deskewed, scaled to PageResult::dpi); see PageResult::width and height. Multiplied by
// PageResult::page_image_scale it is in the pixels of PageResult::page_png.
struct Word {
  std::string text;
  int x = 0, y = 0, width = 0, height = 0;
  float confidence = 0;  // 0-100
};

// Time spent in one stage of one page, in milliseconds.
struct StageTime {
  std::string stage;  // "load", "grey", "border", "binarize", "scale", "orient", "deskew", "despeckle",
                      // "language", "recognize", "retry", "second_image", "page_image"
  double ms = 0;
};

struct PageResult {
  int page = 0;              // 1-based
  Status status;             // not ok: the page failed (timed out, too large, undecodable)
  std::string text;          // UTF-8; lines separated by '\n', paragraphs by a blank line
  double confidence = 0;     // mean word confidence, 0-100
  int rotation = 0;          // degrees the page was turned clockwise to make it upright
  bool rotation_by_osd = false;  // the cheap detector was unsure and Tesseract OSD decided
  double skew = 0;           // degrees of skew found and removed (positive: counter-clockwise)
  std::string source;        // "ocr", or "text_layer" for a PDF page with real text
  std::string language;      // language models used, e.g. "swe" or "nor+dan+swe+eng"
  int dpi = 0;               // resolution of the normalised page, as Tesseract was told it
  // The resolution the file states (0: none), and the one measured from the text itself:
  // its x-height as a resolution, 300 for the x-height of 10-11 pt type at 300 dpi (20 px);
  // 0 when the page has too little text to measure. A page is scaled by its measured
  // resolution when it has one (text too small or too large for Tesseract), otherwise by
  // the stated one; `scale` is the factor applied.
  int stated_dpi = 0;
  int measured_dpi = 0;
  double scale = 1;
  // Share of the image (0-1) that was a dark scanner bed around the page, painted as paper
  // before layout analysis.
  double border_share = 0;
  int width = 0, height = 0; // size of the normalised page in pixels
  // Ink on the page that looks like text (glyph-sized connected components) against the
  // characters recognised: a low ratio means text was lost and a warning is given.
  int ink_glyphs = 0;
  // Nothing was read and the page has no ink that looks like text: a blank or cover sheet.
  // Its confidence is 0 and a warning says so. A page with ink but (almost) no text read
  // also has confidence 0; one that yielded far fewer characters than its ink suggests has
  // its confidence lowered in proportion.
  bool blank = false;
  std::vector<std::string> warnings;
  std::vector<Word> words;   // only when EngineOptions::words is set
  // Only when EngineOptions::page_image_max_width > 0: the normalised page that `words` and
  // width x height refer to (the grey image before binarisation, paper made white), as an
  // 8-bit grey PNG downscaled, never upscaled, to at most page_image_max_width pixels wide.
  // A page pixel (x, y) is PNG pixel (x, y) * page_image_scale, for both axes (the PNG's
  // height is height * page_image_scale, rounded). Also made for a page whose recognition
  // timed out. Empty when the option is off, for a "text_layer" PDF page (it has no image),
  // for a page that failed before its image was normalised, and when the PNG could not be
  // made (then `warnings` says so).
  std::string page_png;
  double page_image_scale = 0;  // PNG width / width: 1 when not downscaled; 0 when no PNG
  std::vector<StageTime> stages;
  double ms = 0;             // wall time for the whole page
};

struct EngineOptions {
  // Tesseract language models the engine may use, most likely first. purr detects each
  // page's language on a sample of its lines and then recognises the page with that
  // language's model alone, which is both faster and more accurate (Swedish "ä" is read as
  // "å" when the Norwegian model leads). Unknown or mixed pages use all of them.
  std::vector<std::string> languages = {"nor", "swe", "dan", "eng"};
  std::string tessdata_dir;         // empty: Tesseract's default
  int page_deadline_ms = 20000;     // per page, from decoding to the end of recognition
  bool words = false;               // fill PageResult::words
  bool detect_language = true;      // false: always use all languages together
  // Pages whose text size cannot be measured (too little text) and whose stated resolution
  // is outside are rescaled to 300 dpi; measured pages are scaled by their text's size.
  int min_dpi = 250, max_dpi = 400;
  // > 0: fill PageResult::page_png with the normalised page at most this many pixels wide
  // (1240 is an A4 page at 150 dpi: 40-60 KB for a 300 dpi scan, under 200 KB for a fax).
  // Costs 35-70 ms a page, spent after recognition and outside page_deadline_ms.
  // 0 (the default): no image and no cost.
  int page_image_max_width = 0;
};

// Recognises pages. One Engine per thread: it is not thread-safe, and it holds several
// Tesseract instances (one per language plus the combined one), created once.
class Engine {
 public:
  // Fails if Tesseract cannot load a requested language model.
  static Result<std::unique_ptr<Engine>> Create(const EngineOptions& options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Decodes page `page` (1-based) of `doc` and recognises it within the deadline.
  PageResult RecognizePage(const Document& doc, int page);

  // Optional archive outputs. While a renderer is open, every page recognised is added to
  // it in the order RecognizePage is called: call RecognizePage for the document's pages in
  // order between Begin and End. `out_base` gets ".pdf" / ".hocr" appended.
  // The searchable PDF holds the normalised page image with an invisible text layer.
  Status BeginSearchablePdf(const std::string& out_base, const std::string& title);
  Status BeginHocr(const std::string& out_base, const std::string& title);
  Status EndRenderers();

  const EngineOptions& options() const;

 private:
  struct Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Below this mean word confidence (0-100) a page's text is not to be trusted unchecked.
constexpr double kLowReadConfidence = 60;

// Why a person should check what was read from `page`, or "" when nothing calls for it: a
// page read with a confidence under kLowReadConfidence, which includes a page with ink but
// (almost) nothing recognised. A blank page, a PDF page's text layer and a failed page
// (its status says why) give "".
std::string ReadDoubt(const PageResult& page);

// Character error rate of `hypothesis` against `reference`: edit distance over the
// reference's length in Unicode code points, both NFC-free but whitespace-normalised
// (runs of white space become one space; leading and trailing space dropped).
double CharacterErrorRate(const std::string& reference, const std::string& hypothesis);

}  // namespace purr::ocr

#endif  // PURR_OCR_OCR_H_
