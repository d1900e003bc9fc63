#include "api/server_app.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "api/jwt.h"
#include "events/assert.h"
#include "projections/json_writer.h"
#include "projections/log_reader.h"
#include "projections/rebuild.h"
#include "projections/time_text.h"

namespace ledger::api {
namespace {

using projections::json_writer;

std::string upper_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

}  // namespace

projections::caller request_context::caller() const {
  LEDGER_ASSERT(user.has_value(), "caller() on an unauthenticated request");
  return projections::caller{user->id, user->role, user->branch};
}

server_app::server_app(server_config config, engine::ledger_host& ledger,
                       projections::projector& views)
    : config_(std::move(config)),
      ledger_(ledger),
      views_(views),
      work_(std::max(2u, std::thread::hardware_concurrency())),
      events_feed_(std::make_unique<event_feed>(ledger, event_feed_options{})) {
  started_at_us_ = now_us();
  register_routes();
}

server_app::~server_app() = default;

std::int64_t server_app::now_us() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void server_app::register_routes() {
  add_auth_routes(routes_);
  add_catalog_routes(routes_);
  add_catalog_write_routes(routes_);
  add_operations_routes(routes_);
  add_operations_write_routes(routes_);
  add_report_routes(routes_);
  add_native_routes(routes_);
  add_metrics_routes(routes_);
  add_docs_routes(routes_);
}

unsigned rejection_status(const engine::rejection& rejected) {
  switch (engine::kind_of(rejected.code)) {
    case engine::rejection_kind::invalid: return 400;
    case engine::rejection_kind::unauthenticated: return 401;
    case engine::rejection_kind::forbidden: return 403;
    case engine::rejection_kind::not_found: return 404;
    case engine::rejection_kind::conflict: return 409;
    case engine::rejection_kind::unavailable: return 503;
  }
  LEDGER_ASSERT(false, "rejection code {}", static_cast<int>(rejected.code));
  return 500;
}

std::string roles_message(const std::vector<user_role>& roles, user_role has) {
  std::string text = "Requires one of roles: ";
  for (std::size_t i = 0; i < roles.size(); ++i) {
    if (i > 0) text += ", ";
    text += events::wire::EnumNameuser_role(roles[i]);
  }
  text += ", but user has: ";
  text += events::wire::EnumNameuser_role(has);
  return text;
}

void add_route(router<route_entry>& routes, std::string_view method, std::string_view path,
               std::vector<user_role> roles, route_handler handler) {
  routes.add(std::string(method), std::string(path),
             route_entry{fmt::format("{} {}", method, path), false, std::move(roles), 0,
                         std::move(handler)});
}

std::string server_app::error_body(unsigned status, const http_request& request,
                                   std::string_view message) const {
  json_writer json;
  json.begin_object()
      .integer_field("statusCode", status)
      .key("timestamp")
      .time(now_us())
      .string_field("path", request.target)
      .string_field("method", request.method)
      .string_field("message", message)
      .end_object();
  return json.take();
}

http_response server_app::transport_error(unsigned status, std::string_view message,
                                          const http_request& request) const {
  http_response response;
  response.status = status;
  response.body = error_body(status, request, message);
  add_common_headers(request, response);
  return response;
}

std::optional<authenticated_user> server_app::authenticate_token(std::string_view token,
                                                                 std::string& failure) {
  http_request request;
  request.headers.emplace_back("authorization", fmt::format("Bearer {}", token));
  return authenticate(request, failure);
}

void server_app::add_common_headers(const http_request& request, http_response& response) const {
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  const bool has_policy =
      std::any_of(response.headers.begin(), response.headers.end(), [](const auto& header) {
        return header.first == "Content-Security-Policy";
      });
  if (response.content_type.starts_with("application/json") && !has_policy) {
    response.headers.emplace_back("Content-Security-Policy",
                                  "default-src 'none'; frame-ancestors 'none'");
  }
  response.headers.emplace_back("X-Request-Id", std::to_string(request.id));
  if (const auto origin = request.header("origin")) {
    const auto& allowed = config_.cors_origins;
    if (std::find(allowed.begin(), allowed.end(), *origin) != allowed.end()) {
      response.headers.emplace_back("Access-Control-Allow-Origin", std::string(*origin));
      response.headers.emplace_back("Access-Control-Allow-Credentials", "true");
      response.headers.emplace_back("Vary", "Origin");
    }
  }
}

void server_app::handle(http_request request, respond_fn respond) {
  auto context = std::make_shared<request_context>();
  context->started = std::chrono::steady_clock::now();
  context->respond = std::move(respond);
  context->request = std::move(request);
  dispatch(context);
}

void server_app::dispatch(const std::shared_ptr<request_context>& context) {
  const http_request& request = context->request;

  // 0. CORS pre-flight, before any guard (api-contract 1.1).
  if (request.method == "OPTIONS" && request.header("origin")) {
    http_response response;
    response.status = 204;
    response.content_type.clear();
    response.headers.emplace_back("Access-Control-Allow-Methods", "GET,POST,PATCH,DELETE");
    response.headers.emplace_back("Access-Control-Allow-Headers", "Content-Type,Authorization");
    response.headers.emplace_back("Access-Control-Max-Age", "600");
    return finish(context, std::move(response));
  }

  // 1. Routing. Unknown routes answer 404 without running guards.
  auto matched = routes_.match(request.method, request.path);
  if (!matched) {
    return reply_error(context, 404,
                       fmt::format("Cannot {} {}", upper_ascii(request.method), request.path));
  }
  context->route = matched->route;
  context->params = std::move(matched->params);
  context->query = parse_query(request.query);
  const route_entry& route = *context->route;

  // 2. Rate limit per (route, IP).
  const int limit = route.rate_limit_per_min == login_rate_limit ? config_.rate_limit_login_per_min
                    : route.rate_limit_per_min > 0                ? route.rate_limit_per_min
                                                                  : config_.rate_limit_per_min;
  const rate_decision decision =
      limiter_.check(route.key, request.remote_ip, limit, now_us() / 1000);
  if (!decision.allowed) {
    context->extra_headers.emplace_back("Retry-After",
                                        std::to_string(decision.retry_after_seconds));
    return reply_error(context, 429, "ThrottlerException: Too Many Requests");
  }
  context->extra_headers.emplace_back("X-RateLimit-Limit", std::to_string(decision.limit));
  context->extra_headers.emplace_back("X-RateLimit-Remaining",
                                      std::to_string(decision.remaining));
  context->extra_headers.emplace_back("X-RateLimit-Reset", std::to_string(decision.reset_seconds));

  // 3. Authentication.
  if (!route.is_public) {
    std::string failure;
    context->user = authenticate(request, failure);
    if (!context->user) return reply_error(context, 401, failure);
    // 4. Roles.
    if (!route.roles.empty() &&
        std::find(route.roles.begin(), route.roles.end(), context->user->role) ==
            route.roles.end()) {
      return reply_error(context, 403, roles_message(route.roles, context->user->role));
    }
  }

  // 5. The handler.
  route.handler(*this, context);
}

std::optional<authenticated_user> server_app::authenticate(const http_request& request,
                                                           std::string& failure) {
  failure = "Invalid or expired token";
  const auto header = request.header("authorization");
  if (!header || header->size() < 7) return std::nullopt;
  const std::string_view scheme = header->substr(0, 7);
  if (upper_ascii(scheme) != "BEARER ") return std::nullopt;
  const std::string_view token = header->substr(7);
  // Each thread (the I/O threads, mostly) remembers the tokens it has verified.
  thread_local access_token_cache verified_tokens;
  const access_claims* claims =
      verified_tokens.verify(token, config_.jwt_secret, now_us() / 1'000'000);
  if (claims == nullptr) return std::nullopt;
  return read([&](const projections::view_state& state) -> std::optional<authenticated_user> {
    const auto& model = state.catalog.model;
    const auto number = parse_uuid(claims->sub, model.ledger_namespace, entity_kind::user);
    const engine::user_record* user = number ? model.find(user_id{*number}) : nullptr;
    if (user == nullptr || !user->is_active) {
      failure = "User not found or inactive";
      return std::nullopt;
    }
    // A password reset revokes every access token issued before it (api-contract 15.37).
    // `iat` has whole seconds: a token from the reset's own second still passes.
    const std::int64_t reset_second = user->password_reset_at_us / 1'000'000;
    if (user->password_reset_at_us != 0 && claims->iat < reset_second) return std::nullopt;
    return authenticated_user{user->id, user->email, user->full_name, user->role, user->branch};
  });
}

void server_app::finish(const std::shared_ptr<request_context>& context, http_response response) {
  add_common_headers(context->request, response);
  for (auto& header : context->extra_headers) response.headers.push_back(std::move(header));
  context->extra_headers.clear();
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - context->started)
                          .count();
  json_writer line;
  line.begin_object()
      .key("time")
      .time(now_us())
      .integer_field("requestId", static_cast<std::int64_t>(context->request.id))
      .string_field("method", context->request.method)
      .string_field("path", context->request.path)
      .string_field("route", context->route != nullptr ? context->route->key : "")
      .integer_field("status", response.status)
      .integer_field("durationUs", micros)
      .string_field("ip", context->request.remote_ip)
      .end_object();
  std::string text = line.take();
  text += '\n';
  std::fwrite(text.data(), 1, text.size(), stderr);
  request_metrics_.record(context->route != nullptr ? std::string_view(context->route->key)
                                                    : std::string_view("unmatched"),
                          response.status, micros);
  auto respond = std::move(context->respond);
  LEDGER_ASSERT(respond != nullptr, "request {} answered twice", context->request.id);
  context->respond = nullptr;
  respond(std::move(response));
}

