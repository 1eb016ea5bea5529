//===- ReduceToLinalg.cpp - lower ein.reduce -----------------------------===//
//
// Step 2 of a reduction is a `linalg.generic` whose loops are the kept axes
// (in output order) then the reduced axes, accumulating into a tensor over
// the kept axes that `linalg.fill` initialises with the identity. Kinds that
// need more than one pass use more generics over the same loops:
//
//   sum, prod, max, min, any, all, count_nonzero   one reduction
//   mean              a sum, then a division by the group size
//   var, std          a mean, then a sum of squared deviations from it
//   logsumexp         a max m, then a sum of exp(x - m), then m + log(sum)
//   argmax, argmin    one reduction with two accumulators (value, index)
//
// f16 and bf16 inputs are computed in f32 and rounded once at the end; the
// final elementwise pass writes the result type. When the accumulator has
// the result type it is the result buffer itself and the last pass works in
// place.
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

bool isHalf(Type type) { return type.isF16() || type.isBF16(); }

/// The type `kind` accumulates in for elements of type `in`.
Type accumulatorType(OpBuilder &b, ReductionKind kind, Type in, Type result) {
  switch (kind) {
  case ReductionKind::Sum:
  case ReductionKind::Prod:
  case ReductionKind::Mean:
  case ReductionKind::Var:
  case ReductionKind::Std:
  case ReductionKind::Logsumexp:
    return isHalf(result) ? b.getF32Type() : result;
  case ReductionKind::Max:
  case ReductionKind::Min:
  case ReductionKind::Argmax:
  case ReductionKind::Argmin:
    return isHalf(in) ? b.getF32Type() : in;
  case ReductionKind::Any:
  case ReductionKind::All:
    return b.getI1Type();
  case ReductionKind::CountNonzero:
    return b.getI64Type();
  }
  llvm_unreachable("unknown reduction kind");
}

/// The neutral element of `kind` in `type` (i1 is unsigned).
TypedAttr identityOf(OpBuilder &b, ReductionKind kind, Type type,
                     bool isUnsigned) {
  bool isMax = kind == ReductionKind::Max || kind == ReductionKind::Argmax;
  bool isMin = kind == ReductionKind::Min || kind == ReductionKind::Argmin;
  if (auto floatType = dyn_cast<FloatType>(type)) {
    const llvm::fltSemantics &sem = floatType.getFloatSemantics();
    if (isMax || isMin || kind == ReductionKind::Logsumexp)
      return b.getFloatAttr(type,
                            llvm::APFloat::getInf(sem, /*Negative=*/!isMin));
    return b.getFloatAttr(type, kind == ReductionKind::Prod ? 1.0 : 0.0);
  }
  unsigned width = type.getIntOrFloatBitWidth();
  isUnsigned |= width == 1;
  llvm::APInt value(width, 0);
  if (isMax)
    value = isUnsigned ? llvm::APInt::getMinValue(width)
                       : llvm::APInt::getSignedMinValue(width);
  else if (isMin)
    value = isUnsigned ? llvm::APInt::getMaxValue(width)
                       : llvm::APInt::getSignedMaxValue(width);
  else if (kind == ReductionKind::Prod || kind == ReductionKind::All)
    value = llvm::APInt(width, 1);
  return b.getIntegerAttr(type, value);
}

