#include "tests/support/random_history.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "engine/evolve.h"
#include "events/money.h"

namespace ledger::testing {
namespace {

constexpr std::int64_t second_us = 1'000'000;
constexpr std::int64_t hour_us = 3600 * second_us;

// Names for generated products and customers: Vietnamese with tone marks, capitals with
// diacritics first (they fold to plain ASCII for search order), one written decomposed (NFD).
constexpr const char* name_stems[] = {
    "Bánh mì Đặc biệt", "Nước mắm Phú Quốc", "Cà phê sữa đá", "Ổi xá lị", "Ếch đồng",
    "Ớt chỉ thiên",     "Đường phèn",        "Trà Ô Long",    "Kẹo dừa Bến Tre",
    "Sữa tươi Vinamilk", "Mì Hảo Hảo",       "Ăn vặt Tổng hợp",
    "Ca\xCC\x80 phe\xCC\x82 rang xay",  // "Cà phê" with combining grave and circumflex
    "Coca Cola 1.5L",
    // One name four ways: NFC, capitals, lower case, NFD. All fold to the same search key.
    "Cà phê sữa đá", "CÀ PHÊ SỮA ĐÁ", "cà phê sữa đá",
    "Ca\xCC\x80 phe\xCC\x82 su\xCC\x9B\xCC\x83" "a \xC4\x91" "a\xCC\x81",
};

template <class E>
const E* first_event(const std::vector<events::event>& events) {
  for (const auto& e : events) {
    if (const E* typed = std::get_if<E>(&e)) return typed;
  }
  return nullptr;
}

// The pre-discount or final total of a sale command, decided with generous cash.
template <class C>
std::optional<std::int64_t> probe_total(const write_model& model, user_id actor, C c,
                                        std::int64_t now_us) {
  c.tenders = {tender{payment_method::CASH, money::amount_max, ""}};
  const decision d = decide(model, c, command_context{actor, now_us});
  if (!d.accepted()) return std::nullopt;
  const auto* sale = first_event<events::sale_completed>(d.events);
  REQUIRE(sale != nullptr);
  return sale->total_amount;
}

}  // namespace

std::optional<std::uint64_t> property_seed_from_environment() {
  const char* text = std::getenv("POSLEDGER_PROPERTY_SEED");
  if (text == nullptr || *text == '\0') return std::nullopt;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 0);  // decimal or 0x-hex
  if (end == nullptr || *end != '\0') return std::nullopt;
  return static_cast<std::uint64_t>(value);
}

std::vector<std::uint64_t> property_seeds(std::initializer_list<std::uint64_t> fixed) {
  std::vector<std::uint64_t> seeds(fixed);
  if (const auto extra = property_seed_from_environment()) seeds.push_back(*extra);
  return seeds;
}

// ------------------------------------------------------------------ sinks

std::optional<std::vector<events::event>> spec_sink::send(user_id actor, const command& c,
                                                          std::int64_t now_us) {
  REQUIRE(now_us >= spec_.now_us);
  spec_.now_us = now_us;
  const decision d = spec_.when(actor, c);
  if (!d.accepted()) {
    ++refusals[fmt::format("{} / {}", name_of(c), name_of(d.rejected->code))];
    return std::nullopt;
  }
  return spec_.run(actor, c).events;  // decided again: decide is pure
}

std::optional<std::vector<events::event>> processor_sink::send(user_id actor, const command& c,
                                                               std::int64_t now_us) {
  clock_us_.store(now_us);
  engine::command_outcome outcome = processor_.submit(command_request{actor, {}, c}).get();
  if (outcome.result != engine::command_outcome::status::committed) return std::nullopt;
  REQUIRE(outcome.recorded_at_us == now_us);
  for (std::size_t i = 0; i < outcome.events.size(); ++i) {
    evolve(mirror_, outcome.events[i],
           event_context{outcome.first_sequence + i, outcome.recorded_at_us, {}});
  }
  if (!outcome.events.empty()) REQUIRE(mirror_.last_sequence == outcome.last_sequence);
  return std::move(outcome.events);
}

// ------------------------------------------------------------------ the world by commands

