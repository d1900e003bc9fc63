#pragma once
// The write model: everything the single writer needs in memory to decide commands.
//
// Ownership and threads: one instance, owned by the writer thread (engine/command_processor.h)
// or by a replaying tool; never shared. It changes only through evolve() (engine/evolve.h),
// so it is always a pure function of the event log: replaying the log from zero gives an
// equal model (tested, and checked by `posledger verify`).
//
// Invariants (asserted in evolve):
//   * stock quantities are >= 0;
//   * customer points are >= 0;
//   * a sale line's returned quantity is <= its sold quantity;
//   * a PO line's received quantity is <= its ordered quantity;
//   * every index maps exactly the records that carry its key.
//
// What is kept: the whole catalog and all people (small), stock per (branch, product),
// active carts only (a checked-out cart never changes again), every sale with its lines
// (returns have a 7-day window but cancellation has none), every purchase order.
#include <array>
#include <boost/describe.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "events/envelope.h"
#include "events/event.h"
#include "events/ids.h"

namespace ledger::engine {

using events::hash256;
using events::purchase_order_status;
using events::sale_status;
using events::user_role;

struct branch_record {
  branch_id id;
  std::string code;
  std::string name;
  std::string address;
  std::string phone;
  bool is_active = true;
  std::int64_t created_at_us = 0;
  std::int64_t updated_at_us = 0;
  friend bool operator==(const branch_record&, const branch_record&) = default;
};

struct user_record {
  user_id id;
  std::string email;
  std::string password_hash;
  std::string full_name;
  std::string phone;
  user_role role = user_role::CASHIER;
  branch_id branch;  // 0 = none
  bool is_active = true;
  bool has_refresh_token = false;
  hash256 refresh_token_hash{};
  hash256 reset_token_hash{};
  std::int64_t reset_expires_at_us = 0;  // 0 = no reset pending
  std::int64_t last_login_at_us = 0;     // 0 = never
  std::int64_t password_changed_at_us = 0;
  std::int64_t password_reset_at_us = 0;  // 0 = never reset
  std::int64_t created_at_us = 0;
  std::int64_t updated_at_us = 0;
  friend bool operator==(const user_record&, const user_record&) = default;
};

struct category_record {
  category_id id;
  std::string name;
  std::string description;
  bool is_active = true;
  std::int32_t product_count = 0;  // active or not
  std::int64_t created_at_us = 0;
  std::int64_t updated_at_us = 0;
  friend bool operator==(const category_record&, const category_record&) = default;
};

struct product_record {
  product_id id;
  std::string sku;
  std::string barcode;
  std::string name;
  std::string description;
  std::string unit;
  std::int64_t cost_price = 0;
  std::int64_t selling_price = 0;
  std::int32_t min_stock = 0;
  std::uint32_t tax_rate = 800;
  category_id category;
  bool is_active = true;
  std::int64_t created_at_us = 0;
  std::int64_t updated_at_us = 0;
  friend bool operator==(const product_record&, const product_record&) = default;
};

struct supplier_record {
  supplier_id id;
  std::string code;
  std::string name;
  std::string contact_person;
  std::string phone;
  std::string email;
  std::string address;
  bool is_active = true;
  std::int64_t created_at_us = 0;
  std::int64_t updated_at_us = 0;
  friend bool operator==(const supplier_record&, const supplier_record&) = default;
};

struct customer_record {
  customer_id id;
  std::string name;
  std::string phone;
  std::string email;
  std::int64_t total_points = 0;
  std::int64_t total_spent = 0;
  std::int64_t created_at_us = 0;
  std::int64_t updated_at_us = 0;
  friend bool operator==(const customer_record&, const customer_record&) = default;
};

// spend_per_point == 0: no loyalty rule configured (no points are earned or deducted).
struct loyalty_rule {
  std::int64_t spend_per_point = 0;
  std::int64_t point_value = 0;
  friend bool operator==(const loyalty_rule&, const loyalty_rule&) = default;
};

struct cart_line_record {
  cart_line_id id;
  product_id product;
  std::int32_t quantity = 0;
  std::int64_t unit_price = 0;  // frozen when the line was first added
  std::int64_t discount = 0;    // per unit
  friend bool operator==(const cart_line_record&, const cart_line_record&) = default;
};

// An active cart (checked-out carts are dropped from the write model).
struct cart_record {
  cart_id id;
  user_id cashier;
  branch_id branch;
  customer_id customer;  // 0 = none
  std::vector<cart_line_record> lines;  // insertion order
  std::int64_t created_at_us = 0;
  std::int64_t updated_at_us = 0;
  friend bool operator==(const cart_record&, const cart_record&) = default;
};

struct sale_line_record {
  sale_line_id id;
  product_id product;
  std::int32_t quantity = 0;
  std::int32_t returned_quantity = 0;
  std::int64_t unit_price = 0;
  friend bool operator==(const sale_line_record&, const sale_line_record&) = default;
};

struct sale_record {
  sale_id id;
  std::string invoice_number;
  branch_id branch;
  user_id cashier;
  customer_id customer;  // 0 = none
  std::int64_t total_amount = 0;
  std::int64_t refunded_amount = 0;  // Σ refunds of its returns
  sale_status status = sale_status::COMPLETED;
  std::int64_t created_at_us = 0;
  std::int64_t return_deadline_us = 0;
  std::vector<sale_line_record> lines;
  friend bool operator==(const sale_record&, const sale_record&) = default;
};

struct purchase_order_line_record {
  purchase_order_line_id id;
  product_id product;
  std::int32_t quantity = 0;
  std::int32_t received_quantity = 0;
  std::int64_t unit_cost = 0;
  friend bool operator==(const purchase_order_line_record&,
                         const purchase_order_line_record&) = default;
};

struct purchase_order_record {
  purchase_order_id id;
  std::string po_number;
  supplier_id supplier;
  purchase_order_status status = purchase_order_status::PENDING_APPROVAL;
  std::vector<purchase_order_line_record> lines;
  std::int64_t created_at_us = 0;
  std::int64_t updated_at_us = 0;
  friend bool operator==(const purchase_order_record&, const purchase_order_record&) = default;
};

struct stock_key {
  branch_id branch;
  product_id product;
  friend bool operator==(const stock_key&, const stock_key&) = default;
};

struct stock_key_hash {
  std::size_t operator()(const stock_key& key) const noexcept {
    // Both numbers are small and dense: mix them so the flat map spreads well.
    return static_cast<std::size_t>((key.branch.value * 0x9E3779B97F4A7C15ull) ^ key.product.value);
  }
};

struct active_cart_key {
  user_id cashier;
  branch_id branch;
  friend bool operator==(const active_cart_key&, const active_cart_key&) = default;
};

struct active_cart_key_hash {
  std::size_t operator()(const active_cart_key& key) const noexcept {
    return static_cast<std::size_t>((key.cashier.value * 0x9E3779B97F4A7C15ull) ^ key.branch.value);
  }
};

// Document kinds with generated numbers (api-contract 1.11). Written to snapshots: append only.
enum class document_kind : std::uint8_t {
  invoice = 0,
  sale_return = 1,
  transfer = 2,
  purchase_order = 3,
  goods_receipt = 4,
};
inline constexpr std::size_t document_kind_count = 5;

template <class K, class V, class H = std::hash<K>>
using flat_map = boost::unordered_flat_map<K, V, H>;

struct write_model {
  // --- ledger
  bool initialized = false;
  std::uint64_t ledger_namespace = 0;
  std::string currency;
  std::uint64_t last_entity_number = 0;  // the next entity gets last_entity_number + 1
  std::array<std::uint64_t, document_kind_count> document_counters{};
  std::uint64_t last_sequence = 0;  // the last event applied
  hash256 head_hash{};              // its chain hash
  std::int64_t last_recorded_at_us = 0;

