// Black-box tests of the live dashboard WebSocket (GET /dashboard, docs/api.md "Dashboard
// WebSocket"): the real binary on an ephemeral port with the demo ledger, a plain-socket
// WebSocket client (tests/support/ws_client.h). Covers the snapshot per scope (owner: chain
// and every branch; manager and cashier: their branch), an update after a checkout over HTTP,
// that client messages are ignored (and bounded: 1009 above 4 KiB), refusals (401 without or
// with a bad token, no upgrade; 404 for another path; 1008 for a user without a branch) and
// the 1001 close on SIGTERM.
#include <doctest/doctest.h>

#include <fmt/format.h>
#include <simdjson.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/temp_dir.h"
#include "tests/support/ws_client.h"

namespace ledger::testing {
namespace {

constexpr auto message_wait = std::chrono::seconds(10);
constexpr std::size_t demo_branches = 5;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// One message of the protocol, parsed.
struct dashboard_message {
  std::string type;
  std::string scope;
  std::uint64_t sequence = 0;
  bool has_today = false;
  std::string dashboard;  // the dashboard object's JSON text
};

dashboard_message parse_message(const std::string& text) {
  INFO("message: ", text);
  simdjson::dom::parser parser;
  simdjson::dom::element document;
  REQUIRE(parser.parse(text).get(document) == simdjson::SUCCESS);
  dashboard_message message;
  std::string_view field;
  REQUIRE(document["type"].get_string().get(field) == simdjson::SUCCESS);
  message.type = field;
  REQUIRE(document["scope"].get_string().get(field) == simdjson::SUCCESS);
  message.scope = field;
  REQUIRE(document["sequence"].get_uint64().get(message.sequence) == simdjson::SUCCESS);
  simdjson::dom::object dashboard;
  REQUIRE(document["dashboard"].get_object().get(dashboard) == simdjson::SUCCESS);
  message.has_today = dashboard["today"].is_object();
  message.dashboard = simdjson::minify(dashboard);
  return message;
}

// The next `count` messages (each within the generous wait); fails when one does not come.
std::vector<dashboard_message> next_messages(ws_client& ws, std::size_t count) {
  std::vector<dashboard_message> messages;
  for (std::size_t i = 0; i < count; ++i) {
    const auto text = ws.next_text(message_wait);
    REQUIRE_MESSAGE(text.has_value(), "message " << i + 1 << " of " << count << " did not come");
    messages.push_back(parse_message(*text));
  }
  return messages;
}

// The first "update" of `scope` reflecting at least `sequence`; messages before it are skipped
// (a scope may be pushed for earlier changes first). Fails when none comes in time.
dashboard_message update_reaching(ws_client& ws, const std::string& scope, std::uint64_t sequence) {
  const auto deadline = std::chrono::steady_clock::now() + message_wait;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    const auto text = ws.next_text(left);
    if (!text) break;
    dashboard_message message = parse_message(*text);
    CHECK(message.type == "update");
    if (message.scope == scope && message.sequence >= sequence) return message;
  }
  FAIL("no update of scope " << scope << " at sequence " << sequence << " or later");
  return {};
}

std::string dashboard_target(const std::string& token) {
  return fmt::format("/dashboard?token={}", token);
}

// A number field's literal text (`"name":123.5` -> "123.5"), for passing it back as is.
std::string number_literal(const std::string& json, const std::string& name) {
  const std::string key = fmt::format("\"{}\":", name);
  const auto at = json.find(key);
  REQUIRE_MESSAGE(at != std::string::npos, name << " in " << json);
  const auto start = at + key.size();
  return json.substr(start, json.find_first_of(",}", start) - start);
}

struct completed_sale {
  std::uint64_t sequence = 0;  // X-Ledger-Seq of the checkout
  std::string invoice_number;
};

// cashier1 (branch BR-001) sells one unit of the first product found, paid in cash.
completed_sale sell_one_item(http_client& client) {
  const std::string cashier = log_in(client, "cashier1@pos.com");
  const std::vector<std::pair<std::string, std::string>> auth{
      {"Authorization", "Bearer " + cashier}};
  const auto products = client.request("GET", "/api/products/search?limit=5", {}, auth);
  REQUIRE_MESSAGE(products.status == 200, products.body);
  const auto product = json_string_field(products.body, "id");
  REQUIRE(product.has_value());
  const auto added = client.request(
      "POST", "/api/pos/cart/add", fmt::format(R"({{"productId":"{}","quantity":1}})", *product),
      auth);
  REQUIRE_MESSAGE(added.status == 201, added.body);
  const std::string total = number_literal(added.body, "grandTotal");
  const auto checkout = client.request(
      "POST", "/api/pos/checkout",
      fmt::format(R"({{"payments":[{{"method":"CASH","amount":{}}}]}})", total), auth);
  REQUIRE_MESSAGE(checkout.status == 201, checkout.body);
  completed_sale sale;
  sale.sequence = std::stoull(checkout.header("x-ledger-seq"));
  const auto invoice = json_string_field(checkout.body, "invoiceNo");
  REQUIRE(invoice.has_value());
  sale.invoice_number = *invoice;
  return sale;
}

TEST_SUITE("dashboard websocket (black box)") {
  TEST_CASE("dashboard websocket: snapshots per scope, then an update after a checkout") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"});
    http_client client(server.port());

    // The owner: the chain and every branch, each once, as snapshots.
    ws_client owner(server.port(), dashboard_target(log_in(client, "owner@pos.com")));
    REQUIRE_MESSAGE(owner.upgraded(), owner.handshake().status << " " << owner.handshake().body);
    const auto owner_snapshots = next_messages(owner, 1 + demo_branches);
    std::set<std::string> scopes;
    for (const auto& message : owner_snapshots) {
      CHECK(message.type == "snapshot");
      CHECK(message.sequence >= 1);
      CHECK(message.has_today);
      scopes.insert(message.scope);
    }
    CHECK(owner_snapshots.front().scope == "chain");
    CHECK(scopes.size() == 1 + demo_branches);
    CHECK(scopes.contains("chain"));

    // The manager: exactly one snapshot, of the manager's branch.
    const auto manager_login = client.request(
        "POST", "/api/auth/login", R"({"email":"manager@pos.com","password":"password123"})");
    REQUIRE(manager_login.status == 200);
    const auto manager_branch = json_string_field(manager_login.body, "branchId");
    REQUIRE(manager_branch.has_value());
    const auto manager_token = json_string_field(manager_login.body, "accessToken");
    REQUIRE(manager_token.has_value());
    ws_client manager(server.port(), dashboard_target(*manager_token));
    REQUIRE(manager.upgraded());
    const auto manager_snapshot = next_messages(manager, 1).front();
    CHECK(manager_snapshot.type == "snapshot");
    CHECK(manager_snapshot.scope == *manager_branch);
    CHECK(scopes.contains(manager_snapshot.scope));
    CHECK(manager_snapshot.has_today);
    CHECK(manager_snapshot.sequence >= 1);
    CHECK_FALSE(manager.next_text(std::chrono::milliseconds(300)).has_value());  // only that one
    CHECK_FALSE(manager.closed());

    // Client messages are ignored: the connection stays and keeps its feed.
    manager.send_text(R"({"type":"hello"})");

    // A sale at the manager's branch: an update with the sale, at its sequence or later, for
    // the chain and that branch.
    const completed_sale sale = sell_one_item(client);
    CHECK(sale.sequence > manager_snapshot.sequence);
    const auto branch_update = update_reaching(manager, *manager_branch, sale.sequence);
    CHECK(branch_update.has_today);
    CHECK(contains(branch_update.dashboard, sale.invoice_number));
    const auto chain_update = update_reaching(owner, "chain", sale.sequence);
    CHECK(contains(chain_update.dashboard, sale.invoice_number));

    manager.close();
    CHECK(manager.close_code() == 1000);
    owner.close();
    CHECK(server.stop() == 0);
  }

