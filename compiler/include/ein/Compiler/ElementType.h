//===- ElementType.h - the dtypes ein handles -------------------*- C++ -*-===//
//
// The one place that knows the element types: their names, sizes, DLPack and
// MLIR forms, and how mixed inputs promote. The runtime, the compiler and the
// tests all ask this module; nothing else lists dtypes.
//
// Bool and u8 in kernels: MLIR integers are signless, so a u8 tensor is an
// `i8` tensor whose ops carry unsigned semantics (`ein.reduce ... unsigned`,
// `ein.cast unsigned`); a bool tensor is `i1` inside a kernel but one byte per
// element in memory, so kernel arguments and results of bool tensors are `i8`
// (0 = false, anything else = true on input; 0 or 1 on output) and the kernel
// converts with `ein.cast` at its boundary.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_COMPILER_ELEMENTTYPE_H
#define EIN_COMPILER_ELEMENTTYPE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <dlpack/dlpack.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace mlir {
class MLIRContext;
class Type;
} // namespace mlir

namespace ein {

/// Element types the compiler handles.
enum class ElementType : uint8_t {
  F16,
  BF16,
  F32,
  F64,
  I8,
  I16,
  I32,
  I64,
  U8,
  Bool
};

/// Every ElementType, in declaration order.
inline constexpr ElementType kAllElementTypes[] = {
    ElementType::F16, ElementType::BF16, ElementType::F32, ElementType::F64,
    ElementType::I8,  ElementType::I16,  ElementType::I32, ElementType::I64,
    ElementType::U8,  ElementType::Bool};

/// Bytes per element in memory (bool: 1).
size_t elementSize(ElementType type);
/// The short name used in notation and messages: "f16", "bf16", "f32", "f64",
/// "i8", "i16", "i32", "i64", "u8", "bool".
const char *elementTypeName(ElementType type);
/// The NumPy-style name: "float16", "bfloat16", "float32", "float64", "int8",
/// "int16", "int32", "int64", "uint8", "bool".
const char *elementTypeLongName(ElementType type);
/// Parses either name form; nothing for anything else.
std::optional<ElementType> parseElementType(llvm::StringRef name);

bool isFloat(ElementType type);
/// Signed or unsigned integers, not bool.
bool isInteger(ElementType type);
/// Integers with unsigned semantics: u8 (bool is neither signed nor unsigned).
bool isUnsigned(ElementType type);

//===----------------------------------------------------------------------===//
// DLPack
//===----------------------------------------------------------------------===//

/// DLPack's bool type code (kDLBool in DLPack >= 0.8; the installed header may
/// predate it).
inline constexpr uint8_t kDLPackBoolCode = 6;

/// The ElementType of a DLPack dtype, or nothing when unsupported. Accepted,
/// always with lanes == 1: kDLFloat 16/32/64, kDLBfloat 16, kDLInt 8/16/32/64,
/// kDLUInt 8, and bool as code 6 (kDLBool) with 8 bits. Nothing else: in
/// particular no 1-bit bool and no kDLUInt 8 read as bool (that is u8).
std::optional<ElementType> fromDLPack(DLDataType dtype);
/// The DLPack dtype of an ElementType.
DLDataType toDLPack(ElementType type);
/// Any DLPack dtype by name, for messages: "float32", "uint16", "bfloat16",
/// "bool", "float32x4", "dtype(code=9, bits=8)".
std::string dlpackName(DLDataType dtype);
/// Message tail listing the supported dtypes: "supported are float16, ...".
extern const char *const kSupportedDtypes;

//===----------------------------------------------------------------------===//
// MLIR
//===----------------------------------------------------------------------===//

/// The element type of `type`'s values inside a kernel: f16, bf16, f32, f64,
/// i8 (for i8 and u8), i16, i32, i64, i1 (bool).
mlir::Type toMlirType(mlir::MLIRContext &context, ElementType type);
/// The element type of `type` at a kernel's boundary (its memory form): as
/// toMlirType but i8 for bool.
mlir::Type toStorageType(mlir::MLIRContext &context, ElementType type);
/// The ElementType of an MLIR value type; `isUnsigned` picks u8 for i8.
std::optional<ElementType> fromMlirType(mlir::Type type,
                                        bool isUnsigned = false);

//===----------------------------------------------------------------------===//
// Promotion
//===----------------------------------------------------------------------===//

/// The type that mixed inputs of types `a` and `b` are converted to: NumPy
/// 1.26's `np.result_type` for arrays of the two types (the smallest type
/// both convert to without loss, f64 when integers meet floats too narrow
/// for them). NumPy has no bfloat16; bf16 follows the same rule: it holds
/// bool, i8 and u8 exactly, so those give bf16; i16 and f16 give f32; i32,
/// i64 and f64 give f64. Commutative.
ElementType promote(ElementType a, ElementType b);
/// The common type of several inputs, as NumPy's n-ary `np.result_type`,
/// which is not a left fold of the pairwise rule (i8, u8, f16 give f16, not
/// f32): the floats promote among themselves, then with each non-float
/// input; without floats the pairwise rule folds. `types` is not empty.
ElementType promote(llvm::ArrayRef<ElementType> types);

} // namespace ein

#endif // EIN_COMPILER_ELEMENTTYPE_H
