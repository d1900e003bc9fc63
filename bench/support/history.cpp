// A simulated year of a convenience-store chain, written through the ordinary single writer.
// See history.h for what is simulated; this file is organised as:
//   1. catalog text (names with diacritics, so text search has real data);
//   2. the generator: rounds (submit a set of commands, wait for all outcomes, react to them),
//      the stock mirror, the set-up, and the day loop with its tills, managers and stock keepers.
#include "bench/support/history.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <random>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "engine/ledger.h"
#include "events/assert.h"
#include "events/money.h"

namespace ledger::bench {
namespace {

using namespace ledger::engine;

constexpr std::int64_t us_per_second = 1'000'000;
constexpr std::int64_t us_per_minute = 60 * us_per_second;
constexpr std::int64_t us_per_hour = 60 * us_per_minute;
constexpr std::int64_t us_per_day = 24 * us_per_hour;
constexpr std::int64_t opening_us = 7 * us_per_hour;   // first sales of a day (UTC)
constexpr std::int64_t closing_us = 22 * us_per_hour;  // last sales of a day
constexpr std::int64_t vnd = money::minor_per_unit;    // one đồng in hundredths

constexpr std::uint64_t progress_every_events = 100'000;
constexpr std::size_t setup_round_commands_max = 2'000;  // well below the writer's queue
static_assert(setup_round_commands_max <= limits::writer_queue_capacity);
constexpr std::size_t opening_order_lines_max = 400;    // lines of an opening-stock PO
constexpr std::size_t replenish_order_lines_max = 150;  // lines of a replenishment PO
static_assert(opening_order_lines_max <= limits::document_lines_max);
static_assert(replenish_order_lines_max <= limits::document_lines_max);

// Every user's password is "password123" (argon2id, libsodium's interactive limits),
// precomputed: hashing 30 users on every run would only cost time.
constexpr const char* password_hash =
    "$argon2id$v=19$m=65536,t=2,p=1$SNcd4WR/iJVsuGVU5DJGjg$"
    "gSVem6aX6soXxn+Dq/u5cQscloYSjUxLUSu3wfJDcLA";

// ------------------------------------------------------------------ catalog text

// Tables read better aligned by hand.
// clang-format off

constexpr std::array<std::string_view, 40> category_names = {
    "Nước giải khát",        "Bia & đồ uống có cồn",  "Nước suối",
    "Cà phê & trà",          "Sữa tươi",              "Sữa chua & phô mai",
    "Sữa bột",               "Bánh quy",              "Bánh mì & bánh ngọt",
    "Kẹo & sô-cô-la",        "Snack",                 "Mì gói & cháo gói",
    "Gạo & ngũ cốc",         "Dầu ăn",                "Nước mắm & nước chấm",
    "Gia vị",                "Đồ hộp",                "Xúc xích & thịt nguội",
    "Thực phẩm đông lạnh",   "Rau củ",                "Trái cây",
    "Thịt tươi",             "Hải sản",               "Trứng",
    "Đậu phụ & đồ chay",     "Dầu gội & dầu xả",      "Sữa tắm & xà bông",
    "Chăm sóc răng miệng",   "Chăm sóc da",           "Giấy vệ sinh & khăn giấy",
    "Tã & đồ dùng em bé",    "Bột giặt & nước giặt",  "Nước rửa chén",
    "Vệ sinh nhà cửa",       "Đồ dùng nhà bếp",       "Văn phòng phẩm",
    "Đồ dùng một lần",       "Thức ăn thú cưng",      "Pin & đồ điện nhỏ",
    "Hàng khuyến mãi",
};

enum class size_family : std::uint8_t { mass, volume, count };

struct item_type {
  std::string_view name;
  std::string_view unit;
  int category;                // index into category_names
  size_family sizes;
  std::int64_t price_min_vnd;  // smallest size
  std::int64_t price_max_vnd;  // largest size
};

constexpr item_type item_types[] = {
    {"Nước ngọt", "lon", 0, size_family::volume, 8'000, 32'000},
    {"Trà xanh", "chai", 0, size_family::volume, 8'000, 28'000},
    {"Nước tăng lực", "lon", 0, size_family::volume, 10'000, 30'000},
    {"Nước ép trái cây", "hộp", 0, size_family::volume, 10'000, 65'000},
    {"Bia", "lon", 1, size_family::volume, 12'000, 45'000},
    {"Rượu vang", "chai", 1, size_family::volume, 150'000, 500'000},
    {"Nước suối", "chai", 2, size_family::volume, 5'000, 25'000},
    {"Cà phê hòa tan", "hộp", 3, size_family::count, 35'000, 160'000},
    {"Cà phê rang xay", "gói", 3, size_family::mass, 45'000, 320'000},
    {"Trà túi lọc", "hộp", 3, size_family::count, 20'000, 85'000},
    {"Sữa tươi", "hộp", 4, size_family::volume, 8'000, 60'000},
    {"Sữa chua uống", "lốc", 5, size_family::count, 20'000, 45'000},
    {"Sữa chua", "hộp", 5, size_family::count, 6'000, 38'000},
    {"Phô mai", "hộp", 5, size_family::mass, 30'000, 140'000},
    {"Sữa bột", "lon", 6, size_family::mass, 180'000, 500'000},
    {"Bánh quy", "hộp", 7, size_family::mass, 15'000, 120'000},
    {"Bánh xốp", "gói", 7, size_family::mass, 10'000, 45'000},
    {"Bánh mì sandwich", "gói", 8, size_family::count, 15'000, 40'000},
    {"Bánh bông lan", "hộp", 8, size_family::count, 20'000, 75'000},
    {"Kẹo", "gói", 9, size_family::mass, 8'000, 60'000},
    {"Sô-cô-la", "thanh", 9, size_family::mass, 15'000, 120'000},
    {"Snack khoai tây", "gói", 10, size_family::mass, 8'000, 40'000},
    {"Đậu phộng rang", "gói", 10, size_family::mass, 12'000, 55'000},
    {"Mì gói", "gói", 11, size_family::count, 5'000, 95'000},
    {"Cháo gói", "gói", 11, size_family::count, 6'000, 60'000},
    {"Phở ăn liền", "gói", 11, size_family::count, 8'000, 75'000},
    {"Gạo", "túi", 12, size_family::mass, 25'000, 260'000},
    {"Ngũ cốc", "hộp", 12, size_family::mass, 40'000, 180'000},
    {"Dầu ăn", "chai", 13, size_family::volume, 25'000, 210'000},
    {"Nước mắm", "chai", 14, size_family::volume, 15'000, 140'000},
    {"Nước tương", "chai", 14, size_family::volume, 10'000, 45'000},
    {"Tương ớt", "chai", 14, size_family::volume, 8'000, 35'000},
    {"Hạt nêm", "gói", 15, size_family::mass, 12'000, 85'000},
    {"Bột ngọt", "gói", 15, size_family::mass, 10'000, 70'000},
    {"Cá hộp", "hộp", 16, size_family::mass, 15'000, 48'000},
    {"Thịt hộp", "hộp", 16, size_family::mass, 22'000, 75'000},
    {"Xúc xích", "gói", 17, size_family::count, 12'000, 70'000},
    {"Chả lụa", "cây", 17, size_family::mass, 35'000, 150'000},
    {"Há cảo", "gói", 18, size_family::mass, 35'000, 110'000},
    {"Chả giò", "gói", 18, size_family::mass, 40'000, 125'000},
    {"Rau muống", "bó", 19, size_family::mass, 5'000, 25'000},
    {"Cà chua", "túi", 19, size_family::mass, 10'000, 45'000},
    {"Táo", "túi", 20, size_family::mass, 30'000, 160'000},
    {"Chuối", "nải", 20, size_family::mass, 15'000, 55'000},
    {"Thịt heo xay", "khay", 21, size_family::mass, 30'000, 140'000},
    {"Tôm", "khay", 22, size_family::mass, 80'000, 420'000},
    {"Trứng gà", "vỉ", 23, size_family::count, 18'000, 60'000},
    {"Đậu phụ", "hộp", 24, size_family::mass, 5'000, 22'000},
    {"Dầu gội", "chai", 25, size_family::volume, 35'000, 260'000},
    {"Dầu xả", "chai", 25, size_family::volume, 35'000, 220'000},
    {"Sữa tắm", "chai", 26, size_family::volume, 45'000, 300'000},
    {"Xà bông cục", "bánh", 26, size_family::mass, 8'000, 38'000},
    {"Kem đánh răng", "tuýp", 27, size_family::mass, 15'000, 75'000},
    {"Bàn chải đánh răng", "cây", 27, size_family::count, 12'000, 65'000},
    {"Sữa rửa mặt", "tuýp", 28, size_family::mass, 35'000, 220'000},
    {"Kem chống nắng", "tuýp", 28, size_family::volume, 70'000, 380'000},
    {"Giấy vệ sinh", "lốc", 29, size_family::count, 25'000, 150'000},
    {"Khăn giấy", "gói", 29, size_family::count, 8'000, 55'000},
    {"Tã dán", "gói", 30, size_family::count, 120'000, 480'000},
    {"Khăn ướt em bé", "gói", 30, size_family::count, 18'000, 75'000},
    {"Bột giặt", "túi", 31, size_family::mass, 30'000, 280'000},
    {"Nước giặt", "chai", 31, size_family::volume, 45'000, 320'000},
    {"Nước xả vải", "túi", 31, size_family::volume, 35'000, 210'000},
    {"Nước rửa chén", "chai", 32, size_family::volume, 15'000, 85'000},
    {"Nước lau sàn", "chai", 33, size_family::volume, 25'000, 110'000},
    {"Nước tẩy bồn cầu", "chai", 33, size_family::volume, 20'000, 75'000},
    {"Giấy bạc", "cuộn", 34, size_family::count, 20'000, 75'000},
    {"Màng bọc thực phẩm", "cuộn", 34, size_family::count, 25'000, 90'000},
    {"Bút bi", "hộp", 35, size_family::count, 5'000, 65'000},
    {"Tập vở", "lốc", 35, size_family::count, 8'000, 95'000},
    {"Túi đựng rác", "cuộn", 36, size_family::count, 12'000, 45'000},
    {"Ly nhựa", "lốc", 36, size_family::count, 8'000, 40'000},
    {"Thức ăn cho mèo", "gói", 37, size_family::mass, 25'000, 260'000},
    {"Thức ăn cho chó", "gói", 37, size_family::mass, 30'000, 300'000},
    {"Pin AA", "vỉ", 38, size_family::count, 15'000, 80'000},
    {"Bóng đèn LED", "cái", 38, size_family::count, 25'000, 150'000},
    {"Hộp quà Tết", "hộp", 39, size_family::count, 150'000, 500'000},
};
constexpr std::size_t item_type_count = std::size(item_types);

constexpr std::array<std::string_view, 40> brands = {
    "Hoa Sen",   "Sao Mai",   "Bình Minh",  "Phương Nam", "An Phát",   "Thanh Bình", "Hồng Hà",
    "Minh Long", "Kim Ngân",  "Đại Việt",   "Phú Thịnh",  "Tân Phát",  "Hương Việt", "Quê Nhà",
    "Mekong",    "Đồng Xanh", "Lúa Vàng",   "Trường Sơn", "Cửu Long",  "Tây Nguyên", "Sông Hàn",
    "Hải Âu",    "Ngọc Lan",  "Mai Vàng",   "Ánh Dương",  "Việt Hương", "Thiên Phúc", "Bảo Ngọc",
    "Nhật Minh", "Gia Huy",   "Hòa Bình",   "Phúc An",    "Thuận Phát", "Hưng Thịnh", "Vạn Lộc",
    "Kim Cương", "Long Hải",  "Tràng An",   "Sen Việt",   "Đất Việt",
};

constexpr std::array<std::string_view, 16> variants = {
    "",          "Vị cay",      "Ít đường",   "Không đường", "Hương dâu", "Hương cam",
    "Truyền thống", "Đặc biệt", "Cao cấp",    "Gia đình",    "Mini",      "Hữu cơ",
    "Vị tôm chua cay", "Hương chanh", "Vị phô mai", "Loại 1",
};

constexpr std::array<std::string_view, 10> mass_sizes = {"45g",  "75g",  "100g", "200g", "250g",
                                                         "400g", "500g", "1kg",  "2kg",  "5kg"};
constexpr std::array<std::string_view, 10> volume_sizes = {"180ml", "250ml", "330ml", "450ml",
                                                           "500ml", "750ml", "1L",    "1.5L",
                                                           "2L",    "5L"};
constexpr std::array<std::string_view, 10> count_sizes = {"1 cái",   "2 cái",  "gói 5", "gói 10",
                                                          "hộp 12",  "lốc 4",  "lốc 6", "vỉ 10",
                                                          "bộ 3",    "thùng 24"};
constexpr std::size_t size_count = 10;

constexpr std::array<std::string_view, 16> family_names = {
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ",
    "Võ",     "Đặng", "Bùi", "Đỗ",  "Hồ",    "Ngô",   "Dương", "Lý",
};
constexpr std::array<std::string_view, 12> middle_names = {
    "Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Quốc", "Gia", "Hoàng", "Anh", "Đức", "Thu",
};
constexpr std::array<std::string_view, 36> given_names = {
    "An",   "Bình", "Châu",  "Dũng", "Giang", "Hà",   "Hải",  "Hạnh", "Hiếu", "Hoa",  "Hùng", "Hương",
    "Khánh", "Lan", "Linh",  "Long", "Mai",   "Nam",  "Nga",  "Ngân", "Nhung", "Phong", "Phúc", "Quân",
    "Quỳnh", "Sơn", "Tâm",   "Thảo", "Thắng", "Trang", "Trinh", "Tú", "Tuấn", "Vân",  "Vy",   "Yến",
};

struct branch_row {
  std::string_view name;
  std::string_view address;
};
constexpr branch_row branch_rows[] = {
    {"Chi nhánh Quận 1", "456 Lê Lợi, Phường Bến Thành, Quận 1, TP.HCM"},
    {"Chi nhánh Tân Bình", "789 Cộng Hòa, Phường 13, Tân Bình, TP.HCM"},
    {"Chi nhánh Thủ Đức", "321 Võ Văn Ngân, Linh Chiểu, Thủ Đức, TP.HCM"},
    {"Chi nhánh Bình Thạnh", "159 Phạm Văn Đồng, Phường 3, Bình Thạnh, TP.HCM"},
    {"Chi nhánh Gò Vấp", "88 Quang Trung, Phường 10, Gò Vấp, TP.HCM"},
    {"Chi nhánh Quận 7", "12 Nguyễn Thị Thập, Tân Phú, Quận 7, TP.HCM"},
    {"Chi nhánh Hà Đông", "45 Quang Trung, Hà Đông, Hà Nội"},
    {"Chi nhánh Cầu Giấy", "210 Xuân Thủy, Dịch Vọng Hậu, Cầu Giấy, Hà Nội"},
    {"Chi nhánh Hải Châu", "67 Bạch Đằng, Hải Châu, Đà Nẵng"},
    {"Chi nhánh Ninh Kiều", "23 Hòa Bình, Tân An, Ninh Kiều, Cần Thơ"},
};

constexpr std::array<std::string_view, 5> return_reasons = {
    "Khách đổi ý", "Hàng lỗi", "Hết hạn sử dụng", "Sai sản phẩm", "Bao bì hư hỏng"};
constexpr std::array<std::string_view, 3> cancel_reasons = {"Nhập sai đơn", "Khách hủy mua",
                                                            "Thanh toán lỗi"};
constexpr std::array<std::string_view, 4> stock_out_reasons = {"Hàng hư hỏng", "Hết hạn sử dụng",
                                                               "Thất thoát", "Dùng nội bộ"};
constexpr std::array<std::string_view, 3> count_reasons = {
    "Kiểm kê định kỳ", "Kiểm kê đột xuất", "Điều chỉnh sau kiểm kê"};
constexpr std::array<std::string_view, 4> sale_notes = {
    "Khách quen", "Giao hàng tận nơi", "Xuất hóa đơn VAT", "Khách đặt trước qua điện thoại"};
constexpr std::array<std::string_view, 4> wallets = {"MOMO", "ZALOPAY", "VNPAY", "SHOPEEPAY"};

// clang-format on

// Name `index` of a list with a numbered suffix once the list is exhausted.
template <std::size_t N>
std::string numbered(const std::array<std::string_view, N>& names, std::size_t index) {
  if (index < N) return std::string(names[index]);
  return fmt::format("{} {}", names[index % N], index / N + 1);
}

// How busy the shops are, hour by hour from 07:00 (relative: the busiest hours are 1).
constexpr std::array<double, 15> activity_by_hour = {0.45, 0.60, 0.70, 0.75, 0.95, 1.00, 0.80, 0.60,
                                                     0.60, 0.70, 0.90, 1.00, 1.00, 0.80, 0.55};
static_assert(activity_by_hour.size() * us_per_hour == closing_us - opening_us);

// How busy a day is, by weekday (Sunday first): weekends sell more.
constexpr std::array<double, 7> activity_by_weekday = {1.20, 0.92, 0.92, 0.92, 0.95, 1.00, 1.15};

// Days between two regular orders of a branch to one supplier.
constexpr std::size_t ordering_every_days = 7;

// EAN-13 with the Vietnamese GS1 prefix 893 and a valid check digit.
std::string barcode_for(std::size_t index) {
  std::string digits = fmt::format("893{:09}", 100'000'000 + index);
  int sum = 0;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    const int digit = digits[i] - '0';
    sum += i % 2 == 0 ? digit : 3 * digit;
  }
  digits.push_back(static_cast<char>('0' + (10 - sum % 10) % 10));
  return digits;
}

std::string person_name(std::size_t index) {
  return fmt::format("{} {} {}", family_names[index % family_names.size()],
                     middle_names[(index / 7) % middle_names.size()],
                     given_names[(index / 3) % given_names.size()]);
}

// Distinct mobile numbers: index -> 09xxxxxxxx through a bijection of [0, 10^8).
std::string customer_phone(std::size_t index) {
  return fmt::format("09{:08}",
                     (static_cast<std::uint64_t>(index) * 48'271 + 13'579) % 100'000'000);
}

// ------------------------------------------------------------------ randomness

class random_source {
 public:
  explicit random_source(std::uint64_t seed) : engine_(seed) {}

