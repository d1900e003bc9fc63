// The JSON writer behind every response body (projections/json_writer.h).
//
// How: documents are built with the writer and compared byte for byte with the expected text:
// commas and colons in nested objects and arrays, every scalar form (strings, null, booleans,
// integers at the int64 limits, money as string and number, ISO times, raw values), the
// optional forms, and string escaping: quotes, backslashes, every control character, DEL, valid
// multi-byte UTF-8 kept as is, and each kind of ill-formed UTF-8 (stray continuation bytes,
// truncated sequences, overlong forms, surrogates, code points above U+10FFFF) replaced by
// U+FFFD per byte. Misuse asserts (abort), which doctest cannot observe, so it is not tested.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "projections/json_writer.h"

namespace {

using ledger::projections::json_string;
using ledger::projections::json_writer;

// U+FFFD in UTF-8.
const std::string fffd = "\xEF\xBF\xBD";

std::string quoted(std::string_view body) { return fmt::format("\"{}\"", body); }

// `pattern` with every '#' replaced by U+FFFD.
std::string with_replacements(std::string_view pattern) {
  std::string text;
  for (const char c : pattern) {
    if (c == '#') {
      text += fffd;
    } else {
      text += c;
    }
  }
  return text;
}

}  // namespace

TEST_SUITE("projections/json_writer") {

TEST_CASE("json_writer: empty object and empty array") {
  json_writer w;
  w.begin_object().end_object();
  CHECK(w.complete());
  CHECK(w.take() == "{}");
  CHECK(w.str().empty());
  CHECK_FALSE(w.complete());

  w.begin_array().end_array();
  CHECK(w.take() == "[]");
}

TEST_CASE("json_writer: commas and colons in nested objects and arrays") {
  json_writer w;
  w.begin_object()
      .string_field("a", "x")
      .key("b")
      .begin_array()
      .integer(1)
      .integer(2)
      .begin_object()
      .end_object()
      .begin_array()
      .end_array()
      .begin_object()
      .integer_field("c", 3)
      .null_field("d")
      .end_object()
      .end_array()
      .key("e")
      .begin_object()
      .key("f")
      .begin_array()
      .boolean(true)
      .boolean(false)
      .null()
      .end_array()
      .end_object()
      .boolean_field("g", false)
      .end_object();
  CHECK(w.str() ==
        R"({"a":"x","b":[1,2,{},[],{"c":3,"d":null}],"e":{"f":[true,false,null]},"g":false})");
  CHECK(w.complete());
}

TEST_CASE("json_writer: not complete until every scope is closed") {
  json_writer w;
  CHECK_FALSE(w.complete());
  w.begin_object().key("rows").begin_array().integer(1);
  CHECK_FALSE(w.complete());
  CHECK(w.str() == R"({"rows":[1)");
  w.end_array();
  CHECK_FALSE(w.complete());
  w.end_object();
  CHECK(w.complete());
}

TEST_CASE("json_writer: scalar roots") {
  json_writer w;
  CHECK(w.string("hi").take() == R"("hi")");
  CHECK(w.integer(-7).take() == "-7");
  CHECK(w.null().take() == "null");
  CHECK(w.boolean(true).take() == "true");
  CHECK(w.raw(R"({"x":1})").take() == R"({"x":1})");
}

TEST_CASE("json_writer: integers at the int64 limits") {
  json_writer w;
  w.begin_array()
      .integer(0)
      .integer(INT64_MAX)
      .integer(INT64_MIN)
      .integer(std::int64_t{1} << 53)
      .end_array();
  CHECK(w.str() == "[0,9223372036854775807,-9223372036854775808,9007199254740992]");
}

TEST_CASE("json_writer: money as a decimal string and as a JSON number") {
  json_writer w;
  w.begin_object()
      .money_string_field("price", 1'000'000)
      .money_string_field("half", 1250)
      .money_string_field("cents", 104'933)
      .money_string_field("refund", -5)
      .money_string_field("zero", 0)
      .money_number_field("total", 1'080'050)
      .money_number_field("small", -5)
      .money_number_field("whole", 300)
      .end_object();
  CHECK(w.str() == R"({"price":"10000","half":"12.5","cents":"1049.33","refund":"-0.05",)"
                   R"("zero":"0","total":10800.5,"small":-0.05,"whole":3})");

  json_writer values;
  values.begin_array().money_string(-1'080'050).money_number(1).end_array();
  CHECK(values.str() == R"(["-10800.5",0.01])");
}

TEST_CASE("json_writer: times are ISO-8601 UTC with milliseconds") {
  json_writer w;
  w.begin_object()
      .time_field("at", 1'748'656'750'247'000)  // 2025-05-31T01:59:10.247Z
      .time_field("epoch", 1)                    // 1 µs after the epoch: milliseconds truncate
      .time_field("before", -1)                  // 1 µs before the epoch
      .optional_time_field("closedAt", 0)
      .optional_time_field("openedAt", 1'748'656'750'247'999)
      .end_object();
  CHECK(w.str() == R"({"at":"2025-05-31T01:59:10.247Z","epoch":"1970-01-01T00:00:00.000Z",)"
                   R"("before":"1969-12-31T23:59:59.999Z","closedAt":null,)"
                   R"("openedAt":"2025-05-31T01:59:10.247Z"})");

  json_writer values;
  values.begin_array().time(0).optional_time(0).end_array();
  CHECK(values.str() == R"(["1970-01-01T00:00:00.000Z",null])");
}

TEST_CASE("json_writer: optional strings are null when empty") {
  json_writer w;
  w.begin_object()
      .optional_string_field("email", "")
      .optional_string_field("phone", "0901 234 567")
      .string_field("note", "")
      .end_object();
  CHECK(w.str() == R"({"email":null,"phone":"0901 234 567","note":""})");

  json_writer values;
  values.begin_array().optional_string("").optional_string("a").end_array();
  CHECK(values.str() == R"([null,"a"])");
}

TEST_CASE("json_writer: raw values and raw fields are copied verbatim") {
  json_writer w;
  w.begin_object()
      .raw_field("payload", R"({"k":[1,"two"]})")
      .key("list")
      .begin_array()
      .raw("1.5e3")
      .raw(R"("s")")
      .end_array()
      .end_object();
  CHECK(w.str() == R"({"payload":{"k":[1,"two"]},"list":[1.5e3,"s"]})");
}

TEST_CASE("json_writer: keys are escaped like strings") {
  json_writer w;
  w.begin_object().integer_field("a\"b\\c\n", 1).integer_field("tên", 2).end_object();
  CHECK(w.str() == "{\"a\\\"b\\\\c\\n\":1,\"tên\":2}");
}

TEST_CASE("json_writer: quotes, backslashes and the short control escapes") {
  CHECK(json_string("") == R"("")");
  CHECK(json_string("plain text 123") == R"("plain text 123")");
  CHECK(json_string(R"(say "hi")") == R"("say \"hi\"")");
  CHECK(json_string(R"(C:\dir\)") == R"("C:\\dir\\")");
  CHECK(json_string("a\nb\rc\td\be\ff") == R"("a\nb\rc\td\be\ff")");
  CHECK(json_string("/") == R"("/")");   // '/' needs no escape
  CHECK(json_string("\x7F") == "\"\x7F\"");  // DEL is not a control character in JSON
}

TEST_CASE("json_writer: every other control character is \\u00XX") {
  for (int c = 0; c < 0x20; ++c) {
    const std::string input(1, static_cast<char>(c));
    std::string expected;
    switch (c) {
      case '\b': expected = R"(\b)"; break;
      case '\t': expected = R"(\t)"; break;
      case '\n': expected = R"(\n)"; break;
      case '\f': expected = R"(\f)"; break;
      case '\r': expected = R"(\r)"; break;
      default: expected = fmt::format("\\u{:04x}", c); break;
    }
    CAPTURE(c);
    CHECK(json_string(input) == quoted(expected));
  }
  CHECK(json_string(std::string_view("a\0b", 3)) == R"("a\u0000b")");
  CHECK(json_string("\x1f\x01") == R"("\u001f\u0001")");
}

TEST_CASE("json_writer: well-formed UTF-8 is kept as is") {
  // 2-, 3- and 4-byte sequences, and the edges of each range.
  CHECK(json_string("Mì gói Hảo Hảo 75g") == quoted("Mì gói Hảo Hảo 75g"));
  CHECK(json_string("Đường – 1 kg ₫") == quoted("Đường – 1 kg ₫"));
  CHECK(json_string("😀 ok") == quoted("😀 ok"));
  CHECK(json_string("\xC2\x80") == quoted("\xC2\x80"));                  // U+0080
  CHECK(json_string("\xDF\xBF") == quoted("\xDF\xBF"));                  // U+07FF
  CHECK(json_string("\xE0\xA0\x80") == quoted("\xE0\xA0\x80"));          // U+0800
  CHECK(json_string("\xED\x9F\xBF") == quoted("\xED\x9F\xBF"));          // U+D7FF
  CHECK(json_string("\xEE\x80\x80") == quoted("\xEE\x80\x80"));          // U+E000
  CHECK(json_string("\xEF\xBF\xBF") == quoted("\xEF\xBF\xBF"));          // U+FFFF
  CHECK(json_string("\xF0\x90\x80\x80") == quoted("\xF0\x90\x80\x80"));  // U+10000
  CHECK(json_string("\xF4\x8F\xBF\xBF") == quoted("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  CHECK(json_string(fffd) == quoted(fffd));
}

TEST_CASE("json_writer: each byte of ill-formed UTF-8 becomes U+FFFD") {
  // '#' in expected_body stands for one U+FFFD.
  struct row {
    std::string_view input;
    std::string_view expected_body;
  };
  const row rows[] = {
      {"\x80", "#"},                              // stray continuation byte
      {"a\xBFz", "a#z"},                          // stray continuation inside text
      {"\xC3", "#"},                              // truncated 2-byte at the end
      {"\xC3z", "#z"},                            // truncated 2-byte mid-text
      {"\xE1\xBA", "##"},                         // truncated 3-byte: each byte
      {"\xE1\xBA\"", "##\\\""},                   // truncated, then a quote
      {"\xF0\x9F\x98", "###"},                    // truncated 4-byte
      {"\xC0\xAF", "##"},                         // overlong '/'
      {"\xC1\xBF", "##"},                         // overlong U+007F
      {"\xE0\x80\xAF", "###"},                    // overlong 3-byte '/'
      {"\xE0\x9F\xBF", "###"},                    // overlong U+07FF
      {"\xF0\x80\x80\xAF", "####"},               // overlong 4-byte '/'
      {"\xF0\x8F\xBF\xBF", "####"},               // overlong U+FFFF
      {"\xED\xA0\x80", "###"},                    // surrogate U+D800
      {"\xED\xBF\xBF", "###"},                    // surrogate U+DFFF
      {"\xF4\x90\x80\x80", "####"},               // U+110000
      {"\xF5\x80\x80\x80", "####"},               // lead byte 0xF5
      {"\xFE\xFF", "##"},                         // never in UTF-8
      {"ok\xE1\xBA\xA3\xFF", "ok\xE1\xBA\xA3#"},  // valid ả, then 0xFF
      {"\xC3\xA9\xA9", "\xC3\xA9#"},              // é plus an extra continuation
  };
  for (const row& r : rows) {
    CAPTURE(r.expected_body);
    CHECK(json_string(r.input) == quoted(with_replacements(r.expected_body)));
  }
}

TEST_CASE("json_writer: a string value inside a document is escaped too") {
  json_writer w;
  w.begin_array().string("\"\x01\xFF").end_array();
  CHECK(w.str() == with_replacements(R"(["\"\u0001#"])"));
}

TEST_CASE("json_writer: clear and take leave the writer ready for the next document") {
  json_writer w;
  w.begin_object().key("half");
  w.clear();
  CHECK(w.str().empty());
  CHECK_FALSE(w.complete());
  w.begin_array().integer(1).end_array();
  CHECK(w.take() == "[1]");
  w.begin_array().integer(2).end_array();
  CHECK(w.take() == "[2]");
}

}  // TEST_SUITE
