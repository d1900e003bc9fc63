#pragma once
// The application behind the HTTP server: the contract's request pipeline (api-contract 1.2)
// and the helpers route handlers use to answer.
//
// For every request, in this order (the first failure decides the answer):
//   0. CORS pre-flight (OPTIONS with Origin) -> 204 before anything else (1.1);
//   1. routing: no route for (method, path) -> 404 "Cannot <METHOD> <path>", no guard runs;
//   2. rate limit per (route, client IP) -> 429 with Retry-After (1.8);
//   3. authentication unless the route is public -> 401 (1.2): a valid HS256 access token,
//      then the user is re-read from the views (deactivated -> locked out at once; a token
//      issued before the user's last password reset is refused);
//   4. the route's role list -> 403 "Requires one of roles: ..., but user has: ..." (1.2);
//   5. the handler: body/query validation (400) and the business answer.
// Every response carries the security headers, CORS headers for an allowed Origin, and the
// rate-limit headers; every error has the body of 1.4. One JSON log line per request goes to
// stderr (request id, method, path, route, status, duration).
//
// Commands are submitted to the single writer and answered after the durable commit, with
// `X-Ledger-Seq: <last sequence>`; the answer is rendered from the views once the projector
// has applied that sequence (read-your-writes). Queries first wait (bounded) for the
// projector to reach the head the writer had when the query arrived.
//
// Thread-safety: handle() from any I/O thread; handlers run there and may hand work to the
// work pool. The ledger and projector outlive the app.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <type_traits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/event_feed.h"
#include "api/http_types.h"
#include "api/metrics.h"
#include "api/rate_limiter.h"
#include "api/router.h"
#include "api/url.h"
#include "api/validation.h"
#include "api/work_pool.h"
#include "engine/command_processor.h"
#include "engine/ledger.h"
#include "events/assert.h"
#include "projections/projector.h"
#include "projections/query.h"

namespace ledger::api {

using events::user_role;

// Role names as the contract spells them, so route tables read like section 4.
inline constexpr auto SUPER_ADMIN = user_role::SUPER_ADMIN;
inline constexpr auto BRANCH_MANAGER = user_role::BRANCH_MANAGER;
inline constexpr auto CASHIER = user_role::CASHIER;
inline constexpr auto INVENTORY_STAFF = user_role::INVENTORY_STAFF;
inline constexpr auto OWNER = user_role::OWNER;

struct server_config {
  std::string data_dir = "./data";
  std::string listen_address = "0.0.0.0";
  unsigned short port = 3001;
  unsigned threads = 0;  // 0: one per core
  bool demo = false;     // also: reset tokens appear in responses only in demo mode
  std::string jwt_secret;
  std::string jwt_refresh_secret;
  std::int64_t access_lifetime_s = 8 * 3600;
  std::int64_t refresh_lifetime_s = 7 * 24 * 3600;
  std::vector<std::string> cors_origins{"http://localhost:3000"};
  int rate_limit_login_per_min = 30;
  int rate_limit_per_min = 120;
  std::size_t body_limit = 100 * 1024;
};

// The caller after authentication, built from the user's current record (not the token).
struct authenticated_user {
  user_id id;
  std::string email;
  std::string full_name;
  user_role role = user_role::CASHIER;
  branch_id branch;
};

// The entity number in `text` if it is a UUID of this ledger and kind, else id 0 (which no
// record has: a query then answers "not found", as the reference does for ids it does not
// know; api-contract 1.5 leaves path ids unvalidated).
template <class Id>
[[nodiscard]] Id id_in(const projections::view_state& state, std::string_view text,
                       entity_kind kind) {
  return Id{parse_uuid(text, state.catalog.model.ledger_namespace, kind).value_or(0)};
}

class server_app;
struct request_context;
using route_handler = std::function<void(server_app&, const std::shared_ptr<request_context>&)>;

inline constexpr int login_rate_limit = -1;

struct route_entry {
  std::string key;                 // "GET /api/users/:id": the rate limiter's route and the log's
  bool is_public = false;          // no authentication
  std::vector<user_role> roles;    // empty: any authenticated user
  int rate_limit_per_min = 0;      // 0: the default limit; login_rate_limit: the login limit
  route_handler handler;
};

struct request_context {
  http_request request;
  route_params params;
  query_params query;
  std::optional<authenticated_user> user;
  const route_entry* route = nullptr;
  std::vector<std::pair<std::string, std::string>> extra_headers;  // rate limit, CORS
  respond_fn respond;
  std::chrono::steady_clock::time_point started;

  [[nodiscard]] projections::caller caller() const;
};

class server_app {
 public:
  server_app(server_config config, engine::ledger_host& ledger, projections::projector& views);
  ~server_app();

  // The request handler given to http_server.
  void handle(http_request request, respond_fn respond);
  // The error body for failures the transport detects (413, malformed HTTP).
  [[nodiscard]] http_response transport_error(unsigned status, std::string_view message,
                                              const http_request& request) const;
  // The caller of a raw access token (the dashboard WebSocket passes it in its query string),
  // checked exactly like a request's Bearer token; nullopt and `failure` (the 401 message).
  [[nodiscard]] std::optional<authenticated_user> authenticate_token(std::string_view token,
                                                                     std::string& failure);

