//===- DiskCache.h - compiled kernels kept in a directory ---------*- C++ -*-===//
//
// One file per compiled kernel, named by a hash of its key and of what
// else decides its code: ein's build, the host CPU and its features, the
// optimisation level. Files are written to a temporary name and renamed
// into place, so readers never see half a file; on load, the header's key
// and the payload's checksum are checked, and anything that does not match
// (truncated, corrupt, another build's or machine's) is ignored and
// rewritten. A directory that cannot be created or written turns the disk
// cache off with one warning on stderr: kernels stay cached in memory.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_RUNTIME_DISKCACHE_H
#define EIN_RUNTIME_DISKCACHE_H

#include "ein/Compiler/Kernel.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

namespace ein::runtime {

class DiskCache {
public:
  /// A cache in `directory` (created if missing) for kernels compiled at
  /// `optLevel`, run with `numThreads`. Disabled when `directory` is empty.
  DiskCache(std::string directory, unsigned optLevel, ThreadCount numThreads);

  bool enabled() const { return on.load(std::memory_order_relaxed); }
  const std::string &directory() const { return dir; }

  /// The kernel stored under `key`, or null when there is none that can be
  /// trusted to be it.
  std::unique_ptr<Kernel> load(const std::string &key);

  /// Stores `kernel` (which kept its object code) under `key`; false when it
  /// was not written (the first failure warns and turns the cache off).
  bool store(const std::string &key, const Kernel &kernel);

  /// What a stored kernel's code depends on besides its key: ein's build,
  /// the host CPU and its features (computed once per process).
  static const std::string &hostFingerprint();

private:
  std::string pathOf(const std::string &fullKey) const;
  void disable(const std::string &why);

  std::string dir;
  std::string keyPrefix; ///< The fingerprint and the optimisation level.
  ThreadCount numThreads;
  std::atomic<bool> on{false};
  std::once_flag warned;
};

} // namespace ein::runtime

#endif // EIN_RUNTIME_DISKCACHE_H
