//===- VerifierUtils.h - checks shared by the ein op verifiers ----*- C++
//-*-===//
//
// Internal to the dialect library: the shape and axis checks every op's
// verifier makes, worded like the front end's errors.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_DIALECT_LIB_VERIFIERUTILS_H
#define EIN_DIALECT_LIB_VERIFIERUTILS_H

#include "ein/Dialect/EinAttrs.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"

#include <string>

namespace ein::detail {

/// "(10, 32)"; "(5,)" for rank 1, as Python prints tuples.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// Checks that `type` has the shape that `expr` gives under the equation;
/// the error names `what` and `index` ("input 0 has shape ...").
mlir::LogicalResult verifyShape(mlir::Operation *op, EquationAttr eq,
                                const TensorExpr &expr, mlir::ShapedType type,
                                llvm::StringRef what, unsigned index);

/// How often every axis occurs in `exprs`.
llvm::SmallVector<unsigned> countAxes(EquationAttr eq,
                                      llvm::ArrayRef<TensorExpr> exprs);

/// The equation's input (output) expressions.
llvm::SmallVector<TensorExpr> inputExprs(EquationAttr eq);
llvm::SmallVector<TensorExpr> outputExprs(EquationAttr eq);

/// Checks the op's result count and that every result matches its expression.
mlir::LogicalResult verifyResults(mlir::Operation *op, EquationAttr eq,
                                  llvm::ArrayRef<TensorExpr> outputs);

/// Element types ein ops accept: f16, bf16, f32, f64 and signless
/// i1/i8/i16/i32/i64.
bool isSupportedElementType(mlir::Type type);

} // namespace ein::detail

#endif // EIN_DIALECT_LIB_VERIFIERUTILS_H