namespace {

// The standard world's records as data (tests/support/spec.cpp builds the same world from
// facts); each row names the spec_world member that receives the created id.
struct world_user {
  const char* email;
  user_role role;
  branch_id spec_world::*branch;  // nullptr: no branch
  const char* name;
  user_id spec_world::*slot;
};
constexpr world_user world_users[] = {
    {"owner@pos.com", user_role::OWNER, nullptr, "Chủ cửa hàng", &spec_world::owner},
    {"manager@pos.com", user_role::BRANCH_MANAGER, &spec_world::central, "Quản lý chi nhánh", &spec_world::manager},
    {"cashier1@pos.com", user_role::CASHIER, &spec_world::central, "Thu ngân 1", &spec_world::cashier},
    {"cashier2@pos.com", user_role::CASHIER, &spec_world::central, "Thu ngân 2", &spec_world::cashier2},
    {"inventory@pos.com", user_role::INVENTORY_STAFF, &spec_world::hq, "Nhân viên kho", &spec_world::inventory},
};

struct world_product {
  const char* sku;
  const char* barcode;
  const char* name;
  std::int64_t cost;
  std::int64_t price;
  category_id spec_world::*category;
  product_id spec_world::*slot;
};
constexpr world_product world_products[] = {
    {"SKU001", "8934567890123", "Coca Cola 330ml", 500000, 1000000, &spec_world::drinks, &spec_world::cola},
    {"SKU002", "8934567890124", "Pepsi 330ml", 500000, 1000000, &spec_world::drinks, &spec_world::pepsi},
    {"SKU003", "8934567890125", "Sting Đỏ 330ml", 600000, 1200000, &spec_world::drinks, &spec_world::sting},
    {"SKU005", "8934567890127", "Oreo 72g", 800000, 1500000, &spec_world::snacks, &spec_world::oreo},
};

}  // namespace

spec_world build_world(command_sink& sink) {
  std::int64_t now = std::max(sink.earliest_us(), spec_epoch_us);
  // Sends `c` (it must be accepted) and returns the id field of its event of type E.
  const auto created = [&]<class E>(user_id actor, const command& c, std::uint64_t E::*field) {
    const auto events = sink.send(actor, c, now);
    REQUIRE_MESSAGE(events.has_value(), name_of(c), " was refused while building the world");
    now = sink.earliest_us() + 1000;
    const E* e = first_event<E>(*events);
    REQUIRE(e != nullptr);
    return e->*field;
  };
  const auto run = [&](user_id actor, const command& c) {
    REQUIRE_MESSAGE(sink.send(actor, c, now).has_value(), name_of(c), " was refused");
    now = sink.earliest_us() + 1000;
  };
  spec_world w;
  w.admin = user_id{created(user_id{},
                            initialize_ledger{spec_namespace, "VND", "admin@pos.com",
                                              "argon2id$admin", "Super Admin"},
                            &events::user_created::user_id)};
  const std::pair<const char*, const char*> branches[] = {
      {"BR-HQ", "Trụ sở chính (Kho tổng)"}, {"BR-001", "Chi nhánh Trung tâm"}, {"BR-002", "Chi nhánh Tân Bình"}};
  branch_id spec_world::*const branch_slots[] = {&spec_world::hq, &spec_world::central, &spec_world::tan_binh};
  for (std::size_t i = 0; i < std::size(branches); ++i) {
    w.*branch_slots[i] = branch_id{created(w.admin, create_branch{branches[i].first, branches[i].second, "", ""},
                                           &events::branch_created::branch_id)};
  }
  const auto admin_at = [&](branch_id at) {
    run(w.admin, update_user{w.admin, {}, {}, {}, {}, {}, std::optional<branch_id>{at}});
  };
  admin_at(w.hq);
  for (const world_user& u : world_users) {
    const std::optional<branch_id> at = u.branch != nullptr ? std::optional<branch_id>{w.*u.branch} : std::nullopt;
    w.*u.slot = user_id{created(w.admin, create_user{u.email, "argon2id$x", u.name, "", u.role, at},
                                &events::user_created::user_id)};
  }
  w.drinks = category_id{created(w.admin, create_category{"Đồ uống", ""}, &events::category_created::category_id)};
  w.snacks = category_id{created(w.admin, create_category{"Bánh kẹo", ""}, &events::category_created::category_id)};
  for (const world_product& p : world_products) {
    create_product c;
    c.sku = p.sku;
    c.barcode = p.barcode;
    c.name = p.name;
    c.unit = "lon";
    c.cost_price = p.cost;
    c.selling_price = p.price;
    c.min_stock = 50;
    c.category = w.*p.category;
    w.*p.slot = product_id{created(w.admin, c, &events::product_created::product_id)};
  }
  w.an = customer_id{created(w.admin, create_customer{"Nguyễn Văn An", "0901111111", ""},
                             &events::customer_created::customer_id)};
  w.binh = customer_id{created(w.admin, create_customer{"Trần Thị Bình", "0902222222", ""},
                               &events::customer_created::customer_id)};
  w.beverages = supplier_id{created(w.admin,
                                    create_supplier{"SUP-001", "Công ty TNHH Nước giải khát Sài Gòn",
                                                    "Nguyễn Văn B", "0908888881", "", ""},
                                    &events::supplier_created::supplier_id)};
  run(w.admin, set_loyalty_rule{10000000, 100000});
  // Opening stock: 100 of every product at every branch, received by the admin on a tour.
  for (const branch_id at : {w.central, w.tan_binh, w.hq}) {
    admin_at(at);
    for (const world_product& p : world_products) {
      run(w.admin, receive_stock{w.*p.slot, 100, p.cost, supplier_id{}, "OPENING", ""});
    }
  }
  return w;
}

