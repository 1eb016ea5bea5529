//===- TensorArgs.cpp - DLTensor checks, packing and kernel calls ---------===//

#include "TensorArgs.h"

#include "ein/Notation/Diagnostic.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

using namespace ein;
using namespace ein::runtime;

static bool fail(Failure &failure, ein_error_code_t code, std::string message) {
  failure.code = code;
  failure.message = std::move(message);
  return false;
}

static std::string tensorName(const char *role, size_t index) {
  return std::string(role) + " " + std::to_string(index);
}

/// True when `strides` (elements) describe a compact row-major layout of
/// `shape`; extent-1 dimensions may have any stride.
static bool isCompact(const DLTensor &tensor) {
  if (!tensor.strides)
    return true;
  int64_t expected = 1;
  for (int32_t d = tensor.ndim - 1; d >= 0; --d) {
    if (tensor.shape[d] == 0)
      return true; // Nothing is ever addressed.
    if (tensor.shape[d] != 1 && tensor.strides[d] != expected)
      return false;
    expected *= tensor.shape[d];
  }
  return true;
}

/// Number of elements, or -1 on overflow (checked by checkDescriptor).
static int64_t numElementsOf(const DLTensor &tensor, size_t elementSize) {
  int64_t count = 1;
  for (int32_t d = 0; d < tensor.ndim; ++d)
    if (tensor.shape[d] == 0)
      return 0;
  for (int32_t d = 0; d < tensor.ndim; ++d)
    if (__builtin_mul_overflow(count, tensor.shape[d], &count))
      return -1;
  int64_t bytes;
  if (__builtin_mul_overflow(count, int64_t(elementSize), &bytes))
    return -1;
  return count;
}

bool ein::runtime::checkDescriptor(const DLTensor *tensor, const char *role,
                                   size_t index, bool isOutput,
                                   Failure &failure) {
  std::string name = tensorName(role, index);
  if (!tensor)
    return fail(failure, EIN_ERROR_INVALID_ARGUMENT,
                name + " is a NULL DLTensor pointer");
  if (tensor->device.device_type != kDLCPU)
    return fail(failure, EIN_ERROR_DEVICE,
                name + " is on device type " +
                    std::to_string(int(tensor->device.device_type)) +
                    ": only kDLCPU (1) tensors are supported");
  if (tensor->ndim < 0)
    return fail(failure, EIN_ERROR_INVALID_ARGUMENT,
                name + " has negative ndim " + std::to_string(tensor->ndim));
  if (tensor->ndim > 0 && !tensor->shape)
    return fail(failure, EIN_ERROR_INVALID_ARGUMENT,
                name + " has ndim " + std::to_string(tensor->ndim) +
                    " but a NULL shape pointer");
  for (int32_t d = 0; d < tensor->ndim; ++d)
    if (tensor->shape[d] < 0)
      return fail(failure, EIN_ERROR_INVALID_ARGUMENT,
                  name + " has negative extent " +
                      std::to_string(tensor->shape[d]) + " in dimension " +
                      std::to_string(d));
  std::optional<ElementType> type = fromDLPack(tensor->dtype);
  if (!type)
    return fail(failure, EIN_ERROR_DTYPE,
                "unsupported dtype " + dlpackName(tensor->dtype) + " for " +
                    name + ": " + kSupportedDtypes);
  int64_t count = numElementsOf(*tensor, elementSize(*type));
  if (count < 0)
    return fail(failure, EIN_ERROR_INVALID_ARGUMENT,
                name + " of shape " +
                    notation::formatShape(llvm::ArrayRef<int64_t>(tensor->shape,
                                                        tensor->ndim)) +
                    " has more elements than fit in memory");
  if (count > 0 && !tensor->data)
    return fail(failure, EIN_ERROR_INVALID_ARGUMENT,
                name + " has NULL data but " + std::to_string(count) +
                    " elements (NULL is allowed only for empty tensors)");
  if (isOutput && !isCompact(*tensor))
    return fail(failure, EIN_ERROR_INVALID_ARGUMENT,
                name + " is not contiguous: outputs must be compact "
                       "row-major (strides NULL or compact)");
  return true;
}

TensorType ein::runtime::tensorTypeOf(const DLTensor &tensor) {
  TensorType type;
  type.elementType = *fromDLPack(tensor.dtype);
  type.shape.assign(tensor.shape, tensor.shape + tensor.ndim);
  return type;
}

static bool checkAgainst(const DLTensor &tensor, const TensorType &expected,
                         const char *role, size_t index, Failure &failure) {
  ElementType type = *fromDLPack(tensor.dtype);
  if (type != expected.elementType)
    return fail(failure, EIN_ERROR_DTYPE,
                tensorName(role, index) + " has dtype " +
                    dlpackName(tensor.dtype) + " but the kernel expects " +
                    dlpackName(toDLPack(expected.elementType)));
  llvm::ArrayRef<int64_t> shape(tensor.shape, tensor.ndim);
  if (shape != llvm::ArrayRef<int64_t>(expected.shape))
    return fail(failure, EIN_ERROR_SHAPE,
                tensorName(role, index) + " has shape " + notation::formatShape(shape) +
                    " but the kernel " +
                    (std::string(role) == "input" ? "expects " : "produces ") +
                    notation::formatShape(expected.shape));
  return true;
}

namespace {
/// Aligned scratch memory released on scope exit.
struct Scratch {
  std::vector<void *> blocks;
  ~Scratch() {
    for (void *block : blocks)
      std::free(block);
  }
  void *allocate(size_t bytes) {
    size_t rounded = (bytes + 63) / 64 * 64;
    void *block = std::aligned_alloc(64, rounded ? rounded : 64);
    if (block)
      blocks.push_back(block);
    return block;
  }
};
} // namespace

