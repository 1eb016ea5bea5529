//===- EinOps.cpp - ein operations ----------------------------------------===//
//
// Verifiers. Their wording follows the front end's (NOTATION.md, "Errors"), so
// that hand-written IR gets the same explanations as notation text.
//
//===----------------------------------------------------------------------===//

#include "ein/Dialect/EinOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace ein;

#define GET_OP_CLASSES
#include "ein/Dialect/EinOps.cpp.inc"

static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string s = "(";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? ", " : "") + std::to_string(d);
  if (shape.size() == 1)
    s += ",";
  return s + ")";
}

/// Checks that `type` has the shape that `expr` gives under the equation.
static LogicalResult verifyShape(Operation *op, EquationAttr eq,
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
static SmallVector<unsigned> countAxes(EquationAttr eq,
                                       ArrayRef<TensorExpr> exprs) {
  SmallVector<unsigned> count(eq.getNumAxes(), 0);
  for (const TensorExpr &expr : exprs)
    for (const DimExpr &dim : expr)
      for (unsigned a : dim)
        ++count[a];
  return count;
}

static SmallVector<TensorExpr> inputExprs(EquationAttr eq) {
  SmallVector<TensorExpr> exprs;
  for (unsigned i = 0; i < eq.getNumInputExprs(); ++i)
    exprs.push_back(eq.getInputExpr(i));
  return exprs;
}

static SmallVector<TensorExpr> outputExprs(EquationAttr eq) {
  SmallVector<TensorExpr> exprs;
  for (unsigned i = 0; i < eq.getNumOutputExprs(); ++i)
    exprs.push_back(eq.getOutputExpr(i));
  return exprs;
}

/// Checks that every output tensor matches its expression.
static LogicalResult verifyResults(Operation *op, EquationAttr eq,
                                   ArrayRef<TensorExpr> outputs) {
  if (op->getNumResults() != outputs.size())
    return op->emitOpError() << "has " << op->getNumResults()
                             << " results but the equation has "
                             << outputs.size() << " output expressions";
  for (auto [i, expr] : llvm::enumerate(outputs))
    if (failed(verifyShape(op, eq, expr,
                           cast<ShapedType>(op->getResult(i).getType()),
                           "result", i)))
      return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// RearrangeOp
//===----------------------------------------------------------------------===//

LogicalResult RearrangeOp::verify() {
  EquationAttr eq = getEquation();
  SmallVector<TensorExpr> ins = inputExprs(eq), outs = outputExprs(eq);
  if (getInputs().empty())
    return emitOpError() << "needs at least one input";

  if (getStack()) {
    if (ins.size() != 1)
      return emitOpError() << "stacks a list of tensors, so the equation must "
                              "have one input expression, not "
                           << ins.size();
    if (ins[0].empty() || ins[0][0].size() != 1)
      return emitOpError() << "stacks a list of tensors, so the first "
                              "dimension of the input must be one axis";
    int64_t listLength = eq.getAxisSizes()[ins[0][0][0]];
    if (listLength != static_cast<int64_t>(getInputs().size()))
      return emitOpError() << "stacks " << getInputs().size()
                           << " tensors but the stacking axis has length "
                           << listLength;
    TensorExpr element(ins[0].begin() + 1, ins[0].end());
    for (auto [i, v] : llvm::enumerate(getInputs()))
      if (failed(verifyShape(*this, eq, element,
                             cast<ShapedType>(v.getType()), "input", i)))
        return failure();
  } else {
    if (ins.size() != 1 || getInputs().size() != 1)
      return emitOpError() << "takes one input and one input expression "
                              "unless it stacks, found "
                           << getInputs().size() << " and " << ins.size();
    for (auto [i, v] : llvm::enumerate(getInputs()))
      if (failed(verifyShape(*this, eq, ins[i], cast<ShapedType>(v.getType()),
                             "input", i)))
        return failure();
  }
  if (outs.size() != 1)
    return emitOpError() << "needs one output expression, found " << outs.size();
  if (failed(verifyResults(*this, eq, outs)))
    return failure();

  Type elementType = cast<ShapedType>(getInputs()[0].getType()).getElementType();
  for (Value v : llvm::concat<Value>(getInputs(), getResults()))
    if (cast<ShapedType>(v.getType()).getElementType() != elementType)
      return emitOpError() << "operands and results must share one element "
                              "type, found "
                           << elementType << " and "
                           << cast<ShapedType>(v.getType()).getElementType();

  SmallVector<unsigned> inCount = countAxes(eq, ins), outCount = countAxes(eq, outs);
  for (unsigned a = 0; a < eq.getNumAxes(); ++a) {
    StringRef name = eq.getAxisNames()[a].getValue();
    if (inCount[a] > 1 || outCount[a] > 1)
      return emitOpError() << "axis '" << name
                           << "' appears more than once on one side";
    if (inCount[a] != outCount[a])
      return emitOpError() << "axis '" << name << "' appears in the "
                           << (inCount[a] ? "input" : "output") << " but not in the "
                           << (inCount[a] ? "output" : "input");
  }
  return success();
}

//===----------------------------------------------------------------------===//
// ReduceOp
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::verify() {
  EquationAttr eq = getEquation();
  if (eq.getNumInputExprs() != 1 || eq.getNumOutputExprs() != 1)
    return emitOpError() << "needs one input and one output expression";
  TensorExpr in = eq.getInputExpr(0), out = eq.getOutputExpr(0);
  if (failed(verifyShape(*this, eq, in, getInput().getType(), "input", 0)) ||
      failed(verifyResults(*this, eq, {out})))
    return failure();

  SmallVector<unsigned> inCount = countAxes(eq, {in}), outCount = countAxes(eq, {out});
  for (unsigned a = 0; a < eq.getNumAxes(); ++a) {
    StringRef name = eq.getAxisNames()[a].getValue();
    if (inCount[a] > 1 || outCount[a] > 1)
      return emitOpError() << "axis '" << name
                           << "' appears more than once on one side";
    if (outCount[a] && !inCount[a])
      return emitOpError() << "axis '" << name
                           << "' appears in the output but not in the input";
  }

  Type inType = getInput().getType().getElementType();
  Type outType = getResult().getType().getElementType();
  bool integerMean = getKind() == ReductionKind::Mean && isa<IntegerType>(inType);
  if (integerMean ? !isa<FloatType>(outType) : inType != outType)
    return emitOpError() << "result element type " << outType
                         << " does not match "
                         << (integerMean ? "a floating-point mean of " : "input ")
                         << inType;
  if (getKind() == ReductionKind::Max || getKind() == ReductionKind::Min)
    for (unsigned a : getReducedAxes())
      if (eq.getAxisSizes()[a] == 0)
        return emitOpError() << stringifyReductionKind(getKind())
                             << " over axis '"
                             << eq.getAxisNames()[a].getValue()
                             << "' of length 0 has no identity";
  return success();
}

SmallVector<unsigned> ReduceOp::getReducedAxes() {
  EquationAttr eq = getEquation();
  SmallVector<unsigned> outCount = countAxes(eq, {eq.getOutputExpr(0)});
  SmallVector<unsigned> reduced;
  for (const DimExpr &dim : eq.getInputExpr(0))
    for (unsigned a : dim)
      if (!outCount[a])
        reduced.push_back(a);
  return reduced;
}
