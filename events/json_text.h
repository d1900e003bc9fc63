#pragma once
// JSON string literals from text: the one escaper of the code base (responses, the event
// export, payload JSON). Valid UTF-8 is kept as it is (Vietnamese text stays readable);
// '"', '\\' and control characters are escaped; each byte that does not start a well-formed
// UTF-8 sequence (events/utf8.h) becomes U+FFFD, so the output is always valid JSON whatever
// the bytes stored.
//
// Thread-safety: pure functions.
#include <string>
#include <string_view>

namespace ledger::events {

// Appends `utf8` as a quoted JSON string.
void append_json_string(std::string& out, std::string_view utf8);

// `utf8` as a quoted JSON string.
[[nodiscard]] std::string json_string(std::string_view utf8);

}  // namespace ledger::events
