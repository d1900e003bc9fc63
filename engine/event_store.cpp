#include "engine/event_store.h"

#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include "events/assert.h"

namespace ledger::engine {
namespace {

const char* const family_names[] = {"default", "events",
                                        "idempotency", "views", "snapshots", "meta"};

void append_be(std::string& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xFF);
}

std::uint64_t read_be(std::string_view bytes) {
  std::uint64_t value = 0;
  for (char c : bytes.substr(0, 8)) value = (value << 8) | static_cast<std::uint8_t>(c);
  return value;
}

constexpr std::string_view meta_format_version = "format_version";

}  // namespace

std::string event_key(std::uint64_t sequence) {
  std::string key;
  key.reserve(8);
  append_be(key, sequence);
  return key;
}

std::optional<std::uint64_t> sequence_of_key(std::string_view key) {
  if (key.size() != 8) return std::nullopt;
  return read_be(key);
}

std::string idempotency_key(std::uint64_t actor, std::string_view command_id) {
  std::string key;
  key.reserve(8 + command_id.size());
  append_be(key, actor);
  key.append(command_id);
  return key;
}

std::string snapshot_key(snapshot_kind kind, std::uint64_t sequence) {
  std::string key(1, static_cast<char>(kind));
  append_be(key, sequence);
  return key;
}

std::string encode_idempotency_record(const idempotency_record& record) {
  std::string bytes(reinterpret_cast<const char*>(record.command_digest.data()),
                    record.command_digest.size());
  append_be(bytes, record.first_sequence);
  append_be(bytes, record.last_sequence);
  append_be(bytes, static_cast<std::uint64_t>(record.recorded_at_us));
  return bytes;
}

std::optional<idempotency_record> decode_idempotency_record(std::string_view bytes) {
  if (bytes.size() != 32 + 24) return std::nullopt;
  idempotency_record record;
  std::copy(bytes.begin(), bytes.begin() + 32, record.command_digest.begin());
  record.first_sequence = read_be(bytes.substr(32));
  record.last_sequence = read_be(bytes.substr(40));
  record.recorded_at_us = static_cast<std::int64_t>(read_be(bytes.substr(48)));
  if (record.first_sequence > record.last_sequence) return std::nullopt;
  return record;
}

std::unique_ptr<event_store> event_store::open(const store_options& options, std::string& error) {
  rocksdb::Options db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = options.create_if_missing;
  db_options.IncreaseParallelism(2);
  db_options.max_total_wal_size = 256ull << 20;

  rocksdb::BlockBasedTableOptions table_options;
  table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions family_options;
  family_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));
  family_options.compression = rocksdb::kLZ4Compression;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const char* name : family_names) descriptors.emplace_back(name, family_options);

  std::unique_ptr<event_store> store(new event_store());
  store->path_ = options.path;
  store->sync_writes_ = options.sync_writes;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status status =
      rocksdb::DB::Open(db_options, options.path, descriptors, &store->families_, &raw);
  if (!status.ok()) {
    error = "cannot open the ledger at " + options.path + ": " + status.ToString();
    return nullptr;
  }
  store->db_.reset(raw);
  LEDGER_ASSERT(store->families_.size() == std::size(family_names), "column family count {}",
                store->families_.size());

  // The format version is written once, when the store is created, and checked afterwards.
  std::string version;
  const rocksdb::Status read =
      raw->Get(rocksdb::ReadOptions(), store->meta_family(), meta_format_version, &version);
  if (read.IsNotFound()) {
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    const rocksdb::Status put = raw->Put(write_options, store->meta_family(), meta_format_version,
                                         std::to_string(store_format_version));
    if (!put.ok()) {
      error = "cannot write the format version: " + put.ToString();
      return nullptr;
    }
  } else if (!read.ok()) {
    error = "cannot read the format version: " + read.ToString();
    return nullptr;
  } else if (version != std::to_string(store_format_version)) {
    error = "unsupported ledger format version " + version + " (this build reads " +
            std::to_string(store_format_version) + ")";
    return nullptr;
  }
  return store;
}

event_store::~event_store() {
  if (db_ == nullptr) return;
  for (auto* family : families_) {
    const rocksdb::Status status = db_->DestroyColumnFamilyHandle(family);
    LEDGER_ASSERT(status.ok(), "cannot release a column family: {}", status.ToString());
  }
  families_.clear();
  db_.reset();
}

rocksdb::Status event_store::write(rocksdb::WriteBatch& batch) {
  rocksdb::WriteOptions options;
  options.sync = sync_writes_;
  return db_->Write(options, &batch);
}

