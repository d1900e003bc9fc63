// Request-body validation (api/validation.h): the reference's validation messages, coercion and
// the exact reading of values.
//
// How: each case declares a route's body spec the way a handler does (fields and rules taken
// from the per-route tables of api-contract.md: login 5.2, cart add 8.3, transfer 7.4,
// checkout 8.8), validates a literal JSON body and compares the WHOLE message vector, in order,
// with the text the contract gives (so a missing, extra, reordered or reworded message fails).
// Tables cover the coercion rules of 1.5, the UUID and email rules, JavaScript number text,
// money read exactly from the decimal text (rounded half away from zero, never via a double),
// malformed and non-object bodies, and reading nested elements with their message paths.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/validation.h"

namespace {

namespace api = ledger::api;
using api::field_type;
using strings = std::vector<std::string>;

constexpr const char* valid_uuid = "3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f";

api::body_spec login_spec() {
  return {.fields = {
              api::required_field("email", field_type::string,
                                  {api::rule::is_email(), api::rule::not_empty()}),
              api::required_field("password", field_type::string,
                                  {api::rule::min_length(6), api::rule::not_empty(),
                                   api::rule::is_string()}),
          }};
}

api::body_spec cart_add_spec() {
  return {.fields = {
              api::required_field("productId", field_type::string, {api::rule::is_uuid()}),
              api::required_field("quantity", field_type::number,
                                  {api::rule::minimum(1), api::rule::is_number(),
                                   api::rule::is_integer()}),
              api::optional_field("barcode", field_type::string, {api::rule::is_string()}),
          }};
}

api::body_spec transfer_spec() {
  api::body_spec item{.fields = {api::required_field("productId", field_type::string,
                                                     {api::rule::is_uuid()}),
                                 api::required_field("quantity", field_type::number,
                                                     {api::rule::minimum(1),
                                                      api::rule::is_number(),
                                                      api::rule::is_integer()})},
                      .reject_unknown = false};
  return {.fields = {
              api::required_field("sourceBranchId", field_type::string, {api::rule::is_uuid()}),
              api::required_field("destBranchId", field_type::string, {api::rule::is_uuid()}),
              api::required_field("items", field_type::array,
                                  {api::rule::is_array(), api::rule::array_min_size(1),
                                   api::rule::nested(std::move(item))}),
              api::optional_field("notes", field_type::string, {api::rule::is_string()}),
          }};
}

api::body_spec payment_spec() {
  return {.fields = {api::required_field("method", field_type::string,
                                         {api::rule::one_of({"CASH", "BANK_TRANSFER", "E_WALLET"})}),
                     api::required_field("amount", field_type::number,
                                         {api::rule::minimum(0), api::rule::is_money()}),
                     api::optional_field("reference", field_type::string,
                                         {api::rule::is_string()}),
                     api::optional_field("changeDue", field_type::number,
                                         {api::rule::minimum(0), api::rule::is_number()})},
          .reject_unknown = false};
}

api::body_spec checkout_spec() {
  return {.fields = {
              api::optional_field("customerId", field_type::string, {api::rule::is_uuid()}),
              api::optional_field("discountAmount", field_type::number,
                                  {api::rule::minimum(0), api::rule::is_money()}),
              api::optional_field("notes", field_type::string, {api::rule::is_string()}),
              api::required_field("payments", field_type::array,
                                  {api::rule::is_array(), api::rule::array_min_size(1)}),
          }};
}

// One money field, for the exactness table.
api::body_spec amount_spec() {
  return {.fields = {api::required_field("amount", field_type::number, {api::rule::is_money()})}};
}

strings messages_of(std::string_view body, const api::body_spec& spec) {
  const api::body_result result = api::validate_body(body, spec);
  REQUIRE_FALSE(result.parse_error.has_value());
  return result.messages;
}

std::string cart_body(std::string_view quantity_json) {
  return fmt::format(R"({{"productId":"{}","quantity":{}}})", valid_uuid, quantity_json);
}

}  // namespace

