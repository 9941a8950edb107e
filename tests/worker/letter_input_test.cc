// LetterReader on e-mails: image and PDF attachments are OCR'd from memory (no temporary
// file), and their messages name the attachment.
#include "worker/letter_input.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "tests/ocr/test_files.h"

namespace purr {
namespace {

using testing::Repo;

// Points TMPDIR at a directory that does not exist while it lives: anything that needs a
// temporary file fails.
class NoTmpDir {
 public:
  NoTmpDir() {
    if (const char* old = std::getenv("TMPDIR")) old_ = old;
    setenv("TMPDIR", "/nonexistent/purr-test-tmp", 1);
  }
  ~NoTmpDir() {
    if (old_.empty()) {
      unsetenv("TMPDIR");
    } else {
      setenv("TMPDIR", old_.c_str(), 1);
    }
  }
  NoTmpDir(const NoTmpDir&) = delete;
  NoTmpDir& operator=(const NoTmpDir&) = delete;

 private:
  std::string old_;
};

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(LetterReaderTest, ImageAttachmentIsOcrdFromMemory) {
  NoTmpDir no_tmp;
  LetterReader reader{LetterReaderOptions()};
  Result<LetterText> letter = reader.Read(Repo("fixtures/mail/png_and_txt_attachments_en.eml"));
  ASSERT_TRUE(letter.ok()) << letter.status().ToString();
  EXPECT_EQ(letter->kind, "email");
  EXPECT_TRUE(letter->warnings.empty()) << letter->warnings.front();
  EXPECT_TRUE(Contains(letter->text, "Please see my letter attached")) << letter->text;
  EXPECT_TRUE(Contains(letter->text, "need bit more time")) << letter->text;  // the PNG
  EXPECT_TRUE(Contains(letter->text, "Betalingsplan")) << letter->text;       // the .txt
}

TEST(LetterReaderTest, BrokenAttachmentIsNamedInTheWarning) {
  LetterReader reader{LetterReaderOptions()};
  Result<LetterText> letter = reader.Read(Repo("fixtures/mail/mislabelled_attachment_sv.eml"));
  ASSERT_TRUE(letter.ok()) << letter.status().ToString();
  bool named = false;
  for (const std::string& warning : letter->warnings) {
    named |= Contains(warning, "attachment kvitto.pdf not read: kvitto.pdf: no page could be read");
    EXPECT_FALSE(Contains(warning, "purr-attachment")) << warning;
  }
  EXPECT_TRUE(named);
}

}  // namespace
}  // namespace purr
