// Routes of api-contract section 5: health, login, logout, refresh, password change and
// reset, profile.
#include <fmt/format.h>
#include <sodium.h>

#include "api/jwt.h"
#include "api/password.h"
#include "api/server_app.h"
#include "api/validation.h"
#include "projections/catalog_queries.h"
#include "projections/json_writer.h"

namespace ledger::api {
namespace {

using projections::json_writer;
using projections::view_state;
using context_ptr = std::shared_ptr<request_context>;

events::hash256 sha256_of(std::string_view text) {
  events::hash256 digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(text.data()),
                     text.size());
  return digest;
}

// 5.1: liveness, plus the ledger head (what a till or a load balancer can check).
void health(server_app& app, const context_ptr& context) {
  const std::int64_t now = app.now_us();
  json_writer json;
  json.begin_object()
      .string_field("status", "ok")
      .key("timestamp")
      .time(now)
      .key("uptime")
      .raw(fmt::format("{:.3f}", static_cast<double>(now - app.started_at_us()) / 1e6))
      .integer_field("ledgerHead",
                     static_cast<std::int64_t>(app.ledger().processor().head_sequence()))
      .integer_field("viewsApplied", static_cast<std::int64_t>(app.views().applied()))
      .end_object();
  app.reply(context, 200, json.take());
}

// The login/refresh answer (5.2): fresh tokens for the user's current record.
struct issued_tokens {
  std::string access;
  std::string refresh;
};

issued_tokens issue_tokens(server_app& app, const view_state& state,
                           const engine::user_record& user, std::int64_t now_s) {
  const auto& model = state.catalog.model;
  access_claims claims;
  claims.sub = format_uuid(model.ledger_namespace, entity_kind::user, user.id.value);
  claims.email = user.email;
  claims.role = std::string(events::wire::EnumNameuser_role(user.role));
  if (user.branch.value != 0) {
    claims.branch_id = format_uuid(model.ledger_namespace, entity_kind::branch, user.branch.value);
  }
  claims.full_name = user.full_name;
  claims.iat = now_s;
  claims.exp = now_s + app.config().access_lifetime_s;
  const refresh_claims refresh =
      new_refresh_claims(claims.sub, now_s, app.config().refresh_lifetime_s);
  return {sign_access_token(claims, app.config().jwt_secret),
          sign_refresh_token(refresh, app.config().jwt_refresh_secret)};
}

std::string session_json(const view_state& state, const engine::user_record& user,
                         const issued_tokens& tokens) {
  const auto& model = state.catalog.model;
  json_writer json;
  json.begin_object()
      .string_field("accessToken", tokens.access)
      .string_field("refreshToken", tokens.refresh)
      .key("user")
      .begin_object()
      .string_field("sub", format_uuid(model.ledger_namespace, entity_kind::user, user.id.value))
      .string_field("email", user.email)
      .string_field("role", events::wire::EnumNameuser_role(user.role))
      .key("branchId");
  if (user.branch.value != 0) {
    json.string(format_uuid(model.ledger_namespace, entity_kind::branch, user.branch.value));
  } else {
    json.null();
  }
  json.string_field("fullName", user.full_name).end_object().end_object();
  return json.take();
}

std::string message_json(std::string_view message) {
  json_writer json;
  json.begin_object().string_field("message", message).end_object();
  return json.take();
}

// 5.2. The password is verified (argon2id, tens of milliseconds) on the work pool, never on
// an I/O thread or the writer; the log-in command then records the refresh token's hash.
void login(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = {
      required_field("email", field_type::string, {rule::is_email(), rule::not_empty()}),
      required_field("password", field_type::string,
                     {rule::is_string(), rule::not_empty(), rule::min_length(6)})}};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  const std::string email = *body.body.string("email");
  const std::string password = *body.body.string("password");
  (void)app.blocking_work().post([&app, context, email, password] {
    struct candidate {
      user_id id;
      std::string hash;
    };
    const auto found = app.read([&](const view_state& state) -> std::optional<candidate> {
      const auto& model = state.catalog.model;
      const auto it = model.user_by_email.find(email);
      if (it == model.user_by_email.end()) return std::nullopt;
      const engine::user_record* user = model.find(it->second);
      if (user == nullptr || !user->is_active) return std::nullopt;
      return candidate{user->id, user->password_hash};
    });
    if (!found || !verify_password(password, found->hash)) {
      return app.reply_error(context, 401, "Invalid email or password");
    }
    const std::int64_t now_s = app.now_us() / 1'000'000;
    auto tokens = app.read([&](const view_state& state) {
      return issue_tokens(app, state, *state.catalog.model.find(found->id), now_s);
    });
    engine::log_in command;
    command.user = found->id;
    command.refresh_token_hash = sha256_of(tokens.refresh);
    app.submit(
        context, std::move(command),
        [&app, context, tokens, user = found->id](const engine::command_outcome& outcome) {
          const std::string text = app.views().read([&](const view_state& state) {
            return session_json(state, *state.catalog.model.find(user), tokens);
          });
          app.reply(context, 200, text, outcome.last_sequence);
        },
        found->id);
  });
}

