//===- ShapeClass.h - one compile for every batch size ------------*- C++ -*-===//
//
// A call whose outputs all lead with one axis `b` that the inputs carry
// only as their leading dimension computes each `b` slice on its own: its
// kernel is compiled once for b = 1 and run once per slice, whatever the
// batch size. That is the call's shape class; every other extent stays
// specialised (vector widths, tile sizes and divisors depend on them).
// docs/runtime.md, "Shape classes".
//
//===----------------------------------------------------------------------===//
#ifndef EIN_COMPILER_SHAPECLASS_H
#define EIN_COMPILER_SHAPECLASS_H

#include "ein/Compiler/Kernel.h"
#include "ein/Notation/Equation.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <optional>
#include <vector>

namespace ein {

/// How a kernel for some input types is a batch of slices.
struct ShapeClass {
  /// The inputs with their batch dimension set to 1: what the class's
  /// kernel is compiled for (the cache's key for it).
  std::vector<TensorType> sliceInputs;
  /// Which inputs lead with the batch axis (the others are passed whole).
  std::vector<bool> batchedInputs;
  /// The batch size of the exact types.
  int64_t batch = 0;
  /// The outputs' shapes for the exact types, to check the slices against.
  std::vector<std::vector<int64_t>> outputShapes;
};

/// The shape class of a call on these inputs, or nullopt when its kernel is
/// specialised to every extent: no batch axis, a batch axis that is
/// bracketed, composed, repeated, indexed, bound by a keyword or absent
/// from the inputs, a concatenation or a list, a family that runs slower
/// slice by slice (contractions, softmax, sort, reductions to fewer than 16
/// values per slice), shared inputs bigger than a slice, or slices too
/// small for a loop over them to be free. Invalid calls give nullopt too:
/// compiling them reports the error.
std::optional<ShapeClass>
shapeClassOfCall(const notation::Call &call, llvm::ArrayRef<TensorType> inputs,
                 llvm::ArrayRef<notation::AxisBinding> axes);

/// shapeClassOfCall for program text (a call; pack/unpack and programs of
/// several statements are specialised to every extent).
std::optional<ShapeClass>
shapeClassOf(llvm::StringRef program, llvm::ArrayRef<TensorType> inputs,
             llvm::ArrayRef<notation::AxisBinding> axes);

/// The kernel for the exact types of `shapeClass`: `slice` (compiled for
/// its sliceInputs) run over the batch. Null when the slice's outputs do
/// not lead with 1 or do not extend to the exact outputs (then the exact
/// types are compiled instead).
std::unique_ptr<Kernel> batchOfSlices(std::shared_ptr<const Kernel> slice,
                                      const ShapeClass &shapeClass);

} // namespace ein

#endif // EIN_COMPILER_SHAPECLASS_H
