// report_queries: contract section 10 from the views. See report_queries.h for the rules.
#include "projections/report_queries.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <utility>
#include <vector>

#include "events/assert.h"
#include "events/money.h"
#include "projections/catalog_queries.h"
#include "projections/json_writer.h"
#include "projections/time_text.h"

namespace ledger::projections {
namespace {

using scope_t = std::optional<branch_id>;

// The dashboard lists this many recent sales (contract 10.6).
inline constexpr std::size_t recent_sales_max = 10;
inline constexpr std::size_t payment_method_count = 3;  // CASH, BANK_TRANSFER, E_WALLET
static_assert(static_cast<std::size_t>(payment_method::MAX) + 1 == payment_method_count);

bool in_scope(scope_t scope, branch_id branch) { return !scope || *scope == branch; }

// Positions [first, last) of the rows whose time lies in [start_us, end_us]; rows are in time
// order (the writer's clock never goes back: engine/evolve.cpp asserts it).
struct row_range {
  std::size_t first = 0;
  std::size_t last = 0;
};

template <class Rows, class TimeOf>
row_range window(const Rows& rows, std::int64_t start_us, std::int64_t end_us, TimeOf time_of) {
  if (end_us < start_us) return {};
  const auto begin = rows.begin();
  const auto lo =
      std::lower_bound(begin, rows.end(), start_us,
                       [&](const auto& row, std::int64_t t) { return time_of(row) < t; });
  const auto hi = std::upper_bound(
      lo, rows.end(), end_us, [&](std::int64_t t, const auto& row) { return t < time_of(row); });
  return {static_cast<std::size_t>(lo - begin), static_cast<std::size_t>(hi - begin)};
}

row_range sales_window(const sales_view& sales, std::int64_t start_us, std::int64_t end_us) {
  return window(sales.sales, start_us, end_us, [](const sale_view& s) { return s.created_at_us; });
}

// Calls f(return, sale) for every return recorded in the window at a branch in scope.
template <class F>
void for_returns_in(const sales_view& sales, scope_t scope, std::int64_t start_us,
                    std::int64_t end_us, F f) {
  const row_range range =
      window(sales.returns, start_us, end_us, [](const return_view& r) { return r.created_at_us; });
  for (std::size_t i = range.first; i < range.last; ++i) {
    const return_view& ret = sales.returns[i];
    if (!in_scope(scope, ret.branch)) continue;
    const sale_view* sale = sales.find(ret.sale);
    LEDGER_ASSERT(sale != nullptr, "return {} of unknown sale {}", ret.id.value, ret.sale.value);
    f(ret, *sale);
  }
}

// Calls f(cancellation, sale) for every cancellation recorded in the window in scope.
template <class F>
void for_cancellations_in(const sales_view& sales, scope_t scope, std::int64_t start_us,
                          std::int64_t end_us, F f) {
  const row_range range = window(sales.cancellations, start_us, end_us,
                                 [](const cancellation_view& c) { return c.at_us; });
  for (std::size_t i = range.first; i < range.last; ++i) {
    const cancellation_view& cancel = sales.cancellations[i];
    if (!in_scope(scope, cancel.branch)) continue;
    const sale_view* sale = sales.find(cancel.sale);
    LEDGER_ASSERT(sale != nullptr, "cancellation of unknown sale {}", cancel.sale.value);
    f(cancel, *sale);
  }
}

// The net-of-returns figures (report_queries.h, "Net figures").
struct net_figures {
  std::int64_t gross_revenue = 0;
  std::int64_t gross_cost = 0;
  std::int64_t refunds = 0;
  std::int64_t refunded_cost = 0;
  std::int64_t cancelled = 0;
  std::int64_t cancelled_cost = 0;

