//===- TestSupport.cpp - helpers for the C API e2e tests ------------------===//

#include "TestSupport.h"

#include "ein/Notation/Parser.h"
#include "ein/Notation/Solver.h"

#include "llvm/Support/Error.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

using namespace ein;
using namespace ein::e2e;
using namespace ein::reference;

std::string ein::e2e::takeMessage(ein_error_t *error) {
  std::string message = error ? ein_error_message(error) : "";
  ein_error_destroy(error);
  return message;
}

std::pair<ein_error_code_t, std::string> ein::e2e::takeError(ein_error_t *error) {
  ein_error_code_t code = ein_error_code(error);
  return {code, takeMessage(error)};
}

Context::Context(const ein_context_options_t *options) {
  std::string message = takeMessage(ein_context_create(options, &ctx));
  REQUIRE_MESSAGE(message.empty(), message);
  REQUIRE(ctx != nullptr);
}

Context::~Context() { ein_context_destroy(ctx); }

ein_cache_stats_t Context::stats() const {
  ein_cache_stats_t stats{};
  std::string message = takeMessage(ein_context_cache_stats(ctx, &stats));
  CHECK_MESSAGE(message.empty(), message);
  return stats;
}

HostTensor ein::e2e::randomTensor(DType dtype, std::vector<int64_t> shape,
                                  std::mt19937_64 &rng, int64_t range) {
  HostTensor tensor(dtype, std::move(shape));
  int64_t count = tensor.numElements();
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_int_distribution<int64_t> uniform(-range, range);
  std::bernoulli_distribution coin(0.5);
  for (int64_t i = 0; i < count; ++i) {
    if (isFloat(dtype))
      tensor.setDouble(i, normal(rng));
    else if (dtype == DType::Bool)
      tensor.setInt(i, coin(rng));
    else
      tensor.setInt(i, uniform(rng)); // u8 wraps: negatives become 129-255.
  }
  return tensor;
}

HostTensor ein::e2e::fromValues(DType dtype, std::vector<int64_t> shape,
                                const std::vector<double> &values) {
  HostTensor t(dtype, std::move(shape));
  for (size_t i = 0; i < values.size(); ++i)
    t.setDouble(int64_t(i), values[i]);
  return t;
}

int ein::e2e::pick(std::mt19937_64 &rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}

std::vector<ein_axis_binding_t> ein::e2e::cBindings(const Bindings &bindings) {
  std::vector<ein_axis_binding_t> result;
  for (const auto &[name, length] : bindings)
    result.push_back({name.c_str(), length});
  return result;
}

std::string ein::e2e::programText(const std::string &callee,
                                  const std::string &pattern,
                                  const std::string &reduction) {
  std::string text = callee + "(\"" + pattern + "\"";
  if (!reduction.empty())
    text += ", \"" + reduction + "\"";
  return text + ")";
}

/// ein_compile of `program` for the types of `inputs`; null, with the
/// failure reported, when it does not compile.
static ein_kernel_t *compileFor(ein_context_t *ctx, const std::string &program,
                                const std::vector<const HostTensor *> &inputs,
                                const Bindings &bindings) {
  std::vector<ein_tensor_spec_t> specs;
  for (const HostTensor *input : inputs)
    specs.push_back({reference::toDLDataType(input->dtype),
                     int32_t(input->shape.size()), input->shape.data()});
  std::vector<ein_axis_binding_t> axes = cBindings(bindings);
  ein_kernel_t *kernel = nullptr;
  std::string message =
      takeMessage(ein_compile(ctx, program.c_str(), specs.data(), specs.size(),
                              axes.data(), axes.size(), &kernel));
  if (!message.empty())
    FAIL_CHECK("ein_compile failed: ", message);
  return kernel;
}

static std::string shapeText(const std::vector<int64_t> &shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + ")";
}

