// Tests the snapshot files of engine/event_store: stored durably under their kind and
// sequence, listed newest first without being read, read back byte for byte, pruned to the
// newest N, kept apart by kind; half-written temporary files and legacy snapshots in the
// RocksDB `snapshots` family are cleaned up at open, and strangers in the directory are left
// alone and never listed.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/event_store.h"
#include "tests/support/temp_dir.h"

namespace ledger::engine {
namespace {

std::unique_ptr<event_store> open_store(const std::string& path) {
  std::string error;
  auto store = event_store::open(store_options{path, true, true}, error);
  REQUIRE_MESSAGE(store != nullptr, error);
  return store;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

TEST_SUITE("event_store snapshots") {
  TEST_CASE("put, list newest first, read back, prune") {
    testing::temp_dir dir;
    auto store = open_store(dir.sub("ledger"));
    CHECK(store->snapshot_sequences(snapshot_kind::write_model).empty());
    CHECK_FALSE(store->read_snapshot(snapshot_kind::write_model, 7).has_value());

    std::string big(1 << 20, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31 % 251);
    REQUIRE(store->put_snapshot(snapshot_kind::write_model, 10, "ten").ok());
    REQUIRE(store->put_snapshot(snapshot_kind::write_model, 30, big).ok());
    REQUIRE(store->put_snapshot(snapshot_kind::write_model, 20, std::string("t\0w\0o", 5)).ok());
    REQUIRE(store->put_snapshot(snapshot_kind::views, 25, "views").ok());

    CHECK(store->snapshot_sequences(snapshot_kind::write_model) ==
          std::vector<std::uint64_t>{30, 20, 10});
    CHECK(store->snapshot_sequences(snapshot_kind::views) == std::vector<std::uint64_t>{25});
    CHECK(store->read_snapshot(snapshot_kind::write_model, 30) == big);
    CHECK(store->read_snapshot(snapshot_kind::write_model, 20) == std::string("t\0w\0o", 5));
    CHECK_FALSE(store->read_snapshot(snapshot_kind::views, 30).has_value());

    // Replacing one at the same sequence.
    REQUIRE(store->put_snapshot(snapshot_kind::write_model, 10, "TEN").ok());
    CHECK(store->read_snapshot(snapshot_kind::write_model, 10) == "TEN");

    REQUIRE(store->prune_snapshots(snapshot_kind::write_model, 1).ok());
    CHECK(store->snapshot_sequences(snapshot_kind::write_model) == std::vector<std::uint64_t>{30});
    CHECK(store->snapshot_sequences(snapshot_kind::views) == std::vector<std::uint64_t>{25});
    REQUIRE(store->prune_snapshots(snapshot_kind::views, 0).ok());
    CHECK(store->snapshot_sequences(snapshot_kind::views).empty());

    // The file name carries the kind and the sequence; nothing else is left in the directory.
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir.sub("ledger/snapshots"))) {
      names.push_back(entry.path().filename().string());
    }
    CHECK(names == std::vector<std::string>{"W-00000000000000000030.snapshot"});
    CHECK(store->snapshot_path(snapshot_kind::views, 5) ==
          dir.sub("ledger") + "/snapshots/V-00000000000000000005.snapshot");

    // Surviving a reopen.
    store.reset();
    store = open_store(dir.sub("ledger"));
    CHECK(store->read_snapshot(snapshot_kind::write_model, 30) == big);
  }

  TEST_CASE("open removes half-written files and ignores strangers") {
    testing::temp_dir dir;
    {
      auto store = open_store(dir.sub("ledger"));
      REQUIRE(store->put_snapshot(snapshot_kind::views, 4, "four").ok());
    }
    const std::string half = dir.sub("ledger/snapshots/V-00000000000000000009.snapshot.tmp");
    write_file(half, "half of a snap");
    write_file(dir.sub("ledger/snapshots/notes.txt"), "someone's notes");
    write_file(dir.sub("ledger/snapshots/V-12.snapshot"), "short name");
    write_file(dir.sub("ledger/snapshots/X-00000000000000000001.snapshot"), "other kind");

    auto store = open_store(dir.sub("ledger"));
    CHECK_FALSE(std::filesystem::exists(half));
    CHECK(std::filesystem::exists(dir.sub("ledger/snapshots/notes.txt")));
    CHECK(store->snapshot_sequences(snapshot_kind::views) == std::vector<std::uint64_t>{4});
    CHECK(store->snapshot_sequences(snapshot_kind::write_model).empty());
  }

  TEST_CASE("snapshots an older build kept in the RocksDB family are dropped at open") {
    testing::temp_dir dir;
    {
      auto store = open_store(dir.sub("ledger"));
      const std::string key = std::string(1, 'W') + std::string(7, '\0') + '\x05';
      REQUIRE(store->db()
                  .Put(rocksdb::WriteOptions(), store->snapshots_family(), key, "old snapshot")
                  .ok());
    }
    auto store = open_store(dir.sub("ledger"));
    std::unique_ptr<rocksdb::Iterator> it(
        store->db().NewIterator(rocksdb::ReadOptions(), store->snapshots_family()));
    it->SeekToFirst();
    CHECK_FALSE(it->Valid());
    CHECK(it->status().ok());
    CHECK(store->snapshot_sequences(snapshot_kind::write_model).empty());
  }
}

}  // namespace
}  // namespace ledger::engine
