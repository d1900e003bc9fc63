#pragma once
// Black-box helpers: start the real `posledger serve` binary on an ephemeral port and talk
// HTTP/1.1 to it over a plain socket (no Beast in tests, so they build fast).
//
//   served_ledger server(dir.sub("ledger"), {"--demo"});
//   http_client client(server.port());
//   auto r = client.request("POST", "/api/auth/login", R"({"email":..., "password":...})");
//   CHECK(r.status == 200);
//
// served_ledger reads the "listening on http://ADDR:PORT" line the binary prints, stops the
// server with SIGTERM in its destructor (waiting for a clean exit) and keeps stderr (one JSON
// line per request) in a file for failure messages.
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ledger::testing {

struct http_reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  [[nodiscard]] std::string header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// A connected TCP socket to 127.0.0.1:port (Nagle off); FAILs the test when it cannot connect.
int connect_loopback(unsigned short port);

// The status line and headers of a response (the text before the blank line); body empty.
http_reply parse_response_head(std::string_view head_text);

class http_client {
 public:
  explicit http_client(unsigned short port);
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  // One request on the keep-alive connection (reconnects when the server closed it).
  http_reply request(std::string_view method, std::string_view target, std::string_view body = {},
                     const std::vector<std::pair<std::string, std::string>>& headers = {});
  // Sends raw bytes and reads one response (for malformed requests).
  http_reply raw(std::string_view bytes);
  // Sends several requests in one write and reads that many responses (pipelining).
  std::vector<http_reply> pipelined(const std::vector<std::string>& raw_requests);
  // A GET on a fresh connection whose answer is a chunked body that keeps coming (the event
  // follow mode): returns the status and headers; next_chunk() then returns each chunk's data
  // as it arrives, nullopt at the body's end (or when nothing arrived for 30 s).
  http_reply open_stream(std::string_view target,
                         const std::vector<std::pair<std::string, std::string>>& headers);
  std::optional<std::string> next_chunk();

 private:
  void connect();
  bool fill();
  http_reply read_header();
  http_reply read_reply();
  unsigned short port_;
  int fd_ = -1;
  std::string buffer_;
};

class served_ledger {
 public:
  // Starts `posledger serve --data DIR --port 0 <extra>` with `env` added to the environment.
  served_ledger(const std::string& data_dir, const std::vector<std::string>& extra_flags,
                const std::map<std::string, std::string>& env = {});
  ~served_ledger();
  served_ledger(const served_ledger&) = delete;
  served_ledger& operator=(const served_ledger&) = delete;

  [[nodiscard]] unsigned short port() const { return port_; }
  // SIGTERM and wait; the exit status (0 = clean). Idempotent.
  int stop();
  [[nodiscard]] std::string log() const;  // what the server wrote to stderr so far

 private:
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  int exit_status_ = -1;
  std::string log_path_;
};

// "accessToken" of a login (demo users' password by default); FAILs the test when login fails.
std::string log_in(http_client& client, const std::string& email,
                   const std::string& password = "password123");

// The Authorization header of an access token, for http_client::request.
std::vector<std::pair<std::string, std::string>> bearer(const std::string& token);

// The ledger head sequence /health reports (as text); FAILs the test when /health does not answer.
std::string ledger_head(http_client& client);

// The value of a top-level JSON string field (tests only; naive but exact for our bodies).
std::optional<std::string> json_string_field(const std::string& json, const std::string& name);

}  // namespace ledger::testing
