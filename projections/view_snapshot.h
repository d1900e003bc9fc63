#pragma once
// View snapshots: the in-memory views at a sequence, stored beside the write-model snapshots
// (snapshots family, kind 'V'), so start-up loads the newest one and folds only the tail, and
// time travel folds from the nearest one at or before the asked sequence.
//
// Format: the framing of snapshots/snapshot_codec.h with magic "PLVIEW01" and
// view_snapshot_format_version; the body is the view_state in the canonical binary encoding of
// events/binary_codec.h (every BOOST_DESCRIBE'd member in order; indexes are not stored and
// are rebuilt on load). A snapshot is stored under the lowest section checkpoint; sections
// that are further along are fine (fold skips what they already applied).
//
// Any change to a described member of projections/view_state.h (or of the write model, which
// the catalog section embeds) changes the body: bump view_snapshot_format_version. Old
// snapshots are then refused and the views are rebuilt from the log.
//
// Thread-safety: pure functions, except the store helpers (RocksDB is thread-safe).
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <variant>

#include "engine/event_store.h"
#include "projections/view_state.h"
#include "snapshots/snapshot_codec.h"

namespace ledger::projections {

inline constexpr std::string_view view_snapshot_magic = "PLVIEW01";
inline constexpr std::uint32_t view_snapshot_format_version = 2;  // 2: CRC-32C framing

[[nodiscard]] std::string encode_views(const view_state& state);
[[nodiscard]] std::variant<view_state, snapshots::snapshot_error> decode_views(
    std::span<const std::uint8_t> bytes);

// Stores `state` as a view snapshot at state.applied(), keeping the newest `keep`.
[[nodiscard]] rocksdb::Status save_views(engine::event_store& store, const view_state& state,
                                         std::size_t keep);

// The newest view snapshot at or before `at_most` (and not beyond the log) that decodes;
// `log` receives one line per snapshot skipped and why. nullopt: none usable.
[[nodiscard]] std::optional<view_state> load_views(const engine::event_store& store,
                                                   std::uint64_t at_most,
                                                   const std::function<void(const std::string&)>& log);

// Deletes every view snapshot (rebuild from zero).
[[nodiscard]] rocksdb::Status drop_view_snapshots(engine::event_store& store);

}  // namespace ledger::projections
