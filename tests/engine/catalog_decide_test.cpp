// Decider specs for categories, products, suppliers, customers and the loyalty rule
// (engine/decide_catalog.cpp; api-contract sections 6.3 to 6.6 and 8.14).
//
// Method: given the standard world (tests/support/spec.h: two categories, four products, two
// customers, one supplier, all made through the real decide + evolve), when one command is
// decided, then either the exact events it emits (every field) or the exact rejection code and
// contract message. Every rejection of every command is covered, and where a command has
// several, a case breaks two rules at once to pin the precedence (the earlier rule must win).
#include <doctest/doctest.h>

#include <string>

#include "engine/limits.h"
#include "events/money.h"
#include "tests/support/spec.h"

namespace ledger::testing {
namespace {

const std::string too_long(limits::text_bytes_max + 1, 'x');
const std::string longest(limits::text_bytes_max, 'x');
const category_id unknown_category{999'999};

// A valid new product in `category` that collides with nothing in the standard world.
create_product new_product(category_id category) {
  create_product c;
  c.sku = "SKU004";
  c.barcode = "8934567890126";
  c.name = "Nước suối Lavie 500ml";
  c.description = "Chai nhựa";
  c.unit = "chai";
  c.cost_price = 300000;
  c.selling_price = 600000;
  c.min_stock = 100;
  c.tax_rate = 1000;
  c.category = category;
  return c;
}

}  // namespace

TEST_SUITE("engine/catalog") {

// ------------------------------------------------------------------ categories

TEST_CASE("create_category: emits the category with the next entity number") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const std::uint64_t next = spec.model.last_entity_number + 1;
  const decision d = spec.run(w.manager, create_category{"Sữa", "Sữa tươi, sữa chua"});
  const auto e = single_event<events::category_created>(d);
  CHECK(e.category_id == next);
  CHECK(e.name == "Sữa");
  CHECK(e.description == "Sữa tươi, sữa chua");
  CHECK(d.last_entity_number == next);
  // Names are compared exactly: another letter case is another name.
  CHECK(spec.when(w.admin, create_category{"đồ uống", ""}).accepted());
  CHECK(spec.when(w.admin, create_category{"X", longest}).accepted());
}

TEST_CASE("create_category: rejections in precedence order") {
  ledger_spec spec;
  auto w = spec.standard_world();
  CHECK_REJECTED(spec.when(w.admin, create_category{"", too_long}), value_required,
                 "name should not be empty");
  CHECK_REJECTED(spec.when(w.admin, create_category{"Đồ uống", too_long}), text_too_long,
                 "description must be shorter than or equal to 4000 characters");
  CHECK_REJECTED(spec.when(w.admin, create_category{"Đồ uống", ""}), category_name_already_exists,
                 "Category name already exists");
}

TEST_CASE("update_category: the event carries the full new values") {
  ledger_spec spec;
  auto w = spec.standard_world();
  spec.run(w.admin, update_category{w.snacks, std::nullopt, std::string{"Bánh, kẹo"}});
  SUBCASE("a new name keeps the description") {
    const decision d = spec.run(w.admin, update_category{w.snacks, std::string{"Snack"}, {}});
    const auto e = single_event<events::category_updated>(d);
    CHECK(e.category_id == w.snacks.value);
    CHECK(e.name == "Snack");
    CHECK(e.description == "Bánh, kẹo");
    CHECK(spec.model.category_by_name.at("Snack") == w.snacks);
  }
  SUBCASE("the own name is no conflict; an empty description clears it") {
    const decision d =
        spec.run(w.admin, update_category{w.snacks, std::string{"Bánh kẹo"}, std::string{}});
    const auto e = single_event<events::category_updated>(d);
    CHECK(e.name == "Bánh kẹo");
    CHECK(e.description.empty());
  }
}

TEST_CASE("update_category: rejections in precedence order") {
  ledger_spec spec;
  auto w = spec.standard_world();
  CHECK_REJECTED(spec.when(w.admin, update_category{unknown_category, std::string{}, {}}),
                 value_required, "name should not be empty");
  CHECK_REJECTED(
      spec.when(w.admin, update_category{unknown_category, std::string{"Đồ uống"}, too_long}),
      text_too_long, "description must be shorter than or equal to 4000 characters");
  CHECK_REJECTED(
      spec.when(w.admin, update_category{unknown_category, std::string{"Đồ uống"}, {}}),
      category_not_found, "Category not found");
  CHECK_REJECTED(spec.when(w.admin, update_category{w.snacks, std::string{"Đồ uống"}, {}}),
                 category_name_already_exists, "Category name already exists");
}

TEST_CASE("delete_category: only an empty category, active or inactive products counted") {
  ledger_spec spec;
  auto w = spec.standard_world();
  SUBCASE("a category with products") {
    CHECK_REJECTED(spec.when(w.admin, delete_category{w.snacks}), category_has_products,
                   "Cannot delete category with existing products. Disable it instead.");
    spec.run(w.admin, toggle_product_active{w.oreo});
    CHECK_REJECTED(spec.when(w.admin, delete_category{w.snacks}), category_has_products,
                   "Cannot delete category with existing products. Disable it instead.");
  }
  SUBCASE("once its last product moved away, it can be deleted (once)") {
    update_product move;
    move.product = w.oreo;
    move.category = w.drinks;
    spec.run(w.admin, move);
    const decision d = spec.run(w.admin, delete_category{w.snacks});
    CHECK(single_event<events::category_deleted>(d).category_id == w.snacks.value);
    CHECK(d.last_entity_number == spec.model.last_entity_number);
    CHECK(spec.model.find(w.snacks) == nullptr);
    CHECK_REJECTED(spec.when(w.admin, delete_category{w.snacks}), category_not_found,
                   "Category not found");
  }
  SUBCASE("an unknown category") {
    CHECK_REJECTED(spec.when(w.admin, delete_category{unknown_category}), category_not_found,
                   "Category not found");
  }
}

// ------------------------------------------------------------------ products

TEST_CASE("create_product: emits every given value") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const std::uint64_t next = spec.model.last_entity_number + 1;
  const decision d = spec.run(w.inventory, new_product(w.drinks));
  const auto e = single_event<events::product_created>(d);
  CHECK(e.product_id == next);
  CHECK(e.sku == "SKU004");
  CHECK(e.barcode == "8934567890126");
  CHECK(e.name == "Nước suối Lavie 500ml");
  CHECK(e.description == "Chai nhựa");
  CHECK(e.unit == "chai");
  CHECK(e.cost_price == 300000);
  CHECK(e.selling_price == 600000);
  CHECK(e.min_stock == 100);
  CHECK(e.tax_rate == 1000);
  CHECK(e.category_id == w.drinks.value);
  CHECK(d.last_entity_number == next);
  CHECK(spec.model.find(w.drinks)->product_count == 4);
}

TEST_CASE("create_product: defaults and edge values") {
  ledger_spec spec;
  auto w = spec.standard_world();
  SUBCASE("no unit means \"cái\", no tax rate means 8 %") {
    create_product c = new_product(w.snacks);
    c.unit = "";
    c.tax_rate = std::nullopt;
    const auto e = single_event<events::product_created>(spec.run(w.admin, c));
    CHECK(e.unit == "cái");
    CHECK(e.tax_rate == 800);
  }
  SUBCASE("zero prices, zero minimum stock and a zero tax rate are kept") {
    create_product c = new_product(w.snacks);
    c.cost_price = 0;
    c.selling_price = 0;
    c.min_stock = 0;
    c.tax_rate = 0u;
    const auto e = single_event<events::product_created>(spec.run(w.admin, c));
    CHECK(e.cost_price == 0);
    CHECK(e.selling_price == 0);
    CHECK(e.min_stock == 0);
    CHECK(e.tax_rate == 0);
  }
  SUBCASE("the largest price and tax rate; selling below cost is allowed") {
    create_product c = new_product(w.snacks);
    c.cost_price = money::amount_max;
    c.selling_price = 1;
    c.tax_rate = limits::tax_rate_max;
    const auto e = single_event<events::product_created>(spec.run(w.admin, c));
    CHECK(e.cost_price == money::amount_max);
    CHECK(e.tax_rate == limits::tax_rate_max);
  }
}

TEST_CASE("create_product: validation rejections in precedence order") {
  ledger_spec spec;
  auto w = spec.standard_world();
  // Every case also carries a taken SKU and a missing category: validation (400) comes first.
  auto broken = [&] {
    create_product c = new_product(unknown_category);
    c.sku = "SKU001";
    return c;
  };
  SUBCASE("empty sku") {
    create_product c = broken();
    c.sku = "";
    c.barcode = "";
    CHECK_REJECTED(spec.when(w.admin, c), value_required, "sku should not be empty");
  }
  SUBCASE("empty barcode") {
    create_product c = broken();
    c.barcode = "";
    c.name = "";
    CHECK_REJECTED(spec.when(w.admin, c), value_required, "barcode should not be empty");
  }
  SUBCASE("empty name") {
    create_product c = broken();
    c.name = "";
    c.cost_price = -1;
    CHECK_REJECTED(spec.when(w.admin, c), value_required, "name should not be empty");
  }
  SUBCASE("description over the limit") {
    create_product c = broken();
    c.description = too_long;
    c.unit = too_long;
    CHECK_REJECTED(spec.when(w.admin, c), text_too_long,
                   "description must be shorter than or equal to 4000 characters");
  }
  SUBCASE("unit over the limit") {
    create_product c = broken();
    c.unit = too_long;
    c.cost_price = -1;
    CHECK_REJECTED(spec.when(w.admin, c), text_too_long,
                   "unit must be shorter than or equal to 4000 characters");
  }
  SUBCASE("negative cost price") {
    create_product c = broken();
    c.cost_price = -1;
    c.selling_price = -1;
    CHECK_REJECTED(spec.when(w.admin, c), amount_must_not_be_negative,
                   "costPrice must not be less than 0");
  }
  SUBCASE("cost price too large") {
    create_product c = broken();
    c.cost_price = money::amount_max + 1;
    c.selling_price = -1;
    CHECK_REJECTED(spec.when(w.admin, c), amount_too_large,
                   "costPrice must not be greater than 90071992547409.92");
  }
  SUBCASE("negative selling price") {
    create_product c = broken();
    c.selling_price = -1;
    c.min_stock = -1;
    CHECK_REJECTED(spec.when(w.admin, c), amount_must_not_be_negative,
                   "sellingPrice must not be less than 0");
  }
  SUBCASE("negative minimum stock") {
    create_product c = broken();
    c.min_stock = -1;
    c.tax_rate = limits::tax_rate_max + 1;
    CHECK_REJECTED(spec.when(w.admin, c), quantity_must_not_be_negative,
                   "minStock must not be less than 0");
  }
  SUBCASE("tax rate too large") {
    create_product c = broken();
    c.tax_rate = limits::tax_rate_max + 1;
    CHECK_REJECTED(spec.when(w.admin, c), amount_too_large,
                   "taxRate must not be greater than 999.99");
  }
}

TEST_CASE("create_product: SKU, then barcode, then category") {
  ledger_spec spec;
  auto w = spec.standard_world();
  create_product c = new_product(unknown_category);
  c.sku = "SKU001";
  c.barcode = "8934567890123";
  CHECK_REJECTED(spec.when(w.admin, c), sku_already_exists, "SKU already exists");
  c.sku = "SKU099";
  CHECK_REJECTED(spec.when(w.admin, c), barcode_already_exists, "Barcode already exists");
  c.barcode = "0000000000000";
  CHECK_REJECTED(spec.when(w.admin, c), category_not_found, "Category not found");
}

TEST_CASE("update_product: the event carries the full new values") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const product_record before = *spec.model.find(w.cola);
  SUBCASE("nothing given keeps everything") {
    update_product c;
    c.product = w.cola;
    const auto e = single_event<events::product_updated>(spec.run(w.manager, c));
    CHECK(e.product_id == w.cola.value);
    CHECK(e.sku == before.sku);
    CHECK(e.barcode == before.barcode);
    CHECK(e.name == before.name);
    CHECK(e.description == before.description);
    CHECK(e.unit == before.unit);
    CHECK(e.cost_price == before.cost_price);
    CHECK(e.selling_price == before.selling_price);
    CHECK(e.min_stock == before.min_stock);
    CHECK(e.tax_rate == before.tax_rate);
    CHECK(e.category_id == before.category.value);
  }
  SUBCASE("every given field is written; the own SKU and barcode are no conflict") {
    update_product c;
    c.product = w.cola;
    c.sku = "SKU001";
    c.barcode = "8934567890123";
    c.name = "Coca Cola 390ml";
    c.description = "Lon";
    c.unit = "chai";
    c.cost_price = 550000;
    c.selling_price = 1100000;
    c.min_stock = 0;
    c.tax_rate = 0u;
    c.category = w.snacks;
    const auto e = single_event<events::product_updated>(spec.run(w.manager, c));
    CHECK(e.sku == "SKU001");
    CHECK(e.barcode == "8934567890123");
    CHECK(e.name == "Coca Cola 390ml");
    CHECK(e.description == "Lon");
    CHECK(e.unit == "chai");
    CHECK(e.cost_price == 550000);
    CHECK(e.selling_price == 1100000);
    CHECK(e.min_stock == 0);
    CHECK(e.tax_rate == 0);
    CHECK(e.category_id == w.snacks.value);
    CHECK(spec.model.find(w.drinks)->product_count == 2);
    CHECK(spec.model.find(w.snacks)->product_count == 2);
  }
  SUBCASE("an empty description clears it; an empty unit means \"cái\"") {
    update_product set;
    set.product = w.cola;
    set.description = "Lon";
    spec.run(w.manager, set);
    update_product c;
    c.product = w.cola;
    c.description = "";
    c.unit = "";
    const auto e = single_event<events::product_updated>(spec.run(w.manager, c));
    CHECK(e.description.empty());
    CHECK(e.unit == "cái");
  }
  SUBCASE("a free SKU and barcode re-key the product") {
    update_product c;
    c.product = w.cola;
    c.sku = "SKU101";
    c.barcode = "1111111111111";
    spec.run(w.manager, c);
    CHECK(spec.model.product_by_sku.at("SKU101") == w.cola);
    CHECK(spec.model.product_by_barcode.at("1111111111111") == w.cola);
    CHECK_FALSE(spec.model.product_by_sku.contains("SKU001"));
  }
}

