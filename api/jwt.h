#pragma once
// jwt: the HS256 JSON Web Tokens of api-contract section 3.2 (access and refresh tokens), plus
// the small pieces around them: unpadded base64url, the `ms`-style lifetime syntax of
// JWT_EXPIRES_IN / JWT_REFRESH_EXPIRES_IN, and random hex strings (refresh `jti`, reset tokens).
//
// Token format (RFC 7519 compact form, HMAC-SHA256 over the first two parts):
//
//   token     := b64url(header) "." b64url(payload) "." b64url(HMAC-SHA256(secret, signed))
//   signed    := b64url(header) "." b64url(payload)
//   header    := {"alg":"HS256","typ":"JWT"}
//   access    := {"sub":"<uuid>","email":"..","role":"..","branchId":"<uuid>"|null,
//                 "fullName":"..","iat":<int s>,"exp":<int s>}
//   refresh   := {"sub":"<uuid>","iat":<int s>,"exp":<int s>,"jti":"<32 lowercase hex>"}
//
// The member order above is part of the contract and is what sign_* writes. Strings are escaped
// by projections::json_writer (valid UTF-8 such as "Nguyễn Văn A" is copied unchanged; bytes that
// are not valid UTF-8 become U+FFFD, so only valid UTF-8 round-trips exactly).
//
// Verification rules (any failure gives nullopt; nothing is thrown):
//   * at most max_token_bytes; exactly three non-empty dot-separated parts, each canonical
//     unpadded base64url;
//   * the header is a JSON object whose "alg" is the string "HS256" ("none", "HS512", ... are
//     refused; other header members are ignored);
//   * the signature is HMAC-SHA256(secret, signed), compared in constant time;
//   * the payload is a JSON object with every claim of its kind present with the right type
//     (strings; branchId a string or null; iat/exp integers that fit int64; jti 32 lowercase
//     hex digits); members that are not claims are ignored;
//   * exp > now_seconds (a token is expired at exactly exp). iat is not checked against now.
//
// Times are integer seconds since the Unix epoch and are passed in; nothing here reads a clock.
//
// Thread-safety: every function is safe to call concurrently (payloads are parsed with a
// thread_local simdjson parser; libsodium is initialised once, thread-safely, on first use).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/text_map.h"

namespace ledger::api {

// Longest token verify_* looks at; longer input is refused before any decoding.
inline constexpr std::size_t max_token_bytes = 8 * 1024;
// Bytes of randomness in a refresh token's jti (hex-encoded: 32 characters).
inline constexpr std::size_t refresh_jti_bytes = 16;

struct access_claims {
  std::string sub;
  std::string email;
  std::string role;
  std::optional<std::string> branch_id;  // JSON null when absent
  std::string full_name;
  std::int64_t iat = 0;
  std::int64_t exp = 0;

  friend bool operator==(const access_claims&, const access_claims&) = default;
};

struct refresh_claims {
  std::string sub;
  std::int64_t iat = 0;
  std::int64_t exp = 0;
  std::string jti;  // random_hex(refresh_jti_bytes): makes every refresh token unique

  friend bool operator==(const refresh_claims&, const refresh_claims&) = default;
};

// --- base64url (RFC 4648 section 5) without padding.
[[nodiscard]] std::string base64url_encode(std::string_view bytes);
// Refuses '=' padding, characters outside [A-Za-z0-9_-], lengths with len % 4 == 1, and
// non-canonical encodings (unused low bits of the last character must be zero).
[[nodiscard]] std::optional<std::string> base64url_decode(std::string_view text);

// --- Tokens.
[[nodiscard]] std::string sign_access_token(const access_claims& claims, std::string_view secret);
// Uses claims.jti as given: set it with random_hex(refresh_jti_bytes) (see new_refresh_claims).
[[nodiscard]] std::string sign_refresh_token(const refresh_claims& claims, std::string_view secret);

[[nodiscard]] std::optional<access_claims> verify_access_token(std::string_view token,
                                                               std::string_view secret,
                                                               std::int64_t now_seconds);
// Remembers the access tokens it verified, so a token presented again (a till sends the same
// one with every request) costs a hash lookup instead of base64url, HMAC-SHA256 and JSON. The
// answer is always the one verify_access_token would give: only tokens that passed it are
// remembered, with their claims, and expiry is checked again on every use. Changing the secret
// forgets everything; at most `capacity` tokens are kept (all forgotten when full).
// Not thread-safe: one per thread.
class access_token_cache {
 public:
  explicit access_token_cache(std::size_t capacity = 4096) : capacity_(capacity) {}
  // The claims of a valid, unexpired token, or nullptr. Valid until the next call.
  [[nodiscard]] const access_claims* verify(std::string_view token, std::string_view secret,
                                            std::int64_t now_seconds);
  [[nodiscard]] std::size_t size() const { return verified_.size(); }

 private:
  std::size_t capacity_;
  std::string secret_;
  text_map<access_claims> verified_;
};

[[nodiscard]] std::optional<refresh_claims> verify_refresh_token(std::string_view token,
                                                                 std::string_view secret,
                                                                 std::int64_t now_seconds);

// Refresh claims for `sub` issued at now_seconds, expiring lifetime_seconds later, with a fresh
// random jti.
[[nodiscard]] refresh_claims new_refresh_claims(std::string_view sub, std::int64_t now_seconds,
                                                std::int64_t lifetime_seconds);

// --- Lifetimes: the `ms` package syntax used by the reference for JWT_*_EXPIRES_IN.
//
//   duration := digits [" "*] unit?      (an integer count; no sign, no fraction)
//   unit     := ms | s | m | h | d | w | y  (case-insensitive; the long forms of `ms` are also
//               accepted: msec(s), millisecond(s), sec(s), second(s), min(s), minute(s),
//               hr(s), hour(s), day(s), week(s), yr(s), year(s))
//
// A year is 365.25 days. Bare digits are MILLISECONDS ("3600" is 3.6 s), as in the reference.
// The result is whole seconds, rounded down (jsonwebtoken floors exp). nullopt for empty text,
// garbage, a negative or fractional count, overflow of int64 milliseconds, and a result of 0 s
// (a token that is expired when issued).
[[nodiscard]] std::optional<std::int64_t> parse_duration_seconds(std::string_view text);

// --- Randomness.
// `bytes` random bytes (libsodium randombytes_buf) as 2 * bytes lowercase hex digits.
[[nodiscard]] std::string random_hex(std::size_t bytes);

}  // namespace ledger::api
