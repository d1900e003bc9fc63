#include "engine/rejection.h"

namespace ledger::engine {

std::string_view name_of(rejection_code code) {
  switch (code) {
#define LEDGER_REJECTION_NAME_(name, number, kind) \
  case rejection_code::name:                       \
    return #name;
    LEDGER_REJECTION_CODES(LEDGER_REJECTION_NAME_)
#undef LEDGER_REJECTION_NAME_
  }
  return "unknown";
}

rejection_kind kind_of(rejection_code code) {
  switch (code) {
#define LEDGER_REJECTION_KIND_(name, number, kind) \
  case rejection_code::name:                       \
    return rejection_kind::kind;
    LEDGER_REJECTION_CODES(LEDGER_REJECTION_KIND_)
#undef LEDGER_REJECTION_KIND_
  }
  return rejection_kind::invalid;
}

}  // namespace ledger::engine
