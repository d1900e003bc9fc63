#include "api/serve.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/dashboard_endpoint.h"
#include "api/dashboard_hub.h"
#include "api/demo_data.h"
#include "api/http_server.h"
#include "api/jwt.h"
#include "projections/report_queries.h"

namespace ledger::api {
namespace {

std::optional<long long> parse_number(std::string_view text) {
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// flags win over the environment; nullptr when neither has it.
std::optional<std::string> setting(const std::map<std::string, std::string>& flags,
                                   const char* flag,
                                   const std::function<const char*(const char*)>& getenv,
                                   const char* variable) {
  if (flag != nullptr) {
    if (const auto it = flags.find(flag); it != flags.end()) return it->second;
  }
  if (variable != nullptr) {
    if (const char* value = getenv(variable); value != nullptr && *value != '\0') return value;
  }
  return std::nullopt;
}

bool positive_setting(const std::optional<std::string>& text, const char* name, long long max,
                      long long& out, std::string& error) {
  if (!text) return true;
  const auto value = parse_number(*text);
  if (!value || *value <= 0 || *value > max) {
    error = fmt::format("{} must be a whole number from 1 to {}, got '{}'", name, max, *text);
    return false;
  }
  out = *value;
  return true;
}

}  // namespace

std::optional<server_config> load_server_config(
    const std::map<std::string, std::string>& flags,
    const std::function<const char*(const char*)>& getenv, std::string& error) {
  server_config config;
  config.demo = flags.contains("demo");
  if (auto dir = setting(flags, "data", getenv, "DATA_DIR")) config.data_dir = *dir;
  if (auto address = setting(flags, "listen", getenv, "LISTEN_ADDRESS")) {
    config.listen_address = *address;
  }
  long long number = config.port;
  if (auto port = setting(flags, "port", getenv, "PORT")) {
    const auto value = parse_number(*port);
    if (!value || *value < 0 || *value > 65535) {
      error = fmt::format("PORT must be a number from 0 to 65535, got '{}'", *port);
      return std::nullopt;
    }
    number = *value;
  }
  config.port = static_cast<unsigned short>(number);
  number = 0;
  if (!positive_setting(setting(flags, "threads", getenv, "HTTP_THREADS"), "HTTP_THREADS", 256,
                        number, error)) {
    return std::nullopt;
  }
  config.threads = static_cast<unsigned>(number);
  number = config.rate_limit_login_per_min;
  if (!positive_setting(setting(flags, nullptr, getenv, "RATE_LIMIT_LOGIN_PER_MIN"),
                        "RATE_LIMIT_LOGIN_PER_MIN", 100'000'000, number, error)) {
    return std::nullopt;
  }
  config.rate_limit_login_per_min = static_cast<int>(number);
  number = config.rate_limit_per_min;
  if (!positive_setting(setting(flags, nullptr, getenv, "RATE_LIMIT_PER_MIN"),
                        "RATE_LIMIT_PER_MIN", 100'000'000, number, error)) {
    return std::nullopt;
  }
  config.rate_limit_per_min = static_cast<int>(number);
  for (const auto& [variable, target] :
       {std::pair{"JWT_EXPIRES_IN", &config.access_lifetime_s},
        std::pair{"JWT_REFRESH_EXPIRES_IN", &config.refresh_lifetime_s}}) {
    if (auto text = setting(flags, nullptr, getenv, variable)) {
      const auto seconds = parse_duration_seconds(*text);
      if (!seconds) {
        error = fmt::format("{} must be a duration such as 8h, 7d, 15m or 3600s, got '{}'",
                            variable, *text);
        return std::nullopt;
      }
      *target = *seconds;
    }
  }
  if (auto origins = setting(flags, nullptr, getenv, "CORS_ORIGIN")) {
    config.cors_origins.clear();
    std::string_view rest = *origins;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      std::string_view origin = rest.substr(0, comma);
      while (!origin.empty() && origin.front() == ' ') origin.remove_prefix(1);
      while (!origin.empty() && origin.back() == ' ') origin.remove_suffix(1);
      if (!origin.empty()) config.cors_origins.emplace_back(origin);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (auto secret = setting(flags, nullptr, getenv, "JWT_SECRET")) config.jwt_secret = *secret;
  if (auto secret = setting(flags, nullptr, getenv, "JWT_REFRESH_SECRET")) {
    config.jwt_refresh_secret = *secret;
  }
  if (!config.demo && (config.jwt_secret.empty() || config.jwt_refresh_secret.empty())) {
    error = "JWT_SECRET and JWT_REFRESH_SECRET must be set (or run with --demo, which keeps "
            "generated secrets in the data directory)";
    return std::nullopt;
  }
  return config;
}

bool load_or_create_demo_secrets(server_config& config, std::string& error) {
  if (!config.jwt_secret.empty() && !config.jwt_refresh_secret.empty()) return true;
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  const std::string path = config.data_dir + "/demo-secrets";
  std::string access;
  std::string refresh;
  if (std::ifstream in(path); in) {
    std::getline(in, access);
    std::getline(in, refresh);
  }
  if (access.size() < 32 || refresh.size() < 32) {
    access = random_hex(32);
    refresh = random_hex(32);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
      error = "cannot write " + path;
      return false;
    }
    const std::string text = access + "\n" + refresh + "\n";
    const bool written = ::write(fd, text.data(), text.size()) ==
                         static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::fchmod(fd, 0600);
    ::close(fd);
    if (!written) {
      error = "cannot write " + path;
      return false;
    }
  }
  if (config.jwt_secret.empty()) config.jwt_secret = access;
  if (config.jwt_refresh_secret.empty()) config.jwt_refresh_secret = refresh;
  return true;
}

int run_serve(const std::map<std::string, std::string>& flags) {
  std::string error;
  auto config = load_server_config(
      flags, [](const char* name) { return std::getenv(name); }, error);
  if (!config) {
    std::fprintf(stderr, "posledger serve: %s\n", error.c_str());
    return 2;
  }
  if (config->demo && !load_or_create_demo_secrets(*config, error)) {
    std::fprintf(stderr, "posledger serve: %s\n", error.c_str());
    return 1;
  }

  // Start-up: the write model and the views recover side by side (two snapshot decodes).
  engine::ledger_options options;
  options.data_dir = config->data_dir;
  options.start_writer = false;
  // The live dashboard's fan-out; declared first, so it outlives the projector thread that
  // publishes into it and the WebSocket sessions that subscribe to it.
  dashboard_hub dashboard_feed;
  std::unique_ptr<projections::projector> views;
  std::string views_error;
  projections::projector_options view_options;
  view_options.render_dashboard = [](const projections::view_state& state,
                                     std::optional<branch_id> scope, std::int64_t now_us) {
    return projections::dashboard(state, scope, now_us);
  };
  options.recover_alongside = [&](engine::event_store& store) {
    views = std::make_unique<projections::projector>(store, view_options);
    if (!views->recover(views_error)) views.reset();
  };
  auto host = engine::ledger_host::open(options, error);
  if (!host) {
    std::fprintf(stderr, "posledger serve: %s\n", error.c_str());
    return 1;
  }
  if (!views) {
    std::fprintf(stderr, "posledger serve: views: %s\n", views_error.c_str());
    return 1;
  }
  views->subscribe_dashboard(
      [&dashboard_feed](const projections::dashboard_update& update) {
        dashboard_feed.publish(update);
      });
  views->attach(host->processor());
  host->start();
  views->start();

  if (config->demo && host->processor().head_sequence() == 0) {
    const std::string failed = seed_demo_data(host->processor());
    if (!failed.empty()) {
      std::fprintf(stderr, "posledger serve: demo seed failed: %s\n", failed.c_str());
      return 1;
    }
    std::fprintf(stderr, "posledger serve: demo data seeded into %s (%llu events)\n",
                 config->data_dir.c_str(),
                 static_cast<unsigned long long>(host->processor().head_sequence()));
  }

  server_app app(*config, *host, *views);
  http_server_options server_options;
  server_options.address = config->listen_address;
  server_options.port = config->port;
  server_options.threads = config->threads;
  server_options.body_limit = config->body_limit;
  http_server server(
      server_options,
      [&app](http_request request, respond_fn respond) {
        app.handle(std::move(request), std::move(respond));
      },
      [&app](unsigned status, std::string_view message, const http_request& request) {
        return app.transport_error(status, message, request);
      },
      dashboard_websocket(app, dashboard_feed));
  app.add_metrics_source([&server](std::string& out) {
    const http_server_metrics& transport = server.metrics();
    append_metric_header(out, "posledger_http_connections_open", "gauge",
                         "Open client connections (WebSockets included)");
    append_metric(out, "posledger_http_connections_open", "",
                  static_cast<std::uint64_t>(std::max<std::int64_t>(0, transport.connections_open.load())));
    append_metric_header(out, "posledger_websocket_clients", "gauge",
                         "Connected dashboard WebSocket clients");
    append_metric(out, "posledger_websocket_clients", "",
                  static_cast<std::uint64_t>(std::max<std::int64_t>(0, transport.websockets_open.load())));
  });
  const unsigned short port = server.start(error);
  if (port == 0) {
    std::fprintf(stderr, "posledger serve: %s\n", error.c_str());
    return 1;
  }
  std::printf("posledger: listening on http://%s:%u (data %s, ledger head %llu)\n",
              config->listen_address.c_str(), port, config->data_dir.c_str(),
              static_cast<unsigned long long>(host->processor().head_sequence()));
  std::fflush(stdout);

  server.wait_for_signal();
  std::fprintf(stderr, "posledger serve: stopping (finishing in-flight requests)\n");
  app.stop_streams();  // open event streams end, so their connections can drain
  server.stop();  // also closes the dashboard WebSockets (1001): their subscriptions end
  app.blocking_work().stop();  // nothing may answer through the closed server after this
  host->stop();   // the writer drains its queue and takes its final snapshot
  // The projector folds what is left (answers of commands still in flight are posted into the
  // stopped I/O contexts and dropped with them) and takes its final view snapshot. Every batch
  // is published before host->stop() returns, so no answer is left waiting.
  views->stop();
  std::fprintf(stderr, "posledger serve: stopped\n");
  return 0;
}

}  // namespace ledger::api
