#pragma once
// decide: (write model, command, context) -> events or a rejection. Pure: no clock (the time
// comes in the context, one per batch), no randomness, no I/O, no mutation.
//
// Every business rule of the ledger lives behind this function; checks run in the contract's
// precedence order and the first broken rule is the rejection.
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/commands.h"
#include "engine/rejection.h"
#include "engine/write_model.h"
#include "events/event.h"

namespace ledger::engine {

struct command_context {
  user_id actor;             // who asks (0 = the ledger itself, for initialize_ledger)
  std::int64_t now_us = 0;   // the batch's timestamp, UTC microseconds
};

struct decision {
  std::vector<events::event> events;  // empty and accepted: a no-op (e.g. open_cart on an open cart)
  std::optional<rejection> rejected;
  user_id actor;                      // the actor recorded in the events' envelopes
  std::uint64_t last_entity_number = 0;  // the model's counter once these events are applied

  [[nodiscard]] bool accepted() const { return !rejected.has_value(); }
};

[[nodiscard]] decision decide(const write_model& model, const command& c,
                              const command_context& context);

}  // namespace ledger::engine
