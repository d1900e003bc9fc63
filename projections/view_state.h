#pragma once
// The read side's state: every query view, folded from the committed event log.
//
// A view_state is a pure function of a log prefix: fold(events 1..N) gives the views "as of"
// sequence N, whether the events arrive live from the writer, from a catch-up read of the
// `events` column family, or from a rebuild (projections/fold.h). Nothing here reads a clock.
//
// Sections. The state is split into named projections, each with its own checkpoint (the last
// sequence it applied). An event at or below a section's checkpoint is skipped by that section,
// so re-applying events changes nothing, and one section can be dropped and rebuilt while the
// others stay (`posledger rebuild --view NAME`):
//
//   catalog      the current state of every record (branches, users, categories, products,
//                suppliers, customers, stock levels, open carts), folded by the same
//                engine::evolve the writer uses, plus stock-row metadata, running inventory
//                totals for the dashboard and the product search order
//   sales        every sale with its lines, payments, returns and cancellation; per-day
//                totals of COMPLETED sales (the contract's report semantics)
//   inventory    the stock ledger (inventory movements), transfers, stock counts
//   procurement  purchase orders and goods receipts
//   loyalty      loyalty point transactions per customer
//   audit        the audit trail (contract section 11), one entry per audited event
//
// Only `audit` reads another section while folding (the catalog, for "old values"); fold.cpp
// applies it before the catalog so it sees the state before the event.
//
// Where rows live. DESIGN.md section 4 puts large growing views in RocksDB; these views are
// held in memory as compact structs and snapshotted (projections/view_snapshot.h): at the
// sizes the issue sets (5 million events) they take a few hundred MB, fold at memory speed and
// answer every report by scanning contiguous vectors. docs/architecture.md gives the sizes.
//
// Ids shown to clients come from the records' entity numbers (events/ids.h); rows that the
// projections derive (stock ledger rows, loyalty rows, audit entries, transfer items, stock
// rows) get numbers from the event sequence, so they are stable across rebuilds.
//
// Thread-safety: plain data. projections/projector.h guards the live instance with a
// reader/writer lock; time-travel queries build private instances.
#include <array>
#include <boost/describe.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/write_model.h"
#include "events/event.h"
#include "events/ids.h"

namespace ledger::projections {

using engine::flat_map;
using events::payment_method;
using events::purchase_order_status;
using events::sale_status;
using events::user_role;
using events::hash256;

// Entity kinds of derived rows (events/ids.h reserves 100 and up for them).
inline constexpr entity_kind transfer_item_kind = static_cast<entity_kind>(103);
inline constexpr entity_kind stock_row_kind = static_cast<entity_kind>(104);

// The number of a row derived from line `index` of the event at `sequence`.
[[nodiscard]] constexpr std::uint64_t derived_row_number(std::uint64_t sequence,
                                                         std::uint32_t index) {
  return (sequence << 16) | index;
}

enum class section : std::uint8_t { catalog, sales, inventory, procurement, loyalty, audit };
inline constexpr std::size_t section_count = 6;
[[nodiscard]] std::string_view name_of(section s);

// ------------------------------------------------------------------ catalog

struct stock_row_meta {
  std::uint64_t ordinal = 0;  // creation order: the stock row's id number
  std::int64_t created_at_us = 0;
  std::int64_t updated_at_us = 0;
  friend bool operator==(const stock_row_meta&, const stock_row_meta&) = default;
};

// Σ over stock rows of active products at one branch (dashboard, contract 10.6).
struct inventory_totals {
  std::int64_t cost_value = 0;    // Σ quantity × costPrice
  std::int64_t retail_value = 0;  // Σ quantity × sellingPrice
  std::int64_t quantity = 0;
  std::int32_t low_stock_rows = 0;  // minStock > 0 and quantity <= minStock
  friend bool operator==(const inventory_totals&, const inventory_totals&) = default;
};

struct catalog_view {
  std::uint64_t checkpoint = 0;
  engine::write_model model;  // folded by engine::evolve: the same facts as the writer's
  flat_map<engine::stock_key, stock_row_meta, engine::stock_key_hash> stock_rows;
  std::uint64_t stock_row_count = 0;
  flat_map<branch_id, inventory_totals> inventory;  // per branch, incrementally maintained
  std::int32_t active_products = 0;

