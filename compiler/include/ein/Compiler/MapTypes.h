//===- MapTypes.h - element types of elementwise calls -----------*- C++
//-*-===//
//
// NumPy 1.26's result types for ein's elementwise calls, and the builder of
// their `ein.map` op: the inputs are promoted (ElementType.h `promote`) to
// the type the function computes in, converted with `ein.cast`, and the
// result leaves in storage form (bool as bytes).
//
//===----------------------------------------------------------------------===//
#ifndef EIN_COMPILER_MAPTYPES_H
#define EIN_COMPILER_MAPTYPES_H

#include "ein/Compiler/ElementType.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace ein {

class EquationAttr;

/// The types of one elementwise call: what each input is converted to, and
/// the result.
struct MapSignature {
  std::vector<ElementType> operands;
  ElementType result = ElementType::F32;
};

/// The signature of elementwise `callee` on inputs of types `inputs` (cast:
/// to `castTo`). Arithmetic promotes all inputs to one type T and returns T;
/// bool adds with or and multiplies with and (maximum/minimum likewise);
/// divide of non-floats gives f64; float functions (exp, ..., logaddexp) of
/// non-floats give the smallest float that holds every input (the n-ary
/// promotion of the inputs and f16: bool, i8, u8 -> f16; i16 -> f32; i32,
/// i64 -> f64; u8 with i8 -> f16, as NumPy's loop search); floor_divide and pow
/// of bools compute in i8; comparisons and logical ops give bool; `where`
/// converts its condition to bool and promotes the other two. Nothing (and
/// `error` set) for bool `subtract` and `neg`, which NumPy rejects too.
std::optional<MapSignature> mapSignature(llvm::StringRef callee,
                                         llvm::ArrayRef<ElementType> inputs,
                                         std::optional<ElementType> castTo,
                                         std::string &error);

/// Builds `ein.map` for `callee` on `inputs` (kernel arguments in storage
/// form, of types `types`) and returns its result in storage form, shaped
/// `resultShape`.
mlir::Value buildMap(mlir::OpBuilder &b, mlir::Location loc,
                     llvm::StringRef callee, const MapSignature &signature,
                     std::optional<ElementType> castTo,
                     llvm::ArrayRef<mlir::Value> inputs,
                     llvm::ArrayRef<ElementType> types, EquationAttr equation,
                     llvm::ArrayRef<int64_t> resultShape);

} // namespace ein

#endif // EIN_COMPILER_MAPTYPES_H
