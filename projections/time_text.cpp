#include "projections/time_text.h"

#include <fmt/format.h>

#include "events/assert.h"

namespace ledger::projections {

namespace {

// Floor division and the matching non-negative remainder, for divisor > 0.
constexpr std::int64_t floor_div(std::int64_t value, std::int64_t divisor) {
  const std::int64_t quotient = value / divisor;
  return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
}

constexpr std::int64_t floor_mod(std::int64_t value, std::int64_t divisor) {
  return value - floor_div(value, divisor) * divisor;
}

constexpr bool is_leap_year(std::int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

constexpr unsigned last_day_of_month(std::int64_t year, unsigned month) {
  constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

// A cursor over the query text. Every reader either consumes what it matched or nothing.
class date_reader {
 public:
  explicit date_reader(std::string_view text) : text_(text) {}

  [[nodiscard]] bool at_end() const { return at_ == text_.size(); }

  // Exactly `count` decimal digits.
  [[nodiscard]] std::optional<unsigned> digits(std::size_t count) {
    if (text_.size() - at_ < count) return std::nullopt;
    unsigned value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text_[at_ + i];
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    at_ += count;
    return value;
  }

  // Consumes `c` when it is next.
  [[nodiscard]] bool skip(char c) {
    if (at_end() || text_[at_] != c) return false;
    ++at_;
    return true;
  }

  // One or more digits as microseconds: the first six count, the rest are dropped.
  [[nodiscard]] std::optional<std::int64_t> fraction_us() {
    std::int64_t us = 0;
    std::int64_t scale = 100'000;
    std::size_t count = 0;
    while (!at_end() && text_[at_] >= '0' && text_[at_] <= '9') {
      us += (text_[at_] - '0') * scale;
      scale /= 10;  // 0 after the sixth digit
      ++at_;
      ++count;
    }
    if (count == 0) return std::nullopt;
    return us;
  }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
};

// The part after 'T': HH:MM[:SS[.fraction]][Z|±HH:MM], as microseconds from the day's start
// in UTC (may fall outside 0..us_per_day once the offset is applied).
std::optional<std::int64_t> parse_time_of_day(date_reader& reader) {
  const auto hour = reader.digits(2);
  if (!hour || *hour > 23 || !reader.skip(':')) return std::nullopt;
  const auto minute = reader.digits(2);
  if (!minute || *minute > 59) return std::nullopt;
  unsigned second = 0;
  std::int64_t fraction = 0;
  if (reader.skip(':')) {
    const auto seconds = reader.digits(2);
    if (!seconds || *seconds > 59) return std::nullopt;
    second = *seconds;
    if (reader.skip('.')) {
      const auto us = reader.fraction_us();
      if (!us) return std::nullopt;
      fraction = *us;
    }
  }
  std::int64_t offset_minutes = 0;
  if (reader.skip('Z')) {
    // UTC.
  } else if (const bool plus = reader.skip('+'); plus || reader.skip('-')) {
    const auto offset_hour = reader.digits(2);
    if (!offset_hour || *offset_hour > 23 || !reader.skip(':')) return std::nullopt;
    const auto offset_minute = reader.digits(2);
    if (!offset_minute || *offset_minute > 59) return std::nullopt;
    offset_minutes = static_cast<std::int64_t>(*offset_hour * 60 + *offset_minute);
    if (!plus) offset_minutes = -offset_minutes;
  }
  const std::int64_t local_us =
      (static_cast<std::int64_t>(*hour) * 3600 + *minute * 60 + second) * us_per_second + fraction;
  // Local time = UTC + offset, so UTC = local time - offset.
  return local_us - offset_minutes * 60 * us_per_second;
}

}  // namespace

std::int64_t days_from_civil(civil_date date) {
  LEDGER_ASSERT(is_valid_date(date.year, date.month, date.day), "{}-{}-{} is not a date",
                date.year, date.month, date.day);
  const std::int64_t year = date.year - (date.month <= 2 ? 1 : 0);
  const std::int64_t era = floor_div(year, 400);
  const auto year_of_era = static_cast<unsigned>(year - era * 400);                   // [0, 399]
  const unsigned month_from_march = date.month > 2 ? date.month - 3 : date.month + 9;  // [0, 11]
  const unsigned day_of_year = (153 * month_from_march + 2) / 5 + date.day - 1;        // [0, 365]
  const unsigned day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;  // [0, 146096]
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

civil_date civil_from_days(std::int64_t day) {
  const std::int64_t shifted = day + 719468;  // days since 0000-03-01
  const std::int64_t era = floor_div(shifted, 146097);
  const auto day_of_era = static_cast<unsigned>(shifted - era * 146097);  // [0, 146096]
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);  // [0, 365]
  const unsigned month_from_march = (5 * day_of_year + 2) / 153;  // [0, 11]
  civil_date date;
  date.day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
  date.month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
  date.year = static_cast<std::int64_t>(year_of_era) + era * 400 + (date.month <= 2 ? 1 : 0);
  return date;
}

bool is_valid_date(std::int64_t year, unsigned month, unsigned day) {
  return month >= 1 && month <= 12 && day >= 1 && day <= last_day_of_month(year, month);
}

std::optional<std::int64_t> parse_query_date(std::string_view text) {
  date_reader reader(text);
  const auto year = reader.digits(4);
  if (!year) return std::nullopt;
  unsigned month = 1;
  unsigned day = 1;
  bool full_date = false;
  if (reader.skip('-')) {
    const auto month_digits = reader.digits(2);
    if (!month_digits) return std::nullopt;
    month = *month_digits;
    if (reader.skip('-')) {
      const auto day_digits = reader.digits(2);
      if (!day_digits) return std::nullopt;
      day = *day_digits;
      full_date = true;
    }
  }
  if (!is_valid_date(*year, month, day)) return std::nullopt;
  const std::int64_t midnight = days_from_civil({*year, month, day}) * us_per_day;
  if (reader.at_end()) return midnight;
  // A time of day needs the full date in front of it.
  if (!full_date || !reader.skip('T')) return std::nullopt;
  const auto time_us = parse_time_of_day(reader);
  if (!time_us || !reader.at_end()) return std::nullopt;
  return midnight + *time_us;
}

std::int64_t utc_day(std::int64_t us) { return floor_div(us, us_per_day); }

std::int64_t day_start_us(std::int64_t day) {
  LEDGER_ASSERT(day >= -day_magnitude_max && day <= day_magnitude_max, "day {} out of range", day);
  return day * us_per_day;
}

std::int64_t day_end_us(std::int64_t day) { return day_start_us(day) + (us_per_day - 1); }

std::string format_date(std::int64_t day) {
  const civil_date date = civil_from_days(day);
  return fmt::format("{:04}-{:02}-{:02}", date.year, date.month, date.day);
}

int utc_hour(std::int64_t us) { return static_cast<int>(floor_mod(us, us_per_day) / us_per_hour); }

}  // namespace ledger::projections
