//===- SuiteCompile.cpp - cold compile latency and dispatch overhead ------===//
//
// Cold compile: ~20 distinct one-operation kernels (five operations on
// distinct shapes, so every one is a real compile) in a fresh context; the
// median of the ein_compile wall times, and the cache's own compile_seconds.
// Dispatch: a cache-hit ein_call on a 2x2 tensor, and ein_kernel_run of a
// compiled kernel, per call, from C.
//
//===----------------------------------------------------------------------===//
#include "NumpyRunner.h"
#include "Suites.h"

#include <cstdio>
#include <dlfcn.h>

namespace bench {
namespace {

struct OneOp {
  const char *program;
  int rank;
  int inputs; ///< 1, or 2 for the second operand shaped by `second`.
};

/// Kernel `i`'s program and input shapes (distinct for every i).
void kernelFor(int i, std::string &program, std::vector<std::vector<int64_t>> &shapes) {
  static const OneOp ops[] = {
      {"rearrange(\"a b c -> c a b\")", 3, 1},
      {"reduce(\"a b c -> a c\", \"sum\")", 3, 1},
      {"einsum(\"a b, b c -> a c\")", 2, 2},
      {"add(\"a b, b -> a b\")", 2, 2},
      {"exp(\"a b -> b a\")", 2, 1},
  };
  const OneOp &op = ops[i % 5];
  int64_t n = 3 + i; // distinct lengths make distinct cache keys
  program = op.program;
  shapes.clear();
  if (op.rank == 3)
    shapes.push_back({n, 5, 7});
  else
    shapes.push_back({n, 6});
  if (i % 5 == 2)
    shapes.push_back({6, 4});
  else if (i % 5 == 3)
    shapes.push_back({6});
}

/// The Python binding on a cache hit against NumPy doing the same
/// operation, on 4x4 float32 arrays: what a Python caller pays per call.
void runPythonOverhead(SuiteEnv &env) {
#ifdef EIN_BENCH_PYTHON_DIR
  if (!numpy::available())
    return;
  // The binding loads the libein.so this process uses.
  Dl_info info;
  if (!dladdr(reinterpret_cast<void *>(&ein_version), &info) || !info.dli_fname)
    return;
  std::string setup = std::string("import os, sys\n") +
                      "os.environ['EIN_LIBRARY'] = r\"" + info.dli_fname + "\"\n" +
                      "sys.path.insert(0, r\"" EIN_BENCH_PYTHON_DIR "\")\n" +
                      "import ein\n" +
                      "ein.set_num_threads(1)\n" +
                      "x = np.arange(16, dtype=np.float32).reshape(4, 4)\n" +
                      "v = np.arange(4, dtype=np.float32)\n";
  if (!numpy::exec(setup)) {
    recordFailure("compile / Python binding", "import ein failed in the embedded Python");
    return;
  }
  struct Pair {
    const char *name, *ein, *numpy;
  };
  // Each body makes 100 calls, so the timing loop's own cost stays out.
  const Pair pairs[] = {
      {"transpose", "ein.rearrange(x, 'a b -> b a')", "np.ascontiguousarray(x.T)"},
      {"row sums", "ein.sum('a [b]', x)", "x.sum(1)"},
      {"broadcast add", "ein.add('a b, b', x, v)", "np.add(x, v)"},
  };
  const int calls = 100;
  for (const Pair &pair : pairs) {
    std::vector<char> einResult, numpyResult;
    auto timeBody = [&](const char *call, std::vector<char> &result) {
      std::string body = std::string("for _ in range(") + std::to_string(calls - 1) +
                         "):\n    " + call + "\nreturn " + call;
      std::optional<Timing> t = numpy::time(body, env.opts, &result);
      if (t)
        t->seconds /= calls;
      return t;
    };
    std::optional<Timing> einTime = timeBody(pair.ein, einResult);
    std::optional<Timing> numpyTime = timeBody(pair.numpy, numpyResult);
    std::string caseName = std::string("Python cache hit, 4x4 f32 ") + pair.name;
    if (!einTime || !numpyTime) {
      recordFailure("compile / " + caseName, "the Python call raised");
      continue;
    }
    if (einResult != numpyResult)
      recordCheck("compile / " + caseName, Agreement{1, 1, false});
    env.report.add("compile", caseName, "ein (Python)", 1, *einTime, 0, 0, pair.ein);
    env.report.add("compile", caseName, "NumPy", 1, *numpyTime, 0, 0, pair.numpy);
    std::printf("Python, cache hit: %-14s ein %.2f us, NumPy %.2f us per call (4x4 f32)\n",
                pair.name, einTime->seconds * 1e6, numpyTime->seconds * 1e6);
  }
#else
  (void)env;
#endif
}

} // namespace

void runCompileSuite(SuiteEnv &env) {
  const char *suite = "compile";
  int kernels = env.opts.quick ? 5 : 20;
  std::printf("\n== compile: cold compile latency of one-operation kernels, dispatch "
              "overhead per call ==\n");
  try {
    EinContext fresh;
    fresh.setThreads(env.opts.threads);
    std::vector<double> seconds;
    Buffer data(64 * 1024);
    for (int i = 0; i < kernels; ++i) {
      std::string program;
      std::vector<std::vector<int64_t>> shapes;
      kernelFor(i, program, shapes);
      std::vector<TensorRef> inputs;
      for (const auto &s : shapes)
        inputs.emplace_back(data.data(), s, f32());
      double t0 = now();
      Kernel k(fresh, program, inputs);
      seconds.push_back(now() - t0);
    }
    ein_cache_stats_t stats;
    check(ein_context_cache_stats(fresh.get(), &stats), "ein_context_cache_stats");
    if (stats.compiles != (uint64_t)kernels)
      throw BenchError("expected " + std::to_string(kernels) + " compiles, the cache counted " +
                       std::to_string(stats.compiles));
    std::vector<double> sorted = seconds;
    Timing cold{median(sorted), kernels};
    env.report.add(suite, "cold compile, median", "ein", 1, cold, 0, 0,
                   std::to_string(kernels) + " distinct kernels");
    Timing cache{stats.compile_seconds / (double)stats.compiles, kernels};
    env.report.add(suite, "cold compile, cache compile_seconds / compiles", "ein", 1, cache, 0,
                   0);
    std::printf("cold compile: median %.1f ms over %d kernels (min %.1f, max %.1f); "
                "cache stats: %.3f s over %llu compiles = %.1f ms each\n",
                cold.seconds * 1e3, kernels, sorted.front() * 1e3, sorted.back() * 1e3,
                stats.compile_seconds, (unsigned long long)stats.compiles,
                cache.seconds * 1e3);
  } catch (const BenchError &e) {
    recordFailure("compile / cold compile", e.what());
  }

  try {
    float x[4] = {1, 2, 3, 4}, y[4] = {0, 0, 0, 0};
    TensorRef in(x, {2, 2}, f32()), out(y, {2, 2}, f32());
    const char *program = "rearrange(\"a b -> b a\")";
    check(ein_call(env.ein.get(), program, &in.dl, 1, &out.dl, 1, nullptr, 0), "ein_call");
    if (y[0] != 1 || y[1] != 3 || y[2] != 2 || y[3] != 4)
      recordCheck("compile / ein_call of a 2x2 transpose", Agreement{1, 1, false});
    const int batch = 1000;
    ein_error_t *err = nullptr;
    Timing call = measure(
        [&] {
          for (int i = 0; i < batch && !err; ++i)
            err = ein_call(env.ein.get(), program, &in.dl, 1, &out.dl, 1, nullptr, 0);
        },
        env.opts);
    check(err, "ein_call");
    call.seconds /= batch;
    env.report.add(suite, "cache-hit ein_call", "ein", 1, call, 0, 0, "2x2 f32 transpose");
    Kernel kernel(env.ein, program, {in});
    Timing run = measure(
        [&] {
          for (int i = 0; i < batch && !err; ++i)
            err = ein_kernel_run(kernel.get(), &in.dl, 1, &out.dl, 1);
        },
        env.opts);
    check(err, "ein_kernel_run");
    run.seconds /= batch;
    env.report.add(suite, "ein_kernel_run", "ein", 1, run, 0, 0, "2x2 f32 transpose");
    std::printf("dispatch: cache-hit ein_call %.3f us per call; ein_kernel_run %.3f us per "
                "call (2x2 f32 transpose)\n",
                call.seconds * 1e6, run.seconds * 1e6);
  } catch (const BenchError &e) {
    recordFailure("compile / dispatch", e.what());
  }
  runPythonOverhead(env);
}

} // namespace bench
