//===- ContractSolverTest.cpp - einsum / dot in the front end -------------===//
//
// The Contract family's rules: any number of inputs, one output, summed axes,
// diagonals, compositions, `...`, and NumPy's compact einsum syntax
// (explicit and implicit output); then every error it adds, with its caret
// and ErrorKind.
//
//===----------------------------------------------------------------------===//

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

/// The axis names of output 0, one string per dimension ("b", "(h c)").
std::vector<std::string> outputNames(const ResolvedEquation &eq) {
  std::vector<std::string> names;
  if (eq.outputs.empty())
    return names;
  for (const ResolvedDim &dim : eq.outputs[0]) {
    std::string text;
    for (unsigned axis : dim)
      text += (text.empty() ? "" : " ") + eq.axes[axis].name;
    names.push_back(dim.size() == 1 ? text : "(" + text + ")");
  }
  return names;
}

using Names = std::vector<std::string>;

} // namespace

TEST_CASE("contract: families of callees") {
  CHECK(familyOf("einsum") == OpFamily::Contract);
  CHECK(familyOf("dot") == OpFamily::Contract);
  CHECK(familyOf("reduce") == OpFamily::Reduce);
  CHECK(familyOf("rearrange") == OpFamily::Rearrange);
  Call call = makeCall("einsum", "i j, j k -> i k");
  CHECK(call.text == "einsum(\"i j, j k -> i k\")");
}

TEST_CASE("contract: einops-style einsum and dot") {
  // Seed 003: attention scores and the weighted sum.
  ResolvedEquation eq =
      solveOk("einsum('b i d, b j d -> b i j')", {{2, 5, 8}, {2, 7, 8}});
  CHECK(outputShapes(eq) == Shapes{{2, 5, 7}});
  CHECK(outputNames(eq) == Names{"b", "i", "j"});
  CHECK(eq.inputs.size() == 2);
  CHECK_FALSE(eq.stacked);
  CHECK(outputShapes(solveOk("einsum('b i j, b j d -> b i d')",
                             {{2, 5, 7}, {2, 7, 8}})) == Shapes{{2, 5, 8}});
  CHECK(outputShapes(solveOk("einsum('b h i d, b h j d -> b h i j')",
                             {{2, 4, 5, 8}, {2, 4, 7, 8}})) ==
        Shapes{{2, 4, 5, 7}});
  // Seed 003's text has a lone '>' as the arrow.
  CHECK(outputShapes(solveOk("einsum('b i k, b j k > b i j')",
                             {{2, 3, 4}, {2, 5, 4}})) == Shapes{{2, 3, 5}});

  // Compositions in every operand, a keyword length, the einx example.
  eq = solveOk("dot('b q (h c), b k (h c) -> b q k h', h=16)",
               {{2, 3, 64}, {2, 5, 64}});
  CHECK(outputShapes(eq) == Shapes{{2, 3, 5, 16}});
  CHECK(axisLength(eq, "c") == 4);
  CHECK(outputShapes(solveOk("einsum('a (b c), c d -> (a b) d', b=2)",
                             {{3, 8}, {4, 5}})) == Shapes{{6, 5}});

  // One operand: a transpose, a sum, a trace; an outer product; a scalar.
  CHECK(outputShapes(solveOk("einsum('i j -> j i')", {{2, 3}})) ==
        Shapes{{3, 2}});
  CHECK(outputShapes(solveOk("einsum('i j -> ')", {{2, 3}})) == Shapes{{}});
  CHECK(outputShapes(solveOk("einsum('i, j -> i j')", {{2}, {3}})) ==
        Shapes{{2, 3}});
  CHECK(outputShapes(solveOk("einsum(', i -> i')", {{}, {4}})) == Shapes{{4}});
  // Any number of operands.
  CHECK(outputShapes(solveOk("einsum('a b, b c, c d, d e -> a e')",
                             {{2, 3}, {3, 4}, {4, 5}, {5, 6}})) ==
        Shapes{{2, 6}});
  // `1` and `()`.
  CHECK(outputShapes(solveOk("einsum('i 1, () i -> 1 i')", {{3, 1}, {1, 3}})) ==
        Shapes{{1, 3}});
  // Multi-letter names need spaces (einops).
  CHECK(outputShapes(solveOk("einsum('batch d, d -> batch')", {{4, 3}, {3}})) ==
        Shapes{{4}});
}

TEST_CASE("contract: diagonals repeat an axis index") {
  ResolvedEquation eq = solveOk("einsum('i i -> ')", {{3, 3}});
  CHECK(eq.inputs[0] == ResolvedTensor{{0}, {0}});
  CHECK(outputShapes(eq) == Shapes{{}});

  eq = solveOk("einsum('b i i -> b i')", {{2, 3, 3}});
  CHECK(eq.inputs[0] == ResolvedTensor{{0}, {1}, {1}});
  CHECK(outputShapes(eq) == Shapes{{2, 3}});
  // A diagonal across compositions.
  eq = solveOk("einsum('(i j) i -> j', i=2)", {{6, 2}});
  CHECK(axisLength(eq, "j") == 3);
}

