// fold: one committed event into each section of the views. One visitor per section; each
// handles the events it cares about and ignores the rest.
#include "projections/fold.h"

#include <algorithm>
#include <tuple>

#include "engine/evolve.h"
#include "events/assert.h"
#include "projections/json_writer.h"
#include "projections/text_fold.h"
#include "projections/time_text.h"

namespace ledger::projections {
namespace {

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};

// ------------------------------------------------------------------ catalog

// What one stock row adds to its branch's inventory totals (zero for inactive products).
inventory_totals contribution(const catalog_view& catalog, engine::stock_key key) {
  inventory_totals t;
  if (!catalog.stock_rows.contains(key)) return t;
  const auto* product = catalog.model.find(key.product);
  if (product == nullptr || !product->is_active) return t;
  const std::int64_t quantity = catalog.model.stock_of(key.branch, key.product);
  t.cost_value = quantity * product->cost_price;
  t.retail_value = quantity * product->selling_price;
  t.quantity = quantity;
  t.low_stock_rows = (product->min_stock > 0 && quantity <= product->min_stock) ? 1 : 0;
  return t;
}

void add(inventory_totals& into, const inventory_totals& t, std::int64_t sign) {
  into.cost_value += sign * t.cost_value;
  into.retail_value += sign * t.retail_value;
  into.quantity += sign * t.quantity;
  into.low_stock_rows += static_cast<std::int32_t>(sign) * t.low_stock_rows;
}

// The stock rows an event touches (their inventory contributions are re-added after it).
void touched_rows(const catalog_view& catalog, const events::event& body,
                  std::vector<engine::stock_key>& keys) {
  const auto row = [&](std::uint64_t branch, std::uint64_t product) {
    keys.push_back({branch_id{branch}, product_id{product}});
  };
  const auto product_everywhere = [&](std::uint64_t product) {
    for (const auto& [id, branch] : catalog.model.branches) row(id.value, product);
  };
  std::visit(
      overloaded{
          [&](const events::stock_received& e) { row(e.branch_id, e.product_id); },
          [&](const events::stock_issued& e) { row(e.branch_id, e.product_id); },
          [&](const events::stock_adjusted& e) { row(e.branch_id, e.product_id); },
          [&](const events::stock_transferred& e) {
            for (const auto& line : e.lines) {
              row(e.source_branch_id, line.product_id());
              row(e.destination_branch_id, line.product_id());
            }
          },
          [&](const events::sale_completed& e) {
            for (const auto& line : e.lines) row(e.branch_id, line.product_id());
          },
          [&](const events::sale_returned& e) {
            for (const auto& line : e.lines) row(e.branch_id, line->product_id);
          },
          [&](const events::sale_cancelled& e) {
            for (const auto& line : e.lines) row(e.branch_id, line.product_id());
          },
          [&](const events::goods_receipt_recorded& e) {
            for (const auto& line : e.lines) row(e.branch_id, line.product_id());
          },
          [&](const events::product_created& e) { product_everywhere(e.product_id); },
          [&](const events::product_updated& e) { product_everywhere(e.product_id); },
          [&](const events::product_activation_changed& e) { product_everywhere(e.product_id); },
          [&](const events::branch_created& e) {
            for (const auto& [id, product] : catalog.model.products) row(e.branch_id, id.value);
          },
          [](const auto&) {},
      },
      body);
}

void ensure_row(catalog_view& catalog, engine::stock_key key, std::int64_t at_us) {
  auto [it, inserted] = catalog.stock_rows.try_emplace(key);
  if (inserted) {
    it->second.ordinal = ++catalog.stock_row_count;
    it->second.created_at_us = at_us;
  }
  it->second.updated_at_us = at_us;
}

void fold_catalog(catalog_view& catalog, const event_record& e) {
  // Scratch reused across events (no allocation per sale during a rebuild); fold is not
  // re-entered on one thread.
  thread_local std::vector<engine::stock_key> keys;
  keys.clear();
  touched_rows(catalog, *e.body, keys);
  for (const auto& key : keys) add(catalog.inventory[key.branch], contribution(catalog, key), -1);

  // A respelled name can keep its folded key yet move in the order (ties go by name bytes).
  const bool renamed = std::visit(
      overloaded{[&](const events::product_updated& p) {
                   const auto* product = catalog.model.find(product_id{p.product_id});
                   return product == nullptr || product->name != p.name;
                 },
                 [](const auto&) { return false; }},
      *e.body);
  const bool was_active = std::visit(
      overloaded{[&](const events::product_activation_changed& p) {
                   const auto* product = catalog.model.find(product_id{p.product_id});
                   return product != nullptr && product->is_active;
                 },
                 [](const auto&) { return false; }},
      *e.body);

  engine::evolve(catalog.model, *e.body,
                 engine::event_context{e.sequence, e.recorded_at_us, e.hash});

  std::visit(
      overloaded{
          [&](const events::product_created& p) {
            ++catalog.active_products;
            for (const auto& [id, branch] : catalog.model.branches) {
              ensure_row(catalog, {id, product_id{p.product_id}}, e.recorded_at_us);
            }
            catalog.folded_names[product_id{p.product_id}] = fold_for_search(p.name);
            catalog.search_order_dirty = true;
          },
          [&](const events::product_updated& p) {
            if (!renamed) return;
            catalog.folded_names[product_id{p.product_id}] = fold_for_search(p.name);
            catalog.search_order_dirty = true;
          },
          [&](const events::product_activation_changed& p) {
            if (p.is_active != was_active) catalog.active_products += p.is_active ? 1 : -1;
          },
          [&](const events::branch_created& b) {
            for (const auto& [id, product] : catalog.model.products) {
              ensure_row(catalog, {branch_id{b.branch_id}, id}, e.recorded_at_us);
            }
          },
          [&](const auto&) {
            // Any other stock movement touches existing rows (or creates the destination row
            // of a transfer or goods receipt, as the contract does).
            for (const auto& key : keys) ensure_row(catalog, key, e.recorded_at_us);
          },
      },
      *e.body);

  for (const auto& key : keys) add(catalog.inventory[key.branch], contribution(catalog, key), +1);
}

// ------------------------------------------------------------------ sales

void add_day(sales_view& sales, const sale_view& sale, std::int64_t sign) {
  auto& day = sales.completed_by_day[day_key{sale.branch, utc_day(sale.created_at_us)}];
  day.count += sign;
  day.revenue += sign * sale.total_amount;
  day.cost += sign * sale.total_cost;
  day.items += sign * sale.total_quantity;
  auto& hour = day.hours[static_cast<std::size_t>(utc_hour(sale.created_at_us))];
  hour.count += sign;
  hour.revenue += sign * sale.total_amount;
}

sale_view& sale_at(sales_view& sales, std::uint64_t id) {
  const auto it = sales.sale_index.find(sale_id{id});
  LEDGER_ASSERT(it != sales.sale_index.end(), "sales view lacks sale {}", id);
  return sales.sales[it->second];
}

void fold_sales(sales_view& sales, const event_record& e) {
  std::visit(
      overloaded{
          [&](const events::sale_completed& s) {
            sale_view sale;
            sale.id = sale_id{s.sale_id};
            sale.sequence = e.sequence;
            sale.invoice_number = s.invoice_number;
            sale.cart = cart_id{s.cart_id};
            sale.branch = branch_id{s.branch_id};
            sale.cashier = user_id{s.cashier_id};
            sale.customer = customer_id{s.customer_id};
            sale.subtotal = s.subtotal;
            sale.tax_amount = s.tax_amount;
            sale.discount_amount = s.discount_amount;
            sale.total_amount = s.total_amount;
            sale.notes = s.notes;
            sale.created_at_us = e.recorded_at_us;
            sale.updated_at_us = e.recorded_at_us;
            sale.return_deadline_us = s.return_deadline_us;
            sale.lines.reserve(s.lines.size());
            for (const auto& line : s.lines) {
              sale.lines.push_back(sale_line_view{
                  sale_line_id{line.line_id()}, product_id{line.product_id()}, line.quantity(), 0,
                  line.tax_rate(), line.unit_price(), line.cost_price(), line.discount(),
                  line.subtotal()});
              sale.total_cost += line.cost_price() * line.quantity();
              sale.total_quantity += line.quantity();
            }
            sale.payments.reserve(s.payments.size());
            for (const auto& payment : s.payments) {
              sale.payments.push_back(payment_view{payment_id{payment->payment_id}, payment->method,
                                                   payment->amount, payment->change_due,
                                                   payment->reference});
            }
            const auto position = static_cast<std::uint32_t>(sales.sales.size());
            const bool inserted = sales.sale_index.emplace(sale.id, position).second;
            LEDGER_ASSERT(inserted, "sale {} completed twice", s.sale_id);
            if (sale.customer) sales.sales_by_customer[sale.customer].push_back(position);
            ++sales.sales_by_branch[sale.branch];
            add_day(sales, sale, +1);
            sales.sales.push_back(std::move(sale));
          },
          [&](const events::sale_returned& r) {
            sale_view& sale = sale_at(sales, r.sale_id);
            return_view ret;
            ret.id = return_id{r.return_id};
            ret.sequence = e.sequence;
            ret.return_number = r.return_number;
            ret.sale = sale.id;
            ret.branch = branch_id{r.branch_id};
            ret.customer = customer_id{r.customer_id};
            ret.processed_by = user_id{e.actor.user_id};
            ret.reason = r.reason;
            ret.total_refund = r.total_refund;
            ret.sale_status_after = r.sale_status_after;
            ret.created_at_us = e.recorded_at_us;
            for (const auto& line : r.lines) {
              auto sold = std::find_if(sale.lines.begin(), sale.lines.end(), [&](const auto& l) {
                return l.id.value == line->sale_line_id;
              });
              LEDGER_ASSERT(sold != sale.lines.end(), "return names unknown sale line {}",
                            line->sale_line_id);
              sold->returned_quantity += line->quantity;
              LEDGER_ASSERT(sold->returned_quantity <= sold->quantity, "line {} over-returned",
                            line->sale_line_id);
              const std::int64_t cost = sold->cost_price * line->quantity;
              ret.total_cost += cost;
              ret.lines.push_back(return_line_view{sold->id, sold->product, line->quantity,
                                                   line->refund_amount, cost, line->condition});
            }
            if (sale.status == sale_status::COMPLETED &&
                r.sale_status_after != sale_status::COMPLETED) {
              add_day(sales, sale, -1);
            }
            sale.status = r.sale_status_after;
            sale.refunded_amount += r.total_refund;
            sale.updated_at_us = e.recorded_at_us;
            sale.returns.push_back(ret.id);
            const bool inserted = sales.return_index
                                      .emplace(ret.id, static_cast<std::uint32_t>(sales.returns.size()))
                                      .second;
            LEDGER_ASSERT(inserted, "return {} recorded twice", r.return_id);
            sales.returns.push_back(std::move(ret));
          },
          [&](const events::sale_cancelled& c) {
            sale_view& sale = sale_at(sales, c.sale_id);
            LEDGER_ASSERT(sale.status == sale_status::COMPLETED, "cancel of sale {} in status {}",
                          c.sale_id, static_cast<int>(sale.status));
            cancellation_view cancel;
            cancel.sale = sale.id;
            cancel.sequence = e.sequence;
            cancel.branch = sale.branch;
            cancel.cancelled_by = user_id{e.actor.user_id};
            cancel.at_us = e.recorded_at_us;
            cancel.reversed_amount = sale.total_amount - sale.refunded_amount;
            for (const auto& line : c.lines) {
              auto sold = std::find_if(sale.lines.begin(), sale.lines.end(), [&](const auto& l) {
                return l.id.value == line.sale_line_id();
              });
              LEDGER_ASSERT(sold != sale.lines.end(), "cancel names unknown sale line {}",
                            line.sale_line_id());
              cancel.reversed_cost += sold->cost_price * line.quantity();
              cancel.restocked_quantity += line.quantity();
            }
            add_day(sales, sale, -1);
            sale.status = sale_status::CANCELLED;
            sale.cancelled_by = cancel.cancelled_by;
            sale.cancelled_at_us = e.recorded_at_us;
            sale.cancel_reason = c.reason;
            sale.updated_at_us = e.recorded_at_us;
            sales.cancellations.push_back(cancel);
          },
          [](const auto&) {},
      },
      *e.body);
}

// ------------------------------------------------------------------ inventory

void fold_inventory(inventory_view& inventory, const event_record& e) {
  std::uint32_t index = 0;
  const auto move = [&](std::uint64_t branch, std::uint64_t product, std::int32_t quantity,
                        movement_type type, movement_source source, std::uint64_t document) {
    const auto position = static_cast<std::uint32_t>(inventory.movements.size());
    inventory.movements.push_back(movement{derived_row_number(e.sequence, index++),
                                           e.recorded_at_us, user_id{e.actor.user_id},
                                           branch_id{branch}, product_id{product}, quantity, type,
                                           source, document});
    inventory.movements_by_branch[branch_id{branch}].push_back(position);
  };
  const auto text = [&](std::string reference, std::string note) {
    inventory.texts.push_back(movement_text{std::move(reference), std::move(note)});
    return static_cast<std::uint64_t>(inventory.texts.size() - 1);
  };
  std::visit(
      overloaded{
          [&](const events::stock_received& s) {
            move(s.branch_id, s.product_id, s.quantity, movement_type::STOCK_IN,
                 movement_source::stock_in, text(s.reference, s.note));
          },
          [&](const events::stock_issued& s) {
            move(s.branch_id, s.product_id, -s.quantity, movement_type::STOCK_OUT,
                 movement_source::stock_out, text(s.reason, s.note.empty() ? s.reason : s.note));
          },
          [&](const events::stock_adjusted& s) {
            move(s.branch_id, s.product_id, s.counted_quantity - s.system_quantity,
                 movement_type::ADJUSTMENT, movement_source::adjustment, s.adjustment_id);
            const bool inserted =
                inventory.adjustment_index
                    .emplace(adjustment_id{s.adjustment_id},
                             static_cast<std::uint32_t>(inventory.adjustments.size()))
                    .second;
            LEDGER_ASSERT(inserted, "adjustment {} recorded twice", s.adjustment_id);
            inventory.adjustments.push_back(adjustment_view{
                adjustment_id{s.adjustment_id}, branch_id{s.branch_id}, product_id{s.product_id},
                user_id{e.actor.user_id}, s.system_quantity, s.counted_quantity, s.reason,
                e.recorded_at_us});
          },
          [&](const events::stock_transferred& t) {
            transfer_view transfer;
            transfer.id = transfer_id{t.transfer_id};
            transfer.sequence = e.sequence;
            transfer.reference_number = t.reference_number;
            transfer.source = branch_id{t.source_branch_id};
            transfer.destination = branch_id{t.destination_branch_id};
            transfer.requested_by = user_id{e.actor.user_id};
            transfer.notes = t.notes;
            transfer.created_at_us = e.recorded_at_us;
            std::uint32_t item = 0;
            for (const auto& line : t.lines) {
              transfer.items.push_back(transfer_item_view{derived_row_number(e.sequence, item++),
                                                          product_id{line.product_id()},
                                                          line.quantity()});
              move(t.source_branch_id, line.product_id(), -line.quantity(),
                   movement_type::TRANSFER_OUT, movement_source::transfer, t.transfer_id);
              move(t.destination_branch_id, line.product_id(), line.quantity(),
                   movement_type::TRANSFER_IN, movement_source::transfer, t.transfer_id);
            }
            const bool inserted =
                inventory.transfer_index
                    .emplace(transfer.id, static_cast<std::uint32_t>(inventory.transfers.size()))
                    .second;
            LEDGER_ASSERT(inserted, "transfer {} recorded twice", t.transfer_id);
            inventory.transfers.push_back(std::move(transfer));
          },
          [&](const events::sale_completed& s) {
            for (const auto& line : s.lines) {
              move(s.branch_id, line.product_id(), -line.quantity(), movement_type::SALE,
                   movement_source::sale, s.sale_id);
            }
          },
          [&](const events::sale_returned& r) {
            for (const auto& line : r.lines) {
              move(r.branch_id, line->product_id, line->quantity, movement_type::RETURN,
                   movement_source::sale_return, r.return_id);
            }
          },
          [&](const events::sale_cancelled& c) {
            for (const auto& line : c.lines) {
              if (line.quantity() <= 0) continue;
              move(c.branch_id, line.product_id(), line.quantity(), movement_type::RETURN,
                   movement_source::cancellation, c.sale_id);
            }
          },
          [&](const events::goods_receipt_recorded& g) {
            for (const auto& line : g.lines) {
              move(g.branch_id, line.product_id(), line.quantity(), movement_type::STOCK_IN,
                   movement_source::goods_receipt, g.receipt_id);
            }
          },
          [](const auto&) {},
      },
      *e.body);
}

// ------------------------------------------------------------------ procurement

purchase_order_view& order_at(procurement_view& procurement, std::uint64_t id) {
  const auto it = procurement.order_index.find(purchase_order_id{id});
  LEDGER_ASSERT(it != procurement.order_index.end(), "procurement view lacks PO {}", id);
  return procurement.orders[it->second];
}

void fold_procurement(procurement_view& procurement, const event_record& e) {
  std::visit(
      overloaded{
          [&](const events::purchase_order_created& p) {
            purchase_order_view order;
            order.id = purchase_order_id{p.purchase_order_id};
            order.po_number = p.po_number;
            order.supplier = supplier_id{p.supplier_id};
            order.status = p.status;
            order.notes = p.notes;
            order.total_cost = p.total_cost;
            order.created_by = user_id{e.actor.user_id};
            order.created_at_us = e.recorded_at_us;
            order.updated_at_us = e.recorded_at_us;
            for (const auto& line : p.lines) {
              order.lines.push_back(purchase_order_line_view{
                  purchase_order_line_id{line.line_id()}, product_id{line.product_id()},
                  line.quantity(), 0, line.unit_cost(), line.line_total()});
            }
            const auto position = static_cast<std::uint32_t>(procurement.orders.size());
            const bool inserted = procurement.order_index.emplace(order.id, position).second;
            LEDGER_ASSERT(inserted, "PO {} created twice", p.purchase_order_id);
            procurement.orders_by_supplier[order.supplier].push_back(position);
            procurement.orders.push_back(std::move(order));
          },
          [&](const events::purchase_order_submitted& p) {
            auto& order = order_at(procurement, p.purchase_order_id);
            order.status = purchase_order_status::PENDING_APPROVAL;
            order.updated_at_us = e.recorded_at_us;
          },
          [&](const events::purchase_order_approved& p) {
            auto& order = order_at(procurement, p.purchase_order_id);
            order.status = purchase_order_status::APPROVED;
            order.approved_by = user_id{e.actor.user_id};
            order.approved_at_us = e.recorded_at_us;
            order.updated_at_us = e.recorded_at_us;
          },
          [&](const events::purchase_order_rejected& p) {
            auto& order = order_at(procurement, p.purchase_order_id);
            order.status = purchase_order_status::REJECTED;
            order.updated_at_us = e.recorded_at_us;
          },
          [&](const events::purchase_order_received& p) {
            auto& order = order_at(procurement, p.purchase_order_id);
            order.status = p.status;
            order.updated_at_us = e.recorded_at_us;
          },
          [&](const events::goods_receipt_recorded& g) {
            auto& order = order_at(procurement, g.purchase_order_id);
            goods_receipt_view receipt;
            receipt.id = goods_receipt_id{g.receipt_id};
            receipt.receipt_number = g.receipt_number;
            receipt.purchase_order = order.id;
            receipt.supplier = supplier_id{g.supplier_id};
            receipt.branch = branch_id{g.branch_id};
            receipt.received_by = user_id{e.actor.user_id};
            receipt.notes = g.notes;
            receipt.created_at_us = e.recorded_at_us;
            for (const auto& line : g.lines) {
              receipt.lines.push_back(goods_receipt_line_view{
                  goods_receipt_line_id{line.line_id()},
                  purchase_order_line_id{line.purchase_order_line_id()},
                  product_id{line.product_id()}, line.quantity(), line.unit_cost(),
                  line.line_total()});
              auto ordered = std::find_if(order.lines.begin(), order.lines.end(), [&](const auto& l) {
                return l.id.value == line.purchase_order_line_id();
              });
              LEDGER_ASSERT(ordered != order.lines.end(), "receipt names unknown PO line {}",
                            line.purchase_order_line_id());
              ordered->received_quantity += line.quantity();
              LEDGER_ASSERT(ordered->received_quantity <= ordered->quantity,
                            "PO line {} over-received", line.purchase_order_line_id());
            }
            order.receipts.push_back(receipt.id);
            order.updated_at_us = e.recorded_at_us;
            ++procurement.receipts_by_supplier[receipt.supplier];
            const bool inserted =
                procurement.receipt_index
                    .emplace(receipt.id, static_cast<std::uint32_t>(procurement.receipts.size()))
                    .second;
            LEDGER_ASSERT(inserted, "goods receipt {} recorded twice", g.receipt_id);
            procurement.receipts.push_back(std::move(receipt));
          },
          [](const auto&) {},
      },
      *e.body);
}

// ------------------------------------------------------------------ loyalty

void fold_loyalty(loyalty_view& loyalty, const event_record& e) {
  const auto record = [&](std::uint64_t customer, std::uint64_t sale, std::int32_t points,
                          const std::string& reference) {
    loyalty.by_customer[customer_id{customer}].push_back(
        static_cast<std::uint32_t>(loyalty.txns.size()));
    loyalty.txns.push_back(loyalty_txn_view{derived_row_number(e.sequence, 0),
                                            customer_id{customer}, sale_id{sale}, points,
                                            reference, e.recorded_at_us});
  };
  std::visit(overloaded{
                 [&](const events::loyalty_points_earned& p) {
                   record(p.customer_id, p.sale_id, p.points, p.reference);
                 },
                 // The contract's row carries the computed deduction and no sale (8.14).
                 [&](const events::loyalty_points_deducted& p) {
                   record(p.customer_id, 0, -p.points_computed, p.reference);
                 },
                 [](const auto&) {},
             },
             *e.body);
}

// ------------------------------------------------------------------ audit

std::string object(const auto& fill) {
  json_writer json;
  json.begin_object();
  fill(json);
  json.end_object();
  return json.take();
}

std::string role_name(user_role role) { return events::wire::EnumNameuser_role(role); }

void fold_audit(audit_view& audit, const catalog_view& before, const event_record& e) {
  const engine::write_model& model = before.model;
  const auto entry = [&](audit_action action, audit_entity entity, entity_kind kind,
                         std::uint64_t number, std::string old_value = {},
                         std::string new_value = {}, std::uint64_t detail = 0) {
    audit.entries.push_back(audit_entry{e.sequence, e.recorded_at_us, user_id{e.actor.user_id},
                                        branch_id{e.actor.branch_id}, action, entity, kind, number,
                                        detail, std::move(old_value), std::move(new_value)});
  };
  const auto toggled = [&](audit_entity entity, entity_kind kind, std::uint64_t number,
                           bool is_active, bool with_values) {
    const auto value = [](bool active) {
      return object([&](json_writer& j) { j.key("isActive").boolean(active); });
    };
    entry(is_active ? audit_action::ACTIVATE : audit_action::DEACTIVATE, entity, kind, number,
          with_values ? value(!is_active) : std::string{},
          with_values ? value(is_active) : std::string{});
  };
  const auto email_role = [](const std::string& email, user_role role) {
    return object([&](json_writer& j) {
      j.key("email").string(email);
      j.key("role").string(role_name(role));
    });
  };
  const auto name_price = [](const std::string& name, std::int64_t price) {
    return object([&](json_writer& j) {
      j.key("name").string(name);
      j.key("price").money_number(price);
    });
  };
  const auto just_name = [](const std::string& name) {
    return object([&](json_writer& j) { j.key("name").string(name); });
  };

  std::visit(
      overloaded{
          [&](const events::user_created& u) {
            entry(audit_action::CREATE, audit_entity::User, entity_kind::user, u.user_id, {},
                  email_role(u.email, u.role));
          },
          [&](const events::user_updated& u) {
            const auto* old = model.find(user_id{u.user_id});
            LEDGER_ASSERT(old != nullptr, "update of unknown user {}", u.user_id);
            entry(audit_action::UPDATE, audit_entity::User, entity_kind::user, u.user_id,
                  email_role(old->email, old->role), email_role(u.email, u.role));
          },
          [&](const events::user_activation_changed& u) {
            toggled(audit_entity::User, entity_kind::user, u.user_id, u.is_active, true);
          },
          [&](const events::user_password_changed& u) {
            entry(audit_action::PASSWORD_CHANGE, audit_entity::User, entity_kind::user, u.user_id);
          },
          [&](const events::user_password_reset_completed& u) {
            entry(audit_action::PASSWORD_RESET, audit_entity::User, entity_kind::user, u.user_id);
          },
          [&](const events::user_logged_in& u) {
            const auto* user = model.find(user_id{u.user_id});
            LEDGER_ASSERT(user != nullptr, "login of unknown user {}", u.user_id);
            entry(audit_action::LOGIN, audit_entity::User, entity_kind::user, u.user_id, {},
                  object([&](json_writer& j) { j.key("email").string(user->email); }));
          },
          [&](const events::user_logged_out& u) {
            entry(audit_action::LOGOUT, audit_entity::User, entity_kind::user, u.user_id);
          },
          [&](const events::branch_created& b) {
            entry(audit_action::CREATE, audit_entity::Branch, entity_kind::branch, b.branch_id, {},
                  object([&](json_writer& j) {
                    j.key("code").string(b.code);
                    j.key("name").string(b.name);
                  }));
          },
          [&](const events::branch_updated& b) {
            const auto* old = model.find(branch_id{b.branch_id});
            LEDGER_ASSERT(old != nullptr, "update of unknown branch {}", b.branch_id);
            const auto name_code = [](const std::string& name, const std::string& code) {
              return object([&](json_writer& j) {
                j.key("name").string(name);
                j.key("code").string(code);
              });
            };
            entry(audit_action::UPDATE, audit_entity::Branch, entity_kind::branch, b.branch_id,
                  name_code(old->name, old->code), name_code(b.name, b.code));
          },
          [&](const events::branch_activation_changed& b) {
            toggled(audit_entity::Branch, entity_kind::branch, b.branch_id, b.is_active, true);
          },
          [&](const events::category_created& c) {
            entry(audit_action::CREATE, audit_entity::Category, entity_kind::category,
                  c.category_id, {}, just_name(c.name));
          },
          [&](const events::category_updated& c) {
            const auto* old = model.find(category_id{c.category_id});
            LEDGER_ASSERT(old != nullptr, "update of unknown category {}", c.category_id);
            entry(audit_action::UPDATE, audit_entity::Category, entity_kind::category,
                  c.category_id, just_name(old->name), just_name(c.name));
          },
          [&](const events::category_deleted& c) {
            const auto* old = model.find(category_id{c.category_id});
            LEDGER_ASSERT(old != nullptr, "delete of unknown category {}", c.category_id);
            entry(audit_action::DELETE, audit_entity::Category, entity_kind::category,
                  c.category_id, just_name(old->name));
          },
          [&](const events::product_created& p) {
            entry(audit_action::CREATE, audit_entity::Product, entity_kind::product, p.product_id,
                  {}, object([&](json_writer& j) {
                    j.key("sku").string(p.sku);
                    j.key("name").string(p.name);
                    j.key("price").money_number(p.selling_price);
                  }));
          },
          [&](const events::product_updated& p) {
            const auto* old = model.find(product_id{p.product_id});
            LEDGER_ASSERT(old != nullptr, "update of unknown product {}", p.product_id);
            entry(audit_action::UPDATE, audit_entity::Product, entity_kind::product, p.product_id,
                  name_price(old->name, old->selling_price), name_price(p.name, p.selling_price));
          },
          [&](const events::product_activation_changed& p) {
            toggled(audit_entity::Product, entity_kind::product, p.product_id, p.is_active, true);
          },
          [&](const events::supplier_created& s) {
            entry(audit_action::CREATE, audit_entity::Supplier, entity_kind::supplier,
                  s.supplier_id, {}, object([&](json_writer& j) {
                    j.key("code").string(s.code);
                    j.key("name").string(s.name);
                  }));
          },
          [&](const events::supplier_updated& s) {
            const auto* old = model.find(supplier_id{s.supplier_id});
            LEDGER_ASSERT(old != nullptr, "update of unknown supplier {}", s.supplier_id);
            entry(audit_action::UPDATE, audit_entity::Supplier, entity_kind::supplier,
                  s.supplier_id, just_name(old->name), just_name(s.name));
          },
          [&](const events::supplier_activation_changed& s) {
            toggled(audit_entity::Supplier, entity_kind::supplier, s.supplier_id, s.is_active,
                    false);
          },
          [&](const events::customer_created& c) {
            entry(audit_action::CREATE, audit_entity::Customer, entity_kind::customer,
                  c.customer_id, {}, object([&](json_writer& j) {
                    j.key("name").string(c.name);
                    j.key("phone").string(c.phone);
                  }));
          },
          [&](const events::customer_updated& c) {
            entry(audit_action::UPDATE, audit_entity::Customer, entity_kind::customer,
                  c.customer_id);
          },
          [&](const events::stock_received& s) {
            entry(audit_action::STOCK_IN, audit_entity::Inventory, entity_kind::product,
                  s.product_id, {}, object([&](json_writer& j) {
                    j.key("quantity").integer(s.quantity);
                    j.key("newStock").integer(s.quantity_after);
                    j.key("reference").optional_string(s.reference);
                  }));
          },
          [&](const events::stock_issued& s) {
            entry(audit_action::STOCK_OUT, audit_entity::Inventory, entity_kind::product,
                  s.product_id, {}, object([&](json_writer& j) {
                    j.key("quantity").integer(-s.quantity);
                    j.key("reason").string(s.reason);
                    j.key("newStock").integer(s.quantity_after);
                  }));
          },
          [&](const events::stock_adjusted& s) {
            entry(audit_action::ADJUSTMENT, audit_entity::Inventory, entity_kind::product,
                  s.product_id, {}, object([&](json_writer& j) {
                    j.key("systemQty").integer(s.system_quantity);
                    j.key("actualQty").integer(s.counted_quantity);
                    j.key("difference").integer(s.counted_quantity - s.system_quantity);
                    j.key("reason").string(s.reason);
                  }));
          },
          [&](const events::stock_transferred& t) {
            const auto ns = model.ledger_namespace;
            entry(audit_action::TRANSFER, audit_entity::Inventory, entity_kind::transfer,
                  t.transfer_id, {}, object([&](json_writer& j) {
                    j.key("sourceBranch").string(format_uuid(ns, entity_kind::branch, t.source_branch_id));
                    j.key("destBranch").string(format_uuid(ns, entity_kind::branch, t.destination_branch_id));
                    j.key("items").integer(static_cast<std::int64_t>(t.lines.size()));
                    j.key("refNumber").string(t.reference_number);
                  }));
          },
          [&](const events::sale_completed& s) {
            entry(audit_action::CHECKOUT, audit_entity::Sale, entity_kind::sale, s.sale_id);
          },
          [&](const events::sale_returned& r) {
            entry(audit_action::RETURN, audit_entity::Sale, entity_kind::sale, r.sale_id, {}, {},
                  r.return_id);
          },
          [&](const events::sale_cancelled& c) {
            entry(audit_action::CANCEL_INVOICE, audit_entity::Sale, entity_kind::sale, c.sale_id);
          },
          [&](const events::purchase_order_created& p) {
            entry(audit_action::CREATE_PO, audit_entity::PurchaseOrder,
                  entity_kind::purchase_order, p.purchase_order_id, {}, object([&](json_writer& j) {
                    j.key("poNumber").string(p.po_number);
                    j.key("totalCost").money_number(p.total_cost);
                    j.key("itemCount").integer(static_cast<std::int64_t>(p.lines.size()));
                  }));
          },
          [&](const events::purchase_order_submitted& p) {
            entry(audit_action::SUBMIT_PO, audit_entity::PurchaseOrder,
                  entity_kind::purchase_order, p.purchase_order_id);
          },
          [&](const events::purchase_order_approved& p) {
            entry(audit_action::APPROVE_PO, audit_entity::PurchaseOrder,
                  entity_kind::purchase_order, p.purchase_order_id);
          },
          [&](const events::purchase_order_rejected& p) {
            entry(audit_action::REJECT_PO, audit_entity::PurchaseOrder,
                  entity_kind::purchase_order, p.purchase_order_id);
          },
          [&](const events::goods_receipt_recorded& g) {
            entry(audit_action::GOODS_RECEIPT, audit_entity::PurchaseOrder,
                  entity_kind::purchase_order, g.purchase_order_id, {}, object([&](json_writer& j) {
                    j.key("receiptNo").string(g.receipt_number);
                    j.key("itemCount").integer(static_cast<std::int64_t>(g.lines.size()));
                  }));
          },
          [](const auto&) {},
      },
      *e.body);
}

// Applies when the event is the section's next one; skips events already applied.
bool due(std::uint64_t& checkpoint, std::uint64_t sequence, section s) {
  if (sequence <= checkpoint) return false;
  LEDGER_ASSERT(sequence == checkpoint + 1, "view {} at {} was handed event {} (gap)", name_of(s),
                checkpoint, sequence);
  checkpoint = sequence;
  return true;
}

bool search_less(const catalog_view& catalog, product_id a, product_id b) {
  const auto& fa = catalog.folded_names.at(a);
  const auto& fb = catalog.folded_names.at(b);
  if (fa != fb) return fa < fb;
  const auto& na = catalog.model.find(a)->name;
  const auto& nb = catalog.model.find(b)->name;
  if (na != nb) return na < nb;
  return a < b;
}

}  // namespace

