// operations_queries: inventory, point-of-sale and procurement reads (api-contract sections 7,
// 8 and 9), rendered from the views with the shared row writers of projections/catalog_queries.h.
#include "projections/operations_queries.h"

#include <algorithm>
#include <limits>
#include <string_view>
#include <vector>

#include "events/assert.h"
#include "events/money.h"
#include "projections/catalog_queries.h"
#include "projections/json_writer.h"

namespace ledger::projections {
namespace {

constexpr std::string_view invalid_data_format = "Invalid data format";
constexpr std::int64_t transfers_rows_max = 100;  // contract 7.8: rows fetched, not the echo

query_error refuse(int status, std::string_view message) {
  return query_error{status, std::string{message}};
}

// ------------------------------------------------------------------ pagination (contract 1.7)

// Rows [offset, offset + count) of a newest-first sequence.
struct page_window {
  std::uint64_t offset = 0;
  std::uint64_t count = 0;
};

// The rows of `page` (contract 1.7: offset = (page - 1) * limit, saturated by page_offset, so a
// huge page lies past the end); the count is the requested limit, optionally capped.
page_window window_of(page_request page, std::int64_t count_max) {
  LEDGER_ASSERT(page.page >= 1, "page {} was not validated", page.page);
  LEDGER_ASSERT(page.limit >= 0, "limit {} was not validated", page.limit);
  return page_window{static_cast<std::uint64_t>(page_offset(page.page, page.limit)),
                     static_cast<std::uint64_t>(std::min(page.limit, count_max))};
}

page_window window_of(page_request page) {
  return window_of(page, std::numeric_limits<std::int64_t>::max());
}

// Opens a Paged<T> body: the caller writes the rows, then closes it with end_page.
void begin_page(json_writer& json) { json.begin_object().key("data").begin_array(); }

void end_page(json_writer& json, std::int64_t total, page_request page) {
  json.end_array();
  write_page_fields(json, total, page.page, page.limit);
  json.end_object();
}

// Emits the rows of positions size-1, size-2, ... 0 (newest first) that fall in `window`.
template <class Emit>
void emit_backwards(std::size_t size, page_window window, Emit emit) {
  if (window.offset >= size) return;
  const std::uint64_t end = window.offset + std::min<std::uint64_t>(window.count, size - window.offset);
  for (std::uint64_t k = window.offset; k < end; ++k) emit(size - 1 - k);
}

// Walks positions size-1 .. 0 (newest first), emits the matching ones that fall in `window` and
// answers how many matched. With `known_total` the walk stops once the window is full (the
// caller knows the total); otherwise it counts every match.
template <class Match, class Emit>
std::int64_t emit_matching_backwards(std::size_t size, page_window window,
                                     std::optional<std::int64_t> known_total, Match match,
                                     Emit emit) {
  std::uint64_t matched = 0;
  const std::uint64_t window_end =
      window.count > std::numeric_limits<std::uint64_t>::max() - window.offset
          ? std::numeric_limits<std::uint64_t>::max()
          : window.offset + window.count;
  for (std::size_t i = size; i-- > 0;) {
    if (!match(i)) continue;
    if (matched >= window.offset && matched < window_end) emit(i);
    ++matched;
    if (known_total && matched >= window_end) break;
  }
  return known_total ? *known_total : static_cast<std::int64_t>(matched);
}

// ------------------------------------------------------------------ small embedded objects

// { "id", "fullName" } or null.
void user_ref(json_writer& json, const view_state& state, user_id id) {
  const auto* user = state.catalog.model.find(id);
  if (user == nullptr) {
    json.null();
    return;
  }
  json.begin_object()
      .string_field("id", state.uuid(entity_kind::user, user->id))
      .string_field("fullName", user->full_name)
      .end_object();
}

// { "id", "name", "phone" } or null.
void customer_ref(json_writer& json, const view_state& state, customer_id id) {
  const auto* customer = state.catalog.model.find(id);
  if (customer == nullptr) {
    json.null();
    return;
  }
  json.begin_object()
      .string_field("id", state.uuid(entity_kind::customer, customer->id))
      .string_field("name", customer->name)
      .string_field("phone", customer->phone)
      .end_object();
}

// Which members of a product an embedded reference carries (each route names its own subset).
enum class product_members : std::uint8_t {
  id_sku_name,               // transfers list items
  id_sku_name_unit,          // ledger rows, checkout items, PO items
  id_sku_name_unit_barcode,  // receipt items
};

void product_ref(json_writer& json, const view_state& state, product_id id,
                 product_members members) {
  const auto* product = state.catalog.model.find(id);
  if (product == nullptr) {
    json.null();
    return;
  }
  json.begin_object()
      .string_field("id", state.uuid(entity_kind::product, product->id))
      .string_field("sku", product->sku)
      .string_field("name", product->name);
  if (members != product_members::id_sku_name) json.string_field("unit", product->unit);
  if (members == product_members::id_sku_name_unit_barcode) {
    json.string_field("barcode", product->barcode);
  }
  json.end_object();
}

// The full ProductRow (shared writer) or null.
void product_row_or_null(json_writer& json, const view_state& state, product_id id) {
  const auto* product = state.catalog.model.find(id);
  if (product == nullptr) {
    json.null();
    return;
  }
  json.begin_object();
  write_product_row(json, state, *product);
  json.end_object();
}

// ------------------------------------------------------------------ inventory rows

// InvTxnRow `reference` and `note`, rendered per source as the ledger table of contract 7 says.
void movement_texts(json_writer& json, const view_state& state, const movement& m) {
  std::string reference;
  std::string note;
  switch (m.source) {
    case movement_source::stock_in:
    case movement_source::stock_out: {
      // Stored as the contract renders them (stock-out: note, or the reason without one).
      if (m.document < state.inventory.texts.size()) {
        reference = state.inventory.texts[m.document].reference;
        note = state.inventory.texts[m.document].note;
      }
      break;
    }
    case movement_source::adjustment: {
      reference = state.uuid(entity_kind::adjustment, m.document);
      if (const auto* adjustment = state.inventory.find(adjustment_id{m.document})) {
        note = fmt::format("Adjustment: {} (system: {}, actual: {})", adjustment->reason,
                           adjustment->system_quantity, adjustment->counted_quantity);
      }
      break;
    }
    case movement_source::transfer: {
      if (const auto* transfer = state.inventory.find(transfer_id{m.document})) {
        reference = transfer->reference_number;
        note = m.type == movement_type::TRANSFER_OUT
                   ? fmt::format("Transfer to branch {}",
                                 state.uuid(entity_kind::branch, transfer->destination))
                   : fmt::format("Transfer from branch {}",
                                 state.uuid(entity_kind::branch, transfer->source));
      }
      break;
    }
    case movement_source::sale: {
      if (const auto* sale = state.sales.find(sale_id{m.document})) {
        reference = sale->invoice_number;
      }
      break;
    }
    case movement_source::sale_return: {
      if (const auto* ret = state.sales.find(return_id{m.document})) {
        reference = ret->return_number;
        if (const auto* sale = state.sales.find(ret->sale)) {
          note = fmt::format("Return from sale {}", sale->invoice_number);
        }
      }
      break;
    }
    case movement_source::cancellation: {
      if (const auto* sale = state.sales.find(sale_id{m.document})) {
        reference = sale->invoice_number;
        note = fmt::format("Cancel invoice: {}", sale->cancel_reason);
      }
      break;
    }
    case movement_source::goods_receipt: {
      if (const auto* receipt = state.procurement.find(goods_receipt_id{m.document})) {
        reference = receipt->receipt_number;
        if (const auto* order = state.procurement.find(receipt->purchase_order)) {
          note = fmt::format("Goods receipt from PO {}", order->po_number);
        }
      }
      break;
    }
  }
  json.optional_string_field("reference", reference);
  json.optional_string_field("note", note);
}

// InvTxnRow + product{id,sku,name,unit} + user{id,fullName}.
void write_transaction(json_writer& json, const view_state& state, const movement& m) {
  json.begin_object()
      .string_field("id", state.uuid(entity_kind::inventory_transaction, m.number))
      .string_field("type", name_of(m.type))
      .integer_field("quantity", m.quantity);
  movement_texts(json, state, m);
  json.string_field("productId", state.uuid(entity_kind::product, m.product))
      .string_field("branchId", state.uuid(entity_kind::branch, m.branch));
  optional_uuid_field(json, state, "userId", entity_kind::user, m.user);
  json.time_field("createdAt", m.at_us);
  json.key("product");
  product_ref(json, state, m.product, product_members::id_sku_name_unit);
  json.key("user");
  user_ref(json, state, m.user);
  json.end_object();
}

// TransferRow members (status COMPLETED at once; requester = approver, contract 7.4).
void write_transfer_row(json_writer& json, const view_state& state, const transfer_view& t) {
  const std::string requester = state.uuid(entity_kind::user, t.requested_by);
  json.string_field("id", state.uuid(entity_kind::transfer, t.id))
      .string_field("referenceNumber", t.reference_number)
      .string_field("status", "COMPLETED")
      .optional_string_field("notes", t.notes)
      .string_field("sourceBranchId", state.uuid(entity_kind::branch, t.source))
      .string_field("destBranchId", state.uuid(entity_kind::branch, t.destination))
      .string_field("requestedById", requester)
      .string_field("approvedById", requester)
      .time_field("createdAt", t.created_at_us)
      .time_field("updatedAt", t.created_at_us);
}

// TransferItemRow members (everything sent is received: receivedQty = quantity).
void write_transfer_item_row(json_writer& json, const view_state& state, const transfer_view& t,
                             const transfer_item_view& item) {
  json.string_field("id", state.uuid(transfer_item_kind, item.number))
      .integer_field("quantity", item.quantity)
      .integer_field("receivedQty", item.quantity)
      .string_field("transferId", state.uuid(entity_kind::transfer, t.id))
      .string_field("productId", state.uuid(entity_kind::product, item.product));
}

constexpr std::string_view approved_status = "APPROVED";

// ------------------------------------------------------------------ sale rows

// SaleItemRow + product (the subset each route embeds).
void write_sale_items(json_writer& json, const view_state& state, const sale_view& sale,
                      product_members members) {
  json.key("items").begin_array();
  for (const auto& line : sale.lines) {
    json.begin_object();
    write_sale_item_row(json, state, sale, line);
    json.key("product");
    product_ref(json, state, line.product, members);
    json.end_object();
  }
  json.end_array();
}

void write_payments(json_writer& json, const view_state& state, const sale_view& sale) {
  json.key("payments").begin_array();
  for (const auto& payment : sale.payments) {
    json.begin_object();
    write_payment_row(json, state, sale, payment);
    json.end_object();
  }
  json.end_array();
}

// SaleRow + items, payments, cashier, branch, customer: the receipt (8.9) and checkout (8.8)
// shapes, which differ only in the product and branch members they embed.
std::string sale_with_relations(const view_state& state, const sale_view& sale,
                                product_members products, branch_members branch) {
  json_writer json;
  json.begin_object();
  write_sale_row(json, state, sale);
  write_sale_items(json, state, sale, products);
  write_payments(json, state, sale);
  json.key("cashier");
  user_ref(json, state, sale.cashier);
  json.key("branch");
  branch_ref(json, state, sale.branch, branch);
  json.key("customer");
  customer_ref(json, state, sale.customer);
  json.end_object();
  return json.take();
}

// ------------------------------------------------------------------ procurement rows

// POItemRow members.
void write_purchase_order_item_row(json_writer& json, const view_state& state,
                                   const purchase_order_view& order,
                                   const purchase_order_line_view& line) {
  json.string_field("id", state.uuid(entity_kind::purchase_order_line, line.id))
      .integer_field("quantity", line.quantity)
      .money_string_field("unitCost", line.unit_cost)
      .money_string_field("lineTotal", line.line_total)
      .integer_field("receivedQty", line.received_quantity)
      .string_field("poId", state.uuid(entity_kind::purchase_order, order.id))
      .string_field("productId", state.uuid(entity_kind::product, line.product));
}

// "items": [POItemRow + product{id,sku,name,unit}].
void write_purchase_order_items(json_writer& json, const view_state& state,
                                const purchase_order_view& order) {
  json.key("items").begin_array();
  for (const auto& line : order.lines) {
    json.begin_object();
    write_purchase_order_item_row(json, state, order, line);
    json.key("product");
    product_ref(json, state, line.product, product_members::id_sku_name_unit);
    json.end_object();
  }
  json.end_array();
}

// { "id", "name", "code" } of the PO's supplier, or null.
void supplier_ref(json_writer& json, const view_state& state, supplier_id id) {
  const auto* supplier = state.catalog.model.find(id);
  if (supplier == nullptr) {
    json.null();
    return;
  }
  json.begin_object()
      .string_field("id", state.uuid(entity_kind::supplier, supplier->id))
      .string_field("name", supplier->name)
      .string_field("code", supplier->code)
      .end_object();
}

// GRRow members (receipts are complete when recorded: status COMPLETED).
void write_goods_receipt_row(json_writer& json, const view_state& state,
                             const goods_receipt_view& receipt) {
  json.string_field("id", state.uuid(entity_kind::goods_receipt, receipt.id))
      .string_field("receiptNumber", receipt.receipt_number)
      .string_field("status", "COMPLETED")
      .optional_string_field("notes", receipt.notes)
      .string_field("poId", state.uuid(entity_kind::purchase_order, receipt.purchase_order))
      .string_field("supplierId", state.uuid(entity_kind::supplier, receipt.supplier))
      .string_field("branchId", state.uuid(entity_kind::branch, receipt.branch))
      .string_field("receivedById", state.uuid(entity_kind::user, receipt.received_by))
      .time_field("createdAt", receipt.created_at_us)
      .time_field("updatedAt", receipt.created_at_us);
}

// GRItemRow members.
void write_goods_receipt_item_row(json_writer& json, const view_state& state,
                                  const goods_receipt_view& receipt,
                                  const goods_receipt_line_view& line) {
  json.string_field("id", state.uuid(entity_kind::goods_receipt_line, line.id))
      .integer_field("quantity", line.quantity)
      .money_string_field("unitCost", line.unit_cost)
      .money_string_field("lineTotal", line.line_total)
      .string_field("grId", state.uuid(entity_kind::goods_receipt, receipt.id))
      .string_field("productId", state.uuid(entity_kind::product, line.product))
      .string_field("poItemId", state.uuid(entity_kind::purchase_order_line, line.purchase_order_line));
}

}  // namespace

// ------------------------------------------------------------------ inventory

query_result stock_list(const view_state& state, const caller& who,
                        std::optional<product_id> product) {
  if (!who.branch) return refuse(400, invalid_data_format);
  const auto& catalog = state.catalog;

  // The branch's stock rows in creation order (ordinal). The catalog is small (branches x
  // products), so walking every row is cheap; a product filter is one lookup.
  std::vector<std::pair<const engine::stock_key*, const stock_row_meta*>> rows;
  if (product) {
    const auto it = catalog.stock_rows.find(engine::stock_key{who.branch, *product});
    if (it != catalog.stock_rows.end()) rows.emplace_back(&it->first, &it->second);
  } else {
    for (const auto& [key, meta] : catalog.stock_rows) {
      if (key.branch == who.branch) rows.emplace_back(&key, &meta);
    }
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return a.second->ordinal < b.second->ordinal; });
  }

  json_writer json;
  json.begin_array();
  for (const auto& [key, meta] : rows) {
    const auto* record = catalog.model.find(key->product);
    if (record == nullptr) continue;  // every stock row names a product (fold invariant)
    json.begin_object();
    write_stock_row(json, state, *key);
    json.key("product")
        .begin_object()
        .string_field("id", state.uuid(entity_kind::product, record->id))
        .string_field("sku", record->sku)
        .string_field("name", record->name)
        .string_field("barcode", record->barcode)
        .money_string_field("costPrice", record->cost_price)
        .money_string_field("sellingPrice", record->selling_price)
        .integer_field("minStock", record->min_stock)
        .string_field("unit", record->unit)
        .end_object();
    json.end_object();
  }
  json.end_array();
  return json.take();
}

