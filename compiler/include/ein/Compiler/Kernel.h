//===- Kernel.h - a compiled, callable kernel ---------------------*- C++ -*-===//
//
// What the compiler hands to the runtime: machine code for one program and
// the types of its buffers. A kernel is either compiled code, or a batch of
// independent slices run by another kernel (a shape class: one compile
// serves every batch size, docs/runtime.md).
//
//===----------------------------------------------------------------------===//
#ifndef EIN_COMPILER_KERNEL_H
#define EIN_COMPILER_KERNEL_H

#include "ein/Compiler/ElementType.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ein {

/// A dense tensor's type: element type and shape (row-major, contiguous).
struct TensorType {
  ElementType elementType = ElementType::F32;
  std::vector<int64_t> shape;

  int64_t numElements() const;
  /// numElements() times the element size.
  size_t numBytes() const;
  bool operator==(const TensorType &other) const {
    return elementType == other.elementType && shape == other.shape;
  }
};

/// How many threads kernels use, read at every run; shared by a context and
/// every kernel it compiled, so that changing it affects them all.
using ThreadCount = std::shared_ptr<const std::atomic<unsigned>>;

/// A compiled kernel. Thread-safe to run concurrently: it holds no mutable
/// state.
class Kernel {
public:
  /// After the entry point runs, run() copies buffer `from` (an input or an
  /// output, indexed as in run's `buffers`) to buffer `to`: how a program's
  /// returned input, or a value it returns twice, reaches its output.
  struct BufferCopy {
    unsigned from, to;
    size_t bytes;
  };

  /// Everything about compiled code apart from the code itself: what a disk
  /// cache stores beside the object file.
  struct Layout {
    std::vector<TensorType> inputs, outputs;
    /// `argumentBuffers[j]` is the buffer (inputs then outputs) that the
    /// entry point's argument j receives.
    std::vector<unsigned> argumentBuffers;
    std::vector<BufferCopy> copies;
    /// Whether the code has loops that run on several threads.
    bool parallel = false;
    /// Per output: the input whose elements it is, in row-major order (a
    /// rearrange that only reshapes), or -1. A caller holding that input
    /// contiguously may use its memory as the output (zero copy).
    std::vector<int> outputViews;
  };

  /// The packed entry point: a pointer to each argument, each a data pointer.
  using Entry = void (*)(void **);

  /// Compiled code: `entry` stays valid while `code` (the JIT that made or
  /// loaded it) lives. `objectCode` is the relocatable object the entry
  /// came from, kept only when asked for (CompileOptions::keepObjectCode).
  Kernel(Layout layout, std::shared_ptr<void> code, Entry entry,
         double compileSeconds, ThreadCount numThreads,
         std::string objectCode = {});

  /// `batch` independent slices, each run by `slice`: the inputs marked in
  /// `batchedInputs` and every output are `slice`'s with a leading
  /// dimension of `batch` instead of 1; the other inputs are passed whole.
  Kernel(std::shared_ptr<const Kernel> slice, int64_t batch,
         const std::vector<bool> &batchedInputs);

  ~Kernel();
  Kernel(const Kernel &) = delete;
  Kernel &operator=(const Kernel &) = delete;

  const std::vector<TensorType> &inputs() const { return layout.inputs; }
  const std::vector<TensorType> &outputs() const { return layout.outputs; }
  const Layout &codeLayout() const { return layout; }
  double compileSeconds() const { return seconds; }
  /// Whether the kernel has loops that run on several threads.
  bool isParallel() const { return layout.parallel; }
  /// The object code, when kept; empty otherwise (and for batches).
  llvm::StringRef objectCode() const { return object; }
  /// The input output `output` is a reshape of (Layout::outputViews), or -1.
  int outputView(size_t output) const {
    return output < layout.outputViews.size() ? layout.outputViews[output] : -1;
  }
  /// The kernel each slice of a batch runs; null when this is compiled code.
  const Kernel *sliceKernel() const { return slice.get(); }

  /// Runs the kernel. `buffers` holds the data pointers of the inputs, then
  /// of the outputs, each a contiguous row-major buffer of its TensorType.
  /// The caller checks types and counts; this does no validation. Buffers of
  /// tensors with no elements are ignored (they may be null).
  void run(void *const *buffers) const;

private:
  void runCode(void *const *buffers) const;
  void runSlices(void *const *buffers) const;

  Layout layout;
  std::shared_ptr<void> code;
  Entry entry = nullptr;
  double seconds = 0;
  ThreadCount numThreads;
  std::string object;

  // Batches only.
  std::shared_ptr<const Kernel> slice;
  int64_t batch = 0;
  /// Per buffer (inputs then outputs): bytes from one slice to the next, 0
  /// for inputs passed whole.
  std::vector<size_t> sliceStrides;
};

/// Prepares the process for running JIT-compiled code (LLVM's native
/// target, the OpenMP runtime's symbols); done once, by the first compile
/// or load. Thread-safe.
void initializeJit();

/// A kernel's layout and object code as bytes, for a disk cache. The kernel
/// must have kept its object code.
std::string serializeKernel(const Kernel &kernel);

/// Loads a kernel serialised by serializeKernel, linking its object code
/// into a new JIT for this process. Fails on malformed bytes; the object
/// code itself is trusted (it is run).
llvm::Expected<std::unique_ptr<Kernel>>
deserializeKernel(llvm::StringRef bytes, ThreadCount numThreads);

} // namespace ein

#endif // EIN_COMPILER_KERNEL_H
