// Demo data (api-contract section 12), as ordinary commands.
//
// Deviations, all deliberate:
//   * opening stock (12.5) is deterministic: goods are received at the central warehouse
//     (BR-HQ) and distributed by transfers, so HQ holds 150 and every other branch 60 of each
//     product, and the history shows where the stock came from;
//   * PO-SAMPLE-001 (12.10) has one line (1000 x Coca Cola at 5000 = 5,000,000, its stated
//     total) instead of none, so it can be received against.
#include "api/demo_data.h"

#include <sodium.h>

#include <fmt/format.h>

#include "api/password.h"
#include "events/money.h"

namespace ledger::api {
namespace {

using namespace ledger::engine;

class seeder {
 public:
  explicit seeder(command_processor& processor) : processor_(processor) {}

  // Runs a command as `actor`; remembers the first failure.
  command_outcome run(user_id actor, command body) {
    command_outcome outcome = processor_.submit(command_request{actor, {}, std::move(body)}).get();
    if (!outcome.ok() && error.empty()) {
      error = fmt::format("{}: {}", name_of(body), outcome.rejected ? outcome.rejected->message : "");
    }
    return outcome;
  }

  // A copy of the first event of type E (the outcome is usually a temporary).
  template <class E>
  std::optional<E> first(const command_outcome& outcome) {
    for (const auto& e : outcome.events) {
      if (const E* typed = std::get_if<E>(&e)) return *typed;
    }
    if (error.empty()) error = "expected event missing";
    return std::nullopt;
  }

  std::string error;

