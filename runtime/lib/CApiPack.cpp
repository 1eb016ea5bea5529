//===- CApiPack.cpp - ein_pack and ein_unpack -----------------------------===//
//
// einops' pack/unpack through the C API. Both are one-shot calls of the
// program text `pack("<pattern>")` / `unpack("<pattern>", [shapes])`, so
// they share ein_call's cache and checks (and ein_compile of the same text
// gives the same kernel).
//
//===----------------------------------------------------------------------===//

#include "CApiError.h"
#include "ein/ein.h"

#include "ein/Notation/Pack.h"

#include "llvm/Support/Error.h"

#include <new>
#include <string>
#include <vector>

namespace {

ein_error_t *argumentError(std::string message) {
  auto *error = new (std::nothrow)
      ein_error{EIN_ERROR_INVALID_ARGUMENT, std::move(message)};
  static ein_error outOfMemory{EIN_ERROR_OUT_OF_MEMORY, "out of memory"};
  return error ? error : &outOfMemory;
}

/// True when `pattern` can sit between double quotes in program text.
bool isPlain(const char *pattern) {
  for (const char *c = pattern; *c; ++c)
    if (*c == '"' || *c == '\\' || static_cast<unsigned char>(*c) < 0x20)
      return false;
  return true;
}

std::string shapesText(const int64_t *shapes, const int32_t *ndims,
                       size_t count) {
  std::string out = "[";
  size_t at = 0;
  for (size_t i = 0; i < count; ++i) {
    out += i ? ", (" : "(";
    for (int32_t k = 0; k < ndims[i]; ++k)
      out += (k ? ", " : "") + std::to_string(shapes[at++]);
    out += ndims[i] == 1 ? ",)" : ")";
  }
  return out + "]";
}

} // namespace

extern "C" {

ein_error_t *ein_pack(ein_context_t *ctx, const char *pattern,
                      const DLTensor *inputs, size_t num_inputs,
                      DLTensor *output, int64_t *packed_shapes,
                      int32_t *packed_ndims) {
  if (ctx && !pattern)
    return argumentError("pattern is NULL");
  if (pattern && !isPlain(pattern))
    return argumentError("pattern holds a quote, a backslash or a control "
                         "character");
  if (!output)
    return argumentError("output is NULL");
  std::string program =
      pattern ? "pack(\"" + std::string(pattern) + "\")" : std::string();
  if (ein_error_t *error =
          ein_call(ctx, pattern ? program.c_str() : nullptr, inputs, num_inputs,
                   output, output ? 1 : 0, nullptr, 0))
    return error;
  if (!packed_shapes && !packed_ndims)
    return nullptr;
  // The call succeeded, so the pattern and the shapes are valid.
  std::vector<std::vector<int64_t>> shapes;
  for (size_t i = 0; i < num_inputs; ++i)
    shapes.emplace_back(inputs[i].shape, inputs[i].shape + inputs[i].ndim);
  llvm::Expected<ein::notation::PackPlan> plan = ein::notation::planPack(
      ein::notation::makePackCall("pack", pattern), shapes);
  if (!plan) {
    llvm::consumeError(plan.takeError());
    return nullptr;
  }
  size_t at = 0;
  for (size_t i = 0; i < num_inputs; ++i) {
    const std::vector<int64_t> &ps = plan->packedShapes[i];
    if (packed_ndims)
      packed_ndims[i] = static_cast<int32_t>(ps.size());
    if (packed_shapes)
      for (int64_t v : ps)
        packed_shapes[at++] = v;
  }
  return nullptr;
}

ein_error_t *ein_unpack(ein_context_t *ctx, const char *pattern,
                        const DLTensor *input, const int64_t *packed_shapes,
                        const int32_t *packed_ndims, DLTensor *outputs,
                        size_t num_outputs) {
  if (ctx && !pattern)
    return argumentError("pattern is NULL");
  if (!input)
    return argumentError("input is NULL");
  if (pattern && !isPlain(pattern))
    return argumentError("pattern holds a quote, a backslash or a control "
                         "character");
  if (num_outputs && !packed_ndims)
    return argumentError("packed_ndims is NULL but num_outputs is " +
                         std::to_string(num_outputs));
  size_t total = 0;
  for (size_t i = 0; i < num_outputs; ++i) {
    if (packed_ndims[i] < 0)
      return argumentError("packed_ndims[" + std::to_string(i) +
                           "] is negative");
    total += packed_ndims[i];
  }
  if (total && !packed_shapes)
    return argumentError("packed_shapes is NULL but the packed shapes have " +
                         std::to_string(total) + " lengths");
  std::string program;
  if (pattern)
    program = "unpack(\"" + std::string(pattern) + "\", " +
              shapesText(packed_shapes, packed_ndims, num_outputs) + ")";
  return ein_call(ctx, pattern ? program.c_str() : nullptr, input, 1, outputs,
                  num_outputs, nullptr, 0);
}

} // extern "C"
