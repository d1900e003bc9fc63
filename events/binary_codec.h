#pragma once
// A generic canonical binary encoding of plain values and Boost.Describe'd structs: a writer
// (used for command digests and snapshots) and a bounds-checked reader (used for snapshots).
//
// Grammar (integers little-endian, fixed width):
//   integer  := its bytes (the width of its type; signed values as two's complement)
//   bool     := 0:u8 | 1:u8
//   enum     := its underlying integer
//   id       := value:u64
//   string   := length:u32 byte*
//   optional := 0:u8 | 1:u8 value
//   vector   := count:u32 element*
//   array    := element*                 (exactly N, no count)
//   map      := count:u32 (key value)*   (keys in strictly increasing canonical order)
//   struct   := every described public member, in declaration order
// Canonical order (map keys only): integers, enums and ids numerically, strings byte-wise,
// structs member by member (lexicographic).
//
// Why a map is sorted: a hash map's iteration order depends on its insertion history, so two
// equal models could otherwise encode differently; sorting makes "equal value" imply "equal
// bytes", which digests and snapshot comparisons rely on.
//
// These bytes are written to disk and hashed into idempotency digests: any change to the
// encoding of an existing shape is a format change (bump the callers' format versions).
//
// The reader never trusts its input: every length and count is checked against the bytes that
// remain (so a damaged count cannot make it allocate or read past the end), bools must be 0 or
// 1, enums with MIN/MAX enumerators (FlatBuffers enums) must lie in that range, and map keys
// must be strictly increasing (which also rules out duplicates). On failure it stops and
// reports where (a member/element path) and what.
//
// Thread-safety: a writer or reader is used by one thread; the functions are pure.
#include <array>
#include <boost/describe.hpp>
#include <boost/mp11/algorithm.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <algorithm>
#include <concepts>
#include <cstddef>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "events/assert.h"
#include "events/ids.h"

namespace ledger::events {

// Integers are stored little-endian by copying their bytes (the format above is defined as
// little-endian; a big-endian port would swap here).
static_assert(std::endian::native == std::endian::little, "binary_codec assumes little-endian");

namespace binary_detail {

template <class T>
struct is_id : std::false_type {};
template <class Tag>
struct is_id<id<Tag>> : std::true_type {};

template <class T>
struct is_optional : std::false_type {};
template <class U>
struct is_optional<std::optional<U>> : std::true_type {};

template <class T>
struct is_vector : std::false_type {};
template <class U, class A>
struct is_vector<std::vector<U, A>> : std::true_type {};

template <class T>
struct is_array : std::false_type {};
template <class U, std::size_t N>
struct is_array<std::array<U, N>> : std::true_type {};

template <class T>
struct is_flat_map : std::false_type {};
template <class K, class V, class H, class P, class A>
struct is_flat_map<boost::unordered_flat_map<K, V, H, P, A>> : std::true_type {};

template <class T>
concept described = boost::describe::has_describe_members<T>::value;

template <class T>
using public_members = boost::describe::describe_members<T, boost::describe::mod_public>;

template <class T, class Member>
using member_type = std::remove_cvref_t<decltype(std::declval<const T&>().*Member::pointer)>;

// FlatBuffers scoped enums carry MIN and MAX enumerators; values outside are damage.
template <class E>
concept ranged_enum = std::is_enum_v<E> && requires {
  E::MIN;
  E::MAX;
};

template <class T>
constexpr std::size_t min_encoded_size();

template <class T, template <class...> class List, class... Members>
constexpr std::size_t sum_min_sizes(List<Members...>) {
  return (std::size_t{0} + ... + min_encoded_size<member_type<T, Members>>());
}

// The fewest bytes any value of T encodes to: a count of elements can be checked against the
// remaining bytes before anything is allocated.
template <class T>
constexpr std::size_t min_encoded_size() {
  if constexpr (std::is_same_v<T, bool>) {
    return 1;
  } else if constexpr (std::is_enum_v<T> || std::is_integral_v<T>) {
    return sizeof(T);
  } else if constexpr (is_id<T>::value) {
    return sizeof(std::uint64_t);
  } else if constexpr (std::is_same_v<T, std::string> || is_vector<T>::value ||
                       is_flat_map<T>::value) {
    return sizeof(std::uint32_t);
  } else if constexpr (is_optional<T>::value) {
    return 1;
  } else if constexpr (is_array<T>::value) {
    return std::tuple_size_v<T> * min_encoded_size<typename T::value_type>();
  } else {
    static_assert(described<T>, "type without a binary encoding");
    return sum_min_sizes<T>(public_members<T>{});
  }
}

}  // namespace binary_detail

// Strict weak (in fact total) order used to sort map keys; see the grammar above.
template <class T>
[[nodiscard]] bool canonical_less(const T& a, const T& b) {
  if constexpr (std::is_same_v<T, std::string> || std::is_integral_v<T> || std::is_enum_v<T>) {
    return a < b;
  } else if constexpr (binary_detail::is_id<T>::value) {
    return a.value < b.value;
  } else {
    static_assert(binary_detail::described<T>, "map key type without a canonical order");
    // Lexicographic: the first member that differs decides.
    int order = 0;  // -1: a < b, 1: a > b, 0: equal so far
    boost::mp11::mp_for_each<binary_detail::public_members<T>>([&](auto member) {
      if (order != 0) return;
      if (canonical_less(a.*member.pointer, b.*member.pointer)) {
        order = -1;
      } else if (canonical_less(b.*member.pointer, a.*member.pointer)) {
        order = 1;
      }
    });
    return order < 0;
  }
}

// Appends the canonical bytes of values to `bytes`.
class binary_writer {
 public:
  std::string bytes;

