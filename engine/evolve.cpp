#include "engine/evolve.h"

#include "engine/handlers.h"

namespace ledger::engine {

void evolve(write_model& model, const events::event& e, const event_context& context) {
  LEDGER_ASSERT(e.index() != 0, "evolve called with an empty event");
  LEDGER_ASSERT(context.sequence == model.last_sequence + 1,
                "sequence gap: model at {}, event {}", model.last_sequence, context.sequence);
  LEDGER_ASSERT(context.recorded_at_us >= model.last_recorded_at_us,
                "recorded time went back: {} after {}", context.recorded_at_us,
                model.last_recorded_at_us);
  std::visit(
      [&](const auto& body) {
        using E = std::decay_t<decltype(body)>;
        if constexpr (!std::is_same_v<E, std::monostate>) evolve_one(model, body, context);
      },
      e);
  model.last_sequence = context.sequence;
  model.head_hash = context.hash;
  model.last_recorded_at_us = context.recorded_at_us;
}

}  // namespace ledger::engine
