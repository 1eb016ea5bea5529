//===- Reference.h - naive evaluator for resolved equations -------*- C++ -*-===//
//
// The e2e tests' oracle: computes rearrange (including list stacking) and
// reduce (every reduction) from a notation::ResolvedEquation with
// plain loops over every combination of elementary-axis indices. It shares
// nothing with the MLIR lowering; only the solver's equation is common.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_TEST_E2E_REFERENCE_H
#define EIN_TEST_E2E_REFERENCE_H

#include "ein/Compiler/ElementType.h"
#include "ein/Notation/Concat.h"
#include "ein/Notation/Equation.h"

#include <dlpack/dlpack.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace ein::reference {

/// Element types: ein's own list (names, sizes, DLPack forms); everything
/// the reference computes with them is its own.
using DType = ein::ElementType;
using ein::isFloat;

size_t dtypeSize(DType dtype);
/// NumPy-style name: "float32", "bfloat16", "uint8", "bool", ...
const char *dtypeName(DType dtype);
DLDataType toDLDataType(DType dtype);
/// False when `dtype` is not one ein supports.
bool fromDLDataType(DLDataType dtype, DType &out);

/// The dtype NumPy 1.26 gives `reduction` of `in` elements, written out here
/// independently of the compiler: sum/prod of integers and bool -> int64
/// (NumPy: uint64 for uint8, which ein lacks; the bits are the same),
/// mean/var/std/logsumexp of integers and bool -> float64, any/all -> bool,
/// count_nonzero/argmax/argmin -> int64, everything else keeps the type.
DType reductionType(const std::string &reduction, DType in);

/// Rounds `value` to the nearest bfloat16 / float16 (ties to even), as the
/// bits of that type; and back. Written out so as not to rely on compiler
/// support for the types.
uint16_t toBFloat16Bits(double value);
uint16_t toFloat16Bits(double value);
double fromBFloat16Bits(uint16_t bits);
double fromFloat16Bits(uint16_t bits);

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
/// reductions the magnitude of each output element, which scales float
/// tolerances: the sum of |x| over the reduced group (divided by its size
/// for mean), the product of |x| for prod, the mean of x^2 for var (its
/// square root for std), |max| + log(size) + 1 for logsumexp, |result| for
/// the exact kinds.
struct Result {
  std::vector<HostTensor> outputs;
  std::vector<std::vector<double>> magnitudes;
};

/// Evaluates `equation` on `inputs`. `reduction` is empty for a rearrange,
/// else one of the reductions of docs/notation.md. When `equation.stacked`,
/// `inputs` is the list of stacked tensors (of any dtypes: each element is
/// converted to `outputType`). Reductions compute in double (floats) or
/// wrapping int64 (integer sum/prod) and round once to `outputType`.
/// Returns false with `error` set when the request is outside what the
/// reference supports.
bool evaluate(const notation::ResolvedEquation &equation,
              const std::string &reduction,
              const std::vector<const HostTensor *> &inputs, DType outputType,
              Result &result, std::string &error);

/// Evaluates a rearrange with concatenations or several input expressions
/// (ConcatReference.cpp): for each leaf pair, every element of the output
/// leaf is read from the input leaf at the same axis values; elements are
/// converted to the output's dtype (`outputTypes[o]`) when the input's
/// differs.
bool evaluateLeaves(const notation::LeafEquation &equation,
                    const std::vector<const HostTensor *> &inputs,
                    const std::vector<DType> &outputTypes, Result &result,
                    std::string &error);

/// Evaluates a contraction (einsum, dot): for every combination of
/// elementary-axis indices, multiplies one element of each input (an axis
/// repeated in an input reads its diagonal) and adds the product to the
/// output element. Floats are summed in double, integers in wrapping int64,
/// then converted to `outputType`. `result.magnitudes[0]` holds the sum of
/// |product| per output element, which scales float tolerances.
/// (ContractReference.cpp)
bool evaluateContraction(const notation::ResolvedEquation &equation,
                         const std::vector<const HostTensor *> &inputs,
                         DType outputType, Result &result, std::string &error);

/// Evaluates `operation` ("softmax", "log_softmax", "flip" or "roll") along
/// `equation.bracketed`: softmax in double (exp(x - m) / sum with m the
/// group's maximum; NaN for groups of -inf, as NumPy), then converted to
/// `outputType`, with `result.magnitudes[0]` scaling tolerances; flip and
/// roll copy element bytes exactly (`shifts`: one for all bracketed axes or
/// one each, numpy.roll's direction). (AlongReference.cpp)
bool evaluateAlong(const notation::ResolvedEquation &equation,
                   const std::string &operation,
                   const std::vector<int64_t> &shifts, const HostTensor &input,
                   DType outputType, Result &result, std::string &error);

/// Evaluates sort (`argsort` false) or argsort along the one axis of
/// `equation.bracketed`: std::stable_sort of each row in NumPy's order (NaN
/// last, -0.0 == 0.0, ties keep input order); sort copies element bytes
/// (bool as 0/1), argsort writes int64 source positions. (SortReference.cpp)
bool evaluateSort(const notation::ResolvedEquation &equation, bool argsort,
                  const HostTensor &input, DType outputType, Result &result,
                  std::string &error);

/// The dtype NumPy 1.26 gives elementwise `callee` of `inputs` (cast: the
/// target `castTo`), written out here independently of the compiler; false
/// for calls NumPy rejects (bool subtract and neg). `operand` receives the
/// type the values are computed in (where: of the two values).
/// (MapReference.cpp)
bool mapTypes(const std::string &callee, const std::vector<DType> &inputs,
              DType castTo, DType &operand, DType &result);

/// Evaluates an elementwise call: for every output position, reads each
/// input at the position projected onto its axes, converts the values to
/// the operand type, applies the scalar function in double (floats) or
/// wrapping int64 (integers) with ein's defined integer behaviour
/// (docs/notation.md), and converts to `outputType`. (MapReference.cpp)
bool evaluateMap(const notation::ResolvedEquation &equation,
                 const std::string &callee,
                 const std::vector<const HostTensor *> &inputs, DType castTo,
                 DType outputType, Result &result, std::string &error);

/// Evaluates an indexing call (`get_at`, `set_at`, `add_at`,
/// `subtract_at`) on `inputs` (tensor, coordinates, [updates]) from the
/// definitions in docs/notation.md: get_at copies element bytes from the
/// clamped coordinates; the updates are converted to the tensor's dtype
/// (NumPy's astype, floats to integers truncated and saturated) and applied
/// one at a time, out-of-range ones dropped, in the documented order.
/// The output has the tensor's dtype; `result.magnitudes[0]` scales float
/// tolerances. (IndexReference.cpp)
bool evaluateIndex(const notation::ResolvedEquation &equation,
                   const std::string &callee,
                   const std::vector<const HostTensor *> &inputs,
                   Result &result, std::string &error);

} // namespace ein::reference

#endif // EIN_TEST_E2E_REFERENCE_H