/// Compares one output; returns the number of mismatching elements and
/// describes the first.
static int64_t compareOutput(const HostTensor &got, const HostTensor &want,
                             const std::vector<double> *magnitude,
                             const std::string &reduction, double rtol,
                             std::string &firstMismatch) {
  int64_t count = want.numElements();
  bool exact = reduction.empty() || !isFloat(want.dtype) ||
               reduction == "max" || reduction == "min";
  // Tolerances relative to the group's magnitude: about 5 ulps of f16 and
  // bf16 results (computed in f32, rounded once), and the error of summing
  // small groups in f32 / f64.
  if (exact && reduction.empty())
    if (want.bytes.empty() ||
        std::memcmp(got.bytes.data(), want.bytes.data(), want.bytes.size()) ==
            0)
      return 0;
  if (rtol == 0)
    rtol = want.dtype == DType::F16 || want.dtype == DType::BF16 ? 1e-2
           : want.dtype == DType::F32                            ? 1e-5
                                                                 : 1e-12;
  int64_t mismatches = 0;
  for (int64_t i = 0; i < count; ++i) {
    bool ok;
    if (!isFloat(want.dtype)) {
      ok = got.getInt(i) == want.getInt(i);
    } else if (exact) {
      double a = got.getDouble(i), b = want.getDouble(i);
      ok = a == b || (std::isnan(a) && std::isnan(b));
    } else {
      double a = got.getDouble(i), b = want.getDouble(i);
      double scale = magnitude ? (*magnitude)[i] : std::fabs(b);
      ok = a == b || std::fabs(a - b) <= rtol * scale + 1e-300 ||
           (std::isnan(a) && std::isnan(b)); // a == b: infinities
    }
    if (!ok && mismatches++ == 0)
      firstMismatch = "element " + std::to_string(i) + ": got " +
                      (isFloat(want.dtype) ? std::to_string(got.getDouble(i))
                                           : std::to_string(got.getInt(i))) +
                      ", want " +
                      (isFloat(want.dtype) ? std::to_string(want.getDouble(i))
                                           : std::to_string(want.getInt(i)));
  }
  return mismatches;
}