query_result transactions(const view_state& state, const caller& who,
                          std::optional<product_id> product, page_request page) {
  if (!who.branch) return refuse(400, invalid_data_format);
  const auto& inventory = state.inventory;
  static const std::vector<std::uint32_t> no_movements;
  const auto found = inventory.movements_by_branch.find(who.branch);
  const auto& positions = found == inventory.movements_by_branch.end() ? no_movements : found->second;
  const auto window = window_of(page);

  json_writer json;
  begin_page(json);
  const auto write_at = [&](std::size_t i) {
    write_transaction(json, state, inventory.movements[positions[i]]);
  };
  std::int64_t total = 0;
  if (product) {
    // Cost: O(movements of the branch) to count the product's rows for `total`.
    total = emit_matching_backwards(
        positions.size(), window, std::nullopt,
        [&](std::size_t i) { return inventory.movements[positions[i]].product == *product; },
        write_at);
  } else {
    total = static_cast<std::int64_t>(positions.size());
    emit_backwards(positions.size(), window, write_at);
  }
  end_page(json, total, page);
  return json.take();
}

std::string transfers_list(const view_state& state, page_request page) {
  const auto& transfers = state.inventory.transfers;
  json_writer json;
  begin_page(json);
  emit_backwards(transfers.size(), window_of(page, transfers_rows_max), [&](std::size_t i) {
    const transfer_view& t = transfers[i];
    json.begin_object();
    write_transfer_row(json, state, t);
    json.key("sourceBranch");
    branch_ref(json, state, t.source, branch_members::id_name_code);
    json.key("destBranch");
    branch_ref(json, state, t.destination, branch_members::id_name_code);
    json.key("requestedBy");
    user_ref(json, state, t.requested_by);
    json.key("items").begin_array();
    for (const auto& item : t.items) {
      json.begin_object();
      write_transfer_item_row(json, state, t, item);
      json.key("product");
      product_ref(json, state, item.product, product_members::id_sku_name);
      json.end_object();
    }
    json.end_array();
    json.end_object();
  });
  end_page(json, static_cast<std::int64_t>(transfers.size()), page);
  return json.take();
}

