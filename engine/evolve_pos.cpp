// evolve for carts and sales: the cart lifecycle, completed sales, returns and cancellations.
#include "engine/handlers.h"

namespace ledger::engine {
namespace {

cart_record& cart_of(write_model& model, std::uint64_t id) {
  const auto it = model.carts.find(cart_id{id});
  LEDGER_ASSERT(it != model.carts.end(), "event names unknown or checked-out cart {}", id);
  return it->second;
}

cart_line_record& line_of(cart_record& cart, std::uint64_t line) {
  for (auto& candidate : cart.lines) {
    if (candidate.id.value == line) return candidate;
  }
  LEDGER_ASSERT(false, "cart {} has no line {}", cart.id.value, line);
  __builtin_unreachable();
}

sale_record& sale_of(write_model& model, std::uint64_t id) {
  const auto it = model.sales.find(sale_id{id});
  LEDGER_ASSERT(it != model.sales.end(), "event names unknown sale {}", id);
  return it->second;
}

sale_line_record& sale_line_of(sale_record& sale, std::uint64_t line) {
  for (auto& candidate : sale.lines) {
    if (candidate.id.value == line) return candidate;
  }
  LEDGER_ASSERT(false, "sale {} has no line {}", sale.id.value, line);
  __builtin_unreachable();
}

}  // namespace

void evolve_one(write_model& model, const events::cart_opened& e, const event_context& context) {
  const cart_id id{e.cart_id};
  detail::note_entity(model, id.value);
  const active_cart_key key{user_id{e.cashier_id}, branch_id{e.branch_id}};
  LEDGER_ASSERT(!model.active_cart.contains(key), "cashier {} already has a cart at branch {}",
                e.cashier_id, e.branch_id);
  cart_record cart;
  cart.id = id;
  cart.cashier = key.cashier;
  cart.branch = key.branch;
  cart.created_at_us = context.recorded_at_us;
  cart.updated_at_us = context.recorded_at_us;
  const bool inserted = model.carts.emplace(id, std::move(cart)).second;
  LEDGER_ASSERT(inserted, "cart {} opened twice", id.value);
  model.active_cart.emplace(key, id);
}

void evolve_one(write_model& model, const events::cart_line_added& e,
                const event_context& context) {
  cart_record& cart = cart_of(model, e.cart_id);
  detail::note_entity(model, e.line_id);
  LEDGER_ASSERT(e.quantity > 0, "cart line of {} units", e.quantity);
  for (const auto& line : cart.lines) {
    LEDGER_ASSERT(line.product.value != e.product_id, "product {} twice in cart {}", e.product_id,
                  e.cart_id);
  }
  cart.lines.push_back(cart_line_record{cart_line_id{e.line_id}, product_id{e.product_id},
                                        e.quantity, e.unit_price, 0});
  model.cart_of_line.emplace(cart_line_id{e.line_id}, cart.id);
  cart.updated_at_us = context.recorded_at_us;
}

void evolve_one(write_model& model, const events::cart_line_quantity_changed& e,
                const event_context& context) {
  cart_record& cart = cart_of(model, e.cart_id);
  LEDGER_ASSERT(e.quantity > 0, "cart line quantity {} (0 removes the line)", e.quantity);
  line_of(cart, e.line_id).quantity = e.quantity;
  cart.updated_at_us = context.recorded_at_us;
}

void evolve_one(write_model& model, const events::cart_line_removed& e,
                const event_context& context) {
  cart_record& cart = cart_of(model, e.cart_id);
  const auto before = cart.lines.size();
  std::erase_if(cart.lines, [&](const cart_line_record& line) { return line.id.value == e.line_id; });
  LEDGER_ASSERT(cart.lines.size() + 1 == before, "cart {} had no line {}", e.cart_id, e.line_id);
  model.cart_of_line.erase(cart_line_id{e.line_id});
  cart.updated_at_us = context.recorded_at_us;
}

void evolve_one(write_model& model, const events::cart_customer_attached& e,
                const event_context& context) {
  cart_record& cart = cart_of(model, e.cart_id);
  LEDGER_ASSERT(model.customers.contains(customer_id{e.customer_id}), "unknown customer {}",
                e.customer_id);
  cart.customer = customer_id{e.customer_id};
  cart.updated_at_us = context.recorded_at_us;
}

void evolve_one(write_model& model, const events::cart_customer_detached& e,
                const event_context& context) {
  cart_record& cart = cart_of(model, e.cart_id);
  cart.customer = customer_id{};
  cart.updated_at_us = context.recorded_at_us;
}

void evolve_one(write_model& model, const events::cart_checked_out& e, const event_context&) {
  cart_record& cart = cart_of(model, e.cart_id);
  LEDGER_ASSERT(model.sales.contains(sale_id{e.sale_id}), "cart {} checked out into unknown sale {}",
                e.cart_id, e.sale_id);
  // A checked-out cart never changes again: it leaves the write model (its lines live on in
  // the sale, and the projections keep the cart's history).
  for (const auto& line : cart.lines) model.cart_of_line.erase(line.id);
  const auto erased = model.active_cart.erase(active_cart_key{cart.cashier, cart.branch});
  LEDGER_ASSERT(erased == 1, "checked-out cart {} was not the active one", e.cart_id);
  model.carts.erase(cart_id{e.cart_id});
}

void evolve_one(write_model& model, const events::sale_completed& e,
                const event_context& context) {
  const sale_id id{e.sale_id};
  detail::note_entity(model, id.value);
  LEDGER_ASSERT(!e.lines.empty(), "sale {} without lines", e.sale_id);
  LEDGER_ASSERT(e.total_amount == e.subtotal + e.tax_amount - e.discount_amount,
                "sale {} total {} != {} + {} - {}", e.sale_id, e.total_amount, e.subtotal,
                e.tax_amount, e.discount_amount);
  LEDGER_ASSERT(e.customer_id == 0 || model.customers.contains(customer_id{e.customer_id}),
                "sale {} for unknown customer {}", e.sale_id, e.customer_id);
  sale_record sale;
  sale.id = id;
  sale.invoice_number = e.invoice_number;
  sale.branch = branch_id{e.branch_id};
  sale.cashier = user_id{e.cashier_id};
  sale.customer = customer_id{e.customer_id};
  sale.total_amount = e.total_amount;
  sale.status = sale_status::COMPLETED;
  sale.created_at_us = context.recorded_at_us;
  sale.return_deadline_us = e.return_deadline_us;
  std::int64_t subtotal = 0;
  for (const auto& line : e.lines) {
    detail::note_entity(model, line.line_id());
    LEDGER_ASSERT(line.quantity() > 0, "sale line of {} units", line.quantity());
    LEDGER_ASSERT(line.subtotal() == (line.unit_price() - line.discount()) * line.quantity(),
                  "sale line {} subtotal mismatch", line.line_id());
    subtotal += line.subtotal();
    detail::move_stock(model, e.branch_id, line.product_id(), -std::int64_t{line.quantity()},
                       line.quantity_after());
    sale.lines.push_back(sale_line_record{sale_line_id{line.line_id()},
                                          product_id{line.product_id()}, line.quantity(), 0,
                                          line.unit_price()});
  }
  LEDGER_ASSERT(subtotal == e.subtotal, "sale {} subtotal {} != Σ lines {}", e.sale_id,
                e.subtotal, subtotal);
  std::int64_t paid = 0;
  for (const auto& payment : e.payments) {
    LEDGER_ASSERT(payment != nullptr, "null payment in sale {}", e.sale_id);
    detail::note_entity(model, payment->payment_id);
    paid += payment->amount - payment->change_due;
  }
  LEDGER_ASSERT(paid == e.total_amount, "sale {} paid {} (net of change) != total {}", e.sale_id,
                paid, e.total_amount);
  const bool inserted = model.sales.emplace(id, std::move(sale)).second;
  LEDGER_ASSERT(inserted, "sale {} completed twice", e.sale_id);
  detail::advance_document_counter(model, document_kind::invoice);
}

void evolve_one(write_model& model, const events::sale_returned& e, const event_context&) {
  sale_record& sale = sale_of(model, e.sale_id);
  detail::note_entity(model, e.return_id);
  LEDGER_ASSERT(sale.status == sale_status::COMPLETED, "return against sale {} in status {}",
                e.sale_id, static_cast<int>(sale.status));
  LEDGER_ASSERT(e.branch_id == sale.branch.value, "return restocks another branch");
  std::int64_t refund = 0;
  for (const auto& line : e.lines) {
    LEDGER_ASSERT(line != nullptr, "null returned line");
    sale_line_record& sold = sale_line_of(sale, line->sale_line_id);
    LEDGER_ASSERT(line->quantity > 0, "return of {} units", line->quantity);
    LEDGER_ASSERT(sold.returned_quantity + line->quantity <= sold.quantity,
                  "line {}: returned {} + {} > sold {}", sold.id.value, sold.returned_quantity,
                  line->quantity, sold.quantity);
    sold.returned_quantity += line->quantity;
    refund += line->refund_amount;
    detail::move_stock(model, e.branch_id, line->product_id, line->quantity,
                       line->quantity_after);
  }
  LEDGER_ASSERT(refund == e.total_refund, "return {} refund {} != Σ lines {}", e.return_id,
                e.total_refund, refund);
  sale.refunded_amount += e.total_refund;
  bool all_returned = true;
  for (const auto& line : sale.lines) all_returned &= line.returned_quantity >= line.quantity;
  const sale_status expected = all_returned ? sale_status::RETURNED : sale_status::COMPLETED;
  LEDGER_ASSERT(e.sale_status_after == expected, "return {} decided status {} but lines say {}",
                e.return_id, static_cast<int>(e.sale_status_after), static_cast<int>(expected));
  sale.status = e.sale_status_after;
  detail::advance_document_counter(model, document_kind::sale_return);
  ++model.return_count;
}

void evolve_one(write_model& model, const events::sale_cancelled& e, const event_context&) {
  sale_record& sale = sale_of(model, e.sale_id);
  LEDGER_ASSERT(sale.status == sale_status::COMPLETED, "cancel of sale {} in status {}",
                e.sale_id, static_cast<int>(sale.status));
  for (const auto& line : e.lines) {
    sale_line_record& sold = sale_line_of(sale, line.sale_line_id());
    LEDGER_ASSERT(line.quantity() == sold.quantity - sold.returned_quantity,
                  "cancel restocks {} of line {} but {} remain", line.quantity(), sold.id.value,
                  sold.quantity - sold.returned_quantity);
    detail::move_stock(model, e.branch_id, line.product_id(), line.quantity(),
                       line.quantity_after());
  }
  sale.status = sale_status::CANCELLED;
}

}  // namespace ledger::engine