TEST_SUITE("validation") {

TEST_CASE("login: a 5-character password gives exactly the contract's message") {
  CHECK(messages_of(R"({"email":"admin@pos.com","password":"12345"})", login_spec()) ==
        strings{"password must be longer than or equal to 6 characters"});
  CHECK(messages_of(R"({"email":"admin@pos.com","password":"123456"})", login_spec()).empty());
}

TEST_CASE("every failing rule of a field reports, in the field's rule order") {
  CHECK(messages_of(R"({"email":"admin@pos.com"})", login_spec()) ==
        strings{"password must be longer than or equal to 6 characters",
                "password should not be empty", "password must be a string"});
  CHECK(messages_of(R"({"password":"secret1"})", login_spec()) ==
        strings{"email must be an email", "email should not be empty"});
  CHECK(messages_of(R"({"email":"","password":"secret1"})", login_spec()) ==
        strings{"email must be an email", "email should not be empty"});

  const api::body_spec category{
      .fields = {api::required_field("name", field_type::string,
                                     {api::rule::not_empty(), api::rule::is_string()})}};
  CHECK(messages_of("{}", category) ==
        strings{"name should not be empty", "name must be a string"});
}

TEST_CASE("a missing required quantity gives the minimum and the number message, in order") {
  const std::string body = std::string(R"({"productId":")") + valid_uuid + R"("})";
  CHECK(messages_of(body, cart_add_spec()) ==
        strings{"quantity must not be less than 1",
                "quantity must be a number conforming to the specified constraints"});
  // null for a required field is checked like a missing one.
  CHECK(messages_of(cart_body("null"), cart_add_spec()) ==
        strings{"quantity must not be less than 1",
                "quantity must be a number conforming to the specified constraints"});
}

TEST_CASE("unknown keys are rejected first, then the declared fields in order") {
  CHECK(messages_of(R"({"email":"a@b.co","password":"secret1","remember":true})", login_spec()) ==
        strings{"property remember should not exist"});
  CHECK(messages_of(R"({"zz":1,"password":"x","aa":2})", login_spec()) ==
        strings{"property zz should not exist", "property aa should not exist",
                "email must be an email", "email should not be empty",
                "password must be longer than or equal to 6 characters"});
  // A route that reads single keys ignores everything else.
  const api::body_result lenient = api::parse_body(R"({"refreshToken":"t","other":1})");
  CHECK(lenient.ok());
  CHECK(lenient.body.string("refreshToken") == std::optional<std::string>("t"));
}

TEST_CASE("numeric fields coerce like JavaScript Number()") {
  struct row {
    const char* json;
    strings expected;
    std::optional<std::int64_t> quantity;
  };
  const strings not_number{"quantity must be a number conforming to the specified constraints"};
  const strings below_one{"quantity must not be less than 1"};
  const strings both{"quantity must not be less than 1",
                     "quantity must be a number conforming to the specified constraints"};
  const strings not_integer{"quantity must be an integer number"};
  const row rows[] = {
      {"5", {}, 5},
      {R"("5")", {}, 5},
      {R"(" 7 ")", {}, 7},
      {R"("1e2")", {}, 100},
      {R"("0x10")", {}, 16},
      {R"("+3")", {}, 3},
      {R"("5.")", {}, 5},
      {"true", {}, 1},
      {"2.0", {}, 2},
      {"false", below_one, std::nullopt},
      {R"("")", below_one, std::nullopt},  // Number("") is 0
      {"0", below_one, std::nullopt},
      {R"("abc")", both, std::nullopt},
      {R"("1,5")", both, std::nullopt},
      {"[1]", both, std::nullopt},
      {R"({"a":1})", both, std::nullopt},
      {R"("Infinity")", not_number, std::nullopt},  // passes the minimum, as in the reference
      {"1e400", not_number, std::nullopt},          // JSON.parse gives Infinity
      {"1.5", not_integer, std::nullopt},
      {R"("2.25")", not_integer, std::nullopt},
      {"9007199254740992", not_integer, std::nullopt},
      {"9007199254740991", {}, 9007199254740991},
  };
  for (const row& r : rows) {
    CAPTURE(r.json);
    const api::body_result result = api::validate_body(cart_body(r.json), cart_add_spec());
    REQUIRE_FALSE(result.parse_error.has_value());
    CHECK(result.messages == r.expected);
    if (r.quantity) CHECK(result.body.integer("quantity") == r.quantity);
  }
}

TEST_CASE("string fields coerce numbers and booleans to their JavaScript text") {
  const api::body_spec spec{
      .fields = {api::required_field("sku", field_type::string, {api::rule::is_string()})}};
  struct row {
    const char* json;
    std::optional<std::string> text;
  };
  const row rows[] = {
      {"123", "123"},       {"12.50", "12.5"},     {"-0", "0"},
      {"1e2", "100"},       {"1e21", "1e+21"},     {"0.000001", "0.000001"},
      {"1.5e-7", "1.5e-7"}, {"true", "true"},      {"false", "false"},
      {R"("x")", "x"},      {"[1]", std::nullopt}, {"{}", std::nullopt},
  };
  for (const row& r : rows) {
    CAPTURE(r.json);
    const api::body_result result =
        api::validate_body(std::string(R"({"sku":)") + r.json + "}", spec);
    if (r.text) {
      CHECK(result.messages.empty());
      CHECK(result.body.string("sku") == r.text);
    } else {
      CHECK(result.messages == strings{"sku must be a string"});
    }
  }
}

TEST_CASE("optional fields may be absent or null; null skips every rule") {
  const std::string base = std::string(R"({"productId":")") + valid_uuid + R"(","quantity":2)";
  const api::body_result absent = api::validate_body(base + "}", cart_add_spec());
  CHECK(absent.ok());
  CHECK_FALSE(absent.body.contains("barcode"));

  const api::body_result null = api::validate_body(base + R"(,"barcode":null})", cart_add_spec());
  CHECK(null.ok());
  CHECK(null.body.contains("barcode"));
  CHECK(null.body.is_null("barcode"));
  CHECK_FALSE(null.body.has("barcode"));
  CHECK(null.body.string("barcode") == std::nullopt);

  // An optional field that is present is checked.
  CHECK(messages_of(base + R"(,"barcode":[]})", cart_add_spec()) ==
        strings{"barcode must be a string"});
  // "" is not null: an optional uuid given as "" fails (api-contract 6.1 branchId).
  const api::body_spec user{
      .fields = {api::optional_field("branchId", field_type::string, {api::rule::is_uuid()})}};
  CHECK(messages_of(R"({"branchId":""})", user) == strings{"branchId must be a UUID"});
  CHECK(messages_of(R"({"branchId":null})", user).empty());
}

TEST_CASE("UUID rule: hex 8-4-4-4-12, version 1-8, variant 8/9/a/b, nil and max") {
  struct row {
    const char* text;
    bool valid;
  };
  const row rows[] = {
      {"3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f", true},
      {"3F2B8C1E-9D4A-4C6B-8E2F-1A2B3C4D5E6F", true},    // uppercase
      {"3f2b8c1e-9d4a-1c6b-9e2f-1a2b3c4d5e6f", true},    // version 1, variant 9
      {"3f2b8c1e-9d4a-8c6b-ae2f-1a2b3c4d5e6f", true},    // version 8, variant a
      {"3f2b8c1e-9d4a-7c6b-Be2f-1a2b3c4d5e6f", true},    // variant B
      {"3f2b8c1e-9d4a-0c6b-8e2f-1a2b3c4d5e6f", false},   // version 0
      {"3f2b8c1e-9d4a-9c6b-8e2f-1a2b3c4d5e6f", false},   // version 9
      {"3f2b8c1e-9d4a-4c6b-ce2f-1a2b3c4d5e6f", false},   // variant c
      {"3f2b8c1e-9d4a-4c6b-7e2f-1a2b3c4d5e6f", false},   // variant 7
      {"00000000-0000-0000-0000-000000000000", true},    // nil
      {"ffffffff-ffff-ffff-ffff-ffffffffffff", true},    // max
      {"FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", true},
      {"3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6", false},    // 35 characters
      {"3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f0", false},  // 37 characters
      {"3f2b8c1e9d4a4c6b8e2f1a2b3c4d5e6f", false},       // no hyphens
      {"3f2b8c1e-9d4a-4c6b-8e2f_1a2b3c4d5e6f", false},   // wrong separator
      {"3f2b8c1g-9d4a-4c6b-8e2f-1a2b3c4d5e6f", false},   // not hex
      {"{3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f}", false},
      {"", false},
  };
  for (const row& r : rows) {
    CAPTURE(r.text);
    CHECK(api::is_uuid(r.text) == r.valid);
  }
  // Through a body: a number is coerced to text first and then fails.
  CHECK(messages_of(R"({"productId":5,"quantity":1})", cart_add_spec()) ==
        strings{"productId must be a UUID"});
}

TEST_CASE("enum message lists the values in declaration order") {
  const api::body_spec spec{.fields = {api::required_field(
                                "method", field_type::string,
                                {api::rule::one_of({"CASH", "BANK_TRANSFER", "E_WALLET"})})}};
  const strings expected{
      "method must be one of the following values: CASH, BANK_TRANSFER, E_WALLET"};
  CHECK(messages_of(R"({"method":"CARD"})", spec) == expected);
  CHECK(messages_of(R"({"method":"cash"})", spec) == expected);  // case-sensitive
  CHECK(messages_of("{}", spec) == expected);
  CHECK(messages_of(R"({"method":"E_WALLET"})", spec).empty());
}

TEST_CASE("transfer items: element rules with path prefixes, unknown element keys allowed") {
  const std::string head = std::string(R"({"sourceBranchId":")") + valid_uuid +
                           R"(","destBranchId":")" + valid_uuid + R"(","items":)";
  auto transfer = [&](std::string_view items) {
    return messages_of(head + std::string(items) + "}", transfer_spec());
  };
  CHECK(transfer(R"([{"productId":"nope","quantity":0}])") ==
        strings{"items.0.productId must be a UUID", "items.0.quantity must not be less than 1"});
  CHECK(transfer(std::string(R"([{"productId":")") + valid_uuid +
                 R"(","quantity":"2","extra":true},{"quantity":1.5}])") ==
        strings{"items.1.productId must be a UUID", "items.1.quantity must be an integer number"});
  CHECK(transfer(R"([{}])") ==
        strings{"items.0.productId must be a UUID", "items.0.quantity must not be less than 1",
                "items.0.quantity must be a number conforming to the specified constraints"});
  CHECK(transfer("[]") == strings{"items must contain at least 1 elements"});
  CHECK(transfer(R"("x")") ==
        strings{"items must be an array", "items must contain at least 1 elements",
                "nested property items must be either object or array"});
  CHECK(transfer("[5]") == strings{"items.nested property items must be either object or array"});
  // An object instead of an array: NestJS keeps only the element messages.
  CHECK(transfer(R"({"quantity":1})") == strings{"items.productId must be a UUID"});
  CHECK(transfer(std::string(R"({"productId":")") + valid_uuid + R"(","quantity":1})") ==
        strings{"items must be an array", "items must contain at least 1 elements"});

  CHECK(messages_of(std::string(R"({"sourceBranchId":")") + valid_uuid + R"(","destBranchId":")" +
                        valid_uuid + R"("})",
                    transfer_spec()) ==
        strings{"items must be an array", "items must contain at least 1 elements"});

  // Reading the validated elements.
  const api::body_result result = api::validate_body(
      head + R"([{"productId":")" + valid_uuid + R"(","quantity":"3"},{"productId":")" +
          valid_uuid + R"(","quantity":4}],"notes":"move"})",
      transfer_spec());
  REQUIRE(result.ok());
  const auto items = result.body.objects("items");
  REQUIRE(items.has_value());
  REQUIRE(items->size() == 2);
  CHECK((*items)[0].integer("quantity") == 3);
  CHECK((*items)[1].integer("quantity") == 4);
  CHECK((*items)[1].string("productId") == std::optional<std::string>(valid_uuid));
  CHECK((*items)[1].path() == "items.1");
  CHECK((*items)[1].path_of("quantity") == "items.1.quantity");
  CHECK(result.body.array_size("items") == 2);
  CHECK(result.body.string("notes") == std::optional<std::string>("move"));
}

