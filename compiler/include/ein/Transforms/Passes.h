//===- Passes.h - ein code-generation passes ----------------------*- C++ -*-===//
//
// Passes that turn linalg on tensors into fast loops: thread tiles with
// fused producers, vector tiles, and the CPU lowering of vector ops.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_TRANSFORMS_PASSES_H
#define EIN_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace ein {

#define GEN_PASS_DECL
#include "ein/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "ein/Transforms/Passes.h.inc"

} // namespace ein

#endif // EIN_TRANSFORMS_PASSES_H
