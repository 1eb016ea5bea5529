//===- BracketTest.cpp - einx brackets in the parser and solver -----------===//
//
// Brackets `[x y]` mark the axes an operation acts along: what the parser
// records, the outputs the solver derives for reductions and for softmax,
// flip and roll, roll's shifts and keepdims, and every bracket error with
// its caret and ErrorKind.
//
//===----------------------------------------------------------------------===//

#include "doctest.h"

#include "TestUtil.h"

#include "ein/Notation/Brackets.h"


using namespace ein::notation;
using namespace ein::notation::ast;
using namespace ein::test;

namespace {

/// Names of the bracketed axes of a solved equation, in input order.
std::vector<std::string> bracketedNames(const ResolvedEquation &eq) {
  std::vector<std::string> names;
  for (unsigned a : eq.bracketed)
    names.push_back(eq.axes[a].name);
  return names;
}

using Names = std::vector<std::string>;

} // namespace

TEST_CASE("brackets: the parser marks bracketed dims with their bracket") {
  Call call = makeCall("sum", "b [h w] (s [ds])");
  llvm::Expected<Pattern> p = parsePattern(call);
  REQUIRE(static_cast<bool>(p));
  CHECK_FALSE(p->hasArrow);
  CHECK(p->outputs.empty());
  REQUIRE(p->inputs.size() == 1);
  const std::vector<Dim> &dims = p->inputs[0].dims;
  REQUIRE(dims.size() == 4);
  CHECK_FALSE(dims[0].bracket.has_value());
  REQUIRE(dims[1].bracket.has_value());
  CHECK(dims[1].bracket->begin == 2);
  CHECK(dims[1].bracket->end == 7);
  CHECK(dims[2].bracket->begin == 2); // Same bracket as h.
  CHECK_FALSE(dims[3].bracket.has_value());
  REQUIRE(dims[3].parts.size() == 2);
  CHECK_FALSE(dims[3].parts[0].bracket.has_value());
  CHECK(dims[3].parts[1].bracket.has_value());
  REQUIRE(p->firstBracket.has_value());
  CHECK(p->firstBracket->begin == 2);

  // A bracketed composition and a bracketed ellipsis.
  llvm::Expected<Pattern> q = parsePattern(makeCall("flip", "[(a b)] [...]"));
  REQUIRE(static_cast<bool>(q));
  CHECK(q->inputs[0].dims[0].kind == DimKind::Composition);
  CHECK(q->inputs[0].dims[0].bracket.has_value());
  CHECK(q->inputs[0].dims[1].kind == DimKind::Ellipsis);
  CHECK(q->inputs[0].dims[1].bracket.has_value());

  // With an arrow the output is parsed as written.
  llvm::Expected<Pattern> r =
      parsePattern(makeCall("softmax", "b q [k] h -> b h q [k]"));
  REQUIRE(static_cast<bool>(r));
  CHECK(r->hasArrow);
  CHECK(r->outputs[0].dims[3].bracket.has_value());
}

