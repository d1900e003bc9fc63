#pragma once
// fold: apply one committed event to the views (projections/view_state.h).
//
// The read side's evolve. Pure apart from mutating the state: the event's recorded time and
// actor come with it; no clock, no I/O. Live application, catch-up, rebuild and time travel
// all go through fold(), so a view maintained live equals the same view rebuilt from zero
// (tested property).
//
// Each section applies the event only when the event is the next one for it (sequence ==
// checkpoint + 1); an event at or below its checkpoint is skipped (idempotent re-delivery);
// an event beyond checkpoint + 1 is a gap, which is a bug of the caller: asserted, fail-stop.
//
// Thread-safety: the caller owns the state exclusively while folding.
#include <bitset>
#include <cstdint>

#include "events/envelope.h"
#include "events/event.h"
#include "projections/view_state.h"

namespace ledger::projections {

struct event_record {
  std::uint64_t sequence = 0;
  std::int64_t recorded_at_us = 0;
  events::actor actor;
  const events::event* body = nullptr;
  hash256 hash{};
};

using section_set = std::bitset<section_count>;
inline section_set all_sections() { return section_set{}.set(); }

// The sections a section reads while folding (audit reads the catalog's previous state).
[[nodiscard]] section_set dependencies_of(section s);

// Applies `e` to every section in `sections` that has not applied it yet.
void fold(view_state& state, const event_record& e, section_set sections = all_sections());

// Derived data that is cheaper to bring up to date once per batch than once per event (the
// product search order). Call after a batch of folds and before reading.
void finish_batch(view_state& state);

}  // namespace ledger::projections
