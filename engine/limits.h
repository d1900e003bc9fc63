#pragma once
// Named maxima for everything that grows with input (TigerStyle: put a limit on everything).
#include <cstddef>
#include <cstdint>

namespace ledger::engine::limits {

// Writer.
inline constexpr std::size_t writer_queue_capacity = 65536;  // queued commands; beyond: rejected
inline constexpr std::size_t batch_commands_max = 4096;      // commands decided per group commit
static_assert(batch_commands_max <= writer_queue_capacity);

// Documents.
inline constexpr std::size_t document_lines_max = 500;  // lines of a sale, return, transfer, PO, receipt
inline constexpr std::size_t tenders_max = 20;          // payments of one sale
inline constexpr std::size_t cart_lines_max = 500;
inline constexpr std::size_t text_bytes_max = 4000;     // any free text field
inline constexpr std::size_t command_id_bytes_max = 128;
inline constexpr std::int32_t quantity_max = 1'000'000'000;

// Business rules with fixed values (api-contract 8.10, 3.4).
inline constexpr std::int64_t return_window_us = std::int64_t{7} * 24 * 3600 * 1'000'000;
inline constexpr std::int64_t reset_token_lifetime_us = std::int64_t{3600} * 1'000'000;
inline constexpr std::uint32_t default_tax_rate = 800;  // 8 %
inline constexpr std::uint32_t tax_rate_max = 99999;     // 999.99 %, the reference's dec(5,2) column
static_assert(default_tax_rate <= tax_rate_max);

}  // namespace ledger::engine::limits
