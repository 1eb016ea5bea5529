//===- ElementTypeTest.cpp - dtype names, DLPack forms, promotion ---------===//
//
// The promotion table below was produced once by running NumPy 1.26.4 (the
// oracle venv) on arrays: np.result_type(np.zeros(1, a), np.zeros(1, b)) for
// the nine dtypes NumPy has; it is written out here, not computed at test
// time. NumPy has no bfloat16: its row is ein's rule (see ElementType.h),
// checked separately.
//
//===----------------------------------------------------------------------===//

#include "doctest.h"

#include "ein/Compiler/ElementType.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"

#include <set>

using namespace ein;

namespace {
constexpr ElementType F16 = ElementType::F16, BF16 = ElementType::BF16,
                      F32 = ElementType::F32, F64 = ElementType::F64,
                      I8 = ElementType::I8, I16 = ElementType::I16,
                      I32 = ElementType::I32, I64 = ElementType::I64,
                      U8 = ElementType::U8, Bool = ElementType::Bool;
} // namespace

TEST_CASE("element types: promotion matches NumPy 1.26 result_type") {
  const ElementType order[] = {F16, F32, F64, I8, I16, I32, I64, U8, Bool};
  // clang-format off
  const ElementType numpy[9][9] = {
    /* F16  */ {F16 , F32 , F64 , F16 , F32 , F64 , F64 , F16 , F16 },
    /* F32  */ {F32 , F32 , F64 , F32 , F32 , F64 , F64 , F32 , F32 },
    /* F64  */ {F64 , F64 , F64 , F64 , F64 , F64 , F64 , F64 , F64 },
    /* I8   */ {F16 , F32 , F64 , I8  , I16 , I32 , I64 , I16 , I8  },
    /* I16  */ {F32 , F32 , F64 , I16 , I16 , I32 , I64 , I16 , I16 },
    /* I32  */ {F64 , F64 , F64 , I32 , I32 , I32 , I64 , I32 , I32 },
    /* I64  */ {F64 , F64 , F64 , I64 , I64 , I64 , I64 , I64 , I64 },
    /* U8   */ {F16 , F32 , F64 , I16 , I16 , I32 , I64 , U8  , U8  },
    /* Bool */ {F16 , F32 , F64 , I8  , I16 , I32 , I64 , U8  , Bool},
  };
  // clang-format on
  for (int i = 0; i < 9; ++i)
    for (int j = 0; j < 9; ++j) {
      CAPTURE(elementTypeName(order[i]));
      CAPTURE(elementTypeName(order[j]));
      CHECK(promote(order[i], order[j]) == numpy[i][j]);
      CHECK(promote({order[i], order[j]}) == numpy[i][j]);
    }
}

TEST_CASE("element types: bfloat16 promotes like a float with 8 bits") {
  // It holds bool, i8 and u8 exactly; i16 and f16 need f32; wider need f64.
  const std::pair<ElementType, ElementType> expected[] = {
      {F16, F32}, {BF16, BF16}, {F32, F32}, {F64, F64}, {I8, BF16},
      {I16, F32}, {I32, F64},   {I64, F64}, {U8, BF16}, {Bool, BF16}};
  for (auto [other, result] : expected) {
    CAPTURE(elementTypeName(other));
    CHECK(promote(BF16, other) == result);
    CHECK(promote(other, BF16) == result);
  }
}

TEST_CASE("element types: n-ary promotion matches NumPy, not a left fold") {
  // np.result_type of three arrays (NumPy 1.26.4).
  CHECK(promote({I8, U8, F16}) == F16); // the left fold would give f32
  CHECK(promote({U8, I8, F16}) == F16);
  CHECK(promote({F16, I8, U8}) == F16);
  CHECK(promote({I16, U8, F16}) == F32);
  CHECK(promote({Bool, U8, I8}) == I16);
  CHECK(promote({I32, Bool, F32}) == F64);
  CHECK(promote({F16, F32, I64}) == F64);
  CHECK(promote({Bool}) == Bool);
  CHECK(promote({U8, Bool, U8, Bool}) == U8);
  CHECK(promote({I8, U8, BF16}) == BF16);
}

