// Decider specs for purchase orders and goods receipts (engine/decide_procurement.cpp,
// api-contract section 9 with its [C++] fixes). Each case starts from the standard world (100
// units of every product in every branch, supplier "beverages"), sends commands with
// spec.when / spec.run and checks the exact events or the exact rejection (code and contract
// message). Rejections are tested in the contract's precedence order: where two rules are
// broken at once, the earlier one must win. Accepted decisions are applied, so evolve's pair
// checks (totals, received quantities, stock quantity_after, the PO's status) run on each one.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>

#include "engine/limits.h"
#include "events/money.h"
#include "tests/support/spec.h"

namespace ledger::testing {
namespace {

const std::string too_long_text(limits::text_bytes_max + 1, 'x');

// The expected document number (api-contract 1.11), built independently of the engine:
// <PREFIX>-<YYYYMMDD>-<milliseconds in base 36, 8 digits><counter in base 36, 4 digits>.
std::string expected_document_number(std::string_view prefix, std::int64_t now_us,
                                     std::uint64_t counter) {
  auto base36 = [](std::uint64_t value, std::size_t digits) {
    std::string text(digits, '0');
    for (std::size_t i = digits; i-- > 0; value /= 36) {
      text[i] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[value % 36];
    }
    return text;
  };
  REQUIRE(now_us >= spec_epoch_us);
  REQUIRE(now_us < spec_epoch_us + std::int64_t{86'400'000'000});  // still 2025-06-01
  return fmt::format("{}-20250601-{}{}", prefix,
                     base36(static_cast<std::uint64_t>(now_us / 1000), 8), base36(counter, 4));
}

// A PO of 100 cola at 4500.00 and 50 oreo at 7000.00 from the standard supplier.
create_purchase_order cola_and_oreo(const spec_world& w) {
  return create_purchase_order{
      w.beverages, {{w.cola, 100, 450000}, {w.oreo, 50, 700000}}, "", {}, ""};
}

struct order_ids {
  purchase_order_id order;
  purchase_order_line_id cola_line;
  purchase_order_line_id oreo_line;
};

order_ids created(const decision& d) {
  const auto e = single_event<events::purchase_order_created>(d);
  REQUIRE(e.lines.size() == 2);
  return {purchase_order_id{e.purchase_order_id}, purchase_order_line_id{e.lines[0].line_id()},
          purchase_order_line_id{e.lines[1].line_id()}};
}

// The cola-and-oreo PO, created by inventory staff and approved by the manager.
order_ids approved_order(ledger_spec& spec, const spec_world& w) {
  const order_ids ids = created(spec.run(w.inventory, cola_and_oreo(w)));
  spec.run(w.manager, approve_purchase_order{ids.order});
  REQUIRE(spec.model.find(ids.order)->status == purchase_order_status::APPROVED);
  return ids;
}

purchase_order_status status_of(const ledger_spec& spec, purchase_order_id id) {
  const purchase_order_record* order = spec.model.find(id);
  REQUIRE(order != nullptr);
  return order->status;
}

}  // namespace

TEST_SUITE("engine/procurement") {
  // ------------------------------------------------------------------ create_purchase_order (9.2)

  TEST_CASE("create_purchase_order prices every line and waits for approval") {
    ledger_spec spec;
    auto w = spec.standard_world();
    const auto entities_before = spec.model.last_entity_number;
    const std::int64_t decided_at = spec.now_us;

    const decision d = spec.run(
        w.inventory,
        create_purchase_order{
            w.beverages, {{w.cola, 100, 450000}, {w.oreo, 50, 700050}}, "Tết order", {}, ""});

    const auto e = single_event<events::purchase_order_created>(d);
    CHECK(d.events.size() == 1);
    CHECK(e.purchase_order_id == entities_before + 1);
    CHECK(d.last_entity_number == entities_before + 3);  // the PO and one id per line
    CHECK(e.po_number == expected_document_number("PO", decided_at, 1));
    CHECK(e.supplier_id == w.beverages.value);
    CHECK(e.status == purchase_order_status::PENDING_APPROVAL);
    CHECK(e.notes == "Tết order");
    REQUIRE(e.lines.size() == 2);
    CHECK(e.lines[0].line_id() == entities_before + 2);
    CHECK(e.lines[0].product_id() == w.cola.value);
    CHECK(e.lines[0].quantity() == 100);
    CHECK(e.lines[0].unit_cost() == 450000);
    CHECK(e.lines[0].line_total() == 45000000);
    CHECK(e.lines[1].line_id() == entities_before + 3);
    CHECK(e.lines[1].product_id() == w.oreo.value);
    CHECK(e.lines[1].quantity() == 50);
    CHECK(e.lines[1].unit_cost() == 700050);
    CHECK(e.lines[1].line_total() == 35002500);
    CHECK(e.total_cost == 80002500);

    const purchase_order_record* order = spec.model.find(purchase_order_id{e.purchase_order_id});
    REQUIRE(order != nullptr);
    CHECK(order->lines[0].received_quantity == 0);
    CHECK(spec.model.purchase_order_by_number.at(e.po_number).value == e.purchase_order_id);

    // The next generated number takes the next counter.
    const std::int64_t second_at = spec.now_us;
    const decision next = spec.run(w.admin, cola_and_oreo(w));
    CHECK(single_event<events::purchase_order_created>(next).po_number ==
          expected_document_number("PO", second_at, 2));
  }

  TEST_CASE("create_purchase_order accepts inactive suppliers and products, and free goods") {
    ledger_spec spec;
    auto w = spec.standard_world();
    spec.run(w.admin, toggle_supplier_active{w.beverages});
    spec.run(w.admin, toggle_product_active{w.pepsi});

    const decision d =
        spec.run(w.manager, create_purchase_order{w.beverages, {{w.pepsi, 12, 0}}, "", {}, ""});

    const auto e = single_event<events::purchase_order_created>(d);
    CHECK(e.lines[0].line_total() == 0);
    CHECK(e.total_cost == 0);
    CHECK(e.status == purchase_order_status::PENDING_APPROVAL);
  }

  TEST_CASE("create_purchase_order keeps an imported number, which must be unique") {
    ledger_spec spec;
    auto w = spec.standard_world();
    create_purchase_order c = cola_and_oreo(w);
    c.po_number = "PO-SAMPLE-001";

    const decision d = spec.run(w.admin, c);
    CHECK(single_event<events::purchase_order_created>(d).po_number == "PO-SAMPLE-001");

    CHECK_REJECTED(spec.when(w.admin, c), po_number_already_exists, "Duplicate value for poNumber");
  }

  TEST_CASE("a DRAFT purchase order is submitted, then approved") {
    ledger_spec spec;
    auto w = spec.standard_world();
    create_purchase_order c = cola_and_oreo(w);
    c.start = purchase_order_start::draft;
    const order_ids ids = created(spec.run(w.inventory, c));
    CHECK(status_of(spec, ids.order) == purchase_order_status::DRAFT);

    const decision submitted = spec.run(w.inventory, submit_purchase_order{ids.order});
    CHECK(submitted.events.size() == 1);
    CHECK(single_event<events::purchase_order_submitted>(submitted).purchase_order_id ==
          ids.order.value);
    CHECK(status_of(spec, ids.order) == purchase_order_status::PENDING_APPROVAL);

    spec.run(w.manager, approve_purchase_order{ids.order});
    CHECK(status_of(spec, ids.order) == purchase_order_status::APPROVED);
  }

  TEST_CASE("create_purchase_order rejections, in precedence order") {
    ledger_spec spec;
    auto w = spec.standard_world();
    const supplier_id unknown_supplier{777777};
    const product_id unknown{999999};
    const std::int64_t half_limit = money::amount_max / 2;
    spec.run(w.admin, create_purchase_order{w.beverages, {{w.sting, 1, 100}}, "", {}, "PO-TAKEN"});

    SUBCASE("an empty item list comes first") {
      CHECK_REJECTED(
          spec.when(w.inventory,
                    create_purchase_order{unknown_supplier, {}, too_long_text, {}, "PO-TAKEN"}),
          lines_required, "items must contain at least 1 elements");
    }
    SUBCASE("too many items") {
      std::vector<purchase_order_line_request> lines(limits::document_lines_max + 1,
                                                     purchase_order_line_request{w.cola, 1, 1});
      CHECK_REJECTED(spec.when(w.inventory, create_purchase_order{w.beverages, lines, "", {}, ""}),
                     too_many_lines, "items must contain no more than 500 elements");
    }
    SUBCASE("an item quantity below 1, before its cost") {
      CHECK_REJECTED(
          spec.when(w.inventory,
                    create_purchase_order{
                        unknown_supplier, {{w.cola, 1, 1}, {unknown, 0, -1}}, "", {}, ""}),
          quantity_must_be_positive, "items.1.quantity must not be less than 1");
    }
    SUBCASE("an item quantity above the ledger's limit") {
      CHECK_REJECTED(
          spec.when(w.inventory,
                    create_purchase_order{
                        w.beverages, {{w.cola, limits::quantity_max + 1, 1}}, "", {}, ""}),
          amount_too_large, "items.0.quantity must not be greater than 1000000000");
    }
    SUBCASE("a negative item cost") {
      CHECK_REJECTED(
          spec.when(w.inventory,
                    create_purchase_order{unknown_supplier, {{unknown, 3, -1}}, "", {}, ""}),
          amount_must_not_be_negative, "items.0.unitCost must not be less than 0");
    }
    SUBCASE("an item cost beyond the money limit") {
      CHECK_REJECTED(
          spec.when(
              w.inventory,
              create_purchase_order{w.beverages, {{w.cola, 1, money::amount_max + 1}}, "", {}, ""}),
          amount_too_large, "items.0.unitCost must not be greater than 90071992547409.92");
    }
    SUBCASE("a line total beyond the money limit") {
      CHECK_REJECTED(
          spec.when(w.inventory,
                    create_purchase_order{w.beverages, {{w.cola, 2, half_limit + 1}}, "", {}, ""}),
          amount_too_large, "items.0 line total must not be greater than 90071992547409.92");
    }
    SUBCASE("a total cost beyond the money limit") {
      CHECK_REJECTED(spec.when(w.inventory, create_purchase_order{w.beverages,
                                                                  {{w.cola, 1, half_limit + 1},
                                                                   {w.pepsi, 1, half_limit}},
                                                                  "",
                                                                  {},
                                                                  ""}),
                     amount_too_large, "Total cost must not be greater than 90071992547409.92");
      // Exactly at the limit is accepted.
      const decision d = spec.run(
          w.inventory,
          create_purchase_order{
              w.beverages, {{w.cola, 1, half_limit}, {w.pepsi, 1, half_limit}}, "", {}, ""});
      CHECK(single_event<events::purchase_order_created>(d).total_cost == money::amount_max);
    }
    SUBCASE("notes, then poNumber, too long") {
      CHECK_REJECTED(
          spec.when(w.inventory,
                    create_purchase_order{
                        unknown_supplier, {{unknown, 1, 1}}, too_long_text, {}, too_long_text}),
          text_too_long, "notes must be shorter than or equal to 4000 characters");
      CHECK_REJECTED(spec.when(w.inventory,
                               create_purchase_order{
                                   unknown_supplier, {{unknown, 1, 1}}, "", {}, too_long_text}),
                     text_too_long, "poNumber must be shorter than or equal to 4000 characters");
    }
    SUBCASE("an unknown supplier, before the products") {
      CHECK_REJECTED(
          spec.when(w.inventory,
                    create_purchase_order{unknown_supplier, {{unknown, 1, 1}}, "", {}, "PO-TAKEN"}),
          supplier_not_found, "Supplier not found");
    }
    SUBCASE("an unknown product, before the number") {
      CHECK_REJECTED(
          spec.when(w.inventory,
                    create_purchase_order{
                        w.beverages, {{w.cola, 1, 1}, {unknown, 1, 1}}, "", {}, "PO-TAKEN"}),
          products_not_found, "One or more products not found");
    }
    SUBCASE("the same product twice counts as not found") {
      CHECK_REJECTED(spec.when(w.inventory,
                               create_purchase_order{
                                   w.beverages, {{w.cola, 1, 1}, {w.cola, 2, 1}}, "", {}, ""}),
                     products_not_found, "One or more products not found");
    }
    SUBCASE("an imported number that is taken") {
      CHECK_REJECTED(
          spec.when(w.inventory,
                    create_purchase_order{w.beverages, {{w.cola, 1, 1}}, "", {}, "PO-TAKEN"}),
          po_number_already_exists, "Duplicate value for poNumber");
    }
    SUBCASE("a generated number that an imported one already took") {
      // After this import two POs exist, and the clock moves 1 ms per applied event: the next
      // generated number is exactly the imported one.
      const std::string future = expected_document_number("PO", spec.now_us + 1000, 3);
      spec.run(w.admin, create_purchase_order{w.beverages, {{w.sting, 1, 100}}, "", {}, future});
      CHECK_REJECTED(spec.when(w.inventory, cola_and_oreo(w)), po_number_already_exists,
                     "Duplicate value for poNumber");
    }
  }

  // ------------------------------------------------------------------ submit (DRAFT -> PENDING)

  TEST_CASE("submit_purchase_order rejections") {
    ledger_spec spec;
    auto w = spec.standard_world();
    const order_ids pending = created(spec.run(w.inventory, cola_and_oreo(w)));

    CHECK_REJECTED(spec.when(w.inventory, submit_purchase_order{purchase_order_id{555555}}),
                   purchase_order_not_found, "Purchase Order not found");
    CHECK_REJECTED(spec.when(w.inventory, submit_purchase_order{pending.order}),
                   purchase_order_not_draft,
                   "PO cannot be submitted. Current status: PENDING_APPROVAL");
    spec.run(w.manager, approve_purchase_order{pending.order});
    CHECK_REJECTED(spec.when(w.inventory, submit_purchase_order{pending.order}),
                   purchase_order_not_draft, "PO cannot be submitted. Current status: APPROVED");
  }

  // ------------------------------------------------------------------ approve / reject (9.5, 9.6)

  TEST_CASE("approve_purchase_order moves a pending PO to APPROVED; the creator may approve") {
    ledger_spec spec;
    auto w = spec.standard_world();
    const order_ids ids = created(spec.run(w.manager, cola_and_oreo(w)));

    const decision d = spec.run(w.manager, approve_purchase_order{ids.order});

    CHECK(d.events.size() == 1);
    CHECK(single_event<events::purchase_order_approved>(d).purchase_order_id == ids.order.value);
    CHECK(status_of(spec, ids.order) == purchase_order_status::APPROVED);
  }

  TEST_CASE("reject_purchase_order moves a pending PO to REJECTED") {
    ledger_spec spec;
    auto w = spec.standard_world();
    const order_ids ids = created(spec.run(w.inventory, cola_and_oreo(w)));

    const decision d = spec.run(w.admin, reject_purchase_order{ids.order});

    CHECK(d.events.size() == 1);
    CHECK(single_event<events::purchase_order_rejected>(d).purchase_order_id == ids.order.value);
    CHECK(status_of(spec, ids.order) == purchase_order_status::REJECTED);
  }

  TEST_CASE("approve and reject are allowed only from PENDING_APPROVAL") {
    ledger_spec spec;
    auto w = spec.standard_world();
    const purchase_order_id unknown{555555};
    CHECK_REJECTED(spec.when(w.manager, approve_purchase_order{unknown}), purchase_order_not_found,
                   "Purchase Order not found");
    CHECK_REJECTED(spec.when(w.manager, reject_purchase_order{unknown}), purchase_order_not_found,
                   "Purchase Order not found");

    SUBCASE("DRAFT") {
      create_purchase_order c = cola_and_oreo(w);
      c.start = purchase_order_start::draft;
      const order_ids ids = created(spec.run(w.inventory, c));
      CHECK_REJECTED(spec.when(w.manager, approve_purchase_order{ids.order}),
                     purchase_order_not_pending_approval,
                     "PO cannot be approved. Current status: DRAFT");
      CHECK_REJECTED(spec.when(w.manager, reject_purchase_order{ids.order}),
                     purchase_order_not_pending_approval, "Cannot reject PO with status: DRAFT");
    }
    SUBCASE("APPROVED") {
      const order_ids ids = approved_order(spec, w);
      CHECK_REJECTED(spec.when(w.manager, approve_purchase_order{ids.order}),
                     purchase_order_not_pending_approval,
                     "PO cannot be approved. Current status: APPROVED");
      CHECK_REJECTED(spec.when(w.manager, reject_purchase_order{ids.order}),
                     purchase_order_not_pending_approval, "Cannot reject PO with status: APPROVED");
    }
    SUBCASE("REJECTED") {
      const order_ids ids = created(spec.run(w.inventory, cola_and_oreo(w)));
      spec.run(w.manager, reject_purchase_order{ids.order});
      CHECK_REJECTED(spec.when(w.manager, approve_purchase_order{ids.order}),
                     purchase_order_not_pending_approval,
                     "PO cannot be approved. Current status: REJECTED");
      CHECK_REJECTED(spec.when(w.manager, reject_purchase_order{ids.order}),
                     purchase_order_not_pending_approval, "Cannot reject PO with status: REJECTED");
    }
    SUBCASE("PARTIAL and RECEIVED") {
      const order_ids ids = approved_order(spec, w);
      spec.run(w.inventory,
               receive_goods{ids.order, w.beverages, {{ids.cola_line, w.cola, 1, 1}}, ""});
      CHECK_REJECTED(spec.when(w.manager, approve_purchase_order{ids.order}),
                     purchase_order_not_pending_approval,
                     "PO cannot be approved. Current status: PARTIAL");
      spec.run(w.inventory,
               receive_goods{ids.order,
                             w.beverages,
                             {{ids.cola_line, w.cola, 99, 1}, {ids.oreo_line, w.oreo, 50, 1}},
                             ""});
      CHECK_REJECTED(spec.when(w.manager, reject_purchase_order{ids.order}),
                     purchase_order_not_pending_approval, "Cannot reject PO with status: RECEIVED");
    }
  }

  // ------------------------------------------------------------------ receive_goods (9.7)

  TEST_CASE("goods receipts: a partial receipt, then one that completes the PO") {
    ledger_spec spec;
    auto w = spec.standard_world();
    const order_ids ids = approved_order(spec, w);

    // Given 60 of 100 cola at a lower cost, received at HQ (the inventory clerk's branch).
    const auto before_first = spec.model.last_entity_number;
    const std::int64_t first_at = spec.now_us;
    const decision first = spec.run(
        w.inventory,
        receive_goods{ids.order, w.beverages, {{ids.cola_line, w.cola, 60, 440000}}, "truck 1"});

    REQUIRE(first.events.size() == 2);
    REQUIRE(std::holds_alternative<events::goods_receipt_recorded>(first.events[0]));
    REQUIRE(std::holds_alternative<events::purchase_order_received>(first.events[1]));
    const auto receipt = single_event<events::goods_receipt_recorded>(first);
    CHECK(receipt.receipt_id == before_first + 1);
    CHECK(first.last_entity_number == before_first + 2);
    CHECK(receipt.receipt_number == expected_document_number("GR", first_at, 1));
    CHECK(receipt.purchase_order_id == ids.order.value);
    CHECK(receipt.supplier_id == w.beverages.value);
    CHECK(receipt.branch_id == w.hq.value);
    CHECK(receipt.notes == "truck 1");
    REQUIRE(receipt.lines.size() == 1);
    CHECK(receipt.lines[0].line_id() == before_first + 2);
    CHECK(receipt.lines[0].purchase_order_line_id() == ids.cola_line.value);
    CHECK(receipt.lines[0].product_id() == w.cola.value);
    CHECK(receipt.lines[0].quantity() == 60);
    CHECK(receipt.lines[0].quantity_after() == 160);
    CHECK(receipt.lines[0].unit_cost() == 440000);
    CHECK(receipt.lines[0].line_total() == 26400000);
    const auto partial = single_event<events::purchase_order_received>(first);
    CHECK(partial.purchase_order_id == ids.order.value);
    CHECK(partial.status == purchase_order_status::PARTIAL);
    CHECK(partial.receipt_id == receipt.receipt_id);
    CHECK(status_of(spec, ids.order) == purchase_order_status::PARTIAL);
    CHECK(spec.model.find(ids.order)->lines[0].received_quantity == 60);
    CHECK(spec.model.stock_of(w.hq, w.cola) == 160);

    // When the rest arrives at the central branch, the PO is RECEIVED.
    const auto before_second = spec.model.last_entity_number;
    const std::int64_t second_at = spec.now_us;
    const decision second = spec.run(w.manager, receive_goods{ids.order,
                                                              w.beverages,
                                                              {{ids.oreo_line, w.oreo, 50, 700000},
                                                               {ids.cola_line, w.cola, 40, 450000}},
                                                              ""});

    const auto completing = single_event<events::goods_receipt_recorded>(second);
    CHECK(completing.receipt_id == before_second + 1);
    CHECK(second.last_entity_number == before_second + 3);
    CHECK(completing.receipt_number == expected_document_number("GR", second_at, 2));
    CHECK(completing.branch_id == w.central.value);
    REQUIRE(completing.lines.size() == 2);
    CHECK(completing.lines[0].line_id() == before_second + 2);
    CHECK(completing.lines[0].purchase_order_line_id() == ids.oreo_line.value);
    CHECK(completing.lines[0].quantity_after() == 150);
    CHECK(completing.lines[0].line_total() == 35000000);
    CHECK(completing.lines[1].line_id() == before_second + 3);
    CHECK(completing.lines[1].purchase_order_line_id() == ids.cola_line.value);
    CHECK(completing.lines[1].quantity_after() == 140);
    CHECK(completing.lines[1].line_total() == 18000000);
    const auto done = single_event<events::purchase_order_received>(second);
    CHECK(done.status == purchase_order_status::RECEIVED);
    CHECK(done.receipt_id == completing.receipt_id);
    CHECK(status_of(spec, ids.order) == purchase_order_status::RECEIVED);
    CHECK(spec.model.stock_of(w.central, w.cola) == 140);
    CHECK(spec.model.stock_of(w.central, w.oreo) == 150);
    CHECK(spec.model.stock_of(w.hq, w.oreo) == 100);
    CHECK(spec.model.goods_receipt_count == 2);

    // A RECEIVED PO takes nothing more.
    CHECK_REJECTED(
        spec.when(w.inventory,
                  receive_goods{ids.order, w.beverages, {{ids.cola_line, w.cola, 1, 1}}, ""}),
        purchase_order_not_receivable, "PO must be approved before receiving goods");
  }

  TEST_CASE("goods receipts: a PARTIAL PO stays PARTIAL until every line is complete") {
    ledger_spec spec;
    auto w = spec.standard_world();
    const order_ids ids = approved_order(spec, w);
    spec.run(w.inventory,
             receive_goods{ids.order, w.beverages, {{ids.oreo_line, w.oreo, 50, 1}}, ""});
    CHECK(status_of(spec, ids.order) == purchase_order_status::PARTIAL);  // cola still open

    const decision d = spec.run(
        w.inventory, receive_goods{ids.order, w.beverages, {{ids.cola_line, w.cola, 99, 1}}, ""});
    CHECK(single_event<events::purchase_order_received>(d).status ==
          purchase_order_status::PARTIAL);

    const decision last = spec.run(
        w.inventory, receive_goods{ids.order, w.beverages, {{ids.cola_line, w.cola, 1, 1}}, ""});
    CHECK(single_event<events::purchase_order_received>(last).status ==
          purchase_order_status::RECEIVED);
    CHECK(spec.model.find(ids.order)->lines[0].received_quantity == 100);
    CHECK(spec.model.find(ids.order)->lines[1].received_quantity == 50);
  }

  TEST_CASE("goods receipts: everything at once completes the PO directly") {
    ledger_spec spec;
    auto w = spec.standard_world();
    const order_ids ids = approved_order(spec, w);
    const decision d = spec.run(w.admin, receive_goods{ids.order,
                                                       w.beverages,
                                                       {{ids.cola_line, w.cola, 100, 450000},
                                                        {ids.oreo_line, w.oreo, 50, 0}},
                                                       ""});
    const auto receipt = single_event<events::goods_receipt_recorded>(d);
    CHECK(receipt.branch_id == w.hq.value);  // the SUPER_ADMIN's own branch
    CHECK(receipt.lines[1].line_total() == 0);
    CHECK(single_event<events::purchase_order_received>(d).status ==
          purchase_order_status::RECEIVED);
    CHECK(spec.model.stock_of(w.hq, w.cola) == 200);
  }

  TEST_CASE("receive_goods rejections, in precedence order") {
    ledger_spec spec;
    auto w = spec.standard_world();
    const order_ids ids = approved_order(spec, w);
    const decision other_supplier =
        spec.run(w.admin, create_supplier{"SUP-002", "Công ty Bánh kẹo", "", "0908888882", "", ""});
    const supplier_id snacks_supplier{
        single_event<events::supplier_created>(other_supplier).supplier_id};
    const purchase_order_id unknown_order{555555};
    const goods_receipt_line_request cola_ok{ids.cola_line, w.cola, 1, 100};

    SUBCASE("an empty item list comes first") {
      CHECK_REJECTED(
          spec.when(w.owner, receive_goods{unknown_order, snacks_supplier, {}, too_long_text}),
          lines_required, "items must contain at least 1 elements");
    }
    SUBCASE("too many items") {
      std::vector<goods_receipt_line_request> lines(limits::document_lines_max + 1, cola_ok);
      CHECK_REJECTED(spec.when(w.inventory, receive_goods{ids.order, w.beverages, lines, ""}),
                     too_many_lines, "items must contain no more than 500 elements");
    }
    SUBCASE("an item quantity below 1, before its cost") {
      CHECK_REJECTED(spec.when(w.owner, receive_goods{unknown_order,
                                                      snacks_supplier,
                                                      {cola_ok, {ids.oreo_line, w.oreo, 0, -1}},
                                                      ""}),
                     quantity_must_be_positive, "items.1.quantity must not be less than 1");
    }
    SUBCASE("an item quantity above the ledger's limit") {
      CHECK_REJECTED(spec.when(w.inventory,
                               receive_goods{ids.order,
                                             w.beverages,
                                             {{ids.cola_line, w.cola, limits::quantity_max + 1, 1}},
                                             ""}),
                     amount_too_large, "items.0.quantity must not be greater than 1000000000");
    }
    SUBCASE("a negative item cost, before the PO lookup") {
      CHECK_REJECTED(
          spec.when(
              w.owner,
              receive_goods{unknown_order, snacks_supplier, {{ids.cola_line, w.cola, 1, -1}}, ""}),
          amount_must_not_be_negative, "items.0.unitCost must not be less than 0");
    }
    SUBCASE("notes too long") {
      CHECK_REJECTED(
          spec.when(w.owner,
                    receive_goods{unknown_order, snacks_supplier, {cola_ok}, too_long_text}),
          text_too_long, "notes must be shorter than or equal to 4000 characters");
    }
    SUBCASE("1. an unknown PO, before the supplier and the actor's branch") {
      CHECK_REJECTED(
          spec.when(w.owner, receive_goods{unknown_order, snacks_supplier, {cola_ok}, ""}),
          purchase_order_not_found, "Purchase Order not found");
    }
    SUBCASE("2. a PO that is not APPROVED or PARTIAL, before the supplier") {
      const order_ids pending = created(spec.run(w.inventory, cola_and_oreo(w)));
      const goods_receipt_line_request line{pending.cola_line, w.cola, 1, 1};
      CHECK_REJECTED(spec.when(w.owner, receive_goods{pending.order, snacks_supplier, {line}, ""}),
                     purchase_order_not_receivable, "PO must be approved before receiving goods");
      spec.run(w.manager, reject_purchase_order{pending.order});
      CHECK_REJECTED(spec.when(w.inventory, receive_goods{pending.order, w.beverages, {line}, ""}),
                     purchase_order_not_receivable, "PO must be approved before receiving goods");

      create_purchase_order draft = cola_and_oreo(w);
      draft.start = purchase_order_start::draft;
      const order_ids drafted = created(spec.run(w.inventory, draft));
      CHECK_REJECTED(
          spec.when(
              w.inventory,
              receive_goods{drafted.order, w.beverages, {{drafted.cola_line, w.cola, 1, 1}}, ""}),
          purchase_order_not_receivable, "PO must be approved before receiving goods");
    }
    SUBCASE("3. another supplier, before the actor's branch") {
      CHECK_REJECTED(spec.when(w.owner, receive_goods{ids.order, snacks_supplier, {cola_ok}, ""}),
                     supplier_does_not_match_purchase_order, "Supplier does not match PO supplier");
    }
    SUBCASE("an actor without a branch, before the lines") {
      CHECK_REJECTED(
          spec.when(w.owner,
                    receive_goods{
                        ids.order, w.beverages, {{purchase_order_line_id{1}, w.pepsi, 1, 1}}, ""}),
          actor_branch_required, "User must be assigned to a branch");
    }
    SUBCASE("a line of another PO") {
      const order_ids other = approved_order(spec, w);
      CHECK_REJECTED(
          spec.when(w.inventory,
                    receive_goods{ids.order, w.beverages, {{other.cola_line, w.cola, 1, 1}}, ""}),
          purchase_order_line_mismatch, "Referenced record does not exist");
    }
    SUBCASE("an unknown PO line") {
      CHECK_REJECTED(
          spec.when(w.inventory,
                    receive_goods{ids.order,
                                  w.beverages,
                                  {cola_ok, {purchase_order_line_id{444444}, w.oreo, 1, 1}},
                                  ""}),
          purchase_order_line_mismatch, "Referenced record does not exist");
    }
    SUBCASE("a product that is not the PO line's, before a duplicate") {
      CHECK_REJECTED(
          spec.when(
              w.inventory,
              receive_goods{ids.order, w.beverages, {cola_ok, {ids.oreo_line, w.cola, 1, 1}}, ""}),
          purchase_order_line_mismatch, "Referenced record does not exist");
      CHECK_REJECTED(
          spec.when(w.inventory,
                    receive_goods{
                        ids.order, w.beverages, {{ids.cola_line, product_id{999999}, 1, 1}}, ""}),
          purchase_order_line_mismatch, "Referenced record does not exist");
    }
    SUBCASE("a mismatched line anywhere wins over an overshoot on an earlier line") {
      CHECK_REJECTED(spec.when(w.inventory, receive_goods{ids.order,
                                                          w.beverages,
                                                          {{ids.cola_line, w.cola, 101, 1},
                                                           {ids.oreo_line, w.pepsi, 1, 1}},
                                                          ""}),
                     purchase_order_line_mismatch, "Referenced record does not exist");
    }
    SUBCASE("the same product twice, before an overshoot") {
      CHECK_REJECTED(
          spec.when(w.inventory,
                    receive_goods{
                        ids.order, w.beverages, {{ids.cola_line, w.cola, 101, 1}, cola_ok}, ""}),
          duplicate_goods_receipt_product, "Duplicate value for grId, productId");
    }
    SUBCASE("an overshoot with nothing received yet prints ? (the reference's text)") {
      CHECK_REJECTED(
          spec.when(
              w.inventory,
              receive_goods{ids.order, w.beverages, {cola_ok, {ids.oreo_line, w.oreo, 51, 1}}, ""}),
          purchase_order_line_overshoot,
          "PO item overshoot. Ordered: 50, Already received: ?, Requested: 51");
    }
    SUBCASE("an overshoot after a partial receipt") {
      spec.run(w.inventory,
               receive_goods{ids.order, w.beverages, {{ids.cola_line, w.cola, 60, 1}}, ""});
      CHECK_REJECTED(
          spec.when(w.inventory,
                    receive_goods{ids.order, w.beverages, {{ids.cola_line, w.cola, 41, 1}}, ""}),
          purchase_order_line_overshoot,
          "PO item overshoot. Ordered: 100, Already received: 60, Requested: 41");
      // Exactly the rest is accepted.
      spec.run(w.inventory,
               receive_goods{ids.order, w.beverages, {{ids.cola_line, w.cola, 40, 1}}, ""});
      CHECK(spec.model.find(ids.order)->lines[0].received_quantity == 100);
    }
    SUBCASE("stock at the actor's branch that would pass the ledger's limit") {
      events::stock_received filled;
      filled.branch_id = w.hq.value;
      filled.product_id = w.cola.value;
      filled.quantity = limits::quantity_max - 100;
      filled.quantity_after = limits::quantity_max;
      spec.given({filled});
      CHECK_REJECTED(spec.when(w.inventory, receive_goods{ids.order, w.beverages, {cola_ok}, ""}),
                     amount_too_large,
                     "Stock would exceed 1000000000. Current: 1000000000, Requested: 1");
    }
  }

  TEST_CASE("the same procurement commands decide the same events (determinism)") {
    ledger_spec first;
    ledger_spec second;
    auto w1 = first.standard_world();
    auto w2 = second.standard_world();
    const order_ids a = approved_order(first, w1);
    const order_ids b = approved_order(second, w2);
    REQUIRE(a.order == b.order);
    const command c =
        receive_goods{a.order, w1.beverages, {{a.cola_line, w1.cola, 10, 4400}}, "same"};
    const decision da = first.run(w1.inventory, c);
    const decision db = second.run(w2.inventory, c);
    CHECK(da.events == db.events);
    CHECK(first.model == second.model);
  }

}  // TEST_SUITE

}  // namespace ledger::testing
