// Size bombs in e-mail: refused or bounded with a clear error, in bounded time.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "mail/message.h"

namespace purr::mail {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool HasWarning(const Message& m, const std::string& words) {
  for (const std::string& w : m.warnings) {
    if (w.find(words) != std::string::npos) return true;
  }
  return false;
}

std::string Headers(const std::string& content_type) {
  return "From: kari@example.no\r\nTo: post@inkasso.example\r\nSubject: Faktura\r\n"
         "MIME-Version: 1.0\r\nContent-Type: " + content_type + "\r\n\r\n";
}

// 10,000 attachments: the first 100 are kept, the rest dropped with a warning; the letter's
// own text is still read.
TEST(MailBomb, TenThousandPartsKeepTheFirstHundredAndSaySo) {
  std::string mail = Headers("multipart/mixed; boundary=\"b\"");
  mail += "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nJeg bestrider kravet.\r\n";
  for (int i = 0; i < 10000; ++i) {
    mail += "--b\r\nContent-Type: application/octet-stream\r\n"
            "Content-Disposition: attachment; filename=\"v" + std::to_string(i) + ".bin\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\nAAECAwQ=\r\n";
  }
  mail += "--b--\r\n";
  const auto start = std::chrono::steady_clock::now();
  Result<Message> m = ParseMessage(mail);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_LT(SecondsSince(start), 30.0);
  EXPECT_EQ(m->attachments.size(), ParseOptions().max_attachments);
  EXPECT_TRUE(HasWarning(*m, "attachment")) << ::testing::PrintToString(m->warnings);
  EXPECT_NE(m->text.find("Jeg bestrider kravet."), std::string::npos);
}

// 10,000 inline text parts: read, in bounded time (every part is the letter's text).
TEST(MailBomb, TenThousandInlineTextPartsAreReadInBoundedTime) {
  std::string mail = Headers("multipart/mixed; boundary=\"b\"");
  for (int i = 0; i < 10000; ++i) {
    mail += "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nlinje " + std::to_string(i) +
            "\r\n";
  }
  mail += "--b--\r\n";
  const auto start = std::chrono::steady_clock::now();
  Result<Message> m = ParseMessage(mail);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_LT(SecondsSince(start), 30.0);
  EXPECT_NE(m->text.find("linje 9999"), std::string::npos);
}

// A 100 MB base64 attachment is over the 64 MB limit for a letter: refused unread, with the
// sizes; the same mail with a small attachment reads.
TEST(MailBomb, HundredMegabyteBase64AttachmentIsRefusedBySize) {
  std::string mail = Headers("multipart/mixed; boundary=\"b\"");
  mail += "--b\r\nContent-Type: text/plain\r\n\r\nSe vedlegg.\r\n--b\r\n"
          "Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"a.pdf\"\r\n"
          "Content-Transfer-Encoding: base64\r\n\r\n";
  const size_t header = mail.size();
  std::string line(76, 'A');
  line += "\r\n";
  while (mail.size() < (size_t{100} << 20)) mail += line;
  mail += "--b--\r\n";
  const auto start = std::chrono::steady_clock::now();
  Result<Message> m = ParseMessage(mail);
  EXPECT_LT(SecondsSince(start), 10.0);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), Status::Code::kLimitExceeded);
  EXPECT_NE(m.status().message().find("limit"), std::string::npos) << m.status().message();

  mail.resize(header + 10 * line.size());
  mail += "--b--\r\n";
  Result<Message> small = ParseMessage(mail);
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  ASSERT_EQ(small->attachments.size(), 1u);
}

}  // namespace
}  // namespace purr::mail
