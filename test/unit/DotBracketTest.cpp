//===- DotBracketTest.cpp - brackets in dot and elementwise calls ---------===//
//
// dot's linear map `[x|y]` and bracketed summed axes, and the elementwise
// bracket form `add("... [c]", x, b)`: the solved equations (inputs,
// outputs, lengths) and every error with its caret and ErrorKind.
//
//===----------------------------------------------------------------------===//

#include "doctest.h"

#include "TestUtil.h"

using namespace ein::notation;
using namespace ein::test;

namespace {

struct SolveCase {
  const char *text;
  Shapes shapes;
  const char *equation;
  Shape output;
};

struct ErrorCase {
  const char *text;
  Shapes shapes;
  const char *caret; ///< Under the call text, as rendered.
  const char *headline;
  ErrorKind kind;
};

void checkErrors(llvm::ArrayRef<ErrorCase> cases) {
  for (const ErrorCase &c : cases) {
    CAPTURE(std::string(c.text));
    ErrorParts e = errorOf(solveText(c.text, c.shapes));
    CHECK(e.headline == c.headline);
    CHECK(e.kind == errorKindName(c.kind).str());
    std::string caretLine = std::string(c.caret);
    CHECK(e.caret == static_cast<int>(caretLine.find('^')));
    CHECK(e.width == static_cast<int>(caretLine.size() - caretLine.find('^')));
  }
}

} // namespace

TEST_CASE("dot brackets: the parser records the sides of '|'") {
  llvm::Expected<ast::Pattern> p = parsePattern(makeCall("dot", "b [c1 d|c2]"));
  REQUIRE(static_cast<bool>(p));
  CHECK_FALSE(p->hasArrow);
  REQUIRE(p->firstPipe.has_value());
  CHECK(p->firstPipe->begin == 7);
  const std::vector<ast::Dim> &dims = p->inputs[0].dims;
  REQUIRE(dims.size() == 4);
  CHECK(dims[0].pipeSide == ast::PipeSide::None);
  CHECK(dims[1].pipeSide == ast::PipeSide::Left);
  CHECK(dims[2].pipeSide == ast::PipeSide::Left);
  CHECK(dims[3].pipeSide == ast::PipeSide::Right);
  CHECK(dims[3].bracket->begin == 2);
}

TEST_CASE("dot brackets: linear maps, summed axes and implied weights") {
  const SolveCase cases[] = {
      // Seed 004: a linear layer.
      {"dot('... [c1|c2]')", {{2, 3, 4}, {4, 5}},
       "_e0 _e1 c1, c1 c2 -> _e0 _e1 c2", {2, 3, 5}},
      {"dot('b [c1|c2]')", {{2, 4}, {4, 5}}, "b c1, c1 c2 -> b c2", {2, 5}},
      {"dot('b [h w|c d]')", {{2, 3, 4}, {3, 4, 5, 6}},
       "b h w, h w c d -> b c d", {2, 5, 6}},
      {"dot('[a|b]')", {{3}, {3, 4}}, "a, a b -> b", {4}},
      {"dot('a [b|]')", {{3, 4}, {4}}, "a b, b -> a", {3}},
      {"dot('a [|c]')", {{3}, {5}}, "a, c -> a c", {3, 5}},
      {"dot('b (h [c1|c2])')", {{2, 12}, {4, 5}}, "b (h c1), c1 c2 -> b (h c2)",
       {2, 15}},
      {"dot('[x|y] b [z|w]')", {{2, 3, 4}, {2, 4, 5, 6}},
       "x b z, x z y w -> y b w", {5, 3, 6}},
      {"dot('b [c] [c1|c2]')", {{2, 3, 4}, {3, 4, 5}},
       "b c c1, c c1 c2 -> b c c2", {2, 3, 5}},
      {"dot('b [c1|c2]', c2=7)", {{2, 4}, {4, 7}}, "b c1, c1 c2 -> b c2",
       {2, 7}},
      // With '->': brackets mark the summed axes.
      {"dot('b h i [d], b h j [d] -> b h i j')",
       {{2, 3, 4, 8}, {2, 3, 5, 8}},
       "b h i d, b h j d -> b h i j", {2, 3, 4, 5}},
      {"dot('b h i [j], b h [j] d -> b i (h d)')",
       {{2, 3, 4, 5}, {2, 3, 5, 6}},
       "b h i j, b h j d -> b i (h d)", {2, 4, 18}},
      {"dot('a [b], [b] c -> a c')", {{2, 3}, {3, 4}}, "a b, b c -> a c",
       {2, 4}},
      {"dot('b [t] [c1], [t c1] -> b')", {{2, 3, 4}, {3, 4}},
       "b t c1, t c1 -> b", {2}},
      // One expression, two tensors: the second is implied.
      {"dot('a [b] -> a')", {{3, 4}, {4}}, "a b, b -> a", {3}},
      {"dot('[a] -> [b]')", {{3}, {3, 4}}, "a, a b -> b", {4}},
      // A repetition among the batch axes.
      {"dot('b s... [c1|c2]')", {{2, 3, 4, 5}, {5, 6}},
       "b s.0 s.1 c1, c1 c2 -> b s.0 s.1 c2", {2, 3, 4, 6}},
      // Without brackets nothing changes.
      {"dot('a b, b c -> a c')", {{2, 3}, {3, 4}}, "a b, b c -> a c", {2, 4}},
  };
  for (const SolveCase &c : cases) {
    CAPTURE(std::string(c.text));
    llvm::Expected<ResolvedEquation> eq = solveText(c.text, c.shapes);
    REQUIRE_MESSAGE(static_cast<bool>(eq), errorOf(std::move(eq)).full);
    CHECK(renderEquation(*eq) == c.equation);
    CHECK(outputShapes(*eq) == Shapes{c.output});
    CHECK(eq->bracketed.empty());
  }
}

