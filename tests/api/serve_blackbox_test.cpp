// Black-box tests of `posledger serve`: the real binary on an ephemeral port with the demo
// ledger, spoken to over a plain socket. Covers the request pipeline of api-contract 1.2
// (404 before guards, 401, 400 validation arrays, 429 with Retry-After), the error body of 1.4,
// the auth routes of section 5 (login, profile, logout, refresh rotation), security and CORS
// headers, keep-alive with pipelining, the body limit, that bad input never moves the ledger
// head, a clean exit on SIGTERM; the role matrix of section 4 for every served route and role;
// the catalog reads of section 6 (shapes, paging, search validation, branch scoping).
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/temp_dir.h"

namespace ledger::testing {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_SUITE("serve (black box)") {
  TEST_CASE("health, unknown routes, auth pipeline, sessions and headers") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"},
                         {{"CORS_ORIGIN", "http://till.example, http://localhost:3000"}});
    http_client client(server.port());

    const auto health = client.request("GET", "/health");
    CHECK(health.status == 200);
    CHECK(contains(health.body, R"("status":"ok")"));
    CHECK(contains(health.body, R"("uptime":)"));
    CHECK(health.header("x-content-type-options") == "nosniff");
    CHECK(health.header("x-frame-options") == "DENY");
    CHECK(health.header("x-ratelimit-limit") == "120");
    const std::string head = ledger_head(client);
    CHECK(head != "0");

