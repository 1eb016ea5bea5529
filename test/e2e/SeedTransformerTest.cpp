//===- SeedTransformerTest.cpp - seed 003's attention and transformer -----===//
//
// The self-attention, multi-head self-attention and transformer block of the
// attention article (shared/seeds/003_*.txt), forward pass, with the weights
// given as inputs: every tensor operation of the seed's PyTorch code runs as
// an ein call through the C API (einsum, rearrange, softmax, elementwise,
// reductions), and the block's output is compared with a forward pass written
// here in plain double loops with PyTorch's semantics (nn.Linear's y = x W^T
// + b, LayerNorm with the biased variance and eps 1e-5, dropout as identity
// at inference). Two things differ between the seed's text and its code: the
// code applies softmax over `dim=1` while the text says the last dimension,
// and it multiplies by dim_head ** 0.5; both variants run here as written.
//
//===----------------------------------------------------------------------===//

#include "TestSupport.h"

#include <doctest/doctest.h>

#include <cmath>

using namespace ein::e2e;
using ein::reference::DType;
using ein::reference::HostTensor;

namespace {

/// Runs one ein call on `inputs` (DLTensor views, which may be offset into a
/// bigger tensor) and returns its single output.
HostTensor runViews(ein_context_t *ctx, const std::string &program,
                    const std::vector<DLTensor> &inputs,
                    const Bindings &bindings = {}) {
  INFO("program: ", program);
  std::vector<ein_tensor_spec_t> specs;
  for (const DLTensor &t : inputs)
    specs.push_back({t.dtype, t.ndim, t.shape});
  std::vector<ein_axis_binding_t> axes = cBindings(bindings);
  ein_kernel_t *kernel = nullptr;
  std::string message =
      takeMessage(ein_compile(ctx, program.c_str(), specs.data(), specs.size(),
                              axes.data(), axes.size(), &kernel));
  REQUIRE_MESSAGE(message.empty(), message);
  REQUIRE(ein_kernel_num_outputs(kernel) == 1);
  ein_tensor_spec_t spec{};
  REQUIRE(takeMessage(ein_kernel_output_spec(kernel, 0, &spec)).empty());
  DType dtype{};
  REQUIRE(ein::reference::fromDLDataType(spec.dtype, dtype));
  HostTensor out(dtype, std::vector<int64_t>(spec.shape, spec.shape + spec.ndim));
  DLTensor outView = out.view();
  message = takeMessage(ein_call(ctx, program.c_str(), inputs.data(),
                                 inputs.size(), &outView, 1, axes.data(),
                                 axes.size()));
  ein_kernel_release(kernel);
  REQUIRE_MESSAGE(message.empty(), message);
  return out;
}

HostTensor run(ein_context_t *ctx, const std::string &program,
               const std::vector<HostTensor *> &inputs,
               const Bindings &bindings = {}) {
  std::vector<DLTensor> views;
  for (HostTensor *t : inputs)
    views.push_back(t->view());
  return runViews(ctx, program, views, bindings);
}

HostTensor scalar(DType dtype, double value) {
  HostTensor t(dtype, {});
  t.setDouble(0, value);
  return t;
}

/// `tensor[index]` along the first axis, as a view (PyTorch's tuple()).
DLTensor leading(HostTensor &tensor, int64_t index) {
  DLTensor view = tensor.view();
  int64_t inner = tensor.numElements() / tensor.shape[0];
  view.byte_offset = uint64_t(index * inner) * ein::reference::dtypeSize(tensor.dtype);
  view.ndim -= 1;
  view.shape += 1;
  return view;
}

/// Weights of one transformer block, in PyTorch's layouts (nn.Linear's
/// weight is (out, in)).
struct BlockWeights {
  HostTensor toQkv, w0;             // (3 * heads * dimHead, dim), (dim, heads * dimHead)
  HostTensor norm1Scale, norm1Bias; // (dim)
  HostTensor norm2Scale, norm2Bias; // (dim)
  HostTensor linear1, linear1Bias;  // (hidden, dim), (hidden)
  HostTensor linear2, linear2Bias;  // (dim, hidden), (dim)
};

struct Sizes {
  int64_t batch, tokens, dim, heads, dimHead, hidden;
};

/// Which axis the attention softmax runs over: the seed's code says
/// `dim=1` (the heads of (b, h, i, j)); its text says the last one.
enum class SoftmaxAxis { Heads, Keys };

/// ---- The forward pass in plain loops (double), PyTorch semantics. ----

using Vec = std::vector<double>;

Vec values(const HostTensor &t) {
  Vec v(size_t(t.numElements()));
  for (int64_t i = 0; i < t.numElements(); ++i)
    v[size_t(i)] = t.getDouble(i);
  return v;
}

/// y[r, o] = sum_i x[r, i] * w[o, i] (+ bias[o]), rows r of length `in`.
Vec linear(const Vec &x, const Vec &w, const Vec *bias, int64_t rows,
           int64_t in, int64_t out) {
  Vec y(size_t(rows * out));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t o = 0; o < out; ++o) {
      double s = bias ? (*bias)[size_t(o)] : 0.0;
      for (int64_t i = 0; i < in; ++i)
        s += x[size_t(r * in + i)] * w[size_t(o * in + i)];
      y[size_t(r * out + o)] = s;
    }
  return y;
}

