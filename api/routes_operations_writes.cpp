// The write routes of api-contract sections 7 (inventory), 8 (point of sale) and 9
// (procurement), and the cart read (8.2, which opens a cart when the cashier has none). Each
// validates its body (1.5), submits one engine command (the engine decides stock, prices,
// tenders, returns and receipts), and answers from the committed events or the views.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <limits>

#include "api/ledger_commands.h"
#include "api/server_app.h"
#include "api/validation.h"
#include "projections/operations_queries.h"

namespace ledger::api {
namespace {

using projections::view_state;
using context_ptr = std::shared_ptr<request_context>;

// ------------------------------------------------------------------ shared pieces

// A validated whole number for an int32 command field. Larger values are clamped: the
// engine's stock limits refuse them with their own message.
std::int32_t quantity_of(const object_view& body, std::string_view key) {
  return static_cast<std::int32_t>(
      std::min<std::int64_t>(*body.integer(key), std::numeric_limits<std::int32_t>::max()));
}

field_spec quantity_field(std::string name, std::int64_t minimum) {
  return required_field(std::move(name), field_type::number,
                        {rule::minimum(minimum), rule::is_number(), rule::is_integer()});
}

field_spec uuid_field(std::string name) {
  return required_field(std::move(name), field_type::string, {rule::is_uuid()});
}

field_spec money_field(std::string name, bool optional) {
  return (optional ? optional_field : required_field)(std::move(name), field_type::number,
                                                      {rule::minimum(0), rule::is_money()});
}

field_spec text_field(std::string name, bool optional) {
  return (optional ? optional_field : required_field)(std::move(name), field_type::string,
                                                      {rule::is_string()});
}

// An array of at least one object, each checked against `element` (unknown keys inside the
// elements pass, as in the reference: 1.5).
field_spec lines_field(std::string name, std::vector<field_spec> element) {
  return required_field(std::move(name), field_type::array,
                        {rule::is_array(), rule::array_min_size(1),
                         rule::nested(body_spec{.fields = std::move(element),
                                                .reject_unknown = false})});
}

// The elements of a validated array of objects (by value: a range-for over the dereferenced
// optional would outlive it).
std::vector<object_view> elements(const object_view& body, std::string_view key) {
  auto items = body.objects(key);
  LEDGER_ASSERT(items.has_value(), "{} passed validation but is not an array of objects", key);
  return std::move(*items);
}

// UUID texts name the same UUID whatever the case of their hex digits.
bool same_uuid_text(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

// ------------------------------------------------------------------ 7 inventory

const std::vector<user_role> stock_roles{SUPER_ADMIN, BRANCH_MANAGER, INVENTORY_STAFF};
const std::vector<user_role> till_roles{CASHIER, BRANCH_MANAGER};
const std::vector<user_role> return_roles{BRANCH_MANAGER, SUPER_ADMIN};

projections::query_result stock_change(std::int32_t change, std::int32_t quantity_after) {
  return projections::stock_change_json({quantity_after - change, quantity_after, change});
}

// 7.1: unitCost and supplierId are recorded as given, not checked (the reference ignores them).
parsed_command parse_stock_in(server_app& app, const object_view& body) {
  engine::receive_stock command;
  command.product = app.id_of<product_id>(*body.string("productId"), entity_kind::product);
  command.quantity = quantity_of(body, "quantity");
  command.unit_cost = body.money("unitCost").value_or(0);
  if (const auto supplier = body.string("supplierId")) {
    command.supplier = app.id_of<supplier_id>(*supplier, entity_kind::supplier);
  }
  command.reference = body.string("reference").value_or("");
  command.note = body.string("note").value_or("");
  return command;
}

projections::query_result render_stock_in(const view_state&, const engine::command_outcome& outcome) {
  const auto& received = committed_event<events::stock_received>(outcome);
  return stock_change(received.quantity, received.quantity_after);
}

// 7.2.
parsed_command parse_stock_out(server_app& app, const object_view& body) {
  engine::issue_stock command;
  command.product = app.id_of<product_id>(*body.string("productId"), entity_kind::product);
  command.quantity = quantity_of(body, "quantity");
  command.reason = *body.string("reason");
  command.note = body.string("note").value_or("");
  return command;
}

projections::query_result render_stock_out(const view_state&, const engine::command_outcome& outcome) {
  const auto& issued = committed_event<events::stock_issued>(outcome);
  return stock_change(-issued.quantity, issued.quantity_after);
}

// 7.3: the stock is set to the counted quantity (a record is kept even when nothing changed).
parsed_command parse_adjust(server_app& app, const object_view& body) {
  engine::adjust_stock command;
  command.product = app.id_of<product_id>(*body.string("productId"), entity_kind::product);
  command.counted_quantity = quantity_of(body, "actualQty");
  command.reason = *body.string("reason");
  return command;
}

projections::query_result render_adjust(const view_state& state,
                                        const engine::command_outcome& outcome) {
  return projections::adjustment_result_json(
      state, adjustment_id{committed_event<events::stock_adjusted>(outcome).adjustment_id});
}

// 7.4: all lines move or none (the engine checks every line before any event).
parsed_command parse_transfer(server_app& app, const object_view& body) {
  engine::transfer_stock command;
  const auto source_text = *body.string("sourceBranchId");
  const auto destination_text = *body.string("destBranchId");
  command.source = app.id_of<branch_id>(source_text, entity_kind::branch);
  command.destination = app.id_of<branch_id>(destination_text, entity_kind::branch);
  // Two different unknown branches must not look like the same branch to the engine.
  if (command.source == command.destination && !same_uuid_text(source_text, destination_text)) {
    command.destination = branch_id{server_app::unknown_entity - 1};
  }
  for (const object_view& item : elements(body, "items")) {
    command.lines.push_back(
        {app.id_of<product_id>(*item.string("productId"), entity_kind::product),
         quantity_of(item, "quantity")});
  }
  command.notes = body.string("notes").value_or("");
  return command;
}

projections::query_result render_transfer(const view_state& state,
                                          const engine::command_outcome& outcome) {
  return projections::transfer_json(
      state, transfer_id{committed_event<events::stock_transferred>(outcome).transfer_id});
}

// Answers a contract route of a command kind: submit the parsed command, render its outcome.
void run_command(server_app& app, const context_ptr& context, const command_kind& kind,
                 parsed_command parsed) {
  if (const auto* refused = std::get_if<engine::rejection>(&parsed)) {
    return app.reply_rejection(context, *refused);
  }
  app.submit(context, std::move(std::get<engine::command>(parsed)),
             [&app, context, &kind](const engine::command_outcome& outcome) {
               app.reply_committed(context, kind.status, outcome,
                                   [&](const view_state& state) { return kind.render(state, outcome); });
             });
}

route_handler command_route(std::string_view type) {
  const command_kind* kind = find_command_kind(type);
  LEDGER_ASSERT(kind != nullptr, "no command kind {}", type);
  return [kind](server_app& app, const context_ptr& context) {
    const body_result body = validate_body(context->request.body, kind->spec);
    if (!app.body_is_valid(context, body)) return;
    run_command(app, context, *kind, kind->parse(app, body.body));
  };
}

// ------------------------------------------------------------------ 8 point of sale

// The caller's active cart as the views show it. A concurrent checkout by the same cashier
// may have closed it in the meantime: then "No active cart" (404).
void answer_cart(server_app& app, const context_ptr& context, unsigned status,
                 std::uint64_t sequence) {
  const auto who = context->caller();
  app.reply_query(context, app.views().read([&](const view_state& state) {
    const engine::cart_record* cart = state.catalog.model.active_cart_of(who.user, who.branch);
    return cart == nullptr ? projections::query_result{projections::query_error{404, "No active cart"}}
                           : projections::cart_view_json(state, cart->id);
  }), status, sequence);
}

// Submits a cart command and answers with the cart afterwards.
void submit_cart_command(server_app& app, const context_ptr& context, engine::command command,
                         unsigned status) {
  app.submit(context, std::move(command),
             [&app, context, status](const engine::command_outcome& outcome) {
               answer_cart(app, context, status, outcome.last_sequence);
             });
}

// 8.2: the active cart, opened when the cashier has none.
void cart(server_app& app, const context_ptr& context) {
  const auto who = context->caller();
  const bool open = app.read([&](const view_state& state) {
    return state.catalog.model.active_cart_of(who.user, who.branch) != nullptr;
  });
  if (open) return answer_cart(app, context, 200, 0);
  submit_cart_command(app, context, engine::open_cart{}, 200);
}

// 8.3 (barcode is accepted and ignored).
void cart_add(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = {uuid_field("productId"), quantity_field("quantity", 1),
                                         text_field("barcode", true)}};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  engine::add_cart_line command;
  command.product = app.id_of<product_id>(*body.body.string("productId"), entity_kind::product);
  command.quantity = quantity_of(body.body, "quantity");
  submit_cart_command(app, context, command, 201);
}

// The one field a route reads from an otherwise unvalidated body (8.4, 8.7): other keys are
// ignored. nullopt (after answering 400) when the body is not a JSON object.
std::optional<validated_body> unvalidated_body(server_app& app, const context_ptr& context) {
  static const body_spec any{.fields = {}, .reject_unknown = false};
  body_result body = validate_body(context->request.body, any);
  if (!app.body_is_valid(context, body)) return std::nullopt;
  return std::move(body.body);
}

// 8.4: one unit of the product with this exact barcode.
void cart_scan(server_app& app, const context_ptr& context) {
  const auto body = unvalidated_body(app, context);
  if (!body) return;
  auto barcode = body->text("barcode");
  if (!barcode) return app.reply_error(context, 400, "Invalid data format");
  submit_cart_command(app, context, engine::scan_barcode{std::move(*barcode)}, 201);
}

// 8.5: quantity 0 removes the line.
void cart_item_quantity(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = {quantity_field("quantity", 0)}};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  engine::change_cart_line_quantity command;
  command.line = app.id_of<cart_line_id>(context->params.get("itemId"), entity_kind::cart_line);
  command.quantity = quantity_of(body.body, "quantity");
  submit_cart_command(app, context, command, 200);
}

// 8.6.
void cart_item_remove(server_app& app, const context_ptr& context) {
  engine::remove_cart_line command;
  command.line = app.id_of<cart_line_id>(context->params.get("itemId"), entity_kind::cart_line);
  submit_cart_command(app, context, command, 200);
}

// 8.7: a truthy customerId attaches that customer; null, "" or absent detaches.
void cart_customer(server_app& app, const context_ptr& context) {
  const auto body = unvalidated_body(app, context);
  if (!body) return;
  engine::set_cart_customer command;
  if (body->has("customerId")) {
    const auto text = body->string("customerId");
    if (!text || !text->empty()) {
      command.customer = app.id_of<customer_id>(text.value_or(""), entity_kind::customer);
    }
  }
  submit_cart_command(app, context, command, 201);
}

// The tenders of a checkout or a one-shot sale: every element validated ([C++]); changeDue
// is accepted and ignored (the ledger computes change).
field_spec payments_field() {
  return lines_field("payments", {required_field("method", field_type::string,
                                                 {rule::one_of(enum_names(
                                      events::wire::EnumValuespayment_method(),
                                      events::wire::EnumNamepayment_method))}),
                                  money_field("amount", false), text_field("reference", true),
                                  money_field("changeDue", true)});
}

std::vector<engine::tender> tenders_of(const object_view& body) {
  std::vector<engine::tender> tenders;
  for (const object_view& payment : elements(body, "payments")) {
    tenders.push_back({*enum_named(*payment.string("method"), events::wire::EnumValuespayment_method(),
                                  events::wire::EnumNamepayment_method), *payment.money("amount"),
                       payment.string("reference").value_or("")});
  }
  return tenders;
}

projections::query_result render_sale(const view_state& state,
                                      const engine::command_outcome& outcome) {
  return projections::checkout_response_json(
      state, sale_id{committed_event<events::sale_completed>(outcome).sale_id});
}

// 8.8.
void checkout(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = {
      optional_field("customerId", field_type::string, {rule::is_uuid()}),
      money_field("discountAmount", true), text_field("notes", true), payments_field()}};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  engine::check_out_cart command;
  if (const auto customer = body.body.string("customerId")) {
    command.customer = app.id_of<customer_id>(*customer, entity_kind::customer);
  }
  command.discount_amount = body.body.money("discountAmount").value_or(0);
  command.notes = body.body.string("notes").value_or("");
  command.tenders = tenders_of(body.body);
  app.submit(context, std::move(command), [&app, context](const engine::command_outcome& outcome) {
    app.reply_committed(context, 201, outcome,
                        [&](const view_state& state) { return render_sale(state, outcome); });
  });
}

