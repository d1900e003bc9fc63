// How many sales per second does the single writer commit durably, and how long does a
// commit take? Drives the engine in-process (no HTTP) with fsync per batch (sync = true).
//
//   engine_throughput_bench [--workload oneshot|cart] [--seconds N] [--clients N]
//                           [--rate SALES_PER_S] [--data DIR] [--products N]
//
// --workload oneshot: one record_sale command with 3 lines and a cash tender per sale.
// --workload cart:    3 add_cart_line + 1 check_out_cart per sale (the contract's flow).
// --clients N: closed loop, N virtual tills each with one sale in flight (default 512).
// --rate R: open loop instead, R one-shot sales per second offered (latency at a given load).
// Prints committed sales/s, commands/s, batches, and commit latency p50/p99/p99.9 (from
// submit to the durable acknowledgement), per command.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "engine/ledger.h"

using namespace ledger;
using namespace ledger::engine;
using clock_type = std::chrono::steady_clock;

namespace {

struct bench_options {
  std::string workload = "oneshot";
  double seconds = 10;
  int clients = 512;
  double rate = 0;
  std::string data = "/tmp/posledger-bench";
  int products = 2000;
};

struct world {
  user_id admin;
  std::vector<user_id> cashiers;  // one per virtual till
  std::vector<product_id> products;
  std::int64_t sale_total_of_three = 0;  // three lines of one unit at 10000.00 + 8 % tax
};

command_outcome must(command_processor& processor, user_id actor, command body) {
  auto outcome = processor.submit(command_request{actor, {}, std::move(body)}).get();
  if (!outcome.ok()) {
    std::fprintf(stderr, "setup failed: %s: %s\n", std::string(name_of(body)).c_str(),
                 outcome.rejected ? outcome.rejected->message.c_str() : "");
    std::exit(1);
  }
  return outcome;
}

template <class E>
std::uint64_t id_of(const command_outcome& outcome, std::uint64_t E::*member) {
  for (const auto& e : outcome.events) {
    if (const E* typed = std::get_if<E>(&e)) return typed->*member;
  }
  std::fprintf(stderr, "setup: event missing\n");
  std::exit(1);
}

world build_world(command_processor& processor, const bench_options& options) {
  world w;
  w.admin = user_id{id_of<events::user_created>(
      must(processor, user_id{}, initialize_ledger{0xbe9c4, "VND", "admin@pos.com", "x", "Admin"}),
      &events::user_created::user_id)};
  std::vector<branch_id> branches;
  for (int b = 0; b < 5; ++b) {
    branches.push_back(branch_id{id_of<events::branch_created>(
        must(processor, w.admin, create_branch{fmt::format("BR-{:03}", b), fmt::format("Branch {}", b), "", ""}),
        &events::branch_created::branch_id)});
  }
  const category_id category{id_of<events::category_created>(
      must(processor, w.admin, create_category{"Bench", ""}), &events::category_created::category_id)};
  for (int p = 0; p < options.products; ++p) {
    create_product c;
    c.sku = fmt::format("SKU{:06}", p);
    c.barcode = fmt::format("89{:011}", p);
    c.name = fmt::format("Product {}", p);
    c.cost_price = 500000;
    c.selling_price = 1000000;
    c.category = category;
    w.products.push_back(product_id{id_of<events::product_created>(must(processor, w.admin, c),
                                                                    &events::product_created::product_id)});
  }
  // Stock: every branch gets plenty of every product, stocked in by its own manager.
  for (const branch_id b : branches) {
    const user_id manager{id_of<events::user_created>(
        must(processor, w.admin, create_user{fmt::format("manager{}@pos.com", b.value), "x", "Manager", "",
                                              user_role::BRANCH_MANAGER, b}),
        &events::user_created::user_id)};
    for (const product_id p : w.products) {
      must(processor, manager, receive_stock{p, 50'000'000, 500000, supplier_id{}, "", ""});
    }
  }
  for (int c = 0; c < options.clients; ++c) {
    const branch_id b = branches[static_cast<std::size_t>(c) % branches.size()];
    w.cashiers.push_back(user_id{id_of<events::user_created>(
        must(processor, w.admin, create_user{fmt::format("till{}@pos.com", c), "x", "Till", "", user_role::CASHIER, b}),
        &events::user_created::user_id)});
  }
  w.sale_total_of_three = 3 * 1080000;
  return w;
}

struct recorder {
  std::mutex mutex;
  std::vector<std::int64_t> latencies_us;  // per command
  std::atomic<std::uint64_t> sales{0};
  std::atomic<std::uint64_t> commands{0};
  std::atomic<std::uint64_t> failures{0};
  std::atomic<bool> running{true};