  template <class T>
  void write(const T& value) {
    using namespace binary_detail;
    if constexpr (std::is_same_v<T, std::string>) {
      write_count(value.size());
      bytes += value;
    } else if constexpr (std::is_same_v<T, bool>) {
      write_integer(static_cast<std::uint8_t>(value ? 1 : 0));
    } else if constexpr (std::is_enum_v<T>) {
      write_integer(static_cast<std::underlying_type_t<T>>(value));
    } else if constexpr (std::is_integral_v<T>) {
      write_integer(value);
    } else if constexpr (is_id<T>::value) {
      write_integer(value.value);
    } else if constexpr (is_optional<T>::value) {
      write_integer(static_cast<std::uint8_t>(value.has_value() ? 1 : 0));
      if (value) write(*value);
    } else if constexpr (is_vector<T>::value) {
      write_count(value.size());
      for (const auto& element : value) write(element);
    } else if constexpr (is_array<T>::value) {
      for (const auto& element : value) write(element);
    } else if constexpr (is_flat_map<T>::value) {
      write_map(value);
    } else {
      static_assert(described<T>, "type without a binary encoding");
      boost::mp11::mp_for_each<public_members<T>>(
          [&](auto member) { write(value.*member.pointer); });
    }
  }

 private:
  template <class Map>
  void write_map(const Map& map) {
    // Sort pointers to the entries rather than copying them: records can be large.
    std::vector<const typename Map::value_type*> entries;
    entries.reserve(map.size());
    for (const auto& entry : map) entries.push_back(&entry);
    std::sort(entries.begin(), entries.end(),
              [](const auto* a, const auto* b) { return canonical_less(a->first, b->first); });
    write_count(entries.size());
    for (const auto* entry : entries) {
      write(entry->first);
      write(entry->second);
    }
  }

  void write_count(std::size_t count) {
    // Every collection we encode is bounded by limits far below 2^32; a larger one is a bug.
    LEDGER_ASSERT(count <= std::numeric_limits<std::uint32_t>::max(),
                  "collection of {} elements does not fit a u32 count", count);
    write_integer(static_cast<std::uint32_t>(count));
  }

  template <class I>
  void write_integer(I value) {
    // Little-endian: the native layout on every platform we build for (asserted above).
    const auto v = static_cast<std::make_unsigned_t<I>>(value);
    char raw[sizeof(I)];
    std::memcpy(raw, &v, sizeof(I));
    bytes.append(raw, sizeof(I));
  }
};

// Reads canonical bytes back, validating as it goes (see the header comment). After a failed
// read the reader is spent: error() says what went wrong and where.
class binary_reader {
 public:
  explicit binary_reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  [[nodiscard]] std::size_t remaining() const { return bytes_.size() - offset_; }
  [[nodiscard]] std::size_t offset() const { return offset_; }

  // "path: what (at byte N)", or "" while no read has failed.
  [[nodiscard]] std::string error() const {
    if (what_.empty()) return {};
    std::string_view path = where_;
    if (!path.empty() && path.front() == '.') path.remove_prefix(1);
    return path.empty() ? fmt::format("{} (at byte {})", what_, failed_at_)
                        : fmt::format("{}: {} (at byte {})", path, what_, failed_at_);
  }

