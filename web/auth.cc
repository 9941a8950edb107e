#include "web/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <vector>

namespace purr::web {
namespace {

constexpr char kScheme[] = "pbkdf2-sha256";
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

std::string Base64(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                                      static_cast<int>(n));
  out.resize(static_cast<size_t>(written));
  return out;
}

// Decodes standard base64; false for anything else.
bool Unbase64(std::string_view text, std::vector<unsigned char>* out) {
  if (text.empty() || text.size() % 4 != 0) return false;
  out->assign(text.size() / 4 * 3 + 1, 0);
  const int n = EVP_DecodeBlock(out->data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return false;
  size_t len = static_cast<size_t>(n);
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --len;  // padding
  out->resize(len);
  return true;
}

bool Derive(std::string_view password, const unsigned char* salt, size_t salt_len,
            int iterations, unsigned char* hash) {
  return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt,
                           static_cast<int>(salt_len), iterations, EVP_sha256(),
                           static_cast<int>(kHashBytes), hash) == 1;
}

}  // namespace

Result<std::string> HashPassword(std::string_view password, int iterations) {
  if (iterations < 1) return Status::InvalidInput("iterations must be positive");
  unsigned char salt[kSaltBytes];
  if (RAND_bytes(salt, sizeof(salt)) != 1) return Status::IoError("no random bytes for a salt");
  unsigned char hash[kHashBytes];
  if (!Derive(password, salt, sizeof(salt), iterations, hash)) {
    return Status::IoError("PBKDF2 failed");
  }
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" +
         Base64(salt, sizeof(salt)) + "$" + Base64(hash, sizeof(hash));
}

bool VerifyPassword(std::string_view password, std::string_view encoded) {
  // scheme$iterations$salt$hash
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (parts.size() < 4) {
    const size_t end = encoded.find('$', start);
    parts.push_back(encoded.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (parts.size() != 4 || parts[0] != kScheme) return false;
  int iterations = 0;
  for (char c : parts[1]) {
    if (c < '0' || c > '9' || iterations > 100000000) return false;
    iterations = iterations * 10 + (c - '0');
  }
  if (iterations < 1) return false;
  std::vector<unsigned char> salt, expected;
  if (!Unbase64(parts[2], &salt) || !Unbase64(parts[3], &expected)) return false;
  if (expected.size() != kHashBytes) return false;
  unsigned char hash[kHashBytes];
  if (!Derive(password, salt.data(), salt.size(), iterations, hash)) return false;
  return CRYPTO_memcmp(hash, expected.data(), kHashBytes) == 0;
}

void VerifyNothing(std::string_view password) {
  static const std::string dummy = [] {
    Result<std::string> h = HashPassword("no such user", kDefaultPasswordIterations);
    return h.ok() ? *h : std::string();
  }();
  (void)VerifyPassword(password, dummy);
}

std::string PasswordProblem(std::string_view password) {
  if (password.size() < kMinPasswordLength) {
    return "a password needs at least " + std::to_string(kMinPasswordLength) + " characters";
  }
  if (password.size() > 1024) return "a password may have at most 1024 characters";
  return "";
}

Result<std::string> RandomToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return Status::IoError("no random bytes");
  std::string out = Base64(bytes, sizeof(bytes));
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

std::string Sha256Hex(std::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

bool SameSecret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace purr::web
