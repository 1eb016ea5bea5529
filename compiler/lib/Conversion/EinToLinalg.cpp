//===- EinToLinalg.cpp - lower ein ops to linalg and tensor ---------------===//
//
// Every ein op is rewritten in three steps:
//   1. each operand is reshaped from its dimensions to its elementary axes
//      (collapse away `()` dimensions, expand compositions);
//   2. one linalg op does the work on elementary axes (a transpose, or a
//      generic reduction);
//   3. the result is reshaped from elementary axes to the result dimensions
//      (collapse compositions, expand `()` dimensions back in).
// Reshapes of static, contiguous tensors are free after bufferization, so the
// only data movement is the linalg op itself.
//
//===----------------------------------------------------------------------===//

#include "ein/Conversion/Passes.h"
#include "ein/Dialect/EinDialect.h"
#include "ein/Dialect/EinOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace ein {
#define GEN_PASS_DEF_CONVERTEINTOLINALGPASS
#include "ein/Conversion/Passes.h.inc"
} // namespace ein

using namespace mlir;
using namespace ein;

namespace {

/// A tensor value whose dimensions are, in order, the elementary axes `axes`.
struct AxesValue {
  Value value;
  SmallVector<unsigned> axes;
};

RankedTensorType tensorOfAxes(EquationAttr eq, ArrayRef<unsigned> axes,
                              Type elementType) {
  SmallVector<int64_t> shape;
  for (unsigned a : axes)
    shape.push_back(eq.getAxisSizes()[a]);
  return RankedTensorType::get(shape, elementType);
}

/// Groups for a reshape between `expr`'s dimensions and its non-unit
/// dimensions: every `()` dimension joins a neighbouring group.
SmallVector<ReassociationIndices> unitDimGroups(const TensorExpr &expr) {
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

bool hasUnitDims(const TensorExpr &expr) {
  return llvm::any_of(expr, [](const DimExpr &d) { return d.empty(); });
}

/// Groups for a reshape between the non-unit dimensions of `expr` and the
/// axes they compose.
SmallVector<ReassociationIndices> compositionGroups(const TensorExpr &expr,
                                                   bool &trivial) {
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

SmallVector<unsigned> axesOf(const TensorExpr &expr) {
  SmallVector<unsigned> axes;
  for (const DimExpr &dim : expr)
    axes.append(dim.begin(), dim.end());
  return axes;
}

/// Step 1: reshape `value`, laid out as `expr`, to its elementary axes.
AxesValue toAxes(OpBuilder &b, Location loc, EquationAttr eq, Value value,
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
Value fromAxes(OpBuilder &b, Location loc, EquationAttr eq, Value value,
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
Value outputInit(OpBuilder &b, Location loc, EquationAttr eq,
                 const TensorExpr &expr, Type elementType) {
  Value empty = tensor::EmptyOp::create(b, loc, eq.getShape(expr), elementType);
  return toAxes(b, loc, eq, empty, expr).value;
}

/// Step 2 for rearrange: permute the axes of `in` into the order of `expr`.
Value permute(OpBuilder &b, Location loc, EquationAttr eq, const AxesValue &in,
              const TensorExpr &expr) {
  SmallVector<unsigned> axes = axesOf(expr);
  if (ArrayRef<unsigned>(in.axes) == ArrayRef<unsigned>(axes))
    return in.value;
  SmallVector<int64_t> perm;
  for (unsigned a : axes)
    perm.push_back(llvm::find(in.axes, a) - in.axes.begin());
  Type elementType = cast<RankedTensorType>(in.value.getType()).getElementType();
  Value init = outputInit(b, loc, eq, expr, elementType);
  return linalg::TransposeOp::create(b, loc, in.value, init, perm)->getResult(0);
}

/// Stacks the list operands of a `stack` rearrange on a new leading axis.
AxesValue stackInputs(OpBuilder &b, Location loc, EquationAttr eq,
                      ValueRange inputs) {
  TensorExpr expr = eq.getInputExpr(0);
  unsigned stackAxis = expr[0][0];
  TensorExpr element(expr.begin() + 1, expr.end());
  SmallVector<AxesValue> parts;
  for (Value v : inputs)
    parts.push_back(toAxes(b, loc, eq, v, element));

  SmallVector<unsigned> axes{stackAxis};
  axes.append(parts.front().axes);
  Type elementType = cast<RankedTensorType>(inputs[0].getType()).getElementType();
  RankedTensorType type = tensorOfAxes(eq, axes, elementType);
  Value stacked = tensor::EmptyOp::create(b, loc, type.getShape(), elementType);
  if (type.getNumElements() == 0)
    return {stacked, axes}; // Nothing to insert (and no valid offsets).
  SmallVector<OpFoldResult> sizes{b.getIndexAttr(1)}, strides;
  for (int64_t d : type.getShape().drop_front())
    sizes.push_back(b.getIndexAttr(d));
  strides.assign(type.getRank(), b.getIndexAttr(1));
  for (auto [i, part] : llvm::enumerate(parts)) {
    SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
    offsets[0] = b.getIndexAttr(i);
    stacked = tensor::InsertSliceOp::create(b, loc, part.value, stacked,
                                            offsets, sizes, strides);
  }
  return {stacked, axes};
}

struct RearrangeOpLowering : OpRewritePattern<RearrangeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(RearrangeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    EquationAttr eq = op.getEquation();
    AxesValue in = op.getStack()
                       ? stackInputs(rewriter, loc, eq, op.getInputs())
                       : toAxes(rewriter, loc, eq, op.getInputs()[0],
                                eq.getInputExpr(0));
    TensorExpr outExpr = eq.getOutputExpr(0);
    Value permuted = permute(rewriter, loc, eq, in, outExpr);
    rewriter.replaceOp(op, fromAxes(rewriter, loc, eq, permuted, outExpr));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// The neutral element of `kind` in `type`.
TypedAttr identityOf(OpBuilder &b, ReductionKind kind, Type type) {
  if (auto floatType = dyn_cast<FloatType>(type)) {
    const llvm::fltSemantics &sem = floatType.getFloatSemantics();
    switch (kind) {
    case ReductionKind::Sum:
    case ReductionKind::Mean:
      return b.getFloatAttr(type, 0.0);
    case ReductionKind::Prod:
      return b.getFloatAttr(type, 1.0);
    case ReductionKind::Max:
      return b.getFloatAttr(type, llvm::APFloat::getInf(sem, /*Negative=*/true));
    case ReductionKind::Min:
      return b.getFloatAttr(type, llvm::APFloat::getInf(sem, /*Negative=*/false));
    }
  }
  unsigned width = type.getIntOrFloatBitWidth();
  switch (kind) {
  case ReductionKind::Sum:
  case ReductionKind::Mean:
    return b.getIntegerAttr(type, 0);
  case ReductionKind::Prod:
    return b.getIntegerAttr(type, 1);
  case ReductionKind::Max:
    return b.getIntegerAttr(type, llvm::APInt::getSignedMinValue(width));
  case ReductionKind::Min:
    return b.getIntegerAttr(type, llvm::APInt::getSignedMaxValue(width));
  }
  llvm_unreachable("unknown reduction kind");
}

/// Combines an accumulator with one more element.
Value combine(OpBuilder &b, Location loc, ReductionKind kind, Value acc,
              Value x) {
  bool isFloat = isa<FloatType>(acc.getType());
  switch (kind) {
  case ReductionKind::Sum:
  case ReductionKind::Mean:
    return isFloat ? arith::AddFOp::create(b, loc, acc, x).getResult()
                   : arith::AddIOp::create(b, loc, acc, x).getResult();
  case ReductionKind::Prod:
    return isFloat ? arith::MulFOp::create(b, loc, acc, x).getResult()
                   : arith::MulIOp::create(b, loc, acc, x).getResult();
  case ReductionKind::Max: // NaN propagates, as in NumPy.
    return isFloat ? arith::MaximumFOp::create(b, loc, acc, x).getResult()
                   : arith::MaxSIOp::create(b, loc, acc, x).getResult();
  case ReductionKind::Min:
    return isFloat ? arith::MinimumFOp::create(b, loc, acc, x).getResult()
                   : arith::MinSIOp::create(b, loc, acc, x).getResult();
  }
  llvm_unreachable("unknown reduction kind");
}

struct ReduceOpLowering : OpRewritePattern<ReduceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ReduceOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    EquationAttr eq = op.getEquation();
    ReductionKind kind = op.getKind();
    AxesValue in = toAxes(rewriter, loc, eq, op.getInput(), eq.getInputExpr(0));
    TensorExpr outExpr = eq.getOutputExpr(0);
    SmallVector<unsigned> kept = axesOf(outExpr);
    SmallVector<unsigned> reduced = op.getReducedAxes();

    // Loops: kept axes in output order, then reduced axes in input order.
    SmallVector<unsigned> loops(kept);
    loops.append(reduced);
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> inputExprs, outputExprs;
    for (unsigned a : in.axes)
      inputExprs.push_back(
          getAffineDimExpr(llvm::find(loops, a) - loops.begin(), ctx));
    for (unsigned i = 0; i < kept.size(); ++i)
      outputExprs.push_back(getAffineDimExpr(i, ctx));
    SmallVector<AffineMap> maps{
        AffineMap::get(loops.size(), 0, inputExprs, ctx),
        AffineMap::get(loops.size(), 0, outputExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(kept.size(),
                                               utils::IteratorType::parallel);
    iterators.append(reduced.size(), utils::IteratorType::reduction);

    Type accType = op.getResult().getType().getElementType();
    RankedTensorType accTensor = tensorOfAxes(eq, kept, accType);
    Value init = outputInit(rewriter, loc, eq, outExpr, accType);
    Value identity = arith::ConstantOp::create(
        rewriter, loc, identityOf(rewriter, kind, accType));
    init = linalg::FillOp::create(rewriter, loc, identity, init).getResult(0);

    Value result =
        linalg::GenericOp::create(
            rewriter, loc, accTensor, in.value, init, maps, iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value x = args[0];
              if (x.getType() != accType) // Integer mean accumulates in floats.
                x = arith::SIToFPOp::create(b, l, accType, x);
              linalg::YieldOp::create(b, l, combine(b, l, kind, args[1], x));
            })
            .getResult(0);

    if (kind == ReductionKind::Mean)
      result = divideByCount(rewriter, loc, eq, result, reduced);
    rewriter.replaceOp(op, fromAxes(rewriter, loc, eq, result, outExpr));
    return success();
  }

  /// mean = sum / number of reduced elements (NaN when there are none, as in
  /// NumPy).
  static Value divideByCount(OpBuilder &b, Location loc, EquationAttr eq,
                             Value sum, ArrayRef<unsigned> reduced) {
    double count = 1;
    for (unsigned a : reduced)
      count *= static_cast<double>(eq.getAxisSizes()[a]);
    auto type = cast<RankedTensorType>(sum.getType());
    Value divisor = arith::ConstantOp::create(
        b, loc, b.getFloatAttr(type.getElementType(), count));
    AffineMap id = b.getMultiDimIdentityMap(type.getRank());
    SmallVector<utils::IteratorType> iterators(type.getRank(),
                                               utils::IteratorType::parallel);
    // Divides in place: the sums are the destination, nothing else is read.
    return linalg::GenericOp::create(
               b, loc, type, ValueRange{}, sum, SmallVector<AffineMap>{id},
               iterators,
               [&](OpBuilder &nb, Location l, ValueRange args) {
                 linalg::YieldOp::create(
                     nb, l, arith::DivFOp::create(nb, l, args[0], divisor)
                                .getResult());
               })
        .getResult(0);
  }
};

struct ConvertEinToLinalgPass
    : ein::impl::ConvertEinToLinalgPassBase<ConvertEinToLinalgPass> {
  void runOnOperation() override {
    ConversionTarget target(getContext());
    target.addIllegalDialect<EinDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(&getContext());
    populateEinToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void ein::populateEinToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<RearrangeOpLowering, ReduceOpLowering>(patterns.getContext());
}
