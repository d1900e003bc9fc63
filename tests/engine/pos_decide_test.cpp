// Decider specs for the point of sale (engine/decide_pos.cpp, api-contract section 8 with the
// [C++] fixes of 15.6, 15.8, 15.9, 15.10, 15.13, 15.15, 15.16 and the loyalty rules of 8.14):
// carts, checkout, one-shot sales, returns and cancellations.
//
// Each case starts from the standard world (tests/support/spec.h: 100 units of every product in
// every branch, cashiers at BR-001, loyalty of 1 point per 100 000), gives facts or runs earlier
// commands, sends one command with spec.when / spec.run and checks the exact events or the
// exact rejection (code and contract message). Rejections are tested in precedence order: a
// command that breaks two rules at once must report the earlier one. Accepted decisions are
// applied, so evolve's pair checks (quantity_after, totals, ids) run on every one of them.
// Everything is deterministic: the clock is the spec's.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <string>
#include <vector>

#include "engine/limits.h"
#include "events/money.h"
#include "tests/support/spec.h"

namespace ledger::testing {
namespace {

const std::string too_long_text(limits::text_bytes_max + 1, 'x');

constexpr std::int64_t vnd(std::int64_t units) { return units * 100; }

tender cash(std::int64_t amount) { return tender{payment_method::CASH, amount, ""}; }
tender bank(std::int64_t amount) { return tender{payment_method::BANK_TRANSFER, amount, "FT1"}; }
tender wallet(std::int64_t amount) { return tender{payment_method::E_WALLET, amount, "MOMO1"}; }

check_out_cart pay(std::vector<tender> tenders, std::int64_t discount = 0,
                   std::optional<customer_id> customer = std::nullopt) {
  check_out_cart c;
  c.customer = customer;
  c.discount_amount = discount;
  c.tenders = std::move(tenders);
  return c;
}

record_sale one_shot(std::vector<sale_request_line> lines, std::vector<tender> tenders,
                     std::optional<customer_id> customer = std::nullopt,
                     std::int64_t discount = 0) {
  record_sale c;
  c.lines = std::move(lines);
  c.customer = customer;
  c.discount_amount = discount;
  c.tenders = std::move(tenders);
  return c;
}

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

// Catalog changes as facts (the catalog's own decider is tested elsewhere).
void reprice(ledger_spec& spec, product_id id, std::int64_t price, std::uint32_t tax_rate,
             std::int64_t cost) {
  const product_record* p = spec.model.find(id);
  REQUIRE(p != nullptr);
  events::product_updated e;
  e.product_id = id.value;
  e.sku = p->sku;
  e.barcode = p->barcode;
  e.name = p->name;
  e.description = p->description;
  e.unit = p->unit;
  e.cost_price = cost;
  e.selling_price = price;
  e.min_stock = p->min_stock;
  e.tax_rate = tax_rate;
  e.category_id = p->category.value;
  spec.given({e});
}

void deactivate(ledger_spec& spec, product_id id) {
  events::product_activation_changed e;
  e.product_id = id.value;
  e.is_active = false;
  spec.given({e});
}

// Sets the stock of (branch, product) with a stock-in or stock-out fact.
void set_stock(ledger_spec& spec, branch_id branch, product_id product, std::int32_t quantity) {
  const std::int32_t current = spec.model.stock_of(branch, product);
  if (quantity < current) {
    events::stock_issued e;
    e.branch_id = branch.value;
    e.product_id = product.value;
    e.quantity = current - quantity;
    e.quantity_after = quantity;
    spec.given({e});
  } else if (quantity > current) {
    events::stock_received e;
    e.branch_id = branch.value;
    e.product_id = product.value;
    e.quantity = quantity - current;
    e.quantity_after = quantity;
    spec.given({e});
  }
}

cart_line_id added_line(const decision& d) {
  return cart_line_id{single_event<events::cart_line_added>(d).line_id};
}

// Fills the actor's cart and checks it out; returns the sale.
sale_id sell_by_cart(ledger_spec& spec, user_id actor,
                     const std::vector<std::pair<product_id, std::int32_t>>& lines,
                     check_out_cart terms) {
  for (const auto& [product, quantity] : lines) spec.run(actor, add_cart_line{product, quantity});
  const decision d = spec.run(actor, terms);
  return sale_id{single_event<events::sale_completed>(d).sale_id};
}

const sale_record& sale_of(const ledger_spec& spec, sale_id id) {
  const sale_record* sale = spec.model.find(id);
  REQUIRE(sale != nullptr);
  return *sale;
}

return_sale return_of(sale_id sale, std::vector<return_line_request> lines,
                      std::string reason = "customer changed mind") {
  return return_sale{sale, std::move(reason), std::move(lines)};
}

}  // namespace

TEST_SUITE("engine/pos") {

// ------------------------------------------------------------------ open_cart (8.2)

TEST_CASE("open_cart opens one cart per cashier and branch, and only once") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const auto entities_before = spec.model.last_entity_number;

  const decision d = spec.run(w.cashier, open_cart{});
  const auto e = single_event<events::cart_opened>(d);
  CHECK(d.events.size() == 1);
  CHECK(e.cart_id == entities_before + 1);
  CHECK(e.cashier_id == w.cashier.value);
  CHECK(e.branch_id == w.central.value);
  CHECK(d.last_entity_number == entities_before + 1);

  const decision again = spec.when(w.cashier, open_cart{});
  CHECK(again.accepted());
  CHECK(again.events.empty());
  CHECK(again.last_entity_number == spec.model.last_entity_number);

  // Another cashier of the same branch gets a cart of their own.
  const auto other = single_event<events::cart_opened>(spec.run(w.cashier2, open_cart{}));
  CHECK(other.cart_id != e.cart_id);
  CHECK(other.cashier_id == w.cashier2.value);
}

TEST_CASE("open_cart needs a branch") {
  ledger_spec spec;
  auto w = spec.standard_world();
  CHECK_REJECTED(spec.when(w.owner, open_cart{}), actor_branch_required,
                 "User must be assigned to a branch");
}

// ------------------------------------------------------------------ add_cart_line (8.3)

TEST_CASE("add_cart_line opens the cart when needed and adds a line at the current price") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const auto entities_before = spec.model.last_entity_number;

  const decision d = spec.run(w.cashier, add_cart_line{w.pepsi, 2});
  REQUIRE(d.events.size() == 2);
  const auto opened = std::get<events::cart_opened>(d.events[0]);
  const auto added = std::get<events::cart_line_added>(d.events[1]);
  CHECK(opened.cart_id == entities_before + 1);
  CHECK(opened.cashier_id == w.cashier.value);
  CHECK(opened.branch_id == w.central.value);
  CHECK(added.cart_id == opened.cart_id);
  CHECK(added.line_id == entities_before + 2);
  CHECK(added.product_id == w.pepsi.value);
  CHECK(added.quantity == 2);
  CHECK(added.unit_price == vnd(10000));
  CHECK(d.last_entity_number == entities_before + 2);

  // The second product goes into the same cart.
  const decision next = spec.run(w.cashier, add_cart_line{w.oreo, 1});
  const auto second = single_event<events::cart_line_added>(next);
  CHECK(next.events.size() == 1);
  CHECK(second.cart_id == opened.cart_id);
  CHECK(second.unit_price == vnd(15000));
  const cart_record* cart = spec.model.active_cart_of(w.cashier, w.central);
  REQUIRE(cart != nullptr);
  CHECK(cart->lines.size() == 2);
  // Stock is only checked, never reserved.
  CHECK(spec.model.stock_of(w.central, w.pepsi) == 100);
}

TEST_CASE("add_cart_line of a product already in the cart grows the line at its frozen price") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const cart_line_id line = added_line(spec.run(w.cashier, add_cart_line{w.cola, 3}));
  reprice(spec, w.cola, vnd(11000), 800, vnd(5000));

  const decision d = spec.run(w.cashier, add_cart_line{w.cola, 4});
  const auto changed = single_event<events::cart_line_quantity_changed>(d);
  CHECK(d.events.size() == 1);
  CHECK(changed.line_id == line.value);
  CHECK(changed.quantity == 7);
  const cart_record* cart = spec.model.active_cart_of(w.cashier, w.central);
  REQUIRE(cart != nullptr);
  REQUIRE(cart->lines.size() == 1);
  CHECK(cart->lines[0].unit_price == vnd(10000));
  CHECK(cart->lines[0].quantity == 7);
}

