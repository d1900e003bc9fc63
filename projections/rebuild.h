#pragma once
// Rebuild and time travel: views folded from the log on demand.
//
// rebuild_views() drops view snapshots and folds the log from sequence 1 (all sections, or one
// section plus what it reads while folding), then stores a fresh view snapshot at the head.
// views_as_of() answers "what did the views say at sequence N": the nearest view snapshot at
// or before N (or nothing), then the log up to N. Both use the pipelined log reader, so they
// run at the fold's speed (docs/performance.md has the figures).
//
// Thread-safety: read the store (safe beside a live writer); the results belong to the caller.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "engine/event_store.h"
#include "projections/view_state.h"

namespace ledger::projections {

// "catalog", "sales", ... (name_of(section)); nullopt for an unknown name.
[[nodiscard]] std::optional<section> parse_section(std::string_view name);

struct rebuild_progress {
  std::uint64_t sequence = 0;  // folded up to here
  std::uint64_t target = 0;    // the log's end when the rebuild started
  double seconds = 0;
};

struct rebuild_result {
  std::uint64_t events = 0;
  std::uint64_t sequence = 0;  // the views' applied sequence afterwards
  double fold_seconds = 0;  // reading and folding the log
  double seconds = 0;       // everything, including writing the view snapshot
  std::string error;  // empty on success
};

// Rebuilds every section (`only` unset) or one section. `progress` is called about once per
// million events.
[[nodiscard]] rebuild_result rebuild_views(
    engine::event_store& store, std::optional<section> only,
    const std::function<void(const rebuild_progress&)>& progress = {},
    const std::function<void(const std::string&)>& log = {});

// The views as of `sequence` (clamped to the log's end). nullopt and `error` when the log
// cannot be read up to there.
[[nodiscard]] std::optional<view_state> views_as_of(const engine::event_store& store,
                                                    std::uint64_t sequence, std::string& error);

}  // namespace ledger::projections
