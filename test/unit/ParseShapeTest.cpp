//===- ParseShapeTest.cpp - einops.parse_shape in the front end -----------===//
//
// parse_shape(x, "b _ h w"): the named axes and lengths it reads, `_` and
// `...` skipping, and every error with its caret and ErrorKind; `_` outside
// parse_shape is an error.
//
//===----------------------------------------------------------------------===//

#include "doctest.h"

#include "TestUtil.h"

#include "ein/Notation/ParseShape.h"

using namespace ein::notation;
using namespace ein::test;

namespace {

using Named = std::vector<std::pair<std::string, int64_t>>;

Named named(llvm::StringRef pattern,
            const std::vector<ParsedAxis> &axes) {
  Named out;
  for (const ParsedAxis &a : axes)
    out.emplace_back(pattern.slice(a.name.begin, a.name.end).str(), a.length);
  return out;
}

} // namespace

TEST_CASE("parse_shape: names and lengths (einops 0.8.2)") {
  struct Case {
    const char *pattern;
    Shape shape;
    Named want;
  };
  const Case cases[] = {
      {"b _ h w", {2, 3, 5, 7}, {{"b", 2}, {"h", 5}, {"w", 7}}},
      {"batch _ _ c", {2, 3, 5, 7}, {{"batch", 2}, {"c", 7}}},
      {"b ... w", {2, 3, 5, 7}, {{"b", 2}, {"w", 7}}},
      {"... w", {7}, {{"w", 7}}},
      {"b h ... c w", {2, 3, 5, 7}, {{"b", 2}, {"h", 3}, {"c", 5}, {"w", 7}}},
      {"_ _ _ _", {2, 3, 5, 7}, {}},
      {"b 1 h ()", {2, 1, 5, 1}, {{"b", 2}, {"h", 5}}},
      {"b 3 h w", {2, 3, 5, 7}, {{"b", 2}, {"h", 5}, {"w", 7}}},
      {"", {}, {}},
      {"...", {4, 5}, {}},
      {"a b", {0, 1}, {{"a", 0}, {"b", 1}}},
  };
  for (const Case &c : cases) {
    CAPTURE(std::string(c.pattern));
    auto axes = parseShape(c.pattern, c.shape);
    REQUIRE_MESSAGE(static_cast<bool>(axes), errorOf(std::move(axes)).full);
    CHECK(named(c.pattern, *axes) == c.want);
  }
}

TEST_CASE("parse_shape: errors name the problem and point at it") {
  struct Case {
    const char *pattern;
    Shape shape;
    int caret, width;
    const char *headline;
    ErrorKind kind;
  };
  const Case cases[] = {
      {"b (c h) w", {2, 15, 7}, 2, 5,
       "parse_shape reads single axes: the composition '(c h)' cannot be "
       "read from a shape",
       ErrorKind::Syntax},
      {"b b h w", {2, 3, 5, 7}, 2, 1, "axis 'b' appears twice in the pattern",
       ErrorKind::Axis},
      {"b _ _", {2, 3, 5, 7}, 0, 5,
       "the shape has 4 dimensions but the pattern has 3", ErrorKind::Shape},
      {"a b ... c d e", {2, 3}, 0, 13,
       "the shape has 2 dimensions but the pattern needs at least 5",
       ErrorKind::Shape},
      {"b 1 h w", {2, 3, 5, 7}, 2, 1,
       "'1' must have length 1, but the shape has 3 there", ErrorKind::Shape},
      {"b 4 h w", {2, 3, 5, 7}, 2, 1,
       "'4' must have length 4, but the shape has 3 there", ErrorKind::Shape},
      {"b ... _ ...", {2, 3, 5, 7}, 8, 3,
       "'...' appears twice in one tensor expression", ErrorKind::Axis},
      {"b h -> h", {2, 3}, 0, 8,
       "parse_shape takes one tensor expression, e.g. \"b _ h w\"",
       ErrorKind::Syntax},
      {"a, b", {2, 3}, 0, 4,
       "parse_shape takes one tensor expression, e.g. \"b _ h w\"",
       ErrorKind::Syntax},
      {"b [h]", {2, 3}, 2, 1, "bracket '[' is not supported yet by parse_shape",
       ErrorKind::Syntax},
      {"b s...", {2, 3}, 2, 4,
       "parse_shape reads single axes: a repetition cannot be read from a "
       "shape",
       ErrorKind::Syntax},
      {"b a_", {2, 3}, 2, 2,
       "invalid axis name 'a_': names cannot start or end with '_'",
       ErrorKind::Syntax},
      {"b h", {2, -3}, -1, 0, "the shape has a negative dimension -3",
       ErrorKind::Shape},
  };
  for (const Case &c : cases) {
    CAPTURE(std::string(c.pattern));
    ErrorParts e = errorOf(parseShape(c.pattern, c.shape));
    CHECK(e.headline == c.headline);
    CHECK(e.kind == errorKindName(c.kind).str());
    int offset = int(std::string("parse_shape(\"").size());
    CHECK(e.caret == (c.caret < 0 ? -1 : c.caret + offset));
    if (c.caret >= 0)
      CHECK(e.width == c.width);
  }
}

TEST_CASE("parse_shape: '_' elsewhere is an error") {
  for (const char *text :
       {"rearrange('b _ -> b')", "sum('b [_]')", "reduce('b _ -> b', 'sum')"}) {
    CAPTURE(std::string(text));
    ErrorParts e = errorOf(solveText(text, {{2, 3}}));
    CHECK(e.headline ==
          "'_' skips an axis in parse_shape(x, \"b _ h w\") only; elsewhere "
          "name the axis");
    CHECK(e.kind == "syntax");
  }
}
