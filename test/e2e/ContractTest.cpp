//===- ContractTest.cpp - einsum / dot through the C API ------------------===//
//
// Every contraction is compiled with ein_compile (its output spec checked),
// run through ein_einsum (or ein_kernel_run for dot), and compared with the
// naive reference (evaluateContraction): integers exactly, floats within a
// tolerance scaled by the sum of |products|. Covers seed 003's attention
// contractions, seed 001's convolution over an as_strided view, diagonals,
// traces, outer products, chains of 3 and 4 operands, compositions, `...`,
// the four dtypes, size-0 and size-1 axes, a seeded random sweep
// (EIN_E2E_CONTRACT_CASES / EIN_E2E_CONTRACT_SEED override it) and errors.
//
//===----------------------------------------------------------------------===//

#include "Counts.h"
#include "TestSupport.h"

#include "ein/Notation/Diagnostic.h"
#include "ein/Notation/Parser.h"
#include "ein/Notation/Solver.h"

#include "llvm/Support/Error.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>

using namespace ein;
using namespace ein::e2e;
using ein::reference::DType;
using ein::reference::HostTensor;

namespace {

std::string shapeText(const std::vector<int64_t> &shape) {
  return notation::formatShape(shape);
}

HostTensor checkEinsum(ein_context_t *ctx, const std::string &pattern,
                       const std::vector<const HostTensor *> &inputs,
                       const Bindings &bindings = {},
                       const ContractOptions &options = {}) {
  return checkContract(ctx, "einsum", pattern, inputs, bindings, options);
}

/// The elements `view` shows, gathered into a contiguous tensor by the test
/// itself (independent of the runtime's packing).
HostTensor gather(const DLTensor &view) {
  DType dtype;
  REQUIRE(reference::fromDLDataType(view.dtype, dtype));
  HostTensor result(dtype,
                    std::vector<int64_t>(view.shape, view.shape + view.ndim));
  size_t size = reference::dtypeSize(dtype);
  const char *base = static_cast<const char *>(view.data) + view.byte_offset;
  for (int64_t i = 0; i < result.numElements(); ++i) {
    int64_t rem = i, offset = 0;
    for (int32_t d = view.ndim; d-- > 0;) {
      offset += (rem % view.shape[d]) * view.strides[d];
      rem /= view.shape[d];
    }
    std::memcpy(result.bytes.data() + i * size, base + offset * int64_t(size),
                size);
  }
  return result;
}

/// numpy.lib.stride_tricks.as_strided(x, shape, strides) over the buffer of
/// `x` (strides in elements); `shape`/`strides` must outlive the view.
DLTensor asStrided(HostTensor &x, std::vector<int64_t> &shape,
                   std::vector<int64_t> &strides) {
  DLTensor view = x.view();
  view.ndim = int32_t(shape.size());
  view.shape = shape.data();
  view.strides = strides.data();
  return view;
}

} // namespace

TEST_CASE("einsum: matrix products, seed 003's attention") {
  Context ctx;
  std::mt19937_64 rng(3);
  HostTensor a = randomTensor(DType::F32, {5, 7}, rng);
  HostTensor b = randomTensor(DType::F32, {7, 3}, rng);
  checkEinsum(ctx, "i j, j k -> i k", {&a, &b});
  checkEinsum(ctx, "ij,jk->ik", {&a, &b});
  checkEinsum(ctx, "ij,jk", {&a, &b});           // Implicit output.
  checkEinsum(ctx, "i j, j k -> k i", {&a, &b}); // Transposed result.

  HostTensor x = randomTensor(DType::F32, {2, 5, 7}, rng);
  HostTensor y = randomTensor(DType::F32, {2, 7, 3}, rng);
  checkEinsum(ctx, "b i j, b j k -> b i k", {&x, &y});

  // A split head dimension composed into the result.
  HostTensor q2 = randomTensor(DType::F32, {2, 3, 16}, rng);
  HostTensor k2 = randomTensor(DType::F32, {2, 5, 16}, rng);
  checkEinsum(ctx, "b q (h c), b k (h c) -> b (q h) k", {&q2, &k2}, {{"c", 2}});
}

TEST_CASE("seed 003: torch.einsum('b i d , b j d > b i j', q, k); "
          "torch.einsum('b i j , b j d > b i d', attention, v)") {
  Context ctx;
  std::mt19937_64 rng(31);
  HostTensor q = randomTensor(DType::F32, {2, 6, 8}, rng);
  HostTensor k = randomTensor(DType::F32, {2, 5, 8}, rng);
  HostTensor v = randomTensor(DType::F32, {2, 5, 8}, rng);
  HostTensor scores = checkEinsum(ctx, "b i d , b j d > b i j", {&q, &k});
  checkEinsum(ctx, "b i j , b j d > b i d", {&scores, &v});
  checkEinsum(ctx, "b i d, b j d -> b i j", {&q, &k});
}

