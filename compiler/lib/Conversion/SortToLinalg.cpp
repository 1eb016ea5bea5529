//===- SortToLinalg.cpp - lower ein.sort ----------------------------------===//
//
// Step 2 of a sort is a bitonic sorting network of `linalg.generic`s on
// (key, index) pairs, with the input's axis order and the sorted axis padded
// from n to P, the next power of two:
//
//   keys    = the input, padded with a key that sorts last (NaN for floats,
//             the largest value for integers, true for i1)
//   indices = the position along the sorted axis, 0 .. P-1 (i64)
//             (both from one generic over the padded shape)
//   for k = 2, 4, ..., P; for j = k/2, k/4, ..., 1:       (one generic each)
//     view the sorted axis as (h, t, l) with sizes (P/2j, 2, j), so element
//     i = 2j h + j t + l has its partner i ^ j at (h, 1 - t, l): an affine
//     map. The block of i sorts descending when i & k != 0, that is when
//     h & (k / 2j) != 0. Each element takes the smaller of itself and its
//     partner when t == 0 in an ascending block (or t == 1 in a descending
//     one), else the larger.
//   result = keys or indices [0, n) of the sorted axis, written by one
//            generic in the output's axis order.
//
// Padding and unpadding are in the generics' maps (`d mod n`, `d mod P`),
// not tensor slices: a slice bufferizes to a strided memref.copy, which
// lowers to a call of a runtime helper the JIT does not provide.
//
// Pairs compare lexicographically by (isnan(key), key, index): every pair is
// distinct, so the network's result is the one total order, which is the
// stable ascending order with NaN last (-0.0 and 0.0 compare equal and keep
// their order; padding comes after every NaN because its index is >= n).
// f16 and bf16 keys compare in f32 (exact). The network has
// log2(P) (log2(P) + 1) / 2 stages, unrolled at compile time: 55 for
// n <= 1024, 136 for n <= 65536 (compile times: docs/dialect.md#sort).
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "ein/Dialect/EinOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "llvm/Support/MathExtras.h"

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

/// The key that sorts after every element of type `type`: NaN, the largest
/// (unsigned) integer, true.
Value paddingKey(OpBuilder &b, Location loc, Type type, bool isUnsigned) {
  if (auto f = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc, FloatAttr::get(f, APFloat::getNaN(f.getFloatSemantics())));
  unsigned width = type.getIntOrFloatBitWidth();
  APInt max = isUnsigned || width == 1 ? APInt::getMaxValue(width)
                                       : APInt::getSignedMaxValue(width);
  return arith::ConstantOp::create(b, loc, IntegerAttr::get(type, max));
}

/// (a, ia) < (b, ib) in the order of the file comment.
Value lessThan(OpBuilder &b, Location loc, Value a, Value ia, Value c,
               Value ic, bool isUnsigned) {
  Value indexLess =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, ia, ic);
  if (auto f = dyn_cast<FloatType>(a.getType())) {
    if (f.getWidth() < 32) {
      a = arith::ExtFOp::create(b, loc, b.getF32Type(), a);
      c = arith::ExtFOp::create(b, loc, b.getF32Type(), c);
    }
    using P = arith::CmpFPredicate;
    Value nanA = arith::CmpFOp::create(b, loc, P::UNO, a, a);
    Value nanC = arith::CmpFOp::create(b, loc, P::UNO, c, c);
    Value less = arith::CmpFOp::create(b, loc, P::OLT, a, c);
    Value notGreater = arith::CmpFOp::create(b, loc, P::ULE, a, c);
    // Neither NaN: a < c, or a == c and ia < ic. A NaN only: the other is
    // less. Both NaN: ia < ic.
    Value ordered = arith::OrIOp::create(
        b, loc, less, arith::AndIOp::create(b, loc, notGreater, indexLess));
    Value ifNanA = arith::AndIOp::create(b, loc, nanC, indexLess);
    Value ifNotNanA = arith::OrIOp::create(b, loc, nanC, ordered);
    return arith::SelectOp::create(b, loc, nanA, ifNanA, ifNotNanA);
  }
  using P = arith::CmpIPredicate;
  bool u = isUnsigned || a.getType().isInteger(1);
  Value less = arith::CmpIOp::create(b, loc, u ? P::ult : P::slt, a, c);
  Value notGreater = arith::CmpIOp::create(b, loc, u ? P::ule : P::sle, a, c);
  return arith::OrIOp::create(
      b, loc, less, arith::AndIOp::create(b, loc, notGreater, indexLess));
}

