// evolve for the ledger itself, settings, branches, users and sessions.
#include "engine/handlers.h"

namespace ledger::engine {
namespace {

using detail::rekey;

user_record& user_of(write_model& model, std::uint64_t id) {
  const auto it = model.users.find(user_id{id});
  LEDGER_ASSERT(it != model.users.end(), "event names unknown user {}", id);
  return it->second;
}

branch_record& branch_of(write_model& model, std::uint64_t id) {
  const auto it = model.branches.find(branch_id{id});
  LEDGER_ASSERT(it != model.branches.end(), "event names unknown branch {}", id);
  return it->second;
}

hash256 hash_from(const std::vector<std::uint8_t>& bytes) {
  hash256 hash{};
  LEDGER_ASSERT(bytes.size() == hash.size(), "token hash of {} bytes", bytes.size());
  std::copy(bytes.begin(), bytes.end(), hash.begin());
  return hash;
}

// Re-keys a unique text index when a record's key changes.

}  // namespace

void evolve_one(write_model& model, const events::ledger_initialized& e, const event_context&) {
  LEDGER_ASSERT(!model.initialized, "ledger initialized twice");
  LEDGER_ASSERT(e.ledger_namespace <= ledger_namespace_mask, "namespace wider than 48 bits");
  model.initialized = true;
  model.ledger_namespace = e.ledger_namespace;
  model.currency = e.currency;
}

void evolve_one(write_model& model, const events::system_setting_set& e, const event_context&) {
  LEDGER_ASSERT(!e.key.empty(), "setting without a key");
  model.settings[e.key] = e.value;
}

void evolve_one(write_model& model, const events::branch_created& e, const event_context& context) {
  const branch_id id{e.branch_id};
  detail::note_entity(model, id.value);
  branch_record branch{id,   e.code, e.name, e.address, e.phone, true, context.recorded_at_us,
                       context.recorded_at_us};
  const bool inserted = model.branches.emplace(id, std::move(branch)).second;
  LEDGER_ASSERT(inserted, "branch {} created twice", id.value);
  const bool indexed = model.branch_by_code.emplace(e.code, id).second;
  LEDGER_ASSERT(indexed, "branch code '{}' taken twice", e.code);
}

void evolve_one(write_model& model, const events::branch_updated& e, const event_context& context) {
  branch_record& branch = branch_of(model, e.branch_id);
  rekey(model.branch_by_code, branch.code, e.code, branch.id);
  branch.code = e.code;
  branch.name = e.name;
  branch.address = e.address;
  branch.phone = e.phone;
  branch.updated_at_us = context.recorded_at_us;
}

void evolve_one(write_model& model, const events::branch_activation_changed& e,
                const event_context& context) {
  branch_record& branch = branch_of(model, e.branch_id);
  LEDGER_ASSERT(branch.is_active != e.is_active, "branch {} activation did not change",
                e.branch_id);
  branch.is_active = e.is_active;
  branch.updated_at_us = context.recorded_at_us;
}

void evolve_one(write_model& model, const events::user_created& e, const event_context& context) {
  const user_id id{e.user_id};
  detail::note_entity(model, id.value);
  LEDGER_ASSERT(e.branch_id == 0 || model.branches.contains(branch_id{e.branch_id}),
                "user {} in unknown branch {}", e.user_id, e.branch_id);
  user_record user;
  user.id = id;
  user.email = e.email;
  user.password_hash = e.password_hash;
  user.full_name = e.full_name;
  user.phone = e.phone;
  user.role = e.role;
  user.branch = branch_id{e.branch_id};
  user.password_changed_at_us = context.recorded_at_us;
  user.created_at_us = context.recorded_at_us;
  user.updated_at_us = context.recorded_at_us;
  const bool inserted = model.users.emplace(id, std::move(user)).second;
  LEDGER_ASSERT(inserted, "user {} created twice", id.value);
  const bool indexed = model.user_by_email.emplace(e.email, id).second;
  LEDGER_ASSERT(indexed, "email '{}' taken twice", e.email);
}

void evolve_one(write_model& model, const events::user_updated& e, const event_context& context) {
  user_record& user = user_of(model, e.user_id);
  LEDGER_ASSERT(e.branch_id == 0 || model.branches.contains(branch_id{e.branch_id}),
                "user {} moved to unknown branch {}", e.user_id, e.branch_id);
  rekey(model.user_by_email, user.email, e.email, user.id);
  user.email = e.email;
  user.full_name = e.full_name;
  user.phone = e.phone;
  user.role = e.role;
  user.branch = branch_id{e.branch_id};
  if (!e.password_hash.empty()) {
    user.password_hash = e.password_hash;
    user.password_changed_at_us = context.recorded_at_us;
  }
  user.updated_at_us = context.recorded_at_us;
}

void evolve_one(write_model& model, const events::user_activation_changed& e,
                const event_context& context) {
  user_record& user = user_of(model, e.user_id);
  LEDGER_ASSERT(user.is_active != e.is_active, "user {} activation did not change", e.user_id);
  user.is_active = e.is_active;
  user.has_refresh_token = false;
  user.refresh_token_hash = {};
  user.updated_at_us = context.recorded_at_us;
}

void evolve_one(write_model& model, const events::user_password_changed& e,
                const event_context& context) {
  user_record& user = user_of(model, e.user_id);
  LEDGER_ASSERT(!e.password_hash.empty(), "password change without a hash");
  user.password_hash = e.password_hash;
  user.password_changed_at_us = context.recorded_at_us;
  user.has_refresh_token = false;
  user.refresh_token_hash = {};
  user.updated_at_us = context.recorded_at_us;
}

void evolve_one(write_model& model, const events::user_password_reset_requested& e,
                const event_context& context) {
  user_record& user = user_of(model, e.user_id);
  LEDGER_ASSERT(e.expires_at_us > context.recorded_at_us, "reset token expires in the past");
  user.reset_token_hash = hash_from(e.token_hash);
  user.reset_expires_at_us = e.expires_at_us;
  user.updated_at_us = context.recorded_at_us;
}

void evolve_one(write_model& model, const events::user_password_reset_completed& e,
                const event_context& context) {
  user_record& user = user_of(model, e.user_id);
  LEDGER_ASSERT(user.reset_expires_at_us != 0, "reset completed without a pending reset");
  user.password_hash = e.password_hash;
  user.password_changed_at_us = context.recorded_at_us;
  user.password_reset_at_us = context.recorded_at_us;
  user.reset_token_hash = {};
  user.reset_expires_at_us = 0;
  user.has_refresh_token = false;
  user.refresh_token_hash = {};
  user.updated_at_us = context.recorded_at_us;
}

void evolve_one(write_model& model, const events::user_logged_in& e, const event_context& context) {
  user_record& user = user_of(model, e.user_id);
  user.last_login_at_us = context.recorded_at_us;
  user.has_refresh_token = true;
  user.refresh_token_hash = hash_from(e.refresh_token_hash);
  user.updated_at_us = context.recorded_at_us;
}

void evolve_one(write_model& model, const events::user_logged_out& e, const event_context& context) {
  user_record& user = user_of(model, e.user_id);
  user.has_refresh_token = false;
  user.refresh_token_hash = {};
  user.updated_at_us = context.recorded_at_us;
}

void evolve_one(write_model& model, const events::user_session_refreshed& e,
                const event_context& context) {
  user_record& user = user_of(model, e.user_id);
  LEDGER_ASSERT(user.has_refresh_token, "refresh of user {} without a session", e.user_id);
  user.refresh_token_hash = hash_from(e.refresh_token_hash);
  user.updated_at_us = context.recorded_at_us;
}

}  // namespace ledger::engine
