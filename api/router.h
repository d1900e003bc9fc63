#pragma once
// The routing table (api-contract section 4): method + path pattern -> route.
//
// Matching follows the reference (api-contract 1.1 and the notes under the table in 4):
//   * path segments are compared case-insensitively (ASCII); one trailing slash is tolerated
//     (`/api/users/` is `/api/users`), an empty segment elsewhere never matches;
//   * a pattern segment `:name` matches any one non-empty segment and binds it (percent-decoded);
//   * when several patterns match, literal segments win over parameters, position by position
//     from the left (`/api/products/search` before `/api/products/:id`);
//   * a path that matches no route of the request's method is unknown, even if another method
//     has it: the caller answers 404 `Cannot <METHOD> <path>` (the reference never sends 405).
//
// Thread-safety: add() during set-up only; match() from any thread afterwards.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/url.h"

namespace ledger::api {

struct route_params {
  std::vector<std::pair<std::string, std::string>> values;
  [[nodiscard]] std::string_view get(std::string_view name) const {
    for (const auto& [key, value] : values) {
      if (key == name) return value;
    }
    return {};
  }
};

template <class Route>
class router {
 public:
  struct match_result {
    const Route* route = nullptr;
    route_params params;
  };

  void add(std::string method, std::string pattern, Route route) {
    entries_.push_back(entry{std::move(method), split(pattern), std::move(route)});
  }

  [[nodiscard]] std::optional<match_result> match(std::string_view method,
                                                  std::string_view path) const {
    std::vector<std::string_view> segments;
    if (!split_path(path, segments)) return std::nullopt;
    const entry* best = nullptr;
    for (const entry& candidate : entries_) {
      if (candidate.method != method || candidate.segments.size() != segments.size()) continue;
      if (!matches(candidate, segments)) continue;
      if (best == nullptr || more_literal(candidate, *best)) best = &candidate;
    }
    if (best == nullptr) return std::nullopt;
    match_result result;
    result.route = &best->route;
    for (std::size_t i = 0; i < segments.size(); ++i) {
      if (is_parameter(best->segments[i])) {
        result.params.values.emplace_back(best->segments[i].substr(1),
                                          url_decode(segments[i], false));
      }
    }
    return result;
  }

  [[nodiscard]] std::size_t size() const { return entries_.size(); }

  // Every route, in the order added (for the role-matrix test and the OpenAPI document).
  template <class F>
  void for_each(F&& f) const {
    for (const entry& e : entries_) f(e.method, join(e.segments), e.route);
  }

 private:
  struct entry {
    std::string method;
    std::vector<std::string> segments;
    Route route;
  };

  static bool is_parameter(std::string_view segment) {
    return !segment.empty() && segment.front() == ':';
  }

  static std::vector<std::string> split(std::string_view pattern) {
    std::vector<std::string_view> views;
    const bool ok = split_path(pattern, views);
    (void)ok;
    return {views.begin(), views.end()};
  }

  static std::string join(const std::vector<std::string>& segments) {
    std::string out;
    for (const auto& segment : segments) out += "/" + segment;
    return out.empty() ? "/" : out;
  }

  // "/a/b/" -> {a, b}; false for a relative path or an empty inner segment ("/a//b").
  static bool split_path(std::string_view path, std::vector<std::string_view>& out) {
    if (path.empty() || path.front() != '/') return false;
    path.remove_prefix(1);
    if (!path.empty() && path.back() == '/') path.remove_suffix(1);
    if (path.empty()) return true;
    while (true) {
      const auto slash = path.find('/');
      const std::string_view segment = path.substr(0, slash);
      if (segment.empty()) return false;
      out.push_back(segment);
      if (slash == std::string_view::npos) return true;
      path.remove_prefix(slash + 1);
    }
  }

  static bool equal_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      char x = a[i];
      char y = b[i];
      if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
      if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
      if (x != y) return false;
    }
    return true;
  }

  static bool matches(const entry& candidate, const std::vector<std::string_view>& segments) {
    for (std::size_t i = 0; i < segments.size(); ++i) {
      const std::string& pattern = candidate.segments[i];
      if (!is_parameter(pattern) && !equal_ignoring_case(pattern, segments[i])) return false;
    }
    return true;
  }

  // a beats b when, at the first position where one is literal and the other a parameter,
  // a is the literal one.
  static bool more_literal(const entry& a, const entry& b) {
    for (std::size_t i = 0; i < a.segments.size(); ++i) {
      const bool a_literal = !is_parameter(a.segments[i]);
      const bool b_literal = !is_parameter(b.segments[i]);
      if (a_literal != b_literal) return a_literal;
    }
    return false;
  }

  std::vector<entry> entries_;
};

}  // namespace ledger::api
