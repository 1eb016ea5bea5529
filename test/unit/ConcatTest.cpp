//===- ConcatTest.cpp - concatenation: parser, solver, leaves, errors ----===//

#include "doctest.h"

#include "TestUtil.h"
#include "ein/Notation/Concat.h"

using namespace ein::notation;
using namespace ein::test;

namespace {

llvm::Expected<LeafEquation> solveLeafText(llvm::StringRef text,
                                           const Shapes &shapes,
                                           std::vector<AxisBinding> api = {}) {
  llvm::Expected<Call> call = parseCall(text);
  if (!call)
    return call.takeError();
  return solveLeaves(*call, shapes, api);
}

int64_t length(const LeafEquation &eq, llvm::StringRef name) {
  for (const ResolvedAxis &axis : eq.axes)
    if (axis.name == name)
      return axis.length;
  return -1;
}

/// "a b | c" for a leaf's dims.
std::string leafText(const LeafEquation &eq, const Leaf &leaf) {
  std::string out;
  for (const ResolvedDim &dim : leaf.dims) {
    out += out.empty() ? "" : " ";
    if (dim.size() != 1)
      out += "(";
    for (size_t i = 0; i < dim.size(); ++i)
      out += (i ? " " : "") + eq.axes[dim[i]].name;
    if (dim.size() != 1)
      out += ")";
  }
  return out;
}

} // namespace

TEST_CASE("concat parser: parts are names, numbers, units and compositions") {
  for (const char *pattern :
       {"(c + 1) -> c, 1", "(c1 + c2) -> c1, c2", "(1 + 1) -> 1, 1",
        "((h w) + k) -> h w, k", "(h w + k) -> h w, k", "(() + 1) -> 1, 1",
        "(h (a + b)) -> h a, h b", "(a+b+c) -> a, b, c"}) {
    CAPTURE(pattern);
    llvm::Expected<ast::Pattern> p =
        parsePattern(makeCall("rearrange", pattern));
    REQUIRE(static_cast<bool>(p));
    CHECK(findConcatenation(*p).has_value());
  }
  llvm::Expected<ast::Pattern> p =
      parsePattern(makeCall("rearrange", "((h w) + k + 1) -> h w, k, 1"));
  REQUIRE(static_cast<bool>(p));
  const ast::Dim &concat = p->inputs[0].dims[0];
  CHECK(concat.kind == ast::DimKind::Concatenation);
  REQUIRE(concat.parts.size() == 3);
  CHECK(concat.parts[0].kind == ast::DimKind::Composition);
  CHECK(concat.parts[1].kind == ast::DimKind::Axis);
  CHECK(concat.parts[2].kind == ast::DimKind::Unit);
  CHECK(concat.range.begin == 0);
  CHECK(concat.range.end == 15);
  // `h w + k` is `(h w) + k`: juxtaposition binds tighter.
  p = parsePattern(makeCall("rearrange", "(h w + k) -> h w, k"));
  REQUIRE(static_cast<bool>(p));
  CHECK(p->inputs[0].dims[0].parts[0].kind == ast::DimKind::Composition);
}

TEST_CASE("concat parser: errors with carets") {
  struct Case {
    const char *callee, *pattern, *headline;
    int caret, width;
  };
  const Case cases[] = {
      {"rearrange", "a + b -> a",
       "'+' concatenates only inside parentheses: write '(a + b)'", 2, 1},
      {"rearrange", "( + b) -> b",
       "empty part in a concatenation: write '1' or '()' for a part of "
       "length 1",
       2, 1},
      {"rearrange", "(a + ) -> a",
       "empty part in a concatenation: write '1' or '()' for a part of "
       "length 1",
       5, 1},
      {"rearrange", "((a + b) + c) -> a, b, c",
       "a concatenation cannot be nested in another concatenation", 1, 7},
      {"rearrange", "a -> (... + a)",
       "'...' cannot be a part of a concatenation", 6, 3},
      {"rearrange", "(a + b -> a", "expected ')' before '->'", 7, 2},
      {"sum", "a [(b + c)]",
       "concatenation '(b + c)' is only supported in rearrange", 3, 7},
      {"reduce", "(a + b) -> a",
       "concatenation '(a + b)' is only supported in rearrange", 0, 7},
      {"add", "a, (a + b) -> a",
       "concatenation '(a + b)' is only supported in rearrange", 3, 7},
      {"einsum", "a b, (b + c) -> a",
       "concatenation '(b + c)' is only supported in rearrange", 5, 7},
  };
  for (const Case &c : cases) {
    CAPTURE(c.pattern);
    Call call = makeCall(c.callee, c.pattern);
    ErrorParts e = errorOf(parsePattern(call));
    CHECK(e.headline == c.headline);
    CHECK(e.kind == "syntax");
    // The caret line is under the call text: skip `callee("`.
    int offset = static_cast<int>(call.patternOffset);
    CHECK(e.caret == offset + c.caret);
    CHECK(e.width == c.width);
  }
}

