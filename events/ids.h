#pragma once
// Entity ids: strong types over the ledger's 64-bit entity numbers, and their UUID form.
//
// Every entity the ledger creates gets the next number of one ledger-wide counter (decided in
// engine/, carried in the creating event, never re-generated on replay). Clients see ids as
// UUIDs (api-contract section 0) built from three parts, so a UUID names exactly one entity of
// one kind in one ledger:
//
//   nnnnnnnn-nnnn-8kkk-vccc-cccccccccccc
//   n: the ledger namespace, 48 bits (random, chosen when the ledger is initialized)
//   8: UUID version 8 (custom layout, RFC 9562)
//   k: entity_kind, 12 bits
//   v: variant bits 10 plus the top 2 bits of the counter's upper 14 bits
//   c: the rest of the entity number (14 + 48 = 62 bits in all)
//
// Thread-safety: plain values and pure functions.
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ledger {

template <class Tag>
struct id {
  std::uint64_t value = 0;

  constexpr id() = default;
  constexpr explicit id(std::uint64_t v) : value(v) {}
  constexpr explicit operator bool() const { return value != 0; }
  friend constexpr auto operator<=>(id, id) = default;
};

using branch_id = id<struct branch_tag>;
using user_id = id<struct user_tag>;
using category_id = id<struct category_tag>;
using product_id = id<struct product_tag>;
using supplier_id = id<struct supplier_tag>;
using customer_id = id<struct customer_tag>;
using cart_id = id<struct cart_tag>;
using cart_line_id = id<struct cart_line_tag>;
using sale_id = id<struct sale_tag>;
using sale_line_id = id<struct sale_line_tag>;
using payment_id = id<struct payment_tag>;
using return_id = id<struct return_tag>;
using transfer_id = id<struct transfer_tag>;
using adjustment_id = id<struct adjustment_tag>;
using purchase_order_id = id<struct purchase_order_tag>;
using purchase_order_line_id = id<struct purchase_order_line_tag>;
using goods_receipt_id = id<struct goods_receipt_tag>;
using goods_receipt_line_id = id<struct goods_receipt_line_tag>;

// Written into UUIDs that clients keep: never renumber, append only.
enum class entity_kind : std::uint16_t {
  branch = 1,
  user = 2,
  category = 3,
  product = 4,
  supplier = 5,
  customer = 6,
  cart = 7,
  cart_line = 8,
  sale = 9,
  sale_line = 10,
  payment = 11,
  sale_return = 12,
  transfer = 13,
  adjustment = 14,
  purchase_order = 15,
  purchase_order_line = 16,
  goods_receipt = 17,
  goods_receipt_line = 18,
  // Rows that projections derive from events (ledger rows, loyalty rows, audit rows) use
  // kinds from 100 up; their numbers come from the event sequence, not the entity counter.
  inventory_transaction = 100,
  loyalty_transaction = 101,
  audit_entry = 102,
};

inline constexpr std::uint64_t ledger_namespace_mask = (std::uint64_t{1} << 48) - 1;
inline constexpr std::uint64_t entity_number_max = (std::uint64_t{1} << 62) - 1;

// Lowercase canonical UUID text of entity `number` of `kind` in ledger `ledger_namespace`.
[[nodiscard]] std::string format_uuid(std::uint64_t ledger_namespace, entity_kind kind,
                                      std::uint64_t number);

// The entity number inside `text`, if `text` is a UUID of this ledger and kind (any letter
// case); nullopt otherwise (another ledger, another kind, not a UUID, or number 0).
[[nodiscard]] std::optional<std::uint64_t> parse_uuid(std::string_view text,
                                                      std::uint64_t ledger_namespace,
                                                      entity_kind kind);

}  // namespace ledger

template <class Tag>
struct std::hash<ledger::id<Tag>> {
  std::size_t operator()(ledger::id<Tag> v) const noexcept {
    return std::hash<std::uint64_t>{}(v.value);
  }
};
