// HtmlToText and DetectType: pure byte-level helpers of the mail parser (no
// GMime here).
#include <array>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>

#include "mail/message.h"

namespace purr::mail {
namespace {

char Lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool StartsWithNoCase(std::string_view s, size_t at, std::string_view prefix) {
  if (s.size() - at < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (Lower(s[at + i]) != prefix[i]) return false;
  }
  return true;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

struct NamedEntity {
  std::string_view name;
  uint32_t cp;
};

// The entities Nordic mail clients write; anything else is kept as written.
constexpr std::array<NamedEntity, 40> kEntities = {{
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},        {"quot", '"'},
    {"apos", '\''},    {"nbsp", 0xA0},    {"aring", 0xE5},    {"Aring", 0xC5},
    {"oslash", 0xF8},  {"Oslash", 0xD8},  {"aelig", 0xE6},    {"AElig", 0xC6},
    {"auml", 0xE4},    {"Auml", 0xC4},    {"ouml", 0xF6},     {"Ouml", 0xD6},
    {"uuml", 0xFC},    {"Uuml", 0xDC},    {"eacute", 0xE9},   {"Eacute", 0xC9},
    {"egrave", 0xE8},  {"aacute", 0xE1},  {"oacute", 0xF3},   {"szlig", 0xDF},
    {"euro", 0x20AC},  {"pound", 0xA3},   {"ndash", 0x2013},  {"mdash", 0x2014},
    {"laquo", 0xAB},   {"raquo", 0xBB},   {"hellip", 0x2026}, {"copy", 0xA9},
    {"reg", 0xAE},     {"lsquo", 0x2018}, {"rsquo", 0x2019},  {"ldquo", 0x201C},
    {"rdquo", 0x201D}, {"bull", 0x2022},  {"middot", 0xB7},   {"shy", 0xAD},
}};

// Decodes the entity starting at html[i] == '&'; returns the bytes consumed (0:
// not one).
size_t DecodeEntity(std::string_view html, size_t i, std::string* out) {
  // Entities are short: look for ';' in the next 12 bytes only (a text full of
  // '&' must not make this quadratic).
  const size_t found = html.substr(i, 12).find(';');
  if (found == std::string_view::npos || found < 2) return 0;
  const size_t semi = i + found;
  const std::string_view name = html.substr(i + 1, semi - i - 1);
  if (name[0] == '#') {
    uint32_t cp = 0;
    const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    for (char c : digits) {
      const int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                    : hex && std::isxdigit(static_cast<unsigned char>(c))
                        ? Lower(c) - 'a' + 10
                        : -1;
      if (v < 0 || cp > 0x10FFFF) return 0;
      cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
    }
    AppendUtf8(cp, out);
    return semi - i + 1;
  }
  for (const NamedEntity& e : kEntities) {
    if (e.name == name) {
      if (e.cp == 0xA0) {
        out->push_back(
            ' ');  // a non-breaking space reads as a space in a letter
      } else if (e.cp != 0xAD) {
        AppendUtf8(e.cp, out);
      }
      return semi - i + 1;
    }
  }
  return 0;
}

enum class Break { kNone, kLine, kParagraph };

// The line break a tag stands for ("p" -> paragraph, "br" -> line, "span" ->
// none).
Break BreakOf(std::string_view tag) {
  static constexpr std::string_view kParagraph[] = {
      "p",   "div", "table",   "h1",         "h2",     "h3",
      "h4",  "h5",  "h6",      "blockquote", "ul",     "ol",
      "pre", "hr",  "section", "article",    "header", "footer"};
  static constexpr std::string_view kLine[] = {"br", "tr", "li",
                                               "dt", "dd", "address"};
  for (std::string_view t : kParagraph) {
    if (tag == t) return Break::kParagraph;
  }
  for (std::string_view t : kLine) {
    if (tag == t) return Break::kLine;
  }
  return Break::kNone;
}

// Accumulates text with HTML whitespace rules: runs of blanks collapse to one
// space, breaks requested by tags become at most one blank line.
class TextSink {
 public:
  void Text(char c) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      space_ = !out_.empty();
      return;
    }
    Flush();
    out_.push_back(c);
  }
  void Raw(const std::string& s) {
    Flush();
    out_ += s;
  }
  void Request(Break b) {
    if (out_.empty()) return;
    if (b == Break::kParagraph) pending_ = 2;
    if (b == Break::kLine && pending_ < 1) pending_ = 1;
  }
  std::string Finish() { return std::move(out_); }

