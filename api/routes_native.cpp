// The native ledger endpoints (/api/v1), beside the reference contract:
//   POST /api/v1/commands      a batch of typed commands, each with the client's command id;
//                              idempotent per (user, command id): a retried id answers the
//                              original outcome and writes nothing. How a till that queued
//                              sales offline syncs them.
//   GET  /api/v1/events        the log as JSON lines, for auditors and analysts
//   GET  /api/v1/ledger/head   sequence, hash and time of the newest event
//   GET  /api/v1/ledger/verify the whole chain checked and replayed (engine/verify.h)
// The auditors' endpoints need SUPER_ADMIN or OWNER; a batch is open to every authenticated
// user, each command checked against the role list of its contract route.
#include <fmt/format.h>

#include <atomic>
#include <sstream>

#include "api/ledger_commands.h"
#include "api/server_app.h"
#include "engine/verify.h"
#include "events/envelope.h"
#include "projections/json_writer.h"

namespace ledger::api {
namespace {

using projections::json_writer;
using projections::view_state;
using context_ptr = std::shared_ptr<request_context>;

constexpr std::size_t batch_commands_max = 1000;
constexpr std::size_t command_id_bytes_max = 128;
constexpr std::int64_t events_page_default = 1000;
constexpr std::int64_t events_page_max = 10000;

// One command of a batch: refused before the writer, or submitted and then its outcome.
struct batch_slot {
  std::string command_id;
  const command_kind* kind = nullptr;
  unsigned status = 0;                                  // refused before the writer
  std::variant<std::string, std::vector<std::string>> error;  // its message(s)
  std::optional<engine::command_outcome> outcome;       // submitted
};

struct batch_state {
  context_ptr context;
  std::vector<batch_slot> slots;
  std::atomic<std::size_t> pending{0};
};

// The fields every element has besides its kind's own.
const body_spec& envelope_spec(const command_kind& kind) {
  static const auto specs = [] {
    std::vector<std::pair<const command_kind*, body_spec>> out;
    for (const command_kind& k : command_kinds()) {
      body_spec spec = k.spec;
      spec.fields.insert(spec.fields.begin(),
                         {required_field("commandId", field_type::string,
                                         {rule::is_string(), rule::not_empty()}),
                          required_field("type", field_type::string, {rule::is_string()})});
      out.emplace_back(&k, std::move(spec));
    }
    return out;
  }();
  for (const auto& [k, spec] : specs) {
    if (k == &kind) return spec;
  }
  LEDGER_ASSERT(false, "command kind {} has no batch spec", kind.type);
  __builtin_unreachable();
}

std::string kind_names() {
  std::string names;
  for (const command_kind& kind : command_kinds()) {
    if (!names.empty()) names += ", ";
    names += kind.type;
  }
  return names;
}

// Checks one element and, when it is fine, parses it into the command to submit.
std::optional<engine::command> prepare(server_app& app, const authenticated_user& user,
                                       const object_view& element, batch_slot& slot) {
  slot.command_id = element.text("commandId").value_or("");
  const auto refuse = [&](unsigned status, auto error) -> std::optional<engine::command> {
    slot.status = status;
    slot.error = std::move(error);
    return std::nullopt;
  };
  const auto type = element.text("type");
  slot.kind = type ? find_command_kind(*type) : nullptr;
  if (slot.kind == nullptr) {
    return refuse(400, fmt::format("type must be one of the following values: {}", kind_names()));
  }
  const auto& roles = slot.kind->roles;
  if (std::find(roles.begin(), roles.end(), user.role) == roles.end()) {
    return refuse(403, roles_message(roles, user.role));
  }
  auto messages = validate_object(element, envelope_spec(*slot.kind));
  if (!messages.empty()) return refuse(400, std::move(messages));
  if (slot.command_id.size() > command_id_bytes_max) {
    return refuse(400, fmt::format("commandId must be shorter than or equal to {} characters",
                                   command_id_bytes_max));
  }
  parsed_command parsed = slot.kind->parse(app, element);
  if (const auto* refused = std::get_if<engine::rejection>(&parsed)) {
    return refuse(rejection_status(*refused), refused->message);
  }
  return std::move(std::get<engine::command>(parsed));
}

void write_error(json_writer& json, unsigned status,
                 const std::variant<std::string, std::vector<std::string>>& error) {
  json.key("error").begin_object().integer_field("statusCode", status).key("message");
  if (const auto* text = std::get_if<std::string>(&error)) {
    json.string(*text);
  } else {
    json.begin_array();
    for (const auto& message : std::get<std::vector<std::string>>(error)) json.string(message);
    json.end_array();
  }
  json.end_object();
}

// The last sequence the batch's committed commands wrote (0: none).
std::uint64_t last_sequence_of(const batch_state& batch) {
  std::uint64_t last = 0;
  for (const auto& slot : batch.slots) {
    if (slot.outcome && slot.outcome->ok()) last = std::max(last, slot.outcome->last_sequence);
  }
  return last;
}

// All outcomes are in and the views show them: answers every command.
void answer_batch(server_app& app, const std::shared_ptr<batch_state>& batch) {
  const std::uint64_t last = last_sequence_of(*batch);
  json_writer json;
  json.begin_object().key("results").begin_array();
  app.views().read([&](const view_state& state) {
    for (const auto& slot : batch->slots) {
      json.begin_object().string_field("commandId", slot.command_id);
      if (slot.kind != nullptr) {
        json.string_field("type", slot.kind->type);
      } else {
        json.null_field("type");
      }
      if (!slot.outcome) {
        json.string_field("status", "rejected").integer_field("statusCode", slot.status)
            .null_field("sequence").null_field("result");
        write_error(json, slot.status, slot.error);
      } else if (!slot.outcome->ok()) {
        const unsigned status = rejection_status(*slot.outcome->rejected);
        json.string_field("status", "rejected").integer_field("statusCode", status)
            .null_field("sequence").null_field("result");
        write_error(json, status, slot.outcome->rejected->message);
      } else {
        const bool duplicate = slot.outcome->result == engine::command_outcome::status::duplicate;
        const auto result = slot.kind->render(state, *slot.outcome);
        const auto* body = std::get_if<std::string>(&result);
        LEDGER_ASSERT(body != nullptr, "views lack the records of committed sequence {}",
                      slot.outcome->last_sequence);
        json.string_field("status", duplicate ? "duplicate" : "committed")
            .integer_field("statusCode", slot.kind->status);
        if (slot.outcome->last_sequence != 0) {
          json.integer_field("sequence", static_cast<std::int64_t>(slot.outcome->last_sequence));
        } else {
          json.null_field("sequence");
        }
        json.raw_field("result", *body).null_field("error");
      }
      json.end_object();
    }
    return 0;
  });
  json.end_array().end_object();
  app.reply(batch->context, 200, json.take(), last);
}

// POST /api/v1/commands: {"commands": [{"commandId", "type", ...fields of its route}]}.
void commands(server_app& app, const context_ptr& context) {
  static const body_spec spec{.fields = {required_field(
      "commands", field_type::array, {rule::is_array(), rule::array_min_size(1)})}};
  const body_result body = validate_body(context->request.body, spec);
  if (!app.body_is_valid(context, body)) return;
  const auto elements = body.body.objects("commands");
  if (!elements) return app.reply_errors(context, {"each value in commands must be an object"});
  if (elements->size() > batch_commands_max) {
    return app.reply_errors(
        context, {fmt::format("commands must contain no more than {} elements", batch_commands_max)});
  }
  auto batch = std::make_shared<batch_state>();
  batch->context = context;
  batch->slots.resize(elements->size());
  std::vector<std::pair<std::size_t, engine::command>> ready;
  for (std::size_t i = 0; i < elements->size(); ++i) {
    if (auto command = prepare(app, *context->user, (*elements)[i], batch->slots[i])) {
      ready.emplace_back(i, std::move(*command));
    }
  }
  if (ready.empty()) return answer_batch(app, batch);
  batch->pending = ready.size();
  // One queue, one writer: the commands are decided in the order of the batch.
  for (auto& [index, command] : ready) {
    engine::command_request request;
    request.actor = context->user->id;
    request.command_id = batch->slots[index].command_id;
    request.body = std::move(command);
    app.ledger().processor().submit(
        std::move(request), [&app, batch, index = index](engine::command_outcome&& outcome) {
          batch->slots[index].outcome = std::move(outcome);
          if (batch->pending.fetch_sub(1) != 1) return;
          // The last outcome, on the writer thread: answer once the views show the batch.
          app.after_views(last_sequence_of(*batch), [&app, batch] { answer_batch(app, batch); });
        });
  }
}

// A whole number of the query string within [minimum, maximum], or `fallback` when absent.
// nullopt after answering 400.
std::optional<std::int64_t> bounded_number(server_app& app, const context_ptr& context,
                                           std::string_view name, std::int64_t fallback,
                                           std::int64_t minimum, std::int64_t maximum) {
  const auto text = context->query.get(name);
  if (!text) return fallback;
  const auto value = parse_int(*text);
  if (!value || *value < minimum || *value > maximum) {
    app.reply_error(context, 400, fmt::format("{} must be a whole number from {} to {}", name,
                                              minimum, maximum));
    return std::nullopt;
  }
  return value;
}

// GET /api/v1/events?after=SEQ&limit=N: the events after SEQ, oldest first, one JSON object
// per line (engine/verify.h export format). X-Ledger-Seq is the last one sent (the next
// request's `after`); an empty body means nothing newer yet. With follow=true the connection
// stays open and every event committed later arrives as it is committed (api/event_feed.h).
void events_page(server_app& app, const context_ptr& context) {
  const auto after = bounded_number(app, context, "after", 0, 0, INT64_MAX);
  if (!after) return;
  const auto follow = context->query.get("follow");
  if (follow && *follow != "true" && *follow != "false") {
    return app.reply_error(context, 400, "follow must be true or false");
  }
  if (follow == "true") {
    auto stream = app.events_feed().follow(static_cast<std::uint64_t>(*after));
    if (!stream) return app.reply_error(context, 503, "Too many event streams are open; retry later");
    return app.reply_stream(context, std::move(stream), "application/x-ndjson");
  }
  const auto limit = bounded_number(app, context, "limit", events_page_default, 1, events_page_max);
  if (!limit) return;
  (void)app.blocking_work().post([&app, context, after = static_cast<std::uint64_t>(*after),
                                  limit = static_cast<std::uint64_t>(*limit)] {
    const std::uint64_t head = app.ledger().processor().head_sequence();
    if (after >= head) {
      return app.reply_document(context, 200, {}, "application/x-ndjson",
                                {{"X-Ledger-Seq", std::to_string(after)}});
    }
    const std::uint64_t last = std::min(head, after + limit);
    std::ostringstream lines;
    if (const auto problem = engine::export_events(app.ledger().store(), after + 1, last, lines)) {
      return app.reply_error(context, 500,
                             fmt::format("The log fails its check at sequence {}: {}",
                                         problem->sequence, problem->reason));
    }
    app.reply_document(context, 200, lines.str(), "application/x-ndjson",
                       {{"X-Ledger-Seq", std::to_string(last)}});
  });
}

// GET /api/v1/ledger/head.
void ledger_head(server_app& app, const context_ptr& context) {
  const std::uint64_t head = app.ledger().processor().head_sequence();
  json_writer json;
  json.begin_object().integer_field("sequence", static_cast<std::int64_t>(head));
  if (head == 0) {
    json.null_field("headHash").null_field("recordedAt");
  } else {
    rocksdb::Status status;
    const auto bytes = app.ledger().store().read_event(head, status);
    LEDGER_ASSERT(bytes.has_value(), "the head event {} cannot be read: {}", head,
                  status.ToString());
    const auto view = events::decode_envelope(
        std::span(reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()));
    LEDGER_ASSERT(view.has_value(), "the head event {} does not decode", head);
    json.string_field("headHash", events::to_hex(view->hash))
        .time_field("recordedAt", view->header.recorded_at_us);
  }
  json.end_object();
  app.reply(context, 200, json.take(), head);
}

// GET /api/v1/ledger/verify: one at a time (it reads the whole log).
void ledger_verify(server_app& app, const context_ptr& context) {
  static std::atomic<bool> running{false};
  if (running.exchange(true)) {
    return app.reply_error(context, 409, "A verification is already running");
  }
  const bool posted = app.blocking_work().post([&app, context] {
    const engine::verify_report report = engine::verify_ledger(app.ledger().store());
    running = false;
    json_writer json;
    json.begin_object()
        .boolean_field("ok", report.ok())
        .integer_field("events", static_cast<std::int64_t>(report.events))
        .integer_field("logEnd", static_cast<std::int64_t>(report.log_end))
        .string_field("headHash", events::to_hex(report.head_hash));
    if (report.snapshot_sequence) {
      json.integer_field("snapshotSequence", static_cast<std::int64_t>(*report.snapshot_sequence));
    } else {
      json.null_field("snapshotSequence");
    }
    json.boolean_field("snapshotMatches", report.snapshot_matches);
    if (report.problem) {
      json.key("problem")
          .begin_object()
          .integer_field("sequence", static_cast<std::int64_t>(report.problem->sequence))
          .string_field("reason", report.problem->reason)
          .end_object();
    } else {
      json.null_field("problem");
    }
    json.end_object();
    app.reply(context, 200, json.take(), report.log_end);
  });
  if (!posted) {
    running = false;
    app.reply_error(context, 503, "The server is shutting down");
  }
}

}  // namespace

void add_native_routes(router<route_entry>& routes) {
  add_route(routes, "POST", "/api/v1/commands", {}, commands);
  add_route(routes, "GET", "/api/v1/events", {SUPER_ADMIN, OWNER}, events_page);
  add_route(routes, "GET", "/api/v1/ledger/head", {SUPER_ADMIN, OWNER}, ledger_head);
  add_route(routes, "GET", "/api/v1/ledger/verify", {SUPER_ADMIN, OWNER}, ledger_verify);
}

}  // namespace ledger::api
