// Hostile and broken images: the libraries' own messages never reach stderr (purr's error
// names the file and page and carries their words), purr's PNG and JPEG decoders read the
// committed scans exactly as Leptonica does, and size bombs are refused or bounded before
// their memory is taken.
#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>

#include "ocr/image_decode.h"
#include "ocr/ocr.h"
#include "ocr/page_source.h"
#include "ocr/preprocess.h"
#include "tests/ocr/test_files.h"

namespace purr::ocr {
namespace {

using purr::testing::AssemblePdf;
using purr::testing::ReadFile;
using purr::testing::Repo;
using purr::testing::ScratchDir;

const std::string kPngPage = Repo("fixtures/scans/clean300/sv_001_bestrider_telekom.png");
const std::string kJpegPage = Repo("fixtures/scans/jpeg/nb_025_paid_complaint_reminder_fee.jpg");

// Loads page 1 of `bytes` (named `name`) with stderr captured; returns the status and what
// reached stderr.
std::pair<Status, std::string> LoadCapturingStderr(const std::string& bytes,
                                                   const std::string& name) {
  ::testing::internal::CaptureStderr();
  Status status;
  {
    Result<Document> doc = Document::OpenBytes(bytes, name, Limits());
    if (!doc.ok()) {
      status = doc.status();
    } else {
      PageLoader loader;
      Result<LoadedPage> page = loader.Load(*doc, 1);
      status = page.ok() ? Status::Ok() : page.status();
    }
  }
  return {status, ::testing::internal::GetCapturedStderr()};
}

// The bytes with `count` bytes from `at` overwritten by a pattern that no decoder accepts.
std::string Damaged(std::string bytes, size_t at, size_t count) {
  for (size_t i = at; i < at + count && i < bytes.size(); ++i) {
    bytes[i] = static_cast<char>(0x5a ^ (i * 31));
  }
  return bytes;
}

TEST(LibraryNoiseTest, TruncatedPngSaysWhyOnlyInPurrsError) {
  const auto [status, err] = LoadCapturingStderr(ReadFile(kPngPage).substr(0, 20000), "cut.png");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(err, "");
  EXPECT_EQ(status.code(), Status::Code::kInvalidInput);
  EXPECT_EQ(status.message().rfind("cut.png page 1: cannot decode png image: ", 0), 0u)
      << status.message();
}

TEST(LibraryNoiseTest, DamagedPngDataSaysWhyOnlyInPurrsError) {
  const auto [status, err] = LoadCapturingStderr(Damaged(ReadFile(kPngPage), 300, 200), "bad.png");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(err, "");
  EXPECT_EQ(status.message().rfind("bad.png page 1: cannot decode png image: ", 0), 0u)
      << status.message();
  // libpng's own words follow (e.g. "IDAT: invalid distance too far back").
  EXPECT_GT(status.message().size(), std::string("bad.png page 1: cannot decode png image: ").size());
}

TEST(LibraryNoiseTest, TruncatedJpegIsRefusedAsTruncatedWithoutNoise) {
  const auto [status, err] = LoadCapturingStderr(ReadFile(kJpegPage).substr(0, 20000), "cut.jpg");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(err, "");
  EXPECT_NE(status.message().find("cut.jpg page 1: cannot decode jpeg image: "), std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("(truncated)"), std::string::npos) << status.message();
}

TEST(LibraryNoiseTest, DamagedJpegHeaderSaysWhyOnlyInPurrsError) {
  const auto [status, err] = LoadCapturingStderr(Damaged(ReadFile(kJpegPage), 20, 400), "bad.jpg");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(err, "");
  EXPECT_NE(status.message().find("bad.jpg page 1: "), std::string::npos) << status.message();
}

// purr's decoders must give the preprocessing what Leptonica gave it: the same size,
// resolution and bilevel-ness, and the same grey levels (a palette may round by one).
void ExpectSameAsLeptonica(const std::string& path) {
  SCOPED_TRACE(path);
  const std::string bytes = ReadFile(path);
  Result<Document> doc = Document::OpenBytes(bytes, path, Limits());
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  PageLoader loader;
  Result<LoadedPage> ours = loader.Load(*doc, 1);
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();
  PixPtr theirs(pixReadMem(reinterpret_cast<const l_uint8*>(bytes.data()), bytes.size()));
  ASSERT_TRUE(theirs);
  EXPECT_EQ(pixGetWidth(ours->pix.get()), pixGetWidth(theirs.get()));
  EXPECT_EQ(pixGetHeight(ours->pix.get()), pixGetHeight(theirs.get()));
  EXPECT_EQ(ours->dpi, pixGetXRes(theirs.get()));
  const bool their_bilevel = pixGetDepth(theirs.get()) == 1;
  EXPECT_EQ(pixGetDepth(ours->pix.get()) == 1, their_bilevel);
  PixPtr a(pixConvertTo8(ours->pix.get(), 0));
  PixPtr b(pixConvertTo8(theirs.get(), 0));
  ASSERT_TRUE(a && b);
  PixPtr diff(pixAbsDifference(a.get(), b.get()));
  ASSERT_TRUE(diff);
  l_int32 largest = 0;
  ASSERT_EQ(pixGetExtremeValue(diff.get(), 1, L_SELECT_MAX, nullptr, nullptr, nullptr, &largest), 0);
  EXPECT_LE(largest, 1);
}

TEST(ImageDecodeTest, PngAndJpegScansDecodeAsLeptonicaDecodesThem) {
  int compared = 0;
  for (const char* folder : {"fixtures/real/dev", "fixtures/real/holdout", "fixtures/scans/clean300",
                             "fixtures/scans/jpeg", "fixtures/scans/lowcontrast"}) {
    int in_folder = 0;
    for (const auto& entry : std::filesystem::directory_iterator(Repo(folder))) {
      const std::string ext = entry.path().extension().string();
      if (ext != ".png" && ext != ".jpg") continue;
      if (in_folder++ >= 12) break;  // the rendered kinds repeat themselves
      ExpectSameAsLeptonica(entry.path().string());
      ++compared;
    }
  }
  EXPECT_GT(compared, 30);
}

// --- Size bombs --------------------------------------------------------------------------

uint32_t Crc32(const std::string& bytes) {
  uint32_t crc = 0xffffffffu;
  for (unsigned char c : bytes) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

std::string BigEndian(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

std::string PngChunk(const std::string& type, const std::string& data) {
  return BigEndian(static_cast<uint32_t>(data.size())) + type + data + BigEndian(Crc32(type + data));
}

// A valid PNG header declaring width x height 8-bit grey, with a token of pixel data.
std::string PngDeclaring(uint32_t width, uint32_t height) {
  std::string ihdr = BigEndian(width) + BigEndian(height);
  ihdr += std::string("\x08\x00\x00\x00\x00", 5);  // 8-bit grey, deflate, no interlace
  // A zlib stream of a few zero bytes: far too little, and never reached.
  const std::string idat("\x78\x9c\x63\x00\x00\x00\x01\x00\x01", 9);
  return std::string("\x89PNG\r\n\x1a\n", 8) + PngChunk("IHDR", ihdr) + PngChunk("IDAT", idat) +
         PngChunk("IEND", "");
}

std::string LittleEndian16(uint16_t v) {
  return {static_cast<char>(v & 0xff), static_cast<char>(v >> 8)};
}
std::string LittleEndian32(uint32_t v) {
  return LittleEndian16(static_cast<uint16_t>(v & 0xffff)) + LittleEndian16(static_cast<uint16_t>(v >> 16));
}

// A little-endian TIFF of `pages` bilevel pages of width x height, every page's single strip
// the same few bytes (uncompressed): a small file that declares what it likes.
std::string TiffDeclaring(uint32_t width, uint32_t height, int pages) {
  const uint32_t strip_at = 8;
  const std::string strip(16, '\0');
  std::string out = std::string("II*\0", 4) + LittleEndian32(strip_at + 16) + strip;
  auto entry = [](uint16_t tag, uint16_t type, uint32_t value) {
    std::string e = LittleEndian16(tag) + LittleEndian16(type) + LittleEndian32(1);
    e += type == 3 ? LittleEndian16(static_cast<uint16_t>(value)) + LittleEndian16(0)
                   : LittleEndian32(value);
    return e;
  };
  constexpr uint16_t kEntries = 9;
  const uint32_t ifd_size = 2 + 12 * kEntries + 4;
  for (int p = 0; p < pages; ++p) {
    const auto at = static_cast<uint32_t>(out.size());
    out += LittleEndian16(kEntries);
    out += entry(256, 4, width);         // ImageWidth
    out += entry(257, 4, height);        // ImageLength
    out += entry(258, 3, 1);             // BitsPerSample
    out += entry(259, 3, 1);             // Compression: none
    out += entry(262, 3, 0);             // Photometric: white is zero
    out += entry(273, 4, strip_at);      // StripOffsets
    out += entry(277, 3, 1);             // SamplesPerPixel
    out += entry(278, 4, height);        // RowsPerStrip
    out += entry(279, 4, 16);            // StripByteCounts
    out += LittleEndian32(p + 1 < pages ? at + ifd_size : 0);
  }
  return out;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(SizeBombTest, PngDeclaring60000x60000IsRefusedBeforeDecoding) {
  const auto start = std::chrono::steady_clock::now();
  const auto [status, err] = LoadCapturingStderr(PngDeclaring(60000, 60000), "bomb.png");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), Status::Code::kLimitExceeded) << status.message();
  EXPECT_NE(status.message().find("bomb.png page 1: 60000x60000 pixels is over the limit"),
            std::string::npos)
      << status.message();
  EXPECT_EQ(err, "");
  EXPECT_LT(SecondsSince(start), 5.0);
}

TEST(SizeBombTest, TiffDeclaring60000x60000IsRefusedBeforeDecoding) {
  const auto [status, err] = LoadCapturingStderr(TiffDeclaring(60000, 60000, 1), "bomb.tif");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), Status::Code::kLimitExceeded) << status.message();
  EXPECT_NE(status.message().find("bomb.tif page 1: 60000x60000 pixels is over the limit"),
            std::string::npos)
      << status.message();
}

TEST(SizeBombTest, TiffOf100000TinyPagesIsRefusedByItsPageCount) {
  const std::string bytes = TiffDeclaring(8, 8, 100000);
  const auto start = std::chrono::steady_clock::now();
  Result<Document> doc = Document::OpenBytes(bytes, "pages.tif", Limits());
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), Status::Code::kLimitExceeded);
  EXPECT_NE(doc.status().message().find("pages.tif: 100000 pages is over the limit of 1000"),
            std::string::npos)
      << doc.status().message();
  EXPECT_LT(SecondsSince(start), 30.0);
  // Under the limit, the same file shape opens and its pages read.
  Result<Document> small = Document::OpenBytes(TiffDeclaring(8, 8, 3), "three.tif", Limits());
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  EXPECT_EQ(small->page_count(), 3);
}

