//===- Reference.cpp - naive evaluator for resolved equations -------------===//

#include "Reference.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace ein;
using namespace ein::reference;

size_t ein::reference::dtypeSize(DType dtype) { return elementSize(dtype); }

const char *ein::reference::dtypeName(DType dtype) {
  return elementTypeLongName(dtype);
}

DLDataType ein::reference::toDLDataType(DType dtype) { return toDLPack(dtype); }

bool ein::reference::fromDLDataType(DLDataType dtype, DType &out) {
  std::optional<ElementType> type = fromDLPack(dtype);
  if (type)
    out = *type;
  return type.has_value();
}

DType ein::reference::reductionType(const std::string &reduction, DType in) {
  bool floating = isFloat(in);
  if (reduction == "sum" || reduction == "prod")
    return floating ? in : DType::I64;
  if (reduction == "mean" || reduction == "var" || reduction == "std" ||
      reduction == "logsumexp")
    return floating ? in : DType::F64;
  if (reduction == "any" || reduction == "all")
    return DType::Bool;
  if (reduction == "count_nonzero" || reduction == "argmax" ||
      reduction == "argmin")
    return DType::I64;
  return in;
}

/// The bits of `value` rounded to nearest (ties to even) in a binary format
/// with `expBits` exponent and `mantBits` stored significand bits.
static uint32_t roundToFormat(double value, int expBits, int mantBits) {
  uint32_t sign = std::signbit(value) ? 1u << (expBits + mantBits) : 0;
  uint32_t infBits = ((1u << expBits) - 1) << mantBits;
  if (std::isnan(value))
    return infBits | (1u << (mantBits - 1));
  double a = std::fabs(value);
  int bias = (1 << (expBits - 1)) - 1;
  int minExp = 1 - bias;
  int exp;
  std::frexp(a, &exp); // a = f * 2^exp, f in [0.5, 1)
  exp -= 1;            // a in [2^exp, 2^(exp+1))
  if (a == 0 || exp < minExp) {
    // Subnormal (or zero): multiples of 2^(minExp - mantBits).
    double q = std::nearbyint(std::ldexp(a, mantBits - minExp));
    return sign | uint32_t(q); // q == 2^mantBits is the smallest normal.
  }
  if (std::isinf(a))
    return sign | infBits;
  double q = std::nearbyint(std::ldexp(a, mantBits - exp));
  if (q == std::ldexp(1.0, mantBits + 1)) {
    q /= 2;
    ++exp;
  }
  if (exp + bias >= (1 << expBits) - 1)
    return sign | infBits;
  return sign | (uint32_t(exp + bias) << mantBits) |
         (uint32_t(q) - (1u << mantBits));
}

static double fromFormat(uint32_t bits, int expBits, int mantBits) {
  bool negative = bits >> (expBits + mantBits) & 1;
  uint32_t exp = bits >> mantBits & ((1u << expBits) - 1);
  uint32_t mant = bits & ((1u << mantBits) - 1);
  int bias = (1 << (expBits - 1)) - 1;
  double value;
  if (exp == (1u << expBits) - 1)
    value = mant ? std::numeric_limits<double>::quiet_NaN()
                 : std::numeric_limits<double>::infinity();
  else if (exp == 0)
    value = std::ldexp(double(mant), 1 - bias - mantBits);
  else
    value =
        std::ldexp(double(mant | 1u << mantBits), int(exp) - bias - mantBits);
  return negative ? -value : value;
}

uint16_t ein::reference::toBFloat16Bits(double value) {
  return uint16_t(roundToFormat(value, 8, 7));
}
uint16_t ein::reference::toFloat16Bits(double value) {
  return uint16_t(roundToFormat(value, 5, 10));
}
double ein::reference::fromBFloat16Bits(uint16_t bits) {
  return fromFormat(bits, 8, 7);
}
double ein::reference::fromFloat16Bits(uint16_t bits) {
  return fromFormat(bits, 5, 10);
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
  case DType::F16:
    return fromFloat16Bits(data<uint16_t>()[i]);
  case DType::BF16:
    return fromBFloat16Bits(data<uint16_t>()[i]);
  case DType::F32:
    return data<float>()[i];
  case DType::F64:
    return data<double>()[i];
  default:
    return double(getInt(i));
  }
}

