// Canonical bytes of a command, for the idempotency digest.
//
// Grammar (integers little-endian, fixed width):
//   command   := type_index:u16 fields
//   fields    := every described member in declaration order
//   integer   := its bytes (width of its type); bool and enums as u8/their underlying type
//   string    := length:u32 bytes
//   optional  := 0:u8 | 1:u8 value
//   vector    := count:u32 element*
//   struct    := fields (described) ; id := value:u64 ; array := its bytes
// The encoding itself lives in events/binary_codec.h (shared with snapshots); a change there
// changes every stored idempotency digest.
#include <sodium.h>

#include "engine/commands.h"
#include "events/binary_codec.h"

namespace ledger::engine {

std::string_view name_of(const command& c) {
  return std::visit(
      [](const auto& body) -> std::string_view {
        using C = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<C, std::monostate>) {
          return "none";
        }
#define LEDGER_COMMAND_NAME_(name) else if constexpr (std::is_same_v<C, name>) return #name;
        LEDGER_COMMAND_TYPES(LEDGER_COMMAND_NAME_)
#undef LEDGER_COMMAND_NAME_
      },
      c);
}

std::string canonical_bytes(const command& c) {
  events::binary_writer writer;
  writer.write(static_cast<std::uint16_t>(c.index()));
  std::visit(
      [&](const auto& body) {
        using C = std::decay_t<decltype(body)>;
        if constexpr (!std::is_same_v<C, std::monostate>) writer.write(body);
      },
      c);
  return std::move(writer.bytes);
}

hash256 digest_of(const command& c) {
  const std::string bytes = canonical_bytes(c);
  hash256 digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  return digest;
}

}  // namespace ledger::engine
