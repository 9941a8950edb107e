// Opening inputs, from a file or from memory, bad inputs and per-page failures: each gives a
// clear error naming the file (and page) and leaves other pages alone.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "ocr/ocr.h"
#include "tests/ocr/shared_engine.h"
#include "tests/ocr/test_files.h"

namespace purr::ocr {
namespace {

using purr::testing::FirstMultipagePdf;
using purr::testing::FirstMultipageTiff;
using purr::testing::MakeTextPdf;
using purr::testing::ReadFile;
using purr::testing::Repo;
using purr::testing::ScratchDir;

// Committed fixture scans (fixtures/scans), so these tests need nothing beside the checkout.
const std::string kFaxPage = Repo("fixtures/scans/fax200/nb_033_lawyer_estate_proclamation.tif");
const std::string kPngPage = Repo("fixtures/scans/clean300/sv_001_bestrider_telekom.png");
const std::string kJpegPage = Repo("fixtures/scans/jpeg/nb_025_paid_complaint_reminder_fee.jpg");

// 4 KiB of bytes that are no format at all.
std::string Garbage() {
  std::string garbage(4096, '\0');
  for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>((i * 7919) % 251);
  return garbage;
}

class OcrEngineTest : public ::testing::Test {
 protected:
  Engine* const engine_ = &purr::testing::SharedEngine();
};

TEST(DocumentTest, DetectsFormatFromContentNotName) {
  ScratchDir dir;
  const std::string png_named_tif = dir.Write("letter.tif", ReadFile(kPngPage));
  const std::string tif_named_pdf = dir.Write("letter.pdf", ReadFile(kFaxPage));
  auto png = Document::Open(png_named_tif, Limits());
  ASSERT_TRUE(png.ok()) << png.status().ToString();
  EXPECT_EQ(png->format(), Format::kPng);
  auto tif = Document::Open(tif_named_pdf, Limits());
  ASSERT_TRUE(tif.ok()) << tif.status().ToString();
  EXPECT_EQ(tif->format(), Format::kTiff);
  auto jpeg = Document::Open(kJpegPage, Limits());
  ASSERT_TRUE(jpeg.ok());
  EXPECT_EQ(jpeg->format(), Format::kJpeg);
}

TEST(DocumentTest, EmptyFileIsRefused) {
  ScratchDir dir;
  auto doc = Document::Open(dir.Write("empty.png", ""), Limits());
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), Status::Code::kInvalidInput);
  EXPECT_NE(doc.status().message().find("empty.png: empty file"), std::string::npos)
      << doc.status().message();
}

TEST(DocumentTest, TextFileIsNotAnImage) {
  ScratchDir dir;
  auto doc = Document::Open(dir.Write("letter.png", "Hei, jeg bestrider kravet.\n"), Limits());
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), Status::Code::kUnsupported);
  EXPECT_NE(doc.status().message().find("not an image or PDF"), std::string::npos);
}

TEST(DocumentTest, BinaryGarbageIsNotAnImage) {
  ScratchDir dir;
  auto doc = Document::Open(dir.Write("scan.bin", Garbage()), Limits());
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.status().message().find("scan.bin"), std::string::npos);
}

TEST(DocumentTest, MissingFileAndDirectory) {
  ScratchDir dir;
  auto missing = Document::Open(dir.Path("nope.tif"), Limits());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope.tif"), std::string::npos);
  auto directory = Document::Open(dir.Path(""), Limits());
  ASSERT_FALSE(directory.ok());
  EXPECT_NE(directory.status().message().find("directory"), std::string::npos);
}

TEST(DocumentTest, FileOverByteLimitIsRefusedUnread) {
  Limits limits;
  limits.max_file_bytes = 1000;
  auto doc = Document::Open(kPngPage, limits);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), Status::Code::kLimitExceeded);
  EXPECT_NE(doc.status().message().find("over the limit of 1000"), std::string::npos);
}

TEST(DocumentTest, CountsPagesOfMultipageTiffAndPdf) {
  const std::string tif = FirstMultipageTiff();
  const std::string pdf = FirstMultipagePdf();
  ASSERT_FALSE(tif.empty());
  ASSERT_FALSE(pdf.empty());
  auto t = Document::Open(tif, Limits());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_GE(t->page_count(), 2);
  auto p = Document::Open(pdf, Limits());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->page_count(), t->page_count());
  EXPECT_EQ(p->format(), Format::kPdf);
}

