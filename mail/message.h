// E-mail (RFC 5322 + MIME) parsing for letters that arrive by mail: headers,
// the readable body as UTF-8 text, and the attachments with their real type.
//
// Parsing is pure: bytes in, Message out, no file or network access. Real-world
// mail is often malformed; the parser is best effort and reports what it had to
// guess or skip in Message::warnings (missing boundary end, unknown charset,
// nesting too deep, an attachment whose content is not what its MIME type
// says). Only input with nothing to parse (empty or blank) is an error.
//
// Thread safety: ParseMessage may be called from any number of threads at once;
// the underlying MIME library is initialised once, on first use, thread-safely.
#ifndef PURR_MAIL_MESSAGE_H_
#define PURR_MAIL_MESSAGE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace purr::mail {

struct Attachment {
  std::string filename;   // decoded (RFC 2047 / RFC 2231), may be empty
  std::string mime_type;  // as declared, lower case ("application/pdf")
  // From the content's magic bytes, never from the declaration: "pdf", "tiff",
  // "png", "jpeg", "text" or "other". When it contradicts mime_type,
  // Message::warnings says so.
  std::string detected_type;
  std::string bytes;  // the decoded content (base64 / quoted-printable undone)
  // For detected_type "text": the content converted to UTF-8 (declared charset,
  // else UTF-8, else Windows-1252). The caller appends it to the letter as a
  // further page.
  std::string text;
};

struct Message {
  std::string from;  // decoded display form: "Kari Nordmann <kari@example.no>"
  std::string to;
  std::string subject;  // RFC 2047 decoded, UTF-8
  // ISO 8601 "2025-03-03T14:05:00+01:00"; the raw header if unparseable.
  std::string date;
  std::string message_id;  // without angle brackets
  // The readable body in UTF-8: text/plain preferred; else HTML turned into
  // text (tags, scripts and styles removed, entities decoded, paragraph breaks
  // kept). Bodies of several inline parts are joined with a blank line.
  std::string text;
  std::vector<Attachment> attachments;
  // One sentence each, for the clerk and the log. Never contains body text.
  std::vector<std::string> warnings;
};

struct ParseOptions {
  // Multiparts nested deeper than this are not descended into (warning). Mail
  // from people nests 2-4 levels; 100 levels is an attack or a loop. GMime's
  // own parser also stops at its nesting limit (warning).
  int max_depth = 32;
  size_t max_bytes = 64u << 20;  // larger input: kLimitExceeded
  size_t max_attachments = 100;  // further attachments are dropped (warning)
};

// Errors: kInvalidInput for empty or blank input; kLimitExceeded above
// max_bytes. Anything else, garbage included, gives a Message (possibly with
// only warnings and the raw text as body). Forwarded messages (message/rfc822)
// are part of the letter: their body and attachments are collected too.
Result<Message> ParseMessage(std::string_view bytes,
                             const ParseOptions& options = {});

// Content sniffing used for Attachment::detected_type ("pdf", "tiff", "png",
// "jpeg", "text", "other").
std::string DetectType(std::string_view bytes);

// HTML (UTF-8) to readable text: drops tags, comments, <script> and <style>;
// decodes entities; block elements and <br> become line breaks, paragraphs a
// blank line.
std::string HtmlToText(std::string_view html);

}  // namespace purr::mail

#endif  // PURR_MAIL_MESSAGE_H_
