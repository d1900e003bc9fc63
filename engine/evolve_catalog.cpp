// evolve for categories, products, suppliers, customers and the loyalty rule.
#include "engine/handlers.h"

namespace ledger::engine {
namespace {

using detail::rekey;

template <class Record, class Id>
Record& record_of(flat_map<Id, Record>& records, std::uint64_t id, const char* what) {
  const auto it = records.find(Id{id});
  LEDGER_ASSERT(it != records.end(), "event names unknown {} {}", what, id);
  return it->second;
}


category_record& category_of(write_model& model, std::uint64_t id) {
  return record_of(model.categories, id, "category");
}

}  // namespace

void evolve_one(write_model& model, const events::category_created& e,
                const event_context& context) {
  const category_id id{e.category_id};
  detail::note_entity(model, id.value);
  category_record category{id, e.name, e.description, true, 0, context.recorded_at_us,
                           context.recorded_at_us};
  const bool inserted = model.categories.emplace(id, std::move(category)).second;
  LEDGER_ASSERT(inserted, "category {} created twice", id.value);
  const bool indexed = model.category_by_name.emplace(e.name, id).second;
  LEDGER_ASSERT(indexed, "category name '{}' taken twice", e.name);
}

void evolve_one(write_model& model, const events::category_updated& e,
                const event_context& context) {
  category_record& category = category_of(model, e.category_id);
  rekey(model.category_by_name, category.name, e.name, category.id);
  category.name = e.name;
  category.description = e.description;
  category.updated_at_us = context.recorded_at_us;
}

void evolve_one(write_model& model, const events::category_deleted& e, const event_context&) {
  category_record& category = category_of(model, e.category_id);
  LEDGER_ASSERT(category.product_count == 0, "deleted category {} still has {} products",
                e.category_id, category.product_count);
  const auto erased = model.category_by_name.erase(category.name);
  LEDGER_ASSERT(erased == 1, "category index lacked '{}'", category.name);
  model.categories.erase(category_id{e.category_id});
}

void evolve_one(write_model& model, const events::product_created& e,
                const event_context& context) {
  const product_id id{e.product_id};
  detail::note_entity(model, id.value);
  category_of(model, e.category_id).product_count += 1;
  LEDGER_ASSERT(e.cost_price >= 0 && e.selling_price >= 0, "negative price for product {}",
                e.product_id);
  product_record product;
  product.id = id;
  product.sku = e.sku;
  product.barcode = e.barcode;
  product.name = e.name;
  product.description = e.description;
  product.unit = e.unit;
  product.cost_price = e.cost_price;
  product.selling_price = e.selling_price;
  product.min_stock = e.min_stock;
  product.tax_rate = e.tax_rate;
  product.category = category_id{e.category_id};
  product.created_at_us = context.recorded_at_us;
  product.updated_at_us = context.recorded_at_us;
  const bool inserted = model.products.emplace(id, std::move(product)).second;
  LEDGER_ASSERT(inserted, "product {} created twice", id.value);
  const bool sku_indexed = model.product_by_sku.emplace(e.sku, id).second;
  LEDGER_ASSERT(sku_indexed, "SKU '{}' taken twice", e.sku);
  const bool barcode_indexed = model.product_by_barcode.emplace(e.barcode, id).second;
  LEDGER_ASSERT(barcode_indexed, "barcode '{}' taken twice", e.barcode);
}

void evolve_one(write_model& model, const events::product_updated& e,
                const event_context& context) {
  product_record& product = record_of(model.products, e.product_id, "product");
  if (product.category.value != e.category_id) {
    category_record& old_category = category_of(model, product.category.value);
    LEDGER_ASSERT(old_category.product_count > 0, "category product count underflow");
    old_category.product_count -= 1;
    category_of(model, e.category_id).product_count += 1;
  }
  rekey(model.product_by_sku, product.sku, e.sku, product.id);
  rekey(model.product_by_barcode, product.barcode, e.barcode, product.id);
  product.sku = e.sku;
  product.barcode = e.barcode;
  product.name = e.name;
  product.description = e.description;
  product.unit = e.unit;
  product.cost_price = e.cost_price;
  product.selling_price = e.selling_price;
  product.min_stock = e.min_stock;
  product.tax_rate = e.tax_rate;
  product.category = category_id{e.category_id};
  product.updated_at_us = context.recorded_at_us;
}

void evolve_one(write_model& model, const events::product_activation_changed& e,
                const event_context& context) {
  product_record& product = record_of(model.products, e.product_id, "product");
  LEDGER_ASSERT(product.is_active != e.is_active, "product {} activation did not change",
                e.product_id);
  product.is_active = e.is_active;
  product.updated_at_us = context.recorded_at_us;
}

void evolve_one(write_model& model, const events::supplier_created& e,
                const event_context& context) {
  const supplier_id id{e.supplier_id};
  detail::note_entity(model, id.value);
  supplier_record supplier{id,      e.code, e.name, e.contact_person,        e.phone,
                           e.email, e.address, true, context.recorded_at_us, context.recorded_at_us};
  const bool inserted = model.suppliers.emplace(id, std::move(supplier)).second;
  LEDGER_ASSERT(inserted, "supplier {} created twice", id.value);
  const bool indexed = model.supplier_by_code.emplace(e.code, id).second;
  LEDGER_ASSERT(indexed, "supplier code '{}' taken twice", e.code);
}

void evolve_one(write_model& model, const events::supplier_updated& e,
                const event_context& context) {
  supplier_record& supplier = record_of(model.suppliers, e.supplier_id, "supplier");
  rekey(model.supplier_by_code, supplier.code, e.code, supplier.id);
  supplier.code = e.code;
  supplier.name = e.name;
  supplier.contact_person = e.contact_person;
  supplier.phone = e.phone;
  supplier.email = e.email;
  supplier.address = e.address;
  supplier.updated_at_us = context.recorded_at_us;
}

void evolve_one(write_model& model, const events::supplier_activation_changed& e,
                const event_context& context) {
  supplier_record& supplier = record_of(model.suppliers, e.supplier_id, "supplier");
  LEDGER_ASSERT(supplier.is_active != e.is_active, "supplier {} activation did not change",
                e.supplier_id);
  supplier.is_active = e.is_active;
  supplier.updated_at_us = context.recorded_at_us;
}

void evolve_one(write_model& model, const events::customer_created& e,
                const event_context& context) {
  const customer_id id{e.customer_id};
  detail::note_entity(model, id.value);
  customer_record customer{id, e.name, e.phone, e.email, 0, 0, context.recorded_at_us,
                           context.recorded_at_us};
  const bool inserted = model.customers.emplace(id, std::move(customer)).second;
  LEDGER_ASSERT(inserted, "customer {} created twice", id.value);
  const bool indexed = model.customer_by_phone.emplace(e.phone, id).second;
  LEDGER_ASSERT(indexed, "phone '{}' registered twice", e.phone);
}

void evolve_one(write_model& model, const events::customer_updated& e,
                const event_context& context) {
  customer_record& customer = record_of(model.customers, e.customer_id, "customer");
  rekey(model.customer_by_phone, customer.phone, e.phone, customer.id);
  customer.name = e.name;
  customer.phone = e.phone;
  customer.email = e.email;
  customer.updated_at_us = context.recorded_at_us;
}

void evolve_one(write_model& model, const events::loyalty_rule_set& e, const event_context&) {
  LEDGER_ASSERT(e.spend_per_point > 0, "loyalty rule with spend_per_point {}", e.spend_per_point);
  model.loyalty = loyalty_rule{e.spend_per_point, e.point_value};
}

void evolve_one(write_model& model, const events::loyalty_points_earned& e,
                const event_context& context) {
  customer_record& customer = record_of(model.customers, e.customer_id, "customer");
  LEDGER_ASSERT(e.points > 0, "earned {} points", e.points);
  LEDGER_ASSERT(e.amount_spent > 0, "earned points on amount {}", e.amount_spent);
  customer.total_points += e.points;
  customer.total_spent += e.amount_spent;
  customer.updated_at_us = context.recorded_at_us;
}

void evolve_one(write_model& model, const events::loyalty_points_deducted& e,
                const event_context& context) {
  customer_record& customer = record_of(model.customers, e.customer_id, "customer");
  LEDGER_ASSERT(e.points >= 0 && e.points <= e.points_computed, "deducted {} of {} points",
                e.points, e.points_computed);
  LEDGER_ASSERT(customer.total_points >= e.points, "points would go negative: {} - {}",
                customer.total_points, e.points);
  customer.total_points -= e.points;
  customer.updated_at_us = context.recorded_at_us;
}

}  // namespace ledger::engine
