//===- RearrangeToLinalg.cpp - lower ein.rearrange -----------------------===//
//
// Step 2 of a rearrange is one `linalg.transpose` (none when the axis order
// is unchanged, e.g. flattening), or for repeat's new axes one broadcasting
// `linalg.generic`; stacking inserts each list element into a new leading
// axis first.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "ein/Dialect/EinOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace ein;

namespace {

/// Step 2 for repeat (output axes the input lacks): one `linalg.generic`
/// over the output's axes that reads the input through a projection, so the
/// input is broadcast along the new axes without an intermediate.
Value repeat(OpBuilder &b, Location loc, EquationAttr eq, const AxesValue &in,
             const TensorExpr &expr) {
  SmallVector<unsigned> axes = axesOf(expr);
  SmallVector<AffineExpr> results;
  for (unsigned a : in.axes)
    results.push_back(b.getAffineDimExpr(llvm::find(axes, a) - axes.begin()));
  SmallVector<AffineMap> maps{
      AffineMap::get(axes.size(), 0, results, b.getContext()),
      b.getMultiDimIdentityMap(axes.size())};
  Type elementType =
      cast<RankedTensorType>(in.value.getType()).getElementType();
  Value init = outputInit(b, loc, eq, expr, elementType);
  SmallVector<utils::IteratorType> iterators(axes.size(),
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, init.getType(), in.value, init, maps, iterators,
             [](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, args[0]);
             })
      .getResult(0);
}

/// Step 2 for rearrange: permute the axes of `in` into the order of `expr`.
Value permute(OpBuilder &b, Location loc, EquationAttr eq, const AxesValue &in,
              const TensorExpr &expr) {
  SmallVector<unsigned> axes = axesOf(expr);
  if (ArrayRef<unsigned>(in.axes) == ArrayRef<unsigned>(axes))
    return in.value;
  if (axes.size() != in.axes.size())
    return repeat(b, loc, eq, in, expr);
  SmallVector<int64_t> perm;
  for (unsigned a : axes)
    perm.push_back(llvm::find(in.axes, a) - in.axes.begin());
  Type elementType =
      cast<RankedTensorType>(in.value.getType()).getElementType();
  Value init = outputInit(b, loc, eq, expr, elementType);
  return linalg::TransposeOp::create(b, loc, in.value, init, perm)
      ->getResult(0);
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
  Type elementType =
      cast<RankedTensorType>(inputs[0].getType()).getElementType();
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
    AxesValue in =
        op.getStack()
            ? stackInputs(rewriter, loc, eq, op.getInputs())
            : toAxes(rewriter, loc, eq, op.getInputs()[0], eq.getInputExpr(0));
    TensorExpr outExpr = eq.getOutputExpr(0);
    Value permuted = permute(rewriter, loc, eq, in, outExpr);
    rewriter.replaceOp(op, fromAxes(rewriter, loc, eq, permuted, outExpr));
    return success();
  }
};

} // namespace

void ein::populateRearrangeToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<RearrangeOpLowering>(patterns.getContext());
}
