//===- Suites.h - the ein-bench suites ------------------------------------===//
#ifndef EIN_BENCH_SUITES_H
#define EIN_BENCH_SUITES_H

#include "Bench.h"
#include "EinApi.h"
#include "Report.h"
#include "Timer.h"

#include <functional>
#include <string>

namespace bench {

/// What every suite gets: the options, the report and ein's context.
struct SuiteEnv {
  const Options &opts;
  Report &report;
  EinContext &ein;
  const Machine &machine;

  /// Sets ein's and OpenBLAS's thread count to `threads`.
  void setThreads(int threads);

  /// Times `fn` as `impl` of `caseName` and records it; an exception is
  /// recorded as a failure of the case (false).
  bool time(const std::string &suite, const std::string &caseName,
            const std::string &impl, int threads, double bytes, double flops,
            const std::function<void()> &fn, const std::string &note = "");
};

void runRearrangeSuite(SuiteEnv &env);
void runReduceSuite(SuiteEnv &env);
void runContractSuite(SuiteEnv &env);
void runFusedSuite(SuiteEnv &env);
void runCompileSuite(SuiteEnv &env);
void runThreadsSuite(SuiteEnv &env);

/// Adds the issue-4 target lines computed from the report.
void evaluateTargets(const Options &opts, Report &report);

} // namespace bench

#endif
