#pragma once
// text_fold: the text forms that product, customer and supplier search compares.
//
// fold_for_search lowercases and strips diacritics, so that the query "hao hao" or "MI GOI"
// finds "Mì gói Hảo Hảo 75g" and "duong" finds "Đường". Both the stored name and the query
// are folded the same way and then compared with a plain substring search (contains).
//
// Folding, code point by code point (UTF-8 in, UTF-8 out):
//   * ASCII: 'A'..'Z' become 'a'..'z'; every other ASCII byte is kept.
//   * Latin letters with diacritics in U+00C0..U+024F and U+1E00..U+1EFF become their ASCII
//     base letter in lowercase. This covers every Vietnamese letter (a ă â e ê i o ô ơ u ư y
//     with the five tone marks, upper and lower case) and đ/Đ -> d, and the Latin-1 and
//     Latin Extended letters generally (é ñ ü ç ø ł ş ț -> e n u c o l s t). A few letters
//     fold to two: æ -> ae, œ -> oe, ß -> ss, þ -> th, ĳ -> ij, ǆ -> dz, ǉ -> lj, ǌ -> nj.
//   * Combining marks U+0300..U+036F are dropped, so decomposed (NFD) text folds like the
//     precomposed (NFC) form: "a" + U+0301 and "á" both fold to "a".
//   * Everything else (other scripts, symbols, letters of those blocks without a Latin base
//     such as Ə) keeps its bytes unchanged; there is no general Unicode case folding.
//   * Bytes that are not well-formed UTF-8 are copied as they are.
// The result is never longer than the input.
//
// Thread-safety: pure functions over immutable tables.
#include <string>
#include <string_view>

namespace ledger::projections {

// `utf8` lowercased and without diacritics, as described above.
[[nodiscard]] std::string fold_for_search(std::string_view utf8);

// `text` with ASCII 'A'..'Z' lowercased and every other byte unchanged (case-insensitive SKU
// and code matching).
[[nodiscard]] std::string ascii_lower(std::string_view text);

// True when `needle` occurs in `haystack` as a contiguous byte substring; an empty needle
// occurs everywhere.
[[nodiscard]] bool contains(std::string_view haystack, std::string_view needle);

}  // namespace ledger::projections
