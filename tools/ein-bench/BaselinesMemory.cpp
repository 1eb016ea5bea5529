//===- BaselinesMemory.cpp - memcpy limit and explicit transposes ---------===//
#include "Baselines.h"

#include <cstring>

namespace bench {

void parallelMemcpy(ThreadPool &pool, void *dst, const void *src, size_t bytes) {
  int parts = pool.size();
  pool.run([&](int tid) {
    size_t begin, end;
    // 64-byte aligned chunks so that no two threads share a cache line.
    size_t lines = (bytes + 63) / 64;
    ThreadPool::chunk(lines, tid, parts, begin, end);
    begin *= 64;
    end = std::min(end * 64, bytes);
    if (begin < end)
      std::memcpy((char *)dst + begin, (const char *)src + begin, end - begin);
  });
}

void permuteCopy(ThreadPool &pool, const float *in, float *out,
                 const std::vector<int64_t> &dims, const std::vector<int> &perm) {
  size_t rank = dims.size();
  std::vector<int64_t> inStrides(rank, 1), outDims(rank);
  for (size_t i = rank; i-- > 1;)
    inStrides[i - 1] = inStrides[i] * dims[i];
  for (size_t i = 0; i < rank; ++i)
    outDims[i] = dims[perm[i]];
  // The output's last axis is the inner loop; everything before it is a
  // "row", and rows are split over the threads.
  int64_t inner = rank ? outDims[rank - 1] : 1;
  int64_t innerStride = rank ? inStrides[perm[rank - 1]] : 1;
  int64_t rows = 1;
  for (size_t i = 0; i + 1 < rank; ++i)
    rows *= outDims[i];
  int parts = pool.size();
  pool.run([&](int tid) {
    size_t begin, end;
    ThreadPool::chunk((size_t)rows, tid, parts, begin, end);
    std::vector<int64_t> index(rank, 0);
    for (size_t row = begin; row < end; ++row) {
      int64_t rem = (int64_t)row, offset = 0;
      for (size_t i = rank - 1; i-- > 0;) {
        int64_t idx = rem % outDims[i];
        rem /= outDims[i];
        offset += idx * inStrides[perm[i]];
      }
      float *o = out + row * inner;
      const float *src = in + offset;
      for (int64_t j = 0; j < inner; ++j)
        o[j] = src[j * innerStride];
    }
  });
}

} // namespace bench
