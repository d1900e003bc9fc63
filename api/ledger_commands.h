#pragma once
// Ledger commands the API accepts in two ways: as a contract route (e.g. POST
// /api/inventory/stock-in) and as an element of a native batch (POST /api/v1/commands, how a
// till that queued sales offline syncs them). One table entry per kind keeps both ways
// identical: the body fields and their validation (api-contract 1.5), who may send it (the
// contract route's role list), how the validated body becomes one engine command, and how
// the committed outcome is answered.
//
// Thread-safety: the table is immutable after static initialisation.
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "api/server_app.h"
#include "api/validation.h"
#include "projections/query.h"
#include "projections/view_state.h"

namespace ledger::api {

// A command ready for the writer, or a refusal decided from the body alone.
using parsed_command = std::variant<engine::command, engine::rejection>;

struct command_kind {
  std::string_view type;         // the batch's "type": "sale", "stockIn", ...
  std::vector<user_role> roles;  // in the contract's 403-message order
  body_spec spec;                // fields of the body (the contract route's, where one exists)
  unsigned status = 201;         // the contract's success status
  parsed_command (*parse)(server_app& app, const object_view& body);
  // The answer once the outcome's events are in the views.
  projections::query_result (*render)(const projections::view_state& state,
                                      const engine::command_outcome& outcome);
};

// Every kind, in documentation order.
[[nodiscard]] std::span<const command_kind> command_kinds();
[[nodiscard]] const command_kind* find_command_kind(std::string_view type);

}  // namespace ledger::api