TEST(DocumentTest, TooManyPagesIsRefused) {
  Limits limits;
  limits.max_pages = 1;
  auto doc = Document::Open(FirstMultipageTiff(), limits);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), Status::Code::kLimitExceeded);
  EXPECT_NE(doc.status().message().find("pages is over the limit of 1"), std::string::npos);
}

TEST(DocumentTest, TruncatedPdfIsRefused) {
  ScratchDir dir;
  const std::string pdf = FirstMultipagePdf();
  auto doc = Document::Open(dir.Truncated("cut.pdf", pdf, 2000), Limits());
  // A PDF cut before its first page is unreadable; poppler may still open a PDF cut later
  // (it rebuilds the cross-reference table), which the page-level tests cover.
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.status().message().find("cut.pdf"), std::string::npos);
}

// From the file and from memory (an e-mail attachment named cut.png) alike.
TEST_F(OcrEngineTest, TruncatedPngFailsThePageWithAClearError) {
  ScratchDir dir;
  const std::string cut = dir.Truncated("cut.png", kPngPage, 5000);
  for (const Result<Document>& doc : {Document::Open(cut, Limits()),
                                      Document::OpenBytes(ReadFile(cut), "cut.png", Limits())}) {
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    PageResult page = engine_->RecognizePage(*doc, 1);
    ASSERT_FALSE(page.status.ok());
    EXPECT_NE(page.status.message().find("cut.png page 1"), std::string::npos)
        << page.status.message();
  }
}

TEST_F(OcrEngineTest, TruncatedMultipageTiffKeepsTheReadablePages) {
  ScratchDir dir;
  const std::string source = FirstMultipageTiff();
  const size_t size = std::filesystem::file_size(source);
  const std::string cut = dir.Truncated("cut.tif", source, size * 3 / 4);
  auto doc = Document::Open(cut, Limits());
  if (!doc.ok()) {
    // libtiff could not even walk the directories: still a clear error naming the file.
    EXPECT_NE(doc.status().message().find("cut.tif"), std::string::npos);
    return;
  }
  PageResult first = engine_->RecognizePage(*doc, 1);
  EXPECT_TRUE(first.status.ok()) << first.status.ToString();
  EXPECT_GT(first.text.size(), 100u);
  int failed = 0;
  for (int p = 2; p <= doc->page_count(); ++p) {
    PageResult page = engine_->RecognizePage(*doc, p);
    if (!page.status.ok()) {
      ++failed;
      EXPECT_NE(page.status.message().find("cut.tif page " + std::to_string(p)),
                std::string::npos)
          << page.status.message();
    }
  }
  EXPECT_GE(failed + (doc->page_count() == 1 ? 1 : 0), 1);
}

TEST_F(OcrEngineTest, PageOverPixelLimitIsRefusedAndNamed) {
  Limits limits;
  limits.max_page_pixels = 1'000'000;
  auto doc = Document::Open(kPngPage, limits);
  ASSERT_TRUE(doc.ok());
  PageResult page = engine_->RecognizePage(*doc, 1);
  ASSERT_FALSE(page.status.ok());
  EXPECT_EQ(page.status.code(), Status::Code::kLimitExceeded);
  EXPECT_NE(page.status.message().find("page 1: 2480x3508 pixels is over the limit"),
            std::string::npos)
      << page.status.message();
}

TEST_F(OcrEngineTest, PdfTextLayerIsUsedWithoutOcr) {
  ScratchDir dir;
  const std::string pdf =
      dir.Write("typed.pdf", MakeTextPdf("Jeg bestrider kravet i sak 2024-118734 fullt ut."));
  auto doc = Document::Open(pdf, Limits());
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  PageResult page = engine_->RecognizePage(*doc, 1);
  ASSERT_TRUE(page.status.ok()) << page.status.ToString();
  EXPECT_EQ(page.source, "text_layer");
  EXPECT_NE(page.text.find("bestrider kravet i sak 2024-118734"), std::string::npos);
}

TEST_F(OcrEngineTest, ScannedPdfIsRasterisedAndRead) {
  auto doc = Document::Open(FirstMultipagePdf(), Limits());
  ASSERT_TRUE(doc.ok());
  PageResult page = engine_->RecognizePage(*doc, 1);
  ASSERT_TRUE(page.status.ok()) << page.status.ToString();
  EXPECT_EQ(page.source, "ocr");
  // Rasterised at 300 dpi; the text's own size (letters of 10-12 pt) is measured as well.
  EXPECT_EQ(page.stated_dpi, 300);
  EXPECT_GE(page.measured_dpi, 250);
  EXPECT_LE(page.measured_dpi, 400);
  EXPECT_EQ(page.scale, 1.0);
  EXPECT_GT(page.text.size(), 300u);
}

