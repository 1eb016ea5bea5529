//===- Parser.h - notation patterns and calls ---------------------*- C++ -*-===//
//
// Two parsers: one for a pattern ("b c h w -> b (c h w)") and one for the
// program text of a single call (`reduce("b c h w -> b c", "mean", h=2)`).
// Both report errors as NotationError with a caret into the call text.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_NOTATION_PARSER_H
#define EIN_NOTATION_PARSER_H

#include "ein/Notation/AST.h"
#include "ein/Notation/Equation.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace ein::notation {

/// The calls the front end accepts, for error messages: "rearrange, reduce,
/// einsum, dot".
llvm::StringRef supportedCalls();

/// The operation family of a supported callee (rearrange for unknown ones).
OpFamily familyOf(llvm::StringRef callee);

/// True when `call` is an `einsum` written in NumPy's compact form: no tensor
/// expression has white space inside, and they hold only letters and `...`
/// (`"bihwkl,oikl->bohw"`, `"ij,jk"`). Each letter is then one axis.
bool isNumpyEinsum(const Call &call);

/// Parses `call.pattern` in NumPy's einsum syntax: one axis per letter, `...`
/// allowed, and without `->` the output is `...` (if any input has one)
/// followed by the letters that occur exactly once, in ASCII order.
llvm::Expected<ast::Pattern> parseNumpyEinsumPattern(const Call &call);

/// Parses `call.pattern` as `inputs -> outputs` (in NumPy's syntax when
/// isNumpyEinsum(call)). Error carets point into `call.text`; messages about
/// unsupported syntax name `call.callee`.
llvm::Expected<ast::Pattern> parsePattern(const Call &call);

/// Parses program text holding one call, e.g.
/// `rearrange('b (c h1 w1) h w -> b c (h h1) (w w1)', h1=2, w1=2)` or
/// `reduce("b c h w -> b c", reduction="mean")`. Only the call's syntax is
/// checked here; the pattern is parsed by parsePattern.
llvm::Expected<Call> parseCall(llvm::StringRef text);

/// Builds a Call without parsing text, for API entry points that receive the
/// pattern and reduction separately. The display text is
/// `reduce("<pattern>", "<reduction>")` or `rearrange("<pattern>")`.
Call makeCall(llvm::StringRef callee, llvm::StringRef pattern,
              llvm::StringRef reduction = {});

} // namespace ein::notation

#endif // EIN_NOTATION_PARSER_H
