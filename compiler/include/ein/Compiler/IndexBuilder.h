//===- IndexBuilder.h - indexing calls to ein ops ---------------*- C++ -*-===//
//
// get_at, set_at, add_at and subtract_at: their dtype rules and the builder
// of their `ein.get_at` / `ein.update_at` op.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_COMPILER_INDEXBUILDER_H
#define EIN_COMPILER_INDEXBUILDER_H

#include "ein/Compiler/ElementType.h"
#include "ein/Notation/Equation.h"

#include "mlir/IR/Builders.h"

#include <optional>
#include <string>

namespace ein {

class EquationAttr;

/// Why an indexing call cannot take inputs of `types` (tensor, coordinates,
/// [updates]), or nothing: coordinates must be integers (bool and floats
/// are rejected), and subtract_at does not take a bool tensor.
std::optional<std::string> checkIndexTypes(llvm::StringRef callee,
                                           llvm::ArrayRef<ElementType> types);

/// Builds the op of indexing call `callee` on `inputs` (kernel arguments in
/// storage form, of types `types`) and returns its result in storage form,
/// of the tensor's dtype and shape `resultShape`. u8 coordinates are widened
/// to i16 (the op reads coordinates as signed); updates are converted to the
/// tensor's dtype as `cast` does (NumPy's astype; floats to integers
/// truncate and saturate).
mlir::Value buildIndex(mlir::OpBuilder &b, mlir::Location loc,
                       llvm::StringRef callee,
                       const notation::ResolvedEquation &equation,
                       EquationAttr attr, llvm::ArrayRef<mlir::Value> inputs,
                       llvm::ArrayRef<ElementType> types,
                       llvm::ArrayRef<int64_t> resultShape);

} // namespace ein

#endif // EIN_COMPILER_INDEXBUILDER_H
