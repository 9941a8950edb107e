// E-mail addresses, phone numbers (NO, SE, DK, FI, IS, UK) and a new postal
// address after an address-change phrase.
#include <string>
#include <vector>

#include "extract/internal.h"

namespace purr::extract::internal {
namespace {

const RE2& EmailRe() {
  static const RE2 re(
      R"(\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b)",
      PatternOptions());
  return re;
}

// +47 412 55 873, 0046 70-123 45 67, +44 (0)20 7946 0958.
const RE2& IntlPhoneRe() {
  static const RE2 re(
      R"((?:\+|\b00)(47|46|45|44|358|354)[ -]?(?:\(0\)[ -]?)?([0-9](?:[ -]?[0-9]){5,11})\b)",
      PatternOptions());
  return re;
}

// National forms: "412 55 873", "41 25 58 73" (NO/DK 8 digits in their print
// groups), and numbers with a trunk 0 ("070-123 45 67", "08-123 456 78", "07700
// 900123", "020 7946 0958").
const RE2& NationalPhoneRe() {
  static const RE2 re(
      R"(\b([2-9][0-9]{2} [0-9]{2} [0-9]{3}|[2-9][0-9](?: [0-9]{2}){3}|0[0-9]{1,4}[ -]?[0-9]{2,4}(?:[ -]?[0-9]{2,4}){1,3})\b)",
      PatternOptions());
  return re;
}

// A phone label, then a bare run ("tlf 41255873", "mobil: 0701234567").
const RE2& LabelledPhoneRe() {
  static const RE2 re(
      R"(\b(?i:tlf|tel|telefon|telefonnummer|mobil|mob|mobilnr|mobile|phone|ring|sms)\.?(?:[ \t]*(?i:nr)\.?)?[ \t]*:?[ \t]*([0-9]{8,11})\b)",
      PatternOptions());
  return re;
}

// An address-change phrase ("ny adresse:", "flyttat till", "new address is",
// ...). Searched alone: the address pattern is large, so it only runs anchored
// after a phrase.
const RE2& AddressPhraseRe() {
  static const RE2 re(
      R"((?i:(?:min(?:e)? |mi |my )?(?:nye? |nya |new )?(?:adresse|adressen|adress|address)(?: (?:er|är|blir|is))(?: nu| nå| now)?|ny(?:e|a)? adress(?:e|en)?|new address|flytt(?:et|a|at) til(?:l)?|moved to|adresseændring|adresseendring|adressändring|change of address)[ \t]*[:,-]?\s*)",
      PatternOptions());
  return re;
}

// After the phrase: "Street 5[ B][, 2. th.]" (or "14 Baker Road"), then "0155
// Oslo" / "123 45 Stockholm"; a line break may stand for the comma.
const RE2& AddressBodyRe() {
  static const RE2 re(
      // Up to two lines or comma-separated parts without digits: the name, "c/o
      // ...".
      R"((?:[^\n0-9:]{1,60}?(?:,[ \t]*|[ \t]*\r?\n[ \t]*)){0,2})"
      R"(((?:[0-9]{1,4}[A-Za-z]?[ \t]\p{Lu}[\p{L}.'-]*(?:[ \t]\p{Lu}[\p{L}.'-]*){0,3})|(?:\p{Lu}[\p{L}.'-]*)(?:[ \t][\p{L}.'-]+){0,4}[ \t][0-9]{1,4}(?:[ \t]?[A-Za-z]\b|[ \t]+[HKLU][0-9]{4})?(?:,?[ \t]*[0-9]{1,2}\.?[ \t]?(?:th|tv|mf|sal|etg|tr)\.?)?))"
      R"([ \t]*,?[ \t]*(?:\r?\n)?[ \t]*)"
      R"(((?:[A-Z]{1,2}-)?(?:[0-9]{3} [0-9]{2}|[0-9]{4,5}))[ \t]+(\p{Lu}[\p{L}-]+(?:[ \t](?:\p{Lu}[\p{L}-]*|(?:i|på|an|am)[ \t]\p{Lu}[\p{L}-]+)){0,2}))",
      PatternOptions());
  return re;
}

void AddPhone(const Context& ctx, const re2::StringPiece& whole,
              std::string value, bool valid, std::string detail) {
  const size_t start = Offset(ctx.text, whole);
  ctx.Add(kPhone, std::move(value), valid, start, start + whole.size(),
          std::move(detail), kPrioPhone);
}

bool NationalLengthOk(const std::string& digits) {
  if (digits[0] == '0') return digits.size() >= 8 && digits.size() <= 11;
  return digits.size() == 8;
}

void ExtractPhones(const Context& ctx) {
  if (ctx.Mentions("+") || ctx.Mentions("00"))
    ForEachMatch(IntlPhoneRe(), ctx.text,
                 [&](const std::vector<re2::StringPiece>& g) {
                   const std::string cc(View(g[1]));
                   const std::string national = DigitsOf(View(g[2]));
                   const size_t n = national.size();
                   bool valid = false;
                   if (cc == "47" || cc == "45") valid = n == 8;
                   if (cc == "46") valid = n >= 7 && n <= 9;
                   if (cc == "44") valid = n == 9 || n == 10;
                   if (cc == "358") valid = n >= 5 && n <= 10;
                   if (cc == "354") valid = n == 7;
                   AddPhone(ctx, g[0], "+" + cc + national, valid, "+" + cc);
                 });
  ForEachMatch(NationalPhoneRe(), ctx.text,
               [&](const std::vector<re2::StringPiece>& g) {
                 const std::string digits = DigitsOf(View(g[0]));
                 if (NationalLengthOk(digits))
                   AddPhone(ctx, g[0], digits, true, "national");
               });
  ForEachMatch(
      LabelledPhoneRe(), ctx.text, [&](const std::vector<re2::StringPiece>& g) {
        const std::string digits(View(g[1]));
        AddPhone(ctx, g[1], digits, NationalLengthOk(digits), "national");
      });
}

}  // namespace

void ExtractContacts(const Context& ctx) {
  if (ctx.Mentions("@"))
    ForEachMatch(EmailRe(), ctx.text,
                 [&](const std::vector<re2::StringPiece>& g) {
                   const size_t start = Offset(ctx.text, g[0]);
                   ctx.Add(kEmail, std::string(View(g[0])), true, start,
                           start + g[0].size(), "", kPrioEmail);
                 });
  ExtractPhones(ctx);
  if (!ctx.Mentions("adress") && !ctx.Mentions("address") &&
      !ctx.Mentions("flytt") && !ctx.Mentions("moved"))
    return;
  ForEachMatch(AddressPhraseRe(), ctx.text,
               [&](const std::vector<re2::StringPiece>& phrase) {
                 re2::StringPiece g[4];
                 const size_t from =
                     Offset(ctx.text, phrase[0]) + phrase[0].size();
                 if (!AddressBodyRe().Match(
                         re2::StringPiece(ctx.text.data(), ctx.text.size()),
                         from, ctx.text.size(), RE2::ANCHOR_START, g, 4))
                   return;
                 const std::string_view street = View(g[1]);
                 const std::string_view postcode = View(g[2]);
                 const std::string_view town = View(g[3]);
                 std::string country = "NO/DK";
                 if (postcode.find(' ') != std::string_view::npos ||
                     DigitsOf(postcode).size() == 5) {
                   country = "SE";
                 } else if (LanguageOf(ctx) == "da") {
                   country = "DK";
                 } else if (LanguageOf(ctx) == "nb") {
                   country = "NO";
                 }
                 const size_t start = Offset(ctx.text, g[1]);
                 const size_t end = Offset(ctx.text, g[3]) + g[3].size();
                 ctx.Add(kPostalAddress,
                         std::string(street) + ", " + std::string(postcode) +
                             " " + std::string(town),
                         true, start, end, country, kPrioAddress);
               });
}

}  // namespace purr::extract::internal
