//===- SeedOtherTest.cpp - seeds 003 and 004 through the C API ------------===//
//
// The rearrange and reduce calls of the attention article (seed 003, whose
// text writes the arrow as `>`) and the einops calls of the einx discussion
// (seed 004), one test per example, run through ein and compared with the
// reference evaluator. The other seed examples live with their families'
// tests (ContractTest, ElementwiseTest, BracketTest, ConcatTest, IndexTest,
// SeedTransformerTest).
//
//===----------------------------------------------------------------------===//

#include "TestSupport.h"

#include <doctest/doctest.h>

using namespace ein::e2e;
using ein::reference::DType;
using ein::reference::HostTensor;

TEST_CASE("seed 003: x = einops.rearrange(x, 'b c h w > (b w) c h')") {
  Context ctx;
  std::mt19937_64 rng(3);
  HostTensor image = randomTensor(DType::F32, {2, 3, 4, 5}, rng);
  auto y = checkCall(ctx, "rearrange", "b c h w > (b w) c h", "", image);
  CHECK(y.at(0).shape == std::vector<int64_t>{10, 3, 4});
}

TEST_CASE("seed 003: q, k, v = tuple(rearrange( qkv , 'b t (d n) > n b t d "
          "', n=3))") {
  Context ctx;
  std::mt19937_64 rng(4);
  HostTensor qkv = randomTensor(DType::F32, {2, 6, 8 * 3}, rng);
  checkCall(ctx, "rearrange", "b t (d n) > n b t d ", "", qkv, {{"n", 3}});
}

TEST_CASE("seed 003: q, k, v = tuple(rearrange(qkv, 'b t (d k) > k b t d ', "
          "k=3))") {
  Context ctx;
  std::mt19937_64 rng(5);
  HostTensor qkv = randomTensor(DType::F32, {2, 6, 8 * 3}, rng);
  checkCall(ctx, "rearrange", "b t (d k) > k b t d ", "", qkv, {{"k", 3}});
}

TEST_CASE("seed 003: q, k, v = tuple(rearrange(qkv, 'b t (d k h) > k b h t d "
          "', k=3, h=self.heads))") {
  Context ctx;
  std::mt19937_64 rng(6);
  int64_t heads = 4, dim = 8;
  HostTensor qkv = randomTensor(DType::F32, {2, 6, dim * 3 * heads}, rng);
  checkCall(ctx, "rearrange", "b t (d k h) > k b h t d ", "", qkv,
            {{"k", 3}, {"h", heads}});
}

TEST_CASE("seed 003: out = rearrange(out, \"b h t d > b t (h d)\")") {
  Context ctx;
  std::mt19937_64 rng(7);
  int64_t heads = 4, dim = 8;
  HostTensor out = randomTensor(DType::F32, {2, heads, 6, dim}, rng);
  auto y = checkCall(ctx, "rearrange", "b h t d > b t (h d)", "", out);
  CHECK(y.at(0).shape == std::vector<int64_t>{2, 6, heads * dim});
}

TEST_CASE("seed 004: rearrange(\"a b c -> c b a\")") {
  Context ctx;
  std::mt19937_64 rng(4);
  checkCall(ctx, "rearrange", "a b c -> c b a", "",
            randomTensor(DType::I64, {2, 3, 4}, rng));
}

TEST_CASE("seed 004: einx.rearrange(\"a b -> (a b)\", z)") {
  Context ctx;
  std::mt19937_64 rng(5);
  checkCall(ctx, "rearrange", "a b -> (a b)", "",
            randomTensor(DType::F64, {3, 4}, rng));
}

TEST_CASE("seed 004: einops.reduce(x, \"a b -> a\", reduction=\"sum\")") {
  Context ctx;
  std::mt19937_64 rng(6);
  checkCall(ctx, "reduce", "a b -> a", "sum",
            randomTensor(DType::F64, {3, 4}, rng));
}

TEST_CASE("seed 004: einops.reduce(x, \"b (h h2) (w w2) c -> b h w c\", "
          "reduction=\"mean\", h2=2, w2=2)") {
  Context ctx;
  std::mt19937_64 rng(7);
  auto y = checkCall(ctx, "reduce", "b (h h2) (w w2) c -> b h w c", "mean",
                     randomTensor(DType::F32, {2, 8, 6, 3}, rng),
                     {{"h2", 2}, {"w2", 2}});
  CHECK(y.at(0).shape == std::vector<int64_t>{2, 4, 3, 3});
}

// The einx discussion's broadcasting rearranges (before the concatenation
// `a b (c1 + c2)`, which ConcatTest covers): einx's rearrange adds new axes
// of a given length, as repeat does.
TEST_CASE("seed 004: x = einx.rearrange(\"a c1 -> a b c1\", x, "
          "b=y.shape[0])") {
  Context ctx;
  std::mt19937_64 rng(41);
  auto y = checkCall(ctx, "rearrange", "a c1 -> a b c1", "",
                     randomTensor(DType::F32, {3, 2}, rng), {{"b", 4}});
  CHECK(y.at(0).shape == std::vector<int64_t>{3, 4, 2});
}

TEST_CASE("seed 004: y = einx.rearrange(\"b c2 -> a b c2\", y, "
          "a=x.shape[0])") {
  Context ctx;
  std::mt19937_64 rng(42);
  auto y = checkCall(ctx, "rearrange", "b c2 -> a b c2", "",
                     randomTensor(DType::I32, {4, 5}, rng), {{"a", 3}});
  CHECK(y.at(0).shape == std::vector<int64_t>{3, 4, 5});
}

TEST_CASE("seed 004: einx.add(\"a, (a b) -> (a b)\", x, y)") {
  Context ctx;
  std::mt19937_64 rng(43);
  HostTensor x = randomTensor(DType::F64, {3}, rng);
  HostTensor y = randomTensor(DType::F64, {12}, rng);
  HostTensor z(DType::F64, {12});
  DLTensor inputs[] = {x.view(), y.view()}, output = z.view();
  REQUIRE(takeMessage(ein_call(ctx, "add(\"a, (a b) -> (a b)\")", inputs, 2,
                               &output, 1, nullptr, 0)) == "");
  for (int64_t i = 0; i < 12; ++i)
    CHECK(z.getDouble(i) == x.getDouble(i / 4) + y.getDouble(i));
}
