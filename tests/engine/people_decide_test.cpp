// Decider specs for the ledger itself, system settings, branches, users and sessions
// (engine/decide_people.cpp; api-contract sections 3, 5, 6.1, 6.2, 12.8).
//
// Method: given a ledger built through the real decide + evolve (tests/support/spec.h, the
// standard world where branches and users are needed), when one command is decided, then either
// the exact events it emits (every field) or the exact rejection code and contract message.
// Every rejection of every command is covered, and where a command has several, a case breaks
// two rules at once to pin the precedence (the earlier rule must win). Time is the spec's
// fixed clock, so nothing depends on the machine.
#include <doctest/doctest.h>

#include <string>

#include "engine/limits.h"
#include "tests/support/spec.h"

namespace ledger::testing {
namespace {

hash256 token(std::uint8_t fill) {
  hash256 hash{};
  hash.fill(fill);
  return hash;
}

std::vector<std::uint8_t> bytes(const hash256& hash) {
  return std::vector<std::uint8_t>(hash.begin(), hash.end());
}

const std::string too_long(limits::text_bytes_max + 1, 'x');
const std::string longest(limits::text_bytes_max, 'x');

initialize_ledger valid_initialization() {
  return initialize_ledger{spec_namespace, "VND", "root@pos.com", "argon2id$root", "Root"};
}

decision initialize(const write_model& model, const initialize_ledger& c) {
  return decide(model, c, command_context{user_id{}, spec_epoch_us});
}

}  // namespace

TEST_SUITE("engine/people") {

// ------------------------------------------------------------------ initialize_ledger

TEST_CASE("initialize_ledger: an empty ledger gets its namespace and first SUPER_ADMIN") {
  const write_model empty;
  const decision d = initialize(empty, valid_initialization());
  REQUIRE(d.accepted());
  REQUIRE(d.events.size() == 2);
  const auto* initialized = std::get_if<events::ledger_initialized>(&d.events[0]);
  REQUIRE(initialized != nullptr);
  CHECK(initialized->ledger_namespace == spec_namespace);
  CHECK(initialized->format_version == 1);
  CHECK(initialized->currency == "VND");
  const auto* admin = std::get_if<events::user_created>(&d.events[1]);
  REQUIRE(admin != nullptr);
  CHECK(admin->user_id == 1);
  CHECK(admin->email == "root@pos.com");
  CHECK(admin->password_hash == "argon2id$root");
  CHECK(admin->full_name == "Root");
  CHECK(admin->phone.empty());
  CHECK(admin->role == user_role::SUPER_ADMIN);
  CHECK(admin->branch_id == 0);
  CHECK(d.last_entity_number == 1);
  CHECK(d.actor == user_id{});  // the ledger itself
}

TEST_CASE("initialize_ledger: the widest 48-bit namespace and an empty admin name are accepted") {
  const write_model empty;
  initialize_ledger c = valid_initialization();
  c.ledger_namespace = ledger_namespace_mask;
  c.admin_full_name = "";
  const decision d = initialize(empty, c);
  REQUIRE(d.accepted());
  CHECK(std::get<events::ledger_initialized>(d.events[0]).ledger_namespace ==
        ledger_namespace_mask);
  CHECK(std::get<events::user_created>(d.events[1]).full_name.empty());
}

TEST_CASE("initialize_ledger: rejections in precedence order") {
  const write_model empty;
  SUBCASE("an initialized ledger refuses, even a command that breaks every other rule") {
    ledger_spec spec;
    initialize_ledger c{0, "", "", "", ""};
    CHECK_REJECTED(spec.when(user_id{}, c), ledger_already_initialized,
                   "Ledger is already initialized");
    CHECK_REJECTED(spec.when(spec.admin, valid_initialization()), ledger_already_initialized,
                   "Ledger is already initialized");
  }
  SUBCASE("a zero namespace (checked before the texts)") {
    initialize_ledger c = valid_initialization();
    c.ledger_namespace = 0;
    c.admin_email = "";
    CHECK_REJECTED(initialize(empty, c), ledger_namespace_invalid,
                   "ledgerNamespace must be a non-zero 48-bit number");
  }
  SUBCASE("a namespace wider than 48 bits") {
    initialize_ledger c = valid_initialization();
    c.ledger_namespace = ledger_namespace_mask + 1;
    CHECK_REJECTED(initialize(empty, c), ledger_namespace_invalid,
                   "ledgerNamespace must be a non-zero 48-bit number");
  }
  SUBCASE("an empty currency (checked before the email)") {
    initialize_ledger c = valid_initialization();
    c.currency = "";
    c.admin_email = "";
    CHECK_REJECTED(initialize(empty, c), value_required, "currency should not be empty");
  }
  SUBCASE("an empty admin email") {
    initialize_ledger c = valid_initialization();
    c.admin_email = "";
    CHECK_REJECTED(initialize(empty, c), value_required, "email should not be empty");
  }
  SUBCASE("an empty admin password hash") {
    initialize_ledger c = valid_initialization();
    c.admin_password_hash = "";
    CHECK_REJECTED(initialize(empty, c), value_required, "password should not be empty");
  }
  SUBCASE("an admin name over the text limit") {
    initialize_ledger c = valid_initialization();
    c.admin_full_name = too_long;
    CHECK_REJECTED(initialize(empty, c), text_too_long,
                   "fullName must be shorter than or equal to 4000 characters");
  }
}

// ------------------------------------------------------------------ set_system_setting

TEST_CASE("set_system_setting: stores the setting; an empty group becomes \"general\"") {
  ledger_spec spec;
  SUBCASE("with a group") {
    const decision d =
        spec.run(spec.admin, set_system_setting{"vat_rate", "8.00", "tax", "VAT rate (%)"});
    const auto e = single_event<events::system_setting_set>(d);
    CHECK(e.key == "vat_rate");
    CHECK(e.value == "8.00");
    CHECK(e.group == "tax");
    CHECK(e.description == "VAT rate (%)");
    CHECK(d.events.size() == 1);
    CHECK(spec.model.settings.at("vat_rate") == "8.00");
  }
  SUBCASE("without a group") {
    const decision d = spec.run(spec.admin, set_system_setting{"currency", "VND", "", ""});
    CHECK(single_event<events::system_setting_set>(d).group == "general");
  }
}

TEST_CASE("set_system_setting: rejections in precedence order") {
  ledger_spec spec;
  CHECK_REJECTED(spec.when(spec.admin, set_system_setting{"", too_long, "", ""}), value_required,
                 "key should not be empty");
  CHECK_REJECTED(spec.when(spec.admin, set_system_setting{"k", too_long, too_long, ""}),
                 text_too_long, "value must be shorter than or equal to 4000 characters");
  CHECK_REJECTED(spec.when(spec.admin, set_system_setting{"k", "v", "g", too_long}),
                 text_too_long, "description must be shorter than or equal to 4000 characters");
}

// ------------------------------------------------------------------ branches

TEST_CASE("create_branch: emits the branch with the next entity number") {
  ledger_spec spec;
  const std::uint64_t next = spec.model.last_entity_number + 1;
  const decision d =
      spec.run(spec.admin, create_branch{"BR-003", "Chi nhánh Thủ Đức", "321 Võ Văn Ngân", "0284567890"});
  const auto e = single_event<events::branch_created>(d);
  CHECK(e.branch_id == next);
  CHECK(e.code == "BR-003");
  CHECK(e.name == "Chi nhánh Thủ Đức");
  CHECK(e.address == "321 Võ Văn Ngân");
  CHECK(e.phone == "0284567890");
  CHECK(d.last_entity_number == next);
  CHECK(spec.model.branch_by_code.at("BR-003") == branch_id{next});
}

TEST_CASE("create_branch: a text exactly at the limit is accepted") {
  ledger_spec spec;
  CHECK(spec.when(spec.admin, create_branch{"BR-X", "X", longest, ""}).accepted());
}

TEST_CASE("create_branch: rejections in precedence order") {
  ledger_spec spec;
  spec.run(spec.admin, create_branch{"BR-001", "One", "", ""});
  CHECK_REJECTED(spec.when(spec.admin, create_branch{"", "", "", ""}), value_required,
                 "code should not be empty");
  CHECK_REJECTED(spec.when(spec.admin, create_branch{"BR-001", "", "", ""}), value_required,
                 "name should not be empty");
  // Validation (400) comes before the uniqueness check (409).
  CHECK_REJECTED(spec.when(spec.admin, create_branch{"BR-001", "Two", too_long, ""}),
                 text_too_long, "address must be shorter than or equal to 4000 characters");
  CHECK_REJECTED(spec.when(spec.admin, create_branch{"BR-009", "Two", "", too_long}),
                 text_too_long, "phone must be shorter than or equal to 4000 characters");
  CHECK_REJECTED(spec.when(spec.admin, create_branch{"BR-001", "Two", "", ""}),
                 branch_code_already_exists, "Branch code already exists");
}

TEST_CASE("update_branch: the event carries the full new values") {
  ledger_spec spec;
  auto w = spec.standard_world();
  SUBCASE("only the given fields change") {
    update_branch c;
    c.branch = w.central;
    c.name = "Trung tâm mới";
    c.phone = "0280000000";
    const decision d = spec.run(w.admin, c);
    const auto e = single_event<events::branch_updated>(d);
    CHECK(e.branch_id == w.central.value);
    CHECK(e.code == "BR-001");
    CHECK(e.name == "Trung tâm mới");
    CHECK(e.address == "");
    CHECK(e.phone == "0280000000");
    CHECK(d.last_entity_number == spec.model.last_entity_number);
  }
  SUBCASE("a branch may keep its own code, and may take a free one") {
    update_branch same;
    same.branch = w.central;
    same.code = "BR-001";
    CHECK(spec.when(w.admin, same).accepted());
    update_branch renamed;
    renamed.branch = w.central;
    renamed.code = "BR-101";
    spec.run(w.admin, renamed);
    CHECK(spec.model.branch_by_code.at("BR-101") == w.central);
    CHECK_FALSE(spec.model.branch_by_code.contains("BR-001"));
  }
}

TEST_CASE("update_branch: rejections in precedence order") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const branch_id unknown{999'999};
  SUBCASE("an empty given code, before not found") {
    update_branch c;
    c.branch = unknown;
    c.code = "";
    CHECK_REJECTED(spec.when(w.admin, c), value_required, "code should not be empty");
  }
  SUBCASE("an empty given name") {
    update_branch c;
    c.branch = w.central;
    c.name = "";
    CHECK_REJECTED(spec.when(w.admin, c), value_required, "name should not be empty");
  }
  SUBCASE("an address over the limit") {
    update_branch c;
    c.branch = w.central;
    c.address = too_long;
    CHECK_REJECTED(spec.when(w.admin, c), text_too_long,
                   "address must be shorter than or equal to 4000 characters");
  }
  SUBCASE("an unknown branch, before the code conflict") {
    update_branch c;
    c.branch = unknown;
    c.code = "BR-002";
    CHECK_REJECTED(spec.when(w.admin, c), branch_not_found, "Branch not found");
  }
  SUBCASE("a code taken by another branch") {
    update_branch c;
    c.branch = w.central;
    c.code = "BR-002";
    CHECK_REJECTED(spec.when(w.admin, c), branch_code_already_exists, "Branch code already exists");
  }
}

TEST_CASE("toggle_branch_active: flips the flag both ways; unknown branch is not found") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const decision off = spec.run(w.admin, toggle_branch_active{w.tan_binh});
  CHECK(single_event<events::branch_activation_changed>(off).branch_id == w.tan_binh.value);
  CHECK_FALSE(single_event<events::branch_activation_changed>(off).is_active);
  const decision on = spec.run(w.admin, toggle_branch_active{w.tan_binh});
  CHECK(single_event<events::branch_activation_changed>(on).is_active);
  CHECK_REJECTED(spec.when(w.admin, toggle_branch_active{branch_id{999'999}}), branch_not_found,
                 "Branch not found");
  CHECK_REJECTED(spec.when(w.admin, toggle_branch_active{branch_id{}}), branch_not_found,
                 "Branch not found");
}

// ------------------------------------------------------------------ users

TEST_CASE("create_user: emits the user with the next entity number") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const std::uint64_t next = spec.model.last_entity_number + 1;
  SUBCASE("in a branch") {
    const decision d = spec.run(w.admin, create_user{"new@pos.com", "argon2id$n", "Người mới",
                                                     "0900000009", user_role::INVENTORY_STAFF,
                                                     w.tan_binh});
    const auto e = single_event<events::user_created>(d);
    CHECK(e.user_id == next);
    CHECK(e.email == "new@pos.com");
    CHECK(e.password_hash == "argon2id$n");
    CHECK(e.full_name == "Người mới");
    CHECK(e.phone == "0900000009");
    CHECK(e.role == user_role::INVENTORY_STAFF);
    CHECK(e.branch_id == w.tan_binh.value);
    CHECK(d.last_entity_number == next);
  }
  SUBCASE("without a branch, with an empty full name") {
    const decision d =
        spec.run(w.admin, create_user{"nobody@pos.com", "argon2id$n", "", "", user_role::OWNER,
                                      std::nullopt});
    const auto e = single_event<events::user_created>(d);
    CHECK(e.branch_id == 0);
    CHECK(e.full_name.empty());
    CHECK(e.role == user_role::OWNER);
  }
}

TEST_CASE("create_user: rejections in precedence order") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const branch_id unknown{999'999};
  CHECK_REJECTED(spec.when(w.admin, create_user{"", "", "", "", user_role::CASHIER, unknown}),
                 value_required, "email should not be empty");
  CHECK_REJECTED(spec.when(w.admin, create_user{"cashier1@pos.com", "", "", "",
                                                user_role::CASHIER, unknown}),
                 value_required, "password should not be empty");
  CHECK_REJECTED(spec.when(w.admin, create_user{"cashier1@pos.com", "h", too_long, "",
                                                user_role::CASHIER, unknown}),
                 text_too_long, "fullName must be shorter than or equal to 4000 characters");
  CHECK_REJECTED(spec.when(w.admin, create_user{"x@pos.com", "h", "", too_long,
                                                user_role::CASHIER, std::nullopt}),
                 text_too_long, "phone must be shorter than or equal to 4000 characters");
  // The email conflict (409) is checked before the branch reference (400).
  CHECK_REJECTED(spec.when(w.admin, create_user{"cashier1@pos.com", "h", "", "",
                                                user_role::CASHIER, unknown}),
                 email_already_exists, "Email already exists");
  CHECK_REJECTED(spec.when(w.admin, create_user{"x@pos.com", "h", "", "", user_role::CASHIER,
                                                unknown}),
                 referenced_record_not_found, "Referenced record does not exist");
  CHECK_REJECTED(spec.when(w.admin, create_user{"x@pos.com", "h", "", "", user_role::CASHIER,
                                                branch_id{}}),
                 referenced_record_not_found, "Referenced record does not exist");
}

TEST_CASE("update_user: api-contract 6.1 semantics") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const user_record before = *spec.model.find(w.cashier);

  SUBCASE("nothing given keeps every value and leaves the password alone") {
    update_user c;
    c.user = w.cashier;
    const auto e = single_event<events::user_updated>(spec.run(w.admin, c));
    CHECK(e.user_id == w.cashier.value);
    CHECK(e.email == before.email);
    CHECK(e.full_name == before.full_name);
    CHECK(e.phone == before.phone);
    CHECK(e.role == before.role);
    CHECK(e.branch_id == w.central.value);
    CHECK(e.password_hash.empty());
  }
  SUBCASE("empty full name and phone are ignored; role, email and password apply") {
    update_user c;
    c.user = w.cashier;
    c.full_name = "";
    c.phone = "";
    c.role = user_role::BRANCH_MANAGER;
    c.email = "lead@pos.com";
    c.password_hash = "argon2id$new";
    const auto e = single_event<events::user_updated>(spec.run(w.admin, c));
    CHECK(e.full_name == "Thu ngân 1");
    CHECK(e.phone == before.phone);
    CHECK(e.role == user_role::BRANCH_MANAGER);
    CHECK(e.email == "lead@pos.com");
    CHECK(e.password_hash == "argon2id$new");
    CHECK(e.branch_id == w.central.value);
    CHECK(spec.model.find(w.cashier)->password_hash == "argon2id$new");
  }
  SUBCASE("non-empty full name and phone apply; the user's own email is no conflict") {
    update_user c;
    c.user = w.cashier;
    c.full_name = "Thu ngân Một";
    c.phone = "0911111111";
    c.email = "cashier1@pos.com";
    const auto e = single_event<events::user_updated>(spec.run(w.admin, c));
    CHECK(e.full_name == "Thu ngân Một");
    CHECK(e.phone == "0911111111");
    CHECK(e.email == "cashier1@pos.com");
  }
  SUBCASE("a given empty branch unassigns") {
    update_user c;
    c.user = w.cashier;
    c.branch.emplace();
    const auto e = single_event<events::user_updated>(spec.run(w.admin, c));
    CHECK(e.branch_id == 0);
    CHECK(spec.model.find(w.cashier)->branch == branch_id{});
  }
  SUBCASE("a given branch moves the user") {
    update_user c;
    c.user = w.cashier;
    c.branch = std::optional<branch_id>{w.tan_binh};
    const auto e = single_event<events::user_updated>(spec.run(w.admin, c));
    CHECK(e.branch_id == w.tan_binh.value);
  }
}

TEST_CASE("update_user: rejections in precedence order") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const user_id unknown{999'999};
  const std::optional<branch_id> unknown_branch{branch_id{999'998}};
  SUBCASE("an empty given email, before not found") {
    update_user c;
    c.user = unknown;
    c.email = "";
    CHECK_REJECTED(spec.when(w.admin, c), value_required, "email should not be empty");
  }
  SUBCASE("an empty given password") {
    update_user c;
    c.user = unknown;
    c.password_hash = "";
    CHECK_REJECTED(spec.when(w.admin, c), value_required, "password should not be empty");
  }
  SUBCASE("a full name over the limit") {
    update_user c;
    c.user = w.cashier;
    c.full_name = too_long;
    CHECK_REJECTED(spec.when(w.admin, c), text_too_long,
                   "fullName must be shorter than or equal to 4000 characters");
  }
  SUBCASE("an unknown user, before the email conflict and the branch reference") {
    update_user c;
    c.user = unknown;
    c.email = "manager@pos.com";
    c.branch = unknown_branch;
    CHECK_REJECTED(spec.when(w.admin, c), user_not_found, "User not found");
  }
  SUBCASE("an email of another user, before the branch reference") {
    update_user c;
    c.user = w.cashier;
    c.email = "manager@pos.com";
    c.branch = unknown_branch;
    CHECK_REJECTED(spec.when(w.admin, c), email_already_exists, "Email already exists");
  }
  SUBCASE("an unknown branch") {
    update_user c;
    c.user = w.cashier;
    c.branch = unknown_branch;
    CHECK_REJECTED(spec.when(w.admin, c), referenced_record_not_found,
                   "Referenced record does not exist");
  }
}

TEST_CASE("toggle_user_active: flips the flag, revokes the session; unknown user is not found") {
  ledger_spec spec;
  auto w = spec.standard_world();
  spec.run(user_id{}, log_in{w.cashier, token(7)});
  REQUIRE(spec.model.find(w.cashier)->has_refresh_token);
  const decision off = spec.run(w.admin, toggle_user_active{w.cashier});
  const auto e = single_event<events::user_activation_changed>(off);
  CHECK(e.user_id == w.cashier.value);
  CHECK_FALSE(e.is_active);
  CHECK_FALSE(spec.model.find(w.cashier)->has_refresh_token);
  // A deactivated user can no longer act (the dispatcher's check) nor log in.
  CHECK_REJECTED(spec.when(w.cashier, log_out{}), actor_not_found_or_inactive,
                 "User not found or inactive");
  CHECK_REJECTED(spec.when(user_id{}, log_in{w.cashier, token(8)}), invalid_credentials,
                 "Invalid email or password");
  const decision on = spec.run(w.admin, toggle_user_active{w.cashier});
  CHECK(single_event<events::user_activation_changed>(on).is_active);
  CHECK_REJECTED(spec.when(w.admin, toggle_user_active{user_id{999'999}}), user_not_found,
                 "User not found");
}

// ------------------------------------------------------------------ passwords and sessions

TEST_CASE("change_password: the actor's own password; an empty hash is rejected") {
  ledger_spec spec;
  auto w = spec.standard_world();
  spec.run(user_id{}, log_in{w.manager, token(1)});
  const decision d = spec.run(w.manager, change_password{"argon2id$changed"});
  const auto e = single_event<events::user_password_changed>(d);
  CHECK(e.user_id == w.manager.value);
  CHECK(e.password_hash == "argon2id$changed");
  CHECK(d.actor == w.manager);
  CHECK_FALSE(spec.model.find(w.manager)->has_refresh_token);
  CHECK_REJECTED(spec.when(w.manager, change_password{""}), value_required,
                 "newPassword should not be empty");
  CHECK_REJECTED(spec.when(w.manager, change_password{too_long}), text_too_long,
                 "newPassword must be shorter than or equal to 4000 characters");
}

TEST_CASE("request_password_reset: stores the token hash with a one-hour expiry") {
  ledger_spec spec;
  auto w = spec.standard_world();
  SUBCASE("for an active user") {
    const std::int64_t now = spec.now_us;
    const decision d = spec.when(user_id{}, request_password_reset{"cashier2@pos.com", token(9)});
    REQUIRE(d.accepted());
    const auto e = single_event<events::user_password_reset_requested>(d);
    CHECK(e.user_id == w.cashier2.value);
    CHECK(e.token_hash == bytes(token(9)));
    CHECK(e.expires_at_us == now + limits::reset_token_lifetime_us);
    CHECK(d.actor == w.cashier2);
    CHECK(d.events.size() == 1);
  }
  SUBCASE("for an inactive user too (api-contract 5.6)") {
    spec.run(w.admin, toggle_user_active{w.cashier2});
    const decision d = spec.when(user_id{}, request_password_reset{"cashier2@pos.com", token(9)});
    CHECK(d.accepted());
    CHECK(d.actor == w.cashier2);
  }
}

TEST_CASE("request_password_reset: rejections in precedence order") {
  ledger_spec spec;
  CHECK_REJECTED(spec.when(user_id{}, request_password_reset{"", token(1)}), value_required,
                 "email should not be empty");
  // Email equality is exact (case-sensitive), as in log-in.
  CHECK_REJECTED(spec.when(user_id{}, request_password_reset{"Admin@pos.com", token(1)}),
                 user_not_found, "User not found");
  CHECK_REJECTED(spec.when(user_id{}, request_password_reset{"ghost@pos.com", token(1)}),
                 user_not_found, "User not found");
}

TEST_CASE("reset_password: a matching, unexpired token resets once") {
  ledger_spec spec;
  auto w = spec.standard_world();
  spec.run(user_id{}, log_in{w.cashier, token(3)});
  const decision requested =
      spec.run(user_id{}, request_password_reset{"cashier1@pos.com", token(4)});
  const std::int64_t expires =
      single_event<events::user_password_reset_requested>(requested).expires_at_us;

  SUBCASE("accepted just before the expiry") {
    spec.now_us = expires - 1;
    const decision d = spec.run(user_id{}, reset_password{token(4), "argon2id$reset"});
    const auto e = single_event<events::user_password_reset_completed>(d);
    CHECK(e.user_id == w.cashier.value);
    CHECK(e.password_hash == "argon2id$reset");
    CHECK(d.actor == w.cashier);
    const user_record& user = *spec.model.find(w.cashier);
    CHECK(user.password_hash == "argon2id$reset");
    CHECK_FALSE(user.has_refresh_token);
    CHECK(user.reset_expires_at_us == 0);
    // Single use: the same token no longer matches.
    CHECK_REJECTED(spec.when(user_id{}, reset_password{token(4), "argon2id$again"}),
                   reset_token_invalid_or_expired, "Invalid or expired reset token");
  }
  SUBCASE("rejected at the expiry instant") {
    spec.now_us = expires;
    CHECK_REJECTED(spec.when(user_id{}, reset_password{token(4), "argon2id$reset"}),
                   reset_token_invalid_or_expired, "Invalid or expired reset token");
  }
  SUBCASE("rejected for another token") {
    CHECK_REJECTED(spec.when(user_id{}, reset_password{token(5), "argon2id$reset"}),
                   reset_token_invalid_or_expired, "Invalid or expired reset token");
  }
  SUBCASE("a new request replaces the old token") {
    spec.run(user_id{}, request_password_reset{"cashier1@pos.com", token(6)});
    CHECK_REJECTED(spec.when(user_id{}, reset_password{token(4), "argon2id$reset"}),
                   reset_token_invalid_or_expired, "Invalid or expired reset token");
    CHECK(spec.when(user_id{}, reset_password{token(6), "argon2id$reset"}).accepted());
  }
  SUBCASE("an empty password is rejected before the token is looked at") {
    CHECK_REJECTED(spec.when(user_id{}, reset_password{token(5), ""}), value_required,
                   "newPassword should not be empty");
  }
}

TEST_CASE("reset_password: the all-zero hash of users without a pending reset never matches") {
  ledger_spec spec;
  CHECK_REJECTED(spec.when(user_id{}, reset_password{hash256{}, "argon2id$reset"}),
                 reset_token_invalid_or_expired, "Invalid or expired reset token");
}

TEST_CASE("log_in: an existing active user gets a session") {
  ledger_spec spec;
  auto w = spec.standard_world();
  const decision d = spec.run(user_id{}, log_in{w.cashier, token(2)});
  const auto e = single_event<events::user_logged_in>(d);
  CHECK(e.user_id == w.cashier.value);
  CHECK(e.refresh_token_hash == bytes(token(2)));
  CHECK(d.actor == w.cashier);
  CHECK(spec.model.find(w.cashier)->refresh_token_hash == token(2));
  CHECK_REJECTED(spec.when(user_id{}, log_in{user_id{999'999}, token(2)}), invalid_credentials,
                 "Invalid email or password");
  spec.run(w.admin, toggle_user_active{w.cashier});
  CHECK_REJECTED(spec.when(user_id{}, log_in{w.cashier, token(2)}), invalid_credentials,
                 "Invalid email or password");
}

TEST_CASE("log_out: revokes the actor's own session, with or without one") {
  ledger_spec spec;
  auto w = spec.standard_world();
  spec.run(user_id{}, log_in{w.cashier2, token(2)});
  const decision d = spec.run(w.cashier2, log_out{});
  CHECK(single_event<events::user_logged_out>(d).user_id == w.cashier2.value);
  CHECK(d.actor == w.cashier2);
  CHECK_FALSE(spec.model.find(w.cashier2)->has_refresh_token);
  const decision again = spec.run(w.cashier2, log_out{});
  CHECK(single_event<events::user_logged_out>(again).user_id == w.cashier2.value);
}

TEST_CASE("refresh_session: rotates the stored refresh token") {
  ledger_spec spec;
  auto w = spec.standard_world();
  spec.run(user_id{}, log_in{w.manager, token(10)});
  const decision d = spec.run(user_id{}, refresh_session{w.manager, token(10), token(11)});
  const auto e = single_event<events::user_session_refreshed>(d);
  CHECK(e.user_id == w.manager.value);
  CHECK(e.refresh_token_hash == bytes(token(11)));
  CHECK(d.actor == w.manager);
  // api-contract 15.4 fix: the rotated-out token no longer works, the new one does.
  CHECK_REJECTED(spec.when(user_id{}, refresh_session{w.manager, token(10), token(12)}),
                 refresh_token_invalid, "Invalid or expired refresh token");
  CHECK(spec.when(user_id{}, refresh_session{w.manager, token(11), token(12)}).accepted());
}

TEST_CASE("refresh_session: every failure is the same 401") {
  ledger_spec spec;
  auto w = spec.standard_world();
  SUBCASE("unknown user") {
    CHECK_REJECTED(spec.when(user_id{}, refresh_session{user_id{999'999}, token(1), token(2)}),
                   refresh_token_invalid, "Invalid or expired refresh token");
  }
  SUBCASE("never logged in: even the all-zero hash does not match") {
    CHECK_REJECTED(spec.when(user_id{}, refresh_session{w.owner, hash256{}, token(2)}),
                   refresh_token_invalid, "Invalid or expired refresh token");
  }
  SUBCASE("another token than the stored one (a later log-in replaced it)") {
    spec.run(user_id{}, log_in{w.owner, token(1)});
    spec.run(user_id{}, log_in{w.owner, token(3)});
    CHECK_REJECTED(spec.when(user_id{}, refresh_session{w.owner, token(1), token(2)}),
                   refresh_token_invalid, "Invalid or expired refresh token");
  }
  SUBCASE("after log-out") {
    spec.run(user_id{}, log_in{w.owner, token(1)});
    spec.run(w.owner, log_out{});
    CHECK_REJECTED(spec.when(user_id{}, refresh_session{w.owner, token(1), token(2)}),
                   refresh_token_invalid, "Invalid or expired refresh token");
  }
  SUBCASE("after a password change") {
    spec.run(user_id{}, log_in{w.owner, token(1)});
    spec.run(w.owner, change_password{"argon2id$other"});
    CHECK_REJECTED(spec.when(user_id{}, refresh_session{w.owner, token(1), token(2)}),
                   refresh_token_invalid, "Invalid or expired refresh token");
  }
}

}  // TEST_SUITE
}  // namespace ledger::testing
