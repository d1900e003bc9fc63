// Black-box tests of the write routes of api-contract sections 6-9 against the real
// `posledger serve --demo` binary: success shapes, each documented error, and that refused
// input leaves the ledger head where it was. Bodies are read with simdjson (exceptions on).
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "api/jwt.h"
#include "tests/support/http_client.h"
#include "tests/support/json_checks.h"
#include "tests/support/temp_dir.h"

namespace ledger::testing {
namespace {

using headers = std::vector<std::pair<std::string, std::string>>;

// A parsed response body (the parser owns the document).
struct json_body {
  explicit json_body(const http_reply& reply) : text(reply.body) {
    INFO("body: ", text);
    REQUIRE(parser.parse(text).get(root) == simdjson::SUCCESS);
  }
  [[nodiscard]] std::string string(std::string_view key) const {
    return std::string(root[key].get_string().value());
  }
  std::string text;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
};

// The id of the demo product with this SKU.
std::string product_id_of(http_client& client, const headers& auth, const std::string& sku) {
  const auto reply = client.request("GET", "/api/products/search?sku=" + sku, {}, auth);
  REQUIRE(reply.status == 200);
  const json_body body(reply);
  return std::string(body.root["data"].at(0)["id"].get_string().value());
}

// The id of the demo branch with this code.
std::string branch_id_of(http_client& client, const headers& auth, const std::string& code) {
  const auto reply = client.request("GET", "/api/branches", {}, auth);
  REQUIRE(reply.status == 200);
  const json_body body(reply);
  for (const auto branch : body.root.get_array()) {
    if (branch["code"].get_string().value() == code) {
      return std::string(branch["id"].get_string().value());
    }
  }
  FAIL("no branch " << code);
  return {};
}

// The stock of a product at a branch, as GET /api/products/:id shows it.
std::int64_t stock_of(http_client& client, const headers& auth, const std::string& product,
                      const std::string& branch) {
  const auto reply = client.request("GET", "/api/products/" + product, {}, auth);
  REQUIRE(reply.status == 200);
  const json_body body(reply);
  for (const auto row : body.root["inventoryStocks"].get_array()) {
    if (row["branchId"].get_string().value() == branch) return row["quantity"].get_int64().value();
  }
  FAIL("no stock row");
  return -1;
}

// The same access token, expired a minute ago and signed with the server's secret (the demo
// server keeps it in DIR/demo-secrets): no waiting for a real expiry.
std::string expired_copy(const std::string& token, const std::string& data_dir) {
  std::ifstream secrets(data_dir + "/demo-secrets");
  std::string secret;
  REQUIRE(std::getline(secrets, secret));
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  auto claims = api::verify_access_token(token, secret, now);
  REQUIRE(claims.has_value());
  claims->iat = now - 120;
  claims->exp = now - 60;
  return api::sign_access_token(*claims, secret);
}

void check_error(const http_reply& reply, int status, const std::string& message) {
  INFO("body: ", reply.body);
  CHECK(reply.status == status);
  check_has(reply.body, fmt::format(R"("message":"{}")", message));
}

TEST_SUITE("serve writes (black box)") {
  TEST_CASE("bad input gets its 4xx and never moves the ledger head") {
    temp_dir dir;
    const std::string data = dir.sub("ledger");
    served_ledger server(data, {"--demo"});
    http_client client(server.port());
    const std::string expired = expired_copy(log_in(client, "manager@pos.com"), data);
    const auto manager = bearer(log_in(client, "manager@pos.com"));
    const auto cashier = bearer(log_in(client, "cashier1@pos.com"));
    const std::string pepsi = product_id_of(client, manager, "SKU002");
    const std::string head = ledger_head(client);

    struct bad_request {
      std::string what;
      std::string method;
      std::string target;
      std::string body;
      headers auth;
      int status;
      std::string message;  // a fragment of the body
    };
    const std::string unknown = "3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f";
    const std::vector<bad_request> cases = {
        {"malformed JSON", "POST", "/api/inventory/stock-in", R"({"productId":)", manager, 400, ""},
        {"not an object", "POST", "/api/pos/checkout", "[1,2]", cashier, 400, "body must be a JSON object"},
        {"wrong type", "POST", "/api/pos/cart/add",
         fmt::format(R"({{"productId":"{}","quantity":"two"}})", pepsi), cashier, 400,
         "quantity must be a number conforming to the specified constraints"},
        {"unknown field", "POST", "/api/inventory/stock-out",
         fmt::format(R"({{"productId":"{}","quantity":1,"reason":"LOSS","price":3}})", pepsi), manager, 400,
         "property price should not exist"},
        {"invalid UUID", "POST", "/api/inventory/adjust", R"({"productId":"123","actualQty":1,"reason":"x"})",
         manager, 400, "productId must be a UUID"},
        {"unknown UUID", "POST", "/api/pos/cart/add", fmt::format(R"({{"productId":"{}","quantity":1}})", unknown),
         cashier, 404, "Product not found or inactive"},
        {"negative quantity", "POST", "/api/pos/cart/add",
         fmt::format(R"({{"productId":"{}","quantity":-3}})", pepsi), cashier, 400,
         "quantity must not be less than 1"},
        {"fractional quantity", "POST", "/api/inventory/stock-in",
         fmt::format(R"({{"productId":"{}","quantity":1.5}})", pepsi), manager, 400,
         "quantity must be an integer number"},
        {"negative money", "POST", "/api/pos/checkout",
         R"({"payments":[{"method":"CASH","amount":-1}]})", cashier, 400,
         "payments.0.amount must not be less than 0"},
        {"money beyond limits", "POST", "/api/pos/checkout",
         R"({"payments":[{"method":"CASH","amount":1e30}]})", cashier, 400,
         "payments.0.amount must be a number conforming to the specified constraints"},
        {"unparsable date", "GET", "/api/reports/profit?startDate=31/12/2025", "", manager, 400,
         "startDate must be a valid date"},
        {"invalid token", "POST", "/api/pos/cart/add", "{}", bearer("not.a.token"), 401, "Invalid or expired token"},
        {"expired token", "POST", "/api/inventory/stock-in", "{}", bearer(expired), 401, "Invalid or expired token"},
        {"no token", "POST", "/api/customers", R"({"name":"A","phone":"1"})", {}, 401, "Invalid or expired token"},
        {"huge body", "POST", "/api/customers",
         fmt::format(R"({{"name":"{}","phone":"1"}})", std::string(200 * 1024, 'a')), manager, 413, ""},
        {"deep nesting", "POST", "/api/pos/checkout", std::string(100, '[') + std::string(100, ']'), cashier, 400,
         ""},
    };
    for (const auto& bad : cases) {
      CAPTURE(bad.what);
      const auto reply = client.request(bad.method, bad.target, bad.body, bad.auth);
      CHECK(reply.status == bad.status);
      check_has(reply.body, fmt::format(R"("statusCode":{})", bad.status));
      if (!bad.message.empty()) check_has(reply.body, bad.message);
    }
    CHECK(ledger_head(client) == head);
  }

  TEST_CASE("users and branches (6.1, 6.2)") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"});
    http_client client(server.port());
    const auto admin = bearer(log_in(client, "admin@pos.com"));
    const std::string branch = branch_id_of(client, admin, "BR-002");

    auto reply = client.request(
        "POST", "/api/users",
        fmt::format(R"({{"email":"lan@pos.com","password":"secret1","fullName":"Phạm Thị Lan",
                     "role":"CASHIER","branchId":"{}"}})", branch), admin);
    REQUIRE(reply.status == 201);
    CHECK(!reply.header("x-ledger-seq").empty());
    json_body created(reply);
    const std::string user = created.string("id");
    CHECK(created.string("fullName") == "Phạm Thị Lan");
    CHECK(created.string("branchId") == branch);
    CHECK(created.root["isActive"].get_bool().value());
    CHECK(created.root["phone"].is_null());
    const auto lan = bearer(log_in(client, "lan@pos.com", "secret1"));

