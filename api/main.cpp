// posledger: one binary, one subcommand per job. Every subcommand answers --help.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "api/demo_data.h"
#include "api/serve.h"
#include "engine/ledger.h"
#include "engine/verify.h"
#include "projections/rebuild.h"

namespace {

using namespace ledger;

struct subcommand {
  const char* name;
  const char* summary;
  const char* usage;
  int (*run)(const std::map<std::string, std::string>& flags);
};

std::string data_dir(const std::map<std::string, std::string>& flags) {
  if (const auto it = flags.find("data"); it != flags.end()) return it->second;
  if (const char* env = std::getenv("DATA_DIR"); env != nullptr && *env != '\0') return env;
  return "./data";
}

std::optional<std::uint64_t> number_flag(const std::map<std::string, std::string>& flags,
                                         const char* name) {
  const auto it = flags.find(name);
  if (it == flags.end()) return std::nullopt;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(it->second.c_str(), &end, 10);
  if (end == it->second.c_str() || *end != '\0') {
    std::fprintf(stderr, "posledger: --%s needs a number, got '%s'\n", name, it->second.c_str());
    std::exit(2);
  }
  return value;
}

int run_demo(const std::map<std::string, std::string>& flags) {
  engine::ledger_options options;
  options.data_dir = data_dir(flags);
  std::string error;
  auto host = engine::ledger_host::open(options, error);
  if (!host) {
    std::fprintf(stderr, "posledger: %s\n", error.c_str());
    return 1;
  }
  if (host->processor().head_sequence() != 0) {
    std::printf("posledger: %s already holds %llu events; demo data not seeded again\n",
                options.data_dir.c_str(),
                static_cast<unsigned long long>(host->processor().head_sequence()));
    return 0;
  }
  const std::string failed = api::seed_demo_data(host->processor());
  if (!failed.empty()) {
    std::fprintf(stderr, "posledger: demo seed failed: %s\n", failed.c_str());
    return 1;
  }
  std::printf("posledger: demo data seeded into %s: %llu events (5 branches, 6 users, 20 products, "
              "opening stock, 2 customers, 3 suppliers, PO-SAMPLE-001)\n",
              options.data_dir.c_str(),
              static_cast<unsigned long long>(host->processor().head_sequence()));
  return 0;
}

int run_verify(const std::map<std::string, std::string>& flags) {
  const std::string dir = data_dir(flags);
  std::string error;
  auto store = engine::event_store::open(engine::store_options{dir, false, true}, error);
  if (!store) {
    std::fprintf(stderr, "posledger: %s\n", error.c_str());
    return 1;
  }
  const auto report = engine::verify_ledger(*store, [](std::uint64_t at) {
    std::fprintf(stderr, "posledger: verified up to %llu\n", static_cast<unsigned long long>(at));
  });
  std::printf("ledger     %s\n", dir.c_str());
  std::printf("events     %llu verified of %llu stored\n",
              static_cast<unsigned long long>(report.events),
              static_cast<unsigned long long>(report.log_end));
  std::printf("head hash  %s\n", events::to_hex(report.head_hash).c_str());
  if (report.snapshot_sequence) {
    std::printf("snapshot   at %llu: %s\n", static_cast<unsigned long long>(*report.snapshot_sequence),
                report.snapshot_matches ? "equal to the replayed state" : "MISMATCH");
  } else {
    std::printf("snapshot   none stored\n");
  }
  if (report.problem) {
    std::printf("problem    at sequence %llu: %s\n",
                static_cast<unsigned long long>(report.problem->sequence),
                report.problem->reason.c_str());
  }
  std::printf("result     %s\n", report.ok() ? "OK" : "FAILED");
  return report.ok() ? 0 : 1;
}

int run_export(const std::map<std::string, std::string>& flags) {
  std::string error;
  auto store = engine::event_store::open(engine::store_options{data_dir(flags), false, true}, error);
  if (!store) {
    std::fprintf(stderr, "posledger: %s\n", error.c_str());
    return 1;
  }
  const std::uint64_t from = std::max<std::uint64_t>(number_flag(flags, "from").value_or(1), 1);
  const std::uint64_t to = number_flag(flags, "to").value_or(store->last_sequence());
  std::ios::sync_with_stdio(false);
  const auto problem = engine::export_events(*store, from, to, std::cout);
  std::cout.flush();
  if (problem) {
    std::fprintf(stderr, "posledger: export stopped at sequence %llu: %s\n",
                 static_cast<unsigned long long>(problem->sequence), problem->reason.c_str());
    return 1;
  }
  return 0;
}

int run_rebuild(const std::map<std::string, std::string>& flags) {
  std::optional<projections::section> only;
  if (const auto it = flags.find("view"); it != flags.end()) {
    only = projections::parse_section(it->second);
    if (!only) {
      std::fprintf(stderr,
                   "posledger rebuild: unknown view '%s' (catalog, sales, inventory, procurement, "
                   "loyalty, audit)\n",
                   it->second.c_str());
      return 2;
    }
  }
  std::string error;
  auto store = engine::event_store::open(engine::store_options{data_dir(flags), false, true}, error);
  if (!store) {
    std::fprintf(stderr, "posledger: %s\n", error.c_str());
    return 1;
  }
  const auto result = projections::rebuild_views(
      *store, only,
      [](const projections::rebuild_progress& p) {
        const double rate = p.seconds > 0 ? static_cast<double>(p.sequence) / p.seconds : 0;
        const double percent =
            p.target == 0 ? 100.0 : 100.0 * static_cast<double>(p.sequence) / static_cast<double>(p.target);
        const double eta = rate > 0 ? static_cast<double>(p.target - p.sequence) / rate : 0;
        std::fprintf(stderr, "posledger rebuild: %llu/%llu events (%.1f %%), %.0f events/s, ETA %.1f s\n",
                     static_cast<unsigned long long>(p.sequence),
                     static_cast<unsigned long long>(p.target), percent, rate, eta);
      },
      [](const std::string& line) { std::fprintf(stderr, "posledger: %s\n", line.c_str()); });
  if (!result.error.empty()) {
    std::fprintf(stderr, "posledger rebuild: %s\n", result.error.c_str());
    return 1;
  }
  const auto per_second = [&](double seconds) {
    return seconds > 0 ? static_cast<double>(result.events) / seconds : 0.0;
  };
  std::printf(
      "rebuilt    %s from %llu events in %.2f s (%.0f events/s; folding %.2f s, %.0f events/s, "
      "then the view snapshot); views at sequence %llu\n",
      only ? std::string(projections::name_of(*only)).c_str() : "all views",
      static_cast<unsigned long long>(result.events), result.seconds, per_second(result.seconds),
      result.fold_seconds, per_second(result.fold_seconds),
      static_cast<unsigned long long>(result.sequence));
  return 0;
}

const subcommand subcommands[] = {
    {"serve", "run the HTTP API (api-contract) and the dashboard feed over the ledger",
     "posledger serve [--demo] [--data DIR] [--port N] [--listen ADDRESS] [--threads N]\n"
     "  --demo           seed the demo data into an empty ledger; keep generated JWT secrets in\n"
     "                   DIR/demo-secrets when JWT_SECRET / JWT_REFRESH_SECRET are not set\n"
     "  --data DIR       ledger directory (default $DATA_DIR or ./data)\n"
     "  --port N         listening port (default $PORT or 3001; 0 = any free port)\n"
     "  --listen ADDR    listening address (default $LISTEN_ADDRESS or 0.0.0.0)\n"
     "  --threads N      HTTP threads (default $HTTP_THREADS or one per core)\n"
     "  Environment: JWT_SECRET, JWT_REFRESH_SECRET (required without --demo), JWT_EXPIRES_IN (8h),\n"
     "  JWT_REFRESH_EXPIRES_IN (7d), CORS_ORIGIN, RATE_LIMIT_LOGIN_PER_MIN (30), RATE_LIMIT_PER_MIN\n"
     "  (120). Stops gracefully on SIGINT/SIGTERM.\n",
     api::run_serve},
    {"demo", "create a ledger with the demo data (api-contract section 12) in an empty directory",
     "posledger demo [--data DIR]\n"
     "  --data DIR   ledger directory (default $DATA_DIR or ./data); seeded only when empty\n",
     run_demo},
    {"verify", "check the hash chain, replay the log and compare it with the newest snapshot",
     "posledger verify [--data DIR]\n"
     "  --data DIR   ledger directory (default $DATA_DIR or ./data)\n"
     "  Exit status 0 when everything verifies, 1 on the first problem (printed with its sequence).\n",
     run_verify},
    {"export", "write events as JSON lines for auditors and analysts",
     "posledger export [--data DIR] [--from SEQ] [--to SEQ]\n"
     "  --data DIR   ledger directory (default $DATA_DIR or ./data)\n"
     "  --from SEQ   first sequence (default 1)\n"
     "  --to SEQ     last sequence (default: the head)\n"
     "  Password and token hashes are never exported.\n",
     run_export},
    {"rebuild", "drop the query views and rebuild them from the log",
     "posledger rebuild [--data DIR] [--view NAME]\n"
     "  --data DIR   ledger directory (default $DATA_DIR or ./data); the server must be stopped\n"
     "  --view NAME  rebuild one view only: catalog, sales, inventory, procurement, loyalty, audit\n"
     "               (default: all)\n"
     "  Prints progress (events/s, percent, ETA) on long runs and stores a fresh view snapshot.\n",
     run_rebuild},
};

void print_usage() {
  std::printf("posledger: an event-sourced point-of-sale and inventory ledger\n\nsubcommands:\n");
  for (const auto& command : subcommands) std::printf("  %-8s %s\n", command.name, command.summary);
  std::printf("\nposledger SUBCOMMAND --help shows a subcommand's flags.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "help") == 0) {
    print_usage();
    return argc < 2 ? 2 : 0;
  }
  for (const auto& command : subcommands) {
    if (std::strcmp(argv[1], command.name) != 0) continue;
    std::map<std::string, std::string> flags;
    for (int i = 2; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg == "--help" || arg == "-h") {
        std::printf("%s\n%s", command.summary, command.usage);
        return 0;
      }
      if (arg == "--demo") {  // the one flag without a value
        flags["demo"] = "1";
        continue;
      }
      if (arg.rfind("--", 0) != 0 || i + 1 >= argc) {
        std::fprintf(stderr, "posledger %s: unexpected argument '%s'\n%s", command.name, arg.c_str(),
                     command.usage);
        return 2;
      }
      flags[arg.substr(2)] = argv[++i];
    }
    return command.run(flags);
  }
  std::fprintf(stderr, "posledger: unknown subcommand '%s'\n", argv[1]);
  print_usage();
  return 2;
}
