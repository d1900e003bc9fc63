#include "engine/verify.h"

#include <fmt/format.h>

#include "engine/evolve.h"
#include "events/assert.h"
#include "events/event_codec.h"
#include "events/json_text.h"
#include "snapshots/snapshot_codec.h"

namespace ledger::engine {

std::string iso_time(std::int64_t us) {
  const std::int64_t ms = us >= 0 ? us / 1000 : (us - 999) / 1000;
  std::int64_t days = ms >= 0 ? ms / 86'400'000 : (ms - 86'399'999) / 86'400'000;
  const std::int64_t ms_of_day = ms - days * 86'400'000;
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", year, month, day,
                     ms_of_day / 3'600'000, ms_of_day / 60'000 % 60, ms_of_day / 1000 % 60,
                     ms_of_day % 1000);
}

verify_report verify_ledger(const event_store& store,
                            const std::function<void(std::uint64_t)>& progress) {
  verify_report report;
  report.log_end = store.last_sequence();
  write_model model;

  // The newest snapshot that decodes is compared with the replayed model at its sequence.
  std::optional<write_model> snapshot;
  if (const auto stored = store.snapshot_sequences(snapshot_kind::write_model);
      !stored.empty()) {
    const std::uint64_t sequence = stored.front();
    const auto bytes = store.read_snapshot(snapshot_kind::write_model, sequence);
    auto decoded =
        bytes ? snapshots::decode_snapshot(
                    {reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()})
              : std::variant<write_model, snapshots::snapshot_error>{
                    snapshots::snapshot_error{"the snapshot file could not be read"}};
    if (auto* error = std::get_if<snapshots::snapshot_error>(&decoded)) {
      report.snapshot_sequence = sequence;
      report.snapshot_matches = false;
      report.problem = replay_problem{sequence, "snapshot damaged: " + error->reason};
    } else {
      report.snapshot_sequence = sequence;
      snapshot = std::move(std::get<write_model>(decoded));
    }
  }

  if (snapshot && snapshot->last_sequence <= report.log_end) {
    const replay_result first = replay(store, model, snapshot->last_sequence, progress);
    report.events += first.events_applied;
    if (first.problem) {
      report.problem = first.problem;
      report.head_hash = model.head_hash;
      return report;
    }
    if (snapshots::encode_snapshot(model) != snapshots::encode_snapshot(*snapshot)) {
      report.snapshot_matches = false;
      report.problem = replay_problem{snapshot->last_sequence,
                                      "snapshot differs from the state replayed from the log"};
      report.head_hash = model.head_hash;
      return report;
    }
  } else if (snapshot) {
    report.snapshot_matches = false;
    report.problem = replay_problem{snapshot->last_sequence, "snapshot is ahead of the log"};
  }
  const replay_result rest = replay(store, model, std::numeric_limits<std::uint64_t>::max(), progress);
  report.events += rest.events_applied;
  if (rest.problem && !report.problem) report.problem = rest.problem;
  report.head_hash = model.head_hash;
  return report;
}

namespace {

// Password and token hashes never leave the ledger through export.
void redact(events::event& body) {
  if (auto* e = std::get_if<events::user_created>(&body)) e->password_hash.clear();
  if (auto* e = std::get_if<events::user_updated>(&body)) e->password_hash.clear();
  if (auto* e = std::get_if<events::user_password_changed>(&body)) e->password_hash.clear();
  if (auto* e = std::get_if<events::user_password_reset_completed>(&body)) e->password_hash.clear();
  if (auto* e = std::get_if<events::user_password_reset_requested>(&body)) e->token_hash.clear();
  if (auto* e = std::get_if<events::user_logged_in>(&body)) e->refresh_token_hash.clear();
  if (auto* e = std::get_if<events::user_session_refreshed>(&body)) e->refresh_token_hash.clear();
}

}  // namespace

std::optional<replay_problem> export_events(const event_store& store, std::uint64_t from,
                                            std::uint64_t to, std::ostream& out) {
  LEDGER_ASSERT(from >= 1, "export starts at sequence 1 or later");
  // The chain check needs the hash of the event before `from`.
  hash256 previous{};
  rocksdb::Status status;
  if (from > 1) {
    const auto stored = store.read_event(from - 1, status);
    if (!stored) return replay_problem{from - 1, "event not found"};
    const auto view = events::decode_envelope(
        {reinterpret_cast<const std::uint8_t*>(stored->data()), stored->size()});
    if (!view) return replay_problem{from - 1, "envelope damaged"};
    previous = view->hash;
  }
  flatbuffers::FlatBufferBuilder builder;
  auto it = store.event_iterator();
  std::uint64_t expected = from;
  for (it->Seek(event_key(from)); it->Valid() && expected <= to; it->Next(), ++expected) {
    auto checked = check_event({it->value().data(), it->value().size()}, expected, previous);
    if (auto* reason = std::get_if<std::string>(&checked)) {
      return replay_problem{expected, std::move(*reason)};
    }
    auto& event = std::get<checked_event>(checked);
    redact(event.body);
    const auto payload = events::encode_payload(event.body, builder);
    out << fmt::format(
        "{{\"sequence\":{},\"recordedAt\":\"{}\",\"actor\":{{\"userId\":{},\"role\":\"{}\","
        "\"branchId\":{}}},\"commandId\":{},\"type\":\"{}\",\"payload\":{},\"hash\":\"{}\"}}\n",
        event.header.sequence, iso_time(event.header.recorded_at_us), event.header.actor.user_id,
        events::wire::EnumNameuser_role(event.header.actor.role), event.header.actor.branch_id,
        event.header.command_id.empty() ? std::string("null") : events::json_string(event.header.command_id),
        events::name_of(event.header.type), events::payload_to_json(event.header.type, payload),
        events::to_hex(event.hash));
    previous = event.hash;
  }
  return std::nullopt;
}

}  // namespace ledger::engine
