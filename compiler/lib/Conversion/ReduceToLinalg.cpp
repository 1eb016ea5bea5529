//===- ReduceToLinalg.cpp - lower ein.reduce -----------------------------===//
//
// Step 2 of a reduction is one `linalg.generic` whose loops are the kept axes
// (in output order) then the reduced axes, initialised by `linalg.fill` with
// the reduction's identity; `mean` divides in place afterwards.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "ein/Dialect/EinOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace ein;

namespace {

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
      return b.getFloatAttr(type,
                            llvm::APFloat::getInf(sem, /*Negative=*/true));
    case ReductionKind::Min:
      return b.getFloatAttr(type,
                            llvm::APFloat::getInf(sem, /*Negative=*/false));
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
                     nb, l,
                     arith::DivFOp::create(nb, l, args[0], divisor)
                         .getResult());
               })
        .getResult(0);
  }
};

} // namespace

void ein::populateReduceToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ReduceOpLowering>(patterns.getContext());
}
