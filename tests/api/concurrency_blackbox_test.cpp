// Concurrency against the real binary: many clients on their own connections at once. The
// invariants checked are the ledger's promises, never timings: no oversold stock, no
// duplicated invoice number, exactly one winner for the last units, returns never above what
// was sold, a retried batch with one effect.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/temp_dir.h"

namespace ledger::testing {
namespace {

using headers = std::vector<std::pair<std::string, std::string>>;

// Limits raised: every client of these tests comes from 127.0.0.1.
const std::map<std::string, std::string> unthrottled{{"RATE_LIMIT_LOGIN_PER_MIN", "100000"},
                                                     {"RATE_LIMIT_PER_MIN", "100000"}};

std::string field_of(const std::string& json, std::string_view pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(json);
  return std::string(root.at_pointer(pointer).get_string().value());
}

std::string id_of_sku(http_client& client, const headers& auth, const std::string& sku) {
  const auto reply = client.request("GET", "/api/products/search?sku=" + sku, {}, auth);
  REQUIRE(reply.status == 200);
  return field_of(reply.body, "/data/0/id");
}

std::int64_t stock_here(http_client& client, const headers& auth, const std::string& product) {
  const auto reply = client.request("GET", "/api/inventory/stock?productId=" + product, {}, auth);
  REQUIRE(reply.status == 200);
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(reply.body);
  return root.at(0)["quantity"].get_int64().value();
}

void set_stock(http_client& client, const headers& auth, const std::string& product, int count) {
  const auto reply = client.request(
      "POST", "/api/inventory/adjust",
      fmt::format(R"({{"productId":"{}","actualQty":{},"reason":"test"}})", product, count), auth);
  REQUIRE_MESSAGE(reply.status == 201, reply.body);
}

// Runs body(i) on `count` threads started together. A REQUIRE failing on a thread ends that
// thread (its failure is recorded) instead of the process.
template <class Body>
void run_together(int count, Body body) {
  std::atomic<int> ready{0};
  std::atomic<int> aborted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < count; ++i) {
    threads.emplace_back([&, i] {
      ready.fetch_add(1);
      while (ready.load() < count) std::this_thread::yield();
      try {
        body(i);
      } catch (...) {
        aborted.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(aborted.load() == 0);
}

TEST_SUITE("concurrency (black box)") {
  TEST_CASE("50 cashiers checking out the same product never oversell nor repeat an invoice") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"}, unthrottled);
    http_client admin_client(server.port());
    const auto admin = bearer(log_in(admin_client, "admin@pos.com"));
    const auto manager = bearer(log_in(admin_client, "manager@pos.com"));  // BR-001
    const std::string branch = field_of(
        admin_client.request("GET", "/api/auth/profile", {}, manager).body, "/branchId");
    const std::string pepsi = id_of_sku(admin_client, manager, "SKU002");
    constexpr int cashiers = 50;
    constexpr int units = 30;
    for (int i = 0; i < cashiers; ++i) {
      const auto reply = admin_client.request(
          "POST", "/api/users",
          fmt::format(R"({{"email":"till{}@pos.com","password":"password123","fullName":"Till {}",
                       "role":"CASHIER","branchId":"{}"}})", i, i, branch), admin);
      REQUIRE_MESSAGE(reply.status == 201, reply.body);
    }
    set_stock(admin_client, manager, pepsi, units);

    std::mutex mutex;
    std::vector<std::string> invoices;
    std::vector<std::string> refusals;
    run_together(cashiers, [&](int i) {
      http_client client(server.port());
      const auto token = bearer(log_in(client, fmt::format("till{}@pos.com", i)));
      const auto added = client.request("POST", "/api/pos/cart/add",
                                        fmt::format(R"({{"productId":"{}","quantity":1}})", pepsi), token);
      const auto sold = client.request("POST", "/api/pos/checkout",
                                       R"({"payments":[{"method":"CASH","amount":20000}]})", token);
      std::lock_guard lock(mutex);
      if (added.status == 201 && sold.status == 201) {
        invoices.push_back(field_of(sold.body, "/invoiceNo"));
      } else {
        refusals.push_back(fmt::format("{} {} / {} {}", added.status, added.body, sold.status, sold.body));
      }
    });
    INFO("refusals: ", refusals.size() > 0 ? refusals.front() : "");
    CHECK(invoices.size() == static_cast<std::size_t>(units));
    CHECK(std::set<std::string>(invoices.begin(), invoices.end()).size() == invoices.size());
    for (const auto& refusal : refusals) {
      // Refused at checkout (stock gone) or already at the cart (stock checked there too).
      CHECK((refusal.find("Insufficient stock") != std::string::npos));
    }
    CHECK(stock_here(admin_client, manager, pepsi) == 0);
  }

  TEST_CASE("two cashiers racing for the last units: exactly one wins") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"}, unthrottled);
    http_client setup(server.port());
    const auto manager = bearer(log_in(setup, "manager@pos.com"));
    const std::string coca = id_of_sku(setup, manager, "SKU001");
    set_stock(setup, manager, coca, 5);
    std::vector<int> statuses(2);
    std::vector<headers> tokens{bearer(log_in(setup, "cashier1@pos.com")),
                                bearer(log_in(setup, "cashier2@pos.com"))};
    for (const auto& token : tokens) {
      REQUIRE(setup.request("POST", "/api/pos/cart/add",
                            fmt::format(R"({{"productId":"{}","quantity":5}})", coca), token)
                  .status == 201);
    }
    run_together(2, [&](int i) {
      http_client client(server.port());
      statuses[static_cast<std::size_t>(i)] =
          client.request("POST", "/api/pos/checkout",
                         R"({"payments":[{"method":"CASH","amount":60000}]})", tokens[static_cast<std::size_t>(i)])
              .status;
    });
    std::sort(statuses.begin(), statuses.end());
    CHECK(statuses == std::vector<int>{201, 400});
    CHECK(stock_here(setup, manager, coca) == 0);
  }

  TEST_CASE("parallel returns of one sale line never exceed the quantity sold") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"}, unthrottled);
    http_client setup(server.port());
    const auto manager = bearer(log_in(setup, "manager@pos.com"));
    const auto cashier = bearer(log_in(setup, "cashier1@pos.com"));
    const std::string oreo = id_of_sku(setup, manager, "SKU005");
    REQUIRE(setup.request("POST", "/api/pos/cart/add",
                          fmt::format(R"({{"productId":"{}","quantity":5}})", oreo), cashier)
                .status == 201);
    const auto sale = setup.request("POST", "/api/pos/checkout",
                                    R"({"payments":[{"method":"CASH","amount":100000}]})", cashier);
    REQUIRE(sale.status == 201);
    const std::string sale_id = field_of(sale.body, "/id");
    const std::string line = field_of(sale.body, "/items/0/id");
    const std::int64_t stock_after_sale = stock_here(setup, manager, oreo);

    std::atomic<int> accepted{0};
    std::atomic<int> refused{0};
    run_together(12, [&](int) {
      http_client client(server.port());
      const auto reply = client.request(
          "POST", "/api/pos/return",
          fmt::format(R"({{"saleId":"{}","reason":"đổi","items":[{{"saleItemId":"{}","quantity":1}}]}})",
                      sale_id, line), manager);
      if (reply.status == 201) {
        accepted.fetch_add(1);
      } else if (reply.status == 400 &&
                 reply.body.find("Cannot return more than remaining") != std::string::npos) {
        refused.fetch_add(1);
      }
    });
    CHECK(accepted.load() == 5);
    CHECK(refused.load() == 7);
    CHECK(stock_here(setup, manager, oreo) == stock_after_sale + 5);
    const auto receipt = setup.request("GET", "/api/pos/receipt/" + sale_id, {}, manager);
    CHECK(field_of(receipt.body, "/status") == "RETURNED");
  }