void server_app::reply_stream(const std::shared_ptr<request_context>& context,
                              std::shared_ptr<body_stream> stream, std::string content_type) {
  http_response response;
  response.content_type = std::move(content_type);
  response.stream = std::move(stream);
  finish(context, std::move(response));
}

void server_app::add_metrics_source(std::function<void(std::string&)> source) {
  metrics_sources_.push_back(std::move(source));
}

std::string server_app::render_metrics() const {
  std::string out = request_metrics_.render();
  const engine::processor_metrics& writer = ledger_.processor().metrics();
  append_metric_header(out, "posledger_commands_total", "counter",
                       "Commands decided by the single writer, by outcome");
  append_metric(out, "posledger_commands_total", R"(outcome="committed")",
                writer.commands_committed.load());
  append_metric(out, "posledger_commands_total", R"(outcome="duplicate")",
                writer.commands_duplicate.load());
  append_metric(out, "posledger_commands_total", R"(outcome="rejected")",
                writer.commands_rejected.load());
  append_metric_header(out, "posledger_group_commit_batch_size", "histogram",
                       "Commands per group commit (one fsync each)");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < engine::batch_size_buckets; ++i) {
    cumulative += writer.batch_sizes[i].load();
    append_metric(out, "posledger_group_commit_batch_size_bucket",
                  fmt::format("le=\"{}\"", std::uint64_t{1} << i), cumulative);
  }
  const std::uint64_t batches = writer.batches.load();
  append_metric(out, "posledger_group_commit_batch_size_bucket", R"(le="+Inf")", batches);
  append_metric(out, "posledger_group_commit_batch_size_sum", "",
                writer.commands_committed.load() + writer.commands_duplicate.load() +
                    writer.commands_rejected.load());
  append_metric(out, "posledger_group_commit_batch_size_count", "", batches);
  append_metric_header(out, "posledger_events_written_total", "counter",
                       "Events appended to the log");
  append_metric(out, "posledger_events_written_total", "", writer.events_written.load());
  append_metric_header(out, "posledger_writer_queue_depth", "gauge",
                       "Commands waiting for the single writer");
  append_metric(out, "posledger_writer_queue_depth", "", writer.queue_depth.load());
  const std::uint64_t head = ledger_.processor().head_sequence();
  const std::uint64_t applied = views_.applied();
  append_metric_header(out, "posledger_ledger_head_sequence", "gauge",
                       "Sequence of the last committed event");
  append_metric(out, "posledger_ledger_head_sequence", "", head);
  append_metric_header(out, "posledger_views_applied_sequence", "gauge",
                       "Sequence the query views have applied");
  append_metric(out, "posledger_views_applied_sequence", "", applied);
  append_metric_header(out, "posledger_projection_lag_events", "gauge",
                       "Committed events the query views have not applied yet");
  append_metric(out, "posledger_projection_lag_events", "", head > applied ? head - applied : 0);
  for (const auto& source : metrics_sources_) source(out);
  return out;
}