std::string low_stock(const view_state& state, const caller& who) {
  const auto& model = state.catalog.model;
  struct low_row {
    const engine::product_record* product;
    const engine::branch_record* branch;
    std::int32_t quantity;
  };
  std::vector<low_row> rows;
  for (const auto& [key, meta] : state.catalog.stock_rows) {
    if (who.branch && key.branch != who.branch) continue;
    const auto* product = model.find(key.product);
    if (product == nullptr || !product->is_active || product->min_stock <= 0) continue;
    const std::int32_t quantity = model.stock_of(key.branch, key.product);
    if (quantity > product->min_stock) continue;
    const auto* branch = model.find(key.branch);
    if (branch == nullptr) continue;  // every stock row names a branch (fold invariant)
    rows.push_back(low_row{product, branch, quantity});
  }
  // quantity / minStock ascending, compared exactly: a.q / a.min < b.q / b.min  <=>
  // a.q * b.min < b.q * a.min (both minStock > 0; int32 x int32 fits in int64). Ties (the
  // contract leaves them unspecified) by branch code, then SKU, then ids.
  std::sort(rows.begin(), rows.end(), [](const low_row& a, const low_row& b) {
    const std::int64_t left = std::int64_t{a.quantity} * b.product->min_stock;
    const std::int64_t right = std::int64_t{b.quantity} * a.product->min_stock;
    if (left != right) return left < right;
    if (a.branch->code != b.branch->code) return a.branch->code < b.branch->code;
    if (a.product->sku != b.product->sku) return a.product->sku < b.product->sku;
    if (a.branch->id != b.branch->id) return a.branch->id < b.branch->id;
    return a.product->id < b.product->id;
  });

  std::int64_t critical = 0;
  for (const auto& row : rows) critical += row.quantity == 0 ? 1 : 0;
  const auto total = static_cast<std::int64_t>(rows.size());

  json_writer json;
  json.begin_object()
      .integer_field("total", total)
      .integer_field("critical", critical)
      .integer_field("warning", total - critical);
  json.key("items").begin_array();
  for (const auto& row : rows) {
    json.begin_object()
        .string_field("productId", state.uuid(entity_kind::product, row.product->id))
        .string_field("sku", row.product->sku)
        .string_field("productName", row.product->name)
        .string_field("barcode", row.product->barcode)
        .integer_field("currentStock", row.quantity)
        .integer_field("minStock", row.product->min_stock)
        .integer_field("deficit", std::max<std::int64_t>(0, std::int64_t{row.product->min_stock} - row.quantity))
        .string_field("unit", row.product->unit)
        .string_field("branch", row.branch->name)
        .end_object();
  }
  json.end_array().end_object();
  return json.take();
}

