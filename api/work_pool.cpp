#include "api/work_pool.h"

#include "events/assert.h"

namespace ledger::api {

work_pool::work_pool(std::size_t threads) {
  LEDGER_ASSERT(threads > 0, "a work pool without threads");
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

work_pool::~work_pool() { stop(); }

void work_pool::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

bool work_pool::post(std::function<void()> work) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    queue_.push_back(std::move(work));
  }
  ready_.notify_one();
  return true;
}

std::size_t work_pool::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void work_pool::run() {
  while (true) {
    std::function<void()> work;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is done
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    work();
  }
}

}  // namespace ledger::api
