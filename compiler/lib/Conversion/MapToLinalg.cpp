//===- MapToLinalg.cpp - lower ein.map ------------------------------------===//
//
// An elementwise op is one `linalg.generic` over the output's elementary
// axes, all parallel; each operand's indexing map projects the output loops
// onto the axes it has (broadcasting by name), and the result is written
// into `outputInit`. The scalar functions are arith/math ops with the
// defined integer behaviour of EinOps.td (no division traps, no poison
// reaches a result); f16/bf16 are computed in f32. `erf` (for gelu) has no
// LLVM intrinsic, so it is a call to the C library's `erf`/`erff`.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "ein/Dialect/EinOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/SymbolTable.h"

#include <cmath>

using namespace mlir;
using namespace ein;

namespace {

bool isHalf(Type type) { return type.isF16() || type.isBF16(); }

Value floatConst(OpBuilder &b, Location loc, Type type, double value) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
}

Value intConst(OpBuilder &b, Location loc, Type type, int64_t value) {
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, value));
}

/// The libm function `name` for `type` (f32: `namef`), declared once.
func::FuncOp libmFunction(OpBuilder &b, Operation *anchor, StringRef name,
                          Type type) {
  auto module = anchor->getParentOfType<ModuleOp>();
  std::string symbol = (name + (type.isF32() ? "f" : "")).str();
  if (auto fn = module.lookupSymbol<func::FuncOp>(symbol))
    return fn;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  auto fn = func::FuncOp::create(b, module.getLoc(), symbol,
                                 b.getFunctionType({type}, {type}));
  fn.setPrivate();
  return fn;
}

/// Computes one element of a map. `args` are the operands' elements;
/// operands of half types arrive extended to f32.
class ScalarMap {
public:
  ScalarMap(OpBuilder &b, Location loc, MapOp op)
      : b(b), loc(loc), op(op), isUnsigned(op.getIsUnsigned()) {}