// 8.10: quantities are whole numbers of at least 1 ([C++]); the engine refuses a line named
// twice and any quantity beyond what is left of the sold line. A saleItemId that is not a UUID
// of this ledger cannot be a line of the sale: refused here with the client's text.
parsed_command parse_return(server_app& app, const object_view& body) {
  engine::return_sale command;
  command.sale = app.id_of<sale_id>(*body.string("saleId"), entity_kind::sale);
  command.reason = *body.string("reason");
  for (const object_view& item : elements(body, "items")) {
    const auto text = *item.string("saleItemId");
    const auto line = app.id_of<sale_line_id>(text, entity_kind::sale_line);
    if (line.value == server_app::unknown_entity) {
      return engine::rejection{engine::rejection_code::sale_item_not_found,
                               fmt::format("Sale item {} not found", text)};
    }
    command.lines.push_back({line, quantity_of(item, "quantity"),
                             item.string("condition").value_or("")});
  }
  return command;
}

projections::query_result render_return(const view_state& state,
                                        const engine::command_outcome& outcome) {
  return projections::return_response_json(
      state, return_id{committed_event<events::sale_returned>(outcome).return_id});
}

// 8.11 (native form: the sale in the body): restores what was not yet returned; payments are
// kept as they were.
parsed_command parse_cancel(server_app& app, const object_view& body) {
  return engine::cancel_sale{app.id_of<sale_id>(*body.string("saleId"), entity_kind::sale),
                             *body.string("reason")};
}

