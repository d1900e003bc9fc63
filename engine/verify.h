#pragma once
// verify and export: the auditor's tools over a stored ledger.
//
// verify walks the whole hash chain from sequence 1, replays every event into a fresh write
// model (so every evolve invariant is checked again), and compares that model with the
// newest stored snapshot at the snapshot's sequence. The first problem found is reported with
// its sequence number.
//
// Thread-safety: reads only; may run beside a live writer (it sees a consistent prefix).
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include "engine/event_store.h"
#include "engine/replay.h"

namespace ledger::engine {

struct verify_report {
  std::uint64_t events = 0;             // events that verified
  std::uint64_t log_end = 0;            // last stored sequence
  hash256 head_hash{};                  // hash of the last verified event
  std::optional<std::uint64_t> snapshot_sequence;  // the snapshot compared, if any
  bool snapshot_matches = true;
  std::optional<replay_problem> problem;  // the first problem

  [[nodiscard]] bool ok() const {
    return !problem.has_value() && snapshot_matches && events == log_end;
  }
};

[[nodiscard]] verify_report verify_ledger(const event_store& store,
                                          const std::function<void(std::uint64_t)>& progress = {});

// Writes events from..to (inclusive) as JSON lines: sequence, recordedAt (ISO-8601 UTC),
// actor, commandId, type, payload (schema field names; password and token hashes removed),
// hash. Stops at the first event that fails the chain check and returns that problem.
[[nodiscard]] std::optional<replay_problem> export_events(const event_store& store,
                                                          std::uint64_t from, std::uint64_t to,
                                                          std::ostream& out);

// ISO-8601 UTC with milliseconds, e.g. 2025-05-31T01:59:10.247Z.
[[nodiscard]] std::string iso_time(std::int64_t us);

}  // namespace ledger::engine