  // Derived (not snapshotted; rebuilt by finish_batch() and after loading): product ids in
  // search order (folded name, then name bytes, then id) and their folded search keys.
  std::vector<product_id> products_by_name;
  flat_map<product_id, std::string> folded_names;
  bool search_order_dirty = false;

  friend bool operator==(const catalog_view& a, const catalog_view& b) {
    return a.checkpoint == b.checkpoint && a.model == b.model && a.stock_rows == b.stock_rows &&
           a.stock_row_count == b.stock_row_count && a.inventory == b.inventory &&
           a.active_products == b.active_products;
  }
};

// ------------------------------------------------------------------ sales

struct sale_line_view {
  sale_line_id id;
  product_id product;
  std::int32_t quantity = 0;
  std::int32_t returned_quantity = 0;
  std::uint32_t tax_rate = 0;
  std::int64_t unit_price = 0;
  std::int64_t cost_price = 0;
  std::int64_t discount = 0;  // per unit
  std::int64_t subtotal = 0;
  friend bool operator==(const sale_line_view&, const sale_line_view&) = default;
};

struct payment_view {
  payment_id id;
  payment_method method = payment_method::CASH;
  std::int64_t amount = 0;
  std::int64_t change_due = 0;
  std::string reference;
  friend bool operator==(const payment_view&, const payment_view&) = default;
};

struct sale_view {
  sale_id id;
  std::uint64_t sequence = 0;  // of its sale_completed event
  std::string invoice_number;
  cart_id cart;
  branch_id branch;
  user_id cashier;
  customer_id customer;
  std::int64_t subtotal = 0;
  std::int64_t tax_amount = 0;
  std::int64_t discount_amount = 0;
  std::int64_t total_amount = 0;
  std::int64_t total_cost = 0;      // Σ quantity × costPrice (COGS at sale time)
  std::int32_t total_quantity = 0;  // Σ line quantities
  std::string notes;
  sale_status status = sale_status::COMPLETED;
  std::int64_t created_at_us = 0;
  std::int64_t updated_at_us = 0;
  std::int64_t return_deadline_us = 0;
  user_id cancelled_by;
  std::int64_t cancelled_at_us = 0;
  std::string cancel_reason;
  std::int64_t refunded_amount = 0;  // Σ refunds of its returns
  std::vector<sale_line_view> lines;
  std::vector<payment_view> payments;
  std::vector<return_id> returns;
  friend bool operator==(const sale_view&, const sale_view&) = default;
};

struct return_line_view {
  sale_line_id sale_line;
  product_id product;
  std::int32_t quantity = 0;
  std::int64_t refund_amount = 0;
  std::int64_t cost = 0;  // quantity × the sale line's costPrice
  std::string condition;
  friend bool operator==(const return_line_view&, const return_line_view&) = default;
};

struct return_view {
  return_id id;
  std::uint64_t sequence = 0;
  std::string return_number;
  sale_id sale;
  branch_id branch;
  customer_id customer;
  user_id processed_by;
  std::string reason;
  std::int64_t total_refund = 0;
  std::int64_t total_cost = 0;  // cost of the units taken back
  sale_status sale_status_after = sale_status::COMPLETED;
  std::int64_t created_at_us = 0;
  std::vector<return_line_view> lines;
  friend bool operator==(const return_view&, const return_view&) = default;
};

// A voided invoice: what it took out of net revenue and COGS when it was cancelled.
struct cancellation_view {
  sale_id sale;
  std::uint64_t sequence = 0;
  branch_id branch;
  user_id cancelled_by;
  std::int64_t at_us = 0;
  std::int64_t reversed_amount = 0;    // total − refunds before the cancellation
  std::int64_t reversed_cost = 0;      // cost of the units restocked
  std::int32_t restocked_quantity = 0;
  friend bool operator==(const cancellation_view&, const cancellation_view&) = default;
};

struct hour_totals {
  std::int64_t count = 0;
  std::int64_t revenue = 0;
  friend bool operator==(const hour_totals&, const hour_totals&) = default;
};

// COMPLETED sales of one branch on one UTC day (a sale leaving COMPLETED is taken out again).
struct day_totals {
  std::int64_t count = 0;
  std::int64_t revenue = 0;  // Σ totalAmount
  std::int64_t cost = 0;     // Σ quantity × costPrice
  std::int64_t items = 0;    // Σ quantities
  std::array<hour_totals, 24> hours{};
  friend bool operator==(const day_totals&, const day_totals&) = default;
};

struct day_key {
  branch_id branch;
  std::int64_t day = 0;  // days since 1970-01-01 (UTC)
  friend bool operator==(const day_key&, const day_key&) = default;
};

struct day_key_hash {
  std::size_t operator()(const day_key& key) const noexcept {
    return static_cast<std::size_t>((key.branch.value * 0x9E3779B97F4A7C15ull) ^
                                    static_cast<std::uint64_t>(key.day));
  }
};

struct sales_view {
  std::uint64_t checkpoint = 0;
  std::vector<sale_view> sales;  // in sequence order, which is also createdAt order
  flat_map<sale_id, std::uint32_t> sale_index;
  std::vector<return_view> returns;  // in sequence order
  flat_map<return_id, std::uint32_t> return_index;
  std::vector<cancellation_view> cancellations;  // in sequence order
  flat_map<customer_id, std::vector<std::uint32_t>> sales_by_customer;  // sale positions, oldest first
  flat_map<branch_id, std::int64_t> sales_by_branch;                    // any status
  flat_map<day_key, day_totals, day_key_hash> completed_by_day;

