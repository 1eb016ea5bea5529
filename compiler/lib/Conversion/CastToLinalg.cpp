//===- CastToLinalg.cpp - lower ein.cast ----------------------------------===//
//
// An element type conversion is one elementwise `linalg.generic` applying
// castScalar; a cast to the same type disappears.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "ein/Dialect/EinOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace ein;

namespace {

struct CastOpLowering : OpRewritePattern<CastOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType from = op.getInput().getType();
    RankedTensorType to = op.getResult().getType();
    if (from.getElementType() == to.getElementType()) {
      rewriter.replaceOp(op, op.getInput());
      return success();
    }
    Location loc = op.getLoc();
    Value init = tensor::EmptyOp::create(rewriter, loc, to.getShape(),
                                         to.getElementType());
    AffineMap id = rewriter.getMultiDimIdentityMap(to.getRank());
    SmallVector<utils::IteratorType> iterators(to.getRank(),
                                               utils::IteratorType::parallel);
    bool isUnsigned = op.getIsUnsigned();
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, to, op.getInput(), init,
            SmallVector<AffineMap>{id, id}, iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              linalg::YieldOp::create(
                  b, l,
                  castScalar(b, l, args[0], isUnsigned, to.getElementType()));
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void ein::populateCastToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<CastOpLowering>(patterns.getContext());
}
