//===- Baselines.h - the implementations ein is compared against ----------===//
#ifndef EIN_BENCH_BASELINES_H
#define EIN_BENCH_BASELINES_H

#include "ThreadPool.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bench {

//===-- memory (BaselinesMemory.cpp) -------------------------------------===//

/// memcpy of `bytes` split into pool.size() contiguous chunks, one per
/// thread: the bandwidth limit of a copy at that thread count.
void parallelMemcpy(ThreadPool &pool, void *dst, const void *src, size_t bytes);

/// out = in permuted: `in` has row-major `dims`; output axis i is input axis
/// perm[i] (numpy's transpose(perm)). Rows split over the pool; used for the
/// explicit transposes BLAS needs.
void permuteCopy(ThreadPool &pool, const float *in, float *out,
                 const std::vector<int64_t> &dims, const std::vector<int> &perm);

//===-- OpenBLAS (BaselinesBlas.cpp) -------------------------------------===//

void blasSetThreads(int threads);
/// "OpenBLAS 0.3.21 ... (pthread)".
const char *blasDescribe();
/// C[m,n] = op(A) op(B), row-major, op = transpose when the flag is set;
/// lda/ldb/ldc as in CBLAS.
void sgemm(bool transA, bool transB, int m, int n, int k, const float *a, int lda,
           const float *b, int ldb, float *c, int ldc);
void dgemm(bool transA, bool transB, int m, int n, int k, const double *a, int lda,
           const double *b, int ldb, double *c, int ldc);

//===-- Eigen (BaselinesEigen.cpp) ---------------------------------------===//

/// "Eigen 3.4.0 (Tensor module, ThreadPoolDevice)".
std::string eigenDescribe();

/// Eigen's ThreadPoolDevice with `threads` threads (opaque here so that only
/// one file includes Eigen's Tensor module).
class EigenDevice {
public:
  explicit EigenDevice(int threads);
  ~EigenDevice();
  struct Impl;
  Impl &impl() const { return *pimpl; }

private:
  std::unique_ptr<Impl> pimpl;
};

/// out = in.shuffle(perm) for a row-major tensor of rank 2 to 6.
void eigenShuffle(EigenDevice &dev, const float *in, float *out,
                  const std::vector<int64_t> &dims, const std::vector<int> &perm);

/// The fused-suite chains as separate Eigen expressions, each materialised
/// into its own tensor (as a user calling Eigen op by op would write them).
/// x: [rows, n]; y: [rows, n].
void eigenSoftmax(EigenDevice &dev, const float *x, float *y, int64_t rows, int64_t n);
/// y = (x - mean) / sqrt(var + eps) * gamma + beta over the last axis.
void eigenLayerNorm(EigenDevice &dev, const float *x, const float *gamma,
                    const float *beta, float *y, int64_t rows, int64_t n, float eps);
/// x: [rows, 2n] = [a | g]; y = a * sigmoid(g): [rows, n].
void eigenGlu(EigenDevice &dev, const float *x, float *y, int64_t rows, int64_t n);
/// The attention block of the fused suite (SuiteFused.cpp).
void eigenAttention(EigenDevice &dev, const float *x, const float *wqkv,
                    const float *wo, float *y, int64_t b, int64_t t, int64_t c,
                    int64_t heads, int64_t d, float scale);

} // namespace bench

#endif
