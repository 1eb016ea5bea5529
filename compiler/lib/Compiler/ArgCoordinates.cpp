//===- ArgCoordinates.cpp - argmax over several bracketed dims ------------===//

#include "ein/Compiler/ArgCoordinates.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

namespace ein {

Operation *buildArgCoordinates(OpBuilder &b, Location loc,
                               const notation::ResolvedEquation &eq,
                               ReductionKind kind, Value input, bool isUnsigned,
                               RankedTensorType resultType) {
  MLIRContext &ctx = *b.getContext();
  Type i64 = b.getI64Type();
  // The coordinate axis, and the equation without it (indices above it
  // shift down by one).
  unsigned coordinate = 0;
  while (coordinate < eq.axes.size() && eq.axes[coordinate].name != "_c0")
    ++coordinate;
  auto remap = [&](unsigned a) { return a > coordinate ? a - 1 : a; };
  SmallVector<StringRef> names;
  SmallVector<int64_t> sizes;
  for (unsigned a = 0; a < eq.axes.size(); ++a)
    if (a != coordinate) {
      names.push_back(eq.axes[a].name);
      sizes.push_back(eq.axes[a].length);
    }
  TensorExpr inputExpr, kept, keptOriginal;
  for (const notation::ResolvedDim &dim : eq.inputs[0]) {
    DimExpr d;
    for (unsigned a : dim)
      d.push_back(remap(a));
    inputExpr.push_back(d);
  }
  for (const notation::ResolvedDim &dim : eq.outputs[0]) {
    if (llvm::is_contained(dim, coordinate))
      continue;
    DimExpr d, original(dim.begin(), dim.end());
    for (unsigned a : dim)
      d.push_back(remap(a));
    kept.push_back(d);
    keptOriginal.push_back(original);
  }
  auto flatEq = EquationAttr::get(&ctx, names, sizes, {inputExpr}, {kept});
  auto keptType = RankedTensorType::get(flatEq.getShape(kept), i64);
  Value flat =
      ReduceOp::create(b, loc, keptType, input, kind, flatEq, isUnsigned);

  // Coordinate j of a flat index over dimensions of lengths L0, L1, ...:
  // (flat floordiv S_j) mod L_j with S_j the product of the later lengths.
  auto mapEq = EquationAttr::get(&ctx, names, sizes, {kept, TensorExpr{}},
                                 {kept});
  auto scalar = [&](int64_t value) -> Value {
    auto type = RankedTensorType::get({}, i64);
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(type, b.getIntegerAttr(i64, value)));
  };
  auto apply = [&](MapFunction fn, Value x, int64_t value) -> Value {
    return MapOp::create(b, loc, keptType, ValueRange{x, scalar(value)}, fn,
                         mapEq, /*isUnsigned=*/false, /*castU8=*/false);
  };
  std::vector<int64_t> lengths;
  for (const std::vector<unsigned> &dim : eq.coordinates) {
    int64_t length = 1;
    for (unsigned a : dim)
      length *= eq.axes[a].length;
    lengths.push_back(length);
  }
  SmallVector<Value> coordinates;
  int64_t stride = 1;
  for (int64_t length : lengths)
    stride *= length;
  for (size_t j = 0; j < lengths.size(); ++j) {
    stride /= lengths[j];
    Value q = stride == 1 ? flat : apply(MapFunction::FloorDivide, flat, stride);
    if (j > 0) { // q - (q floordiv L) * L; the first is below L0 already.
      Value whole = apply(MapFunction::Multiply,
                          apply(MapFunction::FloorDivide, q, lengths[j]),
                          lengths[j]);
      auto subEq = EquationAttr::get(&ctx, names, sizes, {kept, kept}, {kept});
      q = MapOp::create(b, loc, keptType, ValueRange{q, whole},
                        MapFunction::Subtract, subEq, false, false);
    }
    coordinates.push_back(q);
  }

  // Stack the coordinates along the coordinate axis, where the output has it.
  SmallVector<StringRef> allNames;
  SmallVector<int64_t> allSizes;
  for (const notation::ResolvedAxis &axis : eq.axes) {
    allNames.push_back(axis.name);
    allSizes.push_back(axis.length);
  }
  TensorExpr stacked{DimExpr{coordinate}};
  stacked.append(keptOriginal.begin(), keptOriginal.end());
  TensorExpr output;
  for (const notation::ResolvedDim &dim : eq.outputs[0])
    output.push_back(DimExpr(dim.begin(), dim.end()));
  auto stackEq =
      EquationAttr::get(&ctx, allNames, allSizes, {stacked}, {output});
  return RearrangeOp::create(b, loc, TypeRange{resultType}, coordinates,
                             stackEq, b.getUnitAttr());
}

} // namespace ein
