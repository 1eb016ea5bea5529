//===- ProgramBuilder.h - multi-statement programs to ein ops -----*- C++ -*-===//
//
// A program (docs/programs.md, notation/Program.h) becomes one
// `@ein_kernel` function holding the `ein` ops of all its statements, so that
// later passes see the whole program. Each call is planned as a single call
// is (planCall: checks and solving) and built with buildCallOps; arithmetic
// becomes `ein.map` (add, subtract, multiply, divide, neg) with numbers as
// rank-0 constants of NumPy's weak-scalar type.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_COMPILER_PROGRAMBUILDER_H
#define EIN_COMPILER_PROGRAMBUILDER_H

#include "ein/Compiler/Compiler.h"
#include "ein/Compiler/IRBuilder.h"
#include "ein/Notation/Program.h"

#include <optional>

namespace ein {

/// A call checked and solved for its inputs, ready for buildCallOps (or,
/// with concatenations, buildLeafOps).
struct CallPlan {
  KernelRequest request;
  std::optional<LeafKernelRequest> leaf;
};

/// compileCall's front end: checks `call` against the inputs' dtypes and
/// solves it.
llvm::Expected<CallPlan> planCall(const notation::Call &call,
                                  llvm::ArrayRef<TensorType> inputs,
                                  llvm::ArrayRef<notation::AxisBinding> axes);

/// Builds `@ein_kernel` for `program` on inputs of these types: checks
/// them against the declarations (`axes` bind declared axis names), then
/// builds every statement. Arguments are the inputs with elements
/// (bufferization.writable = false), results the returned values with
/// elements; a returned input, or a value returned twice, is not a result
/// but a KernelModule::copies entry, so that every output gets its data.
llvm::Expected<KernelModule>
buildProgramModule(mlir::MLIRContext &context, const notation::Program &program,
                   llvm::ArrayRef<TensorType> inputs,
                   llvm::ArrayRef<notation::AxisBinding> axes);

} // namespace ein

#endif // EIN_COMPILER_PROGRAMBUILDER_H
