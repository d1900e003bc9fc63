// decide for the point of sale (api-contract section 8): the cashier's cart, checkout, one-shot
// sales, customer returns and cancellations, with the loyalty points they earn or take back
// (8.14).
//
// Every command here acts at the actor's own branch (1.9), except return and cancel, which act
// at the sale's branch under the branch access rule (8.9). Checks run in the contract's order:
// body validation first (1.2 step 4), then the handler's steps (1.2 step 5) in the order 8.x
// lists them. The money rules live in engine/sale_pricing.h, shared by both ways to sell.
#include <fmt/format.h>

#include <limits>

#include "engine/handlers.h"
#include "engine/sale_pricing.h"
#include "events/money.h"

namespace ledger::engine {
namespace {

using money::format_decimal;

// ------------------------------------------------------------------ shared checks

std::string too_long_message(std::string_view field) {
  return fmt::format("{} must be shorter than or equal to {} characters", field,
                     limits::text_bytes_max);
}

std::string too_large_message(std::string_view field) {
  return fmt::format("{} must not be greater than {}", field, format_decimal(money::amount_max));
}

decision branch_required() {
  // The reference fails with 400 "Invalid data format" here; 1.9 recommends this clearer text.
  return detail::reject(rejection_code::actor_branch_required, "User must be assigned to a branch");
}

// The actor's active cart at the actor's branch (nullptr when none is open).
const cart_record* actor_cart(const write_model& model, const user_record& actor) {
  LEDGER_ASSERT(actor.branch, "the cart of user {} is looked up without a branch", actor.id.value);
  const cart_record* cart = model.active_cart_of(actor.id, actor.branch);
  LEDGER_ASSERT(cart == nullptr || cart->cashier == actor.id, "active cart of another cashier");
  LEDGER_ASSERT(cart == nullptr || cart->branch == actor.branch, "active cart of another branch");
  return cart;
}

// A line of the actor's active cart. Lines of other cashiers' carts, of the actor's carts at
// other branches and of checked-out carts are all "not found": a cashier only edits the cart
// they are selling from (8.1; 15.28 fix: checked-out carts are not editable).
struct cart_line_ref {
  const cart_record* cart = nullptr;
  const cart_line_record* line = nullptr;
};

cart_line_ref find_actor_cart_line(const write_model& model, const user_record& actor,
                                   cart_line_id line) {
  const cart_record* cart = actor_cart(model, actor);
  if (cart == nullptr) return {};
  for (const cart_line_record& candidate : cart->lines) {
    if (candidate.id == line) {
      LEDGER_ASSERT(model.cart_of_line.contains(line), "cart line {} missing from the index",
                    line.value);
      return {cart, &candidate};
    }
  }
  return {};
}

// Stock of one branch as the events of one decision leave it, product by product, so that
// every event's quantity_after is the stock after that very line.
class stock_tally {
 public:
  stock_tally(const write_model& model, branch_id branch) : model_(model), branch_(branch) {}

  [[nodiscard]] std::int64_t current(product_id product) const {
    for (const auto& [id, quantity] : moved_) {
      if (id == product) return quantity;
    }
    return model_.stock_of(branch_, product);
  }

  // Records a move and returns the stock after it.
  std::int64_t move(product_id product, std::int64_t delta) {
    const std::int64_t after = current(product) + delta;
    LEDGER_ASSERT(after >= 0, "decided stock of product {} would be {}", product.value, after);
    for (auto& [id, quantity] : moved_) {
      if (id == product) {
        quantity = after;
        return after;
      }
    }
    moved_.emplace_back(product, after);
    return after;
  }

