#include "projections/view_state.h"

#include <algorithm>

#include "events/assert.h"

namespace ledger::projections {
namespace {

template <class Map, class Vector>
auto find_in(const Map& index, const Vector& rows, typename Map::key_type id)
    -> const typename Vector::value_type* {
  const auto it = index.find(id);
  return it == index.end() ? nullptr : &rows[it->second];
}

template <class Map, class Vector, class Key>
void index_rows(Map& index, const Vector& rows, Key key) {
  index.clear();
  index.reserve(rows.size());
  for (std::uint32_t i = 0; i < rows.size(); ++i) {
    const bool inserted = index.emplace(key(rows[i]), i).second;
    LEDGER_ASSERT(inserted, "duplicate row id in a view");
  }
}

}  // namespace

std::string_view name_of(section s) {
  switch (s) {
    case section::catalog: return "catalog";
    case section::sales: return "sales";
    case section::inventory: return "inventory";
    case section::procurement: return "procurement";
    case section::loyalty: return "loyalty";
    case section::audit: return "audit";
  }
  return "?";
}

std::string_view name_of(movement_type type) {
  switch (type) {
    case movement_type::STOCK_IN: return "STOCK_IN";
    case movement_type::STOCK_OUT: return "STOCK_OUT";
    case movement_type::SALE: return "SALE";
    case movement_type::RETURN: return "RETURN";
    case movement_type::ADJUSTMENT: return "ADJUSTMENT";
    case movement_type::TRANSFER_IN: return "TRANSFER_IN";
    case movement_type::TRANSFER_OUT: return "TRANSFER_OUT";
  }
  return "?";
}

std::string_view name_of(audit_action action) {
  switch (action) {
    case audit_action::CREATE: return "CREATE";
    case audit_action::UPDATE: return "UPDATE";
    case audit_action::ACTIVATE: return "ACTIVATE";
    case audit_action::DEACTIVATE: return "DEACTIVATE";
    case audit_action::DELETE: return "DELETE";
    case audit_action::STOCK_IN: return "STOCK_IN";
    case audit_action::STOCK_OUT: return "STOCK_OUT";
    case audit_action::ADJUSTMENT: return "ADJUSTMENT";
    case audit_action::TRANSFER: return "TRANSFER";
    case audit_action::CHECKOUT: return "CHECKOUT";
    case audit_action::RETURN: return "RETURN";
    case audit_action::CANCEL_INVOICE: return "CANCEL_INVOICE";
    case audit_action::CREATE_PO: return "CREATE_PO";
    case audit_action::APPROVE_PO: return "APPROVE_PO";
    case audit_action::REJECT_PO: return "REJECT_PO";
    case audit_action::GOODS_RECEIPT: return "GOODS_RECEIPT";
    case audit_action::LOGIN: return "LOGIN";
    case audit_action::LOGOUT: return "LOGOUT";
    case audit_action::PASSWORD_CHANGE: return "PASSWORD_CHANGE";
    case audit_action::PASSWORD_RESET: return "PASSWORD_RESET";
    case audit_action::SUBMIT_PO: return "SUBMIT_PO";
  }
  return "?";
}

std::string_view name_of(audit_entity entity) {
  switch (entity) {
    case audit_entity::User: return "User";
    case audit_entity::Branch: return "Branch";
    case audit_entity::Category: return "Category";
    case audit_entity::Product: return "Product";
    case audit_entity::Supplier: return "Supplier";
    case audit_entity::Customer: return "Customer";
    case audit_entity::Inventory: return "Inventory";
    case audit_entity::Sale: return "Sale";
    case audit_entity::PurchaseOrder: return "PurchaseOrder";
  }
  return "?";
}

const sale_view* sales_view::find(sale_id id) const { return find_in(sale_index, sales, id); }
const return_view* sales_view::find(return_id id) const {
  return find_in(return_index, returns, id);
}
const transfer_view* inventory_view::find(transfer_id id) const {
  return find_in(transfer_index, transfers, id);
}
const adjustment_view* inventory_view::find(adjustment_id id) const {
  return find_in(adjustment_index, adjustments, id);
}
const purchase_order_view* procurement_view::find(purchase_order_id id) const {
  return find_in(order_index, orders, id);
}
const goods_receipt_view* procurement_view::find(goods_receipt_id id) const {
  return find_in(receipt_index, receipts, id);
}

std::uint64_t view_state::checkpoint(section s) const {
  switch (s) {
    case section::catalog: return catalog.checkpoint;
    case section::sales: return sales.checkpoint;
    case section::inventory: return inventory.checkpoint;
    case section::procurement: return procurement.checkpoint;
    case section::loyalty: return loyalty.checkpoint;
    case section::audit: return audit.checkpoint;
  }
  return 0;
}

std::uint64_t view_state::applied() const {
  std::uint64_t lowest = catalog.checkpoint;
  for (std::size_t i = 1; i < section_count; ++i) {
    lowest = std::min(lowest, checkpoint(static_cast<section>(i)));
  }
  return lowest;
}

void rebuild_indexes(view_state& state) {
  engine::rebuild_indexes(state.catalog.model);
  state.catalog.products_by_name.clear();
  state.catalog.folded_names.clear();
  state.catalog.search_order_dirty = true;

  sales_view& sales = state.sales;
  index_rows(sales.sale_index, sales.sales, [](const sale_view& s) { return s.id; });
  index_rows(sales.return_index, sales.returns, [](const return_view& r) { return r.id; });
  sales.sales_by_customer.clear();
  for (std::uint32_t i = 0; i < sales.sales.size(); ++i) {
    if (sales.sales[i].customer) sales.sales_by_customer[sales.sales[i].customer].push_back(i);
  }

  inventory_view& inventory = state.inventory;
  inventory.movements_by_branch.clear();
  for (std::uint32_t i = 0; i < inventory.movements.size(); ++i) {
    inventory.movements_by_branch[inventory.movements[i].branch].push_back(i);
  }
  index_rows(inventory.transfer_index, inventory.transfers,
             [](const transfer_view& t) { return t.id; });
  index_rows(inventory.adjustment_index, inventory.adjustments,
             [](const adjustment_view& a) { return a.id; });

  procurement_view& procurement = state.procurement;
  index_rows(procurement.order_index, procurement.orders,
             [](const purchase_order_view& o) { return o.id; });
  index_rows(procurement.receipt_index, procurement.receipts,
             [](const goods_receipt_view& r) { return r.id; });
  procurement.orders_by_supplier.clear();
  procurement.receipts_by_supplier.clear();
  for (std::uint32_t i = 0; i < procurement.orders.size(); ++i) {
    procurement.orders_by_supplier[procurement.orders[i].supplier].push_back(i);
  }
  for (const auto& receipt : procurement.receipts) ++procurement.receipts_by_supplier[receipt.supplier];

  loyalty_view& loyalty = state.loyalty;
  loyalty.by_customer.clear();
  for (std::uint32_t i = 0; i < loyalty.txns.size(); ++i) {
    loyalty.by_customer[loyalty.txns[i].customer].push_back(i);
  }
}

}  // namespace ledger::projections
