#include "api/http_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "events/assert.h"

namespace ledger::api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = beast::error_code;

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// What every session shares: options, the handlers, the registry used by a graceful stop.
struct shared_state {
  http_server_options options;
  request_handler handler;
  transport_error_fn transport_error;
  websocket_handler upgrade;  // empty: no WebSocket
  http_server_metrics metrics;
  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> next_request_id{1};

  std::mutex mutex;
  std::condition_variable all_closed;
  // Per open connection (HTTP or WebSocket): how to stop it gracefully (it holds a weak_ptr).
  std::unordered_map<std::uint64_t, std::function<void()>> sessions;
  std::uint64_t next_session_id = 1;

  // Feeds wake their WebSocket sessions from other threads (the projector): a wake posts to
  // the io_context only while it is still running; stop() closes that door before the
  // io_context can be destroyed.
  std::mutex wake_mutex;
  bool io_stopped = false;  // guarded by wake_mutex
};

// One WebSocket connection after the upgrade: writes what the application's feed gives, one
// frame at a time (the feed keeps what waits, api/websocket_types.h), and keeps a read
// running, which ignores the client's messages and lets Beast answer pings and the close
// handshake. Ends when the read ends (client close, failure, idle time-out, our own close).
class websocket_session : public std::enable_shared_from_this<websocket_session> {
 public:
  websocket_session(beast::tcp_stream&& stream, std::shared_ptr<shared_state> state)
      : ws_(std::move(stream)), executor_(ws_.get_executor()), state_(std::move(state)) {
    state_->metrics.connections_open.fetch_add(1);
  }

  ~websocket_session() {
    if (feed_) feed_->stop();
    if (accepted_) state_->metrics.websockets_open.fetch_sub(1);
    std::lock_guard lock(state_->mutex);
    state_->sessions.erase(id_);
    state_->metrics.connections_open.fetch_sub(1);
    state_->all_closed.notify_all();
  }

  // Completes the upgrade `request`; then streams `feed`, or closes with `refusal`.
  void start(http::request<http::string_body> request, std::shared_ptr<websocket_feed> feed,
             std::optional<websocket_close> refusal) {
    feed_ = std::move(feed);
    refusal_ = std::move(refusal);
    {
      std::lock_guard lock(state_->mutex);
      id_ = state_->next_session_id++;
      state_->sessions.emplace(id_, [weak = weak_from_this()] {
        if (auto self = weak.lock()) self->go_away();
      });
    }
    const http_server_options& options = state_->options;
    beast::get_lowest_layer(ws_).expires_never();  // the WebSocket's own timeouts apply
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = options.write_timeout;  // opening and closing handshakes
    timeouts.idle_timeout = options.idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
      response.set(http::field::server, "posledger");
    }));
    ws_.read_message_max(options.websocket_message_limit);
    ws_.auto_fragment(false);  // one frame per message
    ws_.text(true);
    upgrade_request_ = std::move(request);
    ws_.async_accept(upgrade_request_, beast::bind_front_handler(&websocket_session::on_accept,
                                                                 shared_from_this()));
  }

  // Graceful stop: close with 1001 (a session still in its opening handshake closes when the
  // handshake is done: on_accept sees `stopping`).
  void go_away() {
    net::post(executor_, [self = shared_from_this()] {
      self->close(websocket_close{websocket_going_away, "The server is shutting down"});
    });
  }

 private:
  void on_accept(error_code ec) {
    upgrade_request_ = {};
    if (ec) return;  // Beast answered the bad handshake; the session ends here
    accepted_ = true;
    state_->metrics.websockets_accepted.fetch_add(1);
    state_->metrics.websockets_open.fetch_add(1);
    if (refusal_) return close(*refusal_);
    if (state_->stopping.load()) {
      return close(websocket_close{websocket_going_away, "The server is shutting down"});
    }
    do_read();
    feed_->start(wake_function());
  }

  // Called by the feed from any thread: pull on the connection's context, if the server still
  // runs.
  std::function<void()> wake_function() {
    return [weak = weak_from_this(), state = state_] {
      std::lock_guard lock(state->wake_mutex);
      if (state->io_stopped) return;
      auto self = weak.lock();
      if (!self) return;
      const auto executor = self->executor_;
      // `self` moves into the handler: the last reference is never dropped here, under the
      // feed's caller.
      net::post(executor, [self = std::move(self)] { self->pull(); });
    };
  }

  void pull() {
    if (writing_ || closing_ || ended_) return;
    std::optional<std::string> message = feed_->next_message();
    if (!message) return;
    outgoing_ = std::move(*message);
    writing_ = true;
    ws_.async_write(net::buffer(outgoing_), beast::bind_front_handler(&websocket_session::on_write,
                                                                       shared_from_this()));
  }

  void on_write(error_code ec, std::size_t) {
    writing_ = false;
    outgoing_.clear();
    if (ec) return end();
    pull();
  }

  void do_read() {
    incoming_.clear();
    ws_.async_read(incoming_, beast::bind_front_handler(&websocket_session::on_read,
                                                        shared_from_this()));
  }

  void on_read(error_code ec, std::size_t) {
    if (ec) return end();  // closed (either side), failed, timed out, message too large
    do_read();             // client messages are ignored
  }

  void close(const websocket_close& reason) {
    if (!accepted_ || closing_ || ended_) return;
    closing_ = true;
    const std::string_view text = std::string_view(reason.reason).substr(0, 123);
    ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(reason.code), text),
                    [self = shared_from_this()](error_code) { self->end(); });
  }

  void end() {
    ended_ = true;
    if (feed_) feed_->stop();
  }

  websocket::stream<beast::tcp_stream> ws_;
  net::any_io_executor executor_;  // the connection's io_context (one thread)
  std::shared_ptr<shared_state> state_;
  std::shared_ptr<websocket_feed> feed_;
  std::optional<websocket_close> refusal_;
  http::request<http::string_body> upgrade_request_;
  beast::flat_buffer incoming_;
  std::string outgoing_;
  std::uint64_t id_ = 0;
  bool accepted_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool ended_ = false;
};

