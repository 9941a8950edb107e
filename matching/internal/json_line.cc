#include "matching/internal/json_line.h"

#include <cstdint>

namespace purr::matching::internal {
namespace {

// A flat JSON object reader: string, integer, true/false/null, or an array of strings (for
// payer_accounts). Nested objects are rejected: the ledger has none.
class JsonLine {
 public:
  explicit JsonLine(std::string_view s) : s_(s) {}

  std::optional<std::string> Parse(std::vector<std::pair<std::string, std::string>>& fields) {
    Ws();
    if (!Eat('{')) return "line is not a JSON object";
    Ws();
    if (Eat('}')) return End();
    while (true) {
      Ws();
      std::string key;
      if (!String(key)) return "expected a quoted field name";
      Ws();
      if (!Eat(':')) return "expected ':' after \"" + key.substr(0, 40) + "\"";
      Ws();
      std::string value;
      bool is_null = false;
      if (auto err = Value(value, is_null)) return "field \"" + key.substr(0, 40) + "\": " + *err;
      if (!is_null) fields.emplace_back(std::move(key), std::move(value));
      Ws();
      if (Eat(',')) continue;
      if (Eat('}')) return End();
      return "expected ',' or '}'";
    }
  }

 private:
  std::optional<std::string> End() {
    Ws();
    if (i_ != s_.size()) return "text after the closing '}'";
    return std::nullopt;
  }
  void Ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  bool Eat(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  static void AppendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  bool Hex4(uint32_t& v) {
    if (i_ + 4 > s_.size()) return false;
    v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    return true;
  }
  bool String(std::string& out) {
    if (!Eat('"')) return false;
    while (i_ < s_.size()) {
      char c = s_[i_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) return false;
      char e = s_[i_++];
      switch (e) {
        case '"': case '\\': case '/': out += e; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00) {
            uint32_t lo;
            if (!Eat('\\') || !Eat('u') || !Hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp < 0xE000) {
            return false;
          }
          AppendUtf8(out, cp);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }
  bool Literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }
  std::optional<std::string> Value(std::string& out, bool& is_null) {
    if (i_ >= s_.size()) return "value missing";
    char c = s_[i_];
    if (c == '"') {
      if (!String(out)) return "malformed string";
      return std::nullopt;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      size_t start = i_;
      if (c == '-') ++i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      if (i_ < s_.size() && (s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E')) {
        return "number is not an integer";
      }
      out = std::string(s_.substr(start, i_ - start));
      return std::nullopt;
    }
    if (Literal("true")) return (out = "true", std::nullopt);
    if (Literal("false")) return (out = "false", std::nullopt);
    if (Literal("null")) return (is_null = true, std::nullopt);
    if (c == '[') {
      ++i_;
      Ws();
      if (Eat(']')) return std::nullopt;
      while (true) {
        Ws();
        std::string item;
        if (!String(item)) return "array items must be strings";
        if (!out.empty()) out += ';';
        out += item;
        Ws();
        if (Eat(',')) continue;
        if (Eat(']')) return std::nullopt;
        return "malformed array";
      }
    }
    return "nested objects and other values are not allowed";
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

std::optional<std::string> ParseFlatJsonObject(
    std::string_view line, std::vector<std::pair<std::string, std::string>>& fields) {
  return JsonLine(line).Parse(fields);
}

}  // namespace purr::matching::internal
