#include "engine/replay.h"

#include <fmt/format.h>

#include "engine/evolve.h"
#include "events/assert.h"
#include "events/event_codec.h"
#include "snapshots/snapshot_codec.h"

namespace ledger::engine {

std::variant<checked_event, std::string> check_event(std::string_view stored,
                                                     std::uint64_t expected_sequence,
                                                     const hash256& previous_hash) {
  const auto view = events::decode_envelope(
      {reinterpret_cast<const std::uint8_t*>(stored.data()), stored.size()});
  if (!view) return std::string("envelope damaged (not a valid envelope FlatBuffer)");
  if (view->header.sequence != expected_sequence) {
    return fmt::format("envelope says sequence {}, expected {}", view->header.sequence,
                       expected_sequence);
  }
  if (view->previous_hash != previous_hash) {
    return std::string("previous hash does not match the preceding event's hash");
  }
  const hash256 computed = events::chain_hash(view->previous_hash, view->header, view->payload);
  if (computed != view->hash) {
    return std::string("hash mismatch: the event's bytes were changed after it was written");
  }
  auto body = events::decode_payload(view->header.type, view->payload);
  if (!body) {
    return fmt::format("payload of type {} does not decode",
                       static_cast<unsigned>(view->header.type));
  }
  return checked_event{view->header, std::move(*body), view->hash};
}

replay_result replay(const event_store& store, write_model& model, std::uint64_t up_to,
                     const std::function<void(std::uint64_t)>& progress) {
  replay_result result;
  auto it = store.event_iterator();
  std::uint64_t expected = model.last_sequence + 1;
  for (it->Seek(event_key(expected)); it->Valid() && expected <= up_to; it->Next()) {
    const auto sequence = sequence_of_key({it->key().data(), it->key().size()});
    if (!sequence || *sequence != expected) {
      result.problem = replay_problem{expected, sequence ? fmt::format("gap: next stored event is {}", *sequence)
                                                         : std::string("malformed event key")};
      return result;
    }
    auto checked = check_event({it->value().data(), it->value().size()}, expected, model.head_hash);
    if (auto* reason = std::get_if<std::string>(&checked)) {
      result.problem = replay_problem{expected, std::move(*reason)};
      return result;
    }
    auto& event = std::get<checked_event>(checked);
    if (event.header.recorded_at_us < model.last_recorded_at_us) {
      result.problem = replay_problem{expected, "recorded time goes back"};
      return result;
    }
    evolve(model, event.body, event_context{expected, event.header.recorded_at_us, event.hash});
    ++result.events_applied;
    if (progress && result.events_applied % 1'000'000 == 0) progress(expected);
    ++expected;
  }
  if (!it->status().ok()) {
    result.problem = replay_problem{expected, "read error: " + it->status().ToString()};
  }
  return result;
}

write_model load_newest_snapshot(const event_store& store,
                                 const std::function<void(const std::string&)>& log) {
  const std::uint64_t log_end = store.last_sequence();
  for (const std::uint64_t sequence : store.snapshot_sequences(snapshot_kind::write_model)) {
    if (sequence > log_end) {
      log(fmt::format("snapshot at {} is ahead of the log (ends at {}); skipped", sequence, log_end));
      continue;
    }
    const auto bytes = store.read_snapshot(snapshot_kind::write_model, sequence);
    if (!bytes) {
      log(fmt::format("snapshot at {} could not be read; skipped", sequence));
      continue;
    }
    auto decoded = snapshots::decode_snapshot(
        {reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()});
    if (auto* error = std::get_if<snapshots::snapshot_error>(&decoded)) {
      log(fmt::format("snapshot at {} is damaged ({}); skipped", sequence, error->reason));
      continue;
    }
    write_model model = std::move(std::get<write_model>(decoded));
    if (model.last_sequence != sequence) {
      log(fmt::format("snapshot stored at {} holds sequence {}; skipped", sequence,
                      model.last_sequence));
      continue;
    }
    // The snapshot's head must be the stored event's hash, or the log was rewritten under it.
    rocksdb::Status status;
    const auto stored = sequence == 0 ? std::nullopt : store.read_event(sequence, status);
    if (sequence != 0) {
      const auto view = stored ? events::decode_envelope(
                                     {reinterpret_cast<const std::uint8_t*>(stored->data()),
                                      stored->size()})
                               : std::nullopt;
      if (!view || view->hash != model.head_hash) {
        log(fmt::format("snapshot at {} does not match the log's hash there; skipped", sequence));
        continue;
      }
    }
    return model;
  }
  return write_model{};
}

rocksdb::Status save_snapshot(event_store& store, const write_model& model) {
  const std::string bytes = snapshots::encode_snapshot(model);
  rocksdb::Status status = store.put_snapshot(snapshot_kind::write_model, model.last_sequence, bytes);
  if (!status.ok()) return status;
  return store.prune_snapshots(snapshot_kind::write_model, 2);
}

}  // namespace ledger::engine
