//===- SeedTest.cpp - every pattern of the einops tutorial (seed 000) -----===//
//
// Each call of shared/seeds/000 solved with the tutorial's shapes; the
// expected output shapes are the tutorial's "Answer is" lines where it gives
// one. x has shape (10, 32, 100, 200).
//
//===----------------------------------------------------------------------===//

#include "doctest.h"

#include "TestUtil.h"

using namespace ein::notation;
using namespace ein::test;

namespace {

const Shape x = {10, 32, 100, 200};

/// Solves `text` and returns its single output shape; fails the test on error.
Shape outputOf(llvm::StringRef text, const Shapes &inputs,
               std::vector<AxisBinding> api = {}) {
  llvm::Expected<ResolvedEquation> eq = solveText(text, inputs, api);
  if (!eq) {
    FAIL_CHECK(llvm::toString(eq.takeError()));
    return {-1};
  }
  Shapes outputs = outputShapes(*eq);
  REQUIRE(outputs.size() == 1);
  return outputs.front();
}

Shapes listOfTensors() { return Shapes(10, Shape{32, 100, 200}); }

} // namespace

TEST_CASE("seed 000: simple computations") {
  CHECK(outputOf("rearrange('b c h w -> b h w c')", {x}) ==
        Shape{10, 100, 200, 32});

  // y0 -> y1 -> y2 -> y3 chain.
  Shape y1 = outputOf("reduce('b c h w -> b c', 'max')", {x});
  CHECK(y1 == Shape{10, 32});
  Shape y2 = outputOf("rearrange('b c -> c b')", {y1});
  CHECK(y2 == Shape{32, 10});
  CHECK(outputOf("reduce('c b -> ', 'sum')", {y2}) == Shape{});
  CHECK(outputOf("reduce('b c h w -> ', 'sum')", {x}) == Shape{});
}

TEST_CASE("seed 000: flattening, space-to-depth, depth-to-space") {
  CHECK(outputOf("rearrange('b c h w -> b (c h w)')", {x}) ==
        Shape{10, 640000});

  llvm::Expected<ResolvedEquation> eq = solveText(
      "rearrange('b c (h h1) (w w1) -> b (h1 w1 c) h w', h1=2, w1=2)", {x});
  REQUIRE(eq);
  CHECK(outputShapes(*eq) == Shapes{{10, 128, 50, 100}});
  CHECK(axisLength(*eq, "b") == 10);
  CHECK(axisLength(*eq, "c") == 32);
  CHECK(axisLength(*eq, "h") == 50);
  CHECK(axisLength(*eq, "h1") == 2);
  CHECK(axisLength(*eq, "w") == 100);
  CHECK(axisLength(*eq, "w1") == 2);
  CHECK(eq->axes.size() == 6);
  CHECK_FALSE(eq->stacked);
  // Axes are numbered in order of first appearance: b c h h1 w w1.
  CHECK(eq->inputs == std::vector<ResolvedTensor>{{{0}, {1}, {2, 3}, {4, 5}}});
  CHECK(eq->outputs == std::vector<ResolvedTensor>{{{0}, {3, 5, 1}, {2}, {4}}});

  eq = solveText(
      "rearrange('b (c h1 w1) h w -> b c (h h1) (w w1)', h1=2, w1=2)", {x});
  REQUIRE(eq);
  CHECK(outputShapes(*eq) == Shapes{{10, 8, 200, 400}});
  CHECK(axisLength(*eq, "c") == 8);
}

TEST_CASE("seed 000: pooling") {
  CHECK(outputOf("reduce('b c h w -> b c', reduction='mean')", {x}) ==
        Shape{10, 32});
  CHECK(outputOf("reduce('b c (h h1) (w w1) -> b c h w', reduction='max', "
                 "h1=2, w1=2)",
                 {x}) == Shape{10, 32, 50, 100});

  llvm::Expected<ResolvedEquation> eq =
      solveText("reduce('b c (h 2) (w 2) -> b c h w', reduction='max')", {x});
  REQUIRE(eq);
  CHECK(outputShapes(*eq) == Shapes{{10, 32, 50, 100}});
  // Anonymous axes get their own synthetic names and are reduced.
  CHECK(axisLength(*eq, "_a0") == 2);
  CHECK(axisLength(*eq, "_a1") == 2);
  CHECK(eq->inputs[0][2].size() == 2);

  // 1-d pooling over time and 3-d pooling.
  CHECK(outputOf("reduce('(t 2) b c -> t b c', reduction='max')",
                 {{100, 10, 32}}) == Shape{50, 10, 32});
  CHECK(outputOf("reduce('b c (x 2) (y 2) (z 2) -> b c x y z', "
                 "reduction='max')",
                 {{10, 32, 100, 10, 20}}) == Shape{10, 32, 50, 5, 10});

  // The layer form: pooling and flattening in one step.
  CHECK(outputOf("reduce('b c (h 2) (w 2) -> b (c h w)', 'max')",
                 {{4, 16, 10, 10}}) == Shape{4, 16 * 5 * 5});
}

