// Keys and tokens: how references, invoice numbers, case numbers and names are compared,
// and the ledger with its keys precomputed.
#include <algorithm>

#include "matching/internal/engine.h"
#include "refs/account.h"
#include "refs/reference.h"

namespace purr::matching::internal {
namespace {

char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) {
  return IsDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// Two-byte UTF-8 Nordic letters folded to ASCII for name comparison.
std::string_view FoldLatin1Supplement(unsigned char second) {
  switch (second) {
    case 0x85: case 0xA5: case 0x84: case 0xA4: case 0x80: case 0xA0: case 0x81: case 0xA1:
      return "a";
    case 0x86: case 0xA6:
      return "ae";
    case 0x96: case 0xB6: case 0x98: case 0xB8: case 0x93: case 0xB3:
      return "o";
    case 0x89: case 0xA9: case 0x88: case 0xA8:
      return "e";
    case 0x9C: case 0xBC:
      return "u";
    default:
      return "";
  }
}

std::vector<std::string> NameTokens(std::string_view name) {
  std::string folded;
  folded.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c == 0xC3 && i + 1 < name.size()) {
      folded += FoldLatin1Supplement(static_cast<unsigned char>(name[++i]));
    } else if (IsAlnum(static_cast<char>(c))) {
      folded += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : static_cast<char>(c);
    } else {
      folded += ' ';
    }
  }
  std::vector<std::string> tokens;
  size_t i = 0;
  while (i < folded.size()) {
    size_t j = folded.find(' ', i);
    if (j == std::string::npos) j = folded.size();
    if (j - i >= 2) tokens.push_back(folded.substr(i, j - i));
    i = j + 1;
  }
  std::sort(tokens.begin(), tokens.end());
  tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
  return tokens;
}

bool TokensAgree(std::string_view a, std::string_view b) {
  if (a == b) return true;
  return a.size() >= 5 && b.size() >= 5 && ClassifyEdit(a, b) != EditKind::kNone;
}

bool IsWordBreak(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ';' || c == ':' ||
         c == '(' || c == ')' || c == '[' || c == ']' || c == '/' || c == '"' || c == '\'';
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit);
}

// The longest RF reference starting at text[i] ("RF18 5390 0754 7034" with blanks).
std::string RfAt(std::string_view text, size_t i) {
  std::string compact = "RF";
  std::string best;
  for (size_t k = i + 2; k < text.size() && compact.size() < 25; ++k) {
    char c = Upper(text[k]);
    if (c == ' ') {
      if (k + 1 < text.size() && text[k + 1] == ' ') break;
      continue;
    }
    if (!IsAlnum(c)) break;
    compact += c;
    if (compact.size() >= 5 && refs::IsRfReferenceValid(compact)) best = compact;
  }
  return best;
}

bool IsNumberLabel(std::string_view word) {
  static constexpr std::string_view kLabels[] = {
      "FAKTURA", "FAKTURANR", "FAKT", "FAKTNR", "INVOICE", "INV", "NR", "NO", "NUMMER",
      "SAK", "SAKSNR", "SAKSNUMMER", "CASE", "ARENDE", "KID", "OCR", "REF"};
  for (std::string_view label : kLabels) {
    if (word == label) return true;
  }
  return false;
}

}  // namespace

EditKind ClassifyEdit(std::string_view q, std::string_view r) {
  size_t lq = q.size(), lr = r.size();
  if (lq == lr) {
    size_t i = 0;
    while (i < lq && q[i] == r[i]) ++i;
    if (i == lq) return EditKind::kNone;
    size_t j = lq - 1;
    while (q[j] == r[j]) --j;
    if (i == j) return EditKind::kSubstitution;
    if (j == i + 1 && q[i] == r[j] && q[j] == r[i]) return EditKind::kTransposition;
    return EditKind::kNone;
  }
  if (lq == lr + 1) {
    size_t i = 0;
    while (i < lr && q[i] == r[i]) ++i;
    return q.substr(i + 1) == r.substr(i) ? EditKind::kInsertion : EditKind::kNone;
  }
  if (lq + 1 == lr) {
    if (r.substr(0, lq) == q) return EditKind::kMissingCheckDigit;
    size_t i = 0;
    while (i < lq && q[i] == r[i]) ++i;
    return r.substr(i + 1) == q.substr(i) ? EditKind::kDeletion : EditKind::kNone;
  }
  return EditKind::kNone;
}

