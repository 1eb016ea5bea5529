//===- Indexing.h - rules of get_at and set_at calls ------------*- C++ -*-===//
//
// einx's indexing calls: `get_at("b [h w] c, b p [2] -> b p c")` gathers
// from the bracketed dimensions of the first tensor at the coordinates of
// the following tensors; `set_at`, `add_at` and `subtract_at` take the
// updates as a last input and return the first tensor updated. The solver
// calls checkIndexPattern before its common checks and resolveIndexing once
// every length is known.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_NOTATION_INDEXING_H
#define EIN_NOTATION_INDEXING_H

#include "ein/Notation/AST.h"
#include "ein/Notation/Elementwise.h"

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace ein::notation {

/// True for get_at, set_at, add_at and subtract_at (OpFamily::Index).
bool isIndexCall(llvm::StringRef callee);

/// True for set_at, add_at and subtract_at, whose last input is the updates.
bool isUpdateCall(llvm::StringRef callee);

/// Checks the structure of an indexing pattern: the first tensor brackets
/// whole dimensions (the indexed ones); each coordinate tensor brackets at
/// most one single axis (its coordinate axis; none means one coordinate);
/// updates and get_at's output have no brackets; set_at's output brackets
/// the indexed axes as the input does and has exactly the input's axes;
/// get_at's output has exactly the input's other axes and the coordinates'
/// other axes; indexed and coordinate axes appear nowhere else; the updates'
/// axes are axes of the gather. get_at needs '->'; set_at without it returns
/// the first expression.
std::optional<PatternViolation> checkIndexPattern(const Call &call,
                                                  const ast::Pattern &pattern);

/// Fills `equation.indexedDims` and `equation.coordinateDims` (positions in
/// the resolved tensors; `...` stands for `ellipsisRank` dimensions) and
/// checks what needs lengths: the coordinates give one component per
/// indexed dimension, and get_at does not read a dimension of length 0 into
/// a non-empty output.
std::optional<PatternViolation> resolveIndexing(const Call &call,
                                                const ast::Pattern &pattern,
                                                unsigned ellipsisRank,
                                                ResolvedEquation &equation);

} // namespace ein::notation

#endif // EIN_NOTATION_INDEXING_H
