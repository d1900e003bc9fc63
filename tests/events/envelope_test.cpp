// The envelope and the hash chain (events/envelope.h).
//
// How: a fixed envelope (every header field set, a real encoded payload) is
//   * round-tripped through encode_envelope/decode_envelope;
//   * cut at every shorter length and damaged byte by byte: decode_envelope returns nullopt, or
//     a view whose content is unchanged, or one the chain check (recomputing chain_hash over the
//     decoded fields) rejects, so no single-byte damage goes unnoticed;
//   * re-hashed with each header field, the payload and the previous hash changed one at a time:
//     every change gives a different chain hash.
// The frozen bytes and hash values live in golden_events_test.cpp.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "events/envelope.h"
#include "events/event_codec.h"
#include "tests/events/sample_events.h"

namespace {

namespace ev = ledger::events;
using bytes = std::vector<std::uint8_t>;

bytes sample_payload() {
  flatbuffers::FlatBufferBuilder builder;
  const auto payload =
      ev::encode_payload(*ledger::testing::sample_event(ev::event_type::sale_completed), builder);
  return bytes(payload.begin(), payload.end());
}

ev::envelope_header sample_header() {
  ev::envelope_header header;
  header.sequence = 77;
  header.recorded_at_us = 1'748'766'600'123'456;
  header.actor = ev::actor{202, ev::user_role::CASHIER, 101};
  header.command_id = "c0ffee-đơn-01";
  header.type = ev::event_type::sale_completed;
  return header;
}

ev::hash256 sample_previous() {
  ev::hash256 previous{};
  for (std::size_t i = 0; i < previous.size(); ++i) previous[i] = static_cast<std::uint8_t>(3 * i + 1);
  return previous;
}

bytes encode_bytes(const ev::envelope_header& header, const bytes& payload,
                   const ev::hash256& previous, const ev::hash256& hash) {
  flatbuffers::FlatBufferBuilder builder;
  const std::string stored = ev::encode_envelope(header, payload, previous, hash, builder);
  return bytes(stored.begin(), stored.end());
}

// The content of a decoded envelope, owning its payload (the view's span dies with its bytes).
struct content {
  ev::envelope_header header;
  bytes payload;
  ev::hash256 previous_hash{};
  ev::hash256 hash{};
  friend bool operator==(const content&, const content&) = default;
};

content content_of(const ev::envelope_view& view) {
  return content{view.header, bytes(view.payload.begin(), view.payload.end()), view.previous_hash,
                 view.hash};
}

// What a reader of the log checks for one record: the stored hash is the chain hash of the
// stored fields, and the previous hash is the one it expects.
bool chain_accepts(const ev::envelope_view& view, const ev::hash256& expected_previous) {
  return view.previous_hash == expected_previous &&
         ev::chain_hash(view.previous_hash, view.header, view.payload) == view.hash;
}

// A FlatBuffer envelope built field by field, to make shapes encode_envelope never writes.
bytes custom_envelope(std::size_t previous_size, std::size_t hash_size, bool with_payload) {
  flatbuffers::FlatBufferBuilder builder;
  const bytes payload{1, 2, 3};
  const bytes previous(previous_size, 0xAB);
  const bytes hash(hash_size, 0xCD);
  const auto payload_offset = builder.CreateVector(payload);
  const auto previous_offset = builder.CreateVector(previous);
  const auto hash_offset = builder.CreateVector(hash);
  ev::wire::envelopeBuilder envelope(builder);
  envelope.add_sequence(5);
  envelope.add_type(ev::event_type::cart_opened);
  if (with_payload) envelope.add_payload(payload_offset);
  envelope.add_previous_hash(previous_offset);
  envelope.add_hash(hash_offset);
  builder.Finish(envelope.Finish());
  return bytes(builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize());
}

}  // namespace

