#include "projections/text_fold.h"

#include "events/utf8.h"

#include <array>
#include <cstdint>
#include <cstring>

namespace ledger::projections {

using events::decode_utf8;
using events::utf8_char;

namespace {

// --- The folding tables.
//
// Each group lists letters (in UTF-8, in code point order) that fold to the same ASCII text.
// The groups are the readable source; the dense tables below are built from them at compile
// time. Generated with Python's unicodedata (Unicode 14): NFKD, combining marks removed, kept
// when one or two ASCII letters remain; plus hand-made entries for letters with a stroke or
// ligatures that do not decompose (đ Đ ð ø ł ħ ŧ ı æ œ ß þ and the Latin Extended-B hooks).
struct fold_group {
  std::string_view letters;
  std::string_view ascii;  // one or two lowercase ASCII letters
};

constexpr fold_group kGroups[] = {
  // Latin-1 Supplement (U+00C0..U+00FF)
  {"ÀÁÂÃÄÅàáâãäå", "a"},
  {"Ææ", "ae"},
  {"Çç", "c"},
  {"Ðð", "d"},
  {"ÈÉÊËèéêë", "e"},
  {"ÌÍÎÏìíîï", "i"},
  {"Ññ", "n"},
  {"ÒÓÔÕÖØòóôõöø", "o"},
  {"ß", "ss"},
  {"Þþ", "th"},
  {"ÙÚÛÜùúûü", "u"},
  {"Ýýÿ", "y"},
  // Latin Extended-A (U+0100..U+017F)
  {"ĀāĂăĄą", "a"},
  {"ĆćĈĉĊċČč", "c"},
  {"ĎďĐđ", "d"},
  {"ĒēĔĕĖėĘęĚě", "e"},
  {"ĜĝĞğĠġĢģ", "g"},
  {"ĤĥĦħ", "h"},
  {"ĨĩĪīĬĭĮįİı", "i"},
  {"Ĳĳ", "ij"},
  {"Ĵĵ", "j"},
  {"Ķķ", "k"},
  {"ĹĺĻļĽľĿŀŁł", "l"},
  {"ŃńŅņŇňŊŋ", "n"},
  {"ŌōŎŏŐő", "o"},
  {"Œœ", "oe"},
  {"ŔŕŖŗŘř", "r"},
  {"ŚśŜŝŞşŠšſ", "s"},
  {"ŢţŤťŦŧ", "t"},
  {"ŨũŪūŬŭŮůŰűŲų", "u"},
  {"Ŵŵ", "w"},
  {"ŶŷŸ", "y"},
  {"ŹźŻżŽž", "z"},
  // Latin Extended-B (U+0180..U+024F)
  {"ǍǎǞǟǠǡǺǻȀȁȂȃȦȧȺ", "a"},
  {"ǢǣǼǽ", "ae"},
  {"ƀƁɃ", "b"},
  {"ƇƈȻȼ", "c"},
  {"ƉƊƋƌȡ", "d"},
  {"ǄǅǆǱǲǳ", "dz"},
  {"ȄȅȆȇȨȩɆɇ", "e"},
  {"Ƒƒ", "f"},
  {"ƓǤǥǦǧǴǵ", "g"},
  {"Ȟȟ", "h"},
  {"ƗǏǐȈȉȊȋ", "i"},
  {"ǰȷɈɉ", "j"},
  {"ƘƙǨǩ", "k"},
  {"ƚȴȽ", "l"},
  {"Ǉǈǉ", "lj"},
  {"ƝƞǸǹȵ", "n"},
  {"Ǌǋǌ", "nj"},
  {"ƠơǑǒǪǫǬǭǾǿȌȍȎȏȪȫȬȭȮȯȰȱ", "o"},
  {"Ƥƥ", "p"},
  {"ȐȑȒȓɌɍ", "r"},
  {"Șșȿ", "s"},
  {"ƬƭƮȚțȶȾ", "t"},
  {"ƯưǓǔǕǖǗǘǙǚǛǜȔȕȖȗɄ", "u"},
  {"Ʋ", "v"},
  {"ƳƴȲȳɎɏ", "y"},
  {"ƵƶȤȥɀ", "z"},
  // Latin Extended Additional (U+1E00..U+1EFF)
  {"ḀḁẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặ", "a"},
  {"ḂḃḄḅḆḇ", "b"},
  {"Ḉḉ", "c"},
  {"ḊḋḌḍḎḏḐḑḒḓ", "d"},
  {"ḔḕḖḗḘḙḚḛḜḝẸẹẺẻẼẽẾếỀềỂểỄễỆệ", "e"},
  {"Ḟḟ", "f"},
  {"Ḡḡ", "g"},
  {"ḢḣḤḥḦḧḨḩḪḫẖ", "h"},
  {"ḬḭḮḯỈỉỊị", "i"},
  {"ḰḱḲḳḴḵ", "k"},
  {"ḶḷḸḹḺḻḼḽ", "l"},
  {"ḾḿṀṁṂṃ", "m"},
  {"ṄṅṆṇṈṉṊṋ", "n"},
  {"ṌṍṎṏṐṑṒṓỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợ", "o"},
  {"ṔṕṖṗ", "p"},
  {"ṘṙṚṛṜṝṞṟ", "r"},
  {"ṠṡṢṣṤṥṦṧṨṩẛ", "s"},
  {"ẞ", "ss"},
  {"ṪṫṬṭṮṯṰṱẗ", "t"},
  {"ṲṳṴṵṶṷṸṹṺṻỤụỦủỨứỪừỬửỮữỰự", "u"},
  {"ṼṽṾṿ", "v"},
  {"ẀẁẂẃẄẅẆẇẈẉẘ", "w"},
  {"ẊẋẌẍ", "x"},
  {"ẎẏẙỲỳỴỵỶỷỸỹ", "y"},
  {"ẐẑẒẓẔẕ", "z"},
};

// What one table slot folds to: first == 0 means "no folding, keep the bytes".
struct folding {
  char first = 0;
  char second = 0;  // 0 when the folding is one letter
};

// Reached only during constant evaluation, where calling a non-constexpr function stops the
// compilation: a broken group table cannot build.
void table_error(const char* /*what*/) {}

template <char32_t First, std::size_t Size>
constexpr std::array<folding, Size> build_table() {
  std::array<folding, Size> table{};
  for (const fold_group& group : kGroups) {
    if (group.ascii.empty() || group.ascii.size() > 2) table_error("ascii must be 1-2 letters");
    for (const char c : group.ascii) {
      if (c < 'a' || c > 'z') table_error("ascii must be lowercase letters");
    }
    std::size_t at = 0;
    while (at < group.letters.size()) {
      const utf8_char letter = decode_utf8(group.letters, at);
      if (letter.length == 0) table_error("group letters are not UTF-8");
      at += letter.length;
      if (letter.code_point < First || letter.code_point >= First + Size) continue;
      folding& slot = table[letter.code_point - First];
      if (slot.first != 0) table_error("letter listed in two groups");
      slot.first = group.ascii[0];
      slot.second = group.ascii.size() > 1 ? group.ascii[1] : '\0';
    }
  }
  return table;
}

// Latin-1 Supplement, Latin Extended-A and Latin Extended-B.
constexpr char32_t kLatinFirst = 0x00C0;
constexpr std::size_t kLatinSize = 0x0250 - 0x00C0;
// Latin Extended Additional (the Vietnamese letters are U+1EA0..U+1EF9).
constexpr char32_t kAdditionalFirst = 0x1E00;
constexpr std::size_t kAdditionalSize = 0x1F00 - 0x1E00;

constexpr auto kLatinTable = build_table<kLatinFirst, kLatinSize>();
constexpr auto kAdditionalTable = build_table<kAdditionalFirst, kAdditionalSize>();

// Every group letter lies in one of the two tables (none is silently ignored). Every letter
// is at least two bytes long, and folds to at most two, so folding never grows the text.
constexpr bool every_letter_in_a_table() {
  for (const fold_group& group : kGroups) {
    std::size_t at = 0;
    while (at < group.letters.size()) {
      const utf8_char letter = decode_utf8(group.letters, at);
      at += letter.length;
      const bool latin = letter.code_point >= kLatinFirst &&
                         letter.code_point < kLatinFirst + kLatinSize;
      const bool additional = letter.code_point >= kAdditionalFirst &&
                              letter.code_point < kAdditionalFirst + kAdditionalSize;
      if (!latin && !additional) return false;
      if (letter.length < group.ascii.size()) return false;
    }
  }
  return true;
}
static_assert(every_letter_in_a_table());

constexpr bool is_combining_mark(char32_t code_point) {
  return code_point >= 0x0300 && code_point <= 0x036F;
}

constexpr folding fold_letter(char32_t code_point) {
  if (code_point - kLatinFirst < kLatinSize) return kLatinTable[code_point - kLatinFirst];
  if (code_point - kAdditionalFirst < kAdditionalSize) {
    return kAdditionalTable[code_point - kAdditionalFirst];
  }
  return {};
}

// The ASCII fast path: every byte below 0x80 folds through this table (bytes from 0x80 up take
// the UTF-8 path and never read it, but map to themselves for ascii_lower).
constexpr std::array<char, 256> kAsciiLower = [] {
  std::array<char, 256> table{};
  for (std::size_t b = 0; b < table.size(); ++b) {
    const std::size_t lower = b >= 'A' && b <= 'Z' ? b - 'A' + 'a' : b;
    table[b] = static_cast<char>(static_cast<unsigned char>(lower));
  }
  return table;
}();

}  // namespace

std::string fold_for_search(std::string_view utf8) {
  // Invariant: every step writes at most as many bytes as it reads, so the output fits in
  // utf8.size() bytes and `out` never reallocates.
  std::string out(utf8.size(), '\0');
  char* write = out.data();
  std::size_t at = 0;
  while (at < utf8.size()) {
    const auto c = static_cast<unsigned char>(utf8[at]);
    if (c < 0x80) {
      *write++ = kAsciiLower[c];
      ++at;
      continue;
    }
    const utf8_char letter = decode_utf8(utf8, at);
    if (letter.length == 0) {
      *write++ = static_cast<char>(c);  // not UTF-8: copied as is
      ++at;
      continue;
    }
    if (!is_combining_mark(letter.code_point)) {
      const folding folded = fold_letter(letter.code_point);
      if (folded.first != 0) {
        *write++ = folded.first;
        if (folded.second != 0) *write++ = folded.second;
      } else {
        std::memcpy(write, utf8.data() + at, letter.length);
        write += letter.length;
      }
    }
    at += letter.length;
  }
  out.resize(static_cast<std::size_t>(write - out.data()));
  return out;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text.size(), '\0');
  for (std::size_t i = 0; i < text.size(); ++i) {
    out[i] = kAsciiLower[static_cast<unsigned char>(text[i])];
  }
  return out;
}

bool contains(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  if (needle.size() > haystack.size()) return false;
  if (needle.size() == 1) {
    return std::memchr(haystack.data(), needle[0], haystack.size()) != nullptr;
  }
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace ledger::projections
