#include "events/json_text.h"

#include <array>
#include <cstdint>

#include "events/assert.h"
#include "events/utf8.h"

namespace ledger::events {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// How a byte is written inside a JSON string.
enum class byte_class : std::uint8_t {
  plain,    // printable ASCII other than '"' and '\\': copied
  escaped,  // '"', '\\' and control characters: an escape sequence
  lead,     // 0x80 and above: copied when it starts a well-formed UTF-8 sequence
};

constexpr std::array<byte_class, 256> kByteClasses = [] {
  std::array<byte_class, 256> classes{};
  for (std::size_t b = 0; b < classes.size(); ++b) {
    if (b < 0x20 || b == '"' || b == '\\') {
      classes[b] = byte_class::escaped;
    } else if (b >= 0x80) {
      classes[b] = byte_class::lead;
    } else {
      classes[b] = byte_class::plain;
    }
  }
  return classes;
}();

void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: break;
  }
  LEDGER_ASSERT(c < 0x20, "byte {} needs no escape", c);
  constexpr std::string_view hex = "0123456789abcdef";
  const char sequence[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
  out.append(sequence, sizeof sequence);
}

}  // namespace

void append_json_string(std::string& out, std::string_view utf8) {
  out += '"';
  // Runs of bytes that are copied unchanged are appended in one piece.
  std::size_t run_start = 0;
  std::size_t i = 0;
  while (i < utf8.size()) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    const byte_class kind = kByteClasses[c];
    if (kind == byte_class::plain) {
      ++i;
      continue;
    }
    if (kind == byte_class::lead) {
      const std::size_t length = decode_utf8(utf8, i).length;
      if (length != 0) {
        i += length;
        continue;
      }
    }
    out.append(utf8.data() + run_start, i - run_start);
    if (kind == byte_class::escaped) {
      append_escape(out, c);
    } else {
      out += kReplacement;
    }
    ++i;
    run_start = i;
  }
  out.append(utf8.data() + run_start, utf8.size() - run_start);
  out += '"';
}

std::string json_string(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size() + 2);
  append_json_string(out, utf8);
  return out;
}

}  // namespace ledger::events
