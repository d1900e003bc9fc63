#pragma once
// URL pieces: percent-decoding of path segments and query values, and the query string as
// ordered (name, value) pairs.
//
// `%XY` with two hex digits becomes that byte; a `%` not followed by two hex digits stays as
// it is (the reference's decoder is as lenient). In query strings `+` is a space.
//
// Thread-safety: pure functions.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ledger::api {

[[nodiscard]] std::string url_decode(std::string_view text, bool plus_is_space);

struct query_params {
  std::vector<std::pair<std::string, std::string>> values;  // in order, decoded

  // The first value of `name` (nullopt when absent).
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
  [[nodiscard]] bool has(std::string_view name) const { return get(name).has_value(); }
};

// "a=1&b=x+y&c" -> {a:1, b:"x y", c:""}; empty pieces ("&&") are skipped.
[[nodiscard]] query_params parse_query(std::string_view query);

}  // namespace ledger::api
