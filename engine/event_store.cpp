#include "engine/event_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <functional>

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
  store->snapshot_directory_ = options.path + "/snapshots";
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
  if (const rocksdb::Status prepared = store->prepare_snapshot_directory(); !prepared.ok()) {
    error = "cannot prepare the snapshot directory: " + prepared.ToString();
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

namespace {

constexpr std::string_view snapshot_suffix = ".snapshot";
constexpr std::string_view temporary_suffix = ".tmp";
constexpr std::size_t sequence_digits = 20;  // every u64 fits

rocksdb::Status io_error(std::string_view what, const std::string& path) {
  return rocksdb::Status::IOError(fmt::format("{} {}", what, path), std::strerror(errno));
}

// fsync of a directory, so a rename or an unlink in it survives a crash.
rocksdb::Status sync_directory(const std::string& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open", directory);
  const int synced = ::fsync(fd);
  ::close(fd);
  if (synced != 0) return io_error("cannot fsync", directory);
  return rocksdb::Status::OK();
}

// "<kind>-<20 digits>.snapshot" -> sequence; anything else (temporary files, strangers) ->
// nullopt.
std::optional<std::uint64_t> snapshot_file_sequence(std::string_view name, snapshot_kind kind) {
  if (name.size() != 2 + sequence_digits + snapshot_suffix.size()) return std::nullopt;
  if (name[0] != static_cast<char>(kind) || name[1] != '-') return std::nullopt;
  if (!name.ends_with(snapshot_suffix)) return std::nullopt;
  std::uint64_t sequence = 0;
  const char* first = name.data() + 2;
  const auto [end, error] = std::from_chars(first, first + sequence_digits, sequence);
  if (error != std::errc{} || end != first + sequence_digits) return std::nullopt;
  return sequence;
}

}  // namespace

std::string event_store::snapshot_path(snapshot_kind kind, std::uint64_t sequence) const {
  return fmt::format("{}/{}-{:0{}}{}", snapshot_directory_, static_cast<char>(kind), sequence,
                     sequence_digits, snapshot_suffix);
}

rocksdb::Status event_store::put_snapshot(snapshot_kind kind, std::uint64_t sequence,
                                          std::string_view bytes) {
  const std::string final_path = snapshot_path(kind, sequence);
  const std::string temporary_path = final_path + std::string(temporary_suffix);
  const int fd = ::open(temporary_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot create", temporary_path);
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const rocksdb::Status status = io_error("cannot write", temporary_path);
      ::close(fd);
      ::unlink(temporary_path.c_str());
      return status;
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const rocksdb::Status status = io_error("cannot fsync", temporary_path);
    ::close(fd);
    ::unlink(temporary_path.c_str());
    return status;
  }
  ::close(fd);
  if (::rename(temporary_path.c_str(), final_path.c_str()) != 0) {
    const rocksdb::Status status = io_error("cannot rename", temporary_path);
    ::unlink(temporary_path.c_str());
    return status;
  }
  return sync_directory(snapshot_directory_);
}

std::vector<std::uint64_t> event_store::snapshot_sequences(snapshot_kind kind) const {
  std::vector<std::uint64_t> found;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(snapshot_directory_, error)) {
    if (auto sequence = snapshot_file_sequence(entry.path().filename().native(), kind)) {
      found.push_back(*sequence);
    }
  }
  std::sort(found.begin(), found.end(), std::greater<>());
  return found;
}

std::optional<std::string> event_store::read_snapshot(snapshot_kind kind,
                                                      std::uint64_t sequence) const {
  const std::string path = snapshot_path(kind, sequence);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  std::string bytes;
  bytes.resize(static_cast<std::size_t>(info.st_size));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // an error, or the file shrank under us: unreadable
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (done != bytes.size()) return std::nullopt;
  return bytes;
}

rocksdb::Status event_store::prune_snapshots(snapshot_kind kind, std::size_t keep) {
  const auto stored = snapshot_sequences(kind);
  if (stored.size() <= keep) return rocksdb::Status::OK();
  for (std::size_t i = keep; i < stored.size(); ++i) {
    const std::string path = snapshot_path(kind, stored[i]);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return io_error("cannot delete", path);
  }
  return sync_directory(snapshot_directory_);
}

// The snapshot directory exists, holds no half-written file, and the snapshots family holds
// nothing (an older build kept snapshots there; they are dropped once, the views and the
// write model then come back from the log).
rocksdb::Status event_store::prepare_snapshot_directory() {
  std::error_code error;
  std::filesystem::create_directories(snapshot_directory_, error);
  if (error) {
    return rocksdb::Status::IOError("cannot create " + snapshot_directory_, error.message());
  }
  for (const auto& entry : std::filesystem::directory_iterator(snapshot_directory_, error)) {
    if (entry.path().filename().native().ends_with(temporary_suffix)) {
      std::filesystem::remove(entry.path(), error);
    }
  }
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), snapshots_family()));
  it->SeekToFirst();
  if (!it->Valid()) return it->status();
  std::string first = it->key().ToString();
  it->SeekToLast();
  std::string last = it->key().ToString() + '\xff';
  it.reset();
  rocksdb::WriteOptions options;
  options.sync = true;
  rocksdb::Status status = db_->DeleteRange(options, snapshots_family(), first, last);
  if (!status.ok()) return status;
  return db_->CompactRange(rocksdb::CompactRangeOptions(), snapshots_family(), nullptr, nullptr);
}

}  // namespace ledger::engine