// A page tree whose only Pages node lists itself as its kid, and claims a million pages.
TEST(SizeBombTest, PdfWhosePageTreeLoopsOrClaimsAMillionPagesIsRefused) {
  const std::string looping = AssemblePdf({
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
  });
  const std::string million = AssemblePdf({
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1000000 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
  });
  for (const auto& [name, bytes] : {std::pair<std::string, std::string>{"loop.pdf", looping},
                                    {"million.pdf", million}}) {
    SCOPED_TRACE(name);
    const auto start = std::chrono::steady_clock::now();
    ::testing::internal::CaptureStderr();
    Result<Document> doc = Document::OpenBytes(bytes, name, Limits());
    Status page_status;
    if (doc.ok()) {
      PageLoader loader;
      for (int p = 1; p <= doc->page_count() && p <= 3; ++p) {
        Result<LoadedPage> page = loader.Load(*doc, p);
        if (!page.ok()) page_status = page.status();
      }
    }
    EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
    EXPECT_LT(SecondsSince(start), 10.0);
    if (!doc.ok()) {
      EXPECT_EQ(doc.status().message().rfind(name + ": ", 0), 0u) << doc.status().message();
    } else {
      // Whatever poppler makes of it: no more pages than the limit, and no page to read.
      EXPECT_LE(doc->page_count(), Limits().max_pages);
      EXPECT_FALSE(page_status.ok());
      EXPECT_EQ(page_status.message().rfind(name + " page ", 0), 0u) << page_status.message();
    }
  }
}

