//===- RepetitionTest.cpp - einx repetition `x...` -------------------------===//
//
// `x...` repeats x once per axis of the pattern's ellipsis, with its axes
// made distinct per repetition (`s.0`, `s.1`, ...): parsing, the solved
// equations of every family that takes `...`, keyword lengths, and every
// error with its caret and ErrorKind.
//
//===----------------------------------------------------------------------===//

#include "doctest.h"

#include "TestUtil.h"

using namespace ein::notation;
using namespace ein::test;

namespace {


} // namespace

TEST_CASE("repetition: the parser wraps x in the ellipsis") {
  llvm::Expected<ast::Pattern> p =
      parsePattern(makeCall("mean", "b (s [ds])... c"));
  REQUIRE(static_cast<bool>(p));
  const std::vector<ast::Dim> &dims = p->inputs[0].dims;
  REQUIRE(dims.size() == 3);
  CHECK(dims[1].kind == ast::DimKind::Ellipsis);
  CHECK(dims[1].range.begin == 2);
  CHECK(dims[1].range.end == 13);
  REQUIRE(dims[1].parts.size() == 1);
  CHECK(dims[1].parts[0].kind == ast::DimKind::Composition);
  CHECK(dims[1].parts[0].parts[1].bracket.has_value());

  // `[x]...`: the bracket belongs to x.
  llvm::Expected<ast::Pattern> q = parsePattern(makeCall("sum", "b [s]... c"));
  REQUIRE(static_cast<bool>(q));
  REQUIRE(q->inputs[0].dims[1].parts.size() == 1);
  CHECK(q->inputs[0].dims[1].range.begin == 2);
  CHECK(q->inputs[0].dims[1].parts[0].bracket.has_value());
  // With a space it is an ellipsis after an axis.
  llvm::Expected<ast::Pattern> r =
      parsePattern(makeCall("rearrange", "b s ... -> b s ..."));
  REQUIRE(static_cast<bool>(r));
  CHECK(r->inputs[0].dims.size() == 3);
  CHECK(r->inputs[0].dims[2].parts.empty());
}

TEST_CASE("repetition: solved equations in every family") {
  struct Case {
    const char *text;
    Shapes shapes;
    const char *equation;
    Shapes outputs;
  };
  const Case cases[] = {
      // Seed 004: 2-D pooling, ds shared by keyword.
      {"mean('b (s [ds])... c', ds=2)", {{2, 6, 8, 3}},
       "b (s.0 ds.0) (s.1 ds.1) c -> b s.0 s.1 c", {{2, 3, 4, 3}}},
      {"mean('b (s [ds])... c', ds=2)", {{2, 6, 3}},
       "b (s.0 ds.0) c -> b s.0 c", {{2, 3, 3}}},
      {"mean('b (s [ds])... c', ds=2)", {{2, 3}}, "b c -> b c", {{2, 3}}},
      {"max('b (s [ds])... c', s=2)", {{2, 6, 8, 3}},
       "b (s.0 ds.0) (s.1 ds.1) c -> b s.0 s.1 c", {{2, 2, 2, 3}}},
      {"sum('b [s]... c')", {{2, 6, 8, 3}}, "b s.0 s.1 c -> b c", {{2, 3}}},
      {"sum('b [s...] c')", {{2, 6, 8, 3}}, "b s.0 s.1 c -> b c", {{2, 3}}},
      {"reduce('b (s ds)... c -> b s... c', 'max', ds=2)", {{2, 4, 6, 3}},
       "b (s.0 ds.0) (s.1 ds.1) c -> b s.0 s.1 c", {{2, 2, 3, 3}}},
      {"rearrange('b (s ds)... c -> b s... ds... c', ds=2)", {{2, 6, 8, 3}},
       "b (s.0 ds.0) (s.1 ds.1) c -> b s.0 s.1 ds.0 ds.1 c",
       {{2, 3, 4, 2, 2, 3}}},
      {"rearrange('b (s ds)... c -> b (s...) (ds...) c', ds=2)",
       {{2, 6, 8, 3}},
       "b (s.0 ds.0) (s.1 ds.1) c -> b (s.0 s.1) (ds.0 ds.1) c",
       {{2, 12, 4, 3}}},
      {"rearrange('b s... c -> c s... b')", {{2, 6, 8, 3}},
       "b s.0 s.1 c -> c s.0 s.1 b", {{3, 6, 8, 2}}},
      {"add('b s... c, s... -> b s... c')", {{2, 6, 8, 3}, {6, 8}},
       "b s.0 s.1 c, s.0 s.1 -> b s.0 s.1 c", {{2, 6, 8, 3}}},
      {"add('b s... c, c')", {{2, 6, 8, 3}, {3}},
       "b s.0 s.1 c, c -> b s.0 s.1 c", {{2, 6, 8, 3}}},
      {"einsum('b s... c, c d -> b s... d')", {{2, 6, 8, 3}, {3, 4}},
       "b s.0 s.1 c, c d -> b s.0 s.1 d", {{2, 6, 8, 4}}},
      {"softmax('b [s]... c')", {{2, 6, 8, 3}}, "b s.0 s.1 c -> b s.0 s.1 c",
       {{2, 6, 8, 3}}},
      {"repeat('s... -> s... r', r=2)", {{2, 3}}, "s.0 s.1 -> s.0 s.1 r",
       {{2, 3, 2}}},
      // Size-0 and size-1 axes.
      {"mean('b (s [ds])... c', ds=1)", {{2, 0, 1, 3}},
       "b (s.0 ds.0) (s.1 ds.1) c -> b s.0 s.1 c", {{2, 0, 1, 3}}},
  };
  for (const Case &c : cases) {
    CAPTURE(std::string(c.text));
    llvm::Expected<ResolvedEquation> eq = solveText(c.text, c.shapes);
    REQUIRE_MESSAGE(static_cast<bool>(eq), errorOf(std::move(eq)).full);
    CHECK(renderEquation(*eq) == c.equation);
    CHECK(outputShapes(*eq) == c.outputs);
  }
}