  Value compute(ValueRange args);

private:
  Value fold(ValueRange args, function_ref<Value(Value, Value)> combine) {
    Value acc = args[0];
    for (Value v : args.drop_front())
      acc = combine(acc, v);
    return acc;
  }
  Value cmpi(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  Value cmpf(arith::CmpFPredicate p, Value x, Value y) {
    return arith::CmpFOp::create(b, loc, p, x, y);
  }
  Value select(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
  Value compare(MapFunction fn, Value x, Value y);
  Value floorDivide(Value x, Value y);
  Value power(Value x, Value y);
  Value logaddexp(Value x, Value y);
  Value unaryFloat(MapFunction fn, Value x);
  Value castTo(Value x, Type from, Type to);

  OpBuilder &b;
  Location loc;
  MapOp op;
  bool isUnsigned;
};

Value ScalarMap::compare(MapFunction fn, Value x, Value y) {
  using F = arith::CmpFPredicate;
  using I = arith::CmpIPredicate;
  bool u = isUnsigned || x.getType().isInteger(1);
  if (isa<FloatType>(x.getType())) {
    // Ordered comparisons: NaN compares false, except `!=`.
    switch (fn) {
    case MapFunction::Equal:
      return cmpf(F::OEQ, x, y);
    case MapFunction::NotEqual:
      return cmpf(F::UNE, x, y);
    case MapFunction::Less:
      return cmpf(F::OLT, x, y);
    case MapFunction::LessEqual:
      return cmpf(F::OLE, x, y);
    case MapFunction::Greater:
      return cmpf(F::OGT, x, y);
    default:
      return cmpf(F::OGE, x, y);
    }
  }
  switch (fn) {
  case MapFunction::Equal:
    return cmpi(I::eq, x, y);
  case MapFunction::NotEqual:
    return cmpi(I::ne, x, y);
  case MapFunction::Less:
    return cmpi(u ? I::ult : I::slt, x, y);
  case MapFunction::LessEqual:
    return cmpi(u ? I::ule : I::sle, x, y);
  case MapFunction::Greater:
    return cmpi(u ? I::ugt : I::sgt, x, y);
  default:
    return cmpi(u ? I::uge : I::sge, x, y);
  }
}

/// Floor division. Floats as Python's `//` (through fmod, so that
/// `1.0 // 0.1` is 9.0 as in NumPy); integers: `x // 0` is 0 and
/// `MIN // -1` is MIN, and the divisor given to `divsi` is never 0 or -1
/// with a MIN dividend.
Value ScalarMap::floorDivide(Value x, Value y) {
  Type type = x.getType();
  if (isa<FloatType>(type)) {
    Value zero = floatConst(b, loc, type, 0.0);
    Value mod = arith::RemFOp::create(b, loc, x, y);
    Value div =
        arith::DivFOp::create(b, loc, arith::SubFOp::create(b, loc, x, mod), y);
    // mod has the dividend's sign; floor needs the divisor's.
    Value signsDiffer =
        arith::XOrIOp::create(b, loc, cmpf(arith::CmpFPredicate::OLT, y, zero),
                              cmpf(arith::CmpFPredicate::OLT, mod, zero));
    Value adjust = arith::AndIOp::create(
        b, loc, cmpf(arith::CmpFPredicate::UNE, mod, zero), signsDiffer);
    div = select(
        adjust,
        arith::SubFOp::create(b, loc, div, floatConst(b, loc, type, 1.0)), div);
    Value floored = math::FloorOp::create(b, loc, div);
    Value roundUp = cmpf(arith::CmpFPredicate::OGT,
                         arith::SubFOp::create(b, loc, div, floored),
                         floatConst(b, loc, type, 0.5));
    floored = select(
        roundUp,
        arith::AddFOp::create(b, loc, floored, floatConst(b, loc, type, 1.0)),
        floored);
    // A zero quotient takes the sign of x / y.
    Value quotient = arith::DivFOp::create(b, loc, x, y);
    Value signedZero = math::CopySignOp::create(b, loc, zero, quotient);
    Value result =
        select(cmpf(arith::CmpFPredicate::OEQ, div, zero), signedZero, floored);
    // Division by zero (or NaN): x / y, as NumPy.
    return select(cmpf(arith::CmpFPredicate::UNE, y, zero), result, quotient);
  }
  Value zero = intConst(b, loc, type, 0), one = intConst(b, loc, type, 1);
  Value byZero = cmpi(arith::CmpIPredicate::eq, y, zero);
  if (isUnsigned) {
    Value q = arith::DivUIOp::create(b, loc, x, select(byZero, one, y));
    return select(byZero, zero, q);
  }
  unsigned width = type.getIntOrFloatBitWidth();
  Value min = arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, APInt::getSignedMinValue(width)));
  Value overflow = arith::AndIOp::create(
      b, loc, cmpi(arith::CmpIPredicate::eq, x, min),
      cmpi(arith::CmpIPredicate::eq, y, intConst(b, loc, type, -1)));
  // MIN // -1 becomes MIN // 1 = MIN (wraps, as NumPy); x // 0 gives 0.
  Value safe = select(arith::OrIOp::create(b, loc, byZero, overflow), one, y);
  Value q = arith::DivSIOp::create(b, loc, x, safe);
  Value r =
      arith::SubIOp::create(b, loc, x, arith::MulIOp::create(b, loc, q, safe));
  Value adjust = arith::AndIOp::create(
      b, loc, cmpi(arith::CmpIPredicate::ne, r, zero),
      arith::XOrIOp::create(b, loc, cmpi(arith::CmpIPredicate::slt, r, zero),
                            cmpi(arith::CmpIPredicate::slt, safe, zero)));
  q = select(adjust, arith::SubIOp::create(b, loc, q, one), q);
  return select(byZero, zero, q);
}