TEST_CASE("update_product: rejections in precedence order") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const product_id unknown{999'999};
  auto with_everything_wrong = [&](product_id product) {
    update_product c;
    c.product = product;
    c.sku = "SKU002";              // pepsi's
    c.barcode = "8934567890125";   // sting's
    c.category = unknown_category;
    return c;
  };
  SUBCASE("empty given sku, before not found") {
    update_product c = with_everything_wrong(unknown);
    c.sku = "";
    CHECK_REJECTED(spec.when(w.admin, c), value_required, "sku should not be empty");
  }
  SUBCASE("empty given barcode") {
    update_product c = with_everything_wrong(unknown);
    c.barcode = "";
    CHECK_REJECTED(spec.when(w.admin, c), value_required, "barcode should not be empty");
  }
  SUBCASE("empty given name") {
    update_product c = with_everything_wrong(unknown);
    c.name = "";
    CHECK_REJECTED(spec.when(w.admin, c), value_required, "name should not be empty");
  }
  SUBCASE("unit over the limit") {
    update_product c = with_everything_wrong(unknown);
    c.unit = too_long;
    CHECK_REJECTED(spec.when(w.admin, c), text_too_long,
                   "unit must be shorter than or equal to 4000 characters");
  }
  SUBCASE("negative cost price") {
    update_product c = with_everything_wrong(unknown);
    c.cost_price = -1;
    CHECK_REJECTED(spec.when(w.admin, c), amount_must_not_be_negative,
                   "costPrice must not be less than 0");
  }
  SUBCASE("negative selling price") {
    update_product c = with_everything_wrong(unknown);
    c.selling_price = -100;
    CHECK_REJECTED(spec.when(w.admin, c), amount_must_not_be_negative,
                   "sellingPrice must not be less than 0");
  }
  SUBCASE("negative minimum stock") {
    update_product c = with_everything_wrong(unknown);
    c.min_stock = -1;
    CHECK_REJECTED(spec.when(w.admin, c), quantity_must_not_be_negative,
                   "minStock must not be less than 0");
  }
  SUBCASE("tax rate too large") {
    update_product c = with_everything_wrong(unknown);
    c.tax_rate = limits::tax_rate_max + 1;
    CHECK_REJECTED(spec.when(w.admin, c), amount_too_large,
                   "taxRate must not be greater than 999.99");
  }
  SUBCASE("an unknown product, before the SKU") {
    CHECK_REJECTED(spec.when(w.admin, with_everything_wrong(unknown)), product_not_found,
                   "Product not found");
  }
  SUBCASE("a SKU of another product, before the barcode") {
    CHECK_REJECTED(spec.when(w.admin, with_everything_wrong(w.cola)), sku_already_exists,
                   "SKU already exists");
  }
  SUBCASE("a barcode of another product, before the category") {
    update_product c = with_everything_wrong(w.cola);
    c.sku.reset();
    CHECK_REJECTED(spec.when(w.admin, c), barcode_already_exists, "Barcode already exists");
  }
  SUBCASE("an unknown category") {
    update_product c = with_everything_wrong(w.cola);
    c.sku.reset();
    c.barcode.reset();
    CHECK_REJECTED(spec.when(w.admin, c), category_not_found, "Category not found");
  }
}

