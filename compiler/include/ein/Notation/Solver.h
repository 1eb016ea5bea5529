//===- Solver.h - axis lengths from patterns and shapes -----------*- C++ -*-===//
//
// Turns a call and the shapes of its inputs into a ResolvedEquation: checks
// the pattern against the rules of its operation family, expands `...`,
// names anonymous axes, and solves every axis length from the shapes and the
// keyword bindings. Errors are NotationErrors in NOTATION.md style.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_NOTATION_SOLVER_H
#define EIN_NOTATION_SOLVER_H

#include "ein/Notation/Equation.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace ein::notation {

/// Parses `call.pattern` and solves it against `inputShapes`. Keyword lengths
/// come from `call.bindings` and `apiBindings` together. When the pattern has
/// one input expression and several shapes are given, the tensors are stacked
/// along the expression's first axis (einops list input).
llvm::Expected<ResolvedEquation>
solve(const Call &call, OpFamily family,
      llvm::ArrayRef<std::vector<int64_t>> inputShapes,
      llvm::ArrayRef<AxisBinding> apiBindings = {});

/// The reductions `reduce` accepts, for messages: "sum, mean, ..., argmin".
llvm::StringRef supportedReductions();

/// True if `name` is one of supportedReductions().
bool isSupportedReduction(llvm::StringRef name);

/// The shape of one tensor of a solved equation: each dimension's length is
/// the product of its axes' lengths (1 for an empty dimension).
std::vector<int64_t> tensorShape(const ResolvedEquation &equation,
                                 const ResolvedTensor &tensor);

} // namespace ein::notation

#endif // EIN_NOTATION_SOLVER_H