 private:
  const write_model& model_;
  branch_id branch_;
  std::vector<std::pair<product_id, std::int64_t>> moved_;  // a document's lines, <= 500
};

constexpr std::int64_t stock_max = std::numeric_limits<std::int32_t>::max();

decision stock_overflow(const product_record& product) {
  return detail::reject(rejection_code::amount_too_large,
                        fmt::format("Stock of {} would exceed {} units", product.name, stock_max));
}

// ------------------------------------------------------------------ selling

// The checkout body fields that check_out_cart and record_sale share (8.8 table, with the
// 15.6 fix: every payment element is validated).
std::optional<rejection> validate_sale_terms(std::int64_t discount_amount,
                                             const std::string& notes,
                                             const std::vector<tender>& tenders) {
  if (discount_amount < 0) {
    return rejection{rejection_code::amount_must_not_be_negative,
                     "discountAmount must not be less than 0"};
  }
  if (discount_amount > money::amount_max) {
    return rejection{rejection_code::amount_too_large, too_large_message("discountAmount")};
  }
  if (!detail::text_fits(notes)) {
    return rejection{rejection_code::text_too_long, too_long_message("notes")};
  }
  if (tenders.empty()) {
    return rejection{rejection_code::tenders_required, "payments must contain at least 1 elements"};
  }
  if (tenders.size() > limits::tenders_max) {
    return rejection{rejection_code::too_many_lines,
                     fmt::format("payments must contain no more than {} elements",
                                 limits::tenders_max)};
  }
  for (std::size_t i = 0; i < tenders.size(); ++i) {
    const tender& t = tenders[i];
    if (t.amount < 0) {
      return rejection{rejection_code::amount_must_not_be_negative,
                       fmt::format("payments.{}.amount must not be less than 0", i)};
    }
    if (t.amount > money::amount_max) {
      return rejection{rejection_code::amount_too_large,
                       too_large_message(fmt::format("payments.{}.amount", i))};
    }
    if (!detail::text_fits(t.reference)) {
      return rejection{rejection_code::text_too_long,
                       too_long_message(fmt::format("payments.{}.reference", i))};
    }
  }
  return std::nullopt;
}

// One line to sell: the product and the price charged for it.
struct order_line {
  const product_record* product = nullptr;
  std::int32_t quantity = 0;
  std::int64_t unit_price = 0;  // the cart's frozen price, or the current price (one-shot)
  std::int64_t discount = 0;    // per unit
};

// A sale to decide: validated terms, resolved lines, where and for whom.
struct sale_order {
  cart_id cart;  // 0 for a one-shot sale
  branch_id branch;
  customer_id customer;  // 0 = none; not yet checked to exist
  std::int64_t discount_amount = 0;
  const std::string* notes = nullptr;
  const std::vector<tender>* tenders = nullptr;
  std::vector<order_line> lines;
};

// Sells an order (8.8 steps 3 to 9 and 8.14 earn): stock per line in order, totals, discount
// cap, payment rules, customer; then sale_completed, cart_checked_out for a cart, and
// loyalty_points_earned when the sale earns points.
decision sell(const write_model& model, const sale_order& order, const command_context& context) {
  LEDGER_ASSERT(!order.lines.empty(), "selling an order without lines");
  LEDGER_ASSERT(order.branch, "selling without a branch");
  LEDGER_ASSERT(order.notes != nullptr && order.tenders != nullptr, "sale terms missing");

  // Stock leaves the branch line by line; the first line without enough stock stops the sale.
  stock_tally stock(model, order.branch);
  std::vector<std::int32_t> quantities_after;
  quantities_after.reserve(order.lines.size());
  for (const order_line& line : order.lines) {
    LEDGER_ASSERT(line.product != nullptr, "order line without product");
    LEDGER_ASSERT(line.quantity > 0, "order line of {} units", line.quantity);
    const std::int64_t available = stock.current(line.product->id);
    if (available < line.quantity) {
      return detail::reject(
          rejection_code::insufficient_stock,
          fmt::format("Insufficient stock for {}. Available: {}, Requested: {}", line.product->name,
                      available, line.quantity));
    }
    quantities_after.push_back(
        static_cast<std::int32_t>(stock.move(line.product->id, -std::int64_t{line.quantity})));
  }

  // Lines are charged at the order's unit price with the product's current tax rate.
  std::vector<pricing::line_charge> charges;
  charges.reserve(order.lines.size());
  for (const order_line& line : order.lines) {
    charges.push_back(
        pricing::line_charge{line.unit_price, line.discount, line.quantity, line.product->tax_rate});
  }
  const std::optional<pricing::sale_totals> totals = pricing::price_lines(charges);
  if (!totals) {
    return detail::reject(rejection_code::amount_too_large, too_large_message("totalAmount"));
  }
  const pricing::discount_outcome discounted =
      pricing::apply_discount(totals->pre_discount, order.discount_amount);
  if (discounted.rejected) {
    return detail::reject(discounted.rejected->code, discounted.rejected->message);
  }
  const pricing::settlement settled =
      pricing::settle_tenders(discounted.grand_total, *order.tenders);
  if (settled.rejected) return detail::reject(settled.rejected->code, settled.rejected->message);

  const customer_record* customer = nullptr;
  if (order.customer) {
    customer = model.find(order.customer);
    if (customer == nullptr) {
      return detail::reject(rejection_code::referenced_record_not_found,
                            "Referenced record does not exist");
    }
  }

  detail::id_allocator ids{model};
  const user_record& actor = detail::actor_record(model, context);
  events::sale_completed sale;
  sale.sale_id = ids.next<sale_id>().value;
  sale.invoice_number = detail::next_document_number(model, document_kind::invoice, context.now_us);
  sale.cart_id = order.cart.value;
  sale.branch_id = order.branch.value;
  sale.cashier_id = actor.id.value;
  sale.customer_id = order.customer.value;
  sale.subtotal = totals->subtotal;
  sale.tax_amount = totals->tax;
  sale.discount_amount = order.discount_amount;
  sale.total_amount = discounted.grand_total;
  sale.notes = *order.notes;
  sale.return_deadline_us = context.now_us + limits::return_window_us;
  sale.lines.reserve(order.lines.size());
  for (std::size_t i = 0; i < order.lines.size(); ++i) {
    const order_line& line = order.lines[i];
    sale.lines.emplace_back(ids.next<sale_line_id>().value, line.product->id.value, line.quantity,
                            line.product->tax_rate, line.unit_price, line.product->cost_price,
                            line.discount, totals->line_subtotals[i], quantities_after[i]);
  }
  for (std::size_t i = 0; i < order.tenders->size(); ++i) {
    const tender& t = (*order.tenders)[i];
    auto paid = std::make_unique<events::payment>();
    paid->payment_id = ids.next<payment_id>().value;
    paid->method = t.method;
    paid->amount = t.amount;
    paid->change_due = settled.change_tender == i ? settled.change : 0;
    paid->reference = t.reference;
    sale.payments.push_back(std::move(paid));
  }
  LEDGER_ASSERT(sale.total_amount == sale.subtotal + sale.tax_amount - sale.discount_amount,
                "sale total {} does not add up", sale.total_amount);
  LEDGER_ASSERT(sale.payments.size() == order.tenders->size(), "one payment per tender");

  std::vector<events::event> decided;
  const std::uint64_t sold_id = sale.sale_id;
  const std::string invoice_number = sale.invoice_number;
  const std::int64_t total = sale.total_amount;
  decided.emplace_back(std::move(sale));
  if (order.cart) {
    decided.emplace_back(events::cart_checked_out{{}, order.cart.value, sold_id});
  }
  // 8.14 earn: only with a customer and a rule, and only when at least one point is earned
  // (otherwise not even totalSpent moves).
  if (customer != nullptr && model.loyalty.spend_per_point > 0 && total > 0) {
    const std::int32_t points = pricing::loyalty_points(total, model.loyalty.spend_per_point);
    if (points > 0) {
      events::loyalty_points_earned earned;
      earned.customer_id = customer->id.value;
      earned.sale_id = sold_id;
      earned.points = points;
      earned.amount_spent = total;
      earned.reference = invoice_number;
      decided.emplace_back(std::move(earned));
    }
  }
  return detail::accept(model, std::move(decided), &ids);
}

// ------------------------------------------------------------------ cart lines

// 8.3 steps 2 to 4 for an active product and a quantity >= 1: opens the cart when needed,
// checks the stock, then adds a line at the current price or grows the existing line (whose
// price stays frozen).
decision add_to_cart(const write_model& model, const product_record& product,
                     std::int32_t quantity, const command_context& context) {
  LEDGER_ASSERT(product.is_active, "adding inactive product {}", product.id.value);
  LEDGER_ASSERT(quantity >= 1, "adding {} units", quantity);
  const user_record& actor = detail::actor_record(model, context);
  if (!actor.branch) return branch_required();

  detail::id_allocator ids{model};
  std::vector<events::event> decided;
  const cart_record* cart = actor_cart(model, actor);
  cart_id target;
  if (cart != nullptr) {
    target = cart->id;
  } else {
    target = ids.next<cart_id>();
    decided.emplace_back(events::cart_opened{{}, target.value, actor.id.value, actor.branch.value});
  }

  const std::int32_t stock = model.stock_of(actor.branch, product.id);
  if (stock < quantity) {
    return detail::reject(
        rejection_code::insufficient_stock,
        fmt::format("Insufficient stock. Available: {}, Requested: {}", stock, quantity));
  }
  const cart_line_record* existing = nullptr;
  if (cart != nullptr) {
    for (const cart_line_record& line : cart->lines) {
      if (line.product == product.id) existing = &line;
    }
  }
  if (existing != nullptr) {
    const std::int64_t new_quantity = std::int64_t{existing->quantity} + quantity;
    if (stock < new_quantity) {
      return detail::reject(
          rejection_code::insufficient_stock,
          fmt::format("Insufficient stock. Available: {}, Requested: {}", stock, new_quantity));
    }
    decided.emplace_back(events::cart_line_quantity_changed{
        {}, target.value, existing->id.value, static_cast<std::int32_t>(new_quantity)});
  } else {
    if (cart != nullptr && cart->lines.size() >= limits::cart_lines_max) {
      return detail::reject(
          rejection_code::too_many_lines,
          fmt::format("A cart cannot hold more than {} lines", limits::cart_lines_max));
    }
    decided.emplace_back(events::cart_line_added{{}, target.value, ids.next<cart_line_id>().value,
                                                 product.id.value, quantity,
                                                 product.selling_price});
  }
  LEDGER_ASSERT(!decided.empty() && decided.size() <= 2, "add decided {} events", decided.size());
  return detail::accept(model, std::move(decided), &ids);
}

}  // namespace

// ------------------------------------------------------------------ cart commands

decision decide_one(const write_model& model, const open_cart&, const command_context& context) {
  const user_record& actor = detail::actor_record(model, context);
  if (!actor.branch) return branch_required();
  // One active cart per (cashier, branch) (15.8 fix): opening an open cart changes nothing.
  if (actor_cart(model, actor) != nullptr) return detail::accept(model, {});
  detail::id_allocator ids{model};
  const cart_id cart = ids.next<cart_id>();
  std::vector<events::event> decided;
  decided.emplace_back(events::cart_opened{{}, cart.value, actor.id.value, actor.branch.value});
  return detail::accept(model, std::move(decided), &ids);
}

decision decide_one(const write_model& model, const add_cart_line& c,
                    const command_context& context) {
  if (c.quantity < 1) {
    return detail::reject(rejection_code::quantity_must_be_positive,
                          "quantity must not be less than 1");
  }
  const product_record* product = model.find(c.product);
  if (product == nullptr || !product->is_active) {
    return detail::reject(rejection_code::product_not_found_or_inactive,
                          "Product not found or inactive");
  }
  return add_to_cart(model, *product, c.quantity, context);
}

decision decide_one(const write_model& model, const scan_barcode& c,
                    const command_context& context) {
  const auto found = model.product_by_barcode.find(c.barcode);
  const product_record* product =
      found == model.product_by_barcode.end() ? nullptr : model.find(found->second);
  if (product == nullptr || !product->is_active) {
    return detail::reject(rejection_code::barcode_not_found, "Product not found for this barcode");
  }
  return add_to_cart(model, *product, 1, context);
}

decision decide_one(const write_model& model, const change_cart_line_quantity& c,
                    const command_context& context) {
  if (c.quantity < 0) {
    return detail::reject(rejection_code::quantity_must_not_be_negative,
                          "quantity must not be less than 0");
  }
  const user_record& actor = detail::actor_record(model, context);
  if (!actor.branch) return branch_required();
  const cart_line_ref found = find_actor_cart_line(model, actor, c.line);
  if (found.line == nullptr) {
    return detail::reject(rejection_code::cart_item_not_found, "Cart item not found");
  }
  // No stock check here (8.5): checkout re-checks every line against the branch's stock.
  std::vector<events::event> decided;
  if (c.quantity == 0) {
    decided.emplace_back(events::cart_line_removed{{}, found.cart->id.value, c.line.value});
  } else if (c.quantity != found.line->quantity) {
    decided.emplace_back(
        events::cart_line_quantity_changed{{}, found.cart->id.value, c.line.value, c.quantity});
  }
  return detail::accept(model, std::move(decided));
}

decision decide_one(const write_model& model, const remove_cart_line& c,
                    const command_context& context) {
  const user_record& actor = detail::actor_record(model, context);
  if (!actor.branch) return branch_required();
  const cart_line_ref found = find_actor_cart_line(model, actor, c.line);
  if (found.line == nullptr) {
    return detail::reject(rejection_code::cart_item_not_found, "Cart item not found");
  }
  std::vector<events::event> decided;
  decided.emplace_back(events::cart_line_removed{{}, found.cart->id.value, c.line.value});
  return detail::accept(model, std::move(decided));
}

decision decide_one(const write_model& model, const set_cart_customer& c,
                    const command_context& context) {
  const user_record& actor = detail::actor_record(model, context);
  if (!actor.branch) return branch_required();
  const cart_record* cart = actor_cart(model, actor);
  if (cart == nullptr) return detail::reject(rejection_code::no_active_cart, "No active cart");
  std::vector<events::event> decided;
  // A falsy customer id (absent, null, "") detaches (8.7).
  if (c.customer && *c.customer) {
    if (model.find(*c.customer) == nullptr) {
      return detail::reject(rejection_code::customer_not_found, "Customer not found");
    }
    if (cart->customer != *c.customer) {
      decided.emplace_back(events::cart_customer_attached{{}, cart->id.value, c.customer->value});
    }
  } else if (cart->customer) {
    decided.emplace_back(events::cart_customer_detached{{}, cart->id.value});
  }
  return detail::accept(model, std::move(decided));
}

// ------------------------------------------------------------------ selling

decision decide_one(const write_model& model, const check_out_cart& c,
                    const command_context& context) {
  if (auto invalid = validate_sale_terms(c.discount_amount, c.notes, c.tenders)) {
    return detail::reject(invalid->code, std::move(invalid->message));
  }
  const user_record& actor = detail::actor_record(model, context);
  if (!actor.branch) return branch_required();
  // A checked-out cart leaves the model, so a second checkout finds no cart (8.8 step 2).
  const cart_record* cart = actor_cart(model, actor);
  if (cart == nullptr || cart->lines.empty()) {
    return detail::reject(rejection_code::cart_empty, "Cart is empty");
  }
  LEDGER_ASSERT(cart->lines.size() <= limits::document_lines_max,
                "cart {} has {} lines, more than a sale may hold", cart->id.value,
                cart->lines.size());
  sale_order order;
  order.cart = cart->id;
  order.branch = actor.branch;
  order.customer = c.customer && *c.customer ? *c.customer : cart->customer;
  order.discount_amount = c.discount_amount;
  order.notes = &c.notes;
  order.tenders = &c.tenders;
  order.lines.reserve(cart->lines.size());
  for (const cart_line_record& line : cart->lines) {
    const product_record* product = model.find(line.product);
    LEDGER_ASSERT(product != nullptr, "cart line {} names unknown product {}", line.id.value,
                  line.product.value);
    // 15.15 fix: the customer pays the frozen price the cart showed. 15.23 (kept): a product
    // deactivated after it was put in the cart is still sold.
    order.lines.push_back(order_line{product, line.quantity, line.unit_price, line.discount});
  }
  return sell(model, order, context);
}

decision decide_one(const write_model& model, const record_sale& c,
                    const command_context& context) {
  if (c.lines.empty()) {
    return detail::reject(rejection_code::lines_required, "lines must contain at least 1 elements");
  }
  if (c.lines.size() > limits::document_lines_max) {
    return detail::reject(rejection_code::too_many_lines,
                          fmt::format("lines must contain no more than {} elements",
                                      limits::document_lines_max));
  }
  for (std::size_t i = 0; i < c.lines.size(); ++i) {
    if (c.lines[i].quantity < 1) {
      return detail::reject(rejection_code::quantity_must_be_positive,
                            fmt::format("lines.{}.quantity must not be less than 1", i));
    }
  }
  if (auto invalid = validate_sale_terms(c.discount_amount, c.notes, c.tenders)) {
    return detail::reject(invalid->code, std::move(invalid->message));
  }
  const user_record& actor = detail::actor_record(model, context);
  if (!actor.branch) return branch_required();
  sale_order order;
  order.branch = actor.branch;
  order.customer = c.customer ? *c.customer : customer_id{};
  order.discount_amount = c.discount_amount;
  order.notes = &c.notes;
  order.tenders = &c.tenders;
  order.lines.reserve(c.lines.size());
  for (const sale_request_line& requested : c.lines) {
    const product_record* product = model.find(requested.product);
    if (product == nullptr || !product->is_active) {
      return detail::reject(rejection_code::product_not_found_or_inactive,
                            "Product not found or inactive");
    }
    order.lines.push_back(order_line{product, requested.quantity, product->selling_price, 0});
  }
  // One line per product, as in a cart: a sale line is what returns and reports refer to.
  for (std::size_t i = 0; i < order.lines.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (order.lines[j].product == order.lines[i].product) {
        return detail::reject(rejection_code::duplicate_sale_line,
                              fmt::format("Product {} appears more than once in the sale",
                                          order.lines[i].product->name));
      }
    }
  }
  return sell(model, order, context);
}

