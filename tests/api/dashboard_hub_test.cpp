// The dashboard hub without any network (api/dashboard_hub.h): per scope the newest message
// replaces the waiting one, sequences never go back (a snapshot and the projector's pushes
// may arrive in either order), snapshots go out before updates, the session is woken once
// per batch of messages, and a stopped subscription gets nothing.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "api/dashboard_hub.h"

namespace ledger::api {
namespace {

const branch_id branch_7{7};
const branch_id branch_8{8};

std::vector<dashboard_scope> chain_and_branch_7() {
  return {dashboard_scope{std::nullopt, "chain"}, dashboard_scope{branch_7, "b-7"}};
}

std::shared_ptr<const std::string> body(int value) {
  return std::make_shared<const std::string>(fmt::format(R"({{"v":{}}})", value));
}

projections::dashboard_update push(std::optional<branch_id> scope, std::uint64_t sequence) {
  return projections::dashboard_update{scope, sequence,
                                       fmt::format(R"({{"v":{}}})", sequence)};
}

std::string message(std::string_view type, std::string_view scope, std::uint64_t sequence) {
  return fmt::format(R"({{"type":"{}","scope":"{}","sequence":{},"dashboard":{{"v":{}}}}})",
                     type, scope, sequence, sequence);
}

TEST_SUITE("dashboard hub") {
  TEST_CASE("dashboard hub: snapshots go out first, a newer push replaces the waiting one") {
    dashboard_hub hub;
    auto subscription = hub.subscribe(chain_and_branch_7());
    CHECK(hub.subscribers() == 1);
    CHECK(subscription->offer(std::nullopt, 10, body(10)));
    CHECK(subscription->offer(branch_7, 10, body(10)));
    int wakes = 0;
    subscription->start([&] { ++wakes; });
    CHECK(wakes == 1);  // the snapshots are waiting

    CHECK(subscription->next_message() == message("snapshot", "chain", 10));
    hub.publish(push(std::nullopt, 11));
    hub.publish(push(std::nullopt, 12));  // replaces 11, which was never sent
    CHECK(wakes == 1);                    // still woken: the session has not drained yet
    CHECK(subscription->next_message() == message("snapshot", "b-7", 10));  // round robin
    CHECK(subscription->next_message() == message("update", "chain", 12));
    CHECK(subscription->next_message() == std::nullopt);

    hub.publish(push(branch_7, 13));
    CHECK(wakes == 2);  // drained, then something new: woken again
    hub.publish(push(branch_7, 14));
    CHECK(wakes == 2);
    CHECK(subscription->next_message() == message("update", "b-7", 14));
    CHECK(subscription->next_message() == std::nullopt);
  }

  TEST_CASE("dashboard hub: sequences per scope only go forward") {
    dashboard_hub hub;
    auto subscription = hub.subscribe(chain_and_branch_7());
    // A push rendered after the snapshot but delivered before it: the snapshot is dropped and
    // the newer push goes out as the scope's snapshot.
    hub.publish(push(std::nullopt, 15));
    CHECK_FALSE(subscription->offer(std::nullopt, 12, body(12)));
    // A push rendered before the snapshot but delivered after it is dropped.
    CHECK(subscription->offer(branch_7, 12, body(12)));
    hub.publish(push(branch_7, 11));
    hub.publish(push(branch_7, 12));  // equal: the same state again
    subscription->start([] {});
    CHECK(subscription->next_message() == message("snapshot", "chain", 15));
    CHECK(subscription->next_message() == message("snapshot", "b-7", 12));
    CHECK(subscription->next_message() == std::nullopt);

    hub.publish(push(std::nullopt, 15));
    hub.publish(push(std::nullopt, 14));
    CHECK(subscription->next_message() == std::nullopt);
    hub.publish(push(std::nullopt, 16));
    CHECK(subscription->next_message() == message("update", "chain", 16));
  }

  TEST_CASE("dashboard hub: only the subscription's own scopes reach it") {
    dashboard_hub hub;
    auto branch_only = hub.subscribe({dashboard_scope{branch_7, "b-7"}});
    auto whole_chain = hub.subscribe(chain_and_branch_7());
    int wakes = 0;
    branch_only->start([&] { ++wakes; });
    whole_chain->start([] {});
    CHECK(wakes == 0);  // nothing was waiting
    hub.publish(push(std::nullopt, 3));
    hub.publish(push(branch_8, 4));
    CHECK(wakes == 0);
    CHECK(branch_only->next_message() == std::nullopt);
    CHECK(whole_chain->next_message() == message("snapshot", "chain", 3));
    CHECK(whole_chain->next_message() == std::nullopt);
    hub.publish(push(branch_7, 5));
    CHECK(wakes == 1);
    CHECK(branch_only->next_message() == message("snapshot", "b-7", 5));
    CHECK(whole_chain->next_message() == message("snapshot", "b-7", 5));
  }

  TEST_CASE("dashboard hub: a stopped subscription leaves the hub and gets nothing more") {
    dashboard_hub hub;
    auto first = hub.subscribe(chain_and_branch_7());
    auto second = hub.subscribe(chain_and_branch_7());
    CHECK(hub.subscribers() == 2);
    int wakes = 0;
    first->start([&] { ++wakes; });
    first->stop();
    first->stop();  // idempotent
    CHECK(hub.subscribers() == 1);
    hub.publish(push(std::nullopt, 8));
    CHECK(wakes == 0);
    CHECK_FALSE(first->offer(std::nullopt, 9, body(9)));
    CHECK(first->next_message() == std::nullopt);
    second->start([] {});
    CHECK(second->next_message() == message("snapshot", "chain", 8));
    second->stop();
    CHECK(hub.subscribers() == 0);
  }

  TEST_CASE("dashboard hub: a slow client holds one message per scope, however many pushes come") {
    dashboard_hub hub;
    auto subscription = hub.subscribe(chain_and_branch_7());
    subscription->start([] {});
    for (std::uint64_t sequence = 1; sequence <= 10'000; ++sequence) {
      hub.publish(push(std::nullopt, sequence));
      hub.publish(push(branch_7, sequence));
    }
    CHECK(subscription->next_message() == message("snapshot", "chain", 10'000));
    CHECK(subscription->next_message() == message("snapshot", "b-7", 10'000));
    CHECK(subscription->next_message() == std::nullopt);
  }
}

}  // namespace
}  // namespace ledger::api