query_result adjustments_list(const view_state& state, const caller& who, page_request page) {
  if (!who.branch) return refuse(400, invalid_data_format);
  const auto& adjustments = state.inventory.adjustments;
  json_writer json;
  begin_page(json);
  // Cost: O(adjustments of all branches) for `total`; stock counts are rare next to sales.
  const std::int64_t total = emit_matching_backwards(
      adjustments.size(), window_of(page), std::nullopt,
      [&](std::size_t i) { return adjustments[i].branch == who.branch; },
      [&](std::size_t i) {
        const adjustment_view& a = adjustments[i];
        const std::string user = state.uuid(entity_kind::user, a.user);
        json.begin_object()
            .string_field("id", state.uuid(entity_kind::adjustment, a.id))
            .integer_field("systemQty", a.system_quantity)
            .integer_field("actualQty", a.counted_quantity)
            .integer_field("difference", std::int64_t{a.counted_quantity} - a.system_quantity)
            .string_field("reason", a.reason)
            .string_field("status", approved_status)
            .string_field("userId", user)
            .string_field("approvedById", user)  // self-approved (contract 7.3)
            .time_field("approvedAt", a.at_us)
            .string_field("productId", state.uuid(entity_kind::product, a.product))
            .string_field("branchId", state.uuid(entity_kind::branch, a.branch))
            .time_field("createdAt", a.at_us)
            .end_object();
      });
  end_page(json, total, page);
  return json.take();
}

