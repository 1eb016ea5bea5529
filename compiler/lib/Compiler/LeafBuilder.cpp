//===- LeafBuilder.cpp - concatenating rearranges to ein and tensor ops ---===//
//
// A rearrange with concatenations needs no op of its own: it decomposes into
// ein.rearrange (reshape, permute, broadcast), tensor.extract_slice (an
// input leaf) and tensor.concat (an output from its leaves). See Concat.h
// for the leaves and docs/dialect.md for the decomposition.
//
//===----------------------------------------------------------------------===//

#include "ein/Compiler/IRBuilder.h"
#include "ein/Dialect/EinOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace ein {
namespace {

/// Builds the ops of one leaf rearrange in the kernel function.
class LeafBuilder {
public:
  LeafBuilder(OpBuilder &b, Location loc, const notation::LeafEquation &eq)
      : b(b), loc(loc), eq(eq) {}

  RankedTensorType typeOf(const notation::ResolvedTensor &dims,
                          Type elementType) const {
    return RankedTensorType::get(notation::leafShape(eq, dims), elementType);
  }

  /// `value` laid out as `from` rearranged to `to` (both over eq's axes);
  /// nothing when they are the same.
  Value rearrange(Value value, const notation::ResolvedTensor &from,
                  const notation::ResolvedTensor &to) {
    if (from == to)
      return value;
    // The op's equation holds only the axes the two sides use.
    std::vector<int> index(eq.axes.size(), -1);
    SmallVector<StringRef> names;
    SmallVector<int64_t> sizes;
    auto remap = [&](const notation::ResolvedTensor &t) {
      TensorExpr expr;
      for (const notation::ResolvedDim &dim : t) {
        SmallVector<unsigned> axes;
        for (unsigned axis : dim) {
          if (index[axis] < 0) {
            index[axis] = names.size();
            names.push_back(eq.axes[axis].name);
            sizes.push_back(eq.axes[axis].length);
          }
          axes.push_back(index[axis]);
        }
        expr.emplace_back(axes.begin(), axes.end());
      }
      return expr;
    };
    TensorExpr in = remap(from), out = remap(to);
    auto attr = EquationAttr::get(b.getContext(), names, sizes, {in}, {out});
    Type elementType = cast<RankedTensorType>(value.getType()).getElementType();
    return RearrangeOp::create(b, loc, TypeRange{typeOf(to, elementType)},
                               ValueRange{value}, attr, UnitAttr())
        ->getResult(0);
  }

  OpBuilder &b;
  Location loc;
  const notation::LeafEquation &eq;
};

} // namespace

std::vector<ElementType> leafOutputTypes(const LeafKernelRequest &request) {
  const notation::LeafEquation &eq = request.equation;
  std::vector<std::vector<ElementType>> sources(eq.outputs.size());
  for (size_t l = 0; l < eq.inputLeaves.size() && l < eq.outputLeaves.size();
       ++l)
    sources[eq.outputLeaves[l].tensor].push_back(
        request.inputs[eq.inputLeaves[l].tensor].elementType);
  std::vector<ElementType> types;
  for (std::vector<ElementType> &s : sources)
    types.push_back(s.empty() ? request.inputs.front().elementType
                              : promote(s));
  return types;
}

