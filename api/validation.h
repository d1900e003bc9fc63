#pragma once
// Request-body validation (api-contract 1.5): parse a JSON body, check it against the route's
// declared field list, and read the coerced values. Pure code: no networking, no Beast.
//
// A route declares a body_spec: its fields in declaration order, each with a coercion type and
// an ordered rule list. validate_body() reproduces the reference's (class-transformer +
// class-validator + NestJS ValidationPipe) behaviour:
//   * unknown top-level keys -> "property <k> should not exist" (first, in key order), unless
//     the spec sets reject_unknown = false;
//   * lenient coercion to the declared type before any rule runs: a number field takes "5" -> 5,
//     " 5 " -> 5, "" -> 0, "0x10" -> 16, "abc" -> NaN (fails), true -> 1, false -> 0; a string
//     field takes 123 -> "123" (printed as JavaScript prints the double: 12.50 -> "12.5") and
//     true -> "true". Deliberate deviation: objects are never coerced to scalars (the reference
//     would turn {} into "[object Object]").
//   * an optional field that is absent or null is skipped entirely;
//   * every failing rule of a field contributes its message, in the field's rule order (so a
//     missing `quantity` declared {minimum(1), is_number()} gives both messages in that order);
//   * nested rules run after the field's other rules (as class-validator does): element i of an
//     array is validated against the element spec with messages prefixed "<field>.<i>."; a
//     non-object element gives "<field>.nested property <field> must be either object or array"
//     and a non-array, non-object value gives "nested property <field> must be ...". When the
//     elements produced messages, the field's own messages are dropped (NestJS flattening).
//
// [C++] additions (api-contract 1.5 allows them):
//   * is_integer ("<f> must be an integer number") fails only for a finite number that is not a
//     safe integer (|v| <= 2^53 - 1, integral); a missing value is reported by is_number alone,
//     so the contract's two-message example stays exact;
//   * is_money has the number message and also fails when the value does not fit money
//     (|v| <= money::amount_max hundredths). Money is read exactly from the decimal text, never
//     through a double, and rounded half away from zero by money::parse_decimal (the one place
//     money is rounded): 0.015 -> 2 hundredths, -0.005 -> -1.
//
// Number checks (is_number, minimum, is_integer) use the IEEE double of the value, as the
// reference does; the exact decimal text is kept beside it for money.
//
// Body text: malformed JSON -> parse_error (simdjson's message); empty or all-whitespace text is
// an empty object (as Express gives {}); valid JSON that is not an object -> the single message
// "body must be a JSON object". Nesting deeper than json_depth_max is a parse error.
//
// Usage (a route declares its spec once, in the contract's field order):
//   static const body_spec stock_out{.fields = {
//       required_field("productId", field_type::string, {rule::is_uuid()}),
//       required_field("quantity", field_type::number,
//                      {rule::minimum(1), rule::is_number(), rule::is_integer()}),
//       required_field("reason", field_type::string, {rule::is_string()}),
//       optional_field("note", field_type::string, {rule::is_string()})}};
//   const body_result result = validate_body(request.body, stock_out);
//   if (result.parse_error) -> 400 with *result.parse_error (a string message)
//   if (!result.messages.empty()) -> 400 with result.messages (an array)
//   const std::int64_t quantity = *result.body.integer("quantity");
//   const std::optional<std::string> note = result.body.string("note");
//
// Thread-safety: specs are immutable values, safe to share between threads once built.
// validate_body() is reentrant (one simdjson parser per thread). A validated_body owns its
// tree; object_views into it are valid while it (or a copy of it) lives.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ledger::api {

inline constexpr std::size_t json_depth_max = 32;  // nested arrays/objects in a request body

// What a field's value is converted to before its rules run (the declared TypeScript type).
enum class field_type : std::uint8_t {
  string,   // numbers -> JavaScript text, booleans -> "true"/"false"
  number,   // numeric strings -> their value, other strings -> NaN, booleans -> 1/0
  boolean,  // strings -> non-empty, numbers -> non-zero (JavaScript Boolean())
  array,    // no conversion
  object,   // no conversion
};