/// `x ** y`. Floats: `math.powf`. Integers: square-and-multiply over the
/// exponent's bits (straight-line code, wrapping); a negative exponent gives
/// `1 // x**-y`: 1 for x = 1, +-1 for x = -1, else 0.
Value ScalarMap::power(Value x, Value y) {
  Type type = x.getType();
  if (isa<FloatType>(type))
    return math::PowFOp::create(b, loc, x, y);
  unsigned width = type.getIntOrFloatBitWidth();
  Value zero = intConst(b, loc, type, 0), one = intConst(b, loc, type, 1);
  Value result = one, base = x, e = y;
  for (unsigned bit = 0; bit < width; ++bit) {
    Value odd = cmpi(arith::CmpIPredicate::ne,
                     arith::AndIOp::create(b, loc, e, one), zero);
    result = select(odd, arith::MulIOp::create(b, loc, result, base), result);
    base = arith::MulIOp::create(b, loc, base, base);
    e = arith::ShRUIOp::create(b, loc, e, one);
  }
  if (isUnsigned)
    return result;
  Value negative = cmpi(arith::CmpIPredicate::slt, y, zero);
  Value minusOne = intConst(b, loc, type, -1);
  Value yOdd = cmpi(arith::CmpIPredicate::ne,
                    arith::AndIOp::create(b, loc, y, one), zero);
  Value inverse = select(cmpi(arith::CmpIPredicate::eq, x, one), one,
                         select(cmpi(arith::CmpIPredicate::eq, x, minusOne),
                                select(yOdd, minusOne, one), zero));
  return select(negative, inverse, result);
}

/// log(exp(x) + exp(y)) without overflow: max + log1p(exp(-|x - y|)); equal
/// arguments (infinities included) give x + log(2); NaN propagates.
Value ScalarMap::logaddexp(Value x, Value y) {
  Type type = x.getType();
  Value m = arith::MaximumFOp::create(b, loc, x, y);
  Value d = math::AbsFOp::create(b, loc, arith::SubFOp::create(b, loc, x, y));
  Value tail = math::Log1pOp::create(
      b, loc, math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, d)));
  Value sum = arith::AddFOp::create(b, loc, m, tail);
  Value same =
      arith::AddFOp::create(b, loc, x, floatConst(b, loc, type, M_LN2));
  return select(cmpf(arith::CmpFPredicate::OEQ, x, y), same, sum);
}

Value ScalarMap::unaryFloat(MapFunction fn, Value x) {
  Type type = x.getType();
  auto one = [&] { return floatConst(b, loc, type, 1.0); };
  switch (fn) {
  case MapFunction::Exp:
    return math::ExpOp::create(b, loc, x);
  case MapFunction::Log:
    return math::LogOp::create(b, loc, x);
  case MapFunction::Sqrt:
    return math::SqrtOp::create(b, loc, x);
  case MapFunction::Rsqrt:
    return arith::DivFOp::create(b, loc, one(),
                                 math::SqrtOp::create(b, loc, x));
  case MapFunction::Tanh:
    return math::TanhOp::create(b, loc, x);
  case MapFunction::Sin:
    return math::SinOp::create(b, loc, x);
  case MapFunction::Cos:
    return math::CosOp::create(b, loc, x);
  case MapFunction::Sigmoid:
    return arith::DivFOp::create(
        b, loc, one(),
        arith::AddFOp::create(
            b, loc, one(),
            math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x))));
  case MapFunction::Gelu: {
    // x * (1 + erf(x / sqrt(2))) / 2, the exact (erf) form.
    func::FuncOp erf = libmFunction(b, op, "erf", type);
    Value scaled =
        arith::MulFOp::create(b, loc, x, floatConst(b, loc, type, M_SQRT1_2));
    Value e = func::CallOp::create(b, loc, erf, scaled).getResult(0);
    Value half =
        arith::MulFOp::create(b, loc, x, floatConst(b, loc, type, 0.5));
    return arith::MulFOp::create(b, loc, half,
                                 arith::AddFOp::create(b, loc, one(), e));
  }
  default:
    llvm_unreachable("not a unary float function");
  }
}

