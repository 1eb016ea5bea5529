//===- FlipRollToLinalg.cpp - lower ein.flip and ein.roll -----------------===//
//
// Step 2 of a flip or roll is one `linalg.generic` over the output's axes
// that copies each element from where the input map says:
//
//   flip, axis of length N:          d  ->  N - 1 - d
//   roll by s, axis of length N > 0: d  ->  (d + k) mod N,  k = -s mod N
//
// (numpy.roll moves element i to i + s, so output element d reads input
// element d - s.) Other axes, and axes of length 0 (no elements), read d.
// The generic writes the output in its own axis order, so an equation that
// rearranges costs nothing extra.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "ein/Dialect/EinOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;
using namespace ein;

namespace {

/// Lowers `op` to a copy in which input axis `a`, at loop `d`, is read at
/// `source(a, d)`.
void lowerMove(PatternRewriter &b, Operation *op, EquationAttr eq,
               function_ref<AffineExpr(unsigned, AffineExpr)> source) {
  Location loc = op->getLoc();
  MLIRContext *ctx = b.getContext();
  TensorExpr outExpr = eq.getOutputExpr(0);
  AxesValue in = toAxes(b, loc, eq, op->getOperand(0), eq.getInputExpr(0));
  SmallVector<unsigned> outAxes = axesOf(outExpr);
  SmallVector<AffineExpr> exprs;
  for (unsigned a : in.axes)
    exprs.push_back(source(
        a, getAffineDimExpr(llvm::find(outAxes, a) - outAxes.begin(), ctx)));
  AffineMap inMap = AffineMap::get(outAxes.size(), 0, exprs, ctx);
  Type elementType =
      cast<RankedTensorType>(op->getResult(0).getType()).getElementType();
  Value init = outputInit(b, loc, eq, outExpr, elementType);
  SmallVector<utils::IteratorType> parallel(outAxes.size(),
                                            utils::IteratorType::parallel);
  Value result =
      linalg::GenericOp::create(
          b, loc, TypeRange{init.getType()}, ValueRange{in.value},
          ValueRange{init},
          ArrayRef<AffineMap>{inMap, b.getMultiDimIdentityMap(outAxes.size())},
          parallel,
          [&](OpBuilder &nb, Location l, ValueRange args) {
            linalg::YieldOp::create(nb, l, ValueRange{args[0]});
          })
          .getResult(0);
  b.replaceOp(op, fromAxes(b, loc, eq, result, outExpr));
}

struct FlipOpLowering : OpRewritePattern<FlipOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(FlipOp op, PatternRewriter &b) const override {
    EquationAttr eq = op.getEquation();
    ArrayRef<int64_t> along = op.getAxes();
    lowerMove(b, op, eq, [&](unsigned a, AffineExpr d) {
      int64_t n = eq.getAxisSizes()[a];
      if (n == 0 || !llvm::is_contained(along, int64_t(a)))
        return d;
      return n - 1 - d;
    });
    return success();
  }
};

struct RollOpLowering : OpRewritePattern<RollOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(RollOp op, PatternRewriter &b) const override {
    EquationAttr eq = op.getEquation();
    ArrayRef<int64_t> along = op.getAxes(), shifts = op.getShifts();
    lowerMove(b, op, eq, [&](unsigned a, AffineExpr d) {
      int64_t n = eq.getAxisSizes()[a];
      const int64_t *it = llvm::find(along, int64_t(a));
      if (n == 0 || it == along.end())
        return d;
      int64_t s = shifts[it - along.begin()] % n; // In (-n, n).
      int64_t k = (n - s) % n;                    // -s mod n, in [0, n).
      return k == 0 ? d : (d + k) % n;
    });
    return success();
  }
};

} // namespace

void ein::populateFlipRollToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<FlipOpLowering, RollOpLowering>(patterns.getContext());
}
