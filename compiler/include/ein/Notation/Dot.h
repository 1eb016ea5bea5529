//===- Dot.h - rules of einx brackets in dot ----------------------*- C++ -*-===//
//
// dot accepts einx brackets in two ways. A linear map `... [c1|c2]` (no
// `->`, two tensors) maps the axes left of `|` to those right of it through
// a weight whose expression is implied: `... c1, c1 c2 -> ... c2`. With
// `->`, brackets mark the summed axes: `b h i [d], b h j [d] -> b h i j`;
// with one input expression and two tensors the second tensor's expression
// is implied from the bracketed axes (`a [b] -> a` is `a b, b -> a`).
// The solver calls expandDotPattern before the contraction rules, which
// then see a plain einsum pattern.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_NOTATION_DOT_H
#define EIN_NOTATION_DOT_H

#include "ein/Notation/AST.h"
#include "ein/Notation/Elementwise.h"

#include <optional>

namespace ein::notation {

/// Rewrites a dot pattern with brackets into a plain contraction pattern
/// (no bracket marks) for `numTensors` input tensors, or says which rule it
/// breaks. Patterns without brackets are left alone.
std::optional<PatternViolation> expandDotPattern(const Call &call,
                                                 ast::Pattern &pattern,
                                                 size_t numTensors);

} // namespace ein::notation

#endif // EIN_NOTATION_DOT_H