TEST_CASE("add_cart_line rejections, in precedence order") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const product_id unknown{999'999};

  SUBCASE("a quantity below 1 is refused before the product is looked up") {
    CHECK_REJECTED(spec.when(w.cashier, add_cart_line{unknown, 0}), quantity_must_be_positive,
                   "quantity must not be less than 1");
    CHECK_REJECTED(spec.when(w.cashier, add_cart_line{w.cola, -3}), quantity_must_be_positive,
                   "quantity must not be less than 1");
  }
  SUBCASE("an unknown product, before the branch is needed") {
    CHECK_REJECTED(spec.when(w.owner, add_cart_line{unknown, 1}), product_not_found_or_inactive,
                   "Product not found or inactive");
  }
  SUBCASE("an inactive product") {
    deactivate(spec, w.sting);
    CHECK_REJECTED(spec.when(w.cashier, add_cart_line{w.sting, 1}), product_not_found_or_inactive,
                   "Product not found or inactive");
  }
  SUBCASE("a user without a branch has no cart") {
    CHECK_REJECTED(spec.when(w.owner, add_cart_line{w.cola, 1}), actor_branch_required,
                   "User must be assigned to a branch");
  }
  SUBCASE("more than the branch holds; the refused add opens no cart") {
    CHECK_REJECTED(spec.when(w.cashier, add_cart_line{w.cola, 101}), insufficient_stock,
                   "Insufficient stock. Available: 100, Requested: 101");
    CHECK(spec.model.active_cart_of(w.cashier, w.central) == nullptr);
  }
  SUBCASE("a product the branch has never stocked counts as 0") {
    events::product_created e;
    e.product_id = spec.model.last_entity_number + 1;
    e.sku = "SKU900";
    e.barcode = "8930000000900";
    e.name = "Trà xanh 0 độ";
    e.unit = "chai";
    e.selling_price = vnd(8000);
    e.tax_rate = 800;
    e.category_id = w.drinks.value;
    spec.given({e});
    CHECK_REJECTED(spec.when(w.cashier, add_cart_line{product_id{e.product_id}, 1}),
                   insufficient_stock, "Insufficient stock. Available: 0, Requested: 1");
  }
  SUBCASE("growing a line beyond the stock reports the new total") {
    spec.run(w.cashier, add_cart_line{w.cola, 60});
    CHECK_REJECTED(spec.when(w.cashier, add_cart_line{w.cola, 41}), insufficient_stock,
                   "Insufficient stock. Available: 100, Requested: 101");
    // Exactly the stock is fine.
    spec.run(w.cashier, add_cart_line{w.cola, 40});
  }
}

TEST_CASE("add_cart_line checks the stock of the actor's own branch") {
  ledger_spec spec;
  auto w = spec.standard_world();
  set_stock(spec, w.central, w.oreo, 2);
  set_stock(spec, w.hq, w.oreo, 0);
  CHECK_REJECTED(spec.when(w.cashier, add_cart_line{w.oreo, 3}), insufficient_stock,
                 "Insufficient stock. Available: 2, Requested: 3");
  CHECK_REJECTED(spec.when(w.admin, add_cart_line{w.oreo, 1}), insufficient_stock,
                 "Insufficient stock. Available: 0, Requested: 1");
  spec.run(w.cashier, add_cart_line{w.oreo, 2});
}

// ------------------------------------------------------------------ scan_barcode (8.4)

TEST_CASE("scan_barcode adds one unit of the product with that exact barcode") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const decision first = spec.run(w.cashier, scan_barcode{"8934567890125"});
  const auto added = single_event<events::cart_line_added>(first);
  CHECK(added.product_id == w.sting.value);
  CHECK(added.quantity == 1);
  CHECK(added.unit_price == vnd(12000));

  const decision second = spec.run(w.cashier, scan_barcode{"8934567890125"});
  const auto changed = single_event<events::cart_line_quantity_changed>(second);
  CHECK(changed.line_id == added.line_id);
  CHECK(changed.quantity == 2);
}

TEST_CASE("scan_barcode rejections, in precedence order") {
  ledger_spec spec;
  auto w = spec.standard_world();
  CHECK_REJECTED(spec.when(w.owner, scan_barcode{"0000"}), barcode_not_found,
                 "Product not found for this barcode");
  CHECK_REJECTED(spec.when(w.cashier, scan_barcode{""}), barcode_not_found,
                 "Product not found for this barcode");
  // Only exact barcodes match.
  CHECK_REJECTED(spec.when(w.cashier, scan_barcode{"893456789012"}), barcode_not_found,
                 "Product not found for this barcode");
  CHECK_REJECTED(spec.when(w.owner, scan_barcode{"8934567890123"}), actor_branch_required,
                 "User must be assigned to a branch");
  set_stock(spec, w.central, w.cola, 0);
  CHECK_REJECTED(spec.when(w.cashier, scan_barcode{"8934567890123"}), insufficient_stock,
                 "Insufficient stock. Available: 0, Requested: 1");
  deactivate(spec, w.cola);
  CHECK_REJECTED(spec.when(w.cashier, scan_barcode{"8934567890123"}), barcode_not_found,
                 "Product not found for this barcode");
}

// ------------------------------------------------------------------ change_cart_line_quantity (8.5)

TEST_CASE("change_cart_line_quantity sets the quantity without a stock check; 0 removes") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const cart_line_id line = added_line(spec.run(w.cashier, add_cart_line{w.cola, 2}));
  const cart_id cart = spec.model.active_cart_of(w.cashier, w.central)->id;

  const decision more = spec.run(w.cashier, change_cart_line_quantity{line, 500});
  const auto changed = single_event<events::cart_line_quantity_changed>(more);
  CHECK(changed.cart_id == cart.value);
  CHECK(changed.line_id == line.value);
  CHECK(changed.quantity == 500);

  // The same quantity again changes nothing.
  const decision same = spec.when(w.cashier, change_cart_line_quantity{line, 500});
  CHECK(same.accepted());
  CHECK(same.events.empty());

  const decision zero = spec.run(w.cashier, change_cart_line_quantity{line, 0});
  const auto removed = single_event<events::cart_line_removed>(zero);
  CHECK(removed.cart_id == cart.value);
  CHECK(removed.line_id == line.value);
  CHECK(spec.model.active_cart_of(w.cashier, w.central)->lines.empty());
}

TEST_CASE("change_cart_line_quantity rejections, in precedence order") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const cart_line_id line = added_line(spec.run(w.cashier, add_cart_line{w.cola, 2}));

  CHECK_REJECTED(spec.when(w.owner, change_cart_line_quantity{cart_line_id{424242}, -1}),
                 quantity_must_not_be_negative, "quantity must not be less than 0");
  CHECK_REJECTED(spec.when(w.owner, change_cart_line_quantity{line, 1}), actor_branch_required,
                 "User must be assigned to a branch");
  CHECK_REJECTED(spec.when(w.cashier, change_cart_line_quantity{cart_line_id{424242}, 1}),
                 cart_item_not_found, "Cart item not found");
  // Another cashier's line is not found, even at the same branch.
  CHECK_REJECTED(spec.when(w.cashier2, change_cart_line_quantity{line, 1}), cart_item_not_found,
                 "Cart item not found");
  spec.run(w.cashier2, add_cart_line{w.pepsi, 1});
  CHECK_REJECTED(spec.when(w.cashier2, change_cart_line_quantity{line, 1}), cart_item_not_found,
                 "Cart item not found");
  // 15.28 fix: a line of a checked-out cart is no longer editable.
  spec.run(w.cashier, pay({cash(vnd(50000))}));
  CHECK_REJECTED(spec.when(w.cashier, change_cart_line_quantity{line, 1}), cart_item_not_found,
                 "Cart item not found");
  spec.run(w.cashier, open_cart{});
  CHECK_REJECTED(spec.when(w.cashier, change_cart_line_quantity{line, 0}), cart_item_not_found,
                 "Cart item not found");
}

// ------------------------------------------------------------------ remove_cart_line (8.6)

