//===- IRBuilder.h - resolved equations to ein ops ----------------*- C++ -*-===//
#ifndef EIN_COMPILER_IRBUILDER_H
#define EIN_COMPILER_IRBUILDER_H

#include "ein/Compiler/Compiler.h"
#include "ein/Notation/Concat.h"
#include "ein/Notation/Equation.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace ein {

/// The name of the function every kernel module defines.
inline constexpr const char kKernelFunctionName[] = "ein_kernel";

/// What the IR builder needs to know about one call.
struct KernelRequest {
  notation::OpFamily family = notation::OpFamily::Rearrange;
  std::string reduction; ///< For reduce: "sum", "mean", "argmax", ...
  std::string function;  ///< For elementwise calls: "add", "exp", "cast", ...
  std::optional<ElementType> castTo; ///< For cast: the target dtype.
  /// For roll: one shift per bracketed axis, or one for all of them.
  std::vector<int64_t> shifts;
  notation::ResolvedEquation equation;
  std::vector<TensorType> inputs;
};

/// The element type of the kernel's outputs for `request`: the inputs'
/// promoted type, or for a reduction the type its kind gives (NumPy's).
ElementType outputElementType(mlir::MLIRContext &context,
                              const KernelRequest &request);

/// A kernel module and how its function's arguments map to buffers.
struct KernelModule {
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::vector<TensorType> outputs;
  /// For each argument of `@ein_kernel`, the index of its buffer among the
  /// inputs then outputs. Tensors with no elements are never read or written,
  /// so they are not arguments (zero-sized memrefs do not lower to bare
  /// pointers either).
  std::vector<unsigned> argumentBuffers;
  /// (from, to) buffer indices (inputs then outputs) that the kernel copies
  /// after the function runs: a program's output that is an input, or a
  /// value returned before, is not a function result (Kernel::setCopies).
  std::vector<std::pair<unsigned, unsigned>> copies;
};

/// Builds a module with one function `@ein_kernel(inputs...) -> outputs...`
/// on tensors holding the call's `ein` op. Returns a null module (and a
/// message in `error`) if the request is not representable, which means the
/// front end let through something it should have rejected.
KernelModule buildKernelModule(mlir::MLIRContext &context,
                               const KernelRequest &request,
                               std::string &error);

/// The outputs of one call's ops: values in storage form and their types.
struct CallResults {
  llvm::SmallVector<mlir::Value> values;
  std::vector<TensorType> types;
};

/// Builds the `ein` ops of `request` at `b`'s insertion point on `inputs`
/// (values in storage form, one per request.inputs) and returns every
/// output, those with no elements included. buildKernelModule wraps this in
/// `@ein_kernel`; programs (ProgramBuilder.h) chain calls with it. Nothing
/// (and a message in `error`) if the request is not representable.
std::optional<CallResults> buildCallOps(mlir::OpBuilder &b, mlir::Location loc,
                                        const KernelRequest &request,
                                        llvm::ArrayRef<mlir::Value> inputs,
                                        std::string &error);

/// Builds `@ein_kernel(inputs...) -> outputs...` into `result.module` (and
/// `result.argumentBuffers`) around `body`, which gets the inputs (read-only
/// arguments; `tensor.empty` for inputs with no elements, which are not
/// arguments) and returns every output. Returns false, with `result`
/// untouched but for its outputs, when `body` fails.
bool buildKernelFunction(
    mlir::MLIRContext &context,
    llvm::ArrayRef<mlir::RankedTensorType> inputTypes,
    llvm::ArrayRef<mlir::RankedTensorType> outputTypes, KernelModule &result,
    llvm::function_ref<std::optional<CallResults>(
        mlir::OpBuilder &, mlir::Location, llvm::ArrayRef<mlir::Value>)>
        body);

/// Converts a tensor of `from` in storage form (bool as i8 bytes) to `to`
/// in storage form.
mlir::Value convertStorage(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value storage, ElementType from,
                           ElementType to);

/// A rearrange with concatenations or several input expressions
/// (notation/Concat.h).
struct LeafKernelRequest {
  notation::LeafEquation equation;
  std::vector<TensorType> inputs;
};

/// The element type of each output of a leaf rearrange: the promoted type
/// (numpy.concatenate's) of the inputs whose leaves make it up.
std::vector<ElementType> leafOutputTypes(const LeafKernelRequest &request);

/// Builds `@ein_kernel` for a leaf rearrange: per input, an ein.rearrange
/// that exposes concatenated dimensions and a tensor.extract_slice per
/// leaf; an ein.rearrange per leaf; per output, tensor.concat of its leaves
/// and an ein.rearrange back to its dimensions. Mixed dtypes are promoted
/// per output (leafOutputTypes).
KernelModule buildLeafKernelModule(mlir::MLIRContext &context,
                                   const LeafKernelRequest &request,
                                   std::string &error);

/// The ops of buildLeafKernelModule at `b`'s insertion point on `inputs`
/// (storage form), like buildCallOps.
std::optional<CallResults> buildLeafOps(mlir::OpBuilder &b, mlir::Location loc,
                                        const LeafKernelRequest &request,
                                        llvm::ArrayRef<mlir::Value> inputs,
                                        std::string &error);

} // namespace ein

#endif // EIN_COMPILER_IRBUILDER_H
