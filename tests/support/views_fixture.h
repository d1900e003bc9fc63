#pragma once
// Read-side test support: fold a decider spec's log (tests/support/spec.h) into views.
//
//   ledger_spec spec;
//   auto world = spec.standard_world();
//   spec.run(world.cashier, add_cart_line{...});
//   projections::view_state views = fold_spec_log(spec);
//
// Each logged event is folded with its sequence, recorded time and actor, exactly as the
// projector folds committed events (hashes are zeros: the spec does not chain them).
#include "projections/fold.h"
#include "projections/view_state.h"
#include "tests/support/spec.h"

namespace ledger::testing {

// Folds log[from_index..] of `spec` into `state` (which must have applied the events before).
inline void fold_spec_events(const ledger_spec& spec, projections::view_state& state,
                             std::size_t from_index = 0,
                             projections::section_set sections = projections::all_sections()) {
  for (std::size_t i = from_index; i < spec.log.size(); ++i) {
    const logged_event& e = spec.log[i];
    projections::fold(state,
                      projections::event_record{e.header.sequence, e.header.recorded_at_us,
                                                e.header.actor, &e.body, {}},
                      sections);
  }
  projections::finish_batch(state);
}

// Views as of the spec's whole log.
[[nodiscard]] inline projections::view_state fold_spec_log(const ledger_spec& spec) {
  projections::view_state state;
  fold_spec_events(spec, state);
  return state;
}

}  // namespace ledger::testing