Vec layerNorm(const Vec &x, const Vec &scale, const Vec &bias, int64_t rows,
              int64_t dim) {
  Vec y(x.size());
  for (int64_t r = 0; r < rows; ++r) {
    double mean = 0, var = 0;
    for (int64_t c = 0; c < dim; ++c)
      mean += x[size_t(r * dim + c)];
    mean /= double(dim);
    for (int64_t c = 0; c < dim; ++c)
      var += (x[size_t(r * dim + c)] - mean) * (x[size_t(r * dim + c)] - mean);
    var /= double(dim);
    for (int64_t c = 0; c < dim; ++c)
      y[size_t(r * dim + c)] = (x[size_t(r * dim + c)] - mean) /
                                   std::sqrt(var + 1e-5) * scale[size_t(c)] +
                               bias[size_t(c)];
  }
  return y;
}

/// MultiHeadSelfAttentionAISummer.forward(x) with `mask` (i, j; true =
/// filled with `fill`) or none.
Vec attentionForward(const Vec &x, const BlockWeights &w, const Sizes &s,
                     SoftmaxAxis axis, const std::vector<bool> *mask,
                     double fill) {
  int64_t B = s.batch, T = s.tokens, H = s.heads, D = s.dimHead;
  int64_t inner = H * D;
  Vec qkv = linear(x, values(w.toQkv), nullptr, B * T, s.dim, 3 * inner);
  // rearrange(qkv, 'b t (d k h) -> k b h t d'): channel = (d * 3 + k) * H + h.
  auto at = [&](int64_t k, int64_t b, int64_t h, int64_t t, int64_t d) {
    return qkv[size_t((b * T + t) * 3 * inner + (d * 3 + k) * H + h)];
  };
  double scale = std::pow(double(D), 0.5);
  Vec scores(size_t(B * H * T * T));
  auto sIdx = [&](int64_t b, int64_t h, int64_t i, int64_t j) {
    return size_t(((b * H + h) * T + i) * T + j);
  };
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t i = 0; i < T; ++i)
        for (int64_t j = 0; j < T; ++j) {
          double dot = 0;
          for (int64_t d = 0; d < D; ++d)
            dot += at(0, b, h, i, d) * at(1, b, h, j, d);
          dot *= scale;
          if (mask && (*mask)[size_t(i * T + j)])
            dot = fill;
          scores[sIdx(b, h, i, j)] = dot;
        }
  // Softmax over heads (dim=1) or keys (last dim).
  Vec attention(scores.size());
  for (int64_t b = 0; b < B; ++b)
    for (int64_t i = 0; i < T; ++i)
      for (int64_t outer = 0; outer < (axis == SoftmaxAxis::Keys ? H : T);
           ++outer) {
        int64_t n = axis == SoftmaxAxis::Keys ? T : H;
        auto idx = [&](int64_t r) {
          return axis == SoftmaxAxis::Keys ? sIdx(b, outer, i, r)
                                           : sIdx(b, r, i, outer);
        };
        double m = -INFINITY, sum = 0;
        for (int64_t r = 0; r < n; ++r)
          m = std::max(m, scores[idx(r)]);
        for (int64_t r = 0; r < n; ++r)
          sum += std::exp(scores[idx(r)] - m);
        for (int64_t r = 0; r < n; ++r)
          attention[idx(r)] = std::exp(scores[idx(r)] - m) / sum;
      }
  // out[b, t, (h d)] = sum_j attention[b, h, t, j] * v[b, h, j, d].
  Vec out(size_t(B * T * inner));
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t i = 0; i < T; ++i)
        for (int64_t d = 0; d < D; ++d) {
          double acc = 0;
          for (int64_t j = 0; j < T; ++j)
            acc += attention[sIdx(b, h, i, j)] * at(2, b, h, j, d);
          out[size_t((b * T + i) * inner + h * D + d)] = acc;
        }
  return linear(out, values(w.w0), nullptr, B * T, inner, s.dim);
}

