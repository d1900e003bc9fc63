#pragma once
// GET /dashboard: the upgrade handler of the live dashboard WebSocket (protocol in
// docs/api.md, "Dashboard WebSocket"), given to http_server as its websocket_handler.
//
//   1. the path must be /dashboard (case-insensitive, one trailing slash tolerated, like the
//      router), otherwise 404 "Cannot GET <path>";
//   2. `token` of the query string is an access token checked like a Bearer token
//      (server_app::authenticate_token: signature, expiry, user active, not issued before a
//      password reset); missing or refused -> 401 with the contract's error body, no upgrade;
//   3. scopes: SUPER_ADMIN and OWNER get the chain plus every branch; any other role gets its
//      own branch; a user of another role without a branch is accepted and closed at once
//      with 1008 (policy violation) and a reason;
//   4. under one read lock of the views: subscribe to the hub, render every scope's snapshot
//      (projections::dashboard) stamped with the views' applied sequence, offer it. A push
//      rendered before that lock is never newer than the snapshot (so it is dropped); one
//      rendered after it reaches the subscription.
// Access is decided at connect time: a connection stays open when its user is deactivated or
// its token expires later. One JSON log line per upgrade goes to stderr, like the request log
// (the path only; the token never appears).
//
// Thread-safety: the handler runs on I/O threads; the app and the hub outlive the server.
#include "api/dashboard_hub.h"
#include "api/server_app.h"
#include "api/websocket_types.h"

namespace ledger::api {

[[nodiscard]] websocket_handler dashboard_websocket(server_app& app, dashboard_hub& hub);

}  // namespace ledger::api
