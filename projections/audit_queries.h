#pragma once
// audit_queries: the audit trail (api-contract section 11) as contract-shaped JSON text, read
// from the audit view (projections/view_state.h, built by projections/fold.cpp).
//
// An item is an AuditRow (contract 2) plus the acting user and an extra "sequence" (the event
// that wrote the entry; the entry's id is uuid(entity_kind::audit_entry, sequence)):
//   id, action, entity, entityId (uuid of the entry's entity; null without one), oldValue,
//   newValue (stored JSON, or null), ipAddress null, userAgent null, userId, createdAt.
// Entries written by the ledger itself (user 0, e.g. opening stock given as facts) have
// userId null and user null.
// The sale entries keep no stored value; their newValue is rendered from the sales view
// (contract 8.8, 8.10, 8.11; numbers are JSON numbers):
//   CHECKOUT        {invoiceNo, total, items (number of lines), paymentMethods [in tender order]}
//   RETURN          {returnNo, refundAmount, status (the sale's status after the return)}
//   CANCEL_INVOICE  {invoiceNo, reason}
//
// Order: createdAt descending, i.e. the log order read backwards. Paging (contract 1.7): limit
// capped at 100 (the answer echoes the capped limit), totalPages null when limit is 0. The
// page carries an extra top-level "sequence": the last event the views had applied.
//
// Names of entities and actions are exact and case-sensitive ("Sale", "CHECKOUT"). A query
// naming one that does not exist matches nothing, as in the reference (where the column simply
// holds no such value): the API sets `matches_nothing` and gets an empty page.
//
// Thread-safety: pure functions of their arguments; the caller holds the projector's read lock
// for the duration of the call.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "events/ids.h"
#include "projections/query.h"
#include "projections/view_state.h"

namespace ledger::projections {

// Exact, case-sensitive names (the inverse of name_of); nullopt for any other text.
[[nodiscard]] std::optional<audit_action> parse_audit_action(std::string_view name);
[[nodiscard]] std::optional<audit_entity> parse_audit_entity(std::string_view name);

// GET /api/audit filters (contract 11.2); every one optional, all must hold.
struct audit_filters {
  std::optional<user_id> user;  // userId: the acting user
  std::optional<audit_entity> entity;
  std::optional<audit_action> action;
  std::optional<std::int64_t> start_us;  // createdAt >= start_us
  std::optional<std::int64_t> end_us;    // createdAt <= end_us
  std::optional<branch_id> branch;       // native: the actor's branch when the entry was written
  bool matches_nothing = false;          // the query named an unknown entity or action
};

// GET /api/audit (contract 11.2): Paged<AuditRow + user {id, fullName, email} + sequence>.
// A BRANCH_MANAGER with a branch sees only entries whose acting user CURRENTLY belongs to that
// branch (ledger entries, without a user, never); everybody else sees all entries.
[[nodiscard]] std::string audit_list(const view_state& state, const caller& who,
                                     const audit_filters& filters, page_request page);

// GET /api/audit/inventory filters (contract 11.3).
struct inventory_audit_filters {
  std::optional<product_id> product;  // productId: entries whose entityId is this product
  std::optional<audit_action> type;   // type: the action (STOCK_IN, ...)
  std::optional<branch_id> branch;    // branchId: the acting user's CURRENT branch
  bool matches_nothing = false;       // the query named an unknown type
};

// GET /api/audit/inventory (contract 11.3): entries of entity Inventory only,
// Paged<AuditRow + user {id, fullName} + sequence>. A BRANCH_MANAGER is always restricted to
// their own branch (acting user's current branch; unrestricted without a branch) and the
// branchId filter is ignored for them; for other roles branchId filters the same way.
[[nodiscard]] std::string inventory_audit(const view_state& state, const caller& who,
                                          const inventory_audit_filters& filters,
                                          page_request page);

}  // namespace ledger::projections
