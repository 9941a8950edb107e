// ParseMessage against hand-written Nordic debtor e-mails (fixtures/mail/,
// written by fixtures/mail/make_fixtures.py) and generated hostile input.
#include "mail/message.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace purr::mail {
namespace {

std::string Fixture(const std::string& name) {
  std::ifstream in(
      std::filesystem::path(PURR_SOURCE_DIR) / "fixtures/mail" / name,
      std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Message Parse(const std::string& name) {
  Result<Message> m = ParseMessage(Fixture(name));
  EXPECT_TRUE(m.ok()) << name << ": " << m.status().ToString();
  return m.ok() ? *m : Message{};
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

bool HasWarning(const Message& m, const std::string& part) {
  for (const std::string& w : m.warnings) {
    if (Contains(w, part)) return true;
  }
  return false;
}

TEST(MailParse, OutlookAlternativePrefersPlainAndDecodesHeaders) {
  const Message m = Parse("outlook_alternative_nb.eml");
  EXPECT_EQ(m.from, "Øystein Bjørnstad <oystein.bjornstad@outlook.com>");
  EXPECT_EQ(m.to, "Nordlys Inkasso AS <post@nordlys-inkasso.no>");
  EXPECT_EQ(m.subject, "Innsigelse på krav – saksnr. 2024-118734");
  EXPECT_EQ(m.date, "2025-03-03T14:05:00+01:00");
  EXPECT_EQ(m.message_id,
            "AM6PR05MB1234ABCD@AM6PR05MB1234.eurprd05.prod.outlook.com");
  EXPECT_TRUE(
      Contains(m.text, "inkassovarsel datert 3. mars 2025 på kr 1 249,50"));
  EXPECT_TRUE(Contains(m.text, "Øystein Bjørnstad"));
  EXPECT_FALSE(Contains(m.text, "<p"));  // the HTML alternative is not appended
  EXPECT_TRUE(m.attachments.empty());
  EXPECT_TRUE(m.warnings.empty()) << m.warnings[0];
}

TEST(MailParse, Latin1NorwegianBodyAndEncodedWords) {
  const Message m = Parse("latin1_nb.eml");
  EXPECT_EQ(m.subject, "Betalt før forfall");
  EXPECT_EQ(m.from, "Kåre Sæther <kare.saether@online.no>");
  EXPECT_TRUE(Contains(m.text, "Kvittering fra nettbanken følger vedlagt"));
  EXPECT_TRUE(Contains(m.text, "Kåre Sæther"));
}

TEST(MailParse, Windows1252SwedishWithEuroAndDash) {
  const Message m = Parse("cp1252_sv.eml");
  EXPECT_EQ(m.subject, "Ärende 2025-077312 – redan betalt");
  EXPECT_EQ(m.from, "Göran Åström <goran.astrom@telia.se>");
  EXPECT_TRUE(Contains(m.text, "SEK 3 400:- – men"));
  EXPECT_TRUE(Contains(m.text, "på € 12 godtar"));
}

TEST(MailParse, QuotedPrintableDanishSoftBreaksJoined) {
  const Message m = Parse("qp_da.eml");
  EXPECT_EQ(m.subject, "Betalt vandregning – sag 2024-502871");
  EXPECT_TRUE(
      Contains(m.text, "indbetalingskortet +71<000579868282883 +80729022<."));
  EXPECT_TRUE(Contains(m.text, "Vestergade 4, 6270 Tønder"));
}

TEST(MailParse, Base64HtmlOnlyBecomesText) {
  const Message m = Parse("html_only_base64_nn.eml");
  EXPECT_EQ(m.text,
            "Hei,\n\nEg bestrid kravet på kr 6 742,80 – sjå vedlagt.\n\n- Sak "
            "2024-302288\n"
            "- KID 0036633\n\nHelsing\nMaja Eriksen <maja@example.no>");
}

TEST(MailParse, PdfAttachmentKeptWithBytes) {
  const Message m = Parse("pdf_attachment_nb.eml");
  EXPECT_EQ(
      m.text,
      "Hei, kvittering for betalingen ligger ved som PDF.\nMvh Tor Einar\n");
  ASSERT_EQ(m.attachments.size(), 1u);
  const Attachment& a = m.attachments[0];
  EXPECT_EQ(a.filename, "Kvittering 06.11.2024.pdf");
  EXPECT_EQ(a.mime_type, "application/pdf");
  EXPECT_EQ(a.detected_type, "pdf");
  EXPECT_EQ(a.bytes.substr(0, 8), "%PDF-1.4");
  EXPECT_TRUE(Contains(a.bytes, "KID: 186252763"));
  EXPECT_TRUE(m.warnings.empty());
}

TEST(MailParse, PngScanAndTxtAttachment) {
  const Message m = Parse("png_and_txt_attachments_en.eml");
  ASSERT_EQ(m.attachments.size(), 2u);
  const Attachment& png = m.attachments[0];
  EXPECT_EQ(png.detected_type, "png");
  std::ifstream in(std::filesystem::path(PURR_SOURCE_DIR) /
                       "fixtures/scans/clean300/en_004_more_time_payday.png",
                   std::ios::binary);
  std::stringstream original;
  original << in.rdbuf();
  EXPECT_EQ(png.bytes, original.str());  // base64 round trip is exact
  const Attachment& txt = m.attachments[1];
  EXPECT_EQ(txt.filename, "plan.txt");
  EXPECT_EQ(txt.detected_type, "text");
  EXPECT_EQ(txt.text, "Betalingsplan: kr 500 pr. måned fra 1. april 2025.\n");
  EXPECT_TRUE(Contains(m.text, "Please see my letter attached"));
}

TEST(MailParse, MislabelledAttachmentTrustsMagicAndWarns) {
  const Message m = Parse("mislabelled_attachment_sv.eml");
  ASSERT_EQ(m.attachments.size(), 2u);
  EXPECT_EQ(m.attachments[0].mime_type, "application/pdf");
  EXPECT_EQ(m.attachments[0].detected_type, "png");
  EXPECT_EQ(m.attachments[1].detected_type, "pdf");
  EXPECT_TRUE(HasWarning(
      m, "\"kvitto.pdf\" is declared application/pdf but its content is png"));
  EXPECT_TRUE(HasWarning(
      m, "\"skanning.jpg\" is declared image/jpeg but its content is pdf"));
}

TEST(MailParse, BrokenMimeGivesBestEffortAndWarnings) {
  const Message m = Parse("broken_mime_da.eml");
  EXPECT_TRUE(Contains(
      m.text, "1.875,00 kr i går for sag 2025-587114 men kan se at jeg måske"));
  EXPECT_TRUE(HasWarning(m, "never closed"));
  EXPECT_EQ(m.subject, "betalt men forkert nummer?");
}

TEST(MailParse, UnknownCharsetReadAsWindows1252WithWarning) {
  const Message m = Parse("unknown_charset_nb.eml");
  EXPECT_TRUE(Contains(m.text, "Jeg bestrider kravet på kr 900. Hilsen Bjørn"));
  EXPECT_TRUE(HasWarning(m, "x-klingon-42"));
}

TEST(MailParse, HundredNestedMultipartsStopAtTheLimit) {
  std::string eml =
      "From: a@example.no\r\nSubject: nested\r\nMIME-Version: 1.0\r\n";
  const int levels = 100;
  for (int i = 0; i < levels; ++i) {
    eml += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(i) +
           "\"\r\n\r\n--b" + std::to_string(i) + "\r\n";
  }
  eml += "Content-Type: text/plain\r\n\r\ndeep text\r\n";
  for (int i = levels - 1; i >= 0; --i)
    eml += "--b" + std::to_string(i) + "--\r\n";
  Result<Message> m = ParseMessage(eml);
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->warnings.empty());
  EXPECT_TRUE(HasWarning(*m, "nested deeper than 32 levels"));
  EXPECT_EQ(m->text, "");
  ParseOptions deep;
  deep.max_depth = 200;
  Result<Message> all = ParseMessage(eml, deep);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->text, "deep text");
  EXPECT_TRUE(all->warnings.empty());
}

TEST(MailParse, FormatFlowedLinesAreJoined) {
  Result<Message> m = ParseMessage(
      "From: a@example.se\r\nSubject: flowed\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=utf-8; format=flowed\r\n\r\n"
      "Jag har betalat hela beloppet p\xC3\xA5 SEK 3 400:- med OCR \r\n"
      "279592236699 den 2 juni.\r\n \r\n-- \r\nG\xC3\xB6ran\r\n");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(
      m->text,
      "Jag har betalat hela beloppet på SEK 3 400:- med OCR 279592236699 den 2 "
      "juni.\n\n-- \nGöran\n");
}

TEST(MailParse, ForwardedMessageBodyBelongsToTheLetter) {
  Result<Message> m = ParseMessage(
      "From: advokat@example.no\r\nSubject: Fwd: krav\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"f\"\r\n\r\n"
      "--f\r\nContent-Type: text/plain\r\n\r\nSe videresendt e-post.\r\n"
      "--f\r\nContent-Type: message/rfc822\r\n\r\n"
      "From: kari@example.no\r\nSubject: krav\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n\r\n"
      "Jeg bestrider kravet i sak 2024-118734.\r\n"
      "--f--\r\n");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(
      m->text,
      "Se videresendt e-post.\n\nJeg bestrider kravet i sak 2024-118734.");
}

TEST(MailParse, EmptyAndBlankInputAreErrors) {
  EXPECT_EQ(ParseMessage("").status().code(), Status::Code::kInvalidInput);
  EXPECT_EQ(ParseMessage(" \r\n\r\n").status().code(),
            Status::Code::kInvalidInput);
  ParseOptions small;
  small.max_bytes = 10;
  EXPECT_EQ(ParseMessage("From: a@b.c\r\n\r\nhello", small).status().code(),
            Status::Code::kLimitExceeded);
}

TEST(MailParse, GarbageGivesTextAndWarningsNeverACrash) {
  std::string garbage;
  for (int i = 0; i < 3000; ++i)
    garbage.push_back(static_cast<char>((i * 131 + 7) % 256));
  Result<Message> m = ParseMessage(garbage);
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->warnings.empty());
}

TEST(MailParse, HeaderlessTextIsTheBody) {
  Result<Message> m = ParseMessage("Jeg bestrider kravet.\n");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(Contains(m->text, "Jeg bestrider kravet."));
}

TEST(MailParse, ParsesFromManyThreadsAtOnce) {
  const std::string eml = Fixture("outlook_alternative_nb.eml");
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        Result<Message> m = ParseMessage(eml);
        ok[static_cast<size_t>(t)] +=
            m.ok() && m->subject == "Innsigelse på krav – saksnr. 2024-118734";
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int n : ok) EXPECT_EQ(n, 50);
}

}  // namespace
}  // namespace purr::mail
