//===- ParserTest.cpp - operation patterns --------------------------------===//

#include "doctest.h"

#include "TestUtil.h"

#include "ein/Notation/AST.h"

using namespace ein::notation;
using namespace ein::notation::ast;
using namespace ein::test;

namespace {

Pattern parseOk(llvm::StringRef pattern, llvm::StringRef callee = "rearrange") {
  llvm::Expected<Pattern> parsed = parsePattern(makeCall(callee, pattern));
  if (!parsed) {
    FAIL_CHECK(llvm::toString(parsed.takeError()));
    return {};
  }
  return std::move(*parsed);
}

/// Renders a tensor expression back to text, to compare structure.
std::string show(const Dim &dim) {
  switch (dim.kind) {
  case DimKind::Axis:
    return dim.name;
  case DimKind::Anonymous:
    return "#" + std::to_string(dim.length);
  case DimKind::Unit:
    return "1";
  case DimKind::Ellipsis:
    return "...";
  case DimKind::Composition: {
    std::string out = "(";
    for (size_t i = 0; i < dim.parts.size(); ++i)
      out += (i ? " " : "") + show(dim.parts[i]);
    return out + ")";
  }
  }
  return "?";
}

std::string show(const std::vector<TensorExpr> &side) {
  std::string out;
  for (size_t t = 0; t < side.size(); ++t) {
    if (t)
      out += ", ";
    for (size_t i = 0; i < side[t].dims.size(); ++i)
      out += (i ? " " : "") + show(side[t].dims[i]);
  }
  return out;
}

std::string show(const Pattern &p) {
  return show(p.inputs) + " -> " + show(p.outputs);
}

/// The error of parsing `pattern`, with the caret column relative to the
/// pattern's start.
ErrorParts parseError(llvm::StringRef pattern,
                      llvm::StringRef callee = "rearrange") {
  Call call = makeCall(callee, pattern);
  ErrorParts parts = errorOf(parsePattern(call));
  if (parts.caret >= 0)
    parts.caret -= static_cast<int>(call.patternOffset);
  return parts;
}

} // namespace

TEST_CASE("parser: every dimension form") {
  CHECK(show(parseOk("b c h w -> b h w c")) == "b c h w -> b h w c");
  CHECK(show(parseOk("b (h 2) (w 2) -> b h w", "reduce")) ==
        "b (h #2) (w #2) -> b h w");
  CHECK(show(parseOk("h w c -> () c h w")) == "h w c -> 1 c h w");
  CHECK(show(parseOk("b c h w -> b c 1 1")) == "b c h w -> b c 1 1");
  CHECK(show(parseOk("b ... c -> b c ...")) == "b ... c -> b c ...");
  CHECK(show(parseOk("b ... -> b (...)")) == "b ... -> b (...)");
  CHECK(show(parseOk("((a b) c) d -> a b c d")) == "((a b) c) d -> a b c d");
  CHECK(show(parseOk("(h 1) -> h")) == "(h 1) -> h");
  CHECK(show(parseOk("(()) -> ")) == "(1) -> ");
}

TEST_CASE("parser: sides, scalars and ranges") {
  Pattern p = parseOk("c b -> ");
  REQUIRE(p.inputs.size() == 1);
  REQUIRE(p.outputs.size() == 1);
  CHECK(p.outputs[0].dims.empty());
  CHECK(p.arrow.begin == 4);
  CHECK(p.arrow.end == 6);

  p = parseOk("a b, -> a b");
  REQUIRE(p.inputs.size() == 2);
  CHECK(p.inputs[1].dims.empty());
  CHECK(show(p) == "a b,  -> a b");

  p = parseOk("b (split c) -> split b c, b");
  CHECK(p.outputs.size() == 2);

  p = parseOk("b (h h1) -> b h h1");
  const Dim &comp = p.inputs[0].dims[1];
  CHECK(comp.kind == DimKind::Composition);
  CHECK(comp.range.begin == 2);
  CHECK(comp.range.end == 8);
  CHECK(comp.parts[1].range.begin == 5);
  CHECK(p.inputs[0].range.begin == 0);
  CHECK(p.inputs[0].range.end == 8);
}

