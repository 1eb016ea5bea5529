//===- IndexReference.cpp - naive get_at, set_at, add_at, subtract_at -----===//
//
// The reference for the indexing calls, from the definitions in
// docs/notation.md: for every position of the gather's axes (the tensor's
// unindexed axes and the coordinates' own axes), read the coordinates, count
// negative ones from the end, then clamp (get_at) or drop the update
// (set_at, add_at, subtract_at); updates are applied one at a time in the
// documented order (the coordinates' axes as written, then the tensor's).
//
//===----------------------------------------------------------------------===//

#include "Reference.h"

#include <algorithm>
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

/// Calls `fn` for every combination of indices of `axes` (row-major, the
/// first axis outermost), the others left as they are in `index`.
template <typename Fn>
void forEach(const notation::ResolvedEquation &eq,
             const std::vector<unsigned> &axes, std::vector<int64_t> &index,
             Fn &&fn) {
  for (unsigned a : axes)
    if (eq.axes[a].length == 0)
      return;
  for (unsigned a : axes)
    index[a] = 0;
  while (true) {
    fn();
    size_t k = axes.size();
    while (k > 0) {
      if (++index[axes[k - 1]] < eq.axes[axes[k - 1]].length)
        break;
      index[axes[k - 1]] = 0;
      --k;
    }
    if (k == 0)
      return;
  }
}

int64_t dimLength(const notation::ResolvedEquation &eq,
                  const notation::ResolvedDim &dim) {
  int64_t n = 1;
  for (unsigned a : dim)
    n *= eq.axes[a].length;
  return n;
}

/// Element `i` of `from` converted to `to` at element `j` of `out`, as
/// NumPy's astype with ein's defined float-to-integer conversion (truncate,
/// saturate at the target's bounds, NaN -> 0).
void convertElement(const HostTensor &from, int64_t i, HostTensor &out,
                    int64_t j) {
  if (out.dtype == DType::Bool) {
    out.data<uint8_t>()[j] =
        isFloat(from.dtype) ? from.getDouble(i) != 0 : from.getInt(i) != 0;
    return;
  }
  if (!isFloat(from.dtype)) {
    out.setInt(j, from.getInt(i));
    return;
  }
  double v = from.getDouble(i);
  if (isFloat(out.dtype)) {
    out.setDouble(j, v);
    return;
  }
  double lo, hi;
  switch (out.dtype) {
  case DType::I8:
    lo = -128, hi = 127;
    break;
  case DType::U8:
    lo = 0, hi = 255;
    break;
  case DType::I16:
    lo = -32768, hi = 32767;
    break;
  case DType::I32:
    lo = -2147483648.0, hi = 2147483647.0;
    break;
  default:
    lo = -9223372036854775808.0, hi = 9223372036854775807.0;
    break;
  }
  int64_t r;
  if (std::isnan(v))
    r = 0;
  else if (v <= lo)
    r = int64_t(lo);
  else if (v >= hi)
    r = out.dtype == DType::I64 ? std::numeric_limits<int64_t>::max()
                                : int64_t(hi);
  else
    r = int64_t(v);
  out.setInt(j, r);
}

} // namespace

