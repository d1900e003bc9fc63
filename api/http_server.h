#pragma once
// The HTTP/1.1 server: Boost.Beast on an Asio thread pool (the only translation unit that
// includes Beast). It owns sockets and framing; everything else is the application's
// request_handler (api/server_app.h).
//
//   * keep-alive; requests on one connection are read, answered and written strictly one
//     after another, so pipelined requests get their responses in order;
//   * bounded input: header limit, body limit (a larger body gets the application's 413), a
//     connection limit (connections beyond it are closed at once);
//   * timeouts: `idle_timeout` for the next request's header to arrive, `read_timeout` for its
//     body, `write_timeout` for the response;
//   * graceful stop: stop() closes the listener, answers in-flight requests (with
//     `Connection: close`), closes idle connections, and returns when every connection is
//     gone or `drain_timeout` passed.
//
// Thread-safety: start() and stop() from one controlling thread; the handler runs on pool
// threads, and may call `respond` from any thread.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "api/http_types.h"

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
};

// What the server itself answers when a request never reaches the handler (413 body too
// large, 400 unparsable request): the application renders its error body.
using transport_error_fn =
    std::function<http_response(unsigned status, std::string_view message, const http_request&)>;

struct http_server_metrics {
  std::atomic<std::uint64_t> connections_accepted{0};
  std::atomic<std::uint64_t> connections_refused{0};  // over max_connections
  std::atomic<std::int64_t> connections_open{0};
};

class http_server {
 public:
  http_server(http_server_options options, request_handler handler,
              transport_error_fn transport_error);
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
