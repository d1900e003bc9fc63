// Search folding (projections/text_fold.h): lowercase, no diacritics, same result for NFC and
// NFD input.
//
// How: exact expected strings for real Vietnamese product and person names in upper, lower and
// mixed case; every Vietnamese vowel letter (12 vowels x 6 tones x 2 cases) and đ/Đ folded in
// bulk; the same names in decomposed form (base letter + combining marks); Latin-1 and Latin
// Extended letters, including the two-letter foldings; text that must stay as it is (other
// scripts, symbols, emoji, the letters of the folded blocks that have no Latin base); and
// ill-formed UTF-8, which is copied byte for byte and never turns into ASCII (an overlong 'A'
// stays two bytes). Then ascii_lower over all 256 byte values and contains with its edge cases.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "projections/text_fold.h"

namespace {

using ledger::projections::ascii_lower;
using ledger::projections::contains;
using ledger::projections::fold_for_search;

struct fold_row {
  std::string_view input;
  std::string_view expected;
};

void check_rows(std::initializer_list<fold_row> rows) {
  for (const fold_row& row : rows) {
    CAPTURE(row.input);
    CHECK(fold_for_search(row.input) == row.expected);
  }
}

}  // namespace

TEST_SUITE("projections/text_fold") {

TEST_CASE("fold_for_search: Vietnamese product and person names") {
  check_rows({
      {"Mì gói Hảo Hảo 75g", "mi goi hao hao 75g"},
      {"MÌ GÓI HẢO HẢO 75G", "mi goi hao hao 75g"},
      {"NƯỚC MẮM", "nuoc mam"},
      {"Nước mắm Phú Quốc 500ml", "nuoc mam phu quoc 500ml"},
      {"Đường", "duong"},
      {"đường", "duong"},
      {"ĐƯỜNG KÍNH TRẮNG", "duong kinh trang"},
      {"Bánh mì Việt Nam", "banh mi viet nam"},
      {"Cà phê sữa đá", "ca phe sua da"},
      {"Sữa tươi Vinamilk 180ml", "sua tuoi vinamilk 180ml"},
      {"BỘT GIẶT OMO 3KG", "bot giat omo 3kg"},
      {"Dầu ăn Tường An", "dau an tuong an"},
      {"Kẹo dừa Bến Tre", "keo dua ben tre"},
      {"Gạo ST25 Sóc Trăng", "gao st25 soc trang"},
      {"Trứng gà ta (hộp 10)", "trung ga ta (hop 10)"},
      {"Xúc xích Đức", "xuc xich duc"},
      {"Nguyễn Thị Thủy", "nguyen thi thuy"},
      {"Trần Ngọc Ánh", "tran ngoc anh"},
      {"Ỷ Lan – Ỹ", "y lan – y"},
      {"", ""},
  });
}

TEST_CASE("fold_for_search: every Vietnamese vowel letter with every tone, both cases") {
  // a ă â, e ê, i, o ô ơ, u ư, y, each plain and with huyền, sắc, hỏi, ngã, nặng.
  check_rows({
      {"aàáảãạăằắẳẵặâầấẩẫậ", "aaaaaaaaaaaaaaaaaa"},
      {"AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ", "aaaaaaaaaaaaaaaaaa"},
      {"eèéẻẽẹêềếểễệ", "eeeeeeeeeeee"},
      {"EÈÉẺẼẸÊỀẾỂỄỆ", "eeeeeeeeeeee"},
      {"iìíỉĩị", "iiiiii"},
      {"IÌÍỈĨỊ", "iiiiii"},
      {"oòóỏõọôồốổỗộơờớởỡợ", "oooooooooooooooooo"},
      {"OÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ", "oooooooooooooooooo"},
      {"uùúủũụưừứửữự", "uuuuuuuuuuuu"},
      {"UÙÚỦŨỤƯỪỨỬỮỰ", "uuuuuuuuuuuu"},
      {"yỳýỷỹỵ", "yyyyyy"},
      {"YỲÝỶỸỴ", "yyyyyy"},
      {"đĐ", "dd"},
  });
}

TEST_CASE("fold_for_search: decomposed (NFD) input folds like the precomposed form") {
  check_rows({
      {"a\xCC\x81", "a"},                            // a + U+0301 COMBINING ACUTE
      {"A\xCC\x80", "a"},                            // A + U+0300 COMBINING GRAVE
      {"Ha\xCC\x89o Ha\xCC\x89o", "hao hao"},        // Hảo Hảo
      {"Nu\xCC\x9Bo\xCC\x9B\xCC\x81" "c ma\xCC\x86\xCC\x81m Phu\xCC\x81 Quo\xCC\x82\xCC\x81" "c",
       "nuoc mam phu quoc"},                         // Nước mắm Phú Quốc
      {"Vie\xCC\xA3\xCC\x82t Nam", "viet nam"},      // Việt Nam, marks in NFD order
      {"NGUYE\xCC\x82\xCC\x83N", "nguyen"},          // NGUYỄN
      {"\xCC\x81x", "x"},                            // a mark with no base letter
      {"e\xCD\xAF", "e"},                            // U+036F, the last combining mark
      {"e\xCD\xB0", "e\xCD\xB0"},                    // U+0370 is not a combining mark
  });
  CHECK(fold_for_search("Nu\xCC\x9Bo\xCC\x9B\xCC\x81" "c") == fold_for_search("Nước"));
}

TEST_CASE("fold_for_search: Latin-1 and Latin Extended letters fold to their base letter") {
  check_rows({
      {"Crème Brûlée", "creme brulee"},
      {"JALAPEÑO", "jalapeno"},
      {"Müller Façade", "muller facade"},
      {"ÀÁÂÃÄÅ àáâãäå", "aaaaaa aaaaaa"},
      {"ÈÉÊË ÌÍÎÏ ÒÓÔÕÖ ÙÚÛÜ Ýýÿ", "eeee iiii ooooo uuuu yyy"},
      {"Øresund Łódź", "oresund lodz"},
      {"Şişli Țară İstanbul", "sisli tara istanbul"},
      {"Ǎǐǒǔ Ǖǘ", "aiou uu"},
      {"Ðð Ħħ Ŧŧ", "dd hh tt"},
  });
}

TEST_CASE("fold_for_search: ligatures and sharp s fold to two letters") {
  check_rows({
      {"Ærø", "aero"},
      {"Œuvre cœur", "oeuvre coeur"},
      {"Straße STRAẞE", "strasse strasse"},
      {"Þorn", "thorn"},
      {"Ĳssel", "ijssel"},
      {"Ǆ ǅ ǆ Ǉ Ǌ", "dz dz dz lj nj"},
  });
}

TEST_CASE("fold_for_search: other code points keep their bytes") {
  check_rows({
      {"Москва ПРИВЕТ", "Москва ПРИВЕТ"},  // no case folding outside Latin
      {"北京 烤鸭", "北京 烤鸭"},
      {"Giá: 25.000 ₫ €5 £3 ¥9", "gia: 25.000 ₫ €5 £3 ¥9"},
      {"25°C © ®", "25°c © ®"},
      {"2×3÷4", "2×3÷4"},  // U+00D7 and U+00F7 sit among the Latin-1 letters
      {"Əə ĸ", "Əə ĸ"},    // letters of the folded blocks without a Latin base
      {"😀 MÌ", "😀 mi"},
      {"\xC2\xA0", "\xC2\xA0"},      // no-break space
      {"Ỻỻ", "Ỻỻ"},                  // U+1EFA..U+1EFB: Middle-Welsh LL, no base letter
  });
}

TEST_CASE("fold_for_search: every ASCII byte: A-Z lowercased, the rest unchanged") {
  std::string all;
  std::string expected;
  for (int b = 0; b < 0x80; ++b) {
    all += static_cast<char>(b);
    expected += static_cast<char>(b >= 'A' && b <= 'Z' ? b - 'A' + 'a' : b);
  }
  CHECK(fold_for_search(all) == expected);
  CHECK(fold_for_search("ABC xyz 0-9 [@`{]") == "abc xyz 0-9 [@`{]");
}

TEST_CASE("fold_for_search: ill-formed UTF-8 is copied byte for byte") {
  check_rows({
      {"\xFF" "A\xC3", "\xFF" "a\xC3"},                       // bad byte, ASCII, truncated lead
      {"\xC1\x81", "\xC1\x81"},                               // overlong 'A' never becomes 'a'
      {"\xE0\x81\x81", "\xE0\x81\x81"},                       // overlong 3-byte 'A'
      {"\xED\xA0\x80", "\xED\xA0\x80"},                       // surrogate U+D800
      {"\x80\xBF", "\x80\xBF"},                               // stray continuation bytes
      {"\xE1\xBA" "\xC3\x89", "\xE1\xBA" "e"},                // truncated ả, then É
      {"M\xCC", "m\xCC"},                                     // truncated combining mark
      {"\xF4\x90\x80\x80", "\xF4\x90\x80\x80"},               // above U+10FFFF
  });
}

TEST_CASE("text_fold: a folded query finds the folded name") {
  const std::string name = fold_for_search("Mì gói Hảo Hảo 75g");
  CHECK(contains(name, fold_for_search("hao hao")));
  CHECK(contains(name, fold_for_search("MI GOI")));
  CHECK(contains(name, fold_for_search("HẢO HẢO")));
  CHECK(contains(name, fold_for_search("gói hảo")));
  CHECK_FALSE(contains(name, fold_for_search("hao hao hao")));
  CHECK(contains(fold_for_search("Đường kính trắng"), fold_for_search("đường")));
  CHECK(contains(fold_for_search("Đường kính trắng"), "duong"));
}

TEST_CASE("text_fold: ascii_lower changes A-Z only") {
  CHECK(ascii_lower("SKU-AbC-123") == "sku-abc-123");
  CHECK(ascii_lower("") == "");
  CHECK(ascii_lower("ĐƯỜNG Ab") == "ĐƯỜng ab");  // only the ASCII letters change
  std::string all;
  std::string expected;
  for (int b = 0; b < 256; ++b) {
    all += static_cast<char>(b);
    expected += static_cast<char>(b >= 'A' && b <= 'Z' ? b - 'A' + 'a' : b);
  }
  CHECK(ascii_lower(all) == expected);
}

TEST_CASE("text_fold: contains is a plain substring search") {
  CHECK(contains("abc", ""));
  CHECK(contains("", ""));
  CHECK_FALSE(contains("", "a"));
  CHECK_FALSE(contains("abc", "abcd"));
  CHECK(contains("abc", "abc"));
  CHECK(contains("abc", "a"));
  CHECK(contains("abc", "c"));
  CHECK_FALSE(contains("abc", "d"));
  CHECK(contains("abc", "bc"));
  CHECK_FALSE(contains("abc", "ac"));
  CHECK(contains("aab", "ab"));
  CHECK(contains("abababc", "ababc"));
  CHECK_FALSE(contains("ABC", "abc"));  // no case folding of its own
  CHECK(contains(std::string_view("a\0b", 3), std::string_view("\0", 1)));
  CHECK(contains(std::string_view("a\0b", 3), std::string_view("\0b", 2)));
  CHECK_FALSE(contains("ab", std::string_view("\0", 1)));
}

}  // TEST_SUITE
