#pragma once
// Password hashing (argon2id, libsodium). Runs on API threads and in tools, never on the
// single writer: commands carry the finished hash.
#include <optional>
#include <string>
#include <string_view>

namespace ledger::api {

// An argon2id hash string (libsodium's crypto_pwhash_str format, interactive limits).
// nullopt only when the system is out of memory.
[[nodiscard]] std::optional<std::string> hash_password(std::string_view password);

[[nodiscard]] bool verify_password(std::string_view password, const std::string& hash);

}  // namespace ledger::api
