#include "engine/write_model.h"

#include "events/assert.h"

namespace ledger::engine {
namespace {

template <class Map, class Key>
auto find_in(const Map& map, Key key) -> const typename Map::mapped_type* {
  const auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

}  // namespace

const branch_record* write_model::find(branch_id id) const { return find_in(branches, id); }
const user_record* write_model::find(user_id id) const { return find_in(users, id); }
const category_record* write_model::find(category_id id) const { return find_in(categories, id); }
const product_record* write_model::find(product_id id) const { return find_in(products, id); }
const supplier_record* write_model::find(supplier_id id) const { return find_in(suppliers, id); }
const customer_record* write_model::find(customer_id id) const { return find_in(customers, id); }
const cart_record* write_model::find(cart_id id) const { return find_in(carts, id); }
const sale_record* write_model::find(sale_id id) const { return find_in(sales, id); }
const purchase_order_record* write_model::find(purchase_order_id id) const {
  return find_in(purchase_orders, id);
}

std::int32_t write_model::stock_of(branch_id branch, product_id product) const {
  const auto it = stock.find(stock_key{branch, product});
  return it == stock.end() ? 0 : it->second;
}

const cart_record* write_model::active_cart_of(user_id cashier, branch_id branch) const {
  const auto it = active_cart.find(active_cart_key{cashier, branch});
  if (it == active_cart.end()) return nullptr;
  const cart_record* cart = find(it->second);
  LEDGER_ASSERT(cart != nullptr, "active cart index names missing cart {}", it->second.value);
  return cart;
}

void rebuild_indexes(write_model& model) {
  model.branch_by_code.clear();
  model.user_by_email.clear();
  model.category_by_name.clear();
  model.product_by_sku.clear();
  model.product_by_barcode.clear();
  model.supplier_by_code.clear();
  model.customer_by_phone.clear();
  model.active_cart.clear();
  model.cart_of_line.clear();
  model.purchase_order_by_number.clear();
  for (const auto& [id, branch] : model.branches) model.branch_by_code.emplace(branch.code, id);
  for (const auto& [id, user] : model.users) model.user_by_email.emplace(user.email, id);
  for (const auto& [id, category] : model.categories) {
    model.category_by_name.emplace(category.name, id);
  }
  for (const auto& [id, product] : model.products) {
    model.product_by_sku.emplace(product.sku, id);
    model.product_by_barcode.emplace(product.barcode, id);
  }
  for (const auto& [id, supplier] : model.suppliers) {
    model.supplier_by_code.emplace(supplier.code, id);
  }
  for (const auto& [id, customer] : model.customers) {
    model.customer_by_phone.emplace(customer.phone, id);
  }
  for (const auto& [id, cart] : model.carts) {
    model.active_cart.emplace(active_cart_key{cart.cashier, cart.branch}, id);
    for (const auto& line : cart.lines) model.cart_of_line.emplace(line.id, id);
  }
  for (const auto& [id, order] : model.purchase_orders) {
    model.purchase_order_by_number.emplace(order.po_number, id);
  }
}

}  // namespace ledger::engine
