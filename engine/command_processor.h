#pragma once
// The single writer: every command of the ledger goes through one thread that decides it
// against the in-memory write model and appends its events with group commit.
//
// Protocol (one loop iteration = one group commit):
//   1. take up to batch_commands_max queued commands (bounded MPSC queue; when it is full,
//      submit() answers writer_queue_full at once: explicit backpressure, never growth);
//   2. stamp the batch with one time (strictly after the previous batch's);
//   3. for each command in order: a client command id already committed answers the original
//      outcome (same payload) or command_id_reused_with_different_payload; otherwise decide,
//      and for accepted commands encode, hash-chain and evolve each event at once, so later
//      commands of the batch see earlier ones;
//   4. write all events and idempotency records in one RocksDB WriteBatch (sync = true);
//      a write failure stops the process (fail-stop): memory must never run ahead of disk;
//   5. complete every caller, then publish the batch's events to subscribers.
//
// Threads: submit() from any thread; completions and subscribers run on the writer thread and
// must be short (hand the outcome to your own executor). model() only while stopped.
#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/commands.h"
#include "engine/decide.h"
#include "engine/event_store.h"
#include "engine/limits.h"
#include "engine/write_model.h"

namespace ledger::engine {

// One committed event as the writer saw it.
struct recorded_event {
  events::envelope_header header;
  events::event body;
  hash256 hash{};
};

using published_batch = std::shared_ptr<const std::vector<recorded_event>>;

struct command_outcome {
  enum class status : std::uint8_t { committed, duplicate, rejected };
  status result = status::rejected;
  std::optional<rejection> rejected;
  std::uint64_t first_sequence = 0;  // 0 when no event was written
  std::uint64_t last_sequence = 0;
  std::int64_t recorded_at_us = 0;
  std::vector<events::event> events;  // this command's events (for duplicates: read back)

  [[nodiscard]] bool ok() const { return result != status::rejected; }
};

using command_completion = std::function<void(command_outcome&&)>;

struct processor_options {
  std::size_t batch_commands_max = limits::batch_commands_max;
  std::size_t queue_capacity = limits::writer_queue_capacity;
  // UTC microseconds; injectable so tests control time. Default: the system clock.
  std::function<std::int64_t()> clock;
  // Called on the writer thread with the model after a batch once at least
  // snapshot_every_events events were written since the last call, and on stop.
  std::function<void(const write_model&)> snapshot;
  std::uint64_t snapshot_every_events = 100'000;
};

// Group commits by commands per batch: bucket i counts batches of at most 2^i commands
// (1, 2, 4, ..., 4096 = batch_commands_max).
inline constexpr std::size_t batch_size_buckets = 13;
static_assert(std::size_t{1} << (batch_size_buckets - 1) >= limits::batch_commands_max);

struct processor_metrics {
  std::array<std::atomic<std::uint64_t>, batch_size_buckets> batch_sizes{};
  std::atomic<std::uint64_t> commands_committed{0};
  std::atomic<std::uint64_t> commands_rejected{0};
  std::atomic<std::uint64_t> commands_duplicate{0};
  std::atomic<std::uint64_t> batches{0};
  std::atomic<std::uint64_t> events_written{0};
  std::atomic<std::uint64_t> queue_depth{0};
};

class command_processor {
 public:
  // Takes the recovered model (its last_sequence must equal the store's last sequence).
  command_processor(event_store& store, write_model model, processor_options options);
  ~command_processor();
  command_processor(const command_processor&) = delete;
  command_processor& operator=(const command_processor&) = delete;

  // Subscribers receive every committed batch, in order. Register before start().
  void subscribe(std::function<void(const published_batch&)> subscriber);

  void start();
  // Stops accepting, finishes what is queued, takes the final snapshot, joins the thread.
  void stop();

  // `done` is called exactly once: on the writer thread after the durable commit, or at once
  // on this thread when the queue is full or the processor is stopped.
  void submit(command_request request, command_completion done);
  [[nodiscard]] std::future<command_outcome> submit(command_request request);

  [[nodiscard]] const processor_metrics& metrics() const { return metrics_; }
  [[nodiscard]] std::uint64_t head_sequence() const { return head_sequence_.load(); }

  // The write model; only while the writer is not running.
  [[nodiscard]] const write_model& model() const;

 private:
  struct queued_command {
    command_request request;
    command_completion done;
  };

  void run();
  void commit_batch(std::vector<queued_command>& batch);

  event_store& store_;
  write_model model_;
  processor_options options_;
  processor_metrics metrics_;
  std::vector<std::function<void(const published_batch&)>> subscribers_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<queued_command> queue_;  // guarded by mutex_
  bool accepting_ = false;            // guarded by mutex_
  bool stopping_ = false;             // guarded by mutex_
  std::thread writer_;
  std::atomic<std::uint64_t> head_sequence_{0};
  std::uint64_t events_since_snapshot_ = 0;  // writer thread only
};

}  // namespace ledger::engine