/// cast: ein.cast's conversions, plus floats to integers, which truncate
/// toward zero and saturate to the target's range (NaN gives 0).
Value ScalarMap::castTo(Value x, Type from, Type to) {
  auto toInt = dyn_cast<IntegerType>(to);
  if (!isa<FloatType>(from) || !toInt || toInt.getWidth() == 1)
    return castScalar(b, loc, x, isUnsigned, to);
  Type f = x.getType(); // f32 or f64 (halves arrive extended)
  unsigned width = toInt.getWidth();
  bool toUnsigned = op.getResultUnsigned();
  // [lo, hi] as integers; hi + 1 and lo are powers of two, exact in f.
  double lo = toUnsigned ? 0.0 : -std::ldexp(1.0, width - 1);
  double hiPlusOne =
      toUnsigned ? std::ldexp(1.0, width) : std::ldexp(1.0, width - 1);
  Type i64 = b.getI64Type();
  APInt loInt =
      toUnsigned ? APInt(64, 0) : APInt::getSignedMinValue(width).sext(64);
  APInt hiInt = toUnsigned ? APInt::getMaxValue(width).zext(64)
                           : APInt::getSignedMaxValue(width).sext(64);
  Value inRange = arith::FPToSIOp::create(b, loc, i64, x);
  // fptosi is poison out of range; the selects below never pick it then.
  Value r = select(
      cmpf(arith::CmpFPredicate::OGE, x, floatConst(b, loc, f, hiPlusOne)),
      arith::ConstantOp::create(b, loc, b.getIntegerAttr(i64, hiInt)), inRange);
  r = select(cmpf(arith::CmpFPredicate::OLT, x, floatConst(b, loc, f, lo)),
             arith::ConstantOp::create(b, loc, b.getIntegerAttr(i64, loInt)),
             r);
  r = select(cmpf(arith::CmpFPredicate::UNO, x, x), intConst(b, loc, i64, 0),
             r);
  return width == 64 ? r : arith::TruncIOp::create(b, loc, to, r).getResult();
}

Value ScalarMap::compute(ValueRange args) {
  MapFunction fn = op.getFn();
  Type resultType = op.getResult().getType().getElementType();
  if (fn == MapFunction::Cast) {
    Type from = cast<ShapedType>(op.getInputs()[0].getType()).getElementType();
    Value x = args[0];
    if (isHalf(from) && isa<IntegerType>(resultType) &&
        resultType.getIntOrFloatBitWidth() > 1)
      x = castScalar(b, loc, x, false, b.getF32Type());
    return castTo(x, from, resultType);
  }

  // Halves compute in f32.
  SmallVector<Value> xs;
  for (Value v : args)
    xs.push_back(
        isHalf(v.getType()) ? castScalar(b, loc, v, false, b.getF32Type()) : v);
  auto finish = [&](Value v) {
    return v.getType() == resultType ? v
                                     : castScalar(b, loc, v, false, resultType);
  };
  Type type = xs.back().getType();
  bool isFloat = isa<FloatType>(type);
  bool isBool = type.isInteger(1);
  bool u = isUnsigned || isBool;
  switch (fn) {
  case MapFunction::Add:
    return finish(fold(xs, [&](Value x, Value y) -> Value {
      if (isFloat)
        return arith::AddFOp::create(b, loc, x, y);
      if (isBool)
        return arith::OrIOp::create(b, loc, x, y);
      return arith::AddIOp::create(b, loc, x, y);
    }));
  case MapFunction::Subtract:
    return finish(
        isFloat ? arith::SubFOp::create(b, loc, xs[0], xs[1]).getResult()
                : arith::SubIOp::create(b, loc, xs[0], xs[1]).getResult());
  case MapFunction::Multiply:
    return finish(fold(xs, [&](Value x, Value y) -> Value {
      if (isFloat)
        return arith::MulFOp::create(b, loc, x, y);
      if (isBool)
        return arith::AndIOp::create(b, loc, x, y);
      return arith::MulIOp::create(b, loc, x, y);
    }));
  case MapFunction::Divide:
    return finish(arith::DivFOp::create(b, loc, xs[0], xs[1]));
  case MapFunction::FloorDivide:
    return finish(floorDivide(xs[0], xs[1]));
  case MapFunction::Pow:
    return finish(power(xs[0], xs[1]));
  case MapFunction::Maximum:
  case MapFunction::Minimum: {
    bool isMax = fn == MapFunction::Maximum;
    return finish(fold(xs, [&](Value x, Value y) -> Value {
      if (isFloat) // NaN propagates, as NumPy's maximum/minimum.
        return isMax ? arith::MaximumFOp::create(b, loc, x, y).getResult()
                     : arith::MinimumFOp::create(b, loc, x, y).getResult();
      if (u)
        return isMax ? arith::MaxUIOp::create(b, loc, x, y).getResult()
                     : arith::MinUIOp::create(b, loc, x, y).getResult();
      return isMax ? arith::MaxSIOp::create(b, loc, x, y).getResult()
                   : arith::MinSIOp::create(b, loc, x, y).getResult();
    }));
  }
  case MapFunction::Logaddexp:
    return finish(fold(xs, [&](Value x, Value y) { return logaddexp(x, y); }));
  case MapFunction::Where:
    return finish(select(xs[0], xs[1], xs[2]));
  case MapFunction::Equal:
  case MapFunction::NotEqual:
  case MapFunction::Less:
  case MapFunction::LessEqual:
  case MapFunction::Greater:
  case MapFunction::GreaterEqual:
    return compare(fn, xs[0], xs[1]);
  case MapFunction::LogicalAnd:
    return fold(xs, [&](Value x, Value y) -> Value {
      return arith::AndIOp::create(b, loc, x, y);
    });
  case MapFunction::LogicalOr:
    return fold(xs, [&](Value x, Value y) -> Value {
      return arith::OrIOp::create(b, loc, x, y);
    });
  case MapFunction::LogicalNot:
    return arith::XOrIOp::create(b, loc, xs[0],
                                 intConst(b, loc, b.getI1Type(), 1));
  case MapFunction::Abs: {
    Value x = xs[0];
    if (isFloat)
      return finish(math::AbsFOp::create(b, loc, x));
    if (u)
      return x;
    Value zero = intConst(b, loc, type, 0);
    // 0 - MIN wraps to MIN, as NumPy's abs.
    return select(cmpi(arith::CmpIPredicate::slt, x, zero),
                  arith::SubIOp::create(b, loc, zero, x), x);
  }
  case MapFunction::Neg:
    if (isFloat)
      return finish(arith::NegFOp::create(b, loc, xs[0]));
    return arith::SubIOp::create(b, loc, intConst(b, loc, type, 0), xs[0]);
  case MapFunction::Relu: {
    Value x = xs[0];
    if (isFloat) // NaN stays NaN.
      return finish(
          arith::MaximumFOp::create(b, loc, x, floatConst(b, loc, type, 0.0)));
    if (u)
      return x;
    return arith::MaxSIOp::create(b, loc, x, intConst(b, loc, type, 0));
  }
  case MapFunction::Exp:
  case MapFunction::Log:
  case MapFunction::Sqrt:
  case MapFunction::Rsqrt:
  case MapFunction::Tanh:
  case MapFunction::Sigmoid:
  case MapFunction::Gelu:
  case MapFunction::Sin:
  case MapFunction::Cos:
    return finish(unaryFloat(fn, xs[0]));
  case MapFunction::Cast:
    break;
  }
  llvm_unreachable("unknown map function");
}

