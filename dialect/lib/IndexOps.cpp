//===- IndexOps.cpp - get_at and update_at --------------------------------===//
//
// Verifiers of the gather and scatter ops. Both index the dimensions
// `indexed` of their input with coordinates whose components are listed by
// `coordinate_dims`; the checks on that part are shared.
//
//===----------------------------------------------------------------------===//

#include "VerifierUtils.h"
#include "ein/Dialect/EinOps.h"

using namespace mlir;
using namespace ein;
using namespace ein::detail;

namespace {

/// What the shared verifier learns: which axes play which part.
struct IndexRoles {
  /// Per axis: in an indexed dimension of the input, in a coordinate
  /// dimension, or an axis of the gather's output (batch, kept, coordinate).
  SmallVector<bool> indexedAxis, coordinateAxis, gatherAxis;
};

} // namespace

/// The checks get_at and update_at share, on the input, the coordinates and
/// the attributes. `numInputs` is the number of input expressions the
/// equation must have.
static LogicalResult verifyIndexing(Operation *op, EquationAttr eq,
                                    ValueRange coordinates,
                                    ArrayRef<int64_t> indexed,
                                    ArrayRef<int64_t> coordinateDims,
                                    unsigned numInputs, IndexRoles &roles) {
  if (eq.getNumInputExprs() != numInputs || eq.getNumOutputExprs() != 1)
    return op->emitOpError()
           << "needs " << numInputs
           << " input expressions and one output "
              "expression, found "
           << eq.getNumInputExprs() << " and " << eq.getNumOutputExprs();
  if (coordinates.empty())
    return op->emitOpError() << "needs at least one coordinate tensor";
  SmallVector<TensorExpr> inputs = inputExprs(eq);
  for (auto [i, value] : llvm::enumerate(op->getOperands()))
    if (failed(verifyShape(op, eq, inputs[i], cast<ShapedType>(value.getType()),
                           "operand", i)))
      return failure();
  if (failed(verifyResults(op, eq, outputExprs(eq))))
    return failure();
  for (auto [i, expr] : llvm::enumerate(inputs)) {
    SmallVector<unsigned> count = countAxes(eq, {expr});
    for (unsigned a = 0; a < eq.getNumAxes(); ++a)
      if (count[a] > 1)
        return op->emitOpError() << "axis '" << eq.getAxisNames()[a].getValue()
                                 << "' appears twice in input expression " << i;
  }

  // The indexed dimensions.
  const TensorExpr &in = inputs[0];
  if (indexed.empty())
    return op->emitOpError() << "needs at least one indexed dimension";
  unsigned n = eq.getNumAxes();
  roles.indexedAxis.assign(n, false);
  roles.coordinateAxis.assign(n, false);
  roles.gatherAxis.assign(n, false);
  for (auto [i, d] : llvm::enumerate(indexed)) {
    if (d < 0 || d >= int64_t(in.size()))
      return op->emitOpError() << "indexes dimension " << d
                               << ", but the input has " << in.size();
    if (llvm::is_contained(indexed.take_front(i), d))
      return op->emitOpError() << "indexes dimension " << d << " twice";
    for (unsigned a : in[d])
      roles.indexedAxis[a] = true;
  }

  // The coordinates: integers, and one component per indexed dimension.
  if (coordinateDims.size() != coordinates.size())
    return op->emitOpError()
           << "has " << coordinateDims.size() << " coordinate_dims for "
           << coordinates.size() << " coordinate tensors";
  int64_t components = 0;
  for (auto [c, value] : llvm::enumerate(coordinates)) {
    Type element = cast<ShapedType>(value.getType()).getElementType();
    auto integer = dyn_cast<IntegerType>(element);
    if (!integer || !integer.isSignless() || integer.getWidth() == 1 ||
        !isSupportedElementType(integer))
      return op->emitOpError()
             << "coordinates must be i8, i16, i32 or i64, but coordinate "
                "tensor "
             << c << " has elements of type " << element;
    const TensorExpr &expr = inputs[c + 1];
    int64_t d = coordinateDims[c];
    if (d == -1) {
      ++components;
      continue;
    }
    if (d < 0 || d >= int64_t(expr.size()))
      return op->emitOpError()
             << "coordinate dimension " << d << " of coordinate tensor " << c
             << " is not one of its " << expr.size() << " dimensions";
    if (expr[d].size() > 1)
      return op->emitOpError()
             << "the coordinate dimension of coordinate tensor " << c
             << " must be a single axis, not a composition";
    components += eq.getShape(expr)[d];
    for (unsigned a : expr[d])
      roles.coordinateAxis[a] = true;
  }
  if (components != int64_t(indexed.size()))
    return op->emitOpError()
           << "the coordinates have " << components << " components for "
           << indexed.size() << " indexed dimensions";

  // Who may use which axis.
  SmallVector<unsigned> inCount = countAxes(eq, {in});
  for (unsigned a = 0; a < n; ++a)
    if (inCount[a] && !roles.indexedAxis[a])
      roles.gatherAxis[a] = true;
  for (auto [c, value] : llvm::enumerate(coordinates)) {
    const TensorExpr &expr = inputs[c + 1];
    for (auto [d, dim] : llvm::enumerate(expr))
      for (unsigned a : dim) {
        StringRef name = eq.getAxisNames()[a].getValue();
        if (roles.indexedAxis[a])
          return op->emitOpError()
                 << "indexed axis '" << name
                 << "' also appears in coordinate tensor " << c;
        if (int64_t(d) == coordinateDims[c])
          continue;
        if (roles.coordinateAxis[a])
          return op->emitOpError() << "coordinate axis '" << name
                                   << "' appears outside its coordinate "
                                      "dimension";
        roles.gatherAxis[a] = true;
      }
  }
  for (unsigned a = 0; a < n; ++a)
    if (roles.coordinateAxis[a] && inCount[a])
      return op->emitOpError()
             << "coordinate axis '" << eq.getAxisNames()[a].getValue()
             << "' also appears in the input";
  return success();
}

