#pragma once
// `posledger serve`: configuration from the environment (api-contract section 14 plus
// DATA_DIR, RATE_LIMIT_LOGIN_PER_MIN, RATE_LIMIT_PER_MIN, HTTP_THREADS, LISTEN_ADDRESS), flags
// override it; start-up (ledger + views recovered side by side, demo seed on --demo into an
// empty ledger), the HTTP server, and a graceful stop on SIGINT/SIGTERM: stop accepting,
// answer in-flight requests, stop the writer (final write-model snapshot), stop the projector
// (final view snapshot), exit 0.
//
// Secrets: JWT_SECRET and JWT_REFRESH_SECRET are required, except with --demo, which
// generates random ones on the first start and keeps them in <data>/demo-secrets (mode 0600)
// when the environment does not give them. No secret is written in code.
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "api/server_app.h"

namespace ledger::api {

// `getenv` is injectable for tests. nullopt and `error` on a bad or missing setting.
[[nodiscard]] std::optional<server_config> load_server_config(
    const std::map<std::string, std::string>& flags,
    const std::function<const char*(const char*)>& getenv, std::string& error);

// The secrets of a demo ledger: read from <data>/demo-secrets, or generated and stored there.
[[nodiscard]] bool load_or_create_demo_secrets(server_config& config, std::string& error);

int run_serve(const std::map<std::string, std::string>& flags);

}  // namespace ledger::api
