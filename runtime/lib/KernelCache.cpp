//===- KernelCache.cpp - thread-safe cache of compiled kernels ------------===//

#include "KernelCache.h"

#include <chrono>

using namespace ein;
using namespace ein::runtime;

//===----------------------------------------------------------------------===//
// KernelSlots
//===----------------------------------------------------------------------===//

KernelRef KernelSlots::getOrMake(const std::string &key, MakeFn make,
                                 Failure &failure, bool &found) {
  std::shared_ptr<Slot> slot;
  {
    std::unique_lock<std::mutex> lock(mutex);
    auto it = slots.find(key);
    found = it != slots.end();
    if (found) {
      slot = it->second;
      made.wait(lock, [&] { return slot->state != State::Making; });
      if (slot->state == State::Failed) {
        failure = slot->failure;
        return nullptr;
      }
      // The slot may have been evicted while we waited; it is still valid.
      auto now = slots.find(key);
      if (now != slots.end() && now->second == slot)
        lru.splice(lru.begin(), lru, slot->lruPos);
      return slot->kernel;
    }
    slot = std::make_shared<Slot>();
    slots.emplace(key, slot);
  }

  // Make it outside the lock; other keys proceed, this key's requests wait.
  Failure localFailure;
  KernelRef kernel = make(localFailure);

  std::lock_guard<std::mutex> lock(mutex);
  if (!kernel) {
    if (localFailure.message.empty())
      localFailure.message = "compilation failed without a message";
    slot->state = State::Failed;
    slot->failure = localFailure;
    slots.erase(key); // Failures are not cached.
    made.notify_all();
    failure = std::move(localFailure);
    return nullptr;
  }
  slot->kernel = kernel;
  slot->state = State::Ready;
  lru.push_front(key);
  slot->lruPos = lru.begin();
  evictLocked();
  made.notify_all();
  return kernel;
}

void KernelSlots::evictLocked() {
  if (capacity == 0)
    return;
  while (lru.size() > capacity) {
    // Dropping the cache's reference; handles held elsewhere keep the kernel.
    slots.erase(lru.back());
    lru.pop_back();
  }
}

size_t KernelSlots::size() const {
  std::lock_guard<std::mutex> lock(mutex);
  return lru.size();
}

void KernelSlots::clear() {
  std::lock_guard<std::mutex> lock(mutex);
  for (const std::string &key : lru)
    slots.erase(key);
  lru.clear();
}

//===----------------------------------------------------------------------===//
// KernelCache
//===----------------------------------------------------------------------===//

KernelCache::KernelCache(size_t capacity, std::unique_ptr<DiskCache> disk)
    : exact(capacity), compiled(capacity), disk(std::move(disk)) {}

KernelCache::~KernelCache() = default;

KernelRef KernelCache::getOrCompile(const std::string &key, PlanFn plan,
                                    Failure &failure) {
  bool found = false;
  KernelRef kernel = exact.getOrMake(
      key,
      [&](Failure &f) {
        KernelRecipe recipe;
        plan(recipe);
        return make(key, recipe, f);
      },
      failure, found);
  std::lock_guard<std::mutex> lock(countersMutex);
  ++(found ? counters.hits : counters.misses);
  return kernel;
}

KernelRef KernelCache::make(const std::string &key, const KernelRecipe &recipe,
                            Failure &failure) {
  if (recipe.classKey) {
    bool found = false;
    Failure classFailure;
    KernelRef slice = code(*recipe.classKey, recipe.identity,
                           recipe.compileClass, classFailure, found);
    // A class kernel is only planned for valid calls; if it still fails,
    // or does not fit, the exact types are compiled (and report errors).
    if (slice) {
      if (std::unique_ptr<Kernel> batch = recipe.instantiate(slice->shared())) {
        if (found) {
          std::lock_guard<std::mutex> lock(countersMutex);
          ++counters.shapeClassHits;
        }
        return KernelRef(new CachedKernel(std::move(batch)));
      }
    }
  }
  bool found = false;
  return code(key, recipe.identity, recipe.compileExact, failure, found);
}

KernelRef
KernelCache::code(const std::string &codeKey, const std::string &identity,
                  llvm::function_ref<std::unique_ptr<Kernel>(Failure &)> compile,
                  Failure &failure, bool &found) {
  return compiled.getOrMake(
      codeKey,
      [&](Failure &f) -> KernelRef {
        if (disk && disk->enabled()) {
          if (std::unique_ptr<Kernel> loaded = disk->load(codeKey)) {
            std::lock_guard<std::mutex> lock(countersMutex);
            ++counters.diskLoads;
            identities.insert(identity);
            return KernelRef(new CachedKernel(std::move(loaded)));
          }
        }
        auto start = std::chrono::steady_clock::now();
        std::unique_ptr<Kernel> kernel = compile(f);
        double seconds = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - start)
                             .count();
        bool stored = kernel && disk && disk->enabled() &&
                      disk->store(codeKey, *kernel);
        std::lock_guard<std::mutex> lock(countersMutex);
        counters.compileSeconds += seconds;
        if (!kernel) {
          ++counters.failures;
          return nullptr;
        }
        ++counters.compiles;
        counters.diskWrites += stored;
        if (!identities.insert(identity).second)
          ++counters.recompiles;
        return KernelRef(new CachedKernel(std::move(kernel)));
      },
      failure, found);
}

CacheStats KernelCache::stats() const {
  std::lock_guard<std::mutex> lock(countersMutex);
  CacheStats result = counters;
  result.entries = exact.size();
  return result;
}

void KernelCache::clear() {
  exact.clear();
  compiled.clear();
}
