// Audit trail queries (projections/audit_queries.h, api-contract section 11).
//
// How: a scripted history runs real commands through the deciders (tests/support/spec.h) and
// is folded into views; the audit pages are checked for the exact sequence of actions (newest
// first), exact rendered values, filters, paging and scoping. The history, on top of the
// standard world (whose opening stock is given as facts by the ledger itself, user 0: twelve
// STOCK_IN entries without a user):
//
//   D = 2025-06-02 (UTC)
//   09:00  cashier  (central)  sale 1: 1 cola, 10800 paid CASH 5000 + E_WALLET 5800   CHECKOUT
//   10:00  manager  (central)  returns that cola: refund 10000, sale -> RETURNED       RETURN
//   11:00  cashier2 (central)  sale 2: 2 pepsi, 21600 paid CASH 30000                  CHECKOUT
//   12:00  manager             cancels sale 2 ("Khách đổi ý") CANCEL_INVOICE 13:00  inventory (HQ)
//   transfers 5 sting HQ -> central                           TRANSFER 14:00  inventory (HQ) counts
//   oreo at HQ: 90 (system 100)                        ADJUSTMENT 15:00  manager creates a PO,
//   admin approves it, manager receives it   CREATE_PO, APPROVE_PO,
//                                                                          GOODS_RECEIPT
//   15:30  manager             writes off 2 cola at central (100 -> 98)                  STOCK_OUT
#include "projections/audit_queries.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/verify.h"
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

constexpr std::int64_t at(std::int64_t hour, std::int64_t minute) {
  return day_d * pj::us_per_day + hour * pj::us_per_hour + minute * 60 * pj::us_per_second;
}

struct audit_history {
  ledger_spec spec;
  spec_world world;
  sale_id sale1, sale2;
  pj::view_state views;

  audit_history() {
    world = spec.standard_world();
    spec.now_us = at(9, 0);
    spec.run(world.cashier, add_cart_line{world.cola, 1});
    sale1 = check_out(world.cashier, {{payment_method::CASH, vnd(5000), ""},
                                      {payment_method::E_WALLET, vnd(5800), "MOMO-7"}});
    spec.now_us = at(10, 0);
    spec.run(world.manager,
             return_sale{sale1, "Lỗi", {{spec.model.find(sale1)->lines[0].id, 1, ""}}});
    spec.now_us = at(11, 0);
    spec.run(world.cashier2, add_cart_line{world.pepsi, 2});
    sale2 = check_out(world.cashier2, {{payment_method::CASH, vnd(30000), ""}});
    spec.now_us = at(12, 0);
    spec.run(world.manager, cancel_sale{sale2, "Khách đổi ý"});
    spec.now_us = at(13, 0);
    spec.run(world.inventory, transfer_stock{world.hq, world.central, {{world.sting, 5}}, ""});
    spec.now_us = at(14, 0);
    spec.run(world.inventory, adjust_stock{world.oreo, 90, "Kiểm kê"});
    spec.now_us = at(15, 0);
    const decision ordered =
        spec.run(world.manager, create_purchase_order{world.beverages,
                                                      {{world.pepsi, 10, vnd(5000)}},
                                                      "",
                                                      purchase_order_start::pending_approval,
                                                      ""});
    const auto po = single_event<events::purchase_order_created>(ordered);
    spec.run(world.admin, approve_purchase_order{purchase_order_id{po.purchase_order_id}});
    spec.run(
        world.manager,
        receive_goods{purchase_order_id{po.purchase_order_id},
                      world.beverages,
                      {{purchase_order_line_id{po.lines[0].line_id()}, world.pepsi, 10, vnd(5000)}},
                      ""});
    spec.now_us = at(15, 30);
    spec.run(world.manager, issue_stock{world.cola, 2, "Hư hỏng", ""});
    views = fold_spec_log(spec);
  }

