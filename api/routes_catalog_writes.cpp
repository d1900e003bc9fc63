// The write routes of api-contract section 6: users, branches, categories, products,
// suppliers, customers. Each validates its body (1.5), turns it into one engine command (the
// engine checks uniqueness, references and limits), and answers with the record as the views
// show it after the commit.
#include <fmt/format.h>

#include <limits>

#include "api/password.h"
#include "api/server_app.h"
#include "api/validation.h"
#include "projections/catalog_queries.h"

namespace ledger::api {
namespace {

using projections::view_state;
using context_ptr = std::shared_ptr<request_context>;

// Answers `status` with render(state, record) for the record `id` once its command committed.
template <class Id, class Render>
void reply_record(server_app& app, const context_ptr& context, unsigned status, Id id,
                  Render render, const engine::command_outcome& outcome) {
  app.reply_committed(context, status, outcome, [&](const view_state& state) {
    const auto* record = state.catalog.model.find(id);
    LEDGER_ASSERT(record != nullptr, "a committed record is missing from the views");
    return render(state, *record);
  });
}

// Submits `command` and answers 201 with the record its `Created` event names.
template <class Created, class Id, class Render>
void submit_create(server_app& app, const context_ptr& context, engine::command command,
                   std::uint64_t Created::*member, Render render) {
  app.submit(context, std::move(command),
             [&app, context, member, render](const engine::command_outcome& outcome) {
               reply_record(app, context, 201, created_id<Created, Id>(outcome, member), render,
                            outcome);
             });
}

// Submits `command` about record `id` and answers 200 with the record afterwards.
template <class Id, class Render>
void submit_change(server_app& app, const context_ptr& context, engine::command command, Id id,
                   Render render) {
  app.submit(context, std::move(command),
             [&app, context, id, render](const engine::command_outcome& outcome) {
               reply_record(app, context, 200, id, render, outcome);
             });
}

template <class Id>
Id path_id(server_app& app, const context_ptr& context, entity_kind kind) {
  return app.id_of<Id>(context->params.get("id"), kind);
}

// A non-empty string or nothing: PATCH /api/users applies fullName, phone and role only when
// they are truthy (6.1).
std::optional<std::string> truthy(const object_view& body, std::string_view key) {
  auto value = body.string(key);
  if (value && value->empty()) return std::nullopt;
  return value;
}

// ------------------------------------------------------------------ 6.1 users

std::optional<user_role> role_named(std::string_view name) {
  return enum_named(name, events::wire::EnumValuesuser_role(), events::wire::EnumNameuser_role);
}

// The fields of POST /api/users; PATCH takes the same fields, all optional.
std::vector<field_spec> user_fields(bool all_optional) {
  const auto field = all_optional ? optional_field : required_field;
  return {field("email", field_type::string, {rule::is_email()}),
          field("password", field_type::string, {rule::is_string(), rule::min_length(6)}),
          field("fullName", field_type::string, {rule::is_string()}),
          optional_field("phone", field_type::string, {rule::is_string()}),
          field("role", field_type::string,
                {rule::one_of(enum_names(events::wire::EnumValuesuser_role(),
                                         events::wire::EnumNameuser_role))}),
          optional_field("branchId", field_type::string, {rule::is_uuid()})};
}

// 6.1 POST /api/users: the password is hashed on the work pool, never on the writer.
void create_user(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = user_fields(false)};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  engine::create_user command;
  command.email = *body.body.string("email");
  command.full_name = *body.body.string("fullName");
  command.phone = body.body.string("phone").value_or("");
  command.role = *role_named(*body.body.string("role"));
  if (const auto branch = body.body.string("branchId")) {
    command.branch = app.id_of<branch_id>(*branch, entity_kind::branch);
  }
  (void)app.blocking_work().post([&app, context, command = std::move(command),
                                  password = *body.body.string("password")]() mutable {
    auto hash = hash_password(password);
    if (!hash) return app.reply_error(context, 500, "Internal server error");
    command.password_hash = std::move(*hash);
    submit_create<events::user_created, user_id>(app, context, std::move(command),
                                                 &events::user_created::user_id,
                                                 projections::user_created_json);
  });
}

// 6.1 PATCH /api/users/:id.
void update_user(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = user_fields(true)};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  engine::update_user command;
  command.user = path_id<user_id>(app, context, entity_kind::user);
  command.email = body.body.string("email");
  command.full_name = truthy(body.body, "fullName");
  command.phone = truthy(body.body, "phone");
  if (const auto role = truthy(body.body, "role")) command.role = role_named(*role);
  if (body.body.contains("branchId")) {  // present: written; null unassigns the branch
    const auto branch = body.body.string("branchId");
    command.branch = branch ? std::optional(app.id_of<branch_id>(*branch, entity_kind::branch))
                            : std::optional<branch_id>();
  }
  const auto password = body.body.string("password");
  if (!password) {
    const user_id id = command.user;
    return submit_change(app, context, std::move(command), id, projections::user_updated_json);
  }
  (void)app.blocking_work().post([&app, context, command = std::move(command),
                                  password = *password]() mutable {
    auto hash = hash_password(password);
    if (!hash) return app.reply_error(context, 500, "Internal server error");
    command.password_hash = std::move(*hash);
    const user_id id = command.user;
    submit_change(app, context, std::move(command), id, projections::user_updated_json);
  });
}

