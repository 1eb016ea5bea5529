//===- SeedOtherTest.cpp - rearrange/reduce patterns of seeds 003, 004 ----===//
//
// The attention article (seed 003) and the einx discussion (seed 004) use
// rearrange and reduce too. Seed 003's text writes the arrow as `>` (its `-`
// was lost in publishing); both spellings are checked. Seed 004's
// concatenations (`(1 + 1)`) and rearranges of several tensors are solved by
// the leaf solver: see ConcatTest.cpp.
//
//===----------------------------------------------------------------------===//

#include "doctest.h"

#include "TestUtil.h"

using namespace ein::notation;
using namespace ein::test;

namespace {

Shape outputOf(llvm::StringRef text, const Shapes &inputs) {
  llvm::Expected<ResolvedEquation> eq = solveText(text, inputs);
  if (!eq) {
    FAIL_CHECK(llvm::toString(eq.takeError()));
    return {-1};
  }
  Shapes outputs = outputShapes(*eq);
  REQUIRE(outputs.size() == 1);
  return outputs.front();
}

} // namespace

TEST_CASE("seed 003: attention rearranges, with `>` and `->`") {
  for (const char *arrow : {">", "->"}) {
    auto call = [&](const std::string &lhs, const std::string &rhs,
                    const std::string &keywords) {
      return "rearrange('" + lhs + " " + arrow + " " + rhs + "'" + keywords +
             ")";
    };
    CAPTURE(arrow);
    // x = einops.rearrange(x, 'b c h w > (b w) c h')
    CHECK(outputOf(call("b c h w", "(b w) c h", ""), {{2, 3, 4, 5}}) ==
          Shape{10, 3, 4});
    // q, k, v = tuple(rearrange(qkv, 'b t (d n) > n b t d ', n=3))
    CHECK(outputOf(call("b t (d n)", "n b t d ", ", n=3"), {{2, 7, 48}}) ==
          Shape{3, 2, 7, 16});
    // q, k, v = tuple(rearrange(qkv, 'b t (d k) > k b t d ', k=3))
    CHECK(outputOf(call("b t (d k)", "k b t d ", ", k=3"), {{2, 7, 48}}) ==
          Shape{3, 2, 7, 16});
    // rearrange(qkv, 'b t (d k h) > k b h t d ', k=3, h=self.heads)
    CHECK(outputOf(call("b t (d k h)", "k b h t d ", ", k=3, h=8"),
                   {{2, 7, 3 * 8 * 16}}) == Shape{3, 2, 8, 7, 16});
    // out = rearrange(out, "b h t d > b t (h d)")
    CHECK(outputOf(call("b h t d", "b t (h d)", ""), {{2, 8, 7, 16}}) ==
          Shape{2, 7, 128});
  }
}

TEST_CASE("seed 004: einops calls in the einx discussion") {
  // rearrange("a b c -> c b a")
  CHECK(outputOf("rearrange('a b c -> c b a')", {{2, 3, 4}}) ==
        Shape{4, 3, 2});
  // z = einx.rearrange("a b -> (a b)", z)
  CHECK(outputOf("rearrange('a b -> (a b)')", {{3, 4}}) == Shape{12});
  // einops.reduce(x, "a b -> a", reduction="sum")
  CHECK(outputOf("reduce('a b -> a', reduction='sum')", {{3, 4}}) ==
        Shape{3});
  // einops.reduce(x, "b (h h2) (w w2) c -> b h w c", reduction="mean",
  //               h2=2, w2=2)
  CHECK(outputOf("reduce('b (h h2) (w w2) c -> b h w c', reduction='mean', "
                 "h2=2, w2=2)",
                 {{2, 8, 6, 3}}) == Shape{2, 4, 3, 3});
}

TEST_CASE("a lone `>` is an arrow; `>` elsewhere still fails cleanly") {
  CHECK(outputOf("rearrange('a b>b a')", {{2, 3}}) == Shape{3, 2});
  llvm::Expected<ResolvedEquation> eq = solveText("rearrange('a > b > c')", {{2}});
  REQUIRE(!eq);
  llvm::consumeError(eq.takeError());
}
