// Property tests of the read side's fold (projections/fold.h): seeded random histories
// (tests/support/random_history.h, ~2000 commands each against the standard world, through
// the pure spec) folded into views in different ways that must all agree.
//
//   a. live == rebuilt: the log folded in random-sized batches (finish_batch after each), as the
//      projector does, equals the log folded at once (operator==, encode_views bytes and the
//      derived search order); the catalog's write model equals the spec's own model.
//   b. per-section rebuild: each section in turn reset and refolded from zero with only itself
//      and dependencies_of() equals the live section (audit: refolded with the catalog into a
//      fresh state, then moved over).
//   c. as-of: the views captured at random heads during the live fold equal a fresh fold up to
//      that head; as-of at the head equals live.
//   d. snapshots: decode_views(encode_views(state at random midpoints)) equals that state and,
//      with the rest of the log folded, the full state; re-delivering already applied events
//      (a random overlapping range) changes nothing.
//   e. invariants after every batch, recomputed from the views' own rows: the stock ledger
//      explains every stock level; inventory totals per branch equal a recount over active
//      products; returned <= sold and refunds add up; per-day totals of COMPLETED sales equal
//      a recount from the sales; sales and purchase orders agree with the write model.
//
// A failure names its seed (CAPTURE); POSLEDGER_PROPERTY_SEED=<n> (decimal or 0x-hex) runs one
// more seed, e.g. to reproduce a failure from another run.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "projections/fold.h"
#include "projections/text_fold.h"
#include "projections/view_snapshot.h"
#include "projections/view_state.h"
#include "tests/support/random_history.h"
#include "tests/support/views_fixture.h"