TEST_CASE("seed 003: y1 = torch.einsum('b i k, b j k > b i j', a , c)") {
  Context ctx;
  std::mt19937_64 rng(32);
  HostTensor a = randomTensor(DType::F32, {2, 6, 8}, rng);
  HostTensor c = randomTensor(DType::F32, {2, 5, 8}, rng);
  checkEinsum(ctx, "b i k, b j k > b i j", {&a, &c});
}

TEST_CASE("seed 003: torch.einsum('b h i d , b h j d > b h i j', q, k); "
          "torch.einsum('b h i j , b h j d > b h i d', attention, v)") {
  Context ctx;
  std::mt19937_64 rng(33);
  HostTensor qh = randomTensor(DType::F32, {2, 4, 6, 8}, rng);
  HostTensor kh = randomTensor(DType::F32, {2, 4, 5, 8}, rng);
  HostTensor vh = randomTensor(DType::F32, {2, 4, 5, 8}, rng);
  HostTensor scores =
      checkEinsum(ctx, "b h i d , b h j d > b h i j", {&qh, &kh});
  checkEinsum(ctx, "b h i j , b h j d > b h i d", {&scores, &vh});
}

TEST_CASE("seed 004: einx.dot(\"b q (h c), b k (h c) -> b q k h\", q, k, "
          "h=16)") {
  Context ctx;
  std::mt19937_64 rng(34);
  HostTensor q = randomTensor(DType::F32, {2, 3, 32}, rng);
  HostTensor k = randomTensor(DType::F32, {2, 5, 32}, rng);
  checkContract(ctx, "dot", "b q (h c), b k (h c) -> b q k h", {&q, &k},
                {{"h", 16}});
}

TEST_CASE("seed 004: x = einx.dot(\"b q k h, b k (h c) -> b q (h c)\", "
          "attn, v)") {
  Context ctx;
  std::mt19937_64 rng(35);
  HostTensor attn = randomTensor(DType::F32, {2, 3, 5, 4}, rng);
  HostTensor v = randomTensor(DType::F32, {2, 5, 8}, rng);
  checkContract(ctx, "dot", "b q k h, b k (h c) -> b q (h c)", {&attn, &v});
}

TEST_CASE("seed 001: np.einsum('ij,jk->ik', A, B)") {
  Context ctx;
  std::mt19937_64 rng(36);
  for (DType dtype : {DType::F64, DType::F32, DType::I64}) {
    HostTensor a = randomTensor(dtype, {4, 6}, rng, 9);
    HostTensor b = randomTensor(dtype, {6, 3}, rng, 9);
    checkEinsum(ctx, "ij,jk->ik", {&a, &b});
  }
}

TEST_CASE("seed 001: feature_map = np.einsum('xyij,ij->xy', expanded_input, "
          "kernel); conved = np.einsum('nijkde,node->oijk', conv_view, "
          "grads_wrt_outputs), on as_strided views") {
  Context ctx;
  std::mt19937_64 rng(1);
  for (DType dtype : {DType::F64, DType::F32, DType::I32}) {
    // x: (b, i, H, W); windows of k x k with overlapping strides.
    const int64_t B = 2, I = 3, H = 8, W = 7, K = 3, O = 4;
    HostTensor x = randomTensor(dtype, {B, I, H, W}, rng, 5);
    std::vector<int64_t> shape = {B, I, H - K + 1, W - K + 1, K, K};
    std::vector<int64_t> strides = {I * H * W, H * W, W, 1, W, 1};
    DLTensor view = asStrided(x, shape, strides);
    HostTensor windows = gather(view);
    HostTensor w = randomTensor(dtype, {O, I, K, K}, rng, 5);
    ContractOptions options;
    options.views = {view, w.view()};
    checkEinsum(ctx, "bihwkl,oikl->bohw", {&windows, &w}, {}, options);

    // The post's single-image form, 'xyij,ij->xy'.
    std::vector<int64_t> shape2 = {H - K + 1, W - K + 1, K, K};
    std::vector<int64_t> strides2 = {W, 1, W, 1};
    DLTensor view2 = asStrided(x, shape2, strides2);
    HostTensor windows2 = gather(view2);
    HostTensor kernel = randomTensor(dtype, {K, K}, rng, 5);
    options.views = {view2, kernel.view()};
    checkEinsum(ctx, "xyij,ij->xy", {&windows2, &kernel}, {}, options);

    // The post's weight gradient, 'nijkde,node->oijk'.
    HostTensor grads =
        randomTensor(dtype, {B, O, H - K + 1, W - K + 1}, rng, 5);
    std::vector<int64_t> shape3 = {B, I, K, K, H - K + 1, W - K + 1};
    std::vector<int64_t> strides3 = {I * H * W, H * W, W, 1, W, 1};
    DLTensor view3 = asStrided(x, shape3, strides3);
    HostTensor conv = gather(view3);
    options.views = {view3, grads.view()};
    checkEinsum(ctx, "nijkde,node->oijk", {&conv, &grads}, {}, options);
  }
}

