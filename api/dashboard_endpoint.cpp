#include "api/dashboard_endpoint.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <string_view>
#include <utility>
#include <vector>

#include "api/url.h"
#include "projections/json_writer.h"
#include "projections/report_queries.h"

namespace ledger::api {
namespace {

constexpr std::string_view dashboard_path = "/dashboard";

char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// The router's path rules: case-insensitive, one trailing slash tolerated.
bool is_dashboard_path(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path.size() != dashboard_path.size()) return false;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (lower_ascii(path[i]) != dashboard_path[i]) return false;
  }
  return true;
}

// The scopes `user` may watch (none: a role other than SUPER_ADMIN/OWNER without a branch).
std::vector<dashboard_scope> scopes_of(const projections::view_state& state,
                                       const authenticated_user& user) {
  std::vector<dashboard_scope> scopes;
  if (user.role == SUPER_ADMIN || user.role == OWNER) {
    scopes.reserve(state.catalog.model.branches.size() + 1);
    scopes.push_back(dashboard_scope{std::nullopt, "chain"});
    for (const auto& [id, branch] : state.catalog.model.branches) {
      scopes.push_back(dashboard_scope{id, state.uuid(entity_kind::branch, id)});
    }
  } else if (user.branch.value != 0) {
    scopes.push_back(dashboard_scope{user.branch, state.uuid(entity_kind::branch, user.branch)});
  }
  return scopes;
}

// Subscribes and offers every scope's snapshot, under one read lock (see the header).
websocket_decision subscribe_with_snapshots(server_app& app, dashboard_hub& hub,
                                            const authenticated_user& user) {
  return app.read([&](const projections::view_state& state) -> websocket_decision {
    std::vector<dashboard_scope> scopes = scopes_of(state, user);
    if (scopes.empty()) {
      return websocket_close{websocket_policy_violation,
                             "No dashboard scope: this user has no branch"};
    }
    std::vector<std::optional<branch_id>> branches;
    branches.reserve(scopes.size());
    for (const dashboard_scope& scope : scopes) branches.push_back(scope.branch);
    auto subscription = hub.subscribe(std::move(scopes));
    const std::int64_t now = app.now_us();
    const std::uint64_t sequence = state.applied();
    for (const auto& branch : branches) {
      (void)subscription->offer(
          branch, sequence,
          std::make_shared<const std::string>(projections::dashboard(state, branch, now)));
    }
    return std::shared_ptr<websocket_feed>(std::move(subscription));
  });
}

websocket_decision upgrade(server_app& app, dashboard_hub& hub, const http_request& request) {
  http_request shown = request;  // error bodies name the path, never the token
  shown.target = request.path;
  if (!is_dashboard_path(request.path)) {
    return app.transport_error(404, fmt::format("Cannot GET {}", request.path), shown);
  }
  const query_params query = parse_query(request.query);
  std::string failure = "Invalid or expired token";
  std::optional<authenticated_user> user;
  if (const auto token = query.get("token"); token && !token->empty()) {
    user = app.authenticate_token(*token, failure);
  }
  if (!user) return app.transport_error(401, failure, shown);
  return subscribe_with_snapshots(app, hub, *user);
}

// The request log's line (server_app.h): 101 for an accepted upgrade, plus the close code
// when it is closed at once.
void log_upgrade(const server_app& app, const http_request& request,
                 const websocket_decision& decision,
                 std::chrono::steady_clock::time_point started) {
  const auto* refusal = std::get_if<http_response>(&decision);
  const auto* closed = std::get_if<websocket_close>(&decision);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  projections::json_writer line;
  line.begin_object()
      .key("time")
      .time(app.now_us())
      .integer_field("requestId", static_cast<std::int64_t>(request.id))
      .string_field("method", request.method)
      .string_field("path", request.path)
      .string_field("route", "GET /dashboard")
      .integer_field("status", refusal != nullptr ? refusal->status : 101);
  if (closed != nullptr) line.integer_field("closeCode", closed->code);
  line.integer_field("durationUs", micros).string_field("ip", request.remote_ip).end_object();
  std::string text = line.take();
  text += '\n';
  std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace

websocket_handler dashboard_websocket(server_app& app, dashboard_hub& hub) {
  return [&app, &hub](const http_request& request) {
    const auto started = std::chrono::steady_clock::now();
    websocket_decision decision = upgrade(app, hub, request);
    log_upgrade(app, request, decision, started);
    return decision;
  };
}

}  // namespace ledger::api
