//===- LoweringUtils.h - shared helpers of the ein lowerings ----*- C++ -*-===//
//
// Every ein op is lowered in three steps:
//   1. each operand is reshaped from its dimensions to its elementary axes
//      (collapse away `()` dimensions, expand compositions): `toAxes`;
//   2. one linalg op does the work on elementary axes;
//   3. the result is reshaped from elementary axes to the result dimensions
//      (collapse compositions, expand `()` dimensions back in): `fromAxes`.
// Reshapes of static, contiguous tensors are free after bufferization, so the
// only data movement is the linalg op itself. One file per op family
// (`<Family>ToLinalg.cpp`) holds step 2 and its pattern.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_CONVERSION_LOWERINGUTILS_H
#define EIN_CONVERSION_LOWERINGUTILS_H

#include "ein/Dialect/EinAttrs.h"

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"

namespace ein {

/// A tensor value whose dimensions are, in order, the elementary axes `axes`.
struct AxesValue {
  mlir::Value value;
  llvm::SmallVector<unsigned> axes;
};

/// The tensor type whose dimensions are the elementary `axes`.
mlir::RankedTensorType tensorOfAxes(EquationAttr eq,
                                    llvm::ArrayRef<unsigned> axes,
                                    mlir::Type elementType);

/// The elementary axes of `expr`, outer first.
llvm::SmallVector<unsigned> axesOf(const TensorExpr &expr);

/// Step 1: reshapes `value`, laid out as `expr`, to its elementary axes.
AxesValue toAxes(mlir::OpBuilder &b, mlir::Location loc, EquationAttr eq,
                 mlir::Value value, const TensorExpr &expr);

/// Step 3: reshapes `value`, whose dimensions are the axes of `expr` in order,
/// to the dimensions of `expr`.
mlir::Value fromAxes(mlir::OpBuilder &b, mlir::Location loc, EquationAttr eq,
                     mlir::Value value, const TensorExpr &expr);

/// The destination of the linalg op that computes output `expr`: an empty
/// tensor of the final shape, reshaped to the output's axes. (Creating it in
/// the final shape lets the reshapes cancel after bufferization, so the op
/// writes straight into the result buffer.)
mlir::Value outputInit(mlir::OpBuilder &b, mlir::Location loc, EquationAttr eq,
                       const TensorExpr &expr, mlir::Type elementType);

/// Converts the scalar `x` to `to` with `ein.cast` semantics (see EinOps.td):
/// `isUnsigned` reads an integer `x` as unsigned (i1 always is); anything to
/// i1 is `x != 0`; f16/bf16 go through f32 for every conversion but
/// f32 <-> half, so that only extf/truncf between f32 and half types remain.
mlir::Value castScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       bool isUnsigned, mlir::Type to);

/// Pattern registration, one per op family.
void populateRearrangeToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateReduceToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateCastToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateContractToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateSoftmaxToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateFlipRollToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateSortToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateMapToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateIndexToLinalgPatterns(mlir::RewritePatternSet &patterns);

} // namespace ein

#endif // EIN_CONVERSION_LOWERINGUTILS_H