  [[nodiscard]] const sale_view* find(sale_id id) const;
  [[nodiscard]] const return_view* find(return_id id) const;
  friend bool operator==(const sales_view&, const sales_view&) = default;
};

// ------------------------------------------------------------------ inventory

// The ledger `type` of a stock movement (contract section 7).
enum class movement_type : std::uint8_t {
  STOCK_IN = 0,
  STOCK_OUT = 1,
  SALE = 2,
  RETURN = 3,
  ADJUSTMENT = 4,
  TRANSFER_IN = 5,
  TRANSFER_OUT = 6,
};
[[nodiscard]] std::string_view name_of(movement_type type);

// What produced a movement; decides how its reference and note are rendered.
enum class movement_source : std::uint8_t {
  stock_in = 0,       // document = index into inventory_view::texts
  stock_out = 1,      // document = index into inventory_view::texts
  adjustment = 2,     // document = adjustment id
  transfer = 3,       // document = transfer id
  sale = 4,           // document = sale id
  sale_return = 5,    // document = return id
  cancellation = 6,   // document = sale id
  goods_receipt = 7,  // document = goods receipt id
};

struct movement {
  std::uint64_t number = 0;  // derived_row_number(sequence, index within the event)
  std::int64_t at_us = 0;
  user_id user;
  branch_id branch;
  product_id product;
  std::int32_t quantity = 0;  // signed: + into stock, − out of stock
  movement_type type = movement_type::STOCK_IN;
  movement_source source = movement_source::stock_in;
  std::uint64_t document = 0;
  friend bool operator==(const movement&, const movement&) = default;
};

struct movement_text {
  std::string reference;
  std::string note;
  friend bool operator==(const movement_text&, const movement_text&) = default;
};

struct transfer_item_view {
  std::uint64_t number = 0;  // derived_row_number
  product_id product;
  std::int32_t quantity = 0;
  friend bool operator==(const transfer_item_view&, const transfer_item_view&) = default;
};

struct transfer_view {
  transfer_id id;
  std::uint64_t sequence = 0;
  std::string reference_number;
  branch_id source;
  branch_id destination;
  user_id requested_by;
  std::string notes;
  std::int64_t created_at_us = 0;
  std::vector<transfer_item_view> items;
  friend bool operator==(const transfer_view&, const transfer_view&) = default;
};

struct adjustment_view {
  adjustment_id id;
  branch_id branch;
  product_id product;
  user_id user;
  std::int32_t system_quantity = 0;
  std::int32_t counted_quantity = 0;
  std::string reason;
  std::int64_t at_us = 0;
  friend bool operator==(const adjustment_view&, const adjustment_view&) = default;
};

struct inventory_view {
  std::uint64_t checkpoint = 0;
  std::vector<movement> movements;  // in sequence order
  flat_map<branch_id, std::vector<std::uint32_t>> movements_by_branch;
  std::vector<movement_text> texts;
  std::vector<transfer_view> transfers;  // in sequence order
  flat_map<transfer_id, std::uint32_t> transfer_index;
  std::vector<adjustment_view> adjustments;
  flat_map<adjustment_id, std::uint32_t> adjustment_index;

