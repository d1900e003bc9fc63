#pragma once
// catalog_queries: the reads of the catalog and the people in it (api-contract 5.8 profile,
// 6.1 users, 6.2 branches, 6.3 categories, 6.4 products, 6.5 suppliers, 6.6 customers, with
// the loyalty rows of 8.14), and the row writers (contract section 2) that every query module
// and the write responses share.
//
// Every function is a pure read of a view_state (projections/view_state.h) and answers with the
// contract's JSON text (projections/query.h). The API layer has already authenticated the
// caller, checked the route's role list and validated the query string (page >= 1, limit >= 0);
// what is left here is what depends on the data: caps on `limit`, branch scoping of managers,
// 404s, and the exact messages.
//
// Ids come in as entity numbers (the API parses the UUID text with parse_uuid); an id that does
// not name an entity of this ledger (0 included) is answered like an unknown one (404).
//
// Text matching (projections/text_fold.h):
//   * names (products, categories, suppliers, customers): case- and accent-insensitive
//     substring: both sides are folded with fold_for_search ("hao hao" finds
//     "Mì gói Hảo Hảo 75g"). The reference's ILIKE is case-insensitive only; folding accents
//     too is the requirement for products and is applied to every name search so the
//     screens behave alike (it only ever finds more, never less).
//   * SKUs and supplier codes: ASCII case-insensitive substring.
//   * barcodes and phones: case-sensitive (byte) substring.
// Name order ("name ascending", the database collation in the reference) is the search order
// of the catalog view: folded name, then name bytes, then id.
//
// Cost: lists of users, branches, categories and suppliers walk those (small) maps. Product
// search walks state.catalog.products_by_name once with cheap checks and no allocation per
// product; customer search folds each customer name it tests (phone matches skip the fold).
// Per-record relations (sales of a customer, orders of a supplier, loyalty rows) come from the
// views' per-record indexes, newest first, never from a scan of the whole log.
//
// Thread-safety: pure functions; the caller holds the projector's read lock for the duration.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "projections/json_writer.h"
#include "projections/query.h"
#include "projections/view_state.h"

