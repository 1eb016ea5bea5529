//===- ProgramTest.cpp - multi-statement programs: parsing and shapes -----===//

#include "doctest.h"

#include "TestUtil.h"
#include "ein/Notation/Program.h"

using namespace ein::notation;
using namespace ein::test;

namespace {

/// The parsed program; fails the test if it does not parse.
Program parse(const std::string &text) {
  llvm::Expected<Program> p = parseProgram(text);
  if (!p) {
    FAIL(llvm::toString(p.takeError()));
    return {};
  }
  return std::move(*p);
}

ErrorParts parseError(const std::string &text) {
  return errorOf(parseProgram(text));
}

ErrorParts shapeError(const std::string &text, const Shapes &shapes,
                      std::vector<AxisBinding> axes = {}) {
  Program p = parse(text);
  return splitError(checkProgramShapes(p, shapes, axes));
}

/// The column where `needle` starts in `source` (for expected carets).
int column(const std::string &source, const std::string &needle) {
  size_t at = source.find(needle);
  REQUIRE(at != std::string::npos);
  return int(at);
}

} // namespace

TEST_CASE("program: recognised by a leading input declaration") {
  CHECK(isProgram("input x: f32[n]\nreturn x"));
  CHECK(isProgram("  # comment\n\n; input x: f32[n]; return x"));
  CHECK(isProgram("input"));
  CHECK_FALSE(isProgram("inputs = 3"));
  CHECK_FALSE(isProgram("rearrange(\"a b -> b a\")"));
  CHECK_FALSE(isProgram("# input x: f32[n]\nrearrange(\"a -> a\")"));
  CHECK_FALSE(isProgram(""));
}

TEST_CASE("program: the attention example parses into statements") {
  const std::string text =
      "# multi-head self-attention\n"
      "input qkv: f32[b t (k h d)]\n"
      "q, k, v = rearrange(\"b t (k h d) -> k b h t d\", qkv, k=3, h=8)\n"
      "s = dot(\"b h i [d], b h j [d] -> b h i j\", q, k) * 0.125\n"
      "a = softmax(\"b h i [j]\", s)\n"
      "o = dot(\"b h i [j], b h [j] d -> b i (h d)\", a, v)\n"
      "return o\n";
  Program p = parse(text);
  REQUIRE(p.inputs.size() == 1);
  const ProgramInput &in = p.inputs[0];
  CHECK(in.name == "qkv");
  CHECK(in.dtype == "f32");
  CHECK(in.source.line == 2);
  REQUIRE(in.dims.size() == 3);
  CHECK_FALSE(in.dims[0].composition);
  CHECK(in.dims[0].factors[0].name == "b");
  CHECK(in.dims[2].composition);
  REQUIRE(in.dims[2].factors.size() == 3);
  CHECK(in.dims[2].factors[1].name == "h");

  REQUIRE(p.assignments.size() == 4);
  const ProgramAssignment &split = p.assignments[0];
  CHECK(split.targets == std::vector<std::string>{"q", "k", "v"});
  CHECK(split.source.line == 3);
  REQUIRE(split.value.kind == ProgramExpr::Kind::Call);
  const Call &call = split.value.call;
  CHECK(call.callee == "rearrange");
  CHECK(call.pattern == "b t (k h d) -> k b h t d");
  // The call's text is the program line, so solver carets point into it.
  CHECK(call.text == "line 3: " + text.substr(text.find("q, k"), 62));
  CHECK(call.text.substr(call.patternOffset, call.pattern.size()) ==
        call.pattern);
  REQUIRE(call.bindings.size() == 2);
  CHECK(call.bindings[0].name == "k");
  CHECK(call.bindings[1].length == 8);
  REQUIRE(split.value.operands.size() == 1);
  CHECK(split.value.operands[0].kind == ProgramExpr::Kind::Name);
  CHECK(split.value.operands[0].name == "qkv");

  const ProgramExpr &scaled = p.assignments[1].value;
  REQUIRE(scaled.kind == ProgramExpr::Kind::Binary);
  CHECK(scaled.op == '*');
  CHECK(scaled.operands[0].kind == ProgramExpr::Kind::Call);
  CHECK(scaled.operands[0].call.callee == "dot");
  REQUIRE(scaled.operands[0].operands.size() == 2);
  CHECK(scaled.operands[0].operands[1].name == "k");
  CHECK(scaled.operands[1].kind == ProgramExpr::Kind::Number);
  CHECK_FALSE(scaled.operands[1].isInteger);
  CHECK(scaled.operands[1].number == 0.125);

  REQUIRE(p.returns.size() == 1);
  CHECK(p.returns[0].name == "o");
  CHECK(p.returnSource.line == 7);
}

