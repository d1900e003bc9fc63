#pragma once
// report_queries: the reports and the dashboard (api-contract section 10) as contract-shaped
// JSON text, computed from a view_state (projections/view_state.h).
//
// Scope (contract 10.0). SUPER_ADMIN and OWNER see every branch; every other role sees its own
// branch, or every branch when it has none [ref]. report_scope() states the rule once; each
// report applies it to its caller. dashboard() takes the scope itself (the WebSocket feed and
// tests ask for a given scope); dashboard_for() applies the rule.
//
// Contract figures (10.0): only COMPLETED sales count, at their full original amounts (a
// partially returned sale stays COMPLETED and is not reduced). "Revenue" = Σ totalAmount (after
// the order discount, VAT included), except product-sales, where it is Σ quantity × unitPrice.
// COGS = Σ quantity × costPrice as snapshot at checkout. Aggregates are JSON numbers; stored
// decimals (the embedded sale records, the dashboard's today.revenue) are JSON strings.
// Averages and percentages are rounded once, half away from zero (money::divide_rounded).
//
// Net figures (extra fields, not in the reference). The contract's figures ignore returns and
// cancellations after the fact; the net figures book every change on the day it happens:
//   grossRevenue = Σ totalAmount of every sale created in the window, whatever its status now
//   refunds      = Σ totalRefund of the returns recorded in the window
//   cancelled    = Σ reversedAmount of the cancellations recorded in the window (the sale's total
//                  less what its earlier returns had refunded already)
//   netRevenue   = grossRevenue − refunds − cancelled
//   netCost      = Σ COGS of every sale created in the window
//                  − Σ cost of the units returned in the window (at the sale line's costPrice)
//                  − Σ cost of the units restocked by the cancellations in the window
//   netProfit    = netRevenue − netCost
// They are JSON numbers, added to: the daily-sales summary; every profit daily row and the
// profit summary; every cashier-performance row (returns and cancellations count for the
// cashier who made the sale, at the sale's branch). Returns and cancellations are scoped by the
// branch of their sale. Profit rows exist only for dates with COMPLETED sales (contract), so
// the summary's net figures also cover dates without a row; likewise a cashier-performance row
// exists only for a cashier with COMPLETED sales in the window.
//
// Every answer carries an extra top-level "sequence": the last event the views had applied
// (view_state::applied()), i.e. the log position the answer reflects.
//
// Windows are inclusive on both ends, in microseconds since the epoch (UTC). The API parses and
// validates the query strings (dates, page, limit) and applies the defaults; these functions
// trust their arguments. Sales are kept in createdAt order, so a window is found by binary
// search and only its sales are read.
//
// Thread-safety: pure functions of their arguments; the caller holds the projector's read lock
// for the duration of the call.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "events/ids.h"
#include "projections/query.h"
#include "projections/view_state.h"

namespace ledger::projections {

// The branches a report or the dashboard covers for `who` (contract 10.0): nullopt = every
// branch.
[[nodiscard]] std::optional<branch_id> report_scope(const caller& who);

// GET /api/reports/daily-sales (10.1) for UTC day `day` (days since 1970-01-01): summary (from
// the per-day totals) + net figures, paymentBreakdown (per method, in enum order), a page of the
// day's COMPLETED sales newest first (SaleRow + items, payments, cashier, branch) and
// pagination {page, limit, total = totalInvoices}. No limit cap.
[[nodiscard]] std::string daily_sales(const view_state& state, const caller& who, std::int64_t day,
                                      page_request page);

// GET /api/reports/product-sales (10.2): one row per ACTIVE product (zero sellers included)
// over the COMPLETED sales created in [start_us, end_us]. topSelling: totalQty descending;
// slowMoving: totalQty ascending; ties by SKU, then product id; the first `limit` of each
// (a negative limit gives empty lists).
[[nodiscard]] std::string product_sales(const view_state& state, const caller& who,
                                        std::int64_t start_us, std::int64_t end_us,
                                        std::int64_t limit);

// GET /api/reports/inventory-valuation (10.3): stock rows of active products in scope, ordered
// by branch code then SKU (page of them); categoryBreakdown over all rows in scope, ordered by
// category name; summary over all rows; pagination {page, limit, total = rows}. No limit cap.
[[nodiscard]] std::string inventory_valuation(const view_state& state, const caller& who,
                                              page_request page);

// The query strings a profit report echoes in summary.period (empty = not given).
struct period_text {
  std::string_view start;
  std::string_view end;
};

// GET /api/reports/profit (10.4): COMPLETED sales in [start_us, end_us] grouped by UTC date,
// ascending, with margin strings ("25.93%", "0%" when revenue is 0), plus net figures per row
// and in the summary.
[[nodiscard]] std::string profit(const view_state& state, const caller& who, std::int64_t start_us,
                                 std::int64_t end_us, period_text period);

// GET /api/reports/cashier-performance (10.5): one row per (cashier, branch name) with
// COMPLETED sales in [start_us, end_us], totalRevenue descending (ties: cashier name, branch
// name, cashier id), each with net figures.
[[nodiscard]] std::string cashier_performance(const view_state& state, const caller& who,
                                              std::int64_t start_us, std::int64_t end_us);

// GET /api/dashboard (10.6) for `scope` (nullopt = the whole chain) as of `now_us`: today's
// totals (UTC day of now_us; revenue always a decimal string), the inventory totals of active
// products, active cashiers, the 10 latest COMPLETED sales (any day) and today's hourly revenue.
[[nodiscard]] std::string dashboard(const view_state& state, std::optional<branch_id> scope,
                                    std::int64_t now_us);

// dashboard() in the caller's scope (report_scope).
[[nodiscard]] std::string dashboard_for(const view_state& state, const caller& who,
                                        std::int64_t now_us);

}  // namespace ledger::projections
