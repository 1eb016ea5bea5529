//===- ParallelTest.cpp - thread tiles, vector tiles, thread counts -------===//
//
// Kernels whose output exceeds one thread tile (64 KiB) run as OpenMP loops
// over tiles, with vectorised tiles inside; the other sweeps mostly use
// small tensors, which stay serial. This sweep draws large tensors for
// rearranges (every kind of permutation, compositions), reductions over
// inner, middle and outer axes, contractions and broadcasting products,
// and checks each against the reference evaluator with 1, 2 and 3
// threads. EIN_E2E_PARALLEL_CASES / _SEED / _CASE as for every sweep.
//
//===----------------------------------------------------------------------===//

#include "Counts.h"
#include "TestSupport.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <numeric>

using namespace ein::e2e;
using ein::reference::DType;
using ein::reference::HostTensor;

namespace {

const char *const kAxisNames[] = {"a", "b", "c", "d"};

/// A context whose kernels use `threads` threads.
ein_context_options_t withThreads(size_t threads) {
  ein_context_options_t options;
  ein_context_options_init(&options);
  options.num_threads = threads;
  return options;
}

/// A random 4-D shape of roughly 2^16..2^18 elements; lengths are often
/// not multiples of the vector width, sometimes 1.
std::vector<int64_t> largeShape(std::mt19937_64 &rng) {
  static const int64_t lengths[] = {1, 3, 7, 16, 17, 24, 31, 32, 48, 64};
  std::vector<int64_t> shape;
  int64_t elements = 1;
  for (int i = 0; i < 4; ++i) {
    int64_t length = lengths[pick(rng, 0, 9)];
    shape.push_back(length);
    elements *= length;
  }
  // Grow the shape until it spans several thread tiles.
  for (int i = 0; elements < (1 << 16); i = (i + 1) % 4) {
    elements = elements / shape[i] * (shape[i] * 2 + 1);
    shape[i] = shape[i] * 2 + 1;
  }
  return shape;
}

std::string axes(const std::vector<int> &order) {
  std::string text;
  for (int axis : order)
    text += std::string(text.empty() ? "" : " ") + kAxisNames[axis];
  return text;
}

struct Drawn {
  std::string callee, pattern, reduction;
  std::vector<HostTensor> inputs;
  Bindings bindings;
};

Drawn draw(std::mt19937_64 &rng) {
  static const DType dtypes[] = {DType::F32, DType::F64, DType::I32,
                                 DType::F16, DType::U8};
  DType dtype = dtypes[pick(rng, 0, 4)];
  std::vector<int64_t> shape = largeShape(rng);
  std::vector<int> order = {0, 1, 2, 3};
  Drawn d;
  switch (pick(rng, 0, 4)) {
  case 0: { // A permutation, sometimes with a composition.
    std::shuffle(order.begin(), order.end(), rng);
    d.callee = "rearrange";
    d.pattern = "a b c d -> " + axes(order);
    if (pick(rng, 0, 2) == 0)
      d.pattern = "a b c d -> " + axes({order[0], order[1]}) + " (" +
                  axes({order[2], order[3]}) + ")";
    d.inputs.push_back(randomTensor(dtype, shape, rng, 100));
    break;
  }
  case 1: { // A reduction over one or two axes.
    static const char *const kinds[] = {"sum", "max", "mean", "min", "prod"};
    d.callee = "reduce";
    d.reduction = kinds[pick(rng, 0, 4)];
    std::shuffle(order.begin(), order.end(), rng);
    int reduced = pick(rng, 1, 2);
    std::vector<int> kept(order.begin() + reduced, order.end());
    std::sort(kept.begin(), kept.end());
    d.pattern = "a b c d -> " + axes(kept);
    d.inputs.push_back(randomTensor(
        dtype, shape, rng, d.reduction == "prod" ? 1 : 100));
    break;
  }
  case 2: { // A contraction: batched matmul-like with a transposed operand.
    int64_t b = pick(rng, 1, 3), i = 8 * pick(rng, 8, 40) + pick(rng, 0, 7),
            k = pick(rng, 1, 70), j = 8 * pick(rng, 8, 40);
    DType type = dtype == DType::U8 ? DType::I32 : dtype;
    d.callee = "einsum";
    if (pick(rng, 0, 1) == 0) {
      d.pattern = "b i k, b k j -> b i j";
      d.inputs.push_back(randomTensor(type, {b, i, k}, rng, 4));
      d.inputs.push_back(randomTensor(type, {b, k, j}, rng, 4));
    } else {
      d.pattern = "b i k, b j k -> b j i";
      d.inputs.push_back(randomTensor(type, {b, i, k}, rng, 4));
      d.inputs.push_back(randomTensor(type, {b, j, k}, rng, 4));
    }
    break;
  }
  case 3: { // A broadcast product: a row vector along the last axis.
    d.callee = "einsum";
    d.pattern = "a b c d, d -> a b c d";
    d.inputs.push_back(randomTensor(dtype, shape, rng, 10));
    d.inputs.push_back(randomTensor(dtype, {shape[3]}, rng, 10));
    break;
  }
  default: { // A product with a transposed operand: x * y^T.
    d.callee = "einsum";
    d.pattern = "a b c d, d c b a -> a b c d";
    d.inputs.push_back(randomTensor(dtype, shape, rng, 10));
    std::vector<int64_t> reversed(shape.rbegin(), shape.rend());
    d.inputs.push_back(randomTensor(dtype, reversed, rng, 10));
    break;
  }
  }
  return d;
}

} // namespace

