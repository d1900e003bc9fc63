#pragma once
// A minimal WebSocket client for black-box tests (RFC 6455 over a plain POSIX socket, no
// Beast, so tests build fast):
//
//   ws_client ws(server.port(), "/dashboard?token=" + token);
//   REQUIRE(ws.upgraded());                       // 101 with the right Sec-WebSocket-Accept
//   auto text = ws.next_text(std::chrono::seconds(10));
//   ws.close();                                   // masked close frame, 1000
//
// When the server refuses the upgrade, handshake() is its HTTP answer (status, headers, body).
// next_text() answers pings with pongs, joins fragmented messages, and on a close frame
// records its code and reason (close_code(), close_reason()), answers it, closes the socket
// (the closing handshake is complete) and returns nullopt.
// The key is the RFC's sample key, so the expected Sec-WebSocket-Accept is the RFC's too.
//
// Thread-safety: none; one client per thread.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tests/support/http_client.h"

namespace ledger::testing {

class ws_client {
 public:
  // Connects to 127.0.0.1:`port` and sends the upgrade request for `target`.
  ws_client(unsigned short port, std::string_view target);
  ~ws_client();
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;

  // The server's answer to the upgrade request (101 when upgraded; the body of a refusal).
  [[nodiscard]] const http_reply& handshake() const { return handshake_; }
  // 101 with the expected Sec-WebSocket-Accept.
  [[nodiscard]] bool upgraded() const;

  // The next text message within `timeout`; nullopt on time-out or when the connection closed
  // (closed() tells which).
  [[nodiscard]] std::optional<std::string> next_text(std::chrono::milliseconds timeout);
  [[nodiscard]] bool closed() const { return closed_; }
  // The close frame's code and reason (nullopt: no close frame received).
  [[nodiscard]] std::optional<std::uint16_t> close_code() const { return close_code_; }
  [[nodiscard]] const std::string& close_reason() const { return close_reason_; }

  // Sends a (masked) text message.
  void send_text(std::string_view text);
  // Sends a close frame with `code`, then waits (bounded) for the server's close.
  void close(std::uint16_t code = 1000);

 private:
  struct frame {
    bool fin = true;
    std::uint8_t opcode = 0;
    std::string payload;
  };
  [[nodiscard]] std::optional<frame> read_frame(std::chrono::steady_clock::time_point deadline);
  [[nodiscard]] bool fill(std::chrono::steady_clock::time_point deadline);
  void send_frame(std::uint8_t opcode, std::string_view payload);

  int fd_ = -1;
  std::string buffer_;  // bytes received and not consumed yet
  http_reply handshake_;
  bool closed_ = false;
  bool close_sent_ = false;
  std::optional<std::uint16_t> close_code_;
  std::string close_reason_;
};

}  // namespace ledger::testing
