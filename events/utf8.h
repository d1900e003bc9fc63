#pragma once
// Decoding one UTF-8 sequence, shared by JSON text (escaping) and search folding.
//
// Well-formed means Unicode Table 3-7 (Well-Formed UTF-8 Byte Sequences): no overlong forms,
// no surrogates, nothing above U+10FFFF.
//
// Thread-safety: pure functions.
#include <cstddef>
#include <string_view>

namespace ledger::events {

struct utf8_char {
  char32_t code_point;
  std::size_t length;  // 0: not a well-formed UTF-8 sequence
};

constexpr bool is_utf8_continuation(unsigned char b) { return (b & 0xC0) == 0x80; }

// Decodes the sequence starting at text[at] (a byte >= 0x80).
constexpr utf8_char decode_utf8(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
  const std::size_t available = text.size() - at;
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  char32_t code_point = 0;
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code_point = lead & 0x0F;
    if (lead == 0xE0) second_min = 0xA0;  // overlong below U+0800
    if (lead == 0xED) second_max = 0x9F;  // surrogates U+D800..U+DFFF
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = lead & 0x07;
    if (lead == 0xF0) second_min = 0x90;  // overlong below U+10000
    if (lead == 0xF4) second_max = 0x8F;  // above U+10FFFF
  } else {
    return {0, 0};  // continuation byte, 0xC0, 0xC1 (overlong ASCII), 0xF5..0xFF
  }
  if (available < length) return {0, 0};
  if (byte(1) < second_min || byte(1) > second_max) return {0, 0};
  for (std::size_t i = 1; i < length; ++i) {
    if (!is_utf8_continuation(byte(i))) return {0, 0};
    code_point = (code_point << 6) | (byte(i) & 0x3F);
  }
  return {code_point, length};
}

}  // namespace ledger::events