// One connection: read a request, hand it to the application, write its response, repeat.
class http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(tcp::socket&& socket, std::shared_ptr<shared_state> state)
      : stream_(std::move(socket)), executor_(stream_.get_executor()), state_(std::move(state)) {
    error_code ec;
    const auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ip_ = endpoint.address().to_string();
  }

  ~http_session() {
    std::lock_guard lock(state_->mutex);
    state_->sessions.erase(id_);
    state_->metrics.connections_open.fetch_sub(1);
    state_->all_closed.notify_all();
  }

  void start() {
    {
      std::lock_guard lock(state_->mutex);
      id_ = state_->next_session_id++;
      state_->sessions.emplace(id_, [weak = weak_from_this()] {
        if (auto self = weak.lock()) self->close_if_idle();
      });
    }
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&http_session::do_read, shared_from_this()));
  }

  // Graceful stop: an idle connection closes now; a busy one closes after its response. (A
  // connection handed to a websocket_session is never idle again: its stream moved out.)
  void close_if_idle() {
    net::post(executor_, [self = shared_from_this()] {
      if (self->idle_) self->do_close();
    });
  }

 private:
  void do_read() {
    if (state_->stopping.load()) return do_close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_->options.header_limit));
    parser_->body_limit(state_->options.body_limit);
    idle_ = true;
    stream_.expires_after(state_->options.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&http_session::on_header, shared_from_this()));
  }

  void on_header(error_code ec, std::size_t) {
    idle_ = false;
    if (ec) return on_read_error(ec);
    stream_.expires_after(state_->options.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&http_session::on_read, shared_from_this()));
  }

  void on_read(error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    stream_.expires_never();  // the handler may take a while (durable commit); no read runs
    http::request<http::string_body> message = parser_->release();
    keep_alive_ = message.keep_alive();
    if (state_->upgrade && websocket::is_upgrade(message)) return upgrade(std::move(message));
    http_request request = to_request(message);
    auto self = shared_from_this();
    state_->handler(std::move(request), [self](http_response response) {
      net::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->do_write(std::move(response));
      });
    });
  }

  // A WebSocket upgrade: the application refuses it (an HTTP answer on this connection), or
  // the connection becomes a websocket_session (this session ends: no read follows).
  void upgrade(http::request<http::string_body> message) {
    http_request request = to_request(message);
    if (state_->stopping.load()) {
      http_response refusal = state_->transport_error(503, "The server is shutting down", request);
      refusal.close = true;
      return do_write(std::move(refusal));
    }
    websocket_decision decision = state_->upgrade(request);
    if (auto* refusal = std::get_if<http_response>(&decision)) {
      return do_write(std::move(*refusal));
    }
    std::shared_ptr<websocket_feed> feed;
    std::optional<websocket_close> close;
    if (auto* accepted = std::get_if<std::shared_ptr<websocket_feed>>(&decision)) {
      feed = std::move(*accepted);
      LEDGER_ASSERT(feed != nullptr, "websocket handler accepted {} without a feed", request.path);
    } else {
      close = std::get<websocket_close>(std::move(decision));
    }
    std::make_shared<websocket_session>(std::move(stream_), state_)
        ->start(std::move(message), std::move(feed), std::move(close));
  }

  void on_read_error(error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset ||
        ec == net::error::eof) {
      return do_close();
    }
    // The request cannot be handled; answer once (with the application's error body) and
    // close, because the stream's framing can no longer be trusted.
    http_request request;
    request.id = state_->next_request_id.fetch_add(1);
    request.remote_ip = remote_ip_;
    request.received_at_us = now_us();
    if (parser_ && parser_->is_header_done()) {
      const auto& header = parser_->get();
      request.method = std::string(header.method_string());
      request.target = std::string(header.target());
    }
    const bool too_large = ec == http::error::body_limit || ec == http::error::header_limit;
    http_response response = state_->transport_error(
        too_large ? 413 : 400,
        too_large ? (ec == http::error::body_limit ? "Request body is too large"
                                                   : "Request header is too large")
                  : "Malformed HTTP request",
        request);
    response.close = true;
    keep_alive_ = false;
    do_write(std::move(response));
  }

  http_request to_request(const http::request<http::string_body>& message) {
    http_request request;
    request.id = state_->next_request_id.fetch_add(1);
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    const auto question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos) request.query = request.target.substr(question + 1);
    request.headers.reserve(8);
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& c : name) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      request.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    request.body = message.body();
    request.remote_ip = remote_ip_;
    request.received_at_us = now_us();
    return request;
  }

  void do_write(http_response response) {
    if (response.stream) return start_stream(std::move(response));
    const bool close = response.close || !keep_alive_ || state_->stopping.load();
    auto message = std::make_shared<http::response<http::string_body>>();
    message->version(11);
    message->result(response.status);
    message->set(http::field::server, "posledger");
    if (!response.content_type.empty()) {
      message->set(http::field::content_type, response.content_type);
    }
    for (auto& [name, value] : response.headers) message->set(name, value);
    message->body() = std::move(response.body);
    message->keep_alive(!close);
    message->prepare_payload();
    stream_.expires_after(state_->options.write_timeout);
    http::async_write(stream_, *message,
                      [self = shared_from_this(), message, close](error_code ec, std::size_t) {
                        self->on_write(ec, close);
                      });
  }

  void on_write(error_code ec, bool close) {
    if (ec || close) return do_close();
    do_read();
  }

  // A body produced over time (http_types.h body_stream): the header, then one chunk per
  // delivery, then the last chunk; the connection closes after it (no request follows).
  void start_stream(http_response response) {
    auto header = std::make_shared<http::response<http::empty_body>>();
    header->version(11);
    header->result(response.status);
    header->set(http::field::server, "posledger");
    header->set(http::field::content_type, response.content_type);
    for (auto& [name, value] : response.headers) header->set(name, value);
    header->keep_alive(false);
    header->chunked(true);
    auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*header);
    stream_.expires_after(state_->options.write_timeout);
    http::async_write_header(
        stream_, *serializer,
        [self = shared_from_this(), header, serializer, body = std::move(response.stream)](
            error_code ec, std::size_t) {
          if (ec) return self->do_close();
          self->next_chunk(body);
        });
  }

  void next_chunk(const std::shared_ptr<body_stream>& body) {
    stream_.expires_never();  // waiting for the producer, which sends heartbeats when idle
    body->next([self = shared_from_this(), body](std::optional<std::string> chunk) {
      net::post(self->executor_, [self, body, chunk = std::move(chunk)]() mutable {
        self->write_chunk(body, std::move(chunk));
      });
    });
  }

  void write_chunk(const std::shared_ptr<body_stream>& body, std::optional<std::string> chunk) {
    stream_.expires_after(state_->options.write_timeout);
    if (!chunk) {
      return net::async_write(stream_, http::make_chunk_last(),
                              [self = shared_from_this()](error_code, std::size_t) {
                                self->do_close();
                              });
    }
    LEDGER_ASSERT(!chunk->empty(), "an empty chunk would end the body");
    auto data = std::make_shared<std::string>(std::move(*chunk));
    net::async_write(stream_, http::make_chunk(net::buffer(*data)),
                     [self = shared_from_this(), body, data](error_code ec, std::size_t) {
                       if (ec) return self->do_close();
                       self->next_chunk(body);
                     });
  }

  void do_close() {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  // The connection's io_context, run by one thread (stream_ may move to a WebSocket).
  net::any_io_executor executor_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<shared_state> state_;
  std::string remote_ip_;
  std::uint64_t id_ = 0;
  bool keep_alive_ = true;
  bool idle_ = false;  // waiting for the next request's header
};

}  // namespace