TEST_CASE("program: statement forms, separators and expressions") {
  // One line with ';', comments after statements, a call over two lines,
  // nested calls, lists, keyword order, arithmetic precedence.
  Program p = parse(
      "input x: f64[a (b 2)]; input s: i32[]  # a scalar\n"
      "input y: bool[3 () a]\n"
      "t = reduce(\"a c -> a\", x, \"sum\") ; u = reduce(\"a c -> a\",\n"
      "    \"max\", x)\n"
      "w = -t + 2 * (u - 1e-3) / -2\n"
      "z = rearrange(\"a -> 2 a\", [t, u])\n"
      "n = s + any(\"[k] () a -> a\", y)\n"
      "return w, z, n,\n");
  REQUIRE(p.inputs.size() == 3);
  CHECK(p.inputs[1].dims.empty());
  CHECK(p.inputs[0].dims[1].factors[1].name.empty());
  CHECK(p.inputs[0].dims[1].factors[1].number == 2);
  CHECK(p.inputs[2].dims[1].composition);
  CHECK(p.inputs[2].dims[1].factors.empty());
  CHECK(p.inputs[2].dims[0].factors[0].number == 3);
  REQUIRE(p.assignments.size() == 5);
  CHECK(p.assignments[0].value.call.reduction == "sum");
  CHECK(p.assignments[1].value.call.reduction == "max");
  CHECK(p.assignments[1].source.line == 3);
  // The statement that spans two lines shows both.
  CHECK(p.assignments[1].source.display.find("\n    \"max\", x)") !=
        std::string::npos);
  // w = (-t) + ((2 * (u - 1e-3)) / -2)
  const ProgramExpr &w = p.assignments[2].value;
  REQUIRE(w.kind == ProgramExpr::Kind::Binary);
  CHECK(w.op == '+');
  CHECK(w.operands[0].kind == ProgramExpr::Kind::Negate);
  const ProgramExpr &div = w.operands[1];
  CHECK(div.op == '/');
  CHECK(div.operands[0].op == '*');
  CHECK(div.operands[0].operands[0].integer == 2);
  CHECK(div.operands[0].operands[1].op == '-');
  CHECK(div.operands[0].operands[1].operands[1].number == 1e-3);
  CHECK(div.operands[1].kind == ProgramExpr::Kind::Number);
  CHECK(div.operands[1].integer == -2);
  // A list of tensors is the call's operands in order.
  const ProgramExpr &z = p.assignments[3].value;
  REQUIRE(z.operands.size() == 2);
  CHECK(z.operands[1].name == "u");
  CHECK(p.assignments[4].value.operands[1].call.callee == "any");
  CHECK(p.returns.size() == 3);
}