TEST_CASE("remove_cart_line removes a line of the actor's cart") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const cart_line_id cola = added_line(spec.run(w.cashier, add_cart_line{w.cola, 2}));
  const cart_line_id oreo = added_line(spec.run(w.cashier, add_cart_line{w.oreo, 1}));

  CHECK_REJECTED(spec.when(w.owner, remove_cart_line{cola}), actor_branch_required,
                 "User must be assigned to a branch");
  CHECK_REJECTED(spec.when(w.cashier2, remove_cart_line{cola}), cart_item_not_found,
                 "Cart item not found");
  CHECK_REJECTED(spec.when(w.cashier, remove_cart_line{cart_line_id{}}), cart_item_not_found,
                 "Cart item not found");

  const decision d = spec.run(w.cashier, remove_cart_line{cola});
  CHECK(single_event<events::cart_line_removed>(d).line_id == cola.value);
  const cart_record* cart = spec.model.active_cart_of(w.cashier, w.central);
  REQUIRE(cart != nullptr);
  REQUIRE(cart->lines.size() == 1);
  CHECK(cart->lines[0].id == oreo);
  // Removed once, gone.
  CHECK_REJECTED(spec.when(w.cashier, remove_cart_line{cola}), cart_item_not_found,
                 "Cart item not found");
}

// ------------------------------------------------------------------ set_cart_customer (8.7)

TEST_CASE("set_cart_customer attaches, re-attaches, switches and detaches") {
  ledger_spec spec;
  auto w = spec.standard_world();
  spec.run(w.cashier, open_cart{});
  const cart_id cart = spec.model.active_cart_of(w.cashier, w.central)->id;

  // Detaching when none is attached changes nothing.
  CHECK(spec.when(w.cashier, set_cart_customer{std::nullopt}).events.empty());

  const auto attached =
      single_event<events::cart_customer_attached>(spec.run(w.cashier, set_cart_customer{w.an}));
  CHECK(attached.cart_id == cart.value);
  CHECK(attached.customer_id == w.an.value);
  CHECK(spec.when(w.cashier, set_cart_customer{w.an}).events.empty());

  const auto switched =
      single_event<events::cart_customer_attached>(spec.run(w.cashier, set_cart_customer{w.binh}));
  CHECK(switched.customer_id == w.binh.value);

  // A falsy id detaches like null.
  const decision falsy = spec.run(w.cashier, set_cart_customer{customer_id{}});
  CHECK(single_event<events::cart_customer_detached>(falsy).cart_id == cart.value);
  CHECK_FALSE(spec.model.active_cart_of(w.cashier, w.central)->customer);
}

TEST_CASE("set_cart_customer rejections, in precedence order") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const customer_id unknown{777'777};
  CHECK_REJECTED(spec.when(w.owner, set_cart_customer{unknown}), actor_branch_required,
                 "User must be assigned to a branch");
  CHECK_REJECTED(spec.when(w.cashier, set_cart_customer{unknown}), no_active_cart,
                 "No active cart");
  CHECK_REJECTED(spec.when(w.cashier, set_cart_customer{std::nullopt}), no_active_cart,
                 "No active cart");
  spec.run(w.cashier, open_cart{});
  CHECK_REJECTED(spec.when(w.cashier, set_cart_customer{unknown}), customer_not_found,
                 "Customer not found");
}

// ------------------------------------------------------------------ check_out_cart (8.8)

TEST_CASE("check_out_cart: the contract's worked example, 2 x Pepsi paid 50000 in cash") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const cart_line_id line = added_line(spec.run(w.cashier, add_cart_line{w.pepsi, 2}));
  const cart_id cart = spec.model.active_cart_of(w.cashier, w.central)->id;
  const auto entities_before = spec.model.last_entity_number;
  const std::int64_t now = spec.now_us;

  check_out_cart terms = pay({cash(vnd(50000))});
  terms.notes = "khách quen";
  const decision d = spec.run(w.cashier, terms);

  REQUIRE(d.events.size() == 2);  // no customer: no loyalty
  const auto sale = std::get<events::sale_completed>(d.events[0]);
  const auto checked_out = std::get<events::cart_checked_out>(d.events[1]);
  CHECK(sale.sale_id == entities_before + 1);
  CHECK(sale.invoice_number == expected_document_number("INV", now, 1));
  CHECK(sale.cart_id == cart.value);
  CHECK(sale.branch_id == w.central.value);
  CHECK(sale.cashier_id == w.cashier.value);
  CHECK(sale.customer_id == 0);
  CHECK(sale.subtotal == vnd(20000));
  CHECK(sale.tax_amount == vnd(1600));
  CHECK(sale.discount_amount == 0);
  CHECK(sale.total_amount == vnd(21600));
  CHECK(sale.notes == "khách quen");
  CHECK(sale.return_deadline_us == now + limits::return_window_us);
  REQUIRE(sale.lines.size() == 1);
  const auto& sold = sale.lines[0];
  CHECK(sold.line_id() == entities_before + 2);
  CHECK(sold.line_id() != line.value);  // sale lines are new entities
  CHECK(sold.product_id() == w.pepsi.value);
  CHECK(sold.quantity() == 2);
  CHECK(sold.tax_rate() == 800);
  CHECK(sold.unit_price() == vnd(10000));
  CHECK(sold.cost_price() == vnd(5000));
  CHECK(sold.discount() == 0);
  CHECK(sold.subtotal() == vnd(20000));
  CHECK(sold.quantity_after() == 98);
  REQUIRE(sale.payments.size() == 1);
  CHECK(sale.payments[0]->payment_id == entities_before + 3);
  CHECK(sale.payments[0]->method == payment_method::CASH);
  CHECK(sale.payments[0]->amount == vnd(50000));
  CHECK(sale.payments[0]->change_due == vnd(28400));
  CHECK(checked_out.cart_id == cart.value);
  CHECK(checked_out.sale_id == sale.sale_id);
  CHECK(d.last_entity_number == entities_before + 3);

  CHECK(spec.model.stock_of(w.central, w.pepsi) == 98);
  CHECK(spec.model.active_cart_of(w.cashier, w.central) == nullptr);
  const sale_record& record = sale_of(spec, sale_id{sale.sale_id});
  CHECK(record.status == sale_status::COMPLETED);
  CHECK(record.total_amount == vnd(21600));
}

TEST_CASE("check_out_cart twice: the second finds the cart empty") {
  ledger_spec spec;
  auto w = spec.standard_world();
  spec.run(w.cashier, add_cart_line{w.pepsi, 2});
  spec.run(w.cashier, pay({cash(vnd(21600))}));
  CHECK_REJECTED(spec.when(w.cashier, pay({cash(vnd(21600))})), cart_empty, "Cart is empty");
  CHECK(spec.model.stock_of(w.central, w.pepsi) == 98);
  // The next cart operation opens a new cart.
  const decision next = spec.run(w.cashier, add_cart_line{w.pepsi, 1});
  CHECK(next.events.size() == 2);
  const auto invoice_counter =
      spec.model.document_counters[static_cast<std::size_t>(document_kind::invoice)];
  CHECK(invoice_counter == 1);
}

TEST_CASE("check_out_cart: body validation comes before the cart, in field order") {
  ledger_spec spec;
  auto w = spec.standard_world();
  // The owner has no branch and no cart: every rejection below is a body rule.
  CHECK_REJECTED(spec.when(w.owner, pay({}, -1)), amount_must_not_be_negative,
                 "discountAmount must not be less than 0");
  CHECK_REJECTED(spec.when(w.owner, pay({}, money::amount_max + 1)), amount_too_large,
                 "discountAmount must not be greater than 90071992547409.92");
  check_out_cart long_notes = pay({});
  long_notes.notes = too_long_text;
  CHECK_REJECTED(spec.when(w.owner, long_notes), text_too_long,
                 "notes must be shorter than or equal to 4000 characters");
  CHECK_REJECTED(spec.when(w.owner, pay({})), tenders_required,
                 "payments must contain at least 1 elements");
  CHECK_REJECTED(spec.when(w.owner, pay(std::vector<tender>(limits::tenders_max + 1, cash(1)))),
                 too_many_lines, "payments must contain no more than 20 elements");
  CHECK_REJECTED(spec.when(w.owner, pay({cash(1), bank(-1)})), amount_must_not_be_negative,
                 "payments.1.amount must not be less than 0");
  CHECK_REJECTED(spec.when(w.owner, pay({cash(money::amount_max + 1)})), amount_too_large,
                 "payments.0.amount must not be greater than 90071992547409.92");
  CHECK_REJECTED(spec.when(w.owner, pay({cash(1), tender{payment_method::BANK_TRANSFER, 1,
                                                         too_long_text}})),
                 text_too_long, "payments.1.reference must be shorter than or equal to 4000 characters");
  // Then the branch, then the cart.
  CHECK_REJECTED(spec.when(w.owner, pay({cash(1)})), actor_branch_required,
                 "User must be assigned to a branch");
  CHECK_REJECTED(spec.when(w.cashier, pay({cash(1)})), cart_empty, "Cart is empty");
  // Exactly tenders_max tenders are fine as far as validation goes.
  CHECK_REJECTED(spec.when(w.cashier, pay(std::vector<tender>(limits::tenders_max, cash(1)))),
                 cart_empty, "Cart is empty");
}

