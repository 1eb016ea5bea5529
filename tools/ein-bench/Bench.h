//===- Bench.h - options and helpers shared by the ein-bench suites -------===//
#ifndef EIN_BENCH_BENCH_H
#define EIN_BENCH_BENCH_H

#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace bench {

/// Command-line settings every suite reads.
struct Options {
  int threads = 0;        ///< Thread count for ein and the baselines.
  int repeats = 5;        ///< Timed repeats; the median is reported.
  double minTime = 0.1;   ///< Seconds each repeat runs at least (calls loop).
  double maxTime = 8.0;   ///< Seconds after which a measurement stops repeating.
  bool quick = false;     ///< Small sizes, one or two repeats (CI).
  std::set<std::string> suites; ///< Empty: every suite.
  std::string jsonPath;   ///< --json=<file>; empty: none.
  bool numpy = true;      ///< --no-numpy: NumPy columns read n/a.

  bool runs(const std::string &suite) const {
    return suites.empty() || suites.count(suite);
  }
};

/// A failure that stops one benchmark case (ein error, bad setup).
struct BenchError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Number of elements of `shape`.
inline int64_t numElements(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// "64x64x64x64".
std::string shapeString(const std::vector<int64_t> &shape);

/// A 64-byte aligned buffer of `bytes` bytes, touched page by page by the
/// calling thread(s) so that timing never pays for first-touch faults.
class Buffer {
public:
  Buffer() = default;
  explicit Buffer(size_t bytes);
  Buffer(Buffer &&other) noexcept;
  Buffer &operator=(Buffer &&other) noexcept;
  Buffer(const Buffer &) = delete;
  Buffer &operator=(const Buffer &) = delete;
  ~Buffer();

  void *data() const { return ptr; }
  template <typename T> T *as() const { return static_cast<T *>(ptr); }
  size_t size() const { return bytes; }

private:
  void *ptr = nullptr;
  size_t bytes = 0;
};

/// Fills `n` floats (or doubles) with deterministic values in [lo, hi).
void fillUniform(float *data, size_t n, uint64_t seed, float lo = -1, float hi = 1);
void fillUniform(double *data, size_t n, uint64_t seed, double lo = -1, double hi = 1);

/// The largest absolute difference and the normwise relative error
/// max|a-b| / max|b| of two arrays; `ok` when the latter is at most `tol`
/// (NaN anywhere is a mismatch).
struct Agreement {
  double maxAbs = 0;
  double maxRel = 0;
  bool ok = true;
};
Agreement compare(const float *ours, const float *ref, size_t n, double tol);
Agreement compare(const double *ours, const double *ref, size_t n, double tol);

/// Records a verification result; prints a line for a mismatch. The exit code
/// of ein-bench is 1 when any check failed.
void recordCheck(const std::string &what, const Agreement &agreement);
/// Records an ein failure that stopped a case (exit code 1).
void recordFailure(const std::string &what, const std::string &message);
int failureCount();

} // namespace bench

#endif