    // Unknown routes: 404 with the 1.4 body, before any guard (no token needed).
    for (const auto& [method, path] : {std::pair{"GET", "/api/nope"}, std::pair{"GET", "/api"},
                                       std::pair{"GET", "/"}, std::pair{"PUT", "/health"}}) {
      const auto reply = client.request(method, path);
      CHECK(reply.status == 404);
      CHECK(contains(reply.body, std::string(R"("message":"Cannot )") + method + " " + path + "\""));
      CHECK(contains(reply.body, R"("statusCode":404)"));
      CHECK(contains(reply.body, std::string(R"("path":")") + path + "\""));
      CHECK(contains(reply.body, R"("timestamp":")"));
    }

    // 401 without or with a bad token; case and trailing slash rules of 1.1.
    auto profile = client.request("GET", "/api/auth/profile");
    CHECK(profile.status == 401);
    CHECK(contains(profile.body, R"("message":"Invalid or expired token")"));
    profile = client.request("GET", "/API/Auth/Profile/", {}, {{"Authorization", "Bearer abc.def.ghi"}});
    CHECK(profile.status == 401);

    // Validation and credentials.
    auto login = client.request("POST", "/api/auth/login",
                                R"({"email":"cashier1@pos.com","password":"short"})");
    CHECK(login.status == 400);
    CHECK(contains(login.body,
                   R"("message":["password must be longer than or equal to 6 characters"])"));
    login = client.request("POST", "/api/auth/login",
                           R"({"email":"cashier1@pos.com","password":"password123","x":1})");
    CHECK(login.status == 400);
    CHECK(contains(login.body, "property x should not exist"));
    login = client.request("POST", "/api/auth/login", R"({"email": "cashier1@pos.com", )");
    CHECK(login.status == 400);
    login = client.request("POST", "/api/auth/login",
                           R"({"email":"cashier1@pos.com","password":"wrong-password"})");
    CHECK(login.status == 401);
    CHECK(contains(login.body, R"("message":"Invalid email or password")"));
    CHECK(ledger_head(client) == head);  // bad input changed nothing

    login = client.request("POST", "/api/auth/login",
                           R"({"email":"cashier1@pos.com","password":"password123"})");
    REQUIRE(login.status == 200);
    CHECK(!login.header("x-ledger-seq").empty());
    CHECK(contains(login.body, R"("role":"CASHIER")"));
    CHECK(contains(login.body, R"("user":{"sub":")"));
    const auto access = json_string_field(login.body, "accessToken");
    const auto refresh = json_string_field(login.body, "refreshToken");
    REQUIRE(access.has_value());
    REQUIRE(refresh.has_value());

    profile = client.request("GET", "/api/auth/profile", {}, {{"Authorization", "Bearer " + *access}});
    CHECK(profile.status == 200);
    CHECK(contains(profile.body, R"("email":"cashier1@pos.com")"));
    CHECK(contains(profile.body, R"("role":"CASHIER")"));

    // Refresh rotation: the new token works once; the old one is refused afterwards.
    const auto rotated = client.request("POST", "/api/auth/refresh",
                                        R"({"refreshToken":")" + *refresh + R"(","other":1})");
    REQUIRE(rotated.status == 200);
    const auto next_refresh = json_string_field(rotated.body, "refreshToken");
    REQUIRE(next_refresh.has_value());
    CHECK(*next_refresh != *refresh);
    const auto reused = client.request("POST", "/api/auth/refresh",
                                       R"({"refreshToken":")" + *refresh + R"("})");
    CHECK(reused.status == 401);
    CHECK(contains(reused.body, R"("message":"Invalid or expired refresh token")"));

    // Logout revokes the refresh token; the access token keeps working (5.3).
    const auto logout = client.request("POST", "/api/auth/logout", {}, {{"Authorization", "Bearer " + *access}});
    CHECK(logout.status == 200);
    CHECK(contains(logout.body, R"("message":"Logged out successfully")"));
    CHECK(!logout.header("x-ledger-seq").empty());
    CHECK(client.request("POST", "/api/auth/refresh", R"({"refreshToken":")" + *next_refresh + R"("})")
              .status == 401);
    CHECK(client.request("GET", "/api/auth/profile", {}, {{"Authorization", "Bearer " + *access}})
              .status == 200);

    // CORS: pre-flight answered before guards; allowed origins echoed, others not.
    const auto preflight = client.request(
        "OPTIONS", "/api/auth/profile", {},
        {{"Origin", "http://till.example"}, {"Access-Control-Request-Method", "GET"}});
    CHECK(preflight.status == 204);
    CHECK(preflight.header("access-control-allow-origin") == "http://till.example");
    CHECK(contains(preflight.header("access-control-allow-methods"), "PATCH"));
    const auto foreign = client.request("GET", "/health", {}, {{"Origin", "http://evil.example"}});
    CHECK(foreign.header("access-control-allow-origin").empty());

    // Pipelined requests on one connection get their answers in order.
    const auto replies = client.pipelined(
        {"GET /health HTTP/1.1\r\nHost: x\r\n\r\n", "GET /api/nope HTTP/1.1\r\nHost: x\r\n\r\n",
         "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"});
    REQUIRE(replies.size() == 3);
    CHECK(replies[0].status == 200);
    CHECK(replies[1].status == 404);
    CHECK(replies[2].status == 200);

    // A body over the limit is refused with the error body, and changes nothing.
    const std::string huge(200 * 1024, 'x');
    const auto too_large = client.request("POST", "/api/auth/login", huge);
    CHECK(too_large.status == 413);
    CHECK(contains(too_large.body, R"("statusCode":413)"));
    http_client second(server.port());
    const std::string head_after_login = ledger_head(second);
    CHECK(head_after_login != head);

    CHECK(server.stop() == 0);
    CHECK(contains(server.log(), R"("route":"POST /api/auth/login")"));
  }

  TEST_CASE("login rate limit: 429 with Retry-After, per route") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"}, {{"RATE_LIMIT_LOGIN_PER_MIN", "3"}});
    http_client client(server.port());
    for (int i = 0; i < 3; ++i) {
      const auto reply = client.request("POST", "/api/auth/login",
                                        R"({"email":"nobody@pos.com","password":"password123"})");
      CHECK(reply.status == 401);
      CHECK(reply.header("x-ratelimit-remaining") == std::to_string(2 - i));
    }
    const auto limited = client.request("POST", "/api/auth/login",
                                        R"({"email":"admin@pos.com","password":"password123"})");
    CHECK(limited.status == 429);
    CHECK(contains(limited.body, R"("message":"ThrottlerException: Too Many Requests")"));
    CHECK(limited.header("retry-after") == "60");
    // Another route has its own budget.
    CHECK(client.request("GET", "/health").status == 200);
  }

