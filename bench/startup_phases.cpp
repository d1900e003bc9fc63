// startup_phases: where start-up time goes, phase by phase, for the newest write-model and
// view snapshots of a ledger: listing, reading the file, checking the frame (CRC-32C),
// decoding the body, rebuilding indexes.
//
//   startup_phases --data DIR
//
// Prints seconds per phase and the snapshot sizes. read_side_bench measures start-up as a
// whole (both snapshots on two threads, plus the log's tail); this program explains it.
#include <chrono>
#include <cstdio>
#include <string>

#include "engine/event_store.h"
#include "events/binary_codec.h"
#include "projections/fold.h"
#include "projections/view_snapshot.h"
#include "snapshots/snapshot_codec.h"

namespace {

using namespace ledger;
using steady = std::chrono::steady_clock;

double seconds_since(steady::time_point start) {
  return std::chrono::duration<double>(steady::now() - start).count();
}

std::span<const std::uint8_t> as_span(const std::string& bytes) {
  return {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()};
}

// The newest snapshot of `kind`, read and unframed, with the time of each step. Returns the
// file's bytes (empty when there is none or it does not unframe).
std::string read_newest(const engine::event_store& store, engine::snapshot_kind kind,
                        std::string_view magic, std::uint32_t version) {
  auto start = steady::now();
  const auto sequences = store.snapshot_sequences(kind);
  std::printf("  list:    %.3f s (%zu stored)\n", seconds_since(start), sequences.size());
  if (sequences.empty()) return {};
  start = steady::now();
  auto bytes = store.read_snapshot(kind, sequences.front());
  if (!bytes) {
    std::printf("  the snapshot at %llu cannot be read\n",
                static_cast<unsigned long long>(sequences.front()));
    return {};
  }
  std::printf("  read:    %.3f s (%zu bytes, at sequence %llu)\n", seconds_since(start),
              bytes->size(), static_cast<unsigned long long>(sequences.front()));
  start = steady::now();
  const auto framed = snapshots::unframe_snapshot(as_span(*bytes), magic, version);
  std::printf("  frame:   %.3f s (magic, version, length, CRC-32C)\n", seconds_since(start));
  if (const auto* error = std::get_if<snapshots::snapshot_error>(&framed)) {
    std::printf("  refused: %s\n", error->reason.c_str());
    return {};
  }
  return std::move(*bytes);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || std::string(argv[1]) != "--data") {
    std::fprintf(stderr, "usage: startup_phases --data DIR\n");
    return 2;
  }
  std::string error;
  auto store = engine::event_store::open(engine::store_options{argv[2], false, true}, error);
  if (!store) {
    std::fprintf(stderr, "startup_phases: %s\n", error.c_str());
    return 1;
  }

  std::printf("write model\n");
  const std::string model_bytes = read_newest(*store, engine::snapshot_kind::write_model,
                                              snapshots::snapshot_magic,
                                              snapshots::snapshot_format_version);
  if (!model_bytes.empty()) {
    const auto start = steady::now();
    const auto decoded = snapshots::decode_snapshot(as_span(model_bytes));
    std::printf("  decode:  %.3f s (frame again, body, invariants, indexes)%s\n",
                seconds_since(start),
                std::holds_alternative<snapshots::snapshot_error>(decoded) ? " REFUSED" : "");
  }

  std::printf("views\n");
  const std::string view_bytes =
      read_newest(*store, engine::snapshot_kind::views, projections::view_snapshot_magic,
                  projections::view_snapshot_format_version);
  if (!view_bytes.empty()) {
    const auto body = as_span(view_bytes).subspan(
        snapshots::snapshot_header_bytes,
        view_bytes.size() - snapshots::snapshot_header_bytes - snapshots::snapshot_checksum_bytes);
    auto start = steady::now();
    projections::view_state state;
    events::binary_reader reader(body);
    const bool ok = reader.read(state);
    std::printf("  body:    %.3f s%s\n", seconds_since(start),
                ok ? "" : (" FAILED: " + reader.error()).c_str());
    if (ok) {
      start = steady::now();
      projections::rebuild_indexes(state);
      projections::finish_batch(state);
      std::printf("  indexes: %.3f s (%zu sales, %zu stock-ledger rows, %zu audit entries)\n",
                  seconds_since(start), state.sales.sales.size(),
                  state.inventory.movements.size(), state.audit.entries.size());
    }
  }
  return 0;
}