  void add(const sale_view& sale) {
    gross_revenue += sale.total_amount;
    gross_cost += sale.total_cost;
  }
  void add(const return_view& ret) {
    refunds += ret.total_refund;
    refunded_cost += ret.total_cost;
  }
  void add(const cancellation_view& cancel) {
    cancelled += cancel.reversed_amount;
    cancelled_cost += cancel.reversed_cost;
  }
  void add(const net_figures& o) {
    gross_revenue += o.gross_revenue;
    gross_cost += o.gross_cost;
    refunds += o.refunds;
    refunded_cost += o.refunded_cost;
    cancelled += o.cancelled;
    cancelled_cost += o.cancelled_cost;
  }
};

void write_net_fields(json_writer& json, const net_figures& net) {
  const std::int64_t net_revenue = net.gross_revenue - net.refunds - net.cancelled;
  const std::int64_t net_cost = net.gross_cost - net.refunded_cost - net.cancelled_cost;
  json.money_number_field("grossRevenue", net.gross_revenue)
      .money_number_field("refunds", net.refunds)
      .money_number_field("cancelled", net.cancelled)
      .money_number_field("netRevenue", net_revenue)
      .money_number_field("netCost", net_cost)
      .money_number_field("netProfit", net_revenue - net_cost);
}

// total / count rounded half away from zero; 0 when there is nothing to average.
std::int64_t average(std::int64_t total, std::int64_t count) {
  return count > 0 ? money::divide_rounded(total, count) : 0;
}

// profit / revenue × 100 with two decimals and "%" ("25.93%", "-4.00%"); "0%" for no revenue.
std::string margin_text(std::int64_t profit_minor, std::int64_t revenue_minor) {
  if (revenue_minor == 0) return "0%";
  money::wide numerator = money::wide{profit_minor} * 10000;  // percent in hundredths
  std::int64_t denominator = revenue_minor;
  if (denominator < 0) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const std::int64_t hundredths = money::divide_rounded(numerator, denominator);
  const std::uint64_t magnitude = hundredths < 0 ? 0 - static_cast<std::uint64_t>(hundredths)
                                                 : static_cast<std::uint64_t>(hundredths);
  return fmt::format("{}{}.{:02}%", hundredths < 0 ? "-" : "", magnitude / 100, magnitude % 100);
}

// True when item `index` (0-based, in the report's order) falls on the page that starts at
// item `offset` (page_offset) and holds `limit` items.
bool on_page(std::int64_t index, std::int64_t offset, std::int64_t limit) {
  return index >= offset && index - offset < limit;
}

void write_report_pagination(json_writer& json, page_request page, std::int64_t total) {
  json.key("pagination")
      .begin_object()
      .integer_field("page", page.page)
      .integer_field("limit", page.limit)
      .integer_field("total", total)
      .end_object();
}

// Per-day totals of COMPLETED sales over the branches in scope.
day_totals completed_on(const view_state& state, scope_t scope, std::int64_t day) {
  day_totals sum;
  const auto add = [&](branch_id branch) {
    const auto it = state.sales.completed_by_day.find(day_key{branch, day});
    if (it == state.sales.completed_by_day.end()) return;
    const day_totals& t = it->second;
    sum.count += t.count;
    sum.revenue += t.revenue;
    sum.cost += t.cost;
    sum.items += t.items;
    for (std::size_t h = 0; h < sum.hours.size(); ++h) {
      sum.hours[h].count += t.hours[h].count;
      sum.hours[h].revenue += t.hours[h].revenue;
    }
  };
  if (scope) {
    add(*scope);
  } else {
    // The branches with sales, from the sales section itself (the catalog may be at another
    // checkpoint while a section is rebuilt).
    for (const auto& [branch, count] : state.sales.sales_by_branch) add(branch);
  }
  return sum;
}

std::string_view user_name(const view_state& state, user_id id) {
  const auto* user = state.catalog.model.find(id);
  return user != nullptr ? std::string_view{user->full_name} : std::string_view{};
}

std::string_view branch_name(const view_state& state, branch_id id) {
  const auto* branch = state.catalog.model.find(id);
  return branch != nullptr ? std::string_view{branch->name} : std::string_view{};
}

std::string_view category_name(const view_state& state, category_id id) {
  const auto* category = state.catalog.model.find(id);
  return category != nullptr ? std::string_view{category->name} : std::string_view{};
}

// A daily-report sale: SaleRow + items {quantity, unitPrice, costPrice}, payments, cashier
// {id, fullName}, branch {id, name} (contract 10.1).
void write_daily_sale(json_writer& json, const view_state& state, const sale_view& sale) {
  json.begin_object();
  write_sale_row(json, state, sale);
  json.key("items").begin_array();
  for (const sale_line_view& line : sale.lines) {
    json.begin_object()
        .integer_field("quantity", line.quantity)
        .money_string_field("unitPrice", line.unit_price)
        .money_string_field("costPrice", line.cost_price)
        .end_object();
  }
  json.end_array();
  json.key("payments").begin_array();
  for (const payment_view& payment : sale.payments) {
    json.begin_object();
    write_payment_row(json, state, sale, payment);
    json.end_object();
  }
  json.end_array();
  json.key("cashier")
      .begin_object()
      .string_field("id", state.uuid(entity_kind::user, sale.cashier))
      .string_field("fullName", user_name(state, sale.cashier))
      .end_object();
  json.key("branch")
      .begin_object()
      .string_field("id", state.uuid(entity_kind::branch, sale.branch))
      .string_field("name", branch_name(state, sale.branch))
      .end_object();
  json.end_object();
}

}  // namespace

std::optional<branch_id> report_scope(const caller& who) {
  if (who.role == user_role::SUPER_ADMIN || who.role == user_role::OWNER) return std::nullopt;
  if (!who.branch) return std::nullopt;  // [ref]: no branch, no filter
  return who.branch;
}

// ------------------------------------------------------------------ 10.1 daily sales

std::string daily_sales(const view_state& state, const caller& who, std::int64_t day,
                        page_request page) {
  const scope_t scope = report_scope(who);
  const std::int64_t start_us = day_start_us(day);
  const std::int64_t end_us = day_end_us(day);
  const sales_view& sales = state.sales;

  // The summary comes from the per-day totals; the scan below gives everything else and checks
  // the totals (pair assertion: two independent paths to the same count and revenue).
  const day_totals totals = completed_on(state, scope, day);
  std::vector<std::uint32_t> completed;  // positions of the day's COMPLETED sales in scope
  std::array<std::int64_t, payment_method_count> paid{};
  std::array<bool, payment_method_count> method_seen{};
  net_figures net;
  std::int64_t scanned_revenue = 0;
  const row_range range = sales_window(sales, start_us, end_us);
  for (std::size_t i = range.first; i < range.last; ++i) {
    const sale_view& sale = sales.sales[i];
    if (!in_scope(scope, sale.branch)) continue;
    net.add(sale);
    if (sale.status != sale_status::COMPLETED) continue;
    completed.push_back(static_cast<std::uint32_t>(i));
    scanned_revenue += sale.total_amount;
    for (const payment_view& payment : sale.payments) {
      const auto m = static_cast<std::size_t>(payment.method);
      LEDGER_ASSERT(m < payment_method_count, "payment method {} out of range", m);
      paid[m] += payment.amount;
      method_seen[m] = true;
    }
  }
  LEDGER_ASSERT(static_cast<std::int64_t>(completed.size()) == totals.count,
                "day {}: {} completed sales scanned, {} in the day totals", day, completed.size(),
                totals.count);
  LEDGER_ASSERT(scanned_revenue == totals.revenue, "day {}: revenue {} scanned, {} in the totals",
                day, scanned_revenue, totals.revenue);
  for_returns_in(sales, scope, start_us, end_us,
                 [&](const return_view& ret, const sale_view&) { net.add(ret); });
  for_cancellations_in(sales, scope, start_us, end_us,
                       [&](const cancellation_view& c, const sale_view&) { net.add(c); });

  json_writer json;
  json.begin_object();
  json.string_field("date", format_date(day));
  json.key("summary").begin_object();
  json.integer_field("totalInvoices", totals.count)
      .integer_field("totalItems", totals.items)
      .money_number_field("totalRevenue", totals.revenue)
      .money_number_field("totalCost", totals.cost)
      .money_number_field("totalProfit", totals.revenue - totals.cost)
      .money_number_field("averageOrderValue", average(totals.revenue, totals.count));
  write_net_fields(json, net);
  json.end_object();
  json.key("paymentBreakdown").begin_object();
  for (std::size_t m = 0; m < payment_method_count; ++m) {
    if (!method_seen[m]) continue;
    json.money_number_field(events::wire::EnumNamepayment_method(static_cast<payment_method>(m)),
                            paid[m]);
  }
  json.end_object();
  json.key("sales").begin_array();
  // Newest first: the k-th sale of the page is completed[size - 1 - k].
  const auto count = static_cast<std::int64_t>(completed.size());
  const std::int64_t offset = page_offset(page.page, page.limit);
  for (std::int64_t k = offset; k < count && on_page(k, offset, page.limit); ++k) {
    write_daily_sale(json, state, sales.sales[completed[static_cast<std::size_t>(count - 1 - k)]]);
  }
  json.end_array();
  write_report_pagination(json, page, totals.count);
  json.integer_field("sequence", static_cast<std::int64_t>(state.applied()));
  json.end_object();
  return json.take();
}

// ------------------------------------------------------------------ 10.2 product sales

namespace {

struct product_row {
  const engine::product_record* product = nullptr;
  std::int64_t quantity = 0;
  std::int64_t revenue = 0;
  std::int64_t cost = 0;
};

bool sku_less(const engine::product_record* a, const engine::product_record* b) {
  if (a->sku != b->sku) return a->sku < b->sku;
  return a->id < b->id;
}

// Active products by SKU (then id): the deterministic order that breaks ties.
std::vector<const engine::product_record*> active_products_by_sku(const view_state& state) {
  std::vector<const engine::product_record*> products;
  products.reserve(state.catalog.model.products.size());
  for (const auto& [id, product] : state.catalog.model.products) {
    if (product.is_active) products.push_back(&product);
  }
  std::sort(products.begin(), products.end(), sku_less);
  return products;
}

void write_product_sales_row(json_writer& json, const view_state& state, const product_row& row) {
  const engine::product_record& p = *row.product;
  json.begin_object()
      .string_field("productId", state.uuid(entity_kind::product, p.id))
      .string_field("sku", p.sku)
      .string_field("name", p.name)
      .string_field("barcode", p.barcode)
      .string_field("category", category_name(state, p.category))
      .integer_field("totalQty", row.quantity)
      .money_number_field("totalRevenue", row.revenue)
      .money_number_field("totalCost", row.cost)
      .money_number_field("totalProfit", row.revenue - row.cost)
      .end_object();
}

}  // namespace

std::string product_sales(const view_state& state, const caller& who, std::int64_t start_us,
                          std::int64_t end_us, std::int64_t limit) {
  const scope_t scope = report_scope(who);
  const auto products = active_products_by_sku(state);
  std::vector<product_row> rows(products.size());
  engine::flat_map<product_id, std::uint32_t> slot_of;
  slot_of.reserve(products.size());
  for (std::uint32_t i = 0; i < products.size(); ++i) {
    rows[i].product = products[i];
    slot_of.emplace(products[i]->id, i);
  }

  const sales_view& sales = state.sales;
  const row_range range = sales_window(sales, start_us, end_us);
  for (std::size_t i = range.first; i < range.last; ++i) {
    const sale_view& sale = sales.sales[i];
    if (sale.status != sale_status::COMPLETED || !in_scope(scope, sale.branch)) continue;
    for (const sale_line_view& line : sale.lines) {
      const auto it = slot_of.find(line.product);
      if (it == slot_of.end()) continue;  // an inactive product has no row
      product_row& row = rows[it->second];
      row.quantity += line.quantity;
      row.revenue += line.unit_price * line.quantity;
      row.cost += line.cost_price * line.quantity;
    }
  }

  // Rows are in SKU order, so the row index is the tie-break.
  const std::size_t shown = static_cast<std::size_t>(
      std::clamp<std::int64_t>(limit, 0, static_cast<std::int64_t>(rows.size())));
  std::vector<std::uint32_t> order(rows.size());
  const auto rank = [&](bool descending) {
    std::iota(order.begin(), order.end(), 0u);
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(shown),
                      order.end(), [&](std::uint32_t a, std::uint32_t b) {
                        if (rows[a].quantity != rows[b].quantity) {
                          return descending ? rows[a].quantity > rows[b].quantity
                                            : rows[a].quantity < rows[b].quantity;
                        }
                        return a < b;
                      });
  };