  // api-contract section 4, as written there (the role order is the 403 message's order).
  TEST_CASE("role matrix: every served route x every role, allowed or 403 as section 4 says") {
    struct route_roles {
      const char* method;
      const char* path;
      std::vector<std::string> roles;  // empty: any authenticated user
    };
    const std::string unknown = "3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f";
    const std::vector<route_roles> table = {
        {"GET", "/api/auth/profile", {}},
        {"POST", "/api/auth/logout", {}},
        {"POST", "/api/auth/change-password", {}},
        {"GET", "/api/users", {"SUPER_ADMIN", "BRANCH_MANAGER", "OWNER"}},
        {"GET", "/api/users/ID", {"SUPER_ADMIN", "BRANCH_MANAGER"}},
        {"GET", "/api/branches", {"SUPER_ADMIN", "BRANCH_MANAGER", "OWNER", "INVENTORY_STAFF"}},
        {"GET", "/api/branches/ID", {"SUPER_ADMIN", "BRANCH_MANAGER"}},
        {"GET", "/api/categories", {"SUPER_ADMIN", "BRANCH_MANAGER", "CASHIER", "INVENTORY_STAFF"}},
        {"GET", "/api/categories/ID", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF"}},
        {"GET", "/api/products/search", {"SUPER_ADMIN", "BRANCH_MANAGER", "CASHIER", "INVENTORY_STAFF"}},
        {"GET", "/api/products/barcode/000", {"SUPER_ADMIN", "BRANCH_MANAGER", "CASHIER", "INVENTORY_STAFF"}},
        {"GET", "/api/products/ID", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF"}},
        {"GET", "/api/suppliers", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF"}},
        {"GET", "/api/suppliers/ID", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF"}},
        {"GET", "/api/customers", {"SUPER_ADMIN", "BRANCH_MANAGER", "CASHIER"}},
        {"GET", "/api/customers/phone/0000", {"SUPER_ADMIN", "BRANCH_MANAGER", "CASHIER"}},
        {"GET", "/api/customers/ID", {"SUPER_ADMIN", "BRANCH_MANAGER"}},
        {"POST", "/api/categories", {"SUPER_ADMIN", "BRANCH_MANAGER"}},
        {"PATCH", "/api/categories/ID", {"SUPER_ADMIN", "BRANCH_MANAGER"}},
        {"DELETE", "/api/categories/ID", {"SUPER_ADMIN"}},
        {"POST", "/api/customers", {"SUPER_ADMIN", "BRANCH_MANAGER", "CASHIER"}},
        {"PATCH", "/api/customers/ID", {"SUPER_ADMIN", "BRANCH_MANAGER"}},
        {"GET", "/api/inventory/low-stock", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF", "OWNER"}},
        {"GET", "/api/inventory/stock", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF"}},
        {"GET", "/api/inventory/transactions", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF"}},
        {"GET", "/api/inventory/transfers", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF"}},
        {"GET", "/api/pos/receipt/ID", {"CASHIER", "BRANCH_MANAGER", "OWNER"}},
        {"GET", "/api/pos/sales", {"CASHIER", "BRANCH_MANAGER", "OWNER"}},
        {"GET", "/api/procurement/purchase-orders", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF", "OWNER"}},
        {"GET", "/api/procurement/purchase-orders/ID", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF"}},
        {"GET", "/api/procurement/goods-receipts", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF"}},
        {"GET", "/api/reports/daily-sales", {"SUPER_ADMIN", "BRANCH_MANAGER", "OWNER"}},
        {"GET", "/api/reports/product-sales", {"SUPER_ADMIN", "BRANCH_MANAGER", "OWNER"}},
        {"GET", "/api/reports/inventory-valuation", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF", "OWNER"}},
        {"GET", "/api/reports/profit", {"SUPER_ADMIN", "BRANCH_MANAGER", "OWNER"}},
        {"GET", "/api/reports/cashier-performance", {"SUPER_ADMIN", "BRANCH_MANAGER", "OWNER"}},
        {"GET", "/api/dashboard", {"SUPER_ADMIN", "BRANCH_MANAGER", "OWNER"}},
        {"GET", "/api/audit", {"SUPER_ADMIN", "BRANCH_MANAGER", "OWNER"}},
        {"GET", "/api/audit/inventory", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF"}},
        {"POST", "/api/users", {"SUPER_ADMIN"}},
        {"PATCH", "/api/users/ID", {"SUPER_ADMIN"}},
        {"PATCH", "/api/users/ID/toggle-active", {"SUPER_ADMIN"}},
        {"POST", "/api/branches", {"SUPER_ADMIN"}},
        {"PATCH", "/api/branches/ID", {"SUPER_ADMIN"}},
        {"POST", "/api/products", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF"}},
        {"PATCH", "/api/products/ID", {"SUPER_ADMIN", "BRANCH_MANAGER"}},
        {"PATCH", "/api/products/ID/toggle-active", {"SUPER_ADMIN", "BRANCH_MANAGER"}},
        {"POST", "/api/suppliers", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF"}},
        {"PATCH", "/api/suppliers/ID", {"SUPER_ADMIN", "BRANCH_MANAGER"}},
        {"PATCH", "/api/suppliers/ID/toggle-active", {"SUPER_ADMIN"}},
        {"POST", "/api/inventory/stock-in", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF"}},
        {"POST", "/api/inventory/stock-out", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF"}},
        {"POST", "/api/inventory/adjust", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF"}},
        {"POST", "/api/inventory/transfer", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF"}},
        {"GET", "/api/pos/cart", {"CASHIER", "BRANCH_MANAGER"}},
        {"POST", "/api/pos/cart/add", {"CASHIER", "BRANCH_MANAGER"}},
        {"POST", "/api/pos/cart/scan", {"CASHIER", "BRANCH_MANAGER"}},
        {"PATCH", "/api/pos/cart/item/ID", {"CASHIER", "BRANCH_MANAGER"}},
        {"DELETE", "/api/pos/cart/item/ID", {"CASHIER", "BRANCH_MANAGER"}},
        {"POST", "/api/pos/cart/customer", {"CASHIER", "BRANCH_MANAGER"}},
        {"POST", "/api/pos/checkout", {"CASHIER", "BRANCH_MANAGER"}},
        {"POST", "/api/pos/return", {"BRANCH_MANAGER", "SUPER_ADMIN"}},
        {"POST", "/api/pos/cancel/ID", {"BRANCH_MANAGER", "SUPER_ADMIN"}},
        {"POST", "/api/procurement/purchase-orders", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF"}},
        {"PATCH", "/api/procurement/purchase-orders/ID/approve", {"SUPER_ADMIN", "BRANCH_MANAGER"}},
        {"PATCH", "/api/procurement/purchase-orders/ID/reject", {"SUPER_ADMIN", "BRANCH_MANAGER"}},
        {"POST", "/api/procurement/goods-receipt", {"SUPER_ADMIN", "BRANCH_MANAGER", "INVENTORY_STAFF"}},
    };
    // With the public routes (/health, login, refresh, request-reset, reset-password) this is
    // every route of contract section 4.
    CHECK(table.size() + 5 == 72);
    const std::vector<std::pair<std::string, std::string>> users = {
        {"SUPER_ADMIN", "admin@pos.com"},       {"OWNER", "owner@pos.com"},
        {"BRANCH_MANAGER", "manager@pos.com"},  {"CASHIER", "cashier1@pos.com"},
        {"INVENTORY_STAFF", "inventory@pos.com"}};
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"});
    http_client client(server.port());
    std::map<std::string, std::string> tokens;
    for (const auto& [role, email] : users) tokens[role] = log_in(client, email);

    for (const auto& route : table) {
      std::string path = route.path;
      if (const auto at = path.find("ID"); at != std::string::npos) path.replace(at, 2, unknown);
      for (const auto& [role, email] : users) {
        CAPTURE(route.method);
        CAPTURE(path);
        CAPTURE(role);
        const bool allowed = route.roles.empty() ||
                             std::find(route.roles.begin(), route.roles.end(), role) != route.roles.end();
        const auto reply = client.request(route.method, path, {},
                                          {{"Authorization", "Bearer " + tokens[role]}});
        if (allowed) {
          // Past the guards: the handler's own answer (found, not found for the unknown id, or
          // 400 for a write without a body), never 401, 403 or a server error.
          CHECK(reply.status != 401);
          CHECK(reply.status != 403);
          CHECK(reply.status < 500);
        } else {
          CHECK(reply.status == 403);
          std::string expected = "Requires one of roles: ";
          for (std::size_t i = 0; i < route.roles.size(); ++i) {
            expected += (i > 0 ? ", " : "") + route.roles[i];
          }
          expected += ", but user has: " + role;
          CHECK(contains(reply.body, "\"message\":\"" + expected + "\""));
        }
        // Without a token: 401 whatever the role list.
        CHECK(client.request(route.method, path).status == 401);
      }
    }
  }

  TEST_CASE("catalog reads: shapes, paging, search validation, scoping") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"});
    http_client client(server.port());
    const auto admin = bearer(log_in(client, "admin@pos.com"));
    const auto manager = bearer(log_in(client, "manager@pos.com"));
    const auto cashier = bearer(log_in(client, "cashier1@pos.com"));

    auto reply = client.request("GET", "/api/users?page=1&limit=2", {}, admin);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("total":6)"));
    CHECK(contains(reply.body, R"("limit":2)"));
    CHECK(contains(reply.body, R"("totalPages":3)"));
    CHECK_FALSE(contains(reply.body, "passwordHash"));
    reply = client.request("GET", "/api/users?limit=500", {}, admin);
    CHECK(contains(reply.body, R"("limit":100)"));  // capped
    reply = client.request("GET", "/api/users", {}, manager);
    CHECK(contains(reply.body, R"("total":3)"));  // the manager's branch: manager, 2 cashiers
    for (const char* bad : {"/api/users?page=0", "/api/users?page=abc", "/api/users?limit=-1"}) {
      CAPTURE(bad);
      CHECK(client.request("GET", bad, {}, admin).status == 400);
    }

    reply = client.request("GET", "/api/branches", {}, admin);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("code":"BR-HQ")"));
    CHECK(contains(reply.body, R"("_count":)"));

    reply = client.request("GET", "/api/products/search?name=hao%20hao", {}, cashier);
    CHECK(reply.status == 200);
    reply = client.request("GET", "/api/products/search?limit=2&page=2", {}, cashier);
    CHECK(contains(reply.body, R"("page":2)"));
    CHECK(contains(reply.body, R"("limit":2)"));
    CHECK(contains(reply.body, R"("total":20)"));
    reply = client.request("GET", "/api/products/search?color=red&page=x", {}, cashier);
    CHECK(reply.status == 400);
    CHECK(contains(reply.body, "property color should not exist"));
    CHECK(contains(reply.body, "page must be a number conforming to the specified constraints"));

    // A product found by search is found by id and by barcode, with the same id.
    reply = client.request("GET", "/api/products/search?limit=1", {}, admin);
    const auto id = json_string_field(reply.body, "id");
    const auto barcode = json_string_field(reply.body, "barcode");
    REQUIRE(id.has_value());
    REQUIRE(barcode.has_value());
    reply = client.request("GET", "/api/products/" + *id, {}, admin);
    CHECK(reply.status == 200);
    CHECK(json_string_field(reply.body, "id") == id);
    reply = client.request("GET", "/api/products/barcode/" + *barcode, {}, cashier);
    CHECK(reply.status == 200);
    CHECK(json_string_field(reply.body, "id") == id);
    reply = client.request("GET", "/api/products/barcode/nope", {}, cashier);
    CHECK(reply.status == 404);
    CHECK(contains(reply.body, R"("message":"Product not found for this barcode")"));
    reply = client.request("GET", "/api/products/not-a-uuid", {}, admin);
    CHECK(reply.status == 404);
    CHECK(contains(reply.body, R"("message":"Product not found")"));

    reply = client.request("GET", "/api/customers?search=0", {}, cashier);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("data":[{)"));
    reply = client.request("GET", "/api/categories", {}, cashier);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("_count":{"products":)"));
    reply = client.request("GET", "/api/suppliers", {}, admin);
    CHECK(reply.status == 200);
  }

  TEST_CASE("inventory, sales and procurement reads") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"});
    http_client client(server.port());
    const auto inventory = bearer(log_in(client, "inventory@pos.com"));
    const auto cashier = bearer(log_in(client, "cashier1@pos.com"));
    const auto owner = bearer(log_in(client, "owner@pos.com"));

    // The demo's opening stock: 20 products at the inventory clerk's branch (BR-HQ).
    auto reply = client.request("GET", "/api/inventory/stock", {}, inventory);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("quantity":)"));
    CHECK(contains(reply.body, R"("product":{)"));
    reply = client.request("GET", "/api/inventory/transactions?limit=5", {}, inventory);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("limit":5)"));
    CHECK(contains(reply.body, R"("type":")"));
    CHECK(client.request("GET", "/api/inventory/transactions?page=0", {}, inventory).status == 400);
    reply = client.request("GET", "/api/inventory/transfers", {}, inventory);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("referenceNumber":")"));  // the opening-stock transfers
    CHECK(client.request("GET", "/api/inventory/low-stock", {}, owner).status == 200);

    reply = client.request("GET", "/api/pos/sales", {}, cashier);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("total":0)"));
    reply = client.request("GET", "/api/pos/sales", {}, owner);
    CHECK(reply.status == 200);
    reply = client.request("GET", "/api/pos/receipt/3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f", {}, cashier);
    CHECK(reply.status == 404);
    CHECK(contains(reply.body, R"("message":"Sale not found")"));

    reply = client.request("GET", "/api/procurement/purchase-orders", {}, owner);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("poNumber":"PO-SAMPLE-001")"));
    reply = client.request("GET", "/api/procurement/purchase-orders?status=RECEIVED", {}, owner);
    CHECK(contains(reply.body, R"("total":0)"));
    reply = client.request("GET", "/api/procurement/purchase-orders?status=SHIPPED", {}, owner);
    CHECK(reply.status == 400);
    CHECK(contains(reply.body, R"("message":"Invalid data format")"));
    reply = client.request("GET", "/api/procurement/purchase-orders?limit=1", {}, inventory);
    const auto po = json_string_field(reply.body, "id");
    REQUIRE(po.has_value());
    reply = client.request("GET", "/api/procurement/purchase-orders/" + *po, {}, inventory);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("poNumber":"PO-SAMPLE-001")"));
    CHECK(contains(reply.body, R"("receipts":[])"));
    reply = client.request("GET", "/api/procurement/purchase-orders/nope", {}, inventory);
    CHECK(reply.status == 404);
    CHECK(contains(reply.body, R"("message":"PO not found")"));
    CHECK(client.request("GET", "/api/procurement/goods-receipts", {}, inventory).status == 200);
  }

  TEST_CASE("reports, dashboard and audit: windows, dates, filters") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"});
    http_client client(server.port());
    const std::vector<std::pair<std::string, std::string>> owner{
        {"Authorization", "Bearer " + log_in(client, "owner@pos.com")}};

    auto reply = client.request("GET", "/api/reports/daily-sales?date=2025-05-31", {}, owner);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("date":"2025-05-31")"));
    CHECK(contains(reply.body, R"("totalInvoices":0)"));
    CHECK(contains(reply.body, R"("limit":50)"));
    CHECK(contains(reply.body, R"("sequence":)"));
    reply = client.request("GET", "/api/reports/daily-sales?date=31/05/2025", {}, owner);
    CHECK(reply.status == 400);
    CHECK(contains(reply.body, "date must be a valid date"));

    reply = client.request("GET", "/api/reports/product-sales?limit=3", {}, owner);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("topSelling":[{)"));
    reply = client.request("GET", "/api/reports/product-sales?limit=abc", {}, owner);
    CHECK(contains(reply.body, R"("topSelling":[])"));  // the reference's empty lists
    CHECK(client.request("GET", "/api/reports/product-sales?endDate=never", {}, owner).status == 400);

    reply = client.request("GET", "/api/reports/profit?startDate=2025-01-01&endDate=2025-12-31", {}, owner);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("daily":[])"));
    CHECK(contains(reply.body, "2025-01-01"));  // the period is echoed
    CHECK(client.request("GET", "/api/reports/cashier-performance", {}, owner).status == 200);
    reply = client.request("GET", "/api/reports/inventory-valuation?limit=5", {}, owner);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("categoryBreakdown":[)"));

    reply = client.request("GET", "/api/dashboard", {}, owner);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("today":)"));

    // The demo's history is in the audit log: logins (this test's own), product creations.
    reply = client.request("GET", "/api/audit?action=LOGIN&limit=50", {}, owner);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("action":"LOGIN")"));
    CHECK(contains(reply.body, R"("fullName":"Chủ cửa hàng")"));
    reply = client.request("GET", "/api/audit?entity=Product&action=CREATE", {}, owner);
    CHECK(contains(reply.body, R"("total":20)"));
    reply = client.request("GET", "/api/audit?action=NOT_AN_ACTION", {}, owner);
    CHECK(contains(reply.body, R"("total":0)"));
    reply = client.request("GET", "/api/audit?userId=not-a-user", {}, owner);
    CHECK(contains(reply.body, R"("total":0)"));
    reply = client.request("GET", "/api/audit?startDate=yesterday", {}, owner);
    CHECK(reply.status == 400);
    CHECK(contains(reply.body, R"("message":"Invalid data format")"));
    const std::vector<std::pair<std::string, std::string>> inventory{
        {"Authorization", "Bearer " + log_in(client, "inventory@pos.com")}};
    reply = client.request("GET", "/api/audit/inventory?limit=500", {}, inventory);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("limit":100)"));
  }

  TEST_CASE("password change and reset (5.5-5.7)") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"});
    http_client client(server.port());
    const std::string login_body = R"({"email":"cashier2@pos.com","password":"password123"})";
    auto login = client.request("POST", "/api/auth/login", login_body);
    REQUIRE(login.status == 200);
    const std::vector<std::pair<std::string, std::string>> session{
        {"Authorization", "Bearer " + *json_string_field(login.body, "accessToken")}};

    auto reply = client.request("POST", "/api/auth/change-password",
                                R"({"currentPassword":"wrong-one","newPassword":"new-secret"})", session);
    CHECK(reply.status == 400);
    CHECK(contains(reply.body, R"("message":"Current password is incorrect")"));
    reply = client.request("POST", "/api/auth/change-password",
                           R"({"currentPassword":"password123","newPassword":"123"})", session);
    CHECK(reply.status == 400);
    CHECK(contains(reply.body, "newPassword must be longer than or equal to 6 characters"));
    reply = client.request("POST", "/api/auth/change-password",
                           R"({"currentPassword":"password123","newPassword":"new-secret"})", session);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("message":"Password changed successfully")"));
    CHECK(client.request("POST", "/api/auth/login", login_body).status == 401);
    CHECK(client.request("POST", "/api/auth/login",
                         R"({"email":"cashier2@pos.com","password":"new-secret"})")
              .status == 200);
    // The session that changed its password keeps working.
    CHECK(client.request("GET", "/api/auth/profile", {}, session).status == 200);

    // Reset: the same answer for unknown emails, a token (demo mode) for known ones.
    reply = client.request("POST", "/api/auth/request-reset", R"({"email":"nobody@pos.com"})");
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("message":"If the email exists, a reset link has been sent")"));
    CHECK_FALSE(contains(reply.body, "token"));
    reply = client.request("POST", "/api/auth/request-reset", R"({"email":"cashier2@pos.com"})");
    CHECK(reply.status == 200);
    const auto token = json_string_field(reply.body, "token");
    REQUIRE(token.has_value());
    CHECK(token->size() == 64);
    reply = client.request("POST", "/api/auth/reset-password",
                           R"({"token":"0000","newPassword":"after-reset"})");
    CHECK(reply.status == 400);
    CHECK(contains(reply.body, R"("message":"Invalid or expired reset token")"));
    // Access tokens issued before the reset stop working (15.37); iat has whole seconds, so
    // the reset must fall in a later second than the session's token.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    reply = client.request("POST", "/api/auth/reset-password",
                           R"({"token":")" + *token + R"(","newPassword":"after-reset"})");
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("message":"Password reset successfully")"));
    CHECK(client.request("GET", "/api/auth/profile", {}, session).status == 401);
    CHECK(client.request("POST", "/api/auth/reset-password",
                         R"({"token":")" + *token + R"(","newPassword":"again-reset"})")
              .status == 400);  // single use
    CHECK(client.request("POST", "/api/auth/login",
                         R"({"email":"cashier2@pos.com","password":"after-reset"})")
              .status == 200);
  }

  TEST_CASE("category and customer writes (6.3, 6.6)") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"});
    http_client client(server.port());
    const std::vector<std::pair<std::string, std::string>> admin{
        {"Authorization", "Bearer " + log_in(client, "admin@pos.com")}};
    const std::vector<std::pair<std::string, std::string>> cashier{
        {"Authorization", "Bearer " + log_in(client, "cashier1@pos.com")}};

    auto reply = client.request("POST", "/api/categories",
                                R"({"name":"Đồ gia dụng","description":"Nồi, chảo"})", admin);
    REQUIRE(reply.status == 201);
    CHECK(!reply.header("x-ledger-seq").empty());
    CHECK(contains(reply.body, R"("name":"Đồ gia dụng")"));
    CHECK(contains(reply.body, R"("isActive":true)"));
    const auto category = json_string_field(reply.body, "id");
    REQUIRE(category.has_value());
    reply = client.request("POST", "/api/categories", R"({"name":"Đồ gia dụng"})", admin);
    CHECK(reply.status == 409);
    CHECK(contains(reply.body, R"("message":"Category name already exists")"));
    CHECK(client.request("POST", "/api/categories", R"({"name":""})", admin).status == 400);
    reply = client.request("PATCH", "/api/categories/" + *category, R"({"name":"Gia dụng"})", admin);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("name":"Gia dụng")"));
    CHECK(contains(reply.body, R"("description":"Nồi, chảo")"));
    reply = client.request("GET", "/api/categories/" + *category, {}, admin);
    CHECK(contains(reply.body, R"("products":[])"));
    reply = client.request("DELETE", "/api/categories/" + *category, {}, admin);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("message":"Category deleted successfully")"));
    reply = client.request("DELETE", "/api/categories/" + *category, {}, admin);
    CHECK(reply.status == 404);
    CHECK(contains(reply.body, R"("message":"Category not found")"));
    // A category with products cannot be deleted.
    reply = client.request("GET", "/api/products/search?limit=1", {}, admin);
    const auto at = reply.body.find(R"("categoryId":")");
    REQUIRE(at != std::string::npos);
    const std::string used = reply.body.substr(at + 14, 36);
    reply = client.request("DELETE", "/api/categories/" + used, {}, admin);
    CHECK(reply.status == 409);
    CHECK(contains(reply.body, "Cannot delete category with existing products. Disable it instead."));

    reply = client.request("POST", "/api/customers",
                           R"({"name":"Trần Thị B","phone":"0912345678","email":"b@example.com"})", cashier);
    REQUIRE(reply.status == 201);
    CHECK(contains(reply.body, R"("totalPoints":0)"));
    CHECK(contains(reply.body, R"("totalSpent":"0")"));
    const auto customer = json_string_field(reply.body, "id");
    REQUIRE(customer.has_value());
    reply = client.request("POST", "/api/customers", R"({"name":"Someone","phone":"0912345678"})", cashier);
    CHECK(reply.status == 409);
    CHECK(contains(reply.body, R"("message":"Phone number already registered")"));
    reply = client.request("POST", "/api/customers", R"({"name":"X","phone":"1","email":"not-mail"})", cashier);
    CHECK(reply.status == 400);
    CHECK(contains(reply.body, "email must be an email"));
    reply = client.request("PATCH", "/api/customers/" + *customer, R"({"name":"Trần Thị Bích"})", admin);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("name":"Trần Thị Bích")"));
    CHECK(contains(reply.body, R"("phone":"0912345678")"));
    reply = client.request("GET", "/api/customers/phone/0912345678", {}, cashier);
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, R"("sales":[])"));
  }

  TEST_CASE("serve refuses to start without secrets outside demo mode") {
    temp_dir dir;
    const std::string command =
        fmt::format("{} serve --data {} --port 0 > /dev/null 2>&1", POSLEDGER_BINARY, dir.sub("ledger"));
    const int status = std::system(command.c_str());
    CHECK(status != 0);
  }
}

}  // namespace
}  // namespace ledger::testing
