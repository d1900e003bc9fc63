#pragma once
// json_writer: the one small streaming JSON writer behind every response body (DESIGN.md:
// "responses are written with fmt through one small JSON writer with correct escaping").
//
// Values are appended to one std::string in document order; commas and colons are inserted
// automatically. A writer holds exactly one root value (an object, an array or a scalar);
// take() hands the finished text over and leaves the writer empty for the next document.
//
//   json_writer w;
//   w.begin_object().string_field("name", "Mì gói").money_string_field("price", 350000)
//    .key("tags").begin_array().string("noodles").end_array().end_object();
//   w.str() == R"({"name":"Mì gói","price":"3500","tags":["noodles"]})"
//
// Strings are always valid JSON and valid UTF-8, whatever bytes they are given:
//   * '"' and '\\' are escaped; control characters below 0x20 use the short forms \b \t \n \f \r
//     where JSON has one and \u00XX otherwise; DEL and everything else printable stays as is.
//   * well-formed UTF-8 is copied unchanged (no \u escapes for non-ASCII);
//   * every byte that is not part of a well-formed UTF-8 sequence (stray continuation bytes,
//     truncated sequences, overlong forms, UTF-16 surrogates U+D800..U+DFFF, code points above
//     U+10FFFF, bytes 0xC0, 0xC1, 0xF5..0xFF) becomes one U+FFFD REPLACEMENT CHARACTER.
//
// Money is int64 hundredths (events/money.h) and is printed with money::format_decimal, either
// as a JSON string ("12.5") or as a JSON number (12.5); times are int64 microseconds since the
// Unix epoch printed as ISO-8601 UTC with milliseconds (engine::iso_time).
//
// Misuse is a bug in the caller and fails a LEDGER_ASSERT: a key outside an object, two keys in
// a row, a value inside an object without a key, an end_* that does not match the open scope,
// a second root value, take() before the root value is complete.
//
// Thread-safety: none; one writer per thread (it is cheap to construct, and clear() keeps the
// buffer's capacity for reuse).
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/json_text.h"

namespace ledger::projections {

class json_writer {
 public:
  json_writer() = default;

  // --- Structure.
  json_writer& begin_object();
  json_writer& end_object();
  json_writer& begin_array();
  json_writer& end_array();
  // The next value belongs to member `name` of the innermost object.
  json_writer& key(std::string_view name);

  // --- Values.
  json_writer& string(std::string_view utf8);            // escaped string
  json_writer& optional_string(std::string_view utf8);   // null when empty (empty == absent)
  json_writer& null();
  json_writer& boolean(bool value);
  json_writer& integer(std::int64_t value);
  json_writer& money_string(std::int64_t minor);  // "10000", "12.5", "-0.05"
  json_writer& money_number(std::int64_t minor);  // 10000, 12.5, -0.05
  json_writer& time(std::int64_t us);             // "2025-05-31T01:59:10.247Z"
  json_writer& optional_time(std::int64_t us);    // null when us == 0
  // An already rendered JSON value, appended verbatim (not checked; must not be empty).
  json_writer& raw(std::string_view json_value);

  // Guards against implicit conversions that would print the wrong kind of value:
  // integer(true) and boolean(1) / boolean("text") do not compile.
  template <class T>
    requires std::same_as<T, bool>
  json_writer& integer(T) = delete;
  template <class T>
    requires(!std::same_as<T, bool>)
  json_writer& boolean(T) = delete;

  // --- Members: key(name) followed by the value of the same name.
  json_writer& string_field(std::string_view name, std::string_view utf8);
  json_writer& optional_string_field(std::string_view name, std::string_view utf8);
  json_writer& null_field(std::string_view name);
  json_writer& boolean_field(std::string_view name, bool value);
  json_writer& integer_field(std::string_view name, std::int64_t value);
  json_writer& money_string_field(std::string_view name, std::int64_t minor);
  json_writer& money_number_field(std::string_view name, std::int64_t minor);
  json_writer& time_field(std::string_view name, std::int64_t us);
  json_writer& optional_time_field(std::string_view name, std::int64_t us);
  json_writer& raw_field(std::string_view name, std::string_view json_value);

  template <class T>
    requires std::same_as<T, bool>
  json_writer& integer_field(std::string_view, T) = delete;
  template <class T>
    requires(!std::same_as<T, bool>)
  json_writer& boolean_field(std::string_view, T) = delete;

  // --- Output.
  // True once the root value has been written and every scope is closed.
  [[nodiscard]] bool complete() const { return root_written_ && scopes_.empty(); }
  // The text so far (possibly an unfinished document).
  [[nodiscard]] const std::string& str() const { return out_; }
  // The finished document; the writer is empty afterwards. Asserts complete().
  [[nodiscard]] std::string take();
  // Forgets everything written (keeps the buffer's capacity).
  void clear();
  void reserve(std::size_t bytes) { out_.reserve(bytes); }

 private:
  enum class scope_kind : std::uint8_t { object, array };
  struct scope {
    scope_kind kind;
    bool empty;  // no member / element written yet: the next one needs no comma
  };

  // Called before every value: checks the position and writes the separating comma.
  void begin_value();
  void end_scope(scope_kind kind, char closer);

  std::string out_;
  std::vector<scope> scopes_;  // innermost last
  bool key_pending_ = false;   // key() written, its value not yet
  bool root_written_ = false;
};

// The string escaper (events/json_text.h), under the names the writer's users know.
using events::append_json_string;
using events::json_string;

}  // namespace ledger::projections
