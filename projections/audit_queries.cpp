// audit_queries: contract section 11 from the audit view. See audit_queries.h for the rules.
#include "projections/audit_queries.h"

#include <algorithm>
#include <limits>

#include "events/assert.h"
#include "projections/catalog_queries.h"
#include "projections/json_writer.h"

namespace ledger::projections {
namespace {

// Contract 11.2 and 11.3: "limit (20, capped at 100)".
inline constexpr std::int64_t audit_limit_max = 100;

// Whether an item's user object carries the email (11.2) or not (11.3).
enum class with_email : bool { no = false, yes = true };

const engine::user_record* actor_of(const view_state& state, const audit_entry& entry) {
  return entry.user ? state.catalog.model.find(entry.user) : nullptr;
}

// The acting user's branch now (contract 11.2 scoping); 0 for the ledger or a user without one.
branch_id current_branch(const view_state& state, const audit_entry& entry) {
  const auto* user = actor_of(state, entry);
  return user != nullptr ? user->branch : branch_id{};
}

// newValue of the sale entries, rendered from the sales view; false when the sale (or return)
// is not in the views, which only happens when the sales section lags the audit section.
bool write_sale_value(json_writer& json, const view_state& state, const audit_entry& entry) {
  switch (entry.action) {
    case audit_action::CHECKOUT: {
      const sale_view* sale = state.sales.find(sale_id{entry.entity_number});
      if (sale == nullptr) return false;
      json.begin_object()
          .string_field("invoiceNo", sale->invoice_number)
          .money_number_field("total", sale->total_amount)
          .integer_field("items", static_cast<std::int64_t>(sale->lines.size()));
      json.key("paymentMethods").begin_array();
      for (const payment_view& payment : sale->payments) {
        json.string(events::wire::EnumNamepayment_method(payment.method));
      }
      json.end_array().end_object();
      return true;
    }
    case audit_action::RETURN: {
      const return_view* ret = state.sales.find(return_id{entry.detail});
      if (ret == nullptr) return false;
      json.begin_object()
          .string_field("returnNo", ret->return_number)
          .money_number_field("refundAmount", ret->total_refund)
          .string_field("status", events::wire::EnumNamesale_status(ret->sale_status_after))
          .end_object();
      return true;
    }
    case audit_action::CANCEL_INVOICE: {
      const sale_view* sale = state.sales.find(sale_id{entry.entity_number});
      if (sale == nullptr) return false;
      json.begin_object()
          .string_field("invoiceNo", sale->invoice_number)
          .string_field("reason", sale->cancel_reason)
          .end_object();
      return true;
    }
    default:
      return false;
  }
}

void write_stored_value(json_writer& json, const std::string& value) {
  if (value.empty()) {
    json.null();
  } else {
    json.raw(value);
  }
}

// AuditRow + user + sequence.
void write_entry(json_writer& json, const view_state& state, const audit_entry& entry,
                 with_email email) {
  json.begin_object();
  json.string_field("id", state.uuid(entity_kind::audit_entry, entry.sequence))
      .string_field("action", name_of(entry.action))
      .string_field("entity", name_of(entry.entity));
  json.key("entityId");
  if (entry.entity_number != 0) {
    json.string(state.uuid(entry.id_kind, entry.entity_number));
  } else {
    json.null();
  }
  json.key("oldValue");
  write_stored_value(json, entry.old_value);
  json.key("newValue");
  if (!(entry.new_value.empty() && entry.entity == audit_entity::Sale &&
        write_sale_value(json, state, entry))) {
    write_stored_value(json, entry.new_value);
  }
  json.null_field("ipAddress").null_field("userAgent");
  json.key("userId");
  if (entry.user) {
    json.string(state.uuid(entity_kind::user, entry.user));
  } else {
    json.null();
  }
  json.time_field("createdAt", entry.at_us);
  json.key("user");
  if (const auto* user = actor_of(state, entry)) {
    json.begin_object()
        .string_field("id", state.uuid(entity_kind::user, user->id))
        .string_field("fullName", user->full_name);
    if (email == with_email::yes) json.string_field("email", user->email);
    json.end_object();
  } else {
    json.null();
  }
  json.integer_field("sequence", static_cast<std::int64_t>(entry.sequence));
  json.end_object();
}

// Entries [first, last) of the audit view, in sequence (= time) order.
struct entry_range {
  std::size_t first = 0;
  std::size_t last = 0;
};

entry_range time_window(const audit_view& audit, std::optional<std::int64_t> start_us,
                        std::optional<std::int64_t> end_us) {
  const auto& entries = audit.entries;
  const std::int64_t start = start_us.value_or(std::numeric_limits<std::int64_t>::min());
  const std::int64_t end = end_us.value_or(std::numeric_limits<std::int64_t>::max());
  if (end < start) return {};
  const auto lo =
      std::lower_bound(entries.begin(), entries.end(), start,
                       [](const audit_entry& e, std::int64_t t) { return e.at_us < t; });
  const auto hi = std::upper_bound(
      lo, entries.end(), end, [](std::int64_t t, const audit_entry& e) { return t < e.at_us; });
  return {static_cast<std::size_t>(lo - entries.begin()),
          static_cast<std::size_t>(hi - entries.begin())};
}

// Which entries of the range a page is drawn from.
enum class selection : std::uint8_t {
  none,   // nothing matches (an unknown name was asked for)
  every,  // every entry of the range matches: no scan needed
  some,   // test each entry with the predicate
};

// Paged<item> of the entries of `range` that `matches`, newest first, plus "sequence".
template <class Match>
std::string audit_page(const view_state& state, entry_range range, selection chosen, Match matches,
                       page_request page, with_email email) {
  const std::int64_t limit = std::min(page.limit, audit_limit_max);
  const std::int64_t offset = page_offset(page.page, limit);
  const auto& entries = state.audit.entries;
  json_writer json;
  json.begin_object();
  json.key("data").begin_array();
  std::int64_t total = 0;
  if (chosen == selection::every) {
    total = static_cast<std::int64_t>(range.last - range.first);
    for (std::int64_t k = offset; k < total && k - offset < limit; ++k) {
      write_entry(json, state, entries[range.last - 1 - static_cast<std::size_t>(k)], email);
    }
  } else if (chosen == selection::some) {
    for (std::size_t i = range.last; i > range.first; --i) {
      const audit_entry& entry = entries[i - 1];
      if (!matches(entry)) continue;
      if (total >= offset && total - offset < limit) write_entry(json, state, entry, email);
      ++total;
    }
  }
  json.end_array();
  write_page_fields(json, total, page.page, limit);
  json.integer_field("sequence", static_cast<std::int64_t>(state.applied()));
  json.end_object();
  return json.take();
}

template <class Enum>
std::optional<Enum> parse_name(std::string_view name, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    const auto value = static_cast<Enum>(i);
    if (name_of(value) == name) return value;
  }
  return std::nullopt;
}

bool scoped_manager(const caller& who) {
  return who.role == user_role::BRANCH_MANAGER && static_cast<bool>(who.branch);
}

}  // namespace

