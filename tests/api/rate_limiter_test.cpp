// The per (route, IP) rate limiter (api/rate_limiter.h).
//
// How: time is passed in, so every scenario is a script of requests at chosen milliseconds
// and every decision is checked field by field: the contract's 120-per-minute limit and the
// block that follows the first excess request (rejected requests are not counted, the counter
// restarts after the block), the sliding window at its exact boundary, the remaining / reset /
// retry-after values, requests that arrive with an earlier time than one already seen,
// independence of routes and IPs (including keys that concatenate to the same text), memory
// (sweep() and the periodic sweep inside check() drop idle pairs; a limit of 1,000,000 works),
// and concurrent use: 4 threads racing at one instant get exactly `limit` requests through.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "api/rate_limiter.h"

namespace {

using ledger::api::rate_decision;
using ledger::api::rate_limiter;

constexpr std::int64_t t0 = 1'748'656'750'000;  // an arbitrary epoch millisecond
constexpr std::int64_t second = 1000;
constexpr std::int64_t minute = 60 * second;
constexpr int contract_limit = 120;

void check_allowed(const rate_decision& d, int limit, int remaining, std::int64_t reset) {
  CHECK(d.allowed);
  CHECK(d.limit == limit);
  CHECK(d.remaining == remaining);
  CHECK(d.reset_seconds == reset);
  CHECK(d.retry_after_seconds == 0);
}

void check_rejected(const rate_decision& d, int limit, std::int64_t retry_after) {
  CHECK_FALSE(d.allowed);
  CHECK(d.limit == limit);
  CHECK(d.remaining == 0);
  CHECK(d.retry_after_seconds == retry_after);
  CHECK(d.reset_seconds == retry_after);
}

// How many of `count` requests at `now` are allowed.
int allowed_of(rate_limiter& limiter, std::string_view route, std::string_view ip, int limit,
               int count, std::int64_t now) {
  int allowed = 0;
  for (int i = 0; i < count; ++i) {
    if (limiter.check(route, ip, limit, now).allowed) ++allowed;
  }
  return allowed;
}

}  // namespace

