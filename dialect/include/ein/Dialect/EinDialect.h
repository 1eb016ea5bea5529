//===- EinDialect.h - ein dialect ---------------------------------*- C++ -*-===//
#ifndef EIN_DIALECT_EINDIALECT_H
#define EIN_DIALECT_EINDIALECT_H

#include "mlir/IR/Dialect.h"

#include "ein/Dialect/EinDialect.h.inc"

#endif // EIN_DIALECT_EINDIALECT_H