// One io_context per thread, each run by its thread alone: a connection lives on one context
// for its whole life, so its handlers never run concurrently (no strand needed) and the
// contexts share no scheduler lock. Accepted connections are dealt to the contexts in turn;
// other threads (the projector, the work pool, the feed) reach a connection by posting to its
// context's executor.
struct http_server::impl {
  std::shared_ptr<shared_state> state = std::make_shared<shared_state>();
  std::vector<std::unique_ptr<net::io_context>> contexts;
  std::size_t next_context = 0;  // the accepting context's thread only
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> work;
  bool started = false;
  bool stopped = false;

  void do_accept() {
    net::io_context& home = *contexts[next_context];
    next_context = (next_context + 1) % contexts.size();
    acceptor->async_accept(home.get_executor(), [this](error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
        return do_accept();  // e.g. too many open files: keep listening
      }
      if (state->stopping.load()) return;
      const auto open = state->metrics.connections_open.fetch_add(1);
      if (static_cast<std::size_t>(open) >= state->options.max_connections) {
        state->metrics.connections_open.fetch_sub(1);
        state->metrics.connections_refused.fetch_add(1);
        error_code ignored;
        socket.close(ignored);
      } else {
        state->metrics.connections_accepted.fetch_add(1);
        std::make_shared<http_session>(std::move(socket), state)->start();
      }
      do_accept();
    });
  }
};

