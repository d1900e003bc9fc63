#pragma once
// The demo data of api-contract section 12, created by issuing ordinary commands through the
// single writer, so it is part of the log like any other history.
#include <string>

#include "engine/command_processor.h"

namespace ledger::api {

// Seeds an EMPTY ledger. Returns an empty string on success, else what failed.
[[nodiscard]] std::string seed_demo_data(engine::command_processor& processor);

}  // namespace ledger::api