  // The logged event of type E for which `is_it` holds (REQUIREs one).
  template <class E, class Pred>
  const logged_event& logged(Pred is_it) const {
    for (const logged_event& e : spec.log) {
      if (const E* typed = std::get_if<E>(&e.body); typed != nullptr && is_it(*typed)) return e;
    }
    FAIL("event not logged");
    return spec.log.front();
  }

  std::string invoice(sale_id id) const { return views.sales.find(id)->invoice_number; }
  std::string user_uuid(user_id id) const { return views.uuid(entity_kind::user, id); }

  pj::caller admin() const { return {world.admin, user_role::SUPER_ADMIN, world.hq}; }
  pj::caller manager() const { return {world.manager, user_role::BRANCH_MANAGER, world.central}; }

 private:
  sale_id check_out(user_id cashier, std::vector<tender> tenders) {
    check_out_cart checkout;
    checkout.tenders = std::move(tenders);
    const decision d = spec.run(cashier, checkout);
    return sale_id{single_event<events::sale_completed>(d).sale_id};
  }
};


// The "action" of every item of a page, in order.
std::vector<std::string> actions_of(const std::string& json) {
  std::vector<std::string> found;
  const std::string_view needle = "\"action\":\"";
  for (std::size_t p = json.find(needle); p != std::string::npos; p = json.find(needle, p + 1)) {
    const std::size_t start = p + needle.size();
    found.push_back(json.substr(start, json.find('"', start) - start));
  }
  return found;
}