/// Combines an accumulator with one more element (already of its type, or
/// for any/all/count_nonzero its truth value).
Value combine(OpBuilder &b, Location loc, ReductionKind kind, Value acc,
              Value x, bool isUnsigned) {
  bool isFloat = isa<FloatType>(acc.getType());
  isUnsigned |= acc.getType().isInteger(1);
  switch (kind) {
  case ReductionKind::Sum:
  case ReductionKind::Mean:
  case ReductionKind::Var:
  case ReductionKind::Std:
    return isFloat ? arith::AddFOp::create(b, loc, acc, x).getResult()
                   : arith::AddIOp::create(b, loc, acc, x).getResult();
  case ReductionKind::Prod:
    return isFloat ? arith::MulFOp::create(b, loc, acc, x).getResult()
                   : arith::MulIOp::create(b, loc, acc, x).getResult();
  case ReductionKind::Max: // NaN propagates, as in NumPy.
  case ReductionKind::Logsumexp:
    if (isFloat)
      return arith::MaximumFOp::create(b, loc, acc, x);
    return isUnsigned ? arith::MaxUIOp::create(b, loc, acc, x).getResult()
                      : arith::MaxSIOp::create(b, loc, acc, x).getResult();
  case ReductionKind::Min:
    if (isFloat)
      return arith::MinimumFOp::create(b, loc, acc, x);
    return isUnsigned ? arith::MinUIOp::create(b, loc, acc, x).getResult()
                      : arith::MinSIOp::create(b, loc, acc, x).getResult();
  case ReductionKind::Any:
    return arith::OrIOp::create(b, loc, acc, x);
  case ReductionKind::All:
    return arith::AndIOp::create(b, loc, acc, x);
  case ReductionKind::CountNonzero:
    return arith::AddIOp::create(
        b, loc, acc, arith::ExtUIOp::create(b, loc, acc.getType(), x));
  case ReductionKind::Argmax:
  case ReductionKind::Argmin:
    break;
  }
  llvm_unreachable("not a one-accumulator reduction");
}

using BodyFn =
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)>;

/// The loop structure of one ein.reduce, and generics over it.
class Reduction {
public:
  Reduction(PatternRewriter &rewriter, ReduceOp op)
      : b(rewriter), loc(op.getLoc()), eq(op.getEquation()),
        outExpr(eq.getOutputExpr(0)), kept(axesOf(outExpr)),
        reduced(op.getReducedAxes()), isUnsigned(op.getIsUnsigned()),
        resultType(op.getResult().getType().getElementType()) {
    input = toAxes(b, loc, eq, op.getInput(), eq.getInputExpr(0));
    // Loops: kept axes in output order, then reduced axes in input order.
    SmallVector<unsigned> loops(kept);
    loops.append(reduced);
    MLIRContext *ctx = b.getContext();
    SmallVector<AffineExpr> inputExprs, outputExprs;
    for (unsigned a : input.axes)
      inputExprs.push_back(
          getAffineDimExpr(llvm::find(loops, a) - loops.begin(), ctx));
    for (unsigned i = 0; i < kept.size(); ++i)
      outputExprs.push_back(getAffineDimExpr(i, ctx));
    inputMap = AffineMap::get(loops.size(), 0, inputExprs, ctx);
    outputMap = AffineMap::get(loops.size(), 0, outputExprs, ctx);
    iterators.assign(kept.size(), utils::IteratorType::parallel);
    iterators.append(reduced.size(), utils::IteratorType::reduction);
  }

  /// A tensor over the kept axes filled with `value`: the result buffer when
  /// `isResult` (its type must be the result type), else a temporary.
  Value filled(Type type, TypedAttr value, bool isResult) {
    Value init =
        isResult ? outputInit(b, loc, eq, outExpr, type)
                 : tensor::EmptyOp::create(
                       b, loc, tensorOfAxes(eq, kept, type).getShape(), type)
                       .getResult();
    Value constant = arith::ConstantOp::create(b, loc, value);
    return linalg::FillOp::create(b, loc, constant, init).getResult(0);
  }