  // --- For route handlers.
  void reply(const std::shared_ptr<request_context>& context, unsigned status, std::string body,
             std::uint64_t ledger_sequence = 0);
  void reply_error(const std::shared_ptr<request_context>& context, unsigned status,
                   std::string_view message);
  // A business rule's refusal: its contract status (by kind) and message.
  void reply_rejection(const std::shared_ptr<request_context>& context,
                       const engine::rejection& rejected);
  void reply_errors(const std::shared_ptr<request_context>& context,
                    const std::vector<std::string>& messages);  // 400 with an array
  // A non-JSON answer (the docs page): its content type and extra headers. A
  // Content-Security-Policy among them replaces the JSON responses' default one.
  void reply_document(const std::shared_ptr<request_context>& context, unsigned status,
                      std::string body, std::string content_type,
                      std::vector<std::pair<std::string, std::string>> headers);
  // 200 with a body produced over time (chunked), e.g. the event follow mode.
  void reply_stream(const std::shared_ptr<request_context>& context,
                    std::shared_ptr<body_stream> stream, std::string content_type);
  // A query's answer: its error, or `status` with its body (and X-Ledger-Seq when given).
  void reply_query(const std::shared_ptr<request_context>& context,
                   const projections::query_result& result, unsigned status = 200,
                   std::uint64_t ledger_sequence = 0);
  // Answers 400 for a body that did not parse or validate and returns false; true when the
  // body is fine and the handler goes on.
  [[nodiscard]] bool body_is_valid(const std::shared_ptr<request_context>& context,
                                    const body_result& body);

  // `page` (default 1) and `limit` (default `default_limit`) of the query string (1.7): whole
  // numbers, page >= 1, limit >= 0. Otherwise answers 400 and returns nullopt.
  [[nodiscard]] std::optional<projections::page_request> paging(
      const std::shared_ptr<request_context>& context, std::int64_t default_limit);

  // Runs `answer` once the views show everything up to `last_sequence`, never on the calling
  // thread (the writer's, when called from a completion): on the projector thread right after
  // the batch that applies it (projections::projector::when_applied), or on the work pool when
  // the command wrote nothing (last_sequence 0: a rejection, a duplicate), whose records the
  // views already have. `answer` must be short and must not block.
  void after_views(std::uint64_t last_sequence, std::function<void()> answer);

  // Submits a command as the caller (actor 0 for public routes that name their user in the
  // command), then answers through after_views(): a rejection with its contract status and
  // message, an accepted command with `then` once the views show its last event (so `then`
  // must be short and must not block).
  // `on_rejected`, when set, answers a rejection itself (a route that must not reveal it).
  void submit(const std::shared_ptr<request_context>& context, engine::command body,
              std::function<void(const engine::command_outcome&)> then,
              user_id actor_override = {},
              std::function<void(const engine::rejection&)> on_rejected = {});

  // A query route's answer: 200 with f(state) or f(state, now_us) (a string or a
  // query_result), and X-Ledger-Seq naming the sequence the answer reflects. From the live
  // views, with now = the clock (no wait: see read() on read-your-writes); or, when the
  // route takes `asOf` and the query string has asOf=SEQ|ISO-8601 time, from the views as of
  // that point (built on the work pool), with now = that point's time. With takes_as_of, `f`
  // may run after the handler returned: capture by value.
  template <class F>
  void answer_query(const std::shared_ptr<request_context>& context, F f,
                    bool takes_as_of = false) {
    if (takes_as_of && context->query.get("asOf")) {
      return answer_as_of(context, [f](const projections::view_state& state, std::int64_t at_us) {
        return evaluate(f, state, at_us);
      });
    }
    const std::int64_t now = now_us();
    std::uint64_t reflects = 0;
    const projections::query_result result = views_.read([&](const projections::view_state& state) {
      reflects = state.applied();
      return evaluate(f, state, now);
    });
    reply_query(context, result, 200, reflects);
  }

  // Runs `f(view_state)` under the projector's read lock, without waiting for the writer.
  // Read-your-writes holds anyway: a command is answered only after the views applied it
  // (submit), so anything a client was told is committed is already in the views when its
  // next request arrives; commands still in flight are concurrent with the read.
  template <class F>
  auto read(F&& f) {
    return views_.read(std::forward<F>(f));
  }

  // After a committed command: answers `status` with render(const view_state&), a
  // query_result or a string. The command's records are in the views by then (see submit),
  // so an error result is a broken invariant.
  template <class Render>
  void reply_committed(const std::shared_ptr<request_context>& context, unsigned status,
                       const engine::command_outcome& outcome, Render&& render) {
    projections::query_result result = views_.read(std::forward<Render>(render));
    auto* body = std::get_if<std::string>(&result);
    LEDGER_ASSERT(body != nullptr, "views lack the records of committed sequence {}: {}",
                  outcome.last_sequence, std::get<projections::query_error>(result).message);
    reply(context, status, std::move(*body), outcome.last_sequence);
  }