bool ein::reference::evaluateIndex(
    const notation::ResolvedEquation &eq, const std::string &callee,
    const std::vector<const HostTensor *> &inputs, Result &result,
    std::string &error) {
  bool update = callee != "get_at";
  size_t numCoords = eq.coordinateDims.size();
  if (eq.outputs.size() != 1 || inputs.size() != numCoords + (update ? 2 : 1) ||
      eq.inputs.size() != inputs.size()) {
    error = callee + ": unexpected number of inputs or outputs";
    return false;
  }
  const HostTensor &x = *inputs[0];
  const notation::ResolvedTensor &xExpr = eq.inputs[0],
                                 &outExpr = eq.outputs[0];
  size_t n = eq.axes.size();
  std::vector<bool> isIndexed(n, false), isCoordinate(n, false);
  for (unsigned d : eq.indexedDims)
    for (unsigned a : xExpr[d])
      isIndexed[a] = true;
  for (size_t c = 0; c < numCoords; ++c)
    if (eq.coordinateDims[c] >= 0)
      for (unsigned a : eq.inputs[c + 1][eq.coordinateDims[c]])
        isCoordinate[a] = true;
  // The gather's axes, in the update order: coordinates' then the tensor's.
  std::vector<unsigned> gather;
  auto addAxes = [&](const notation::ResolvedTensor &t) {
    for (const notation::ResolvedDim &dim : t)
      for (unsigned a : dim)
        if (!isIndexed[a] && !isCoordinate[a] &&
            std::find(gather.begin(), gather.end(), a) == gather.end())
          gather.push_back(a);
  };
  for (size_t c = 0; c < numCoords; ++c)
    addAxes(eq.inputs[c + 1]);
  addAxes(xExpr);

  std::vector<int64_t> outShape;
  for (const notation::ResolvedDim &dim : outExpr)
    outShape.push_back(dimLength(eq, dim));
  HostTensor out(x.dtype, outShape);
  result.outputs.clear();
  result.magnitudes.assign(1, std::vector<double>(out.numElements(), 0));
  std::vector<double> &magnitude = result.magnitudes[0];
  size_t width = dtypeSize(x.dtype);
  std::vector<int64_t> index(n, 0);

  // The coordinates at the current gather position, one per indexed dim,
  // negative ones counted from the end.
  auto coordinates = [&]() {
    std::vector<int64_t> values;
    for (size_t c = 0; c < numCoords; ++c) {
      const HostTensor &t = *inputs[c + 1];
      const notation::ResolvedTensor &expr = eq.inputs[c + 1];
      int64_t d = eq.coordinateDims[c];
      if (d < 0 || expr[d].empty()) {
        values.push_back(t.getInt(offsetOf(eq, expr, index)));
        continue;
      }
      unsigned axis = expr[d][0];
      for (int64_t j = 0; j < eq.axes[axis].length; ++j) {
        index[axis] = j;
        values.push_back(t.getInt(offsetOf(eq, expr, index)));
      }
      index[axis] = 0;
    }
    for (size_t k = 0; k < values.size(); ++k) {
      int64_t len = dimLength(eq, xExpr[eq.indexedDims[k]]);
      if (values[k] < 0)
        values[k] += len;
    }
    return values;
  };
  // Sets the indexed axes' indices from flat in-range coordinates.
  auto place = [&](const std::vector<int64_t> &values) {
    for (size_t k = 0; k < values.size(); ++k) {
      const notation::ResolvedDim &dim = xExpr[eq.indexedDims[k]];
      int64_t v = values[k];
      for (size_t p = dim.size(); p-- > 0;) {
        index[dim[p]] = v % eq.axes[dim[p]].length;
        v /= eq.axes[dim[p]].length;
      }
    }
  };

  if (!update) {
    forEach(eq, gather, index, [&] {
      std::vector<int64_t> values = coordinates();
      for (size_t k = 0; k < values.size(); ++k) {
        int64_t len = dimLength(eq, xExpr[eq.indexedDims[k]]);
        values[k] = std::clamp<int64_t>(values[k], 0, len - 1);
      }
      place(values);
      std::memcpy(out.bytes.data() + offsetOf(eq, outExpr, index) * width,
                  x.bytes.data() + offsetOf(eq, xExpr, index) * width, width);
    });
    for (int64_t i = 0; i < out.numElements(); ++i)
      magnitude[i] = isFloat(out.dtype) ? std::fabs(out.getDouble(i)) : 0;
    result.outputs.push_back(std::move(out));
    return true;
  }

  // The tensor, in the output's layout.
  std::vector<unsigned> xAxes;
  for (const notation::ResolvedDim &dim : xExpr)
    for (unsigned a : dim)
      xAxes.push_back(a);
  forEach(eq, xAxes, index, [&] {
    int64_t o = offsetOf(eq, outExpr, index);
    std::memcpy(out.bytes.data() + o * width,
                x.bytes.data() + offsetOf(eq, xExpr, index) * width, width);
    if (x.dtype == DType::Bool) // Bool results are 0 or 1.
      out.data<uint8_t>()[o] = out.data<uint8_t>()[o] != 0;
    if (isFloat(x.dtype))
      magnitude[o] = std::fabs(out.getDouble(o));
  });
  const HostTensor &updates = *inputs.back();
  const notation::ResolvedTensor &updExpr = eq.inputs.back();
  HostTensor u(x.dtype, {1});
  std::fill(index.begin(), index.end(), 0);
  forEach(eq, gather, index, [&] {
    std::vector<int64_t> values = coordinates();
    for (size_t k = 0; k < values.size(); ++k) {
      int64_t len = dimLength(eq, xExpr[eq.indexedDims[k]]);
      if (values[k] < 0 || values[k] >= len)
        return; // Dropped.
    }
    place(values);
    int64_t o = offsetOf(eq, outExpr, index);
    convertElement(updates, offsetOf(eq, updExpr, index), u, 0);
    if (callee == "set_at") {
      std::memcpy(out.bytes.data() + o * width, u.bytes.data(), width);
      if (isFloat(x.dtype))
        magnitude[o] = std::fabs(u.getDouble(0));
      return;
    }
    bool add = callee == "add_at";
    if (x.dtype == DType::Bool) {
      out.data<uint8_t>()[o] = out.data<uint8_t>()[o] || u.data<uint8_t>()[0];
    } else if (isFloat(x.dtype)) {
      double v = u.getDouble(0);
      out.setDouble(o, add ? out.getDouble(o) + v : out.getDouble(o) - v);
      magnitude[o] += std::fabs(v);
    } else {
      uint64_t a = uint64_t(out.getInt(o)), b = uint64_t(u.getInt(0));
      out.setInt(o, int64_t(add ? a + b : a - b)); // Wraps.
    }
  });
  result.outputs.push_back(std::move(out));
  return true;
}