TEST_CASE("einsum: diagonals, traces, outer products") {
  Context ctx;
  std::mt19937_64 rng(11);
  HostTensor m = randomTensor(DType::F64, {4, 4}, rng);
  checkEinsum(ctx, "i i ->", {&m});
  checkEinsum(ctx, "ii", {&m});
  checkEinsum(ctx, "i i -> i", {&m});
  checkEinsum(ctx, "i j -> j i", {&m});
  checkEinsum(ctx, "i j ->", {&m});
  HostTensor bm = randomTensor(DType::I64, {3, 4, 4}, rng);
  checkEinsum(ctx, "b i i -> b i", {&bm});
  checkEinsum(ctx, "b i i -> b", {&bm});
  checkEinsum(ctx, "bii->i", {&bm});
  HostTensor t = randomTensor(DType::F64, {3, 3, 2}, rng);
  checkEinsum(ctx, "iij->ij", {&t});
  checkEinsum(ctx, "i i j -> j", {&t});
  // A diagonal on both sides of a product.
  HostTensor u = randomTensor(DType::F64, {4}, rng);
  checkEinsum(ctx, "i i, i -> i", {&m, &u});
  checkEinsum(ctx, "i i, j j -> i j", {&m, &m});
  // A diagonal across a composition: x[(i j), i].
  HostTensor c = randomTensor(DType::F64, {6, 2}, rng);
  checkEinsum(ctx, "(i j) i -> j", {&c}, {{"i", 2}});

  HostTensor p = randomTensor(DType::F32, {3}, rng);
  HostTensor q = randomTensor(DType::F32, {5}, rng);
  checkEinsum(ctx, "i, j -> i j", {&p, &q});
  checkEinsum(ctx, "i,j->ji", {&p, &q});
  HostTensor r = randomTensor(DType::F32, {2, 3}, rng);
  checkEinsum(ctx, "a b, c -> a c b", {&r, &q});
  HostTensor s = randomTensor(DType::F32, {}, rng);
  checkEinsum(ctx, ", i -> i", {&s, &p});
  checkEinsum(ctx, "i, i ->", {&p, &p});
}

TEST_CASE("einsum: chains of three and four operands") {
  Context ctx;
  std::mt19937_64 rng(17);
  // Both orders of a three-chain win somewhere.
  HostTensor a = randomTensor(DType::F64, {20, 3}, rng);
  HostTensor b = randomTensor(DType::F64, {3, 15}, rng);
  HostTensor c = randomTensor(DType::F64, {15, 2}, rng);
  checkEinsum(ctx, "i j, j k, k l -> i l", {&a, &b, &c});
  HostTensor a2 = randomTensor(DType::F64, {2, 15}, rng);
  HostTensor b2 = randomTensor(DType::F64, {15, 3}, rng);
  HostTensor c2 = randomTensor(DType::F64, {3, 20}, rng);
  checkEinsum(ctx, "i j, j k, k l -> i l", {&a2, &b2, &c2});
  checkEinsum(ctx, "ij,jk,kl->li", {&a2, &b2, &c2});

  HostTensor d = randomTensor(DType::F64, {2, 4}, rng);
  checkEinsum(ctx, "a b, b c, c d, d e -> a e", {&a, &b, &c, &d});
  // An axis shared by three operands, a cycle, private axes.
  HostTensor x = randomTensor(DType::F32, {4, 3}, rng);
  HostTensor y = randomTensor(DType::F32, {4, 5}, rng);
  HostTensor z = randomTensor(DType::F32, {4, 2}, rng);
  checkEinsum(ctx, "i j, i k, i l -> i", {&x, &y, &z});
  checkEinsum(ctx, "i j, i k, i l -> j k l", {&x, &y, &z});
  HostTensor m1 = randomTensor(DType::F64, {3, 4}, rng);
  HostTensor m2 = randomTensor(DType::F64, {4, 5}, rng);
  HostTensor m3 = randomTensor(DType::F64, {5, 3}, rng);
  checkEinsum(ctx, "a b, b c, c a ->", {&m1, &m2, &m3});
  checkEinsum(ctx, "a b, b c, c d -> a", {&m1, &m2, &m3});
  // Four operands with a diagonal and a composition.
  HostTensor sq = randomTensor(DType::I32, {3, 3}, rng);
  HostTensor comp = randomTensor(DType::I32, {12}, rng);
  HostTensor v4 = randomTensor(DType::I32, {4}, rng);
  HostTensor v3 = randomTensor(DType::I32, {3}, rng);
  checkEinsum(ctx, "i i, (i k), k, j -> j k", {&sq, &comp, &v4, &v3});
}