TEST_CASE("checkout payments: elements the reference leaves unchecked, validated with paths") {
  const api::body_result result = api::validate_body(
      R"({"discountAmount":"0","payments":[{"method":"CASH","amount":50000,"changeDue":0},)"
      R"({"method":"CARD","amount":"x"},{"method":"E_WALLET","amount":"12.345"},7]})",
      checkout_spec());
  REQUIRE(result.ok());  // top-level rules only
  CHECK(result.body.money("discountAmount") == 0);
  // Not all elements are objects: objects() refuses.
  CHECK_FALSE(result.body.objects("payments").has_value());
  CHECK(result.body.array_size("payments") == 4);

  const api::body_result good = api::validate_body(
      R"({"payments":[{"method":"CASH","amount":50000,"changeDue":0},)"
      R"({"method":"CARD","amount":"x"},{"method":"E_WALLET","amount":"12.345"}]})",
      checkout_spec());
  REQUIRE(good.ok());
  const auto payments = good.body.objects("payments");
  REQUIRE(payments.has_value());
  strings all;
  for (const api::object_view& payment : *payments) {
    const strings messages = api::validate_object(payment, payment_spec());
    all.insert(all.end(), messages.begin(), messages.end());
  }
  CHECK(all == strings{"payments.1.method must be one of the following values: CASH, "
                       "BANK_TRANSFER, E_WALLET",
                       "payments.1.amount must not be less than 0",
                       "payments.1.amount must be a number conforming to the specified "
                       "constraints"});
  CHECK((*payments)[0].money("amount") == 5000000);
  CHECK((*payments)[2].money("amount") == 1235);  // 12.345 rounds half away from zero
  CHECK((*payments)[1].money("amount") == std::nullopt);

  // The same element spec as a nested rule reports all elements in one pass.
  api::body_spec strict = checkout_spec();
  strict.fields.back().rules.push_back(api::rule::nested(payment_spec()));
  CHECK(messages_of(R"({"payments":[{"method":"CASH","amount":-1},3]})", strict) ==
        strings{"payments.0.amount must not be less than 0",
                "payments.nested property payments must be either object or array"});
}