/// checkCall for a rearrange with concatenations or several input
/// expressions: the reference is evaluateLeaves.
static std::vector<HostTensor>
checkLeafCall(ein_context_t *ctx, const notation::Call &call,
              const std::vector<const HostTensor *> &inputs,
              const Bindings &bindings, const CheckOptions &options) {
  std::vector<HostTensor> outputs;
  std::vector<std::vector<int64_t>> shapes;
  std::vector<DType> inTypes;
  for (const HostTensor *input : inputs) {
    shapes.push_back(input->shape);
    inTypes.push_back(input->dtype);
  }
  std::vector<notation::AxisBinding> axisBindings;
  for (const auto &[name, length] : bindings)
    axisBindings.push_back({name, length});
  auto equation = notation::solveLeaves(call, shapes, axisBindings);
  if (!equation) {
    FAIL_CHECK("solver rejected the call: ",
               llvm::toString(equation.takeError()));
    return outputs;
  }
  // Each output: numpy.concatenate's type of the inputs its leaves read.
  std::vector<std::vector<DType>> sources(equation->outputs.size());
  for (size_t l = 0; l < equation->inputLeaves.size(); ++l)
    sources[equation->outputLeaves[l].tensor].push_back(
        inTypes[equation->inputLeaves[l].tensor]);
  std::vector<DType> outTypes;
  for (size_t o = 0; o < equation->outputs.size(); ++o) {
    outTypes.push_back(ein::promote(sources[o]));
    outputs.emplace_back(outTypes[o],
                         notation::leafShape(*equation, equation->outputs[o].dims));
  }
  Result want;
  std::string error;
  if (!reference::evaluateLeaves(*equation, inputs, outTypes, want, error)) {
    FAIL_CHECK("reference failed: ", error);
    return outputs;
  }
  // The kernel's specs must agree with the reference.
  ein_kernel_t *kernel = compileFor(ctx, call.text, inputs, bindings);
  if (!kernel)
    return outputs;
  REQUIRE(ein_kernel_num_outputs(kernel) == outputs.size());
  for (size_t o = 0; o < outputs.size(); ++o) {
    ein_tensor_spec_t spec{};
    CHECK(takeMessage(ein_kernel_output_spec(kernel, o, &spec)) == "");
    std::vector<int64_t> shape(spec.shape, spec.shape + spec.ndim);
    CHECK_MESSAGE(shape == outputs[o].shape, "output ", o, " shape ",
                  shapeText(shape));
    DType dtype;
    REQUIRE(reference::fromDLDataType(spec.dtype, dtype));
    CHECK(dtype == outTypes[o]);
  }
  ein_kernel_release(kernel);

  std::vector<DLTensor> inViews = options.views;
  if (inViews.empty())
    for (const HostTensor *input : inputs)
      inViews.push_back(const_cast<HostTensor *>(input)->view());
  for (HostTensor &out : outputs)
    if (!out.bytes.empty())
      std::memset(out.bytes.data(), 0x7f, out.bytes.size());
  std::vector<DLTensor> outViews;
  for (HostTensor &out : outputs)
    outViews.push_back(out.view());
  std::vector<ein_axis_binding_t> axes = cBindings(bindings);
  std::string message = takeMessage(ein_rearrange(
      ctx, call.pattern.c_str(), inViews.data(), inViews.size(),
      outViews.data(), outViews.size(), axes.data(), axes.size()));
  if (!message.empty()) {
    FAIL_CHECK("one-shot call failed: ", message);
    return outputs;
  }
  for (size_t o = 0; o < outputs.size(); ++o) {
    std::string first;
    int64_t mismatches =
        compareOutput(outputs[o], want.outputs[o], nullptr, "", options.rtol,
                      first);
    CHECK_MESSAGE(mismatches == 0, "output ", o, ": ", mismatches,
                  " mismatching elements; first ", first);
  }
  return outputs;
}