  // --- records
  flat_map<std::string, std::string> settings;
  flat_map<branch_id, branch_record> branches;
  flat_map<user_id, user_record> users;
  flat_map<category_id, category_record> categories;
  flat_map<product_id, product_record> products;
  flat_map<supplier_id, supplier_record> suppliers;
  flat_map<customer_id, customer_record> customers;
  loyalty_rule loyalty;
  flat_map<stock_key, std::int32_t, stock_key_hash> stock;  // absent = 0
  flat_map<cart_id, cart_record> carts;                     // active carts only
  flat_map<sale_id, sale_record> sales;
  flat_map<purchase_order_id, purchase_order_record> purchase_orders;
  std::uint64_t transfer_count = 0;
  std::uint64_t adjustment_count = 0;
  std::uint64_t goods_receipt_count = 0;
  std::uint64_t return_count = 0;

  // --- indexes (derived in evolve from the records above)
  flat_map<std::string, branch_id> branch_by_code;
  flat_map<std::string, user_id> user_by_email;
  flat_map<std::string, category_id> category_by_name;
  flat_map<std::string, product_id> product_by_sku;
  flat_map<std::string, product_id> product_by_barcode;
  flat_map<std::string, supplier_id> supplier_by_code;
  flat_map<std::string, customer_id> customer_by_phone;
  flat_map<active_cart_key, cart_id, active_cart_key_hash> active_cart;
  flat_map<cart_line_id, cart_id> cart_of_line;
  flat_map<std::string, purchase_order_id> purchase_order_by_number;