// ------------------------------------------------------------------ after the sale

namespace {

// 8.9 branch access rule, shared by return and cancel: SUPER_ADMIN and OWNER see every branch;
// anyone else only their own.
bool may_access_sale(const user_record& actor, const sale_record& sale) {
  if (actor.role == user_role::SUPER_ADMIN || actor.role == user_role::OWNER) return true;
  return actor.branch == sale.branch;
}

// 8.14 deduction, shared by return and cancel: points = floor(amount / spendPerPoint), taken
// off the balance without ever going below zero. nullopt when no points are due.
std::optional<events::loyalty_points_deducted> loyalty_deduction(const write_model& model,
                                                                 const sale_record& sale,
                                                                 std::int64_t amount) {
  if (!sale.customer || model.loyalty.spend_per_point <= 0) return std::nullopt;
  if (sale.total_amount <= 0 || amount <= 0) return std::nullopt;
  const customer_record* customer = model.find(sale.customer);
  LEDGER_ASSERT(customer != nullptr, "sale {} names unknown customer {}", sale.id.value,
                sale.customer.value);
  LEDGER_ASSERT(customer->total_points >= 0, "customer {} has {} points", customer->id.value,
                customer->total_points);
  const std::int32_t computed = pricing::loyalty_points(amount, model.loyalty.spend_per_point);
  if (computed <= 0) return std::nullopt;
  events::loyalty_points_deducted deducted;
  deducted.customer_id = customer->id.value;
  deducted.sale_id = sale.id.value;
  deducted.points_computed = computed;
  deducted.points = static_cast<std::int32_t>(
      std::min<std::int64_t>(computed, customer->total_points));
  LEDGER_ASSERT(deducted.points >= 0 && deducted.points <= computed, "deducting {} of {}",
                deducted.points, computed);
  return deducted;
}

std::string sale_line_text(const write_model& model, sale_line_id line) {
  // An id from outside may be out of the UUID range; it cannot name a line then, and is shown
  // as the number it is.
  if (line.value > entity_number_max) return std::to_string(line.value);
  return model.uuid(entity_kind::sale_line, line);
}

}  // namespace

