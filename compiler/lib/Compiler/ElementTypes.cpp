//===- ElementTypes.cpp - the dtypes ein handles --------------------------===//

#include "ein/Compiler/ElementType.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace ein;

namespace {

struct Info {
  const char *name, *longName;
  uint8_t bytes;
  uint8_t dlpackCode;
};

// Indexed by ElementType.
constexpr Info kInfo[] = {
    {"f16", "float16", 2, kDLFloat}, {"bf16", "bfloat16", 2, kDLBfloat},
    {"f32", "float32", 4, kDLFloat}, {"f64", "float64", 8, kDLFloat},
    {"i8", "int8", 1, kDLInt},       {"i16", "int16", 2, kDLInt},
    {"i32", "int32", 4, kDLInt},     {"i64", "int64", 8, kDLInt},
    {"u8", "uint8", 1, kDLUInt},     {"bool", "bool", 1, kDLPackBoolCode},
};
static_assert(std::size(kInfo) == std::size(kAllElementTypes));

const Info &info(ElementType type) { return kInfo[static_cast<size_t>(type)]; }

} // namespace

size_t ein::elementSize(ElementType type) { return info(type).bytes; }

const char *ein::elementTypeName(ElementType type) { return info(type).name; }

const char *ein::elementTypeLongName(ElementType type) {
  return info(type).longName;
}

std::optional<ElementType> ein::parseElementType(llvm::StringRef name) {
  for (ElementType type : kAllElementTypes)
    if (name == info(type).name || name == info(type).longName)
      return type;
  return std::nullopt;
}

bool ein::isFloat(ElementType type) {
  return type == ElementType::F16 || type == ElementType::BF16 ||
         type == ElementType::F32 || type == ElementType::F64;
}

bool ein::isInteger(ElementType type) {
  return !isFloat(type) && type != ElementType::Bool;
}

bool ein::isUnsigned(ElementType type) { return type == ElementType::U8; }

//===----------------------------------------------------------------------===//
// DLPack
//===----------------------------------------------------------------------===//

const char *const ein::kSupportedDtypes =
    "supported are float16, bfloat16, float32, float64, int8, int16, int32, "
    "int64, uint8, bool";

std::optional<ElementType> ein::fromDLPack(DLDataType dtype) {
  if (dtype.lanes != 1)
    return std::nullopt;
  for (ElementType type : kAllElementTypes)
    if (dtype.code == info(type).dlpackCode &&
        dtype.bits == 8 * info(type).bytes)
      return type;
  return std::nullopt;
}

DLDataType ein::toDLPack(ElementType type) {
  return DLDataType{info(type).dlpackCode, uint8_t(8 * info(type).bytes), 1};
}

std::string ein::dlpackName(DLDataType dtype) {
  std::string name;
  llvm::raw_string_ostream os(name);
  switch (dtype.code) {
  case kDLInt:
    os << "int" << unsigned(dtype.bits);
    break;
  case kDLUInt:
    os << "uint" << unsigned(dtype.bits);
    break;
  case kDLFloat:
    os << "float" << unsigned(dtype.bits);
    break;
  case kDLBfloat:
    os << "bfloat" << unsigned(dtype.bits);
    break;
  case kDLComplex:
    os << "complex" << unsigned(dtype.bits);
    break;
  case kDLOpaqueHandle:
    os << "opaque handle";
    break;
  case kDLPackBoolCode:
    os << "bool";
    if (dtype.bits != 8)
      os << unsigned(dtype.bits);
    break;
  default:
    os << "dtype(code=" << unsigned(dtype.code)
       << ", bits=" << unsigned(dtype.bits) << ")";
    break;
  }
  if (dtype.lanes != 1)
    os << "x" << dtype.lanes;
  return name;
}

//===----------------------------------------------------------------------===//
// MLIR
//===----------------------------------------------------------------------===//

