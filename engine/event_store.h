#pragma once
// The RocksDB store of one ledger: one database directory with the column families of
// DESIGN.md section 3.
//
//   family        key                                     value
//   events        sequence, u64 big-endian                envelope bytes (events/envelope.h)
//   idempotency   actor u64 BE | client command id bytes  idempotency_record (below)
//   views         view prefix | view key                  projection rows (projections/)
//   snapshots     (unused since store format 1 keeps snapshots as files; see below)
//   meta          name                                    format version, chain head, ...
//
// Snapshots (write model 'W', views 'V') are files beside the RocksDB files, in
// `<path>/snapshots/<kind>-<sequence, 20 digits>.snapshot`. A snapshot is a cache of a fold
// of the log and is hundreds of megabytes on a year of history: as a RocksDB value it went
// through the WAL, the memtable, LZ4 and block reads (and listing the family decompressed
// every value). As a file it is written once (temporary name, fsync, rename, fsync of the
// directory: it is either fully there or absent) and read with one read().
//
// Big-endian integers keep key order equal to numeric order, so the events family iterates in
// sequence order and "the last key" is the head.
//
// Thread-safety: RocksDB itself is thread-safe; this class adds no state after open, so reads
// may come from any thread. Writes of events and idempotency records come only from the single
// writer (engine/command_processor.h).
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/envelope.h"

namespace ledger::engine {

using events::hash256;

inline constexpr std::uint32_t store_format_version = 1;

// The outcome of a committed command, kept so a retry with the same client command id gets
// the original answer. Encoded as 32-byte digest | first u64 | last u64 | recorded_at i64 (BE).
struct idempotency_record {
  hash256 command_digest{};
  std::uint64_t first_sequence = 0;  // 0 and 0: the command was accepted with no events
  std::uint64_t last_sequence = 0;
  std::int64_t recorded_at_us = 0;
  friend bool operator==(const idempotency_record&, const idempotency_record&) = default;
};

[[nodiscard]] std::string encode_idempotency_record(const idempotency_record& record);
[[nodiscard]] std::optional<idempotency_record> decode_idempotency_record(std::string_view bytes);

[[nodiscard]] std::string event_key(std::uint64_t sequence);
[[nodiscard]] std::optional<std::uint64_t> sequence_of_key(std::string_view key);
[[nodiscard]] std::string idempotency_key(std::uint64_t actor, std::string_view command_id);

enum class snapshot_kind : std::uint8_t { write_model = 'W', views = 'V' };

struct store_options {
  std::string path;
  bool create_if_missing = true;
  bool sync_writes = true;  // fsync every committed batch (never turn off in production)
};

class event_store {
 public:
  // Opens (or creates) the database. On failure returns nullptr and sets `error`.
  [[nodiscard]] static std::unique_ptr<event_store> open(const store_options& options,
                                                         std::string& error);
  ~event_store();
  event_store(const event_store&) = delete;
  event_store& operator=(const event_store&) = delete;

  // Appends a prepared batch durably (sync per options). A failure is returned, never
  // swallowed; the writer fail-stops on it.
  [[nodiscard]] rocksdb::Status write(rocksdb::WriteBatch& batch);

  void put_event(rocksdb::WriteBatch& batch, std::uint64_t sequence, std::string_view envelope);
  void put_idempotency(rocksdb::WriteBatch& batch, std::uint64_t actor,
                       std::string_view command_id, const idempotency_record& record);

  // nullopt when absent; a read error is reported through `status`.
  [[nodiscard]] std::optional<std::string> read_event(std::uint64_t sequence,
                                                      rocksdb::Status& status) const;
  [[nodiscard]] std::optional<idempotency_record> read_idempotency(
      std::uint64_t actor, std::string_view command_id, rocksdb::Status& status) const;

  // The highest stored sequence (0 when the log is empty).
  [[nodiscard]] std::uint64_t last_sequence() const;

  // Iterator over the events family (caller seeks with event_key()).
  [[nodiscard]] std::unique_ptr<rocksdb::Iterator> event_iterator() const;

  // Stores a snapshot durably (replacing one at the same sequence).
  [[nodiscard]] rocksdb::Status put_snapshot(snapshot_kind kind, std::uint64_t sequence,
                                             std::string_view bytes);
  // The sequences of every stored snapshot of `kind`, newest first (without loading them).
  [[nodiscard]] std::vector<std::uint64_t> snapshot_sequences(snapshot_kind kind) const;
  // One snapshot's bytes (nullopt when absent or unreadable).
  [[nodiscard]] std::optional<std::string> read_snapshot(snapshot_kind kind,
                                                         std::uint64_t sequence) const;
  // Deletes all snapshots of `kind` except the newest `keep`.
  [[nodiscard]] rocksdb::Status prune_snapshots(snapshot_kind kind, std::size_t keep);

  [[nodiscard]] rocksdb::DB& db() { return *db_; }
  [[nodiscard]] rocksdb::ColumnFamilyHandle* events_family() const { return families_[1]; }
  [[nodiscard]] rocksdb::ColumnFamilyHandle* idempotency_family() const { return families_[2]; }
  [[nodiscard]] rocksdb::ColumnFamilyHandle* views_family() const { return families_[3]; }
  [[nodiscard]] rocksdb::ColumnFamilyHandle* snapshots_family() const { return families_[4]; }
  [[nodiscard]] rocksdb::ColumnFamilyHandle* meta_family() const { return families_[5]; }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::string snapshot_path(snapshot_kind kind, std::uint64_t sequence) const;

 private:
  event_store() = default;
  [[nodiscard]] rocksdb::Status prepare_snapshot_directory();

  std::string path_;
  std::string snapshot_directory_;
  bool sync_writes_ = true;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> families_;  // default, events, idempotency, views,
                                                        // snapshots, meta
};

}  // namespace ledger::engine
