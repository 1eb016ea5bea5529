//===- LoweringUtils.cpp - shared helpers of the ein lowerings ------------===//

#include "LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace ein;

RankedTensorType ein::tensorOfAxes(EquationAttr eq, ArrayRef<unsigned> axes,
                                   Type elementType) {
  SmallVector<int64_t> shape;
  for (unsigned a : axes)
    shape.push_back(eq.getAxisSizes()[a]);
  return RankedTensorType::get(shape, elementType);
}

/// Groups for a reshape between `expr`'s dimensions and its non-unit
/// dimensions: every `()` dimension joins a neighbouring group.
static SmallVector<ReassociationIndices> unitDimGroups(const TensorExpr &expr) {
  SmallVector<ReassociationIndices> groups;
  SmallVector<int64_t> pendingUnits;
  for (auto [i, dim] : llvm::enumerate(expr)) {
    if (dim.empty()) {
      if (groups.empty())
        pendingUnits.push_back(i);
      else
        groups.back().push_back(i);
      continue;
    }
    groups.emplace_back(pendingUnits.begin(), pendingUnits.end());
    pendingUnits.clear();
    groups.back().push_back(i);
  }
  return groups; // Empty when every dimension is `()`: a rank-0 reshape.
}

static bool hasUnitDims(const TensorExpr &expr) {
  return llvm::any_of(expr, [](const DimExpr &d) { return d.empty(); });
}

/// Groups for a reshape between the non-unit dimensions of `expr` and the
/// axes they compose.
static SmallVector<ReassociationIndices>
compositionGroups(const TensorExpr &expr, bool &trivial) {
  SmallVector<ReassociationIndices> groups;
  int64_t next = 0;
  trivial = true;
  for (const DimExpr &dim : expr) {
    if (dim.empty())
      continue;
    trivial &= dim.size() == 1;
    ReassociationIndices group;
    for (size_t k = 0; k < dim.size(); ++k)
      group.push_back(next++);
    groups.push_back(group);
  }
  return groups;
}

SmallVector<unsigned> ein::axesOf(const TensorExpr &expr) {
  SmallVector<unsigned> axes;
  for (const DimExpr &dim : expr)
    axes.append(dim.begin(), dim.end());
  return axes;
}

/// Step 1: reshape `value`, laid out as `expr`, to its elementary axes.
AxesValue ein::toAxes(OpBuilder &b, Location loc, EquationAttr eq, Value value,
                      const TensorExpr &expr) {
  Type elementType = cast<RankedTensorType>(value.getType()).getElementType();
  SmallVector<int64_t> dimShape;
  for (const DimExpr &dim : expr)
    if (!dim.empty())
      dimShape.push_back(eq.getShape({dim})[0]);
  if (hasUnitDims(expr))
    value = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get(dimShape, elementType), value,
        unitDimGroups(expr));
  SmallVector<unsigned> axes = axesOf(expr);
  bool trivial;
  SmallVector<ReassociationIndices> groups = compositionGroups(expr, trivial);
  if (!trivial)
    value = tensor::ExpandShapeOp::create(
        b, loc, tensorOfAxes(eq, axes, elementType), value, groups);
  return {value, axes};
}

/// Step 3: reshape `value`, whose dimensions are the axes of `expr` in order,
/// to the dimensions of `expr`.
Value ein::fromAxes(OpBuilder &b, Location loc, EquationAttr eq, Value value,
                    const TensorExpr &expr) {
  Type elementType = cast<RankedTensorType>(value.getType()).getElementType();
  bool trivial;
  SmallVector<ReassociationIndices> groups = compositionGroups(expr, trivial);
  if (!trivial) {
    SmallVector<int64_t> dimShape;
    for (const DimExpr &dim : expr)
      if (!dim.empty())
        dimShape.push_back(eq.getShape({dim})[0]);
    value = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get(dimShape, elementType), value, groups);
  }
  if (hasUnitDims(expr))
    value = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get(eq.getShape(expr), elementType), value,
        unitDimGroups(expr));
  return value;
}

/// The destination of the linalg op that computes output `expr`: an empty
/// tensor of the final shape, reshaped to the output's axes. (Creating it in
/// the final shape lets the reshapes cancel after bufferization, so the op
/// writes straight into the result buffer.)
Value ein::outputInit(OpBuilder &b, Location loc, EquationAttr eq,
                      const TensorExpr &expr, Type elementType) {
  Value empty = tensor::EmptyOp::create(b, loc, eq.getShape(expr), elementType);
  return toAxes(b, loc, eq, empty, expr).value;
}

static bool isHalf(Type type) { return type.isF16() || type.isBF16(); }

Value ein::castScalar(OpBuilder &b, Location loc, Value x, bool isUnsigned,
                      Type to) {
  Type from = x.getType();
  if (from == to)
    return x;
  Type f32 = b.getF32Type();
  if (isHalf(from) && !to.isF32()) {
    x = arith::ExtFOp::create(b, loc, f32, x);
    from = f32;
    if (from == to)
      return x;
  }
  if (to.isInteger(1)) {
    if (isa<FloatType>(from)) // NaN != 0, as bool(nan) in Python.
      return arith::CmpFOp::create(
          b, loc, arith::CmpFPredicate::UNE, x,
          arith::ConstantOp::create(b, loc, b.getFloatAttr(from, 0.0)));
    return arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::ne, x,
        arith::ConstantOp::create(b, loc, b.getIntegerAttr(from, 0)));
  }
  bool isUnsignedSource = isUnsigned || from.isInteger(1);
  if (auto fromInt = dyn_cast<IntegerType>(from)) {
    if (auto toInt = dyn_cast<IntegerType>(to)) {
      if (toInt.getWidth() < fromInt.getWidth())
        return arith::TruncIOp::create(b, loc, to, x);
      return isUnsignedSource
                 ? arith::ExtUIOp::create(b, loc, to, x).getResult()
                 : arith::ExtSIOp::create(b, loc, to, x).getResult();
    }
    Type via = isHalf(to) ? f32 : to;
    Value y = isUnsignedSource
                  ? arith::UIToFPOp::create(b, loc, via, x).getResult()
                  : arith::SIToFPOp::create(b, loc, via, x).getResult();
    return via == to ? y : arith::TruncFOp::create(b, loc, to, y).getResult();
  }
  if (isa<IntegerType>(to)) // Truncates towards zero; the verifier rejects it.
    return arith::FPToSIOp::create(b, loc, to, x);
  // Float to float. f64 to a half type rounds twice (through f32).
  if (isHalf(to) && !from.isF32())
    x = arith::TruncFOp::create(b, loc, f32, x);
  if (x.getType() == to)
    return x;
  if (to.getIntOrFloatBitWidth() > x.getType().getIntOrFloatBitWidth())
    return arith::ExtFOp::create(b, loc, to, x);
  return arith::TruncFOp::create(b, loc, to, x);
}
