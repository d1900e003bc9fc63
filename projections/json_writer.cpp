#include "projections/json_writer.h"


#include <array>
#include <charconv>
#include <utility>

#include "engine/verify.h"
#include "events/assert.h"
#include "events/json_text.h"
#include "events/money.h"

namespace ledger::projections {

namespace {

void append_integer(std::string& out, std::int64_t value) {
  char digits[24];
  const auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
  LEDGER_ASSERT(error == std::errc{}, "int64 does not fit in 24 characters");
  out.append(digits, end);
}

// Text that needs no escaping (decimals, ISO times) between quotes.
void append_quoted_plain(std::string& out, std::string_view text) {
  out += '"';
  out += text;
  out += '"';
}

}  // namespace

// --- Structure.

void json_writer::begin_value() {
  if (scopes_.empty()) {
    LEDGER_ASSERT(!root_written_, "a second root value after: {}", out_);
    root_written_ = true;
    return;
  }
  scope& inner = scopes_.back();
  if (inner.kind == scope_kind::object) {
    LEDGER_ASSERT(key_pending_, "a value inside an object needs a key first, after: {}", out_);
    key_pending_ = false;
    return;
  }
  if (!inner.empty) out_ += ',';
  inner.empty = false;
}

void json_writer::end_scope(scope_kind kind, char closer) {
  LEDGER_ASSERT(!scopes_.empty(), "'{}' without an open scope, after: {}", closer, out_);
  LEDGER_ASSERT(scopes_.back().kind == kind, "'{}' does not close the open scope, after: {}",
                closer, out_);
  LEDGER_ASSERT(!key_pending_, "key without a value before '{}', after: {}", closer, out_);
  scopes_.pop_back();
  out_ += closer;
}

json_writer& json_writer::begin_object() {
  begin_value();
  out_ += '{';
  scopes_.push_back({scope_kind::object, true});
  return *this;
}

json_writer& json_writer::end_object() {
  end_scope(scope_kind::object, '}');
  return *this;
}

json_writer& json_writer::begin_array() {
  begin_value();
  out_ += '[';
  scopes_.push_back({scope_kind::array, true});
  return *this;
}

json_writer& json_writer::end_array() {
  end_scope(scope_kind::array, ']');
  return *this;
}

json_writer& json_writer::key(std::string_view name) {
  LEDGER_ASSERT(!scopes_.empty() && scopes_.back().kind == scope_kind::object,
                "key \"{}\" outside an object", name);
  LEDGER_ASSERT(!key_pending_, "key \"{}\" right after another key, after: {}", name, out_);
  scope& inner = scopes_.back();
  if (!inner.empty) out_ += ',';
  inner.empty = false;
  append_json_string(out_, name);
  out_ += ':';
  key_pending_ = true;
  return *this;
}

// --- Values.

json_writer& json_writer::string(std::string_view utf8) {
  begin_value();
  append_json_string(out_, utf8);
  return *this;
}

json_writer& json_writer::optional_string(std::string_view utf8) {
  return utf8.empty() ? null() : string(utf8);
}

json_writer& json_writer::null() {
  begin_value();
  out_ += "null";
  return *this;
}

json_writer& json_writer::boolean(bool value) {
  begin_value();
  out_ += value ? std::string_view("true") : std::string_view("false");
  return *this;
}

json_writer& json_writer::integer(std::int64_t value) {
  begin_value();
  append_integer(out_, value);
  return *this;
}

json_writer& json_writer::money_string(std::int64_t minor) {
  begin_value();
  append_quoted_plain(out_, money::format_decimal(minor));
  return *this;
}

json_writer& json_writer::money_number(std::int64_t minor) {
  begin_value();
  out_ += money::format_decimal(minor);
  return *this;
}

json_writer& json_writer::time(std::int64_t us) {
  begin_value();
  append_quoted_plain(out_, engine::iso_time(us));
  return *this;
}

json_writer& json_writer::optional_time(std::int64_t us) { return us == 0 ? null() : time(us); }

json_writer& json_writer::raw(std::string_view json_value) {
  LEDGER_ASSERT(!json_value.empty(), "raw JSON value is empty, after: {}", out_);
  begin_value();
  out_ += json_value;
  return *this;
}

// --- Members.

json_writer& json_writer::string_field(std::string_view name, std::string_view utf8) {
  return key(name).string(utf8);
}

json_writer& json_writer::optional_string_field(std::string_view name, std::string_view utf8) {
  return key(name).optional_string(utf8);
}

json_writer& json_writer::null_field(std::string_view name) { return key(name).null(); }

json_writer& json_writer::boolean_field(std::string_view name, bool value) {
  return key(name).boolean(value);
}

json_writer& json_writer::integer_field(std::string_view name, std::int64_t value) {
  return key(name).integer(value);
}

json_writer& json_writer::money_string_field(std::string_view name, std::int64_t minor) {
  return key(name).money_string(minor);
}

json_writer& json_writer::money_number_field(std::string_view name, std::int64_t minor) {
  return key(name).money_number(minor);
}

json_writer& json_writer::time_field(std::string_view name, std::int64_t us) {
  return key(name).time(us);
}

json_writer& json_writer::optional_time_field(std::string_view name, std::int64_t us) {
  return key(name).optional_time(us);
}

json_writer& json_writer::raw_field(std::string_view name, std::string_view json_value) {
  return key(name).raw(json_value);
}

// --- Output.

std::string json_writer::take() {
  LEDGER_ASSERT(complete(), "take() of an unfinished document: {}", out_);
  std::string text = std::move(out_);
  clear();
  return text;
}

void json_writer::clear() {
  out_.clear();
  scopes_.clear();
  key_pending_ = false;
  root_written_ = false;
}

}  // namespace ledger::projections
