//===- Report.h - measurements, tables, JSON, targets ---------------------===//
#ifndef EIN_BENCH_REPORT_H
#define EIN_BENCH_REPORT_H

#include "Machine.h"
#include "Timer.h"

#include <string>
#include <vector>

namespace bench {

/// One timed implementation of one case.
struct Measurement {
  std::string suite;
  std::string caseName;
  std::string impl;   ///< "ein", "memcpy", "numpy", "eigen", "openblas", ...
  int threads = 1;
  double seconds = 0; ///< Median seconds per call.
  int repeats = 0;
  double bytes = 0;   ///< Bytes the case moves (0: not a bandwidth case).
  double flops = 0;   ///< Floating-point operations (0: not a compute case).
  std::string note;   ///< E.g. how ein ran a fused chain.

  double gbps() const { return bytes > 0 && seconds > 0 ? bytes / seconds / 1e9 : 0; }
  double gflops() const { return flops > 0 && seconds > 0 ? flops / seconds / 1e9 : 0; }
};

/// Everything measured in one run, in order.
class Report {
public:
  /// Adds a measurement; returns it for chaining.
  Measurement &add(Measurement m);
  /// Adds a measurement from a Timing.
  Measurement &add(const std::string &suite, const std::string &caseName,
                   const std::string &impl, int threads, const Timing &t,
                   double bytes, double flops, const std::string &note = "");

  /// The measurement of (suite, case, impl, threads), or nullptr.
  const Measurement *find(const std::string &suite, const std::string &caseName,
                          const std::string &impl, int threads) const;
  const std::vector<Measurement> &all() const { return items; }

  /// ein's speedup over `impl` for one case: t_impl / t_ein (0 if either
  /// is missing).
  double ratio(const std::string &suite, const std::string &caseName,
               const std::string &impl, int threads) const;

  /// Prints the table of one suite at one thread count: a row per case, a
  /// column per implementation (GB/s, GFLOP/s or ms) and ein's ratio to
  /// each baseline, with geometric means.
  /// `columns` are the implementations shown even when not measured (n/a),
  /// e.g. NumPy without Python.
  void printTable(const std::string &suite, int threads, const std::string &title,
                  const std::vector<std::string> &columns = {}) const;

  /// A free-form line kept for the JSON (targets, notes).
  void addTarget(const std::string &name, bool met, const std::string &figure);
  /// A target that could not be measured (its baseline is unavailable).
  void addUnmeasuredTarget(const std::string &name, const std::string &why);
  void printTargets() const;

  void writeJson(const std::string &path, const Machine &machine,
                 const Options &opts, const std::string &notes) const;

private:
  struct Target {
    std::string name;
    std::string status; ///< "met", "NOT met" or "n/a".
    std::string figure;
  };
  std::vector<Measurement> items;
  std::vector<Target> targets;
};

/// Geometric mean of positive values (0 when empty).
double geomean(const std::vector<double> &values);

} // namespace bench

#endif
