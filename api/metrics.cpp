#include "api/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace ledger::api {

void request_metrics::record(std::string_view route, unsigned status, std::int64_t duration_us) {
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(latency_bounds_us.begin(), latency_bounds_us.end(), duration_us) -
      latency_bounds_us.begin());
  std::lock_guard lock(mutex_);
  auto found = routes_.find(route);
  if (found == routes_.end()) found = routes_.try_emplace(std::string(route)).first;
  route_stats& stats = found->second;
  ++stats.by_status[status];
  ++stats.latency.buckets[bucket];
  ++stats.latency.count;
  stats.latency.sum_us += duration_us;
}

std::string request_metrics::render() const {
  // Copied under the lock, rendered outside it; sorted so the text is stable.
  std::map<std::string, std::map<unsigned, std::uint64_t>> requests;
  std::map<std::string, route_latency> latency;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [route, stats] : routes_) {
      requests[route].insert(stats.by_status.begin(), stats.by_status.end());
      latency.emplace(route, stats.latency);
    }
  }
  std::string out;
  append_metric_header(out, "posledger_http_requests_total", "counter",
                       "HTTP requests answered, by route and status");
  for (const auto& [route, statuses] : requests) {
    for (const auto& [status, count] : statuses) {
      append_metric(out, "posledger_http_requests_total",
                    fmt::format("route=\"{}\",status=\"{}\"", metric_label(route), status), count);
    }
  }
  append_metric_header(out, "posledger_http_request_duration_seconds", "histogram",
                       "Time from a request's arrival to its answer, by route");
  for (const auto& [route, histogram] : latency) {
    const std::string label = metric_label(route);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < latency_bounds_us.size(); ++i) {
      cumulative += histogram.buckets[i];
      append_metric(out, "posledger_http_request_duration_seconds_bucket",
                    fmt::format("route=\"{}\",le=\"{}\"", label, latency_bounds_us[i] / 1e6),
                    cumulative);
    }
    append_metric(out, "posledger_http_request_duration_seconds_bucket",
                  fmt::format("route=\"{}\",le=\"+Inf\"", label), histogram.count);
    out += fmt::format("posledger_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", label,
                       static_cast<double>(histogram.sum_us) / 1e6);
    append_metric(out, "posledger_http_request_duration_seconds_count",
                  fmt::format("route=\"{}\"", label), histogram.count);
  }
  return out;
}

void append_metric_header(std::string& out, std::string_view name, std::string_view type,
                          std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void append_metric(std::string& out, std::string_view name, std::string_view labels,
                   std::uint64_t value) {
  if (labels.empty()) {
    out += fmt::format("{} {}\n", name, value);
  } else {
    out += fmt::format("{}{{{}}} {}\n", name, labels, value);
  }
}

std::string metric_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace ledger::api
