#include "classify/quotes.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace purr::classify {
namespace {

constexpr size_t kMaxInlineQuote = 400;
constexpr size_t kMaxWroteLine = 250;
constexpr size_t kFromBlockLines = 4;

struct Line {
  size_t start = 0, end = 0;  // [start, end) without the '\n'
};

std::vector<Line> SplitLines(std::string_view text) {
  std::vector<Line> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back({start, end});
    start = end + 1;
  }
  return lines;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// ASCII lower case; the Nordic letters of "Från"/"Frå" stay as they are, which is enough to
// compare with lower-case literals whose only capital is the first (ASCII) letter.
std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool StartsWithAny(std::string_view s, std::initializer_list<std::string_view> prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [s](std::string_view p) { return s.substr(0, p.size()) == p; });
}

bool EndsWithAny(std::string_view s, std::initializer_list<std::string_view> suffixes) {
  return std::any_of(suffixes.begin(), suffixes.end(), [s](std::string_view p) {
    return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
  });
}

bool ContainsAny(std::string_view s, std::initializer_list<std::string_view> parts) {
  return std::any_of(parts.begin(), parts.end(),
                     [s](std::string_view p) { return s.find(p) != std::string_view::npos; });
}

// "Subject: ...", "Emne: ..." at the top of a letter: a header, not the writer's own text.
bool IsHeaderLine(std::string_view line) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 24) return false;
  for (size_t i = 0; i < colon; ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (!(std::isalpha(c) || c == '-' || c >= 0x80)) return false;
  }
  return true;
}

bool IsSeparator(const std::string& lower) {
  if (lower.size() >= 5 && lower.find_first_not_of('_') == std::string::npos) return true;
  if (!StartsWithAny(lower, {"--", "__", "==", "*"})) return false;
  return ContainsAny(lower, {"original message", "opprinnelig melding", "opprinneleg melding",
                             "ursprungligt meddelande", "oprindelig meddelelse",
                             "forwarded message", "videresendt melding",
                             "vidarebefordrat meddelande", "videresendt meddelelse",
                             "videresendt besked", "vidaresendt melding"});
}

bool IsWroteLine(const std::string& lower) {
  return lower.size() <= kMaxWroteLine &&
         EndsWithAny(lower, {"wrote:", "skrev:", "skreiv:", "skrev følgende:", "writes:",
                             "skriver:"});
}

bool IsFromLine(const std::string& lower) {
  return StartsWithAny(lower, {"from:", "fra:", "från:", "frå:", "fra :"});
}

bool IsSentLine(const std::string& lower) {
  return StartsWithAny(lower, {"sent:", "sendt:", "skickat:", "date:", "dato:", "datum:",
                               "send:", "skickades:"});
}

// Where the quoted tail of an e-mail thread starts, or npos.
size_t ThreadStart(std::string_view text, const std::vector<Line>& lines) {
  bool own_text = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view raw = text.substr(lines[i].start, lines[i].end - lines[i].start);
    std::string_view line = Trim(raw);
    if (line.empty()) continue;
    std::string lower = AsciiLower(line);
    if (own_text) {
      if (IsSeparator(lower) || IsWroteLine(lower)) return lines[i].start;
      if (IsFromLine(lower)) {
        for (size_t j = i + 1; j < lines.size() && j <= i + kFromBlockLines; ++j) {
          std::string next = AsciiLower(Trim(text.substr(lines[j].start, lines[j].end - lines[j].start)));
          if (IsSentLine(next)) return lines[i].start;
        }
      }
    }
    if (line.front() != '>' && !IsHeaderLine(line)) own_text = true;
  }
  return std::string_view::npos;
}

// The quotation marks: an opening mark and the marks that may close it.
struct QuoteMark {
  std::string_view open;
  std::array<std::string_view, 2> close;
};
constexpr std::array<QuoteMark, 6> kQuoteMarks = {{
    {"\"", {"\"", "\xE2\x80\x9D"}},                 // "..."
    {"\xE2\x80\x9C", {"\xE2\x80\x9D", "\""}},       // “...”
    {"\xE2\x80\x9E", {"\xE2\x80\x9C", "\xE2\x80\x9D"}},  // „...“ „...”
    {"\xE2\x80\x9D", {"\xE2\x80\x9D", "\""}},       // ”...” (Swedish)
    {"\xC2\xAB", {"\xC2\xBB", "\""}},               // «...»
    {"\xC2\xBB", {"\xC2\xAB", "\xC2\xBB"}},         // »...« »...» (Danish)
}};

