#include "tests/support/spec.h"

#include "events/money.h"

namespace ledger::testing {

spec_world ledger_spec::standard_world() {
  spec_world w;
  w.admin = admin;
  auto make_branch = [&](const char* code, const char* name) {
    const decision d = run(admin, create_branch{code, name, "", ""});
    return branch_id{single_event<events::branch_created>(d).branch_id};
  };
  w.hq = make_branch("BR-HQ", "Trụ sở chính (Kho tổng)");
  w.central = make_branch("BR-001", "Chi nhánh Trung tâm");
  w.tan_binh = make_branch("BR-002", "Chi nhánh Tân Bình");
  run(admin, update_user{admin, {}, {}, {}, {}, {}, std::optional<branch_id>{w.hq}});
  auto user = [&](const char* email, user_role role, std::optional<branch_id> branch,
                  const char* name) {
    const decision d = run(admin, create_user{email, "argon2id$x", name, "", role, branch});
    return user_id{single_event<events::user_created>(d).user_id};
  };
  w.owner = user("owner@pos.com", user_role::OWNER, std::nullopt, "Chủ cửa hàng");
  w.manager = user("manager@pos.com", user_role::BRANCH_MANAGER, w.central, "Quản lý chi nhánh");
  w.cashier = user("cashier1@pos.com", user_role::CASHIER, w.central, "Thu ngân 1");
  w.cashier2 = user("cashier2@pos.com", user_role::CASHIER, w.central, "Thu ngân 2");
  w.inventory = user("inventory@pos.com", user_role::INVENTORY_STAFF, w.hq, "Nhân viên kho");
  auto category = [&](const char* name) {
    const decision d = run(admin, create_category{name, ""});
    return category_id{single_event<events::category_created>(d).category_id};
  };
  w.drinks = category("Đồ uống");
  w.snacks = category("Bánh kẹo");
  auto product = [&](const char* sku, const char* barcode, const char* name, std::int64_t cost,
                     std::int64_t price, category_id in) {
    create_product c;
    c.sku = sku;
    c.barcode = barcode;
    c.name = name;
    c.unit = "lon";
    c.cost_price = cost;
    c.selling_price = price;
    c.min_stock = 50;
    c.category = in;
    const decision d = run(admin, c);
    return product_id{single_event<events::product_created>(d).product_id};
  };
  w.cola = product("SKU001", "8934567890123", "Coca Cola 330ml", 500000, 1000000, w.drinks);
  w.pepsi = product("SKU002", "8934567890124", "Pepsi 330ml", 500000, 1000000, w.drinks);
  w.sting = product("SKU003", "8934567890125", "Sting Đỏ 330ml", 600000, 1200000, w.drinks);
  w.oreo = product("SKU005", "8934567890127", "Oreo 72g", 800000, 1500000, w.snacks);
  auto customer = [&](const char* name, const char* phone) {
    const decision d = run(admin, create_customer{name, phone, ""});
    return customer_id{single_event<events::customer_created>(d).customer_id};
  };
  w.an = customer("Nguyễn Văn An", "0901111111");
  w.binh = customer("Trần Thị Bình", "0902222222");
  const decision s = run(admin, create_supplier{"SUP-001", "Công ty TNHH Nước giải khát Sài Gòn",
                                                "Nguyễn Văn B", "0908888881", "", ""});
  w.beverages = supplier_id{single_event<events::supplier_created>(s).supplier_id};
  run(admin, set_loyalty_rule{10000000, 100000});
  // Stock: 100 of every product everywhere, given as facts (stock-in by the admin).
  for (branch_id b : {w.hq, w.central, w.tan_binh}) {
    for (product_id p : {w.cola, w.pepsi, w.sting, w.oreo}) {
      events::stock_received e;
      e.branch_id = b.value;
      e.product_id = p.value;
      e.quantity = 100;
      e.quantity_after = model.stock_of(b, p) + 100;
      given({e});
    }
  }
  return w;
}

}  // namespace ledger::testing