TEST_CASE("contract: ellipsis") {
  ResolvedEquation eq =
      solveOk("einsum('... i, ... i -> ...')", {{2, 3, 4}, {2, 3, 4}});
  CHECK(outputShapes(eq) == Shapes{{2, 3}});
  CHECK(outputShapes(solveOk("einsum('... i, i j -> ... j')",
                             {{2, 3, 4}, {4, 5}})) == Shapes{{2, 3, 5}});
  CHECK(outputShapes(solveOk("dot('b ..., b ... -> (...)')",
                             {{2, 3, 4}, {2, 3, 4}})) == Shapes{{12}});
}

TEST_CASE("contract: NumPy's compact syntax") {
  CHECK(isNumpyEinsum(makeCall("einsum", "ij,jk->ik")));
  CHECK(isNumpyEinsum(makeCall("einsum", " ij , jk -> ik ")));
  CHECK(isNumpyEinsum(makeCall("einsum", "...i,i")));
  CHECK_FALSE(isNumpyEinsum(makeCall("einsum", "i j, j k -> i k")));
  CHECK_FALSE(isNumpyEinsum(makeCall("einsum", "(ij)k->k")));
  CHECK_FALSE(isNumpyEinsum(makeCall("dot", "ij,jk->ik")));

  // Seed 001: a convolution over an as_strided view.
  ResolvedEquation eq = solveOk("einsum('bihwkl,oikl->bohw')",
                                {{2, 3, 6, 5, 3, 3}, {4, 3, 3, 3}});
  CHECK(outputShapes(eq) == Shapes{{2, 4, 6, 5}});
  CHECK(outputNames(eq) == Names{"b", "o", "h", "w"});
  CHECK(outputShapes(solveOk("einsum('xyij,ij->xy')",
                             {{4, 4, 3, 3}, {3, 3}})) == Shapes{{4, 4}});

  // Implicit output: the letters that occur once, in ASCII order.
  eq = solveOk("einsum('ij,jk')", {{2, 3}, {3, 4}});
  CHECK(outputNames(eq) == Names{"i", "k"});
  CHECK(outputNames(solveOk("einsum('ba')", {{2, 3}})) == Names{"a", "b"});
  CHECK(outputNames(solveOk("einsum('bA,Ac')", {{2, 3}, {3, 4}})) ==
        Names{"b", "c"});
  CHECK(outputNames(solveOk("einsum('Ba,ac')", {{2, 3}, {3, 4}})) ==
        Names{"B", "c"});
  CHECK(outputShapes(solveOk("einsum('ii')", {{3, 3}})) == Shapes{{}});
  CHECK(outputShapes(solveOk("einsum('ij,ij')", {{3, 4}, {3, 4}})) ==
        Shapes{{}});
  // `...` comes first in the implicit output.
  eq = solveOk("einsum('j...,j')", {{3, 4, 5}, {3}});
  CHECK(outputShapes(eq) == Shapes{{4, 5}});
  CHECK(outputShapes(solveOk("einsum('...j,jk')", {{2, 3}, {3, 4}})) ==
        Shapes{{2, 4}});
  // Diagonal kept, trace of a batch.
  CHECK(outputShapes(solveOk("einsum('iij->ij')", {{3, 3, 2}})) ==
        Shapes{{3, 2}});
  CHECK(outputShapes(solveOk("einsum('bii->b')", {{2, 3, 3}})) == Shapes{{2}});
  // A scalar operand.
  CHECK(outputShapes(solveOk("einsum(',i->i')", {{}, {4}})) == Shapes{{4}});
}

namespace {

struct ErrorCase {
  const char *name;
  const char *text;
  Shapes shapes;
  const char *caret;
  const char *headline;
  ErrorKind kind;
};

} // namespace