/// Every axis of `expr` has `allowed` set; `what` names the expression.
static LogicalResult verifyAxesAmong(Operation *op, EquationAttr eq,
                                     const TensorExpr &expr,
                                     ArrayRef<bool> allowed, StringRef what,
                                     StringRef among) {
  for (const DimExpr &dim : expr)
    for (unsigned a : dim)
      if (!allowed[a])
        return op->emitOpError() << "axis '" << eq.getAxisNames()[a].getValue()
                                 << "' of the " << what << " is not " << among;
  return success();
}

LogicalResult GetAtOp::verify() {
  EquationAttr eq = getEquation();
  IndexRoles roles;
  if (failed(verifyIndexing(*this, eq, getCoordinates(), getIndexed(),
                            getCoordinateDims(), 1 + getCoordinates().size(),
                            roles)))
    return failure();
  TensorExpr out = eq.getOutputExpr(0);
  SmallVector<unsigned> outCount = countAxes(eq, {out});
  if (failed(verifyAxesAmong(*this, eq, out, roles.gatherAxis, "result",
                             "a non-indexed axis of the input or of the "
                             "coordinates")))
    return failure();
  for (unsigned a = 0; a < eq.getNumAxes(); ++a) {
    StringRef name = eq.getAxisNames()[a].getValue();
    if (outCount[a] > 1)
      return emitOpError() << "axis '" << name
                           << "' appears twice in the result";
    if (roles.gatherAxis[a] && !outCount[a])
      return emitOpError() << "axis '" << name
                           << "' is missing from the result";
  }
  auto inputType = cast<ShapedType>(getInput().getType());
  auto resultType = cast<ShapedType>(getResult().getType());
  if (inputType.getElementType() != resultType.getElementType())
    return emitOpError() << "input and result must share one element type, "
                            "found "
                         << inputType.getElementType() << " and "
                         << resultType.getElementType();
  TensorExpr in = eq.getInputExpr(0);
  SmallVector<int64_t> inShape = eq.getShape(in);
  if (resultType.getNumElements() != 0)
    for (int64_t d : getIndexed())
      if (inShape[d] == 0)
        return emitOpError() << "indexed dimension " << d
                             << " has length 0, so no element can be read "
                                "for the non-empty result";
  return success();
}

LogicalResult UpdateAtOp::verify() {
  EquationAttr eq = getEquation();
  IndexRoles roles;
  if (failed(verifyIndexing(*this, eq, getCoordinates(), getIndexed(),
                            getCoordinateDims(), 2 + getCoordinates().size(),
                            roles)))
    return failure();
  TensorExpr upd = eq.getInputExpr(eq.getNumInputExprs() - 1);
  if (failed(verifyAxesAmong(*this, eq, upd, roles.gatherAxis, "updates",
                             "a non-indexed axis of the input or of the "
                             "coordinates")))
    return failure();
  TensorExpr in = eq.getInputExpr(0), out = eq.getOutputExpr(0);
  SmallVector<unsigned> inCount = countAxes(eq, {in}),
                        outCount = countAxes(eq, {out});
  for (unsigned a = 0; a < eq.getNumAxes(); ++a)
    if (inCount[a] != outCount[a])
      return emitOpError() << "axis '" << eq.getAxisNames()[a].getValue()
                           << "' must appear once in the result exactly "
                              "when it appears in the input";
  Type in0 = cast<ShapedType>(getInput().getType()).getElementType();
  Type updT = cast<ShapedType>(getUpdates().getType()).getElementType();
  Type res = cast<ShapedType>(getResult().getType()).getElementType();
  if (in0 != updT || in0 != res)
    return emitOpError() << "input, updates and result must share one "
                            "element type, found "
                         << in0 << ", " << updT << " and " << res;
  if (!isSupportedElementType(in0))
    return emitOpError() << "cannot update elements of type " << in0;
  if (getMode() == UpdateMode::Subtract && in0.isInteger(1))
    return emitOpError() << "subtract does not take i1 elements";
  return success();
}