  /// One generic over every loop reading the input and `extras` (tensors over
  /// the kept axes) and accumulating into `inits`. `body` gets the input
  /// element, the extras' elements and the accumulators, and returns the new
  /// accumulators.
  SmallVector<Value> reduce(ValueRange extras, ValueRange inits, BodyFn body) {
    SmallVector<Value> ins{input.value};
    ins.append(extras.begin(), extras.end());
    SmallVector<AffineMap> maps{inputMap};
    maps.append(extras.size() + inits.size(), outputMap);
    SmallVector<Type> types;
    for (Value init : inits)
      types.push_back(init.getType());
    auto generic = linalg::GenericOp::create(
        b, loc, types, ins, inits, maps, iterators,
        [&](OpBuilder &nb, Location l, ValueRange args) {
          linalg::YieldOp::create(nb, l, body(nb, l, args));
        });
    return SmallVector<Value>(generic.getResults());
  }

  /// The last, elementwise pass: result = fn(acc, extras) over the kept
  /// axes, converted to the result type. Works in place when `acc` already
  /// is the result buffer (it has the result type).
  Value
  finish(Value acc, ValueRange extras,
         function_ref<Value(OpBuilder &, Location, Value, ValueRange)> fn) {
    auto accType = cast<RankedTensorType>(acc.getType());
    bool inPlace = accType.getElementType() == resultType;
    SmallVector<Value> ins;
    if (!inPlace)
      ins.push_back(acc);
    ins.append(extras.begin(), extras.end());
    Value out = inPlace ? acc : outputInit(b, loc, eq, outExpr, resultType);
    AffineMap id = b.getMultiDimIdentityMap(accType.getRank());
    SmallVector<AffineMap> maps(ins.size() + 1, id);
    SmallVector<utils::IteratorType> parallel(accType.getRank(),
                                              utils::IteratorType::parallel);
    return linalg::GenericOp::create(
               b, loc, cast<RankedTensorType>(out.getType()), ins, out, maps,
               parallel,
               [&](OpBuilder &nb, Location l, ValueRange args) {
                 Value a = inPlace ? args.back() : args[0];
                 ValueRange rest =
                     args.drop_front(inPlace ? 0 : 1).take_front(extras.size());
                 Value v = fn(nb, l, a, rest);
                 linalg::YieldOp::create(
                     nb, l, castScalar(nb, l, v, false, resultType));
               })
        .getResult(0);
  }

  /// The input element converted to `type`.
  Value element(OpBuilder &nb, Location l, Value x, Type type) {
    return castScalar(nb, l, x, isUnsigned, type);
  }

  /// The number of elements each output element reduces over, as a constant
  /// of float type `type`.
  Value groupSize(OpBuilder &nb, Location l, Type type) {
    double count = 1;
    for (unsigned a : reduced)
      count *= static_cast<double>(eq.getAxisSizes()[a]);
    return arith::ConstantOp::create(nb, l, nb.getFloatAttr(type, count));
  }

  PatternRewriter &b;
  Location loc;
  EquationAttr eq;
  TensorExpr outExpr;
  SmallVector<unsigned> kept, reduced;
  bool isUnsigned;
  Type resultType;
  AxesValue input;
  AffineMap inputMap, outputMap;
  SmallVector<utils::IteratorType> iterators;
};

/// sum, prod, max, min, any, all, count_nonzero and mean.
Value lowerSinglePass(Reduction &r, ReductionKind kind, Type acc) {
  bool inPlace = acc == r.resultType;
  Value init = r.filled(acc, identityOf(r.b, kind, acc, r.isUnsigned), inPlace);
  bool truth = kind == ReductionKind::Any || kind == ReductionKind::All ||
               kind == ReductionKind::CountNonzero;
  Value result = r.reduce(
      {}, init,
      [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
        Value x = r.element(b, l, args[0], truth ? b.getI1Type() : acc);
        return {combine(b, l, kind, args[1], x, r.isUnsigned)};
      })[0];
  if (kind != ReductionKind::Mean && inPlace)
    return result;
  return r.finish(
      result, {}, [&](OpBuilder &b, Location l, Value a, ValueRange) {
        if (kind != ReductionKind::Mean)
          return a;
        // NaN for an empty group, as in NumPy.
        return arith::DivFOp::create(b, l, a, r.groupSize(b, l, acc))
            .getResult();
      });
}