spec_world find_world(const write_model& model) {
  spec_world w;
  w.hq = model.branch_by_code.at("BR-HQ");
  w.central = model.branch_by_code.at("BR-001");
  w.tan_binh = model.branch_by_code.at("BR-002");
  w.admin = model.user_by_email.at("admin@pos.com");
  w.owner = model.user_by_email.at("owner@pos.com");
  w.manager = model.user_by_email.at("manager@pos.com");
  w.cashier = model.user_by_email.at("cashier1@pos.com");
  w.cashier2 = model.user_by_email.at("cashier2@pos.com");
  w.inventory = model.user_by_email.at("inventory@pos.com");
  w.cola = model.product_by_sku.at("SKU001");
  w.oreo = model.product_by_sku.at("SKU005");
  // Categories may have been renamed since: find them through products (never recategorised).
  w.drinks = model.products.at(w.cola).category;
  w.snacks = model.products.at(w.oreo).category;
  w.pepsi = model.product_by_sku.at("SKU002");
  w.sting = model.product_by_sku.at("SKU003");
  w.an = model.customer_by_phone.at("0901111111");
  w.binh = model.customer_by_phone.at("0902222222");
  w.beverages = model.supplier_by_code.at("SUP-001");
  return w;
}

// ------------------------------------------------------------------ the generator

random_history::random_history(std::uint64_t seed, const spec_world& world,
                               const write_model& model)
    : rng_(seed), world_(world) {
  // Whatever exists already (a history continued after a restart), in id order.
  const auto ids = [](const auto& map, auto& into) {
    for (const auto& [id, record] : map) into.push_back(id);
    std::sort(into.begin(), into.end());
  };
  ids(model.branches, branches_);
  ids(model.products, products_);
  ids(model.customers, customers_);
  ids(model.suppliers, suppliers_);
  ids(model.sales, sales_);
  ids(model.purchase_orders, orders_);
  staff_ = {world.cashier, world.cashier2, world.manager, world.admin, world.inventory};
  if (const auto it = model.user_by_email.find("cashier3@pos.com"); it != model.user_by_email.end()) {
    staff_.push_back(it->second);
  }
  created_ = model.last_entity_number;
  now_us_ = model.last_recorded_at_us;
}

std::int64_t random_history::between(std::int64_t low, std::int64_t high) {
  REQUIRE(low <= high);
  const auto span = static_cast<std::uint64_t>(high - low) + 1;
  return low + static_cast<std::int64_t>(rng_() % span);
}

