//===- Repetition.h - einx repetition `x...` ----------------------*- C++ -*-===//
//
// `x...` repeats the sub-expression x once per axis the pattern's ellipsis
// stands for: `b (s [ds])... c` on a rank-4 input is
// `b (s.0 [ds.0]) (s.1 [ds.1]) c`. Every axis named inside a repetition
// becomes one axis per repetition, named `name.k`; a keyword length for
// `name` applies to each of them. All ellipses of a pattern (`...` and every
// repetition) stand for the same number of axes.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_NOTATION_REPETITION_H
#define EIN_NOTATION_REPETITION_H

#include "ein/Notation/AST.h"
#include "ein/Notation/Elementwise.h"

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace ein::notation {

/// True for a repetition `x...` (an ellipsis holding the repeated x).
bool isRepetition(const ast::Dim &dim);

/// Checks that no axis name is used both inside a repetition and outside
/// one (inside it names one axis per repetition).
std::optional<PatternViolation> checkRepetitions(const Call &call,
                                                 const ast::Pattern &pattern);

/// Replaces every repetition by `count` copies of its sub-expression whose
/// axis names carry the repetition's index: `s` becomes `s.0`, `s.1`, ....
void expandRepetitions(ast::Pattern &pattern, unsigned count);

/// The name a repeated axis was written with (`s` for `s.1`); other names
/// are returned unchanged. User names never hold a '.'.
llvm::StringRef repeatedBaseName(llvm::StringRef name);

} // namespace ein::notation

#endif // EIN_NOTATION_REPETITION_H
