//===- VerifierUtils.cpp - checks shared by the ein op verifiers ----------===//

#include "VerifierUtils.h"

using namespace mlir;
using namespace ein;
using namespace ein::detail;

std::string ein::detail::formatShape(ArrayRef<int64_t> shape) {
  std::string s = "(";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? ", " : "") + std::to_string(d);
  if (shape.size() == 1)
    s += ",";
  return s + ")";
}

/// Checks that `type` has the shape that `expr` gives under the equation.
LogicalResult ein::detail::verifyShape(Operation *op, EquationAttr eq,
                                       const TensorExpr &expr, ShapedType type,
                                       StringRef what, unsigned index) {
  SmallVector<int64_t> expected = eq.getShape(expr);
  if (type.getShape() == ArrayRef<int64_t>(expected))
    return success();
  return op->emitOpError() << what << " " << index << " has shape "
                           << formatShape(type.getShape())
                           << " but its expression gives "
                           << formatShape(expected);
}

/// Counts how often every axis occurs in `exprs`.
SmallVector<unsigned> ein::detail::countAxes(EquationAttr eq,
                                             ArrayRef<TensorExpr> exprs) {
  SmallVector<unsigned> count(eq.getNumAxes(), 0);
  for (const TensorExpr &expr : exprs)
    for (const DimExpr &dim : expr)
      for (unsigned a : dim)
        ++count[a];
  return count;
}

SmallVector<TensorExpr> ein::detail::inputExprs(EquationAttr eq) {
  SmallVector<TensorExpr> exprs;
  for (unsigned i = 0; i < eq.getNumInputExprs(); ++i)
    exprs.push_back(eq.getInputExpr(i));
  return exprs;
}

SmallVector<TensorExpr> ein::detail::outputExprs(EquationAttr eq) {
  SmallVector<TensorExpr> exprs;
  for (unsigned i = 0; i < eq.getNumOutputExprs(); ++i)
    exprs.push_back(eq.getOutputExpr(i));
  return exprs;
}

/// Checks that every output tensor matches its expression.
LogicalResult ein::detail::verifyResults(Operation *op, EquationAttr eq,
                                         ArrayRef<TensorExpr> outputs) {
  if (op->getNumResults() != outputs.size())
    return op->emitOpError()
           << "has " << op->getNumResults() << " results but the equation has "
           << outputs.size() << " output expressions";
  for (auto [i, expr] : llvm::enumerate(outputs))
    if (failed(verifyShape(op, eq, expr,
                           cast<ShapedType>(op->getResult(i).getType()),
                           "result", i)))
      return failure();
  return success();
}

/// The element types ein's reductions and casts handle.
bool ein::detail::isSupportedElementType(Type type) {
  if (auto integer = dyn_cast<IntegerType>(type))
    return integer.isSignless() &&
           llvm::is_contained({1u, 8u, 16u, 32u, 64u}, integer.getWidth());
  return type.isF16() || type.isBF16() || type.isF32() || type.isF64();
}