enum class rule_kind : std::uint8_t {
  not_empty,       // <f> should not be empty              (fails for "", null, absent)
  is_string,       // <f> must be a string
  is_email,        // <f> must be an email
  min_length,      // <f> must be longer than or equal to <n> characters (UTF-16 units)
  is_number,       // <f> must be a number conforming to the specified constraints
  is_money,        // same message; also requires the value to fit money (see above)
  is_integer,      // <f> must be an integer number         ([C++], finite numbers only)
  minimum,         // <f> must not be less than <n>
  is_uuid,         // <f> must be a UUID
  one_of,          // <f> must be one of the following values: A, B, C
  is_boolean,      // <f> must be a boolean value
  is_array,        // <f> must be an array
  array_min_size,  // <f> must contain at least <n> elements
  nested,          // each element (or the object itself) checked against an element spec
};

struct body_spec;

struct field_rule {
  rule_kind kind = rule_kind::is_string;
  std::int64_t bound = 0;                      // min_length, minimum, array_min_size
  std::vector<std::string> values{};           // one_of, in message order
  std::shared_ptr<const body_spec> element{};  // nested
};

// Rule constructors, named after the rule they check.
namespace rule {
[[nodiscard]] field_rule not_empty();
[[nodiscard]] field_rule is_string();
[[nodiscard]] field_rule is_email();
[[nodiscard]] field_rule min_length(std::int64_t characters);
[[nodiscard]] field_rule is_number();
[[nodiscard]] field_rule is_money();
[[nodiscard]] field_rule is_integer();
[[nodiscard]] field_rule minimum(std::int64_t bound);
[[nodiscard]] field_rule is_uuid();
[[nodiscard]] field_rule one_of(std::vector<std::string> values);
[[nodiscard]] field_rule is_boolean();
[[nodiscard]] field_rule is_array();
[[nodiscard]] field_rule array_min_size(std::int64_t elements);
[[nodiscard]] field_rule nested(body_spec element);
}  // namespace rule

struct field_spec {
  std::string name{};
  field_type type = field_type::string;
  bool optional = false;  // absent or null -> no rule runs
  std::vector<field_rule> rules{};
};

struct body_spec {
  std::vector<field_spec> fields{};  // in declaration order: the order of the messages
  bool reject_unknown = true;        // "property <k> should not exist" for undeclared keys
};

[[nodiscard]] field_spec required_field(std::string name, field_type type,
                                        std::vector<field_rule> rules);
[[nodiscard]] field_spec optional_field(std::string name, field_type type,
                                        std::vector<field_rule> rules);

namespace detail {
struct json_node;
}

class object_view;
[[nodiscard]] std::vector<std::string> validate_object(const object_view& object,
                                                       const body_spec& spec);

// A read-only view of one JSON object of a parsed body: the body itself or a nested element.
// Getters coerce exactly like validation does and return nullopt when the key is absent, null,
// or not convertible; after a successful validation the declared fields always convert.
class object_view {
 public:
  object_view() = default;  // an empty object

  [[nodiscard]] bool contains(std::string_view key) const;  // present, possibly null
  [[nodiscard]] bool has(std::string_view key) const;       // present and not null
  [[nodiscard]] bool is_null(std::string_view key) const;   // present and null
  [[nodiscard]] std::vector<std::string> keys() const;      // in body order, without repeats

  [[nodiscard]] std::optional<std::string> string(std::string_view key) const;
  // The value only if it is a JSON string (no coercion): for routes that read one field
  // without validating it (cart/scan, cart/customer).
  [[nodiscard]] std::optional<std::string> text(std::string_view key) const;
  [[nodiscard]] std::optional<double> number(std::string_view key) const;  // finite only
  // A finite, integral number with |v| <= 2^53 - 1.
  [[nodiscard]] std::optional<std::int64_t> integer(std::string_view key) const;
  // Hundredths, parsed exactly from the decimal text; |v| <= money::amount_max.
  [[nodiscard]] std::optional<std::int64_t> money(std::string_view key) const;
  [[nodiscard]] std::optional<bool> boolean(std::string_view key) const;
  // The value as an object (nullopt unless it is one).
  [[nodiscard]] std::optional<object_view> object(std::string_view key) const;
  // The elements of an array whose elements are all objects (nullopt otherwise).
  [[nodiscard]] std::optional<std::vector<object_view>> objects(std::string_view key) const;
  // The number of elements of an array value (nullopt unless it is an array).
  [[nodiscard]] std::optional<std::size_t> array_size(std::string_view key) const;

