#include "events/assert.h"

#include <cstdio>
#include <cstdlib>

namespace ledger::detail {

void assert_failed(const char* condition, const char* file, int line, fmt::string_view format,
                   fmt::format_args args) {
  const std::string message = fmt::vformat(format, args);
  std::fprintf(stderr, "posledger: assertion failed: %s at %s:%d: %s\n", condition, file, line,
               message.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace ledger::detail
