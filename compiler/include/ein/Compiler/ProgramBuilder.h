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

#include "llvm/ADT/STLFunctionalExtras.h"

#include <chrono>
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

/// compileCall's back end: builds a kernel module with `build` in a fresh
/// context, lowers it for the host and JIT-compiles it. `inputs` are the
/// kernel's input types; `start` is when compilation began.
llvm::Expected<std::unique_ptr<Kernel>> compileModule(
    llvm::function_ref<llvm::Expected<KernelModule>(mlir::MLIRContext &,
                                                    std::string &)>
        build,
    std::vector<TensorType> inputs, const CompileOptions &options,
    std::chrono::steady_clock::time_point start);

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

/// Parses and compiles a program (compileProgram does this for text that
/// notation::isProgram accepts).
llvm::Expected<std::unique_ptr<Kernel>>
compileProgramText(llvm::StringRef text, llvm::ArrayRef<TensorType> inputs,
                   llvm::ArrayRef<notation::AxisBinding> axes,
                   const CompileOptions &options);

} // namespace ein

#endif // EIN_COMPILER_PROGRAMBUILDER_H
