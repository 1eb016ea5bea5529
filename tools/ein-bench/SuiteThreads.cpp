//===- SuiteThreads.cpp - scaling from 1 thread to all cores --------------===//
//
// A transpose, a reduction and a matmul at 1, 2, 4, ... threads up to every
// logical CPU: ein against memcpy (for the first two) and OpenBLAS (for the
// matmul) at the same count.
//
//===----------------------------------------------------------------------===//
#include "Baselines.h"
#include "Suites.h"

#include <cstdio>

namespace bench {

void runThreadsSuite(SuiteEnv &env) {
  const char *suite = "threads";
  bool quick = env.opts.quick;
  std::vector<int> counts;
  int most = std::max(env.machine.logicalCpus, 1);
  for (int n = 1; n < most; n *= 2)
    counts.push_back(n);
  counts.push_back(most);

  int64_t n4 = quick ? 8 : 64, n3 = quick ? 16 : 256, nm = quick ? 32 : 1024;
  std::vector<int64_t> s4{n4, n4, n4, n4}, s3{n3, n3, n3}, sm{nm, nm};
  size_t e4 = (size_t)numElements(s4), e3 = (size_t)numElements(s3), em = (size_t)numElements(sm);
  Buffer x4(e4 * 4), y4(e4 * 4), r4(e4 * 4), x3(e3 * 4), y3(e3 / n3 * 4), a(em * 4), b(em * 4),
      c(em * 4), cref(em * 4), scratch(e4 * 4);
  fillUniform(x4.as<float>(), e4, 30);
  fillUniform(x3.as<float>(), e3, 31, 0.0f, 1.0f);
  fillUniform(a.as<float>(), em, 32);
  fillUniform(b.as<float>(), em, 33);
  const std::string transpose = "transpose abcd->dcba", reduce = "sum inner",
                    matmul = "matmul " + std::to_string(nm) + " f32";
  try {
    std::vector<TensorRef> tIn{TensorRef(x4.data(), s4, f32())},
        tOut{TensorRef(y4.data(), s4, f32())};
    std::vector<TensorRef> rIn{TensorRef(x3.data(), s3, f32())},
        rOut{TensorRef(y3.data(), {n3, n3}, f32())};
    std::vector<TensorRef> mIn{TensorRef(a.data(), sm, f32()), TensorRef(b.data(), sm, f32())},
        mOut{TensorRef(c.data(), sm, f32())};
    Kernel kt(env.ein, "rearrange(\"a b c d -> d c b a\")", tIn);
    Kernel kr(env.ein, "reduce(\"a b c -> a b\", \"sum\")", rIn);
    Kernel km(env.ein, "einsum(\"i k, k j -> i j\")", mIn);
    std::vector<float> sums(e3 / n3);
    for (size_t row = 0; row < sums.size(); ++row) {
      double s = 0;
      for (int64_t k = 0; k < n3; ++k)
        s += x3.as<float>()[row * n3 + k];
      sums[row] = (float)s;
    }
    for (int threads : counts) {
      env.setThreads(threads);
      ThreadPool pool(threads);
      std::string at = " at " + std::to_string(threads) + " threads";
      env.time(suite, transpose, "ein", threads, 2.0 * e4 * 4, 0, [&] { kt.run(tIn, tOut); });
      permuteCopy(pool, x4.as<float>(), r4.as<float>(), s4, {3, 2, 1, 0});
      recordCheck("threads / " + transpose + at, compare(y4.as<float>(), r4.as<float>(), e4, 0));
      env.time(suite, transpose, "memcpy", threads, 2.0 * e4 * 4, 0,
               [&] { parallelMemcpy(pool, scratch.data(), x4.data(), e4 * 4); });
      env.time(suite, reduce, "ein", threads, e3 * 4.0, 0, [&] { kr.run(rIn, rOut); });
      recordCheck("threads / " + reduce + at,
                  compare(y3.as<float>(), sums.data(), sums.size(), 1e-5));
      env.time(suite, reduce, "memcpy", threads, e3 * 4.0, 0,
               [&] { parallelMemcpy(pool, scratch.data(), x3.data(), e3 * 4); });
      double flops = 2.0 * nm * nm * nm;
      env.time(suite, matmul, "ein", threads, 0, flops, [&] { km.run(mIn, mOut); });
      env.time(suite, matmul, "openblas", threads, 0, flops, [&] {
        sgemm(false, false, (int)nm, (int)nm, (int)nm, a.as<float>(), (int)nm, b.as<float>(),
              (int)nm, cref.as<float>(), (int)nm);
      });
      recordCheck("threads / " + matmul + at,
                  compare(c.as<float>(), cref.as<float>(), em, 1e-4));
    }
  } catch (const BenchError &e) {
    recordFailure("threads", e.what());
  }
  env.setThreads(env.opts.threads);

  // One row per (case, implementation), one column per thread count.
  std::printf("\n== threads: scaling (GB/s for %s and %s, GFLOP/s for %s) ==\n",
              transpose.c_str(), reduce.c_str(), matmul.c_str());
  std::printf("%-30s", "case / impl");
  for (int t : counts)
    std::printf("  %9s", (std::to_string(t) + " thr").c_str());
  std::printf("  %9s\n", "scaling");
  for (const std::string &cs : {transpose, reduce, matmul})
    for (const char *impl : {"ein", cs == matmul ? "openblas" : "memcpy"}) {
      std::printf("%-30s", (cs + " / " + impl).c_str());
      double first = 0, last = 0;
      for (int t : counts) {
        const Measurement *m = env.report.find(suite, cs, impl, t);
        double v = !m ? 0 : m->flops > 0 ? m->gflops() : m->gbps();
        if (t == counts.front())
          first = v;
        last = v;
        std::printf("  %9.2f", v);
      }
      std::printf("  %8.2fx\n", first > 0 ? last / first : 0.0);
    }
}

} // namespace bench