  // Uniform in [low, high].
  std::int64_t between(std::int64_t low, std::int64_t high) {
    return std::uniform_int_distribution<std::int64_t>(low, high)(engine_);
  }
  double unit() { return std::uniform_real_distribution<double>(0.0, 1.0)(engine_); }
  bool chance(double probability) { return unit() < probability; }
  std::size_t index(std::size_t size) {
    return static_cast<std::size_t>(between(0, static_cast<std::int64_t>(size) - 1));
  }
  template <class T, std::size_t N>
  T pick(const std::array<T, N>& items) {
    return items[index(N)];
  }
  hash256 token() {
    hash256 bytes{};
    for (auto& b : bytes) b = static_cast<std::uint8_t>(engine_() & 0xff);
    return bytes;
  }
  std::uint64_t raw() { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

// ------------------------------------------------------------------ generator state

// What a submitted command was for, so its outcome can be acted on.
enum class action : std::uint8_t {
  setup,
  log_in,
  log_out,
  price_update,
  cart_add,
  cart_customer,
  customer_create,
  checkout,
  one_shot_sale,
  cart_remove,
  return_sale,
  cancel_sale,
  po_create,
  po_approve,
  po_receive,
  stock_out,
  stock_count,
  stock_in,
  transfer,
};

// A change of the stock mirror made when a command is planned, undone if it is rejected.
struct stock_effect {
  std::size_t pair = 0;
  std::int32_t on_hand = 0;
  std::int32_t reserved = 0;
  std::int32_t on_order = 0;
};

struct pending_command {
  action what = action::setup;
  std::size_t owner = 0;               // till (cart and sale actions) or branch (staff actions)
  std::size_t item = 0;                // purchase order, sale record or product index
  std::int32_t expected_quantity = 0;  // stock counts: the system quantity the mirror expects
  std::vector<stock_effect> effects;
  command_outcome outcome;
};

struct product_info {
  product_id id;
  std::int64_t price = 0;  // hundredths
  std::int64_t cost = 0;
  std::uint32_t tax_rate = 0;
  std::int32_t min_stock = 0;
  std::size_t supplier = 0;
  std::int32_t reorder_point = 0;  // order when available stock falls below
  std::int32_t order_up_to = 0;    // order enough to reach this
};

struct cart_entry {
  cart_line_id line;
  std::size_t product = 0;
  std::int32_t quantity = 0;
  std::int64_t unit_price = 0;
};

struct till_state {
  user_id user;
  std::size_t branch = 0;
  bool active = false;                                        // a sale is under way
  bool one_shot = false;                                      // this sale is a record_sale
  std::vector<std::pair<std::size_t, std::int32_t>> planned;  // product, quantity
  std::size_t next_line = 0;
  std::vector<cart_entry> cart;     // lines the ledger accepted
  std::vector<cart_entry> cleanup;  // lines left by a refused checkout, to remove
  customer_id customer;
  bool wants_new_customer = false;
  bool customer_attached = false;
};

enum class task_kind : std::uint8_t {
  approve_order,
  take_return,
  cancel_invoice,
  stock_out,
  stock_count,
  stock_in,
  transfer,
  replenish,
  receive_order,
};

struct task {
  std::int64_t due_us = 0;
  std::uint64_t order = 0;  // ties broken by creation order (determinism)
  task_kind kind = task_kind::stock_out;
  std::size_t item = 0;
};

struct task_later {
  bool operator()(const task& a, const task& b) const {
    return a.due_us != b.due_us ? a.due_us > b.due_us : a.order > b.order;
  }
};

using task_queue = std::priority_queue<task, std::vector<task>, task_later>;

struct branch_state {
  branch_id id;
  std::string code;
  user_id manager;
  user_id inventory;
  std::vector<std::size_t> tills;
  task_queue manager_tasks;
  task_queue inventory_tasks;
  std::vector<std::size_t> low;  // products that fell below their reorder point (maybe stale)
};

struct order_line_state {
  purchase_order_line_id line;
  std::size_t product = 0;
  std::int32_t quantity = 0;
  std::int32_t received = 0;
};

struct order_state {
  purchase_order_id id;
  std::size_t supplier = 0;
  std::size_t branch = 0;
  bool split = false;  // received in two deliveries
  bool open = true;
  std::vector<order_line_state> lines;
};

struct sale_line_state {
  sale_line_id line;
  std::size_t product = 0;
  std::int32_t quantity = 0;
  std::int32_t returned = 0;
};

// Sales that a manager will return or cancel later (the others are not remembered).
struct sale_state {
  sale_id id;
  std::size_t branch = 0;
  std::int64_t sold_at_us = 0;
  std::vector<sale_line_state> lines;
};

template <class E>
const E* first_event(const command_outcome& outcome) {
  for (const auto& e : outcome.events) {
    if (const E* typed = std::get_if<E>(&e)) return typed;
  }
  return nullptr;
}

class history_generator {
 public:
  explicit history_generator(const history_options& options)
      : options_(options),
        random_(options.seed),
        sim_now_(std::make_shared<std::atomic<std::int64_t>>(options.start_us)) {}

  ~history_generator() {
    // The writer may still be held by the last round's completion: let it go, then stop.
    release_writer();
    host_.reset();
  }
  history_generator(const history_generator&) = delete;
  history_generator& operator=(const history_generator&) = delete;

  history_summary run();

 private:
  // --- rounds
  pending_command& add(user_id actor, command body, action what, std::size_t owner = 0,
                       std::size_t item = 0);
  void run_round(std::int64_t at_us);
  void release_writer();
  void process(pending_command& p);
  void on_committed(pending_command& p);
  void on_rejected(pending_command& p);
  void count_events(const command_outcome& outcome);
  void setup_round(std::int64_t at_us);
  void report_progress();

  // --- stock mirror
  [[nodiscard]] std::size_t pair(std::size_t branch, std::size_t product) const {
    return branch * products_.size() + product;
  }
  [[nodiscard]] std::int32_t available(std::size_t branch, std::size_t product) const {
    return on_hand_[pair(branch, product)] - reserved_[pair(branch, product)];
  }
  void change(pending_command& p, std::size_t branch, std::size_t product, std::int32_t on_hand,
              std::int32_t reserved, std::int32_t on_order);
  void apply(const stock_effect& e, int sign);

  // --- set-up
  void set_up();
  void create_catalog();
  void create_customers();
  void stock_opening();

  // --- the days
  void simulate_day(int day);
  void plan_till(std::size_t till, bool may_start);
  void start_sale(till_state& till);
  void plan_checkout(std::size_t till);
  void plan_one_shot(std::size_t till);
  void plan_manager(std::size_t branch, std::int64_t now_us, int tasks_max);
  void plan_inventory(std::size_t branch, std::int64_t now_us, int tasks_max);
  void plan_replenish(std::size_t branch);
  void plan_transfer(std::size_t branch);
  void plan_receipt(std::size_t order);
  void plan_price_update();
  void schedule(task_queue& queue, std::int64_t due_us, task_kind kind, std::size_t item = 0);
  void remember_sale(const events::sale_completed& sale, std::size_t branch);

  [[nodiscard]] std::size_t pick_product();
  [[nodiscard]] customer_id pick_customer();
  [[nodiscard]] std::vector<tender> tenders_for(std::int64_t total);
  [[nodiscard]] std::int64_t discount_for(std::int64_t pre_discount);
  [[nodiscard]] std::string sale_note();

  history_options options_;
  random_source random_;
  std::shared_ptr<std::atomic<std::int64_t>> sim_now_;  // the writer's clock
  std::unique_ptr<ledger_host> host_;
  command_processor* processor_ = nullptr;

  // The current round: planned in order, submitted in order, outcomes in slots.
  std::vector<pending_command> round_;
  std::vector<command_request> requests_;
  std::atomic<std::size_t> remaining_{0};
  std::mutex mutex_;
  std::condition_variable round_changed_;
  bool round_complete_ = false;  // guarded by mutex_: every outcome of the round is in
  bool writer_held_ = false;     // guarded by mutex_: the writer waits in the last completion

  // The world.
  user_id admin_;
  user_id owner_;
  std::vector<branch_state> branches_;
  std::vector<till_state> tills_;
  std::vector<category_id> categories_;
  std::vector<supplier_id> suppliers_;
  std::vector<product_info> products_;
  std::vector<std::vector<std::size_t>> products_by_supplier_;
  std::unordered_map<std::uint64_t, std::size_t> product_index_;
  std::vector<double> popularity_cumulative_;
  std::vector<customer_id> customers_;
  std::size_t customers_created_ = 0;
  std::vector<order_state> orders_;
  std::vector<sale_state> sales_;
  std::uint64_t task_order_ = 0;
  int day_ = 0;  // the simulated day (0 = the first)
  std::uint64_t stock_in_number_ = 0;

  // Stock mirror per (branch, product): what the ledger holds once everything planned so far
  // is decided; reserved = units in open carts; on_order = ordered and not yet received.
  std::vector<std::int32_t> on_hand_;
  std::vector<std::int32_t> reserved_;
  std::vector<std::int32_t> on_order_;
  std::vector<std::uint8_t> low_flag_;

  // Pacing and results.
  bool setup_phase_ = true;
  double events_per_round_ = 0;
  double closing_events_ = 0;  // events after the tills stop taking new sales (finish, log out)
  std::uint64_t progress_bucket_ = 0;
  std::uint64_t count_mismatches_ = 0;
  std::map<rejection_code, std::uint64_t> rejections_;
  std::string first_rejection_;
  history_summary summary_;
};

// ------------------------------------------------------------------ rounds

pending_command& history_generator::add(user_id actor, command body, action what, std::size_t owner,
                                        std::size_t item) {
  requests_.push_back(command_request{actor, {}, std::move(body)});
  pending_command& p = round_.emplace_back();
  p.what = what;
  p.owner = owner;
  p.item = item;
  return p;
}

// A round is one group commit. The completion of a round's last command holds the writer (on
// its thread, after the commit) until the next round is queued, so the writer takes each round
// as one batch stamped with that round's time. Without the hold the writer would split rounds
// at random points, and the batches' times (each strictly after the last) would differ by
// microseconds from run to run; with it the log is byte-identical for a seed. The writer is
// idle meanwhile anyway: the next round depends on this round's outcomes.
void history_generator::run_round(std::int64_t at_us) {
  if (round_.empty()) return;
  LEDGER_ASSERT(round_.size() <= limits::batch_commands_max, "round of {} commands", round_.size());
  LEDGER_ASSERT(remaining_.load() == 0, "a round is still in flight");
  sim_now_->store(at_us);
  remaining_.store(round_.size());
  const std::thread::id generator_thread = std::this_thread::get_id();
  for (std::size_t i = 0; i < round_.size(); ++i) {
    processor_->submit(std::move(requests_[i]),
                       [this, i, generator_thread](command_outcome&& outcome) {
                         round_[i].outcome = std::move(outcome);
                         if (remaining_.fetch_sub(1) != 1) return;
                         std::unique_lock lock(mutex_);
                         round_complete_ = true;
                         // A completion on this thread means the processor refused the command at
                         // once (stopped or full): there is no writer to hold.
                         writer_held_ = std::this_thread::get_id() != generator_thread;
                         round_changed_.notify_all();
                         round_changed_.wait(lock, [this] { return !writer_held_; });
                       });
  }
  release_writer();  // it was held by the previous round: now it takes this whole round
  {
    std::unique_lock lock(mutex_);
    round_changed_.wait(lock, [this] { return round_complete_; });
    round_complete_ = false;
  }
  for (pending_command& p : round_) process(p);
  report_progress();
}

void history_generator::release_writer() {
  {
    std::lock_guard lock(mutex_);
    writer_held_ = false;
  }
  round_changed_.notify_all();
}

void history_generator::process(pending_command& p) {
  if (p.outcome.ok()) {
    count_events(p.outcome);
    on_committed(p);
    return;
  }
  ++summary_.rejected_commands;
  const rejection_code code =
      p.outcome.rejected ? p.outcome.rejected->code : rejection_code::writer_queue_full;
  ++rejections_[code];
  if (first_rejection_.empty()) {
    first_rejection_ =
        fmt::format("{}: {}", name_of(code), p.outcome.rejected ? p.outcome.rejected->message : "");
  }
  for (auto it = p.effects.rbegin(); it != p.effects.rend(); ++it) apply(*it, -1);
  on_rejected(p);
}

void history_generator::count_events(const command_outcome& outcome) {
  for (const events::event& e : outcome.events) {
    if (std::holds_alternative<events::sale_completed>(e)) {
      ++summary_.sales;
    } else if (std::holds_alternative<events::sale_returned>(e)) {
      ++summary_.returns;
    } else if (std::holds_alternative<events::sale_cancelled>(e)) {
      ++summary_.cancellations;
    } else if (std::holds_alternative<events::goods_receipt_recorded>(e)) {
      ++summary_.goods_receipts;
    } else if (std::holds_alternative<events::stock_transferred>(e)) {
      ++summary_.transfers;
    } else if (std::holds_alternative<events::stock_adjusted>(e) ||
               std::holds_alternative<events::stock_issued>(e)) {
      ++summary_.adjustments;
    }
  }
  if (outcome.last_sequence != 0) {
    if (summary_.first_us == 0) summary_.first_us = outcome.recorded_at_us;
    summary_.last_us = std::max(summary_.last_us, outcome.recorded_at_us);
  }
}

void history_generator::setup_round(std::int64_t at_us) {
  run_round(at_us);
  if (summary_.rejected_commands != 0) {
    throw std::runtime_error(
        fmt::format("history set-up: a command was rejected: {}", first_rejection_));
  }
}

void history_generator::report_progress() {
  const std::uint64_t head = processor_->head_sequence();
  if (head / progress_every_events == progress_bucket_) return;
  progress_bucket_ = head / progress_every_events;
  if (options_.progress) options_.progress(head, options_.target_events);
}

// ------------------------------------------------------------------ stock mirror

void history_generator::change(pending_command& p, std::size_t branch, std::size_t product,
                               std::int32_t on_hand, std::int32_t reserved, std::int32_t on_order) {
  const stock_effect e{pair(branch, product), on_hand, reserved, on_order};
  apply(e, +1);
  p.effects.push_back(e);
  // Falling below the reorder point puts the product on the branch's list for replenishment.
  if (!low_flag_[e.pair] &&
      on_hand_[e.pair] - reserved_[e.pair] < products_[product].reorder_point) {
    low_flag_[e.pair] = 1;
    branches_[branch].low.push_back(product);
  }
}

void history_generator::apply(const stock_effect& e, int sign) {
  on_hand_[e.pair] += sign * e.on_hand;
  reserved_[e.pair] += sign * e.reserved;
  on_order_[e.pair] += sign * e.on_order;
}

// ------------------------------------------------------------------ outcomes

void history_generator::on_committed(pending_command& p) {
  switch (p.what) {
    case action::cart_add: {
      till_state& till = tills_[p.owner];
      if (const auto* added = first_event<events::cart_line_added>(p.outcome)) {
        till.cart.push_back(
            cart_entry{cart_line_id{added->line_id}, p.item, added->quantity, added->unit_price});
      }
      break;
    }
    case action::customer_create: {
      if (const auto* created = first_event<events::customer_created>(p.outcome)) {
        customers_.push_back(customer_id{created->customer_id});
        tills_[p.owner].customer = customer_id{created->customer_id};
      }
      break;
    }
    case action::checkout:
    case action::one_shot_sale: {
      till_state& till = tills_[p.owner];
      if (const auto* sale = first_event<events::sale_completed>(p.outcome)) {
        remember_sale(*sale, till.branch);
      }
      till.cart.clear();
      till.active = false;
      break;
    }
    case action::po_create: {
      order_state& order = orders_[p.item];
      const auto* created = first_event<events::purchase_order_created>(p.outcome);
      if (created == nullptr || created->lines.size() != order.lines.size()) {
        throw std::runtime_error("history: purchase_order_created does not match the order");
      }
      order.id = purchase_order_id{created->purchase_order_id};
      for (std::size_t i = 0; i < order.lines.size(); ++i) {
        order.lines[i].line = purchase_order_line_id{created->lines[i].line_id()};
      }
      schedule(branches_[order.branch].manager_tasks, sim_now_->load(), task_kind::approve_order,
               p.item);
      break;
    }
    case action::po_approve: {
      order_state& order = orders_[p.item];
      order.split = random_.chance(setup_phase_ ? 0.2 : 0.25);
      const std::int64_t lead_us =
          setup_phase_ ? 0 : random_.between(2 * us_per_hour, 26 * us_per_hour);
      schedule(branches_[order.branch].inventory_tasks, sim_now_->load() + lead_us,
               task_kind::receive_order, p.item);
      break;
    }
    case action::po_receive: {
      order_state& order = orders_[p.item];
      const auto* receipt = first_event<events::goods_receipt_recorded>(p.outcome);
      if (receipt == nullptr) throw std::runtime_error("history: goods receipt missing");
      // Receipt lines follow the order's lines (those with something left to receive).
      bool complete = true;
      std::size_t next = 0;
      for (order_line_state& line : order.lines) {
        if (next < receipt->lines.size() &&
            receipt->lines[next].purchase_order_line_id() == line.line.value) {
          line.received += receipt->lines[next].quantity();
          ++next;
        }
        complete = complete && line.received == line.quantity;
      }
      if (next != receipt->lines.size())
        throw std::runtime_error("history: receipt lines out of order");
      if (complete) {
        order.open = false;
      } else {
        const std::int64_t later_us =
            setup_phase_ ? 0 : random_.between(20 * us_per_hour, 3 * us_per_day);
        schedule(branches_[order.branch].inventory_tasks, sim_now_->load() + later_us,
                 task_kind::receive_order, p.item);
      }
      break;
    }
    case action::stock_count: {
      if (const auto* counted = first_event<events::stock_adjusted>(p.outcome)) {
        if (counted->system_quantity != p.expected_quantity) ++count_mismatches_;
      }
      break;
    }
    default:
      break;
  }
}

void history_generator::on_rejected(pending_command& p) {
  switch (p.what) {
    case action::customer_create: {
      tills_[p.owner].customer = customer_id{};
      break;
    }
    case action::cart_customer: {
      tills_[p.owner].customer = customer_id{};
      break;
    }
    case action::checkout: {
      // The cart stays open with its lines: take them out again before the next sale.
      till_state& till = tills_[p.owner];
      till.cleanup = std::move(till.cart);
      till.cart.clear();
      till.active = false;
      break;
    }
    case action::one_shot_sale: {
      tills_[p.owner].active = false;
      break;
    }
    case action::cart_remove: {
      tills_[p.owner].cleanup.clear();
      break;
    }
    case action::po_create: {
      orders_[p.item].open = false;
      break;
    }
    case action::po_approve:
    case action::po_receive: {
      // Give the order up: what it still owed is no longer on order.
      order_state& order = orders_[p.item];
      for (const order_line_state& line : order.lines) {
        on_order_[pair(order.branch, line.product)] -= line.quantity - line.received;
      }
      order.open = false;
      break;
    }
    default:
      break;
  }
}

// ------------------------------------------------------------------ set-up

history_summary history_generator::run() {
  const auto started = std::chrono::steady_clock::now();
  if (options_.branches < 1 || options_.products < 10 || options_.categories < 1 ||
      options_.suppliers < 1 || options_.cashiers_per_branch < 1 || options_.customers < 0 ||
      options_.days < 1 || options_.data_dir.empty()) {
    throw std::runtime_error("history: options out of range");
  }
  std::error_code ec;
  if (std::filesystem::exists(options_.data_dir, ec) &&
      !std::filesystem::is_empty(options_.data_dir, ec)) {
    throw std::runtime_error(fmt::format("history: {} is not empty", options_.data_dir));
  }

  ledger_options ledger;
  ledger.data_dir = options_.data_dir;
  // Benchmark data only: a crash while generating just means generating again, so the writer
  // does not wait for fsync (the bytes are the same as with sync_writes = true).
  ledger.sync_writes = false;
  ledger.snapshot_every_events = options_.snapshot_every_events;
  ledger.clock = [now = sim_now_] { return now->load(); };
  std::string error;
  host_ = ledger_host::open(ledger, error);
  if (!host_) throw std::runtime_error(fmt::format("history: cannot open the ledger: {}", error));
  processor_ = &host_->processor();
  if (processor_->head_sequence() != 0)
    throw std::runtime_error("history: the ledger is not empty");

  set_up();
  setup_phase_ = false;
  for (int day = 0; day < options_.days; ++day) {
    if (processor_->head_sequence() >= options_.target_events) break;
    simulate_day(day);
  }

  release_writer();
  host_->stop();
  summary_.events = processor_->head_sequence();
  // The mirror against the ledger's own model: they agree when every rule was modelled right.
  const write_model& model = processor_->model();
  for (std::size_t b = 0; b < branches_.size(); ++b) {
    for (std::size_t p = 0; p < products_.size(); ++p) {
      if (model.stock_of(branches_[b].id, products_[p].id) != on_hand_[pair(b, p)]) {
        ++summary_.stock_mismatches;
      }
    }
  }
  summary_.stock_mismatches += count_mismatches_;
  host_.reset();
  for (const auto& [code, count] : rejections_) {
    summary_.rejections.emplace_back(std::string(name_of(code)), count);
  }
  std::stable_sort(summary_.rejections.begin(), summary_.rejections.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  summary_.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary_;
}

void history_generator::set_up() {
  std::int64_t at_us = options_.start_us + us_per_hour;
  const auto next_time = [&at_us] { return at_us += us_per_second; };

  std::uint64_t ledger_namespace = random_.raw() & ledger_namespace_mask;
  if (ledger_namespace == 0) ledger_namespace = 1;
  add(user_id{},
      initialize_ledger{ledger_namespace, "VND", "admin@posledger.vn", password_hash,
                        "Quản trị hệ thống"},
      action::setup);
  setup_round(next_time());
  const auto* admin = first_event<events::user_created>(round_[0].outcome);
  if (admin == nullptr) throw std::runtime_error("history: initialize_ledger created no admin");
  admin_ = user_id{admin->user_id};
  round_.clear();
  requests_.clear();

  // Loyalty: one point per 100,000 đồng, a point is worth 1,000 đồng.
  add(admin_, set_loyalty_rule{100'000 * vnd, 1'000 * vnd}, action::setup);
  add(admin_,
      set_system_setting{"company_name", "Chuỗi cửa hàng tiện lợi Posledger", "general",
                         "Tên công ty"},
      action::setup);
  add(admin_, set_system_setting{"vat_rate", "8.00", "tax", "Thuế VAT mặc định (%)"},
      action::setup);
  add(admin_, set_system_setting{"return_days", "7", "policy", "Thời hạn đổi trả (ngày)"},
      action::setup);
  for (int b = 0; b < options_.branches; ++b) {
    const auto row = branch_rows[static_cast<std::size_t>(b) % std::size(branch_rows)];
    const std::string name = b < static_cast<int>(std::size(branch_rows))
                                 ? std::string(row.name)
                                 : fmt::format("{} {}", row.name, b / std::size(branch_rows) + 1);
    add(admin_,
        create_branch{fmt::format("CN{:02}", b + 1), name, std::string(row.address),
                      fmt::format("028{:08}", 38'000'000 + b * 1111)},
        action::setup);
  }
  setup_round(next_time());
  for (std::size_t i = 4; i < round_.size(); ++i) {
    const auto* created = first_event<events::branch_created>(round_[i].outcome);
    if (created == nullptr) throw std::runtime_error("history: branch not created");
    branch_state& branch = branches_.emplace_back();
    branch.id = branch_id{created->branch_id};
    branch.code = created->code;
  }
  round_.clear();
  requests_.clear();

  // Staff: an owner, and per branch a manager, the cashiers and a stock keeper.
  std::size_t person = 0;
  add(admin_,
      create_user{"chu.cuahang@posledger.vn", password_hash, person_name(person++), "0900000001",
                  user_role::OWNER, std::nullopt},
      action::setup);
  for (std::size_t b = 0; b < branches_.size(); ++b) {
    const std::string code = fmt::format("cn{:02}", b + 1);
    add(admin_,
        create_user{fmt::format("quanly.{}@posledger.vn", code), password_hash,
                    person_name(person++), fmt::format("0901{:06}", b * 100),
                    user_role::BRANCH_MANAGER, branches_[b].id},
        action::setup, b);
    add(admin_,
        create_user{fmt::format("kho.{}@posledger.vn", code), password_hash, person_name(person++),
                    fmt::format("0901{:06}", b * 100 + 1), user_role::INVENTORY_STAFF,
                    branches_[b].id},
        action::setup, b);
    for (int c = 0; c < options_.cashiers_per_branch; ++c) {
      add(admin_,
          create_user{fmt::format("thungan{}.{}@posledger.vn", c + 1, code), password_hash,
                      person_name(person++),
                      fmt::format("0901{:06}", b * 100 + 10 + static_cast<std::size_t>(c)),
                      user_role::CASHIER, branches_[b].id},
          action::setup, b);
    }
  }
  setup_round(next_time());
  for (const pending_command& p : round_) {
    const auto* created = first_event<events::user_created>(p.outcome);
    if (created == nullptr) throw std::runtime_error("history: user not created");
    const user_id user{created->user_id};
    switch (created->role) {
      case user_role::OWNER:
        owner_ = user;
        break;
      case user_role::BRANCH_MANAGER:
        branches_[p.owner].manager = user;
        break;
      case user_role::INVENTORY_STAFF:
        branches_[p.owner].inventory = user;
        break;
      default: {
        till_state& till = tills_.emplace_back();
        till.user = user;
        till.branch = p.owner;
        branches_[p.owner].tills.push_back(tills_.size() - 1);
        break;
      }
    }
  }
  round_.clear();
  requests_.clear();

  create_catalog();
  create_customers();
  stock_opening();
}

void history_generator::create_catalog() {
  std::int64_t at_us = options_.start_us + 2 * us_per_hour;
  for (int c = 0; c < options_.categories; ++c) {
    const std::size_t index = static_cast<std::size_t>(c);
    add(admin_,
        create_category{numbered(category_names, index),
                        fmt::format("Ngành hàng {}", numbered(category_names, index))},
        action::setup);
  }
  for (int s = 0; s < options_.suppliers; ++s) {
    const auto index = static_cast<std::size_t>(s);
    const std::string_view brand = brands[index % brands.size()];
    const std::string kind = index % 3 == 0   ? "Công ty TNHH Thực phẩm"
                             : index % 3 == 1 ? "Công ty CP Phân phối"
                                              : "Công ty TNHH Thương mại";
    add(admin_,
        create_supplier{
            fmt::format("NCC{:03}", s + 1),
            fmt::format("{} {}{}", kind, brand,
                        index < brands.size() ? "" : fmt::format(" {}", index / brands.size() + 1)),
            person_name(index * 11 + 5), fmt::format("028{:08}", 39'000'000 + s * 777),
            fmt::format("lienhe@ncc{:03}.vn", s + 1),
            fmt::format("{} Đường số {}, KCN Tân Bình, TP.HCM", 10 + s, s % 20 + 1)},
        action::setup);
  }
  setup_round(at_us += us_per_second);
  for (const pending_command& p : round_) {
    if (const auto* category = first_event<events::category_created>(p.outcome)) {
      categories_.push_back(category_id{category->category_id});
    } else if (const auto* supplier = first_event<events::supplier_created>(p.outcome)) {
      suppliers_.push_back(supplier_id{supplier->supplier_id});
    }
  }
  round_.clear();
  requests_.clear();

  // Products: a deterministic walk over (type, brand, variant, size) so names are distinct.
  const std::size_t product_count = static_cast<std::size_t>(options_.products);
  const std::uint64_t combinations = item_type_count * brands.size() * variants.size() * size_count;
  products_.resize(product_count);
  for (std::size_t i = 0; i < product_count; ++i) {
    std::uint64_t code = (static_cast<std::uint64_t>(i) * 1'000'003) % combinations;
    const std::size_t size = code % size_count;
    code /= size_count;
    const std::size_t variant = code % variants.size();
    code /= variants.size();
    const std::size_t brand = code % brands.size();
    code /= brands.size();
    const item_type& type = item_types[code % item_type_count];
    const std::string_view size_text = type.sizes == size_family::mass     ? mass_sizes[size]
                                       : type.sizes == size_family::volume ? volume_sizes[size]
                                                                           : count_sizes[size];
    std::string name = variant == 0 ? fmt::format("{} {} {}", type.name, brands[brand], size_text)
                                    : fmt::format("{} {} {} {}", type.name, brands[brand],
                                                  variants[variant], size_text);
    if (i >= combinations) name += fmt::format(" #{}", i / combinations + 1);

    // Price grows with the size inside the type's band, rounded to 500 đồng.
    const double position = static_cast<double>(size) / static_cast<double>(size_count - 1);
    const double band = static_cast<double>(type.price_min_vnd) +
                        static_cast<double>(type.price_max_vnd - type.price_min_vnd) * position;
    const double jittered = band * (0.85 + 0.3 * random_.unit());
    const std::int64_t price_vnd =
        std::clamp<std::int64_t>(std::llround(jittered / 500.0) * 500, 5'000, 500'000);
    const std::int64_t cost_vnd =
        std::llround(static_cast<double>(price_vnd) * (0.60 + 0.25 * random_.unit()));
    const double tax_draw = random_.unit();
    const std::uint32_t tax_rate = tax_draw < 0.10   ? 0
                                   : tax_draw < 0.25 ? 500
                                   : tax_draw < 0.80 ? 800
                                                     : 1000;

    product_info& info = products_[i];
    info.price = price_vnd * vnd;
    info.cost = cost_vnd * vnd;
    info.tax_rate = tax_rate;
    info.min_stock = static_cast<std::int32_t>(random_.between(5, 20));
    const auto category = static_cast<std::size_t>(type.category) % categories_.size();
    info.supplier = (category * 7 + i % 3) % suppliers_.size();

    create_product c;
    c.sku = fmt::format("SP{:06}", i + 1);
    c.barcode = barcode_for(i);
    c.name = std::move(name);
    c.description = random_.chance(0.3)
                        ? fmt::format("{} chính hãng {}, {}", type.name, brands[brand], size_text)
                        : "";
    c.unit = std::string(type.unit);
    c.cost_price = info.cost;
    c.selling_price = info.price;
    c.min_stock = info.min_stock;
    c.tax_rate = info.tax_rate;
    c.category = categories_[category];
    add(admin_, std::move(c), action::setup, 0, i);
    if (round_.size() == setup_round_commands_max || i + 1 == product_count) {
      setup_round(at_us += us_per_second);
      for (const pending_command& p : round_) {
        const auto* created = first_event<events::product_created>(p.outcome);
        if (created == nullptr) throw std::runtime_error("history: product not created");
        products_[p.item].id = product_id{created->product_id};
        product_index_.emplace(created->product_id, p.item);
      }
      round_.clear();
      requests_.clear();
    }
  }

  // Popularity: a Zipf-like law over a random order of the products (a long tail).
  std::vector<std::size_t> rank(product_count);
  for (std::size_t i = 0; i < product_count; ++i) rank[i] = i;
  std::shuffle(rank.begin(), rank.end(), std::mt19937_64(options_.seed ^ 0x5eed));
  std::vector<double> weight(product_count);
  double total_weight = 0;
  for (std::size_t r = 0; r < product_count; ++r) {
    weight[rank[r]] = std::pow(static_cast<double>(r) + 10.0, -0.9);
    total_weight += weight[rank[r]];
  }
  popularity_cumulative_.resize(product_count);
  double running = 0;
  for (std::size_t i = 0; i < product_count; ++i) {
    running += weight[i];
    popularity_cumulative_[i] = running;
  }

  // Stock levels from the expected demand: about 5.5 events per sale, 2.5 lines of 1.45 units.
  const double sales_per_branch_day =
      static_cast<double>(options_.target_events) * 0.9 / 5.5 / options_.days / options_.branches;
  const double units_per_branch_day = sales_per_branch_day * 2.5 * 1.45;
  for (std::size_t i = 0; i < product_count; ++i) {
    product_info& info = products_[i];
    const double demand = units_per_branch_day * weight[i] / total_weight;
    // The reorder point covers a week to the supplier's next ordering day plus the delivery.
    info.reorder_point =
        std::max(info.min_stock, static_cast<std::int32_t>(std::ceil(demand * 10)));
    info.order_up_to = std::max(info.reorder_point + info.min_stock * 2,
                                static_cast<std::int32_t>(std::ceil(demand * 24)));
  }
  products_by_supplier_.assign(suppliers_.size(), {});
  for (std::size_t i = 0; i < product_count; ++i)
    products_by_supplier_[products_[i].supplier].push_back(i);
  const std::size_t pairs = branches_.size() * product_count;
  on_hand_.assign(pairs, 0);
  reserved_.assign(pairs, 0);
  on_order_.assign(pairs, 0);
  low_flag_.assign(pairs, 0);
}

void history_generator::create_customers() {
  std::int64_t at_us = options_.start_us + 3 * us_per_hour;
  const auto count = static_cast<std::size_t>(options_.customers);
  for (std::size_t i = 0; i < count; ++i) {
    add(admin_,
        create_customer{person_name(i * 13 + 3), customer_phone(i),
                        random_.chance(0.4) ? fmt::format("khachhang{}@gmail.com", i + 1) : ""},
        action::setup);
    if (round_.size() == setup_round_commands_max || i + 1 == count) {
      setup_round(at_us += us_per_second);
      for (const pending_command& p : round_) {
        const auto* created = first_event<events::customer_created>(p.outcome);
        if (created == nullptr) throw std::runtime_error("history: customer not created");
        customers_.push_back(customer_id{created->customer_id});
      }
      round_.clear();
      requests_.clear();
    }
  }
  customers_created_ = count;
}

// Opening stock: every branch orders every product from its supplier, the manager approves and
// the stock keeper receives (some orders in two deliveries).
void history_generator::stock_opening() {
  std::int64_t at_us = options_.start_us + 4 * us_per_hour;
  for (std::size_t b = 0; b < branches_.size(); ++b) {
    const auto& by_supplier = products_by_supplier_;
    for (std::size_t s = 0; s < suppliers_.size(); ++s) {
      for (std::size_t first = 0; first < by_supplier[s].size(); first += opening_order_lines_max) {
        const std::size_t last = std::min(by_supplier[s].size(), first + opening_order_lines_max);
        const std::size_t index = orders_.size();
        order_state& order = orders_.emplace_back();
        order.supplier = s;
        order.branch = b;
        create_purchase_order c;
        c.supplier = suppliers_[s];
        c.notes = "Nhập hàng đầu kỳ";
        pending_command& p = add(branches_[b].inventory, command{}, action::po_create, b, index);
        for (std::size_t k = first; k < last; ++k) {
          const std::size_t product = by_supplier[s][k];
          const auto quantity = static_cast<std::int32_t>(std::max<double>(
              1, std::round(products_[product].order_up_to * (0.8 + 0.4 * random_.unit()))));
          order.lines.push_back(order_line_state{{}, product, quantity, 0});
          c.lines.push_back({products_[product].id, quantity, products_[product].cost});
          change(p, b, product, 0, 0, quantity);
        }
        requests_.back().body = std::move(c);
        if (round_.size() == setup_round_commands_max) {
          setup_round(at_us += us_per_second);
          round_.clear();
          requests_.clear();
        }
      }
    }
  }
  setup_round(at_us += us_per_second);
  // Approvals, then deliveries (a second one for split orders), until nothing is due.
  const int tasks_max =
      std::max<int>(1, static_cast<int>(setup_round_commands_max / (2 * branches_.size())));
  while (true) {
    round_.clear();
    requests_.clear();
    at_us += us_per_minute;
    for (std::size_t b = 0; b < branches_.size(); ++b) {
      plan_manager(b, at_us, tasks_max);
      plan_inventory(b, at_us, tasks_max);
    }
    if (round_.empty()) break;
    setup_round(at_us);
  }
  round_.clear();
  requests_.clear();
  for (const branch_state& branch : branches_) {
    if (!branch.manager_tasks.empty() || !branch.inventory_tasks.empty()) {
      throw std::runtime_error("history: opening stock did not settle");
    }
  }
}

// ------------------------------------------------------------------ the days

void history_generator::schedule(task_queue& queue, std::int64_t due_us, task_kind kind,
                                 std::size_t item) {
  queue.push(task{due_us, task_order_++, kind, item});
}

void history_generator::simulate_day(int day) {
  const std::int64_t midnight_us = options_.start_us + day * us_per_day;
  const std::int64_t open_us = midnight_us + opening_us;
  const std::int64_t close_us = midnight_us + closing_us;
  const std::uint64_t day_head = processor_->head_sequence();
  const std::uint64_t target = options_.target_events;
  const bool last_day = day + 1 == options_.days;
  // The events left, shared over the days left by how busy each day is.
  const auto weekday_of = [this](int d) {
    const std::int64_t days_since_epoch = (options_.start_us / us_per_day) + d;
    return static_cast<std::size_t>((days_since_epoch + 4) % 7);  // 1970-01-01 was a Thursday
  };
  double weight_left = 0;
  for (int d = day; d < options_.days; ++d) weight_left += activity_by_weekday[weekday_of(d)];
  const std::uint64_t events_left = target > day_head ? target - day_head : 0;
  const std::uint64_t day_budget =
      last_day ? events_left
               : static_cast<std::uint64_t>(static_cast<double>(events_left) *
                                            activity_by_weekday[weekday_of(day)] / weight_left);
  day_ = day;

  // Morning: the staff log in, the owner reprices a few products.
  round_.clear();
  requests_.clear();
  std::vector<user_id> staff;
  for (const branch_state& branch : branches_) {
    staff.push_back(branch.manager);
    staff.push_back(branch.inventory);
    for (const std::size_t t : branch.tills) staff.push_back(tills_[t].user);
  }
  const auto price_updates = random_.between(0, 20);
  if (price_updates > 0) staff.push_back(owner_);
  for (const user_id user : staff) add(user, log_in{user, random_.token()}, action::log_in);
  for (std::int64_t i = 0; i < price_updates; ++i) plan_price_update();
  run_round(open_us - 20 * us_per_minute);

  // The stock keepers' day: replenishment in the morning, counts and damage over the day, and
  // about one transfer a day across the chain.
  for (std::size_t b = 0; b < branches_.size(); ++b) {
    const auto at = [&](std::int64_t from_us, std::int64_t to_us) {
      return open_us + random_.between(from_us, to_us);
    };
    task_queue& queue = branches_[b].inventory_tasks;
    const std::int64_t day_us = closing_us - opening_us;
    schedule(queue, at(30 * us_per_minute, 2 * us_per_hour), task_kind::replenish);
    for (auto n = random_.between(1, 4); n > 0; --n)
      schedule(queue, at(0, day_us), task_kind::stock_out);
    for (auto n = random_.between(2, 4); n > 0; --n)
      schedule(queue, at(0, day_us), task_kind::stock_count);
    if (random_.chance(0.3)) schedule(queue, at(0, day_us), task_kind::stock_in);
    if (branches_.size() > 1 && random_.chance(1.0 / static_cast<double>(branches_.size()))) {
      schedule(queue, at(us_per_hour, day_us), task_kind::transfer);
    }
  }

  // Trading rounds: one command per till per round (every till serves a customer after the
  // other), plus the staff's due tasks. The clock moves through the opening hours in steps
  // sized so that the day's budget ends at closing time, and more slowly in busy hours, so that
  // busy hours hold more rounds and so more sales. The step is recomputed every round from
  // the events still to write and the recent events per round.
  if (events_per_round_ <= 0) events_per_round_ = static_cast<double>(tills_.size()) * 1.4 + 2;
  // The last day sells until the target itself: the log must hold at least that many events.
  const auto closing_reserve = last_day ? 0 : static_cast<std::uint64_t>(closing_events_);
  double busy_total = 0;  // the day's length in activity units (hours x activity)
  for (const double a : activity_by_hour) busy_total += a;
  double busy_done = 0;  // where the clock stands, in the same units
  const auto clock_at = [&](double busy) {
    std::size_t hour = 0;
    while (hour + 1 < activity_by_hour.size() && busy >= activity_by_hour[hour]) {
      busy -= activity_by_hour[hour];
      ++hour;
    }
    const double within = std::min(1.0, busy / activity_by_hour[hour]);
    return open_us + static_cast<std::int64_t>(hour) * us_per_hour +
           static_cast<std::int64_t>(within * static_cast<double>(us_per_hour));
  };
  std::int64_t now_us = open_us - 1'000;
  int idle_rounds = 0;
  std::uint64_t selling_stopped_head = 0;
  while (true) {
    const std::uint64_t head = processor_->head_sequence();
    const std::uint64_t written = head - day_head;
    const bool selling = written + closing_reserve < day_budget && head < target;
    if (selling) {
      const double events_to_go = static_cast<double>(day_budget - closing_reserve - written);
      const double rounds_to_go = std::max(1.0, events_to_go / events_per_round_);
      busy_done += (busy_total - busy_done) / (rounds_to_go + 0.5);
      now_us = std::max(clock_at(busy_done), now_us + 1'000);
    } else {
      if (selling_stopped_head == 0) selling_stopped_head = head;
      now_us += 30 * us_per_second;  // the last customers are served
    }
    round_.clear();
    requests_.clear();
    for (std::size_t t = 0; t < tills_.size(); ++t) plan_till(t, selling);
    const bool tills_busy = !round_.empty();
    for (std::size_t b = 0; b < branches_.size(); ++b) {
      plan_manager(b, now_us, 2);
      plan_inventory(b, now_us, 2);
    }
    if (!round_.empty()) {
      run_round(now_us);
      idle_rounds = 0;
      if (selling) {
        const auto measured = static_cast<double>(processor_->head_sequence() - head);
        events_per_round_ = 0.95 * events_per_round_ + 0.05 * measured;
      }
    } else if (selling && ++idle_rounds > 1000) {
      break;  // nothing left to sell anywhere
    }
    if (!tills_busy && !selling) break;
  }

  // Closing: everybody logs out (carts are empty: tills finish their sale before).
  round_.clear();
  requests_.clear();
  for (const user_id user : staff) add(user, log_out{}, action::log_out);
  run_round(std::max(close_us + 15 * us_per_minute, now_us + 1'000));
  if (selling_stopped_head != 0) {
    const auto measured = static_cast<double>(processor_->head_sequence() - selling_stopped_head);
    closing_events_ = closing_events_ <= 0 ? measured : 0.5 * closing_events_ + 0.5 * measured;
  }
}

void history_generator::plan_price_update() {
  const std::size_t index = random_.index(products_.size());
  product_info& info = products_[index];
  const double factor = 1.0 + static_cast<double>(random_.between(-5, 12)) / 100.0;
  const std::int64_t price_vnd = std::clamp<std::int64_t>(
      std::llround(static_cast<double>(info.price / vnd) * factor / 500.0) * 500, 5'000, 500'000);
  const std::int64_t cost_vnd =
      std::llround(static_cast<double>(info.cost) / static_cast<double>(info.price) *
                   static_cast<double>(price_vnd));
  info.price = price_vnd * vnd;
  info.cost = cost_vnd * vnd;
  update_product u;
  u.product = info.id;
  u.selling_price = info.price;
  u.cost_price = info.cost;
  add(owner_, std::move(u), action::price_update, 0, index);
}

std::size_t history_generator::pick_product() {
  const double x = random_.unit() * popularity_cumulative_.back();
  const auto it = std::upper_bound(popularity_cumulative_.begin(), popularity_cumulative_.end(), x);
  return std::min(static_cast<std::size_t>(it - popularity_cumulative_.begin()),
                  products_.size() - 1);
}

// Regulars come more often: the square of a uniform draw favours the first customers.
customer_id history_generator::pick_customer() {
  if (customers_.empty()) return customer_id{};
  const double u = random_.unit();
  return customers_[std::min(
      customers_.size() - 1,
      static_cast<std::size_t>(u * u * static_cast<double>(customers_.size())))];
}

void history_generator::start_sale(till_state& till) {
  till.active = true;
  till.one_shot = random_.chance(0.10);
  till.planned.clear();
  till.next_line = 0;
  till.cart.clear();
  till.customer = customer_id{};
  till.wants_new_customer = false;
  till.customer_attached = false;
  const double draw = random_.unit();
  const int lines = draw < 0.30 ? 1 : draw < 0.55 ? 2 : draw < 0.75 ? 3 : draw < 0.90 ? 4 : 5;
  for (int l = 0; l < lines; ++l) {
    for (int attempt = 0; attempt < 6; ++attempt) {
      const std::size_t product = pick_product();
      const bool duplicate =
          std::any_of(till.planned.begin(), till.planned.end(),
                      [product](const auto& line) { return line.first == product; });
      if (duplicate) continue;
      const double q = random_.unit();
      const std::int32_t quantity = q < 0.65 ? 1 : q < 0.90 ? 2 : 3;
      if (available(till.branch, product) < quantity) continue;
      till.planned.emplace_back(product, quantity);
      break;
    }
  }
  if (random_.chance(0.30)) {
    if (!till.one_shot && random_.chance(0.03)) {
      till.wants_new_customer = true;
    } else {
      till.customer = pick_customer();
    }
  }
}

// A free till takes the next customer while `may_start` (until the day's budget is spent); a
// till in the middle of a sale always goes on.
void history_generator::plan_till(std::size_t t, bool may_start) {
  till_state& till = tills_[t];
  if (!till.cleanup.empty()) {
    const cart_entry line = till.cleanup.back();
    till.cleanup.pop_back();
    pending_command& p = add(till.user, remove_cart_line{line.line}, action::cart_remove, t);
    change(p, till.branch, line.product, 0, -line.quantity, 0);
    return;
  }
  if (!till.active) {
    if (!may_start) return;
    start_sale(till);
  }
  if (till.one_shot) {
    plan_one_shot(t);
    return;
  }
  while (till.next_line < till.planned.size()) {
    const auto [product, quantity] = till.planned[till.next_line++];
    if (available(till.branch, product) < quantity) continue;  // sold out meanwhile
    pending_command& p = add(till.user, add_cart_line{products_[product].id, quantity},
                             action::cart_add, t, product);
    change(p, till.branch, product, 0, quantity, 0);
    return;
  }
  if (till.cart.empty()) {  // nothing the customer wanted was in stock
    till.active = false;
    return;
  }
  if (till.wants_new_customer) {
    till.wants_new_customer = false;
    const std::size_t n = customers_created_++;
    add(till.user,
        create_customer{person_name(n * 13 + 3), customer_phone(n),
                        random_.chance(0.4) ? fmt::format("khachhang{}@gmail.com", n + 1) : ""},
        action::customer_create, t);
    return;
  }
  if (till.customer && !till.customer_attached) {
    till.customer_attached = true;
    add(till.user, set_cart_customer{till.customer}, action::cart_customer, t);
    return;
  }
  plan_checkout(t);
}

void history_generator::plan_checkout(std::size_t t) {
  till_state& till = tills_[t];
  std::vector<money::taxed_amount> taxed;
  std::int64_t subtotal = 0;
  for (const cart_entry& line : till.cart) {
    const std::int64_t amount = line.unit_price * line.quantity;
    subtotal += amount;
    taxed.push_back({amount, products_[line.product].tax_rate});
  }
  const std::int64_t pre_discount = subtotal + money::tax_amount(taxed);
  check_out_cart c;
  c.discount_amount = discount_for(pre_discount);
  c.tenders = tenders_for(pre_discount - c.discount_amount);
  c.notes = sale_note();
  pending_command& p = add(till.user, std::move(c), action::checkout, t);
  for (const cart_entry& line : till.cart) {
    change(p, till.branch, line.product, -line.quantity, -line.quantity, 0);
  }
}

void history_generator::plan_one_shot(std::size_t t) {
  till_state& till = tills_[t];
  record_sale sale;
  std::vector<money::taxed_amount> taxed;
  std::int64_t subtotal = 0;
  std::vector<std::pair<std::size_t, std::int32_t>> lines;
  for (const auto& [product, quantity] : till.planned) {
    if (available(till.branch, product) < quantity) continue;
    const std::int64_t amount = products_[product].price * quantity;
    subtotal += amount;
    taxed.push_back({amount, products_[product].tax_rate});
    sale.lines.push_back({products_[product].id, quantity});
    lines.emplace_back(product, quantity);
  }
  till.planned.clear();
  if (lines.empty()) {
    till.active = false;
    return;
  }
  const std::int64_t pre_discount = subtotal + money::tax_amount(taxed);
  if (till.customer) sale.customer = till.customer;
  sale.discount_amount = discount_for(pre_discount);
  sale.tenders = tenders_for(pre_discount - sale.discount_amount);
  sale.notes = sale_note();
  pending_command& p = add(till.user, std::move(sale), action::one_shot_sale, t);
  for (const auto& [product, quantity] : lines) change(p, till.branch, product, -quantity, 0, 0);
}

std::int64_t history_generator::discount_for(std::int64_t pre_discount) {
  if (!random_.chance(0.04)) return 0;
  const std::int64_t percent = random_.between(1, 10);
  const std::int64_t step = 1'000 * vnd;  // discounts in whole thousands of đồng
  return pre_discount * percent / 100 / step * step;
}

std::string history_generator::sale_note() {
  return random_.chance(0.02) ? std::string(random_.pick(sale_notes)) : std::string{};
}

// How Vietnamese shoppers pay: mostly cash rounded up to a banknote, then transfers and
// e-wallets for the exact amount, a few split between cash and an e-wallet.
std::vector<tender> history_generator::tenders_for(std::int64_t total) {
  const auto round_up = [](std::int64_t amount, std::int64_t step) {
    return (amount + step - 1) / step * step;
  };
  std::vector<tender> tenders;
  if (total <= 0) {
    tenders.push_back({payment_method::CASH, 0, ""});
    return tenders;
  }
  const double draw = random_.unit();
  if (draw < 0.42) {
    tenders.push_back({payment_method::CASH, round_up(total, 10'000 * vnd), ""});
  } else if (draw < 0.56) {
    tenders.push_back({payment_method::CASH, round_up(total, 50'000 * vnd), ""});
  } else if (draw < 0.64) {
    std::int64_t note = 0;
    for (const std::int64_t candidate : {100'000 * vnd, 200'000 * vnd, 500'000 * vnd}) {
      if (note == 0 && candidate >= total) note = candidate;
    }
    tenders.push_back(
        {payment_method::CASH, note != 0 ? note : round_up(total, 500'000 * vnd), ""});
  } else if (draw < 0.68) {
    tenders.push_back({payment_method::CASH, total, ""});
  } else if (draw < 0.80) {
    tenders.push_back({payment_method::BANK_TRANSFER, total,
                       fmt::format("FT{:012}", random_.between(0, 999'999'999'999))});
  } else if (draw < 0.92) {
    tenders.push_back(
        {payment_method::E_WALLET, total,
         fmt::format("{}{:010}", random_.pick(wallets), random_.between(0, 9'999'999'999))});
  } else {
    const std::int64_t cash =
        total * random_.between(30, 70) / 100 / (10'000 * vnd) * (10'000 * vnd);
    const std::string reference =
        fmt::format("{}{:010}", random_.pick(wallets), random_.between(0, 9'999'999'999));
    if (cash > 0 && cash < total) {
      tenders.push_back({payment_method::CASH, cash, ""});
      tenders.push_back({payment_method::E_WALLET, total - cash, reference});
    } else {
      tenders.push_back({payment_method::E_WALLET, total, reference});
    }
  }
  return tenders;
}

void history_generator::remember_sale(const events::sale_completed& sale, std::size_t branch) {
  const double draw = random_.unit();
  if (draw >= 0.025) return;
  sale_state& kept = sales_.emplace_back();
  kept.id = sale_id{sale.sale_id};
  kept.branch = branch;
  kept.sold_at_us = sim_now_->load();
  for (const auto& line : sale.lines) {
    kept.lines.push_back(sale_line_state{sale_line_id{line.line_id()},
                                         product_index_.at(line.product_id()), line.quantity(), 0});
  }
  task_queue& queue = branches_[branch].manager_tasks;
  if (draw < 0.02) {
    // Returns: mostly within a day or two, never after six days (the window is seven).
    const double u = random_.unit();
    const auto delay_us =
        static_cast<std::int64_t>(20.0 * us_per_minute + u * u * 6.0 * us_per_day);
    schedule(queue, kept.sold_at_us + delay_us, task_kind::take_return, sales_.size() - 1);
  } else {
    schedule(queue, kept.sold_at_us + random_.between(us_per_minute, 90 * us_per_minute),
             task_kind::cancel_invoice, sales_.size() - 1);
  }
}

void history_generator::plan_manager(std::size_t b, std::int64_t now_us, int tasks_max) {
  branch_state& branch = branches_[b];
  for (int done = 0; done < tasks_max;) {
    if (branch.manager_tasks.empty() || branch.manager_tasks.top().due_us > now_us) return;
    const task next = branch.manager_tasks.top();
    branch.manager_tasks.pop();
    switch (next.kind) {
      case task_kind::approve_order: {
        add(branch.manager, approve_purchase_order{orders_[next.item].id}, action::po_approve, b,
            next.item);
        break;
      }
      case task_kind::take_return: {
        sale_state& sale = sales_[next.item];
        if (now_us > sale.sold_at_us + limits::return_window_us - us_per_hour) continue;
        return_sale r;
        r.sale = sale.id;
        const std::string_view reason = random_.pick(return_reasons);
        r.reason = std::string(reason);
        const std::size_t count =
            std::min<std::size_t>(sale.lines.size(), random_.chance(0.7) ? 1 : 2);
        const std::size_t first = random_.index(sale.lines.size());
        pending_command& p = add(branch.manager, command{}, action::return_sale, b, next.item);
        for (std::size_t k = 0; k < count; ++k) {
          sale_line_state& line = sale.lines[(first + k) % sale.lines.size()];
          const std::int32_t left = line.quantity - line.returned;
          if (left <= 0) continue;
          const auto quantity = static_cast<std::int32_t>(random_.between(1, left));
          line.returned += quantity;
          r.lines.push_back({line.line, quantity, reason == "Hàng lỗi" ? "DAMAGED" : "GOOD"});
          change(p, sale.branch, line.product, quantity, 0, 0);
        }
        if (r.lines.empty()) {  // nothing left to return
          round_.pop_back();
          requests_.pop_back();
          continue;
        }
        requests_.back().body = std::move(r);
        break;
      }
      case task_kind::cancel_invoice: {
        sale_state& sale = sales_[next.item];
        pending_command& p =
            add(branch.manager, cancel_sale{sale.id, std::string(random_.pick(cancel_reasons))},
                action::cancel_sale, b, next.item);
        for (sale_line_state& line : sale.lines) {
          const std::int32_t left = line.quantity - line.returned;
          if (left > 0) change(p, sale.branch, line.product, left, 0, 0);
          line.returned = line.quantity;
        }
        break;
      }
      default:
        throw std::runtime_error("history: stock task queued for a manager");
    }
    ++done;
  }
}

void history_generator::plan_inventory(std::size_t b, std::int64_t now_us, int tasks_max) {
  branch_state& branch = branches_[b];
  for (int done = 0; done < tasks_max; ++done) {
    if (branch.inventory_tasks.empty() || branch.inventory_tasks.top().due_us > now_us) return;
    const task next = branch.inventory_tasks.top();
    branch.inventory_tasks.pop();
    switch (next.kind) {
      case task_kind::stock_out: {
        for (int attempt = 0; attempt < 10; ++attempt) {
          const std::size_t product = random_.index(products_.size());
          const std::int32_t free = available(b, product);
          if (free < 1) continue;
          const auto quantity = static_cast<std::int32_t>(random_.between(1, std::min(3, free)));
          pending_command& p = add(branch.inventory,
                                   issue_stock{products_[product].id, quantity,
                                               std::string(random_.pick(stock_out_reasons)),
                                               "Phát hiện khi kiểm tra kệ hàng"},
                                   action::stock_out, b, product);
          change(p, b, product, -quantity, 0, 0);
          break;
        }
        break;
      }
      case task_kind::stock_count: {
        // Counts favour products that sell (the shelves people look at), found by popularity.
        const std::size_t product =
            random_.chance(0.5) ? pick_product() : random_.index(products_.size());
        const std::size_t at = pair(b, product);
        const double draw = random_.unit();
        std::int32_t counted = on_hand_[at];
        if (draw < 0.20) {
          counted -= static_cast<std::int32_t>(random_.between(1, 3));
        } else if (draw < 0.30) {
          counted += static_cast<std::int32_t>(random_.between(1, 2));
        }
        counted = std::max(counted, reserved_[at]);  // units in open carts are on the shelf
        pending_command& p = add(
            branch.inventory,
            adjust_stock{products_[product].id, counted, std::string(random_.pick(count_reasons))},
            action::stock_count, b, product);
        p.expected_quantity = on_hand_[at];
        change(p, b, product, counted - on_hand_[at], 0, 0);
        break;
      }
      case task_kind::stock_in: {
        const std::size_t product = pick_product();
        const product_info& info = products_[product];
        const auto quantity = static_cast<std::int32_t>(random_.between(6, 24));
        pending_command& p =
            add(branch.inventory,
                receive_stock{info.id, quantity, info.cost, suppliers_[info.supplier],
                              fmt::format("PN-{}-{:05}", branch.code, ++stock_in_number_),
                              "Nhập hàng lẻ từ nhà cung cấp"},
                action::stock_in, b, product);
        change(p, b, product, quantity, 0, 0);
        break;
      }
      case task_kind::transfer:
        plan_transfer(b);
        break;
      case task_kind::replenish:
        plan_replenish(b);
        break;
      case task_kind::receive_order:
        if (orders_[next.item].open) plan_receipt(next.item);
        break;
      default:
        throw std::runtime_error("history: manager task queued for a stock keeper");
    }
  }
}

// Replenishment. Each supplier takes a branch's order once a week, on its ordering day: the
// order brings every product of that supplier that fell below its reorder point or under 60 %
// of its target back to the target. A product that runs nearly dry before its supplier's day
// is ordered at once (a small urgent order).
void history_generator::plan_replenish(std::size_t b) {
  branch_state& branch = branches_[b];
  const auto ordering_day = [&](std::size_t supplier) {
    return (static_cast<std::size_t>(day_) + supplier + b) % ordering_every_days == 0;
  };
  const auto quantity_for = [&](std::size_t product) {
    const product_info& info = products_[product];
    return std::max(info.min_stock, info.order_up_to - on_hand_[pair(b, product)]);
  };
  std::vector<std::vector<std::pair<std::size_t, std::int32_t>>> by_supplier(suppliers_.size());
  std::vector<std::size_t> still_low;
  for (const std::size_t product : branch.low) {
    const std::size_t at = pair(b, product);
    const product_info& info = products_[product];
    const std::int32_t free = available(b, product);
    if (free >= info.reorder_point) {
      low_flag_[at] = 0;
      continue;
    }
    if (on_order_[at] > 0 || ordering_day(info.supplier) || free > info.reorder_point / 4) {
      still_low.push_back(product);  // on its way, ordered below, or can wait for the day
      continue;
    }
    low_flag_[at] = 0;
    by_supplier[info.supplier].emplace_back(product, quantity_for(product));
  }
  for (std::size_t s = 0; s < suppliers_.size(); ++s) {
    if (!ordering_day(s)) continue;
    for (const std::size_t product : products_by_supplier_[s]) {
      const std::size_t at = pair(b, product);
      const product_info& info = products_[product];
      const std::int32_t free = available(b, product);
      if (on_order_[at] > 0) continue;
      if (free >= info.reorder_point &&
          std::int64_t{free} * 5 >= std::int64_t{info.order_up_to} * 3) {
        continue;
      }
      by_supplier[s].emplace_back(product, quantity_for(product));
    }
  }
  branch.low = std::move(still_low);
  for (std::size_t s = 0; s < suppliers_.size(); ++s) {
    const auto& wanted = by_supplier[s];
    for (std::size_t first = 0; first < wanted.size(); first += replenish_order_lines_max) {
      const std::size_t last = std::min(wanted.size(), first + replenish_order_lines_max);
      const std::size_t index = orders_.size();
      order_state& order = orders_.emplace_back();
      order.supplier = s;
      order.branch = b;
      create_purchase_order c;
      c.supplier = suppliers_[s];
      c.notes = "Đặt hàng bổ sung tồn kho";
      pending_command& p = add(branch.inventory, command{}, action::po_create, b, index);
      for (std::size_t k = first; k < last; ++k) {
        const auto [product, quantity] = wanted[k];
        order.lines.push_back(order_line_state{{}, product, quantity, 0});
        c.lines.push_back({products_[product].id, quantity, products_[product].cost});
        change(p, b, product, 0, 0, quantity);
      }
      requests_.back().body = std::move(c);
    }
  }
}

// A delivery against an approved order; a split order comes in two deliveries.
void history_generator::plan_receipt(std::size_t index) {
  order_state& order = orders_[index];
  const bool first_delivery = std::all_of(order.lines.begin(), order.lines.end(),
                                          [](const auto& line) { return line.received == 0; });
  receive_goods r;
  r.purchase_order = order.id;
  r.supplier = suppliers_[order.supplier];
  const bool partial = order.split && first_delivery;
  r.notes = partial ? "Nhận hàng đợt 1" : first_delivery ? "Nhận đủ hàng" : "Nhận hàng đợt 2";
  pending_command& p =
      add(branches_[order.branch].inventory, command{}, action::po_receive, order.branch, index);
  for (const order_line_state& line : order.lines) {
    std::int32_t quantity = line.quantity - line.received;
    if (partial && quantity >= 2) {
      quantity = std::max<std::int32_t>(
          1, static_cast<std::int32_t>(quantity * random_.between(50, 80) / 100));
    }
    if (quantity <= 0) continue;
    r.lines.push_back(
        {line.line, products_[line.product].id, quantity, products_[line.product].cost});
    change(p, order.branch, line.product, quantity, 0, -quantity);
  }
  requests_.back().body = std::move(r);
}

// Stock moves from this branch to one that runs low on what this branch has plenty of.
void history_generator::plan_transfer(std::size_t b) {
  std::size_t destination = random_.index(branches_.size() - 1);
  if (destination >= b) ++destination;
  transfer_stock t;
  t.source = branches_[b].id;
  t.destination = branches_[destination].id;
  t.notes = random_.chance(0.5) ? "Điều chuyển hàng bổ sung" : "Cân đối tồn kho giữa chi nhánh";
  pending_command& p = add(branches_[b].inventory, command{}, action::transfer, b);
  std::vector<std::size_t> chosen;
  const auto wanted = static_cast<std::size_t>(random_.between(1, 8));
  for (int attempt = 0; attempt < 40 && chosen.size() < wanted; ++attempt) {
    const std::size_t product = pick_product();
    if (std::find(chosen.begin(), chosen.end(), product) != chosen.end()) continue;
    const product_info& info = products_[product];
    const std::int32_t spare = available(b, product) - info.reorder_point;
    if (spare < 2) continue;
    const std::int32_t gap = info.order_up_to - on_hand_[pair(destination, product)];
    const std::int32_t quantity = std::clamp(gap, 1, spare / 2);
    chosen.push_back(product);
    t.lines.push_back({info.id, quantity});
    change(p, b, product, -quantity, 0, 0);
    change(p, destination, product, quantity, 0, 0);
  }
  if (t.lines.empty()) {
    round_.pop_back();
    requests_.pop_back();
    return;
  }
  requests_.back().body = std::move(t);
}

}  // namespace

history_summary generate_history(const history_options& options) {
  history_generator generator(options);
  return generator.run();
}

}  // namespace ledger::bench