void server_app::reply(const std::shared_ptr<request_context>& context, unsigned status,
                       std::string body, std::uint64_t ledger_sequence) {
  http_response response;
  response.status = status;
  response.body = std::move(body);
  if (ledger_sequence != 0) {
    response.headers.emplace_back("X-Ledger-Seq", std::to_string(ledger_sequence));
  }
  finish(context, std::move(response));
}

void server_app::reply_error(const std::shared_ptr<request_context>& context, unsigned status,
                             std::string_view message) {
  reply(context, status, error_body(status, context->request, message));
}

void server_app::reply_errors(const std::shared_ptr<request_context>& context,
                              const std::vector<std::string>& messages) {
  json_writer json;
  json.begin_object()
      .integer_field("statusCode", 400)
      .key("timestamp")
      .time(now_us())
      .string_field("path", context->request.target)
      .string_field("method", context->request.method)
      .key("message")
      .begin_array();
  for (const auto& message : messages) json.string(message);
  json.end_array().end_object();
  reply(context, 400, json.take());
}

void server_app::reply_document(const std::shared_ptr<request_context>& context, unsigned status,
                                std::string body, std::string content_type,
                                std::vector<std::pair<std::string, std::string>> headers) {
  http_response response;
  response.status = status;
  response.body = std::move(body);
  response.content_type = std::move(content_type);
  response.headers = std::move(headers);
  finish(context, std::move(response));
}

