// HS256 tokens, base64url, lifetimes and random hex (api/jwt.h).
//
// How: base64url is checked against the RFC 4648 vectors and against libsodium's own base64
// codec (URL-safe, no padding) for every length 0..64 of seeded random bytes, and malformed
// text (padding, bad characters, impossible lengths, non-canonical last characters) must be
// refused. Tokens are checked against an independent signer built in this file from SHA-256
// alone (the RFC 2104 construction, itself checked against RFC 4231 test case 2) with
// libsodium's base64, and against a token computed outside the project (Python's hmac module).
// Then every single-character substitution and deletion of a valid token must be refused, and
// hand-made tokens signed with the correct secret probe each verification rule in isolation:
// the algorithm, the structure, the type of every claim and the expiry. The same forged-token
// helper accepts a well-formed payload, so each rejection is caused by the one thing changed.
#include <doctest/doctest.h>

#include <sodium.h>

#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/jwt.h"

namespace {

using ledger::api::access_claims;
using ledger::api::access_token_cache;
using ledger::api::base64url_decode;
using ledger::api::base64url_encode;
using ledger::api::parse_duration_seconds;
using ledger::api::refresh_claims;
using ledger::api::sign_access_token;
using ledger::api::sign_refresh_token;
using ledger::api::verify_access_token;
using ledger::api::verify_refresh_token;

constexpr std::string_view access_secret = "dev-jwt-secret";
constexpr std::string_view refresh_secret = "dev-refresh-secret";
constexpr std::string_view header_json = R"({"alg":"HS256","typ":"JWT"})";

// "Nguyễn Văn A" in NFC, spelled out byte by byte so the source encoding cannot change it.
const std::string vietnamese_name = "Nguy\xE1\xBB\x85" "n V\xC4\x83" "n A";

constexpr std::int64_t issued_at = 1748656750;       // 2025-05-31T01:59:10Z
constexpr std::int64_t expires_at = 1748685550;      // issued_at + 8 h
constexpr std::int64_t refresh_expires_at = 1749261550;  // issued_at + 7 d

// libsodium's base64 (URL-safe alphabet, no padding): independent of api/jwt.cpp.
std::string sodium_base64url(std::string_view bytes) {
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string text(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(text.data(), text.size(),
                    reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), variant);
  text.resize(text.find('\0'));
  return text;
}

std::string sha256(std::string_view bytes) {
  static const bool ready = sodium_init() >= 0;
  REQUIRE(ready);
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

// HMAC-SHA256 per RFC 2104, from SHA-256 alone: H((K ^ opad) || H((K ^ ipad) || message)).
std::string reference_hmac_sha256(std::string_view key, std::string_view message) {
  constexpr std::size_t block = 64;
  std::string padded_key = key.size() > block ? sha256(key) : std::string(key);
  padded_key.resize(block, '\0');
  std::string inner(block, '\0');
  std::string outer(block, '\0');
  for (std::size_t i = 0; i < block; ++i) {
    inner[i] = static_cast<char>(padded_key[i] ^ 0x36);
    outer[i] = static_cast<char>(padded_key[i] ^ 0x5c);
  }
  return sha256(outer + sha256(inner + std::string(message)));
}

std::string hex(std::string_view bytes) {
  std::string text(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                 bytes.size());
  text.pop_back();
  return text;
}

// A token with the given header and payload JSON text, signed by the reference signer.
std::string forge(std::string_view header, std::string_view payload, std::string_view secret) {
  const std::string signed_part = sodium_base64url(header) + "." + sodium_base64url(payload);
  return signed_part + "." + sodium_base64url(reference_hmac_sha256(secret, signed_part));
}

std::string forge_access(std::string_view payload) {
  return forge(header_json, payload, access_secret);
}

access_claims sample_access() {
  access_claims claims;
  claims.sub = "3f2b8c1e-7a4d-4e1b-9c6f-2d8e5a7b1c90";
  claims.email = "thu.ngan@posledger.vn";
  claims.role = "CASHIER";
  claims.branch_id = "b7e1d2c3-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
  claims.full_name = vietnamese_name;
  claims.iat = issued_at;
  claims.exp = expires_at;
  return claims;
}

refresh_claims sample_refresh() {
  refresh_claims claims;
  claims.sub = "3f2b8c1e-7a4d-4e1b-9c6f-2d8e5a7b1c90";
  claims.iat = issued_at;
  claims.exp = refresh_expires_at;
  claims.jti = "00112233445566778899aabbccddeeff";
  return claims;
}

// The payload sample_access() must produce, written out by hand.
const std::string sample_access_payload =
    R"({"sub":"3f2b8c1e-7a4d-4e1b-9c6f-2d8e5a7b1c90","email":"thu.ngan@posledger.vn",)"
    R"("role":"CASHIER","branchId":"b7e1d2c3-4a5b-4c6d-8e9f-0a1b2c3d4e5f","fullName":")" +
    vietnamese_name + R"(","iat":1748656750,"exp":1748685550})";

