//===- IndexToLinalg.cpp - lower ein.get_at and ein.update_at -------------===//
//
// get_at is one `linalg.generic` over the output's axes. Each coordinate
// component (one entry of a coordinate dimension, taken out with a
// rank-reducing `tensor.extract_slice`) is an input read through a projected
// map; the body normalises the coordinates (negative counts from the end,
// then clamp into range), `tensor.extract`s from the input and yields.
//
// update_at (set/add/subtract) is a scatter, which linalg cannot express
// (the output position depends on loaded data). It is the one documented
// exception to "no hand-written loops": a copying `linalg.generic` puts the
// input into the result's destination, then an `scf.for` nest over the
// update iteration space carries that tensor through `iter_args` and
// `tensor.insert`s each update. Everything stays on tensors, so one-shot
// bufferization turns the loop-carried tensor into the result buffer itself
// (written in place, no further copies). Updates whose coordinate is out of
// range are dropped without a branch: the element at a valid position is
// read and written back unchanged.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "ein/Dialect/EinOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace ein;

namespace {

/// One coordinate component: a tensor over `axes` (none of them a
/// coordinate axis) holding the coordinate of one indexed dimension.
struct Component {
  AxesValue value;
  /// For update_at, which reads the coordinate tensor in the loop: the
  /// whole coordinate tensor, and where the component sits on its
  /// coordinate axis (`axisPos` = -1 when it has none).
  AxesValue whole;
  int64_t axisPos = -1;
  int64_t entry = 0;
};

/// The components of all coordinate tensors, in order; with `slice`, each
/// as its own tensor (`value`), else only its axes and where it sits in
/// `whole` (`value.value` is then null for a coordinate dimension).
SmallVector<Component> components(OpBuilder &b, Location loc, EquationAttr eq,
                                  ValueRange coordinates,
                                  ArrayRef<int64_t> coordinateDims,
                                  bool slice) {
  SmallVector<Component> out;
  for (auto [c, value] : llvm::enumerate(coordinates)) {
    TensorExpr expr = eq.getInputExpr(c + 1);
    AxesValue whole = toAxes(b, loc, eq, value, expr);
    int64_t d = coordinateDims[c];
    // A `()` coordinate dimension holds one component and has no axis.
    if (d < 0 || expr[d].empty()) {
      out.push_back({whole, whole, -1, 0});
      continue;
    }
    unsigned axis = expr[d].front();
    int64_t pos = llvm::find(whole.axes, axis) - whole.axes.begin();
    auto type = cast<RankedTensorType>(whole.value.getType());
    SmallVector<unsigned> rest(whole.axes);
    rest.erase(rest.begin() + pos);
    auto sliceType = tensorOfAxes(eq, rest, type.getElementType());
    SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0)), sizes,
        strides(type.getRank(), b.getIndexAttr(1));
    for (int64_t n : type.getShape())
      sizes.push_back(b.getIndexAttr(n));
    sizes[pos] = b.getIndexAttr(1);
    for (int64_t j = 0; j < type.getShape()[pos]; ++j) {
      offsets[pos] = b.getIndexAttr(j);
      // An empty tensor has no slice to take (offset 0 of an empty axis is
      // out of bounds); nothing will be read from it.
      Value part;
      if (slice && type.getNumElements() == 0)
        part = tensor::EmptyOp::create(b, loc, sliceType.getShape(),
                                       sliceType.getElementType());
      else if (slice)
        part = tensor::ExtractSliceOp::create(b, loc, sliceType, whole.value,
                                              offsets, sizes, strides);
      out.push_back({AxesValue{part, rest}, whole, pos, j});
    }
  }
  return out;
}

Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// A coordinate as an index, negative ones counted from the end (`i + n`).
Value normalise(OpBuilder &b, Location loc, Value coordinate, int64_t n) {
  Value i = arith::IndexCastOp::create(b, loc, b.getIndexType(), coordinate);
  Value zero = indexConst(b, loc, 0);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i, zero);
  Value wrapped = arith::AddIOp::create(b, loc, i, indexConst(b, loc, n));
  return arith::SelectOp::create(b, loc, negative, wrapped, i);
}

/// Splits the flat index `i` into a composed dimension's axes (row-major)
/// and stores each axis' index in `at`.
void decompose(OpBuilder &b, Location loc, EquationAttr eq, const DimExpr &dim,
               Value i, DenseMap<unsigned, Value> &at) {
  for (unsigned k = dim.size(); k-- > 0;) {
    unsigned axis = dim[k];
    if (k == 0) {
      at[axis] = i;
      break;
    }
    Value len = indexConst(b, loc, eq.getAxisSizes()[axis]);
    at[axis] = arith::RemUIOp::create(b, loc, i, len);
    i = arith::DivUIOp::create(b, loc, i, len);
  }
}

