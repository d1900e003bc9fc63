#include "projections/view_snapshot.h"

#include <fmt/format.h>

#include "events/binary_codec.h"
#include "projections/fold.h"

namespace ledger::projections {

std::string encode_views(const view_state& state) {
  events::binary_writer body;
  body.bytes.append(snapshots::snapshot_header_bytes, '\0');
  body.write(state);
  snapshots::seal_snapshot(view_snapshot_magic, view_snapshot_format_version, body.bytes);
  return std::move(body.bytes);
}

std::variant<view_state, snapshots::snapshot_error> decode_views(
    std::span<const std::uint8_t> bytes) {
  auto framed = snapshots::unframe_snapshot(bytes, view_snapshot_magic,
                                            view_snapshot_format_version);
  if (auto* error = std::get_if<snapshots::snapshot_error>(&framed)) return std::move(*error);
  std::variant<view_state, snapshots::snapshot_error> result{std::in_place_type<view_state>};
  view_state& state = std::get<view_state>(result);
  events::binary_reader reader(std::get<std::span<const std::uint8_t>>(framed));
  if (!reader.read(state)) return snapshots::snapshot_error{"body: " + reader.error()};
  if (reader.remaining() != 0) {
    return snapshots::snapshot_error{
        fmt::format("body: {} bytes left over after the views", reader.remaining())};
  }
  rebuild_indexes(state);
  finish_batch(state);
  return result;
}

rocksdb::Status save_views(engine::event_store& store, const view_state& state, std::size_t keep) {
  const std::string bytes = encode_views(state);
  rocksdb::Status status =
      store.put_snapshot(engine::snapshot_kind::views, state.applied(), bytes);
  if (!status.ok()) return status;
  return store.prune_snapshots(engine::snapshot_kind::views, keep);
}

std::optional<view_state> load_views(const engine::event_store& store, std::uint64_t at_most,
                                     const std::function<void(const std::string&)>& log) {
  const std::uint64_t log_end = store.last_sequence();
  for (const std::uint64_t sequence : store.snapshot_sequences(engine::snapshot_kind::views)) {
    if (sequence > at_most) continue;
    if (sequence > log_end) {
      log(fmt::format("view snapshot at {} is ahead of the log (ends at {}); skipped", sequence,
                      log_end));
      continue;
    }
    const auto bytes = store.read_snapshot(engine::snapshot_kind::views, sequence);
    if (!bytes) {
      log(fmt::format("view snapshot at {} could not be read; skipped", sequence));
      continue;
    }
    auto decoded = decode_views(
        {reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()});
    if (auto* error = std::get_if<snapshots::snapshot_error>(&decoded)) {
      log(fmt::format("view snapshot at {} refused: {}", sequence, error->reason));
      continue;
    }
    auto& state = std::get<view_state>(decoded);
    if (state.applied() != sequence) {
      log(fmt::format("view snapshot at {} holds views at {}; skipped", sequence, state.applied()));
      continue;
    }
    return std::move(state);
  }
  return std::nullopt;
}

rocksdb::Status drop_view_snapshots(engine::event_store& store) {
  return store.prune_snapshots(engine::snapshot_kind::views, 0);
}

}  // namespace ledger::projections
