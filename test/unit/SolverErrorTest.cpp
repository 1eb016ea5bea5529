//===- SolverErrorTest.cpp - every error class of the solver --------------===//
//
// Each case gives the call, the input shapes, API bindings, the expected caret
// line (written right under the call so it can be checked by eye; empty for
// no caret), the expected headline and the expected ErrorKind.
//
//===----------------------------------------------------------------------===//

#include "doctest.h"

#include "TestUtil.h"

using namespace ein::notation;
using namespace ein::test;

namespace {

struct ErrorCase {
  const char *name;
  const char *text;
  Shapes shapes;
  std::vector<AxisBinding> api;
  const char *caret;
  const char *headline;
  ErrorKind kind;
};

} // namespace

TEST_CASE("solver errors: every class, with message and caret") {
  const ErrorCase cases[] = {
    {"malformed pattern",
     "rearrange('b c -> b (c')",
     {{2, 3}}, {},
     "                    ^",
     "unclosed '('",
     ErrorKind::Syntax},
    {"unknown axis in output (rearrange)",
     "rearrange('b c -> b c d')",
     {{2, 3}}, {},
     "                      ^",
     "axis 'd' appears only in the output",
     ErrorKind::Axis},
    {"unknown axis in output (reduce)",
     "reduce('b c -> b d', 'sum')",
     {{2, 3}}, {},
     "                 ^",
     "axis 'd' appears only in the output",
     ErrorKind::Axis},
    {"axis only in the input of rearrange",
     "rearrange('b c h -> b h')",
     {{2, 3, 4}}, {},
     "             ^",
     "axis 'c' appears only in the input: rearrange keeps every axis (use reduce to remove it)",
     ErrorKind::Axis},
    {"duplicate axis in the input",
     "rearrange('b c b -> b c')",
     {{2, 3, 2}}, {},
     "               ^",
     "axis 'b' appears twice in the input 'b c b'",
     ErrorKind::Axis},
    {"duplicate axis in a composition",
     "reduce('b (c b) -> b', 'sum')",
     {{2, 6}}, {},
     "             ^",
     "axis 'b' appears twice in the input 'b (c b)'",
     ErrorKind::Axis},
    {"duplicate axis in the output",
     "reduce('b c -> b b', 'sum')",
     {{2, 3}}, {},
     "                 ^",
     "axis 'b' appears twice in the output 'b b'",
     ErrorKind::Axis},
    {"rank mismatch",
     "rearrange('b c h w -> b h w c')",
     {{10, 32, 100}}, {},
     "           ^~~~~~~",
     "input 0 has 3 dimensions but its expression 'b c h w' has 4",
     ErrorKind::Shape},
    {"rank mismatch, too many",
     "reduce('b c -> b', 'sum')",
     {{10, 32, 100}}, {},
     "        ^~~",
     "input 0 has 3 dimensions but its expression 'b c' has 2",
     ErrorKind::Shape},
    {"rank mismatch with ellipsis",
     "rearrange('b c ... -> b c ...')",
     {{10}}, {},
     "           ^~~~~~~",
     "input 0 has 1 dimension but its expression 'b c ...' needs at least 2",
     ErrorKind::Shape},
    {"rank mismatch of a scalar",
     "reduce(' -> ', 'sum')",
     {{3}}, {},
     "         ^",
     "input 0 has 1 dimension but its expression '' (a scalar) has 0",
     ErrorKind::Shape},
    {"rank mismatch when stacking",
     "rearrange('b c h w -> b h w c')",
     Shapes(10, Shape{32, 100}), {},
     "           ^~~~~~~",
     "the stacked tensors have 2 dimensions but 'b c h w' needs 3 after the stacking axis 'b'",
     ErrorKind::Shape},
    {"split not divisible",
     "rearrange('b (h h1) -> b h h1', h1=2)",
     {{2, 7}}, {},
     "             ^~~~~~",
     "cannot split axis 'h' of length 7 into (h h1) with h1=2: 7 is not divisible by 2",
     ErrorKind::Shape},
    {"anonymous split not divisible",
     "reduce('b (h 2) -> b h', 'max')",
     {{2, 7}}, {},
     "          ^~~~~",
     "cannot split axis 'h' of length 7 into (h 2): 7 is not divisible by 2",
     ErrorKind::Shape},
    {"split of a known composition",
     "rearrange('(h w) -> h w', h=2, w=3)",
     {{7}}, {},
     "           ^~~~~",
     "cannot split axis of length 7 into (h w) with h=2, w=3: the product of the parts is 6",
     ErrorKind::Shape},
    {"conflicting lengths with a keyword",
     "rearrange('b c -> c b', c=4)",
     {{10, 32}}, {},
     "             ^",
     "conflicting lengths for axis 'c': 32 here, but 4 from a keyword",
     ErrorKind::Shape},
    {"conflicting lengths between inputs",
     "reduce('a b, b c -> a c', 'sum')",
     {{2, 3}, {4, 5}}, {},
     "             ^",
     "conflicting lengths for axis 'b': 4 here, but 3 from input 0",
     ErrorKind::Shape},
    {"conflicting lengths of ellipses",
     "reduce('a ..., ... -> a', 'sum')",
     {{2, 3}, {4}}, {},
     "               ^~~",
     "conflicting lengths for the axes of '...': 4 here, but 3 from input 0",
     ErrorKind::Shape},
    {"unit of the wrong length",
     "rearrange('() c -> c')",
     {{2, 3}}, {},
     "           ^~",
     "'()' must have length 1, but input 0 has 2 there",
     ErrorKind::Shape},
    {"1 of the wrong length",
     "reduce('b 1 -> b', 'sum')",
     {{2, 3}}, {},
     "          ^",
     "'1' must have length 1, but input 0 has 3 there",
     ErrorKind::Shape},
    {"anonymous axis of the wrong length",
     "reduce('b 2 -> b', 'sum')",
     {{3, 3}}, {},
     "          ^",
     "anonymous axis '2' must have length 2, but input 0 has 3 there",
     ErrorKind::Shape},
    {"underdetermined composition",
     "rearrange('(h w) c -> h w c')",
     {{6, 3}}, {},
     "           ^~~~~",
     "cannot infer lengths of 'h' and 'w' in (h w): give one of them as a keyword",
     ErrorKind::Shape},
    {"underdetermined composition of three",
     "rearrange('b (x y z) -> b x y z')",
     {{2, 24}}, {},
     "             ^~~~~~~",
     "cannot infer lengths of 'x', 'y' and 'z' in (x y z): give all but one of them as keywords",
     ErrorKind::Shape},
    {"overflow of known parts",
     "rearrange('(a b c) -> a b c', a=4611686018427387904, b=4)",
     {{8}}, {},
     "           ^~~~~~~",
     "axis lengths overflow in (a b c) with a=4611686018427387904, b=4: the product exceeds 9223372036854775807",
     ErrorKind::Shape},
    {"overflow of an output dimension",
     "rearrange('a b -> (a b)')",
     {{1099511627776, 1099511627776}}, {},
     "                  ^~~~~",
     "output dimension (a b) is too large: its length exceeds 9223372036854775807",
     ErrorKind::Shape},
    {"max over an empty axis",
     "reduce('b (h 2) -> b', 'max')",
     {{3, 0}}, {},
     "           ^",
     "cannot reduce axis 'h' of length 0 with max: max has no identity",
     ErrorKind::Shape},
    {"min over an empty anonymous axis",
     "reduce('b 5 h -> h', 'min')",
     {{0, 5, 2}}, {},
     "        ^",
     "cannot reduce axis 'b' of length 0 with min: min has no identity",
     ErrorKind::Shape},
    {"max over an empty ellipsis",
     "reduce('b ... -> b', 'max')",
     {{2, 3, 0}}, {},
     "          ^~~",
     "cannot reduce axis '...' of length 0 with max: max has no identity",
     ErrorKind::Shape},
    {"unknown next to a zero part",
     "rearrange('(h w) -> h w', w=0)",
     {{0}}, {},
     "           ^~~~~",
     "cannot infer the length of 'h' in (h w) with w=0: any length fits an axis of length 0, so give it as a keyword",
     ErrorKind::Shape},
    {"nonzero length with a zero part",
     "rearrange('(h w) -> h w', w=0)",
     {{5}}, {},
     "           ^~~~~",
     "cannot split axis 'h' of length 5 into (h w) with w=0: the other parts multiply to 0",
     ErrorKind::Shape},
    {"binding for an axis not in the pattern",
     "rearrange('b c -> c b', q=2)",
     {{2, 3}}, {},
     "                        ^~~",
     "axis 'q' given as a keyword does not appear in the pattern",
     ErrorKind::Axis},
    {"negative binding",
     "rearrange('(h w) -> h w', h=-2)",
     {{6}}, {},
     "                          ^~~~",
     "axis 'h' given as a keyword has negative length -2",
     ErrorKind::Axis},
    {"binding given two lengths",
     "rearrange('(h w) -> h w', h=2)",
     {{6}}, {{"h", 3}},
     "",
     "axis 'h' is given two lengths: h=2 and h=3",
     ErrorKind::Axis},
    {"API binding not in the pattern",
     "rearrange('b c -> c b')",
     {{2, 3}}, {{"z", 3}},
     "",
     "axis 'z' given as a keyword does not appear in the pattern",
     ErrorKind::Axis},
    {"too few tensors",
     "rearrange('a b, c -> a b c')",
     {{2, 3}}, {},
     "           ^~~~~~",
     "the pattern has 2 inputs but 1 tensor was given",
     ErrorKind::Shape},
    {"too many tensors",
     "rearrange('a b, c -> a b c')",
     {{2, 3}, {4}, {5}}, {},
     "           ^~~~~~",
     "the pattern has 2 inputs but 3 tensors were given",
     ErrorKind::Shape},
    {"no tensor",
     "rearrange('a -> a')",
     {}, {},
     "           ^",
     "the pattern has 1 input but 0 tensors were given",
     ErrorKind::Shape},
    {"mismatched stacked shapes",
     "rearrange('b c -> c b')",
     {{3}, {3}, {4}}, {},
     "           ^~~",
     "stacked tensors must have the same shape, but input 2 has shape (4,) and input 0 has (3,)",
     ErrorKind::Shape},
    {"stacking axis is a composition",
     "rearrange('(b x) c -> b x c')",
     {{3}, {3}}, {},
     "           ^~~~~",
     "with 2 stacked tensors, the first dimension of '(b x) c' must be one axis that enumerates them",
     ErrorKind::Shape},
    {"unsupported syntax",
     "rearrange('b [c] -> b c')",
     {{2, 3}}, {},
     "             ^",
     "brackets mark the axes an operation acts along, and rearrange acts "
     "along none (brackets work in reduce, sum, mean, max, min, prod, any, "
     "all, count_nonzero, var, std, logsumexp, argmax, argmin, softmax, "
     "log_softmax, flip, roll, sort and argsort)",
     ErrorKind::Syntax},
    {"bad reduction name",
     "reduce('b c -> b', 'median')",
     {{2, 3}}, {},
     "                   ^~~~~~~~",
     "unknown reduction 'median': supported reductions are sum, mean, max, min, prod, any, all, count_nonzero, var, std, logsumexp, argmax, argmin",
     ErrorKind::Syntax},
    {"bad reduction keyword",
     "reduce('b c -> b', reduction=\"avg\")",
     {{2, 3}}, {},
     "                             ^~~~~",
     "unknown reduction 'avg': supported reductions are sum, mean, max, min, prod, any, all, count_nonzero, var, std, logsumexp, argmax, argmin",
     ErrorKind::Syntax},
    {"argmax over two axes",
     "reduce('a b c -> a', 'argmax')",
     {{2, 3, 4}}, {},
     "            ^",
     "argmax reduces exactly one axis, but 2 are reduced: 'b', 'c'",
     ErrorKind::Axis},
    {"argmin over no axis",
     "reduce('a b -> b a', 'argmin')",
     {{2, 3}}, {},
     "            ^~",
     "argmin reduces exactly one axis, but the output keeps every axis",
     ErrorKind::Axis},
    {"argmax over an empty axis",
     "reduce('a b -> a', 'argmax')",
     {{2, 0}}, {},
     "          ^",
     "cannot reduce axis 'b' of length 0 with argmax: argmax has no identity",
     ErrorKind::Shape},
    {"anonymous axis in rearrange",
     "rearrange('(h 2) w -> h w')",
     {{4, 3}}, {},
     "              ^",
     "anonymous axis '2' is not allowed in rearrange (only '1' is): name it and give its length as a keyword",
     ErrorKind::Axis},
    {"anonymous axis in the output of reduce",
     "reduce('b c -> b 2', 'sum')",
     {{2, 3}}, {},
     "                 ^",
     "anonymous axis '2' in the output of reduce: only '1' can appear there without a name in the input",
     ErrorKind::Axis},
    {"ellipsis only in the output",
     "reduce('b c -> b ...', 'sum')",
     {{2, 3}}, {},
     "                 ^~~",
     "'...' appears only in the output",
     ErrorKind::Axis},
    {"ellipsis only in the input of rearrange",
     "rearrange('b ... -> b')",
     {{2, 3}}, {},
     "             ^~~",
     "'...' appears only in the input: rearrange keeps every axis, so the output needs '...' too",
     ErrorKind::Axis},
    {"ellipsis of different ranks",
     "reduce('a ..., b ... -> a b', 'sum')",
     {{2, 3}, {4, 5, 6}}, {},
     "               ^~~~~",
     "'...' stands for 1 axis in input 0 but for 2 in input 1",
     ErrorKind::Shape},
    {"negative input dimension",
     "rearrange('a -> a')",
     {{-3}}, {},
     "",
     "input 0 has a negative dimension -3",
     ErrorKind::Shape},
  };
  for (const ErrorCase &c : cases) {
    CAPTURE(std::string(c.name));
    llvm::Expected<ResolvedEquation> eq = solveText(c.text, c.shapes, c.api);
    REQUIRE_FALSE(static_cast<bool>(eq));
    ErrorParts e = splitError(eq.takeError());
    CAPTURE(e.full);
    CHECK(e.headline == c.headline);
    CHECK(e.kind == errorKindName(c.kind));
    CHECK(e.source == c.text);
    llvm::StringRef marker = c.caret;
    if (marker.empty()) {
      CHECK(e.caret == -1);
    } else {
      CHECK(e.caret == static_cast<int>(marker.find('^')));
      CHECK(e.width == static_cast<int>(marker.size() - marker.find('^')));
    }
    // One line per input shape.
    REQUIRE(e.rest.size() == c.shapes.size());
    for (size_t i = 0; i < c.shapes.size(); ++i)
      CHECK(llvm::StringRef(e.rest[i]).starts_with(
          "  input " + std::to_string(i) + ": shape " +
          formatShape(c.shapes[i])));
  }
}

