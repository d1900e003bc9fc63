#pragma once
// The HTTP request and response as the application sees them: plain structs, no Beast types,
// so route handlers, the router and their tests compile without Boost.Beast (only
// api/http_server.cpp includes it; DESIGN.md keeps Asio/Beast out of everything else).
//
// A request handler gets the request and a `respond` callable. It may answer at once or
// later from any thread (a command answers when the writer has committed it); `respond` must
// be called exactly once.
//
// Thread-safety: plain values; `respond` may be called from any thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ledger::api {

struct http_request {
  std::uint64_t id = 0;      // per process, increasing (the log's request id)
  std::string method;        // "GET", "POST", ... as received
  std::string target;        // path + query string exactly as received
  std::string path;          // target before '?'
  std::string query;         // target after '?' (raw, not decoded)
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_ip;     // the socket's peer address (no proxy headers trusted)
  std::int64_t received_at_us = 0;

  // The first header of that (lower-case) name.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) return std::string_view(value);
    }
    return std::nullopt;
  }
};

// A body produced over time, sent with chunked transfer encoding (the follow mode of
// GET /api/v1/events). The transport asks for one chunk at a time with next(deliver); the
// producer calls `deliver` exactly once, from any thread, with the next bytes (never empty)
// or with nullopt to end the body. A connection that went away simply stops asking.
struct body_stream {
  using deliver_fn = std::function<void(std::optional<std::string>)>;
  std::function<void(deliver_fn)> next;
};

struct http_response {
  unsigned status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool close = false;  // close the connection after this response
  std::shared_ptr<body_stream> stream;  // set: the body comes from it (`body` is not sent)
};

using respond_fn = std::function<void(http_response)>;
using request_handler = std::function<void(http_request, respond_fn)>;

}  // namespace ledger::api