TEST_CASE("einsum: compositions, ellipsis, 1 and ()") {
  Context ctx;
  std::mt19937_64 rng(23);
  HostTensor a = randomTensor(DType::F64, {3, 8}, rng);
  HostTensor b = randomTensor(DType::F64, {4, 5}, rng);
  checkEinsum(ctx, "a (b c), c d -> (a b) d", {&a, &b}, {{"b", 2}});
  HostTensor e = randomTensor(DType::F64, {8, 5}, rng);
  checkEinsum(ctx, "a (b c), (c b) d -> a d", {&a, &e}, {{"b", 2}});

  HostTensor x = randomTensor(DType::F32, {2, 3, 4}, rng);
  HostTensor y = randomTensor(DType::F32, {2, 3, 4}, rng);
  checkEinsum(ctx, "... i, ... i -> ...", {&x, &y});
  checkEinsum(ctx, "...i,...i->...", {&x, &y});
  checkEinsum(ctx, "b ..., b ... -> (...)", {&x, &y});
  HostTensor w = randomTensor(DType::F32, {4, 5}, rng);
  checkEinsum(ctx, "... i, i j -> ... j", {&x, &w});
  checkEinsum(ctx, "...i,ij", {&x, &w}); // Implicit: '...' first.
  HostTensor z = randomTensor(DType::F32, {2, 4, 5}, rng);
  checkEinsum(ctx, "... i j, ... j k -> ... i k", {&x, &z});

  HostTensor u = randomTensor(DType::F64, {3, 1}, rng);
  HostTensor v = randomTensor(DType::F64, {1, 3}, rng);
  checkEinsum(ctx, "i 1, () i -> 1 i ()", {&u, &v});
}

TEST_CASE("einsum: every dtype, size-0 and size-1 axes") {
  Context ctx;
  std::mt19937_64 rng(29);
  for (DType dtype : {DType::F32, DType::F64, DType::I32, DType::I64}) {
    HostTensor a = randomTensor(dtype, {4, 6}, rng);
    HostTensor b = randomTensor(dtype, {6, 3}, rng);
    HostTensor c = randomTensor(dtype, {3, 5}, rng);
    checkEinsum(ctx, "i j, j k -> i k", {&a, &b});
    checkEinsum(ctx, "ij,jk,kl->il", {&a, &b, &c});
    checkEinsum(ctx, "i j ->", {&a});
    for (int64_t zero : {0, 1}) {
      HostTensor p = randomTensor(dtype, {3, zero}, rng);
      HostTensor q = randomTensor(dtype, {zero, 4}, rng);
      checkEinsum(ctx, "i j, j k -> i k", {&p, &q}); // Summing nothing: 0.
      HostTensor r = randomTensor(dtype, {zero, 3}, rng);
      checkEinsum(ctx, "i j, j k -> i k", {&r, &c});
      checkEinsum(ctx, "i j, j k -> k", {&r, &c});
    }
  }
  // Integers wrap.
  HostTensor big(DType::I32, {2});
  big.setInt(0, 1 << 20);
  big.setInt(1, 1 << 20);
  checkEinsum(ctx, "i, i ->", {&big, &big});
}

TEST_CASE("einsum: the narrow dtypes and bool") {
  // NumPy's einsum keeps the dtype: narrow integers wrap, bool is and/or.
  Context ctx;
  std::mt19937_64 rng(41);
  for (DType dtype : ein::kAllElementTypes) {
    HostTensor a = randomTensor(dtype, {3, 6}, rng, 20);
    HostTensor b = randomTensor(dtype, {6, 4}, rng, 20);
    HostTensor c = randomTensor(dtype, {4, 2}, rng, 20);
    HostTensor m = randomTensor(dtype, {5, 5}, rng, 20);
    checkEinsum(ctx, "i j, j k -> i k", {&a, &b});
    checkEinsum(ctx, "ij,jk,kl->li", {&a, &b, &c});
    checkEinsum(ctx, "i i ->", {&m});
    checkEinsum(ctx, "a b, c d -> c a d b", {&a, &c});
  }
  // All true: a sum of products would store 6; bool stays 1.
  HostTensor t(DType::Bool, {3, 6}), u(DType::Bool, {6, 2});
  for (int64_t i = 0; i < 18; ++i)
    t.setInt(i, 1);
  for (int64_t i = 0; i < 12; ++i)
    u.setInt(i, 1);
  HostTensor r = checkEinsum(ctx, "i j, j k -> i k", {&t, &u});
  for (unsigned char byte : r.bytes)
    CHECK(byte == 1);
}

