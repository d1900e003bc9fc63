#include "api/rate_limiter.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "events/assert.h"

namespace ledger::api {
namespace {

// Live runs below this many dead entries at the front are not worth moving.
constexpr std::size_t compact_min_dead = 64;
// Capacity above this (in runs) is given back when three quarters of it are unused.
constexpr std::size_t shrink_min_capacity = 256;

// The map key of a pair: the route's length first, so no (route, ip) split is ambiguous.
std::string pair_key(std::string_view route, std::string_view ip) {
  std::string key = std::to_string(route.size());
  key += ':';
  key += route;
  key += ip;
  return key;
}

// Whole seconds, rounded up, in a positive number of milliseconds.
std::int64_t seconds_ceil(std::int64_t ms) { return (ms + 999) / 1000; }

}  // namespace

rate_limiter::rate_limiter(std::int64_t window_ms) : window_ms_(window_ms) {
  LEDGER_ASSERT(window_ms > 0, "rate limiter window must be positive, got {}", window_ms);
}

void rate_limiter::expire(pair_state& state, std::int64_t now_ms) const {
  while (state.head < state.runs.size() && state.runs[state.head].at_ms + window_ms_ <= now_ms) {
    state.counted -= state.runs[state.head].count;
    ++state.head;
  }
  if (state.head == state.runs.size()) {
    state.runs.clear();
    state.head = 0;
  } else if (state.head >= compact_min_dead && state.head * 2 >= state.runs.size()) {
    state.runs.erase(state.runs.begin(),
                     state.runs.begin() + static_cast<std::ptrdiff_t>(state.head));
    state.head = 0;
  }
  if (state.runs.capacity() > shrink_min_capacity &&
      state.runs.size() * 4 < state.runs.capacity()) {
    state.runs.erase(state.runs.begin(),
                     state.runs.begin() + static_cast<std::ptrdiff_t>(state.head));
    state.head = 0;
    state.runs.shrink_to_fit();
  }
  LEDGER_ASSERT(state.counted >= 0, "rate limiter counted {} < 0", state.counted);
}

bool rate_limiter::idle(const pair_state& state, std::int64_t now_ms) const {
  if (state.blocked_until > now_ms) return false;
  return state.head == state.runs.size() || state.runs.back().at_ms + window_ms_ <= now_ms;
}

void rate_limiter::sweep_locked(shard& target, std::int64_t now_ms) {
  std::erase_if(target.pairs, [&](const auto& entry) { return idle(entry.second, now_ms); });
}

rate_decision rate_limiter::check(std::string_view route, std::string_view ip, int limit,
                                  std::int64_t now_ms) {
  LEDGER_ASSERT(limit > 0, "rate limit must be positive, got {}", limit);
  std::string key = pair_key(route, ip);
  shard& target = shards_[std::hash<std::string>{}(key) % shard_count];

  std::lock_guard lock(target.mutex);
  if (++target.checks % sweep_interval_checks == 0) sweep_locked(target, now_ms);
  pair_state& state = target.pairs.try_emplace(std::move(key)).first->second;
  const std::int64_t now = std::max(now_ms, state.latest_ms);
  state.latest_ms = now;

  rate_decision decision;
  decision.limit = limit;
  if (state.blocked_until != 0) {
    if (now < state.blocked_until) {
      decision.retry_after_seconds = seconds_ceil(state.blocked_until - now);
      decision.reset_seconds = decision.retry_after_seconds;
      return decision;  // rejected, not counted
    }
    state.blocked_until = 0;  // the block is over; the counter was emptied when it began
  }

  expire(state, now);
  if (state.counted >= limit) {
    // This request would exceed the limit: reject it and block the pair for one window. The
    // counter restarts empty after the block, so the runs are released now.
    state.blocked_until = now + window_ms_;
    std::vector<run>().swap(state.runs);
    state.head = 0;
    state.counted = 0;
    decision.retry_after_seconds = seconds_ceil(window_ms_);
    decision.reset_seconds = decision.retry_after_seconds;
    return decision;
  }

  if (state.head < state.runs.size() && state.runs.back().at_ms == now) {
    ++state.runs.back().count;
  } else {
    state.runs.push_back(run{now, 1});
  }
  ++state.counted;
  LEDGER_ASSERT(state.counted <= limit, "rate limiter counted {} > limit {}", state.counted,
                limit);

  decision.allowed = true;
  decision.remaining = limit - static_cast<int>(state.counted);
  decision.reset_seconds = seconds_ceil(state.runs[state.head].at_ms + window_ms_ - now);
  return decision;
}

void rate_limiter::sweep(std::int64_t now_ms) {
  for (shard& target : shards_) {
    std::lock_guard lock(target.mutex);
    sweep_locked(target, now_ms);
  }
}

std::size_t rate_limiter::tracked() const {
  std::size_t count = 0;
  for (const shard& target : shards_) {
    std::lock_guard lock(target.mutex);
    count += target.pairs.size();
  }
  return count;
}

}  // namespace ledger::api