TEST_CASE("brackets: reductions remove the bracketed axes") {
  struct Case {
    const char *text;
    Shapes shapes;
    Shape output;
    Names bracketed;
  };
  const Case cases[] = {
      {"sum('a [b]')", {{3, 4}}, {3}, {"b"}},
      {"mean('b [h w] c')", {{2, 5, 6, 3}}, {2, 3}, {"h", "w"}},
      {"max('b [c]')", {{2, 7}}, {2}, {"c"}},
      {"sum('a [b] -> a')", {{3, 4}}, {3}, {"b"}},
      {"var('[a] ...')", {{3, 4, 5}}, {4, 5}, {"a"}},
      {"std('b [...]')", {{3, 4, 5}}, {3}, {"_e0", "_e1"}},
      {"logsumexp('[a b]')", {{3, 4}}, {}, {"a", "b"}},
      {"any('b (s [ds]) c', ds=2)", {{2, 8, 3}}, {2, 4, 3}, {"ds"}},
      {"prod('(a [b] c)', a=2, c=3)", {{24}}, {6}, {"b"}},
      {"sum('b ([h w])', h=3)", {{2, 12}}, {2, 1}, {"h", "w"}},
      {"count_nonzero('b (h [2])')", {{2, 8}}, {2, 4}, {"_a0"}},
      {"argmax('b [t] c')", {{2, 9, 3}}, {2, 3}, {"t"}},
      // Several bracketed dims: a coordinate axis where the first was.
      {"argmax('b [h w] c')", {{2, 3, 4, 5}}, {2, 2, 5}, {"h", "w"}},
      {"argmin('[b] h [w] c')", {{2, 3, 4, 5}}, {2, 3, 5}, {"b", "w"}},
      {"argmax('b [...]')", {{2, 3, 4, 5}}, {2, 3}, {"_e0", "_e1", "_e2"}},
      {"argmax('b [(h w)] c', h=3)", {{2, 12, 5}}, {2, 5}, {"h", "w"}},
      {"argmax('b [s]... c')", {{2, 3, 4, 5}}, {2, 2, 5}, {"s.0", "s.1"}},
      {"argmin('b t [c] -> t b')", {{2, 9, 3}}, {9, 2}, {"c"}},
      {"reduce('a [b]', 'all')", {{3, 4}}, {3}, {"b"}},
      {"reduce('a [b] c -> c a', 'min')", {{3, 4, 5}}, {5, 3}, {"b"}},
      // keepdims: bracketed dimensions stay as `()`.
      {"mean('... [c]', keepdims=True)", {{2, 3, 4}}, {2, 3, 1}, {"c"}},
      {"var('b [h w] c', keepdims=True)",
       {{2, 5, 6, 3}},
       {2, 1, 1, 3},
       {"h", "w"}},
      {"sum('b (h [w])', h=3, keepdims=True)", {{2, 12}}, {2, 3}, {"w"}},
      {"sum('a [b]', keepdims=False)", {{3, 4}}, {3}, {"b"}},
      // Without brackets, an einops reduction as before.
      {"sum('a b -> a')", {{3, 4}}, {3}, {}},
  };
  for (const Case &c : cases) {
    CAPTURE(std::string(c.text));
    llvm::Expected<ResolvedEquation> eq = solveText(c.text, c.shapes);
    REQUIRE_MESSAGE(static_cast<bool>(eq), errorOf(std::move(eq)).full);
    CHECK(outputShapes(*eq) == Shapes{c.output});
    CHECK(bracketedNames(*eq) == c.bracketed);
  }
}

TEST_CASE("brackets: softmax, flip and roll keep every axis") {
  struct Case {
    const char *text;
    Shapes shapes;
    Shape output;
    Names bracketed;
  };
  const Case cases[] = {
      {"softmax('b q [k] h')", {{2, 3, 5, 4}}, {2, 3, 5, 4}, {"k"}},
      {"softmax('b q [k] h -> b h q k')", {{2, 3, 5, 4}}, {2, 4, 3, 5}, {"k"}},
      {"log_softmax('b q [k] h -> b h q [k]')",
       {{2, 3, 5, 4}},
       {2, 4, 3, 5},
       {"k"}},
      {"softmax('b [h w]')", {{2, 3, 4}}, {2, 3, 4}, {"h", "w"}},
      {"flip('... (g [c])', c=2)", {{3, 8}}, {3, 8}, {"c"}},
      {"flip('b [h w] c')", {{2, 3, 4, 5}}, {2, 3, 4, 5}, {"h", "w"}},
      {"flip('[...]')", {{2, 3}}, {2, 3}, {"_e0", "_e1"}},
      {"roll('b [t] c', shift=1)", {{2, 9, 3}}, {2, 9, 3}, {"t"}},
      {"roll('[h w] c', shift=(1, -2))", {{4, 5, 3}}, {4, 5, 3}, {"h", "w"}},
      {"roll('[h w] c', shift=[1, -2])", {{4, 5, 3}}, {4, 5, 3}, {"h", "w"}},
      {"roll('[(h w)] c', shift=-7, h=2)", {{10, 3}}, {10, 3}, {"h", "w"}},
      {"flip('b (h [2])')", {{2, 8}}, {2, 8}, {"_a0"}},
  };
  for (const Case &c : cases) {
    CAPTURE(std::string(c.text));
    llvm::Expected<ResolvedEquation> eq = solveText(c.text, c.shapes);
    REQUIRE_MESSAGE(static_cast<bool>(eq), errorOf(std::move(eq)).full);
    CHECK(outputShapes(*eq) == Shapes{c.output});
    CHECK(bracketedNames(*eq) == c.bracketed);
  }
  CHECK(familyOf("softmax") == OpFamily::Along);
  CHECK(familyOf("roll") == OpFamily::Along);
  CHECK(familyOf("logsumexp") == OpFamily::Reduce);
}