  template <class T>
  [[nodiscard]] bool read(T& value) {
    using namespace binary_detail;
    if (!what_.empty()) return false;
    // Where this value starts: failures point at the value, not at the byte after it.
    const std::size_t start = offset_;
    if constexpr (std::is_same_v<T, std::string>) {
      std::uint32_t length = 0;
      if (!read_integer(length)) return false;
      if (length > remaining()) {
        return fail_at(start, fmt::format("string length {} exceeds the {} remaining bytes",
                                          length, remaining()));
      }
      value.assign(reinterpret_cast<const char*>(bytes_.data() + offset_), length);
      offset_ += length;
      return true;
    } else if constexpr (std::is_same_v<T, bool>) {
      std::uint8_t byte = 0;
      if (!read_integer(byte)) return false;
      if (byte > 1) return fail_at(start, fmt::format("bool byte {} is neither 0 nor 1", byte));
      value = byte == 1;
      return true;
    } else if constexpr (std::is_enum_v<T>) {
      std::underlying_type_t<T> raw{};
      if (!read_integer(raw)) return false;
      if constexpr (ranged_enum<T>) {
        using U = std::underlying_type_t<T>;
        if (raw < static_cast<U>(T::MIN) || raw > static_cast<U>(T::MAX)) {
          return fail_at(start, fmt::format("enum value {} outside [{}, {}]", +raw,
                                            +static_cast<U>(T::MIN), +static_cast<U>(T::MAX)));
        }
      }
      value = static_cast<T>(raw);
      return true;
    } else if constexpr (std::is_integral_v<T>) {
      return read_integer(value);
    } else if constexpr (is_id<T>::value) {
      return read_integer(value.value);
    } else if constexpr (is_optional<T>::value) {
      bool present = false;
      if (!read(present)) return false;
      if (!present) {
        value.reset();
        return true;
      }
      value.emplace();
      return read(*value);
    } else if constexpr (is_vector<T>::value) {
      std::size_t count = 0;
      if (!read_count<typename T::value_type>(count)) return false;
      value.clear();
      value.reserve(count);
      for (std::size_t i = 0; i < count; ++i) {
        if (!read(value.emplace_back())) return in_element(i);
      }
      return true;
    } else if constexpr (is_array<T>::value) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (!read(value[i])) return in_element(i);
      }
      return true;
    } else if constexpr (is_flat_map<T>::value) {
      return read_map(value);
    } else {
      static_assert(described<T>, "type without a binary encoding");
      bool ok = true;
      boost::mp11::mp_for_each<public_members<T>>([&](auto member) {
        if (!ok) return;
        if (!read(value.*member.pointer)) {
          ok = false;
          where_.insert(0, fmt::format(".{}", member.name));
        }
      });
      return ok;
    }
  }

 private:
  template <class Map>
  bool read_map(Map& map) {
    using key_type = typename Map::key_type;
    using mapped_type = typename Map::mapped_type;
    std::size_t count = 0;
    constexpr std::size_t entry_min = binary_detail::min_encoded_size<key_type>() +
                                      binary_detail::min_encoded_size<mapped_type>();
    if (!read_count_of_size(entry_min, count)) return false;
    map.clear();
    map.reserve(count);
    key_type previous{};
    for (std::size_t i = 0; i < count; ++i) {
      key_type key{};
      const std::size_t key_offset = offset_;
      if (!read(key)) return in_element(i);
      if (i > 0 && !canonical_less(previous, key)) {
        fail_at(key_offset, "map keys not in strictly increasing order (duplicate or unsorted key)");
        return in_element(i);
      }
      mapped_type mapped{};
      if (!read(mapped)) return in_element(i);
      const bool inserted = map.emplace(key, std::move(mapped)).second;
      // Strictly increasing keys are distinct, so the insert cannot collide.
      LEDGER_ASSERT(inserted, "map entry {} collided after the order check", i);
      previous = std::move(key);
    }
    LEDGER_ASSERT(map.size() == count, "map holds {} entries, read {}", map.size(), count);
    return true;
  }

  template <class Element>
  bool read_count(std::size_t& count) {
    return read_count_of_size(binary_detail::min_encoded_size<Element>(), count);
  }

  bool read_count_of_size(std::size_t element_min, std::size_t& count) {
    LEDGER_ASSERT(element_min > 0, "collection element that encodes to no bytes");
    const std::size_t start = offset_;
    std::uint32_t raw = 0;
    if (!read_integer(raw)) return false;
    // Each element takes at least element_min bytes, so a count the remaining bytes cannot
    // hold is damage; checking it here also bounds the reserve() that follows.
    if (raw > remaining() / element_min) {
      return fail_at(start, fmt::format("count {} exceeds what the {} remaining bytes can hold",
                                        raw, remaining()));
    }
    count = raw;
    return true;
  }

  template <class I>
  bool read_integer(I& value) {
    if (remaining() < sizeof(I)) {
      return fail(fmt::format("truncated: {} bytes needed, {} remain", sizeof(I), remaining()));
    }
    std::make_unsigned_t<I> v = 0;
    std::memcpy(&v, bytes_.data() + offset_, sizeof(I));  // little-endian, as asserted above
    offset_ += sizeof(I);
    value = static_cast<I>(v);  // two's complement (C++20) for signed types
    return true;
  }

  bool fail(std::string what) { return fail_at(offset_, std::move(what)); }

  bool fail_at(std::size_t position, std::string what) {
    LEDGER_ASSERT(!what.empty(), "failure without a reason");
    LEDGER_ASSERT(position <= bytes_.size(), "failure at {} past {} bytes", position,
                  bytes_.size());
    what_ = std::move(what);
    failed_at_ = position;
    return false;
  }

  bool in_element(std::size_t index) {
    where_.insert(0, fmt::format("[{}]", index));
    return false;
  }

  std::span<const std::uint8_t> bytes_;
  std::size_t offset_ = 0;
  std::size_t failed_at_ = 0;
  std::string what_;   // empty while nothing has failed
  std::string where_;  // the member/element path of the failure, built while unwinding
};

}  // namespace ledger::events
