// catalog_queries: reads of the catalog and its people (projections/catalog_queries.h).
#include "projections/catalog_queries.h"

#include <algorithm>
#include <limits>
#include <tuple>
#include <vector>

#include "events/assert.h"
#include "projections/text_fold.h"

namespace ledger::projections {
namespace {

using engine::branch_record;
using engine::category_record;
using engine::customer_record;
using engine::product_record;
using engine::supplier_record;
using engine::user_record;

// Caps and fixed sizes of the contract (sections 6.1, 6.4, 6.5, 6.6).
constexpr std::int64_t users_limit_max = 100;
constexpr std::int64_t products_limit_max = 100;
constexpr std::int64_t products_limit_default = 20;
constexpr std::size_t supplier_orders_shown = 10;
constexpr std::size_t customer_sales_by_phone = 5;
constexpr std::size_t customer_sales_by_id = 10;

std::string_view role_name(user_role role) { return events::wire::EnumNameuser_role(role); }

// The UUID of `entity`, or null when it is 0 (a nullable reference column).
// ASCII case-insensitive substring test; `needle_lower` is already lowered (ascii_lower).
bool contains_ascii_ci(std::string_view haystack, std::string_view needle_lower) {
  if (needle_lower.empty()) return true;
  if (needle_lower.size() > haystack.size()) return false;
  const auto lower = [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  };
  return std::search(haystack.begin(), haystack.end(), needle_lower.begin(), needle_lower.end(),
                     [&](char h, char n) { return lower(h) == n; }) != haystack.end();
}

// Newest first: createdAt descending, then id descending (records created in one batch share
// a time; the entity counter orders them as they were created).
template <class Record>
bool newest_first(const Record* a, const Record* b) {
  if (a->created_at_us != b->created_at_us) return a->created_at_us > b->created_at_us;
  return a->id > b->id;
}

// Orders `rows` just enough that [offset, offset + limit) holds the right records in order.
template <class Record>
void order_page(std::vector<const Record*>& rows, std::int64_t offset, std::int64_t limit) {
  const auto total = static_cast<std::int64_t>(rows.size());
  if (limit == 0 || offset >= total) return;
  const std::int64_t end = (limit >= total - offset) ? total : offset + limit;
  std::partial_sort(rows.begin(), rows.begin() + end, rows.end(), newest_first<Record>);
}

// The page [offset, offset + limit) of `rows` (already ordered by order_page).
template <class Record, class Write>
void write_page_items(json_writer& json, const std::vector<const Record*>& rows,
                      std::int64_t offset, std::int64_t limit, const Write& write) {
  json.key("data").begin_array();
  const auto total = static_cast<std::int64_t>(rows.size());
  if (limit > 0 && offset < total) {
    const std::int64_t end = (limit >= total - offset) ? total : offset + limit;
    for (std::int64_t i = offset; i < end; ++i) write(*rows[static_cast<std::size_t>(i)]);
  }
  json.end_array();
}

// Name order of the catalog (folded name, name bytes, id) for small record sets.
template <class Record>
struct named {
  std::string folded;
  const Record* record;
};

template <class Record>
void sort_by_name(std::vector<named<Record>>& rows) {
  std::sort(rows.begin(), rows.end(), [](const named<Record>& a, const named<Record>& b) {
    return std::tie(a.folded, a.record->name, a.record->id) <
           std::tie(b.folded, b.record->name, b.record->id);
  });
}

// Branches in code order (a handful: sorted per query).
std::vector<const branch_record*> branches_by_code(const view_state& state) {
  std::vector<const branch_record*> branches;
  branches.reserve(state.catalog.model.branches.size());
  for (const auto& [id, branch] : state.catalog.model.branches) branches.push_back(&branch);
  std::sort(branches.begin(), branches.end(), [](const branch_record* a, const branch_record* b) {
    return std::tie(a->code, a->id) < std::tie(b->code, b->id);
  });
  return branches;
}

// ------------------------------------------------------------------ users

enum class with_updated_at : bool { no = false, yes = true };

// The item of GET /api/users (and, with updatedAt, of GET /api/users/:id).
void write_user_item(json_writer& json, const view_state& state, const user_record& user,
                     with_updated_at updated) {
  json.begin_object()
      .string_field("id", state.uuid(entity_kind::user, user.id))
      .string_field("email", user.email)
      .string_field("fullName", user.full_name)
      .optional_string_field("phone", user.phone)
      .string_field("role", role_name(user.role));
  optional_uuid_field(json, state, "branchId", entity_kind::branch, user.branch);
  json.key("branch");
  branch_ref(json, state, user.branch, branch_members::id_name_code);
  json.boolean_field("isActive", user.is_active)
      .optional_time_field("lastLoginAt", user.last_login_at_us)
      .time_field("createdAt", user.created_at_us);
  if (updated == with_updated_at::yes) json.time_field("updatedAt", user.updated_at_us);
  json.end_object();
}

const query_error manager_without_branch{403, "Branch manager must be assigned to a branch"};

// ------------------------------------------------------------------ products

enum class with_branch_code : bool { no = false, yes = true };

// ProductRow + category {id, name} (the members, no braces).
void write_product_with_category(json_writer& json, const view_state& state,
                                 const product_record& product) {
  write_product_row(json, state, product);
  json.key("category");
  const category_record* category = state.catalog.model.find(product.category);
  if (category == nullptr) {
    json.null();  // unreachable: a category with products cannot be deleted
    return;
  }
  json.begin_object()
      .string_field("id", state.uuid(entity_kind::category, category->id))
      .string_field("name", category->name)
      .end_object();
}

// inventoryStocks: one entry per branch with a stock row of the product, in branch code order.
void write_inventory_stocks(json_writer& json, const view_state& state,
                            const product_record& product,
                            const std::vector<const branch_record*>& branches,
                            with_branch_code code) {
  const catalog_view& catalog = state.catalog;
  json.key("inventoryStocks").begin_array();
  for (const branch_record* branch : branches) {
    const engine::stock_key key{branch->id, product.id};
    if (!catalog.stock_rows.contains(key)) continue;
    json.begin_object()
        .string_field("branchId", state.uuid(entity_kind::branch, branch->id))
        .integer_field("quantity", catalog.model.stock_of(branch->id, product.id))
        .key("branch")
        .begin_object()
        .string_field("name", branch->name);
    if (code == with_branch_code::yes) json.string_field("code", branch->code);
    json.end_object().end_object();
  }
  json.end_array();
}

// The item of product search and barcode lookup (and, with branch codes, of GET by id).
void write_product_item(json_writer& json, const view_state& state, const product_record& product,
                        const std::vector<const branch_record*>& branches,
                        with_branch_code code) {
  json.begin_object();
  write_product_with_category(json, state, product);
  write_inventory_stocks(json, state, product, branches, code);
  json.end_object();
}

// ------------------------------------------------------------------ customers

// SaleRow + items [SaleItemRow + product {name}] + payments [PaymentRow].
void write_sale_with_lines(json_writer& json, const view_state& state, const sale_view& sale) {
  json.begin_object();
  write_sale_row(json, state, sale);
  json.key("items").begin_array();
  for (const sale_line_view& line : sale.lines) {
    json.begin_object();
    write_sale_item_row(json, state, sale, line);
    json.key("product");
    const product_record* product = state.catalog.model.find(line.product);
    if (product == nullptr) {
      json.null();  // unreachable: products are never deleted
    } else {
      json.begin_object().string_field("name", product->name).end_object();
    }
    json.end_object();
  }
  json.end_array();
  json.key("payments").begin_array();
  for (const payment_view& payment : sale.payments) {
    json.begin_object();
    write_payment_row(json, state, sale, payment);
    json.end_object();
  }
  json.end_array();
  json.end_object();
}

enum class with_loyalty : bool { no = false, yes = true };

// CustomerRow + sales (the `sales_max` most recent) [+ loyaltyTxns, all, newest first].
std::string customer_detail(const view_state& state, const customer_record& customer,
                            std::size_t sales_max, with_loyalty loyalty) {
  json_writer json;
  json.begin_object();
  write_customer_row(json, state, customer);
  json.key("sales").begin_array();
  if (const auto it = state.sales.sales_by_customer.find(customer.id);
      it != state.sales.sales_by_customer.end()) {
    const std::vector<std::uint32_t>& positions = it->second;  // oldest first
    std::size_t written = 0;
    for (auto position = positions.rbegin(); position != positions.rend() && written < sales_max;
         ++position, ++written) {
      LEDGER_ASSERT(*position < state.sales.sales.size(), "customer sale position {} out of range",
                    *position);
      write_sale_with_lines(json, state, state.sales.sales[*position]);
    }
  }
  json.end_array();
  if (loyalty == with_loyalty::yes) {
    json.key("loyaltyTxns").begin_array();
    if (const auto it = state.loyalty.by_customer.find(customer.id);
        it != state.loyalty.by_customer.end()) {
      for (auto position = it->second.rbegin(); position != it->second.rend(); ++position) {
        LEDGER_ASSERT(*position < state.loyalty.txns.size(),
                      "loyalty position {} out of range", *position);
        json.begin_object();
        write_loyalty_txn_row(json, state, state.loyalty.txns[*position]);
        json.end_object();
      }
    }
    json.end_array();
  }
  json.end_object();
  return json.take();
}

}  // namespace

// ------------------------------------------------------------------ paging

std::int64_t page_offset(std::int64_t page, std::int64_t limit) {
  if (page <= 1 || limit <= 0) return 0;
  if (page - 1 > std::numeric_limits<std::int64_t>::max() / limit) {
    return std::numeric_limits<std::int64_t>::max();
  }
  return (page - 1) * limit;
}

void write_page_fields(json_writer& json, std::int64_t total, std::int64_t page,
                       std::int64_t limit) {
  json.integer_field("total", total).integer_field("page", page).integer_field("limit", limit);
  json.key("totalPages");
  if (limit <= 0) {
    json.null();  // the reference's ceil(total / 0) = Infinity (or NaN) serialises as null
  } else {
    json.integer(total / limit + (total % limit != 0 ? 1 : 0));
  }
}

// ------------------------------------------------------------------ row writers

void branch_ref(json_writer& json, const view_state& state, branch_id id, branch_members members) {
  const auto* branch = id ? state.catalog.model.find(id) : nullptr;
  if (branch == nullptr) {
    json.null();
    return;
  }
  json.begin_object()
      .string_field("id", state.uuid(entity_kind::branch, branch->id))
      .string_field("name", branch->name);
  if (members != branch_members::id_name) json.string_field("code", branch->code);
  if (members == branch_members::id_name_code_full) {
    json.optional_string_field("address", branch->address);
    json.optional_string_field("phone", branch->phone);
  }
  json.end_object();
}

void write_user_safe(json_writer& json, const view_state& state, const user_record& user) {
  json.string_field("id", state.uuid(entity_kind::user, user.id))
      .string_field("email", user.email)
      .string_field("fullName", user.full_name)
      .optional_string_field("phone", user.phone)
      .string_field("role", role_name(user.role));
  optional_uuid_field(json, state, "branchId", entity_kind::branch, user.branch);
  json.boolean_field("isActive", user.is_active)
      .optional_time_field("lastLoginAt", user.last_login_at_us)
      .time_field("createdAt", user.created_at_us)
      .time_field("updatedAt", user.updated_at_us);
}

void write_branch_row(json_writer& json, const view_state& state, const branch_record& branch) {
  json.string_field("id", state.uuid(entity_kind::branch, branch.id))
      .string_field("code", branch.code)
      .string_field("name", branch.name)
      .optional_string_field("address", branch.address)
      .optional_string_field("phone", branch.phone)
      .boolean_field("isActive", branch.is_active)
      .time_field("createdAt", branch.created_at_us)
      .time_field("updatedAt", branch.updated_at_us);
}

void write_category_row(json_writer& json, const view_state& state,
                        const category_record& category) {
  json.string_field("id", state.uuid(entity_kind::category, category.id))
      .string_field("name", category.name)
      .optional_string_field("description", category.description)
      .boolean_field("isActive", category.is_active)
      .time_field("createdAt", category.created_at_us)
      .time_field("updatedAt", category.updated_at_us);
}

void write_product_row(json_writer& json, const view_state& state, const product_record& product) {
  json.string_field("id", state.uuid(entity_kind::product, product.id))
      .string_field("sku", product.sku)
      .string_field("barcode", product.barcode)
      .string_field("name", product.name)
      .optional_string_field("description", product.description)
      .string_field("unit", product.unit)
      .money_string_field("costPrice", product.cost_price)
      .money_string_field("sellingPrice", product.selling_price)
      .integer_field("minStock", product.min_stock)
      .null_field("maxStock")
      .boolean_field("isActive", product.is_active)
      .null_field("imageUrl")
      // Hundredths of a percent print like hundredths of money: 800 -> "8".
      .money_string_field("taxRate", static_cast<std::int64_t>(product.tax_rate));
  optional_uuid_field(json, state, "categoryId", entity_kind::category, product.category);
  json.time_field("createdAt", product.created_at_us).time_field("updatedAt", product.updated_at_us);
}

void write_stock_row(json_writer& json, const view_state& state, engine::stock_key key) {
  const auto it = state.catalog.stock_rows.find(key);
  json.key("id");
  if (it == state.catalog.stock_rows.end()) {
    json.null();
  } else {
    json.string(state.uuid(stock_row_kind, it->second.ordinal));
  }
  json.integer_field("quantity", state.catalog.model.stock_of(key.branch, key.product))
      .string_field("productId", state.uuid(entity_kind::product, key.product))
      .string_field("branchId", state.uuid(entity_kind::branch, key.branch));
  if (it == state.catalog.stock_rows.end()) {
    json.time_field("createdAt", 0).time_field("updatedAt", 0);
  } else {
    json.time_field("createdAt", it->second.created_at_us)
        .time_field("updatedAt", it->second.updated_at_us);
  }
}

void write_supplier_row(json_writer& json, const view_state& state,
                        const supplier_record& supplier) {
  json.string_field("id", state.uuid(entity_kind::supplier, supplier.id))
      .string_field("code", supplier.code)
      .string_field("name", supplier.name)
      .optional_string_field("contactPerson", supplier.contact_person)
      .optional_string_field("phone", supplier.phone)
      .optional_string_field("email", supplier.email)
      .optional_string_field("address", supplier.address)
      .boolean_field("isActive", supplier.is_active)
      .time_field("createdAt", supplier.created_at_us)
      .time_field("updatedAt", supplier.updated_at_us);
}

void write_customer_row(json_writer& json, const view_state& state,
                        const customer_record& customer) {
  json.string_field("id", state.uuid(entity_kind::customer, customer.id))
      .string_field("name", customer.name)
      .string_field("phone", customer.phone)
      .optional_string_field("email", customer.email)
      .integer_field("totalPoints", customer.total_points)
      .money_string_field("totalSpent", customer.total_spent)
      .time_field("registerAt", customer.created_at_us)
      .time_field("createdAt", customer.created_at_us)
      .time_field("updatedAt", customer.updated_at_us);
}

void write_sale_row(json_writer& json, const view_state& state, const sale_view& sale) {
  json.string_field("id", state.uuid(entity_kind::sale, sale.id))
      .string_field("invoiceNo", sale.invoice_number)
      .money_string_field("subtotal", sale.subtotal)
      .money_string_field("taxAmount", sale.tax_amount)
      .money_string_field("discountAmount", sale.discount_amount)
      .money_string_field("totalAmount", sale.total_amount)
      .string_field("status", events::wire::EnumNamesale_status(sale.status))
      .optional_string_field("notes", sale.notes)
      .time_field("returnDeadline", sale.return_deadline_us)
      .string_field("branchId", state.uuid(entity_kind::branch, sale.branch))
      .string_field("cashierId", state.uuid(entity_kind::user, sale.cashier));
  optional_uuid_field(json, state, "customerId", entity_kind::customer, sale.customer);
  optional_uuid_field(json, state, "cancelledById", entity_kind::user, sale.cancelled_by);
  json.optional_time_field("cancelledAt", sale.cancelled_at_us)
      .optional_string_field("cancelReason", sale.cancel_reason)
      .time_field("createdAt", sale.created_at_us)
      .time_field("updatedAt", sale.updated_at_us);
}

void write_sale_item_row(json_writer& json, const view_state& state, const sale_view& sale,
                         const sale_line_view& line) {
  json.string_field("id", state.uuid(entity_kind::sale_line, line.id))
      .integer_field("quantity", line.quantity)
      .money_string_field("unitPrice", line.unit_price)
      .money_string_field("costPrice", line.cost_price)
      .money_string_field("discount", line.discount)
      .money_string_field("subtotal", line.subtotal)
      .string_field("saleId", state.uuid(entity_kind::sale, sale.id))
      .string_field("productId", state.uuid(entity_kind::product, line.product));
}

void write_payment_row(json_writer& json, const view_state& state, const sale_view& sale,
                       const payment_view& payment) {
  json.string_field("id", state.uuid(entity_kind::payment, payment.id))
      .string_field("method", events::wire::EnumNamepayment_method(payment.method))
      .money_string_field("amount", payment.amount)
      .optional_string_field("reference", payment.reference)
      .money_string_field("changeDue", payment.change_due)
      .string_field("saleId", state.uuid(entity_kind::sale, sale.id))
      .time_field("createdAt", sale.created_at_us);
}

void write_purchase_order_row(json_writer& json, const view_state& state,
                              const purchase_order_view& order) {
  json.string_field("id", state.uuid(entity_kind::purchase_order, order.id))
      .string_field("poNumber", order.po_number)
      .string_field("status", events::wire::EnumNamepurchase_order_status(order.status))
      .optional_string_field("notes", order.notes)
      .money_string_field("totalCost", order.total_cost)
      .string_field("supplierId", state.uuid(entity_kind::supplier, order.supplier))
      .string_field("createdById", state.uuid(entity_kind::user, order.created_by));
  optional_uuid_field(json, state, "approvedById", entity_kind::user, order.approved_by);
  json.optional_time_field("approvedAt", order.approved_at_us)
      .time_field("createdAt", order.created_at_us)
      .time_field("updatedAt", order.updated_at_us);
}

void write_loyalty_txn_row(json_writer& json, const view_state& state,
                           const loyalty_txn_view& txn) {
  json.string_field("id", state.uuid(entity_kind::loyalty_transaction, txn.number))
      .integer_field("points", txn.points)
      .string_field("type", txn.points >= 0 ? "EARNED" : "REDEEMED")
      .optional_string_field("reference", txn.reference)
      .string_field("customerId", state.uuid(entity_kind::customer, txn.customer));
  optional_uuid_field(json, state, "saleId", entity_kind::sale, txn.sale);
  json.time_field("createdAt", txn.at_us);
}

// ------------------------------------------------------------------ profile, users

query_result profile_json(const view_state& state, const caller& who) {
  const user_record* user = state.catalog.model.find(who.user);
  if (user == nullptr) return query_error{404, "User not found"};
  json_writer json;
  json.begin_object()
      .string_field("id", state.uuid(entity_kind::user, user->id))
      .string_field("email", user->email)
      .string_field("fullName", user->full_name)
      .optional_string_field("phone", user->phone)
      .string_field("role", role_name(user->role));
  optional_uuid_field(json, state, "branchId", entity_kind::branch, user->branch);
  json.key("branch");
  branch_ref(json, state, user->branch, branch_members::id_name_code);
  json.optional_time_field("lastLoginAt", user->last_login_at_us)
      .time_field("createdAt", user->created_at_us)
      .end_object();
  return json.take();
}

query_result users_list(const view_state& state, const caller& who, page_request paging) {
  const bool scoped = who.role == user_role::BRANCH_MANAGER;
  if (scoped && !who.branch) return manager_without_branch;
  const std::int64_t limit = std::min(paging.limit, users_limit_max);
  const std::int64_t offset = page_offset(paging.page, limit);

  std::vector<const user_record*> rows;
  rows.reserve(state.catalog.model.users.size());
  for (const auto& [id, user] : state.catalog.model.users) {
    if (!scoped || user.branch == who.branch) rows.push_back(&user);
  }
  order_page(rows, offset, limit);

  json_writer json;
  json.begin_object();
  write_page_items(json, rows, offset, limit, [&](const user_record& user) {
    write_user_item(json, state, user, with_updated_at::no);
  });
  write_page_fields(json, static_cast<std::int64_t>(rows.size()), paging.page, limit);
  json.end_object();
  return json.take();
}

query_result user_get(const view_state& state, const caller& who, user_id id) {
  const bool scoped = who.role == user_role::BRANCH_MANAGER;
  if (scoped && !who.branch) return manager_without_branch;
  const user_record* user = state.catalog.model.find(id);
  if (user == nullptr) return query_error{404, "User not found"};
  if (scoped && user->branch != who.branch) {
    return query_error{403, "You can only view users from your assigned branch"};
  }
  json_writer json;
  write_user_item(json, state, *user, with_updated_at::yes);
  return json.take();
}

std::string user_created_json(const view_state& state, const user_record& user) {
  json_writer json;
  json.begin_object()
      .string_field("id", state.uuid(entity_kind::user, user.id))
      .string_field("email", user.email)
      .string_field("fullName", user.full_name)
      .optional_string_field("phone", user.phone)
      .string_field("role", role_name(user.role));
  optional_uuid_field(json, state, "branchId", entity_kind::branch, user.branch);
  json.boolean_field("isActive", user.is_active)
      .time_field("createdAt", user.created_at_us)
      .end_object();
  return json.take();
}

std::string user_updated_json(const view_state& state, const user_record& user) {
  json_writer json;
  json.begin_object()
      .string_field("id", state.uuid(entity_kind::user, user.id))
      .string_field("email", user.email)
      .string_field("fullName", user.full_name)
      .optional_string_field("phone", user.phone)
      .string_field("role", role_name(user.role));
  optional_uuid_field(json, state, "branchId", entity_kind::branch, user.branch);
  json.boolean_field("isActive", user.is_active).end_object();
  return json.take();
}

std::string user_toggle_json(const view_state& state, const user_record& user) {
  json_writer json;
  json.begin_object()
      .string_field("id", state.uuid(entity_kind::user, user.id))
      .string_field("email", user.email)
      .boolean_field("isActive", user.is_active)
      .end_object();
  return json.take();
}

// ------------------------------------------------------------------ branches

std::string branches_list(const view_state& state, const caller& /*who*/) {
  const engine::write_model& model = state.catalog.model;
  flat_map<branch_id, std::int64_t> users_of;
  for (const auto& [id, user] : model.users) {
    if (user.branch) ++users_of[user.branch];
  }
  json_writer json;
  json.begin_array();
  for (const branch_record* branch : branches_by_code(state)) {
    const auto users = users_of.find(branch->id);
    const auto sales = state.sales.sales_by_branch.find(branch->id);
    json.begin_object();
    write_branch_row(json, state, *branch);
    json.key("_count")
        .begin_object()
        .integer_field("users", users == users_of.end() ? 0 : users->second)
        .integer_field("sales", sales == state.sales.sales_by_branch.end() ? 0 : sales->second)
        .end_object();
    json.end_object();
  }
  json.end_array();
  return json.take();
}

query_result branch_get(const view_state& state, const caller& /*who*/, branch_id id) {
  const engine::write_model& model = state.catalog.model;
  const branch_record* branch = model.find(id);
  if (branch == nullptr) return query_error{404, "Branch not found"};

  // Unspecified order in the reference: oldest first, then by id (deterministic).
  std::vector<const user_record*> users;
  for (const auto& [user_key, user] : model.users) {
    if (user.branch == id) users.push_back(&user);
  }
  std::sort(users.begin(), users.end(), [](const user_record* a, const user_record* b) {
    return std::tie(a->created_at_us, a->id) < std::tie(b->created_at_us, b->id);
  });
  // A stock row per product of the branch (created with the branch or with the product).
  std::int64_t stock_rows = 0;
  for (const auto& [product_key, product] : model.products) {
    if (state.catalog.stock_rows.contains(engine::stock_key{id, product_key})) ++stock_rows;
  }
  const auto sales = state.sales.sales_by_branch.find(id);

  json_writer json;
  json.begin_object();
  write_branch_row(json, state, *branch);
  json.key("users").begin_array();
  for (const user_record* user : users) {
    json.begin_object()
        .string_field("id", state.uuid(entity_kind::user, user->id))
        .string_field("fullName", user->full_name)
        .string_field("email", user->email)
        .string_field("role", role_name(user->role))
        .end_object();
  }
  json.end_array();
  json.key("_count")
      .begin_object()
      .integer_field("sales", sales == state.sales.sales_by_branch.end() ? 0 : sales->second)
      .integer_field("inventoryStocks", stock_rows)
      .end_object();
  json.end_object();
  return json.take();
}

std::string branch_row_json(const view_state& state, const branch_record& branch) {
  json_writer json;
  json.begin_object();
  write_branch_row(json, state, branch);
  json.end_object();
  return json.take();
}

// ------------------------------------------------------------------ categories

std::string categories_list(const view_state& state, const caller& /*who*/,
                            std::string_view search) {
  const std::string needle = fold_for_search(search);
  std::vector<named<category_record>> rows;
  for (const auto& [id, category] : state.catalog.model.categories) {
    std::string folded = fold_for_search(category.name);
    if (contains(folded, needle)) rows.push_back({std::move(folded), &category});
  }
  sort_by_name(rows);
  json_writer json;
  json.begin_array();
  for (const auto& row : rows) {
    json.begin_object();
    write_category_row(json, state, *row.record);
    json.key("_count").begin_object().integer_field("products", row.record->product_count).end_object();
    json.end_object();
  }
  json.end_array();
  return json.take();
}

query_result category_get(const view_state& state, const caller& /*who*/, category_id id) {
  const catalog_view& catalog = state.catalog;
  const category_record* category = catalog.model.find(id);
  if (category == nullptr) return query_error{404, "Category not found"};
  json_writer json;
  json.begin_object();
  write_category_row(json, state, *category);
  json.key("products").begin_array();
  std::int32_t found = 0;
  for (const product_id product_key : catalog.products_by_name) {
    if (found == category->product_count) break;  // every product of the category is out
    const product_record* product = catalog.model.find(product_key);
    LEDGER_ASSERT(product != nullptr, "search order names unknown product {}", product_key.value);
    if (product->category != id) continue;
    ++found;
    json.begin_object()
        .string_field("id", state.uuid(entity_kind::product, product->id))
        .string_field("sku", product->sku)
        .string_field("name", product->name)
        .money_string_field("sellingPrice", product->selling_price)
        .boolean_field("isActive", product->is_active)
        .end_object();
  }
  json.end_array();
  json.end_object();
  return json.take();
}

std::string category_row_json(const view_state& state, const category_record& category) {
  json_writer json;
  json.begin_object();
  write_category_row(json, state, category);
  json.end_object();
  return json.take();
}

// ------------------------------------------------------------------ products

std::string products_search(const view_state& state, const caller& /*who*/,
                            const product_search_filters& filters, page_request paging) {
  const catalog_view& catalog = state.catalog;
  LEDGER_ASSERT(catalog.products_by_name.size() == catalog.model.products.size(),
                "product search order is stale ({} of {} products): finish_batch not run",
                catalog.products_by_name.size(), catalog.model.products.size());
  const std::int64_t page = std::max<std::int64_t>(paging.page, 1);
  const std::int64_t limit =
      paging.limit <= 0 ? products_limit_default : std::min(paging.limit, products_limit_max);
  const std::int64_t offset = page_offset(page, limit);

  // The query side of each filter, computed once.
  const std::string sku = ascii_lower(filters.sku);
  const std::string name = fold_for_search(filters.name);
  const std::string_view barcode = filters.barcode;
  std::optional<category_id> category;
  bool matches_nothing = false;
  if (!filters.category.empty()) {
    const auto number =
        parse_uuid(filters.category, catalog.model.ledger_namespace, entity_kind::category);
    if (number) {
      category = category_id{*number};
    } else {
      matches_nothing = true;  // not a category of this ledger: no product has it
    }
  }
  const bool text_filters = !sku.empty() || !barcode.empty() || !name.empty() || category;

  // Without text filters the total is known up front, so the walk can stop after the page.
  std::optional<std::int64_t> known_total;
  if (matches_nothing) {
    known_total = 0;
  } else if (!text_filters) {
    const auto all = static_cast<std::int64_t>(catalog.model.products.size());
    known_total = !filters.is_active ? all
                  : *filters.is_active ? catalog.active_products
                                       : all - catalog.active_products;
  }

  std::vector<const product_record*> page_rows;
  page_rows.reserve(static_cast<std::size_t>(limit));
  std::int64_t total = 0;
  if (!matches_nothing) {
    for (const product_id id : catalog.products_by_name) {
      // The name test first: as-you-type searches are mostly by name, and most products fail
      // it, so they cost one lookup of the folded name and no lookup of the record.
      if (!name.empty()) {
        const auto folded = catalog.folded_names.find(id);
        LEDGER_ASSERT(folded != catalog.folded_names.end(), "product {} has no folded name",
                      id.value);
        if (!contains(folded->second, name)) continue;
      }
      const product_record* product = catalog.model.find(id);
      LEDGER_ASSERT(product != nullptr, "search order names unknown product {}", id.value);
      if (filters.is_active && product->is_active != *filters.is_active) continue;
      if (category && product->category != *category) continue;
      if (!sku.empty() && !contains_ascii_ci(product->sku, sku)) continue;
      if (!barcode.empty() && !contains(product->barcode, barcode)) continue;
      if (total >= offset && total - offset < limit) page_rows.push_back(product);
      ++total;
      if (known_total && total - offset >= limit) break;
    }
  }
  if (known_total) {
    LEDGER_ASSERT(total <= *known_total, "search counted {} of {} products", total, *known_total);
    total = *known_total;
  }

  const auto branches = branches_by_code(state);
  json_writer json;
  json.begin_object();
  json.key("data").begin_array();
  for (const product_record* product : page_rows) {
    write_product_item(json, state, *product, branches, with_branch_code::no);
  }
  json.end_array();
  write_page_fields(json, total, page, limit);
  json.end_object();
  return json.take();
}

query_result product_by_barcode(const view_state& state, const caller& /*who*/,
                                std::string_view barcode) {
  const auto& index = state.catalog.model.product_by_barcode;
  const auto it = index.find(std::string(barcode));
  const product_record* product =
      it == index.end() ? nullptr : state.catalog.model.find(it->second);
  if (product == nullptr) return query_error{404, "Product not found for this barcode"};
  json_writer json;
  write_product_item(json, state, *product, branches_by_code(state), with_branch_code::no);
  return json.take();
}

query_result product_get(const view_state& state, const caller& /*who*/, product_id id) {
  const product_record* product = state.catalog.model.find(id);
  if (product == nullptr) return query_error{404, "Product not found"};
  json_writer json;
  write_product_item(json, state, *product, branches_by_code(state), with_branch_code::yes);
  return json.take();
}

std::string product_row_json(const view_state& state, const product_record& product) {
  json_writer json;
  json.begin_object();
  write_product_with_category(json, state, product);
  json.end_object();
  return json.take();
}

std::string product_plain_row_json(const view_state& state, const product_record& product) {
  json_writer json;
  json.begin_object();
  write_product_row(json, state, product);
  json.end_object();
  return json.take();
}

// ------------------------------------------------------------------ suppliers

std::string suppliers_list(const view_state& state, const caller& /*who*/,
                           std::string_view search) {
  const std::string name = fold_for_search(search);
  const std::string code = ascii_lower(search);
  std::vector<named<supplier_record>> rows;
  for (const auto& [id, supplier] : state.catalog.model.suppliers) {
    std::string folded = fold_for_search(supplier.name);
    if (contains(folded, name) || contains_ascii_ci(supplier.code, code) ||
        contains(supplier.phone, search)) {
      rows.push_back({std::move(folded), &supplier});
    }
  }
  sort_by_name(rows);
  json_writer json;
  json.begin_array();
  for (const auto& row : rows) {
    json.begin_object();
    write_supplier_row(json, state, *row.record);
    json.end_object();
  }
  json.end_array();
  return json.take();
}

query_result supplier_get(const view_state& state, const caller& /*who*/, supplier_id id) {
  const supplier_record* supplier = state.catalog.model.find(id);
  if (supplier == nullptr) return query_error{404, "Supplier not found"};
  const procurement_view& procurement = state.procurement;
  const auto orders = procurement.orders_by_supplier.find(id);
  const auto receipts = procurement.receipts_by_supplier.find(id);

  json_writer json;
  json.begin_object();
  write_supplier_row(json, state, *supplier);
  json.key("purchaseOrders").begin_array();
  std::int64_t order_count = 0;
  if (orders != procurement.orders_by_supplier.end()) {
    const std::vector<std::uint32_t>& positions = orders->second;  // creation order
    order_count = static_cast<std::int64_t>(positions.size());
    std::size_t written = 0;
    for (auto position = positions.rbegin();
         position != positions.rend() && written < supplier_orders_shown; ++position, ++written) {
      LEDGER_ASSERT(*position < procurement.orders.size(), "PO position {} out of range",
                    *position);
      json.begin_object();
      write_purchase_order_row(json, state, procurement.orders[*position]);
      json.end_object();
    }
  }
  json.end_array();
  json.key("_count")
      .begin_object()
      .integer_field("purchaseOrders", order_count)
      .integer_field("goodsReceipts",
                     receipts == procurement.receipts_by_supplier.end() ? 0 : receipts->second)
      .end_object();
  json.end_object();
  return json.take();
}

std::string supplier_row_json(const view_state& state, const supplier_record& supplier) {
  json_writer json;
  json.begin_object();
  write_supplier_row(json, state, supplier);
  json.end_object();
  return json.take();
}

// ------------------------------------------------------------------ customers

std::string customers_list(const view_state& state, const caller& /*who*/,
                           std::string_view search, page_request paging) {
  const std::int64_t limit = paging.limit;
  const std::int64_t offset = page_offset(paging.page, limit);
  const std::string name = fold_for_search(search);

  std::vector<const customer_record*> rows;
  rows.reserve(search.empty() ? state.catalog.model.customers.size() : 0);
  for (const auto& [id, customer] : state.catalog.model.customers) {
    // The phone test is cheap: it spares the name fold of every customer it matches.
    if (search.empty() || contains(customer.phone, search) ||
        contains(fold_for_search(customer.name), name)) {
      rows.push_back(&customer);
    }
  }
  order_page(rows, offset, limit);

  json_writer json;
  json.begin_object();
  write_page_items(json, rows, offset, limit, [&](const customer_record& customer) {
    json.begin_object();
    write_customer_row(json, state, customer);
    json.end_object();
  });
  write_page_fields(json, static_cast<std::int64_t>(rows.size()), paging.page, limit);
  json.end_object();
  return json.take();
}

query_result customer_by_phone(const view_state& state, const caller& /*who*/,
                               std::string_view phone) {
  const auto& index = state.catalog.model.customer_by_phone;
  const auto it = index.find(std::string(phone));
  const customer_record* customer =
      it == index.end() ? nullptr : state.catalog.model.find(it->second);
  if (customer == nullptr) return query_error{404, "Customer not found for this phone"};
  return customer_detail(state, *customer, customer_sales_by_phone, with_loyalty::no);
}

query_result customer_get(const view_state& state, const caller& /*who*/, customer_id id) {
  const customer_record* customer = state.catalog.model.find(id);
  if (customer == nullptr) return query_error{404, "Customer not found"};
  return customer_detail(state, *customer, customer_sales_by_id, with_loyalty::yes);
}

std::string customer_row_json(const view_state& state, const customer_record& customer) {
  json_writer json;
  json.begin_object();
  write_customer_row(json, state, customer);
  json.end_object();
  return json.take();
}

}  // namespace ledger::projections