TEST_CASE("money is read exactly from the decimal text, rounded half away from zero") {
  struct row {
    const char* json;
    std::optional<std::int64_t> minor;
  };
  const row rows[] = {
      {"0.1", 10},
      {"0.2", 20},
      {"0.3", 30},
      {R"("0.1")", 10},
      {"1e2", 10000},
      {"1E-2", 1},
      {R"("12.50")", 1250},
      {"12.5", 1250},
      {R"("10000")", 1000000},
      {"-1", -100},
      {"0.015", 2},
      {"0.005", 1},
      {"-0.005", -1},
      {"0.0049999", 0},
      {"1.005", 101},        // a double would say 1.00499999999999989...
      {"1049.325", 104933},  // the contract's tax example (1.6)
      {"-0", 0},
      {"true", 100},
      {R"(" 2.5 ")", 250},
      {R"("0x10")", 1600},
      {"90071992547409.92", 9007199254740992},  // money::amount_max
      {"-90071992547409.92", -9007199254740992},
      {"90071992547409.93", std::nullopt},
      {"92233720368547758.07", std::nullopt},  // INT64_MAX hundredths
      {"92233720368547758.08", std::nullopt},
      {"1e300", std::nullopt},
      {"1e400", std::nullopt},
      {R"("abc")", std::nullopt},
      {R"("Infinity")", std::nullopt},
      {R"("0xffffffffffffffffffff")", std::nullopt},
  };
  for (const row& r : rows) {
    CAPTURE(r.json);
    const api::body_result result =
        api::validate_body(std::string(R"({"amount":)") + r.json + "}", amount_spec());
    REQUIRE_FALSE(result.parse_error.has_value());
    CHECK(result.body.money("amount") == r.minor);
    if (r.minor) {
      CHECK(result.messages.empty());
    } else {
      CHECK(result.messages ==
            strings{"amount must be a number conforming to the specified constraints"});
    }
  }
  // 0.1 + 0.2 is exactly 0.3 in hundredths.
  const api::body_result sum =
      api::validate_body(R"({"a":0.1,"b":0.2,"c":0.3})", api::body_spec{.reject_unknown = false});
  REQUIRE(sum.ok());
  CHECK(*sum.body.money("a") + *sum.body.money("b") == *sum.body.money("c"));
}

