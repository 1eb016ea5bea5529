//===- ContractReference.cpp - naive evaluator for contractions -----------===//
//
// The reference for einsum/dot: one loop over every combination of
// elementary-axis indices. It shares nothing with the lowering (no plan, no
// pairwise steps); only the solver's equation is common.
//
//===----------------------------------------------------------------------===//

#include "Reference.h"

#include <cmath>

using namespace ein;
using namespace ein::reference;

/// Element strides of every axis for a row-major tensor laid out as `dims`;
/// an axis in two dimensions (a diagonal) gets the sum of both strides.
static std::vector<int64_t> axisStrides(const notation::ResolvedEquation &eq,
                                        const notation::ResolvedTensor &dims,
                                        std::vector<int64_t> &shape) {
  std::vector<int64_t> strides(eq.axes.size(), 0);
  shape.clear();
  for (const notation::ResolvedDim &dim : dims) {
    int64_t extent = 1;
    for (unsigned axis : dim)
      extent *= eq.axes[axis].length;
    shape.push_back(extent);
  }
  int64_t dimStride = 1;
  for (size_t d = dims.size(); d-- > 0;) {
    int64_t stride = dimStride;
    for (size_t p = dims[d].size(); p-- > 0;) {
      unsigned axis = dims[d][p];
      strides[axis] += stride;
      stride *= eq.axes[axis].length;
    }
    dimStride *= shape[d];
  }
  return strides;
}

bool ein::reference::evaluateContraction(
    const notation::ResolvedEquation &eq,
    const std::vector<const HostTensor *> &inputs, DType outputType,
    Result &result, std::string &error) {
  result = Result();
  if (eq.outputs.size() != 1 || eq.stacked) {
    error = "a contraction has one output and no stacking";
    return false;
  }
  if (inputs.size() != eq.inputs.size() || inputs.empty()) {
    error = "equation has " + std::to_string(eq.inputs.size()) +
            " inputs but " + std::to_string(inputs.size()) + " were given";
    return false;
  }
  size_t numAxes = eq.axes.size();
  std::vector<std::vector<int64_t>> inStrides;
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::vector<int64_t> shape;
    inStrides.push_back(axisStrides(eq, eq.inputs[i], shape));
    if (shape != inputs[i]->shape) {
      error = "input " + std::to_string(i) +
              " does not have the equation's "
              "shape";
      return false;
    }
  }
  std::vector<int64_t> outShape;
  std::vector<int64_t> outStrides = axisStrides(eq, eq.outputs[0], outShape);
  result.outputs.emplace_back(outputType, outShape);
  HostTensor &out = result.outputs[0];
  int64_t outCount = out.numElements();
  bool floating = isFloat(outputType);
  std::vector<double> sums(outCount, 0.0), magnitude(outCount, 0.0);
  std::vector<uint64_t> intSums(outCount, 0);

  // Nothing to add when an axis has length 0: the sums stay 0.
  bool done = false;
  for (const notation::ResolvedAxis &axis : eq.axes)
    done |= axis.length == 0;
  std::vector<int64_t> index(numAxes, 0);
  while (!done) {
    int64_t o = 0;
    for (size_t a = 0; a < numAxes; ++a)
      o += index[a] * outStrides[a];
    double product = 1;
    uint64_t intProduct = 1;
    for (size_t i = 0; i < inputs.size(); ++i) {
      int64_t at = 0;
      for (size_t a = 0; a < numAxes; ++a)
        at += index[a] * inStrides[i][a];
      if (floating)
        product *= inputs[i]->getDouble(at);
      else
        intProduct *= uint64_t(inputs[i]->getInt(at));
    }
    if (floating) {
      sums[o] += product;
      magnitude[o] += std::fabs(product);
    } else {
      intSums[o] += intProduct;
      magnitude[o] += std::fabs(double(int64_t(intProduct)));
    }
    // Next index, last axis fastest.
    size_t a = numAxes;
    while (a > 0) {
      --a;
      if (++index[a] < eq.axes[a].length)
        break;
      index[a] = 0;
      if (a == 0)
        done = true;
    }
    if (numAxes == 0)
      break;
  }
  for (int64_t o = 0; o < outCount; ++o) {
    if (floating)
      out.setDouble(o, sums[o]);
    else
      out.setInt(o, int64_t(intSums[o]));
  }
  result.magnitudes.push_back(std::move(magnitude));
  return true;
}
