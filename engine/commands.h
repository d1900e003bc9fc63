#pragma once
// Commands: what callers ask the ledger to do. Each is a plain struct, described with
// Boost.Describe so generic code can digest (idempotency), print (tests) and compare them.
//
// Names are imperative (create_branch, check_out_cart). Values are already parsed and typed:
// money in hundredths, tax rates in hundredths of a percent, ids as entity numbers,
// passwords as argon2id hashes and tokens as SHA-256 hashes (hashing happens on API threads,
// never on the writer). A command never carries a time: the writer stamps each batch.
//
// Optional fields of update commands: std::nullopt = not given (keep the current value).
// A nested optional (update_user::branch) distinguishes "not given" from "set to none".
#include <boost/describe.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "events/envelope.h"
#include "events/event.h"
#include "events/ids.h"

namespace ledger::engine {

using events::hash256;
using events::payment_method;
using events::user_role;

// ------------------------------------------------------------------ ledger

// Creates the ledger (its UUID namespace) and its first SUPER_ADMIN user. Only valid on an
// empty ledger; the actor is the ledger itself (user 0).
struct initialize_ledger {
  std::uint64_t ledger_namespace = 0;
  std::string currency;
  std::string admin_email;
  std::string admin_password_hash;
  std::string admin_full_name;
};

struct set_system_setting {
  std::string key;
  std::string value;
  std::string group;
  std::string description;
};

// ------------------------------------------------------------------ branches

struct create_branch {
  std::string code;
  std::string name;
  std::string address;
  std::string phone;
};

struct update_branch {
  branch_id branch;
  std::optional<std::string> code;
  std::optional<std::string> name;
  std::optional<std::string> address;
  std::optional<std::string> phone;
};

struct toggle_branch_active {
  branch_id branch;
};

// ------------------------------------------------------------------ users and sessions

struct create_user {
  std::string email;
  std::string password_hash;
  std::string full_name;
  std::string phone;
  user_role role = user_role::CASHIER;
  std::optional<branch_id> branch;
};

// api-contract 6.1: full_name, phone and role apply only when non-empty; branch applies when
// given (nullopt inside = unassign); email when given and different; password when given.
struct update_user {
  user_id user;
  std::optional<std::string> email;
  std::optional<std::string> password_hash;
  std::optional<std::string> full_name;
  std::optional<std::string> phone;
  std::optional<user_role> role;
  std::optional<std::optional<branch_id>> branch;
};

struct toggle_user_active {
  user_id user;
};

// The actor changes their own password (the API has verified the current one).
struct change_password {
  std::string password_hash;
};

struct request_password_reset {
  std::string email;
  hash256 token_hash{};
};

struct reset_password {
  hash256 token_hash{};
  std::string password_hash;
};

// The API has verified the password against the user's stored hash.
struct log_in {
  user_id user;
  hash256 refresh_token_hash{};
};

// The actor logs out (revokes their refresh token).
struct log_out {};

struct refresh_session {
  user_id user;
  hash256 presented_token_hash{};
  hash256 new_token_hash{};
};

// ------------------------------------------------------------------ catalog

struct create_category {
  std::string name;
  std::string description;
};

struct update_category {
  category_id category;
  std::optional<std::string> name;
  std::optional<std::string> description;
};

struct delete_category {
  category_id category;
};

struct create_product {
  std::string sku;
  std::string barcode;
  std::string name;
  std::string description;
  std::string unit;                      // empty -> "cái"
  std::int64_t cost_price = 0;
  std::int64_t selling_price = 0;
  std::int32_t min_stock = 0;
  std::optional<std::uint32_t> tax_rate; // nullopt -> 8 %
  category_id category;
};

struct update_product {
  product_id product;
  std::optional<std::string> sku;
  std::optional<std::string> barcode;
  std::optional<std::string> name;
  std::optional<std::string> description;  // "" clears it
  std::optional<std::string> unit;
  std::optional<std::int64_t> cost_price;
  std::optional<std::int64_t> selling_price;
  std::optional<std::int32_t> min_stock;
  std::optional<std::uint32_t> tax_rate;
  std::optional<category_id> category;
};

struct toggle_product_active {
  product_id product;
};

struct create_supplier {
  std::string code;
  std::string name;
  std::string contact_person;
  std::string phone;
  std::string email;
  std::string address;
};

struct update_supplier {
  supplier_id supplier;
  std::optional<std::string> code;
  std::optional<std::string> name;
  std::optional<std::string> contact_person;
  std::optional<std::string> phone;
  std::optional<std::string> email;
  std::optional<std::string> address;
};

struct toggle_supplier_active {
  supplier_id supplier;
};

struct create_customer {
  std::string name;
  std::string phone;
  std::string email;
};

struct update_customer {
  customer_id customer;
  std::optional<std::string> name;
  std::optional<std::string> phone;
  std::optional<std::string> email;
};

struct set_loyalty_rule {
  std::int64_t spend_per_point = 0;
  std::int64_t point_value = 0;
};

// ------------------------------------------------------------------ inventory (actor's branch)

struct receive_stock {
  product_id product;
  std::int32_t quantity = 0;
  std::int64_t unit_cost = 0;
  supplier_id supplier;
  std::string reference;
  std::string note;
};

struct issue_stock {
  product_id product;
  std::int32_t quantity = 0;
  std::string reason;
  std::string note;
};

struct adjust_stock {
  product_id product;
  std::int32_t counted_quantity = 0;
  std::string reason;
};

struct transfer_stock_line {
  product_id product;
  std::int32_t quantity = 0;
};

struct transfer_stock {
  branch_id source;
  branch_id destination;
  std::vector<transfer_stock_line> lines;
  std::string notes;
};

// ------------------------------------------------------------------ point of sale

// Opens the actor's cart at the actor's branch if none is active (no event otherwise).
struct open_cart {};

struct add_cart_line {
  product_id product;
  std::int32_t quantity = 0;
};

// add_cart_line with quantity 1, finding the product by exact barcode.
struct scan_barcode {
  std::string barcode;
};

// quantity 0 removes the line.
struct change_cart_line_quantity {
  cart_line_id line;
  std::int32_t quantity = 0;
};

struct remove_cart_line {
  cart_line_id line;
};

// nullopt detaches the customer.
struct set_cart_customer {
  std::optional<customer_id> customer;
};

struct tender {
  payment_method method = payment_method::CASH;
  std::int64_t amount = 0;
  std::string reference;
};

struct check_out_cart {
  std::optional<customer_id> customer;  // overrides the cart's customer
  std::int64_t discount_amount = 0;
  std::string notes;
  std::vector<tender> tenders;
};

struct sale_request_line {
  product_id product;
  std::int32_t quantity = 0;
};

// A one-shot sale at the actor's branch at current prices (native API; offline tills).
struct record_sale {
  std::vector<sale_request_line> lines;
  std::optional<customer_id> customer;
  std::int64_t discount_amount = 0;
  std::string notes;
  std::vector<tender> tenders;
};

struct return_line_request {
  sale_line_id line;
  std::int32_t quantity = 0;
  std::string condition;  // empty -> "GOOD"
};

struct return_sale {
  sale_id sale;
  std::string reason;
  std::vector<return_line_request> lines;
};

struct cancel_sale {
  sale_id sale;
  std::string reason;
};

// ------------------------------------------------------------------ procurement

struct purchase_order_line_request {
  product_id product;
  std::int32_t quantity = 0;
  std::int64_t unit_cost = 0;
};

enum class purchase_order_start : std::uint8_t { pending_approval = 0, draft = 1 };

struct create_purchase_order {
  supplier_id supplier;
  std::vector<purchase_order_line_request> lines;
  std::string notes;
  purchase_order_start start = purchase_order_start::pending_approval;
  std::string po_number;  // empty -> generated PO-...; given -> an imported document number
};

struct submit_purchase_order {
  purchase_order_id purchase_order;
};

struct approve_purchase_order {
  purchase_order_id purchase_order;
};

struct reject_purchase_order {
  purchase_order_id purchase_order;
};

struct goods_receipt_line_request {
  purchase_order_line_id purchase_order_line;
  product_id product;
  std::int32_t quantity = 0;
  std::int64_t unit_cost = 0;
};

// Receives goods at the actor's branch.
struct receive_goods {
  purchase_order_id purchase_order;
  supplier_id supplier;
  std::vector<goods_receipt_line_request> lines;
  std::string notes;
};

#define LEDGER_COMMAND_TYPES(X) \
  X(initialize_ledger)          \
  X(set_system_setting)         \
  X(create_branch)              \
  X(update_branch)              \
  X(toggle_branch_active)       \
  X(create_user)                \
  X(update_user)                \
  X(toggle_user_active)         \
  X(change_password)            \
  X(request_password_reset)     \
  X(reset_password)             \
  X(log_in)                     \
  X(log_out)                    \
  X(refresh_session)            \
  X(create_category)            \
  X(update_category)            \
  X(delete_category)            \
  X(create_product)             \
  X(update_product)             \
  X(toggle_product_active)      \
  X(create_supplier)            \
  X(update_supplier)            \
  X(toggle_supplier_active)     \
  X(create_customer)            \
  X(update_customer)            \
  X(set_loyalty_rule)           \
  X(receive_stock)              \
  X(issue_stock)                \
  X(adjust_stock)               \
  X(transfer_stock)             \
  X(open_cart)                  \
  X(add_cart_line)              \
  X(scan_barcode)               \
  X(change_cart_line_quantity)  \
  X(remove_cart_line)           \
  X(set_cart_customer)          \
  X(check_out_cart)             \
  X(record_sale)                \
  X(return_sale)                \
  X(cancel_sale)                \
  X(create_purchase_order)      \
  X(submit_purchase_order)      \
  X(approve_purchase_order)     \
  X(reject_purchase_order)      \
  X(receive_goods)

#define LEDGER_COMMAND_ALTERNATIVE_(name) , name
using command = std::variant<std::monostate LEDGER_COMMAND_TYPES(LEDGER_COMMAND_ALTERNATIVE_)>;
#undef LEDGER_COMMAND_ALTERNATIVE_

// A command as submitted: who asks, the client's command id (empty = none; used for
// idempotency together with the actor), and the command.
struct command_request {
  user_id actor;
  std::string command_id;
  command body;
};

[[nodiscard]] std::string_view name_of(const command& c);

// Canonical bytes of a command (type index + every field, in declaration order); equal
// commands have equal bytes. Used for the idempotency digest.
[[nodiscard]] std::string canonical_bytes(const command& c);
[[nodiscard]] hash256 digest_of(const command& c);

BOOST_DESCRIBE_STRUCT(initialize_ledger, (), (ledger_namespace, currency, admin_email, admin_password_hash, admin_full_name))
BOOST_DESCRIBE_STRUCT(set_system_setting, (), (key, value, group, description))
BOOST_DESCRIBE_STRUCT(create_branch, (), (code, name, address, phone))
BOOST_DESCRIBE_STRUCT(update_branch, (), (branch, code, name, address, phone))
BOOST_DESCRIBE_STRUCT(toggle_branch_active, (), (branch))
BOOST_DESCRIBE_STRUCT(create_user, (), (email, password_hash, full_name, phone, role, branch))
BOOST_DESCRIBE_STRUCT(update_user, (), (user, email, password_hash, full_name, phone, role, branch))
BOOST_DESCRIBE_STRUCT(toggle_user_active, (), (user))
BOOST_DESCRIBE_STRUCT(change_password, (), (password_hash))
BOOST_DESCRIBE_STRUCT(request_password_reset, (), (email, token_hash))
BOOST_DESCRIBE_STRUCT(reset_password, (), (token_hash, password_hash))
BOOST_DESCRIBE_STRUCT(log_in, (), (user, refresh_token_hash))
BOOST_DESCRIBE_STRUCT(log_out, (), ())
BOOST_DESCRIBE_STRUCT(refresh_session, (), (user, presented_token_hash, new_token_hash))
BOOST_DESCRIBE_STRUCT(create_category, (), (name, description))
BOOST_DESCRIBE_STRUCT(update_category, (), (category, name, description))
BOOST_DESCRIBE_STRUCT(delete_category, (), (category))
BOOST_DESCRIBE_STRUCT(create_product, (), (sku, barcode, name, description, unit, cost_price, selling_price, min_stock, tax_rate, category))
BOOST_DESCRIBE_STRUCT(update_product, (), (product, sku, barcode, name, description, unit, cost_price, selling_price, min_stock, tax_rate, category))
BOOST_DESCRIBE_STRUCT(toggle_product_active, (), (product))
BOOST_DESCRIBE_STRUCT(create_supplier, (), (code, name, contact_person, phone, email, address))
BOOST_DESCRIBE_STRUCT(update_supplier, (), (supplier, code, name, contact_person, phone, email, address))
BOOST_DESCRIBE_STRUCT(toggle_supplier_active, (), (supplier))
BOOST_DESCRIBE_STRUCT(create_customer, (), (name, phone, email))
BOOST_DESCRIBE_STRUCT(update_customer, (), (customer, name, phone, email))
BOOST_DESCRIBE_STRUCT(set_loyalty_rule, (), (spend_per_point, point_value))
BOOST_DESCRIBE_STRUCT(receive_stock, (), (product, quantity, unit_cost, supplier, reference, note))
BOOST_DESCRIBE_STRUCT(issue_stock, (), (product, quantity, reason, note))
BOOST_DESCRIBE_STRUCT(adjust_stock, (), (product, counted_quantity, reason))
BOOST_DESCRIBE_STRUCT(transfer_stock_line, (), (product, quantity))
BOOST_DESCRIBE_STRUCT(transfer_stock, (), (source, destination, lines, notes))
BOOST_DESCRIBE_STRUCT(open_cart, (), ())
BOOST_DESCRIBE_STRUCT(add_cart_line, (), (product, quantity))
BOOST_DESCRIBE_STRUCT(scan_barcode, (), (barcode))
BOOST_DESCRIBE_STRUCT(change_cart_line_quantity, (), (line, quantity))
BOOST_DESCRIBE_STRUCT(remove_cart_line, (), (line))
BOOST_DESCRIBE_STRUCT(set_cart_customer, (), (customer))
BOOST_DESCRIBE_STRUCT(tender, (), (method, amount, reference))
BOOST_DESCRIBE_STRUCT(check_out_cart, (), (customer, discount_amount, notes, tenders))
BOOST_DESCRIBE_STRUCT(sale_request_line, (), (product, quantity))
BOOST_DESCRIBE_STRUCT(record_sale, (), (lines, customer, discount_amount, notes, tenders))
BOOST_DESCRIBE_STRUCT(return_line_request, (), (line, quantity, condition))
BOOST_DESCRIBE_STRUCT(return_sale, (), (sale, reason, lines))
BOOST_DESCRIBE_STRUCT(cancel_sale, (), (sale, reason))
BOOST_DESCRIBE_STRUCT(purchase_order_line_request, (), (product, quantity, unit_cost))
BOOST_DESCRIBE_STRUCT(create_purchase_order, (), (supplier, lines, notes, start, po_number))
BOOST_DESCRIBE_STRUCT(submit_purchase_order, (), (purchase_order))
BOOST_DESCRIBE_STRUCT(approve_purchase_order, (), (purchase_order))
BOOST_DESCRIBE_STRUCT(reject_purchase_order, (), (purchase_order))
BOOST_DESCRIBE_STRUCT(goods_receipt_line_request, (), (purchase_order_line, product, quantity, unit_cost))
BOOST_DESCRIBE_STRUCT(receive_goods, (), (purchase_order, supplier, lines, notes))

}  // namespace ledger::engine
