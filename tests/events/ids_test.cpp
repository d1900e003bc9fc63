// Entity ids and their UUID form (events/ids.h).
//
// How: format_uuid of known (namespace, kind, number) triples is compared with hand-written
// text, the layout bits (version nibble 8, variant 8..b) are checked over edge numbers, and
// parse_uuid is fed its own output (round trip), the same text in uppercase, UUIDs of another
// ledger or kind, and malformed text, which must all give nullopt except the round trips.
#include <doctest/doctest.h>

#include <cctype>
#include <string>

#include "events/ids.h"

namespace {

using ledger::entity_kind;
using ledger::format_uuid;
using ledger::parse_uuid;

constexpr std::uint64_t ns = 0x0123456789ab;

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

TEST_SUITE("events/ids") {

TEST_CASE("format_uuid writes the documented layout") {
  CHECK(format_uuid(ns, entity_kind::product, 1) == "01234567-89ab-8004-8000-000000000001");
  CHECK(format_uuid(ns, entity_kind::branch, 0xabcdef) == "01234567-89ab-8001-8000-000000abcdef");
  CHECK(format_uuid(ns, entity_kind::audit_entry, 42) == "01234567-89ab-8066-8000-00000000002a");
  // The counter's top bits go into the variant group: 62 bits in all.
  CHECK(format_uuid(ns, entity_kind::sale, ledger::entity_number_max) ==
        "01234567-89ab-8009-bfff-ffffffffffff");
  CHECK(format_uuid(ns, entity_kind::sale, std::uint64_t{1} << 48) ==
        "01234567-89ab-8009-8001-000000000000");
  CHECK(format_uuid(0, entity_kind::user, 7) == "00000000-0000-8002-8000-000000000007");
  CHECK(format_uuid(ledger::ledger_namespace_mask, entity_kind::user, 7) ==
        "ffffffff-ffff-8002-8000-000000000007");
}

TEST_CASE("version nibble is 8 and variant nibble is 8..b for every kind and edge number") {
  const entity_kind kinds[] = {entity_kind::branch,        entity_kind::user,
                               entity_kind::goods_receipt_line, entity_kind::inventory_transaction,
                               entity_kind::loyalty_transaction, entity_kind::audit_entry};
  const std::uint64_t numbers[] = {1,
                                   2,
                                   0xFFFF,
                                   std::uint64_t{1} << 47,
                                   std::uint64_t{1} << 48,
                                   std::uint64_t{1} << 60,
                                   std::uint64_t{1} << 61,
                                   ledger::entity_number_max - 1,
                                   ledger::entity_number_max};
  for (const entity_kind kind : kinds) {
    for (const std::uint64_t number : numbers) {
      CAPTURE(static_cast<int>(kind));
      CAPTURE(number);
      const std::string text = format_uuid(ns, kind, number);
      REQUIRE(text.size() == 36);
      CHECK(text[8] == '-');
      CHECK(text[13] == '-');
      CHECK(text[18] == '-');
      CHECK(text[23] == '-');
      CHECK(text[14] == '8');
      CHECK(std::string_view("89ab").find(text[19]) != std::string_view::npos);
      for (const char c : text) CHECK((c == '-' || std::isdigit(static_cast<unsigned char>(c)) ||
                                       (c >= 'a' && c <= 'f')));
      // Round trip, in both letter cases.
      CHECK(parse_uuid(text, ns, kind) == number);
      CHECK(parse_uuid(upper(text), ns, kind) == number);
    }
  }
}

TEST_CASE("parse_uuid accepts any letter case") {
  CHECK(parse_uuid("01234567-89AB-8004-8000-00000000ABCD", ns, entity_kind::product) == 0xabcd);
  CHECK(parse_uuid("01234567-89aB-8004-8000-00000000AbCd", ns, entity_kind::product) == 0xabcd);
}

TEST_CASE("parse_uuid: another ledger namespace or another kind gives nullopt") {
  const std::string text = format_uuid(ns, entity_kind::product, 99);
  CHECK(parse_uuid(text, ns, entity_kind::product) == 99);
  CHECK_FALSE(parse_uuid(text, ns + 1, entity_kind::product).has_value());
  CHECK_FALSE(parse_uuid(text, 0, entity_kind::product).has_value());
  CHECK_FALSE(parse_uuid(text, ns, entity_kind::category).has_value());
  CHECK_FALSE(parse_uuid(text, ns, entity_kind::supplier).has_value());
  CHECK_FALSE(parse_uuid(format_uuid(ns, entity_kind::sale, 5), ns, entity_kind::sale_line)
                  .has_value());
  CHECK_FALSE(parse_uuid(format_uuid(0x0123456789aa, entity_kind::product, 99), ns,
                         entity_kind::product)
                  .has_value());
}

TEST_CASE("parse_uuid: number 0 gives nullopt") {
  // Entity number 0 means "none" and is never allocated, so its UUID names nothing.
  const std::string zero = format_uuid(ns, entity_kind::customer, 0);
  CHECK(zero == "01234567-89ab-8006-8000-000000000000");
  CHECK_FALSE(parse_uuid(zero, ns, entity_kind::customer).has_value());
}

TEST_CASE("parse_uuid: malformed text gives nullopt") {
  const std::string good = format_uuid(ns, entity_kind::product, 0x1234);
  REQUIRE(parse_uuid(good, ns, entity_kind::product) == 0x1234);
  const entity_kind kind = entity_kind::product;

  CHECK_FALSE(parse_uuid("", ns, kind).has_value());
  CHECK_FALSE(parse_uuid("not-a-uuid", ns, kind).has_value());
  CHECK_FALSE(parse_uuid(good.substr(0, 35), ns, kind).has_value());          // one short
  CHECK_FALSE(parse_uuid(good + "0", ns, kind).has_value());                  // one long
  CHECK_FALSE(parse_uuid(" " + good.substr(1), ns, kind).has_value());        // leading space
  CHECK_FALSE(parse_uuid("{" + good + "}", ns, kind).has_value());            // braces
  CHECK_FALSE(parse_uuid("0123456789ab80048000000000001234", ns, kind).has_value());  // no dashes

  // Every dash replaced by a hex digit, and every hex digit replaced by a dash or a non-hex
  // letter.
  for (std::size_t at = 0; at < good.size(); ++at) {
    CAPTURE(at);
    std::string bad = good;
    if (good[at] == '-') {
      bad[at] = '0';
      CHECK_FALSE(parse_uuid(bad, ns, kind).has_value());
    } else {
      bad[at] = '-';
      CHECK_FALSE(parse_uuid(bad, ns, kind).has_value());
      bad[at] = 'g';
      CHECK_FALSE(parse_uuid(bad, ns, kind).has_value());
      bad[at] = 'G';
      CHECK_FALSE(parse_uuid(bad, ns, kind).has_value());
      bad[at] = '\0';
      CHECK_FALSE(parse_uuid(bad, ns, kind).has_value());
    }
  }

  // Right shape, wrong version or variant.
  std::string version4 = good;
  version4[14] = '4';
  CHECK_FALSE(parse_uuid(version4, ns, kind).has_value());
  for (const char variant : {'0', '7', 'c', 'f'}) {
    CAPTURE(variant);
    std::string bad_variant = good;
    bad_variant[19] = variant;
    CHECK_FALSE(parse_uuid(bad_variant, ns, kind).has_value());
  }
  for (const char variant : {'8', '9', 'a', 'b', 'B'}) {
    CAPTURE(variant);
    std::string ok_variant = good;
    ok_variant[19] = variant;
    CHECK(parse_uuid(ok_variant, ns, kind).has_value());
  }
}

TEST_CASE("id: zero is none, comparison follows the number") {
  CHECK_FALSE(static_cast<bool>(ledger::product_id{}));
  CHECK(static_cast<bool>(ledger::product_id{1}));
  CHECK(ledger::product_id{1} < ledger::product_id{2});
  CHECK(ledger::product_id{7} == ledger::product_id{7});
  CHECK(std::hash<ledger::product_id>{}(ledger::product_id{7}) == std::hash<std::uint64_t>{}(7));
}

}  // TEST_SUITE
