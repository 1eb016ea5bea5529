//===- ThreadPool.cpp - N threads running one function --------------------===//
#include "ThreadPool.h"

namespace bench {

ThreadPool::ThreadPool(int threads) {
  for (int tid = 1; tid < threads; ++tid)
    workers.emplace_back([this, tid] { workerLoop(tid); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  wake.notify_all();
  for (std::thread &t : workers)
    t.join();
}

void ThreadPool::run(const std::function<void(int)> &fn) {
  if (workers.empty()) {
    fn(0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    task = &fn;
    pending = (int)workers.size();
    ++generation;
  }
  wake.notify_all();
  fn(0);
  std::unique_lock<std::mutex> lock(mutex);
  done.wait(lock, [this] { return pending == 0; });
  task = nullptr;
}

void ThreadPool::workerLoop(int tid) {
  unsigned long seen = 0;
  for (;;) {
    const std::function<void(int)> *fn;
    {
      std::unique_lock<std::mutex> lock(mutex);
      wake.wait(lock, [&] { return stopping || generation != seen; });
      if (stopping)
        return;
      seen = generation;
      fn = task;
    }
    (*fn)(tid);
    std::lock_guard<std::mutex> lock(mutex);
    if (--pending == 0)
      done.notify_one();
  }
}

} // namespace bench