  void record(clock_type::time_point started) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - started).count();
    std::lock_guard lock(mutex);
    latencies_us.push_back(us);
  }
};

// One virtual till: sells forever (until stopped), one sale in flight, driven by completions.
class till {
 public:
  till(command_processor& processor, const world& w, recorder& r, std::size_t index, bool cart)
      : processor_(processor), world_(w), recorder_(r), index_(index), cart_(cart) {}

  void start() { next_sale(); }

 private:
  product_id pick(std::size_t k) {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return world_.products[(state_ >> 33) % world_.products.size() / 3 * 3 + k];
  }

  void next_sale() {
    if (!recorder_.running.load(std::memory_order_relaxed)) return;
    if (!cart_) {
      record_sale sale;
      for (std::size_t k = 0; k < 3; ++k) sale.lines.push_back({pick(k), 1});
      sale.tenders.push_back({payment_method::CASH, world_.sale_total_of_three, ""});
      submit(std::move(sale), true);
      return;
    }
    step_ = 0;
    lines_ = {pick(0), pick(1), pick(2)};
    next_step();
  }

  void next_step() {
    if (step_ < 3) {
      submit(add_cart_line{lines_[step_], 1}, false);
    } else {
      check_out_cart checkout;
      checkout.tenders.push_back({payment_method::CASH, world_.sale_total_of_three, ""});
      submit(std::move(checkout), true);
    }
  }

  void submit(command body, bool completes_sale) {
    const auto started = clock_type::now();
    processor_.submit(command_request{world_.cashiers[index_], {}, std::move(body)},
                      [this, started, completes_sale](command_outcome&& outcome) {
                        recorder_.record(started);
                        recorder_.commands.fetch_add(1, std::memory_order_relaxed);
                        if (!outcome.ok()) {
                          recorder_.failures.fetch_add(1, std::memory_order_relaxed);
                          next_sale();
                          return;
                        }
                        if (completes_sale) {
                          recorder_.sales.fetch_add(1, std::memory_order_relaxed);
                          next_sale();
                        } else {
                          ++step_;
                          next_step();
                        }
                      });
  }

  command_processor& processor_;
  const world& world_;
  recorder& recorder_;
  std::size_t index_;
  bool cart_;
  std::uint64_t state_ = 0x9E3779B97F4A7C15ull;
  std::size_t step_ = 0;
  std::array<product_id, 3> lines_{};
};

std::int64_t percentile(std::vector<std::int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
  return sorted[index];
}

}  // namespace