void server_app::answer_as_of(const std::shared_ptr<request_context>& context,
                              as_of_query query) {
  const std::string text(*context->query.get("asOf"));
  const bool is_sequence =
      !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  std::optional<std::int64_t> at_us;
  std::uint64_t sequence = 0;
  if (is_sequence) {
    const auto parsed = parse_int(text);
    if (!parsed) return reply_error(context, 400, "asOf must be a ledger sequence or an ISO-8601 time");
    sequence = static_cast<std::uint64_t>(*parsed);
  } else {
    at_us = projections::parse_query_date(text);
    if (!at_us) return reply_error(context, 400, "asOf must be a ledger sequence or an ISO-8601 time");
  }
  const bool posted = work_.post([this, context, query = std::move(query), sequence, at_us]() mutable {
    engine::event_store& store = ledger_.store();
    // A point beyond the head is the head: the log has nothing after it yet.
    const std::uint64_t head = ledger_.processor().head_sequence();
    std::int64_t now = 0;
    if (at_us) {
      sequence = std::min(projections::sequence_at(store, *at_us), head);
      now = *at_us;
    } else {
      sequence = std::min(sequence, head);
      now = sequence == 0 ? 0 : projections::recorded_at(store, sequence).value_or(0);
    }
    std::shared_ptr<const projections::view_state> views;
    {
      std::lock_guard lock(as_of_mutex_);
      if (as_of_views_ == nullptr || as_of_sequence_ != sequence) {
        std::string error;
        auto built = projections::views_as_of(store, sequence, error);
        if (!built) return reply_error(context, 500, "Internal server error");
        as_of_views_ = std::make_shared<const projections::view_state>(std::move(*built));
        as_of_sequence_ = sequence;
      }
      views = as_of_views_;
    }
    reply_query(context, query(*views, now), 200, views->applied());
  });
  if (!posted) reply_error(context, 503, "The server is shutting down");
}

void server_app::reply_rejection(const std::shared_ptr<request_context>& context,
                                 const engine::rejection& rejected) {
  reply_error(context, rejection_status(rejected), rejected.message);
}

void server_app::reply_query(const std::shared_ptr<request_context>& context,
                             const projections::query_result& result, unsigned status,
                             std::uint64_t ledger_sequence) {
  if (const auto* error = std::get_if<projections::query_error>(&result)) {
    return reply_error(context, static_cast<unsigned>(error->status), error->message);
  }
  reply(context, status, std::get<std::string>(result), ledger_sequence);
}

std::optional<projections::page_request> server_app::paging(
    const std::shared_ptr<request_context>& context, std::int64_t default_limit) {
  projections::page_request page{1, default_limit};
  std::vector<std::string> messages;
  if (const auto text = context->query.get("page")) {
    const auto value = parse_int(*text);
    if (!value || *value < 1) {
      messages.emplace_back("page must be a whole number, 1 or more");
    } else {
      page.page = *value;
    }
  }
  if (const auto text = context->query.get("limit")) {
    const auto value = parse_int(*text);
    if (!value || *value < 0) {
      messages.emplace_back("limit must be a whole number, 0 or more");
    } else {
      page.limit = *value;
    }
  }
  if (!messages.empty()) {
    reply_errors(context, messages);
    return std::nullopt;
  }
  return page;
}

bool server_app::body_is_valid(const std::shared_ptr<request_context>& context,
                                const body_result& body) {
  if (body.parse_error) {
    reply_error(context, 400, *body.parse_error);
    return false;
  }
  if (!body.messages.empty()) {
    reply_errors(context, body.messages);
    return false;
  }
  return true;
}

void server_app::after_views(std::uint64_t last_sequence, std::function<void()> answer) {
  if (last_sequence == 0) {
    (void)work_.post(std::move(answer));  // refused only at shutdown: nobody is answered then
    return;
  }
  // Read-your-writes: the answer goes out once the views show the command.
  views_.when_applied(last_sequence, std::move(answer));
}

void server_app::submit(const std::shared_ptr<request_context>& context, engine::command body,
                        std::function<void(const engine::command_outcome&)> then,
                        user_id actor_override,
                        std::function<void(const engine::rejection&)> on_rejected) {
  engine::command_request request;
  request.actor = actor_override.value != 0 ? actor_override
                  : context->user ? context->user->id
                                  : user_id{};
  request.body = std::move(body);
  ledger_.processor().submit(
      std::move(request),
      [this, context, then = std::move(then),
       on_rejected = std::move(on_rejected)](engine::command_outcome&& outcome) mutable {
        // On the writer thread: hand over at once, never render or wait here.
        const std::uint64_t last = outcome.ok() ? outcome.last_sequence : 0;
        after_views(last, [this, context, then = std::move(then),
                           on_rejected = std::move(on_rejected), outcome = std::move(outcome)] {
          if (outcome.ok()) return then(outcome);
          const auto& rejected = *outcome.rejected;
          if (on_rejected) return on_rejected(rejected);
          reply_rejection(context, rejected);
        });
      });
}

}  // namespace ledger::api