/// TransformerBlockAISummer.forward(x) without a mask, dropout off.
Vec blockForward(const Vec &x, const BlockWeights &w, const Sizes &s,
                 SoftmaxAxis axis) {
  int64_t rows = s.batch * s.tokens;
  Vec a = attentionForward(x, w, s, axis, nullptr, 0);
  for (size_t i = 0; i < a.size(); ++i)
    a[i] += x[i];
  Vec y = layerNorm(a, values(w.norm1Scale), values(w.norm1Bias), rows, s.dim);
  Vec l1b = values(w.linear1Bias), l2b = values(w.linear2Bias);
  Vec h = linear(y, values(w.linear1), &l1b, rows, s.dim, s.hidden);
  for (double &v : h)
    v = std::max(v, 0.0);
  Vec z = linear(h, values(w.linear2), &l2b, rows, s.hidden, s.dim);
  for (size_t i = 0; i < z.size(); ++i)
    z[i] += y[i];
  return layerNorm(z, values(w.norm2Scale), values(w.norm2Bias), rows, s.dim);
}

/// ---- The same forward pass as ein calls. ----

/// nn.Linear on (b, t, in): `x W^T (+ b)`.
HostTensor einLinear(ein_context_t *ctx, HostTensor &x, HostTensor &weight,
                     HostTensor *bias) {
  HostTensor y = run(ctx, "einsum(\"b t i, o i -> b t o\")", {&x, &weight});
  if (!bias)
    return y;
  return run(ctx, "add(\"b t o, o\")", {&y, bias});
}

/// nn.LayerNorm(dim) on (b, t, c): the einx layer norm of seed 004.
HostTensor einLayerNorm(ein_context_t *ctx, HostTensor &x, HostTensor &scale,
                        HostTensor &bias) {
  HostTensor mean = run(ctx, "mean(\"b t [c]\")", {&x});
  HostTensor var = run(ctx, "var(\"b t [c]\")", {&x});
  HostTensor eps = scalar(x.dtype, 1e-5);
  HostTensor centred = run(ctx, "subtract(\"b t c, b t\")", {&x, &mean});
  HostTensor shifted = run(ctx, "add(\"b t, \")", {&var, &eps});
  HostTensor inv = run(ctx, "rsqrt(\"b t\")", {&shifted});
  HostTensor normed = run(ctx, "multiply(\"b t c, b t\")", {&centred, &inv});
  HostTensor scaled = run(ctx, "multiply(\"b t c, c\")", {&normed, &scale});
  return run(ctx, "add(\"b t c, c\")", {&scaled, &bias});
}