namespace ledger::testing {
namespace {

using namespace ledger::projections;

constexpr int commands_per_seed = 2000;
constexpr std::int64_t day_us = std::int64_t{86400} * 1'000'000;
constexpr std::int64_t hour_us = std::int64_t{3600} * 1'000'000;

std::vector<std::uint64_t> seeds() { return property_seeds({7, 2024, 0xBADC0DE, 31337}); }

struct history {
  ledger_spec spec;
  command_tally tally;
  std::map<std::string, int> refusals;
};

// One history per seed, generated once per process and shared by the test cases.
const history& history_for(std::uint64_t seed) {
  static std::map<std::uint64_t, std::unique_ptr<history>> cache;
  auto& slot = cache[seed];
  if (!slot) {
    auto made = std::make_unique<history>();
    const spec_world world = made->spec.standard_world();
    spec_sink sink(made->spec);
    random_history generator(seed, world, made->spec.model);
    generator.run(sink, commands_per_seed);
    made->tally = generator.tally();
    made->refusals = sink.refusals;
    slot = std::move(made);
  }
  return *slot;
}

event_record record_of(const logged_event& e) {
  return event_record{e.header.sequence, e.header.recorded_at_us, e.header.actor, &e.body, {}};
}

void fold_range(view_state& state, const std::vector<logged_event>& log, std::size_t from,
                std::size_t to, section_set sections = all_sections()) {
  for (std::size_t i = from; i < to; ++i) fold(state, record_of(log[i]), sections);
}

std::span<const std::uint8_t> as_bytes(const std::string& bytes) {
  return {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()};
}

view_state decoded(const std::string& bytes) {
  auto result = decode_views(as_bytes(bytes));
  const auto* error = std::get_if<snapshots::snapshot_error>(&result);
  REQUIRE_MESSAGE(error == nullptr, (error != nullptr ? error->reason : std::string()));
  return std::get<view_state>(std::move(result));
}

std::int64_t between(std::mt19937_64& rng, std::int64_t low, std::int64_t high) {
  REQUIRE(low <= high);
  return low + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(high - low + 1));
}

// Equal views, by every measure we have (== skips the derived search order: compare it too).
// Encodings already at hand may be passed in (encoding is the costly part).
void check_same(const view_state& actual, const view_state& expected,
                const std::string* actual_bytes = nullptr, const std::string* expected_bytes = nullptr) {
  CHECK(actual.applied() == expected.applied());
  for (std::size_t i = 0; i < section_count; ++i) {
    CAPTURE(name_of(static_cast<section>(i)));
    CHECK(actual.checkpoint(static_cast<section>(i)) == expected.checkpoint(static_cast<section>(i)));
  }
  CHECK(actual.catalog == expected.catalog);
  CHECK(actual.sales == expected.sales);
  CHECK(actual.inventory == expected.inventory);
  CHECK(actual.procurement == expected.procurement);
  CHECK(actual.loyalty == expected.loyalty);
  CHECK(actual.audit == expected.audit);
  CHECK(actual == expected);
  CHECK((actual_bytes != nullptr ? *actual_bytes : encode_views(actual)) ==
        (expected_bytes != nullptr ? *expected_bytes : encode_views(expected)));
  CHECK(actual.catalog.products_by_name == expected.catalog.products_by_name);
  CHECK(actual.catalog.folded_names == expected.catalog.folded_names);
}

// ------------------------------------------------------------------ invariants (e)

// Broken invariants, described (checked once per batch: thousands of rows each time).
struct problems {
  std::vector<std::string> found;
  template <class... A>
  void expect(bool holds, fmt::format_string<A...> what, A&&... args) {
    if (!holds && found.size() < 10) found.push_back(fmt::format(what, std::forward<A>(args)...));
  }
};

// Every invariant is recomputed from the views' own rows (and the catalog's write model).
std::vector<std::string> broken_invariants(const view_state& v) {
  problems p;
  const engine::write_model& model = v.catalog.model;

  // The stock ledger explains every stock level.
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::int64_t> moved;
  for (const movement& m : v.inventory.movements) moved[{m.branch.value, m.product.value}] += m.quantity;
  for (const auto& [key, quantity] : model.stock) {
    const auto it = moved.find({key.branch.value, key.product.value});
    const std::int64_t sum = it == moved.end() ? 0 : it->second;
    p.expect(quantity == sum, "stock of product {} at branch {} is {}, its movements add up to {}",
             key.product.value, key.branch.value, quantity, sum);
  }
  for (const auto& [key, sum] : moved) {
    const std::int32_t stock = model.stock_of(branch_id{key.first}, product_id{key.second});
    p.expect(sum == stock, "movements of product {} at branch {} add up to {}, stock is {}",
             key.second, key.first, sum, stock);
  }
  for (std::size_t i = 1; i < v.inventory.movements.size(); ++i) {
    p.expect(v.inventory.movements[i - 1].number < v.inventory.movements[i].number,
             "movement {} out of order", i);
  }

  // Inventory totals per branch equal a recount over the stock rows of active products.
  std::map<std::uint64_t, inventory_totals> recount;
  std::int64_t active_stock = 0;
  for (const auto& [key, meta] : v.catalog.stock_rows) {
    const auto* product = model.find(key.product);
    p.expect(product != nullptr && model.find(key.branch) != nullptr,
             "stock row of unknown product {} or branch {}", key.product.value, key.branch.value);
    auto& t = recount[key.branch.value];
    if (product == nullptr || !product->is_active) continue;
    const std::int64_t quantity = model.stock_of(key.branch, key.product);
    t.quantity += quantity;
    t.cost_value += quantity * product->cost_price;
    t.retail_value += quantity * product->selling_price;
    t.low_stock_rows += (product->min_stock > 0 && quantity <= product->min_stock) ? 1 : 0;
    active_stock += quantity;
  }
  std::int64_t totals_quantity = 0;
  for (const auto& [branch, totals] : v.catalog.inventory) {
    const auto it = recount.find(branch.value);
    const inventory_totals expected = it == recount.end() ? inventory_totals{} : it->second;
    p.expect(totals == expected,
             "inventory totals of branch {}: quantity {} cost {} retail {} low {}; recount {} {} {} {}",
             branch.value, totals.quantity, totals.cost_value, totals.retail_value,
             totals.low_stock_rows, expected.quantity, expected.cost_value, expected.retail_value,
             expected.low_stock_rows);
    totals_quantity += totals.quantity;
  }
  for (const auto& [branch, expected] : recount) {
    p.expect(expected == inventory_totals{} || v.catalog.inventory.contains(branch_id{branch}),
             "branch {} has stock but no inventory totals", branch);
  }
  std::int64_t model_active_stock = 0;
  std::int32_t active_products = 0;
  for (const auto& [id, product] : model.products) {
    if (!product.is_active) continue;
    ++active_products;
    for (const auto& [branch, record] : model.branches) model_active_stock += model.stock_of(branch, id);
  }
  p.expect(totals_quantity == active_stock && active_stock == model_active_stock,
           "Σ inventory totals {}, Σ stock rows of active products {}, Σ stock of active products {}",
           totals_quantity, active_stock, model_active_stock);
  p.expect(v.catalog.active_products == active_products, "active products {} counted {}",
           v.catalog.active_products, active_products);
  // Every stocked pair has a stock row; row ordinals are 1..count, each once.
  for (const auto& [key, quantity] : model.stock) {
    p.expect(quantity == 0 || v.catalog.stock_rows.contains(key),
             "product {} at branch {} has stock {} and no stock row", key.product.value,
             key.branch.value, quantity);
  }
  std::set<std::uint64_t> ordinals;
  for (const auto& [key, meta] : v.catalog.stock_rows) ordinals.insert(meta.ordinal);
  p.expect(v.catalog.stock_row_count == v.catalog.stock_rows.size() &&
               ordinals.size() == v.catalog.stock_rows.size() &&
               (ordinals.empty() || (*ordinals.begin() == 1 && *ordinals.rbegin() == ordinals.size())),
           "stock row ordinals are not 1..{}", v.catalog.stock_row_count);

  // Sales: returned <= sold, returns and refunds add up, and the write model agrees.
  std::map<std::uint64_t, std::int64_t> returned_by_line;
  std::map<std::uint64_t, std::int64_t> refund_by_sale;
  for (const return_view& r : v.sales.returns) {
    refund_by_sale[r.sale.value] += r.total_refund;
    std::int64_t refund = 0;
    for (const return_line_view& line : r.lines) {
      returned_by_line[line.sale_line.value] += line.quantity;
      refund += line.refund_amount;
    }
    p.expect(refund == r.total_refund, "return {} refunds {} over its lines, {} in total",
             r.id.value, refund, r.total_refund);
  }
  std::set<std::uint64_t> cancelled;
  for (const cancellation_view& c : v.sales.cancellations) {
    p.expect(cancelled.insert(c.sale.value).second, "sale {} cancelled twice", c.sale.value);
  }
  for (const sale_view& sale : v.sales.sales) {
    std::int32_t items = 0;
    std::int64_t cost = 0;
    for (const sale_line_view& line : sale.lines) {
      const auto it = returned_by_line.find(line.id.value);
      const std::int64_t returned = it == returned_by_line.end() ? 0 : it->second;
      p.expect(line.returned_quantity >= 0 && line.returned_quantity <= line.quantity &&
                   line.returned_quantity == returned,
               "sale {} line {}: sold {}, returned {}, return rows {}", sale.id.value,
               line.id.value, line.quantity, line.returned_quantity, returned);
      items += line.quantity;
      cost += line.quantity * line.cost_price;
    }
    p.expect(sale.total_quantity == items && sale.total_cost == cost,
             "sale {}: quantity {} cost {}, lines {} {}", sale.id.value, sale.total_quantity,
             sale.total_cost, items, cost);
    const auto refunded = refund_by_sale.find(sale.id.value);
    const std::int64_t refunds = refunded == refund_by_sale.end() ? 0 : refunded->second;
    p.expect(sale.refunded_amount == refunds, "sale {} refunded {}, its returns {}",
             sale.id.value, sale.refunded_amount, refunds);
    p.expect((sale.status == sale_status::CANCELLED) == cancelled.contains(sale.id.value),
             "sale {} status {} disagrees with the cancellations", sale.id.value,
             static_cast<int>(sale.status));
    const engine::sale_record* record = model.find(sale.id);
    p.expect(record != nullptr, "sale {} is not in the write model", sale.id.value);
    if (record == nullptr) continue;
    bool same = record->status == sale.status && record->refunded_amount == sale.refunded_amount &&
                record->total_amount == sale.total_amount && record->lines.size() == sale.lines.size();
    for (std::size_t i = 0; same && i < sale.lines.size(); ++i) {
      same = record->lines[i].returned_quantity == sale.lines[i].returned_quantity;
    }
    p.expect(same, "sale {} differs from the write model's", sale.id.value);
  }
  p.expect(v.sales.sales.size() == model.sales.size(), "{} sales in the view, {} in the model",
           v.sales.sales.size(), model.sales.size());
  std::map<std::uint64_t, std::int64_t> per_branch;
  for (const sale_view& sale : v.sales.sales) ++per_branch[sale.branch.value];
  for (const auto& [branch, count] : v.sales.sales_by_branch) {
    const auto it = per_branch.find(branch.value);
    p.expect(count == (it == per_branch.end() ? 0 : it->second), "branch {} counts {} sales",
             branch.value, count);
  }
  p.expect(per_branch.size() <= v.sales.sales_by_branch.size(), "a branch with sales has no count");
  for (std::size_t i = 1; i < v.sales.sales.size(); ++i) {
    p.expect(v.sales.sales[i - 1].sequence < v.sales.sales[i].sequence &&
                 v.sales.sales[i - 1].created_at_us <= v.sales.sales[i].created_at_us,
             "sales {} and {} out of order", i - 1, i);
  }
  for (std::size_t i = 1; i < v.audit.entries.size(); ++i) {
    p.expect(v.audit.entries[i - 1].sequence < v.audit.entries[i].sequence,
             "audit entries {} and {} out of order", i - 1, i);
  }
  p.expect(v.audit.entries.empty() || v.audit.entries.back().sequence <= v.audit.checkpoint,
           "an audit entry beyond the audit checkpoint");

  // Per-day totals of COMPLETED sales equal a recount (UTC days and hours computed here).
  std::map<std::pair<std::uint64_t, std::int64_t>, day_totals> days;
  for (const sale_view& sale : v.sales.sales) {
    if (sale.status != sale_status::COMPLETED) continue;
    auto& day = days[{sale.branch.value, sale.created_at_us / day_us}];
    ++day.count;
    day.revenue += sale.total_amount;
    day.cost += sale.total_cost;
    day.items += sale.total_quantity;
    auto& hour = day.hours[static_cast<std::size_t>((sale.created_at_us % day_us) / hour_us)];
    ++hour.count;
    hour.revenue += sale.total_amount;
  }
  for (const auto& [key, totals] : v.sales.completed_by_day) {
    const auto it = days.find({key.branch.value, key.day});
    const day_totals expected = it == days.end() ? day_totals{} : it->second;
    p.expect(totals == expected, "day {} at branch {}: count {} revenue {} cost {} items {}; recount {} {} {} {}",
             key.day, key.branch.value, totals.count, totals.revenue, totals.cost, totals.items,
             expected.count, expected.revenue, expected.cost, expected.items);
  }
  for (const auto& [key, totals] : days) {
    p.expect(v.sales.completed_by_day.contains(day_key{branch_id{key.first}, key.second}),
             "day {} at branch {} has completed sales but no totals", key.second, key.first);
  }

  // Purchase orders: received = Σ receipts <= ordered, and the write model agrees.
  std::map<std::uint64_t, std::int64_t> received_by_line;
  for (const goods_receipt_view& receipt : v.procurement.receipts) {
    for (const auto& line : receipt.lines) received_by_line[line.purchase_order_line.value] += line.quantity;
  }
  for (const purchase_order_view& order : v.procurement.orders) {
    const engine::purchase_order_record* record = model.find(order.id);
    p.expect(record != nullptr && record->status == order.status &&
                 record->lines.size() == order.lines.size(),
             "purchase order {} differs from the write model's", order.id.value);
    for (std::size_t i = 0; i < order.lines.size(); ++i) {
      const auto& line = order.lines[i];
      const auto it = received_by_line.find(line.id.value);
      const std::int64_t received = it == received_by_line.end() ? 0 : it->second;
      p.expect(line.received_quantity <= line.quantity && line.received_quantity == received &&
                   (record == nullptr || i >= record->lines.size() ||
                    record->lines[i].received_quantity == line.received_quantity),
               "purchase order {} line {}: ordered {}, received {}, receipts {}", order.id.value,
               line.id.value, line.quantity, line.received_quantity, received);
    }
  }
  p.expect(v.procurement.orders.size() == model.purchase_orders.size(),
           "{} purchase orders in the view, {} in the model", v.procurement.orders.size(),
           model.purchase_orders.size());
  // The search order is the sort by folded name, then name bytes, then id, at every moment.
  std::vector<std::tuple<std::string, std::string, std::uint64_t>> keys;
  for (const auto& [id, product] : model.products) keys.emplace_back(fold_for_search(product.name), product.name, id.value);
  std::sort(keys.begin(), keys.end());
  std::vector<product_id> order;
  for (const auto& key : keys) order.push_back(product_id{std::get<2>(key)});
  if (order != v.catalog.products_by_name) {
    std::string shown;
    for (std::size_t i = 0; i < std::max(order.size(), v.catalog.products_by_name.size()); ++i) {
      const auto id = [](const std::vector<product_id>& ids, std::size_t at) {
        return at < ids.size() ? ids[at].value : 0;
      };
      shown += fmt::format(" {}/{}", id(v.catalog.products_by_name, i), id(order, i));
    }
    p.expect(false, "search order (view/expected):{}", shown);
  }
  for (const auto& [id, product] : model.products) {
    const auto it = v.catalog.folded_names.find(id);
    p.expect(it != v.catalog.folded_names.end() && it->second == fold_for_search(product.name),
             "folded name of product {} is stale", id.value);
  }
  return p.found;
}

// Folds the log in random-sized batches as the projector does; `after_batch` sees the state
// after each batch (finish_batch done) and the index of the next event.
template <class F>
view_state fold_in_batches(const std::vector<logged_event>& log, std::mt19937_64& rng,
                           F&& after_batch) {
  view_state state;
  std::size_t done = 0;
  while (done < log.size()) {
    const auto size = static_cast<std::size_t>(between(rng, 1, 48));
    const std::size_t end = std::min(log.size(), done + size);
    fold_range(state, log, done, end);
    finish_batch(state);
    done = end;
    after_batch(state, done);
  }
  return state;
}

view_state fold_all(const std::vector<logged_event>& log) {
  view_state state;
  fold_range(state, log, 0, log.size());
  finish_batch(state);
  return state;
}

}  // namespace

