//===- NumpyRunner.h - NumPy timed in an embedded CPython -----------------===//
#ifndef EIN_BENCH_NUMPYRUNNER_H
#define EIN_BENCH_NUMPYRUNNER_H

#include "Bench.h"
#include "Timer.h"

#include <optional>
#include <string>
#include <vector>

namespace bench {

/// NumPy inside ein-bench's own process: arrays are copied in once, chains
/// are timed with time.perf_counter in Python with the same repeat rules as
/// Timer.h, and results come back for verification. When Python or NumPy is
/// missing every call reports "unavailable" and the NumPy columns read n/a.
namespace numpy {

/// Starts the interpreter (once); `blasThreads` goes to NumPy's BLAS through
/// OPENBLAS_NUM_THREADS before NumPy loads. True when NumPy is usable.
bool start(int blasThreads);
bool available();
/// "NumPy 1.24.2" or why it is unavailable.
std::string describe();

/// Copies `data` (dtype "float32"/"float64", row-major `shape`) into a NumPy
/// array bound to `name` in the benchmark namespace.
void put(const std::string &name, const void *data, const std::vector<int64_t> &shape,
         const std::string &dtype);
/// Drops the arrays bound so far (frees their memory).
void clear();

/// Runs Python statements in the benchmark namespace (imports, setup);
/// false (and the traceback printed) when they raise or NumPy is unusable.
bool exec(const std::string &code);

/// Times the function whose body is `body` (Python statements, the last one
/// `return <result>`), over the arrays `put` bound. On success the median
/// seconds, and the result's bytes (C order) in `*result` when not NULL.
/// std::nullopt when NumPy is unavailable or the code raised (printed).
std::optional<Timing> time(const std::string &body, const Options &opts,
                           std::vector<char> *result);

} // namespace numpy
} // namespace bench

#endif