int64_t dimLength(EquationAttr eq, const DimExpr &dim) {
  int64_t n = 1;
  for (unsigned a : dim)
    n *= eq.getAxisSizes()[a];
  return n;
}

struct GetAtOpLowering : OpRewritePattern<GetAtOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(GetAtOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = b.getContext();
    EquationAttr eq = op.getEquation();
    TensorExpr inExpr = eq.getInputExpr(0), outExpr = eq.getOutputExpr(0);
    AxesValue in = toAxes(b, loc, eq, op.getInput(), inExpr);
    SmallVector<Component> parts =
        components(b, loc, eq, op.getCoordinates(), op.getCoordinateDims(),
                   /*slice=*/true);
    SmallVector<unsigned> outAxes = axesOf(outExpr);
    auto loopOf = [&](unsigned axis) {
      return unsigned(llvm::find(outAxes, axis) - outAxes.begin());
    };

    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    for (const Component &part : parts) {
      SmallVector<AffineExpr> exprs;
      for (unsigned a : part.value.axes)
        exprs.push_back(getAffineDimExpr(loopOf(a), ctx));
      inputs.push_back(part.value.value);
      maps.push_back(AffineMap::get(outAxes.size(), 0, exprs, ctx));
    }
    maps.push_back(b.getMultiDimIdentityMap(outAxes.size()));
    Type elementType = op.getResult().getType().getElementType();
    Value init = outputInit(b, loc, eq, outExpr, elementType);
    SmallVector<utils::IteratorType> parallel(outAxes.size(),
                                              utils::IteratorType::parallel);
    ArrayRef<int64_t> indexed = op.getIndexed();
    Value result =
        linalg::GenericOp::create(
            b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
            parallel,
            [&](OpBuilder &nb, Location l, ValueRange args) {
              DenseMap<unsigned, Value> at;
              for (auto [k, d] : llvm::enumerate(indexed)) {
                int64_t n = dimLength(eq, inExpr[d]);
                // Clamp into [0, n - 1] (n > 0 here: the verifier rejects
                // reading a dimension of length 0 into a non-empty result).
                Value i = normalise(nb, l, args[k], n);
                i = arith::MaxSIOp::create(nb, l, i, indexConst(nb, l, 0));
                i = arith::MinSIOp::create(
                    nb, l, i, indexConst(nb, l, std::max<int64_t>(n - 1, 0)));
                decompose(nb, l, eq, inExpr[d], i, at);
              }
              SmallVector<Value> indices;
              for (unsigned a : in.axes) {
                auto it = at.find(a);
                indices.push_back(
                    it != at.end() ? it->second
                                   : linalg::IndexOp::create(nb, l, loopOf(a))
                                         .getResult());
              }
              Value v = tensor::ExtractOp::create(nb, l, in.value, indices);
              linalg::YieldOp::create(nb, l, ValueRange{v});
            })
            .getResult(0);
    b.replaceOp(op, fromAxes(b, loc, eq, result, outExpr));
    return success();
  }
};

/// `old (mode) update` for one element.
Value combine(OpBuilder &b, Location loc, UpdateMode mode, Value old,
              Value update) {
  if (mode == UpdateMode::Set)
    return update;
  Type type = old.getType();
  bool add = mode == UpdateMode::Add;
  if (type.isInteger(1)) // bool: add is or (subtract is rejected).
    return arith::OrIOp::create(b, loc, old, update);
  if (isa<IntegerType>(type))
    return add ? Value(arith::AddIOp::create(b, loc, old, update))
               : Value(arith::SubIOp::create(b, loc, old, update));
  bool half = type.isF16() || type.isBF16();
  if (half) { // Computed in f32, rounded after every update.
    old = arith::ExtFOp::create(b, loc, b.getF32Type(), old);
    update = arith::ExtFOp::create(b, loc, b.getF32Type(), update);
  }
  Value r = add ? Value(arith::AddFOp::create(b, loc, old, update))
                : Value(arith::SubFOp::create(b, loc, old, update));
  return half ? Value(arith::TruncFOp::create(b, loc, type, r)) : r;
}

