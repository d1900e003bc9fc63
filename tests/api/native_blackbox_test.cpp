// Black-box tests of the native ledger endpoints (/api/v1) and of asOf on the report and
// stock routes, against the real `posledger serve --demo` binary.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/json_checks.h"
#include "tests/support/temp_dir.h"

namespace ledger::testing {
namespace {

using headers = std::vector<std::pair<std::string, std::string>>;

std::string first_id(http_client& client, const headers& auth, const std::string& target,
                     const std::string& array_key) {
  const auto reply = client.request("GET", target, {}, auth);
  REQUIRE(reply.status == 200);
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(reply.body);
  return std::string(root[array_key].at(0)["id"].get_string().value());
}

std::int64_t header_number(const http_reply& reply, const std::string& name) {
  const std::string text = reply.header(name);
  REQUIRE_MESSAGE(!text.empty(), name);
  return std::stoll(text);
}

TEST_SUITE("native API (black box)") {
  TEST_CASE("a command batch answers per command and a retried batch writes nothing twice") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"});
    http_client client(server.port());
    const auto cashier = bearer(log_in(client, "cashier1@pos.com"));
    const auto manager = bearer(log_in(client, "manager@pos.com"));
    const std::string pepsi =
        first_id(client, manager, "/api/products/search?sku=SKU002", "data");
    const std::string batch = fmt::format(R"({{"commands":[
        {{"commandId":"till-7-0001","type":"sale","lines":[{{"productId":"{0}","quantity":2}}],
          "payments":[{{"method":"CASH","amount":50000}}]}},
        {{"commandId":"till-7-0002","type":"refund"}},
        {{"commandId":"till-7-0003","type":"stockIn","productId":"{0}","quantity":5}},
        {{"commandId":"till-7-0004","type":"sale","lines":[{{"productId":"{0}","quantity":1}}],
          "payments":[{{"method":"CASH","amount":100}}]}},
        {{"commandId":"till-7-0005","type":"sale","lines":[{{"productId":"{0}","quantity":0}}],
          "payments":[]}}]}})", pepsi);

    auto reply = client.request("POST", "/api/v1/commands", batch, cashier);
    REQUIRE(reply.status == 200);
    const std::string head = ledger_head(client);
    CHECK(header_number(reply, "x-ledger-seq") == std::stoll(head));
    simdjson::dom::parser parser;
    simdjson::dom::element results = parser.parse(reply.body)["results"];
    REQUIRE(results.get_array().size() == 5);
    CHECK(results.at(0)["status"].get_string().value() == "committed");
    CHECK(results.at(0)["statusCode"].get_int64().value() == 201);
    CHECK(results.at(0)["result"]["totalAmount"].get_string().value() == "21600");
    const std::string invoice(results.at(0)["result"]["invoiceNo"].get_string().value());
    CHECK(results.at(1)["status"].get_string().value() == "rejected");
    CHECK(results.at(1)["statusCode"].get_int64().value() == 400);
    CHECK(results.at(1)["error"]["message"].get_string().value() ==
          "type must be one of the following values: sale, return, cancel, stockIn, stockOut, "
          "adjust, transfer");
    CHECK(results.at(2)["statusCode"].get_int64().value() == 403);
    CHECK(results.at(2)["error"]["message"].get_string().value() ==
          "Requires one of roles: SUPER_ADMIN, BRANCH_MANAGER, INVENTORY_STAFF, but user has: CASHIER");
    CHECK(results.at(3)["statusCode"].get_int64().value() == 400);
    CHECK(results.at(3)["error"]["message"].get_string().value() ==
          "Insufficient payment. Total: 10800, Paid: 100");
    CHECK(results.at(4)["statusCode"].get_int64().value() == 400);
    check_has(reply.body, "lines.0.quantity must not be less than 1");
    check_has(reply.body, "payments must contain at least 1 elements");

    // The same batch again: the sale answers its original outcome, nothing is written.
    reply = client.request("POST", "/api/v1/commands", batch, cashier);
    REQUIRE(reply.status == 200);
    simdjson::dom::parser again_parser;
    simdjson::dom::element again = again_parser.parse(reply.body)["results"];
    CHECK(again.at(0)["status"].get_string().value() == "duplicate");
    CHECK(again.at(0)["result"]["invoiceNo"].get_string().value() == invoice);
    CHECK(ledger_head(client) == head);

    // The same command id with another payload is a conflict.
    reply = client.request("POST", "/api/v1/commands",
                           fmt::format(R"({{"commands":[{{"commandId":"till-7-0001","type":"sale",
                                        "lines":[{{"productId":"{}","quantity":3}}],
                                        "payments":[{{"method":"CASH","amount":50000}}]}}]}})", pepsi),
                           cashier);
    REQUIRE(reply.status == 200);
    check_has(reply.body, R"("status":"rejected","statusCode":409)");
    CHECK(ledger_head(client) == head);

    // Batch-level validation.
    reply = client.request("POST", "/api/v1/commands", R"({"commands":[]})", cashier);
    CHECK(reply.status == 400);
    check_has(reply.body, "commands must contain at least 1 elements");
    reply = client.request("POST", "/api/v1/commands", R"({"commands":[1]})", cashier);
    CHECK(reply.status == 400);
    CHECK(client.request("POST", "/api/v1/commands", R"({"commands":[]})").status == 401);
  }

  TEST_CASE("events, head and verify are the auditors' endpoints") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"});
    http_client client(server.port());
    const auto owner = bearer(log_in(client, "owner@pos.com"));
    const auto cashier = bearer(log_in(client, "cashier1@pos.com"));

    auto reply = client.request("GET", "/api/v1/events?after=2&limit=3", {}, owner);
    REQUIRE(reply.status == 200);
    CHECK(reply.header("content-type").rfind("application/x-ndjson", 0) == 0);
    CHECK(reply.header("x-ledger-seq") == "5");
    std::vector<std::string> lines;
    for (std::size_t at = 0; at < reply.body.size();) {
      const auto end = reply.body.find('\n', at);
      REQUIRE(end != std::string::npos);
      lines.push_back(reply.body.substr(at, end - at));
      at = end + 1;
    }
    REQUIRE(lines.size() == 3);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      simdjson::dom::parser parser;
      simdjson::dom::element event = parser.parse(lines[i]);
      CHECK(event["sequence"].get_int64().value() == static_cast<std::int64_t>(3 + i));
      CHECK(event["hash"].get_string().value().size() == 64);
    }
    const std::string head = ledger_head(client);
    reply = client.request("GET", "/api/v1/events?after=" + head, {}, owner);
    CHECK(reply.status == 200);
    CHECK(reply.body.empty());
    reply = client.request("GET", "/api/v1/events?limit=0", {}, owner);
    CHECK(reply.status == 400);
    check_has(reply.body, "limit must be a whole number from 1 to 10000");
    reply = client.request("GET", "/api/v1/events", {}, cashier);
    CHECK(reply.status == 403);
    check_has(reply.body, "Requires one of roles: SUPER_ADMIN, OWNER, but user has: CASHIER");

    // Follow mode: what is there, then each new event as it is committed.
    http_client follower(server.port());
    const auto stream = follower.open_stream("/api/v1/events?follow=true&after=" + head, owner);
    REQUIRE(stream.status == 200);
    CHECK(stream.header("transfer-encoding") == "chunked");
    CHECK(client.request("POST", "/api/customers", R"({"name":"Lê Văn C","phone":"0903333333"})",
                         bearer(log_in(client, "manager@pos.com")))
              .status == 201);
    std::string followed;
    while (followed.find("customer_created") == std::string::npos) {
      const auto chunk = follower.next_chunk();
      REQUIRE(chunk.has_value());
      followed += *chunk;
    }
    check_has(followed, "Lê Văn C");
    CHECK(client.request("GET", "/api/v1/events?follow=maybe", {}, owner).status == 400);

    reply = client.request("GET", "/api/v1/ledger/head", {}, owner);
    REQUIRE(reply.status == 200);
    simdjson::dom::parser head_parser;
    simdjson::dom::element ledger = head_parser.parse(reply.body);
    CHECK(std::to_string(ledger["sequence"].get_int64().value()) == ledger_head(client));
    CHECK(ledger["headHash"].get_string().value().size() == 64);
    CHECK(ledger["recordedAt"].get_string().value().back() == 'Z');

    reply = client.request("GET", "/api/v1/ledger/verify", {}, owner);
    REQUIRE(reply.status == 200);
    simdjson::dom::parser verify_parser;
    simdjson::dom::element report = verify_parser.parse(reply.body);
    CHECK(report["ok"].get_bool().value());
    CHECK(report["events"].get_int64().value() == report["logEnd"].get_int64().value());
    CHECK(report["headHash"].get_string().value() == ledger["headHash"].get_string().value());
    CHECK(report["problem"].is_null());
  }

  TEST_CASE("metrics: Prometheus text of requests, commands and the views") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"});
    http_client client(server.port());
    CHECK(client.request("GET", "/health").status == 200);
    CHECK(client.request("GET", "/no/such/route").status == 404);
    const auto reply = client.request("GET", "/metrics");
    REQUIRE(reply.status == 200);
    CHECK(reply.header("content-type").rfind("text/plain; version=0.0.4", 0) == 0);
    check_has(reply.body, "# TYPE posledger_http_requests_total counter\n");
    check_has(reply.body, R"(posledger_http_requests_total{route="GET /health",status="200"} 1)");
    check_has(reply.body, R"(posledger_http_requests_total{route="unmatched",status="404"} 1)");
    check_has(reply.body, R"(posledger_http_request_duration_seconds_count{route="GET /health"} 1)");
    check_has(reply.body, "posledger_ledger_head_sequence " + ledger_head(client) + "\n");
    check_has(reply.body, "posledger_projection_lag_events ");
    check_has(reply.body, R"(posledger_group_commit_batch_size_bucket{le="+Inf"} )");
    check_has(reply.body, "posledger_writer_queue_depth ");
    // The transport's gauges: this client's connection is open, no dashboard is connected.
    check_has(reply.body, "posledger_websocket_clients 0\n");
    check_lacks(reply.body, "posledger_http_connections_open 0\n");
    // The demo seed: every command committed, none rejected.
    check_has(reply.body, R"(posledger_commands_total{outcome="rejected"} 0)");
    check_lacks(reply.body, R"(posledger_commands_total{outcome="committed"} 0)");
  }

  TEST_CASE("asOf answers stock and reports as of a sequence or a time") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"});
    http_client client(server.port());
    const auto staff = bearer(log_in(client, "inventory@pos.com"));  // BR-HQ
    const auto owner = bearer(log_in(client, "owner@pos.com"));
    const std::string pepsi = first_id(client, staff, "/api/products/search?sku=SKU002", "data");
    const std::string stock_query = "/api/inventory/stock?productId=" + pepsi;

    auto reply = client.request("GET", stock_query, {}, staff);
    REQUIRE(reply.status == 200);
    const std::int64_t before_seq = header_number(reply, "x-ledger-seq");
    const std::string before = reply.body;
    reply = client.request("POST", "/api/inventory/stock-in",
                           fmt::format(R"({{"productId":"{}","quantity":7}})", pepsi), staff);
    REQUIRE(reply.status == 201);
    const std::int64_t stock_in_seq = header_number(reply, "x-ledger-seq");
    CHECK(stock_in_seq > before_seq);
    const std::string after = client.request("GET", stock_query, {}, staff).body;
    CHECK(after != before);

    // As of the sequence before the stock-in: the old quantity, and the header says so.
    reply = client.request("GET", fmt::format("{}&asOf={}", stock_query, before_seq), {}, staff);
    REQUIRE(reply.status == 200);
    CHECK(header_number(reply, "x-ledger-seq") == before_seq);
    CHECK(reply.body == before);
    reply = client.request("GET", fmt::format("{}&asOf={}", stock_query, stock_in_seq), {}, staff);
    CHECK(reply.body == after);
    // A time after everything is the head; a time before the ledger is the empty ledger.
    reply = client.request("GET", stock_query + "&asOf=2999-01-01T00:00:00Z", {}, staff);
    CHECK(reply.body == after);
    reply = client.request("GET", "/api/reports/inventory-valuation?asOf=2000-01-01", {}, owner);
    REQUIRE(reply.status == 200);
    check_has(reply.body, R"("totalProducts":0)");
    reply = client.request("GET", "/api/dashboard?asOf=1", {}, owner);
    CHECK(reply.status == 200);
    CHECK(header_number(reply, "x-ledger-seq") == 1);
    reply = client.request("GET", stock_query + "&asOf=yesterday", {}, staff);
    CHECK(reply.status == 400);
    check_has(reply.body, "asOf must be a ledger sequence or an ISO-8601 time");
  }
}

}  // namespace
}  // namespace ledger::testing