 private:
  command_processor& processor_;
};

struct product_row {
  const char* sku;
  const char* barcode;
  const char* name;
  const char* unit;
  std::int64_t cost;
  std::int64_t price;
  std::int32_t min_stock;
  int category;
};

constexpr product_row products[] = {
    {"SKU001", "8934567890123", "Coca Cola 330ml", "lon", 5000, 10000, 50, 0},
    {"SKU002", "8934567890124", "Pepsi 330ml", "lon", 5000, 10000, 50, 0},
    {"SKU003", "8934567890125", "Sting Đỏ 330ml", "lon", 6000, 12000, 30, 0},
    {"SKU004", "8934567890126", "Nước suối Lavie 500ml", "chai", 3000, 6000, 100, 0},
    {"SKU005", "8934567890127", "Oreo 72g", "gói", 8000, 15000, 30, 1},
    {"SKU006", "8934567890128", "Snack Poca 45g", "gói", 5000, 10000, 40, 1},
    {"SKU007", "8934567890129", "Kẹo Chupa Chups", "cái", 2000, 5000, 100, 1},
    {"SKU008", "8934567890130", "Sữa tươi TH True Milk 1L", "hộp", 25000, 38000, 20, 2},
    {"SKU009", "8934567890131", "Sữa chua Vinamilk", "hộp", 4000, 8000, 50, 2},
    {"SKU010", "8934567890132", "Sữa đặc Ông Thọ 380g", "lon", 18000, 28000, 15, 2},
    {"SKU011", "8934567890133", "Mì gói Hảo Hảo 75g", "gói", 3000, 5000, 200, 3},
    {"SKU012", "8934567890134", "Cá hộp 3 Cô Gái 155g", "hộp", 15000, 25000, 20, 3},
    {"SKU013", "8934567890135", "Nước tương Tam Thái Tử 500ml", "chai", 12000, 20000, 15, 3},
    {"SKU014", "8934567890136", "Dầu ăn Tường An 1L", "chai", 28000, 42000, 10, 3},
    {"SKU015", "8934567890137", "Kem đánh răng P/S 175g", "tuýp", 15000, 25000, 20, 4},
    {"SKU016", "8934567890138", "Dầu gội Sunsilk 180ml", "chai", 22000, 35000, 15, 4},
    {"SKU017", "8934567890139", "Xà bông Lifebuoy 90g", "bánh", 7000, 13000, 30, 4},
    {"SKU018", "8934567890140", "Nước rửa chén Sunlight 750ml", "chai", 18000, 30000, 15, 5},
    {"SKU019", "8934567890141", "Nước giặt Omo 1.5L", "chai", 45000, 68000, 10, 5},
    {"SKU020", "8934567890142", "Khăn giấy ướt Bobby 50 tờ", "gói", 8000, 15000, 30, 5},
};

constexpr std::int32_t hq_opening_stock = 150;
constexpr std::int32_t branch_opening_stock = 60;

}  // namespace

std::string seed_demo_data(command_processor& processor) {
  if (sodium_init() < 0) return "libsodium failed to initialize";
  if (processor.head_sequence() != 0) return "the ledger is not empty";
  const auto password = hash_password("password123");
  if (!password) return "cannot hash the demo password";
  seeder s(processor);

  std::uint64_t ledger_namespace = 0;
  randombytes_buf(&ledger_namespace, sizeof ledger_namespace);
  ledger_namespace &= ledger_namespace_mask;
  if (ledger_namespace == 0) ledger_namespace = 1;
  auto init = s.run(user_id{}, initialize_ledger{ledger_namespace, "VND", "admin@pos.com",
                                                 *password, "Super Admin"});
  const auto admin_created = s.first<events::user_created>(init);
  if (!admin_created) return s.error;
  const user_id admin{admin_created->user_id};

  struct branch_row {
    const char* code;
    const char* name;
    const char* address;
    const char* phone;
  };
  constexpr branch_row branch_rows[] = {
      {"BR-HQ", "Trụ sở chính (Kho tổng)", "123 Nguyễn Huệ, Q.1, TP.HCM", "0281234567"},
      {"BR-001", "Chi nhánh Trung tâm", "456 Lê Lợi, Q.1, TP.HCM", "0282345678"},
      {"BR-002", "Chi nhánh Tân Bình", "789 Cộng Hòa, Tân Bình, TP.HCM", "0283456789"},
      {"BR-003", "Chi nhánh Thủ Đức", "321 Võ Văn Ngân, Thủ Đức, TP.HCM", "0284567890"},
      {"BR-004", "Chi nhánh Bình Thạnh", "159 Phạm Văn Đồng, Bình Thạnh, TP.HCM", "0285678901"},
  };
  std::vector<branch_id> branches;
  for (const auto& row : branch_rows) {
    const auto created =
        s.first<events::branch_created>(s.run(admin, create_branch{row.code, row.name, row.address, row.phone}));
    if (!created) return s.error;
    branches.push_back(branch_id{created->branch_id});
  }
  const branch_id hq = branches[0];
  const branch_id central = branches[1];

  update_user admin_profile;
  admin_profile.user = admin;
  admin_profile.phone = "0900000001";
  admin_profile.branch = std::optional<branch_id>{hq};
  s.run(admin, admin_profile);

  struct user_row {
    const char* email;
    user_role role;
    const char* full_name;
    const char* phone;
    std::optional<branch_id> branch;
  };
  const user_row user_rows[] = {
      {"owner@pos.com", user_role::OWNER, "Chủ cửa hàng", "0900000002", std::nullopt},
      {"manager@pos.com", user_role::BRANCH_MANAGER, "Quản lý chi nhánh", "0900000003", central},
      {"cashier1@pos.com", user_role::CASHIER, "Thu ngân 1", "0900000004", central},
      {"cashier2@pos.com", user_role::CASHIER, "Thu ngân 2", "0900000005", central},
      {"inventory@pos.com", user_role::INVENTORY_STAFF, "Nhân viên kho", "0900000006", hq},
  };
  for (const auto& row : user_rows) {
    s.run(admin, create_user{row.email, *password, row.full_name, row.phone, row.role, row.branch});
  }

  constexpr std::pair<const char*, const char*> category_rows[] = {
      {"Đồ uống", "Nước ngọt, nước khoáng, bia, rượu"},
      {"Bánh kẹo", "Bánh, kẹo, snack"},
      {"Sữa", "Sữa tươi, sữa chua, sữa đặc"},
      {"Thực phẩm", "Mì gói, đồ hộp, gia vị"},
      {"Vệ sinh cá nhân", "Xà phòng, dầu gội, kem đánh răng"},
      {"Vật dụng gia đình", "Chén, đĩa, dao, thớt"},
  };
  std::vector<category_id> categories;
  for (const auto& [name, description] : category_rows) {
    const auto created = s.first<events::category_created>(s.run(admin, create_category{name, description}));
    if (!created) return s.error;
    categories.push_back(category_id{created->category_id});
  }

  std::vector<product_id> product_ids;
  for (const auto& row : products) {
    create_product c;
    c.sku = row.sku;
    c.barcode = row.barcode;
    c.name = row.name;
    c.unit = row.unit;
    c.cost_price = row.cost * money::minor_per_unit;
    c.selling_price = row.price * money::minor_per_unit;
    c.min_stock = row.min_stock;
    c.category = categories[static_cast<std::size_t>(row.category)];
    const auto created = s.first<events::product_created>(s.run(admin, c));
    if (!created) return s.error;
    product_ids.push_back(product_id{created->product_id});
  }

  // Opening stock: received at the central warehouse, then distributed by transfers.
  const std::int32_t received = hq_opening_stock +
                                branch_opening_stock * static_cast<std::int32_t>(branches.size() - 1);
  for (std::size_t i = 0; i < product_ids.size(); ++i) {
    s.run(admin, receive_stock{product_ids[i], received, products[i].cost * money::minor_per_unit,
                               supplier_id{}, "OPENING-STOCK", "Opening stock"});
  }
  for (std::size_t b = 1; b < branches.size(); ++b) {
    transfer_stock transfer;
    transfer.source = hq;
    transfer.destination = branches[b];
    transfer.notes = "Opening stock";
    for (const product_id p : product_ids) transfer.lines.push_back({p, branch_opening_stock});
    s.run(admin, transfer);
  }

  s.run(admin, create_customer{"Nguyễn Văn An", "0901111111", "an.nguyen@gmail.com"});
  s.run(admin, create_customer{"Trần Thị Bình", "0902222222", "binh.tran@gmail.com"});
  s.run(admin, set_loyalty_rule{100000 * money::minor_per_unit, 1000 * money::minor_per_unit});

  const set_system_setting settings[] = {
      {"vat_rate", "8.00", "tax", "VAT rate (%)"},
      {"currency", "VND", "general", "Default currency"},
      {"return_days", "7", "policy", "Return period (days)"},
      {"company_name", "POS Minimart Chain", "general", "Company name"},
  };
  for (const auto& setting : settings) s.run(admin, setting);

  struct supplier_row {
    const char* code;
    const char* name;
    const char* contact;
    const char* phone;
    const char* email;
    const char* address;
  };
  constexpr supplier_row supplier_rows[] = {
      {"SUP-001", "Công ty TNHH Nước giải khát Sài Gòn", "Nguyễn Văn B", "0908888881",
       "contact@saigonbev.com", "123 Nguyễn Tất Thành, Q.4, TP.HCM"},
      {"SUP-002", "Công ty CP Thực phẩm ABC", "Trần Văn C", "0908888882", "info@abcfood.vn",
       "456 Lý Thường Kiệt, Q.10, TP.HCM"},
      {"SUP-003", "Công ty TNHH Sữa Việt Nam", "Lê Thị D", "0908888883", "sales@vinamilk.vn",
       "789 Nguyễn Đình Chiểu, Q.3, TP.HCM"},
  };
  supplier_id first_supplier;
  for (const auto& row : supplier_rows) {
    const auto created = s.first<events::supplier_created>(s.run(
        admin, create_supplier{row.code, row.name, row.contact, row.phone, row.email, row.address}));
    if (!created) return s.error;
    if (!first_supplier) first_supplier = supplier_id{created->supplier_id};
  }

  create_purchase_order order;
  order.supplier = first_supplier;
  order.lines.push_back({product_ids[0], 1000, 5000 * money::minor_per_unit});
  order.notes = "Đơn hàng mẫu";
  order.po_number = "PO-SAMPLE-001";
  const auto created = s.first<events::purchase_order_created>(s.run(admin, order));
  if (!created) return s.error;
  s.run(admin, approve_purchase_order{purchase_order_id{created->purchase_order_id}});
  return s.error;
}

}  // namespace ledger::api
