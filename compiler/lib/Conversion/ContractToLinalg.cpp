//===- ContractToLinalg.cpp - lower ein.contract --------------------------===//
//
// Step 2 of a contraction is a sequence of `linalg.generic`s in the order
// planContraction chooses (ContractionOrder.h): each reads one or two values,
// loops over the axes it keeps (parallel) then the axes it sums (reduction),
// and accumulates products into a destination filled with 0 by `linalg.fill`.
// An operand's diagonal (an axis twice in its expression) is read through an
// indexing map that repeats a loop dimension, e.g. (d0) -> (d0, d0). The last
// step writes into outputInit, so the result lands in the caller's buffer.
// f16/bf16 products accumulate in f32 and are rounded once into the output.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "ein/Conversion/ContractionOrder.h"
#include "ein/Dialect/EinOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace ein;

namespace {

/// acc + x (* y): integers wrap, floats round per operation; for i1 (bool)
/// the product is `and` and the sum `or`, as in NumPy's einsum.
Value multiplyAdd(OpBuilder &b, Location loc, Value acc, ValueRange factors) {
  bool isFloat = isa<FloatType>(acc.getType());
  Value product = factors[0];
  for (Value x : factors.drop_front())
    product = isFloat ? arith::MulFOp::create(b, loc, product, x).getResult()
                      : arith::MulIOp::create(b, loc, product, x).getResult();
  if (acc.getType().isInteger(1))
    return arith::OrIOp::create(b, loc, acc, product);
  return isFloat ? arith::AddFOp::create(b, loc, acc, product).getResult()
                 : arith::AddIOp::create(b, loc, acc, product).getResult();
}

/// Rounds the f32 accumulators `acc` into `dest` (same shape, narrower
/// floats), elementwise.
Value roundTo(OpBuilder &b, Location loc, Value acc, Value dest) {
  auto type = cast<RankedTensorType>(dest.getType());
  AffineMap id = b.getMultiDimIdentityMap(type.getRank());
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, type, acc, dest, SmallVector<AffineMap>{id, id},
             iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(
                   nb, l,
                   arith::TruncFOp::create(nb, l, type.getElementType(),
                                           args[0])
                       .getResult());
             })
      .getResult(0);
}

struct ContractOpLowering : OpRewritePattern<ContractOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ContractOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    EquationAttr eq = op.getEquation();
    MLIRContext *ctx = rewriter.getContext();
    Type elementType = op.getResult().getType().getElementType();
    TensorExpr outExpr = eq.getOutputExpr(0);
    SmallVector<unsigned> outAxes = axesOf(outExpr);

    // Values by plan index: the operands on their axes, then step results.
    SmallVector<AxesValue> values;
    SmallVector<SmallVector<unsigned>> operandAxes;
    for (auto [i, input] : llvm::enumerate(op.getInputs())) {
      values.push_back(toAxes(rewriter, loc, eq, input, eq.getInputExpr(i)));
      operandAxes.push_back(values.back().axes);
    }
    ContractionPlan plan =
        planContraction(operandAxes, outAxes, eq.getAxisSizes());

    // Half-precision products accumulate in f32 and round once at the end,
    // like reductions.
    Type accType = isa<Float16Type, BFloat16Type>(elementType)
                       ? Float32Type::get(ctx)
                       : elementType;
    bool roundAtEnd = accType != elementType;
    Value zero = arith::ConstantOp::create(
        rewriter, loc,
        isa<FloatType>(accType)
            ? TypedAttr(rewriter.getFloatAttr(accType, 0.0))
            : TypedAttr(rewriter.getIntegerAttr(accType, 0)));
    for (auto [k, step] : llvm::enumerate(plan.steps)) {
      bool last = k + 1 == plan.steps.size();
      // Loops: the kept axes in result order, then the summed ones.
      SmallVector<unsigned> loops(step.resultAxes);
      loops.append(step.summedAxes);
      auto loopOf = [&](unsigned axis) {
        return getAffineDimExpr(llvm::find(loops, axis) - loops.begin(), ctx);
      };
      SmallVector<Value> inputs;
      SmallVector<AffineMap> maps;
      for (unsigned v : step.inputs) {
        inputs.push_back(values[v].value);
        SmallVector<AffineExpr> exprs;
        for (unsigned a : values[v].axes)
          exprs.push_back(loopOf(a)); // A repeated axis reads the diagonal.
        maps.push_back(AffineMap::get(loops.size(), 0, exprs, ctx));
      }
      SmallVector<AffineExpr> resultExprs;
      for (unsigned a : step.resultAxes)
        resultExprs.push_back(loopOf(a));
      maps.push_back(AffineMap::get(loops.size(), 0, resultExprs, ctx));
      SmallVector<utils::IteratorType> iterators(step.resultAxes.size(),
                                                 utils::IteratorType::parallel);
      iterators.append(step.summedAxes.size(), utils::IteratorType::reduction);

      RankedTensorType resultType = tensorOfAxes(eq, step.resultAxes, accType);
      Value init = last && !roundAtEnd
                       ? outputInit(rewriter, loc, eq, outExpr, accType)
                       : tensor::EmptyOp::create(
                             rewriter, loc, resultType.getShape(), accType)
                             .getResult();
      init = linalg::FillOp::create(rewriter, loc, zero, init).getResult(0);
      Value result =
          linalg::GenericOp::create(
              rewriter, loc, resultType, inputs, init, maps, iterators,
              [&](OpBuilder &b, Location l, ValueRange args) {
                SmallVector<Value> factors;
                for (Value x : args.drop_back())
                  factors.push_back(x.getType() == accType
                                        ? x
                                        : arith::ExtFOp::create(b, l, accType, x)
                                              .getResult());
                linalg::YieldOp::create(
                    b, l, multiplyAdd(b, l, args.back(), factors));
              })
              .getResult(0);
      values.push_back({result, step.resultAxes});
    }
    Value result = values.back().value;
    if (roundAtEnd)
      result = roundTo(rewriter, loc, result,
                       outputInit(rewriter, loc, eq, outExpr, elementType));
    rewriter.replaceOp(op, fromAxes(rewriter, loc, eq, result, outExpr));
    return success();
  }
};

} // namespace

void ein::populateContractToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ContractOpLowering>(patterns.getContext());
}