std::string stock_change_json(const stock_change_result& result) {
  json_writer json;
  json.begin_object()
      .integer_field("previousStock", result.previous_stock)
      .integer_field("newStock", result.new_stock)
      .integer_field("change", result.change)
      .end_object();
  return json.take();
}

query_result adjustment_result_json(const view_state& state, adjustment_id id) {
  const auto* adjustment = state.inventory.find(id);
  if (adjustment == nullptr) return refuse(404, "Adjustment not found");
  json_writer json;
  json.begin_object()
      .integer_field("previousStock", adjustment->system_quantity)
      .integer_field("newStock", adjustment->counted_quantity)
      .integer_field("difference",
                     std::int64_t{adjustment->counted_quantity} - adjustment->system_quantity)
      .string_field("adjustmentId", state.uuid(entity_kind::adjustment, adjustment->id))
      .end_object();
  return json.take();
}

query_result transfer_json(const view_state& state, transfer_id id) {
  const auto* transfer = state.inventory.find(id);
  if (transfer == nullptr) return refuse(404, "Transfer not found");
  json_writer json;
  json.begin_object();
  write_transfer_row(json, state, *transfer);
  json.key("items").begin_array();
  for (const auto& item : transfer->items) {
    json.begin_object();
    write_transfer_item_row(json, state, *transfer, item);
    json.end_object();
  }
  json.end_array().end_object();
  return json.take();
}

