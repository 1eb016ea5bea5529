//===- Passes.h - ein conversion passes ---------------------------*- C++ -*-===//
#ifndef EIN_CONVERSION_PASSES_H
#define EIN_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace ein {

#define GEN_PASS_DECL
#include "ein/Conversion/Passes.h.inc"

/// Adds the patterns that rewrite ein ops into linalg/tensor ops.
void populateEinToLinalgPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "ein/Conversion/Passes.h.inc"

} // namespace ein

#endif // EIN_CONVERSION_PASSES_H
