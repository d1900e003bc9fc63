#pragma once
// The envelope around every stored event, and the hash chain.
//
// Stored bytes (value of the `events` column family): a FlatBuffer whose root is the schema's
// `envelope` table (sequence, recorded time, actor, command id, type, payload, hashes).
//
// Chain: hash(n) = SHA-256 over, in this order (integers big-endian):
//   previous_hash   32 bytes (zeros for sequence 1)
//   sequence        u64
//   type            u16
//   recorded_at_us  i64
//   actor_user_id   u64
//   actor_role      u8
//   actor_branch_id u64
//   command_id      u32 length, then that many bytes
//   payload         u32 length, then that many bytes
// so an edit of any stored field, a deletion or a reordering breaks every later hash.
//
// Thread-safety: pure functions.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "events/event.h"

namespace ledger::events {

using hash256 = std::array<std::uint8_t, 32>;

struct actor {
  std::uint64_t user_id = 0;  // 0 = the ledger itself
  user_role role = user_role::SUPER_ADMIN;
  std::uint64_t branch_id = 0;
  friend bool operator==(const actor&, const actor&) = default;
};

struct envelope_header {
  std::uint64_t sequence = 0;
  std::int64_t recorded_at_us = 0;
  events::actor actor;
  std::string command_id;
  event_type type = event_type::none;
  friend bool operator==(const envelope_header&, const envelope_header&) = default;
};

[[nodiscard]] hash256 chain_hash(const hash256& previous_hash, const envelope_header& header,
                                 std::span<const std::uint8_t> payload);

// The envelope's stored bytes. Clears and reuses `builder`; the result is an owning copy.
[[nodiscard]] std::string encode_envelope(const envelope_header& header,
                                          std::span<const std::uint8_t> payload,
                                          const hash256& previous_hash, const hash256& hash,
                                          flatbuffers::FlatBufferBuilder& builder);

// A verified view into stored envelope bytes (valid while those bytes live). Bytes from
// RocksDB need not be aligned; FlatBuffers reads need alignment, so a misaligned input is
// copied into storage the view owns (move-only, so the payload span never dangles).
struct envelope_view {
  envelope_header header;
  std::span<const std::uint8_t> payload;
  hash256 previous_hash{};
  hash256 hash{};
  std::vector<std::uint64_t> aligned_storage;  // empty when the input was already aligned

  envelope_view() = default;
  envelope_view(envelope_view&&) = default;
  envelope_view& operator=(envelope_view&&) = default;
  envelope_view(const envelope_view&) = delete;
  envelope_view& operator=(const envelope_view&) = delete;
};

// Verifies the FlatBuffer structure and field sizes; nullopt when the bytes are damaged.
// Does not check the hash (that needs the previous envelope: see engine/verify.h).
[[nodiscard]] std::optional<envelope_view> decode_envelope(std::span<const std::uint8_t> input);

[[nodiscard]] std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace ledger::events
