// Reports and dashboard (projections/report_queries.h, api-contract section 10).
//
// How: a small scripted history runs real commands through the deciders (tests/support/spec.h)
// and is folded into views; each report's JSON is checked for exact fragments whose numbers
// were computed by hand below (and in the comments of each test). The history, on top of the
// standard world (3 branches, 4 products at 100 units everywhere, all min stock 50):
//
//   D = 2025-06-02 (UTC), D1 = 2025-06-03. Amounts in VND (the JSON prints units).
//   A  D  09:00  cashier  @central  2 cola (10000) + 1 oreo (15000): subtotal 35000, tax 8 % 2800,
//                order discount 1800 -> total 36000; split: CASH 20000 + BANK_TRANSFER 16000.
//                COGS 2×5000 + 8000 = 18000; 3 units.
//   B  D  10:30  cashier2 @central  3 sting (12000): 36000 + 2880 = 38880; CASH 50000 (change
//                11120). COGS 18000; 3 units.
//   C  D  11:15  cashier  @central  1 pepsi (10000): 10800; E_WALLET 10800. COGS 5000.
//   R  D  13:00  manager returns 1 cola of A: refund 10000 (unit price only), cost 5000; A stays
//                COMPLETED (1 of 3 units back).
//   X  D  14:00  manager cancels C: reverses 10800, restocks 1 pepsi (cost 5000).
//   T  D  15:00  manager transfers 10 oreo central -> tan_binh.
//   J  D  15:30  inventory staff (HQ) counts cola at HQ: 40 (system 100) -> low stock at HQ.
//   G  D  15:45  manager orders 20 pepsi (approved by admin) and receives them at central.
//   P  D  15:50  admin creates SKU009 (snacks) and deactivates it (excluded everywhere).
//   E  D1 08:00  admin @HQ one-shot sale: 1 oreo: 15000 + 1200 = 16200; CASH 20000. COGS 8000.
//
// Stock afterwards (cola/pepsi/sting/oreo): central 99/120/97/89, HQ 40/100/100/99,
// tan_binh 100/100/100/110.
#include "projections/report_queries.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "events/money.h"
#include "projections/time_text.h"
#include "tests/support/spec.h"
#include "tests/support/json_checks.h"
#include "tests/support/views_fixture.h"

namespace {

using namespace ledger;
using namespace ledger::testing;
namespace pj = ledger::projections;

constexpr std::int64_t vnd(std::int64_t units) { return units * money::minor_per_unit; }

constexpr std::int64_t day_d = spec_epoch_us / pj::us_per_day + 1;  // 2025-06-02
constexpr std::int64_t day_d1 = day_d + 1;                          // 2025-06-03

constexpr std::int64_t at(std::int64_t day, std::int64_t hour, std::int64_t minute) {
  return day * pj::us_per_day + hour * pj::us_per_hour + minute * 60 * pj::us_per_second;
}

struct history {
  ledger_spec spec;
  spec_world world;
  sale_id a, b, c, e;
  pj::view_state views;

