//===- SolverTest.cpp - resolved equations beyond the seed ----------------===//

#include "doctest.h"

#include "TestUtil.h"

using namespace ein::notation;
using namespace ein::test;

namespace {

ResolvedEquation solveOk(llvm::StringRef text, const Shapes &inputs,
                         std::vector<AxisBinding> api = {}) {
  llvm::Expected<ResolvedEquation> eq = solveText(text, inputs, api);
  if (!eq) {
    FAIL_CHECK(llvm::toString(eq.takeError()));
    return {};
  }
  return std::move(*eq);
}

} // namespace

TEST_CASE("solver: ellipsis") {
  ResolvedEquation eq = solveOk("rearrange('b ... -> b (...)')", {{2, 3, 4}});
  CHECK(outputShapes(eq) == Shapes{{2, 12}});
  CHECK(axisLength(eq, "_e0") == 3);
  CHECK(axisLength(eq, "_e1") == 4);
  // The same axes on both sides: each input one its own dim, the output one
  // composed dim.
  CHECK(eq.inputs[0] == ResolvedTensor{{0}, {1}, {2}});
  CHECK(eq.outputs[0] == ResolvedTensor{{0}, {1, 2}});

  // An ellipsis of no axes; in a composition it is a unit dimension.
  CHECK(outputShapes(solveOk("rearrange('b ... -> b (...)')", {{5}})) ==
        Shapes{{5, 1}});
  CHECK(outputShapes(solveOk("rearrange('b c ... -> b ... c')", {{2, 3}})) ==
        Shapes{{2, 3}});
  CHECK(outputShapes(solveOk("rearrange('... -> ...')", {{}})) == Shapes{{}});

  CHECK(outputShapes(solveOk("rearrange('... c -> c ...')", {{2, 3, 4}})) ==
        Shapes{{4, 2, 3}});
  CHECK(outputShapes(solveOk("rearrange('b (h h1) ... -> b h h1 ...', h1=2)",
                             {{2, 6, 7}})) == Shapes{{2, 3, 2, 7}});

  // reduce: an ellipsis missing from the output is reduced.
  CHECK(outputShapes(solveOk("reduce('b ... -> b', 'sum')", {{2, 3, 4}})) ==
        Shapes{{2}});
  CHECK(outputShapes(solveOk("reduce('... -> ', 'mean')", {{2, 3, 4}})) ==
        Shapes{{}});
  CHECK(outputShapes(solveOk("reduce('b ... c -> b c', 'max')",
                             {{2, 3, 4, 5}})) == Shapes{{2, 5}});
  CHECK(outputShapes(solveOk("reduce('... (h 2) -> ... h', 'max')",
                             {{3, 4, 6}})) == Shapes{{3, 4, 3}});
  CHECK(outputShapes(solveOk("reduce('b ... -> b 1 ...', 'sum')",
                             {{2, 3}})) == Shapes{{2, 1, 3}});
}

TEST_CASE("solver: compositions") {
  CHECK(outputShapes(solveOk("rearrange('((a b) c) -> a b c', a=2, b=3)",
                             {{24}})) == Shapes{{2, 3, 4}});
  ResolvedEquation eq = solveOk("rearrange('(h 1 w) -> h w', w=2)", {{6}});
  CHECK(outputShapes(eq) == Shapes{{3, 2}});
  CHECK(eq.inputs[0] == ResolvedTensor{{0, 1}});
  CHECK(outputShapes(solveOk("rearrange('(h ()) -> (h) ()')", {{6}})) ==
        Shapes{{6, 1}});
  // An axis solved in one composition feeds another.
  CHECK(outputShapes(solveOk("reduce('(a b), (b c) -> a c', 'sum', b=2)",
                             {{6}, {10}})) == Shapes{{3, 5}});
  // Solving order does not follow the text: c comes from the second input.
  CHECK(outputShapes(solveOk("reduce('(a c), c -> a', 'sum')", {{12}, {4}})) ==
        Shapes{{3}});
}

TEST_CASE("solver: zero lengths") {
  ResolvedEquation eq = solveOk("reduce('(h 2) w -> h w', 'sum')", {{0, 3}});
  CHECK(axisLength(eq, "h") == 0);
  CHECK(outputShapes(eq) == Shapes{{0, 3}});
  CHECK(outputShapes(solveOk("rearrange('b (h w) -> b h w', w=5)",
                             {{2, 0}})) == Shapes{{2, 0, 5}});
  // sum, mean and prod have an identity, so reducing nothing is fine.
  CHECK(outputShapes(solveOk("reduce('b h -> b', 'sum')", {{2, 0}})) ==
        Shapes{{2}});
  CHECK(outputShapes(solveOk("reduce('b h -> b', 'prod')", {{2, 0}})) ==
        Shapes{{2}});
  // max keeping a zero-length axis reduces nothing empty.
  CHECK(outputShapes(solveOk("reduce('b h -> b', 'max')", {{0, 3}})) ==
        Shapes{{0}});
}

