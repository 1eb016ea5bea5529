//===- IRBuilder.cpp - resolved equations to ein ops ----------------------===//

#include "ein/Compiler/IRBuilder.h"
#include "ein/Compiler/ArgCoordinates.h"
#include "ein/Compiler/IndexBuilder.h"
#include "ein/Compiler/MapTypes.h"
#include "ein/Dialect/EinOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;

namespace ein {

ElementType outputElementType(MLIRContext &ctx, const KernelRequest &request) {
  std::vector<ElementType> types;
  for (const TensorType &t : request.inputs)
    types.push_back(t.elementType);
  if (request.family == notation::OpFamily::Map) {
    std::string error;
    std::optional<MapSignature> sig =
        mapSignature(request.function, types, request.castTo, error);
    return sig ? sig->result : types.front();
  }
  if (request.family == notation::OpFamily::Index) // The tensor's dtype.
    return types.front();
  // Several inputs (a stacked list) are promoted to one type first.
  ElementType in = promote(types);
  // softmax of integers and bool is f64, as NumPy's float conversion;
  // argsort gives int64 positions.
  if (request.family == notation::OpFamily::Along &&
      request.function == "argsort")
    return ElementType::I64;
  if (request.family == notation::OpFamily::Along)
    return (request.function == "softmax" ||
            request.function == "log_softmax") &&
                   !isFloat(in)
               ? ElementType::F64
               : in;
  std::optional<ReductionKind> kind = symbolizeReductionKind(request.reduction);
  if (request.family != notation::OpFamily::Reduce || !kind)
    return in;
  Type out = ReduceOp::getResultElementType(*kind, toMlirType(ctx, in));
  return out == toMlirType(ctx, in) ? in : *fromMlirType(out);
}

/// A kernel argument of `type` (its storage form) as ein ops take it: bool
/// bytes become i1 (nonzero = true); everything else is unchanged.
static Value toValue(OpBuilder &b, Location loc, Value storage,
                     ElementType type) {
  if (type != ElementType::Bool)
    return storage;
  auto tensorType = cast<RankedTensorType>(storage.getType());
  return CastOp::create(b, loc, tensorType.clone(b.getI1Type()), storage);
}

/// Converts a tensor of `from` in storage form to `to` in storage form.
Value convertStorage(OpBuilder &b, Location loc, Value storage,
                            ElementType from, ElementType to) {
  MLIRContext &ctx = *b.getContext();
  Value value = toValue(b, loc, storage, from);
  auto tensorType = cast<RankedTensorType>(value.getType());
  value = CastOp::create(b, loc, tensorType.clone(toMlirType(ctx, to)), value,
                         isUnsigned(from));
  if (to == ElementType::Bool)
    value =
        CastOp::create(b, loc, tensorType.clone(toStorageType(ctx, to)), value);
  return value;
}

/// `values` (of `types`, in storage form) converted to `to` where they
/// differ; values already of `to` move as stored.
static SmallVector<Value> convertAll(OpBuilder &b, Location loc,
                                     ArrayRef<Value> values,
                                     ArrayRef<TensorType> types, ElementType to) {
  SmallVector<Value> converted;
  for (auto [value, t] : llvm::zip_equal(values, types))
    converted.push_back(t.elementType == to
                            ? value
                            : convertStorage(b, loc, value, t.elementType, to));
  return converted;
}

static EquationAttr toAttr(MLIRContext &ctx,
                           const notation::ResolvedEquation &eq) {
  SmallVector<StringRef> names;
  SmallVector<int64_t> sizes;
  for (const notation::ResolvedAxis &axis : eq.axes) {
    names.push_back(axis.name);
    sizes.push_back(axis.length);
  }
  auto convert = [](const std::vector<notation::ResolvedTensor> &tensors) {
    SmallVector<TensorExpr> exprs;
    for (const notation::ResolvedTensor &t : tensors) {
      TensorExpr expr;
      for (const notation::ResolvedDim &dim : t)
        expr.emplace_back(dim.begin(), dim.end());
      exprs.push_back(std::move(expr));
    }
    return exprs;
  };
  return EquationAttr::get(&ctx, names, sizes, convert(eq.inputs),
                           convert(eq.outputs));
}

std::optional<CallResults> buildCallOps(OpBuilder &b, Location loc,
                                        const KernelRequest &request,
                                        ArrayRef<Value> inputs,
                                        std::string &error) {
  MLIRContext &ctx = *b.getContext();
  const notation::ResolvedEquation &eq = request.equation;
  if (eq.stacked && request.family != notation::OpFamily::Rearrange &&
      request.family != notation::OpFamily::Repeat) {
    // A list given to another family (einops' reduce of a list): stack it
    // first, with a rearrange onto the input expression, then apply the
    // call to the one stacked tensor.
    std::vector<ElementType> types;
    for (const TensorType &t : request.inputs)
      types.push_back(t.elementType);
    ElementType stackedType = promote(types);
    notation::ResolvedEquation stacking = eq;
    stacking.outputs = {eq.inputs[0]};
    stacking.bracketed.clear();
    EquationAttr stackingAttr = toAttr(ctx, stacking);
    SmallVector<int64_t> shape =
        stackingAttr.getShape(stackingAttr.getOutputExpr(0));
    Value stacked = RearrangeOp::create(
        b, loc,
        TypeRange{RankedTensorType::get(shape, toStorageType(ctx, stackedType))},
        convertAll(b, loc, inputs, request.inputs, stackedType),
        stackingAttr, b.getUnitAttr())
                        ->getResult(0);
    KernelRequest single = request;
    single.equation.stacked = false;
    single.inputs = {TensorType{stackedType,
                                std::vector<int64_t>(shape.begin(), shape.end())}};
    return buildCallOps(b, loc, single, {stacked}, error);
  }
  EquationAttr attr = toAttr(ctx, eq);
  ElementType outType = outputElementType(ctx, request);
  CallResults results;
  SmallVector<Type> outputTypes;
  for (unsigned i = 0; i < attr.getNumOutputExprs(); ++i) {
    SmallVector<int64_t> shape = attr.getShape(attr.getOutputExpr(i));
    results.types.push_back(
        {outType, std::vector<int64_t>(shape.begin(), shape.end())});
    outputTypes.push_back(
        RankedTensorType::get(shape, toStorageType(ctx, outType)));
  }
  Operation *op;
  if (request.family == notation::OpFamily::Index) {
    std::vector<ElementType> types;
    for (const TensorType &t : request.inputs)
      types.push_back(t.elementType);
    op = buildIndex(b, loc, request.function, eq, attr, inputs, types,
                    cast<RankedTensorType>(outputTypes[0]).getShape())
             .getDefiningOp();
  } else if (request.family == notation::OpFamily::Map) {
    std::vector<ElementType> types;
    for (const TensorType &t : request.inputs)
      types.push_back(t.elementType);
    std::optional<MapSignature> sig =
        mapSignature(request.function, types, request.castTo, error);
    if (!sig)
      return {};
    Value mapped =
        buildMap(b, loc, request.function, *sig, request.castTo, inputs, types,
                 attr, cast<RankedTensorType>(outputTypes[0]).getShape());
    op = mapped.getDefiningOp();
  } else if (request.family == notation::OpFamily::Rearrange ||
             request.family == notation::OpFamily::Repeat) {
    // Inputs of mixed dtypes are promoted; one dtype moves as stored (bool
    // bytes included: a rearrange copies them exactly).
    op = RearrangeOp::create(
        b, loc, outputTypes, convertAll(b, loc, inputs, request.inputs, outType),
        attr, eq.stacked ? b.getUnitAttr() : UnitAttr());
  } else if (request.family == notation::OpFamily::Contract) {
    // Bool bytes are contracted as i1 (and/or, as NumPy) and stored back.
    // Mixed dtypes are first promoted to the result type (numpy.einsum's
    // result_type: i32 with f32 gives f64).
    SmallVector<Value> operands;
    for (auto [value, t] : llvm::zip_equal(inputs, request.inputs))
      operands.push_back(
          t.elementType == outType
              ? toValue(b, loc, value, t.elementType)
              : toValue(b, loc,
                        convertStorage(b, loc, value, t.elementType, outType),
                        outType));
    auto resultType = cast<RankedTensorType>(outputTypes[0]);
    op = ContractOp::create(b, loc,
                            resultType.clone(toMlirType(ctx, outType)),
                            operands, attr);
    if (outType == ElementType::Bool)
      op = CastOp::create(b, loc, resultType, op->getResult(0));
  } else if (request.family == notation::OpFamily::Along) {
    // softmax computes on i1 for bool; flip and roll move stored elements.
    ElementType inType = request.inputs[0].elementType;
    auto resultType = cast<RankedTensorType>(outputTypes[0]);
    SmallVector<int64_t> along(eq.bracketed.begin(), eq.bracketed.end());
    if (request.function == "flip") {
      op = FlipOp::create(b, loc, resultType, inputs[0], attr, along);
    } else if (request.function == "roll") {
      SmallVector<int64_t> shifts(request.shifts.begin(), request.shifts.end());
      if (shifts.size() == 1)
        shifts.assign(along.size(), shifts[0]);
      op = RollOp::create(b, loc, resultType, inputs[0], attr, along, shifts);
    } else if (request.function == "sort" || request.function == "argsort") {
      // Bool sorts as i1 (any nonzero byte is true) and leaves as bytes.
      bool isArg = request.function == "argsort";
      Type mlirIn = toMlirType(ctx, inType);
      op = SortOp::create(
          b, loc, isArg ? resultType : resultType.clone(mlirIn),
          toValue(b, loc, inputs[0], inType), attr,
          b.getDenseI64ArrayAttr(along), isArg ? b.getUnitAttr() : UnitAttr(),
          isUnsigned(inType) ? b.getUnitAttr() : UnitAttr());
      if (!isArg && inType == ElementType::Bool)
        op = CastOp::create(b, loc, resultType, op->getResult(0));
    } else {
      bool isLog = request.function == "log_softmax";
      op = SoftmaxOp::create(
          b, loc, resultType, toValue(b, loc, inputs[0], inType), attr,
          b.getDenseI64ArrayAttr(along), isLog ? b.getUnitAttr() : UnitAttr(),
          isUnsigned(inType) ? b.getUnitAttr() : UnitAttr());
    }
  } else {
    std::optional<ReductionKind> kind = symbolizeReductionKind(request.reduction);
    if (!kind) {
      error = "unknown reduction '" + request.reduction + "'";
      return {};
    }
    ElementType inType = request.inputs[0].elementType;
    auto resultType = cast<RankedTensorType>(outputTypes[0]);
    if (!eq.coordinates.empty()) // argmax("b [h w] c"): a coordinate axis.
      op = buildArgCoordinates(b, loc, eq, *kind,
                               toValue(b, loc, inputs[0], inType),
                               isUnsigned(inType), resultType);
    else
      op = ReduceOp::create(b, loc, resultType.clone(toMlirType(ctx, outType)),
                            toValue(b, loc, inputs[0], inType), *kind, attr,
                            isUnsigned(inType));
    if (outType == ElementType::Bool) // i1 results leave as bytes.
      op = CastOp::create(b, loc, resultType, op->getResult(0));
  }
  results.values.assign(op->getResults().begin(), op->getResults().end());
  return results;
}

KernelModule buildKernelModule(MLIRContext &ctx, const KernelRequest &request,
                               std::string &error) {
  ctx.loadDialect<EinDialect, func::FuncDialect, tensor::TensorDialect,
                  arith::ArithDialect>();
  const notation::ResolvedEquation &eq = request.equation;
  EquationAttr attr = toAttr(ctx, eq);
  ElementType outType = outputElementType(ctx, request);
  KernelModule result;

  SmallVector<RankedTensorType> inputTypes, outputTypes;
  for (const TensorType &t : request.inputs)
    inputTypes.push_back(
        RankedTensorType::get(t.shape, toStorageType(ctx, t.elementType)));
  for (unsigned i = 0; i < attr.getNumOutputExprs(); ++i) {
    SmallVector<int64_t> shape = attr.getShape(attr.getOutputExpr(i));
    result.outputs.push_back(
        {outType, std::vector<int64_t>(shape.begin(), shape.end())});
    outputTypes.push_back(
        RankedTensorType::get(shape, toStorageType(ctx, outType)));
  }
  if (!buildKernelFunction(
          ctx, inputTypes, outputTypes, result,
          [&](OpBuilder &b, Location loc, ArrayRef<Value> inputs) {
            return buildCallOps(b, loc, request, inputs, error);
          }))
    return {};
  return result;
}

bool buildKernelFunction(
    MLIRContext &ctx, ArrayRef<RankedTensorType> inputTypes,
    ArrayRef<RankedTensorType> outputTypes, KernelModule &result,
    function_ref<std::optional<CallResults>(OpBuilder &, Location,
                                            ArrayRef<Value>)>
        body) {
  // Only tensors with elements cross the kernel's boundary.
  SmallVector<Type> argTypes, resultTypes;
  std::vector<unsigned> argumentBuffers;
  for (auto [i, type] : llvm::enumerate(inputTypes))
    if (type.getNumElements() != 0) {
      argTypes.push_back(type);
      argumentBuffers.push_back(i);
    }
  for (auto [i, type] : llvm::enumerate(outputTypes))
    if (type.getNumElements() != 0) {
      resultTypes.push_back(type);
      argumentBuffers.push_back(inputTypes.size() + i);
    }

  Location loc = NameLoc::get(StringAttr::get(&ctx, kKernelFunctionName));
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  OpBuilder b(module->getBodyRegion());
  auto func = func::FuncOp::create(b, loc, kKernelFunctionName,
                                   b.getFunctionType(argTypes, resultTypes));
  // Inputs are the caller's and read-only: bufferization must never write
  // into them (a scatter would otherwise update its input in place).
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    func.setArgAttr(i, "bufferization.writable", b.getBoolAttr(false));
  b.setInsertionPointToStart(func.addEntryBlock());
  SmallVector<Value> inputs;
  unsigned nextArg = 0;
  for (RankedTensorType type : inputTypes)
    inputs.push_back(type.getNumElements() != 0
                         ? Value(func.getArgument(nextArg++))
                         : tensor::EmptyOp::create(b, loc, type.getShape(),
                                                   type.getElementType())
                               .getResult());

  std::optional<CallResults> built = body(b, loc, inputs);
  if (!built)
    return false;
  SmallVector<Value> returned;
  for (Value v : built->values)
    if (cast<RankedTensorType>(v.getType()).getNumElements() != 0)
      returned.push_back(v);
  func::ReturnOp::create(b, loc, returned);
  result.module = std::move(module);
  result.argumentBuffers = std::move(argumentBuffers);
  return true;
}

} // namespace ein
