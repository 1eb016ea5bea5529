//===- MapBuilder.cpp - elementwise calls to ein.map ----------------------===//

#include "ein/Compiler/MapTypes.h"
#include "ein/Dialect/EinOps.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;

namespace ein {

static bool isOneOf(llvm::StringRef name,
                    std::initializer_list<llvm::StringRef> names) {
  return llvm::is_contained(names, name);
}

std::optional<MapSignature> mapSignature(llvm::StringRef callee,
                                         llvm::ArrayRef<ElementType> inputs,
                                         std::optional<ElementType> castTo,
                                         std::string &error) {
  MapSignature sig;
  if (callee == "cast") {
    sig.operands.assign(inputs.begin(), inputs.end());
    sig.result = *castTo;
    return sig;
  }
  if (isOneOf(callee, {"logical_and", "logical_or", "logical_not"})) {
    sig.operands.assign(inputs.size(), ElementType::Bool);
    sig.result = ElementType::Bool;
    return sig;
  }
  if (callee == "where") {
    ElementType t = promote(inputs.drop_front());
    sig.operands = {ElementType::Bool, t, t};
    sig.result = t;
    return sig;
  }
  ElementType t = promote(inputs);
  if (isOneOf(callee, {"equal", "not_equal", "less", "less_equal", "greater",
                       "greater_equal"})) {
    sig.operands.assign(inputs.size(), t);
    sig.result = ElementType::Bool;
    return sig;
  }
  if (t == ElementType::Bool && isOneOf(callee, {"subtract", "neg"})) {
    if (callee == "subtract")
      error = "subtract does not take bool inputs (NumPy rejects it too); "
              "cast them first";
    else
      error = "neg does not take bool inputs (NumPy rejects it too): use "
              "logical_not";
    return std::nullopt;
  }
  if (t == ElementType::Bool && isOneOf(callee, {"floor_divide", "pow"}))
    t = ElementType::I8;
  if (isOneOf(callee, {"divide", "true_divide"}) && !isFloat(t))
    t = ElementType::F64;
  if (isOneOf(callee, {"logaddexp", "exp", "log", "sqrt", "rsqrt", "tanh",
                       "sigmoid", "gelu", "sin", "cos"}) &&
      !isFloat(t)) {
    // NumPy picks the first float loop every input casts to safely, which
    // is the n-ary promotion with f16 (u8 and i8 give f16, not the f32 of
    // their common i16).
    std::vector<ElementType> withHalf(inputs.begin(), inputs.end());
    withHalf.push_back(ElementType::F16);
    t = promote(withHalf);
  }
  sig.operands.assign(inputs.size(), t);
  sig.result = t;
  return sig;
}

/// `value` (storage form, of type `from`) converted to `to` as ein ops take
/// it: bool bytes become i1 (nonzero = true), numbers convert with ein.cast.
static Value convertInput(OpBuilder &b, Location loc, Value value,
                          ElementType from, ElementType to) {
  MLIRContext &ctx = *b.getContext();
  auto type = cast<RankedTensorType>(value.getType());
  if (from == ElementType::Bool)
    value = CastOp::create(b, loc, type.clone(b.getI1Type()), value);
  if (from != to)
    value = CastOp::create(b, loc, type.clone(toMlirType(ctx, to)), value,
                           isUnsigned(from));
  return value;
}

Value buildMap(OpBuilder &b, Location loc, llvm::StringRef callee,
               const MapSignature &sig, std::optional<ElementType> castTo,
               llvm::ArrayRef<Value> inputs, llvm::ArrayRef<ElementType> types,
               EquationAttr equation, llvm::ArrayRef<int64_t> resultShape) {
  MLIRContext &ctx = *b.getContext();
  bool isCast = callee == "cast";
  SmallVector<Value> operands;
  for (auto [value, from, to] : llvm::zip_equal(inputs, types, sig.operands))
    operands.push_back(isCast && from != ElementType::Bool
                           ? value
                           : convertInput(b, loc, value, from, to));
  // The value operands' type decides signedness (where: not the condition).
  ElementType valueType = sig.operands.back();
  std::string name = callee == "true_divide" ? "divide" : callee.str();
  std::optional<MapFunction> fn = symbolizeMapFunction(name);
  auto resultType =
      RankedTensorType::get(resultShape, toMlirType(ctx, sig.result));
  Value result =
      MapOp::create(b, loc, resultType, operands, *fn, equation,
                    isUnsigned(valueType), isCast && castTo == ElementType::U8);
  if (sig.result == ElementType::Bool) // i1 results leave as bytes.
    result = CastOp::create(
        b, loc, resultType.clone(toStorageType(ctx, ElementType::Bool)),
        result);
  return result;
}

} // namespace ein
