// Calendar days and query-string dates (projections/time_text.h).
//
// How: parse_query_date is checked against instants computed independently (Python's datetime)
// for every accepted form: date-only forms at UTC midnight, date-times with and without
// seconds, fractions of every length (truncated past microseconds), Z, positive and negative
// offsets that move the instant across a day and a year boundary. A table of texts that must
// be rejected covers impossible dates (2023-02-29, 1900-02-29, April 31), out-of-range times,
// malformed offsets and fractions, wrong digit counts, letter case, whitespace and trailing
// characters. The day functions are checked at and around the epoch (negative instants floor
// to the previous day), and the calendar conversion is checked for every day of years
// 0000..9999: consecutive days give consecutive dates, and dates convert back to their day.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "projections/time_text.h"

namespace {

namespace pj = ledger::projections;

struct accepted_row {
  std::string_view text;
  std::int64_t us;
};

}  // namespace

TEST_SUITE("projections/time_text") {

TEST_CASE("parse_query_date: date-only forms are UTC midnight") {
  const accepted_row rows[] = {
      {"2024-02-29", 1'709'164'800'000'000},  // leap day
      {"2000-02-29", 951'782'400'000'000},    // leap day of a year divisible by 400
      {"2024-01-01", 1'704'067'200'000'000},
      {"2024-03", 1'709'251'200'000'000},     // the first of the month
      {"2024", 1'704'067'200'000'000},        // the first of January
      {"1970-01-01", 0},
      {"1969-12-31", -86'400'000'000},
      {"0000-01-01", -719'528 * pj::us_per_day},
  };
  for (const accepted_row& row : rows) {
    CAPTURE(row.text);
    CHECK(pj::parse_query_date(row.text) == std::optional<std::int64_t>(row.us));
  }
}

TEST_CASE("parse_query_date: date-times with Z, offsets, or no zone (UTC)") {
  const accepted_row rows[] = {
      {"2025-05-31T01:59:10.247Z", 1'748'656'750'247'000},
      {"2025-05-31T01:59:10.247", 1'748'656'750'247'000},      // no zone: UTC
      {"2025-05-31T01:59:10.247+00:00", 1'748'656'750'247'000},
      {"2025-05-31T01:59:10.247-00:00", 1'748'656'750'247'000},
      {"2025-05-31T08:00:00+07:00", 1'748'653'200'000'000},    // 01:00Z
      {"2025-05-31T08:00+07:00", 1'748'653'200'000'000},       // without seconds
      {"2025-05-31T01:00Z", 1'748'653'200'000'000},
      {"2025-05-31T01:00", 1'748'653'200'000'000},
      {"2025-05-31T23:30-01:00", 1'748'737'800'000'000},       // next day 00:30Z
      {"2025-01-01T00:00:00+07:00", 1'735'664'400'000'000},    // previous year 17:00Z
      {"2024-02-29T12:00", 1'709'208'000'000'000},
      {"9999-12-31T23:59:59.999999Z", 253'402'300'799'999'999},
      {"1969-12-31T23:59:59.999999Z", -1},
      {"1970-01-01T00:00:00+00:01", -60'000'000},
      {"2025-12-31T23:59:59.999999-14:00", 1'767'275'999'999'999},
  };
  for (const accepted_row& row : rows) {
    CAPTURE(row.text);
    CHECK(pj::parse_query_date(row.text) == std::optional<std::int64_t>(row.us));
  }
}

TEST_CASE("parse_query_date: fractions of a second, truncated to microseconds") {
  const std::int64_t second = 1'748'686'530'000'000;  // 2025-05-31T10:15:30Z
  const accepted_row rows[] = {
      {"2025-05-31T10:15:30Z", 0},
      {"2025-05-31T10:15:30.1Z", 100'000},
      {"2025-05-31T10:15:30.12Z", 120'000},
      {"2025-05-31T10:15:30.123Z", 123'000},
      {"2025-05-31T10:15:30.0001Z", 100},
      {"2025-05-31T10:15:30.123456Z", 123'456},
      {"2025-05-31T10:15:30.1234567Z", 123'456},        // truncated, not rounded
      {"2025-05-31T10:15:30.9999999999Z", 999'999},     // never carries into the next second
      {"2025-05-31T10:15:30.000000001", 0},
      {"2025-05-31T10:15:30.5+07:00", 500'000 - 7 * 3'600'000'000},
  };
  for (const accepted_row& row : rows) {
    CAPTURE(row.text);
    CHECK(pj::parse_query_date(row.text) == std::optional<std::int64_t>(second + row.us));
  }
}

TEST_CASE("parse_query_date: rejects impossible dates and times") {
  const std::string_view rows[] = {
      "2023-02-29",  // not a leap year
      "1900-02-29",  // divisible by 100, not by 400
      "2100-02-29",
      "2024-02-30",
      "2024-04-31",
      "2024-06-31",
      "2024-01-32",
      "2024-01-00",
      "2024-00-10",
      "2024-13-01",
      "2024-00",
      "2024-13",
      "2023-02-29T10:00Z",
      "2024-01-01T24:00",
      "2024-01-01T24:00:00Z",
      "2024-01-01T23:60",
      "2024-01-01T23:59:60Z",  // no leap seconds
      "2024-01-01T10:00:00+24:00",
      "2024-01-01T10:00:00+07:60",
  };
  for (const std::string_view text : rows) {
    CAPTURE(text);
    CHECK_FALSE(pj::parse_query_date(text).has_value());
  }
}

TEST_CASE("parse_query_date: rejects malformed text") {
  const std::string_view rows[] = {
      "",
      " 2024-01-01",
      "2024-01-01 ",
      "2024-01-01\n",
      "2024-01-01 10:00",          // space instead of T
      "2024-01-01t10:00",          // lowercase t
      "2024-01-01T10:00z",         // lowercase z
      "2024-1-01",
      "2024-01-1",
      "24-01-01",
      "202-01-01",
      "12345-01-01",
      "+002024-01-01",             // expanded years are not supported
      "-2024-01-01",
      "2024/01/01",
      "01/02/2024",
      "2024-",
      "2024-01-",
      "2024-01-01T",
      "2024-01-01T10",
      "2024-01-01T1:00",
      "2024-01-01T10:0",
      "2024-01-01T10:00:",
      "2024-01-01T10:00:0",
      "2024-01-01T10:00:00.",      // a point without digits
      "2024-01-01T10:00.5",        // a fraction needs seconds
      "2024-01-01T10:00:00.5.5",
      "2024-01-01T10:00:00ZZ",
      "2024-01-01T10:00:00Z+07:00",
      "2024-01-01T10:00:00+07",
      "2024-01-01T10:00:00+0700",
      "2024-01-01T10:00:00+7:00",
      "2024-01-01T10:00:00 +07:00",
      "2024-01-01T10:00:00GMT",
      "2024-01-01Z",               // a zone needs a time
      "2024Z",
      "2024-01T10:00",             // a time needs the full date
      "2024T10:00",
      "1714521600000",             // epoch milliseconds are not a date string
      "today",
      "abcd",
      "２０２４-01-01",            // fullwidth digits
      std::string_view("2024-01-01\0", 11),
  };
  for (const std::string_view text : rows) {
    CAPTURE(text);
    CHECK_FALSE(pj::parse_query_date(text).has_value());
  }
}

TEST_CASE("time_text: utc_day floors, also before the epoch") {
  const std::int64_t day = pj::us_per_day;
  CHECK(pj::utc_day(0) == 0);
  CHECK(pj::utc_day(1) == 0);
  CHECK(pj::utc_day(day - 1) == 0);
  CHECK(pj::utc_day(day) == 1);
  CHECK(pj::utc_day(-1) == -1);
  CHECK(pj::utc_day(-day) == -1);
  CHECK(pj::utc_day(-day - 1) == -2);
  CHECK(pj::utc_day(1'709'164'800'000'000) == 19'782);      // 2024-02-29T00:00Z
  CHECK(pj::utc_day(1'709'251'199'999'999) == 19'782);      // 2024-02-29T23:59:59.999999Z
  CHECK(pj::utc_day(-719'528 * day) == -719'528);           // 0000-01-01
  CHECK(pj::utc_day(INT64_MAX) == INT64_MAX / day);
  CHECK(pj::utc_day(INT64_MIN) == INT64_MIN / day - 1);
}

TEST_CASE("time_text: day_start_us and day_end_us bound a whole UTC day") {
  const std::int64_t day = pj::us_per_day;
  CHECK(pj::day_start_us(0) == 0);
  CHECK(pj::day_end_us(0) == day - 1);
  CHECK(pj::day_start_us(-1) == -day);
  CHECK(pj::day_end_us(-1) == -1);
  CHECK(pj::day_start_us(19'782) == 1'709'164'800'000'000);
  CHECK(pj::day_end_us(19'782) == 1'709'251'199'999'999);
  for (const std::int64_t d : {std::int64_t{-719'528}, std::int64_t{-1}, std::int64_t{0},
                               std::int64_t{19'782}, std::int64_t{2'932'896},
                               pj::day_magnitude_max, -pj::day_magnitude_max}) {
    CAPTURE(d);
    CHECK(pj::utc_day(pj::day_start_us(d)) == d);
    CHECK(pj::utc_day(pj::day_end_us(d)) == d);
    CHECK(pj::utc_day(pj::day_start_us(d) - 1) == d - 1);
    CHECK(pj::utc_day(pj::day_end_us(d) + 1) == d + 1);
  }
}

TEST_CASE("time_text: format_date") {
  CHECK(pj::format_date(0) == "1970-01-01");
  CHECK(pj::format_date(-1) == "1969-12-31");
  CHECK(pj::format_date(19'782) == "2024-02-29");
  CHECK(pj::format_date(19'783) == "2024-03-01");
  CHECK(pj::format_date(11'017) == "2000-03-01");
  CHECK(pj::format_date(-25'567) == "1900-01-01");
  CHECK(pj::format_date(-719'528) == "0000-01-01");
  CHECK(pj::format_date(2'932'896) == "9999-12-31");
  CHECK(pj::format_date(pj::utc_day(1'748'656'750'247'000)) == "2025-05-31");
}

TEST_CASE("time_text: utc_hour") {
  CHECK(pj::utc_hour(0) == 0);
  CHECK(pj::utc_hour(pj::us_per_hour - 1) == 0);
  CHECK(pj::utc_hour(pj::us_per_hour) == 1);
  CHECK(pj::utc_hour(pj::us_per_day - 1) == 23);
  CHECK(pj::utc_hour(-1) == 23);
  CHECK(pj::utc_hour(-pj::us_per_hour) == 23);
  CHECK(pj::utc_hour(-pj::us_per_hour - 1) == 22);
  CHECK(pj::utc_hour(1'748'656'750'247'000) == 1);  // 2025-05-31T01:59:10.247Z
  CHECK(pj::utc_hour(*pj::parse_query_date("2025-05-31T08:30+07:00")) == 1);
  CHECK(pj::utc_hour(*pj::parse_query_date("2025-05-31T00:30+07:00")) == 17);
}

TEST_CASE("time_text: is_valid_date knows month lengths and leap years") {
  CHECK(pj::is_valid_date(2024, 2, 29));
  CHECK_FALSE(pj::is_valid_date(2023, 2, 29));
  CHECK(pj::is_valid_date(2000, 2, 29));
  CHECK_FALSE(pj::is_valid_date(1900, 2, 29));
  CHECK(pj::is_valid_date(0, 2, 29));  // year 0 is divisible by 400
  CHECK(pj::is_valid_date(2024, 1, 31));
  CHECK_FALSE(pj::is_valid_date(2024, 4, 31));
  CHECK(pj::is_valid_date(2024, 12, 31));
  CHECK_FALSE(pj::is_valid_date(2024, 12, 32));
  CHECK_FALSE(pj::is_valid_date(2024, 0, 1));
  CHECK_FALSE(pj::is_valid_date(2024, 13, 1));
  CHECK_FALSE(pj::is_valid_date(2024, 1, 0));
}

TEST_CASE("time_text: every day of years 0000-9999 converts to the next date and back") {
  const std::int64_t first = -719'528;   // 0000-01-01
  const std::int64_t last = 2'932'896;   // 9999-12-31
  REQUIRE(pj::civil_from_days(first) == pj::civil_date{0, 1, 1});
  pj::civil_date previous = pj::civil_from_days(first);
  std::int64_t mismatches = 0;
  for (std::int64_t d = first + 1; d <= last; ++d) {
    const pj::civil_date date = pj::civil_from_days(d);
    // The expected successor of `previous`.
    pj::civil_date next = previous;
    if (pj::is_valid_date(next.year, next.month, next.day + 1)) {
      ++next.day;
    } else if (next.month < 12) {
      next = {next.year, next.month + 1, 1};
    } else {
      next = {next.year + 1, 1, 1};
    }
    if (date != next || pj::days_from_civil(date) != d) ++mismatches;
    previous = date;
  }
  CHECK(mismatches == 0);
  CHECK(previous == pj::civil_date{9999, 12, 31});
  // The text forms agree too (a sample: formatting allocates).
  for (std::int64_t d = first; d <= last; d += 97) {
    const std::string text = pj::format_date(d);
    CAPTURE(text);
    REQUIRE(pj::parse_query_date(text) == std::optional<std::int64_t>(pj::day_start_us(d)));
  }
}

}  // TEST_SUITE
