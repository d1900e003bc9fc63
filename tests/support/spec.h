#pragma once
// Decider specs: given events / when command / then events or a rejection, against the pure
// decide and evolve (no storage, no writer thread).
//
//   ledger_spec spec;                       // an initialized ledger, admin = spec.admin
//   auto world = spec.standard_world();     // branches, users of every role, products, stock
//   auto d = spec.when(world.cashier, add_cart_line{world.cola, 2});
//   CHECK_REJECTED(d, insufficient_stock, "Insufficient stock. Available: 0, Requested: 2");
//   spec.run(world.cashier, check_out_cart{...});   // decide + apply, REQUIREs acceptance
//
// The clock starts at 2025-06-01T00:00:00Z and advances 1 ms per applied event, unless a test
// sets spec.now_us itself.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/decide.h"
#include "engine/evolve.h"
#include "events/event_codec.h"

namespace ledger::testing {

using namespace ledger::engine;

inline constexpr std::int64_t spec_epoch_us = 1'748'736'000'000'000;  // 2025-06-01T00:00:00Z
inline constexpr std::uint64_t spec_namespace = 0x0123456789ab;

struct spec_world {
  branch_id hq;         // BR-HQ
  branch_id central;    // BR-001
  branch_id tan_binh;   // BR-002
  user_id admin;        // SUPER_ADMIN at HQ
  user_id owner;        // OWNER, no branch
  user_id manager;      // BRANCH_MANAGER at BR-001
  user_id cashier;      // CASHIER at BR-001
  user_id cashier2;     // CASHIER at BR-001
  user_id inventory;    // INVENTORY_STAFF at HQ
  category_id drinks;
  category_id snacks;
  product_id cola;      // sell 10000.00, cost 5000.00, tax 8 %, min stock 50
  product_id pepsi;     // sell 10000.00, cost 5000.00, tax 8 %
  product_id sting;     // sell 12000.00, cost 6000.00, tax 8 %
  product_id oreo;      // sell 15000.00, cost 8000.00, tax 8 %
  customer_id an;       // phone 0901111111
  customer_id binh;     // phone 0902222222
  supplier_id beverages; // SUP-001
};

// Tests may name the world either way.
using standard_world = spec_world;

// One applied event with its envelope header (the log the read-side tests fold into views).
struct logged_event {
  events::envelope_header header;
  events::event body;
};

class ledger_spec {
 public:
  write_model model;
  std::vector<logged_event> log;  // every applied event, in order
  std::int64_t now_us = spec_epoch_us;
  user_id admin;

  // An initialized ledger with one SUPER_ADMIN (admin@pos.com, no branch yet).
  ledger_spec() {
    const decision d = decide(model,
                              initialize_ledger{spec_namespace, "VND", "admin@pos.com",
                                                "argon2id$admin", "Super Admin"},
                              command_context{user_id{}, now_us});
    REQUIRE_MESSAGE(d.accepted(), (d.rejected ? d.rejected->message : ""));
    apply(d);
    admin = model.user_by_email.at("admin@pos.com");
  }

  // Applies events as facts (no decide).
  void given(const std::vector<events::event>& events) {
    for (const auto& e : events) apply_one(e);
  }

  // Decides without applying.
  [[nodiscard]] decision when(user_id actor, const command& c) const {
    return decide(model, c, command_context{actor, now_us});
  }

  // Decides and applies; the command must be accepted.
  decision run(user_id actor, const command& c) {
    decision d = when(actor, c);
    REQUIRE_MESSAGE(d.accepted(), name_of(c), ": ", (d.rejected ? d.rejected->message : ""));
    actor_ = actor;
    apply(d);
    actor_ = user_id{};
    return d;
  }

  // Applies an accepted decision's events, checking the entity counter pair.
  void apply(const decision& d) {
    REQUIRE(d.accepted());
    for (const auto& e : d.events) apply_one(e);
    CHECK(model.last_entity_number == d.last_entity_number);
  }

  // A small chain: three branches, a user of every role, two categories, four products,
  // two customers, a supplier, stock of 100 of every product in every branch, and the loyalty
  // rule of the demo (1 point per 100 000.00).
  spec_world standard_world();

 private:
  user_id actor_;  // the actor of the decision being applied by run() (0: the ledger)

  void apply_one(const events::event& e) {
    // Every event must survive the codec unchanged (pair check: encode, decode, compare).
    flatbuffers::FlatBufferBuilder builder;
    const auto bytes = events::encode_payload(e, builder);
    const auto decoded = events::decode_payload(events::type_of(e), bytes);
    REQUIRE(decoded.has_value());
    CHECK(*decoded == e);
    logged_event logged;
    logged.header.sequence = model.last_sequence + 1;
    logged.header.recorded_at_us = now_us;
    logged.header.type = events::type_of(e);
    if (const auto* user = model.find(actor_)) {
      logged.header.actor = events::actor{user->id.value, user->role, user->branch.value};
    }
    logged.body = e;
    log.push_back(std::move(logged));
    evolve(model, e, event_context{model.last_sequence + 1, now_us, {}});
    now_us += 1000;
  }
};

// The events of an accepted decision, of one type.
template <class E>
[[nodiscard]] std::vector<E> events_of(const decision& d) {
  std::vector<E> found;
  for (const auto& e : d.events) {
    if (const E* typed = std::get_if<E>(&e)) found.push_back(*typed);
  }
  return found;
}

// The only event of type E in d (REQUIREs exactly one).
template <class E>
[[nodiscard]] E single_event(const decision& d) {
  auto found = events_of<E>(d);
  REQUIRE(found.size() == 1);
  return found.front();
}

}  // namespace ledger::testing

#define CHECK_REJECTED(decision_value, code_name, expected_message)                     \
  do {                                                                                  \
    const auto& d_ = (decision_value);                                                  \
    REQUIRE_MESSAGE(d_.rejected.has_value(), "expected rejection " #code_name);         \
    CHECK(::ledger::engine::name_of(d_.rejected->code) == std::string_view{#code_name}); \
    CHECK(d_.rejected->message == std::string{expected_message});                       \
    CHECK(d_.events.empty());                                                           \
  } while (false)
