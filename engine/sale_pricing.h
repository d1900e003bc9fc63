#pragma once
// Sale pricing: the money rules of a sale (api-contract 8.8 steps 4 to 8, with the fixes of
// 15.15 and 15.16) as pure functions over hundredths. check_out_cart and record_sale both sell
// through these, so a cart checkout and a one-shot sale can never price or settle differently.
//
// Every function is pure (no model, no clock) and exact: sums are taken in 128 bits, tax is
// rounded once for the whole sale (money::tax_amount), and a result that would not fit the
// stored money range (money::amount_max) is reported instead of overflowing.
//
// Thread-safety: pure functions.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "engine/commands.h"
#include "engine/rejection.h"

namespace ledger::engine::pricing {

// One line as it is charged: the price per unit, the per-unit discount, the quantity and the
// product's current tax rate (hundredths of a percent).
struct line_charge {
  std::int64_t unit_price = 0;
  std::int64_t discount = 0;
  std::int32_t quantity = 0;
  std::uint32_t tax_rate = 0;
};

// The totals of a sale before its order discount.
struct sale_totals {
  std::vector<std::int64_t> line_subtotals;  // (unit_price - discount) x quantity, per line
  std::int64_t subtotal = 0;                 // Σ line subtotals
  std::int64_t tax = 0;                      // Σ subtotal x rate, rounded once
  std::int64_t pre_discount = 0;             // subtotal + tax
};

// Prices the lines. nullopt when a line subtotal, the subtotal, the tax or their sum would
// exceed money::amount_max (the caller rejects with amount_too_large).
[[nodiscard]] std::optional<sale_totals> price_lines(std::span<const line_charge> lines);

// The grand total after the order discount, or the rejection of a discount above half of the
// pre-discount total (exactly half is allowed). discount_amount >= 0 (validated by the caller).
struct discount_outcome {
  std::optional<rejection> rejected;
  std::int64_t grand_total = 0;
};
[[nodiscard]] discount_outcome apply_discount(std::int64_t pre_discount,
                                              std::int64_t discount_amount);

// How the tenders settle a grand total: the rejection of the first broken payment rule, or the
// change and the tender that hands it out (the first CASH tender in request order).
struct settlement {
  std::optional<rejection> rejected;
  std::int64_t change = 0;
  std::optional<std::size_t> change_tender;  // set when change > 0
};

// Applies the payment rules of api-contract 8.8 step 8 in order: insufficient payment, non-cash
// tenders beside cash that already covers the total, non-cash tenders above what cash leaves.
// Every tender amount is in [0, money::amount_max] and there are at most limits::tenders_max
// of them (validated by the caller).
[[nodiscard]] settlement settle_tenders(std::int64_t grand_total,
                                        std::span<const tender> tenders);

// Loyalty points for an amount under a rule of one point per `spend_per_point`:
// floor(amount / spend_per_point), 0 for amounts <= 0, capped at the int32 range of the
// loyalty events' points fields. spend_per_point > 0.
[[nodiscard]] std::int32_t loyalty_points(std::int64_t amount, std::int64_t spend_per_point);

}  // namespace ledger::engine::pricing
