#include "snapshots/snapshot_codec.h"

#include <algorithm>
#include <fmt/format.h>

#include "events/assert.h"
#include "events/binary_codec.h"
#include "events/envelope.h"
#include "snapshots/crc32c.h"

namespace ledger::snapshots {
namespace {

using engine::write_model;
using result = std::variant<write_model, snapshot_error>;

// The header's body_length field sits after the magic and the version.
constexpr std::size_t body_length_offset = 8 + 4;
static_assert(snapshot_header_bytes == body_length_offset + sizeof(std::uint64_t));
static_assert(snapshot_checksum_bytes == sizeof(std::uint32_t));

std::span<const std::uint8_t> as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

template <class I>
I load_little_endian(std::span<const std::uint8_t> bytes, std::size_t offset) {
  LEDGER_ASSERT(offset + sizeof(I) <= bytes.size(), "read past {} bytes", bytes.size());
  I value = 0;
  for (std::size_t i = 0; i < sizeof(I); ++i) {
    value = static_cast<I>(value | (static_cast<I>(bytes[offset + i]) << (8 * i)));
  }
  return value;
}

// Every id-keyed record map must hold each record under its own id: the indexes and every
// find() rely on it.
template <class Map>
std::string check_record_keys(const Map& map, std::string_view name) {
  for (const auto& [key, record] : map) {
    if (key.value == 0) return fmt::format("{}: record under id 0", name);
    if (record.id != key) {
      return fmt::format("{}: key {} holds the record of id {}", name, key.value,
                         record.id.value);
    }
  }
  return {};
}

template <class Line>
std::string check_line_ids(const std::vector<Line>& lines, std::string_view name,
                           std::uint64_t owner) {
  for (const auto& line : lines) {
    if (line.id.value == 0) return fmt::format("{} {}: line with id 0", name, owner);
  }
  return {};
}

// The write model's own invariants (engine/write_model.h), checked on data from disk: a
// snapshot that passed its checksum but breaks them would make evolve() assert later, so it
// is refused here, where it is still just bad input.
std::string check_records(const write_model& model) {
  if (model.ledger_namespace > ledger_namespace_mask) {
    return fmt::format("ledger_namespace {:#x} is wider than 48 bits", model.ledger_namespace);
  }
  for (const std::string& reason :
       {check_record_keys(model.branches, "branches"), check_record_keys(model.users, "users"),
        check_record_keys(model.categories, "categories"),
        check_record_keys(model.products, "products"),
        check_record_keys(model.suppliers, "suppliers"),
        check_record_keys(model.customers, "customers"), check_record_keys(model.carts, "carts"),
        check_record_keys(model.sales, "sales"),
        check_record_keys(model.purchase_orders, "purchase_orders")}) {
    if (!reason.empty()) return reason;
  }
  for (const auto& [key, quantity] : model.stock) {
    if (quantity < 0) {
      return fmt::format("stock: product {} at branch {} is negative ({})", key.product.value,
                         key.branch.value, quantity);
    }
  }
  for (const auto& [id, customer] : model.customers) {
    if (customer.total_points < 0) {
      return fmt::format("customers: customer {} has negative points ({})", id.value,
                         customer.total_points);
    }
  }
  for (const auto& [id, cart] : model.carts) {
    if (auto reason = check_line_ids(cart.lines, "cart", id.value); !reason.empty()) {
      return reason;
    }
  }
  for (const auto& [id, sale] : model.sales) {
    if (auto reason = check_line_ids(sale.lines, "sale", id.value); !reason.empty()) {
      return reason;
    }
    for (const auto& line : sale.lines) {
      if (line.returned_quantity < 0 || line.returned_quantity > line.quantity) {
        return fmt::format("sales: sale {} line {} returned {} of {} sold", id.value,
                           line.id.value, line.returned_quantity, line.quantity);
      }
    }
  }
  for (const auto& [id, order] : model.purchase_orders) {
    if (auto reason = check_line_ids(order.lines, "purchase order", id.value); !reason.empty()) {
      return reason;
    }
    for (const auto& line : order.lines) {
      if (line.received_quantity < 0 || line.received_quantity > line.quantity) {
        return fmt::format("purchase_orders: order {} line {} received {} of {} ordered",
                           id.value, line.id.value, line.received_quantity, line.quantity);
      }
    }
  }
  return {};
}

// After rebuild_indexes: every index key is unique in a valid model, so each index holds one
// entry per record. A smaller index means two records share a key that must be unique.
std::string check_indexes(const write_model& model) {
  struct size_pair {
    std::string_view what;
    std::size_t indexed;
    std::size_t records;
  };
  std::size_t cart_lines = 0;
  for (const auto& [id, cart] : model.carts) cart_lines += cart.lines.size();
  const size_pair pairs[] = {
      {"branches share a code", model.branch_by_code.size(), model.branches.size()},
      {"users share an email", model.user_by_email.size(), model.users.size()},
      {"categories share a name", model.category_by_name.size(), model.categories.size()},
      {"products share a SKU", model.product_by_sku.size(), model.products.size()},
      {"products share a barcode", model.product_by_barcode.size(), model.products.size()},
      {"suppliers share a code", model.supplier_by_code.size(), model.suppliers.size()},
      {"customers share a phone", model.customer_by_phone.size(), model.customers.size()},
      {"carts share a (cashier, branch)", model.active_cart.size(), model.carts.size()},
      {"cart lines share an id", model.cart_of_line.size(), cart_lines},
      {"purchase orders share a number", model.purchase_order_by_number.size(),
       model.purchase_orders.size()},
  };
  for (const auto& pair : pairs) {
    LEDGER_ASSERT(pair.indexed <= pair.records, "index larger than its records: {}", pair.what);
    if (pair.indexed != pair.records) {
      return fmt::format("{} ({} records, {} distinct keys)", pair.what, pair.records,
                         pair.indexed);
    }
  }
  return {};
}

}  // namespace

void seal_snapshot(std::string_view magic, std::uint32_t version, std::string& buffer) {
  LEDGER_ASSERT(magic.size() == snapshot_magic.size(), "snapshot magic '{}' is not 8 bytes", magic);
  LEDGER_ASSERT(buffer.size() >= snapshot_header_bytes, "snapshot buffer of {} bytes has no header",
                buffer.size());
  const std::size_t body_size = buffer.size() - snapshot_header_bytes;
  events::binary_writer header;
  header.bytes += magic;
  header.write(version);
  header.write(static_cast<std::uint64_t>(body_size));
  LEDGER_ASSERT(header.bytes.size() == snapshot_header_bytes, "header of {} bytes",
                header.bytes.size());
  buffer.replace(0, snapshot_header_bytes, header.bytes);
  events::binary_writer checksum;
  checksum.write(crc32c(as_bytes(buffer)));
  buffer += checksum.bytes;
}

std::string frame_snapshot(std::string_view magic, std::uint32_t version, std::string_view body) {
  std::string out;
  out.reserve(snapshot_header_bytes + body.size() + snapshot_checksum_bytes);
  out.append(snapshot_header_bytes, '\0');
  out += body;
  seal_snapshot(magic, version, out);
  return out;
}

std::variant<std::span<const std::uint8_t>, snapshot_error> unframe_snapshot(
    std::span<const std::uint8_t> bytes, std::string_view magic, std::uint32_t version) {
  // The magic first: on anything that is not a snapshot at all, say so rather than complain
  // about its length.
  const std::size_t magic_seen = std::min(bytes.size(), magic.size());
  if (!std::equal(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(magic_seen),
                  magic.begin(),
                  [](std::uint8_t byte, char expected) {
                    return byte == static_cast<std::uint8_t>(expected);
                  })) {
    return snapshot_error{fmt::format("bad magic: expected \"{}\", found hex {}", magic,
                                      events::to_hex(bytes.first(magic_seen)))};
  }
  if (bytes.size() < snapshot_header_bytes + snapshot_checksum_bytes) {
    return snapshot_error{fmt::format(
        "truncated: {} bytes, shorter than the {}-byte header and checksum", bytes.size(),
        snapshot_header_bytes + snapshot_checksum_bytes)};
  }
  const auto found_version = load_little_endian<std::uint32_t>(bytes, magic.size());
  if (found_version != version) {
    return snapshot_error{fmt::format("unsupported format version {} (this build reads {})",
                                      found_version, version)};
  }
  const auto body_length = load_little_endian<std::uint64_t>(bytes, body_length_offset);
  const std::size_t body_available =
      bytes.size() - snapshot_header_bytes - snapshot_checksum_bytes;
  if (body_length != body_available) {
    return snapshot_error{fmt::format(
        "length mismatch: the header gives a body of {} bytes, the snapshot holds {} "
        "(truncated or extended)",
        body_length, body_available)};
  }
  const std::size_t covered_bytes = snapshot_header_bytes + body_available;
  const std::uint32_t expected = crc32c(bytes.first(covered_bytes));
  const auto stored = load_little_endian<std::uint32_t>(bytes, covered_bytes);
  if (expected != stored) {
    return snapshot_error{fmt::format(
        "checksum mismatch: CRC-32C of the snapshot is {:08x}, stored {:08x}", expected, stored)};
  }
  return bytes.subspan(snapshot_header_bytes, body_available);
}

std::string encode_snapshot(const write_model& model) {
  events::binary_writer body;
  body.bytes.append(snapshot_header_bytes, '\0');
  body.write(model);
  std::string out = std::move(body.bytes);
  seal_snapshot(snapshot_magic, snapshot_format_version, out);
  // Pair check (STYLE C4): what we wrote must decode to the model we were given.
  LEDGER_ASSERT_SLOW(
      [&] {
        const auto decoded = decode_snapshot(as_bytes(out));
        const auto* decoded_model = std::get_if<write_model>(&decoded);
        return decoded_model != nullptr && *decoded_model == model;
      }(),
      "snapshot of the model at sequence {} does not decode to it", model.last_sequence);
  return out;
}

std::variant<write_model, snapshot_error> decode_snapshot(std::span<const std::uint8_t> bytes) {
  auto framed = unframe_snapshot(bytes, snapshot_magic, snapshot_format_version);
  if (auto* error = std::get_if<snapshot_error>(&framed)) return std::move(*error);
  const auto body = std::get<std::span<const std::uint8_t>>(framed);

  result decoded{std::in_place_type<write_model>};
  write_model& model = std::get<write_model>(decoded);
  events::binary_reader reader(body);
  if (!reader.read(model)) return snapshot_error{"body: " + reader.error()};
  if (reader.remaining() != 0) {
    return snapshot_error{
        fmt::format("body: {} bytes left over after the write model", reader.remaining())};
  }
  if (auto reason = check_records(model); !reason.empty()) {
    return snapshot_error{"model: " + reason};
  }
  engine::rebuild_indexes(model);
  if (auto reason = check_indexes(model); !reason.empty()) {
    return snapshot_error{"model: " + reason};
  }
  return decoded;
}

}  // namespace ledger::snapshots
