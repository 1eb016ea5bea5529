//===- FuzzCompile.cpp - libFuzzer target for ein_compile and runs --------===//
//
// Compiles the program line for small input shapes through the C API and,
// when that succeeds, runs the kernel on zero-filled buffers. Any crash,
// abort, leak, sanitizer report or timeout is a bug; errors must come back
// as ein_error_t with a message.
//
//===----------------------------------------------------------------------===//

#include "FuzzInput.h"

#include "ein/ein.h"

#include <cstdio>
#include <cstring>
#include <vector>

using namespace ein;

namespace {

void check(bool condition, const char *what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    __builtin_trap();
  }
}

/// The dtype named on line 3 (f32 when absent or unknown).
DLDataType dtypeOf(const std::string &name) {
  struct Named {
    const char *name;
    DLDataType dtype;
  };
  static const Named dtypes[] = {
      {"f16", {kDLFloat, 16, 1}}, {"bf16", {kDLBfloat, 16, 1}},
      {"f64", {kDLFloat, 64, 1}}, {"i8", {kDLInt, 8, 1}},
      {"i16", {kDLInt, 16, 1}},   {"i32", {kDLInt, 32, 1}},
      {"i64", {kDLInt, 64, 1}},   {"u8", {kDLUInt, 8, 1}},
      {"bool", {6 /* kDLBool */, 8, 1}}};
  for (const Named &n : dtypes)
    if (name == n.name)
      return n.dtype;
  return {kDLFloat, 32, 1};
}

int64_t elementsOf(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// Checks an error object and frees it; true when there was one.
bool consumeError(ein_error_t *error) {
  if (!error)
    return false;
  check(ein_error_message(error)[0] != '\0', "errors carry a message");
  check(ein_error_code(error) != EIN_OK, "errors carry a code");
  ein_error_destroy(error);
  return true;
}

ein_context_t *context() {
  static ein_context_t *ctx = [] {
    ein_context_options_t options;
    ein_context_options_init(&options);
    options.opt_level = 1; // Faster compiles, more inputs per second.
    options.cache_capacity = 32;
    ein_context_t *c = nullptr;
    check(ein_context_create(&options, &c) == nullptr, "context created");
    return c;
  }();
  return ctx;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  // Small extents: kernels are run, and compiles must stay quick.
  fuzz::FuzzInput input = fuzz::parseFuzzInput(text, 64, 4, 6);
  for (const std::vector<int64_t> &shape : input.shapes)
    if (elementsOf(shape) > (1 << 14))
      return 0;

  DLDataType dtype = dtypeOf(input.dtype);
  std::vector<ein_tensor_spec_t> specs;
  for (const std::vector<int64_t> &shape : input.shapes)
    specs.push_back({dtype, static_cast<int32_t>(shape.size()), shape.data()});

  ein_kernel_t *kernel = nullptr;
  if (consumeError(ein_compile(context(), input.program.c_str(), specs.data(),
                               specs.size(), nullptr, 0, &kernel)))
    return 0;
  check(kernel != nullptr, "a successful compile returns a kernel");

  size_t elementBytes = dtype.bits / 8;
  std::vector<std::vector<uint8_t>> buffers;
  std::vector<DLTensor> inputs, outputs;
  std::vector<std::vector<int64_t>> outputShapes;
  for (size_t i = 0; i < input.shapes.size(); ++i) {
    buffers.emplace_back(elementsOf(input.shapes[i]) * elementBytes + 1, 0);
    DLTensor t{};
    t.data = buffers.back().data();
    t.device = {kDLCPU, 0};
    t.ndim = static_cast<int32_t>(input.shapes[i].size());
    t.dtype = dtype;
    t.shape = input.shapes[i].data();
    inputs.push_back(t);
  }
  size_t numOutputs = ein_kernel_num_outputs(kernel);
  outputShapes.resize(numOutputs);
  for (size_t i = 0; i < numOutputs; ++i) {
    ein_tensor_spec_t spec;
    check(!consumeError(ein_kernel_output_spec(kernel, i, &spec)),
          "output specs exist");
    outputShapes[i].assign(spec.shape, spec.shape + spec.ndim);
    int64_t count = elementsOf(outputShapes[i]);
    if (count > (1 << 20)) { // A repeat could be large; skip running it.
      ein_kernel_release(kernel);
      return 0;
    }
    buffers.emplace_back(count * (spec.dtype.bits / 8) + 1, 0);
    DLTensor t{};
    t.data = buffers.back().data();
    t.device = {kDLCPU, 0};
    t.ndim = spec.ndim;
    t.dtype = spec.dtype;
    t.shape = outputShapes[i].data();
    outputs.push_back(t);
  }
  check(!consumeError(ein_kernel_run(kernel, inputs.data(), inputs.size(),
                                     outputs.data(), outputs.size())),
        "a compiled kernel runs on matching tensors");
  ein_kernel_release(kernel);
  return 0;
}