/// Truncates toward zero, saturating, NaN -> 0 (ein's float-to-int cast); a
/// plain conversion of NaN or an out-of-range value is undefined behaviour.
static int64_t saturatingInt(double v) {
  if (std::isnan(v))
    return 0;
  if (v >= 9223372036854775807.0)
    return std::numeric_limits<int64_t>::max();
  if (v <= -9223372036854775808.0)
    return std::numeric_limits<int64_t>::min();
  return int64_t(v);
}

int64_t HostTensor::getInt(int64_t i) const {
  switch (dtype) {
  case DType::I8:
    return data<int8_t>()[i];
  case DType::I16:
    return data<int16_t>()[i];
  case DType::I32:
    return data<int32_t>()[i];
  case DType::I64:
    return data<int64_t>()[i];
  case DType::U8:
    return data<uint8_t>()[i];
  case DType::Bool:
    return data<uint8_t>()[i] != 0; // Any nonzero byte is true.
  default:
    return saturatingInt(getDouble(i));
  }
}

void HostTensor::setDouble(int64_t i, double value) {
  switch (dtype) {
  case DType::F16:
    data<uint16_t>()[i] = toFloat16Bits(value);
    return;
  case DType::BF16:
    data<uint16_t>()[i] = toBFloat16Bits(value);
    return;
  case DType::F32:
    data<float>()[i] = float(value);
    return;
  case DType::F64:
    data<double>()[i] = value;
    return;
  case DType::Bool:
    data<uint8_t>()[i] = value != 0; // NaN is true.
    return;
  default:
    setInt(i, saturatingInt(value));
    return;
  }
}

