// Money arithmetic and decimal text (events/money.h): the one place money is rounded.
//
// How: table-driven rows of inputs and expected hundredths, including the half-way cases in
// both signs (rounding is half away from zero), a tax total that rounds once over all lines
// (and so differs from the sum of per-line rounded taxes), the contract's decimal formats, and
// text that must be rejected (not a number, out of range).
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "events/money.h"

namespace {

namespace money = ledger::money;

struct parse_row {
  const char* text;
  std::optional<std::int64_t> minor;
};

}  // namespace

TEST_SUITE("events/money") {

TEST_CASE("divide_rounded: half away from zero, both signs") {
  struct row {
    std::int64_t numerator;
    std::int64_t denominator;
    std::int64_t expected;
  };
  const row rows[] = {
      {0, 10, 0},     {4, 10, 0},     {5, 10, 1},     {6, 10, 1},    {14, 10, 1},
      {15, 10, 2},    {25, 10, 3},    {-4, 10, 0},    {-5, 10, -1},  {-6, 10, -1},
      {-15, 10, -2},  {-25, 10, -3},  {1, 3, 0},      {2, 3, 1},     {-2, 3, -1},
      {7, 1, 7},      {-7, 1, -7},    {49, 100, 0},   {50, 100, 1},  {-50, 100, -1},
      {9999, 10000, 1}, {4999, 10000, 0}, {5000, 10000, 1}, {-5000, 10000, -1},
  };
  for (const row& r : rows) {
    CAPTURE(r.numerator);
    CAPTURE(r.denominator);
    CHECK(money::divide_rounded(r.numerator, r.denominator) == r.expected);
  }
  // 128-bit numerators (money x rate products) divide exactly.
  const money::wide big = static_cast<money::wide>(INT64_MAX) * 10000 + 4999;
  CHECK(money::divide_rounded(big, 10000) == INT64_MAX);
  CHECK(money::divide_rounded(-big, 10000) == -INT64_MAX);
}

TEST_CASE("tax_amount rounds once over all lines") {
  // Three lines of 1.06 at 8 %: each line's tax is 0.0848 (rounds to 0.08), the total tax is
  // 0.2544 (rounds to 0.25). Rounding per line would give 0.24.
  const money::taxed_amount three[] = {{106, 800}, {106, 800}, {106, 800}};
  CHECK(money::tax_amount(three) == 25);
  std::int64_t per_line = 0;
  for (const auto& line : three) per_line += money::tax_amount(std::span(&line, 1));
  CHECK(per_line == 24);

  // Half-way per line: three lines of 1.00 at 0.5 % are 0.005 each (each rounds up to 0.01);
  // the total 0.015 rounds once to 0.02, not 0.03.
  const money::taxed_amount halves[] = {{100, 50}, {100, 50}, {100, 50}};
  CHECK(money::tax_amount(halves) == 2);

  // Mixed rates, as in a real cart: 52500.00 at 8 % + 9990.00 at 10 % = 4200.00 + 999.00.
  const money::taxed_amount mixed[] = {{5'250'000, 800}, {999'000, 1000}};
  CHECK(money::tax_amount(mixed) == 519'900);

  // Negative subtotals (refunds) round away from zero too: -0.0848 x 3 = -0.2544 -> -0.25.
  const money::taxed_amount refunds[] = {{-106, 800}, {-106, 800}, {-106, 800}};
  CHECK(money::tax_amount(refunds) == -25);

  CHECK(money::tax_amount({}) == 0);
  const money::taxed_amount untaxed[] = {{123'456, 0}};
  CHECK(money::tax_amount(untaxed) == 0);
}

TEST_CASE("format_decimal: the shortest exact decimal") {
  CHECK(money::format_decimal(1'000'000) == "10000");
  CHECK(money::format_decimal(1250) == "12.5");
  CHECK(money::format_decimal(104'933) == "1049.33");
  CHECK(money::format_decimal(0) == "0");
  CHECK(money::format_decimal(-5) == "-0.05");
  CHECK(money::format_decimal(5) == "0.05");
  CHECK(money::format_decimal(10) == "0.1");
  CHECK(money::format_decimal(100) == "1");
  CHECK(money::format_decimal(-1250) == "-12.5");
  CHECK(money::format_decimal(-100) == "-1");
  CHECK(money::format_decimal(101) == "1.01");
  CHECK(money::format_decimal(INT64_MAX) == "92233720368547758.07");
  CHECK(money::format_decimal(INT64_MIN) == "-92233720368547758.08");
}

TEST_CASE("parse_decimal: decimal text to hundredths, half away from zero") {
  const std::int64_t limit = money::amount_max * 100;  // hundredths of 2^53 units
  const parse_row rows[] = {
      {"10000", 1'000'000},
      {"12.5", 1250},
      {"1049.33", 104'933},
      {"1049.325", 104'933},   // half-way: away from zero
      {"1049.3249", 104'932},
      {"-1.005", -101},        // half-way, negative: away from zero
      {"-1.0049", -100},
      {"0.005", 1},
      {"-0.005", -1},
      {"0.0049", 0},
      {"0", 0},
      {"-0", 0},
      {"0.00", 0},
      {"1e3", 100'000},
      {"1E3", 100'000},
      {"1e+3", 100'000},
      {"1.5e2", 15'000},
      {"1e-2", 1},
      {"5e-3", 1},
      {"-5e-3", -1},
      {"1e-40", 0},
      {"12345678901234567890123456789e-27", 1235},  // many digits, then scaled down
      {"9007199254740992", limit},                  // 2^53 units: the largest amount
      {"-9007199254740992", -limit},
      {"9007199254740992.01", std::nullopt},        // one hundredth too much
      {"9007199254740993", std::nullopt},
      {"1e30", std::nullopt},
      {"1e10000", std::nullopt},
      {"123456789012345678901234567890123456789", std::nullopt},
      {"abc", std::nullopt},
      {"", std::nullopt},
      {"-", std::nullopt},
      {"+", std::nullopt},
      {".", std::nullopt},
      {"1.", std::nullopt},
      {"1..2", std::nullopt},
      {"1.2.3", std::nullopt},
      {"1e", std::nullopt},
      {"1e+", std::nullopt},
      {"e3", std::nullopt},
      {" 1", std::nullopt},
      {"1 ", std::nullopt},
      {"1,5", std::nullopt},
      {"--1", std::nullopt},
      {"0x10", std::nullopt},
      {"NaN", std::nullopt},
      {"Infinity", std::nullopt},
  };
  for (const parse_row& r : rows) {
    CAPTURE(r.text);
    CHECK(money::parse_decimal(r.text) == r.minor);
  }
}

TEST_CASE("parse_decimal and format_decimal are inverse on hundredths") {
  for (const std::int64_t minor :
       {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, std::int64_t{10}, std::int64_t{99},
        std::int64_t{100}, std::int64_t{104'933}, std::int64_t{-104'933},
        money::amount_max * 100, -money::amount_max * 100}) {
    CAPTURE(minor);
    CHECK(money::parse_decimal(money::format_decimal(minor)) == minor);
  }
}

TEST_CASE("parse_tax_rate: percent text to hundredths of a percent") {
  CHECK(money::parse_tax_rate("8") == 800u);
  CHECK(money::parse_tax_rate("10.5") == 1050u);
  CHECK(money::parse_tax_rate("0") == 0u);
  CHECK(money::parse_tax_rate("0.01") == 1u);
  CHECK(money::parse_tax_rate("8.125") == 813u);  // half-way: away from zero
  CHECK(money::parse_tax_rate("100") == 10'000u);
  CHECK(money::parse_tax_rate("1e1") == 1000u);
  CHECK(money::parse_tax_rate("1000000") == 100'000'000u);  // the documented upper bound
  CHECK_FALSE(money::parse_tax_rate("1000000.01").has_value());
  CHECK_FALSE(money::parse_tax_rate("-1").has_value());
  CHECK_FALSE(money::parse_tax_rate("-0.01").has_value());
  CHECK_FALSE(money::parse_tax_rate("abc").has_value());
  CHECK_FALSE(money::parse_tax_rate("").has_value());
  CHECK_FALSE(money::parse_tax_rate("8%").has_value());
}

TEST_CASE("points_for: whole points, floor, none for non-positive amounts") {
  CHECK(money::points_for(250'000, 100'000) == 2);
  CHECK(money::points_for(200'000, 100'000) == 2);
  CHECK(money::points_for(199'999, 100'000) == 1);
  CHECK(money::points_for(99'999, 100'000) == 0);
  CHECK(money::points_for(100'000, 100'000) == 1);
  CHECK(money::points_for(0, 100'000) == 0);
  CHECK(money::points_for(-500'000, 100'000) == 0);
  CHECK(money::points_for(35'750'000, 10'000'000) == 3);
  CHECK(money::points_for(INT64_MAX, 1) == INT64_MAX);
}

}  // TEST_SUITE
