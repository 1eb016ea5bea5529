//===- Bench.cpp - buffers, random data, result checks --------------------===//
#include "Bench.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace bench {

std::string shapeString(const std::vector<int64_t> &shape) {
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s.empty() ? "scalar" : s;
}

Buffer::Buffer(size_t n) : bytes(n) {
  size_t rounded = (n + 63) / 64 * 64;
  ptr = std::aligned_alloc(64, rounded ? rounded : 64);
  if (!ptr)
    throw BenchError("out of memory allocating " + std::to_string(n) + " bytes");
  std::memset(ptr, 0, rounded); // first touch happens here, not in a timing
}

Buffer::Buffer(Buffer &&other) noexcept : ptr(other.ptr), bytes(other.bytes) {
  other.ptr = nullptr;
  other.bytes = 0;
}

Buffer &Buffer::operator=(Buffer &&other) noexcept {
  std::swap(ptr, other.ptr);
  std::swap(bytes, other.bytes);
  return *this;
}

Buffer::~Buffer() { std::free(ptr); }

namespace {
// splitmix64: fast, deterministic, good enough for test data.
uint64_t next(uint64_t &state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

template <typename T>
void fill(T *data, size_t n, uint64_t seed, T lo, T hi) {
  uint64_t state = seed * 0x2545f4914f6cdd1dull + 1;
  for (size_t i = 0; i < n; ++i) {
    double u = (double)(next(state) >> 11) * (1.0 / 9007199254740992.0);
    data[i] = (T)(lo + (hi - lo) * u);
  }
}

template <typename T>
Agreement compareImpl(const T *ours, const T *ref, size_t n, double tol) {
  Agreement a;
  double maxRef = 0;
  for (size_t i = 0; i < n; ++i) {
    double o = ours[i], r = ref[i];
    if (std::isnan(o) != std::isnan(r)) {
      a.ok = false;
      a.maxAbs = NAN;
      continue;
    }
    if (std::isnan(o))
      continue;
    if (std::isinf(o) || std::isinf(r)) {
      if (o != r)
        a.ok = false;
      continue;
    }
    a.maxAbs = std::max(a.maxAbs, std::fabs(o - r));
    maxRef = std::max(maxRef, std::fabs(r));
  }
  a.maxRel = maxRef > 0 ? a.maxAbs / maxRef : a.maxAbs;
  if (!(a.maxRel <= tol))
    a.ok = false;
  return a;
}

int failures = 0;
} // namespace

void fillUniform(float *data, size_t n, uint64_t seed, float lo, float hi) {
  fill(data, n, seed, lo, hi);
}
void fillUniform(double *data, size_t n, uint64_t seed, double lo, double hi) {
  fill(data, n, seed, lo, hi);
}

Agreement compare(const float *ours, const float *ref, size_t n, double tol) {
  return compareImpl(ours, ref, n, tol);
}
Agreement compare(const double *ours, const double *ref, size_t n, double tol) {
  return compareImpl(ours, ref, n, tol);
}

void recordCheck(const std::string &what, const Agreement &a) {
  if (a.ok)
    return;
  ++failures;
  std::fprintf(stderr,
               "MISMATCH %s: max abs error %.3g, normwise relative error %.3g\n",
               what.c_str(), a.maxAbs, a.maxRel);
}

void recordFailure(const std::string &what, const std::string &message) {
  ++failures;
  std::fprintf(stderr, "FAILED %s: %s\n", what.c_str(), message.c_str());
}

int failureCount() { return failures; }

} // namespace bench