// ------------------------------------------------------------------ point of sale

query_result cart_view_json(const view_state& state, cart_id id) {
  const auto& model = state.catalog.model;
  const auto* cart = model.find(id);
  if (cart == nullptr) return refuse(404, "No active cart");

  json_writer json;
  json.begin_object()
      .string_field("id", state.uuid(entity_kind::cart, cart->id))
      .boolean_field("isActive", true)  // the model keeps active carts only
      .string_field("branchId", state.uuid(entity_kind::branch, cart->branch))
      .string_field("cashierId", state.uuid(entity_kind::user, cart->cashier));
  optional_uuid_field(json, state, "customerId", entity_kind::customer, cart->customer);
  json.time_field("createdAt", cart->created_at_us).time_field("updatedAt", cart->updated_at_us);

  std::vector<money::taxed_amount> taxed;
  taxed.reserve(cart->lines.size());
  std::int64_t subtotal = 0;
  std::int64_t total_quantity = 0;
  json.key("items").begin_array();
  for (const auto& line : cart->lines) {
    const std::int64_t line_subtotal = (line.unit_price - line.discount) * line.quantity;
    const auto* product = model.find(line.product);
    // The summary taxes the frozen line subtotal at the product's CURRENT rate (contract 8.1).
    taxed.push_back(money::taxed_amount{line_subtotal, product != nullptr ? product->tax_rate : 800u});
    subtotal += line_subtotal;
    total_quantity += line.quantity;
    json.begin_object()
        .string_field("id", state.uuid(entity_kind::cart_line, line.id))
        .integer_field("quantity", line.quantity)
        .money_string_field("unitPrice", line.unit_price)
        .money_string_field("discount", line.discount)
        .money_string_field("subtotal", line_subtotal)
        .string_field("cartId", state.uuid(entity_kind::cart, cart->id))
        .string_field("productId", state.uuid(entity_kind::product, line.product));
    json.key("product");
    if (product == nullptr) {
      json.null();
    } else {
      json.begin_object()
          .string_field("id", state.uuid(entity_kind::product, product->id))
          .string_field("sku", product->sku)
          .string_field("name", product->name)
          .string_field("barcode", product->barcode)
          .money_string_field("sellingPrice", product->selling_price)
          .string_field("unit", product->unit)
          .null_field("imageUrl")  // no endpoint sets it (contract 2)
          .money_string_field("taxRate", product->tax_rate)
          .end_object();
    }
    json.money_number_field("lineTotal", line_subtotal);
    json.end_object();
  }
  json.end_array();
  json.key("customer");
  customer_ref(json, state, cart->customer);

  const std::int64_t tax = money::tax_amount(taxed);  // rounded once, over the whole cart
  json.key("summary")
      .begin_object()
      .integer_field("itemCount", static_cast<std::int64_t>(cart->lines.size()))
      .integer_field("totalQuantity", total_quantity)
      .money_number_field("subtotal", subtotal)
      .money_number_field("taxAmount", tax)
      .money_number_field("grandTotal", subtotal + tax)
      .end_object();
  json.end_object();
  return json.take();
}