// 6.1 PATCH /api/users/:id/toggle-active (the ledger also revokes the user's refresh token).
void toggle_user(server_app& app, const context_ptr& context) {
  const auto id = path_id<user_id>(app, context, entity_kind::user);
  submit_change(app, context, engine::toggle_user_active{id}, id, projections::user_toggle_json);
}

// ------------------------------------------------------------------ 6.2 branches

std::vector<field_spec> branch_fields(bool all_optional) {
  const auto field = all_optional ? optional_field : required_field;
  return {field("code", field_type::string, {rule::is_string(), rule::not_empty()}),
          field("name", field_type::string, {rule::is_string(), rule::not_empty()}),
          optional_field("address", field_type::string, {rule::is_string()}),
          optional_field("phone", field_type::string, {rule::is_string()})};
}

// 6.2 POST /api/branches: the ledger gives the branch a zero stock row for every product.
void create_branch(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = branch_fields(false)};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  engine::create_branch command;
  command.code = *body.body.string("code");
  command.name = *body.body.string("name");
  command.address = body.body.string("address").value_or("");
  command.phone = body.body.string("phone").value_or("");
  submit_create<events::branch_created, branch_id>(app, context, std::move(command),
                                                   &events::branch_created::branch_id,
                                                   projections::branch_row_json);
}

// 6.2 PATCH /api/branches/:id (isActive is not a field: "property isActive should not exist").
void update_branch(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = branch_fields(true)};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  engine::update_branch command;
  command.branch = path_id<branch_id>(app, context, entity_kind::branch);
  command.code = body.body.string("code");
  command.name = body.body.string("name");
  command.address = body.body.string("address");
  command.phone = body.body.string("phone");
  submit_change(app, context, command, command.branch, projections::branch_row_json);
}

// ------------------------------------------------------------------ 6.3 categories

void create_category(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = {
      required_field("name", field_type::string, {rule::is_string(), rule::not_empty()}),
      optional_field("description", field_type::string, {rule::is_string()})}};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  engine::create_category command;
  command.name = *body.body.string("name");
  command.description = body.body.string("description").value_or("");
  submit_create<events::category_created, category_id>(app, context, std::move(command),
                                                       &events::category_created::category_id,
                                                       projections::category_row_json);
}

void update_category(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = {
      optional_field("name", field_type::string, {rule::is_string(), rule::not_empty()}),
      optional_field("description", field_type::string, {rule::is_string()})}};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  engine::update_category command;
  command.category = path_id<category_id>(app, context, entity_kind::category);
  command.name = body.body.string("name");
  command.description = body.body.string("description");
  submit_change(app, context, command, command.category, projections::category_row_json);
}

// 6.3 DELETE /api/categories/:id: refused while products use the category.
void delete_category(server_app& app, const context_ptr& context) {
  engine::delete_category command;
  command.category = path_id<category_id>(app, context, entity_kind::category);
  app.submit(context, command, [&app, context](const engine::command_outcome& outcome) {
    app.reply(context, 200, R"({"message":"Category deleted successfully"})",
              outcome.last_sequence);
  });
}

// ------------------------------------------------------------------ 6.4 products

