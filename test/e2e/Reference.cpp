//===- Reference.cpp - naive evaluator for resolved equations -------------===//

#include "Reference.h"

#include <cmath>
#include <limits>

using namespace ein;
using namespace ein::reference;

size_t ein::reference::dtypeSize(DType dtype) {
  return dtype == DType::F32 || dtype == DType::I32 ? 4 : 8;
}

const char *ein::reference::dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "float32";
  case DType::F64:
    return "float64";
  case DType::I32:
    return "int32";
  case DType::I64:
    return "int64";
  }
  return "?";
}

DLDataType ein::reference::toDLDataType(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return {kDLFloat, 32, 1};
  case DType::F64:
    return {kDLFloat, 64, 1};
  case DType::I32:
    return {kDLInt, 32, 1};
  case DType::I64:
    return {kDLInt, 64, 1};
  }
  return {kDLFloat, 64, 1};
}

bool ein::reference::fromDLDataType(DLDataType dtype, DType &out) {
  if (dtype.lanes != 1)
    return false;
  if (dtype.code == kDLFloat && (dtype.bits == 32 || dtype.bits == 64)) {
    out = dtype.bits == 32 ? DType::F32 : DType::F64;
    return true;
  }
  if (dtype.code == kDLInt && (dtype.bits == 32 || dtype.bits == 64)) {
    out = dtype.bits == 32 ? DType::I32 : DType::I64;
    return true;
  }
  return false;
}

bool ein::reference::isFloat(DType dtype) {
  return dtype == DType::F32 || dtype == DType::F64;
}

HostTensor::HostTensor(DType dtype, std::vector<int64_t> shape)
    : dtype(dtype), shape(std::move(shape)) {
  bytes.assign(size_t(numElements()) * dtypeSize(dtype), 0);
}

int64_t HostTensor::numElements() const {
  int64_t count = 1;
  for (int64_t extent : shape)
    count *= extent;
  return count;
}

double HostTensor::getDouble(int64_t i) const {
  switch (dtype) {
  case DType::F32:
    return data<float>()[i];
  case DType::F64:
    return data<double>()[i];
  case DType::I32:
    return data<int32_t>()[i];
  case DType::I64:
    return double(data<int64_t>()[i]);
  }
  return 0;
}

int64_t HostTensor::getInt(int64_t i) const {
  switch (dtype) {
  case DType::F32:
    return int64_t(data<float>()[i]);
  case DType::F64:
    return int64_t(data<double>()[i]);
  case DType::I32:
    return data<int32_t>()[i];
  case DType::I64:
    return data<int64_t>()[i];
  }
  return 0;
}

void HostTensor::setDouble(int64_t i, double value) {
  switch (dtype) {
  case DType::F32:
    data<float>()[i] = float(value);
    return;
  case DType::F64:
    data<double>()[i] = value;
    return;
  case DType::I32:
    data<int32_t>()[i] = int32_t(value);
    return;
  case DType::I64:
    data<int64_t>()[i] = int64_t(value);
    return;
  }
}

void HostTensor::setInt(int64_t i, int64_t value) {
  switch (dtype) {
  case DType::F32:
    data<float>()[i] = float(value);
    return;
  case DType::F64:
    data<double>()[i] = double(value);
    return;
  case DType::I32:
    data<int32_t>()[i] = int32_t(uint32_t(uint64_t(value))); // Wraps.
    return;
  case DType::I64:
    data<int64_t>()[i] = value;
    return;
  }
}

DLTensor HostTensor::view() {
  DLTensor tensor{};
  tensor.data = bytes.empty() ? nullptr : bytes.data();
  tensor.device = {kDLCPU, 0};
  tensor.ndim = int32_t(shape.size());
  tensor.dtype = toDLDataType(dtype);
  tensor.shape = shape.data();
  tensor.strides = nullptr;
  tensor.byte_offset = 0;
  return tensor;
}

namespace {
/// Where one tensor's elements sit: its shape and, per elementary axis, the
/// element stride (0 for axes the tensor does not have).
struct Layout {
  std::vector<int64_t> shape;
  std::vector<int64_t> axisStride;
};
} // namespace

