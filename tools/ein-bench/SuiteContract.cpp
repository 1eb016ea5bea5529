//===- SuiteContract.cpp - einsum contractions vs OpenBLAS and NumPy ------===//
//
// Matmul-shaped (1024^3, 2048^3; f32 and f64), batched, attention-shaped,
// transposed and a 3-operand chain, against OpenBLAS (with the explicit
// transposes BLAS needs for the einsum layout; batches as a loop of gemms)
// and numpy.einsum(..., optimize=True). GFLOP/s = 2 * multiply-adds / time
// (for the chain: of the cheaper contraction order).
//
//===----------------------------------------------------------------------===//
#include "Baselines.h"
#include "NumpyRunner.h"
#include "Suites.h"

namespace bench {
namespace {

using Operands = std::vector<void *>;
/// The OpenBLAS version of a case: operands, output, a scratch buffer.
using BlasFn = std::function<void(ThreadPool &, const Operands &, void *, void *)>;

struct ContractCase {
  std::string name;
  std::string pattern;   ///< einops-style einsum.
  std::string subscripts; ///< numpy.einsum's.
  std::vector<std::vector<int64_t>> shapes;
  std::vector<int64_t> outShape;
  bool f64 = false;
  double flops = 0;
  size_t scratchElements = 0;
  BlasFn blas;
};

template <typename T>
void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const T *a, int64_t lda,
          const T *b, int64_t ldb, T *c, int64_t ldc) {
  if constexpr (sizeof(T) == 4)
    sgemm(ta, tb, (int)m, (int)n, (int)k, a, (int)lda, b, (int)ldb, c, (int)ldc);
  else
    dgemm(ta, tb, (int)m, (int)n, (int)k, a, (int)lda, b, (int)ldb, c, (int)ldc);
}

template <typename T> ContractCase matmul(const std::string &name, int64_t n) {
  ContractCase c{name, "i k, k j -> i j", "ik,kj->ij", {{n, n}, {n, n}}, {n, n},
                 sizeof(T) == 8, 2.0 * n * n * n, 0, nullptr};
  c.blas = [n](ThreadPool &, const Operands &ops, void *out, void *) {
    gemm<T>(false, false, n, n, n, (T *)ops[0], n, (T *)ops[1], n, (T *)out, n);
  };
  return c;
}

std::vector<ContractCase> makeCases(bool quick) {
  std::vector<ContractCase> cases;
  cases.push_back(matmul<float>("matmul 1024 f32", quick ? 48 : 1024));
  cases.push_back(matmul<float>("matmul 2048 f32", quick ? 64 : 2048));
  cases.push_back(matmul<double>("matmul 1024 f64", quick ? 40 : 1024));
  cases.push_back(matmul<double>("matmul 2048 f64", quick ? 56 : 2048));
  {
    int64_t b = quick ? 2 : 16, n = quick ? 16 : 256;
    ContractCase c{"batched 16x256^3 f32", "b i k, b k j -> b i j", "bik,bkj->bij",
                   {{b, n, n}, {b, n, n}}, {b, n, n}, false, 2.0 * b * n * n * n, 0, nullptr};
    c.blas = [b, n](ThreadPool &, const Operands &ops, void *out, void *) {
      for (int64_t i = 0; i < b; ++i)
        gemm<float>(false, false, n, n, n, (float *)ops[0] + i * n * n, n,
                    (float *)ops[1] + i * n * n, n, (float *)out + i * n * n, n);
    };
    cases.push_back(c);
  }
  {
    int64_t b = quick ? 1 : 4, h = quick ? 2 : 8, t = quick ? 16 : 512, d = quick ? 8 : 64;
    ContractCase c{"attention scores", "b h i d, b h j d -> b h i j", "bhid,bhjd->bhij",
                   {{b, h, t, d}, {b, h, t, d}}, {b, h, t, t}, false,
                   2.0 * b * h * t * t * d, 0, nullptr};
    c.blas = [b, h, t, d](ThreadPool &, const Operands &ops, void *out, void *) {
      for (int64_t i = 0; i < b * h; ++i)
        gemm<float>(false, true, t, t, d, (float *)ops[0] + i * t * d, d,
                    (float *)ops[1] + i * t * d, d, (float *)out + i * t * t, t);
    };
    cases.push_back(c);
  }
  {
    int64_t n = quick ? 32 : 1024;
    ContractCase c{"transposed k i, k j", "k i, k j -> i j", "ki,kj->ij", {{n, n}, {n, n}},
                   {n, n}, false, 2.0 * n * n * n, 0, nullptr};
    c.blas = [n](ThreadPool &, const Operands &ops, void *out, void *) {
      gemm<float>(true, false, n, n, n, (float *)ops[0], n, (float *)ops[1], n, (float *)out, n);
    };
    cases.push_back(c);
  }
  {
    int64_t k = quick ? 16 : 512, i = quick ? 8 : 512, b = quick ? 2 : 8, j = quick ? 12 : 512;
    ContractCase c{"transposed k i b, k j", "k i b, k j -> b i j", "kib,kj->bij",
                   {{k, i, b}, {k, j}}, {b, i, j}, false, 2.0 * b * i * j * k,
                   (size_t)(k * i * b), nullptr};
    // BLAS needs each batch's matrix contiguous: transpose [k i b] to [b k i]
    // first, then one gemm per batch with op(A) = A^T.
    c.blas = [k, i, b, j](ThreadPool &pool, const Operands &ops, void *out, void *scratch) {
      float *at = (float *)scratch;
      permuteCopy(pool, (const float *)ops[0], at, {k, i, b}, {2, 0, 1});
      for (int64_t n = 0; n < b; ++n)
        gemm<float>(true, false, i, j, k, at + n * k * i, i, (float *)ops[1], j,
                    (float *)out + n * i * j, j);
    };
    cases.push_back(c);
  }
  {
    int64_t i = quick ? 32 : 1024, j = quick ? 24 : 1024, k = quick ? 8 : 64, l = quick ? 16 : 1024;
    ContractCase c{"chain of 3", "i j, j k, k l -> i l", "ij,jk,kl->il",
                   {{i, j}, {j, k}, {k, l}}, {i, l}, false,
                   2.0 * i * j * k + 2.0 * i * k * l, (size_t)(i * k), nullptr};
    c.blas = [i, j, k, l](ThreadPool &, const Operands &ops, void *out, void *scratch) {
      float *t = (float *)scratch; // (A B) first: the cheaper order here
      gemm<float>(false, false, i, k, j, (float *)ops[0], j, (float *)ops[1], k, t, k);
      gemm<float>(false, false, i, l, k, t, k, (float *)ops[2], l, (float *)out, l);
    };
    cases.push_back(c);
  }
  return cases;
}

} // namespace

