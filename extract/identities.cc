// Personal identity numbers (NO fødselsnummer / D-nummer, SE personnummer /
// samordningsnummer, DK CPR) and domestic bank accounts (NO 11-digit, SE
// clearing+account, DK reg.nr+konto, SE bankgiro/plusgiro). IBANs are found
// with the references.
#include <array>
#include <string>
#include <vector>

#include "extract/internal.h"
#include "refs/account.h"
#include "refs/reference.h"

namespace purr::extract::internal {
namespace {

const std::vector<std::string_view>& IdLabels() {
  static const std::vector<std::string_view> labels = {
      "fødselsnummer", "fødselsnr",         "fnr",       "f.nr",
      "personnummer",  "personnr",          "pers.nr",   "pnr",
      "d-nummer",      "samordningsnummer", "cpr",       "national id",
      "personal id",   "identity number",   "id-nummer", "id nr",
      "personnummeret"};
  return labels;
}

const std::vector<std::string_view>& AccountLabels() {
  static const std::vector<std::string_view> labels = {
      "konto", "kontonr",   "kontonummer",         "kontonummeret", "account",
      "acct",  "bankkonto", "bank account",        "clearing",      "reg.nr",
      "regnr", "reg. nr",   "registreringsnummer", "kontoen",       "kontot"};
  return labels;
}

// 11 digits, as "01019012345", "010190 12345" or the account print
// "1234.56.78903".
const RE2& ElevenRe() {
  static const RE2 re(R"(\b([0-9]{4})([ .]?)([0-9]{2})([ .]?)([0-9]{5})\b)",
                      PatternOptions());
  return re;
}

// 10 or 12 digits with an optional '-', '+' or blank before the last four: SE
// and DK.
const RE2& TenRe() {
  static const RE2 re(R"(\b(18|19|20)?([0-9]{6})([-+ ]?)([0-9]{4})\b)",
                      PatternOptions());
  return re;
}

// Swedish clearing number (4 digits, Swedbank 5 with a check digit) then the
// account.
const RE2& SeClearingRe() {
  static const RE2 re(
      R"(\b(?i:clearing(?:nummer|nr)?)\.?[ \t]*:?[ \t]*([0-9]{4}(?:-[0-9])?)[ \t]*[,/]?[ \t]*(?:(?i:konto(?:nummer|nr)?)\.?[ \t]*:?[ \t]*)?([0-9][0-9 -]{4,14}[0-9]))",
      PatternOptions());
  return re;
}

// Danish reg.nr + kontonummer; the account digits as written, in groups ("0012 44 8860")
// or not: ExtractDanishAccounts keeps the groups that make 6 to 10 digits.
const RE2& DkRegRe() {
  static const RE2 re(
      R"(\b(?i:reg(?:istrerings)?\.?[ \t]*(?:nr|nummer))\.?[ \t]*:?[ \t]*([0-9]{4})[ \t]*[,/-]?\s*(?:(?i:konto(?:nummer|nr)?)\.?[ \t]*:?\s*)?([0-9]{1,10}(?:[ .][0-9]{1,10}){0,4})\b)",
      PatternOptions());
  return re;
}

// "reg. 9570 konto 0012345678": a bare "reg." takes the konto label after it.
const RE2& DkRegShortRe() {
  static const RE2 re(
      R"(\b(?i:reg)\.?[ \t]+([0-9]{4})[ \t]*[,/-]?\s*(?i:konto(?:nummer|nr)?)\.?[ \t]*:?\s*([0-9]{1,10}(?:[ .][0-9]{1,10}){0,4})\b)",
      PatternOptions());
  return re;
}

const RE2& GiroRe() {
  static const RE2 re(
      R"(\b(?i:(bankgiro|plusgiro|bg|pg))(?:[ -]?(?i:nummer|nr|konto))?\.?[ \t]*:?[ \t]*([0-9]{2,8}-[0-9]{1,4})\b)",
      PatternOptions());
  return re;
}

int Digit(char c) { return c - '0'; }

// Norwegian fødselsnummer check digits (weights from Skatteetaten) over 11
// digits.
bool NorwegianIdChecksHold(const std::string& d) {
  static constexpr std::array<int, 9> kW1 = {3, 7, 6, 1, 8, 9, 4, 5, 2};
  static constexpr std::array<int, 10> kW2 = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
  int s1 = 0, s2 = 0;
  for (size_t i = 0; i < 9; ++i) s1 += kW1[i] * Digit(d[i]);
  for (size_t i = 0; i < 10; ++i) s2 += kW2[i] * Digit(d[i]);
  const int k1 = (11 - s1 % 11) % 11;
  if (k1 == 10 || k1 != Digit(d[9])) return false;
  const int k2 = (11 - s2 % 11) % 11;
  return k2 != 10 && k2 == Digit(d[10]);
}

// Century from the individual number (Skatteetaten's table); 0 when none fits.
int NorwegianCentury(int yy, int individual) {
  if (individual <= 499) return 1900;
  if (individual <= 749 && yy >= 54) return 1800;
  if (yy <= 39) return 2000;
  if (individual >= 900) return 1900;
  return 0;
}

// Date and scheme of an 11-digit Norwegian number. Scheme: "fodselsnummer",
// "d_nummer" (day + 40), "h_nummer" (month + 40) or "synthetic" (month + 80,
// Skatteetaten's test numbers), "" when the date part is impossible.
std::string NorwegianIdScheme(const std::string& d) {
  int day = Digit(d[0]) * 10 + Digit(d[1]);
  int month = Digit(d[2]) * 10 + Digit(d[3]);
  const int yy = Digit(d[4]) * 10 + Digit(d[5]);
  std::string scheme = "fodselsnummer";
  if (day > 40) {
    day -= 40;
    scheme = "d_nummer";
  }
  if (month > 80) {
    month -= 80;
    scheme = "synthetic";
  } else if (month > 40) {
    month -= 40;
    scheme = "h_nummer";
  }
  const int century = NorwegianCentury(yy, std::stoi(d.substr(6, 3)));
  if (century == 0 || !IsPlausibleDate(century + yy, month, day)) return "";
  return scheme;
}

void ExtractEleven(const Context& ctx) {
  ForEachMatch(
      ElevenRe(), ctx.text, [&](const std::vector<re2::StringPiece>& g) {
        const std::string d = DigitsOf(View(g[0]));
        const size_t start = Offset(ctx.text, g[0]);
        const size_t end = start + g[0].size();
        const bool dotted = View(g[2]) == "." && View(g[4]) == ".";
        const bool id_label = HasLabelBefore(ctx.text, start, 24, IdLabels());
        const bool account_label =
            HasLabelBefore(ctx.text, start, 24, AccountLabels());
        const std::string scheme = NorwegianIdScheme(d);
        const bool id_valid = !scheme.empty() && NorwegianIdChecksHold(d);
        const bool account_valid = refs::IsNorwegianAccountValid(d);
        if (!dotted && !account_label && (id_valid || id_label)) {
          ctx.Add(
              kNationalId, d, id_valid, start, end,
              "NO:" + (scheme.empty() ? std::string("fodselsnummer") : scheme),
              id_label ? kPrioLabelledId : kPrioId);
        } else if (account_valid || account_label || dotted) {
          ctx.Add(kBankAccount, d, account_valid, start, end, "NO:mod11",
                  account_label ? kPrioLabelledAccount : kPrioAccount);
        }
      });
}

// SE: YYMMDD (day + 60 for samordningsnummer) then 3 digits and a Luhn check
// digit.
bool SwedishDatePlausible(const std::string& ten, int century,
                          bool* coordination) {
  const int yy = Digit(ten[0]) * 10 + Digit(ten[1]);
  const int month = Digit(ten[2]) * 10 + Digit(ten[3]);
  int day = Digit(ten[4]) * 10 + Digit(ten[5]);
  *coordination = day > 60;
  if (*coordination) day -= 60;
  if (century != 0) return IsPlausibleDate(century + yy, month, day);
  return IsPlausibleDate(1900 + yy, month, day) ||
         IsPlausibleDate(2000 + yy, month, day);
}

// DK: DDMMYY, century from the 7th digit (CPR office's table).
bool DanishDatePlausible(const std::string& ten) {
  const int day = Digit(ten[0]) * 10 + Digit(ten[1]);
  const int month = Digit(ten[2]) * 10 + Digit(ten[3]);
  const int yy = Digit(ten[4]) * 10 + Digit(ten[5]);
  const int c7 = Digit(ten[6]);
  int century = 1900;
  if ((c7 == 4 || c7 == 9) && yy <= 36) century = 2000;
  if (c7 >= 5 && c7 <= 8) century = yy <= 57 ? 2000 : 1800;
  return IsPlausibleDate(century + yy, month, day);
}

int ToCentury(std::string_view two_digits) {
  return (Digit(two_digits[0]) * 10 + Digit(two_digits[1])) * 100;
}

void ExtractTen(const Context& ctx) {
  ForEachMatch(TenRe(), ctx.text, [&](const std::vector<re2::StringPiece>& g) {
    const size_t start = Offset(ctx.text, g[0]);
    const size_t end = start + g[0].size();
    const std::string ten = std::string(View(g[2])) + std::string(View(g[4]));
    const bool twelve = !g[1].empty();
    const bool separated = View(g[3]) == "-" || View(g[3]) == "+";
    const bool label = HasLabelBefore(ctx.text, start, 24, IdLabels());
    if (!twelve && !separated && !label)
      return;  // a bare 10-digit run is anything
    // Swedish organisation numbers have 20+ in the "month" place: not a person.
    if (View(g[2])[2] >= '2') return;
    const bool cpr_label = HasLabelBefore(ctx.text, start, 24, {"cpr"});
    const std::string_view lang = LanguageOf(ctx);
    bool coordination = false;
    const int century = twelve ? ToCentury(View(g[1])) : 0;
    const bool se_valid = refs::IsLuhnValid(ten) &&
                          SwedishDatePlausible(ten, century, &coordination);
    const bool dk_date = DanishDatePlausible(ten);
    const bool danish = !twelve && (cpr_label || (lang == "da" && !se_valid) ||
                                    (lang != "sv" && !se_valid && dk_date));
    const int prio = label ? kPrioLabelledId : kPrioId;
    if (danish) {
      ctx.Add(kNationalId, ten, dk_date, start, end, "DK:cpr:date", prio);
    } else {
      ctx.Add(
          kNationalId, DigitsOf(View(g[0])), se_valid, start, end,
          coordination ? "SE:samordningsnummer:luhn" : "SE:personnummer:luhn",
          prio);
    }
  });
}

// Swedish account check rules by clearing number range (Bankgirot, "Bankernas
// kontonummeruppbyggnad", checked 2026-11-23 against the bank list transcribed from it in
// public validators: 9390-9399, 9470-9479 and 9640-9649 are comment 2, 9710-9719 and the
// Riksgälden type 2 range 9890-9899 were missing; unlisted ranges stay unknown): type 1 accounts are 7 digits checked by modulus 11
// over the clearing number's last 3 (variant 1) or all 4 digits (variant 2)
// plus the account; type 2 accounts carry their own check: Luhn (Swedbank,
// Nordea personkonto, Danske Bank, Plusgirot, savings banks) or modulus 11 over
// 9 digits (Handelsbanken).
enum class SeRule { kUnknown, kType1V1, kType1V2, kLuhn, kHandelsbanken };

SeRule SwedishRule(int clearing) {
  struct Range {
    int from, to;
    SeRule rule;
  };
  static constexpr Range kRanges[] = {
      {1100, 1199, SeRule::kType1V1},       {1200, 1399, SeRule::kType1V1},
      {1400, 2099, SeRule::kType1V1},       {2300, 2399, SeRule::kType1V2},
      {2400, 2499, SeRule::kType1V1},       {3000, 3299, SeRule::kType1V1},
      {3300, 3300, SeRule::kLuhn},          {3301, 3781, SeRule::kType1V1},
      {3782, 3782, SeRule::kLuhn},          {3783, 3999, SeRule::kType1V1},
      {4000, 4999, SeRule::kType1V2},       {5000, 5999, SeRule::kType1V1},
      {6000, 6999, SeRule::kHandelsbanken}, {7000, 7999, SeRule::kType1V1},
      {8000, 8999, SeRule::kLuhn},          {9020, 9029, SeRule::kType1V2},
      {9040, 9049, SeRule::kType1V2},       {9060, 9069, SeRule::kType1V1},
      {9070, 9079, SeRule::kType1V1},       {9100, 9109, SeRule::kType1V2},
      {9120, 9149, SeRule::kType1V1},       {9150, 9169, SeRule::kType1V2},
      {9170, 9179, SeRule::kType1V1},       {9180, 9189, SeRule::kLuhn},
      {9190, 9199, SeRule::kType1V2},       {9230, 9259, SeRule::kType1V1},
      {9260, 9269, SeRule::kType1V2},       {9270, 9289, SeRule::kType1V1},
      {9300, 9349, SeRule::kLuhn},          {9390, 9399, SeRule::kType1V2},
      {9400, 9449, SeRule::kType1V1},       {9460, 9469, SeRule::kType1V1},
      {9470, 9479, SeRule::kType1V2},       {9500, 9549, SeRule::kLuhn},
      {9550, 9569, SeRule::kType1V2},       {9570, 9579, SeRule::kLuhn},
      {9580, 9589, SeRule::kType1V1},       {9590, 9599, SeRule::kType1V2},
      {9630, 9639, SeRule::kType1V1},       {9640, 9649, SeRule::kType1V2},
      {9660, 9679, SeRule::kType1V2},       {9680, 9689, SeRule::kType1V1},
      {9700, 9719, SeRule::kType1V2},       {9750, 9759, SeRule::kType1V2},
      {9780, 9789, SeRule::kType1V2},       {9880, 9889, SeRule::kType1V2},
      {9890, 9899, SeRule::kLuhn},          {9960, 9969, SeRule::kLuhn}};
  for (const Range& r : kRanges) {
    if (clearing >= r.from && clearing <= r.to) return r.rule;
  }
  return SeRule::kUnknown;
}

// Modulus 11 with weights 1, 2, ..., 10, 1, ... from the right; valid when the
// sum is 0 mod 11.
bool Mod11Weights1To10(const std::string& d) {
  int sum = 0;
  for (size_t i = 0; i < d.size(); ++i)
    sum += Digit(d[d.size() - 1 - i]) * static_cast<int>(i % 10 + 1);
  return sum % 11 == 0;
}

bool SwedishAccountValid(const std::string& clearing,
                         const std::string& account, SeRule rule) {
  switch (rule) {
    case SeRule::kType1V1:
      return account.size() == 7 &&
             Mod11Weights1To10(clearing.substr(1, 3) + account);
    case SeRule::kType1V2:
      return account.size() == 7 &&
             Mod11Weights1To10(clearing.substr(0, 4) + account);
    case SeRule::kLuhn:
      return account.size() >= 2 && account.size() <= 10 &&
             refs::IsLuhnValid(account);
    case SeRule::kHandelsbanken:
      return account.size() == 9 && Mod11Weights1To10(account);
    case SeRule::kUnknown:
      return false;
  }
  return false;
}

std::string_view SeRuleName(SeRule rule) {
  switch (rule) {
    case SeRule::kType1V1:
      return "type1:mod11";
    case SeRule::kType1V2:
      return "type1:mod11";
    case SeRule::kLuhn:
      return "type2:luhn";
    case SeRule::kHandelsbanken:
      return "type2:mod11";
    case SeRule::kUnknown:
      return "unknown_clearing";
  }
  return "";
}

void ExtractSwedishAccounts(const Context& ctx) {
  ForEachMatch(
      SeClearingRe(), ctx.text, [&](const std::vector<re2::StringPiece>& g) {
        const std::string clearing = DigitsOf(View(g[1]));
        const std::string account = DigitsOf(View(g[2]));
        const SeRule rule = SwedishRule(std::stoi(clearing.substr(0, 4)));
        const size_t start = Offset(ctx.text, g[1]);
        const size_t end = Offset(ctx.text, g[2]) + g[2].size();
        ctx.Add(kBankAccount, clearing.substr(0, 4) + "-" + account,
                SwedishAccountValid(clearing, account, rule), start, end,
                "SE:clearing:" + std::string(SeRuleName(rule)),
                kPrioLabelledAccount);
      });
  ForEachMatch(GiroRe(), ctx.text, [&](const std::vector<re2::StringPiece>& g) {
    const std::string digits = DigitsOf(View(g[2]));
    const char kind = static_cast<char>(
        std::tolower(static_cast<unsigned char>(View(g[1])[0])));
    const size_t start = Offset(ctx.text, g[2]);
    const bool length_ok = kind == 'b'
                               ? digits.size() == 7 || digits.size() == 8
                               : digits.size() >= 2 && digits.size() <= 8;
    ctx.Add(kBankAccount, std::string(View(g[2])),
            length_ok && refs::IsLuhnValid(digits), start, start + g[2].size(),
            kind == 'b' ? "SE:bankgiro:luhn" : "SE:plusgiro:luhn",
            kPrioLabelledAccount);
  });
}

// Danish accounts: reg.nr (4 digits) + up to 10 account digits. The banks'
// modulus-11 account checks were given up, so valid = plausible shape (reg.nr
// does not start with 0).
void ExtractDanishAccounts(const Context& ctx) {
  auto add = [&](const std::vector<re2::StringPiece>& g) {
    const std::string reg(View(g[1]));
    // The account: its digit groups while they make at most 10 digits (a
    // year or an amount written after it is not part of it).
    const std::string_view written = View(g[2]);
    std::string digits;
    size_t used = 0;
    for (size_t i = 0; i <= written.size(); ++i) {
      if (i < written.size() && written[i] >= '0' && written[i] <= '9') continue;
      const size_t group_start = used == 0 ? 0 : used + 1;
      const size_t group = i - group_start;
      if (digits.size() + group > 10) break;
      digits.append(written.substr(group_start, group));
      used = i;
    }
    if (digits.size() < 6) return;
    const size_t start = Offset(ctx.text, g[1]);
    const size_t end = Offset(ctx.text, g[2]) + used;
    ctx.Add(kBankAccount, reg + "-" + digits, reg[0] != '0', start, end,
            "DK:reg+konto:shape", kPrioLabelledAccount);
  };
  ForEachMatch(DkRegRe(), ctx.text, add);
  ForEachMatch(DkRegShortRe(), ctx.text, add);
}

}  // namespace

void ExtractIdentities(const Context& ctx) {
  ExtractEleven(ctx);
  ExtractTen(ctx);
  if (ctx.Mentions("clearing") || ctx.Mentions("giro") || ctx.Mentions("bg") ||
      ctx.Mentions("pg"))
    ExtractSwedishAccounts(ctx);
  if (ctx.Mentions("reg")) ExtractDanishAccounts(ctx);
}

}  // namespace purr::extract::internal
