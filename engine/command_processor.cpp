#include "engine/command_processor.h"

#include <bit>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "engine/evolve.h"
#include "events/assert.h"
#include "events/event_codec.h"

namespace ledger::engine {
namespace {

std::int64_t system_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

command_outcome rejected_outcome(rejection_code code, std::string message) {
  command_outcome outcome;
  outcome.result = command_outcome::status::rejected;
  outcome.rejected = rejection{code, std::move(message)};
  return outcome;
}

[[noreturn]] void fail_stop(const std::string& what) {
  std::fprintf(stderr, "posledger: fail-stop: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

struct batch_key {
  std::uint64_t actor;
  std::string command_id;
  friend bool operator==(const batch_key&, const batch_key&) = default;
};

struct batch_key_hash {
  std::size_t operator()(const batch_key& key) const noexcept {
    return std::hash<std::string>{}(key.command_id) ^ (key.actor * 0x9E3779B97F4A7C15ull);
  }
};

}  // namespace

command_processor::command_processor(event_store& store, write_model model,
                                     processor_options options)
    : store_(store), model_(std::move(model)), options_(std::move(options)) {
  LEDGER_ASSERT(options_.batch_commands_max > 0, "batch size 0");
  LEDGER_ASSERT(options_.queue_capacity >= options_.batch_commands_max,
                "queue capacity {} below batch size {}", options_.queue_capacity,
                options_.batch_commands_max);
  LEDGER_ASSERT(model_.last_sequence == store_.last_sequence(),
                "model at sequence {} but the log ends at {}", model_.last_sequence,
                store_.last_sequence());
  if (!options_.clock) options_.clock = system_clock_us;
  head_sequence_ = model_.last_sequence;
}

command_processor::~command_processor() { stop(); }

void command_processor::subscribe(std::function<void(const published_batch&)> subscriber) {
  LEDGER_ASSERT(!writer_.joinable(), "subscribe after start");
  subscribers_.push_back(std::move(subscriber));
}

void command_processor::start() {
  LEDGER_ASSERT(!writer_.joinable(), "writer started twice");
  {
    std::lock_guard lock(mutex_);
    accepting_ = true;
    stopping_ = false;
  }
  writer_ = std::thread([this] { run(); });
}

void command_processor::stop() {
  {
    std::lock_guard lock(mutex_);
    accepting_ = false;
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) {
    writer_.join();
    if (options_.snapshot && events_since_snapshot_ > 0) {
      options_.snapshot(model_);
      events_since_snapshot_ = 0;
    }
  }
}

const write_model& command_processor::model() const {
  LEDGER_ASSERT(!writer_.joinable(), "model() read while the writer runs");
  return model_;
}

void command_processor::submit(command_request request, command_completion done) {
  LEDGER_ASSERT(static_cast<bool>(done), "submit without a completion");
  {
    std::lock_guard lock(mutex_);
    if (accepting_ && queue_.size() < options_.queue_capacity) {
      queue_.push_back(queued_command{std::move(request), std::move(done)});
      metrics_.queue_depth.store(queue_.size(), std::memory_order_relaxed);
      if (queue_.size() == 1) wake_.notify_one();
      return;
    }
  }
  done(rejected_outcome(rejection_code::writer_queue_full,
                        accepting_ ? "The ledger is busy; retry shortly"
                                   : "The ledger is not accepting commands"));
}

std::future<command_outcome> command_processor::submit(command_request request) {
  auto promise = std::make_shared<std::promise<command_outcome>>();
  auto future = promise->get_future();
  submit(std::move(request),
         [promise](command_outcome&& outcome) { promise->set_value(std::move(outcome)); });
  return future;
}

void command_processor::run() {
  std::vector<queued_command> batch;
  batch.reserve(options_.batch_commands_max);
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) break;  // stopping and drained
      const std::size_t take = std::min(queue_.size(), options_.batch_commands_max);
      for (std::size_t i = 0; i < take; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      metrics_.queue_depth.store(queue_.size(), std::memory_order_relaxed);
    }
    commit_batch(batch);
    batch.clear();
  }
}

void command_processor::commit_batch(std::vector<queued_command>& batch) {
  LEDGER_ASSERT(!batch.empty(), "empty batch");
  LEDGER_ASSERT(batch.size() <= options_.batch_commands_max, "batch of {}", batch.size());
  // One time for the whole batch, strictly after the previous batch's, so recorded times
  // never go back even if the wall clock does.
  const std::int64_t now_us = std::max(options_.clock(), model_.last_recorded_at_us + 1);

  rocksdb::WriteBatch write_batch;
  flatbuffers::FlatBufferBuilder payload_builder(1024);
  flatbuffers::FlatBufferBuilder envelope_builder(1024);
  std::vector<command_outcome> outcomes(batch.size());
  // Events are copied for publication only when someone listens (projections).
  const bool publishing = !subscribers_.empty();
  auto published = std::make_shared<std::vector<recorded_event>>();
  std::uint64_t events_in_batch = 0;
  // Commands of this batch that carry a client id: a repeat later in the same batch is a
  // duplicate of the first (its idempotency record is not on disk yet).
  boost::unordered_flat_map<batch_key, std::size_t, batch_key_hash> committed_in_batch;
  const std::uint64_t first_sequence_of_batch = model_.last_sequence + 1;

  for (std::size_t i = 0; i < batch.size(); ++i) {
    const command_request& request = batch[i].request;
    command_outcome& outcome = outcomes[i];

    hash256 digest{};
    if (!request.command_id.empty()) {
      if (request.command_id.size() > limits::command_id_bytes_max) {
        outcome = rejected_outcome(rejection_code::text_too_long,
                                   "commandId must be shorter than or equal to 128 characters");
        continue;
      }
      digest = digest_of(request.body);
      const batch_key key{request.actor.value, request.command_id};
      if (const auto it = committed_in_batch.find(key); it != committed_in_batch.end()) {
        const command_outcome& first = outcomes[it->second];
        if (digest_of(batch[it->second].request.body) != digest) {
          outcome = rejected_outcome(rejection_code::command_id_reused_with_different_payload,
                                     "Command id already used with a different payload");
        } else {
          outcome = first;
          outcome.result = command_outcome::status::duplicate;
        }
        continue;
      }
      rocksdb::Status status;
      const auto record = store_.read_idempotency(request.actor.value, request.command_id, status);
      if (!status.ok()) fail_stop("idempotency lookup failed: " + status.ToString());
      if (record) {
        if (record->command_digest != digest) {
          outcome = rejected_outcome(rejection_code::command_id_reused_with_different_payload,
                                     "Command id already used with a different payload");
          continue;
        }
        outcome.result = command_outcome::status::duplicate;
        outcome.first_sequence = record->first_sequence;
        outcome.last_sequence = record->last_sequence;
        outcome.recorded_at_us = record->recorded_at_us;
        for (std::uint64_t s = record->first_sequence; s != 0 && s <= record->last_sequence; ++s) {
          const auto bytes = store_.read_event(s, status);
          if (!status.ok() || !bytes) fail_stop("committed event " + std::to_string(s) + " unreadable");
          const auto view = events::decode_envelope(
              {reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()});
          if (!view) fail_stop("committed event " + std::to_string(s) + " damaged");
          auto body = events::decode_payload(view->header.type, view->payload);
          if (!body) fail_stop("committed event " + std::to_string(s) + " payload damaged");
          outcome.events.push_back(std::move(*body));
        }
        continue;
      }
    }

    decision d = decide(model_, request.body, command_context{request.actor, now_us});
    if (!d.accepted()) {
      outcome = rejected_outcome(d.rejected->code, std::move(d.rejected->message));
      continue;
    }
    // The envelope records the actor as they were when the command was decided.
    events::actor actor;
    if (const user_record* user = model_.find(d.actor)) {
      actor = events::actor{user->id.value, user->role, user->branch.value};
    }
    outcome.result = command_outcome::status::committed;
    outcome.recorded_at_us = now_us;
    for (auto& e : d.events) {
      const std::uint64_t sequence = model_.last_sequence + 1;
      events::envelope_header header{sequence, now_us, actor, request.command_id,
                                     events::type_of(e)};
      const auto payload = events::encode_payload(e, payload_builder);
      const hash256 hash = events::chain_hash(model_.head_hash, header, payload);
      const std::string envelope =
          events::encode_envelope(header, payload, model_.head_hash, hash, envelope_builder);
      store_.put_event(write_batch, sequence, envelope);
      evolve(model_, e, event_context{sequence, now_us, hash});
      if (outcome.first_sequence == 0) outcome.first_sequence = sequence;
      outcome.last_sequence = sequence;
      ++events_in_batch;
      if (publishing) published->push_back(recorded_event{std::move(header), e, hash});
    }
    LEDGER_ASSERT(model_.last_entity_number == d.last_entity_number,
                  "{}: decided entity counter {} but evolve reached {}", name_of(request.body),
                  d.last_entity_number, model_.last_entity_number);
    outcome.events = std::move(d.events);
    if (!request.command_id.empty()) {
      store_.put_idempotency(write_batch, request.actor.value, request.command_id,
                             idempotency_record{digest, outcome.first_sequence,
                                                outcome.last_sequence, now_us});
      committed_in_batch.emplace(batch_key{request.actor.value, request.command_id}, i);
    }
  }

  if (write_batch.Count() > 0) {
    const rocksdb::Status status = store_.write(write_batch);
    if (!status.ok()) fail_stop("group commit failed: " + status.ToString());
  }
  LEDGER_ASSERT(model_.last_sequence == first_sequence_of_batch - 1 + events_in_batch,
                "batch wrote {} events but the model moved to {}", events_in_batch,
                model_.last_sequence);
  LEDGER_ASSERT(!publishing || published->size() == events_in_batch,
                "published {} of {} events", published->size(), events_in_batch);
  head_sequence_.store(model_.last_sequence);
  metrics_.batches.fetch_add(1, std::memory_order_relaxed);
  const auto bucket = static_cast<std::size_t>(std::bit_width(batch.size() - 1));
  LEDGER_ASSERT(!batch.empty() && bucket < batch_size_buckets, "batch of {} commands",
                batch.size());
  metrics_.batch_sizes[bucket].fetch_add(1, std::memory_order_relaxed);
  metrics_.events_written.fetch_add(events_in_batch, std::memory_order_relaxed);

  // Acknowledge only now: every committed outcome above is durable.
  for (std::size_t i = 0; i < batch.size(); ++i) {
    switch (outcomes[i].result) {
      case command_outcome::status::committed:
        metrics_.commands_committed.fetch_add(1, std::memory_order_relaxed);
        break;
      case command_outcome::status::duplicate:
        metrics_.commands_duplicate.fetch_add(1, std::memory_order_relaxed);
        break;
      case command_outcome::status::rejected:
        metrics_.commands_rejected.fetch_add(1, std::memory_order_relaxed);
        break;
    }
    batch[i].done(std::move(outcomes[i]));
  }
  if (!published->empty()) {
    const published_batch shared = published;
    for (const auto& subscriber : subscribers_) subscriber(shared);
  }
  events_since_snapshot_ += events_in_batch;
  if (options_.snapshot && events_since_snapshot_ >= options_.snapshot_every_events) {
    options_.snapshot(model_);
    events_since_snapshot_ = 0;
  }
}

}  // namespace ledger::engine
