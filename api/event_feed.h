#pragma once
// The follow mode of GET /api/v1/events: the connection stays open and new events arrive as
// they are committed, as JSON lines (engine/verify.h export format) in a chunked body.
//
// A follower's stream asks for its next chunk; the feed parks it until the ledger has events
// after the follower's cursor, then hands it the next page (at most `page_events`). A follower
// that waits longer than `heartbeat` gets an empty line (clients skip blank lines): proxies keep
// the stream open, and a connection that went away is noticed by the failed write and stops
// asking. One thread serves every follower: it polls the writer's head every `poll` while
// someone waits, and reads the log for the followers it wakes.
//
// Thread-safety: follow() and the streams' next() from any thread; stop() once, before the
// ledger goes away (it ends every parked body and joins the thread).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "api/http_types.h"
#include "engine/ledger.h"

namespace ledger::api {

struct event_feed_options {
  std::size_t followers_max = 64;
  std::uint64_t page_events = 1000;
  std::chrono::milliseconds heartbeat{15'000};
  std::chrono::milliseconds poll{50};
};

class event_feed {
 public:
  event_feed(engine::ledger_host& ledger, event_feed_options options);
  ~event_feed();
  event_feed(const event_feed&) = delete;
  event_feed& operator=(const event_feed&) = delete;

  // The body of a follow request starting after `after`; nullptr when followers_max streams
  // are open already.
  [[nodiscard]] std::shared_ptr<body_stream> follow(std::uint64_t after);
  void stop();

 private:
  struct cursor;  // one follower's position; counts the open streams while it lives
  struct parked {
    std::shared_ptr<cursor> follower;
    body_stream::deliver_fn deliver;
    std::chrono::steady_clock::time_point since;
  };
  void park(std::shared_ptr<cursor> follower, body_stream::deliver_fn deliver);
  void run();

  engine::ledger_host& ledger_;
  const event_feed_options options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<parked> parked_;
  std::size_t open_streams_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ledger::api
