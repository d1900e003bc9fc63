// Golden encodings: the stored bytes of every event type and of one envelope are frozen in
// tests/golden/, so a schema or codec change that would make old logs unreadable (or read back
// differently) fails here.
//
// For each type of events::all_event_types() the test takes the deterministic sample of
// tests/events/sample_events.cpp and checks, against tests/golden/<event name>_v1.bin:
//   (a) decode_payload(golden bytes) == the sample (the old bytes still mean the same event);
//   (b) encode_payload(sample) == the golden bytes (the encoder still writes the same bytes).
// A type without a golden file fails, so a new event cannot be added without one.
//
// Regenerating: run with POSLEDGER_WRITE_GOLDEN=1 and the test writes the golden files that are
// MISSING (it never overwrites one). To change an existing golden file on purpose, delete it,
// regenerate, and explain the change in the review: a changed v1 file means old logs break,
// which the schema rules (events/schema/ledger_events.fbs) forbid; a new version gets a new
// file (<event name>_v2.bin) and the v1 file stays.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "events/envelope.h"
#include "events/event_codec.h"
#include "tests/events/sample_events.h"

namespace {

namespace ev = ledger::events;
using bytes = std::vector<std::uint8_t>;

std::filesystem::path golden_dir() {
  return std::filesystem::path(POSLEDGER_SOURCE_DIR) / "tests" / "golden";
}

std::filesystem::path golden_path(std::string_view file_stem) {
  return golden_dir() / (std::string(file_stem) + "_v1.bin");
}

bool writing_golden() {
  const char* flag = std::getenv("POSLEDGER_WRITE_GOLDEN");
  return flag != nullptr && std::string_view(flag) == "1";
}

std::optional<bytes> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const std::filesystem::path& path, std::span<const std::uint8_t> content) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(content.data()),
            static_cast<std::streamsize>(content.size()));
  REQUIRE(out.good());
}

// The golden bytes at `path`; when they are missing, writes `fresh` there if regeneration was
// asked for (and returns it), and fails otherwise.
std::optional<bytes> golden_or_write(const std::filesystem::path& path,
                                     std::span<const std::uint8_t> fresh) {
  if (auto stored = read_file(path)) return stored;
  if (writing_golden()) {
    write_file(path, fresh);
    MESSAGE("wrote golden file " << path.string());
    return bytes(fresh.begin(), fresh.end());
  }
  FAIL_CHECK("missing golden file " << path.string()
                                    << " (run once with POSLEDGER_WRITE_GOLDEN=1 to create it)");
  return std::nullopt;
}

bytes encode(const ev::event& e) {
  flatbuffers::FlatBufferBuilder builder;
  const auto payload = ev::encode_payload(e, builder);
  return bytes(payload.begin(), payload.end());
}

// ---------------------------------------------------------------- the golden envelope

// Every header field non-default, the command id in UTF-8, and a fixed payload: the encoded
// cart_checked_out sample (whose own golden file pins those bytes too).
ev::envelope_header golden_header() {
  ev::envelope_header header;
  header.sequence = 4242;
  header.recorded_at_us = 1'748'766'600'123'456;  // 2025-06-01T08:30:00.123456Z
  header.actor = ev::actor{202, ev::user_role::CASHIER, 101};
  header.command_id = "lệnh-7f3a9c2e";
  header.type = ev::event_type::cart_checked_out;
  return header;
}

ev::hash256 golden_previous_hash() {
  ev::hash256 previous{};
  for (std::size_t i = 0; i < previous.size(); ++i) {
    previous[i] = static_cast<std::uint8_t>(0xA0 ^ (i * 5));
  }
  return previous;
}

// chain_hash(golden_previous_hash(), golden_header(), cart_checked_out payload), computed once
// and hard-coded. This pins the chain formula documented in events/envelope.h (field order,
// big-endian widths, length prefixes): a change to chain_hash breaks every stored chain, so it
// must fail here rather than pass silently. Both pinned values were also recomputed outside
// this code base, straight from the formula (Python):
//   sha256(prev + struct.pack('>QHqQBQ', seq, type, time, user, role, branch)
//          + struct.pack('>I', len(cmd)) + cmd + struct.pack('>I', len(payload)) + payload)
constexpr std::string_view golden_chain_hash_hex =
    "e6d9354341bcb31ee0e1b0deb0635d7c678ae98c1d1e6628acd66b3727cb42d4";

}  // namespace

