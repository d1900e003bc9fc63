#pragma once
// text_map<V>: an unordered map keyed by std::string that is looked up by std::string_view,
// so a lookup of text the caller already holds (a route key, a bearer token) allocates nothing.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ledger::api {

struct text_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept {
    return std::hash<std::string_view>{}(text);
  }
};

template <class V>
using text_map = std::unordered_map<std::string, V, text_hash, std::equal_to<>>;

}  // namespace ledger::api
