#pragma once
// Money: int64 in hundredths of the currency unit (DESIGN.md section 2), never floating point.
// Tax rates: hundredths of a percent (8 % = 800). This module is the one place where money is
// rounded (half away from zero) and where decimal text is converted to and from money.
//
// Thread-safety: pure functions.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ledger::money {

// 128-bit intermediate for exact products of money and rates (a GCC/Clang extension).
__extension__ typedef __int128 wide;

inline constexpr std::int64_t minor_per_unit = 100;     // hundredths
inline constexpr std::int64_t rate_denominator = 10000; // percent x hundredths
inline constexpr std::int64_t amount_max = std::int64_t{1} << 53;  // 9e13 units: plenty, and
                                                                   // exact in a JSON double

// numerator / denominator rounded half away from zero. denominator > 0.
[[nodiscard]] std::int64_t divide_rounded(wide numerator, std::int64_t denominator);

// One taxed line: subtotal (hundredths) and its tax rate (hundredths of a percent).
struct taxed_amount {
  std::int64_t subtotal;
  std::uint32_t tax_rate;
};

// Σ subtotal x rate / 100 over all lines, summed exactly and rounded once to hundredths
// (api-contract 15.16 fix: one rounding of the whole tax, half away from zero).
[[nodiscard]] std::int64_t tax_amount(std::span<const taxed_amount> lines);

// The shortest exact decimal text: 1000000 -> "10000", 1250 -> "12.5", 104933 -> "1049.33",
// -5 -> "-0.05". This is how the contract prints stored decimals and numbers in messages.
[[nodiscard]] std::string format_decimal(std::int64_t minor);

// Decimal text (optional sign, digits, optional fraction, optional exponent as JSON allows) to
// hundredths, rounded half away from zero when it has more than two decimals. nullopt when the
// text is not a number or its magnitude exceeds amount_max.
[[nodiscard]] std::optional<std::int64_t> parse_decimal(std::string_view text);

// A tax rate in percent as decimal text ("8", "10.5") to hundredths of a percent.
[[nodiscard]] std::optional<std::uint32_t> parse_tax_rate(std::string_view text);

// Whole points for an amount: floor(amount / spend_per_point); 0 for non-positive amounts.
[[nodiscard]] std::int64_t points_for(std::int64_t amount, std::int64_t spend_per_point);

}  // namespace ledger::money