TEST_CASE("check_out_cart: a cart whose lines were all removed is empty") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const cart_line_id line = added_line(spec.run(w.cashier, add_cart_line{w.cola, 1}));
  spec.run(w.cashier, remove_cart_line{line});
  CHECK_REJECTED(spec.when(w.cashier, pay({cash(vnd(100000))})), cart_empty, "Cart is empty");
}

TEST_CASE("check_out_cart re-checks stock line by line, in cart order") {
  ledger_spec spec;
  auto w = spec.standard_world();
  spec.run(w.cashier, add_cart_line{w.oreo, 3});
  spec.run(w.cashier, add_cart_line{w.pepsi, 5});
  spec.run(w.cashier, add_cart_line{w.sting, 4});
  // Another cashier of the branch sells pepsi and sting first (stock is not reserved, 15.14).
  set_stock(spec, w.central, w.pepsi, 4);
  set_stock(spec, w.central, w.sting, 0);
  CHECK_REJECTED(spec.when(w.cashier, pay({cash(vnd(1000000))})), insufficient_stock,
                 "Insufficient stock for Pepsi 330ml. Available: 4, Requested: 5");
  // Stock checks come before the payment rules.
  CHECK_REJECTED(spec.when(w.cashier, pay({cash(0)})), insufficient_stock,
                 "Insufficient stock for Pepsi 330ml. Available: 4, Requested: 5");
  set_stock(spec, w.central, w.pepsi, 5);
  CHECK_REJECTED(spec.when(w.cashier, pay({cash(vnd(1000000))})), insufficient_stock,
                 "Insufficient stock for Sting Đỏ 330ml. Available: 0, Requested: 4");
  set_stock(spec, w.central, w.sting, 4);
  const decision d = spec.run(w.cashier, pay({cash(vnd(1000000))}));
  const auto sale = single_event<events::sale_completed>(d);
  REQUIRE(sale.lines.size() == 3);
  CHECK(sale.lines[0].product_id() == w.oreo.value);
  CHECK(sale.lines[0].quantity_after() == 97);
  CHECK(sale.lines[1].product_id() == w.pepsi.value);
  CHECK(sale.lines[1].quantity_after() == 0);
  CHECK(sale.lines[2].product_id() == w.sting.value);
  CHECK(sale.lines[2].quantity_after() == 0);
  CHECK(spec.model.stock_of(w.central, w.pepsi) == 0);
  CHECK(spec.model.stock_of(w.central, w.sting) == 0);
  // 15.8: the stock in the line's quantity_after never goes negative; other branches untouched.
  CHECK(spec.model.stock_of(w.hq, w.pepsi) == 100);
}

TEST_CASE("check_out_cart charges the frozen cart price with the current tax rate and cost") {
  ledger_spec spec;
  auto w = spec.standard_world();
  spec.run(w.cashier, add_cart_line{w.pepsi, 2});
  reprice(spec, w.pepsi, vnd(12000), 1000, vnd(5500));
  // The customer pays what the cart showed (15.15 fix), taxed at today's rate: 20000 + 10 %.
  const decision d = spec.run(w.cashier, pay({cash(vnd(22000))}));
  const auto sale = single_event<events::sale_completed>(d);
  REQUIRE(sale.lines.size() == 1);
  CHECK(sale.lines[0].unit_price() == vnd(10000));
  CHECK(sale.lines[0].tax_rate() == 1000);
  CHECK(sale.lines[0].cost_price() == vnd(5500));
  CHECK(sale.subtotal == vnd(20000));
  CHECK(sale.tax_amount == vnd(2000));
  CHECK(sale.total_amount == vnd(22000));
  CHECK(sale.payments[0]->change_due == 0);
}

TEST_CASE("check_out_cart still sells a product deactivated after it was put in the cart") {
  ledger_spec spec;
  auto w = spec.standard_world();
  spec.run(w.cashier, add_cart_line{w.oreo, 1});
  deactivate(spec, w.oreo);
  const auto sale =
      single_event<events::sale_completed>(spec.run(w.cashier, pay({cash(vnd(16200))})));
  CHECK(sale.total_amount == vnd(16200));
}

TEST_CASE("check_out_cart rounds the tax once for the whole sale") {
  ledger_spec spec;
  auto w = spec.standard_world();
  // Each line's exact tax is 1000.005 (10 % of 10000.05): per line that would round to
  // 1000.01 twice, once it is 2000.01.
  reprice(spec, w.cola, 1000005, 1000, vnd(5000));
  reprice(spec, w.pepsi, 1000005, 1000, vnd(5000));
  spec.run(w.cashier, add_cart_line{w.cola, 1});
  spec.run(w.cashier, add_cart_line{w.pepsi, 1});
  // Paying the rounded grand total exactly leaves no fractional change (15.16 fix).
  CHECK_REJECTED(spec.when(w.cashier, pay({cash(2200010)})), insufficient_payment,
                 "Insufficient payment. Total: 22000.11, Paid: 22000.1");
  const auto sale =
      single_event<events::sale_completed>(spec.run(w.cashier, pay({cash(2200011)})));
  CHECK(sale.subtotal == 2000010);
  CHECK(sale.tax_amount == 200001);
  CHECK(sale.total_amount == 2200011);
  CHECK(sale.lines[0].subtotal() == 1000005);
  CHECK(sale.lines[1].subtotal() == 1000005);
  CHECK(sale.payments[0]->change_due == 0);
}

TEST_CASE("check_out_cart: the 50 % discount cap, exactly at and just above") {
  ledger_spec spec;
  auto w = spec.standard_world();
  spec.run(w.cashier, add_cart_line{w.pepsi, 2});
  // The cap is checked before the payment rules.
  CHECK_REJECTED(spec.when(w.cashier, pay({cash(0)}, vnd(10800) + 1)), discount_exceeds_limit,
                 "Discount exceeds 50% limit. Discount: 10800.01, Total: 21600");
  const auto sale = single_event<events::sale_completed>(
      spec.run(w.cashier, pay({cash(vnd(10800))}, vnd(10800))));
  CHECK(sale.subtotal == vnd(20000));
  CHECK(sale.tax_amount == vnd(1600));
  CHECK(sale.discount_amount == vnd(10800));
  CHECK(sale.total_amount == vnd(10800));
}

