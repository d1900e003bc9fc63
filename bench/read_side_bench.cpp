// How fast is the read side on a large ledger? Three questions, one run:
//   1. rebuild: how many events per second does folding the whole log into every view take?
//   2. start-up: how long until a restarted server has its write model and its views back
//      (newest snapshots + the log's tail)?
//   3. reports: how long does each report take, for one branch-day and for a year chain-wide
//      (p50 / p99 over repeated runs)?
//
//   read_side_bench --data DIR [--repeat N] [--skip-rebuild]
//
// DIR is a ledger made by generate_history (bench/generate_history.cpp), e.g. 5 million
// events over a year. The rebuild writes a fresh view snapshot (the start-up step loads it).
// Prints events/s, seconds and milliseconds; nothing is asserted (figures go to
// docs/performance.md with the command).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "engine/ledger.h"
#include "projections/catalog_queries.h"
#include "projections/operations_queries.h"
#include "projections/projector.h"
#include "projections/rebuild.h"
#include "projections/report_queries.h"
#include "projections/time_text.h"

using namespace ledger;
using namespace ledger::projections;
using steady = std::chrono::steady_clock;

namespace {

double seconds_since(steady::time_point start) {
  return std::chrono::duration<double>(steady::now() - start).count();
}

struct options {
  std::string data;
  int repeat = 50;
  bool skip_rebuild = false;
};

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "read_side_bench: %s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--data") {
      o.data = value();
    } else if (arg == "--repeat") {
      o.repeat = std::max(1, std::atoi(value().c_str()));
    } else if (arg == "--skip-rebuild") {
      o.skip_rebuild = true;
    } else {
      std::printf("read_side_bench --data DIR [--repeat N] [--skip-rebuild]\n");
      std::exit(arg == "--help" ? 0 : 2);
    }
  }
  if (o.data.empty()) {
    std::fprintf(stderr, "read_side_bench: --data DIR is required (see generate_history)\n");
    std::exit(2);
  }
  return o;
}

// p50 and p99 in milliseconds of `repeat` runs of `query` (the result's size keeps the work).
void time_query(const std::string& name, int repeat, const std::function<std::size_t()>& query) {
  std::vector<double> ms;
  ms.reserve(static_cast<std::size_t>(repeat));
  std::size_t bytes = 0;
  for (int i = 0; i < repeat; ++i) {
    const auto start = steady::now();
    bytes = query();
    ms.push_back(seconds_since(start) * 1000.0);
  }
  std::sort(ms.begin(), ms.end());
  const auto at = [&](double q) {
    return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * static_cast<double>(ms.size())))];
  };
  std::printf("  %-44s p50 %9.3f ms   p99 %9.3f ms   (%zu bytes)\n", name.c_str(), at(0.50),
              at(0.99), bytes);
}

