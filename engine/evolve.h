#pragma once
// evolve: apply one committed event to the write model. Pure apart from mutating the model:
// no clock (the recorded time comes in the context), no randomness, no I/O.
//
// Events are facts: evolve never rejects. A fact that contradicts the model (stock below zero,
// an unknown id, a sequence gap) is a bug or a damaged log: it is asserted and fails stop.
#include <cstdint>

#include "engine/write_model.h"
#include "events/envelope.h"
#include "events/event.h"

namespace ledger::engine {

struct event_context {
  std::uint64_t sequence = 0;       // must be model.last_sequence + 1
  std::int64_t recorded_at_us = 0;
  hash256 hash{};                   // the event's chain hash (becomes the model's head)
};

void evolve(write_model& model, const events::event& e, const event_context& context);

}  // namespace ledger::engine