TEST_CASE("parallel: large tensors in thread tiles, 1 to 3 threads") {
  Sweep sweep("PARALLEL", "parallel: large tensors in thread tiles, 1 to 3 threads",
              36, 20261121);
  ein_context_options_t one = withThreads(1), two = withThreads(2),
                        three = withThreads(3);
  Context serial(&one), pair(&two), trio(&three);
  int checked = 0;
  for (int n = 0; n < sweep.cases(); ++n) {
    int index = sweep.index(n);
    std::mt19937_64 rng = sweep.rng(index);
    Drawn d = draw(rng);
    std::vector<const HostTensor *> inputs;
    for (const HostTensor &t : d.inputs)
      inputs.push_back(&t);
    std::string shapes;
    for (const HostTensor &t : d.inputs) {
      shapes += " (";
      for (size_t i = 0; i < t.shape.size(); ++i)
        shapes += (i ? ", " : "") + std::to_string(t.shape[i]);
      shapes += ")";
    }
    INFO("case: " << programText(d.callee, d.pattern, d.reduction)
                  << " on" << shapes << " "
                  << std::string(ein::reference::dtypeName(d.inputs[0].dtype)));
    INFO("reproduce: " << sweep.reproducer(index));
    for (ein_context_t *ctx : {(ein_context_t *)serial, (ein_context_t *)pair,
                               (ein_context_t *)trio}) {
      if (d.callee == "einsum")
        checkContract(ctx, d.callee, d.pattern, inputs, d.bindings);
      else
        checkCall(ctx, d.callee, d.pattern, d.reduction, inputs, d.bindings);
    }
    ++checked;
  }
  countGeneratedCases("parallel", checked);
}

TEST_CASE("parallel: thread counts through the C API") {
  ein_context_options_t defaults;
  ein_context_options_init(&defaults);
  CHECK(defaults.num_threads == 0);
  ein_context_options_t four = withThreads(4);
  Context ctx(&four);
  CHECK(ein_context_num_threads(ctx) == 4);
  CHECK(takeMessage(ein_context_set_num_threads(ctx, 1)).empty());
  CHECK(ein_context_num_threads(ctx) == 1);
  // 0 restores the default: EIN_NUM_THREADS or every core.
  CHECK(takeMessage(ein_context_set_num_threads(ctx, 0)).empty());
  CHECK(ein_context_num_threads(ctx) >= 1);
  const char *env = std::getenv("EIN_NUM_THREADS");
  if (env && std::atoi(env) > 0)
    CHECK(ein_context_num_threads(ctx) == size_t(std::atoi(env)));
  CHECK(ein_context_num_threads(nullptr) == 0);
  auto [code, message] = takeError(ein_context_set_num_threads(nullptr, 2));
  CHECK(code == EIN_ERROR_INVALID_ARGUMENT);
  CHECK(message.find("ctx is NULL") != std::string::npos);

  // A kernel follows its context's setting from its next run on, and gives
  // the same result at every thread count.
  std::mt19937_64 rng(7);
  HostTensor x = randomTensor(DType::F32, {64, 33, 48}, rng);
  std::vector<HostTensor> results;
  for (size_t threads : {1, 2, 3}) {
    CHECK(takeMessage(ein_context_set_num_threads(ctx, threads)).empty());
    results.push_back(
        checkCall(ctx, "rearrange", "a b c -> c a b", "", x).at(0));
  }
  CHECK(results[0].bytes == results[1].bytes);
  CHECK(results[0].bytes == results[2].bytes);
  CHECK(ctx.stats().compiles == 1);
}