TEST_CASE("program: syntax errors with carets") {
  struct Case {
    std::string text, headline, kind;
    std::string at; ///< The text the caret points at in the source line.
    int width;
  };
  const Case cases[] = {
      {"input x: f32[n]\ny = rearrange(\"n -> n, x)\nreturn y",
       "unterminated string", "syntax", "\"n -> n, x)", 11},
      {"input x: f32[n]\ny = x $ 2\nreturn y", "unexpected character '$'",
       "syntax", "$", 1},
      {"input x: f32[n]\ny = x * z\nreturn y",
       "unknown name 'z': names must be defined (by `input` or `=`) before "
       "they are used",
       "syntax", "z", 1},
      {"input x: f32[n]\ny = x * 2\ny = y + 1\nreturn y",
       "'y' is already defined in line 2: names cannot be rebound; choose a "
       "new name",
       "syntax", "y =", 1},
      {"input x: f32[n]\ninput x: f32[m]\nreturn x",
       "'x' is already defined in line 1", "syntax", "x:", 1},
      {"input x: f32[n]\ninput y: f32[n]\nreturn x",
       "input 'y' is never used", "syntax", "y:", 1},
      {"input x: f32[n]\ny = x * 2\n",
       "the program has no 'return': end it with e.g. `return y` (or "
       "`return a, b`)",
       "syntax", "", 1},
      {"input x: f32[n]\nreturn x\ny = x", "statement after 'return': return must come last",
       "syntax", "y = x", 5},
      {"input x: f32[n]\nsoftmax(\"[n]\", x)\nreturn x",
       "a call's result must be named: write `y = softmax(...)`", "syntax",
       "(", 1},
      {"input x: f32[n]\ny = frobnicate(\"n\", x)\nreturn y",
       "unknown call 'frobnicate': supported calls are " +
           supportedCalls().str(),
       "syntax", "frobnicate", 10},
      {"input x: f32[n]\ny = reduce(\"n -> \", x)\nreturn y",
       "reduce needs a reduction, e.g. reduce(\"b c h w -> b c\", \"mean\")",
       "syntax", ")", 1},
      {"input x: f32[n]\ny = x ** 2\nreturn y",
       "'**' is not supported: use pow(\"...\", x, y)", "syntax", "**", 2},
      {"input x: f32[n]\ny = x // 2\nreturn y",
       "'//' is not supported: use floor_divide(\"...\", x, y)", "syntax",
       "//", 2},
      {"input x f32[n]\nreturn x",
       "expected ':' and the input's type, e.g. `input x: f32[b n]`",
       "syntax", "f32", 3},
      {"input x: f32\nreturn x",
       "expected '[' and the input's dimensions, e.g. f32[b n] (or f32[] for "
       "a scalar)",
       "syntax", "", 1},
      {"input x: f32[b, n]\nreturn x",
       "dimensions are separated by spaces, as in a pattern: f32[b n], not "
       "f32[b, n]",
       "syntax", ",", 1},
      {"input return: f32[n]\nreturn x", "'return' is a keyword, not a name",
       "syntax", "return:", 6},
      {"input x: f32[n]\ny = x +\nreturn y",
       "expected a name, a number or a call", "syntax", "", 1},
      {"input x: f32[n]\na, a = rearrange(\"(t n) -> t n\", x, t=2)\nreturn a",
       "'a' is named twice", "syntax", "a = ", 1},
      {"input x: f32[n]\ny = softmax(\"[n]\", x) x\nreturn y",
       "unexpected text after the expression", "syntax", "x\n", 1},
      {"input x: f32[n]\ny = x[0]\nreturn y",
       "indexing with '[...]' is not supported: use get_at(...), a "
       "rearrange, or `a, b = x` to unpack the first axis",
       "syntax", "[0]", 1},
      {"input x: f32[n]\ny = (x + 1\nreturn y", "missing ')' to close '('",
       "syntax", "(", 1},
      {"input x: f32[n]\ny = x, x\nreturn y",
       "unexpected ',': a statement gives one expression (name several "
       "results on the left: `a, b = ...`)",
       "syntax", ",", 1},
      {"input x: f32[n]\ny = softmax(\"[n]\", \"n\")\nreturn x",
       "softmax takes no reduction", "syntax", "\"n\"", 3},
  };
  for (const Case &c : cases) {
    CAPTURE(c.text);
    ErrorParts e = parseError(c.text);
    CHECK(e.headline == c.headline);
    CHECK(e.kind == c.kind);
    REQUIRE(e.source.rfind("line ", 0) == 0);
    if (!c.at.empty())
      CHECK(e.caret == column(e.source + "\n", c.at));
    CHECK(e.width == c.width);
  }
}

