#pragma once
// What GET /metrics reports, in the Prometheus text exposition format (version 0.0.4):
//   posledger_http_requests_total{route,status}           counter
//   posledger_http_request_duration_seconds{route}        histogram
//   posledger_commands_total{outcome}                     counter (committed/duplicate/rejected)
//   posledger_group_commit_batches_total, ..._batch_size  histogram of commands per commit
//   posledger_events_written_total                        counter
//   posledger_writer_queue_depth                          gauge
//   posledger_ledger_head_sequence, posledger_views_applied_sequence, posledger_projection_lag_events
//   posledger_http_connections_open, posledger_websocket_clients   gauges
//
// request_metrics records one answered request (route key as in the routing table, e.g.
// "GET /api/users/:id", so label values stay a small fixed set; "unmatched" for 404s without
// a route). Thread-safety: record() and render from any thread (one mutex; the critical
// section is a hash lookup and a few increments).
#include <array>
#include <functional>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/text_map.h"

namespace ledger::api {

// Upper bounds of the latency buckets, in microseconds (+Inf is implicit).
inline constexpr std::array<std::int64_t, 14> latency_bounds_us{
    250, 500, 1'000, 2'500, 5'000, 10'000, 25'000, 50'000, 100'000, 250'000, 500'000,
    1'000'000, 2'500'000, 10'000'000};

class request_metrics {
 public:
  void record(std::string_view route, unsigned status, std::int64_t duration_us);
  // The HTTP families, rendered (with HELP and TYPE lines).
  [[nodiscard]] std::string render() const;

 private:
  struct route_latency {
    std::array<std::uint64_t, latency_bounds_us.size() + 1> buckets{};  // last: +Inf
    std::uint64_t count = 0;
    std::int64_t sum_us = 0;
  };
  struct route_stats {
    std::unordered_map<unsigned, std::uint64_t> by_status;
    route_latency latency;
  };
  mutable std::mutex mutex_;
  // Looked up by string_view: recording a request allocates nothing once its route was seen.
  text_map<route_stats> routes_;
};

// Prometheus text helpers (shared by the families the app renders from other components).
void append_metric_header(std::string& out, std::string_view name, std::string_view type,
                          std::string_view help);
void append_metric(std::string& out, std::string_view name, std::string_view labels,
                   std::uint64_t value);
// A label value escaped as the format requires (backslash, quote, newline).
[[nodiscard]] std::string metric_label(std::string_view value);

}  // namespace ledger::api
