#include "events/event_codec.h"

#include <flatbuffers/minireflect.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "events/assert.h"
#include "events/json_text.h"

namespace ledger::events {
namespace {

template <class Native>
void pack(const Native& object, flatbuffers::FlatBufferBuilder& builder) {
  builder.Finish(Native::TableType::Pack(builder, &object));
}

// The alignment a struct needs: that of its widest scalar (nested structs included).
std::size_t struct_alignment(const flatbuffers::TypeTable* table) {
  std::size_t alignment = 1;
  for (std::size_t i = 0; i < table->num_elems; ++i) {
    const flatbuffers::TypeCode code = table->type_codes[i];
    const auto type = static_cast<flatbuffers::ElementaryType>(code.base_type);
    const std::size_t field =
        type == flatbuffers::ET_SEQUENCE && code.sequence_ref >= 0
            ? struct_alignment(table->type_refs[code.sequence_ref]())
            : flatbuffers::InlineSize(type, nullptr);
    alignment = std::max(alignment, field);
  }
  return alignment;
}

// FlatBuffers 2.0.8's verifier checks only the 4-byte alignment of a vector's length prefix.
// The elements of a vector of structs holding 8-byte members must be 8-aligned as well, or the
// generated UnPack binds a misaligned reference (undefined behaviour; UBSan aborts on it).
// encode_payload always aligns them; damaged or foreign bytes may not.
bool struct_vectors_aligned(const std::uint8_t* buffer, const flatbuffers::TypeTable* table) {
  const auto* root = flatbuffers::GetRoot<flatbuffers::Table>(buffer);
  for (std::size_t i = 0; i < table->num_elems; ++i) {
    const flatbuffers::TypeCode code = table->type_codes[i];
    if (!code.is_repeating || code.base_type != flatbuffers::ET_SEQUENCE ||
        code.sequence_ref < 0) {
      continue;
    }
    const flatbuffers::TypeTable* element = table->type_refs[code.sequence_ref]();
    if (element->st != flatbuffers::ST_STRUCT) continue;
    const auto* vector = root->GetPointer<const flatbuffers::Vector<std::uint8_t>*>(
        flatbuffers::FieldIndexToOffset(static_cast<flatbuffers::voffset_t>(i)));
    if (vector == nullptr) continue;
    const auto offset = static_cast<std::size_t>(vector->Data() - buffer);
    if (offset % struct_alignment(element) != 0) return false;
  }
  return true;
}

template <class Native>
std::optional<event> unpack_aligned(std::span<const std::uint8_t> payload) {
  using table = typename Native::TableType;
  flatbuffers::Verifier verifier(payload.data(), payload.size());
  if (!verifier.VerifyBuffer<table>(nullptr)) return std::nullopt;
  if (!struct_vectors_aligned(payload.data(), table::MiniReflectTypeTable())) return std::nullopt;
  Native object;
  flatbuffers::GetRoot<table>(payload.data())->UnPackTo(&object);
  return event{std::move(object)};
}

// Payloads are laid out for a buffer that starts 8-aligned in memory. A payload read out of an
// envelope (a [ubyte] vector, 4-aligned) or a storage buffer may not be: then this returns a
// copy in `storage`, else the payload itself.
std::span<const std::uint8_t> aligned(std::span<const std::uint8_t> payload,
                                      std::vector<std::uint64_t>& storage) {
  constexpr std::size_t buffer_alignment = 8;
  if (reinterpret_cast<std::uintptr_t>(payload.data()) % buffer_alignment == 0) return payload;
  storage.assign((payload.size() + 7) / 8, 0);
  std::memcpy(storage.data(), payload.data(), payload.size());
  return {reinterpret_cast<const std::uint8_t*>(storage.data()), payload.size()};
}

template <class Native>
std::optional<event> unpack(std::span<const std::uint8_t> payload) {
  std::vector<std::uint64_t> storage;
  return unpack_aligned<Native>(aligned(payload, storage));
}

// flatbuffers' ToStringVisitor, except that text which is not valid UTF-8 (the verifier does not
// check encodings) prints with U+FFFD in place of each invalid byte, as Go's encoding/json does;
// the stock visitor would print a "\xNN" escape, which is not JSON.
struct json_visitor : flatbuffers::ToStringVisitor {
  json_visitor() : flatbuffers::ToStringVisitor(" ", true, "", true) {}

  // Text as the API writes it (events/json_text.h): UTF-8 kept, invalid bytes as U+FFFD.
  void String(const flatbuffers::String* text) override {
    append_json_string(s, std::string_view(text->c_str(), text->size()));
  }
};

}  // namespace

event_type type_of(const event& e) {
  return std::visit(
      [](const auto& alternative) -> event_type {
        using T = std::decay_t<decltype(alternative)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return event_type::none;
        }
#define LEDGER_TYPE_OF_(name) else if constexpr (std::is_same_v<T, name>) return event_type::name;
        LEDGER_EVENT_TYPES(LEDGER_TYPE_OF_)
#undef LEDGER_TYPE_OF_
      },
      e);
}

std::string_view name_of(event_type type) {
  switch (type) {
#define LEDGER_NAME_OF_(name) \
  case event_type::name:      \
    return #name;
    LEDGER_EVENT_TYPES(LEDGER_NAME_OF_)
#undef LEDGER_NAME_OF_
    case event_type::none:
      break;
  }
  return "none";
}

std::span<const event_type> all_event_types() {
  static constexpr event_type types[] = {
#define LEDGER_LIST_TYPE_(name) event_type::name,
      LEDGER_EVENT_TYPES(LEDGER_LIST_TYPE_)
#undef LEDGER_LIST_TYPE_
  };
  return types;
}

std::span<const std::uint8_t> encode_payload(const event& e,
                                              flatbuffers::FlatBufferBuilder& builder) {
  LEDGER_ASSERT(e.index() != 0, "cannot encode the empty event");
  builder.Clear();
  std::visit(
      [&](const auto& alternative) {
        using T = std::decay_t<decltype(alternative)>;
        if constexpr (!std::is_same_v<T, std::monostate>) pack(alternative, builder);
      },
      e);
  return {builder.GetBufferPointer(), builder.GetSize()};
}

std::optional<event> decode_payload(event_type type, std::span<const std::uint8_t> payload) {
  switch (type) {
#define LEDGER_DECODE_(name) \
  case event_type::name:     \
    return unpack<name>(payload);
    LEDGER_EVENT_TYPES(LEDGER_DECODE_)
#undef LEDGER_DECODE_
    case event_type::none:
      break;
  }
  return std::nullopt;
}

std::string payload_to_json(event_type type, std::span<const std::uint8_t> payload) {
  const flatbuffers::TypeTable* table = nullptr;
  switch (type) {
#define LEDGER_TYPE_TABLE_(name)              \
  case event_type::name:                      \
    table = wire::name##TypeTable(); \
    break;
    LEDGER_EVENT_TYPES(LEDGER_TYPE_TABLE_)
#undef LEDGER_TYPE_TABLE_
    case event_type::none:
      break;
  }
  if (table == nullptr) return "null";
  std::vector<std::uint64_t> storage;
  const std::span<const std::uint8_t> bytes = aligned(payload, storage);
  // Quoted keys and no indentation: valid JSON on one line.
  json_visitor visitor;
  flatbuffers::IterateFlatBuffer(bytes.data(), table, &visitor);
  return visitor.s;
}

}  // namespace ledger::events
