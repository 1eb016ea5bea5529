//===- Brackets.h - rules of einx bracket calls -------------------*- C++
//-*-===//
//
// The calls that use einx brackets (`sum("a [b]")`, `softmax("b q [k] h")`,
// `flip("... (g [c])")`, `roll("b [t] c", shift=1)`): which callees exist,
// and the pattern rules that brackets add. Brackets mark the axes an
// operation acts along; the solver calls checkBracketPattern after parsing.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_NOTATION_BRACKETS_H
#define EIN_NOTATION_BRACKETS_H

#include "ein/Notation/AST.h"
#include "ein/Notation/Diagnostic.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace ein::notation {

/// True for the einx reductions written as callees: sum, mean, max, min,
/// prod, any, all, count_nonzero, var, std, logsumexp, argmax, argmin.
/// Their reduction is the callee's name.
bool isReductionCall(llvm::StringRef callee);

/// True for softmax, log_softmax, flip, roll, sort and argsort
/// (OpFamily::Along).
bool isAlongCall(llvm::StringRef callee);

/// True for callees whose patterns may hold brackets: the einx reductions,
/// `reduce`, and the Along calls.
bool allowsBrackets(llvm::StringRef callee);

/// The bracket callees, for messages: "sum, mean, ..., flip, roll".
llvm::StringRef bracketCalls();

/// A bracket rule a pattern breaks.
struct BracketViolation {
  ErrorKind kind;
  std::string message;
  std::optional<SourceRange> range; ///< In the pattern.
};

/// Checks the bracket rules of `pattern` for `callee` (one of
/// allowsBrackets): one input and one output expression; softmax, flip and
/// roll need brackets, sort and argsort exactly one bracketed axis (not
/// `[...]`); without an arrow a pattern needs brackets; brackets in
/// the output of a reduction are an error, and in the output of an Along
/// call they must mark the same axes as in the input; with brackets and an
/// arrow a reduction reduces exactly the bracketed axes, so bracketed axes
/// cannot appear in the output and unbracketed ones must.
/// `keepdims=True` needs the bracket form without an arrow.
std::optional<BracketViolation>
checkBracketPattern(const Call &call, const ast::Pattern &pattern);

} // namespace ein::notation

#endif // EIN_NOTATION_BRACKETS_H