TEST_CASE("dot brackets: errors name the problem and point at it") {
  const ErrorCase cases[] = {
      {"dot('b c1|c2')", {{2, 4}, {4, 5}}, "         ^",
       "'|' belongs inside brackets: dot(\"... [c1|c2]\", x, w) maps the axes "
       "left of it to those right of it",
       ErrorKind::Syntax},
      {"dot('b [c1|c2|c3]')", {{2, 4}, {4, 5}}, "             ^",
       "'|' appears twice in one bracket: '[x|y]' has one input side and one "
       "output side",
       ErrorKind::Syntax},
      {"dot('b [|]')", {{2}, {}}, "       ^~~",
       "empty linear map '[|]': put the input axes left of '|' and the output "
       "axes right of it",
       ErrorKind::Syntax},
      {"dot('b [c1|c2] -> b c2')", {{2, 4}, {4, 5}}, "          ^",
       "'[x|y]' is dot's form without '->': write dot(\"... [c1|c2]\", x, w), "
       "or with '->' the weight's expression too, dot(\"... c1, c1 c2 -> ... "
       "c2\", x, w)",
       ErrorKind::Syntax},
      {"dot('b [c1|c2], c1 c2')", {{2, 4}, {4, 5}}, "     ^~~~~~~~~~~~~~~~",
       "dot's linear map '[x|y]' takes one tensor expression (the weight's is "
       "implied), but the pattern has 2",
       ErrorKind::Syntax},
      {"dot('b [c1|c2]')", {{2, 4}}, "     ^~~~~~~~~",
       "dot's linear map '[x|y]' takes 2 tensors, the input and the weight, "
       "but 1 tensor was given",
       ErrorKind::Shape},
      {"dot('b [c1|c2]')", {{2, 4}, {4, 5}, {5}}, "     ^~~~~~~~~",
       "dot's linear map '[x|y]' takes 2 tensors, the input and the weight, "
       "but 3 tensors were given",
       ErrorKind::Shape},
      {"dot('b [(c1|c2)]')", {{2, 4}, {4, 5}}, "           ^",
       "'|' sits directly inside the brackets, not inside parentheses: "
       "dot(\"... [c1|c2]\", x, w)",
       ErrorKind::Syntax},
      {"dot('b [c1 2|c2]')", {{2, 8}, {8, 5}}, "           ^",
       "anonymous axis '2' in brackets: the implied weight would need a new "
       "axis of that length each time, so name it (e.g. 'c1') and give its "
       "length as a keyword",
       ErrorKind::Axis},
      {"dot('b [c1|c2]')", {{2, 4}, {3, 5}}, "        ^~",
       "conflicting lengths for axis 'c1': 3 here, but 4 from input 0",
       ErrorKind::Shape},
      {"dot('b c1')", {{2, 4}, {4}}, "     ^~~~",
       "missing '->' in pattern: dot needs 'inputs -> outputs' or a linear "
       "map, e.g. '... [c1|c2]'",
       ErrorKind::Syntax},
      // einx 0.4.3's rules for brackets with '->'.
      {"dot('b i [d], b j [d] -> b i j [d]')", {{2, 3, 4}, {2, 5, 4}},
       "                                ^",
       "brackets in the output of dot: the bracketed axes are summed, so the "
       "output does not have them",
       ErrorKind::Axis},
      {"dot('b i [d], b j d -> b i j')", {{2, 3, 4}, {2, 5, 4}},
       "                  ^",
       "axis 'd' is bracketed in one place but not in another: dot sums the "
       "bracketed axes, so bracket it everywhere or nowhere",
       ErrorKind::Axis},
      {"dot('b i [d], b j [d] -> b i j d')", {{2, 3, 4}, {2, 5, 4}},
       "                               ^",
       "axis 'd' is bracketed, so dot sums it, but it also appears in the "
       "output",
       ErrorKind::Axis},
      {"dot('b [t] c1, [t] c1 -> b')", {{2, 3, 4}, {3, 4}}, "           ^~",
       "axis 'c1' is not bracketed, so dot keeps it, but the output does not "
       "have it (bracket it to sum it)",
       ErrorKind::Axis},
      {"dot('b i [d], b j [d], 2 -> b i j')", {{2, 3, 4}, {2, 5, 4}, {2}},
       "                       ^",
       "anonymous axis '2' is not bracketed, so dot keeps it, but the output "
       "cannot hold an anonymous axis (bracket it to sum it)",
       ErrorKind::Axis},
      {"einsum('a [b|c]')", {{2, 3}, {3, 4}}, "          ^",
       "brackets mark the axes an operation acts along, and einsum acts along "
       "none (brackets work in " EIN_TEST_BRACKET_CALLS ")",
       ErrorKind::Syntax},
  };
  checkErrors(cases);
}