// 5.3. Revokes the caller's refresh token; the access token keeps working until it expires.
void logout(server_app& app, const context_ptr& context) {
  app.submit(context, engine::log_out{}, [&app, context](const engine::command_outcome& outcome) {
    app.reply(context, 200, message_json("Logged out successfully"), outcome.last_sequence);
  });
}

// 5.4. Rotation: the presented token must be the user's latest (its hash is compared by the
// ledger); a fresh pair replaces it.
void refresh(server_app& app, const context_ptr& context) {
  // Only `refreshToken` is read; nothing is validated and other keys are ignored (5.4).
  const auto token = parse_body(context->request.body).body.string("refreshToken");
  const std::int64_t now_s = app.now_us() / 1'000'000;
  const auto claims = token ? verify_refresh_token(*token, app.config().jwt_refresh_secret, now_s)
                            : std::nullopt;
  const auto fail = [&] { app.reply_error(context, 401, "Invalid or expired refresh token"); };
  if (!claims) return fail();
  const auto tokens = app.read([&](const view_state& state) -> std::optional<std::pair<user_id, issued_tokens>> {
    const auto& model = state.catalog.model;
    const auto number = parse_uuid(claims->sub, model.ledger_namespace, entity_kind::user);
    const engine::user_record* user = number ? model.find(user_id{*number}) : nullptr;
    if (user == nullptr) return std::nullopt;
    return std::pair{user->id, issue_tokens(app, state, *user, now_s)};
  });
  if (!tokens) return fail();
  engine::refresh_session command;
  command.user = tokens->first;
  command.presented_token_hash = sha256_of(*token);
  command.new_token_hash = sha256_of(tokens->second.refresh);
  app.submit(
      context, std::move(command),
      [&app, context, issued = tokens->second, user = tokens->first](
          const engine::command_outcome& outcome) {
        const std::string text = app.views().read([&](const view_state& state) {
          return session_json(state, *state.catalog.model.find(user), issued);
        });
        app.reply(context, 200, text, outcome.last_sequence);
      },
      tokens->first);
}