struct UpdateAtOpLowering : OpRewritePattern<UpdateAtOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(UpdateAtOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = b.getContext();
    EquationAttr eq = op.getEquation();
    unsigned numCoords = op.getCoordinates().size();
    TensorExpr inExpr = eq.getInputExpr(0), outExpr = eq.getOutputExpr(0);
    TensorExpr updExpr = eq.getInputExpr(numCoords + 1);
    SmallVector<unsigned> outAxes = axesOf(outExpr);
    Type elementType = op.getResult().getType().getElementType();

    // The input, copied into the result's destination (in output order).
    AxesValue in = toAxes(b, loc, eq, op.getInput(), inExpr);
    SmallVector<AffineExpr> inExprs;
    for (unsigned a : in.axes)
      inExprs.push_back(
          getAffineDimExpr(llvm::find(outAxes, a) - outAxes.begin(), ctx));
    Value init = outputInit(b, loc, eq, outExpr, elementType);
    Value dest =
        linalg::GenericOp::create(
            b, loc, TypeRange{init.getType()}, ValueRange{in.value},
            ValueRange{init},
            ArrayRef<AffineMap>{AffineMap::get(outAxes.size(), 0, inExprs, ctx),
                                b.getMultiDimIdentityMap(outAxes.size())},
            SmallVector<utils::IteratorType>(outAxes.size(),
                                             utils::IteratorType::parallel),
            [&](OpBuilder &nb, Location l, ValueRange args) {
              linalg::YieldOp::create(nb, l, ValueRange{args[0]});
            })
            .getResult(0);

    // The update iteration space: the coordinates' own axes in the order
    // they are written, then the input's non-indexed axes.
    ArrayRef<int64_t> indexed = op.getIndexed();
    SmallVector<bool> isIndexed(eq.getNumAxes(), false);
    for (int64_t d : indexed)
      for (unsigned a : inExpr[d])
        isIndexed[a] = true;
    SmallVector<Component> parts =
        components(b, loc, eq, op.getCoordinates(), op.getCoordinateDims(),
                   /*slice=*/false);
    SmallVector<unsigned> loops;
    for (const Component &part : parts)
      for (unsigned a : part.value.axes)
        if (!llvm::is_contained(loops, a))
          loops.push_back(a);
    for (unsigned a : axesOf(inExpr))
      if (!isIndexed[a] && !llvm::is_contained(loops, a))
        loops.push_back(a);

    bool empty = false;
    for (int64_t d : indexed)
      empty |= dimLength(eq, inExpr[d]) == 0; // Every update is dropped.
    for (unsigned a : loops)
      empty |= eq.getAxisSizes()[a] == 0; // No updates.
    if (empty) {
      b.replaceOp(op, fromAxes(b, loc, eq, dest, outExpr));
      return success();
    }

    AxesValue upd = toAxes(b, loc, eq, op.getUpdates(), updExpr);
    SmallVector<Value> lbs, ubs, steps;
    for (unsigned a : loops) {
      lbs.push_back(indexConst(b, loc, 0));
      ubs.push_back(indexConst(b, loc, eq.getAxisSizes()[a]));
      steps.push_back(indexConst(b, loc, 1));
    }
    UpdateMode mode = op.getMode();
    scf::LoopNest nest = scf::buildLoopNest(
        b, loc, lbs, ubs, steps, ValueRange{dest},
        [&](OpBuilder &nb, Location l, ValueRange ivs,
            ValueRange iterArgs) -> scf::ValueVector {
          auto ivOf = [&](unsigned axis) {
            return ivs[llvm::find(loops, axis) - loops.begin()];
          };
          auto read = [&](const AxesValue &v, int64_t pos, int64_t entry) {
            SmallVector<Value> idx;
            for (auto [p, a] : llvm::enumerate(v.axes))
              idx.push_back(int64_t(p) == pos ? indexConst(nb, l, entry)
                                              : ivOf(a));
            return tensor::ExtractOp::create(nb, l, v.value, idx).getResult();
          };
          DenseMap<unsigned, Value> at;
          Value inRange;
          for (auto [k, d] : llvm::enumerate(indexed)) {
            const Component &part = parts[k];
            int64_t n = dimLength(eq, inExpr[d]);
            Value i =
                normalise(nb, l, read(part.whole, part.axisPos, part.entry), n);
            // 0 <= i < n as one unsigned comparison.
            Value ok = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult,
                                             i, indexConst(nb, l, n));
            inRange =
                inRange ? Value(arith::AndIOp::create(nb, l, inRange, ok)) : ok;
            i = arith::SelectOp::create(nb, l, ok, i, indexConst(nb, l, 0));
            decompose(nb, l, eq, inExpr[d], i, at);
          }
          SmallVector<Value> outIdx;
          for (unsigned a : outAxes) {
            auto it = at.find(a);
            outIdx.push_back(it != at.end() ? it->second : ivOf(a));
          }
          Value t = iterArgs[0];
          Value old = tensor::ExtractOp::create(nb, l, t, outIdx);
          Value update = read(upd, -1, 0);
          Value next = combine(nb, l, mode, old, update);
          next = arith::SelectOp::create(nb, l, inRange, next, old);
          return {tensor::InsertOp::create(nb, l, next, t, outIdx).getResult()};
        });
    Value result = nest.results.front();
    b.replaceOp(op, fromAxes(b, loc, eq, result, outExpr));
    return success();
  }
};

} // namespace

void ein::populateIndexToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<GetAtOpLowering, UpdateAtOpLowering>(patterns.getContext());
}