    const std::string head = ledger_head(client);
    check_error(client.request("POST", "/api/users",
                               R"({"email":"lan@pos.com","password":"secret1","fullName":"","role":"CASHIER"})",
                               admin),
                409, "Email already exists");
    reply = client.request("POST", "/api/users",
                           R"({"email":"x@pos.com","password":"123","fullName":"X","role":"KING"})", admin);
    CHECK(reply.status == 400);
    check_has(reply.body, "password must be longer than or equal to 6 characters");
    check_has(reply.body, "role must be one of the following values: SUPER_ADMIN, BRANCH_MANAGER, "
                          "CASHIER, INVENTORY_STAFF, OWNER");
    check_error(client.request("POST", "/api/users",
                               R"({"email":"y@pos.com","password":"secret1","fullName":"Y","role":"CASHIER",
                                   "branchId":"3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f"})", admin),
                400, "Referenced record does not exist");
    CHECK(ledger_head(client) == head);

    // PATCH: empty fullName is ignored, null branchId unassigns.
    reply = client.request("PATCH", "/api/users/" + user,
                           R"({"fullName":"","phone":"0911000111","branchId":null})", admin);
    REQUIRE(reply.status == 200);
    json_body updated(reply);
    CHECK(updated.string("fullName") == "Phạm Thị Lan");
    CHECK(updated.string("phone") == "0911000111");
    CHECK(updated.root["branchId"].is_null());
    check_error(client.request("PATCH", "/api/users/3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f",
                               R"({"phone":"1"})", admin),
                404, "User not found");

