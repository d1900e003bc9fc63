#include "api/jwt.h"

#include <sodium.h>
#include <simdjson.h>

#include <array>
#include <limits>

#include "events/assert.h"
#include "projections/json_writer.h"

namespace ledger::api {
namespace {

using hmac_bytes = std::array<unsigned char, crypto_auth_hmacsha256_BYTES>;

constexpr std::string_view header_json = R"({"alg":"HS256","typ":"JWT"})";

constexpr std::string_view base64url_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// One JSON parser per thread, reused (it keeps its buffers; tokens are at most
// max_token_bytes, so they stay small). A parsed document is valid until the next parse.
simdjson::dom::parser& json_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

// sodium_init() once per process; thread-safe through the function-local static.
bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

// The 6-bit value of a base64url character, or -1.
int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

// HMAC-SHA256 with a key of any length (crypto_auth_hmacsha256() itself takes a 32-byte key,
// JWT secrets are arbitrary strings, so the streaming interface is used).
hmac_bytes hmac_sha256(std::string_view key, std::string_view message) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  hmac_bytes mac{};
  crypto_auth_hmacsha256_final(&state, mac.data());
  sodium_memzero(&state, sizeof state);
  return mac;
}

std::string sign_payload(std::string_view payload_json, std::string_view secret) {
  LEDGER_ASSERT(sodium_ready(), "sodium_init failed");
  std::string token = base64url_encode(header_json);
  token += '.';
  token += base64url_encode(payload_json);
  const hmac_bytes mac = hmac_sha256(secret, token);
  token += '.';
  token += base64url_encode(
      std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
  return token;
}

bool is_jti(std::string_view text) {
  if (text.size() != 2 * refresh_jti_bytes) return false;
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Checks the token's form, header and signature; on success returns the decoded payload with
// SIMDJSON_PADDING bytes of spare capacity (so simdjson can parse it in place).
std::optional<std::string> verified_payload(std::string_view token, std::string_view secret) {
  if (!sodium_ready()) return std::nullopt;
  if (token.size() > max_token_bytes) return std::nullopt;
  const std::size_t dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return std::nullopt;
  const std::size_t dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos) return std::nullopt;
  if (token.find('.', dot2 + 1) != std::string_view::npos) return std::nullopt;
  const std::string_view header_part = token.substr(0, dot1);
  const std::string_view payload_part = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signature_part = token.substr(dot2 + 1);
  if (header_part.empty() || payload_part.empty() || signature_part.empty()) return std::nullopt;

  // Header: a JSON object with "alg": "HS256". Checked before the signature so that an
  // algorithm we do not implement is refused by name, not by a mismatching MAC.
  std::optional<std::string> header = base64url_decode(header_part);
  if (!header) return std::nullopt;
  header->reserve(header->size() + simdjson::SIMDJSON_PADDING);
  simdjson::dom::object header_object;
  if (json_parser().parse(*header).get_object().get(header_object) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  std::string_view alg;
  if (header_object.at_key("alg").get_string().get(alg) != simdjson::SUCCESS) return std::nullopt;
  if (alg != "HS256") return std::nullopt;

  // Signature over "header.payload", compared in constant time.
  const std::optional<std::string> signature = base64url_decode(signature_part);
  if (!signature || signature->size() != crypto_auth_hmacsha256_BYTES) return std::nullopt;
  const hmac_bytes mac = hmac_sha256(secret, token.substr(0, dot2));
  if (sodium_memcmp(signature->data(), mac.data(), mac.size()) != 0) return std::nullopt;

  std::optional<std::string> payload = base64url_decode(payload_part);
  if (!payload) return std::nullopt;
  payload->reserve(payload->size() + simdjson::SIMDJSON_PADDING);
  return payload;
}

// Parses a verified payload into a JSON object (valid until the next parse on this thread).
std::optional<simdjson::dom::object> payload_object(const std::string& payload) {
  simdjson::dom::object object;
  if (json_parser().parse(payload).get_object().get(object) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return object;
}

bool read_string(simdjson::dom::object object, std::string_view key, std::string& out) {
  std::string_view value;
  if (object.at_key(key).get_string().get(value) != simdjson::SUCCESS) return false;
  out.assign(value);
  return true;
}

bool read_int64(simdjson::dom::object object, std::string_view key, std::int64_t& out) {
  return object.at_key(key).get_int64().get(out) == simdjson::SUCCESS;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string text;
  text.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                                (std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) |
                                std::uint32_t{static_cast<unsigned char>(bytes[i + 2])};
    text += base64url_alphabet[(group >> 18) & 63];
    text += base64url_alphabet[(group >> 12) & 63];
    text += base64url_alphabet[(group >> 6) & 63];
    text += base64url_alphabet[group & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t group = std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    text += base64url_alphabet[(group >> 18) & 63];
    text += base64url_alphabet[(group >> 12) & 63];
  } else if (rest == 2) {
    const std::uint32_t group = (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                                (std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8);
    text += base64url_alphabet[(group >> 18) & 63];
    text += base64url_alphabet[(group >> 12) & 63];
    text += base64url_alphabet[(group >> 6) & 63];
  }
  return text;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  // 1 character carries 6 bits, less than a byte: no encoder produces that length.
  if (text.size() % 4 == 1) return std::nullopt;
  std::string bytes;
  bytes.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;   // pending bits, right-aligned
  int bit_count = 0;        // how many of them (always < 8 between characters)
  for (const char c : text) {
    const int value = base64url_value(c);
    if (value < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      bytes += static_cast<char>((bits >> bit_count) & 0xFF);
      bits &= (1U << bit_count) - 1;
    }
  }
  // Canonical form: the 2 or 4 bits left over after the last full byte must be zero, so every
  // byte string has exactly one accepted encoding.
  if (bits != 0) return std::nullopt;
  return bytes;
}

std::string sign_access_token(const access_claims& claims, std::string_view secret) {
  projections::json_writer writer;
  writer.begin_object()
      .string_field("sub", claims.sub)
      .string_field("email", claims.email)
      .string_field("role", claims.role);
  if (claims.branch_id) {
    writer.string_field("branchId", *claims.branch_id);
  } else {
    writer.null_field("branchId");
  }
  writer.string_field("fullName", claims.full_name)
      .integer_field("iat", claims.iat)
      .integer_field("exp", claims.exp)
      .end_object();
  return sign_payload(writer.take(), secret);
}

std::string sign_refresh_token(const refresh_claims& claims, std::string_view secret) {
  projections::json_writer writer;
  writer.begin_object()
      .string_field("sub", claims.sub)
      .integer_field("iat", claims.iat)
      .integer_field("exp", claims.exp)
      .string_field("jti", claims.jti)
      .end_object();
  return sign_payload(writer.take(), secret);
}

namespace {

// A token signed with `secret`, whose claims `read` accepts and that has not expired.
template <class Claims, class Read>
std::optional<Claims> verify_token(std::string_view token, std::string_view secret,
                                   std::int64_t now_seconds, Read read) {
  try {
    const std::optional<std::string> payload = verified_payload(token, secret);
    if (!payload) return std::nullopt;
    const std::optional<simdjson::dom::object> object = payload_object(*payload);
    if (!object) return std::nullopt;
    Claims claims;
    if (!read(*object, claims) || claims.exp <= now_seconds) return std::nullopt;
    return claims;
  } catch (...) {  // std::bad_alloc: a token is never worth an exception escaping
    return std::nullopt;
  }
}

}  // namespace

std::optional<access_claims> verify_access_token(std::string_view token, std::string_view secret,
                                                 std::int64_t now_seconds) {
  return verify_token<access_claims>(
      token, secret, now_seconds, [](const simdjson::dom::object& object, access_claims& claims) {
        if (!read_string(object, "sub", claims.sub) || !read_string(object, "email", claims.email) ||
            !read_string(object, "role", claims.role)) {
          return false;
        }
        simdjson::dom::element branch;
        if (object.at_key("branchId").get(branch) != simdjson::SUCCESS) return false;
        if (!branch.is_null()) {
          std::string_view branch_id;
          if (branch.get_string().get(branch_id) != simdjson::SUCCESS) return false;
          claims.branch_id.emplace(branch_id);
        }
        return read_string(object, "fullName", claims.full_name) &&
               read_int64(object, "iat", claims.iat) && read_int64(object, "exp", claims.exp);
      });
}

const access_claims* access_token_cache::verify(std::string_view token, std::string_view secret,
                                                std::int64_t now_seconds) {
  if (secret != secret_) {
    verified_.clear();
    secret_ = secret;
  }
  if (const auto it = verified_.find(token); it != verified_.end()) {
    if (it->second.exp > now_seconds) return &it->second;  // verify_token's expiry rule
    verified_.erase(it);
    return nullptr;
  }
  auto claims = verify_access_token(token, secret, now_seconds);
  if (!claims) return nullptr;
  if (verified_.size() >= capacity_) verified_.clear();
  return &verified_.insert_or_assign(std::string(token), std::move(*claims)).first->second;
}

std::optional<refresh_claims> verify_refresh_token(std::string_view token,
                                                   std::string_view secret,
                                                   std::int64_t now_seconds) {
  return verify_token<refresh_claims>(
      token, secret, now_seconds, [](const simdjson::dom::object& object, refresh_claims& claims) {
        return read_string(object, "sub", claims.sub) && read_int64(object, "iat", claims.iat) &&
               read_int64(object, "exp", claims.exp) && read_string(object, "jti", claims.jti) &&
               is_jti(claims.jti);
      });
}

refresh_claims new_refresh_claims(std::string_view sub, std::int64_t now_seconds,
                                  std::int64_t lifetime_seconds) {
  refresh_claims claims;
  claims.sub = std::string(sub);
  claims.iat = now_seconds;
  claims.exp = now_seconds + lifetime_seconds;
  claims.jti = random_hex(refresh_jti_bytes);
  return claims;
}

std::optional<std::int64_t> parse_duration_seconds(std::string_view text) {
  struct unit {
    std::string_view name;
    std::int64_t ms;
  };
  static constexpr std::int64_t second = 1000;
  static constexpr std::int64_t minute = 60 * second;
  static constexpr std::int64_t hour = 60 * minute;
  static constexpr std::int64_t day = 24 * hour;
  static constexpr std::int64_t year = day * 36525 / 100;  // 365.25 days, exact in ms
  static constexpr std::array<unit, 32> units{{
      {"", 1},  // bare digits: milliseconds
      {"ms", 1}, {"msec", 1}, {"msecs", 1}, {"millisecond", 1}, {"milliseconds", 1},
      {"s", second}, {"sec", second}, {"secs", second}, {"second", second},
      {"seconds", second},
      {"m", minute}, {"min", minute}, {"mins", minute}, {"minute", minute},
      {"minutes", minute},
      {"h", hour}, {"hr", hour}, {"hrs", hour}, {"hour", hour}, {"hours", hour},
      {"d", day}, {"day", day}, {"days", day},
      {"w", 7 * day}, {"week", 7 * day}, {"weeks", 7 * day},
      {"y", year}, {"yr", year}, {"yrs", year}, {"year", year}, {"years", year},
  }};

  // Same bound as the `ms` package: longer text is not a duration.
  if (text.empty() || text.size() > 100) return std::nullopt;
  std::size_t i = 0;
  std::int64_t count = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    const int digit = text[i] - '0';
    if (count > (std::numeric_limits<std::int64_t>::max() - digit) / 10) return std::nullopt;
    count = count * 10 + digit;
  }
  if (i == 0) return std::nullopt;  // no digits: garbage, a sign or a leading '.'
  while (i < text.size() && text[i] == ' ') ++i;

  std::string name;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c < 'a' || c > 'z') return std::nullopt;  // '.', '-', digits after spaces, ...
    name += c;
  }
  std::int64_t unit_ms = 0;
  for (const unit& candidate : units) {
    if (candidate.name == name) unit_ms = candidate.ms;
  }
  if (unit_ms == 0) return std::nullopt;
  if (count > std::numeric_limits<std::int64_t>::max() / unit_ms) return std::nullopt;
  const std::int64_t seconds = count * unit_ms / 1000;
  if (seconds == 0) return std::nullopt;
  return seconds;
}

std::string random_hex(std::size_t bytes) {
  LEDGER_ASSERT(sodium_ready(), "sodium_init failed");
  static constexpr std::string_view digits = "0123456789abcdef";
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string text;
  text.reserve(2 * bytes);
  for (const char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    text += digits[byte >> 4];
    text += digits[byte & 15];
  }
  sodium_memzero(raw.data(), raw.size());
  return text;
}

}  // namespace ledger::api
