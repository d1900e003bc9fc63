#include "events/money.h"

#include <cstdlib>

#include "events/assert.h"

namespace ledger::money {

std::int64_t divide_rounded(wide numerator, std::int64_t denominator) {
  LEDGER_ASSERT(denominator > 0, "denominator {} must be positive", denominator);
  const bool negative = numerator < 0;
  const wide magnitude = negative ? -numerator : numerator;
  wide quotient = magnitude / denominator;
  const wide remainder = magnitude % denominator;
  if (remainder * 2 >= denominator) ++quotient;
  const wide result = negative ? -quotient : quotient;
  LEDGER_ASSERT(result <= INT64_MAX && result >= INT64_MIN, "rounded value overflows int64");
  return static_cast<std::int64_t>(result);
}

std::int64_t tax_amount(std::span<const taxed_amount> lines) {
  wide raw = 0;  // in hundredths x hundredths-of-percent
  for (const taxed_amount& line : lines) {
    raw += static_cast<wide>(line.subtotal) * line.tax_rate;
  }
  return divide_rounded(raw, rate_denominator);
}

std::string format_decimal(std::int64_t minor) {
  const bool negative = minor < 0;
  // Work in unsigned to format INT64_MIN without overflow.
  const std::uint64_t magnitude =
      negative ? ~static_cast<std::uint64_t>(minor) + 1 : static_cast<std::uint64_t>(minor);
  const std::uint64_t units = magnitude / 100;
  const std::uint64_t cents = magnitude % 100;
  std::string text = negative ? "-" : "";
  text += std::to_string(units);
  if (cents != 0) {
    text += '.';
    text += static_cast<char>('0' + cents / 10);
    if (cents % 10 != 0) text += static_cast<char>('0' + cents % 10);
  }
  return text;
}

std::optional<std::int64_t> parse_decimal(std::string_view text) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    negative = text[i] == '-';
    ++i;
  }
  // Collect significant digits and the decimal exponent of the last one.
  wide mantissa = 0;
  int exponent = 0;
  int digits = 0;
  bool any_digit = false;
  auto take_digit = [&](int d, bool fractional) {
    any_digit = true;
    if (digits < 30) {
      mantissa = mantissa * 10 + d;
      if (mantissa != 0) ++digits;
      if (fractional) --exponent;
    } else if (!fractional) {
      ++exponent;  // beyond 30 significant digits: the value is far out of range anyway
    }
  };
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') take_digit(text[i++] - '0', false);
  if (i < text.size() && text[i] == '.') {
    ++i;
    bool fraction_digit = false;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      take_digit(text[i++] - '0', true);
      fraction_digit = true;
    }
    if (!fraction_digit) return std::nullopt;
  }
  if (!any_digit) return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exponent_negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
      exponent_negative = text[i] == '-';
      ++i;
    }
    int e = 0;
    bool exponent_digit = false;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (e < 10000) e = e * 10 + (text[i] - '0');
      ++i;
      exponent_digit = true;
    }
    if (!exponent_digit) return std::nullopt;
    exponent += exponent_negative ? -e : e;
  }
  if (i != text.size()) return std::nullopt;
  // value = mantissa x 10^exponent; we want hundredths: mantissa x 10^(exponent + 2).
  int scale = exponent + 2;
  if (mantissa == 0) return std::int64_t{0};
  const wide limit = static_cast<wide>(amount_max) * 100;
  if (scale >= 0) {
    if (scale > 20) return std::nullopt;
    wide value = mantissa;
    for (int k = 0; k < scale; ++k) {
      value *= 10;
      if (value > limit) return std::nullopt;
    }
    if (value > limit) return std::nullopt;
    return static_cast<std::int64_t>(negative ? -value : value);
  }
  // Divide by 10^-scale with rounding half away from zero.
  if (-scale > 36) return std::int64_t{0};
  wide divisor = 1;
  for (int k = 0; k < -scale; ++k) divisor *= 10;
  wide quotient = mantissa / divisor;
  const wide remainder = mantissa % divisor;
  if (remainder * 2 >= divisor) ++quotient;
  if (quotient > limit) return std::nullopt;
  return static_cast<std::int64_t>(negative ? -quotient : quotient);
}

std::optional<std::uint32_t> parse_tax_rate(std::string_view text) {
  const auto hundredths = parse_decimal(text);
  if (!hundredths || *hundredths < 0 || *hundredths > 100000000) return std::nullopt;
  return static_cast<std::uint32_t>(*hundredths);
}

std::int64_t points_for(std::int64_t amount, std::int64_t spend_per_point) {
  LEDGER_ASSERT(spend_per_point > 0, "spend_per_point {} must be positive", spend_per_point);
  if (amount <= 0) return 0;
  return amount / spend_per_point;
}

}  // namespace ledger::money