TEST_CASE("check_out_cart: the payment rules in order, with the contract's messages") {
  ledger_spec spec;
  auto w = spec.standard_world();
  spec.run(w.cashier, add_cart_line{w.pepsi, 2});  // 21600 to pay
  const customer_id unknown{555'555};

  CHECK_REJECTED(spec.when(w.cashier, pay({cash(vnd(20000)), bank(vnd(1600) - 1)}, 0, unknown)),
                 insufficient_payment, "Insufficient payment. Total: 21600, Paid: 21599.99");
  CHECK_REJECTED(spec.when(w.cashier, pay({cash(vnd(21600)), bank(1)}, 0, unknown)),
                 non_cash_not_allowed_when_cash_covers_total,
                 "Non-cash payment is not allowed when cash payment already covers or exceeds "
                 "the grand total. Non-cash: 0.01, Remaining: 0");
  CHECK_REJECTED(spec.when(w.cashier, pay({wallet(vnd(1000)), cash(vnd(30000))})),
                 non_cash_not_allowed_when_cash_covers_total,
                 "Non-cash payment is not allowed when cash payment already covers or exceeds "
                 "the grand total. Non-cash: 1000, Remaining: -8400");
  CHECK_REJECTED(spec.when(w.cashier, pay({cash(vnd(10000)), bank(vnd(20000))}, 0, unknown)),
                 non_cash_exceeds_remaining,
                 "Non-cash payment exceeds remaining amount. Non-cash: 20000, Remaining: 11600");
  // The customer is checked last.
  CHECK_REJECTED(spec.when(w.cashier, pay({cash(vnd(21600))}, 0, unknown)),
                 referenced_record_not_found, "Referenced record does not exist");
  CHECK(spec.model.stock_of(w.central, w.pepsi) == 100);
}

TEST_CASE("check_out_cart: split tenders, non-cash covering exactly what cash leaves") {
  ledger_spec spec;
  auto w = spec.standard_world();
  spec.run(w.cashier, add_cart_line{w.pepsi, 2});
  const decision d =
      spec.run(w.cashier, pay({cash(vnd(10000)), bank(vnd(6600)), wallet(vnd(5000))}));
  const auto sale = single_event<events::sale_completed>(d);
  REQUIRE(sale.payments.size() == 3);
  CHECK(sale.payments[0]->method == payment_method::CASH);
  CHECK(sale.payments[1]->method == payment_method::BANK_TRANSFER);
  CHECK(sale.payments[1]->reference == "FT1");
  CHECK(sale.payments[2]->method == payment_method::E_WALLET);
  CHECK(sale.payments[2]->reference == "MOMO1");
  for (const auto& payment : sale.payments) CHECK(payment->change_due == 0);
  CHECK(sale.payments[0]->payment_id + 1 == sale.payments[1]->payment_id);
  CHECK(sale.payments[1]->payment_id + 1 == sale.payments[2]->payment_id);
  CHECK(d.last_entity_number == sale.payments[2]->payment_id);
}

TEST_CASE("check_out_cart: all change goes to the first cash tender") {
  ledger_spec spec;
  auto w = spec.standard_world();
  spec.run(w.cashier, add_cart_line{w.pepsi, 2});
  const auto sale = single_event<events::sale_completed>(
      spec.run(w.cashier, pay({cash(vnd(1000)), cash(vnd(50000))})));
  REQUIRE(sale.payments.size() == 2);
  CHECK(sale.payments[0]->change_due == vnd(29400));
  CHECK(sale.payments[1]->change_due == 0);
}

TEST_CASE("check_out_cart: the customer comes from the command, else from the cart") {
  ledger_spec spec;
  auto w = spec.standard_world();
  spec.run(w.cashier, add_cart_line{w.pepsi, 2});
  spec.run(w.cashier, set_cart_customer{w.an});
  const auto from_cart =
      single_event<events::sale_completed>(spec.run(w.cashier, pay({cash(vnd(21600))})));
  CHECK(from_cart.customer_id == w.an.value);

  spec.run(w.cashier, add_cart_line{w.pepsi, 2});
  spec.run(w.cashier, set_cart_customer{w.an});
  const auto overridden = single_event<events::sale_completed>(
      spec.run(w.cashier, pay({cash(vnd(21600))}, 0, w.binh)));
  CHECK(overridden.customer_id == w.binh.value);

  // A falsy customer id in the command does not override the cart's.
  spec.run(w.cashier, add_cart_line{w.pepsi, 2});
  spec.run(w.cashier, set_cart_customer{w.binh});
  const auto falsy = single_event<events::sale_completed>(
      spec.run(w.cashier, pay({cash(vnd(21600))}, 0, customer_id{})));
  CHECK(falsy.customer_id == w.binh.value);
}

TEST_CASE("check_out_cart earns loyalty points: a 250000 sale earns 2") {
  ledger_spec spec;
  auto w = spec.standard_world();
  spec.run(w.cashier, add_cart_line{w.pepsi, 25});  // 250000 + 20000 tax
  const decision d = spec.run(w.cashier, pay({cash(vnd(250000))}, vnd(20000), w.an));
  REQUIRE(d.events.size() == 3);
  const auto sale = std::get<events::sale_completed>(d.events[0]);
  CHECK(std::holds_alternative<events::cart_checked_out>(d.events[1]));
  const auto earned = std::get<events::loyalty_points_earned>(d.events[2]);
  CHECK(sale.total_amount == vnd(250000));
  CHECK(earned.customer_id == w.an.value);
  CHECK(earned.sale_id == sale.sale_id);
  CHECK(earned.points == 2);
  CHECK(earned.amount_spent == vnd(250000));
  CHECK(earned.reference == sale.invoice_number);
  const customer_record* an = spec.model.find(w.an);
  CHECK(an->total_points == 2);
  CHECK(an->total_spent == vnd(250000));
}

TEST_CASE("check_out_cart earns nothing below one point, without a customer or without a rule") {
  ledger_spec spec;
  auto w = spec.standard_world();
  SUBCASE("below one point: not even totalSpent moves") {
    spec.run(w.cashier, add_cart_line{w.pepsi, 9});  // 97200
    const decision d = spec.run(w.cashier, pay({cash(vnd(97200))}, 0, w.an));
    CHECK(events_of<events::loyalty_points_earned>(d).empty());
    CHECK(spec.model.find(w.an)->total_spent == 0);
  }
  SUBCASE("no customer") {
    spec.run(w.cashier, add_cart_line{w.pepsi, 50});
    const decision d = spec.run(w.cashier, pay({cash(vnd(540000))}));
    CHECK(events_of<events::loyalty_points_earned>(d).empty());
  }
  SUBCASE("no loyalty rule configured") {
    spec.model.loyalty = loyalty_rule{};  // a ledger that never set a rule
    spec.run(w.cashier, add_cart_line{w.pepsi, 50});
    const decision d = spec.run(w.cashier, pay({cash(vnd(540000))}, 0, w.an));
    CHECK(events_of<events::loyalty_points_earned>(d).empty());
  }
  SUBCASE("a free sale") {
    reprice(spec, w.pepsi, 0, 800, 0);
    spec.run(w.cashier, add_cart_line{w.pepsi, 1});
    const decision d = spec.run(w.cashier, pay({cash(0)}, 0, w.an));
    CHECK(single_event<events::sale_completed>(d).total_amount == 0);
    CHECK(events_of<events::loyalty_points_earned>(d).empty());
  }
}

TEST_CASE("check_out_cart refuses totals beyond the money range") {
  ledger_spec spec;
  auto w = spec.standard_world();
  reprice(spec, w.oreo, money::amount_max / 2, 800, 0);
  spec.run(w.cashier, add_cart_line{w.oreo, 3});
  CHECK_REJECTED(spec.when(w.cashier, pay({cash(money::amount_max)})), amount_too_large,
                 "totalAmount must not be greater than 90071992547409.92");
}

// ------------------------------------------------------------------ record_sale (native)

TEST_CASE("record_sale sells at current prices at the actor's branch, without cart events") {
  ledger_spec spec;
  auto w = spec.standard_world();
  // An open cart of the actor is left alone.
  spec.run(w.cashier, add_cart_line{w.cola, 1});
  reprice(spec, w.sting, vnd(13000), 800, vnd(6000));
  const auto entities_before = spec.model.last_entity_number;
  const std::int64_t now = spec.now_us;

  const decision d = spec.run(
      w.cashier, one_shot({{w.sting, 5}, {w.oreo, 1}}, {cash(vnd(100000))}, w.binh, vnd(200)));
  REQUIRE(d.events.size() == 1);  // 86200 in all: less than one point
  const auto sale = single_event<events::sale_completed>(d);
  CHECK(sale.sale_id == entities_before + 1);
  CHECK(sale.invoice_number == expected_document_number("INV", now, 1));
  CHECK(sale.cart_id == 0);
  CHECK(sale.branch_id == w.central.value);
  CHECK(sale.customer_id == w.binh.value);
  REQUIRE(sale.lines.size() == 2);
  CHECK(sale.lines[0].line_id() == entities_before + 2);
  CHECK(sale.lines[0].unit_price() == vnd(13000));
  CHECK(sale.lines[0].subtotal() == vnd(65000));
  CHECK(sale.lines[0].quantity_after() == 95);
  CHECK(sale.lines[1].line_id() == entities_before + 3);
  CHECK(sale.lines[1].unit_price() == vnd(15000));
  CHECK(sale.lines[1].quantity_after() == 99);
  CHECK(sale.subtotal == vnd(80000));
  CHECK(sale.tax_amount == vnd(6400));
  CHECK(sale.discount_amount == vnd(200));
  CHECK(sale.total_amount == vnd(86200));
  CHECK(sale.payments[0]->payment_id == entities_before + 4);
  CHECK(sale.payments[0]->change_due == vnd(13800));
  CHECK(spec.model.active_cart_of(w.cashier, w.central)->lines.size() == 1);
}

TEST_CASE("record_sale rejections, in precedence order") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const product_id unknown{999'999};
  CHECK_REJECTED(spec.when(w.owner, one_shot({}, {})), lines_required,
                 "lines must contain at least 1 elements");
  CHECK_REJECTED(spec.when(w.owner, one_shot(std::vector<sale_request_line>(
                                                 limits::document_lines_max + 1, {unknown, 0}),
                                             {})),
                 too_many_lines, "lines must contain no more than 500 elements");
  CHECK_REJECTED(spec.when(w.owner, one_shot({{unknown, 1}, {unknown, 0}}, {})),
                 quantity_must_be_positive, "lines.1.quantity must not be less than 1");
  CHECK_REJECTED(spec.when(w.owner, one_shot({{unknown, 1}}, {})), tenders_required,
                 "payments must contain at least 1 elements");
  CHECK_REJECTED(spec.when(w.owner, one_shot({{unknown, 1}}, {cash(1)}, std::nullopt, -5)),
                 amount_must_not_be_negative, "discountAmount must not be less than 0");
  CHECK_REJECTED(spec.when(w.owner, one_shot({{unknown, 1}}, {cash(1)})), actor_branch_required,
                 "User must be assigned to a branch");
  // Every product must exist and be active before duplicates are looked for.
  CHECK_REJECTED(spec.when(w.cashier, one_shot({{w.cola, 1}, {w.cola, 1}, {unknown, 1}},
                                               {cash(1)})),
                 product_not_found_or_inactive, "Product not found or inactive");
  deactivate(spec, w.oreo);
  CHECK_REJECTED(spec.when(w.cashier, one_shot({{w.cola, 1}, {w.oreo, 1}}, {cash(1)})),
                 product_not_found_or_inactive, "Product not found or inactive");
  CHECK_REJECTED(spec.when(w.cashier, one_shot({{w.cola, 1}, {w.pepsi, 2}, {w.cola, 3}},
                                               {cash(1)})),
                 duplicate_sale_line, "Product Coca Cola 330ml appears more than once in the sale");
  // Then the same selling rules as a checkout.
  CHECK_REJECTED(spec.when(w.cashier, one_shot({{w.cola, 101}}, {cash(1)})), insufficient_stock,
                 "Insufficient stock for Coca Cola 330ml. Available: 100, Requested: 101");
  CHECK_REJECTED(spec.when(w.cashier, one_shot({{w.cola, 2}}, {cash(0)}, std::nullopt,
                                               vnd(10800) + 1)),
                 discount_exceeds_limit,
                 "Discount exceeds 50% limit. Discount: 10800.01, Total: 21600");
  CHECK_REJECTED(spec.when(w.cashier, one_shot({{w.cola, 2}}, {cash(vnd(21599))})),
                 insufficient_payment, "Insufficient payment. Total: 21600, Paid: 21599");
  CHECK_REJECTED(spec.when(w.cashier, one_shot({{w.cola, 2}}, {cash(vnd(21600))},
                                               customer_id{123'456})),
                 referenced_record_not_found, "Referenced record does not exist");
}

TEST_CASE("record_sale earns loyalty points like a checkout") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const decision d = spec.run(w.manager, one_shot({{w.oreo, 20}}, {cash(vnd(324000))}, w.an));
  REQUIRE(d.events.size() == 2);
  const auto sale = std::get<events::sale_completed>(d.events[0]);
  const auto earned = std::get<events::loyalty_points_earned>(d.events[1]);
  CHECK(sale.total_amount == vnd(324000));
  CHECK(earned.points == 3);
  CHECK(earned.reference == sale.invoice_number);
  CHECK(spec.model.find(w.an)->total_points == 3);
}

// ------------------------------------------------------------------ return_sale (8.10)

TEST_CASE("return_sale: the contract's example, 2 of 5 units at 12000") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const sale_id sale = sell_by_cart(spec, w.cashier, {{w.sting, 5}}, pay({cash(vnd(64800))}));
  const sale_line_id line = sale_of(spec, sale).lines[0].id;
  const auto entities_before = spec.model.last_entity_number;
  const std::int64_t now = spec.now_us;

  const decision d = spec.run(w.manager, return_of(sale, {{line, 2, ""}}));
  REQUIRE(d.events.size() == 1);  // no customer: no loyalty
  const auto returned = single_event<events::sale_returned>(d);
  CHECK(returned.return_id == entities_before + 1);
  CHECK(returned.return_number == expected_document_number("RET", now, 1));
  CHECK(returned.sale_id == sale.value);
  CHECK(returned.branch_id == w.central.value);
  CHECK(returned.customer_id == 0);
  CHECK(returned.reason == "customer changed mind");
  CHECK(returned.total_refund == vnd(24000));
  CHECK(returned.sale_status_after == sale_status::COMPLETED);
  REQUIRE(returned.lines.size() == 1);
  CHECK(returned.lines[0]->sale_line_id == line.value);
  CHECK(returned.lines[0]->product_id == w.sting.value);
  CHECK(returned.lines[0]->quantity == 2);
  CHECK(returned.lines[0]->refund_amount == vnd(24000));
  CHECK(returned.lines[0]->condition == "GOOD");
  CHECK(returned.lines[0]->quantity_after == 97);
  CHECK(d.last_entity_number == entities_before + 1);
  CHECK(spec.model.stock_of(w.central, w.sting) == 97);
  CHECK(sale_of(spec, sale).lines[0].returned_quantity == 2);
  CHECK(sale_of(spec, sale).refunded_amount == vnd(24000));
}

TEST_CASE("return_sale: cumulative returns never exceed what was sold") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const sale_id sale = sell_by_cart(spec, w.cashier, {{w.sting, 5}}, pay({cash(vnd(64800))}));
  const sale_line_id line = sale_of(spec, sale).lines[0].id;

  spec.run(w.manager, return_of(sale, {{line, 3, "DAMAGED"}}));
  CHECK_REJECTED(spec.when(w.manager, return_of(sale, {{line, 3, ""}})), return_exceeds_remaining,
                 "Cannot return more than remaining. Item: Sting Đỏ 330ml, Sold: 5, Already "
                 "returned: 3, Requested: 3");
  const decision last = spec.run(w.manager, return_of(sale, {{line, 2, ""}}));
  CHECK(single_event<events::sale_returned>(last).sale_status_after == sale_status::RETURNED);
  CHECK(sale_of(spec, sale).status == sale_status::RETURNED);
  // A fully returned sale is not refused up front: the quantity rule refuses it.
  CHECK_REJECTED(spec.when(w.manager, return_of(sale, {{line, 1, ""}})), return_exceeds_remaining,
                 "Cannot return more than remaining. Item: Sting Đỏ 330ml, Sold: 5, Already "
                 "returned: 5, Requested: 1");
  // Damaged goods are restocked too (15.18): all five are back.
  CHECK(spec.model.stock_of(w.central, w.sting) == 100);
  CHECK(spec.model.document_counters[static_cast<std::size_t>(document_kind::sale_return)] == 2);
}

TEST_CASE("return_sale: RETURNED only once every unit of every line is back") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const sale_id sale =
      sell_by_cart(spec, w.cashier, {{w.cola, 2}, {w.oreo, 1}}, pay({cash(vnd(37800))}));
  const auto& lines = sale_of(spec, sale).lines;
  const sale_line_id cola = lines[0].id;
  const sale_line_id oreo = lines[1].id;

  const decision first = spec.run(w.manager, return_of(sale, {{cola, 2, ""}}));
  CHECK(single_event<events::sale_returned>(first).sale_status_after == sale_status::COMPLETED);
  const decision second = spec.run(w.manager, return_of(sale, {{oreo, 1, "OPENED"}}));
  const auto returned = single_event<events::sale_returned>(second);
  CHECK(returned.sale_status_after == sale_status::RETURNED);
  CHECK(returned.lines[0]->condition == "OPENED");
  CHECK(returned.total_refund == vnd(15000));
}

