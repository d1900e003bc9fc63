#pragma once
// Rejections: a business rule said no. Each code names the rule that was broken; decide
// returns one (with the contract's message text) instead of events, and nothing is written.
//
// Codes are API: numbers are frozen (append only, never renumber or reuse). The kind tells
// the API layer which HTTP status family the contract uses for the rule (api-contract 1.4):
// invalid -> 400, unauthenticated -> 401, forbidden -> 403, not_found -> 404,
// conflict -> 409, unavailable -> 503.
#include <cstdint>
#include <string>
#include <string_view>

namespace ledger::engine {

enum class rejection_kind : std::uint8_t {
  invalid,
  unauthenticated,
  forbidden,
  not_found,
  conflict,
  unavailable,
};

// X(name, number, kind)
#define LEDGER_REJECTION_CODES(X)                                   \
  /* pipeline */                                                    \
  X(writer_queue_full, 1, unavailable)                              \
  X(command_id_reused_with_different_payload, 2, conflict)          \
  X(ledger_not_initialized, 3, unavailable)                         \
  X(ledger_already_initialized, 4, conflict)                        \
  X(actor_not_found_or_inactive, 5, unauthenticated)                \
  X(actor_branch_required, 6, invalid)                              \
  X(too_many_lines, 7, invalid)                                     \
  X(lines_required, 8, invalid)                                     \
  X(quantity_must_be_positive, 9, invalid)                          \
  X(quantity_must_not_be_negative, 10, invalid)                     \
  X(amount_must_not_be_negative, 11, invalid)                       \
  X(text_too_long, 12, invalid)                                     \
  X(value_required, 13, invalid)                                    \
  X(referenced_record_not_found, 14, invalid)                       \
  X(amount_too_large, 15, invalid)                                  \
  X(ledger_namespace_invalid, 16, invalid)                          \
  /* branches */                                                    \
  X(branch_code_already_exists, 20, conflict)                       \
  X(branch_not_found, 21, not_found)                                \
  /* users and sessions */                                          \
  X(email_already_exists, 30, conflict)                             \
  X(user_not_found, 31, not_found)                                  \
  X(invalid_credentials, 32, unauthenticated)                       \
  X(reset_token_invalid_or_expired, 33, invalid)                    \
  X(refresh_token_invalid, 34, unauthenticated)                     \
  /* catalog */                                                     \
  X(category_name_already_exists, 40, conflict)                     \
  X(category_not_found, 41, not_found)                              \
  X(category_has_products, 42, conflict)                            \
  X(sku_already_exists, 43, conflict)                               \
  X(barcode_already_exists, 44, conflict)                           \
  X(product_not_found, 45, not_found)                               \
  X(supplier_code_already_exists, 46, conflict)                     \
  X(supplier_not_found, 47, not_found)                              \
  X(phone_already_registered, 48, conflict)                         \
  X(customer_not_found, 49, not_found)                              \
  X(loyalty_rule_invalid, 50, invalid)                              \
  /* inventory */                                                   \
  X(product_not_found_in_branch, 60, not_found)                     \
  X(insufficient_stock, 61, invalid)                                \
  X(transfer_branches_must_differ, 62, invalid)                     \
  X(transfer_source_must_be_own_branch, 63, forbidden)              \
  X(products_not_found, 64, not_found)                              \
  /* point of sale */                                               \
  X(product_not_found_or_inactive, 70, not_found)                   \
  X(barcode_not_found, 71, not_found)                               \
  X(cart_item_not_found, 72, not_found)                             \
  X(no_active_cart, 73, not_found)                                  \
  X(cart_empty, 74, invalid)                                        \
  X(discount_exceeds_limit, 75, invalid)                            \
  X(insufficient_payment, 76, invalid)                              \
  X(non_cash_not_allowed_when_cash_covers_total, 77, invalid)       \
  X(non_cash_exceeds_remaining, 78, invalid)                        \
  X(sale_not_found, 79, not_found)                                  \
  X(sale_branch_access_denied, 80, forbidden)                       \
  X(cancelled_sale_cannot_be_returned, 81, invalid)                 \
  X(return_period_expired, 82, invalid)                             \
  X(sale_item_not_found, 83, not_found)                             \
  X(return_exceeds_remaining, 84, invalid)                          \
  X(duplicate_return_line, 85, invalid)                             \
  X(sale_already_cancelled, 86, invalid)                            \
  X(fully_returned_sale_cannot_be_cancelled, 87, invalid)           \
  X(duplicate_sale_line, 88, invalid)                               \
  X(tenders_required, 89, invalid)                                  \
  /* procurement */                                                 \
  X(purchase_order_not_found, 100, not_found)                       \
  X(purchase_order_not_pending_approval, 101, invalid)              \
  X(purchase_order_not_draft, 102, invalid)                         \
  X(purchase_order_not_receivable, 103, invalid)                    \
  X(supplier_does_not_match_purchase_order, 104, invalid)           \
  X(purchase_order_line_mismatch, 105, invalid)                     \
  X(purchase_order_line_overshoot, 106, invalid)                    \
  X(duplicate_goods_receipt_product, 107, conflict)                 \
  X(po_number_already_exists, 108, conflict)

enum class rejection_code : std::uint16_t {
#define LEDGER_REJECTION_ENUM_(name, number, kind) name = number,
  LEDGER_REJECTION_CODES(LEDGER_REJECTION_ENUM_)
#undef LEDGER_REJECTION_ENUM_
};

struct rejection {
  rejection_code code;
  std::string message;  // the contract's message text, values filled in
  friend bool operator==(const rejection&, const rejection&) = default;
};

[[nodiscard]] std::string_view name_of(rejection_code code);
[[nodiscard]] rejection_kind kind_of(rejection_code code);

}  // namespace ledger::engine