query_result receipt(const view_state& state, const caller& who, sale_id id) {
  const auto* sale = state.sales.find(id);
  if (sale == nullptr) return refuse(404, "Sale not found");
  const bool unscoped = who.role == user_role::SUPER_ADMIN || who.role == user_role::OWNER;
  if (!unscoped && who.branch != sale->branch) {
    return refuse(403, "You do not have access to sales from this branch");
  }
  return sale_with_relations(state, *sale, product_members::id_sku_name_unit_barcode,
                             branch_members::id_name_code_full);
}

query_result checkout_response_json(const view_state& state, sale_id id) {
  const auto* sale = state.sales.find(id);
  if (sale == nullptr) return refuse(404, "Sale not found");
  return sale_with_relations(state, *sale, product_members::id_sku_name_unit,
                             branch_members::id_name_code);
}

query_result return_response_json(const view_state& state, return_id id) {
  const auto* ret = state.sales.find(id);
  if (ret == nullptr) return refuse(404, "Return not found");
  json_writer json;
  json.begin_object()
      .string_field("returnNo", ret->return_number)
      .money_number_field("totalRefund", ret->total_refund)
      .string_field("status", events::wire::EnumNamesale_status(ret->sale_status_after))
      .end_object();
  return json.take();
}

query_result cancel_response_json(const view_state& state, sale_id id) {
  const auto* sale = state.sales.find(id);
  if (sale == nullptr) return refuse(404, "Sale not found");
  json_writer json;
  json.begin_object();
  write_sale_row(json, state, *sale);
  json.end_object();
  return json.take();
}

query_result sales_list(const view_state& state, const caller& who, page_request page) {
  // Contract 1.9: SUPER_ADMIN and OWNER are never scoped in reads.
  const bool unscoped = who.role == user_role::SUPER_ADMIN || who.role == user_role::OWNER;
  if (!unscoped && !who.branch) return refuse(403, "User must be assigned to a branch");
  const auto& sales = state.sales.sales;

  json_writer json;
  begin_page(json);
  const auto write_at = [&](std::size_t i) {
    const sale_view& sale = sales[i];
    json.begin_object();
    write_sale_row(json, state, sale);
    json.key("cashier");
    user_ref(json, state, sale.cashier);
    json.key("customer");
    customer_ref(json, state, sale.customer);
    write_payments(json, state, sale);
    json.key("_count")
        .begin_object()
        .integer_field("items", static_cast<std::int64_t>(sale.lines.size()))
        .end_object();
    json.end_object();
  };
  std::int64_t total = 0;
  if (unscoped) {
    total = static_cast<std::int64_t>(sales.size());
    emit_backwards(sales.size(), window_of(page), write_at);
  } else {
    // The total comes from the per-branch counter; the page is found by walking every branch's
    // sales newest first until it is full: O(sales newer than the page's last row), which a
    // linear scan handles at millions of sales.
    const auto counted = state.sales.sales_by_branch.find(who.branch);
    total = counted == state.sales.sales_by_branch.end() ? 0 : counted->second;
    emit_matching_backwards(
        sales.size(), window_of(page), total,
        [&](std::size_t i) { return sales[i].branch == who.branch; }, write_at);
  }
  end_page(json, total, page);
  return json.take();
}

// ------------------------------------------------------------------ procurement

std::string purchase_orders_list(const view_state& state,
                                 std::optional<purchase_order_status> status, page_request page) {
  const auto& orders = state.procurement.orders;
  json_writer json;
  begin_page(json);
  const auto write_at = [&](std::size_t i) {
    const purchase_order_view& order = orders[i];
    json.begin_object();
    write_purchase_order_row(json, state, order);
    json.key("supplier");
    supplier_ref(json, state, order.supplier);
    json.key("createdBy");
    user_ref(json, state, order.created_by);
    json.key("approvedBy");
    user_ref(json, state, order.approved_by);
    write_purchase_order_items(json, state, order);
    json.key("_count")
        .begin_object()
        .integer_field("receipts", static_cast<std::int64_t>(order.receipts.size()))
        .end_object();
    json.end_object();
  };
  std::int64_t total = 0;
  if (status) {
    // Cost: O(purchase orders) to count the status for `total` (POs are few).
    total = emit_matching_backwards(
        orders.size(), window_of(page), std::nullopt,
        [&](std::size_t i) { return orders[i].status == *status; }, write_at);
  } else {
    total = static_cast<std::int64_t>(orders.size());
    emit_backwards(orders.size(), window_of(page), write_at);
  }
  end_page(json, total, page);
  return json.take();
}

