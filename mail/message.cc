// ParseMessage: the GMime adapter. GMime does RFC 5322/MIME/2047/2231 and
// transfer decoding; this file walks the part tree with a depth limit, picks
// the readable body, converts charsets and sniffs attachments.
#include "mail/message.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace purr::mail {
namespace {

void InitGMime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

struct GObjectUnref {
  void operator()(void* p) const {
    if (p != nullptr) g_object_unref(p);
  }
};
template <typename T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

struct GFree {
  void operator()(void* p) const { g_free(p); }
};
using GString_ = std::unique_ptr<char, GFree>;

struct ParserOptionsFree {
  void operator()(GMimeParserOptions* p) const {
    g_mime_parser_options_free(p);
  }
};

std::string Str(const char* s) {
  return s == nullptr ? std::string() : std::string(s);
}

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Everything a walk collects.
struct Walk {
  const ParseOptions* options;
  std::string_view input;
  std::vector<std::string> plain;
  std::vector<std::string> html;
  std::vector<Attachment> attachments;
  std::vector<std::string> warnings;
  bool depth_warned = false;
  bool attachment_limit_warned = false;

  void Warn(std::string w) {
    if (std::find(warnings.begin(), warnings.end(), w) == warnings.end() &&
        warnings.size() < 50)
      warnings.push_back(std::move(w));
  }
};

// Latin-1 bytes as UTF-8: never fails; the last resort for text in an unknown
// charset.
std::string Latin1ToUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

bool Convert(std::string_view bytes, const char* from, std::string* out) {
  gsize written = 0;
  GError* error = nullptr;
  char* converted = g_convert(bytes.data(), static_cast<gssize>(bytes.size()),
                              "UTF-8", from, nullptr, &written, &error);
  if (converted == nullptr) {
    if (error != nullptr) g_error_free(error);
    return false;
  }
  out->assign(converted, written);
  g_free(converted);
  return true;
}

// CRLF and lone CR to LF: mail transports CRLF, letters are compared as LF
// text.
std::string NormaliseNewlines(std::string s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string ToUtf8Impl(std::string_view bytes, const std::string& declared,
                       const std::string& what, Walk* walk);

// Bytes in `charset` (as declared) to UTF-8 text with LF line ends.
std::string ToUtf8(std::string_view bytes, const std::string& declared,
                   const std::string& what, Walk* walk) {
  return NormaliseNewlines(ToUtf8Impl(bytes, declared, what, walk));
}

// Bytes in `charset` (as declared, may be empty or bogus) to UTF-8. ISO-8859-1
// is read as Windows-1252, as every mail client does (Outlook labels cp1252
// text Latin-1).
std::string ToUtf8Impl(std::string_view bytes, const std::string& declared,
                       const std::string& what, Walk* walk) {
  std::string charset = Lower(declared);
  if (charset.empty() || charset == "us-ascii" || charset == "ascii")
    charset = "utf-8";
  if (charset == "iso-8859-1" || charset == "latin1" ||
      charset == "iso8859-1") {
    charset = "windows-1252";
  }
  std::string out;
  if (charset == "utf-8" || charset == "utf8") {
    if (g_utf8_validate(bytes.data(), static_cast<gssize>(bytes.size()),
                        nullptr)) {
      return std::string(bytes);
    }
    if (!declared.empty() && Lower(declared) != "us-ascii") {
      walk->Warn(what + " is declared UTF-8 but is not; read as Windows-1252");
    }
    charset = "windows-1252";
  }
  const char* iconv_name = g_mime_charset_iconv_name(charset.c_str());
  if (Convert(bytes, iconv_name != nullptr ? iconv_name : charset.c_str(),
              &out))
    return out;
  if (charset != "windows-1252") {
    walk->Warn(what + " has unknown or wrong charset \"" + declared +
               "\"; read as Windows-1252");
  }
  if (Convert(bytes, "WINDOWS-1252", &out)) return out;
  return Latin1ToUtf8(
      bytes);  // bytes cp1252 leaves undefined (0x81, 0x8D, ...)
}

std::string DecodedContent(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (content == nullptr) return "";
  GPtr<GMimeStream> mem(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(content, mem.get());
  GByteArray* array =
      g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.get()));
  return std::string(reinterpret_cast<const char*>(array->data), array->len);
}

// The detected kind a declared MIME type promises; "" when it promises nothing
// specific.
std::string ExpectedKind(const std::string& mime_type) {
  if (mime_type == "application/pdf") return "pdf";
  if (mime_type == "image/tiff") return "tiff";
  if (mime_type == "image/png") return "png";
  if (mime_type == "image/jpeg" || mime_type == "image/jpg" ||
      mime_type == "image/pjpeg")
    return "jpeg";
  if (mime_type.rfind("text/", 0) == 0) return "text";
  return "";
}

void AddAttachment(GMimePart* part, const std::string& mime_type, Walk* walk) {
  if (walk->attachments.size() >= walk->options->max_attachments) {
    if (!walk->attachment_limit_warned) {
      walk->Warn("more than " + std::to_string(walk->options->max_attachments) +
                 " attachments; the rest were dropped");
      walk->attachment_limit_warned = true;
    }
    return;
  }
  Attachment a;
  a.filename = Str(g_mime_part_get_filename(part));
  a.mime_type = mime_type;
  a.bytes = DecodedContent(part);
  a.detected_type = DetectType(a.bytes);
  const std::string name =
      a.filename.empty()
          ? "attachment " + std::to_string(walk->attachments.size() + 1)
          : "attachment \"" + a.filename + "\"";
  const std::string expected = ExpectedKind(mime_type);
  if (!expected.empty() && expected != a.detected_type) {
    walk->Warn(name + " is declared " + mime_type + " but its content is " +
               a.detected_type + "; treated as " + a.detected_type);
  }
  if (a.detected_type == "text") {
    GMimeContentType* ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
    const std::string charset =
        ct != nullptr ? Str(g_mime_content_type_get_parameter(ct, "charset"))
                      : "";
    a.text = ToUtf8(a.bytes, charset, name, walk);
  }
  walk->attachments.push_back(std::move(a));
}

bool IsAttachment(GMimeObject* object, GMimePart* part, GMimeContentType* ct) {
  GMimeContentDisposition* disposition =
      g_mime_object_get_content_disposition(object);
  if (disposition != nullptr &&
      g_mime_content_disposition_is_attachment(disposition))
    return true;
  if (!g_mime_content_type_is_type(ct, "text", "*")) return true;
  // A text part with a file name and no "inline" is a .txt attachment.
  return g_mime_part_get_filename(part) != nullptr && disposition == nullptr;
}

void WalkObject(GMimeObject* object, int depth, Walk* walk);

void WalkMultipart(GMimeMultipart* multipart, int depth, Walk* walk) {
  const int count = g_mime_multipart_get_count(multipart);
  const char* boundary = g_mime_multipart_get_boundary(multipart);
  if (boundary != nullptr && walk->input.find("--" + std::string(boundary) +
                                              "--") == std::string_view::npos) {
    walk->Warn("multipart boundary \"" + std::string(boundary) +
               "\" is never closed; the message may be truncated");
  }
  GMimeContentType* ct =
      g_mime_object_get_content_type(GMIME_OBJECT(multipart));
  if (ct != nullptr &&
      g_mime_content_type_is_type(ct, "multipart", "alternative")) {
    // One body in several forms: take text/plain, else HTML, else the last
    // (richest) part.
    GMimeObject* best = nullptr;
    for (int pass = 0; pass < 2 && best == nullptr; ++pass) {
      for (int i = 0; i < count && best == nullptr; ++i) {
        GMimeObject* sub = g_mime_multipart_get_part(multipart, i);
        GMimeContentType* sct = g_mime_object_get_content_type(sub);
        if (sct != nullptr && g_mime_content_type_is_type(
                                  sct, "text", pass == 0 ? "plain" : "html"))
          best = sub;
      }
    }
    if (best == nullptr && count > 0)
      best = g_mime_multipart_get_part(multipart, count - 1);
    if (best != nullptr) WalkObject(best, depth + 1, walk);
    return;
  }
  for (int i = 0; i < count; ++i)
    WalkObject(g_mime_multipart_get_part(multipart, i), depth + 1, walk);
}

// RFC 3676 format=flowed: a line ending in a space continues on the next line
// (the space removed too when DelSp=yes); a leading space is stuffing. The
// signature separator "-- " is not a soft break.
std::string Unflow(std::string_view text, bool delsp) {
  std::string out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    if (!line.empty() && line[0] == ' ') line.remove_prefix(1);
    const bool soft = !line.empty() && line.back() == ' ' && line != "-- ";
    if (soft && delsp) line.remove_suffix(1);
    out += line;
    if (!soft && eol < text.size()) out.push_back('\n');
    pos = eol + 1;
  }
  return out;
}

