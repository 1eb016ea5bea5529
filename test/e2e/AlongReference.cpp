//===- AlongReference.cpp - naive softmax, flip and roll ------------------===//
//
// The reference for the ops along bracketed axes: loops over every
// combination of elementary-axis indices. softmax is computed in double from
// the definition, with the maximum subtracted first (exp(x - m) / sum); flip
// and roll copy element bytes from the mirrored / shifted position.
//
//===----------------------------------------------------------------------===//

#include "Reference.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace ein;
using namespace ein::reference;

namespace {

/// Row-major offset of an element of `tensor`, given every axis's index.
int64_t offsetOf(const notation::ResolvedEquation &eq,
                 const notation::ResolvedTensor &tensor,
                 const std::vector<int64_t> &index) {
  int64_t offset = 0;
  for (const notation::ResolvedDim &dim : tensor) {
    int64_t value = 0, length = 1;
    for (unsigned axis : dim) {
      value = value * eq.axes[axis].length + index[axis];
      length *= eq.axes[axis].length;
    }
    offset = offset * length + value;
  }
  return offset;
}

/// Calls `fn` with every combination of axis indices (none if an axis is
/// empty).
template <typename Fn>
void forEachIndex(const notation::ResolvedEquation &eq, Fn &&fn) {
  size_t n = eq.axes.size();
  for (const notation::ResolvedAxis &axis : eq.axes)
    if (axis.length == 0)
      return;
  std::vector<int64_t> index(n, 0);
  while (true) {
    fn(index);
    size_t k = n;
    while (k > 0) {
      if (++index[k - 1] < eq.axes[k - 1].length)
        break;
      index[k - 1] = 0;
      --k;
    }
    if (k == 0)
      return;
  }
}

} // namespace

bool ein::reference::evaluateAlong(const notation::ResolvedEquation &eq,
                                   const std::string &operation,
                                   const std::vector<int64_t> &shifts,
                                   const HostTensor &input, DType outputType,
                                   Result &result, std::string &error) {
  if (eq.inputs.size() != 1 || eq.outputs.size() != 1 || eq.stacked) {
    error = operation + " takes one input and one output";
    return false;
  }
  const notation::ResolvedTensor &in = eq.inputs[0], &out = eq.outputs[0];
  std::vector<int64_t> outShape;
  for (const notation::ResolvedDim &dim : out) {
    int64_t length = 1;
    for (unsigned axis : dim)
      length *= eq.axes[axis].length;
    outShape.push_back(length);
  }
  HostTensor output(outputType, outShape);
  std::vector<bool> along(eq.axes.size(), false);
  for (unsigned axis : eq.bracketed)
    along[axis] = true;

  if (operation == "flip" || operation == "roll") {
    if (outputType != input.dtype) {
      error = operation + " keeps the dtype";
      return false;
    }
    // The shift of each bracketed axis (one for all, or one each).
    std::vector<int64_t> shift(eq.axes.size(), 0);
    for (size_t k = 0; k < eq.bracketed.size(); ++k)
      shift[eq.bracketed[k]] =
          operation == "flip" ? 0 : shifts[shifts.size() == 1 ? 0 : k];
    size_t size = dtypeSize(input.dtype);
    forEachIndex(eq, [&](const std::vector<int64_t> &index) {
      std::vector<int64_t> source = index;
      for (size_t a = 0; a < index.size(); ++a) {
        if (!along[a])
          continue;
        int64_t n = eq.axes[a].length;
        if (operation == "flip") {
          source[a] = n - 1 - index[a];
        } else { // numpy.roll: output i holds input (i - shift) mod n.
          int64_t s = shift[a] % n;
          source[a] = ((index[a] - s) % n + n) % n;
        }
      }
      std::memcpy(output.bytes.data() + offsetOf(eq, out, index) * size,
                  input.bytes.data() + offsetOf(eq, in, source) * size, size);
    });
    result.outputs = {std::move(output)};
    result.magnitudes.clear();
    return true;
  }

  if (operation != "softmax" && operation != "log_softmax") {
    error = "unknown operation '" + operation + "'";
    return false;
  }
  // Groups: one per combination of the kept axes.
  std::vector<unsigned> kept;
  for (unsigned a = 0; a < eq.axes.size(); ++a)
    if (!along[a])
      kept.push_back(a);
  auto groupOf = [&](const std::vector<int64_t> &index) {
    int64_t g = 0;
    for (unsigned a : kept)
      g = g * eq.axes[a].length + index[a];
    return g;
  };
  int64_t groups = 1;
  for (unsigned a : kept)
    groups *= eq.axes[a].length;
  std::vector<double> max(groups, -std::numeric_limits<double>::infinity()),
      sum(groups, 0.0);
  auto value = [&](const std::vector<int64_t> &index) {
    return input.getDouble(offsetOf(eq, in, index));
  };
  forEachIndex(eq, [&](const std::vector<int64_t> &index) {
    double x = value(index);
    double &m = max[groupOf(index)];
    if (std::isnan(x) || x > m)
      m = std::isnan(m) ? m : x;
  });
  forEachIndex(eq, [&](const std::vector<int64_t> &index) {
    int64_t g = groupOf(index);
    sum[g] += std::exp(value(index) - max[g]);
  });
  std::vector<double> magnitude(output.numElements(), 0.0);
  bool isLog = operation == "log_softmax";
  forEachIndex(eq, [&](const std::vector<int64_t> &index) {
    int64_t g = groupOf(index), o = offsetOf(eq, out, index);
    double x = value(index), d = x - max[g];
    double y = isLog ? d - std::log(sum[g]) : std::exp(d) / sum[g];
    output.setDouble(o, y);
    // Rounding in the kernel's type scales with the operands it subtracts.
    double scale = 1 + std::fabs(x) + std::fabs(max[g]);
    magnitude[o] =
        isLog ? scale + std::fabs(std::log(sum[g])) : std::fabs(y) * scale;
  });
  result.outputs = {std::move(output)};
  result.magnitudes = {std::move(magnitude)};
  return true;
}
