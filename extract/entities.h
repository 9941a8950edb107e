// Entity extraction from letter text: payment references, invoice and case
// numbers, amounts, dates, identity numbers, bank accounts, contact details and
// a new postal address, each with its byte span in the text and, for anything
// with a check digit, whether it holds. docs/extract.md lists every notation.
//
// Types (stable strings, used in JSON), their value, and what valid means:
// - kid: digits after a KID label; MOD10 or MOD11 holds (detail "mod10",
//   "mod11", "mod10+mod11"; ";ocr_repaired" when O/l/I were read as digits).
// - ocr_reference: Swedish OCR-referens; Luhn (detail "luhn", "luhn+length").
// - fi_payment: Danish "+71<...+creditor<" (also +73/+75/+01/+04/+15) in
//   refs::FormatFikLine form, or a bare betalings-id; refs::ParseFikLine
//   accepts it.
// - rf_reference: ISO 11649, compact ("RF18539007547034"); MOD 97.
// - invoice_number, case_number: as written after the label, blanks removed.
// - amount: integer minor units as a decimal string ("124950"), detail = ISO
//   currency ("NOK"); "kr", ",-" and ":-" take ExtractOptions::default_currency
//   or the letter's language.
// - date: "YYYY-MM-DD"; impossible dates are not emitted.
// - national_id: digits only; NO fødselsnummer/D-nummer (both check digits +
//   date), SE personnummer/samordningsnummer (Luhn + date), DK CPR (date
//   plausibility only: the modulus-11 check was dropped in 2007); detail
//   names the scheme ("NO:d_nummer", "SE:personnummer:luhn", "DK:cpr:date").
// - bank_account: NO 11 digits (MOD11), IBAN (MOD 97), SE clearing-account
//   (the bank's rule by clearing range), SE bankgiro/plusgiro (Luhn), DK
//   reg-konto (shape only).
// - email; phone (compact, "+4741255873"; valid = digit count fits).
// - postal_address: "Storgata 5, 0155 Oslo" after "ny adresse", "flyttat
//   till", "new address", ...; detail = country ("NO", "DK", "SE", "NO/DK").
//
// Thread safety: ExtractEntities and the masking helpers are pure functions.
// The compiled patterns are built once (on first use, thread-safely) and
// shared read-only by all threads. Cost: about 130 µs for a 2 KB letter on one
// core (bench/extract prints the figure).
#ifndef PURR_EXTRACT_ENTITIES_H_
#define PURR_EXTRACT_ENTITIES_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace purr::extract {

// Stable type names.
inline constexpr std::string_view kKid = "kid";
inline constexpr std::string_view kOcrReference = "ocr_reference";
inline constexpr std::string_view kFiPayment = "fi_payment";
inline constexpr std::string_view kRfReference = "rf_reference";
inline constexpr std::string_view kInvoiceNumber = "invoice_number";
inline constexpr std::string_view kCaseNumber = "case_number";
inline constexpr std::string_view kAmount = "amount";
inline constexpr std::string_view kDate = "date";
inline constexpr std::string_view kNationalId = "national_id";
inline constexpr std::string_view kBankAccount = "bank_account";
inline constexpr std::string_view kEmail = "email";
inline constexpr std::string_view kPhone = "phone";
inline constexpr std::string_view kPostalAddress = "postal_address";

struct Entity {
  std::string type;   // one of the k* names above
  std::string value;  // normalised value (see the type list above)
  // References, identity numbers, accounts: the check (or date plausibility)
  // holds; an invalid one is kept as a candidate. Phones: the digit count fits
  // the country. Every other type is only emitted when it parsed cleanly, so
  // it is always true.
  bool valid = false;
  // Byte offsets into the text given: text.substr(start, end - start) is what
  // was matched (the label is not part of it).
  size_t start = 0;
  size_t end = 0;
  // Algorithm ("mod11", "luhn+length"), currency code, country, or scheme.
  std::string detail;
};

struct ExtractOptions {
  // Extra RE2 patterns for invoice and case numbers, each with exactly one
  // capturing group that holds the number (e.g.
  // R"((?i)\bordre\s*nr\.?\s*[:#]?\s*([A-Z0-9-]{3,20}))"). They are tried in
  // addition to the defaults for the labels used in the corpus (fakturanr,
  // fakturanummer, invoice no, saksnr, ärendenr, sagsnr, case no, referanse,
  // ...). A pattern RE2 rejects is skipped; ValidatePatterns below reports it.
  // Compiled patterns are cached per distinct pattern string (shared,
  // thread-safe).
  std::vector<std::string> invoice_patterns;
  std::vector<std::string> case_patterns;
  bool use_default_patterns = true;

  // Currency for "kr", ",-" and ":-" amounts without a code: "NOK", "SEK" or
  // "DKK". Empty = infer from the text (Swedish ":-"/"kronor" -> SEK, Danish
  // words -> DKK, else NOK).
  std::string default_currency;

  // Language hint ("nb", "nn", "sv", "da", "en" or empty): breaks ties for "kr"
  // and for numeric dates such as 3/4/25 (en: month first only when "en-US"
  // given; default day first).
  std::string language;

  // Year for a date written without one ("den 3. mars") when the letter has
  // no dated date to take it from (the nearest one before it, else after it,
  // is used first); 0 = do not emit such dates. The caller passes the receipt
  // year (extraction never reads a clock). Also pivots two-digit years.
  int default_year = 0;

  // Text longer than this is cut (entities only from the first max_bytes);
  // protects the 2,000 letters/s budget against a 20 MB file.
  size_t max_bytes = 1 << 20;
};

// Every entity found in `text`, ordered by start offset. Overlaps are resolved:
// a span is reported once, under the most specific type (a labelled KID is not
// also a phone number, a date is not also an amount). Invalid references are
// kept with valid = false. Never fails: any bytes (invalid UTF-8 included) give
// some, possibly empty, result.
std::vector<Entity> ExtractEntities(std::string_view text,
                                    const ExtractOptions& options = {});

// Empty when every pattern compiles and has exactly one capturing group;
// otherwise one message per bad pattern ("invoice_patterns[2]: missing ):
// ...").
std::vector<std::string> ValidatePatterns(const ExtractOptions& options);

// True for the types that identify a person or an account (national_id,
// bank_account) and must never be logged unmasked.
bool IsSensitive(std::string_view type);

// The entity's value fit for a log line: sensitive types keep only their last 2
// (national IDs) or 4 (accounts) digits ("*******7947"); other types are
// returned as they are.
std::string Mask(const Entity& entity);

// `text` with every national_id and bank_account occurrence masked in place
// (same byte length per masked span: digits become '*', separators kept), for
// logging a letter excerpt.
std::string MaskSensitive(std::string_view text);

}  // namespace purr::extract

#endif  // PURR_EXTRACT_ENTITIES_H_