  TEST_CASE("a batch sent twice at once has one effect") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"}, unthrottled);
    http_client setup(server.port());
    const auto manager = bearer(log_in(setup, "manager@pos.com"));
    const std::string milk = id_of_sku(setup, manager, "SKU008");
    const std::int64_t before = stock_here(setup, manager, milk);
    const std::string batch = fmt::format(
        R"({{"commands":[{{"commandId":"sync-42","type":"sale","lines":[{{"productId":"{}","quantity":3}}],
            "payments":[{{"method":"E_WALLET","amount":123120,"reference":"MOMO-1"}}]}}]}})", milk);
    std::vector<std::string> statuses(2);
    std::vector<std::string> invoices(2);
    run_together(2, [&](int i) {
      http_client client(server.port());
      const auto reply = client.request("POST", "/api/v1/commands", batch, manager);
      REQUIRE(reply.status == 200);
      statuses[static_cast<std::size_t>(i)] = field_of(reply.body, "/results/0/status");
      invoices[static_cast<std::size_t>(i)] = field_of(reply.body, "/results/0/result/invoiceNo");
    });
    std::sort(statuses.begin(), statuses.end());
    CHECK(statuses == std::vector<std::string>{"committed", "duplicate"});
    CHECK(invoices[0] == invoices[1]);
    CHECK(stock_here(setup, manager, milk) == before - 3);
  }
}

}  // namespace
}  // namespace ledger::testing
