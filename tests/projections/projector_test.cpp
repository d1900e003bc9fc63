// The projector (projections/projector.h) against a real RocksDB store and the real single
// writer: read-your-writes, catch-up from the log, restart from a view snapshot plus the log's
// tail, rebuild of all views and of single sections (projections/rebuild.h), time travel, the
// coalesced dashboard feed, and sequence_at over known recorded times.
//
// How: a ledger_host opened with start_writer = false in a temporary directory, with an
// injected clock; the projector recovers, attaches, then the writer starts. Histories come from
// the random generator (tests/support/random_history.h) driving the writer through
// processor_sink, so the log holds every kind of event. Views are compared by encode_views()
// bytes (every described member) and against two independent references: views_as_of() and a
// fold of the whole log read back with read_log() into a fresh state. No test asserts on time:
// waits are bounded (wait_for, polling with a deadline) and only their results are checked.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <limits>
#include <map>
#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/ledger.h"
#include "events/event_codec.h"
#include "projections/fold.h"
#include "projections/log_reader.h"
#include "projections/projector.h"
#include "projections/rebuild.h"
#include "projections/view_snapshot.h"
#include "tests/support/random_history.h"
#include "tests/support/small_ledger.h"
#include "tests/support/temp_dir.h"

namespace ledger::testing {
namespace {

using namespace ledger::projections;
using namespace std::chrono_literals;

constexpr auto wait_max = 5s;

// How live_ledger::open starts the projector.
enum class views_mode : std::uint8_t {
  none,         // no projector
  recovered,    // recover() from the store first (the server's way)
  unrecovered,  // attached without recover(): it must catch up by itself
};

// A ledger in a temporary directory with the projector attached the way the server does it.
class live_ledger {
 public:
  explicit live_ledger(projector_options views = {}) : views_options_(std::move(views)) {}
  ~live_ledger() { close(); }
  live_ledger(const live_ledger&) = delete;
  live_ledger& operator=(const live_ledger&) = delete;

  // Opens the host (writer stopped), then creates the projector, recovers it (as `mode` says)
  // and attaches it; then starts the writer and the projector.
  void open(views_mode mode = views_mode::recovered) {
    std::string error;
    engine::ledger_options options;
    options.data_dir = dir_.sub("ledger");
    options.sync_writes = false;  // the tests kill no process: the page cache is durable enough
    options.clock = [this] { return clock_us.load(); };
    options.log = [](const std::string&) {};
    options.start_writer = false;
    host_ = engine::ledger_host::open(options, error);
    REQUIRE_MESSAGE(host_, error);
    if (mode != views_mode::none) {
      projector_options views = views_options_;
      if (!views.log) views.log = [](const std::string&) {};
      views_ = std::make_unique<projector>(host_->store(), std::move(views));
      if (mode == views_mode::recovered) REQUIRE_MESSAGE(views_->recover(error), error);
      views_->attach(host_->processor());
      if (before_start) before_start(*views_);
    }
    mirror_ = host_->processor().model();  // the writer is not running yet
    clock_us = std::max(clock_us.load(), mirror_.last_recorded_at_us + 1);
    host_->start();
    if (views_) views_->start();
  }

  // Writer first (everything committed is published), then the projector (folds its queue and
  // takes a view snapshot), then the store.
  void close() {
    sink_.reset();
    if (host_) host_->stop();
    if (views_) views_->stop();
    views_.reset();
    host_.reset();
  }

  engine::event_store& store() { return host_->store(); }
  engine::command_processor& processor() { return host_->processor(); }
  projector& views() { return *views_; }
  [[nodiscard]] std::string path() const { return dir_.sub("ledger"); }

  // A sink for the random generator; valid until close().
  processor_sink& sink() {
    if (!sink_) sink_ = std::make_unique<processor_sink>(processor(), mirror_, clock_us);
    return *sink_;
  }
  void forget_sink() { sink_.reset(); }

  std::atomic<std::int64_t> clock_us{spec_epoch_us};
  // Called with the projector after attach() and before start() (dashboard subscribers).
  std::function<void(projector&)> before_start;