std::vector<field_spec> product_fields(bool all_optional) {
  const auto field = all_optional ? optional_field : required_field;
  return {field("sku", field_type::string, {rule::is_string(), rule::not_empty()}),
          field("barcode", field_type::string, {rule::is_string(), rule::not_empty()}),
          field("name", field_type::string, {rule::is_string(), rule::not_empty()}),
          optional_field("description", field_type::string, {rule::is_string()}),
          optional_field("unit", field_type::string, {rule::is_string()}),
          field("costPrice", field_type::number, {rule::is_money(), rule::minimum(0)}),
          field("sellingPrice", field_type::number, {rule::is_money(), rule::minimum(0)}),
          optional_field("minStock", field_type::number,
                         {rule::is_number(), rule::minimum(0), rule::is_integer()}),
          optional_field("taxRate", field_type::number, {rule::is_money(), rule::minimum(0)}),
          field("categoryId", field_type::string, {rule::is_uuid()})};
}

// A validated percentage in hundredths of a percent (8 -> 800). Values beyond uint32 are
// clamped: the engine's tax-rate limit refuses them with its message.
std::optional<std::uint32_t> tax_rate_of(const object_view& body) {
  const auto rate = body.money("taxRate");
  if (!rate) return std::nullopt;
  return static_cast<std::uint32_t>(
      std::min<std::int64_t>(*rate, std::numeric_limits<std::uint32_t>::max()));
}

std::optional<std::int32_t> min_stock_of(const object_view& body) {
  const auto value = body.integer("minStock");
  if (!value) return std::nullopt;
  return static_cast<std::int32_t>(
      std::min<std::int64_t>(*value, std::numeric_limits<std::int32_t>::max()));
}

// 6.4 POST /api/products: the ledger adds a zero stock row in every branch.
void create_product(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = product_fields(false)};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  engine::create_product command;
  command.sku = *body.body.string("sku");
  command.barcode = *body.body.string("barcode");
  command.name = *body.body.string("name");
  command.description = body.body.string("description").value_or("");
  command.unit = body.body.string("unit").value_or("");
  command.cost_price = *body.body.money("costPrice");
  command.selling_price = *body.body.money("sellingPrice");
  command.min_stock = min_stock_of(body.body).value_or(0);
  command.tax_rate = tax_rate_of(body.body);
  command.category = app.id_of<category_id>(*body.body.string("categoryId"),
                                          entity_kind::category);
  submit_create<events::product_created, product_id>(app, context, std::move(command),
                                                     &events::product_created::product_id,
                                                     projections::product_row_json);
}

// 6.4 PATCH /api/products/:id: present fields are written as given; description may be null
// (cleared), null for any other field is "Invalid data format" as in the reference.
void update_product(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = product_fields(true)};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  for (const auto& field : spec.fields) {
    if (field.name != "description" && body.body.is_null(field.name)) {
      return app.reply_error(context, 400, "Invalid data format");
    }
  }
  engine::update_product command;
  command.product = path_id<product_id>(app, context, entity_kind::product);
  command.sku = body.body.string("sku");
  command.barcode = body.body.string("barcode");
  command.name = body.body.string("name");
  if (body.body.contains("description")) {
    command.description = body.body.string("description").value_or("");
  }
  command.unit = body.body.string("unit");
  command.cost_price = body.body.money("costPrice");
  command.selling_price = body.body.money("sellingPrice");
  command.min_stock = min_stock_of(body.body);
  command.tax_rate = tax_rate_of(body.body);
  if (const auto category = body.body.string("categoryId")) {
    command.category = app.id_of<category_id>(*category, entity_kind::category);
  }
  submit_change(app, context, command, command.product, projections::product_row_json);
}

// 6.4 PATCH /api/products/:id/toggle-active: the plain ProductRow.
void toggle_product(server_app& app, const context_ptr& context) {
  const auto id = path_id<product_id>(app, context, entity_kind::product);
  submit_change(app, context, engine::toggle_product_active{id}, id,
                projections::product_plain_row_json);
}

// ------------------------------------------------------------------ 6.5 suppliers

std::vector<field_spec> supplier_fields(bool all_optional) {
  const auto field = all_optional ? optional_field : required_field;
  return {field("code", field_type::string, {rule::is_string(), rule::not_empty()}),
          field("name", field_type::string, {rule::is_string(), rule::not_empty()}),
          optional_field("contactPerson", field_type::string, {rule::is_string()}),
          optional_field("phone", field_type::string, {rule::is_string()}),
          optional_field("email", field_type::string, {rule::is_email()}),
          optional_field("address", field_type::string, {rule::is_string()})};
}

