#pragma once
// The event vocabulary in memory: one C++ type per event of events/schema/ledger_events.fbs
// (the FlatBuffers object-API types), and `event`, the variant of all of them.
//
// LEDGER_EVENT_TYPES lists every event once; adding an event means adding it to the schema
// (with a new frozen number) and here, and the compiler finds every switch that must learn it.
#include <cstdint>
#include <string_view>
#include <span>
#include <variant>

#include "events/ledger_events_generated.h"

#define LEDGER_EVENT_TYPES(X)         \
  X(ledger_initialized)               \
  X(system_setting_set)               \
  X(branch_created)                   \
  X(branch_updated)                   \
  X(branch_activation_changed)        \
  X(user_created)                     \
  X(user_updated)                     \
  X(user_activation_changed)          \
  X(user_password_changed)            \
  X(user_password_reset_requested)    \
  X(user_password_reset_completed)    \
  X(user_logged_in)                   \
  X(user_logged_out)                  \
  X(user_session_refreshed)           \
  X(category_created)                 \
  X(category_updated)                 \
  X(category_deleted)                 \
  X(product_created)                  \
  X(product_updated)                  \
  X(product_activation_changed)       \
  X(supplier_created)                 \
  X(supplier_updated)                 \
  X(supplier_activation_changed)      \
  X(customer_created)                 \
  X(customer_updated)                 \
  X(loyalty_rule_set)                 \
  X(loyalty_points_earned)            \
  X(loyalty_points_deducted)          \
  X(stock_received)                   \
  X(stock_issued)                     \
  X(stock_adjusted)                   \
  X(stock_transferred)                \
  X(cart_opened)                      \
  X(cart_line_added)                  \
  X(cart_line_quantity_changed)       \
  X(cart_line_removed)                \
  X(cart_customer_attached)           \
  X(cart_customer_detached)           \
  X(cart_checked_out)                 \
  X(sale_completed)                   \
  X(sale_returned)                    \
  X(sale_cancelled)                   \
  X(purchase_order_created)           \
  X(purchase_order_submitted)         \
  X(purchase_order_approved)          \
  X(purchase_order_rejected)          \
  X(purchase_order_received)          \
  X(goods_receipt_recorded)

namespace ledger::events {

namespace wire = ::ledger::events::wire;

using event_type = wire::event_type;
using user_role = wire::user_role;
using payment_method = wire::payment_method;
using sale_status = wire::sale_status;
using purchase_order_status = wire::purchase_order_status;
using loyalty_deduction_reason = wire::loyalty_deduction_reason;

// Nested pieces of events.
using transfer_line = wire::transfer_line;
using sale_line = wire::sale_line;
using payment = wire::payment_t;
using returned_line = wire::returned_line_t;
using restocked_line = wire::restocked_line;
using purchase_order_line = wire::purchase_order_line;
using goods_receipt_line = wire::goods_receipt_line;

#define LEDGER_EVENT_ALIAS_(name) using name = wire::name##_t;
LEDGER_EVENT_TYPES(LEDGER_EVENT_ALIAS_)
#undef LEDGER_EVENT_ALIAS_

#define LEDGER_EVENT_ALTERNATIVE_(name) , name
using event = std::variant<std::monostate LEDGER_EVENT_TYPES(LEDGER_EVENT_ALTERNATIVE_)>;
#undef LEDGER_EVENT_ALTERNATIVE_

// The frozen type number of an event (none for the empty monostate).
[[nodiscard]] event_type type_of(const event& e);

// "sale_completed", ... ("none" for unknown numbers).
[[nodiscard]] std::string_view name_of(event_type type);

// Every event type of the catalog, in schema order.
[[nodiscard]] std::span<const event_type> all_event_types();

}  // namespace ledger::events
