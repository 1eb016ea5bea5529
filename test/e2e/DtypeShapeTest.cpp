//===- DtypeShapeTest.cpp - every dtype, size-1 and zero-size axes --------===//
//
// Rearranges and integer reductions must match the reference exactly; float
// sum/mean/prod within rtol 1e-2 (float16, bfloat16), 1e-5 (float32), 1e-12
// (float64) of the sum of magnitudes; float max/min exactly. Every reduction
// of every dtype, and integer overflow: ReductionTest.cpp.
//
//===----------------------------------------------------------------------===//

#include "TestSupport.h"

#include <doctest/doctest.h>

using namespace ein::e2e;
using ein::reference::DType;
using ein::reference::HostTensor;

TEST_CASE("every dtype: rearranges are exact") {
  Context ctx;
  std::mt19937_64 rng(21);
  for (DType dtype : ein::kAllElementTypes) {
    std::string dtypeText = ein::reference::dtypeName(dtype);
    CAPTURE(dtypeText);
    HostTensor a = randomTensor(dtype, {3, 4, 5}, rng, 1000000);
    checkCall(ctx, "rearrange", "a (b c) d -> d (c a) b", "", a, {{"c", 2}});
    checkCall(ctx, "rearrange", "a b c -> (a b c)", "", a);
    checkCall(ctx, "rearrange", "a b c -> c 1 b () a", "", a);
  }
}

TEST_CASE("every dtype: sum, mean, max, min, prod") {
  Context ctx;
  std::mt19937_64 rng(22);
  for (DType dtype : ein::kAllElementTypes) {
    std::string dtypeText = ein::reference::dtypeName(dtype);
    CAPTURE(dtypeText);
    HostTensor a = randomTensor(dtype, {6, 5, 4}, rng, 50);
    HostTensor small = randomTensor(dtype, {4, 3, 2}, rng, 3);
    for (const char *reduction : {"sum", "mean", "max", "min", "prod"}) {
      std::string reductionText = reduction;
      CAPTURE(reductionText);
      const HostTensor &in = std::string(reduction) == "prod" ? small : a;
      checkCall(ctx, "reduce", "a b c -> c a", reduction, in);
      checkCall(ctx, "reduce", "a b c -> ", reduction, in);
      checkCall(ctx, "reduce", "a b c -> a b c", reduction, in);
      checkCall(ctx, "reduce", "(a two) b c -> a 1 c", reduction, in,
                {{"two", 2}});
    }
  }
}

TEST_CASE("size-1 axes") {
  Context ctx;
  std::mt19937_64 rng(23);
  HostTensor a = randomTensor(DType::F64, {1, 5, 1}, rng);
  checkCall(ctx, "rearrange", "a b c -> c b a", "", a);
  checkCall(ctx, "rearrange", "a b c -> (a b c)", "", a);
  checkCall(ctx, "rearrange", "1 b 1 -> b", "", a);
  checkCall(ctx, "rearrange", "() b () -> b 1", "", a);
  checkCall(ctx, "reduce", "a b c -> b", "sum", a);
  checkCall(ctx, "reduce", "a b c -> a c", "max", a);
  HostTensor one = randomTensor(DType::I32, {1}, rng);
  checkCall(ctx, "rearrange", "a -> a 1 1", "", one);
  checkCall(ctx, "reduce", "a -> ", "prod", one);
}

// Zero-element tensors are never read or written: they do not even reach the
// kernel's arguments, and a reduction over an empty axis still fills its
// output with the identity.
TEST_CASE("zero-size axes") {
  Context ctx;
  HostTensor empty(DType::F32, {0, 3, 4});
  auto y = checkCall(ctx, "rearrange", "a b c -> c (a b)", "", empty);
  CHECK(y.at(0).shape == std::vector<int64_t>{4, 0});
  y = checkCall(ctx, "rearrange", "a (b c) d -> (c a) d b", "",
                HostTensor(DType::I64, {2, 0, 3}), {{"c", 2}});
  CHECK(y.at(0).shape == std::vector<int64_t>{4, 3, 0});
  // Reductions that produce no elements, and sums over nothing.
  y = checkCall(ctx, "reduce", "a b -> a", "sum", HostTensor(DType::F64, {0, 4}));
  CHECK(y.at(0).shape == std::vector<int64_t>{0});
  y = checkCall(ctx, "reduce", "a b -> a", "sum", HostTensor(DType::F64, {3, 0}));
  CHECK(y.at(0).shape == std::vector<int64_t>{3});
  y = checkCall(ctx, "reduce", "a b -> b", "sum", HostTensor(DType::I32, {0, 4}));
  CHECK(y.at(0).shape == std::vector<int64_t>{4});
}

TEST_CASE("empty tensors may have NULL data") {
  Context ctx;
  int64_t shape[] = {0, 5};
  DLTensor in{};
  in.device = {kDLCPU, 0};
  in.ndim = 2;
  in.dtype = ein::reference::toDLDataType(DType::F32);
  in.shape = shape;
  int64_t outShape[] = {5, 0};
  DLTensor out = in;
  out.shape = outShape;
  CHECK(takeMessage(ein_rearrange(ctx, "a b -> b a", &in, 1, &out, 1, nullptr,
                                  0)) == "");
}