  // Lookups (nullptr when absent).
  [[nodiscard]] const branch_record* find(branch_id id) const;
  [[nodiscard]] const user_record* find(user_id id) const;
  [[nodiscard]] const category_record* find(category_id id) const;
  [[nodiscard]] const product_record* find(product_id id) const;
  [[nodiscard]] const supplier_record* find(supplier_id id) const;
  [[nodiscard]] const customer_record* find(customer_id id) const;
  [[nodiscard]] const cart_record* find(cart_id id) const;
  [[nodiscard]] const sale_record* find(sale_id id) const;
  [[nodiscard]] const purchase_order_record* find(purchase_order_id id) const;

  [[nodiscard]] std::int32_t stock_of(branch_id branch, product_id product) const;

  // The active cart of (cashier, branch), or nullptr.
  [[nodiscard]] const cart_record* active_cart_of(user_id cashier, branch_id branch) const;

  // UUID text of an entity of this ledger.
  template <class Tag>
  [[nodiscard]] std::string uuid(entity_kind kind, id<Tag> entity) const {
    return format_uuid(ledger_namespace, kind, entity.value);
  }

  friend bool operator==(const write_model&, const write_model&) = default;
};

BOOST_DESCRIBE_STRUCT(branch_record, (), (id, code, name, address, phone, is_active, created_at_us, updated_at_us))
BOOST_DESCRIBE_STRUCT(user_record, (), (id, email, password_hash, full_name, phone, role, branch, is_active, has_refresh_token, refresh_token_hash, reset_token_hash, reset_expires_at_us, last_login_at_us, password_changed_at_us, password_reset_at_us, created_at_us, updated_at_us))
BOOST_DESCRIBE_STRUCT(category_record, (), (id, name, description, is_active, product_count, created_at_us, updated_at_us))
BOOST_DESCRIBE_STRUCT(product_record, (), (id, sku, barcode, name, description, unit, cost_price, selling_price, min_stock, tax_rate, category, is_active, created_at_us, updated_at_us))
BOOST_DESCRIBE_STRUCT(supplier_record, (), (id, code, name, contact_person, phone, email, address, is_active, created_at_us, updated_at_us))
BOOST_DESCRIBE_STRUCT(customer_record, (), (id, name, phone, email, total_points, total_spent, created_at_us, updated_at_us))
BOOST_DESCRIBE_STRUCT(loyalty_rule, (), (spend_per_point, point_value))
BOOST_DESCRIBE_STRUCT(cart_line_record, (), (id, product, quantity, unit_price, discount))
BOOST_DESCRIBE_STRUCT(cart_record, (), (id, cashier, branch, customer, lines, created_at_us, updated_at_us))
BOOST_DESCRIBE_STRUCT(sale_line_record, (), (id, product, quantity, returned_quantity, unit_price))
BOOST_DESCRIBE_STRUCT(sale_record, (), (id, invoice_number, branch, cashier, customer, total_amount, refunded_amount, status, created_at_us, return_deadline_us, lines))
BOOST_DESCRIBE_STRUCT(purchase_order_line_record, (), (id, product, quantity, received_quantity, unit_cost))
BOOST_DESCRIBE_STRUCT(purchase_order_record, (), (id, po_number, supplier, status, lines, created_at_us, updated_at_us))
BOOST_DESCRIBE_STRUCT(stock_key, (), (branch, product))
BOOST_DESCRIBE_STRUCT(active_cart_key, (), (cashier, branch))
// Indexes are not part of the description: snapshots store records and rebuild indexes.
BOOST_DESCRIBE_STRUCT(write_model, (), (initialized, ledger_namespace, currency, last_entity_number, document_counters, last_sequence, head_hash, last_recorded_at_us, settings, branches, users, categories, products, suppliers, customers, loyalty, stock, carts, sales, purchase_orders, transfer_count, adjustment_count, goods_receipt_count, return_count))

// Rebuilds every index of `model` from its records (after loading a snapshot).
void rebuild_indexes(write_model& model);

}  // namespace ledger::engine
