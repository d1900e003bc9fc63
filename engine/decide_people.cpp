// decide for the ledger itself, system settings, branches, users and sessions
// (api-contract sections 3, 5, 6.1, 6.2 and 12.8).
//
// Order of checks in every handler: first what the API's validation layer answers with 400
// (required texts, text limits), field by field in the command's declaration order; then the
// service rules in the order the contract lists them (not found, conflicts, references).
// Passwords arrive as argon2id hashes and tokens as SHA-256 hashes: nothing here hashes or
// compares secrets other than by equality of their hashes.
#include <fmt/format.h>

#include <initializer_list>
#include <string_view>

#include "engine/handlers.h"

namespace ledger::engine {
namespace {

using detail::assert_signed_in;
using detail::check_texts;
using detail::given;
using detail::one_event;
using detail::rejected;
using detail::text_field;

std::vector<std::uint8_t> bytes_of(const hash256& hash) {
  return std::vector<std::uint8_t>(hash.begin(), hash.end());
}

const branch_record* branch_or_null(const write_model& model, branch_id id) {
  return id ? model.find(id) : nullptr;
}

}  // namespace

// ------------------------------------------------------------------ ledger

decision decide_one(const write_model& model, const initialize_ledger& c,
                    const command_context& context) {
  LEDGER_ASSERT(context.now_us > 0, "initialization needs a batch time, got {}", context.now_us);
  // Checked before the input: a second initialization would re-issue the entity numbers (and
  // so the UUIDs) of the first, whatever it carries.
  if (model.initialized) {
    return detail::reject(rejection_code::ledger_already_initialized,
                          "Ledger is already initialized");
  }
  LEDGER_ASSERT(model.users.empty(), "an uninitialized ledger holds {} users",
                model.users.size());
  LEDGER_ASSERT(model.last_entity_number == 0, "an uninitialized ledger counted {} entities",
                model.last_entity_number);
  // Zero would make every UUID of this ledger collide with the nil-prefixed UUIDs of others,
  // and wider values do not fit the UUID layout (events/ids.h).
  if (c.ledger_namespace == 0 || c.ledger_namespace > ledger_namespace_mask) {
    return detail::reject(rejection_code::ledger_namespace_invalid,
                          "ledgerNamespace must be a non-zero 48-bit number");
  }
  if (auto broken = check_texts({{"currency", &c.currency, true},
                                 {"email", &c.admin_email, true},
                                 {"password", &c.admin_password_hash, true},
                                 {"fullName", &c.admin_full_name, false}})) {
    return rejected(std::move(*broken));
  }

  detail::id_allocator ids{model};
  const auto admin = ids.next<user_id>();
  LEDGER_ASSERT(admin.value == 1, "the first user of a ledger is entity 1, got {}", admin.value);

  events::ledger_initialized initialized;
  initialized.ledger_namespace = c.ledger_namespace;
  initialized.format_version = 1;
  initialized.currency = c.currency;

  // The first SUPER_ADMIN has no branch: no branch exists yet.
  events::user_created created;
  created.user_id = admin.value;
  created.email = c.admin_email;
  created.password_hash = c.admin_password_hash;
  created.full_name = c.admin_full_name;
  created.role = user_role::SUPER_ADMIN;
  created.branch_id = 0;

  std::vector<events::event> list;
  list.push_back(std::move(initialized));
  list.push_back(std::move(created));
  // The actor stays the ledger itself (user 0, from the context): the admin does not exist
  // until these events are applied.
  return detail::accept(model, std::move(list), &ids);
}

decision decide_one(const write_model& model, const set_system_setting& c,
                    const command_context& context) {
  assert_signed_in(model, context);
  if (auto broken = check_texts({{"key", &c.key, true},
                                 {"value", &c.value, false},
                                 {"group", &c.group, false},
                                 {"description", &c.description, false}})) {
    return rejected(std::move(*broken));
  }
  events::system_setting_set set;
  set.key = c.key;
  set.value = c.value;
  // api-contract 13: a setting's group defaults to "general".
  set.group = c.group.empty() ? std::string{"general"} : c.group;
  set.description = c.description;
  LEDGER_ASSERT(!set.key.empty(), "setting key checked above");
  return detail::accept(model, one_event(std::move(set)));
}

// ------------------------------------------------------------------ branches

decision decide_one(const write_model& model, const create_branch& c,
                    const command_context& context) {
  assert_signed_in(model, context);
  if (auto broken = check_texts({{"code", &c.code, true},
                                 {"name", &c.name, true},
                                 {"address", &c.address, false},
                                 {"phone", &c.phone, false}})) {
    return rejected(std::move(*broken));
  }
  if (model.branch_by_code.contains(c.code)) {
    return detail::reject(rejection_code::branch_code_already_exists, "Branch code already exists");
  }
  detail::id_allocator ids{model};
  const auto id = ids.next<branch_id>();
  LEDGER_ASSERT(model.find(id) == nullptr, "new branch id {} already in use", id.value);

  events::branch_created created;
  created.branch_id = id.value;
  created.code = c.code;
  created.name = c.name;
  created.address = c.address;
  created.phone = c.phone;
  return detail::accept(model, one_event(std::move(created)), &ids);
}

decision decide_one(const write_model& model, const update_branch& c,
                    const command_context& context) {
  assert_signed_in(model, context);
  if (auto broken = check_texts({{"code", given(c.code), true},
                                 {"name", given(c.name), true},
                                 {"address", given(c.address), false},
                                 {"phone", given(c.phone), false}})) {
    return rejected(std::move(*broken));
  }
  const branch_record* branch = branch_or_null(model, c.branch);
  if (branch == nullptr) {
    return detail::reject(rejection_code::branch_not_found, "Branch not found");
  }
  if (c.code.has_value()) {
    const auto owner = model.branch_by_code.find(*c.code);
    if (owner != model.branch_by_code.end() && owner->second != branch->id) {
      return detail::reject(rejection_code::branch_code_already_exists,
                            "Branch code already exists");
    }
  }
  // The event carries the full new values, so evolve and projections need no merge logic.
  events::branch_updated updated;
  updated.branch_id = branch->id.value;
  updated.code = c.code.value_or(branch->code);
  updated.name = c.name.value_or(branch->name);
  updated.address = c.address.value_or(branch->address);
  updated.phone = c.phone.value_or(branch->phone);
  LEDGER_ASSERT(!updated.code.empty(), "branch {} would lose its code", updated.branch_id);
  LEDGER_ASSERT(!updated.name.empty(), "branch {} would lose its name", updated.branch_id);
  return detail::accept(model, one_event(std::move(updated)));
}

decision decide_one(const write_model& model, const toggle_branch_active& c,
                    const command_context& context) {
  assert_signed_in(model, context);
  const branch_record* branch = branch_or_null(model, c.branch);
  if (branch == nullptr) {
    return detail::reject(rejection_code::branch_not_found, "Branch not found");
  }
  events::branch_activation_changed changed;
  changed.branch_id = branch->id.value;
  changed.is_active = !branch->is_active;
  LEDGER_ASSERT(changed.is_active != branch->is_active, "toggle must flip branch {}",
                changed.branch_id);
  return detail::accept(model, one_event(std::move(changed)));
}

// ------------------------------------------------------------------ users

decision decide_one(const write_model& model, const create_user& c,
                    const command_context& context) {
  assert_signed_in(model, context);
  if (auto broken = check_texts({{"email", &c.email, true},
                                 {"password", &c.password_hash, true},
                                 {"fullName", &c.full_name, false},
                                 {"phone", &c.phone, false}})) {
    return rejected(std::move(*broken));
  }
  if (model.user_by_email.contains(c.email)) {
    return detail::reject(rejection_code::email_already_exists, "Email already exists");
  }
  // In the reference this is the database's foreign-key error, hence the generic message.
  if (c.branch.has_value() && branch_or_null(model, *c.branch) == nullptr) {
    return detail::reject(rejection_code::referenced_record_not_found,
                          "Referenced record does not exist");
  }
  detail::id_allocator ids{model};
  const auto id = ids.next<user_id>();
  LEDGER_ASSERT(model.find(id) == nullptr, "new user id {} already in use", id.value);

  events::user_created created;
  created.user_id = id.value;
  created.email = c.email;
  created.password_hash = c.password_hash;
  created.full_name = c.full_name;
  created.phone = c.phone;
  created.role = c.role;
  created.branch_id = c.branch.has_value() ? c.branch->value : 0;
  return detail::accept(model, one_event(std::move(created)), &ids);
}

decision decide_one(const write_model& model, const update_user& c,
                    const command_context& context) {
  assert_signed_in(model, context);
  if (auto broken = check_texts({{"email", given(c.email), true},
                                 {"password", given(c.password_hash), true},
                                 {"fullName", given(c.full_name), false},
                                 {"phone", given(c.phone), false}})) {
    return rejected(std::move(*broken));
  }
  const user_record* user = model.find(c.user);
  if (user == nullptr) return detail::reject(rejection_code::user_not_found, "User not found");
  const bool email_changes = c.email.has_value() && *c.email != user->email;
  if (email_changes && model.user_by_email.contains(*c.email)) {
    return detail::reject(rejection_code::email_already_exists, "Email already exists");
  }
  // branch = {} (given, empty) unassigns; only a given, present id must name a branch.
  const bool branch_given = c.branch.has_value();
  const bool branch_assigned = branch_given && c.branch->has_value();
  if (branch_assigned && branch_or_null(model, **c.branch) == nullptr) {
    return detail::reject(rejection_code::referenced_record_not_found,
                          "Referenced record does not exist");
  }

  // api-contract 6.1: full name, phone and role apply only when non-empty (a phone cannot be
  // cleared); the branch whenever given; the password whenever given.
  events::user_updated updated;
  updated.user_id = user->id.value;
  updated.email = email_changes ? *c.email : user->email;
  updated.full_name =
      c.full_name.has_value() && !c.full_name->empty() ? *c.full_name : user->full_name;
  updated.phone = c.phone.has_value() && !c.phone->empty() ? *c.phone : user->phone;
  updated.role = c.role.value_or(user->role);
  if (!branch_given) {
    updated.branch_id = user->branch.value;
  } else {
    updated.branch_id = branch_assigned ? (*c.branch)->value : 0;
  }
  updated.password_hash = c.password_hash.value_or(std::string{});
  LEDGER_ASSERT(!updated.email.empty(), "user {} would lose their email", updated.user_id);
  LEDGER_ASSERT(updated.branch_id == 0 || model.find(branch_id{updated.branch_id}) != nullptr,
                "user {} moved to a branch that was not checked", updated.user_id);
  return detail::accept(model, one_event(std::move(updated)));
}

decision decide_one(const write_model& model, const toggle_user_active& c,
                    const command_context& context) {
  assert_signed_in(model, context);
  const user_record* user = model.find(c.user);
  if (user == nullptr) return detail::reject(rejection_code::user_not_found, "User not found");
  // Self-deactivation is allowed (api-contract 15.40, kept).
  events::user_activation_changed changed;
  changed.user_id = user->id.value;
  changed.is_active = !user->is_active;
  LEDGER_ASSERT(changed.is_active != user->is_active, "toggle must flip user {}",
                changed.user_id);
  return detail::accept(model, one_event(std::move(changed)));
}

// ------------------------------------------------------------------ sessions and passwords

decision decide_one(const write_model& model, const change_password& c,
                    const command_context& context) {
  assert_signed_in(model, context);
  // The API has verified the current password against the actor's stored hash.
  if (auto broken = check_texts({{"newPassword", &c.password_hash, true}})) {
    return rejected(std::move(*broken));
  }
  const user_record& actor = detail::actor_record(model, context);
  events::user_password_changed changed;
  changed.user_id = actor.id.value;
  changed.password_hash = c.password_hash;
  LEDGER_ASSERT(!changed.password_hash.empty(), "password change without a hash");
  return detail::accept(model, one_event(std::move(changed)));
}

decision decide_one(const write_model& model, const request_password_reset& c,
                    const command_context& context) {
  LEDGER_ASSERT(model.initialized, "decide_one on an uninitialized ledger");
  LEDGER_ASSERT(context.now_us > 0, "a reset expiry needs a batch time, got {}", context.now_us);
  if (auto broken = check_texts({{"email", &c.email, true}})) return rejected(std::move(*broken));
  const auto found = model.user_by_email.find(c.email);
  // The API answers this rejection with the same 200 message as a success, so the response
  // does not reveal which emails exist. Inactive users may reset too (api-contract 5.6).
  if (found == model.user_by_email.end()) {
    return detail::reject(rejection_code::user_not_found, "User not found");
  }
  const user_record* user = model.find(found->second);
  LEDGER_ASSERT(user != nullptr, "email index names missing user {}", found->second.value);

  events::user_password_reset_requested requested;
  requested.user_id = user->id.value;
  requested.token_hash = bytes_of(c.token_hash);
  requested.expires_at_us = context.now_us + limits::reset_token_lifetime_us;
  LEDGER_ASSERT(requested.expires_at_us > context.now_us, "reset expiry overflowed");
  decision result = detail::accept(model, one_event(std::move(requested)));
  result.actor = user->id;
  return result;
}

decision decide_one(const write_model& model, const reset_password& c,
                    const command_context& context) {
  LEDGER_ASSERT(model.initialized, "decide_one on an uninitialized ledger");
  LEDGER_ASSERT(context.now_us > 0, "reset expiry check needs a batch time");
  if (auto broken = check_texts({{"newPassword", &c.password_hash, true}})) {
    return rejected(std::move(*broken));
  }
  // Users are few, so a scan is cheap. Of several matches (only possible if two requests
  // carried the same token hash) the lowest id wins, so the choice does not depend on the
  // map's iteration order, which differs between a replayed and a snapshot-loaded model.
  const user_record* match = nullptr;
  for (const auto& [id, user] : model.users) {
    if (user.reset_expires_at_us <= context.now_us) continue;
    if (user.reset_token_hash != c.token_hash) continue;
    if (match == nullptr || id < match->id) match = &user;
  }
  if (match == nullptr) {
    return detail::reject(rejection_code::reset_token_invalid_or_expired,
                          "Invalid or expired reset token");
  }
  LEDGER_ASSERT(match->reset_expires_at_us != 0, "matched user {} has no pending reset",
                match->id.value);
  events::user_password_reset_completed completed;
  completed.user_id = match->id.value;
  completed.password_hash = c.password_hash;
  decision result = detail::accept(model, one_event(std::move(completed)));
  result.actor = match->id;
  return result;
}

decision decide_one(const write_model& model, const log_in& c, const command_context& context) {
  LEDGER_ASSERT(model.initialized, "decide_one on an uninitialized ledger");
  LEDGER_ASSERT(context.now_us > 0, "log-in time is the batch time");
  // The API has verified the password; the ledger re-checks what may have changed since:
  // the user may have been deactivated (or never existed) by the time the command is decided.
  const user_record* user = model.find(c.user);
  if (user == nullptr || !user->is_active) {
    return detail::reject(rejection_code::invalid_credentials, "Invalid email or password");
  }
  events::user_logged_in logged_in;
  logged_in.user_id = user->id.value;
  logged_in.refresh_token_hash = bytes_of(c.refresh_token_hash);
  decision result = detail::accept(model, one_event(std::move(logged_in)));
  result.actor = user->id;
  return result;
}

decision decide_one(const write_model& model, const log_out&, const command_context& context) {
  assert_signed_in(model, context);
  // Always accepted: logging out without a session is harmless (api-contract 5.3).
  const user_record& actor = detail::actor_record(model, context);
  events::user_logged_out logged_out;
  logged_out.user_id = actor.id.value;
  LEDGER_ASSERT(logged_out.user_id != 0, "log-out of user 0");
  return detail::accept(model, one_event(std::move(logged_out)));
}

decision decide_one(const write_model& model, const refresh_session& c,
                    const command_context& context) {
  LEDGER_ASSERT(model.initialized, "decide_one on an uninitialized ledger");
  LEDGER_ASSERT(context.now_us > 0, "refresh time is the batch time");
  // api-contract 15.4 fix: the whole token's SHA-256 is compared exactly, so only the latest
  // refresh token of the user works (rotation, and a new log-in revokes the old session).
  // Activity is not checked here (api-contract 3.3): deactivation clears the stored hash.
  const user_record* user = model.find(c.user);
  if (user == nullptr || !user->has_refresh_token ||
      user->refresh_token_hash != c.presented_token_hash) {
    return detail::reject(rejection_code::refresh_token_invalid,
                          "Invalid or expired refresh token");
  }
  events::user_session_refreshed refreshed;
  refreshed.user_id = user->id.value;
  refreshed.refresh_token_hash = bytes_of(c.new_token_hash);
  decision result = detail::accept(model, one_event(std::move(refreshed)));
  result.actor = user->id;
  return result;
}

}  // namespace ledger::engine
