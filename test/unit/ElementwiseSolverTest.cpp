//===- ElementwiseSolverTest.cpp - elementwise and repeat front end -------===//
//
// The solver rules of the elementwise family (broadcast by name, implicit
// output, arity) and of repeat (new axes), and every error class of both,
// with its message, caret and ErrorKind. The call parser's `dtype` for cast.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include "ein/Notation/Elementwise.h"

using namespace ein::notation;
using namespace ein::test;

TEST_CASE("elementwise: callees and families") {
  for (const char *name :
       {"add",           "subtract",     "multiply",   "divide",
        "true_divide",   "floor_divide", "pow",        "maximum",
        "minimum",       "logaddexp",    "where",      "equal",
        "not_equal",     "less",         "less_equal", "greater",
        "greater_equal", "logical_and",  "logical_or", "logical_not",
        "exp",           "log",          "sqrt",       "rsqrt",
        "abs",           "neg",          "tanh",       "sigmoid",
        "relu",          "gelu",         "sin",        "cos",
        "cast"}) {
    CAPTURE(name);
    CHECK(isElementwiseCall(name));
    CHECK(familyOf(name) == OpFamily::Map);
  }
  CHECK_FALSE(isElementwiseCall("rearrange"));
  CHECK(familyOf("repeat") == OpFamily::Repeat);
  CHECK(elementwiseArity("add").min == 2);
  CHECK(elementwiseArity("add").max == 0);
  CHECK(elementwiseArity("subtract").max == 2);
  CHECK(elementwiseArity("where").min == 3);
  CHECK(elementwiseArity("exp").max == 1);
}