TEST_CASE("return_sale of several lines at once restocks each and sums the refund") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const sale_id sale = sell_by_cart(spec, w.cashier, {{w.cola, 4}, {w.sting, 2}},
                                    pay({cash(vnd(80000))}));
  const auto& lines = sale_of(spec, sale).lines;
  const decision d =
      spec.run(w.admin, return_of(sale, {{lines[1].id, 2, ""}, {lines[0].id, 1, ""}}));
  const auto returned = single_event<events::sale_returned>(d);
  REQUIRE(returned.lines.size() == 2);
  CHECK(returned.lines[0]->product_id == w.sting.value);
  CHECK(returned.lines[0]->quantity_after == 100);
  CHECK(returned.lines[1]->product_id == w.cola.value);
  CHECK(returned.lines[1]->quantity_after == 97);
  CHECK(returned.total_refund == vnd(34000));
  CHECK(returned.sale_status_after == sale_status::COMPLETED);
}

TEST_CASE("return_sale rejections, in precedence order") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const sale_id sale = sell_by_cart(spec, w.cashier, {{w.sting, 5}, {w.cola, 1}},
                                    pay({cash(vnd(100000))}));
  const sale_line_id sting = sale_of(spec, sale).lines[0].id;
  const sale_line_id cola = sale_of(spec, sale).lines[1].id;
  const sale_id other = sell_by_cart(spec, w.cashier, {{w.oreo, 1}}, pay({cash(vnd(16200))}));
  const sale_line_id other_line = sale_of(spec, other).lines[0].id;
  const sale_id unknown{888'888};

  // Body rules first.
  CHECK_REJECTED(spec.when(w.inventory, return_of(unknown, {{sting, 0, ""}}, too_long_text)),
                 text_too_long, "reason must be shorter than or equal to 4000 characters");
  CHECK_REJECTED(spec.when(w.inventory, return_of(unknown, {})), lines_required,
                 "items must contain at least 1 elements");
  CHECK_REJECTED(spec.when(w.inventory,
                           return_of(unknown, std::vector<return_line_request>(
                                                  limits::document_lines_max + 1, {sting, 1, ""}))),
                 too_many_lines, "items must contain no more than 500 elements");
  CHECK_REJECTED(spec.when(w.inventory, return_of(unknown, {{sting, 1, ""}, {sting, 0, ""}})),
                 quantity_must_be_positive, "items.1.quantity must not be less than 1");
  CHECK_REJECTED(spec.when(w.inventory, return_of(unknown, {{sting, -2, ""}})),
                 quantity_must_be_positive, "items.0.quantity must not be less than 1");
  CHECK_REJECTED(spec.when(w.inventory, return_of(unknown, {{sting, 1, too_long_text}})),
                 text_too_long, "items.0.condition must be shorter than or equal to 4000 characters");
  // Then the sale, the branch, its status and its deadline.
  CHECK_REJECTED(spec.when(w.inventory, return_of(unknown, {{sting, 1, ""}})), sale_not_found,
                 "Sale not found");
  CHECK_REJECTED(spec.when(w.inventory, return_of(sale, {{other_line, 1, ""}})),
                 sale_branch_access_denied, "You do not have access to sales from this branch");
  // Then the lines, in request order.
  const std::string other_uuid = spec.model.uuid(entity_kind::sale_line, other_line);
  CHECK_REJECTED(spec.when(w.manager, return_of(sale, {{other_line, 1, ""}, {sting, 1, ""}})),
                 sale_item_not_found, fmt::format("Sale item {} not found", other_uuid));
  CHECK_REJECTED(spec.when(w.manager, return_of(sale, {{sting, 9, ""}, {other_line, 1, ""}})),
                 return_exceeds_remaining,
                 "Cannot return more than remaining. Item: Sting Đỏ 330ml, Sold: 5, Already "
                 "returned: 0, Requested: 9");
  CHECK_REJECTED(spec.when(w.manager, return_of(sale, {{sting, 1, ""}, {cola, 1, ""},
                                                       {sting, 1, ""}})),
                 duplicate_return_line,
                 fmt::format("Sale item {} appears more than once in the return",
                             spec.model.uuid(entity_kind::sale_line, sting)));
  CHECK_REJECTED(spec.when(w.manager, return_of(sale, {{sale_line_id{}, 1, ""}})),
                 sale_item_not_found,
                 fmt::format("Sale item {} not found",
                             spec.model.uuid(entity_kind::sale_line, sale_line_id{})));
  CHECK(spec.model.stock_of(w.central, w.sting) == 95);
}

