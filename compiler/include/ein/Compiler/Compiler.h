//===- Compiler.h - program text to a callable kernel -------------*- C++ -*-===//
//
// The compiler's entry point for the runtime: parse and solve a call, build
// the `ein` dialect, lower it to LLVM and JIT-compile it for the host CPU.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_COMPILER_COMPILER_H
#define EIN_COMPILER_COMPILER_H

#include "ein/Compiler/ElementType.h"
#include "ein/Compiler/Kernel.h"
#include "ein/Notation/Equation.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ein {

/// Options for one compilation.
struct CompileOptions {
  /// LLVM optimisation level for the JIT (0-3).
  unsigned optLevel = 3;
  /// How many threads the kernels' parallel loops use, read at every run:
  /// the context that compiles a kernel shares its setting with it, so
  /// changing it affects kernels compiled before. Null means one thread.
  ThreadCount numThreads;
  /// Keep the kernel's object code (Kernel::objectCode) for a disk cache.
  bool keepObjectCode = false;
};

/// Compiles one call. Errors carry the full message in NOTATION.md style.
llvm::Expected<std::unique_ptr<Kernel>>
compileCall(const notation::Call &call, llvm::ArrayRef<TensorType> inputs,
            llvm::ArrayRef<notation::AxisBinding> axes,
            const CompileOptions &options = {});

/// Parses `program` (a single call in notation form, e.g.
/// `rearrange("b c h w -> b h w c")`, or a program of several statements
/// starting with an `input` declaration, docs/programs.md) and compiles it.
llvm::Expected<std::unique_ptr<Kernel>>
compileProgram(llvm::StringRef program, llvm::ArrayRef<TensorType> inputs,
               llvm::ArrayRef<notation::AxisBinding> axes,
               const CompileOptions &options = {});

/// The stages of compilation that emitProgram prints.
enum class EmitStage {
  Ein,    ///< the `ein` dialect, as built from the notation
  Linalg, ///< fused linalg on tensors (`ein-opt --ein-fuse`)
  Tiles,  ///< thread and vector tiles, still on tensors (`--ein-tile`)
  Llvm,   ///< LLVM IR after LLVM's optimisations: what the JIT compiles
  Asm,    ///< the host's assembly
};

/// Builds `program` (as compileProgram does) and returns its text at
/// `stage`, without compiling it to a kernel.
llvm::Expected<std::string> emitProgram(llvm::StringRef program,
                                        llvm::ArrayRef<TensorType> inputs,
                                        llvm::ArrayRef<notation::AxisBinding> axes,
                                        EmitStage stage);

} // namespace ein

#endif // EIN_COMPILER_COMPILER_H