void WalkPart(GMimePart* part, Walk* walk) {
  GMimeObject* object = GMIME_OBJECT(part);
  GMimeContentType* ct = g_mime_object_get_content_type(object);
  GString_ mime(ct != nullptr ? g_mime_content_type_get_mime_type(ct)
                              : g_strdup("text/plain"));
  const std::string mime_type = Lower(Str(mime.get()));
  if (ct == nullptr || IsAttachment(object, part, ct)) {
    AddAttachment(part, mime_type, walk);
    return;
  }
  const std::string charset =
      Str(g_mime_content_type_get_parameter(ct, "charset"));
  const std::string bytes = DecodedContent(part);
  if (mime_type == "text/html") {
    walk->html.push_back(
        HtmlToText(ToUtf8(bytes, charset, "the HTML body", walk)));
  } else {
    std::string text = ToUtf8(bytes, charset, "the text body", walk);
    if (Lower(Str(g_mime_content_type_get_parameter(ct, "format"))) ==
        "flowed") {
      const bool delsp =
          Lower(Str(g_mime_content_type_get_parameter(ct, "delsp"))) == "yes";
      text = Unflow(text, delsp);
    }
    walk->plain.push_back(std::move(text));
  }
}

void WalkObject(GMimeObject* object, int depth, Walk* walk) {
  if (object == nullptr) return;
  if (depth > walk->options->max_depth) {
    if (!walk->depth_warned) {
      walk->Warn("MIME parts nested deeper than " +
                 std::to_string(walk->options->max_depth) +
                 " levels were skipped");
      walk->depth_warned = true;
    }
    return;
  }
  if (GMIME_IS_MULTIPART(object)) {
    WalkMultipart(GMIME_MULTIPART(object), depth, walk);
  } else if (GMIME_IS_MESSAGE_PART(object)) {
    // A forwarded e-mail: its body and attachments belong to this letter.
    GMimeMessage* inner =
        g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
    if (inner != nullptr)
      WalkObject(g_mime_message_get_mime_part(inner), depth + 1, walk);
  } else if (GMIME_IS_PART(object)) {
    WalkPart(GMIME_PART(object), walk);
  }
}