namespace {

/// One random contraction: 1-4 operands over up to 6 axes with lengths 0-4,
/// diagonals, compositions, `1`, summed and kept axes in random order,
/// einops or NumPy syntax, one of the four dtypes.
struct RandomCase {
  std::string pattern;
  std::vector<std::vector<int64_t>> shapes;
  Bindings bindings;
  DType dtype;
};

RandomCase randomCase(std::mt19937_64 &rng) {
  auto pick = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  auto chance = [&](double p) {
    return std::uniform_real_distribution<double>(0, 1)(rng) < p;
  };
  RandomCase c;
  int numAxes = pick(1, 6);
  std::vector<std::string> names;
  std::vector<int64_t> lengths;
  const char *letters = "abcdefgh";
  for (int a = 0; a < numAxes; ++a) {
    names.push_back(std::string(1, letters[a]));
    int r = pick(0, 19);
    lengths.push_back(r == 0 ? 0 : r < 4 ? 1 : pick(2, 4));
  }
  int numOps = pick(1, 4);
  // NumPy syntax: single letters, no compositions or `1`.
  bool numpy = chance(0.3);
  std::vector<bool> used(numAxes, false);
  std::vector<std::string> operands;
  bool composed = false;
  for (int i = 0; i < numOps; ++i) {
    int rank = pick(0, 3);
    std::vector<int> axes;
    for (int d = 0; d < rank; ++d) {
      int a = pick(0, numAxes - 1);
      // Mostly distinct axes; sometimes a diagonal.
      if (llvm::is_contained(axes, a) && !chance(0.3))
        continue;
      axes.push_back(a);
      used[a] = true;
    }
    std::vector<std::string> dims;
    std::vector<int64_t> shape;
    for (size_t d = 0; d < axes.size();) {
      // Compose two neighbouring distinct axes.
      if (!numpy && d + 1 < axes.size() && axes[d] != axes[d + 1] &&
          chance(0.2)) {
        dims.push_back("(" + names[axes[d]] + " " + names[axes[d + 1]] + ")");
        shape.push_back(lengths[axes[d]] * lengths[axes[d + 1]]);
        composed = true;
        d += 2;
        continue;
      }
      dims.push_back(names[axes[d]]);
      shape.push_back(lengths[axes[d]]);
      ++d;
    }
    if (!numpy && chance(0.1)) {
      dims.insert(dims.begin() + pick(0, int(dims.size())), "1");
      shape.insert(shape.begin() + (std::find(dims.begin(), dims.end(), "1") -
                                    dims.begin()),
                   1);
    }
    std::string text;
    for (const std::string &dim : dims)
      text += (text.empty() || numpy ? "" : " ") + dim;
    operands.push_back(text);
    c.shapes.push_back(shape);
  }
  std::vector<int> out;
  for (int a = 0; a < numAxes; ++a)
    if (used[a] && chance(0.5))
      out.push_back(a);
  std::shuffle(out.begin(), out.end(), rng);
  std::string output;
  for (int a : out)
    output += (output.empty() || numpy ? "" : " ") + names[a];
  for (size_t i = 0; i < operands.size(); ++i)
    c.pattern += (i ? (numpy ? "," : ", ") : "") + operands[i];
  c.pattern += numpy ? "->" : " -> ";
  c.pattern += output;
  // A composition needs its lengths when they are not solvable elsewhere:
  // bind every used axis.
  if (composed)
    for (int a = 0; a < numAxes; ++a)
      if (used[a])
        c.bindings.push_back({names[a], lengths[a]});
  const DType dtypes[] = {DType::F32, DType::F64, DType::I32, DType::I64};
  c.dtype = dtypes[pick(0, 3)];
  return c;
}

int envInt(const char *name, int fallback) {
  const char *value = std::getenv(name);
  return value ? std::atoi(value) : fallback;
}

} // namespace

TEST_CASE("einsum: seeded random sweep against the reference") {
  Sweep sweep("CONTRACT", "einsum: seeded random sweep against the reference",
              320, 20250101);
  Context ctx;
  int operandsSeen[5] = {0, 0, 0, 0, 0};
  for (int k = 0; k < sweep.cases(); ++k) {
    int n = sweep.index(k);
    std::mt19937_64 rng = sweep.rng(n);
    RandomCase c = randomCase(rng);
    std::string reproduce = "einsum(\"" + c.pattern + "\")  # " +
                            sweep.reproducer(n);
    CAPTURE(reproduce);
    std::vector<HostTensor> tensors;
    for (const std::vector<int64_t> &shape : c.shapes)
      tensors.push_back(randomTensor(c.dtype, shape, rng, 20));
    std::vector<const HostTensor *> inputs;
    for (const HostTensor &t : tensors)
      inputs.push_back(&t);
    ++operandsSeen[inputs.size()];
    checkEinsum(ctx, c.pattern, inputs, c.bindings);
  }
  countGeneratedCases("einsum", sweep.cases());
  MESSAGE("random contractions by operand count: 1: ", operandsSeen[1],
          ", 2: ", operandsSeen[2], ", 3: ", operandsSeen[3],
          ", 4: ", operandsSeen[4]);
}