projections::query_result render_cancel(const view_state& state,
                                        const engine::command_outcome& outcome) {
  return projections::cancel_response_json(
      state, sale_id{committed_event<events::sale_cancelled>(outcome).sale_id});
}

// 8.11 POST /api/pos/cancel/:saleId: the native form with the sale from the path.
void cancel(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = {text_field("reason", false)}};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  run_command(app, context, *find_command_kind("cancel"),
              engine::cancel_sale{app.id_of<sale_id>(context->params.get("saleId"), entity_kind::sale),
                                  *body.body.string("reason")});
}

// The one-shot sale of a native batch (no cart): lines, tenders and the checkout's rules.
parsed_command parse_sale(server_app& app, const object_view& body) {
  engine::record_sale command;
  for (const object_view& line : elements(body, "lines")) {
    command.lines.push_back(
        {app.id_of<product_id>(*line.string("productId"), entity_kind::product),
         quantity_of(line, "quantity")});
  }
  if (const auto customer = body.string("customerId")) {
    command.customer = app.id_of<customer_id>(*customer, entity_kind::customer);
  }
  command.discount_amount = body.money("discountAmount").value_or(0);
  command.notes = body.string("notes").value_or("");
  command.tenders = tenders_of(body);
  return command;
}

// ------------------------------------------------------------------ 9 procurement

