#pragma once
// A running ledger: the store, the write model recovered from it, and the single writer.
//
// Start-up = newest valid snapshot + replay of the tail (hash chain checked). A damaged or
// missing snapshot falls back to an older one or to a full replay, with the reason logged. A
// damaged log refuses to open (reporting the sequence): the ledger never silently drops
// history. The writer snapshots the model every `snapshot_every_events` events and on stop,
// and open() snapshots after replaying at least that many events.
#include <functional>
#include <memory>
#include <string>

#include "engine/command_processor.h"
#include "engine/event_store.h"

namespace ledger::engine {

struct ledger_options {
  std::string data_dir = "./data";
  bool sync_writes = true;
  std::uint64_t snapshot_every_events = 100'000;
  std::size_t batch_commands_max = limits::batch_commands_max;
  std::function<std::int64_t()> clock;           // default: system clock
  std::function<void(const std::string&)> log;  // default: stderr
  // false: open() leaves the writer stopped so subscribers (projections) can attach first;
  // the caller then calls start().
  bool start_writer = true;
  // Start-up work that needs only the store (the projector's recovery) runs on a second
  // thread while open() recovers the write model: both are snapshot decodes plus a tail
  // fold, so on two cores start-up takes the longer of the two instead of their sum. open()
  // returns (successfully or not) only after it has finished.
  std::function<void(event_store&)> recover_alongside;
};

class ledger_host {
 public:
  // Opens the store, recovers the model and starts the writer. nullptr + `error` on failure.
  [[nodiscard]] static std::unique_ptr<ledger_host> open(ledger_options options,
                                                         std::string& error);
  ~ledger_host();

  [[nodiscard]] command_processor& processor() { return *processor_; }
  [[nodiscard]] event_store& store() { return *store_; }
  // Events replayed at start-up after the snapshot (0 when the snapshot was at the head).
  [[nodiscard]] std::uint64_t replayed_at_start() const { return replayed_at_start_; }
  [[nodiscard]] std::uint64_t snapshot_at_start() const { return snapshot_at_start_; }

  // Starts the writer (when opened with start_writer = false).
  void start() { processor_->start(); }

  // Stops the writer (drains the queue, final snapshot). Idempotent.
  void stop();

 private:
  ledger_host() = default;
  ledger_options options_;
  std::unique_ptr<event_store> store_;
  std::unique_ptr<command_processor> processor_;
  std::uint64_t replayed_at_start_ = 0;
  std::uint64_t snapshot_at_start_ = 0;
};

}  // namespace ledger::engine
