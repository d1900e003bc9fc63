// Corruption test: damage a stored ledger on purpose (a flipped byte inside an event, a
// truncated last event, a deleted event, a damaged snapshot) and check that verify names the
// exact sequence of the first problem, that the ledger refuses to open on a damaged log, and
// that a damaged snapshot only costs a full replay. Also runs the real binary's `verify`.
#include <doctest/doctest.h>

#include <cstdlib>

#include <fmt/format.h>

#include "engine/ledger.h"
#include "engine/verify.h"
#include "tests/support/small_ledger.h"
#include "tests/support/temp_dir.h"

using namespace ledger;
using namespace ledger::engine;

namespace {

// A closed ledger with a few dozen events; returns its head.
std::uint64_t build_ledger(const std::string& path) {
  ledger_options options;
  options.data_dir = path;
  options.log = [](const std::string&) {};
  std::string error;
  auto host = ledger_host::open(options, error);
  REQUIRE_MESSAGE(host, error);
  const auto world = testing::seed_small_ledger(host->processor(), 100);
  for (int i = 0; i < 30; ++i) {
    REQUIRE(host->processor().submit(command_request{world.cashier, {}, testing::one_unit_sale(world)}).get().ok());
  }
  const std::uint64_t head = host->processor().head_sequence();
  host->stop();
  return head;
}

// Rewrites the stored value of event `sequence` with `change` applied.
template <class F>
void damage_event(const std::string& path, std::uint64_t sequence, F change) {
  std::string error;
  auto store = event_store::open(store_options{path, false, true}, error);
  REQUIRE(store);
  rocksdb::Status status;
  auto bytes = store->read_event(sequence, status);
  REQUIRE(bytes.has_value());
  change(*bytes);
  REQUIRE(store->db().Put(rocksdb::WriteOptions(), store->events_family(), event_key(sequence), *bytes).ok());
}

verify_report verify_at(const std::string& path) {
  std::string error;
  auto store = event_store::open(store_options{path, false, true}, error);
  REQUIRE(store);
  return verify_ledger(*store);
}

}  // namespace

TEST_SUITE("recovery/corruption") {
  TEST_CASE("an intact ledger verifies, through the library and through the binary") {
    testing::temp_dir dir;
    const auto head = build_ledger(dir.sub("ledger"));
    const auto report = verify_at(dir.sub("ledger"));
    CHECK(report.ok());
    CHECK(report.events == head);
    CHECK(report.snapshot_sequence == head);
    const std::string command =
        fmt::format("{} verify --data {} > {}", POSLEDGER_BINARY, dir.sub("ledger"), dir.sub("out.txt"));
    CHECK(std::system(command.c_str()) == 0);
  }

  TEST_CASE("a flipped byte in any event is reported at that exact sequence") {
    for (std::uint64_t target : {std::uint64_t{1}, std::uint64_t{9}, std::uint64_t{20}}) {
      CAPTURE(target);
      testing::temp_dir dir;
      const auto head = build_ledger(dir.sub("ledger"));
      REQUIRE(target < head);
      // Flip a byte in the middle of the payload region (past the FlatBuffer header).
      damage_event(dir.sub("ledger"), target, [](std::string& bytes) { bytes[bytes.size() / 2] ^= 0x5A; });
      const auto report = verify_at(dir.sub("ledger"));
      CHECK_FALSE(report.ok());
      REQUIRE(report.problem.has_value());
      CHECK(report.problem->sequence == target);
      CHECK(report.events == target - 1);
      // The ledger refuses to open on it, naming the sequence.
      ledger_options options;
      options.data_dir = dir.sub("ledger");
      options.log = [](const std::string&) {};
      std::string error;
      // The snapshot at the head is newer than the damage; drop snapshots so start-up replays.
      {
        auto store = event_store::open(store_options{dir.sub("ledger"), false, true}, error);
        REQUIRE(store->prune_snapshots(snapshot_kind::write_model, 0).ok());
      }
      CHECK(ledger_host::open(options, error) == nullptr);
      CHECK(error.find(fmt::format("sequence {}", target)) != std::string::npos);
      // And the binary exits non-zero and prints the sequence.
      const std::string out = dir.sub("verify.txt");
      const std::string command = fmt::format("{} verify --data {} > {}", POSLEDGER_BINARY, dir.sub("ledger"), out);
      CHECK(std::system(command.c_str()) != 0);
      std::FILE* file = std::fopen(out.c_str(), "r");
      REQUIRE(file != nullptr);
      std::string printed(4096, '\0');
      printed.resize(std::fread(printed.data(), 1, printed.size(), file));
      std::fclose(file);
      CHECK(printed.find(fmt::format("problem    at sequence {}", target)) != std::string::npos);
    }
  }

  TEST_CASE("a truncated last event is reported at the head") {
    testing::temp_dir dir;
    const auto head = build_ledger(dir.sub("ledger"));
    damage_event(dir.sub("ledger"), head, [](std::string& bytes) { bytes.resize(bytes.size() / 3); });
    const auto report = verify_at(dir.sub("ledger"));
    REQUIRE(report.problem.has_value());
    CHECK(report.problem->sequence == head);
    CHECK(report.events == head - 1);
  }

  TEST_CASE("a deleted event is a gap at its sequence") {
    testing::temp_dir dir;
    build_ledger(dir.sub("ledger"));
    {
      std::string error;
      auto store = event_store::open(store_options{dir.sub("ledger"), false, true}, error);
      REQUIRE(store->db().Delete(rocksdb::WriteOptions(), store->events_family(), event_key(12)).ok());
    }
    const auto report = verify_at(dir.sub("ledger"));
    REQUIRE(report.problem.has_value());
    CHECK(report.problem->sequence == 12);
  }

  TEST_CASE("a damaged snapshot is reported by verify and start-up falls back to replay") {
    testing::temp_dir dir;
    const auto head = build_ledger(dir.sub("ledger"));
    std::string error;
    {
      auto store = event_store::open(store_options{dir.sub("ledger"), false, true}, error);
      const auto stored = store->snapshot_sequences(snapshot_kind::write_model);
      REQUIRE_FALSE(stored.empty());
      auto bytes = store->read_snapshot(snapshot_kind::write_model, stored.front());
      REQUIRE(bytes.has_value());
      (*bytes)[bytes->size() / 2] ^= 0x01;
      REQUIRE(store->put_snapshot(snapshot_kind::write_model, stored.front(), *bytes).ok());
    }
    const auto report = verify_at(dir.sub("ledger"));
    CHECK_FALSE(report.ok());
    CHECK_FALSE(report.snapshot_matches);
    std::vector<std::string> logged;
    ledger_options options;
    options.data_dir = dir.sub("ledger");
    options.log = [&](const std::string& line) { logged.push_back(line); };
    auto host = ledger_host::open(options, error);
    REQUIRE_MESSAGE(host, error);
    CHECK(host->processor().head_sequence() == head);
    REQUIRE_FALSE(logged.empty());
    CHECK(logged.front().find("damaged") != std::string::npos);
  }
}