// 9.2: quantities of at least 1 and costs of at least 0 ([C++]).
void create_purchase_order(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = {
      uuid_field("supplierId"),
      lines_field("items", {uuid_field("productId"), quantity_field("quantity", 1),
                            money_field("unitCost", false)}),
      text_field("notes", true)}};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  engine::create_purchase_order command;
  command.supplier = app.id_of<supplier_id>(*body.body.string("supplierId"), entity_kind::supplier);
  for (const object_view& item : elements(body.body, "items")) {
    command.lines.push_back(
        {app.id_of<product_id>(*item.string("productId"), entity_kind::product),
         quantity_of(item, "quantity"), *item.money("unitCost")});
  }
  command.notes = body.body.string("notes").value_or("");
  app.submit(context, std::move(command), [&app, context](const engine::command_outcome& outcome) {
    const purchase_order_id id{committed_event<events::purchase_order_created>(outcome).purchase_order_id};
    app.reply_committed(context, 201, outcome, [id](const view_state& state) {
      return projections::purchase_order_created_json(state, id);
    });
  });
}

// 9.5 and 9.6: no body; the plain PORow afterwards.
template <class Command>
void decide_purchase_order(server_app& app, const context_ptr& context) {
  Command command;
  command.purchase_order =
      app.id_of<purchase_order_id>(context->params.get("id"), entity_kind::purchase_order);
  app.submit(context, command, [&app, context, id = command.purchase_order](
                                   const engine::command_outcome& outcome) {
    app.reply_committed(context, 200, outcome, [id](const view_state& state) {
      return projections::purchase_order_row_json(state, id);
    });
  });
}

// 9.7: received at the caller's branch; each line names its PO line and product.
void goods_receipt(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = {
      uuid_field("poId"), uuid_field("supplierId"),
      lines_field("items", {uuid_field("productId"), uuid_field("poItemId"),
                            quantity_field("quantity", 1), money_field("unitCost", false)}),
      text_field("notes", true)}};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  engine::receive_goods command;
  command.purchase_order =
      app.id_of<purchase_order_id>(*body.body.string("poId"), entity_kind::purchase_order);
  command.supplier = app.id_of<supplier_id>(*body.body.string("supplierId"), entity_kind::supplier);
  for (const object_view& item : elements(body.body, "items")) {
    command.lines.push_back(
        {app.id_of<purchase_order_line_id>(*item.string("poItemId"),
                                           entity_kind::purchase_order_line),
         app.id_of<product_id>(*item.string("productId"), entity_kind::product),
         quantity_of(item, "quantity"), *item.money("unitCost")});
  }
  command.notes = body.body.string("notes").value_or("");
  app.submit(context, std::move(command), [&app, context](const engine::command_outcome& outcome) {
    const goods_receipt_id id{committed_event<events::goods_receipt_recorded>(outcome).receipt_id};
    app.reply_committed(context, 201, outcome, [id](const view_state& state) {
      return projections::goods_receipt_created_json(state, id);
    });
  });
}

}  // namespace