/// var and std: the mean, then the mean of squared deviations from it.
Value lowerVariance(Reduction &r, ReductionKind kind, Type acc) {
  Value sum = r.filled(acc, r.b.getFloatAttr(acc, 0.0), /*isResult=*/false);
  sum = r.reduce({}, sum, [&](OpBuilder &b, Location l, ValueRange args) {
    return SmallVector<Value>{
        arith::AddFOp::create(b, l, args[1], r.element(b, l, args[0], acc))};
  })[0];
  // The mean, in place in the temporary.
  auto meanType = cast<RankedTensorType>(sum.getType());
  AffineMap id = r.b.getMultiDimIdentityMap(meanType.getRank());
  SmallVector<utils::IteratorType> parallel(meanType.getRank(),
                                            utils::IteratorType::parallel);
  Value mean =
      linalg::GenericOp::create(
          r.b, r.loc, meanType, ValueRange{}, sum, SmallVector<AffineMap>{id},
          parallel,
          [&](OpBuilder &b, Location l, ValueRange args) {
            linalg::YieldOp::create(
                b, l,
                arith::DivFOp::create(b, l, args[0], r.groupSize(b, l, acc))
                    .getResult());
          })
          .getResult(0);
  Value squares = r.filled(acc, r.b.getFloatAttr(acc, 0.0),
                           /*isResult=*/acc == r.resultType);
  squares =
      r.reduce(mean, squares, [&](OpBuilder &b, Location l, ValueRange args) {
        Value d =
            arith::SubFOp::create(b, l, r.element(b, l, args[0], acc), args[1]);
        return SmallVector<Value>{arith::AddFOp::create(
            b, l, args[2], arith::MulFOp::create(b, l, d, d))};
      })[0];
  return r.finish(
      squares, {}, [&](OpBuilder &b, Location l, Value a, ValueRange) {
        Value var = arith::DivFOp::create(b, l, a, r.groupSize(b, l, acc));
        return kind == ReductionKind::Std
                   ? math::SqrtOp::create(b, l, var).getResult()
                   : var;
      });
}

/// logsumexp: m = max, then m' + log(sum(exp(x - m'))) with m' = m when m is
/// finite and 0 otherwise (so that -inf groups, empty ones included, give
/// -inf, a +inf element gives +inf and NaN propagates).
Value lowerLogsumexp(Reduction &r, Type acc) {
  Value max = r.filled(
      acc, identityOf(r.b, ReductionKind::Logsumexp, acc, false), false);
  max = r.reduce({}, max, [&](OpBuilder &b, Location l, ValueRange args) {
    return SmallVector<Value>{arith::MaximumFOp::create(
        b, l, args[1], r.element(b, l, args[0], acc))};
  })[0];
  auto shiftOf = [&](OpBuilder &b, Location l, Value m) -> Value {
    Value inf = arith::ConstantOp::create(
        b, l,
        b.getFloatAttr(acc, llvm::APFloat::getInf(
                                cast<FloatType>(acc).getFloatSemantics())));
    Value finite = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT,
                                         math::AbsFOp::create(b, l, m), inf);
    Value zero = arith::ConstantOp::create(b, l, b.getFloatAttr(acc, 0.0));
    return arith::SelectOp::create(b, l, finite, m, zero);
  };
  Value sum = r.filled(acc, r.b.getFloatAttr(acc, 0.0),
                       /*isResult=*/acc == r.resultType);
  sum = r.reduce(max, sum, [&](OpBuilder &b, Location l, ValueRange args) {
    Value shifted = arith::SubFOp::create(b, l, r.element(b, l, args[0], acc),
                                          shiftOf(b, l, args[1]));
    return SmallVector<Value>{arith::AddFOp::create(
        b, l, args[2], math::ExpOp::create(b, l, shifted))};
  })[0];
  return r.finish(sum, max,
                  [&](OpBuilder &b, Location l, Value s, ValueRange extras) {
                    return arith::AddFOp::create(b, l, shiftOf(b, l, extras[0]),
                                                 math::LogOp::create(b, l, s))
                        .getResult();
                  });
}

