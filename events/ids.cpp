#include "events/ids.h"

#include <array>

#include "events/assert.h"

namespace ledger {
namespace {

constexpr std::string_view hex_digits = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Byte positions of the 32 hex digits inside the 36-character canonical form.
constexpr std::array<int, 32> digit_positions = [] {
  std::array<int, 32> positions{};
  int out = 0;
  for (int i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
    positions[static_cast<std::size_t>(out++)] = i;
  }
  return positions;
}();

}  // namespace

std::string format_uuid(std::uint64_t ledger_namespace, entity_kind kind, std::uint64_t number) {
  LEDGER_ASSERT(ledger_namespace <= ledger_namespace_mask, "namespace {} wider than 48 bits",
                ledger_namespace);
  LEDGER_ASSERT(number <= entity_number_max, "entity number {} wider than 62 bits", number);
  const auto kind_bits = static_cast<std::uint64_t>(kind);
  LEDGER_ASSERT(kind_bits < 0x1000, "entity kind {} wider than 12 bits", kind_bits);
  // 128 bits as two halves: hi = namespace(48) | version(4) | kind(12);
  // lo = variant(2) | number(62).
  const std::uint64_t hi = (ledger_namespace << 16) | (std::uint64_t{8} << 12) | kind_bits;
  const std::uint64_t lo = (std::uint64_t{2} << 62) | number;
  std::string text(36, '-');
  for (int i = 0; i < 32; ++i) {
    const std::uint64_t half = i < 16 ? hi : lo;
    const int shift = 60 - 4 * (i % 16);
    text[static_cast<std::size_t>(digit_positions[static_cast<std::size_t>(i)])] =
        hex_digits[(half >> shift) & 0xF];
  }
  return text;
}

std::optional<std::uint64_t> parse_uuid(std::string_view text, std::uint64_t ledger_namespace,
                                        entity_kind kind) {
  if (text.size() != 36) return std::nullopt;
  if (text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-') return std::nullopt;
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  for (int i = 0; i < 32; ++i) {
    const int v = hex_value(text[static_cast<std::size_t>(digit_positions[static_cast<std::size_t>(i)])]);
    if (v < 0) return std::nullopt;
    std::uint64_t& half = i < 16 ? hi : lo;
    half = (half << 4) | static_cast<std::uint64_t>(v);
  }
  if ((hi >> 16) != ledger_namespace) return std::nullopt;
  if (((hi >> 12) & 0xF) != 8) return std::nullopt;
  if ((hi & 0xFFF) != static_cast<std::uint64_t>(kind)) return std::nullopt;
  if ((lo >> 62) != 2) return std::nullopt;
  const std::uint64_t number = lo & entity_number_max;
  if (number == 0) return std::nullopt;
  return number;
}

}  // namespace ledger
