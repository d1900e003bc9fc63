#pragma once
// rate_limiter: the per (route, client IP) request limiter of api-contract section 1.8.
//
// Rules, for each (route, IP) pair separately:
//   * a request accepted at time t counts against the limit while now < t + window (sliding
//     window; the default window is 60 s);
//   * a request that finds `limit` requests already counted is rejected, and the pair is blocked
//     for one window from that moment: requests during the block are rejected and not counted;
//   * when the block ends the counter restarts empty.
//
// What a decision reports (the X-RateLimit-* and Retry-After headers):
//   * allowed:  remaining = limit - requests counted after this one; reset_seconds = seconds
//               (rounded up) until the oldest counted request leaves the window;
//               retry_after_seconds = 0;
//   * rejected: remaining = 0; retry_after_seconds = seconds (rounded up) until the block ends,
//               and reset_seconds is the same value (the counter restarts then).
//
// Time is passed in as integer milliseconds; nothing here reads a clock. Requests that reach a
// pair's state out of order (two threads read the clock, the later one takes the lock first) are
// treated as made at the latest time that pair has seen, so time never runs backwards per pair.
//
// Memory: accepted requests are kept as (millisecond, count) runs, so a pair holds at most one
// entry per millisecond of the window whatever the limit (limits of 1,000,000 are fine), and
// nothing is preallocated. State whose window and block have both expired is dropped by sweep(),
// which check() also runs on its shard every sweep_interval_checks calls, so memory follows the
// number of pairs active in the last window, not every IP ever seen.
//
// Thread-safety: check(), sweep() and tracked() may be called concurrently from any threads.
// Pairs are spread over shard_count shards, each guarded by its own mutex; a call locks one shard
// at a time and never does I/O under the lock.
#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ledger::api {

struct rate_decision {
  bool allowed = false;
  int limit = 0;
  int remaining = 0;
  std::int64_t reset_seconds = 0;
  std::int64_t retry_after_seconds = 0;
};

class rate_limiter {
 public:
  static constexpr std::size_t shard_count = 16;
  static constexpr std::uint64_t sweep_interval_checks = 4096;

  // window_ms is both the sliding window and the block duration; it must be positive.
  explicit rate_limiter(std::int64_t window_ms = 60'000);

  // Decides one request of `ip` on `route` at now_ms under `limit` requests per window, and
  // records it when it is allowed. limit must be positive.
  [[nodiscard]] rate_decision check(std::string_view route, std::string_view ip, int limit,
                                    std::int64_t now_ms);

  // Drops every pair whose window and block have both expired at now_ms.
  void sweep(std::int64_t now_ms);

  // Number of (route, IP) pairs currently holding state.
  [[nodiscard]] std::size_t tracked() const;

 private:
  // Accepted requests made in the same millisecond.
  struct run {
    std::int64_t at_ms;
    std::int64_t count;
  };

  struct pair_state {
    // Accepted requests still (possibly) in the window, oldest first; runs[head..] are live.
    std::vector<run> runs;
    std::size_t head = 0;
    std::int64_t counted = 0;        // sum of the live runs' counts
    std::int64_t blocked_until = 0;  // block ends at this time; 0 when not blocked
    std::int64_t latest_ms = 0;      // latest time seen (time never runs backwards per pair)
  };

  struct shard {
    mutable std::mutex mutex;
    // State below is protected by mutex.
    std::unordered_map<std::string, pair_state> pairs;
    std::uint64_t checks = 0;  // check() calls, for the periodic sweep
  };

  // Drops runs that have left the window at now_ms.
  void expire(pair_state& state, std::int64_t now_ms) const;
  [[nodiscard]] bool idle(const pair_state& state, std::int64_t now_ms) const;
  void sweep_locked(shard& target, std::int64_t now_ms);

  // Constant after construction.
  const std::int64_t window_ms_;

  std::array<shard, shard_count> shards_;
};

}  // namespace ledger::api
