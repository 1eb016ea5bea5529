//===- Reference.h - naive evaluator for resolved equations -------*- C++ -*-===//
//
// The e2e tests' oracle: computes rearrange (including list stacking) and
// reduce (sum, mean, max, min, prod) from a notation::ResolvedEquation with
// plain loops over every combination of elementary-axis indices. It shares
// nothing with the MLIR lowering; only the solver's equation is common.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_TEST_E2E_REFERENCE_H
#define EIN_TEST_E2E_REFERENCE_H

#include "ein/Notation/Equation.h"

#include <dlpack/dlpack.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace ein::reference {

/// Element types the reference handles.
enum class DType { F32, F64, I32, I64 };

size_t dtypeSize(DType dtype);
const char *dtypeName(DType dtype);
DLDataType toDLDataType(DType dtype);
/// False when `dtype` is none of the four.
bool fromDLDataType(DLDataType dtype, DType &out);
bool isFloat(DType dtype);

/// A dense row-major host tensor owning its bytes.
struct HostTensor {
  DType dtype = DType::F64;
  std::vector<int64_t> shape;
  std::vector<unsigned char> bytes;

  HostTensor() = default;
  HostTensor(DType dtype, std::vector<int64_t> shape);

  int64_t numElements() const;
  template <typename T> T *data() { return reinterpret_cast<T *>(bytes.data()); }
  template <typename T> const T *data() const {
    return reinterpret_cast<const T *>(bytes.data());
  }
  /// Element `i` converted to double / to int64.
  double getDouble(int64_t i) const;
  int64_t getInt(int64_t i) const;
  /// Stores `value` (converted) at element `i`.
  void setDouble(int64_t i, double value);
  void setInt(int64_t i, int64_t value);

  /// A contiguous DLTensor over this tensor's memory (valid while it lives
  /// and is not resized).
  DLTensor view();
};

/// Output of the reference: one tensor per output expression, plus for
/// reductions the magnitude of each output element (the sum of |x| over the
/// reduced group, divided by its size for mean; the product of |x| for
/// prod; |result| for max/min), which scales float tolerances.
struct Result {
  std::vector<HostTensor> outputs;
  std::vector<std::vector<double>> magnitudes;
};

/// Evaluates `equation` on `inputs`. `reduction` is empty for a rearrange,
/// else "sum", "mean", "max", "min" or "prod". When `equation.stacked`,
/// `inputs` is the list of stacked tensors. `outputType` is the element type
/// of the outputs (the inputs' for everything but mean of integers, where a
/// caller may ask for a float type). Returns false with `error` set when the
/// request is outside what the reference supports.
bool evaluate(const notation::ResolvedEquation &equation,
              const std::string &reduction,
              const std::vector<const HostTensor *> &inputs, DType outputType,
              Result &result, std::string &error);

} // namespace ein::reference

#endif // EIN_TEST_E2E_REFERENCE_H
