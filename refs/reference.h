// Payment references used by Nordic creditors: check digits, normalisation and
// classification (see ../shared/domain.md Part B for the algorithms and worked examples).
//
// Everything here is a pure function of its arguments: no I/O, no allocation beyond the
// returned strings, safe to call from any thread. Functions taking "digits" return nullopt
// (or false) for an empty string or any character that is not an ASCII digit, never throw.
//
// Compute functions take the number *without* its check digit and return the full number;
// Is*Valid functions take the full number with its check digit.
#ifndef PURR_REFS_REFERENCE_H_
#define PURR_REFS_REFERENCE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace purr::refs {

// ---- Check-digit algorithms (domain.md B.1) ------------------------------------------

// Luhn / MOD10: the check digit for `digits` (weights 2,1,2,... from the right).
std::optional<char> LuhnCheckDigit(std::string_view digits);
bool IsLuhnValid(std::string_view number);

// Norwegian MOD11 (weights 2..7 from the right): '0'..'9', or '-' when the check value
// is 10 (Nets writes the minus sign).
std::optional<char> Mod11CheckChar(std::string_view digits);
// A trailing '-' is accepted only when allow_minus (KID under a MOD11 agreement); an
// 11-digit account number never has one.
bool IsMod11Valid(std::string_view number, bool allow_minus);

// Finnish national reference (viitenumero), weights 7,3,1 from the right.
std::optional<char> Finnish731CheckDigit(std::string_view digits);
// REQUIRES nothing; valid iff 4..20 digits and the 7-3-1 check digit agrees.
bool IsFinnishReferenceValid(std::string_view number);

// ISO 7064 MOD 97-10 remainder of an alphanumeric string (letters A=10..Z=35, digits as
// themselves), computed incrementally; nullopt for any other character or empty input.
std::optional<int> Mod97(std::string_view alnum);

// ---- Norway: KID (B.2) ----------------------------------------------------------------

enum class KidAlgorithm { kMod10, kMod11, kEither };

// What the creditor's KID agreement with Nets allows.
struct KidScheme {
  KidAlgorithm algorithm = KidAlgorithm::kEither;
  int min_length = 2;   // including the check digit
  int max_length = 25;  // the Nets KID field width
};

// KID = base + check digit. For kMod11 the result may end in '-'; kEither computes MOD10.
Result<std::string> MakeKid(std::string_view base, KidAlgorithm algorithm);
bool IsKidValid(std::string_view kid, const KidScheme& scheme);

// ---- Sweden: OCR-referens (B.4) ---------------------------------------------------------

// Luhn check digit, optionally preceded by the length digit (total length incl. both
// control digits, modulo 10).
Result<std::string> MakeSwedishOcr(std::string_view base, bool with_length_digit);
// Valid iff 2..25 digits, Luhn valid and (when with_length_digit) the second-to-last digit
// equals the length modulo 10.
bool IsSwedishOcrValid(std::string_view ocr, bool with_length_digit);

// ---- ISO 11649 RF creditor reference (B.1) --------------------------------------------

// "RF" + 2 check digits + body. body: 1..21 alphanumerics (compacted, uppercased first).
Result<std::string> MakeRfReference(std::string_view body);
// Takes a compacted reference (see CompactReference); valid iff RF, 5..25 characters and
// MOD 97 of the rearranged string is 1.
bool IsRfReferenceValid(std::string_view reference);

// ---- Finland (B.1) -----------------------------------------------------------------------

Result<std::string> MakeFinnishReference(std::string_view base);  // base: 3..19 digits

// ---- Denmark: FI-kort / FIK payment line (B.6) -----------------------------------------

struct FikLine {
  int card_type = 0;        // 71, 73, 75, 1, 4 or 15 (the "+71<" etc.)
  std::string payment_id;   // betalings-id, zero-padded to 15 (+71) or 16 (+75, +04, +15);
                            // empty for +73 and +01
  std::string creditor;     // kreditornummer (8 digits starting with 8) or girokonto (7-8)
};

// Parses a scan line such as "+71< 000000067097535+85799665<" (blanks and the trailing '<'
// optional). Errors: unknown card type, payment id present/missing against the card type,
// payment id too long or failing Luhn, creditor number of the wrong shape.
Result<FikLine> ParseFikLine(std::string_view line);
// "+71<" + payment id + " +" + creditor + "<". REQUIRES: a line ParseFikLine accepts.
std::string FormatFikLine(const FikLine& line);

// ---- Normalisation and classification --------------------------------------------------

// The form references are compared in: uppercase, with blanks, '.', ',', '/', ':', '#', '_'
// and inner '-' removed, then leading labels (KID, OCR, REF, REFERANSE, REFERENS, FIK,
// BETALINGS-ID) dropped where a digit follows. A trailing '-' after digits is kept (MOD11
// minus case). Leading zeros are kept: they are significant in a printed KID. Idempotent.
std::string CompactReference(std::string_view raw);

// In text read by OCR: inside runs that are mostly digits, 'O'/'o' -> '0' and 'l'/'I' -> '1'.
// Letters elsewhere are left alone.
std::string RepairOcrDigits(std::string_view text);

enum class ReferenceKind {
  kKidMod10,        // Norwegian KID, Luhn
  kKidMod11,        // Norwegian KID, MOD11 (may end in '-')
  kSwedishOcr,      // Luhn only
  kSwedishOcrLength,// Luhn + length digit
  kFinnish,         // 7-3-1 national reference
  kRf,              // ISO 11649
  kFik,             // a complete Danish FIK payment line
  kFikPaymentId,    // a bare Danish payment id (+71 15 digits / +75 16 digits, Luhn)
  kIban,
  kNorwegianAccount,// 11 digits, MOD11
};

// Stable lower-case name for JSON and logs ("kid_mod10", "rf", ...).
std::string_view ReferenceKindName(ReferenceKind kind);
// The kind with that name; nullopt for an unknown name.
std::optional<ReferenceKind> ReferenceKindFromName(std::string_view name);

struct ReferenceMatch {
  ReferenceKind kind;
  bool valid;  // the check digit(s) (and length rule) of this kind hold
};

// Every kind whose *shape* (characters and length) `raw` fits, after CompactReference, each
// with whether its check holds. Order: the enum order. Empty when it fits none.
// A KID shape is 2..25 digits; a Swedish OCR 2..25 digits; Finnish 4..20 digits; FIK id
// up to 16 digits; Norwegian account exactly 11 digits; RF starts "RF"+2 digits; IBAN
// starts with two letters and two digits; FIK line starts with '+'.
std::vector<ReferenceMatch> ClassifyReference(std::string_view raw);

// True when ClassifyReference finds at least one kind whose check holds.
bool HasValidCheckDigit(std::string_view raw);

}  // namespace purr::refs

#endif  // PURR_REFS_REFERENCE_H_