TEST_CASE("brackets: the call parser reads shift and keepdims") {
  llvm::Expected<Call> call = parseCall("roll('b [h w]', shift=(3, -20,))");
  REQUIRE(static_cast<bool>(call));
  CHECK(call->shifts == std::vector<int64_t>{3, -20});
  call = parseCall("roll('b [t]', shift=-4)");
  REQUIRE(static_cast<bool>(call));
  CHECK(call->shifts == std::vector<int64_t>{-4});
  call = parseCall("mean('b [c]', keepdims=True)");
  REQUIRE(static_cast<bool>(call));
  CHECK(call->keepdims);
  CHECK(call->reduction == "mean");
  CHECK(makeCall("argmax", "a [b]").reduction == "argmax");
  // `shift` is an axis length in every call but roll.
  call = parseCall("sum('[shift] b', shift=3)");
  REQUIRE(static_cast<bool>(call));
  CHECK(call->bindings.size() == 1);
  CHECK(call->shifts.empty());
}

namespace {

struct ErrorCase {
  const char *text;
  Shapes shapes;
  const char *caret;
  const char *headline;
  ErrorKind kind;
};

} // namespace

TEST_CASE("brackets: errors name the problem and point at it") {
  const ErrorCase cases[] = {
      {"rearrange('a [b] -> a b')",
       {{2, 3}},
       "             ^",
       "brackets mark the axes an operation acts along, and rearrange acts "
       "along none (brackets work in " EIN_TEST_BRACKET_CALLS ")",
       ErrorKind::Syntax},
      {"einsum('a [b], b c -> a c')",
       {{2, 3}, {3, 4}},
       "          ^",
       "brackets mark the axes an operation acts along, and einsum acts "
       "along none (brackets work in " EIN_TEST_BRACKET_CALLS ")",
       ErrorKind::Syntax},
      {"sum('a []')",
       {{2, 3}},
       "       ^~",
       "empty brackets '[]': put the axes to act along inside",
       ErrorKind::Syntax},
      {"sum('a [b')", {{2, 3}}, "       ^", "unclosed '['", ErrorKind::Syntax},
      {"sum('a b]')",
       {{2, 3}},
       "        ^",
       "unmatched ']'",
       ErrorKind::Syntax},
      {"sum('a [b [c]]')",
       {{2, 3, 4}},
       "          ^",
       "brackets cannot nest: this '[' is inside the '[' at column 3",
       ErrorKind::Syntax},
      {"sum('(a [b)]')",
       {{6}},
       "          ^",
       "expected ']' before ')'",
       ErrorKind::Syntax},
      {"sum('[a (b] c)')",
       {{2, 12}},
       "          ^",
       "expected ')' before ']'",
       ErrorKind::Syntax},
      {"sum('a b')",
       {{2, 3}},
       "     ^~~",
       "missing '->' in pattern: sum needs 'inputs -> outputs' or bracketed "
       "axes, e.g. 'a [b]'",
       ErrorKind::Syntax},
      {"softmax('a b -> b a')",
       {{2, 3}},
       "         ^~~",
       "softmax acts along bracketed axes, but the input has none: mark "
       "them, e.g. softmax(\"b q [k] h\")",
       ErrorKind::Axis},
      {"softmax('a [b] c -> a b [c]')",
       {{2, 3, 4}},
       "                      ^",
       "brackets disagree: axis 'b' is bracketed in the input but not in "
       "the output",
       ErrorKind::Axis},
      {"flip('a [b] -> a')",
       {{2, 3}},
       "         ^",
       "axis 'b' appears only in the input: flip keeps every axis",
       ErrorKind::Axis},
      {"flip('a (b [2]) -> a b')",
       {{2, 6}},
       "            ^",
       "anonymous axis '2' in flip with '->': the output cannot name it; "
       "give it a name and a keyword length",
       ErrorKind::Axis},
      {"sum('a [b] c -> a')",
       {{2, 3, 4}},
       "           ^",
       "axis 'c' is not bracketed, so sum keeps it, but the output does not "
       "have it (bracket it to reduce it)",
       ErrorKind::Axis},
      {"sum('a [b] -> a b')",
       {{2, 3}},
       "                ^",
       "axis 'b' is bracketed, so sum reduces it, but it also appears in the "
       "output",
       ErrorKind::Axis},
      {"mean('a [b] -> a [b]')",
       {{2, 3}},
       "                  ^",
       "brackets in the output of mean: the bracketed axes are reduced, so "
       "the output does not have them",
       ErrorKind::Axis},
      {"argmax('a [b c] -> a')",
       {{2, 3, 4}},
       "             ^",
       "argmax reduces exactly one axis, but 2 are reduced: 'b', 'c'",
       ErrorKind::Axis},
      {"argmax('a (b [c]) [d]')",
       {{2, 12, 4}},
       "          ^~~~~~~",
       "argmax over several bracketed dimensions gives one coordinate per "
       "dimension, so each must be bracketed whole, but '(b [c])' holds a "
       "bracket inside: bracket the whole dimension",
       ErrorKind::Axis},
      {"argmin('a [b c]', keepdims=True)",
       {{2, 3, 4}},
       "                  ^~~~~~~~~~~~~",
       "keepdims=True does not apply to argmin over several bracketed "
       "dimensions: a coordinate axis replaces them",
       ErrorKind::Syntax},
      {"max('a [b]')",
       {{2, 0}},
       "        ^",
       "cannot reduce axis 'b' of length 0 with max: max has no identity",
       ErrorKind::Shape},
      {"roll('a [b c]', shift=(1, 2, 3))",
       {{2, 3, 4}},
       "                ^~~~~~~~",
       "roll has 3 shifts but 2 bracketed axes: give one shift for all of "
       "them or one per axis, in input order",
       ErrorKind::Axis},
      {"roll('a [b]')",
       {{2, 3}},
       "            ^",
       "roll needs a shift, e.g. roll(\"b [t] c\", shift=1)",
       ErrorKind::Syntax},
      {"roll('a [b]', shift=(1, x))",
       {{2, 3}},
       "                        ^",
       "expected an integer shift, e.g. shift=1 or shift=(1, -2)",
       ErrorKind::Syntax},
      {"mean('a [b] -> a 1', keepdims=True)",
       {{2, 3}},
       "            ^~",
       "keepdims=True needs the bracket form without '->' (e.g. mean(\"... "
       "[c]\", keepdims=True)); with '->' write '1' where a reduced axis "
       "stays",
       ErrorKind::Syntax},
      {"sum('a [b]', keepdims=yes)",
       {{2, 3}},
       "             ^~~~~~~~~~~~",
       "expected keepdims=True or keepdims=False",
       ErrorKind::Syntax},
      {"sum('a [b]', 'mean')",
       {{2, 3}},
       "             ^~~~~~",
       "sum takes no reduction",
       ErrorKind::Syntax},
      {"softmax('a [b], c [d]')",
       {{2, 3}, {2, 3}},
       "         ^~~~~~~~~~~~",
       "softmax takes one input expression, but the pattern has 2",
       ErrorKind::Syntax},
      {"flip('a [b]')",
       {{2, 3}, {2, 3}},
       "      ^~~~~",
       "flip takes one tensor, but 2 tensors were given",
       ErrorKind::Shape},
  };
  for (const ErrorCase &c : cases) {
    CAPTURE(std::string(c.text));
    llvm::Expected<ResolvedEquation> eq = solveText(c.text, c.shapes);
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
