#pragma once
// Internal to engine/: one decide_one overload per command and one evolve_one overload per
// event. decide.cpp and evolve.cpp dispatch to them; the overloads live in one file per area
// (decide_people.cpp, decide_catalog.cpp, decide_inventory.cpp, decide_pos.cpp,
// decide_procurement.cpp and the matching evolve_*.cpp).
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/decide.h"
#include "engine/evolve.h"
#include "engine/limits.h"
#include "events/assert.h"

namespace ledger::engine {

#define LEDGER_DECIDE_DECLARATION_(name) \
  decision decide_one(const write_model& model, const name& c, const command_context& context);
LEDGER_COMMAND_TYPES(LEDGER_DECIDE_DECLARATION_)
#undef LEDGER_DECIDE_DECLARATION_

#define LEDGER_EVOLVE_DECLARATION_(name) \
  void evolve_one(write_model& model, const events::name& e, const event_context& context);
LEDGER_EVENT_TYPES(LEDGER_EVOLVE_DECLARATION_)
#undef LEDGER_EVOLVE_DECLARATION_

namespace detail {

// Hands out entity numbers for the events of one decision: last_entity_number + 1, + 2, ...
class id_allocator {
 public:
  explicit id_allocator(const write_model& model) : last_(model.last_entity_number) {}
  template <class Id>
  [[nodiscard]] Id next() {
    return Id{++last_};
  }
  [[nodiscard]] std::uint64_t last() const { return last_; }

 private:
  std::uint64_t last_;
};

[[nodiscard]] decision reject(rejection_code code, std::string message);

// An accepted decision; `ids` is the allocator the events' ids came from (or nullptr when
// the decision created no entity).
[[nodiscard]] decision accept(const write_model& model, std::vector<events::event> events,
                              const id_allocator* ids = nullptr);

// The next document number of `kind` at `now_us` (api-contract 1.11):
//   <PREFIX>-<YYYYMMDD>-<TS36><SEQ4>
// TS36 = milliseconds since the epoch in upper-case base 36; SEQ4 = the document counter
// modulo 36^4 in base 36, four digits (in place of the reference's random characters, so
// replay and tests are deterministic; unique while fewer than 36^4 documents of one kind
// share one millisecond).
[[nodiscard]] std::string next_document_number(const write_model& model, document_kind kind,
                                               std::int64_t now_us);

// The document kind whose counter an event advances (evolve side of next_document_number).
void advance_document_counter(write_model& model, document_kind kind);

// Records that entity number `number` is taken (evolve side of id_allocator).
void note_entity(write_model& model, std::uint64_t number);

// The actor of a command; decide() has already checked that it exists and is active (except
// for the public commands, which find their user themselves).
[[nodiscard]] const user_record& actor_record(const write_model& model,
                                              const command_context& context);

// Moves the stock of (branch, product) by `delta` to the event's decided `quantity_after`,
// asserting that the two agree and that stock stays >= 0 (evolve side of every stock event).
void move_stock(write_model& model, std::uint64_t branch, std::uint64_t product,
                std::int64_t delta, std::int32_t quantity_after);

// One text field of a command, named as the contract's JSON field. `value` is nullptr when an
// optional field of an update was not given (nothing to check).
struct text_field {
  std::string_view name;
  const std::string* value;
  bool required;
};

[[nodiscard]] inline const std::string* given(const std::optional<std::string>& value) {
  return value.has_value() ? &*value : nullptr;
}

// The first broken text rule among `fields`, in order: a required text must not be empty, and
// no text may exceed the free-text limit.
[[nodiscard]] std::optional<rejection> check_texts(std::initializer_list<text_field> fields);

// A rejection value as a decision (the message must not be empty).
[[nodiscard]] decision rejected(rejection broken);

// The event list of a decision with exactly one event.
[[nodiscard]] std::vector<events::event> one_event(events::event e);

// Restates the dispatcher's checks a handler relies on (ledger initialized, actor signed in
// and active), so a handler called any other way fails loudly instead of deciding on a void.
void assert_signed_in(const write_model& model, const command_context& context);

// Re-keys a unique text index when a record's key changes (evolve side of unique names).
template <class Id>
void rekey(flat_map<std::string, Id>& index, const std::string& old_key,
           const std::string& new_key, Id id) {
  if (old_key == new_key) return;
  const auto erased = index.erase(old_key);
  LEDGER_ASSERT(erased == 1, "index lacked key '{}'", old_key);
  const bool inserted = index.emplace(new_key, id).second;
  LEDGER_ASSERT(inserted, "index key '{}' already taken", new_key);
}

// Text limit check shared by every command with free text.
[[nodiscard]] bool text_fits(const std::string& text);

}  // namespace detail
}  // namespace ledger::engine
