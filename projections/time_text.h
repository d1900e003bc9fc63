#pragma once
// time_text: calendar days and the dates that report queries carry in their query strings.
//
// Times are int64 microseconds since 1970-01-01T00:00:00Z (the ledger's recorded_at_us);
// days are whole UTC days since 1970-01-01 (day 0), negative before it. The ledger works in
// UTC everywhere (api-contract 10.0 [C++]): day boundaries, hours and dates are all UTC.
//
// parse_query_date follows the contract: "Dates in query strings are parsed like JavaScript
// `new Date(str)`: YYYY-MM-DD = UTC midnight; full ISO timestamps accepted". Accepted forms
// (the ECMAScript date-time string format, four-digit years only):
//
//   YYYY | YYYY-MM | YYYY-MM-DD                       first instant of that year/month/day, UTC
//   YYYY-MM-DDTHH:MM[:SS[.fraction]][Z | +HH:MM | -HH:MM]
//
//   * fraction: one or more digits; digits past the sixth (microseconds) are ignored
//     (truncated, never rounded). JavaScript keeps milliseconds only; we keep microseconds.
//   * without Z or an offset a date-time is taken as UTC. (JavaScript would use the local time
//     zone of the process; the server runs in UTC, so both agree there.)
//   * ranges: year 0000..9999, month 01..12, day 01..last day of the month (leap years
//     included: 2024-02-29 is a date, 2023-02-29 is not), hour 00..23 (24:00 is rejected),
//     minute and second 00..59, offset hours 00..23 and minutes 00..59.
//   * anything else is rejected: empty text, whitespace, lowercase 't'/'z', missing or extra
//     digits, trailing characters, a zone on a date-only form.
// A rejected date makes the caller answer 400.
//
// Thread-safety: pure functions.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ledger::projections {

inline constexpr std::int64_t us_per_second = 1'000'000;
inline constexpr std::int64_t us_per_hour = 3'600 * us_per_second;
inline constexpr std::int64_t us_per_day = 24 * us_per_hour;

// The largest |day| whose start and end (day_start_us, day_end_us) fit in int64 microseconds:
// about 292,000 years either side of 1970.
inline constexpr std::int64_t day_magnitude_max = INT64_MAX / us_per_day - 1;

// A proleptic Gregorian calendar date.
struct civil_date {
  std::int64_t year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..31

  friend constexpr bool operator==(const civil_date&, const civil_date&) = default;
};

// Days since 1970-01-01 of a valid date, and back (Howard Hinnant's algorithms, exact for
// every date whose day count fits in int64 arithmetic).
[[nodiscard]] std::int64_t days_from_civil(civil_date date);
[[nodiscard]] civil_date civil_from_days(std::int64_t day);

// True when year/month/day names a real date (month 1..12, day within that month).
[[nodiscard]] bool is_valid_date(std::int64_t year, unsigned month, unsigned day);

// The instant (UTC microseconds) that a query string date names; nullopt when the text is not
// one of the accepted forms above or names no real date or time.
[[nodiscard]] std::optional<std::int64_t> parse_query_date(std::string_view text);

// The UTC day that contains instant `us` (floor division: -1 µs is day -1, 1969-12-31).
[[nodiscard]] std::int64_t utc_day(std::int64_t us);

// The first and the last microsecond of UTC day `day`: 00:00:00.000000 and 23:59:59.999999
// (the contract's end of day 23:59:59.999, extended to the last microsecond). A day between
// them includes both ends. |day| <= day_magnitude_max.
[[nodiscard]] std::int64_t day_start_us(std::int64_t day);
[[nodiscard]] std::int64_t day_end_us(std::int64_t day);

// "YYYY-MM-DD" of UTC day `day` (years 0000..9999 print with four digits).
[[nodiscard]] std::string format_date(std::int64_t day);

// The UTC hour 0..23 of instant `us`.
[[nodiscard]] int utc_hour(std::int64_t us);

}  // namespace ledger::projections
