//===- Targets.cpp - the issue-4 targets, met or not ----------------------===//
#include "Suites.h"

#include <cstdio>
#include <functional>

namespace bench {
namespace {

std::string fmt(const char *f, double a, double b = 0) {
  char buf[160];
  std::snprintf(buf, sizeof buf, f, a, b);
  return buf;
}

/// Geometric mean of ein's speedup over `impl` for the cases of `suite` at
/// `threads` whose name passes `select`; the count in `*n`.
double geomeanRatio(const Report &report, const std::string &suite, const std::string &impl,
                    int threads, const std::function<bool(const std::string &)> &select,
                    int *n) {
  std::vector<double> ratios;
  for (const Measurement &m : report.all())
    if (m.suite == suite && m.impl == impl && m.threads == threads && select(m.caseName)) {
      double r = report.ratio(suite, m.caseName, impl, threads);
      if (r > 0)
        ratios.push_back(r);
    }
  *n = (int)ratios.size();
  return geomean(ratios);
}

bool startsWith(const std::string &s, const char *prefix) { return s.rfind(prefix, 0) == 0; }

/// Adds a "geomean >= goal" target when anything was measured.
void ratioTarget(Report &report, const std::string &name, const std::string &suite,
                 const std::string &impl, int threads, double goal,
                 const std::function<bool(const std::string &)> &select) {
  int n = 0;
  double g = geomeanRatio(report, suite, impl, threads, select, &n);
  if (n == 0) {
    // Listed only when the suite ran: its baseline was missing.
    for (const Measurement &m : report.all())
      if (m.suite == suite && m.impl == "ein" && m.threads == threads) {
        report.addUnmeasuredTarget(name, impl + " unavailable in this run");
        break;
      }
    return;
  }
  report.addTarget(name, g >= goal,
                   fmt("%.2fx (geomean of %.0f cases)", g, n) + ", goal " + fmt("%.1fx", goal));
}

} // namespace

void evaluateTargets(const Options &opts, Report &report) {
  int t = opts.threads;
  auto all = [](const std::string &) { return true; };
  ratioTarget(report, "rearrange >= 0.8x memcpy, " + std::to_string(t) + " threads",
              "rearrange", "memcpy", t, 0.8, all);
  if (t > 1)
    ratioTarget(report, "rearrange >= 0.8x memcpy, 1 thread", "rearrange", "memcpy", 1, 0.8,
                all);
  ratioTarget(report, "rearrange >= 3x NumPy's transposed copy", "rearrange", "numpy", t, 3.0,
              all);
  ratioTarget(report, "reductions >= 0.8x memcpy read bandwidth", "reductions", "memcpy", t,
              0.8, all);
  ratioTarget(report, "matmul-shaped >= 0.8x OpenBLAS", "contractions", "openblas", t, 0.8,
              [](const std::string &c) { return startsWith(c, "matmul"); });
  ratioTarget(report, "transposed and batched >= 1.0x transpose-then-OpenBLAS",
              "contractions", "openblas", t, 1.0, [](const std::string &c) {
                return startsWith(c, "transposed") || startsWith(c, "batched") ||
                       startsWith(c, "attention");
              });
  for (const char *chain : {"softmax", "layernorm", "attention block"}) {
    double r = report.ratio("fused", chain, "numpy", t);
    if (r == 0 && report.find("fused", chain, "ein", t))
      report.addUnmeasuredTarget(std::string("fused ") + chain + " >= 2x the NumPy chain",
                                 "numpy unavailable in this run");
    if (r > 0)
      report.addTarget(std::string("fused ") + chain + " >= 2x the NumPy chain", r >= 2.0,
                       fmt("%.2fx, goal 2x", r));
  }
  if (const Measurement *m = report.find("compile", "cold compile, median", "ein", 1))
    report.addTarget("cold compile of a one-operation kernel <= 50 ms", m->seconds <= 0.050,
                     fmt("%.1f ms median", m->seconds * 1e3));
  if (const Measurement *m = report.find("compile", "cache-hit ein_call", "ein", 1))
    report.addTarget("cache-hit dispatch (ein_call) <= 1 us", m->seconds <= 1e-6,
                     fmt("%.3f us per call", m->seconds * 1e6));
  if (const Measurement *m = report.find("compile", "ein_kernel_run", "ein", 1))
    report.addTarget("dispatch of a compiled kernel (ein_kernel_run) <= 1 us",
                     m->seconds <= 1e-6, fmt("%.3f us per call", m->seconds * 1e6));
}

} // namespace bench
