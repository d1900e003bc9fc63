#include "projections/rebuild.h"

#include <fmt/format.h>

#include <chrono>

#include "projections/fold.h"
#include "projections/log_reader.h"
#include "projections/view_snapshot.h"

namespace ledger::projections {
namespace {

using steady = std::chrono::steady_clock;

double seconds_since(steady::time_point start) {
  return std::chrono::duration<double>(steady::now() - start).count();
}

// Moves section `s` of `from` into `into`.
void take_section(view_state& into, view_state& from, section s) {
  switch (s) {
    case section::catalog: into.catalog = std::move(from.catalog); break;
    case section::sales: into.sales = std::move(from.sales); break;
    case section::inventory: into.inventory = std::move(from.inventory); break;
    case section::procurement: into.procurement = std::move(from.procurement); break;
    case section::loyalty: into.loyalty = std::move(from.loyalty); break;
    case section::audit: into.audit = std::move(from.audit); break;
  }
}

}  // namespace

std::optional<section> parse_section(std::string_view name) {
  for (std::size_t i = 0; i < section_count; ++i) {
    if (name_of(static_cast<section>(i)) == name) return static_cast<section>(i);
  }
  return std::nullopt;
}

rebuild_result rebuild_views(engine::event_store& store, std::optional<section> only,
                             const std::function<void(const rebuild_progress&)>& progress,
                             const std::function<void(const std::string&)>& log) {
  const auto start = steady::now();
  const auto say = [&](const std::string& line) {
    if (log) log(line);
  };
  rebuild_result result;
  const std::uint64_t target = store.last_sequence();

  // The state the rebuilt section is put back into: the newest snapshot (for one section).
  view_state kept;
  if (only) {
    if (auto loaded = load_views(store, target, say)) kept = std::move(*loaded);
  }

  section_set sections = all_sections();
  if (only) {
    sections.reset();
    sections.set(static_cast<std::size_t>(*only));
    sections |= dependencies_of(*only);
  }
  view_state fresh;
  const auto read = read_log(
      store, 1, target, [&](const event_record& e) { fold(fresh, e, sections); },
      [&](std::uint64_t sequence) {
        if (progress) progress(rebuild_progress{sequence, target, seconds_since(start)});
      });
  if (read.problem) {
    result.error = fmt::format("the log cannot be read at sequence {}: {}", read.problem->sequence,
                               read.problem->reason);
    return result;
  }
  result.events = read.events;

  view_state rebuilt;
  if (only) {
    // The kept sections catch up to the head first (with their own dependencies intact),
    // then the rebuilt section replaces its old copy.
    const auto tail = read_log(store, kept.applied() + 1, target,
                               [&](const event_record& e) { fold(kept, e); });
    if (tail.problem) {
      result.error = fmt::format("the log cannot be read at sequence {}: {}",
                                 tail.problem->sequence, tail.problem->reason);
      return result;
    }
    take_section(kept, fresh, *only);
    rebuilt = std::move(kept);
    rebuild_indexes(rebuilt);
  } else {
    rebuilt = std::move(fresh);
  }
  finish_batch(rebuilt);
  result.fold_seconds = seconds_since(start);
  if (progress) progress(rebuild_progress{target, target, result.fold_seconds});

  rocksdb::Status status = drop_view_snapshots(store);
  if (status.ok()) status = save_views(store, rebuilt, 3);
  if (!status.ok()) {
    result.error = "writing the view snapshot failed: " + status.ToString();
    return result;
  }
  result.sequence = rebuilt.applied();
  result.seconds = seconds_since(start);
  return result;
}

std::optional<view_state> views_as_of(const engine::event_store& store, std::uint64_t sequence,
                                      std::string& error) {
  sequence = std::min(sequence, store.last_sequence());
  view_state state;
  if (auto loaded = load_views(store, sequence, [](const std::string&) {})) {
    state = std::move(*loaded);
  }
  const auto read = read_log(store, state.applied() + 1, sequence,
                             [&](const event_record& e) { fold(state, e); });
  if (read.problem) {
    error = fmt::format("the log cannot be read at sequence {}: {}", read.problem->sequence,
                        read.problem->reason);
    return std::nullopt;
  }
  finish_batch(state);
  return state;
}

}  // namespace ledger::projections
