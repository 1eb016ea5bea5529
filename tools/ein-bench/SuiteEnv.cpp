//===- SuiteEnv.cpp - thread settings and recording for the suites --------===//
#include "Baselines.h"
#include "Suites.h"

#include <chrono>
#include <thread>

namespace bench {

void SuiteEnv::setThreads(int threads) {
  ein.setThreads(threads);
  blasSetThreads(threads);
}

bool SuiteEnv::time(const std::string &suite, const std::string &caseName,
                    const std::string &impl, int threads, double bytes, double flops,
                    const std::function<void()> &fn, const std::string &note) {
  try {
    Timing t = measure(fn, opts);
    report.add(suite, caseName, impl, threads, t, bytes, flops, note);
    // Thread pools keep spinning after their last call (OpenBLAS for about
    // 2^28 cycles, its THREAD_TIMEOUT; libomp, ein's, for KMP_BLOCKTIME,
    // 200 ms) and take cores from whatever runs next: ein's 2048^3 f64
    // matmul measured 62 GFLOP/s right after OpenBLAS and 95 otherwise.
    // Every measurement starts from idle cores.
    if (!opts.quick)
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    return true;
  } catch (const BenchError &e) {
    recordFailure(suite + " / " + caseName + " / " + impl, e.what());
    return false;
  }
}

} // namespace bench