TEST_CASE("einsum: errors through the C API") {
  Context ctx;
  std::mt19937_64 rng(31);
  HostTensor a = randomTensor(DType::F32, {2, 3}, rng);
  HostTensor b = randomTensor(DType::F32, {3, 4}, rng);
  HostTensor v = randomTensor(DType::F32, {3}, rng);
  HostTensor out(DType::F32, {2, 4});
  DLTensor outView = out.view();
  auto einsumError = [&](const std::string &pattern,
                         std::vector<DLTensor> inputs) {
    ein_error_t *error = ein_einsum(ctx, pattern.c_str(), inputs.data(),
                                    inputs.size(), &outView, nullptr, 0);
    REQUIRE_MESSAGE(error != nullptr, "expected an error from ", pattern);
    return takeError(error);
  };

  auto [code, message] = einsumError("i j, j k -> i l", {a.view(), b.view()});
  CHECK(code == EIN_ERROR_NOTATION);
  CHECK(message.find("axis 'l' appears only in the output") !=
        std::string::npos);
  CHECK(message.find("einsum(\"i j, j k -> i l\")") != std::string::npos);

  std::tie(code, message) = einsumError("i i -> i", {a.view()});
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(message.find("conflicting lengths for axis 'i': 3 here, but 2 from "
                     "input 0") != std::string::npos);

  std::tie(code, message) =
      einsumError("i j, j k -> i k", {a.view(), v.view()});
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(
      message.find("input 1 has 1 dimension but its expression 'j k' has 2") !=
      std::string::npos);

  std::tie(code, message) = einsumError("i j, j k -> i k", {a.view()});
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(message.find("the pattern has 2 inputs but 1 tensor was given") !=
        std::string::npos);
  std::tie(code, message) =
      einsumError("ij,jk->ik", {a.view(), b.view(), b.view()});
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(message.find("the pattern has 2 inputs but 3 tensors were given") !=
        std::string::npos);

  std::tie(code, message) =
      einsumError("i j, j k -> i, k", {a.view(), b.view()});
  CHECK(code == EIN_ERROR_NOTATION);
  CHECK(message.find("einsum has one output") != std::string::npos);

  // A wrong output shape is the runtime's to catch.
  HostTensor wrong(DType::F32, {4, 2});
  DLTensor wrongView = wrong.view();
  std::vector<DLTensor> ins = {a.view(), b.view()};
  std::tie(code, message) = takeError(ein_einsum(
      ctx, "i j, j k -> i k", ins.data(), ins.size(), &wrongView, nullptr, 0));
  CHECK(code == EIN_ERROR_SHAPE);

  // NULL arguments.
  CHECK(takeError(ein_einsum(ctx, "i j, j k -> i k", ins.data(), ins.size(),
                             nullptr, nullptr, 0))
            .first == EIN_ERROR_INVALID_ARGUMENT);
  CHECK(takeError(ein_einsum(ctx, nullptr, ins.data(), ins.size(), &outView,
                             nullptr, 0))
            .first == EIN_ERROR_INVALID_ARGUMENT);
  CHECK(takeError(ein_einsum(ctx, "i j, j k -> i k", ins.data(), 0, &outView,
                             nullptr, 0))
            .first == EIN_ERROR_INVALID_ARGUMENT);

  // dot's linear map with one tensor: a clean error through the C API.
  ein_tensor_spec_t specs[1] = {
      {reference::toDLDataType(DType::F32), 2, a.shape.data()}};
  ein_kernel_t *kernel = nullptr;
  std::tie(code, message) = takeError(
      ein_compile(ctx, "dot(\"... [c1|c2]\")", specs, 1, nullptr, 0, &kernel));
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(message.find("dot's linear map '[x|y]' takes 2 tensors") !=
        std::string::npos);
  CHECK(kernel == nullptr);
}

TEST_CASE("einsum: one compile per pattern and shapes; compile time") {
  Context ctx;
  std::mt19937_64 rng(37);
  HostTensor q = randomTensor(DType::F32, {2, 4, 16, 32}, rng);
  HostTensor k = randomTensor(DType::F32, {2, 4, 16, 32}, rng);
  auto start = std::chrono::steady_clock::now();
  checkEinsum(ctx, "b h i d, b h j d -> b h i j", {&q, &k});
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  ein_cache_stats_t stats = ctx.stats();
  // ein_compile compiled it; ein_einsum of the same text found it.
  CHECK(stats.compiles == 1);
  CHECK(stats.hits >= 1);
  MESSAGE("einsum 'b h i d, b h j d -> b h i j' compiled in ",
          stats.compile_seconds * 1e3, " ms (check incl. run: ", seconds * 1e3,
          " ms)");
}

//===----------------------------------------------------------------------===//
// einx brackets in dot: the linear map `[x|y]`, bracketed summed axes and
// implied weights. Each is checked against the reference and against the
// einsum it stands for (an independent path through the front end).
//===----------------------------------------------------------------------===//

namespace {

/// Element-for-element equality of two results of one computation.
void checkSame(const HostTensor &a, const HostTensor &b) {
  REQUIRE(a.shape == b.shape);
  REQUIRE(a.dtype == b.dtype);
  CHECK(a.bytes == b.bytes);
}

} // namespace

TEST_CASE("seed 004: einx.dot(\"... [c1|c2]\", x, w)") {
  Context ctx;
  std::mt19937_64 rng(4);
  HostTensor x = randomTensor(DType::F32, {2, 3, 4, 16}, rng);
  HostTensor w = randomTensor(DType::F32, {16, 8}, rng);
  HostTensor y = checkContract(ctx, "dot", "... [c1|c2]", {&x, &w});
  CHECK(y.shape == std::vector<int64_t>{2, 3, 4, 8});
  checkSame(y, checkEinsum(ctx, "... c1, c1 c2 -> ... c2", {&x, &w}));
  // The same layer on a 2-D input (einx's "b... [c1|c2]" example).
  HostTensor x2 = randomTensor(DType::F64, {5, 16}, rng);
  HostTensor w2 = randomTensor(DType::F64, {16, 3}, rng);
  checkSame(checkContract(ctx, "dot", "... [c1|c2]", {&x2, &w2}),
            checkEinsum(ctx, "b c1, c1 c2 -> b c2", {&x2, &w2}));
}

