#pragma once
// A realistic event history for the read-side benchmarks: a chain of convenience stores
// (branches, a catalog with Vietnamese names, customers, suppliers) and then a simulated year
// of trading, all written through the ordinary single writer (engine/command_processor.h), so
// the log is exactly what a live ledger would hold.
//
// The simulation, day by day: the staff log in; the owner changes a few prices; every till
// (cashier) sells through the cart (add_cart_line, sometimes set_cart_customer or a new
// customer, check_out_cart with cash rounded up to a banknote, bank transfer, e-wallet or cash
// + e-wallet, occasionally a discount) or, for about 10 % of sales, one-shot record_sale;
// managers take returns (about 2 % of sales, partial, within 7 days), cancel invoices (about
// 0.5 %) and approve purchase orders; inventory staff book damage (issue_stock), count stock
// (adjust_stock), move stock between branches (transfer_stock, about one a day) and replenish:
// each supplier takes a branch's order once a week (everything of it below its reorder point
// or 60 % of its target), nearly dry products are ordered at once; the manager approves, the
// stock keeper receives at the branch hours later, sometimes in two partial receipts.
// Everybody logs out at closing time. Opening stock comes in through purchase orders too.
// Product popularity follows a Zipf-like law, so a few products sell every day and most rarely.
//
// Simulated time: the writer's clock is injected (ledger_options::clock) and advanced by the
// generator, so the year's events carry the year's timestamps: sales between 07:00 and 22:00
// UTC, more at lunch and in the evening, more on weekends. The event budget is spread over
// the days by weekday.
//
// Throughput: tills are independent sequences; each round submits at most one command per till
// (plus the managers' and inventory staff's due tasks) asynchronously and waits for all of the
// round's outcomes; each round is one group commit. The generator mirrors the stock of every
// (branch, product) from its own commands and only asks for what the stock allows, so
// rejections stay rare (none in practice). Snapshots (every `snapshot_every_events`) encode
// the whole write model, every sale included, so they dominate the time of long runs.
//
// Determinism: every decision comes from one std::mt19937_64 seeded with `seed` and from the
// generator's own state, in submission order, and every round is committed as one batch at the
// round's time: the same options give a byte-identical log (same head hash).
//
// Thread-safety: generate_history runs on the caller's thread (plus the ledger's writer
// thread); `progress` is called on the caller's thread.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace ledger::bench {

inline constexpr std::int64_t history_epoch_us = 1'735'689'600'000'000;  // 2025-01-01T00:00:00Z

struct history_options {
  std::string data_dir;                     // must be empty or absent
  std::uint64_t target_events = 5'000'000;  // stops once the log holds at least this many
  int branches = 5;
  int products = 20'000;
  int categories = 40;
  int suppliers = 30;
  int cashiers_per_branch = 4;
  int customers = 20'000;                    // registered before the first day
  int days = 365;                            // simulated span: [start_us, start_us + days)
  std::int64_t start_us = history_epoch_us;  // midnight UTC of the first day
  std::uint64_t seed = 1;
  // The ledger's snapshot interval while writing (a snapshot is also taken at the end). Each
  // snapshot encodes the whole write model, every sale included, so small intervals cost
  // time that grows with the history.
  std::uint64_t snapshot_every_events = 100'000;
  // Optional; called about every 100,000 events with the log's size and the target.
  std::function<void(std::uint64_t events_written, std::uint64_t target)> progress;
};

struct history_summary {
  std::uint64_t events = 0;             // the log's last sequence
  std::uint64_t sales = 0;              // sale_completed (cart checkouts and one-shot sales)
  std::uint64_t returns = 0;            // sale_returned
  std::uint64_t cancellations = 0;      // sale_cancelled
  std::uint64_t goods_receipts = 0;     // goods_receipt_recorded (opening stock included)
  std::uint64_t transfers = 0;          // stock_transferred
  std::uint64_t adjustments = 0;        // stock_adjusted (counts) + stock_issued (damage, loss)
  std::uint64_t rejected_commands = 0;  // commands the ledger refused (see rejections)
  double seconds = 0;                   // wall time of the whole run, set-up included
  std::int64_t first_us = 0;            // recorded time of the first and the last event
  std::int64_t last_us = 0;
  // Rejections by code name ("insufficient_stock", ...), most frequent first.
  std::vector<std::pair<std::string, std::uint64_t>> rejections;
  // Where the generator's stock mirror disagreed with the ledger's at the end (0 expected).
  std::uint64_t stock_mismatches = 0;
};

// Creates a ledger in options.data_dir and writes the history into it; the ledger is stopped
// cleanly (final snapshot) before returning. Throws std::runtime_error when the directory is
// not empty, the ledger cannot be opened, or a set-up command is rejected.
[[nodiscard]] history_summary generate_history(const history_options& options);

}  // namespace ledger::bench