// A valid access payload with one member's value replaced by `value` (JSON text).
std::string access_payload_with(std::string_view member, std::string_view value) {
  std::vector<std::pair<std::string, std::string>> members = {
      {"sub", R"("3f2b8c1e-7a4d-4e1b-9c6f-2d8e5a7b1c90")"},
      {"email", R"("a@b.vn")"},
      {"role", R"("CASHIER")"},
      {"branchId", "null"},
      {"fullName", R"("A")"},
      {"iat", "1748656750"},
      {"exp", "1748685550"},
  };
  std::string json = "{";
  for (const auto& [name, text] : members) {
    const bool replaced = name == member;
    if (replaced && value.empty()) continue;  // empty value: leave the member out
    if (json.size() > 1) json += ',';
    json += "\"" + name + "\":" + (replaced ? std::string(value) : text);
  }
  return json + "}";
}

// A token's middle part, decoded.
std::string payload_of(const std::string& token) {
  const std::size_t dot1 = token.find('.');
  const std::size_t dot2 = token.find('.', dot1 + 1);
  const std::optional<std::string> payload =
      base64url_decode(std::string_view(token).substr(dot1 + 1, dot2 - dot1 - 1));
  REQUIRE(payload.has_value());
  return *payload;
}

}  // namespace

TEST_SUITE("api/jwt") {

TEST_CASE("jwt: base64url RFC 4648 vectors") {
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""},         {"f", "Zg"},         {"fo", "Zm8"},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [bytes, text] : vectors) {
    CAPTURE(bytes);
    CHECK(base64url_encode(bytes) == text);
    CHECK(base64url_decode(text) == bytes);
  }
  // The two characters that differ from standard base64.
  CHECK(base64url_encode("\xFB\xFF") == "-_8");
  CHECK(base64url_decode("-_8") == std::string("\xFB\xFF"));
}

TEST_CASE("jwt: base64url round trips every length 0..64 and matches libsodium") {
  std::mt19937 random(20250531);
  std::uniform_int_distribution<int> byte(0, 255);
  for (std::size_t length = 0; length <= 64; ++length) {
    std::string bytes;
    for (std::size_t i = 0; i < length; ++i) bytes += static_cast<char>(byte(random));
    CAPTURE(length);
    const std::string text = base64url_encode(bytes);
    CHECK(text == sodium_base64url(bytes));
    CHECK(text.size() == (length * 4 + 2) / 3);
    CHECK(base64url_decode(text) == bytes);
  }
}

TEST_CASE("jwt: base64url refuses padding, bad characters, bad lengths, non-canonical ends") {
  CHECK_FALSE(base64url_decode("Zg==").has_value());
  CHECK_FALSE(base64url_decode("Zg=").has_value());
  CHECK_FALSE(base64url_decode("Zm9v=").has_value());
  CHECK_FALSE(base64url_decode("Zm+v").has_value());  // standard alphabet, not URL-safe
  CHECK_FALSE(base64url_decode("Zm/v").has_value());
  CHECK_FALSE(base64url_decode("Zm9 v").has_value());
  CHECK_FALSE(base64url_decode("Zm9\n").has_value());
  CHECK_FALSE(base64url_decode(std::string_view("Zm\0v", 4)).has_value());
  CHECK_FALSE(base64url_decode("Zm9\xC3\xA9").has_value());
  CHECK_FALSE(base64url_decode("Z").has_value());      // len % 4 == 1
  CHECK_FALSE(base64url_decode("Zm9vY").has_value());  // len % 4 == 1
  // "Zg" is "f"; "Zh".."Zv" put non-zero bits where only zero bits may be.
  CHECK_FALSE(base64url_decode("Zh").has_value());
  CHECK_FALSE(base64url_decode("Zv").has_value());
  CHECK(base64url_decode("Zw") == std::string("g"));
  // "Zm8" is "fo"; "Zm9" differs only in the unused low 2 bits.
  CHECK_FALSE(base64url_decode("Zm9").has_value());
  CHECK_FALSE(base64url_decode("Zm-").has_value());
}