// A blank line (paragraph break) in text[from, to)?
bool CrossesParagraph(std::string_view text, size_t from, size_t to) {
  size_t nl = text.find('\n', from);
  while (nl != std::string_view::npos && nl < to) {
    size_t next = nl + 1;
    while (next < to && (text[next] == ' ' || text[next] == '\t' || text[next] == '\r')) ++next;
    if (next < to && text[next] == '\n') return true;
    nl = text.find('\n', nl + 1);
  }
  return false;
}

void AddInlineQuotes(std::string_view text, std::vector<Span>* regions) {
  size_t i = 0;
  while (i < text.size()) {
    // A mark is compared only where its first byte stands: most bytes of a letter open none.
    const QuoteMark* mark = nullptr;
    for (const QuoteMark& m : kQuoteMarks) {
      if (m.open[0] == text[i] && text.substr(i, m.open.size()) == m.open) {
        mark = &m;
        break;
      }
    }
    if (mark == nullptr) {
      ++i;
      continue;
    }
    size_t body = i + mark->open.size();
    size_t limit = std::min(text.size(), body + kMaxInlineQuote);
    size_t close = std::string_view::npos, close_size = 0;
    for (std::string_view c : mark->close) {
      size_t at = text.substr(0, limit).find(c, body);
      if (at != std::string_view::npos && at < close) close = at, close_size = c.size();
    }
    if (close == std::string_view::npos || CrossesParagraph(text, body, close)) {
      i = body;
      continue;
    }
    regions->push_back({i, close + close_size});
    i = close + close_size;
  }
}

bool Indented(std::string_view line) {
  return line.size() > 2 && (line[0] == '\t' || (line[0] == ' ' && line[1] == ' ')) &&
         !Trim(line).empty();
}

// A block of indented lines introduced by a line ending in ':' ("I got this letter from
// you today:") is a pasted text. A numbered list whose items start at the margin is not.
void AddIndentedBlocks(std::string_view text, const std::vector<Line>& lines,
                       std::vector<Span>* regions) {
  std::string_view previous;  // the last non-blank line before the current one
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = text.substr(lines[i].start, lines[i].end - lines[i].start);
    if (Indented(line) && !previous.empty() && previous.back() == ':') {
      size_t j = i;
      while (j + 1 < lines.size() &&
             (Indented(text.substr(lines[j + 1].start, lines[j + 1].end - lines[j + 1].start)))) {
        ++j;
      }
      if (j > i) {
        regions->push_back({lines[i].start, lines[j].end});
        i = j;
        previous = Trim(text.substr(lines[j].start, lines[j].end - lines[j].start));
        continue;
      }
    }
    if (!Trim(line).empty()) previous = Trim(line);
  }
}

}  // namespace

std::vector<Span> QuotedRegions(std::string_view text) {
  std::vector<Span> regions;
  const std::vector<Line> lines = SplitLines(text);
  for (const Line& line : lines) {
    std::string_view s = Trim(text.substr(line.start, line.end - line.start));
    if (!s.empty() && s.front() == '>') regions.push_back({line.start, line.end});
  }
  size_t thread = ThreadStart(text, lines);
  if (thread != std::string_view::npos) regions.push_back({thread, text.size()});
  AddIndentedBlocks(text, lines, &regions);
  AddInlineQuotes(text, &regions);
  std::sort(regions.begin(), regions.end(),
            [](const Span& a, const Span& b) { return a.start < b.start; });
  std::vector<Span> merged;
  for (const Span& r : regions) {
    if (!merged.empty() && r.start <= merged.back().end + 1) {  // also across a line break
      merged.back().end = std::max(merged.back().end, r.end);
    } else {
      merged.push_back(r);
    }
  }
  return merged;
}

bool InsideAny(const std::vector<Span>& regions, Span span) {
  auto it = std::upper_bound(regions.begin(), regions.end(), span.start,
                             [](size_t pos, const Span& r) { return pos < r.start; });
  if (it == regions.begin()) return false;
  --it;
  return span.start >= it->start && span.end <= it->end;
}

}  // namespace purr::classify