  json_writer json;
  json.begin_object();
  for (const bool descending : {true, false}) {
    rank(descending);
    json.key(descending ? "topSelling" : "slowMoving").begin_array();
    for (std::size_t k = 0; k < shown; ++k) write_product_sales_row(json, state, rows[order[k]]);
    json.end_array();
  }
  std::int64_t sellers = 0;
  std::int64_t sold = 0;
  std::int64_t revenue = 0;
  std::int64_t cost = 0;
  for (const product_row& row : rows) {
    if (row.quantity > 0) ++sellers;
    sold += row.quantity;
    revenue += row.revenue;
    cost += row.cost;
  }
  json.key("summary")
      .begin_object()
      .integer_field("totalProducts", sellers)
      .integer_field("totalSold", sold)
      .money_number_field("totalRevenue", revenue)
      .money_number_field("totalProfit", revenue - cost)
      .end_object();
  json.integer_field("sequence", static_cast<std::int64_t>(state.applied()));
  json.end_object();
  return json.take();
}

// ------------------------------------------------------------------ 10.3 inventory valuation

namespace {

struct category_total {
  std::string_view name;
  std::int64_t quantity = 0;
  std::int64_t cost = 0;
  std::int64_t retail = 0;
};

}  // namespace

std::string inventory_valuation(const view_state& state, const caller& who, page_request page) {
  const scope_t scope = report_scope(who);
  const engine::write_model& model = state.catalog.model;

  std::vector<const engine::branch_record*> branches;
  for (const auto& [id, branch] : model.branches) {
    if (in_scope(scope, id)) branches.push_back(&branch);
  }
  std::sort(branches.begin(), branches.end(),
            [](const engine::branch_record* a, const engine::branch_record* b) {
              if (a->code != b->code) return a->code < b->code;
              return a->id < b->id;
            });
  const auto products = active_products_by_sku(state);

  // Categories get a slot on first sight; the breakdown merges slots of equal names.
  engine::flat_map<category_id, std::uint32_t> category_slot;
  std::vector<category_total> categories;
  std::vector<bool> product_seen(products.size(), false);
  std::int64_t rows = 0;
  std::int64_t quantity_total = 0;
  std::int64_t cost_total = 0;
  std::int64_t retail_total = 0;

  const std::int64_t offset = page_offset(page.page, page.limit);

  json_writer json;
  json.begin_object();
  json.key("items").begin_array();
  for (const engine::branch_record* branch : branches) {
    for (std::size_t p = 0; p < products.size(); ++p) {
      const engine::product_record& product = *products[p];
      const engine::stock_key key{branch->id, product.id};
      if (!state.catalog.stock_rows.contains(key)) continue;
      const std::int64_t quantity = model.stock_of(branch->id, product.id);
      const std::int64_t cost = quantity * product.cost_price;
      const std::int64_t retail = quantity * product.selling_price;
      product_seen[p] = true;
      quantity_total += quantity;
      cost_total += cost;
      retail_total += retail;
      const auto [slot, inserted] = category_slot.try_emplace(
          product.category, static_cast<std::uint32_t>(categories.size()));
      if (inserted) {
        categories.emplace_back();
        categories.back().name = category_name(state, product.category);
      }
      category_total& category = categories[slot->second];
      category.quantity += quantity;
      category.cost += cost;
      category.retail += retail;
      if (on_page(rows, offset, page.limit)) {
        json.begin_object()
            .string_field("productId", state.uuid(entity_kind::product, product.id))
            .string_field("sku", product.sku)
            .string_field("productName", product.name)
            .string_field("category", category.name)
            .string_field("unit", product.unit)
            .integer_field("quantity", quantity)
            .money_number_field("costPrice", product.cost_price)
            .money_number_field("sellingPrice", product.selling_price)
            .money_number_field("totalCost", cost)
            .money_number_field("totalRetail", retail)
            .money_number_field("potentialProfit", retail - cost)
            .string_field("branch", branch->name)
            .end_object();
      }
      ++rows;
    }
  }
  json.end_array();

  std::sort(categories.begin(), categories.end(),
            [](const category_total& a, const category_total& b) { return a.name < b.name; });
  json.key("categoryBreakdown").begin_array();
  for (std::size_t i = 0; i < categories.size();) {
    category_total merged = categories[i];
    for (++i; i < categories.size() && categories[i].name == merged.name; ++i) {
      merged.quantity += categories[i].quantity;
      merged.cost += categories[i].cost;
      merged.retail += categories[i].retail;
    }
    json.begin_object()
        .string_field("category", merged.name)
        .integer_field("quantity", merged.quantity)
        .money_number_field("totalCost", merged.cost)
        .money_number_field("totalRetail", merged.retail)
        .end_object();
  }
  json.end_array();
  json.key("summary")
      .begin_object()
      .integer_field("totalProducts", std::count(product_seen.begin(), product_seen.end(), true))
      .integer_field("totalQuantity", quantity_total)
      .money_number_field("totalCostValue", cost_total)
      .money_number_field("totalRetailValue", retail_total)
      .money_number_field("totalPotentialProfit", retail_total - cost_total)
      .end_object();
  write_report_pagination(json, page, rows);
  json.integer_field("sequence", static_cast<std::int64_t>(state.applied()));
  json.end_object();
  return json.take();
}

