#pragma once
// The projector: keeps the views (projections/view_state.h) up to date with the committed log
// and serves reads of them.
//
//   writer thread ──publish(batch)──> queue ──> projector thread: fold each event, once
//                                                    │  catch up from the `events` family at
//                                                    │  start-up and whenever a gap shows
//                                                    ├─> watermark (read-your-writes)
//                                                    ├─> dashboard feed (coalesced per scope)
//                                                    └─> view snapshots every N events
//
// Protocol:
//   1. recover(): load the newest view snapshot that is not ahead of the log, then fold the
//      log's tail from the `events` family (pipelined decode, projections/log_reader.h);
//   2. attach(processor) before the writer starts: every committed batch is handed over on the
//      writer thread (a pointer push, nothing more);
//   3. start(): the projector thread folds batches in order. Events at or below the applied
//      sequence are skipped (a batch may overlap what the catch-up already read); a batch that
//      starts beyond applied + 1 (a gap) first catches up from the log;
//   4. queries call read(f): f runs under a shared lock on a state that has applied every
//      event of some prefix of the log; when_applied(sequence, f) runs f once the views have
//      applied that sequence (on the projector thread, right after the batch that applies
//      it: nobody blocks waiting); wait_for(sequence) blocks until then (bounded).
//
// Folding holds the exclusive lock for one batch at a time (at most the writer's batch size),
// so readers wait at most one batch. A failure to fold is a bug or a damaged log: asserted,
// fail-stop, like the writer.
//
// Thread-safety: all public members may be called from any thread, except recover(), attach()
// and start(), which are start-up steps of one thread.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/command_processor.h"
#include "engine/event_store.h"
#include "projections/view_state.h"

namespace ledger::projections {

// One dashboard push: the KPIs of one scope as of `sequence`.
struct dashboard_update {
  std::optional<branch_id> scope;  // nullopt: the whole chain
  std::uint64_t sequence = 0;
  std::string json;
};

struct projector_options {
  // A view snapshot after at least this many events were folded since the last one, and on
  // stop. 0 disables periodic snapshots (the one on stop is still taken).
  std::uint64_t snapshot_every_events = 1'000'000;
  std::size_t snapshots_kept = 3;
  // Dashboard pushes per scope at most this often (coalesced in between).
  std::chrono::milliseconds dashboard_interval{250};
  // Renders one scope's KPIs (projections/report_queries.h dashboard()). Unset: no feed.
  std::function<std::string(const view_state&, std::optional<branch_id>, std::int64_t now_us)>
      render_dashboard;
  // UTC microseconds for "today" on the dashboard; default: the system clock.
  std::function<std::int64_t()> clock;
  std::function<void(const std::string&)> log;  // default: stderr
};

struct projector_metrics {
  std::uint64_t applied = 0;
  std::uint64_t events_folded = 0;
  std::uint64_t batches = 0;
  std::uint64_t catch_ups = 0;
  std::uint64_t snapshots = 0;
  std::uint64_t dashboard_updates = 0;
  std::uint64_t recovered_from_snapshot = 0;  // the snapshot's sequence at start-up (0: none)
  std::uint64_t replayed_at_start = 0;        // events folded by recover()
};

class projector {
 public:
  projector(engine::event_store& store, projector_options options);
  ~projector();
  projector(const projector&) = delete;
  projector& operator=(const projector&) = delete;

  // Start-up step 1: snapshot + tail of the log. Returns false (and `error`) when the log
  // cannot be read to its end.
  [[nodiscard]] bool recover(std::string& error);
  // Start-up step 2: subscribe to the writer's committed batches (before it starts).
  void attach(engine::command_processor& processor);
  // Start-up step 3.
  void start();
  // Folds what is queued, takes a view snapshot, joins the thread. Idempotent. Stop the writer
  // first: it answers callers before it publishes their batch, so a batch acknowledged just
  // before stop() may not be queued yet (wait_for(its sequence) first when it must be in).
  void stop();

  // Dashboard subscribers get every update on the projector thread (keep them short).
  // Register before start().
  void subscribe_dashboard(std::function<void(const dashboard_update&)> subscriber);

  // Runs `continuation` once every section has applied `sequence`: at once on the calling
  // thread when they have, otherwise on the projector thread right after the batch that
  // applies it, outside the views' locks (so it may read them). Keep it short, folding waits
  // for it, and never wait in it for a later sequence (that would wait for itself).
  // Continuations still waiting when the projector stops are destroyed without running.
  void when_applied(std::uint64_t sequence, std::function<void()> continuation);
  // Blocks until every section has applied `sequence` or `timeout` passes; true if applied.
  [[nodiscard]] bool wait_for(std::uint64_t sequence, std::chrono::milliseconds timeout) const;
  [[nodiscard]] std::uint64_t applied() const;
  [[nodiscard]] projector_metrics metrics() const;

  // Runs f(const view_state&) under the shared lock and returns its result.
  template <class F>
  auto read(F&& f) const {
    std::shared_lock lock(state_mutex_);
    return std::forward<F>(f)(state_);
  }

 private:
  void run();
  void fold_batch(const engine::published_batch& batch);
  void catch_up(std::uint64_t to);
  void publish_applied(std::uint64_t sequence);
  void note_dashboard_scopes(const events::event& body);
  void push_due_dashboards(bool force);
  void maybe_snapshot(bool force);
  std::int64_t now_us() const;

  engine::event_store& store_;
  projector_options options_;

  mutable std::shared_mutex state_mutex_;
  view_state state_;  // written by the projector thread only, under state_mutex_

  std::mutex queue_mutex_;
  std::condition_variable queue_wake_;
  std::deque<engine::published_batch> queue_;  // guarded by queue_mutex_
  bool stopping_ = false;                      // guarded by queue_mutex_
  std::thread thread_;

  mutable std::mutex applied_mutex_;
  mutable std::condition_variable applied_wake_;
  std::uint64_t applied_ = 0;  // guarded by applied_mutex_
  struct pending_continuation {
    std::uint64_t sequence = 0;
    std::function<void()> run;
  };
  // Min-heap on sequence (std::push_heap with later_than); guarded by applied_mutex_.
  std::vector<pending_continuation> waiting_;
  std::vector<std::function<void()>> due_;  // scratch of publish_applied (one thread at a time)
  projector_metrics metrics_;  // guarded by applied_mutex_

  std::vector<std::function<void(const dashboard_update&)>> dashboard_subscribers_;
  struct scope_state {
    bool dirty = false;
    bool pushed = false;  // the first push of a scope is never held back
    std::chrono::steady_clock::time_point last_push{};
  };
  std::vector<std::pair<std::optional<branch_id>, scope_state>> scopes_;  // projector thread
  std::vector<std::optional<branch_id>> touched_scopes_;  // projector thread; scratch
  std::uint64_t folded_since_snapshot_ = 0;                               // projector thread
};

}  // namespace ledger::projections