TEST_CASE("return_sale: the branch access rule") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const sale_id sale = sell_by_cart(spec, w.cashier, {{w.sting, 5}}, pay({cash(vnd(64800))}));
  const sale_line_id line = sale_of(spec, sale).lines[0].id;
  // Another branch's staff may not; a SUPER_ADMIN of another branch and the branchless OWNER may;
  // staff of the sale's branch may (roles are the API's concern).
  CHECK_REJECTED(spec.when(w.inventory, return_of(sale, {{line, 1, ""}})),
                 sale_branch_access_denied, "You do not have access to sales from this branch");
  spec.run(w.admin, return_of(sale, {{line, 1, ""}}));
  spec.run(w.owner, return_of(sale, {{line, 1, ""}}));
  spec.run(w.manager, return_of(sale, {{line, 1, ""}}));
  spec.run(w.cashier2, return_of(sale, {{line, 1, ""}}));
  CHECK(sale_of(spec, sale).lines[0].returned_quantity == 4);
}

TEST_CASE("return_sale: a cancelled sale cannot be returned, even within the window") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const sale_id sale = sell_by_cart(spec, w.cashier, {{w.sting, 5}}, pay({cash(vnd(64800))}));
  const sale_line_id line = sale_of(spec, sale).lines[0].id;
  spec.run(w.manager, cancel_sale{sale, "wrong items"});
  CHECK_REJECTED(spec.when(w.manager, return_of(sale, {{line, 1, ""}})),
                 cancelled_sale_cannot_be_returned, "Cannot return a cancelled invoice");
  // The cancelled check comes before the deadline.
  spec.now_us += limits::return_window_us * 2;
  CHECK_REJECTED(spec.when(w.manager, return_of(sale, {{line, 1, ""}})),
                 cancelled_sale_cannot_be_returned, "Cannot return a cancelled invoice");
}

TEST_CASE("return_sale: the 7-day window is exact, its last microsecond included") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const std::int64_t sold_at = spec.now_us;
  const sale_id sale = sell_by_cart(spec, w.cashier, {{w.sting, 5}}, pay({cash(vnd(64800))}));
  const sale_line_id line = sale_of(spec, sale).lines[0].id;
  // sell_by_cart applied events after the checkout decision: find the decided deadline.
  const std::int64_t deadline = sale_of(spec, sale).return_deadline_us;
  CHECK(deadline > sold_at);
  CHECK(deadline < sold_at + limits::return_window_us + 10'000);

  spec.now_us = deadline + 1;
  // Line rules are not reached once the period is over.
  CHECK_REJECTED(spec.when(w.manager, return_of(sale, {{line, 99, ""}})), return_period_expired,
                 "Return period has expired (7 days)");
  spec.now_us = deadline;
  spec.run(w.manager, return_of(sale, {{line, 1, ""}}));
}

TEST_CASE("return_sale takes loyalty points back, never below zero") {
  ledger_spec spec;
  auto w = spec.standard_world();
  // 25 Pepsi, half off: the customer pays 135000 (1 point) but unit prices refund 10000 each.
  const sale_id sale = sell_by_cart(spec, w.cashier, {{w.pepsi, 25}},
                                    pay({cash(vnd(135000))}, vnd(135000), w.an));
  const sale_line_id line = sale_of(spec, sale).lines[0].id;
  CHECK(spec.model.find(w.an)->total_points == 1);

  const decision first = spec.run(w.manager, return_of(sale, {{line, 10, ""}}));
  REQUIRE(first.events.size() == 2);
  const auto returned = std::get<events::sale_returned>(first.events[0]);
  const auto deducted = std::get<events::loyalty_points_deducted>(first.events[1]);
  CHECK(returned.customer_id == w.an.value);
  CHECK(returned.total_refund == vnd(100000));
  CHECK(deducted.customer_id == w.an.value);
  CHECK(deducted.sale_id == sale.value);
  CHECK(deducted.return_id == returned.return_id);
  CHECK(deducted.points == 1);
  CHECK(deducted.points_computed == 1);
  CHECK(deducted.reason == events::loyalty_deduction_reason::sale_returned);
  CHECK(deducted.reference == returned.return_number);
  CHECK(spec.model.find(w.an)->total_points == 0);
  CHECK(spec.model.find(w.an)->total_spent == vnd(135000));  // never reduced

  // 150000 back is worth 1 point, but the balance is already 0: the deduction is recorded at 0.
  const decision second = spec.run(w.manager, return_of(sale, {{line, 15, ""}}));
  const auto none_left = single_event<events::loyalty_points_deducted>(second);
  CHECK(none_left.points_computed == 1);
  CHECK(none_left.points == 0);
  CHECK(spec.model.find(w.an)->total_points == 0);
}