 private:
  temp_dir dir_;
  projector_options views_options_;
  std::unique_ptr<engine::ledger_host> host_;
  std::unique_ptr<projector> views_;
  engine::write_model mirror_;
  std::unique_ptr<processor_sink> sink_;
};

// The views folded from sequence 1 of the stored log, without any view snapshot.
view_state fold_of_log(const engine::event_store& store) {
  view_state state;
  const auto read = read_log(store, 1, store.last_sequence(), [&](const event_record& e) { fold(state, e); });
  REQUIRE_MESSAGE(!read.problem, (read.problem ? read.problem->reason : std::string()));
  CHECK(read.events == store.last_sequence());
  finish_batch(state);
  return state;
}

// The views at each of `points`, folded from the stored envelopes read with a plain iterator
// (a reference that shares nothing with read_log's pipelined decode).
std::map<std::uint64_t, std::string> fold_of_stored_events(const engine::event_store& store,
                                                           const std::vector<std::uint64_t>& points) {
  std::map<std::uint64_t, std::string> at;
  view_state state;
  auto it = store.event_iterator();
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const auto view = events::decode_envelope(
        {reinterpret_cast<const std::uint8_t*>(it->value().data()), it->value().size()});
    REQUIRE(view.has_value());
    const auto body = events::decode_payload(view->header.type, view->payload);
    REQUIRE(body.has_value());
    REQUIRE(view->header.sequence == state.applied() + 1);
    fold(state, event_record{view->header.sequence, view->header.recorded_at_us, view->header.actor,
                             &*body, view->hash});
    if (std::find(points.begin(), points.end(), view->header.sequence) != points.end()) {
      finish_batch(state);
      at[view->header.sequence] = encode_views(state);
    }
  }
  REQUIRE(it->status().ok());
  return at;
}

std::string as_of_bytes(const engine::event_store& store, std::uint64_t sequence) {
  std::string error;
  const auto state = views_as_of(store, sequence, error);
  REQUIRE_MESSAGE(state.has_value(), error);
  CHECK(state->applied() == std::min(sequence, store.last_sequence()));
  return encode_views(*state);
}

std::string live_bytes(const projector& views) {
  return views.read([](const view_state& state) { return encode_views(state); });
}

// The projector's views equal views_as_of(head) and a fold of the whole log.
void check_views_match_log(projector& views, const engine::event_store& store) {
  const std::uint64_t head = store.last_sequence();
  REQUIRE(views.wait_for(head, wait_max));
  const std::string live = live_bytes(views);
  CHECK(views.read([](const view_state& s) { return s.applied(); }) == head);
  CHECK(live == as_of_bytes(store, head));
  CHECK(live == encode_views(fold_of_log(store)));
}

// The world through the writer, then `commands` random commands from `seed`.
spec_world build_history(live_ledger& ledger, std::uint64_t seed, int commands) {
  const spec_world world = build_world(ledger.sink());
  random_history history(seed, world, ledger.sink().model());
  CHECK(history.run(ledger.sink(), commands) > commands / 2);
  return world;
}

template <class E>
const E* first_event(const std::vector<events::event>& events) {
  for (const auto& e : events) {
    if (const E* typed = std::get_if<E>(&e)) return typed;
  }
  return nullptr;
}

}  // namespace

