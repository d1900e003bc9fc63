#include "engine/sale_pricing.h"

#include <fmt/format.h>

#include <limits>

#include "engine/limits.h"
#include "events/assert.h"
#include "events/money.h"

namespace ledger::engine::pricing {
namespace {

using money::format_decimal;
using money::wide;

constexpr wide amount_max_wide = money::amount_max;

}  // namespace

std::optional<sale_totals> price_lines(std::span<const line_charge> lines) {
  LEDGER_ASSERT(!lines.empty(), "a sale is priced with at least one line");
  LEDGER_ASSERT(lines.size() <= limits::document_lines_max, "{} lines priced, more than {}",
                lines.size(), limits::document_lines_max);
  sale_totals totals;
  totals.line_subtotals.reserve(lines.size());
  std::vector<money::taxed_amount> taxed;
  taxed.reserve(lines.size());
  wide subtotal = 0;
  wide raw_tax = 0;  // hundredths x hundredths of a percent, only to bound the rounded tax
  for (const line_charge& line : lines) {
    LEDGER_ASSERT(line.quantity > 0, "priced line of {} units", line.quantity);
    LEDGER_ASSERT(line.discount >= 0 && line.discount <= line.unit_price,
                  "per-unit discount {} outside [0, {}]", line.discount, line.unit_price);
    const wide line_subtotal = static_cast<wide>(line.unit_price - line.discount) * line.quantity;
    if (line_subtotal > amount_max_wide) return std::nullopt;
    subtotal += line_subtotal;
    if (subtotal > amount_max_wide) return std::nullopt;
    raw_tax += line_subtotal * line.tax_rate;
    totals.line_subtotals.push_back(static_cast<std::int64_t>(line_subtotal));
    taxed.push_back(money::taxed_amount{static_cast<std::int64_t>(line_subtotal), line.tax_rate});
  }
  // The rounded tax stays within the money range when the exact tax does (a tax rate is not
  // bounded by the catalog, so a huge rate must be refused here rather than overflow).
  if (raw_tax > amount_max_wide * money::rate_denominator) return std::nullopt;
  totals.subtotal = static_cast<std::int64_t>(subtotal);
  totals.tax = money::tax_amount(taxed);
  const wide pre_discount = static_cast<wide>(totals.subtotal) + totals.tax;
  if (pre_discount > amount_max_wide) return std::nullopt;
  totals.pre_discount = static_cast<std::int64_t>(pre_discount);
  LEDGER_ASSERT(totals.tax >= 0, "negative tax {} on non-negative lines", totals.tax);
  LEDGER_ASSERT(totals.line_subtotals.size() == lines.size(), "one subtotal per line");
  return totals;
}

discount_outcome apply_discount(std::int64_t pre_discount, std::int64_t discount_amount) {
  LEDGER_ASSERT(pre_discount >= 0 && pre_discount <= money::amount_max,
                "pre-discount total {} outside the money range", pre_discount);
  LEDGER_ASSERT(discount_amount >= 0 && discount_amount <= money::amount_max,
                "discount {} was not validated", discount_amount);
  discount_outcome outcome;
  // The cap compares discount > total x 0.5; doubling the discount keeps it exact in hundredths.
  if (static_cast<wide>(discount_amount) * 2 > pre_discount) {
    outcome.rejected = rejection{
        rejection_code::discount_exceeds_limit,
        fmt::format("Discount exceeds 50% limit. Discount: {}, Total: {}",
                    format_decimal(discount_amount), format_decimal(pre_discount))};
    return outcome;
  }
  outcome.grand_total = pre_discount - discount_amount;
  LEDGER_ASSERT(outcome.grand_total >= 0 && outcome.grand_total <= pre_discount,
                "grand total {} outside [0, {}]", outcome.grand_total, pre_discount);
  return outcome;
}

settlement settle_tenders(std::int64_t grand_total, std::span<const tender> tenders) {
  LEDGER_ASSERT(grand_total >= 0 && grand_total <= money::amount_max,
                "grand total {} outside the money range", grand_total);
  LEDGER_ASSERT(!tenders.empty() && tenders.size() <= limits::tenders_max,
                "{} tenders were not validated", tenders.size());
  settlement result;
  // At most tenders_max amounts of at most amount_max each: the sums fit int64 exactly.
  static_assert(limits::tenders_max * static_cast<wide>(money::amount_max) <
                std::numeric_limits<std::int64_t>::max());
  std::int64_t total_paid = 0;
  std::int64_t cash = 0;
  std::optional<std::size_t> first_cash;
  for (std::size_t i = 0; i < tenders.size(); ++i) {
    const tender& t = tenders[i];
    LEDGER_ASSERT(t.amount >= 0 && t.amount <= money::amount_max,
                  "tender amount {} was not validated", t.amount);
    total_paid += t.amount;
    if (t.method == payment_method::CASH) {
      cash += t.amount;
      if (!first_cash) first_cash = i;
    }
  }
  if (total_paid < grand_total) {
    result.rejected = rejection{rejection_code::insufficient_payment,
                                fmt::format("Insufficient payment. Total: {}, Paid: {}",
                                            format_decimal(grand_total),
                                            format_decimal(total_paid))};
    return result;
  }
  const std::int64_t non_cash = total_paid - cash;
  const std::int64_t remaining = grand_total - cash;
  if (non_cash > 0 && remaining <= 0) {
    result.rejected = rejection{
        rejection_code::non_cash_not_allowed_when_cash_covers_total,
        fmt::format("Non-cash payment is not allowed when cash payment already covers or exceeds "
                    "the grand total. Non-cash: {}, Remaining: {}",
                    format_decimal(non_cash), format_decimal(remaining))};
    return result;
  }
  if (remaining > 0 && non_cash > remaining) {
    result.rejected =
        rejection{rejection_code::non_cash_exceeds_remaining,
                  fmt::format("Non-cash payment exceeds remaining amount. Non-cash: {}, "
                              "Remaining: {}",
                              format_decimal(non_cash), format_decimal(remaining))};
    return result;
  }
  result.change = total_paid - grand_total;
  if (result.change > 0) {
    // Only cash can over-pay (the two rules above refuse any non-cash excess), so a sale
    // with change always has a cash tender to hand it out.
    LEDGER_ASSERT(first_cash.has_value(), "change {} without a cash tender", result.change);
    LEDGER_ASSERT(result.change <= cash, "change {} exceeds the cash tendered {}", result.change,
                  cash);
    result.change_tender = first_cash;
  }
  return result;
}

std::int32_t loyalty_points(std::int64_t amount, std::int64_t spend_per_point) {
  LEDGER_ASSERT(spend_per_point > 0, "loyalty rule with spend_per_point {}", spend_per_point);
  const std::int64_t points = money::points_for(amount, spend_per_point);
  LEDGER_ASSERT(points >= 0, "negative points {} for amount {}", points, amount);
  // The events carry points as int32; a sale worth more than that many points is far outside
  // any real rule, so the count is capped rather than wrapped.
  constexpr std::int64_t points_max = std::numeric_limits<std::int32_t>::max();
  return static_cast<std::int32_t>(points < points_max ? points : points_max);
}

}  // namespace ledger::engine::pricing
