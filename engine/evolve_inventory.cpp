// evolve for stock movements: stock-in, stock-out, counts and transfers.
#include "engine/handlers.h"

namespace ledger::engine {
namespace detail {

// Sets the stock of (branch, product) to the decided quantity after a change of `delta`,
// asserting that the event's decided value agrees with the model (pair check) and that stock
// never goes negative.
void move_stock(write_model& model, std::uint64_t branch, std::uint64_t product,
                std::int64_t delta, std::int32_t quantity_after) {
  LEDGER_ASSERT(model.branches.contains(branch_id{branch}), "stock of unknown branch {}", branch);
  LEDGER_ASSERT(model.products.contains(product_id{product}), "stock of unknown product {}",
                product);
  std::int32_t& stock = model.stock[stock_key{branch_id{branch}, product_id{product}}];
  const std::int64_t expected = std::int64_t{stock} + delta;
  LEDGER_ASSERT(expected == quantity_after,
                "stock of product {} at branch {}: {} + {} != decided {}", product, branch, stock,
                delta, quantity_after);
  LEDGER_ASSERT(quantity_after >= 0, "stock of product {} at branch {} would be {}", product,
                branch, quantity_after);
  stock = quantity_after;
}

}  // namespace detail

void evolve_one(write_model& model, const events::stock_received& e, const event_context&) {
  LEDGER_ASSERT(e.quantity > 0, "stock-in of {} units", e.quantity);
  detail::move_stock(model, e.branch_id, e.product_id, e.quantity, e.quantity_after);
}

void evolve_one(write_model& model, const events::stock_issued& e, const event_context&) {
  LEDGER_ASSERT(e.quantity > 0, "stock-out of {} units", e.quantity);
  detail::move_stock(model, e.branch_id, e.product_id, -std::int64_t{e.quantity},
                     e.quantity_after);
}

void evolve_one(write_model& model, const events::stock_adjusted& e, const event_context&) {
  detail::note_entity(model, e.adjustment_id);
  LEDGER_ASSERT(e.counted_quantity >= 0, "counted quantity {}", e.counted_quantity);
  LEDGER_ASSERT(model.stock_of(branch_id{e.branch_id}, product_id{e.product_id}) ==
                    e.system_quantity,
                "adjustment saw system quantity {} but the model has {}", e.system_quantity,
                model.stock_of(branch_id{e.branch_id}, product_id{e.product_id}));
  detail::move_stock(model, e.branch_id, e.product_id,
                     std::int64_t{e.counted_quantity} - e.system_quantity, e.counted_quantity);
  ++model.adjustment_count;
}

void evolve_one(write_model& model, const events::stock_transferred& e, const event_context&) {
  detail::note_entity(model, e.transfer_id);
  LEDGER_ASSERT(e.source_branch_id != e.destination_branch_id, "transfer {} within one branch",
                e.transfer_id);
  LEDGER_ASSERT(!e.lines.empty(), "transfer {} without lines", e.transfer_id);
  for (const auto& line : e.lines) {
    LEDGER_ASSERT(line.quantity() > 0, "transfer line of {} units", line.quantity());
    detail::move_stock(model, e.source_branch_id, line.product_id(), -std::int64_t{line.quantity()},
                       line.source_quantity_after());
    detail::move_stock(model, e.destination_branch_id, line.product_id(), line.quantity(),
                       line.destination_quantity_after());
  }
  detail::advance_document_counter(model, document_kind::transfer);
  ++model.transfer_count;
}

}  // namespace ledger::engine
