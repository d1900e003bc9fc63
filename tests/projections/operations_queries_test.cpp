// Inventory, point-of-sale and procurement reads (projections/operations_queries.h).
//
// How: real commands run through the pure deciders on the standard world (tests/support/spec.h)
// and the logged events are folded into views (tests/support/views_fixture.h); the queries'
// JSON text is then compared with the contract's shapes: exact documents for small answers,
// exact fragments (and their order) for large ones. Document numbers, UUIDs and times in the
// expected text come from the events and the views, never from the code under test.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/verify.h"
#include "projections/operations_queries.h"
#include "tests/support/views_fixture.h"

namespace {

using namespace ledger;
using namespace ledger::testing;
namespace pj = ledger::projections;

constexpr std::int64_t vnd(std::int64_t units) { return units * 100; }

std::string ok(const pj::query_result& result) {
  const auto* error = std::get_if<pj::query_error>(&result);
  REQUIRE_MESSAGE(error == nullptr, (error ? error->message : std::string{}));
  return std::get<std::string>(result);
}

pj::query_error failed(const pj::query_result& result) {
  REQUIRE(std::holds_alternative<pj::query_error>(result));
  return std::get<pj::query_error>(result);
}

std::size_t occurrences(std::string_view text, std::string_view needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// Every fragment occurs in `text`, in this order.
void check_in_order(std::string_view text, const std::vector<std::string>& fragments) {
  std::size_t from = 0;
  for (const auto& fragment : fragments) {
    CAPTURE(fragment);
    const auto at = text.find(fragment, from);
    CHECK(at != std::string_view::npos);
    if (at == std::string_view::npos) return;
    from = at + fragment.size();
  }
}

check_out_cart pay(std::vector<tender> tenders) {
  check_out_cart c;
  c.tenders = std::move(tenders);
  return c;
}

sale_id checkout(ledger_spec& spec, user_id cashier, std::vector<tender> tenders) {
  const decision d = spec.run(cashier, pay(std::move(tenders)));
  return sale_id{single_event<events::sale_completed>(d).sale_id};
}

// The scripted history most tests read: stock operations at BR-001, a sale with split tenders
// that is partly returned and then cancelled, two more sales (BR-001 and BR-002), a purchase
// order received in two goods receipts at BR-HQ, and a rejected one.
struct history {
  ledger_spec spec;
  spec_world w = spec.standard_world();
  user_id tan_binh_cashier;
  adjustment_id adjustment;
  transfer_id transfer;
  std::string transfer_number;
  sale_id sale;  // cashier at BR-001: 2 pepsi + 3 sting, customer An, CASH + BANK_TRANSFER
  std::string invoice;
  sale_line_id pepsi_line;
  return_id sale_return;
  std::string return_number;
  sale_id sale2;  // cashier2 at BR-001: 1 sting, cash 20000 (change 7040)
  std::string invoice2;
  sale_id sale3;  // BR-002
  purchase_order_id order;
  std::string po_number;
  goods_receipt_id receipt1;
  std::string receipt1_number;
  goods_receipt_id receipt2;
  std::string receipt2_number;
  purchase_order_id rejected_order;

  history() {
    spec.run(w.manager, receive_stock{w.cola, 20, 0, {}, "PO-EXT-1", "first delivery"});
    spec.run(w.manager, issue_stock{w.cola, 5, "DAMAGE", ""});
    adjustment = adjustment_id{
        single_event<events::stock_adjusted>(spec.run(w.manager, adjust_stock{w.pepsi, 97, "Count"}))
            .adjustment_id};
    const auto moved = single_event<events::stock_transferred>(
        spec.run(w.manager, transfer_stock{w.central, w.tan_binh, {{w.sting, 10}}, "restock"}));
    transfer = transfer_id{moved.transfer_id};
    transfer_number = moved.reference_number;
    tan_binh_cashier = user_id{single_event<events::user_created>(
                                   spec.run(w.admin, create_user{"tb@pos.com", "argon2id$x",
                                                                 "Thu ngân Tân Bình", "",
                                                                 user_role::CASHIER, w.tan_binh}))
                                   .user_id};

    spec.run(w.cashier, add_cart_line{w.pepsi, 2});
    spec.run(w.cashier, add_cart_line{w.sting, 3});
    spec.run(w.cashier, set_cart_customer{w.an});
    const decision sold = spec.run(
        w.cashier, pay({{payment_method::CASH, vnd(50000), ""},
                        {payment_method::BANK_TRANSFER, vnd(10480), "TXN-1"}}));
    const auto completed = single_event<events::sale_completed>(sold);
    sale = sale_id{completed.sale_id};
    invoice = completed.invoice_number;
    REQUIRE(completed.lines.size() == 2);
    pepsi_line = sale_line_id{completed.lines[0].line_id()};

    const auto returned = single_event<events::sale_returned>(
        spec.run(w.manager, return_sale{sale, "Broken", {{pepsi_line, 1, ""}}}));
    sale_return = return_id{returned.return_id};
    return_number = returned.return_number;
    spec.run(w.manager, cancel_sale{sale, "Customer changed mind"});

    spec.run(w.cashier2, add_cart_line{w.sting, 1});
    const decision sold2 = spec.run(w.cashier2, pay({{payment_method::CASH, vnd(20000), ""}}));
    sale2 = sale_id{single_event<events::sale_completed>(sold2).sale_id};
    invoice2 = single_event<events::sale_completed>(sold2).invoice_number;
    spec.run(tan_binh_cashier, add_cart_line{w.oreo, 1});
    sale3 = checkout(spec, tan_binh_cashier, {{payment_method::CASH, vnd(16200), ""}});

    const auto created = single_event<events::purchase_order_created>(spec.run(
        w.inventory,
        create_purchase_order{w.beverages, {{w.cola, 10, vnd(5000)}, {w.oreo, 5, vnd(8000)}},
                              "restock", {}, {}}));
    order = purchase_order_id{created.purchase_order_id};
    po_number = created.po_number;
    REQUIRE(created.lines.size() == 2);
    const purchase_order_line_id cola_line{created.lines[0].line_id()};
    const purchase_order_line_id oreo_line{created.lines[1].line_id()};
    spec.run(w.admin, approve_purchase_order{order});
    const auto first = single_event<events::goods_receipt_recorded>(spec.run(
        w.inventory, receive_goods{order, w.beverages, {{cola_line, w.cola, 4, vnd(5000)}}, ""}));
    receipt1 = goods_receipt_id{first.receipt_id};
    receipt1_number = first.receipt_number;
    partial_views = fold_spec_log(spec);
    const auto second = single_event<events::goods_receipt_recorded>(spec.run(
        w.inventory, receive_goods{order,
                                   w.beverages,
                                   {{cola_line, w.cola, 6, vnd(5200)}, {oreo_line, w.oreo, 5, vnd(8000)}},
                                   "rest"}));
    receipt2 = goods_receipt_id{second.receipt_id};
    receipt2_number = second.receipt_number;

    rejected_order = purchase_order_id{
        single_event<events::purchase_order_created>(
            spec.run(w.inventory,
                     create_purchase_order{w.beverages, {{w.sting, 1, vnd(6000)}}, "", {}, {}}))
            .purchase_order_id};
    spec.run(w.admin, reject_purchase_order{rejected_order});
    views = fold_spec_log(spec);
  }

  pj::view_state partial_views;  // after the first goods receipt
  pj::view_state views;          // after everything

  template <class Tag>
  [[nodiscard]] std::string uuid(entity_kind kind, id<Tag> value) const {
    return views.uuid(kind, value);
  }
  [[nodiscard]] pj::caller as(user_id user) const {
    const auto* record = spec.model.find(user);
    REQUIRE(record != nullptr);
    return pj::caller{user, record->role, record->branch};
  }
};

// ------------------------------------------------------------------ inventory

TEST_SUITE("projections/operations_queries") {

TEST_CASE("operations_queries: transactions render every ledger row as the contract's table says") {
  history h;
  const auto& v = h.views;
  const std::string body = ok(pj::transactions(v, h.as(h.w.manager), std::nullopt, {1, 100}));
  const std::string pepsi = h.uuid(entity_kind::product, h.w.pepsi);
  const std::string sting = h.uuid(entity_kind::product, h.w.sting);
  const std::string cola = h.uuid(entity_kind::product, h.w.cola);
  const auto row = [](std::string_view type, int quantity, std::string_view reference,
                      std::string_view note, std::string_view product) {
    const auto text = [](std::string_view s) {
      return s.empty() ? std::string{"null"} : fmt::format("\"{}\"", s);
    };
    return fmt::format(R"("type":"{}","quantity":{},"reference":{},"note":{},"productId":"{}")",
                       type, quantity, text(reference), text(note), product);
  };
  // Newest first; rows of one event come out in reverse line order.
  check_in_order(
      body,
      {row("SALE", -1, h.invoice2, "", sting),
       row("RETURN", 3, h.invoice, "Cancel invoice: Customer changed mind", sting),
       row("RETURN", 1, h.invoice, "Cancel invoice: Customer changed mind", pepsi),
       row("RETURN", 1, h.return_number, fmt::format("Return from sale {}", h.invoice), pepsi),
       row("SALE", -3, h.invoice, "", sting), row("SALE", -2, h.invoice, "", pepsi),
       row("TRANSFER_OUT", -10, h.transfer_number,
           fmt::format("Transfer to branch {}", h.uuid(entity_kind::branch, h.w.tan_binh)), sting),
       row("ADJUSTMENT", -3, h.uuid(entity_kind::adjustment, h.adjustment),
           "Adjustment: Count (system: 100, actual: 97)", pepsi),
       row("STOCK_OUT", -5, "DAMAGE", "DAMAGE", cola),
       row("STOCK_IN", 20, "PO-EXT-1", "first delivery", cola)});
  CHECK(body.ends_with(R"(],"total":14,"page":1,"limit":100,"totalPages":1})"));
  // The four opening stock-ins were given as facts (no actor): user null.
  CHECK(occurrences(body, R"("userId":null)") == 4);
  CHECK(occurrences(body, R"("user":null)") == 4);

  SUBCASE("the newest row, exactly") {
    const auto& positions = v.inventory.movements_by_branch.at(h.w.central);
    const pj::movement& newest = v.inventory.movements[positions.back()];
    const std::string cashier2 = h.uuid(entity_kind::user, h.w.cashier2);
    const std::string expected = fmt::format(
        R"({{"data":[{{"id":"{}","type":"SALE","quantity":-1,"reference":"{}","note":null,)"
        R"("productId":"{}","branchId":"{}","userId":"{}","createdAt":"{}",)"
        R"("product":{{"id":"{}","sku":"SKU003","name":"Sting Đỏ 330ml","unit":"lon"}},)"
        R"("user":{{"id":"{}","fullName":"Thu ngân 2"}}}}],"total":14,"page":1,"limit":1,"totalPages":14}})",
        v.uuid(entity_kind::inventory_transaction, newest.number), h.invoice2, sting,
        h.uuid(entity_kind::branch, h.w.central), cashier2, engine::iso_time(newest.at_us), sting,
        cashier2);
    CHECK(ok(pj::transactions(v, h.as(h.w.manager), std::nullopt, {1, 1})) == expected);
  }
  SUBCASE("pages count from the newest row") {
    const std::string page2 = ok(pj::transactions(v, h.as(h.w.manager), std::nullopt, {2, 3}));
    CHECK(occurrences(page2, R"("type":)") == 3);
    check_in_order(page2, {row("RETURN", 1, h.return_number,
                               fmt::format("Return from sale {}", h.invoice), pepsi),
                           row("SALE", -3, h.invoice, "", sting), row("SALE", -2, h.invoice, "", pepsi),
                           R"("total":14,"page":2,"limit":3,"totalPages":5})"});
    const std::string past = ok(pj::transactions(v, h.as(h.w.manager), std::nullopt, {9, 3}));
    CHECK(past.starts_with(R"({"data":[],"total":14,"page":9,"limit":3,"totalPages":5})"));
    const std::string none = ok(pj::transactions(v, h.as(h.w.manager), std::nullopt, {1, 0}));
    CHECK(none == R"({"data":[],"total":14,"page":1,"limit":0,"totalPages":null})");
  }
  SUBCASE("a product filter counts that product's rows only") {
    const std::string only = ok(pj::transactions(v, h.as(h.w.manager), h.w.pepsi, {1, 2}));
    CHECK(occurrences(only, R"("type":)") == 2);
    CHECK(occurrences(only, sting) == 0);
    CHECK(only.ends_with(R"("total":5,"page":1,"limit":2,"totalPages":3})"));
  }
  SUBCASE("the destination branch, goods receipts and a caller without a branch") {
    const std::string tan_binh =
        ok(pj::transactions(v, h.as(h.tan_binh_cashier), std::nullopt, {1, 20}));
    CHECK(tan_binh.find(row("TRANSFER_IN", 10, h.transfer_number,
                            fmt::format("Transfer from branch {}",
                                        h.uuid(entity_kind::branch, h.w.central)),
                            sting)) != std::string::npos);
    const std::string hq = ok(pj::transactions(v, h.as(h.w.inventory), h.w.cola, {1, 20}));
    const std::string note = fmt::format("Goods receipt from PO {}", h.po_number);
    check_in_order(hq, {row("STOCK_IN", 6, h.receipt2_number, note, cola),
                        row("STOCK_IN", 4, h.receipt1_number, note, cola)});
    const auto error = failed(pj::transactions(v, h.as(h.w.owner), std::nullopt, {1, 20}));
    CHECK(error == pj::query_error{400, "Invalid data format"});
  }
}

TEST_CASE("operations_queries: stock list of the caller's branch, adjustments, write responses") {
  history h;
  const auto& v = h.views;
  const std::string central = h.uuid(entity_kind::branch, h.w.central);
  const std::string cola = h.uuid(entity_kind::product, h.w.cola);

  const std::string one = ok(pj::stock_list(v, h.as(h.w.manager), h.w.cola));
  CHECK(occurrences(one, R"("productId":)") == 1);
  CHECK(one.find(fmt::format(R"("quantity":115,"productId":"{}","branchId":"{}")", cola, central)) !=
        std::string::npos);
  CHECK(one.find(fmt::format(
            R"("product":{{"id":"{}","sku":"SKU001","name":"Coca Cola 330ml",)"
            R"("barcode":"8934567890123","costPrice":"5000","sellingPrice":"10000",)"
            R"("minStock":50,"unit":"lon"}}}}])",
            cola)) != std::string::npos);

  const std::string all = ok(pj::stock_list(v, h.as(h.w.manager), std::nullopt));
  CHECK(occurrences(all, R"("productId":)") == 4);
  CHECK(occurrences(all, central) == 4);
  check_in_order(all, {R"("quantity":115)", R"("sku":"SKU001")", R"("quantity":97)",
                       R"("sku":"SKU002")", R"("quantity":89)", R"("sku":"SKU003")",
                       R"("quantity":100)", R"("sku":"SKU005")"});
  CHECK(failed(pj::stock_list(v, h.as(h.w.owner), std::nullopt)) ==
        pj::query_error{400, "Invalid data format"});

  CHECK(pj::stock_change_json({.previous_stock = 120, .new_stock = 115, .change = -5}) ==
        R"({"previousStock":120,"newStock":115,"change":-5})");
  const std::string adjustment = h.uuid(entity_kind::adjustment, h.adjustment);
  CHECK(ok(pj::adjustment_result_json(v, h.adjustment)) ==
        fmt::format(R"({{"previousStock":100,"newStock":97,"difference":-3,"adjustmentId":"{}"}})",
                    adjustment));
  CHECK(failed(pj::adjustment_result_json(v, adjustment_id{999999})).status == 404);

  const std::string manager = h.uuid(entity_kind::user, h.w.manager);
  const auto& counted = v.inventory.adjustments.at(0);
  CHECK(ok(pj::adjustments_list(v, h.as(h.w.manager), {1, 20})) ==
        fmt::format(R"({{"data":[{{"id":"{}","systemQty":100,"actualQty":97,"difference":-3,)"
                    R"("reason":"Count","status":"APPROVED","userId":"{}","approvedById":"{}",)"
                    R"("approvedAt":"{}","productId":"{}","branchId":"{}","createdAt":"{}"}}],)"
                    R"("total":1,"page":1,"limit":20,"totalPages":1}})",
                    adjustment, manager, manager, engine::iso_time(counted.at_us),
                    h.uuid(entity_kind::product, h.w.pepsi), central,
                    engine::iso_time(counted.at_us)));
  CHECK(ok(pj::adjustments_list(v, h.as(h.w.inventory), {1, 20})) ==
        R"({"data":[],"total":0,"page":1,"limit":20,"totalPages":0})");
  CHECK(failed(pj::adjustments_list(v, h.as(h.w.owner), {1, 20})).status == 400);
}

TEST_CASE("operations_queries: transfers list and the transfer response") {
  history h;
  const auto& v = h.views;
  REQUIRE(v.inventory.transfers.size() == 1);
  const pj::transfer_view& t = v.inventory.transfers[0];
  const std::string id = h.uuid(entity_kind::transfer, h.transfer);
  const std::string central = h.uuid(entity_kind::branch, h.w.central);
  const std::string tan_binh = h.uuid(entity_kind::branch, h.w.tan_binh);
  const std::string manager = h.uuid(entity_kind::user, h.w.manager);
  const std::string sting = h.uuid(entity_kind::product, h.w.sting);
  const std::string at = engine::iso_time(t.created_at_us);
  const std::string row = fmt::format(
      R"("id":"{}","referenceNumber":"{}","status":"COMPLETED","notes":"restock",)"
      R"("sourceBranchId":"{}","destBranchId":"{}","requestedById":"{}","approvedById":"{}",)"
      R"("createdAt":"{}","updatedAt":"{}")",
      id, h.transfer_number, central, tan_binh, manager, manager, at, at);
  const std::string item =
      fmt::format(R"("id":"{}","quantity":10,"receivedQty":10,"transferId":"{}","productId":"{}")",
                  v.uuid(pj::transfer_item_kind, t.items.at(0).number), id, sting);

  CHECK(ok(pj::transfer_json(v, h.transfer)) ==
        fmt::format(R"({{{},"items":[{{{}}}]}})", row, item));
  CHECK(failed(pj::transfer_json(v, transfer_id{999999})) ==
        pj::query_error{404, "Transfer not found"});

  // Not branch-scoped: the same answer for everybody (the function takes no caller).
  CHECK(pj::transfers_list(v, {1, 20}) ==
        fmt::format(R"({{"data":[{{{},"sourceBranch":{{"id":"{}","name":"Chi nhánh Trung tâm","code":"BR-001"}},)"
                    R"("destBranch":{{"id":"{}","name":"Chi nhánh Tân Bình","code":"BR-002"}},)"
                    R"("requestedBy":{{"id":"{}","fullName":"Quản lý chi nhánh"}},)"
                    R"("items":[{{{},"product":{{"id":"{}","sku":"SKU003","name":"Sting Đỏ 330ml"}}}}]}}],)"
                    R"("total":1,"page":1,"limit":20,"totalPages":1}})",
                    row, central, tan_binh, manager, item, sting));
}

TEST_CASE("operations_queries: transfers list fetches at most 100 rows but echoes the limit") {
  ledger_spec spec;
  const auto w = spec.standard_world();
  std::vector<std::string> numbers;
  for (int i = 0; i < 101; ++i) {
    const product_id product = i % 2 == 0 ? w.cola : w.pepsi;
    numbers.push_back(single_event<events::stock_transferred>(
                          spec.run(w.inventory, transfer_stock{w.hq, w.central, {{product, 1}}, ""}))
                          .reference_number);
  }
  const auto views = fold_spec_log(spec);
  const std::string body = pj::transfers_list(views, {1, 150});
  CHECK(occurrences(body, R"("referenceNumber":)") == 100);
  CHECK(body.find(numbers.back()) < body.find(numbers[1]));  // newest first
  CHECK(body.find(fmt::format("\"{}\"", numbers.front())) == std::string::npos);  // the 101st
  CHECK(body.ends_with(R"("total":101,"page":1,"limit":150,"totalPages":1})"));
  const std::string second = pj::transfers_list(views, {2, 100});
  CHECK(occurrences(second, R"("referenceNumber":)") == 1);
  CHECK(second.find(numbers.front()) != std::string::npos);
  CHECK(second.ends_with(R"("total":101,"page":2,"limit":100,"totalPages":2})"));
}

TEST_CASE("operations_queries: low stock is scoped, ordered by quantity / minStock, counted") {
  ledger_spec spec;
  const auto w = spec.standard_world();
  // Every product has minStock 50 and 100 units everywhere.
  spec.run(w.inventory, adjust_stock{w.cola, 0, "count"});
  spec.run(w.inventory, adjust_stock{w.pepsi, 25, "count"});
  spec.run(w.inventory, adjust_stock{w.oreo, 25, "count"});
  spec.run(w.manager, adjust_stock{w.sting, 10, "count"});
  spec.run(w.manager, adjust_stock{w.oreo, 25, "count"});
  spec.run(w.manager, adjust_stock{w.pepsi, 50, "count"});  // quantity == minStock counts
  create_product milo;  // a new product has a zero stock row in every branch
  milo.sku = "SKU009";
  milo.barcode = "8930000000009";
  milo.name = "Milo";
  milo.unit = "hộp";
  milo.min_stock = 50;
  milo.category = w.drinks;
  const product_id milo_id{
      single_event<events::product_created>(spec.run(w.admin, milo)).product_id};
  create_product water = milo;  // minStock 0 never counts
  water.sku = "SKU010";
  water.barcode = "8930000000010";
  water.name = "Water";
  water.min_stock = 0;
  spec.run(w.admin, water);

  const pj::caller owner{w.owner, user_role::OWNER, {}};
  const auto before = fold_spec_log(spec);
  const std::string with_milo = pj::low_stock(before, owner);
  CHECK(occurrences(with_milo, R"("productName":"Milo")") == 3);
  CHECK(with_milo.starts_with(R"({"total":9,"critical":4,"warning":5,)"));

  spec.run(w.admin, toggle_product_active{milo_id});  // inactive products never count
  const auto views = fold_spec_log(spec);
  const auto item = [&](product_id product, std::string_view sku, std::string_view name,
                        std::string_view barcode, int quantity, std::string_view branch) {
    return fmt::format(
        R"({{"productId":"{}","sku":"{}","productName":"{}","barcode":"{}","currentStock":{},)"
        R"("minStock":50,"deficit":{},"unit":"lon","branch":"{}"}})",
        views.uuid(entity_kind::product, product), sku, name, barcode, quantity, 50 - quantity,
        branch);
  };
  const std::string hq = "Trụ sở chính (Kho tổng)";
  const std::string central = "Chi nhánh Trung tâm";
  const std::string cola = item(w.cola, "SKU001", "Coca Cola 330ml", "8934567890123", 0, hq);
  const std::string pepsi_hq = item(w.pepsi, "SKU002", "Pepsi 330ml", "8934567890124", 25, hq);
  const std::string oreo_hq = item(w.oreo, "SKU005", "Oreo 72g", "8934567890127", 25, hq);
  const std::string sting = item(w.sting, "SKU003", "Sting Đỏ 330ml", "8934567890125", 10, central);
  const std::string oreo_central = item(w.oreo, "SKU005", "Oreo 72g", "8934567890127", 25, central);
  const std::string pepsi_central =
      item(w.pepsi, "SKU002", "Pepsi 330ml", "8934567890124", 50, central);

  // 0 < 10/50 < 25/50 (BR-001 before BR-HQ; then SKU002 before SKU005) < 50/50.
  CHECK(pj::low_stock(views, owner) ==
        fmt::format(R"({{"total":6,"critical":1,"warning":5,"items":[{},{},{},{},{},{}]}})", cola,
                    sting, oreo_central, pepsi_hq, oreo_hq, pepsi_central));
  // A caller with a branch sees that branch only (SUPER_ADMIN included).
  const std::string at_hq =
      fmt::format(R"({{"total":3,"critical":1,"warning":2,"items":[{},{},{}]}})", cola, pepsi_hq,
                  oreo_hq);
  CHECK(pj::low_stock(views, {w.inventory, user_role::INVENTORY_STAFF, w.hq}) == at_hq);
  CHECK(pj::low_stock(views, {w.admin, user_role::SUPER_ADMIN, w.hq}) == at_hq);
  CHECK(pj::low_stock(views, {w.manager, user_role::BRANCH_MANAGER, w.tan_binh}) ==
        R"({"total":0,"critical":0,"warning":0,"items":[]})");
}

// ------------------------------------------------------------------ point of sale

TEST_CASE("operations_queries: CartView summary taxes frozen line prices at current rates") {
  ledger_spec spec;
  const auto w = spec.standard_world();
  spec.run(w.cashier, add_cart_line{w.pepsi, 2});
  const auto* cart = spec.model.active_cart_of(w.cashier, w.central);
  REQUIRE(cart != nullptr);
  const cart_id id = cart->id;
  const cart_line_id line = cart->lines.at(0).id;

  const auto views = fold_spec_log(spec);
  const std::string pepsi = views.uuid(entity_kind::product, w.pepsi);
  const std::string cart_uuid = views.uuid(entity_kind::cart, id);
  const auto* folded = views.catalog.model.find(id);
  REQUIRE(folded != nullptr);
  // The contract's example: 2 x Pepsi (10 000, tax 8) -> 20000, 1600, 21600.
  CHECK(ok(pj::cart_view_json(views, id)) ==
        fmt::format(R"({{"id":"{}","isActive":true,"branchId":"{}","cashierId":"{}",)"
                    R"("customerId":null,"createdAt":"{}","updatedAt":"{}",)"
                    R"("items":[{{"id":"{}","quantity":2,"unitPrice":"10000","discount":"0",)"
                    R"("subtotal":"20000","cartId":"{}","productId":"{}","product":{{"id":"{}",)"
                    R"("sku":"SKU002","name":"Pepsi 330ml","barcode":"8934567890124",)"
                    R"("sellingPrice":"10000","unit":"lon","imageUrl":null,"taxRate":"8"}},)"
                    R"("lineTotal":20000}}],"customer":null,"summary":{{"itemCount":1,)"
                    R"("totalQuantity":2,"subtotal":20000,"taxAmount":1600,"grandTotal":21600}}}})",
                    cart_uuid, views.uuid(entity_kind::branch, w.central),
                    views.uuid(entity_kind::user, w.cashier), engine::iso_time(folded->created_at_us),
                    engine::iso_time(folded->updated_at_us), views.uuid(entity_kind::cart_line, line),
                    cart_uuid, pepsi, pepsi));

  SUBCASE("a price and rate change: the line keeps its price, the summary takes the new rate") {
    update_product change;
    change.product = w.pepsi;
    change.selling_price = vnd(11000);
    change.tax_rate = 1000;
    spec.run(w.admin, change);
    spec.run(w.cashier, set_cart_customer{w.an});
    spec.run(w.cashier, add_cart_line{w.sting, 1});
    const auto later = fold_spec_log(spec);
    const std::string body = ok(pj::cart_view_json(later, id));
    CHECK(body.find(R"("unitPrice":"10000","discount":"0","subtotal":"20000")") != std::string::npos);
    CHECK(body.find(R"("sellingPrice":"11000","unit":"lon","imageUrl":null,"taxRate":"10")") !=
          std::string::npos);
    CHECK(body.find(fmt::format(R"("customerId":"{}")", later.uuid(entity_kind::customer, w.an))) !=
          std::string::npos);
    CHECK(body.find(fmt::format(R"("customer":{{"id":"{}","name":"Nguyễn Văn An","phone":"0901111111"}})",
                                later.uuid(entity_kind::customer, w.an))) != std::string::npos);
    // 20000 x 10 % + 12000 x 8 % = 2000 + 960.
    CHECK(body.ends_with(R"("summary":{"itemCount":2,"totalQuantity":3,"subtotal":32000,)"
                         R"("taxAmount":2960,"grandTotal":34960}})"));
  }
  SUBCASE("the tax is rounded once over the cart, not per line") {
    for (const char* sku : {"SKU091", "SKU092"}) {
      create_product penny;
      penny.sku = sku;
      penny.barcode = std::string{"89300000"} + sku;
      penny.name = sku;
      penny.unit = "cái";
      penny.selling_price = 19;  // 0.19: 8 % is 0.0152 per line
      penny.category = w.snacks;
      const product_id p{
          single_event<events::product_created>(spec.run(w.admin, penny)).product_id};
      spec.run(w.manager, receive_stock{p, 5, 0, {}, "", ""});
      spec.run(w.cashier, add_cart_line{p, 1});
    }
    const auto later = fold_spec_log(spec);
    // 20000 + 0.38; tax 1600 + 0.0304 -> 1600.03 (per-line rounding would give 1600.04).
    CHECK(ok(pj::cart_view_json(later, id))
              .ends_with(R"("summary":{"itemCount":3,"totalQuantity":4,"subtotal":20000.38,)"
                         R"("taxAmount":1600.03,"grandTotal":21600.41}})"));
  }
  SUBCASE("a checked-out cart is no longer a CartView") {
    spec.run(w.cashier, pay({{payment_method::CASH, vnd(21600), ""}}));
    CHECK(failed(pj::cart_view_json(fold_spec_log(spec), id)) ==
          pj::query_error{404, "No active cart"});
  }
}

TEST_CASE("operations_queries: receipt access rule and shape") {
  history h;
  const auto& v = h.views;
  CHECK(failed(pj::receipt(v, h.as(h.w.cashier), h.sale3)) ==
        pj::query_error{403, "You do not have access to sales from this branch"});
  CHECK(failed(pj::receipt(v, pj::caller{h.w.cashier, user_role::CASHIER, {}}, h.sale)) ==
        pj::query_error{403, "You do not have access to sales from this branch"});
  CHECK(failed(pj::receipt(v, h.as(h.w.owner), sale_id{999999})) ==
        pj::query_error{404, "Sale not found"});
  ok(pj::receipt(v, h.as(h.w.owner), h.sale3));  // OWNER (no branch) and SUPER_ADMIN (HQ) pass
  ok(pj::receipt(v, h.as(h.w.admin), h.sale3));
  ok(pj::receipt(v, h.as(h.tan_binh_cashier), h.sale3));

  const std::string body = ok(pj::receipt(v, h.as(h.w.cashier2), h.sale));
  const std::string pepsi = h.uuid(entity_kind::product, h.w.pepsi);
  check_in_order(
      body,
      {fmt::format(R"({{"id":"{}","invoiceNo":"{}","subtotal":"56000","taxAmount":"4480",)"
                   R"("discountAmount":"0","totalAmount":"60480","status":"CANCELLED")",
                   h.uuid(entity_kind::sale, h.sale), h.invoice),
       R"("cancelReason":"Customer changed mind")",
       fmt::format(R"("product":{{"id":"{}","sku":"SKU002","name":"Pepsi 330ml","unit":"lon",)"
                   R"("barcode":"8934567890124"}})",
                   pepsi),
       R"("sku":"SKU003")", R"("payments":[)",
       R"("method":"CASH","amount":"50000","reference":null,"changeDue":"0")",
       R"("method":"BANK_TRANSFER","amount":"10480","reference":"TXN-1","changeDue":"0")",
       fmt::format(R"("cashier":{{"id":"{}","fullName":"Thu ngân 1"}})",
                   h.uuid(entity_kind::user, h.w.cashier)),
       fmt::format(R"("branch":{{"id":"{}","name":"Chi nhánh Trung tâm","code":"BR-001",)"
                   R"("address":null,"phone":null}})",
                   h.uuid(entity_kind::branch, h.w.central)),
       fmt::format(R"("customer":{{"id":"{}","name":"Nguyễn Văn An","phone":"0901111111"}}}})",
                   h.uuid(entity_kind::customer, h.w.an))});
}

TEST_CASE("operations_queries: checkout, return and cancel responses") {
  history h;
  const auto& v = h.views;
  const std::string body = ok(pj::checkout_response_json(v, h.sale2));
  check_in_order(
      body,
      {fmt::format(R"("invoiceNo":"{}","subtotal":"12000","taxAmount":"960","discountAmount":"0",)"
                   R"("totalAmount":"12960","status":"COMPLETED")",
                   h.invoice2),
       fmt::format(R"("items":[{{)"), R"("quantity":1,"unitPrice":"12000")",
       fmt::format(R"("product":{{"id":"{}","sku":"SKU003","name":"Sting Đỏ 330ml","unit":"lon"}}}}])",
                   h.uuid(entity_kind::product, h.w.sting)),
       R"("method":"CASH","amount":"20000","reference":null,"changeDue":"7040")",
       fmt::format(R"("cashier":{{"id":"{}","fullName":"Thu ngân 2"}})",
                   h.uuid(entity_kind::user, h.w.cashier2)),
       fmt::format(R"("branch":{{"id":"{}","name":"Chi nhánh Trung tâm","code":"BR-001"}},)"
                   R"("customer":null}})",
                   h.uuid(entity_kind::branch, h.w.central))});
  CHECK(failed(pj::checkout_response_json(v, sale_id{999999})).status == 404);

  // Returning 1 of 5 units refunds the unit price only; the sale stays COMPLETED.
  CHECK(ok(pj::return_response_json(v, h.sale_return)) ==
        fmt::format(R"({{"returnNo":"{}","totalRefund":10000,"status":"COMPLETED"}})",
                    h.return_number));
  CHECK(failed(pj::return_response_json(v, return_id{999999})) ==
        pj::query_error{404, "Return not found"});

  const std::string cancelled = ok(pj::cancel_response_json(v, h.sale));
  CHECK(cancelled.starts_with(fmt::format(R"({{"id":"{}","invoiceNo":"{}")",
                                          h.uuid(entity_kind::sale, h.sale), h.invoice)));
  CHECK(cancelled.find(fmt::format(R"("status":"CANCELLED")")) != std::string::npos);
  CHECK(cancelled.find(fmt::format(R"("cancelledById":"{}")", h.uuid(entity_kind::user, h.w.manager))) !=
        std::string::npos);
  CHECK(cancelled.find(R"("cancelReason":"Customer changed mind")") != std::string::npos);
  CHECK(cancelled.find(R"("items")") == std::string::npos);  // the plain SaleRow
  CHECK(cancelled.find(R"("payments")") == std::string::npos);
}

TEST_CASE("operations_queries: sales list scoping, order, counts") {
  history h;
  const auto& v = h.views;
  const std::string mine = ok(pj::sales_list(v, h.as(h.w.cashier), {1, 20}));
  CHECK(mine.ends_with(R"("total":2,"page":1,"limit":20,"totalPages":1})"));
  check_in_order(mine, {fmt::format(R"("invoiceNo":"{}")", h.invoice2),
                        fmt::format(R"("cashier":{{"id":"{}","fullName":"Thu ngân 2"}},"customer":null,)"
                                    R"("payments":[{{)",
                                    h.uuid(entity_kind::user, h.w.cashier2)),
                        R"("_count":{"items":1}})", fmt::format(R"("invoiceNo":"{}")", h.invoice),
                        fmt::format(R"("customer":{{"id":"{}","name":"Nguyễn Văn An","phone":"0901111111"}})",
                                    h.uuid(entity_kind::customer, h.w.an)),
                        R"("reference":"TXN-1")", R"("_count":{"items":2}})"});
  CHECK(occurrences(mine, R"("invoiceNo":)") == 2);

  const std::string second = ok(pj::sales_list(v, h.as(h.w.manager), {2, 1}));
  CHECK(occurrences(second, R"("invoiceNo":)") == 1);
  CHECK(second.find(h.invoice) != std::string::npos);
  CHECK(second.ends_with(R"("total":2,"page":2,"limit":1,"totalPages":2})"));

  const std::string everything = ok(pj::sales_list(v, h.as(h.w.owner), {1, 20}));
  CHECK(occurrences(everything, R"("invoiceNo":)") == 3);
  CHECK(everything.ends_with(R"("total":3,"page":1,"limit":20,"totalPages":1})"));
  CHECK(ok(pj::sales_list(v, h.as(h.w.admin), {1, 20})) == everything);
  CHECK(ok(pj::sales_list(v, h.as(h.tan_binh_cashier), {1, 0})) ==
        R"({"data":[],"total":1,"page":1,"limit":0,"totalPages":null})");
  CHECK(failed(pj::sales_list(v, pj::caller{h.w.cashier, user_role::CASHIER, {}}, {1, 20})) ==
        pj::query_error{403, "User must be assigned to a branch"});
}

// ------------------------------------------------------------------ procurement

TEST_CASE("operations_queries: purchase orders through partial and complete goods receipts") {
  history h;
  const std::string po = h.uuid(entity_kind::purchase_order, h.order);
  const std::string cola = h.uuid(entity_kind::product, h.w.cola);
  const std::string oreo = h.uuid(entity_kind::product, h.w.oreo);
  const std::string supplier_ref =
      fmt::format(R"("supplier":{{"id":"{}","name":"Công ty TNHH Nước giải khát Sài Gòn","code":"SUP-001"}})",
                  h.uuid(entity_kind::supplier, h.w.beverages));
  const std::string staff = fmt::format(R"({{"id":"{}","fullName":"Nhân viên kho"}})",
                                        h.uuid(entity_kind::user, h.w.inventory));
  const std::string admin = fmt::format(R"({{"id":"{}","fullName":"Super Admin"}})",
                                        h.uuid(entity_kind::user, h.w.admin));

  SUBCASE("after the first receipt: PARTIAL, 4 of 10 received") {
    const std::string body = ok(pj::purchase_order_get(h.partial_views, h.order));
    check_in_order(body, {fmt::format(R"("poNumber":"{}","status":"PARTIAL","notes":"restock",)"
                                      R"("totalCost":"90000")",
                                      h.po_number),
                          R"("quantity":10,"unitCost":"5000","lineTotal":"50000","receivedQty":4)",
                          R"("quantity":5,"unitCost":"8000","lineTotal":"40000","receivedQty":0)"});
    CHECK(occurrences(body, R"("receiptNumber":)") == 1);
  }
  SUBCASE("the write responses") {
    const std::string created = ok(pj::purchase_order_created_json(h.views, h.order));
    check_in_order(created,
                   {fmt::format(R"({{"id":"{}","poNumber":"{}")", po, h.po_number), supplier_ref,
                    fmt::format(R"("items":[{{"id":"{}","quantity":10,"unitCost":"5000",)"
                                R"("lineTotal":"50000","receivedQty":10,"poId":"{}","productId":"{}",)"
                                R"("product":{{"id":"{}","sku":"SKU001","name":"Coca Cola 330ml","unit":"lon"}}}})",
                                h.uuid(entity_kind::purchase_order_line,
                                       h.views.procurement.find(h.order)->lines.at(0).id),
                                po, cola, cola),
                    fmt::format(R"("createdBy":{}}})", staff)});
    const std::string rejected = ok(pj::purchase_order_row_json(h.views, h.rejected_order));
    CHECK(rejected.find(R"("status":"REJECTED")") != std::string::npos);
    CHECK(rejected.find(R"("items")") == std::string::npos);
    CHECK(failed(pj::purchase_order_row_json(h.views, purchase_order_id{999999})) ==
          pj::query_error{404, "Purchase Order not found"});
    CHECK(ok(pj::goods_receipt_created_json(h.views, h.receipt1)) ==
          fmt::format(R"({{"id":"{}","receiptNumber":"{}"}})",
                      h.uuid(entity_kind::goods_receipt, h.receipt1), h.receipt1_number));
  }
  SUBCASE("the detail after both receipts: RECEIVED, receipts with full product rows") {
    const std::string body = ok(pj::purchase_order_get(h.views, h.order));
    check_in_order(
        body,
        {R"("status":"RECEIVED")",
         fmt::format(R"("supplier":{{"id":"{}","code":"SUP-001")",
                     h.uuid(entity_kind::supplier, h.w.beverages)),
         fmt::format(R"("createdBy":{},"approvedBy":{})", staff, admin),
         R"("receivedQty":10)", R"("costPrice":"5000")", R"("receivedQty":5)",
         R"("receipts":[)",
         fmt::format(R"("receiptNumber":"{}","status":"COMPLETED","notes":null,"poId":"{}")",
                     h.receipt1_number, po),
         R"("quantity":4,"unitCost":"5000","lineTotal":"20000")", R"("sku":"SKU001")",
         fmt::format(R"("receivedBy":{})", staff),
         fmt::format(R"("receiptNumber":"{}","status":"COMPLETED","notes":"rest")",
                     h.receipt2_number),
         R"("quantity":6,"unitCost":"5200","lineTotal":"31200")",
         R"("quantity":5,"unitCost":"8000","lineTotal":"40000")", R"("sku":"SKU005")"});
    CHECK(failed(pj::purchase_order_get(h.views, purchase_order_id{999999})) ==
          pj::query_error{404, "PO not found"});
  }
  SUBCASE("the list: newest first, status filter, receipt counts") {
    const std::string all = pj::purchase_orders_list(h.views, std::nullopt, {1, 20});
    check_in_order(all, {R"("status":"REJECTED")", R"("approvedBy":null)", R"("_count":{"receipts":0}})",
                         fmt::format(R"("poNumber":"{}","status":"RECEIVED")", h.po_number),
                         supplier_ref, fmt::format(R"("createdBy":{},"approvedBy":{})", staff, admin),
                         fmt::format(R"("product":{{"id":"{}","sku":"SKU005","name":"Oreo 72g","unit":"lon"}})",
                                     oreo),
                         R"("_count":{"receipts":2}})",
                         R"("total":2,"page":1,"limit":20,"totalPages":1})"});
    const std::string received =
        pj::purchase_orders_list(h.views, purchase_order_status::RECEIVED, {1, 20});
    CHECK(occurrences(received, R"("poNumber":)") == 1);
    CHECK(received.ends_with(R"("total":1,"page":1,"limit":20,"totalPages":1})"));
    CHECK(pj::purchase_orders_list(h.views, purchase_order_status::PARTIAL, {1, 20}) ==
          R"({"data":[],"total":0,"page":1,"limit":20,"totalPages":0})");
  }
  SUBCASE("goods receipts list") {
    const std::string body = pj::goods_receipts_list(h.views, {1, 20});
    check_in_order(
        body,
        {fmt::format(R"("receiptNumber":"{}")", h.receipt2_number),
         fmt::format(R"("receiptNumber":"{}","status":"COMPLETED","notes":null)", h.receipt1_number),
         fmt::format(R"("po":{{"id":"{}","poNumber":"{}"}},)"
                     R"("supplier":{{"id":"{}","name":"Công ty TNHH Nước giải khát Sài Gòn"}},)"
                     R"json("branch":{{"id":"{}","name":"Trụ sở chính (Kho tổng)"}},"receivedBy":{}}})json",
                     po, h.po_number, h.uuid(entity_kind::supplier, h.w.beverages),
                     h.uuid(entity_kind::branch, h.w.hq), staff),
         R"("total":2,"page":1,"limit":20,"totalPages":1})"});
  }
}

}  // TEST_SUITE

}  // namespace
