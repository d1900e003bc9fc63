#pragma once
// Payload codec: an event <-> the standalone FlatBuffer stored as the envelope's payload.
//
// Payload grammar: a FlatBuffer (https://flatbuffers.dev/internals) whose root table is the
// schema table named like the event type (events/schema/ledger_events.fbs). Payloads are
// verified with flatbuffers::Verifier before any field is read; a payload that fails
// verification decodes to nullopt, never to a partial event.
//
// Thread-safety: pure functions; a builder must not be shared between threads.
#include <cstdint>
#include <optional>
#include <span>

#include "events/event.h"

namespace ledger::events {

// Clears `builder` and encodes `e` into it; the bytes stay valid until the builder is reused.
// e must not be the empty monostate.
std::span<const std::uint8_t> encode_payload(const event& e, flatbuffers::FlatBufferBuilder& builder);

// Verifies and decodes a payload of the given type. nullopt for an unknown type or bytes that
// are not a valid FlatBuffer of that table.
[[nodiscard]] std::optional<event> decode_payload(event_type type,
                                                  std::span<const std::uint8_t> payload);

// The payload as JSON text with the schema's field names (for export and diagnostics).
// Payloads must already be verified. Byte vectors (hashes) print as arrays of numbers.
[[nodiscard]] std::string payload_to_json(event_type type, std::span<const std::uint8_t> payload);

}  // namespace ledger::events
