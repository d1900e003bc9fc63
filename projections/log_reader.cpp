#include "projections/log_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "events/event_codec.h"

namespace ledger::projections {
namespace {

constexpr std::size_t chunk_events = 2048;
constexpr std::size_t chunks_in_flight = 4;

struct decoded_event {
  events::envelope_header header;
  events::event body;
  hash256 hash{};
};

struct chunk {
  std::vector<decoded_event> events;
  std::optional<engine::replay_problem> problem;  // set on the last chunk when reading failed
};

// A bounded single-producer single-consumer hand-off of decoded chunks. Folded chunks travel
// back to the producer, which destroys their events and reuses their storage: the decoded
// events are allocated on the producer's thread, and freeing them there keeps malloc's
// per-thread caches warm instead of feeding frees across threads (which showed up as
// malloc_consolidate and unlink_chunk at the top of the rebuild profile).
class chunk_queue {
 public:
  // false when the consumer has given up (stop producing).
  bool push(chunk c) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return chunks_.size() < chunks_in_flight || closed_; });
    if (closed_) return false;
    chunks_.push_back(std::move(c));
    ready_.notify_one();
    return true;
  }
  // Consumer: a chunk it has finished with.
  void recycle(chunk c) {
    std::lock_guard lock(mutex_);
    if (recycled_.size() < chunks_in_flight + 1) recycled_.push_back(std::move(c));
  }
  // Producer: an empty chunk, reusing a recycled one's storage when there is one.
  chunk fresh() {
    chunk c;
    {
      std::lock_guard lock(mutex_);
      if (!recycled_.empty()) {
        c = std::move(recycled_.front());
        recycled_.pop_front();
      }
    }
    c.events.clear();  // destroys the folded events here, on the producer's thread
    c.problem.reset();
    c.events.reserve(chunk_events);
    return c;
  }
  // nullopt when the producer finished and everything was taken.
  std::optional<chunk> pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !chunks_.empty() || done_; });
    if (chunks_.empty()) return std::nullopt;
    chunk c = std::move(chunks_.front());
    chunks_.pop_front();
    room_.notify_one();
    return c;
  }
  void finish() {
    std::lock_guard lock(mutex_);
    done_ = true;
    ready_.notify_all();
  }
  // The consumer gives up (its callback threw or it stopped early): unblock the producer.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    room_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable room_;
  std::deque<chunk> chunks_;
  std::deque<chunk> recycled_;
  bool done_ = false;
  bool closed_ = false;
};

void produce(const engine::event_store& store, std::uint64_t from, std::uint64_t to,
             hash256 previous_hash, bool check_previous, chunk_queue& queue) {
  auto it = store.event_iterator();
  std::uint64_t expected = from;
  chunk current = queue.fresh();
  const auto fail = [&](std::string reason) {
    current.problem = engine::replay_problem{expected, std::move(reason)};
  };
  for (it->Seek(engine::event_key(from)); it->Valid() && expected <= to; it->Next()) {
    const auto sequence = engine::sequence_of_key({it->key().data(), it->key().size()});
    if (!sequence || *sequence != expected) {
      fail(sequence ? fmt::format("gap: next stored event is {}", *sequence)
                    : std::string("malformed event key"));
      break;
    }
    const auto view = events::decode_envelope(
        {reinterpret_cast<const std::uint8_t*>(it->value().data()), it->value().size()});
    if (!view) {
      fail("envelope damaged (not a valid envelope FlatBuffer)");
      break;
    }
    if (view->header.sequence != expected) {
      fail(fmt::format("envelope says sequence {}", view->header.sequence));
      break;
    }
    if (check_previous && view->previous_hash != previous_hash) {
      fail("previous hash does not match the preceding event's hash");
      break;
    }
    auto body = events::decode_payload(view->header.type, view->payload);
    if (!body) {
      fail(fmt::format("payload of type {} does not decode",
                       static_cast<unsigned>(view->header.type)));
      break;
    }
    previous_hash = view->hash;
    check_previous = true;
    current.events.push_back(decoded_event{view->header, std::move(*body), view->hash});
    ++expected;
    if (current.events.size() == chunk_events) {
      if (!queue.push(std::move(current))) return;
      current = queue.fresh();
    }
  }
  if (!current.problem && !it->status().ok()) fail("read error: " + it->status().ToString());
  if (!current.problem && expected <= to) fail("the log ends early");
  (void)queue.push(std::move(current));
  queue.finish();
}

}  // namespace

std::optional<std::int64_t> recorded_at(const engine::event_store& store, std::uint64_t sequence) {
  rocksdb::Status status;
  const auto stored = store.read_event(sequence, status);
  if (!stored) return std::nullopt;
  const auto view = events::decode_envelope(
      {reinterpret_cast<const std::uint8_t*>(stored->data()), stored->size()});
  if (!view) return std::nullopt;
  return view->header.recorded_at_us;
}

std::uint64_t sequence_at(const engine::event_store& store, std::int64_t instant_us) {
  std::uint64_t low = 0;  // invariant: low == 0 or recorded_at(low) <= instant
  std::uint64_t high = store.last_sequence();
  while (low < high) {
    const std::uint64_t mid = low + (high - low + 1) / 2;
    const auto at = recorded_at(store, mid);
    if (at && *at <= instant_us) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  return low;
}

log_read_result read_log(const engine::event_store& store, std::uint64_t from, std::uint64_t to,
                         const std::function<void(const event_record&)>& apply,
                         const std::function<void(std::uint64_t)>& progress) {
  log_read_result result;
  to = std::min(to, store.last_sequence());
  if (from == 0) from = 1;
  if (from > to) return result;

  // The previous hash of `from` is the stored hash of from - 1 (zeros before sequence 1).
  hash256 previous{};
  bool check_previous = true;
  if (from > 1) {
    rocksdb::Status status;
    const auto stored = store.read_event(from - 1, status);
    const auto view = stored ? events::decode_envelope({reinterpret_cast<const std::uint8_t*>(
                                                            stored->data()),
                                                        stored->size()})
                             : std::nullopt;
    if (view) {
      previous = view->hash;
    } else {
      check_previous = false;
    }
  }

  chunk_queue queue;
  std::thread producer(
      [&] { produce(store, from, to, previous, check_previous, queue); });
  std::uint64_t next_progress = 1u << 20;
  try {
    while (auto c = queue.pop()) {
      for (const auto& decoded : c->events) {
        apply(event_record{decoded.header.sequence, decoded.header.recorded_at_us,
                           decoded.header.actor, &decoded.body, decoded.hash});
        ++result.events;
        if (progress && result.events >= next_progress) {
          progress(decoded.header.sequence);
          next_progress += 1u << 20;
        }
      }
      if (c->problem) {
        result.problem = std::move(c->problem);
        break;
      }
      queue.recycle(std::move(*c));
    }
  } catch (...) {
    queue.close();
    producer.join();
    throw;
  }
  queue.close();
  producer.join();
  return result;
}

}  // namespace ledger::projections