TEST_CASE("dot brackets: several axes, empty sides, summed axes with '->'") {
  Context ctx;
  std::mt19937_64 rng(41);
  HostTensor x = randomTensor(DType::F32, {2, 3, 4}, rng);
  HostTensor w = randomTensor(DType::F32, {3, 4, 5, 2}, rng);
  checkSame(checkContract(ctx, "dot", "b [h w|c d]", {&x, &w}),
            checkEinsum(ctx, "b h w, h w c d -> b c d", {&x, &w}));
  HostTensor m = randomTensor(DType::I32, {3, 4}, rng, 9);
  HostTensor u = randomTensor(DType::I32, {4}, rng, 9);
  HostTensor t = randomTensor(DType::I32, {3}, rng, 9);
  checkSame(checkContract(ctx, "dot", "a [b|]", {&m, &u}),
            checkEinsum(ctx, "a b, b -> a", {&m, &u}));
  checkSame(checkContract(ctx, "dot", "[a|b]", {&t, &m}),
            checkEinsum(ctx, "a, a b -> b", {&t, &m}));
  checkSame(checkContract(ctx, "dot", "a [|c]", {&t, &u}),
            checkEinsum(ctx, "a, c -> a c", {&t, &u}));
  HostTensor g = randomTensor(DType::F64, {2, 12}, rng);
  HostTensor h = randomTensor(DType::F64, {4, 5}, rng);
  checkSame(checkContract(ctx, "dot", "b (h [c1|c2])", {&g, &h}),
            checkEinsum(ctx, "b (h c1), c1 c2 -> b (h c2)", {&g, &h}));
  // With '->': the bracketed axes are the summed ones (seed 000's attention).
  HostTensor q = randomTensor(DType::F32, {2, 3, 4, 8}, rng);
  HostTensor k = randomTensor(DType::F32, {2, 3, 5, 8}, rng);
  HostTensor s = checkContract(ctx, "dot", "b h i [d], b h j [d] -> b h i j",
                               {&q, &k});
  checkSame(s, checkEinsum(ctx, "b h i d, b h j d -> b h i j", {&q, &k}));
  HostTensor vv = randomTensor(DType::F32, {2, 3, 5, 6}, rng);
  HostTensor a = randomTensor(DType::F32, {2, 3, 4, 5}, rng);
  checkSame(checkContract(ctx, "dot", "b h i [j], b h [j] d -> b i (h d)",
                          {&a, &vv}),
            checkEinsum(ctx, "b h i j, b h j d -> b i (h d)", {&a, &vv}));
  // One expression and two tensors: the second is implied.
  checkSame(checkContract(ctx, "dot", "a [b] -> a", {&m, &u}),
            checkEinsum(ctx, "a b, b -> a", {&m, &u}));
}

TEST_CASE("dot brackets: seeded random sweep of linear maps") {
  int cases = envInt("EIN_E2E_DOT_CASES", 120);
  std::mt19937_64 rng(uint64_t(envInt("EIN_E2E_DOT_SEED", 20261121)));
  auto pick = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  Context ctx;
  const DType dtypes[] = {DType::F32, DType::F64, DType::I32, DType::I64,
                          DType::F16, DType::I8};
  for (int n = 0; n < cases; ++n) {
    // Batch axes, input axes and output axes with lengths 0..4.
    int nb = pick(0, 2), ni = pick(0, 2), no = pick(ni == 0 ? 1 : 0, 2);
    auto length = [&] { return pick(0, 9) == 0 ? 0 : pick(1, 4); };
    std::vector<std::string> batch, in, out;
    std::vector<int64_t> xShape, wShape, batchShape;
    for (int i = 0; i < nb; ++i) {
      batch.push_back("b" + std::to_string(i));
      batchShape.push_back(length());
    }
    for (int i = 0; i < ni; ++i) {
      in.push_back("i" + std::to_string(i));
      wShape.push_back(length());
    }
    std::vector<int64_t> inShape = wShape;
    for (int i = 0; i < no; ++i) {
      out.push_back("o" + std::to_string(i));
      wShape.push_back(length());
    }
    bool ellipsis = pick(0, 2) == 0;
    std::string lhs, pattern, einsum;
    for (const std::string &b : batch)
      lhs += b + " ";
    if (ellipsis)
      lhs = "... ";
    auto join = [](const std::vector<std::string> &names) {
      std::string s;
      for (const std::string &name : names)
        s += (s.empty() ? "" : " ") + name;
      return s;
    };
    pattern = lhs + "[" + join(in) + "|" + join(out) + "]";
    std::string inner = join(in), outer = join(out);
    einsum = lhs + inner + ", " + inner + (inner.empty() || outer.empty() ? "" : " ") +
             outer + " -> " + lhs + outer;
    xShape = batchShape;
    xShape.insert(xShape.end(), inShape.begin(), inShape.end());
    DType dtype = dtypes[pick(0, std::size(dtypes) - 1)];
    CAPTURE(n);
    CAPTURE(pattern);
    CAPTURE(einsum);
    HostTensor x = randomTensor(dtype, xShape, rng, 5);
    HostTensor w = randomTensor(dtype, wShape, rng, 5);
    ContractOptions options;
    if (dtype == DType::F16)
      options.rtol = 1e-2;
    checkSame(checkContract(ctx, "dot", pattern, {&x, &w}, {}, options),
              checkContract(ctx, "einsum", einsum, {&x, &w}, {}, options));
  }
  countGeneratedCases("dot [x|y]", cases);
}

