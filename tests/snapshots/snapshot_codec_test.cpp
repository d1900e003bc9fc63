// Tests snapshots/snapshot_codec: that a write model survives encode/decode unchanged (records
// and rebuilt indexes), that encoding is deterministic whatever the maps' insertion history, and
// that damaged bytes are refused with a reason and never crash the decoder.
//
// How: a rich model is built by hand (every record kind, enums off their defaults, non-zero
// hashes) in two insertion orders, plus the spec's standard world; damage is simulated by
// flipping every byte, truncating at every length, and by re-sealing hand-made bodies with a
// valid checksum so the field-level and model-level checks behind the checksum are reached.
#include "snapshots/snapshot_codec.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "events/binary_codec.h"
#include "snapshots/crc32c.h"
#include "tests/support/spec.h"

namespace ledger::snapshots {
namespace {

using namespace ledger::engine;

std::span<const std::uint8_t> as_span(const std::string& bytes) {
  return {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()};
}

// The decoded model; FAILs the test (and returns an empty model) on an error.
write_model decode_ok(const std::string& bytes) {
  auto decoded = decode_snapshot(as_span(bytes));
  if (const auto* error = std::get_if<snapshot_error>(&decoded)) {
    FAIL("decode failed: ", error->reason);
    return {};
  }
  return std::get<write_model>(std::move(decoded));
}

// The refusal reason; FAILs the test if the bytes decoded.
std::string decode_error(const std::string& bytes) {
  auto decoded = decode_snapshot(as_span(bytes));
  if (const auto* error = std::get_if<snapshot_error>(&decoded)) return error->reason;
  FAIL("damaged snapshot decoded");
  return {};
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// A snapshot around an arbitrary body, with a correct header and checksum: lets tests reach the
// checks that sit behind the checksum.
std::string seal(const std::string& body, std::uint32_t version = snapshot_format_version) {
  events::binary_writer out;
  out.bytes += snapshot_magic;
  out.write(version);
  out.write(static_cast<std::uint64_t>(body.size()));
  out.bytes += body;
  // The table-driven CRC, not the instruction path the codec takes on this machine.
  out.write(crc32c_portable(
      {reinterpret_cast<const std::uint8_t*>(out.bytes.data()), out.bytes.size()}));
  return std::move(out.bytes);
}

std::string body_of(const write_model& model) {
  events::binary_writer writer;
  writer.write(model);
  return std::move(writer.bytes);
}

// Writes `value` (a described struct) with its member called `name` written by `replace`.
template <class T, class Replace>
void write_replacing(events::binary_writer& writer, const T& value, std::string_view name,
                     Replace replace) {
  bool replaced = false;
  boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>(
      [&](auto member) {
        if (name == member.name) {
          replace(writer);
          replaced = true;
        } else {
          writer.write(value.*member.pointer);
        }
      });
  REQUIRE(replaced);
}

// The body of `model` with the member called `name` written by `replace` instead.
template <class Replace>
std::string body_replacing(const write_model& model, std::string_view name, Replace replace) {
  events::binary_writer writer;
  write_replacing(writer, model, name, replace);
  return std::move(writer.bytes);
}

enum class insertion_order : std::uint8_t { forward, reverse };

// Inserts `entries` into `map` in the given order.
template <class Map, class Entries>
void fill(Map& map, const Entries& entries, insertion_order order) {
  if (order == insertion_order::forward) {
    for (const auto& [key, value] : entries) map.emplace(key, value);
  } else {
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) map.emplace(it->first, it->second);
  }
}

events::hash256 hash_of_byte(std::uint8_t seed) {
  events::hash256 hash{};
  for (std::size_t i = 0; i < hash.size(); ++i) hash[i] = static_cast<std::uint8_t>(seed + i);
  return hash;
}

// Every record kind, several entries per map, enums off their defaults.
write_model rich_model(insertion_order order) {
  write_model m;
  m.initialized = true;
  m.ledger_namespace = 0x0123456789ab;
  m.currency = "VND";
  m.last_entity_number = 400;
  m.document_counters = {7, 2, 3, 4, 1};
  m.last_sequence = 1234;
  m.head_hash = hash_of_byte(0xA0);
  m.last_recorded_at_us = 1'748'736'000'123'456;

  fill(m.settings,
       std::vector<std::pair<std::string, std::string>>{
           {"store_name", "POS Demo"}, {"receipt_footer", "Cam on!"}, {"", "empty key"},
           {"tax", std::string("\0\xff", 2)}},
       order);

  std::vector<std::pair<branch_id, branch_record>> branches;
  for (std::uint64_t i = 1; i <= 3; ++i) {
    branch_record b;
    b.id = branch_id{i};
    b.code = fmt::format("BR-{:03}", i);
    b.name = fmt::format("Branch {}", i);
    b.address = "1 Le Loi, Q1";
    b.phone = fmt::format("028{}", i);
    b.is_active = i != 2;
    b.created_at_us = static_cast<std::int64_t>(i) * 1000;
    b.updated_at_us = -static_cast<std::int64_t>(i);  // negative values must survive too
    branches.emplace_back(b.id, b);
  }
  fill(m.branches, branches, order);

  std::vector<std::pair<user_id, user_record>> users;
  const user_role roles[] = {user_role::SUPER_ADMIN, user_role::OWNER, user_role::CASHIER};
  for (std::uint64_t i = 0; i < 3; ++i) {
    user_record u;
    u.id = user_id{10 + i};
    u.email = fmt::format("user{}@pos.com", i);
    u.password_hash = "argon2id$v=19$m=65536$abc";
    u.full_name = "Nguyễn Văn A";  // UTF-8 bytes
    u.role = roles[i];
    u.branch = branch_id{i};
    u.has_refresh_token = i == 1;
    u.refresh_token_hash = hash_of_byte(static_cast<std::uint8_t>(i));
    u.reset_token_hash = hash_of_byte(static_cast<std::uint8_t>(0x40 + i));
    u.reset_expires_at_us = static_cast<std::int64_t>(i) * 77;
    u.last_login_at_us = 5;
    u.password_changed_at_us = 6;
    u.password_reset_at_us = 7;
    u.created_at_us = 8;
    u.updated_at_us = 9;
    users.emplace_back(u.id, u);
  }
  fill(m.users, users, order);

  std::vector<std::pair<category_id, category_record>> categories;
  for (std::uint64_t i = 20; i < 22; ++i) {
    category_record c;
    c.id = category_id{i};
    c.name = fmt::format("Category {}", i);
    c.description = "desc";
    c.is_active = i == 20;
    c.product_count = 2;
    categories.emplace_back(c.id, c);
  }
  fill(m.categories, categories, order);

  std::vector<std::pair<product_id, product_record>> products;
  for (std::uint64_t i = 30; i < 34; ++i) {
    product_record p;
    p.id = product_id{i};
    p.sku = fmt::format("SKU-{}", i);
    p.barcode = fmt::format("893{}", i);
    p.name = fmt::format("Product {}", i);
    p.unit = "can";
    p.cost_price = 500000;
    p.selling_price = 1000000;
    p.min_stock = 50;
    p.tax_rate = 1000;
    p.category = category_id{20 + (i % 2)};
    products.emplace_back(p.id, p);
  }
  fill(m.products, products, order);

  supplier_record s;
  s.id = supplier_id{40};
  s.code = "SUP-001";
  s.name = "Beverages Co";
  s.contact_person = "Tran B";
  s.email = "sales@bev.vn";
  fill(m.suppliers, std::vector<std::pair<supplier_id, supplier_record>>{{s.id, s}}, order);

  std::vector<std::pair<customer_id, customer_record>> customers;
  for (std::uint64_t i = 50; i < 53; ++i) {
    customer_record c;
    c.id = customer_id{i};
    c.name = "Khach";
    c.phone = fmt::format("090{}", i);
    c.total_points = static_cast<std::int64_t>(i);
    c.total_spent = 123456789;
    customers.emplace_back(c.id, c);
  }
  fill(m.customers, customers, order);

  m.loyalty = loyalty_rule{10000000, 100};

  std::vector<std::pair<stock_key, std::int32_t>> stock;
  for (std::uint64_t b = 1; b <= 3; ++b) {
    for (std::uint64_t p = 30; p < 34; ++p) {
      stock.emplace_back(stock_key{branch_id{b}, product_id{p}},
                         static_cast<std::int32_t>(b * 100 + p));
    }
  }
  fill(m.stock, stock, order);

  std::vector<std::pair<cart_id, cart_record>> carts;
  for (std::uint64_t i = 0; i < 2; ++i) {
    cart_record c;
    c.id = cart_id{60 + i};
    c.cashier = user_id{12};
    c.branch = branch_id{1 + i};
    c.customer = customer_id{i == 0 ? 50u : 0u};
    c.lines = {cart_line_record{cart_line_id{70 + 2 * i}, product_id{30}, 2, 1000000, 0},
               cart_line_record{cart_line_id{71 + 2 * i}, product_id{31}, 1, 1000000, 5000}};
    c.created_at_us = 1;
    c.updated_at_us = 2;
    carts.emplace_back(c.id, c);
  }
  fill(m.carts, carts, order);

  std::vector<std::pair<sale_id, sale_record>> sales;
  const sale_status statuses[] = {sale_status::COMPLETED, sale_status::RETURNED,
                                  sale_status::CANCELLED};
  for (std::uint64_t i = 0; i < 3; ++i) {
    sale_record s2;
    s2.id = sale_id{80 + i};
    s2.invoice_number = fmt::format("INV-20250601-{:04}", i + 1);
    s2.branch = branch_id{1};
    s2.cashier = user_id{12};
    s2.customer = customer_id{i == 2 ? 0u : 51u};
    s2.total_amount = 2160000;
    s2.refunded_amount = i == 1 ? 1080000 : 0;
    s2.status = statuses[i];
    s2.created_at_us = 3;
    s2.return_deadline_us = 4;
    s2.lines = {sale_line_record{sale_line_id{90 + 2 * i}, product_id{30}, 2, i == 1 ? 1 : 0,
                                 1000000},
                sale_line_record{sale_line_id{91 + 2 * i}, product_id{32}, 1, 0, 1200000}};
    sales.emplace_back(s2.id, s2);
  }
  fill(m.sales, sales, order);

  purchase_order_record po;
  po.id = purchase_order_id{100};
  po.po_number = "PO-20250601-0001";
  po.supplier = supplier_id{40};
  po.status = purchase_order_status::PARTIAL;
  po.lines = {purchase_order_line_record{purchase_order_line_id{101}, product_id{30}, 100, 40,
                                         500000},
              purchase_order_line_record{purchase_order_line_id{102}, product_id{33}, 10, 0,
                                         800000}};
  fill(m.purchase_orders,
       std::vector<std::pair<purchase_order_id, purchase_order_record>>{{po.id, po}}, order);

  m.transfer_count = 3;
  m.adjustment_count = 4;
  m.goods_receipt_count = 1;
  m.return_count = 1;
  rebuild_indexes(m);
  return m;
}

// A model with a little of everything, small enough to damage byte by byte.
write_model small_model() {
  write_model m;
  m.initialized = true;
  m.ledger_namespace = 42;
  m.currency = "VND";
  m.last_sequence = 9;
  m.head_hash = hash_of_byte(1);
  m.settings.emplace("k", "v");
  branch_record b;
  b.id = branch_id{1};
  b.code = "BR-HQ";
  m.branches.emplace(b.id, b);
  user_record u;
  u.id = user_id{2};
  u.email = "a@b.c";
  u.role = user_role::OWNER;
  m.users.emplace(u.id, u);
  m.stock.emplace(stock_key{branch_id{1}, product_id{3}}, 5);
  rebuild_indexes(m);
  return m;
}

void check_indexes_equal(const write_model& a, const write_model& b) {
  CHECK(a.branch_by_code == b.branch_by_code);
  CHECK(a.user_by_email == b.user_by_email);
  CHECK(a.category_by_name == b.category_by_name);
  CHECK(a.product_by_sku == b.product_by_sku);
  CHECK(a.product_by_barcode == b.product_by_barcode);
  CHECK(a.supplier_by_code == b.supplier_by_code);
  CHECK(a.customer_by_phone == b.customer_by_phone);
  CHECK(a.active_cart == b.active_cart);
  CHECK(a.cart_of_line == b.cart_of_line);
  CHECK(a.purchase_order_by_number == b.purchase_order_by_number);
}

}  // namespace

TEST_SUITE("snapshots/codec") {
  TEST_CASE("a rich hand-built model round-trips with its indexes") {
    const write_model model = rich_model(insertion_order::forward);
    const std::string bytes = encode_snapshot(model);
    REQUIRE(bytes.size() > snapshot_header_bytes + snapshot_checksum_bytes);
    CHECK(bytes.compare(0, 8, "PLSNAP01") == 0);

    const write_model decoded = decode_ok(bytes);
    CHECK(decoded == model);
    check_indexes_equal(decoded, model);
    CHECK(decoded.active_cart_of(user_id{12}, branch_id{2}) != nullptr);
    CHECK(decoded.stock_of(branch_id{3}, product_id{33}) == 333);
    CHECK(encode_snapshot(decoded) == bytes);
  }

  TEST_CASE("an empty model round-trips") {
    const write_model model;
    const std::string bytes = encode_snapshot(model);
    CHECK(decode_ok(bytes) == model);
  }

  TEST_CASE("the standard world round-trips") {
    testing::ledger_spec spec;
    const auto world = spec.standard_world();
    REQUIRE(spec.model.products.contains(world.cola));
    const std::string bytes = encode_snapshot(spec.model);
    const write_model decoded = decode_ok(bytes);
    CHECK(decoded == spec.model);
    check_indexes_equal(decoded, spec.model);
    CHECK(decoded.last_sequence == spec.model.last_sequence);
    CHECK(decoded.head_hash == spec.model.head_hash);
  }

  TEST_CASE("encoding is deterministic whatever the insertion order") {
    const write_model forward = rich_model(insertion_order::forward);
    write_model reverse = rich_model(insertion_order::reverse);
    // A different bucket layout as well: grow the maps' capacity before comparing.
    reverse.branches.reserve(1000);
    reverse.stock.reserve(5000);
    reverse.settings.reserve(300);
    REQUIRE(forward == reverse);

    const std::string bytes = encode_snapshot(forward);
    CHECK(encode_snapshot(forward) == bytes);
    CHECK(encode_snapshot(reverse) == bytes);
  }

  TEST_CASE("every single flipped byte is refused") {
    const std::string bytes = encode_snapshot(small_model());
    for (std::size_t position = 0; position < bytes.size(); ++position) {
      for (const std::uint8_t mask : {std::uint8_t{0x01}, std::uint8_t{0x80}}) {
        CAPTURE(position);
        CAPTURE(mask);
        std::string damaged = bytes;
        damaged[position] = static_cast<char>(damaged[position] ^ mask);
        const std::string reason = decode_error(damaged);
        // The first check that can see the damage names it.
        if (position < 8) {
          CHECK(contains(reason, "bad magic"));
        } else if (position < 12) {
          CHECK(contains(reason, "unsupported format version"));
        } else if (position < snapshot_header_bytes) {
          CHECK(contains(reason, "length mismatch"));
        } else {
          CHECK(contains(reason, "checksum mismatch"));
        }
      }
    }
  }

  TEST_CASE("every truncation and an extension are refused") {
    const std::string bytes = encode_snapshot(small_model());
    for (std::size_t length = 0; length < bytes.size(); ++length) {
      CAPTURE(length);
      const std::string reason = decode_error(bytes.substr(0, length));
      if (length < snapshot_header_bytes + snapshot_checksum_bytes) {
        CHECK(contains(reason, "truncated"));
      } else {
        CHECK(contains(reason, "length mismatch"));
      }
    }
    CHECK(contains(decode_error(bytes + '\0'), "length mismatch"));
  }

  TEST_CASE("wrong magic and version are named") {
    const std::string bytes = encode_snapshot(small_model());
    std::string other = bytes;
    other.replace(0, 8, "PLSNAP02");
    CHECK(decode_error(other) ==
          "bad magic: expected \"PLSNAP01\", found hex 504c534e41503032");
    CHECK(decode_error("") == "truncated: 0 bytes, shorter than the 24-byte header and checksum");
    CHECK(decode_error("PLS") == "truncated: 3 bytes, shorter than the 24-byte header and checksum");
    CHECK(contains(decode_error("{\"json\": true}"), "bad magic"));

    // A well-formed snapshot of a future format is refused by version, not by checksum.
    const std::string body = bytes.substr(snapshot_header_bytes,
                                          bytes.size() - snapshot_header_bytes -
                                              snapshot_checksum_bytes);
    CHECK(decode_error(seal(body, 3)) == "unsupported format version 3 (this build reads 2)");
    CHECK(decode_error(seal(body, 1)) == "unsupported format version 1 (this build reads 2)");
    CHECK(decode_ok(seal(body)) == small_model());
  }

  TEST_CASE("field damage behind a valid checksum is refused with its path") {
    const write_model model = small_model();

    SUBCASE("a bool that is neither 0 nor 1") {
      std::string body = body_of(model);
      body[0] = 2;  // initialized
      CHECK(decode_error(seal(body)) ==
            "body: initialized: bool byte 2 is neither 0 nor 1 (at byte 0)");
    }
    SUBCASE("a string longer than the body") {
      const auto body = body_replacing(model, "currency", [](events::binary_writer& w) {
        w.write(std::uint32_t{1000});
        w.bytes += "VND";
      });
      CHECK(contains(decode_error(seal(body)),
                     "body: currency: string length 1000 exceeds the"));
    }
    SUBCASE("a count the remaining bytes cannot hold") {
      const auto body = body_replacing(model, "stock", [](events::binary_writer& w) {
        w.write(std::uint32_t{0xFFFFFFFF});
      });
      CHECK(contains(decode_error(seal(body)), "body: stock: count 4294967295 exceeds"));
    }
    SUBCASE("an enum out of range") {
      const auto body = body_replacing(model, "users", [&](events::binary_writer& w) {
        w.write(std::uint32_t{1});
        const user_record& user = model.users.begin()->second;
        w.write(user.id);  // the map key
        write_replacing(w, user, "role", [](events::binary_writer& inner) {
          inner.write(std::uint8_t{9});
        });
      });
      const std::string reason = decode_error(seal(body));
      CAPTURE(reason);
      CHECK(contains(reason, "body: users[0].role: enum value 9 outside [0, 4]"));
    }
    SUBCASE("duplicate and unsorted map keys") {
      const auto duplicate = body_replacing(model, "settings", [](events::binary_writer& w) {
        w.write(std::uint32_t{2});
        w.write(std::string("a"));
        w.write(std::string("x"));
        w.write(std::string("a"));
        w.write(std::string("y"));
      });
      CHECK(contains(decode_error(seal(duplicate)),
                     "body: settings[1]: map keys not in strictly increasing order"));
      const auto unsorted = body_replacing(model, "settings", [](events::binary_writer& w) {
        w.write(std::uint32_t{2});
        w.write(std::string("b"));
        w.write(std::string("x"));
        w.write(std::string("a"));
        w.write(std::string("y"));
      });
      CHECK(contains(decode_error(seal(unsorted)), "settings[1]: map keys not in strictly"));
    }
    SUBCASE("bytes left over after the model") {
      CHECK(decode_error(seal(body_of(model) + "xy")) ==
            "body: 2 bytes left over after the write model");
    }
    SUBCASE("a body cut short") {
      const std::string body = body_of(model);
      CHECK(contains(decode_error(seal(body.substr(0, body.size() - 1))),
                     "body: return_count: truncated: 8 bytes needed, 7 remain"));
    }
  }

  TEST_CASE("model invariants behind a valid checksum are checked") {
    SUBCASE("a record under another id") {
      write_model model = small_model();
      branch_record moved = model.branches.at(branch_id{1});
      moved.id = branch_id{7};
      model.branches.clear();
      model.branches.emplace(branch_id{5}, moved);
      CHECK(decode_error(seal(body_of(model))) ==
            "model: branches: key 5 holds the record of id 7");
    }
    SUBCASE("negative stock") {
      write_model model = small_model();
      model.stock[stock_key{branch_id{1}, product_id{3}}] = -1;
      CHECK(decode_error(seal(body_of(model))) ==
            "model: stock: product 3 at branch 1 is negative (-1)");
    }
    SUBCASE("more returned than sold") {
      write_model model = small_model();
      sale_record sale;
      sale.id = sale_id{8};
      sale.lines = {sale_line_record{sale_line_id{9}, product_id{3}, 1, 2, 100}};
      model.sales.emplace(sale.id, sale);
      CHECK(decode_error(seal(body_of(model))) ==
            "model: sales: sale 8 line 9 returned 2 of 1 sold");
    }
    SUBCASE("two users with one email") {
      write_model model = small_model();
      user_record twin = model.users.at(user_id{2});
      twin.id = user_id{3};
      model.users.emplace(twin.id, twin);
      CHECK(decode_error(seal(body_of(model))) ==
            "model: users share an email (2 records, 1 distinct keys)");
    }
  }
}

}  // namespace ledger::snapshots