  [[nodiscard]] const transfer_view* find(transfer_id id) const;
  [[nodiscard]] const adjustment_view* find(adjustment_id id) const;
  friend bool operator==(const inventory_view&, const inventory_view&) = default;
};

// ------------------------------------------------------------------ procurement

struct purchase_order_line_view {
  purchase_order_line_id id;
  product_id product;
  std::int32_t quantity = 0;
  std::int32_t received_quantity = 0;
  std::int64_t unit_cost = 0;
  std::int64_t line_total = 0;
  friend bool operator==(const purchase_order_line_view&, const purchase_order_line_view&) = default;
};

struct purchase_order_view {
  purchase_order_id id;
  std::string po_number;
  supplier_id supplier;
  purchase_order_status status = purchase_order_status::PENDING_APPROVAL;
  std::string notes;
  std::int64_t total_cost = 0;
  user_id created_by;
  user_id approved_by;
  std::int64_t approved_at_us = 0;
  std::int64_t created_at_us = 0;
  std::int64_t updated_at_us = 0;
  std::vector<purchase_order_line_view> lines;
  std::vector<goods_receipt_id> receipts;
  friend bool operator==(const purchase_order_view&, const purchase_order_view&) = default;
};

struct goods_receipt_line_view {
  goods_receipt_line_id id;
  purchase_order_line_id purchase_order_line;
  product_id product;
  std::int32_t quantity = 0;
  std::int64_t unit_cost = 0;
  std::int64_t line_total = 0;
  friend bool operator==(const goods_receipt_line_view&, const goods_receipt_line_view&) = default;
};

struct goods_receipt_view {
  goods_receipt_id id;
  std::string receipt_number;
  purchase_order_id purchase_order;
  supplier_id supplier;
  branch_id branch;
  user_id received_by;
  std::string notes;
  std::int64_t created_at_us = 0;
  std::vector<goods_receipt_line_view> lines;
  friend bool operator==(const goods_receipt_view&, const goods_receipt_view&) = default;
};

struct procurement_view {
  std::uint64_t checkpoint = 0;
  std::vector<purchase_order_view> orders;  // creation order
  flat_map<purchase_order_id, std::uint32_t> order_index;
  std::vector<goods_receipt_view> receipts;  // creation order
  flat_map<goods_receipt_id, std::uint32_t> receipt_index;
  flat_map<supplier_id, std::vector<std::uint32_t>> orders_by_supplier;
  flat_map<supplier_id, std::int64_t> receipts_by_supplier;

