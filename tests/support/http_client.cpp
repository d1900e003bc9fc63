#include "tests/support/http_client.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ledger::testing {
namespace {

std::string lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

}  // namespace

http_client::http_client(unsigned short port) : port_(port) { connect(); }

http_client::~http_client() {
  if (fd_ >= 0) ::close(fd_);
}

int connect_loopback(unsigned short port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

void http_client::connect() {
  if (fd_ >= 0) ::close(fd_);
  buffer_.clear();
  fd_ = connect_loopback(port_);
  timeval timeout{30, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
}

http_reply http_client::request(std::string_view method, std::string_view target,
                                std::string_view body,
                                const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string text;
  text.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  bool has_content_type = false;
  for (const auto& [name, value] : headers) {
    text += name + ": " + value + "\r\n";
    if (lower(name) == "content-type") has_content_type = true;
  }
  if (!body.empty() && !has_content_type) text += "Content-Type: application/json\r\n";
  if (!body.empty() || method == "POST" || method == "PATCH") {
    text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  text += "\r\n";
  text.append(body);
  for (int attempt = 0; attempt < 2; ++attempt) {
    const ssize_t sent = ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL);
    if (sent == static_cast<ssize_t>(text.size())) {
      http_reply reply = read_reply();
      if (reply.status != 0) {
        if (lower(reply.header("connection")) == "close") connect();
        return reply;
      }
    }
    connect();  // the server closed the idle connection: once more on a fresh one
  }
  FAIL("no answer from the server for " << method << " " << target);
  return {};
}

http_reply http_client::raw(std::string_view bytes) {
  connect();
  REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(bytes.size()));
  http_reply reply = read_reply();
  connect();
  return reply;
}

std::vector<http_reply> http_client::pipelined(const std::vector<std::string>& raw_requests) {
  std::string all;
  for (const auto& r : raw_requests) all += r;
  REQUIRE(::send(fd_, all.data(), all.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(all.size()));
  std::vector<http_reply> replies;
  for (std::size_t i = 0; i < raw_requests.size(); ++i) replies.push_back(read_reply());
  return replies;
}

http_reply parse_response_head(std::string_view head_text) {
  http_reply reply;
  std::istringstream head{std::string(head_text)};
  std::string line;
  std::getline(head, line);
  REQUIRE(line.rfind("HTTP/1.1 ", 0) == 0);
  reply.status = std::atoi(line.c_str() + 9);
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(value.begin());
    reply.headers[lower(line.substr(0, colon))] = value;
  }
  return reply;
}

bool http_client::fill() {
  char chunk[65536];
  const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
  if (n <= 0) return false;
  buffer_.append(chunk, static_cast<std::size_t>(n));
  return true;
}

// The status line and headers of the next response; status 0 when the connection closed first.
http_reply http_client::read_header() {
  std::size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return {};
  }
  http_reply reply = parse_response_head(std::string_view(buffer_).substr(0, header_end));
  buffer_.erase(0, header_end + 4);
  return reply;
}

// One response from the connection; status 0 when the connection closed before one arrived.
http_reply http_client::read_reply() {
  http_reply reply = read_header();
  if (reply.status == 0) return reply;
  const std::size_t length = static_cast<std::size_t>(std::atoll(reply.header("content-length").c_str()));
  while (buffer_.size() < length) {
    if (!fill()) break;
  }
  REQUIRE(buffer_.size() >= length);
  reply.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return reply;
}

http_reply http_client::open_stream(std::string_view target,
                                    const std::vector<std::pair<std::string, std::string>>& headers) {
  connect();
  std::string text = fmt::format("GET {} HTTP/1.1\r\nHost: 127.0.0.1\r\n", target);
  for (const auto& [name, value] : headers) text += fmt::format("{}: {}\r\n", name, value);
  text += "\r\n";
  REQUIRE(::send(fd_, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size()));
  return read_header();
}

std::optional<std::string> http_client::next_chunk() {
  std::size_t line_end;
  while ((line_end = buffer_.find("\r\n")) == std::string::npos) {
    if (!fill()) return std::nullopt;
  }
  const std::size_t size = std::stoul(buffer_.substr(0, line_end), nullptr, 16);
  while (buffer_.size() < line_end + 2 + size + 2) {
    if (!fill()) return std::nullopt;
  }
  std::string data = buffer_.substr(line_end + 2, size);
  buffer_.erase(0, line_end + 2 + size + 2);
  if (size == 0) return std::nullopt;  // the last chunk
  return data;
}

served_ledger::served_ledger(const std::string& data_dir, const std::vector<std::string>& extra_flags,
                             const std::map<std::string, std::string>& env) {
  log_path_ = data_dir + ".serve.log";
  const std::string out_path = data_dir + ".serve.out";
  std::vector<std::string> args{POSLEDGER_BINARY, "serve", "--data", data_dir, "--port", "0",
                                "--listen", "127.0.0.1"};
  args.insert(args.end(), extra_flags.begin(), extra_flags.end());
  pid_ = ::fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    std::_Exit(127);
  }
  // Wait for the "listening on http://127.0.0.1:PORT" line.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(out_path);
    std::string line;
    while (std::getline(in, line)) {
      const auto at = line.find("listening on http://");
      if (at == std::string::npos) continue;
      const auto colon = line.find(':', at + 20);
      port_ = static_cast<unsigned short>(std::atoi(line.c_str() + colon + 1));
    }
    if (port_ != 0) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      FAIL("posledger serve exited during start-up: " << log());
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("posledger serve did not start listening within 60 s: " << log());
}

served_ledger::~served_ledger() { stop(); }

int served_ledger::stop() {
  if (pid_ < 0) return exit_status_;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit_status_;
}

std::string served_ledger::log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<std::string> json_string_field(const std::string& json, const std::string& name) {
  const std::string key = "\"" + name + "\":\"";
  const auto at = json.find(key);
  if (at == std::string::npos) return std::nullopt;
  const auto start = at + key.size();
  const auto end = json.find('"', start);
  if (end == std::string::npos) return std::nullopt;
  return json.substr(start, end - start);
}

std::string log_in(http_client& client, const std::string& email, const std::string& password) {
  const auto reply = client.request(
      "POST", "/api/auth/login",
      fmt::format(R"({{"email":"{}","password":"{}"}})", email, password));
  REQUIRE_MESSAGE(reply.status == 200, reply.body);
  const auto token = json_string_field(reply.body, "accessToken");
  REQUIRE(token.has_value());
  return *token;
}

std::vector<std::pair<std::string, std::string>> bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

std::string ledger_head(http_client& client) {
  const auto health = client.request("GET", "/health");
  REQUIRE(health.status == 200);
  const auto at = health.body.find("\"ledgerHead\":");
  REQUIRE(at != std::string::npos);
  return health.body.substr(at + 13, health.body.find_first_of(",}", at) - at - 13);
}

}  // namespace ledger::testing
