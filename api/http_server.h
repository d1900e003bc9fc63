#pragma once
// The HTTP/1.1 and WebSocket server: Boost.Beast on an Asio thread pool (the only translation
// unit that includes Beast). It owns sockets and framing; everything else is the application's
// request_handler (api/server_app.h) and websocket_handler (api/websocket_types.h).
//
//   * keep-alive; requests on one connection are read, answered and written strictly one
//     after another, so pipelined requests get their responses in order;
//   * bounded input: header limit, body limit (a larger body gets the application's 413), a
//     connection limit (connections beyond it are closed at once);
//   * timeouts: `idle_timeout` for the next request's header to arrive, `read_timeout` for its
//     body, `write_timeout` for the response;
//   * WebSocket upgrades (GET with `Upgrade: websocket`) go to the websocket_handler when one
//     is given (otherwise to the request handler like any request): it refuses with an HTTP
//     response, or accepts with a feed the session pulls text frames from, one frame in
//     flight at a time. Client pings are answered (Beast); the server pings a silent client
//     after half of `idle_timeout` and drops it after `idle_timeout` without any frame;
//     client messages are read and ignored, one larger than `websocket_message_limit` closes
//     the connection (1009); the opening and closing handshakes get `write_timeout` each;
//   * graceful stop: stop() closes the listener, answers in-flight requests (with
//     `Connection: close`), closes idle connections, closes WebSockets with 1001 (going
//     away), and returns when every connection is gone or `drain_timeout` passed.
//
// Thread-safety: start() and stop() from one controlling thread; the handlers run on pool
// threads, and may call `respond` from any thread; a feed may wake its session from any
// thread (the wake posts to the session's io_context, and does nothing once stop() has returned).
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "api/http_types.h"
#include "api/websocket_types.h"

namespace ledger::api {

struct http_server_options {
  std::string address = "0.0.0.0";
  unsigned short port = 3001;  // 0: any free port (start() returns it)
  unsigned threads = 0;        // 0: one per core
  std::size_t body_limit = 100 * 1024;
  std::size_t header_limit = 16 * 1024;
  std::size_t max_connections = 10'000;
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds drain_timeout{10'000};
  std::size_t websocket_message_limit = 4 * 1024;  // a client message, in bytes
};

// What the server itself answers when a request never reaches the handler (413 body too
// large, 400 unparsable request): the application renders its error body.
using transport_error_fn =
    std::function<http_response(unsigned status, std::string_view message, const http_request&)>;

struct http_server_metrics {
  std::atomic<std::uint64_t> connections_accepted{0};
  std::atomic<std::uint64_t> connections_refused{0};  // over max_connections
  std::atomic<std::int64_t> connections_open{0};  // WebSockets included
  std::atomic<std::uint64_t> websockets_accepted{0};
  std::atomic<std::int64_t> websockets_open{0};  // connected WebSocket clients
};

class http_server {
 public:
  // `upgrade` may be empty: no WebSocket, upgrade requests go to `handler`.
  http_server(http_server_options options, request_handler handler,
              transport_error_fn transport_error, websocket_handler upgrade = {});
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // Binds, listens and starts the thread pool. The bound port, or 0 and `error`.
  [[nodiscard]] unsigned short start(std::string& error);
  // Graceful stop (see above). Idempotent.
  void stop();
  // Blocks until SIGINT or SIGTERM (then returns; the caller calls stop()).
  void wait_for_signal();

  [[nodiscard]] const http_server_metrics& metrics() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace ledger::api