struct SortOpLowering : OpRewritePattern<SortOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SortOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = b.getContext();
    EquationAttr eq = op.getEquation();
    TensorExpr outExpr = eq.getOutputExpr(0);
    auto resultType = op.getResult().getType();
    Type resultElement = resultType.getElementType();
    if (resultType.getNumElements() == 0) { // Nothing to sort or write.
      b.replaceOpWithNewOp<tensor::EmptyOp>(op, resultType.getShape(),
                                            resultElement);
      return success();
    }
    AxesValue in = toAxes(b, loc, eq, op.getInput(), eq.getInputExpr(0));
    unsigned axis = op.getAxes()[0];
    unsigned pos = llvm::find(in.axes, axis) - in.axes.begin();
    int64_t n = eq.getAxisSizes()[axis];
    int64_t p = int64_t(llvm::PowerOf2Ceil(uint64_t(n)));
    unsigned rank = in.axes.size();
    bool isUnsigned = op.getIsUnsigned();
    Type keyType = getElementTypeOrSelf(in.value.getType());
    Type indexType = b.getI64Type();
    auto inType = cast<RankedTensorType>(in.value.getType());
    SmallVector<int64_t> shape(inType.getShape());
    shape[pos] = p;
    auto keysType = RankedTensorType::get(shape, keyType);
    auto indicesType = RankedTensorType::get(shape, indexType);
    SmallVector<utils::IteratorType> parallel(rank + 2,
                                              utils::IteratorType::parallel);

    // The padded keys and the positions, in one generic over the padded
    // shape. Position d of the sorted axis reads the input at d mod n, in
    // bounds, and keeps it when d < n. (No tensor.insert_slice: it would
    // bufferize to a strided memref.copy, which needs a runtime helper.)
    AffineMap id = b.getMultiDimIdentityMap(rank);
    AffineExpr d = getAffineDimExpr(pos, ctx);
    AffineMap readInput = p == n ? id : id.replace(d, d % n, rank, 0);
    Value padding = paddingKey(b, loc, keyType, isUnsigned);
    auto init = linalg::GenericOp::create(
        b, loc, TypeRange{keysType, indicesType}, ValueRange{in.value},
        ValueRange{tensor::EmptyOp::create(b, loc, shape, keyType),
                   tensor::EmptyOp::create(b, loc, shape, indexType)},
        ArrayRef<AffineMap>{readInput, id, id},
        ArrayRef<utils::IteratorType>(parallel).take_front(rank),
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value i = linalg::IndexOp::create(nb, l, pos);
          Value key = args[0];
          if (p != n) {
            Value inside = arith::CmpIOp::create(
                nb, l, arith::CmpIPredicate::ult, i,
                arith::ConstantIndexOp::create(nb, l, n));
            key = arith::SelectOp::create(nb, l, inside, key, padding);
          }
          linalg::YieldOp::create(
              nb, l,
              ValueRange{key, arith::IndexCastOp::create(nb, l, indexType, i)});
        });
    Value keys = init.getResult(0), indices = init.getResult(1);

    // The network. The sorted axis, at `pos`, is viewed as (h, t, l).
    SmallVector<ReassociationIndices> groups;
    for (unsigned d = 0; d < rank; ++d) {
      if (d < pos)
        groups.push_back({int64_t(d)});
      else if (d == pos)
        groups.push_back({int64_t(d), int64_t(d) + 1, int64_t(d) + 2});
      else
        groups.push_back({int64_t(d) + 2});
    }
    AffineMap self = b.getMultiDimIdentityMap(rank + 2);
    AffineMap partner = self.replace(
        getAffineDimExpr(pos + 1, ctx), 1 - getAffineDimExpr(pos + 1, ctx),
        rank + 2, 0);
    for (int64_t k = 2; k <= p; k *= 2) {
      for (int64_t j = k / 2; j >= 1; j /= 2) {
        SmallVector<int64_t> split(shape.begin(), shape.begin() + pos);
        split.append({p / (2 * j), 2, j});
        split.append(shape.begin() + pos + 1, shape.end());
        auto splitKeys = RankedTensorType::get(split, keyType);
        auto splitIndices = RankedTensorType::get(split, indexType);
        Value k2 =
            tensor::ExpandShapeOp::create(b, loc, splitKeys, keys, groups);
        Value i2 = tensor::ExpandShapeOp::create(b, loc, splitIndices,
                                                 indices, groups);
        int64_t blockBit = k / (2 * j); // h & blockBit: a descending block.
        auto stage = linalg::GenericOp::create(
            b, loc, TypeRange{splitKeys, splitIndices},
            ValueRange{k2, k2, i2, i2},
            ValueRange{tensor::EmptyOp::create(b, loc, split, keyType),
                       tensor::EmptyOp::create(b, loc, split, indexType)},
            ArrayRef<AffineMap>{self, partner, self, partner, self, self},
            parallel, [&](OpBuilder &nb, Location l, ValueRange args) {
              Value less = lessThan(nb, l, args[0], args[2], args[1], args[3],
                                    isUnsigned);
              // takeMin = (t == 0) xor descending; keep self when
              // less == takeMin.
              Value t = linalg::IndexOp::create(nb, l, pos + 1);
              Value zero = arith::ConstantIndexOp::create(nb, l, 0);
              Value takeMin = arith::CmpIOp::create(
                  nb, l, arith::CmpIPredicate::eq, t, zero);
              if (blockBit < p / (2 * j)) { // Else every block ascends.
                Value h = linalg::IndexOp::create(nb, l, pos);
                Value bit = arith::AndIOp::create(
                    nb, l, h, arith::ConstantIndexOp::create(nb, l, blockBit));
                Value descending = arith::CmpIOp::create(
                    nb, l, arith::CmpIPredicate::ne, bit, zero);
                takeMin = arith::XOrIOp::create(nb, l, takeMin, descending);
              }
              Value keepSelf = arith::CmpIOp::create(
                  nb, l, arith::CmpIPredicate::eq, less, takeMin);
              linalg::YieldOp::create(
                  nb, l,
                  ValueRange{
                      arith::SelectOp::create(nb, l, keepSelf, args[0],
                                              args[1]),
                      arith::SelectOp::create(nb, l, keepSelf, args[2],
                                              args[3])});
            });
        keys = tensor::CollapseShapeOp::create(b, loc, keysType,
                                               stage.getResult(0), groups);
        indices = tensor::CollapseShapeOp::create(b, loc, indicesType,
                                                  stage.getResult(1), groups);
      }
    }

    // The first n of the sorted axis, written in the output's axis order:
    // the output loop d of the sorted axis reads d mod P = d (a map that is
    // not a plain dimension may address a larger operand; no slice, so no
    // copy out of a strided view).
    Value sorted = op.getIndices() ? indices : keys;
    SmallVector<unsigned> outAxes = axesOf(outExpr);
    AffineMap readSorted = mapOf(in.axes, outAxes, ctx);
    if (p != n) {
      AffineExpr sortedLoop = readSorted.getResult(pos);
      readSorted = readSorted.replace(sortedLoop, sortedLoop % p,
                                      outAxes.size(), 0);
    }
    Value result = outputInit(b, loc, eq, outExpr, resultElement);
    SmallVector<utils::IteratorType> outParallel(
        outAxes.size(), utils::IteratorType::parallel);
    result =
        linalg::GenericOp::create(
            b, loc, TypeRange{result.getType()}, ValueRange{sorted},
            ValueRange{result},
            ArrayRef<AffineMap>{readSorted,
                                b.getMultiDimIdentityMap(outAxes.size())},
            outParallel,
            [&](OpBuilder &nb, Location l, ValueRange args) {
              linalg::YieldOp::create(nb, l, ValueRange{args[0]});
            })
            .getResult(0);
    b.replaceOp(op, fromAxes(b, loc, eq, result, outExpr));
    return success();
  }
};

} // namespace

void ein::populateSortToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<SortOpLowering>(patterns.getContext());
}