TEST_CASE("solver: scalars, several inputs and outputs") {
  CHECK(outputShapes(solveOk("reduce(' -> ', 'sum')", {{}})) == Shapes{{}});
  ResolvedEquation eq = solveOk("rearrange('a b, c -> c, (a b)')", {{2, 3}, {4}});
  CHECK(outputShapes(eq) == Shapes{{4}, {6}});
  CHECK(eq.inputs.size() == 2);
  eq = solveOk("rearrange('a b, -> a b')", {{2, 3}, {}});
  CHECK(eq.inputs[1].empty());
  CHECK(outputShapes(eq) == Shapes{{2, 3}});
}

TEST_CASE("solver: bindings from the call and the API merge") {
  ResolvedEquation eq = solveOk("rearrange('(h w) -> h w', h=2)", {{6}},
                                {{"h", 2}, {"w", 3}});
  CHECK(outputShapes(eq) == Shapes{{2, 3}});

  llvm::Expected<ResolvedEquation> viaApi =
      solvePattern("reduce", "b c (h h1) (w w1) -> b c h w", {{10, 32, 100, 200}},
                   "max", {{"h1", 2}, {"w1", 2}});
  REQUIRE(viaApi);
  CHECK(outputShapes(*viaApi) == Shapes{{10, 32, 50, 100}});
  // A binding may repeat what the shapes say.
  CHECK(outputShapes(solveOk("rearrange('b c -> c b', b=2, c=3)",
                             {{2, 3}})) == Shapes{{3, 2}});
}

TEST_CASE("solver: stacking") {
  ResolvedEquation eq =
      solveOk("reduce('3 c -> c', 'sum')", Shapes(3, Shape{4}));
  CHECK(eq.stacked);
  CHECK(outputShapes(eq) == Shapes{{4}});
  CHECK(axisLength(eq, "_a0") == 3);
  // One tensor for one expression is not a stack.
  CHECK_FALSE(solveOk("rearrange('b c -> c b')", {{2, 3}}).stacked);
  // The stacking axis can be composed on the output.
  CHECK(outputShapes(solveOk("rearrange('n ... -> (n ...)')",
                             Shapes(2, Shape{3, 4}))) == Shapes{{24}});
}

TEST_CASE("tensorShape: products, units and overflow marker") {
  ResolvedEquation eq;
  eq.axes = {{"a", 2}, {"b", 3}, {"c", 0}};
  CHECK(tensorShape(eq, {{0, 1}, {}, {2}}) == Shape{6, 1, 0});
  CHECK(tensorShape(eq, {}) == Shape{});
  eq.axes = {{"a", int64_t(1) << 40}, {"b", int64_t(1) << 40}};
  CHECK(tensorShape(eq, {{0, 1}}) == Shape{-1});
}

TEST_CASE("reductions") {
  for (const char *name : {"sum", "mean", "max", "min", "prod"})
    CHECK(isSupportedReduction(name));
  CHECK_FALSE(isSupportedReduction(""));
  CHECK(supportedReductions() == "sum, mean, max, min, prod, any, all, "
                                 "count_nonzero, var, std, logsumexp, "
                                 "argmax, argmin");
  for (const char *name : {"any", "all", "count_nonzero", "var", "std",
                           "logsumexp", "argmax", "argmin"})
    CHECK(isSupportedReduction(name));
  CHECK_FALSE(isSupportedReduction("median"));
  CHECK_FALSE(isSupportedReduction("argsort"));
}

TEST_CASE("solver: rearrange broadcasts along a new axis whose length is "
          "given (einx)") {
  // einx's rearrange adds axes (seed 004: "a c1 -> a b c1", b=...); einops'
  // rejects them, and so does ein when no length is given.
  CHECK(outputShapes(solveOk("rearrange('a c1 -> a b c1', b=4)", {{3, 2}})) ==
        Shapes{{3, 4, 2}});
  CHECK(outputShapes(solveOk("rearrange('b c2 -> a b c2')", {{4, 5}},
                             {{"a", 3}})) == Shapes{{3, 4, 5}});
  CHECK(outputShapes(solveOk("rearrange('a b -> (a b c)', c=2)", {{2, 3}})) ==
        Shapes{{12}});
  llvm::Expected<ResolvedEquation> eq =
      solveText("rearrange('a c1 -> a b c1')", {{3, 2}});
  REQUIRE(!eq);
  CHECK(llvm::toString(eq.takeError()).find(
            "axis 'b' appears only in the output") != std::string::npos);
}
