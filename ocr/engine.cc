// Recognition with the Tesseract API: one set of Tesseract instances per Engine (per thread).
#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>
#include <tesseract/renderer.h>

#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "ocr/language.h"
#include "ocr/ocr.h"
#include "ocr/page_image.h"
#include "ocr/page_source.h"
#include "ocr/preprocess.h"

namespace purr::ocr {
namespace {

using Clock = std::chrono::steady_clock;

struct TessDeleter {
  void operator()(tesseract::TessBaseAPI* api) const {
    api->End();
    delete api;
  }
};
using TessPtr = std::unique_ptr<tesseract::TessBaseAPI, TessDeleter>;

// Lines of the page read to decide its language: two usually carry enough distinctive words
// (each line read costs a twelfth of a typical letter's recognition); three more if not.
constexpr size_t kSampleLines[] = {2, 3};
// Below this share of the glyph-like ink recognised as characters, text was probably lost.
constexpr double kMinYield = 0.6;
constexpr int kMinGlyphsForYieldCheck = 150;
// A page read to fewer characters than this is read once more from its grey image.
constexpr int kMinFallbackChars = 20;
// Orientation check: lines read in each orientation, and how much better (mean word
// confidence, 0-100) a turned page must read to be turned.
constexpr size_t kOrientationSampleLines = 3;
constexpr int kMinRotationGain = 10;
// A page with fewer glyph-like marks than this and no text read is blank (a cover sheet).
constexpr int kMaxBlankGlyphs = 10;
// Words read with less confidence than this do not count when two reads are compared.
constexpr float kMinWordConfidence = 50;
// A re-read as one block is kept only if its mean confidence is at most this much lower.
constexpr int kMaxConfidenceDrop = 10;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string Join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

// Number of non-space code points.
int CountChars(const std::string& text) {
  int n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80 && c != ' ' && c != '\n' && c != '\t' && c != '\r') ++n;
  }
  return n;
}

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\t'; }

// Tesseract reads a lone capital I in sans-serif fonts as a vertical bar. Letters to a
// collection agency have no use for a bar standing alone as a word, so it becomes "I".
void FixLoneBars(std::string* text) {
  for (size_t i = 0; i < text->size(); ++i) {
    if ((*text)[i] != '|') continue;
    const bool starts = i == 0 || IsSpace((*text)[i - 1]);
    const bool ends = i + 1 == text->size() || IsSpace((*text)[i + 1]);
    if (starts && ends) (*text)[i] = 'I';
  }
}

std::string TakeText(char* raw) {
  std::string text = raw ? raw : "";
  delete[] raw;
  // Tesseract ends a page with blank lines; one newline is enough.
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  FixLoneBars(&text);
  return text;
}

// The deadline as Tesseract's progress monitor sees it: checked between words.
struct Deadline {
  Clock::time_point at;
  bool expired() const { return Clock::now() >= at; }
  int remaining_ms() const {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(at - Clock::now());
    return static_cast<int>(std::max<int64_t>(1, left.count()));
  }
};

bool CancelAtDeadline(void* deadline, int /*words*/) {
  return static_cast<Deadline*>(deadline)->expired();
}

}  // namespace

struct Engine::Impl {
  EngineOptions options;
  std::string all_languages;               // "nor+swe+dan+eng"
  std::map<std::string, TessPtr> apis;     // by language string, created on first use
  TessPtr osd;
  bool osd_failed = false;
  PageLoader loader;
  int reads_ = 0;  // recognitions so far (Read::serial)
  std::unique_ptr<tesseract::TessResultRenderer> renderers;  // chain, or null
  std::string renderer_error;