std::size_t size_of(const query_result& result) {
  if (const auto* json = std::get_if<std::string>(&result)) return json->size();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  std::string error;

  if (!o.skip_rebuild) {
    auto store = engine::event_store::open(engine::store_options{o.data, false, true}, error);
    if (!store) {
      std::fprintf(stderr, "read_side_bench: %s\n", error.c_str());
      return 1;
    }
    std::printf("rebuild (all views from the log, then one view snapshot)\n");
    const auto result = rebuild_views(*store, std::nullopt, [](const rebuild_progress& p) {
      std::fprintf(stderr, "  ... %llu/%llu events, %.0f events/s\n",
                   static_cast<unsigned long long>(p.sequence),
                   static_cast<unsigned long long>(p.target),
                   p.seconds > 0 ? static_cast<double>(p.sequence) / p.seconds : 0.0);
    });
    if (!result.error.empty()) {
      std::fprintf(stderr, "read_side_bench: %s\n", result.error.c_str());
      return 1;
    }
    std::printf("  folding:           %llu events in %.2f s: %.0f events/s\n",
                static_cast<unsigned long long>(result.events), result.fold_seconds,
                static_cast<double>(result.events) / result.fold_seconds);
    std::printf("  with the snapshot: %.2f s: %.0f events/s\n", result.seconds,
                static_cast<double>(result.events) / result.seconds);
    const auto fold_start = steady::now();
    const auto folded = views_as_of(*store, store->last_sequence() / 2, error);
    const double fold_seconds = seconds_since(fold_start);
    if (folded) {
      std::printf("  as-of the middle of the log (nearest snapshot + fold): %.2f s\n", fold_seconds);
    }
  }

  std::printf("start-up (newest snapshots + the log's tail; views recovered beside the write model)\n");
  const auto open_start = steady::now();
  engine::ledger_options ledger_options;
  ledger_options.data_dir = o.data;
  ledger_options.start_writer = false;
  std::unique_ptr<projector> recovered;
  std::string views_error;
  double views_seconds = 0;
  ledger_options.recover_alongside = [&](engine::event_store& store) {
    const auto views_start = steady::now();
    recovered = std::make_unique<projector>(store, projector_options{});
    if (!recovered->recover(views_error)) recovered.reset();
    views_seconds = seconds_since(views_start);
  };
  auto host = engine::ledger_host::open(ledger_options, error);
  const double total_seconds = seconds_since(open_start);
  if (!host) {
    std::fprintf(stderr, "read_side_bench: %s\n", error.c_str());
    return 1;
  }
  if (!recovered) {
    std::fprintf(stderr, "read_side_bench: %s\n", views_error.c_str());
    return 1;
  }
  projector& views = *recovered;
  const auto m = views.metrics();
  std::printf("  write model (snapshot at %llu, %llu events replayed)\n",
              static_cast<unsigned long long>(host->snapshot_at_start()),
              static_cast<unsigned long long>(host->replayed_at_start()));
  std::printf("  views       %.2f s (snapshot at %llu, %llu events folded)\n", views_seconds,
              static_cast<unsigned long long>(m.recovered_from_snapshot),
              static_cast<unsigned long long>(m.replayed_at_start));
  std::printf("  total       %.2f s (until both are ready)\n", total_seconds);

  views.read([&](const view_state& state) {
    if (state.sales.sales.empty()) {
      std::printf("reports: the ledger has no sales\n");
      return 0;
    }
    // The busiest branch, and a day in the middle of the history.
    branch_id busiest;
    std::int64_t most = -1;
    for (const auto& [branch, count] : state.sales.sales_by_branch) {
      if (count > most) {
        most = count;
        busiest = branch;
      }
    }
    const auto& middle = state.sales.sales[state.sales.sales.size() / 2];
    const std::int64_t day = utc_day(middle.created_at_us);
    const std::int64_t last_us = state.sales.sales.back().created_at_us;
    const std::int64_t year_start = last_us - std::int64_t{365} * 24 * 3600 * 1'000'000;
    const caller manager{user_id{}, events::user_role::BRANCH_MANAGER, busiest};
    const caller owner{user_id{}, events::user_role::OWNER, branch_id{}};
    std::printf("reports over %zu sales, %zu movements, %zu audit entries, %zu products\n",
                state.sales.sales.size(), state.inventory.movements.size(),
                state.audit.entries.size(), state.catalog.model.products.size());
    std::printf("one branch-day (%s at branch %llu):\n", format_date(day).c_str(),
                static_cast<unsigned long long>(busiest.value));
    const page_request page50{1, 50};
    time_query("daily-sales", o.repeat, [&] { return daily_sales(state, manager, day, page50).size(); });
    time_query("product-sales (day)", o.repeat, [&] {
      return product_sales(state, manager, day_start_us(day), day_end_us(day), 20).size();
    });
    time_query("profit (day)", o.repeat, [&] {
      return profit(state, manager, day_start_us(day), day_end_us(day), {}).size();
    });
    time_query("cashier-performance (day)", o.repeat, [&] {
      return cashier_performance(state, manager, day_start_us(day), day_end_us(day)).size();
    });
    time_query("inventory-valuation (branch, page 1)", o.repeat,
               [&] { return inventory_valuation(state, manager, page50).size(); });
    time_query("dashboard (branch)", o.repeat,
               [&] { return dashboard(state, busiest, middle.created_at_us).size(); });
    time_query("inventory transactions (branch, page 1)", o.repeat,
               [&] { return size_of(transactions(state, manager, std::nullopt, {1, 20})); });
    time_query("sales list (branch, page 1)", o.repeat,
               [&] { return size_of(sales_list(state, manager, {1, 20})); });
    time_query("low stock (branch)", o.repeat, [&] { return low_stock(state, manager).size(); });
    std::printf("a year, chain-wide:\n");
    const int slow_repeat = std::max(5, o.repeat / 5);
    time_query("daily-sales (chain, one day)", o.repeat,
               [&] { return daily_sales(state, owner, day, page50).size(); });
    time_query("product-sales (year)", slow_repeat, [&] {
      return product_sales(state, owner, year_start, last_us, 20).size();
    });
    time_query("profit (year)", slow_repeat,
               [&] { return profit(state, owner, year_start, last_us, {}).size(); });
    time_query("cashier-performance (year)", slow_repeat, [&] {
      return cashier_performance(state, owner, year_start, last_us).size();
    });
    time_query("inventory-valuation (chain, page 1)", slow_repeat,
               [&] { return inventory_valuation(state, owner, page50).size(); });
    time_query("dashboard (chain)", o.repeat,
               [&] { return dashboard(state, std::nullopt, middle.created_at_us).size(); });
    time_query("sales list (chain, page 1)", o.repeat,
               [&] { return size_of(sales_list(state, owner, {1, 20})); });
    std::printf("as-you-type product search over %zu products:\n",
                state.catalog.model.products.size());
    for (const char* typed : {"s", "sua", "mi goi", "hao hao"}) {
      product_search_filters filters;
      filters.name = typed;
      time_query(fmt::format("search name '{}'", typed), o.repeat,
                 [&] { return products_search(state, owner, filters, {1, 20}).size(); });
    }
    return 0;
  });
  views.stop();
  host->stop();
  return 0;
}
