// ledger_size: what a ledger costs on disk. Counts the events by type with their envelope
// bytes (FlatBuffers envelope with payload, hashes and header, before RocksDB's block
// compression), reports each column family's files as RocksDB measures them, then (with
// --compact) compacts every family to the bottom level and reports again.
//
//   ledger_size --data DIR [--compact]
//
// "On disk per event" is the events family's SST bytes divided by its events: what a year of
// sales costs once compacted. Run it on a ledger no server has open (RocksDB's lock).
#include <rocksdb/db.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>

#include "engine/event_store.h"
#include "events/envelope.h"
#include "events/event.h"

namespace {

using namespace ledger;

struct family_size {
  std::uint64_t sst_bytes = 0;       // rocksdb.live-sst-files-size (the current version's files)
  std::uint64_t memtable_bytes = 0;  // rocksdb.cur-size-all-mem-tables
  std::uint64_t files = 0;           // sum of rocksdb.num-files-at-levelN
};

family_size size_of(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family) {
  family_size size;
  db.GetIntProperty(family, "rocksdb.live-sst-files-size", &size.sst_bytes);
  db.GetIntProperty(family, "rocksdb.cur-size-all-mem-tables", &size.memtable_bytes);
  for (int level = 0; level < 7; ++level) {
    std::string files;
    if (db.GetProperty(family, "rocksdb.num-files-at-level" + std::to_string(level), &files)) {
      size.files += std::stoull(files);
    }
  }
  return size;
}

struct named_family {
  const char* name;
  rocksdb::ColumnFamilyHandle* handle;
};

void print_families(rocksdb::DB& db, const std::vector<named_family>& families,
                    std::uint64_t events) {
  std::uint64_t total = 0;
  for (const auto& [name, handle] : families) {
    const family_size size = size_of(db, handle);
    total += size.sst_bytes;
    std::printf("  %-12s %14llu bytes in %4llu files (+ %llu bytes in memtables)", name,
                static_cast<unsigned long long>(size.sst_bytes),
                static_cast<unsigned long long>(size.files),
                static_cast<unsigned long long>(size.memtable_bytes));
    if (std::string(name) == "events" && events != 0) {
      std::printf(": %.1f bytes per event", static_cast<double>(size.sst_bytes) / static_cast<double>(events));
    }
    std::printf("\n");
  }
  std::printf("  %-12s %14llu bytes\n", "all SSTs", static_cast<unsigned long long>(total));
}

}  // namespace

int main(int argc, char** argv) {
  std::string data;
  bool compact = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--data" && i + 1 < argc) {
      data = argv[++i];
    } else if (arg == "--compact") {
      compact = true;
    } else {
      std::fprintf(stderr, "usage: ledger_size --data DIR [--compact]\n");
      return 2;
    }
  }
  if (data.empty()) {
    std::fprintf(stderr, "usage: ledger_size --data DIR [--compact]\n");
    return 2;
  }
  std::string error;
  auto store = engine::event_store::open({.path = data, .create_if_missing = false}, error);
  if (!store) {
    std::fprintf(stderr, "ledger_size: %s\n", error.c_str());
    return 1;
  }

  struct type_total {
    std::uint64_t events = 0;
    std::uint64_t bytes = 0;
  };
  std::map<std::string, type_total> by_type;
  std::uint64_t events = 0;
  std::uint64_t bytes = 0;
  auto it = store->event_iterator();  // released before compacting: it pins the files it reads
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const rocksdb::Slice value = it->value();
    const auto view = events::decode_envelope(
        {reinterpret_cast<const std::uint8_t*>(value.data()), value.size()});
    if (!view) {
      std::fprintf(stderr, "ledger_size: an envelope does not decode\n");
      return 1;
    }
    type_total& total = by_type[std::string(events::name_of(view->header.type))];
    ++total.events;
    total.bytes += value.size();
    ++events;
    bytes += value.size();
  }
  if (!it->status().ok()) {
    std::fprintf(stderr, "ledger_size: %s\n", it->status().ToString().c_str());
    return 1;
  }
  it.reset();
  std::printf("ledger %s: %llu events, %llu envelope bytes (%.1f per event, before compression)\n",
              data.c_str(), static_cast<unsigned long long>(events),
              static_cast<unsigned long long>(bytes),
              events == 0 ? 0.0 : static_cast<double>(bytes) / static_cast<double>(events));
  std::printf("%-28s %12s %10s\n", "event type", "events", "bytes/event");
  for (const auto& [name, total] : by_type) {
    std::printf("%-28s %12llu %10.1f\n", name.c_str(), static_cast<unsigned long long>(total.events),
                static_cast<double>(total.bytes) / static_cast<double>(total.events));
  }

  rocksdb::DB& db = store->db();
  const std::vector<named_family> families{{"events", store->events_family()},
                                           {"idempotency", store->idempotency_family()},
                                           {"views", store->views_family()},
                                           {"snapshots", store->snapshots_family()},
                                           {"meta", store->meta_family()}};
  std::printf("column families as found:\n");
  print_families(db, families, events);
  if (!compact) return 0;

  const auto started = std::chrono::steady_clock::now();
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (const auto& [name, handle] : families) {
    db.Flush(rocksdb::FlushOptions(), handle);
    const rocksdb::Status status = db.CompactRange(options, handle, nullptr, nullptr);
    if (!status.ok()) {
      std::fprintf(stderr, "ledger_size: compacting %s: %s\n", name, status.ToString().c_str());
      return 1;
    }
  }
  std::printf("after a full compaction (%.1f s):\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  print_families(db, families, events);
  return 0;
}
