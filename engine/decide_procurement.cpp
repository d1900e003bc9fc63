// decide for purchase orders and goods receipts (api-contract section 9, with the [C++] fixes of
// 9.1, 9.2, 9.7 and 15.1 items 1, 3 and 6).
//
// Status machine: (create) -> DRAFT -> submit -> PENDING_APPROVAL -> approve -> APPROVED, or
// reject -> REJECTED; goods receipts move APPROVED or PARTIAL to PARTIAL or RECEIVED. A receipt
// stocks in at the actor's branch; POs themselves belong to no branch.
//
// Every handler checks in the contract's order: the shape of the input first (the API's
// validation stage, 400), then the records the command names, then the business rules.
#include <algorithm>
#include <fmt/format.h>
#include <optional>
#include <string_view>

#include "engine/handlers.h"
#include "events/money.h"

namespace ledger::engine {
namespace {

// The largest money value the ledger stores: the range the money module keeps exact (the same
// bound as for prices and payments), for unit costs, line totals and PO totals alike.
constexpr std::int64_t money_minor_max = money::amount_max;

decision rejected(rejection broken) {
  return detail::reject(broken.code, std::move(broken.message));
}

std::string_view status_name(purchase_order_status status) {
  return events::wire::EnumNamepurchase_order_status(status);
}

std::optional<rejection> check_text(const std::string& text, std::string_view field) {
  if (detail::text_fits(text)) return std::nullopt;
  return rejection{rejection_code::text_too_long,
                   fmt::format("{} must be shorter than or equal to {} characters", field,
                               limits::text_bytes_max)};
}

std::optional<rejection> check_line_count(std::size_t count) {
  if (count == 0) {
    return rejection{rejection_code::lines_required, "items must contain at least 1 elements"};
  }
  if (count > limits::document_lines_max) {
    return rejection{rejection_code::too_many_lines,
                     fmt::format("items must contain no more than {} elements",
                                 limits::document_lines_max)};
  }
  return std::nullopt;
}

// One priced line of a PO or a receipt (the reference validates neither; 15.1 item 6 asks for
// quantities >= 1 and costs >= 0). Upper bounds keep quantity x cost inside int64 and inside
// the ledger's money limit, so line totals are exact.
std::optional<rejection> check_priced_line(std::size_t index, std::int32_t quantity,
                                           std::int64_t unit_cost) {
  if (quantity < 1) {
    return rejection{rejection_code::quantity_must_be_positive,
                     fmt::format("items.{}.quantity must not be less than 1", index)};
  }
  if (quantity > limits::quantity_max) {
    return rejection{rejection_code::amount_too_large,
                     fmt::format("items.{}.quantity must not be greater than {}", index,
                                 limits::quantity_max)};
  }
  if (unit_cost < 0) {
    return rejection{rejection_code::amount_must_not_be_negative,
                     fmt::format("items.{}.unitCost must not be less than 0", index)};
  }
  if (unit_cost > money_minor_max) {
    return rejection{rejection_code::amount_too_large,
                     fmt::format("items.{}.unitCost must not be greater than {}", index,
                                 money::format_decimal(money_minor_max))};
  }
  const money::wide line_total = static_cast<money::wide>(quantity) * unit_cost;
  if (line_total > money_minor_max) {
    return rejection{rejection_code::amount_too_large,
                     fmt::format("items.{} line total must not be greater than {}", index,
                                 money::format_decimal(money_minor_max))};
  }
  return std::nullopt;
}

// quantity x unit_cost of a line that passed check_priced_line (so it fits).
std::int64_t line_total_of(std::int32_t quantity, std::int64_t unit_cost) {
  LEDGER_ASSERT(quantity > 0, "line of {} units", quantity);
  LEDGER_ASSERT(unit_cost >= 0 && unit_cost <= money_minor_max, "unit cost {} out of range",
                unit_cost);
  const money::wide total = static_cast<money::wide>(quantity) * unit_cost;
  LEDGER_ASSERT(total <= money_minor_max, "line total beyond the money limit");
  return static_cast<std::int64_t>(total);
}

decision reject_unknown_order() {
  return detail::reject(rejection_code::purchase_order_not_found, "Purchase Order not found");
}

}  // namespace

decision decide_one(const write_model& model, const create_purchase_order& c,
                    const command_context& context) {
  LEDGER_ASSERT(model.initialized, "purchase order on an uninitialized ledger");
  LEDGER_ASSERT(context.now_us > 0, "purchase order without a time");

  // Validation stage.
  if (auto broken = check_line_count(c.lines.size())) return rejected(*broken);
  money::wide total_cost = 0;
  for (std::size_t i = 0; i < c.lines.size(); ++i) {
    const purchase_order_line_request& line = c.lines[i];
    if (auto broken = check_priced_line(i, line.quantity, line.unit_cost)) {
      return rejected(*broken);
    }
    total_cost += line_total_of(line.quantity, line.unit_cost);
  }
  if (total_cost > money_minor_max) {
    return detail::reject(rejection_code::amount_too_large,
                          fmt::format("Total cost must not be greater than {}",
                                      money::format_decimal(money_minor_max)));
  }
  if (auto broken = check_text(c.notes, "notes")) return rejected(*broken);
  if (auto broken = check_text(c.po_number, "poNumber")) return rejected(*broken);

  // Inactive suppliers and products are accepted (api-contract 9.2).
  if (model.find(c.supplier) == nullptr) {
    return detail::reject(rejection_code::supplier_not_found, "Supplier not found");
  }
  // Distinct existing products against the number of items: an unknown product and a product
  // listed twice fail alike (api-contract 15.3 item 30). This also keeps every product on one
  // line of the PO, which goods receipts rely on.
  std::vector<std::uint64_t> existing;
  existing.reserve(c.lines.size());
  for (const purchase_order_line_request& line : c.lines) {
    if (model.find(line.product) != nullptr) existing.push_back(line.product.value);
  }
  std::sort(existing.begin(), existing.end());
  existing.erase(std::unique(existing.begin(), existing.end()), existing.end());
  if (existing.size() != c.lines.size()) {
    return detail::reject(rejection_code::products_not_found, "One or more products not found");
  }
  // An imported number must be unique; a generated one could only collide with an imported
  // number of the same shape, and the database's unique key would refuse that too.
  std::string po_number =
      c.po_number.empty()
          ? detail::next_document_number(model, document_kind::purchase_order, context.now_us)
          : c.po_number;
  if (model.purchase_order_by_number.contains(po_number)) {
    return detail::reject(rejection_code::po_number_already_exists,
                          "Duplicate value for poNumber");
  }

  detail::id_allocator ids{model};
  events::purchase_order_created e;
  e.purchase_order_id = ids.next<purchase_order_id>().value;
  e.po_number = std::move(po_number);
  e.supplier_id = c.supplier.value;
  e.status = c.start == purchase_order_start::draft ? purchase_order_status::DRAFT
                                                    : purchase_order_status::PENDING_APPROVAL;
  e.notes = c.notes;
  e.lines.reserve(c.lines.size());
  for (const purchase_order_line_request& line : c.lines) {
    e.lines.emplace_back(ids.next<purchase_order_line_id>().value, line.product.value,
                         line.quantity, line.unit_cost,
                         line_total_of(line.quantity, line.unit_cost));
  }
  e.total_cost = static_cast<std::int64_t>(total_cost);
  LEDGER_ASSERT(e.lines.size() == c.lines.size(), "every requested line is on the PO");
  LEDGER_ASSERT(ids.last() == model.last_entity_number + 1 + c.lines.size(),
                "a PO takes one id plus one per line");
  return detail::accept(model, {std::move(e)}, &ids);
}

decision decide_one(const write_model& model, const submit_purchase_order& c,
                    const command_context&) {
  LEDGER_ASSERT(model.initialized, "purchase order on an uninitialized ledger");
  const purchase_order_record* order = model.find(c.purchase_order);
  if (order == nullptr) return reject_unknown_order();
  if (order->status != purchase_order_status::DRAFT) {
    return detail::reject(
        rejection_code::purchase_order_not_draft,
        fmt::format("PO cannot be submitted. Current status: {}", status_name(order->status)));
  }
  events::purchase_order_submitted e;
  e.purchase_order_id = order->id.value;
  LEDGER_ASSERT(e.purchase_order_id == c.purchase_order.value, "submitted the named PO");
  return detail::accept(model, {std::move(e)});
}

decision decide_one(const write_model& model, const approve_purchase_order& c,
                    const command_context&) {
  LEDGER_ASSERT(model.initialized, "purchase order on an uninitialized ledger");
  const purchase_order_record* order = model.find(c.purchase_order);
  if (order == nullptr) return reject_unknown_order();
  // The creator may approve their own PO (api-contract 9.1).
  if (order->status != purchase_order_status::PENDING_APPROVAL) {
    return detail::reject(
        rejection_code::purchase_order_not_pending_approval,
        fmt::format("PO cannot be approved. Current status: {}", status_name(order->status)));
  }
  events::purchase_order_approved e;
  e.purchase_order_id = order->id.value;
  LEDGER_ASSERT(e.purchase_order_id == c.purchase_order.value, "approved the named PO");
  return detail::accept(model, {std::move(e)});
}

decision decide_one(const write_model& model, const reject_purchase_order& c,
                    const command_context&) {
  LEDGER_ASSERT(model.initialized, "purchase order on an uninitialized ledger");
  const purchase_order_record* order = model.find(c.purchase_order);
  if (order == nullptr) return reject_unknown_order();
  if (order->status != purchase_order_status::PENDING_APPROVAL) {
    return detail::reject(
        rejection_code::purchase_order_not_pending_approval,
        fmt::format("Cannot reject PO with status: {}", status_name(order->status)));
  }
  events::purchase_order_rejected e;
  e.purchase_order_id = order->id.value;
  LEDGER_ASSERT(e.purchase_order_id == c.purchase_order.value, "rejected the named PO");
  return detail::accept(model, {std::move(e)});
}

decision decide_one(const write_model& model, const receive_goods& c,
                    const command_context& context) {
  LEDGER_ASSERT(model.initialized, "goods receipt on an uninitialized ledger");
  const user_record& actor = detail::actor_record(model, context);
  LEDGER_ASSERT(actor.is_active, "inactive actor {} reached decide_one", actor.id.value);

  // Validation stage.
  if (auto broken = check_line_count(c.lines.size())) return rejected(*broken);
  for (std::size_t i = 0; i < c.lines.size(); ++i) {
    const goods_receipt_line_request& line = c.lines[i];
    if (auto broken = check_priced_line(i, line.quantity, line.unit_cost)) {
      return rejected(*broken);
    }
  }
  if (auto broken = check_text(c.notes, "notes")) return rejected(*broken);

  // Checks before the reference's transaction (api-contract 9.7).
  const purchase_order_record* order = model.find(c.purchase_order);
  if (order == nullptr) return reject_unknown_order();
  // [C++] fix (9.1, 15.1 item 3): a PARTIAL PO keeps receiving until it is complete.
  if (order->status != purchase_order_status::APPROVED &&
      order->status != purchase_order_status::PARTIAL) {
    return detail::reject(rejection_code::purchase_order_not_receivable,
                          "PO must be approved before receiving goods");
  }
  if (c.supplier != order->supplier) {
    return detail::reject(rejection_code::supplier_does_not_match_purchase_order,
                          "Supplier does not match PO supplier");
  }
  // The receipt is created at the actor's branch inside the transaction, which is where the
  // reference fails for a user without one (400 "Invalid data format"; clearer text per 1.9).
  if (!actor.branch) {
    return detail::reject(rejection_code::actor_branch_required,
                          "User must be assigned to a branch");
  }

  // Receipt lines, in order: each must name a line of this PO with the same product ([C++] fix
  // of 9.7 step 2; the reference's foreign-key text), and a product may appear once per receipt
  // (the reference's unique key on (grId, productId)).
  std::vector<const purchase_order_line_record*> ordered_lines;
  ordered_lines.reserve(c.lines.size());
  for (std::size_t i = 0; i < c.lines.size(); ++i) {
    const goods_receipt_line_request& line = c.lines[i];
    const auto it = std::find_if(order->lines.begin(), order->lines.end(),
                                 [&](const purchase_order_line_record& candidate) {
                                   return candidate.id == line.purchase_order_line;
                                 });
    if (it == order->lines.end() || it->product != line.product) {
      return detail::reject(rejection_code::purchase_order_line_mismatch,
                            "Referenced record does not exist");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (c.lines[j].product == line.product) {
        return detail::reject(rejection_code::duplicate_goods_receipt_product,
                              "Duplicate value for grId, productId");
      }
    }
    ordered_lines.push_back(&*it);
  }

  // Guarded increments, in order: never receive more than was ordered. The reference prints
  // "?" for a value that is 0 (api-contract 9.7, 15.3 item 31, kept).
  events::goods_receipt_recorded receipt;
  receipt.lines.reserve(c.lines.size());
  detail::id_allocator ids{model};
  receipt.receipt_id = ids.next<goods_receipt_id>().value;
  for (std::size_t i = 0; i < c.lines.size(); ++i) {
    const goods_receipt_line_request& line = c.lines[i];
    const purchase_order_line_record& ordered = *ordered_lines[i];
    if (std::int64_t{ordered.received_quantity} + line.quantity > ordered.quantity) {
      const std::string received = ordered.received_quantity == 0
                                       ? std::string{"?"}
                                       : std::to_string(ordered.received_quantity);
      return detail::reject(
          rejection_code::purchase_order_line_overshoot,
          fmt::format("PO item overshoot. Ordered: {}, Already received: {}, Requested: {}",
                      ordered.quantity, received, line.quantity));
    }
    const std::int32_t current = model.stock_of(actor.branch, line.product);
    LEDGER_ASSERT(current >= 0, "stock {} below zero", current);
    if (std::int64_t{current} + line.quantity > limits::quantity_max) {
      return detail::reject(rejection_code::amount_too_large,
                            fmt::format("Stock would exceed {}. Current: {}, Requested: {}",
                                        limits::quantity_max, current, line.quantity));
    }
    // Products are distinct within a receipt, so each line sees the stock before the receipt.
    receipt.lines.emplace_back(ids.next<goods_receipt_line_id>().value, ordered.id.value,
                               line.product.value, line.quantity, current + line.quantity,
                               line.unit_cost, line_total_of(line.quantity, line.unit_cost));
  }
  receipt.receipt_number =
      detail::next_document_number(model, document_kind::goods_receipt, context.now_us);
  receipt.purchase_order_id = order->id.value;
  receipt.supplier_id = order->supplier.value;
  receipt.branch_id = actor.branch.value;
  receipt.notes = c.notes;

  // The PO is complete when every one of its lines is, counting this receipt.
  bool complete = true;
  for (const purchase_order_line_record& line : order->lines) {
    std::int64_t received = line.received_quantity;
    for (std::size_t i = 0; i < c.lines.size(); ++i) {
      if (ordered_lines[i] == &line) received += c.lines[i].quantity;
    }
    LEDGER_ASSERT(received <= line.quantity, "PO line {} overshoot passed the guard",
                  line.id.value);
    complete = complete && received == line.quantity;
  }
  events::purchase_order_received status;
  status.purchase_order_id = order->id.value;
  status.status = complete ? purchase_order_status::RECEIVED : purchase_order_status::PARTIAL;
  status.receipt_id = receipt.receipt_id;

  LEDGER_ASSERT(receipt.lines.size() == c.lines.size(), "every requested line is received");
  LEDGER_ASSERT(ids.last() == model.last_entity_number + 1 + c.lines.size(),
                "a receipt takes one id plus one per line");
  std::vector<events::event> decided;
  decided.reserve(2);
  decided.emplace_back(std::move(receipt));
  decided.emplace_back(std::move(status));
  return detail::accept(model, std::move(decided), &ids);
}

}  // namespace ledger::engine