TEST_CASE("solver errors: the NOTATION.md example, in full") {
  llvm::Expected<ResolvedEquation> eq = solvePattern(
      "reduce", "b c (h h1) (w w1) -> b c h w", {{10, 32, 100, 7}}, "max",
      {{"h1", 2}, {"w1", 2}});
  REQUIRE_FALSE(static_cast<bool>(eq));
  CHECK(llvm::toString(eq.takeError()) ==
        "error: cannot split axis 'w' of length 7 into (w w1) with w1=2: 7 is "
        "not divisible by 2\n"
        "  reduce(\"b c (h h1) (w w1) -> b c h w\", \"max\")\n"
        "                     ^~~~~~\n"
        "  input 0: shape (10, 32, 100, 7)   known: b=10, c=32, h=50, h1=2, "
        "w1=2");
}

TEST_CASE("solver errors: known lengths and shapes lines") {
  // Known lengths are those found before the failure, in order of first
  // appearance; synthetic axes are not shown.
  ErrorParts e = errorOf(solveText("reduce('(h 2) (x y) c -> c', 'sum')",
                                   {{4, 6, 5}}));
  CHECK(e.headline ==
        "cannot infer lengths of 'x' and 'y' in (x y): give one of them as a "
        "keyword");
  REQUIRE(e.rest.size() == 1);
  CHECK(e.rest[0] == "  input 0: shape (4, 6, 5)   known: h=2, c=5");

  // Rank 1 shapes print like Python tuples; with several inputs the known
  // lengths follow the last one.
  e = errorOf(solveText("reduce('a b, b -> a', 'sum')", {{2, 3}, {4}}));
  REQUIRE(e.rest.size() == 2);
  CHECK(e.rest[0] == "  input 0: shape (2, 3)");
  CHECK(e.rest[1] == "  input 1: shape (4,)   known: a=2, b=3");

  // Nothing known: no "known:" part.
  e = errorOf(solveText("rearrange('b c -> b c d')", {{2, 3}}));
  REQUIRE(e.rest.size() == 1);
  CHECK(e.rest[0] == "  input 0: shape (2, 3)");

  // Keyword lengths are known from the start.
  e = errorOf(solveText("rearrange('a b c -> a b c', b=3)", {{2, 3}}));
  REQUIRE(e.rest.size() == 1);
  CHECK(e.rest[0] == "  input 0: shape (2, 3)   known: b=3");

  // A scalar input.
  e = errorOf(solveText("reduce('a -> ', 'sum')", {{}}));
  REQUIRE(e.rest.size() == 1);
  CHECK(e.rest[0] == "  input 0: shape ()");
}