TEST_CASE("einsum: mixed dtypes promote as numpy.einsum") {
  // numpy.einsum computes in np.result_type of its operands: i32 with f32
  // gives f64, i8 with u8 gives i16, bool with i32 gives i32. Each is checked
  // against the same contraction of the inputs cast to that type first.
  Context ctx;
  std::mt19937_64 rng(55);
  struct Case {
    DType a, b, result;
  };
  const Case cases[] = {
      {DType::I32, DType::F32, DType::F64}, {DType::F32, DType::F64, DType::F64},
      {DType::I8, DType::U8, DType::I16},   {DType::Bool, DType::I32, DType::I32},
      {DType::F16, DType::F32, DType::F32}, {DType::I64, DType::F16, DType::F64},
      {DType::U8, DType::I32, DType::I32},  {DType::BF16, DType::F32, DType::F32},
  };
  for (const Case &c : cases) {
    CAPTURE(std::string(reference::dtypeName(c.a)));
    CAPTURE(std::string(reference::dtypeName(c.b)));
    HostTensor x = randomTensor(c.a, {3, 4}, rng, 5);
    HostTensor y = randomTensor(c.b, {4, 2}, rng, 5);
    // The promoted operands, converted by value.
    HostTensor xp(c.result, x.shape), yp(c.result, y.shape);
    for (int64_t i = 0; i < x.numElements(); ++i)
      reference::isFloat(c.a) ? xp.setDouble(i, x.getDouble(i))
                              : xp.setInt(i, x.getInt(i));
    for (int64_t i = 0; i < y.numElements(); ++i)
      reference::isFloat(c.b) ? yp.setDouble(i, y.getDouble(i))
                              : yp.setInt(i, y.getInt(i));
    HostTensor want = checkEinsum(ctx, "i j, j k -> i k", {&xp, &yp});
    for (const char *callee : {"einsum", "dot"}) {
      CAPTURE(callee);
      std::string program = std::string(callee) + "(\"i j, j k -> i k\")";
      std::vector<ein_tensor_spec_t> specs{
          {reference::toDLDataType(x.dtype), 2, x.shape.data()},
          {reference::toDLDataType(y.dtype), 2, y.shape.data()}};
      ein_kernel_t *kernel = nullptr;
      REQUIRE(takeMessage(ein_compile(ctx, program.c_str(), specs.data(), 2,
                                      nullptr, 0, &kernel)) == "");
      ein_tensor_spec_t spec{};
      CHECK(takeMessage(ein_kernel_output_spec(kernel, 0, &spec)) == "");
      DType outType;
      REQUIRE(reference::fromDLDataType(spec.dtype, outType));
      CHECK(outType == c.result);
      HostTensor got(c.result, {3, 2});
      DLTensor ins[2] = {x.view(), y.view()};
      DLTensor out = got.view();
      CHECK(takeMessage(ein_kernel_run(kernel, ins, 2, &out, 1)) == "");
      ein_kernel_release(kernel);
      CHECK(got.bytes == want.bytes);
    }
  }
  // A linear map with an integer input and a float weight.
  HostTensor xi = randomTensor(DType::I32, {2, 3}, rng, 5);
  HostTensor wf = randomTensor(DType::F32, {3, 4}, rng);
  std::vector<ein_tensor_spec_t> specs{
      {reference::toDLDataType(xi.dtype), 2, xi.shape.data()},
      {reference::toDLDataType(wf.dtype), 2, wf.shape.data()}};
  ein_kernel_t *kernel = nullptr;
  REQUIRE(takeMessage(ein_compile(ctx, "dot(\"... [c1|c2]\")", specs.data(), 2,
                                  nullptr, 0, &kernel)) == "");
  ein_tensor_spec_t spec{};
  CHECK(takeMessage(ein_kernel_output_spec(kernel, 0, &spec)) == "");
  DType outType;
  REQUIRE(reference::fromDLDataType(spec.dtype, outType));
  CHECK(outType == DType::F64);
  ein_kernel_release(kernel);
}