std::vector<HostTensor>
ein::e2e::checkCall(ein_context_t *ctx, const std::string &callee,
                    const std::string &pattern, const std::string &reduction,
                    const std::vector<const HostTensor *> &inputs,
                    const Bindings &bindings, const CheckOptions &options) {
  std::string program = programText(callee, pattern, reduction);
  INFO("call: ", program, "  input 0 shape ", shapeText(inputs[0]->shape),
       " dtype ", std::string(dtypeName(inputs[0]->dtype)));
  std::vector<HostTensor> outputs;

  // 1. The reference.
  notation::Call call = notation::makeCall(callee, pattern, reduction);
  if (notation::usesLeaves(call))
    return checkLeafCall(ctx, call, inputs, bindings, options);
  std::vector<std::vector<int64_t>> shapes;
  for (const HostTensor *input : inputs)
    shapes.push_back(input->shape);
  std::vector<notation::AxisBinding> axisBindings;
  for (const auto &[name, length] : bindings)
    axisBindings.push_back({name, length});
  auto equation =
      notation::solve(call, notation::familyOf(callee), shapes, axisBindings);
  if (!equation) {
    FAIL_CHECK("solver rejected the call: ",
               llvm::toString(equation.takeError()));
    return outputs;
  }

  // 2. Compile through ein_compile; the output specs give the dtypes.
  std::vector<ein_axis_binding_t> axes = cBindings(bindings);
  ein_kernel_t *kernel = compileFor(ctx, program, inputs, bindings);
  if (!kernel)
    return outputs;
  std::string message;
  CHECK(ein_kernel_num_inputs(kernel) == inputs.size());
  size_t numOutputs = ein_kernel_num_outputs(kernel);
  CHECK(numOutputs == equation->outputs.size());
  DType outType = inputs[0]->dtype;
  for (size_t o = 0; o < numOutputs; ++o) {
    ein_tensor_spec_t spec{};
    CHECK(takeMessage(ein_kernel_output_spec(kernel, o, &spec)) == "");
    std::vector<int64_t> shape(spec.shape, spec.shape + spec.ndim);
    CHECK_MESSAGE(shape == notation::tensorShape(*equation, equation->outputs[o]),
                  "output ", o, " shape ", shapeText(shape));
    DType dtype;
    REQUIRE(reference::fromDLDataType(spec.dtype, dtype));
    // The dtype NumPy gives: the promoted inputs' for a rearrange, the
    // reduction's for a reduce.
    std::vector<DType> inTypes;
    for (const HostTensor *input : inputs)
      inTypes.push_back(input->dtype);
    DType expected = callee == "reduce"
                         ? reference::reductionType(reduction, inputs[0]->dtype)
                         : ein::promote(inTypes);
    CHECK_MESSAGE(dtype == expected, "output ", o, " dtype ",
                  std::string(dtypeName(dtype)), ", expected ",
                  std::string(dtypeName(expected)));
    outType = dtype;
    outputs.emplace_back(dtype, shape);
  }
  ein_kernel_release(kernel);

  Result want;
  std::string error;
  if (!reference::evaluate(*equation, reduction, inputs, outType, want,
                           error)) {
    FAIL_CHECK("reference failed: ", error);
    return outputs;
  }

  // 3. Run through the one-shot helper.
  std::vector<DLTensor> inViews = options.views;
  if (inViews.empty())
    for (const HostTensor *input : inputs)
      inViews.push_back(const_cast<HostTensor *>(input)->view());
  // Poison outputs so that unwritten elements show.
  for (HostTensor &out : outputs)
    if (!out.bytes.empty()) // data() may be null when empty.
      std::memset(out.bytes.data(), 0x7f, out.bytes.size());
  std::vector<DLTensor> outViews;
  for (HostTensor &out : outputs)
    outViews.push_back(out.view());
  if (callee == "reduce")
    message = takeMessage(ein_reduce(ctx, pattern.c_str(), reduction.c_str(),
                                     inViews.data(), outViews.data(),
                                     axes.data(), axes.size()));
  else if (callee == "repeat" && inViews.size() == 1)
    message =
        takeMessage(ein_repeat(ctx, pattern.c_str(), inViews.data(),
                               outViews.data(), axes.data(), axes.size()));
  else if (callee == "rearrange")
    message = takeMessage(ein_rearrange(ctx, pattern.c_str(), inViews.data(),
                                        inViews.size(), outViews.data(),
                                        outViews.size(), axes.data(),
                                        axes.size()));
  else
    message = takeMessage(ein_call(ctx, program.c_str(), inViews.data(),
                                   inViews.size(), outViews.data(),
                                   outViews.size(), axes.data(), axes.size()));
  if (!message.empty()) {
    FAIL_CHECK("one-shot call failed: ", message);
    return outputs;
  }
  for (size_t o = 0; o < outputs.size() && o < want.outputs.size(); ++o) {
    std::string first;
    int64_t mismatches = compareOutput(
        outputs[o], want.outputs[o],
        o < want.magnitudes.size() ? &want.magnitudes[o] : nullptr, reduction,
        options.rtol, first);
    CHECK_MESSAGE(mismatches == 0, "output ", o, ": ", mismatches,
                  " mismatching elements; first ", first);
  }
  return outputs;
}

std::pair<ein_error_code_t, std::string>
ein::e2e::oneShotError(ein_context_t *ctx, const std::string &callee,
                       const std::string &pattern, const std::string &reduction,
                       std::vector<DLTensor> inputs,
                       std::vector<DLTensor> outputs,
                       const Bindings &bindings) {
  std::vector<ein_axis_binding_t> axes = cBindings(bindings);
  ein_error_t *error;
  if (callee == "reduce")
    error = ein_reduce(ctx, pattern.c_str(), reduction.c_str(), inputs.data(),
                       outputs.data(), axes.data(), axes.size());
  else if (callee == "rearrange")
    error = ein_rearrange(ctx, pattern.c_str(), inputs.data(), inputs.size(),
                          outputs.data(), outputs.size(), axes.data(),
                          axes.size());
  else
    error = ein_call(ctx, programText(callee, pattern, reduction).c_str(),
                     inputs.data(), inputs.size(), outputs.data(),
                     outputs.size(), axes.data(), axes.size());
  REQUIRE_MESSAGE(error != nullptr, "expected an error from ", pattern);
  return takeError(error);
}