TEST(OcrDeadlineTest, PagePastItsDeadlineTimesOutAndTheNextPageIsRead) {
  EngineOptions options;
  options.page_deadline_ms = 300;
  auto engine = Engine::Create(options);
  ASSERT_TRUE(engine.ok());
  auto doc = Document::Open(kPngPage, Limits());
  ASSERT_TRUE(doc.ok());
  PageResult late = (*engine)->RecognizePage(*doc, 1);
  ASSERT_FALSE(late.status.ok());
  EXPECT_EQ(late.status.code(), Status::Code::kTimedOut);
  EXPECT_NE(late.status.message().find("page 1"), std::string::npos);
  EXPECT_LT(late.ms, 3000);  // cancelled, not run to the end

  EngineOptions relaxed;
  auto engine2 = Engine::Create(relaxed);
  ASSERT_TRUE(engine2.ok());
  PageResult ok = (*engine2)->RecognizePage(*doc, 1);
  EXPECT_TRUE(ok.status.ok()) << ok.status.ToString();
}

TEST(OcrEngineCreateTest, MissingLanguageModelIsAClearError) {
  EngineOptions options;
  options.languages = {"nor", "xyz"};
  auto engine = Engine::Create(options);
  ASSERT_FALSE(engine.ok());
  EXPECT_NE(engine.status().message().find("xyz"), std::string::npos);
}

TEST_F(OcrEngineTest, ReportsWordsWithBoxesWhenAsked) {
  EngineOptions options;
  options.words = true;
  auto engine = Engine::Create(options);
  ASSERT_TRUE(engine.ok());
  auto doc = Document::Open(kJpegPage, Limits());
  ASSERT_TRUE(doc.ok());
  PageResult page = (*engine)->RecognizePage(*doc, 1);
  ASSERT_TRUE(page.status.ok());
  ASSERT_GT(page.words.size(), 50u);
  for (const Word& w : page.words) {
    EXPECT_GE(w.x, 0);
    EXPECT_GT(w.width, 0);
    EXPECT_LE(w.x + w.width, page.width);
    EXPECT_LE(w.y + w.height, page.height);
  }
  EXPECT_FALSE(page.stages.empty());
}

// Documents opened from memory (e-mail attachments): the same formats, limits, errors and
// text as from a file, with the name given standing for the path in every message.

// The first `keep` bytes of the file at `path`.
std::string Head(const std::string& path, size_t keep) { return ReadFile(path).substr(0, keep); }

// Opens `bytes` as attachment `name`, which must fail with `code` and a message containing
// `text`.
void ExpectRefused(std::string bytes, const std::string& name, Status::Code code,
                   const std::string& text, const Limits& limits = Limits()) {
  Result<Document> doc = Document::OpenBytes(std::move(bytes), name, limits);
  ASSERT_FALSE(doc.ok()) << name;
  EXPECT_EQ(doc.status().code(), code) << doc.status().ToString();
  EXPECT_NE(doc.status().message().find(text), std::string::npos) << doc.status().message();
}

class DocumentBytesTest : public ::testing::Test {
 protected:
  Document OpenFile(const std::string& path) {
    Result<Document> doc = Document::Open(path, Limits());
    EXPECT_TRUE(doc.ok()) << doc.status().ToString();
    return std::move(doc).value();
  }
  Document OpenCopy(const std::string& path, const std::string& name) {
    Result<Document> doc = Document::OpenBytes(ReadFile(path), name, Limits());
    EXPECT_TRUE(doc.ok()) << doc.status().ToString();
    return std::move(doc).value();
  }
  // Recognises `page` of the document and returns its text; the page must be read.
  std::string Text(const Document& doc, int page) {
    PageResult result = engine_->RecognizePage(doc, page);
    EXPECT_TRUE(result.status.ok()) << result.status.ToString();
    return result.text;
  }

  Engine* const engine_ = &purr::testing::SharedEngine();
};