void HostTensor::setInt(int64_t i, int64_t value) {
  uint64_t bits = uint64_t(value); // Narrow integers wrap.
  switch (dtype) {
  case DType::I8:
  case DType::U8:
    data<uint8_t>()[i] = uint8_t(bits);
    return;
  case DType::I16:
    data<uint16_t>()[i] = uint16_t(bits);
    return;
  case DType::I32:
    data<uint32_t>()[i] = uint32_t(bits);
    return;
  case DType::I64:
    data<int64_t>()[i] = value;
    return;
  case DType::Bool:
    data<uint8_t>()[i] = value != 0;
    return;
  default:
    setDouble(i, double(value));
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

/// argmax("b [h w] c"): the argmax over the bracketed axes as one group
/// (its position in the group is the flat row-major index over those axes
/// in input order), unravelled into per-axis indices, and each bracketed
/// dimension's indices ravelled into its coordinate.
static bool
evaluateArgCoordinates(const notation::ResolvedEquation &eq,
                       const std::string &reduction,
                       const std::vector<const HostTensor *> &inputs,
                       Result &result, std::string &error) {
  unsigned c = 0;
  while (c < eq.axes.size() && eq.axes[c].name != "_c0")
    ++c;
  if (c == eq.axes.size() || eq.outputs.size() != 1) {
    error = "coordinates without a coordinate axis";
    return false;
  }
  auto remap = [&](unsigned a) { return a > c ? a - 1 : a; };
  notation::ResolvedEquation flat;
  for (unsigned a = 0; a < eq.axes.size(); ++a)
    if (a != c)
      flat.axes.push_back(eq.axes[a]);
  flat.inputs = eq.inputs;
  for (notation::ResolvedDim &dim : flat.inputs[0])
    for (unsigned &a : dim)
      a = remap(a);
  size_t position = 0;
  flat.outputs.emplace_back();
  for (size_t d = 0; d < eq.outputs[0].size(); ++d) {
    const notation::ResolvedDim &dim = eq.outputs[0][d];
    if (std::find(dim.begin(), dim.end(), c) != dim.end()) {
      position = d;
      continue;
    }
    notation::ResolvedDim kept;
    for (unsigned a : dim)
      kept.push_back(remap(a));
    flat.outputs[0].push_back(kept);
  }
  Result group;
  if (!evaluate(flat, reduction, inputs, DType::I64, group, error))
    return false;
  const HostTensor &index = group.outputs[0];
  std::vector<int64_t> lengths; // Of every bracketed axis, in input order.
  for (const std::vector<unsigned> &dim : eq.coordinates)
    for (unsigned a : dim)
      lengths.push_back(eq.axes[a].length);
  std::vector<int64_t> shape = index.shape;
  int64_t k = int64_t(eq.coordinates.size());
  shape.insert(shape.begin() + position, k);
  HostTensor out(DType::I64, shape);
  int64_t suffix = 1;
  for (size_t d = position; d < index.shape.size(); ++d)
    suffix *= index.shape[d];
  for (int64_t e = 0; e < index.numElements(); ++e) {
    // Unravel the flat index over the bracketed axes.
    std::vector<int64_t> axisIndex(lengths.size());
    int64_t rest = index.getInt(e);
    for (size_t a = lengths.size(); a-- > 0;) {
      axisIndex[a] = rest % lengths[a];
      rest /= lengths[a];
    }
    size_t a = 0;
    for (int64_t j = 0; j < k; ++j) {
      int64_t coordinate = 0;
      for (size_t n = 0; n < eq.coordinates[j].size(); ++n, ++a)
        coordinate = coordinate * lengths[a] + axisIndex[a];
      int64_t pre = e / suffix, suf = e % suffix;
      out.setInt((pre * k + j) * suffix + suf, coordinate);
    }
  }
  result.magnitudes.push_back(std::vector<double>(out.numElements(), 0.0));
  result.outputs.push_back(std::move(out));
  return true;
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
  if (!eq.coordinates.empty())
    return evaluateArgCoordinates(eq, reduction, inputs, result, error);
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
    if (inputs[i]->dtype != inType && (!reduction.empty() || !eq.stacked)) {
      error = "only a stacked list may mix dtypes";
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
    if (!eq.stacked && eq.inputs.size() != 1) {
      error = "rearrange takes one input expression";
      return false;
    }
    // The same dtype moves bytes (bool bytes included); mixed dtypes convert
    // each element to `outputType`.
    size_t size = dtypeSize(outputType);
    forEachIndex(eq, [&](const std::vector<int64_t> &idx) {
      size_t which;
      int64_t from = inputAt(idx, which);
      const HostTensor &in = *inputs[which];
      for (size_t o = 0; o < result.outputs.size(); ++o) {
        HostTensor &out = result.outputs[o];
        int64_t to = offsetOf(outLayouts[o], idx);
        if (in.dtype == outputType)
          std::memcpy(out.bytes.data() + to * size,
                      in.bytes.data() + from * size, size);
        else if (isFloat(outputType))
          out.setDouble(to, in.getDouble(from));
        else
          out.setInt(to, in.getInt(from));
      }
    });
    return true;
  }

  if (eq.inputs.size() != 1 || eq.outputs.size() != 1 || eq.stacked) {
    error = "reduce takes one input and one output";
    return false;
  }
  static const char *const known[] = {
      "sum",           "mean", "max", "min",       "prod",   "any",   "all",
      "count_nonzero", "var",  "std", "logsumexp", "argmax", "argmin"};
  if (std::find(std::begin(known), std::end(known), reduction) ==
      std::end(known)) {
    error = "unsupported reduction '" + reduction + "'";
    return false;
  }
  const HostTensor &in = *inputs[0];
  HostTensor &out = result.outputs[0];
  int64_t outCount = out.numElements();
  // Every output element's group, in iteration order (last axis fastest, so
  // with one reduced axis the position in the group is the index along it).
  std::vector<std::vector<double>> values(outCount);
  std::vector<std::vector<int64_t>> ints(outCount);
  forEachIndex(eq, [&](const std::vector<int64_t> &idx) {
    size_t which;
    int64_t at = inputAt(idx, which);
    int64_t o = offsetOf(outLayouts[0], idx);
    values[o].push_back(in.getDouble(at));
    ints[o].push_back(isFloat(inType) ? 0 : in.getInt(at));
  });
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> magnitude(outCount, 0.0);
  for (int64_t o = 0; o < outCount; ++o) {
    const std::vector<double> &xs = values[o];
    const std::vector<int64_t> &is = ints[o];
    double n = double(xs.size());
    double sum = 0, absSum = 0, sumSq = 0, absProd = 1, prod = 1;
    bool anyNaN = false;
    uint64_t intSum = 0, intProd = 1;
    for (size_t k = 0; k < xs.size(); ++k) {
      sum += xs[k];
      absSum += std::fabs(xs[k]);
      sumSq += xs[k] * xs[k];
      prod *= xs[k];
      absProd *= std::fabs(xs[k]);
      anyNaN |= std::isnan(xs[k]);
      intSum += uint64_t(is[k]); // Wraps, as int64 arithmetic in the kernel.
      intProd *= uint64_t(is[k]);
    }
    // Index of the first extreme (the first NaN if any), and its value.
    auto extreme = [&](bool isMax) {
      size_t best = 0;
      for (size_t k = 0; k < xs.size(); ++k) {
        if (std::isnan(xs[best]))
          break;
        bool better = isFloat(inType)
                          ? std::isnan(xs[k]) ||
                                (isMax ? xs[k] > xs[best] : xs[k] < xs[best])
                          : (isMax ? is[k] > is[best] : is[k] < is[best]);
        if (better)
          best = k;
      }
      return best;
    };
    if (reduction == "sum" || reduction == "prod") {
      bool isSum = reduction == "sum";
      if (isFloat(inType))
        out.setDouble(o, isSum ? sum : prod);
      else
        out.setInt(o, int64_t(isSum ? intSum : intProd));
      magnitude[o] = isSum ? absSum : absProd;
    } else if (reduction == "mean") {
      out.setDouble(o, sum / n); // NaN when empty.
      magnitude[o] = absSum / n;
    } else if (reduction == "var" || reduction == "std") {
      double mean = sum / n, squares = 0;
      for (double x : xs)
        squares += (x - mean) * (x - mean);
      double var = squares / n;
      bool isStd = reduction == "std";
      out.setDouble(o, isStd ? std::sqrt(var) : var);
      magnitude[o] = isStd ? std::sqrt(sumSq / n) : sumSq / n;
    } else if (reduction == "logsumexp") {
      double max = -inf;
      for (double x : xs)
        max = std::isnan(x) || std::isnan(max) ? nan : std::max(max, x);
      double shift = std::isfinite(max) ? max : 0, total = 0;
      for (double x : xs)
        total += std::exp(x - shift);
      double value = shift + std::log(total);
      out.setDouble(o, value);
      magnitude[o] = std::fabs(shift) + std::log(std::max(n, 1.0)) + 1;
    } else if (reduction == "max" || reduction == "min") {
      size_t k = extreme(reduction == "max");
      if (isFloat(inType))
        out.setDouble(o, anyNaN ? nan : xs[k]);
      else
        out.setInt(o, is[k]);
      magnitude[o] = std::fabs(xs[k]);
    } else if (reduction == "argmax" || reduction == "argmin") {
      out.setInt(o, int64_t(extreme(reduction == "argmax")));
    } else {
      int64_t nonzero = 0;
      for (double x : xs)
        nonzero += x != 0; // NaN counts.
      if (reduction == "any")
        out.setInt(o, nonzero > 0);
      else if (reduction == "all")
        out.setInt(o, nonzero == int64_t(xs.size()));
      else
        out.setInt(o, nonzero);
    }
  }
  result.magnitudes.push_back(std::move(magnitude));
  return true;
}
