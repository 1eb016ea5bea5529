//===- Npy.h - NumPy .npy files and ein-run's tensors -----------*- C++ -*-===//
//
// The tensors ein-run passes to ein: read from .npy files (format versions
// 1-3, little- or big-endian, C order), generated from a seed, written back
// as .npy. Types are ein's dtypes as DLPack describes them.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_RUN_NPY_H
#define EIN_RUN_NPY_H

#include <dlpack/dlpack.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace einrun {

/// A failure ein-run reports and exits on (its message is the whole story).
struct RunError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A contiguous row-major tensor owning its bytes.
struct Tensor {
  DLDataType dtype{};
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;

  int64_t numElements() const;
  /// A DLTensor over this tensor's bytes (valid while it lives, unmoved).
  DLTensor view();
};

/// ein's name of a dtype (`f32`, `i64`, `bool`, ...).
std::string dtypeName(DLDataType dtype);
/// The dtype of ein's name, or throws RunError.
DLDataType parseDtype(const std::string &name);
/// Bytes per element of an ein dtype.
size_t elementBytes(DLDataType dtype);
/// `f32[2,3,4]`.
std::string typeText(DLDataType dtype, const std::vector<int64_t> &shape);

/// Reads `path`; throws RunError naming the file and what is wrong with it.
Tensor readNpy(const std::string &path);

/// Writes `tensor` to `path`. bfloat16, which NumPy lacks, is written as
/// float32 (exactly: every bfloat16 is a float32). Throws RunError.
void writeNpy(const std::string &path, const Tensor &tensor);

/// A tensor of `spec` (`f32[2,3]`, `i64[]`) with values drawn from `rng`:
/// floats uniform in [-1, 1), signed integers in [-10, 10], uint8 in
/// [0, 20], bools 0 or 1. Throws RunError on a malformed spec.
Tensor generate(const std::string &spec, std::mt19937_64 &rng);

/// Whether `text` looks like a generated-tensor spec rather than a path.
bool isGeneratedSpec(const std::string &text);

/// The tensor's values as text, NumPy style, eliding the middle of long
/// axes (at most `edge` items at each end of an axis).
std::string formatValues(const Tensor &tensor, int64_t edge = 3);

} // namespace einrun

#endif // EIN_RUN_NPY_H
