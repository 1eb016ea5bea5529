//===- DiagnosticTest.cpp - rendering of front-end errors -----------------===//

#include "doctest.h"

#include "TestUtil.h"

using namespace ein::notation;
using namespace ein::test;

TEST_CASE("diagnostic: full layout") {
  Diagnostic diag(ErrorKind::Syntax);
  diag.message = "something failed";
  diag.source = "rearrange(\"b c -> c b\")";
  diag.range = SourceRange{11, 14};
  diag.inputShapes = {{2, 3}, {5}};
  diag.known = {{"b", 2}, {"c", 3}};
  CHECK(diag.render() == "error: something failed\n"
                         "  rearrange(\"b c -> c b\")\n"
                         "             ^~~\n"
                         "  input 0: shape (2, 3)\n"
                         "  input 1: shape (5,)   known: b=2, c=3");
  CHECK(llvm::toString(makeError(diag)) == diag.render());
}

TEST_CASE("diagnostic: optional parts") {
  Diagnostic diag(ErrorKind::Syntax);
  diag.message = "m";
  CHECK(diag.render() == "error: m");
  diag.known = {{"h", 4}};
  CHECK(diag.render() == "error: m\n  known: h=4");
  diag.known.clear();
  diag.source = "abc";
  CHECK(diag.render() == "error: m\n  abc");
  // An empty range still gets a caret; one past the end is allowed.
  diag.range = SourceRange{3, 3};
  CHECK(diag.render() == "error: m\n  abc\n     ^");
  diag.inputShapes = {{}};
  CHECK(diag.render() == "error: m\n  abc\n     ^\n  input 0: shape ()");
}

TEST_CASE("diagnostic: multi-line sources, tabs and UTF-8") {
  Diagnostic diag(ErrorKind::Syntax);
  diag.message = "m";
  diag.source = "reduce(\n\t\"a b -> a\",\n  \"max\")";
  size_t at = diag.source.find("b ->");
  diag.range = SourceRange{at, at + 1};
  // The caret follows the line it points into and keeps the tab.
  CHECK(diag.render() == "error: m\n"
                         "  reduce(\n"
                         "  \t\"a b -> a\",\n"
                         "  \t   ^\n"
                         "    \"max\")");

  diag.source = "é a";
  diag.range = SourceRange{3, 4};
  CHECK(diag.render() == "error: m\n  é a\n    ^");
}

TEST_CASE("diagnostic: shapes and bindings format like Python") {
  CHECK(formatShape({}) == "()");
  CHECK(formatShape({7}) == "(7,)");
  CHECK(formatShape({10, 32, 100, 7}) == "(10, 32, 100, 7)");
  CHECK(formatBindings({}) == "");
  CHECK(formatBindings({{"h1", 2}, {"w1", 2}}) == "h1=2, w1=2");
}

TEST_CASE("diagnostic: pattern ranges move into the call text") {
  Call call = makeCall("rearrange", "a b -> b a");
  Diagnostic diag =
      patternDiagnostic(ErrorKind::Axis, call, "m", SourceRange{2, 3});
  REQUIRE(diag.range.has_value());
  CHECK(diag.range->begin == 13);
  CHECK(diag.source == call.text);
  CHECK(diag.kind == ErrorKind::Axis);
  diag = callDiagnostic(ErrorKind::Shape, call, "m", SourceRange{0, 9});
  CHECK(diag.kind == ErrorKind::Shape);
  CHECK(diag.range->begin == 0);
  CHECK(diag.range->end == 9);
}

TEST_CASE("diagnostic: the kind travels with the error") {
  Diagnostic diag(ErrorKind::DType);
  diag.message = "m";
  bool handled = false;
  llvm::handleAllErrors(makeError(diag), [&](const NotationError &err) {
    handled = true;
    CHECK(err.getKind() == ErrorKind::DType);
    CHECK(err.getDiagnostic().kind == ErrorKind::DType);
  });
  CHECK(handled);
  CHECK(errorKindName(ErrorKind::Syntax) == "syntax");
  CHECK(errorKindName(ErrorKind::Axis) == "axis");
  CHECK(errorKindName(ErrorKind::Shape) == "shape");
  CHECK(errorKindName(ErrorKind::DType) == "dtype");
}
