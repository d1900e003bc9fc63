// Decider specs for stock operations (engine/decide_inventory.cpp, api-contract section 7):
// stock-in, stock-out, stock counts and transfers. Each case starts from the standard world
// (100 units of every product in every branch), sends one command with spec.when / spec.run and
// checks the exact events or the exact rejection (code and contract message). Rejections are
// tested in the contract's precedence order: where two rules are broken at once, the earlier one
// must win. Accepted decisions are applied, so evolve's pair checks (quantity_after against the
// model) run on every one of them.
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

}  // namespace

TEST_SUITE("engine/inventory") {
  // ------------------------------------------------------------------ receive_stock (7.1)

  TEST_CASE(
      "receive_stock adds to the actor's branch and keeps cost, supplier and texts as given") {
    ledger_spec spec;
    auto w = spec.standard_world();
    const auto entities_before = spec.model.last_entity_number;

    const decision d = spec.run(
        w.inventory, receive_stock{w.cola, 25, 450050, w.beverages, "INV-7781", "pallet 3"});

    const auto e = single_event<events::stock_received>(d);
    CHECK(d.events.size() == 1);
    CHECK(e.branch_id == w.hq.value);
    CHECK(e.product_id == w.cola.value);
    CHECK(e.quantity == 25);
    CHECK(e.quantity_after == 125);
    CHECK(e.unit_cost == 450050);
    CHECK(e.supplier_id == w.beverages.value);
    CHECK(e.reference == "INV-7781");
    CHECK(e.note == "pallet 3");
    CHECK(d.last_entity_number == entities_before);  // a stock-in creates no entity
    CHECK(d.actor == w.inventory);
    CHECK(spec.model.stock_of(w.hq, w.cola) == 125);
    CHECK(spec.model.stock_of(w.central, w.cola) == 100);
  }

  TEST_CASE("receive_stock acts at the actor's own branch") {
    ledger_spec spec;
    auto w = spec.standard_world();
    spec.run(w.manager, receive_stock{w.oreo, 1, 0, {}, "", ""});
    CHECK(spec.model.stock_of(w.central, w.oreo) == 101);
    CHECK(spec.model.stock_of(w.hq, w.oreo) == 100);
    CHECK(spec.model.stock_of(w.tan_binh, w.oreo) == 100);
  }

  TEST_CASE("receive_stock accepts inactive products and does not check the supplier") {
    ledger_spec spec;
    auto w = spec.standard_world();
    spec.run(w.admin, toggle_product_active{w.sting});
    REQUIRE_FALSE(spec.model.find(w.sting)->is_active);

    const decision d = spec.run(w.admin, receive_stock{w.sting, 5, 0, supplier_id{987654}, "", ""});

    const auto e = single_event<events::stock_received>(d);
    CHECK(e.quantity_after == 105);
    CHECK(e.supplier_id == 987654);
    CHECK(e.unit_cost == 0);
  }

  TEST_CASE("receive_stock rejections, in precedence order") {
    ledger_spec spec;
    auto w = spec.standard_world();
    const product_id unknown{999999};

    SUBCASE("quantity below 1 comes first") {
      CHECK_REJECTED(spec.when(w.owner, receive_stock{unknown, 0, -1, {}, too_long_text, ""}),
                     quantity_must_be_positive, "quantity must not be less than 1");
      CHECK_REJECTED(spec.when(w.inventory, receive_stock{w.cola, -5, 0, {}, "", ""}),
                     quantity_must_be_positive, "quantity must not be less than 1");
    }
    SUBCASE("quantity above the ledger's limit") {
      CHECK_REJECTED(
          spec.when(w.inventory, receive_stock{w.cola, limits::quantity_max + 1, -1, {}, "", ""}),
          amount_too_large, "quantity must not be greater than 1000000000");
    }
    SUBCASE("negative unit cost before texts, branch and product") {
      CHECK_REJECTED(spec.when(w.owner, receive_stock{unknown, 1, -1, {}, too_long_text, ""}),
                     amount_must_not_be_negative, "unitCost must not be less than 0");
    }
    SUBCASE("unit cost beyond the money limit") {
      CHECK_REJECTED(
          spec.when(w.inventory, receive_stock{w.cola, 1, money::amount_max + 1, {}, "", ""}),
          amount_too_large, "unitCost must not be greater than 90071992547409.92");
    }
    SUBCASE("reference, then note, too long") {
      CHECK_REJECTED(
          spec.when(w.owner, receive_stock{unknown, 1, 0, {}, too_long_text, too_long_text}),
          text_too_long, "reference must be shorter than or equal to 4000 characters");
      CHECK_REJECTED(spec.when(w.owner, receive_stock{unknown, 1, 0, {}, "", too_long_text}),
                     text_too_long, "note must be shorter than or equal to 4000 characters");
    }
    SUBCASE("an actor without a branch, before the product lookup") {
      CHECK_REJECTED(spec.when(w.owner, receive_stock{unknown, 1, 0, {}, "", ""}),
                     actor_branch_required, "User must be assigned to a branch");
    }
    SUBCASE("unknown product") {
      CHECK_REJECTED(spec.when(w.inventory, receive_stock{unknown, 1, 0, {}, "", ""}),
                     product_not_found_in_branch, "Product not found in this branch inventory");
    }
    SUBCASE("stock that would pass the ledger's limit") {
      CHECK_REJECTED(
          spec.when(w.inventory, receive_stock{w.cola, limits::quantity_max - 99, 0, {}, "", ""}),
          amount_too_large, "Stock would exceed 1000000000. Current: 100, Requested: 999999901");
      // Exactly at the limit is still accepted.
      const decision d =
          spec.run(w.inventory, receive_stock{w.cola, limits::quantity_max - 100, 0, {}, "", ""});
      CHECK(single_event<events::stock_received>(d).quantity_after == limits::quantity_max);
    }
  }

  // ------------------------------------------------------------------ issue_stock (7.2)

  TEST_CASE("issue_stock takes units out of the actor's branch") {
    ledger_spec spec;
    auto w = spec.standard_world();

    const decision d = spec.run(w.manager, issue_stock{w.pepsi, 30, "DAMAGE", "dented cans"});

    const auto e = single_event<events::stock_issued>(d);
    CHECK(d.events.size() == 1);
    CHECK(e.branch_id == w.central.value);
    CHECK(e.product_id == w.pepsi.value);
    CHECK(e.quantity == 30);
    CHECK(e.quantity_after == 70);
    CHECK(e.reason == "DAMAGE");
    CHECK(e.note == "dented cans");
    CHECK(spec.model.stock_of(w.central, w.pepsi) == 70);
    CHECK(spec.model.stock_of(w.hq, w.pepsi) == 100);
  }

  TEST_CASE("issue_stock may take the last unit, then nothing more") {
    ledger_spec spec;
    auto w = spec.standard_world();
    const decision d = spec.run(w.inventory, issue_stock{w.oreo, 100, "EXPIRED", ""});
    CHECK(single_event<events::stock_issued>(d).quantity_after == 0);
    CHECK_REJECTED(spec.when(w.inventory, issue_stock{w.oreo, 1, "LOSS", ""}), insufficient_stock,
                   "Insufficient stock. Current: 0, Requested: 1");
  }

  TEST_CASE("issue_stock rejections, in precedence order") {
    ledger_spec spec;
    auto w = spec.standard_world();
    const product_id unknown{999999};

    SUBCASE("quantity below 1 comes first") {
      CHECK_REJECTED(spec.when(w.owner, issue_stock{unknown, 0, too_long_text, ""}),
                     quantity_must_be_positive, "quantity must not be less than 1");
    }
    SUBCASE("quantity above the ledger's limit") {
      CHECK_REJECTED(spec.when(w.inventory, issue_stock{w.cola, limits::quantity_max + 1, "", ""}),
                     amount_too_large, "quantity must not be greater than 1000000000");
    }
    SUBCASE("reason, then note, too long") {
      CHECK_REJECTED(spec.when(w.owner, issue_stock{unknown, 1, too_long_text, too_long_text}),
                     text_too_long, "reason must be shorter than or equal to 4000 characters");
      CHECK_REJECTED(spec.when(w.owner, issue_stock{unknown, 1, "LOSS", too_long_text}),
                     text_too_long, "note must be shorter than or equal to 4000 characters");
    }
    SUBCASE("an actor without a branch, before the product lookup") {
      CHECK_REJECTED(spec.when(w.owner, issue_stock{unknown, 1, "LOSS", ""}), actor_branch_required,
                     "User must be assigned to a branch");
    }
    SUBCASE("unknown product, before the stock check") {
      CHECK_REJECTED(spec.when(w.inventory, issue_stock{unknown, 500, "LOSS", ""}),
                     product_not_found_in_branch, "Product not found in this branch");
    }
    SUBCASE("more than the branch holds, however large") {
      CHECK_REJECTED(spec.when(w.inventory, issue_stock{w.cola, 101, "LOSS", ""}),
                     insufficient_stock, "Insufficient stock. Current: 100, Requested: 101");
      CHECK_REJECTED(spec.when(w.inventory, issue_stock{w.cola, limits::quantity_max, "LOSS", ""}),
                     insufficient_stock, "Insufficient stock. Current: 100, Requested: 1000000000");
    }
  }

  // ------------------------------------------------------------------ adjust_stock (7.3)

  TEST_CASE("adjust_stock sets the stock to the count and records a new adjustment") {
    ledger_spec spec;
    auto w = spec.standard_world();
    const auto entities_before = spec.model.last_entity_number;

    const decision d = spec.run(w.inventory, adjust_stock{w.sting, 83, "Monthly count"});

    const auto e = single_event<events::stock_adjusted>(d);
    CHECK(d.events.size() == 1);
    CHECK(e.adjustment_id == entities_before + 1);
    CHECK(d.last_entity_number == entities_before + 1);
    CHECK(e.branch_id == w.hq.value);
    CHECK(e.product_id == w.sting.value);
    CHECK(e.system_quantity == 100);
    CHECK(e.counted_quantity == 83);
    CHECK(e.reason == "Monthly count");
    CHECK(spec.model.stock_of(w.hq, w.sting) == 83);
    CHECK(spec.model.adjustment_count == 1);
  }

  TEST_CASE("adjust_stock records a count equal to the system quantity, and a count above it") {
    ledger_spec spec;
    auto w = spec.standard_world();

    const decision same = spec.run(w.manager, adjust_stock{w.cola, 100, "Spot check"});
    const auto first = single_event<events::stock_adjusted>(same);
    CHECK(first.system_quantity == 100);
    CHECK(first.counted_quantity == 100);
    CHECK(spec.model.stock_of(w.central, w.cola) == 100);

    const decision more = spec.run(w.manager, adjust_stock{w.cola, 140, "Found a box"});
    const auto second = single_event<events::stock_adjusted>(more);
    CHECK(second.adjustment_id == first.adjustment_id + 1);  // every count is its own record
    CHECK(second.system_quantity == 100);
    CHECK(second.counted_quantity == 140);
    CHECK(spec.model.stock_of(w.central, w.cola) == 140);
    CHECK(spec.model.adjustment_count == 2);
  }

  TEST_CASE("adjust_stock to zero, then selling nothing more") {
    ledger_spec spec;
    auto w = spec.standard_world();
    spec.run(w.inventory, adjust_stock{w.pepsi, 0, "Stolen"});
    CHECK(spec.model.stock_of(w.hq, w.pepsi) == 0);
    CHECK_REJECTED(spec.when(w.inventory, issue_stock{w.pepsi, 1, "LOSS", ""}), insufficient_stock,
                   "Insufficient stock. Current: 0, Requested: 1");
  }

  TEST_CASE("adjust_stock rejections, in precedence order") {
    ledger_spec spec;
    auto w = spec.standard_world();
    const product_id unknown{999999};

    SUBCASE("a negative count comes first") {
      CHECK_REJECTED(spec.when(w.owner, adjust_stock{unknown, -1, too_long_text}),
                     quantity_must_not_be_negative, "actualQty must not be less than 0");
    }
    SUBCASE("a count above the ledger's limit") {
      CHECK_REJECTED(spec.when(w.owner, adjust_stock{unknown, limits::quantity_max + 1, ""}),
                     amount_too_large, "actualQty must not be greater than 1000000000");
    }
    SUBCASE("reason too long") {
      CHECK_REJECTED(spec.when(w.owner, adjust_stock{unknown, 5, too_long_text}), text_too_long,
                     "reason must be shorter than or equal to 4000 characters");
    }
    SUBCASE("an actor without a branch, before the product lookup") {
      CHECK_REJECTED(spec.when(w.owner, adjust_stock{unknown, 5, "count"}), actor_branch_required,
                     "User must be assigned to a branch");
    }
    SUBCASE("unknown product") {
      CHECK_REJECTED(spec.when(w.inventory, adjust_stock{unknown, 5, "count"}),
                     product_not_found_in_branch, "Product not found in this branch");
    }
  }

  // ------------------------------------------------------------------ transfer_stock (7.4)

  TEST_CASE("transfer_stock moves every line from source to destination in one event") {
    ledger_spec spec;
    auto w = spec.standard_world();
    const auto entities_before = spec.model.last_entity_number;
    const std::int64_t decided_at = spec.now_us;

    const decision d = spec.run(
        w.manager, transfer_stock{w.central, w.tan_binh, {{w.cola, 30}, {w.oreo, 100}}, "Weekly"});

    const auto e = single_event<events::stock_transferred>(d);
    CHECK(d.events.size() == 1);
    CHECK(e.transfer_id == entities_before + 1);
    CHECK(d.last_entity_number == entities_before + 1);
    CHECK(e.reference_number == expected_document_number("TF", decided_at, 1));
    CHECK(e.source_branch_id == w.central.value);
    CHECK(e.destination_branch_id == w.tan_binh.value);
    CHECK(e.notes == "Weekly");
    REQUIRE(e.lines.size() == 2);
    CHECK(e.lines[0].product_id() == w.cola.value);
    CHECK(e.lines[0].quantity() == 30);
    CHECK(e.lines[0].source_quantity_after() == 70);
    CHECK(e.lines[0].destination_quantity_after() == 130);
    CHECK(e.lines[1].product_id() == w.oreo.value);
    CHECK(e.lines[1].quantity() == 100);
    CHECK(e.lines[1].source_quantity_after() == 0);
    CHECK(e.lines[1].destination_quantity_after() == 200);
    CHECK(spec.model.stock_of(w.central, w.cola) == 70);
    CHECK(spec.model.stock_of(w.tan_binh, w.cola) == 130);
    CHECK(spec.model.stock_of(w.central, w.oreo) == 0);
    CHECK(spec.model.stock_of(w.tan_binh, w.oreo) == 200);
    CHECK(spec.model.stock_of(w.hq, w.cola) == 100);
    CHECK(spec.model.transfer_count == 1);

    // The next transfer gets the next document counter.
    const std::int64_t second_at = spec.now_us;
    const decision next = spec.run(w.manager, transfer_stock{w.central, w.hq, {{w.cola, 1}}, ""});
    CHECK(single_event<events::stock_transferred>(next).reference_number ==
          expected_document_number("TF", second_at, 2));
  }

  TEST_CASE("a SUPER_ADMIN may transfer between two branches that are not their own") {
    ledger_spec spec;
    auto w = spec.standard_world();
    const decision d =
        spec.run(w.admin, transfer_stock{w.central, w.tan_binh, {{w.pepsi, 100}}, ""});
    const auto e = single_event<events::stock_transferred>(d);
    CHECK(e.source_branch_id == w.central.value);
    CHECK(e.lines[0].source_quantity_after() == 0);
    CHECK(e.lines[0].destination_quantity_after() == 200);
  }

  TEST_CASE("transfer_stock moves inactive products") {
    ledger_spec spec;
    auto w = spec.standard_world();
    spec.run(w.admin, toggle_product_active{w.sting});
    const decision d = spec.run(w.inventory, transfer_stock{w.hq, w.central, {{w.sting, 10}}, ""});
    CHECK(single_event<events::stock_transferred>(d).lines[0].destination_quantity_after() == 110);
  }

  TEST_CASE("transfer_stock is all-or-nothing: one short line rejects every line") {
    ledger_spec spec;
    auto w = spec.standard_world();

    // The first line alone would pass; the second is short, so the decision carries no event at
    // all (CHECK_REJECTED checks that), not a transfer of the first line.
    CHECK(
        spec.when(w.manager, transfer_stock{w.central, w.tan_binh, {{w.cola, 30}}, ""}).accepted());
    CHECK_REJECTED(
        spec.when(w.manager,
                  transfer_stock{w.central, w.tan_binh, {{w.cola, 30}, {w.pepsi, 101}}, ""}),
        insufficient_stock, "Insufficient stock for Pepsi 330ml. Available: 100, Requested: 101");

    // With two short lines the first one in order is reported.
    spec.run(w.manager, issue_stock{w.sting, 100, "LOSS", ""});
    CHECK_REJECTED(
        spec.when(w.manager,
                  transfer_stock{w.central, w.hq, {{w.cola, 5}, {w.sting, 1}, {w.pepsi, 500}}, ""}),
        insufficient_stock, "Insufficient stock for Sting Đỏ 330ml. Available: 0, Requested: 1");
  }

  TEST_CASE("transfer_stock rejections, in precedence order") {
    ledger_spec spec;
    auto w = spec.standard_world();
    const product_id unknown{999999};
    const branch_id nowhere{888888};

    SUBCASE("an empty item list comes first") {
      CHECK_REJECTED(spec.when(w.cashier, transfer_stock{w.hq, w.hq, {}, too_long_text}),
                     lines_required, "items must contain at least 1 elements");
    }
    SUBCASE("too many items") {
      std::vector<transfer_stock_line> lines(limits::document_lines_max + 1,
                                             transfer_stock_line{w.cola, 1});
      CHECK_REJECTED(spec.when(w.manager, transfer_stock{w.central, w.hq, lines, ""}),
                     too_many_lines, "items must contain no more than 500 elements");
    }
    SUBCASE("an item quantity below 1, before the same-branch check") {
      CHECK_REJECTED(
          spec.when(w.cashier, transfer_stock{w.hq, w.hq, {{w.cola, 1}, {w.pepsi, 0}}, ""}),
          quantity_must_be_positive, "items.1.quantity must not be less than 1");
    }
    SUBCASE("an item quantity above the ledger's limit") {
      CHECK_REJECTED(
          spec.when(w.manager,
                    transfer_stock{w.central, w.hq, {{w.cola, limits::quantity_max + 1}}, ""}),
          amount_too_large, "items.0.quantity must not be greater than 1000000000");
    }
    SUBCASE("notes too long") {
      CHECK_REJECTED(spec.when(w.cashier, transfer_stock{w.hq, w.hq, {{w.cola, 1}}, too_long_text}),
                     text_too_long, "notes must be shorter than or equal to 4000 characters");
    }
    SUBCASE("1. the same branch on both ends, before the branch permission") {
      CHECK_REJECTED(spec.when(w.cashier, transfer_stock{w.hq, w.hq, {{unknown, 1}}, ""}),
                     transfer_branches_must_differ,
                     "Source and destination branches must be different");
    }
    SUBCASE("2. a source that is not the actor's branch, before the product check") {
      CHECK_REJECTED(spec.when(w.manager, transfer_stock{w.hq, w.central, {{unknown, 1}}, ""}),
                     transfer_source_must_be_own_branch,
                     "You can only transfer stock from your assigned branch");
    }
    SUBCASE("2. a user without a branch who is not SUPER_ADMIN") {
      CHECK_REJECTED(spec.when(w.owner, transfer_stock{w.hq, w.central, {{w.cola, 1}}, ""}),
                     transfer_source_must_be_own_branch,
                     "You can only transfer stock from your assigned branch");
    }
    SUBCASE("3. an unknown product, before the branch lookup") {
      CHECK_REJECTED(
          spec.when(w.admin, transfer_stock{nowhere, w.central, {{w.cola, 1}, {unknown, 1}}, ""}),
          products_not_found, "One or more products not found");
    }
    SUBCASE("3. the same product twice counts as not found") {
      CHECK_REJECTED(
          spec.when(w.inventory, transfer_stock{w.hq, w.central, {{w.cola, 1}, {w.cola, 2}}, ""}),
          products_not_found, "One or more products not found");
    }
    SUBCASE("4. an unknown destination branch, before the stock check") {
      CHECK_REJECTED(spec.when(w.inventory, transfer_stock{w.hq, nowhere, {{w.cola, 5000}}, ""}),
                     referenced_record_not_found, "Referenced record does not exist");
    }
    SUBCASE("4. an unknown source branch (only a SUPER_ADMIN gets this far)") {
      CHECK_REJECTED(spec.when(w.admin, transfer_stock{nowhere, w.hq, {{w.cola, 1}}, ""}),
                     referenced_record_not_found, "Referenced record does not exist");
    }
    SUBCASE("destination stock that would pass the ledger's limit") {
      events::stock_received filled;
      filled.branch_id = w.tan_binh.value;
      filled.product_id = w.cola.value;
      filled.quantity = limits::quantity_max - 110;
      filled.quantity_after = limits::quantity_max - 10;
      spec.given({filled});
      CHECK_REJECTED(
          spec.when(w.manager, transfer_stock{w.central, w.tan_binh, {{w.cola, 11}}, ""}),
          amount_too_large, "Stock would exceed 1000000000. Current: 999999990, Requested: 11");
      const decision d =
          spec.run(w.manager, transfer_stock{w.central, w.tan_binh, {{w.cola, 10}}, ""});
      CHECK(single_event<events::stock_transferred>(d).lines[0].destination_quantity_after() ==
            limits::quantity_max);
    }
  }

  TEST_CASE("the same stock commands decide the same events (determinism)") {
    ledger_spec first;
    ledger_spec second;
    auto w1 = first.standard_world();
    auto w2 = second.standard_world();
    const command c = transfer_stock{w1.hq, w1.tan_binh, {{w1.sting, 40}, {w1.cola, 2}}, "same"};
    REQUIRE(w1.hq == w2.hq);
    const decision a = first.run(w1.inventory, c);
    const decision b = second.run(w2.inventory, c);
    CHECK(a.events == b.events);
    CHECK(a.last_entity_number == b.last_entity_number);
    CHECK(first.model == second.model);
  }

}  // TEST_SUITE

}  // namespace ledger::testing