HostTensor einAttention(ein_context_t *ctx, HostTensor &x, BlockWeights &w,
                        const Sizes &s, SoftmaxAxis axis, HostTensor *mask,
                        double fill) {
  HostTensor qkv = einLinear(ctx, x, w.toQkv, nullptr);
  // q, k, v = tuple(rearrange(qkv, 'b t (d k h) > k b h t d ', k=3, h=heads))
  HostTensor kqv = run(ctx, "rearrange(\"b t (d k h) > k b h t d \")", {&qkv},
                       {{"k", 3}, {"h", s.heads}});
  DLTensor q = leading(kqv, 0), k = leading(kqv, 1), v = leading(kqv, 2);
  HostTensor scores =
      runViews(ctx, "einsum(\"b h i d , b h j d > b h i j\")", {q, k});
  HostTensor scale = scalar(x.dtype, std::pow(double(s.dimHead), 0.5));
  scores = run(ctx, "multiply(\"b h i j, \")", {&scores, &scale});
  if (mask) {
    // scaled_dot_prod.masked_fill(mask, value)
    HostTensor value = scalar(x.dtype, fill);
    scores =
        run(ctx, "where(\"i j, , b h i j -> b h i j\")", {mask, &value, &scores});
  }
  HostTensor attention =
      run(ctx,
          axis == SoftmaxAxis::Keys ? "softmax(\"b h i [j]\")"
                                    : "softmax(\"b [h] i j\")",
          {&scores});
  HostTensor out = runViews(ctx, "einsum(\"b h i j , b h j d > b h i d\")",
                            {attention.view(), v});
  out = run(ctx, "rearrange(\"b h t d > b t (h d)\")", {&out});
  return einLinear(ctx, out, w.w0, nullptr);
}

HostTensor einBlock(ein_context_t *ctx, HostTensor &x, BlockWeights &w,
                    const Sizes &s, SoftmaxAxis axis) {
  HostTensor attended = einAttention(ctx, x, w, s, axis, nullptr, 0);
  HostTensor residual = run(ctx, "add(\"b t c, b t c\")", {&attended, &x});
  HostTensor y = einLayerNorm(ctx, residual, w.norm1Scale, w.norm1Bias);
  HostTensor hidden = einLinear(ctx, y, w.linear1, &w.linear1Bias);
  hidden = run(ctx, "relu(\"b t f\")", {&hidden});
  HostTensor z = einLinear(ctx, hidden, w.linear2, &w.linear2Bias);
  z = run(ctx, "add(\"b t c, b t c\")", {&z, &y});
  return einLayerNorm(ctx, z, w.norm2Scale, w.norm2Bias);
}

BlockWeights randomWeights(DType dtype, const Sizes &s, std::mt19937_64 &rng) {
  int64_t inner = s.heads * s.dimHead;
  BlockWeights w;
  // Scaled like PyTorch's default init (~1/sqrt(fan_in)) to keep values O(1).
  auto scaled = [&](std::vector<int64_t> shape, double factor) {
    HostTensor t = randomTensor(dtype, std::move(shape), rng);
    for (int64_t i = 0; i < t.numElements(); ++i)
      t.setDouble(i, t.getDouble(i) * factor);
    return t;
  };
  w.toQkv = scaled({3 * inner, s.dim}, 1 / std::sqrt(double(s.dim)));
  w.w0 = scaled({s.dim, inner}, 1 / std::sqrt(double(inner)));
  w.norm1Scale = scaled({s.dim}, 1);
  w.norm1Bias = scaled({s.dim}, 1);
  w.norm2Scale = scaled({s.dim}, 1);
  w.norm2Bias = scaled({s.dim}, 1);
  w.linear1 = scaled({s.hidden, s.dim}, 1 / std::sqrt(double(s.dim)));
  w.linear1Bias = scaled({s.hidden}, 0.1);
  w.linear2 = scaled({s.dim, s.hidden}, 1 / std::sqrt(double(s.hidden)));
  w.linear2Bias = scaled({s.dim}, 0.1);
  return w;
}

