// Sample events for tests/events/*: see sample_events.h. Every value here is frozen by a golden
// file in tests/golden/; edit a sample only together with its golden file.
#include "tests/events/sample_events.h"

#include <memory>

namespace ledger::testing {
namespace {

namespace ev = ledger::events;

// 2025-06-01T08:30:00.123456Z, the time the samples pretend to describe.
constexpr std::int64_t sample_time_us = 1'748'766'600'123'456;

// 32 distinct bytes starting at `first` (a SHA-256-sized token hash).
std::vector<std::uint8_t> hash_bytes(std::uint8_t first) {
  std::vector<std::uint8_t> bytes(32);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<std::uint8_t>(first + 7 * i);
  }
  return bytes;
}

ev::event make_ledger_initialized() {
  ev::ledger_initialized e;
  e.ledger_namespace = 0x0123456789ab;
  e.format_version = 1;
  e.currency = "VND";
  return e;
}

ev::event make_system_setting_set() {
  ev::system_setting_set e;
  e.key = "store.receipt_footer";
  e.value = "Cảm ơn quý khách, hẹn gặp lại!";
  e.group = "hóa đơn";
  e.description = "Dòng cuối trên hóa đơn bán lẻ";
  return e;
}

ev::event make_branch_created() {
  ev::branch_created e;
  e.branch_id = 101;
  e.code = "BR-001";
  e.name = "Chi nhánh Quận 1";
  e.address = "12 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh";
  e.phone = "028 3822 1234";
  return e;
}

ev::event make_branch_updated() {
  ev::branch_updated e;
  e.branch_id = 101;
  e.code = "BR-001A";
  e.name = "Chi nhánh Bến Thành";
  e.address = "45 Phạm Ngũ Lão, Quận 1, TP. Hồ Chí Minh";
  e.phone = "028 3822 5678";
  return e;
}

ev::event make_branch_activation_changed() {
  ev::branch_activation_changed e;
  e.branch_id = 101;
  e.is_active = true;
  return e;
}

ev::event make_user_created() {
  ev::user_created e;
  e.user_id = 202;
  e.email = "thu.ngan@cuahang.vn";
  e.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
  e.full_name = "Nguyễn Thị Thu Ngân";
  e.phone = "0901234567";
  e.role = ev::user_role::CASHIER;
  e.branch_id = 101;
  return e;
}

ev::event make_user_updated() {
  ev::user_updated e;
  e.user_id = 202;
  e.email = "quan.ly@cuahang.vn";
  e.full_name = "Trần Văn Quản Lý";
  e.phone = "0912345678";
  e.role = ev::user_role::BRANCH_MANAGER;
  e.branch_id = 103;
  e.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$bmV3c2FsdA$bmV3aGFzaA";
  return e;
}

ev::event make_user_activation_changed() {
  ev::user_activation_changed e;
  e.user_id = 202;
  e.is_active = true;
  return e;
}

ev::event make_user_password_changed() {
  ev::user_password_changed e;
  e.user_id = 202;
  e.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$b3du$b3duaGFzaA";
  return e;
}

ev::event make_user_password_reset_requested() {
  ev::user_password_reset_requested e;
  e.user_id = 202;
  e.token_hash = hash_bytes(0x11);
  e.expires_at_us = sample_time_us + 3'600'000'000;
  return e;
}

ev::event make_user_password_reset_completed() {
  ev::user_password_reset_completed e;
  e.user_id = 202;
  e.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$cmVzZXQ$cmVzZXRoYXNo";
  return e;
}

ev::event make_user_logged_in() {
  ev::user_logged_in e;
  e.user_id = 202;
  e.refresh_token_hash = hash_bytes(0x22);
  return e;
}

ev::event make_user_logged_out() {
  ev::user_logged_out e;
  e.user_id = 202;
  return e;
}

ev::event make_user_session_refreshed() {
  ev::user_session_refreshed e;
  e.user_id = 202;
  e.refresh_token_hash = hash_bytes(0x33);
  return e;
}

ev::event make_category_created() {
  ev::category_created e;
  e.category_id = 301;
  e.name = "Đồ uống";
  e.description = "Nước giải khát, cà phê, trà";
  return e;
}

ev::event make_category_updated() {
  ev::category_updated e;
  e.category_id = 301;
  e.name = "Đồ uống đóng chai";
  e.description = "Nước ngọt, nước suối, trà đóng chai";
  return e;
}

ev::event make_category_deleted() {
  ev::category_deleted e;
  e.category_id = 301;
  return e;
}

ev::event make_product_created() {
  ev::product_created e;
  e.product_id = 401;
  e.sku = "CF-SUA-DA-330";
  e.barcode = "8934588012345";
  e.name = "Cà phê sữa đá lon 330ml";
  e.description = "Cà phê pha phin, sữa đặc, đóng lon";
  e.unit = "lon";
  e.cost_price = 1'250'000;    // 12500.00
  e.selling_price = 1'800'000; // 18000.00
  e.min_stock = 24;
  e.tax_rate = 800;            // 8 %
  e.category_id = 301;
  return e;
}

ev::event make_product_updated() {
  ev::product_updated e;
  e.product_id = 401;
  e.sku = "CF-SUA-DA-330B";
  e.barcode = "8934588012346";
  e.name = "Cà phê sữa đá lon 330ml (mới)";
  e.description = "Công thức mới, ít đường";
  e.unit = "thùng";
  e.cost_price = 1'300'050;
  e.selling_price = 1'900'025;
  e.min_stock = 36;
  e.tax_rate = 1050;           // 10.5 %
  e.category_id = 302;
  return e;
}

ev::event make_product_activation_changed() {
  ev::product_activation_changed e;
  e.product_id = 401;
  e.is_active = true;
  return e;
}

ev::event make_supplier_created() {
  ev::supplier_created e;
  e.supplier_id = 501;
  e.code = "SUP-001";
  e.name = "Công ty TNHH Nước Giải Khát Sài Gòn";
  e.contact_person = "Lê Hoàng Phúc";
  e.phone = "028 3811 0000";
  e.email = "dathang@nuocgiaikhat.vn";
  e.address = "KCN Tân Bình, Quận Tân Phú, TP. Hồ Chí Minh";
  return e;
}

ev::event make_supplier_updated() {
  ev::supplier_updated e;
  e.supplier_id = 501;
  e.code = "SUP-001B";
  e.name = "Công ty CP Đồ Uống Miền Nam";
  e.contact_person = "Phạm Thị Hương";
  e.phone = "028 3811 9999";
  e.email = "muahang@douongmiennam.vn";
  e.address = "Lô A2, KCN Vĩnh Lộc, Bình Chánh";
  return e;
}

ev::event make_supplier_activation_changed() {
  ev::supplier_activation_changed e;
  e.supplier_id = 501;
  e.is_active = true;
  return e;
}

ev::event make_customer_created() {
  ev::customer_created e;
  e.customer_id = 601;
  e.name = "Đặng Minh Khôi";
  e.phone = "0987654321";
  e.email = "khoi.dang@example.vn";
  return e;
}

ev::event make_customer_updated() {
  ev::customer_updated e;
  e.customer_id = 601;
  e.name = "Đặng Minh Khôi (VIP)";
  e.phone = "0987000111";
  e.email = "khoi@example.vn";
  return e;
}

ev::event make_loyalty_rule_set() {
  ev::loyalty_rule_set e;
  e.spend_per_point = 10'000'000;  // one point per 100000.00
  e.point_value = 100'000;         // a point is worth 1000.00
  return e;
}

ev::event make_loyalty_points_earned() {
  ev::loyalty_points_earned e;
  e.customer_id = 601;
  e.sale_id = 901;
  e.points = 3;
  e.amount_spent = 35'750'000;
  e.reference = "INV-20250601-0ABCDEFG0001";
  return e;
}

// Pairs a return's id with the cancellation reason so that every field is non-default (the
// enum's default is sale_returned); decide never emits this combination, the codec does not care.
ev::event make_loyalty_points_deducted() {
  ev::loyalty_points_deducted e;
  e.customer_id = 601;
  e.sale_id = 901;
  e.return_id = 931;
  e.points = 2;
  e.points_computed = 3;
  e.reason = ev::loyalty_deduction_reason::sale_cancelled;
  e.reference = "RET-20250602-0ABCDEFH0001";
  return e;
}

ev::event make_stock_received() {
  ev::stock_received e;
  e.branch_id = 101;
  e.product_id = 401;
  e.quantity = 48;
  e.quantity_after = 60;
  e.unit_cost = 1'250'000;
  e.supplier_id = 501;
  e.reference = "PN-0042";
  e.note = "Nhập hàng đầu tháng";
  return e;
}

ev::event make_stock_issued() {
  ev::stock_issued e;
  e.branch_id = 101;
  e.product_id = 401;
  e.quantity = 5;
  e.quantity_after = 55;
  e.reason = "DAMAGED";
  e.note = "Lon bị móp khi vận chuyển";
  return e;
}

ev::event make_stock_adjusted() {
  ev::stock_adjusted e;
  e.adjustment_id = 711;
  e.branch_id = 101;
  e.product_id = 401;
  e.system_quantity = 55;
  e.counted_quantity = 53;
  e.reason = "Kiểm kê cuối tháng";
  return e;
}

ev::event make_stock_transferred() {
  ev::stock_transferred e;
  e.transfer_id = 721;
  e.reference_number = "TF-20250601-0ABCDEFG0001";
  e.source_branch_id = 101;
  e.destination_branch_id = 103;
  e.notes = "Điều chuyển hàng sang chi nhánh Tân Bình";
  e.lines = {ev::transfer_line(401, 10, 43, 12), ev::transfer_line(402, 4, 20, 7)};
  return e;
}

ev::event make_cart_opened() {
  ev::cart_opened e;
  e.cart_id = 801;
  e.cashier_id = 202;
  e.branch_id = 101;
  return e;
}

ev::event make_cart_line_added() {
  ev::cart_line_added e;
  e.cart_id = 801;
  e.line_id = 802;
  e.product_id = 401;
  e.quantity = 2;
  e.unit_price = 1'800'000;
  return e;
}

ev::event make_cart_line_quantity_changed() {
  ev::cart_line_quantity_changed e;
  e.cart_id = 801;
  e.line_id = 802;
  e.quantity = 3;
  return e;
}

ev::event make_cart_line_removed() {
  ev::cart_line_removed e;
  e.cart_id = 801;
  e.line_id = 802;
  return e;
}

ev::event make_cart_customer_attached() {
  ev::cart_customer_attached e;
  e.cart_id = 801;
  e.customer_id = 601;
  return e;
}

ev::event make_cart_customer_detached() {
  ev::cart_customer_detached e;
  e.cart_id = 801;
  return e;
}

ev::event make_cart_checked_out() {
  ev::cart_checked_out e;
  e.cart_id = 801;
  e.sale_id = 901;
  return e;
}

std::unique_ptr<ev::payment> make_payment(std::uint64_t id, ev::payment_method method,
                                          std::int64_t amount, std::int64_t change_due,
                                          std::string reference) {
  auto p = std::make_unique<ev::payment>();
  p->payment_id = id;
  p->method = method;
  p->amount = amount;
  p->change_due = change_due;
  p->reference = std::move(reference);
  return p;
}

// Two lines (3 x 18000.00 at 8 %, 1 x 9990.00 at 10 %), a discount, and two payments whose net
// (amount - change) equals the total, as evolve requires.
ev::event make_sale_completed() {
  ev::sale_completed e;
  e.sale_id = 901;
  e.invoice_number = "INV-20250601-0ABCDEFG0001";
  e.cart_id = 801;
  e.branch_id = 101;
  e.cashier_id = 202;
  e.customer_id = 601;
  // (1800000 - 50000) x 3 = 5250000; 999000 x 1 = 999000.
  e.lines = {ev::sale_line(902, 401, 3, 800, 1'800'000, 1'250'000, 50'000, 5'250'000, 52),
             ev::sale_line(903, 402, 1, 1000, 999'000, 700'000, 0, 999'000, 19)};
  e.subtotal = 6'249'000;
  e.tax_amount = 519'900;        // 5250000 x 8 % + 999000 x 10 %
  e.discount_amount = 100'000;
  e.total_amount = 6'668'900;    // subtotal + tax - discount
  e.notes = "Khách quen, giảm giá 1000đ";
  e.return_deadline_us = sample_time_us + 7 * 86'400'000'000;
  e.payments.push_back(
      make_payment(904, ev::payment_method::CASH, 5'000'000, 331'100, "Tiền mặt"));
  e.payments.push_back(
      make_payment(905, ev::payment_method::BANK_TRANSFER, 2'000'000, 0, "VCB-FT25152123456"));
  return e;
}

ev::event make_sale_returned() {
  ev::sale_returned e;
  e.return_id = 931;
  e.return_number = "RET-20250602-0ABCDEFH0001";
  e.sale_id = 901;
  e.branch_id = 101;
  e.customer_id = 601;
  e.reason = "Khách đổi ý, hàng còn nguyên";
  auto line = std::make_unique<ev::returned_line>();
  line->sale_line_id = 902;
  line->product_id = 401;
  line->quantity = 2;
  line->refund_amount = 3'600'000;
  line->condition = "DAMAGED";
  line->quantity_after = 54;
  e.lines.push_back(std::move(line));
  e.total_refund = 3'600'000;
  e.sale_status_after = ev::sale_status::RETURNED;
  return e;
}

ev::event make_sale_cancelled() {
  ev::sale_cancelled e;
  e.sale_id = 901;
  e.branch_id = 101;
  e.reason = "Nhập sai hóa đơn";
  e.lines = {ev::restocked_line(902, 401, 1, 55), ev::restocked_line(903, 402, 1, 20)};
  return e;
}

ev::event make_purchase_order_created() {
  ev::purchase_order_created e;
  e.purchase_order_id = 1001;
  e.po_number = "PO-20250601-0ABCDEFG0001";
  e.supplier_id = 501;
  e.status = ev::purchase_order_status::PENDING_APPROVAL;
  e.notes = "Đặt hàng tuần 23";
  e.lines = {ev::purchase_order_line(1002, 401, 120, 1'250'000, 150'000'000),
             ev::purchase_order_line(1003, 402, 60, 700'000, 42'000'000)};
  e.total_cost = 192'000'000;
  return e;
}

ev::event make_purchase_order_submitted() {
  ev::purchase_order_submitted e;
  e.purchase_order_id = 1001;
  return e;
}

ev::event make_purchase_order_approved() {
  ev::purchase_order_approved e;
  e.purchase_order_id = 1001;
  return e;
}

ev::event make_purchase_order_rejected() {
  ev::purchase_order_rejected e;
  e.purchase_order_id = 1001;
  return e;
}

ev::event make_purchase_order_received() {
  ev::purchase_order_received e;
  e.purchase_order_id = 1001;
  e.status = ev::purchase_order_status::PARTIAL;
  e.receipt_id = 1011;
  return e;
}

ev::event make_goods_receipt_recorded() {
  ev::goods_receipt_recorded e;
  e.receipt_id = 1011;
  e.receipt_number = "GR-20250603-0ABCDEFI0001";
  e.purchase_order_id = 1001;
  e.supplier_id = 501;
  e.branch_id = 101;
  e.notes = "Giao thiếu 20 thùng, hẹn giao bù";
  e.lines = {ev::goods_receipt_line(1012, 1002, 401, 100, 153, 1'250'000, 125'000'000),
             ev::goods_receipt_line(1013, 1003, 402, 60, 80, 690'000, 41'400'000)};
  return e;
}

}  // namespace

std::optional<events::event> sample_event(events::event_type type) {
  // No default: a new event type makes this switch fail to compile (-Wswitch -Werror) until it
  // has a sample.
  switch (type) {
#define LEDGER_SAMPLE_CASE_(name)   \
  case events::event_type::name: \
    return make_##name();
    LEDGER_EVENT_TYPES(LEDGER_SAMPLE_CASE_)
#undef LEDGER_SAMPLE_CASE_
    case events::event_type::none:
      break;
  }
  return std::nullopt;
}

std::vector<events::event> all_sample_events() {
  std::vector<events::event> samples;
  for (const events::event_type type : events::all_event_types()) {
    if (auto sample = sample_event(type)) samples.push_back(std::move(*sample));
  }
  return samples;
}

}  // namespace ledger::testing
