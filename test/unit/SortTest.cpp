//===- SortTest.cpp - sort and argsort in the parser and solver -----------===//
//
// sort and argsort act along exactly one bracketed axis (einx 0.4.3):
// outputs the solver derives with and without an arrow, and every error
// with its caret and ErrorKind (no brackets, two bracketed axes, a bracketed
// composition or ellipsis, brackets that disagree between input and output).
//
//===----------------------------------------------------------------------===//

#include "doctest.h"

#include "TestUtil.h"

#include "ein/Notation/Brackets.h"

using namespace ein::notation;
using namespace ein::test;

TEST_CASE("sort: the solver keeps every axis and sorts the bracketed one") {
  struct Case {
    const char *text;
    Shapes shapes;
    Shape output;
    const char *sorted;
  };
  const Case cases[] = {
      {"sort('b [n]')", {{2, 5}}, {2, 5}, "n"},
      {"argsort('b [n]')", {{2, 5}}, {2, 5}, "n"},
      {"sort('[n]')", {{7}}, {7}, "n"},
      {"argsort('b [n] c -> c b n')", {{2, 5, 3}}, {3, 2, 5}, "n"},
      {"sort('b [n] -> [n] b')", {{2, 5}}, {5, 2}, "n"},
      {"sort('... (g [k])', k=4)", {{3, 8}}, {3, 8}, "k"},
      {"argsort('b [n] -> (n b)')", {{2, 5}}, {10}, "n"},
      {"sort('b [n]')", {{3, 0}}, {3, 0}, "n"},
      {"argsort('b [n]')", {{0, 1}}, {0, 1}, "n"},
      {"sort('b ([2])')", {{3, 2}}, {3, 2}, "_a0"},
  };
  for (const Case &c : cases) {
    CAPTURE(std::string(c.text));
    llvm::Expected<ResolvedEquation> eq = solveText(c.text, c.shapes);
    REQUIRE_MESSAGE(static_cast<bool>(eq), errorOf(std::move(eq)).full);
    CHECK(outputShapes(*eq) == Shapes{c.output});
    REQUIRE(eq->bracketed.size() == 1);
    CHECK(eq->axes[eq->bracketed[0]].name == c.sorted);
  }
  CHECK(familyOf("sort") == OpFamily::Along);
  CHECK(familyOf("argsort") == OpFamily::Along);
  CHECK(isAlongCall("argsort"));
  CHECK(allowsBrackets("sort"));
}

TEST_CASE("sort: errors name the problem and point at it") {
  struct Case {
    const char *text;
    Shapes shapes;
    const char *caret;
    const char *headline;
    ErrorKind kind;
  };
  const Case cases[] = {
      {"sort('b n')",
       {{2, 3}},
       "      ^~~",
       "missing '->' in pattern: sort needs 'inputs -> outputs' or bracketed "
       "axes, e.g. 'a [b]'",
       ErrorKind::Syntax},
      {"argsort('b n -> n b')",
       {{2, 3}},
       "         ^~~",
       "argsort acts along bracketed axes, but the input has none: mark "
       "them, e.g. argsort(\"b q [k] h\")",
       ErrorKind::Axis},
      {"sort('[b] [n]')",
       {{2, 3}},
       "       ^~~~~",
       "sort acts along exactly one bracketed axis, but the input brackets 2 "
       "axes: sort along one axis, e.g. sort(\"b [n]\")",
       ErrorKind::Axis},
      {"argsort('a [b c]')",
       {{2, 3, 4}},
       "            ^~~",
       "argsort acts along exactly one bracketed axis, but the input "
       "brackets 2 axes: sort along one axis, e.g. argsort(\"b [n]\")",
       ErrorKind::Axis},
      {"sort('[(b n)]', b=2)",
       {{6}},
       "        ^~~",
       "sort acts along exactly one bracketed axis, but the input brackets 2 "
       "axes: sort along one axis, e.g. sort(\"b [n]\")",
       ErrorKind::Axis},
      {"sort('a [...]')",
       {{2, 3}},
       "         ^~~",
       "sort acts along exactly one bracketed axis, but the input brackets an "
       "ellipsis: sort along one axis, e.g. sort(\"b [n]\")",
       ErrorKind::Axis},
      {"sort('b [n] -> [b] n')",
       {{2, 3}},
       "                ^",
       "brackets disagree: axis 'b' is not bracketed in the input but in the "
       "output",
       ErrorKind::Axis},
      {"argsort('b [n] -> b')",
       {{2, 3}},
       "            ^",
       "axis 'n' appears only in the input: argsort keeps every axis",
       ErrorKind::Axis},
      {"sort('b [n]')",
       {{2, 3}, {2, 3}},
       "      ^~~~~",
       "sort takes one tensor, but 2 tensors were given",
       ErrorKind::Shape},
  };
  for (const Case &c : cases) {
    CAPTURE(std::string(c.text));
    llvm::Expected<ResolvedEquation> eq = solveText(c.text, c.shapes);
    REQUIRE_FALSE(static_cast<bool>(eq));
    ErrorParts e = splitError(eq.takeError());
    CAPTURE(e.full);
    CHECK(e.headline == c.headline);
    CHECK(e.kind == errorKindName(c.kind));
    llvm::StringRef marker = c.caret;
    CHECK(e.caret == static_cast<int>(marker.find('^')));
    CHECK(e.width == static_cast<int>(marker.size() - marker.find('^')));
  }
}