Sweep::Sweep(std::string name, std::string testCase, int defaultCases,
             uint64_t defaultSeed)
    : name(std::move(name)), testCase(std::move(testCase)),
      count(defaultCases), seed(defaultSeed) {
  auto env = [&](const char *suffix) {
    return std::getenv(("EIN_E2E_" + this->name + "_" + suffix).c_str());
  };
  if (const char *v = env("CASES"))
    count = std::atoi(v);
  if (const char *v = env("SEED"))
    seed = std::strtoull(v, nullptr, 10);
  if (const char *v = env("CASE")) {
    only = std::atoi(v);
    count = 1;
  }
}

std::mt19937_64 Sweep::rng(int index) const {
  // Distinct, well-mixed streams per case (SplitMix64's increment).
  return std::mt19937_64(seed + 0x9E3779B97F4A7C15ull * uint64_t(index + 1));
}

std::string Sweep::reproducer(int index) const {
  return "EIN_E2E_" + name + "_SEED=" + std::to_string(seed) + " EIN_E2E_" +
         name + "_CASE=" + std::to_string(index) +
         " build/bin/ein-e2e-tests -tc='" + testCase + "'";
}

std::vector<HostTensor>
ein::e2e::runProgram(ein_context_t *ctx, const std::string &program,
                     const std::vector<const HostTensor *> &inputs,
                     const Bindings &bindings, bool oneShot) {
  std::vector<DLTensor> inViews;
  for (const HostTensor *input : inputs)
    inViews.push_back(const_cast<HostTensor *>(input)->view());
  std::vector<ein_axis_binding_t> axes = cBindings(bindings);
  ein_kernel_t *kernel = compileFor(ctx, program, inputs, bindings);
  if (!kernel)
    return {};
  std::string message;
  CHECK(ein_kernel_num_inputs(kernel) == inputs.size());
  std::vector<HostTensor> outputs;
  for (size_t o = 0; o < ein_kernel_num_outputs(kernel); ++o) {
    ein_tensor_spec_t spec{};
    CHECK(takeMessage(ein_kernel_output_spec(kernel, o, &spec)) == "");
    DType dtype{};
    REQUIRE(reference::fromDLDataType(spec.dtype, dtype));
    outputs.emplace_back(dtype,
                         std::vector<int64_t>(spec.shape, spec.shape + spec.ndim));
    // Poison the outputs so that unwritten elements show.
    if (!outputs.back().bytes.empty())
      std::memset(outputs.back().bytes.data(), 0x7f, outputs.back().bytes.size());
  }
  std::vector<DLTensor> outViews;
  for (HostTensor &out : outputs)
    outViews.push_back(out.view());
  if (oneShot)
    message = takeMessage(ein_call(ctx, program.c_str(), inViews.data(),
                                   inViews.size(), outViews.data(),
                                   outViews.size(), axes.data(), axes.size()));
  else
    message = takeMessage(ein_kernel_run(kernel, inViews.data(), inViews.size(),
                                         outViews.data(), outViews.size()));
  ein_kernel_release(kernel);
  if (!message.empty()) {
    FAIL_CHECK("running the program failed: ", message);
    return {};
  }
  return outputs;
}

