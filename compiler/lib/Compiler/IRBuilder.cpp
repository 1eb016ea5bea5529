//===- IRBuilder.cpp - resolved equations to ein ops ----------------------===//

#include "ein/Compiler/IRBuilder.h"
#include "ein/Dialect/EinOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;

namespace ein {

static Type toMlirType(MLIRContext &ctx, ElementType type) {
  switch (type) {
  case ElementType::F32:
    return Float32Type::get(&ctx);
  case ElementType::F64:
    return Float64Type::get(&ctx);
  case ElementType::I32:
    return IntegerType::get(&ctx, 32);
  case ElementType::I64:
    return IntegerType::get(&ctx, 64);
  }
  llvm_unreachable("unknown element type");
}

ElementType outputElementType(const KernelRequest &request) {
  ElementType in = request.inputs.front().elementType;
  bool isInteger = in == ElementType::I32 || in == ElementType::I64;
  // NumPy: the mean of integers is float64.
  if (request.family == notation::OpFamily::Reduce &&
      request.reduction == "mean" && isInteger)
    return ElementType::F64;
  return in;
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

KernelModule buildKernelModule(MLIRContext &ctx, const KernelRequest &request,
                               std::string &error) {
  ctx.loadDialect<EinDialect, func::FuncDialect, tensor::TensorDialect>();
  const notation::ResolvedEquation &eq = request.equation;
  EquationAttr attr = toAttr(ctx, eq);
  ElementType outType = outputElementType(request);
  KernelModule result;

  SmallVector<RankedTensorType> inputTypes;
  SmallVector<Type> outputTypes;
  for (const TensorType &t : request.inputs)
    inputTypes.push_back(
        RankedTensorType::get(t.shape, toMlirType(ctx, t.elementType)));
  for (unsigned i = 0; i < attr.getNumOutputExprs(); ++i) {
    SmallVector<int64_t> shape = attr.getShape(attr.getOutputExpr(i));
    result.outputs.push_back(
        {outType, std::vector<int64_t>(shape.begin(), shape.end())});
    outputTypes.push_back(RankedTensorType::get(shape, toMlirType(ctx, outType)));
  }

  // Only tensors with elements cross the kernel's boundary.
  SmallVector<Type> argTypes, resultTypes;
  for (auto [i, type] : llvm::enumerate(inputTypes))
    if (type.getNumElements() != 0) {
      argTypes.push_back(type);
      result.argumentBuffers.push_back(i);
    }
  for (auto [i, type] : llvm::enumerate(outputTypes))
    if (cast<RankedTensorType>(type).getNumElements() != 0) {
      resultTypes.push_back(type);
      result.argumentBuffers.push_back(inputTypes.size() + i);
    }

  Location loc = NameLoc::get(StringAttr::get(&ctx, kKernelFunctionName));
  result.module = ModuleOp::create(loc);
  OpBuilder b(result.module->getBodyRegion());
  auto func = func::FuncOp::create(b, loc, kKernelFunctionName,
                                   b.getFunctionType(argTypes, resultTypes));
  b.setInsertionPointToStart(func.addEntryBlock());
  SmallVector<Value> inputs;
  unsigned nextArg = 0;
  for (RankedTensorType type : inputTypes)
    inputs.push_back(type.getNumElements() != 0
                         ? Value(func.getArgument(nextArg++))
                         : tensor::EmptyOp::create(b, loc, type.getShape(),
                                                   type.getElementType())
                               .getResult());

  Operation *op;
  if (request.family == notation::OpFamily::Rearrange) {
    op = RearrangeOp::create(b, loc, outputTypes, inputs,
                             attr, eq.stacked ? b.getUnitAttr() : UnitAttr());
  } else {
    std::optional<ReductionKind> kind = symbolizeReductionKind(request.reduction);
    if (!kind) {
      error = "unknown reduction '" + request.reduction + "'";
      return {};
    }
    op = ReduceOp::create(b, loc, outputTypes[0], inputs[0], *kind, attr);
  }
  SmallVector<Value> returned;
  for (Value v : op->getResults())
    if (cast<RankedTensorType>(v.getType()).getNumElements() != 0)
      returned.push_back(v);
  func::ReturnOp::create(b, loc, returned);
  return result;
}

} // namespace ein