section_set dependencies_of(section s) {
  section_set deps;
  if (s == section::audit) deps.set(static_cast<std::size_t>(section::catalog));
  return deps;
}

void fold(view_state& state, const event_record& e, section_set sections) {
  LEDGER_ASSERT(e.body != nullptr && !std::holds_alternative<std::monostate>(*e.body),
                "fold of an empty event at {}", e.sequence);
  const auto wants = [&](section s) { return sections.test(static_cast<std::size_t>(s)); };
  // Audit first: it reads the catalog as it was before this event.
  if (wants(section::audit) && due(state.audit.checkpoint, e.sequence, section::audit)) {
    LEDGER_ASSERT(state.catalog.checkpoint + 1 == e.sequence,
                  "audit folded without its catalog (catalog at {}, event {})",
                  state.catalog.checkpoint, e.sequence);
    fold_audit(state.audit, state.catalog, e);
  }
  if (wants(section::catalog) && due(state.catalog.checkpoint, e.sequence, section::catalog)) {
    fold_catalog(state.catalog, e);
  }
  if (wants(section::sales) && due(state.sales.checkpoint, e.sequence, section::sales)) {
    fold_sales(state.sales, e);
  }
  if (wants(section::inventory) && due(state.inventory.checkpoint, e.sequence, section::inventory)) {
    fold_inventory(state.inventory, e);
  }
  if (wants(section::procurement) &&
      due(state.procurement.checkpoint, e.sequence, section::procurement)) {
    fold_procurement(state.procurement, e);
  }
  if (wants(section::loyalty) && due(state.loyalty.checkpoint, e.sequence, section::loyalty)) {
    fold_loyalty(state.loyalty, e);
  }
}

void finish_batch(view_state& state) {
  catalog_view& catalog = state.catalog;
  if (!catalog.search_order_dirty &&
      catalog.products_by_name.size() == catalog.model.products.size()) {
    return;
  }
  for (const auto& [id, product] : catalog.model.products) {
    if (!catalog.folded_names.contains(id)) catalog.folded_names[id] = fold_for_search(product.name);
  }
  catalog.products_by_name.clear();
  catalog.products_by_name.reserve(catalog.model.products.size());
  for (const auto& [id, product] : catalog.model.products) catalog.products_by_name.push_back(id);
  std::sort(catalog.products_by_name.begin(), catalog.products_by_name.end(),
            [&](product_id a, product_id b) { return search_less(catalog, a, b); });
  catalog.search_order_dirty = false;
}

}  // namespace ledger::projections