TEST_SUITE("events/envelope") {

TEST_CASE("decode_envelope(encode_envelope(...)) gives back every field") {
  const ev::envelope_header header = sample_header();
  const bytes payload = sample_payload();
  const ev::hash256 previous = sample_previous();
  const ev::hash256 hash = ev::chain_hash(previous, header, payload);
  const bytes stored = encode_bytes(header, payload, previous, hash);

  const auto view = ev::decode_envelope(stored);
  REQUIRE(view.has_value());
  CHECK(view->header == header);
  CHECK(view->header.actor.user_id == 202);
  CHECK(view->header.actor.role == ev::user_role::CASHIER);
  CHECK(view->header.actor.branch_id == 101);
  CHECK(bytes(view->payload.begin(), view->payload.end()) == payload);
  CHECK(view->previous_hash == previous);
  CHECK(view->hash == hash);
  CHECK(chain_accepts(*view, previous));
  // The payload inside still decodes to the event.
  const auto decoded = ev::decode_payload(view->header.type, view->payload);
  REQUIRE(decoded.has_value());
  CHECK(*decoded == *ledger::testing::sample_event(ev::event_type::sale_completed));
}

TEST_CASE("an absent command id, actor 0, a zero previous hash and an empty payload round-trip") {
  ev::envelope_header header;
  header.sequence = 1;
  header.recorded_at_us = 0;
  header.type = ev::event_type::ledger_initialized;
  const bytes payload;
  const ev::hash256 hash = ev::chain_hash(ev::hash256{}, header, payload);
  const bytes stored = encode_bytes(header, payload, ev::hash256{}, hash);
  const auto view = ev::decode_envelope(stored);
  REQUIRE(view.has_value());
  CHECK(view->header == header);
  CHECK(view->header.command_id.empty());
  CHECK(view->payload.empty());
  CHECK(view->previous_hash == ev::hash256{});
  CHECK(chain_accepts(*view, ev::hash256{}));
}

TEST_CASE("extreme header values round-trip") {
  ev::envelope_header header = sample_header();
  header.sequence = UINT64_MAX;
  header.recorded_at_us = INT64_MIN;
  header.actor = ev::actor{UINT64_MAX, ev::user_role::OWNER, UINT64_MAX};
  header.type = ev::event_type::goods_receipt_recorded;
  const bytes payload{0x00, 0xFF};
  const ev::hash256 hash = ev::chain_hash(sample_previous(), header, payload);
  const auto view = ev::decode_envelope(encode_bytes(header, payload, sample_previous(), hash));
  REQUIRE(view.has_value());
  CHECK(view->header == header);
}

TEST_CASE("damaged envelope bytes: nullopt for cuts, and every single-byte flip is caught") {
  const ev::envelope_header header = sample_header();
  const bytes payload = sample_payload();
  const ev::hash256 previous = sample_previous();
  const ev::hash256 hash = ev::chain_hash(previous, header, payload);
  const bytes stored = encode_bytes(header, payload, previous, hash);
  const content original{header, payload, previous, hash};

  SUBCASE("garbage and tiny buffers") {
    CHECK_FALSE(ev::decode_envelope(bytes{}).has_value());
    CHECK_FALSE(ev::decode_envelope(bytes{0x00}).has_value());
    CHECK_FALSE(ev::decode_envelope(bytes{0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0}).has_value());
  }

  SUBCASE("every truncation") {
    for (std::size_t length = 0; length < stored.size(); ++length) {
      CAPTURE(length);
      const bytes cut(stored.begin(), stored.begin() + static_cast<std::ptrdiff_t>(length));
      const auto view = ev::decode_envelope(cut);
      // Only trailing alignment padding can be cut unnoticed; the content is then unchanged.
      if (view) CHECK(content_of(*view) == original);
    }
    // The first-written field (the command id string) ends the buffer: cutting into it fails.
    CHECK_FALSE(ev::decode_envelope(bytes(stored.begin(), stored.end() - 8)).has_value());
  }

  SUBCASE("every single-byte flip") {
    int rejected_by_decode = 0;
    int rejected_by_chain = 0;
    int harmless = 0;
    for (std::size_t at = 0; at < stored.size(); ++at) {
      for (const std::uint8_t mask : {std::uint8_t{0xFF}, std::uint8_t{0x01}, std::uint8_t{0x80}}) {
        CAPTURE(at);
        CAPTURE(static_cast<int>(mask));
        bytes damaged = stored;
        damaged[at] = static_cast<std::uint8_t>(damaged[at] ^ mask);
        const auto view = ev::decode_envelope(damaged);
        if (!view) {
          ++rejected_by_decode;
        } else if (content_of(*view) == original) {
          ++harmless;  // padding or an unused byte: nothing that is read changed
        } else {
          // Content changed: the chain check must notice.
          CHECK_FALSE(chain_accepts(*view, previous));
          ++rejected_by_chain;
        }
      }
    }
    CHECK(rejected_by_decode > 0);
    CHECK(rejected_by_chain > 0);
    CHECK(harmless < static_cast<int>(stored.size()));
  }
}

TEST_CASE("decode_envelope rejects wrong hash sizes and a missing payload") {
  CHECK(ev::decode_envelope(custom_envelope(32, 32, true)).has_value());
  CHECK_FALSE(ev::decode_envelope(custom_envelope(31, 32, true)).has_value());
  CHECK_FALSE(ev::decode_envelope(custom_envelope(33, 32, true)).has_value());
  CHECK_FALSE(ev::decode_envelope(custom_envelope(32, 0, true)).has_value());
  CHECK_FALSE(ev::decode_envelope(custom_envelope(32, 64, true)).has_value());
  CHECK_FALSE(ev::decode_envelope(custom_envelope(32, 32, false)).has_value());
}

TEST_CASE("chain_hash changes when any chained field changes") {
  const ev::envelope_header base = sample_header();
  const bytes payload = sample_payload();
  const ev::hash256 previous = sample_previous();
  const ev::hash256 base_hash = ev::chain_hash(previous, base, payload);

  // Deterministic: the same inputs give the same hash.
  CHECK(ev::chain_hash(previous, base, payload) == base_hash);

  std::set<std::string> seen{ev::to_hex(base_hash)};
  auto differs = [&](const char* what, const ev::hash256& previous_hash,
                     const ev::envelope_header& header, const bytes& body) {
    CAPTURE(what);
    const std::string hex = ev::to_hex(ev::chain_hash(previous_hash, header, body));
    CHECK(hex != ev::to_hex(base_hash));
    CHECK(seen.insert(hex).second);  // and differs from every other variation
  };

  {
    auto h = base;
    h.sequence += 1;
    differs("sequence", previous, h, payload);
  }
  {
    auto h = base;
    h.type = ev::event_type::sale_returned;
    differs("type", previous, h, payload);
  }
  {
    auto h = base;
    h.recorded_at_us += 1;
    differs("recorded_at_us", previous, h, payload);
  }
  {
    auto h = base;
    h.recorded_at_us = -h.recorded_at_us;
    differs("recorded_at_us sign", previous, h, payload);
  }
  {
    auto h = base;
    h.actor.user_id += 1;
    differs("actor user", previous, h, payload);
  }
  {
    auto h = base;
    h.actor.role = ev::user_role::BRANCH_MANAGER;
    differs("actor role", previous, h, payload);
  }
  {
    auto h = base;
    h.actor.branch_id += 1;
    differs("actor branch", previous, h, payload);
  }
  {
    auto h = base;
    h.command_id.back() = '2';
    differs("command id content", previous, h, payload);
  }
  {
    auto h = base;
    h.command_id.clear();
    differs("command id absent", previous, h, payload);
  }
  {
    bytes body = payload;
    body[body.size() / 2] ^= 0x01;
    differs("payload byte", previous, base, body);
  }
  {
    bytes body = payload;
    body.push_back(0);
    differs("payload length", previous, base, body);
  }
  {
    ev::hash256 other = previous;
    other[31] ^= 0x80;
    differs("previous hash", other, base, payload);
  }
  {
    differs("previous hash zero", ev::hash256{}, base, payload);
  }
}

TEST_CASE("chain_hash: the length prefixes keep the command id and the payload apart") {
  // Moving a byte from the end of the command id to the front of the payload must change the
  // hash; without the u32 length prefixes of envelope.h both would hash the same byte stream.
  ev::envelope_header a = sample_header();
  a.command_id = "abc";
  ev::envelope_header b = sample_header();
  b.command_id = "ab";
  const bytes payload_a{'x', 'y'};
  const bytes payload_b{'c', 'x', 'y'};
  CHECK(ev::chain_hash(sample_previous(), a, payload_a) !=
        ev::chain_hash(sample_previous(), b, payload_b));
}

TEST_CASE("to_hex: lowercase, two digits per byte") {
  const bytes data{0x00, 0x0F, 0xA0, 0xFF};
  CHECK(ev::to_hex(data) == "000fa0ff");
  CHECK(ev::to_hex(bytes{}).empty());
  CHECK(ev::to_hex(ev::hash256{}) == std::string(64, '0'));
}

}  // TEST_SUITE
