// Black-box tests of `posledger serve`: the real binary on an ephemeral port with the demo
// ledger, spoken to over a plain socket. Covers the request pipeline of api-contract 1.2
// (404 before guards, 401, 400 validation arrays, 429 with Retry-After), the error body of 1.4,
// the auth routes of section 5 (login, profile, logout, refresh rotation), security and CORS
// headers, keep-alive with pipelining, the body limit, that bad input never moves the ledger
// head, and a clean exit on SIGTERM.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <cstdlib>
#include <string>

#include "tests/support/http_client.h"
#include "tests/support/temp_dir.h"

namespace ledger::testing {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string ledger_head(http_client& client) {
  const auto health = client.request("GET", "/health");
  REQUIRE(health.status == 200);
  const auto at = health.body.find("\"ledgerHead\":");
  REQUIRE(at != std::string::npos);
  return health.body.substr(at + 13, health.body.find_first_of(",}", at) - at - 13);
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