TEST_CASE("malformed JSON is a parse error, not a list of messages") {
  const char* bodies[] = {R"({"a":)",     R"({"a" 1})",   R"({"a":1,})", R"({} x)",
                          R"({}{})",      R"({"a":01})",  R"({"a":1.})", R"({"a":-})",
                          R"({"a":tru})", R"({"a":nul})", "hello",       "[1,2",
                          R"({"a":"x)",   R"({'a':1})",   "01",          "1 2",
                          R"({"a":1}])",  R"({"a":[1,]})"};
  for (const char* body : bodies) {
    CAPTURE(body);
    const api::body_result result = api::validate_body(body, login_spec());
    CHECK(result.parse_error.has_value());
    CHECK(result.messages.empty());
    CHECK_FALSE(result.ok());
    if (result.parse_error) CHECK(result.parse_error->starts_with("Invalid JSON body: "));
  }
  // Nesting beyond json_depth_max.
  std::string deep = R"({"a":)";
  for (std::size_t i = 0; i < api::json_depth_max + 1; ++i) deep += "[";
  for (std::size_t i = 0; i < api::json_depth_max + 1; ++i) deep += "]";
  deep += "}";
  CHECK(api::parse_body(deep).parse_error.has_value());
}

TEST_CASE("a valid body that is not an object gives one message; an empty body is {}") {
  const char* bodies[] = {"[1]", "[]", R"("abc")", "5", "-1.5e3", "null", "true", " [ ] "};
  for (const char* body : bodies) {
    CAPTURE(body);
    const api::body_result result = api::validate_body(body, login_spec());
    CHECK_FALSE(result.parse_error.has_value());
    CHECK(result.messages == strings{"body must be a JSON object"});
  }
  for (const char* body : {"", "  \n"}) {
    CAPTURE(body);
    CHECK(messages_of(body, cart_add_spec()) ==
          strings{"productId must be a UUID", "quantity must not be less than 1",
                  "quantity must be a number conforming to the specified constraints"});
  }
}

