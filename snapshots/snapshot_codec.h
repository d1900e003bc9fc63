#pragma once
// Snapshot codec: the whole write model to bytes and back. Pure (no I/O): the caller stores
// the bytes (RocksDB) and, when loading, replays the event log after model.last_sequence.
//
// Format (written to disk; never change it without bumping snapshot_format_version):
//
//   snapshot       := magic format_version body_length body checksum
//   magic          := "PLSNAP01"                    8 bytes, ASCII
//   format_version := u32                           currently 2
//   body_length    := u64                           bytes in body
//   body           := write_model                   (grammar below)
//   checksum       := CRC-32C(magic format_version body_length body)   u32
//
//   (Version 1 ended in a SHA-256 of the same bytes; at 170 MB/s it dominated start-up. A
//   snapshot is a cache of the log, guarded against accidental damage only: see crc32c.h.)
//
//   Integers are little-endian, fixed width. The body follows events/binary_codec.h:
//   integer  := its bytes (width of its type, signed as two's complement)
//   bool     := 0:u8 | 1:u8
//   enum     := its underlying integer (user_role, sale_status, purchase_order_status: u8)
//   id       := value:u64
//   string   := length:u32 byte*
//   vector   := count:u32 element*
//   array    := element*                   (document_counters: 5 x u64; hash256: 32 bytes)
//   map      := count:u32 (key value)*     (keys strictly increasing: ids and integers
//                                           numerically, strings byte-wise, stock_key by
//                                           branch then product)
//   struct   := every described member, in declaration order
//
//   write_model := initialized:bool ledger_namespace:u64 currency:string
//                  last_entity_number:u64 document_counters:u64[5] last_sequence:u64
//                  head_hash:byte[32] last_recorded_at_us:i64
//                  settings:map<string,string> branches:map<id,branch_record>
//                  users:map<id,user_record> categories:map<id,category_record>
//                  products:map<id,product_record> suppliers:map<id,supplier_record>
//                  customers:map<id,customer_record> loyalty:loyalty_rule
//                  stock:map<stock_key,i32> carts:map<id,cart_record>
//                  sales:map<id,sale_record> purchase_orders:map<id,purchase_order_record>
//                  transfer_count:u64 adjustment_count:u64 goods_receipt_count:u64
//                  return_count:u64
//   (each record: its BOOST_DESCRIBE_STRUCT members in order; see engine/write_model.h.)
//
// The indexes of the write model are not stored: decode rebuilds them from the records.
// Because the body is generated from the describe lists, adding, removing or reordering a
// described member of the write model changes the format: bump snapshot_format_version then
// (an old snapshot is rejected with "unsupported format version" and the caller replays the
// full log instead).
//
// Thread-safety: pure functions.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "engine/write_model.h"

namespace ledger::snapshots {

inline constexpr std::string_view snapshot_magic = "PLSNAP01";
inline constexpr std::uint32_t snapshot_format_version = 2;
// magic + format_version + body_length.
inline constexpr std::size_t snapshot_header_bytes = 8 + 4 + 8;
inline constexpr std::size_t snapshot_checksum_bytes = 4;

// Deterministic: equal models (whatever their maps' insertion history) give equal bytes.
[[nodiscard]] std::string encode_snapshot(const engine::write_model& model);

// Why a snapshot was refused, in words that name the damaged part (for the log; the caller
// falls back to a full replay).
struct snapshot_error {
  std::string reason;
};

// The framing every snapshot kind shares (write model, views): magic (8 bytes) | version |
// body length | body | CRC-32C of all before it.
[[nodiscard]] std::string frame_snapshot(std::string_view magic, std::uint32_t version,
                                         std::string_view body);
// The same framing without copying the body: `buffer` holds snapshot_header_bytes of any
// value followed by the body; the header is filled in and the checksum appended.
void seal_snapshot(std::string_view magic, std::uint32_t version, std::string& buffer);
// The body of a framed snapshot after checking magic, version, length and checksum.
[[nodiscard]] std::variant<std::span<const std::uint8_t>, snapshot_error> unframe_snapshot(
    std::span<const std::uint8_t> bytes, std::string_view magic, std::uint32_t version);

// Verifies, in order: magic, format version, body length, checksum, then decodes every field
// (bounds, bools, enum ranges, key order) and checks the model's own invariants (record keys
// match record ids, stock and points non-negative, line quantities consistent, unique index
// keys). Returns the model with its indexes rebuilt, or the first problem found. Never asserts
// on, crashes on or reads past the given bytes.
[[nodiscard]] std::variant<engine::write_model, snapshot_error> decode_snapshot(
    std::span<const std::uint8_t> bytes);

}  // namespace ledger::snapshots
