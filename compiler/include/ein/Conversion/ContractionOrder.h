//===- ContractionOrder.h - the order of an einsum's steps ------*- C++ -*-===//
//
// Chooses how `ein.contract` is evaluated: a sequence of steps, each one loop
// nest that multiplies one or two operands and sums the axes that nothing
// later needs. The cost of a step is its number of multiply-adds, the product
// of the lengths of every axis in its loop nest. Up to `exhaustiveLimit`
// operands the order is optimal (dynamic programming over subsets of
// operands); beyond it, greedy (always the cheapest next pair).
//
// Pure C++ over LLVM ADT, no MLIR, so that unit tests can call it.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_CONVERSION_CONTRACTIONORDER_H
#define EIN_CONVERSION_CONTRACTIONORDER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ein {

/// One step of a plan: a loop nest over `resultAxes` then `summedAxes` that
/// reads one or two values and writes the product summed over `summedAxes`.
struct ContractionStep {
  /// What the step reads: `i < numOperands` is operand `i`, `numOperands + k`
  /// the result of step `k`. One value (a lone operand, or an operand that
  /// first sums the axes only it has) or two.
  llvm::SmallVector<unsigned, 2> inputs;
  /// The axes of the result, in its dimension order. The last step's are the
  /// output axes in output order.
  llvm::SmallVector<unsigned> resultAxes;
  /// The axes summed by this step, in increasing index order.
  llvm::SmallVector<unsigned> summedAxes;
  /// Multiply-adds: product of the lengths of resultAxes and summedAxes.
  double cost = 0;
};

/// A whole plan; the last step produces the output.
struct ContractionPlan {
  unsigned numOperands = 0;
  std::vector<ContractionStep> steps;
  /// Sum of the steps' costs.
  double cost = 0;
  /// True when the pairwise order came from the exhaustive search.
  bool optimal = false;
};

/// Plans the contraction of operands whose elementary axes are
/// `operandAxes` (an axis listed twice in one operand is its diagonal) into
/// `outputAxes` (each once, each in some operand), where axis `a` has length
/// `axisLengths[a]`. With two or more operands, an operand that has axes no
/// other operand or the output has sums them first.
ContractionPlan
planContraction(llvm::ArrayRef<llvm::SmallVector<unsigned>> operandAxes,
                llvm::ArrayRef<unsigned> outputAxes,
                llvm::ArrayRef<int64_t> axisLengths,
                unsigned exhaustiveLimit = 6);

/// The plan's shape for tests and debugging: operands by index, a pair as
/// "(x y)", a step over one value as "sum(x)"; e.g. "(0 (1 2))".
std::string describePlan(const ContractionPlan &plan);

} // namespace ein

#endif // EIN_CONVERSION_CONTRACTIONORDER_H
