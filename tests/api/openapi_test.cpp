// The OpenAPI document and the docs page (api/openapi.h, api/routes_docs.cpp).
//
// How: (1) the embedded document is parsed with simdjson and checked for what OpenAPI 3.0
// requires of it (version, info, paths, components) and for internal consistency: every
// operation has a unique operationId, a summary, a roles line and a success response; every
// `{param}` of a path is declared; every $ref resolves. (2) The route table the server builds
// (the same add_*_routes functions server_app::register_routes calls) is compared with the
// document: every registered method + path is documented with the same roles (the `x-roles`
// list and the description's first line) and the same public/authenticated security.
// (3) Black box: the real binary serves /api/docs-json (application/json) whose paths hold the
// 72 routes of api-contract section 4 with the section's role lists, and /api/docs (text/html)
// with a CSP whose script and style hashes are those of the page's inline script and style,
// and no URL to another host in the page.
#include <doctest/doctest.h>

#include <fmt/format.h>
#include <simdjson.h>
#include <sodium.h>

#include <array>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/openapi.h"
#include "api/server_app.h"
#include "tests/support/http_client.h"
#include "tests/support/temp_dir.h"

namespace ledger::testing {
namespace {

constexpr std::array<std::string_view, 7> http_methods = {"get",     "post", "put",  "patch",
                                                          "delete", "head", "options"};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// "/api/users/:id" -> "/api/users/{id}".
std::string openapi_path(std::string_view pattern) {
  std::string out;
  bool in_parameter = false;
  for (const char c : pattern) {
    if (c == ':') {
      out += '{';
      in_parameter = true;
    } else if (c == '/' && in_parameter) {
      out += "}/";
      in_parameter = false;
    } else {
      out += c;
    }
  }
  if (in_parameter) out += '}';
  return out;
}

// The string at `element`, or "" when it is missing or not a string.
std::string string_of(simdjson::simdjson_result<simdjson::dom::element> element) {
  std::string_view text;
  if (element.get_string().get(text) != simdjson::SUCCESS) return {};
  return std::string(text);
}
std::string string_of(simdjson::dom::element element) {
  return string_of(simdjson::simdjson_result<simdjson::dom::element>(std::move(element)));
}

// The roles line an operation's description starts with, from a role list (empty: any user).
std::string roles_line(const std::vector<std::string>& roles) {
  if (roles.empty()) return "Any authenticated user";
  return fmt::format("Roles: {}", fmt::join(roles, ", "));
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// The operation `method` (lower case) of `path` in the parsed document, if any.
bool find_operation(simdjson::dom::element document, const std::string& path,
                    const std::string& method, simdjson::dom::object& operation) {
  simdjson::dom::object paths;
  if (document["paths"].get_object().get(paths) != simdjson::SUCCESS) return false;
  simdjson::dom::element item;
  if (paths.at_key(path).get(item) != simdjson::SUCCESS) return false;
  return item[method].get_object().get(operation) == simdjson::SUCCESS;
}

// The x-roles of an operation: the role list, or {"public"} / {"any"}.
std::vector<std::string> x_roles(simdjson::dom::object operation) {
  simdjson::dom::element roles;
  if (operation["x-roles"].get(roles) != simdjson::SUCCESS) return {"<missing>"};
  if (roles.is_string()) return {string_of(roles)};
  std::vector<std::string> out;
  simdjson::dom::array list;
  if (roles.get_array().get(list) != simdjson::SUCCESS) return {"<not a list>"};
  for (const auto role : list) out.push_back(string_of(role));
  return out;
}

bool is_public(simdjson::dom::object operation) {
  simdjson::dom::array security;
  return operation["security"].get_array().get(security) == simdjson::SUCCESS &&
         security.size() == 0;
}

// Checks the operation documents `roles` (empty: any authenticated user) or is public.
void check_roles(simdjson::dom::object operation, const std::string& where, bool public_route,
                 const std::vector<std::string>& roles) {
  const std::string description = string_of(operation["description"]);
  if (public_route) {
    CHECK_MESSAGE(first_line(description) == "Public", where);
    CHECK_MESSAGE(x_roles(operation) == std::vector<std::string>{"public"}, where);
    CHECK_MESSAGE(is_public(operation), where, ": a public route needs security: []");
    return;
  }
  CHECK_MESSAGE(first_line(description) == roles_line(roles), where, ": ", first_line(description));
  CHECK_MESSAGE(x_roles(operation) == (roles.empty() ? std::vector<std::string>{"any"} : roles),
                where);
  CHECK_MESSAGE(!is_public(operation), where, ": an authenticated route must not be public");
}

// Calls f(pointer) for every "$ref" string in the tree.
template <class F>
void for_each_ref(simdjson::dom::element element, F& f) {
  simdjson::dom::object object;
  simdjson::dom::array array;
  if (element.get_object().get(object) == simdjson::SUCCESS) {
    for (const auto field : object) {
      if (field.key == "$ref") {
        f(string_of(field.value));
      } else {
        for_each_ref(field.value, f);
      }
    }
  } else if (element.get_array().get(array) == simdjson::SUCCESS) {
    for (const auto item : array) for_each_ref(item, f);
  }
}

// The node a local reference ("#/components/schemas/X") names, if it exists.
bool resolves(simdjson::dom::element document, const std::string& ref) {
  if (!ref.starts_with("#/")) return false;
  std::string pointer = ref.substr(1);  // JSON pointer: "/components/schemas/X"
  simdjson::dom::element target;
  return document.at_pointer(pointer).get(target) == simdjson::SUCCESS;
}

std::string sha256_base64(std::string_view text) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(text.data()),
                     text.size());
  std::array<char, sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
                                             sodium_base64_VARIANT_ORIGINAL)>
      encoded{};
  sodium_bin2base64(encoded.data(), encoded.size(), digest.data(), digest.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  return encoded.data();
}

// The text between the first `open` and the following `close`.
std::string between(const std::string& text, const std::string& open, const std::string& close) {
  const auto start = text.find(open);
  if (start == std::string::npos) return {};
  const auto end = text.find(close, start + open.size());
  if (end == std::string::npos) return {};
  return text.substr(start + open.size(), end - start - open.size());
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST_SUITE("openapi") {
  TEST_CASE("openapi: the embedded document is OpenAPI 3.0 and consistent") {
    const std::string_view text = api::openapi_json();
    REQUIRE(!text.empty());
    simdjson::dom::parser parser;
    simdjson::dom::element document;
    REQUIRE(parser.parse(text.data(), text.size()).get(document) == simdjson::SUCCESS);

    CHECK(string_of(document["openapi"]).starts_with("3.0."));
    CHECK(string_of(document["info"]["title"]) == "posledger");
    CHECK(string_of(document["info"]["version"]) == "1.0.0");
    CHECK(!string_of(document["info"]["description"]).empty());
    CHECK(string_of(document["servers"].at(0)["url"]) == "/");
    CHECK(string_of(document["components"]["securitySchemes"]["bearerAuth"]["scheme"]) == "bearer");
    simdjson::dom::object schemas;
    REQUIRE(document["components"]["schemas"].get_object().get(schemas) == simdjson::SUCCESS);
    for (const char* name : {"ErrorResponse", "BranchRow", "CategoryRow", "ProductRow", "StockRow",
                             "InvTxnRow", "TransferRow", "TransferItemRow", "SupplierRow", "PORow",
                             "POItemRow", "GRRow", "GRItemRow", "CustomerRow", "LoyaltyTxnRow",
                             "CartRow", "CartItemRow", "SaleRow", "SaleItemRow", "PaymentRow",
                             "AuditRow"}) {
      simdjson::dom::element schema;
      CHECK_MESSAGE(schemas.at_key(name).get(schema) == simdjson::SUCCESS, name);
    }
    // Money stored in records is decimal text (1.6), with a pattern.
    CHECK(string_of(schemas["ProductRow"]["properties"]["sellingPrice"]["type"]) == "string");
    CHECK(!string_of(schemas["ProductRow"]["properties"]["sellingPrice"]["pattern"]).empty());
    simdjson::dom::array error_required;
    REQUIRE(schemas["ErrorResponse"]["required"].get_array().get(error_required) == simdjson::SUCCESS);
    CHECK(error_required.size() == 5);

    // Every operation: unique operationId, summary, a roles line, a success response, and the
    // parameters its path names.
    simdjson::dom::object paths;
    REQUIRE(document["paths"].get_object().get(paths) == simdjson::SUCCESS);
    std::set<std::string> operation_ids;
    std::size_t operations = 0;
    for (const auto item : paths) {
      const std::string path(item.key);
      for (const std::string_view method : http_methods) {
        simdjson::dom::object operation;
        if (item.value[method].get_object().get(operation) != simdjson::SUCCESS) continue;
        ++operations;
        const std::string where = fmt::format("{} {}", method, path);
        const std::string id = string_of(operation["operationId"]);
        CHECK_MESSAGE(!id.empty(), where);
        CHECK_MESSAGE(operation_ids.insert(id).second, where, ": duplicate operationId ", id);
        CHECK_MESSAGE(!string_of(operation["summary"]).empty(), where);
        const std::string line = first_line(string_of(operation["description"]));
        CHECK_MESSAGE((line == "Public" || line.starts_with("Roles: ") ||
                       line.starts_with("Any authenticated user")),
                      where, ": ", line);
        simdjson::dom::object responses;
        REQUIRE_MESSAGE(operation["responses"].get_object().get(responses) == simdjson::SUCCESS, where);
        bool success = false;
        for (const auto response : responses) {
          success = success || response.key.starts_with("2") || response.key == "101";
        }
        CHECK_MESSAGE(success, where);
        // {name} segments need a path parameter.
        std::size_t at = 0;
        while ((at = path.find('{', at)) != std::string::npos) {
          const std::string name = path.substr(at + 1, path.find('}', at) - at - 1);
          bool declared = false;
          simdjson::dom::array parameters;
          if (operation["parameters"].get_array().get(parameters) == simdjson::SUCCESS) {
            for (const auto parameter : parameters) {
              declared = declared || (string_of(parameter["name"]) == name &&
                                      string_of(parameter["in"]) == "path");
            }
          }
          CHECK_MESSAGE(declared, where, ": path parameter ", name);
          ++at;
        }
      }
    }
    CHECK(operations >= 72);

    std::size_t refs = 0;
    auto check_ref = [&](const std::string& ref) {
      ++refs;
      CHECK_MESSAGE(resolves(document, ref), "unresolved $ref ", ref);
    };
    for_each_ref(document, check_ref);
    CHECK(refs > 100);
  }

  TEST_CASE("openapi: every route the server registers is documented with its roles") {
    api::router<api::route_entry> routes;
    api::add_auth_routes(routes);
    api::add_catalog_routes(routes);
    api::add_catalog_write_routes(routes);
    api::add_operations_routes(routes);
    api::add_operations_write_routes(routes);
    api::add_report_routes(routes);
    api::add_native_routes(routes);
    api::add_metrics_routes(routes);
    api::add_docs_routes(routes);
    REQUIRE(routes.size() >= 72 + 4 + 1 + 2);

    const std::string_view text = api::openapi_json();
    simdjson::dom::parser parser;
    simdjson::dom::element document;
    REQUIRE(parser.parse(text.data(), text.size()).get(document) == simdjson::SUCCESS);
    std::size_t checked = 0;
    routes.for_each([&](const std::string& method, const std::string& pattern,
                        const api::route_entry& route) {
      const std::string path = openapi_path(pattern);
      const std::string where = fmt::format("{} {}", method, path);
      simdjson::dom::object operation;
      if (!find_operation(document, path, lower(method), operation)) {
        FAIL_CHECK("not documented: ", where);
        return;
      }
      std::vector<std::string> roles;
      for (const auto role : route.roles) roles.emplace_back(events::wire::EnumNameuser_role(role));
      check_roles(operation, where, route.is_public, roles);
      ++checked;
    });
    CHECK(checked == routes.size());
  }

  TEST_CASE("openapi: /api/docs-json and /api/docs served by the binary") {
    // api-contract section 4: every route with its role list, in the 403 message's order
    // (empty: any authenticated user; "public" marks the public ones).
    struct contract_route {
      const char* method;
      const char* path;
      std::vector<std::string> roles;
    };
    const std::vector<std::string> public_route{"public"};
    const std::vector<std::string> admin_manager{"SUPER_ADMIN", "BRANCH_MANAGER"};
    const std::vector<std::string> stock{"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF"};
    const std::vector<std::string> till{"CASHIER", "BRANCH_MANAGER"};
    const std::vector<std::string> reports{"SUPER_ADMIN", "BRANCH_MANAGER", "OWNER"};
    const std::vector<std::string> four{"SUPER_ADMIN", "BRANCH_MANAGER", "CASHIER", "INVENTORY_STAFF"};
    const std::vector<contract_route> table = {
        {"GET", "/health", public_route},
        {"POST", "/api/auth/login", public_route},
        {"POST", "/api/auth/logout", {}},
        {"POST", "/api/auth/refresh", public_route},
        {"POST", "/api/auth/change-password", {}},
        {"POST", "/api/auth/request-reset", public_route},
        {"POST", "/api/auth/reset-password", public_route},
        {"GET", "/api/auth/profile", {}},
        {"POST", "/api/users", {"SUPER_ADMIN"}},
        {"GET", "/api/users", reports},
        {"GET", "/api/users/{id}", admin_manager},
        {"PATCH", "/api/users/{id}", {"SUPER_ADMIN"}},
        {"PATCH", "/api/users/{id}/toggle-active", {"SUPER_ADMIN"}},
        {"POST", "/api/branches", {"SUPER_ADMIN"}},
        {"GET", "/api/branches", {"SUPER_ADMIN", "BRANCH_MANAGER", "OWNER", "INVENTORY_STAFF"}},
        {"GET", "/api/branches/{id}", admin_manager},
        {"PATCH", "/api/branches/{id}", {"SUPER_ADMIN"}},
        {"POST", "/api/categories", admin_manager},
        {"GET", "/api/categories", four},
        {"GET", "/api/categories/{id}", stock},
        {"PATCH", "/api/categories/{id}", admin_manager},
        {"DELETE", "/api/categories/{id}", {"SUPER_ADMIN"}},
        {"POST", "/api/products", stock},
        {"GET", "/api/products/search", four},
        {"GET", "/api/products/barcode/{barcode}", four},
        {"GET", "/api/products/{id}", stock},
        {"PATCH", "/api/products/{id}", admin_manager},
        {"PATCH", "/api/products/{id}/toggle-active", admin_manager},
        {"POST", "/api/suppliers", stock},
        {"GET", "/api/suppliers", stock},
        {"GET", "/api/suppliers/{id}", stock},
        {"PATCH", "/api/suppliers/{id}", admin_manager},
        {"PATCH", "/api/suppliers/{id}/toggle-active", {"SUPER_ADMIN"}},
        {"POST", "/api/customers", {"SUPER_ADMIN", "BRANCH_MANAGER", "CASHIER"}},
        {"GET", "/api/customers", {"SUPER_ADMIN", "BRANCH_MANAGER", "CASHIER"}},
        {"GET", "/api/customers/phone/{phone}", {"SUPER_ADMIN", "BRANCH_MANAGER", "CASHIER"}},
        {"GET", "/api/customers/{id}", admin_manager},
        {"PATCH", "/api/customers/{id}", admin_manager},
        {"POST", "/api/inventory/stock-in", stock},
        {"POST", "/api/inventory/stock-out", stock},
        {"POST", "/api/inventory/adjust", stock},
        {"POST", "/api/inventory/transfer", stock},
        {"GET", "/api/inventory/low-stock", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF", "OWNER"}},
        {"GET", "/api/inventory/stock", stock},
        {"GET", "/api/inventory/transactions", stock},
        {"GET", "/api/inventory/transfers", stock},
        {"GET", "/api/pos/cart", till},
        {"POST", "/api/pos/cart/add", till},
        {"POST", "/api/pos/cart/scan", till},
        {"PATCH", "/api/pos/cart/item/{itemId}", till},
        {"DELETE", "/api/pos/cart/item/{itemId}", till},
        {"POST", "/api/pos/cart/customer", till},
        {"POST", "/api/pos/checkout", till},
        {"GET", "/api/pos/receipt/{saleId}", {"CASHIER", "BRANCH_MANAGER", "OWNER"}},
        {"POST", "/api/pos/return", {"BRANCH_MANAGER", "SUPER_ADMIN"}},
        {"POST", "/api/pos/cancel/{saleId}", {"BRANCH_MANAGER", "SUPER_ADMIN"}},
        {"GET", "/api/pos/sales", {"CASHIER", "BRANCH_MANAGER", "OWNER"}},
        {"POST", "/api/procurement/purchase-orders", stock},
        {"GET", "/api/procurement/purchase-orders", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF", "OWNER"}},
        {"GET", "/api/procurement/purchase-orders/{id}", stock},
        {"PATCH", "/api/procurement/purchase-orders/{id}/approve", admin_manager},
        {"PATCH", "/api/procurement/purchase-orders/{id}/reject", admin_manager},
        {"POST", "/api/procurement/goods-receipt", stock},
        {"GET", "/api/procurement/goods-receipts", stock},
        {"GET", "/api/reports/daily-sales", reports},
        {"GET", "/api/reports/product-sales", reports},
        {"GET", "/api/reports/inventory-valuation", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF", "OWNER"}},
        {"GET", "/api/reports/profit", reports},
        {"GET", "/api/reports/cashier-performance", reports},
        {"GET", "/api/dashboard", reports},
        {"GET", "/api/audit", reports},
        {"GET", "/api/audit/inventory", stock},
    };
    REQUIRE(table.size() == 72);

    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"});
    http_client client(server.port());

    const auto json = client.request("GET", "/api/docs-json");
    REQUIRE(json.status == 200);
    CHECK(json.header("content-type").starts_with("application/json"));
    CHECK(json.body == api::openapi_json());
    simdjson::dom::parser parser;
    simdjson::dom::element document;
    REQUIRE(parser.parse(json.body).get(document) == simdjson::SUCCESS);
    for (const auto& route : table) {
      const std::string where = fmt::format("{} {}", route.method, route.path);
      simdjson::dom::object operation;
      if (!find_operation(document, route.path, lower(route.method), operation)) {
        FAIL_CHECK("contract route not documented: ", where);
        continue;
      }
      check_roles(operation, where, route.roles == public_route, route.roles);
    }
    // The native and service routes are documented too.
    for (const auto& [method, path] :
         {std::pair{"post", "/api/v1/commands"}, std::pair{"get", "/api/v1/events"},
          std::pair{"get", "/api/v1/ledger/head"}, std::pair{"get", "/api/v1/ledger/verify"},
          std::pair{"get", "/metrics"}, std::pair{"get", "/dashboard"},
          std::pair{"get", "/api/docs"}, std::pair{"get", "/api/docs-json"}}) {
      simdjson::dom::object operation;
      CHECK_MESSAGE(find_operation(document, path, method, operation), method, " ", path);
    }

    const auto page = client.request("GET", "/api/docs");
    REQUIRE(page.status == 200);
    CHECK(page.header("content-type") == "text/html; charset=utf-8");
    const std::string policy = page.header("content-security-policy");
    CHECK(contains(policy, "default-src 'none'"));
    CHECK(contains(policy, "connect-src 'self'"));
    CHECK(contains(policy, "frame-ancestors 'none'"));
    CHECK(contains(policy, "base-uri 'none'"));
    CHECK(contains(policy, "form-action 'none'"));
    CHECK_FALSE(contains(policy, "unsafe-inline"));
    CHECK(page.header("x-content-type-options") == "nosniff");
    // The policy allows exactly the page's inline script and style.
    const std::string script = between(page.body, "<script>", "</script>");
    const std::string style = between(page.body, "<style>", "</style>");
    REQUIRE(!script.empty());
    REQUIRE(!style.empty());
    CHECK(contains(policy, fmt::format("script-src 'sha256-{}'", sha256_base64(script))));
    CHECK(contains(policy, fmt::format("style-src 'sha256-{}'", sha256_base64(style))));
    CHECK(policy == api::docs_page_csp());
    // Self-contained: no other host, no external script, style or font; one script, one style.
    CHECK_FALSE(contains(page.body, "http://"));
    CHECK_FALSE(contains(page.body, "https://"));
    CHECK_FALSE(contains(page.body, "src="));
    CHECK_FALSE(contains(page.body, "<link"));
    CHECK_FALSE(contains(page.body, "@import"));
    CHECK_FALSE(contains(page.body, "innerHTML"));
    CHECK(page.body.find("<script") == page.body.rfind("<script"));
    CHECK(page.body.find("<style") == page.body.rfind("<style"));
    CHECK(contains(script, "fetch(\"/api/docs-json\""));
    // Public: no token needed, and the JSON answers keep their own CSP.
    CHECK(json.header("content-security-policy") == "default-src 'none'; frame-ancestors 'none'");
  }
}

}  // namespace
}  // namespace ledger::testing
