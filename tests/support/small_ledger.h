#pragma once
// Commands that build a small ledger through the real writer: one branch, an admin and a
// cashier there, one product (10000.00, tax 8 %) with stock. Used by the processor, crash and
// corruption tests.
#include <string>

#include "engine/command_processor.h"

namespace ledger::testing {

struct small_ledger {
  user_id admin;
  user_id cashier;
  branch_id branch;
  product_id product;
  static constexpr std::int64_t sale_total = 1080000;  // 10000.00 + 8 % tax, in hundredths
};

// Seeds an empty ledger through `processor`; REQUIREs every command to commit.
small_ledger seed_small_ledger(engine::command_processor& processor, std::int32_t stock);

// A one-unit cash sale of the small ledger's product by its cashier.
engine::record_sale one_unit_sale(const small_ledger& world);

}  // namespace ledger::testing