query_result purchase_order_get(const view_state& state, purchase_order_id id) {
  const auto* order = state.procurement.find(id);
  if (order == nullptr) return refuse(404, "PO not found");
  json_writer json;
  json.begin_object();
  write_purchase_order_row(json, state, *order);
  json.key("supplier");
  if (const auto* supplier = state.catalog.model.find(order->supplier)) {
    json.begin_object();
    write_supplier_row(json, state, *supplier);
    json.end_object();
  } else {
    json.null();
  }
  json.key("createdBy");
  user_ref(json, state, order->created_by);
  json.key("approvedBy");
  user_ref(json, state, order->approved_by);
  json.key("items").begin_array();
  for (const auto& line : order->lines) {
    json.begin_object();
    write_purchase_order_item_row(json, state, *order, line);
    json.key("product");
    product_row_or_null(json, state, line.product);
    json.end_object();
  }
  json.end_array();
  json.key("receipts").begin_array();
  for (const goods_receipt_id receipt_id : order->receipts) {
    const auto* receipt = state.procurement.find(receipt_id);
    if (receipt == nullptr) continue;  // every listed receipt is in the view (fold invariant)
    json.begin_object();
    write_goods_receipt_row(json, state, *receipt);
    json.key("items").begin_array();
    for (const auto& line : receipt->lines) {
      json.begin_object();
      write_goods_receipt_item_row(json, state, *receipt, line);
      json.key("product");
      product_row_or_null(json, state, line.product);
      json.end_object();
    }
    json.end_array();
    json.key("receivedBy");
    user_ref(json, state, receipt->received_by);
    json.end_object();
  }
  json.end_array();
  json.end_object();
  return json.take();
}

query_result purchase_order_created_json(const view_state& state, purchase_order_id id) {
  const auto* order = state.procurement.find(id);
  if (order == nullptr) return refuse(404, "Purchase Order not found");
  json_writer json;
  json.begin_object();
  write_purchase_order_row(json, state, *order);
  json.key("supplier");
  supplier_ref(json, state, order->supplier);
  write_purchase_order_items(json, state, *order);
  json.key("createdBy");
  user_ref(json, state, order->created_by);
  json.end_object();
  return json.take();
}

query_result purchase_order_row_json(const view_state& state, purchase_order_id id) {
  const auto* order = state.procurement.find(id);
  if (order == nullptr) return refuse(404, "Purchase Order not found");
  json_writer json;
  json.begin_object();
  write_purchase_order_row(json, state, *order);
  json.end_object();
  return json.take();
}

query_result goods_receipt_created_json(const view_state& state, goods_receipt_id id) {
  const auto* receipt = state.procurement.find(id);
  if (receipt == nullptr) return refuse(404, "Goods receipt not found");
  json_writer json;
  json.begin_object()
      .string_field("id", state.uuid(entity_kind::goods_receipt, receipt->id))
      .string_field("receiptNumber", receipt->receipt_number)
      .end_object();
  return json.take();
}

std::string goods_receipts_list(const view_state& state, page_request page) {
  const auto& receipts = state.procurement.receipts;
  json_writer json;
  begin_page(json);
  emit_backwards(receipts.size(), window_of(page), [&](std::size_t i) {
    const goods_receipt_view& receipt = receipts[i];
    json.begin_object();
    write_goods_receipt_row(json, state, receipt);
    json.key("po");
    if (const auto* order = state.procurement.find(receipt.purchase_order)) {
      json.begin_object()
          .string_field("id", state.uuid(entity_kind::purchase_order, order->id))
          .string_field("poNumber", order->po_number)
          .end_object();
    } else {
      json.null();
    }
    json.key("supplier");
    if (const auto* supplier = state.catalog.model.find(receipt.supplier)) {
      json.begin_object()
          .string_field("id", state.uuid(entity_kind::supplier, supplier->id))
          .string_field("name", supplier->name)
          .end_object();
    } else {
      json.null();
    }
    json.key("branch");
    branch_ref(json, state, receipt.branch, branch_members::id_name);
    json.key("receivedBy");
    user_ref(json, state, receipt.received_by);
    json.end_object();
  });
  end_page(json, static_cast<std::int64_t>(receipts.size()), page);
  return json.take();
}

}  // namespace ledger::projections
