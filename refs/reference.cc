#include "refs/reference.h"

#include <array>
#include <cctype>

#include "refs/account.h"

namespace purr::refs {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

char ToUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

// Sum of weights[i % n] * digit, walking from the rightmost digit.
template <size_t N>
int WeightedSum(std::string_view digits, const std::array<int, N>& weights) {
  int sum = 0;
  size_t i = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it, ++i) {
    sum += (*it - '0') * weights[i % N];
  }
  return sum;
}

std::string_view Body(std::string_view number) {
  return number.substr(0, number.size() - 1);
}

}  // namespace

std::optional<char> LuhnCheckDigit(std::string_view digits) {
  if (!AllDigits(digits)) return std::nullopt;
  int sum = 0;
  bool twice = true;  // the digit next to the check digit gets weight 2
  for (auto it = digits.rbegin(); it != digits.rend(); ++it, twice = !twice) {
    int d = (*it - '0') * (twice ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

bool IsLuhnValid(std::string_view number) {
  if (number.size() < 2) return false;
  auto check = LuhnCheckDigit(Body(number));
  return check && *check == number.back();
}

std::optional<char> Mod11CheckChar(std::string_view digits) {
  if (!AllDigits(digits)) return std::nullopt;
  static constexpr std::array<int, 6> kWeights = {2, 3, 4, 5, 6, 7};
  int r = WeightedSum(digits, kWeights) % 11;
  if (r == 0) return '0';
  if (r == 1) return '-';
  return static_cast<char>('0' + 11 - r);
}

bool IsMod11Valid(std::string_view number, bool allow_minus) {
  if (number.size() < 2) return false;
  auto check = Mod11CheckChar(Body(number));
  if (!check || *check != number.back()) return false;
  return *check != '-' || allow_minus;
}

std::optional<char> Finnish731CheckDigit(std::string_view digits) {
  if (!AllDigits(digits)) return std::nullopt;
  static constexpr std::array<int, 3> kWeights = {7, 3, 1};
  return static_cast<char>('0' + (10 - WeightedSum(digits, kWeights) % 10) % 10);
}

bool IsFinnishReferenceValid(std::string_view number) {
  if (number.size() < 4 || number.size() > 20) return false;
  auto check = Finnish731CheckDigit(Body(number));
  return check && *check == number.back();
}

std::optional<int> Mod97(std::string_view alnum) {
  if (alnum.empty()) return std::nullopt;
  int r = 0;
  for (char c : alnum) {
    c = ToUpper(c);
    if (IsDigit(c)) {
      r = (r * 10 + (c - '0')) % 97;
    } else if (IsUpper(c)) {
      r = (r * 100 + (c - 'A' + 10)) % 97;
    } else {
      return std::nullopt;
    }
  }
  return r;
}

Result<std::string> MakeKid(std::string_view base, KidAlgorithm algorithm) {
  if (base.empty() || base.size() > 24 || !AllDigits(base)) {
    return Status::InvalidInput("KID base must be 1..24 digits");
  }
  char check = algorithm == KidAlgorithm::kMod11 ? *Mod11CheckChar(base) : *LuhnCheckDigit(base);
  return std::string(base) + check;
}

bool IsKidValid(std::string_view kid, const KidScheme& scheme) {
  int n = static_cast<int>(kid.size());
  if (n < scheme.min_length || n > scheme.max_length) return false;
  bool mod10 = AllDigits(kid) && IsLuhnValid(kid);
  bool mod11 = IsMod11Valid(kid, /*allow_minus=*/true);
  switch (scheme.algorithm) {
    case KidAlgorithm::kMod10:
      return mod10;
    case KidAlgorithm::kMod11:
      return mod11;
    case KidAlgorithm::kEither:
      return mod10 || mod11;
  }
  return false;
}

Result<std::string> MakeSwedishOcr(std::string_view base, bool with_length_digit) {
  size_t max_base = with_length_digit ? 23 : 24;
  if (base.empty() || base.size() > max_base || !AllDigits(base)) {
    return Status::InvalidInput("OCR base must be 1.." + std::to_string(max_base) + " digits");
  }
  std::string ocr(base);
  if (with_length_digit) ocr += static_cast<char>('0' + (base.size() + 2) % 10);
  ocr += *LuhnCheckDigit(ocr);
  return ocr;
}

bool IsSwedishOcrValid(std::string_view ocr, bool with_length_digit) {
  if (ocr.size() < 2 || ocr.size() > 25 || !AllDigits(ocr) || !IsLuhnValid(ocr)) return false;
  if (!with_length_digit) return true;
  return ocr.size() >= 3 &&
         ocr[ocr.size() - 2] - '0' == static_cast<int>(ocr.size() % 10);
}

Result<std::string> MakeRfReference(std::string_view body) {
  std::string compact = CompactReference(body);
  if (compact.empty() || compact.size() > 21) {
    return Status::InvalidInput("RF body must be 1..21 alphanumerics");
  }
  auto r = Mod97(compact + "RF00");
  if (!r) return Status::InvalidInput("RF body must be alphanumeric");
  int check = 98 - *r;
  std::string out = "RF";
  out += static_cast<char>('0' + check / 10);
  out += static_cast<char>('0' + check % 10);
  return out + compact;
}

bool IsRfReferenceValid(std::string_view reference) {
  if (reference.size() < 5 || reference.size() > 25) return false;
  if (reference.substr(0, 2) != "RF" || !IsDigit(reference[2]) || !IsDigit(reference[3])) {
    return false;
  }
  std::string rearranged(reference.substr(4));
  rearranged += reference.substr(0, 4);
  auto r = Mod97(rearranged);
  return r && *r == 1;
}

Result<std::string> MakeFinnishReference(std::string_view base) {
  if (base.size() < 3 || base.size() > 19 || !AllDigits(base)) {
    return Status::InvalidInput("Finnish reference base must be 3..19 digits");
  }
  return std::string(base) + *Finnish731CheckDigit(base);
}

namespace {

// Payment id width per FIK card type, 0 = the card type carries no payment id.
std::optional<size_t> FikIdWidth(int card_type) {
  switch (card_type) {
    case 71:
      return 15;
    case 75:
    case 4:
    case 15:
      return 16;
    case 73:
    case 1:
      return 0;
    default:
      return std::nullopt;
  }
}

std::string StripBlanks(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\t') out += c;
  }
  return out;
}

}  // namespace

Result<FikLine> ParseFikLine(std::string_view line) {
  std::string s = StripBlanks(line);
  if (s.size() < 4 || s[0] != '+' || !IsDigit(s[1]) || !IsDigit(s[2]) || s[3] != '<') {
    return Status::InvalidInput("FIK line must start with '+NN<'");
  }
  FikLine fik;
  fik.card_type = (s[1] - '0') * 10 + (s[2] - '0');
  auto width = FikIdWidth(fik.card_type);
  if (!width) {
    return Status::InvalidInput("unknown FIK card type +" + s.substr(1, 2));
  }
  size_t plus = s.find('+', 4);
  if (plus == std::string::npos) {
    return Status::InvalidInput("FIK line has no '+' before the creditor number");
  }
  std::string id = s.substr(4, plus - 4);
  std::string creditor = s.substr(plus + 1);
  if (!creditor.empty() && creditor.back() == '<') creditor.pop_back();
  if (*width == 0) {
    if (!id.empty()) {
      return Status::InvalidInput("FIK +" + s.substr(1, 2) + " carries no payment id");
    }
  } else {
    if (id.empty()) return Status::InvalidInput("FIK payment id missing");
    if (id.size() > *width || !AllDigits(id)) {
      return Status::InvalidInput("FIK payment id must be at most " + std::to_string(*width) +
                                  " digits");
    }
    if (!IsLuhnValid(id)) return Status::InvalidInput("FIK payment id fails its check digit");
    fik.payment_id = std::string(*width - id.size(), '0') + id;
  }
  bool fik_card = fik.card_type >= 71;
  bool creditor_ok = AllDigits(creditor) &&
                     (fik_card ? creditor.size() == 8 && creditor[0] == '8'
                               : creditor.size() == 7 || creditor.size() == 8);
  if (!creditor_ok) {
    return Status::InvalidInput(fik_card ? "FIK creditor number must be 8 digits starting with 8"
                                         : "giro account must be 7 or 8 digits");
  }
  fik.creditor = creditor;
  return fik;
}

std::string FormatFikLine(const FikLine& line) {
  std::string type = std::to_string(line.card_type);
  if (type.size() < 2) type = "0" + type;
  return "+" + type + "<" + line.payment_id + " +" + line.creditor + "<";
}

namespace {

constexpr std::string_view kLabels[] = {"BETALINGSID", "REFERANSE", "REFERENS", "KID", "OCR",
                                        "REF", "FIK"};

bool IsSeparator(char c) {
  return c == ' ' || c == '\t' || c == '.' || c == ',' || c == '/' || c == ':' || c == '#' ||
         c == '_' || c == '\n' || c == '\r';
}

}  // namespace

std::string CompactReference(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = ToUpper(raw[i]);
    if (IsSeparator(c)) continue;
    if (c == '-') {
      // Keep a final '-' after a digit: the MOD11 check value 10.
      bool last = true;
      for (size_t j = i + 1; j < raw.size(); ++j) {
        if (!IsSeparator(raw[j])) last = false;
      }
      if (last && !out.empty() && IsDigit(out.back())) out += '-';
      continue;
    }
    out += c;
  }
  // Drop leading labels ("KID: 123", "Ref 123", "KID KID 123"). A label counts only when a
  // digit follows, so "REFNR..." or an alphanumeric reference is left alone. Stripping after
  // compaction keeps the function idempotent.
  bool stripped = true;
  while (stripped) {
    stripped = false;
    for (std::string_view label : kLabels) {
      if (out.size() > label.size() && std::string_view(out).substr(0, label.size()) == label &&
          IsDigit(out[label.size()])) {
        out.erase(0, label.size());
        stripped = true;
        break;
      }
    }
  }
  return out;
}

std::string RepairOcrDigits(std::string_view text) {
  std::string out(text);
  size_t i = 0;
  while (i < out.size()) {
    if (std::isspace(static_cast<unsigned char>(out[i]))) {
      ++i;
      continue;
    }
    size_t j = i;
    int digits = 0, confusable = 0, other = 0;
    for (; j < out.size() && !std::isspace(static_cast<unsigned char>(out[j])); ++j) {
      char c = out[j];
      if (IsDigit(c)) {
        ++digits;
      } else if (c == 'O' || c == 'o' || c == 'l' || c == 'I') {
        ++confusable;
      } else {
        ++other;
      }
    }
    // Only a word that is digits apart from a few confusable letters is a number.
    if (digits >= 2 && other == 0 && confusable > 0 && confusable * 2 <= digits) {
      for (size_t k = i; k < j; ++k) {
        char& c = out[k];
        if (c == 'O' || c == 'o') c = '0';
        if (c == 'l' || c == 'I') c = '1';
      }
    }
    i = j;
  }
  return out;
}

std::string_view ReferenceKindName(ReferenceKind kind) {
  switch (kind) {
    case ReferenceKind::kKidMod10:
      return "kid_mod10";
    case ReferenceKind::kKidMod11:
      return "kid_mod11";
    case ReferenceKind::kSwedishOcr:
      return "se_ocr";
    case ReferenceKind::kSwedishOcrLength:
      return "se_ocr_length";
    case ReferenceKind::kFinnish:
      return "fi_reference";
    case ReferenceKind::kRf:
      return "rf";
    case ReferenceKind::kFik:
      return "fik_line";
    case ReferenceKind::kFikPaymentId:
      return "fik_payment_id";
    case ReferenceKind::kIban:
      return "iban";
    case ReferenceKind::kNorwegianAccount:
      return "no_account";
  }
  return "unknown";
}

std::optional<ReferenceKind> ReferenceKindFromName(std::string_view name) {
  for (int k = 0; k <= static_cast<int>(ReferenceKind::kNorwegianAccount); ++k) {
    auto kind = static_cast<ReferenceKind>(k);
    if (ReferenceKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

std::vector<ReferenceMatch> ClassifyReference(std::string_view raw) {
  std::vector<ReferenceMatch> out;
  std::string trimmed = StripBlanks(raw);
  if (!trimmed.empty() && trimmed[0] == '+') {
    out.push_back({ReferenceKind::kFik, ParseFikLine(trimmed).ok()});
    return out;
  }
  std::string s = CompactReference(raw);
  if (s.size() >= 4 && IsUpper(s[0]) && IsUpper(s[1]) && IsDigit(s[2]) && IsDigit(s[3])) {
    if (s.substr(0, 2) == "RF") out.push_back({ReferenceKind::kRf, IsRfReferenceValid(s)});
    if (IbanLength(s.substr(0, 2))) out.push_back({ReferenceKind::kIban, IsIbanValid(s)});
    return out;
  }
  bool minus = !s.empty() && s.back() == '-';
  std::string_view digits = minus ? std::string_view(s).substr(0, s.size() - 1) : s;
  if (!AllDigits(digits)) return out;
  size_t n = s.size();
  bool luhn = !minus && IsLuhnValid(s);
  if (n >= 2 && n <= 25) {
    if (!minus) out.push_back({ReferenceKind::kKidMod10, luhn});
    out.push_back({ReferenceKind::kKidMod11, IsMod11Valid(s, /*allow_minus=*/true)});
  }
  if (minus) return out;
  if (n >= 2 && n <= 25) {
    out.push_back({ReferenceKind::kSwedishOcr, luhn});
    if (n >= 3) out.push_back({ReferenceKind::kSwedishOcrLength, IsSwedishOcrValid(s, true)});
  }
  if (n >= 4 && n <= 20) out.push_back({ReferenceKind::kFinnish, IsFinnishReferenceValid(s)});
  if (n >= 2 && n <= 16) out.push_back({ReferenceKind::kFikPaymentId, luhn});
  if (n == 11) out.push_back({ReferenceKind::kNorwegianAccount, IsNorwegianAccountValid(s)});
  return out;
}

bool HasValidCheckDigit(std::string_view raw) {
  for (const ReferenceMatch& m : ClassifyReference(raw)) {
    if (m.valid) return true;
  }
  return false;
}

}  // namespace purr::refs
