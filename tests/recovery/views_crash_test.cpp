// Views after kill -9: a child process runs the ledger with the projector attached (a view
// snapshot every 200 events) and commits random commands until the parent SIGKILLs it; the
// parent then opens the store, starts a fresh projector and checks that what it recovers (the
// newest view snapshot that survived + the log's tail) equals a rebuild: views_as_of(head), a
// fold of the whole log from sequence 1 without snapshots, and rebuild_views() + load_views().
// A few cycles on the same ledger, so later children start from what the crash left behind
// (including the snapshot the parent's rebuild wrote).
//
// The kill is placed by progress, not by time: the child reports after every committed
// command how many it has committed and how many view snapshots its projector has taken, and
// the parent kills it once the report shows both enough commands and at least one snapshot of
// this cycle (so every cycle dies with snapshots, folding and writing in flight). The seeds of
// the commands and the kill points are printed on failure.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <exception>
#include <random>
#include <string>

#include "engine/ledger.h"
#include "projections/fold.h"
#include "projections/log_reader.h"
#include "projections/projector.h"
#include "projections/rebuild.h"
#include "projections/view_snapshot.h"
#include "tests/support/random_history.h"
#include "tests/support/temp_dir.h"

namespace ledger::testing {
namespace {

using namespace ledger::projections;

constexpr int crash_cycles = 3;

// Runs in the child: commits random commands until killed (bounded), writing
// "<commands committed> <view snapshots taken>\n" to `report_fd` after each.
void child_work(const std::string& dir, std::uint64_t seed, int report_fd) {
  std::string error;
  std::atomic<std::int64_t> clock_us{spec_epoch_us};
  engine::ledger_options options;
  options.data_dir = dir;
  options.sync_writes = false;  // SIGKILL keeps what reached the page cache
  options.clock = [&clock_us] { return clock_us.load(); };
  options.log = [](const std::string&) {};
  options.start_writer = false;
  auto host = engine::ledger_host::open(options, error);
  if (!host) _exit(3);
  projector_options view_options;
  view_options.snapshot_every_events = 200;
  view_options.snapshots_kept = 2;
  view_options.log = [](const std::string&) {};
  projector views(host->store(), view_options);
  if (!views.recover(error)) _exit(4);
  views.attach(host->processor());
  engine::write_model model = host->processor().model();
  const bool fresh = model.last_sequence == 0;
  clock_us = std::max(clock_us.load(), model.last_recorded_at_us + 1);
  host->start();
  views.start();
  processor_sink sink(host->processor(), std::move(model), clock_us);
  const spec_world world = fresh ? build_world(sink) : find_world(sink.model());
  random_history history(seed, world, sink.model());
  const std::uint64_t snapshots_before = views.metrics().snapshots;
  for (int committed = 0; committed < 20000;) {
    committed += history.step(sink) ? 1 : 0;
    const std::string line =
        fmt::format("{} {}\n", committed, views.metrics().snapshots - snapshots_before);
    if (write(report_fd, line.data(), line.size()) < 0) _exit(5);
  }
}

[[noreturn]] void child_main(const std::string& dir, std::uint64_t seed, int report_fd) {
  try {
    child_work(dir, seed, report_fd);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "views crash child: %s\n", e.what());
    _exit(6);
  } catch (...) {
    _exit(6);  // a failed REQUIRE in the child must not run the parent's test on
  }
  _exit(0);
}

// The last complete report line's two numbers.
std::pair<int, int> last_report(const std::string& reported) {
  const auto end = reported.rfind('\n');
  if (end == std::string::npos) return {0, 0};
  const auto start = reported.rfind('\n', end - 1);
  const std::string line = reported.substr(start == std::string::npos ? 0 : start + 1,
                                           end - (start == std::string::npos ? 0 : start + 1));
  const auto space = line.find(' ');
  if (space == std::string::npos) return {0, 0};
  return {std::stoi(line.substr(0, space)), std::stoi(line.substr(space + 1))};
}

}  // namespace