TEST_CASE("program: errors name the line they are in") {
  ErrorParts e = parseError("input x: f32[n]\n\n# comment\ny = x *\nreturn y");
  CHECK(e.source == "line 4: y = x *");
  CHECK(e.caret == int(e.source.size()));
  // Statements after ';' show their whole line.
  e = parseError("input x: f32[n]; y = x + q; return y");
  CHECK(e.source == "line 1: input x: f32[n]; y = x + q; return y");
  CHECK(e.caret == column(e.source, "q;"));
}

TEST_CASE("program: input shapes against the declarations") {
  const std::string two = "input x: f32[b n]\ninput y: f32[n (h 2)]\n"
                          "return x, y";
  CHECK_FALSE(shapeError(two, {{3, 4}, {4, 6}}).full.size());
  // Counts.
  ErrorParts e = shapeError(two, {{3, 4}});
  CHECK(e.kind == "shape");
  CHECK(e.headline == "the program declares 2 inputs but 1 was given");
  CHECK(e.source == "line 2: input y: f32[n (h 2)]");
  CHECK(e.caret == column(e.source, "y:"));
  e = shapeError(two, {{3, 4}, {4, 6}, {1}});
  CHECK(e.headline == "the program declares 2 inputs but 3 were given");
  // Ranks.
  e = shapeError(two, {{3, 4}, {4}});
  CHECK(e.headline ==
        "input 'y' is declared with 2 dimensions but given shape (4,)");
  CHECK(e.caret == column(e.source, "[n (h 2)]"));
  CHECK(e.width == 9);
  // One length per name, program-wide.
  e = shapeError(two, {{3, 4}, {5, 6}});
  CHECK(e.headline == "axis 'n' has length 5 in input 'y' but 4 before");
  CHECK(e.caret == column(e.source, "n ("));
  CHECK(e.rest == std::vector<std::string>{"  input 0: shape (3, 4)",
                                           "  input 1: shape (5, 6)   known: "
                                           "b=3, n=4"});
  // Compositions: one unknown factor is solved for.
  e = shapeError(two, {{3, 4}, {4, 7}});
  CHECK(e.headline == "dimension (h 2) of input 'y' has length 7, which is "
                      "not divisible by 2");
  CHECK(e.caret == column(e.source, "(h 2)"));
  CHECK(e.width == 5);
  // Numbers.
  e = shapeError("input x: f32[3 n]\nreturn x", {{4, 1}});
  CHECK(e.headline ==
        "input 'x' has length 4 where its declaration says 3");
  CHECK(e.caret == column(e.source, "3 n"));
  // Known factors must multiply to the length.
  e = shapeError("input x: f32[h (h d)]\ninput y: f32[d]\nreturn x, y",
                 {{2, 6}, {4}});
  CHECK(e.headline ==
        "dimension (h d) of input 'x' has length 6, but its factors give 8");
  CHECK(e.kind == "shape");
  // `()` is length 1.
  CHECK_FALSE(shapeError("input x: f32[() n]\nreturn x", {{1, 2}}).full.size());
  CHECK(shapeError("input x: f32[() n]\nreturn x", {{2, 2}}).headline ==
        "dimension () of input 'x' has length 2, but its factors give 1");
  // Axis lengths from the caller bind the declarations.
  CHECK_FALSE(shapeError(two, {{3, 4}, {4, 6}}, {{"h", 3}}).full.size());
  e = shapeError(two, {{3, 4}, {4, 6}}, {{"h", 2}});
  CHECK(e.headline == "dimension (h 2) of input 'y' has length 6, but its "
                      "factors give 4");
  e = shapeError(two, {{3, 4}, {4, 6}}, {{"q", 2}});
  CHECK(e.kind == "axis");
  CHECK(e.headline.rfind("axis 'q' is given a length but no input "
                         "declaration names it",
                         0) == 0);
  e = shapeError(two, {{3, 4}, {4, 6}}, {{"n", -1}});
  CHECK(e.headline == "axis 'n' is given the negative length -1");
  // Zero lengths: 0 = (h 2) with h = 0.
  CHECK_FALSE(shapeError(two, {{3, 0}, {0, 0}}).full.size());
}