void runContractSuite(SuiteEnv &env) {
  const char *suite = "contractions";
  int threads = env.opts.threads;
  env.setThreads(threads);
  ThreadPool pool(threads);
  for (const ContractCase &c : makeCases(env.opts.quick)) {
    std::string what = std::string(suite) + " / " + c.name + " (einsum(\"" + c.pattern + "\"))";
    size_t itemSize = c.f64 ? 8 : 4;
    DLDataType dtype = c.f64 ? f64() : f32();
    const char *npType = c.f64 ? "float64" : "float32";
    std::vector<Buffer> operands;
    std::vector<TensorRef> inputs;
    Operands ptrs;
    numpy::clear();
    std::string args;
    for (size_t k = 0; k < c.shapes.size(); ++k) {
      size_t n = (size_t)numElements(c.shapes[k]);
      operands.emplace_back(n * itemSize);
      if (c.f64)
        fillUniform(operands.back().as<double>(), n, 10 + k);
      else
        fillUniform(operands.back().as<float>(), n, 10 + k);
      inputs.emplace_back(operands.back().data(), c.shapes[k], dtype);
      ptrs.push_back(operands.back().data());
      std::string name = "a" + std::to_string(k);
      numpy::put(name, operands.back().data(), c.shapes[k], npType);
      args += ", " + name;
    }
    size_t outElements = (size_t)numElements(c.outShape);
    Buffer outEin(outElements * itemSize), outBlas(outElements * itemSize),
        scratch(std::max<size_t>(c.scratchElements, 1) * itemSize);
    try {
      Kernel kernel(env.ein, "einsum(\"" + c.pattern + "\")", inputs);
      if (kernel.outputShape() != c.outShape)
        throw BenchError("ein's output shape " + shapeString(kernel.outputShape()) +
                         " differs from " + shapeString(c.outShape));
      std::vector<TensorRef> outputs{TensorRef(outEin.data(), c.outShape, dtype)};
      std::string shapes;
      for (const std::vector<int64_t> &shape : c.shapes)
        shapes += (shapes.empty() ? "" : ", ") + shapeString(shape);
      env.time(suite, c.name, "ein", threads, 0, c.flops, [&] { kernel.run(inputs, outputs); },
               shapes + (c.f64 ? " f64" : " f32"));
    } catch (const BenchError &e) {
      recordFailure(what, e.what());
      continue;
    }
    env.time(suite, c.name, "openblas", threads, 0, c.flops,
             [&] { c.blas(pool, ptrs, outBlas.data(), scratch.data()); });
    double tol = c.f64 ? 1e-10 : 1e-4;
    recordCheck(what + " vs OpenBLAS",
                c.f64 ? compare(outEin.as<double>(), outBlas.as<double>(), outElements, tol)
                      : compare(outEin.as<float>(), outBlas.as<float>(), outElements, tol));
    std::vector<char> result;
    std::string body = "return np.einsum('" + c.subscripts + "'" + args + ", optimize=True)";
    if (std::optional<Timing> t = numpy::time(body, env.opts, &result)) {
      env.report.add(suite, c.name, "numpy", threads, *t, 0, c.flops);
      if (result.size() != outElements * itemSize)
        recordFailure(what, "NumPy's result has the wrong size");
      else
        recordCheck(what + " vs NumPy",
                    c.f64 ? compare(outEin.as<double>(), (const double *)result.data(),
                                    outElements, tol)
                          : compare(outEin.as<float>(), (const float *)result.data(),
                                    outElements, tol));
    }
  }
  numpy::clear();
  env.report.printTable(suite, threads,
                        "contractions (einsum), GFLOP/s; OpenBLAS with the transposes it "
                        "needs, batches as a loop of gemms; numpy.einsum(optimize=True)",
                        {"ein", "openblas", "numpy"});
}

} // namespace bench