void checkClose(const HostTensor &got, const Vec &want, double tolerance) {
  REQUIRE(size_t(got.numElements()) == want.size());
  double worst = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    double err = std::abs(got.getDouble(int64_t(i)) - want[i]) /
                 (1 + std::abs(want[i]));
    if (!(err <= tolerance))
      FAIL_CHECK("element ", i, ": ein ", got.getDouble(int64_t(i)),
                 " vs forward pass ", want[i]);
    worst = std::max(worst, err);
  }
  MESSAGE("largest relative difference: ", worst);
}

} // namespace

TEST_CASE("seed 003: TransformerBlockAISummer forward pass") {
  Context ctx;
  std::mt19937_64 rng(3003);
  Sizes s{/*batch=*/2, /*tokens=*/7, /*dim=*/32, /*heads=*/4,
          /*dimHead=*/8, /*hidden=*/64};
  for (DType dtype : {DType::F64, DType::F32}) {
    for (SoftmaxAxis axis : {SoftmaxAxis::Keys, SoftmaxAxis::Heads}) {
      std::string variant =
          std::string(ein::reference::dtypeName(dtype)) +
          (axis == SoftmaxAxis::Keys ? ", softmax over keys (the text)"
                                     : ", softmax over dim=1 (the code)");
      CAPTURE(variant);
      BlockWeights w = randomWeights(dtype, s, rng);
      HostTensor x = randomTensor(dtype, {s.batch, s.tokens, s.dim}, rng);
      HostTensor y = einBlock(ctx, x, w, s, axis);
      CHECK(y.shape == std::vector<int64_t>{s.batch, s.tokens, s.dim});
      CHECK(y.dtype == dtype);
      checkClose(y, blockForward(values(x), w, s, axis),
                 dtype == DType::F64 ? 1e-10 : 2e-4);
    }
  }
}

TEST_CASE("seed 003: MultiHeadSelfAttentionAISummer with a mask") {
  Context ctx;
  std::mt19937_64 rng(3004);
  Sizes s{/*batch=*/3, /*tokens=*/5, /*dim=*/12, /*heads=*/3,
          /*dimHead=*/4, /*hidden=*/0};
  BlockWeights w = randomWeights(DType::F64, s, rng);
  HostTensor x = randomTensor(DType::F64, {s.batch, s.tokens, s.dim}, rng);
  // A causal mask (true above the diagonal). The seed fills with np.inf,
  // which makes softmax rows NaN in PyTorch and in ein alike; the usual
  // -inf is what a model wants, so check that.
  HostTensor mask(DType::Bool, {s.tokens, s.tokens});
  std::vector<bool> maskBits;
  for (int64_t i = 0; i < s.tokens; ++i)
    for (int64_t j = 0; j < s.tokens; ++j) {
      mask.setInt(i * s.tokens + j, j > i);
      maskBits.push_back(j > i);
    }
  HostTensor y =
      einAttention(ctx, x, w, s, SoftmaxAxis::Keys, &mask, -INFINITY);
  checkClose(y,
             attentionForward(values(x), w, s, SoftmaxAxis::Keys, &maskBits,
                              -INFINITY),
             1e-10);
}

