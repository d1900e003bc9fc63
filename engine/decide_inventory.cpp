// decide for stock operations (api-contract section 7): stock-in, stock-out and stock counts act
// at the actor's own branch (api-contract 1.9); transfers move stock between the two branches the
// command names, all lines or none.
//
// Every handler checks in the contract's order: first the shape of the input (the API's
// validation stage, 400), then the actor's branch, then the records the command names, then the
// stock rules. The reference keeps a stock row for every (product, branch) pair, so its "no stock
// row" failure means "unknown product"; here absent stock is 0 and the product record decides.
#include <algorithm>
#include <fmt/format.h>
#include <optional>
#include <string_view>

#include "engine/handlers.h"
#include "events/money.h"

namespace ledger::engine {
namespace {

// A quantity on a command line: at least one unit (the contract's validation rule) and at most
// limits::quantity_max, so that stock arithmetic can never leave int32.
std::optional<rejection> check_quantity(std::int32_t quantity, std::string_view field) {
  if (quantity < 1) {
    return rejection{rejection_code::quantity_must_be_positive,
                     fmt::format("{} must not be less than 1", field)};
  }
  if (quantity > limits::quantity_max) {
    return rejection{rejection_code::amount_too_large,
                     fmt::format("{} must not be greater than {}", field, limits::quantity_max)};
  }
  return std::nullopt;
}

// A cost given with a stock-in: the contract accepts any value >= 0; the upper bound is the
// range the money module keeps exact, as for every other amount of the ledger.
std::optional<rejection> check_cost(std::int64_t cost, std::string_view field) {
  constexpr std::int64_t cost_max = money::amount_max;
  if (cost < 0) {
    return rejection{rejection_code::amount_must_not_be_negative,
                     fmt::format("{} must not be less than 0", field)};
  }
  if (cost > cost_max) {
    return rejection{rejection_code::amount_too_large,
                     fmt::format("{} must not be greater than {}", field,
                                 money::format_decimal(cost_max))};
  }
  return std::nullopt;
}

std::optional<rejection> check_text(const std::string& text, std::string_view field) {
  if (detail::text_fits(text)) return std::nullopt;
  return rejection{rejection_code::text_too_long,
                   fmt::format("{} must be shorter than or equal to {} characters", field,
                               limits::text_bytes_max)};
}

// Stock that grows past limits::quantity_max would soon leave int32: refuse it as input that is
// too large rather than let a later event overflow.
std::optional<rejection> check_stock_growth(std::int32_t current, std::int32_t quantity) {
  LEDGER_ASSERT(current >= 0, "stock {} below zero", current);
  LEDGER_ASSERT(quantity > 0, "stock growth by {} units", quantity);
  if (std::int64_t{current} + quantity <= limits::quantity_max) return std::nullopt;
  return rejection{rejection_code::amount_too_large,
                   fmt::format("Stock would exceed {}. Current: {}, Requested: {}",
                               limits::quantity_max, current, quantity)};
}

decision rejected(rejection broken) {
  return detail::reject(broken.code, std::move(broken.message));
}

// The branch a stock-in, stock-out or count acts at: the actor's own (api-contract 1.9). The
// reference fails with 400 "Invalid data format" for a user without one; the contract's [C++]
// recommendation keeps the status with a clearer message.
std::optional<rejection> check_actor_branch(const user_record& actor) {
  if (actor.branch) return std::nullopt;
  return rejection{rejection_code::actor_branch_required, "User must be assigned to a branch"};
}

}  // namespace

decision decide_one(const write_model& model, const receive_stock& c,
                    const command_context& context) {
  LEDGER_ASSERT(model.initialized, "stock-in on an uninitialized ledger");
  const user_record& actor = detail::actor_record(model, context);
  LEDGER_ASSERT(actor.is_active, "inactive actor {} reached decide_one", actor.id.value);

  if (auto broken = check_quantity(c.quantity, "quantity")) return rejected(*broken);
  if (auto broken = check_cost(c.unit_cost, "unitCost")) return rejected(*broken);
  if (auto broken = check_text(c.reference, "reference")) return rejected(*broken);
  if (auto broken = check_text(c.note, "note")) return rejected(*broken);
  if (auto broken = check_actor_branch(actor)) return rejected(*broken);
  // Inactive products may be stocked in (api-contract 7.1): only existence matters.
  if (model.find(c.product) == nullptr) {
    return detail::reject(rejection_code::product_not_found_in_branch,
                          "Product not found in this branch inventory");
  }
  const std::int32_t current = model.stock_of(actor.branch, c.product);
  if (auto broken = check_stock_growth(current, c.quantity)) return rejected(*broken);

  events::stock_received e;
  e.branch_id = actor.branch.value;
  e.product_id = c.product.value;
  e.quantity = c.quantity;
  e.quantity_after = current + c.quantity;
  // unit_cost and supplier are kept as given: the reference ignores both and does not even check
  // that the supplier exists (api-contract 7.1, 15.3 item 29).
  e.unit_cost = c.unit_cost;
  e.supplier_id = c.supplier.value;
  e.reference = c.reference;
  e.note = c.note;
  LEDGER_ASSERT(e.quantity_after > current, "stock-in must raise the stock");
  return detail::accept(model, {std::move(e)});
}

decision decide_one(const write_model& model, const issue_stock& c,
                    const command_context& context) {
  LEDGER_ASSERT(model.initialized, "stock-out on an uninitialized ledger");
  const user_record& actor = detail::actor_record(model, context);
  LEDGER_ASSERT(actor.is_active, "inactive actor {} reached decide_one", actor.id.value);

  if (auto broken = check_quantity(c.quantity, "quantity")) return rejected(*broken);
  if (auto broken = check_text(c.reason, "reason")) return rejected(*broken);
  if (auto broken = check_text(c.note, "note")) return rejected(*broken);
  if (auto broken = check_actor_branch(actor)) return rejected(*broken);
  if (model.find(c.product) == nullptr) {
    return detail::reject(rejection_code::product_not_found_in_branch,
                          "Product not found in this branch");
  }
  const std::int32_t current = model.stock_of(actor.branch, c.product);
  if (current < c.quantity) {
    return detail::reject(
        rejection_code::insufficient_stock,
        fmt::format("Insufficient stock. Current: {}, Requested: {}", current, c.quantity));
  }

  events::stock_issued e;
  e.branch_id = actor.branch.value;
  e.product_id = c.product.value;
  e.quantity = c.quantity;
  e.quantity_after = current - c.quantity;
  e.reason = c.reason;
  e.note = c.note;
  LEDGER_ASSERT(e.quantity_after >= 0, "stock-out below zero: {}", e.quantity_after);
  LEDGER_ASSERT(e.quantity_after < current, "stock-out must lower the stock");
  return detail::accept(model, {std::move(e)});
}

decision decide_one(const write_model& model, const adjust_stock& c,
                    const command_context& context) {
  LEDGER_ASSERT(model.initialized, "stock count on an uninitialized ledger");
  const user_record& actor = detail::actor_record(model, context);
  LEDGER_ASSERT(actor.is_active, "inactive actor {} reached decide_one", actor.id.value);

  // The counted quantity may be 0 (an empty shelf) but never negative.
  if (c.counted_quantity < 0) {
    return detail::reject(rejection_code::quantity_must_not_be_negative,
                          "actualQty must not be less than 0");
  }
  if (c.counted_quantity > limits::quantity_max) {
    return detail::reject(
        rejection_code::amount_too_large,
        fmt::format("actualQty must not be greater than {}", limits::quantity_max));
  }
  if (auto broken = check_text(c.reason, "reason")) return rejected(*broken);
  if (auto broken = check_actor_branch(actor)) return rejected(*broken);
  if (model.find(c.product) == nullptr) {
    return detail::reject(rejection_code::product_not_found_in_branch,
                          "Product not found in this branch");
  }

  // The adjustment record exists even when the count equals the system quantity (api-contract
  // 7.3): counts are evidence for the auditor, not only corrections.
  detail::id_allocator ids{model};
  events::stock_adjusted e;
  e.adjustment_id = ids.next<adjustment_id>().value;
  e.branch_id = actor.branch.value;
  e.product_id = c.product.value;
  e.system_quantity = model.stock_of(actor.branch, c.product);
  e.counted_quantity = c.counted_quantity;
  e.reason = c.reason;
  LEDGER_ASSERT(e.system_quantity >= 0, "system quantity {} below zero", e.system_quantity);
  LEDGER_ASSERT(ids.last() == model.last_entity_number + 1, "an adjustment takes one entity id");
  return detail::accept(model, {std::move(e)}, &ids);
}

decision decide_one(const write_model& model, const transfer_stock& c,
                    const command_context& context) {
  LEDGER_ASSERT(model.initialized, "transfer on an uninitialized ledger");
  const user_record& actor = detail::actor_record(model, context);
  LEDGER_ASSERT(actor.is_active, "inactive actor {} reached decide_one", actor.id.value);

  // Validation stage (the API's 400s): the item list and every item's quantity.
  if (c.lines.empty()) {
    return detail::reject(rejection_code::lines_required, "items must contain at least 1 elements");
  }
  if (c.lines.size() > limits::document_lines_max) {
    return detail::reject(rejection_code::too_many_lines,
                          fmt::format("items must contain no more than {} elements",
                                      limits::document_lines_max));
  }
  for (std::size_t i = 0; i < c.lines.size(); ++i) {
    if (auto broken = check_quantity(c.lines[i].quantity, fmt::format("items.{}.quantity", i))) {
      return rejected(*broken);
    }
  }
  if (auto broken = check_text(c.notes, "notes")) return rejected(*broken);

  // 1. Same branch on both ends.
  if (c.source == c.destination) {
    return detail::reject(rejection_code::transfer_branches_must_differ,
                          "Source and destination branches must be different");
  }
  // 2. Only a SUPER_ADMIN may move stock out of another branch (a user without a branch can
  //    therefore transfer nothing, api-contract 1.9).
  if (actor.role != user_role::SUPER_ADMIN && c.source != actor.branch) {
    return detail::reject(rejection_code::transfer_source_must_be_own_branch,
                          "You can only transfer stock from your assigned branch");
  }
  // 3. The reference counts the distinct existing products against the number of items, so an
  //    unknown product and a product listed twice fail alike (api-contract 15.3 item 30).
  std::vector<std::uint64_t> existing;
  existing.reserve(c.lines.size());
  for (const transfer_stock_line& line : c.lines) {
    if (model.find(line.product) != nullptr) existing.push_back(line.product.value);
  }
  std::sort(existing.begin(), existing.end());
  existing.erase(std::unique(existing.begin(), existing.end()), existing.end());
  if (existing.size() != c.lines.size()) {
    return detail::reject(rejection_code::products_not_found, "One or more products not found");
  }
  // 4. Unknown branches surface as the reference's foreign-key failure.
  if (model.find(c.source) == nullptr || model.find(c.destination) == nullptr) {
    return detail::reject(rejection_code::referenced_record_not_found,
                          "Referenced record does not exist");
  }

  // Then every line in order; the first failure rejects the whole transfer. Products are
  // distinct here, so each line sees the stock as it is before the transfer.
  events::stock_transferred e;
  e.lines.reserve(c.lines.size());
  for (const transfer_stock_line& line : c.lines) {
    const product_record* product = model.find(line.product);
    LEDGER_ASSERT(product != nullptr, "product {} passed the existence check", line.product.value);
    const std::int32_t available = model.stock_of(c.source, line.product);
    if (available < line.quantity) {
      return detail::reject(rejection_code::insufficient_stock,
                            fmt::format("Insufficient stock for {}. Available: {}, Requested: {}",
                                        product->name, available, line.quantity));
    }
    const std::int32_t at_destination = model.stock_of(c.destination, line.product);
    if (auto broken = check_stock_growth(at_destination, line.quantity)) return rejected(*broken);
    e.lines.emplace_back(line.product.value, line.quantity, available - line.quantity,
                         at_destination + line.quantity);
  }

  detail::id_allocator ids{model};
  e.transfer_id = ids.next<transfer_id>().value;
  e.reference_number = detail::next_document_number(model, document_kind::transfer, context.now_us);
  e.source_branch_id = c.source.value;
  e.destination_branch_id = c.destination.value;
  e.notes = c.notes;
  LEDGER_ASSERT(e.lines.size() == c.lines.size(), "every line is transferred or none");
  LEDGER_ASSERT(e.source_branch_id != e.destination_branch_id, "transfer within one branch");
  return detail::accept(model, {std::move(e)}, &ids);
}

}  // namespace ledger::engine
