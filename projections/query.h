#pragma once
// What every query function of the read side shares: who is asking, paging, and how a query
// answers (contract-shaped JSON text, or an error with the contract's status and message).
//
// Query functions are pure reads of a view_state (projections/view_state.h): the API layer
// authenticates, checks the route's role list, parses and validates the query string, waits
// for the read-your-writes watermark, then calls a query under the projector's read lock and
// sends the text it gets. Scoping rules that depend on the caller (a manager sees their own
// branch, ...) live in the query functions, next to the data, because they differ per route
// (api-contract sections 6 to 11).
//
// Thread-safety: pure functions of their arguments.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "events/event.h"
#include "events/ids.h"

namespace ledger::projections {

// The authenticated caller, as the API knows them (the user's current role and branch).
struct caller {
  user_id user;
  events::user_role role = events::user_role::CASHIER;
  branch_id branch;  // 0 = no branch
};

// Already validated by the API (page >= 1, limit >= 0; caps applied per route by the query).
struct page_request {
  std::int64_t page = 1;
  std::int64_t limit = 20;
};

// A refusal with the contract's HTTP status (400, 403, 404) and message.
struct query_error {
  int status = 400;
  std::string message;
  friend bool operator==(const query_error&, const query_error&) = default;
};

// The JSON body of a successful answer, or the error.
using query_result = std::variant<std::string, query_error>;

}  // namespace ledger::projections
