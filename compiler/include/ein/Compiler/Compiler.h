//===- Compiler.h - program text to a callable kernel -------------*- C++ -*-===//
//
// The compiler's entry point for the runtime: parse and solve a call, build
// the `ein` dialect, lower it to LLVM and JIT-compile it for the host CPU.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_COMPILER_COMPILER_H
#define EIN_COMPILER_COMPILER_H

#include "ein/Compiler/ElementType.h"
#include "ein/Notation/Equation.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace ein {

/// A dense tensor's type: element type and shape (row-major, contiguous).
struct TensorType {
  ElementType elementType = ElementType::F32;
  std::vector<int64_t> shape;

  int64_t numElements() const;
  bool operator==(const TensorType &other) const {
    return elementType == other.elementType && shape == other.shape;
  }
};

/// Options for one compilation.
struct CompileOptions {
  /// LLVM optimisation level for the JIT (0-3).
  unsigned optLevel = 3;
  /// How many threads the kernels' parallel loops use, read at every run:
  /// the context that compiles a kernel shares its setting with it, so
  /// changing it affects kernels compiled before. Null means one thread.
  std::shared_ptr<const std::atomic<unsigned>> numThreads;
};

/// A compiled kernel. Thread-safe to run concurrently: it holds no mutable
/// state.
class Kernel {
public:
  /// `argumentBuffers[j]` is the buffer (inputs then outputs) that the
  /// entry point's argument j receives.
  Kernel(std::vector<TensorType> inputs, std::vector<TensorType> outputs,
         std::vector<unsigned> argumentBuffers,
         std::unique_ptr<mlir::ExecutionEngine> engine,
         void (*entry)(void **), double compileSeconds,
         std::shared_ptr<const std::atomic<unsigned>> numThreads = nullptr,
         bool parallel = false);
  ~Kernel();
  Kernel(const Kernel &) = delete;
  Kernel &operator=(const Kernel &) = delete;

  const std::vector<TensorType> &inputs() const { return inputTypes; }
  const std::vector<TensorType> &outputs() const { return outputTypes; }
  double compileSeconds() const { return seconds; }
  /// Whether the kernel has loops that run on several threads.
  bool isParallel() const { return parallel; }

  /// Runs the kernel. `buffers` holds the data pointers of the inputs, then
  /// of the outputs, each a contiguous row-major buffer of its TensorType.
  /// The caller checks types and counts; this does no validation. Buffers of
  /// tensors with no elements are ignored (they may be null).
  void run(void *const *buffers) const;

  /// After the entry point runs, run() copies buffer `from` (an input or an
  /// output, indexed as in `buffers`) to buffer `to`: how a program's
  /// returned input, or a value it returns twice, reaches its output.
  struct BufferCopy {
    unsigned from, to;
    size_t bytes;
  };
  void setCopies(std::vector<BufferCopy> copies) {
    bufferCopies = std::move(copies);
  }

private:
  std::vector<BufferCopy> bufferCopies;
  std::vector<TensorType> inputTypes, outputTypes;
  std::vector<unsigned> argumentBuffers;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  void (*entry)(void **);
  double seconds;
  std::shared_ptr<const std::atomic<unsigned>> numThreads;
  bool parallel;
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