// A large page of tiny (here: no) text stated at a low resolution would be enlarged up to 4x
// in each direction; the enlargement stops at 50 Mpx.
TEST(SizeBombTest, UpscalingStopsAtFiftyMegapixels) {
  PixPtr page(pixCreate(1000, 20000, 8));
  ASSERT_TRUE(page);
  pixSetAllArbitrary(page.get(), 235);
  pixSetResolution(page.get(), 100, 100);
  Result<PreparedPage> prepared = Preprocess(std::move(page), 100, {});
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  const double pixels =
      static_cast<double>(pixGetWidth(prepared->grey.get())) * pixGetHeight(prepared->grey.get());
  EXPECT_LE(pixels, 50.5e6);
  EXPECT_GT(prepared->scale, 1.0f);  // still enlarged, as far as the bound allows
}

// Found by the ocr_document fuzzer: a PDF whose page content is the bytes of its own JPEG
// image. poppler meets millions of syntax errors drawing it (4-5 s in a release build, 45 s
// under ASan) and cannot be interrupted, and libjpeg printed "Corrupt JPEG data" on stderr.
// The page is read in a child process: within its budget it is read, the decoder's words in
// the page's warnings, never on stderr; past its budget the child is stopped and the page
// fails as timed out, on time.
TEST(OcrDocumentFuzzFindings, PdfWhoseContentIsItsOwnJpegIsBoundedAndQuiet) {
  const std::string bytes = ReadFile(Repo("tests/ocr/data/pdf-content-is-its-jpeg.pdf"));
  Result<Document> doc = Document::OpenBytes(bytes, "jpeg-content.pdf", Limits());
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  PageLoader loader;

  ::testing::internal::CaptureStderr();
  auto start = std::chrono::steady_clock::now();
  Result<LoadedPage> stopped = loader.Load(*doc, 1, std::chrono::milliseconds(500));
  const double stopped_after = SecondsSince(start);
  start = std::chrono::steady_clock::now();
  Result<LoadedPage> read = loader.Load(*doc, 1, std::chrono::seconds(120));
  const double read_after = SecondsSince(start);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");

  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.status().code(), Status::Code::kTimedOut);
  EXPECT_EQ(stopped.status().message(),
            "jpeg-content.pdf page 1: PDF page not rendered within 500 ms (its renderer was "
            "stopped)");
  EXPECT_LT(stopped_after, 2.0);

  ASSERT_TRUE(read.ok()) << read.status().ToString() << " after " << read_after << " s";
  ASSERT_TRUE(read->pix);
  EXPECT_EQ(read->dpi, 300);
  std::string warnings;
  for (const std::string& w : read->warnings) warnings += w + "\n";
  EXPECT_NE(warnings.find("Corrupt JPEG data"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("errors in its content"), std::string::npos) << warnings;
}

