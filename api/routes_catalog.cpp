// The read routes of api-contract section 6: users, branches, categories, products,
// suppliers, customers. The answers come from projections/catalog_queries.h; this file routes,
// parses the query string and maps path ids.
#include <fmt/format.h>

#include <cmath>

#include "api/server_app.h"
#include "api/validation.h"
#include "events/assert.h"
#include "projections/catalog_queries.h"

namespace ledger::api {
namespace {

using projections::page_request;
using projections::view_state;
using context_ptr = std::shared_ptr<request_context>;

// Routes that get their id from the views answer through this.
template <class Id, class Query>
route_handler by_id(entity_kind kind, Query query) {
  return [kind, query](server_app& app, const context_ptr& context) {
    app.answer_query(context, [&](const view_state& state) {
      return query(state, context->caller(), id_in<Id>(state, context->params.get("id"), kind));
    });
  };
}

std::string search_of(const context_ptr& context) {
  return std::string(context->query.get("search").value_or(""));
}

// 6.4 GET /api/products/search: a validated query (unknown keys refused; page and limit must be
// numbers, 0 or absent meaning the default).
void products_search(server_app& app, const context_ptr& context) {
  static constexpr std::string_view declared[] = {"sku",      "barcode", "name", "categoryId",
                                                  "isActive", "page",    "limit"};
  std::vector<std::string> messages;
  for (const auto& [key, value] : context->query.values) {
    if (std::find(std::begin(declared), std::end(declared), key) == std::end(declared)) {
      messages.push_back(fmt::format("property {} should not exist", key));
    }
  }
  page_request paging{1, 20};
  for (const auto& [name, target] : {std::pair{"page", &paging.page}, std::pair{"limit", &paging.limit}}) {
    const auto text = context->query.get(name);
    if (!text) continue;
    const double value = js_string_to_number(*text);
    if (!std::isfinite(value)) {
      messages.push_back(fmt::format("{} must be a number conforming to the specified constraints", name));
    } else if (value != std::floor(value) || value < 0) {
      messages.push_back(fmt::format("{} must be a whole number, 0 or more", name));
    } else if (value > 0) {
      *target = static_cast<std::int64_t>(std::min(value, 1e12));
    }
  }
  if (!messages.empty()) return app.reply_errors(context, messages);
  projections::product_search_filters filters;
  filters.sku = context->query.get("sku").value_or("");
  filters.barcode = context->query.get("barcode").value_or("");
  filters.name = context->query.get("name").value_or("");
  filters.category = context->query.get("categoryId").value_or("");
  if (const auto active = context->query.get("isActive")) filters.is_active = *active == "true";
  app.answer_query(context, [&](const view_state& state) {
    return projections::products_search(state, context->caller(), filters, paging);
  });
}

void users_list(server_app& app, const context_ptr& context) {
  const auto paging = app.paging(context, 20);
  if (!paging) return;
  app.answer_query(context, [&](const view_state& state) {
    return projections::users_list(state, context->caller(), *paging);
  });
}

void branches_list(server_app& app, const context_ptr& context) {
  app.answer_query(context, [&](const view_state& state) {
    return projections::branches_list(state, context->caller());
  });
}

void categories_list(server_app& app, const context_ptr& context) {
  app.answer_query(context, [&](const view_state& state) {
    return projections::categories_list(state, context->caller(), search_of(context));
  });
}

void product_by_barcode(server_app& app, const context_ptr& context) {
  app.answer_query(context, [&](const view_state& state) {
    return projections::product_by_barcode(state, context->caller(),
                                           context->params.get("barcode"));
  });
}

void suppliers_list(server_app& app, const context_ptr& context) {
  app.answer_query(context, [&](const view_state& state) {
    return projections::suppliers_list(state, context->caller(), search_of(context));
  });
}

void customers_list(server_app& app, const context_ptr& context) {
  const auto paging = app.paging(context, 20);
  if (!paging) return;
  app.answer_query(context, [&](const view_state& state) {
    return projections::customers_list(state, context->caller(), search_of(context), *paging);
  });
}

void customer_by_phone(server_app& app, const context_ptr& context) {
  app.answer_query(context, [&](const view_state& state) {
    return projections::customer_by_phone(state, context->caller(), context->params.get("phone"));
  });
}

}  // namespace

void add_catalog_routes(router<route_entry>& routes) {
  add_route(routes, "GET", "/api/users", {SUPER_ADMIN, BRANCH_MANAGER, OWNER}, users_list);
  add_route(routes, "GET", "/api/users/:id", {SUPER_ADMIN, BRANCH_MANAGER},
      by_id<user_id>(entity_kind::user, projections::user_get));
  add_route(routes, "GET", "/api/branches", {SUPER_ADMIN, BRANCH_MANAGER, OWNER, INVENTORY_STAFF},
      branches_list);
  add_route(routes, "GET", "/api/branches/:id", {SUPER_ADMIN, BRANCH_MANAGER},
      by_id<branch_id>(entity_kind::branch, projections::branch_get));
  add_route(routes, "GET", "/api/categories", {SUPER_ADMIN, BRANCH_MANAGER, CASHIER, INVENTORY_STAFF},
      categories_list);
  add_route(routes, "GET", "/api/categories/:id", {SUPER_ADMIN, BRANCH_MANAGER, INVENTORY_STAFF},
      by_id<category_id>(entity_kind::category, projections::category_get));
  add_route(routes, "GET", "/api/products/search",
      {SUPER_ADMIN, BRANCH_MANAGER, CASHIER, INVENTORY_STAFF}, products_search);
  add_route(routes, "GET", "/api/products/barcode/:barcode",
      {SUPER_ADMIN, BRANCH_MANAGER, CASHIER, INVENTORY_STAFF}, product_by_barcode);
  add_route(routes, "GET", "/api/products/:id", {SUPER_ADMIN, BRANCH_MANAGER, INVENTORY_STAFF},
      by_id<product_id>(entity_kind::product, projections::product_get));
  add_route(routes, "GET", "/api/suppliers", {SUPER_ADMIN, BRANCH_MANAGER, INVENTORY_STAFF},
      suppliers_list);
  add_route(routes, "GET", "/api/suppliers/:id", {SUPER_ADMIN, BRANCH_MANAGER, INVENTORY_STAFF},
      by_id<supplier_id>(entity_kind::supplier, projections::supplier_get));
  add_route(routes, "GET", "/api/customers", {SUPER_ADMIN, BRANCH_MANAGER, CASHIER}, customers_list);
  add_route(routes, "GET", "/api/customers/phone/:phone", {SUPER_ADMIN, BRANCH_MANAGER, CASHIER},
      customer_by_phone);
  add_route(routes, "GET", "/api/customers/:id", {SUPER_ADMIN, BRANCH_MANAGER},
      by_id<customer_id>(entity_kind::customer, projections::customer_get));
}

}  // namespace ledger::api
