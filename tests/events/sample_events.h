#pragma once
// Deterministic sample events for the event tests: one instance of every event type of the
// catalog, with every field set to a non-default value where the type allows it (distinct ids,
// Vietnamese UTF-8 text, nested lines and payments). The golden files in tests/golden/ are the
// encodings of exactly these samples: changing a sample means regenerating its golden file
// (POSLEDGER_WRITE_GOLDEN=1 after deleting it), which a reviewer must see in the diff.
#include <optional>
#include <vector>

#include "events/event.h"

namespace ledger::testing {

// The sample of `type`; nullopt for a type that has no sample yet (the golden test fails then).
[[nodiscard]] std::optional<events::event> sample_event(events::event_type type);

// The samples of every type listed by events::all_event_types() that has one, in that order.
[[nodiscard]] std::vector<events::event> all_sample_events();

}  // namespace ledger::testing
