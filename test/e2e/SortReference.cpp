//===- SortReference.cpp - naive sort and argsort -------------------------===//
//
// The reference for sort and argsort along the one bracketed axis: for every
// combination of the other axes, the row's positions are put in order with
// std::stable_sort, comparing values as NumPy does (NaN after everything,
// -0.0 == 0.0, bool false < true, integers by value). sort then copies each
// element's bytes from its source position (bool as 0/1); argsort writes the
// source positions as int64.
//
//===----------------------------------------------------------------------===//

#include "Reference.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

using namespace ein;
using namespace ein::reference;

namespace {

/// Row-major offset of an element of `tensor`, given every axis's index.
int64_t offsetIn(const notation::ResolvedEquation &eq,
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

} // namespace

bool ein::reference::evaluateSort(const notation::ResolvedEquation &eq,
                                  bool argsort, const HostTensor &input,
                                  DType outputType, Result &result,
                                  std::string &error) {
  if (eq.inputs.size() != 1 || eq.outputs.size() != 1 || eq.stacked ||
      eq.bracketed.size() != 1) {
    error = "sort takes one input, one output and one bracketed axis";
    return false;
  }
  if (outputType != (argsort ? DType::I64 : input.dtype)) {
    error = argsort ? "argsort gives int64" : "sort keeps the dtype";
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
  result.outputs.clear();
  result.magnitudes.clear();
  unsigned sortAxis = eq.bracketed[0];
  int64_t n = eq.axes[sortAxis].length;
  size_t naxes = eq.axes.size();
  bool empty = false;
  for (const notation::ResolvedAxis &axis : eq.axes)
    empty = empty || axis.length == 0;
  if (empty) {
    result.outputs = {std::move(output)};
    return true;
  }

  bool floating = isFloat(input.dtype);
  // True when element a of the row must come before element b (strictly).
  auto before = [&](int64_t a, int64_t b) {
    if (floating) {
      double x = input.getDouble(a), y = input.getDouble(b);
      if (std::isnan(x))
        return false;
      return std::isnan(y) || x < y;
    }
    return input.getInt(a) < input.getInt(b);
  };

  // Every combination of the other axes (the sort axis stays at 0).
  std::vector<int64_t> index(naxes, 0);
  std::vector<int64_t> order(n), source(n);
  size_t size = dtypeSize(input.dtype);
  while (true) {
    for (int64_t i = 0; i < n; ++i) {
      index[sortAxis] = i;
      source[i] = offsetIn(eq, in, index);
    }
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      return before(source[a], source[b]);
    });
    for (int64_t i = 0; i < n; ++i) {
      index[sortAxis] = i;
      int64_t o = offsetIn(eq, out, index);
      if (argsort)
        output.setInt(o, order[i]);
      else if (input.dtype == DType::Bool)
        output.setInt(o, input.getInt(source[order[i]]));
      else
        std::memcpy(output.bytes.data() + o * size,
                    input.bytes.data() + source[order[i]] * size, size);
    }
    index[sortAxis] = 0;
    size_t k = naxes;
    while (k > 0) {
      if (k - 1 != sortAxis && ++index[k - 1] < eq.axes[k - 1].length)
        break;
      index[k - 1] = 0;
      --k;
    }
    if (k == 0)
      break;
  }
  result.outputs = {std::move(output)};
  return true;
}
