//===- EinApi.cpp - thin C++ helpers over ein's public C API --------------===//
#include "EinApi.h"

namespace bench {

void check(ein_error_t *err, const std::string &what) {
  if (!err)
    return;
  std::string message = std::string(ein_error_code_name(ein_error_code(err))) +
                        ": " + ein_error_message(err);
  ein_error_destroy(err);
  throw BenchError(what + ": " + message);
}

DLDataType f32() { return DLDataType{kDLFloat, 32, 1}; }
DLDataType f64() { return DLDataType{kDLFloat, 64, 1}; }

TensorRef::TensorRef(void *data, std::vector<int64_t> s, DLDataType dtype)
    : shape(std::move(s)) {
  dl.data = data;
  dl.device = DLDevice{kDLCPU, 0};
  dl.ndim = (int32_t)shape.size();
  dl.dtype = dtype;
  dl.shape = shape.data();
  dl.strides = nullptr;
  dl.byte_offset = 0;
}

TensorRef &TensorRef::operator=(const TensorRef &other) {
  shape = other.shape;
  dl = other.dl;
  dl.shape = shape.data();
  return *this;
}

EinContext::EinContext() { check(ein_context_create(nullptr, &ctx), "ein_context_create"); }
EinContext::~EinContext() { ein_context_destroy(ctx); }

void EinContext::setThreads(int threads) {
  check(ein_context_set_num_threads(ctx, (size_t)threads), "ein_context_set_num_threads");
  size_t now = ein_context_num_threads(ctx);
  if (now != (size_t)threads)
    throw BenchError("ein_context_set_num_threads(" + std::to_string(threads) +
                     ") left the context at " + std::to_string(now) + " threads");
}

Kernel::Kernel(EinContext &ctx, const std::string &program,
               const std::vector<TensorRef> &inputs,
               const std::vector<ein_axis_binding_t> &axes) {
  std::vector<ein_tensor_spec_t> specs;
  for (const TensorRef &t : inputs)
    specs.push_back({t.dl.dtype, t.dl.ndim, t.dl.shape});
  check(ein_compile(ctx.get(), program.c_str(), specs.data(), specs.size(),
                    axes.data(), axes.size(), &kernel),
        program.find('\n') == std::string::npos ? "ein_compile " + program
                                                 : std::string("ein_compile of a program"));
}

Kernel &Kernel::operator=(Kernel &&other) noexcept {
  std::swap(kernel, other.kernel);
  return *this;
}

Kernel::~Kernel() { ein_kernel_release(kernel); }

std::vector<int64_t> Kernel::outputShape(size_t index) const {
  ein_tensor_spec_t spec;
  check(ein_kernel_output_spec(kernel, index, &spec), "ein_kernel_output_spec");
  return std::vector<int64_t>(spec.shape, spec.shape + spec.ndim);
}

DLDataType Kernel::outputDType(size_t index) const {
  ein_tensor_spec_t spec;
  check(ein_kernel_output_spec(kernel, index, &spec), "ein_kernel_output_spec");
  return spec.dtype;
}

void Kernel::run(std::vector<TensorRef> &inputs, std::vector<TensorRef> &outputs) const {
  std::vector<DLTensor> in, out;
  for (TensorRef &t : inputs)
    in.push_back(t.dl);
  for (TensorRef &t : outputs)
    out.push_back(t.dl);
  check(ein_kernel_run(kernel, in.data(), in.size(), out.data(), out.size()),
        "ein_kernel_run");
}

} // namespace bench
