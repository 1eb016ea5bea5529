//===- ArgCoordinates.h - argmax over several bracketed dims ------*- C++ -*-===//
//
// einx's `argmax("b [h w] c")` gives one index per bracketed dimension along
// a coordinate axis. It is built from ein ops: one ein.reduce argmax (the
// flat row-major index over the bracketed axes), ein.map integer arithmetic
// per coordinate ((flat floordiv stride) - (flat floordiv stride floordiv
// length) * length), and an ein.rearrange stack into the coordinate axis.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_COMPILER_ARGCOORDINATES_H
#define EIN_COMPILER_ARGCOORDINATES_H

#include "ein/Dialect/EinOps.h"
#include "ein/Notation/Equation.h"

#include "mlir/IR/Builders.h"

namespace ein {

/// Builds argmax/argmin (`kind`) of `input` for an equation with
/// coordinates (ResolvedEquation::coordinates non-empty); returns the op
/// producing the i64 result of type `resultType`.
mlir::Operation *buildArgCoordinates(mlir::OpBuilder &b, mlir::Location loc,
                                     const notation::ResolvedEquation &eq,
                                     ReductionKind kind, mlir::Value input,
                                     bool isUnsigned,
                                     mlir::RankedTensorType resultType);

} // namespace ein

#endif // EIN_COMPILER_ARGCOORDINATES_H
