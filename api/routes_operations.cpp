// The read routes of api-contract sections 7 (inventory), 8 (point of sale) and 9
// (procurement). The answers come from projections/operations_queries.h; this file routes,
// parses the query string and maps ids.
#include <fmt/format.h>

#include "api/server_app.h"
#include "projections/operations_queries.h"

namespace ledger::api {
namespace {

using projections::view_state;
using context_ptr = std::shared_ptr<request_context>;

// The optional productId filter of 7.6 and 7.7.
std::optional<product_id> product_filter(const view_state& state, const context_ptr& context) {
  const auto text = context->query.get("productId");
  if (!text || text->empty()) return std::nullopt;
  return id_in<product_id>(state, *text, entity_kind::product);
}

// The stock reads take asOf (the views as of a sequence or a time); their queries run later on
// the work pool then, so they capture by value.
void low_stock(server_app& app, const context_ptr& context) {
  app.answer_query(context, [who = context->caller()](const view_state& state) {
    return projections::low_stock(state, who);
  }, true);
}

void stock(server_app& app, const context_ptr& context) {
  app.answer_query(context, [context](const view_state& state) {
    return projections::stock_list(state, context->caller(), product_filter(state, context));
  }, true);
}

void transactions(server_app& app, const context_ptr& context) {
  const auto paging = app.paging(context, 20);
  if (!paging) return;
  app.answer_query(context, [&](const view_state& state) {
    return projections::transactions(state, context->caller(), product_filter(state, context),
                                     *paging);
  });
}

void transfers(server_app& app, const context_ptr& context) {
  const auto paging = app.paging(context, 20);
  if (!paging) return;
  app.answer_query(context, [&](const view_state& state) {
    return projections::transfers_list(state, *paging);
  });
}

void receipt(server_app& app, const context_ptr& context) {
  app.answer_query(context, [&](const view_state& state) {
    return projections::receipt(
        state, context->caller(),
        id_in<sale_id>(state, context->params.get("saleId"), entity_kind::sale));
  });
}

void sales(server_app& app, const context_ptr& context) {
  const auto paging = app.paging(context, 20);
  if (!paging) return;
  app.answer_query(context, [&](const view_state& state) {
    return projections::sales_list(state, context->caller(), *paging);
  });
}

void purchase_orders(server_app& app, const context_ptr& context) {
  const auto paging = app.paging(context, 20);
  if (!paging) return;
  std::optional<events::purchase_order_status> status;
  if (const auto text = context->query.get("status")) {
    status = enum_named(*text, events::wire::EnumValuespurchase_order_status(),
                        events::wire::EnumNamepurchase_order_status);
    // An unknown literal fails in the reference's database layer (9.3).
    if (!status) return app.reply_error(context, 400, "Invalid data format");
  }
  app.answer_query(context, [&](const view_state& state) {
    return projections::purchase_orders_list(state, status, *paging);
  });
}

void purchase_order(server_app& app, const context_ptr& context) {
  app.answer_query(context, [&](const view_state& state) {
    return projections::purchase_order_get(
        state, id_in<purchase_order_id>(state, context->params.get("id"),
                                        entity_kind::purchase_order));
  });
}

void goods_receipts(server_app& app, const context_ptr& context) {
  const auto paging = app.paging(context, 20);
  if (!paging) return;
  app.answer_query(context, [&](const view_state& state) {
    return projections::goods_receipts_list(state, *paging);
  });
}

}  // namespace

void add_operations_routes(router<route_entry>& routes) {
  add_route(routes, "GET", "/api/inventory/low-stock", {SUPER_ADMIN, BRANCH_MANAGER, INVENTORY_STAFF, OWNER},
      low_stock);
  add_route(routes, "GET", "/api/inventory/stock", {SUPER_ADMIN, BRANCH_MANAGER, INVENTORY_STAFF}, stock);
  add_route(routes, "GET", "/api/inventory/transactions", {SUPER_ADMIN, BRANCH_MANAGER, INVENTORY_STAFF},
      transactions);
  add_route(routes, "GET", "/api/inventory/transfers", {SUPER_ADMIN, BRANCH_MANAGER, INVENTORY_STAFF},
      transfers);
  add_route(routes, "GET", "/api/pos/receipt/:saleId", {CASHIER, BRANCH_MANAGER, OWNER}, receipt);
  add_route(routes, "GET", "/api/pos/sales", {CASHIER, BRANCH_MANAGER, OWNER}, sales);
  add_route(routes, "GET", "/api/procurement/purchase-orders",
      {SUPER_ADMIN, BRANCH_MANAGER, INVENTORY_STAFF, OWNER}, purchase_orders);
  add_route(routes, "GET", "/api/procurement/purchase-orders/:id",
      {SUPER_ADMIN, BRANCH_MANAGER, INVENTORY_STAFF}, purchase_order);
  add_route(routes, "GET", "/api/procurement/goods-receipts", {SUPER_ADMIN, BRANCH_MANAGER, INVENTORY_STAFF},
      goods_receipts);
}

}  // namespace ledger::api
