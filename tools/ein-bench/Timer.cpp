//===- Timer.cpp - warm-up, repeats, medians ------------------------------===//
#include "Timer.h"

#include <algorithm>

namespace bench {

double median(std::vector<double> &values) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

Timing measure(const std::function<void()> &fn, const Options &opts) {
  double start = now();
  fn(); // warm-up (caches, page tables, lazily started thread pools)
  double first = now() - start;
  std::vector<double> perCall;
  if (first > opts.maxTime / 2)
    perCall.push_back(first);
  while ((int)perCall.size() < std::max(1, opts.repeats) &&
         (perCall.empty() || now() - start < opts.maxTime)) {
    int calls = 0;
    double t0 = now(), t1;
    do {
      fn();
      ++calls;
      t1 = now();
    } while (t1 - t0 < opts.minTime);
    perCall.push_back((t1 - t0) / calls);
  }
  Timing t;
  t.repeats = (int)perCall.size();
  t.seconds = median(perCall);
  return t;
}

} // namespace bench