// ------------------------------------------------------------------ 10.4 profit

namespace {

struct profit_day {
  std::int64_t day = 0;
  std::int64_t count = 0;  // COMPLETED sales created that day
  std::int64_t revenue = 0;
  std::int64_t cost = 0;
  net_figures net;
};

}  // namespace

std::string profit(const view_state& state, const caller& who, std::int64_t start_us,
                   std::int64_t end_us, period_text period) {
  const scope_t scope = report_scope(who);
  const sales_view& sales = state.sales;

  // One row per day with any activity in the window; dates without COMPLETED sales are not
  // printed but their net figures count in the summary.
  std::vector<profit_day> days;
  engine::flat_map<std::int64_t, std::uint32_t> day_slot;
  const auto day_of = [&](std::int64_t at_us) -> profit_day& {
    const std::int64_t day = utc_day(at_us);
    // Sales arrive in time order: the last row is usually the one.
    if (!days.empty() && days.back().day == day) return days.back();
    const auto [it, inserted] = day_slot.try_emplace(day, static_cast<std::uint32_t>(days.size()));
    if (inserted) {
      days.emplace_back();
      days.back().day = day;
    }
    return days[it->second];
  };
  const row_range range = sales_window(sales, start_us, end_us);
  for (std::size_t i = range.first; i < range.last; ++i) {
    const sale_view& sale = sales.sales[i];
    if (!in_scope(scope, sale.branch)) continue;
    profit_day& row = day_of(sale.created_at_us);
    row.net.add(sale);
    if (sale.status != sale_status::COMPLETED) continue;
    ++row.count;
    row.revenue += sale.total_amount;
    row.cost += sale.total_cost;
  }
  for_returns_in(sales, scope, start_us, end_us, [&](const return_view& ret, const sale_view&) {
    day_of(ret.created_at_us).net.add(ret);
  });
  for_cancellations_in(
      sales, scope, start_us, end_us,
      [&](const cancellation_view& c, const sale_view&) { day_of(c.at_us).net.add(c); });
  std::sort(days.begin(), days.end(),
            [](const profit_day& a, const profit_day& b) { return a.day < b.day; });

  json_writer json;
  json.begin_object();
  json.key("daily").begin_array();
  profit_day total;
  const profit_day* first = nullptr;
  const profit_day* last = nullptr;
  std::int64_t listed = 0;
  for (const profit_day& row : days) {
    total.net.add(row.net);
    if (row.count == 0) continue;
    if (first == nullptr) first = &row;
    last = &row;
    ++listed;
    total.count += row.count;
    total.revenue += row.revenue;
    total.cost += row.cost;
    json.begin_object()
        .string_field("date", format_date(row.day))
        .money_number_field("revenue", row.revenue)
        .money_number_field("cost", row.cost)
        .money_number_field("profit", row.revenue - row.cost)
        .integer_field("count", row.count)
        .string_field("margin", margin_text(row.revenue - row.cost, row.revenue));
    write_net_fields(json, row.net);
    json.end_object();
  }
  json.end_array();

  const std::string start_text = !period.start.empty() ? std::string{period.start}
                                 : first != nullptr    ? format_date(first->day)
                                                       : format_date(utc_day(start_us));
  const std::string end_text = !period.end.empty() ? std::string{period.end}
                               : last != nullptr   ? format_date(last->day)
                                                   : format_date(utc_day(end_us));
  json.key("summary").begin_object();
  json.key("period")
      .begin_object()
      .string_field("start", start_text)
      .string_field("end", end_text)
      .integer_field("days", listed)
      .end_object();
  json.money_number_field("totalRevenue", total.revenue)
      .money_number_field("totalCost", total.cost)
      .money_number_field("totalProfit", total.revenue - total.cost)
      .integer_field("totalInvoices", total.count)
      .string_field("profitMargin", margin_text(total.revenue - total.cost, total.revenue));
  write_net_fields(json, total.net);
  json.end_object();
  json.integer_field("sequence", static_cast<std::int64_t>(state.applied()));
  json.end_object();
  return json.take();
}