// 5.5. Both hashes (verifying the current password, hashing the new one) run on the work
// pool. The session's access token keeps working; the refresh token is revoked by the ledger.
void change_password(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = {
      required_field("currentPassword", field_type::string, {rule::is_string(), rule::not_empty()}),
      required_field("newPassword", field_type::string,
                     {rule::is_string(), rule::not_empty(), rule::min_length(6)})}};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  (void)app.blocking_work().post([&app, context, current = *body.body.string("currentPassword"),
                                  next = *body.body.string("newPassword")] {
    const auto stored = app.read([&](const view_state& state) -> std::optional<std::string> {
      const engine::user_record* user = state.catalog.model.find(context->user->id);
      if (user == nullptr) return std::nullopt;
      return user->password_hash;
    });
    if (!stored) return app.reply_error(context, 400, "User not found");
    if (!verify_password(current, *stored)) {
      return app.reply_error(context, 400, "Current password is incorrect");
    }
    auto hash = hash_password(next);
    if (!hash) return app.reply_error(context, 500, "Internal server error");
    app.submit(context, engine::change_password{std::move(*hash)},
               [&app, context](const engine::command_outcome& outcome) {
                 app.reply(context, 200, message_json("Password changed successfully"),
                           outcome.last_sequence);
               });
  });
}

// 5.6. The same answer whether or not the email exists; the plain token is in the response
// only in demo mode (there is no mail delivery: a production deployment hands the token to
// the user through another channel).
void request_reset(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = {
      required_field("email", field_type::string, {rule::is_email()})}};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  static constexpr std::string_view answer = "If the email exists, a reset link has been sent";
  const std::string token = random_hex(32);
  engine::request_password_reset command;
  command.email = *body.body.string("email");
  command.token_hash = sha256_of(token);
  app.submit(
      context, std::move(command),
      [&app, context, token](const engine::command_outcome& outcome) {
        json_writer json;
        json.begin_object().string_field("message", answer);
        if (app.config().demo) json.string_field("token", token);
        json.end_object();
        app.reply(context, 200, json.take(), outcome.last_sequence);
      },
      {}, [&app, context](const engine::rejection&) {
        app.reply(context, 200, message_json(answer));
      });
}

// 5.7. The new password is hashed on the work pool; the ledger finds the user by the token's
// hash and checks its expiry. Access tokens issued before the reset stop working.
void reset_password(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = {
      required_field("token", field_type::string, {rule::is_string(), rule::not_empty()}),
      required_field("newPassword", field_type::string,
                     {rule::is_string(), rule::not_empty(), rule::min_length(6)})}};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  (void)app.blocking_work().post([&app, context, token = *body.body.string("token"),
                                  next = *body.body.string("newPassword")] {
    auto hash = hash_password(next);
    if (!hash) return app.reply_error(context, 500, "Internal server error");
    engine::reset_password command;
    command.token_hash = sha256_of(token);
    command.password_hash = std::move(*hash);
    app.submit(context, std::move(command), [&app, context](const engine::command_outcome& outcome) {
      app.reply(context, 200, message_json("Password reset successfully"), outcome.last_sequence);
    });
  });
}

// 5.8.
void profile(server_app& app, const context_ptr& context) {
  app.answer_query(context, [&](const view_state& state) {
    return projections::profile_json(state, context->caller());
  });
}

}  // namespace

void add_auth_routes(router<route_entry>& routes) {
  routes.add("GET", "/health", route_entry{"GET /health", true, {}, 0, health});
  routes.add("POST", "/api/auth/login", route_entry{"POST /api/auth/login", true, {}, login_rate_limit, login});
  routes.add("POST", "/api/auth/logout", route_entry{"POST /api/auth/logout", false, {}, 0, logout});
  routes.add("POST", "/api/auth/refresh",
             route_entry{"POST /api/auth/refresh", true, {}, 0, refresh});
  routes.add("GET", "/api/auth/profile",
             route_entry{"GET /api/auth/profile", false, {}, 0, profile});
  routes.add("POST", "/api/auth/change-password",
             route_entry{"POST /api/auth/change-password", false, {}, 0, change_password});
  routes.add("POST", "/api/auth/request-reset",
             route_entry{"POST /api/auth/request-reset", true, {}, 0, request_reset});
  routes.add("POST", "/api/auth/reset-password",
             route_entry{"POST /api/auth/reset-password", true, {}, 0, reset_password});
}

}  // namespace ledger::api