namespace ledger::projections {

// ------------------------------------------------------------------ paging (contract 1.7)

// The offset of `page` (>= 1) at `limit` items per page, saturated at INT64_MAX.
[[nodiscard]] std::int64_t page_offset(std::int64_t page, std::int64_t limit);

// Writes the members "total", "page", "limit", "totalPages" of a Paged<T> (no braces).
// totalPages = ceil(total / limit), 0 when total = 0, null when limit = 0.
void write_page_fields(json_writer& json, std::int64_t total, std::int64_t page,
                       std::int64_t limit);

// ------------------------------------------------------------------ Row writers shared by every query module
//
// Each writes the members of one contract row (section 2) into an object the caller has opened,
// without the braces, so callers can add relations before closing it:
//
//   json.begin_object();
//   write_sale_row(json, state, sale);
//   json.key("payments").begin_array(); ... json.end_array();
//   json.end_object();

// UserSafe, every column: id, email, fullName, phone, role, branchId, isActive, lastLoginAt,
// createdAt, updatedAt. (Endpoints that show a subset write their members themselves.)
// "name": the entity's UUID, or null when the id is 0 (optional references).
template <class Tag>
void optional_uuid_field(json_writer& json, const view_state& state, std::string_view name,
                         entity_kind kind, id<Tag> entity) {
  json.key(name);
  if (entity) {
    json.string(state.uuid(kind, entity));
  } else {
    json.null();
  }
}

// Which members of a branch an embedded reference carries (each route names its own subset).
enum class branch_members : std::uint8_t {
  id_name,            // { id, name }
  id_name_code,       // { id, name, code }
  id_name_code_full,  // { id, name, code, address, phone }
};

// An embedded branch reference (a value, not a field), or null for no/unknown branch.
void branch_ref(json_writer& json, const view_state& state, branch_id id, branch_members members);

void write_user_safe(json_writer& json, const view_state& state, const engine::user_record& user);
void write_branch_row(json_writer& json, const view_state& state,
                      const engine::branch_record& branch);
void write_category_row(json_writer& json, const view_state& state,
                        const engine::category_record& category);
// ProductRow (maxStock and imageUrl are always null; taxRate is a decimal string, "8").
void write_product_row(json_writer& json, const view_state& state,
                       const engine::product_record& product);
// StockRow of (branch, product): the row's id is uuid(stock_row_kind, ordinal); a stock level
// without a row (never the case after the fold) prints id null and zero times.
void write_stock_row(json_writer& json, const view_state& state, engine::stock_key key);
void write_supplier_row(json_writer& json, const view_state& state,
                        const engine::supplier_record& supplier);
// CustomerRow (registerAt = createdAt).
void write_customer_row(json_writer& json, const view_state& state,
                        const engine::customer_record& customer);
// SaleRow: ids uuid(entity_kind::sale); updatedAt = the sale's last change.
void write_sale_row(json_writer& json, const view_state& state, const sale_view& sale);
// SaleItemRow of one line of `sale` (discount is per unit, as stored).
void write_sale_item_row(json_writer& json, const view_state& state, const sale_view& sale,
                         const sale_line_view& line);
// PaymentRow of one payment of `sale` (createdAt = the sale's creation time).
void write_payment_row(json_writer& json, const view_state& state, const sale_view& sale,
                       const payment_view& payment);
// PORow.
void write_purchase_order_row(json_writer& json, const view_state& state,
                              const purchase_order_view& order);
// LoyaltyTxnRow: type "EARNED" for points >= 0, "REDEEMED" for deductions; saleId null when 0.
void write_loyalty_txn_row(json_writer& json, const view_state& state,
                           const loyalty_txn_view& txn);

// ------------------------------------------------------------------ 5.8 profile, 6.1 users

// GET /api/auth/profile of the caller: 404 "User not found" when the user is unknown.
[[nodiscard]] query_result profile_json(const view_state& state, const caller& who);

// GET /api/users: limit capped at 100; a BRANCH_MANAGER sees the users of their branch only
// (403 "Branch manager must be assigned to a branch" without one); createdAt descending.
[[nodiscard]] query_result users_list(const view_state& state, const caller& who,
                                      page_request paging);
// GET /api/users/:id: manager without branch 403, unknown 404 "User not found", manager and a
// user of another branch (or of none) 403 "You can only view users from your assigned branch".
[[nodiscard]] query_result user_get(const view_state& state, const caller& who, user_id id);

// Write responses: POST /api/users {id, email, fullName, phone, role, branchId, isActive,
// createdAt}; PATCH /api/users/:id {id, email, fullName, phone, role, branchId, isActive};
// PATCH /api/users/:id/toggle-active {id, email, isActive}.
[[nodiscard]] std::string user_created_json(const view_state& state,
                                            const engine::user_record& user);
[[nodiscard]] std::string user_updated_json(const view_state& state,
                                            const engine::user_record& user);
[[nodiscard]] std::string user_toggle_json(const view_state& state,
                                           const engine::user_record& user);

// ------------------------------------------------------------------ 6.2 branches

// GET /api/branches: [BranchRow + _count {users, sales}], code ascending.
[[nodiscard]] std::string branches_list(const view_state& state, const caller& who);
// GET /api/branches/:id: BranchRow + users [{id, fullName, email, role}] (createdAt ascending,
// then id: the reference leaves the order unspecified) + _count {sales, inventoryStocks};
// 404 "Branch not found".
[[nodiscard]] query_result branch_get(const view_state& state, const caller& who, branch_id id);
// BranchRow (POST / PATCH responses).
[[nodiscard]] std::string branch_row_json(const view_state& state,
                                          const engine::branch_record& branch);

// ------------------------------------------------------------------ 6.3 categories

// GET /api/categories?search=: [CategoryRow + _count {products}], name ascending; an empty
// search is no filter.
[[nodiscard]] std::string categories_list(const view_state& state, const caller& who,
                                          std::string_view search);
// GET /api/categories/:id: CategoryRow + products [{id, sku, name, sellingPrice, isActive}]
// (name ascending); 404 "Category not found".
[[nodiscard]] query_result category_get(const view_state& state, const caller& who,
                                        category_id id);
// CategoryRow (POST / PATCH responses).
[[nodiscard]] std::string category_row_json(const view_state& state,
                                            const engine::category_record& category);

// ------------------------------------------------------------------ 6.4 products

// The filters of GET /api/products/search as given in the query string; an empty string is
// no filter. `category` is the raw categoryId text: text that is not a category UUID of this
// ledger matches nothing. is_active: nullopt = both, true = active only, false = inactive only
// (the API maps "true" to true and any other given value to false).
struct product_search_filters {
  std::string sku;
  std::string barcode;
  std::string name;
  std::string category;
  std::optional<bool> is_active;
};

// GET /api/products/search: Paged<ProductRow + category {id, name} + inventoryStocks
// [{branchId, quantity, branch {name}}]>, name ascending; limit 0 means 20, capped at 100; the
// response's page and limit are the effective values. inventoryStocks: one per branch that has
// a stock row for the product, branch code ascending.
[[nodiscard]] std::string products_search(const view_state& state, const caller& who,
                                          const product_search_filters& filters,
                                          page_request paging);
// GET /api/products/barcode/:barcode: exact barcode, the search item shape; 404
// "Product not found for this barcode".
[[nodiscard]] query_result product_by_barcode(const view_state& state, const caller& who,
                                              std::string_view barcode);
// GET /api/products/:id: ProductRow + category {id, name} + inventoryStocks [{branchId,
// quantity, branch {name, code}}]; 404 "Product not found".
[[nodiscard]] query_result product_get(const view_state& state, const caller& who, product_id id);
// ProductRow + category {id, name} (POST / PATCH responses).
[[nodiscard]] std::string product_row_json(const view_state& state,
                                           const engine::product_record& product);
// ProductRow alone (PATCH toggle-active response).
[[nodiscard]] std::string product_plain_row_json(const view_state& state,
                                                 const engine::product_record& product);

// ------------------------------------------------------------------ 6.5 suppliers

// GET /api/suppliers?search=: [SupplierRow], name ascending; search matches name (folded) OR
// code (ASCII case-insensitive) OR phone (case-sensitive).
[[nodiscard]] std::string suppliers_list(const view_state& state, const caller& who,
                                         std::string_view search);
// GET /api/suppliers/:id: SupplierRow + purchaseOrders [PORow] (10 most recent, createdAt
// descending) + _count {purchaseOrders, goodsReceipts}; 404 "Supplier not found".
[[nodiscard]] query_result supplier_get(const view_state& state, const caller& who,
                                        supplier_id id);
// SupplierRow (POST / PATCH responses).
[[nodiscard]] std::string supplier_row_json(const view_state& state,
                                            const engine::supplier_record& supplier);

// ------------------------------------------------------------------ 6.6 customers

// GET /api/customers: Paged<CustomerRow>, createdAt descending, no cap on limit; search
// matches name (folded) OR phone (case-sensitive substring).
[[nodiscard]] std::string customers_list(const view_state& state, const caller& who,
                                         std::string_view search, page_request paging);
// GET /api/customers/phone/:phone: CustomerRow + sales (5 most recent, createdAt descending,
// each SaleRow + items [SaleItemRow + product {name}] + payments [PaymentRow]); 404
// "Customer not found for this phone".
[[nodiscard]] query_result customer_by_phone(const view_state& state, const caller& who,
                                             std::string_view phone);
// GET /api/customers/:id: CustomerRow + sales (10 most recent, as above) + loyaltyTxns
// [LoyaltyTxnRow] (all, createdAt descending); 404 "Customer not found".
[[nodiscard]] query_result customer_get(const view_state& state, const caller& who,
                                        customer_id id);
// CustomerRow (POST / PATCH responses).
[[nodiscard]] std::string customer_row_json(const view_state& state,
                                            const engine::customer_record& customer);

}  // namespace ledger::projections