  [[nodiscard]] const purchase_order_view* find(purchase_order_id id) const;
  [[nodiscard]] const goods_receipt_view* find(goods_receipt_id id) const;
  friend bool operator==(const procurement_view&, const procurement_view&) = default;
};

// ------------------------------------------------------------------ loyalty

struct loyalty_txn_view {
  std::uint64_t number = 0;  // derived_row_number(sequence, 0)
  customer_id customer;
  sale_id sale;              // set for EARNED only (contract 8.14)
  std::int32_t points = 0;   // signed: + earned, − deducted
  std::string reference;
  std::int64_t at_us = 0;
  friend bool operator==(const loyalty_txn_view&, const loyalty_txn_view&) = default;
};

struct loyalty_view {
  std::uint64_t checkpoint = 0;
  std::vector<loyalty_txn_view> txns;  // in sequence order
  flat_map<customer_id, std::vector<std::uint32_t>> by_customer;
  friend bool operator==(const loyalty_view&, const loyalty_view&) = default;
};

// ------------------------------------------------------------------ audit

enum class audit_action : std::uint8_t {
  CREATE = 0,
  UPDATE = 1,
  ACTIVATE = 2,
  DEACTIVATE = 3,
  DELETE = 4,
  STOCK_IN = 5,
  STOCK_OUT = 6,
  ADJUSTMENT = 7,
  TRANSFER = 8,
  CHECKOUT = 9,
  RETURN = 10,
  CANCEL_INVOICE = 11,
  CREATE_PO = 12,
  APPROVE_PO = 13,
  REJECT_PO = 14,
  GOODS_RECEIPT = 15,
  LOGIN = 16,
  LOGOUT = 17,
  PASSWORD_CHANGE = 18,
  PASSWORD_RESET = 19,
  SUBMIT_PO = 20,
};
inline constexpr std::size_t audit_action_count = 21;
[[nodiscard]] std::string_view name_of(audit_action action);

enum class audit_entity : std::uint8_t {
  User = 0,
  Branch = 1,
  Category = 2,
  Product = 3,
  Supplier = 4,
  Customer = 5,
  Inventory = 6,
  Sale = 7,
  PurchaseOrder = 8,
};
inline constexpr std::size_t audit_entity_count = 9;
[[nodiscard]] std::string_view name_of(audit_entity entity);

// One audit row (contract 11.1). Values are stored JSON text; empty = null. Entries of sales
// (CHECKOUT, RETURN, CANCEL_INVOICE) keep new_value empty and are rendered from the sales view
// at query time (`detail` = the return id of a RETURN), which keeps the fold cheap.
struct audit_entry {
  std::uint64_t sequence = 0;  // the event's sequence: also the entry's id number
  std::int64_t at_us = 0;
  user_id user;
  branch_id actor_branch;  // the actor's branch when the event was recorded
  audit_action action = audit_action::CREATE;
  audit_entity entity = audit_entity::User;
  entity_kind id_kind = entity_kind::user;
  std::uint64_t entity_number = 0;
  std::uint64_t detail = 0;
  std::string old_value;
  std::string new_value;
  friend bool operator==(const audit_entry&, const audit_entry&) = default;
};

struct audit_view {
  std::uint64_t checkpoint = 0;
  std::vector<audit_entry> entries;  // in sequence order
  friend bool operator==(const audit_view&, const audit_view&) = default;
};

// ------------------------------------------------------------------ all views

struct view_state {
  catalog_view catalog;
  sales_view sales;
  inventory_view inventory;
  procurement_view procurement;
  loyalty_view loyalty;
  audit_view audit;