// ------------------------------------------------------------------ 10.5 cashier performance

namespace {

// A row's key: the cashier and the branch's name (the reference groups by name).
struct cashier_key {
  user_id cashier;
  std::uint32_t branch_name = 0;  // slot in the distinct branch names
  friend bool operator==(const cashier_key&, const cashier_key&) = default;
};

struct cashier_key_hash {
  std::size_t operator()(const cashier_key& key) const noexcept {
    return static_cast<std::size_t>((key.cashier.value * 0x9E3779B97F4A7C15ull) ^ key.branch_name);
  }
};

struct cashier_row {
  cashier_key key;
  std::int64_t count = 0;  // COMPLETED sales
  std::int64_t revenue = 0;
  std::int64_t items = 0;
  net_figures net;
};

}  // namespace

std::string cashier_performance(const view_state& state, const caller& who, std::int64_t start_us,
                                std::int64_t end_us) {
  const scope_t scope = report_scope(who);
  const sales_view& sales = state.sales;
  const engine::write_model& model = state.catalog.model;

  // Distinct branch names, and each branch's slot among them.
  std::vector<std::string_view> names;
  engine::flat_map<branch_id, std::uint32_t> name_slot;
  for (const auto& [id, branch] : model.branches) {
    const auto found = std::find(names.begin(), names.end(), std::string_view{branch.name});
    name_slot.emplace(id, static_cast<std::uint32_t>(found - names.begin()));
    if (found == names.end()) names.push_back(branch.name);
  }
  std::vector<cashier_row> rows;
  engine::flat_map<cashier_key, std::uint32_t, cashier_key_hash> row_slot;
  const auto row_of = [&](const sale_view& sale) -> cashier_row& {
    // A branch the catalog does not know (yet) is shown with an empty name.
    auto name = name_slot.find(sale.branch);
    if (name == name_slot.end()) {
      const auto empty = std::find(names.begin(), names.end(), std::string_view{});
      const auto slot = static_cast<std::uint32_t>(empty - names.begin());
      if (empty == names.end()) names.emplace_back();
      name = name_slot.emplace(sale.branch, slot).first;
    }
    const cashier_key key{sale.cashier, name->second};
    const auto [it, inserted] = row_slot.try_emplace(key, static_cast<std::uint32_t>(rows.size()));
    if (inserted) {
      rows.emplace_back();
      rows.back().key = key;
    }
    return rows[it->second];
  };

  const row_range range = sales_window(sales, start_us, end_us);
  for (std::size_t i = range.first; i < range.last; ++i) {
    const sale_view& sale = sales.sales[i];
    if (!in_scope(scope, sale.branch)) continue;
    cashier_row& row = row_of(sale);
    row.net.add(sale);
    if (sale.status != sale_status::COMPLETED) continue;
    ++row.count;
    row.revenue += sale.total_amount;
    row.items += sale.total_quantity;
  }
  for_returns_in(sales, scope, start_us, end_us,
                 [&](const return_view& ret, const sale_view& sale) { row_of(sale).net.add(ret); });
  for_cancellations_in(
      sales, scope, start_us, end_us,
      [&](const cancellation_view& c, const sale_view& sale) { row_of(sale).net.add(c); });

  std::vector<const cashier_row*> listed;
  for (const cashier_row& row : rows) {
    if (row.count > 0) listed.push_back(&row);
  }
  std::sort(listed.begin(), listed.end(), [&](const cashier_row* a, const cashier_row* b) {
    if (a->revenue != b->revenue) return a->revenue > b->revenue;
    const std::string_view name_a = user_name(state, a->key.cashier);
    const std::string_view name_b = user_name(state, b->key.cashier);
    if (name_a != name_b) return name_a < name_b;
    if (names[a->key.branch_name] != names[b->key.branch_name]) {
      return names[a->key.branch_name] < names[b->key.branch_name];
    }
    return a->key.cashier < b->key.cashier;
  });

  json_writer json;
  json.begin_object();
  json.key("cashiers").begin_array();
  std::int64_t sales_total = 0;
  std::int64_t revenue_total = 0;
  for (const cashier_row* row : listed) {
    const auto* user = model.find(row->key.cashier);
    sales_total += row->count;
    revenue_total += row->revenue;
    json.begin_object()
        .string_field("cashierId", state.uuid(entity_kind::user, row->key.cashier))
        .string_field("cashierName", user != nullptr ? std::string_view{user->full_name} : "")
        .string_field("email", user != nullptr ? std::string_view{user->email} : "")
        .string_field("branch", names[row->key.branch_name])
        .integer_field("totalSales", row->count)
        .money_number_field("totalRevenue", row->revenue)
        .integer_field("totalItems", row->items)
        .money_number_field("avgOrderValue", average(row->revenue, row->count));
    write_net_fields(json, row->net);
    json.end_object();
  }
  json.end_array();
  json.key("summary")
      .begin_object()
      .integer_field("totalCashiers", static_cast<std::int64_t>(listed.size()))
      .integer_field("totalSales", sales_total)
      .money_number_field("totalRevenue", revenue_total)
      .end_object();
  json.integer_field("sequence", static_cast<std::int64_t>(state.applied()));
  json.end_object();
  return json.take();
}

