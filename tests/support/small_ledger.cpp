#include "tests/support/small_ledger.h"

#include <doctest/doctest.h>

namespace ledger::testing {

using namespace ledger::engine;

namespace {

command_outcome must_commit(command_processor& processor, user_id actor, command body) {
  command_outcome outcome = processor.submit(command_request{actor, {}, std::move(body)}).get();
  REQUIRE_MESSAGE(outcome.result == command_outcome::status::committed,
                  (outcome.rejected ? outcome.rejected->message : std::string()));
  return outcome;
}

template <class E>
const E& first_of(const command_outcome& outcome) {
  for (const auto& e : outcome.events) {
    if (const E* typed = std::get_if<E>(&e)) return *typed;
  }
  FAIL("expected event missing");
  throw 0;
}

}  // namespace

small_ledger seed_small_ledger(command_processor& processor, std::int32_t stock) {
  small_ledger world;
  const auto init = must_commit(processor, user_id{},
                                initialize_ledger{0x00a1b2c3d4e5, "VND", "admin@pos.com",
                                                  "argon2id$admin", "Super Admin"});
  world.admin = user_id{first_of<events::user_created>(init).user_id};
  world.branch = branch_id{
      first_of<events::branch_created>(must_commit(processor, world.admin,
                                                   create_branch{"BR-001", "Trung tâm", "", ""}))
          .branch_id};
  update_user move_admin;
  move_admin.user = world.admin;
  move_admin.branch = std::optional<branch_id>{world.branch};
  must_commit(processor, world.admin, move_admin);
  world.cashier = user_id{first_of<events::user_created>(
                              must_commit(processor, world.admin,
                                          create_user{"cashier1@pos.com", "argon2id$c", "Thu ngân 1",
                                                      "", user_role::CASHIER, world.branch}))
                              .user_id};
  const auto drinks = category_id{
      first_of<events::category_created>(must_commit(processor, world.admin, create_category{"Đồ uống", ""}))
          .category_id};
  create_product cola;
  cola.sku = "SKU001";
  cola.barcode = "8934567890123";
  cola.name = "Coca Cola 330ml";
  cola.cost_price = 500000;
  cola.selling_price = 1000000;
  cola.category = drinks;
  world.product = product_id{
      first_of<events::product_created>(must_commit(processor, world.admin, cola)).product_id};
  must_commit(processor, world.admin,
              receive_stock{world.product, stock, 500000, supplier_id{}, "OPENING", ""});
  return world;
}

record_sale one_unit_sale(const small_ledger& world) {
  record_sale sale;
  sale.lines.push_back(sale_request_line{world.product, 1});
  sale.tenders.push_back(tender{payment_method::CASH, small_ledger::sale_total, ""});
  return sale;
}

}  // namespace ledger::testing