  history() {
    world = spec.standard_world();
    spec.now_us = at(day_d, 9, 0);
    a = sell(world.cashier, {{world.cola, 2}, {world.oreo, 1}}, vnd(1800),
             {{payment_method::CASH, vnd(20000), ""},
              {payment_method::BANK_TRANSFER, vnd(16000), "VCB-1"}});
    spec.now_us = at(day_d, 10, 30);
    b = sell(world.cashier2, {{world.sting, 3}}, 0, {{payment_method::CASH, vnd(50000), ""}});
    spec.now_us = at(day_d, 11, 15);
    c = sell(world.cashier, {{world.pepsi, 1}}, 0,
             {{payment_method::E_WALLET, vnd(10800), "MOMO"}});

    spec.now_us = at(day_d, 13, 0);
    const engine::sale_record* sold_a = spec.model.find(a);
    REQUIRE(sold_a != nullptr);
    REQUIRE(sold_a->lines[0].product == world.cola);
    spec.run(world.manager, return_sale{a, "Khách trả", {{sold_a->lines[0].id, 1, ""}}});
    spec.now_us = at(day_d, 14, 0);
    spec.run(world.manager, cancel_sale{c, "Khách đổi ý"});
    spec.now_us = at(day_d, 15, 0);
    spec.run(world.manager, transfer_stock{world.central, world.tan_binh, {{world.oreo, 10}}, ""});
    spec.now_us = at(day_d, 15, 30);
    spec.run(world.inventory, adjust_stock{world.cola, 40, "Kiểm kê"});

    spec.now_us = at(day_d, 15, 45);
    const decision ordered =
        spec.run(world.manager, create_purchase_order{world.beverages,
                                                      {{world.pepsi, 20, vnd(5000)}},
                                                      "",
                                                      purchase_order_start::pending_approval,
                                                      ""});
    const auto po = single_event<events::purchase_order_created>(ordered);
    spec.run(world.admin, approve_purchase_order{purchase_order_id{po.purchase_order_id}});
    spec.run(
        world.manager,
        receive_goods{purchase_order_id{po.purchase_order_id},
                      world.beverages,
                      {{purchase_order_line_id{po.lines[0].line_id()}, world.pepsi, 20, vnd(5000)}},
                      ""});

    spec.now_us = at(day_d, 15, 50);
    create_product extra;
    extra.sku = "SKU009";
    extra.barcode = "8934567890199";
    extra.name = "Kẹo dẻo";
    extra.unit = "gói";
    extra.cost_price = vnd(1000);
    extra.selling_price = vnd(2000);
    extra.category = world.snacks;
    const decision created = spec.run(world.admin, extra);
    spec.run(world.admin, toggle_product_active{product_id{
                              single_event<events::product_created>(created).product_id}});

    spec.now_us = at(day_d1, 8, 0);
    const decision one_shot = spec.run(
        world.admin,
        record_sale{
            {{world.oreo, 1}}, std::nullopt, 0, "", {{payment_method::CASH, vnd(20000), ""}}});
    e = sale_id{single_event<events::sale_completed>(one_shot).sale_id};

    views = fold_spec_log(spec);
  }

  std::string invoice(sale_id id) const {
    const pj::sale_view* sale = views.sales.find(id);
    REQUIRE(sale != nullptr);
    return sale->invoice_number;
  }

  std::string sequence_field() const {
    return fmt::format("\"sequence\":{}", spec.log.back().header.sequence);
  }

  pj::caller owner() const { return {world.owner, user_role::OWNER, branch_id{}}; }
  pj::caller manager() const { return {world.manager, user_role::BRANCH_MANAGER, world.central}; }

 private:
  sale_id sell(user_id cashier, std::vector<std::pair<product_id, std::int32_t>> lines,
               std::int64_t discount, std::vector<tender> tenders) {
    for (const auto& [product, quantity] : lines)
      spec.run(cashier, add_cart_line{product, quantity});
    check_out_cart checkout;
    checkout.discount_amount = discount;
    checkout.tenders = std::move(tenders);
    const decision d = spec.run(cashier, checkout);
    return sale_id{single_event<events::sale_completed>(d).sale_id};
  }
};


// The values of every `"name":"value"` member in json[from_key .. to_key), in order.
std::vector<std::string> values_of(const std::string& json, std::string_view name,
                                   std::string_view from_key, std::string_view to_key = {}) {
  std::vector<std::string> found;
  const std::size_t from = json.find(from_key);
  REQUIRE(from != std::string::npos);
  const std::size_t to = to_key.empty() ? json.size() : json.find(to_key, from);
  REQUIRE(to != std::string::npos);
  const std::string needle = fmt::format("\"{}\":\"", name);
  for (std::size_t at_pos = json.find(needle, from); at_pos != std::string::npos && at_pos < to;
       at_pos = json.find(needle, at_pos + 1)) {
    const std::size_t start = at_pos + needle.size();
    found.push_back(json.substr(start, json.find('"', start) - start));
  }
  return found;
}

}  // namespace

