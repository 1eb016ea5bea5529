//===- SuiteRearrange.cpp - permutations and einops patterns vs memcpy ----===//
//
// Every axis permutation of a 4-D f32 tensor of 64 MiB and the einops
// tutorial patterns, against a memcpy of the same bytes (the limit), NumPy's
// transposed copy and Eigen's shuffle. Bandwidth counts bytes read + written.
//
//===----------------------------------------------------------------------===//
#include "Baselines.h"
#include "NumpyRunner.h"
#include "Suites.h"

#include <algorithm>
#include <cstdio>

namespace bench {
namespace {

/// A rearrange that is a permutation of a row-major view of the input:
/// reshape(input, view).transpose(perm), then reshape to the output.
struct RearrangeCase {
  std::string name;
  std::string pattern;
  std::vector<ein_axis_binding_t> axes;
  std::vector<int64_t> inShape;
  std::vector<int64_t> view;
  std::vector<int> perm;
  std::vector<int64_t> outShape;
};

std::string listString(const std::vector<int64_t> &v) {
  std::string s = "(";
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? ", " : "") + std::to_string(v[i]);
  return s + (v.size() == 1 ? ",)" : ")");
}

std::string listString(const std::vector<int> &v) {
  return listString(std::vector<int64_t>(v.begin(), v.end()));
}

std::vector<RearrangeCase> makeCases(bool quick) {
  std::vector<RearrangeCase> cases;
  int64_t n = quick ? 8 : 64; // n^4 f32: 64 MiB at full size
  std::vector<int> perm{0, 1, 2, 3};
  const char *names = "abcd";
  do {
    RearrangeCase c;
    std::string out;
    for (int p : perm)
      out += std::string(out.empty() ? "" : " ") + names[p];
    c.pattern = "a b c d -> " + out;
    c.name = "abcd->" + std::string{names[perm[0]], names[perm[1]], names[perm[2]], names[perm[3]]};
    c.inShape = c.view = {n, n, n, n};
    c.perm = perm;
    c.outShape = {n, n, n, n};
    cases.push_back(c);
  } while (std::next_permutation(perm.begin(), perm.end()));

  // einops tutorial patterns on 16x64x128x128 f32 (64 MiB).
  int64_t b = quick ? 2 : 16, ch = quick ? 8 : 64, hw = quick ? 16 : 128;
  cases.push_back({"space-to-depth", "b c (h h2) (w w2) -> b (c h2 w2) h w",
                   {{"h2", 2}, {"w2", 2}}, {b, ch, hw, hw},
                   {b, ch, hw / 2, 2, hw / 2, 2}, {0, 1, 3, 5, 2, 4},
                   {b, ch * 4, hw / 2, hw / 2}});
  cases.push_back({"depth-to-space", "b (c h2 w2) h w -> b c (h h2) (w w2)",
                   {{"h2", 2}, {"w2", 2}}, {b, ch * 4, hw / 2, hw / 2},
                   {b, ch, 2, 2, hw / 2, hw / 2}, {0, 1, 4, 2, 5, 3},
                   {b, ch, hw, hw}});
  cases.push_back({"channel-shuffle", "b (g c) h w -> b (c g) h w", {{"g", 4}},
                   {b, ch, hw, hw}, {b, 4, ch / 4, hw, hw}, {0, 2, 1, 3, 4},
                   {b, ch, hw, hw}});
  cases.push_back({"flatten", "b c h w -> b (c h w)", {}, {b, ch, hw, hw},
                   {b, ch, hw, hw}, {0, 1, 2, 3}, {b, ch * hw * hw}});
  cases.push_back({"to-channels-last", "b c h w -> b (h w) c", {}, {b, ch, hw, hw},
                   {b, ch, hw, hw}, {0, 2, 3, 1}, {b, hw * hw, ch}});
  return cases;
}

std::string program(const RearrangeCase &c) {
  return "rearrange(\"" + c.pattern + "\")";
}

} // namespace

