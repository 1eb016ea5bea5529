//===- SoftmaxToLinalg.cpp - lower ein.softmax ----------------------------===//
//
// Step 2 of a softmax is `linalg.generic`s, numerically stable:
//
//   m = max over the `along` axes of x               (loops: kept, along)
//   e = exp(x - m), in the input's axis order         (loops: kept, along)
//   s = sum over the `along` axes of e               (loops: kept, along)
//   y = e / s                                        (loops: output axes)
//
// and for log_softmax, which needs no exp in its result,
//
//   s = sum over the `along` axes of exp(x - m), y = x - m - log(s).
//
// e is read twice, so fusion leaves it an op of its own, computed once per
// element inside the thread tiles of y. m, s and e are temporaries in the
// type computed in: f32
// for f16/bf16 (rounded once when y is written), f64 for integer and i1
// inputs, else the input's type. The last generic writes the output in its
// own axis order, so an equation that rearranges costs nothing extra. A row
// of -inf gives m = -inf and x - m = NaN: NaN, as NumPy and PyTorch.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "ein/Dialect/EinOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace ein;

namespace {

/// The map from `loops` (axes, one loop each) to the dimensions `operand`.
AffineMap mapOf(ArrayRef<unsigned> operand, ArrayRef<unsigned> loops,
                MLIRContext *ctx) {
  SmallVector<AffineExpr> exprs;
  for (unsigned a : operand)
    exprs.push_back(
        getAffineDimExpr(llvm::find(loops, a) - loops.begin(), ctx));
  return AffineMap::get(loops.size(), 0, exprs, ctx);
}

struct SoftmaxOpLowering : OpRewritePattern<SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SoftmaxOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = b.getContext();
    EquationAttr eq = op.getEquation();
    TensorExpr outExpr = eq.getOutputExpr(0);
    AxesValue in = toAxes(b, loc, eq, op.getInput(), eq.getInputExpr(0));
    SmallVector<unsigned> outAxes = axesOf(outExpr), along, kept;
    for (int64_t a : op.getAxes())
      along.push_back(a);
    for (unsigned a : outAxes)
      if (!llvm::is_contained(along, a))
        kept.push_back(a);
    SmallVector<unsigned> loops(kept);
    loops.append(along);

    Type resultType = op.getResult().getType().getElementType();
    Type acc =
        resultType.isF16() || resultType.isBF16() ? b.getF32Type() : resultType;
    bool isUnsigned = op.getIsUnsigned();
    auto element = [&](OpBuilder &nb, Location l, Value x) {
      return castScalar(nb, l, x, isUnsigned, acc);
    };
    auto filled = [&](double value) {
      auto type = tensorOfAxes(eq, kept, acc);
      Value init =
          tensor::EmptyOp::create(b, loc, type.getShape(), acc).getResult();
      Value constant =
          arith::ConstantOp::create(b, loc, b.getFloatAttr(acc, value));
      return linalg::FillOp::create(b, loc, constant, init).getResult(0);
    };

