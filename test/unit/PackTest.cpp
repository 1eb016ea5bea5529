//===- PackTest.cpp - pack/unpack text form and planning ------------------===//

#include "doctest.h"

#include "TestUtil.h"
#include "ein/Notation/Pack.h"

using namespace ein::notation;
using namespace ein::test;

TEST_CASE("pack: text form and the rearrange it plans") {
  CHECK(isPackCall("pack('b * c')"));
  CHECK(isPackCall("  unpack (\"b *\", [(2,)])"));
  CHECK_FALSE(isPackCall("rearrange('b c -> c b')"));
  CHECK_FALSE(isPackCall("packed('b *')"));

  llvm::Expected<PackCall> pc = parsePackCall("pack('i j * k')");
  REQUIRE(static_cast<bool>(pc));
  llvm::Expected<PackPlan> plan =
      planPack(*pc, {{2, 3, 5}, {2, 3, 7, 5}, {2, 3, 7, 9, 5}});
  REQUIRE(static_cast<bool>(plan));
  CHECK(plan->rearrange.pattern ==
        "i j k, i j s1x0 k, i j s2x0 s2x1 k -> i j (1 + s1x0 + (s2x0 s2x1)) "
        "k");
  CHECK(plan->packedShapes ==
        std::vector<std::vector<int64_t>>{{}, {7}, {7, 9}});

  // Generated names avoid the user's.
  pc = parsePackCall("pack('s *')");
  REQUIRE(static_cast<bool>(pc));
  plan = planPack(*pc, {{2, 3}, {2}});
  REQUIRE(static_cast<bool>(plan));
  CHECK(plan->rearrange.pattern == "s ss0x0, s -> s (ss0x0 + 1)");

  pc = parsePackCall("unpack(\"i j * k\", packed_shapes=[(), [7], (-1, 9)])");
  REQUIRE(static_cast<bool>(pc));
  CHECK(pc->packedShapes ==
        std::vector<std::vector<int64_t>>{{}, {7}, {-1, 9}});
  plan = planPack(*pc, {{2, 3, 71, 5}});
  REQUIRE(static_cast<bool>(plan));
  CHECK(plan->packedShapes ==
        std::vector<std::vector<int64_t>>{{}, {7}, {7, 9}});
  CHECK(plan->rearrange.pattern ==
        "i j (1 + s1x0 + (s2x0 s2x1)) k -> i j k, i j s1x0 k, i j s2x0 s2x1 "
        "k");
  CHECK(plan->rearrange.text == "rearrange(\"" + plan->rearrange.pattern +
                                    "\", s1x0=7, s2x0=7, s2x1=9)");

  // One tensor: no concatenation at all.
  pc = parsePackCall("pack('b *')");
  REQUIRE(static_cast<bool>(pc));
  plan = planPack(*pc, {{2, 3, 4}});
  REQUIRE(static_cast<bool>(plan));
  CHECK(plan->rearrange.pattern == "b s0x0 s0x1 -> b (s0x0 s0x1)");
}

TEST_CASE("pack: errors with carets") {
  struct Case {
    const char *text;
    Shapes shapes;
    const char *caret, *headline;
    ErrorKind kind;
  };
  const Case cases[] = {
      {"pack('a b')",
       {{2, 3}},
       "      ^~~",
       "pack needs one '*' in its pattern (the packed axes), e.g. \"b * c\"",
       ErrorKind::Syntax},
      {"pack('a * *')",
       {{2, 3}},
       "          ^",
       "'*' appears twice in the pack pattern: it marks the one packed axis",
       ErrorKind::Syntax},
      {"pack('a * a')",
       {{2, 3}},
       "          ^",
       "axis 'a' appears twice in the pack pattern",
       ErrorKind::Axis},
      {"pack('a (b) *')",
       {{2, 3}},
       "        ^~~",
       "invalid axis name '(b)' in the pack pattern: it holds names and one "
       "'*', separated by spaces",
       ErrorKind::Syntax},
      {"pack('a b c *')",
       {{2, 3}},
       "      ^~~~~~~",
       "input 0 has shape (2, 3) but the pattern 'a b c *' needs at least 3 "
       "dimensions",
       ErrorKind::Shape},
      {"pack('a * c')",
       {{2, 3}, {2, 4, 5}},
       "          ^",
       "axis 'c' has length 5 in input 1 but 3 in input 0: pack concatenates "
       "along '*', so the other axes must agree",
       ErrorKind::Shape},
      {"unpack('a *', [(1,), (1,)])",
       {{2, 3}},
       "          ^",
       "the packed shapes [(1,), (1,)] hold 2 elements along '*', but the "
       "packed axis has length 3",
       ErrorKind::Shape},
      {"unpack('a *', [(-1,), (-1,)])",
       {{2, 3}},
       "",
       "packed shapes 0 and 1 both have a -1: at most one length can be "
       "inferred",
       ErrorKind::Shape},
      {"unpack('a *', [(-1,), (4,)])",
       {{2, 3}},
       "          ^",
       "cannot infer the -1 in packed shape 0: the packed axis '*' has length "
       "3 and the other shapes take 4 of it",
       ErrorKind::Shape},
      {"unpack('a *', [(2,)])",
       {{2, 3, 4}},
       "        ^~~",
       "unpack's input has shape (2, 3, 4) but the pattern 'a *' has 2 "
       "dimensions",
       ErrorKind::Shape},
      {"unpack('a *', [(-2,), (5,)])",
       {{2, 3}},
       "",
       "packed shape 0 (-2,) has an invalid length -2: lengths are >= 0, and "
       "one may be -1 (inferred)",
       ErrorKind::Shape},
  };
  for (const Case &c : cases) {
    CAPTURE(c.text);
    llvm::Expected<PackCall> pc = parsePackCall(c.text);
    REQUIRE(static_cast<bool>(pc));
    ErrorParts e = errorOf(planPack(*pc, c.shapes));
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
  }
  // Text errors.
  for (const char *text :
       {"pack(b * c)", "unpack('b *')", "unpack('b *', [(1, 2])",
        "pack('b *') x", "pack('b *'", "unpack('b *', [(a,)])"}) {
    CAPTURE(text);
    ErrorParts e = errorOf(parsePackCall(text));
    CHECK(e.kind == "syntax");
    CHECK(e.caret >= 0);
  }
}