TEST_SUITE("projections/projector") {
  TEST_CASE("projector: read-your-writes after every committed command") {
    const std::uint64_t seed = property_seed_from_environment().value_or(11);
    CAPTURE(seed);
    live_ledger ledger;
    ledger.open();
    const spec_world world = build_world(ledger.sink());
    random_history history(seed, world, ledger.sink().model());
    int committed = 0;
    for (int i = 0; i < 250; ++i) {
      CAPTURE(i);
      const std::uint64_t before = ledger.sink().last_sequence();
      if (!history.step(ledger.sink())) continue;
      const engine::write_model& model = ledger.sink().model();
      if (model.last_sequence == before) continue;  // accepted without events
      ++committed;
      // The command's last sequence is visible at once (bounded wait), and so is its effect.
      REQUIRE(ledger.views().wait_for(model.last_sequence, wait_max));
      ledger.views().read([&](const view_state& v) {
        CHECK(v.applied() >= model.last_sequence);
        CHECK(v.catalog.model.stock == model.stock);
        CHECK(v.catalog.model.sales == model.sales);
        CHECK(v.catalog.model.carts == model.carts);
        CHECK(v.catalog.model.purchase_orders == model.purchase_orders);
        CHECK(v.catalog.model.products == model.products);
        CHECK(v.sales.sales.size() == model.sales.size());
        CHECK(v.procurement.orders.size() == model.purchase_orders.size());
        CHECK(v.audit.checkpoint == model.last_sequence);
        for (const auto& [id, sale] : model.sales) {
          const sale_view* found = v.sales.find(id);
          REQUIRE(found != nullptr);
          CHECK(found->status == sale.status);
          CHECK(found->refunded_amount == sale.refunded_amount);
        }
      });
    }
    CHECK(committed > 100);
    ledger.close();
  }

  TEST_CASE("projector: catch-up from the log equals views_as_of and a fold of the log") {
    live_ledger ledger;
    ledger.open(views_mode::none);
    build_history(ledger, 12, 300);
    ledger.forget_sink();
    ledger.close();

    // A projector that starts on a log it has never seen: recover() reads all of it.
    ledger.open();
    const std::uint64_t head = ledger.store().last_sequence();
    CHECK(ledger.views().metrics().recovered_from_snapshot == 0);
    CHECK(ledger.views().metrics().replayed_at_start == head);
    CHECK(ledger.views().applied() == head);
    check_views_match_log(ledger.views(), ledger.store());

    // More work, then the same comparison.
    random_history more(13, find_world(ledger.sink().model()), ledger.sink().model());
    more.run(ledger.sink(), 100);
    check_views_match_log(ledger.views(), ledger.store());
    ledger.close();
  }

  TEST_CASE("projector: when_applied runs continuations once their sequence is folded, in order") {
    live_ledger ledger;
    ledger.open(views_mode::unrecovered);
    const spec_world world = build_world(ledger.sink());
    const std::uint64_t early = ledger.store().last_sequence();
    REQUIRE(ledger.views().wait_for(early, wait_max));

    // Already applied: runs at once, on the calling thread.
    bool ran_inline = false;
    ledger.views().when_applied(early, [&] { ran_inline = true; });
    CHECK(ran_inline);

    // Stopped, the projector applies nothing; continuations for later sequences wait.
    ledger.views().stop();
    random_history history(15, world, ledger.sink().model());
    history.run(ledger.sink(), 120);
    const std::uint64_t head = ledger.store().last_sequence();
    REQUIRE(head > early + 2);
    struct run_record {
      std::uint64_t wanted;
      std::uint64_t applied_seen;  // the views' applied() read inside the continuation
      std::thread::id thread;
    };
    std::mutex mutex;
    std::vector<run_record> runs;
    const auto record = [&](std::uint64_t wanted) {
      return [&, wanted] {
        const std::uint64_t seen = ledger.views().read([](const view_state& s) { return s.applied(); });
        std::lock_guard lock(mutex);
        runs.push_back({wanted, seen, std::this_thread::get_id()});
      };
    };
    for (const std::uint64_t wanted : {head, early + 1, head - 1, early + 2}) {
      ledger.views().when_applied(wanted, record(wanted));
    }
    // Beyond the head: never applied, so dropped (destroyed, not run) when the projector stops.
    auto beyond_alive = std::make_shared<int>(0);
    bool beyond_ran = false;
    ledger.views().when_applied(head + 1, [&, keep = beyond_alive] { beyond_ran = true; });
    {
      std::lock_guard lock(mutex);
      CHECK(runs.empty());
    }
    CHECK(beyond_alive.use_count() == 2);

    ledger.views().start();
    REQUIRE(ledger.views().wait_for(head, wait_max));
    // wait_for returns once applied_ moved; the continuations run right after, on the projector
    // thread: poll (bounded) until all four are in.
    const auto deadline = std::chrono::steady_clock::now() + wait_max;
    for (;;) {
      {
        std::lock_guard lock(mutex);
        if (runs.size() == 4) break;
      }
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(1ms);
    }
    std::lock_guard lock(mutex);
    std::uint64_t previous = 0;
    for (const run_record& run : runs) {
      CAPTURE(run.wanted);
      CHECK(run.applied_seen >= run.wanted);            // the views show the sequence
      CHECK(run.thread != std::this_thread::get_id());  // run by the projector
      CHECK(run.wanted > previous);                     // smallest sequence first
      previous = run.wanted;
    }
    CHECK_FALSE(beyond_ran);
    ledger.close();
    CHECK_FALSE(beyond_ran);
    CHECK(beyond_alive.use_count() == 1);
  }

  TEST_CASE("projector: a stopped projector and a projector started without recover catch up") {
    live_ledger ledger;
    ledger.open(views_mode::unrecovered);
    // Not recovered and the log is empty: the first batch starts at 1, no gap.
    const spec_world world = build_world(ledger.sink());
    check_views_match_log(ledger.views(), ledger.store());
    ledger.views().stop();
    // Commands committed while the projector is stopped queue up (it is still attached).
    random_history history(14, world, ledger.sink().model());
    history.run(ledger.sink(), 120);
    const std::uint64_t head = ledger.store().last_sequence();
    CHECK(ledger.views().applied() < head);
    CHECK_FALSE(ledger.views().wait_for(head, 0ms));
    {
      // Meanwhile a second projector recovers from the log (and the stop's view snapshot).
      projector_options options;
      options.log = [](const std::string&) {};
      projector second(ledger.store(), options);
      std::string error;
      REQUIRE_MESSAGE(second.recover(error), error);
      CHECK(second.metrics().recovered_from_snapshot > 0);
      CHECK(second.metrics().recovered_from_snapshot < head);
      CHECK(second.applied() == head);
      CHECK(live_bytes(second) == as_of_bytes(ledger.store(), head));
    }
    // Started again, the first one folds its queue.
    ledger.views().start();
    check_views_match_log(ledger.views(), ledger.store());
    ledger.close();

    // A projector attached without recover() to a log that already has events: the first batch
    // it sees is beyond applied + 1, so it catches up from the log first.
    ledger.open(views_mode::unrecovered);
    CHECK(ledger.views().applied() == 0);
    random_history again(15, world, ledger.sink().model());
    again.run(ledger.sink(), 30);
    check_views_match_log(ledger.views(), ledger.store());
    CHECK(ledger.views().metrics().catch_ups >= 1);
    ledger.close();
  }

  TEST_CASE("projector: restart from the view snapshot taken on stop, plus the log's tail") {
    projector_options options;
    options.snapshot_every_events = 0;  // only on stop
    live_ledger ledger(options);
    ledger.open();
    const spec_world world = build_history(ledger, 21, 250);
    ledger.forget_sink();
    ledger.close();  // the projector's stop() writes the view snapshot

    std::uint64_t snapshot_at = 0;
    {
      std::string error;
      auto store = engine::event_store::open(engine::store_options{ledger.path(), false, true}, error);
      REQUIRE_MESSAGE(store, error);
      const auto sequences = store->snapshot_sequences(engine::snapshot_kind::views);
      REQUIRE(sequences.size() == 1);
      snapshot_at = sequences.front();
      CHECK(snapshot_at == store->last_sequence());
    }

    // Restart: the snapshot, then nothing to replay; then a tail committed live.
    ledger.open();
    CHECK(ledger.views().metrics().recovered_from_snapshot == snapshot_at);
    CHECK(ledger.views().metrics().replayed_at_start == 0);
    random_history tail(22, world, ledger.sink().model());
    tail.run(ledger.sink(), 80);
    check_views_match_log(ledger.views(), ledger.store());
    const std::uint64_t head = ledger.store().last_sequence();
    CHECK(head > snapshot_at);
    // rebuild_views + load_views at the head equals the live views.
    const rebuild_result rebuilt = rebuild_views(ledger.store(), std::nullopt);
    CHECK(rebuilt.error == "");
    CHECK(rebuilt.sequence == head);
    CHECK(rebuilt.events == head);
    const auto loaded = load_views(ledger.store(), head, [](const std::string&) {});
    REQUIRE(loaded.has_value());
    CHECK(encode_views(*loaded) == live_bytes(ledger.views()));
    ledger.forget_sink();
    ledger.close();

    // A tail committed with no projector attached: the next start replays exactly that tail.
    ledger.open(views_mode::none);
    random_history more(23, world, ledger.sink().model());
    more.run(ledger.sink(), 60);
    ledger.forget_sink();
    ledger.close();
    ledger.open();
    const std::uint64_t end = ledger.store().last_sequence();
    CHECK(ledger.views().metrics().recovered_from_snapshot == head);
    CHECK(ledger.views().metrics().replayed_at_start == end - head);
    check_views_match_log(ledger.views(), ledger.store());
    ledger.close();
  }

  TEST_CASE("projector: rebuild_views of everything and of each section equals the live views") {
    projector_options options;
    options.snapshot_every_events = 150;
    live_ledger ledger(options);
    ledger.open();
    const spec_world world = build_history(ledger, 31, 250);
    check_views_match_log(ledger.views(), ledger.store());
    // A tail beyond the newest view snapshot, so single-section rebuilds must bring the kept
    // sections forward from an older snapshot.
    ledger.views().stop();
    random_history tail(32, world, ledger.sink().model());
    tail.run(ledger.sink(), 60);
    ledger.views().start();
    check_views_match_log(ledger.views(), ledger.store());
    const std::uint64_t head = ledger.store().last_sequence();
    const std::string live = live_bytes(ledger.views());

    std::string error;
    const auto older = views_as_of(ledger.store(), head / 2, error);
    REQUIRE_MESSAGE(older.has_value(), error);
    std::vector<std::optional<section>> targets = {std::nullopt};
    for (std::size_t i = 0; i < section_count; ++i) targets.emplace_back(static_cast<section>(i));
    for (const auto& target : targets) {
      CAPTURE((target ? name_of(*target) : std::string_view("all")));
      // The sections that are not rebuilt come from the newest snapshot: none, an old one
      // (brought forward by the log's tail), or one at the head.
      for (const int kept : {0, 1, 2}) {
        CAPTURE(kept);
        REQUIRE(drop_view_snapshots(ledger.store()).ok());
        REQUIRE(ledger.store().snapshot_sequences(engine::snapshot_kind::views).empty());
        if (kept == 1) REQUIRE(save_views(ledger.store(), *older, 3).ok());
        if (kept == 2) REQUIRE(save_views(ledger.store(), fold_of_log(ledger.store()), 3).ok());
        std::vector<std::uint64_t> progress;
        const rebuild_result rebuilt = rebuild_views(
            ledger.store(), target, [&](const rebuild_progress& p) { progress.push_back(p.sequence); });
        CHECK(rebuilt.error == "");
        CHECK(rebuilt.sequence == head);
        CHECK(rebuilt.events == head);
        REQUIRE_FALSE(progress.empty());
        CHECK(progress.back() == head);
        const auto after = ledger.store().snapshot_sequences(engine::snapshot_kind::views);
        REQUIRE(after.size() == 1);
        CHECK(after.front() == head);
        const auto loaded = load_views(ledger.store(), head, [](const std::string&) {});
        REQUIRE(loaded.has_value());
        CHECK(encode_views(*loaded) == live);
      }
    }
    CHECK(parse_section("audit") == section::audit);
    CHECK(parse_section("catalog") == section::catalog);
    CHECK_FALSE(parse_section("Audit").has_value());
    CHECK_FALSE(parse_section("").has_value());
    ledger.close();
  }

  TEST_CASE("projector: views_as_of any sequence equals a fold of the log up to it, snapshots or not") {
    projector_options options;
    options.snapshot_every_events = 120;
    options.snapshots_kept = 10;
    live_ledger ledger(options);
    ledger.open();
    build_history(ledger, 41, 300);
    check_views_match_log(ledger.views(), ledger.store());
    // The projector publishes a batch as applied before it writes that batch's snapshot: wait
    // (bounded) for the snapshots, or a loaded machine lists them too early.
    for (int i = 0; i < 1000 && ledger.views().metrics().snapshots < 2; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const engine::event_store& store = ledger.store();
    const std::uint64_t head = store.last_sequence();
    const auto snapshots = store.snapshot_sequences(engine::snapshot_kind::views);
    CHECK(snapshots.size() >= 2);
    // At, just before and just after every snapshot, and at a few other points.
    std::vector<std::uint64_t> points = {1, 2, head - 1, head, head + 10};
    for (const std::uint64_t s : snapshots) {
      points.push_back(s - 1);
      points.push_back(s);
      points.push_back(s + 1);
    }
    for (const std::uint64_t point : points) {
      CAPTURE(point);
      const std::uint64_t at = std::min(point, head);
      view_state expected;
      const auto read = read_log(store, 1, at, [&](const event_record& e) { fold(expected, e); });
      REQUIRE(!read.problem);
      finish_batch(expected);
      CHECK(as_of_bytes(store, point) == encode_views(expected));
    }
    ledger.close();
  }

  TEST_CASE("projector: recover skips damaged, misfiled and future view snapshots") {
    projector_options options;
    options.snapshot_every_events = 0;  // only stop() snapshots: three at known points
    options.snapshots_kept = 10;
    live_ledger ledger(options);
    ledger.open();
    const spec_world world = build_history(ledger, 51, 100);
    ledger.close();
    for (std::uint64_t seed : {52, 53}) {
      ledger.open();
      random_history more(seed, world, ledger.sink().model());
      REQUIRE(more.run(ledger.sink(), 100) > 50);
      ledger.close();
    }

    std::uint64_t fallback = 0;
    {
      std::string error;
      auto store = engine::event_store::open(engine::store_options{ledger.path(), false, true}, error);
      REQUIRE_MESSAGE(store, error);
      const std::uint64_t head = store->last_sequence();
      const auto sequences = store->snapshot_sequences(engine::snapshot_kind::views);
      REQUIRE(sequences.size() >= 3);
      REQUIRE(sequences[0] == head);  // newest first: the one stop() took
      fallback = sequences[1];
      REQUIRE(fallback + 1 < head);
      const auto valid_at = [&](std::uint64_t sequence) {
        const auto state = views_as_of(*store, sequence, error);
        REQUIRE_MESSAGE(state.has_value(), error);
        return encode_views(*state);
      };
      const std::string at_head = valid_at(head);
      const std::string at_oldest = valid_at(sequences.back());
      // A valid snapshot filed beyond the log, damaged bytes at the head, and a snapshot of an
      // older state filed between the head and the fallback.
      REQUIRE(store->put_snapshot(engine::snapshot_kind::views, head + 50, at_head).ok());
      std::string damaged = at_head;
      damaged[damaged.size() / 2] = static_cast<char>(damaged[damaged.size() / 2] ^ 0x40);
      REQUIRE(store->put_snapshot(engine::snapshot_kind::views, head, damaged).ok());
      REQUIRE(store->put_snapshot(engine::snapshot_kind::views, (fallback + head) / 2, at_oldest).ok());
      std::vector<std::string> lines;
      const auto loaded = load_views(*store, head + 100, [&](const std::string& line) { lines.push_back(line); });
      REQUIRE(loaded.has_value());
      CHECK(loaded->applied() == fallback);
      CHECK(lines.size() == 3);
    }

    std::vector<std::string> lines;
    options.log = [&](const std::string& line) { lines.push_back(line); };
    std::string error;
    auto store = engine::event_store::open(engine::store_options{ledger.path(), false, true}, error);
    REQUIRE_MESSAGE(store, error);
    projector views(*store, options);
    REQUIRE_MESSAGE(views.recover(error), error);
    CHECK(views.metrics().recovered_from_snapshot == fallback);
    CHECK(views.metrics().replayed_at_start == store->last_sequence() - fallback);
    CHECK(lines.size() == 2);  // the damaged one and the misfiled one (the future one is beyond
                               // what recover() asks for)
    CHECK(live_bytes(views) == encode_views(fold_of_log(*store)));
  }

  TEST_CASE("projector: a long log of large batches, read back in many chunks") {
    projector_options options;
    options.snapshot_every_events = 2500;
    options.snapshots_kept = 10;
    live_ledger ledger(options);
    ledger.open();
    const small_ledger world = seed_small_ledger(ledger.processor(), 1'000'000);
    // Submitted without waiting, so the writer commits them in large group commits and the
    // projector folds large batches.
    constexpr int sales = 8400;
    for (int round = 0; round < sales / 1200; ++round) {
      std::vector<std::future<engine::command_outcome>> pending;
      for (int i = 0; i < 1200; ++i) {
        pending.push_back(ledger.processor().submit(command_request{world.cashier, {}, one_unit_sale(world)}));
      }
      for (auto& outcome : pending) REQUIRE(outcome.get().ok());
    }
    const engine::event_store& store = ledger.store();
    const std::uint64_t head = store.last_sequence();
    REQUIRE(head > 4 * 2048 + 1);  // more chunks than the reader keeps in flight
    check_views_match_log(ledger.views(), store);
    CHECK(ledger.views().read([](const view_state& v) { return v.sales.sales.size(); }) == sales);
    // Time travel across the reader's chunk boundaries and from the view snapshots.
    const auto snapshots = store.snapshot_sequences(engine::snapshot_kind::views);
    REQUIRE(snapshots.size() >= 2);
    std::vector<std::uint64_t> points = {2048, 2049, 8193, snapshots[1] + 1};
    const auto expected = fold_of_stored_events(store, points);
    for (const std::uint64_t point : points) {
      CAPTURE(point);
      CHECK(as_of_bytes(store, point) == expected.at(point));
    }
    ledger.close();
  }

  TEST_CASE("projector: dashboard updates per scope, stamped and coalesced") {
    struct received {
      std::mutex mutex;
      std::vector<dashboard_update> updates;
    } feed;
    // A small renderer: the number of sales in scope (the real one is report_queries.h).
    const auto render = [](const view_state& v, std::optional<branch_id> scope, std::int64_t) {
      std::int64_t count = 0;
      for (const sale_view& sale : v.sales.sales) count += (!scope || sale.branch == *scope) ? 1 : 0;
      return fmt::format("{} sales", count);
    };
    projector_options options;
    options.dashboard_interval = 1h;
    options.render_dashboard = render;
    live_ledger ledger(options);
    ledger.open(views_mode::none);
    const small_ledger world = seed_small_ledger(ledger.processor(), 100000);
    ledger.close();
    ledger.before_start = [&](projector& views) {
      views.subscribe_dashboard([&](const dashboard_update& update) {
        std::lock_guard lock(feed.mutex);
        feed.updates.push_back(update);
      });
    };
    ledger.open();

    constexpr int sales = 60;
    std::uint64_t head = 0;
    for (int i = 0; i < sales; ++i) {
      const auto outcome =
          ledger.processor().submit(command_request{world.cashier, {}, one_unit_sale(world)}).get();
      REQUIRE(outcome.ok());
      head = outcome.last_sequence;
    }
    // The coalesced updates with the final state arrive at the latest on stop (forced push).
    const auto has_final = [&](std::optional<branch_id> scope) {
      std::lock_guard lock(feed.mutex);
      return std::any_of(feed.updates.begin(), feed.updates.end(), [&](const dashboard_update& u) {
        return u.scope == scope && u.sequence == head;
      });
    };
    const engine::event_store& store = ledger.store();
    // A caller is answered before its batch is published: wait for the views to have it.
    REQUIRE(ledger.views().wait_for(head, 20s));
    ledger.views().stop();  // the feed is complete after stop()
    const std::uint64_t pushed = ledger.views().metrics().dashboard_updates;
    CHECK(has_final(std::nullopt));
    CHECK(has_final(world.branch));

    std::lock_guard lock(feed.mutex);
    std::map<std::optional<branch_id>, std::vector<const dashboard_update*>> by_scope;
    for (const auto& update : feed.updates) by_scope[update.scope].push_back(&update);
    CHECK(by_scope.size() == 2);  // the chain and the one branch
    for (const auto& [scope, updates] : by_scope) {
      CAPTURE((scope ? scope->value : 0));
      REQUIRE_FALSE(updates.empty());
      // Coalesced: with an interval longer than the test, a scope gets its first push at once
      // and everything folded after it in one forced push on stop (if anything was left), so
      // 60 sales give at most two pushes whatever the thread timing.
      CHECK(updates.size() <= 2);
      std::uint64_t previous = 0;
      for (const dashboard_update* update : updates) {
        CAPTURE(update->sequence);
        CHECK(update->sequence > 0);
        CHECK(update->sequence >= previous);
        CHECK(update->sequence <= head);
        previous = update->sequence;
        // Each push shows the views as of its stamp.
        std::string as_of_error;
        const auto state = views_as_of(store, update->sequence, as_of_error);
        REQUIRE_MESSAGE(state.has_value(), as_of_error);
        CHECK(update->json == render(*state, scope, 0));
      }
      CHECK(updates.back()->sequence == head);
    }
    CHECK(pushed == feed.updates.size());
  }

  TEST_CASE("projector: events folded by a catch-up mark their dashboard scopes too") {
    std::mutex mutex;
    std::vector<dashboard_update> updates;
    projector_options options;
    options.dashboard_interval = 1h;
    options.render_dashboard = [](const view_state& v, std::optional<branch_id>, std::int64_t) {
      return std::to_string(v.sales.sales.size());
    };
    live_ledger ledger(options);
    ledger.open(views_mode::none);
    const small_ledger world = seed_small_ledger(ledger.processor(), 100);
    for (int i = 0; i < 3; ++i) {
      REQUIRE(ledger.processor()
                  .submit(command_request{world.cashier, {}, one_unit_sale(world)})
                  .get()
                  .ok());
    }
    ledger.close();
    // Attached without recover(): the first published batch is beyond applied + 1, so the
    // projector catches up over the sales first. The batch itself (a new category) touches no
    // branch: only the catch-up can mark the branch's scope.
    ledger.before_start = [&](projector& views) {
      views.subscribe_dashboard([&](const dashboard_update& update) {
        std::lock_guard lock(mutex);
        updates.push_back(update);
      });
    };
    ledger.open(views_mode::unrecovered);
    engine::create_category category;
    category.name = "Hàng khuyến mãi";
    const auto outcome =
        ledger.processor().submit(command_request{world.admin, {}, std::move(category)}).get();
    REQUIRE_MESSAGE(outcome.ok(), (outcome.rejected ? outcome.rejected->message : std::string()));
    REQUIRE(ledger.views().wait_for(outcome.last_sequence, wait_max));
    CHECK(ledger.views().metrics().catch_ups >= 1);
    ledger.views().stop();  // forced push of every marked scope
    std::lock_guard lock(mutex);
    const bool branch_pushed = std::any_of(updates.begin(), updates.end(), [&](const auto& u) {
      return u.scope == std::optional<branch_id>(world.branch) && u.json == "3";
    });
    CHECK(branch_pushed);
    ledger.close();
  }

  TEST_CASE("projector: sequence_at and recorded_at over an injected clock") {
    live_ledger ledger;
    ledger.open(views_mode::none);
    CHECK(sequence_at(ledger.store(), spec_epoch_us) == 0);  // empty log
    // Batches at known times: one command each, some of several events, one time repeated
    // (the writer then stamps one microsecond later: time never goes back).
    const std::int64_t t0 = spec_epoch_us + 5'000'000;
    const std::vector<std::int64_t> clock = {t0, t0 + 1, t0 + 1, t0 + 60'000'000, t0 + 86'400'000'000};
    std::vector<std::pair<std::int64_t, std::uint64_t>> batches;  // recorded time, last sequence
    std::vector<std::uint64_t> firsts;
    const auto commit = [&](user_id actor, command body) {
      ledger.clock_us = clock[batches.size() % clock.size()] + static_cast<std::int64_t>(batches.size() / clock.size()) * 86'400'000'000;
      const auto outcome = ledger.processor().submit(command_request{actor, {}, std::move(body)}).get();
      REQUIRE(outcome.ok());
      REQUIRE(outcome.first_sequence > 0);
      batches.emplace_back(outcome.recorded_at_us, outcome.last_sequence);
      firsts.push_back(outcome.first_sequence);
      return outcome;
    };
    const auto init =
        commit(user_id{}, initialize_ledger{spec_namespace, "VND", "admin@pos.com", "argon2id$a", "Admin"});
    const user_id admin{first_event<events::user_created>(init.events)->user_id};
    const auto branch = commit(admin, create_branch{"BR-001", "Trung tâm", "", ""});
    commit(admin, update_user{admin, {}, {}, {}, {}, {}, std::optional<branch_id>{branch_id{first_event<events::branch_created>(branch.events)->branch_id}}});
    for (int i = 0; i < 7; ++i) commit(admin, create_category{fmt::format("Nhóm {}", i), ""});
    ledger.close();

    std::string error;
    auto store = engine::event_store::open(engine::store_options{ledger.path(), false, true}, error);
    REQUIRE_MESSAGE(store, error);
    REQUIRE(store->last_sequence() == batches.back().second);
    // The writer's stamps: the clock's value, or one microsecond after the previous batch.
    for (std::size_t i = 1; i < batches.size(); ++i) CHECK(batches[i].first > batches[i - 1].first);
    CHECK(batches[2].first == batches[1].first + 1);
    for (std::size_t i = 0; i < batches.size(); ++i) {
      CAPTURE(i);
      const auto [at, last] = batches[i];
      for (std::uint64_t s = firsts[i]; s <= last; ++s) CHECK(recorded_at(*store, s) == at);
      CHECK(sequence_at(*store, at) == last);          // exactly at a batch: its last event
      CHECK(sequence_at(*store, at - 1) == firsts[i] - 1);  // just before it: the batch before
      if (i + 1 < batches.size()) {
        CHECK(sequence_at(*store, batches[i + 1].first - 1) == last);
      }
    }
    CHECK(sequence_at(*store, batches.front().first - 1) == 0);
    CHECK(sequence_at(*store, 0) == 0);
    CHECK(sequence_at(*store, std::numeric_limits<std::int64_t>::max()) == store->last_sequence());
    CHECK_FALSE(recorded_at(*store, store->last_sequence() + 1).has_value());
    CHECK_FALSE(recorded_at(*store, 0).has_value());
  }
}

}  // namespace ledger::testing
