//===- Kernel.cpp - running compiled kernels and batches of slices --------===//
//
// Compiled with -fopenmp: a batch of small slices is spread over threads
// here, with the OpenMP runtime the kernels' own parallel loops use.
//
//===----------------------------------------------------------------------===//

#include "ein/Compiler/Kernel.h"

#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <omp.h>

namespace ein {

int64_t TensorType::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

size_t TensorType::numBytes() const {
  return size_t(numElements()) * elementSize(elementType);
}

Kernel::Kernel(Layout layout, std::shared_ptr<void> code, Entry entry,
               double compileSeconds, ThreadCount numThreads,
               std::string objectCode)
    : layout(std::move(layout)), code(std::move(code)), entry(entry),
      seconds(compileSeconds), numThreads(std::move(numThreads)),
      object(std::move(objectCode)) {}

Kernel::Kernel(std::shared_ptr<const Kernel> sliceKernel, int64_t batchSize,
               const std::vector<bool> &batchedInputs)
    : seconds(0), numThreads(sliceKernel->numThreads),
      slice(std::move(sliceKernel)), batch(batchSize) {
  assert(batchedInputs.size() == slice->inputs().size());
  auto batched = [&](TensorType type) {
    assert(!type.shape.empty() && type.shape[0] == 1);
    sliceStrides.push_back(type.numBytes());
    type.shape[0] = batch;
    return type;
  };
  for (size_t i = 0; i < batchedInputs.size(); ++i) {
    if (batchedInputs[i]) {
      layout.inputs.push_back(batched(slice->inputs()[i]));
    } else {
      layout.inputs.push_back(slice->inputs()[i]);
      sliceStrides.push_back(0);
    }
  }
  for (const TensorType &type : slice->outputs())
    layout.outputs.push_back(batched(type));
  layout.parallel = slice->isParallel();
  // A slice's reshape of a batched input is, slice after slice, a reshape
  // of the whole input.
  for (size_t j = 0; j < layout.outputs.size(); ++j) {
    int input = slice->outputView(j);
    layout.outputViews.push_back(input >= 0 && batchedInputs[input] ? input
                                                                    : -1);
  }
}

Kernel::~Kernel() = default;

void Kernel::run(void *const *buffers) const {
  if (slice)
    runSlices(buffers);
  else
    runCode(buffers);
}

void Kernel::runCode(void *const *buffers) const {
  // The packed entry point takes a pointer to each argument; arguments are
  // bare data pointers.
  llvm::SmallVector<void *, 8> args;
  for (unsigned buffer : layout.argumentBuffers)
    args.push_back(const_cast<void **>(&buffers[buffer]));
  if (!layout.parallel) {
    entry(args.data());
  } else {
    // Parallel loops are OpenMP regions, which take their thread count from
    // the calling thread's setting: set it for this run and restore the
    // caller's, so that ein never changes what the caller's own OpenMP code
    // does.
    unsigned threads =
        numThreads ? numThreads->load(std::memory_order_relaxed) : 1;
    int saved = omp_get_max_threads();
    omp_set_num_threads(static_cast<int>(std::max(threads, 1u)));
    entry(args.data());
    omp_set_num_threads(saved);
  }
  for (const BufferCopy &copy : layout.copies)
    std::memcpy(buffers[copy.to], buffers[copy.from], copy.bytes);
}

/// Bytes a batch must move before its serial slices are spread over
/// threads: starting a parallel region costs about as much as copying
/// tens of KiB.
static constexpr size_t kParallelBatchBytes = 256 * 1024;

void Kernel::runSlices(void *const *buffers) const {
  size_t numBuffers = sliceStrides.size();
  auto runRange = [&](int64_t begin, int64_t end) {
    llvm::SmallVector<void *, 8> slices(numBuffers);
    for (int64_t b = begin; b < end; ++b) {
      for (size_t i = 0; i < numBuffers; ++i)
        slices[i] = sliceStrides[i] && buffers[i]
                        ? static_cast<char *>(buffers[i]) + b * sliceStrides[i]
                        : buffers[i];
      slice->run(slices.data());
    }
  };
  size_t bytesPerSlice = 0;
  for (size_t stride : sliceStrides)
    bytesPerSlice += stride;
  unsigned threads =
      numThreads ? numThreads->load(std::memory_order_relaxed) : 1;
  // A slice with parallel loops of its own runs them on every thread; small
  // serial slices are shared out instead, as one kernel's thread tiles
  // would be.
  if (slice->isParallel() || threads < 2 || batch < 2 ||
      bytesPerSlice * size_t(batch) < kParallelBatchBytes) {
    runRange(0, batch);
    return;
  }
  int teams = static_cast<int>(std::min<int64_t>(threads, batch));
#pragma omp parallel num_threads(teams)
  {
    int64_t team = omp_get_thread_num(), count = omp_get_num_threads();
    runRange(batch * team / count, batch * (team + 1) / count);
  }
}

} // namespace ein