// ------------------------------------------------------------------ 10.6 dashboard

std::string dashboard(const view_state& state, std::optional<branch_id> scope,
                      std::int64_t now_us) {
  const engine::write_model& model = state.catalog.model;
  const day_totals today = completed_on(state, scope, utc_day(now_us));

  inventory_totals inventory;
  bool any_branch = false;
  for (const auto& [id, totals] : state.catalog.inventory) {
    if (!in_scope(scope, id)) continue;
    inventory.cost_value += totals.cost_value;
    inventory.retail_value += totals.retail_value;
    inventory.quantity += totals.quantity;
    inventory.low_stock_rows += totals.low_stock_rows;
  }
  for (const auto& [id, branch] : model.branches) any_branch = any_branch || in_scope(scope, id);
  std::int64_t active_cashiers = 0;
  for (const auto& [id, user] : model.users) {
    if (user.role == user_role::CASHIER && user.is_active && in_scope(scope, user.branch)) {
      ++active_cashiers;
    }
  }

  json_writer json;
  json.begin_object();
  json.key("today")
      .begin_object()
      .money_string_field("revenue", today.revenue)
      .integer_field("invoiceCount", today.count)
      .money_number_field("averageOrderValue", average(today.revenue, today.count))
      .end_object();
  // Every branch has a stock row of every product (they are created together), so the
  // distinct active products in scope are all active products, when the scope has a branch.
  json.key("inventory")
      .begin_object()
      .money_number_field("totalValue", inventory.cost_value)
      .money_number_field("retailValue", inventory.retail_value)
      .integer_field("lowStockCount", inventory.low_stock_rows)
      .integer_field("totalProducts", any_branch ? state.catalog.active_products : 0)
      .end_object();
  json.key("operations")
      .begin_object()
      .integer_field("activeCashiers", active_cashiers)
      .end_object();
  json.key("recentSales").begin_array();
  std::size_t listed = 0;
  for (auto it = state.sales.sales.rbegin();
       it != state.sales.sales.rend() && listed < recent_sales_max; ++it) {
    const sale_view& sale = *it;
    if (sale.status != sale_status::COMPLETED || !in_scope(scope, sale.branch)) continue;
    ++listed;
    json.begin_object();
    write_sale_row(json, state, sale);
    json.key("cashier")
        .begin_object()
        .string_field("fullName", user_name(state, sale.cashier))
        .end_object();
    json.integer_field("totalQuantity", sale.total_quantity);
    json.end_object();
  }
  json.end_array();
  json.key("hourlyRevenue").begin_array();
  for (std::size_t hour = 0; hour < today.hours.size(); ++hour) {
    const hour_totals& h = today.hours[hour];
    if (h.count == 0) continue;
    json.begin_object()
        .integer_field("hour", static_cast<std::int64_t>(hour))
        .integer_field("count", h.count)
        .money_number_field("revenue", h.revenue)
        .end_object();
  }
  json.end_array();
  json.integer_field("sequence", static_cast<std::int64_t>(state.applied()));
  json.end_object();
  return json.take();
}

std::string dashboard_for(const view_state& state, const caller& who, std::int64_t now_us) {
  return dashboard(state, report_scope(who), now_us);
}

}  // namespace ledger::projections