int main(int argc, char** argv) {
  bench_options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--workload") options.workload = value();
    else if (arg == "--seconds") options.seconds = std::stod(value());
    else if (arg == "--clients") options.clients = std::stoi(value());
    else if (arg == "--rate") options.rate = std::stod(value());
    else if (arg == "--data") options.data = value();
    else if (arg == "--products") options.products = std::stoi(value());
    else {
      std::printf("usage: engine_throughput_bench [--workload oneshot|cart] [--seconds N] [--clients N] [--rate R] [--data DIR] [--products N]\n");
      return arg == "--help" ? 0 : 2;
    }
  }
  const bool cart = options.workload == "cart";
  if (!cart && options.workload != "oneshot") {
    std::fprintf(stderr, "unknown workload %s\n", options.workload.c_str());
    return 2;
  }
  std::filesystem::remove_all(options.data);
  ledger_options ledger;
  ledger.data_dir = options.data;
  ledger.snapshot_every_events = 1'000'000'000;  // measure the write path, not snapshots
  std::string error;
  auto host = ledger_host::open(ledger, error);
  if (!host) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  auto& processor = host->processor();
  const world w = build_world(processor, options);
  const auto batches_before = processor.metrics().batches.load();
  recorder r;
  std::vector<std::unique_ptr<till>> tills;
  const auto started = clock_type::now();
  std::thread pacer;
  if (options.rate > 0) {
    // Open loop: one-shot sales offered at a fixed rate, whatever the latency.
    pacer = std::thread([&] {
      const auto interval = std::chrono::duration<double>(1.0 / options.rate);
      auto next = clock_type::now();
      std::size_t n = 0;
      while (r.running.load()) {
        record_sale sale;
        for (std::size_t k = 0; k < 3; ++k) sale.lines.push_back({w.products[(n * 3 + k) % w.products.size()], 1});
        sale.tenders.push_back({payment_method::CASH, w.sale_total_of_three, ""});
        const auto submitted = clock_type::now();
        processor.submit(command_request{w.cashiers[n % w.cashiers.size()], {}, std::move(sale)},
                         [&r, submitted](command_outcome&& outcome) {
                           r.record(submitted);
                           r.commands.fetch_add(1);
                           if (outcome.ok()) r.sales.fetch_add(1); else r.failures.fetch_add(1);
                         });
        ++n;
        next += std::chrono::duration_cast<clock_type::duration>(interval);
        std::this_thread::sleep_until(next);
      }
    });
  } else {
    for (int c = 0; c < options.clients; ++c) {
      tills.push_back(std::make_unique<till>(processor, w, r, static_cast<std::size_t>(c), cart));
    }
    for (auto& t : tills) t->start();
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(options.seconds));
  r.running = false;
  if (pacer.joinable()) pacer.join();
  const double elapsed = std::chrono::duration<double>(clock_type::now() - started).count();
  host->stop();  // drains what is in flight
  const auto batches = processor.metrics().batches.load() - batches_before;
  std::vector<std::int64_t> latencies;
  {
    std::lock_guard lock(r.mutex);
    latencies = r.latencies_us;
  }
  std::sort(latencies.begin(), latencies.end());
  std::printf("workload            %s (%s, %d products, fsync per batch)\n", options.workload.c_str(),
              options.rate > 0 ? fmt::format("open loop at {:.0f} sales/s", options.rate).c_str()
                               : fmt::format("closed loop, {} tills", options.clients).c_str(),
              options.products);
  std::printf("duration            %.2f s\n", elapsed);
  std::printf("sales committed     %llu (%.0f sales/s)\n", static_cast<unsigned long long>(r.sales.load()),
              static_cast<double>(r.sales.load()) / elapsed);
  std::printf("commands committed  %llu (%.0f commands/s), %llu rejected\n",
              static_cast<unsigned long long>(r.commands.load() - r.failures.load()),
              static_cast<double>(r.commands.load() - r.failures.load()) / elapsed,
              static_cast<unsigned long long>(r.failures.load()));
  std::printf("group commits       %llu (%.1f commands per batch)\n", static_cast<unsigned long long>(batches),
              batches ? static_cast<double>(r.commands.load()) / static_cast<double>(batches) : 0.0);
  std::printf("commit latency      p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms (per command, submit to durable ack)\n",
              static_cast<double>(percentile(latencies, 0.50)) / 1000.0,
              static_cast<double>(percentile(latencies, 0.99)) / 1000.0,
              static_cast<double>(percentile(latencies, 0.999)) / 1000.0);
  std::filesystem::remove_all(options.data);
  return 0;
}
