// Writes a realistic history (bench/support/history.h) into a new ledger directory, for the
// read-side benchmarks (view rebuild throughput over millions of events).
//
//   generate_history --data DIR [--events N] [--branches N] [--products N] [--days N] [--seed N]
//                    [--snapshot-every N]
//
// DIR must be empty or absent. Prints progress to stderr about every 500,000 events and a
// summary with units at the end.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "bench/support/history.h"

namespace {

constexpr const char* usage =
    "usage: generate_history --data DIR [--events N] [--branches N] [--products N] [--days N]\n"
    "                        [--seed N] [--snapshot-every N]\n"
    "  --data DIR      new ledger directory (must be empty or absent)\n"
    "  --events N      events to write, at least (default 5000000)\n"
    "  --branches N    branches (default 5)\n"
    "  --products N    products (default 20000)\n"
    "  --days N        simulated days from 2025-01-01 (default 365)\n"
    "  --seed N        random seed (default 1); the same options give the same log\n"
    "  --snapshot-every N  ledger snapshot interval in events (default 100000)\n";

constexpr std::uint64_t report_every_events = 500'000;

std::string date_of(std::int64_t us) {
  const std::time_t seconds = static_cast<std::time_t>(us / 1'000'000);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &parts);
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  ledger::bench::history_options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(usage, stdout);
      return 0;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value\n%s", arg.c_str(), usage);
      return 2;
    }
    const std::string value = argv[++i];
    try {
      if (arg == "--data") {
        options.data_dir = value;
      } else if (arg == "--events") {
        options.target_events = std::stoull(value);
      } else if (arg == "--branches") {
        options.branches = std::stoi(value);
      } else if (arg == "--products") {
        options.products = std::stoi(value);
      } else if (arg == "--days") {
        options.days = std::stoi(value);
      } else if (arg == "--seed") {
        options.seed = std::stoull(value);
      } else if (arg == "--snapshot-every") {
        options.snapshot_every_events = std::stoull(value);
      } else {
        std::fprintf(stderr, "unknown option %s\n%s", arg.c_str(), usage);
        return 2;
      }
    } catch (const std::exception&) {
      std::fprintf(stderr, "%s: not a number: %s\n", arg.c_str(), value.c_str());
      return 2;
    }
  }
  if (options.data_dir.empty()) {
    std::fprintf(stderr, "--data DIR is required\n%s", usage);
    return 2;
  }
  std::error_code ec;
  if (std::filesystem::exists(options.data_dir, ec) &&
      !std::filesystem::is_empty(options.data_dir, ec)) {
    std::fprintf(stderr, "refusing to write into %s: the directory is not empty\n",
                 options.data_dir.c_str());
    return 1;
  }

  const auto started = std::chrono::steady_clock::now();
  std::uint64_t reported = 0;
  options.progress = [&](std::uint64_t written, std::uint64_t target) {
    if (written / report_every_events == reported) return;
    reported = written / report_every_events;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::fputs(fmt::format("generate_history: {} events, {:.0f} events/s, {:.1f} %\n", written,
                           seconds > 0 ? static_cast<double>(written) / seconds : 0.0,
                           100.0 * static_cast<double>(written) / static_cast<double>(target))
                   .c_str(),
               stderr);
  };

  ledger::bench::history_summary summary;
  try {
    summary = ledger::bench::generate_history(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "generate_history: %s\n", e.what());
    return 1;
  }

  const double rate =
      summary.seconds > 0 ? static_cast<double>(summary.events) / summary.seconds : 0;
  std::string out;
  out += fmt::format("data                {}\n", options.data_dir);
  out += fmt::format("events              {} events\n", summary.events);
  out += fmt::format("simulated span      {} .. {} UTC\n", date_of(summary.first_us),
                     date_of(summary.last_us));
  out += fmt::format("sales               {} sales ({} returns, {} cancellations)\n", summary.sales,
                     summary.returns, summary.cancellations);
  out += fmt::format("goods receipts      {} receipts\n", summary.goods_receipts);
  out += fmt::format("transfers           {} transfers\n", summary.transfers);
  out += fmt::format("stock adjustments   {} counts and stock-outs\n", summary.adjustments);
  out += fmt::format("rejected commands   {} commands\n", summary.rejected_commands);
  for (const auto& [code, count] : summary.rejections) {
    out += fmt::format("  {:<34}{}\n", code, count);
  }
  if (summary.stock_mismatches != 0) {
    out += fmt::format("stock mismatches    {} (generator mirror vs ledger)\n",
                       summary.stock_mismatches);
  }
  out += fmt::format("duration            {:.1f} s\n", summary.seconds);
  out += fmt::format("throughput          {:.0f} events/s\n", rate);
  std::fputs(out.c_str(), stdout);
  return 0;
}
