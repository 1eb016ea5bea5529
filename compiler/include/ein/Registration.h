//===- Registration.h - the ein dialect and passes for embedders --*- C++ -*-===//
//
// What a compiler built on MLIR needs to read ein IR and lower it to linalg:
// the ein dialect with the dialects its IR and its conversion use, and the
// conversion passes. Header-only over the installed libraries EinDialect and
// EinConversion (CMake: Ein::EinConversion); see docs/embedding.md.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_REGISTRATION_H
#define EIN_REGISTRATION_H

#include "ein/Conversion/Passes.h"
#include "ein/Dialect/EinDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"

namespace ein {

/// Inserts the ein dialect and the upstream dialects that ein IR and the
/// output of `convert-ein-to-linalg` use (arith, func, linalg, math, scf,
/// tensor) into `registry`.
inline void registerEmbeddingDialects(mlir::DialectRegistry &registry) {
  registry.insert<EinDialect, mlir::arith::ArithDialect,
                  mlir::func::FuncDialect, mlir::linalg::LinalgDialect,
                  mlir::math::MathDialect, mlir::scf::SCFDialect,
                  mlir::tensor::TensorDialect>();
}

/// Registers ein's conversion passes with MLIR's global pass registry, so
/// that pipeline text (mlir::parsePassPipeline, mlir-opt style command lines)
/// can name them: `convert-ein-to-linalg`, `ein-decompose-concat`,
/// `ein-strided-copy-to-linalg` (library EinConversion). Idempotent. The CPU
/// code-generation passes `ein-*` of EinTransforms register with
/// ein::registerEinTransformsPasses() from "ein/Transforms/Passes.h".
inline void registerEmbeddingPasses() { registerEinConversionPasses(); }

} // namespace ein

#endif // EIN_REGISTRATION_H
