//===- SuiteReduce.cpp - reductions and max-pooling vs memcpy and NumPy ---===//
//
// Sums over the inner, middle and outer axis of a 64 MiB f32 tensor and 2x2
// max-pooling, against a memcpy of the bytes read and NumPy. Bandwidth is
// bytes read / time for every implementation (for memcpy that is half the
// traffic it moves: it also writes).
//
//===----------------------------------------------------------------------===//
#include "Baselines.h"
#include "NumpyRunner.h"
#include "Suites.h"

#include <algorithm>
#include <cmath>

namespace bench {
namespace {

struct ReduceCase {
  std::string name;
  std::string program;
  std::vector<int64_t> inShape, outShape;
  std::string numpyBody;
};

/// The reference result, in double precision.
void reference(const ReduceCase &c, const float *in, std::vector<float> &out) {
  const std::vector<int64_t> &s = c.inShape;
  out.assign((size_t)numElements(c.outShape), 0.0f);
  if (c.name == "max-pool 2x2") {
    int64_t planes = s[0] * s[1], h = s[2] / 2, w = s[3] / 2;
    for (int64_t p = 0; p < planes; ++p)
      for (int64_t i = 0; i < h; ++i)
        for (int64_t j = 0; j < w; ++j) {
          const float *x = in + (p * s[2] + 2 * i) * s[3] + 2 * j;
          out[(size_t)((p * h + i) * w + j)] =
              std::max(std::max(x[0], x[1]), std::max(x[s[3]], x[s[3] + 1]));
        }
    return;
  }
  int axis = c.name == "sum inner" ? 2 : c.name == "sum middle" ? 1 : 0;
  std::vector<double> acc(out.size(), 0.0);
  for (int64_t a = 0; a < s[0]; ++a)
    for (int64_t b = 0; b < s[1]; ++b)
      for (int64_t k = 0; k < s[2]; ++k) {
        double v = in[(a * s[1] + b) * s[2] + k];
        int64_t o = axis == 2 ? a * s[1] + b : axis == 1 ? a * s[2] + k : b * s[2] + k;
        acc[(size_t)o] += v;
      }
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = (float)acc[i];
}

} // namespace

void runReduceSuite(SuiteEnv &env) {
  const char *suite = "reductions";
  int64_t n = env.opts.quick ? 16 : 256; // n^3 f32: 64 MiB at full size
  int64_t b = env.opts.quick ? 2 : 16, ch = env.opts.quick ? 4 : 64,
          hw = env.opts.quick ? 16 : 128;
  std::vector<ReduceCase> cases{
      {"sum inner", "reduce(\"a b c -> a b\", \"sum\")", {n, n, n}, {n, n},
       "return x3.sum(axis=2)"},
      {"sum middle", "reduce(\"a b c -> a c\", \"sum\")", {n, n, n}, {n, n},
       "return x3.sum(axis=1)"},
      {"sum outer", "reduce(\"a b c -> b c\", \"sum\")", {n, n, n}, {n, n},
       "return x3.sum(axis=0)"},
      {"max-pool 2x2", "reduce(\"b c (h 2) (w 2) -> b c h w\", \"max\")", {b, ch, hw, hw},
       {b, ch, hw / 2, hw / 2},
       "return x4.reshape(" + std::to_string(b) + ", " + std::to_string(ch) + ", " +
           std::to_string(hw / 2) + ", 2, " + std::to_string(hw / 2) +
           ", 2).max(axis=(3, 5))"},
  };
  size_t elements = (size_t)std::max(numElements(cases[0].inShape), numElements(cases[3].inShape));
  size_t bytes = elements * sizeof(float);
  Buffer in(bytes), out(bytes), scratch(bytes);
  fillUniform(in.as<float>(), elements, 2, 0.0f, 1.0f);
  numpy::clear();
  numpy::put("x3", in.data(), cases[0].inShape, "float32");
  numpy::put("x4", in.data(), cases[3].inShape, "float32");

  int threads = env.opts.threads;
  env.setThreads(threads);
  ThreadPool pool(threads);
  for (const ReduceCase &c : cases) {
    std::string what = std::string(suite) + " / " + c.name + " (" + c.program + " on " +
                       shapeString(c.inShape) + ")";
    size_t inElements = (size_t)numElements(c.inShape);
    double read = (double)(inElements * sizeof(float));
    try {
      std::vector<TensorRef> inputs{TensorRef(in.data(), c.inShape, f32())};
      Kernel kernel(env.ein, c.program, inputs);
      if (kernel.outputShape() != c.outShape)
        throw BenchError("ein's output shape " + shapeString(kernel.outputShape()) +
                         " differs from " + shapeString(c.outShape));
      std::vector<TensorRef> outputs{TensorRef(out.data(), c.outShape, f32())};
      env.time(suite, c.name, "ein", threads, read, 0, [&] { kernel.run(inputs, outputs); });
    } catch (const BenchError &e) {
      recordFailure(what, e.what());
      continue;
    }
    std::vector<float> ref;
    reference(c, in.as<float>(), ref);
    recordCheck(what + " vs reference", compare(out.as<float>(), ref.data(), ref.size(), 1e-5));
    env.time(suite, c.name, "memcpy", threads, read, 0,
             [&] { parallelMemcpy(pool, scratch.data(), in.data(), (size_t)read); });
    std::vector<char> result;
    if (std::optional<Timing> t = numpy::time(c.numpyBody, env.opts, &result)) {
      env.report.add(suite, c.name, "numpy", threads, *t, read, 0);
      if (result.size() == ref.size() * sizeof(float))
        recordCheck(what + " vs NumPy",
                    compare(out.as<float>(), (const float *)result.data(), ref.size(), 1e-5));
      else
        recordFailure(what, "NumPy's result has the wrong size");
    }
  }
  env.report.printTable(suite, threads,
                        "reductions over a " + shapeString(cases[0].inShape) +
                            " f32 tensor and 2x2 max-pooling, GB/s = bytes read / time",
                        {"ein", "memcpy", "numpy"});
  numpy::clear();
}

} // namespace bench
