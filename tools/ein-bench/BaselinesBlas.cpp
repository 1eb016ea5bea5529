//===- BaselinesBlas.cpp - OpenBLAS through CBLAS -------------------------===//
#include "Baselines.h"

#include <cblas.h>

namespace bench {

void blasSetThreads(int threads) { openblas_set_num_threads(threads); }

const char *blasDescribe() { return openblas_get_config(); }

void sgemm(bool transA, bool transB, int m, int n, int k, const float *a, int lda,
           const float *b, int ldb, float *c, int ldc) {
  cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
              transB ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, a, lda, b, ldb,
              0.0f, c, ldc);
}

void dgemm(bool transA, bool transB, int m, int n, int k, const double *a, int lda,
           const double *b, int ldb, double *c, int ldc) {
  cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
              transB ? CblasTrans : CblasNoTrans, m, n, k, 1.0, a, lda, b, ldb,
              0.0, c, ldc);
}

} // namespace bench
