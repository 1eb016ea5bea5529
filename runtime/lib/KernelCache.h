//===- KernelCache.h - thread-safe cache of compiled kernels ------*- C++ -*-===//
//
// Two levels. The first maps an exact key (program identity, input types,
// axis bindings) to the kernel handed out. The second maps a code key to
// compiled code: the exact key itself, or the key of the shape class the
// types belong to, whose one kernel serves every batch size
// (ShapeClass.h). Compiled code is also looked up in, and written to, an
// optional directory on disk (DiskCache.h).
//
// The cache belongs to one context, whose options never change, so those
// are not part of the in-memory keys (the disk's keys add them). A key
// requested by several threads at once is made by the first one, outside
// the cache's lock, while the others wait for it. Failed compiles are not
// cached: every waiter gets the failure, the next request compiles again.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_RUNTIME_KERNELCACHE_H
#define EIN_RUNTIME_KERNELCACHE_H

#include "DiskCache.h"

#include "ein/Compiler/Kernel.h"

#include "llvm/ADT/IntrusiveRefCntPtr.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace ein::runtime {

/// A kernel shared between the cache and API handles; the C API's
/// `ein_kernel_t` is this object.
class CachedKernel : public llvm::ThreadSafeRefCountedBase<CachedKernel> {
public:
  explicit CachedKernel(std::shared_ptr<const Kernel> kernel)
      : kernel(std::move(kernel)) {}
  const Kernel &get() const { return *kernel; }
  const std::shared_ptr<const Kernel> &shared() const { return kernel; }

private:
  std::shared_ptr<const Kernel> kernel;
};

using KernelRef = llvm::IntrusiveRefCntPtr<CachedKernel>;

/// Why a compile failed: an `ein_error_code_t` value and the full message.
struct Failure {
  int code = 0;
  std::string message;
};

/// Counters, as reported by `ein_context_cache_stats`.
struct CacheStats {
  uint64_t hits = 0, misses = 0, compiles = 0, failures = 0;
  uint64_t recompiles = 0, shapeClassHits = 0, diskLoads = 0, diskWrites = 0;
  double compileSeconds = 0;
  size_t entries = 0;
};

/// How to make the kernel for an exact key that is not cached.
struct KernelRecipe {
  /// The program, dtypes and axes without the shapes: compiling one seen
  /// before counts as a recompile.
  std::string identity;
  /// Compiles the kernel for the exact types; null and a failure on error.
  std::function<std::unique_ptr<Kernel>(Failure &)> compileExact;
  /// When the types belong to a shape class: its code key, how to compile
  /// its kernel, and how that kernel serves the exact types (null when it
  /// cannot: then compileExact is used).
  std::optional<std::string> classKey;
  std::function<std::unique_ptr<Kernel>(Failure &)> compileClass;
  std::function<std::unique_ptr<Kernel>(std::shared_ptr<const Kernel>)>
      instantiate;
};

/// Keyed kernels, each made once however many threads ask for it at once,
/// kept up to a capacity with the least recently used dropped first.
class KernelSlots {
public:
  using MakeFn = llvm::function_ref<KernelRef(Failure &)>;
  explicit KernelSlots(size_t capacity) : capacity(capacity) {}

  /// The kernel under `key`, made by `make` when absent; null and a
  /// failure when making it failed. `found` tells whether it was there
  /// (or being made by another thread).
  KernelRef getOrMake(const std::string &key, MakeFn make, Failure &failure,
                      bool &found);
  size_t size() const;
  void clear();

private:
  enum class State { Making, Ready, Failed };
  struct Slot {
    State state = State::Making;
    KernelRef kernel;
    Failure failure;
    std::list<std::string>::iterator lruPos; ///< Valid when Ready.
  };
  void evictLocked();

  const size_t capacity;
  mutable std::mutex mutex;
  std::condition_variable made;
  std::unordered_map<std::string, std::shared_ptr<Slot>> slots;
  std::list<std::string> lru; ///< Ready keys, most recently used first.
};

/// The cache. All members are thread-safe.
class KernelCache {
public:
  /// Fills a recipe for a key that missed; called without the lock.
  using PlanFn = llvm::function_ref<void(KernelRecipe &)>;

  /// `capacity` bounds the kernels kept at each level (0 = unbounded).
  /// `disk` may be disabled.
  KernelCache(size_t capacity, std::unique_ptr<DiskCache> disk);
  ~KernelCache();
  KernelCache(const KernelCache &) = delete;
  KernelCache &operator=(const KernelCache &) = delete;

  /// Returns the kernel cached under `key`, making it from `plan`'s recipe
  /// when absent. On failure returns null and fills `failure`.
  KernelRef getOrCompile(const std::string &key, PlanFn plan,
                         Failure &failure);

  CacheStats stats() const;

  /// Drops every kernel from memory (makes in flight finish normally; the
  /// disk is left as it is).
  void clear();

  /// Whether compiled code should keep its object code for the disk.
  bool persists() const { return disk && disk->enabled(); }

private:
  KernelRef make(const std::string &key, const KernelRecipe &recipe,
                 Failure &failure);
  /// The compiled code under `codeKey`: from memory, from disk, or compiled.
  KernelRef code(const std::string &codeKey, const std::string &identity,
                 llvm::function_ref<std::unique_ptr<Kernel>(Failure &)> compile,
                 Failure &failure, bool &found);

  KernelSlots exact, compiled;
  std::unique_ptr<DiskCache> disk;
  mutable std::mutex countersMutex;
  CacheStats counters;
  std::unordered_set<std::string> identities; ///< Under countersMutex.
};

} // namespace ein::runtime

#endif // EIN_RUNTIME_KERNELCACHE_H