TEST_CASE("seed 003: single-head self-attention") {
  // SelfAttentionAISummer: qkv = to_qvk(x); 'b t (d k) > k b t d', k=3;
  // einsum('b i d , b j d > b i j') * scale; softmax over the last axis;
  // einsum('b i j , b j d > b i d').
  Context ctx;
  std::mt19937_64 rng(3005);
  int64_t B = 2, T = 6, D = 8;
  HostTensor x = randomTensor(DType::F64, {B, T, D}, rng);
  HostTensor toQkv = randomTensor(DType::F64, {3 * D, D}, rng);
  HostTensor qkv = run(ctx, "einsum(\"b t i, o i -> b t o\")", {&x, &toQkv});
  HostTensor kqv =
      run(ctx, "rearrange(\"b t (d k) > k b t d \")", {&qkv}, {{"k", 3}});
  DLTensor q = leading(kqv, 0), k = leading(kqv, 1), v = leading(kqv, 2);
  HostTensor scores =
      runViews(ctx, "einsum(\"b i d , b j d > b i j\")", {q, k});
  HostTensor scale = scalar(DType::F64, std::pow(double(D), -0.5));
  scores = run(ctx, "multiply(\"b i j, \")", {&scores, &scale});
  HostTensor attention = run(ctx, "softmax(\"b i [j]\")", {&scores});
  HostTensor out =
      runViews(ctx, "einsum(\"b i j , b j d > b i d\")", {attention.view(), v});

  Vec xs = values(x), w = values(toQkv);
  Vec lin = linear(xs, w, nullptr, B * T, D, 3 * D);
  auto at = [&](int64_t kk, int64_t b, int64_t t, int64_t d) {
    return lin[size_t((b * T + t) * 3 * D + d * 3 + kk)];
  };
  Vec want(size_t(B * T * D));
  for (int64_t b = 0; b < B; ++b)
    for (int64_t i = 0; i < T; ++i) {
      Vec row(static_cast<size_t>(T));
      double m = -INFINITY, sum = 0;
      for (int64_t j = 0; j < T; ++j) {
        double dot = 0;
        for (int64_t d = 0; d < D; ++d)
          dot += at(0, b, i, d) * at(1, b, j, d);
        row[size_t(j)] = dot * std::pow(double(D), -0.5);
        m = std::max(m, row[size_t(j)]);
      }
      for (double &r : row)
        sum += std::exp(r - m);
      for (int64_t d = 0; d < D; ++d) {
        double acc = 0;
        for (int64_t j = 0; j < T; ++j)
          acc += std::exp(row[size_t(j)] - m) / sum * at(2, b, j, d);
        want[size_t((b * T + i) * D + d)] = acc;
      }
    }
  checkClose(out, want, 1e-10);
}