int random_history::run(command_sink& sink, int commands) {
  int accepted = 0;
  for (int i = 0; i < commands; ++i) accepted += step(sink) ? 1 : 0;
  return accepted;
}

bool random_history::step(command_sink& sink) {
  advance_clock(sink);
  const planned p = next(sink.model());
  const auto events = sink.send(p.actor, p.body, now_us_);
  auto& counts = tally_[std::string{name_of(p.body)}];
  if (!events) {
    ++counts.second;
    return false;
  }
  ++counts.first;
  learn(*events);
  return true;
}

void random_history::advance_clock(const command_sink& sink) {
  const std::int64_t roll = between(1, 1000);
  if (roll <= 700) {
    now_us_ += between(1, 3000) * 1000;
  } else if (roll <= 950) {
    now_us_ += between(1, 1200) * second_us;
  } else if (roll <= 990) {
    now_us_ += between(1, 12) * hour_us;  // often across midnight UTC
  } else {
    now_us_ += between(5 * 24, 9 * 24) * hour_us;  // often beyond the return window
  }
  now_us_ = std::max(now_us_, sink.earliest_us());
}

void random_history::learn(const std::vector<events::event>& accepted) {
  for (const auto& e : accepted) {
    if (const auto* s = std::get_if<events::sale_completed>(&e)) sales_.push_back(sale_id{s->sale_id});
    if (const auto* p = std::get_if<events::purchase_order_created>(&e)) {
      orders_.push_back(purchase_order_id{p->purchase_order_id});
    }
    if (const auto* p = std::get_if<events::product_created>(&e)) products_.push_back(product_id{p->product_id});
    if (const auto* c = std::get_if<events::customer_created>(&e)) customers_.push_back(customer_id{c->customer_id});
    if (const auto* b = std::get_if<events::branch_created>(&e)) branches_.push_back(branch_id{b->branch_id});
    if (const auto* u = std::get_if<events::user_created>(&e)) staff_.push_back(user_id{u->user_id});
  }
}

user_id random_history::till_user() {
  // Mostly staff with a branch; the branchless owner now and then (refused).
  if (chance(3)) return world_.owner;
  return pick(staff_);
}

user_id random_history::stock_user() {
  const std::int64_t roll = between(1, 100);
  if (roll <= 40) return world_.inventory;
  if (roll <= 65) return world_.manager;
  if (roll <= 90) return world_.admin;
  return pick(staff_);
}

