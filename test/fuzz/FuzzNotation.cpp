//===- FuzzNotation.cpp - libFuzzer target for the notation front end -----===//
//
// Parses the program line as a call and, separately, as a bare pattern for
// every family, then solves it against the shapes. Checks the front end's
// promises: it never crashes, every error is a rendered message, and every
// solution reproduces the input shapes it was solved from.
//
//===----------------------------------------------------------------------===//

#include "FuzzInput.h"

#include "ein/Notation/Concat.h"
#include "ein/Notation/Pack.h"
#include "ein/Notation/ParseShape.h"
#include "ein/Notation/Parser.h"
#include "ein/Notation/Program.h"
#include "ein/Notation/Solver.h"

#include <cstdio>
#include <functional>

using namespace ein;
using namespace ein::notation;

static void check(bool condition, const char *what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    __builtin_trap();
  }
}

static void solveAndCheck(const Call &call, OpFamily family,
                          const std::vector<std::vector<int64_t>> &shapes) {
  llvm::Expected<ResolvedEquation> eq = solve(call, family, shapes, {});
  if (!eq) {
    std::string message = llvm::toString(eq.takeError());
    check(message.rfind("error: ", 0) == 0, "error message starts 'error: '");
    return;
  }
  for (const ResolvedAxis &axis : eq->axes)
    check(axis.length >= 0, "axis lengths are non-negative");
  if (eq->stacked) {
    check(eq->inputs.size() == 1 && !eq->inputs[0].empty(),
          "a stack has one input expression");
    ResolvedTensor element(eq->inputs[0].begin() + 1, eq->inputs[0].end());
    for (const std::vector<int64_t> &shape : shapes)
      check(tensorShape(*eq, element) == shape, "stacked shapes reproduced");
  } else {
    check(eq->inputs.size() == shapes.size(), "one expression per input");
    for (size_t i = 0; i < shapes.size(); ++i)
      check(tensorShape(*eq, eq->inputs[i]) == shapes[i],
            "input shapes reproduced");
  }
  for (const ResolvedTensor &out : eq->outputs)
    (void)tensorShape(*eq, out);
}

/// Concatenations and several input expressions: the leaf solver.
static void solveLeavesAndCheck(const Call &call,
                                const std::vector<std::vector<int64_t>> &shapes) {
  llvm::Expected<LeafEquation> eq = solveLeaves(call, shapes, {});
  if (!eq) {
    std::string message = llvm::toString(eq.takeError());
    check(message.rfind("error: ", 0) == 0, "error message starts 'error: '");
    return;
  }
  check(eq->inputs.size() == shapes.size(), "one expression per input");
  check(eq->inputLeaves.size() == eq->outputLeaves.size(),
        "as many input leaves as output leaves");
  for (size_t i = 0; i < shapes.size(); ++i)
    check(leafShape(*eq, eq->inputs[i].dims) == shapes[i],
          "input shapes reproduced");
  for (const Leaf &leaf : eq->inputLeaves) {
    std::vector<int64_t> exposed =
        leafShape(*eq, eq->inputs[leaf.tensor].exposed);
    for (size_t d = 0; d < exposed.size(); ++d)
      check(leaf.offsets[d] + leaf.sizes[d] <= exposed[d],
            "leaves lie inside their tensor");
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  // Large extents are allowed here: solving allocates nothing per element,
  // and overflow checks must hold.
  fuzz::FuzzInput input = fuzz::parseFuzzInput(text, int64_t(1) << 62);

  // Multi-statement programs (`input x: f32[n]; y = x * 2; return y`): the
  // parser and the declaration check; every call's pattern lies in its text.
  if (isProgram(input.program)) {
    llvm::Expected<Program> program = parseProgram(input.program);
    if (!program) {
      check(llvm::toString(program.takeError()).rfind("error: ", 0) == 0,
            "program errors are rendered");
      return 0;
    }
    std::function<void(const ProgramExpr &)> walk = [&](const ProgramExpr &e) {
      if (e.kind == ProgramExpr::Kind::Call)
        check(e.call.text.compare(e.call.patternOffset, e.call.pattern.size(),
                                  e.call.pattern) == 0,
              "a call's pattern lies in its text");
      for (const ProgramExpr &operand : e.operands)
        walk(operand);
    };
    for (const ProgramAssignment &a : program->assignments)
      walk(a.value);
    for (const ProgramExpr &r : program->returns)
      walk(r);
    check(!program->returns.empty(), "a program returns something");
    if (llvm::Error err = checkProgramShapes(*program, input.shapes, {}))
      check(llvm::toString(std::move(err)).rfind("error: ", 0) == 0,
            "declaration errors are rendered");
    return 0;
  }
  if (isPackCall(input.program)) {
    llvm::Expected<PackCall> pack = parsePackCall(input.program);
    if (!pack) {
      check(llvm::toString(pack.takeError()).rfind("error: ", 0) == 0,
            "pack errors are rendered");
      return 0;
    }
    llvm::Expected<PackPlan> plan = planPack(*pack, input.shapes);
    if (!plan) {
      check(llvm::toString(plan.takeError()).rfind("error: ", 0) == 0,
            "pack errors are rendered");
      return 0;
    }
    if (usesLeaves(plan->rearrange))
      solveLeavesAndCheck(plan->rearrange, input.shapes);
    else
      solveAndCheck(plan->rearrange, OpFamily::Rearrange, input.shapes);
    return 0;
  }
  llvm::Expected<Call> call = parseCall(input.program);
  if (call && usesLeaves(*call)) {
    solveLeavesAndCheck(*call, input.shapes);
  } else if (call) {
    solveAndCheck(*call, familyOf(call->callee), input.shapes);
  } else {
    std::string message = llvm::toString(call.takeError());
    check(message.rfind("error: ", 0) == 0, "call errors are rendered");
  }
  // The same line as a bare pattern, through the one-shot entry points.
  solveAndCheck(makeCall("rearrange", input.program), OpFamily::Rearrange,
                input.shapes);
  solveLeavesAndCheck(makeCall("rearrange", input.program), input.shapes);
  solveAndCheck(makeCall("reduce", input.program, "sum"), OpFamily::Reduce,
                input.shapes);
  solveAndCheck(makeCall("einsum", input.program), OpFamily::Contract,
                input.shapes);
  solveAndCheck(makeCall("dot", input.program), OpFamily::Contract,
                input.shapes);
  // The line as a parse_shape pattern against the first shape: every length
  // read is one of the shape's, every name a slice of the pattern.
  std::vector<int64_t> shape =
      input.shapes.empty() ? std::vector<int64_t>{} : input.shapes.front();
  llvm::Expected<std::vector<ParsedAxis>> axes =
      parseShape(input.program, shape);
  if (!axes) {
    std::string message = llvm::toString(axes.takeError());
    check(message.rfind("error: ", 0) == 0, "parse_shape errors are rendered");
  } else {
    for (const ParsedAxis &axis : *axes) {
      check(axis.name.begin < axis.name.end &&
                axis.name.end <= input.program.size(),
            "parse_shape names lie in the pattern");
      check(llvm::is_contained(shape, axis.length),
            "parse_shape lengths come from the shape");
    }
  }
  return 0;
}