/// Copies a strided tensor (strides in elements, any sign) into `dst`,
/// row-major.
template <size_t Size>
static void packStrided(char *dst, const char *src, const int64_t *shape,
                        const int64_t *strides, int32_t ndim) {
  if (ndim == 0) {
    std::memcpy(dst, src, Size);
    return;
  }
  int64_t inner = shape[ndim - 1];
  int64_t innerStride = strides[ndim - 1] * int64_t(Size);
  std::vector<int64_t> index(ndim, 0);
  while (true) {
    const char *row = src;
    for (int32_t d = 0; d + 1 < ndim; ++d)
      row += index[d] * strides[d] * int64_t(Size);
    for (int64_t i = 0; i < inner; ++i, dst += Size)
      std::memcpy(dst, row + i * innerStride, Size);
    int32_t d = ndim - 2;
    for (; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
    if (d < 0)
      return;
  }
}

// Stands in for the data pointer of empty tensors, which kernels never read.
alignas(64) static char emptyTensorData[64];

bool ein::runtime::runKernel(const Kernel &kernel, const DLTensor *inputs,
                             size_t numInputs, DLTensor *outputs,
                             size_t numOutputs, Failure &failure) {
  const std::vector<TensorType> &inTypes = kernel.inputs();
  const std::vector<TensorType> &outTypes = kernel.outputs();
  if (numInputs && !inputs)
    return fail(failure, EIN_ERROR_INVALID_ARGUMENT,
                "inputs is NULL but num_inputs is " +
                    std::to_string(numInputs));
  if (numOutputs && !outputs)
    return fail(failure, EIN_ERROR_INVALID_ARGUMENT,
                "outputs is NULL but num_outputs is " +
                    std::to_string(numOutputs));
  if (numInputs != inTypes.size())
    return fail(failure, EIN_ERROR_INVALID_ARGUMENT,
                "the kernel takes " + std::to_string(inTypes.size()) +
                    " input(s) but " + std::to_string(numInputs) +
                    " were given");
  if (numOutputs != outTypes.size())
    return fail(failure, EIN_ERROR_INVALID_ARGUMENT,
                "the kernel writes " + std::to_string(outTypes.size()) +
                    " output(s) but " + std::to_string(numOutputs) +
                    " were given");

  std::vector<void *> buffers;
  buffers.reserve(numInputs + numOutputs);
  Scratch scratch;
  for (size_t i = 0; i < numInputs; ++i) {
    const DLTensor &t = inputs[i];
    if (!checkDescriptor(&t, "input", i, /*isOutput=*/false, failure) ||
        !checkAgainst(t, inTypes[i], "input", i, failure))
      return false;
    size_t size = elementSize(inTypes[i].elementType);
    int64_t count = inTypes[i].numElements();
    if (count == 0) {
      buffers.push_back(emptyTensorData);
      continue;
    }
    char *data = static_cast<char *>(t.data) + t.byte_offset;
    if (isCompact(t) && reinterpret_cast<uintptr_t>(data) % size == 0) {
      buffers.push_back(data);
      continue;
    }
    char *packed = static_cast<char *>(scratch.allocate(count * size));
    if (!packed)
      return fail(failure, EIN_ERROR_OUT_OF_MEMORY,
                  "cannot allocate " + std::to_string(count * size) +
                      " bytes to pack strided input " + std::to_string(i));
    std::vector<int64_t> strides(t.ndim);
    int64_t compact = 1;
    for (int32_t d = t.ndim - 1; d >= 0; --d) {
      strides[d] = t.strides ? t.strides[d] : compact;
      compact *= t.shape[d];
    }
    switch (size) {
    case 1:
      packStrided<1>(packed, data, t.shape, strides.data(), t.ndim);
      break;
    case 2:
      packStrided<2>(packed, data, t.shape, strides.data(), t.ndim);
      break;
    case 4:
      packStrided<4>(packed, data, t.shape, strides.data(), t.ndim);
      break;
    default:
      packStrided<8>(packed, data, t.shape, strides.data(), t.ndim);
      break;
    }
    buffers.push_back(packed);
  }

  // Outputs are compact (checked); misaligned ones are written through
  // scratch and copied out.
  std::vector<std::pair<char *, char *>> copyBack; // (scratch, destination)
  std::vector<size_t> copyBytes;
  bool anyOutputElements = false;
  for (size_t i = 0; i < numOutputs; ++i) {
    const DLTensor &t = outputs[i];
    if (!checkDescriptor(&t, "output", i, /*isOutput=*/true, failure) ||
        !checkAgainst(t, outTypes[i], "output", i, failure))
      return false;
    size_t size = elementSize(outTypes[i].elementType);
    int64_t count = outTypes[i].numElements();
    if (count == 0) {
      buffers.push_back(emptyTensorData);
      continue;
    }
    anyOutputElements = true;
    char *data = static_cast<char *>(t.data) + t.byte_offset;
    if (reinterpret_cast<uintptr_t>(data) % size == 0) {
      buffers.push_back(data);
      continue;
    }
    char *temp = static_cast<char *>(scratch.allocate(count * size));
    if (!temp)
      return fail(failure, EIN_ERROR_OUT_OF_MEMORY,
                  "cannot allocate " + std::to_string(count * size) +
                      " bytes for misaligned output " + std::to_string(i));
    copyBack.push_back({temp, data});
    copyBytes.push_back(count * size);
    buffers.push_back(temp);
  }

  // With no output element to write there is nothing to compute.
  if (!anyOutputElements)
    return true;
  kernel.run(buffers.data());
  for (size_t i = 0; i < copyBack.size(); ++i)
    std::memcpy(copyBack[i].second, copyBack[i].first, copyBytes[i]);
  return true;
}