 private:
  void Flush() {
    if (pending_ > 0) {
      out_.append(static_cast<size_t>(pending_), '\n');
    } else if (space_) {
      out_.push_back(' ');
    }
    pending_ = 0;
    space_ = false;
  }

  std::string out_;
  int pending_ = 0;
  bool space_ = false;
};

// Reads the tag at html[i] == '<'; returns the index after '>' and sets *name
// (lower case, without '/') and *closing.
size_t ReadTag(std::string_view html, size_t i, std::string* name,
               bool* closing) {
  size_t j = i + 1;
  *closing = j < html.size() && html[j] == '/';
  if (*closing) ++j;
  name->clear();
  while (j < html.size() &&
         (std::isalnum(static_cast<unsigned char>(html[j])))) {
    name->push_back(Lower(html[j++]));
  }
  // Skip attributes; a '>' inside a quoted attribute value does not end the
  // tag.
  char quote = 0;
  for (; j < html.size(); ++j) {
    if (quote != 0) {
      if (html[j] == quote) quote = 0;
    } else if (html[j] == '"' || html[j] == '\'') {
      quote = html[j];
    } else if (html[j] == '>') {
      return j + 1;
    } else if (html[j] == '<') {
      return j;  // "<a<b": an unclosed tag ends where the next begins
    }
  }
  return html.size();
}

// Index after the closing tag </name> (case-insensitive), or the end of html.
size_t SkipElement(std::string_view html, size_t from, std::string_view name) {
  for (size_t k = html.find('<', from); k != std::string_view::npos;
       k = html.find('<', k + 1)) {
    if (k + 1 < html.size() && html[k + 1] == '/' &&
        StartsWithNoCase(html, k + 2, name)) {
      const size_t end = html.find('>', k);
      return end == std::string_view::npos ? html.size() : end + 1;
    }
  }
  return html.size();
}

bool IsMostlyText(std::string_view bytes) {
  const size_t n = std::min<size_t>(bytes.size(), 4096);
  if (n == 0) return false;
  size_t control = 0;
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c == 0) return false;
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') ++control;
  }
  return control * 100 < n;  // under 1% control characters
}

}  // namespace

std::string HtmlToText(std::string_view html) {
  TextSink sink;
  std::string tag;
  size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      if (html.compare(i, 4, "<!--") == 0) {
        const size_t end = html.find("-->", i + 4);
        i = end == std::string_view::npos ? html.size() : end + 3;
        continue;
      }
      // A '<' not followed by a tag name, '/' or '!' is text ("a < b").
      const char after = i + 1 < html.size() ? html[i + 1] : ' ';
      if (!std::isalpha(static_cast<unsigned char>(after)) && after != '/' &&
          after != '!') {
        sink.Text(c);
        ++i;
        continue;
      }
      bool closing = false;
      const size_t next = ReadTag(html, i, &tag, &closing);
      i = next;
      if (!closing && (tag == "script" || tag == "style" || tag == "head" ||
                       tag == "title")) {
        i = SkipElement(html, i, tag);
        continue;
      }
      sink.Request(BreakOf(tag));
      if (!closing && tag == "li") sink.Raw("- ");
      continue;
    }
    if (c == '&') {
      std::string decoded;
      const size_t used = DecodeEntity(html, i, &decoded);
      if (used > 0) {
        for (char d : decoded) sink.Text(d);
        i += used;
        continue;
      }
    }
    sink.Text(c);
    ++i;
  }
  return sink.Finish();
}

std::string DetectType(std::string_view bytes) {
  if (bytes.substr(0, 5) == "%PDF-") return "pdf";
  if (bytes.substr(0, 4) == std::string_view("II*\0", 4) ||
      bytes.substr(0, 4) == std::string_view("MM\0*", 4))
    return "tiff";
  if (bytes.substr(0, 8) == "\x89PNG\r\n\x1a\n") return "png";
  if (bytes.substr(0, 3) == "\xFF\xD8\xFF") return "jpeg";
  if (IsMostlyText(bytes)) return "text";
  return "other";
}

}  // namespace purr::mail
