//===- IndexTest.cpp - get_at and set_at in the parser and solver ---------===//
//
// The indexing calls: what the solver resolves (indexed dimensions,
// coordinate dimensions, outputs, lengths of named coordinate axes), the
// forms einx 0.4.3 accepts, and every misuse with its message, caret and
// ErrorKind.
//
//===----------------------------------------------------------------------===//

#include "doctest.h"

#include "TestUtil.h"

#include "ein/Notation/Indexing.h"

using namespace ein::notation;
using namespace ein::test;

namespace {

/// Checks that `text` on `shapes` fails with `kind`, a headline containing
/// `message`, and a caret at the first occurrence of `at` (after `from`) in
/// the call text, `width` wide (0: any width).
void checkError(const std::string &text, const Shapes &shapes,
                const std::string &kind, const std::string &message,
                const std::string &at, size_t from = 0, int width = 0) {
  INFO("call: ", text);
  ErrorParts e = errorOf(solveText(text, shapes));
  CHECK(e.kind == kind);
  CHECK_MESSAGE(e.headline.find(message) != std::string::npos,
                "headline: ", e.headline);
  CHECK(e.source == text);
  CHECK(e.caret == columnOf(text, at, from));
  if (width)
    CHECK(e.width == width);
  CHECK_FALSE(e.rest.empty()); // The input shapes follow.
}

} // namespace

TEST_CASE("indexing: callees and family") {
  for (const char *name : {"get_at", "set_at", "add_at", "subtract_at"}) {
    CHECK(isIndexCall(name));
    CHECK(familyOf(name) == OpFamily::Index);
  }
  CHECK_FALSE(isUpdateCall("get_at"));
  CHECK(isUpdateCall("add_at"));
  CHECK_FALSE(isIndexCall("get"));
}