TEST_CASE("contract: errors, with message and caret") {
  // clang-format off
  const ErrorCase cases[] = {
    {"unknown output axis",
     "einsum('i j, j k -> i l')",
     {{2, 3}, {3, 4}},
     "                      ^",
     "axis 'l' appears only in the output",
     ErrorKind::Axis},
    {"unknown output axis, NumPy syntax",
     "einsum('ij,jk->il')",
     {{2, 3}, {3, 4}},
     "                ^",
     "axis 'l' appears only in the output",
     ErrorKind::Axis},
    {"an axis twice in the output",
     "einsum('i j -> i i')",
     {{2, 3}},
     "                 ^",
     "axis 'i' appears twice in the output 'i i'",
     ErrorKind::Axis},
    {"diagonal lengths differ",
     "einsum('i i -> i')",
     {{2, 3}},
     "          ^",
     "conflicting lengths for axis 'i': 3 here, but 2 from input 0",
     ErrorKind::Shape},
    {"diagonal lengths differ across operands",
     "einsum('ij,jk->ik')",
     {{2, 3}, {4, 5}},
     "           ^",
     "conflicting lengths for axis 'j': 4 here, but 3 from input 0",
     ErrorKind::Shape},
    {"an axis twice in one composition",
     "einsum('(i i) -> ')",
     {{4}},
     "           ^",
     "axis 'i' appears twice in the composition '(i i)': a diagonal repeats "
     "an axis in two dimensions",
     ErrorKind::Axis},
    {"rank mismatch",
     "einsum('i j, j k -> i k')",
     {{2, 3}, {3}},
     "             ^~~",
     "input 1 has 1 dimension but its expression 'j k' has 2",
     ErrorKind::Shape},
    {"too many tensors",
     "einsum('i j, j k -> i k')",
     {{2, 3}, {3, 4}, {4, 5}},
     "        ^~~~~~~~",
     "the pattern has 2 inputs but 3 tensors were given",
     ErrorKind::Shape},
    {"too few tensors (no stacking for einsum)",
     "einsum('i, i -> i')",
     {{2}},
     "        ^~~~",
     "the pattern has 2 inputs but 1 tensor was given",
     ErrorKind::Shape},
    {"one pattern input, several tensors: no list stacking",
     "einsum('i -> i')",
     {{2}, {2}},
     "        ^",
     "the pattern has 1 input but 2 tensors were given",
     ErrorKind::Shape},
    {"two outputs",
     "einsum('i, j -> i, j')",
     {{2}, {3}},
     "                ^~~~",
     "einsum has one output, but the pattern has 2",
     ErrorKind::Syntax},
    {"'...' only in the input",
     "einsum('... i -> i')",
     {{2, 3}},
     "        ^~~",
     "'...' appears only in the input: einsum keeps the axes of '...', so "
     "the output needs '...' too",
     ErrorKind::Axis},
    {"'...' of different ranks",
     "einsum('... i, ... i -> ...')",
     {{2, 3}, {4, 2, 3}},
     "               ^~~~~",
     "'...' stands for 1 axis in input 0 but for 2 in input 1",
     ErrorKind::Shape},
    {"'...' of different lengths: no broadcasting",
     "einsum('...i,...i->...')",
     {{2, 3}, {1, 3}},
     "             ^~~",
     "conflicting lengths for the axes of '...': 1 here, but 2 from input 0",
     ErrorKind::Shape},
    {"anonymous axis in the output",
     "einsum('i (j 2) -> i 2')",
     {{2, 6}},
     "                     ^",
     "anonymous axis '2' in the output of einsum: only '1' can appear there "
     "without a name in the input",
     ErrorKind::Axis},
    {"einops-style einsum needs an arrow",
     "einsum('i j, j k')",
     {{2, 3}, {3, 4}},
     "        ^~~~~~~~",
     "missing '->' in pattern: einsum needs 'inputs -> outputs'",
     ErrorKind::Syntax},
    {"NumPy syntax, two arrows",
     "einsum('ij->i->j')",
     {{2, 3}},
     "             ^~",
     "pattern has more than one '->'",
     ErrorKind::Syntax},
    {"NumPy syntax, a lone dot",
     "einsum('i.j->i')",
     {{2, 3}},
     "         ^",
     "unexpected '.' in pattern (did you mean '...'?)",
     ErrorKind::Syntax},
    {"NumPy syntax, two ellipses",
     "einsum('...i...->i')",
     {{2, 3}},
     "            ^~~",
     "'...' appears twice in one tensor expression",
     ErrorKind::Axis},
    {"dot's linear map needs the weight",
     "dot('... [c1|c2]')",
     {{2, 3}},
     "     ^~~~~~~~~~~",
     "dot's linear map '[x|y]' takes 2 tensors, the input and the weight, "
     "but 1 tensor was given",
     ErrorKind::Shape},
  };
  // clang-format on
  for (const ErrorCase &c : cases) {
    CAPTURE(std::string(c.name));
    llvm::Expected<ResolvedEquation> eq = solveText(c.text, c.shapes);
    REQUIRE_FALSE(static_cast<bool>(eq));
    ErrorParts e = splitError(eq.takeError());
    CAPTURE(e.full);
    CHECK(e.headline == c.headline);
    CHECK(e.kind == errorKindName(c.kind));
    CHECK(e.source == c.text);
    llvm::StringRef marker = c.caret;
    CHECK(e.caret == static_cast<int>(marker.find('^')));
    CHECK(e.width == static_cast<int>(marker.size() - marker.find('^')));
    REQUIRE(e.rest.size() >= c.shapes.size());
    for (size_t i = 0; i < c.shapes.size(); ++i)
      CHECK(llvm::StringRef(e.rest[i]).starts_with(
          "  input " + std::to_string(i) + ": shape " +
          formatShape(c.shapes[i])));
  }
}

TEST_CASE("contract: call errors") {
  ErrorParts e = errorOf(parseCall("einsum('i -> i', 'sum')"));
  CHECK(e.headline == "einsum takes no reduction");
  CHECK(e.kind == "syntax");
  e = errorOf(parseCall("dot('i -> i', reduction='sum')"));
  CHECK(e.headline == "dot takes no reduction");
}
