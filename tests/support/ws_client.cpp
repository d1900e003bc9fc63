#include "tests/support/ws_client.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdlib>

namespace ledger::testing {
namespace {

// RFC 6455 section 1.3: the sample key and the accept value a server must answer with.
constexpr std::string_view sample_key = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::string_view sample_accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

constexpr std::uint8_t op_continuation = 0x0;
constexpr std::uint8_t op_text = 0x1;
constexpr std::uint8_t op_close = 0x8;
constexpr std::uint8_t op_ping = 0x9;
constexpr std::uint8_t op_pong = 0xA;

std::uint8_t byte_at(const std::string& text, std::size_t i) {
  return static_cast<std::uint8_t>(text[i]);
}

}  // namespace

ws_client::ws_client(unsigned short port, std::string_view target) {
  fd_ = connect_loopback(port);

  const std::string request = fmt::format(
      "GET {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: {}\r\nSec-WebSocket-Version: 13\r\n\r\n",
      target, port, sample_key);
  REQUIRE(::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size()));

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    REQUIRE_MESSAGE(fill(deadline), "no answer to the upgrade request for " << target);
  }
  handshake_ = parse_response_head(std::string_view(buffer_).substr(0, header_end));
  buffer_.erase(0, header_end + 4);
  if (handshake_.status == 101) return;
  const auto length =
      static_cast<std::size_t>(std::atoll(handshake_.header("content-length").c_str()));
  while (buffer_.size() < length) {
    if (!fill(deadline)) break;
  }
  handshake_.body = buffer_.substr(0, std::min(length, buffer_.size()));
  buffer_.erase(0, handshake_.body.size());
}

ws_client::~ws_client() {
  if (fd_ >= 0) ::close(fd_);
}

bool ws_client::upgraded() const {
  return handshake_.status == 101 && handshake_.header("sec-websocket-accept") == sample_accept;
}

bool ws_client::fill(std::chrono::steady_clock::time_point deadline) {
  if (closed_) return false;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
  if (left <= 0) return false;
  pollfd wait{fd_, POLLIN, 0};
  if (::poll(&wait, 1, static_cast<int>(left)) <= 0) return false;
  std::array<char, 65536> chunk{};
  const ssize_t n = ::recv(fd_, chunk.data(), chunk.size(), 0);
  if (n <= 0) {
    closed_ = true;
    return false;
  }
  buffer_.append(chunk.data(), static_cast<std::size_t>(n));
  return true;
}

std::optional<ws_client::frame> ws_client::read_frame(
    std::chrono::steady_clock::time_point deadline) {
  const auto need = [&](std::size_t bytes) {
    while (buffer_.size() < bytes) {
      if (!fill(deadline)) return false;
    }
    return true;
  };
  if (!need(2)) return std::nullopt;
  frame result;
  result.fin = (byte_at(buffer_, 0) & 0x80) != 0;
  result.opcode = byte_at(buffer_, 0) & 0x0F;
  const bool masked = (byte_at(buffer_, 1) & 0x80) != 0;
  std::uint64_t length = byte_at(buffer_, 1) & 0x7F;
  std::size_t at = 2;
  if (length == 126 || length == 127) {
    const std::size_t bytes = length == 126 ? 2 : 8;
    if (!need(at + bytes)) return std::nullopt;
    length = 0;
    for (std::size_t i = 0; i < bytes; ++i) length = (length << 8) | byte_at(buffer_, at + i);
    at += bytes;
  }
  std::array<std::uint8_t, 4> mask{};
  if (masked) {
    if (!need(at + 4)) return std::nullopt;
    for (std::size_t i = 0; i < 4; ++i) mask[i] = byte_at(buffer_, at + i);
    at += 4;
  }
  if (!need(at + length)) return std::nullopt;
  result.payload = buffer_.substr(at, length);
  if (masked) {
    for (std::size_t i = 0; i < result.payload.size(); ++i) {
      const auto masked_byte = static_cast<std::uint8_t>(result.payload[i]);
      result.payload[i] = static_cast<char>(masked_byte ^ mask[i % 4]);
    }
  }
  buffer_.erase(0, at + length);
  return result;
}

std::optional<std::string> ws_client::next_text(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string message;
  bool in_message = false;
  for (;;) {
    auto received = read_frame(deadline);
    if (!received) return std::nullopt;
    switch (received->opcode) {
      case op_text:
        message = std::move(received->payload);
        in_message = !received->fin;
        if (received->fin) return message;
        break;
      case op_continuation:
        message += received->payload;
        if (in_message && received->fin) return message;
        break;
      case op_ping:
        send_frame(op_pong, received->payload);
        break;
      case op_close:
        if (received->payload.size() >= 2) {
          close_code_ = static_cast<std::uint16_t>((byte_at(received->payload, 0) << 8) |
                                                   byte_at(received->payload, 1));
          close_reason_ = received->payload.substr(2);
        } else {
          close_code_ = 1005;  // no status code present
        }
        if (!close_sent_) send_frame(op_close, received->payload.substr(0, 2));
        close_sent_ = true;
        closed_ = true;
        // The closing handshake is complete: close the TCP connection, as browsers do (the
        // server's teardown waits for it).
        ::close(fd_);
        fd_ = -1;
        return std::nullopt;
      default:  // binary, pong: not used by the server under test
        break;
    }
  }
}

void ws_client::send_text(std::string_view text) { send_frame(op_text, text); }

void ws_client::close(std::uint16_t code) {
  if (closed_ || close_sent_) return;
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  send_frame(op_close, payload);
  close_sent_ = true;
  while (!closed_ && next_text(std::chrono::seconds(5))) {
  }
}

void ws_client::send_frame(std::uint8_t opcode, std::string_view payload) {
  if (fd_ < 0) return;
  std::string bytes;
  bytes.push_back(static_cast<char>(0x80 | opcode));
  if (payload.size() < 126) {
    bytes.push_back(static_cast<char>(0x80 | payload.size()));
  } else if (payload.size() <= 0xFFFF) {
    bytes.push_back(static_cast<char>(0x80 | 126));
    bytes.push_back(static_cast<char>(payload.size() >> 8));
    bytes.push_back(static_cast<char>(payload.size() & 0xFF));
  } else {
    bytes.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8) {
      const std::uint64_t size = payload.size();
      bytes.push_back(static_cast<char>((size >> shift) & 0xFF));
    }
  }
  const std::array<std::uint8_t, 4> mask{0x37, 0xfa, 0x21, 0x3d};
  for (const std::uint8_t m : mask) bytes.push_back(static_cast<char>(m));
  for (std::size_t i = 0; i < payload.size(); ++i) {
    bytes.push_back(static_cast<char>(static_cast<std::uint8_t>(payload[i]) ^ mask[i % 4]));
  }
  // The server may have closed already; a failed send shows up as a closed connection.
  (void)::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
}

}  // namespace ledger::testing
