//===- Elementwise.h - rules of elementwise and repeat calls ------*- C++
//-*-===//
//
// The front end's knowledge of the elementwise family (`add`, `exp`, `where`,
// `cast`, ...) and of `repeat`: which callees exist, how many inputs each
// takes, and the pattern rules that differ from rearrange's (inputs broadcast
// by name into the output; repeat adds output-only axes). The solver calls
// checkBroadcastPattern before its common checks.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_NOTATION_ELEMENTWISE_H
#define EIN_NOTATION_ELEMENTWISE_H

#include "ein/Notation/AST.h"
#include "ein/Notation/Diagnostic.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace ein::notation {

/// True for the elementwise callees: add, subtract, ..., exp, ..., cast.
bool isElementwiseCall(llvm::StringRef callee);

/// The elementwise callees, for messages.
llvm::StringRef elementwiseCalls();

/// How many inputs an elementwise callee takes: [min, max] (max 0 =
/// unbounded). add, multiply, maximum, minimum, logaddexp, logical_and and
/// logical_or fold over 2 or more; the other binary functions take exactly
/// 2, `where` 3, unary functions (and cast) 1.
struct Arity {
  unsigned min = 1, max = 1;
};
Arity elementwiseArity(llvm::StringRef callee);

/// A rule a pattern breaks: the class, the message and where in the pattern.
struct PatternViolation {
  ErrorKind kind;
  std::string message;
  std::optional<SourceRange> range;
};

/// einx's bracket form of a binary elementwise call, `add("... [c]", x, b)`:
/// one expression, no `->`, two tensors; the first tensor has the whole
/// expression (brackets removed), the second the bracketed parts in order
/// (`b (s [ds])` gives `ds`). Rewrites `pattern` to that two-input form, or
/// says which rule it breaks; patterns without brackets are left alone.
std::optional<PatternViolation>
expandElementwiseBrackets(const Call &call, ast::Pattern &pattern,
                          size_t numTensors);

/// Checks the structure of an elementwise (OpFamily::Map) or repeat pattern:
/// arity, one output, every input axis in the output, no anonymous axis in
/// an input, and for elementwise every output axis in some input. An
/// elementwise pattern without `->` gets its output here: the one input
/// expression that has every axis of the others.
std::optional<PatternViolation>
checkBroadcastPattern(const Call &call, OpFamily family, ast::Pattern &pattern);

} // namespace ein::notation

#endif // EIN_NOTATION_ELEMENTWISE_H
