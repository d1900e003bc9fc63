// Canonical bytes of a command, for the idempotency digest.
//
// Grammar (integers little-endian, fixed width):
//   command   := type_index:u16 fields
//   fields    := every described member in declaration order
//   integer   := its bytes (width of its type); bool and enums as u8/their underlying type
//   string    := length:u32 bytes
//   optional  := 0:u8 | 1:u8 value
//   vector    := count:u32 element*
//   struct    := fields (described) ; id := value:u64 ; array := its bytes
#include <sodium.h>

#include <boost/mp11/algorithm.hpp>

#include "engine/commands.h"

namespace ledger::engine {
namespace {

class canonical_writer {
 public:
  std::string bytes;

  template <class T>
  void write(const T& value) {
    if constexpr (std::is_same_v<T, std::string>) {
      write_integer(static_cast<std::uint32_t>(value.size()));
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
      write_integer(static_cast<std::uint32_t>(value.size()));
      for (const auto& element : value) write(element);
    } else if constexpr (is_array<T>::value) {
      for (const auto& element : value) write(element);
    } else {
      static_assert(boost::describe::has_describe_members<T>::value,
                    "command field type without a canonical encoding");
      using members = boost::describe::describe_members<T, boost::describe::mod_public>;
      boost::mp11::mp_for_each<members>([&](auto member) { write(value.*member.pointer); });
    }
  }

 private:
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
  template <class U>
  struct is_vector<std::vector<U>> : std::true_type {};
  template <class T>
  struct is_array : std::false_type {};
  template <class U, std::size_t N>
  struct is_array<std::array<U, N>> : std::true_type {};

  template <class I>
  void write_integer(I value) {
    auto v = static_cast<std::make_unsigned_t<I>>(value);
    for (std::size_t i = 0; i < sizeof(I); ++i) {
      bytes += static_cast<char>(v & 0xFF);
      v = static_cast<decltype(v)>(v >> 8);
    }
  }
};

}  // namespace

std::string_view name_of(const command& c) {
  return std::visit(
      [](const auto& body) -> std::string_view {
        using C = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<C, std::monostate>) {
          return "none";
        }
#define LEDGER_COMMAND_NAME_(name) else if constexpr (std::is_same_v<C, name>) return #name;
        LEDGER_COMMAND_TYPES(LEDGER_COMMAND_NAME_)
#undef LEDGER_COMMAND_NAME_
      },
      c);
}

std::string canonical_bytes(const command& c) {
  canonical_writer writer;
  writer.write(static_cast<std::uint16_t>(c.index()));
  std::visit(
      [&](const auto& body) {
        using C = std::decay_t<decltype(body)>;
        if constexpr (!std::is_same_v<C, std::monostate>) writer.write(body);
      },
      c);
  return std::move(writer.bytes);
}

hash256 digest_of(const command& c) {
  const std::string bytes = canonical_bytes(c);
  hash256 digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  return digest;
}

}  // namespace ledger::engine