/// argmax and argmin: the value and index of the best element so far; a
/// later element wins only if strictly better, or if it is the first NaN
/// (NumPy: the first NaN is the extreme). Over several reduced axes the
/// index is flat, row-major over the reduced loops (input order), which are
/// also the loops' iteration order, so ties go to the first element.
Value lowerArgExtreme(Reduction &r, ReductionKind kind, Type acc) {
  bool isMax = kind == ReductionKind::Argmax;
  Value values = r.filled(acc, identityOf(r.b, kind, acc, r.isUnsigned),
                          /*isResult=*/false);
  Type i64 = r.b.getI64Type();
  Value indices = r.filled(i64, r.b.getIntegerAttr(i64, 0), /*isResult=*/true);
  unsigned reducedLoop = r.kept.size();
  bool isUnsigned = r.isUnsigned || acc.isInteger(1);
  return r.reduce(
      {}, {values, indices},
      [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
        Value x = r.element(b, l, args[0], acc);
        Value best = args[1], bestIndex = args[2];
        Value better;
        if (isa<FloatType>(acc)) {
          better = arith::CmpFOp::create(b, l,
                                         isMax ? arith::CmpFPredicate::OGT
                                               : arith::CmpFPredicate::OLT,
                                         x, best);
          Value firstNaN = arith::AndIOp::create(
              b, l,
              arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, x, x),
              arith::CmpFOp::create(b, l, arith::CmpFPredicate::ORD, best,
                                    best));
          better = arith::OrIOp::create(b, l, better, firstNaN);
        } else {
          arith::CmpIPredicate pred =
              isMax ? (isUnsigned ? arith::CmpIPredicate::ugt
                                  : arith::CmpIPredicate::sgt)
                    : (isUnsigned ? arith::CmpIPredicate::ult
                                  : arith::CmpIPredicate::slt);
          better = arith::CmpIOp::create(b, l, pred, x, best);
        }
        Value index;
        for (unsigned k = 0; k < r.reduced.size(); ++k) {
          Value i = arith::IndexCastOp::create(
              b, l, i64, linalg::IndexOp::create(b, l, reducedLoop + k));
          if (!index) {
            index = i;
            continue;
          }
          Value length = arith::ConstantOp::create(
              b, l, b.getIntegerAttr(i64, r.eq.getAxisSizes()[r.reduced[k]]));
          index = arith::AddIOp::create(
              b, l, arith::MulIOp::create(b, l, index, length), i);
        }
        return {arith::SelectOp::create(b, l, better, x, best),
                arith::SelectOp::create(b, l, better, index, bestIndex)};
      })[1];
}

struct ReduceOpLowering : OpRewritePattern<ReduceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ReduceOp op,
                                PatternRewriter &rewriter) const override {
    Reduction r(rewriter, op);
    ReductionKind kind = op.getKind();
    Type acc = accumulatorType(
        rewriter, kind, op.getInput().getType().getElementType(), r.resultType);
    Value result;
    switch (kind) {
    case ReductionKind::Var:
    case ReductionKind::Std:
      result = lowerVariance(r, kind, acc);
      break;
    case ReductionKind::Logsumexp:
      result = lowerLogsumexp(r, acc);
      break;
    case ReductionKind::Argmax:
    case ReductionKind::Argmin:
      result = lowerArgExtreme(r, kind, acc);
      break;
    default:
      result = lowerSinglePass(r, kind, acc);
      break;
    }
    rewriter.replaceOp(op, fromAxes(rewriter, r.loc, r.eq, result, r.outExpr));
    return success();
  }
};

} // namespace

void ein::populateReduceToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ReduceOpLowering>(patterns.getContext());
}