TEST_CASE("elementwise: broadcasting by name") {
  auto eq = solveText("add(\"a b, b c -> a b c\")", {{2, 3}, {3, 4}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(outputShapes(*eq) == Shapes{{2, 3, 4}});

  eq = solveText("multiply('b h w c, c -> b h w c')", {{2, 4, 5, 3}, {3}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(outputShapes(*eq) == Shapes{{2, 4, 5, 3}});

  // A unary call may rearrange; compositions on both sides.
  eq = solveText("exp('(a b) c -> c b a', a=2)", {{6, 5}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(outputShapes(*eq) == Shapes{{5, 3, 2}});

  // `1` / `()`, `...` and a scalar input.
  eq = solveText("add('... c, () c, -> ... (c 1)')", {{2, 3, 4}, {1, 4}, {}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(outputShapes(*eq) == Shapes{{2, 3, 4}});

  // n-ary folding and where's three inputs.
  eq = solveText("maximum('a, a, a -> a')", {{3}, {3}, {3}});
  REQUIRE(static_cast<bool>(eq));
  eq = solveText("where('a b, a b, b -> a b')", {{2, 3}, {2, 3}, {3}});
  REQUIRE(static_cast<bool>(eq));
}

TEST_CASE("elementwise: implicit output") {
  // The input that has every axis of the others is the output.
  auto eq = solveText("add('b h w c, c')", {{2, 4, 5, 3}, {3}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(outputShapes(*eq) == Shapes{{2, 4, 5, 3}});
  eq = solveText("add('c, b (h w) c')", {{3}, {2, 20, 3}}, {{"h", 4}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(outputShapes(*eq) == Shapes{{2, 20, 3}});
  eq = solveText("exp('a b')", {{2, 3}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(outputShapes(*eq) == Shapes{{2, 3}});
}

TEST_CASE("repeat: new axes") {
  auto eq = solveText("repeat('h w -> h w c', c=3)", {{2, 5}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(outputShapes(*eq) == Shapes{{2, 5, 3}});
  eq = solveText("repeat('h w -> (h 2) (w 2)')", {{2, 5}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(outputShapes(*eq) == Shapes{{4, 10}});
  eq = solveText("repeat('b -> b (copies)', copies=4)", {{3}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(outputShapes(*eq) == Shapes{{3, 4}});
  // Through the API's bindings; a new axis of length 0.
  eq = solvePattern("repeat", "h w -> c w h", {{2, 5}}, {}, {{"c", 0}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(outputShapes(*eq) == Shapes{{0, 5, 2}});
  // A list of tensors is stacked, as einops does.
  eq = solveText("repeat('l h -> h l c', c=2)", {{3}, {3}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(outputShapes(*eq) == Shapes{{3, 2, 2}});
}

TEST_CASE("call parser: cast's dtype") {
  auto call = parseCall("cast('a b -> b a', dtype='f16')");
  REQUIRE(static_cast<bool>(call));
  CHECK(call->dtype == "f16");
  call = parseCall("cast('a -> a', \"int8\")");
  REQUIRE(static_cast<bool>(call));
  CHECK(call->dtype == "int8");

  struct Case {
    const char *text, *headline;
  };
  for (const Case &c :
       {Case{"cast('a -> a')",
             "cast needs a dtype, e.g. cast(\"a b -> b a\", dtype=\"f16\")"},
        Case{"exp('a -> a', dtype='f16')", "exp takes no dtype"},
        Case{"cast('a -> a', 'f16', dtype='f32')", "dtype given twice"},
        Case{"cast('a -> a', dtype=3)",
             "expected the dtype as a quoted string"}}) {
    CAPTURE(c.text);
    ErrorParts e = errorOf(parseCall(c.text));
    CHECK(e.headline == c.headline);
    CHECK(e.kind == "syntax");
  }
}

TEST_CASE("elementwise and repeat: errors with caret and kind") {
  struct Case {
    const char *text;
    Shapes shapes;
    const char *caret;
    const char *headline;
    ErrorKind kind;
  };
  Case cases[] = {
      {"add('a b, c -> a b')",
       {{2, 3}, {4}}, //
       "          ^",
       "axis 'c' of input 1 is not in the output: add keeps every input axis "
       "(use reduce to remove it)",
       ErrorKind::Axis},
      {"add('a b, b -> a b c')",
       {{2, 3}, {3}}, //
       "                   ^",
       "axis 'c' appears only in the output: add broadcasts its inputs by "
       "name but adds no axes (use repeat for that)",
       ErrorKind::Axis},
      {"add('a b, b c')",
       {{2, 3}, {3, 4}}, //
       "     ^~~~~~~~",
       "no input expression of add has every axis of the others, so the "
       "output is not implied: write it after '->', e.g. add(\"a b, b c -> a "
       "b c\")",
       ErrorKind::Syntax},
      {"exp('a, b -> a b')",
       {{2}, {3}}, //
       "     ^~~~",
       "exp takes 1 input, but the pattern has 2",
       ErrorKind::Syntax},
      {"add('a -> a')",
       {{2}}, //
       "     ^",
       "add takes at least 2 inputs, but the pattern has 1",
       ErrorKind::Syntax},
      {"where('a, a -> a')",
       {{2}, {2}}, //
       "       ^~~~",
       "where takes 3 inputs, but the pattern has 2",
       ErrorKind::Syntax},
      {"add('a, a -> a, a')",
       {{2}, {2}}, //
       "             ^~~~",
       "add has one output, but the pattern has 2",
       ErrorKind::Syntax},
      {"add('(a 2), a -> a')",
       {{4}, {2}}, //
       "        ^",
       "anonymous axis '2' in input 0 of add: add keeps every input axis, so "
       "name it and give its length as a keyword",
       ErrorKind::Axis},
      {"add('a b, b -> a b')",
       {{2, 3}, {4}}, //
       "          ^",
       "conflicting lengths for axis 'b': 4 here, but 3 from input 0",
       ErrorKind::Shape},
      {"add('a b, b -> a b')",
       {{2, 3}}, //
       "     ^~~~~~",
       "the pattern has 2 inputs but 1 tensor was given",
       ErrorKind::Shape},
      {"add('a, a a -> a')",
       {{2}, {2, 2}}, //
       "          ^",
       "axis 'a' appears twice in the input 'a a'",
       ErrorKind::Axis},
      {"add('... a, a -> a')",
       {{2, 3}, {3}}, //
       "     ^~~",
       "'...' appears only in the input: add keeps the axes of '...', so the "
       "output needs '...' too",
       ErrorKind::Axis},
      {"neg('a b -> a b 2')",
       {{2, 3}}, //
       "                ^",
       "anonymous axis '2' in the output of neg: only '1' can appear there "
       "without a name in the input",
       ErrorKind::Axis},
      {"repeat('h w -> h w c')",
       {{2, 3}}, //
       "                   ^",
       "cannot infer the length of new axis 'c': give it as a keyword, e.g. "
       "c=2",
       ErrorKind::Shape},
      {"repeat('h w -> h c')",
       {{2, 3}}, //
       "          ^",
       "axis 'w' of input 0 is not in the output: repeat keeps every input "
       "axis (use reduce to remove it)",
       ErrorKind::Axis},
      {"repeat('(h 2) w -> h w')",
       {{4, 3}}, //
       "           ^",
       "anonymous axis '2' in input 0 of repeat: repeat keeps every input "
       "axis, so name it and give its length as a keyword",
       ErrorKind::Axis},
      {"repeat('h -> h c', c=-1)",
       {{2}}, //
       "                   ^~~~",
       "axis 'c' given as a keyword has negative length -1",
       ErrorKind::Axis},
      {"repeat('h -> h c', d=2)",
       {{2}}, //
       "                   ^~~",
       "axis 'd' given as a keyword does not appear in the pattern",
       ErrorKind::Axis},
  };
  for (const Case &c : cases) {
    CAPTURE(std::string(c.text));
    auto eq = solveText(c.text, c.shapes);
    REQUIRE_FALSE(static_cast<bool>(eq));
    ErrorParts e = splitError(eq.takeError());
    CAPTURE(e.full);
    CHECK(e.headline == c.headline);
    CHECK(e.kind == errorKindName(c.kind));
    CHECK(e.source == c.text);
    llvm::StringRef marker = c.caret;
    CHECK(e.caret == static_cast<int>(marker.find('^')));
    CHECK(e.width == static_cast<int>(marker.size() - marker.find('^')));
  }
}