TEST_SUITE("projections/views_property") {
  TEST_CASE("views property: random histories reach every view") {
    for (const std::uint64_t seed : seeds()) {
      CAPTURE(seed);
      const history& h = history_for(seed);
      std::map<std::string, int, std::less<>> events;
      for (const logged_event& e : h.spec.log) ++events[std::string{events::name_of(e.header.type)}];
      if (std::getenv("POSLEDGER_PROPERTY_STATS") != nullptr) {
        for (const auto& [name, counts] : h.tally) {
          fmt::print(stderr, "{:>26}: {:>5} accepted {:>5} refused\n", name, counts.first, counts.second);
        }
        for (const auto& [name, count] : events) fmt::print(stderr, "  {:>6} {}\n", count, name);
        for (const auto& [why, count] : h.refusals) fmt::print(stderr, "  {:>6} refused: {}\n", count, why);
      }
      for (const char* name :
           {"cart_line_added", "cart_line_quantity_changed", "cart_line_removed",
            "cart_customer_attached", "cart_checked_out", "sale_completed", "sale_returned",
            "sale_cancelled", "loyalty_points_earned", "loyalty_points_deducted", "stock_received",
            "stock_issued", "stock_adjusted", "stock_transferred", "purchase_order_created",
            "purchase_order_submitted", "purchase_order_approved", "purchase_order_rejected",
            "goods_receipt_recorded", "purchase_order_received", "product_created",
            "product_updated", "product_activation_changed", "customer_created", "user_logged_in",
            "user_logged_out", "user_updated", "branch_created"}) {
        CAPTURE(name);
        CHECK(events[name] > 0);
      }
      const view_state views = fold_spec_log(h.spec);
      // Sales over several UTC days, at more than one branch, and returned in every way.
      std::set<std::int64_t> days;
      std::set<std::uint64_t> branches;
      std::set<sale_status> statuses;
      for (const sale_view& sale : views.sales.sales) {
        days.insert(sale.created_at_us / day_us);
        branches.insert(sale.branch.value);
        statuses.insert(sale.status);
      }
      CHECK(days.size() >= 3);
      CHECK(branches.size() >= 2);
      CHECK(statuses.size() == 3);
      CHECK(views.sales.sales.size() >= 150);
      CHECK(h.spec.log.size() >= static_cast<std::size_t>(commands_per_seed * 3 / 4));
    }
  }

  TEST_CASE("views property: live batches equal one fold of the log, invariants after every batch") {
    for (const std::uint64_t seed : seeds()) {
      CAPTURE(seed);
      const history& h = history_for(seed);
      std::mt19937_64 rng(seed ^ 0xA);
      std::size_t batches = 0;
      std::size_t at = 0;
      CAPTURE(at);
      const view_state live = fold_in_batches(h.spec.log, rng, [&](const view_state& state, std::size_t done) {
        at = done;
        ++batches;
        REQUIRE(state.applied() == h.spec.log[done - 1].header.sequence);
        const auto broken = broken_invariants(state);
        if (!broken.empty()) FAIL_CHECK("after event #", done, ": ", fmt::format("{}", fmt::join(broken, "\n")));
      });
      CHECK(batches > 1);
      const view_state once = fold_all(h.spec.log);
      check_same(live, once);
      CHECK(live.applied() == h.spec.model.last_sequence);
      // The catalog is folded by the writer's own evolve with the same context: same model.
      CHECK(live.catalog.model == h.spec.model);
      // The search order is the sort of the folded names (then names, then ids).
      CHECK(live.catalog.products_by_name.size() == h.spec.model.products.size());
      for (std::size_t i = 1; i < live.catalog.products_by_name.size(); ++i) {
        const product_id a = live.catalog.products_by_name[i - 1];
        const product_id b = live.catalog.products_by_name[i];
        const std::string& fa = live.catalog.folded_names.at(a);
        const std::string& fb = live.catalog.folded_names.at(b);
        CHECK(fa <= fb);
        if (fa == fb) {
          CHECK(std::pair(h.spec.model.products.at(a).name, a.value) <
                std::pair(h.spec.model.products.at(b).name, b.value));
        }
      }
    }
  }

  TEST_CASE("views property: each section rebuilt alone equals the live section") {
    for (const std::uint64_t seed : seeds()) {
      CAPTURE(seed);
      const history& h = history_for(seed);
      const view_state live = fold_all(h.spec.log);
      const std::string live_bytes = encode_views(live);
      for (std::size_t i = 0; i < section_count; ++i) {
        const section s = static_cast<section>(i);
        CAPTURE(name_of(s));
        section_set only;
        only.set(i);
        only |= dependencies_of(s);
        view_state rebuilt = live;
        if (s == section::audit) {
          // The audit reads the catalog as it was before each event: fold both from zero.
          CHECK(dependencies_of(s).test(static_cast<std::size_t>(section::catalog)));
          view_state fresh;
          fold_range(fresh, h.spec.log, 0, h.spec.log.size(), only);
          CHECK(fresh.catalog == live.catalog);
          CHECK(fresh.sales.checkpoint == 0);  // sections outside the set stay untouched
          CHECK(fresh.inventory.checkpoint == 0);
          rebuilt.audit = std::move(fresh.audit);
        } else {
          CHECK(dependencies_of(s).none());
          switch (s) {
            case section::catalog: rebuilt.catalog = catalog_view{}; break;
            case section::sales: rebuilt.sales = sales_view{}; break;
            case section::inventory: rebuilt.inventory = inventory_view{}; break;
            case section::procurement: rebuilt.procurement = procurement_view{}; break;
            case section::loyalty: rebuilt.loyalty = loyalty_view{}; break;
            case section::audit: break;
          }
          CHECK(rebuilt.applied() == 0);
          fold_range(rebuilt, h.spec.log, 0, h.spec.log.size(), only);
        }
        finish_batch(rebuilt);
        check_same(rebuilt, live, nullptr, &live_bytes);
      }
    }
  }

  TEST_CASE("views property: views as of any head equal the live views at that head") {
    for (const std::uint64_t seed : seeds()) {
      CAPTURE(seed);
      const history& h = history_for(seed);
      std::mt19937_64 rng(seed ^ 0xC);
      // Random heads, each inside some batch or at its end; captured while folding live.
      std::set<std::size_t> heads;
      for (int i = 0; i < 6; ++i) {
        heads.insert(static_cast<std::size_t>(between(rng, 1, static_cast<std::int64_t>(h.spec.log.size()))));
      }
      std::map<std::size_t, std::string> captured;
      view_state live;
      std::size_t done = 0;
      while (done < h.spec.log.size()) {
        const std::size_t end =
            std::min(h.spec.log.size(), done + static_cast<std::size_t>(between(rng, 1, 48)));
        for (; done < end; ++done) {
          fold(live, record_of(h.spec.log[done]));
          if (heads.contains(done + 1)) captured[done + 1] = encode_views(live);
        }
        finish_batch(live);
      }
      REQUIRE(captured.size() == heads.size());
      for (const auto& [head, bytes] : captured) {
        CAPTURE(head);
        view_state as_of;
        fold_range(as_of, h.spec.log, 0, head);
        finish_batch(as_of);
        CHECK(as_of.applied() == h.spec.log[head - 1].header.sequence);
        const std::string as_of_bytes = encode_views(as_of);
        CHECK(as_of_bytes == bytes);
        check_same(decoded(bytes), as_of, &bytes, &as_of_bytes);
      }
      // As of the head: the live views.
      view_state at_head;
      fold_range(at_head, h.spec.log, 0, h.spec.log.size());
      finish_batch(at_head);
      check_same(at_head, live);
    }
  }

  TEST_CASE("views property: snapshot plus tail equals the full views, re-delivery changes nothing") {
    for (const std::uint64_t seed : seeds()) {
      CAPTURE(seed);
      const history& h = history_for(seed);
      const std::vector<logged_event>& log = h.spec.log;
      const auto size = static_cast<std::int64_t>(log.size());
      std::mt19937_64 rng(seed ^ 0xD);
      const view_state full = fold_all(log);
      const std::string full_bytes = encode_views(full);
      check_same(decoded(full_bytes), full, &full_bytes, &full_bytes);

      std::vector<std::size_t> midpoints = {0, 1};
      for (int i = 0; i < 3; ++i) midpoints.push_back(static_cast<std::size_t>(between(rng, 2, size - 1)));
      for (const std::size_t midpoint : midpoints) {
        CAPTURE(midpoint);
        view_state at;
        fold_range(at, log, 0, midpoint);
        finish_batch(at);
        const std::string bytes = encode_views(at);
        view_state resumed = decoded(bytes);
        const std::string reencoded = encode_views(resumed);
        CHECK(reencoded == bytes);
        check_same(resumed, at, &reencoded, &bytes);  // indexes and the search order rebuilt on load
        fold_range(resumed, log, midpoint, log.size());
        finish_batch(resumed);
        check_same(resumed, full, nullptr, &full_bytes);

        // Re-delivery across the snapshot's head: [midpoint - back, midpoint + ahead) into the
        // decoded snapshot equals folding [midpoint, midpoint + ahead) once.
        const auto back = static_cast<std::size_t>(between(rng, 0, static_cast<std::int64_t>(midpoint)));
        const auto ahead = static_cast<std::size_t>(
            between(rng, 0, std::min<std::int64_t>(200, size - static_cast<std::int64_t>(midpoint))));
        CAPTURE(back);
        CAPTURE(ahead);
        view_state overlapped = decoded(bytes);
        fold_range(overlapped, log, midpoint - back, midpoint + ahead);
        finish_batch(overlapped);
        view_state once = decoded(bytes);
        fold_range(once, log, midpoint, midpoint + ahead);
        finish_batch(once);
        check_same(overlapped, once);
      }

      // Re-delivering any already applied range to the full views changes nothing.
      for (int i = 0; i < 3; ++i) {
        const auto from = static_cast<std::size_t>(between(rng, 0, size - 1));
        const auto to = static_cast<std::size_t>(between(rng, static_cast<std::int64_t>(from) + 1, size));
        CAPTURE(from);
        CAPTURE(to);
        view_state again = full;
        fold_range(again, log, from, to);
        finish_batch(again);
        check_same(again, full, nullptr, &full_bytes);
      }
    }
  }

  TEST_CASE("views: a product respelled with the same search key is re-sorted in the search order") {
    // Two products whose names fold to the same key are ordered by their raw names, then ids.
    // Renaming one to another spelling of the same key changes that order although the key
    // does not change.
    ledger_spec spec;
    const spec_world world = spec.standard_world();
    view_state live = fold_spec_log(spec);
    std::size_t folded = spec.log.size();
    create_product twin;
    twin.sku = "SKU900";
    twin.barcode = "8934567890900";
    twin.name = "COCA COLA 330ML";  // the key of "Coca Cola 330ml"; sorts before it ('O' < 'o')
    twin.cost_price = 500000;
    twin.selling_price = 1000000;
    twin.category = world.drinks;
    const product_id twin_id{single_event<events::product_created>(spec.run(spec.admin, twin)).product_id};
    fold_spec_events(spec, live, folded);  // folds and calls finish_batch, as the projector does
    folded = spec.log.size();
    const auto position = [&](const view_state& v, product_id id) {
      const auto& order = v.catalog.products_by_name;
      return std::find(order.begin(), order.end(), id) - order.begin();
    };
    REQUIRE(position(live, twin_id) < position(live, world.cola));
    CHECK(live.catalog.products_by_name == fold_spec_log(spec).catalog.products_by_name);

    // Cola takes the twin's exact spelling: equal names, so the lower id (cola) comes first.
    update_product rename;
    rename.product = world.cola;
    rename.name = "COCA COLA 330ML";
    spec.run(spec.admin, rename);
    fold_spec_events(spec, live, folded);
    const view_state rebuilt = fold_spec_log(spec);
    CHECK(position(rebuilt, world.cola) < position(rebuilt, twin_id));
    CHECK(position(live, world.cola) < position(live, twin_id));
    CHECK(live.catalog.products_by_name == rebuilt.catalog.products_by_name);
    CHECK(live == rebuilt);  // operator== does not see the search order: it must be checked
  }
}

}  // namespace ledger::testing
