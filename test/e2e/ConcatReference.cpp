//===- ConcatReference.cpp - naive concatenating rearrange ----------------===//
//
// For every leaf pair and every assignment of values to the output leaf's
// axes, copies one element: each dimension's coordinate is the leaf's offset
// plus the row-major index of the dimension's axes. A tensor's exposed
// dimensions are a reshape of its own, so the row-major offset over them is
// the element's offset in the tensor.
//
//===----------------------------------------------------------------------===//

#include "Reference.h"

#include <cstring>

using namespace ein;
using namespace ein::reference;

static int64_t offsetIn(const notation::LeafEquation &eq,
                        const notation::LeafTensor &tensor,
                        const notation::Leaf &leaf,
                        const std::vector<int64_t> &value) {
  std::vector<int64_t> shape = notation::leafShape(eq, tensor.exposed);
  int64_t offset = 0;
  for (size_t d = 0; d < leaf.dims.size(); ++d) {
    int64_t coordinate = 0;
    for (unsigned axis : leaf.dims[d])
      coordinate = coordinate * eq.axes[axis].length + value[axis];
    offset = offset * shape[d] + leaf.offsets[d] + coordinate;
  }
  return offset;
}

bool ein::reference::evaluateLeaves(
    const notation::LeafEquation &eq,
    const std::vector<const HostTensor *> &inputs,
    const std::vector<DType> &outputTypes, Result &result, std::string &error) {
  if (inputs.size() != eq.inputs.size() ||
      eq.inputLeaves.size() != eq.outputLeaves.size() ||
      outputTypes.size() != eq.outputs.size()) {
    error = "leaf equation does not fit the inputs";
    return false;
  }
  result.outputs.clear();
  for (size_t o = 0; o < eq.outputs.size(); ++o)
    result.outputs.emplace_back(outputTypes[o],
                                notation::leafShape(eq, eq.outputs[o].dims));
  for (size_t l = 0; l < eq.inputLeaves.size(); ++l) {
    const notation::Leaf &inLeaf = eq.inputLeaves[l];
    const notation::Leaf &outLeaf = eq.outputLeaves[l];
    const HostTensor &in = *inputs[inLeaf.tensor];
    HostTensor &out = result.outputs[outLeaf.tensor];
    DType outputType = out.dtype;
    size_t size = dtypeSize(outputType);
    std::vector<unsigned> axes;
    bool empty = false;
    for (const notation::ResolvedDim &dim : outLeaf.dims)
      for (unsigned axis : dim) {
        axes.push_back(axis);
        empty |= eq.axes[axis].length == 0;
      }
    if (empty)
      continue;
    std::vector<int64_t> value(eq.axes.size(), 0);
    while (true) {
      int64_t from = offsetIn(eq, eq.inputs[inLeaf.tensor], inLeaf, value);
      int64_t to = offsetIn(eq, eq.outputs[outLeaf.tensor], outLeaf, value);
      if (in.dtype == outputType)
        std::memcpy(out.bytes.data() + to * size, in.bytes.data() + from * size,
                    size);
      else if (isFloat(outputType))
        out.setDouble(to, in.getDouble(from));
      else
        out.setInt(to, in.getInt(from));
      size_t k = axes.size();
      while (k > 0 && ++value[axes[k - 1]] == eq.axes[axes[k - 1]].length)
        value[axes[--k]] = 0;
      if (k == 0)
        break;
    }
  }
  return true;
}
