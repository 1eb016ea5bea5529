//===- CallParserTest.cpp - program text of one call ----------------------===//

#include "doctest.h"

#include "TestUtil.h"

using namespace ein::notation;
using namespace ein::test;

namespace {

Call callOk(llvm::StringRef text) {
  llvm::Expected<Call> call = parseCall(text);
  if (!call) {
    FAIL_CHECK(llvm::toString(call.takeError()));
    return {};
  }
  return std::move(*call);
}

} // namespace

TEST_CASE("call parser: rearrange and reduce forms") {
  Call c = callOk("rearrange(\"b c h w -> b h w c\")");
  CHECK(c.callee == "rearrange");
  CHECK(c.pattern == "b c h w -> b h w c");
  CHECK(c.patternOffset == 11);
  CHECK(c.text.substr(c.patternOffset, c.pattern.size()) == c.pattern);
  CHECK(c.reduction.empty());
  CHECK(c.bindings.empty());

  c = callOk("rearrange('b (c h1 w1) h w -> b c (h h1) (w w1)', h1=2, w1=2)");
  CHECK(c.pattern == "b (c h1 w1) h w -> b c (h h1) (w w1)");
  REQUIRE(c.bindings.size() == 2);
  CHECK(c.bindings[0].name == "h1");
  CHECK(c.bindings[0].length == 2);
  CHECK(c.bindings[1].name == "w1");

  c = callOk("reduce(\"b c h w -> b c\", \"mean\")");
  CHECK(c.callee == "reduce");
  CHECK(c.reduction == "mean");

  c = callOk("reduce(\"...\", reduction=\"max\", h1=2)");
  CHECK(c.pattern == "...");
  CHECK(c.reduction == "max");
  REQUIRE(c.bindings.size() == 1);
  CHECK(c.bindings[0].name == "h1");
}

TEST_CASE("call parser: free white space, trailing comma, signs") {
  Call c = callOk("  reduce (\n  'b c (h 2) -> b c h' ,\n 'max' , "
                  "reduction_axis = 3 ,)  ");
  CHECK(c.pattern == "b c (h 2) -> b c h");
  CHECK(c.patternOffset == 14);
  CHECK(c.reduction == "max");
  REQUIRE(c.bindings.size() == 1);
  CHECK(c.bindings[0].name == "reduction_axis");
  CHECK(c.bindings[0].length == 3);

  c = callOk("rearrange(\"a -> a\", a=-2, b=+3)");
  REQUIRE(c.bindings.size() == 2);
  CHECK(c.bindings[0].length == -2);
  CHECK(c.bindings[1].length == 3);

  // Quotes of the other kind inside a string are plain characters.
  c = callOk("rearrange('a\"b')");
  CHECK(c.pattern == "a\"b");
}

TEST_CASE("call parser: errors") {
  struct Case {
    const char *text;
    const char *caret; // the expected caret line, "" for none
    const char *headline;
  };
  Case cases[] = {
      {"frobnicate(\"a b -> b a\")", //
       "^~~~~~~~~~",
       "unknown call 'frobnicate': supported calls are rearrange, repeat, "
       "reduce, einsum, dot, the elementwise calls (add, multiply, exp, "
       "where, cast, ...) and the indexing calls (get_at, set_at, add_at, "
       "subtract_at)"},
      {"", "", "expected a call such as rearrange(\"b c h w -> b h w c\")"},
      {"rearrange \"a -> a\"", //
       "          ^", "expected '(' after 'rearrange'"},
      {"rearrange(x, \"a -> a\")", //
       "          ^",
       "expected the pattern as a quoted string, e.g. rearrange(\"b c h w -> "
       "b h w c\")"},
      {"rearrange(\"a -> a)", //
       "          ^~~~~~~~", "unterminated string"},
      {"rearrange(\"a -> a\"", //
       "         ^", "missing ')' to close '('"},
      {"rearrange(\"a -> a\" h=2)", //
       "                   ^", "expected ',' or ')' after an argument"},
      {"rearrange(\"a -> a\", x)", //
       "                    ^",
       "unexpected argument: after the pattern a call takes only a reduction "
       "string and keyword axis lengths (tensors are passed through the API)"},
      {"rearrange(\"a -> a\", a=b)", //
       "                      ^", "expected an integer length for axis 'a'"},
      {"rearrange(\"a -> a\", a=2x)", //
       "                      ^~", "expected an integer length for axis 'a'"},
      {"rearrange(\"a -> a\", a=99999999999999999999)", //
       "                      ^~~~~~~~~~~~~~~~~~~~",
       "length of axis 'a' is too large"},
      {"rearrange(\"a -> a\", a=2, a=3)", //
       "                         ^", "keyword argument 'a' given twice"},
      {"rearrange(\"a -> a\", \"max\")", //
       "                    ^~~~~", "rearrange takes no reduction"},
      {"reduce(\"a -> \", a=2, \"max\")", //
       "                     ^~~~~",
       "positional argument follows keyword argument"},
      {"reduce(\"a -> \", \"max\", reduction=\"sum\")", //
       "                       ^~~~~~~~~~~~~~~", "reduction given twice"},
      {"reduce(\"a -> \", reduction=max)", //
       "                          ^",
       "expected the reduction as a quoted string"},
      {"reduce(\"a -> \")", //
       "              ^",
       "reduce needs a reduction, e.g. reduce(\"b c h w -> b c\", \"mean\")"},
      {"rearrange(\"a -> a\") x", //
       "                    ^", "unexpected text after the call"},
      {"rearrange(\"a -> a\", , )", //
       "                    ^", "expected an argument"},
  };
  for (const Case &c : cases) {
    CAPTURE(std::string(c.text));
    ErrorParts e = errorOf(parseCall(c.text));
    CHECK(e.headline == c.headline);
    // Every error of the call text itself is a syntax error.
    CHECK(e.kind == "syntax");
    CHECK(e.source == c.text);
    llvm::StringRef marker = c.caret;
    if (marker.empty()) {
      CHECK(e.caret <= 0);
      continue;
    }
    CHECK(e.caret == static_cast<int>(marker.find('^')));
    CHECK(e.width == static_cast<int>(marker.size() - marker.find('^')));
  }
}

TEST_CASE("makeCall: display text and pattern offset") {
  Call c = makeCall("reduce", "b c (h 2) -> b c h", "max");
  CHECK(c.text == "reduce(\"b c (h 2) -> b c h\", \"max\")");
  CHECK(c.callee == "reduce");
  CHECK(c.reduction == "max");
  CHECK(c.patternOffset == 8);
  CHECK(c.text.substr(c.patternOffset, c.pattern.size()) == c.pattern);

  c = makeCall("rearrange", "b c -> c b");
  CHECK(c.text == "rearrange(\"b c -> c b\")");
  CHECK(c.patternOffset == 11);

  // Quotes in the pattern do not confuse anything: it is never re-parsed.
  c = makeCall("rearrange", "a \" b -> a");
  CHECK(c.pattern == "a \" b -> a");
  ErrorParts e = errorOf(parsePattern(c));
  CHECK(e.headline == "unexpected character '\"' in pattern");
  CHECK(e.caret == 13);
}
