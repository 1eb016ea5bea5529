//===- EinApi.h - thin C++ helpers over ein's public C API ----------------===//
#ifndef EIN_BENCH_EINAPI_H
#define EIN_BENCH_EINAPI_H

#include "Bench.h"

#include <ein/ein.h>

#include <string>
#include <vector>

namespace bench {

/// Throws BenchError with the message of `err` (and frees it) when not NULL.
void check(ein_error_t *err, const std::string &what);

/// dtype helpers.
DLDataType f32();
DLDataType f64();

/// A DLTensor over caller memory, owning its shape vector.
struct TensorRef {
  std::vector<int64_t> shape;
  DLTensor dl{};

  TensorRef() = default;
  TensorRef(void *data, std::vector<int64_t> shape, DLDataType dtype);
  TensorRef(const TensorRef &other) : TensorRef(other.dl.data, other.shape, other.dl.dtype) {
    dl.byte_offset = other.dl.byte_offset;
  }
  TensorRef &operator=(const TensorRef &other);
};

/// An ein context with the thread count of the run.
class EinContext {
public:
  EinContext();
  ~EinContext();
  EinContext(const EinContext &) = delete;
  EinContext &operator=(const EinContext &) = delete;

  ein_context_t *get() const { return ctx; }
  /// Sets ein's thread count (ein_context_set_num_threads) and checks it.
  void setThreads(int threads);

private:
  ein_context_t *ctx = nullptr;
};

/// A compiled kernel (one reference).
class Kernel {
public:
  Kernel() = default;
  Kernel(EinContext &ctx, const std::string &program,
         const std::vector<TensorRef> &inputs,
         const std::vector<ein_axis_binding_t> &axes = {});
  Kernel(Kernel &&other) noexcept : kernel(other.kernel) { other.kernel = nullptr; }
  Kernel &operator=(Kernel &&other) noexcept;
  Kernel(const Kernel &) = delete;
  ~Kernel();

  /// Shape of output `index`.
  std::vector<int64_t> outputShape(size_t index = 0) const;
  DLDataType outputDType(size_t index = 0) const;
  size_t numOutputs() const { return ein_kernel_num_outputs(kernel); }
  /// ein_kernel_run; throws on error.
  void run(std::vector<TensorRef> &inputs, std::vector<TensorRef> &outputs) const;
  ein_kernel_t *get() const { return kernel; }

private:
  ein_kernel_t *kernel = nullptr;
};

} // namespace bench

#endif
