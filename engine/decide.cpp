#include "engine/decide.h"

#include <fmt/format.h>

#include "engine/handlers.h"

namespace ledger::engine {
namespace {

// Commands that a caller may send without being a signed-in, active user: the user they act
// for is found by the command itself (by email, token or refresh session).
template <class C>
constexpr bool is_public_command =
    std::is_same_v<C, initialize_ledger> || std::is_same_v<C, log_in> ||
    std::is_same_v<C, request_password_reset> || std::is_same_v<C, reset_password> ||
    std::is_same_v<C, refresh_session>;

}  // namespace

decision decide(const write_model& model, const command& c, const command_context& context) {
  LEDGER_ASSERT(c.index() != 0, "decide called with an empty command");
  return std::visit(
      [&](const auto& body) -> decision {
        using C = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<C, std::monostate>) {
          return detail::reject(rejection_code::value_required, "empty command");
        } else {
          if constexpr (!std::is_same_v<C, initialize_ledger>) {
            if (!model.initialized) {
              return detail::reject(rejection_code::ledger_not_initialized,
                                    "Ledger is not initialized");
            }
          }
          if constexpr (!is_public_command<C>) {
            const user_record* actor = model.find(context.actor);
            if (actor == nullptr || !actor->is_active) {
              return detail::reject(rejection_code::actor_not_found_or_inactive,
                                    "User not found or inactive");
            }
          }
          decision result = decide_one(model, body, context);
          if (result.accepted() && !result.actor) result.actor = context.actor;
          LEDGER_ASSERT(result.accepted() || result.events.empty(),
                        "a rejected decision carries no events");
          LEDGER_ASSERT(result.last_entity_number >= model.last_entity_number || !result.accepted(),
                        "entity numbers never go back");
          return result;
        }
      },
      c);
}

namespace detail {

decision reject(rejection_code code, std::string message) {
  decision result;
  result.rejected = rejection{code, std::move(message)};
  return result;
}

decision accept(const write_model& model, std::vector<events::event> events,
                const id_allocator* ids) {
  decision result;
  result.events = std::move(events);
  result.last_entity_number = ids != nullptr ? ids->last() : model.last_entity_number;
  return result;
}

namespace {

constexpr std::string_view document_prefixes[document_kind_count] = {"INV", "RET", "TF", "PO",
                                                                     "GR"};

std::string base36_upper(std::uint64_t value, std::size_t min_digits) {
  static constexpr char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string text;
  do {
    text.insert(text.begin(), digits[value % 36]);
    value /= 36;
  } while (value != 0);
  while (text.size() < min_digits) text.insert(text.begin(), '0');
  return text;
}

// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
void civil_from_days(std::int64_t z, int& year, unsigned& month, unsigned& day) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<int>(y + (month <= 2));
}

}  // namespace

std::string next_document_number(const write_model& model, document_kind kind,
                                 std::int64_t now_us) {
  LEDGER_ASSERT(now_us > 0, "document numbers need a time after the epoch, got {}", now_us);
  const auto index = static_cast<std::size_t>(kind);
  LEDGER_ASSERT(index < document_kind_count, "unknown document kind {}", index);
  const std::int64_t ms = now_us / 1000;
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  civil_from_days(ms / 86'400'000, year, month, day);
  constexpr std::uint64_t sequence_space = 36ull * 36 * 36 * 36;
  const std::uint64_t counter = model.document_counters[index] + 1;
  return fmt::format("{}-{:04}{:02}{:02}-{}{}", document_prefixes[index], year, month, day,
                     base36_upper(static_cast<std::uint64_t>(ms), 8),
                     base36_upper(counter % sequence_space, 4));
}

void advance_document_counter(write_model& model, document_kind kind) {
  const auto index = static_cast<std::size_t>(kind);
  LEDGER_ASSERT(index < document_kind_count, "unknown document kind {}", index);
  ++model.document_counters[index];
}

void note_entity(write_model& model, std::uint64_t number) {
  LEDGER_ASSERT(number != 0, "entity number 0 is never allocated");
  LEDGER_ASSERT(number <= entity_number_max, "entity number {} out of range", number);
  if (number > model.last_entity_number) model.last_entity_number = number;
}

const user_record& actor_record(const write_model& model, const command_context& context) {
  const user_record* actor = model.find(context.actor);
  LEDGER_ASSERT(actor != nullptr, "actor {} was checked before decide_one", context.actor.value);
  return *actor;
}

decision rejected(rejection broken) {
  LEDGER_ASSERT(!broken.message.empty(), "rejection {} without a message", name_of(broken.code));
  return reject(broken.code, std::move(broken.message));
}

std::vector<events::event> one_event(events::event e) {
  LEDGER_ASSERT(e.index() != 0, "an accepted decision never carries an empty event");
  std::vector<events::event> list;
  list.push_back(std::move(e));
  return list;
}

void assert_signed_in(const write_model& model, const command_context& context) {
  LEDGER_ASSERT(model.initialized, "decide_one on an uninitialized ledger");
  const user_record& actor = actor_record(model, context);
  LEDGER_ASSERT(actor.is_active, "inactive actor {} reached decide_one", actor.id.value);
}

bool text_fits(const std::string& text) { return text.size() <= limits::text_bytes_max; }

std::optional<rejection> check_texts(std::initializer_list<text_field> fields) {
  for (const text_field& field : fields) {
    if (field.value == nullptr) continue;
    if (field.required && field.value->empty()) {
      return rejection{rejection_code::value_required,
                       fmt::format("{} should not be empty", field.name)};
    }
    if (!text_fits(*field.value)) {
      return rejection{rejection_code::text_too_long,
                       fmt::format("{} must be shorter than or equal to {} characters", field.name,
                                   limits::text_bytes_max)};
    }
  }
  return std::nullopt;
}

}  // namespace detail
}  // namespace ledger::engine