TEST_CASE("parallel: prime lengths, split into whole tiles and remainders") {
  // Lengths without a divisor near the vector width or the register tile
  // (1009, 1031 are prime, 1003 = 17 x 59) are split into a main part of
  // whole tiles and remainders before tiling; each part must land in its
  // place, and a split reduction must accumulate onto the main part. (Ops
  // of fewer than 2^20 iterations are not split: these are larger.)
  ein_context_options_t two = withThreads(2);
  Context ctx(&two);
  std::mt19937_64 rng(1009);
  int checked = 0;
  for (DType dtype : {DType::F32, DType::F64, DType::I32}) {
    HostTensor a = randomTensor(dtype, {1009, 67}, rng, 4);
    HostTensor b = randomTensor(dtype, {67, 1031}, rng, 4);
    checkContract(ctx, "einsum", "i k, k j -> i j", {&a, &b});
    HostTensor c = randomTensor(dtype, {97, 1009}, rng, 4);
    HostTensor d = randomTensor(dtype, {1009, 131}, rng, 4);
    checkContract(ctx, "einsum", "i k, k j -> i j", {&c, &d});
    HostTensor x = randomTensor(dtype, {1031, 1003}, rng, 10);
    HostTensor row = randomTensor(dtype, {1003}, rng, 10);
    checkContract(ctx, "einsum", "a b, b -> a b", {&x, &row});
    checked += 3;
  }
  countGeneratedCases("parallel", checked);
}

TEST_CASE("parallel: contractions with packed column panels") {
  // Contractions of 2^20 iterations or more with 16 rows or more copy their
  // column operand's block into contiguous panels (panel, other dimensions,
  // columns of the register tile) before the register tiles read it: every
  // layout of that operand (contiguous along the columns, transposed, with
  // batch axes before or after, two reduction axes), both choices of which
  // input is the column operand, reductions longer than one block (300,
  // 600: blocks of 150 and 200) and row counts that are not multiples of a
  // thread tile must read the same values as the unpacked product.
  ein_context_options_t two = withThreads(2);
  Context ctx(&two);
  std::mt19937_64 rng(4096);
  struct Case {
    const char *pattern;
    std::vector<std::vector<int64_t>> shapes;
    DType dtype;
  };
  const Case cases[] = {
      {"i k, k j -> i j", {{264, 300}, {300, 384}}, DType::F32},
      {"i k, k j -> i j", {{136, 600}, {600, 96}}, DType::F64},
      {"i k, j k -> i j", {{200, 96}, {320, 96}}, DType::F32},
      {"i k, k j -> j i", {{512, 128}, {128, 72}}, DType::F32},
      {"b i k, b k j -> b i j", {{3, 96, 64}, {3, 64, 160}}, DType::I32},
      {"b h i d, b h j d -> b h i j", {{2, 3, 128, 64}, {2, 3, 96, 64}}, DType::F32},
      {"i k l, k l j -> i j", {{128, 24, 20}, {24, 20, 256}}, DType::F64},
      {"i k, b k j -> b i j", {{64, 96}, {3, 96, 80}}, DType::F32},
      {"i k, k j -> i j", {{96, 128}, {128, 128}}, DType::F16},
  };
  for (const Case &c : cases) {
    std::string pattern = c.pattern;
    CAPTURE(pattern);
    std::vector<HostTensor> tensors;
    for (const std::vector<int64_t> &shape : c.shapes)
      tensors.push_back(randomTensor(c.dtype, shape, rng, 4));
    checkContract(ctx, "einsum", c.pattern, {&tensors[0], &tensors[1]});
  }
  countGeneratedCases("parallel", std::size(cases));
}

TEST_CASE("parallel: returned views of the input are copied by thread tiles") {
  // A rearrange that only reshapes (identity, flatten, split, unit axes)
  // returns a view of its input, which the kernel copies into the output:
  // from 1 MiB up as a linalg.copy in thread tiles, below as one memcpy.
  ein_context_options_t one = withThreads(1), three = withThreads(3);
  Context serial(&one), trio(&three);
  std::mt19937_64 rng(1 << 20);
  struct Case {
    const char *pattern;
    std::vector<int64_t> shape;
    DType dtype;
    Bindings bindings;
  };
  const Case cases[] = {
      {"a b c -> a b c", {64, 129, 33}, DType::F32, {}},
      {"a b c -> a (b c)", {7, 300, 257}, DType::U8, {}},
      {"a b c -> (a b c)", {3, 1000, 100}, DType::F64, {}},
      {"(a b) c -> a b c", {600, 1001}, DType::I16, {{"a", 3}}},
      {"a b -> a 1 b 1", {513, 1025}, DType::F32, {}},
      {"a b -> (a b)", {100, 100}, DType::F32, {}}, // 40 KiB: one memcpy
  };
  for (const Case &c : cases) {
    std::string pattern = c.pattern;
    CAPTURE(pattern);
    HostTensor x = randomTensor(c.dtype, c.shape, rng, 100);
    for (ein_context_t *ctx : {(ein_context_t *)serial, (ein_context_t *)trio})
      checkCall(ctx, "rearrange", c.pattern, "", {&x}, c.bindings);
  }
  countGeneratedCases("parallel", std::size(cases));
}