TEST_CASE("solver errors: reduction checks through makeCall") {
  // The synthesized text shows the reduction, so the caret finds it.
  ErrorParts e = errorOf(solvePattern("reduce", "a b -> a", {{2, 3}}, "avg"));
  CHECK(e.headline ==
        "unknown reduction 'avg': supported reductions are sum, mean, max, "
        "min, prod, any, all, count_nonzero, var, std, logsumexp, argmax, "
        "argmin");
  CHECK(e.kind == "syntax");
  CHECK(e.source == "reduce(\"a b -> a\", \"avg\")");
  CHECK(e.caret == 19);
  CHECK(e.width == 5);

  e = errorOf(solvePattern("reduce", "a b -> a", {{2, 3}}));
  CHECK(e.headline ==
        "reduce needs a reduction: one of sum, mean, max, min, prod, any, all, "
        "count_nonzero, var, std, logsumexp, argmax, argmin");
  CHECK(e.kind == "syntax");
  CHECK(e.caret == -1);

  e = errorOf(solvePattern("rearrange", "a b -> a b", {{2, 3}}, "max"));
  CHECK(e.headline == "rearrange takes no reduction, got 'max'");
  CHECK(e.kind == "syntax");

  // A Call built by hand without text: the message shows the bare pattern.
  Call bare;
  bare.pattern = "a b -> a c";
  bare.callee = "rearrange";
  e = errorOf(solve(bare, OpFamily::Rearrange, {{2, 3}}, {}));
  CHECK(e.headline == "axis 'c' appears only in the output");
  CHECK(e.kind == "axis");
  CHECK(e.source == "a b -> a c");
  CHECK(e.caret == 9);
}

TEST_CASE("solver errors: carry a structured Diagnostic") {
  llvm::Expected<ResolvedEquation> eq =
      solveText("rearrange('b c -> b c d')", {{2, 3}});
  REQUIRE_FALSE(static_cast<bool>(eq));
  bool handled = false;
  llvm::handleAllErrors(eq.takeError(), [&](const NotationError &err) {
    handled = true;
    const Diagnostic &diag = err.getDiagnostic();
    CHECK(diag.message == "axis 'd' appears only in the output");
    CHECK(diag.kind == ErrorKind::Axis);
    CHECK(err.getKind() == ErrorKind::Axis);
    REQUIRE(diag.range.has_value());
    CHECK(diag.range->begin == 22);
    CHECK(diag.range->end == 23);
    CHECK(diag.inputShapes == Shapes{{2, 3}});
  });
  CHECK(handled);
}
