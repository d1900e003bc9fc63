#include "api/validation.h"

#include <simdjson.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "events/assert.h"
#include "events/money.h"

namespace ledger::api {

namespace detail {

// The parsed body. Numbers keep their JSON text (exact); duplicate object keys keep the
// first key's position and the last value, as JSON.parse does.
struct json_node {
  enum class kind : std::uint8_t { null, boolean, number, string, array, object };
  kind type = kind::null;
  bool flag = false;              // boolean value
  std::string text;               // string value (unescaped), or the number's JSON text
  std::vector<json_node> items;   // array elements, or object member values
  std::vector<std::string> keys;  // object member keys, parallel to items
};

}  // namespace detail

namespace {

using detail::json_node;
namespace ondemand = simdjson::ondemand;

inline constexpr double safe_integer_max = 9007199254740991.0;  // 2^53 - 1

// ---------------------------------------------------------------------------------------------
// Parsing: simdjson on-demand into a json_node tree.

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim_json_space(std::string_view text) {
  while (!text.empty() && is_json_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_json_space(text.back())) text.remove_suffix(1);
  return text;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// RFC 8259 number: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
bool is_json_number(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  if (i < n && text[i] == '-') ++i;
  if (i >= n || !is_digit(text[i])) return false;
  if (text[i] == '0') {
    ++i;
  } else {
    while (i < n && is_digit(text[i])) ++i;
  }
  if (i < n && text[i] == '.') {
    ++i;
    if (i >= n || !is_digit(text[i])) return false;
    while (i < n && is_digit(text[i])) ++i;
  }
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    if (i >= n || !is_digit(text[i])) return false;
    while (i < n && is_digit(text[i])) ++i;
  }
  return i == n;
}

simdjson::error_code read_value(ondemand::value& value, json_node& out, std::size_t depth);

simdjson::error_code read_object(ondemand::object object, json_node& out, std::size_t depth) {
  if (depth > json_depth_max) return simdjson::DEPTH_ERROR;
  out.type = json_node::kind::object;
  std::unordered_map<std::string, std::size_t> positions;
  for (auto member : object) {
    ondemand::field field;
    if (auto error = std::move(member).get(field)) return error;
    std::string_view key_view;
    if (auto error = field.unescaped_key().get(key_view)) return error;
    std::string key(key_view);
    json_node child;
    if (auto error = read_value(field.value(), child, depth)) return error;
    const auto [position, inserted] = positions.try_emplace(key, out.items.size());
    if (inserted) {
      out.keys.push_back(std::move(key));
      out.items.push_back(std::move(child));
    } else {
      out.items[position->second] = std::move(child);
    }
  }
  return simdjson::SUCCESS;
}

simdjson::error_code read_array(ondemand::array array, json_node& out, std::size_t depth) {
  if (depth > json_depth_max) return simdjson::DEPTH_ERROR;
  out.type = json_node::kind::array;
  for (auto element : array) {
    ondemand::value value;
    if (auto error = std::move(element).get(value)) return error;
    json_node child;
    if (auto error = read_value(value, child, depth)) return error;
    out.items.push_back(std::move(child));
  }
  return simdjson::SUCCESS;
}

simdjson::error_code read_value(ondemand::value& value, json_node& out, std::size_t depth) {
  ondemand::json_type type;
  if (auto error = value.type().get(type)) return error;
  switch (type) {
    case ondemand::json_type::object: {
      ondemand::object object;
      if (auto error = value.get_object().get(object)) return error;
      return read_object(object, out, depth + 1);
    }
    case ondemand::json_type::array: {
      ondemand::array array;
      if (auto error = value.get_array().get(array)) return error;
      return read_array(array, out, depth + 1);
    }
    case ondemand::json_type::string: {
      std::string_view text;
      if (auto error = value.get_string().get(text)) return error;
      out.type = json_node::kind::string;
      out.text = text;
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::number: {
      // The raw token (simdjson includes trailing whitespace); checked here because on-demand
      // parsing only validates what it converts, and we convert from the text ourselves.
      const std::string_view token = trim_json_space(value.raw_json_token());
      if (!is_json_number(token)) return simdjson::NUMBER_ERROR;
      out.type = json_node::kind::number;
      out.text = token;
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::boolean: {
      bool flag = false;
      if (auto error = value.get_bool().get(flag)) return error;
      out.type = json_node::kind::boolean;
      out.flag = flag;
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::null: {
      bool null = false;
      if (auto error = value.is_null().get(null)) return error;
      if (!null) return simdjson::N_ATOM_ERROR;
      out.type = json_node::kind::null;
      return simdjson::SUCCESS;
    }
  }
  return simdjson::INCORRECT_TYPE;
}

// The root value. Root scalars are only parsed far enough to tell "valid but not an object"
// from malformed text (simdjson's root getters reject trailing content themselves).
simdjson::error_code read_document(std::string_view text, json_node& out) {
  thread_local ondemand::parser parser;
  const simdjson::padded_string padded(text);
  ondemand::document document;
  if (auto error = parser.iterate(padded).get(document)) return error;
  ondemand::json_type type;
  if (auto error = document.type().get(type)) return error;
  switch (type) {
    case ondemand::json_type::object: {
      ondemand::object object;
      if (auto error = document.get_object().get(object)) return error;
      if (auto error = read_object(object, out, 1)) return error;
      break;
    }
    case ondemand::json_type::array: {
      ondemand::array array;
      if (auto error = document.get_array().get(array)) return error;
      if (auto error = read_array(array, out, 1)) return error;
      break;
    }
    case ondemand::json_type::string: {
      std::string_view value;
      if (auto error = document.get_string().get(value)) return error;
      out.type = json_node::kind::string;
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::number: {
      std::string_view token;
      if (auto error = document.raw_json_token().get(token)) return error;
      token = trim_json_space(token);
      if (!is_json_number(token) || token != trim_json_space(text)) return simdjson::NUMBER_ERROR;
      out.type = json_node::kind::number;
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::boolean: {
      bool flag = false;
      if (auto error = document.get_bool().get(flag)) return error;
      out.type = json_node::kind::boolean;
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::null: {
      bool null = false;
      if (auto error = document.is_null().get(null)) return error;
      if (!null) return simdjson::N_ATOM_ERROR;
      out.type = json_node::kind::null;
      return simdjson::SUCCESS;
    }
  }
  // Past the root value the iterator must be at the end: anything else is trailing content.
  const char* location = nullptr;
  if (document.current_location().get(location) == simdjson::SUCCESS) {
    return simdjson::TRAILING_CONTENT;
  }
  return simdjson::SUCCESS;
}

// ---------------------------------------------------------------------------------------------
// Numbers: JavaScript conversions, and the exact decimal text kept for money.

// A number as the reference sees it (an IEEE double) plus, when it has one, its exact
// decimal text in the grammar money::parse_decimal reads.
struct number_value {
  double value = std::numeric_limits<double>::quiet_NaN();
  std::string decimal;  // "" for NaN, infinities and integers too long to hold exactly
};

// True when a canonical decimal that from_chars reported out of range is huge (overflow)
// rather than tiny (underflow): the decimal exponent of its first significant digit is > 0.
bool decimal_is_huge(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && text[i] == '-') ++i;
  std::int64_t leading = 0;  // exponent of the first significant digit, before the e-part
  bool found = false;
  const std::size_t integer_start = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  const auto integer_digits = static_cast<std::int64_t>(i - integer_start);
  for (std::size_t k = integer_start; k < i; ++k) {
    if (text[k] != '0') {
      leading = integer_digits - static_cast<std::int64_t>(k - integer_start) - 1;
      found = true;
      break;
    }
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    std::int64_t position = 0;
    while (i < text.size() && is_digit(text[i])) {
      ++position;
      if (!found && text[i] != '0') {
        leading = -position;
        found = true;
      }
      ++i;
    }
  }
  std::int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
    while (i < text.size() && is_digit(text[i])) {
      if (exponent < 1'000'000'000) exponent = exponent * 10 + (text[i] - '0');
      ++i;
    }
    if (negative) exponent = -exponent;
  }
  return found && leading + exponent > 0;
}

// Correctly rounded, like JavaScript: overflow gives an infinity, underflow a zero.
double decimal_to_double(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool negative = !text.empty() && text.front() == '-';
  if (error == std::errc::result_out_of_range) {
    const double magnitude = decimal_is_huge(text) ? std::numeric_limits<double>::infinity() : 0.0;
    return negative ? -magnitude : magnitude;
  }
  if (error != std::errc{} || end != text.data() + text.size()) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return value;
}

// JavaScript WhiteSpace and LineTerminator code points, UTF-8 encoded (String.prototype.trim).
constexpr std::array<std::string_view, 18> js_spaces = {
    "\t",           "\n",           "\v",           "\f",           "\r",
    " ",            "\xC2\xA0",     "\xE1\x9A\x80", "\xE2\x80\xA8", "\xE2\x80\xA9",
    "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80", "\xEF\xBB\xBF", "\xE2\x80\x80",
    "\xE2\x80\x81", "\xE2\x80\x82", "\xE2\x80\x83"};

bool is_en_space_block(unsigned char third) { return third >= 0x84 && third <= 0x8A; }

std::size_t js_space_prefix(std::string_view text) {
  for (std::string_view space : js_spaces) {
    if (text.starts_with(space)) return space.size();
  }
  // U+2004 .. U+200A (the rest of the U+2000 block).
  if (text.size() >= 3 && text[0] == '\xE2' && text[1] == '\x80' &&
      is_en_space_block(static_cast<unsigned char>(text[2]))) {
    return 3;
  }
  return 0;
}

std::size_t js_space_suffix(std::string_view text) {
  for (std::string_view space : js_spaces) {
    if (text.ends_with(space)) return space.size();
  }
  const std::size_t n = text.size();
  if (n >= 3 && text[n - 3] == '\xE2' && text[n - 2] == '\x80' &&
      is_en_space_block(static_cast<unsigned char>(text[n - 1]))) {
    return 3;
  }
  return 0;
}

std::string_view trim_js_space(std::string_view text) {
  while (const std::size_t k = js_space_prefix(text)) text.remove_prefix(k);
  while (const std::size_t k = js_space_suffix(text)) text.remove_suffix(k);
  return text;
}

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// JavaScript Number(string), keeping the exact decimal text when there is one.
number_value parse_js_number(std::string_view raw) {
  const std::string_view text = trim_js_space(raw);
  number_value out;
  if (text.empty()) {
    out.value = 0;
    out.decimal = "0";
    return out;
  }
  // 0x / 0o / 0b integers (no sign allowed).
  if (text.size() > 2 && text[0] == '0') {
    int radix = 0;
    const char marker = text[1];
    if (marker == 'x' || marker == 'X') radix = 16;
    if (marker == 'o' || marker == 'O') radix = 8;
    if (marker == 'b' || marker == 'B') radix = 2;
    if (radix != 0) {
      double value = 0;
      std::uint64_t exact = 0;
      bool fits = true;
      for (char c : text.substr(2)) {
        const int digit = digit_value(c);
        if (digit >= radix) return number_value{};
        value = value * radix + digit;
        const auto udigit = static_cast<std::uint64_t>(digit);
        const auto uradix = static_cast<std::uint64_t>(radix);
        if (exact > (std::numeric_limits<std::uint64_t>::max() - udigit) / uradix) {
          fits = false;
        } else {
          exact = exact * uradix + udigit;
        }
      }
      out.value = value;
      if (fits) out.decimal = std::to_string(exact);
      return out;
    }
  }
  std::size_t i = 0;
  bool negative = false;
  if (text[i] == '+' || text[i] == '-') negative = text[i++] == '-';
  if (text.substr(i) == "Infinity") {
    out.value = negative ? -std::numeric_limits<double>::infinity()
                         : std::numeric_limits<double>::infinity();
    return out;
  }
  const std::size_t integer_start = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  const std::string_view integer = text.substr(integer_start, i - integer_start);
  std::string_view fraction;
  if (i < text.size() && text[i] == '.') {
    const std::size_t fraction_start = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    fraction = text.substr(fraction_start, i - fraction_start);
  }
  if (integer.empty() && fraction.empty()) return number_value{};
  std::string_view exponent;  // sign and digits
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    const std::size_t exponent_start = ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    const std::size_t digits_start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == digits_start) return number_value{};
    exponent = text.substr(exponent_start, i - exponent_start);
  }
  if (i != text.size()) return number_value{};
  std::string canonical = negative ? "-" : "";
  canonical += integer.empty() ? std::string_view("0") : integer;
  if (!fraction.empty()) {
    canonical += '.';
    canonical += fraction;
  }
  if (!exponent.empty()) {
    canonical += 'e';
    canonical += exponent;
  }
  out.value = decimal_to_double(canonical);
  out.decimal = std::move(canonical);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Coercion (class-transformer's implicit conversion to the declared type).

struct coerced {
  enum class kind : std::uint8_t { undefined, null, string, number, boolean, array, object };
  kind type = kind::undefined;
  std::string text;                 // string value
  number_value number;              // number value
  bool flag = false;                // boolean value
  const json_node* node = nullptr;  // array or object
};

coerced coerce(const json_node* node, field_type type) {
  coerced out;
  if (node == nullptr) return out;
  using node_kind = json_node::kind;
  switch (node->type) {
    case node_kind::null:
      out.type = coerced::kind::null;
      return out;
    case node_kind::array:  // arrays stay arrays whatever the declared type
      out.type = coerced::kind::array;
      out.node = node;
      return out;
    case node_kind::object:
      if (type == field_type::number) {  // Number({}) is NaN
        out.type = coerced::kind::number;
        return out;
      }
      out.type = coerced::kind::object;  // never "[object Object]" (see the header)
      out.node = node;
      return out;
    case node_kind::string:
      if (type == field_type::number) {
        out.type = coerced::kind::number;
        out.number = parse_js_number(node->text);
      } else if (type == field_type::boolean) {
        out.type = coerced::kind::boolean;
        out.flag = !node->text.empty();
      } else {
        out.type = coerced::kind::string;
        out.text = node->text;
      }
      return out;
    case node_kind::number:
      if (type == field_type::string) {
        out.type = coerced::kind::string;
        out.text = js_number_to_string(decimal_to_double(node->text));
      } else if (type == field_type::boolean) {
        const double value = decimal_to_double(node->text);
        out.type = coerced::kind::boolean;
        out.flag = value != 0 && !std::isnan(value);
      } else {
        out.type = coerced::kind::number;
        out.number = number_value{decimal_to_double(node->text), node->text};
      }
      return out;
    case node_kind::boolean:
      if (type == field_type::string) {
        out.type = coerced::kind::string;
        out.text = node->flag ? "true" : "false";
      } else if (type == field_type::number) {
        out.type = coerced::kind::number;
        out.number = number_value{node->flag ? 1.0 : 0.0, node->flag ? "1" : "0"};
      } else {
        out.type = coerced::kind::boolean;
        out.flag = node->flag;
      }
      return out;
  }
  return out;
}

bool is_finite_number(const coerced& value) {
  return value.type == coerced::kind::number && std::isfinite(value.number.value);
}

std::optional<std::int64_t> integer_of(const coerced& value) {
  if (!is_finite_number(value)) return std::nullopt;
  const double number = value.number.value;
  if (std::trunc(number) != number || std::fabs(number) > safe_integer_max) return std::nullopt;
  return static_cast<std::int64_t>(number);
}

// Money goes from the decimal text to hundredths in money::parse_decimal, the one rounding place.
std::optional<std::int64_t> money_of(const coerced& value) {
  if (!is_finite_number(value) || value.number.decimal.empty()) return std::nullopt;
  const std::optional<std::int64_t> minor = money::parse_decimal(value.number.decimal);
  if (!minor || *minor > money::amount_max || *minor < -money::amount_max) return std::nullopt;
  return minor;
}

// ---------------------------------------------------------------------------------------------
// Rules.

// JavaScript string length: UTF-16 code units of valid UTF-8 text.
std::size_t utf16_length(std::string_view text) {
  std::size_t units = 0;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte & 0xC0) != 0x80) ++units;  // a leading byte starts a code point
    if (byte >= 0xF0) ++units;           // four-byte sequences are surrogate pairs
  }
  return units;
}

bool passes(const field_rule& rule, const coerced& value) {
  const bool is_string = value.type == coerced::kind::string;
  switch (rule.kind) {
    case rule_kind::not_empty:
      return value.type != coerced::kind::undefined && value.type != coerced::kind::null &&
             !(is_string && value.text.empty());
    case rule_kind::is_string:
      return is_string;
    case rule_kind::is_email:
      return is_string && is_email(value.text);
    case rule_kind::min_length:
      return is_string && static_cast<std::int64_t>(utf16_length(value.text)) >= rule.bound;
    case rule_kind::is_number:
      return is_finite_number(value);
    case rule_kind::is_money:
      return money_of(value).has_value();
    case rule_kind::is_integer:
      return !is_finite_number(value) || integer_of(value).has_value();
    case rule_kind::minimum:
      return value.type == coerced::kind::number &&
             value.number.value >= static_cast<double>(rule.bound);
    case rule_kind::is_uuid:
      return is_string && is_uuid(value.text);
    case rule_kind::one_of:
      if (!is_string) return false;
      for (const std::string& allowed : rule.values) {
        if (allowed == value.text) return true;
      }
      return false;
    case rule_kind::is_boolean:
      return value.type == coerced::kind::boolean;
    case rule_kind::is_array:
      return value.type == coerced::kind::array;
    case rule_kind::array_min_size:
      return value.type == coerced::kind::array &&
             static_cast<std::int64_t>(value.node->items.size()) >= rule.bound;
    case rule_kind::nested:
      return true;  // handled by validate_nested
  }
  return false;
}

std::string message(const field_rule& rule, const std::string& field) {
  switch (rule.kind) {
    case rule_kind::not_empty:
      return field + " should not be empty";
    case rule_kind::is_string:
      return field + " must be a string";
    case rule_kind::is_email:
      return field + " must be an email";
    case rule_kind::min_length:
      return field + " must be longer than or equal to " + std::to_string(rule.bound) +
             " characters";
    case rule_kind::is_number:
    case rule_kind::is_money:
      return field + " must be a number conforming to the specified constraints";
    case rule_kind::is_integer:
      return field + " must be an integer number";
    case rule_kind::minimum:
      return field + " must not be less than " + std::to_string(rule.bound);
    case rule_kind::is_uuid:
      return field + " must be a UUID";
    case rule_kind::one_of: {
      std::string text = field + " must be one of the following values: ";
      for (std::size_t i = 0; i < rule.values.size(); ++i) {
        if (i != 0) text += ", ";
        text += rule.values[i];
      }
      return text;
    }
    case rule_kind::is_boolean:
      return field + " must be a boolean value";
    case rule_kind::is_array:
      return field + " must be an array";
    case rule_kind::array_min_size:
      return field + " must contain at least " + std::to_string(rule.bound) + " elements";
    case rule_kind::nested:
      return "nested property " + field + " must be either object or array";
  }
  return field + " is invalid";
}

const json_node* member(const json_node* object, std::string_view key) {
  if (object == nullptr || object->type != json_node::kind::object) return nullptr;
  for (std::size_t i = 0; i < object->keys.size(); ++i) {
    if (object->keys[i] == key) return &object->items[i];
  }
  return nullptr;
}

void validate_members(const json_node* object, const body_spec& spec, const std::string& prefix,
                      std::vector<std::string>& out);

// class-validator's ValidateNested, flattened the NestJS way: element messages are prefixed
// with "<field>.<index>."; a non-object element gets the nested message prefixed "<field>.".
void validate_nested(const field_rule& rule, const field_spec& field, const coerced& value,
                     const std::string& prefix, std::vector<std::string>& own,
                     std::vector<std::string>& children) {
  LEDGER_ASSERT(rule.element != nullptr, "nested rule of {} has no element spec", field.name);
  if (value.type == coerced::kind::undefined) return;
  if (value.type == coerced::kind::array) {
    for (std::size_t i = 0; i < value.node->items.size(); ++i) {
      const json_node& element = value.node->items[i];
      if (element.type == json_node::kind::object) {
        validate_members(&element, *rule.element,
                         prefix + field.name + "." + std::to_string(i) + ".", children);
      } else {
        children.push_back(prefix + field.name + "." + message(rule, field.name));
      }
    }
  } else if (value.type == coerced::kind::object) {
    validate_members(value.node, *rule.element, prefix + field.name + ".", children);
  } else {
    own.push_back(prefix + message(rule, field.name));
  }
}

void validate_members(const json_node* object, const body_spec& spec, const std::string& prefix,
                      std::vector<std::string>& out) {
  if (spec.reject_unknown && object != nullptr) {
    for (const std::string& key : object->keys) {
      bool declared = false;
      for (const field_spec& field : spec.fields) declared = declared || field.name == key;
      if (!declared) out.push_back(prefix + "property " + key + " should not exist");
    }
  }
  for (const field_spec& field : spec.fields) {
    const json_node* node = member(object, field.name);
    if (field.optional && (node == nullptr || node->type == json_node::kind::null)) continue;
    const coerced value = coerce(node, field.type);
    std::vector<std::string> own;
    std::vector<std::string> children;
    for (const field_rule& rule : field.rules) {
      if (rule.kind != rule_kind::nested && !passes(rule, value)) {
        own.push_back(prefix + message(rule, field.name));
      }
    }
    for (const field_rule& rule : field.rules) {
      if (rule.kind == rule_kind::nested) validate_nested(rule, field, value, prefix, own, children);
    }
    // NestJS keeps only the children's messages of a property that has children.
    const std::vector<std::string>& chosen = children.empty() ? own : children;
    out.insert(out.end(), chosen.begin(), chosen.end());
  }
}

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_non_ascii(char c) { return static_cast<unsigned char>(c) >= 0x80; }

bool is_email_atom_char(char c) {
  if (is_ascii_letter(c) || is_digit(c) || is_non_ascii(c)) return true;
  constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~";
  return specials.find(c) != std::string_view::npos;
}

bool is_domain_label(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (char c : label) {
    if (!(is_ascii_letter(c) || is_digit(c) || is_non_ascii(c) || c == '-')) return false;
  }
  return true;
}

bool is_top_level_domain(std::string_view label) {
  if (label.size() >= 4 && (label[0] == 'x' || label[0] == 'X') &&
      (label[1] == 'n' || label[1] == 'N')) {
    return true;  // punycode: xn--..., already checked as a label
  }
  if (utf16_length(label) < 2) return false;
  for (char c : label) {
    if (!(is_ascii_letter(c) || is_non_ascii(c))) return false;
  }
  return true;
}

// The pieces of `text` between `separator`s, in order (empty pieces included).
std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> pieces;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      pieces.push_back(text.substr(start));
      return pieces;
    }
    pieces.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Rule constructors.

namespace rule {
field_rule not_empty() { return field_rule{.kind = rule_kind::not_empty}; }
field_rule is_string() { return field_rule{.kind = rule_kind::is_string}; }
field_rule is_email() { return field_rule{.kind = rule_kind::is_email}; }
field_rule min_length(std::int64_t characters) {
  return field_rule{.kind = rule_kind::min_length, .bound = characters};
}
field_rule is_number() { return field_rule{.kind = rule_kind::is_number}; }
field_rule is_money() { return field_rule{.kind = rule_kind::is_money}; }
field_rule is_integer() { return field_rule{.kind = rule_kind::is_integer}; }
field_rule minimum(std::int64_t bound) {
  return field_rule{.kind = rule_kind::minimum, .bound = bound};
}
field_rule is_uuid() { return field_rule{.kind = rule_kind::is_uuid}; }
field_rule one_of(std::vector<std::string> values) {
  return field_rule{.kind = rule_kind::one_of, .values = std::move(values)};
}
field_rule is_boolean() { return field_rule{.kind = rule_kind::is_boolean}; }
field_rule is_array() { return field_rule{.kind = rule_kind::is_array}; }
field_rule array_min_size(std::int64_t elements) {
  return field_rule{.kind = rule_kind::array_min_size, .bound = elements};
}
field_rule nested(body_spec element) {
  return field_rule{.kind = rule_kind::nested,
                    .element = std::make_shared<const body_spec>(std::move(element))};
}
}  // namespace rule

field_spec required_field(std::string name, field_type type, std::vector<field_rule> rules) {
  return field_spec{.name = std::move(name), .type = type, .optional = false,
                    .rules = std::move(rules)};
}

field_spec optional_field(std::string name, field_type type, std::vector<field_rule> rules) {
  return field_spec{.name = std::move(name), .type = type, .optional = true,
                    .rules = std::move(rules)};
}

// ---------------------------------------------------------------------------------------------
// Views.

const json_node* object_view::find(std::string_view key) const { return member(node_, key); }

bool object_view::contains(std::string_view key) const { return find(key) != nullptr; }

bool object_view::has(std::string_view key) const {
  const json_node* node = find(key);
  return node != nullptr && node->type != json_node::kind::null;
}

bool object_view::is_null(std::string_view key) const {
  const json_node* node = find(key);
  return node != nullptr && node->type == json_node::kind::null;
}

std::vector<std::string> object_view::keys() const {
  if (node_ == nullptr) return {};
  return node_->keys;
}

std::optional<std::string> object_view::string(std::string_view key) const {
  coerced value = coerce(find(key), field_type::string);
  if (value.type != coerced::kind::string) return std::nullopt;
  return std::move(value.text);
}

std::optional<std::string> object_view::text(std::string_view key) const {
  const json_node* node = find(key);
  if (node == nullptr || node->type != json_node::kind::string) return std::nullopt;
  return node->text;
}

std::optional<double> object_view::number(std::string_view key) const {
  const coerced value = coerce(find(key), field_type::number);
  if (!is_finite_number(value)) return std::nullopt;
  return value.number.value;
}

std::optional<std::int64_t> object_view::integer(std::string_view key) const {
  return integer_of(coerce(find(key), field_type::number));
}

std::optional<std::int64_t> object_view::money(std::string_view key) const {
  return money_of(coerce(find(key), field_type::number));
}

std::optional<bool> object_view::boolean(std::string_view key) const {
  const coerced value = coerce(find(key), field_type::boolean);
  if (value.type != coerced::kind::boolean) return std::nullopt;
  return value.flag;
}

std::optional<object_view> object_view::object(std::string_view key) const {
  const json_node* node = find(key);
  if (node == nullptr || node->type != json_node::kind::object) return std::nullopt;
  return object_view(node, path_of(key));
}

std::optional<std::vector<object_view>> object_view::objects(std::string_view key) const {
  const json_node* node = find(key);
  if (node == nullptr || node->type != json_node::kind::array) return std::nullopt;
  std::vector<object_view> out;
  out.reserve(node->items.size());
  const std::string base = path_of(key);
  for (std::size_t i = 0; i < node->items.size(); ++i) {
    if (node->items[i].type != json_node::kind::object) return std::nullopt;
    out.push_back(object_view(&node->items[i], base + "." + std::to_string(i)));
  }
  return out;
}

std::optional<std::size_t> object_view::array_size(std::string_view key) const {
  const json_node* node = find(key);
  if (node == nullptr || node->type != json_node::kind::array) return std::nullopt;
  return node->items.size();
}

std::string object_view::path_of(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  std::string out = path_;
  out += '.';
  out += key;
  return out;
}

validated_body::validated_body(std::shared_ptr<const detail::json_node> root)
    : object_view(root.get(), std::string()), root_(std::move(root)) {}

// ---------------------------------------------------------------------------------------------
// Entry points.

body_result validate_body(std::string_view text, const body_spec& spec) {
  body_result result;
  auto root = std::make_shared<json_node>();
  root->type = json_node::kind::object;
  if (!trim_json_space(text).empty()) {  // an empty body is {} (Express)
    if (simdjson::error_code error = read_document(text, *root)) {
      // A token of no JSON type ("tru", "hello") is a structure error, not a type mismatch.
      if (error == simdjson::INCORRECT_TYPE) error = simdjson::TAPE_ERROR;
      result.parse_error = std::string("Invalid JSON body: ") + simdjson::error_message(error);
      return result;
    }
  }
  if (root->type != json_node::kind::object) {
    result.messages.emplace_back("body must be a JSON object");
    return result;
  }
  validate_members(root.get(), spec, std::string(), result.messages);
  result.body = validated_body(std::move(root));
  return result;
}

body_result parse_body(std::string_view text) {
  static const body_spec permissive{.fields = {}, .reject_unknown = false};
  return validate_body(text, permissive);
}

std::vector<std::string> validate_object(const object_view& object, const body_spec& spec) {
  std::vector<std::string> out;
  const std::string prefix = object.path().empty() ? std::string() : object.path() + ".";
  validate_members(object.node_, spec, prefix, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Helpers.

std::optional<std::int64_t> parse_int(std::string_view text) {
  bool negative = false;
  if (!text.empty() && text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t magnitude = 0;
  for (char c : text) {
    if (!is_digit(c)) return std::nullopt;
    magnitude = magnitude * 10 + static_cast<std::uint64_t>(c - '0');  // 19 digits: no wrap
  }
  constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (negative) {
    if (magnitude > max + 1) return std::nullopt;
    return magnitude == max + 1 ? std::numeric_limits<std::int64_t>::min()
                                : -static_cast<std::int64_t>(magnitude);
  }
  if (magnitude > max) return std::nullopt;
  return static_cast<std::int64_t>(magnitude);
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  bool all_zero = true;
  bool all_f = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
      continue;
    }
    if (digit_value(c) >= 16) return false;
    all_zero = all_zero && c == '0';
    all_f = all_f && (c == 'f' || c == 'F');
  }
  if (all_zero || all_f) return true;
  const char version = text[14];
  const char variant = text[19];
  return version >= '1' && version <= '8' &&
         (variant == '8' || variant == '9' || variant == 'a' || variant == 'A' ||
          variant == 'b' || variant == 'B');
}

bool is_email(std::string_view text) {
  if (text.empty() || text.size() > 254) return false;
  const std::size_t at = text.rfind('@');
  if (at == std::string_view::npos) return false;
  const std::string_view local = text.substr(0, at);
  const std::string_view domain = text.substr(at + 1);
  if (local.empty() || local.size() > 64 || domain.empty()) return false;
  for (std::string_view atom : split(local, '.')) {  // dot-separated, non-empty atoms
    if (atom.empty()) return false;
    for (char c : atom) {
      if (!is_email_atom_char(c)) return false;
    }
  }
  const std::vector<std::string_view> labels = split(domain, '.');
  for (std::string_view label : labels) {
    if (!is_domain_label(label)) return false;
  }
  return labels.size() >= 2 && is_top_level_domain(labels.back());
}

double js_string_to_number(std::string_view text) { return parse_js_number(text).value; }

std::string js_number_to_string(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0) return "0";  // also -0
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                    std::chars_format::scientific);
  // "-d.ddde+XX": the shortest round-trip digits and the exponent of the first one.
  std::string_view rest(buffer.data(), static_cast<std::size_t>(result.ptr - buffer.data()));
  std::string out;
  if (rest.front() == '-') {
    out += '-';
    rest.remove_prefix(1);
  }
  const std::size_t e = rest.find('e');
  std::string digits;
  for (char c : rest.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  const std::string_view exponent_text = rest.substr(e + 1);
  const std::size_t skip = exponent_text.front() == '+' ? 1 : 0;
  std::from_chars(exponent_text.data() + skip, exponent_text.data() + exponent_text.size(),
                  exponent);
  // ECMAScript Number::toString: value = 0.digits x 10^n.
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<std::size_t>(n));
    out += '.';
    out += digits.substr(static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out += digits.front();
    if (k > 1) {
      out += '.';
      out += digits.substr(1);
    }
    out += 'e';
    out += n - 1 >= 0 ? '+' : '-';
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

}  // namespace ledger::api