TEST_SUITE("api/rate_limiter") {

TEST_CASE("rate_limiter: 120 allowed, the 121st rejected and the pair blocked for 60 s") {
  rate_limiter limiter;
  // One request every 100 ms: all 120 fit in the first 12 s of the window.
  for (int i = 0; i < contract_limit; ++i) {
    CAPTURE(i);
    const std::int64_t now = t0 + i * 100;
    const rate_decision d = limiter.check("GET /health", "10.0.0.1", contract_limit, now);
    // The oldest counted request (at t0) leaves the window at t0 + 60 s.
    check_allowed(d, contract_limit, contract_limit - 1 - i, (t0 + minute - now + 999) / 1000);
  }
  const std::int64_t blocked_at = t0 + 12 * second;
  check_rejected(limiter.check("GET /health", "10.0.0.1", contract_limit, blocked_at),
                 contract_limit, 60);

  SUBCASE("requests during the block are rejected with a falling Retry-After, not counted") {
    check_rejected(limiter.check("GET /health", "10.0.0.1", contract_limit, blocked_at + 1),
                   contract_limit, 60);
    check_rejected(limiter.check("GET /health", "10.0.0.1", contract_limit, blocked_at + 30'000),
                   contract_limit, 30);
    // Even after every request counted before the block has left its window (the last one,
    // at t0 + 11.9 s, left at t0 + 71.9 s; the block ends at t0 + 72 s).
    check_rejected(limiter.check("GET /health", "10.0.0.1", contract_limit, t0 + 71'950),
                   contract_limit, 1);
    check_rejected(limiter.check("GET /health", "10.0.0.1", contract_limit,
                                 blocked_at + minute - 1),
                   contract_limit, 1);
    CHECK(allowed_of(limiter, "GET /health", "10.0.0.1", contract_limit, 1000,
                     blocked_at + minute - 1) == 0);

    // The block ends exactly one minute after it began; the counter restarts empty.
    const std::int64_t after = blocked_at + minute;
    check_allowed(limiter.check("GET /health", "10.0.0.1", contract_limit, after),
                  contract_limit, contract_limit - 1, 60);
    CHECK(allowed_of(limiter, "GET /health", "10.0.0.1", contract_limit, 500, after) ==
          contract_limit - 1);
    check_rejected(limiter.check("GET /health", "10.0.0.1", contract_limit, after + 1),
                   contract_limit, 60);
  }

  SUBCASE("a pair that waits out the block gets the whole budget again") {
    CHECK(allowed_of(limiter, "GET /health", "10.0.0.1", contract_limit, 200,
                     blocked_at + 5 * minute) == contract_limit);
  }
}

TEST_CASE("rate_limiter: the window slides; a request counts for exactly 60 s") {
  rate_limiter limiter;
  const int limit = 3;
  check_allowed(limiter.check("r", "ip", limit, t0), limit, 2, 60);
  check_allowed(limiter.check("r", "ip", limit, t0 + 20 * second), limit, 1, 40);
  check_allowed(limiter.check("r", "ip", limit, t0 + 40 * second + 500), limit, 0, 20);

  SUBCASE("one millisecond before the oldest expires, the limit is still reached") {
    check_rejected(limiter.check("r", "ip", limit, t0 + minute - 1), limit, 60);
  }
  SUBCASE("when the oldest expires there is room for one more") {
    // Counted now: t0 + 20 s, t0 + 40.5 s and this one; the oldest of them leaves in 20 s.
    check_allowed(limiter.check("r", "ip", limit, t0 + minute), limit, 0, 20);
    check_rejected(limiter.check("r", "ip", limit, t0 + minute + 1), limit, 60);
  }
  SUBCASE("after two expire, two more fit; reset follows the oldest remaining request") {
    // t0 + 40.5 s is the only one left at t0 + 80 s; it leaves at t0 + 100.5 s.
    check_allowed(limiter.check("r", "ip", limit, t0 + 80 * second), limit, 1, 21);
    check_allowed(limiter.check("r", "ip", limit, t0 + 80 * second), limit, 0, 21);
    check_rejected(limiter.check("r", "ip", limit, t0 + 80 * second), limit, 60);
  }
}

TEST_CASE("rate_limiter: remaining and reset values, rounded up to whole seconds") {
  rate_limiter limiter;
  check_allowed(limiter.check("r", "ip", 5, t0), 5, 4, 60);
  check_allowed(limiter.check("r", "ip", 5, t0 + 10'500), 5, 3, 50);  // 49.5 s -> 50
  check_allowed(limiter.check("r", "ip", 5, t0 + 59'999), 5, 2, 1);   // 1 ms -> 1
  check_allowed(limiter.check("r", "ip", 5, t0 + 60'000), 5, 2, 11);  // t0 left; 10.5 s left
  // A limit of one: every second request in the window is rejected and blocks.
  check_allowed(limiter.check("one", "ip", 1, t0), 1, 0, 60);
  check_rejected(limiter.check("one", "ip", 1, t0 + 59'001), 1, 60);
  check_rejected(limiter.check("one", "ip", 1, t0 + 59'001 + 59'001), 1, 1);
  check_allowed(limiter.check("one", "ip", 1, t0 + 59'001 + 60'000), 1, 0, 60);
  // Another window length: 10 s windows and blocks.
  rate_limiter short_window(10'000);
  check_allowed(short_window.check("r", "ip", 1, t0), 1, 0, 10);
  check_rejected(short_window.check("r", "ip", 1, t0 + 1), 1, 10);
  check_allowed(short_window.check("r", "ip", 1, t0 + 10'001), 1, 0, 10);
}

TEST_CASE("rate_limiter: an earlier time than one already seen counts as the latest time") {
  rate_limiter limiter;
  check_allowed(limiter.check("r", "ip", 2, t0 + 10 * second), 2, 1, 60);
  // Arrives with t0 + 5 s but is recorded at t0 + 10 s, so it is still counted at t0 + 65 s.
  check_allowed(limiter.check("r", "ip", 2, t0 + 5 * second), 2, 0, 60);
  check_rejected(limiter.check("r", "ip", 2, t0 + 65 * second), 2, 60);
}

TEST_CASE("rate_limiter: routes and IPs are independent") {
  rate_limiter limiter;
  CHECK(allowed_of(limiter, "POST /api/auth/login", "10.0.0.1", 30, 40, t0) == 30);
  check_rejected(limiter.check("POST /api/auth/login", "10.0.0.1", 30, t0 + 1), 30, 60);
  // Same IP, another route: untouched.
  check_allowed(limiter.check("GET /api/products/search", "10.0.0.1", 120, t0 + 1), 120, 119,
                60);
  // Same route, another IP: untouched.
  check_allowed(limiter.check("POST /api/auth/login", "10.0.0.2", 30, t0 + 1), 30, 29, 60);
  check_allowed(limiter.check("POST /api/auth/login", "::1", 30, t0 + 1), 30, 29, 60);
  // Keys whose route and IP concatenate to the same text are still different pairs.
  CHECK(allowed_of(limiter, "ab", "1", 2, 3, t0) == 2);
  CHECK(allowed_of(limiter, "a", "b1", 2, 3, t0) == 2);
  CHECK(allowed_of(limiter, "", "ab1", 2, 3, t0) == 2);
  CHECK(allowed_of(limiter, "ab1", "", 2, 3, t0) == 2);
  CHECK(limiter.tracked() == 8);
}

TEST_CASE("rate_limiter: sweep drops pairs whose window and block have both expired") {
  rate_limiter limiter;
  for (int i = 0; i < 1000; ++i) {
    check_allowed(limiter.check("r", "10.1." + std::to_string(i), 10, t0 + i), 10, 9, 60);
  }
  CHECK(limiter.tracked() == 1000);
  limiter.sweep(t0 + minute - 1);  // nothing has left its window yet
  CHECK(limiter.tracked() == 1000);
  limiter.sweep(t0 + minute + 499);  // requests at t0 .. t0 + 499 have
  CHECK(limiter.tracked() == 500);
  limiter.sweep(t0 + minute + 999);
  CHECK(limiter.tracked() == 0);

  // A blocked pair is kept until its block ends, though its counter was emptied.
  CHECK(allowed_of(limiter, "r", "blocked", 1, 2, t0 + 2 * minute) == 1);
  limiter.sweep(t0 + 3 * minute - 1);
  CHECK(limiter.tracked() == 1);
  check_rejected(limiter.check("r", "blocked", 1, t0 + 3 * minute - 1), 1, 1);
  limiter.sweep(t0 + 3 * minute);
  CHECK(limiter.tracked() == 0);
  check_allowed(limiter.check("r", "blocked", 1, t0 + 3 * minute), 1, 0, 60);
}

TEST_CASE("rate_limiter: check() sweeps idle pairs by itself") {
  rate_limiter limiter;
  for (int i = 0; i < 20'000; ++i) {
    (void)limiter.check("r", "old-" + std::to_string(i), 120, t0);
  }
  CHECK(limiter.tracked() == 20'000);
  // Two minutes later, traffic from 1000 other addresses: 200,000 checks give every shard far
  // more than sweep_interval_checks calls, so every idle pair is gone without sweep().
  constexpr int rounds = 200;
  static_assert(rounds * 1000 >
                2 * rate_limiter::shard_count * rate_limiter::sweep_interval_checks);
  int allowed = 0;
  for (int round = 0; round < rounds; ++round) {
    for (int i = 0; i < 1000; ++i) {
      if (limiter.check("r", "new-" + std::to_string(i), 1'000'000, t0 + 2 * minute + round)
              .allowed) {
        ++allowed;
      }
    }
  }
  CHECK(allowed == rounds * 1000);
  CHECK(limiter.tracked() == 1000);
}

TEST_CASE("rate_limiter: a limit of 1,000,000 (load tests) is exact") {
  rate_limiter limiter;
  const int limit = 1'000'000;
  int allowed = 0;
  rate_decision last{};
  for (int i = 0; i < limit; ++i) {
    last = limiter.check("r", "load", limit, t0 + i / 50);  // 50 requests per millisecond
    if (last.allowed) ++allowed;
  }
  CHECK(allowed == limit);
  check_allowed(last, limit, 0, 41);  // the first request, at t0, leaves at t0 + 60 s
  check_rejected(limiter.check("r", "load", limit, t0 + 20'000), limit, 60);
}

TEST_CASE("rate_limiter: 4 threads racing at one instant get exactly `limit` requests through") {
  rate_limiter limiter;
  // Half of the attempts get through, so the threads collide on the counting path as well as
  // on the rejecting one.
  const int threads = 4;
  const int attempts_per_thread = 50'000;
  const int limit = threads * attempts_per_thread / 2;
  std::atomic<int> allowed{0};
  std::atomic<int> rejected{0};
  std::atomic<int> other_allowed{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < attempts_per_thread; ++i) {
        if (limiter.check("POST /api/pos/checkout", "10.9.9.9", limit, t0).allowed) {
          ++allowed;
        } else {
          ++rejected;
        }
        // Interleave with pairs of its own, which must all be allowed.
        if (limiter.check("GET /health", "thread-" + std::to_string(t), 1'000'000, t0).allowed) {
          ++other_allowed;
        }
      }
    });
  }
  go.store(true);
  for (std::thread& worker : workers) worker.join();
  CHECK(allowed.load() == limit);
  CHECK(rejected.load() == threads * attempts_per_thread - limit);
  CHECK(other_allowed.load() == threads * attempts_per_thread);
  CHECK(limiter.tracked() == 1 + threads);
  check_rejected(limiter.check("POST /api/pos/checkout", "10.9.9.9", limit, t0 + 1), limit, 60);
}

}  // TEST_SUITE