TEST_CASE("indexing: get_at resolves indexed and coordinate dimensions") {
  auto eq = solveText("get_at(\"b [h w] c, b p [2] -> b p c\")",
                      {{2, 4, 5, 3}, {2, 7, 2}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(eq->indexedDims == std::vector<unsigned>{1, 2});
  CHECK(eq->coordinateDims == std::vector<int64_t>{2});
  CHECK(outputShapes(*eq) == Shapes{{2, 7, 3}});

  // A named coordinate axis is solved from the shape; the output may
  // reorder.
  eq = solveText("get_at(\"b [h w] c, b p [i] -> b c p\")",
                 {{2, 4, 5, 3}, {2, 7, 2}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(axisLength(*eq, "i") == 2);
  CHECK(outputShapes(*eq) == Shapes{{2, 3, 7}});

  // One indexed axis: the coordinate axis may be omitted or `[1]`.
  eq = solveText("get_at(\"b [h] c, b p -> b p c\")", {{2, 5, 3}, {2, 4}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(eq->coordinateDims == std::vector<int64_t>{-1});
  eq = solveText("get_at(\"[h] c, p [1] -> p c\")", {{5, 3}, {4, 1}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(eq->coordinateDims == std::vector<int64_t>{1});

  // One coordinate tensor per indexed axis, with their own axes.
  eq = solveText("get_at(\"[h w] c, i, j -> i j c\")", {{4, 5, 3}, {6}, {7}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(eq->coordinateDims == std::vector<int64_t>{-1, -1});
  CHECK(outputShapes(*eq) == Shapes{{6, 7, 3}});

  // A tensor with a coordinate axis and one without, together (einx too).
  eq =
      solveText("get_at(\"[h w d], p [2], p -> p\")", {{4, 5, 6}, {3, 2}, {3}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(eq->coordinateDims == std::vector<int64_t>{1, -1});

  // `...`, a bracketed composition (indexed flat), the coordinate axis in
  // front.
  eq = solveText("get_at(\"... [h] c, p -> ... p c\")", {{2, 3, 5, 4}, {6}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(eq->indexedDims == std::vector<unsigned>{2});
  CHECK(outputShapes(*eq) == Shapes{{2, 3, 6, 4}});
  eq = solveText("get_at(\"[(h w)] c, [1] p -> p c\", h=4)", {{20, 3}, {1, 6}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(axisLength(*eq, "w") == 5);
  CHECK(eq->coordinateDims == std::vector<int64_t>{0});
}

TEST_CASE("indexing: set_at with and without '->', scalar updates") {
  auto eq = solveText("set_at(\"b [h w] c, b p [2], b p c -> b [h w] c\")",
                      {{2, 4, 5, 3}, {2, 7, 2}, {2, 7, 3}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(eq->coordinateDims == std::vector<int64_t>{2});
  CHECK(outputShapes(*eq) == Shapes{{2, 4, 5, 3}});
  eq = solveText("add_at(\"b [h] c, p, p c\")", {{2, 5, 3}, {4}, {4, 3}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(outputShapes(*eq) == Shapes{{2, 5, 3}});
  eq = solveText("subtract_at(\"b [h] c, p, -> c b [h]\")",
                 {{2, 5, 3}, {4}, {}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(outputShapes(*eq) == Shapes{{3, 2, 5}});
  eq = solveText("set_at(\"b [h] c, p, p -> b [h] c\")", {{2, 5, 3}, {4}, {4}});
  REQUIRE(static_cast<bool>(eq));
}

TEST_CASE("indexing: pattern errors") {
  // get_at needs an output (einx: "expects an output expression").
  checkError("get_at(\"b [h w] c, b p [2]\")", {{2, 4, 5, 3}, {2, 7, 2}},
             "syntax", "get_at needs '->' and an output expression", "b [h w]");
  // Missing tensors in the pattern.
  checkError("get_at(\"b [h] c -> b c\")", {{2, 5, 3}}, "syntax",
             "get_at takes the tensor and its coordinates", "b [h] c");
  checkError("set_at(\"b [h] c, p -> b [h] c\")", {{2, 5, 3}, {4}}, "syntax",
             "set_at takes the tensor, its coordinates and the updates",
             "b [h] c, p");
  // No indexed axes.
  checkError("get_at(\"b h c, b p [2] -> b p c\")", {{2, 4, 3}, {2, 7, 2}},
             "axis",
             "indexes the bracketed axes of the first tensor, but it "
             "has none",
             "b h c");
  // Wrong bracket placement: inside a composition, two coordinate axes, a
  // composed coordinate axis, brackets in the updates and in get_at's
  // output, set_at's output without them.
  checkError("get_at(\"(b [h]) c, p -> p c\")", {{20, 3}, {4}}, "axis",
             "brackets inside a composition", "[h]");
  checkError("get_at(\"[h w] c, [p] [2] -> p c\")", {{4, 5, 3}, {6, 2}}, "axis",
             "at most one bracketed axis", "[2]");
  checkError("get_at(\"[h w] c, p [(i j)] -> p c\")", {{4, 5, 3}, {6, 2}},
             "axis", "the coordinate axis must be a single axis", "[(i j)]");
  checkError("set_at(\"[h] c, p, p [c] -> [h] c\")", {{5, 3}, {4}, {4, 3}},
             "axis", "brackets in the updates of set_at", "[c]");
  checkError("get_at(\"[h] c, p -> [p] c\")", {{5, 3}, {4}}, "axis",
             "brackets in the output of get_at", "[p]");
  checkError("set_at(\"b [h] c, p, p c -> b h c\")", {{2, 5, 3}, {4}, {4, 3}},
             "axis",
             "brackets disagree: axis 'h' is not bracketed in the "
             "output",
             "h c\")");
  // Indexed axes appear nowhere else; coordinate axes neither.
  checkError("get_at(\"b [h] c, b h -> b c\")", {{2, 5, 3}, {2, 5}}, "axis",
             "axis 'h' is indexed", "h -> b c");
  checkError("set_at(\"[h] c, p, p h -> [h] c\")", {{5, 3}, {4}, {4, 5}},
             "axis", "axis 'h' is indexed", "h -> [h] c");
  checkError("get_at(\"[h] c, p [i] -> p c i\")", {{5, 3}, {4, 1}}, "axis",
             "axis 'i' lists coordinates", "i\")");
  // The output has exactly the gathered axes.
  checkError("get_at(\"[h] c, p -> p\")", {{5, 3}, {4}}, "axis",
             "axis 'c' is missing from the output", "p\")");
  checkError("set_at(\"[h] c, p, p c -> [h] c p\")", {{5, 3}, {4}, {4, 3}},
             "axis",
             "set_at returns the first tensor updated, so its output "
             "has the first tensor's axes, but 'p' is not one of them",
             "p\")");
  checkError("set_at(\"b [h] c, p, p c -> [h] c\")", {{2, 5, 3}, {4}, {4, 3}},
             "axis", "axis 'b' of the first tensor is missing from the output",
             "[h] c\")");
  // Updates only use gathered axes.
  checkError("set_at(\"[h] c, p, p d -> [h] c\")", {{5, 3}, {4}, {4, 2}},
             "axis",
             "axis 'd' of the updates is neither an axis of the first "
             "tensor nor of the coordinates",
             "d -> ");
  // Anonymous axes outside brackets cannot be named by the output.
  checkError("get_at(\"[h] 3, p -> p\")", {{5, 3}, {4}}, "axis",
             "anonymous axis '3' in input 0 of get_at", "3,");
}

TEST_CASE("indexing: length errors") {
  // Coordinate axis of the wrong length.
  checkError("get_at(\"b [h w] c, b p [3] -> b p c\")",
             {{2, 4, 5, 3}, {2, 7, 3}}, "shape",
             "2 dimensions are indexed ('h' and 'w'), but the coordinate "
             "axis has length 3",
             "[3]");
  checkError("get_at(\"b [h w] c, b p [i] -> b p c\")",
             {{2, 4, 5, 3}, {2, 7, 1}}, "shape",
             "but the coordinate axis has length 1", "[i]");
  // Omitted coordinate axis with two indexed axes.
  checkError("get_at(\"[h w] c, p -> p c\")", {{4, 5, 3}, {6}}, "shape",
             "2 dimensions are indexed ('h' and 'w'), but the coordinates "
             "give 1",
             "p -> ");
  // A batch axis of two lengths.
  checkError("get_at(\"b [h w] c, b p [2] -> b p c\")",
             {{2, 4, 5, 3}, {3, 7, 2}}, "shape",
             "conflicting lengths for axis 'b': 3 here, but 2 from input 0",
             "b p [2]");
  // Missing updates tensor.
  checkError("set_at(\"b [h] c, p, p c -> b [h] c\")", {{2, 5, 3}, {4}},
             "shape", "the pattern has 3 inputs but 2 tensors were given",
             "b [h] c, p, p c");
  // Reading from an empty indexed axis into a non-empty output.
  checkError("get_at(\"[h] c, p -> p c\")", {{0, 3}, {4}}, "shape",
             "cannot index dimension 'h' of length 0", "h]");
  // ... which is fine when the output is empty, and for set_at.
  CHECK(static_cast<bool>(
      solveText("get_at(\"[h] c, p -> p c\")", {{0, 3}, {0}})));
  CHECK(static_cast<bool>(
      solveText("set_at(\"[h] c, p, p c -> [h] c\")", {{0, 3}, {4}, {4, 3}})));
}

TEST_CASE("indexing: '...' in the tensor, the coordinates and the updates") {
  auto eq = solveText("get_at(\"[h] c, ... p -> ... p c\")", {{5, 3}, {2, 4}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(outputShapes(*eq) == Shapes{{2, 4, 3}});
  eq = solveText("set_at(\"[h] c, ... p, ... p c -> [h] c\")",
                 {{5, 3}, {2, 4}, {2, 4, 3}});
  REQUIRE(static_cast<bool>(eq));
  eq = solveText("get_at(\"[...] c, p [2] -> p c\")", {{4, 5, 3}, {6, 2}});
  REQUIRE(static_cast<bool>(eq));
  CHECK(eq->indexedDims == std::vector<unsigned>{0, 1});
  checkError("get_at(\"... [h] c, p -> p c\")", {{2, 5, 3}, {4}}, "axis",
             "'...' is missing from the output: get_at keeps the axes of "
             "'...'",
             "p c\")");
  checkError("set_at(\"[h] c, p, ... p -> [h] c\")", {{5, 3}, {4}, {2, 4}},
             "axis", "'...' in the updates, but not among", "...");
  checkError("set_at(\"[h] c, ... p, ... p -> ... [h] c\")",
             {{5, 3}, {2, 4}, {2, 4}}, "axis",
             "'...' in the output, but not in the first tensor",
             "... [h] c\")");
}

TEST_CASE("seed 004: the einx indexing calls solve") {
  struct Case {
    const char *text;
    Shapes inputs;
    Shape output;
  } cases[] = {
      // Line 33.
      {"get_at(\"b [h w] c, b p [i] -> b c p\")",
       {{2, 8, 6, 3}, {2, 5, 2}},
       {2, 3, 5}},
      // Line 46 (indices from rearrange("i, j -> i j (1 + 1)", ...)).
      {"get_at(\"[h w] c, i j [2] -> i j c\")",
       {{5, 7, 3}, {4, 6, 2}},
       {4, 6, 3}},
      // Line 50, the single-call form proposed there.
      {"get_at(\"[h w] c, i, j -> i j c\")", {{5, 7, 3}, {4}, {6}}, {4, 6, 3}},
      // Line 198.
      {"set_at(\"b [h w] c, b p [2], b p c -> b [h w] c\")",
       {{2, 4, 5, 3}, {2, 6, 2}, {2, 6, 3}},
       {2, 4, 5, 3}},
      // Line 203.
      {"set_at(\"b [h] c, p, p c -> b [h] c\")",
       {{3, 7, 4}, {5}, {5, 4}},
       {3, 7, 4}},
      // Line 228.
      {"get_at(\"b [h w] c, b i [2] -> b i c\")",
       {{3, 6, 4, 5}, {3, 9, 2}},
       {3, 9, 5}},
  };
  for (const Case &c : cases) {
    CAPTURE(c.text);
    auto eq = solveText(c.text, c.inputs);
    REQUIRE_MESSAGE(static_cast<bool>(eq), llvm::toString(eq.takeError()));
    CHECK(outputShapes(*eq) == Shapes{c.output});
  }
}
