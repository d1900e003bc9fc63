#pragma once
// The WebSocket upgrade as the application sees it: plain types, no Beast (only
// api/http_server.cpp includes Beast), like api/http_types.h for HTTP.
//
// http_server hands every WebSocket upgrade request (GET with `Upgrade: websocket`) to the
// application's websocket_handler, which answers with one of:
//   * an http_response: sent instead of the upgrade (a refusal: 401, 404, ...); no WebSocket;
//   * a websocket_close: the upgrade is accepted, then closed at once with that code and
//     reason (a refusal a browser can read: it never sees the status of a failed upgrade);
//   * a websocket_feed: the upgrade is accepted and the server sends what the feed gives.
//
// A feed is pulled, never pushed: the session writes one text frame at a time and asks
// next_message() again after each write, until it answers nullopt; from then on the feed calls
// `wake` once when it has something again. A client that reads slowly therefore costs one
// frame in flight plus what the feed keeps, never a growing queue: the feed decides what to
// keep (api/dashboard_hub.h keeps the newest message per scope).
//
// Thread-safety: the handler runs on an I/O thread. start(), next_message() run on the
// session's io_context (run by one thread); `wake` may be called from any thread (it only
// posts to that context) and must not be called with a lock held that stop() takes; stop()
// may run on any thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "api/http_types.h"

namespace ledger::api {

// What one accepted WebSocket sends (see above).
class websocket_feed {
 public:
  virtual ~websocket_feed() = default;
  // Once, after the handshake. `wake` asks the session to call next_message() soon.
  virtual void start(std::function<void()> wake) = 0;
  // The next text frame to send, or nullopt when nothing is waiting (then the feed calls
  // `wake` when something is).
  [[nodiscard]] virtual std::optional<std::string> next_message() = 0;
  // The connection is gone (closed by either side, failed, or the server stopped): the feed
  // stops collecting. Idempotent.
  virtual void stop() = 0;
};

// RFC 6455 close codes the server uses.
inline constexpr std::uint16_t websocket_going_away = 1001;       // the server is stopping
inline constexpr std::uint16_t websocket_policy_violation = 1008;  // refused after the upgrade

// Accept the upgrade, then close at once with this code and reason (at most 123 bytes).
struct websocket_close {
  std::uint16_t code = websocket_policy_violation;
  std::string reason;
};

using websocket_decision =
    std::variant<http_response, websocket_close, std::shared_ptr<websocket_feed>>;

// Called with the upgrade request (method, target with its query string, headers).
using websocket_handler = std::function<websocket_decision(const http_request&)>;

}  // namespace ledger::api