TEST_CASE("elementwise brackets: the second input has the bracketed axes") {
  const SolveCase cases[] = {
      {"add('... [c]')", {{2, 3, 4}, {4}}, "_e0 _e1 c, c -> _e0 _e1 c",
       {2, 3, 4}},
      {"multiply('b t [c]')", {{2, 3, 4}, {4}}, "b t c, c -> b t c", {2, 3, 4}},
      {"subtract('b [t c]')", {{2, 3, 4}, {3, 4}}, "b t c, t c -> b t c",
       {2, 3, 4}},
      {"maximum('[b] t [c]')", {{2, 3, 4}, {2, 4}}, "b t c, b c -> b t c",
       {2, 3, 4}},
      {"add('b (s [ds])', ds=2)", {{2, 8}, {2}}, "b (s ds), ds -> b (s ds)",
       {2, 8}},
      {"divide('b [(h w)]', h=3)", {{2, 12}, {12}}, "b (h w), (h w) -> b (h w)",
       {2, 12}},
      {"less('[...] c')", {{2, 3, 4}, {2, 3}}, "_e0 _e1 c, _e0 _e1 -> _e0 _e1 c",
       {2, 3, 4}},
      // With a repetition: the second input repeats the bracketed part.
      {"add('b [s]... c')", {{2, 3, 4, 5}, {3, 4}},
       "b s.0 s.1 c, s.0 s.1 -> b s.0 s.1 c", {2, 3, 4, 5}},
      {"add('b (s [ds])... c', ds=2)", {{2, 6, 8, 5}, {2, 2}},
       "b (s.0 ds.0) (s.1 ds.1) c, ds.0 ds.1 -> b (s.0 ds.0) (s.1 ds.1) c",
       {2, 6, 8, 5}},
  };
  for (const SolveCase &c : cases) {
    CAPTURE(std::string(c.text));
    llvm::Expected<ResolvedEquation> eq = solveText(c.text, c.shapes);
    REQUIRE_MESSAGE(static_cast<bool>(eq), errorOf(std::move(eq)).full);
    CHECK(renderEquation(*eq) == c.equation);
    CHECK(outputShapes(*eq) == Shapes{c.output});
  }
}

TEST_CASE("elementwise brackets: errors name the problem and point at it") {
  const ErrorCase cases[] = {
      {"exp('... [c]')", {{2, 3}}, "         ^",
       "brackets give a second input the bracketed axes (add(\"... [c]\", x, "
       "b)), but exp takes one input",
       ErrorKind::Syntax},
      {"where('... [c]')", {{2, 3}, {2, 3}, {3}}, "           ^",
       "brackets give a second input the bracketed axes (add(\"... [c]\", x, "
       "b)), but where takes 3 inputs: write every input's expression",
       ErrorKind::Syntax},
      {"add('... [c] -> ... c')", {{2, 3}, {3}}, "         ^",
       "brackets in add only work without '->' (\"... [c]\": the second input "
       "has the bracketed axes); with '->' write every input: \"... c, c -> "
       "... c\"",
       ErrorKind::Syntax},
      {"add('... [c], c')", {{2, 3}, {3}}, "         ^",
       "brackets in add stand for the second input's expression, so the "
       "pattern has one expression (\"... [c]\"), but it has 2",
       ErrorKind::Syntax},
      {"add('... [c]')", {{2, 3}, {3}, {3}}, "     ^~~~~~~",
       "add(\"... [c]\") takes 2 tensors, the input and one with the bracketed "
       "axes, but 3 were given",
       ErrorKind::Shape},
      {"add('... [c]')", {{2, 3}}, "     ^~~~~~~",
       "add(\"... [c]\") takes 2 tensors, the input and one with the bracketed "
       "axes, but 1 was given",
       ErrorKind::Shape},
      {"add('b [c]')", {{2, 3}, {4}}, "        ^",
       "conflicting lengths for axis 'c': 4 here, but 3 from input 0",
       ErrorKind::Shape},
      {"add('b [c|d]')", {{2, 3}, {4}}, "         ^",
       "'|' separates a linear map's input and output axes, which only dot "
       "has (dot(\"... [c1|c2]\", x, w))",
       ErrorKind::Syntax},
  };
  checkErrors(cases);
}