TEST_SUITE("events/golden") {

TEST_CASE("every event type has a sample and a golden file") {
  // Iterates the catalog itself, so a new event type without a golden file fails here.
  CHECK(ev::all_event_types().size() == ledger::testing::all_sample_events().size());
  for (const ev::event_type type : ev::all_event_types()) {
    const std::string name(ev::name_of(type));
    CAPTURE(name);
    const auto sample = ledger::testing::sample_event(type);
    REQUIRE(sample.has_value());
    CHECK(ev::type_of(*sample) == type);
    const bytes fresh = encode(*sample);
    const auto golden = golden_or_write(golden_path(name), fresh);
    if (!golden) continue;

    // (a) The stored bytes still decode to the same event.
    const auto decoded = ev::decode_payload(type, *golden);
    REQUIRE_MESSAGE(decoded.has_value(), "golden file no longer decodes");
    CHECK_MESSAGE(ev::type_of(*decoded) == type, "decoded as " << ev::name_of(ev::type_of(*decoded)));
    CHECK_MESSAGE(*decoded == *sample, "golden bytes decode to a different event");

    // (b) The encoder still writes exactly the stored bytes.
    CHECK_MESSAGE(fresh == *golden, "encoding changed: " << fresh.size() << " bytes now, "
                                                         << golden->size() << " golden");
  }
}

TEST_CASE("samples set every field: no sample equals a default-constructed event") {
  // A field left at its default would not be exercised by the golden file (FlatBuffers omits
  // default scalars from the bytes), so each sample must differ from the empty event.
  for (const ev::event& sample : ledger::testing::all_sample_events()) {
    CAPTURE(ev::name_of(ev::type_of(sample)));
    std::visit(
        [](const auto& body) {
          using T = std::decay_t<decltype(body)>;
          if constexpr (!std::is_same_v<T, std::monostate>) CHECK_FALSE(body == T{});
        },
        sample);
  }
}

TEST_CASE("no stray golden files: every tests/golden/*_v1.bin names an event or the envelope") {
  std::vector<std::string> known{"envelope"};
  for (const ev::event_type type : ev::all_event_types()) known.emplace_back(ev::name_of(type));
  if (!std::filesystem::exists(golden_dir())) return;
  for (const auto& entry : std::filesystem::directory_iterator(golden_dir())) {
    const std::string file = entry.path().filename().string();
    CAPTURE(file);
    const auto version = file.rfind("_v");
    REQUIRE(version != std::string::npos);
    const std::string stem = file.substr(0, version);
    CHECK(std::find(known.begin(), known.end(), stem) != known.end());
  }
}

TEST_CASE("golden envelope: encode_envelope bytes and the chain hash are frozen") {
  const auto payload_event = ledger::testing::sample_event(ev::event_type::cart_checked_out);
  REQUIRE(payload_event.has_value());
  const bytes payload = encode(*payload_event);
  const ev::envelope_header header = golden_header();
  const ev::hash256 previous = golden_previous_hash();

  const ev::hash256 hash = ev::chain_hash(previous, header, payload);
  CHECK(ev::to_hex(hash) == golden_chain_hash_hex);

  flatbuffers::FlatBufferBuilder builder;
  const std::string stored = ev::encode_envelope(header, payload, previous, hash, builder);
  const bytes fresh(stored.begin(), stored.end());
  const auto golden = golden_or_write(golden_path("envelope"), fresh);
  REQUIRE(golden.has_value());
  CHECK_MESSAGE(fresh == *golden, "envelope encoding changed");

  // The stored bytes still decode to the same header, payload and hashes, and the chain check
  // over the decoded fields still reproduces the stored hash.
  const auto view = ev::decode_envelope(*golden);
  REQUIRE(view.has_value());
  CHECK(view->header == header);
  CHECK(bytes(view->payload.begin(), view->payload.end()) == payload);
  CHECK(view->previous_hash == previous);
  CHECK(view->hash == hash);
  CHECK(ev::chain_hash(view->previous_hash, view->header, view->payload) == view->hash);
}

TEST_CASE("golden chain hash of a first event: zero previous hash, no command id") {
  // The chain's first link as initialize_ledger writes it: sequence 1, previous hash all zeros,
  // actor 0 (the ledger itself), no command id. Pins the same formula on its edge values.
  const bytes payload = encode(*ledger::testing::sample_event(ev::event_type::ledger_initialized));
  ev::envelope_header header;
  header.sequence = 1;
  header.recorded_at_us = 1'748'736'000'000'000;  // 2025-06-01T00:00:00Z
  header.type = ev::event_type::ledger_initialized;
  const ev::hash256 hash = ev::chain_hash(ev::hash256{}, header, payload);
  CHECK(ev::to_hex(hash) ==
        "c74e95ec3c140ccf6348f4e278ef1dd726ec1697a7524ba831bef4b1867f64b9");
}

}  // TEST_SUITE
