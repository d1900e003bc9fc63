#pragma once
// Replay: fold the stored log into a write model, checking the hash chain as it goes.
//
// Replay never crashes on a damaged log: it stops at the last valid event and reports the
// first problem (its sequence number and what was wrong), like leveldb's log reader reporting
// dropped bytes. The model then holds the state as of the last valid event.
//
// Thread-safety: reads the store (safe from any thread); the model belongs to the caller.
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <variant>

#include "engine/event_store.h"
#include "engine/write_model.h"

namespace ledger::engine {

struct replay_problem {
  std::uint64_t sequence = 0;  // the first event that could not be applied
  std::string reason;
};

struct replay_result {
  std::uint64_t events_applied = 0;
  std::optional<replay_problem> problem;
};

// Applies events model.last_sequence + 1 ... up_to (inclusive) from the store. `progress`, if
// set, is called every 1,000,000 events with the last applied sequence.
[[nodiscard]] replay_result replay(const event_store& store, write_model& model,
                                   std::uint64_t up_to = std::numeric_limits<std::uint64_t>::max(),
                                   const std::function<void(std::uint64_t)>& progress = {});

// Checks one stored envelope against the chain (sequence and previous hash) and its own
// hash, and decodes its payload. Shared by replay, verify and export.
struct checked_event {
  events::envelope_header header;
  events::event body;
  hash256 hash{};
};
[[nodiscard]] std::variant<checked_event, std::string> check_event(
    std::string_view stored, std::uint64_t expected_sequence, const hash256& previous_hash);

// The newest snapshot that decodes and is not ahead of the log, or an empty model; `log`
// receives one line per snapshot that was skipped and why.
[[nodiscard]] write_model load_newest_snapshot(const event_store& store,
                                               const std::function<void(const std::string&)>& log);

// Encodes the model and stores it as a snapshot at its sequence, keeping the newest two.
[[nodiscard]] rocksdb::Status save_snapshot(event_store& store, const write_model& model);

}  // namespace ledger::engine