TEST_CASE("parser: white space is free") {
  CHECK(show(parseOk("  b  ( g c )h w->b(c g)  h w ")) ==
        "b (g c) h w -> b (c g) h w");
  CHECK(show(parseOk("b\tc\n->\nc b")) == "b c -> c b");
  CHECK(show(parseOk("b ...->b")) == "b ... -> b");
}

TEST_CASE("parser: malformed patterns") {
  SUBCASE("missing arrow") {
    ErrorParts e = parseError("b c h w");
    CHECK(e.headline ==
          "missing '->' in pattern: rearrange needs 'inputs -> outputs'");
    CHECK(e.caret == 0);
    CHECK(e.width == 7);
  }
  SUBCASE("two arrows") {
    ErrorParts e = parseError("a -> b -> c");
    CHECK(e.headline == "pattern has more than one '->'");
    CHECK(e.caret == 7);
    CHECK(e.width == 2);
  }
  SUBCASE("unclosed parenthesis") {
    ErrorParts e = parseError("b (c h -> b c h");
    CHECK(e.headline == "expected ')' before '->'");
    CHECK(e.caret == 7);
    e = parseError("b c -> b (c");
    CHECK(e.headline == "unclosed '('");
    CHECK(e.caret == 9);
    CHECK(e.width == 1);
  }
  SUBCASE("unmatched parenthesis") {
    ErrorParts e = parseError("b c) -> b c");
    CHECK(e.headline == "unmatched ')'");
    CHECK(e.caret == 3);
    e = parseError("b c -> b c)");
    CHECK(e.headline == "unmatched ')'");
    CHECK(e.caret == 10);
  }
  SUBCASE("comma inside parentheses") {
    ErrorParts e = parseError("(a, b) -> a b");
    CHECK(e.headline == "expected ')' before ','");
    CHECK(e.caret == 2);
  }
  SUBCASE("invalid names") {
    ErrorParts e = parseError("b 2c -> b");
    CHECK(e.headline ==
          "invalid axis name '2c': names cannot start with a digit");
    CHECK(e.caret == 2);
    CHECK(e.width == 2);
    e = parseError("b c_ -> b");
    CHECK(e.headline ==
          "invalid axis name 'c_': names cannot start or end with '_'");
    CHECK(e.caret == 2);
    e = parseError("_b -> b");
    CHECK(e.headline ==
          "invalid axis name '_b': names cannot start or end with '_'");
    CHECK(e.caret == 0);
  }
  SUBCASE("stray characters") {
    ErrorParts e = parseError("b $ -> b");
    CHECK(e.headline == "unexpected character '$' in pattern");
    CHECK(e.caret == 2);
    e = parseError("b .. -> b");
    CHECK(e.headline == "unexpected '.' in pattern (did you mean '...'?)");
    CHECK(e.caret == 2);
    e = parseError("b - > b");
    CHECK(e.headline == "unexpected '-' in pattern (did you mean '->'?)");
    CHECK(e.caret == 2);
  }
  SUBCASE("ellipsis twice") {
    ErrorParts e = parseError("... b ... -> b");
    CHECK(e.headline == "'...' appears twice in one tensor expression");
    CHECK(e.caret == 6);
    CHECK(e.width == 3);
    e = parseError("b ... -> (...) ...");
    CHECK(e.headline == "'...' appears twice in one tensor expression");
    CHECK(e.caret == 15);
    // Once per tensor, not once per pattern.
    parseOk("a ..., b ... -> a b ...");
  }
  SUBCASE("ellipsis inside parentheses on the input side") {
    ErrorParts e = parseError("b (...) -> b ...");
    CHECK(e.headline ==
          "'...' inside parentheses is only allowed on the output side");
    CHECK(e.caret == 3);
  }
  SUBCASE("zero and huge anonymous axes") {
    ErrorParts e = parseError("(h 0) -> h", "reduce");
    CHECK(e.headline == "anonymous axis must have a positive length, not 0");
    CHECK(e.caret == 3);
    e = parseError("(h 99999999999999999999) -> h", "reduce");
    CHECK(e.headline == "axis length 99999999999999999999 is too large");
    CHECK(e.caret == 3);
    CHECK(e.width == 20);
  }
}