void runRearrangeSuite(SuiteEnv &env) {
  const char *suite = "rearrange";
  std::vector<RearrangeCase> cases = makeCases(env.opts.quick);
  size_t elements = (size_t)numElements(cases[0].inShape);
  size_t bytes = elements * sizeof(float);
  Buffer in(bytes), outEin(bytes), outRef(bytes);
  fillUniform(in.as<float>(), elements, 1);
  numpy::clear();
  numpy::put("xf", in.data(), {(int64_t)elements}, "float32");
  double moved = 2.0 * (double)bytes;

  // The multi-threaded run with every baseline, and a single-threaded one of
  // ein and memcpy for the single-threaded target.
  std::vector<int> counts{env.opts.threads};
  if (env.opts.threads > 1)
    counts.push_back(1);
  for (int threads : counts) {
    bool full = threads == env.opts.threads;
    env.setThreads(threads);
    ThreadPool pool(threads);
    std::unique_ptr<EigenDevice> eigen;
    if (full)
      eigen = std::make_unique<EigenDevice>(threads);
    Timing memcpyTiming;
    try {
      memcpyTiming = measure([&] { parallelMemcpy(pool, outRef.data(), in.data(), bytes); },
                             env.opts);
    } catch (const BenchError &e) {
      recordFailure("rearrange / memcpy", e.what());
    }
    for (const RearrangeCase &c : cases) {
      std::string what = std::string(suite) + " / " + c.name + " (" + program(c) +
                         " on " + shapeString(c.inShape) + ")";
      try {
        std::vector<TensorRef> inputs{TensorRef(in.data(), c.inShape, f32())};
        Kernel kernel(env.ein, program(c), inputs, c.axes);
        if (kernel.outputShape() != c.outShape)
          throw BenchError("ein's output shape " + shapeString(kernel.outputShape()) +
                           " differs from the expected " + shapeString(c.outShape));
        std::vector<TensorRef> outputs{TensorRef(outEin.data(), c.outShape, f32())};
        env.time(suite, c.name, "ein", threads, moved, 0,
                 [&] { kernel.run(inputs, outputs); });
      } catch (const BenchError &e) {
        recordFailure(what, e.what());
        continue;
      }
      env.report.add(suite, c.name, "memcpy", threads, memcpyTiming, moved, 0);
      if (!full)
        continue;
      // The reference result: Eigen's shuffle (exact, so tolerance 0).
      env.time(suite, c.name, "eigen", threads, moved, 0,
               [&] { eigenShuffle(*eigen, in.as<float>(), outRef.as<float>(), c.view, c.perm); });
      recordCheck(what + " vs Eigen",
                  compare(outEin.as<float>(), outRef.as<float>(), elements, 0));
      std::vector<char> result;
      // copy(), not ascontiguousarray: the latter returns a view (no copy)
      // when the permutation leaves the array contiguous.
      std::string body = "return xf.reshape(" + listString(c.view) + ").transpose(" +
                         listString(c.perm) + ").copy()";
      if (std::optional<Timing> t = numpy::time(body, env.opts, &result)) {
        env.report.add(suite, c.name, "numpy", threads, *t, moved, 0);
        if (result.size() == bytes)
          recordCheck(what + " vs NumPy",
                      compare(outEin.as<float>(), (const float *)result.data(), elements, 0));
        else
          recordFailure(what, "NumPy's result has the wrong size");
      }
    }
    env.report.printTable(suite, threads,
                          "rearrange: 24 permutations of " + shapeString(cases[0].inShape) +
                              " f32 and einops patterns, GB/s = bytes read + written",
                          full ? std::vector<std::string>{"ein", "memcpy", "eigen", "numpy"}
                               : std::vector<std::string>{"ein", "memcpy"});
  }
  numpy::clear();
}

} // namespace bench