decision decide_one(const write_model& model, const return_sale& c,
                    const command_context& context) {
  if (!detail::text_fits(c.reason)) {
    return detail::reject(rejection_code::text_too_long, too_long_message("reason"));
  }
  if (c.lines.empty()) {
    return detail::reject(rejection_code::lines_required, "items must contain at least 1 elements");
  }
  if (c.lines.size() > limits::document_lines_max) {
    return detail::reject(rejection_code::too_many_lines,
                          fmt::format("items must contain no more than {} elements",
                                      limits::document_lines_max));
  }
  for (std::size_t i = 0; i < c.lines.size(); ++i) {
    // 8.10 [C++]: quantities below 1 would refund negatively and take stock away.
    if (c.lines[i].quantity < 1) {
      return detail::reject(rejection_code::quantity_must_be_positive,
                            fmt::format("items.{}.quantity must not be less than 1", i));
    }
    if (!detail::text_fits(c.lines[i].condition)) {
      return detail::reject(rejection_code::text_too_long,
                            too_long_message(fmt::format("items.{}.condition", i)));
    }
  }
  const sale_record* sale = model.find(c.sale);
  if (sale == nullptr) return detail::reject(rejection_code::sale_not_found, "Sale not found");
  const user_record& actor = detail::actor_record(model, context);
  if (!may_access_sale(actor, *sale)) {
    return detail::reject(rejection_code::sale_branch_access_denied,
                          "You do not have access to sales from this branch");
  }
  if (sale->status == sale_status::CANCELLED) {
    return detail::reject(rejection_code::cancelled_sale_cannot_be_returned,
                          "Cannot return a cancelled invoice");
  }
  if (context.now_us > sale->return_deadline_us) {
    return detail::reject(rejection_code::return_period_expired,
                          "Return period has expired (7 days)");
  }

  // Every request line is checked against what is left of its sale line; within the single
  // writer the cumulative check cannot race (15.9 fix).
  stock_tally stock(model, sale->branch);
  std::vector<const sale_line_record*> sold_lines;
  sold_lines.reserve(c.lines.size());
  std::vector<std::unique_ptr<events::returned_line>> returned;
  returned.reserve(c.lines.size());
  std::int64_t total_refund = 0;
  std::int64_t units_returned_now = 0;
  for (const return_line_request& requested : c.lines) {
    const sale_line_record* sold = nullptr;
    for (const sale_line_record& line : sale->lines) {
      if (line.id == requested.line) sold = &line;
    }
    if (sold == nullptr) {
      return detail::reject(rejection_code::sale_item_not_found,
                            fmt::format("Sale item {} not found",
                                        sale_line_text(model, requested.line)));
    }
    for (const sale_line_record* earlier : sold_lines) {
      if (earlier == sold) {
        return detail::reject(rejection_code::duplicate_return_line,
                              fmt::format("Sale item {} appears more than once in the return",
                                          sale_line_text(model, requested.line)));
      }
    }
    sold_lines.push_back(sold);
    const product_record* product = model.find(sold->product);
    LEDGER_ASSERT(product != nullptr, "sale line {} names unknown product {}", sold->id.value,
                  sold->product.value);
    LEDGER_ASSERT(sold->returned_quantity >= 0 && sold->returned_quantity <= sold->quantity,
                  "sale line {} returned {} of {}", sold->id.value, sold->returned_quantity,
                  sold->quantity);
    if (requested.quantity > sold->quantity - sold->returned_quantity) {
      return detail::reject(
          rejection_code::return_exceeds_remaining,
          fmt::format("Cannot return more than remaining. Item: {}, Sold: {}, Already returned: "
                      "{}, Requested: {}",
                      product->name, sold->quantity, sold->returned_quantity, requested.quantity));
    }
    if (stock.current(sold->product) + requested.quantity > stock_max) {
      return stock_overflow(*product);
    }
    // 15.17 (kept): the refund is the unit price only, without tax or discounts. It fits:
    // unit price x sold quantity was part of the sale's total.
    const std::int64_t refund = sold->unit_price * requested.quantity;
    auto line = std::make_unique<events::returned_line>();
    line->sale_line_id = sold->id.value;
    line->product_id = sold->product.value;
    line->quantity = requested.quantity;
    line->refund_amount = refund;
    // 15.18 (kept): goods come back into stock whatever their condition.
    line->condition = requested.condition.empty() ? "GOOD" : requested.condition;
    line->quantity_after =
        static_cast<std::int32_t>(stock.move(sold->product, requested.quantity));
    returned.push_back(std::move(line));
    total_refund += refund;
    units_returned_now += requested.quantity;
  }

  // 8.10 step 4: RETURNED once every unit sold has come back, over all lines together.
  std::int64_t units_sold = 0;
  std::int64_t units_returned_before = 0;
  for (const sale_line_record& line : sale->lines) {
    units_sold += line.quantity;
    units_returned_before += line.returned_quantity;
  }
  LEDGER_ASSERT(units_returned_before + units_returned_now <= units_sold,
                "return of sale {} exceeds what was sold", sale->id.value);

  detail::id_allocator ids{model};
  events::sale_returned event;
  event.return_id = ids.next<return_id>().value;
  event.return_number =
      detail::next_document_number(model, document_kind::sale_return, context.now_us);
  event.sale_id = sale->id.value;
  event.branch_id = sale->branch.value;
  event.customer_id = sale->customer.value;
  event.reason = c.reason;
  event.lines = std::move(returned);
  event.total_refund = total_refund;
  event.sale_status_after = units_returned_before + units_returned_now >= units_sold
                                ? sale_status::RETURNED
                                : sale_status::COMPLETED;

  std::optional<events::loyalty_points_deducted> deduction =
      loyalty_deduction(model, *sale, total_refund);
  if (deduction) {
    deduction->return_id = event.return_id;
    deduction->reason = events::loyalty_deduction_reason::sale_returned;
    deduction->reference = event.return_number;
  }
  std::vector<events::event> decided;
  decided.emplace_back(std::move(event));
  if (deduction) decided.emplace_back(std::move(*deduction));
  return detail::accept(model, std::move(decided), &ids);
}

