// decide for categories, products, suppliers, customers and the loyalty rule
// (api-contract sections 6.3 to 6.6 and 8.14).
//
// Order of checks in every handler: first what the API's validation layer answers with 400
// (required texts, text limits, number ranges), field by field in the command's declaration
// order; then the service rules in the order the contract lists them (not found, then
// uniqueness conflicts, then references). Update events carry the full new values.
#include <fmt/format.h>

#include <initializer_list>
#include <string_view>

#include "engine/handlers.h"
#include "events/money.h"

namespace ledger::engine {
namespace {

using detail::assert_signed_in;
using detail::check_texts;
using detail::given;
using detail::one_event;
using detail::rejected;
using detail::text_field;

// api-contract 6.4: a product created without a unit (or with an empty one) is counted in
// "cái" (pieces).
constexpr std::string_view default_unit = "cái";

// One money field (hundredths); `value` is nullptr when not given.
struct money_field {
  std::string_view name;
  const std::int64_t* value;
};

const std::int64_t* given(const std::optional<std::int64_t>& value) {
  return value.has_value() ? &*value : nullptr;
}

// Money must not be negative, and must stay within the range the money module keeps exact
// (so sums and tax products downstream cannot overflow).
std::optional<rejection> check_money(std::initializer_list<money_field> fields) {
  for (const money_field& field : fields) {
    if (field.value == nullptr) continue;
    if (*field.value < 0) {
      return rejection{rejection_code::amount_must_not_be_negative,
                       fmt::format("{} must not be less than 0", field.name)};
    }
    if (*field.value > money::amount_max) {
      return rejection{rejection_code::amount_too_large,
                       fmt::format("{} must not be greater than {}", field.name,
                                   money::format_decimal(money::amount_max))};
    }
  }
  return std::nullopt;
}

// minStock and taxRate, shared by create and update (nullopt / nullptr = not given).
std::optional<rejection> check_stock_and_tax(const std::int32_t* min_stock,
                                             const std::optional<std::uint32_t>& tax_rate) {
  if (min_stock != nullptr && *min_stock < 0) {
    return rejection{rejection_code::quantity_must_not_be_negative,
                     "minStock must not be less than 0"};
  }
  if (tax_rate.has_value() && *tax_rate > limits::tax_rate_max) {
    return rejection{rejection_code::amount_too_large,
                     fmt::format("taxRate must not be greater than {}",
                                 money::format_decimal(limits::tax_rate_max))};
  }
  return std::nullopt;
}

// True when `key` is in `index` for a record other than `self` (a unique value taken).
template <class Id>
bool taken_by_another(const flat_map<std::string, Id>& index, const std::string& key, Id self) {
  const auto found = index.find(key);
  return found != index.end() && found->second != self;
}

}  // namespace

// ------------------------------------------------------------------ categories

decision decide_one(const write_model& model, const create_category& c,
                    const command_context& context) {
  assert_signed_in(model, context);
  if (auto broken =
          check_texts({{"name", &c.name, true}, {"description", &c.description, false}})) {
    return rejected(std::move(*broken));
  }
  // Exact, case-sensitive equality (api-contract 6.3).
  if (model.category_by_name.contains(c.name)) {
    return detail::reject(rejection_code::category_name_already_exists,
                          "Category name already exists");
  }
  detail::id_allocator ids{model};
  const auto id = ids.next<category_id>();
  LEDGER_ASSERT(model.find(id) == nullptr, "new category id {} already in use", id.value);
  events::category_created created;
  created.category_id = id.value;
  created.name = c.name;
  created.description = c.description;
  return detail::accept(model, one_event(std::move(created)), &ids);
}

decision decide_one(const write_model& model, const update_category& c,
                    const command_context& context) {
  assert_signed_in(model, context);
  if (auto broken = check_texts({{"name", given(c.name), true},
                                 {"description", given(c.description), false}})) {
    return rejected(std::move(*broken));
  }
  const category_record* category = model.find(c.category);
  if (category == nullptr) {
    return detail::reject(rejection_code::category_not_found, "Category not found");
  }
  if (c.name.has_value() && taken_by_another(model.category_by_name, *c.name, category->id)) {
    return detail::reject(rejection_code::category_name_already_exists,
                          "Category name already exists");
  }
  events::category_updated updated;
  updated.category_id = category->id.value;
  updated.name = c.name.value_or(category->name);
  updated.description = c.description.value_or(category->description);
  LEDGER_ASSERT(!updated.name.empty(), "category {} would lose its name", updated.category_id);
  return detail::accept(model, one_event(std::move(updated)));
}

decision decide_one(const write_model& model, const delete_category& c,
                    const command_context& context) {
  assert_signed_in(model, context);
  const category_record* category = model.find(c.category);
  if (category == nullptr) {
    return detail::reject(rejection_code::category_not_found, "Category not found");
  }
  LEDGER_ASSERT(category->product_count >= 0, "category {} counts {} products",
                category->id.value, category->product_count);
  // Inactive products count too: a product always names its category.
  if (category->product_count > 0) {
    return detail::reject(rejection_code::category_has_products,
                          "Cannot delete category with existing products. Disable it instead.");
  }
  events::category_deleted deleted;
  deleted.category_id = category->id.value;
  return detail::accept(model, one_event(std::move(deleted)));
}

// ------------------------------------------------------------------ products

decision decide_one(const write_model& model, const create_product& c,
                    const command_context& context) {
  assert_signed_in(model, context);
  if (auto broken = check_texts({{"sku", &c.sku, true},
                                 {"barcode", &c.barcode, true},
                                 {"name", &c.name, true},
                                 {"description", &c.description, false},
                                 {"unit", &c.unit, false}})) {
    return rejected(std::move(*broken));
  }
  if (auto broken =
          check_money({{"costPrice", &c.cost_price}, {"sellingPrice", &c.selling_price}})) {
    return rejected(std::move(*broken));
  }
  if (auto broken = check_stock_and_tax(&c.min_stock, c.tax_rate)) {
    return rejected(std::move(*broken));
  }
  // api-contract 6.4 order: SKU, barcode, category. Selling below cost is allowed, and so is
  // an inactive category.
  if (model.product_by_sku.contains(c.sku)) {
    return detail::reject(rejection_code::sku_already_exists, "SKU already exists");
  }
  if (model.product_by_barcode.contains(c.barcode)) {
    return detail::reject(rejection_code::barcode_already_exists, "Barcode already exists");
  }
  if (model.find(c.category) == nullptr) {
    return detail::reject(rejection_code::category_not_found, "Category not found");
  }
  detail::id_allocator ids{model};
  const auto id = ids.next<product_id>();
  LEDGER_ASSERT(model.find(id) == nullptr, "new product id {} already in use", id.value);

  // Stock is absent (zero) in every branch until something moves it, which is what the
  // reference's zero stock rows per branch say.
  events::product_created created;
  created.product_id = id.value;
  created.sku = c.sku;
  created.barcode = c.barcode;
  created.name = c.name;
  created.description = c.description;
  created.unit = c.unit.empty() ? std::string{default_unit} : c.unit;
  created.cost_price = c.cost_price;
  created.selling_price = c.selling_price;
  created.min_stock = c.min_stock;
  created.tax_rate = c.tax_rate.value_or(limits::default_tax_rate);
  created.category_id = c.category.value;
  LEDGER_ASSERT(created.tax_rate <= limits::tax_rate_max, "tax rate {} out of range",
                created.tax_rate);
  return detail::accept(model, one_event(std::move(created)), &ids);
}

decision decide_one(const write_model& model, const update_product& c,
                    const command_context& context) {
  assert_signed_in(model, context);
  if (auto broken = check_texts({{"sku", given(c.sku), true},
                                 {"barcode", given(c.barcode), true},
                                 {"name", given(c.name), true},
                                 {"description", given(c.description), false},
                                 {"unit", given(c.unit), false}})) {
    return rejected(std::move(*broken));
  }
  if (auto broken = check_money({{"costPrice", given(c.cost_price)},
                                 {"sellingPrice", given(c.selling_price)}})) {
    return rejected(std::move(*broken));
  }
  if (auto broken =
          check_stock_and_tax(c.min_stock.has_value() ? &*c.min_stock : nullptr, c.tax_rate)) {
    return rejected(std::move(*broken));
  }
  const product_record* product = model.find(c.product);
  if (product == nullptr) {
    return detail::reject(rejection_code::product_not_found, "Product not found");
  }
  if (c.sku.has_value() && taken_by_another(model.product_by_sku, *c.sku, product->id)) {
    return detail::reject(rejection_code::sku_already_exists, "SKU already exists");
  }
  if (c.barcode.has_value() &&
      taken_by_another(model.product_by_barcode, *c.barcode, product->id)) {
    return detail::reject(rejection_code::barcode_already_exists, "Barcode already exists");
  }
  if (c.category.has_value() && model.find(*c.category) == nullptr) {
    return detail::reject(rejection_code::category_not_found, "Category not found");
  }

  events::product_updated updated;
  updated.product_id = product->id.value;
  updated.sku = c.sku.value_or(product->sku);
  updated.barcode = c.barcode.value_or(product->barcode);
  updated.name = c.name.value_or(product->name);
  updated.description = c.description.value_or(product->description);  // "" clears it
  // A product always has a unit: an empty one means the default, as on creation.
  if (c.unit.has_value()) {
    updated.unit = c.unit->empty() ? std::string{default_unit} : *c.unit;
  } else {
    updated.unit = product->unit;
  }
  updated.cost_price = c.cost_price.value_or(product->cost_price);
  updated.selling_price = c.selling_price.value_or(product->selling_price);
  updated.min_stock = c.min_stock.value_or(product->min_stock);
  updated.tax_rate = c.tax_rate.value_or(product->tax_rate);
  updated.category_id = c.category.value_or(product->category).value;
  LEDGER_ASSERT(model.find(category_id{updated.category_id}) != nullptr,
                "product {} would name missing category {}", updated.product_id,
                updated.category_id);
  LEDGER_ASSERT(updated.cost_price >= 0, "product {} would get a negative cost",
                updated.product_id);
  LEDGER_ASSERT(updated.selling_price >= 0, "product {} would get a negative price",
                updated.product_id);
  return detail::accept(model, one_event(std::move(updated)));
}

decision decide_one(const write_model& model, const toggle_product_active& c,
                    const command_context& context) {
  assert_signed_in(model, context);
  const product_record* product = model.find(c.product);
  if (product == nullptr) {
    return detail::reject(rejection_code::product_not_found, "Product not found");
  }
  events::product_activation_changed changed;
  changed.product_id = product->id.value;
  changed.is_active = !product->is_active;
  LEDGER_ASSERT(changed.is_active != product->is_active, "toggle must flip product {}",
                changed.product_id);
  return detail::accept(model, one_event(std::move(changed)));
}

// ------------------------------------------------------------------ suppliers

decision decide_one(const write_model& model, const create_supplier& c,
                    const command_context& context) {
  assert_signed_in(model, context);
  if (auto broken = check_texts({{"code", &c.code, true},
                                 {"name", &c.name, true},
                                 {"contactPerson", &c.contact_person, false},
                                 {"phone", &c.phone, false},
                                 {"email", &c.email, false},
                                 {"address", &c.address, false}})) {
    return rejected(std::move(*broken));
  }
  if (model.supplier_by_code.contains(c.code)) {
    return detail::reject(rejection_code::supplier_code_already_exists,
                          "Supplier code already exists");
  }
  detail::id_allocator ids{model};
  const auto id = ids.next<supplier_id>();
  LEDGER_ASSERT(model.find(id) == nullptr, "new supplier id {} already in use", id.value);
  events::supplier_created created;
  created.supplier_id = id.value;
  created.code = c.code;
  created.name = c.name;
  created.contact_person = c.contact_person;
  created.phone = c.phone;
  created.email = c.email;
  created.address = c.address;
  return detail::accept(model, one_event(std::move(created)), &ids);
}

decision decide_one(const write_model& model, const update_supplier& c,
                    const command_context& context) {
  assert_signed_in(model, context);
  if (auto broken = check_texts({{"code", given(c.code), true},
                                 {"name", given(c.name), true},
                                 {"contactPerson", given(c.contact_person), false},
                                 {"phone", given(c.phone), false},
                                 {"email", given(c.email), false},
                                 {"address", given(c.address), false}})) {
    return rejected(std::move(*broken));
  }
  const supplier_record* supplier = model.find(c.supplier);
  if (supplier == nullptr) {
    return detail::reject(rejection_code::supplier_not_found, "Supplier not found");
  }
  // The reference has no friendly pre-check here: the database's unique-constraint message
  // is what clients see (api-contract 6.5), so keep its text.
  if (c.code.has_value() && taken_by_another(model.supplier_by_code, *c.code, supplier->id)) {
    return detail::reject(rejection_code::supplier_code_already_exists,
                          "Duplicate value for code");
  }
  events::supplier_updated updated;
  updated.supplier_id = supplier->id.value;
  updated.code = c.code.value_or(supplier->code);
  updated.name = c.name.value_or(supplier->name);
  updated.contact_person = c.contact_person.value_or(supplier->contact_person);
  updated.phone = c.phone.value_or(supplier->phone);
  updated.email = c.email.value_or(supplier->email);
  updated.address = c.address.value_or(supplier->address);
  LEDGER_ASSERT(!updated.code.empty(), "supplier {} would lose its code", updated.supplier_id);
  LEDGER_ASSERT(!updated.name.empty(), "supplier {} would lose its name", updated.supplier_id);
  return detail::accept(model, one_event(std::move(updated)));
}

decision decide_one(const write_model& model, const toggle_supplier_active& c,
                    const command_context& context) {
  assert_signed_in(model, context);
  const supplier_record* supplier = model.find(c.supplier);
  if (supplier == nullptr) {
    return detail::reject(rejection_code::supplier_not_found, "Supplier not found");
  }
  events::supplier_activation_changed changed;
  changed.supplier_id = supplier->id.value;
  changed.is_active = !supplier->is_active;
  LEDGER_ASSERT(changed.is_active != supplier->is_active, "toggle must flip supplier {}",
                changed.supplier_id);
  return detail::accept(model, one_event(std::move(changed)));
}

// ------------------------------------------------------------------ customers and loyalty

decision decide_one(const write_model& model, const create_customer& c,
                    const command_context& context) {
  assert_signed_in(model, context);
  if (auto broken = check_texts({{"name", &c.name, true},
                                 {"phone", &c.phone, true},
                                 {"email", &c.email, false}})) {
    return rejected(std::move(*broken));
  }
  if (model.customer_by_phone.contains(c.phone)) {
    return detail::reject(rejection_code::phone_already_registered,
                          "Phone number already registered");
  }
  detail::id_allocator ids{model};
  const auto id = ids.next<customer_id>();
  LEDGER_ASSERT(model.find(id) == nullptr, "new customer id {} already in use", id.value);
  // Customers are global (no branch); points and spending start at zero in evolve.
  events::customer_created created;
  created.customer_id = id.value;
  created.name = c.name;
  created.phone = c.phone;
  created.email = c.email;
  return detail::accept(model, one_event(std::move(created)), &ids);
}

decision decide_one(const write_model& model, const update_customer& c,
                    const command_context& context) {
  assert_signed_in(model, context);
  if (auto broken = check_texts({{"name", given(c.name), true},
                                 {"phone", given(c.phone), true},
                                 {"email", given(c.email), false}})) {
    return rejected(std::move(*broken));
  }
  const customer_record* customer = model.find(c.customer);
  if (customer == nullptr) {
    return detail::reject(rejection_code::customer_not_found, "Customer not found");
  }
  if (c.phone.has_value() && taken_by_another(model.customer_by_phone, *c.phone, customer->id)) {
    return detail::reject(rejection_code::phone_already_registered,
                          "Phone number already registered");
  }
  // Points and spending are not editable: the event has no field for them.
  events::customer_updated updated;
  updated.customer_id = customer->id.value;
  updated.name = c.name.value_or(customer->name);
  updated.phone = c.phone.value_or(customer->phone);
  updated.email = c.email.value_or(customer->email);
  LEDGER_ASSERT(!updated.phone.empty(), "customer {} would lose their phone",
                updated.customer_id);
  return detail::accept(model, one_event(std::move(updated)));
}

decision decide_one(const write_model& model, const set_loyalty_rule& c,
                    const command_context& context) {
  assert_signed_in(model, context);
  // spend_per_point divides every sale total (money::points_for), so zero or less would mean
  // "no rule" or negative points; point_value is stored but unused (api-contract 8.14).
  if (c.spend_per_point <= 0) {
    return detail::reject(rejection_code::loyalty_rule_invalid,
                          "spendPerPoint must be a positive number");
  }
  if (c.point_value < 0) {
    return detail::reject(rejection_code::loyalty_rule_invalid,
                          "pointValue must not be less than 0");
  }
  if (auto broken = check_money({{"spendPerPoint", &c.spend_per_point},
                                 {"pointValue", &c.point_value}})) {
    return rejected(std::move(*broken));
  }
  events::loyalty_rule_set set;
  set.spend_per_point = c.spend_per_point;
  set.point_value = c.point_value;
  LEDGER_ASSERT(set.spend_per_point > 0, "loyalty rule checked above");
  return detail::accept(model, one_event(std::move(set)));
}

}  // namespace ledger::engine