std::vector<std::string> repeat(std::string_view value, std::size_t times) {
  return std::vector<std::string>(times, std::string{value});
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_SUITE("projections/audit_queries") {
  TEST_CASE("audit names parse exactly and case-sensitively") {
    CHECK(pj::parse_audit_action("CHECKOUT") == std::optional{pj::audit_action::CHECKOUT});
    CHECK(pj::parse_audit_action("CANCEL_INVOICE") ==
          std::optional{pj::audit_action::CANCEL_INVOICE});
    CHECK(pj::parse_audit_action("SUBMIT_PO") == std::optional{pj::audit_action::SUBMIT_PO});
    CHECK(pj::parse_audit_action("checkout") == std::nullopt);
    CHECK(pj::parse_audit_action("CHECKOUT ") == std::nullopt);
    CHECK(pj::parse_audit_action("") == std::nullopt);
    CHECK(pj::parse_audit_entity("Sale") == std::optional{pj::audit_entity::Sale});
    CHECK(pj::parse_audit_entity("PurchaseOrder") ==
          std::optional{pj::audit_entity::PurchaseOrder});
    CHECK(pj::parse_audit_entity("sale") == std::nullopt);
    CHECK(pj::parse_audit_entity("SALE") == std::nullopt);
  }

  TEST_CASE("audit list: sale entries newest first with values rendered from the sales view") {
    const audit_history h;
    pj::audit_filters sale_only;
    sale_only.entity = pj::audit_entity::Sale;
    const std::string json = pj::audit_list(h.views, h.admin(), sale_only, {1, 20});
    CHECK(listed(actions_of(json)) ==
          listed(std::vector<std::string>{"CANCEL_INVOICE", "CHECKOUT", "RETURN", "CHECKOUT"}));
    check_has(json, R"("total":4,"page":1,"limit":20,"totalPages":1)");
    check_has(json, fmt::format("\"sequence\":{}}}", h.spec.log.back().header.sequence));

    // The whole first CHECKOUT item, byte for byte.
    const logged_event& sold = h.logged<events::sale_completed>(
        [&](const events::sale_completed& e) { return e.sale_id == h.sale1.value; });
    const std::string checkout = fmt::format(
        R"({{"id":"{}","action":"CHECKOUT","entity":"Sale","entityId":"{}","oldValue":null,)"
        R"("newValue":{{"invoiceNo":"{}","total":10800,"items":1,"paymentMethods":["CASH","E_WALLET"]}},)"
        R"("ipAddress":null,"userAgent":null,"userId":"{}","createdAt":"{}",)"
        R"("user":{{"id":"{}","fullName":"Thu ngân 1","email":"cashier1@pos.com"}},"sequence":{}}})",
        h.views.uuid(entity_kind::audit_entry, sold.header.sequence),
        h.views.uuid(entity_kind::sale, h.sale1), h.invoice(h.sale1), h.user_uuid(h.world.cashier),
        engine::iso_time(sold.header.recorded_at_us), h.user_uuid(h.world.cashier),
        sold.header.sequence);
    check_has(json, checkout + "]");  // the oldest comes last

    const auto* ret = h.views.sales.find(h.views.sales.find(h.sale1)->returns.at(0));
    REQUIRE(ret != nullptr);
    check_has(
        json,
        fmt::format(R"("action":"RETURN","entity":"Sale","entityId":"{}","oldValue":null,)"
                    R"("newValue":{{"returnNo":"{}","refundAmount":10000,"status":"RETURNED"}})",
                    h.views.uuid(entity_kind::sale, h.sale1), ret->return_number));
    check_has(
        json,
        fmt::format(
            R"("newValue":{{"invoiceNo":"{}","total":21600,"items":1,"paymentMethods":["CASH"]}})",
            h.invoice(h.sale2)));
    check_has(
        json,
        fmt::format(R"("action":"CANCEL_INVOICE","entity":"Sale","entityId":"{}","oldValue":null,)"
                    R"("newValue":{{"invoiceNo":"{}","reason":"Khách đổi ý"}})",
                    h.views.uuid(entity_kind::sale, h.sale2), h.invoice(h.sale2)));

    SUBCASE("action filter") {
      pj::audit_filters checkouts = sale_only;
      checkouts.action = pj::audit_action::CHECKOUT;
      const std::string page = pj::audit_list(h.views, h.admin(), checkouts, {1, 50});
      CHECK(listed(actions_of(page)) == listed(std::vector<std::string>{"CHECKOUT", "CHECKOUT"}));
      check_has(page, R"("total":2,"page":1,"limit":50,"totalPages":1)");
    }
    SUBCASE("paging, the cap of 100 and limit 0") {
      const std::string page2 = pj::audit_list(h.views, h.admin(), sale_only, {2, 3});
      CHECK(listed(actions_of(page2)) == listed(std::vector<std::string>{"CHECKOUT"}));
      check_has(page2, R"("total":4,"page":2,"limit":3,"totalPages":2)");
      check_has(page2, h.invoice(h.sale1));
      const std::string capped = pj::audit_list(h.views, h.admin(), sale_only, {1, 1000});
      check_has(capped, R"("total":4,"page":1,"limit":100,"totalPages":1)");
      const std::string none = pj::audit_list(h.views, h.admin(), sale_only, {1, 0});
      check_has(none, R"("data":[],"total":4,"page":1,"limit":0,"totalPages":null)");
    }
    SUBCASE("an unknown name matches nothing") {
      pj::audit_filters unknown;
      unknown.matches_nothing = true;
      const std::string page = pj::audit_list(h.views, h.admin(), unknown, {1, 20});
      check_has(page, R"("data":[],"total":0,"page":1,"limit":20,"totalPages":0)");
    }
  }

  TEST_CASE("audit list: user, time and branch filters") {
    const audit_history h;
    pj::audit_filters by_manager;
    by_manager.user = h.world.manager;
    CHECK(listed(actions_of(pj::audit_list(h.views, h.admin(), by_manager, {1, 20}))) ==
          listed(std::vector<std::string>{"STOCK_OUT", "GOODS_RECEIPT", "CREATE_PO",
                                          "CANCEL_INVOICE", "RETURN"}));

    // 09:30 .. 12:30 holds the return, the second checkout and the cancellation (any entity).
    pj::audit_filters window;
    window.start_us = at(9, 30);
    window.end_us = at(12, 30);
    const std::string windowed = pj::audit_list(h.views, h.admin(), window, {1, 20});
    CHECK(listed(actions_of(windowed)) ==
          listed(std::vector<std::string>{"CANCEL_INVOICE", "CHECKOUT", "RETURN"}));
    check_has(windowed, R"("total":3,)");

    // Bounds are inclusive: the return was recorded at exactly 10:00:00.000.
    pj::audit_filters exact;
    exact.start_us = at(10, 0);
    exact.end_us = at(10, 0);
    CHECK(listed(actions_of(pj::audit_list(h.views, h.admin(), exact, {1, 20}))) ==
          listed(std::vector<std::string>{"RETURN"}));

    // Ledger entries: the opening stock has no user.
    pj::audit_filters stock_in;
    stock_in.entity = pj::audit_entity::Inventory;
    stock_in.action = pj::audit_action::STOCK_IN;
    const std::string ledger_entries = pj::audit_list(h.views, h.admin(), stock_in, {1, 50});
    CHECK(listed(actions_of(ledger_entries)) == listed(repeat("STOCK_IN", 12)));
    check_has(ledger_entries, R"("newValue":{"quantity":100,"newStock":100,"reference":null},)"
                              R"("ipAddress":null,"userAgent":null,"userId":null,)");
    check_has(ledger_entries, R"("user":null,"sequence":)");
    check_lacks(ledger_entries, R"("user":{)");
  }

  TEST_CASE("audit list: a manager sees the entries of users currently at their branch") {
    audit_history h;
    const std::vector<std::string> central = {"STOCK_OUT",      "GOODS_RECEIPT", "CREATE_PO",
                                              "CANCEL_INVOICE", "CHECKOUT",      "RETURN",
                                              "CHECKOUT"};
    CHECK(listed(actions_of(pj::audit_list(h.views, h.manager(), {}, {1, 20}))) == listed(central));
    // A manager without a branch, and the owner, see everything.
    const std::string all_count = fmt::format("\"total\":{},", h.views.audit.entries.size());
    check_has(pj::audit_list(h.views, {h.world.manager, user_role::BRANCH_MANAGER, branch_id{}}, {},
                             {1, 20}),
              all_count);
    check_has(pj::audit_list(h.views, {h.world.owner, user_role::OWNER, branch_id{}}, {}, {1, 20}),
              all_count);

    // cashier2 moves to Tân Bình: their checkout leaves the manager's list (current branch), but
    // the native branch filter (branch at the time) still finds it.
    const std::size_t before = h.spec.log.size();
    h.spec.now_us = at(16, 0);
    h.spec.run(
        h.world.admin,
        update_user{
            h.world.cashier2, {}, {}, {}, {}, {}, std::optional<branch_id>{h.world.tan_binh}});
    fold_spec_events(h.spec, h.views, before);
    CHECK(listed(actions_of(pj::audit_list(h.views, h.manager(), {}, {1, 20}))) ==
          listed(std::vector<std::string>{"STOCK_OUT", "GOODS_RECEIPT", "CREATE_PO",
                                          "CANCEL_INVOICE", "RETURN", "CHECKOUT"}));
    pj::audit_filters at_central;
    at_central.branch = h.world.central;
    CHECK(listed(actions_of(pj::audit_list(h.views, h.admin(), at_central, {1, 20}))) ==
          listed(central));
    // The newest entry of all is the admin's update, with old and new values.
    const std::string newest = pj::audit_list(h.views, h.admin(), {}, {1, 1});
    CHECK(listed(actions_of(newest)) == listed(std::vector<std::string>{"UPDATE"}));
    check_has(newest, R"("entity":"User",)");
    check_has(newest, R"("oldValue":{"email":"cashier2@pos.com","role":"CASHIER"},)"
                      R"("newValue":{"email":"cashier2@pos.com","role":"CASHIER"},)");
  }

  TEST_CASE("audit inventory: Inventory entries with product, type and branch filters") {
    const audit_history h;
    const std::vector<std::string> all =
        concat({"STOCK_OUT", "ADJUSTMENT", "TRANSFER"}, repeat("STOCK_IN", 12));
    const std::string json = pj::inventory_audit(h.views, h.admin(), {}, {1, 20});
    CHECK(listed(actions_of(json)) == listed(all));
    check_has(json, R"("total":15,"page":1,"limit":20,"totalPages":1)");
    check_lacks(json, R"("email")");  // 11.3's user is {id, fullName}
    check_has(json, R"("newValue":{"quantity":-2,"reason":"Hư hỏng","newStock":98})");
    const auto& transfer = h.views.inventory.transfers.at(0);
    check_has(
        json,
        fmt::format(
            R"("action":"TRANSFER","entity":"Inventory","entityId":"{}","oldValue":null,)"
            R"("newValue":{{"sourceBranch":"{}","destBranch":"{}","items":1,"refNumber":"{}"}})",
            h.views.uuid(entity_kind::transfer, transfer.id),
            h.views.uuid(entity_kind::branch, h.world.hq),
            h.views.uuid(entity_kind::branch, h.world.central), transfer.reference_number));

    SUBCASE("type") {
      pj::inventory_audit_filters adjustments;
      adjustments.type = pj::audit_action::ADJUSTMENT;
      const std::string page = pj::inventory_audit(h.views, h.admin(), adjustments, {1, 20});
      CHECK(listed(actions_of(page)) == listed(std::vector<std::string>{"ADJUSTMENT"}));
      check_has(
          page,
          fmt::format(
              R"("entityId":"{}","oldValue":null,)"
              R"("newValue":{{"systemQty":100,"actualQty":90,"difference":-10,"reason":"Kiểm kê"}},)",
              h.views.uuid(entity_kind::product, h.world.oreo)));
      check_has(page, fmt::format(R"("user":{{"id":"{}","fullName":"Nhân viên kho"}},)",
                                  h.user_uuid(h.world.inventory)));
    }
    SUBCASE("product (the entityId)") {
      pj::inventory_audit_filters oreo;
      oreo.product = h.world.oreo;
      CHECK(listed(actions_of(pj::inventory_audit(h.views, h.admin(), oreo, {1, 20}))) ==
            listed(concat({"ADJUSTMENT"}, repeat("STOCK_IN", 3))));
    }
    SUBCASE("branch: the acting user's current branch; ledger entries have none") {
      pj::inventory_audit_filters hq;
      hq.branch = h.world.hq;
      CHECK(listed(actions_of(pj::inventory_audit(
                h.views, {h.world.inventory, user_role::INVENTORY_STAFF, h.world.hq}, hq,
                {1, 20}))) == listed(std::vector<std::string>{"ADJUSTMENT", "TRANSFER"}));
    }
    SUBCASE("a manager is held to their branch, whatever branchId says") {
      pj::inventory_audit_filters hq;
      hq.branch = h.world.hq;
      CHECK(listed(actions_of(pj::inventory_audit(h.views, h.manager(), hq, {1, 20}))) ==
            listed(std::vector<std::string>{"STOCK_OUT"}));
      // Without a branch: unrestricted, and the filter is still ignored.
      CHECK(listed(actions_of(pj::inventory_audit(
                h.views, {h.world.manager, user_role::BRANCH_MANAGER, branch_id{}}, hq,
                {1, 20}))) == listed(all));
    }
    SUBCASE("an unknown type matches nothing") {
      pj::inventory_audit_filters unknown;
      unknown.matches_nothing = true;
      check_has(pj::inventory_audit(h.views, h.admin(), unknown, {1, 20}),
                R"("data":[],"total":0,)");
    }
  }

}  // TEST_SUITE
