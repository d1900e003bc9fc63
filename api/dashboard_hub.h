#pragma once
// dashboard_hub: fans the projector's dashboard pushes (projections/projector.h,
// subscribe_dashboard) out to the live dashboard WebSockets (GET /dashboard; protocol in
// docs/api.md, "Dashboard WebSocket").
//
// Every connection holds a dashboard_subscription: the scopes it may see (the chain and/or
// branches) and, per scope, at most one message waiting to be sent.
//   * A message for a scope is kept only when its sequence is newer than everything that scope
//     already has (waiting or sent); it then replaces the waiting one. So a client sees each
//     scope's sequence strictly increase, and the snapshot rendered at connect time and the
//     projector's pushes may reach the subscription in either order.
//   * The first message sent for a scope is its "snapshot", later ones are "update"s.
//   * Scopes take turns (round robin), so every scope's snapshot goes out before any scope's
//     second message.
// A slow client therefore costs at most one waiting message per scope plus the frame being
// written, never a growing queue (the session pulls: api/websocket_types.h).
//
// The hub keeps no copy of the latest push per scope: a new connection renders its snapshot
// from the views (api/dashboard_endpoint.h), which are never behind a push.
//
// Thread-safety: publish() on the projector thread; subscribe() and subscribers() from any
// thread; a subscription follows websocket_feed's rules (offer() and stop() from any thread).
// The hub must outlive its subscriptions.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/websocket_types.h"
#include "events/ids.h"
#include "projections/projector.h"

namespace ledger::api {

// One scope of the dashboard as the messages name it.
struct dashboard_scope {
  std::optional<branch_id> branch;  // nullopt: the whole chain
  std::string name;                 // "chain", or the branch's UUID
};

class dashboard_hub;

// One connection's waiting messages (see above). Made by dashboard_hub::subscribe.
class dashboard_subscription final : public websocket_feed {
 public:
  dashboard_subscription(dashboard_hub& hub, std::vector<dashboard_scope> scopes);

  // Keeps `dashboard_json` as the waiting message of `scope` when this subscription has that
  // scope and `sequence` is newer than what the scope has; wakes the session (once started).
  // True when kept.
  bool offer(std::optional<branch_id> scope, std::uint64_t sequence,
             std::shared_ptr<const std::string> dashboard_json);

  void start(std::function<void()> wake) override;
  [[nodiscard]] std::optional<std::string> next_message() override;
  void stop() override;

 private:
  struct scope_slot {
    dashboard_scope scope;
    std::uint64_t sequence = 0;  // of the newest message kept (waiting or sent)
    std::shared_ptr<const std::string> waiting;  // the dashboard JSON; null: nothing waiting
    bool snapshot_sent = false;
  };

  dashboard_hub& hub_;
  std::mutex mutex_;
  std::vector<scope_slot> slots_;  // guarded by mutex_, like everything below
  std::size_t next_slot_ = 0;      // where the round robin goes on
  std::function<void()> wake_;
  bool started_ = false;
  bool woken_ = false;  // wake_ called and next_message() has not answered nullopt since
  bool stopped_ = false;
};

class dashboard_hub {
 public:
  dashboard_hub() = default;
  dashboard_hub(const dashboard_hub&) = delete;
  dashboard_hub& operator=(const dashboard_hub&) = delete;

  // A subscription to `scopes`, registered at once: every publish for one of them from now on
  // reaches it. Offer the snapshots before start() so they go out first.
  [[nodiscard]] std::shared_ptr<dashboard_subscription> subscribe(
      std::vector<dashboard_scope> scopes);
  // One projector push (the subscriber given to projector::subscribe_dashboard).
  void publish(const projections::dashboard_update& update);
  // Subscriptions not stopped yet (connected dashboard clients).
  [[nodiscard]] std::size_t subscribers() const;

 private:
  friend class dashboard_subscription;
  void remove(const dashboard_subscription* subscription);

  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<dashboard_subscription>> subscriptions_;  // guarded by mutex_
};

}  // namespace ledger::api
