#pragma once
// operations_queries: the read side of the day-to-day operations — inventory (api-contract
// section 7), the point of sale (section 8) and procurement (section 9) — as contract-shaped
// JSON text rendered from a view_state (projections/view_state.h).
//
// Two kinds of functions live here:
//   * GET queries (stock_list, transactions, sales_list, purchase_orders_list, ...), which apply
//     the route's branch-scoping rule for the caller (contract 1.9) and answer a query_error
//     with the contract's status and message when the rule says no;
//   * write-response renderers (checkout_response_json, transfer_json, ...), which the API calls
//     after a command was committed and the views have caught up with it (read-your-writes
//     watermark): they render the committed record in the shape the contract's write endpoint
//     answers. They answer 404 when the record is not in the views, which only happens when the
//     caller did not wait for the watermark.
//
// Shared rules:
//   * "newest first" is sequence order read backwards (the views keep rows in sequence order,
//     which is createdAt order); rows written by one event keep a deterministic reverse order.
//   * Pagination follows contract 1.7: offset = (page - 1) * limit, totalPages = ceil(total /
//     limit) (0 when total is 0), null when limit is 0. The page_request is already validated
//     by the API (page >= 1, limit >= 0).
//   * Stored decimals are JSON strings, computed values JSON numbers (contract 1.6).
//
// Thread-safety: pure functions of their arguments; the caller holds the projector's read lock
// for the duration of the call.
#include <cstdint>
#include <optional>
#include <string>

#include "events/ids.h"
#include "projections/query.h"
#include "projections/view_state.h"

namespace ledger::projections {

// ------------------------------------------------------------------ inventory (contract 7)

// GET /api/inventory/stock: StockRow + product{...} of the caller's branch, optionally of one
// product; rows in stock-row creation order (the contract leaves the order unspecified).
// Caller without a branch -> 400 "Invalid data format".
[[nodiscard]] query_result stock_list(const view_state& state, const caller& who,
                                      std::optional<product_id> product);

// GET /api/inventory/transactions: Paged<InvTxnRow + product{id,sku,name,unit} +
// user{id,fullName}> of the caller's branch, newest first, optionally of one product.
// Caller without a branch -> 400 "Invalid data format".
[[nodiscard]] query_result transactions(const view_state& state, const caller& who,
                                        std::optional<product_id> product, page_request page);

// GET /api/inventory/transfers: Paged<TransferRow + branches, requestedBy, items + product>,
// all branches, newest first. At most 100 rows are returned; the echoed limit and totalPages use
// the requested limit (contract 7.8 [ref]).
[[nodiscard]] std::string transfers_list(const view_state& state, page_request page);

// GET /api/inventory/low-stock: rows of active products with minStock > 0 and quantity <=
// minStock in the caller's branch (all branches when the caller has none), most urgent first
// (quantity / minStock ascending, compared exactly), ties by branch code, then SKU.
[[nodiscard]] std::string low_stock(const view_state& state, const caller& who);

// GET /api/inventory/adjustments (native): Paged<StockAdjustment> of the caller's branch, newest
// first. Caller without a branch -> 400 "Invalid data format".
[[nodiscard]] query_result adjustments_list(const view_state& state, const caller& who,
                                            page_request page);

// The result of stock-in / stock-out (contract 7.1, 7.2): three numbers decided by the writer.
struct stock_change_result {
  std::int32_t previous_stock = 0;
  std::int32_t new_stock = 0;
  std::int32_t change = 0;  // signed: +quantity for stock-in, -quantity for stock-out
};
// {"previousStock","newStock","change"}.
[[nodiscard]] std::string stock_change_json(const stock_change_result& result);

// POST /api/inventory/adjust response: {"previousStock","newStock","difference","adjustmentId"}
// of a committed adjustment; 404 "Adjustment not found" when the views lack it.
[[nodiscard]] query_result adjustment_result_json(const view_state& state, adjustment_id id);

// POST /api/inventory/transfer response: TransferRow + {"items": [TransferItemRow]};
// 404 "Transfer not found" when the views lack it.
[[nodiscard]] query_result transfer_json(const view_state& state, transfer_id id);

// ------------------------------------------------------------------ point of sale (contract 8)

// CartView (contract 8.1) of an active cart; 404 "No active cart" when the cart is not active
// (checked out, or never opened).
[[nodiscard]] query_result cart_view_json(const view_state& state, cart_id id);

// GET /api/pos/receipt/:saleId (contract 8.9). 404 "Sale not found"; 403 "You do not have access
// to sales from this branch" unless the caller is SUPER_ADMIN or OWNER or works at the sale's
// branch.
[[nodiscard]] query_result receipt(const view_state& state, const caller& who, sale_id id);

// POST /api/pos/checkout response (contract 8.8); 404 "Sale not found".
[[nodiscard]] query_result checkout_response_json(const view_state& state, sale_id id);

// POST /api/pos/return response: {"returnNo","totalRefund" (number),"status"} (contract 8.10);
// 404 "Return not found".
[[nodiscard]] query_result return_response_json(const view_state& state, return_id id);

// POST /api/pos/cancel/:saleId response: the plain SaleRow (contract 8.11); 404 "Sale not found".
[[nodiscard]] query_result cancel_response_json(const view_state& state, sale_id id);

// GET /api/pos/sales (contract 8.12): Paged<SaleRow + cashier, customer, payments,
// _count.items>, newest first, every status. SUPER_ADMIN and OWNER see every branch; other roles
// see their own branch, and without one get 403 "User must be assigned to a branch".
[[nodiscard]] query_result sales_list(const view_state& state, const caller& who,
                                      page_request page);

// ------------------------------------------------------------------ procurement (contract 9)

// GET /api/procurement/purchase-orders (contract 9.3): Paged<PORow + supplier, createdBy,
// approvedBy, items + product, _count.receipts>, newest first, optionally of one status.
[[nodiscard]] std::string purchase_orders_list(const view_state& state,
                                               std::optional<purchase_order_status> status,
                                               page_request page);

// GET /api/procurement/purchase-orders/:id (contract 9.4); 404 "PO not found".
[[nodiscard]] query_result purchase_order_get(const view_state& state, purchase_order_id id);

// POST /api/procurement/purchase-orders response (contract 9.2); 404 "Purchase Order not found".
[[nodiscard]] query_result purchase_order_created_json(const view_state& state,
                                                       purchase_order_id id);

// Approve / reject responses (contract 9.5, 9.6): the plain PORow; 404 "Purchase Order not found".
[[nodiscard]] query_result purchase_order_row_json(const view_state& state, purchase_order_id id);

// POST /api/procurement/goods-receipt response: {"id","receiptNumber"} (contract 9.7);
// 404 "Goods receipt not found".
[[nodiscard]] query_result goods_receipt_created_json(const view_state& state,
                                                      goods_receipt_id id);

// GET /api/procurement/goods-receipts (contract 9.8): Paged<GRRow + po, supplier, branch,
// receivedBy>, all branches, newest first.
[[nodiscard]] std::string goods_receipts_list(const view_state& state, page_request page);

}  // namespace ledger::projections