void event_store::put_event(rocksdb::WriteBatch& batch, std::uint64_t sequence,
                            std::string_view envelope) {
  LEDGER_ASSERT(sequence > 0, "event sequence 0");
  const rocksdb::Status status = batch.Put(events_family(), event_key(sequence), envelope);
  LEDGER_ASSERT(status.ok(), "WriteBatch::Put failed: {}", status.ToString());
}

void event_store::put_idempotency(rocksdb::WriteBatch& batch, std::uint64_t actor,
                                  std::string_view command_id, const idempotency_record& record) {
  LEDGER_ASSERT(!command_id.empty(), "idempotency record without a command id");
  const rocksdb::Status status = batch.Put(idempotency_family(), idempotency_key(actor, command_id),
                                           encode_idempotency_record(record));
  LEDGER_ASSERT(status.ok(), "WriteBatch::Put failed: {}", status.ToString());
}

std::optional<std::string> event_store::read_event(std::uint64_t sequence,
                                                   rocksdb::Status& status) const {
  std::string value;
  status = db_->Get(rocksdb::ReadOptions(), events_family(), event_key(sequence), &value);
  if (status.IsNotFound()) {
    status = rocksdb::Status::OK();
    return std::nullopt;
  }
  if (!status.ok()) return std::nullopt;
  return value;
}

std::optional<idempotency_record> event_store::read_idempotency(std::uint64_t actor,
                                                                std::string_view command_id,
                                                                rocksdb::Status& status) const {
  std::string value;
  status = db_->Get(rocksdb::ReadOptions(), idempotency_family(), idempotency_key(actor, command_id),
                    &value);
  if (status.IsNotFound()) {
    status = rocksdb::Status::OK();
    return std::nullopt;
  }
  if (!status.ok()) return std::nullopt;
  auto record = decode_idempotency_record(value);
  if (!record) status = rocksdb::Status::Corruption("damaged idempotency record");
  return record;
}

std::uint64_t event_store::last_sequence() const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), events_family()));
  it->SeekToLast();
  if (!it->Valid()) return 0;
  const auto sequence = sequence_of_key(std::string_view(it->key().data(), it->key().size()));
  return sequence.value_or(0);
}

std::unique_ptr<rocksdb::Iterator> event_store::event_iterator() const {
  return std::unique_ptr<rocksdb::Iterator>(
      db_->NewIterator(rocksdb::ReadOptions(), events_family()));
}

rocksdb::Status event_store::put_snapshot(snapshot_kind kind, std::uint64_t sequence,
                                          std::string_view bytes) {
  rocksdb::WriteOptions options;
  options.sync = true;  // a snapshot is either fully there or not at all (one atomic Put)
  return db_->Put(options, snapshots_family(), snapshot_key(kind, sequence), bytes);
}

std::vector<std::pair<std::uint64_t, std::string>> event_store::snapshots(snapshot_kind kind) const {
  std::vector<std::pair<std::uint64_t, std::string>> found;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), snapshots_family()));
  const std::string prefix(1, static_cast<char>(kind));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    if (key.size() != 9) continue;
    found.emplace_back(read_be(key.substr(1)), it->value().ToString());
  }
  std::reverse(found.begin(), found.end());
  return found;
}

std::vector<std::uint64_t> event_store::snapshot_sequences(snapshot_kind kind) const {
  std::vector<std::uint64_t> found;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), snapshots_family()));
  const std::string prefix(1, static_cast<char>(kind));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    if (key.size() == 9) found.push_back(read_be(key.substr(1)));
  }
  std::reverse(found.begin(), found.end());
  return found;
}

std::optional<std::string> event_store::read_snapshot(snapshot_kind kind,
                                                      std::uint64_t sequence) const {
  std::string bytes;
  const rocksdb::Status status =
      db_->Get(rocksdb::ReadOptions(), snapshots_family(), snapshot_key(kind, sequence), &bytes);
  if (!status.ok()) return std::nullopt;
  return bytes;
}

rocksdb::Status event_store::prune_snapshots(snapshot_kind kind, std::size_t keep) {
  const auto stored = snapshot_sequences(kind);
  rocksdb::WriteBatch batch;
  for (std::size_t i = keep; i < stored.size(); ++i) {
    const rocksdb::Status status =
        batch.Delete(snapshots_family(), snapshot_key(kind, stored[i]));
    if (!status.ok()) return status;
  }
  if (batch.Count() == 0) return rocksdb::Status::OK();
  return db_->Write(rocksdb::WriteOptions(), &batch);
}

}  // namespace ledger::engine
