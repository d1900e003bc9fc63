#include "projections/projector.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "events/assert.h"
#include "projections/fold.h"
#include "projections/log_reader.h"
#include "projections/view_snapshot.h"

namespace ledger::projections {
namespace {

std::int64_t system_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The branches whose dashboard an event can change (nullopt in the list: every branch).
void branches_of(const events::event& body, std::vector<std::optional<branch_id>>& out) {
  const auto one = [&](std::uint64_t branch) { out.emplace_back(branch_id{branch}); };
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, events::sale_completed> ||
                      std::is_same_v<E, events::sale_returned> ||
                      std::is_same_v<E, events::sale_cancelled> ||
                      std::is_same_v<E, events::stock_received> ||
                      std::is_same_v<E, events::stock_issued> ||
                      std::is_same_v<E, events::goods_receipt_recorded>) {
          one(e.branch_id);
        } else if constexpr (std::is_same_v<E, events::stock_adjusted>) {
          one(e.branch_id);
        } else if constexpr (std::is_same_v<E, events::stock_transferred>) {
          one(e.source_branch_id);
          one(e.destination_branch_id);
        } else if constexpr (std::is_same_v<E, events::product_created> ||
                             std::is_same_v<E, events::product_updated> ||
                             std::is_same_v<E, events::product_activation_changed> ||
                             std::is_same_v<E, events::user_created> ||
                             std::is_same_v<E, events::user_updated> ||
                             std::is_same_v<E, events::user_activation_changed> ||
                             std::is_same_v<E, events::branch_created>) {
          out.emplace_back(std::nullopt);
        }
      },
      body);
}

}  // namespace

projector::projector(engine::event_store& store, projector_options options)
    : store_(store), options_(std::move(options)) {
  if (!options_.log) {
    options_.log = [](const std::string& line) {
      std::fprintf(stderr, "posledger: %s\n", line.c_str());
    };
  }
  if (!options_.clock) options_.clock = system_now_us;
}

projector::~projector() { stop(); }

std::int64_t projector::now_us() const { return options_.clock(); }

bool projector::recover(std::string& error) {
  const std::uint64_t log_end = store_.last_sequence();
  if (auto loaded = load_views(store_, log_end, options_.log)) {
    state_ = std::move(*loaded);
    metrics_.recovered_from_snapshot = state_.applied();
  }
  const std::uint64_t from = state_.applied() + 1;
  const auto result = read_log(store_, from, log_end, [&](const event_record& e) {
    fold(state_, e);
    note_dashboard_scopes(*e.body);  // a gap or start-up catch-up changes scopes too
  });
  finish_batch(state_);
  if (result.problem) {
    error = fmt::format("views cannot read the log at sequence {}: {}", result.problem->sequence,
                        result.problem->reason);
    return false;
  }
  metrics_.replayed_at_start = result.events;
  folded_since_snapshot_ = result.events;
  publish_applied(state_.applied());
  return true;
}

void projector::attach(engine::command_processor& processor) {
  processor.subscribe([this](const engine::published_batch& batch) {
    {
      std::lock_guard lock(queue_mutex_);
      queue_.push_back(batch);
    }
    queue_wake_.notify_one();
  });
}

void projector::subscribe_dashboard(std::function<void(const dashboard_update&)> subscriber) {
  LEDGER_ASSERT(!thread_.joinable(), "dashboard subscriber added after start");
  dashboard_subscribers_.push_back(std::move(subscriber));
}

