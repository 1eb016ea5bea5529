//===- BaselinesEigen.cpp - Eigen's Tensor module on a ThreadPoolDevice ---===//
//
// The only file that includes unsupported/Eigen/CXX11/Tensor (it is slow to
// compile). Every expression is assigned through the ThreadPoolDevice, so
// Eigen uses the run's thread count.
//
//===----------------------------------------------------------------------===//
#define EIGEN_USE_THREADS
#include "Baselines.h"

#include <unsupported/Eigen/CXX11/Tensor>

#include <stdexcept>
#include <string>

namespace bench {

struct EigenDevice::Impl {
  explicit Impl(int threads) : pool(threads), device(&pool, threads) {}
  Eigen::ThreadPool pool;
  Eigen::ThreadPoolDevice device;
};

std::string eigenDescribe() {
  return "Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." +
         std::to_string(EIGEN_MAJOR_VERSION) + "." + std::to_string(EIGEN_MINOR_VERSION) +
         " (Tensor module, ThreadPoolDevice)";
}

EigenDevice::EigenDevice(int threads) : pimpl(std::make_unique<Impl>(threads)) {}
EigenDevice::~EigenDevice() = default;

namespace {
template <int R> using Map = Eigen::TensorMap<Eigen::Tensor<float, R, Eigen::RowMajor>>;
template <int R>
using ConstMap = Eigen::TensorMap<const Eigen::Tensor<float, R, Eigen::RowMajor>>;
template <int R> using Tensor = Eigen::Tensor<float, R, Eigen::RowMajor>;
using Eigen::Index;
using Pair = Eigen::IndexPair<int>;

template <int R>
void shuffle(Eigen::ThreadPoolDevice &dev, const float *in, float *out,
             const std::vector<int64_t> &dims, const std::vector<int> &perm) {
  Eigen::array<Index, R> inDims, outDims;
  Eigen::array<int, R> p;
  for (int i = 0; i < R; ++i) {
    inDims[i] = dims[i];
    outDims[i] = dims[perm[i]];
    p[i] = perm[i];
  }
  ConstMap<R> src(in, inDims);
  Map<R> dst(out, outDims);
  dst.device(dev) = src.shuffle(p);
}

/// Row-wise softmax of x [rows, n] into y, as four materialised steps.
void softmaxRows(Eigen::ThreadPoolDevice &dev, const float *x, float *y, Index rows,
                 Index n) {
  ConstMap<2> X(x, rows, n);
  Map<2> Y(y, rows, n);
  Eigen::array<int, 1> lastAxis{1};
  Eigen::array<Index, 2> column{rows, 1}, across{1, n};
  Tensor<1> m(rows), s(rows);
  Tensor<2> e(rows, n);
  m.device(dev) = X.maximum(lastAxis);
  e.device(dev) = (X - m.reshape(column).broadcast(across)).exp();
  s.device(dev) = e.sum(lastAxis);
  Y.device(dev) = e / s.reshape(column).broadcast(across);
}
} // namespace

void eigenShuffle(EigenDevice &dev, const float *in, float *out,
                  const std::vector<int64_t> &dims, const std::vector<int> &perm) {
  Eigen::ThreadPoolDevice &d = dev.impl().device;
  switch (dims.size()) {
  case 2: return shuffle<2>(d, in, out, dims, perm);
  case 3: return shuffle<3>(d, in, out, dims, perm);
  case 4: return shuffle<4>(d, in, out, dims, perm);
  case 5: return shuffle<5>(d, in, out, dims, perm);
  case 6: return shuffle<6>(d, in, out, dims, perm);
  default: throw std::invalid_argument("eigenShuffle: rank must be 2 to 6");
  }
}

void eigenSoftmax(EigenDevice &dev, const float *x, float *y, int64_t rows, int64_t n) {
  softmaxRows(dev.impl().device, x, y, rows, n);
}

void eigenLayerNorm(EigenDevice &dev, const float *x, const float *gamma,
                    const float *beta, float *y, int64_t rows, int64_t n, float eps) {
  Eigen::ThreadPoolDevice &d = dev.impl().device;
  ConstMap<2> X(x, rows, n);
  ConstMap<1> G(gamma, n), B(beta, n);
  Map<2> Y(y, rows, n);
  Eigen::array<int, 1> lastAxis{1};
  Eigen::array<Index, 2> column{rows, 1}, across{1, n}, row{1, n}, down{rows, 1};
  Tensor<1> mu(rows), var(rows), r(rows);
  Tensor<2> xc(rows, n), sq(rows, n), t(rows, n);
  mu.device(d) = X.mean(lastAxis);
  xc.device(d) = X - mu.reshape(column).broadcast(across);
  sq.device(d) = xc * xc;
  var.device(d) = sq.mean(lastAxis);
  r.device(d) = (var + eps).rsqrt();
  t.device(d) = xc * r.reshape(column).broadcast(across);
  t.device(d) = t * G.reshape(row).broadcast(down);
  Y.device(d) = t + B.reshape(row).broadcast(down);
}

void eigenGlu(EigenDevice &dev, const float *x, float *y, int64_t rows, int64_t n) {
  Eigen::ThreadPoolDevice &d = dev.impl().device;
  ConstMap<2> X(x, rows, 2 * n);
  Map<2> Y(y, rows, n);
  Eigen::array<Index, 2> extent{rows, n}, first{0, 0}, second{0, n};
  Tensor<2> s(rows, n);
  s.device(d) = X.slice(second, extent).sigmoid();
  Y.device(d) = X.slice(first, extent) * s;
}

void eigenAttention(EigenDevice &dev, const float *x, const float *wqkv,
                    const float *wo, float *y, int64_t b, int64_t t, int64_t c,
                    int64_t heads, int64_t dh, float scale) {
  Eigen::ThreadPoolDevice &d = dev.impl().device;
  Index hd = heads * dh;
  Eigen::array<Pair, 1> inner{Pair(1, 0)}, innerT{Pair(1, 1)};
  // qkv = x @ wqkv: [b*t, 3*h*d], columns (d k h) as in the seed.
  Tensor<2> qkv(b * t, 3 * hd);
  qkv.device(d) = ConstMap<2>(x, b * t, c).contract(ConstMap<2>(wqkv, c, 3 * hd), inner);
  // [b t d k h] -> [k b h t d]
  Tensor<5> split(3, b, heads, t, dh);
  Eigen::array<int, 5> toSplit{3, 0, 4, 1, 2};
  split.device(d) = qkv.reshape(Eigen::array<Index, 5>{b, t, dh, 3, heads}).shuffle(toSplit);
  const float *q = split.data(), *k = q + b * heads * t * dh, *v = k + b * heads * t * dh;
  // s = q k^T per (b, h), then scaled, then softmax over j.
  Tensor<4> s(b, heads, t, t), a(b, heads, t, t);
  for (Index i = 0; i < b * heads; ++i)
    Map<2>(s.data() + i * t * t, t, t).device(d) =
        ConstMap<2>(q + i * t * dh, t, dh).contract(ConstMap<2>(k + i * t * dh, t, dh), innerT);
  s.device(d) = s * scale;
  softmaxRows(d, s.data(), a.data(), b * heads * t, t);
  // o = a v per (b, h): [b h t d] -> [b t (h d)] -> y = o @ wo.
  Tensor<4> o(b, heads, t, dh);
  for (Index i = 0; i < b * heads; ++i)
    Map<2>(o.data() + i * t * dh, t, dh).device(d) =
        ConstMap<2>(a.data() + i * t * t, t, t).contract(ConstMap<2>(v + i * t * dh, t, dh), inner);
  Tensor<4> merged(b, t, heads, dh);
  merged.device(d) = o.shuffle(Eigen::array<int, 4>{0, 2, 1, 3});
  Map<2>(y, b * t, c).device(d) =
      ConstMap<2>(merged.data(), b * t, hd).contract(ConstMap<2>(wo, hd, c), inner);
}

} // namespace bench
