#pragma once
// A seeded random history for the read-side tests: random, mostly valid commands against a
// ledger, through either the pure spec (tests/support/spec.h: decide + evolve, every event in
// spec.log with its actor) or the real single writer (engine/command_processor.h).
//
//   ledger_spec spec;
//   spec_world world = spec.standard_world();
//   spec_sink sink(spec);
//   random_history history(seed, world, sink.model());
//   history.run(sink, 2000);              // spec.log now holds the whole history
//
// What it sends: cart edits (add, scan, quantity changes, removal, customer) and checkouts with
// split tenders and discounts (the total is found by deciding a probe first), one-shot sales,
// partial returns, cancellations, stock in and out, counts, transfers, purchase orders
// (created as drafts or pending, submitted, approved, rejected) and partial goods receipts,
// product price/cost/name changes (Vietnamese names with diacritics, some decomposed), new
// products, customers, a cashier at a second branch, staff moving between branches, toggles,
// logins and logouts, loyalty rules. The clock advances randomly: mostly seconds, sometimes
// hours, now and then past midnight UTC and beyond the 7-day return window. Commands the
// ledger refuses are skipped (the generator aims well, so most are accepted).
//
// Determinism: every choice comes from one std::mt19937_64 seeded with `seed` and from the
// model the sink reports, so the same seed and sink give the same history.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "engine/command_processor.h"
#include "tests/support/spec.h"

namespace ledger::testing {

// POSLEDGER_PROPERTY_SEED (decimal or 0x-hex) when it is set and parses.
[[nodiscard]] std::optional<std::uint64_t> property_seed_from_environment();

// `fixed` followed by POSLEDGER_PROPERTY_SEED when it is set.
[[nodiscard]] std::vector<std::uint64_t> property_seeds(std::initializer_list<std::uint64_t> fixed);

// Where generated commands go.
class command_sink {
 public:
  virtual ~command_sink() = default;
  // The state after every command sent so far (the generator aims with it).
  [[nodiscard]] virtual const write_model& model() const = 0;
  // The earliest time the next command may be decided at.
  [[nodiscard]] virtual std::int64_t earliest_us() const = 0;
  // Decides `c` at `now_us`; when accepted, commits it and returns its events.
  virtual std::optional<std::vector<events::event>> send(user_id actor, const command& c,
                                                         std::int64_t now_us) = 0;
};

// The pure spec: accepted commands are applied with spec.run (so spec.log records the actor).
class spec_sink final : public command_sink {
 public:
  explicit spec_sink(ledger_spec& spec) : spec_(spec) {}
  [[nodiscard]] const write_model& model() const override { return spec_.model; }
  [[nodiscard]] std::int64_t earliest_us() const override { return spec_.now_us; }
  std::optional<std::vector<events::event>> send(user_id actor, const command& c,
                                                 std::int64_t now_us) override;

  // "command / rejection" -> count (to keep the generator honest).
  std::map<std::string, int> refusals;

 private:
  ledger_spec& spec_;
};

// The real writer: submit and wait; the model is mirrored by evolving the committed events.
// The ledger's injected clock must return `clock_us` (send() stores the command's time there).
class processor_sink final : public command_sink {
 public:
  processor_sink(engine::command_processor& processor, write_model mirror,
                 std::atomic<std::int64_t>& clock_us)
      : processor_(processor), mirror_(std::move(mirror)), clock_us_(clock_us) {}
  [[nodiscard]] const write_model& model() const override { return mirror_; }
  [[nodiscard]] std::int64_t earliest_us() const override {
    return std::max(mirror_.last_recorded_at_us + 1, clock_us_.load());
  }
  std::optional<std::vector<events::event>> send(user_id actor, const command& c,
                                                 std::int64_t now_us) override;
  // The last committed command's last sequence.
  [[nodiscard]] std::uint64_t last_sequence() const { return mirror_.last_sequence; }

 private:
  engine::command_processor& processor_;
  write_model mirror_;
  std::atomic<std::int64_t>& clock_us_;
};

// The standard world (spec.standard_world()) built through commands only, for a real writer:
// the opening stock of 100 comes in by receive_stock, the admin visiting each branch.
// REQUIREs every command to be accepted.
[[nodiscard]] spec_world build_world(command_sink& sink);

// The world that standard_world() or build_world() made, found in a model by its codes,
// e-mails, SKUs and phones (after a restart; the generator never changes those).
[[nodiscard]] spec_world find_world(const write_model& model);

// Counts per command name: accepted, rejected.
using command_tally = std::map<std::string, std::pair<int, int>, std::less<>>;

class random_history {
 public:
  // `model` is the sink's state now (a history may continue one made earlier).
  random_history(std::uint64_t seed, const spec_world& world, const write_model& model);

  // Sends `commands` random commands; returns how many were accepted.
  int run(command_sink& sink, int commands);
  // Sends one; true if accepted.
  bool step(command_sink& sink);

  [[nodiscard]] const command_tally& tally() const { return tally_; }
  [[nodiscard]] std::int64_t now_us() const { return now_us_; }

 private:
  struct planned {
    user_id actor;
    command body;
  };

  std::int64_t between(std::int64_t low, std::int64_t high);  // inclusive
  bool chance(int percent) { return between(1, 100) <= percent; }
  template <class T>
  const T& pick(const std::vector<T>& from) {
    return from[static_cast<std::size_t>(between(0, static_cast<std::int64_t>(from.size()) - 1))];
  }

  void advance_clock(const command_sink& sink);
  void learn(const std::vector<events::event>& accepted);
  planned next(const write_model& model);

  user_id till_user();
  user_id stock_user();
  product_id some_product();
  std::optional<customer_id> some_customer();
  std::int32_t some_quantity(std::int64_t available);
  sale_id some_sale();
  std::string vietnamese_name();
  std::string respelled(std::string name);

  planned cart_command(const write_model& model);
  planned sale_command(const write_model& model, bool one_shot);
  planned return_or_cancel(const write_model& model);
  planned stock_command(const write_model& model);
  planned procurement_command(const write_model& model);
  planned catalog_command(const write_model& model);
  planned people_command(const write_model& model);
  std::vector<tender> tenders_for(std::int64_t total);
  template <class C>
  void settle(const write_model& model, user_id actor, C& c);

  std::mt19937_64 rng_;
  spec_world world_;
  std::int64_t now_us_ = 0;
  std::vector<user_id> staff_;
  std::vector<branch_id> branches_;
  std::vector<product_id> products_;
  std::vector<customer_id> customers_;
  std::vector<supplier_id> suppliers_;
  std::vector<sale_id> sales_;                   // creation order
  std::vector<purchase_order_id> orders_;        // creation order
  std::uint64_t created_ = 0;                    // names of generated records
  command_tally tally_;
};

}  // namespace ledger::testing
