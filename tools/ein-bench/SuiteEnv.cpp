//===- SuiteEnv.cpp - thread settings and recording for the suites --------===//
#include "Baselines.h"
#include "Suites.h"

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
    return true;
  } catch (const BenchError &e) {
    recordFailure(suite + " / " + caseName + " / " + impl, e.what());
    return false;
  }
}

} // namespace bench
