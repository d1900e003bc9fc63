// The single writer against a real RocksDB store: group commit, acknowledgement after the
// durable write, idempotent retries, rejections that write nothing, backpressure, concurrent
// producers, restart from snapshot + tail. Time comes from an injected clock.
#include <doctest/doctest.h>

#include <latch>
#include <thread>

#include "engine/ledger.h"
#include "engine/verify.h"
#include "tests/support/small_ledger.h"
#include "tests/support/temp_dir.h"

using namespace ledger;
using namespace ledger::engine;
using ledger::testing::temp_dir;

namespace {

std::int64_t fixed_clock() { return 1'748'736'000'000'000; }

ledger_options options_for(const temp_dir& dir) {
  ledger_options options;
  options.data_dir = dir.sub("ledger");
  options.clock = fixed_clock;
  options.log = [](const std::string&) {};
  return options;
}

}  // namespace

TEST_SUITE("engine/command_processor") {
  TEST_CASE("a committed command is acknowledged with its sequences and survives a restart") {
    temp_dir dir;
    std::string error;
    std::uint64_t head = 0;
    {
      auto host = ledger_host::open(options_for(dir), error);
      REQUIRE(host);
      const auto world = testing::seed_small_ledger(host->processor(), 10);
      const auto outcome = host->processor()
                               .submit(command_request{world.cashier, "till-1/0001",
                                                       testing::one_unit_sale(world)})
                               .get();
      REQUIRE(outcome.result == command_outcome::status::committed);
      CHECK(outcome.first_sequence == outcome.last_sequence);  // one sale_completed event
      CHECK(outcome.last_sequence == host->processor().head_sequence());
      REQUIRE(outcome.events.size() == 1);
      CHECK(std::holds_alternative<events::sale_completed>(outcome.events[0]));
      head = host->processor().head_sequence();
    }
    auto reopened = ledger_host::open(options_for(dir), error);
    REQUIRE(reopened);
    CHECK(reopened->processor().head_sequence() == head);
    CHECK(reopened->snapshot_at_start() == head);  // clean stop wrote a snapshot at the head
    CHECK(reopened->replayed_at_start() == 0);
    reopened->stop();
    CHECK(verify_ledger(reopened->store()).ok());
  }

  TEST_CASE("a retried command id returns the original outcome and writes nothing") {
    temp_dir dir;
    std::string error;
    auto host = ledger_host::open(options_for(dir), error);
    REQUIRE(host);
    const auto world = testing::seed_small_ledger(host->processor(), 10);
    const command_request request{world.cashier, "till-1/0042", testing::one_unit_sale(world)};
    const auto first = host->processor().submit(request).get();
    REQUIRE(first.result == command_outcome::status::committed);
    const std::uint64_t head = host->processor().head_sequence();

    const auto retry = host->processor().submit(request).get();
    CHECK(retry.result == command_outcome::status::duplicate);
    CHECK(retry.first_sequence == first.first_sequence);
    CHECK(retry.last_sequence == first.last_sequence);
    CHECK(retry.events == first.events);
    CHECK(host->processor().head_sequence() == head);

    // The same id with another payload is refused, and nothing moves.
    auto different = request;
    std::get<record_sale>(different.body).notes = "changed";
    const auto reused = host->processor().submit(different).get();
    REQUIRE(reused.rejected.has_value());
    CHECK(reused.rejected->code == rejection_code::command_id_reused_with_different_payload);
    CHECK(host->processor().head_sequence() == head);

    // Another actor may use the same client id for its own command.
    auto other_actor = request;
    other_actor.actor = world.admin;
    CHECK(host->processor().submit(other_actor).get().result == command_outcome::status::committed);
  }

  TEST_CASE("a rejected command writes nothing and the head does not move") {
    temp_dir dir;
    std::string error;
    auto host = ledger_host::open(options_for(dir), error);
    REQUIRE(host);
    const auto world = testing::seed_small_ledger(host->processor(), 1);
    const std::uint64_t head = host->processor().head_sequence();
    auto sale = testing::one_unit_sale(world);
    sale.lines[0].quantity = 2;  // only 1 in stock
    const auto outcome = host->processor().submit(command_request{world.cashier, "x", sale}).get();
    REQUIRE(outcome.rejected.has_value());
    CHECK(outcome.rejected->code == rejection_code::insufficient_stock);
    CHECK(host->processor().head_sequence() == head);
    CHECK(host->store().last_sequence() == head);
    // A rejected command id is not remembered: the corrected retry is decided afresh.
    sale.lines[0].quantity = 1;
    sale.tenders[0].amount = testing::small_ledger::sale_total;
    CHECK(host->processor().submit(command_request{world.cashier, "x", sale}).get().result ==
          command_outcome::status::committed);
  }

  TEST_CASE("concurrent producers: every sale commits exactly once, gapless, chain verifies") {
    temp_dir dir;
    std::string error;
    auto host = ledger_host::open(options_for(dir), error);
    REQUIRE(host);
    constexpr int producers = 4;
    constexpr int sales_each = 250;
    const auto world = testing::seed_small_ledger(host->processor(), producers * sales_each);
    const std::uint64_t start = host->processor().head_sequence();
    std::vector<std::thread> threads;
    std::atomic<int> committed{0};
    for (int p = 0; p < producers; ++p) {
      threads.emplace_back([&, p] {
        std::vector<std::future<command_outcome>> pending;
        for (int i = 0; i < sales_each; ++i) {
          pending.push_back(host->processor().submit(command_request{
              world.cashier, "p" + std::to_string(p) + "-" + std::to_string(i),
              testing::one_unit_sale(world)}));
        }
        for (auto& f : pending) {
          if (f.get().result == command_outcome::status::committed) ++committed;
        }
      });
    }
    for (auto& t : threads) t.join();
    CHECK(committed == producers * sales_each);
    CHECK(host->processor().head_sequence() == start + producers * sales_each);
    CHECK(host->processor().metrics().batches.load() < host->processor().metrics().commands_committed.load());
    host->stop();
    CHECK(host->processor().model().stock_of(world.branch, world.product) == 0);
    CHECK(verify_ledger(host->store()).ok());
  }

  TEST_CASE("subscribers receive every committed event once, in sequence order") {
    temp_dir dir;
    std::string error;
    auto store = event_store::open(store_options{dir.sub("ledger"), true, true}, error);
    REQUIRE(store);
    processor_options options;
    options.clock = fixed_clock;
    command_processor processor(*store, write_model{}, options);
    std::vector<std::uint64_t> sequences;  // written on the writer thread, read after stop()
    processor.subscribe([&](const published_batch& batch) {
      for (const auto& e : *batch) sequences.push_back(e.header.sequence);
    });
    processor.start();
    const auto world = testing::seed_small_ledger(processor, 5);
    auto rejected = testing::one_unit_sale(world);
    rejected.lines[0].quantity = 6;  // more than in stock: nothing is published for it
    CHECK_FALSE(processor.submit(command_request{world.cashier, {}, rejected}).get().ok());
    CHECK(processor.submit(command_request{world.cashier, {}, testing::one_unit_sale(world)}).get().ok());
    processor.stop();
    REQUIRE(sequences.size() == processor.model().last_sequence);
    for (std::size_t i = 0; i < sequences.size(); ++i) CHECK(sequences[i] == i + 1);
  }

  TEST_CASE("a full queue answers writer_queue_full at once instead of growing") {
    temp_dir dir;
    std::string error;
    auto store = event_store::open(store_options{dir.sub("ledger"), true, true}, error);
    REQUIRE(store);
    std::latch writer_inside(1);
    std::latch release_writer(1);
    std::atomic<bool> first_call{true};
    processor_options options;
    options.batch_commands_max = 1;
    options.queue_capacity = 2;
    // The first batch blocks inside the clock, so the queue fills behind it.
    options.clock = [&]() -> std::int64_t {
      if (first_call.exchange(false)) {
        writer_inside.count_down();
        release_writer.wait();
      }
      return fixed_clock();
    };
    command_processor processor(*store, write_model{}, options);
    processor.start();
    auto first = processor.submit(command_request{user_id{}, {}, initialize_ledger{1, "VND", "a@b.c", "h", "A"}});
    writer_inside.wait();
    auto queued_1 = processor.submit(command_request{user_id{}, {}, log_out{}});
    auto queued_2 = processor.submit(command_request{user_id{}, {}, log_out{}});
    auto refused = processor.submit(command_request{user_id{}, {}, log_out{}}).get();
    REQUIRE(refused.rejected.has_value());
    CHECK(refused.rejected->code == rejection_code::writer_queue_full);
    CHECK(kind_of(refused.rejected->code) == rejection_kind::unavailable);
    release_writer.count_down();
    CHECK(first.get().result == command_outcome::status::committed);
    // log_out by actor 0 (not a user) is rejected by decide, but it was queued and answered.
    CHECK(queued_1.get().rejected->code == rejection_code::actor_not_found_or_inactive);
    CHECK(queued_2.get().rejected->code == rejection_code::actor_not_found_or_inactive);
    processor.stop();
  }
}
