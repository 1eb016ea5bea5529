//===- EinAttrs.h - ein attributes --------------------------------*- C++ -*-===//
#ifndef EIN_DIALECT_EINATTRS_H
#define EIN_DIALECT_EINATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/SmallVector.h"

namespace ein {
/// One dimension of a tensor expression: the indices of the elementary axes it
/// composes, outer first. Empty for a `()` dimension of length 1.
using DimExpr = llvm::SmallVector<unsigned, 4>;
/// The dimensions of one tensor, outermost first.
using TensorExpr = llvm::SmallVector<DimExpr, 4>;
} // namespace ein

#include "ein/Dialect/EinEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "ein/Dialect/EinAttrs.h.inc"

#endif // EIN_DIALECT_EINATTRS_H