TEST_CASE("jwt: the reference HMAC of this test matches RFC 4231 test case 2") {
  CHECK(hex(reference_hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("jwt: access token is the known answer and round-trips") {
  const access_claims claims = sample_access();
  const std::string token = sign_access_token(claims, access_secret);

  CHECK(payload_of(token) == sample_access_payload);
  CHECK(token == forge(header_json, sample_access_payload, access_secret));
  // Computed outside the project: Python's base64.urlsafe_b64encode (padding stripped) and
  // hmac.new(b"dev-jwt-secret", signed, hashlib.sha256).
  CHECK(token ==
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
        "eyJzdWIiOiIzZjJiOGMxZS03YTRkLTRlMWItOWM2Zi0yZDhlNWE3YjFjOTAiLCJlbWFpbCI6InRodS5uZ2FuQHBv"
        "c2xlZGdlci52biIsInJvbGUiOiJDQVNISUVSIiwiYnJhbmNoSWQiOiJiN2UxZDJjMy00YTViLTRjNmQtOGU5Zi0w"
        "YTFiMmMzZDRlNWYiLCJmdWxsTmFtZSI6Ik5ndXnhu4VuIFbEg24gQSIsImlhdCI6MTc0ODY1Njc1MCwiZXhwIjox"
        "NzQ4Njg1NTUwfQ.Y0lUjl3ZC_8m2LjB42w1bBN9fFjKAt-IyDUggsW75ZI");

  const std::optional<access_claims> verified = verify_access_token(token, access_secret,
                                                                    issued_at);
  REQUIRE(verified.has_value());
  CHECK(*verified == claims);
  CHECK(verified->full_name == vietnamese_name);
}

TEST_CASE("jwt: refresh token is the known answer and round-trips") {
  const refresh_claims claims = sample_refresh();
  const std::string token = sign_refresh_token(claims, refresh_secret);
  const std::string payload =
      R"({"sub":"3f2b8c1e-7a4d-4e1b-9c6f-2d8e5a7b1c90","iat":1748656750,"exp":1749261550,)"
      R"("jti":"00112233445566778899aabbccddeeff"})";
  CHECK(payload_of(token) == payload);
  CHECK(token == forge(header_json, payload, refresh_secret));
  // Computed outside the project with Python's hmac module, as above.
  CHECK(token ==
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
        "eyJzdWIiOiIzZjJiOGMxZS03YTRkLTRlMWItOWM2Zi0yZDhlNWE3YjFjOTAiLCJpYXQiOjE3NDg2NTY3NTAsImV4"
        "cCI6MTc0OTI2MTU1MCwianRpIjoiMDAxMTIyMzM0NDU1NjY3Nzg4OTlhYWJiY2NkZGVlZmYifQ."
        "BK9tuoqsdUhEKeuzmaVXkABeZFB7iNMyUrGlzqgtaS8");

  const std::optional<refresh_claims> verified =
      verify_refresh_token(token, refresh_secret, issued_at);
  REQUIRE(verified.has_value());
  CHECK(*verified == claims);
}

TEST_CASE("jwt: every single-character substitution or deletion is refused") {
  const std::string token = sign_access_token(sample_access(), access_secret);
  REQUIRE(verify_access_token(token, access_secret, issued_at).has_value());
  const std::string replacements =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";

  std::vector<std::string> accepted;
  std::size_t tried = 0;
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (const char c : replacements) {
      if (c == token[i]) continue;
      std::string tampered = token;
      tampered[i] = c;
      ++tried;
      if (verify_access_token(tampered, access_secret, issued_at)) accepted.push_back(tampered);
    }
    std::string shortened = token;
    shortened.erase(i, 1);
    ++tried;
    if (verify_access_token(shortened, access_secret, issued_at)) accepted.push_back(shortened);
  }
  CHECK(tried == token.size() * replacements.size());
  CHECK(accepted.empty());
  CHECK_FALSE(verify_access_token(token + "A", access_secret, issued_at).has_value());
  CHECK_FALSE(verify_access_token(token + ".", access_secret, issued_at).has_value());
  CHECK_FALSE(verify_access_token(token + " ", access_secret, issued_at).has_value());
}

TEST_CASE("jwt: wrong secret and expiry are refused") {
  const access_claims claims = sample_access();
  const std::string token = sign_access_token(claims, access_secret);
  CHECK_FALSE(verify_access_token(token, "dev-jwt-secreT", issued_at).has_value());
  CHECK_FALSE(verify_access_token(token, "", issued_at).has_value());
  CHECK_FALSE(verify_access_token(token, refresh_secret, issued_at).has_value());

  CHECK(verify_access_token(token, access_secret, expires_at - 1).has_value());
  CHECK_FALSE(verify_access_token(token, access_secret, expires_at).has_value());
  CHECK_FALSE(verify_access_token(token, access_secret, expires_at + 1).has_value());
  // iat is not compared with now: a token is valid from before its iat until exp.
  CHECK(verify_access_token(token, access_secret, issued_at - 3600).has_value());

  const std::string refresh = sign_refresh_token(sample_refresh(), refresh_secret);
  CHECK(verify_refresh_token(refresh, refresh_secret, refresh_expires_at - 1).has_value());
  CHECK_FALSE(verify_refresh_token(refresh, refresh_secret, refresh_expires_at).has_value());
  CHECK_FALSE(verify_refresh_token(refresh, access_secret, issued_at).has_value());
}

TEST_CASE("jwt: access_token_cache answers exactly as verify_access_token, on every use") {
  access_token_cache cache(3);
  const access_claims claims = sample_access();
  const std::string token = sign_access_token(claims, access_secret);

  const access_claims* first = cache.verify(token, access_secret, issued_at);
  REQUIRE(first != nullptr);
  CHECK(*first == claims);
  CHECK(cache.size() == 1);
  // Remembered: the same claims again, and expiry still applies to the remembered token.
  REQUIRE(cache.verify(token, access_secret, expires_at - 1) != nullptr);
  CHECK(*cache.verify(token, access_secret, expires_at - 1) == claims);
  CHECK(cache.verify(token, access_secret, expires_at) == nullptr);
  CHECK(cache.size() == 0);  // an expired token is forgotten
  CHECK(cache.verify(token, access_secret, expires_at + 1) == nullptr);

  // A tampered token is never remembered, nor answered from a neighbour's entry.
  REQUIRE(cache.verify(token, access_secret, issued_at) != nullptr);
  std::string tampered = token;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  CHECK(cache.verify(tampered, access_secret, issued_at) == nullptr);
  CHECK(cache.verify(token + "A", access_secret, issued_at) == nullptr);
  CHECK(cache.size() == 1);
  // Another secret: everything remembered under the old one is forgotten.
  CHECK(cache.verify(token, "dev-jwt-secreT", issued_at) == nullptr);
  CHECK(cache.size() == 0);
  REQUIRE(cache.verify(token, access_secret, issued_at) != nullptr);

  // Bounded: a fourth token empties the cache first; every answer stays right.
  std::vector<std::string> tokens{token};
  for (int i = 1; i <= 3; ++i) {
    access_claims other = claims;
    other.email = "till" + std::to_string(i) + "@posledger.vn";
    tokens.push_back(sign_access_token(other, access_secret));
    const access_claims* got = cache.verify(tokens.back(), access_secret, issued_at);
    REQUIRE(got != nullptr);
    CHECK(got->email == other.email);
    CHECK(cache.size() <= 3);
  }
  CHECK(cache.size() == 1);
  for (const auto& t : tokens) {
    const access_claims* got = cache.verify(t, access_secret, issued_at);
    REQUIRE(got != nullptr);
    CHECK(*got == *verify_access_token(t, access_secret, issued_at));
  }
}

TEST_CASE("jwt: access and refresh tokens are not interchangeable, even with one secret") {
  const std::string access = sign_access_token(sample_access(), "shared");
  const std::string refresh = sign_refresh_token(sample_refresh(), "shared");
  CHECK(verify_access_token(access, "shared", issued_at).has_value());
  CHECK(verify_refresh_token(refresh, "shared", issued_at).has_value());
  CHECK_FALSE(verify_refresh_token(access, "shared", issued_at).has_value());  // no jti
  CHECK_FALSE(verify_access_token(refresh, "shared", issued_at).has_value());  // no email
}

TEST_CASE("jwt: the header must name HS256") {
  const std::string payload = access_payload_with("", "");
  // Control: the forging helper makes tokens the verifier accepts.
  CHECK(verify_access_token(forge_access(payload), access_secret, issued_at).has_value());
  // Other header members are ignored, and their order does not matter.
  CHECK(verify_access_token(forge(R"({"typ":"JWT","alg":"HS256","kid":"1"})", payload,
                                  access_secret),
                            access_secret, issued_at)
            .has_value());
  CHECK(verify_access_token(forge(R"({"alg":"HS256"})", payload, access_secret), access_secret,
                            issued_at)
            .has_value());

  for (const std::string_view header :
       {R"({"alg":"none","typ":"JWT"})", R"({"alg":"HS512","typ":"JWT"})",
        R"({"alg":"hs256","typ":"JWT"})", R"({"alg":"RS256","typ":"JWT"})",
        R"({"alg":"HS256 ","typ":"JWT"})", R"({"typ":"JWT"})", R"({"alg":null})",
        R"({"alg":["HS256"]})", R"(["HS256"])", R"("HS256")", R"({"alg":"HS256")", "",
        "not json"}) {
    CAPTURE(header);
    CHECK_FALSE(verify_access_token(forge(header, payload, access_secret), access_secret,
                                    issued_at)
                    .has_value());
  }
  // The classic "none" token: no signature at all.
  const std::string unsigned_token = sodium_base64url(R"({"alg":"none","typ":"JWT"})") + "." +
                                     sodium_base64url(payload) + ".";
  CHECK_FALSE(verify_access_token(unsigned_token, access_secret, issued_at).has_value());
  const std::string hs256_unsigned =
      sodium_base64url(header_json) + "." + sodium_base64url(payload) + ".";
  CHECK_FALSE(verify_access_token(hs256_unsigned, access_secret, issued_at).has_value());
}

TEST_CASE("jwt: token structure") {
  const std::string token = sign_access_token(sample_access(), access_secret);
  const std::size_t dot1 = token.find('.');
  const std::size_t dot2 = token.find('.', dot1 + 1);
  const std::string header = token.substr(0, dot1);
  const std::string payload = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string signature = token.substr(dot2 + 1);
  CHECK(header == "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");

  for (const std::string& bad :
       {std::string(), std::string("."), std::string(".."), header + "." + payload,
        header + "." + payload + "." + signature + "." + signature, "." + payload + "." + signature,
        header + ".." + signature, header + "." + signature + "." + payload,
        header + "." + payload + "." + signature + "=",
        " " + token, "Bearer " + token}) {
    CAPTURE(bad);
    CHECK_FALSE(verify_access_token(bad, access_secret, issued_at).has_value());
  }

  // A signature of the wrong length (a truncated MAC) is refused even when it is a prefix of
  // the right one.
  std::optional<std::string> mac = base64url_decode(signature);
  REQUIRE(mac.has_value());
  const std::string short_mac = base64url_encode(mac->substr(0, 16));
  CHECK_FALSE(verify_access_token(header + "." + payload + "." + short_mac, access_secret,
                                  issued_at)
                  .has_value());

  // Oversized input is refused before decoding, even when correctly signed.
  access_claims big = sample_access();
  big.full_name = std::string(ledger::api::max_token_bytes, 'x');
  CHECK_FALSE(verify_access_token(sign_access_token(big, access_secret), access_secret,
                                  issued_at)
                  .has_value());
}

TEST_CASE("jwt: every access claim must be present with its type") {
  const std::vector<std::pair<std::string, std::vector<std::string>>> wrong = {
      {"sub", {"", "1", "null", "true", R"(["x"])", R"({"id":"x"})"}},
      {"email", {"", "1", "null", "false"}},
      {"role", {"", "1", "null", R"(["CASHIER"])"}},
      {"branchId", {"", "1", "false", R"(["b"])", "{}"}},
      {"fullName", {"", "1", "null", "[]"}},
      {"iat", {"", R"("1748656750")", "1748656750.0", "1.7e9", "null", "true",
               "9223372036854775808"}},
      {"exp", {"", R"("1748685550")", "1748685550.5", "1.8e9", "null",
               "18446744073709551615", "[1748685550]"}},
  };
  for (const auto& [member, values] : wrong) {
    for (const std::string& value : values) {
      const std::string payload = access_payload_with(member, value);
      CAPTURE(payload);
      CHECK_FALSE(verify_access_token(forge_access(payload), access_secret, issued_at)
                      .has_value());
    }
  }
  for (const std::string payload :
       {"[]", "null", "\"text\"", "1748685550", "{", "{}", R"({"sub":"x"} trailing)", ""}) {
    CAPTURE(payload);
    CHECK_FALSE(verify_access_token(forge_access(payload), access_secret, issued_at)
                    .has_value());
  }

  // The accepted forms: branchId as a string or null, negative and large integers, extra members.
  CHECK(verify_access_token(forge_access(access_payload_with("branchId", R"("b")")),
                            access_secret, issued_at)
            ->branch_id == std::optional<std::string>("b"));
  CHECK(verify_access_token(forge_access(access_payload_with("iat", "-1")), access_secret,
                            issued_at)
            ->iat == -1);
  CHECK(verify_access_token(forge_access(access_payload_with("exp", "9223372036854775807")),
                            access_secret, issued_at)
            ->exp == INT64_MAX);
  const std::string extra = R"({"nbf":1,)" + access_payload_with("", "").substr(1);
  CHECK(verify_access_token(forge_access(extra), access_secret, issued_at).has_value());
}

TEST_CASE("jwt: every refresh claim must be present with its type") {
  const auto refresh_payload = [](std::string_view jti) {
    return R"({"sub":"u","iat":1748656750,"exp":1749261550,"jti":)" + std::string(jti) + "}";
  };
  const auto verify = [](const std::string& payload) {
    return verify_refresh_token(forge(header_json, payload, refresh_secret), refresh_secret,
                                issued_at);
  };
  CHECK(verify(refresh_payload(R"("0123456789abcdef0123456789abcdef")")).has_value());
  for (const std::string_view jti :
       {R"("0123456789ABCDEF0123456789ABCDEF")", R"("0123456789abcdef0123456789abcde")",
        R"("0123456789abcdef0123456789abcdef0")", R"("0123456789abcdeg0123456789abcdef")",
        R"("")", "null", "1"}) {
    CAPTURE(jti);
    CHECK_FALSE(verify(refresh_payload(jti)).has_value());
  }
  CHECK_FALSE(verify(R"({"sub":"u","iat":1748656750,"exp":1749261550})").has_value());
  CHECK_FALSE(verify(R"({"sub":1,"iat":1748656750,"exp":1749261550,)"
                     R"("jti":"0123456789abcdef0123456789abcdef"})")
                  .has_value());
  CHECK_FALSE(verify(R"({"sub":"u","iat":1748656750,"exp":"1749261550",)"
                     R"("jti":"0123456789abcdef0123456789abcdef"})")
                  .has_value());
  CHECK_FALSE(verify(R"({"sub":"u","exp":1749261550,"jti":"0123456789abcdef0123456789abcdef"})")
                  .has_value());
}

TEST_CASE("jwt: null branchId, quotes, backslashes and Vietnamese names round-trip exactly") {
  access_claims claims = sample_access();
  claims.branch_id.reset();
  claims.role = "SUPER_ADMIN";
  const std::string token = sign_access_token(claims, access_secret);
  CHECK(payload_of(token).find(R"("branchId":null,)") != std::string::npos);
  CHECK(verify_access_token(token, access_secret, issued_at) == claims);

  for (const std::string& name :
       {vietnamese_name, std::string(R"(Trần "Tí" Nguyễn)"), std::string(R"(back\slash)"),
        std::string("tab\there"), std::string("line\nbreak"), std::string("\x01"),
        std::string("Đặng Thị Ánh Tuyết 🍜"), std::string()}) {
    CAPTURE(name);
    claims.full_name = name;
    claims.email = name;
    const std::optional<access_claims> verified =
        verify_access_token(sign_access_token(claims, access_secret), access_secret, issued_at);
    REQUIRE(verified.has_value());
    CHECK(verified->full_name == name);
    CHECK(*verified == claims);
  }
  claims.full_name = R"(Trần "Tí")";
  CHECK(payload_of(sign_access_token(claims, access_secret))
            .find(R"("fullName":"Trần \"Tí\"")") != std::string::npos);
}

TEST_CASE("jwt: refresh tokens issued in the same second differ") {
  const refresh_claims first = ledger::api::new_refresh_claims("u", issued_at, 604800);
  const refresh_claims second = ledger::api::new_refresh_claims("u", issued_at, 604800);
  CHECK(first.iat == issued_at);
  CHECK(first.exp == issued_at + 604800);
  CHECK(first.jti.size() == 32);
  CHECK(first.jti != second.jti);
  const std::string token_a = sign_refresh_token(first, refresh_secret);
  const std::string token_b = sign_refresh_token(second, refresh_secret);
  CHECK(token_a != token_b);
  CHECK(verify_refresh_token(token_a, refresh_secret, issued_at) == first);
  CHECK(verify_refresh_token(token_b, refresh_secret, issued_at) == second);
}

TEST_CASE("jwt: random_hex") {
  CHECK(ledger::api::random_hex(0).empty());
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string text = ledger::api::random_hex(32);
    REQUIRE(text.size() == 64);
    CHECK(text.find_first_not_of("0123456789abcdef") == std::string::npos);
    seen.insert(text);
  }
  CHECK(seen.size() == 100);
  // Every hex digit shows up in 6400 random digits (a broken nibble mapping would not).
  std::string all;
  for (const std::string& text : seen) all += text;
  for (const char digit : std::string_view("0123456789abcdef")) {
    CHECK(all.find(digit) != std::string::npos);
  }
}

TEST_CASE("jwt: parse_duration_seconds") {
  struct row {
    std::string_view text;
    std::optional<std::int64_t> seconds;
  };
  const std::vector<row> rows = {
      // The contract's defaults and examples.
      {"8h", 28800}, {"7d", 604800}, {"15m", 900}, {"3600s", 3600},
      // Every unit.
      {"1500ms", 1}, {"2999ms", 2}, {"90s", 90}, {"1m", 60}, {"1h", 3600}, {"1d", 86400},
      {"2w", 1209600}, {"1y", 31557600}, {"4y", 126230400},
      // Bare digits are milliseconds, rounded down to seconds.
      {"3600", 3}, {"1000", 1}, {"60000", 60},
      // The `ms` package's spellings: any case, long forms, spaces before the unit.
      {"8H", 28800}, {"1 h", 3600}, {"2  days", 172800}, {"10 hours", 36000},
      {"1 week", 604800}, {"3 mins", 180}, {"2 secs", 2}, {"1 year", 31557600},
      {"1 yrs", 31557600}, {"5000 msecs", 5}, {"2000 Milliseconds", 2}, {"08h", 28800},
      // Rejected: zero seconds.
      {"0", std::nullopt}, {"0h", std::nullopt}, {"999", std::nullopt},
      {"500ms", std::nullopt}, {"999ms", std::nullopt},
      // Rejected: not a non-negative integer with a known unit.
      {"", std::nullopt}, {"h", std::nullopt}, {" 8h", std::nullopt}, {"8h ", std::nullopt},
      {"-1h", std::nullopt}, {"+1h", std::nullopt}, {"1.5h", std::nullopt},
      {".5h", std::nullopt}, {"1e3", std::nullopt}, {"8x", std::nullopt},
      {"8hh", std::nullopt}, {"8 h h", std::nullopt}, {"h8", std::nullopt},
      {"8h\n", std::nullopt}, {"1 2h", std::nullopt}, {"8\xC3\xA9", std::nullopt},
      {"1 fortnight", std::nullopt},
      // Overflow of the digits, of the milliseconds, and the largest accepted values.
      {"9223372036854775808", std::nullopt}, {"99999999999999999999h", std::nullopt},
      {"9223372036854775807d", std::nullopt}, {"9223372036854775807", 9223372036854775},
      {"9223372036854775s", 9223372036854775}, {"9223372036854776s", std::nullopt},
  };
  for (const row& r : rows) {
    CAPTURE(r.text);
    CHECK(parse_duration_seconds(r.text) == r.seconds);
  }
  CHECK_FALSE(parse_duration_seconds(std::string(101, '1')).has_value());
}

}  // TEST_SUITE