decision decide_one(const write_model& model, const cancel_sale& c,
                    const command_context& context) {
  if (!detail::text_fits(c.reason)) {
    return detail::reject(rejection_code::text_too_long, too_long_message("reason"));
  }
  const sale_record* sale = model.find(c.sale);
  if (sale == nullptr) return detail::reject(rejection_code::sale_not_found, "Sale not found");
  const user_record& actor = detail::actor_record(model, context);
  if (!may_access_sale(actor, *sale)) {
    return detail::reject(rejection_code::sale_branch_access_denied,
                          "You do not have access to sales from this branch");
  }
  if (sale->status == sale_status::CANCELLED) {
    return detail::reject(rejection_code::sale_already_cancelled, "Invoice already cancelled");
  }
  if (sale->status == sale_status::RETURNED) {
    return detail::reject(rejection_code::fully_returned_sale_cannot_be_cancelled,
                          "Cannot cancel an invoice that has been fully returned");
  }

  // 8.11 step 4: what was not already returned goes back on the shelf (no time limit).
  stock_tally stock(model, sale->branch);
  events::sale_cancelled event;
  event.sale_id = sale->id.value;
  event.branch_id = sale->branch.value;
  event.reason = c.reason;
  for (const sale_line_record& line : sale->lines) {
    const std::int32_t remaining = line.quantity - line.returned_quantity;
    LEDGER_ASSERT(remaining >= 0, "sale line {} returned {} of {}", line.id.value,
                  line.returned_quantity, line.quantity);
    if (remaining <= 0) continue;
    if (stock.current(line.product) + remaining > stock_max) {
      const product_record* product = model.find(line.product);
      LEDGER_ASSERT(product != nullptr, "sale line names unknown product {}", line.product.value);
      return stock_overflow(*product);
    }
    const auto after = static_cast<std::int32_t>(stock.move(line.product, remaining));
    event.lines.emplace_back(line.id.value, line.product.value, remaining, after);
  }

  // 8.14 cancel deduction: on what the returns have not already refunded.
  std::optional<events::loyalty_points_deducted> deduction =
      loyalty_deduction(model, *sale, sale->total_amount - sale->refunded_amount);
  if (deduction) {
    deduction->return_id = 0;
    deduction->reason = events::loyalty_deduction_reason::sale_cancelled;
    deduction->reference = "CANCEL-" + sale->invoice_number;
  }
  std::vector<events::event> decided;
  decided.emplace_back(std::move(event));
  if (deduction) decided.emplace_back(std::move(*deduction));
  return detail::accept(model, std::move(decided));
}

}  // namespace ledger::engine
