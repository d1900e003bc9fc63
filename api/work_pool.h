#pragma once
// A fixed pool of worker threads for the API's blocking work, kept off the I/O threads and
// off the single writer: argon2id password hashing and verification, and the follow-up of a
// committed command (waiting for the projections' watermark, then rendering the response).
// Command completions arrive on the writer thread, which must never wait for the projector
// (the projector is fed by that same thread after the completions run), so they are posted
// here.
//
// Thread-safety: post() from any thread. stop() (and the destructor) finishes queued work,
// then joins.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ledger::api {

class work_pool {
 public:
  explicit work_pool(std::size_t threads);
  ~work_pool();
  void stop();
  work_pool(const work_pool&) = delete;
  work_pool& operator=(const work_pool&) = delete;

  // false (and the work is dropped) once the pool is stopping: at shutdown, after the HTTP
  // server has closed every connection, there is nobody left to answer.
  bool post(std::function<void()> work);
  [[nodiscard]] std::size_t queued() const;

 private:
  void run();

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ledger::api
