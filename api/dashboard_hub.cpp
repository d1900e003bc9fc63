#include "api/dashboard_hub.h"

#include <algorithm>
#include <utility>

#include "projections/json_writer.h"

namespace ledger::api {
namespace {

// {"type":"snapshot"|"update","scope":"chain"|"<uuid>","sequence":N,"dashboard":{...}}
std::string dashboard_message(bool snapshot, const dashboard_scope& scope, std::uint64_t sequence,
                              const std::string& dashboard_json) {
  projections::json_writer json;
  json.reserve(dashboard_json.size() + 128);
  json.begin_object()
      .string_field("type", snapshot ? "snapshot" : "update")
      .string_field("scope", scope.name)
      .integer_field("sequence", static_cast<std::int64_t>(sequence))
      .raw_field("dashboard", dashboard_json)
      .end_object();
  return json.take();
}

}  // namespace

dashboard_subscription::dashboard_subscription(dashboard_hub& hub,
                                               std::vector<dashboard_scope> scopes)
    : hub_(hub) {
  slots_.reserve(scopes.size());
  for (auto& scope : scopes) slots_.push_back(scope_slot{std::move(scope), 0, nullptr, false});
}

bool dashboard_subscription::offer(std::optional<branch_id> scope, std::uint64_t sequence,
                                   std::shared_ptr<const std::string> dashboard_json) {
  std::function<void()> wake;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return false;
    const auto slot = std::find_if(slots_.begin(), slots_.end(),
                                   [&](const scope_slot& s) { return s.scope.branch == scope; });
    if (slot == slots_.end() || sequence <= slot->sequence) return false;
    slot->sequence = sequence;
    slot->waiting = std::move(dashboard_json);
    if (started_ && !woken_) {
      woken_ = true;
      wake = wake_;
    }
  }
  if (wake) wake();
  return true;
}

void dashboard_subscription::start(std::function<void()> wake) {
  std::function<void()> wake_now;
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || started_) return;
    started_ = true;
    wake_ = std::move(wake);
    const bool waiting = std::any_of(slots_.begin(), slots_.end(),
                                     [](const scope_slot& s) { return s.waiting != nullptr; });
    if (waiting) {
      woken_ = true;
      wake_now = wake_;
    }
  }
  if (wake_now) wake_now();
}

std::optional<std::string> dashboard_subscription::next_message() {
  std::lock_guard lock(mutex_);
  if (stopped_) return std::nullopt;
  for (std::size_t turn = 0; turn < slots_.size(); ++turn) {
    scope_slot& slot = slots_[(next_slot_ + turn) % slots_.size()];
    if (slot.waiting == nullptr) continue;
    next_slot_ = (next_slot_ + turn + 1) % slots_.size();
    const bool snapshot = !slot.snapshot_sent;
    slot.snapshot_sent = true;
    const std::shared_ptr<const std::string> dashboard = std::move(slot.waiting);
    slot.waiting = nullptr;
    return dashboard_message(snapshot, slot.scope, slot.sequence, *dashboard);
  }
  woken_ = false;
  return std::nullopt;
}

void dashboard_subscription::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    wake_ = nullptr;
    for (scope_slot& slot : slots_) slot.waiting = nullptr;
  }
  hub_.remove(this);
}

std::shared_ptr<dashboard_subscription> dashboard_hub::subscribe(
    std::vector<dashboard_scope> scopes) {
  auto subscription = std::make_shared<dashboard_subscription>(*this, std::move(scopes));
  std::lock_guard lock(mutex_);
  subscriptions_.push_back(subscription);
  return subscription;
}

void dashboard_hub::publish(const projections::dashboard_update& update) {
  std::vector<std::shared_ptr<dashboard_subscription>> targets;
  {
    std::lock_guard lock(mutex_);
    if (subscriptions_.empty()) return;
    targets = subscriptions_;
  }
  // Offered outside the hub's lock: a wake may end up releasing a session, which stops its
  // subscription, which takes that lock.
  const auto dashboard = std::make_shared<const std::string>(update.json);
  for (const auto& subscription : targets) {
    (void)subscription->offer(update.scope, update.sequence, dashboard);
  }
}

std::size_t dashboard_hub::subscribers() const {
  std::lock_guard lock(mutex_);
  return subscriptions_.size();
}

void dashboard_hub::remove(const dashboard_subscription* subscription) {
  std::lock_guard lock(mutex_);
  std::erase_if(subscriptions_,
                [&](const auto& candidate) { return candidate.get() == subscription; });
}

}  // namespace ledger::api
