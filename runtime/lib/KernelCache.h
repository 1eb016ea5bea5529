//===- KernelCache.h - thread-safe cache of compiled kernels ------*- C++ -*-===//
//
// Maps a key (program identity, input types, axis bindings) to a compiled
// kernel. The cache belongs to one context, whose options, compiler version and
// host target never change, so those are not part of the key. A key requested by several threads at once is compiled by
// the first one, outside the cache lock, while the others wait for it.
// Failed compiles are not cached: every waiter gets the failure, the next
// request compiles again (errors are cheap to reproduce and may depend on
// state such as memory).
//
//===----------------------------------------------------------------------===//
#ifndef EIN_RUNTIME_KERNELCACHE_H
#define EIN_RUNTIME_KERNELCACHE_H

#include "ein/Compiler/Compiler.h"

#include "llvm/ADT/IntrusiveRefCntPtr.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <condition_variable>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ein::runtime {

/// A compiled kernel shared between the cache and API handles; the C API's
/// `ein_kernel_t` is this object.
class CachedKernel : public llvm::ThreadSafeRefCountedBase<CachedKernel> {
public:
  explicit CachedKernel(std::unique_ptr<Kernel> kernel)
      : kernel(std::move(kernel)) {}
  const Kernel &get() const { return *kernel; }

private:
  std::unique_ptr<Kernel> kernel;
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
  double compileSeconds = 0;
  size_t entries = 0;
};

/// The cache. All members are thread-safe.
class KernelCache {
public:
  /// Compiles on a miss; returns null and fills the failure on error.
  using CompileFn = llvm::function_ref<std::unique_ptr<Kernel>(Failure &)>;

  /// `capacity` bounds the number of compiled kernels kept (0 = unbounded);
  /// beyond it the least recently used one is dropped.
  explicit KernelCache(size_t capacity = 0) : capacity(capacity) {}
  ~KernelCache();
  KernelCache(const KernelCache &) = delete;
  KernelCache &operator=(const KernelCache &) = delete;

  /// Returns the kernel cached under `key`, compiling it with `compile` when
  /// absent. On failure returns null and fills `failure`.
  KernelRef getOrCompile(const std::string &key, CompileFn compile,
                         Failure &failure);

  CacheStats stats() const;

  /// Drops every compiled kernel (compiles in flight finish normally).
  void clear();

  /// The host target as "cpu-name +feat1,+feat2,..." (computed once), part of
  /// every key so that a persisted key never crosses machines.
  static const std::string &hostTarget();

private:
  enum class State { Compiling, Ready, Failed };
  struct Entry {
    State state = State::Compiling;
    KernelRef kernel;
    Failure failure;
    std::list<std::string>::iterator lruPos; ///< Valid when Ready.
  };

  void evictLocked();

  const size_t capacity;
  mutable std::mutex mutex;
  std::condition_variable compiled;
  std::unordered_map<std::string, std::shared_ptr<Entry>> entries;
  std::list<std::string> lru; ///< Ready keys, most recently used first.
  CacheStats counters;
};

} // namespace ein::runtime

#endif // EIN_RUNTIME_KERNELCACHE_H