TEST_SUITE("recovery/views_crash") {
  TEST_CASE("views after SIGKILL mid-stream equal a rebuild of the log") {
    temp_dir dir;
    const std::string path = dir.sub("ledger");
    const std::uint64_t seed = property_seed_from_environment().value_or(std::random_device{}());
    CAPTURE(seed);
    std::mt19937_64 random(seed);
    bool recovered_from_snapshot = false;
    for (int cycle = 0; cycle < crash_cycles; ++cycle) {
      CAPTURE(cycle);
      const int kill_after = 150 + static_cast<int>(random() % 250);  // commands this cycle
      CAPTURE(kill_after);
      int pipe_fds[2];
      REQUIRE(pipe(pipe_fds) == 0);
      const pid_t child = fork();
      REQUIRE(child >= 0);
      if (child == 0) {
        close(pipe_fds[0]);
        child_main(path, seed + static_cast<std::uint64_t>(cycle), pipe_fds[1]);
      }
      close(pipe_fds[1]);
      std::string reported;
      char buffer[65536];
      for (;;) {
        const auto [committed, snapshots] = last_report(reported);
        if (committed >= kill_after && snapshots >= 1) break;
        const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
        if (n <= 0) break;  // the child ended on its own: checked below
        reported.append(buffer, static_cast<std::size_t>(n));
      }
      REQUIRE(kill(child, SIGKILL) == 0);
      int status = 0;
      REQUIRE(waitpid(child, &status, 0) == child);
      close(pipe_fds[0]);
      REQUIRE_MESSAGE(WIFSIGNALED(status), "child exited on its own with status ", WEXITSTATUS(status));
      const auto [committed, snapshots] = last_report(reported);
      CHECK(committed >= kill_after);
      CHECK(snapshots >= 1);

      std::string error;
      auto store = engine::event_store::open(engine::store_options{path, false, true}, error);
      REQUIRE_MESSAGE(store, error);
      const std::uint64_t head = store->last_sequence();
      REQUIRE(head > 0);
      {
        projector_options options;
        options.log = [](const std::string&) {};
        projector views(*store, options);
        REQUIRE_MESSAGE(views.recover(error), error);
        const projector_metrics metrics = views.metrics();
        CHECK(metrics.applied == head);
        CHECK(metrics.recovered_from_snapshot + metrics.replayed_at_start == head);
        recovered_from_snapshot = recovered_from_snapshot || metrics.recovered_from_snapshot > 0;
        const std::string recovered = views.read([](const view_state& s) { return encode_views(s); });

        // views_as_of(head): the same snapshot-and-tail path, asked independently.
        const auto as_of = views_as_of(*store, head, error);
        REQUIRE_MESSAGE(as_of.has_value(), error);
        CHECK(encode_views(*as_of) == recovered);
        // A fold of the whole log from sequence 1, no snapshot involved.
        view_state folded;
        const auto read = read_log(*store, 1, head, [&](const event_record& e) { fold(folded, e); });
        REQUIRE_MESSAGE(!read.problem, (read.problem ? read.problem->reason : std::string()));
        finish_batch(folded);
        CHECK(folded.applied() == head);
        CHECK(encode_views(folded) == recovered);
        // Every view snapshot the crash left is not ahead of the log and matches the log.
        for (const std::uint64_t at : store->snapshot_sequences(engine::snapshot_kind::views)) {
          CAPTURE(at);
          CHECK(at <= head);
          const auto loaded = load_views(*store, at, [](const std::string&) {});
          REQUIRE(loaded.has_value());
          view_state expected;
          REQUIRE(!read_log(*store, 1, at, [&](const event_record& e) { fold(expected, e); }).problem);
          finish_batch(expected);
          CHECK(encode_views(*loaded) == encode_views(expected));
        }
        // rebuild_views() from zero, then loaded.
        const rebuild_result rebuilt = rebuild_views(*store, std::nullopt);
        CHECK(rebuilt.error == "");
        CHECK(rebuilt.sequence == head);
        const auto loaded = load_views(*store, head, [](const std::string&) {});
        REQUIRE(loaded.has_value());
        CHECK(encode_views(*loaded) == recovered);
      }
    }
    CHECK(recovered_from_snapshot);
  }
}

}  // namespace ledger::testing