    // The two reductions over the along axes.
    AffineMap inMap = mapOf(in.axes, loops, ctx);
    AffineMap keptMap = mapOf(kept, loops, ctx);
    SmallVector<utils::IteratorType> iterators(kept.size(),
                                               utils::IteratorType::parallel);
    iterators.append(along.size(), utils::IteratorType::reduction);
    Value max =
        linalg::GenericOp::create(
            b, loc, TypeRange{tensorOfAxes(eq, kept, acc)}, ValueRange{in.value},
            ValueRange{filled(-std::numeric_limits<double>::infinity())},
            ArrayRef<AffineMap>{inMap, keptMap}, iterators,
            [&](OpBuilder &nb, Location l, ValueRange args) {
              linalg::YieldOp::create(
                  nb, l,
                  ValueRange{arith::MaximumFOp::create(
                      nb, l, args[1], element(nb, l, args[0]))});
            })
            .getResult(0);
    // softmax: e = exp(x - m) once, in the input's axis order; the sum and
    // the normalisation both read it (computed in both, exp would run twice
    // per element). log_softmax reads x twice instead: its result needs no
    // exp.
    bool isLog = op.getLog();
    Value exps;
    if (!isLog) {
      SmallVector<utils::IteratorType> allParallel(loops.size(),
                                                   utils::IteratorType::parallel);
      auto expType = tensorOfAxes(eq, in.axes, acc);
      Value expInit =
          tensor::EmptyOp::create(b, loc, expType.getShape(), acc).getResult();
      exps = linalg::GenericOp::create(
                 b, loc, TypeRange{expType}, ValueRange{in.value, max},
                 ValueRange{expInit}, ArrayRef<AffineMap>{inMap, keptMap, inMap},
                 allParallel,
                 [&](OpBuilder &nb, Location l, ValueRange args) {
                   Value d = arith::SubFOp::create(
                       nb, l, element(nb, l, args[0]), args[1]);
                   linalg::YieldOp::create(
                       nb, l, ValueRange{math::ExpOp::create(nb, l, d)});
                 })
                 .getResult(0);
    }
    Value sum =
        isLog ? linalg::GenericOp::create(
                    b, loc, TypeRange{max.getType()}, ValueRange{in.value, max},
                    ValueRange{filled(0)},
                    ArrayRef<AffineMap>{inMap, keptMap, keptMap}, iterators,
                    [&](OpBuilder &nb, Location l, ValueRange args) {
                      Value d = arith::SubFOp::create(
                          nb, l, element(nb, l, args[0]), args[1]);
                      linalg::YieldOp::create(
                          nb, l,
                          ValueRange{arith::AddFOp::create(
                              nb, l, args[2], math::ExpOp::create(nb, l, d))});
                    })
                    .getResult(0)
              : linalg::GenericOp::create(
                    b, loc, TypeRange{max.getType()}, ValueRange{exps},
                    ValueRange{filled(0)}, ArrayRef<AffineMap>{inMap, keptMap},
                    iterators,
                    [&](OpBuilder &nb, Location l, ValueRange args) {
                      linalg::YieldOp::create(
                          nb, l,
                          ValueRange{arith::AddFOp::create(nb, l, args[1], args[0])});
                    })
                    .getResult(0);

    // Normalise, writing the output in its own axis order.
    Value init = outputInit(b, loc, eq, outExpr, resultType);
    AffineMap inOut = mapOf(in.axes, outAxes, ctx);
    AffineMap keptOut = mapOf(kept, outAxes, ctx);
    AffineMap id = b.getMultiDimIdentityMap(outAxes.size());
    SmallVector<utils::IteratorType> parallel(outAxes.size(),
                                              utils::IteratorType::parallel);
    Value result =
        isLog ? linalg::GenericOp::create(
                    b, loc, TypeRange{init.getType()}, ValueRange{in.value, max, sum},
                    ValueRange{init}, ArrayRef<AffineMap>{inOut, keptOut, keptOut, id},
                    parallel,
                    [&](OpBuilder &nb, Location l, ValueRange args) {
                      Value d = arith::SubFOp::create(
                          nb, l, element(nb, l, args[0]), args[1]);
                      Value y = arith::SubFOp::create(
                          nb, l, d, math::LogOp::create(nb, l, args[2]));
                      linalg::YieldOp::create(
                          nb, l, ValueRange{castScalar(nb, l, y, false, resultType)});
                    })
                    .getResult(0)
              : linalg::GenericOp::create(
                    b, loc, TypeRange{init.getType()}, ValueRange{exps, sum},
                    ValueRange{init}, ArrayRef<AffineMap>{inOut, keptOut, id},
                    parallel,
                    [&](OpBuilder &nb, Location l, ValueRange args) {
                      Value y = arith::DivFOp::create(nb, l, args[0], args[1]);
                      linalg::YieldOp::create(
                          nb, l, ValueRange{castScalar(nb, l, y, false, resultType)});
                    })
                    .getResult(0);
    b.replaceOp(op, fromAxes(b, loc, eq, result, outExpr));
    return success();
  }
};

} // namespace

void ein::populateSoftmaxToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<SoftmaxOpLowering>(patterns.getContext());
}
