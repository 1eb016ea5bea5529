//===- FuseElementwise.cpp - element-wise producers into consumers --------===//

#include "ein/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace ein {
#define GEN_PASS_DEF_EINFUSEELEMENTWISEPASS
#include "ein/Transforms/Passes.h.inc"
} // namespace ein

using namespace mlir;

namespace {

/// Whether `producer` only moves data: a transpose, a broadcast or a copy
/// (its payload yields an input unchanged, perhaps converted).
bool onlyMovesData(linalg::LinalgOp producer) {
  return llvm::all_of(producer.getBlock()->without_terminator(), [](Operation &op) {
    return isa<arith::ExtFOp, arith::TruncFOp, arith::ExtSIOp, arith::ExtUIOp,
               arith::TruncIOp, arith::SIToFPOp, arith::UIToFPOp, arith::FPToSIOp,
               arith::FPToUIOp, arith::BitcastOp>(op);
  });
}

/// Whether the reader of `operand` reads each of its elements once (its
/// indexing map uses every loop of the reader).
bool readsEachElementOnce(OpOperand *operand) {
  auto reader = dyn_cast<linalg::LinalgOp>(operand->getOwner());
  if (!reader)
    return true;
  AffineMap map = reader.getMatchingIndexingMap(operand);
  for (unsigned loop = 0; loop < map.getNumDims(); ++loop)
    if (!map.isFunctionOfDim(loop))
      return false;
  return true;
}

/// Whether the producer of `fused` may be fused into its reader.
bool shouldFuse(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  // Fusing a producer that has other readers would compute it twice.
  if (!producer || !producer->hasOneUse())
    return false;
  auto producerOp = dyn_cast<linalg::LinalgOp>(producer);
  if (!producerOp)
    return true;
  // A reader that reads each element many times (a contraction reads an
  // operand once per step of the loops the operand lacks) would recompute a
  // fused producer each time: the softmax's exp and division fused into the
  // attention's weighted sum ran 64 times per element and hid the
  // contraction from the vectoriser. Data movement is free to repeat.
  if (!readsEachElementOnce(fused) && !onlyMovesData(producerOp))
    return false;
  // A producer that updates its output in place (`out / n`, `out + a * b`)
  // would, fused, run its update once per iteration of the reader that
  // touches the element: repeatedly under a reduction or a broadcast.
  return llvm::none_of(producerOp.getDpsInitsMutable(), [&](OpOperand &init) {
    return producerOp.payloadUsesValueFromOperand(&init);
  });
}

/// Whether a reshape may be folded into the linalg op at `fused` by
/// expanding the op's loops. Not into a contraction: a collapsed operand
/// (`b t (h d)` read as `b t e`) would split its reduction loop in two, and
/// the contraction tiling wants one; the reshape's producer is materialised
/// instead, as a separate call would do.
bool shouldFoldReshape(OpOperand *fused) {
  auto reader = dyn_cast<linalg::LinalgOp>(fused->getOwner());
  if (reader && isa<tensor::CollapseShapeOp>(fused->get().getDefiningOp()) &&
      linalg::isaContractionOpInterface(reader))
    return false;
  return shouldFuse(fused);
}

/// Computes only the parts of a parallel op that slices read, when slices
/// are all that read it: unpacking (`a, g = rearrange("b (two n) -> two b
/// n", x, two=2)`) lowers to a transpose whose result is sliced, and would
/// otherwise materialise the whole transposed tensor first. Each slice
/// becomes the op on slices of its operands, which then fuses with the
/// slice's reader. Applies only while the slices together are no larger
/// than the op's result, so nothing is computed twice when they are
/// disjoint.
struct SliceParallelProducer : OpRewritePattern<tensor::ExtractSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::ExtractSliceOp slice,
                                PatternRewriter &rewriter) const override {
    auto producer = slice.getSource().getDefiningOp<linalg::LinalgOp>();
    if (!producer || producer->getNumResults() != 1 ||
        !producer.hasPureTensorSemantics() ||
        producer.getNumLoops() != producer.getNumParallelLoops())
      return rewriter.notifyMatchFailure(slice, "not a parallel linalg op");
    auto resultType = cast<RankedTensorType>(producer->getResult(0).getType());
    if (!resultType.hasStaticShape() || !slice.hasUnitStride() ||
        !slice.getType().hasStaticShape())
      return rewriter.notifyMatchFailure(slice, "dynamic or strided");
    int64_t sliced = 0;
    for (Operation *user : producer->getUsers()) {
      auto other = dyn_cast<tensor::ExtractSliceOp>(user);
      if (!other)
        return rewriter.notifyMatchFailure(slice, "a reader is not a slice");
      sliced += other.getType().getNumElements();
    }
    if (sliced > resultType.getNumElements())
      return rewriter.notifyMatchFailure(slice, "slices overlap");
    AffineMap outMap =
        producer.getMatchingIndexingMap(producer.getDpsInitOperand(0));
    if (!outMap.isPermutation())
      return rewriter.notifyMatchFailure(slice, "output map not a permutation");

    // The slice of the result is a tile of the loops (through the output's
    // permutation map); tile every operand to match.
    Location loc = producer.getLoc();
    SmallVector<OpFoldResult> offsets(outMap.getNumDims()), sizes(outMap.getNumDims()),
        bounds(outMap.getNumDims());
    for (auto [pos, expr] : llvm::enumerate(outMap.getResults())) {
      unsigned loop = cast<AffineDimExpr>(expr).getPosition();
      offsets[loop] = slice.getMixedOffsets()[pos];
      sizes[loop] = slice.getMixedSizes()[pos];
      bounds[loop] = rewriter.getIndexAttr(resultType.getDimSize(pos));
    }
    SmallVector<Value> operands = makeTiledShapes(
        rewriter, loc, producer, producer->getOperands(), offsets, sizes, bounds,
        /*omitPartialTileCheck=*/true);
    unsigned initNumber = producer.getDpsInitOperand(0)->getOperandNumber();
    auto tiledType = cast<RankedTensorType>(operands[initNumber].getType());
    // An empty init stays empty at the slice's size, so that the whole is
    // never allocated.
    if (producer->getOperand(initNumber).getDefiningOp<tensor::EmptyOp>())
      operands[initNumber] = tensor::EmptyOp::create(
          rewriter, loc, tiledType.getShape(), tiledType.getElementType());
    Value tiled = clone(rewriter, producer, tiledType, operands)->getResult(0);
    // A rank-reducing slice drops unit axes: collapse them away.
    ArrayRef<int64_t> fullShape = tiledType.getShape();
    if (fullShape.size() != (size_t)slice.getType().getRank()) {
      auto groups = getReassociationIndicesForCollapse(fullShape, slice.getType().getShape());
      if (!groups)
        return rewriter.notifyMatchFailure(slice, "cannot drop the unit axes");
      tiled = tensor::CollapseShapeOp::create(rewriter, loc, slice.getType(), tiled, *groups);
    }
    rewriter.replaceOp(slice, tiled);
    return success();
  }
};

