#pragma once
// Checks on rendered JSON text for the read-side tests: fragments that must (not) appear, with
// the whole document printed on failure.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

namespace ledger::testing {

// Fails (with the document) unless `json` contains `fragment` verbatim.
inline void check_has(const std::string& json, std::string_view fragment) {
  INFO("fragment: ", fragment);
  INFO("json: ", json);
  CHECK(json.find(fragment) != std::string::npos);
}

inline void check_lacks(const std::string& json, std::string_view fragment) {
  INFO("fragment: ", fragment);
  INFO("json: ", json);
  CHECK(json.find(fragment) == std::string::npos);
}

// A list as one text, so a failed comparison prints both sides.
inline std::string listed(const std::vector<std::string>& values) {
  std::string text;
  for (const std::string& value : values) {
    if (!text.empty()) text += " | ";
    text += value;
  }
  return text;
}

}  // namespace ledger::testing
