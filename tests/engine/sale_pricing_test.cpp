// Unit tests for engine/sale_pricing (the money rules of a sale, api-contract 8.8 steps 4 to 8
// with the fixes of 15.15 and 15.16). The functions are pure, so each case feeds hand-computed
// hundredths and checks the exact totals, the exact rejection (code and contract message) or
// the exact change. The decider specs in pos_decide_test.cpp cover the same rules end to end.
#include <doctest/doctest.h>

#include <limits>
#include <vector>

#include "engine/limits.h"
#include "engine/sale_pricing.h"
#include "events/money.h"

namespace ledger::engine {
namespace {

tender paid(payment_method method, std::int64_t amount) { return tender{method, amount, ""}; }

constexpr auto cash_method = payment_method::CASH;
constexpr auto bank_method = payment_method::BANK_TRANSFER;
constexpr auto wallet_method = payment_method::E_WALLET;

}  // namespace

TEST_SUITE("engine/sale_pricing") {

TEST_CASE("price_lines: the worked example, 2 x 10000 at 8 %") {
  const std::vector<pricing::line_charge> lines{{1000000, 0, 2, 800}};
  const auto totals = pricing::price_lines(lines);
  REQUIRE(totals.has_value());
  CHECK(totals->line_subtotals == std::vector<std::int64_t>{2000000});
  CHECK(totals->subtotal == 2000000);
  CHECK(totals->tax == 160000);
  CHECK(totals->pre_discount == 2160000);
}

TEST_CASE("price_lines: the per-unit discount comes off the price before the quantity") {
  const std::vector<pricing::line_charge> lines{{1000000, 100000, 3, 0}, {500, 0, 1, 1000}};
  const auto totals = pricing::price_lines(lines);
  REQUIRE(totals.has_value());
  CHECK(totals->line_subtotals == std::vector<std::int64_t>{2700000, 500});
  CHECK(totals->subtotal == 2700500);
  CHECK(totals->tax == 50);
  CHECK(totals->pre_discount == 2700550);
}

TEST_CASE("price_lines: tax is rounded once over the whole sale, half away from zero") {
  // Each line's exact tax is 100000.5 hundredths: rounded per line that would be 200002, once
  // it is 200001.
  const std::vector<pricing::line_charge> half{{1000005, 0, 1, 1000}, {1000005, 0, 1, 1000}};
  const auto halves = pricing::price_lines(half);
  REQUIRE(halves.has_value());
  CHECK(halves->tax == 200001);
  CHECK(halves->pre_discount == 2200011);

  // Each line's exact tax is 80000.4: per line 160000, once 160001 (0.8 rounds up).
  const std::vector<pricing::line_charge> fifths{{1000005, 0, 1, 800}, {1000005, 0, 1, 800}};
  const auto rounded = pricing::price_lines(fifths);
  REQUIRE(rounded.has_value());
  CHECK(rounded->tax == 160001);

  // A single exact half rounds up.
  const std::vector<pricing::line_charge> one{{5, 0, 1, 1000}};
  const auto single = pricing::price_lines(one);
  REQUIRE(single.has_value());
  CHECK(single->tax == 1);
}

TEST_CASE("price_lines: totals beyond the money range are refused, the range itself is not") {
  const std::vector<pricing::line_charge> at_limit{{money::amount_max, 0, 1, 0}};
  const auto fits = pricing::price_lines(at_limit);
  REQUIRE(fits.has_value());
  CHECK(fits->pre_discount == money::amount_max);

  const std::vector<pricing::line_charge> line_too_big{{money::amount_max, 0, 2, 0}};
  CHECK_FALSE(pricing::price_lines(line_too_big).has_value());

  const std::vector<pricing::line_charge> sum_too_big{{money::amount_max, 0, 1, 0}, {1, 0, 1, 0}};
  CHECK_FALSE(pricing::price_lines(sum_too_big).has_value());

  const std::vector<pricing::line_charge> tax_too_big{{money::amount_max, 0, 1, 800}};
  CHECK_FALSE(pricing::price_lines(tax_too_big).has_value());

  // An absurd tax rate on an ordinary price must be refused, not overflow the rounding.
  const std::vector<pricing::line_charge> huge_rate{
      {money::amount_max / 2, 0, 1, std::numeric_limits<std::uint32_t>::max()}};
  CHECK_FALSE(pricing::price_lines(huge_rate).has_value());
}

TEST_CASE("apply_discount: exactly half is allowed, a hundredth more is not") {
  const auto half = pricing::apply_discount(2160000, 1080000);
  CHECK_FALSE(half.rejected.has_value());
  CHECK(half.grand_total == 1080000);

  const auto none = pricing::apply_discount(2160000, 0);
  CHECK_FALSE(none.rejected.has_value());
  CHECK(none.grand_total == 2160000);

  const auto over = pricing::apply_discount(2160000, 1080001);
  REQUIRE(over.rejected.has_value());
  CHECK(over.rejected->code == rejection_code::discount_exceeds_limit);
  CHECK(over.rejected->message == "Discount exceeds 50% limit. Discount: 10800.01, Total: 21600");

  // On an odd number of hundredths, half is not a whole hundredth: 1 of 3 is fine, 2 is not.
  CHECK_FALSE(pricing::apply_discount(3, 1).rejected.has_value());
  CHECK(pricing::apply_discount(3, 2).rejected.has_value());
  // A free sale allows no discount at all.
  CHECK_FALSE(pricing::apply_discount(0, 0).rejected.has_value());
  CHECK(pricing::apply_discount(0, 1).rejected.has_value());
}

TEST_CASE("settle_tenders: cash over-pays and the change goes to the first cash tender") {
  const std::vector<tender> one{paid(cash_method, 5000000)};
  const auto single = pricing::settle_tenders(2160000, one);
  CHECK_FALSE(single.rejected.has_value());
  CHECK(single.change == 2840000);
  CHECK(single.change_tender == std::optional<std::size_t>{0});

  const std::vector<tender> two_cash{paid(cash_method, 100000), paid(cash_method, 5000000)};
  const auto split = pricing::settle_tenders(2160000, two_cash);
  CHECK_FALSE(split.rejected.has_value());
  CHECK(split.change == 2940000);
  CHECK(split.change_tender == std::optional<std::size_t>{0});
}

TEST_CASE("settle_tenders: exact and split payments give no change") {
  const std::vector<tender> exact{paid(bank_method, 2160000)};
  const auto bank_only = pricing::settle_tenders(2160000, exact);
  CHECK_FALSE(bank_only.rejected.has_value());
  CHECK(bank_only.change == 0);
  CHECK_FALSE(bank_only.change_tender.has_value());

  const std::vector<tender> mixed{paid(wallet_method, 1160000), paid(cash_method, 1000000)};
  const auto split = pricing::settle_tenders(2160000, mixed);
  CHECK_FALSE(split.rejected.has_value());
  CHECK(split.change == 0);

  const std::vector<tender> nothing{paid(cash_method, 0)};
  const auto free_sale = pricing::settle_tenders(0, nothing);
  CHECK_FALSE(free_sale.rejected.has_value());
  CHECK(free_sale.change == 0);
}

TEST_CASE("settle_tenders: the payment rules in order, with the contract's messages") {
  SUBCASE("too little is paid") {
    const std::vector<tender> short_by_one{paid(cash_method, 2000000), paid(bank_method, 159999)};
    const auto result = pricing::settle_tenders(2160000, short_by_one);
    REQUIRE(result.rejected.has_value());
    CHECK(result.rejected->code == rejection_code::insufficient_payment);
    CHECK(result.rejected->message == "Insufficient payment. Total: 21600, Paid: 21599.99");
  }
  SUBCASE("insufficient payment is reported before the non-cash rules") {
    const std::vector<tender> both{paid(bank_method, 100), paid(cash_method, 100)};
    const auto result = pricing::settle_tenders(2160000, both);
    REQUIRE(result.rejected.has_value());
    CHECK(result.rejected->code == rejection_code::insufficient_payment);
  }
  SUBCASE("non-cash beside cash that covers the total exactly") {
    const std::vector<tender> tenders{paid(cash_method, 2160000), paid(bank_method, 1)};
    const auto result = pricing::settle_tenders(2160000, tenders);
    REQUIRE(result.rejected.has_value());
    CHECK(result.rejected->code == rejection_code::non_cash_not_allowed_when_cash_covers_total);
    CHECK(result.rejected->message ==
          "Non-cash payment is not allowed when cash payment already covers or exceeds the "
          "grand total. Non-cash: 0.01, Remaining: 0");
  }
  SUBCASE("non-cash beside cash that exceeds the total") {
    const std::vector<tender> tenders{paid(wallet_method, 100000), paid(cash_method, 3000000)};
    const auto result = pricing::settle_tenders(2160000, tenders);
    REQUIRE(result.rejected.has_value());
    CHECK(result.rejected->code == rejection_code::non_cash_not_allowed_when_cash_covers_total);
    CHECK(result.rejected->message ==
          "Non-cash payment is not allowed when cash payment already covers or exceeds the "
          "grand total. Non-cash: 1000, Remaining: -8400");
  }
  SUBCASE("non-cash above what cash leaves") {
    const std::vector<tender> tenders{paid(cash_method, 1000000), paid(bank_method, 2000000)};
    const auto result = pricing::settle_tenders(2160000, tenders);
    REQUIRE(result.rejected.has_value());
    CHECK(result.rejected->code == rejection_code::non_cash_exceeds_remaining);
    CHECK(result.rejected->message ==
          "Non-cash payment exceeds remaining amount. Non-cash: 20000, Remaining: 11600");
  }
  SUBCASE("non-cash alone above the total") {
    const std::vector<tender> tenders{paid(bank_method, 2160001)};
    const auto result = pricing::settle_tenders(2160000, tenders);
    REQUIRE(result.rejected.has_value());
    CHECK(result.rejected->code == rejection_code::non_cash_exceeds_remaining);
    CHECK(result.rejected->message ==
          "Non-cash payment exceeds remaining amount. Non-cash: 21600.01, Remaining: 21600");
  }
  SUBCASE("non-cash on a free sale") {
    const std::vector<tender> tenders{paid(bank_method, 1)};
    const auto result = pricing::settle_tenders(0, tenders);
    REQUIRE(result.rejected.has_value());
    CHECK(result.rejected->code == rejection_code::non_cash_not_allowed_when_cash_covers_total);
  }
}

TEST_CASE("settle_tenders: the largest tenders sum exactly") {
  const std::vector<tender> many(limits::tenders_max, paid(cash_method, money::amount_max));
  const auto result = pricing::settle_tenders(money::amount_max, many);
  CHECK_FALSE(result.rejected.has_value());
  CHECK(result.change ==
        static_cast<std::int64_t>(limits::tenders_max - 1) * money::amount_max);
}

TEST_CASE("loyalty_points: floor of amount over spend per point, capped at the event range") {
  CHECK(pricing::loyalty_points(25000000, 10000000) == 2);   // 250 000 -> 2 points
  CHECK(pricing::loyalty_points(9999999, 10000000) == 0);
  CHECK(pricing::loyalty_points(10000000, 10000000) == 1);
  CHECK(pricing::loyalty_points(0, 10000000) == 0);
  CHECK(pricing::loyalty_points(-10000000, 10000000) == 0);
  CHECK(pricing::loyalty_points(money::amount_max, 1) == std::numeric_limits<std::int32_t>::max());
}

}  // TEST_SUITE
}  // namespace ledger::engine
