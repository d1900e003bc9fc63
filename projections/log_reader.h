#pragma once
// Reading the committed log for the read side: catch-up, rebuild and time travel.
//
// read_log() walks events from..to of the `events` column family in order and hands each,
// decoded, to a callback on the calling thread. Decoding (envelope verification and payload
// unpacking) runs on a second thread, one chunk ahead, so on a two-core machine the fold and
// the decode overlap.
//
// What is checked: every envelope and payload is a valid FlatBuffer, sequences are gapless,
// and each envelope's previous hash equals the hash stored in the one before it (so a
// deletion or reordering is caught). The SHA-256 of each event is not recomputed: that is the
// writer's job on append and `posledger verify`'s job on audit; projections trust the hashes
// the log stores, which keeps rebuilds at memory speed.
//
// Thread-safety: reads the store (safe beside a live writer: it sees a consistent prefix).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "engine/event_store.h"
#include "engine/replay.h"
#include "projections/fold.h"

namespace ledger::projections {

struct log_read_result {
  std::uint64_t events = 0;  // events handed to the callback
  std::optional<engine::replay_problem> problem;
};

// Calls `apply` for events from..to (inclusive; `to` is clamped to the log's end) in order.
// `progress`, if set, is called about every 2^20 events with the last sequence handed over.
[[nodiscard]] log_read_result read_log(const engine::event_store& store, std::uint64_t from,
                                       std::uint64_t to,
                                       const std::function<void(const event_record&)>& apply,
                                       const std::function<void(std::uint64_t)>& progress = {});

// The last sequence whose recorded time is <= `instant_us` (0 when the log starts later).
// Binary search over the log (recorded times never go back).
[[nodiscard]] std::uint64_t sequence_at(const engine::event_store& store, std::int64_t instant_us);

// The recorded time of one stored event (nullopt when absent or damaged).
[[nodiscard]] std::optional<std::int64_t> recorded_at(const engine::event_store& store,
                                                      std::uint64_t sequence);

}  // namespace ledger::projections
