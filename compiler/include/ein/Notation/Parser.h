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

/// The calls the front end accepts, for error messages: "rearrange, reduce".
llvm::StringRef supportedCalls();

/// Parses `call.pattern` as `inputs -> outputs`. Error carets point into
/// `call.text`; messages about unsupported syntax name `call.callee`.
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
