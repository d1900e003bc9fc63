#pragma once
// LEDGER_ASSERT: always-on invariant checks (release builds included). A failed assertion is a
// bug in our code, never bad input: it logs the condition, location and a formatted message to
// stderr and aborts, so the process restarts and recovers from the durable log.
//
// Never assert on anything that comes from outside (requests, files, RocksDB contents):
// validate it and return a rejection or a failure instead.
#include <fmt/format.h>

namespace ledger::detail {
[[noreturn]] void assert_failed(const char* condition, const char* file, int line,
                                fmt::string_view format, fmt::format_args args);
}  // namespace ledger::detail

#define LEDGER_ASSERT(cond, ...)                                                        \
  do {                                                                                  \
    if (!(cond)) [[unlikely]] {                                                         \
      ::ledger::detail::assert_failed(#cond, __FILE__, __LINE__,                        \
                                      LEDGER_ASSERT_FORMAT_(__VA_ARGS__));              \
    }                                                                                   \
  } while (false)

#define LEDGER_ASSERT_FORMAT_(fmt_string, ...) \
  fmt_string, fmt::make_format_args(__VA_ARGS__)

// O(n) cross-checks: on in debug and test builds, off when NDEBUG is set.
#ifdef NDEBUG
#define LEDGER_ASSERT_SLOW(cond, ...) \
  do {                                \
  } while (false)
#else
#define LEDGER_ASSERT_SLOW(cond, ...) LEDGER_ASSERT(cond, __VA_ARGS__)
#endif