std::string_view StripLeadingZeros(std::string_view s) {
  size_t i = 0;
  while (i + 1 < s.size() && s[i] == '0') ++i;
  return s.substr(i);
}

namespace {

std::string_view TrimKey(std::string_view s) {
  auto trim = [](char c) {
    return c == ' ' || c == '.' || c == ',' || c == '-' || c == '#' || c == '*' || c == ':' ||
           c == ';' || c == '(' || c == ')' || c == '\t';
  };
  while (!s.empty() && trim(s.front())) s.remove_prefix(1);
  while (!s.empty() && trim(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string TextKey(std::string_view s) {
  std::string out(TrimKey(s));
  for (char& c : out) c = Upper(c);
  return out;
}

bool TextKeyEquals(std::string_view raw, std::string_view key) {
  raw = TrimKey(raw);
  if (raw.size() != key.size()) return false;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (Upper(raw[i]) != key[i]) return false;
  }
  return true;
}

bool CheckDigitValid(std::string_view s, const std::vector<refs::ReferenceKind>& schemes) {
  if (!schemes.empty()) {
    for (const refs::ReferenceMatch& m : refs::ClassifyReference(s)) {
      if (m.valid && std::find(schemes.begin(), schemes.end(), m.kind) != schemes.end()) {
        return true;
      }
    }
    return false;
  }
  if (AllDigits(s)) {
    return refs::IsLuhnValid(s) || refs::IsMod11Valid(s, true) ||
           refs::IsFinnishReferenceValid(s);
  }
  return refs::HasValidCheckDigit(s);
}

std::string NameKey(std::string_view name) {
  std::string key;
  for (const std::string& t : NameTokens(name)) {
    if (!key.empty()) key += ' ';
    key += t;
  }
  return key;
}

bool NamesMatch(std::string_view a, std::string_view b) {
  return NameKeysMatch(NameKey(a), NameKey(b));
}

bool NameKeysMatch(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return false;
  size_t common = 0, na = 0, nb = 0;
  auto each = [](std::string_view key, auto&& f) {
    size_t i = 0;
    while (i < key.size()) {
      size_t j = key.find(' ', i);
      if (j == std::string_view::npos) j = key.size();
      f(key.substr(i, j - i));
      i = j + 1;
    }
  };
  each(b, [&nb](std::string_view) { ++nb; });
  each(a, [&](std::string_view x) {
    ++na;
    bool agree = false;
    each(b, [&](std::string_view y) { agree = agree || TokensAgree(x, y); });
    common += agree;
  });
  return common >= 2 || (common == 1 && na == 1 && nb == 1);
}

std::vector<std::string> TextTokens(std::string_view text) {
  constexpr size_t kMaxTokens = 64;
  std::vector<std::string> out;
  auto add = [&out](std::string t) {
    if (t.size() < 3 || t.size() > 35 || out.size() >= kMaxTokens) return;
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(std::move(t));
  };
  for (size_t i = 0; i + 4 <= text.size(); ++i) {
    if (Upper(text[i]) == 'R' && Upper(text[i + 1]) == 'F' && IsDigit(text[i + 2]) &&
        IsDigit(text[i + 3]) && (i == 0 || !IsAlnum(text[i - 1]))) {
      add(RfAt(text, i));
    }
  }
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size() && words.size() < 4 * kMaxTokens) {
    while (i < text.size() && IsWordBreak(text[i])) ++i;
    size_t j = i;
    while (j < text.size() && !IsWordBreak(text[j])) ++j;
    if (j > i) words.push_back(TextKey(text.substr(i, j - i)));
    i = j;
  }
  bool listed_number = false;  // the previous word was a number taken as a token
  for (size_t w = 0; w < words.size(); ++w) {
    const std::string& word = words[w];
    // A short number ("500", "2025") is an amount or a year far more often than an invoice
    // or case number; it counts only right after a label such as "faktura" or "nr".
    // Lists continue a label: "faktura 1001, 1002".
    bool short_number = AllDigits(word) && word.size() < 5;
    bool labelled = w > 0 && (IsNumberLabel(words[w - 1]) || (AllDigits(words[w - 1]) &&
                                                            listed_number));
    listed_number = AllDigits(word) && (!short_number || labelled);
    if (!short_number || labelled) {
      add(word);
      // "1234-5678-903", "KID12344": the reference form of the word.
      std::string compact = refs::CompactReference(word);
      if (compact != word && !(AllDigits(compact) && compact.size() < 5)) add(compact);
    }
    // "NR.1234567", "KID-12345": the part after the last label separator.
    size_t sep = word.find_last_of(".-#");
    if (sep != std::string::npos) add(TextKey(word.substr(sep + 1)));
    // Digit groups written with blanks ("1234 5678 903"): join up to six groups.
    if (AllDigits(word) && word.size() <= 6) {
      std::string joined = word;
      for (size_t k = w + 1; k < words.size() && k < w + 6; ++k) {
        if (!AllDigits(words[k]) || words[k].size() > 6) break;
        joined += words[k];
        if (joined.size() >= 5) add(joined);
      }
    }
  }
  return out;
}

namespace {

constexpr size_t kMaxReferenceKeys = 16;
constexpr size_t kMaxKeyLength = 35;

}  // namespace

// The keys a structured reference is looked up by: a FIK line's payment id, the compact
// reference, and for a list ("657866 658765 657767", "801266,801365") each item.
std::vector<std::string> ReferenceKeys(std::string_view raw) {
  std::vector<std::string> keys;
  auto add = [&keys](std::string k) {
    if (k.empty() || k.size() > kMaxKeyLength || keys.size() >= kMaxReferenceKeys) return;
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(std::move(k));
  };
  size_t first = raw.find_first_not_of(" \t");
  if (first != std::string_view::npos && raw[first] == '+') {
    auto fik = refs::ParseFikLine(raw);
    if (fik.ok() && !fik->payment_id.empty()) {
      add(fik->payment_id);
      return keys;
    }
  }
  add(refs::CompactReference(raw));
  bool list = raw.find_first_of(",;") != std::string_view::npos;
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < raw.size()) {
    size_t j = raw.find_first_of(" \t,;", i);
    if (j == std::string_view::npos) j = raw.size();
    std::string part = refs::CompactReference(raw.substr(i, j - i));
    if (!part.empty()) parts.push_back(std::move(part));
    i = j + 1;
  }
  bool all_long = parts.size() > 1 && std::all_of(parts.begin(), parts.end(),
                                                  [](const std::string& p) { return p.size() >= 5; });
  if (list || all_long) {
    for (std::string& p : parts) add(std::move(p));
  }
  return keys;
}

LedgerData BuildLedgerData(std::vector<Invoice> invoices) {
  LedgerData d;
  size_t n = invoices.size();
  d.refs.reserve(n);
  d.name_keys.reserve(n);
  d.accounts.reserve(n);
  d.balances.reserve(n);
  for (const Invoice& inv : invoices) {
    std::string ref = refs::CompactReference(inv.reference);
    if (ref.size() > kMaxKeyLength) ref.clear();
    d.refs.push_back(std::move(ref));
    d.name_keys.push_back(NameKey(inv.customer_name));
    std::vector<std::string> accounts;
    for (const std::string& a : inv.payer_accounts) {
      std::string canonical = refs::CanonicalAccount(a);
      if (canonical.size() >= 5) accounts.push_back(std::move(canonical));
    }
    d.accounts.push_back(std::move(accounts));
    d.balances.push_back(inv.amount_minor);
  }
  d.invoices = std::move(invoices);
  return d;
}

}  // namespace purr::matching::internal