void projector::start() {
  LEDGER_ASSERT(!thread_.joinable(), "projector started twice");
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void projector::stop() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void projector::run() {
  for (;;) {
    std::deque<engine::published_batch> taken;
    bool stopping = false;
    {
      std::unique_lock lock(queue_mutex_);
      const auto has_work = [&] { return !queue_.empty() || stopping_; };
      const bool pending = std::any_of(scopes_.begin(), scopes_.end(),
                                       [](const auto& s) { return s.second.dirty; });
      if (pending) {
        queue_wake_.wait_for(lock, options_.dashboard_interval, has_work);
      } else {
        queue_wake_.wait(lock, has_work);
      }
      taken.swap(queue_);
      stopping = stopping_;
    }
    for (const auto& batch : taken) fold_batch(batch);
    push_due_dashboards(stopping);
    maybe_snapshot(stopping);
    if (stopping) return;
  }
}

void projector::catch_up(std::uint64_t to) {
  const std::uint64_t from = state_.applied() + 1;
  if (from > to) return;
  std::unique_lock lock(state_mutex_);
  const auto result = read_log(store_, from, to, [&](const event_record& e) {
    fold(state_, e);
    note_dashboard_scopes(*e.body);  // a gap or start-up catch-up changes scopes too
  });
  finish_batch(state_);
  LEDGER_ASSERT(!result.problem, "views cannot catch up at {}: {}",
                result.problem ? result.problem->sequence : 0,
                result.problem ? result.problem->reason : std::string());
  folded_since_snapshot_ += result.events;
  lock.unlock();
  {
    std::lock_guard applied_lock(applied_mutex_);
    ++metrics_.catch_ups;
    metrics_.events_folded += result.events;
  }
  publish_applied(to);
}

void projector::fold_batch(const engine::published_batch& batch) {
  if (!batch || batch->empty()) return;
  const std::uint64_t first = batch->front().header.sequence;
  const std::uint64_t last = batch->back().header.sequence;
  if (last <= state_.applied()) return;  // already read by a catch-up
  if (first > state_.applied() + 1) catch_up(first - 1);

  std::uint64_t folded = 0;
  {
    std::unique_lock lock(state_mutex_);
    for (const auto& e : *batch) {
      if (e.header.sequence <= state_.applied()) continue;
      fold(state_, event_record{e.header.sequence, e.header.recorded_at_us, e.header.actor,
                                &e.body, e.hash});
      note_dashboard_scopes(e.body);
      ++folded;
    }
    finish_batch(state_);
  }
  folded_since_snapshot_ += folded;
  {
    std::lock_guard lock(applied_mutex_);
    ++metrics_.batches;
    metrics_.events_folded += folded;
  }
  publish_applied(last);
}

namespace {
// Orders the continuation heap so its front is the smallest sequence.
constexpr auto later_than = [](const auto& a, const auto& b) { return a.sequence > b.sequence; };
}  // namespace

void projector::publish_applied(std::uint64_t sequence) {
  {
    std::lock_guard lock(applied_mutex_);
    applied_ = std::max(applied_, sequence);
    metrics_.applied = applied_;
    while (!waiting_.empty() && waiting_.front().sequence <= applied_) {
      std::pop_heap(waiting_.begin(), waiting_.end(), later_than);
      due_.push_back(std::move(waiting_.back().run));
      waiting_.pop_back();
    }
  }
  applied_wake_.notify_all();
  for (auto& run : due_) run();
  due_.clear();
}

void projector::when_applied(std::uint64_t sequence, std::function<void()> continuation) {
  {
    std::lock_guard lock(applied_mutex_);
    if (applied_ < sequence) {
      waiting_.push_back({sequence, std::move(continuation)});
      std::push_heap(waiting_.begin(), waiting_.end(), later_than);
      return;
    }
  }
  continuation();
}

bool projector::wait_for(std::uint64_t sequence, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(applied_mutex_);
  return applied_wake_.wait_for(lock, timeout, [&] { return applied_ >= sequence; });
}

std::uint64_t projector::applied() const {
  std::lock_guard lock(applied_mutex_);
  return applied_;
}

projector_metrics projector::metrics() const {
  std::lock_guard lock(applied_mutex_);
  return metrics_;
}

void projector::note_dashboard_scopes(const events::event& body) {
  if (dashboard_subscribers_.empty() || !options_.render_dashboard) return;
  std::vector<std::optional<branch_id>>& touched = touched_scopes_;  // reused: no allocation
  touched.clear();                                                   // per event
  branches_of(body, touched);
  if (touched.empty()) return;
  const auto mark = [&](std::optional<branch_id> scope) {
    auto it = std::find_if(scopes_.begin(), scopes_.end(),
                           [&](const auto& s) { return s.first == scope; });
    if (it == scopes_.end()) {
      scopes_.emplace_back(scope, scope_state{});
      it = scopes_.end() - 1;
    }
    it->second.dirty = true;
  };
  mark(std::nullopt);  // the whole chain changes with any branch
  for (const auto& branch : touched) {
    if (branch) {
      mark(branch);
    } else {
      for (const auto& [id, record] : state_.catalog.model.branches) mark(id);
    }
  }
}

void projector::push_due_dashboards(bool force) {
  if (dashboard_subscribers_.empty() || !options_.render_dashboard) return;
  const auto now = std::chrono::steady_clock::now();
  std::vector<dashboard_update> updates;
  {
    std::shared_lock lock(state_mutex_);
    for (auto& [scope, s] : scopes_) {
      if (!s.dirty) continue;
      if (!force && s.pushed && now - s.last_push < options_.dashboard_interval) continue;
      updates.push_back(dashboard_update{scope, state_.applied(),
                                         options_.render_dashboard(state_, scope, now_us())});
      s.dirty = false;
      s.pushed = true;
      s.last_push = now;
    }
  }
  for (const auto& update : updates) {
    for (const auto& subscriber : dashboard_subscribers_) subscriber(update);
  }
  std::lock_guard lock(applied_mutex_);
  metrics_.dashboard_updates += updates.size();
}

void projector::maybe_snapshot(bool force) {
  if (folded_since_snapshot_ == 0) return;
  if (!force && (options_.snapshot_every_events == 0 ||
                 folded_since_snapshot_ < options_.snapshot_every_events)) {
    return;
  }
  // Readers keep reading while the snapshot is encoded (shared lock); only folding waits.
  std::shared_lock lock(state_mutex_);
  const rocksdb::Status status = save_views(store_, state_, options_.snapshots_kept);
  lock.unlock();
  if (!status.ok()) {
    // A failed snapshot costs start-up time only; the log stays the truth.
    options_.log("view snapshot failed: " + status.ToString());
    return;
  }
  folded_since_snapshot_ = 0;
  std::lock_guard applied_lock(applied_mutex_);
  ++metrics_.snapshots;
}

}  // namespace ledger::projections