void create_supplier(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = supplier_fields(false)};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  engine::create_supplier command;
  command.code = *body.body.string("code");
  command.name = *body.body.string("name");
  command.contact_person = body.body.string("contactPerson").value_or("");
  command.phone = body.body.string("phone").value_or("");
  command.email = body.body.string("email").value_or("");
  command.address = body.body.string("address").value_or("");
  submit_create<events::supplier_created, supplier_id>(app, context, std::move(command),
                                                       &events::supplier_created::supplier_id,
                                                       projections::supplier_row_json);
}

void update_supplier(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = supplier_fields(true)};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  engine::update_supplier command;
  command.supplier = path_id<supplier_id>(app, context, entity_kind::supplier);
  command.code = body.body.string("code");
  command.name = body.body.string("name");
  command.contact_person = body.body.string("contactPerson");
  command.phone = body.body.string("phone");
  command.email = body.body.string("email");
  command.address = body.body.string("address");
  submit_change(app, context, command, command.supplier, projections::supplier_row_json);
}

void toggle_supplier(server_app& app, const context_ptr& context) {
  const auto id = path_id<supplier_id>(app, context, entity_kind::supplier);
  submit_change(app, context, engine::toggle_supplier_active{id}, id,
                projections::supplier_row_json);
}

// ------------------------------------------------------------------ 6.6 customers

void create_customer(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = {
      required_field("name", field_type::string, {rule::is_string(), rule::not_empty()}),
      required_field("phone", field_type::string, {rule::is_string(), rule::not_empty()}),
      optional_field("email", field_type::string, {rule::is_email()})}};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  engine::create_customer command;
  command.name = *body.body.string("name");
  command.phone = *body.body.string("phone");
  command.email = body.body.string("email").value_or("");
  submit_create<events::customer_created, customer_id>(app, context, std::move(command),
                                                       &events::customer_created::customer_id,
                                                       projections::customer_row_json);
}

void update_customer(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = {
      optional_field("name", field_type::string, {rule::is_string()}),
      optional_field("phone", field_type::string, {rule::is_string()}),
      optional_field("email", field_type::string, {rule::is_email()})}};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  engine::update_customer command;
  command.customer = path_id<customer_id>(app, context, entity_kind::customer);
  command.name = body.body.string("name");
  command.phone = body.body.string("phone");
  command.email = body.body.string("email");
  submit_change(app, context, command, command.customer, projections::customer_row_json);
}

}  // namespace

void add_catalog_write_routes(router<route_entry>& routes) {
  add_route(routes, "POST", "/api/users", {SUPER_ADMIN}, create_user);
  add_route(routes, "PATCH", "/api/users/:id", {SUPER_ADMIN}, update_user);
  add_route(routes, "PATCH", "/api/users/:id/toggle-active", {SUPER_ADMIN}, toggle_user);
  add_route(routes, "POST", "/api/branches", {SUPER_ADMIN}, create_branch);
  add_route(routes, "PATCH", "/api/branches/:id", {SUPER_ADMIN}, update_branch);
  add_route(routes, "POST", "/api/categories", {SUPER_ADMIN, BRANCH_MANAGER}, create_category);
  add_route(routes, "PATCH", "/api/categories/:id", {SUPER_ADMIN, BRANCH_MANAGER},
            update_category);
  add_route(routes, "DELETE", "/api/categories/:id", {SUPER_ADMIN}, delete_category);
  add_route(routes, "POST", "/api/products", {SUPER_ADMIN, BRANCH_MANAGER, INVENTORY_STAFF},
            create_product);
  add_route(routes, "PATCH", "/api/products/:id", {SUPER_ADMIN, BRANCH_MANAGER}, update_product);
  add_route(routes, "PATCH", "/api/products/:id/toggle-active", {SUPER_ADMIN, BRANCH_MANAGER},
            toggle_product);
  add_route(routes, "POST", "/api/suppliers", {SUPER_ADMIN, BRANCH_MANAGER, INVENTORY_STAFF},
            create_supplier);
  add_route(routes, "PATCH", "/api/suppliers/:id", {SUPER_ADMIN, BRANCH_MANAGER},
            update_supplier);
  add_route(routes, "PATCH", "/api/suppliers/:id/toggle-active", {SUPER_ADMIN},
            toggle_supplier);
  add_route(routes, "POST", "/api/customers", {SUPER_ADMIN, BRANCH_MANAGER, CASHIER},
            create_customer);
  add_route(routes, "PATCH", "/api/customers/:id", {SUPER_ADMIN, BRANCH_MANAGER},
            update_customer);
}

}  // namespace ledger::api
