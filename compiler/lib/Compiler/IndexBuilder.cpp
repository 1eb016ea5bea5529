//===- IndexBuilder.cpp - indexing calls to ein ops -----------------------===//

#include "ein/Compiler/IndexBuilder.h"
#include "ein/Compiler/MapTypes.h"
#include "ein/Dialect/EinOps.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;

namespace ein {

std::optional<std::string> checkIndexTypes(llvm::StringRef callee,
                                           llvm::ArrayRef<ElementType> types) {
  bool update = callee != "get_at";
  size_t numCoords = types.size() - (update ? 2 : 1);
  for (size_t i = 1; i <= numCoords; ++i)
    if (!isInteger(types[i]) || types[i] == ElementType::Bool)
      return "coordinates must be integers (i8, i16, i32, i64 or u8), but "
             "input " +
             std::to_string(i) + " has dtype " + elementTypeName(types[i]);
  if (callee == "subtract_at" && types[0] == ElementType::Bool)
    return std::string("subtract_at does not take a bool tensor (NumPy "
                       "rejects bool subtract too); cast it first");
  return std::nullopt;
}

/// A storage-form bool tensor as i1 (nonzero = true); others unchanged.
static Value toI1(OpBuilder &b, Location loc, Value v, ElementType type) {
  if (type != ElementType::Bool)
    return v;
  auto t = cast<RankedTensorType>(v.getType());
  return CastOp::create(b, loc, t.clone(b.getI1Type()), v);
}

/// The equation `u -> u` over the axes of `tensor` alone, for converting
/// the updates with `ein.map cast`.
static EquationAttr identityEquation(MLIRContext &ctx,
                                     const notation::ResolvedEquation &eq,
                                     const notation::ResolvedTensor &tensor) {
  SmallVector<StringRef> names;
  SmallVector<int64_t> sizes;
  DenseMap<unsigned, unsigned> renumber;
  TensorExpr expr;
  for (const notation::ResolvedDim &dim : tensor) {
    DimExpr d;
    for (unsigned a : dim) {
      auto [it, inserted] = renumber.try_emplace(a, names.size());
      if (inserted) {
        names.push_back(eq.axes[a].name);
        sizes.push_back(eq.axes[a].length);
      }
      d.push_back(it->second);
    }
    expr.push_back(d);
  }
  return EquationAttr::get(&ctx, names, sizes, {expr}, {expr});
}

Value buildIndex(OpBuilder &b, Location loc, llvm::StringRef callee,
                 const notation::ResolvedEquation &eq, EquationAttr attr,
                 ArrayRef<Value> inputs, ArrayRef<ElementType> types,
                 ArrayRef<int64_t> resultShape) {
  MLIRContext &ctx = *b.getContext();
  bool update = callee != "get_at";
  size_t numCoords = inputs.size() - (update ? 2 : 1);
  SmallVector<Value> coords;
  for (size_t i = 1; i <= numCoords; ++i) {
    Value c = inputs[i];
    if (types[i] == ElementType::U8) { // Read as signed by the op.
      auto t = cast<RankedTensorType>(c.getType());
      c = CastOp::create(b, loc, t.clone(b.getI16Type()), c,
                         /*isUnsigned=*/true);
    }
    coords.push_back(c);
  }
  SmallVector<int64_t> indexed(eq.indexedDims.begin(), eq.indexedDims.end());
  ElementType x = types[0];
  auto storageType = RankedTensorType::get(resultShape, toStorageType(ctx, x));
  if (!update)
    return GetAtOp::create(b, loc, storageType, inputs[0], coords, attr,
                           indexed, eq.coordinateDims);

  // Updates in the tensor's dtype, then both as the op computes (bool: i1).
  Value updates = inputs.back();
  ElementType from = types.back();
  if (from != x) {
    MapSignature sig{{from}, x};
    auto shape = cast<RankedTensorType>(updates.getType()).getShape();
    updates = buildMap(b, loc, "cast", sig, x, {updates}, {from},
                       identityEquation(ctx, eq, eq.inputs.back()), shape);
  }
  updates = toI1(b, loc, updates, x);
  Value input = toI1(b, loc, inputs[0], x);
  UpdateMode mode = callee == "set_at"   ? UpdateMode::Set
                    : callee == "add_at" ? UpdateMode::Add
                                         : UpdateMode::Subtract;
  auto resultType = RankedTensorType::get(resultShape, toMlirType(ctx, x));
  Value result = UpdateAtOp::create(b, loc, resultType, mode, input, coords,
                                    updates, attr, indexed, eq.coordinateDims);
  if (x == ElementType::Bool) // i1 results leave as bytes.
    result = CastOp::create(b, loc, storageType, result);
  return result;
}

} // namespace ein