  // For commands: the entity number of a UUID of this ledger, or `unknown_entity`, a number no
  // record has (so the engine answers its "not found" rule; 0 would mean "none" in places,
  // e.g. a cart's customer).
  template <class Id>
  [[nodiscard]] Id id_of(std::string_view text, entity_kind kind) {
    const auto id = views_.read([&](const projections::view_state& state) {
      return id_in<Id>(state, text, kind);
    });
    return id.value != 0 ? id : Id{unknown_entity};
  }
  static constexpr std::uint64_t unknown_entity = entity_number_max;

  // GET /metrics: the request families, the writer's and the views', then every added source.
  [[nodiscard]] std::string render_metrics() const;
  // Adds a renderer of more /metrics families (the transport's, the dashboard feed's).
  // Before the server starts only.
  void add_metrics_source(std::function<void(std::string&)> source);

  // The follow mode of GET /api/v1/events.
  [[nodiscard]] event_feed& events_feed() { return *events_feed_; }
  // Ends the open event streams (before the HTTP server drains its connections at shutdown).
  void stop_streams() { events_feed_->stop(); }

  [[nodiscard]] const server_config& config() const { return config_; }
  [[nodiscard]] engine::ledger_host& ledger() { return ledger_; }
  [[nodiscard]] projections::projector& views() { return views_; }
  [[nodiscard]] work_pool& blocking_work() { return work_; }
  [[nodiscard]] std::int64_t now_us() const;
  [[nodiscard]] std::int64_t started_at_us() const { return started_at_us_; }

 private:
  template <class F>
  static projections::query_result evaluate(F& f, const projections::view_state& state,
                                            std::int64_t now) {
    if constexpr (std::is_invocable_v<F&, const projections::view_state&, std::int64_t>) {
      return f(state, now);
    } else {
      return f(state);
    }
  }
  using as_of_query =
      std::function<projections::query_result(const projections::view_state&, std::int64_t)>;
  void answer_as_of(const std::shared_ptr<request_context>& context, as_of_query query);

  void register_routes();
  void dispatch(const std::shared_ptr<request_context>& context);
  [[nodiscard]] std::optional<authenticated_user> authenticate(
      const http_request& request, std::string& failure);
  void finish(const std::shared_ptr<request_context>& context, http_response response);
  void add_common_headers(const http_request& request, http_response& response) const;
  [[nodiscard]] std::string error_body(unsigned status, const http_request& request,
                                       std::string_view message) const;

  server_config config_;
  engine::ledger_host& ledger_;
  projections::projector& views_;
  router<route_entry> routes_;
  rate_limiter limiter_;
  work_pool work_;
  request_metrics request_metrics_;
  std::unique_ptr<event_feed> events_feed_;
  std::vector<std::function<void(std::string&)>> metrics_sources_;
  std::int64_t started_at_us_ = 0;
  // The last views built for an asOf query (one at a time: building holds the mutex).
  std::mutex as_of_mutex_;
  std::uint64_t as_of_sequence_ = 0;
  std::shared_ptr<const projections::view_state> as_of_views_;
};

// The HTTP status of a business rule's refusal (api-contract 1.4: by the rule's kind).
[[nodiscard]] unsigned rejection_status(const engine::rejection& rejected);
// The 403 message of a role guard (1.2): "Requires one of roles: A, B, but user has: C".
[[nodiscard]] std::string roles_message(const std::vector<user_role>& roles, user_role has);

// Registers an authenticated route; its key (rate limiter, log) is "METHOD /path".
void add_route(router<route_entry>& routes, std::string_view method, std::string_view path,
               std::vector<user_role> roles, route_handler handler);


// The first event of type E in a committed outcome (the event the command must record).
template <class E>
[[nodiscard]] const E& committed_event(const engine::command_outcome& outcome) {
  for (const auto& e : outcome.events) {
    if (const E* typed = std::get_if<E>(&e)) return *typed;
  }
  LEDGER_ASSERT(false, "a committed command without the event it must record");
  __builtin_unreachable();
}

// The id a create answers with: `member` of its E event.
template <class E, class Id>
[[nodiscard]] Id created_id(const engine::command_outcome& outcome, std::uint64_t E::*member) {
  return Id{committed_event<E>(outcome).*member};
}

// Route registration, one function per contract section (api/routes_*.cpp).
void add_auth_routes(router<route_entry>& routes);
void add_catalog_routes(router<route_entry>& routes);
void add_catalog_write_routes(router<route_entry>& routes);
void add_operations_routes(router<route_entry>& routes);
void add_operations_write_routes(router<route_entry>& routes);
void add_report_routes(router<route_entry>& routes);
void add_native_routes(router<route_entry>& routes);
void add_metrics_routes(router<route_entry>& routes);
void add_docs_routes(router<route_entry>& routes);

}  // namespace ledger::api
