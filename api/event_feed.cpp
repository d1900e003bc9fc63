#include "api/event_feed.h"

#include <sstream>

#include "engine/verify.h"

namespace ledger::api {

struct event_feed::cursor {
  cursor(event_feed& owner, std::uint64_t after) : feed(owner), sequence(after) {}
  ~cursor() {
    std::lock_guard lock(feed.mutex_);
    --feed.open_streams_;
  }
  cursor(const cursor&) = delete;
  cursor& operator=(const cursor&) = delete;
  event_feed& feed;
  std::uint64_t sequence;  // the last event sent; only the feed thread moves it
};

event_feed::event_feed(engine::ledger_host& ledger, event_feed_options options)
    : ledger_(ledger), options_(options), thread_([this] { run(); }) {}

event_feed::~event_feed() { stop(); }

std::shared_ptr<body_stream> event_feed::follow(std::uint64_t after) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || open_streams_ >= options_.followers_max) return nullptr;
    ++open_streams_;
  }
  auto follower = std::make_shared<cursor>(*this, after);
  auto stream = std::make_shared<body_stream>();
  stream->next = [this, follower](body_stream::deliver_fn deliver) {
    park(follower, std::move(deliver));
  };
  return stream;
}

void event_feed::park(std::shared_ptr<cursor> follower, body_stream::deliver_fn deliver) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      parked_.push_back({std::move(follower), std::move(deliver), std::chrono::steady_clock::now()});
      wake_.notify_one();
      return;
    }
  }
  deliver(std::nullopt);  // stopping: the body ends
}

void event_feed::stop() {
  std::vector<parked> ending;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    ending.swap(parked_);
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& follower : ending) follower.deliver(std::nullopt);
}

void event_feed::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (parked_.empty()) {
      wake_.wait(lock, [&] { return stopping_ || !parked_.empty(); });
      continue;
    }
    std::vector<parked> waiting;
    waiting.swap(parked_);
    lock.unlock();
    const std::uint64_t head = ledger_.processor().head_sequence();
    const auto now = std::chrono::steady_clock::now();
    std::vector<parked> still_waiting;
    for (auto& follower : waiting) {
      cursor& at = *follower.follower;
      if (head > at.sequence) {
        const std::uint64_t last = std::min(head, at.sequence + options_.page_events);
        std::ostringstream lines;
        if (engine::export_events(ledger_.store(), at.sequence + 1, last, lines)) {
          follower.deliver(std::nullopt);  // the log fails its check: end the body
          continue;
        }
        at.sequence = last;
        follower.deliver(lines.str());
      } else if (now - follower.since >= options_.heartbeat) {
        follower.deliver(std::string("\n"));
      } else {
        still_waiting.push_back(std::move(follower));
      }
    }
    waiting.clear();  // may drop a follower's last reference: its destructor takes the lock
    lock.lock();
    for (auto& follower : still_waiting) parked_.push_back(std::move(follower));
    if (!parked_.empty() && !stopping_) wake_.wait_for(lock, options_.poll);
  }
}

}  // namespace ledger::api