// A page whose content is 8 MB of numbers and no operator: poppler spends its time on "too
// many args" without ever checking for an abort. The budget still holds, and the next page
// of the same loader is read as usual.
TEST(SizeBombTest, PdfPageThatNeverEndsIsStoppedAtItsBudget) {
  std::string content;
  content.reserve(8 << 20);
  while (content.size() < (8u << 20)) content += "1 2 3 4 5 6 7 8 9 ";
  const std::string slow = AssemblePdf({
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
      "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content +
          "\nendstream",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
  });
  Result<Document> doc = Document::OpenBytes(slow, "slow.pdf", Limits());
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  ASSERT_EQ(doc->page_count(), 2);
  PageLoader loader;
  ::testing::internal::CaptureStderr();
  const auto start = std::chrono::steady_clock::now();
  Result<LoadedPage> first = loader.Load(*doc, 1, std::chrono::milliseconds(300));
  const double first_after = SecondsSince(start);
  Result<LoadedPage> second = loader.Load(*doc, 2, std::chrono::seconds(60));
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  if (first.ok()) {
    GTEST_SKIP() << "this poppler read 8 MB of numbers in under 300 ms (" << first_after
                 << " s); nothing to stop";
  }
  EXPECT_EQ(first.status().code(), Status::Code::kTimedOut) << first.status().ToString();
  EXPECT_LT(first_after, 2.0);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_TRUE(second->pix);  // an empty page: white pixels
}

}  // namespace
}  // namespace purr::ocr