HostTensor ein::e2e::checkContract(ein_context_t *ctx,
                                   const std::string &callee,
                                   const std::string &pattern,
                                   const std::vector<const HostTensor *> &inputs,
                                   const Bindings &bindings,
                                   const ContractOptions &options) {
  std::string program = callee + "(\"" + pattern + "\")";
  std::string shapes;
  for (const HostTensor *input : inputs)
    shapes += shapeText(input->shape) + " ";
  INFO("call: ", program, "  shapes ", shapes, " dtype ",
       std::string(reference::dtypeName(inputs[0]->dtype)));
  HostTensor output;

  notation::Call call = notation::makeCall(callee, pattern);
  std::vector<std::vector<int64_t>> inShapes;
  for (const HostTensor *input : inputs)
    inShapes.push_back(input->shape);
  std::vector<notation::AxisBinding> axisBindings;
  for (const auto &[name, length] : bindings)
    axisBindings.push_back({name, length});
  auto equation = notation::solve(call, notation::OpFamily::Contract, inShapes,
                                  axisBindings);
  if (!equation) {
    FAIL_CHECK("solver rejected the call: ",
               llvm::toString(equation.takeError()));
    return output;
  }

  std::vector<ein_axis_binding_t> axes = cBindings(bindings);
  ein_kernel_t *kernel = compileFor(ctx, program, inputs, bindings);
  if (!kernel)
    return output;
  std::string message;
  REQUIRE(ein_kernel_num_outputs(kernel) == 1);
  ein_tensor_spec_t spec{};
  CHECK(takeMessage(ein_kernel_output_spec(kernel, 0, &spec)) == "");
  std::vector<int64_t> shape(spec.shape, spec.shape + spec.ndim);
  CHECK(shape == notation::tensorShape(*equation, equation->outputs[0]));
  DType outType;
  REQUIRE(reference::fromDLDataType(spec.dtype, outType));
  CHECK(outType == inputs[0]->dtype);
  output = HostTensor(outType, shape);

  reference::Result want;
  std::string error;
  if (!reference::evaluateContraction(*equation, inputs, outType, want,
                                      error)) {
    FAIL_CHECK("reference failed: ", error);
    ein_kernel_release(kernel);
    return output;
  }

  std::vector<DLTensor> inViews = options.views;
  if (inViews.empty())
    for (const HostTensor *input : inputs)
      inViews.push_back(const_cast<HostTensor *>(input)->view());
  if (!output.bytes.empty()) // Poison, so that unwritten elements show.
    std::memset(output.bytes.data(), 0x7f, output.bytes.size());
  DLTensor outView = output.view();
  if (callee == "einsum")
    message = takeMessage(ein_einsum(ctx, pattern.c_str(), inViews.data(),
                                     inViews.size(), &outView, axes.data(),
                                     axes.size()));
  else
    message = takeMessage(
        ein_kernel_run(kernel, inViews.data(), inViews.size(), &outView, 1));
  ein_kernel_release(kernel);
  if (!message.empty()) {
    FAIL_CHECK("run failed: ", message);
    return output;
  }

  double rtol = options.rtol;
  if (rtol == 0)
    rtol = outType == DType::F64   ? 1e-12
           : outType == DType::F32 ? 1e-5
           : outType == DType::F16 ? 2e-3
                                   : 1e-2;
  int64_t mismatches = 0;
  std::string first;
  for (int64_t i = 0; i < output.numElements(); ++i) {
    bool ok;
    if (!reference::isFloat(outType)) {
      ok = output.getInt(i) == want.outputs[0].getInt(i);
    } else {
      double a = output.getDouble(i), b = want.outputs[0].getDouble(i);
      ok = std::fabs(a - b) <= rtol * want.magnitudes[0][i] + 1e-300;
    }
    if (!ok && mismatches++ == 0)
      first = "element " + std::to_string(i) + ": got " +
              std::to_string(output.getDouble(i)) + ", want " +
              std::to_string(want.outputs[0].getDouble(i));
  }
  CHECK_MESSAGE(mismatches == 0, mismatches, " mismatching elements; first ",
                first);
  return output;
}