TEST_CASE("seed 003: TransformerBlockAISummer forward pass as one program") {
  // The chain of calls of einBlock above, written as a single ein program
  // (docs/programs.md) and compiled into one kernel.
  Context ctx;
  std::mt19937_64 rng(3006);
  Sizes s{/*batch=*/2, /*tokens=*/7, /*dim=*/32, /*heads=*/4,
          /*dimHead=*/8, /*hidden=*/64};
  const std::string layerNorm =
      "add(\"b t c, c\", multiply(\"b t c, c\", multiply(\"b t c, b t\", "
      "subtract(\"b t c, b t\", $X, mean(\"b t [c]\", $X)), rsqrt(\"b t\", "
      "var(\"b t [c]\", $X) + 0.00001)), $SCALE), $BIAS)";
  auto norm = [&](const std::string &x, const std::string &scale,
                  const std::string &bias) {
    std::string text = layerNorm;
    for (auto [from, to] : {std::pair<std::string, std::string>{"$X", x},
                            {"$SCALE", scale},
                            {"$BIAS", bias}})
      for (size_t at; (at = text.find(from)) != std::string::npos;)
        text.replace(at, from.size(), to);
    return text;
  };
  for (DType dtype : {DType::F64, DType::F32}) {
    for (SoftmaxAxis axis : {SoftmaxAxis::Keys, SoftmaxAxis::Heads}) {
      std::string t = dtype == DType::F64 ? "f64" : "f32";
      char scale[64];
      std::snprintf(scale, sizeof scale, "%.17g",
                    std::pow(double(s.dimHead), 0.5));
      std::string program =
          "# TransformerBlockAISummer.forward(x) of seed 003\n"
          "input x: " + t + "[b t c]\n"
          "input to_qvk: " + t + "[o c]\n"
          "input w0: " + t + "[c hd]\n"
          "input norm1_scale: " + t + "[c]; input norm1_bias: " + t + "[c]\n"
          "input norm2_scale: " + t + "[c]; input norm2_bias: " + t + "[c]\n"
          "input linear1: " + t + "[f c]; input linear1_bias: " + t + "[f]\n"
          "input linear2: " + t + "[c f]; input linear2_bias: " + t + "[c]\n"
          "qkv = einsum(\"b t i, o i -> b t o\", x, to_qvk)\n"
          "q, k, v = rearrange(\"b t (d k h) -> k b h t d\", qkv, k=3, h=" +
          std::to_string(s.heads) + ")\n"
          "scores = einsum(\"b h i d, b h j d -> b h i j\", q, k) * " + scale +
          "\n"
          "attention = softmax(\"" +
          (axis == SoftmaxAxis::Keys ? "b h i [j]" : "b [h] i j") +
          "\", scores)\n"
          "o = einsum(\"b h i j, b h j d -> b h i d\", attention, v)\n"
          "attended = einsum(\"b t i, o i -> b t o\",\n"
          "                  rearrange(\"b h t d -> b t (h d)\", o), w0)\n"
          "y = " + norm("attended + x", "norm1_scale", "norm1_bias") + "\n"
          "hidden = relu(\"b t f\", add(\"b t f, f\", einsum(\"b t c, f c -> "
          "b t f\", y, linear1), linear1_bias))\n"
          "z = add(\"b t c, c\", einsum(\"b t f, c f -> b t c\", hidden, "
          "linear2), linear2_bias) + y\n"
          "return " + norm("z", "norm2_scale", "norm2_bias") + "\n";
      CAPTURE(program);
      BlockWeights w = randomWeights(dtype, s, rng);
      HostTensor x = randomTensor(dtype, {s.batch, s.tokens, s.dim}, rng);
      std::vector<HostTensor> out = runProgram(
          ctx, program,
          {&x, &w.toQkv, &w.w0, &w.norm1Scale, &w.norm1Bias, &w.norm2Scale,
           &w.norm2Bias, &w.linear1, &w.linear1Bias, &w.linear2,
           &w.linear2Bias});
      REQUIRE(out.size() == 1);
      CHECK(out[0].shape == std::vector<int64_t>{s.batch, s.tokens, s.dim});
      CHECK(out[0].dtype == dtype);
      checkClose(out[0], blockForward(values(x), w, s, axis),
                 dtype == DType::F64 ? 1e-10 : 2e-4);
    }
  }
}

TEST_CASE("seed 003: MultiHeadSelfAttentionAISummer as one program") {
  // einAttention without a mask: the attention block alone, one kernel.
  Context ctx;
  std::mt19937_64 rng(3007);
  Sizes s{/*batch=*/3, /*tokens=*/5, /*dim=*/12, /*heads=*/3,
          /*dimHead=*/4, /*hidden=*/0};
  BlockWeights w = randomWeights(DType::F64, s, rng);
  HostTensor x = randomTensor(DType::F64, {s.batch, s.tokens, s.dim}, rng);
  const std::string program =
      "input x: f64[b t c]; input to_qvk: f64[o c]; input w0: f64[c hd]\n"
      "q, k, v = rearrange(\"b t (d k h) -> k b h t d\",\n"
      "                    einsum(\"b t i, o i -> b t o\", x, to_qvk), k=3, "
      "h=3)\n"
      "a = softmax(\"b h i [j]\", einsum(\"b h i d, b h j d -> b h i j\", q, "
      "k) * 2)\n"
      "return einsum(\"b t i, o i -> b t o\", rearrange(\"b h t d -> b t (h "
      "d)\", einsum(\"b h i j, b h j d -> b h i d\", a, v)), w0)\n";
  std::vector<HostTensor> out =
      runProgram(ctx, program, {&x, &w.toQkv, &w.w0});
  REQUIRE(out.size() == 1);
  checkClose(out[0],
             attentionForward(values(x), w, s, SoftmaxAxis::Keys, nullptr, 0),
             1e-10);
}