  TEST_CASE("dashboard websocket: cashier scope, 1009 for a large client message, 1008 without a branch") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"});
    http_client client(server.port());

    const auto cashier_login = client.request(
        "POST", "/api/auth/login", R"({"email":"cashier1@pos.com","password":"password123"})");
    REQUIRE(cashier_login.status == 200);
    ws_client cashier(server.port(),
                      dashboard_target(*json_string_field(cashier_login.body, "accessToken")));
    REQUIRE(cashier.upgraded());
    const auto snapshot = next_messages(cashier, 1).front();
    CHECK(snapshot.type == "snapshot");
    CHECK(snapshot.scope == *json_string_field(cashier_login.body, "branchId"));
    // Client messages are bounded: one above 4 KiB closes the connection with 1009.
    cashier.send_text(std::string(5000, 'x'));
    CHECK_FALSE(cashier.next_text(message_wait).has_value());
    CHECK(cashier.closed());
    CHECK(cashier.close_code() == 1009);

    // A cashier created without a branch.
    const std::string admin = log_in(client, "admin@pos.com");
    const auto created = client.request(
        "POST", "/api/users",
        R"({"email":"nobranch@pos.com","password":"password123","fullName":"No Branch",)"
        R"("role":"CASHIER"})",
        {{"Authorization", "Bearer " + admin}});
    REQUIRE_MESSAGE(created.status == 201, created.body);
    ws_client branchless(server.port(), dashboard_target(log_in(client, "nobranch@pos.com")));
    REQUIRE(branchless.upgraded());
    CHECK_FALSE(branchless.next_text(message_wait).has_value());
    CHECK(branchless.closed());
    CHECK(branchless.close_code() == 1008);
    CHECK(contains(branchless.close_reason(), "no branch"));
  }

  TEST_CASE("dashboard websocket: refused without a valid token: 401, no upgrade") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"});

    for (const std::string& target :
         {std::string("/dashboard"), std::string("/dashboard?token="),
          std::string("/dashboard?token=abc.def.ghi"), std::string("/dashboard?other=1")}) {
      INFO("target: ", target);
      ws_client ws(server.port(), target);
      CHECK_FALSE(ws.upgraded());
      CHECK(ws.handshake().status == 401);
      CHECK(contains(ws.handshake().body, R"("statusCode":401)"));
      CHECK(contains(ws.handshake().body, R"("message":"Invalid or expired token")"));
      CHECK(contains(ws.handshake().body, R"("path":"/dashboard")"));  // never the token
      CHECK(ws.handshake().header("upgrade").empty());
    }

    // A token of the refresh kind is not an access token.
    http_client client(server.port());
    const auto login = client.request(
        "POST", "/api/auth/login", R"({"email":"owner@pos.com","password":"password123"})");
    REQUIRE(login.status == 200);
    ws_client refresh(server.port(),
                      dashboard_target(*json_string_field(login.body, "refreshToken")));
    CHECK(refresh.handshake().status == 401);

    // Another path is not upgraded; /dashboard without an upgrade is no route either.
    ws_client elsewhere(server.port(), fmt::format("/elsewhere?token={}",
                                                   *json_string_field(login.body, "accessToken")));
    CHECK(elsewhere.handshake().status == 404);
    CHECK(contains(elsewhere.handshake().body, "Cannot GET /elsewhere"));
    CHECK(client.request("GET", "/dashboard").status == 404);

    CHECK_FALSE(contains(server.log(), "abc.def.ghi"));  // tokens stay out of the log
    CHECK(contains(server.log(), R"("route":"GET /dashboard","status":401)"));
  }

  TEST_CASE("dashboard websocket: stopping the server closes dashboards with 1001 and exits cleanly") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"});
    http_client client(server.port());
    ws_client owner(server.port(), dashboard_target(log_in(client, "owner@pos.com")));
    REQUIRE(owner.upgraded());
    (void)next_messages(owner, 1 + demo_branches);

    int exit_status = -1;
    std::thread stopper([&] { exit_status = server.stop(); });
    CHECK_FALSE(owner.next_text(message_wait).has_value());
    stopper.join();
    CHECK(owner.closed());
    CHECK(owner.close_code() == 1001);
    CHECK(exit_status == 0);
  }
}

}  // namespace
}  // namespace ledger::testing
