// Black-box tests of the real `posledger` binary: every subcommand answers --help with its
// flags and exit status 0; `demo` seeds the contract's demo data into an empty directory,
// refuses to seed twice, and the result passes `verify`; `export` prints one JSON line per event;
// `rebuild` folds the views from the log.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "tests/support/temp_dir.h"

namespace {

struct run_result {
  int status = -1;
  std::string output;
};

run_result run(const std::string& arguments) {
  run_result result;
  const std::string command = fmt::format("{} {} 2>&1", POSLEDGER_BINARY, arguments);
  std::FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) result.output.append(buffer, n);
  const int raw = pclose(pipe);
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return result;
}

}  // namespace

TEST_SUITE("cli/posledger") {
  TEST_CASE("every subcommand answers --help with its flags and exits 0") {
    for (const char* subcommand : {"demo", "verify", "export", "rebuild"}) {
      CAPTURE(subcommand);
      const auto result = run(fmt::format("{} --help", subcommand));
      CHECK(result.status == 0);
      CHECK(result.output.find("--data DIR") != std::string::npos);
    }
    const auto top = run("--help");
    CHECK(top.status == 0);
    CHECK(top.output.find("verify") != std::string::npos);
    CHECK(run("no-such-subcommand").status == 2);
  }

  TEST_CASE("demo seeds once, verifies, and exports one JSON line per event") {
    ledger::testing::temp_dir dir;
    const std::string data = dir.sub("data");
    const auto seeded = run(fmt::format("demo --data {}", data));
    REQUIRE_MESSAGE(seeded.status == 0, seeded.output);
    CHECK(seeded.output.find("demo data seeded") != std::string::npos);
    const auto again = run(fmt::format("demo --data {}", data));
    CHECK(again.status == 0);
    CHECK(again.output.find("not seeded again") != std::string::npos);
    const auto verified = run(fmt::format("verify --data {}", data));
    CHECK(verified.status == 0);
    CHECK(verified.output.find("result     OK") != std::string::npos);
    const auto exported = run(fmt::format("export --data {} --from 1 --to 5", data));
    CHECK(exported.status == 0);
    std::size_t lines = 0;
    for (char c : exported.output) lines += c == '\n';
    CHECK(lines == 5);
    CHECK(exported.output.find("\"type\":\"ledger_initialized\"") != std::string::npos);
    // Password hashes never leave through export.
    CHECK(exported.output.find("argon2id") == std::string::npos);
  }

  TEST_CASE("rebuild folds every view, or one, from the log; an unknown view is refused") {
    ledger::testing::temp_dir dir;
    const std::string data = dir.sub("data");
    REQUIRE(run(fmt::format("demo --data {}", data)).status == 0);
    const auto head = run(fmt::format("export --data {}", data));
    std::size_t events = 0;
    for (char c : head.output) events += c == '\n';
    REQUIRE(events > 0);

    const auto all = run(fmt::format("rebuild --data {}", data));
    CHECK_MESSAGE(all.status == 0, all.output);
    CHECK(all.output.find(fmt::format("rebuilt    all views from {} events", events)) !=
          std::string::npos);
    CHECK(all.output.find(fmt::format("views at sequence {}", events)) != std::string::npos);

    const auto audit = run(fmt::format("rebuild --data {} --view audit", data));
    CHECK_MESSAGE(audit.status == 0, audit.output);
    CHECK(audit.output.find("rebuilt    audit") != std::string::npos);

    const auto unknown = run(fmt::format("rebuild --data {} --view nonsense", data));
    CHECK(unknown.status == 2);
    CHECK(unknown.output.find("unknown view 'nonsense'") != std::string::npos);
    // The ledger itself is untouched by rebuilds.
    CHECK(run(fmt::format("verify --data {}", data)).status == 0);
  }
}