product_id random_history::some_product() {
  if (chance(2)) return product_id{999'999};  // no such product
  // The world's four products most of the time, so stock and carts meet.
  if (chance(70)) return pick(std::vector<product_id>{world_.cola, world_.pepsi, world_.sting, world_.oreo});
  return pick(products_);
}

std::optional<customer_id> random_history::some_customer() {
  const std::int64_t roll = between(1, 100);
  if (roll <= 40) return std::nullopt;
  if (roll <= 97) return pick(customers_);
  return customer_id{888'888};
}

std::int32_t random_history::some_quantity(std::int64_t available) {
  const std::int64_t roll = between(1, 100);
  if (roll <= 75) return static_cast<std::int32_t>(between(1, 4));
  if (roll <= 85) return static_cast<std::int32_t>(std::clamp<std::int64_t>(available, 0, 1000));
  if (roll <= 92) return static_cast<std::int32_t>(std::clamp<std::int64_t>(available + 1, 0, 1000));
  if (roll <= 97) return static_cast<std::int32_t>(between(5, 20));
  return static_cast<std::int32_t>(between(-1, 0));
}

sale_id random_history::some_sale() {
  if (sales_.empty() || chance(3)) return sale_id{777'777};
  const auto count = static_cast<std::int64_t>(sales_.size());
  if (chance(80)) {
    return sales_[static_cast<std::size_t>(count - 1 - between(0, std::min<std::int64_t>(count, 10) - 1))];
  }
  return pick(sales_);
}

// The same name with the case of some ASCII letters changed: another spelling with the same
// search key (UTF-8 bytes above 0x7F are kept), so search ties are broken by the raw name.
std::string random_history::respelled(std::string name) {
  for (char& c : name) {
    if (!chance(50)) continue;
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    } else if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return name;
}

std::string random_history::vietnamese_name() {
  ++created_;
  // Few suffixes, so equal names (and equal search keys) are common.
  return fmt::format("{} {}", name_stems[between(0, static_cast<std::int64_t>(std::size(name_stems)) - 1)], created_ % 7);
}

std::vector<tender> random_history::tenders_for(std::int64_t total) {
  const auto non_cash = [&] {
    return chance(50) ? payment_method::BANK_TRANSFER : payment_method::E_WALLET;
  };
  switch (between(0, 9)) {
    case 0:
    case 1:
    case 2: return {tender{payment_method::CASH, total, ""}};
    case 3: {
      // Cash rounded up to a 50 000.00 note: change is due.
      const std::int64_t note = 5'000'000;
      return {tender{payment_method::CASH, (total / note + 1) * note, ""}};
    }
    case 4: return {tender{non_cash(), total, "REF-1"}};
    case 5:
    case 6: {
      const std::int64_t cash = between(0, std::max<std::int64_t>(0, total - 1));
      return {tender{payment_method::CASH, cash, ""}, tender{non_cash(), total - cash, "REF-2"}};
    }
    case 7: {
      const std::int64_t half = total / 2;
      return {tender{payment_method::BANK_TRANSFER, half, "B"},
              tender{payment_method::E_WALLET, total - half, "W"}};
    }
    case 8: return {tender{payment_method::CASH, std::max<std::int64_t>(0, total - 1), ""}};  // short
    default: return {tender{payment_method::CASH, total, ""}, tender{non_cash(), 1, "X"}};  // refused
  }
}

// Picks a discount (often none, sometimes up to the 50 % cap, rarely above) and tenders that
// settle the resulting total, found by deciding probes of the same command.
template <class C>
void random_history::settle(const write_model& model, user_id actor, C& c) {
  c.discount_amount = 0;
  const auto before = probe_total(model, actor, c, now_us_);
  if (!before) {
    c.tenders = tenders_for(between(0, 5'000'000));  // refused anyway; keep it plausible
    return;
  }
  const std::int64_t roll = between(1, 100);
  if (roll <= 25) {
    c.discount_amount = between(0, *before / 2);
  } else if (roll <= 30) {
    c.discount_amount = *before / 2 + 1;  // above the cap: refused
  }
  const auto after = probe_total(model, actor, c, now_us_);
  c.tenders = tenders_for(after.value_or(*before));
}

random_history::planned random_history::cart_command(const write_model& model) {
  const user_id actor = till_user();
  const user_record* user = model.find(actor);
  const cart_record* cart =
      (user != nullptr && user->branch) ? model.active_cart_of(actor, user->branch) : nullptr;
  const std::int64_t roll = between(1, 100);
  if (roll <= 50 || cart == nullptr || cart->lines.empty()) {
    const product_id product = some_product();
    const std::int64_t available = user != nullptr ? model.stock_of(user->branch, product) : 0;
    if (chance(20)) {
      const product_record* record = model.find(product);
      return {actor, scan_barcode{record != nullptr ? record->barcode : std::string("0000000000000")}};
    }
    if (chance(3)) return {actor, open_cart{}};
    return {actor, add_cart_line{product, some_quantity(available / 4)}};
  }
  const cart_line_record& line = pick(cart->lines);
  if (roll <= 75) {
    const std::int32_t quantity = chance(15) ? 0 : static_cast<std::int32_t>(between(1, line.quantity + 3));
    return {actor, change_cart_line_quantity{line.id, quantity}};
  }
  if (roll <= 85) return {actor, remove_cart_line{line.id}};
  return {actor, set_cart_customer{some_customer()}};
}

random_history::planned random_history::sale_command(const write_model& model, bool one_shot) {
  user_id actor = till_user();
  if (!one_shot && chance(80)) {
    // Mostly someone whose cart holds something.
    std::vector<user_id> with_cart;
    for (const user_id u : staff_) {
      const user_record* record = model.find(u);
      const cart_record* cart =
          (record != nullptr && record->branch) ? model.active_cart_of(u, record->branch) : nullptr;
      if (cart != nullptr && !cart->lines.empty()) with_cart.push_back(u);
    }
    if (!with_cart.empty()) actor = pick(with_cart);
  }
  if (!one_shot) {
    check_out_cart c;
    if (chance(20)) c.customer = some_customer();
    c.notes = chance(15) ? "Khách quen — giao nhanh" : "";
    settle(model, actor, c);
    return {actor, std::move(c)};
  }
  record_sale c;
  const user_record* user = model.find(actor);
  const std::int64_t lines = between(1, 3);
  for (std::int64_t i = 0; i < lines; ++i) {
    const product_id product = some_product();
    const bool repeated = std::any_of(c.lines.begin(), c.lines.end(),
                                      [&](const sale_request_line& l) { return l.product == product; });
    if (repeated && chance(85)) continue;  // a repeated line is refused: now and then only
    const std::int64_t available = user != nullptr ? model.stock_of(user->branch, product) : 0;
    c.lines.push_back(sale_request_line{product, some_quantity(available / 3)});
  }
  c.customer = some_customer();
  settle(model, actor, c);
  return {actor, std::move(c)};
}

random_history::planned random_history::return_or_cancel(const write_model& model) {
  const sale_id id = some_sale();
  const sale_record* sale = model.find(id);
  // Someone of the sale's branch (or the admin, who may act anywhere).
  user_id actor = world_.admin;
  if (sale != nullptr && chance(70)) {
    std::vector<user_id> local;
    for (const user_id u : staff_) {
      const user_record* record = model.find(u);
      if (record != nullptr && record->branch == sale->branch) local.push_back(u);
    }
    if (!local.empty()) actor = pick(local);
  }
  if (chance(20)) return {actor, cancel_sale{id, chance(50) ? "Khách đổi ý" : ""}};
  return_sale c;
  c.sale = id;
  c.reason = "Hàng lỗi";
  if (sale == nullptr) {
    c.lines.push_back(return_line_request{sale_line_id{666'666}, 1, ""});
    return {actor, std::move(c)};
  }
  for (const sale_line_record& line : sale->lines) {
    const std::int32_t remaining = line.quantity - line.returned_quantity;
    if (!chance(60)) continue;
    std::int32_t quantity = remaining <= 0 ? 1 : static_cast<std::int32_t>(between(1, remaining));
    if (chance(4)) quantity = remaining + 1;  // over-return: refused
    c.lines.push_back(return_line_request{line.id, quantity, chance(20) ? "DAMAGED" : ""});
  }
  if (c.lines.empty()) {
    const sale_line_record& line = pick(sale->lines);
    c.lines.push_back(return_line_request{line.id, 1, ""});
  }
  return {actor, std::move(c)};
}

random_history::planned random_history::stock_command(const write_model& model) {
  const user_id actor = stock_user();
  const user_record* user = model.find(actor);
  const branch_id here = user != nullptr ? user->branch : branch_id{};
  const product_id product = some_product();
  const std::int32_t stock = model.stock_of(here, product);
  switch (between(0, 9)) {
    case 0:
    case 1:
    case 2: {
      const product_record* record = model.find(product);
      return {actor, receive_stock{product, static_cast<std::int32_t>(between(1, 200)),
                                   record != nullptr ? record->cost_price : 100000,
                                   chance(50) ? world_.beverages : supplier_id{},
                                   chance(50) ? fmt::format("NK-{}", between(1, 9999)) : "",
                                   chance(30) ? "Nhập bổ sung" : ""}};
    }
    case 3:
    case 4:
      return {actor, issue_stock{product, some_quantity(stock),
                                 chance(50) ? "DAMAGED" : "EXPIRED", chance(50) ? "Hư hỏng" : ""}};
    case 5:
    case 6:
      return {actor, adjust_stock{product,
                                  static_cast<std::int32_t>(std::max<std::int64_t>(
                                      0, stock + between(-5, 5))),
                                  "Kiểm kê định kỳ"}};
    default: {
      transfer_stock c;
      c.source = chance(85) ? here : pick(branches_);
      c.destination = pick(branches_);
      if (c.destination == c.source && chance(80)) c.destination = pick(branches_);
      const std::int64_t lines = between(1, 3);
      for (std::int64_t i = 0; i < lines; ++i) {
        const product_id p = some_product();
        c.lines.push_back(transfer_stock_line{p, some_quantity(model.stock_of(c.source, p) / 5)});
      }
      c.notes = chance(30) ? "Điều chuyển cuối tuần" : "";
      return {actor, std::move(c)};
    }
  }
}

random_history::planned random_history::procurement_command(const write_model& model) {
  const std::int64_t roll = between(1, 100);
  if (roll <= 35 || orders_.empty()) {
    create_purchase_order c;
    c.supplier = chance(95) ? pick(suppliers_) : supplier_id{555'555};
    const std::int64_t lines = between(1, 3);
    for (std::int64_t i = 0; i < lines; ++i) {
      c.lines.push_back(purchase_order_line_request{
          some_product(), static_cast<std::int32_t>(between(1, 60)), between(1000, 900000)});
    }
    c.notes = chance(30) ? "Đặt hàng tháng" : "";
    c.start = chance(25) ? purchase_order_start::draft : purchase_order_start::pending_approval;
    return {chance(60) ? world_.admin : world_.inventory, std::move(c)};
  }
  // The most recent orders most of the time.
  const auto count = static_cast<std::int64_t>(orders_.size());
  const purchase_order_id id =
      orders_[static_cast<std::size_t>(count - 1 - between(0, std::min<std::int64_t>(count, 6) - 1))];
  const purchase_order_record* order = model.find(id);
  REQUIRE(order != nullptr);
  switch (order->status) {
    case purchase_order_status::DRAFT: return {world_.admin, submit_purchase_order{id}};
    case purchase_order_status::PENDING_APPROVAL:
      if (chance(20)) return {world_.manager, reject_purchase_order{id}};
      return {chance(50) ? world_.manager : world_.admin, approve_purchase_order{id}};
    default: break;
  }
  // A partial receipt at the receiver's branch (refused for orders that are not receivable).
  const user_id actor = chance(50) ? world_.inventory : world_.manager;
  receive_goods c;
  c.purchase_order = id;
  c.supplier = order->supplier;
  for (const purchase_order_line_record& line : order->lines) {
    const std::int32_t remaining = line.quantity - line.received_quantity;
    if (remaining <= 0 || !chance(70)) continue;
    std::int32_t quantity = static_cast<std::int32_t>(between(1, remaining));
    if (chance(3)) quantity = remaining + 1;  // overshoot: refused
    c.lines.push_back(goods_receipt_line_request{line.id, line.product, quantity, line.unit_cost});
  }
  if (c.lines.empty()) {
    const purchase_order_line_record& line = pick(order->lines);
    c.lines.push_back(goods_receipt_line_request{line.id, line.product, 1, line.unit_cost});
  }
  c.notes = chance(30) ? "Giao thiếu, bổ sung sau" : "";
  return {actor, std::move(c)};
}

random_history::planned random_history::catalog_command(const write_model& model) {
  const std::int64_t roll = between(1, 100);
  if (roll <= 50) {
    update_product c;
    c.product = some_product();
    if (chance(50)) c.selling_price = between(100000, 5000000);
    if (chance(40)) c.cost_price = between(50000, 2500000);
    if (chance(35)) {
      const product_record* record = model.find(c.product);
      c.name = (record != nullptr && chance(40)) ? respelled(record->name) : vietnamese_name();
    }
    if (chance(15)) c.min_stock = static_cast<std::int32_t>(between(0, 120));
    if (chance(10)) c.tax_rate = static_cast<std::uint32_t>(pick(std::vector<std::int64_t>{0, 500, 800, 1000}));
    return {world_.admin, std::move(c)};
  }
  if (roll <= 62 && products_.size() < 40) {
    create_product c;
    c.sku = fmt::format("RND-{}", created_ + 1);
    c.barcode = fmt::format("89300{:08}", created_ + 1);
    const product_record* twin = chance(35) ? model.find(pick(products_)) : nullptr;
    c.name = twin != nullptr ? respelled(twin->name) : vietnamese_name();
    c.cost_price = between(50000, 2000000);
    c.selling_price = c.cost_price + between(0, 2000000);
    c.min_stock = static_cast<std::int32_t>(between(0, 30));
    c.category = chance(50) ? world_.drinks : world_.snacks;
    return {world_.admin, std::move(c)};
  }
  if (roll <= 77) return {world_.admin, toggle_product_active{some_product()}};
  if (roll <= 85) return {world_.admin, toggle_supplier_active{pick(suppliers_)}};
  if (roll <= 92) {
    return {world_.admin, update_category{chance(50) ? world_.drinks : world_.snacks,
                                          chance(50) ? std::optional<std::string>{fmt::format("Nhóm {}", between(1, 9))}
                                                     : std::nullopt,
                                          std::nullopt}};
  }
  if (roll <= 96) {
    return {world_.admin, set_loyalty_rule{pick(std::vector<std::int64_t>{1000000, 2500000, 10000000}),
                                           pick(std::vector<std::int64_t>{1000, 100000})}};
  }
  return {world_.admin, update_supplier{pick(suppliers_), std::nullopt,
                                        fmt::format("Nhà cung cấp {}", between(1, 99)),
                                        std::nullopt, std::nullopt, std::nullopt, std::nullopt}};
}

random_history::planned random_history::people_command(const write_model& model) {
  const std::int64_t roll = between(1, 100);
  if (roll <= 30) {
    const user_id who = pick(staff_);
    return {who, log_in{who, hash256{static_cast<std::uint8_t>(between(1, 255))}}};
  }
  if (roll <= 50) return {pick(staff_), log_out{}};
  if (roll <= 65) {
    return {till_user(), create_customer{vietnamese_name(), fmt::format("09{:08}", created_),
                                               chance(30) ? fmt::format("kh{}@mail.vn", created_) : ""}};
  }
  if (roll <= 72) {
    return {world_.admin, update_customer{pick(customers_), vietnamese_name(), std::nullopt, std::nullopt}};
  }
  if (roll <= 80 && model.user_by_email.find("cashier3@pos.com") == model.user_by_email.end()) {
    return {world_.admin, create_user{"cashier3@pos.com", "argon2id$c3", "Thu ngân Tân Bình", "",
                                      user_role::CASHIER, world_.tan_binh}};
  }
  if (roll <= 88) {
    // cashier2 works at either branch (events then carry the new actor branch).
    return {world_.admin, update_user{world_.cashier2, {}, {}, {}, {}, {},
                                      std::optional<branch_id>{chance(50) ? world_.central : world_.tan_binh}}};
  }
  if (roll <= 94) {
    const user_id who = pick(std::vector<user_id>{world_.cashier2, world_.inventory});
    return {world_.admin, toggle_user_active{who}};
  }
  if (roll <= 97 && branches_.size() < 5) {
    ++created_;
    return {world_.admin, create_branch{fmt::format("BR-{:03}", 10 + created_ % 900),
                                        fmt::format("Chi nhánh Gò Vấp {}", created_ % 97), "", ""}};
  }
  return {world_.admin, update_branch{pick(branches_), std::nullopt,
                                      fmt::format("Chi nhánh Quận {}", between(1, 12)),
                                      std::nullopt, std::nullopt}};
}

random_history::planned random_history::next(const write_model& model) {
  // Deactivated staff and products come back soon, or most commands would be refused.
  if (chance(15)) {
    for (const user_id u : staff_) {
      const user_record* record = model.find(u);
      if (record != nullptr && !record->is_active) return {world_.admin, toggle_user_active{u}};
    }
    for (const product_id p : products_) {
      const product_record* record = model.find(p);
      if (record != nullptr && !record->is_active) return {world_.admin, toggle_product_active{p}};
    }
  }
  const std::int64_t roll = between(1, 1000);
  if (roll <= 260) return cart_command(model);
  if (roll <= 400) return sale_command(model, false);
  if (roll <= 480) return sale_command(model, true);
  if (roll <= 580) return return_or_cancel(model);
  if (roll <= 760) return stock_command(model);
  if (roll <= 860) return procurement_command(model);
  if (roll <= 930) return catalog_command(model);
  return people_command(model);
}

}  // namespace ledger::testing