std::string AddressList(InternetAddressList* list) {
  if (list == nullptr || internet_address_list_length(list) == 0) return "";
  GString_ s(internet_address_list_to_string(list, nullptr, FALSE));
  return Str(s.get());
}

std::string IsoDate(GMimeMessage* message) {
  GDateTime* date = g_mime_message_get_date(message);
  if (date != nullptr) {
    GString_ s(g_date_time_format(date, "%Y-%m-%dT%H:%M:%S%:z"));
    return Str(s.get());
  }
  return Str(g_mime_object_get_header(GMIME_OBJECT(message), "Date"));
}

void ParserWarning(gint64 offset, GMimeParserWarning code, const gchar* item,
                   gpointer data) {
  auto* walk = static_cast<Walk*>(data);
  std::string what;
  switch (code) {
    case GMIME_WARN_UNENCODED_8BIT_HEADER:
      what = "a header has unencoded 8-bit characters";
      break;
    case GMIME_WARN_INVALID_CONTENT_TYPE:
      what = "invalid Content-Type, read as application/octet-stream";
      break;
    case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE:
      what = "invalid RFC 2047 encoded header";
      break;
    case GMIME_WARN_MALFORMED_MULTIPART:
      what = "a multipart has no parts";
      break;
    case GMIME_WARN_TRUNCATED_MESSAGE:
      what = "the message is truncated";
      break;
    case GMIME_WARN_MALFORMED_MESSAGE:
      what = "the message is malformed";
      break;
    case GMIME_CRIT_INVALID_HEADER_NAME:
      what = "invalid header name; parts may be skipped";
      break;
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
      what = "a multipart lacks its boundary";
      break;
    case GMIME_CRIT_NESTING_OVERFLOW:
      what = "MIME nesting too deep; inner parts skipped";
      break;
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
      what = "a part has neither headers nor content";
      break;
    default:
      return;  // duplicated headers/parameters and the like: harmless
  }
  (void)item;
  walk->Warn(offset >= 0 ? what + " (byte " + std::to_string(offset) + ")"
                         : what);
}

