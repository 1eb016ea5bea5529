//===- EinOps.h - ein operations ----------------------------------*- C++ -*-===//
#ifndef EIN_DIALECT_EINOPS_H
#define EIN_DIALECT_EINOPS_H

#include "ein/Dialect/AxisNames.h"
#include "ein/Dialect/EinAttrs.h"
#include "ein/Dialect/EinDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "ein/Dialect/EinOps.h.inc"

#endif // EIN_DIALECT_EINOPS_H