std::optional<audit_action> parse_audit_action(std::string_view name) {
  return parse_name<audit_action>(name, audit_action_count);
}

std::optional<audit_entity> parse_audit_entity(std::string_view name) {
  return parse_name<audit_entity>(name, audit_entity_count);
}

std::string audit_list(const view_state& state, const caller& who, const audit_filters& filters,
                       page_request page) {
  const bool manager = scoped_manager(who);
  const entry_range range = time_window(state.audit, filters.start_us, filters.end_us);
  const bool filtered = filters.user || filters.entity || filters.action || filters.branch;
  const selection chosen = filters.matches_nothing ? selection::none
                           : (filtered || manager) ? selection::some
                                                   : selection::every;
  const auto matches = [&](const audit_entry& e) {
    if (filters.user && e.user != *filters.user) return false;
    if (filters.entity && e.entity != *filters.entity) return false;
    if (filters.action && e.action != *filters.action) return false;
    if (filters.branch && e.actor_branch != *filters.branch) return false;
    if (manager && current_branch(state, e) != who.branch) return false;
    return true;
  };
  return audit_page(state, range, chosen, matches, page, with_email::yes);
}

std::string inventory_audit(const view_state& state, const caller& who,
                            const inventory_audit_filters& filters, page_request page) {
  // A manager is held to their own branch whatever the query says (or, without a branch, to
  // nothing at all); everybody else may ask for one branch.
  std::optional<branch_id> branch = filters.branch;
  if (who.role == user_role::BRANCH_MANAGER) {
    branch = who.branch ? std::optional<branch_id>{who.branch} : std::nullopt;
  }
  const entry_range range{0, state.audit.entries.size()};
  const selection chosen = filters.matches_nothing ? selection::none : selection::some;
  const auto matches = [&](const audit_entry& e) {
    if (e.entity != audit_entity::Inventory) return false;
    if (filters.product &&
        (e.id_kind != entity_kind::product || e.entity_number != filters.product->value)) {
      return false;
    }
    if (filters.type && e.action != *filters.type) return false;
    if (branch && current_branch(state, e) != *branch) return false;
    return true;
  };
  return audit_page(state, range, chosen, matches, page, with_email::no);
}

}  // namespace ledger::projections
