// evolve for purchase orders and goods receipts.
#include "engine/handlers.h"

namespace ledger::engine {
namespace {

purchase_order_record& order_of(write_model& model, std::uint64_t id) {
  const auto it = model.purchase_orders.find(purchase_order_id{id});
  LEDGER_ASSERT(it != model.purchase_orders.end(), "event names unknown purchase order {}", id);
  return it->second;
}

void change_status(purchase_order_record& order, purchase_order_status from,
                   purchase_order_status to, std::int64_t at_us) {
  LEDGER_ASSERT(order.status == from, "purchase order {} in status {}, expected {}",
                order.id.value, static_cast<int>(order.status), static_cast<int>(from));
  order.status = to;
  order.updated_at_us = at_us;
}

}  // namespace

void evolve_one(write_model& model, const events::purchase_order_created& e,
                const event_context& context) {
  const purchase_order_id id{e.purchase_order_id};
  detail::note_entity(model, id.value);
  LEDGER_ASSERT(model.suppliers.contains(supplier_id{e.supplier_id}), "unknown supplier {}",
                e.supplier_id);
  LEDGER_ASSERT(e.status == purchase_order_status::DRAFT ||
                    e.status == purchase_order_status::PENDING_APPROVAL,
                "purchase order created in status {}", static_cast<int>(e.status));
  purchase_order_record order;
  order.id = id;
  order.po_number = e.po_number;
  order.supplier = supplier_id{e.supplier_id};
  order.status = e.status;
  order.created_at_us = context.recorded_at_us;
  order.updated_at_us = context.recorded_at_us;
  std::int64_t total = 0;
  for (const auto& line : e.lines) {
    detail::note_entity(model, line.line_id());
    LEDGER_ASSERT(line.quantity() > 0, "purchase order line of {} units", line.quantity());
    LEDGER_ASSERT(line.line_total() == line.unit_cost() * line.quantity(),
                  "purchase order line {} total mismatch", line.line_id());
    total += line.line_total();
    order.lines.push_back(purchase_order_line_record{purchase_order_line_id{line.line_id()},
                                                     product_id{line.product_id()},
                                                     line.quantity(), 0, line.unit_cost()});
  }
  LEDGER_ASSERT(total == e.total_cost, "purchase order {} total {} != Σ lines {}",
                e.purchase_order_id, e.total_cost, total);
  const bool indexed = model.purchase_order_by_number.emplace(e.po_number, id).second;
  LEDGER_ASSERT(indexed, "PO number '{}' used twice", e.po_number);
  const bool inserted = model.purchase_orders.emplace(id, std::move(order)).second;
  LEDGER_ASSERT(inserted, "purchase order {} created twice", id.value);
  detail::advance_document_counter(model, document_kind::purchase_order);
}

void evolve_one(write_model& model, const events::purchase_order_submitted& e,
                const event_context& context) {
  change_status(order_of(model, e.purchase_order_id), purchase_order_status::DRAFT,
                purchase_order_status::PENDING_APPROVAL, context.recorded_at_us);
}

void evolve_one(write_model& model, const events::purchase_order_approved& e,
                const event_context& context) {
  change_status(order_of(model, e.purchase_order_id), purchase_order_status::PENDING_APPROVAL,
                purchase_order_status::APPROVED, context.recorded_at_us);
}

void evolve_one(write_model& model, const events::purchase_order_rejected& e,
                const event_context& context) {
  change_status(order_of(model, e.purchase_order_id), purchase_order_status::PENDING_APPROVAL,
                purchase_order_status::REJECTED, context.recorded_at_us);
}

void evolve_one(write_model& model, const events::goods_receipt_recorded& e,
                const event_context& context) {
  purchase_order_record& order = order_of(model, e.purchase_order_id);
  detail::note_entity(model, e.receipt_id);
  LEDGER_ASSERT(order.status == purchase_order_status::APPROVED ||
                    order.status == purchase_order_status::PARTIAL,
                "goods received against purchase order {} in status {}", order.id.value,
                static_cast<int>(order.status));
  LEDGER_ASSERT(e.supplier_id == order.supplier.value, "receipt supplier differs from the PO's");
  for (const auto& line : e.lines) {
    detail::note_entity(model, line.line_id());
    purchase_order_line_record* ordered = nullptr;
    for (auto& candidate : order.lines) {
      if (candidate.id.value == line.purchase_order_line_id()) ordered = &candidate;
    }
    LEDGER_ASSERT(ordered != nullptr, "receipt line names unknown PO line {}",
                  line.purchase_order_line_id());
    LEDGER_ASSERT(ordered->product.value == line.product_id(), "receipt line product mismatch");
    LEDGER_ASSERT(line.quantity() > 0, "receipt line of {} units", line.quantity());
    LEDGER_ASSERT(ordered->received_quantity + line.quantity() <= ordered->quantity,
                  "PO line {} overshoot: {} + {} > {}", ordered->id.value,
                  ordered->received_quantity, line.quantity(), ordered->quantity);
    ordered->received_quantity += line.quantity();
    detail::move_stock(model, e.branch_id, line.product_id(), line.quantity(),
                       line.quantity_after());
  }
  order.updated_at_us = context.recorded_at_us;
  detail::advance_document_counter(model, document_kind::goods_receipt);
  ++model.goods_receipt_count;
}

void evolve_one(write_model& model, const events::purchase_order_received& e,
                const event_context& context) {
  purchase_order_record& order = order_of(model, e.purchase_order_id);
  bool complete = true;
  for (const auto& line : order.lines) complete &= line.received_quantity >= line.quantity;
  const purchase_order_status expected =
      complete ? purchase_order_status::RECEIVED : purchase_order_status::PARTIAL;
  LEDGER_ASSERT(e.status == expected, "purchase order {} decided status {} but lines say {}",
                e.purchase_order_id, static_cast<int>(e.status), static_cast<int>(expected));
  LEDGER_ASSERT(order.status == purchase_order_status::APPROVED ||
                    order.status == purchase_order_status::PARTIAL,
                "purchase order {} received in status {}", order.id.value,
                static_cast<int>(order.status));
  order.status = e.status;
  order.updated_at_us = context.recorded_at_us;
}

}  // namespace ledger::engine
