#include "engine/ledger.h"

#include <fmt/format.h>

#include <cstdio>
#include <thread>

#include "engine/replay.h"

namespace ledger::engine {

std::unique_ptr<ledger_host> ledger_host::open(ledger_options options, std::string& error) {
  if (!options.log) {
    options.log = [](const std::string& line) { std::fprintf(stderr, "posledger: %s\n", line.c_str()); };
  }
  std::unique_ptr<ledger_host> host(new ledger_host());
  host->options_ = options;
  host->store_ = event_store::open(store_options{options.data_dir, true, options.sync_writes}, error);
  if (!host->store_) return nullptr;

  // Joined on every return path below (std::jthread joins when it goes out of scope).
  std::jthread alongside;
  if (options.recover_alongside) {
    alongside = std::jthread([&recover = options.recover_alongside, store = host->store_.get()] {
      recover(*store);
    });
  }

  write_model model = load_newest_snapshot(*host->store_, options.log);
  host->snapshot_at_start_ = model.last_sequence;
  const replay_result replayed = replay(*host->store_, model);
  if (replayed.problem) {
    error = fmt::format("the log is damaged at sequence {}: {} (run `posledger verify`)",
                        replayed.problem->sequence, replayed.problem->reason);
    return nullptr;
  }
  host->replayed_at_start_ = replayed.events_applied;
  // A long replay is not repeated at the next start: snapshot before taking commands (the
  // writer would only snapshot after snapshot_every_events more events, or on stop).
  if (replayed.events_applied >= options.snapshot_every_events) {
    const rocksdb::Status status = save_snapshot(*host->store_, model);
    if (!status.ok()) options.log("snapshot after replay failed: " + status.ToString());
  }

  processor_options processor;
  processor.batch_commands_max = options.batch_commands_max;
  processor.clock = options.clock;
  processor.snapshot_every_events = options.snapshot_every_events;
  event_store* store = host->store_.get();
  auto log = options.log;
  processor.snapshot = [store, log](const write_model& current) {
    const rocksdb::Status status = save_snapshot(*store, current);
    // A failed snapshot costs start-up time only; the log stays the truth.
    if (!status.ok()) log("snapshot failed: " + status.ToString());
  };
  host->processor_ = std::make_unique<command_processor>(*host->store_, std::move(model),
                                                         std::move(processor));
  if (options.start_writer) host->processor_->start();
  return host;
}

void ledger_host::stop() {
  if (processor_) processor_->stop();
}

ledger_host::~ledger_host() {
  stop();
  processor_.reset();
  store_.reset();
}

}  // namespace ledger::engine