TEST_CASE("return_sale deducts nothing below one point or without a customer") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const sale_id with_customer = sell_by_cart(spec, w.cashier, {{w.pepsi, 25}},
                                             pay({cash(vnd(270000))}, 0, w.an));
  CHECK(spec.model.find(w.an)->total_points == 2);
  const sale_line_id line = sale_of(spec, with_customer).lines[0].id;
  const decision small = spec.run(w.manager, return_of(with_customer, {{line, 9, ""}}));
  CHECK(events_of<events::loyalty_points_deducted>(small).empty());
  CHECK(spec.model.find(w.an)->total_points == 2);

  const sale_id anonymous =
      sell_by_cart(spec, w.cashier, {{w.pepsi, 25}}, pay({cash(vnd(270000))}));
  const sale_line_id anonymous_line = sale_of(spec, anonymous).lines[0].id;
  const decision d = spec.run(w.manager, return_of(anonymous, {{anonymous_line, 25, ""}}));
  CHECK(d.events.size() == 1);
}

// ------------------------------------------------------------------ cancel_sale (8.11)

TEST_CASE("cancel_sale restocks every line at the sale's branch") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const sale_id sale =
      sell_by_cart(spec, w.cashier, {{w.pepsi, 2}, {w.oreo, 3}}, pay({cash(vnd(70200))}));
  const auto lines = sale_of(spec, sale).lines;
  const auto entities_before = spec.model.last_entity_number;

  const decision d = spec.run(w.manager, cancel_sale{sale, "nhập sai"});
  REQUIRE(d.events.size() == 1);
  const auto cancelled = single_event<events::sale_cancelled>(d);
  CHECK(cancelled.sale_id == sale.value);
  CHECK(cancelled.branch_id == w.central.value);
  CHECK(cancelled.reason == "nhập sai");
  REQUIRE(cancelled.lines.size() == 2);
  CHECK(cancelled.lines[0].sale_line_id() == lines[0].id.value);
  CHECK(cancelled.lines[0].product_id() == w.pepsi.value);
  CHECK(cancelled.lines[0].quantity() == 2);
  CHECK(cancelled.lines[0].quantity_after() == 100);
  CHECK(cancelled.lines[1].product_id() == w.oreo.value);
  CHECK(cancelled.lines[1].quantity() == 3);
  CHECK(cancelled.lines[1].quantity_after() == 100);
  CHECK(d.last_entity_number == entities_before);
  CHECK(sale_of(spec, sale).status == sale_status::CANCELLED);
}

TEST_CASE("cancel_sale after a partial return restocks only the rest") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const sale_id sale = sell_by_cart(spec, w.cashier, {{w.sting, 5}, {w.cola, 2}, {w.oreo, 1}},
                                    pay({cash(vnd(102600))}));
  const auto lines = sale_of(spec, sale).lines;
  spec.run(w.manager, return_of(sale, {{lines[0].id, 2, ""}, {lines[1].id, 2, ""}}));
  CHECK(spec.model.stock_of(w.central, w.sting) == 97);

  // No time limit on cancelling.
  spec.now_us += limits::return_window_us * 4;
  const decision d = spec.run(w.admin, cancel_sale{sale, "void"});
  const auto cancelled = single_event<events::sale_cancelled>(d);
  REQUIRE(cancelled.lines.size() == 2);  // the fully returned cola line is skipped
  CHECK(cancelled.lines[0].sale_line_id() == lines[0].id.value);
  CHECK(cancelled.lines[0].quantity() == 3);
  CHECK(cancelled.lines[0].quantity_after() == 100);
  CHECK(cancelled.lines[1].sale_line_id() == lines[2].id.value);
  CHECK(cancelled.lines[1].quantity() == 1);
  CHECK(spec.model.stock_of(w.central, w.sting) == 100);
  CHECK(spec.model.stock_of(w.central, w.cola) == 100);
  CHECK(spec.model.stock_of(w.central, w.oreo) == 100);
}

TEST_CASE("cancel_sale rejections, in precedence order") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const sale_id sale = sell_by_cart(spec, w.cashier, {{w.sting, 1}}, pay({cash(vnd(12960))}));
  const sale_id unknown{888'888};
  CHECK_REJECTED(spec.when(w.inventory, cancel_sale{unknown, too_long_text}), text_too_long,
                 "reason must be shorter than or equal to 4000 characters");
  CHECK_REJECTED(spec.when(w.inventory, cancel_sale{unknown, "x"}), sale_not_found,
                 "Sale not found");
  CHECK_REJECTED(spec.when(w.inventory, cancel_sale{sale, "x"}), sale_branch_access_denied,
                 "You do not have access to sales from this branch");
  spec.run(w.owner, cancel_sale{sale, "x"});
  CHECK_REJECTED(spec.when(w.inventory, cancel_sale{sale, "x"}), sale_branch_access_denied,
                 "You do not have access to sales from this branch");
  CHECK_REJECTED(spec.when(w.manager, cancel_sale{sale, "again"}), sale_already_cancelled,
                 "Invoice already cancelled");
  // Cancelling twice never restocks twice.
  CHECK(spec.model.stock_of(w.central, w.sting) == 100);

  const sale_id returned = sell_by_cart(spec, w.cashier, {{w.sting, 1}}, pay({cash(vnd(12960))}));
  spec.run(w.manager, return_of(returned, {{sale_of(spec, returned).lines[0].id, 1, ""}}));
  CHECK_REJECTED(spec.when(w.manager, cancel_sale{returned, "x"}),
                 fully_returned_sale_cannot_be_cancelled,
                 "Cannot cancel an invoice that has been fully returned");
}

TEST_CASE("cancel_sale takes back the points of what was not refunded") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const sale_id sale =
      sell_by_cart(spec, w.cashier, {{w.pepsi, 25}}, pay({cash(vnd(270000))}, 0, w.an));
  CHECK(spec.model.find(w.an)->total_points == 2);
  spec.run(w.manager, return_of(sale, {{sale_of(spec, sale).lines[0].id, 10, ""}}));
  CHECK(spec.model.find(w.an)->total_points == 1);

  // 270000 - 100000 refunded = 170000 -> 1 point.
  const decision d = spec.run(w.manager, cancel_sale{sale, "void"});
  REQUIRE(d.events.size() == 2);
  const auto deducted = std::get<events::loyalty_points_deducted>(d.events[1]);
  CHECK(deducted.customer_id == w.an.value);
  CHECK(deducted.sale_id == sale.value);
  CHECK(deducted.return_id == 0);
  CHECK(deducted.points == 1);
  CHECK(deducted.points_computed == 1);
  CHECK(deducted.reason == events::loyalty_deduction_reason::sale_cancelled);
  CHECK(deducted.reference == "CANCEL-" + sale_of(spec, sale).invoice_number);
  CHECK(spec.model.find(w.an)->total_points == 0);
}

TEST_CASE("cancel_sale never takes the balance below zero") {
  ledger_spec spec;
  auto w = spec.standard_world();
  // Sale A earns 2 points (270000). Sale B is half off: 135000 paid earns 1 point, but its
  // full return refunds unit prices, 250000, worth 2 points. That leaves 1 point for A's
  // cancellation, which is worth 2.
  const sale_id a =
      sell_by_cart(spec, w.cashier, {{w.pepsi, 25}}, pay({cash(vnd(270000))}, 0, w.binh));
  const sale_id b = sell_by_cart(spec, w.cashier, {{w.pepsi, 25}},
                                 pay({cash(vnd(135000))}, vnd(135000), w.binh));
  CHECK(spec.model.find(w.binh)->total_points == 3);
  spec.run(w.manager, return_of(b, {{sale_of(spec, b).lines[0].id, 25, ""}}));
  CHECK(spec.model.find(w.binh)->total_points == 1);

  const decision d = spec.run(w.manager, cancel_sale{a, "void"});
  const auto deducted = single_event<events::loyalty_points_deducted>(d);
  CHECK(deducted.points_computed == 2);
  CHECK(deducted.points == 1);
  CHECK(spec.model.find(w.binh)->total_points == 0);
}

}  // TEST_SUITE
}  // namespace ledger::testing