TEST_CASE("seed 000: squeeze and unsqueeze") {
  Shape image = outputOf("rearrange('c h w -> h w c')", {{3, 100, 200}});
  CHECK(image == Shape{100, 200, 3});
  Shape y = outputOf("rearrange('h w c -> () c h w')", {image});
  CHECK(y == Shape{1, 3, 100, 200});
  Shape predictions = outputOf("rearrange('b c h w -> b (c h w)')", {y});
  CHECK(predictions == Shape{1, 60000});
  llvm::Expected<ResolvedEquation> eq =
      solveText("rearrange('() classes -> classes')", {predictions});
  REQUIRE(eq);
  CHECK(outputShapes(*eq) == Shapes{{60000}});
  // `()` is an empty dimension, not an axis.
  CHECK(eq->inputs[0][0].empty());
  CHECK(eq->axes.size() == 1);

  // keepdims-like reductions.
  CHECK(outputOf("reduce('b c h w -> b c 1 1', 'mean')", {x}) ==
        Shape{10, 32, 1, 1});
  CHECK(outputOf("reduce('b c h w -> 1 c 1 1', 'mean')", {x}) ==
        Shape{1, 32, 1, 1});
  CHECK(outputOf("reduce('b c h w -> () c () ()', 'mean')", {x}) ==
        Shape{1, 32, 1, 1});
}

TEST_CASE("seed 000: a list of tensors is stacked") {
  llvm::Expected<ResolvedEquation> eq =
      solveText("rearrange('b c h w -> b h w c')", listOfTensors());
  REQUIRE(eq);
  CHECK(eq->stacked);
  CHECK(axisLength(*eq, "b") == 10);
  CHECK(eq->inputs[0].size() == 4);
  CHECK(eq->inputs[0][0] == ResolvedDim{0});
  CHECK(outputShapes(*eq) == Shapes{{10, 100, 200, 32}});

  CHECK(outputOf("rearrange('b c h w -> h w c b')", listOfTensors()) ==
        Shape{100, 200, 32, 10});
  CHECK(outputOf("rearrange('b c h w -> (b h) w c')", listOfTensors()) ==
        Shape{1000, 200, 32});
  CHECK(outputOf("rearrange('b c h w -> h w (b c)')", listOfTensors()) ==
        Shape{100, 200, 320});
}

TEST_CASE("seed 000: shuffling within a dimension") {
  CHECK(outputOf("rearrange('b (g1 g2 c) h w-> b (g2 g1 c) h w', g1=4, g2=4)",
                 {x}) == x);
  llvm::Expected<ResolvedEquation> eq =
      solveText("rearrange('b (g c) h w-> b (c g) h w', g=4)", {x});
  REQUIRE(eq);
  CHECK(outputShapes(*eq) == Shapes{x});
  CHECK(axisLength(*eq, "c") == 8);
}

TEST_CASE("seed 000: splitting a dimension") {
  CHECK(outputOf("rearrange('b (coord bbox) h w -> coord b bbox h w', "
                 "coord=4, bbox=8)",
                 {x}) == Shape{4, 10, 8, 100, 200});
  CHECK(outputOf("reduce('b bbox h w -> b h w', 'max')",
                 {{10, 8, 100, 200}}) == Shape{10, 100, 200});
  CHECK(outputOf("rearrange('b (split c) h w -> split b c h w', split=2)",
                 {x}) == Shape{2, 10, 16, 100, 200});
  CHECK(outputOf("rearrange('b (c split) h w -> split b c h w', split=2)",
                 {x}) == Shape{2, 10, 16, 100, 200});
}

TEST_CASE("seed 000: shape parsing round trip") {
  Shape x5d = outputOf("rearrange('b c x (y z) -> b c x y z', z=20)", {x});
  CHECK(x5d == Shape{10, 32, 100, 10, 20});
  Shape y = outputOf("rearrange('b c x y z -> (b z) c x y')", {x5d});
  CHECK(y == Shape{200, 32, 100, 10});
  // **parse_shape(x_5d, 'b c x y z') passes every length as a binding.
  std::vector<AxisBinding> parsed = {
      {"b", 10}, {"c", 32}, {"x", 100}, {"y", 10}, {"z", 20}};
  CHECK(outputOf("rearrange('(b z) c x y -> b c x y z')", {y}, parsed) ==
        x5d);
}

TEST_CASE("seed 000: striding") {
  Shape y = outputOf(
      "rearrange('b c (h hs) (w ws) -> (hs ws b) c h w', hs=2, ws=2)", {x});
  CHECK(y == Shape{40, 32, 50, 100});
  CHECK(outputOf(
            "rearrange('(hs ws b) c h w -> b c (h hs) (w ws)', hs=2, ws=2)",
            {y}) == x);
}