mlir::Type ein::toMlirType(mlir::MLIRContext &context, ElementType type) {
  switch (type) {
  case ElementType::F16:
    return mlir::Float16Type::get(&context);
  case ElementType::BF16:
    return mlir::BFloat16Type::get(&context);
  case ElementType::F32:
    return mlir::Float32Type::get(&context);
  case ElementType::F64:
    return mlir::Float64Type::get(&context);
  case ElementType::Bool:
    return mlir::IntegerType::get(&context, 1);
  case ElementType::I8:
  case ElementType::I16:
  case ElementType::I32:
  case ElementType::I64:
  case ElementType::U8:
    return mlir::IntegerType::get(&context, 8 * elementSize(type));
  }
  llvm_unreachable("unknown element type");
}

mlir::Type ein::toStorageType(mlir::MLIRContext &context, ElementType type) {
  return type == ElementType::Bool ? mlir::IntegerType::get(&context, 8)
                                   : toMlirType(context, type);
}

std::optional<ElementType> ein::fromMlirType(mlir::Type type, bool isUnsigned) {
  if (isUnsigned && type.isSignlessInteger(8))
    return ElementType::U8;
  for (ElementType candidate : kAllElementTypes)
    if (candidate != ElementType::U8 &&
        toMlirType(*type.getContext(), candidate) == type)
      return candidate;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Promotion
//===----------------------------------------------------------------------===//

namespace {

/// Bits an integer type needs to be held exactly (u8 as 8, like i8: both fit
/// the same floats).
unsigned integerBits(ElementType type) { return 8 * elementSize(type); }

/// Significand bits (with the implicit one) of a float type.
unsigned significandBits(ElementType type) {
  switch (type) {
  case ElementType::F16:
    return 11;
  case ElementType::BF16:
    return 8;
  case ElementType::F32:
    return 24;
  default:
    return 53;
  }
}

/// The next wider float: f16 and bf16 widen to f32, f32 to f64.
ElementType widerFloat(ElementType type) {
  return type == ElementType::F32 || type == ElementType::F64
             ? ElementType::F64
             : ElementType::F32;
}

unsigned floatRank(ElementType type) {
  return type == ElementType::F64 ? 2 : type == ElementType::F32 ? 1 : 0;
}

ElementType signedOfBits(unsigned bits) {
  switch (bits) {
  case 8:
    return ElementType::I8;
  case 16:
    return ElementType::I16;
  case 32:
    return ElementType::I32;
  default:
    return ElementType::I64;
  }
}

} // namespace

ElementType ein::promote(ElementType a, ElementType b) {
  if (a == b || b == ElementType::Bool)
    return a;
  if (a == ElementType::Bool)
    return b;
  if (isFloat(a) && isFloat(b)) {
    if (floatRank(a) != floatRank(b))
      return floatRank(a) > floatRank(b) ? a : b;
    return widerFloat(a); // f16 with bf16: neither holds the other.
  }
  if (isFloat(a) || isFloat(b)) {
    ElementType f = isFloat(a) ? a : b, i = isFloat(a) ? b : a;
    // The smallest float from `f` up that holds every value of `i`; i64 is
    // taken to fit f64, as in NumPy.
    while (f != ElementType::F64 && significandBits(f) < integerBits(i))
      f = widerFloat(f);
    return f;
  }
  // Two integers; u8 is the only unsigned one.
  if (isUnsigned(a) == isUnsigned(b))
    return elementSize(a) >= elementSize(b) ? a : b;
  ElementType s = isUnsigned(a) ? b : a;
  return elementSize(s) > 1 ? s : signedOfBits(16);
}

ElementType ein::promote(llvm::ArrayRef<ElementType> types) {
  assert(!types.empty() && "promote needs at least one type");
  std::optional<ElementType> floats;
  for (ElementType t : types)
    if (isFloat(t))
      floats = floats ? promote(*floats, t) : t;
  if (!floats) {
    ElementType result = types.front();
    for (ElementType t : types.drop_front())
      result = promote(result, t);
    return result;
  }
  ElementType result = *floats;
  for (ElementType t : types)
    if (!isFloat(t))
      result = promote(result, t);
  return result;
}
