// Crash test: a child process commits sales and stock-ins under load from two threads and is
// killed with SIGKILL at a random moment; 20 cycles on the same ledger. After every kill the
// parent checks what a crash must never break:
//   * every command the child saw acknowledged is in the log (its idempotency record exists
//     and all of its events are stored) — acknowledged means durable;
//   * no partial batch is visible: every command id found in an envelope has its idempotency
//     record and its whole event range (events and records share one WriteBatch);
//   * the hash chain verifies and a full replay succeeds (evolve re-asserts every invariant:
//     stock never negative, ...), and the ledger reopens and keeps working.
// The child reports each acknowledged command id and sequence through a pipe before the
// parent kills it. The seed of the kill timings is printed on failure.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <random>
#include <thread>

#include "engine/ledger.h"
#include "engine/verify.h"
#include "tests/support/small_ledger.h"
#include "tests/support/temp_dir.h"

using namespace ledger;
using namespace ledger::engine;

namespace {

constexpr int crash_cycles = 20;

ledger_options quiet_options(const std::string& dir) {
  ledger_options options;
  options.data_dir = dir;
  options.snapshot_every_events = 500;  // so some cycles also die around a snapshot
  options.log = [](const std::string&) {};
  return options;
}

// Runs in the child: commits until killed (bounded to 20 s), writing "<command id> <last seq>\n"
// for every acknowledged command to `report_fd`.
[[noreturn]] void child_main(const std::string& dir, int cycle, int report_fd) {
  std::string error;
  auto host = ledger_host::open(quiet_options(dir), error);
  if (!host) _exit(3);
  testing::small_ledger world;
  // The small ledger is seeded once; later cycles find it (its ids are stable: 1-based counter).
  if (host->processor().head_sequence() == 0) {
    world = testing::seed_small_ledger(host->processor(), 1000);
  } else {
    world.admin = user_id{1};
    world.branch = branch_id{2};
    world.cashier = user_id{3};
    world.product = product_id{5};
  }
  auto work = [&](int thread) {
    for (int i = 0; i < 100000; ++i) {
      const std::string id = fmt::format("c{}-t{}-{}", cycle, thread, i);
      command body = (i % 10 == 9) ? command{receive_stock{world.product, 10, 500000, supplier_id{}, id, ""}}
                                   : command{testing::one_unit_sale(world)};
      const user_id actor = (i % 10 == 9) ? world.admin : world.cashier;
      const auto outcome = host->processor().submit(command_request{actor, id, body}).get();
      if (outcome.result == command_outcome::status::committed) {
        const std::string line = fmt::format("{} {}\n", id, outcome.last_sequence);
        if (write(report_fd, line.data(), line.size()) < 0) _exit(4);
      }
    }
  };
  std::thread a(work, 0);
  std::thread b(work, 1);
  a.join();
  b.join();
  _exit(0);
}

}  // namespace

TEST_SUITE("recovery/crash") {
  TEST_CASE("SIGKILL under load never loses an acknowledged command nor shows a partial batch") {
    testing::temp_dir dir;
    const std::string path = dir.sub("ledger");
    const auto seed = std::random_device{}();
    CAPTURE(seed);
    std::mt19937 random(seed);
    std::map<std::string, std::uint64_t> acknowledged;  // command id -> last sequence
    for (int cycle = 0; cycle < crash_cycles; ++cycle) {
      CAPTURE(cycle);
      int pipe_fds[2];
      REQUIRE(pipe(pipe_fds) == 0);
      const pid_t child = fork();
      REQUIRE(child >= 0);
      if (child == 0) {
        close(pipe_fds[0]);
        child_main(path, cycle, pipe_fds[1]);
      }
      close(pipe_fds[1]);
      // Wait until it is committing (its first acknowledgement), let it run under load for a
      // random while, then kill it without warning.
      std::string reported;
      char buffer[65536];
      while (reported.find('\n') == std::string::npos) {
        const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
        if (n <= 0) break;
        reported.append(buffer, static_cast<std::size_t>(n));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20 + random() % 300));
      REQUIRE(kill(child, SIGKILL) == 0);
      int status = 0;
      REQUIRE(waitpid(child, &status, 0) == child);
      CHECK_MESSAGE(WIFSIGNALED(status), "child exited on its own with status ", status);
      // Collect what the child saw acknowledged.
      for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) reported.append(buffer, static_cast<std::size_t>(n));
      close(pipe_fds[0]);
      std::size_t lines = 0;
      for (std::size_t start = 0, end; (end = reported.find('\n', start)) != std::string::npos; start = end + 1) {
        const std::string line = reported.substr(start, end - start);
        const auto space = line.find(' ');
        REQUIRE(space != std::string::npos);
        acknowledged[line.substr(0, space)] = std::stoull(line.substr(space + 1));
        ++lines;
      }
      CHECK(lines > 0);

      // Reopen the store directly and check the properties.
      std::string error;
      auto store = event_store::open(store_options{path, false, true}, error);
      REQUIRE_MESSAGE(store, error);
      const std::uint64_t head = store->last_sequence();
      for (const auto& [id, last] : acknowledged) {
        CAPTURE(id);
        CHECK(last <= head);
      }
      // Every command id in the log has its record and complete range (no partial batch).
      auto it = store->event_iterator();
      std::map<std::pair<std::uint64_t, std::string>, std::pair<std::uint64_t, std::uint64_t>> seen;
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        const auto view = events::decode_envelope({reinterpret_cast<const std::uint8_t*>(it->value().data()), it->value().size()});
        REQUIRE(view.has_value());
        if (view->header.command_id.empty()) continue;
        auto& range = seen[{view->header.actor.user_id, view->header.command_id}];
        if (range.first == 0) range.first = view->header.sequence;
        range.second = view->header.sequence;
      }
      for (const auto& [key, range] : seen) {
        rocksdb::Status status_read;
        const auto record = store->read_idempotency(key.first, key.second, status_read);
        REQUIRE(status_read.ok());
        REQUIRE_MESSAGE(record.has_value(), "event of command ", key.second, " without its record");
        CHECK(record->first_sequence == range.first);
        CHECK(record->last_sequence == range.second);
      }
      // Every acknowledged command is among them, at the sequence the child was told.
      std::map<std::string, std::uint64_t> logged;
      for (const auto& [key, range] : seen) logged[key.second] = range.second;
      for (const auto& [id, last] : acknowledged) {
        CAPTURE(id);
        const auto found = logged.find(id);
        REQUIRE_MESSAGE(found != logged.end(), "acknowledged command lost");
        CHECK(found->second == last);
      }
      const auto report = verify_ledger(*store);
      CHECK_MESSAGE(report.ok(), (report.problem ? report.problem->reason : std::string("snapshot mismatch")));
    }
    // After all the crashes the ledger opens and accepts work.
    std::string error;
    auto host = ledger_host::open(quiet_options(path), error);
    REQUIRE_MESSAGE(host, error);
    const auto after = host->processor()
                           .submit(command_request{user_id{3}, "after-crashes",
                                                   record_sale{{{product_id{5}, 1}}, std::nullopt, 0, "", {{payment_method::CASH, testing::small_ledger::sale_total, ""}}}})
                           .get();
    CHECK(after.ok());
  }
}
