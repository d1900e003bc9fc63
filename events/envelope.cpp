#include "events/envelope.h"

#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "events/assert.h"

namespace ledger::events {
namespace {

template <class T>
void update_be(crypto_hash_sha256_state& state, T value) {
  std::uint8_t bytes[sizeof(T)];
  auto v = static_cast<std::make_unsigned_t<T>>(value);
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    bytes[sizeof(T) - 1 - i] = static_cast<std::uint8_t>(v & 0xFF);
    v = static_cast<decltype(v)>(v >> 8);
  }
  crypto_hash_sha256_update(&state, bytes, sizeof(T));
}

bool copy_hash(const flatbuffers::Vector<std::uint8_t>* source, hash256& target) {
  if (source == nullptr || source->size() != target.size()) return false;
  std::copy(source->begin(), source->end(), target.begin());
  return true;
}

}  // namespace

hash256 chain_hash(const hash256& previous_hash, const envelope_header& header,
                   std::span<const std::uint8_t> payload) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, previous_hash.data(), previous_hash.size());
  update_be<std::uint64_t>(state, header.sequence);
  update_be<std::uint16_t>(state, static_cast<std::uint16_t>(header.type));
  update_be<std::int64_t>(state, header.recorded_at_us);
  update_be<std::uint64_t>(state, header.actor.user_id);
  update_be<std::uint8_t>(state, static_cast<std::uint8_t>(header.actor.role));
  update_be<std::uint64_t>(state, header.actor.branch_id);
  update_be<std::uint32_t>(state, static_cast<std::uint32_t>(header.command_id.size()));
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(header.command_id.data()),
                            header.command_id.size());
  update_be<std::uint32_t>(state, static_cast<std::uint32_t>(payload.size()));
  crypto_hash_sha256_update(&state, payload.data(), payload.size());
  hash256 out{};
  crypto_hash_sha256_final(&state, out.data());
  return out;
}

std::string encode_envelope(const envelope_header& header, std::span<const std::uint8_t> payload,
                            const hash256& previous_hash, const hash256& hash,
                            flatbuffers::FlatBufferBuilder& builder) {
  LEDGER_ASSERT(header.sequence > 0, "sequence numbers start at 1");
  LEDGER_ASSERT(header.type != event_type::none, "envelope without an event type");
  builder.Clear();
  const auto command_id =
      header.command_id.empty() ? flatbuffers::Offset<flatbuffers::String>{}
                                : builder.CreateString(header.command_id);
  const auto payload_offset = builder.CreateVector(payload.data(), payload.size());
  const auto previous_offset = builder.CreateVector(previous_hash.data(), previous_hash.size());
  const auto hash_offset = builder.CreateVector(hash.data(), hash.size());
  wire::envelopeBuilder envelope(builder);
  envelope.add_sequence(header.sequence);
  envelope.add_recorded_at_us(header.recorded_at_us);
  envelope.add_actor_user_id(header.actor.user_id);
  envelope.add_actor_role(header.actor.role);
  envelope.add_actor_branch_id(header.actor.branch_id);
  if (!header.command_id.empty()) envelope.add_command_id(command_id);
  envelope.add_type(header.type);
  envelope.add_payload(payload_offset);
  envelope.add_previous_hash(previous_offset);
  envelope.add_hash(hash_offset);
  builder.Finish(envelope.Finish());
  return {reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize()};
}

std::optional<envelope_view> decode_envelope(std::span<const std::uint8_t> input) {
  envelope_view view;
  std::span<const std::uint8_t> bytes = input;
  if (reinterpret_cast<std::uintptr_t>(input.data()) % alignof(std::uint64_t) != 0) {
    view.aligned_storage.resize((input.size() + 7) / 8);
    std::memcpy(view.aligned_storage.data(), input.data(), input.size());
    bytes = {reinterpret_cast<const std::uint8_t*>(view.aligned_storage.data()), input.size()};
  }
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  if (!verifier.VerifyBuffer<wire::envelope>(nullptr)) return std::nullopt;
  const wire::envelope* stored = flatbuffers::GetRoot<wire::envelope>(bytes.data());
  view.header.sequence = stored->sequence();
  view.header.recorded_at_us = stored->recorded_at_us();
  view.header.actor.user_id = stored->actor_user_id();
  view.header.actor.role = stored->actor_role();
  view.header.actor.branch_id = stored->actor_branch_id();
  if (stored->command_id() != nullptr) view.header.command_id = stored->command_id()->str();
  view.header.type = stored->type();
  if (stored->payload() == nullptr) return std::nullopt;
  view.payload = {stored->payload()->data(), stored->payload()->size()};
  if (!copy_hash(stored->previous_hash(), view.previous_hash)) return std::nullopt;
  if (!copy_hash(stored->hash(), view.hash)) return std::nullopt;
  return view;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string text;
  text.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    text += digits[b >> 4];
    text += digits[b & 0xF];
  }
  return text;
}

}  // namespace ledger::events