  // The sequence every section has applied (the read-your-writes watermark).
  [[nodiscard]] std::uint64_t applied() const;
  [[nodiscard]] std::uint64_t checkpoint(section s) const;
  // UUID text of an entity or derived row.
  [[nodiscard]] std::string uuid(entity_kind kind, std::uint64_t number) const {
    return format_uuid(catalog.model.ledger_namespace, kind, number);
  }
  template <class Tag>
  [[nodiscard]] std::string uuid(entity_kind kind, id<Tag> entity) const {
    return uuid(kind, entity.value);
  }
  friend bool operator==(const view_state&, const view_state&) = default;
};

BOOST_DESCRIBE_STRUCT(stock_row_meta, (), (ordinal, created_at_us, updated_at_us))
BOOST_DESCRIBE_STRUCT(inventory_totals, (), (cost_value, retail_value, quantity, low_stock_rows))
BOOST_DESCRIBE_STRUCT(catalog_view, (), (checkpoint, model, stock_rows, stock_row_count, inventory, active_products))
BOOST_DESCRIBE_STRUCT(sale_line_view, (), (id, product, quantity, returned_quantity, tax_rate, unit_price, cost_price, discount, subtotal))
BOOST_DESCRIBE_STRUCT(payment_view, (), (id, method, amount, change_due, reference))
BOOST_DESCRIBE_STRUCT(sale_view, (), (id, sequence, invoice_number, cart, branch, cashier, customer, subtotal, tax_amount, discount_amount, total_amount, total_cost, total_quantity, notes, status, created_at_us, updated_at_us, return_deadline_us, cancelled_by, cancelled_at_us, cancel_reason, refunded_amount, lines, payments, returns))
BOOST_DESCRIBE_STRUCT(return_line_view, (), (sale_line, product, quantity, refund_amount, cost, condition))
BOOST_DESCRIBE_STRUCT(return_view, (), (id, sequence, return_number, sale, branch, customer, processed_by, reason, total_refund, total_cost, sale_status_after, created_at_us, lines))
BOOST_DESCRIBE_STRUCT(cancellation_view, (), (sale, sequence, branch, cancelled_by, at_us, reversed_amount, reversed_cost, restocked_quantity))
BOOST_DESCRIBE_STRUCT(hour_totals, (), (count, revenue))
BOOST_DESCRIBE_STRUCT(day_totals, (), (count, revenue, cost, items, hours))
BOOST_DESCRIBE_STRUCT(day_key, (), (branch, day))
// Indexes (sale_index, return_index, ...) are rebuilt from the vectors after loading.
BOOST_DESCRIBE_STRUCT(sales_view, (), (checkpoint, sales, returns, cancellations, sales_by_branch, completed_by_day))
BOOST_DESCRIBE_STRUCT(movement, (), (number, at_us, user, branch, product, quantity, type, source, document))
BOOST_DESCRIBE_STRUCT(movement_text, (), (reference, note))
BOOST_DESCRIBE_STRUCT(transfer_item_view, (), (number, product, quantity))
BOOST_DESCRIBE_STRUCT(transfer_view, (), (id, sequence, reference_number, source, destination, requested_by, notes, created_at_us, items))
BOOST_DESCRIBE_STRUCT(adjustment_view, (), (id, branch, product, user, system_quantity, counted_quantity, reason, at_us))
BOOST_DESCRIBE_STRUCT(inventory_view, (), (checkpoint, movements, texts, transfers, adjustments))
BOOST_DESCRIBE_STRUCT(purchase_order_line_view, (), (id, product, quantity, received_quantity, unit_cost, line_total))
BOOST_DESCRIBE_STRUCT(purchase_order_view, (), (id, po_number, supplier, status, notes, total_cost, created_by, approved_by, approved_at_us, created_at_us, updated_at_us, lines, receipts))
BOOST_DESCRIBE_STRUCT(goods_receipt_line_view, (), (id, purchase_order_line, product, quantity, unit_cost, line_total))
BOOST_DESCRIBE_STRUCT(goods_receipt_view, (), (id, receipt_number, purchase_order, supplier, branch, received_by, notes, created_at_us, lines))
BOOST_DESCRIBE_STRUCT(procurement_view, (), (checkpoint, orders, receipts))
BOOST_DESCRIBE_STRUCT(loyalty_txn_view, (), (number, customer, sale, points, reference, at_us))
BOOST_DESCRIBE_STRUCT(loyalty_view, (), (checkpoint, txns))
BOOST_DESCRIBE_STRUCT(audit_entry, (), (sequence, at_us, user, actor_branch, action, entity, id_kind, entity_number, detail, old_value, new_value))
BOOST_DESCRIBE_STRUCT(audit_view, (), (checkpoint, entries))
BOOST_DESCRIBE_STRUCT(view_state, (), (catalog, sales, inventory, procurement, loyalty, audit))

// Rebuilds every index of every section from its vectors (after loading a snapshot).
void rebuild_indexes(view_state& state);

}  // namespace ledger::projections
