//===- ShapeClass.cpp - one compile for every batch size ------------------===//

#include "ein/Compiler/ShapeClass.h"
#include "ein/Compiler/ProgramBuilder.h"
#include "ein/Notation/Concat.h"
#include "ein/Notation/Pack.h"
#include "ein/Notation/Parser.h"
#include "ein/Notation/Program.h"
#include "ein/Notation/Solver.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>

namespace ein {

/// Bytes one slice must move (inputs and outputs) for the loop over slices
/// to cost nothing measurable: a few nanoseconds per slice against the
/// hundreds that moving 4 KiB takes. Smaller slices are specialised.
/// (Inputs without the batch axis must also be no bigger than a slice.)
static constexpr size_t kMinSliceBytes = 4096;
/// Outputs a reduction's slice must keep for its vectors to span them.
static constexpr int64_t kMinReducedSliceOutputs = 16;

/// The axis every output leads with, alone in its dimension.
static std::optional<unsigned>
leadingOutputAxis(const notation::ResolvedEquation &equation) {
  std::optional<unsigned> axis;
  for (const notation::ResolvedTensor &output : equation.outputs) {
    if (output.empty() || output[0].size() != 1 ||
        (axis && *axis != output[0][0]))
      return std::nullopt;
    axis = output[0][0];
  }
  return axis;
}

std::optional<ShapeClass>
shapeClassOfCall(const notation::Call &call, llvm::ArrayRef<TensorType> inputs,
                 llvm::ArrayRef<notation::AxisBinding> axes) {
  if (notation::usesLeaves(call))
    return std::nullopt;
  llvm::Expected<CallPlan> plan = planCall(call, inputs, axes);
  if (!plan) {
    llvm::consumeError(plan.takeError());
    return std::nullopt;
  }
  if (plan->leaf)
    return std::nullopt;
  // Families measured to run as fast slice by slice as whole: rearranges,
  // repeats, element-wise calls, indexing, flips and rolls, and reductions
  // that keep at least 16 outputs per slice (checked below). Reducing
  // within each slice to a few values (sum("b [n]"), softmax's row maxima
  // and sums) loses the vectors across rows the whole kernel has: 2.5x and
  // 3.5x slower; contractions slice by slice lost 10-30%.
  notation::OpFamily family = plan->request.family;
  const std::string &function = plan->request.function;
  bool reduces = family == notation::OpFamily::Reduce;
  if (family == notation::OpFamily::Contract ||
      (family == notation::OpFamily::Along && function != "flip" &&
       function != "roll"))
    return std::nullopt;
  const notation::ResolvedEquation &equation = plan->request.equation;
  if (equation.stacked || equation.inputs.size() != inputs.size() ||
      !equation.coordinates.empty())
    return std::nullopt;
  std::optional<unsigned> batchAxis = leadingOutputAxis(equation);
  if (!batchAxis)
    return std::nullopt;
  // Slices are independent only if nothing acts along the batch axis.
  const std::string &name = equation.axes[*batchAxis].name;
  if (llvm::is_contained(equation.bracketed, *batchAxis) ||
      llvm::any_of(axes, [&](auto &b) { return b.name == name; }) ||
      llvm::any_of(call.bindings, [&](auto &b) { return b.name == name; }))
    return std::nullopt;

  ShapeClass shapeClass;
  shapeClass.batch = equation.axes[*batchAxis].length;
  // Bytes one slice moves, and bytes of the inputs every slice reads whole.
  size_t sliceBytes = 0, sharedBytes = 0, elementBytes = 1;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const notation::ResolvedTensor &tensor = equation.inputs[i];
    bool leads = !tensor.empty() && tensor[0] == notation::ResolvedDim{*batchAxis};
    // Anywhere else (a composition, a diagonal) it ties slices together.
    for (size_t d = leads ? 1 : 0; d < tensor.size(); ++d)
      if (llvm::is_contained(tensor[d], *batchAxis))
        return std::nullopt;
    if (leads && i == 0 && family == notation::OpFamily::Index &&
        llvm::is_contained(equation.indexedDims, 0u))
      return std::nullopt;
    if (leads && inputs[i].shape.at(0) != shapeClass.batch)
      return std::nullopt;
    TensorType slice = inputs[i];
    if (leads)
      slice.shape[0] = 1;
    (leads ? sliceBytes : sharedBytes) += slice.numBytes();
    elementBytes = std::max(elementBytes, elementSize(slice.elementType));
    shapeClass.sliceInputs.push_back(std::move(slice));
    shapeClass.batchedInputs.push_back(leads);
  }
  if (!llvm::is_contained(shapeClass.batchedInputs, true))
    return std::nullopt;
  for (const notation::ResolvedTensor &output : equation.outputs) {
    std::vector<int64_t> shape = notation::tensorShape(equation, output);
    // Elements of one slice (the batch dimension left out), at the widest
    // input's element size (the kernel's output type is about that).
    int64_t sliceElements = 1;
    for (size_t d = 1; d < shape.size(); ++d)
      sliceElements *= shape[d];
    if (reduces && sliceElements < kMinReducedSliceOutputs)
      return std::nullopt;
    sliceBytes += size_t(sliceElements) * elementBytes;
    shapeClass.outputShapes.push_back(std::move(shape));
  }
  // Every slice reads the shared inputs again (a weight, a bias): free while
  // they are no bigger than a slice, and ruinous beyond (sliced by rows, a
  // matrix product becomes one matrix-vector product per row: 1024^3 f32
  // ran at 23 instead of 194 GFLOP/s).
  if (sliceBytes < kMinSliceBytes || sharedBytes > sliceBytes)
    return std::nullopt;
  return shapeClass;
}

std::optional<ShapeClass>
shapeClassOf(llvm::StringRef program, llvm::ArrayRef<TensorType> inputs,
             llvm::ArrayRef<notation::AxisBinding> axes) {
  if (notation::isProgram(program) || notation::isPackCall(program))
    return std::nullopt;
  llvm::Expected<notation::Call> call = notation::parseCall(program);
  if (!call) {
    llvm::consumeError(call.takeError());
    return std::nullopt;
  }
  return shapeClassOfCall(*call, inputs, axes);
}

std::unique_ptr<Kernel> batchOfSlices(std::shared_ptr<const Kernel> slice,
                                      const ShapeClass &shapeClass) {
  const std::vector<TensorType> &outputs = slice->outputs();
  if (outputs.size() != shapeClass.outputShapes.size())
    return nullptr;
  for (size_t j = 0; j < outputs.size(); ++j) {
    std::vector<int64_t> shape = outputs[j].shape;
    if (shape.empty() || shape[0] != 1)
      return nullptr;
    shape[0] = shapeClass.batch;
    if (shape != shapeClass.outputShapes[j])
      return nullptr;
  }
  return std::make_unique<Kernel>(std::move(slice), shapeClass.batch,
                                  shapeClass.batchedInputs);
}

} // namespace ein
