// The payload codec (events/event_codec.h) on hostile input: decode_payload must turn any byte
// string into either nullopt or a well-formed event of the requested type, never crash or read
// out of bounds (run this suite under POSLEDGER_SANITIZE=ON to make "never" mean something).
//
// How: the deterministic samples of tests/events/sample_events.cpp are encoded and then
//   * cut at every length shorter than the whole payload,
//   * damaged by flipping every bit pattern 0xFF, 0x01 and 0x80 into each single byte,
//   * decoded as every other event type,
//   * replaced by seeded pseudo-random garbage;
// every accepted result must have the requested type and survive re-encoding and payload_to_json.
// Also: type_of/name_of/all_event_types agree, and payload_to_json prints valid JSON with the
// schema's field names.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "events/event_codec.h"
#include "tests/events/sample_events.h"

namespace {

namespace ev = ledger::events;
using bytes = std::vector<std::uint8_t>;

bytes encode(const ev::event& e) {
  flatbuffers::FlatBufferBuilder builder;
  const auto payload = ev::encode_payload(e, builder);
  return bytes(payload.begin(), payload.end());
}

// A strict little JSON syntax checker (RFC 8259 grammar, no semantic checks): enough to tell
// that payload_to_json's output would parse.
class json_checker {
 public:
  explicit json_checker(std::string_view text) : text_(text) {}

  bool valid() {
    skip_space();
    if (!value()) return false;
    skip_space();
    return at_ == text_.size();
  }

 private:
  bool value() {
    if (at_ >= text_.size()) return false;
    switch (text_[at_]) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return string();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }

  bool object() {
    ++at_;
    skip_space();
    if (peek('}')) return ++at_, true;
    while (true) {
      skip_space();
      if (!string()) return false;
      skip_space();
      if (!peek(':')) return false;
      ++at_;
      skip_space();
      if (!value()) return false;
      skip_space();
      if (peek(',')) {
        ++at_;
        continue;
      }
      if (peek('}')) return ++at_, true;
      return false;
    }
  }

  bool array() {
    ++at_;
    skip_space();
    if (peek(']')) return ++at_, true;
    while (true) {
      skip_space();
      if (!value()) return false;
      skip_space();
      if (peek(',')) {
        ++at_;
        continue;
      }
      if (peek(']')) return ++at_, true;
      return false;
    }
  }

  bool string() {
    if (!peek('"')) return false;
    ++at_;
    while (at_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[at_++]);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c != '\\') continue;
      if (at_ >= text_.size()) return false;
      const char escaped = text_[at_++];
      if (escaped == 'u') {
        for (int i = 0; i < 4; ++i) {
          if (at_ >= text_.size() || !std::isxdigit(static_cast<unsigned char>(text_[at_++]))) {
            return false;
          }
        }
      } else if (std::string_view("\"\\/bfnrt").find(escaped) == std::string_view::npos) {
        return false;
      }
    }
    return false;
  }

  bool number() {
    const std::size_t start = at_;
    if (peek('-')) ++at_;
    if (peek('0')) {
      ++at_;
    } else if (!digits()) {
      return false;
    }
    if (peek('.')) {
      ++at_;
      if (!digits()) return false;
    }
    if (peek('e') || peek('E')) {
      ++at_;
      if (peek('+') || peek('-')) ++at_;
      if (!digits()) return false;
    }
    return at_ > start;
  }

  bool digits() {
    const std::size_t start = at_;
    while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
    return at_ > start;
  }

  bool literal(std::string_view word) {
    if (text_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }

  bool peek(char c) const { return at_ < text_.size() && text_[at_] == c; }

  void skip_space() {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\n' || text_[at_] == '\t' || text_[at_] == '\r')) {
      ++at_;
    }
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

bool is_valid_json(std::string_view text) { return json_checker(text).valid(); }

// decode_payload's contract on arbitrary bytes: nullopt, or an event of exactly the requested
// type that can be used like any other (re-encoded, printed). Returns whether it was accepted.
bool decodes_safely(ev::event_type type, const bytes& payload) {
  // Copy into a fresh vector so the buffer is exactly `payload.size()` bytes long (ASan then
  // flags any read past the end) and suitably aligned, as stored payloads are.
  const bytes exact(payload.begin(), payload.end());
  const auto decoded = ev::decode_payload(type, exact);
  if (!decoded) return false;
  CHECK(ev::type_of(*decoded) == type);
  // The accepted bytes passed the verifier, so the JSON printer may walk them.
  CHECK(is_valid_json(ev::payload_to_json(type, exact)));
  const bytes again = encode(*decoded);
  CHECK(ev::decode_payload(type, again).has_value());
  return true;
}

}  // namespace