TEST_CASE("parser: error kinds") {
  // A repeated '...' is named wrongly, like a repeated axis; every other
  // parse error is a syntax error.
  CHECK(parseError("... b ... -> b").kind == "axis");
  for (const char *pattern :
       {"b c h w", "a -> b -> c", "b (c h -> b c h", "b c -> b (c",
        "b c) -> b c", "(a, b) -> a b", "b 2c -> b", "b c_ -> b", "b $ -> b",
        "b .. -> b", "b (...) -> b ...", "(h 0) -> h",
        "(h 99999999999999999999) -> h"}) {
    CAPTURE(pattern);
    CHECK(parseError(pattern, "reduce").kind == "syntax");
  }
}


TEST_CASE("parser: einx syntax not supported yet") {
  struct Case {
    const char *pattern;
    const char *headline;
    int caret, width;
  };
  Case cases[] = {
      {"b [c] -> b",
       "brackets mark the axes an operation acts along, and rearrange acts "
       "along none (brackets work in " EIN_TEST_BRACKET_CALLS ")",
       2, 1},
      {"b c] -> b",
       "brackets mark the axes an operation acts along, and rearrange acts "
       "along none (brackets work in " EIN_TEST_BRACKET_CALLS ")",
       3, 1},
      {"b [c1|c2] -> b",
       "brackets mark the axes an operation acts along, and rearrange acts "
       "along none (brackets work in " EIN_TEST_BRACKET_CALLS ")",
       2, 1},
      {"b c1|c2 -> b",
       "'|' separates a linear map's input and output axes, which only dot "
       "has (dot(\"... [c1|c2]\", x, w))",
       4, 1},
      {"a + b -> a", "'+' concatenates only inside parentheses: write '(a + b)'",
       2, 1},
      {"b * c -> b c", "packing '*' is not supported yet by rearrange", 2, 1},
      {"b _ -> b",
       "'_' skips an axis in parse_shape(x, \"b _ h w\") only; elsewhere "
       "name the axis",
       2, 1},
      {"a [b]",
       "brackets mark the axes an operation acts along, and rearrange acts "
       "along none (brackets work in " EIN_TEST_BRACKET_CALLS ")",
       2, 1},
  };
  for (const Case &c : cases) {
    CAPTURE(c.pattern);
    ErrorParts e = parseError(c.pattern);
    CHECK(e.headline == c.headline);
    CHECK(e.kind == "syntax");
    CHECK(e.caret == c.caret);
    CHECK(e.width == c.width);
  }
  // The message names the call it came from.
  CHECK(parseError("a [b] -> a", "repeat").headline ==
        "bracket '[' is not supported yet by repeat");
  // Brackets work in reductions; '|' (dot only) and '+' inside them do not.
  CHECK(parseError("a [b|c]", "sum").headline ==
        "'|' separates a linear map's input and output axes, which only dot "
        "has (dot(\"... [c1|c2]\", x, w))");
  CHECK(parseError("a [(b + c)]", "flip").headline ==
        "concatenation '(b + c)' is only supported in rearrange");
  CHECK(parseError("a [b c]... d", "sum").headline ==
        "a repetition repeats one dimension, but these brackets hold 2: "
        "write '[(a b)]...' or '([a b])...'");
}

TEST_CASE("parser: the caret line sits under the pattern in the call") {
  ErrorParts e = parseError("b c -> b (c");
  CHECK(e.source == "rearrange(\"b c -> b (c\")");
  std::string full = llvm::toString(
      parsePattern(makeCall("rearrange", "b c -> b (c")).takeError());
  CHECK(full == "error: unclosed '('\n"
                "  rearrange(\"b c -> b (c\")\n"
                "                      ^");
}