http_server::http_server(http_server_options options, request_handler handler,
                         transport_error_fn transport_error, websocket_handler upgrade)
    : impl_(std::make_unique<impl>()) {
  LEDGER_ASSERT(handler && transport_error, "http_server needs a handler and an error renderer");
  impl_->state->options = std::move(options);
  impl_->state->handler = std::move(handler);
  impl_->state->transport_error = std::move(transport_error);
  impl_->state->upgrade = std::move(upgrade);
}

http_server::~http_server() { stop(); }

unsigned short http_server::start(std::string& error) {
  LEDGER_ASSERT(!impl_->started, "http_server started twice");
  const auto& options = impl_->state->options;
  error_code ec;
  const auto address = net::ip::make_address(options.address, ec);
  if (ec) {
    error = "invalid listen address " + options.address + ": " + ec.message();
    return 0;
  }
  const tcp::endpoint endpoint(address, options.port);
  unsigned threads = options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < threads; ++i) {
    impl_->contexts.push_back(std::make_unique<net::io_context>(1));  // run by one thread
  }
  impl_->acceptor.emplace(*impl_->contexts.front());
  auto& acceptor = *impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot listen on " + options.address + ":" + std::to_string(options.port) + ": " +
            ec.message();
    return 0;
  }
  const unsigned short port = acceptor.local_endpoint().port();
  impl_->started = true;
  for (auto& context : impl_->contexts) impl_->work.push_back(net::make_work_guard(*context));
  impl_->do_accept();
  for (auto& context : impl_->contexts) {
    impl_->threads.emplace_back([&io = *context] { io.run(); });
  }
  return port;
}

void http_server::wait_for_signal() {
  net::io_context signals_io;
  net::signal_set signals(signals_io, SIGINT, SIGTERM);
  signals.async_wait([](error_code, int) {});
  signals_io.run();
}

void http_server::stop() {
  if (!impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  auto& state = *impl_->state;
  state.stopping.store(true);
  net::post(*impl_->contexts.front(), [this] {
    error_code ignored;
    impl_->acceptor->close(ignored);
  });
  std::vector<std::function<void()>> open;
  {
    std::lock_guard lock(state.mutex);
    for (const auto& [id, stop_gracefully] : state.sessions) open.push_back(stop_gracefully);
  }
  for (const auto& stop_gracefully : open) stop_gracefully();
  open.clear();
  {
    std::unique_lock lock(state.mutex);
    state.all_closed.wait_for(lock, state.options.drain_timeout,
                              [&] { return state.metrics.connections_open.load() == 0; });
  }
  impl_->work.clear();
  for (auto& context : impl_->contexts) context->stop();
  for (auto& thread : impl_->threads) thread.join();
  impl_->threads.clear();
  std::lock_guard lock(state.wake_mutex);
  state.io_stopped = true;  // sessions left in the io_context die with it; no wake posts now
}

const http_server_metrics& http_server::metrics() const { return impl_->state->metrics; }

}  // namespace ledger::api
