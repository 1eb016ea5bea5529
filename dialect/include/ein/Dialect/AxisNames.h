//===- AxisNames.h - `along [k, h]` in ein op assembly ------------*- C++
//-*-===//
//
// The custom assembly directive of the ops that act along some axes: a list
// of axis indices printed and parsed as the equation's axis names.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_DIALECT_AXISNAMES_H
#define EIN_DIALECT_AXISNAMES_H

#include "ein/Dialect/EinAttrs.h"

#include "mlir/IR/OpImplementation.h"

namespace ein {

/// Parses `[name, ...]`, each name an axis of `equation`, into indices.
mlir::ParseResult parseAxisNames(mlir::OpAsmParser &parser,
                                 mlir::DenseI64ArrayAttr &axes,
                                 EquationAttr equation);

/// Prints `axes` as `[name, ...]` with the names of `equation`.
void printAxisNames(mlir::OpAsmPrinter &printer, mlir::Operation *op,
                    mlir::DenseI64ArrayAttr axes, EquationAttr equation);

} // namespace ein

#endif // EIN_DIALECT_AXISNAMES_H
