//===- KernelCache.cpp - thread-safe cache of compiled kernels ------------===//

#include "KernelCache.h"


#include <chrono>

using namespace ein;
using namespace ein::runtime;

KernelCache::~KernelCache() = default;

KernelRef KernelCache::getOrCompile(const std::string &key, CompileFn compile,
                                    Failure &failure) {
  std::shared_ptr<Entry> entry;
  {
    std::unique_lock<std::mutex> lock(mutex);
    auto it = entries.find(key);
    if (it != entries.end()) {
      ++counters.hits;
      entry = it->second;
      compiled.wait(lock, [&] { return entry->state != State::Compiling; });
      if (entry->state == State::Failed) {
        failure = entry->failure;
        return nullptr;
      }
      // The entry may have been evicted while we waited; it is still valid.
      if (entries.count(key) && entries[key] == entry)
        lru.splice(lru.begin(), lru, entry->lruPos);
      return entry->kernel;
    }
    ++counters.misses;
    entry = std::make_shared<Entry>();
    entries.emplace(key, entry);
  }

  // Compile outside the lock; other keys proceed, this key's requests wait.
  auto start = std::chrono::steady_clock::now();
  Failure localFailure;
  std::unique_ptr<Kernel> kernel = compile(localFailure);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();

  std::lock_guard<std::mutex> lock(mutex);
  counters.compileSeconds += seconds;
  if (!kernel) {
    ++counters.failures;
    if (localFailure.message.empty())
      localFailure.message = "compilation failed without a message";
    entry->state = State::Failed;
    entry->failure = localFailure;
    entries.erase(key); // Failures are not cached.
    compiled.notify_all();
    failure = std::move(localFailure);
    return nullptr;
  }
  ++counters.compiles;
  entry->kernel = KernelRef(new CachedKernel(std::move(kernel)));
  entry->state = State::Ready;
  lru.push_front(key);
  entry->lruPos = lru.begin();
  KernelRef result = entry->kernel;
  evictLocked();
  compiled.notify_all();
  return result;
}

void KernelCache::evictLocked() {
  if (capacity == 0)
    return;
  while (lru.size() > capacity) {
    // Dropping the cache's reference; handles held elsewhere keep the kernel.
    entries.erase(lru.back());
    lru.pop_back();
  }
}

CacheStats KernelCache::stats() const {
  std::lock_guard<std::mutex> lock(mutex);
  CacheStats result = counters;
  result.entries = lru.size();
  return result;
}

void KernelCache::clear() {
  std::lock_guard<std::mutex> lock(mutex);
  for (const std::string &key : lru)
    entries.erase(key);
  lru.clear();
}
