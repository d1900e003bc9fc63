// Catalog and people reads (projections/catalog_queries.h, api-contract 5.8 and 6.1 to 6.6 with
// the loyalty rows of 8.14).
//
// How: every case builds a real history with the decider spec (tests/support/spec.h: the
// standard world of three branches, a user of every role, four products, two customers, a
// supplier and the demo loyalty rule, then the commands the case needs), folds its log into
// views (tests/support/views_fixture.h) and compares the JSON the queries answer with the
// expected text, byte for byte where the shape matters. Expected texts are written out by hand
// with <placeholders> for UUIDs (view_state::uuid) and times; times are formatted here, not by
// the writer under test. Counts, orders, paging numbers, scoping rules and every 404/403 message
// of these sections are checked against the contract's numbers.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "projections/catalog_queries.h"
#include "tests/support/views_fixture.h"

namespace ledger::testing {
namespace {

using projections::caller;
using projections::page_request;
using projections::query_error;
using projections::query_result;
using projections::view_state;

constexpr std::int64_t vnd(std::int64_t units) { return units * 100; }

// The body of a successful answer.
std::string body(const query_result& result) {
  if (const auto* error = std::get_if<query_error>(&result)) {
    FAIL_CHECK("unexpected error ", error->status, " ", error->message);
    return {};
  }
  return std::get<std::string>(result);
}

query_error error_of(const query_result& result) {
  REQUIRE(std::holds_alternative<query_error>(result));
  return std::get<query_error>(result);
}

// ISO-8601 UTC with milliseconds of a spec time in June 2025 (the spec clock starts on
// 2025-06-01T00:00:00Z), formatted independently of the writer.
std::string iso(std::int64_t us) {
  const std::int64_t offset_ms = (us - spec_epoch_us) / 1000;
  REQUIRE(offset_ms >= 0);
  REQUIRE(offset_ms < std::int64_t{29} * 86'400'000);
  const std::int64_t day = offset_ms / 86'400'000;
  const std::int64_t in_day = offset_ms % 86'400'000;
  return fmt::format("2025-06-{:02}T{:02}:{:02}:{:02}.{:03}Z", 1 + day, in_day / 3'600'000,
                     in_day / 60'000 % 60, in_day / 1000 % 60, in_day % 1000);
}

// `pattern` with every <name> replaced by its value (values are never re-scanned).
std::string fill(std::string_view pattern,
                 std::initializer_list<std::pair<std::string_view, std::string>> values) {
  std::string out;
  std::size_t at = 0;
  while (at < pattern.size()) {
    const std::size_t open = pattern.find('<', at);
    if (open == std::string_view::npos) break;
    const std::size_t close = pattern.find('>', open);
    REQUIRE(close != std::string_view::npos);
    const std::string_view name = pattern.substr(open + 1, close - open - 1);
    out.append(pattern.substr(at, open - at));
    bool found = false;
    for (const auto& [key, value] : values) {
      if (key == name) {
        out.append(value);
        found = true;
        break;
      }
    }
    CAPTURE(name);
    REQUIRE(found);
    at = close + 1;
  }
  out.append(pattern.substr(at));
  return out;
}

std::size_t count_of(std::string_view text, std::string_view needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

// Position of `needle` in `text` (REQUIREs presence): for order checks.
std::size_t position_of(std::string_view text, std::string_view needle) {
  const std::size_t at = text.find(needle);
  CAPTURE(needle);
  REQUIRE(at != std::string_view::npos);
  return at;
}

caller as(const ledger_spec& spec, user_id user) {
  const user_record* record = spec.model.find(user);
  REQUIRE(record != nullptr);
  return caller{user, record->role, record->branch};
}

// A BRANCH_MANAGER without a branch.
user_id lone_manager(ledger_spec& spec) {
  const decision d = spec.run(spec.admin, create_user{"lonely@pos.com", "argon2id$x",
                                                      "Quản lý lẻ", "0909000000",
                                                      user_role::BRANCH_MANAGER, std::nullopt});
  return user_id{single_event<events::user_created>(d).user_id};
}

struct vietnamese_products {
  category_id noodles;    // "Mì ăn liền"
  category_id seasoning;  // "Gia vị"
  product_id hao_hao;     // "Mì gói Hảo Hảo 75g", barcode 893ABC001
  product_id nam_ngu;     // "Nước mắm Nam Ngư", barcode 893abc002
};

vietnamese_products add_vietnamese_products(ledger_spec& spec) {
  vietnamese_products v;
  v.noodles = category_id{single_event<events::category_created>(
                              spec.run(spec.admin, create_category{"Mì ăn liền", "Mì gói các loại"}))
                              .category_id};
  v.seasoning = category_id{
      single_event<events::category_created>(spec.run(spec.admin, create_category{"Gia vị", ""}))
          .category_id};
  create_product hao;
  hao.sku = "MI-HH-75";
  hao.barcode = "893ABC001";
  hao.name = "Mì gói Hảo Hảo 75g";
  hao.description = "Tôm chua cay";
  hao.unit = "gói";
  hao.cost_price = vnd(3000);
  hao.selling_price = vnd(4500);
  hao.min_stock = 20;
  hao.tax_rate = 1000;  // 10 %
  hao.category = v.noodles;
  v.hao_hao = product_id{
      single_event<events::product_created>(spec.run(spec.admin, hao)).product_id};
  create_product nam;
  nam.sku = "NM-NAMNGU-500";
  nam.barcode = "893abc002";
  nam.name = "Nước mắm Nam Ngư";
  nam.cost_price = vnd(25000);
  nam.selling_price = vnd(32500) + 50;  // 32500.50
  nam.category = v.seasoning;
  v.nam_ngu = product_id{
      single_event<events::product_created>(spec.run(spec.admin, nam)).product_id};
  return v;
}

// The "name" values of the product items of a search answer, in order.
std::vector<std::string> product_names(std::string_view json, const ledger_spec& spec) {
  std::vector<std::pair<std::size_t, std::string>> found;
  for (const auto& [id, product] : spec.model.products) {
    const std::string needle = fmt::format("\"name\":\"{}\",\"description\"", product.name);
    const std::size_t at = json.find(needle);
    if (at != std::string_view::npos) found.emplace_back(at, product.name);
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> names;
  for (auto& [at, name] : found) names.push_back(std::move(name));
  return names;
}

// The paging members at the end of a Paged<T>.
std::string paging_tail(std::int64_t total, std::int64_t page, std::int64_t limit,
                        std::string_view total_pages) {
  return fmt::format(R"(],"total":{},"page":{},"limit":{},"totalPages":{}}})", total, page, limit,
                     total_pages);
}

bool ends_with(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

std::string products_text(const view_state& views, const projections::product_search_filters& f,
                          page_request paging = {}) {
  return projections::products_search(views, caller{}, f, paging);
}

}  // namespace

TEST_SUITE("projections/catalog_queries") {

// ------------------------------------------------------------------ 6.1 users, 5.8 profile

TEST_CASE("catalog_queries: users list is newest first, paged, capped at 100, scoped for managers") {
  ledger_spec spec;
  const spec_world w = spec.standard_world();
  const user_id lonely = lone_manager(spec);
  spec.run(w.cashier, log_in{w.cashier, {}});
  const view_state views = fold_spec_log(spec);
  const caller admin = as(spec, w.admin);

  SUBCASE("admin: everybody, createdAt descending, exact paging numbers") {
    const std::string first = body(projections::users_list(views, admin, page_request{1, 3}));
    CHECK(ends_with(first, paging_tail(7, 1, 3, "3")));
    CHECK(count_of(first, "\"email\"") == 3);
    CHECK(position_of(first, "lonely@pos.com") < position_of(first, "inventory@pos.com"));
    CHECK(position_of(first, "inventory@pos.com") < position_of(first, "cashier2@pos.com"));
    const std::string last = body(projections::users_list(views, admin, page_request{3, 3}));
    CHECK(ends_with(last, paging_tail(7, 3, 3, "3")));
    CHECK(count_of(last, "\"email\"") == 1);
    CHECK(last.find("admin@pos.com") != std::string::npos);
    const std::string beyond = body(projections::users_list(views, admin, page_request{4, 3}));
    CHECK(beyond == std::string(R"({"data":[)") + paging_tail(7, 4, 3, "3"));
  }
  SUBCASE("limit above 100 is answered as 100; limit 0 gives no rows and totalPages null") {
    const std::string capped = body(projections::users_list(views, admin, page_request{1, 500}));
    CHECK(ends_with(capped, paging_tail(7, 1, 100, "1")));
    CHECK(count_of(capped, "\"email\"") == 7);
    const std::string none = body(projections::users_list(views, admin, page_request{1, 0}));
    CHECK(none == std::string(R"({"data":[)") + paging_tail(7, 1, 0, "null"));
  }
  SUBCASE("the owner is not scoped") {
    const std::string all =
        body(projections::users_list(views, as(spec, w.owner), page_request{1, 20}));
    CHECK(ends_with(all, paging_tail(7, 1, 20, "1")));
  }
  SUBCASE("a manager of BR-001 sees the users of BR-001 only, in the list's item shape") {
    const std::string text =
        body(projections::users_list(views, as(spec, w.manager), page_request{1, 20}));
    const auto item = [&](user_id id, std::string_view email, std::string_view name,
                          std::string_view role, std::string_view last_login) {
      const user_record& u = *spec.model.find(id);
      return fill(
          R"({"id":"<id>","email":"<email>","fullName":"<name>","phone":null,"role":"<role>",)"
          R"("branchId":"<branch>","branch":{"id":"<branch>","name":"Chi nhánh Trung tâm",)"
          R"("code":"BR-001"},"isActive":true,"lastLoginAt":<login>,"createdAt":"<created>"})",
          {{"id", views.uuid(entity_kind::user, id)},
           {"email", std::string(email)},
           {"name", std::string(name)},
           {"role", std::string(role)},
           {"branch", views.uuid(entity_kind::branch, w.central)},
           {"login", std::string(last_login)},
           {"created", iso(u.created_at_us)}});
    };
    const std::string login =
        fmt::format("\"{}\"", iso(spec.model.find(w.cashier)->last_login_at_us));
    CHECK(spec.model.find(w.cashier)->last_login_at_us > 0);
    const std::string expected =
        "{\"data\":[" +
        item(w.cashier2, "cashier2@pos.com", "Thu ngân 2", "CASHIER", "null") + "," +
        item(w.cashier, "cashier1@pos.com", "Thu ngân 1", "CASHIER", login) + "," +
        item(w.manager, "manager@pos.com", "Quản lý chi nhánh", "BRANCH_MANAGER", "null") +
        paging_tail(3, 1, 20, "1");
    CHECK(text == expected);
  }
  SUBCASE("a manager without a branch is refused") {
    const query_error e =
        error_of(projections::users_list(views, as(spec, lonely), page_request{1, 20}));
    CHECK(e.status == 403);
    CHECK(e.message == "Branch manager must be assigned to a branch");
  }
}

TEST_CASE("catalog_queries: user detail, its 403/404 rules in order, and the write renderers") {
  ledger_spec spec;
  const spec_world w = spec.standard_world();
  const user_id lonely = lone_manager(spec);
  spec.run(w.admin, toggle_user_active{w.cashier2});
  const view_state views = fold_spec_log(spec);
  const caller admin = as(spec, w.admin);
  const caller manager = as(spec, w.manager);
  const user_id unknown{987654};

  SUBCASE("the list item plus updatedAt; a user without branch has branch null") {
    const user_record& u = *spec.model.find(lonely);
    CHECK(body(projections::user_get(views, admin, lonely)) ==
          fill(R"({"id":"<id>","email":"lonely@pos.com","fullName":"Quản lý lẻ",)"
               R"("phone":"0909000000","role":"BRANCH_MANAGER","branchId":null,"branch":null,)"
               R"("isActive":true,"lastLoginAt":null,"createdAt":"<t>","updatedAt":"<t>"})",
               {{"id", views.uuid(entity_kind::user, lonely)}, {"t", iso(u.created_at_us)}}));
  }
  SUBCASE("a manager reads users of their own branch only") {
    const std::string text = body(projections::user_get(views, manager, w.cashier));
    CHECK(text.find("\"email\":\"cashier1@pos.com\"") != std::string::npos);
    CHECK(text.find("\"updatedAt\":") != std::string::npos);
    const query_error other = error_of(projections::user_get(views, manager, w.inventory));
    CHECK(other.status == 403);
    CHECK(other.message == "You can only view users from your assigned branch");
    const query_error none = error_of(projections::user_get(views, manager, w.owner));
    CHECK(none.status == 403);
    CHECK(none.message == "You can only view users from your assigned branch");
  }
  SUBCASE("unknown ids are 404, after the manager-without-branch check") {
    const query_error e = error_of(projections::user_get(views, admin, unknown));
    CHECK(e.status == 404);
    CHECK(e.message == "User not found");
    CHECK(error_of(projections::user_get(views, manager, unknown)).status == 404);
    const query_error lone = error_of(projections::user_get(views, as(spec, lonely), unknown));
    CHECK(lone.status == 403);
    CHECK(lone.message == "Branch manager must be assigned to a branch");
  }
  SUBCASE("profile: with and without branch, 404 for an unknown caller") {
    const user_record& cashier = *spec.model.find(w.cashier);
    CHECK(body(projections::profile_json(views, as(spec, w.cashier))) ==
          fill(R"({"id":"<id>","email":"cashier1@pos.com","fullName":"Thu ngân 1","phone":null,)"
               R"("role":"CASHIER","branchId":"<b>","branch":{"id":"<b>","name":)"
               R"("Chi nhánh Trung tâm","code":"BR-001"},"lastLoginAt":null,"createdAt":"<t>"})",
               {{"id", views.uuid(entity_kind::user, w.cashier)},
                {"b", views.uuid(entity_kind::branch, w.central)},
                {"t", iso(cashier.created_at_us)}}));
    const std::string owner = body(projections::profile_json(views, as(spec, w.owner)));
    CHECK(owner.find(R"("role":"OWNER","branchId":null,"branch":null,)") != std::string::npos);
    const query_error e = error_of(projections::profile_json(views, caller{unknown, user_role::CASHIER, branch_id{}}));
    CHECK(e.status == 404);
    CHECK(e.message == "User not found");
  }
  SUBCASE("create, update and toggle responses") {
    const user_record& u = *views.catalog.model.find(w.cashier2);
    const std::string id = views.uuid(entity_kind::user, w.cashier2);
    const std::string branch = views.uuid(entity_kind::branch, w.central);
    CHECK(projections::user_created_json(views, u) ==
          fill(R"({"id":"<id>","email":"cashier2@pos.com","fullName":"Thu ngân 2","phone":null,)"
               R"("role":"CASHIER","branchId":"<b>","isActive":false,"createdAt":"<t>"})",
               {{"id", id}, {"b", branch}, {"t", iso(u.created_at_us)}}));
    CHECK(projections::user_updated_json(views, u) ==
          fill(R"({"id":"<id>","email":"cashier2@pos.com","fullName":"Thu ngân 2","phone":null,)"
               R"("role":"CASHIER","branchId":"<b>","isActive":false})",
               {{"id", id}, {"b", branch}}));
    CHECK(projections::user_toggle_json(views, u) ==
          fill(R"({"id":"<id>","email":"cashier2@pos.com","isActive":false})", {{"id", id}}));
  }
}

// ------------------------------------------------------------------ 6.2 branches

TEST_CASE("catalog_queries: branches in code order with user and sale counts; branch detail") {
  ledger_spec spec;
  const spec_world w = spec.standard_world();
  spec.run(w.cashier, record_sale{{{w.cola, 1}}, std::nullopt, 0, "", {{payment_method::CASH, vnd(10800), ""}}});
  spec.run(w.cashier, record_sale{{{w.pepsi, 2}}, std::nullopt, 0, "", {{payment_method::CASH, vnd(21600), ""}}});
  const branch_id lakeside = branch_id{single_event<events::branch_created>(
                                           spec.run(w.admin, create_branch{"BR-003", "Chi nhánh Hồ Tây", "12 Quảng An", "0243"}))
                                           .branch_id};
  const view_state views = fold_spec_log(spec);

  SUBCASE("list: BranchRow + _count, ordered by code") {
    const auto row = [&](branch_id id, std::string_view tail) {
      const branch_record& b = *spec.model.find(id);
      return fill(R"({"id":"<id>","code":"<code>","name":"<name>",<tail>})",
                  {{"id", views.uuid(entity_kind::branch, id)},
                   {"code", b.code},
                   {"name", b.name},
                   {"tail", fmt::format(R"({},"isActive":true,"createdAt":"{}","updatedAt":"{}",{})",
                                        b.address.empty() ? R"("address":null,"phone":null)"
                                                          : R"("address":"12 Quảng An","phone":"0243")",
                                        iso(b.created_at_us), iso(b.updated_at_us), tail)}});
    };
    const std::string expected =
        "[" + row(w.central, R"("_count":{"users":3,"sales":2})") + "," +
        row(w.tan_binh, R"("_count":{"users":0,"sales":0})") + "," +
        row(lakeside, R"("_count":{"users":0,"sales":0})") + "," +
        row(w.hq, R"("_count":{"users":2,"sales":0})") + "]";
    CHECK(projections::branches_list(views, caller{}) == expected);
  }
  SUBCASE("detail: users oldest first, sales and stock-row counts") {
    const std::string text = body(projections::branch_get(views, caller{}, w.central));
    const auto user = [&](user_id id, std::string_view name, std::string_view email,
                          std::string_view role) {
      return fmt::format(R"({{"id":"{}","fullName":"{}","email":"{}","role":"{}"}})",
                         views.uuid(entity_kind::user, id), name, email, role);
    };
    const std::string users = "\"users\":[" +
                              user(w.manager, "Quản lý chi nhánh", "manager@pos.com",
                                   "BRANCH_MANAGER") +
                              "," + user(w.cashier, "Thu ngân 1", "cashier1@pos.com", "CASHIER") +
                              "," + user(w.cashier2, "Thu ngân 2", "cashier2@pos.com", "CASHIER") +
                              "]";
    CHECK(text.find(users) != std::string::npos);
    CHECK(ends_with(text, R"("_count":{"sales":2,"inventoryStocks":4}})"));
    // A new branch gets a stock row for every product.
    CHECK(ends_with(body(projections::branch_get(views, caller{}, lakeside)),
                    R"("users":[],"_count":{"sales":0,"inventoryStocks":4}})"));
    CHECK(projections::branch_row_json(views, *spec.model.find(lakeside)).starts_with(
        fill(R"({"id":"<id>","code":"BR-003","name":"Chi nhánh Hồ Tây","address":"12 Quảng An",)"
             R"("phone":"0243","isActive":true,)",
             {{"id", views.uuid(entity_kind::branch, lakeside)}})));
  }
  SUBCASE("unknown branch") {
    const query_error e = error_of(projections::branch_get(views, caller{}, branch_id{424242}));
    CHECK(e.status == 404);
    CHECK(e.message == "Branch not found");
  }
}

// ------------------------------------------------------------------ 6.3 categories

TEST_CASE("catalog_queries: categories by name with product counts, folded search, detail") {
  ledger_spec spec;
  const spec_world w = spec.standard_world();
  const vietnamese_products v = add_vietnamese_products(spec);
  const view_state views = fold_spec_log(spec);

  const auto names_of = [](std::string_view json) {
    std::vector<std::string> names;
    for (std::string_view name : {"Bánh kẹo", "Đồ uống", "Gia vị", "Mì ăn liền"}) {
      const std::size_t at = json.find(fmt::format("\"name\":\"{}\"", name));
      if (at != std::string_view::npos) names.emplace_back(name);
    }
    std::sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) {
      return json.find("\"name\":\"" + a) < json.find("\"name\":\"" + b);
    });
    return names;
  };

  SUBCASE("all, accent-insensitive name order, with _count.products") {
    const std::string text = projections::categories_list(views, caller{}, "");
    CHECK(names_of(text) ==
          std::vector<std::string>{"Bánh kẹo", "Đồ uống", "Gia vị", "Mì ăn liền"});
    const category_record& noodles = *spec.model.find(v.noodles);
    CHECK(text.find(fill(R"({"id":"<id>","name":"Mì ăn liền","description":"Mì gói các loại",)"
                         R"("isActive":true,"createdAt":"<t>","updatedAt":"<t>",)"
                         R"("_count":{"products":1}})",
                         {{"id", views.uuid(entity_kind::category, v.noodles)},
                          {"t", iso(noodles.created_at_us)}})) != std::string::npos);
    CHECK(text.find(R"("name":"Đồ uống","description":null)") != std::string::npos);
    CHECK(count_of(text, R"("_count":{"products":3})") == 1);  // drinks
    CHECK(count_of(text, R"("_count":{"products":1})") == 3);  // snacks, seasoning, noodles
  }
  SUBCASE("search is a case- and accent-insensitive substring") {
    CHECK(names_of(projections::categories_list(views, caller{}, "đồ")) ==
          std::vector<std::string>{"Đồ uống"});
    CHECK(names_of(projections::categories_list(views, caller{}, "UỐNG")) ==
          std::vector<std::string>{"Đồ uống"});
    CHECK(names_of(projections::categories_list(views, caller{}, "an")) ==
          std::vector<std::string>{"Bánh kẹo", "Mì ăn liền"});
    CHECK(projections::categories_list(views, caller{}, "xyz") == "[]");
  }
  SUBCASE("detail lists the category's products by name") {
    const std::string text = body(projections::category_get(views, caller{}, w.drinks));
    const auto product = [&](product_id id, std::string_view sku, std::string_view name,
                             std::string_view price) {
      return fmt::format(R"({{"id":"{}","sku":"{}","name":"{}","sellingPrice":"{}","isActive":true}})",
                         views.uuid(entity_kind::product, id), sku, name, price);
    };
    CHECK(ends_with(text, "\"products\":[" +
                              product(w.cola, "SKU001", "Coca Cola 330ml", "10000") + "," +
                              product(w.pepsi, "SKU002", "Pepsi 330ml", "10000") + "," +
                              product(w.sting, "SKU003", "Sting Đỏ 330ml", "12000") + "]}"));
    CHECK(ends_with(body(projections::category_get(views, caller{}, v.seasoning)),
                    "\"products\":[" +
                        product(v.nam_ngu, "NM-NAMNGU-500", "Nước mắm Nam Ngư", "32500.5") +
                        "]}"));
    CHECK(projections::category_row_json(views, *spec.model.find(v.seasoning))
              .starts_with(R"({"id":")"));
    const query_error e = error_of(projections::category_get(views, caller{}, category_id{1}));
    CHECK(e.status == 404);
    CHECK(e.message == "Category not found");
  }
}

// ------------------------------------------------------------------ 6.4 products

TEST_CASE("catalog_queries: product search by folded name, sku, barcode, category and state") {
  ledger_spec spec;
  const spec_world w = spec.standard_world();
  const vietnamese_products v = add_vietnamese_products(spec);
  spec.run(w.admin, toggle_product_active{w.oreo});
  const view_state views = fold_spec_log(spec);
  using names = std::vector<std::string>;
  projections::product_search_filters f;

  SUBCASE("no filter: every product by folded name, exact paging numbers") {
    const std::string all = products_text(views, f, {1, 20});
    CHECK(product_names(all, spec) == names{"Coca Cola 330ml", "Mì gói Hảo Hảo 75g",
                                            "Nước mắm Nam Ngư", "Oreo 72g", "Pepsi 330ml",
                                            "Sting Đỏ 330ml"});
    CHECK(ends_with(all, paging_tail(6, 1, 20, "1")));
    const std::string second = products_text(views, f, {2, 2});
    CHECK(product_names(second, spec) == names{"Nước mắm Nam Ngư", "Oreo 72g"});
    CHECK(ends_with(second, paging_tail(6, 2, 2, "3")));
    const std::string one = products_text(views, f, {1, 1});
    CHECK(product_names(one, spec) == names{"Coca Cola 330ml"});
    CHECK(ends_with(one, paging_tail(6, 1, 1, "6")));
    CHECK(ends_with(products_text(views, f, {9, 2}), "\"data\":[" + paging_tail(6, 9, 2, "3")));
  }
  SUBCASE("limit 0 means 20, limits above 100 are capped") {
    CHECK(ends_with(products_text(views, f, {1, 0}), paging_tail(6, 1, 20, "1")));
    CHECK(ends_with(products_text(views, f, {1, 1000}), paging_tail(6, 1, 100, "1")));
  }
  SUBCASE("name: case- and accent-insensitive on both sides") {
    for (const char* query : {"hao hao", "HAO", "Hảo Hảo", "mi goi", "75G"}) {
      CAPTURE(query);
      f.name = query;
      const std::string text = products_text(views, f);
      CHECK(product_names(text, spec) == names{"Mì gói Hảo Hảo 75g"});
      CHECK(ends_with(text, paging_tail(1, 1, 20, "1")));
    }
    for (const char* query : {"nuoc mam", "Nước Mắm", "NAM NGU"}) {
      CAPTURE(query);
      f.name = query;
      CHECK(product_names(products_text(views, f), spec) == names{"Nước mắm Nam Ngư"});
    }
    f.name = "330";
    CHECK(product_names(products_text(views, f), spec) ==
          names{"Coca Cola 330ml", "Pepsi 330ml", "Sting Đỏ 330ml"});
    f.name = "đỏ";
    CHECK(product_names(products_text(views, f), spec) == names{"Sting Đỏ 330ml"});
    f.name = "phở";
    CHECK(products_text(views, f) == std::string(R"({"data":[)") + paging_tail(0, 1, 20, "0"));
  }
  SUBCASE("sku is case-insensitive, barcode case-sensitive") {
    f.sku = "mi-hh";
    CHECK(product_names(products_text(views, f), spec) == names{"Mì gói Hảo Hảo 75g"});
    f.sku = "sku00";
    CHECK(ends_with(products_text(views, f), paging_tail(4, 1, 20, "1")));
    f.sku.clear();
    f.barcode = "ABC";
    CHECK(product_names(products_text(views, f), spec) == names{"Mì gói Hảo Hảo 75g"});
    f.barcode = "abc";
    CHECK(product_names(products_text(views, f), spec) == names{"Nước mắm Nam Ngư"});
    f.barcode = "893";
    CHECK(ends_with(products_text(views, f), paging_tail(6, 1, 20, "1")));
  }
  SUBCASE("filters are AND-ed; categoryId is exact and text that is no category matches nothing") {
    f.name = "330";
    f.sku = "SKU00";
    f.category = views.uuid(entity_kind::category, w.drinks);
    CHECK(ends_with(products_text(views, f), paging_tail(3, 1, 20, "1")));
    f.barcode = "8934567890125";
    CHECK(product_names(products_text(views, f), spec) == names{"Sting Đỏ 330ml"});
    projections::product_search_filters by_category;
    by_category.category = views.uuid(entity_kind::category, w.snacks);
    CHECK(product_names(products_text(views, by_category), spec) == names{"Oreo 72g"});
    by_category.category = "not-a-uuid";
    CHECK(products_text(views, by_category) ==
          std::string(R"({"data":[)") + paging_tail(0, 1, 20, "0"));
    by_category.category = views.uuid(entity_kind::product, w.cola);  // a UUID of another kind
    CHECK(ends_with(products_text(views, by_category), paging_tail(0, 1, 20, "0")));
  }
  SUBCASE("isActive: only active or only inactive, with exact totals on later pages") {
    f.is_active = false;
    const std::string inactive = products_text(views, f);
    CHECK(product_names(inactive, spec) == names{"Oreo 72g"});
    CHECK(ends_with(inactive, paging_tail(1, 1, 20, "1")));
    f.is_active = true;
    const std::string third = products_text(views, f, {3, 2});
    CHECK(product_names(third, spec) == names{"Sting Đỏ 330ml"});
    CHECK(ends_with(third, paging_tail(5, 3, 2, "3")));
    f.name = "o";  // with a text filter the walk counts every match
    const std::string active_o = products_text(views, f, {1, 1});
    CHECK(product_names(active_o, spec) == names{"Coca Cola 330ml"});
    // coca cola, mi goi hao hao, nuoc mam nam ngu, sting do (oreo is inactive)
    CHECK(ends_with(active_o, paging_tail(4, 1, 1, "4")));
  }
  SUBCASE("an item: ProductRow + category + one stock entry per branch in code order") {
    spec.run(w.admin, receive_stock{v.hao_hao, 40, 0, {}, "", ""});  // admin is at BR-HQ
    const view_state later = fold_spec_log(spec);
    const product_record& p = *spec.model.find(v.hao_hao);
    const std::string row = fill(
        R"("id":"<id>","sku":"MI-HH-75","barcode":"893ABC001","name":"Mì gói Hảo Hảo 75g",)"
        R"("description":"Tôm chua cay","unit":"gói","costPrice":"3000","sellingPrice":"4500",)"
        R"("minStock":20,"maxStock":null,"isActive":true,"imageUrl":null,"taxRate":"10",)"
        R"("categoryId":"<cat>","createdAt":"<t>","updatedAt":"<t>",)"
        R"("category":{"id":"<cat>","name":"Mì ăn liền"})",
        {{"id", later.uuid(entity_kind::product, v.hao_hao)},
         {"cat", later.uuid(entity_kind::category, v.noodles)},
         {"t", iso(p.created_at_us)}});
    const auto stock = [&](branch_id b, int quantity, std::string_view name,
                           std::string_view code) {
      return fmt::format(R"({{"branchId":"{}","quantity":{},"branch":{{"name":"{}"{}}}}})",
                         later.uuid(entity_kind::branch, b), quantity, name,
                         code.empty() ? std::string() : fmt::format(R"(,"code":"{}")", code));
    };
    CHECK(body(projections::product_by_barcode(later, caller{}, "893ABC001")) ==
          "{" + row + ",\"inventoryStocks\":[" +
              stock(w.central, 0, "Chi nhánh Trung tâm", "") + "," +
              stock(w.tan_binh, 0, "Chi nhánh Tân Bình", "") + "," +
              stock(w.hq, 40, "Trụ sở chính (Kho tổng)", "") + "]}");
    CHECK(body(projections::product_get(later, caller{}, v.hao_hao)) ==
          "{" + row + ",\"inventoryStocks\":[" +
              stock(w.central, 0, "Chi nhánh Trung tâm", "BR-001") + "," +
              stock(w.tan_binh, 0, "Chi nhánh Tân Bình", "BR-002") + "," +
              stock(w.hq, 40, "Trụ sở chính (Kho tổng)", "BR-HQ") + "]}");
    f.name = "hao";
    CHECK(products_text(later, f) == "{\"data\":[{" + row + ",\"inventoryStocks\":[" +
                                         stock(w.central, 0, "Chi nhánh Trung tâm", "") + "," +
                                         stock(w.tan_binh, 0, "Chi nhánh Tân Bình", "") + "," +
                                         stock(w.hq, 40, "Trụ sở chính (Kho tổng)", "") + "]}" +
                                         paging_tail(1, 1, 20, "1"));
    CHECK(projections::product_row_json(later, p) == "{" + row + "}");
    const std::string plain = projections::product_plain_row_json(later, p);
    CHECK(plain.find("\"category\"") == std::string::npos);
    CHECK(ends_with(plain, fmt::format(R"("updatedAt":"{}"}})", iso(p.updated_at_us))));
    // The default unit and tax rate, and a fractional price.
    const std::string nam = projections::product_plain_row_json(later, *spec.model.find(v.nam_ngu));
    CHECK(nam.find(R"("description":null,"unit":"cái","costPrice":"25000","sellingPrice":"32500.5",)")
          != std::string::npos);
    CHECK(nam.find(R"("taxRate":"8")") != std::string::npos);
  }
  SUBCASE("barcode lookup is exact and case-sensitive; unknown ids are 404") {
    const query_error by_code = error_of(projections::product_by_barcode(views, caller{}, "893abc001"));
    CHECK(by_code.status == 404);
    CHECK(by_code.message == "Product not found for this barcode");
    CHECK(error_of(projections::product_by_barcode(views, caller{}, "893ABC")).status == 404);
    // Inactive products are found too.
    CHECK(body(projections::product_by_barcode(views, caller{}, "8934567890127"))
              .find(R"("name":"Oreo 72g")") != std::string::npos);
    const query_error by_id = error_of(projections::product_get(views, caller{}, product_id{777777}));
    CHECK(by_id.status == 404);
    CHECK(by_id.message == "Product not found");
  }
}

// ------------------------------------------------------------------ 6.5 suppliers

TEST_CASE("catalog_queries: suppliers by name with search on name, code and phone; detail") {
  ledger_spec spec;
  const spec_world w = spec.standard_world();
  const supplier_id milk = supplier_id{single_event<events::supplier_created>(
                                           spec.run(w.admin, create_supplier{"SUP-002", "Công ty Sữa Việt", "", "0281234567", "sales@suaviet.vn", ""}))
                                           .supplier_id};
  std::vector<purchase_order_id> orders;
  for (int i = 1; i <= 11; ++i) {
    const decision d = spec.run(
        w.inventory, create_purchase_order{w.beverages, {{w.cola, i, vnd(4500)}}, "", {}, ""});
    orders.push_back(purchase_order_id{single_event<events::purchase_order_created>(d).purchase_order_id});
  }
  // The second order is approved and half received: PARTIAL, with one goods receipt.
  spec.run(w.manager, approve_purchase_order{orders[1]});
  const purchase_order_record& second = *spec.model.find(orders[1]);
  spec.run(w.inventory, receive_goods{orders[1], w.beverages, {{second.lines[0].id, w.cola, 1, vnd(4500)}}, ""});
  const view_state views = fold_spec_log(spec);

  const auto names_of = [&](std::string_view json) {
    std::vector<std::string> names;
    for (std::string_view name : {"Công ty Sữa Việt", "Công ty TNHH Nước giải khát Sài Gòn"}) {
      if (json.find(fmt::format("\"name\":\"{}\"", name)) != std::string_view::npos) {
        names.emplace_back(name);
      }
    }
    if (names.size() == 2 && json.find(names[0]) > json.find(names[1])) std::swap(names[0], names[1]);
    return names;
  };
  using names = std::vector<std::string>;

  SUBCASE("list: a bare array of SupplierRow by folded name") {
    const std::string text = projections::suppliers_list(views, caller{}, "");
    CHECK(names_of(text) == names{"Công ty Sữa Việt", "Công ty TNHH Nước giải khát Sài Gòn"});
    const supplier_record& s = *spec.model.find(milk);
    CHECK(text.starts_with(fill(
        R"([{"id":"<id>","code":"SUP-002","name":"Công ty Sữa Việt","contactPerson":null,)"
        R"("phone":"0281234567","email":"sales@suaviet.vn","address":null,"isActive":true,)"
        R"("createdAt":"<t>","updatedAt":"<t>"},{)",
        {{"id", views.uuid(entity_kind::supplier, milk)}, {"t", iso(s.created_at_us)}})));
  }
  SUBCASE("search: name folded, code case-insensitive, phone substring (OR)") {
    CHECK(names_of(projections::suppliers_list(views, caller{}, "sup-002")) == names{"Công ty Sữa Việt"});
    CHECK(names_of(projections::suppliers_list(views, caller{}, "SUP")) ==
          names{"Công ty Sữa Việt", "Công ty TNHH Nước giải khát Sài Gòn"});
    CHECK(names_of(projections::suppliers_list(views, caller{}, "sữa")) == names{"Công ty Sữa Việt"});
    CHECK(names_of(projections::suppliers_list(views, caller{}, "NUOC GIAI")) ==
          names{"Công ty TNHH Nước giải khát Sài Gòn"});
    CHECK(names_of(projections::suppliers_list(views, caller{}, "0908888")) ==
          names{"Công ty TNHH Nước giải khát Sài Gòn"});
    CHECK(projections::suppliers_list(views, caller{}, "nobody") == "[]");
  }
  SUBCASE("detail: the 10 most recent orders as PORow and both counts") {
    const std::string text = body(projections::supplier_get(views, caller{}, w.beverages));
    CHECK(count_of(text, "\"poNumber\"") == 10);
    CHECK(ends_with(text, R"(],"_count":{"purchaseOrders":11,"goodsReceipts":1}})"));
    const auto& newest = views.procurement.orders.back();
    CHECK(text.find(fill(
              R"("purchaseOrders":[{"id":"<id>","poNumber":"<no>","status":"PENDING_APPROVAL",)"
              R"("notes":null,"totalCost":"49500","supplierId":"<sup>","createdById":"<by>",)"
              R"("approvedById":null,"approvedAt":null,"createdAt":"<t>","updatedAt":"<t>"},)",
              {{"id", views.uuid(entity_kind::purchase_order, orders[10])},
               {"no", newest.po_number},
               {"sup", views.uuid(entity_kind::supplier, w.beverages)},
               {"by", views.uuid(entity_kind::user, w.inventory)},
               {"t", iso(newest.created_at_us)}})) != std::string::npos);
    const auto* partial = views.procurement.find(orders[1]);
    REQUIRE(partial != nullptr);
    CHECK(text.find(fill(R"("status":"PARTIAL","notes":null,"totalCost":"9000",)"
                         R"("supplierId":"<sup>","createdById":"<by>","approvedById":"<mgr>",)"
                         R"("approvedAt":"<at>",)",
                         {{"sup", views.uuid(entity_kind::supplier, w.beverages)},
                          {"by", views.uuid(entity_kind::user, w.inventory)},
                          {"mgr", views.uuid(entity_kind::user, w.manager)},
                          {"at", iso(partial->approved_at_us)}})) != std::string::npos);
    // The oldest order is the 11th most recent: not shown.
    CHECK(text.find(views.procurement.find(orders[0])->po_number) == std::string::npos);
    CHECK(position_of(text, views.procurement.find(orders[2])->po_number) <
          position_of(text, views.procurement.find(orders[1])->po_number));
    CHECK(ends_with(body(projections::supplier_get(views, caller{}, milk)),
                    R"("purchaseOrders":[],"_count":{"purchaseOrders":0,"goodsReceipts":0}})"));
    CHECK(projections::supplier_row_json(views, *spec.model.find(milk)).starts_with(
        fmt::format(R"({{"id":"{}","code":"SUP-002")", views.uuid(entity_kind::supplier, milk))));
    const query_error e = error_of(projections::supplier_get(views, caller{}, supplier_id{5}));
    CHECK(e.status == 404);
    CHECK(e.message == "Supplier not found");
  }
}

// ------------------------------------------------------------------ 6.6 customers, 8.14 loyalty

TEST_CASE("catalog_queries: customers newest first, paged and searched by name or phone") {
  ledger_spec spec;
  const spec_world w = spec.standard_world();
  const customer_id cuong = customer_id{single_event<events::customer_created>(
                                            spec.run(w.cashier, create_customer{"Lê Văn Cường", "0903333333", "cuong@example.vn"}))
                                            .customer_id};
  const view_state views = fold_spec_log(spec);
  const auto list = [&](std::string_view search, page_request paging) {
    return projections::customers_list(views, caller{}, search, paging);
  };
  const auto names_of = [](std::string_view json) {
    std::vector<std::pair<std::size_t, std::string>> found;
    for (std::string_view name : {"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"}) {
      const std::size_t at = json.find(fmt::format("\"name\":\"{}\"", name));
      if (at != std::string_view::npos) found.emplace_back(at, name);
    }
    std::sort(found.begin(), found.end());
    std::vector<std::string> names;
    for (auto& [at, name] : found) names.push_back(name);
    return names;
  };
  using names = std::vector<std::string>;

  SUBCASE("createdAt descending with exact paging; no cap on limit") {
    const customer_record& c = *spec.model.find(cuong);
    const std::string all = list("", {1, 20});
    CHECK(all.starts_with(fill(
        R"({"data":[{"id":"<id>","name":"Lê Văn Cường","phone":"0903333333",)"
        R"("email":"cuong@example.vn","totalPoints":0,"totalSpent":"0","registerAt":"<t>",)"
        R"("createdAt":"<t>","updatedAt":"<t>"},{)",
        {{"id", views.uuid(entity_kind::customer, cuong)}, {"t", iso(c.created_at_us)}})));
    CHECK(names_of(all) == names{"Lê Văn Cường", "Trần Thị Bình", "Nguyễn Văn An"});
    CHECK(ends_with(all, paging_tail(3, 1, 20, "1")));
    const std::string second = list("", {2, 2});
    CHECK(names_of(second) == names{"Nguyễn Văn An"});
    CHECK(ends_with(second, paging_tail(3, 2, 2, "2")));
    CHECK(ends_with(list("", {1, 500}), paging_tail(3, 1, 500, "1")));
    CHECK(list("", {1, 0}) == std::string(R"({"data":[)") + paging_tail(3, 1, 0, "null"));
    CHECK(list("", {5, 2}) == std::string(R"({"data":[)") + paging_tail(3, 5, 2, "2"));
  }
  SUBCASE("search: folded name substring OR phone substring") {
    CHECK(names_of(list("an", {1, 20})) ==
          names{"Lê Văn Cường", "Trần Thị Bình", "Nguyễn Văn An"});  // vAN, trAN, vAN
    CHECK(names_of(list("cuong", {1, 20})) == names{"Lê Văn Cường"});
    CHECK(names_of(list("CƯỜNG", {1, 20})) == names{"Lê Văn Cường"});
    CHECK(names_of(list("Bình", {1, 20})) == names{"Trần Thị Bình"});
    CHECK(names_of(list("0902", {1, 20})) == names{"Trần Thị Bình"});
    const std::string phones = list("090", {1, 2});
    CHECK(names_of(phones) == names{"Lê Văn Cường", "Trần Thị Bình"});
    CHECK(ends_with(phones, paging_tail(3, 1, 2, "2")));
    CHECK(list("zzz", {1, 20}) == std::string(R"({"data":[)") + paging_tail(0, 1, 20, "0"));
  }
  SUBCASE("customer row renderer") {
    CHECK(projections::customer_row_json(views, *spec.model.find(w.an))
              .find(R"("name":"Nguyễn Văn An","phone":"0901111111","email":null,)") !=
          std::string::npos);
  }
}

TEST_CASE("catalog_queries: customer detail with sales, lines, payments and loyalty rows") {
  ledger_spec spec;
  const spec_world w = spec.standard_world();
  // 10 Oreo at 15000 + 8 % = 162000.00 for An: 1 point (1 per 100000.00).
  spec.run(w.cashier, add_cart_line{w.oreo, 10});
  check_out_cart checkout;
  checkout.customer = w.an;
  checkout.tenders = {tender{payment_method::CASH, vnd(200000), ""}};
  const decision sold = spec.run(w.cashier, checkout);
  const sale_id sale{single_event<events::sale_completed>(sold).sale_id};
  REQUIRE(spec.model.find(w.an)->total_points == 1);
  // All 10 returned: 150000.00 refunded takes the point back (REDEEMED, no sale id).
  const sale_line_id line = spec.model.find(sale)->lines.at(0).id;
  spec.run(w.manager, return_sale{sale, "hỏng", {{line, 10, ""}}});
  REQUIRE(spec.model.find(w.an)->total_points == 0);
  // 11 small sales for Bình (no points: 10800.00 each).
  for (int i = 0; i < 11; ++i) {
    spec.run(w.cashier, record_sale{{{w.cola, 1}}, w.binh, 0, "", {{payment_method::BANK_TRANSFER, vnd(10800), fmt::format("FT{}", i)}}});
  }
  const view_state views = fold_spec_log(spec);
  const projections::sale_view& an_sale = *views.sales.find(sale);
  REQUIRE(views.loyalty.txns.size() == 2);

  const std::string sale_text = fill(
      R"({"id":"<sale>","invoiceNo":"<inv>","subtotal":"150000","taxAmount":"12000",)"
      R"("discountAmount":"0","totalAmount":"162000","status":"RETURNED","notes":null,)"
      R"("returnDeadline":"<deadline>","branchId":"<branch>","cashierId":"<cashier>",)"
      R"("customerId":"<an>","cancelledById":null,"cancelledAt":null,"cancelReason":null,)"
      R"("createdAt":"<t>","updatedAt":"<returned>","items":[{"id":"<line>","quantity":10,)"
      R"("unitPrice":"15000","costPrice":"8000","discount":"0","subtotal":"150000",)"
      R"("saleId":"<sale>","productId":"<oreo>","product":{"name":"Oreo 72g"}}],)"
      R"("payments":[{"id":"<payment>","method":"CASH","amount":"200000","reference":null,)"
      R"("changeDue":"38000","saleId":"<sale>","createdAt":"<t>"}]})",
      {{"sale", views.uuid(entity_kind::sale, sale)},
       {"inv", an_sale.invoice_number},
       {"deadline", iso(an_sale.return_deadline_us)},
       {"branch", views.uuid(entity_kind::branch, w.central)},
       {"cashier", views.uuid(entity_kind::user, w.cashier)},
       {"an", views.uuid(entity_kind::customer, w.an)},
       {"t", iso(an_sale.created_at_us)},
       {"returned", iso(views.sales.returns.at(0).created_at_us)},
       {"line", views.uuid(entity_kind::sale_line, line)},
       {"oreo", views.uuid(entity_kind::product, w.oreo)},
       {"payment", views.uuid(entity_kind::payment, an_sale.payments.at(0).id)}});
  CHECK(an_sale.return_deadline_us == an_sale.created_at_us + std::int64_t{7} * 86'400'000'000);

  SUBCASE("by phone: CustomerRow + its sales with lines and payments") {
    const customer_record& an = *spec.model.find(w.an);
    CHECK(body(projections::customer_by_phone(views, caller{}, "0901111111")) ==
          fill(R"({"id":"<an>","name":"Nguyễn Văn An","phone":"0901111111","email":null,)"
               R"("totalPoints":0,"totalSpent":"162000","registerAt":"<c>","createdAt":"<c>",)"
               R"("updatedAt":"<u>","sales":[<sale>]})",
               {{"an", views.uuid(entity_kind::customer, w.an)},
                {"c", iso(an.created_at_us)},
                {"u", iso(an.updated_at_us)},
                {"sale", sale_text}}));
    const query_error e = error_of(projections::customer_by_phone(views, caller{}, "090111111"));
    CHECK(e.status == 404);
    CHECK(e.message == "Customer not found for this phone");
  }
  SUBCASE("by id: the sales plus every loyalty row, newest first") {
    const projections::loyalty_txn_view& earned = views.loyalty.txns.at(0);
    const projections::loyalty_txn_view& redeemed = views.loyalty.txns.at(1);
    const std::string loyalty = fill(
        R"("loyaltyTxns":[{"id":"<r>","points":-1,"type":"REDEEMED","reference":"<ret>",)"
        R"("customerId":"<an>","saleId":null,"createdAt":"<rt>"},{"id":"<e>","points":1,)"
        R"("type":"EARNED","reference":"<inv>","customerId":"<an>","saleId":"<sale>",)"
        R"("createdAt":"<et>"}]})",
        {{"r", views.uuid(entity_kind::loyalty_transaction, redeemed.number)},
         {"ret", views.sales.returns.at(0).return_number},
         {"an", views.uuid(entity_kind::customer, w.an)},
         {"rt", iso(redeemed.at_us)},
         {"e", views.uuid(entity_kind::loyalty_transaction, earned.number)},
         {"inv", an_sale.invoice_number},
         {"sale", views.uuid(entity_kind::sale, sale)},
         {"et", iso(earned.at_us)}});
    const std::string text = body(projections::customer_get(views, caller{}, w.an));
    CHECK(ends_with(text, "\"sales\":[" + sale_text + "]," + loyalty));
    const query_error e = error_of(projections::customer_get(views, caller{}, customer_id{31337}));
    CHECK(e.status == 404);
    CHECK(e.message == "Customer not found");
  }
  SUBCASE("5 most recent sales by phone, 10 by id, newest first") {
    const auto invoice = [&](std::size_t from_end) {
      return views.sales.sales.at(views.sales.sales.size() - 1 - from_end).invoice_number;
    };
    const std::string by_phone = body(projections::customer_by_phone(views, caller{}, "0902222222"));
    CHECK(count_of(by_phone, "\"invoiceNo\"") == 5);
    CHECK(count_of(by_phone, R"("product":{"name":"Coca Cola 330ml"})") == 5);
    CHECK(count_of(by_phone, R"("method":"BANK_TRANSFER","amount":"10800","reference":"FT)") == 5);
    CHECK(position_of(by_phone, invoice(0)) < position_of(by_phone, invoice(4)));
    CHECK(by_phone.find(invoice(5)) == std::string::npos);
    const std::string by_id = body(projections::customer_get(views, caller{}, w.binh));
    CHECK(count_of(by_id, "\"invoiceNo\"") == 10);
    CHECK(position_of(by_id, invoice(0)) < position_of(by_id, invoice(9)));
    CHECK(by_id.find(invoice(10)) == std::string::npos);
    CHECK(ends_with(by_id, R"("loyaltyTxns":[]})"));
    CHECK(by_id.find(R"("totalPoints":0,"totalSpent":"0")") != std::string::npos);
  }
}

}  // TEST_SUITE
}  // namespace ledger::testing