  // Where this object sits in the body: "" for the body, "payments.0" for an element.
  [[nodiscard]] const std::string& path() const { return path_; }
  // The message path of one of its keys: "amount" or "payments.0.amount".
  [[nodiscard]] std::string path_of(std::string_view key) const;

  friend std::vector<std::string> validate_object(const object_view& object,
                                                  const body_spec& spec);

 protected:
  object_view(const detail::json_node* node, std::string path)
      : node_(node), path_(std::move(path)) {}

 private:
  [[nodiscard]] const detail::json_node* find(std::string_view key) const;

  const detail::json_node* node_ = nullptr;  // an object node, or null for the empty object
  std::string path_;
};

// Enum fields: the schema's enumerators (FlatBuffers' EnumValuesX() and EnumNameX()) are the
// contract's literals, so rules and parsing read them from there, never from a copied list.
template <class Enum, std::size_t N>
[[nodiscard]] std::optional<Enum> enum_named(std::string_view name, const Enum (&values)[N],
                                             const char* (*name_of)(Enum)) {
  for (const Enum value : values) {
    if (name == name_of(value)) return value;
  }
  return std::nullopt;
}

// The literals in schema order (the order of the "must be one of" message).
template <class Enum, std::size_t N>
[[nodiscard]] std::vector<std::string> enum_names(const Enum (&values)[N],
                                                  const char* (*name_of)(Enum)) {
  std::vector<std::string> names;
  names.reserve(N);
  for (const Enum value : values) names.emplace_back(name_of(value));
  return names;
}

// The parsed body: an object_view that owns its tree (copies share it).
class validated_body : public object_view {
 public:
  validated_body() = default;
  explicit validated_body(std::shared_ptr<const detail::json_node> root);

 private:
  std::shared_ptr<const detail::json_node> root_;
};

struct body_result {
  std::optional<std::string> parse_error;  // malformed JSON: 400 with this one message
  std::vector<std::string> messages;       // failed rules: 400 with this array
  validated_body body;                     // the values (empty after a parse error or a
                                           // non-object body)

  [[nodiscard]] bool ok() const noexcept { return !parse_error && messages.empty(); }
};

// Parses `text` and validates it against `spec`.
[[nodiscard]] body_result validate_body(std::string_view text, const body_spec& spec);

// Parses `text` without declared fields (routes that read single keys and ignore the rest):
// only malformed JSON and non-object bodies fail.
[[nodiscard]] body_result parse_body(std::string_view text);

// Validates one already-parsed object (e.g. an element from objects("payments")) against a
// spec; messages are prefixed with the object's path ("payments.0.amount must be ...").
[[nodiscard]] std::vector<std::string> validate_object(const object_view& object,
                                                       const body_spec& spec);

// --- Helpers shared with query-string handling.

// Strict decimal integer: optional '-', then 1-19 digits, nothing else; nullopt on overflow.
[[nodiscard]] std::optional<std::int64_t> parse_int(std::string_view text);

// 8-4-4-4-12 hex digits (any case), version digit 1-8, variant digit 8/9/a/b; plus the nil
// (all 0) and max (all f) UUIDs.
[[nodiscard]] bool is_uuid(std::string_view text);

// An approximation of validator.js isEmail with default options: local@domain, at most 254
// bytes, local part of dot-separated atoms (at most 64 bytes), domain of at least two labels
// (letters, digits, '-', not at a label's ends, at most 63 bytes each), TLD of at least two
// letters (or an "xn--" label). Non-ASCII bytes count as letters.
[[nodiscard]] bool is_email(std::string_view text);

// JavaScript's Number(string) for a request value: trims whitespace, "" -> 0, decimal,
// 0x/0o/0b integers, [+-]Infinity; anything else -> NaN.
[[nodiscard]] double js_string_to_number(std::string_view text);

// JavaScript's String(number): shortest round-trip digits, exponent form outside 1e-7..1e21.
[[nodiscard]] std::string js_number_to_string(double value);

}  // namespace ledger::api