TEST_F(DocumentBytesTest, ImageFromBytesReadsAsFromTheFile) {
  const Document file = OpenFile(kPngPage);
  const Document bytes = OpenCopy(kPngPage, "scan.tif");  // the name does not decide the format
  EXPECT_EQ(bytes.format(), Format::kPng);
  EXPECT_EQ(bytes.page_count(), 1);
  EXPECT_EQ(bytes.bytes(), file.bytes());
  EXPECT_EQ(bytes.path(), "scan.tif");
  EXPECT_EQ(file.contents(), nullptr);
  const std::string text = Text(bytes, 1);
  EXPECT_GT(text.size(), 300u);
  EXPECT_EQ(text, Text(file, 1));
}

TEST_F(DocumentBytesTest, MultipageTiffFromBytes) {
  const Document file = OpenFile(FirstMultipageTiff());
  const Document bytes = OpenCopy(FirstMultipageTiff(), "fax.tif");
  EXPECT_EQ(bytes.format(), Format::kTiff);
  ASSERT_GE(bytes.page_count(), 2);
  EXPECT_EQ(bytes.page_count(), file.page_count());
  const int last = bytes.page_count();
  EXPECT_EQ(Text(bytes, last), Text(file, last));
}

TEST_F(DocumentBytesTest, ScannedPdfFromBytesOutlivesTheOriginalDocument) {
  const Document file = OpenFile(FirstMultipagePdf());
  Document copy = OpenFile(FirstMultipagePdf());
  {
    const Document bytes = OpenCopy(FirstMultipagePdf(), "letter.pdf");
    EXPECT_EQ(bytes.format(), Format::kPdf);
    EXPECT_EQ(bytes.page_count(), file.page_count());
    copy = bytes;  // shares the bytes, which must stay alive after `bytes` is gone
  }
  ASSERT_GE(copy.page_count(), 2);
  EXPECT_EQ(Text(copy, 2), Text(file, 2));
}

// Two PDFs in memory under one name are two documents: the loader's cache of the last PDF
// must not serve the first one's page for the second.
TEST_F(DocumentBytesTest, TwoPdfsWithOneNameAreNotConfused) {
  Result<Document> first =
      Document::OpenBytes(MakeTextPdf("Jeg bestrider kravet i sak 2024-118734."), "a.pdf", {});
  Result<Document> second =
      Document::OpenBytes(MakeTextPdf("Vi betaler resten av fakturaen 55501 i morgen."), "a.pdf",
                          {});
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(Text(*first, 1).find("bestrider kravet"), std::string::npos);
  EXPECT_NE(Text(*second, 1).find("betaler resten"), std::string::npos);
}

TEST(DocumentBytesErrorTest, EmptyBytes) {
  ExpectRefused("", "empty.pdf", Status::Code::kInvalidInput, "empty.pdf: empty file (0 bytes)");
}

TEST(DocumentBytesErrorTest, TextIsNotAnImage) {
  ExpectRefused("Hei, jeg bestrider kravet.\n", "letter.png", Status::Code::kUnsupported,
                "letter.png: not an image or PDF (starts with \"Hei, jeg\")");
}

TEST(DocumentBytesErrorTest, BinaryGarbageIsNotAnImage) {
  ExpectRefused(Garbage(), "scan.bin", Status::Code::kUnsupported, "scan.bin: not an image or PDF");
}

TEST(DocumentBytesErrorTest, TiffCutInItsHeaderIsUnreadable) {
  ExpectRefused(Head(FirstMultipageTiff(), 16), "cut.tif", Status::Code::kInvalidInput,
                "cut.tif: unreadable TIFF");
}

TEST(DocumentBytesErrorTest, PdfCutBeforeItsFirstPageIsUnreadable) {
  ExpectRefused(Head(FirstMultipagePdf(), 2000), "cut.pdf", Status::Code::kInvalidInput,
                "cut.pdf: unreadable PDF");
}

TEST(DocumentBytesErrorTest, BytesOverTheLimitAreRefused) {
  Limits limits;
  limits.max_file_bytes = 1000;
  ExpectRefused(ReadFile(kPngPage), "big.png", Status::Code::kLimitExceeded,
                "big.png: " + std::to_string(ReadFile(kPngPage).size()) +
                    " bytes is over the limit of 1000",
                limits);
}

TEST(DocumentBytesErrorTest, TooManyPagesIsRefused) {
  Limits limits;
  limits.max_pages = 1;
  ExpectRefused(ReadFile(FirstMultipagePdf()), "letter.pdf", Status::Code::kLimitExceeded,
                "pages is over the limit of 1", limits);
}

}  // namespace
}  // namespace purr::ocr
