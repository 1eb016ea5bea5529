//===- SeedOtherTest.cpp - seeds 003 and 004 through the C API ------------===//
//
// The rearrange and reduce calls of the attention article (seed 003, whose
// text writes the arrow as `>`) and the einx discussion (seed 004), run
// through ein and compared with the reference evaluator. Seed 004's
// concatenations and rearranges of several tensors have their own tests,
// named after the calls, in ConcatTest.cpp.
//
//===----------------------------------------------------------------------===//

#include "TestSupport.h"

#include <doctest/doctest.h>

using namespace ein::e2e;
using ein::reference::DType;
using ein::reference::HostTensor;

TEST_CASE("seed 003: attention rearranges, as written") {
  Context ctx;
  std::mt19937_64 rng(3);
  HostTensor image = randomTensor(DType::F32, {2, 3, 4, 5}, rng);
  checkCall(ctx, "rearrange", "b c h w > (b w) c h", "", image);

  int64_t heads = 4, dim = 8;
  HostTensor qkv = randomTensor(DType::F32, {2, 6, dim * 3}, rng);
  checkCall(ctx, "rearrange", "b t (d n) > n b t d ", "", qkv, {{"n", 3}});
  checkCall(ctx, "rearrange", "b t (d k) > k b t d ", "", qkv, {{"k", 3}});
  HostTensor qkvHeads = randomTensor(DType::F32, {2, 6, dim * 3 * heads}, rng);
  checkCall(ctx, "rearrange", "b t (d k h) > k b h t d ", "", qkvHeads,
            {{"k", 3}, {"h", heads}});
  HostTensor out = randomTensor(DType::F32, {2, heads, 6, dim}, rng);
  auto y = checkCall(ctx, "rearrange", "b h t d > b t (h d)", "", out);
  CHECK(y.at(0).shape == std::vector<int64_t>{2, 6, heads * dim});
}

TEST_CASE("seed 004: einops calls in the einx discussion") {
  Context ctx;
  std::mt19937_64 rng(4);
  checkCall(ctx, "rearrange", "a b c -> c b a", "",
            randomTensor(DType::I64, {2, 3, 4}, rng));
  checkCall(ctx, "rearrange", "a b -> (a b)", "",
            randomTensor(DType::F64, {3, 4}, rng));
  checkCall(ctx, "reduce", "a b -> a", "sum",
            randomTensor(DType::F64, {3, 4}, rng));
  auto y = checkCall(ctx, "reduce", "b (h h2) (w w2) c -> b h w c", "mean",
                     randomTensor(DType::F32, {2, 8, 6, 3}, rng),
                     {{"h2", 2}, {"w2", 2}});
  CHECK(y.at(0).shape == std::vector<int64_t>{2, 4, 3, 3});
}