TEST_CASE("duplicate keys: the last value wins, as in JSON.parse") {
  const api::body_result result =
      api::validate_body(R"({"email":"x","password":"secret1","email":"a@b.co"})", login_spec());
  CHECK(result.ok());
  CHECK(result.body.string("email") == std::optional<std::string>("a@b.co"));
  CHECK(result.body.keys() == strings{"email", "password"});
}

TEST_CASE("min length counts UTF-16 code units, like JavaScript") {
  CHECK(messages_of(R"({"email":"a@b.co","password":"ééééé"})", login_spec()) ==
        strings{"password must be longer than or equal to 6 characters"});
  CHECK(messages_of(R"({"email":"a@b.co","password":"😀😀😀"})", login_spec()).empty());
  CHECK(messages_of(R"({"email":"a@b.co","password":"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"})",
                    login_spec())
            .empty());
}

TEST_CASE("is_email approximates validator.js") {
  struct row {
    const char* text;
    bool valid;
  };
  const row rows[] = {
      {"admin@pos.com", true},      {"first.last+tag@sub.example.vn", true},
      {"a@b.co", true},             {"user@xn--p1ai", false},  // one label only
      {"user@shop.xn--p1ai", true}, {"nguyễn@ví-dụ.vn", true},
      {"", false},                  {"plain", false},
      {"@pos.com", false},          {"admin@", false},
      {"admin@pos", false},         {"admin@pos.c", false},
      {"admin@pos.c0m", false},     {"ad min@pos.com", false},
      {"admin@pos .com", false},    {"a@b@pos.com", false},
      {".admin@pos.com", false},    {"admin.@pos.com", false},
      {"ad..min@pos.com", false},   {"admin@-pos.com", false},
      {"admin@pos-.com", false},    {"admin@pos..com", false},
      {"admin@pos.com.", false},    {"admin@po_s.com", false},
  };
  for (const row& r : rows) {
    CAPTURE(r.text);
    CHECK(api::is_email(r.text) == r.valid);
  }
  CHECK_FALSE(api::is_email(fmt::format("{}@pos.com", std::string(65, 'a'))));
  CHECK(api::is_email(fmt::format("{}@pos.com", std::string(64, 'a'))));
  CHECK_FALSE(api::is_email(fmt::format("a@{}.com", std::string(250, 'b'))));
}