TEST_CASE("toggle_product_active: flips the flag both ways; unknown product is not found") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const auto off = single_event<events::product_activation_changed>(
      spec.run(w.manager, toggle_product_active{w.sting}));
  CHECK(off.product_id == w.sting.value);
  CHECK_FALSE(off.is_active);
  const auto on = single_event<events::product_activation_changed>(
      spec.run(w.manager, toggle_product_active{w.sting}));
  CHECK(on.is_active);
  CHECK_REJECTED(spec.when(w.manager, toggle_product_active{product_id{999'999}}),
                 product_not_found, "Product not found");
}

// ------------------------------------------------------------------ suppliers

TEST_CASE("create_supplier: emits every given value") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const std::uint64_t next = spec.model.last_entity_number + 1;
  const decision d = spec.run(w.inventory, create_supplier{"SUP-002", "Công ty CP Thực phẩm ABC",
                                                           "Trần Văn C", "0908888882",
                                                           "info@abcfood.vn", "456 Lý Thường Kiệt"});
  const auto e = single_event<events::supplier_created>(d);
  CHECK(e.supplier_id == next);
  CHECK(e.code == "SUP-002");
  CHECK(e.name == "Công ty CP Thực phẩm ABC");
  CHECK(e.contact_person == "Trần Văn C");
  CHECK(e.phone == "0908888882");
  CHECK(e.email == "info@abcfood.vn");
  CHECK(e.address == "456 Lý Thường Kiệt");
  CHECK(d.last_entity_number == next);
}

TEST_CASE("create_supplier: rejections in precedence order") {
  ledger_spec spec;
  auto w = spec.standard_world();
  CHECK_REJECTED(spec.when(w.admin, create_supplier{"", "", "", "", "", ""}), value_required,
                 "code should not be empty");
  CHECK_REJECTED(spec.when(w.admin, create_supplier{"SUP-001", "", "", "", "", ""}),
                 value_required, "name should not be empty");
  CHECK_REJECTED(spec.when(w.admin, create_supplier{"SUP-001", "N", too_long, "", "", too_long}),
                 text_too_long, "contactPerson must be shorter than or equal to 4000 characters");
  CHECK_REJECTED(spec.when(w.admin, create_supplier{"SUP-001", "N", "", "", too_long, ""}),
                 text_too_long, "email must be shorter than or equal to 4000 characters");
  CHECK_REJECTED(spec.when(w.admin, create_supplier{"SUP-001", "N", "", "", "", too_long}),
                 text_too_long, "address must be shorter than or equal to 4000 characters");
  CHECK_REJECTED(spec.when(w.admin, create_supplier{"SUP-001", "N", "", "", "", ""}),
                 supplier_code_already_exists, "Supplier code already exists");
}

TEST_CASE("update_supplier: the event carries the full new values") {
  ledger_spec spec;
  auto w = spec.standard_world();
  update_supplier c;
  c.supplier = w.beverages;
  c.code = "SUP-001";  // its own code: no conflict
  c.email = "contact@saigonbev.com";
  const auto e = single_event<events::supplier_updated>(spec.run(w.manager, c));
  CHECK(e.supplier_id == w.beverages.value);
  CHECK(e.code == "SUP-001");
  CHECK(e.name == "Công ty TNHH Nước giải khát Sài Gòn");
  CHECK(e.contact_person == "Nguyễn Văn B");
  CHECK(e.phone == "0908888881");
  CHECK(e.email == "contact@saigonbev.com");
  CHECK(e.address.empty());
}

TEST_CASE("update_supplier: rejections in precedence order") {
  ledger_spec spec;
  auto w = spec.standard_world();
  spec.run(w.admin, create_supplier{"SUP-002", "ABC", "", "", "", ""});
  const supplier_id unknown{999'999};
  update_supplier c;
  c.supplier = unknown;
  c.code = "";
  CHECK_REJECTED(spec.when(w.admin, c), value_required, "code should not be empty");
  c.code = "SUP-002";
  c.name = "";
  CHECK_REJECTED(spec.when(w.admin, c), value_required, "name should not be empty");
  c.name = "N";
  c.phone = too_long;
  CHECK_REJECTED(spec.when(w.admin, c), text_too_long,
                 "phone must be shorter than or equal to 4000 characters");
  c.phone.reset();
  CHECK_REJECTED(spec.when(w.admin, c), supplier_not_found, "Supplier not found");
  c.supplier = w.beverages;
  // No friendly pre-check in the reference: the database's unique-constraint text.
  CHECK_REJECTED(spec.when(w.admin, c), supplier_code_already_exists, "Duplicate value for code");
}

TEST_CASE("toggle_supplier_active: flips the flag both ways; unknown supplier is not found") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const auto off = single_event<events::supplier_activation_changed>(
      spec.run(w.admin, toggle_supplier_active{w.beverages}));
  CHECK(off.supplier_id == w.beverages.value);
  CHECK_FALSE(off.is_active);
  const auto on = single_event<events::supplier_activation_changed>(
      spec.run(w.admin, toggle_supplier_active{w.beverages}));
  CHECK(on.is_active);
  CHECK_REJECTED(spec.when(w.admin, toggle_supplier_active{supplier_id{999'999}}),
                 supplier_not_found, "Supplier not found");
}

// ------------------------------------------------------------------ customers

TEST_CASE("create_customer: emits every given value") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const std::uint64_t next = spec.model.last_entity_number + 1;
  const decision d =
      spec.run(w.cashier, create_customer{"Lê Văn Cường", "0903333333", "cuong@gmail.com"});
  const auto e = single_event<events::customer_created>(d);
  CHECK(e.customer_id == next);
  CHECK(e.name == "Lê Văn Cường");
  CHECK(e.phone == "0903333333");
  CHECK(e.email == "cuong@gmail.com");
  CHECK(d.last_entity_number == next);
  CHECK(spec.model.find(customer_id{next})->total_points == 0);
}

TEST_CASE("create_customer: rejections in precedence order") {
  ledger_spec spec;
  auto w = spec.standard_world();
  CHECK_REJECTED(spec.when(w.cashier, create_customer{"", "", ""}), value_required,
                 "name should not be empty");
  CHECK_REJECTED(spec.when(w.cashier, create_customer{"C", "", too_long}), value_required,
                 "phone should not be empty");
  CHECK_REJECTED(spec.when(w.cashier, create_customer{"C", "0901111111", too_long}),
                 text_too_long, "email must be shorter than or equal to 4000 characters");
  CHECK_REJECTED(spec.when(w.cashier, create_customer{"C", "0901111111", ""}),
                 phone_already_registered, "Phone number already registered");
}

TEST_CASE("update_customer: the event carries the full new values") {
  ledger_spec spec;
  auto w = spec.standard_world();
  SUBCASE("a new phone re-keys the customer") {
    update_customer c{w.binh, std::nullopt, std::string{"0912222222"}, std::string{"b@x.vn"}};
    const auto e = single_event<events::customer_updated>(spec.run(w.manager, c));
    CHECK(e.customer_id == w.binh.value);
    CHECK(e.name == "Trần Thị Bình");
    CHECK(e.phone == "0912222222");
    CHECK(e.email == "b@x.vn");
    CHECK(spec.model.customer_by_phone.at("0912222222") == w.binh);
    CHECK_FALSE(spec.model.customer_by_phone.contains("0902222222"));
  }
  SUBCASE("the own phone is no conflict") {
    update_customer c{w.binh, std::string{"Bình"}, std::string{"0902222222"}, std::nullopt};
    const auto e = single_event<events::customer_updated>(spec.run(w.manager, c));
    CHECK(e.name == "Bình");
    CHECK(e.phone == "0902222222");
    CHECK(e.email.empty());
  }
}

TEST_CASE("update_customer: rejections in precedence order") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const customer_id unknown{999'999};
  CHECK_REJECTED(spec.when(w.admin, update_customer{unknown, std::string{}, std::string{}, {}}),
                 value_required, "name should not be empty");
  CHECK_REJECTED(spec.when(w.admin, update_customer{unknown, {}, std::string{}, {}}),
                 value_required, "phone should not be empty");
  CHECK_REJECTED(
      spec.when(w.admin, update_customer{unknown, {}, std::string{"0901111111"}, too_long}),
      text_too_long, "email must be shorter than or equal to 4000 characters");
  CHECK_REJECTED(spec.when(w.admin, update_customer{unknown, {}, std::string{"0901111111"}, {}}),
                 customer_not_found, "Customer not found");
  CHECK_REJECTED(spec.when(w.admin, update_customer{w.binh, {}, std::string{"0901111111"}, {}}),
                 phone_already_registered, "Phone number already registered");
}

// ------------------------------------------------------------------ loyalty rule

TEST_CASE("set_loyalty_rule: replaces the active rule") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const decision d = spec.run(w.admin, set_loyalty_rule{5000000, 0});
  const auto e = single_event<events::loyalty_rule_set>(d);
  CHECK(e.spend_per_point == 5000000);
  CHECK(e.point_value == 0);
  CHECK(spec.model.loyalty == loyalty_rule{5000000, 0});
  CHECK(spec.when(w.admin, set_loyalty_rule{1, money::amount_max}).accepted());
}

TEST_CASE("set_loyalty_rule: rejections in precedence order") {
  ledger_spec spec;
  auto w = spec.standard_world();
  CHECK_REJECTED(spec.when(w.admin, set_loyalty_rule{0, -1}), loyalty_rule_invalid,
                 "spendPerPoint must be a positive number");
  CHECK_REJECTED(spec.when(w.admin, set_loyalty_rule{-100, 0}), loyalty_rule_invalid,
                 "spendPerPoint must be a positive number");
  CHECK_REJECTED(spec.when(w.admin, set_loyalty_rule{money::amount_max + 1, -1}),
                 loyalty_rule_invalid, "pointValue must not be less than 0");
  CHECK_REJECTED(spec.when(w.admin, set_loyalty_rule{money::amount_max + 1, 0}), amount_too_large,
                 "spendPerPoint must not be greater than 90071992547409.92");
  CHECK_REJECTED(spec.when(w.admin, set_loyalty_rule{1, money::amount_max + 1}), amount_too_large,
                 "pointValue must not be greater than 90071992547409.92");
}

}  // TEST_SUITE
}  // namespace ledger::testing