  Result<tesseract::TessBaseAPI*> Api(const std::string& languages) {
    auto it = apis.find(languages);
    if (it != apis.end()) return it->second.get();
    TessPtr api(new tesseract::TessBaseAPI());
    const char* datapath = options.tessdata_dir.empty() ? nullptr : options.tessdata_dir.c_str();
    if (api->Init(datapath, languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0) {
      return Status::NotFound("Tesseract cannot load language model(s) '" + languages +
                              "' (is the tesseract-ocr-* package installed?)");
    }
    api->SetVariable("debug_file", "/dev/null");
    api->SetPageSegMode(tesseract::PSM_AUTO);
    tesseract::TessBaseAPI* raw = api.get();
    apis.emplace(languages, std::move(api));
    return raw;
  }

  std::optional<int> DetectWithOsd(Pix* binary) {
    if (!osd && !osd_failed) {
      osd.reset(new tesseract::TessBaseAPI());
      const char* datapath =
          options.tessdata_dir.empty() ? nullptr : options.tessdata_dir.c_str();
      if (osd->Init(datapath, "osd", tesseract::OEM_TESSERACT_ONLY) != 0) {
        osd.reset();
        osd_failed = true;
      } else {
        osd->SetVariable("debug_file", "/dev/null");
        osd->SetPageSegMode(tesseract::PSM_OSD_ONLY);
      }
    }
    if (!osd) return std::nullopt;
    osd->SetImage(binary);
    osd->SetSourceResolution(300);
    int degrees = 0;
    float conf = 0, script_conf = 0;
    const char* script = nullptr;
    bool found = osd->DetectOrientationScript(&degrees, &conf, &script, &script_conf);
    osd->Clear();
    if (!found || conf < 1.5f) return std::nullopt;
    return degrees;
  }

  // Recognises the current image/rectangle of `api`; returns false at the deadline.
  bool Run(tesseract::TessBaseAPI* api, Deadline* deadline) {
    tesseract::ETEXT_DESC monitor;
    monitor.cancel = CancelAtDeadline;
    monitor.cancel_this = deadline;
    monitor.set_deadline_msecs(deadline->remaining_ms());
    int rc = api->Recognize(&monitor);
    return rc == 0 && !deadline->expired();
  }

  // Reads a band of a few lines with one model and guesses the page's language from it; a
  // second band further down when the first is not conclusive (an address block, say).
  std::string ChooseLanguages(const PreparedPage& prepared, Deadline* deadline,
                              PageResult* result) {
    if (!options.detect_language || options.languages.size() < 2) return all_languages;
    auto lines = FindTextLines(prepared.binary.get());
    if (lines.empty()) return all_languages;
    std::string sample;
    size_t first = lines.size() / 3;
    for (size_t band_lines : kSampleLines) {
      if (first >= lines.size()) break;
      const size_t last = std::min(lines.size(), first + band_lines) - 1;
      sample += ReadBand(prepared.binary.get(), prepared.dpi, lines[first].first,
                         lines[last].second, deadline);
      sample += '\n';
      LanguageGuess guess = GuessLanguage(sample, options.languages);
      if (!guess.model.empty()) return ModelsFor(guess.model);
      first = last + 1;
      if (first >= lines.size()) first = 0;  // short page: the lines above the first band
    }
    result->warnings.push_back("language unclear from a sample of lines; used " +
                               all_languages);
    return all_languages;
  }

  // Text of the rows [top, bottom) of a 1 bpp page, read as one block by the first
  // language's model: the words that tell the languages apart survive any of the models.
  // *confidence (if given) gets Tesseract's mean word confidence, 0 when nothing was read.
  std::string ReadBand(Pix* binary, int dpi, int top, int bottom, Deadline* deadline,
                       int* confidence = nullptr) {
    if (confidence) *confidence = 0;
    const int pad = 6;
    top = std::max(0, top - pad);
    bottom = std::min(pixGetHeight(binary), bottom + pad);
    // A clipped copy: SetRectangle on the whole page gave garbage for such bands with
    // Tesseract 5.3 and took as long as the page.
    std::unique_ptr<Box, void (*)(Box*)> box(boxCreate(0, top, pixGetWidth(binary), bottom - top),
                                             [](Box* b) { boxDestroy(&b); });
    PixPtr band(pixClipRectangle(binary, box.get(), nullptr));
    if (!band) return "";
    Result<tesseract::TessBaseAPI*> api = Api(options.languages.front());
    if (!api.ok()) return "";
    (*api)->SetPageSegMode(tesseract::PSM_SINGLE_BLOCK);
    (*api)->SetImage(band.get());
    (*api)->SetSourceResolution(dpi);
    std::string text;
    if (Run(*api, deadline)) {
      text = TakeText((*api)->GetUTF8Text());
      if (confidence && CountChars(text) > 0) *confidence = std::max(0, (*api)->MeanTextConf());
    }
    (*api)->Clear();
    return text;
  }

  // Mean recognition confidence of a few lines from the middle of a 1 bpp page as it
  // stands: how well the page reads in this orientation. -1 when it has no text lines.
  int SampleConfidence(Pix* binary, int dpi, Deadline* deadline) {
    auto lines = FindTextLines(binary);
    if (lines.empty()) return -1;
    const size_t first = lines.size() / 3;
    const size_t last = std::min(lines.size(), first + kOrientationSampleLines) - 1;
    int top = lines[first].first, bottom = lines[last].second;
    // A page turned on its side has ink in every row: one "line" as tall as the page, which
    // would be read whole. Three lines of letter text are well under an inch.
    const int max_band = std::max(60, dpi);
    if (bottom - top > max_band) {
      top = (top + bottom - max_band) / 2;
      bottom = top + max_band;
    }
    int confidence = 0;
    ReadBand(binary, dpi, top, bottom, deadline, &confidence);
    return confidence;
  }

  // A rotation must win on evidence: the page is read in a sample of lines upright and
  // turned, and the turn is kept only when it reads clearly better. `binary` is the page as
  // scanned. Returns the rotation to apply.
  int CheckRotation(Pix* binary, int dpi, int rotation, Deadline* deadline,
                    std::vector<std::string>* notes) {
    PixPtr turned(UnrotatePage(binary, rotation));
    if (!turned) return 0;
    const int upright = SampleConfidence(binary, dpi, deadline);
    const int rotated = SampleConfidence(turned.get(), dpi, deadline);
    if (rotated >= upright + kMinRotationGain) return rotation;
    notes->push_back("orientation detector suggested a turn of " + std::to_string(rotation) +
                     " degrees, but sample lines read no better turned (confidence " +
                     std::to_string(rotated) + " against " + std::to_string(upright) +
                     " upright); kept as scanned");
    return 0;
  }

  // English letters to Nordic creditors name Nordic people, streets and towns; the English
  // model alone has no æ, ø or å, so it reads them with the first Nordic model as backup.
  std::string ModelsFor(const std::string& model) const {
    if (model != "eng") return model;
    for (const std::string& other : options.languages) {
      if (other == "nor" || other == "dan" || other == "swe") return "eng+" + other;
    }
    return model;
  }


  // Fills result->page_png from the page Tesseract read, whose size result->width and height
  // give: the grey image, which has the binary image's geometry by construction (checked, so
  // that a change to preprocessing cannot shift the boxes); otherwise the binary image.
  void AddPageImage(const PreparedPage& prepared, PageResult* result) {
    const auto start = Clock::now();
    Pix* grey = prepared.grey.get();
    const bool same_frame = grey != nullptr && pixGetWidth(grey) == result->width &&
                            pixGetHeight(grey) == result->height;
    Result<PageImage> image =
        same_frame ? EncodePageImage(grey, options.page_image_max_width, prepared.paper)
                   : EncodePageImage(prepared.binary.get(), options.page_image_max_width, 255);
    if (image.ok()) {
      result->page_png = std::move(image->png);
      result->page_image_scale = image->scale;
    } else {
      result->warnings.push_back("no page image: " + image.status().message());
    }
    result->stages.push_back({"page_image", MsSince(start)});
  }

  // One recognition of the page: its text, and how it was made (to make it again).
  struct Read {
    std::string text;
    int confidence = 0;       // Tesseract's mean word confidence, 0-100
    int confident_chars = 0;  // characters in words read with kMinWordConfidence or more
    std::vector<Word> words;  // only with EngineOptions::words
    Pix* image = nullptr;
    tesseract::PageSegMode psm = tesseract::PSM_AUTO;
    int serial = 0;           // which recognition of the engine this was
  };

  // Recognises `image` with `api`; false at the deadline (out holds what was read). One
  // pass over the words counts the confident characters and, with EngineOptions::words,
  // collects them.
  bool ReadPage(tesseract::TessBaseAPI* api, Pix* image, int dpi, tesseract::PageSegMode psm,
                Deadline* deadline, Read* out) {
    api->SetPageSegMode(psm);
    api->SetImage(image);
    api->SetSourceResolution(dpi);
    const bool finished = Run(api, deadline);
    out->text = TakeText(api->GetUTF8Text());
    out->confidence = std::max(0, api->MeanTextConf());
    out->confident_chars = 0;
    out->image = image;
    out->psm = psm;
    out->serial = ++reads_;
    out->words.clear();
    std::unique_ptr<tesseract::ResultIterator> it(api->GetIterator());
    if (!it) return finished;
    do {
      std::unique_ptr<char[]> word(it->GetUTF8Text(tesseract::RIL_WORD));
      if (!word) continue;
      const float confidence = it->Confidence(tesseract::RIL_WORD);
      if (confidence >= kMinWordConfidence) out->confident_chars += CountChars(word.get());
      if (!options.words) continue;
      Word w;
      w.text = word.get();
      FixLoneBars(&w.text);
      int x1, y1, x2, y2;
      it->BoundingBox(tesseract::RIL_WORD, &x1, &y1, &x2, &y2);
      w.x = x1;
      w.y = y1;
      w.width = x2 - x1;
      w.height = y2 - y1;
      w.confidence = confidence;
      out->words.push_back(std::move(w));
    } while (it->Next(tesseract::RIL_WORD));
    return finished;
  }

  // An empty read is not a confident one: Tesseract's mean confidence covers only the
  // words it found, so a page whose ink yielded nothing, or far less than the ink suggests,
  // has its confidence lowered in proportion and says so. A page with no ink is blank.
  static void JudgeYield(const PreparedPage& prepared, PageResult* result) {
    const int chars = CountChars(result->text);
    if (chars == 0 && prepared.ink_glyphs < kMaxBlankGlyphs) {
      result->blank = true;
      result->confidence = 0;
      result->warnings.push_back("blank page: no text read and no ink that looks like text (an empty sheet, or a picture alone)");
      return;
    }
    if (chars < kMinFallbackChars) {
      result->confidence = 0;
      result->warnings.push_back("nothing readable recognised (" + std::to_string(chars) +
                                 " characters) on a page with ink that looks like text (" +
                                 std::to_string(prepared.ink_glyphs) + " glyph-like marks)");
      return;
    }
    if (prepared.ink_glyphs >= kMinGlyphsForYieldCheck && chars < kMinYield * prepared.ink_glyphs) {
      const double yield = static_cast<double>(chars) / (kMinYield * prepared.ink_glyphs);
      result->confidence *= yield;
    }
    if (result->confidence < kLowReadConfidence) {
      result->warnings.push_back("low recognition confidence (" +
                                 std::to_string(static_cast<int>(result->confidence)) + ")");
    }
  }

  void Recognize(const PreparedPage& prepared, Deadline* deadline, PageResult* result) {
    auto start = Clock::now();
    const std::string languages = ChooseLanguages(prepared, deadline, result);
    result->stages.push_back({"language", MsSince(start)});
    result->language = languages;

    start = Clock::now();
    const bool first_use = apis.count(languages) == 0;
    Result<tesseract::TessBaseAPI*> api_or = Api(languages);
    if (!api_or.ok()) {
      result->status = api_or.status();
      return;
    }
    if (first_use) {
      result->stages.push_back({"models", MsSince(start)});
      start = Clock::now();
    }
    tesseract::TessBaseAPI* api = *api_or;
    // Tesseract's LSTM reads each line from the grey image it was given, and the anti-aliased
    // edges of a grey scan carry what a binarisation throws away (low-resolution and faint
    // pages read far better from grey; Tesseract's own Otsu threshold of the normalised page
    // is used for its layout analysis). A bilevel scan (a fax) has no grey to give: its
    // smoothed, re-thresholded binarisation reads better than its interpolated grey.
    Pix* feed = prepared.bilevel ? prepared.binary.get() : prepared.grey.get();
    Pix* other = prepared.bilevel ? prepared.grey.get() : prepared.binary.get();
    Read best;
    bool finished = ReadPage(api, feed, prepared.dpi, tesseract::PSM_AUTO, deadline, &best);
    result->stages.push_back({"recognize", MsSince(start)});

    const int chars = CountChars(best.text);
    Read retry;
    if (finished && prepared.ink_glyphs >= kMinGlyphsForYieldCheck &&
        chars < kMinYield * prepared.ink_glyphs) {
      // Page segmentation sometimes drops whole paragraphs without an error; reading the
      // page as one block of text recovers them. Kept only when it yields more characters
      // in confidently read words: as one block, a picture reads as lines of garbage.
      start = Clock::now();
      finished = ReadPage(api, feed, prepared.dpi, tesseract::PSM_SINGLE_BLOCK, deadline, &retry);
      const bool better = retry.confident_chars > best.confident_chars &&
                          retry.confidence + kMaxConfidenceDrop >= best.confidence;
      result->warnings.push_back("recognised " + std::to_string(chars) +
                                 " characters where the ink suggests about " +
                                 std::to_string(prepared.ink_glyphs) +
                                 "; re-read the page as a single block (" +
                                 std::to_string(CountChars(retry.text)) + " characters, " +
                                 (better ? "kept" : "not kept: fewer read with confidence") + ")");
      if (better) std::swap(best, retry);
      result->stages.push_back({"retry", MsSince(start)});
      if (CountChars(best.text) < kMinYield * prepared.ink_glyphs) {
        result->warnings.push_back("text may be missing: the page has more ink than text read");
      }
    }
    Read second;
    if (finished && CountChars(best.text) < kMinFallbackChars &&
        prepared.ink_glyphs >= kMaxBlankGlyphs) {
      // Nearly nothing read although the page has ink: the other image may keep what this
      // one lost (faint or broken strokes of a worn ribbon vanish in a binarisation; a
      // picture's texture can swamp a grey page's layout analysis).
      start = Clock::now();
      finished = ReadPage(api, other, prepared.dpi, tesseract::PSM_AUTO, deadline, &second);
      if (second.confident_chars > best.confident_chars) {
        result->warnings.push_back(std::string("the ") + (prepared.bilevel ? "binarised" : "grey") +
                                   " page gave " + std::to_string(CountChars(best.text)) +
                                   " characters; read the " +
                                   (prepared.bilevel ? "grey" : "binarised") + " page instead (" +
                                   std::to_string(CountChars(second.text)) + " characters)");
        std::swap(best, second);
      }
      result->stages.push_back({"second_image", MsSince(start)});
    }
    if (finished && renderers && best.serial != reads_) {
      // The archive outputs take Tesseract's current results, which must be the read kept.
      Read again;
      finished = ReadPage(api, best.image, prepared.dpi, best.psm, deadline, &again);
    }
    if (!finished) {
      result->status = Status::TimedOut("recognition passed the deadline of " +
                                        std::to_string(options.page_deadline_ms) + " ms");
      api->Clear();
      return;
    }
    result->text = std::move(best.text);
    result->confidence = best.confidence;
    result->words = std::move(best.words);
    JudgeYield(prepared, result);
    if (renderers) {
      api->SetInputImage(pixClone(prepared.grey.get()));
      if (!renderers->AddImage(api)) renderer_error = "could not add page to the output";
    }
    api->Clear();
  }
};

std::string ReadDoubt(const PageResult& page) {
  if (!page.status.ok() || page.blank || page.source != "ocr") return "";
  if (page.confidence >= kLowReadConfidence) return "";
  return "page " + std::to_string(page.page) + " read with low confidence (" +
         std::to_string(static_cast<int>(page.confidence)) + ")" +
         (CountChars(page.text) < kMinFallbackChars ? ": (almost) no text recognised" : "");
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() {
  if (impl_ && impl_->renderers) impl_->renderers->EndDocument();
}

Result<std::unique_ptr<Engine>> Engine::Create(const EngineOptions& options) {
  QuietLeptonica();
  if (options.languages.empty()) return Status::InvalidInput("no OCR language given");
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->all_languages = Join(options.languages, "+");
  // Every model is loaded now so that a missing one fails here, not on the first page. With
  // language detection, pages are read with one model each: the instance holding all of them
  // together (for a page whose language stays unclear, and for the searchable PDF) is made on
  // first use, since each of its models has loaded alone (saves four model loads, about half
  // a CPU-second, per thread).
  if (options.detect_language && options.languages.size() > 1) {
    for (const std::string& language : options.languages) {
      if (Result<tesseract::TessBaseAPI*> api = impl->Api(impl->ModelsFor(language)); !api.ok()) {
        return api.status();
      }
    }
  } else if (Result<tesseract::TessBaseAPI*> api = impl->Api(impl->all_languages); !api.ok()) {
    return api.status();
  }
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

const EngineOptions& Engine::options() const { return impl_->options; }

PageResult Engine::RecognizePage(const Document& doc, int page) {
  const auto start = Clock::now();
  Deadline deadline{start + std::chrono::milliseconds(impl_->options.page_deadline_ms)};
  PageResult result;
  result.page = page;
  const std::string where = doc.path() + " page " + std::to_string(page);

  auto lap = Clock::now();
  Result<LoadedPage> loaded =
      impl_->loader.Load(doc, page, std::chrono::milliseconds(deadline.remaining_ms()));
  result.stages.push_back({"load", MsSince(lap)});
  if (!loaded.ok()) {
    result.status = loaded.status();
    result.ms = MsSince(start);
    return result;
  }
  for (std::string& warning : loaded->warnings) result.warnings.push_back(std::move(warning));
  if (loaded->pix == nullptr) {
    result.text = std::move(loaded->text_layer);
    result.source = "text_layer";
    result.confidence = 100;
    result.ms = MsSince(start);
    return result;
  }
  result.source = "ocr";

  PreprocessOptions prep_options;
  prep_options.min_dpi = impl_->options.min_dpi;
  prep_options.max_dpi = impl_->options.max_dpi;
  prep_options.orientation_fallback = [this](Pix* binary) {
    return impl_->DetectWithOsd(binary);
  };
  std::vector<std::string> orientation_notes;
  prep_options.orientation_check = [this, &deadline, &orientation_notes](Pix* binary, int dpi,
                                                                         int rotation) {
    return impl_->CheckRotation(binary, dpi, rotation, &deadline, &orientation_notes);
  };
  Result<PreparedPage> prepared =
      Preprocess(std::move(loaded->pix), loaded->dpi, prep_options);
  if (!prepared.ok()) {
    result.status = prepared.status().WithContext(where);
    result.ms = MsSince(start);
    return result;
  }
  for (StageTime& stage : prepared->stages) result.stages.push_back(std::move(stage));
  prepared->stages.clear();
  result.rotation = prepared->rotation;
  result.rotation_by_osd = prepared->rotation_by_fallback;
  result.skew = std::round(prepared->skew * 100.0) / 100.0;
  result.dpi = prepared->dpi;
  result.stated_dpi = prepared->stated_dpi;
  result.measured_dpi = prepared->measured_dpi;
  result.scale = std::round(prepared->scale * 1000.0) / 1000.0;
  result.border_share = std::round(prepared->bed_share * 1000.0) / 1000.0;
  result.width = pixGetWidth(prepared->binary.get());
  result.height = pixGetHeight(prepared->binary.get());
  result.ink_glyphs = prepared->ink_glyphs;
  for (std::string& note : orientation_notes) result.warnings.push_back(std::move(note));

  if (deadline.expired()) {
    result.status = Status::TimedOut(where + ": deadline of " +
                                     std::to_string(impl_->options.page_deadline_ms) +
                                     " ms passed before recognition");
  } else {
    impl_->Recognize(*prepared, &deadline, &result);
    if (!result.status.ok()) result.status = result.status.WithContext(where);
  }
  if (impl_->options.page_image_max_width > 0) impl_->AddPageImage(*prepared, &result);
  result.ms = MsSince(start);
  return result;
}

Status Engine::BeginSearchablePdf(const std::string& out_base, const std::string& title) {
  Result<tesseract::TessBaseAPI*> api = impl_->Api(impl_->all_languages);
  if (!api.ok()) return api.status();
  auto renderer = std::make_unique<tesseract::TessPDFRenderer>(out_base.c_str(),
                                                               (*api)->GetDatapath());
  if (!renderer->happy() || !renderer->BeginDocument(title.c_str())) {
    return Status::IoError(out_base + ".pdf: cannot be written");
  }
  if (impl_->renderers) {
    impl_->renderers->insert(renderer.release());  // the chain owns what is inserted
  } else {
    impl_->renderers = std::move(renderer);
  }
  return Status::Ok();
}

Status Engine::BeginHocr(const std::string& out_base, const std::string& title) {
  auto renderer = std::make_unique<tesseract::TessHOcrRenderer>(out_base.c_str());
  if (!renderer->happy() || !renderer->BeginDocument(title.c_str())) {
    return Status::IoError(out_base + ".hocr: cannot be written");
  }
  if (impl_->renderers) {
    impl_->renderers->insert(renderer.release());  // the chain owns what is inserted
  } else {
    impl_->renderers = std::move(renderer);
  }
  return Status::Ok();
}

Status Engine::EndRenderers() {
  if (!impl_->renderers) return Status::Ok();
  bool ok = impl_->renderers->EndDocument();
  impl_->renderers.reset();
  std::string error = std::move(impl_->renderer_error);
  impl_->renderer_error.clear();
  if (!ok) return Status::IoError("archive output could not be completed");
  if (!error.empty()) return Status::IoError(error);
  return Status::Ok();
}

}  // namespace purr::ocr