bool IsBlank(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
           c == '\v';
  });
}

std::string JoinBodies(const std::vector<std::string>& bodies) {
  std::string out;
  for (const std::string& b : bodies) {
    if (b.empty()) continue;
    if (!out.empty()) out += "\n\n";
    out += b;
  }
  return out;
}

}  // namespace

Result<Message> ParseMessage(std::string_view bytes,
                             const ParseOptions& options) {
  if (bytes.empty() || IsBlank(bytes))
    return Status::InvalidInput("e-mail is empty");
  if (bytes.size() > options.max_bytes) {
    return Status::LimitExceeded("e-mail of " + std::to_string(bytes.size()) +
                                 " bytes is larger than the limit of " +
                                 std::to_string(options.max_bytes));
  }
  InitGMime();
  Walk walk;
  walk.options = &options;
  walk.input = bytes;

  std::unique_ptr<GMimeParserOptions, ParserOptionsFree> parser_options(
      g_mime_parser_options_new());
  static const char* kFallback[] = {"UTF-8", "windows-1252", nullptr};
  g_mime_parser_options_set_fallback_charsets(parser_options.get(), kFallback);
  g_mime_parser_options_set_warning_callback(parser_options.get(),
                                             ParserWarning, &walk);

  GPtr<GMimeStream> stream(
      g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
  GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  GPtr<GMimeMessage> message(
      g_mime_parser_construct_message(parser.get(), parser_options.get()));

  Message out;
  if (message == nullptr) {
    walk.Warn("not a parseable e-mail; the whole input is kept as text");
    out.text = ToUtf8(bytes, "", "the input", &walk);
    out.warnings = std::move(walk.warnings);
    return out;
  }
  out.from = AddressList(g_mime_message_get_from(message.get()));
  out.to = AddressList(g_mime_message_get_to(message.get()));
  out.subject = Str(g_mime_message_get_subject(message.get()));
  out.date = IsoDate(message.get());
  out.message_id = Str(g_mime_message_get_message_id(message.get()));
  WalkObject(g_mime_message_get_mime_part(message.get()), 0, &walk);
  out.text =
      !walk.plain.empty() ? JoinBodies(walk.plain) : JoinBodies(walk.html);
  if (out.from.empty() && out.subject.empty() && out.date.empty()) {
    walk.Warn("no e-mail headers found (From, Subject, Date)");
  }
  out.attachments = std::move(walk.attachments);
  out.warnings = std::move(walk.warnings);
  return out;
}

}  // namespace purr::mail