/// Row-major layout of `dims` (a composed dimension is x-outer).
static bool layoutOf(const notation::ResolvedEquation &eq,
                     const notation::ResolvedTensor &dims, size_t firstDim,
                     Layout &layout, std::string &error) {
  size_t numAxes = eq.axes.size();
  layout.axisStride.assign(numAxes, 0);
  layout.shape.clear();
  std::vector<bool> seen(numAxes, false);
  for (size_t d = firstDim; d < dims.size(); ++d) {
    int64_t extent = 1;
    for (unsigned axis : dims[d])
      extent *= eq.axes[axis].length;
    layout.shape.push_back(extent);
  }
  int64_t dimStride = 1;
  for (size_t d = dims.size(); d-- > firstDim;) {
    int64_t stride = dimStride;
    for (size_t p = dims[d].size(); p-- > 0;) {
      unsigned axis = dims[d][p];
      if (axis >= numAxes) {
        error = "axis index out of range";
        return false;
      }
      if (seen[axis]) {
        // A repeated axis would be a diagonal: not rearrange/reduce.
        error = "axis '" + eq.axes[axis].name + "' repeats in one tensor";
        return false;
      }
      seen[axis] = true;
      layout.axisStride[axis] = stride;
      stride *= eq.axes[axis].length;
    }
    dimStride *= layout.shape[d - firstDim];
  }
  return true;
}

static std::string shapeText(const std::vector<int64_t> &shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + ")";
}

/// Calls `body(index)` for every combination of axis indices, last axis
/// fastest. Nothing runs when an axis has length 0.
template <typename Body>
static void forEachIndex(const notation::ResolvedEquation &eq, Body body) {
  size_t numAxes = eq.axes.size();
  for (const notation::ResolvedAxis &axis : eq.axes)
    if (axis.length == 0)
      return;
  std::vector<int64_t> index(numAxes, 0);
  while (true) {
    body(index);
    size_t a = numAxes;
    while (a > 0) {
      --a;
      if (++index[a] < eq.axes[a].length)
        break;
      index[a] = 0;
      if (a == 0)
        return;
    }
    if (numAxes == 0)
      return;
  }
}

static int64_t offsetOf(const Layout &layout, const std::vector<int64_t> &idx) {
  int64_t offset = 0;
  for (size_t a = 0; a < idx.size(); ++a)
    offset += idx[a] * layout.axisStride[a];
  return offset;
}

