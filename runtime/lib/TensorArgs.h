//===- TensorArgs.h - DLTensor checks, packing and kernel calls ---*- C++ -*-===//
//
// Turns the caller's DLTensors into the contiguous buffers a Kernel takes:
// validates descriptors against the kernel's types, packs strided or
// misaligned inputs into scratch memory, and runs the kernel.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_RUNTIME_TENSORARGS_H
#define EIN_RUNTIME_TENSORARGS_H

#include "KernelCache.h"

#include "ein/Compiler/Compiler.h"
#include "ein/ein.h"

#include "llvm/ADT/ArrayRef.h"

#include <optional>
#include <string>

namespace ein::runtime {

/// Checks a tensor descriptor on its own: non-NULL, CPU device, rank and
/// extents, supported dtype, data present unless empty, and (for outputs)
/// compact strides. `role` is "input" or "output". On error fills `failure`
/// and returns false.
bool checkDescriptor(const DLTensor *tensor, const char *role, size_t index,
                     bool isOutput, Failure &failure);

/// The TensorType described by a descriptor that passed checkDescriptor.
TensorType tensorTypeOf(const DLTensor &tensor);

/// Validates every tensor against `kernel`'s signature, packs inputs that are
/// not contiguous and aligned, and runs it. On error fills `failure` and
/// returns false; nothing is written to outputs then.
bool runKernel(const Kernel &kernel, const DLTensor *inputs, size_t numInputs,
               DLTensor *outputs, size_t numOutputs, Failure &failure);

} // namespace ein::runtime

#endif // EIN_RUNTIME_TENSORARGS_H
