// Payment references: labelled KID / OCR-referens (OCR-tolerant), Danish FI
// lines, RF creditor references and IBANs. Check digits come from refs/.
#include <cctype>
#include <string>
#include <vector>

#include "extract/internal.h"
#include "refs/account.h"
#include "refs/reference.h"

namespace purr::extract::internal {
namespace {

// A label, then the reference body. The body takes digits and the OCR
// look-alikes O o I l, groups separated by one blank or dot, and may continue
// on the next line (a reference split by a line break, with or without a
// hyphen). A trailing '-' is the MOD11 minus.
const RE2& LabelledRefRe() {
  static const RE2 re(
      R"(\b((?i:k[i1l|]d(?:[- ]?n(?:r|ummer))?|kundeidentifikasjon|[o0]cr(?:[- ]?(?:nr|nummer|number|referens(?:en)?|ref(?:erence|erens)?))?|referensnummer|betalings-?id|betalingsreferanse))\.?)"
      R"((?:\s*(?i:er|is|är|was|var|no|nr|number)\b\.?)?[ \t:#=(]*(?:\r?\n[ \t]*)?)"
      R"(([0-9OoIl](?:[0-9OoIl]|[ .][0-9OoIl]|-?\r?\n[ \t]*[0-9OoIl])*-?))",
      PatternOptions());
  return re;
}

const RE2& FikRe() {
  static const RE2 re(
      R"(\+\s?(?:71|73|75|01|04|15)\s?<\s?[0-9 ]{0,24}\+\s?[0-9]{7,8}\s?<?)",
      PatternOptions());
  return re;
}

const RE2& RfRe() {
  static const RE2 re(R"(\b[Rr][Ff] ?[0-9]{2}(?: ?[0-9A-Z]){1,21})",
                      PatternOptions());
  return re;
}

const RE2& IbanRe() {
  static const RE2 re(R"(\b[A-Z]{2}[0-9]{2}(?: ?[0-9A-Z]){8,30})",
                      PatternOptions());
  return re;
}

// One group of a labelled body: [start, end) in text, the separator before it.
struct Group {
  size_t start, end;
  bool after_newline;
};

std::vector<Group> SplitGroups(std::string_view text, size_t start,
                               size_t end) {
  std::vector<Group> groups;
  size_t i = start;
  bool newline = false;
  while (i < end) {
    const char c = text[i];
    if (c == ' ' || c == '.' || c == '\t' || c == '\r' || c == '\n' ||
        c == '-') {
      newline |= c == '\n';
      ++i;
      continue;
    }
    size_t j = i;
    while (j < end && std::isalnum(static_cast<unsigned char>(text[j]))) ++j;
    if (j == i) break;
    groups.push_back({i, j, newline});
    newline = false;
    i = j;
  }
  return groups;
}

// Digits of text[g.start, g.end) with OCR look-alikes repaired; sets *repaired
// when any letter was read as a digit. Empty when the group has no real digit.
std::string GroupDigits(std::string_view text, const Group& g, bool* repaired) {
  std::string d;
  int real = 0;
  for (size_t i = g.start; i < g.end; ++i) {
    char c = text[i];
    if (c == 'O' || c == 'o') {
      c = '0';
      *repaired = true;
    } else if (c == 'I' || c == 'l') {
      c = '1';
      *repaired = true;
    } else if (c >= '0' && c <= '9') {
      ++real;
    } else {
      return "";
    }
    d.push_back(c);
  }
  // Letters with fewer than two real digits ("Ol", "I", "lO") are a word, not a
  // mis-read number.
  return real >= 2 || (real == 1 && d.size() <= 3) ? d : "";
}

enum class RefKind { kKid, kOcr, kFikId };

RefKind KindOfLabel(std::string_view label) {
  std::string lower(label);
  for (char& ch : lower)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (lower.rfind("ocr", 0) == 0 || lower.rfind("0cr", 0) == 0 ||
      lower.rfind("referens", 0) == 0)
    return RefKind::kOcr;
  if (lower.rfind("betalings-id", 0) == 0 || lower.rfind("betalingsid", 0) == 0)
    return RefKind::kFikId;
  return RefKind::kKid;  // kid..., kundeidentifikasjon, betalingsreferanse
}

// The check of a reference of `kind`; detail names the algorithm(s) that hold
// (or were tried).
bool CheckReference(RefKind kind, const std::string& ref, std::string* detail) {
  if (ref.size() < 2 || ref.size() > 25) {
    *detail = "length";
    return false;
  }
  switch (kind) {
    case RefKind::kKid: {
      const bool m10 = refs::IsLuhnValid(ref);
      const bool m11 = refs::IsMod11Valid(ref, /*allow_minus=*/true);
      *detail = m10 && m11 ? "mod10+mod11"
                : m10      ? "mod10"
                : m11      ? "mod11"
                           : "mod10|mod11";
      return m10 || m11;
    }
    case RefKind::kOcr:
      *detail = refs::IsSwedishOcrValid(ref, true) ? "luhn+length" : "luhn";
      return refs::IsSwedishOcrValid(ref, false);
    case RefKind::kFikId:
      *detail = ref.size() <= 15 ? "payment_id:+71" : "payment_id:+75";
      return ref.size() <= 16 && refs::IsLuhnValid(ref);
  }
  return false;
}

std::string_view TypeOf(RefKind kind) {
  switch (kind) {
    case RefKind::kKid:
      return kKid;
    case RefKind::kOcr:
      return kOcrReference;
    case RefKind::kFikId:
      return kFiPayment;
  }
  return kKid;
}

// Chooses how many groups of a labelled body form the reference: the longest
// run that passes the check; else the first group alone when it is long (a
// typo'd reference followed by other numbers), else the run of short print
// groups ("0036 633").
void EmitLabelledRef(const Context& ctx, RefKind kind,
                     const std::vector<Group>& groups, bool minus_follows) {
  std::vector<std::string> digits;
  bool repaired = false;
  for (const Group& g : groups) {
    std::string d = GroupDigits(ctx.text, g, &repaired);
    if (d.empty()) break;
    digits.push_back(std::move(d));
  }
  if (digits.empty()) return;
  std::string joined, detail;
  size_t best = 0;
  for (size_t k = 0; k < digits.size(); ++k) {
    joined += digits[k];
    if (joined.size() > 25) break;
    std::string with_minus = joined;
    if (k + 1 == digits.size() && minus_follows) with_minus += '-';
    if (CheckReference(kind, with_minus, &detail) ||
        CheckReference(kind, joined, &detail))
      best = k + 1;
  }
  bool valid = best > 0;
  if (!valid) {
    best = 1;
    if (digits[0].size() < 6) {
      while (best < digits.size() && !groups[best].after_newline &&
             digits[best].size() >= 2 && digits[best].size() <= 5)
        ++best;
    }
  }
  std::string value;
  for (size_t k = 0; k < best; ++k) value += digits[k];
  size_t end = groups[best - 1].end;
  if (best == digits.size() && minus_follows && kind == RefKind::kKid &&
      refs::IsMod11Valid(value + "-", true)) {
    value += '-';
    ++end;
  }
  valid = CheckReference(kind, value, &detail);
  if (repaired) detail += ";ocr_repaired";
  ctx.Add(TypeOf(kind), value, valid, groups[0].start, end, detail,
          kPrioLabelledRef);
}

void ExtractLabelled(const Context& ctx) {
  ForEachMatch(LabelledRefRe(), ctx.text,
               [&](const std::vector<re2::StringPiece>& g) {
                 const size_t start = Offset(ctx.text, g[2]);
                 size_t end = start + g[2].size();
                 bool minus = false;
                 if (end > start && ctx.text[end - 1] == '-') {
                   minus = true;
                   --end;
                 }
                 EmitLabelledRef(ctx, KindOfLabel(View(g[1])),
                                 SplitGroups(ctx.text, start, end), minus);
               });
}

void ExtractFik(const Context& ctx) {
  ForEachMatch(FikRe(), ctx.text, [&](const std::vector<re2::StringPiece>& g) {
    const std::string_view raw = View(g[0]);
    const size_t start = Offset(ctx.text, g[0]);
    Result<refs::FikLine> line = refs::ParseFikLine(raw);
    if (line.ok()) {
      ctx.Add(kFiPayment, refs::FormatFikLine(*line), true, start,
              start + raw.size(),
              "+" + std::string(line->card_type < 10 ? "0" : "") +
                  std::to_string(line->card_type),
              kPrioFik);
      return;
    }
    std::string compact;
    for (char c : raw) {
      if (c != ' ') compact.push_back(c);
    }
    ctx.Add(kFiPayment, compact, false, start, start + raw.size(),
            std::string(raw.substr(0, 3)) + ";" + line.status().message(),
            kPrioFik);
  });
}

// Offsets of the alphanumerics of text[start, end), so a compact prefix maps
// back to a span.
std::vector<size_t> AlnumOffsets(std::string_view text, size_t start,
                                 size_t end) {
  std::vector<size_t> at;
  for (size_t i = start; i < end; ++i) {
    if (std::isalnum(static_cast<unsigned char>(text[i]))) at.push_back(i);
  }
  return at;
}

void ExtractRf(const Context& ctx) {
  ForEachMatch(RfRe(), ctx.text, [&](const std::vector<re2::StringPiece>& g) {
    const size_t start = Offset(ctx.text, g[0]);
    const std::vector<size_t> at =
        AlnumOffsets(ctx.text, start, start + g[0].size());
    std::string compact;
    for (size_t i : at)
      compact.push_back(static_cast<char>(std::toupper(ctx.text[i])));
    // Longest prefix that ends at a print-group boundary and holds MOD 97; the
    // whole match as an invalid candidate otherwise.
    for (size_t n = compact.size(); n >= 5; --n) {
      const size_t last = at[n - 1];
      const bool boundary = n == compact.size() || ctx.text[last + 1] == ' ';
      if (boundary && refs::IsRfReferenceValid(compact.substr(0, n))) {
        ctx.Add(kRfReference, compact.substr(0, n), true, start, last + 1,
                "mod97", kPrioRf);
        return;
      }
    }
    if (compact.size() >= 5)
      ctx.Add(kRfReference, compact, false, start, at.back() + 1, "mod97",
              kPrioRf);
  });
}

void ExtractIban(const Context& ctx) {
  ForEachMatch(IbanRe(), ctx.text, [&](const std::vector<re2::StringPiece>& g) {
    const size_t start = Offset(ctx.text, g[0]);
    const std::vector<size_t> at =
        AlnumOffsets(ctx.text, start, start + g[0].size());
    std::string compact;
    for (size_t i : at) compact.push_back(ctx.text[i]);
    const std::optional<int> length = refs::IbanLength(compact.substr(0, 2));
    if (!length || compact.size() < static_cast<size_t>(*length)) return;
    const std::string iban = compact.substr(0, static_cast<size_t>(*length));
    ctx.Add(kBankAccount, iban, refs::IsIbanValid(iban), start,
            at[static_cast<size_t>(*length) - 1] + 1,
            "iban:" + iban.substr(0, 2), kPrioIban);
  });
}

}  // namespace

const RE2& BareDigitsRe() {
  static const RE2 re(R"((\+|\b)([0-9]{9,25})\b)", PatternOptions());
  return re;
}

// A letter that talks about its KID or OCR reference often quotes one without
// the label ("Jeg skrev 189555927, i brevet står det 189555972"): there, a bare
// run of 9-25 digits is a reference candidate, valid or not, below every
// labelled or structured entity (detail ends ";unlabelled").
void ExtractUnlabelled(const Context& ctx, RefKind kind) {
  ForEachMatch(
      BareDigitsRe(), ctx.text, [&](const std::vector<re2::StringPiece>& g) {
        const std::string digits(View(g[2]));
        if (!g[1].empty() || digits.rfind("00", 0) == 0)
          return;  // +47..., 0047...
        std::string detail;
        const bool valid = CheckReference(kind, digits, &detail);
        const size_t start = Offset(ctx.text, g[2]);
        ctx.Add(TypeOf(kind), digits, valid, start, start + digits.size(),
                detail + ";unlabelled", kPrioUnlabelledRef);
      });
}

void ExtractReferences(const Context& ctx) {
  if (ctx.Mentions("<")) ExtractFik(ctx);
  if (ctx.Mentions("rf")) ExtractRf(ctx);
  ExtractIban(ctx);
  // OCR reads the label too: "KlD", "K1D", "0CR".
  if (ctx.Mentions("kid") || ctx.Mentions("kld") || ctx.Mentions("k1d") ||
      ctx.Mentions("k|d") || ctx.Mentions("ocr") || ctx.Mentions("0cr") ||
      ctx.Mentions("referens") || ctx.Mentions("betalings") ||
      ctx.Mentions("kundeident"))
    ExtractLabelled(ctx);
  if (ctx.Mentions("kid")) {
    ExtractUnlabelled(ctx, RefKind::kKid);
  } else if (ctx.Mentions("ocr")) {
    ExtractUnlabelled(ctx, RefKind::kOcr);
  }
}

}  // namespace purr::extract::internal
