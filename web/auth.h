// Passwords, tokens and the sign-in rules of the review pages.
//
// Passwords are stored as PBKDF2-HMAC-SHA256 with a random 16-byte salt, encoded as
// "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>". The hash carries its own
// iteration count, so raising the default later keeps old hashes valid. Tokens (session
// cookies, CSRF tokens) are 32 random bytes from the operating system's generator; the store
// keeps only a session token's SHA-256.
#ifndef PURR_WEB_AUTH_H_
#define PURR_WEB_AUTH_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace purr::web {

// OWASP's 2023 figure for PBKDF2-HMAC-SHA256: about 0.3 s a hash on one core here.
inline constexpr int kDefaultPasswordIterations = 600000;

// Passwords shorter than this are refused when set.
inline constexpr size_t kMinPasswordLength = 10;

// A new salted hash of `password`. Errors: the random generator failed.
Result<std::string> HashPassword(std::string_view password,
                                 int iterations = kDefaultPasswordIterations);

// Whether `password` matches `encoded` (a HashPassword result); false for a malformed hash.
// Compares in constant time.
bool VerifyPassword(std::string_view password, std::string_view encoded);

// Burns the time a verification takes, for a user name that does not exist, so the reply
// time does not tell which names exist.
void VerifyNothing(std::string_view password);

// Why a new password is refused, or empty when it is acceptable.
std::string PasswordProblem(std::string_view password);

// 32 random bytes, base64url without padding (43 characters). Errors: no randomness.
Result<std::string> RandomToken();

// Lower-case hex SHA-256 of `text`.
std::string Sha256Hex(std::string_view text);

// Constant-time equality of two strings (the lengths may differ).
bool SameSecret(std::string_view a, std::string_view b);

}  // namespace purr::web

#endif  // PURR_WEB_AUTH_H_