TEST_SUITE("events/codec") {

TEST_CASE("type_of, name_of and all_event_types agree for every type") {
  const auto types = ev::all_event_types();
  REQUIRE_FALSE(types.empty());
  std::set<std::uint16_t> numbers;
  std::set<std::string_view> names;
  for (const ev::event_type type : types) {
    const std::string_view name = ev::name_of(type);
    CAPTURE(name);
    CHECK(type != ev::event_type::none);
    CHECK(name != "none");
    // The codec's name is the schema's name (the generated reflection table).
    CHECK(name == ev::wire::EnumNameevent_type(type));
    numbers.insert(static_cast<std::uint16_t>(type));
    names.insert(name);
    const auto sample = ledger::testing::sample_event(type);
    REQUIRE(sample.has_value());
    CHECK(ev::type_of(*sample) == type);
  }
  CHECK(numbers.size() == types.size());  // no number twice
  CHECK(names.size() == types.size());    // no name twice
  // Schema order: numbers strictly increase.
  CHECK(std::is_sorted(types.begin(), types.end()));
  CHECK(std::adjacent_find(types.begin(), types.end()) == types.end());
  // The variant holds exactly the catalog (plus the empty monostate).
  CHECK(std::variant_size_v<ev::event> == types.size() + 1);

  CHECK(ev::type_of(ev::event{}) == ev::event_type::none);
  CHECK(ev::name_of(ev::event_type::none) == "none");
  CHECK(ev::name_of(static_cast<ev::event_type>(3)) == "none");      // a gap in the numbering
  CHECK(ev::name_of(static_cast<ev::event_type>(65535)) == "none");  // far beyond the catalog
}

TEST_CASE("frozen numbers of a few event types (written to disk; never renumber)") {
  CHECK(static_cast<int>(ev::event_type::ledger_initialized) == 1);
  CHECK(static_cast<int>(ev::event_type::branch_created) == 10);
  CHECK(static_cast<int>(ev::event_type::user_logged_in) == 26);
  CHECK(static_cast<int>(ev::event_type::product_created) == 40);
  CHECK(static_cast<int>(ev::event_type::loyalty_points_deducted) == 67);
  CHECK(static_cast<int>(ev::event_type::stock_transferred) == 73);
  CHECK(static_cast<int>(ev::event_type::cart_checked_out) == 86);
  CHECK(static_cast<int>(ev::event_type::sale_completed) == 90);
  CHECK(static_cast<int>(ev::event_type::goods_receipt_recorded) == 105);
}

TEST_CASE("every sample round-trips through encode_payload and decode_payload") {
  for (const ev::event& sample : ledger::testing::all_sample_events()) {
    const ev::event_type type = ev::type_of(sample);
    CAPTURE(ev::name_of(type));
    const bytes payload = encode(sample);
    const auto decoded = ev::decode_payload(type, payload);
    REQUIRE(decoded.has_value());
    CHECK(*decoded == sample);
    // Encoding is a function of the event: same event, same bytes.
    CHECK(encode(*decoded) == payload);
  }
}

TEST_CASE("decode_payload reads payloads at any address (as inside an envelope)") {
  // An envelope stores the payload as a [ubyte] vector, 4-aligned; storage buffers may be
  // aligned to nothing. The payload's own layout assumes an 8-aligned start (ulong fields,
  // structs with ulong members), so decode_payload must cope (it decodes a copy).
  for (const ev::event& sample : ledger::testing::all_sample_events()) {
    const ev::event_type type = ev::type_of(sample);
    CAPTURE(ev::name_of(type));
    const bytes payload = encode(sample);
    for (std::size_t shift = 1; shift < 8; ++shift) {
      CAPTURE(shift);
      bytes shifted(shift, 0xEE);
      shifted.insert(shifted.end(), payload.begin(), payload.end());
      const std::span<const std::uint8_t> view(shifted.data() + shift, payload.size());
      const auto decoded = ev::decode_payload(type, view);
      REQUIRE(decoded.has_value());
      CHECK(*decoded == sample);
      CHECK(is_valid_json(ev::payload_to_json(type, view)));
    }
  }
}

TEST_CASE("decode_payload rejects an unknown type and empty or tiny buffers") {
  const bytes payload = encode(*ledger::testing::sample_event(ev::event_type::sale_completed));
  CHECK_FALSE(ev::decode_payload(ev::event_type::none, payload).has_value());
  CHECK_FALSE(ev::decode_payload(static_cast<ev::event_type>(3), payload).has_value());
  CHECK_FALSE(ev::decode_payload(static_cast<ev::event_type>(65535), payload).has_value());
  for (const ev::event_type type : ev::all_event_types()) {
    CAPTURE(ev::name_of(type));
    CHECK_FALSE(ev::decode_payload(type, bytes{}).has_value());
    CHECK_FALSE(ev::decode_payload(type, bytes{0x00}).has_value());
    CHECK_FALSE(ev::decode_payload(type, bytes{0x04, 0x00, 0x00}).has_value());
    // A root offset pointing far outside the buffer.
    CHECK_FALSE(ev::decode_payload(type, bytes{0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0}).has_value());
  }
}

TEST_CASE("decode_payload on every truncation of every sample: nullopt or the same event") {
  for (const ev::event& sample : ledger::testing::all_sample_events()) {
    const ev::event_type type = ev::type_of(sample);
    CAPTURE(ev::name_of(type));
    const bytes payload = encode(sample);
    int accepted_cuts = 0;
    for (std::size_t length = 0; length < payload.size(); ++length) {
      CAPTURE(length);
      const bytes cut(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(length));
      if (!decodes_safely(type, cut)) continue;
      // The only cut the verifier may accept is one that loses nothing but alignment padding
      // at the end (FlatBuffers pad after a string's terminator); the event is then unchanged.
      CHECK(*ev::decode_payload(type, cut) == sample);
      ++accepted_cuts;
    }
    // At most the padding of one string (3 bytes) can go unnoticed.
    CHECK(accepted_cuts <= 3);
  }
}

TEST_CASE("decode_payload on single-byte damage of every sample: nullopt or a valid event") {
  for (const ev::event& sample : ledger::testing::all_sample_events()) {
    const ev::event_type type = ev::type_of(sample);
    CAPTURE(ev::name_of(type));
    const bytes payload = encode(sample);
    int rejected = 0;
    for (std::size_t at = 0; at < payload.size(); ++at) {
      for (const std::uint8_t mask : {std::uint8_t{0xFF}, std::uint8_t{0x01}, std::uint8_t{0x80}}) {
        CAPTURE(at);
        CAPTURE(static_cast<int>(mask));
        bytes damaged = payload;
        damaged[at] = static_cast<std::uint8_t>(damaged[at] ^ mask);
        if (!decodes_safely(type, damaged)) ++rejected;
      }
    }
    // Damage to the root offset or the vtable is always caught; the verifier is not a checksum
    // (a flipped scalar still decodes: the envelope's hash chain catches that), so only ask
    // that some of the damage was rejected.
    CHECK(rejected > 0);
  }
}

TEST_CASE("decode_payload of another type's bytes: nullopt or an event of the requested type") {
  const auto samples = ledger::testing::all_sample_events();
  for (const ev::event& sample : samples) {
    const bytes payload = encode(sample);
    for (const ev::event_type as : ev::all_event_types()) {
      CAPTURE(ev::name_of(ev::type_of(sample)));
      CAPTURE(ev::name_of(as));
      (void)decodes_safely(as, payload);
    }
  }
  // A definite mismatch: cart_opened's second field is a ulong whose low half, read as
  // branch_created's `code` string offset, points far past the end of the buffer.
  ev::cart_opened opened;
  opened.cart_id = 1;
  opened.cashier_id = 0x7FFF'FFF0;
  opened.branch_id = 3;
  CHECK_FALSE(ev::decode_payload(ev::event_type::branch_created, encode(opened)).has_value());
  // The reverse kind of mismatch decodes: a table of three ulongs read as one of a single ulong
  // is a valid (if meaningless) category_deleted. Types are told apart by the envelope, not by
  // the payload, which is why decode_payload takes the type as an argument.
  CHECK(ev::decode_payload(ev::event_type::category_deleted, encode(opened)).has_value());
}

TEST_CASE("decode_payload on seeded random garbage: nullopt or a valid event") {
  const std::uint32_t seed = 20250601;
  CAPTURE(seed);
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> length(0, 96);
  for (int round = 0; round < 2000; ++round) {
    bytes garbage(length(random));
    for (auto& b : garbage) b = static_cast<std::uint8_t>(byte(random));
    // Half the rounds get a plausible root offset, to get past the first check more often.
    if (round % 2 == 0 && garbage.size() >= 8) {
      garbage[0] = static_cast<std::uint8_t>(4 * (1 + byte(random) % 4));
      garbage[1] = garbage[2] = garbage[3] = 0;
    }
    const ev::event_type type =
        ev::all_event_types()[static_cast<std::size_t>(round) % ev::all_event_types().size()];
    CAPTURE(round);
    (void)decodes_safely(type, garbage);
  }
}

TEST_CASE("payload_to_json: valid JSON with the schema's field names") {
  const auto sample = ledger::testing::sample_event(ev::event_type::sale_completed);
  const bytes payload = encode(*sample);
  const std::string json = ev::payload_to_json(ev::event_type::sale_completed, payload);
  CAPTURE(json);
  CHECK(is_valid_json(json));
  CHECK(json.front() == '{');
  CHECK(json.back() == '}');
  CHECK(json.find('\n') == std::string::npos);  // one line
  for (const char* key :
       {"\"sale_id\": 901", "\"invoice_number\": \"INV-20250601-0ABCDEFG0001\"",
        "\"cart_id\": 801", "\"branch_id\": 101", "\"cashier_id\": 202", "\"customer_id\": 601",
        "\"subtotal\": 6249000", "\"tax_amount\": 519900", "\"discount_amount\": 100000",
        "\"total_amount\": 6668900", "\"notes\": ", "\"return_deadline_us\": ", "\"lines\": [",
        "\"line_id\": 902", "\"quantity_after\": 52", "\"payments\": [", "\"payment_id\": 904",
        "\"change_due\": 331100", "\"reference\": "}) {
    CAPTURE(key);
    CHECK(json.find(key) != std::string::npos);
  }

  // Every sample prints as valid JSON naming its first field.
  for (const ev::event& each : ledger::testing::all_sample_events()) {
    const ev::event_type type = ev::type_of(each);
    CAPTURE(ev::name_of(type));
    const std::string text = ev::payload_to_json(type, encode(each));
    CAPTURE(text);
    CHECK(is_valid_json(text));
    const flatbuffers::TypeTable* table = nullptr;
    switch (type) {
#define LEDGER_TEST_TABLE_(name)          \
  case ev::event_type::name:              \
    table = ev::wire::name##TypeTable();  \
    break;
      LEDGER_EVENT_TYPES(LEDGER_TEST_TABLE_)
#undef LEDGER_TEST_TABLE_
      case ev::event_type::none:
        break;
    }
    REQUIRE(table != nullptr);
    REQUIRE(table->names != nullptr);
    for (std::size_t field = 0; field < table->num_elems; ++field) {
      CHECK(text.find(std::string("\"") + table->names[field] + "\"") != std::string::npos);
    }
  }

  CHECK(ev::payload_to_json(ev::event_type::none, payload) == "null");
}

TEST_CASE("payload_to_json prints hashes as arrays of numbers and enums by name") {
  const auto logged_in = ledger::testing::sample_event(ev::event_type::user_logged_in);
  const std::string json =
      ev::payload_to_json(ev::event_type::user_logged_in, encode(*logged_in));
  CAPTURE(json);
  CHECK(is_valid_json(json));
  CHECK(json.find("\"refresh_token_hash\": [ 34, 41, 48,") != std::string::npos);

  const auto created = ledger::testing::sample_event(ev::event_type::user_created);
  const std::string user = ev::payload_to_json(ev::event_type::user_created, encode(*created));
  CAPTURE(user);
  CHECK(is_valid_json(user));
  CHECK(user.find("CASHIER") != std::string::npos);
}

TEST_CASE("payload_to_json stays valid JSON for text that is not UTF-8") {
  // The verifier does not check encodings, so a verified payload can hold any bytes in a
  // string. Each invalid byte prints as U+FFFD; valid characters print as they are (UTF-8).
  ev::category_created e;
  e.category_id = 7;
  e.name = "A\xA9" "B\xC3";       // a stray continuation byte, a cut sequence
  e.description = "\xED\xA0\x80 \xC0\xAF \x01\x7F \xF0\x9F\x9B\x92 \xC3\xA1";
  const std::string json = ev::payload_to_json(ev::event_type::category_created, encode(e));
  CAPTURE(json);
  CHECK(is_valid_json(json));
  CHECK(json.find("\"name\": \"A\xEF\xBF\xBD" "B\xEF\xBF\xBD\"") != std::string::npos);
  // Surrogate halves and overlong forms are invalid too; control characters are escaped (DEL
  // needs no escape in JSON); valid text (a character beyond the BMP, a Vietnamese letter) is
  // kept as UTF-8.
  CHECK(json.find("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD \\u0001\x7F "
                  "\xF0\x9F\x9B\x92 \xC3\xA1") != std::string::npos);
}

}  // TEST_SUITE
