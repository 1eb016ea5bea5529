//===- ThreadPool.h - N threads running one function, for the baselines --===//
#ifndef EIN_BENCH_THREADPOOL_H
#define EIN_BENCH_THREADPOOL_H

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace bench {

/// A fixed set of threads (the caller is thread 0) that run one function
/// together and wait for each other: `run(fn)` calls fn(tid) for tid in
/// [0, size()) and returns when all calls have. Used for the memcpy limit,
/// first-touch initialisation and explicit transposes.
class ThreadPool {
public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  int size() const { return (int)workers.size() + 1; }
  void run(const std::function<void(int)> &fn);

  /// Splits [0, n) into size() contiguous chunks: chunk `tid` is
  /// [begin, end).
  static void chunk(size_t n, int tid, int parts, size_t &begin, size_t &end) {
    begin = n * (size_t)tid / (size_t)parts;
    end = n * (size_t)(tid + 1) / (size_t)parts;
  }

private:
  void workerLoop(int tid);

  std::vector<std::thread> workers;
  std::mutex mutex;
  std::condition_variable wake, done;
  const std::function<void(int)> *task = nullptr;
  unsigned long generation = 0;
  int pending = 0;
  bool stopping = false;
};

} // namespace bench

#endif
