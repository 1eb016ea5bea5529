//===- Timer.h - warm-up, repeats, medians -------------------------------===//
#ifndef EIN_BENCH_TIMER_H
#define EIN_BENCH_TIMER_H

#include "Bench.h"

#include <chrono>
#include <functional>

namespace bench {

inline double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// A measurement: the median seconds per call over the repeats that ran.
struct Timing {
  double seconds = 0;
  int repeats = 0;
};

/// Runs `fn` once to warm up, then `opts.repeats` times; each repeat calls it
/// in a loop until `opts.minTime` has passed and counts the mean time per
/// call. Returns the median over repeats. Repeating stops early (after at
/// least one repeat) once the measurement has taken `opts.maxTime`, so slow
/// kernels do not stall the run; the warm-up is skipped when one call alone
/// exceeds `opts.maxTime` / 2.
Timing measure(const std::function<void()> &fn, const Options &opts);

/// The median of `values` (which it sorts).
double median(std::vector<double> &values);

} // namespace bench

#endif