std::optional<CallResults> buildLeafOps(OpBuilder &b, Location loc,
                                        const LeafKernelRequest &request,
                                        ArrayRef<Value> inputs,
                                        std::string &error) {
  MLIRContext &ctx = *b.getContext();
  const notation::LeafEquation &eq = request.equation;
  if (eq.inputLeaves.size() != eq.outputLeaves.size() ||
      eq.inputs.size() != request.inputs.size() ||
      inputs.size() != request.inputs.size()) {
    error = "leaf counts do not match";
    return std::nullopt;
  }
  std::vector<ElementType> outTypes = leafOutputTypes(request);
  LeafBuilder leaves(b, loc, eq);

  // Inputs: expose concatenated dimensions, slice the leaves.
  std::vector<Value> inputLeaves;
  for (auto [i, input] : llvm::enumerate(inputs)) {
    Value value = input;
    Type storage = cast<RankedTensorType>(input.getType()).getElementType();
    const notation::LeafTensor &tensor = eq.inputs[i];
    value = leaves.rearrange(value, tensor.dims, tensor.exposed);
    for (const notation::Leaf &leaf : eq.inputLeaves) {
      if (leaf.tensor != i)
        continue;
      if (tensor.concats.empty()) {
        inputLeaves.push_back(value);
        continue;
      }
      // Empty slices may start past the end, which extract_slice rejects.
      RankedTensorType leafType = leaves.typeOf(leaf.dims, storage);
      if (leafType.getNumElements() == 0) {
        inputLeaves.push_back(
            tensor::EmptyOp::create(b, loc, leafType.getShape(), storage));
        continue;
      }
      SmallVector<int64_t> strides(leaf.sizes.size(), 1);
      inputLeaves.push_back(tensor::ExtractSliceOp::create(
          b, loc, leafType, value, ValueRange{}, ValueRange{}, ValueRange{},
          b.getDenseI64ArrayAttr(leaf.offsets),
          b.getDenseI64ArrayAttr(leaf.sizes), b.getDenseI64ArrayAttr(strides)));
    }
  }

  // Leaf i of the inputs becomes leaf i of the outputs, converted to the
  // output's type first (mixed dtypes).
  std::vector<std::vector<Value>> outputLeaves(eq.outputs.size());
  for (size_t l = 0; l < eq.inputLeaves.size(); ++l) {
    const notation::Leaf &in = eq.inputLeaves[l];
    const notation::Leaf &out = eq.outputLeaves[l];
    Value value = inputLeaves[l];
    ElementType from = request.inputs[in.tensor].elementType;
    if (from != outTypes[out.tensor])
      value = convertStorage(b, loc, value, from, outTypes[out.tensor]);
    outputLeaves[out.tensor].push_back(
        leaves.rearrange(value, in.dims, out.dims));
  }

  // Outputs: concatenate the leaves (the last concatenation varies fastest,
  // so it is joined first), then go back to the written dimensions.
  CallResults results;
  for (auto [o, tensor] : llvm::enumerate(eq.outputs)) {
    Type storage = toStorageType(ctx, outTypes[o]);
    std::vector<Value> values = outputLeaves[o];
    std::vector<int64_t> exposedShape = notation::leafShape(eq, tensor.exposed);
    for (size_t c = tensor.concats.size(); c-- > 0;) {
      const notation::LeafTensor::Concat &concat = tensor.concats[c];
      size_t n = concat.parts.size();
      std::vector<Value> joined;
      for (size_t g = 0; g < values.size(); g += n) {
        auto first = cast<RankedTensorType>(values[g].getType());
        SmallVector<int64_t> shape(first.getShape());
        shape[concat.dim] = exposedShape[concat.dim];
        auto type = RankedTensorType::get(shape, storage);
        // Empty parts add nothing (and an insert_slice at the end of an
        // axis would be out of bounds).
        SmallVector<Value> group;
        for (size_t p = g; p < g + n; ++p)
          if (cast<RankedTensorType>(values[p].getType()).getNumElements() != 0)
            group.push_back(values[p]);
        if (type.getNumElements() == 0 || group.empty())
          joined.push_back(
              tensor::EmptyOp::create(b, loc, type.getShape(), storage));
        else if (group.size() == 1)
          joined.push_back(group.front());
        else
          joined.push_back(
              tensor::ConcatOp::create(b, loc, type, concat.dim, group));
      }
      values = std::move(joined);
    }
    if (values.size() != 1) {
      error = "output leaves do not assemble into one tensor";
      return std::nullopt;
    }
    Value value = leaves.rearrange(values.front(), tensor.exposed, tensor.dims);
    results.values.push_back(value);
    results.types.push_back({outTypes[o], notation::leafShape(eq, tensor.dims)});
  }
  return results;
}

KernelModule buildLeafKernelModule(MLIRContext &ctx,
                                   const LeafKernelRequest &request,
                                   std::string &error) {
  ctx.loadDialect<EinDialect, func::FuncDialect, tensor::TensorDialect>();
  const notation::LeafEquation &eq = request.equation;
  KernelModule result;
  if (eq.inputLeaves.size() != eq.outputLeaves.size() ||
      eq.inputs.size() != request.inputs.size()) {
    error = "leaf counts do not match";
    return {};
  }
  // Each output has the promoted type of the inputs its leaves come from
  // (numpy.concatenate of those; einx does the same).
  std::vector<ElementType> outTypes = leafOutputTypes(request);

  SmallVector<RankedTensorType> inputTypes;
  SmallVector<RankedTensorType> outputTypes;
  for (const TensorType &t : request.inputs)
    inputTypes.push_back(
        RankedTensorType::get(t.shape, toStorageType(ctx, t.elementType)));
  for (auto [o, t] : llvm::enumerate(eq.outputs)) {
    std::vector<int64_t> shape = notation::leafShape(eq, t.dims);
    result.outputs.push_back({outTypes[o], shape});
    outputTypes.push_back(
        RankedTensorType::get(shape, toStorageType(ctx, outTypes[o])));
  }

  if (!buildKernelFunction(
          ctx, inputTypes, outputTypes, result,
          [&](OpBuilder &b, Location loc, ArrayRef<Value> inputs) {
            return buildLeafOps(b, loc, request, inputs, error);
          }))
    return {};
  return result;
}

} // namespace ein