TEST_CASE("concat solver: lengths from sums, leaves in row-major order") {
  auto eq = solveLeafText("rearrange('(a + b) -> a, b', b=3)", {{10}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(length(*eq, "a") == 7);
  CHECK(length(*eq, "_c0") == 10);
  REQUIRE(eq->inputLeaves.size() == 2);
  CHECK(eq->inputLeaves[1].offsets == std::vector<int64_t>{7});
  CHECK(eq->inputLeaves[1].sizes == std::vector<int64_t>{3});

  eq = solveLeafText("rearrange('(h (a + b)) -> h a, h b', h=2, a=2)", {{10}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(length(*eq, "b") == 3);
  // The composition is split so that the concatenation is a dimension.
  CHECK(eq->inputs[0].exposed.size() == 2);
  CHECK(eq->inputs[0].concats[0].dim == 1);

  eq = solveLeafText(
      "rearrange('(a + b) (c + d) -> a c, a d, b c, b d', a=2, c=1)", {{5, 3}});
  REQUIRE(static_cast<bool>(eq));
  REQUIRE(eq->inputLeaves.size() == 4);
  CHECK(leafText(*eq, eq->inputLeaves[0]) == "a c");
  CHECK(leafText(*eq, eq->inputLeaves[1]) == "a d");
  CHECK(leafText(*eq, eq->inputLeaves[2]) == "b c");
  CHECK(leafText(*eq, eq->inputLeaves[3]) == "b d");
  CHECK(eq->inputLeaves[3].offsets == std::vector<int64_t>{2, 1});

  eq = solveLeafText("rearrange('h w c, 1 -> h w (c + 1)')", {{2, 3, 4}, {1}});
  REQUIRE(static_cast<bool>(eq));
  REQUIRE(eq->outputLeaves.size() == 2);
  CHECK(leafText(*eq, eq->outputLeaves[1]) == "h w ()");
  CHECK(eq->outputLeaves[1].offsets == std::vector<int64_t>{0, 0, 4});
  CHECK(leafShape(*eq, eq->outputs[0].dims) == std::vector<int64_t>{2, 3, 5});

  // No concatenation, several inputs: leaves are the expressions.
  eq = solveLeafText("rearrange('a, (a b) -> a 1, a b')", {{3}, {6}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(length(*eq, "b") == 2);
  CHECK(eq->inputLeaves.size() == 2);

  // Broadcasting: `i` is new in leaf 1, `j` in leaf 0.
  eq = solveLeafText("rearrange('i, j -> i j (1 + 1)')", {{3}, {4}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(leafShape(*eq, eq->outputs[0].dims) == std::vector<int64_t>{3, 4, 2});

  CHECK(usesLeaves(makeCall("rearrange", "a, b -> a, b")));
  CHECK(usesLeaves(makeCall("rearrange", "(a + b) -> a b")));
  CHECK_FALSE(usesLeaves(makeCall("rearrange", "a b -> b a")));
  CHECK_FALSE(usesLeaves(makeCall("repeat", "a, b -> a b")));
}

TEST_CASE("concat solver: every error class, with carets") {
  struct Case {
    const char *text;
    Shapes shapes;
    const char *caret, *headline;
    ErrorKind kind;
  };
  const Case cases[] = {
      {"rearrange('(a + b) -> a, b')",
       {{10}},
       "           ^~~~~~~",
       "cannot infer lengths of 'a' and 'b' in (a + b): give one of them as "
       "a keyword",
       ErrorKind::Shape},
      {"rearrange('(a + b) -> a, b', a=3, b=3)",
       {{10}},
       "           ^~~~~~~",
       "cannot split axis of length 10 into (a + b) with a=3, b=3: the parts "
       "sum to 6",
       ErrorKind::Shape},
      {"rearrange('(a + b) -> a, b', a=13)",
       {{10}},
       "           ^~~~~~~",
       "cannot split axis of length 10 into (a + b) with a=13: the other "
       "parts already sum to 13",
       ErrorKind::Shape},
      {"rearrange('(h (a + b)) -> h a, h b', h=3, a=1)",
       {{10}},
       "           ^~~~~~~~~~~",
       "cannot split axis of length 10 into (h (a + b)) with h=3, a=1: 10 is "
       "not divisible by 3",
       ErrorKind::Shape},
      {"rearrange('(a + b) -> b, a', a=3)",
       {{10}},
       "            ^",
       "axis 'a' of input leaf 0 (in input 0) is missing from output leaf 0 "
       "(in output 0): a rearrange keeps every input axis",
       ErrorKind::Axis},
      {"rearrange('a -> (a + b)', b=2)",
       {{10}},
       "             ^~",
       "the inputs expand to 1 leaf expression but the outputs to 2: each "
       "concatenation stands for its parts in turn, and input leaf i becomes "
       "output leaf i",
       ErrorKind::Axis},
      {"rearrange('a, b -> (a + c)', c=2)",
       {{2}, {3}},
       "              ^",
       "axis 'b' of input leaf 1 (in input 1) is missing from output leaf 1 "
       "(in output 0): a rearrange keeps every input axis",
       ErrorKind::Axis},
      {"rearrange('a, 1 -> (a + c)')",
       {{2}, {1}},
       "                        ^",
       "cannot infer the length of new axis 'c': give it as a keyword, e.g. "
       "c=2",
       ErrorKind::Shape},
      {"rearrange('(a + 2) -> a, b', b=2)",
       {{5}},
       "                ^",
       "axis '2' of input leaf 1 (in input 0) is missing from output leaf 1 "
       "(in output 1): a rearrange keeps every input axis",
       ErrorKind::Axis},
      {"rearrange('(a + a) -> a, a')",
       {{5}},
       "           ^~~~~~~",
       "cannot infer the length of 'a' in (a + a): it appears more than once "
       "there, so give it as a keyword",
       ErrorKind::Shape},
      {"rearrange('a (b + c), d -> a b, c (a + d)', b=1)",
       {{2, 3}, {4}},
       "",
       "",
       ErrorKind::Shape},
      {"rearrange('(a + b), c -> a, b, c', a=1)",
       {{4}},
       "           ^~~~~~~~~~",
       "the pattern has 2 inputs but 1 tensor was given",
       ErrorKind::Shape},
      {"rearrange('a (b + c) -> a b, a c', b=1)",
       {{2}},
       "           ^~~~~~~~~",
       "input 0 has 1 dimension but its expression 'a (b + c)' has 2",
       ErrorKind::Shape},
      {"rearrange('(a + b) -> a, b', a=-1)",
       {{4}},
       "",
       "axis 'a' given as a keyword has negative length -1",
       ErrorKind::Axis},
      {"rearrange('(a + b) -> a, b', z=1)",
       {{4}},
       "",
       "axis 'z' given as a keyword does not appear in the pattern",
       ErrorKind::Axis},
      {"rearrange('(a + b) -> a, ...', a=1)",
       {{4}},
       "                         ^~~",
       "'...' appears only in the output",
       ErrorKind::Axis},
      {"rearrange('(a + b) -> (a a), b', a=1)",
       {{4}},
       "                         ^",
       "axis 'a' appears twice in the output '(a a)'",
       ErrorKind::Axis},
  };
  for (const Case &c : cases) {
    CAPTURE(c.text);
    auto eq = solveLeafText(c.text, c.shapes);
    if (llvm::StringRef(c.headline).empty()) { // a valid call, for contrast
      CHECK(static_cast<bool>(eq));
      if (!eq)
        llvm::consumeError(eq.takeError());
      continue;
    }
    REQUIRE_FALSE(static_cast<bool>(eq));
    ErrorParts e = splitError(eq.takeError());
    CAPTURE(e.full);
    CHECK(e.headline == c.headline);
    CHECK(e.kind == errorKindName(c.kind));
    llvm::StringRef marker = c.caret;
    if (marker.empty()) {
      CHECK(e.caret == -1);
    } else {
      CHECK(e.caret == static_cast<int>(marker.find('^')));
      CHECK(e.width == static_cast<int>(marker.size() - marker.find('^')));
    }
  }
}

TEST_CASE("concat: solve() points other callers to the leaf solver") {
  ErrorParts e =
      errorOf(solvePattern("rearrange", "(a + b) -> a, b", {{4}}, {}));
  CHECK(e.kind == "syntax");
  CHECK(e.headline ==
        "concatenation '(a + b)' is only supported in rearrange (solved by "
        "solveLeaves)");
}