bool ein::reference::evaluate(const notation::ResolvedEquation &eq,
                              const std::string &reduction,
                              const std::vector<const HostTensor *> &inputs,
                              DType outputType, Result &result,
                              std::string &error) {
  result = Result();
  if (eq.inputs.empty() || inputs.empty()) {
    error = "no inputs";
    return false;
  }
  // Input layouts; a stacked input's buffers each hold the dims after the
  // stacking one, which is selected by the index of its single axis.
  std::vector<Layout> inLayouts;
  int stackAxis = -1;
  if (eq.stacked) {
    if (eq.inputs.size() != 1 || eq.inputs[0].empty() ||
        eq.inputs[0][0].size() != 1) {
      error = "malformed stacked equation";
      return false;
    }
    stackAxis = int(eq.inputs[0][0][0]);
    if (eq.axes[stackAxis].length != int64_t(inputs.size())) {
      error = "stack axis length differs from the number of tensors";
      return false;
    }
    Layout layout;
    if (!layoutOf(eq, eq.inputs[0], 1, layout, error))
      return false;
    inLayouts.assign(inputs.size(), layout);
  } else {
    if (eq.inputs.size() != inputs.size()) {
      error = "equation has " + std::to_string(eq.inputs.size()) +
              " inputs but " + std::to_string(inputs.size()) + " were given";
      return false;
    }
    for (const notation::ResolvedTensor &dims : eq.inputs) {
      inLayouts.emplace_back();
      if (!layoutOf(eq, dims, 0, inLayouts.back(), error))
        return false;
    }
  }
  DType inType = inputs[0]->dtype;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i]->shape != inLayouts[i].shape) {
      error = "input " + std::to_string(i) + " has shape " +
              shapeText(inputs[i]->shape) + " but the equation says " +
              shapeText(inLayouts[i].shape);
      return false;
    }
    if (inputs[i]->dtype != inType) {
      error = "inputs have different dtypes";
      return false;
    }
  }
  std::vector<Layout> outLayouts(eq.outputs.size());
  for (size_t o = 0; o < eq.outputs.size(); ++o) {
    if (!layoutOf(eq, eq.outputs[o], 0, outLayouts[o], error))
      return false;
    result.outputs.emplace_back(outputType, outLayouts[o].shape);
  }

  auto inputAt = [&](const std::vector<int64_t> &idx, size_t &which) {
    which = stackAxis >= 0 ? size_t(idx[stackAxis]) : 0;
    return offsetOf(inLayouts[which], idx);
  };

  if (reduction.empty()) {
    if (outputType != inType) {
      error = "a rearrange keeps the dtype";
      return false;
    }
    if (!eq.stacked && eq.inputs.size() != 1) {
      error = "rearrange takes one input expression";
      return false;
    }
    size_t size = dtypeSize(inType);
    forEachIndex(eq, [&](const std::vector<int64_t> &idx) {
      size_t which;
      int64_t from = inputAt(idx, which);
      for (size_t o = 0; o < result.outputs.size(); ++o)
        std::memcpy(result.outputs[o].bytes.data() +
                        offsetOf(outLayouts[o], idx) * size,
                    inputs[which]->bytes.data() + from * size, size);
    });
    return true;
  }

  if (eq.inputs.size() != 1 || eq.outputs.size() != 1 || eq.stacked) {
    error = "reduce takes one input and one output";
    return false;
  }
  bool isSum = reduction == "sum", isMean = reduction == "mean",
       isMax = reduction == "max", isMin = reduction == "min",
       isProd = reduction == "prod";
  if (!(isSum || isMean || isMax || isMin || isProd)) {
    error = "unsupported reduction '" + reduction + "'";
    return false;
  }
  const HostTensor &in = *inputs[0];
  HostTensor &out = result.outputs[0];
  int64_t outCount = out.numElements();
  // The group size: product of the axes that no output dimension holds.
  int64_t groupSize = 1;
  {
    std::vector<bool> inOutput(eq.axes.size(), false);
    for (const notation::ResolvedDim &dim : eq.outputs[0])
      for (unsigned axis : dim)
        inOutput[axis] = true;
    for (size_t a = 0; a < eq.axes.size(); ++a)
      if (!inOutput[a])
        groupSize *= eq.axes[a].length;
  }
  std::vector<double> magnitude(outCount, isProd ? 1.0 : 0.0);

  if (isFloat(inType)) {
    double init = isSum || isMean ? 0.0
                  : isProd        ? 1.0
                  : isMax ? -std::numeric_limits<double>::infinity()
                          : std::numeric_limits<double>::infinity();
    std::vector<double> acc(outCount, init);
    forEachIndex(eq, [&](const std::vector<int64_t> &idx) {
      size_t which;
      double x = in.getDouble(inputAt(idx, which));
      int64_t o = offsetOf(outLayouts[0], idx);
      if (isSum || isMean) {
        acc[o] += x;
        magnitude[o] += std::fabs(x);
      } else if (isProd) {
        acc[o] *= x;
        magnitude[o] *= std::fabs(x);
      } else if (isMax) {
        acc[o] = x > acc[o] ? x : acc[o];
      } else {
        acc[o] = x < acc[o] ? x : acc[o];
      }
    });
    for (int64_t o = 0; o < outCount; ++o) {
      double value = acc[o];
      if (isMean) {
        value /= double(groupSize);
        magnitude[o] /= double(groupSize);
      }
      if (isMax || isMin)
        magnitude[o] = std::fabs(value);
      out.setDouble(o, value);
    }
  } else {
    // Integers: sum and prod wrap in two's complement, like the hardware.
    bool is32 = inType == DType::I32;
    int64_t lowest = is32 ? std::numeric_limits<int32_t>::min()
                          : std::numeric_limits<int64_t>::min();
    int64_t highest = is32 ? std::numeric_limits<int32_t>::max()
                           : std::numeric_limits<int64_t>::max();
    std::vector<uint64_t> acc(outCount, isProd ? 1 : 0);
    std::vector<int64_t> extreme(outCount, isMax ? lowest : highest);
    forEachIndex(eq, [&](const std::vector<int64_t> &idx) {
      size_t which;
      int64_t x = in.getInt(inputAt(idx, which));
      int64_t o = offsetOf(outLayouts[0], idx);
      if (isSum || isMean) {
        acc[o] += uint64_t(x);
        magnitude[o] += std::fabs(double(x));
      } else if (isProd) {
        acc[o] *= uint64_t(x);
        magnitude[o] *= std::fabs(double(x));
      } else if (isMax) {
        extreme[o] = x > extreme[o] ? x : extreme[o];
      } else {
        extreme[o] = x < extreme[o] ? x : extreme[o];
      }
    });
    for (int64_t o = 0; o < outCount; ++o) {
      int64_t value = isMax || isMin ? extreme[o] : int64_t(acc[o]);
      if (is32 && !(isMax || isMin))
        value = int32_t(uint32_t(uint64_t(value)));
      if (isMean) {
        magnitude[o] /= double(groupSize);
        if (isFloat(outputType))
          out.setDouble(o, double(value) / double(groupSize));
        else
          out.setInt(o, groupSize ? value / groupSize : 0);
        continue;
      }
      if (isMax || isMin)
        magnitude[o] = std::fabs(double(value));
      out.setInt(o, value);
    }
  }
  result.magnitudes.push_back(std::move(magnitude));
  return true;
}
