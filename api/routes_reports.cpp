// The routes of api-contract sections 10 (reports, dashboard) and 11 (audit log). The answers
// come from projections/report_queries.h and projections/audit_queries.h; this file parses
// dates, windows and filters. All UTC; an unparsable date is 400 (10.0 [C++]).
#include <fmt/format.h>

#include "api/server_app.h"
#include "api/validation.h"
#include "projections/audit_queries.h"
#include "projections/report_queries.h"
#include "projections/time_text.h"

namespace ledger::api {
namespace {

using projections::view_state;
using context_ptr = std::shared_ptr<request_context>;

constexpr std::int64_t year_us = 365 * projections::us_per_day;

// A date of the query string (nullopt when absent). On an unparsable one, answers 400 with
// `message` and sets `failed`.
std::optional<std::int64_t> query_date(server_app& app, const context_ptr& context,
                                       std::string_view name, std::string_view message,
                                       bool& failed) {
  const auto text = context->query.get(name);
  if (!text) return std::nullopt;
  const auto instant = projections::parse_query_date(*text);
  if (!instant) {
    failed = true;
    app.reply_error(context, 400, message);
  }
  return instant;
}

// The [start, end] window of 10.2, 10.4 and 10.5: startDate as given (default a year before
// "now"), endDate extended to the end of its UTC day (default "now"). "Now" is the clock, or
// the asOf point for a report as of the past, so it is resolved when the views are.
struct window_dates {
  std::optional<std::int64_t> start_us;
  std::optional<std::int64_t> end_us;
};

struct window {
  std::int64_t start_us = 0;
  std::int64_t end_us = 0;
};

window window_at(const window_dates& dates, std::int64_t now) {
  return window{dates.start_us.value_or(now - year_us),
                dates.end_us ? projections::day_end_us(projections::utc_day(*dates.end_us)) : now};
}

std::optional<window_dates> report_window(server_app& app, const context_ptr& context) {
  bool failed = false;
  const auto start = query_date(app, context, "startDate",
                                "startDate must be a valid date (YYYY-MM-DD or ISO-8601)", failed);
  if (failed) return std::nullopt;
  const auto end = query_date(app, context, "endDate",
                              "endDate must be a valid date (YYYY-MM-DD or ISO-8601)", failed);
  if (failed) return std::nullopt;
  return window_dates{start, end};
}

// Reports and the dashboard take asOf (the views as of a sequence or a time).
constexpr bool takes_as_of = true;

void daily_sales(server_app& app, const context_ptr& context) {
  bool failed = false;
  const auto date =
      query_date(app, context, "date", "date must be a valid date (YYYY-MM-DD or ISO-8601)", failed);
  if (failed) return;
  const auto paging = app.paging(context, 50);
  if (!paging) return;
  app.answer_query(context, [date, paging, who = context->caller()](const view_state& state,
                                                                    std::int64_t now) {
    return projections::daily_sales(state, who, projections::utc_day(date.value_or(now)), *paging);
  }, takes_as_of);
}

void product_sales(server_app& app, const context_ptr& context) {
  const auto dates = report_window(app, context);
  if (!dates) return;
  // A non-numeric limit gives empty lists, as in the reference (10.2).
  std::int64_t limit = 20;
  if (const auto text = context->query.get("limit")) limit = parse_int(*text).value_or(-1);
  app.answer_query(context, [dates, limit, who = context->caller()](const view_state& state,
                                                                    std::int64_t now) {
    const window range = window_at(*dates, now);
    return projections::product_sales(state, who, range.start_us, range.end_us, limit);
  }, takes_as_of);
}

void inventory_valuation(server_app& app, const context_ptr& context) {
  const auto paging = app.paging(context, 50);
  if (!paging) return;
  app.answer_query(context, [paging, who = context->caller()](const view_state& state) {
    return projections::inventory_valuation(state, who, *paging);
  }, takes_as_of);
}

void profit(server_app& app, const context_ptr& context) {
  const auto dates = report_window(app, context);
  if (!dates) return;
  app.answer_query(context, [dates, who = context->caller(),
                             start = std::string(context->query.get("startDate").value_or("")),
                             end = std::string(context->query.get("endDate").value_or(""))](
                                const view_state& state, std::int64_t now) {
    const window range = window_at(*dates, now);
    return projections::profit(state, who, range.start_us, range.end_us,
                               projections::period_text{start, end});
  }, takes_as_of);
}

void cashier_performance(server_app& app, const context_ptr& context) {
  const auto dates = report_window(app, context);
  if (!dates) return;
  app.answer_query(context, [dates, who = context->caller()](const view_state& state,
                                                             std::int64_t now) {
    const window range = window_at(*dates, now);
    return projections::cashier_performance(state, who, range.start_us, range.end_us);
  }, takes_as_of);
}

void dashboard(server_app& app, const context_ptr& context) {
  app.answer_query(context, [who = context->caller()](const view_state& state, std::int64_t now) {
    return projections::dashboard_for(state, who, now);
  }, takes_as_of);
}

// 11.2. Unknown entity or action names match nothing; unparsable dates are 400 "Invalid data
// format" (the reference's database error).
void audit(server_app& app, const context_ptr& context) {
  const auto paging = app.paging(context, 20);
  if (!paging) return;
  projections::audit_filters filters;
  bool failed = false;
  filters.start_us = query_date(app, context, "startDate", "Invalid data format", failed);
  if (failed) return;
  filters.end_us = query_date(app, context, "endDate", "Invalid data format", failed);
  if (failed) return;
  if (const auto entity = context->query.get("entity")) {
    filters.entity = projections::parse_audit_entity(*entity);
    filters.matches_nothing |= !filters.entity;
  }
  if (const auto action = context->query.get("action")) {
    filters.action = projections::parse_audit_action(*action);
    filters.matches_nothing |= !filters.action;
  }
  app.answer_query(context, [&](const view_state& state) {
    if (const auto user = context->query.get("userId")) {
      filters.user = id_in<user_id>(state, *user, entity_kind::user);
      filters.matches_nothing |= filters.user->value == 0;  // actor 0 is the ledger itself
    }
    return projections::audit_list(state, context->caller(), filters, *paging);
  });
}

// 11.3.
void inventory_audit(server_app& app, const context_ptr& context) {
  const auto paging = app.paging(context, 20);
  if (!paging) return;
  projections::inventory_audit_filters filters;
  if (const auto type = context->query.get("type")) {
    filters.type = projections::parse_audit_action(*type);
    filters.matches_nothing |= !filters.type;
  }
  app.answer_query(context, [&](const view_state& state) {
    if (const auto product = context->query.get("productId")) {
      filters.product = id_in<product_id>(state, *product, entity_kind::product);
      filters.matches_nothing |= filters.product->value == 0;
    }
    if (const auto branch = context->query.get("branchId")) {
      filters.branch = id_in<branch_id>(state, *branch, entity_kind::branch);
      filters.matches_nothing |= filters.branch->value == 0;
    }
    return projections::inventory_audit(state, context->caller(), filters, *paging);
  });
}

}  // namespace

void add_report_routes(router<route_entry>& routes) {
  add_route(routes, "GET", "/api/reports/daily-sales", {SUPER_ADMIN, BRANCH_MANAGER, OWNER},
            daily_sales);
  add_route(routes, "GET", "/api/reports/product-sales", {SUPER_ADMIN, BRANCH_MANAGER, OWNER},
            product_sales);
  add_route(routes, "GET", "/api/reports/inventory-valuation",
            {SUPER_ADMIN, BRANCH_MANAGER, INVENTORY_STAFF, OWNER}, inventory_valuation);
  add_route(routes, "GET", "/api/reports/profit", {SUPER_ADMIN, BRANCH_MANAGER, OWNER}, profit);
  add_route(routes, "GET", "/api/reports/cashier-performance",
            {SUPER_ADMIN, BRANCH_MANAGER, OWNER}, cashier_performance);
  add_route(routes, "GET", "/api/dashboard", {SUPER_ADMIN, BRANCH_MANAGER, OWNER}, dashboard);
  add_route(routes, "GET", "/api/audit", {SUPER_ADMIN, BRANCH_MANAGER, OWNER}, audit);
  add_route(routes, "GET", "/api/audit/inventory", {SUPER_ADMIN, BRANCH_MANAGER, INVENTORY_STAFF},
            inventory_audit);
}

}  // namespace ledger::api