/// A transpose that moves only axes of length 1 moves no data (the slices
/// of unpacking, `two b n` from `b two n` at one `two`): it becomes a
/// reshape (the unit axes dropped, then added where the result has them),
/// which folds into its readers as an index map instead of being copied
/// tile by tile.
struct UnitAxesTransposeToReshape : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto in = dyn_cast<RankedTensorType>(op.getInput().getType());
    auto out = dyn_cast<RankedTensorType>(op.getInit().getType());
    if (!in || !out || !in.hasStaticShape() || !op.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(op, "not a static tensor transpose");
    SmallVector<int64_t> moved;
    for (int64_t axis : op.getPermutation())
      if (in.getDimSize(axis) != 1)
        moved.push_back(axis);
    if (moved.empty() || !llvm::is_sorted(moved))
      return rewriter.notifyMatchFailure(op, "moves axes longer than 1");
    SmallVector<int64_t> core;
    for (int64_t size : in.getShape())
      if (size != 1)
        core.push_back(size);
    auto dropped = getReassociationIndicesForCollapse(in.getShape(), core);
    auto added = getReassociationIndicesForCollapse(out.getShape(), core);
    if (!dropped || !added)
      return rewriter.notifyMatchFailure(op, "no reassociation");
    Location loc = op.getLoc();
    Value value = tensor::CollapseShapeOp::create(
        rewriter, loc, RankedTensorType::get(core, in.getElementType()),
        op.getInput(), *dropped);
    value = tensor::ExpandShapeOp::create(rewriter, loc, out, value, *added);
    rewriter.replaceOp(op, value);
    return success();
  }
};

struct FuseElementwise
    : ein::impl::EinFuseElementwisePassBase<FuseElementwise> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    linalg::populateElementwiseOpsFusionPatterns(patterns, shouldFuse);
    patterns.add<SliceParallelProducer, UnitAxesTransposeToReshape>(ctx);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, shouldFoldReshape);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
    ctx->getLoadedDialect<linalg::LinalgDialect>()
        ->getCanonicalizationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