std::span<const command_kind> command_kinds() {
  static const std::vector<command_kind> kinds = {
      {"sale", till_roles,
       {.fields = {lines_field("lines", {uuid_field("productId"), quantity_field("quantity", 1)}),
                   optional_field("customerId", field_type::string, {rule::is_uuid()}),
                   money_field("discountAmount", true), text_field("notes", true),
                   payments_field()}},
       201, parse_sale, render_sale},
      {"return", return_roles,
       {.fields = {uuid_field("saleId"), text_field("reason", false),
                   lines_field("items", {uuid_field("saleItemId"), quantity_field("quantity", 1),
                                         text_field("condition", true)})}},
       201, parse_return, render_return},
      {"cancel", return_roles, {.fields = {uuid_field("saleId"), text_field("reason", false)}}, 201,
       parse_cancel, render_cancel},
      {"stockIn", stock_roles,
       {.fields = {uuid_field("productId"), quantity_field("quantity", 1),
                   money_field("unitCost", true),
                   optional_field("supplierId", field_type::string, {rule::is_uuid()}),
                   text_field("reference", true), text_field("note", true)}},
       201, parse_stock_in, render_stock_in},
      {"stockOut", stock_roles,
       {.fields = {uuid_field("productId"), quantity_field("quantity", 1),
                   text_field("reason", false), text_field("note", true)}},
       201, parse_stock_out, render_stock_out},
      {"adjust", stock_roles,
       {.fields = {uuid_field("productId"), quantity_field("actualQty", 0),
                   text_field("reason", false)}},
       201, parse_adjust, render_adjust},
      {"transfer", stock_roles,
       {.fields = {uuid_field("sourceBranchId"), uuid_field("destBranchId"),
                   lines_field("items", {uuid_field("productId"), quantity_field("quantity", 1)}),
                   text_field("notes", true)}},
       201, parse_transfer, render_transfer},
  };
  return kinds;
}

const command_kind* find_command_kind(std::string_view type) {
  for (const command_kind& kind : command_kinds()) {
    if (kind.type == type) return &kind;
  }
  return nullptr;
}

void add_operations_write_routes(router<route_entry>& routes) {
  add_route(routes, "POST", "/api/inventory/stock-in", stock_roles, command_route("stockIn"));
  add_route(routes, "POST", "/api/inventory/stock-out", stock_roles, command_route("stockOut"));
  add_route(routes, "POST", "/api/inventory/adjust", stock_roles, command_route("adjust"));
  add_route(routes, "POST", "/api/inventory/transfer", stock_roles, command_route("transfer"));

  add_route(routes, "GET", "/api/pos/cart", till_roles, cart);
  add_route(routes, "POST", "/api/pos/cart/add", till_roles, cart_add);
  add_route(routes, "POST", "/api/pos/cart/scan", till_roles, cart_scan);
  add_route(routes, "PATCH", "/api/pos/cart/item/:itemId", till_roles, cart_item_quantity);
  add_route(routes, "DELETE", "/api/pos/cart/item/:itemId", till_roles, cart_item_remove);
  add_route(routes, "POST", "/api/pos/cart/customer", till_roles, cart_customer);
  add_route(routes, "POST", "/api/pos/checkout", till_roles, checkout);
  add_route(routes, "POST", "/api/pos/return", return_roles, command_route("return"));
  add_route(routes, "POST", "/api/pos/cancel/:saleId", return_roles, cancel);

  add_route(routes, "POST", "/api/procurement/purchase-orders", stock_roles,
            create_purchase_order);
  add_route(routes, "PATCH", "/api/procurement/purchase-orders/:id/approve",
            {SUPER_ADMIN, BRANCH_MANAGER}, decide_purchase_order<engine::approve_purchase_order>);
  add_route(routes, "PATCH", "/api/procurement/purchase-orders/:id/reject",
            {SUPER_ADMIN, BRANCH_MANAGER}, decide_purchase_order<engine::reject_purchase_order>);
  add_route(routes, "POST", "/api/procurement/goods-receipt", stock_roles, goods_receipt);
}

}  // namespace ledger::api