    // Deactivation locks the user out at once.
    reply = client.request("PATCH", "/api/users/" + user + "/toggle-active", {}, admin);
    REQUIRE(reply.status == 200);
    check_has(reply.body, R"("isActive":false)");
    CHECK(client.request("GET", "/api/auth/profile", {}, lan).status == 401);

    // Branches: a new branch gets a stock row for every product.
    reply = client.request("POST", "/api/branches",
                           R"({"code":"BR-005","name":"Chi nhánh Gò Vấp","address":"1 Quang Trung"})",
                           admin);
    REQUIRE(reply.status == 201);
    const std::string new_branch = json_body(reply).string("id");
    CHECK(stock_of(client, admin, product_id_of(client, admin, "SKU001"), new_branch) == 0);
    check_error(client.request("POST", "/api/branches", R"({"code":"BR-005","name":"Again"})", admin),
                409, "Branch code already exists");
    reply = client.request("PATCH", "/api/branches/" + new_branch, R"({"isActive":false})", admin);
    CHECK(reply.status == 400);
    check_has(reply.body, "property isActive should not exist");
    reply = client.request("PATCH", "/api/branches/" + new_branch, R"({"name":"Gò Vấp"})", admin);
    CHECK(reply.status == 200);
    check_has(reply.body, R"("name":"Gò Vấp")");
    check_has(reply.body, R"("code":"BR-005")");
    check_error(client.request("PATCH", "/api/branches/" + new_branch, R"({"code":"BR-001"})", admin),
                409, "Branch code already exists");
  }

  TEST_CASE("products and suppliers (6.4, 6.5)") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"});
    http_client client(server.port());
    const auto admin = bearer(log_in(client, "admin@pos.com"));
    const auto manager = bearer(log_in(client, "manager@pos.com"));
    auto reply = client.request("GET", "/api/categories", {}, admin);
    const std::string category = std::string(json_body(reply).root.at(0)["id"].get_string().value());

    reply = client.request(
        "POST", "/api/products",
        fmt::format(R"({{"sku":"SKU100","barcode":"8930000000100","name":"Trà xanh 0 độ",
                     "costPrice":"7000","sellingPrice":11500.5,"minStock":12,"categoryId":"{}"}})",
                    category), manager);
    REQUIRE(reply.status == 201);
    json_body product(reply);
    const std::string id = product.string("id");
    CHECK(product.string("sellingPrice") == "11500.5");
    CHECK(product.string("costPrice") == "7000");
    CHECK(product.string("taxRate") == "8");
    CHECK(product.string("unit") == "cái");
    CHECK(std::string(product.root["category"]["id"].get_string().value()) == category);

    const std::string head = ledger_head(client);
    const std::string body_of_sku100 = fmt::format(
        R"({{"sku":"SKU100","barcode":"1","name":"n","costPrice":1,"sellingPrice":1,"categoryId":"{}"}})",
        category);
    check_error(client.request("POST", "/api/products", body_of_sku100, admin), 409,
                "SKU already exists");
    check_error(client.request("POST", "/api/products",
                               fmt::format(R"({{"sku":"SKU101","barcode":"8930000000100","name":"n",
                                            "costPrice":1,"sellingPrice":1,"categoryId":"{}"}})",
                                           category), admin),
                409, "Barcode already exists");
    check_error(client.request("POST", "/api/products",
                               R"({"sku":"SKU102","barcode":"2","name":"n","costPrice":1,"sellingPrice":1,
                                   "categoryId":"3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f"})", admin),
                404, "Category not found");
    reply = client.request("POST", "/api/products",
                           fmt::format(R"({{"sku":"SKU103","barcode":"3","name":"n","costPrice":-1,
                                        "sellingPrice":1,"minStock":1.5,"categoryId":"{}"}})", category),
                           admin);
    CHECK(reply.status == 400);
    check_has(reply.body, "costPrice must not be less than 0");
    check_has(reply.body, "minStock must be an integer number");
    CHECK(ledger_head(client) == head);

    reply = client.request("PATCH", "/api/products/" + id,
                           R"({"sellingPrice":12000,"description":null,"taxRate":10})", manager);
    REQUIRE(reply.status == 200);
    json_body patched(reply);
    CHECK(patched.string("sellingPrice") == "12000");
    CHECK(patched.string("taxRate") == "10");
    CHECK(patched.root["description"].is_null());
    check_error(client.request("PATCH", "/api/products/" + id, R"({"name":null})", manager), 400,
                "Invalid data format");
    reply = client.request("PATCH", "/api/products/" + id + "/toggle-active", {}, manager);
    REQUIRE(reply.status == 200);
    check_has(reply.body, R"("isActive":false)");
    check_lacks(reply.body, R"("category")");

    // Suppliers.
    reply = client.request("POST", "/api/suppliers",
                           R"({"code":"SUP-004","name":"Công ty Trà Việt","email":"tra@viet.vn"})", admin);
    REQUIRE(reply.status == 201);
    const std::string supplier = json_body(reply).string("id");
    check_error(client.request("POST", "/api/suppliers", R"({"code":"SUP-004","name":"Again"})", admin),
                409, "Supplier code already exists");
    check_error(client.request("PATCH", "/api/suppliers/" + supplier, R"({"code":"SUP-001"})", admin),
                409, "Duplicate value for code");
    reply = client.request("PATCH", "/api/suppliers/" + supplier, R"({"contactPerson":"Chị Hoa"})", admin);
    CHECK(reply.status == 200);
    check_has(reply.body, R"("contactPerson":"Chị Hoa")");
    reply = client.request("PATCH", "/api/suppliers/" + supplier + "/toggle-active", {}, admin);
    CHECK(reply.status == 200);
    check_has(reply.body, R"("isActive":false)");
  }

  TEST_CASE("inventory writes (7.1-7.4)") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"});
    http_client client(server.port());
    const auto staff = bearer(log_in(client, "inventory@pos.com"));  // BR-HQ
    const auto manager = bearer(log_in(client, "manager@pos.com"));  // BR-001
    const auto admin = bearer(log_in(client, "admin@pos.com"));
    const std::string pepsi = product_id_of(client, staff, "SKU002");
    const std::string hq = branch_id_of(client, staff, "BR-HQ");
    const std::string br1 = branch_id_of(client, staff, "BR-001");
    const std::int64_t start = stock_of(client, staff, pepsi, hq);

    auto reply = client.request("POST", "/api/inventory/stock-in",
                                fmt::format(R"({{"productId":"{}","quantity":"10","unitCost":5000,
                                             "reference":"PN-77"}})", pepsi), staff);
    REQUIRE(reply.status == 201);
    check_has(reply.body, fmt::format(R"({{"previousStock":{},"newStock":{},"change":10}})", start,
                                      start + 10));
    reply = client.request("POST", "/api/inventory/stock-out",
                           fmt::format(R"({{"productId":"{}","quantity":4,"reason":"DAMAGE"}})", pepsi),
                           staff);
    REQUIRE(reply.status == 201);
    check_has(reply.body, fmt::format(R"({{"previousStock":{},"newStock":{},"change":-4}})",
                                      start + 10, start + 6));

    const std::string head = ledger_head(client);
    check_error(client.request("POST", "/api/inventory/stock-out",
                               fmt::format(R"({{"productId":"{}","quantity":100000,"reason":"LOSS"}})", pepsi),
                               staff),
                400, fmt::format("Insufficient stock. Current: {}, Requested: 100000", start + 6));
    reply = client.request("POST", "/api/inventory/stock-in",
                           fmt::format(R"({{"productId":"{}","quantity":2.5}})", pepsi), staff);
    CHECK(reply.status == 400);
    check_has(reply.body, "quantity must be an integer number");
    reply = client.request("POST", "/api/inventory/stock-in", R"({"productId":"nope","quantity":0})", staff);
    CHECK(reply.status == 400);
    check_has(reply.body, "productId must be a UUID");
    check_has(reply.body, "quantity must not be less than 1");
    check_error(client.request("POST", "/api/inventory/stock-in",
                               R"({"productId":"3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f","quantity":1})", staff),
                404, "Product not found in this branch inventory");
    CHECK(ledger_head(client) == head);

    // A count sets the stock (difference may be negative).
    reply = client.request("POST", "/api/inventory/adjust",
                           fmt::format(R"({{"productId":"{}","actualQty":3,"reason":"Kiểm kê"}})", pepsi),
                           staff);
    REQUIRE(reply.status == 201);
    json_body adjusted(reply);
    CHECK(adjusted.root["previousStock"].get_int64().value() == start + 6);
    CHECK(adjusted.root["newStock"].get_int64().value() == 3);
    CHECK(adjusted.root["difference"].get_int64().value() == 3 - (start + 6));
    CHECK(adjusted.string("adjustmentId").size() == 36);
    CHECK(stock_of(client, staff, pepsi, hq) == 3);

    // Transfers: all lines or none; only from one's own branch unless SUPER_ADMIN.
    const std::int64_t br1_before = stock_of(client, staff, pepsi, br1);
    reply = client.request("POST", "/api/inventory/transfer",
                           fmt::format(R"({{"sourceBranchId":"{}","destBranchId":"{}",
                                        "items":[{{"productId":"{}","quantity":2,"note":"extra keys pass"}}]}})",
                                       hq, br1, pepsi), staff);
    REQUIRE(reply.status == 201);
    json_body transfer(reply);
    CHECK(transfer.string("referenceNumber").rfind("TF-", 0) == 0);
    CHECK(transfer.string("status") == "COMPLETED");
    CHECK(transfer.root["items"].get_array().size() == 1);
    CHECK(stock_of(client, staff, pepsi, hq) == 1);
    CHECK(stock_of(client, staff, pepsi, br1) == br1_before + 2);

    const std::string head2 = ledger_head(client);
    check_error(client.request("POST", "/api/inventory/transfer",
                               fmt::format(R"({{"sourceBranchId":"{}","destBranchId":"{}",
                                            "items":[{{"productId":"{}","quantity":2}}]}})", hq, br1, pepsi),
                               staff),
                400, "Insufficient stock for Pepsi 330ml. Available: 1, Requested: 2");
    check_error(client.request("POST", "/api/inventory/transfer",
                               fmt::format(R"({{"sourceBranchId":"{}","destBranchId":"{}",
                                            "items":[{{"productId":"{}","quantity":1}}]}})", hq, hq, pepsi),
                               staff),
                400, "Source and destination branches must be different");
    check_error(client.request("POST", "/api/inventory/transfer",
                               fmt::format(R"({{"sourceBranchId":"{}","destBranchId":"{}",
                                            "items":[{{"productId":"{}","quantity":1}}]}})", hq, br1, pepsi),
                               manager),
                403, "You can only transfer stock from your assigned branch");
    check_error(client.request("POST", "/api/inventory/transfer",
                               fmt::format(R"({{"sourceBranchId":"{1}","destBranchId":"{2}",
                                            "items":[{{"productId":"{0}","quantity":1}},{{"productId":"{0}","quantity":1}}]}})",
                                           pepsi, hq, br1), admin),
                404, "One or more products not found");
    reply = client.request("POST", "/api/inventory/transfer",
                           fmt::format(R"({{"sourceBranchId":"{}","destBranchId":"{}",
                                        "items":[{{"productId":"{}","quantity":0}}]}})", hq, br1, pepsi),
                           staff);
    CHECK(reply.status == 400);
    check_has(reply.body, "items.0.quantity must not be less than 1");
    reply = client.request("POST", "/api/inventory/transfer",
                           fmt::format(R"({{"sourceBranchId":"{}","destBranchId":"{}","items":[]}})", hq, br1),
                           staff);
    CHECK(reply.status == 400);
    check_has(reply.body, "items must contain at least 1 elements");
    CHECK(ledger_head(client) == head2);
  }

  TEST_CASE("a sale from cart to cancel (8.2-8.11)") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"});
    http_client client(server.port());
    const auto cashier = bearer(log_in(client, "cashier1@pos.com"));
    const auto manager = bearer(log_in(client, "manager@pos.com"));
    const auto owner = bearer(log_in(client, "owner@pos.com"));
    const std::string pepsi = product_id_of(client, manager, "SKU002");
    const std::string coca = product_id_of(client, manager, "SKU001");
    const std::string br1 = branch_id_of(client, manager, "BR-001");
    const std::int64_t pepsi_start = stock_of(client, manager, pepsi, br1);

    auto reply = client.request("GET", "/api/pos/cart", {}, cashier);
    REQUIRE(reply.status == 200);
    check_has(reply.body, R"("items":[])");
    check_error(client.request("POST", "/api/pos/checkout", R"({"payments":[{"method":"CASH","amount":1}]})",
                               cashier),
                400, "Cart is empty");

    reply = client.request("POST", "/api/pos/cart/add",
                           fmt::format(R"({{"productId":"{}","quantity":2}})", pepsi), cashier);
    REQUIRE(reply.status == 201);
    json_body cart(reply);
    CHECK(cart.root["summary"]["subtotal"].get_double().value() == 20000);
    CHECK(cart.root["summary"]["taxAmount"].get_double().value() == 1600);
    CHECK(cart.root["summary"]["grandTotal"].get_double().value() == 21600);
    reply = client.request("POST", "/api/pos/cart/scan", R"({"barcode":"8934567890123","other":1})", cashier);
    REQUIRE(reply.status == 201);
    json_body scanned(reply);
    REQUIRE(scanned.root["items"].get_array().size() == 2);
    const std::string coca_line = std::string(scanned.root["items"].at(1)["id"].get_string().value());
    check_error(client.request("POST", "/api/pos/cart/scan", R"({"barcode":1})", cashier), 400,
                "Invalid data format");
    check_error(client.request("POST", "/api/pos/cart/scan", R"({"barcode":"000"})", cashier), 404,
                "Product not found for this barcode");
    reply = client.request("PATCH", "/api/pos/cart/item/" + coca_line, R"({"quantity":3})", cashier);
    REQUIRE(reply.status == 200);
    reply = client.request("DELETE", "/api/pos/cart/item/" + coca_line, {}, cashier);
    REQUIRE(reply.status == 200);
    CHECK(json_body(reply).root["items"].get_array().size() == 1);
    check_error(client.request("DELETE", "/api/pos/cart/item/" + coca_line, {}, cashier), 404,
                "Cart item not found");
    check_error(client.request("POST", "/api/pos/cart/add",
                               fmt::format(R"({{"productId":"{}","quantity":100000}})", coca), cashier),
                400, fmt::format("Insufficient stock. Available: {}, Requested: 100000",
                                 stock_of(client, manager, coca, br1)));

    // A customer on the cart; checkout with a bad tender, too little, then right.
    reply = client.request("GET", "/api/customers/phone/0901111111", {}, cashier);
    const std::string customer = json_body(reply).string("id");
    reply = client.request("POST", "/api/pos/cart/customer",
                           fmt::format(R"({{"customerId":"{}"}})", customer), cashier);
    REQUIRE(reply.status == 201);
    check_has(reply.body, R"("name":"Nguyễn Văn An")");
    const std::string head = ledger_head(client);
    reply = client.request("POST", "/api/pos/checkout", R"({"payments":[{"method":"CHEQUE","amount":1}]})",
                           cashier);
    CHECK(reply.status == 400);
    check_has(reply.body, "payments.0.method must be one of the following values: CASH, BANK_TRANSFER, E_WALLET");
    check_error(client.request("POST", "/api/pos/checkout",
                               R"({"payments":[{"method":"CASH","amount":20000}]})", cashier),
                400, "Insufficient payment. Total: 21600, Paid: 20000");
    CHECK(ledger_head(client) == head);
    reply = client.request("POST", "/api/pos/checkout",
                           R"({"payments":[{"method":"CASH","amount":50000,"changeDue":28400}]})", cashier);
    REQUIRE(reply.status == 201);
    json_body sale(reply);
    const std::string sale_id = sale.string("id");
    CHECK(sale.string("invoiceNo").rfind("INV-", 0) == 0);
    CHECK(sale.string("totalAmount") == "21600");
    CHECK(std::string(sale.root["payments"].at(0)["changeDue"].get_string().value()) == "28400");
    CHECK(std::string(sale.root["customer"]["id"].get_string().value()) == customer);
    const std::string sale_line = std::string(sale.root["items"].at(0)["id"].get_string().value());
    CHECK(stock_of(client, manager, pepsi, br1) == pepsi_start - 2);
    reply = client.request("GET", "/api/pos/cart", {}, cashier);  // a fresh cart
    check_has(reply.body, R"("items":[])");
    reply = client.request("GET", "/api/pos/receipt/" + sale_id, {}, owner);
    CHECK(reply.status == 200);
    check_has(reply.body, R"("invoiceNo":")" + sale.string("invoiceNo"));

    // Return one unit, refuse more than remains, cancel, refuse again.
    reply = client.request("POST", "/api/pos/return",
                           fmt::format(R"({{"saleId":"{}","reason":"Hỏng","items":[{{"saleItemId":"{}","quantity":1}}]}})",
                                       sale_id, sale_line), manager);
    REQUIRE(reply.status == 201);
    check_has(reply.body, R"("totalRefund":10000,"status":"COMPLETED")");
    CHECK(stock_of(client, manager, pepsi, br1) == pepsi_start - 1);
    check_error(client.request("POST", "/api/pos/return",
                               fmt::format(R"({{"saleId":"{}","reason":"x","items":[{{"saleItemId":"{}","quantity":2}}]}})",
                                           sale_id, sale_line), manager),
                400, "Cannot return more than remaining. Item: Pepsi 330ml, Sold: 2, Already returned: 1, Requested: 2");
    const std::string foreign_line = "3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f";
    check_error(client.request("POST", "/api/pos/return",
                               fmt::format(R"({{"saleId":"{}","reason":"x","items":[{{"saleItemId":"{}","quantity":1}}]}})",
                                           sale_id, foreign_line), manager),
                404, "Sale item " + foreign_line + " not found");
    reply = client.request("POST", "/api/pos/cancel/" + sale_id, R"({"reason":"Khách đổi ý"})", manager);
    REQUIRE(reply.status == 201);
    check_has(reply.body, R"("status":"CANCELLED")");
    CHECK(stock_of(client, manager, pepsi, br1) == pepsi_start);
    check_error(client.request("POST", "/api/pos/cancel/" + sale_id, R"({"reason":"again"})", manager), 400,
                "Invoice already cancelled");
    check_error(client.request("POST", "/api/pos/return",
                               fmt::format(R"({{"saleId":"{}","reason":"x","items":[{{"saleItemId":"{}","quantity":1}}]}})",
                                           sale_id, sale_line), manager),
                400, "Cannot return a cancelled invoice");
    check_error(client.request("POST", "/api/pos/cancel/" + foreign_line, R"({"reason":"x"})", manager), 404,
                "Sale not found");

    // Branch scoping (1.9, 8.9): a sale of BR-002 is out of reach for BR-001's staff.
    const auto admin = bearer(log_in(client, "admin@pos.com"));
    reply = client.request("POST", "/api/users",
                           fmt::format(R"({{"email":"br2@pos.com","password":"password123","fullName":"Thu ngân 3",
                                        "role":"CASHIER","branchId":"{}"}})", branch_id_of(client, admin, "BR-002")),
                           admin);
    REQUIRE(reply.status == 201);
    const auto other_cashier = bearer(log_in(client, "br2@pos.com"));
    REQUIRE(client.request("POST", "/api/pos/cart/add", fmt::format(R"({{"productId":"{}","quantity":1}})", coca),
                           other_cashier).status == 201);
    reply = client.request("POST", "/api/pos/checkout", R"({"payments":[{"method":"CASH","amount":10800}]})",
                           other_cashier);
    REQUIRE(reply.status == 201);
    json_body other_sale(reply);
    const std::string other_id = other_sale.string("id");
    const std::string other_line = std::string(other_sale.root["items"].at(0)["id"].get_string().value());
    const std::string forbidden = "You do not have access to sales from this branch";
    check_error(client.request("GET", "/api/pos/receipt/" + other_id, {}, cashier), 403, forbidden);
    check_error(client.request("POST", "/api/pos/cancel/" + other_id, R"({"reason":"x"})", manager), 403,
                forbidden);
    check_error(client.request("POST", "/api/pos/return",
                               fmt::format(R"({{"saleId":"{}","reason":"x","items":[{{"saleItemId":"{}","quantity":1}}]}})",
                                           other_id, other_line), manager),
                403, forbidden);
    CHECK(client.request("GET", "/api/pos/receipt/" + other_id, {}, owner).status == 200);
    reply = client.request("GET", "/api/pos/sales", {}, cashier);
    check_lacks(reply.body, other_id);
    reply = client.request("GET", "/api/pos/sales", {}, other_cashier);
    check_has(reply.body, other_id);
  }

  TEST_CASE("purchase orders and goods receipts (9.2-9.7)") {
    temp_dir dir;
    served_ledger server(dir.sub("ledger"), {"--demo"});
    http_client client(server.port());
    const auto staff = bearer(log_in(client, "inventory@pos.com"));  // BR-HQ
    const auto manager = bearer(log_in(client, "manager@pos.com"));
    const std::string milk = product_id_of(client, staff, "SKU008");
    const std::string hq = branch_id_of(client, staff, "BR-HQ");
    auto reply = client.request("GET", "/api/suppliers?search=SUP-003", {}, staff);
    const std::string supplier = std::string(json_body(reply).root.at(0)["id"].get_string().value());
    const std::int64_t start = stock_of(client, staff, milk, hq);

    reply = client.request("POST", "/api/procurement/purchase-orders",
                           fmt::format(R"({{"supplierId":"{}","items":[{{"productId":"{}","quantity":10,"unitCost":24000}}],
                                        "notes":"Đơn sữa"}})", supplier, milk), staff);
    REQUIRE(reply.status == 201);
    json_body order(reply);
    const std::string po = order.string("id");
    CHECK(order.string("status") == "PENDING_APPROVAL");
    CHECK(order.string("totalCost") == "240000");
    const std::string po_line = std::string(order.root["items"].at(0)["id"].get_string().value());
    check_error(client.request("POST", "/api/procurement/goods-receipt",
                               fmt::format(R"({{"poId":"{}","supplierId":"{}","items":[{{"productId":"{}",
                                            "poItemId":"{}","quantity":1,"unitCost":24000}}]}})", po, supplier, milk,
                                           po_line), staff),
                400, "PO must be approved before receiving goods");
    reply = client.request("PATCH", "/api/procurement/purchase-orders/" + po + "/approve", {}, manager);
    REQUIRE(reply.status == 200);
    check_has(reply.body, R"("status":"APPROVED")");
    check_error(client.request("PATCH", "/api/procurement/purchase-orders/" + po + "/reject", {}, manager), 400,
                "Cannot reject PO with status: APPROVED");
    check_error(client.request("PATCH", "/api/procurement/purchase-orders/" + po + "/approve", {}, manager), 400,
                "PO cannot be approved. Current status: APPROVED");

    const auto receive = [&](int quantity) {
      return client.request("POST", "/api/procurement/goods-receipt",
                            fmt::format(R"({{"poId":"{}","supplierId":"{}","items":[{{"productId":"{}",
                                         "poItemId":"{}","quantity":{},"unitCost":23500}}]}})", po, supplier,
                                        milk, po_line, quantity), staff);
    };
    reply = receive(4);
    REQUIRE(reply.status == 201);
    CHECK(json_body(reply).string("receiptNumber").rfind("GR-", 0) == 0);
    reply = client.request("GET", "/api/procurement/purchase-orders/" + po, {}, staff);
    check_has(reply.body, R"("status":"PARTIAL")");
    check_error(receive(7), 400, "PO item overshoot. Ordered: 10, Already received: 4, Requested: 7");
    REQUIRE(receive(6).status == 201);
    reply = client.request("GET", "/api/procurement/purchase-orders/" + po, {}, staff);
    check_has(reply.body, R"("status":"RECEIVED")");
    CHECK(stock_of(client, staff, milk, hq) == start + 10);

    // A second order rejected; unknown order ids are 404.
    reply = client.request("POST", "/api/procurement/purchase-orders",
                           fmt::format(R"({{"supplierId":"{}","items":[{{"productId":"{}","quantity":1,"unitCost":1}}]}})",
                                       supplier, milk), staff);
    REQUIRE(reply.status == 201);
    reply = client.request("PATCH", "/api/procurement/purchase-orders/" + json_body(reply).string("id") + "/reject",
                           {}, manager);
    CHECK(reply.status == 200);
    check_has(reply.body, R"("status":"REJECTED")");
    check_error(client.request("PATCH", "/api/procurement/purchase-orders/3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f/approve",
                               {}, manager),
                404, "Purchase Order not found");
    reply = client.request("POST", "/api/procurement/purchase-orders",
                           fmt::format(R"({{"supplierId":"{}","items":[{{"productId":"{}","quantity":1,"unitCost":-1}}]}})",
                                       supplier, milk), staff);
    CHECK(reply.status == 400);
    check_has(reply.body, "items.0.unitCost must not be less than 0");
  }
}

}  // namespace
}  // namespace ledger::testing
