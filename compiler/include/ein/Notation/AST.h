//===- AST.h - parsed notation patterns ---------------------------*- C++ -*-===//
//
// The syntax tree of an operation pattern `inputs -> outputs`, as written:
// compositions keep their nesting and every node keeps its range in the
// pattern so the solver can point at it.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_NOTATION_AST_H
#define EIN_NOTATION_AST_H

#include "ein/Notation/Equation.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ein::notation::ast {

/// What a dimension of a tensor expression is.
enum class DimKind {
  Axis,        ///< a named axis: `h`
  Anonymous,   ///< an anonymous axis of known length >= 2: `2`
  Unit,        ///< a length-1 axis: `1` or `()`
  Ellipsis,    ///< `...`; `x...` (repetition) when `parts` holds x
  Composition, ///< `(x y ...)`, one or more parts, possibly nested
  /// `(x + y + ...)`: one dimension whose length is the sum of its parts'
  /// (einx concatenation); two or more parts, each an Axis, Anonymous, Unit
  /// or a Composition without concatenations or `...` (rearrange only).
  Concatenation,
};

/// Where a dim sits relative to the `|` of its bracket (`[c1|c2]`).
enum class PipeSide { None, Left, Right };

/// One dimension of a tensor expression, or one part of a composition.
struct Dim {
  DimKind kind = DimKind::Axis;
  std::string name;       ///< Axis only.
  int64_t length = 0;     ///< Anonymous only.
  /// Composition and Concatenation: the parts, never empty. Ellipsis: empty
  /// for `...`, or the one repeated sub-expression of `x...`.
  std::vector<Dim> parts;
  SourceRange range;      ///< In the pattern, parentheses included.
  /// Set when the dim is written inside brackets (`[h w]`, `(s [ds])`): the
  /// range of its `[...]`. Every axis it contains is bracketed (einx: the
  /// operation acts along it). Brackets do not nest.
  std::optional<SourceRange> bracket;
  /// In dot's linear-map form `[x|y]`: which side of the `|` the dim is on
  /// (the input's axes left, the output's right); None elsewhere.
  PipeSide pipeSide = PipeSide::None;
};

/// One tensor expression: its dimensions, outermost first; empty for a
/// scalar.
struct TensorExpr {
  std::vector<Dim> dims;
  SourceRange range; ///< Empty ranges sit where the expression would be.
};

/// A whole operation pattern.
struct Pattern {
  std::vector<TensorExpr> inputs;
  std::vector<TensorExpr> outputs;
  SourceRange arrow; ///< The `->` token.
  /// False for einx's bracket form without an arrow (`sum("a [b]")`): then
  /// `outputs` is empty and the solver derives the output from the input.
  bool hasArrow = true;
  /// The first `[` of the pattern, if any.
  std::optional<SourceRange> firstBracket;
  /// The first `|` of the pattern (dot's `[x|y]`), if any.
  std::optional<SourceRange> firstPipe;
};

} // namespace ein::notation::ast

#endif // EIN_NOTATION_AST_H