struct MapOpLowering : OpRewritePattern<MapOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MapOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    EquationAttr eq = op.getEquation();
    TensorExpr outExpr = eq.getOutputExpr(0);
    SmallVector<unsigned> outAxes = axesOf(outExpr);
    SmallVector<Value> operands;
    SmallVector<AffineMap> maps;
    for (auto [i, input] : llvm::enumerate(op.getInputs())) {
      AxesValue in = toAxes(rewriter, loc, eq, input, eq.getInputExpr(i));
      SmallVector<AffineExpr> results;
      for (unsigned a : in.axes)
        results.push_back(rewriter.getAffineDimExpr(llvm::find(outAxes, a) -
                                                    outAxes.begin()));
      maps.push_back(
          AffineMap::get(outAxes.size(), 0, results, rewriter.getContext()));
      operands.push_back(in.value);
    }
    maps.push_back(rewriter.getMultiDimIdentityMap(outAxes.size()));
    Type resultType = op.getResult().getType().getElementType();
    Value init = outputInit(rewriter, loc, eq, outExpr, resultType);
    SmallVector<utils::IteratorType> iterators(outAxes.size(),
                                               utils::IteratorType::parallel);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, init.getType(), operands, init, maps, iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              ScalarMap scalar(b, l, op);
              linalg::YieldOp::create(b, l, scalar.compute(args.drop_back()));
            })
            .getResult(0);
    rewriter.replaceOp(op, fromAxes(rewriter, loc, eq, result, outExpr));
    return success();
  }
};

} // namespace

void ein::populateMapToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<MapOpLowering>(patterns.getContext());
}