TEST_SUITE("projections/report_queries") {
  TEST_CASE(
      "report scope: SUPER_ADMIN and OWNER see all; others their branch, or all without one") {
    const branch_id central{7};
    CHECK(pj::report_scope({user_id{1}, user_role::SUPER_ADMIN, central}) == std::nullopt);
    CHECK(pj::report_scope({user_id{1}, user_role::OWNER, branch_id{}}) == std::nullopt);
    CHECK(pj::report_scope({user_id{1}, user_role::BRANCH_MANAGER, central}) ==
          std::optional<branch_id>{central});
    CHECK(pj::report_scope({user_id{1}, user_role::INVENTORY_STAFF, central}) ==
          std::optional<branch_id>{central});
    CHECK(pj::report_scope({user_id{1}, user_role::BRANCH_MANAGER, branch_id{}}) == std::nullopt);
  }

  TEST_CASE("report daily-sales: summary, payment breakdown, net figures and the page of sales") {
    const history h;
    const std::string json = pj::daily_sales(h.views, h.owner(), day_d, {1, 50});
    check_has(json, R"("date":"2025-06-02")");
    // COMPLETED on D: A and B (C cancelled). 2 invoices, 3 + 3 units, 36000 + 38880 = 74880,
    // cost 18000 + 18000 = 36000, profit 38880, average 74880 / 2 = 37440.
    // Net: gross A + B + C = 85680; refunds 10000 (R); cancelled 10800 (X);
    // net revenue 85680 − 10000 − 10800 = 64880; net cost 41000 − 5000 − 5000 = 31000;
    // net profit 33880.
    check_has(
        json,
        R"("summary":{"totalInvoices":2,"totalItems":6,"totalRevenue":74880,"totalCost":36000,)"
        R"("totalProfit":38880,"averageOrderValue":37440,"grossRevenue":85680,"refunds":10000,)"
        R"("cancelled":10800,"netRevenue":64880,"netCost":31000,"netProfit":33880})");
    // Tendered amounts of A and B: CASH 20000 + 50000 (change included [ref]), BANK 16000;
    // C's E_WALLET is gone with its sale.
    check_has(json, R"("paymentBreakdown":{"CASH":70000,"BANK_TRANSFER":16000})");
    check_has(json, R"("pagination":{"page":1,"limit":50,"total":2})");
    check_has(json, h.sequence_field());
    // Newest first: B, then A; the cancelled C is not listed.
    CHECK(listed(values_of(json, "invoiceNo", "\"sales\"")) ==
          listed(std::vector<std::string>{h.invoice(h.b), h.invoice(h.a)}));
    check_lacks(json, h.invoice(h.c));
    // A's embedded record: SaleRow, items {quantity, unitPrice, costPrice}, payments, cashier,
    // branch.
    check_has(json, R"("discountAmount":"1800","totalAmount":"36000","status":"COMPLETED")");
    check_has(json, R"("items":[{"quantity":2,"unitPrice":"10000","costPrice":"5000"},)"
                    R"({"quantity":1,"unitPrice":"15000","costPrice":"8000"}],"payments":[{)");
    check_has(json,
              R"("method":"BANK_TRANSFER","amount":"16000","reference":"VCB-1","changeDue":"0")");
    check_has(json, R"("method":"CASH","amount":"50000","reference":null,"changeDue":"11120")");
    check_has(
        json,
        fmt::format(
            R"("cashier":{{"id":"{}","fullName":"Thu ngân 1"}},"branch":{{"id":"{}","name":"Chi nhánh Trung tâm"}})",
            h.views.uuid(entity_kind::user, h.world.cashier),
            h.views.uuid(entity_kind::branch, h.world.central)));

    SUBCASE("the second page of one sale holds the older sale") {
      const std::string page2 = pj::daily_sales(h.views, h.owner(), day_d, {2, 1});
      CHECK(listed(values_of(page2, "invoiceNo", "\"sales\"")) ==
            listed(std::vector<std::string>{h.invoice(h.a)}));
      check_has(page2, R"("pagination":{"page":2,"limit":1,"total":2})");
    }
    SUBCASE("a manager's next day is empty (E was sold at HQ)") {
      const std::string empty = pj::daily_sales(h.views, h.manager(), day_d1, {1, 50});
      check_has(
          empty,
          R"("summary":{"totalInvoices":0,"totalItems":0,"totalRevenue":0,"totalCost":0,)"
          R"("totalProfit":0,"averageOrderValue":0,"grossRevenue":0,"refunds":0,"cancelled":0,)"
          R"("netRevenue":0,"netCost":0,"netProfit":0})");
      check_has(empty, R"("paymentBreakdown":{},"sales":[])");
    }
    SUBCASE("the owner's next day has E") {
      const std::string next = pj::daily_sales(h.views, h.owner(), day_d1, {1, 50});
      check_has(
          next,
          R"("summary":{"totalInvoices":1,"totalItems":1,"totalRevenue":16200,"totalCost":8000,)");
      check_has(next, R"("paymentBreakdown":{"CASH":20000})");
    }
  }

  TEST_CASE("report product-sales: every active product, top and slow movers with SKU tie-break") {
    const history h;
    // COMPLETED A, B, E over D..D1 (returns not subtracted): cola 2 (20000 / 10000),
    // pepsi 0, sting 3 (36000 / 18000), oreo 1 + 1 (30000 / 16000). SKU009 is inactive.
    const std::string json =
        pj::product_sales(h.views, h.owner(), pj::day_start_us(day_d), pj::day_end_us(day_d1), 20);
    CHECK(listed(values_of(json, "sku", "\"topSelling\"", "\"slowMoving\"")) ==
          listed(std::vector<std::string>{"SKU003", "SKU001", "SKU005", "SKU002"}));
    CHECK(listed(values_of(json, "sku", "\"slowMoving\"", "\"summary\"")) ==
          listed(std::vector<std::string>{"SKU002", "SKU001", "SKU005", "SKU003"}));
    check_has(json, fmt::format(R"({{"productId":"{}","sku":"SKU003","name":"Sting Đỏ 330ml",)"
                                R"("barcode":"8934567890125","category":"Đồ uống","totalQty":3,)"
                                R"("totalRevenue":36000,"totalCost":18000,"totalProfit":18000}})",
                                h.views.uuid(entity_kind::product, h.world.sting)));
    check_has(
        json,
        R"("sku":"SKU002","name":"Pepsi 330ml","barcode":"8934567890124","category":"Đồ uống",)"
        R"("totalQty":0,"totalRevenue":0,"totalCost":0,"totalProfit":0})");
    check_has(json,
              R"("sku":"SKU005","name":"Oreo 72g","barcode":"8934567890127","category":"Bánh kẹo",)"
              R"("totalQty":2,"totalRevenue":30000,"totalCost":16000,"totalProfit":14000})");
    check_lacks(json, "SKU009");
    // 3 sellers, 7 units, 20000 + 36000 + 30000 = 86000, profit 10000 + 18000 + 14000 = 42000.
    check_has(
        json,
        R"("summary":{"totalProducts":3,"totalSold":7,"totalRevenue":86000,"totalProfit":42000})");
    check_has(json, h.sequence_field());

    SUBCASE("limit cuts both lists") {
      const std::string two =
          pj::product_sales(h.views, h.owner(), pj::day_start_us(day_d), pj::day_end_us(day_d1), 2);
      CHECK(listed(values_of(two, "sku", "\"topSelling\"", "\"slowMoving\"")) ==
            listed(std::vector<std::string>{"SKU003", "SKU001"}));
      CHECK(listed(values_of(two, "sku", "\"slowMoving\"", "\"summary\"")) ==
            listed(std::vector<std::string>{"SKU002", "SKU001"}));
    }
    SUBCASE("a manager sees the central branch only (E at HQ drops out)") {
      const std::string central = pj::product_sales(h.views, h.manager(), pj::day_start_us(day_d),
                                                    pj::day_end_us(day_d1), 20);
      // oreo 1 (15000 / 8000): profit 10000 + 18000 + 7000 = 35000.
      CHECK(listed(values_of(central, "sku", "\"topSelling\"", "\"slowMoving\"")) ==
            listed(std::vector<std::string>{"SKU003", "SKU001", "SKU005", "SKU002"}));
      check_has(
          central,
          R"("summary":{"totalProducts":3,"totalSold":6,"totalRevenue":71000,"totalProfit":35000})");
    }
  }

  TEST_CASE("report inventory-valuation: rows of active products by branch code then SKU") {
    const history h;
    const std::string json = pj::inventory_valuation(h.views, h.owner(), {1, 50});
    // Quantities 99+120+97+89 (central) + 40+100+100+99 (HQ) + 100+100+100+110 = 1154.
    // Cost 2389000 + 2092000 + 2480000 = 6961000; retail 4689000 + 4085000 + 4850000 = 13624000.
    check_has(json, R"("summary":{"totalProducts":4,"totalQuantity":1154,"totalCostValue":6961000,)"
                    R"("totalRetailValue":13624000,"totalPotentialProfit":6663000})");
    // 3 branches × 4 active products (SKU009's rows are left out).
    check_has(json, R"("pagination":{"page":1,"limit":50,"total":12})");
    // Bánh kẹo: oreo 89 + 99 + 110 = 298 × 8000 / × 15000; Đồ uống: the rest.
    check_has(json,
              R"("categoryBreakdown":[{"category":"Bánh kẹo","quantity":298,"totalCost":2384000,)"
              R"("totalRetail":4470000},{"category":"Đồ uống","quantity":856,"totalCost":4577000,)"
              R"("totalRetail":9154000}])");
    check_has(json,
              fmt::format(R"({{"productId":"{}","sku":"SKU001","productName":"Coca Cola 330ml",)"
                          R"("category":"Đồ uống","unit":"lon","quantity":99,"costPrice":5000,)"
                          R"("sellingPrice":10000,"totalCost":495000,"totalRetail":990000,)"
                          R"("potentialProfit":495000,"branch":"Chi nhánh Trung tâm"}})",
                          h.views.uuid(entity_kind::product, h.world.cola)));
    check_lacks(json, "SKU009");
    check_has(json, h.sequence_field());
    // BR-001, BR-002, BR-HQ; SKU order inside each.
    CHECK(values_of(json, "branch", "\"items\"", "\"categoryBreakdown\"").front() ==
          "Chi nhánh Trung tâm");
    CHECK(values_of(json, "branch", "\"items\"", "\"categoryBreakdown\"").back() ==
          "Trụ sở chính (Kho tổng)");

    SUBCASE("page 2 of 5 rows: tan_binh pepsi .. HQ pepsi") {
      const std::string page2 = pj::inventory_valuation(h.views, h.owner(), {2, 5});
      CHECK(listed(values_of(page2, "sku", "\"items\"", "\"categoryBreakdown\"")) ==
            listed(std::vector<std::string>{"SKU002", "SKU003", "SKU005", "SKU001", "SKU002"}));
      CHECK(listed(values_of(page2, "branch", "\"items\"", "\"categoryBreakdown\"")) ==
            listed(std::vector<std::string>{"Chi nhánh Tân Bình", "Chi nhánh Tân Bình",
                                            "Chi nhánh Tân Bình", "Trụ sở chính (Kho tổng)",
                                            "Trụ sở chính (Kho tổng)"}));
      // Totals do not depend on the page.
      check_has(page2, R"("totalQuantity":1154,)");
      check_has(page2, R"("pagination":{"page":2,"limit":5,"total":12})");
    }
    SUBCASE("a manager sees central, inventory staff HQ") {
      const std::string central = pj::inventory_valuation(h.views, h.manager(), {1, 50});
      check_has(central,
                R"("summary":{"totalProducts":4,"totalQuantity":405,"totalCostValue":2389000,)"
                R"("totalRetailValue":4689000,"totalPotentialProfit":2300000})");
      check_has(central, R"("pagination":{"page":1,"limit":50,"total":4})");
      const std::string hq = pj::inventory_valuation(
          h.views, {h.world.inventory, user_role::INVENTORY_STAFF, h.world.hq}, {1, 50});
      // 40×5000 + 100×5000 + 100×6000 + 99×8000 = 2092000; retail 4085000.
      check_has(hq, R"("summary":{"totalProducts":4,"totalQuantity":339,"totalCostValue":2092000,)"
                    R"("totalRetailValue":4085000,"totalPotentialProfit":1993000})");
    }
  }

  TEST_CASE("report profit: daily rows with margins and net figures") {
    const history h;
    const std::string json = pj::profit(h.views, h.owner(), pj::day_start_us(day_d),
                                        pj::day_end_us(day_d1), {"2025-06-02", "2025-06-03"});
    // D: 38880 / 74880 = 51.923 % -> "51.92%". D1: 8200 / 16200 = 50.617 % -> "50.62%".
    check_has(json, R"("daily":[{"date":"2025-06-02","revenue":74880,"cost":36000,"profit":38880,)"
                    R"("count":2,"margin":"51.92%","grossRevenue":85680,"refunds":10000,)"
                    R"("cancelled":10800,"netRevenue":64880,"netCost":31000,"netProfit":33880},)"
                    R"({"date":"2025-06-03","revenue":16200,"cost":8000,"profit":8200,"count":1,)"
                    R"("margin":"50.62%","grossRevenue":16200,"refunds":0,"cancelled":0,)"
                    R"("netRevenue":16200,"netCost":8000,"netProfit":8200}])");
    // 91080 revenue, 44000 cost, 47080 profit: 51.6908 % -> "51.69%". Net: gross 101880,
    // net revenue 101880 − 10000 − 10800 = 81080, net cost 49000 − 10000 = 39000.
    check_has(json,
              R"("summary":{"period":{"start":"2025-06-02","end":"2025-06-03","days":2},)"
              R"("totalRevenue":91080,"totalCost":44000,"totalProfit":47080,"totalInvoices":3,)"
              R"("profitMargin":"51.69%","grossRevenue":101880,"refunds":10000,"cancelled":10800,)"
              R"("netRevenue":81080,"netCost":39000,"netProfit":42080})");
    check_has(json, h.sequence_field());

    SUBCASE("without query strings the period comes from the rows") {
      const std::string rows =
          pj::profit(h.views, h.owner(), pj::day_start_us(day_d) - 5 * pj::us_per_day,
                     pj::day_end_us(day_d1) + 5 * pj::us_per_day, {});
      check_has(rows, R"("period":{"start":"2025-06-02","end":"2025-06-03","days":2})");
    }
    SUBCASE("an afternoon without sales: no rows, margin 0%, only returns and cancellations") {
      const std::string afternoon =
          pj::profit(h.views, h.owner(), at(day_d, 12, 0), pj::day_end_us(day_d), {});
      check_has(afternoon, R"("daily":[],)");
      check_has(afternoon,
                R"("summary":{"period":{"start":"2025-06-02","end":"2025-06-02","days":0},)"
                R"("totalRevenue":0,"totalCost":0,"totalProfit":0,"totalInvoices":0,)"
                R"("profitMargin":"0%","grossRevenue":0,"refunds":10000,"cancelled":10800,)"
                R"("netRevenue":-20800,"netCost":-10000,"netProfit":-10800})");
    }
  }

  TEST_CASE("report cashier-performance: rows by revenue with net figures of the cashier's sales") {
    const history h;
    const std::string json = pj::cashier_performance(h.views, h.owner(), pj::day_start_us(day_d),
                                                     pj::day_end_us(day_d1));
    const std::string cashier2 = fmt::format(
        R"({{"cashierId":"{}","cashierName":"Thu ngân 2","email":"cashier2@pos.com",)"
        R"("branch":"Chi nhánh Trung tâm","totalSales":1,"totalRevenue":38880,"totalItems":3,)"
        R"("avgOrderValue":38880,"grossRevenue":38880,"refunds":0,"cancelled":0,)"
        R"("netRevenue":38880,"netCost":18000,"netProfit":20880}})",
        h.views.uuid(entity_kind::user, h.world.cashier2));
    // Thu ngân 1: COMPLETED A only; gross A + C = 46800, R refunds 10000, X cancels 10800:
    // net revenue 26000; net cost 18000 + 5000 − 5000 − 5000 = 13000.
    const std::string cashier1 = fmt::format(
        R"({{"cashierId":"{}","cashierName":"Thu ngân 1","email":"cashier1@pos.com",)"
        R"("branch":"Chi nhánh Trung tâm","totalSales":1,"totalRevenue":36000,"totalItems":3,)"
        R"("avgOrderValue":36000,"grossRevenue":46800,"refunds":10000,"cancelled":10800,)"
        R"("netRevenue":26000,"netCost":13000,"netProfit":13000}})",
        h.views.uuid(entity_kind::user, h.world.cashier));
    const std::string admin = fmt::format(
        R"({{"cashierId":"{}","cashierName":"Super Admin","email":"admin@pos.com",)"
        R"j("branch":"Trụ sở chính (Kho tổng)","totalSales":1,"totalRevenue":16200,"totalItems":1,)j"
        R"("avgOrderValue":16200,"grossRevenue":16200,"refunds":0,"cancelled":0,)"
        R"("netRevenue":16200,"netCost":8000,"netProfit":8200}})",
        h.views.uuid(entity_kind::user, h.world.admin));
    check_has(json, fmt::format(R"("cashiers":[{},{},{}])", cashier2, cashier1, admin));
    check_has(json, R"("summary":{"totalCashiers":3,"totalSales":3,"totalRevenue":91080})");
    check_has(json, h.sequence_field());

    SUBCASE("a manager sees the cashiers of central only") {
      const std::string central = pj::cashier_performance(
          h.views, h.manager(), pj::day_start_us(day_d), pj::day_end_us(day_d1));
      check_has(central, fmt::format(R"("cashiers":[{},{}])", cashier2, cashier1));
      check_has(central, R"("summary":{"totalCashiers":2,"totalSales":2,"totalRevenue":74880})");
    }
  }

  TEST_CASE("dashboard: today's totals, inventory, cashiers, recent sales and hourly revenue") {
    const history h;
    SUBCASE("manager at central on D, 16:00") {
      const std::string json = pj::dashboard_for(h.views, h.manager(), at(day_d, 16, 0));
      CHECK(json == pj::dashboard(h.views, h.world.central, at(day_d, 16, 0)));
      check_has(json, R"("today":{"revenue":"74880","invoiceCount":2,"averageOrderValue":37440})");
      // Central: 99×5000 + 120×5000 + 97×6000 + 89×8000 = 2389000; nothing at or under 50.
      check_has(json,
                R"("inventory":{"totalValue":2389000,"retailValue":4689000,"lowStockCount":0,)"
                R"("totalProducts":4})");
      check_has(json, R"("operations":{"activeCashiers":2})");
      CHECK(listed(values_of(json, "invoiceNo", "\"recentSales\"", "\"hourlyRevenue\"")) ==
            listed(std::vector<std::string>{h.invoice(h.b), h.invoice(h.a)}));
      check_has(json, R"("cashier":{"fullName":"Thu ngân 2"},"totalQuantity":3})");
      check_has(json, R"("hourlyRevenue":[{"hour":9,"count":1,"revenue":36000},)"
                      R"({"hour":10,"count":1,"revenue":38880}])");
      check_has(json, h.sequence_field());
    }
    SUBCASE("owner on D1, 12:00: the whole chain") {
      const std::string json = pj::dashboard_for(h.views, h.owner(), at(day_d1, 12, 0));
      check_has(json, R"("today":{"revenue":"16200","invoiceCount":1,"averageOrderValue":16200})");
      // HQ's cola (40 <= 50) is the one low row.
      check_has(json,
                R"("inventory":{"totalValue":6961000,"retailValue":13624000,"lowStockCount":1,)"
                R"("totalProducts":4})");
      CHECK(listed(values_of(json, "invoiceNo", "\"recentSales\"", "\"hourlyRevenue\"")) ==
            listed(std::vector<std::string>{h.invoice(h.e), h.invoice(h.b), h.invoice(h.a)}));
      check_has(json, R"("hourlyRevenue":[{"hour":8,"count":1,"revenue":16200}])");
    }
    SUBCASE("a branch without sales: revenue is the string \"0\"") {
      const std::string json = pj::dashboard(h.views, h.world.tan_binh, at(day_d, 16, 0));
      check_has(json, R"("today":{"revenue":"0","invoiceCount":0,"averageOrderValue":0})");
      check_has(json,
                R"("inventory":{"totalValue":2480000,"retailValue":4850000,"lowStockCount":0,)"
                R"("totalProducts":4})");
      check_has(json, R"("operations":{"activeCashiers":0},"recentSales":[],"hourlyRevenue":[])");
    }
  }

}  // TEST_SUITE