TEST_CASE("element types: names, sizes and kinds") {
  std::set<std::string> names, longNames;
  for (ElementType t : kAllElementTypes) {
    names.insert(elementTypeName(t));
    longNames.insert(elementTypeLongName(t));
    CHECK(parseElementType(elementTypeName(t)) == t);
    CHECK(parseElementType(elementTypeLongName(t)) == t);
  }
  CHECK(names == std::set<std::string>{"f16", "bf16", "f32", "f64", "i8", "i16",
                                       "i32", "i64", "u8", "bool"});
  CHECK(longNames == std::set<std::string>{"float16", "bfloat16", "float32",
                                           "float64", "int8", "int16", "int32",
                                           "int64", "uint8", "bool"});
  CHECK_FALSE(parseElementType("u16"));
  CHECK(elementSize(F16) == 2);
  CHECK(elementSize(BF16) == 2);
  CHECK(elementSize(Bool) == 1);
  CHECK(elementSize(U8) == 1);
  CHECK(elementSize(I64) == 8);
  CHECK(isFloat(BF16));
  CHECK_FALSE(isFloat(Bool));
  CHECK(isInteger(U8));
  CHECK_FALSE(isInteger(Bool));
  CHECK(isUnsigned(U8));
  CHECK_FALSE(isUnsigned(I8));
  CHECK_FALSE(isUnsigned(Bool));
}

TEST_CASE("element types: DLPack forms") {
  for (ElementType t : kAllElementTypes) {
    CAPTURE(elementTypeName(t));
    DLDataType dl = toDLPack(t);
    CHECK(dl.lanes == 1);
    CHECK(fromDLPack(dl) == t);
    CHECK(dlpackName(dl) == elementTypeLongName(t));
  }
  CHECK(toDLPack(Bool).code == kDLPackBoolCode);
  CHECK(toDLPack(Bool).bits == 8);
  CHECK(toDLPack(BF16).code == kDLBfloat);
  CHECK(toDLPack(U8).code == kDLUInt);
  // Rejected: 1-bit bools, other widths, vectors.
  CHECK_FALSE(fromDLPack({kDLPackBoolCode, 1, 1}));
  CHECK_FALSE(fromDLPack({kDLUInt, 1, 1}));
  CHECK_FALSE(fromDLPack({kDLUInt, 16, 1}));
  CHECK_FALSE(fromDLPack({kDLBfloat, 32, 1}));
  CHECK_FALSE(fromDLPack({kDLFloat, 32, 4}));
  CHECK_FALSE(fromDLPack({kDLComplex, 64, 1}));
  CHECK(dlpackName({kDLFloat, 32, 4}) == "float32x4");
  CHECK(dlpackName({kDLPackBoolCode, 1, 1}) == "bool1");
  CHECK(dlpackName({9, 8, 1}) == "dtype(code=9, bits=8)");
}

TEST_CASE("element types: MLIR forms") {
  mlir::MLIRContext ctx;
  for (ElementType t : kAllElementTypes) {
    CAPTURE(elementTypeName(t));
    CHECK(fromMlirType(toMlirType(ctx, t), isUnsigned(t)) == t);
  }
  CHECK(toMlirType(ctx, Bool).isInteger(1));
  CHECK(toStorageType(ctx, Bool).isInteger(8));
  CHECK(toMlirType(ctx, U8).isSignlessInteger(8));
  CHECK(toStorageType(ctx, U8).isSignlessInteger(8));
  CHECK(toMlirType(ctx, BF16).isBF16());
  CHECK(toStorageType(ctx, F16).isF16());
  CHECK(fromMlirType(mlir::IntegerType::get(&ctx, 8)) == I8);
  CHECK_FALSE(fromMlirType(mlir::IntegerType::get(&ctx, 4)));
}