TEST_CASE("parse_int is a strict decimal integer") {
  struct row {
    const char* text;
    std::optional<std::int64_t> value;
  };
  const row rows[] = {
      {"0", 0},
      {"42", 42},
      {"-7", -7},
      {"007", 7},
      {"9223372036854775807", INT64_MAX},
      {"-9223372036854775808", INT64_MIN},
      {"9223372036854775808", std::nullopt},
      {"-9223372036854775809", std::nullopt},
      {"99999999999999999999", std::nullopt},
      {"", std::nullopt},
      {"-", std::nullopt},
      {"+5", std::nullopt},
      {" 5", std::nullopt},
      {"5 ", std::nullopt},
      {"1.0", std::nullopt},
      {"1e2", std::nullopt},
      {"0x10", std::nullopt},
      {"abc", std::nullopt},
  };
  for (const row& r : rows) {
    CAPTURE(r.text);
    CHECK(api::parse_int(r.text) == r.value);
  }
}

TEST_CASE("JavaScript number text and Number(string)") {
  CHECK(api::js_number_to_string(10800) == "10800");
  CHECK(api::js_number_to_string(10800.5) == "10800.5");
  CHECK(api::js_number_to_string(1049.325) == "1049.325");
  CHECK(api::js_number_to_string(0.1 + 0.2) == "0.30000000000000004");
  CHECK(api::js_number_to_string(-2.5e-7) == "-2.5e-7");
  CHECK(api::js_number_to_string(123456789012345680000.0) == "123456789012345680000");
  CHECK(api::js_number_to_string(1e21) == "1e+21");
  CHECK(api::js_number_to_string(-0.0) == "0");

  CHECK(api::js_string_to_number("") == 0);
  CHECK(api::js_string_to_number("\xC2\xA0 12\t") == 12);  // NBSP and tab trimmed
  CHECK(api::js_string_to_number(".5") == 0.5);
  CHECK(api::js_string_to_number("-1e-3") == -0.001);
  CHECK(api::js_string_to_number("0b101") == 5);
  CHECK(api::js_string_to_number("0o17") == 15);
  CHECK(std::isinf(api::js_string_to_number("-Infinity")));
  CHECK(std::isnan(api::js_string_to_number("-0x10")));
  CHECK(std::isnan(api::js_string_to_number("1_000")));
  CHECK(std::isnan(api::js_string_to_number("e5")));
  CHECK(std::isnan(api::js_string_to_number(".")));
  CHECK(std::isnan(api::js_string_to_number("1e")));
  CHECK(std::isnan(api::js_string_to_number("infinity")));
}

}  // TEST_SUITE
