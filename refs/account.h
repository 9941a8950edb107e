// Bank account numbers: IBAN (ISO 13616, MOD 97-10) and the Norwegian 11-digit account
// (MOD11), plus the canonical form payer accounts are compared in and the masked form they
// are logged in.
//
// Pure functions, safe from any thread. Account numbers identify people: never write one
// unmasked to a log or to stderr; use MaskAccount.
#ifndef PURR_REFS_ACCOUNT_H_
#define PURR_REFS_ACCOUNT_H_

#include <optional>
#include <string>
#include <string_view>

namespace purr::refs {

// The IBAN length of a country (ISO 3166 alpha-2, uppercase), for the Nordic and common
// EU/EEA countries plus GB and CH; nullopt for a country not in the table.
std::optional<int> IbanLength(std::string_view country);

// Accepts print form ("NO93 8601 1117 947") or compact form. Valid iff the country is in
// the table, the length is that country's, the BBAN is alphanumeric and MOD 97 is 1.
bool IsIbanValid(std::string_view iban);

// Norwegian account number: 11 digits (blanks and '.' allowed), MOD11 check digit; a check
// value of 10 never occurs in an issued account.
bool IsNorwegianAccountValid(std::string_view account);

// The form payer accounts are compared in: uppercase alphanumerics only, and for a valid
// IBAN its BBAN (so "NO9386011117947" and "8601.11.17947" compare equal).
std::string CanonicalAccount(std::string_view account);

// For logs: all but the last 4 alphanumerics replaced by '*' ("*******7947"); shorter
// values are fully masked.
std::string MaskAccount(std::string_view account);

}  // namespace purr::refs

#endif  // PURR_REFS_ACCOUNT_H_