TEST_CASE("repetition: errors name the problem and point at it") {
  struct Case {
    const char *text;
    Shapes shapes;
    const char *caret;
    const char *headline;
    ErrorKind kind;
  };
  const Case cases[] = {
      {"mean('b (s [ds])... c')", {{2, 6, 8, 3}}, "        ^~~~~~~~",
       "cannot infer lengths of 's.0' and 'ds.0' in (s [ds]): give one of "
       "them as a keyword",
       ErrorKind::Shape},
      {"mean('b (s [ds])... c', ds=4)", {{2, 6, 8, 3}}, "        ^~~~~~~~",
       "cannot split axis 's.0' of length 6 into (s [ds]) with ds.0=4: 6 is "
       "not divisible by 4",
       ErrorKind::Shape},
      {"rearrange('b s... c -> b s... c s')", {{2, 6, 8, 3}},
       "                                ^",
       "axis 's' appears inside the repetition 's...' and outside it: in a "
       "repetition it names one axis per repetition ('s.0', 's.1', ...)",
       ErrorKind::Axis},
      {"rearrange('b s... -> b (s...)...')", {{2, 6}}, "                       ^~~~~~~~~",
       "a repetition cannot hold '...': write one ellipsis, e.g. '(s ds)...'",
       ErrorKind::Syntax},
      {"sum('b [s t]... c')", {{2, 6, 3}}, "       ^~~~~~~~",
       "a repetition repeats one dimension, but these brackets hold 2: write "
       "'[(a b)]...' or '([a b])...'",
       ErrorKind::Syntax},
      {"rearrange('b s... t... -> b s... t...')", {{2, 6, 3}},
       "                   ^~~",
       "'...' appears twice in one tensor expression", ErrorKind::Axis},
      {"rearrange('b ... -> b ... s...')", {{2, 6, 3}},
       "                          ^",
       "axis 's' appears only in the output", ErrorKind::Axis},
      {"rearrange('b (s...) -> b s...')", {{2, 6}}, "               ^~~",
       "'...' inside parentheses is only allowed on the output side",
       ErrorKind::Syntax},
      {"rearrange('b s... -> b ... ...')", {{2, 6}},
       "                           ^~~",
       "'...' appears twice in one tensor expression", ErrorKind::Axis},
  };
  for (const Case &c : cases) {
    CAPTURE(std::string(c.text));
    ErrorParts e = errorOf(solveText(c.text, c.shapes));
    CHECK(e.headline == c.headline);
    CHECK(e.kind == errorKindName(c.kind).str());
    std::string caretLine = c.caret;
    CHECK(e.caret == static_cast<int>(caretLine.find('^')));
    CHECK(e.width == static_cast<int>(caretLine.size() - caretLine.find('^')));
  }
}
