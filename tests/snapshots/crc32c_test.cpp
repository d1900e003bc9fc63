// Tests snapshots/crc32c: the published check values of CRC-32C (RFC 3720 appendix B.4 and the
// "123456789" check value of the Castagnoli polynomial), that continuing a CRC over a split
// buffer equals the CRC of the whole, and that the instruction path and the table path agree
// on every length and alignment of seeded random data.
#include "snapshots/crc32c.h"

#include <doctest/doctest.h>

#include <random>
#include <string_view>
#include <vector>

namespace ledger::snapshots {
namespace {

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

TEST_SUITE("crc32c") {
  TEST_CASE("published check values") {
    CHECK(crc32c(bytes_of("123456789")) == 0xE3069283u);
    CHECK(crc32c_portable(bytes_of("123456789")) == 0xE3069283u);
    CHECK(crc32c({}) == 0u);

    std::vector<std::uint8_t> zeros(32, 0x00);
    std::vector<std::uint8_t> ones(32, 0xFF);
    std::vector<std::uint8_t> ascending(32);
    std::vector<std::uint8_t> descending(32);
    for (std::size_t i = 0; i < 32; ++i) {
      ascending[i] = static_cast<std::uint8_t>(i);
      descending[i] = static_cast<std::uint8_t>(31 - i);
    }
    CHECK(crc32c(zeros) == 0x8A9136AAu);
    CHECK(crc32c(ones) == 0x62A8AB43u);
    CHECK(crc32c(ascending) == 0x46DD794Eu);
    CHECK(crc32c(descending) == 0x113FDB5Cu);
  }

  TEST_CASE("a CRC continued over the second part equals the CRC of the whole") {
    const std::string_view text = "Mì gói Hảo Hảo 75g, 3 gói, tổng 15.000 đ";
    const std::uint32_t whole = crc32c(bytes_of(text));
    for (std::size_t split = 0; split <= text.size(); ++split) {
      CAPTURE(split);
      const std::uint32_t first = crc32c(bytes_of(text.substr(0, split)));
      CHECK(crc32c(bytes_of(text.substr(split)), first) == whole);
      CHECK(crc32c_portable(bytes_of(text.substr(split)), first) == whole);
    }
  }

  TEST_CASE("the instruction and table paths agree on every length and alignment") {
    const std::uint64_t seed = 0xC3C3'2026;
    CAPTURE(seed);
    std::mt19937_64 random(seed);
    std::vector<std::uint8_t> data(300);
    for (auto& byte : data) byte = static_cast<std::uint8_t>(random());
    for (std::size_t offset = 0; offset < 8; ++offset) {
      for (std::size_t length = 0; offset + length <= 260; ++length) {
        const std::span<const std::uint8_t> part(data.data() + offset, length);
        REQUIRE(crc32c(part) == crc32c_portable(part));
      }
    }
    // Any single flipped bit changes the CRC.
    const std::span<const std::uint8_t> all(data);
    const std::uint32_t clean = crc32c(all);
    for (std::size_t bit = 0; bit < data.size() * 8; ++bit) {
      data[bit / 8] = static_cast<std::uint8_t>(data[bit / 8] ^ (1u << (bit % 8)));
      CHECK(crc32c(all) != clean);
      data[bit / 8] = static_cast<std::uint8_t>(data[bit / 8] ^ (1u << (bit % 8)));
    }
  }
}

}  // namespace
}  // namespace ledger::snapshots
